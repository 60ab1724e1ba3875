/* ratelimit.h - token buckets per client (an address, a username), shared by all workers.
 *
 * Each key has a bucket of `burst` tokens refilled at `rate` per second; a request takes one.
 * Buckets live in a fixed table (4-way sets, the fullest bucket evicted), so memory stays
 * bounded however many clients appear; a key evicted comes back with a full bucket, which
 * errs on the side of serving. Thread-safe.
 */
#ifndef ZJ_SERVE_RATELIMIT_H
#define ZJ_SERVE_RATELIMIT_H

typedef struct zj_ratelimit zj_ratelimit;

/* A limiter of `rate` tokens per second and `burst` at most; NULL when out of memory. */
zj_ratelimit *zj_ratelimit_new(double rate, double burst);
void zj_ratelimit_free(zj_ratelimit *rl);                 /* NULL is allowed */

/* Take a token for `key` at time `now` (seconds, monotonic). Returns 0 when allowed, else the
 * whole seconds (>= 1) until a token is there (for Retry-After). */
int zj_ratelimit_take(zj_ratelimit *rl, const char *key, double now);

/* Seconds on the monotonic clock. */
double zj_monotonic(void);

#endif
