/* link.c - the entity-resolution run (see link.h for the method, docs/linking.md for more).
 *
 * Per kind (persons, then enterprises): load the kind's mentions into memory, check the
 * trusted IDs for conflicts, estimate the model, score the candidate pairs that blocking
 * proposes, cluster, and write entities, mention assignments, the links that formed each
 * entity, the model's parameters and the conflicts. Everything is in one transaction.
 */
#include "link/link.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "base/buf.h"
#include "base/parallel.h"
#include "link/cluster.h"
#include "link/mentions.h"
#include "link/model.h"
#include "link/pairing.h"
#include "link/radix.h"

/* Sample size for estimating u. Levels that random pairs almost never reach (an exact name,
 * the same phone) get their u from term frequencies or smoothing anyway; 300k pairs pin the
 * common levels to well under 1% and cost a fraction of a second. */
#define RANDOM_PAIRS 300000

/* Threads for the hot loops (blocking, comparing, loading): one per core, at most this. */
#define MAX_THREADS 4

typedef struct edge {
    int32_t a, b;
    float weight;
    char reason;                 /* 'i' id, 'd' decision, 's' score, 'c' closed world */
} edge;

typedef struct edges {
    edge *e;
    size_t n, cap;
} edges;

/* A candidate pair as compared: its comparison pattern (model.h) is all scoring needs. */
typedef struct cand_pair {
    int32_t a, b;
    uint32_t pattern;
} cand_pair;

typedef struct cand_list {
    cand_pair *p;
    size_t n, cap;
} cand_list;

static int push_cand(cand_list *l, int32_t a, int32_t b, size_t pattern)
{
    if (l->n == l->cap) {
        cand_pair *p = zj_grow(l->p, &l->cap, l->n + 1, sizeof *p, 65536);
        if (!p)
            return -1;
        l->p = p;
    }
    l->p[l->n++] = (cand_pair){a, b, (uint32_t)pattern};
    return 0;
}

/* A conflict found while linking, written once the mentions it names are stored. */
typedef struct conflict {
    int32_t a, b;
    const char *reason;
} conflict;

typedef struct conflict_list {
    conflict *c;
    size_t n, cap;
} conflict_list;

static int push_conflict(conflict_list *l, int32_t a, int32_t b, const char *reason)
{
    if (l->n == l->cap) {
        conflict *p = zj_grow(l->c, &l->cap, l->n + 1, sizeof *p, 256);
        if (!p)
            return -1;
        l->c = p;
    }
    l->c[l->n++] = (conflict){a, b, reason};
    return 0;
}

typedef struct run {
    zj_store *s;
    zj_kind kind;
    const char *kind_name;
    const zj_link_kind_config *cfg;
    bool incremental;
    const zj_mention_set *set;   /* a first run's mentions, held in memory (NULL: stored) */
    int64_t **entity_of;         /* with set: where to leave each mention's entity, for the
                                    caller to write with the other kind's mentions */
    zj_lmention *m;
    int32_t n;
    zj_arena ar;
    conflict_list conflicts;     /* found while linking, written with the mentions */
    uint64_t *keys[ZJ_MAX_RULES];           /* per blocking rule: each mention's block key (0: none);
                                    kept only where needed (build_rule), else NULL */
    int32_t *bsize[ZJ_MAX_RULES];           /* per rule: the size of each mention's block */
    zj_keyed *sorted[ZJ_MAX_RULES];         /* per rule: members of blocks of two or more, by key then
                                    mention (what pair enumeration walks) */
    size_t nsorted[ZJ_MAX_RULES];
    bool stable[ZJ_MAX_RULES];   /* per rule: zj_block_rule_stable */
    bool keep_keys;              /* keep every rule's keys (the blocking report) */
    zj_tf tf;                    /* term frequencies of names and units (pairing.h) */
    zj_fs_model fs;
    double prior;                /* P(two random mentions are one entity), for scoring */
    double per_entity;           /* mentions per identified entity, for term frequencies */
    int32_t *trusted;            /* mentions with a trusted ID, equal IDs adjacent (after the
                                    conflict check) */
    int32_t ntrusted;
    zj_pcounts counts;           /* pattern counts (scratch) */
    cand_list cands;             /* candidate pairs compared, for scoring */
    edges acc;                   /* accepted and forced links */
    edges world;                 /* closed-world candidates: (refers, roster, pair weight) */
    zj_link_kind_stats *st;
    zj_error *err;
    const zj_link_options *opt;  /* for stage reports; NULL in reports without a run */
} run;

static void stage(const zj_link_options *opt, const char *kind, const char *what);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int push_edge(edges *es, int32_t a, int32_t b, double w, char reason)
{
    if (es->n == es->cap) {
        edge *p = zj_grow(es->e, &es->cap, es->n + 1, sizeof *p, 4096);
        if (!p)
            return -1;
        es->e = p;
    }
    es->e[es->n++] = (edge){a, b, (float)w, reason};
    return 0;
}

/* Run a statement whose only parameter ($1) is the kind's name ("person"/"enterprise"). */
static int exec_for_kind(run *r, const char *sql)
{
    zj_stmt *st;
    int rc = zj_stmt_prepare(r->s, sql, &st, r->err);
    if (rc)
        return rc;
    zj_stmt_bind_text(st, 1, r->kind_name, strlen(r->kind_name));
    rc = zj_stmt_next(st, r->err) < 0 ? ZJ_EDATA : ZJ_OK;
    zj_stmt_finalize(st);
    return rc;
}

/* ---- loading ---------------------------------------------------------------------------- */

/* A first run: the mentions come from the in-memory set, ids as they will be stored. The
 * set is cut into one range per core; each range's strings go to an arena of its own, and
 * the arenas are joined after (offsets shifted), so the result is what one thread makes. */
typedef struct load_job {
    run *r;
    int64_t from, to;
    zj_arena ar;
    int rc;
} load_job;

static void *load_range(void *arg)
{
    load_job *j = arg;
    const run *r = j->r;
    for (int64_t i = j->from; !j->rc && i < j->to; i++) {
        zj_mention_row row;
        zj_mention_set_row(r->set, r->kind, i, &row);
        if (zj_lmention_from_row(&r->m[i], &j->ar, zj_mention_set_id(r->set, r->kind, i), 0,
                                 &row))
            j->rc = -1;
    }
    return NULL;
}

static int load_from_set(run *r)
{
    int64_t n = r->set->n[r->kind];
    if (n >= INT32_MAX)
        return zj_fail(r->err, ZJ_EDATA, "too many mentions of one kind");
    r->m = malloc(((size_t)n + 1) * sizeof *r->m);
    if (!r->m)
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    int nt = zj_cores(MAX_THREADS);
    load_job job[ZJ_MAX_JOBS];
    for (int j = 0; j < nt; j++)
        job[j] = (load_job){r, n * j / nt, n * (j + 1) / nt, {0}, 0};
    zj_parallel(load_range, job, sizeof job[0], nt);
    int rc = 0;
    for (int j = 0; j < nt; j++)
        rc |= job[j].rc;
    /* One arena: the first range's, with the others appended and their offsets shifted. */
    r->ar = job[0].ar;
    for (int j = 1; !rc && j < nt; j++) {
        size_t base = r->ar.len;
        if (base + job[j].ar.len > UINT32_MAX) {
            rc = -1;
            break;
        }
        if (job[j].ar.len) {
            uint32_t at = zj_arena_add(&r->ar, job[j].ar.data, job[j].ar.len - 1);
            if (at == (uint32_t)-1) {
                rc = -1;
                break;
            }
        }
        for (int64_t i = job[j].from; i < job[j].to; i++) {
            r->m[i].norm_off += (uint32_t)base;
            r->m[i].key_off += (uint32_t)base;
            r->m[i].id_off += (uint32_t)base;
        }
    }
    for (int j = 1; j < nt; j++)
        zj_arena_free(&job[j].ar);
    if (rc)
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    r->n = (int32_t)n;
    return ZJ_OK;
}

static int load(run *r)
{
    if (r->set)
        return load_from_set(r);
    return zj_lmentions_load(r->s, r->kind, false, &r->m, &r->n, &r->ar, r->err);
}

/* ---- co-parties ------------------------------------------------------------------------- *
 * Each person named as a party gets the keys of the other parties of the case (compare.h):
 * persons from the run's own mentions, enterprises from the set (a first run) or the stored
 * mentions. Keys found in more than ZJ_COPARTY_MAX_CASES cases are left out. */

/* The enterprises named as parties: from the set, or stored. */
static int enterprise_parties(run *r, zj_cpk_list *l)
{
    if (!r->set)
        return zj_cpk_stored_enterprises(r->s, l, r->err);
    for (int64_t i = 0; i < r->set->n[ZJ_KIND_ENTERPRISE]; i++) {
        zj_mention_row row;
        zj_mention_set_row(r->set, ZJ_KIND_ENTERPRISE, i, &row);
        if (zj_cpk_push_enterprise(l, row.v[ZJ_MC_CONTEXT], row.v[ZJ_MC_NORM],
                                   row.v[ZJ_MC_ID_NO], row.v[ZJ_MC_STATUS]))
            return zj_fail(r->err, ZJ_EDATA, "out of memory");
    }
    return ZJ_OK;
}

static int coparties(run *r)
{
    zj_cpk_list l = {0};
    int rc = zj_cpk_push_persons(&l, r->m, r->n, &r->ar)
                 ? zj_fail(r->err, ZJ_EDATA, "out of memory") : ZJ_OK;
    if (!rc && l.n)
        rc = enterprise_parties(r, &l);
    if (!rc && l.n >= 2 && zj_coparties_fill(&l, r->m, NULL, NULL))
        rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
    free(l.e);
    return rc;
}

/* ---- trusted IDs and their conflicts ---------------------------------------------------- */

static const zj_lmention *sort_base;


