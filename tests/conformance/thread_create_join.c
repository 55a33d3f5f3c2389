/* pthread_create and pthread_join: arguments in, return values out, both
 * by return and by pthread_exit, pthread_self/pthread_equal, attributes,
 * and join's errors. */
#include <pthread.h>
#include <stdint.h>

#include "check.h"

static void *square(void *argument)
{
    intptr_t value = (intptr_t)argument;
    return (void *)(value * value);
}

static void *exit_with_value(void *argument)
{
    pthread_exit((void *)((intptr_t)argument + 1000));
    return NULL;
}

static void *report_self(void *argument)
{
    *(pthread_t *)argument = pthread_self();
    return NULL;
}

static void *use_big_stack(void *argument)
{
    volatile char buffer[256 * 1024];
    for (size_t i = 0; i < sizeof buffer; i += 4096)
        buffer[i] = (char)i;
    (void)argument;
    return (void *)(intptr_t)buffer[4096];
}

int main(void)
{
    pthread_t thread;
    void *result = NULL;

    CHECK_EQ(pthread_create(&thread, NULL, square, (void *)7), 0);
    CHECK_EQ(pthread_join(thread, &result), 0);
    CHECK_EQ((intptr_t)result, 49);

    CHECK_EQ(pthread_create(&thread, NULL, exit_with_value, (void *)5), 0);
    CHECK_EQ(pthread_join(thread, &result), 0);
    CHECK_EQ((intptr_t)result, 1005);

    /* Join without collecting the value. */
    CHECK_EQ(pthread_create(&thread, NULL, square, (void *)3), 0);
    CHECK_EQ(pthread_join(thread, NULL), 0);

    /* Several at once, joined in reverse order. */
    enum { count = 10 };
    pthread_t threads[count];
    for (intptr_t i = 0; i < count; i++)
        CHECK_EQ(pthread_create(&threads[i], NULL, square, (void *)i), 0);
    intptr_t sum = 0;
    for (int i = count - 1; i >= 0; i--) {
        CHECK_EQ(pthread_join(threads[i], &result), 0);
        sum += (intptr_t)result;
    }
    CHECK_EQ(sum, 285);

    /* pthread_self inside the thread is the handle create returned. */
    pthread_t seen_inside;
    CHECK_EQ(pthread_create(&thread, NULL, report_self, &seen_inside), 0);
    CHECK_EQ(pthread_join(thread, NULL), 0);
    CHECK(pthread_equal(seen_inside, thread));
    CHECK(!pthread_equal(seen_inside, pthread_self()));
    CHECK(pthread_equal(pthread_self(), pthread_self()));

    /* A larger stack through attributes. */
    pthread_attr_t attributes;
    CHECK_EQ(pthread_attr_init(&attributes), 0);
    CHECK_EQ(pthread_attr_setstacksize(&attributes, 1024 * 1024), 0);
    size_t stack_size = 0;
    CHECK_EQ(pthread_attr_getstacksize(&attributes, &stack_size), 0);
    CHECK_EQ(stack_size, 1024 * 1024);
    CHECK_EQ(pthread_create(&thread, &attributes, use_big_stack, NULL), 0);
    CHECK_EQ(pthread_join(thread, &result), 0);
    CHECK_EQ((intptr_t)result, 0);
    CHECK_EQ(pthread_attr_setstacksize(&attributes, 1), EINVAL);
    int detach_state = -1;
    CHECK_EQ(pthread_attr_getdetachstate(&attributes, &detach_state), 0);
    CHECK_EQ(detach_state, PTHREAD_CREATE_JOINABLE);
    CHECK_EQ(pthread_attr_setdetachstate(&attributes, 42), EINVAL);
    CHECK_EQ(pthread_attr_destroy(&attributes), 0);

    printf("return values 49 and 1005, sum of squares 0..9 = %ld\n", (long)sum);
    return check_finish("thread_create_join");
}
