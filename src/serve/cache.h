/* cache.h - a short-lived cache of read answers (微缓存), shared by all workers.
 *
 * The leaders' cockpit and the lead lists are polled by many people at once, and each answer
 * costs the read layer a pass over the leads in scope. Routes marked ZJ_ROUTE_CACHE keep a
 * 200 answer for `ttl` seconds (--cache-ms, default 1000; 0 turns caching off), keyed by what
 * the read layer's answer depends on: the actor's role, unit and officer number, and the
 * method, path and query. Rules:
 *   - any write through this server (the writer thread's routes) empties the cache at once,
 *     so a person who changes something reads the change back;
 *   - a write by another process (an import or a detection run from the command line) shows
 *     after at most `ttl`;
 *   - unmasked reads and everything audited are never on a cached route.
 * Bounded: a fixed table of entries, bodies up to ZJ_CACHE_MAX_BODY bytes.
 */
#ifndef ZJ_SERVE_CACHE_H
#define ZJ_SERVE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

#define ZJ_CACHE_MAX_BODY (1u << 20)

typedef struct zj_cache zj_cache;

zj_cache *zj_cache_new(double ttl);
void zj_cache_free(zj_cache *c);                         /* NULL allowed */

/* Copy the answer stored under `key` into out; false when there is none fresh. */
bool zj_cache_get(zj_cache *c, const char *key, double now, zj_buf *out);
/* Store `body` under `key`, unless a write came since `generation` was read. */
void zj_cache_put(zj_cache *c, const char *key, const char *body, size_t len, double now,
                  unsigned long generation);
/* The current generation (read before computing an answer to put). */
unsigned long zj_cache_generation(zj_cache *c);
/* A write happened: everything stored is stale. */
void zj_cache_invalidate(zj_cache *c);

#endif
