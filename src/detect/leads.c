/* leads.c - building leads, the lead sink (upsert by fingerprint) and reading leads back.
 *
 * See leads.h for the contract. The sink compares a 64-bit content hash of everything a
 * reader sees (subject, unit, severity, title, explanation, basis, path, facts, evidence), so a
 * re-run over unchanged data writes one small UPDATE per lead and never touches evidence.
 */
#include "detect/leads.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#define XXH_STATIC_LINKING_ONLY   /* XXH3_state_t on the stack */
#include <xxhash.h>

/* ---- building a lead ---------------------------------------------------------------------- */

void zj_lead_reset(zj_lead *l)
{
    zj_buf_clear(&l->key);
    zj_buf_clear(&l->title);
    zj_buf_clear(&l->explanation);
    zj_buf_clear(&l->path);
    zj_buf_clear(&l->strings);
    l->nev = 0;
    l->subject_table = NULL;
    l->subject_id = 0;
    l->unit_code[0] = '\0';
    l->severity = 0;
    cJSON_Delete(l->facts);
    l->facts = NULL;
}

void zj_lead_free(zj_lead *l)
{
    zj_buf_free(&l->key);
    zj_buf_free(&l->title);
    zj_buf_free(&l->explanation);
    zj_buf_free(&l->path);
    zj_buf_free(&l->strings);
    free(l->ev);
    cJSON_Delete(l->facts);
    memset(l, 0, sizeof *l);
}

/* ---- facts -------------------------------------------------------------------------------- */

