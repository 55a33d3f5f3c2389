/* The first program the demo runs: a plain musl hello world, built from
 * Debian's musl like any user's program (boot/demo/README.md). */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("Hello from a static musl program on tern!\n");
    for (int i = 1; i < argc; i++)
        printf("argument %d: %s\n", i, argv[i]);
    return 0;
}
