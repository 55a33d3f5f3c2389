# Host tests of servers/futex: the wait-queue state machine (core.c).
tern_host_test(test_futex_core
    SOURCES test_futex_core.c "${TERN_SERVERS}/futex/core.c")
target_include_directories(test_futex_core PRIVATE "${TERN_SERVERS}" "${TERN_LIBSYS_INCLUDE}")