static int set_fact(zj_lead *l, const char *key, cJSON *v)
{
    if (!v || (!l->facts && !(l->facts = cJSON_CreateObject()))) {
        cJSON_Delete(v);
        return ZJ_EDATA;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(l->facts, key);
    return cJSON_AddItemToObject(l->facts, key, v) ? ZJ_OK : ZJ_EDATA;
}

static int append_fact(zj_lead *l, const char *key, cJSON *v)
{
    cJSON *arr = l->facts ? cJSON_GetObjectItemCaseSensitive(l->facts, key) : NULL;
    if (!arr || !cJSON_IsArray(arr)) {
        int rc = set_fact(l, key, cJSON_CreateArray());
        if (rc) {
            cJSON_Delete(v);
            return rc;
        }
        arr = cJSON_GetObjectItemCaseSensitive(l->facts, key);
    }
    if (!v || !cJSON_AddItemToArray(arr, v)) {
        cJSON_Delete(v);
        return ZJ_EDATA;
    }
    return ZJ_OK;
}

int zj_lead_fact_int(zj_lead *l, const char *key, int64_t v)
{
    return set_fact(l, key, cJSON_CreateNumber((double)v));
}

int zj_lead_fact_num(zj_lead *l, const char *key, double v)
{
    return set_fact(l, key, cJSON_CreateNumber(v));
}

int zj_lead_fact_str(zj_lead *l, const char *key, const char *v)
{
    return set_fact(l, key, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

int zj_lead_fact_bool(zj_lead *l, const char *key, bool v)
{
    return set_fact(l, key, cJSON_CreateBool(v));
}

int zj_lead_fact_list_str(zj_lead *l, const char *key, const char *v)
{
    return append_fact(l, key, cJSON_CreateString(v ? v : ""));
}

int zj_lead_fact_list_int(zj_lead *l, const char *key, int64_t v)
{
    return append_fact(l, key, cJSON_CreateNumber((double)v));
}

int zj_lead_fact_list_num(zj_lead *l, const char *key, double v)
{
    return append_fact(l, key, cJSON_CreateNumber(v));
}

char *zj_lead_facts_json(const zj_lead *l)
{
    if (!l->facts) {
        char *e = malloc(3);
        if (e)
            memcpy(e, "{}", 3);
        return e;
    }
    return cJSON_PrintUnformatted(l->facts);
}

int zj_lead_key(zj_lead *l, const char *part, size_t n)
{
    if ((l->key.len && zj_buf_putc(&l->key, '\x1f')) || zj_buf_append(&l->key, part, n))
        return ZJ_EDATA;
    return ZJ_OK;
}

/* Offset of a copy of s (with its NUL) in l->strings. */
static int intern(zj_lead *l, const char *s, size_t *off)
{
    *off = l->strings.len;
    return zj_buf_append(&l->strings, s ? s : "", (s ? strlen(s) : 0) + 1) ? ZJ_EDATA : ZJ_OK;
}

static const char *str_at(const zj_lead *l, size_t off)
{
    return l->strings.data + off;
}

int zj_lead_evidence(zj_lead *l, const char *table, int64_t record_id, const char *role,
                     const char *note)
{
    assert(table && role);
    for (size_t i = 0; i < l->nev; i++)
        if (l->ev[i].record_id == record_id && !strcmp(str_at(l, l->ev[i].table), table) &&
            !strcmp(str_at(l, l->ev[i].role), role))
            return ZJ_OK;
    if (l->nev == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        void *p = realloc(l->ev, cap * sizeof *l->ev);
        if (!p)
            return ZJ_EDATA;
        l->ev = p;
        l->cap = cap;
    }
    size_t t, r, n;
    if (intern(l, table, &t) || intern(l, role, &r) || intern(l, note, &n))
        return ZJ_EDATA;
    l->ev[l->nev].table = t;
    l->ev[l->nev].record_id = record_id;
    l->ev[l->nev].role = r;
    l->ev[l->nev].note = n;
    l->nev++;
    return ZJ_OK;
}

bool zj_lead_has_evidence(const zj_lead *l, const char *table, int64_t record_id)
{
    for (size_t i = 0; i < l->nev; i++)
        if (l->ev[i].record_id == record_id && !strcmp(str_at(l, l->ev[i].table), table))
            return true;
    return false;
}

size_t zj_lead_nevidence(const zj_lead *l)
{
    return l->nev;
}

zj_evidence zj_lead_evidence_at(const zj_lead *l, size_t i)
{
    assert(i < l->nev);
    zj_evidence e = {str_at(l, l->ev[i].table), l->ev[i].record_id,
                     str_at(l, l->ev[i].role), str_at(l, l->ev[i].note)};
    return e;
}

void zj_lead_fingerprint(const char *code, const char *key, size_t keylen, char out[48])
{
    XXH128_hash_t h = XXH3_128bits(key ? key : "", key ? keylen : 0);
    snprintf(out, 48, "%.8s-%016llx%016llx", code, (unsigned long long)h.high64,
             (unsigned long long)h.low64);
}

/* ---- the sink ----------------------------------------------------------------------------- */

struct zj_lead_sink {
    zj_store *s;
    char code[16];
    int64_t run;
    const char *basis;
    char now[20];
    zj_stmt *sel, *ins, *upd, *touch, *del_ev, *ins_ev;
    int64_t found, inserted, updated, unchanged;
    struct kept *kept;          /* a memory sink's leads (s is NULL), in emitted order */
    size_t nkept, capkept;
};

/* A lead a memory sink keeps: a deep copy, with its subject table and facts as text. */
typedef struct kept {
    zj_lead l;
    char *table, *facts;
} kept;

static const char sel_sql[] = "SELECT id, content_hash, last_run FROM lead WHERE fingerprint = $1";
static const char ins_sql[] =
    "INSERT INTO lead (code, fingerprint, subject_table, subject_id, unit_code, severity, title,"
    " explanation, basis, status, first_seen_at, last_seen_at, path, last_run, content_hash,"
    " facts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', $10, $10, $11, $12, $13, $14)";
/* (SQLite numbers parameters by first appearance: keep $N in increasing order.) */
static const char upd_sql[] =
    "UPDATE lead SET subject_table = $1, subject_id = $2, unit_code = $3, severity = $4,"
    " title = $5, explanation = $6, basis = $7, path = $8, last_seen_at = $9, last_run = $10,"
    " content_hash = $11, facts = $12 WHERE id = $13";
static const char touch_sql[] = "UPDATE lead SET last_seen_at = $1, last_run = $2 WHERE id = $3";
static const char del_ev_sql[] = "DELETE FROM lead_evidence WHERE lead_id = $1";
static const char ins_ev_sql[] =
    "INSERT INTO lead_evidence (lead_id, table_name, record_id, role, note)"
    " VALUES ($1, $2, $3, $4, $5)";

int zj_sink_open(zj_store *s, const char *code, int64_t run_id, const char *basis,
                 zj_lead_sink **out, zj_error *err)
{
    *out = NULL;
    zj_lead_sink *k = calloc(1, sizeof *k);
    if (!k)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    k->s = s;
    snprintf(k->code, sizeof k->code, "%s", code);
    k->run = run_id;
    k->basis = basis;
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(k->now, sizeof k->now, "%Y-%m-%d %H:%M:%S", &tm);
    int rc;
    if ((rc = zj_stmt_prepare(s, sel_sql, &k->sel, err)) ||
        (rc = zj_stmt_prepare(s, ins_sql, &k->ins, err)) ||
        (rc = zj_stmt_prepare(s, upd_sql, &k->upd, err)) ||
        (rc = zj_stmt_prepare(s, touch_sql, &k->touch, err)) ||
        (rc = zj_stmt_prepare(s, del_ev_sql, &k->del_ev, err)) ||
        (rc = zj_stmt_prepare(s, ins_ev_sql, &k->ins_ev, err))) {
        zj_sink_close(k);
        return rc;
    }
    *out = k;
    return ZJ_OK;
}

static int sink_emit(zj_lead_sink *k, const zj_lead *l, const char *facts, zj_error *err);

int zj_sink_open_memory(const char *code, zj_lead_sink **out, zj_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    snprintf((*out)->code, sizeof (*out)->code, "%s", code);
    return ZJ_OK;
}

static void kept_free(kept *k)
{
    zj_lead_free(&k->l);
    free(k->table);
    free(k->facts);
}

/* Keep a copy of l (facts: its facts as JSON, taken over). */
static int keep(zj_lead_sink *k, const zj_lead *l, char *facts, zj_error *err)
{
    kept *v = zj_grow(k->kept, &k->capkept, k->nkept + 1, sizeof *k->kept, 16);
    if (!v) {
        free(facts);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    k->kept = v;
    kept *c = &k->kept[k->nkept];
    memset(c, 0, sizeof *c);
    c->facts = facts;
    c->table = l->subject_table ? strdup(l->subject_table) : NULL;
    c->l.subject_table = c->table;
    c->l.subject_id = l->subject_id;
    memcpy(c->l.unit_code, l->unit_code, sizeof c->l.unit_code);
    c->l.severity = l->severity;
    bool ok = (!l->subject_table || c->table) &&
              !zj_buf_append(&c->l.key, l->key.data, l->key.len) &&
              !zj_buf_append(&c->l.title, l->title.data, l->title.len) &&
              !zj_buf_append(&c->l.explanation, l->explanation.data, l->explanation.len) &&
              !zj_buf_append(&c->l.path, l->path.data, l->path.len) &&
              !zj_buf_append(&c->l.strings, l->strings.data, l->strings.len);
    if (ok && l->nev) {
        c->l.ev = malloc(l->nev * sizeof *c->l.ev);
        ok = c->l.ev != NULL;
        if (ok) {
            memcpy(c->l.ev, l->ev, l->nev * sizeof *c->l.ev);
            c->l.nev = c->l.cap = l->nev;
        }
    }
    if (!ok) {
        kept_free(c);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    k->nkept++;
    k->found++;
    return ZJ_OK;
}

int zj_sink_replay(const zj_lead_sink *from, zj_lead_sink *to, zj_error *err)
{
    int rc = ZJ_OK;
    for (size_t i = 0; !rc && i < from->nkept; i++)
        rc = sink_emit(to, &from->kept[i].l, from->kept[i].facts, err);
    return rc;
}

void zj_sink_close(zj_lead_sink *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->nkept; i++)
        kept_free(&k->kept[i]);
    free(k->kept);
    zj_stmt_finalize(k->sel);
    zj_stmt_finalize(k->ins);
    zj_stmt_finalize(k->upd);
    zj_stmt_finalize(k->touch);
    zj_stmt_finalize(k->del_ev);
    zj_stmt_finalize(k->ins_ev);
    free(k);
}

void zj_sink_counts(const zj_lead_sink *k, int64_t *found, int64_t *inserted, int64_t *updated,
                    int64_t *unchanged)
{
    *found = k->found;
    *inserted = k->inserted;
    *updated = k->updated;
    *unchanged = k->unchanged;
}

static void hash_str(XXH3_state_t *st, const char *s)
{
    XXH3_64bits_update(st, s ? s : "", s ? strlen(s) + 1 : 1);
}

static void hash_int(XXH3_state_t *st, int64_t v)
{
    XXH3_64bits_update(st, &v, sizeof v);
}

static int64_t content_hash(const zj_lead_sink *k, const zj_lead *l, const char *facts)
{
    XXH3_state_t st;
    XXH3_64bits_reset(&st);
    hash_str(&st, l->subject_table);
    hash_int(&st, l->subject_id);
    hash_str(&st, l->unit_code);
    hash_int(&st, l->severity);
    hash_str(&st, l->title.data);
    hash_str(&st, l->explanation.data);
    hash_str(&st, k->basis);
    hash_str(&st, l->path.data);
    hash_str(&st, facts);
    for (size_t i = 0; i < l->nev; i++) {
        zj_evidence e = zj_lead_evidence_at(l, i);
        hash_str(&st, e.table);
        hash_int(&st, e.record_id);
        hash_str(&st, e.role);
        hash_str(&st, e.note);
    }
    return (int64_t)XXH3_64bits_digest(&st);
}

static void bind_opt(zj_stmt *st, int i, const char *s)
{
    if (s && *s)
        zj_stmt_bind_text(st, i, s, strlen(s));
    else
        zj_stmt_bind_null(st, i);
}

static int step_done(zj_stmt *st, zj_error *err)
{
    int rc = zj_stmt_next(st, err) < 0 ? ZJ_EDATA : ZJ_OK;
    zj_stmt_reset(st);
    return rc;
}

/* Bind the fields shared by INSERT ($3..$9 after code and fingerprint) and UPDATE ($1..$7). */
static void bind_fields(zj_stmt *st, int first, const zj_lead_sink *k, const zj_lead *l)
{
    zj_stmt_bind_text(st, first, l->subject_table, strlen(l->subject_table));
    zj_stmt_bind_int(st, first + 1, l->subject_id);
    bind_opt(st, first + 2, l->unit_code);
    zj_stmt_bind_int(st, first + 3, l->severity);
    zj_stmt_bind_text(st, first + 4, l->title.data ? l->title.data : "", l->title.len);
    zj_stmt_bind_text(st, first + 5, l->explanation.data ? l->explanation.data : "",
                      l->explanation.len);
    bind_opt(st, first + 6, k->basis);
}

static int write_evidence(zj_lead_sink *k, int64_t lead_id, const zj_lead *l, zj_error *err)
{
    for (size_t i = 0; i < l->nev; i++) {
        zj_evidence e = zj_lead_evidence_at(l, i);
        zj_stmt_bind_int(k->ins_ev, 1, lead_id);
        zj_stmt_bind_text(k->ins_ev, 2, e.table, strlen(e.table));
        zj_stmt_bind_int(k->ins_ev, 3, e.record_id);
        zj_stmt_bind_text(k->ins_ev, 4, e.role, strlen(e.role));
        bind_opt(k->ins_ev, 5, e.note);
        if (step_done(k->ins_ev, err))
            return ZJ_EDATA;
    }
    return ZJ_OK;
}

int zj_sink_emit(zj_lead_sink *k, const zj_lead *l, zj_error *err)
{
    char *facts = zj_lead_facts_json(l);
    if (!facts)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    if (!k->s)
        return keep(k, l, facts, err);
    int rc = sink_emit(k, l, facts, err);
    free(facts);
    return rc;
}

static int sink_emit(zj_lead_sink *k, const zj_lead *l, const char *facts, zj_error *err)
{
    if (!l->subject_table || l->subject_id <= 0 || !l->key.len || l->severity < 1 ||
        l->severity > 4 || !l->title.len)
        return zj_fail(err, ZJ_EUSAGE, "detector %s: a lead needs a key, a subject, a "
                       "severity 1-4 and a title", k->code);
    char fp[48];
    zj_lead_fingerprint(k->code, l->key.data, l->key.len, fp);
    int64_t h = content_hash(k, l, facts);
    zj_stmt_bind_text(k->sel, 1, fp, strlen(fp));
    int step = zj_stmt_next(k->sel, err);
    int64_t id = 0, old_hash = 0, old_run = 0;
    if (step == 1) {
        id = zj_stmt_int(k->sel, 0);
        old_hash = zj_stmt_is_null(k->sel, 1) ? 0 : zj_stmt_int(k->sel, 1);
        old_run = zj_stmt_is_null(k->sel, 2) ? 0 : zj_stmt_int(k->sel, 2);
    }
    zj_stmt_reset(k->sel);
    if (step < 0)
        return ZJ_EDATA;
    k->found++;
    if (!id) {
        zj_stmt_bind_text(k->ins, 1, k->code, strlen(k->code));
        zj_stmt_bind_text(k->ins, 2, fp, strlen(fp));
        bind_fields(k->ins, 3, k, l);
        zj_stmt_bind_text(k->ins, 10, k->now, strlen(k->now));
        bind_opt(k->ins, 11, l->path.data);
        zj_stmt_bind_int(k->ins, 12, k->run);
        zj_stmt_bind_int(k->ins, 13, h);
        zj_stmt_bind_text(k->ins, 14, facts, strlen(facts));
        if (step_done(k->ins, err))
            return ZJ_EDATA;
        k->inserted++;
        return write_evidence(k, zj_store_last_insert_id(k->s), l, err);
    }
    if (old_run == k->run)
        return zj_fail(err, ZJ_EUSAGE, "detector %s produced the finding %s twice in one run "
                       "(its key parts must tell findings apart)", k->code, fp);
    if (old_hash == h) {
        zj_stmt_bind_text(k->touch, 1, k->now, strlen(k->now));
        zj_stmt_bind_int(k->touch, 2, k->run);
        zj_stmt_bind_int(k->touch, 3, id);
        if (step_done(k->touch, err))
            return ZJ_EDATA;
        k->unchanged++;
        return ZJ_OK;
    }
    bind_fields(k->upd, 1, k, l);
    bind_opt(k->upd, 8, l->path.data);
    zj_stmt_bind_text(k->upd, 9, k->now, strlen(k->now));
    zj_stmt_bind_int(k->upd, 10, k->run);
    zj_stmt_bind_int(k->upd, 11, h);
    zj_stmt_bind_text(k->upd, 12, facts, strlen(facts));
    zj_stmt_bind_int(k->upd, 13, id);
    zj_stmt_bind_int(k->del_ev, 1, id);
    if (step_done(k->upd, err) || step_done(k->del_ev, err))
        return ZJ_EDATA;
    k->updated++;
    return write_evidence(k, id, l, err);
}

/* ---- reading leads back -------------------------------------------------------------------- */

/* The one rule for a current lead (leads.h), on a lead aliased `l`: the latest finished run of
 * its detector produced it. A lead with no run (last_run NULL) is not current. Every reader of
 * "current" leads - `leads list --current`, the leaders' analysis, eval - goes through it. */
#define LEAD_IS_CURRENT                                                                        \
    "l.last_run = (SELECT max(r.id) FROM detect_run r WHERE r.code = l.code"                   \
    " AND r.finished_at IS NOT NULL)"

/* Prepared "provenance of record N" statements, one per table seen. */
typedef struct prov_cache {
    zj_store *s;
    struct { char table[40]; zj_stmt *st; } e[16];
    int n;
} prov_cache;

static void prov_free(prov_cache *c)
{
    for (int i = 0; i < c->n; i++)
        zj_stmt_finalize(c->e[i].st);
    c->n = 0;
}

/* The statement for `table`, or NULL (with *rc = 0) when it is not a canonical table. */
static zj_stmt *prov_stmt(prov_cache *c, const char *table, int *rc, zj_error *err)
{
    *rc = ZJ_OK;
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->e[i].table, table))
            return c->e[i].st;
    if (!zj_store_table(c->s, table) || strlen(table) >= sizeof c->e[0].table)
        return NULL;
    if (c->n == 16)
        prov_free(c);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT t.source_system, t.source_key, t.batch_id, t.src_line,"
             " b.file FROM \"%s\" t LEFT JOIN import_batch b ON b.id = t.batch_id"
             " WHERE t.id = $1", table);
    zj_stmt *st;
    if ((*rc = zj_stmt_prepare(c->s, sql, &st, err)))
        return NULL;
    snprintf(c->e[c->n].table, sizeof c->e[0].table, "%s", table);
    c->e[c->n].st = st;
    return c->e[c->n++].st;
}

/* Look record `id` of `table` up: returns its statement (reset it after reading the row, NULL
 * when the table is not canonical) with *found 1 when the row is there (columns: source_system,
 * source_key, batch_id, src_line, file), 0 when not; *rc is set on error. */
static zj_stmt *prov_lookup(prov_cache *c, const char *table, int64_t id, bool *found, int *rc,
                            zj_error *err)
{
    *found = false;
    zj_stmt *p = prov_stmt(c, table, rc, err);
    if (p) {
        zj_stmt_bind_int(p, 1, id);
        int step = zj_stmt_next(p, err);
        *found = step == 1;
        if (step < 0)
            *rc = ZJ_EDATA;
    }
    return p;
}

static const char lead_cols[] =
    "SELECT l.id, l.code, l.fingerprint, l.subject_table, l.subject_id, l.unit_code,"
    " (SELECT min(u.name) FROM unit u WHERE u.unit_code = l.unit_code), l.severity, l.title,"
    " l.explanation, l.basis, l.path, l.status, l.first_seen_at, l.last_seen_at,"
    " CASE WHEN " LEAD_IS_CURRENT " THEN 1 ELSE 0 END, l.facts"
    " FROM lead l";

static int each_row(zj_store *s, zj_stmt *q, int (*fn)(const zj_lead_row *, void *), void *ctx,
                    int64_t *n, zj_error *err)
{
    prov_cache pc = {.s = s};
    int step, rc = ZJ_OK;
    *n = 0;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        zj_lead_row r = {
            .id = zj_stmt_int(q, 0),
            .code = zj_stmt_text(q, 1, NULL),
            .fingerprint = zj_stmt_text(q, 2, NULL),
            .subject_table = zj_stmt_text(q, 3, NULL),
            .subject_id = zj_stmt_int(q, 4),
            .unit_code = zj_stmt_text(q, 5, NULL),
            .unit_name = zj_stmt_text(q, 6, NULL),
            .severity = (int)zj_stmt_int(q, 7),
            .title = zj_stmt_text(q, 8, NULL),
            .explanation = zj_stmt_text(q, 9, NULL),
            .basis = zj_stmt_text(q, 10, NULL),
            .path = zj_stmt_text(q, 11, NULL),
            .status = zj_stmt_text(q, 12, NULL),
            .first_seen_at = zj_stmt_text(q, 13, NULL),
            .last_seen_at = zj_stmt_text(q, 14, NULL),
            .current = zj_stmt_int(q, 15) != 0,
            .facts = zj_stmt_text(q, 16, NULL),
        };
        bool found;
        zj_stmt *p = prov_lookup(&pc, r.subject_table, r.subject_id, &found, &rc, err);
        if (found) {
            r.subject_system = zj_stmt_text(p, 0, NULL);
            r.subject_key = zj_stmt_text(p, 1, NULL);
        }
        if (!rc) {
            (*n)++;
            if (fn(&r, ctx))
                step = 0;
        }
        if (p)
            zj_stmt_reset(p);
        if (!step)
            break;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    prov_free(&pc);
    return rc;
}

/* The free-text condition on lead `l` with the text as parameter $n (zj_leads_each). */
static void text_cond(zj_store *s, const zj_lead_filter *f, zj_buf *sql, int n)
{
    zj_buf_printf(sql,
                  "(l.unit_code = $%d"
                  " OR l.unit_code IN (SELECT unit_code FROM unit WHERE instr(name, $%d) > 0)"
                  " OR instr(l.title, $%d) > 0 OR instr(l.explanation, $%d) > 0",
                  n, n, n, n);
    if (f->nentities) {
        zj_buf ids = {0};
        for (size_t i = 0; i < f->nentities; i++)
            zj_buf_printf(&ids, "%s%lld", i ? "," : "", (long long)f->entities[i]);
        zj_buf_printf(sql,
                      " OR EXISTS (SELECT 1 FROM mention m WHERE m.table_name = l.subject_table"
                      "  AND m.record_id = l.subject_id AND m.entity_id IN (%s))"
                      " OR EXISTS (SELECT 1 FROM lead_evidence e JOIN mention m"
                      "  ON m.table_name = e.table_name AND m.record_id = e.record_id"
                      "  WHERE e.lead_id = l.id AND m.entity_id IN (%s))",
                      ids.data ? ids.data : "0", ids.data ? ids.data : "0");
        zj_buf_free(&ids);
    }
    const zj_table *t;
    size_t nt = zj_store_tables(s, &t);
    for (size_t i = 0; i < nt; i++)
        for (size_t c = 0; c < t[i].ncolumns; c++)
            if (!strcmp(t[i].columns[c].name, "case_no"))
                zj_buf_printf(sql,
                              " OR (l.subject_table = '%s' AND EXISTS (SELECT 1 FROM %s r"
                              "  WHERE r.id = l.subject_id AND r.case_no = $%d))"
                              " OR EXISTS (SELECT 1 FROM lead_evidence e JOIN %s r ON r.id = e.record_id"
                              "  WHERE e.lead_id = l.id AND e.table_name = '%s' AND r.case_no = $%d)",
                              t[i].name, t[i].name, n, t[i].name, t[i].name, n);
    zj_buf_puts(sql, ")");
}

/* Passes rows on and remembers whether fn asked to stop (zj_leads_by_id). */
typedef struct stop_ctx {
    int (*fn)(const zj_lead_row *, void *);
    void *ctx;
    bool stopped;
} stop_ctx;

static int stop_fn(const zj_lead_row *r, void *vctx)
{
    stop_ctx *c = vctx;
    c->stopped = c->fn(r, c->ctx) != 0;
    return c->stopped;
}

/* The statement of zj_leads_each (keys: only id and unit) with its parameters bound. */
static int leads_query(zj_store *s, const zj_lead_filter *f, bool keys, zj_stmt **out,
                       zj_error *err)
{
    zj_buf sql = {0};
    zj_buf_puts(&sql, keys ? "SELECT l.id, l.unit_code FROM lead l" : lead_cols);
    const char *vals[4];
    int nv = 0;
    const char *cond = " WHERE ";
    if (f && f->code) {
        zj_buf_printf(&sql, "%sl.code = $%d", cond, ++nv);
        vals[nv - 1] = f->code;
        cond = " AND ";
    }
    if (f && f->status) {
        zj_buf_printf(&sql, "%sl.status = $%d", cond, ++nv);
        vals[nv - 1] = f->status;
        cond = " AND ";
    }
    if (f && f->unit) {
        zj_buf_printf(&sql, "%sl.unit_code = $%d", cond, ++nv);
        vals[nv - 1] = f->unit;
        cond = " AND ";
    }
    if (f && f->text && f->text[0]) {
        zj_buf_puts(&sql, cond);
        text_cond(s, f, &sql, ++nv);
        vals[nv - 1] = f->text;
        cond = " AND ";
    }
    if (f && f->current_only)
        zj_buf_printf(&sql, "%s" LEAD_IS_CURRENT, cond);
    zj_buf_puts(&sql, " ORDER BY l.severity DESC, l.code, l.id");
    if (f && f->limit > 0)
        zj_buf_printf(&sql, " LIMIT %lld", (long long)f->limit);
    if (!sql.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, sql.data, &q, err);
    zj_buf_free(&sql);
    if (rc)
        return rc;
    for (int i = 0; i < nv; i++)
        zj_stmt_bind_text(q, i + 1, vals[i], strlen(vals[i]));
    *out = q;
    return ZJ_OK;
}

int zj_leads_each(zj_store *s, const zj_lead_filter *f,
                  int (*fn)(const zj_lead_row *, void *), void *ctx, zj_error *err)
{
    zj_stmt *q;
    int rc = leads_query(s, f, false, &q, err);
    if (rc)
        return rc;
    int64_t n;
    rc = each_row(s, q, fn, ctx, &n, err);
    zj_stmt_finalize(q);
    return rc;
}

int zj_leads_keys_each(zj_store *s, const zj_lead_filter *f,
                       int (*fn)(const zj_lead_place *, void *), void *ctx, zj_error *err)
{
    zj_stmt *q;
    int rc = leads_query(s, f, true, &q, err);
    if (rc)
        return rc;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        zj_lead_place k = {zj_stmt_int(q, 0), zj_stmt_text(q, 1, NULL)};
        if (fn(&k, ctx))
            break;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_lead_set_status(zj_store *s, int64_t id, const char *status, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "UPDATE lead SET status = $1 WHERE id = $2", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, status, strlen(status));
    zj_stmt_bind_int(q, 2, id);
    int step = zj_stmt_next(q, err);
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    return zj_store_changes(s) == 1 ? ZJ_OK : zj_fail_as(err, ZJ_ERR_NOT_FOUND, "no lead %lld", (long long)id);
}

int zj_lead_get(zj_store *s, int64_t id, int (*fn)(const zj_lead_row *, void *), void *ctx,
                zj_error *err)
{
    char sql[sizeof lead_cols + 32];
    snprintf(sql, sizeof sql, "%s WHERE l.id = $1", lead_cols);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, sql, &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, id);
    int64_t n;
    rc = each_row(s, q, fn, ctx, &n, err);
    zj_stmt_finalize(q);
    if (!rc && !n)
        rc = zj_fail_as(err, ZJ_ERR_NOT_FOUND, "no lead %lld (see 'zhijian leads list')", (long long)id);
    return rc;
}

