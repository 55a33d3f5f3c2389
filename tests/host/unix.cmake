# Host tests of servers/unix: the unix socket core (core.c, transfer.c,
# waiters.c, rights.c, garbage.c) with calloc'd memory and simulated callers and windows,
# and its table of timed callers (timed_callers.c).
set(UNIX_SOURCES "${TERN_SERVERS}/unix")
tern_host_test(test_unix_core
    SOURCES test_unix_core.c "${UNIX_SOURCES}/core.c" "${UNIX_SOURCES}/transfer.c"
            "${UNIX_SOURCES}/waiters.c" "${UNIX_SOURCES}/rights.c" "${UNIX_SOURCES}/garbage.c"
            "${UNIX_SOURCES}/timed_callers.c" "${TERN_WATCH_SOURCE}" "${LIBSYS_SOURCES}/file_table.c"
            "${TERN_CLIENT_ACCOUNTS_SOURCE}")
target_include_directories(test_unix_core PRIVATE
    "${UNIX_SOURCES}" "${TERN_LIBSYS_INCLUDE}" "${TERN_KERNEL_SOURCES}/../include")
