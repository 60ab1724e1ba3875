/* parallel.h - run a few equal jobs at once, one per core (the linker's hot loops).
 *
 * Job 0 runs on the caller's thread, every other job on a thread of its own; a job whose
 * thread cannot be started runs on the caller's thread after job 0, so a machine out of
 * threads is slower, never wrong. Jobs must not share anything they write.
 */
#ifndef ZJ_PARALLEL_H
#define ZJ_PARALLEL_H

#include <stddef.h>

#define ZJ_MAX_JOBS 8

/* Cores online, at least 1 and at most `max` (and ZJ_MAX_JOBS). */
int zj_cores(int max);

/* fn(jobs + i * job_size) for i in [0, n), n <= ZJ_MAX_JOBS; returns when all are done. */
void zj_parallel(void *(*fn)(void *), void *jobs, size_t job_size, int n);

#endif
