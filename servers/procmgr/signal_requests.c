/*
 * procmgr's requests about signals (request.h): kill, tgkill, sigqueue,
 * sigaction, taking a pending signal, pausing until one comes, the
 * interval timer, and mq_notify's signals. Who may signal whom is kill_rules.c's; what a signal
 * does, signal_delivery.c's and signals.c's.
 */
#include "request.h"
#include "sys/linux_abi.h"
#include "sys/protocol/mqueue.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

/* A signal to the caller's own process may end it before procmgr answers:
 * the caller has its answer (0) first, and procmgr says nothing after. */
static void answer_before_signalling_self(struct request *request)
{
    server_answer(request->message, 0);
    server_answer_now(request->message);
    request->silent = true;
}

/* A process as kill from sender sees it (0: there is none). */
static struct kill_target kill_target_of(const struct process *sender,
                                         const struct process *process)
{
    struct kill_target target = { .exists = false };
    if (!process)
        return target;
    target.exists = true;
    target.alive = process->state == PROCESS_ALIVE;
    target.runs_program = process->space != 0;     /* all but init */
    target.credentials = process_credentials(process);
    target.in_senders_session = process->sid == sender->sid;
    return target;
}

/* kill(2)'s checks (kill_check), then the signal with its siginfo: 0,
 * -EINVAL, -ESRCH, -EPERM, or -EAGAIN when a real-time instance could
 * not queue (kill_sent_status). */
static int deliver_with_info(struct process *sender, struct process *target,
                             struct thread *thread, uint64_t signal,
                             const struct signal_info *info)
{
    struct credentials from = process_credentials(sender);
    struct kill_target to = kill_target_of(sender, target);
    bool send;
    int status = kill_check(signal, &from, &to, &send);
    if (status < 0 || !send)
        return status;
    return kill_sent_status(info->code, signal_send(target, thread, (unsigned)signal, info));
}

int signal_deliver_from(struct process *sender, struct process *target, uint64_t signal,
                        const struct signal_info *info)
{
    return deliver_with_info(sender, target, 0, signal, info);
}

/* A signal with the siginfo code gives it: from sender, or from the
 * kernel (SI_KERNEL: no sender). */
static int deliver_signal(struct process *sender, struct process *target, struct thread *thread,
                          uint64_t signal, int32_t code)
{
    bool from_kernel = code == LINUX_SI_KERNEL;
    struct signal_info info = { .code = code, .pid = from_kernel ? 0 : (uint32_t)sender->pid,
                                .uid = from_kernel ? 0 : (uint32_t)sender->uid };
    return deliver_with_info(sender, target, thread, signal, &info);
}

/* PROC_SIGQUEUE: rt_sigqueueinfo and rt_tgsigqueueinfo, with the
 * caller's siginfo (code, value, sender). Only to itself may a process
 * send what would pass for the kernel's (si_code >= 0) or tgkill's. */
void handle_sigqueue(struct request *request)
{
    if (tern_message_length(request->info) < 7)
        return result(request, -LINUX_EINVAL);
    uint64_t pid = request->mr[0], tid = request->mr[1], signal = request->mr[2];
    struct signal_info info = {
        .code = (int32_t)request->mr[3],
        .value = argument(request, 4),
        .pid = (uint32_t)argument(request, 5),
        .uid = (uint32_t)argument(request, 6),
    };
    struct thread *thread = tid && tid < ID_LIMIT ? threads[tid] : 0;
    struct process *target = tid ? (thread ? thread->process : 0)
                                  : pid < ID_LIMIT ? processes[pid] : 0;
    if (tid && thread && thread->process->pid != pid)
        target = 0;
    if (!target)
        return result(request, -LINUX_ESRCH);
    if (signal > LINUX_NSIG)
        return result(request, -LINUX_EINVAL);
    int status = kill_check_sigqueue_code(info.code, target == request->process);
    if (status < 0)
        return result(request, status);
    if (target == request->process && signal) {
        if (!signal_can_queue(target, thread, (unsigned)signal, &info))
            return result(request, -LINUX_EAGAIN);
        answer_before_signalling_self(request);
    }
    status = deliver_with_info(request->process, target, thread, signal, &info);
    if (!request->silent)
        result(request, status);
}

void handle_kill(struct request *request)
{
    int64_t pid = (int64_t)request->mr[0];
    uint64_t signal = request->mr[1];
    struct process *sender = request->process;
    if (signal > LINUX_NSIG)
        return result(request, -LINUX_EINVAL);     /* even when no process is found */
    if (pid > 0)
        return result(request, deliver_signal(sender, pid < ID_LIMIT ? processes[pid] : 0, 0,
                                              signal, LINUX_SI_USER));
    /* Every process kill_reaches, the caller's own last: it may die of it. */
    struct process_ids from = process_ids_of(sender);
    struct kill_tally tally = kill_tally_start(pid);
    bool self = false;
    for (uint64_t id = 1; id < ID_LIMIT; id++) {
        struct process *target = processes[id];
        if (!target || target->state != PROCESS_ALIVE)
            continue;
        struct process_ids candidate = process_ids_of(target);
        if (!kill_reaches(pid, &from, &candidate))
            continue;
        if (target == sender)
            self = true;
        else
            kill_tally_add(&tally, deliver_signal(sender, target, 0, signal, LINUX_SI_USER));
    }
    if (self) {
        answer_before_signalling_self(request);
        deliver_signal(sender, sender, 0, signal, LINUX_SI_USER);
        return;
    }
    result(request, kill_tally_result(&tally));
}

