/* Address spaces: frames, page tables, VSpace_Read/Write, processes. */
#include "ktest.h"
#include "standalone.h"

/* A 1 GiB region no test maps anything in (no directory there). */
#define UNTOUCHED_REGION 0x5000000000ULL

static void map_read_write_and_alias(void)
{
    uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
    uint64_t alias = cap_copy(frame, TERN_RIGHTS_ALL);
    uint64_t a = va_new(1, false), b = va_new(1, false);
    CHECK_OK(map_frame(ROOT_VSPACE, frame, a, RIGHTS_RW));
    CHECK_OK(map_frame(ROOT_VSPACE, alias, b, TERN_RIGHT_READ));
    volatile uint64_t *pa = (volatile uint64_t *)a, *pb = (volatile uint64_t *)b;
    for (unsigned i = 0; i < 512; i += 17)
        pa[i] = 0xfeed000000000000ULL + i;
    for (unsigned i = 0; i < 512; i += 17)
        CHECK_EQ(pb[i], 0xfeed000000000000ULL + i);
    uint64_t physical_a, physical_b;
    CHECK_OK(tern_frame_get_address(frame, &physical_a));
    CHECK_OK(tern_frame_get_address(alias, &physical_b));
    CHECK_EQ(physical_a, physical_b);
}

