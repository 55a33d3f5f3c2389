/* uname: every field is a terminated, non-empty string (except the domain
 * name, which may be empty), the machine is aarch64, and a bad pointer is
 * EFAULT. Prints nothing system-specific. */
#include <sys/utsname.h>
#include <sys/syscall.h>

#include "check.h"

static int field_terminated(const char *field)
{
    return memchr(field, '\0', sizeof ((struct utsname *)0)->sysname) != NULL;
}

int main(void)
{
    struct utsname names;
    memset(&names, 0x7f, sizeof names);
    CHECK_EQ(uname(&names), 0);
    CHECK(field_terminated(names.sysname));
    CHECK(field_terminated(names.nodename));
    CHECK(field_terminated(names.release));
    CHECK(field_terminated(names.version));
    CHECK(field_terminated(names.machine));
    CHECK(field_terminated(names.domainname));
    CHECK(strlen(names.sysname) > 0);
    CHECK(strlen(names.release) > 0);
    CHECK(strlen(names.version) > 0);
    CHECK_EQ(strcmp(names.machine, "aarch64"), 0);

    /* Two calls agree. */
    struct utsname again;
    CHECK_EQ(uname(&again), 0);
    CHECK_EQ(strcmp(names.release, again.release), 0);
    CHECK_EQ(strcmp(names.nodename, again.nodename), 0);

    CHECK_ERRNO(syscall(SYS_uname, (void *)1), EFAULT);
    printf("uname: fields terminated, machine aarch64\n");
    return check_finish("misc_uname");
}
