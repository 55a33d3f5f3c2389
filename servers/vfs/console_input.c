/* Reading the console: console_input.h. */
#include "console_input.h"
#include "terminal.h"
#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/server.h"
#include "sys/syscall.h"

#define READERS_MAX         16
#define POLLERS_MAX         16
#define CNODE_DEPTH         64
#define POLLS_PER_SECOND    100     /* the kernel checks timeouts each 10 ms tick */
#define TIMER_BADGE         (SERVER_NOTIFIED | SERVER_TIMER_BADGE)

struct reader {
    uint64_t reply;
    uint64_t length;
    bool small;         /* FILE_READ_SMALL: the line goes in the answer's registers */
};

static struct terminal *terminal;
/* procmgr's notification for the keyboard's signals (0: none yet), and
 * whether a session has the console, so its keyboard is watched. */
static uint64_t listener;
static bool controlled;
static struct reader readers[READERS_MAX];     /* in arrival order */
static unsigned reader_count;
static uint64_t poll_interval;
/* Notifications of pollers waiting for a line: slots holding them, or 0. */
static uint64_t poller_slots[POLLERS_MAX];
static bool poller_waiting[POLLERS_MAX];

static void echo(void *context, const char *bytes, size_t length)
{
    (void)context;
    for (size_t i = 0; i < length; i++)
        tern_debug_put_char(bytes[i]);
}

bool console_input_init(struct memory *memory, uint64_t timer_frequency,
                        struct terminal *console)
{
    terminal = console;
    poll_interval = timer_frequency / POLLS_PER_SECOND;
    for (unsigned i = 0; i < POLLERS_MAX; i++)
        if (!(poller_slots[i] = slot_allocate(memory->slots)))
            return false;
    return true;
}

/* procmgr hears of signals for the foreground group. */
static void announce_signals(void)
{
    if (terminal->signals && listener)
        tern_signal(listener);
}

static void take_input(void)
{
    int byte;
    while ((byte = tern_debug_get_char()) >= 0)
        terminal_receive(terminal, (char)byte, echo, 0);
    announce_signals();
}

/* Give a reader what the terminal has: its result. A small reader's
 * bytes go to small_bytes (FILE_SMALL_MAX of them) instead of its window. */
static int64_t hand_over(uint64_t reply, uint64_t length, uint8_t *small_bytes)
{
    static char bytes[TERMINAL_LINE_MAX];
    if (length > sizeof bytes)
        length = sizeof bytes;
    if (small_bytes)
        return (int64_t)terminal_read(terminal, (char *)small_bytes, length);
    size_t got = terminal_read(terminal, bytes, length);
    uint64_t copied;
    if (got && tern_reply_write_window(reply, 0, 0, got, (uint64_t)bytes, &copied) != TERN_OK)
        return -LINUX_EFAULT;
    return (int64_t)got;
}

static void arm_timer(void)
{
    tern_notification_set_timeout(SERVER_SLOT_NOTIFICATION, tern_counter_now() + poll_interval,
                                  TIMER_BADGE);
}

static void publish_readiness(void);

int64_t console_input_read(uint64_t reply, uint64_t length, bool nonblocking,
                           uint8_t *small_bytes)
{
    take_input();
    if (length == 0)
        return 0;
    if (terminal_read_returns(terminal, length) && reader_count == 0) {
        int64_t result = hand_over(reply, length, small_bytes);
        publish_readiness();
        return result;
    }
    if (nonblocking)
        return -LINUX_EAGAIN;
    if (reader_count == READERS_MAX || !server_can_defer())
        return -LINUX_EAGAIN;       /* Linux would queue more; we hold 16 */
    readers[reader_count++] = (struct reader){ reply, length, small_bytes != 0 };
    arm_timer();
    return CONSOLE_INPUT_WAITING;
}