static void frame_map_errors(void)
{
    uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
    uint64_t other = object_new(TERN_OBJECT_FRAME_4K, 0);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t a = va_new(1, false), b = va_new(1, false);
    CHECK_OK(map_frame(ROOT_VSPACE, frame, a, RIGHTS_RW));  /* makes the tables */
    CHECK_OK(tern_frame_unmap(frame));
    CHECK_ERROR(tern_frame_map(frame, ROOT_VSPACE, a + 8, RIGHTS_RW, 0), TERN_ALIGNMENT_ERROR);
    CHECK_ERROR(tern_frame_map(frame, ROOT_VSPACE, 1ULL << 39, RIGHTS_RW, 0),
                TERN_INVALID_ARGUMENT);
    CHECK_ERROR(tern_frame_map(frame, ROOT_VSPACE, a, TERN_RIGHT_WRITE, 0),
                TERN_INVALID_ARGUMENT);
    CHECK_ERROR(tern_frame_map(frame, ROOT_VSPACE, a, RIGHTS_RW, 2), TERN_INVALID_ARGUMENT);
    CHECK_ERROR(tern_frame_map(frame, notification, a, RIGHTS_RW, 0), TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_frame_map(frame, ROOT_VSPACE, UNTOUCHED_REGION, RIGHTS_RW, 0),
                TERN_FAILED_LOOKUP);
    const uint64_t args[] = { a, RIGHTS_RW, 0 };
    CHECK_ERROR(tern_invoke(frame, TERN_FRAME_MAP, args, 3, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK_ERROR(tern_frame_map(notification, ROOT_VSPACE, a, RIGHTS_RW, 0),
                TERN_ILLEGAL_OPERATION);
    /* One mapping per capability; one frame per page. */
    CHECK_OK(tern_frame_map(frame, ROOT_VSPACE, a, RIGHTS_RW, 0));
    CHECK_ERROR(tern_frame_map(frame, ROOT_VSPACE, b, RIGHTS_RW, 0), TERN_ILLEGAL_OPERATION);
    CHECK_ERROR(tern_frame_map(other, ROOT_VSPACE, a, RIGHTS_RW, 0), TERN_DELETE_FIRST);
    /* Mapped again where it is: a change of rights. */
    CHECK_OK(tern_frame_map(frame, ROOT_VSPACE, a, TERN_RIGHT_READ, 0));
    /* Unmapping an unmapped frame does nothing wrong. */
    CHECK_OK(tern_frame_unmap(other));
}

/* A mapping has at most the rights of the capability: a read-only
 * capability maps read-only even when asked for more. */
static void mapping_rights_are_masked_by_the_capability(void)
{
    uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
    uint64_t read_only = cap_copy(frame, TERN_RIGHT_READ);
    uint64_t a = va_new(1, false);
    CHECK_OK(map_frame(ROOT_VSPACE, read_only, a, RIGHTS_RW));
    uint64_t source = pages_new(1, RIGHTS_RW, 0);
    uint64_t copied = 1;
    /* Writing through VSpace_Write needs a writable mapping. */
    CHECK_ERROR(tern_vspace_write(ROOT_VSPACE, a, 8, source, &copied), TERN_FAULT);
    CHECK_EQ(copied, 0);
    CHECK_OK(tern_vspace_read(ROOT_VSPACE, a, 8, source, &copied));
    CHECK_EQ(copied, 8);
}

static void page_table_errors(void)
{
    uint64_t directory = object_new(TERN_OBJECT_PAGE_DIRECTORY, 0);
    uint64_t table = object_new(TERN_OBJECT_PAGE_TABLE, 0);
    uint64_t second = object_new(TERN_OBJECT_PAGE_TABLE, 0);
    uint64_t region = UNTOUCHED_REGION;
    CHECK_ERROR(tern_page_table_map(table, ROOT_VSPACE, region), TERN_FAILED_LOOKUP);
    CHECK_ERROR(tern_page_table_map(directory, ROOT_VSPACE, region + LARGE_PAGE_SIZE),
                TERN_ALIGNMENT_ERROR);
    CHECK_ERROR(tern_page_table_map(directory, ROOT_VSPACE, 1ULL << 39), TERN_INVALID_ARGUMENT);
    CHECK_OK(tern_page_table_map(directory, ROOT_VSPACE, region));
    CHECK_ERROR(tern_page_table_map(table, ROOT_VSPACE, region + PAGE_SIZE),
                TERN_ALIGNMENT_ERROR);
    CHECK_OK(tern_page_table_map(table, ROOT_VSPACE, region));
    CHECK_ERROR(tern_page_table_map(second, ROOT_VSPACE, region), TERN_DELETE_FIRST);
    CHECK_ERROR(tern_page_table_map(table, ROOT_VSPACE, region + LARGE_PAGE_SIZE),
                TERN_ILLEGAL_OPERATION);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_ERROR(tern_page_table_map(second, notification, region + LARGE_PAGE_SIZE),
                TERN_INVALID_CAPABILITY);
    /* Assumed (vspace.c): a table is mapped only through its one
     * capability; with a copy around it can be neither mapped nor
     * unmapped. */
    uint64_t copy = cap_copy(second, TERN_RIGHTS_ALL);
    CHECK_ERROR(tern_page_table_map(second, ROOT_VSPACE, region + LARGE_PAGE_SIZE),
                TERN_REVOKE_FIRST);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, copy, ROOT_DEPTH));
    CHECK_OK(tern_page_table_map(second, ROOT_VSPACE, region + LARGE_PAGE_SIZE));
    copy = cap_copy(second, TERN_RIGHTS_ALL);
    CHECK_ERROR(tern_page_table_unmap(second), TERN_REVOKE_FIRST);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, copy, ROOT_DEPTH));
    CHECK_OK(tern_page_table_unmap(second));
    /* A frame maps into the tables just made. */
    uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
    CHECK_OK(tern_frame_map(frame, ROOT_VSPACE, region + 5 * PAGE_SIZE, RIGHTS_RW, 0));
    *(volatile uint64_t *)(region + 5 * PAGE_SIZE) = 1;
}