/* Mentions with a trusted ID, sorted so that equal IDs are adjacent (mention order within). */
static int32_t *trusted_by_id(run *r, int32_t *count)
{
    int32_t *idx = malloc(((size_t)r->n + 1) * sizeof *idx), k = 0;
    zj_keyed *tmp = malloc(((size_t)r->n + 1) * sizeof *tmp);
    if (!idx || !tmp) {
        free(idx);
        free(tmp);
        return NULL;
    }
    for (int32_t i = 0; i < r->n; i++)
        if (r->m[i].id_trusted)
            tmp[k++] = (zj_keyed){r->m[i].id_h, i};
    if (zj_radix_sort(tmp, (size_t)k)) {
        free(idx);
        free(tmp);
        return NULL;
    }
    for (int32_t i = 0; i < k; i++)
        idx[i] = tmp[i].idx;
    free(tmp);
    *count = k;
    return idx;
}

/* Conflicts are kept until the mentions are stored (a first run writes them last). */
static int record_conflict(run *r, int32_t a, int32_t b, const char *reason)
{
    if (push_conflict(&r->conflicts, a, b, reason))
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    r->st->conflicts++;
    return ZJ_OK;
}

static int write_conflicts(run *r)
{
    zj_stmt *ins;
    int rc = zj_stmt_prepare(r->s, "INSERT INTO link_conflict (mention_id, other_mention_id,"
                             " reason, created_at) VALUES ($1, $2, $3, CURRENT_TIMESTAMP)"
                             " ON CONFLICT DO NOTHING", &ins, r->err);
    for (size_t i = 0; !rc && i < r->conflicts.n; i++) {
        const conflict *c = &r->conflicts.c[i];
        zj_stmt_bind_int(ins, 1, r->m[c->a].id);
        zj_stmt_bind_int(ins, 2, r->m[c->b].id);
        zj_stmt_bind_text(ins, 3, c->reason, strlen(c->reason));
        if (zj_stmt_next(ins, r->err) < 0)
            rc = ZJ_EDATA;
        zj_stmt_reset(ins);
    }
    zj_stmt_finalize(ins);
    return rc;
}

typedef struct conflict_job {
    run *r;
    const int32_t *idx;
    int32_t from, to;            /* whole groups of equal IDs */
    conflict_list found;
    int rc;
} conflict_job;

/* The groups of one range; each mention belongs to one group, so ranges never share one. */
static void *check_range(void *arg)
{
    conflict_job *jb = arg;
    run *r = jb->r;
    const int32_t *idx = jb->idx;
    for (int32_t i = jb->from; !jb->rc && i < jb->to;) {
        int32_t j = i;
        while (j < jb->to && r->m[idx[j]].id_h == r->m[idx[i]].id_h) {
            if (j + 8 < jb->to)
                __builtin_prefetch(&r->m[idx[j + 8]]);   /* members are scattered in memory */
            j++;
        }
        const zj_lmention *rep = &r->m[idx[i]];
        if (r->kind == ZJ_KIND_PERSON) {
            const char *id = r->ar.data + rep->id_off;
            int32_t id_birth = atoi((char[9]){id[6], id[7], id[8], id[9], id[10], id[11], id[12], id[13], 0});
            char id_sex = ((id[16] - '0') & 1) ? 'M' : 'F';
            for (int32_t t = i; !jb->rc && t < j; t++) {
                zj_lmention *m = &r->m[idx[t]];
                const char *why = NULL;
                if (m->sex && m->sex != id_sex)
                    why = "sex differs from the resident ID";
                else if (m->birth && m->birth != id_birth)
                    why = "birth date differs from the resident ID";
                if (why) {
                    m->id_trusted = false;
                    jb->rc = push_conflict(&jb->found, idx[t], idx[i], why);
                }
            }
        }
        /* Names: compare each member with the group's first member whose name agrees with
         * most others; a member with an unrelated name keeps the ID out of its linking. */
        for (int32_t t = i + 1; !jb->rc && t < j; t++) {
            zj_lmention *m = &r->m[idx[t]];
            if (!m->id_trusted)
                continue;
            int g[ZJ_MAX_FIELDS];
            zj_compare(r->kind, rep, m, &r->ar, g);
            if (g[F_NAME] == 0) {
                m->id_trusted = false;
                jb->rc = push_conflict(&jb->found, idx[t], idx[i], r->kind == ZJ_KIND_PERSON
                                       ? "same resident ID, unrelated name"
                                       : "same credit code, unrelated name");
            }
        }
        i = j;
    }
    return NULL;
}

/* Within each group of equal trusted IDs, a member whose sex, birth date or name disagrees
 * with what the ID and the group say is not trusted on its ID: the disagreement is recorded
 * and the mention is left to probabilistic matching. Leaves the mentions still trusted,
 * grouped by ID, in r->trusted. Groups are spread over the cores; their conflicts are kept in
 * group order, as one thread would find them. */
static int check_conflicts(run *r)
{
    int32_t k;
    int32_t *idx = trusted_by_id(r, &k);
    if (!idx)
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    int nt = zj_cores(MAX_THREADS);
    conflict_job job[ZJ_MAX_JOBS];
    int32_t from = 0;
    for (int j = 0; j < nt; j++) {
        int32_t to = j == nt - 1 ? k : (int32_t)((int64_t)k * (j + 1) / nt);
        if (to < from)
            to = from;
        while (to > 0 && to < k && r->m[idx[to]].id_h == r->m[idx[to - 1]].id_h)
            to++;                 /* not inside a group */
        job[j] = (conflict_job){r, idx, from, to, {0}, 0};
        from = to;
    }
    zj_parallel(check_range, job, sizeof job[0], nt);
    int rc = ZJ_OK;
    bool oom = false;
    for (int j = 0; j < nt; j++) {
        oom |= job[j].rc != 0;
        for (size_t c = 0; !rc && !oom && c < job[j].found.n; c++) {
            const conflict *f = &job[j].found.c[c];
            rc = record_conflict(r, f->a, f->b, f->reason);
        }
        free(job[j].found.c);
    }
    if (!rc && oom)
        rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
    /* What stays trusted, still grouped by ID: r->trusted. */
    int32_t w = 0;
    for (int32_t i = 0; i < k; i++)
        if (r->m[idx[i]].id_trusted)
            idx[w++] = idx[i];
    r->trusted = idx;
    r->ntrusted = w;
    return rc;
}

/* ---- term frequencies: pairing.c; the run sets their mentions per entity --------- */

/* Average mentions per identified entity (trusted mentions / distinct trusted IDs). */
static double mentions_per_entity(const run *r)
{
    int32_t k = r->ntrusted, *idx = r->trusted;
    if (k == 0)
        return 1.0;
    int32_t distinct = 1;
    for (int32_t i = 1; i < k; i++)
        distinct += r->m[idx[i]].id_h != r->m[idx[i - 1]].id_h;
    return (double)k / distinct;
}

/* ---- blocking --------------------------------------------------------------------------- */

typedef zj_keyed keyed;

/* One rule's block sizes and sorted members, and its keys where they are kept (the report,
 * and a rule whose pairs visit_pair cannot judge from the mentions). scratch holds r->n
 * elements for the sort. Returns 0 or -1 (out of memory). */
static int build_rule(run *r, int rule, keyed *scratch)
{
    size_t n = (size_t)r->n + 1;
    bool want_keys = r->keep_keys || !r->stable[rule];
    uint64_t *keys = want_keys ? (r->keys[rule] = malloc(n * sizeof *keys)) : NULL;
    int32_t *bsize = r->bsize[rule] = calloc(n, sizeof *bsize);
    keyed *tmp = r->sorted[rule] = malloc(n * sizeof *tmp);
    if ((want_keys && !keys) || !bsize || !tmp)
        return -1;
    size_t k = 0;
    for (int32_t i = 0; i < r->n; i++) {
        uint64_t key = zj_block_key(&r->m[i], &r->cfg->rules[rule], rule);
        if (keys)
            keys[i] = key;
        if (key)
            tmp[k++] = (keyed){key, i};
    }
    if (zj_radix_sort_with(tmp, k, scratch))       /* stable: mention order within a block */
        return -1;
    size_t w = 0;
    for (size_t i = 0; i < k;) {
        size_t j = i;
        while (j < k && tmp[j].key == tmp[i].key)
            j++;
        for (size_t t = i; t < j; t++)
            bsize[tmp[t].idx] = (int32_t)(j - i);
        if (j - i >= 2)
            for (size_t t = i; t < j; t++)
                tmp[w++] = tmp[t];
        i = j;
    }
    r->nsorted[rule] = w;
    keyed *shrunk = realloc(tmp, (w + 1) * sizeof *tmp);
    if (shrunk)
        r->sorted[rule] = shrunk;
    return 0;
}

typedef struct rule_job {
    run *r;
    int first, step;             /* rules first, first + step, ... */
    int rc;
} rule_job;

static void *build_rules(void *arg)
{
    rule_job *j = arg;
    keyed *scratch = malloc(((size_t)j->r->n + 1) * sizeof *scratch);
    if (!scratch)
        j->rc = -1;
    for (int rule = j->first; !j->rc && rule < j->r->cfg->nrules; rule += j->step)
        j->rc = build_rule(j->r, rule, scratch);
    free(scratch);
    return NULL;
}

/* Compute every rule's keys, block sizes and sorted members; rules are independent, so they
 * are spread over the cores. */
static int build_blocks(run *r)
{
    for (int i = 0; i < r->cfg->nrules; i++)
        r->stable[i] = zj_block_rule_stable(&r->cfg->rules[i]);
    int nt = zj_cores(MAX_THREADS);
    if (nt > r->cfg->nrules)
        nt = r->cfg->nrules > 0 ? r->cfg->nrules : 1;
    rule_job job[ZJ_MAX_JOBS];
    for (int j = 0; j < nt; j++)
        job[j] = (rule_job){r, j, nt, 0};
    zj_parallel(build_rules, job, sizeof job[0], nt);
    int rc = 0;
    for (int j = 0; j < nt; j++)
        rc |= job[j].rc;
    return rc ? zj_fail(r->err, ZJ_EDATA, "out of memory") : ZJ_OK;
}

