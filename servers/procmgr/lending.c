/*
 * Memory lent to servers (SERVER_TAKE_MEMORY, sys/protocol/common.h): a
 * server that holds memory for processes and has used its own asks
 * through its caller for more, one chunk at a time, as the policy
 * (lending_policy.h) allows.
 */
#include "lending_policy.h"
#include "procmgr.h"
#include "request.h"
#include "sys/invoke.h"
#include "sys/protocol/common.h"
#include "sys/servers.h"
#include "sys/syscall.h"

static uint64_t lent_chunks;        /* to every server together */

int lend_memory(uint64_t server)
{
    if (server >= SERVER_COUNT || !server_table[server].borrows_memory)
        return -LINUX_EINVAL;
    uint64_t total, free;
    chunks_count(&total, &free);
    if (!lending_allowed(total >> CHUNK_BITS, free >> CHUNK_BITS, lent_chunks))
        return -LINUX_ENOMEM;
    uint64_t chunk = chunk_take();
    if (!chunk)
        return -LINUX_ENOMEM;
    /* The server's copy is a child of procmgr's: the chunk is never
     * made anything from here while it is lent. */
    uint64_t mr[TERN_MSG_REGISTERS] = { CHUNK_BITS };
    tern_set_cap(0, chunk);
    tern_message_info info = tern_call(PROCMGR_SLOT_SERVERS + server,
                                       tern_message(SERVER_TAKE_MEMORY, 1, 1), mr);
    if (tern_message_label(info) != 0 || mr[0] != 0) {
        chunk_put(chunk);           /* the server kept no copy */
        return -LINUX_ENOMEM;
    }
    lent_chunks++;
    return 0;
}

/* PROC_LEND_MEMORY: a server answered the caller SERVER_WANTS_MEMORY. */
void handle_lend_memory(struct request *request)
{
    result(request, lend_memory(request->mr[0]));
}
