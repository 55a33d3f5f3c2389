/* userfaultfd contexts (servers/procmgr/userfault.h): Linux 6.1's rules
 * for userfaultfd(2)'s flags, UFFDIO_API, ranges and register modes, and
 * the queue of waiting faults: each reported once, in order, and woken
 * by range. */
#include "check.h"
#include "sys/linux_abi.h"
#include "address_map.h"
#include "userfault.h"

static void unprivileged_callers_need_user_mode_only(void)
{
    CHECK_EQ_U64(userfault_check_flags(0, false), (uint64_t)-LINUX_EPERM);
    CHECK_EQ_U64(userfault_check_flags(LINUX_O_CLOEXEC, false), (uint64_t)-LINUX_EPERM);
    CHECK_EQ_U64(userfault_check_flags(LINUX_UFFD_USER_MODE_ONLY, false), 0);
    CHECK_EQ_U64(userfault_check_flags(0, true), 0);
    /* EPERM comes before EINVAL, as userfaultfd_syscall_allowed before new_userfaultfd. */
    CHECK_EQ_U64(userfault_check_flags(0x10, false), (uint64_t)-LINUX_EPERM);
    CHECK_EQ_U64(userfault_check_flags(0x10, true), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(userfault_check_flags(LINUX_O_NONBLOCK | LINUX_O_CLOEXEC, true), 0);
}

static void the_api_is_negotiated_once(void)
{
    struct userfault context;
    userfault_init(&context, 1, 0);
    struct linux_uffdio_api api = { .api = 0xab };
    CHECK_EQ_U64(userfault_api(&context, &api), (uint64_t)-LINUX_EINVAL);
    api = (struct linux_uffdio_api){ .api = LINUX_UFFD_API, .features = 1ULL << 62 };
    CHECK_EQ_U64(userfault_api(&context, &api), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(api.features, 0);
    CHECK(!context.initialized);
    api = (struct linux_uffdio_api){ .api = LINUX_UFFD_API,
                                     .features = LINUX_UFFD_FEATURE_EVENT_FORK };
    CHECK_EQ_U64(userfault_api(&context, &api), (uint64_t)-LINUX_EPERM);
    CHECK(!context.initialized);
    api = (struct linux_uffdio_api){ .api = LINUX_UFFD_API,
                                     .features = LINUX_UFFD_FEATURE_THREAD_ID };
    CHECK_EQ_U64(userfault_api(&context, &api), 0);
    CHECK_EQ_U64(api.features, USERFAULT_FEATURES);
    CHECK_EQ_U64(api.ioctls, LINUX_UFFD_API_IOCTLS);
    CHECK_EQ_U64(context.features, LINUX_UFFD_FEATURE_THREAD_ID);
    api = (struct linux_uffdio_api){ .api = LINUX_UFFD_API };
    CHECK_EQ_U64(userfault_api(&context, &api), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(api.ioctls, 0);
    /* Privileged: a fork's events may be asked for. */
    userfault_init(&context, 2, 0);
    context.privileged = true;
    api = (struct linux_uffdio_api){ .api = LINUX_UFFD_API,
                                     .features = LINUX_UFFD_FEATURE_EVENT_FORK };
    CHECK_EQ_U64(userfault_api(&context, &api), 0);
}

static void ranges_and_modes_are_checked(void)
{
    CHECK_EQ_U64(userfault_check_range(0x100000, 0x1000), 0);
    CHECK_EQ_U64(userfault_check_range(0x100001, 0x1000), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(userfault_check_range(0x100000, 0x1001), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(userfault_check_range(0x100000, 0), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(userfault_check_range(0x1000, 0x1000), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(userfault_check_range(1ULL << 48, 0x1000), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(userfault_check_range((1ULL << 48) - 0x1000, 0x2000), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(userfault_check_modes(LINUX_UFFDIO_REGISTER_MODE_MISSING), 0);
    CHECK_EQ_U64(userfault_check_modes(0), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(userfault_check_modes(LINUX_UFFDIO_REGISTER_MODE_MINOR), 0);
    CHECK_EQ_U64(userfault_check_modes(LINUX_UFFDIO_REGISTER_MODE_WP), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(userfault_check_modes(1 << 5), (uint64_t)-LINUX_EINVAL);
}

static void missing_takes_any_memory_and_minor_an_objects(void)
{
    const uint64_t missing = LINUX_UFFDIO_REGISTER_MODE_MISSING;
    const uint64_t minor = LINUX_UFFDIO_REGISTER_MODE_MINOR;
    struct region anonymous = { .kind = REGION_PRIVATE };
    struct region shared = { .kind = REGION_SHARED, .object = 3 };
    struct region private_file = { .kind = REGION_PRIVATE, .object = 4 };
    CHECK(userfault_region_takes(&anonymous, missing));
    CHECK(!userfault_region_takes(&anonymous, minor));
    CHECK(userfault_region_takes(&shared, missing));
    CHECK(userfault_region_takes(&shared, minor));
    CHECK(userfault_region_takes(&shared, missing | minor));
    CHECK(!userfault_region_takes(&anonymous, missing | minor));
    CHECK(userfault_region_takes(&private_file, missing));
    CHECK(userfault_region_takes(&private_file, minor));
    /* Unregistering. */
    CHECK(userfault_region_takes(&anonymous, 0));
    CHECK(userfault_region_takes(&shared, 0));
    CHECK(userfault_region_takes(&private_file, 0));
}

static unsigned woken_count;
static uint32_t woken[8];

static void note_woken(void *context, struct userfault_waiter *waiter)
{
    (void)context;
    woken[woken_count++] = waiter->tid;
}

static void faults_are_reported_once_in_order_and_woken_by_range(void)
{
    struct userfault context;
    userfault_init(&context, 1, 0);
    struct userfault_waiter a = { .address = 0x100010, .tid = 11 };
    struct userfault_waiter b = { .address = 0x101000, .tid = 12, .write = true };
    struct userfault_waiter c = { .address = 0x100ff0, .tid = 13 };
    userfault_enqueue(&context, &a);
    userfault_enqueue(&context, &b);
    userfault_enqueue(&context, &c);
    CHECK(userfault_next_unreported(&context) == &a);
    CHECK(userfault_next_unreported(&context) == &b);
    CHECK_EQ_U64(context.unreported, 1);
    /* The page of a and c: both go, reported or not; b stays. */
    userfault_take_range(&context, 0x100000, 0x101000, note_woken, 0);
    CHECK_EQ_U64(woken_count, 2);
    CHECK_EQ_U64(woken[0], 11);
    CHECK_EQ_U64(woken[1], 13);
    CHECK_EQ_U64(context.unreported, 0);
    CHECK(userfault_next_unreported(&context) == 0);
    /* A new one goes behind b. */
    userfault_enqueue(&context, &a);
    userfault_remove(&context, &b);
    CHECK(userfault_next_unreported(&context) == &a);
    userfault_take_range(&context, 0, ~0ULL, note_woken, 0);
    CHECK_EQ_U64(woken_count, 3);
    CHECK(context.waiters == 0);
}

static void a_message_says_what_the_features_ask(void)
{
    struct userfault context;
    userfault_init(&context, 1, 0);
    struct userfault_waiter waiter = { .address = 0x100123, .tid = 42, .write = true };
    struct linux_uffd_msg message = userfault_message(&context, &waiter);
    CHECK_EQ_U64(sizeof message, 32);
    CHECK_EQ_U64(message.event, LINUX_UFFD_EVENT_PAGEFAULT);
    CHECK_EQ_U64(message.arg.pagefault.address, 0x100000);
    CHECK_EQ_U64(message.arg.pagefault.flags, LINUX_UFFD_PAGEFAULT_FLAG_WRITE);
    CHECK_EQ_U64(message.arg.pagefault.ptid, 0);
    context.features = LINUX_UFFD_FEATURE_THREAD_ID | LINUX_UFFD_FEATURE_EXACT_ADDRESS;
    message = userfault_message(&context, &waiter);
    CHECK_EQ_U64(message.arg.pagefault.address, 0x100123);
    CHECK_EQ_U64(message.arg.pagefault.ptid, 42);
    waiter.minor = true;
    message = userfault_message(&context, &waiter);
    CHECK_EQ_U64(message.arg.pagefault.flags,
                 LINUX_UFFD_PAGEFAULT_FLAG_WRITE | LINUX_UFFD_PAGEFAULT_FLAG_MINOR);
}

int main(void)
{
    unprivileged_callers_need_user_mode_only();
    the_api_is_negotiated_once();
    ranges_and_modes_are_checked();
    missing_takes_any_memory_and_minor_an_objects();
    faults_are_reported_once_in_order_and_woken_by_range();
    a_message_says_what_the_features_ask();
    return check_report();
}
