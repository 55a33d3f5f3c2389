/* A static program whose initialized data segment is 48 MiB (the
 * initializer keeps it out of .bss, so the ELF file holds all of it):
 * the loader maps it from the boot archive and each page is copied on
 * its first write. Prints the sum of every page's first byte (1: only
 * the first page's is set) and of the bytes written since. */
#include <stdio.h>

#define PAGES (48 * 256)

static unsigned char pages[PAGES][4096] = {{1}};

int main(void)
{
    unsigned long sum = 0, written = 0;
    for (unsigned long n = 0; n < PAGES; n++) {
        sum += pages[n][0];
        pages[n][1] = 1;
    }
    for (unsigned long n = 0; n < PAGES; n++)
        written += pages[n][1];
    printf("%lu %lu\n", sum, written);
    return 0;
}