int zj_leads_by_id(zj_store *s, const int64_t *ids, size_t n,
                   int (*fn)(const zj_lead_row *, void *), void *ctx, zj_error *err)
{
    if (n == 0)
        return ZJ_OK;
    char sql[sizeof lead_cols + 32];
    snprintf(sql, sizeof sql, "%s WHERE l.id = $1", lead_cols);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, sql, &q, err);
    bool stop = false;
    for (size_t i = 0; !rc && !stop && i < n; i++) {
        zj_stmt_bind_int(q, 1, ids[i]);
        stop_ctx sc = {fn, ctx, false};
        int64_t got;
        rc = each_row(s, q, stop_fn, &sc, &got, err);
        stop = sc.stopped;
        zj_stmt_reset(q);
    }
    zj_stmt_finalize(q);
    return rc;
}

int zj_lead_evidence_each(zj_store *s, int64_t lead_id,
                          int (*fn)(const zj_evidence_row *, void *), void *ctx, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT table_name, record_id, role, note FROM lead_evidence"
                             " WHERE lead_id = $1 ORDER BY id", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, lead_id);
    prov_cache pc = {.s = s};
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        zj_evidence_row e = {
            .table = zj_stmt_text(q, 0, NULL),
            .record_id = zj_stmt_int(q, 1),
            .role = zj_stmt_text(q, 2, NULL),
            .note = zj_stmt_text(q, 3, NULL),
        };
        zj_stmt *p = prov_lookup(&pc, e.table, e.record_id, &e.exists, &rc, err);
        if (e.exists) {
            e.source_system = zj_stmt_text(p, 0, NULL);
            e.source_key = zj_stmt_text(p, 1, NULL);
            e.batch_id = zj_stmt_int(p, 2);
            e.line = zj_stmt_int(p, 3);
            e.file = zj_stmt_text(p, 4, NULL);
        }
        int stop = rc ? 0 : fn(&e, ctx);
        if (p)
            zj_stmt_reset(p);
        if (stop)
            break;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    prov_free(&pc);
    zj_stmt_finalize(q);
    return rc;
}

