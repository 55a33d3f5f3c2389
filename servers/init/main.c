/*
 * init, the root task: it starts the servers of the table in
 * sys/servers.h from the boot archive, gives each the capabilities its
 * work needs and no more, asks procmgr to run the first program, and
 * powers the machine off when that program ends. Every server gets its
 * endpoint, a notification bound to its thread (timeouts), the memory
 * its entry names and the endpoints of its peers; vfs the archive's
 * frames (mapped read-only); procmgr every server's endpoint (to mint
 * each process's sessions), a root session of vfs, and the rest of
 * memory for processes. A second thread, the keeper (keeper.h), is the
 * servers' fault handler: it reports a server that faults and starts it
 * again or puts a stand-in in its place.
 *
 * The first program and its arguments come from the archive's file
 * INIT_COMMAND_FILE (arguments separated by NULs; tools/exec writes it),
 * else INIT_DEFAULT_COMMAND; its environment is PATH, HOME and TERM, and
 * the kernel command line's NAME=VALUE words. Its stdin is the console,
 * or the archive's file PROC_STDIN_FILE_PATH if there is one. init prints "\033]tern-start\007" before it
 * starts and "\033]tern-exit;STATUS\007" (STATUS as wait4 reports it) when
 * it has exited, so a runner can tell the program's output from the
 * machine's (tools/exec-output), and powers off.
 */
#include "keeper.h"
#include "native_program.h"
#include "sys/cpio.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/procmgr.h"
#include "sys/protocol/vfs.h"
#include "sys/runtime.h"
#include "sys/servers.h"
#include "sys/syscall.h"

#define INIT_COMMAND_FILE       "etc/tern/command"
#define INIT_DEFAULT_COMMAND    "/bin/hello"
#define CNODE_DEPTH             64
#define COMMAND_MAX             65536   /* path, arguments and environment */

static uint64_t slot_bitmap[(1 << TERN_ROOT_CNODE_BITS) / 64];
static struct slot_allocator slots;
static struct untyped_pool untyped;
static struct memory memory;

static char command[COMMAND_MAX];
static const char fixed_environment[] = "PATH=/bin:/usr/bin\0HOME=/\0TERM=linux";
#define FIXED_ENVIRONMENT_COUNT 3
/* The first program's environment (NUL-separated): the fixed one, then
 * the kernel command line's words that read_environment() takes. Each
 * word and its NUL take no more room than the word and the blank after
 * it did in the line. */
static char environment[sizeof fixed_environment + TERN_BOOT_INFO_COMMAND_LINE_MAX];
static uint64_t environment_length;
static unsigned environment_count;

static uint64_t length_within(const char *text, uint64_t limit)
{
    uint64_t length = 0;
    while (length < limit && text[length])
        length++;
    return length;
}

/* Each server's program, and what outlives it in init (a server that
 * faults is built again on the same endpoint: keeper.h). */
struct native_program init_servers[SERVER_COUNT];
uint64_t init_server_endpoints[SERVER_COUNT];
static uint64_t notifications[SERVER_COUNT];
unsigned init_server_memory_bits[SERVER_COUNT];
uint64_t init_server_flags;
static const struct tern_boot_info *boot_info;

/* An endpoint and a notification for each server, in init's slots. The
 * notification is unbadged: its timeouts name their own badge, and the
 * server may mint badged copies for others to signal it with. */
static bool make_endpoints(void)
{
    for (unsigned id = 0; id < SERVER_COUNT; id++) {
        init_server_endpoints[id] = memory_new_object(&memory, TERN_OBJECT_ENDPOINT, 0);
        notifications[id] = memory_new_object(&memory, TERN_OBJECT_NOTIFICATION, 0);
        if (!init_server_endpoints[id] || !notifications[id])
            return false;
    }
    return true;
}

static void copy_facts(struct native_program *server, const struct tern_boot_info *info)
{
    server->boot_info->cpu_count = info->cpu_count;
    server->boot_info->timer_frequency = info->timer_frequency;
    server->boot_info->timer_irq = info->timer_irq;
    server->boot_info->realtime_seconds = info->realtime_seconds;
    server->boot_info->realtime_counter = info->realtime_counter;
}