/* Call fn for every candidate pair: mentions sharing a block of some rule (within
 * max_block), not already paired by an earlier rule, and not decided by trusted IDs.
 *
 * Comparing pairs is the linker's hottest loop, so each rule's blocks are split into one run
 * of consecutive blocks per core, about equal in pairs, and visited in parallel. Each thread
 * adds to its own tally (pair_acc); the tallies are merged in block order, so the result is
 * exactly what one thread would have produced. fn must only read the run and write its tally. */
typedef struct pair_acc {
    zj_pcounts counts;           /* comparison-pattern counts (estimation) */
    cand_list cands;             /* every pair compared, in block order (scoring) */
} pair_acc;

typedef int (*pair_fn)(const run *r, int32_t a, int32_t b, pair_acc *t);


typedef struct pair_job {
    const run *r;
    pair_fn fn;
    pair_acc *t;
    const keyed *tmp;
    size_t from, to;             /* tmp[from..to): whole blocks */
    int rule;
    int rc;
} pair_job;

/* A pair is for the model to judge unless both have trusted IDs (the IDs decide) or, in an
 * incremental run, both are already placed. A full run judges exactly the pairs with an "open"
 * member, one without a trusted ID; an incremental run looks at every pair. */
static bool open_mention(const run *r, int32_t i)
{
    return r->incremental || !r->m[i].id_trusted;
}

static int visit_pair(pair_job *j, int32_t a, int32_t b)
{
    const run *r = j->r;
    if (a > b) {
        int32_t t = a;
        a = b;
        b = t;
    }
    const zj_lmention *ma = &r->m[a], *mb = &r->m[b];
    if (r->incremental && ma->entity && mb->entity)
        return ZJ_OK;
    if (ma->id_trusted && mb->id_trusted)
        return ZJ_OK;
    /* An earlier rule has paired them: judged from the two mentions (in cache) where the
     * rule allows, not from its keys (two cache misses per rule). */
    for (int k = 0; k < j->rule; k++) {
        bool same = r->stable[k] ? zj_block_same(ma, mb, &r->cfg->rules[k])
                                 : r->keys[k][a] && r->keys[k][a] == r->keys[k][b];
        if (same && r->bsize[k][a] <= r->cfg->max_block)
            return ZJ_OK;
    }
    return j->fn(r, a, b, j->t);
}

/* A block's pairs that need judging are those with at least one open member (one without a
 * trusted ID): open x open and open x the rest. In a province most mentions carry an ID, so
 * this visits a fraction of the block's n(n-1)/2 pairs. `open` is scratch for one block. */
static void *visit_blocks(void *arg)
{
    pair_job *j = arg;
    const run *r = j->r;
    const keyed *tmp = j->tmp;
    int32_t *open = malloc(((size_t)r->cfg->max_block + 1) * sizeof *open);
    int32_t *closed = malloc(((size_t)r->cfg->max_block + 1) * sizeof *closed);
    if (!open || !closed)
        j->rc = -1;
    for (size_t i = j->from; !j->rc && i < j->to;) {
        size_t e = i;
        while (e < j->to && tmp[e].key == tmp[i].key)
            e++;
        if ((int)(e - i) > r->cfg->max_block) {
            i = e;
            continue;
        }
        /* the next members are scattered in memory: fetched while this block is compared */
        for (size_t x = e; x < e + 8 && x < j->to; x++) {
            const zj_lmention *p = &r->m[tmp[x].idx];
            __builtin_prefetch(p);
            __builtin_prefetch(&p->id_trusted);
        }
        int no = 0, nc = 0;
        for (size_t x = i; x < e; x++) {
            if (open_mention(r, tmp[x].idx))
                open[no++] = tmp[x].idx;
            else
                closed[nc++] = tmp[x].idx;
        }
        for (int x = 0; !j->rc && x < no; x++) {
            for (int y = x + 1; !j->rc && y < no; y++)
                j->rc = visit_pair(j, open[x], open[y]);
            for (int y = 0; !j->rc && y < nc; y++)
                j->rc = visit_pair(j, open[x], closed[y]);
        }
        i = e;
    }
    free(open);
    free(closed);
    return NULL;
}


/* Merge a thread's tally into the first; returns -1 when out of memory. */
static int merge_acc(pair_acc *into, pair_acc *from)
{
    if (zj_pcounts_merge(&into->counts, &from->counts))
        return -1;
    for (size_t i = 0; i < from->cands.n; i++) {
        const cand_pair *c = &from->cands.p[i];
        if (push_cand(&into->cands, c->a, c->b, c->pattern))
            return -1;
    }
    return 0;
}

static int for_each_pair(run *r, pair_fn fn, pair_acc *total, bool count_skips)
{
    int nt = zj_cores(MAX_THREADS);
    pair_acc t[ZJ_MAX_JOBS];
    memset(t, 0, sizeof t);
    int rc = ZJ_OK;
    for (int rule = 0; !rc && rule < r->cfg->nrules; rule++) {
        const keyed *tmp = r->sorted[rule];
        size_t k = r->nsorted[rule];
        /* Pairs in all, then cut points at block starts near each thread's share. */
        double pairs = 0;
        for (size_t i = 0; i < k;) {
            size_t e = i;
            while (e < k && tmp[e].key == tmp[i].key)
                e++;
            if ((int)(e - i) > r->cfg->max_block) {
                if (count_skips)
                    r->st->blocks_skipped++;
            } else
                pairs += (double)(e - i) * (double)(e - i - 1) / 2;
            i = e;
        }
        pair_job job[ZJ_MAX_JOBS];
        size_t from = 0;
        double done = 0;
        for (int j = 0; j < nt; j++) {
            size_t to = from;
            double share = pairs * (j + 1) / nt;
            while (to < k && (j == nt - 1 || done < share)) {
                size_t e = to;
                while (e < k && tmp[e].key == tmp[to].key)
                    e++;
                if ((int)(e - to) <= r->cfg->max_block)
                    done += (double)(e - to) * (double)(e - to - 1) / 2;
                to = e;
            }
            job[j] = (pair_job){r, fn, &t[j], tmp, from, to, rule, ZJ_OK};
            from = to;
        }
        zj_parallel(visit_blocks, job, sizeof job[0], nt);
        for (int j = 1; j < nt; j++)
            if (!job[0].rc)
                job[0].rc = job[j].rc;
        if (job[0].rc)
            rc = zj_fail(r->err, ZJ_EDATA, "out of memory comparing pairs");
        /* Block order is thread order: merging 1.. into 0 keeps the sequential order. */
        for (int j = 1; !rc && j < nt; j++) {
            if (merge_acc(&t[0], &t[j]))
                rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
            zj_pcounts_clear(&t[j].counts);
            t[j].cands.n = 0;
        }
    }
    if (!rc && merge_acc(total, &t[0]))
        rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
    for (int i = 0; i < nt; i++) {
        zj_pcounts_free(&t[i].counts);
        free(t[i].cands.p);
    }
    return rc;
}

/* ---- estimation ------------------------------------------------------------------------- */

static int count_pair(const run *r, int32_t a, int32_t b, pair_acc *t)
{
    int g[ZJ_MAX_FIELDS];
    zj_compare(r->kind, &r->m[a], &r->m[b], &r->ar, g);
    size_t p = zj_pattern_of(r->kind, g);
    if (zj_pcounts_add(&t->counts, p, 1))
        return -1;
    return push_cand(&t->cands, a, b, p);
}

/* Neighbours in r->trusted with one ID, compared: their pattern counts (into r->counts), how
 * many, and how many pairs the ID groups hold in all. Ranges of the list go to the cores; a
 * range starting inside a group first counts the group's members before it. */
typedef struct idpair_job {
    const run *r;
    int32_t from, to;
    zj_pcounts counts;
    int64_t pairs;
    double matching;
    int rc;
} idpair_job;

static void *id_pair_range(void *arg)
{
    idpair_job *j = arg;
    const run *r = j->r;
    const int32_t *idx = r->trusted;
    int g[ZJ_MAX_FIELDS];
    int64_t run_len = 1;             /* members of the current group up to i - 1 */
    for (int32_t b = j->from - 1; b > 0 && r->m[idx[b]].id_h == r->m[idx[b - 1]].id_h; b--)
        run_len++;
    for (int32_t i = j->from > 0 ? j->from : 1; i < j->to; i++) {
        if (i + 8 < j->to)
            __builtin_prefetch(&r->m[idx[i + 8]]);
        if (r->m[idx[i]].id_h != r->m[idx[i - 1]].id_h) {
            run_len = 1;
            continue;
        }
        zj_compare(r->kind, &r->m[idx[i - 1]], &r->m[idx[i]], &r->ar, g);
        if (zj_pcounts_add(&j->counts, zj_pattern_of(r->kind, g), 1)) {
            j->rc = -1;
            return NULL;
        }
        j->pairs++;
        j->matching += (double)run_len;   /* the i-th member pairs with the run_len before it */
        run_len++;
    }
    return NULL;
}

static int id_pair_counts(run *r, int64_t *pairs, double *matching)
{
    int nt = zj_cores(MAX_THREADS);
    idpair_job job[ZJ_MAX_JOBS];
    for (int j = 0; j < nt; j++)
        job[j] = (idpair_job){r, (int32_t)((int64_t)r->ntrusted * j / nt),
                              (int32_t)((int64_t)r->ntrusted * (j + 1) / nt), {0}, 0, 0, 0};
    zj_parallel(id_pair_range, job, sizeof job[0], nt);
    int rc = 0;
    for (int j = 0; j < nt; j++) {
        rc |= job[j].rc;
        if (!rc) {
            *pairs += job[j].pairs;
            *matching += job[j].matching;
            if (zj_pcounts_merge(&r->counts, &job[j].counts))
                rc = -1;
        }
        zj_pcounts_free(&job[j].counts);
    }
    return rc;
}

