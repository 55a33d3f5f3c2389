/*
 * The servers' keeper: a second thread of init, which is every server's
 * fault handler. A server that faults (a bug of its own: a bad address,
 * an undefined instruction) is reported on the console with its name,
 * the faulting address and the faulting instruction's; then init revokes
 * the memory the server was given, so every object it made goes with it,
 * and with its reply objects the calls it held fail (TERN_SERVER_GONE:
 * the callers' system calls return EIO). A restartable server (its entry
 * in sys/servers.h) is then built and started afresh from the boot
 * archive on the same endpoint, so its clients' capabilities keep
 * working; any other gets a stand-in, a thread of init on its endpoint
 * that answers every request -EIO, so nobody waits on it for ever.
 * docs/servers.md, "When a server faults", says what that means for each.
 */
#ifndef INIT_KEEPER_H
#define INIT_KEEPER_H

#include <stdbool.h>
#include <stdint.h>
#include "native_program.h"
#include "sys/memory.h"
#include "sys/servers.h"

#define SERVER_PRIORITY 200     /* every server's thread, and a stand-in's */

/* Before the servers are built (memory: init's own, all of it still):
 * the fault endpoint, the memory the keeper's threads are made of, and,
 * for each restartable server, an untyped and a range of init's slots
 * that its program is built in, so that they can be emptied and used
 * again. False (after saying why) if memory is short. */
bool keeper_init(struct memory *memory, const struct tern_boot_info *info);
/* What a server's program is built from: its own memory if it is
 * restartable, else init's. */
struct memory *keeper_build_memory(unsigned id);
/* Make init's keeper the fault handler of the server's thread. */
bool keeper_watch(struct native_program *server, unsigned id);
/* Start the keeper's thread, once every server runs. */
bool keeper_start(void);

/* What init's main.c keeps of each server and does for the keeper. */
extern struct native_program init_servers[SERVER_COUNT];
extern uint64_t init_server_endpoints[SERVER_COUNT];
extern unsigned init_server_memory_bits[SERVER_COUNT];
/* Build server id's program from memory and give it its endpoint and
 * notification; its flags (SERVER_BOOT_*) go in its boot info. */
bool init_build_server(unsigned id, struct memory *memory, uint64_t flags);
/* Give server id its peers' endpoints (sys/servers.h). */
bool init_give_peers(unsigned id);
/* The flags every server starts with (fault injection, for tests). */
extern uint64_t init_server_flags;

#endif
