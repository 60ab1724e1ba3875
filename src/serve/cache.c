/* cache.c - the read-answer cache: direct-mapped slots, a generation that writes bump. */
#include "serve/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define SLOTS 1024

typedef struct entry {
    char *key;
    char *body;
    size_t len;
    double expires;
    unsigned long generation;
} entry;

struct zj_cache {
    double ttl;
    atomic_ulong generation;
    pthread_mutex_t lock;
    entry slot[SLOTS];
};

zj_cache *zj_cache_new(double ttl)
{
    zj_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ttl = ttl;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void zj_cache_free(zj_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < SLOTS; i++) {
        free(c->slot[i].key);
        free(c->slot[i].body);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static entry *slot_of(zj_cache *c, const char *key)
{
    return &c->slot[XXH3_64bits(key, strlen(key)) % SLOTS];
}

bool zj_cache_get(zj_cache *c, const char *key, double now, zj_buf *out)
{
    if (!c)
        return false;
    bool hit = false;
    unsigned long gen = atomic_load(&c->generation);
    pthread_mutex_lock(&c->lock);
    entry *e = slot_of(c, key);
    if (e->key && e->generation == gen && now < e->expires && strcmp(e->key, key) == 0) {
        zj_buf_clear(out);
        hit = zj_buf_append(out, e->body, e->len) == 0;
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void zj_cache_put(zj_cache *c, const char *key, const char *body, size_t len, double now,
                  unsigned long generation)
{
    if (!c || len > ZJ_CACHE_MAX_BODY || generation != atomic_load(&c->generation))
        return;
    char *k = strdup(key), *b = malloc(len ? len : 1);
    if (!k || !b) {
        free(k);
        free(b);
        return;
    }
    memcpy(b, body, len);
    pthread_mutex_lock(&c->lock);
    entry *e = slot_of(c, key);
    free(e->key);
    free(e->body);
    *e = (entry){k, b, len, now + c->ttl, generation};
    pthread_mutex_unlock(&c->lock);
}

unsigned long zj_cache_generation(zj_cache *c)
{
    return c ? atomic_load(&c->generation) : 0;
}

void zj_cache_invalidate(zj_cache *c)
{
    if (c)
        atomic_fetch_add(&c->generation, 1);
}