static void large_frames(void)
{
    uint64_t frame = object_new(TERN_OBJECT_FRAME_2M, 0);
    uint64_t address = va_new(LARGE_PAGE_SIZE / PAGE_SIZE, true);
    CHECK_ERROR(tern_frame_map(frame, ROOT_VSPACE, address + PAGE_SIZE, RIGHTS_RW, 0),
                TERN_ALIGNMENT_ERROR);
    CHECK_OK(map_frame(ROOT_VSPACE, frame, address, RIGHTS_RW));
    volatile uint64_t *words = (volatile uint64_t *)address;
    words[0] = 0x1111;
    words[LARGE_PAGE_SIZE / 8 - 1] = 0x2222;
    CHECK_EQ(words[0], 0x1111);
    CHECK_EQ(words[LARGE_PAGE_SIZE / 8 - 1], 0x2222);
    uint64_t physical;
    CHECK_OK(tern_frame_get_address(frame, &physical));
    CHECK_EQ(physical & (LARGE_PAGE_SIZE - 1), 0);
    /* A 2 MiB frame where a page table is: occupied. */
    uint64_t other = object_new(TERN_OBJECT_FRAME_4K, 0);
    uint64_t small = va_new(1, true);
    CHECK_OK(map_frame(ROOT_VSPACE, other, small, RIGHTS_RW));
    uint64_t second = object_new(TERN_OBJECT_FRAME_2M, 0);
    CHECK_ERROR(tern_frame_map(second, ROOT_VSPACE, small, RIGHTS_RW, 0), TERN_DELETE_FIRST);
}

/* ---- VSpace_Read and VSpace_Write on another address space ---- */

#define TARGET 0x4000000000ULL

