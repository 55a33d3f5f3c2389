/* What a server keeps for its clients, per client: sys/client_accounts.h. */
#include "sys/client_accounts.h"
#include "sys/linux_abi.h"

enum account_kind { ACCOUNT_PROCESS, ACCOUNT_USER };

struct client_account {
    struct client_account *next;    /* in its bucket */
    uint32_t id;                    /* the pid or the uid */
    uint8_t kind;
    bool ended;                     /* a process that ended: never found again */
    uint32_t charges;
    uint64_t amount;                /* a user's: what the server measures (client_user_amount) */
};

void client_accounts_init(struct client_accounts *accounts,
                          void *(*allocate)(void *context, size_t size),
                          void (*free)(void *context, void *block), void *context,
                          uint32_t process_ceiling, uint32_t user_ceiling)
{
    *accounts = (struct client_accounts){
        .allocate = allocate,
        .free = free,
        .context = context,
        .process_ceiling = process_ceiling,
        .user_ceiling = user_ceiling,
    };
}

static struct client_account **bucket(const struct client_accounts *accounts,
                                      enum account_kind kind, uint32_t id)
{
    uint32_t hash = (id * 2654435761u) ^ (uint32_t)kind;
    return (struct client_account **)&accounts->buckets[hash % CLIENT_ACCOUNT_BUCKETS];
}

static struct client_account *find(const struct client_accounts *accounts,
                                   enum account_kind kind, uint32_t id)
{
    for (struct client_account *account = *bucket(accounts, kind, id); account;
         account = account->next)
        if (account->kind == kind && account->id == id && !account->ended)
            return account;
    return NULL;
}

/* The live account of kind and id, made (with no charges) if need be. */
static struct client_account *find_or_make(struct client_accounts *accounts,
                                           enum account_kind kind, uint32_t id)
{
    struct client_account *account = find(accounts, kind, id);
    if (account)
        return account;
    account = accounts->allocate(accounts->context, sizeof *account);
    if (!account)
        return NULL;
    struct client_account **head = bucket(accounts, kind, id);
    *account = (struct client_account){.next = *head, .id = id, .kind = (uint8_t)kind};
    *head = account;
    return account;
}

/* An account with no charges goes. */
static void drop_if_empty(struct client_accounts *accounts, struct client_account *account)
{
    if (!account || account->charges)
        return;
    for (struct client_account **link = bucket(accounts, account->kind, account->id); *link;
         link = &(*link)->next) {
        if (*link == account) {
            *link = account->next;
            accounts->free(accounts->context, account);
            return;
        }
    }
}

static int check_ceilings(const struct client_accounts *accounts, const struct client_owner *owner)
{
    if (owner->process->charges >= accounts->process_ceiling)
        return -LINUX_EMFILE;
    if (owner->user && owner->user->charges >= accounts->user_ceiling)
        return -LINUX_ENFILE;
    return 0;
}

static void add_charge(const struct client_owner *owner)
{
    owner->process->charges++;
    if (owner->user)
        owner->user->charges++;
}

int client_charge(struct client_accounts *accounts, uint32_t pid, uint32_t uid,
                  struct client_owner *owner)
{
    struct client_owner made = {find_or_make(accounts, ACCOUNT_PROCESS, pid), NULL};
    if (made.process && uid != 0)
        made.user = find_or_make(accounts, ACCOUNT_USER, uid);
    int result = !made.process || (uid != 0 && !made.user) ? -LINUX_ENOMEM
                                                            : check_ceilings(accounts, &made);
    if (result < 0) {
        drop_if_empty(accounts, made.process);
        drop_if_empty(accounts, made.user);
        return result;
    }
    add_charge(&made);
    *owner = made;
    return 0;
}

int client_charge_owner(struct client_accounts *accounts, const struct client_owner *owner)
{
    int result = check_ceilings(accounts, owner);
    if (result == 0)
        add_charge(owner);
    return result;
}

void client_uncharge(struct client_accounts *accounts, const struct client_owner *owner)
{
    owner->process->charges--;
    drop_if_empty(accounts, owner->process);
    if (owner->user) {
        owner->user->charges--;
        drop_if_empty(accounts, owner->user);
    }
}

uint64_t client_user_amount(const struct client_owner *owner)
{
    return owner->user ? owner->user->amount : 0;
}

void client_user_amount_add(const struct client_owner *owner, int64_t delta)
{
    if (owner->user)
        owner->user->amount += (uint64_t)delta;
}

void client_process_ended(struct client_accounts *accounts, uint32_t pid)
{
    struct client_account *account = find(accounts, ACCOUNT_PROCESS, pid);
    if (account)
        account->ended = true;
}

uint32_t client_process_charges(const struct client_accounts *accounts, uint32_t pid)
{
    const struct client_account *account = find(accounts, ACCOUNT_PROCESS, pid);
    return account ? account->charges : 0;
}

uint32_t client_user_charges(const struct client_accounts *accounts, uint32_t uid)
{
    const struct client_account *account = find(accounts, ACCOUNT_USER, uid);
    return account ? account->charges : 0;
}
