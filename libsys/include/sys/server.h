/*
 * The server runtime: the loop every server runs, and what its handlers
 * share (docs/servers.md says how to write a server with it).
 *
 * A server is one thread serving Calls on its endpoint
 * (SERVER_SLOT_ENDPOINT). server_run receives a message, hands it to the
 * server's handler, and then does what the handler decided: answer now,
 * keep the caller waiting (a deferred reply), or answer nobody. An answer
 * with nothing but registers goes out in the same system call that
 * receives the next message (ReplyRecv), so a server's common case is one
 * kernel entry per request.
 *
 * Deferred replies: a Call binds its caller to the reply object the
 * server received it with. A handler that cannot answer yet keeps that
 * object (request->reply) as the caller's handle and the runtime receives
 * the next message with another one from its pool; the server answers
 * later with server_answer_deferred, or drops the caller with
 * server_release_reply, and the object goes back to the pool. A caller
 * can vanish while it waits (a signal interrupted its call, or its thread
 * ended): server_caller_waits tells, and a window copy or a Reply to it
 * fails with TERN_CALLER_GONE.
 *
 * Single-threaded, one server a program: the runtime's state is its own
 * (server.c), and handlers run one at a time.
 */
#ifndef SYS_SERVER_H
#define SYS_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/memory.h"
#include "sys/servers.h"
#include "sys/setting_text.h"
#include "tern/boot_info.h"
#include "tern/message.h"

/* Rights of a descriptor capability a server hands out: Call, with
 * capabilities, and pass it on. */
#define SERVER_DESCRIPTOR_RIGHTS (TERN_RIGHT_WRITE | TERN_RIGHT_GRANT | TERN_RIGHT_GRANT_REPLY)

/* One request, as the handler sees it. */
struct server_request {
    tern_message_info info;     /* the message as it came (label, length, capabilities, windows) */
    uint64_t badge;             /* of the capability it came through: who asks */
    /* Its message registers, all of them (those past the fourth are
     * copied out of the IPC buffer, which the server's own invocations
     * overwrite); the handler puts its answer's here. */
    uint64_t mr[TERN_MSG_MAX_LENGTH];
    uint64_t reply;             /* the reply object its caller is bound to */
    tern_message_info answer;   /* the answer's label 0, length and capabilities */
    bool caller_gone;           /* a window copy found nobody there: answer nobody */
    /* The badges of capabilities that came unwrapped (server_received_badge). */
    uint64_t capability_badges[TERN_MSG_MAX_CAPS];
};

/* What a handler decided. */
enum server_outcome {
    SERVER_ANSWER,              /* answer now: request->answer, request->mr */
    SERVER_DEFER,               /* the caller waits: request->reply is the server's */
    SERVER_SILENT,              /* nobody to answer */
};

struct file_server;
struct server_settings;

struct server_config {
    const char *name;           /* for messages: "pipe: ..." */
    enum server_id id;          /* its entry in the table of servers (sys/servers.h) */
    /* The most callers kept waiting at once (their reply objects are
     * made as they are needed). */
    unsigned deferred_capacity;
    enum server_outcome (*handle)(struct server_request *request);
    /* Descriptors (sys/file_server.h): a file-protocol request through a
     * badge with none of session_badge_bits set goes to descriptors, not
     * handle. NULL: the server hands out no descriptors. */
    const struct file_server *descriptors;
    uint64_t session_badge_bits;
    /* The notification bound to the server's thread was signalled (its
     * timer): word has SERVER_NOTIFIED set. NULL: the server has none. A
     * timer set with server_program_timer is spent by then. */
    void (*notified)(uint64_t word);
    /* Every reply object is taken, or a process ended (exit_notices):
     * let go of waiters whose callers vanished (server_release_reply).
     * NULL: nothing to prune. */
    void (*prune)(void);
    /* Data pages the server keeps at their high-water mark (pools of
     * records that never give a page back), which SERVER_STATISTICS
     * leaves out as it does a descriptor table's. NULL: none. */
    uint64_t (*kept_pages)(void);
    /* Heap bytes that follow something other than what the server keeps
     * for its clients (procmgr's tables of the chunks processes' memory
     * comes from), which SERVER_STATISTICS leaves out too. NULL: none. */
    uint64_t (*kept_heap_bytes)(void);
    /* Data pages the server can lend to other address spaces
     * (server_page_frame; sys/protocol/memory.h). */
    bool lendable_pages;
    /* Its settings (Linux's /proc/sys files), which the runtime serves:
     * below. NULL: none. */
    const struct server_settings *settings;
};

/* ---- Settings ---- */

