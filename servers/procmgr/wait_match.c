/*
 * What wait4 and waitid wait for (wait_match.h).
 */
#include "wait_match.h"
#include "sys/linux_abi.h"

/* __WNOTHREAD, __WALL and __WCLONE: accepted, and the same here as
 * without them (procmgr's children are processes). */
#define WAIT_THREAD_OPTIONS 0xe0000000ULL

int wait_request_from_wait4(int64_t pid, uint64_t options, uint64_t caller_pgid,
                            struct wait_request *request)
{
    if (options & ~(LINUX_WNOHANG | LINUX_WUNTRACED | LINUX_WCONTINUED | WAIT_THREAD_OPTIONS))
        return -LINUX_EINVAL;
    *request = (struct wait_request){ .idtype = LINUX_P_PID, .id = pid,
                                      .options = options | LINUX_WEXITED };
    if (pid < -1) {
        request->idtype = LINUX_P_PGID;
        request->id = -pid;
    } else if (pid == -1) {
        request->idtype = LINUX_P_ALL;
    } else if (pid == 0) {
        request->idtype = LINUX_P_PGID;
        request->id = (int64_t)caller_pgid;
    }
    return 0;
}

int wait_request_from_waitid(uint64_t idtype, int64_t id, uint64_t options,
                             uint64_t caller_pgid, struct wait_request *request)
{
    uint64_t known = LINUX_WNOHANG | LINUX_WEXITED | LINUX_WUNTRACED | LINUX_WCONTINUED
                   | LINUX_WNOWAIT | WAIT_THREAD_OPTIONS;
    if ((options & ~known) || !(options & (LINUX_WEXITED | LINUX_WUNTRACED | LINUX_WCONTINUED))
        || idtype > LINUX_P_PGID || (idtype != LINUX_P_ALL && id < 0))
        return -LINUX_EINVAL;
    if (idtype == LINUX_P_PGID && id == 0)
        id = (int64_t)caller_pgid;
    *request = (struct wait_request){ .idtype = idtype, .id = id, .options = options,
                                      .is_waitid = true };
    return 0;
}

bool wait_request_matches(const struct wait_request *request, uint64_t parent_pid,
                          const struct process_ids *process)
{
    if (process->ppid != parent_pid)
        return false;
    switch (request->idtype) {
    case LINUX_P_ALL: return true;
    case LINUX_P_PID: return (int64_t)process->pid == request->id;
    case LINUX_P_PGID: return (int64_t)process->pgid == request->id;
    default: return false;
    }
}

bool wait_request_reaps(const struct wait_request *request)
{
    return !(request->is_waitid && (request->options & LINUX_WNOWAIT));
}

enum wait_event wait_event_for(const struct wait_request *request, const struct wait_child *child)
{
    if (child->ended)
        return request->options & LINUX_WEXITED ? WAIT_EVENT_EXITED : WAIT_EVENT_NONE;
    if (child->stop_signal && (request->options & LINUX_WUNTRACED))
        return WAIT_EVENT_STOPPED;
    if (child->continued && (request->options & LINUX_WCONTINUED))
        return WAIT_EVENT_CONTINUED;
    return WAIT_EVENT_NONE;
}

bool wait_search_add(struct wait_search *search, const struct wait_request *request,
                     uint64_t parent_pid, const struct process_ids *process,
                     const struct wait_child *child)
{
    if (!wait_request_matches(request, parent_pid, process))
        return false;
    /* A zombie is invisible to a waitid without WEXITED: with no other
     * child, ECHILD, as Linux's wait_task_zombie leaves it. */
    if (!child->ended || (request->options & LINUX_WEXITED))
        search->any_child = true;
    enum wait_event event = wait_event_for(request, child);
    if (event != WAIT_EVENT_NONE && !search->found) {
        search->found = process->pid;
        search->event = event;
    }
    return search->found != 0;
}

int64_t wait_search_result(const struct wait_search *search)
{
    if (!search->any_child)
        return -LINUX_ECHILD;
    return (int64_t)search->found;
}

struct signal_info wait_child_info(uint64_t pid, uint64_t uid, uint64_t wait_status)
{
    uint64_t signal = wait_status & 0x7f;
    return (struct signal_info){
        .code = signal ? LINUX_CLD_KILLED : LINUX_CLD_EXITED,
        .pid = (uint32_t)pid,
        .uid = (uint32_t)uid,
        .value = signal ? signal : (wait_status >> 8) & 0xff,
    };
}

uint64_t wait_event_status(enum wait_event event, const struct wait_child *child)
{
    switch (event) {
    case WAIT_EVENT_STOPPED: return LINUX_W_STOPCODE(child->stop_signal);
    case WAIT_EVENT_CONTINUED: return LINUX_W_CONTINUED;
    default: return child->wait_status;
    }
}

struct signal_info wait_event_info(enum wait_event event, uint64_t pid, uint64_t uid,
                                   const struct wait_child *child)
{
    struct signal_info info = { .pid = (uint32_t)pid, .uid = (uint32_t)uid };
    switch (event) {
    case WAIT_EVENT_STOPPED:
        info.code = LINUX_CLD_STOPPED;
        info.value = child->stop_signal;
        return info;
    case WAIT_EVENT_CONTINUED:
        info.code = LINUX_CLD_CONTINUED;
        info.value = LINUX_SIGCONT;
        return info;
    default:
        return wait_child_info(pid, uid, child->wait_status);
    }
}
