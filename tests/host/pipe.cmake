# Host tests of servers/pipe: the pipe state machine (core.c, transfer.c,
# waiters.c) with malloc'd pages and simulated callers.
set(PIPE_CORE_SOURCES
    "${TERN_SERVERS}/pipe/core.c"
    "${TERN_SERVERS}/pipe/transfer.c"
    "${TERN_SERVERS}/pipe/waiters.c"
    "${TERN_WATCH_SOURCE}"
    "${TERN_CLIENT_ACCOUNTS_SOURCE}")
foreach(test test_pipe_core test_pipe_blocking test_pipe_fifo test_pipe_splice)
    tern_host_test(${test} SOURCES ${test}.c ${PIPE_CORE_SOURCES})
    target_include_directories(${test} PRIVATE "${TERN_SERVERS}" "${TERN_LIBSYS_INCLUDE}")
endforeach()