static void vspace_read_and_write(void)
{
    uint64_t vspace = object_new(TERN_OBJECT_VSPACE, 0);
    uint64_t frames[2], writable_root[2];
    for (unsigned i = 0; i < 2; i++) {
        frames[i] = object_new(TERN_OBJECT_FRAME_4K, 0);
        writable_root[i] = cap_copy(frames[i], TERN_RIGHTS_ALL);
        CHECK_OK(map_frame(vspace, frames[i], TARGET + i * PAGE_SIZE, RIGHTS_RW));
    }
    uint64_t view = va_new(2, false);       /* the two frames, seen by the root task */
    for (unsigned i = 0; i < 2; i++)
        CHECK_OK(map_frame(ROOT_VSPACE, writable_root[i], view + i * PAGE_SIZE, RIGHTS_RW));
    uint8_t *buffer = (uint8_t *)pages_new(2, RIGHTS_RW, 0);
    for (unsigned i = 0; i < 2 * PAGE_SIZE; i++)
        buffer[i] = (uint8_t)(i * 7 + 1);

    uint64_t copied = 0;
    CHECK_OK(tern_vspace_write(vspace, TARGET + 16, 64, (uint64_t)buffer, &copied));
    CHECK_EQ(copied, 64);
    CHECK(memcmp((void *)(view + 16), buffer, 64) == 0);
    CHECK_EQ(*(uint8_t *)(view + 15), 0);
    CHECK_EQ(*(uint8_t *)(view + 80), 0);

    /* Across the page boundary, both ways. */
    CHECK_OK(tern_vspace_write(vspace, TARGET + 2048, PAGE_SIZE, (uint64_t)buffer, &copied));
    CHECK_EQ(copied, PAGE_SIZE);
    CHECK(memcmp((void *)(view + 2048), buffer, PAGE_SIZE) == 0);
    memset(buffer + PAGE_SIZE, 0, PAGE_SIZE);
    CHECK_OK(tern_vspace_read(vspace, TARGET + 2048, PAGE_SIZE,
                              (uint64_t)buffer + PAGE_SIZE, &copied));
    CHECK_EQ(copied, PAGE_SIZE);
    CHECK(memcmp(buffer + PAGE_SIZE, buffer, PAGE_SIZE) == 0);

    /* Nothing is copied when part of either range is unmapped. */
    memset(buffer + PAGE_SIZE, 0xee, PAGE_SIZE);
    CHECK_ERROR(tern_vspace_read(vspace, TARGET + PAGE_SIZE + 2048, PAGE_SIZE,
                                 (uint64_t)buffer + PAGE_SIZE, &copied),
                TERN_FAULT);
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        if (buffer[PAGE_SIZE + i] != 0xee)
            FAIL("a failed VSpace_Read changed byte %u", i);
    CHECK_ERROR(tern_vspace_read(vspace, TARGET + 16 * PAGE_SIZE, 8, (uint64_t)buffer, &copied),
                TERN_FAULT);
    uint64_t unmapped = va_new(1, false);
    CHECK_ERROR(tern_vspace_read(vspace, TARGET, 8, unmapped, &copied), TERN_FAULT);
    CHECK_ERROR(tern_vspace_write(vspace, TARGET, 8, unmapped, &copied), TERN_FAULT);
    CHECK_ERROR(tern_vspace_write(vspace, 1ULL << 39, 8, (uint64_t)buffer, &copied), TERN_FAULT);

    /* A read-only page can be read, not written. */
    CHECK_OK(tern_frame_map(frames[1], vspace, TARGET + PAGE_SIZE, TERN_RIGHT_READ, 0));
    CHECK_ERROR(tern_vspace_write(vspace, TARGET + PAGE_SIZE, 8, (uint64_t)buffer, &copied),
                TERN_FAULT);
    CHECK_OK(tern_vspace_read(vspace, TARGET + PAGE_SIZE, 8, (uint64_t)buffer, &copied));

    /* Length 0 copies nothing and succeeds. */
    CHECK_OK(tern_vspace_read(vspace, TARGET, 0, (uint64_t)buffer, &copied));
    CHECK_EQ(copied, 0);

    /* Assumed (vspace.c): at most 1 MiB per call. */
    CHECK_ERROR(tern_vspace_read(vspace, TARGET, (1 << 20) + 1, (uint64_t)buffer, &copied),
                TERN_RANGE_ERROR);

    /* Rights of the VSpace capability: read for Read, write for Write. */
    uint64_t read_only = cap_copy(vspace, TERN_RIGHT_READ);
    uint64_t write_only = cap_copy(vspace, TERN_RIGHT_WRITE);
    CHECK_ERROR(tern_vspace_write(read_only, TARGET, 8, (uint64_t)buffer, &copied),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_vspace_read(write_only, TARGET, 8, (uint64_t)buffer, &copied),
                TERN_INVALID_CAPABILITY);
    CHECK_OK(tern_vspace_read(read_only, TARGET, 8, (uint64_t)buffer, &copied));
    const uint64_t args[] = { TARGET, 8 };
    CHECK_ERROR(tern_invoke(vspace, TERN_VSPACE_READ, args, 2, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);

    /* Deleting the frame capability removes the mapping. */
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, frames[0], ROOT_DEPTH));
    CHECK_ERROR(tern_vspace_read(vspace, TARGET, 8, (uint64_t)buffer, &copied), TERN_FAULT);
}

/* VSpace_Copy: from one address space straight into another, neither
 * the caller's (procmgr's process_vm_readv/writev), with Read's rules. */