static int estimate(run *r)
{
    zj_model_init(&r->fs, r->kind);
    if (r->n < 2)
        return ZJ_OK;
    int g[ZJ_MAX_FIELDS];
    /* u: random pairs are almost all non-matches. A fixed seed keeps runs reproducible. */
    zj_pcounts_clear(&r->counts);
    uint64_t seed = 20211215;
    int64_t total = (int64_t)r->n * (r->n - 1) / 2;
    int64_t samples = total < RANDOM_PAIRS ? total : RANDOM_PAIRS;
    for (int64_t i = 0; i < samples; i++) {
        int32_t a = (int32_t)(splitmix(&seed) % (uint64_t)r->n);
        int32_t b = (int32_t)(splitmix(&seed) % (uint64_t)r->n);
        if (a == b)
            continue;
        zj_lmention ma = r->m[a], mb = r->m[b];
        ma.id_trusted = mb.id_trusted = false;   /* so the ID field is compared too */
        zj_compare(r->kind, &ma, &mb, &r->ar, g);
        if (zj_pcounts_add(&r->counts, zj_pattern_of(r->kind, g), 1))
            return zj_fail(r->err, ZJ_EDATA, "out of memory");
    }
    zj_model_set_u(&r->fs, &r->counts);
    /* m, first guess: pairs that share a trusted ID are matches. */
    zj_pcounts_clear(&r->counts);
    int32_t k = r->ntrusted;
    int64_t id_pairs = 0;
    double matching_pairs = 0;       /* pairs inside groups of one trusted ID */
    if (id_pair_counts(r, &id_pairs, &matching_pairs))
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    if (id_pairs)
        zj_model_set_m(&r->fs, &r->counts);
    /* The prior for scoring is the chance that two random mentions are one entity, measured
     * where identity is known: among mentions with trusted IDs. (Blocking only decides which
     * pairs are worth scoring; it must not raise their prior, or every pair that shares a
     * common name would look like a match.) With no IDs to learn from: one match per mention. */
    double all_pairs = (double)k * (k - 1) / 2;
    r->prior = matching_pairs > 0 && all_pairs > 0 ? matching_pairs / all_pairs
                                                   : 1.0 / (double)(r->n > 1 ? r->n : 2);
    /* m and lambda: EM over the candidate pairs. */
    zj_pcounts_clear(&r->counts);
    pair_acc tally = {.counts = r->counts};
    int rc = for_each_pair(r, count_pair, &tally, true);
    r->counts = tally.counts;
    r->cands = tally.cands;
    if (rc)
        return rc;
    r->st->em_iterations = zj_model_em(&r->fs, &r->counts, 50, 1e-5);
    r->st->match_proportion = r->fs.lambda;
    return ZJ_OK;
}

/* ---- scoring ---------------------------------------------------------------------------- */

/* Total match weight of a pair, prior included; exact and same-pinyin names are weighted by
 * how rare the name is (term-frequency adjustment).
 *
 * Tens of millions of pairs share a few thousand comparison patterns, so the weight of every
 * pattern without its name is computed once (prior plus the other fields, in field order);
 * a pair adds its name's weight - for exact and same-pinyin names, by the name's frequency,
 * looked up once per run of pairs with the same name (pairs come block by block). */
typedef struct scorer {
    double *rest;                   /* per slot of the run's pattern counts (every candidate's
                                       pattern is there): prior + every field but the name (and
                                       a shared unit, weighted by its frequency too) */
    double name_w[ZJ_MAX_LEVELS];   /* log2(m/u) of the name levels without frequencies */
    uint64_t last_norm, last_key, last_unit;
    int last_unit_level;
    double last_norm_tf, last_key_tf, last_unit_w;
    size_t unit_div, unit_radix;    /* the unit's digit in a pattern */
} scorer;

static int scorer_init(const run *r, scorer *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->rest = malloc((r->counts.cap + 1) * sizeof *sc->rest);
    if (!sc->rest)
        return -1;
    double prior = log2(r->prior / (1 - r->prior));
    int g[ZJ_MAX_FIELDS];
    for (size_t p = 0; p < r->counts.cap; p++) {
        if (!r->counts.key[p])
            continue;
        zj_pattern_decode(r->kind, r->counts.key[p] - 1, g);
        double w = prior;
        for (int f = 0; f < ZJ_MAX_FIELDS; f++)
            if (f != F_NAME && g[f] != ZJ_MISSING && zj_compare_nlevels(r->kind, f) &&
                !(f == F_UNIT && g[f] >= 1))
                w += zj_model_weight(&r->fs, f, g[f]);
        sc->rest[p] = w;
    }
    sc->unit_div = 1;
    for (int f = 0; f < F_UNIT; f++)
        sc->unit_div *= (size_t)zj_compare_nlevels(r->kind, f) + 1;
    sc->unit_radix = (size_t)zj_compare_nlevels(r->kind, F_UNIT) + 1;
    for (int l = 0; l < zj_compare_nlevels(r->kind, F_NAME); l++)
        sc->name_w[l] = zj_model_weight(&r->fs, F_NAME, l);
    return 0;
}

static double scorer_weight(const run *r, scorer *sc, const zj_lmention *a, size_t pattern,
                            int name_level)
{
    ptrdiff_t slot = zj_pcounts_find(&r->counts, pattern);
    assert(slot >= 0);                /* counted when the pair was compared */
    double w = sc->rest[slot];
    if (name_level == 3) {
        if (a->norm_h != sc->last_norm) {
            sc->last_norm = a->norm_h;
            sc->last_norm_tf = zj_tf_name_u(&r->tf, a, 3);
        }
        double m, u;
        w += zj_model_name_tf_weight(&r->fs, 3, sc->last_norm_tf, &m, &u);
    } else if (name_level == 2) {
        if (a->key_h != sc->last_key) {
            sc->last_key = a->key_h;
            sc->last_key_tf = zj_tf_name_u(&r->tf, a, 2);
        }
        double m, u;
        w += zj_model_name_tf_weight(&r->fs, 2, sc->last_key_tf, &m, &u);
    } else if (name_level >= 0)
        w += sc->name_w[name_level];
    int unit_level = sc->unit_radix > 1 ? (int)(pattern / sc->unit_div % sc->unit_radix) - 1 : -1;
    if (unit_level >= 1) {
        uint64_t h = unit_level >= 2 ? a->post_h : a->unit_h;
        if (h != sc->last_unit || unit_level != sc->last_unit_level) {
            sc->last_unit = h;
            sc->last_unit_level = unit_level;
            sc->last_unit_w = zj_tf_unit_weight(&r->tf, &r->fs, a, unit_level, NULL, NULL);
        }
        w += sc->last_unit_w;
    }
    return w;
}

/* ---- closed world ------------------------------------------------------------------------ *
 * A complaint's target is an officer of the unit it names: the person is on that unit's
 * roster, whatever the spelling. Pairwise scoring cannot use that - it weighs a homophone
 * plus a unit against every person of the province, when the question is only which of the
 * unit's officers is meant. So a mention that refers to a roster (ZJ_UNIT_REFERS) is never
 * linked to a roster mention pair by pair. Once everything else is clustered, the odds of its
 * candidates on the roster (same unit, a compatible name: close, same pinyin or exact) are
 * shared out among the people they belong to: one person's share is 2^w / sum of 2^w over the
 * people (a person's rows - one cluster - count once, at their best weight). The best person
 * is linked when the share reaches the threshold; two officers of the unit with the same name
 * share it evenly and neither is linked, even when one of them has a row without an ID. The
 * link is stored with the share's log-odds (capped) and reason "closed", so leads and
 * `link explain` can say how it was made. */

#define CLOSED_WORLD_CAP 20.0        /* bits: the log-odds of a share of 1 (one candidate) */

static int world_cmp(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return x->weight > y->weight ? -1 : x->weight < y->weight;
}

/* After the other links are clustered: each referring mention's candidates grouped by the
 * cluster (person) of the roster mention, the best person's share, and the merge. */
static int closed_world(run *r, zj_clusters *c, edges *used)
{
    edges *world = &r->world;
    double t = r->cfg->threshold;
    if (world->n)
        qsort(world->e, world->n, sizeof *world->e, world_cmp);
    int rc = ZJ_OK;
    for (size_t i = 0, j; !rc && i < world->n; i = j) {
        for (j = i + 1; j < world->n && world->e[j].a == world->e[i].a; j++)
            ;
        const edge *best = &world->e[i];      /* the heaviest candidate of this mention */
        int32_t best_person = zj_cluster_find(c, best->b);
        double rest = 0;                     /* the other people's odds relative to the best */
        for (size_t k = i + 1; k < j; k++) {
            int32_t person = zj_cluster_find(c, world->e[k].b);
            bool seen = person == best_person;
            for (size_t q = i + 1; q < k && !seen; q++)
                seen = zj_cluster_find(c, world->e[q].b) == person;
            if (!seen)
                rest += exp2((double)world->e[k].weight - (double)best->weight);
        }
        double share = 1 / (1 + rest);
        if (share < t || !zj_clusters_can_merge(c, best->a, best->b))
            continue;
        double odds = rest > 0 ? log2(share / (1 - share)) : CLOSED_WORLD_CAP;
        if (odds > CLOSED_WORLD_CAP)
            odds = CLOSED_WORLD_CAP;
        r->st->pairs_accepted++;
        int mg = zj_clusters_merge(c, best->a, best->b);
        if (mg < 0 || (mg == 1 && push_edge(used, best->a, best->b, odds, 'c')))
            rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
    }
    return rc;
}

