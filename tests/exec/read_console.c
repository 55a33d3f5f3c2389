/* Reads one line from stdin (the console, under tools/exec on a terminal)
 * for tests/exec/console-input. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char line[128];
    printf("reading\n");
    fflush(stdout);
    ssize_t got = read(0, line, sizeof line - 1);
    if (got < 0)
        return 1;
    line[got] = '\0';
    printf("read %zd bytes: %s", got, line);
    return 0;
}