/* Whether a command line word is NAME=VALUE with a NAME free of dots: Linux
 * hands its init such words as environment variables, and keeps those
 * whose name has a dot (module.option=) for itself. */
static bool is_environment_word(const char *word, uint64_t length)
{
    for (uint64_t i = 0; i < length; i++) {
        if (word[i] == '=')
            return i > 0;
        if (word[i] == '.')
            return false;
    }
    return false;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The environment: the fixed variables, then every NAME=VALUE word of the
 * kernel command line (words are separated by blanks; no quoting), so a
 * line such as the Pi's cmdline.txt can steer the first program. */
static void read_environment(const struct tern_boot_info *info)
{
    memcpy(environment, fixed_environment, sizeof fixed_environment);
    environment_length = sizeof fixed_environment;
    environment_count = FIXED_ENVIRONMENT_COUNT;
    const char *line = info->command_line;
    uint64_t line_length = length_within(line, sizeof info->command_line);
    uint64_t at = 0;
    while (at < line_length) {
        while (at < line_length && is_blank(line[at]))
            at++;
        uint64_t start = at;
        while (at < line_length && !is_blank(line[at]))
            at++;
        if (at > start && is_environment_word(line + start, at - start)) {
            memcpy(environment + environment_length, line + start, at - start);
            environment_length += at - start;
            environment[environment_length++] = '\0';
            environment_count++;
        }
    }
}

bool init_build_server(unsigned id, struct memory *build, uint64_t flags)
{
    const struct server_entry *entry = &server_table[id];
    struct native_program *server = &init_servers[id];
    if (!native_program_create(server, build, (const void *)boot_info->boot_archive,
                               boot_info->boot_archive_size, entry->program, entry->cnode_bits))
        return false;
    copy_facts(server, boot_info);
    server->boot_info->server_flags = flags;
    if (!native_program_give(server, SERVER_SLOT_ENDPOINT, init_server_endpoints[id],
                             TERN_RIGHTS_ALL, 0)
        || !native_program_give(server, SERVER_SLOT_NOTIFICATION, notifications[id],
                                TERN_RIGHTS_ALL, 0)
        || tern_tcb_bind_notification(server->tcb, notifications[id]) != TERN_OK
        || !keeper_watch(server, id)) {
        tern_printf("init: cannot give %s its endpoint\n", server->name);
        return false;
    }
    return true;
}

bool init_give_peers(unsigned id)
{
    const struct server_entry *entry = &server_table[id];
    for (unsigned i = 0; i < SERVER_MAX_PEERS && entry->peers[i].slot; i++)
        if (!native_program_give(&init_servers[id], entry->peers[i].slot,
                                 init_server_endpoints[entry->peers[i].server], TERN_RIGHTS_ALL,
                                 entry->peers[i].badge))
            return false;
    return true;
}

/* The command line: path and arguments, NUL-separated, as PROC_SPAWN's
 * block wants them (path, then argv with argv[0] = path). Returns the
 * block's length and sets *argc. */
static uint64_t read_command(const struct tern_boot_info *info, unsigned *argc)
{
    struct cpio_entry file;
    const char *text = INIT_DEFAULT_COMMAND;
    uint64_t length = strlen(INIT_DEFAULT_COMMAND) + 1;
    if (cpio_find_file((const void *)info->boot_archive, info->boot_archive_size,
                       INIT_COMMAND_FILE, &file) && file.size > 0) {
        text = file.data;
        length = file.size;
    }
    if (length >= (COMMAND_MAX - environment_length) / 2) {
        tern_printf("init: %s is over %lu bytes: running %s\n", INIT_COMMAND_FILE,
                    (COMMAND_MAX - environment_length) / 2, INIT_DEFAULT_COMMAND);
        text = INIT_DEFAULT_COMMAND;
        length = strlen(INIT_DEFAULT_COMMAND) + 1;
    }
    /* The path first, then the arguments from argv[0] on. */
    uint64_t path_length = length_within(text, length);
    memcpy(command, text, path_length);
    command[path_length] = '\0';
    memcpy(command + path_length + 1, text, length);
    uint64_t total = path_length + 1 + length;
    if (command[total - 1] != '\0')
        command[total++] = '\0';
    *argc = 0;
    for (uint64_t i = path_length + 1; i < total; i++)
        if (command[i] == '\0')
            (*argc)++;
    memcpy(command + total, environment, environment_length);
    return total + environment_length;
}

/* Hand every untyped capability init has not touched to procmgr; init
 * keeps the rest of those it made objects from. */
static void give_remaining_memory(struct native_program *procmgr)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < untyped.count; i++) {
        if (untyped.untyped[i].used)
            untyped.untyped[kept++] = untyped.untyped[i];
        else
            native_program_move_untyped(procmgr, untyped.untyped[i].slot,
                                        untyped.untyped[i].size_bits);
    }
    untyped.count = kept;
}