/* Score the pairs estimation compared, from their patterns (no second comparison). */
static int score_pairs(run *r)
{
    scorer sc;
    if (scorer_init(r, &sc))
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    /* The name is the pattern's lowest mixed-radix digit (model.c: level + 1, 0 = missing).
     * A probability is only worked out near the threshold's weight. */
    uint32_t name_radix = (uint32_t)zj_compare_nlevels(r->kind, F_NAME) + 1;
    double t = r->cfg->threshold;
    double cut = t > 0 && t < 1 ? log2(t / (1 - t)) : t <= 0 ? -INFINITY : INFINITY;
    int rc = ZJ_OK;
    for (size_t i = 0; !rc && i < r->cands.n; i++) {
        const cand_pair *c = &r->cands.p[i];
        if (i + 16 < r->cands.n) {        /* the pairs' mentions are scattered in memory */
            const zj_lmention *pa = &r->m[c[16].a], *pb = &r->m[c[16].b];
            __builtin_prefetch(&pa->norm_h);
            __builtin_prefetch(&pa->unit_h);
            __builtin_prefetch(&pa->unit_role);
            __builtin_prefetch(&pb->unit_role);
        }
        int name_level = (int)(c->pattern % name_radix) - 1;
        r->st->pairs_compared++;
        double w = scorer_weight(r, &sc, &r->m[c->a], c->pattern, name_level);
        /* a mention that refers to a roster meets the roster's people in the closed world
         * (after clustering), never pair by pair */
        const zj_lmention *ma = &r->m[c->a], *mb = &r->m[c->b];
        if ((ma->unit_role == ZJ_UNIT_REFERS && mb->unit_role == ZJ_UNIT_ROSTER) ||
            (mb->unit_role == ZJ_UNIT_REFERS && ma->unit_role == ZJ_UNIT_ROSTER)) {
            int unit_level = (int)(c->pattern / sc.unit_div % sc.unit_radix) - 1;
            bool a_refers = ma->unit_role == ZJ_UNIT_REFERS;
            if (name_level >= 1 && unit_level >= 1 &&
                push_edge(&r->world, a_refers ? c->a : c->b, a_refers ? c->b : c->a, w, 'c'))
                rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
            continue;
        }
        if (w < cut - 1e-6 || (w < cut + 1e-6 && zj_model_probability(w) < t))
            continue;
        r->st->pairs_accepted++;
        if (push_edge(&r->acc, c->a, c->b, w, 's'))
            rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
    }
    free(sc.rest);
    free(r->cands.p);
    r->cands = (cand_list){0};
    return rc;
}

static int edge_by_weight(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

/* ---- ambiguity -------------------------------------------------------------------------- */

typedef struct cand {
    int32_t mention;             /* the mention without a trusted ID */
    int32_t partner;
    float weight;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->mention != y->mention)
        return x->mention < y->mention ? -1 : 1;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return (x->partner > y->partner) - (x->partner < y->partner);
}

/* A mention without a trusted ID that matches two differently identified people about equally
 * well (张芳 with no ID, next to two 张芳 with IDs) cannot be placed: drop its links to
 * identified mentions and record it for review instead of guessing. */
static int drop_ambiguous(run *r)
{
    cand *c = malloc((2 * r->acc.n + 1) * sizeof *c);
    if (!c)
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < r->acc.n; i++) {
        const edge *e = &r->acc.e[i];
        if (!r->m[e->a].id_trusted && r->m[e->b].id_trusted)
            c[k++] = (cand){e->a, e->b, e->weight};
        if (!r->m[e->b].id_trusted && r->m[e->a].id_trusted)
            c[k++] = (cand){e->b, e->a, e->weight};
    }
    qsort(c, k, sizeof *c, cand_cmp);
    bool *ambiguous = calloc((size_t)r->n + 1, sizeof *ambiguous);
    int rc = ambiguous ? ZJ_OK : zj_fail(r->err, ZJ_EDATA, "out of memory");
    for (size_t i = 0; !rc && i < k;) {
        size_t j = i;
        while (j < k && c[j].mention == c[i].mention)
            j++;
        uint64_t best = r->m[c[i].partner].id_h;
        for (size_t t = i + 1; t < j && c[i].weight - c[t].weight < ZJ_LINK_AMBIGUITY_MARGIN; t++)
            if (r->m[c[t].partner].id_h != best) {
                ambiguous[c[i].mention] = true;
                rc = record_conflict(r, c[i].mention, c[t].partner,
                                     "matches two identified entities equally well");
                break;
            }
        i = j;
    }
    size_t w = 0;
    for (size_t i = 0; !rc && i < r->acc.n; i++) {
        const edge *e = &r->acc.e[i];
        bool drop = (ambiguous[e->a] && r->m[e->b].id_trusted) ||
                    (ambiguous[e->b] && r->m[e->a].id_trusted);
        if (!drop)
            r->acc.e[w++] = *e;
    }
    if (!rc)
        r->acc.n = w;
    free(ambiguous);
    free(c);
    return rc;
}

/* ---- clustering ------------------------------------------------------------------------- */

static int32_t index_of(const run *r, int64_t mention_id)
{
    int32_t lo = 0, hi = r->n;      /* mentions are loaded in id order */
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (r->m[mid].id < mention_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n && r->m[lo].id == mention_id ? lo : -1;
}

static int entity_cmp(const void *a, const void *b)
{
    int64_t x = sort_base[*(const int32_t *)a].entity, y = sort_base[*(const int32_t *)b].entity;
    return (x > y) - (x < y);
}

/* Merge in order of certainty: existing entities (incremental), reviewers' confirmations,
 * trusted IDs, then scored pairs from the strongest down. `used` collects the links that
 * actually merged two clusters. */
static int cluster(run *r, zj_clusters *c, edges *used)
{
    if (zj_clusters_init(c, r->m, r->n, r->incremental))
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    int rc = ZJ_OK;
    if (r->incremental) {
        int32_t *idx = malloc(((size_t)r->n + 1) * sizeof *idx), k = 0;
        if (!idx)
            return zj_fail(r->err, ZJ_EDATA, "out of memory");
        for (int32_t i = 0; i < r->n; i++)
            if (r->m[i].entity)
                idx[k++] = i;
        sort_base = r->m;
        qsort(idx, (size_t)k, sizeof *idx, entity_cmp);
        for (int32_t i = 1; i < k; i++)
            if (r->m[idx[i]].entity == r->m[idx[i - 1]].entity &&
                zj_clusters_merge(c, idx[i - 1], idx[i]) < 0)
                rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
        free(idx);
    }
    /* Reviewers' decisions. A first run has none to read (they name stored mentions), and
     * must not read the store: another thread may be writing (link_both_fresh). */
    zj_stmt *q = NULL;
    if (!rc && !r->set)
        rc = zj_stmt_prepare(r->s, "SELECT d.mention_a, d.mention_b, d.decision FROM link_decision d"
                             " JOIN mention m ON m.id = d.mention_a WHERE m.kind = $1", &q, r->err);
    if (!rc && q) {
        zj_stmt_bind_text(q, 1, r->kind_name, strlen(r->kind_name));
        int step;
        while (!rc && (step = zj_stmt_next(q, r->err)) == 1) {
            int32_t a = index_of(r, zj_stmt_int(q, 0)), b = index_of(r, zj_stmt_int(q, 1));
            const char *d = zj_stmt_text(q, 2, NULL);
            if (a < 0 || b < 0 || !d)
                continue;
            if (!strcmp(d, "reject")) {
                if (zj_clusters_reject(c, a, b))
                    rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
            } else if (!strcmp(d, "confirm")) {
                int mg = zj_clusters_merge(c, a, b);
                if (mg < 0 || (mg == 1 && push_edge(used, a, b, INFINITY, 'd')))
                    rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
            }
        }
        if (!rc && step < 0)
            rc = ZJ_EDATA;
        zj_stmt_finalize(q);
    }
    /* Trusted IDs. */
    int32_t k = r->ntrusted, *idx = r->trusted;
    for (int32_t i = 1; !rc && i < k; i++) {
        int32_t a = idx[i - 1], b = idx[i];
        if (r->m[a].id_h != r->m[b].id_h)
            continue;
        if (!zj_clusters_can_merge(c, a, b))
            continue;
        /* Not kept in link_edge: an equal trusted ID explains itself. */
        if (zj_clusters_merge(c, a, b) < 0)
            rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
    }
    /* Scored pairs, strongest first. */
    if (!rc && r->acc.n)
        qsort(r->acc.e, r->acc.n, sizeof *r->acc.e, edge_by_weight);
    for (size_t i = 0; !rc && i < r->acc.n; i++) {
        edge *e = &r->acc.e[i];
        if (!zj_clusters_can_merge(c, e->a, e->b))
            continue;
        int mg = zj_clusters_merge(c, e->a, e->b);
        if (mg < 0 || (mg == 1 && push_edge(used, e->a, e->b, e->weight, e->reason)))
            rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
    }
    /* Mentions that refer to a roster, among the people the links above made. */
    if (!rc)
        rc = closed_world(r, c, used);
    return rc;
}

/* ---- writing ---------------------------------------------------------------------------- */

typedef struct claim {
    int32_t root;
    int64_t entity;
    int32_t votes;
} claim;

static int claim_cmp(const void *a, const void *b)
{
    const claim *x = a, *y = b;
    if (x->root != y->root)
        return x->root < y->root ? -1 : 1;
    return (x->entity > y->entity) - (x->entity < y->entity);
}

static int claim_by_votes(const void *a, const void *b)
{
    const claim *x = a, *y = b;
    if (x->votes != y->votes)
        return x->votes > y->votes ? -1 : 1;
    if (x->entity != y->entity)
        return x->entity < y->entity ? -1 : 1;
    return (x->root > y->root) - (x->root < y->root);
}

/* Choose each cluster's entity id: the id most of its mentions had, unless a bigger share
 * of another cluster claims it first; otherwise a new entity. */
static int assign_entities(run *r, zj_clusters *c, int64_t *root_entity)
{
    claim *cl = malloc(((size_t)r->n + 1) * sizeof *cl);
    if (!cl)
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    size_t k = 0;
    for (int32_t i = 0; i < r->n; i++)
        if (r->m[i].entity)
            cl[k++] = (claim){zj_cluster_find(c, i), r->m[i].entity, 1};
    qsort(cl, k, sizeof *cl, claim_cmp);
    size_t w = 0;
    for (size_t i = 0; i < k; i++) {
        if (w && cl[w - 1].root == cl[i].root && cl[w - 1].entity == cl[i].entity)
            cl[w - 1].votes++;
        else
            cl[w++] = cl[i];
    }
    qsort(cl, w, sizeof *cl, claim_by_votes);
    /* Which entity ids are claimed: a bitmap over the ids in play. */
    int64_t max_entity = 0;
    for (size_t i = 0; i < w; i++)
        if (cl[i].entity > max_entity)
            max_entity = cl[i].entity;
    uint8_t *taken = calloc((size_t)(max_entity / 8 + 1), 1);
    if (!taken) {
        free(cl);
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    }
    for (size_t i = 0; i < w; i++) {
        int64_t e = cl[i].entity;
        if (root_entity[cl[i].root] || (taken[e / 8] & (1u << (e % 8))))
            continue;
        root_entity[cl[i].root] = e;
        taken[e / 8] |= (uint8_t)(1u << (e % 8));
    }
    free(taken);
    free(cl);
    return ZJ_OK;
}

/* Point each mention whose entity changed at its new entity. Set-based: the changes go to a
 * temporary table and one UPDATE applies them; when most mentions change (a first run) the
 * entity index is dropped and rebuilt around it. */
static int write_assignments(run *r, zj_clusters *c, const int64_t *root_entity)
{
    int rc = zj_store_exec(r->s, "CREATE TEMP TABLE IF NOT EXISTS link_assign ("
                                 " mention_id INTEGER PRIMARY KEY, entity_id INTEGER NOT NULL);"
                                 "DELETE FROM link_assign", r->err);
    zj_stmt *ins = NULL;
    if (!rc)
        rc = zj_stmt_prepare(r->s, "INSERT INTO link_assign VALUES ($1, $2)", &ins, r->err);
    int64_t changed = 0;
    for (int32_t i = 0; !rc && i < r->n; i++) {
        int64_t e = root_entity[zj_cluster_find(c, i)];
        if (e == r->m[i].entity)
            continue;
        zj_stmt_bind_int(ins, 1, r->m[i].id);
        zj_stmt_bind_int(ins, 2, e);
        if (zj_stmt_next(ins, r->err) < 0)
            rc = ZJ_EDATA;
        zj_stmt_reset(ins);
        changed++;
    }
    zj_stmt_finalize(ins);
    if (rc || !changed)
        return rc;
    bool many = changed > r->n / 4;
    if (many)
        rc = zj_store_exec(r->s, "DROP INDEX mention_entity", r->err);
    /* Driven by mention in id order (a sequential pass) rather than by link_assign: measured
     * on 2M mentions, 2.2 s against 10 s for UPDATE ... FROM. */
    if (!rc)
        rc = zj_store_exec(r->s, "UPDATE mention SET entity_id = (SELECT a.entity_id FROM"
                                 " link_assign a WHERE a.mention_id = mention.id)"
                                 " WHERE id IN (SELECT mention_id FROM link_assign)", r->err);
    if (!rc && many)
        rc = zj_store_create_indexes(r->s, "CREATE INDEX mention_entity ON mention(entity_id)",
                                     r->err);
    return rc;
}

/* New entities: one row per cluster without an entity, numbered after the largest id in
 * cluster order (what SQLite's own numbering would give), all in one insertion. */
typedef struct entity_rows {
    const run *r;
    const int32_t *rep;
    const int64_t *root_entity;
    const bool *is_new;
    int32_t root;
    char now[24];
} entity_rows;

static int next_entity(void *ctx, zj_value *v)
{
    entity_rows *e = ctx;
    const run *r = e->r;
    for (; e->root < r->n; e->root++) {
        int32_t root = e->root;
        if (!e->is_new[root])
            continue;        /* no cluster here, or an existing entity */
        const zj_lmention *m = &r->m[e->rep[root]];
        const char *name = r->ar.data + m->norm_off, *id = r->ar.data + m->id_off;
        v[0] = (zj_value){.i = e->root_entity[root]};
        v[1] = (zj_value){.text = r->kind_name, .len = strlen(r->kind_name)};
        v[2] = (zj_value){.is_null = !*name, .text = name, .len = strlen(name)};
        v[3] = (zj_value){.is_null = !m->id_trusted, .text = id, .len = strlen(id)};
        v[4] = (zj_value){.text = e->now, .len = strlen(e->now)};
        e->root++;
        return 1;
    }
    return 0;
}

static int insert_new_entities(run *r, const int32_t *rep, int64_t *root_entity)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(r->s, "SELECT coalesce(max(id), 0) FROM entity", &q, r->err);
    if (rc)
        return rc;
    int64_t next = zj_stmt_next(q, r->err) == 1 ? zj_stmt_int(q, 0) + 1 : -1;
    zj_stmt_finalize(q);
    if (next < 0)
        return ZJ_EDATA;
    bool *is_new = calloc((size_t)r->n + 1, sizeof *is_new);
    if (!is_new)
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    int64_t fresh = 0;
    for (int32_t root = 0; root < r->n; root++)
        if (rep[root] >= 0 && !root_entity[root]) {
            root_entity[root] = next++;
            is_new[root] = true;
            fresh++;
        }
    entity_rows e = {.r = r, .rep = rep, .root_entity = root_entity, .is_new = is_new};
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(e.now, sizeof e.now, "%Y-%m-%d %H:%M:%S", &tm);   /* as CURRENT_TIMESTAMP */
    static const char *const cols[] = {"id", "kind", "name", "id_no", "created_at"};
    static const zj_type types[] = {ZJ_TYPE_INTEGER, ZJ_TYPE_TEXT, ZJ_TYPE_TEXT, ZJ_TYPE_TEXT,
                                    ZJ_TYPE_TEXT};
    int64_t n = 0;
    if (fresh)
        rc = zj_store_insert_all(r->s, "entity", cols, types, 5, next_entity, &e, &n, r->err);
    free(is_new);
    if (!rc && n != fresh)
        rc = zj_fail(r->err, ZJ_EDATA, "writing entities: %lld of %lld stored", (long long)n,
                     (long long)fresh);
    r->st->entities_new += n;
    return rc;
}

