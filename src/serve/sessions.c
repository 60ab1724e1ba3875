/* sessions.c - the token -> actor cache (see sessions.h for why and the rules). */
#include "serve/sessions.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "serve/ratelimit.h"

#define SLOTS 4096

struct zj_session_ref {
    int refs;                  /* the cache's own hold counts as one while cached */
    char token[ZJ_API_KEY_LEN + 1];
    double checked;            /* when the work layer last said yes */
    zj_actor_owned who;
};

struct zj_session_cache {
    pthread_mutex_t lock;
    zj_session_ref *slot[SLOTS];
};

zj_session_cache *zj_session_cache_new(void)
{
    zj_session_cache *c = calloc(1, sizeof *c);
    if (c)
        pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void unref(zj_session_ref *r)
{
    if (r && --r->refs == 0) {
        zj_actor_owned_free(&r->who);
        free(r);
    }
}

void zj_session_cache_free(zj_session_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < SLOTS; i++)
        unref(c->slot[i]);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static size_t slot_of(const char *token)
{
    return (size_t)(XXH3_64bits(token, strlen(token)) % SLOTS);
}

/* Ask the work layer; a new entry with one reference for the caller. */
static int resolve(zj_store *s, const char *token, zj_session_ref **out, zj_error *err)
{
    zj_session_ref *r = calloc(1, sizeof *r);
    if (!r)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    int rc = strncmp(token, "zjk_", 4) == 0 ? zj_api_key_actor(s, token, &r->who, err)
                                             : zj_session_actor(s, token, &r->who, err);
    if (rc) {
        zj_actor_owned_free(&r->who);
        free(r);
        return rc;
    }
    /* The actor's strings point into r->who, which does not move: r is on the heap. */
    snprintf(r->token, sizeof r->token, "%s", token);
    r->refs = 1;
    r->checked = zj_monotonic();
    *out = r;
    return ZJ_OK;
}

int zj_session_get(zj_session_cache *c, zj_store *s, const char *token, zj_session_ref **ref,
                   const zj_actor **actor, zj_error *err)
{
    *ref = NULL;
    if (strlen(token) > ZJ_API_KEY_LEN)
        return zj_fail(err, ZJ_EPERM, "session unknown, expired or ended; log in again");
    double now = zj_monotonic();
    zj_session_ref *hit = NULL;
    size_t at = slot_of(token);
    if (c) {
        pthread_mutex_lock(&c->lock);
        zj_session_ref *r = c->slot[at];
        if (r && strcmp(r->token, token) == 0) {
            hit = r;
            hit->refs++;
        }
        pthread_mutex_unlock(&c->lock);
        if (hit && now - hit->checked < ZJ_SESSION_RECHECK) {
            *ref = hit;
            *actor = &hit->who.actor;
            return ZJ_OK;
        }
    }
    zj_session_ref *fresh = NULL;
    int rc = resolve(s, token, &fresh, err);
    if (rc == ZJ_EDATA && hit && now - hit->checked < ZJ_SESSION_GRACE) {
        *ref = hit;   /* the store is busy elsewhere: keep serving the recent answer */
        *actor = &hit->who.actor;
        return ZJ_OK;
    }
    if (c) {
        pthread_mutex_lock(&c->lock);
        if (hit)
            unref(hit);                 /* the caller's hold on the stale entry */
        zj_session_ref *cur = c->slot[at];
        if (cur && strcmp(cur->token, token) == 0 && rc != ZJ_EDATA) {
            unref(cur);                 /* refused or renewed: the old answer goes */
            c->slot[at] = cur = NULL;
        }
        if (!rc) {
            unref(cur);                 /* another token's entry in the slot */
            fresh->refs++;              /* the cache's hold */
            c->slot[at] = fresh;
        }
        pthread_mutex_unlock(&c->lock);
    }
    if (rc)
        return rc;
    *ref = fresh;
    *actor = &fresh->who.actor;
    return ZJ_OK;
}

void zj_session_release(zj_session_cache *c, zj_session_ref *ref)
{
    if (!ref)
        return;
    if (!c) {
        unref(ref);
        return;
    }
    pthread_mutex_lock(&c->lock);
    unref(ref);
    pthread_mutex_unlock(&c->lock);
}

void zj_session_forget(zj_session_cache *c, const char *token)
{
    if (!c)
        return;
    size_t at = slot_of(token);
    pthread_mutex_lock(&c->lock);
    if (c->slot[at] && strcmp(c->slot[at]->token, token) == 0) {
        unref(c->slot[at]);
        c->slot[at] = NULL;
    }
    pthread_mutex_unlock(&c->lock);
}
