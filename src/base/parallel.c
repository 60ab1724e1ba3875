/* parallel.c - one job per core (see parallel.h). */
#include "base/parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

int zj_cores(int max)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (max > ZJ_MAX_JOBS)
        max = ZJ_MAX_JOBS;
    return cpus < 1 ? 1 : cpus > max ? max : (int)cpus;
}

void zj_parallel(void *(*fn)(void *), void *jobs, size_t job_size, int n)
{
    pthread_t th[ZJ_MAX_JOBS];
    bool started[ZJ_MAX_JOBS] = {false};
    char *base = jobs;
    if (n > ZJ_MAX_JOBS)
        n = ZJ_MAX_JOBS;
    for (int j = 1; j < n; j++)
        started[j] = pthread_create(&th[j], NULL, fn, base + (size_t)j * job_size) == 0;
    if (n > 0)
        fn(base);
    for (int j = 1; j < n; j++) {
        if (started[j])
            pthread_join(th[j], NULL);
        else
            fn(base + (size_t)j * job_size);
    }
}
