/*
 * What a server keeps for its clients, counted per client: every object
 * a server makes for a process (a pipe's end, an eventfd, a socket, a
 * memfd) is charged to that process and to its user (the session's pid
 * and effective uid), each against a ceiling, so that a client that
 * makes objects without end runs into its own limit, not into the
 * server's, and the other clients go on (docs/limits.md, "Objects
 * servers keep for clients").
 *
 * An owner is the pair of accounts an object's charges go to, taken
 * when the object is made (client_charge); more charges for the same
 * object (another end of a pipe) go to the same owner
 * (client_charge_owner), whichever process asks, as Linux charges a
 * pipe's buffers to the user who made it. Each charge is given back once
 * (client_uncharge) when what it paid for goes.
 *
 * An account lives only while something is charged to it, so a server
 * holds nothing for a client that holds nothing. When a process ends
 * (a server's exit notice), its account is set aside: what it made and
 * others still use stays charged to it until it goes, and a later
 * process with the same pid starts from nothing.
 *
 * Besides its objects, a user's account may measure something they hold
 * (a pipe server's buffer pages, as Linux's pipe-user-pages): an amount
 * the server adds to and checks against limits of its own. It must be
 * given back before the last charge that keeps the account goes.
 *
 * The user ceiling does not hold for root (uid 0), as Linux's per-user
 * limits (pipe-user-pages-hard, RLIMIT_NPROC) exempt the privileged;
 * the process ceiling holds for everyone, as RLIMIT_NOFILE does.
 */
#ifndef SYS_CLIENT_ACCOUNTS_H
#define SYS_CLIENT_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLIENT_ACCOUNT_BUCKETS 64

struct client_account;

struct client_owner {
    struct client_account *process;
    struct client_account *user;    /* NULL: root, or no user known */
};

struct client_accounts {
    void *(*allocate)(void *context, size_t size);  /* NULL when out of memory */
    void (*free)(void *context, void *block);
    void *context;
    uint32_t process_ceiling;       /* charges a process may hold */
    uint32_t user_ceiling;          /* charges a user but root may hold */
    struct client_account *buckets[CLIENT_ACCOUNT_BUCKETS];
};

void client_accounts_init(struct client_accounts *accounts,
                          void *(*allocate)(void *context, size_t size),
                          void (*free)(void *context, void *block), void *context,
                          uint32_t process_ceiling, uint32_t user_ceiling);

/* One charge to process pid of user uid, which becomes *owner: 0, or
 * -EMFILE (the process is at its ceiling), -ENFILE (its user is), or
 * -ENOMEM (no memory for an account); nothing is charged then. */
int client_charge(struct client_accounts *accounts, uint32_t pid, uint32_t uid,
                  struct client_owner *owner);

/* One more charge to an owner that holds one: the same errors. */
int client_charge_owner(struct client_accounts *accounts, const struct client_owner *owner);

/* Gives one charge back; an account left with none goes. */
void client_uncharge(struct client_accounts *accounts, const struct client_owner *owner);

/* Process pid ended: its account (if it holds charges) is set aside. */
void client_process_ended(struct client_accounts *accounts, uint32_t pid);

/* The amount an owner's user holds (0 for root: never measured), and a
 * change to it (ignored for root). */
uint64_t client_user_amount(const struct client_owner *owner);
void client_user_amount_add(const struct client_owner *owner, int64_t delta);

/* What a live process, or a user, holds now (for tests and statistics). */
uint32_t client_process_charges(const struct client_accounts *accounts, uint32_t pid);
uint32_t client_user_charges(const struct client_accounts *accounts, uint32_t uid);

#endif
