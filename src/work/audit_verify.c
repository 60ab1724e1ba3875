/* audit_verify.c - `zhijian audit verify`: check the whole trail and name the first entry that
 * was altered, removed, inserted or reordered.
 *
 * Every entry is hashed again from its fields and the previous-entry hash it claims (prev_hash):
 *   - its own hash does not match, but its predecessor does: the entry was altered;
 *   - its hash matches, but it claims another predecessor: entries were removed, inserted or
 *     reordered around it, which a look at the neighbours tells apart (classify());
 *   - an id is missing: that entry was removed.
 * The Merkle root is rebuilt and compared with every signed checkpoint and with the signed head,
 * which catches what hashes alone cannot: an intruder who rewrote an entry and recomputed every
 * hash after it (named by the checkpoints around it), or who cut entries off the end.
 *
 * Speed: the log is read in chunks of 2^16 entries by up to two threads, each with its own store
 * connection; a chunk's complete subtree is combined in order by the calling thread, and the
 * roots at checkpoints inside a chunk from snapshots of its frontier. Hashing is SHA-256 with the
 * CPU's instructions (merkle.h). Figures in docs/benchmarks.md.
 */
#include "work/audit_internal.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/parallel.h"

#define CHUNK_LEVEL 16
#define CHUNK ((int64_t)1 << CHUNK_LEVEL)

enum { FLAW_NONE = 0, FLAW_GAP, FLAW_ROW, FLAW_OTHER };

typedef struct snapshot {
    int64_t size;               /* checkpoint tree size inside this chunk */
    zj_frontier f;              /* the chunk's frontier at that size */
} snapshot;

typedef struct chunk {
    int64_t a, b;               /* ids [a, b] */
    int64_t rows;
    bool first_self_ok;         /* the first row's own hash matched */
    zj_hash first_prev;         /* the prev_hash the first row claims */
    zj_hash last;               /* the stored hash of the last row read */
    zj_frontier f;              /* local tree of the chunk */
    snapshot *snaps;
    size_t nsnaps;
    int flaw;                   /* FLAW_* of the first problem inside the chunk */
    int64_t flaw_id;            /* its entry id (for a gap: the missing id) */
    bool flaw_self_ok;
    char msg[256];              /* FLAW_OTHER: why */
} chunk;

typedef struct verify_ctx {
    const char *path;           /* for the helper threads' own connections */
    zj_store *main;
    chunk *chunks;
    int64_t nchunks;
    const int64_t *cp_sizes;    /* sorted checkpoint sizes (head included) */
    size_t ncp;
    atomic_llong next;
    atomic_int failed;
    zj_error err;               /* the first read error */
} verify_ctx;

typedef struct job {
    verify_ctx *v;
    int index;
} job;