int zj_leads_current_each(zj_store *s, const char *subject_table,
                          int (*fn)(const zj_lead_ref *, void *), void *ctx, int64_t *orphans,
                          zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, subject_table
                             ? "SELECT l.id, l.code, l.subject_table, l.subject_id FROM lead l"
                               " WHERE l.subject_table = $1 AND " LEAD_IS_CURRENT
                               " ORDER BY l.id"
                             : "SELECT l.id, l.code, l.subject_table, l.subject_id FROM lead l"
                               " WHERE " LEAD_IS_CURRENT " ORDER BY l.subject_table, l.id",
                             &q, err);
    if (rc)
        return rc;
    if (subject_table)
        zj_stmt_bind_text(q, 1, subject_table, strlen(subject_table));
    prov_cache pc = {.s = s};
    int64_t lost = 0;
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        zj_lead_ref r = {
            .id = zj_stmt_int(q, 0),
            .code = zj_stmt_text(q, 1, NULL),
            .subject_table = zj_stmt_text(q, 2, NULL),
            .subject_id = zj_stmt_int(q, 3),
        };
        bool found;
        zj_stmt *p = prov_lookup(&pc, r.subject_table, r.subject_id, &found, &rc, err);
        if (found) {
            r.source_system = zj_stmt_text(p, 0, NULL);
            r.source_key = zj_stmt_text(p, 1, NULL);
        }
        int stop = 0;
        if (!rc && found)
            stop = fn(&r, ctx);
        else if (!rc)
            lost++;             /* an unknown table or a vanished record */
        if (p)
            zj_stmt_reset(p);
        if (stop)
            break;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    prov_free(&pc);
    zj_stmt_finalize(q);
    if (orphans)
        *orphans = lost;
    return rc;
}

