# Host tests of servers/sysv: ids and permissions, semaphores, shared
# memory, message queues, each core with malloc'd memory and plain
# memory for clients.
set(SYSV_SOURCES "${TERN_SERVERS}/sysv")
tern_host_test(test_sysv_ipc_ids
    SOURCES test_sysv_ipc_ids.c "${SYSV_SOURCES}/ipc_ids.c")
tern_host_test(test_sysv_sem
    SOURCES test_sysv_sem.c "${SYSV_SOURCES}/ipc_ids.c" "${SYSV_SOURCES}/sem_set.c"
            "${SYSV_SOURCES}/sem_operations.c" "${SYSV_SOURCES}/sem_undo.c"
            "${LIBSYS_SOURCES}/client_buffer.c")
tern_host_test(test_sysv_shm
    SOURCES test_sysv_shm.c "${SYSV_SOURCES}/ipc_ids.c" "${SYSV_SOURCES}/shm.c"
            "${SYSV_SOURCES}/shm_attach.c" "${LIBSYS_SOURCES}/file_table.c"
            "${LIBSYS_SOURCES}/page_tree.c" "${TERN_CLIENT_ACCOUNTS_SOURCE}")
tern_host_test(test_sysv_msg
    SOURCES test_sysv_msg.c "${SYSV_SOURCES}/ipc_ids.c" "${SYSV_SOURCES}/msg.c"
            "${LIBSYS_SOURCES}/client_buffer.c" "${TERN_CLIENT_ACCOUNTS_SOURCE}")
tern_host_test(test_sysv_namespaces
    SOURCES test_sysv_namespaces.c "${SYSV_SOURCES}/namespaces.c" "${SYSV_SOURCES}/ipc_ids.c"
            "${SYSV_SOURCES}/shm.c" "${SYSV_SOURCES}/shm_attach.c" "${SYSV_SOURCES}/sem_set.c"
            "${SYSV_SOURCES}/sem_operations.c" "${SYSV_SOURCES}/sem_undo.c"
            "${SYSV_SOURCES}/msg.c" "${LIBSYS_SOURCES}/client_buffer.c" "${TERN_CLIENT_ACCOUNTS_SOURCE}"
            "${LIBSYS_SOURCES}/file_table.c" "${LIBSYS_SOURCES}/page_tree.c")
tern_host_test(test_sysv_procfs
    SOURCES test_sysv_procfs.c "${SYSV_SOURCES}/procfs.c" "${SYSV_SOURCES}/namespaces.c"
            "${SYSV_SOURCES}/ipc_ids.c" "${SYSV_SOURCES}/shm.c" "${SYSV_SOURCES}/shm_attach.c"
            "${SYSV_SOURCES}/sem_set.c" "${SYSV_SOURCES}/sem_operations.c"
            "${SYSV_SOURCES}/sem_undo.c" "${SYSV_SOURCES}/msg.c"
            "${LIBSYS_SOURCES}/client_buffer.c" "${TERN_CLIENT_ACCOUNTS_SOURCE}" "${LIBSYS_SOURCES}/file_table.c"
            "${LIBSYS_SOURCES}/page_tree.c")
foreach(test test_sysv_ipc_ids test_sysv_sem test_sysv_shm test_sysv_msg test_sysv_namespaces
             test_sysv_procfs)
    target_include_directories(${test} PRIVATE
        "${TERN_SERVERS}" "${TERN_LIBSYS_INCLUDE}" "${TERN_KERNEL_SOURCES}/../include")
endforeach()