typedef struct edge_rows {
    const run *r;
    const edges *used;
    size_t i;
} edge_rows;

static int next_edge(void *ctx, zj_value *v)
{
    edge_rows *er = ctx;
    if (er->i >= er->used->n)
        return 0;
    const edge *e = &er->used->e[er->i++];
    int64_t a = er->r->m[e->a].id, b = er->r->m[e->b].id;
    const char *why = e->reason == 'd' ? "decision" : e->reason == 'c' ? "closed" : "score";
    v[0] = (zj_value){.i = a < b ? a : b};
    v[1] = (zj_value){.i = a < b ? b : a};
    v[2] = (zj_value){.is_null = isinf(e->weight), .r = e->weight};
    v[3] = (zj_value){.text = why, .len = strlen(why)};
    return 1;
}

static int insert_fresh_edges(run *r, const edges *used)
{
    static const char *const cols[] = {"mention_a", "mention_b", "weight", "reason"};
    static const zj_type types[] = {ZJ_TYPE_INTEGER, ZJ_TYPE_INTEGER, ZJ_TYPE_REAL, ZJ_TYPE_TEXT};
    edge_rows er = {r, used, 0};
    int64_t n = 0;
    int rc = used->n ? zj_store_insert_all(r->s, "link_edge", cols, types, 4, next_edge, &er, &n,
                                           r->err)
                     : ZJ_OK;
    if (!rc && (size_t)n != used->n)
        rc = zj_fail(r->err, ZJ_EDATA, "writing links: %lld of %zu stored", (long long)n, used->n);
    return rc;
}

/* A first run: each mention's entity, kept for the one write of both kinds' mentions. */
static int fresh_entities(run *r, zj_clusters *c, const int64_t *root_entity)
{
    int64_t *entity = malloc(((size_t)r->n + 1) * sizeof *entity);
    if (!entity)
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    for (int32_t i = 0; i < r->n; i++)
        entity[i] = root_entity[zj_cluster_find(c, i)];
    *r->entity_of = entity;
    return ZJ_OK;
}