int zj_leads_not_seen(zj_store *s, const char *code, int64_t run_id, int64_t *n, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT count(*) FROM lead WHERE code = $1"
                             " AND (last_run IS NULL OR last_run <> $2)", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, code, strlen(code));
    zj_stmt_bind_int(q, 2, run_id);
    if (zj_stmt_next(q, err) == 1)
        *n = zj_stmt_int(q, 0);
    else
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

/* ---- incremental runs ---------------------------------------------------------------------- */

/* Run `sql` with parameters: `code` (when not NULL), a, b (when >= 0), then code2 and c (when
 * code2 is not NULL), numbered in that order. *changed (may be NULL) = rows changed. */
static int exec_bound(zj_store *s, const char *sql, const char *code, int64_t a, int64_t b,
                      int64_t *changed, zj_error *err, const char *code2, int64_t c)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, sql, &q, err);
    if (rc)
        return rc;
    int i = 1;
    if (code)
        zj_stmt_bind_text(q, i++, code, strlen(code));
    zj_stmt_bind_int(q, i++, a);
    if (b >= 0)
        zj_stmt_bind_int(q, i++, b);
    if (code2) {
        zj_stmt_bind_text(q, i++, code2, strlen(code2));
        zj_stmt_bind_int(q, i, c);
    }
    if (zj_stmt_next(q, err) < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    if (!rc && changed)
        *changed = zj_store_changes(s);
    return rc;
}

