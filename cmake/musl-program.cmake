# Static aarch64 Linux programs built against Debian's musl (cross build
# only). The same binary runs on Debian's arm64 Linux (the reference) and on
# tern; the conformance suite and the benchmarks are built this way.
#
#   tern_musl_program(NAME SOURCES... [OUTPUT_DIRECTORY dir])
#
# makes NAME a static, non-PIE ELF linked by hand from musl's start files
# and libc.a (musl-dev:arm64 unpacked into ${TERN_SYSROOT} by tools/setup):
#
#   crt1.o crti.o <objects> libc.a -lgcc crtn.o
#
# GCC's own startup files and libraries stay out (-nostdlib), and so do the
# host's glibc headers (-nostdinc): only musl's headers and GCC's own
# (stddef.h, stdarg.h, arm_neon.h ...) are searched.
# -mno-outline-atomics: libgcc's out-of-line LSE helpers would pull in
# glibc's __getauxval, which musl does not have.
if(NOT CMAKE_CROSSCOMPILING)
    message(FATAL_ERROR "musl-program.cmake is for the aarch64 cross build")
endif()

set(TERN_MUSL_INCLUDE_DIR ${TERN_SYSROOT}/usr/include/aarch64-linux-musl)
set(TERN_MUSL_LIBRARY_DIR ${TERN_SYSROOT}/usr/lib/aarch64-linux-musl)
foreach(required ${TERN_MUSL_INCLUDE_DIR}/stdio.h
                 ${TERN_MUSL_LIBRARY_DIR}/crt1.o
                 ${TERN_MUSL_LIBRARY_DIR}/crti.o
                 ${TERN_MUSL_LIBRARY_DIR}/crtn.o
                 ${TERN_MUSL_LIBRARY_DIR}/libc.a)
    if(NOT EXISTS ${required})
        message(FATAL_ERROR "musl for arm64 is missing (${required}): run tools/setup")
    endif()
endforeach()

execute_process(
    COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
    OUTPUT_VARIABLE TERN_COMPILER_INCLUDE_DIR
    OUTPUT_STRIP_TRAILING_WHITESPACE
    COMMAND_ERROR_IS_FATAL ANY)

# Compile and link options every musl program shares.
if(NOT TARGET tern_musl_options)
    add_library(tern_musl_options INTERFACE)
    target_compile_options(tern_musl_options INTERFACE
        -std=gnu11 -O2 -g
        -Wall -Wextra -Werror
        -fno-pie -mno-outline-atomics
        -nostdinc
        "SHELL:-isystem ${TERN_MUSL_INCLUDE_DIR}"
        "SHELL:-isystem ${TERN_COMPILER_INCLUDE_DIR}")
    # Link flags come before the objects on CMake's link line, so the
    # start files that must precede them go here.
    target_link_options(tern_musl_options INTERFACE
        -static -no-pie -nostdlib
        -Wl,-z,noexecstack
        ${TERN_MUSL_LIBRARY_DIR}/crt1.o
        ${TERN_MUSL_LIBRARY_DIR}/crti.o)
endif()

function(tern_musl_program name)
    cmake_parse_arguments(PARSE_ARGV 1 program "" "OUTPUT_DIRECTORY" "")
    if(NOT program_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "tern_musl_program(${name}): no sources")
    endif()
    add_executable(${name} ${program_UNPARSED_ARGUMENTS})
    # Libraries follow the objects, in this order: libc, then libgcc for
    # the helpers libc and the program need, then crtn.o to close .init.
    target_link_libraries(${name} PRIVATE tern_musl_options
        ${TERN_MUSL_LIBRARY_DIR}/libc.a gcc ${TERN_MUSL_LIBRARY_DIR}/crtn.o)
    set_target_properties(${name} PROPERTIES LINK_DEPENDS
        "${TERN_MUSL_LIBRARY_DIR}/crt1.o;${TERN_MUSL_LIBRARY_DIR}/crti.o;${TERN_MUSL_LIBRARY_DIR}/crtn.o")
    if(program_OUTPUT_DIRECTORY)
        set_target_properties(${name} PROPERTIES
            RUNTIME_OUTPUT_DIRECTORY ${program_OUTPUT_DIRECTORY})
    endif()
endfunction()
