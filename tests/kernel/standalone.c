/*
 * Programs that run in processes of their own (see standalone.h for the
 * rules they follow). Built with -fno-jump-tables and without loop-to-
 * memset conversion so that everything they use is in this section;
 * tests/kernel/CMakeLists.txt checks the object for references outside it.
 */
#include "standalone.h"
#include "sys/syscall.h"
#include "tern/message.h"
#include "tern/objects.h"

#define INLINE static inline __attribute__((always_inline))

/* Done: wait for ever on a notification nobody signals. */
INLINE __attribute__((noreturn)) void park(void)
{
    for (;;)
        tern_wait(PROCESS_SLOT_PARK, 0);
}

INLINE void publish(uint64_t *word, uint64_t value)
{
    __atomic_store_n(word, value, __ATOMIC_SEQ_CST);
}

/* ---- report ---- */

STANDALONE void standalone_report(void *data)
{
    struct report_data *d = data;
    d->signal_error = tern_message_label(tern_signal(PROCESS_SLOT_NOTIFY));
    d->output = d->input * 3 + 1;
    publish(&d->done, 1);
    park();
}

/* ---- membarrier ---- */

STANDALONE void standalone_membarrier(void *data)
{
    struct membarrier_data *d = data;
    for (uint64_t i = 0; i < d->count && i < MEMBARRIER_STEPS_MAX; i++) {
        struct membarrier_step *step = &d->steps[i];
        step->result = tern_membarrier(step->command, step->flags, step->cpu_id);
    }
    publish(&d->done, 1);
    park();
}

/* ---- fuzz ---- */

/* xorshift64 (Marsaglia): fixed seed, same sequence on every run. */
INLINE uint64_t next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* A capability address: mostly a slot the fuzzer holds, sometimes an
 * empty one near them, now and then anything. */
INLINE uint64_t pick_cptr(uint64_t *state, uint64_t slot_end)
{
    uint64_t r = next(state);
    if (r % 32 == 0)
        return next(state);                             /* anywhere: guard mismatch */
    if (r % 32 == 1)
        return (next(state) % 4) << PROCESS_CNODE_BITS; /* just past the radix */
    if (r % 32 < 6)
        return (r >> 8) % FUZZ_SLOT_RANGE;
    return FUZZ_SLOT_FIRST + (r >> 8) % (slot_end - FUZZ_SLOT_FIRST);
}

/* An argument: values that reach past the first checks of the decoders. */
INLINE uint64_t pick_argument(uint64_t *state)
{
    uint64_t r = next(state) % 13;
    uint64_t v = next(state);
    if (r == 0)
        return 0;
    if (r == 1)
        return v % 8;
    if (r == 2)
        return v % FUZZ_SLOT_RANGE;                     /* a slot */
    if (r == 3) {
        uint64_t depths = v % 4;                        /* 64, this CNode, the sacrificial one */
        return depths == 0 ? 64 : depths == 1 ? PROCESS_CNODE_BITS : depths == 2 ? 4 : v % 70;
    }
    if (r == 4)
        return v % 16 < 12 ? v % 12 : 32 + v % 2;       /* an object type */
    if (r == 5)
        return v % 48;                                  /* size bits */
    if (r == 6)
        return FUZZ_REGION + (v % 1024) * 4096;         /* a page */
    if (r == 7)
        return FUZZ_REGION + (v % 4) * (1ULL << 21);    /* a large page, a table */
    if (r == 8)
        return v % 32;                                  /* rights */
    if (r == 9)
        return FUZZ_REGION + v % 8192;                  /* unaligned */
    if (r == 10)
        return v % 5000;                                /* a length, an offset */
    if (r == 11)
        return v % 300;                                 /* priority, cpu, irq */
    return v;
}

INLINE uint64_t pick_label(uint64_t *state)
{
    uint64_t r = next(state);
    if (r % 10 < 7)
        return 1 + (r >> 8) % (TERN_INVOCATION_COUNT - 1);
    if (r % 10 < 9)
        return (r >> 8) % 64;
    return next(state) >> 14;                           /* any 50-bit label */
}

STANDALONE void standalone_fuzz(void *data)
{
    struct fuzz_data *d = data;
    struct tern_ipc_buffer *buffer = tern_ipc_buffer();
    uint64_t state = d->seed ? d->seed : 0x9e3779b97f4a7c15ULL;
    uint64_t calls = 0, others = 0;
    uint64_t end = d->slot_end > FUZZ_SLOT_FIRST ? d->slot_end : FUZZ_SLOT_FIRST + 1;

    while (calls < d->invocations_wanted) {
        uint64_t mr[TERN_MSG_REGISTERS] = { 0, 0, 0, 0 };
        unsigned length = (unsigned)(next(&state) % 70);   /* the kernel clamps at 64 */
        for (unsigned i = 0; i < length && i < TERN_MSG_MAX_LENGTH; i++) {
            uint64_t value = pick_argument(&state);
            if (i < TERN_MSG_REGISTERS)
                mr[i] = value;
            else
                buffer->message[i] = value;
        }
        unsigned caps = (unsigned)(next(&state) % 4);
        for (unsigned i = 0; i < TERN_MSG_MAX_CAPS; i++)
            buffer->caps_or_badges[i] = pick_cptr(&state, end);
        if (next(&state) % 8 == 0) {
            buffer->receive_cnode = pick_cptr(&state, end);
            buffer->receive_index = pick_argument(&state);
            buffer->receive_depth = pick_argument(&state);
        }
        for (unsigned i = 0; i < TERN_MSG_MAX_WINDOWS; i++) {
            buffer->windows[i].address = pick_argument(&state);
            buffer->windows[i].length = pick_argument(&state);
            buffer->windows[i].rights = next(&state) % 4;
        }
        uint64_t cptr = pick_cptr(&state, end);
        uint64_t label = pick_label(&state);
        if (cptr < FUZZ_SLOT_RANGE && d->label_count[cptr] && next(&state) % 2)
            label = d->label_first[cptr] + next(&state) % d->label_count[cptr];
        tern_message_info info = tern_message(label, caps, length);
        if (next(&state) % 4 == 0)
            info = tern_message_with_windows(info, (unsigned)(next(&state) % 4));
        if (next(&state) % 32 == 0)
            info |= next(&state) & 0xe00;                   /* unwrapped bits: ignored */

        /* Only system calls that cannot block for ever: the one endpoint
         * the fuzzer holds has a server that answers every Call. */
        uint64_t operation = next(&state) % 100;
        if (operation < 80) {
            tern_message_info reply = tern_call(cptr, info, mr);
            uint64_t label = tern_message_label(reply);
            d->by_label[label < TERN_ERROR_COUNT ? label : TERN_ERROR_COUNT]++;
            calls++;
            publish(&d->invocations, calls);
        } else {
            if (operation < 85)
                tern_nb_send(cptr, info, mr);
            else if (operation < 90)
                tern_signal(cptr);
            else if (operation < 94)
                tern_poll(cptr, 0);
            else if (operation < 98)
                tern_nb_recv(cptr, pick_cptr(&state, end), 0, mr);
            else
                tern_yield();
            others++;
            publish(&d->other_calls, others);
        }
    }
    publish(&d->done, 1);
    park();
}
