# Host tests of servers/event: eventfd's counter with malloc'd memory and
# callers that are indexes into an array.
set(EVENT_SOURCES "${TERN_SERVERS}/event")
tern_host_test(test_event_eventfd
    SOURCES test_event_eventfd.c "${EVENT_SOURCES}/eventfd.c" "${LIBSYS_SOURCES}/file_table.c")
target_include_directories(test_event_eventfd PRIVATE
    "${EVENT_SOURCES}" "${TERN_LIBSYS_INCLUDE}" "${TERN_KERNEL_SOURCES}/../include")
