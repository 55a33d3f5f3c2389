/* Whom to end when memory runs out: out_of_memory.h. */
#include "out_of_memory.h"

void oom_consider(struct oom_choice *choice, const struct oom_candidate *candidate)
{
    if (candidate->exempt || candidate->pages == 0)
        return;
    if (choice->pid == 0 || candidate->pages > choice->pages)
        *choice = (struct oom_choice){candidate->pid, candidate->pages};
}