static void vspace_copy_between_two(void)
{
    uint64_t from = object_new(TERN_OBJECT_VSPACE, 0), to = object_new(TERN_OBJECT_VSPACE, 0);
    uint64_t source = object_new(TERN_OBJECT_FRAME_4K, 0);
    uint64_t destination[2];
    uint64_t view = va_new(3, false);
    CHECK_OK(map_frame(from, source, TARGET, RIGHTS_RW));
    CHECK_OK(map_frame(ROOT_VSPACE, cap_copy(source, TERN_RIGHTS_ALL), view, RIGHTS_RW));
    for (unsigned i = 0; i < 2; i++) {
        destination[i] = object_new(TERN_OBJECT_FRAME_4K, 0);
        CHECK_OK(map_frame(to, destination[i], TARGET + (i + 4) * PAGE_SIZE, RIGHTS_RW));
        CHECK_OK(map_frame(ROOT_VSPACE, cap_copy(destination[i], TERN_RIGHTS_ALL),
                           view + (i + 1) * PAGE_SIZE, RIGHTS_RW));
    }
    uint8_t *seen = (uint8_t *)view;
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        seen[i] = (uint8_t)(i * 5 + 3);

    /* Into the second address space, across its page boundary. */
    uint64_t copied = 0;
    CHECK_OK(tern_vspace_copy(to, TARGET + 4 * PAGE_SIZE + 3000, 2000, from, TARGET + 100,
                              &copied));
    CHECK_EQ(copied, 2000);
    CHECK(memcmp(seen + PAGE_SIZE + 3000, seen + 100, 2000) == 0);
    CHECK_EQ(seen[PAGE_SIZE + 2999], 0);

    /* Any page missing on either side, or read-only where it is
     * written: nothing copied. */
    memset(seen + PAGE_SIZE, 0x5a, PAGE_SIZE);
    CHECK_ERROR(tern_vspace_copy(to, TARGET + 4 * PAGE_SIZE, 8, from, TARGET + PAGE_SIZE - 4,
                                 &copied),
                TERN_FAULT);
    CHECK_ERROR(tern_vspace_copy(to, TARGET + 6 * PAGE_SIZE - 4, 8, from, TARGET, &copied),
                TERN_FAULT);
    CHECK_EQ(seen[PAGE_SIZE], 0x5a);
    CHECK_OK(tern_frame_map(destination[0], to, TARGET + 4 * PAGE_SIZE, TERN_RIGHT_READ, 0));
    CHECK_ERROR(tern_vspace_copy(to, TARGET + 4 * PAGE_SIZE, 8, from, TARGET, &copied),
                TERN_FAULT);
    /* ... and the other way round the read-only page is a fine source. */
    CHECK_OK(tern_vspace_copy(from, TARGET, 8, to, TARGET + 4 * PAGE_SIZE, &copied));
    CHECK_EQ(seen[0], 0x5a);

    /* Rights: write on the destination, read on the source; VSpaces only. */
    uint64_t read_only = cap_copy(to, TERN_RIGHT_READ);
    uint64_t write_only = cap_copy(from, TERN_RIGHT_WRITE);
    CHECK_ERROR(tern_vspace_copy(read_only, TARGET, 8, from, TARGET, &copied),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_vspace_copy(to, TARGET + 5 * PAGE_SIZE, 8, write_only, TARGET, &copied),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_vspace_copy(to, TARGET + 5 * PAGE_SIZE, 8, source, TARGET, &copied),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_vspace_copy(to, TARGET, (1 << 20) + 1, from, TARGET, &copied),
                TERN_RANGE_ERROR);
    const uint64_t args[] = { TARGET, 8, TARGET };
    CHECK_ERROR(tern_invoke(to, TERN_VSPACE_COPY, args, 3, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK_OK(tern_vspace_copy(to, TARGET, 0, from, TARGET, &copied));
    CHECK_EQ(copied, 0);
}

/* VSpace_WriteProtect: pages in the range (across page tables) become
 * read-only and stay mapped; pages outside it keep writing; a Frame_Map
 * at the same place gives the write permission back. */
static void write_protect(void)
{
    uint64_t vspace = object_new(TERN_OBJECT_VSPACE, 0);
    /* Four pages: the last two of one page table, the first two of the next. */
    uint64_t start = TARGET + (2ULL << 20) - 2 * PAGE_SIZE;
    uint64_t frames[4];
    for (unsigned i = 0; i < 4; i++) {
        frames[i] = object_new(TERN_OBJECT_FRAME_4K, 0);
        CHECK_OK(map_frame(vspace, frames[i], start + i * PAGE_SIZE, RIGHTS_RW));
    }
    uint64_t buffer = pages_new(1, RIGHTS_RW, 0), copied;
    CHECK_OK(tern_vspace_write_protect(vspace, start + PAGE_SIZE, 2 * PAGE_SIZE));
    CHECK_OK(tern_vspace_write(vspace, start, 8, buffer, &copied));
    for (unsigned i = 1; i < 3; i++) {
        CHECK_ERROR(tern_vspace_write(vspace, start + i * PAGE_SIZE, 8, buffer, &copied),
                    TERN_FAULT);
        CHECK_OK(tern_vspace_read(vspace, start + i * PAGE_SIZE, 8, buffer, &copied));
    }
    CHECK_OK(tern_vspace_write(vspace, start + 3 * PAGE_SIZE, 8, buffer, &copied));
    CHECK_OK(tern_frame_map(frames[1], vspace, start + PAGE_SIZE, RIGHTS_RW, 0));
    CHECK_OK(tern_vspace_write(vspace, start + PAGE_SIZE, 8, buffer, &copied));
    /* A range with nothing mapped, or with holes in its tables, is fine. */
    CHECK_OK(tern_vspace_write_protect(vspace, UNTOUCHED_REGION, 1ULL << 30));
    CHECK_OK(tern_vspace_write_protect(vspace, 0, 1ULL << 39));
    CHECK_ERROR(tern_vspace_write(vspace, start + 3 * PAGE_SIZE, 8, buffer, &copied),
                TERN_FAULT);
    CHECK_OK(tern_vspace_write_protect(vspace, start, 0));

    CHECK_ERROR(tern_vspace_write_protect(vspace, start + 8, PAGE_SIZE), TERN_ALIGNMENT_ERROR);
    CHECK_ERROR(tern_vspace_write_protect(vspace, start, 8), TERN_ALIGNMENT_ERROR);
    CHECK_ERROR(tern_vspace_write_protect(vspace, 1ULL << 39, PAGE_SIZE), TERN_INVALID_ARGUMENT);
    CHECK_ERROR(tern_vspace_write_protect(vspace, start, 1ULL << 39), TERN_INVALID_ARGUMENT);
    CHECK_ERROR(tern_vspace_write_protect(cap_copy(vspace, TERN_RIGHT_READ), start, PAGE_SIZE),
                TERN_INVALID_CAPABILITY);
    const uint64_t args[] = { start };
    CHECK_ERROR(tern_invoke(vspace, TERN_VSPACE_WRITE_PROTECT, args, 1, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
}

/* A thread in an address space and CSpace of its own. */
static void thread_in_a_new_vspace(void)
{
    struct process *process = process_new(standalone_report, 1, PRIORITY_MIDDLE, 0);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    process_give(process, PROCESS_SLOT_NOTIFY, notification, TERN_RIGHT_WRITE, 0x30);
    struct report_data *data = process->data;
    data->input = 14;
    process_start(process);
    WAIT_FOR(&data->done, 1);
    CHECK_EQ(data->output, 43);
    CHECK_ERROR(data->signal_error, TERN_OK);
    uint64_t word = 0;
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0x30);
    /* Its address space does not have the root task's mappings: its
     * memory at the root task's IPC buffer address is unmapped. */
    uint64_t copied;
    CHECK_ERROR(tern_vspace_read(process->vspace, boot_info->ipc_buffer, 8,
                                 (uint64_t)tern_ipc_buffer() + 8 * 100, &copied),
                TERN_FAULT);
}

const struct test_case vspace_tests[] = {
    { "map_read_write_and_alias", map_read_write_and_alias },
    { "frame_map_errors", frame_map_errors },
    { "mapping_rights_are_masked_by_the_capability", mapping_rights_are_masked_by_the_capability },
    { "page_table_errors", page_table_errors },
    { "large_frames", large_frames },
    { "vspace_read_and_write", vspace_read_and_write },
    { "vspace_copy_between_two", vspace_copy_between_two },
    { "write_protect", write_protect },
    { "thread_in_a_new_vspace", thread_in_a_new_vspace },
    TEST_SUITE_END,
};
