/* A Linux program that calls the kernel's console directly (tern's
 * DEBUG_PUT_CHAR and DEBUG_GET_CHAR, svc #0x10e and #0x110) instead of
 * writing to a descriptor: with every capability pointer it might try,
 * the kernel refuses (it holds no Console capability), and not one byte
 * reaches the console. Prints how many of the calls were refused. tern
 * only: on Linux these are other system calls. */
#include <stdio.h>

#define CPTRS 4096

static unsigned long console_call_fails(unsigned long cptr, unsigned long byte, int get)
{
    register unsigned long x0 __asm__("x0") = cptr;
    register unsigned long x1 __asm__("x1") = byte;
    if (get)
        __asm__ volatile("svc #0x110" : "+r"(x0), "+r"(x1) : : "memory", "x2", "x3", "x4", "x5", "x6");
    else
        __asm__ volatile("svc #0x10e" : "+r"(x0), "+r"(x1) : : "memory", "x2", "x3", "x4", "x5", "x6");
    return x1 >> 14;                /* the answer's label: the error */
}

int main(void)
{
    const char *text = "LEAKED TO THE CONSOLE";
    unsigned refused = 0;
    for (unsigned long cptr = 0; cptr < CPTRS; cptr++) {
        refused += console_call_fails(cptr, (unsigned char)text[cptr % 21], 0) != 0;
        refused += console_call_fails(cptr, 0, 1) != 0;
    }
    printf("refused %u of %u\n", refused, 2 * CPTRS);
    return 0;
}