int64_t console_input_poll(uint64_t events, uint64_t notification)
{
    take_input();
    int64_t ready = (int64_t)(events & (FILE_POLLOUT | FILE_POLLWRNORM));
    if (terminal_readable(terminal))
        return ready | (int64_t)(events & (FILE_POLLIN | FILE_POLLRDNORM));
    if (notification == 0 || !(events & (FILE_POLLIN | FILE_POLLRDNORM)))
        return ready;
    for (unsigned i = 0; i < POLLERS_MAX; i++) {
        if (poller_waiting[i])
            continue;
        if (tern_cnode_move(TERN_SLOT_CNODE, poller_slots[i], CNODE_DEPTH, TERN_SLOT_CNODE,
                            notification, CNODE_DEPTH) == TERN_OK) {
            poller_waiting[i] = true;
            arm_timer();
        }
        break;
    }
    return ready;
}

/* ---- epoll's watches (sys/watch.h) ---- */

static struct watch_list watches;
static bool published_readable;

static uint32_t console_events(const void *object)
{
    (void)object;
    uint32_t events = FILE_POLLOUT | FILE_POLLWRNORM;
    if (terminal_readable(terminal))
        events |= FILE_POLLIN | FILE_POLLRDNORM;
    return events;
}

void console_input_watch(struct watch_target *target)
{
    *target = (struct watch_target){&watches, &watches, console_events};
    published_readable = terminal_readable(terminal);
    arm_timer();
}

/* Watches hear when a line comes and when the last is read. */
static void publish_readiness(void)
{
    bool readable = terminal_readable(terminal);
    if (readable != published_readable) {
        published_readable = readable;
        watch_list_changed(&watches);
    }
}

/* A line came: every poller waiting for one hears of it, once. */
static void wake_pollers(void)
{
    for (unsigned i = 0; i < POLLERS_MAX; i++) {
        if (!poller_waiting[i])
            continue;
        tern_signal(poller_slots[i]);
        tern_cnode_delete(TERN_SLOT_CNODE, poller_slots[i], CNODE_DEPTH);
        poller_waiting[i] = false;
    }
}

static bool pollers_wait(void)
{
    for (unsigned i = 0; i < POLLERS_MAX; i++)
        if (poller_waiting[i])
            return true;
    return false;
}

/* Hands a waiting reader its line: through its window, or packed in the
 * answer's registers for a small read (file.h). */
static void answer(const struct reader *reader)
{
    uint64_t mr[TERN_MSG_MAX_LENGTH];
    uint8_t *small_bytes = reader->small ? (uint8_t *)&mr[1] : 0;
    int64_t result = hand_over(reader->reply, reader->length, small_bytes);
    mr[0] = (uint64_t)result;
    unsigned length = reader->small && result > 0 ? FILE_SMALL_REGISTERS((uint64_t)result) : 1;
    server_answer_deferred(reader->reply, tern_message(0, 0, length), mr);
}

void console_input_tick(void)
{
    take_input();
    if (terminal_readable(terminal))
        wake_pollers();
    while (reader_count > 0 && (terminal_read_returns(terminal, readers[0].length) ||
                                !server_caller_waits(readers[0].reply))) {
        struct reader reader = readers[0];
        for (unsigned i = 1; i < reader_count; i++)
            readers[i - 1] = readers[i];
        reader_count--;
        if (server_caller_waits(reader.reply))
            answer(&reader);
        else
            server_release_reply(reader.reply);   /* killed while waiting: takes nothing */
    }
    publish_readiness();
    if (reader_count > 0 || pollers_wait() || watches.first || controlled)
        arm_timer();
}

void console_input_changed(void)
{
    announce_signals();
    console_input_tick();
}

void console_input_listen(uint64_t notification)
{
    if (listener)
        memory_delete(&server_memory, listener);
    listener = notification;
}

void console_input_control(bool has_session)
{
    controlled = has_session;
    if (controlled)
        arm_timer();
}

bool console_input_controlled(void)
{
    return controlled;
}

uint64_t console_input_take_signals(void)
{
    return terminal_take_signals(terminal);
}

void console_input_push(char byte)
{
    terminal_receive(terminal, byte, echo, 0);
    console_input_changed();
}
