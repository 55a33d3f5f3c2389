/* The vfs core's side of mapping files (sys/protocol/memory.h): which OFDs
 * may be mapped and how, and the pages it lends, shared with read and
 * write. */
#include "test_vfs_support.h"
#include "sys/protocol/memory.h"

#define PROT_READ_WRITE (LINUX_PROT_READ | LINUX_PROT_WRITE)

static uint64_t open_file(const char *path, uint64_t flags)
{
    int64_t handle = open_path(path, flags, 0644);
    CHECK(handle > 0);
    return (uint64_t)handle;
}

static void a_tmpfs_file_maps_with_its_identity(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "hello", 0644);
    uint64_t handle = open_file("/tmp/f", LINUX_O_RDWR);
    uint64_t identity = 0;
    CHECK_EQ_U64(vfs_map(&vfs, handle, PROT_READ_WRITE, true, &identity), VFS_MAP_WRITABLE);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/tmp/f", &stat), 0);
    CHECK_EQ_U64(identity, stat.st_dev << 32 | stat.st_ino);
    /* Another open of the same file maps the same object. */
    uint64_t other = open_file("/tmp/f", LINUX_O_RDONLY);
    uint64_t other_identity = 0;
    CHECK_EQ_U64(vfs_map(&vfs, other, LINUX_PROT_READ, false, &other_identity), 0);
    CHECK_EQ_U64(other_identity, identity);
}

static void a_dev_shm_file_maps_as_a_tmpfs_file(void)
{
    fresh_vfs();
    make_file_as(&root, "/dev/shm/object", "hello", 0644);
    uint64_t handle = open_file("/dev/shm/object", LINUX_O_RDWR);
    uint64_t identity = 0;
    CHECK_EQ_U64(vfs_map(&vfs, handle, PROT_READ_WRITE, true, &identity), VFS_MAP_WRITABLE);
    CHECK_EQ_U64(identity >> 32, 4);
    void *page;
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, MEMORY_PAGE_WRITE, &page), 0);
    memcpy(page, "HE", 2);
    char bytes[6] = {0};
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&(struct client){0}, bytes, 5), 5, 0), 5);
    CHECK_EQ_STR(bytes, "HEllo");
}

static void access_modes_decide_as_linux_does(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "hello", 0644);
    uint64_t read_only = open_file("/tmp/f", LINUX_O_RDONLY);
    uint64_t write_only = open_file("/tmp/f", LINUX_O_WRONLY);
    uint64_t identity;
    /* A shared writable mapping needs the file open for writing... */
    CHECK_EQ_U64(vfs_map(&vfs, read_only, PROT_READ_WRITE, true, &identity), -LINUX_EACCES);
    CHECK_EQ_U64(vfs_map(&vfs, read_only, LINUX_PROT_READ, true, &identity), 0);
    uint64_t read_write = open_file("/tmp/f", LINUX_O_RDWR);
    CHECK_EQ_U64(vfs_map(&vfs, read_write, LINUX_PROT_READ, true, &identity), VFS_MAP_WRITABLE);
    /* ...a private one copies on write, so reading is enough... */
    CHECK_EQ_U64(vfs_map(&vfs, read_only, PROT_READ_WRITE, false, &identity), 0);
    /* ...and every mapping reads. */
    CHECK_EQ_U64(vfs_map(&vfs, write_only, LINUX_PROT_WRITE, true, &identity), -LINUX_EACCES);
    CHECK_EQ_U64(vfs_map(&vfs, write_only, LINUX_PROT_WRITE, false, &identity), -LINUX_EACCES);
}

static void only_regular_files_and_dev_zero_map(void)
{
    fresh_vfs();
    uint64_t identity;
    uint64_t zero = open_file("/dev/zero", LINUX_O_RDWR);
    CHECK_EQ_U64(vfs_map(&vfs, zero, PROT_READ_WRITE, true, &identity), VFS_MAP_ANONYMOUS);
    CHECK_EQ_U64(vfs_map(&vfs, zero, LINUX_PROT_READ, false, &identity), VFS_MAP_ANONYMOUS);
    uint64_t null = open_file("/dev/null", LINUX_O_RDWR);
    CHECK_EQ_U64(vfs_map(&vfs, null, LINUX_PROT_READ, true, &identity), -LINUX_ENODEV);
    uint64_t console = open_file("/dev/console", LINUX_O_RDWR);
    CHECK_EQ_U64(vfs_map(&vfs, console, LINUX_PROT_READ, false, &identity), -LINUX_ENODEV);
    uint64_t directory = open_file("/tmp", LINUX_O_RDONLY | LINUX_O_DIRECTORY);
    CHECK_EQ_U64(vfs_map(&vfs, directory, LINUX_PROT_READ, false, &identity), -LINUX_ENODEV);
    CHECK_EQ_U64(vfs_map_page(&vfs, directory, 0, 0, &(void *){0}), -LINUX_ENODEV);
}

static void o_path_and_unknown_descriptions_are_ebadf(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "hello", 0644);
    uint64_t path_only = open_file("/tmp/f", LINUX_O_PATH);
    uint64_t identity;
    void *page;
    CHECK_EQ_U64(vfs_map(&vfs, path_only, LINUX_PROT_READ, false, &identity), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_map_page(&vfs, path_only, 0, 0, &page), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_map(&vfs, 12345, LINUX_PROT_READ, false, &identity), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_map_page(&vfs, 0, 0, 0, &page), -LINUX_EBADF);
}

