# Host tests of servers/procmgr's pure parts: the initial Linux stack, the
# region map, the page index, and the policy cores (credentials, kill
# rules, process groups, pending signals, signal delivery, job control,
# wait matching, robust futex lists, thread placement, lending memory to
# servers, the access model).
# Its ELF parser is libsys's (libsys.cmake).

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
procmgr_host_test(test_procmgr_userfault
    SOURCES test_procmgr_userfault.c "${PROCMGR_DIR}/userfault.c")
procmgr_host_test(test_procmgr_address_map
    SOURCES test_procmgr_address_map.c "${PROCMGR_DIR}/address_map.c"
    address_map_storage.c)
procmgr_host_test(test_procmgr_page_index
    SOURCES test_procmgr_page_index.c "${PROCMGR_DIR}/page_index.c")
procmgr_host_test(test_procmgr_credentials
    SOURCES test_procmgr_credentials.c "${PROCMGR_DIR}/credentials.c")
procmgr_host_test(test_procmgr_access_model
    SOURCES test_procmgr_access_model.c "${PROCMGR_DIR}/access_model.c")
procmgr_host_test(test_procmgr_lending_policy
    SOURCES test_procmgr_lending_policy.c "${PROCMGR_DIR}/lending_policy.c")
procmgr_host_test(test_procmgr_out_of_memory
    SOURCES test_procmgr_out_of_memory.c "${PROCMGR_DIR}/out_of_memory.c")
procmgr_host_test(test_procmgr_madvise
    SOURCES test_procmgr_madvise.c "${PROCMGR_DIR}/madvise.c" "${PROCMGR_DIR}/address_map.c"
    address_map_storage.c)
procmgr_host_test(test_procmgr_remap
    SOURCES test_procmgr_remap.c "${PROCMGR_DIR}/remap.c" "${PROCMGR_DIR}/address_map.c"
    address_map_storage.c)
procmgr_host_test(test_procmgr_kill_rules
    SOURCES test_procmgr_kill_rules.c "${PROCMGR_DIR}/kill_rules.c"
            "${PROCMGR_DIR}/credentials.c")
procmgr_host_test(test_procmgr_process_group
    SOURCES test_procmgr_process_group.c "${PROCMGR_DIR}/process_group.c")
procmgr_host_test(test_procmgr_pi_chain
    SOURCES test_procmgr_pi_chain.c "${PROCMGR_DIR}/pi_chain.c")
procmgr_host_test(test_procmgr_pi_word
    SOURCES test_procmgr_pi_word.c "${PROCMGR_DIR}/pi_word.c")
procmgr_host_test(test_procmgr_scheduling
    SOURCES test_procmgr_scheduling.c "${PROCMGR_DIR}/scheduling.c")
procmgr_host_test(test_procmgr_placement
    SOURCES test_procmgr_placement.c "${PROCMGR_DIR}/placement.c")
procmgr_host_test(test_procmgr_terminal_control
    SOURCES test_procmgr_terminal_control.c "${PROCMGR_DIR}/terminal_control.c")
procmgr_host_test(test_procmgr_pending_signals
    SOURCES test_procmgr_pending_signals.c "${PROCMGR_DIR}/pending_signals.c")
procmgr_host_test(test_procmgr_signal_delivery
    SOURCES test_procmgr_signal_delivery.c "${PROCMGR_DIR}/signal_delivery.c")
procmgr_host_test(test_procmgr_job_control
    SOURCES test_procmgr_job_control.c "${PROCMGR_DIR}/job_control.c")
procmgr_host_test(test_procmgr_wait_match
    SOURCES test_procmgr_wait_match.c "${PROCMGR_DIR}/wait_match.c")
procmgr_host_test(test_procmgr_fault
    SOURCES test_procmgr_fault.c "${PROCMGR_DIR}/fault.c")
procmgr_host_test(test_procmgr_ipc_namespaces
    SOURCES test_procmgr_ipc_namespaces.c "${PROCMGR_DIR}/ipc_namespaces.c")
procmgr_host_test(test_procmgr_robust_list
    SOURCES test_procmgr_robust_list.c "${PROCMGR_DIR}/robust_list.c")
procmgr_host_test(test_procmgr_vm_transfer
    SOURCES test_procmgr_vm_transfer.c "${PROCMGR_DIR}/vm_transfer.c")
procmgr_host_test(test_procmgr_procfs_text
    SOURCES test_procmgr_procfs_text.c "${PROCMGR_DIR}/procfs_text.c")
