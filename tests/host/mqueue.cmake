# Host tests of servers/mqueue: one queue's rules, with malloc'd memory.
tern_host_test(test_mqueue_queue
    SOURCES test_mqueue_queue.c "${TERN_SERVERS}/mqueue/queue.c")
target_include_directories(test_mqueue_queue PRIVATE
    "${TERN_SERVERS}/mqueue" "${TERN_LIBSYS_INCLUDE}" "${TERN_KERNEL_SOURCES}/../include")
