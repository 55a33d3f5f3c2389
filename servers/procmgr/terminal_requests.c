/*
 * procmgr's side of controlling terminals (terminal_control.h decides):
 * PROC_TERMINAL, which the personality sends when a terminal's server
 * refers a job-control ioctl to procmgr (FILE_TERMINAL_REFERRAL,
 * sys/protocol/file.h); the signals a terminal's keyboard raises, which
 * vfs announces on procmgr's notification and procmgr takes from it for
 * the foreground group; and the end of a session leader.
 *
 * vfs never calls procmgr (procmgr calls it), so the keyboard's signals
 * come the other way: a notification, then procmgr's call.
 */
#include "request.h"
#include "terminal_control.h"
#include "signal_delivery.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/vfs.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

/* The terminals procmgr keeps sessions for: vfs's console, the only one
 * (a number a caller makes up finds nothing: ENOTTY). */
#define TERMINALS_MAX 1

static struct terminal_control terminals[TERMINALS_MAX] = {{ .device = VFS_CONSOLE_TERMINAL }};
/* procmgr's capability to vfs for the console (VFS_PROCMGR_BADGE). */
static uint64_t vfs_terminals;

static struct terminal_control *terminal_find(uint64_t device)
{
    for (unsigned i = 0; i < TERMINALS_MAX; i++)
        if (terminals[i].device == device)
            return &terminals[i];
    return 0;
}

static int64_t vfs_terminal_call(uint64_t label, unsigned length, uint64_t first, uint64_t second)
{
    if (!vfs_terminals)
        return -LINUX_ENOTTY;
    uint64_t mr[TERN_MSG_REGISTERS] = { first, second };
    tern_message_info info = tern_call(vfs_terminals, tern_message(label, 0, length), mr);
    return tern_message_label(info) ? -LINUX_EIO : (int64_t)mr[0];
}

void terminals_init(void)
{
    uint64_t endpoint = slot_allocate(server_memory.slots);
    uint64_t notification = slot_allocate(server_memory.slots);
    if (!endpoint || !notification ||
        tern_cnode_mint(TERN_SLOT_CNODE, endpoint, CNODE_DEPTH, TERN_SLOT_CNODE,
                        PROCMGR_SLOT_SERVERS + SERVER_VFS, CNODE_DEPTH, CLIENT_RIGHTS,
                        VFS_PROCMGR_BADGE) != TERN_OK ||
        tern_cnode_mint(TERN_SLOT_CNODE, notification, CNODE_DEPTH, TERN_SLOT_CNODE,
                        SERVER_SLOT_NOTIFICATION, CNODE_DEPTH, TERN_RIGHTS_ALL,
                        PROCMGR_TERMINAL_BADGE) != TERN_OK) {
        tern_printf("procmgr: no capabilities for the console's sessions\n");
        return;
    }
    vfs_terminals = endpoint;
    uint64_t mr[TERN_MSG_REGISTERS] = { 0 };
    tern_set_cap(0, notification);
    tern_call(vfs_terminals, tern_message(VFS_TERMINAL_LISTEN, 1, 0), mr);
    memory_delete(&server_memory, notification);       /* vfs holds its copy */
}

/* Sends signal to every live process of group pgid, as the kernel does
 * (SI_KERNEL, no sender). */
static void signal_group(uint64_t pgid, unsigned signal)
{
    struct signal_info info = { .code = LINUX_SI_KERNEL };
    for (uint64_t id = 1; id < ID_LIMIT; id++) {
        struct process *process = processes[id];
        if (process && process->state == PROCESS_ALIVE && process->pgid == pgid)
            signal_send(process, 0, signal, &info);
    }
}

/* Whether the terminal controls a session, as vfs should know (it
 * watches the keyboard meanwhile). */
static void tell_vfs(const struct terminal_control *terminal, bool was_controlled)
{
    bool controlled = terminal->sid != 0;
    if (controlled != was_controlled)
        vfs_terminal_call(VFS_TERMINAL_CONTROLLED, 2, terminal->device, controlled);
}

/* What a decision asks besides the answer: processes losing or gaining
 * the terminal, then signals to a group. */
static void apply(struct terminal_control *terminal, bool was_controlled, struct process *caller,
                  const struct terminal_effects *effects)
{
    if (effects->session_detached)
        for (uint64_t id = 1; id < ID_LIMIT; id++)
            if (processes[id] && processes[id]->sid == effects->session_detached &&
                processes[id]->terminal == terminal->device)
                processes[id]->terminal = 0;
    if (caller && effects->caller_attached)
        caller->terminal = terminal->device;
    if (caller && effects->caller_detached)
        caller->terminal = 0;
    tell_vfs(terminal, was_controlled);
    for (unsigned i = 0; i < 2 && effects->signals[i]; i++)
        signal_group(effects->signal_group, effects->signals[i]);
}

static uint64_t group_session(void *context, uint64_t pgid)
{
    (void)context;
    return process_group_session(pgid);
}

/* Linux's is_ignored: the calling thread blocks the signal, or its
 * process ignores it. */