static int check_chunk(zj_store *s, zj_hasher *h, zj_stmt *q, verify_ctx *v, chunk *c,
                       zj_error *err)
{
    zj_stmt_reset(q);
    zj_stmt_bind_int(q, 1, c->a);
    zj_stmt_bind_int(q, 2, c->b);
    (void)s;
    size_t cp = 0;   /* the first checkpoint size >= a */
    size_t lo = 0, hi = v->ncp;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->cp_sizes[mid] < c->a)
            lo = mid + 1;
        else
            hi = mid;
    }
    cp = lo;
    /* Fast path: an entry whose hash, computed with the previous (verified) entry's hash,
     * matches the stored one, and whose prev_hash is that hash's text, is intact and linked;
     * nothing is decoded. */
    zj_hash prev_leaf;
    char prev_text[65];
    int64_t expected = c->a;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        zj_audit_entry e;
        audit_entry_fields_from_row(q, &e);
        if (e.id != expected) {
            c->flaw = FLAW_GAP;
            c->flaw_id = expected;
            break;
        }
        size_t hlen = 0;
        const char *stored = zj_stmt_text(q, 13, &hlen);
        zj_hash leaf;
        char leaf_text[65];
        bool first = expected == c->a, ok = false;
        if (!first) {
            if (audit_leaf_hash(h, prev_leaf, &e, leaf))
                return zj_fail(err, ZJ_EDATA, "audit: SHA-256 failed (libcrypto)");
            zj_hash_hex(leaf, leaf_text);
            size_t plen = 0;
            const char *claimed = zj_stmt_text(q, 14, &plen);
            ok = stored && hlen == 64 && memcmp(leaf_text, stored, 64) == 0 && claimed &&
                 plen == 64 && memcmp(claimed, prev_text, 64) == 0;
        }
        if (!ok) {
            /* the hash against the predecessor the entry claims, and whether that is ours */
            size_t plen = 0;
            const char *claimed = zj_stmt_text(q, 14, &plen);
            zj_hash prev;
            bool prev_ok = zj_hash_from_hex(claimed, plen, prev);
            if (!prev_ok)
                memset(prev, 0xff, sizeof prev);
            bool link_ok = first || (prev_ok && memcmp(prev, prev_leaf, ZJ_HASH_LEN) == 0);
            if (audit_leaf_hash(h, prev, &e, leaf))
                return zj_fail(err, ZJ_EDATA, "audit: SHA-256 failed (libcrypto)");
            zj_hash_hex(leaf, leaf_text);
            bool self_ok = prev_ok && stored && hlen == 64 && memcmp(leaf_text, stored, 64) == 0;
            if (first) {
                c->first_self_ok = self_ok;
                memcpy(c->first_prev, prev, ZJ_HASH_LEN);
            }
            if (!self_ok || !link_ok) {
                c->flaw = FLAW_ROW;
                c->flaw_id = e.id;
                c->flaw_self_ok = self_ok;
                break;
            }
        }
        memcpy(prev_leaf, leaf, ZJ_HASH_LEN);
        memcpy(prev_text, leaf_text, sizeof prev_text);
        memcpy(c->last, leaf, ZJ_HASH_LEN);
        if (zj_frontier_push(h, &c->f, 0, leaf, NULL, NULL))
            return zj_fail(err, ZJ_EDATA, "audit: SHA-256 failed (libcrypto)");
        c->rows++;
        while (cp < v->ncp && v->cp_sizes[cp] < e.id)
            cp++;
        for (; cp < v->ncp && v->cp_sizes[cp] == e.id; cp++) {
            snapshot *n = realloc(c->snaps, (c->nsnaps + 1) * sizeof *n);
            if (!n)
                return zj_fail(err, ZJ_EDATA, "out of memory");
            c->snaps = n;
            n[c->nsnaps].size = e.id;
            n[c->nsnaps].f = c->f;
            c->nsnaps++;
        }
        expected++;
    }
    if (step < 0)
        return ZJ_EDATA;
    if (c->flaw == FLAW_NONE && expected <= c->b) {
        c->flaw = FLAW_GAP;       /* rows missing at the end of the chunk */
        c->flaw_id = expected;
    }
    return ZJ_OK;
}

static void *verify_job(void *arg)
{
    job *j = arg;
    verify_ctx *v = j->v;
    zj_error err = {0};
    zj_store *own = NULL, *s = v->main;
    if (j->index > 0) {
        if (!v->path || zj_store_open(v->path, &own, &err))
            return NULL;   /* job 0 does the remaining chunks */
        s = own;
    }
    /* One pass over the log: a big page cache only costs page faults (a tenth of the time). */
    zj_store_scan_mode(s, true, NULL);
    zj_hasher *h = zj_hasher_new();
    zj_stmt *q = NULL;
    /* the fields (columns 0-12 as in AUDIT_ENTRY_COLUMNS), then hash and prev_hash */
    int rc = h ? zj_stmt_prepare(s, "SELECT id, at, user_id, username, role, unit_code,"
                                    " session_id, action, object_table, object_id, before_hash,"
                                    " after_hash, detail, hash, prev_hash FROM audit_entry"
                                    " WHERE id >= $1 AND id <= $2 ORDER BY id", &q, &err)
               : zj_fail(&err, ZJ_EDATA, "out of memory");
    while (!rc && !atomic_load(&v->failed)) {
        long long k = atomic_fetch_add(&v->next, 1);
        if (k >= v->nchunks)
            break;
        rc = check_chunk(s, h, q, v, &v->chunks[k], &err);
    }
    if (rc && !atomic_exchange(&v->failed, 1))
        v->err = err;
    zj_stmt_finalize(q);
    zj_hasher_free(h);
    if (!own)
        zj_store_scan_mode(s, false, NULL);
    zj_store_close(own);
    return NULL;
}