static int write_results(run *r, zj_clusters *c, const edges *used)
{
    int64_t *root_entity = calloc((size_t)r->n + 1, sizeof *root_entity);
    if (!root_entity)
        return zj_fail(r->err, ZJ_EDATA, "out of memory");
    int rc = assign_entities(r, c, root_entity);
    zj_stmt *upd_ent = NULL, *ins_edge = NULL, *ins_param = NULL;
    if (!rc)
        rc = zj_stmt_prepare(r->s, "UPDATE entity SET name = $1, id_no = $2 WHERE id = $3",
                             &upd_ent, r->err);

    /* Representative per cluster: a member with a trusted ID if any, else the first. */
    int32_t *rep = malloc(((size_t)r->n + 1) * sizeof *rep);
    if (!rc && !rep)
        rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
    for (int32_t i = 0; !rc && i < r->n; i++)
        rep[i] = -1;
    for (int32_t i = 0; !rc && i < r->n; i++) {
        int32_t root = zj_cluster_find(c, i);
        if (rep[root] < 0 || (!r->m[rep[root]].id_trusted && r->m[i].id_trusted))
            rep[root] = i;
    }
    /* A cluster whose members all kept their entity needs no entity update. */
    bool *changed = rc ? NULL : calloc((size_t)r->n + 1, sizeof *changed);
    if (!rc && !changed)
        rc = zj_fail(r->err, ZJ_EDATA, "out of memory");
    for (int32_t i = 0; !rc && i < r->n; i++) {
        int32_t root = zj_cluster_find(c, i);
        if (!root_entity[root] || r->m[i].entity != root_entity[root])
            changed[root] = true;
    }
    /* Existing entities that changed are updated; new ones are numbered after the largest
     * id, in cluster order, and inserted together. */
    for (int32_t root = 0; !rc && root < r->n; root++) {
        if (rep[root] < 0)
            continue;
        r->st->entities++;
        if (!changed[root] || !root_entity[root])
            continue;
        const zj_lmention *m = &r->m[rep[root]];
        const char *name = r->ar.data + m->norm_off, *id = r->ar.data + m->id_off;
        if (*name)
            zj_stmt_bind_text(upd_ent, 1, name, strlen(name));
        else
            zj_stmt_bind_null(upd_ent, 1);
        if (m->id_trusted)
            zj_stmt_bind_text(upd_ent, 2, id, strlen(id));
        else
            zj_stmt_bind_null(upd_ent, 2);
        zj_stmt_bind_int(upd_ent, 3, root_entity[root]);
        if (zj_stmt_next(upd_ent, r->err) < 0)
            rc = ZJ_EDATA;
        zj_stmt_reset(upd_ent);
    }
    if (!rc)
        rc = insert_new_entities(r, rep, root_entity);
    free(changed);
    free(rep);
    if (!rc && !r->set)
        stage(r->opt, r->kind_name, "writing entities: assigning mentions");
    if (!rc)
        rc = r->set ? fresh_entities(r, c, root_entity) : write_assignments(r, c, root_entity);
    if (!rc)
        stage(r->opt, r->kind_name, "writing entities: links and model");
    if (!rc)
        rc = write_conflicts(r);
    /* Entities left without mentions are gone (a first run started without any). */
    if (!rc && !r->set)
        rc = exec_for_kind(r, "DELETE FROM entity WHERE kind = $1 AND NOT EXISTS"
                              " (SELECT 1 FROM mention m WHERE m.entity_id = entity.id)");
    /* The links that formed the entities. A full run replaces the kind's links. */
    if (!rc && !r->incremental && !r->set)
        rc = exec_for_kind(r, "DELETE FROM link_edge WHERE mention_a IN"
                              " (SELECT id FROM mention WHERE kind = $1)");
    /* A first run starts from an empty link_edge, and each link in `used` joined two
     * different clusters, so no pair comes twice: one insertion takes them all. */
    if (!rc && r->set)
        rc = insert_fresh_edges(r, used);
    if (!rc && !r->set)
        rc = zj_stmt_prepare(r->s, "INSERT INTO link_edge (mention_a, mention_b, weight, reason)"
                             " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", &ins_edge, r->err);
    for (size_t i = 0; !rc && !r->set && i < used->n; i++) {
        const edge *e = &used->e[i];
        int64_t a = r->m[e->a].id, b = r->m[e->b].id;
        zj_stmt_bind_int(ins_edge, 1, a < b ? a : b);
        zj_stmt_bind_int(ins_edge, 2, a < b ? b : a);
        if (isinf(e->weight))
            zj_stmt_bind_null(ins_edge, 3);
        else
            zj_stmt_bind_double(ins_edge, 3, e->weight);
        const char *why = e->reason == 'd' ? "decision" : e->reason == 'c' ? "closed" : "score";
        zj_stmt_bind_text(ins_edge, 4, why, strlen(why));
        if (zj_stmt_next(ins_edge, r->err) < 0)
            rc = ZJ_EDATA;
        zj_stmt_reset(ins_edge);
    }
    /* The model, for explanations. */
    if (!rc)
        rc = exec_for_kind(r, "DELETE FROM link_param WHERE kind = $1");
    if (!rc)
        rc = zj_stmt_prepare(r->s, "INSERT INTO link_param (kind, field, level, m, u)"
                             " VALUES ($1, $2, $3, $4, $5)", &ins_param, r->err);
    for (int f = 0; !rc && f < ZJ_MAX_FIELDS; f++)
        for (int l = 0; !rc && l < zj_compare_nlevels(r->kind, f); l++) {
            const char *fname = zj_compare_field_name(r->kind, f);
            const char *lname = zj_compare_level_name(r->kind, f, l);
            zj_stmt_bind_text(ins_param, 1, r->kind_name, strlen(r->kind_name));
            zj_stmt_bind_text(ins_param, 2, fname, strlen(fname));
            zj_stmt_bind_text(ins_param, 3, lname, strlen(lname));
            zj_stmt_bind_double(ins_param, 4, r->fs.m[f][l]);
            zj_stmt_bind_double(ins_param, 5, r->fs.u[f][l]);
            if (zj_stmt_next(ins_param, r->err) < 0)
                rc = ZJ_EDATA;
            zj_stmt_reset(ins_param);
        }
    if (!rc) {   /* lambda, stored as a pseudo-field */
        zj_stmt_bind_text(ins_param, 1, r->kind_name, strlen(r->kind_name));
        zj_stmt_bind_text(ins_param, 2, "prior", 5);
        zj_stmt_bind_text(ins_param, 3, "lambda", 6);
        zj_stmt_bind_double(ins_param, 4, r->prior);
        zj_stmt_bind_double(ins_param, 5, 1 - r->prior);
        if (zj_stmt_next(ins_param, r->err) < 0)
            rc = ZJ_EDATA;
        zj_stmt_reset(ins_param);
    }
    if (!rc) {   /* mentions per identified entity, for term frequencies */
        zj_stmt_bind_text(ins_param, 1, r->kind_name, strlen(r->kind_name));
        zj_stmt_bind_text(ins_param, 2, "tf", 2);
        zj_stmt_bind_text(ins_param, 3, "per_entity", 10);
        zj_stmt_bind_double(ins_param, 4, r->per_entity);
        zj_stmt_bind_double(ins_param, 5, 0);
        if (zj_stmt_next(ins_param, r->err) < 0)
            rc = ZJ_EDATA;
    }
    zj_stmt_finalize(upd_ent);
    zj_stmt_finalize(ins_edge);
    zj_stmt_finalize(ins_param);
    free(root_entity);
    return rc;
}

/* ---- one kind --------------------------------------------------------------------------- */

static void free_run(run *r)
{
    free(r->m);
    zj_arena_free(&r->ar);
    for (int i = 0; i < ZJ_MAX_RULES; i++) {
        free(r->keys[i]);
        free(r->sorted[i]);
        free(r->bsize[i]);
    }
    zj_tf_free(&r->tf);
    zj_pcounts_free(&r->counts);
    free(r->acc.e);
    free(r->world.e);
    free(r->cands.p);
    free(r->trusted);
    free(r->conflicts.c);
}

static int setup_run(run *r)
{
    int rc = load(r);
    if (!rc && r->kind == ZJ_KIND_PERSON)
        rc = coparties(r);
    if (rc)
        return rc;
    r->st->mentions = r->n;
    for (int32_t i = 0; i < r->n; i++)
        r->st->new_mentions += r->m[i].entity == 0;
    return build_blocks(r);
}

static void stage(const zj_link_options *opt, const char *kind, const char *what)
{
    if (!opt || !opt->progress)
        return;
    char msg[96];
    snprintf(msg, sizeof msg, "%s: %s", kind, what);
    opt->progress(msg, opt->progress_ctx);
}

/* One kind's run: computing (loading mentions to clusters), then writing. A first run's
 * computing touches no store at all, so persons can be written while enterprises are being
 * resolved (zj_link_run). */
typedef struct kind_job {
    run r;
    zj_clusters c;
    edges used;
    double t0;
    int rc;
    zj_link_options quiet;       /* the writer thread reports no stages */
    zj_error err;                /* the writer thread's own error */
    int64_t *entity;             /* a first run: each mention's entity, once written */
} kind_job;

static void kind_free(kind_job *k)
{
    zj_clusters_free(&k->c);
    free(k->used.e);
    k->used.e = NULL;
    free_run(&k->r);
}

static int kind_compute(kind_job *k, zj_store *s, zj_kind kind, const zj_link_kind_config *cfg,
                        const zj_mention_set *set, const zj_link_options *opt,
                        zj_link_kind_stats *st, zj_error *err)
{
    memset(k, 0, sizeof *k);
    k->t0 = now();
    bool incremental = opt->incremental && !set;
    k->r = (run){.s = s, .kind = kind,
                 .kind_name = kind == ZJ_KIND_PERSON ? "person" : "enterprise", .cfg = cfg,
                 .incremental = incremental, .set = set, .entity_of = &k->entity, .st = st,
                 .err = err, .opt = opt};
    run *r = &k->r;
    stage(opt, r->kind_name, "loading mentions and blocking keys");
    int rc = setup_run(r);
    if (!rc)
        stage(opt, r->kind_name, "checking trusted IDs");
    if (!rc)
        rc = check_conflicts(r);
    st->with_id = r->ntrusted;
    /* term frequencies count trusted IDs, so they come after the conflict check */
    if (!rc && zj_tf_build(&r->tf, r->m, r->n))
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    if (!rc)
        r->tf.per_entity = r->per_entity = mentions_per_entity(r);
    if (!rc)
        stage(opt, r->kind_name, "estimating the model (u from random pairs, m by EM)");
    if (!rc)
        rc = estimate(r);
    if (!rc)
        stage(opt, r->kind_name, "scoring candidate pairs");
    if (!rc)
        rc = score_pairs(r);
    /* Blocking is done with: its arrays (a third of the run's memory at 10M mentions) go
     * before the store's cache fills with what is written next. */
    for (int i = 0; i < ZJ_MAX_RULES; i++) {
        free(r->keys[i]);
        free(r->bsize[i]);
        free(r->sorted[i]);
        r->keys[i] = NULL;
        r->bsize[i] = NULL;
        r->sorted[i] = NULL;
    }
    if (!rc)
        rc = drop_ambiguous(r);
    if (!rc)
        stage(opt, r->kind_name, "clustering");
    if (!rc)
        rc = cluster(r, &k->c, &k->used);
    return k->rc = rc;
}

static int kind_write(kind_job *k)
{
    run *r = &k->r;
    int rc = ZJ_OK;
    /* A first run: no mention names an entity, so any entity of the kind is left over. */
    if (r->set)
        rc = exec_for_kind(r, "DELETE FROM entity WHERE kind = $1");
    if (!rc && !r->incremental && !r->set)
        rc = exec_for_kind(r, "DELETE FROM link_conflict WHERE mention_id IN"
                              " (SELECT id FROM mention WHERE kind = $1)");
    if (!rc)
        stage(r->opt, r->kind_name, "writing entities");
    if (!rc)
        rc = write_results(r, &k->c, &k->used);
    r->st->seconds = now() - k->t0;
    kind_free(k);
    return k->rc = rc;
}

static void *kind_write_thread(void *arg)
{
    kind_job *k = arg;
    kind_write(k);
    return NULL;
}

static int link_kind(zj_store *s, zj_kind kind, const zj_link_kind_config *cfg,
                     const zj_mention_set *set, const zj_link_options *opt,
                     zj_link_kind_stats *st, zj_error *err)
{
    kind_job k;
    int rc = kind_compute(&k, s, kind, cfg, set, opt, st, err);
    if (rc) {
        kind_free(&k);
        return rc;
    }
    return kind_write(&k);
}

