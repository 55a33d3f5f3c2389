# Host tests of servers/procmgr's pure parts: ELF parsing, the initial
# Linux stack, the region map, the page index, and the policy cores
# (credentials, kill rules, process groups, pending signals, signal
# delivery, wait matching).

set(PROCMGR_DIR "${TERN_SERVERS}/procmgr")
get_filename_component(PROCMGR_KERNEL_INCLUDE
    "${CMAKE_CURRENT_SOURCE_DIR}/../../kernel/include" ABSOLUTE)

function(procmgr_host_test name)
    tern_host_test(${name} ${ARGN})
    target_include_directories(${name} PRIVATE
        "${PROCMGR_DIR}" "${TERN_LIBSYS_INCLUDE}" "${PROCMGR_KERNEL_INCLUDE}")
endfunction()

# Real static musl programs for the ELF parser: one ET_EXEC, one static PIE
# (ET_DYN without PT_INTERP), linked by hand as cmake/musl-program.cmake does.
find_program(PROCMGR_CROSS_CC aarch64-linux-gnu-gcc REQUIRED)
set(PROCMGR_MUSL_LIBRARY_DIR "${TERN_SYSROOT}/usr/lib/aarch64-linux-musl")
set(PROCMGR_MUSL_INCLUDE_DIR "${TERN_SYSROOT}/usr/include/aarch64-linux-musl")
if(NOT EXISTS "${PROCMGR_MUSL_LIBRARY_DIR}/libc.a")
    message(FATAL_ERROR "musl for arm64 is missing under ${TERN_SYSROOT}: run tools/setup")
endif()
execute_process(
    COMMAND ${PROCMGR_CROSS_CC} -print-file-name=include
    OUTPUT_VARIABLE PROCMGR_CROSS_INCLUDE_DIR
    OUTPUT_STRIP_TRAILING_WHITESPACE
    COMMAND_ERROR_IS_FATAL ANY)
set(PROCMGR_FIXTURES "${CMAKE_CURRENT_BINARY_DIR}/procmgr-fixtures")
set(PROCMGR_HELLO "${PROCMGR_FIXTURES}/hello.c")
# CONFIGURE rewrites the file only when its content changes.
file(CONFIGURE OUTPUT "${PROCMGR_HELLO}" CONTENT
    "#include <stdio.h>\nint main(void)\n{\n    puts(\"hello\");\n    return 0;\n}\n" @ONLY)
set(PROCMGR_MUSL_COMPILE
    -nostdinc -isystem "${PROCMGR_MUSL_INCLUDE_DIR}" -isystem "${PROCMGR_CROSS_INCLUDE_DIR}"
    -nostdlib -mno-outline-atomics -O2)
add_custom_command(OUTPUT "${PROCMGR_FIXTURES}/hello" "${PROCMGR_FIXTURES}/hello-pie"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${PROCMGR_FIXTURES}"
    COMMAND ${PROCMGR_CROSS_CC} -static -no-pie -fno-pie ${PROCMGR_MUSL_COMPILE}
        "${PROCMGR_MUSL_LIBRARY_DIR}/crt1.o" "${PROCMGR_MUSL_LIBRARY_DIR}/crti.o"
        "${PROCMGR_HELLO}" "${PROCMGR_MUSL_LIBRARY_DIR}/libc.a" -lgcc
        "${PROCMGR_MUSL_LIBRARY_DIR}/crtn.o" -o "${PROCMGR_FIXTURES}/hello"
    COMMAND ${PROCMGR_CROSS_CC} -static-pie -fPIE ${PROCMGR_MUSL_COMPILE}
        "${PROCMGR_MUSL_LIBRARY_DIR}/rcrt1.o" "${PROCMGR_MUSL_LIBRARY_DIR}/crti.o"
        "${PROCMGR_HELLO}" "${PROCMGR_MUSL_LIBRARY_DIR}/libc.a" -lgcc
        "${PROCMGR_MUSL_LIBRARY_DIR}/crtn.o" -o "${PROCMGR_FIXTURES}/hello-pie"
    DEPENDS "${PROCMGR_HELLO}"
    COMMENT "Linking static musl programs for the procmgr ELF tests"
    VERBATIM)
add_custom_target(procmgr_test_programs
    DEPENDS "${PROCMGR_FIXTURES}/hello" "${PROCMGR_FIXTURES}/hello-pie")

procmgr_host_test(test_procmgr_elf_image
    SOURCES test_procmgr_elf_image.c "${PROCMGR_DIR}/elf_image.c"
    ARGS "${PROCMGR_FIXTURES}/hello" "${PROCMGR_FIXTURES}/hello-pie"
    DEPENDS procmgr_test_programs)
procmgr_host_test(test_procmgr_linux_stack
    SOURCES test_procmgr_linux_stack.c "${PROCMGR_DIR}/linux_stack.c")
procmgr_host_test(test_procmgr_address_map
    SOURCES test_procmgr_address_map.c "${PROCMGR_DIR}/address_map.c")
procmgr_host_test(test_procmgr_page_index
    SOURCES test_procmgr_page_index.c "${PROCMGR_DIR}/page_index.c")
procmgr_host_test(test_procmgr_credentials
    SOURCES test_procmgr_credentials.c "${PROCMGR_DIR}/credentials.c")
procmgr_host_test(test_procmgr_kill_rules
    SOURCES test_procmgr_kill_rules.c "${PROCMGR_DIR}/kill_rules.c"
            "${PROCMGR_DIR}/credentials.c")
procmgr_host_test(test_procmgr_process_group
    SOURCES test_procmgr_process_group.c "${PROCMGR_DIR}/process_group.c")
procmgr_host_test(test_procmgr_pending_signals
    SOURCES test_procmgr_pending_signals.c "${PROCMGR_DIR}/pending_signals.c")
procmgr_host_test(test_procmgr_signal_delivery
    SOURCES test_procmgr_signal_delivery.c "${PROCMGR_DIR}/signal_delivery.c")
procmgr_host_test(test_procmgr_wait_match
    SOURCES test_procmgr_wait_match.c "${PROCMGR_DIR}/wait_match.c")
