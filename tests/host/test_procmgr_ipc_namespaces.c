/* IPC namespaces' bookkeeping: who may make one, their numbers, and
 * when one ends. */
#include "check.h"
#include "ipc_namespaces.h"
#include "sys/linux_abi.h"

static struct ipc_namespaces namespaces;

static void only_root_makes_one(void)
{
    namespaces = (struct ipc_namespaces){0};
    CHECK_EQ_U64(ipc_namespace_create(&namespaces, 1000), -LINUX_EPERM);
    CHECK_EQ_U64(ipc_namespace_create(&namespaces, 0), 1);
    CHECK_EQ_U64(ipc_namespace_create(&namespaces, 0), 2);
}

static void one_ends_with_its_last_process_and_its_number_comes_back(void)
{
    namespaces = (struct ipc_namespaces){0};
    int64_t first = ipc_namespace_create(&namespaces, 0);
    int64_t second = ipc_namespace_create(&namespaces, 0);
    ipc_namespace_join(&namespaces, (uint32_t)first);      /* a fork in it */
    CHECK(!ipc_namespace_leave(&namespaces, (uint32_t)first));
    CHECK(ipc_namespace_leave(&namespaces, (uint32_t)first));
    /* The lowest free number again; the second one is still there. */
    CHECK_EQ_U64(ipc_namespace_create(&namespaces, 0), first);
    CHECK_EQ_U64(ipc_namespace_create(&namespaces, 0), 3);
    CHECK(ipc_namespace_leave(&namespaces, (uint32_t)second));
}

static void the_initial_one_never_ends(void)
{
    namespaces = (struct ipc_namespaces){0};
    ipc_namespace_join(&namespaces, IPC_NAMESPACE_INITIAL);
    CHECK(!ipc_namespace_leave(&namespaces, IPC_NAMESPACE_INITIAL));
    CHECK(!ipc_namespace_leave(&namespaces, IPC_NAMESPACE_INITIAL));
}

static void there_is_a_limit(void)
{
    namespaces = (struct ipc_namespaces){0};
    for (unsigned i = 1; i < IPC_NAMESPACE_LIMIT; i++)
        CHECK_EQ_U64(ipc_namespace_create(&namespaces, 0), i);
    CHECK_EQ_U64(ipc_namespace_create(&namespaces, 0), -LINUX_ENOSPC);
}

int main(void)
{
    RUN_TEST(only_root_makes_one);
    RUN_TEST(one_ends_with_its_last_process_and_its_number_comes_back);
    RUN_TEST(the_initial_one_never_ends);
    RUN_TEST(there_is_a_limit);
    return check_report();
}
