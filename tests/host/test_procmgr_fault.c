/* procmgr's fault decisions (servers/procmgr/fault.h): what each kind of
 * region needs at a fault, and which object pages are asked writable. */
#include "check.h"
#include "fault.h"
#include "sys/linux_abi.h"
#include "sys/linux_userfault.h"

#define R LINUX_PROT_READ
#define RW (LINUX_PROT_READ | LINUX_PROT_WRITE)

/* present, from_object, writable, mapped, copy_on_write, in_object */
static const struct fault_page absent = {false, false, false, false, false, false};
static const struct fault_page own = {true, false, true, true, false, false};
static const struct fault_page object_read_only = {true, true, false, true, false, false};
static const struct fault_page object_writable = {true, true, true, true, false, false};
/* A private frame fork shared: the parent's, mapped read-only; the
 * child's, not mapped until it touches it. */
static const struct fault_page shared_mapped = {true, false, false, true, true, false};
static const struct fault_page shared_unmapped = {true, false, false, false, true, false};
/* Its frame, not mapped (PROT_NONE before, or after the sharing ended). */
static const struct fault_page own_unmapped = {true, false, true, false, false, false};

static struct region anonymous(unsigned prot)
{
    return (struct region){ .start = 0x400000, .end = 0x500000, .prot = prot,
                            .kind = REGION_PRIVATE };
}

static struct region shared(unsigned prot)
{
    return (struct region){ .start = 0x400000, .end = 0x500000, .prot = prot,
                            .kind = REGION_SHARED, .object = 3 };
}

static struct region private_file(unsigned prot)
{
    struct region region = anonymous(prot);
    region.object = 3;
    return region;
}

static void no_region_is_maperr(void)
{
    CHECK_EQ_U64(fault_decide(0, absent, false, false), FAULT_SEGV_MAPERR);
    CHECK_EQ_U64(fault_decide(0, absent, true, true), FAULT_SEGV_MAPERR);
}

static void an_access_the_protection_forbids_is_accerr(void)
{
    struct region read_only = anonymous(R);
    struct region none = anonymous(LINUX_PROT_NONE);
    CHECK_EQ_U64(fault_decide(&read_only, absent, true, false), FAULT_SEGV_ACCERR);
    CHECK_EQ_U64(fault_decide(&none, absent, false, false), FAULT_SEGV_ACCERR);
    struct region shared_read_only = shared(R);
    CHECK_EQ_U64(fault_decide(&shared_read_only, object_read_only, true, false),
                 FAULT_SEGV_ACCERR);
    /* Execute-only counts as readable, as on arm64 Linux's fault path. */
    struct region execute = anonymous(LINUX_PROT_EXEC);
    CHECK_EQ_U64(fault_decide(&execute, absent, false, false), FAULT_NEW_PAGE);
}

static void procmgrs_own_writes_ignore_the_protection(void)
{
    struct region read_only = anonymous(R);
    CHECK_EQ_U64(fault_decide(&read_only, absent, true, true), FAULT_NEW_PAGE);
    struct region file = private_file(R);
    CHECK_EQ_U64(fault_decide(&file, object_read_only, true, true), FAULT_COPY_OBJECT_PAGE);
}

static void anonymous_memory_gets_a_new_page(void)
{
    struct region region = anonymous(RW);
    CHECK_EQ_U64(fault_decide(&region, absent, false, false), FAULT_NEW_PAGE);
    CHECK_EQ_U64(fault_decide(&region, absent, true, false), FAULT_NEW_PAGE);
    struct region heap = region, stack = region;
    heap.kind = REGION_HEAP;
    stack.kind = REGION_STACK;
    CHECK_EQ_U64(fault_decide(&heap, absent, true, false), FAULT_NEW_PAGE);
    CHECK_EQ_U64(fault_decide(&stack, absent, true, false), FAULT_NEW_PAGE);
}

static void a_shared_mapping_maps_the_objects_page(void)
{
    struct region region = shared(RW);
    CHECK_EQ_U64(fault_decide(&region, absent, false, false), FAULT_OBJECT_PAGE);
    CHECK_EQ_U64(fault_decide(&region, absent, true, false), FAULT_OBJECT_PAGE);
}

static void a_shared_page_lent_read_only_is_asked_again_to_write(void)
{
    /* Mapped read-only, then mprotect added PROT_WRITE. */
    struct region region = shared(RW);
    CHECK_EQ_U64(fault_decide(&region, object_read_only, true, false), FAULT_OBJECT_PAGE);
}

static void a_private_file_mapping_copies_on_the_first_write(void)
{
    struct region region = private_file(RW);
    CHECK_EQ_U64(fault_decide(&region, absent, false, false), FAULT_OBJECT_PAGE);
    CHECK_EQ_U64(fault_decide(&region, absent, true, false), FAULT_COPY_OBJECT_PAGE);
    CHECK_EQ_U64(fault_decide(&region, object_read_only, true, false), FAULT_COPY_OBJECT_PAGE);
}

