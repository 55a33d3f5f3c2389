# Host tests of servers/event: eventfd's counter and timerfd's timers,
# with malloc'd memory, callers that are indexes into an array and a
# clock the test moves.
set(EVENT_SOURCES "${TERN_SERVERS}/event")
tern_host_test(test_event_eventfd
    SOURCES test_event_eventfd.c "${EVENT_SOURCES}/eventfd.c" "${EVENT_SOURCES}/waiters.c" "${TERN_WATCH_SOURCE}"
            "${LIBSYS_SOURCES}/file_table.c" "${TERN_CLIENT_ACCOUNTS_SOURCE}")
tern_host_test(test_event_timerfd
    SOURCES test_event_timerfd.c "${EVENT_SOURCES}/timerfd.c" "${EVENT_SOURCES}/waiters.c" "${TERN_WATCH_SOURCE}"
            "${LIBSYS_SOURCES}/file_table.c" "${TERN_CLIENT_ACCOUNTS_SOURCE}")
foreach(test test_event_eventfd test_event_timerfd)
    target_include_directories(${test} PRIVATE
        "${EVENT_SOURCES}" "${TERN_LIBSYS_INCLUDE}" "${TERN_KERNEL_SOURCES}/../include")
endforeach()