void handle_tgkill(struct request *request)
{
    uint64_t tgid = request->mr[0], tid = request->mr[1], signal = request->mr[2];
    if (tid >= ID_LIMIT || !threads[tid] || (tgid && threads[tid]->process->pid != tgid))
        return result(request, signal > LINUX_NSIG ? -LINUX_EINVAL : -LINUX_ESRCH);
    struct thread *thread = threads[tid];
    uint64_t flags = tern_message_length(request->info) > 3 ? request->mr[3] : 0;
    int32_t code;
    int status = kill_tgkill_code(flags, thread->process == request->process, &code);
    if (status < 0)
        return result(request, status);
    if (thread->process == request->process && signal)
        answer_before_signalling_self(request);
    status = deliver_signal(request->process, thread->process, thread, signal, code);
    if (!request->silent)
        result(request, status);
}

void handle_sigaction(struct request *request)
{
    uint64_t signal = request->mr[0], disposition = request->mr[1];
    int status = signal_check_disposition(signal, disposition);
    if (status < 0)
        return result(request, status);
    signal_set_disposition(request->process, (unsigned)signal, (unsigned)disposition,
                           request->mr[2]);
    result(request, 0);
}

void handle_signal_take(struct request *request)
{
    struct thread *caller = calling_thread(request);
    if (!caller)
        return result(request, -LINUX_ESRCH);
    struct signal_info info;
    int signal = signal_take(caller, request->mr[1], request->mr[2] & PROC_SIGNAL_ACCEPT, &info,
                             request->reply);
    if (signal == SIGNAL_TAKE_STOPPED) {
        request->deferred = true;       /* answered when the process continues */
        return;
    }
    if (signal < 0) {
        request->silent = true;         /* it ended the process */
        return;
    }
    request->result_count = signal_take_values(signal, &info, request->results);
}

/* which (ITIMER_REAL, _VIRTUAL, _PROF) in register index. */
static unsigned itimer_which(const struct request *request, unsigned index)
{
    uint64_t which = argument(request, index);
    return which <= 2 ? (unsigned)which : 0;
}

void handle_getitimer(struct request *request)
{
    uint64_t values[3] = { 0 };
    timer_get(request->process, itimer_which(request, 0), &values[1], &values[2]);
    memcpy(request->results, values, sizeof values);
    request->result_count = 3;
}

void handle_setitimer(struct request *request)
{
    unsigned which = itimer_which(request, 2);
    uint64_t values[3] = { 0 };
    timer_get(request->process, which, &values[1], &values[2]);     /* the answer: as it was */
    memcpy(request->results, values, sizeof values);
    request->result_count = 3;
    timer_set(request->process, which, request->mr[0], request->mr[1]);
}

void handle_signal_pause(struct request *request)
{
    struct thread *caller = calling_thread(request);
    if (!caller)
        return result(request, -LINUX_ESRCH);
    /* Without memory to wait in, it returns as a signal would: the
     * personality pauses again. */
    if (server_can_defer() && signal_pause(caller, request->mr[1], request->reply)) {
        request->deferred = true;
        return;
    }
    result(request, -LINUX_ERESTARTNOHAND);
}

/* PROC_MQ_NOTIFIED: the caller's mq_send fired a queue's mq_notify
 * registration. procmgr takes the notice from the mqueue server (through
 * its notice session, which no process holds) and delivers it as Linux's
 * kernel does: SI_MESGQ from the sender, with no permission check. */
void handle_mq_notified(struct request *request)
{
    uint64_t slot = server_notice_slot(SERVER_MQUEUE);
    uint64_t mr[TERN_MSG_REGISTERS] = {0};
    if (!slot)
        return result(request, -LINUX_ENOMEM);
    tern_call(slot, tern_message(MQ_TAKE_NOTICE, 0, 0), mr);
    uint64_t pid = mr[1];
    struct process *owner = (int64_t)mr[0] == 0 && pid < ID_LIMIT ? processes[pid] : 0;
    if (!owner || owner->state != PROCESS_ALIVE || mr[2] == 0 || mr[2] > LINUX_NSIG)
        return result(request, 0);
    struct signal_info info = { .code = LINUX_SI_MESGQ, .value = mr[3],
                                .pid = (uint32_t)request->process->pid,
                                .uid = (uint32_t)request->process->uid };
    if (owner == request->process)
        answer_before_signalling_self(request);
    signal_send(owner, 0, (unsigned)mr[2], &info);
    if (!request->silent)
        result(request, 0);
}
