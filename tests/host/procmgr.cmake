# Host tests of servers/procmgr's pure parts: the initial Linux stack, the
# region map and the page index. Its ELF parser is libsys's (libsys.cmake).

set(PROCMGR_DIR "${TERN_SERVERS}/procmgr")
get_filename_component(PROCMGR_KERNEL_INCLUDE
    "${CMAKE_CURRENT_SOURCE_DIR}/../../kernel/include" ABSOLUTE)

function(procmgr_host_test name)
    tern_host_test(${name} ${ARGN})
    target_include_directories(${name} PRIVATE
        "${PROCMGR_DIR}" "${TERN_LIBSYS_INCLUDE}" "${PROCMGR_KERNEL_INCLUDE}")
endfunction()

procmgr_host_test(test_procmgr_linux_stack
    SOURCES test_procmgr_linux_stack.c "${PROCMGR_DIR}/linux_stack.c")
procmgr_host_test(test_procmgr_address_map
    SOURCES test_procmgr_address_map.c "${PROCMGR_DIR}/address_map.c")
procmgr_host_test(test_procmgr_page_index
    SOURCES test_procmgr_page_index.c "${PROCMGR_DIR}/page_index.c")