/* ---- naming the problem ----------------------------------------------------------------- */

static void report(zj_audit_report *rep, const char *kind, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(zj_audit_report *rep, const char *kind, int64_t id, const char *fmt, ...)
{
    if (!rep->ok)
        return;
    rep->ok = false;
    rep->first_bad = id;
    snprintf(rep->kind, sizeof rep->kind, "%s", kind);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->message, sizeof rep->message, fmt, ap);
    va_end(ap);
}

/* The stored hash and claimed prev_hash of entry id; false when there is no such row. */
static bool row_hashes(zj_store *s, int64_t id, char prev[65], char hash[65])
{
    zj_stmt *q = NULL;
    bool found = false;
    if (zj_stmt_prepare(s, "SELECT prev_hash, hash FROM audit_entry WHERE id = $1", &q, NULL))
        return false;
    zj_stmt_bind_int(q, 1, id);
    if (zj_stmt_next(q, NULL) == 1) {
        const char *p = zj_stmt_text(q, 0, NULL), *h = zj_stmt_text(q, 1, NULL);
        snprintf(prev, 65, "%s", p ? p : "");
        snprintf(hash, 65, "%s", h ? h : "");
        found = true;
    }
    zj_stmt_finalize(q);
    return found;
}

/* The first entry after `after` that claims `prev` as its predecessor, or 0. */
static int64_t find_successor(zj_store *s, int64_t after, const char *prev)
{
    zj_stmt *q = NULL;
    int64_t id = 0;
    if (zj_stmt_prepare(s, "SELECT id FROM audit_entry WHERE id > $1 AND prev_hash = $2"
                           " ORDER BY id LIMIT 1", &q, NULL))
        return 0;
    zj_stmt_bind_int(q, 1, after);
    zj_stmt_bind_text(q, 2, prev, strlen(prev));
    if (zj_stmt_next(q, NULL) == 1)
        id = zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    return id;
}

/* Entry `id` is the first that does not fit: self_ok says its own hash matched (then it claims
 * a predecessor other than entry id - 1). */
static void classify(zj_store *s, int64_t id, bool self_ok, int64_t head_size,
                     zj_audit_report *rep)
{
    if (id > head_size) {
        report(rep, "inserted", id, "entry %lld was inserted: the signed head covers %lld "
                                    "entries and nothing signed entries after it",
               (long long)id, (long long)head_size);
        return;
    }
    char before[65] = "", before2[65] = "", prev[65] = "", hash[65] = "", p2[65], h2[65];
    if (id > 1)
        row_hashes(s, id - 1, p2, before);
    else
        memset(before, '0', 64);
    if (id > 2)
        row_hashes(s, id - 2, p2, before2);
    else if (id == 2)
        memset(before2, '0', 64);
    row_hashes(s, id, prev, hash);
    bool links = strcmp(prev, before) == 0;
    if (!self_ok && links) {
        report(rep, "altered", id, "entry %lld was altered: its contents no longer match its "
                                   "hash", (long long)id);
        return;
    }
    if (!self_ok) {
        char next_prev[65] = "";
        if (row_hashes(s, id + 1, next_prev, h2) && strcmp(next_prev, before) == 0)
            report(rep, "inserted", id, "entry %lld was inserted: it is not part of the chain "
                                        "(entry %lld follows entry %lld)",
                   (long long)id, (long long)id + 1, (long long)id - 1);
        else
            report(rep, "altered", id, "entry %lld was altered: neither its contents nor its "
                                       "link to entry %lld match", (long long)id,
                   (long long)id - 1);
        return;
    }
    if (id >= 2 && strcmp(prev, before2) == 0) {
        report(rep, "inserted", id - 1, "entry %lld was inserted: entry %lld follows entry %lld "
                                        "in the chain", (long long)id - 1, (long long)id,
               (long long)id - 2);
        return;
    }
    int64_t moved = find_successor(s, id, before);
    char next_prev[65] = "";
    if (moved == id + 1 && row_hashes(s, id + 1, next_prev, h2) && strcmp(prev, h2) != 0) {
        report(rep, "inserted", id, "entry %lld was inserted: entry %lld follows entry %lld in "
                                    "the chain", (long long)id, (long long)id + 1,
               (long long)id - 1);
        return;
    }
    if (moved) {
        report(rep, "reordered", id, "entry %lld is out of order: the entry that follows entry "
                                     "%lld in the chain is stored as entry %lld",
               (long long)id, (long long)id - 1, (long long)moved);
        return;
    }
    report(rep, "removed", id, "entry %lld was removed: the entry now stored as %lld does not "
                               "follow entry %lld in the chain (or entry %lld was rewritten "
                               "with new hashes)", (long long)id, (long long)id,
           (long long)id - 1, (long long)id - 1);
}