static void a_lent_page_is_the_one_read_and_write_use(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "hello", 0644);
    uint64_t handle = open_file("/tmp/f", LINUX_O_RDWR);
    void *page = NULL;
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, MEMORY_PAGE_WRITE, &page), 0);
    CHECK(page != NULL && memcmp(page, "hello", 5) == 0);
    /* A store through the mapping is what read() sees... */
    memcpy(page, "HE", 2);
    char bytes[8] = {0};
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&(struct client){0}, bytes, 5), 5, 0), 5);
    CHECK_EQ_STR(bytes, "HEllo");
    /* ...and a write() is what the mapping sees. */
    struct client window;
    CHECK_EQ_U64(vfs_pwrite(&vfs, handle, client(&window, "J", 1), 1, 4), 1);
    CHECK_EQ_U64(((char *)page)[4], 'J');
    /* Asking again lends the same page. */
    void *again = NULL;
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, 0, &again), 0);
    CHECK(again == page);
}

static void a_hole_within_the_size_is_made_zeroed(void)
{
    fresh_vfs();
    uint64_t handle = open_file("/tmp/f", LINUX_O_RDWR | LINUX_O_CREAT);
    CHECK_EQ_U64(vfs_truncate(&vfs, handle, 3 * VFS_PAGE_SIZE), 0);
    void *page = NULL;
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 2 * VFS_PAGE_SIZE, MEMORY_PAGE_WRITE, &page), 0);
    bool zeros = true;
    for (unsigned i = 0; i < VFS_PAGE_SIZE; i++)
        zeros &= ((uint8_t *)page)[i] == 0;
    CHECK(zeros);
    /* MEMORY_PAGE_EXISTING: that page is the file's now, the first still
     * a hole, and it stays one. */
    void *again = NULL;
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 2 * VFS_PAGE_SIZE, MEMORY_PAGE_EXISTING, &again), 0);
    CHECK(again == page);
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, MEMORY_PAGE_EXISTING, &again), -LINUX_ENOENT);
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, MEMORY_PAGE_EXISTING, &again), -LINUX_ENOENT);
}

static void pages_past_the_end_are_enxio(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "hello", 0644);
    uint64_t handle = open_file("/tmp/f", LINUX_O_RDWR);
    void *page;
    /* The page holding the end is the file's; the next is not. */
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, 0, &page), 0);
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, VFS_PAGE_SIZE, 0, &page), -LINUX_ENXIO);
    CHECK_EQ_U64(vfs_truncate(&vfs, handle, 0), 0);
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, 0, &page), -LINUX_ENXIO);
}

static void write_pages_need_a_writable_description(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "hello", 0644);
    uint64_t handle = open_file("/tmp/f", LINUX_O_RDONLY);
    void *page;
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, MEMORY_PAGE_WRITE, &page), -LINUX_EACCES);
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, 0, &page), 0);
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 1, 0, &page), -LINUX_EINVAL);
}

static void bytes_a_mapping_wrote_past_the_end_read_as_zeros_once_the_file_grows(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "abc", 0644);
    uint64_t handle = open_file("/tmp/f", LINUX_O_RDWR);
    void *page;
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, MEMORY_PAGE_WRITE, &page), 0);
    memset((char *)page + 3, 'x', 10);          /* past the end: not the file's */
    CHECK_EQ_U64(vfs_truncate(&vfs, handle, 8), 0);
    char bytes[8];
    struct client window;
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, bytes, 8), 8, 0), 8);
    CHECK(memcmp(bytes, "abc\0\0\0\0\0", 8) == 0);
    memset((char *)page + 8, 'y', 10);
    CHECK_EQ_U64(vfs_pwrite(&vfs, handle, client(&window, "z", 1), 1, 12), 1);
    char grown[13];
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, grown, 13), 13, 0), 13);
    CHECK(memcmp(grown, "abc\0\0\0\0\0\0\0\0\0z", 13) == 0);
}

static void an_archive_file_lends_a_copy_of_its_bytes(void)
{
    fresh_vfs();
    struct cpio archive;
    memset(&archive, 0, sizeof archive);
    cpio_add(&archive, "data", LINUX_S_IFREG | 0644, "archived bytes", 0);
    cpio_finish(&archive);
    CHECK_EQ_U64(vfs_load_archive(&vfs, archive.bytes, archive.length), 0);
    uint64_t handle = open_file("/data", LINUX_O_RDONLY);
    uint64_t identity;
    CHECK_EQ_U64(vfs_map(&vfs, handle, LINUX_PROT_READ, true, &identity), 0);
    void *page = NULL, *again = NULL;
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, 0, &page), 0);
    CHECK(page != NULL && memcmp(page, "archived bytes", 14) == 0);
    CHECK_EQ_U64(((uint8_t *)page)[14], 0);     /* past the end: zeros */
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, 0, 0, &again), 0);
    CHECK(again == page);
    CHECK_EQ_U64(vfs_map_page(&vfs, handle, VFS_PAGE_SIZE, 0, &page), -LINUX_ENXIO);
}

int main(void)
{
    a_tmpfs_file_maps_with_its_identity();
    a_dev_shm_file_maps_as_a_tmpfs_file();
    access_modes_decide_as_linux_does();
    only_regular_files_and_dev_zero_map();
    o_path_and_unknown_descriptions_are_ebadf();
    a_lent_page_is_the_one_read_and_write_use();
    a_hole_within_the_size_is_made_zeroed();
    pages_past_the_end_are_enxio();
    write_pages_need_a_writable_description();
    bytes_a_mapping_wrote_past_the_end_read_as_zeros_once_the_file_grows();
    an_archive_file_lends_a_copy_of_its_bytes();
    return check_report();
}
