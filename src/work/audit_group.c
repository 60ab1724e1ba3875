/* audit_group.c - group commit of audit entries: many threads append, one transaction each round.
 *
 * A view that must be audited before it is shown (a filing check, an unmasked record) needs
 * its entry committed before the answer leaves; with one transaction per entry every worker
 * thread takes the store's write lock in turn, and under load they queue on it with SQLite's
 * busy back-off (sleeps of up to 100 ms), which made the filing check's tail. Here entries
 * wait in one queue; one waiter at a time leads a round: it takes everything queued for its
 * store and appends it all in one transaction (the entries keep their order in the hash chain
 * and the Merkle tree; one signed head per round). Every waiter returns only when its round
 * has committed, or failed as a whole: an entry that was answered is in the trail, and a
 * round that did not commit left nothing behind.
 *
 * What a round costs is mostly fixed (the log frames of a few 64 KiB pages, a signature, the
 * log's right edge), so three things keep it small and shared:
 * - Rounds run on a connection of their own per store file, kept between rounds: its page
 *   cache and the log's edge in memory (audit.c) stay valid, where a worker's connection
 *   finds both stale because other connections committed since (WAL empties a connection's
 *   cache when the log moved). A store without a file (in memory) uses the caller's.
 * - When rounds follow each other closely (a busy server), a leader waits up to
 *   GATHER_SECONDS for more entries before it commits, so one commit carries several; after
 *   a quiet spell it commits at once, and a lone user waits for nothing.
 * - Waking is targeted: a round's waiters each get their own signal, and the next leader is
 *   woken alone, instead of every waiting thread at every round.
 * - The rounds' connection never copies the log into the database itself (a checkpoint, which
 *   stalled every waiter of its round for ~0.1 s): when the log has grown past
 *   CHECKPOINT_FRAMES, the leader of that round, once its round is answered and the next
 *   leader is on its way, checkpoints on its own connection while the rounds go on.
 */
#include "work/audit.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "work/audit_internal.h"

#define GATHER_SECONDS 0.0005   /* a busy leader's wait for more entries */
#define BUSY_SECONDS 0.002      /* rounds closer than this mean a busy server */
#define GATHER_ENOUGH 32        /* entries that end the wait at once */
#define CHECKPOINT_FRAMES 1000  /* SQLite's own default for its automatic checkpoint */

typedef struct waiter {
    const char *path;             /* the store's file: a round appends to one store only */
    const zj_actor *actor;
    const zj_audit_event *event;
    int64_t entry_id;
    int rc;
    zj_error err;
    bool done;                    /* its round ended (rc says how) */
    bool lead;                    /* it is to lead the next round */
    pthread_cond_t wake;          /* done or lead was set */
    struct waiter *next;
} waiter;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gathered = PTHREAD_COND_INITIALIZER;   /* GATHER_ENOUGH are queued */
static waiter *head, **tail = &head;   /* queued, not yet taken by a round */
static size_t queued;
static bool running;                    /* a leader exists (gathering or committing) */
static bool gathering;                  /* ... and waits on `gathered` */
static double last_end;                 /* when the last round ended (monotonic seconds) */
static bool checkpointing;              /* a former leader is checkpointing the log */

/* The rounds' own connection: one store file at a time (a server has one). Used only by the
 * leader, and only one leader runs, so `mu` need not be held to use it. */
static zj_store *round_store;
static char *round_path;
static dev_t round_dev;
static ino_t round_ino;

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void round_store_drop(void)
{
    zj_store_close(round_store);
    free(round_path);
    round_store = NULL;
    round_path = NULL;
}

/* The connection a round for `s` commits on: the kept one when it is still on s's file (the
 * same path and the same file: a store removed and made again is a new one), else a new one,
 * else s itself. */