#define LARGE_PAGE_SIZE (1ULL << 21)

/* Map the archive's frames into a server's address space as the kernel
 * mapped them into init's (tern/boot_info.h: from a 2 MiB boundary, 2
 * MiB frames among the 4 KiB ones), copies: init keeps its own mapping. */
static bool hand_archive_to(struct native_program *server, const struct tern_boot_info *info)
{
    uint64_t offset = (info->boot_archive - TERN_ROOT_BOOT_ARCHIVE) & ~(uint64_t)4095;
    uint64_t large = info->boot_archive_frames_large;
    uint64_t large_end = large + info->boot_archive_frames_large_count;
    for (uint64_t i = 0; i < info->boot_archive_frames_count; i++) {
        bool block = i >= large && i < large_end;
        uint64_t frame = slot_allocate(&slots);
        enum tern_error error = frame ? TERN_OK : TERN_NOT_ENOUGH_MEMORY;
        if (error == TERN_OK)
            error = tern_cnode_copy(TERN_SLOT_CNODE, frame, CNODE_DEPTH, TERN_SLOT_CNODE,
                                    info->boot_archive_frames_first + i, CNODE_DEPTH,
                                    TERN_RIGHT_READ);
        uint64_t address = NATIVE_BOOT_ARCHIVE + offset;
        if (error == TERN_OK)
            error = block ? memory_map_large_frame(&memory, server->vspace, frame, address,
                                                   TERN_RIGHT_READ)
                          : memory_map_frame(&memory, server->vspace, frame, address,
                                             TERN_RIGHT_READ, 0, 0);
        if (error != TERN_OK) {
            tern_printf("init: cannot map the boot archive for %s: %s\n", server->name,
                        tern_error_name(error));
            return false;
        }
        offset += block ? LARGE_PAGE_SIZE : 4096;
    }
    server->boot_info->boot_archive = NATIVE_BOOT_ARCHIVE +
                                      (info->boot_archive - TERN_ROOT_BOOT_ARCHIVE);
    server->boot_info->boot_archive_size = info->boot_archive_size;
    return true;
}

/* The RAM the kernel handed over, in bytes (device memory aside). */
static uint64_t free_memory(const struct tern_boot_info *info)
{
    uint64_t total = 0;
    for (uint64_t i = 0; i < info->untyped_count; i++)
        if (!info->untyped[i].is_device)
            total += 1ULL << info->untyped[i].size_bits;
    return total;
}

/* What init gives every server besides its endpoint: memory, the
 * endpoints of its peers, the boot archive if its entry asks. procmgr
 * also gets every server's endpoint (to mint each process's sessions),
 * its own root session of vfs, and all the memory left. */
static bool give_capabilities(const struct tern_boot_info *info)
{
    uint64_t session_rights = TERN_RIGHT_WRITE | TERN_RIGHT_GRANT | TERN_RIGHT_GRANT_REPLY;
    struct native_program *procmgr = &init_servers[SERVER_PROCMGR];
    for (unsigned id = 0; id < SERVER_COUNT; id++) {
        const struct server_entry *entry = &server_table[id];
        struct native_program *server = &init_servers[id];
        unsigned memory_bits = server_memory_bits(entry, free_memory(info));
        init_server_memory_bits[id] = memory_bits;
        if ((memory_bits && !native_program_give_untyped(server, &memory, memory_bits))
            || (entry->boot_archive && !hand_archive_to(server, info))
            || !native_program_give(procmgr, PROCMGR_SLOT_SERVERS + id,
                                    init_server_endpoints[id], TERN_RIGHTS_ALL, 0)
            || !init_give_peers(id))
            return false;
    }
    if (!native_program_give(procmgr, PROCMGR_SLOT_VFS_SESSION, init_server_endpoints[SERVER_VFS],
                             session_rights, VFS_SESSION_BADGE(0, 0)))
        return false;
    give_remaining_memory(procmgr);
    return true;
}