int zj_leads_scope_snapshot(zj_store *s, const char *code, int64_t prev_run, zj_error *err)
{
    int rc = zj_store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS zj_prev_current"
                           " (lead_id INTEGER PRIMARY KEY); DELETE FROM temp.zj_prev_current;",
                           err);
    if (rc)
        return rc;
    return exec_bound(s, "INSERT INTO temp.zj_prev_current (lead_id) SELECT l.id"
                      " FROM temp.zj_scope_subject t JOIN lead l ON l.subject_table ="
                      " t.table_name AND l.subject_id = t.record_id"
                      " WHERE l.code = $1 AND l.last_run = $2 ON CONFLICT DO NOTHING",
                      code, prev_run, -1, NULL, err, NULL, 0);
}

int zj_leads_carry(zj_store *s, const char *code, int64_t prev_run, int64_t run, int64_t *n,
                   zj_error *err)
{
    /* (parameters numbered by first appearance: $1 first) */
    return exec_bound(s, "UPDATE lead SET last_run = $1 WHERE code = $2 AND last_run = $3"
                      " AND NOT EXISTS (SELECT 1 FROM temp.zj_scope_subject t"
                      "  WHERE t.table_name = lead.subject_table AND t.record_id = lead.subject_id)",
                      NULL, run, -1, n, err, code, prev_run);
}