static zj_store *round_store_for(zj_store *s, const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0)
        return s;
    if (round_store && !strcmp(round_path, path) && round_dev == st.st_dev &&
        round_ino == st.st_ino)
        return round_store;
    round_store_drop();
    zj_error ignored = {0};           /* no own connection: the round runs on the caller's */
    char *copy = strdup(path);
    if (!copy || zj_store_open_existing(path, &round_store, &ignored) != ZJ_OK) {
        free(copy);
        round_store = NULL;
        return s;
    }
    zj_store_defer_checkpoints(round_store, NULL);   /* failing, it checkpoints as usual */
    round_path = copy;
    round_dev = st.st_dev;
    round_ino = st.st_ino;
    return round_store;
}

void zj_audit_group_close(void)
{
    pthread_mutex_lock(&mu);
    while (running)                   /* a round in progress uses the connection */
        pthread_cond_wait(&gathered, &mu);
    round_store_drop();
    pthread_mutex_unlock(&mu);
}

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

/* Wait (mu held) while a busy server's entries gather: until GATHER_SECONDS pass or
 * GATHER_ENOUGH are queued. */
static void gather(void)
{
    if (mono() - last_end > BUSY_SECONDS)
        return;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)(GATHER_SECONDS * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    gathering = true;
    while (queued < GATHER_ENOUGH && pthread_cond_timedwait(&gathered, &mu, &until) == 0)
        ;
    gathering = false;
}

/* Take (mu held) every queued entry for `path` (`me` whatever its path), in queue order. */
static waiter *take_batch(waiter *me, const char *path)
{
    waiter *batch = NULL, **bt = &batch;
    for (waiter **pw = &head; *pw;) {
        waiter *w = *pw;
        if (w == me || (path && w->path && !strcmp(w->path, path))) {
            *pw = w->next;
            w->next = NULL;
            *bt = w;
            bt = &w->next;
            queued--;
        } else {
            pw = &w->next;
        }
    }
    tail = &head;
    while (*tail)
        tail = &(*tail)->next;
    return batch;
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
    if (pthread_cond_init(&me.wake, NULL))
        return zj_fail(err, ZJ_EDATA, "audit: cannot create a condition variable");
    pthread_mutex_lock(&mu);
    *tail = &me;
    tail = &me.next;
    queued++;
    if (!running)
        running = me.lead = true;
    else if (gathering && queued >= GATHER_ENOUGH)
        pthread_cond_signal(&gathered);
    while (!me.done && !me.lead)
        pthread_cond_wait(&me.wake, &mu);
    bool checkpoint = false;
    if (!me.done) {                   /* lead a round: all queued for this store */
        gather();
        waiter *batch = take_batch(&me, me.path);
        pthread_mutex_unlock(&mu);
        zj_store *rs = round_store_for(s, me.path);
        round_commit(rs, batch);
        bool due = rs != s && zj_store_log_frames(rs) >= CHECKPOINT_FRAMES;
        pthread_mutex_lock(&mu);
        if (due && !checkpointing)
            checkpoint = checkpointing = true;
        for (waiter *w = batch, *next; w; w = next) {
            next = w->next;           /* read before done: a finished waiter's frame goes away */
            w->done = true;
            if (w != &me)
                pthread_cond_signal(&w->wake);
        }
        last_end = mono();
        if (head) {                   /* the first still queued leads the next round */
            head->lead = true;
            pthread_cond_signal(&head->wake);
        } else {
            running = false;
            pthread_cond_broadcast(&gathered);   /* zj_audit_group_close may be waiting */
        }
    }
    pthread_mutex_unlock(&mu);
    pthread_cond_destroy(&me.wake);
    if (checkpoint) {                 /* outside every lock: the next rounds go on meanwhile */
        zj_store_checkpoint(s, NULL); /* a failed one leaves the log for the next */
        pthread_mutex_lock(&mu);
        checkpointing = false;
        pthread_mutex_unlock(&mu);
    }
    if (me.rc && err)
        *err = me.err;
    if (!me.rc && entry_id)
        *entry_id = me.entry_id;
    return me.rc;
}
