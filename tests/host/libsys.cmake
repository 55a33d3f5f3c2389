# Host tests of libsys's pure parts (libsys/src): the memory functions,
# the open file description table and the page tree servers keep, and the
# ELF parser init and procmgr share.

get_filename_component(LIBSYS_SOURCES
    "${CMAKE_CURRENT_LIST_DIR}/../../libsys/src" ABSOLUTE)

function(libsys_host_test name)
    tern_host_test(${name} ${ARGN})
    target_include_directories(${name} PRIVATE
        "${TERN_LIBSYS_INCLUDE}" "${TERN_KERNEL_SOURCES}/../include")
endfunction()

# libsys's memory functions, under other names beside the host's.
libsys_host_test(test_libsys_string
    SOURCES test_libsys_string.c libsys_string_renamed.c)
set_source_files_properties(libsys_string_renamed.c PROPERTIES COMPILE_OPTIONS -fno-builtin)

libsys_host_test(test_libsys_file_table
    SOURCES test_libsys_file_table.c "${LIBSYS_SOURCES}/file_table.c")
libsys_host_test(test_libsys_setting_text
    SOURCES test_libsys_setting_text.c "${LIBSYS_SOURCES}/setting_text.c")
libsys_host_test(test_libsys_file_locks
    SOURCES test_libsys_file_locks.c "${LIBSYS_SOURCES}/file_locks.c")
libsys_host_test(test_libsys_page_tree
    SOURCES test_libsys_page_tree.c "${LIBSYS_SOURCES}/page_tree.c")
libsys_host_test(test_libsys_servers
    SOURCES test_libsys_servers.c "${LIBSYS_SOURCES}/servers.c")
libsys_host_test(test_libsys_client_accounts
    SOURCES test_libsys_client_accounts.c "${LIBSYS_SOURCES}/client_accounts.c")
libsys_host_test(test_libsys_file_pages
    SOURCES test_libsys_file_pages.c "${LIBSYS_SOURCES}/file_pages.c"
            "${LIBSYS_SOURCES}/page_tree.c" "${LIBSYS_SOURCES}/client_buffer.c")

# Real static musl programs for the ELF parser: one ET_EXEC, one static PIE
# (ET_DYN without PT_INTERP), linked by hand as cmake/musl-program.cmake does.
find_program(LIBSYS_CROSS_CC aarch64-linux-gnu-gcc REQUIRED)
set(LIBSYS_MUSL_LIBRARY_DIR "${TERN_SYSROOT}/usr/lib/aarch64-linux-musl")
set(LIBSYS_MUSL_INCLUDE_DIR "${TERN_SYSROOT}/usr/include/aarch64-linux-musl")
if(NOT EXISTS "${LIBSYS_MUSL_LIBRARY_DIR}/libc.a")
    message(FATAL_ERROR "musl for arm64 is missing under ${TERN_SYSROOT}: run tools/setup")
endif()
execute_process(
    COMMAND ${LIBSYS_CROSS_CC} -print-file-name=include
    OUTPUT_VARIABLE LIBSYS_CROSS_INCLUDE_DIR
    OUTPUT_STRIP_TRAILING_WHITESPACE
    COMMAND_ERROR_IS_FATAL ANY)
set(LIBSYS_FIXTURES "${CMAKE_CURRENT_BINARY_DIR}/libsys-fixtures")
set(LIBSYS_HELLO "${LIBSYS_FIXTURES}/hello.c")
# CONFIGURE rewrites the file only when its content changes.
file(CONFIGURE OUTPUT "${LIBSYS_HELLO}" CONTENT
    "#include <stdio.h>\nint main(void)\n{\n    puts(\"hello\");\n    return 0;\n}\n" @ONLY)
set(LIBSYS_MUSL_COMPILE
    -nostdinc -isystem "${LIBSYS_MUSL_INCLUDE_DIR}" -isystem "${LIBSYS_CROSS_INCLUDE_DIR}"
    -nostdlib -mno-outline-atomics -O2)
add_custom_command(OUTPUT "${LIBSYS_FIXTURES}/hello" "${LIBSYS_FIXTURES}/hello-pie"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${LIBSYS_FIXTURES}"
    COMMAND ${LIBSYS_CROSS_CC} -static -no-pie -fno-pie ${LIBSYS_MUSL_COMPILE}
        "${LIBSYS_MUSL_LIBRARY_DIR}/crt1.o" "${LIBSYS_MUSL_LIBRARY_DIR}/crti.o"
        "${LIBSYS_HELLO}" "${LIBSYS_MUSL_LIBRARY_DIR}/libc.a" -lgcc
        "${LIBSYS_MUSL_LIBRARY_DIR}/crtn.o" -o "${LIBSYS_FIXTURES}/hello"
    COMMAND ${LIBSYS_CROSS_CC} -static-pie -fPIE ${LIBSYS_MUSL_COMPILE}
        "${LIBSYS_MUSL_LIBRARY_DIR}/rcrt1.o" "${LIBSYS_MUSL_LIBRARY_DIR}/crti.o"
        "${LIBSYS_HELLO}" "${LIBSYS_MUSL_LIBRARY_DIR}/libc.a" -lgcc
        "${LIBSYS_MUSL_LIBRARY_DIR}/crtn.o" -o "${LIBSYS_FIXTURES}/hello-pie"
    DEPENDS "${LIBSYS_HELLO}"
    COMMENT "Linking static musl programs for the libsys ELF tests"
    VERBATIM)
add_custom_target(libsys_test_programs
    DEPENDS "${LIBSYS_FIXTURES}/hello" "${LIBSYS_FIXTURES}/hello-pie")

libsys_host_test(test_libsys_elf_image
    SOURCES test_libsys_elf_image.c "${LIBSYS_SOURCES}/elf_image.c"
    ARGS "${LIBSYS_FIXTURES}/hello" "${LIBSYS_FIXTURES}/hello-pie"
    DEPENDS libsys_test_programs)
libsys_host_test(test_libsys_watch
    SOURCES test_libsys_watch.c "${LIBSYS_SOURCES}/watch.c")