int zj_leads_record_changes(zj_store *s, int64_t run, int64_t *n, zj_error *err)
{
    return exec_bound(s, "INSERT INTO lead_change (run_id, lead_id, change, cause_table, cause_id,"
                      " cause_batch, cause_note) SELECT $1, l.id, CASE WHEN l.last_run = $1"
                      " THEN 'event' ELSE 'resolved' END, t.cause_table, t.cause_id,"
                      " t.cause_batch, t.cause_note FROM temp.zj_prev_current p"
                      " JOIN lead l ON l.id = p.lead_id JOIN temp.zj_scope_subject t"
                      " ON t.table_name = l.subject_table AND t.record_id = l.subject_id"
                      " ORDER BY l.id",
                      NULL, run, -1, n, err, NULL, 0);
}

int zj_lead_changes_each(zj_store *s, int64_t after_id,
                         int (*fn)(const zj_lead_change *, void *), void *ctx, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT c.id, c.run_id, c.lead_id, c.change, c.cause_table,"
                             " c.cause_id, c.cause_batch, c.cause_note, b.file FROM lead_change c"
                             " LEFT JOIN import_batch b ON b.id = c.cause_batch"
                             " WHERE c.id > $1 ORDER BY c.id", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, after_id);
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        zj_lead_change c = {
            .id = zj_stmt_int(q, 0), .run_id = zj_stmt_int(q, 1), .lead_id = zj_stmt_int(q, 2),
            .change = zj_stmt_text(q, 3, NULL), .cause_table = zj_stmt_text(q, 4, NULL),
            .cause_id = zj_stmt_int(q, 5), .cause_batch = zj_stmt_int(q, 6),
            .cause_note = zj_stmt_text(q, 7, NULL), .cause_file = zj_stmt_text(q, 8, NULL),
        };
        if (fn(&c, ctx))
            break;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