/* A first run: persons are computed, then their entities and links written on a thread of
 * their own while enterprises are computed here (nothing but the writer touches the store
 * meanwhile), then enterprises' entities and links, and last every mention, in one pass in
 * id order (mentions.h). */
static int link_both_fresh(zj_store *s, const zj_link_config *cfg, const zj_mention_set *set,
                           const zj_link_options *opt, zj_link_stats *stats, zj_error *err)
{
    kind_job *p = malloc(sizeof *p), *e = malloc(sizeof *e);
    if (!p || !e) {
        free(p);
        free(e);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    if (opt->progress)
        opt->progress("resolving persons", opt->progress_ctx);
    int rc = kind_compute(p, s, ZJ_KIND_PERSON, &cfg->person, set, opt, &stats->person, err);
    if (rc) {
        kind_free(p);
        free(p);
        free(e);
        return rc;
    }
    stage(opt, "person", "writing entities and links (while enterprises are resolved)");
    p->quiet = (zj_link_options){.incremental = opt->incremental, .config = opt->config};
    p->r.opt = &p->quiet;
    p->r.err = &p->err;
    pthread_t th;
    bool threaded = pthread_create(&th, NULL, kind_write_thread, p) == 0;
    if (!threaded)
        kind_write(p);
    if (opt->progress)
        opt->progress("resolving enterprises", opt->progress_ctx);
    rc = kind_compute(e, s, ZJ_KIND_ENTERPRISE, &cfg->enterprise, set, opt, &stats->enterprise,
                      err);
    if (threaded)
        pthread_join(th, NULL);
    if (p->rc && !rc) {
        *err = p->err;
        rc = p->rc;
    }
    if (!rc)
        rc = kind_write(e);
    else
        kind_free(e);
    if (!rc && opt->progress)
        opt->progress("writing mentions", opt->progress_ctx);
    if (!rc)
        rc = zj_mentions_write(s, set, (int64_t *const[2]){p->entity, e->entity}, err);
    free(p->entity);
    free(e->entity);
    free(p);
    free(e);
    return rc;
}

static int mention_table_empty(zj_store *s, bool *empty, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT count(*) FROM (SELECT 1 FROM mention LIMIT 1)", &q, err);
    if (rc)
        return rc;
    int step = zj_stmt_next(q, err);
    *empty = step == 1 && zj_stmt_int(q, 0) == 0;
    zj_stmt_finalize(q);
    return step == 1 ? ZJ_OK : ZJ_EDATA;
}

int zj_link_run(zj_store *s, zj_namer *nm, const zj_link_options *opt, zj_link_stats *stats,
                zj_error *err)
{
    memset(stats, 0, sizeof *stats);
    double t0 = now();
    zj_link_config defaults;
    const zj_link_config *cfg = opt->config;
    if (!cfg) {
        zj_link_config_defaults(&defaults);
        cfg = &defaults;
    }
    /* A first run (no mentions yet) keeps the mentions in memory and writes each once, and
     * every reference it writes is to a row it has just written: it skips the per-row
     * foreign-key lookups (link.sh checks the store after). */
    bool fresh = false;
    int rc = mention_table_empty(s, &fresh, err);
    if (!rc && fresh)
        rc = zj_store_foreign_keys(s, false, err);
    if (!rc)
        rc = zj_store_begin(s, err);
    if (rc) {
        zj_store_foreign_keys(s, true, NULL);
        return rc;
    }
    zj_mention_stats ms;
    int64_t built;
    /* Only the indexes the relations graph joins on; the rest of a bulk load's pending
     * indexes are left to detection, which needs them. */
    if (opt->progress)
        opt->progress("building indexes the relations graph needs", opt->progress_ctx);
    static const char *const relation_tables[] = {"officer", "court_case", "procuratorate_case",
                                                  "police_case"};
    for (size_t i = 0; !rc && i < sizeof relation_tables / sizeof relation_tables[0]; i++)
        rc = zj_store_build_indexes_on(s, relation_tables[i], &built, err);
    bool still_empty = false;
    if (!rc)
        rc = mention_table_empty(s, &still_empty, err);
    if (!rc && still_empty != fresh)
        rc = zj_fail(err, ZJ_EDATA, "another process wrote mentions as link started; run it again");
    zj_mention_set set = {0};
    if (!rc && opt->progress)
        opt->progress("extracting mentions", opt->progress_ctx);
    if (!rc && fresh) {
        rc = zj_mentions_collect(s, nm, &set, &ms, err);
        if (!rc)
            rc = zj_mentions_drop_indexes(s, err);
        if (!rc)   /* links and conflicts name mentions by id: none can be current */
            rc = zj_store_exec(s, "DELETE FROM link_edge; DELETE FROM link_conflict", err);
    } else if (!rc) {
        rc = zj_mentions_extract(s, nm, opt->reextract, &ms, err);
        if (!rc && opt->progress)
            opt->progress("analyzing the store", opt->progress_ctx);
        if (!rc)
            rc = zj_store_analyze(s, err);   /* the mention table may have just grown a lot */
    }
    if (!rc && fresh)
        rc = link_both_fresh(s, cfg, &set, opt, stats, err);
    if (!rc && !fresh && opt->progress)
        opt->progress("resolving persons", opt->progress_ctx);
    if (!rc && !fresh)
        rc = link_kind(s, ZJ_KIND_PERSON, &cfg->person, NULL, opt, &stats->person, err);
    if (!rc && !fresh && opt->progress)
        opt->progress("resolving enterprises", opt->progress_ctx);
    if (!rc && !fresh)
        rc = link_kind(s, ZJ_KIND_ENTERPRISE, &cfg->enterprise, NULL, opt, &stats->enterprise,
                       err);
    zj_mention_set_free(&set);
    if (!rc && fresh) {
        if (opt->progress)
            opt->progress("indexing mentions", opt->progress_ctx);
        rc = zj_mentions_create_indexes(s, err);
        if (!rc)
            rc = zj_store_analyze_table(s, "mention", err);
    }
    if (!rc && opt->progress)
        opt->progress("building the relations graph", opt->progress_ctx);
    if (!rc)
        rc = zj_relations_build(s, &stats->relations, err);
    /* one more committed run: readers holding the graph in memory (the filing check's
     * index, zj_link_generation) tell by it that entities may have moved */
    if (!rc)
        rc = zj_store_exec(s, "INSERT INTO link_state (name, value) VALUES ('runs', 1)"
                              " ON CONFLICT (name) DO UPDATE SET value = link_state.value + 1",
                           err);
    if (!rc && opt->progress)
        opt->progress("committing", opt->progress_ctx);
    if (!rc)
        rc = zj_store_commit(s, err);
    if (rc)
        zj_store_rollback(s, NULL);
    if (fresh && zj_store_foreign_keys(s, true, rc ? NULL : err) && !rc)
        rc = ZJ_EDATA;
    if (!rc && opt->progress)
        opt->progress("done", opt->progress_ctx);
    stats->seconds = now() - t0;
    return rc;
}

/* ---- blocking report -------------------------------------------------------------------- */

int zj_link_blocks(zj_store *s, const zj_link_config *c, int (*fn)(const zj_block_report *, void *),
                   void *ctx, zj_error *err)
{
    zj_link_config defaults;
    if (!c) {
        zj_link_config_defaults(&defaults);
        c = &defaults;
    }
    int rc = ZJ_OK;
    for (int kind = 0; !rc && kind < 2; kind++) {
        zj_link_kind_stats st = {0};
        run r = {.s = s, .kind = (zj_kind)kind, .kind_name = kind ? "enterprise" : "person",
                 .cfg = kind ? &c->enterprise : &c->person, .st = &st, .err = err,
                 .keep_keys = true};
        rc = setup_run(&r);
        for (int rule = 0; !rc && rule < r.cfg->nrules; rule++) {
            zj_block_report rep = {.kind = r.kind_name, .rule = r.cfg->rules[rule].name};
            for (int32_t i = 0; i < r.n; i++) {
                int32_t bs = r.bsize[rule][i];
                if (!r.keys[rule][i])
                    continue;
                rep.mentions_keyed++;
                if (bs < 2)
                    continue;
                /* each block is visited through its members: count it at 1/size per member */
                if (bs > rep.largest_block)
                    rep.largest_block = bs;
                if (bs > r.cfg->max_block) {
                    rep.skipped_pairs += bs - 1;        /* pairs per member, halved below */
                    continue;
                }
                rep.pairs += bs - 1;
                /* pairs of this member with later members that no earlier rule pairs */
            }
            rep.pairs /= 2;
            rep.skipped_pairs /= 2;
            /* blocks: count distinct keys among members of blocks of two or more */
            keyed *tmp = malloc(((size_t)r.n + 1) * sizeof *tmp);
            if (!tmp) {
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
                break;
            }
            size_t k = 0;
            for (int32_t i = 0; i < r.n; i++)
                if (r.keys[rule][i] && r.bsize[rule][i] >= 2)
                    tmp[k++] = (keyed){r.keys[rule][i], i};
            if (zj_radix_sort(tmp, k)) {
                free(tmp);
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
                break;
            }
            for (size_t i = 0; i < k;) {
                size_t j = i;
                while (j < k && tmp[j].key == tmp[i].key)
                    j++;
                rep.blocks++;
                if ((int)(j - i) > r.cfg->max_block)
                    rep.skipped_blocks++;
                else
                    for (size_t x = i; x < j; x++)
                        for (size_t y = x + 1; y < j; y++) {
                            int32_t a = tmp[x].idx, b = tmp[y].idx;
                            bool seen = false;
                            for (int e = 0; e < rule && !seen; e++)
                                seen = r.keys[e][a] && r.keys[e][a] == r.keys[e][b] &&
                                       r.bsize[e][a] <= r.cfg->max_block;
                            rep.new_pairs += !seen;
                        }
                i = j;
            }
            free(tmp);
            if (fn(&rep, ctx))
                break;
        }
        free_run(&r);
    }
    return rc;
}