static void a_present_page_that_faults_anyway_is_accerr(void)
{
    struct region region = anonymous(RW);
    CHECK_EQ_U64(fault_decide(&region, own, true, false), FAULT_SEGV_ACCERR);
    CHECK_EQ_U64(fault_decide(&region, own, false, false), FAULT_SEGV_ACCERR);
    struct region file = shared(RW);
    CHECK_EQ_U64(fault_decide(&file, object_writable, true, false), FAULT_SEGV_ACCERR);
    CHECK_EQ_U64(fault_decide(&file, object_read_only, false, false), FAULT_SEGV_ACCERR);
}

/* ...unless the mapping allows the access by the time procmgr looks: the
 * fault was spurious (another thread's fault on the page was answered
 * first), and the access is tried again. */
static void a_page_mapped_for_the_access_since_is_spurious(void)
{
    struct region region = anonymous(RW);
    CHECK(fault_mapped_for(&region, own, true, false));
    CHECK(fault_mapped_for(&region, own, false, false));
    CHECK(!fault_mapped_for(&region, own, false, true));        /* no PROT_EXEC */
    CHECK(!fault_mapped_for(&region, absent, false, false));
    CHECK(!fault_mapped_for(&region, own_unmapped, false, false));
    CHECK(!fault_mapped_for(&region, shared_mapped, true, false));  /* still to copy */
    CHECK(fault_mapped_for(&region, shared_mapped, false, false));
    CHECK(!fault_mapped_for(0, absent, false, false));
    struct region read_only = anonymous(R);
    CHECK(!fault_mapped_for(&read_only, own, true, false));
    struct region code = anonymous(R | LINUX_PROT_EXEC);
    CHECK(fault_mapped_for(&code, own, false, true));
    struct region file = shared(RW);
    CHECK(fault_mapped_for(&file, object_writable, true, false));
    CHECK(!fault_mapped_for(&file, object_read_only, true, false));  /* to ask writable */
    CHECK(fault_mapped_for(&file, object_read_only, false, false));
}

static void a_write_to_a_page_fork_shared_copies_it(void)
{
    struct region region = anonymous(RW);
    CHECK_EQ_U64(fault_decide(&region, shared_mapped, true, false), FAULT_COPY_ON_WRITE);
    CHECK_EQ_U64(fault_decide(&region, shared_unmapped, true, false), FAULT_COPY_ON_WRITE);
    /* procmgr's own writes copy too: the other space must not see them. */
    struct region read_only = anonymous(R);
    CHECK_EQ_U64(fault_decide(&read_only, shared_mapped, true, true), FAULT_COPY_ON_WRITE);
    CHECK_EQ_U64(fault_decide(&read_only, shared_mapped, true, false), FAULT_SEGV_ACCERR);
    /* A child's first read maps the shared frame; a mapped one cannot fault. */
    CHECK_EQ_U64(fault_decide(&region, shared_unmapped, false, false), FAULT_MAP_PRESENT);
    CHECK_EQ_U64(fault_decide(&region, shared_mapped, false, false), FAULT_SEGV_ACCERR);
}

static void a_page_present_but_unmapped_is_mapped(void)
{
    struct region region = anonymous(RW);
    CHECK_EQ_U64(fault_decide(&region, own_unmapped, true, false), FAULT_MAP_PRESENT);
    CHECK_EQ_U64(fault_decide(&region, own_unmapped, false, false), FAULT_MAP_PRESENT);
    struct region none = anonymous(LINUX_PROT_NONE);
    CHECK_EQ_U64(fault_decide(&none, own_unmapped, false, false), FAULT_SEGV_ACCERR);
}

static void only_what_a_shared_mapping_may_write_is_asked_writable(void)
{
    struct region writable = shared(RW);
    struct region read_only = shared(R);
    struct region forbidden = shared(R);
    forbidden.write_forbidden = true;
    CHECK(fault_wants_writable(&writable, false));
    CHECK(!fault_wants_writable(&read_only, false));
    CHECK(fault_wants_writable(&read_only, true));      /* procmgr writing into it */
    CHECK(!fault_wants_writable(&forbidden, false));
    struct region file = private_file(RW);
    CHECK(!fault_wants_writable(&file, false));
    CHECK(!fault_wants_writable(&file, true));          /* it copies instead */
}

/* A range registered MISSING with a userfaultfd: a page never touched
 * waits for the pager, a present one is as anywhere, procmgr's own
 * writes never wait, and the protection is checked first. */
static void a_missing_page_of_a_registered_range_waits_for_its_pager(void)
{
    struct region registered = anonymous(RW);
    registered.userfault = 1;
    registered.userfault_modes = LINUX_UFFDIO_REGISTER_MODE_MISSING;
    CHECK_EQ_U64(fault_decide(&registered, absent, false, false), FAULT_USERFAULT_MISSING);
    CHECK_EQ_U64(fault_decide(&registered, absent, true, false), FAULT_USERFAULT_MISSING);
    CHECK_EQ_U64(fault_decide(&registered, own_unmapped, false, false), FAULT_MAP_PRESENT);
    CHECK_EQ_U64(fault_decide(&registered, absent, true, true), FAULT_NEW_PAGE);
    struct region read_only = registered;
    read_only.prot = R;
    CHECK_EQ_U64(fault_decide(&read_only, absent, true, false), FAULT_SEGV_ACCERR);
}

