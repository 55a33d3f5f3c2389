# Host tests of servers/memfd: its core, with malloc'd pages and plain
# memory for clients.
tern_host_test(test_memfd_core
    SOURCES test_memfd_core.c "${TERN_SERVERS}/memfd/core.c"
            "${LIBSYS_SOURCES}/file_table.c" "${LIBSYS_SOURCES}/file_pages.c"
            "${LIBSYS_SOURCES}/page_tree.c" "${LIBSYS_SOURCES}/client_buffer.c"
            "${TERN_CLIENT_ACCOUNTS_SOURCE}")
target_include_directories(test_memfd_core PRIVATE
    "${TERN_SERVERS}/memfd" "${TERN_LIBSYS_INCLUDE}" "${TERN_KERNEL_SOURCES}/../include")