/* ---- the checkpoints --------------------------------------------------------------------- */

typedef struct cp_list {
    zj_audit_checkpoint *items;
    size_t n, cap;
} cp_list;

static int load_checkpoints(zj_store *s, cp_list *l, zj_error *err)
{
    zj_stmt *q = NULL;
    int rc = zj_stmt_prepare(s, "SELECT c.tree_size, c.root_hash, c.signed_at, c.key_id,"
                             " c.signature, k.public_key FROM audit_checkpoint c"
                             " LEFT JOIN audit_key k ON k.key_id = c.key_id"
                             " ORDER BY c.tree_size, c.id", &q, err);
    int step = 0;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        if (l->n == l->cap) {
            size_t cap = l->cap ? 2 * l->cap : 64;
            zj_audit_checkpoint *n = realloc(l->items, cap * sizeof *n);
            if (!n) {
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
                break;
            }
            l->items = n;
            l->cap = cap;
        }
        audit_checkpoint_from_row(q, &l->items[l->n++]);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

static int read_bounds(zj_store *s, int64_t *min_id, int64_t *max_id, int64_t *count,
                       zj_error *err)
{
    zj_stmt *q = NULL;
    int rc = zj_stmt_prepare(s, "SELECT coalesce(min(id), 0), coalesce(max(id), 0), count(*)"
                             " FROM audit_entry", &q, err);
    if (!rc && zj_stmt_next(q, err) == 1) {
        *min_id = zj_stmt_int(q, 0);
        *max_id = zj_stmt_int(q, 1);
        *count = zj_stmt_int(q, 2);
    } else if (!rc) {
        rc = ZJ_EDATA;
    }
    zj_stmt_finalize(q);
    return rc;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The root of global frontier g (a multiple of CHUNK) extended by a chunk's frontier l. */
static int combined_root(zj_hasher *h, const zj_frontier *g, const zj_frontier *l, zj_hash out)
{
    zj_frontier t = *g;
    for (int level = 0; level < CHUNK_LEVEL; level++)
        if ((l->size >> level) & 1)
            memcpy(t.node[level], l->node[level], ZJ_HASH_LEN);
    t.size = g->size + l->size;
    return zj_frontier_root(h, &t, out);
}

/* Compare the rebuilt root at size with checkpoint c; report a mismatch. `good` is the largest
 * size already vouched for. */
static void check_root(const zj_hash root, const zj_audit_checkpoint *c, bool head,
                       int64_t *good, zj_audit_report *rep)
{
    char hex[65];
    zj_hash_hex(root, hex);
    if (strcmp(hex, c->root_hash) == 0) {
        *good = c->tree_size;
        return;
    }
    report(rep, "rewritten", *good + 1,
           "entries %lld to %lld do not match the %s of size %lld signed at %s: one of them was "
           "altered and the hashes after it recomputed",
           (long long)*good + 1, (long long)c->tree_size, head ? "signed head" : "checkpoint",
           (long long)c->tree_size, c->signed_at);
}

int zj_audit_verify(zj_store *s, const char *public_key, zj_audit_report *rep, zj_error *err)
{
    memset(rep, 0, sizeof *rep);
    rep->ok = true;
    double t0 = now_seconds();
    cp_list cps = {0};
    zj_audit_checkpoint head;
    char known[65] = "", known_id[17];
    int64_t min_id = 0, max_id = 0, count = 0;
    int found_head = 0;
    /* The head, the checkpoints and the bounds of one moment: read until the head is the same
     * before and after (every commit that appends re-signs it), without taking the write lock
     * a transaction of this store would (a verify must not wait for, or block, a long import). */
    int rc = ZJ_OK;
    for (int attempt = 0;; attempt++) {
        zj_audit_checkpoint again;
        cps.n = 0;
        found_head = audit_read_head(s, &head, err);
        if (found_head < 0 || (rc = load_checkpoints(s, &cps, err)) ||
            (rc = read_bounds(s, &min_id, &max_id, &count, err))) {
            rc = rc ? rc : ZJ_EDATA;
            break;
        }
        int found_again = audit_read_head(s, &again, err);
        if (found_again < 0) {
            rc = ZJ_EDATA;
            break;
        }
        if (found_again == found_head &&
            (!found_head || (again.tree_size == head.tree_size &&
                             !strcmp(again.signature, head.signature))))
            break;
        if (attempt == 20) {
            rc = zj_fail(err, ZJ_EDATA, "the audit log kept growing while verify started; "
                                        "try again");
            break;
        }
    }
    zj_error quiet = {0};
    if (!rc && zj_audit_public_key(s, known, known_id, &quiet) != ZJ_OK)
        known[0] = 0;
    if (rc) {
        free(cps.items);
        return rc;
    }
    const char *key = public_key ? public_key : known;
    int64_t head_size = found_head ? head.tree_size : 0;
    /* Signatures first: a checkpoint that is not the key's own vouches for nothing. */
    for (size_t i = 0; i < cps.n + (found_head ? 1 : 0) && rep->ok; i++) {
        const zj_audit_checkpoint *c = i < cps.n ? &cps.items[i] : &head;
        zj_error e = {0};
        if (zj_audit_checkpoint_check(c, key, &e))
            report(rep, "signature", 0, "%s %s", i < cps.n ? "checkpoint:" : "signed head:", e.msg);
        rep->checkpoints++;
    }
    if (rep->ok && !found_head && count > 0)
        report(rep, "signature", 0, "the audit log has %lld entries but no signed head: it was "
                                    "written outside zhijian", (long long)count);
    if (rep->ok && min_id < 1 && count > 0)
        report(rep, "inserted", min_id, "entry %lld was inserted: ids start at 1",
               (long long)min_id);
    for (size_t i = 0; i < cps.n && rep->ok; i++)
        if (cps.items[i].tree_size > head_size)
            report(rep, "removed", head_size + 1,
                   "the log was cut back: checkpoint of size %lld signed at %s is beyond the "
                   "signed head (%lld)", (long long)cps.items[i].tree_size, cps.items[i].signed_at,
                   (long long)head_size);
    /* The sizes whose roots are checked, in order: the checkpoints, then the head. */
    size_t nsizes = cps.n + (found_head ? 1 : 0);
    int64_t *sizes = malloc((nsizes + 1) * sizeof *sizes);
    int64_t last_id = max_id > head_size ? max_id : head_size;
    verify_ctx v = {.path = zj_store_path(s), .main = s};
    v.nchunks = (last_id + CHUNK - 1) / CHUNK;
    v.chunks = calloc((size_t)v.nchunks + 1, sizeof *v.chunks);
    zj_hasher *h = zj_hasher_new();
    if (!sizes || !v.chunks || !h) {
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < cps.n; i++)
        sizes[i] = cps.items[i].tree_size;
    if (found_head)
        sizes[cps.n] = head.tree_size;
    v.cp_sizes = sizes;
    v.ncp = nsizes;
    for (int64_t k = 0; k < v.nchunks; k++) {
        v.chunks[k].a = k * CHUNK + 1;
        v.chunks[k].b = k * CHUNK + CHUNK < max_id ? k * CHUNK + CHUNK : max_id;
    }
    if (rep->ok && v.nchunks > 0) {
        job jobs[2] = {{&v, 0}, {&v, 1}};
        int n = v.path && v.nchunks > 1 ? zj_cores(2) : 1;
        zj_parallel(verify_job, jobs, sizeof jobs[0], n);
        if (atomic_load(&v.failed)) {
            *err = v.err;
            rc = err->code ? err->code : ZJ_EDATA;
            goto done;
        }
    }
    /* Combine the chunks in order. */
    zj_frontier g = {0};
    zj_hash last = {0}, root;
    int64_t good = 0;
    size_t next_cp = 0;
    for (int64_t k = 0; k < v.nchunks && rep->ok; k++) {
        chunk *c = &v.chunks[k];
        rep->entries += c->rows;
        if (c->rows > 0 || c->flaw == FLAW_ROW) {
            bool first_links = memcmp(c->first_prev, last, ZJ_HASH_LEN) == 0;
            if (!first_links || (c->flaw == FLAW_ROW && c->flaw_id == c->a)) {
                classify(s, c->a, c->first_self_ok, head_size, rep);
                break;
            }
        }
        /* roots at the checkpoints this chunk reached */
        for (size_t i = 0; i < c->nsnaps && rep->ok; i++) {
            while (next_cp < nsizes && sizes[next_cp] < c->snaps[i].size)
                next_cp++;
            if (combined_root(h, &g, &c->snaps[i].f, root)) {
                rc = zj_fail(err, ZJ_EDATA, "audit: SHA-256 failed (libcrypto)");
                goto done;
            }
            for (; next_cp < nsizes && sizes[next_cp] == c->snaps[i].size && rep->ok; next_cp++)
                check_root(root, next_cp < cps.n ? &cps.items[next_cp] : &head, next_cp >= cps.n,
                           &good, rep);
        }
        if (!rep->ok)
            break;
        if (c->flaw == FLAW_GAP) {
            if (c->flaw_id > max_id || c->flaw_id > head_size)
                break;   /* past the last row: the tail checks below say what is missing */
            report(rep, "removed", c->flaw_id, "entry %lld was removed: there is no entry %lld "
                                               "between %lld and the next",
                   (long long)c->flaw_id, (long long)c->flaw_id, (long long)c->flaw_id - 1);
            break;
        }
        if (c->flaw == FLAW_ROW) {
            classify(s, c->flaw_id, c->flaw_self_ok, head_size, rep);
            break;
        }
        memcpy(last, c->last, ZJ_HASH_LEN);
        if (c->rows == CHUNK) {
            if (zj_frontier_push(h, &g, CHUNK_LEVEL, c->f.node[CHUNK_LEVEL], NULL, NULL)) {
                rc = zj_fail(err, ZJ_EDATA, "audit: SHA-256 failed (libcrypto)");
                goto done;
            }
        }
    }
    if (rep->ok && rep->entries > head_size)
        report(rep, "inserted", head_size + 1,
               "entry %lld was inserted: the signed head covers %lld entries and nothing signed "
               "entries after it", (long long)head_size + 1, (long long)head_size);
    if (rep->ok && rep->entries < head_size)
        report(rep, "removed", rep->entries + 1,
               "entries %lld to %lld were removed: the signed head of %s covers %lld entries",
               (long long)rep->entries + 1, (long long)head_size, head.signed_at,
               (long long)head_size);
    if (rep->ok && next_cp < nsizes)
        report(rep, "removed", rep->entries + 1, "the log ends before a checkpoint of size %lld",
               (long long)sizes[next_cp]);
done:
    for (int64_t k = 0; v.chunks && k < v.nchunks; k++)
        free(v.chunks[k].snaps);
    free(v.chunks);
    free(sizes);
    free(cps.items);
    zj_hasher_free(h);
    rep->seconds = now_seconds() - t0;
    return rc;
}
