/* Listing directories (opendir/readdir, getdents64 underneath): every
 * entry appears once with "." and "..", with its type; names are printed
 * sorted since the order is the file system's; rewinddir starts over; a
 * removed name disappears; the raw call gives EINVAL for a tiny buffer,
 * ENOTDIR for a file, EBADF. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "check.h"

static int compare_names(const void *left, const void *right)
{
    return strcmp(*(char *const *)left, *(char *const *)right);
}

/* Reads every name of `path`, sorted, into `names`; returns the count. */
static int list(const char *path, char **names, int capacity, int *types_right)
{
    DIR *directory = opendir(path);
    if (!directory)
        return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(directory)) != NULL && count < capacity) {
        names[count++] = strdup(entry->d_name);
        int is_directory = entry->d_name[0] == '.' || strncmp(entry->d_name, "dir", 3) == 0;
        if (entry->d_type != (is_directory ? DT_DIR : DT_REG))
            *types_right = 0;
        if (entry->d_ino == 0)
            *types_right = 0;
    }
    closedir(directory);
    qsort(names, (size_t)count, sizeof names[0], compare_names);
    return count;
}

static void free_names(char **names, int count)
{
    for (int i = 0; i < count; i++)
        free(names[i]);
}

int main(void)
{
    REQUIRE(mkdir("/tmp/listing", 0755) == 0);
    char *names[200];
    int types_right = 1;

    CHECK_EQ(list("/tmp/listing", names, 200, &types_right), 2);
    CHECK_EQ(strcmp(names[0], "."), 0);
    CHECK_EQ(strcmp(names[1], ".."), 0);
    free_names(names, 2);

    /* 100 files (enough for several getdents64 calls) and 3 directories. */
    char path[64];
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof path, "/tmp/listing/file-%03d-with-a-longer-name", i);
        int fd = open(path, O_WRONLY | O_CREAT, 0644);
        REQUIRE(fd >= 0);
        close(fd);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "/tmp/listing/dir-%d", i);
        REQUIRE(mkdir(path, 0755) == 0);
    }
    int count = list("/tmp/listing", names, 200, &types_right);
    CHECK_EQ(count, 105);
    int all_present = count == 105;
    for (int i = 0; i < 3 && all_present; i++) {
        snprintf(path, sizeof path, "dir-%d", i);
        all_present &= strcmp(names[2 + i], path) == 0;
    }
    for (int i = 0; i < 100 && all_present; i++) {
        snprintf(path, sizeof path, "file-%03d-with-a-longer-name", i);
        all_present &= strcmp(names[5 + i], path) == 0;
    }
    CHECK(all_present);
    CHECK(types_right);
    printf("first entries: %s %s %s %s %s %s\n", names[0], names[1], names[2],
           names[3], names[4], names[5]);
    printf("last entry: %s\n", names[count - 1]);
    free_names(names, count);

    /* Remove every other file: exactly those disappear. */
    for (int i = 0; i < 100; i += 2) {
        snprintf(path, sizeof path, "/tmp/listing/file-%03d-with-a-longer-name", i);
        REQUIRE(unlink(path) == 0);
    }
    count = list("/tmp/listing", names, 200, &types_right);
    CHECK_EQ(count, 55);
    int only_odd = 1;
    for (int i = 5; i < count; i++) {
        int number = atoi(names[i] + 5);
        only_odd &= number % 2 == 1;
    }
    CHECK(only_odd);
    free_names(names, count);

    /* rewinddir reads the same entries again. */
    DIR *directory = opendir("/tmp/listing");
    REQUIRE(directory != NULL);
    int first_pass = 0, second_pass = 0;
    while (readdir(directory))
        first_pass++;
    rewinddir(directory);
    while (readdir(directory))
        second_pass++;
    CHECK_EQ(first_pass, 55);
    CHECK_EQ(second_pass, 55);
    /* At the end, readdir keeps returning NULL without an error. */
    errno = 0;
    CHECK(readdir(directory) == NULL);
    CHECK_EQ(errno, 0);
    CHECK_EQ(closedir(directory), 0);

    /* The raw system call. */
    int fd = open("/tmp/listing", O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
    char tiny[8];
    CHECK_ERRNO(syscall(SYS_getdents64, fd, tiny, sizeof tiny), EINVAL);
    char buffer[4096];
    long total = 0, got;
    while ((got = syscall(SYS_getdents64, fd, buffer, sizeof buffer)) > 0)
        total += got;
    CHECK_EQ(got, 0);
    CHECK(total > 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK(syscall(SYS_getdents64, fd, buffer, sizeof buffer) > 0);
    /* From the start again, so there are entries to copy out. */
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_ERRNO(syscall(SYS_getdents64, fd, (void *)1, sizeof buffer), EFAULT);
    CHECK_EQ(close(fd), 0);
    fd = open("/tmp/listing/file-001-with-a-longer-name", O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_ERRNO(syscall(SYS_getdents64, fd, buffer, sizeof buffer), ENOTDIR);
    CHECK_EQ(close(fd), 0);
    CHECK_ERRNO(syscall(SYS_getdents64, 999, buffer, sizeof buffer), EBADF);
    CHECK(opendir("/tmp/listing/missing") == NULL && errno == ENOENT);
    CHECK(opendir("/tmp/listing/file-001-with-a-longer-name") == NULL && errno == ENOTDIR);

    /* Clean up through the listing itself. */
    count = list("/tmp/listing", names, 200, &types_right);
    for (int i = 2; i < count; i++) {
        snprintf(path, sizeof path, "/tmp/listing/%s", names[i]);
        if (strncmp(names[i], "dir", 3) == 0)
            rmdir(path);
        else
            unlink(path);
    }
    free_names(names, count);
    CHECK_EQ(rmdir("/tmp/listing"), 0);
    return check_finish("file_readdir");
}
