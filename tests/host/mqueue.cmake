# Host tests of servers/mqueue: one queue's rules, and the server's state
# machine with malloc'd memory and plain memory for clients.
set(MQUEUE_SOURCES "${TERN_SERVERS}/mqueue")
tern_host_test(test_mqueue_queue
    SOURCES test_mqueue_queue.c "${MQUEUE_SOURCES}/queue.c")
tern_host_test(test_mqueue_core
    SOURCES test_mqueue_core.c "${MQUEUE_SOURCES}/core.c" "${MQUEUE_SOURCES}/transfer.c"
            "${MQUEUE_SOURCES}/queue.c"
            "${LIBSYS_SOURCES}/file_table.c" "${TERN_WATCH_SOURCE}")
foreach(test test_mqueue_queue test_mqueue_core)
    target_include_directories(${test} PRIVATE
        "${MQUEUE_SOURCES}" "${TERN_LIBSYS_INCLUDE}" "${TERN_KERNEL_SOURCES}/../include")
endforeach()