/* A shared range registered MINOR: a page the object has that the
 * space does not map waits for the pager; a hole is the object's new
 * page at once; a mapped one is as anywhere; procmgr's own access and a
 * forbidden one never wait. */
static void a_minor_page_of_a_registered_range_waits_for_its_pager(void)
{
    struct region registered = shared(RW);
    registered.userfault = 1;
    registered.userfault_modes = LINUX_UFFDIO_REGISTER_MODE_MINOR;
    struct fault_page cached = absent;
    cached.in_object = true;
    CHECK_EQ_U64(fault_decide(&registered, cached, false, false), FAULT_USERFAULT_MINOR);
    CHECK_EQ_U64(fault_decide(&registered, cached, true, false), FAULT_USERFAULT_MINOR);
    CHECK_EQ_U64(fault_decide(&registered, absent, false, false), FAULT_OBJECT_PAGE);
    CHECK_EQ_U64(fault_decide(&registered, object_writable, true, false), FAULT_SEGV_ACCERR);
    CHECK_EQ_U64(fault_decide(&registered, cached, true, true), FAULT_OBJECT_PAGE);
    struct region read_only = registered;
    read_only.prot = R;
    CHECK_EQ_U64(fault_decide(&read_only, cached, true, false), FAULT_SEGV_ACCERR);
    struct region unregistered = shared(RW);
    CHECK_EQ_U64(fault_decide(&unregistered, cached, false, false), FAULT_OBJECT_PAGE);
}

/* A shared range registered MISSING: a hole waits for the pager, a page
 * the object has is mapped at once; with MINOR too, that page waits as
 * a minor fault. */
static void a_hole_of_a_missing_shared_range_waits_for_its_pager(void)
{
    struct region registered = shared(RW);
    registered.userfault = 1;
    registered.userfault_modes = LINUX_UFFDIO_REGISTER_MODE_MISSING;
    struct fault_page cached = absent;
    cached.in_object = true;
    CHECK_EQ_U64(fault_decide(&registered, absent, false, false), FAULT_USERFAULT_MISSING);
    CHECK_EQ_U64(fault_decide(&registered, absent, true, false), FAULT_USERFAULT_MISSING);
    CHECK_EQ_U64(fault_decide(&registered, cached, false, false), FAULT_OBJECT_PAGE);
    CHECK_EQ_U64(fault_decide(&registered, absent, true, true), FAULT_OBJECT_PAGE);
    registered.userfault_modes |= LINUX_UFFDIO_REGISTER_MODE_MINOR;
    CHECK_EQ_U64(fault_decide(&registered, absent, false, false), FAULT_USERFAULT_MISSING);
    CHECK_EQ_U64(fault_decide(&registered, cached, false, false), FAULT_USERFAULT_MINOR);
}

/* A private mapping of a file registered: a hole waits (MISSING), a
 * page the file has is the file's or its copy as ever, or waits as a
 * minor fault (MINOR). */
static void a_private_file_mapping_takes_both_modes(void)
{
    struct region registered = private_file(RW);
    registered.userfault = 1;
    registered.userfault_modes = LINUX_UFFDIO_REGISTER_MODE_MISSING;
    struct fault_page cached = absent;
    cached.in_object = true;
    CHECK_EQ_U64(fault_decide(&registered, absent, true, false), FAULT_USERFAULT_MISSING);
    CHECK_EQ_U64(fault_decide(&registered, cached, false, false), FAULT_OBJECT_PAGE);
    CHECK_EQ_U64(fault_decide(&registered, cached, true, false), FAULT_COPY_OBJECT_PAGE);
    registered.userfault_modes = LINUX_UFFDIO_REGISTER_MODE_MINOR;
    CHECK_EQ_U64(fault_decide(&registered, cached, true, false), FAULT_USERFAULT_MINOR);
    CHECK_EQ_U64(fault_decide(&registered, absent, true, false), FAULT_COPY_OBJECT_PAGE);
    CHECK_EQ_U64(fault_decide(&registered, object_read_only, true, false),
                 FAULT_COPY_OBJECT_PAGE);
}

int main(void)
{
    a_private_file_mapping_takes_both_modes();
    a_hole_of_a_missing_shared_range_waits_for_its_pager();
    a_minor_page_of_a_registered_range_waits_for_its_pager();
    a_missing_page_of_a_registered_range_waits_for_its_pager();
    no_region_is_maperr();
    an_access_the_protection_forbids_is_accerr();
    procmgrs_own_writes_ignore_the_protection();
    anonymous_memory_gets_a_new_page();
    a_shared_mapping_maps_the_objects_page();
    a_shared_page_lent_read_only_is_asked_again_to_write();
    a_private_file_mapping_copies_on_the_first_write();
    a_present_page_that_faults_anyway_is_accerr();
    a_page_mapped_for_the_access_since_is_spurious();
    a_write_to_a_page_fork_shared_copies_it();
    a_page_present_but_unmapped_is_mapped();
    only_what_a_shared_mapping_may_write_is_asked_writable();
    return check_report();
}
