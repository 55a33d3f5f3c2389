# Host tests of servers/vfs: its core (every source but main.c and the
# native page allocator), through the API in servers/vfs/core.h.
set(VFS_CORE_SOURCES
    "${TERN_SERVERS}/vfs/archive.c"
    "${TERN_SERVERS}/vfs/core.c"
    "${TERN_SERVERS}/vfs/device.c"
    "${TERN_SERVERS}/vfs/entry.c"
    "${TERN_SERVERS}/vfs/file.c"
    "${TERN_SERVERS}/vfs/link.c"
    "${TERN_SERVERS}/vfs/lookup.c"
    "${TERN_SERVERS}/vfs/namespace.c"
    "${TERN_SERVERS}/vfs/node.c"
    "${TERN_SERVERS}/vfs/mapping.c"
    "${TERN_SERVERS}/vfs/ofd.c"
    "${TERN_SERVERS}/vfs/permission.c"
    "${TERN_SERVERS}/vfs/pool.c"
    "${TERN_SERVERS}/vfs/regular.c"
    "${TERN_SERVERS}/vfs/terminal.c"
    "${LIBSYS_SOURCES}/client_buffer.c"
    "${LIBSYS_SOURCES}/cpio.c"
    "${LIBSYS_SOURCES}/file_pages.c"
    "${LIBSYS_SOURCES}/file_table.c"
    "${LIBSYS_SOURCES}/page_tree.c")

foreach(test test_vfs_namespace test_vfs_links test_vfs_files test_vfs_archive test_vfs_mapping)
    tern_host_test(${test} SOURCES ${test}.c ${VFS_CORE_SOURCES})
    target_include_directories(${test} PRIVATE
        "${TERN_SERVERS}/vfs" "${TERN_LIBSYS_INCLUDE}" "${TERN_KERNEL_SOURCES}/../include")
endforeach()

# The console's line discipline, on its own.
tern_host_test(test_vfs_terminal SOURCES test_vfs_terminal.c "${TERN_SERVERS}/vfs/terminal.c")
target_include_directories(test_vfs_terminal PRIVATE
    "${TERN_SERVERS}/vfs" "${TERN_LIBSYS_INCLUDE}" "${TERN_KERNEL_SOURCES}/../include")