/* ---- counts for the leaders' case-flow figures ------------------------------------------- */

int zj_leads_case_counts_each(zj_store *s, int (*fn)(const zj_case_lead_count *, void *),
                              void *ctx, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s,
        "SELECT CASE WHEN l.subject_table IN ('incident', 'police_case') THEN 'police'"
        "  WHEN l.subject_table = 'procuratorate_case' THEN 'procuratorate' ELSE 'court' END AS ag,"
        " l.unit_code, substr(coalesce(i.received_at, p.accepted_at, p.filed_at, q.received_at,"
        "  c.filed_at), 1, 7) AS m, count(*), count(DISTINCT CASE WHEN l.code IN ('CF02', 'CF06',"
        "  'PN01') THEN l.subject_table || ':' || l.subject_id END)"
        " FROM lead l LEFT JOIN incident i ON l.subject_table = 'incident' AND i.id = l.subject_id"
        " LEFT JOIN police_case p ON l.subject_table = 'police_case' AND p.id = l.subject_id"
        " LEFT JOIN procuratorate_case q ON l.subject_table = 'procuratorate_case'"
        "  AND q.id = l.subject_id"
        " LEFT JOIN court_case c ON l.subject_table = 'court_case' AND c.id = l.subject_id"
        " WHERE (l.code LIKE 'CF%' OR l.code LIKE 'PN%') AND l.status NOT IN ('closed', 'dismissed')"
        "  AND l.subject_table IN ('incident', 'police_case', 'procuratorate_case', 'court_case')"
        "  AND " LEAD_IS_CURRENT
        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", &q, err);
    if (rc)
        return rc;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        zj_case_lead_count c = {zj_stmt_text(q, 0, NULL), zj_stmt_text(q, 1, NULL),
                                zj_stmt_text(q, 2, NULL), zj_stmt_int(q, 3), zj_stmt_int(q, 4)};
        if (fn(&c, ctx))
            break;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}