/* Every server of the table (sys/servers.h), started in its order, and
 * the keeper that sees to them when they fault. */
static bool start_servers(const struct tern_boot_info *info)
{
    if (!keeper_init(&memory, info) || !make_endpoints())
        return false;
    for (unsigned id = 0; id < SERVER_COUNT; id++)
        if (!init_build_server(id, keeper_build_memory(id), init_server_flags))
            return false;
    if (!give_capabilities(info)) {
        tern_printf("init: cannot give the servers their capabilities\n");
        return false;
    }
    for (unsigned id = 0; id < SERVER_COUNT; id++)
        if (!native_program_start(&init_servers[id], SERVER_PRIORITY))
            return false;
    return keeper_start();
}

/* Run the first program through procmgr and wait for it: its wait status. */
static int64_t run_first_program(uint64_t procmgr, uint64_t block_length, unsigned argc,
                                 bool stdin_from_file)
{
    tern_set_window(0, (uint64_t)command, block_length, TERN_WINDOW_READ);
    uint64_t mr[TERN_MSG_REGISTERS] = { strlen(command), argc, environment_count,
                                        block_length };
    tern_set_mr(4, stdin_from_file ? PROC_SPAWN_STDIN_FILE : 0);
    tern_message_info info = tern_call(procmgr, tern_message_with_windows(
                                           tern_message(PROC_SPAWN, 0, 5), 1), mr);
    int64_t pid = (int64_t)mr[0];
    if (tern_message_label(info) != 0 || pid < 0) {
        tern_printf("init: cannot run %s: error %ld\n", command, -pid);
        return LINUX_W_EXITCODE(127, 0);
    }
    uint64_t wait[TERN_MSG_REGISTERS] = { pid, 0, 0, 0 };
    info = tern_call(procmgr, tern_message(PROC_WAIT4, 0, 2), wait);
    if (tern_message_label(info) != 0 || (int64_t)wait[0] != pid) {
        tern_printf("init: lost track of %s\n", command);
        return LINUX_W_EXITCODE(127, 0);
    }
    return (int64_t)wait[1];
}

int root_main(const struct tern_boot_info *info)
{
    memory_init(&memory, &slots, &untyped, info, slot_bitmap);
    read_environment(info);
    unsigned argc;
    uint64_t block_length = read_command(info, &argc);
    struct cpio_entry stdin_file;
    bool stdin_from_file = cpio_find_file((const void *)info->boot_archive,
                                          info->boot_archive_size, PROC_STDIN_FILE_PATH + 1,
                                          &stdin_file);

    boot_info = info;
    struct cpio_entry injection;
    if (cpio_find_file((const void *)info->boot_archive, info->boot_archive_size,
                       SERVER_FAULT_INJECTION_FILE, &injection))
        init_server_flags |= SERVER_BOOT_FAULT_INJECTION;
    struct cpio_entry spread;
    if (cpio_find_file((const void *)info->boot_archive, info->boot_archive_size,
                       SERVER_SPREAD_FILE, &spread))
        init_server_flags |= SERVER_BOOT_SPREAD;
    if (!start_servers(info)) {
        tern_printf("init: the servers did not start\n");
        return 1;
    }
    uint64_t procmgr = slot_allocate(&slots);
    if (tern_cnode_mint(TERN_SLOT_CNODE, procmgr, CNODE_DEPTH, TERN_SLOT_CNODE,
                        init_server_endpoints[SERVER_PROCMGR], CNODE_DEPTH,
                        TERN_RIGHT_WRITE | TERN_RIGHT_GRANT, PROCMGR_BADGE_INIT)
        != TERN_OK)
        return 1;
    tern_printf("\033]tern-start\007");
    int64_t status = run_first_program(procmgr, block_length, argc, stdin_from_file);
    tern_printf("\033]tern-exit;%ld\007", status);
    return 0;
}