/* What a server may let root change, as Linux's sysctl files: the
 * runtime opens them (SERVER_SETTING_OPEN through a session,
 * sys/protocol/common.h) and answers the file protocol through their
 * descriptors (badged SERVER_SETTING_FLAG), reading and writing the
 * values as text (sys/setting_text.h); the server only keeps the values.
 * A descriptor names the IPC namespace of the process that opened it. */
struct server_setting {
    const char *path;               /* its /proc/sys file, as FILE_PATH shows it */
    struct setting_format format;
};

struct server_settings {
    const struct server_setting *settings;      /* by index */
    unsigned count;
    /* The IPC namespace of process pid (sys/ipc_namespace.h). */
    uint32_t (*namespace_of)(uint32_t pid);
    /* Setting index's values in namespace, its format.count of them. */
    void (*get)(unsigned index, uint32_t namespace, uint64_t values[]);
    /* A write gave its first count values (each within the format's
     * bounds): they are the namespace's now; 0, or -errno to refuse one
     * (Linux's own checks beyond the bounds: sem's semmni, -ERANGE). */
    int (*set)(unsigned index, uint32_t namespace, const uint64_t values[], unsigned count);
};

/* The server's memory: slots of its CNode and its untyped memory, from
 * the boot info (procmgr refills it from chunks of its own). */
extern struct memory server_memory;
extern const struct tern_boot_info *server_boot_info;

/* Where the server's data pages are mapped (server_allocate_page). */
#define SERVER_PAGES_BASE  0x4000000000ULL
#define SERVER_PAGES_LIMIT 0x5000000000ULL

/* Takes the boot info's memory and slots and sets up the heap. */
void server_init(const struct tern_boot_info *info, const struct server_config *config);
/* Serves requests forever. */
__attribute__((noreturn)) void server_run(void);
/* Something the server cannot go on without failed: says why and stops. */
__attribute__((noreturn)) void server_stop(const char *why);

/* A page of the server's data (a core's buffers, records, file data):
 * 4 KiB, page-aligned, contents undefined; NULL when memory is used up.
 * A page pool (sys/memory.h) in the server's own address space; the
 * context argument is unused, so these fit a core's services as they
 * are. */
void *server_allocate_page(void *context);
void server_free_page(void *context, void *page);
/* With lendable pages: the slot of a page's frame capability, which
 * every capability the server lends of the page is derived from (a page
 * freed has them all revoked). */
uint64_t server_page_frame(const void *page);

/* ---- Answers ---- */

/* The usual answer: result in register 0 (Linux's: >= 0 or -errno). */
static inline enum server_outcome server_answer(struct server_request *request, int64_t result)
{
    request->mr[0] = (uint64_t)result;
    request->answer = tern_message(0, 0, 1);
    return SERVER_ANSWER;
}

/* A request that has done nothing found no page for what it must hold:
 * -ENOMEM, and (if the server's entry may borrow memory) the caller is
 * asked to get it lent some and call again (SERVER_WANTS_MEMORY,
 * sys/protocol/common.h). */
enum server_outcome server_answer_wants_memory(struct server_request *request);

/* An answer of count registers from values. */
enum server_outcome server_answer_values(struct server_request *request, unsigned count,
                                         const uint64_t *values);

/* A capability goes with the answer as capability 0: one derived from
 * the server's in slot source, with rights (at most the source's) and a
 * badge (endpoints only; 0: the source's badge, if any: a copy). False
 * if it could not be made. */
bool server_give_capability(struct server_request *request, uint64_t source, uint64_t rights,
                            uint64_t badge);
/* A new descriptor goes with the answer: a capability to the endpoint in
 * slot source (SERVER_SLOT_ENDPOINT: the server's own) badged badge. */
static inline bool server_give_descriptor(struct server_request *request, uint64_t source,
                                          uint64_t badge)
{
    return server_give_capability(request, source, SERVER_DESCRIPTOR_RIGHTS, badge);
}
/* With lendable pages, the answer to MEMORY_PAGE (sys/protocol/memory.h):
 * 0 and a capability to the page's frame derived from its own
 * (server_page_frame), so that freeing the page revokes it; readable
 * and, if write, writable. -ENOMEM if it could not be made. */
enum server_outcome server_answer_page(struct server_request *request, const void *page,
                                       bool write);

/* A memory-object request through a descriptor (sys/protocol/memory.h):
 * MEMORY_MAP goes to map, MEMORY_PAGE to page, once each has the
 * registers its label needs (else -EINVAL); any other label is -ENOSYS. */
enum server_outcome server_memory_request(struct server_request *request,
                                          enum server_outcome (*map)(struct server_request *),
                                          enum server_outcome (*page)(struct server_request *));