static bool ignores(const struct process *process, const struct thread *thread, unsigned signal)
{
    return process->signal_disposition[signal] == SIGNAL_IGNORE ||
           (signal_blocked_mask(thread) & LINUX_SIGNAL_BIT(signal));
}

static struct terminal_caller caller_facts(struct process *process, struct thread *thread)
{
    struct credentials credentials = process_credentials(process);
    return (struct terminal_caller){
        .ids = process_ids_of(process),
        .terminal = process->terminal,
        .ttou_ignored = ignores(process, thread, LINUX_SIGTTOU),
        .ttin_ignored = ignores(process, thread, LINUX_SIGTTIN),
        .group_orphaned = process_group_orphaned(process),
        .privileged = credentials_privileged(&credentials),
    };
}

/* TIOCSTI: a character goes into the terminal's input as if typed, from
 * a process it controls or from root (Linux 6.1's rule). */
static int64_t push_input(const struct terminal_control *terminal,
                          const struct terminal_caller *caller, bool faulted, uint64_t byte)
{
    if (caller->terminal != terminal->device && !caller->privileged)
        return -LINUX_EPERM;
    if (faulted)
        return -LINUX_EFAULT;
    return vfs_terminal_call(VFS_TERMINAL_PUSH, 2, terminal->device, byte & 0xff);
}

/* PROC_TERMINAL: tid, ioctl request (or PROC_TERMINAL_READ, _WRITE),
 * terminal, value (the argument, or what it points at), flags
 * (PROC_TERMINAL_READABLE, _FAULTED). */
void handle_terminal(struct request *request)
{
    struct thread *thread = calling_thread(request);
    struct terminal_control *terminal = terminal_find(argument(request, 2));
    if (!thread)
        return result(request, -LINUX_ESRCH);
    if (!terminal)
        return result(request, -LINUX_ENOTTY);
    uint64_t value = argument(request, 3), flags = argument(request, 4);
    bool faulted = flags & PROC_TERMINAL_FAULTED;
    struct process *process = request->process;
    struct terminal_caller caller = caller_facts(process, thread);
    struct terminal_effects effects = { 0 };
    bool was_controlled = terminal->sid != 0;
    int64_t status;
    switch (argument(request, 1)) {
    case LINUX_TIOCGPGRP:
        return result(request, terminal_get_foreground(terminal, &caller));
    case LINUX_TIOCGSID:
        return result(request, terminal_get_session(terminal, &caller));
    case LINUX_TIOCSTI:
        return result(request, push_input(terminal, &caller, faulted, value));
    case PROC_TERMINAL_READ:
    case PROC_TERMINAL_WRITE:
        status = terminal_check_access(terminal, &caller,
                                       argument(request, 1) == PROC_TERMINAL_READ ? LINUX_SIGTTIN
                                                                                  : LINUX_SIGTTOU,
                                       &effects);
        break;
    case LINUX_TIOCSPGRP:
        status = terminal_set_foreground(terminal, &caller, (int32_t)value, faulted,
                                         group_session, 0, &effects);
        break;
    case LINUX_TIOCSCTTY:
        status = terminal_set_controlling(terminal, &caller, value == 1,
                                          flags & PROC_TERMINAL_READABLE, &effects);
        break;
    case LINUX_TIOCNOTTY:
        status = terminal_detach(terminal, &caller, &effects);
        break;
    default:
        return result(request, -LINUX_ENOTTY);
    }
    /* The caller may be among those signalled: its answer goes first. */
    result(request, status);
    if (effects.signals[0]) {
        server_answer_values(request->message, request->result_count, request->results);
        server_answer_now(request->message);
        request->silent = true;
    }
    apply(terminal, was_controlled, process, &effects);
}

/* init's first program reads the console: it leads a session the console
 * controls, as a getty would have set it up. */
void terminal_attach_first_program(struct process *process)
{
    struct terminal_control *terminal = terminal_find(VFS_CONSOLE_TERMINAL);
    if (!terminal || terminal->sid != 0)
        return;
    bool was_controlled = false;
    terminal->sid = process->sid;
    terminal->pgid = process->pgid;
    process->terminal = terminal->device;
    tell_vfs(terminal, was_controlled);
}

void terminal_process_exited(struct process *process)
{
    if (process->pid != process->sid || !process->terminal)
        return;
    struct terminal_control *terminal = terminal_find(process->terminal);
    if (!terminal)
        return;
    struct terminal_effects effects = { 0 };
    bool was_controlled = terminal->sid != 0;
    terminal_leader_exited(terminal, process->sid, &effects);
    apply(terminal, was_controlled, 0, &effects);
}

/* vfs signalled: the keyboard raised signals for the foreground groups. */
void terminals_notified(void)
{
    for (unsigned i = 0; i < TERMINALS_MAX; i++) {
        struct terminal_control *terminal = &terminals[i];
        int64_t signals = vfs_terminal_call(VFS_TERMINAL_TAKE_SIGNALS, 1, terminal->device, 0);
        if (signals <= 0 || terminal->pgid == 0)
            continue;
        for (unsigned signal = 1; signal < 64; signal++)
            if (signals & (1LL << signal))
                signal_group(terminal->pgid, signal);
    }
}
