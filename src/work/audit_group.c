/* audit_group.c - group commit of audit entries: many threads append, one transaction each round.
 *
 * A view that must be audited before it is shown (a filing check, an unmasked record) needs
 * its entry committed before the answer leaves; with one transaction per entry every worker
 * thread takes the store's write lock in turn, and under load they queue on it with SQLite's
 * busy back-off (sleeps of up to 100 ms), which made the filing check's tail. Here entries
 * wait in one queue; the first waiter that finds no round running becomes its leader, takes
 * everything queued, and appends it all in one transaction on its own store connection (the
 * entries keep their order in the hash chain and the Merkle tree; one signed head per round).
 * Every waiter returns only when its round has committed, or failed as a whole: an entry that
 * was answered is in the trail, and a round that did not commit left nothing behind.
 */
#include "work/audit.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "work/audit_internal.h"

typedef struct waiter {
    const char *path;             /* the store's file: a round appends to one store only */
    const zj_actor *actor;
    const zj_audit_event *event;
    int64_t entry_id;
    int rc;
    zj_error err;
    bool done;
    struct waiter *next;
} waiter;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static waiter *head, **tail = &head;   /* queued, not yet taken by a round */
static bool running;                    /* a leader is appending a round */

/* Append the round `batch` in one transaction on `s`; set every waiter's rc and err. */
static void round_commit(zj_store *s, waiter *batch)
{
    zj_error err = {0};
    int rc = zj_store_begin(s, &err);
    for (waiter *w = batch; w && !rc; w = w->next)
        rc = zj_audit_append(s, w->actor, w->event, &w->entry_id, &err);
    if (!rc)
        rc = zj_store_commit(s, &err);
    if (rc)
        zj_store_rollback(s, NULL);
    for (waiter *w = batch; w; w = w->next) {
        w->rc = rc;
        if (rc)
            w->err = err;
    }
}

int zj_audit_append_grouped(zj_store *s, const zj_actor *actor, const zj_audit_event *e,
                            int64_t *entry_id, zj_error *err)
{
    /* An entry that could never be appended fails alone, before it can fail a round. */
    int rc = audit_validate(actor, e, err);
    if (rc)
        return rc;
    if (zj_store_in_transaction(s))   /* inside the caller's transaction: append there */
        return zj_audit_append(s, actor, e, entry_id, err);
    waiter me = {.path = zj_store_path(s), .actor = actor, .event = e};
    pthread_mutex_lock(&mu);
    *tail = &me;
    tail = &me.next;
    while (!me.done) {
        if (running) {
            pthread_cond_wait(&cv, &mu);
            continue;
        }
        running = true;   /* lead a round: all queued for this store, this entry included */
        waiter *batch = NULL, **bt = &batch;
        for (waiter **pw = &head; *pw;) {
            waiter *w = *pw;
            if (w == &me || (me.path && w->path && !strcmp(w->path, me.path))) {
                *pw = w->next;
                w->next = NULL;
                *bt = w;
                bt = &w->next;
            } else {
                pw = &w->next;
            }
        }
        tail = &head;
        while (*tail)
            tail = &(*tail)->next;
        pthread_mutex_unlock(&mu);
        round_commit(s, batch);
        pthread_mutex_lock(&mu);
        for (waiter *w = batch, *next; w; w = next) {
            next = w->next;           /* read before done: a finished waiter's frame goes away */
            w->done = true;
        }
        running = false;
        pthread_cond_broadcast(&cv);
    }
    pthread_mutex_unlock(&mu);
    if (me.rc && err)
        *err = me.err;
    if (!me.rc && entry_id)
        *entry_id = me.entry_id;
    return me.rc;
}