/* MEMORY_MAP's answer: 0, the object's identity and its MEMORY_MAP_*
 * flags, and with MEMORY_MAP_DESCRIPTOR the mapping's own descriptor
 * (badged mapping) as capability 0: false if that could not be made (the
 * server then closes mapping and answers -ENFILE). */
bool server_answer_mapping(struct server_request *request, uint64_t identity, uint64_t flags,
                           uint64_t mapping);

/* Sends the answer the handler built (request->answer, request->mr)
 * now, before the handler goes on with something that may end its
 * caller (a signal to the caller's own process); the handler then
 * returns SERVER_SILENT. */
void server_answer_now(struct server_request *request);

/* ---- Callers kept waiting ---- */

/* The pool's free count and its slow path, for server_can_defer's
 * inline check: not for servers to use. */
extern unsigned server_free_reply_count;
bool server_make_spare_reply(void);

/* Whether a handler may defer: a reply object is free, or can be made,
 * or prune gave one back. */
static inline bool server_can_defer(void)
{
    return server_free_reply_count > 0 || server_make_spare_reply();
}
/* Answers a caller kept waiting with info's registers from mr; with one
 * capability in info, the one made first with server_make_capability.
 * The reply object goes back to the pool. Returns whether the caller was
 * there to take the answer. */
bool server_answer_deferred(uint64_t reply, tern_message_info info, const uint64_t *mr);
/* The capability the next answer with one sends (see
 * server_give_capability). */
bool server_make_capability(uint64_t source, uint64_t rights, uint64_t badge);
/* Keeps the timer of the notification bound to the server's thread
 * (SERVER_SLOT_NOTIFICATION) on deadline, the earliest one pending (CNTVCT
 * ticks; 0: none), with a kernel call only when it changed. When it
 * fires, config->notified runs: it expires what is due and calls this
 * again, which sets the timer even for the same deadline (the kernel's
 * clock may have run ahead of the server's). */
extern uint64_t server_programmed_deadline;   /* 0: none, or spent */
void server_program_timer_now(uint64_t deadline);
static inline void server_program_timer(uint64_t deadline)
{
    if (deadline != server_programmed_deadline)    /* asked after every request */
        server_program_timer_now(deadline);
}

/* Lets go of a caller kept waiting without answering it. */
void server_release_reply(uint64_t reply);
/* Whether a caller is still bound to reply, without answering it. */
bool server_caller_waits(uint64_t reply);

/* ---- Windows of the request ---- */

/* Copies between window `window` of the request's caller and the
 * server: 0, or -EFAULT for a range or rights the window does not give.
 * A caller that is gone gives -EFAULT and sets request->caller_gone. */
int server_read_window(struct server_request *request, unsigned window, uint64_t offset,
                       void *destination, uint64_t length);
int server_write_window(struct server_request *request, unsigned window, uint64_t offset,
                        const void *source, uint64_t length);

/* ---- Calls to other servers ---- */

/* Calls endpoint with info and mr (registers 0-3; the rest and any
 * windows set as for tern_call), and has a capability in the answer land
 * in slot index of the CNode that cnode names (depth 64): the runtime's
 * own receive slots are set back afterwards. Returns the answer's info. */
tern_message_info server_call_receiving(uint64_t endpoint, tern_message_info info,
                                        uint64_t mr[TERN_MSG_REGISTERS], uint64_t cnode,
                                        uint64_t index);

/* ---- Capabilities the request carried ---- */

/* Whether capability index was one to this server's own endpoint: the
 * kernel hands over its badge instead (a descriptor of this server, or
 * one of its sessions), in *badge. */
bool server_received_badge(const struct server_request *request, unsigned index,
                           uint64_t *badge);
/* The slot where capability index landed (the handler may use it; the
 * runtime empties it afterwards), or 0 if it came as a badge or not at
 * all. */
uint64_t server_received_slot(const struct server_request *request, unsigned index);
/* Moves capability index out of the receive slots into a slot of its
 * own, which the server now owns (memory_delete it when done); 0 if it
 * did not come as a capability or no slot is free. */
uint64_t server_keep_capability(const struct server_request *request, unsigned index);
/* A copy of the capability in the server's slot source (one it kept),
 * with the same rights and badge, in a slot of its own (memory_delete it
 * when done); 0 if no slot is free or the copy failed. */
uint64_t server_copy_capability(uint64_t source);

/* FILE_POLL (sys/protocol/file.h) for a server whose poll keeps a
 * notification, to signal at the next change, only when nothing is
 * ready: asked first without one; if nothing is ready and the caller sent
 * a notification (capability 0), asked again with it, which is deleted
 * unless poll kept it. Returns the events ready. */
typedef int64_t server_poll_function(struct server_request *request, uint32_t events,
                                     uint64_t notification, bool *kept);
int64_t server_poll(struct server_request *request, server_poll_function *poll);

#endif
