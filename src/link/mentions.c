/* mentions.c - which columns of which table name a person or enterprise, and their
 * normalization into the mention table (see mentions.h).
 *
 * The spec table below is the single place that knows where people and enterprises appear in
 * the canonical model. Its role names are part of the contract with the generator's identity
 * truth (docs/truth.md) and with the relations graph (relations.c).
 */
#include "link/mentions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "text/ent_name.h"
#include "text/phone.h"
#include "text/resident_id.h"
#include "text/uscc.h"

typedef struct mention_spec {
    const char *table;
    const char *role;
    const char *kind;         /* "person", "enterprise", or NULL: decided by kind_col */
    const char *name;         /* column names; NULL when the table has none */
    const char *id_no;        /* resident ID (persons) or credit code (enterprises) */
    const char *birth_date;
    const char *sex;
    const char *phone;
    const char *region;
    const char *address;
    const char *kind_col;     /* case_party.party_kind: 'enterprise' or a person */
    const char *uscc;         /* with kind_col: the enterprise identifier column */
    const char *context;      /* persons: the credit code of the enterprise they are named for */
} mention_spec;

#define P .kind = "person"
#define E .kind = "enterprise"
static const mention_spec specs[] = {
    {"officer", "self", P, .name = "name", .id_no = "id_no", .birth_date = "birth_date", .sex = "sex", .phone = "phone"},
    {"officer_relative", "self", P, .name = "name", .id_no = "id_no", .birth_date = "birth_date", .sex = "sex", .phone = "phone"},
    {"person", "self", P, .name = "name", .id_no = "id_no", .birth_date = "birth_date", .sex = "sex", .phone = "phone", .region = "region_code", .address = "address"},
    {"enterprise", "self", E, .name = "name", .id_no = "uscc", .region = "region_code", .address = "address"},
    {"enterprise", "legal_rep", P, .name = "legal_rep_name", .id_no = "legal_rep_id_no", .context = "uscc"},
    {"enterprise_role", "person", P, .name = "person_name", .id_no = "person_id_no", .context = "uscc"},
    {"enterprise_role", "enterprise", E, .name = "enterprise_name", .id_no = "uscc"},
    {"tax_registration", "self", E, .name = "taxpayer_name", .id_no = "taxpayer_no", .region = "region_code"},
    {"tax_registration", "legal_rep", P, .name = "legal_rep_name", .id_no = "legal_rep_id_no", .context = "taxpayer_no"},
    {"tax_registration", "finance_officer", P, .name = "finance_officer_name", .id_no = "finance_officer_id_no", .context = "taxpayer_no"},
    {"case_party", "party", .name = "name", .id_no = "id_no", .phone = "phone", .address = "address", .kind_col = "party_kind", .uscc = "uscc"},
    {"interference_record", "actor", P, .name = "actor_name", .id_no = "actor_id_no"},
    {"complaint", "complainant", P, .name = "complainant_name", .id_no = "complainant_id_no", .phone = "complainant_phone"},
    {"sentence_change", "prisoner", P, .name = "prisoner_name", .id_no = "prisoner_id_no"},
    {"prisoner", "self", P, .name = "name", .id_no = "id_no"},
    {"cc_subject", "self", P, .name = "name", .id_no = "id_no", .region = "region_code"},
    {"incident", "reporter", P, .name = "reporter_name", .phone = "reporter_phone", .region = "region_code"},
};
#undef P
#undef E

/* The columns a spec reads, in this order, after id: name id_no birth_date sex phone region
 * address kind_col uscc (missing ones read as NULL). */
enum { C_NAME = 1, C_ID, C_BIRTH, C_SEX, C_PHONE, C_REGION, C_ADDRESS, C_KIND, C_USCC, C_CONTEXT };

static void select_col(zj_buf *b, const char *col)
{
    if (col)
        zj_buf_printf(b, ", t.\"%s\"", col);
    else
        zj_buf_puts(b, ", NULL");
}

static int build_select(const mention_spec *sp, zj_buf *b)
{
    zj_buf_puts(b, "SELECT t.id");
    select_col(b, sp->name);
    select_col(b, sp->id_no);
    select_col(b, sp->birth_date);
    select_col(b, sp->sex);
    select_col(b, sp->phone);
    select_col(b, sp->region);
    select_col(b, sp->address);
    select_col(b, sp->kind_col);
    select_col(b, sp->uscc);
    select_col(b, sp->context);
    zj_buf_printf(b, " FROM \"%s\" t WHERE t.batch_id > $1 ORDER BY t.id", sp->table);
    return b->data ? ZJ_OK : -1;
}

static const char upsert_sql[] =
    "INSERT INTO mention (table_name, record_id, role, kind, name, id_no, birth_date, sex,"
    " phone, region_code, name_norm, name_key, id_status, address, context)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    " ON CONFLICT (table_name, record_id, role) DO UPDATE SET kind = excluded.kind,"
    " name = excluded.name, id_no = excluded.id_no, birth_date = excluded.birth_date,"
    " sex = excluded.sex, phone = excluded.phone, region_code = excluded.region_code,"
    " name_norm = excluded.name_norm, name_key = excluded.name_key,"
    " id_status = excluded.id_status, address = excluded.address, context = excluded.context";

/* Sex as written (M/F, 男/女, 1/2 per GB/T 2261.1) -> 'M' / 'F' / 0. */
static char parse_sex(const char *s, size_t n)
{
    if (!s || !n)
        return 0;
    if ((n == 1 && (s[0] == 'M' || s[0] == 'm' || s[0] == '1')) || (n == 3 && !memcmp(s, "男", 3)))
        return 'M';
    if ((n == 1 && (s[0] == 'F' || s[0] == 'f' || s[0] == '2')) || (n == 3 && !memcmp(s, "女", 3)))
        return 'F';
    return 0;
}

/* One record's mention, normalized: the row to store, and the buffers its strings live in. */
typedef struct work {
    zj_mention_row row;
    char norm[2 * ZJ_NAME_MAX + 1], key[4 * ZJ_NAME_MAX + 1];
    char idnorm[20], birth_iso[16], region6[12], phone_norm[24], sex[2];
    zj_buf raw[7];             /* name, id, birth, phone, region, address, context as read */
} work;

static void work_free(work *w)
{
    for (int i = 0; i < 7; i++)
        zj_buf_free(&w->raw[i]);
}

/* A column's text as a NUL-terminated copy, or NULL when absent or empty. *oom is set when
 * the copy cannot be made. */
static char *column(zj_stmt *q, int col, zj_buf *b, bool *oom)
{
    size_t n;
    const char *p = zj_stmt_text(q, col, &n);
    if (!p || !n)
        return NULL;
    zj_buf_clear(b);
    if (zj_buf_append(b, p, n)) {
        *oom = true;
        return NULL;
    }
    return b->data;
}

/* Normalize the current record of q into w->row. Returns 1, 0 when the record names nobody,
 * or -1 when out of memory. */
static int normalize(zj_namer *nm, zj_stmt *q, const mention_spec *sp, work *w)
{
    zj_mention_row *row = &w->row;
    memset(row, 0, sizeof *row);
    row->table = sp->table;
    row->role = sp->role;
    row->record_id = zj_stmt_int(q, 0);
    bool oom = false;
    char *name = column(q, C_NAME, &w->raw[0], &oom);
    char *id = column(q, C_ID, &w->raw[1], &oom);
    char *birth = column(q, C_BIRTH, &w->raw[2], &oom);
    size_t sex_len, kind_len;
    const char *sexs = zj_stmt_text(q, C_SEX, &sex_len);
    char *phone = column(q, C_PHONE, &w->raw[3], &oom);
    char *region = column(q, C_REGION, &w->raw[4], &oom);
    char *addr = column(q, C_ADDRESS, &w->raw[5], &oom);
    const char *kindv = zj_stmt_text(q, C_KIND, &kind_len);
    bool person = !sp->kind || sp->kind[0] == 'p';
    if (!sp->kind && kindv && kind_len == 10 && memcmp(kindv, "enterprise", 10) == 0) {
        person = false;
        id = column(q, C_USCC, &w->raw[1], &oom);
    }
    row->kind = person ? 0 : 1;
    if (oom)
        return -1;
    if (!name && !id)
        return 0;

    const char *why;
    w->norm[0] = w->key[0] = '\0';
    if (name) {
        size_t name_len = strlen(name);
        if (person) {
            zj_name nmres;
            if (zj_name_analyze(nm, name, name_len, &nmres, &why) == 0) {
                snprintf(w->norm, sizeof w->norm, "%s", nmres.simplified);
                snprintf(w->key, sizeof w->key, "%s", nmres.key);
            }
        } else {
            if (zj_name_simplify(nm, name, name_len, w->norm, sizeof w->norm, &why) < 0)
                w->norm[0] = '\0';
            if (zj_ent_key(nm, name, name_len, w->key, sizeof w->key, &why) < 0)
                w->key[0] = '\0';
        }
    }

    /* Identifier: its normalized form and status decide deterministic linking. */
    const char *status = "missing";
    w->idnorm[0] = w->birth_iso[0] = w->region6[0] = '\0';
    char sex = parse_sex(sexs, sexs ? sex_len : 0);
    if (id) {
        size_t id_len = strlen(id);
        if (person) {
            zj_resident_id rid;
            if (zj_resident_id_parse(id, id_len, 0, &rid, &why) == 0) {
                status = rid.converted ? "legacy" : "valid";
                memcpy(w->idnorm, rid.id, 19);
                snprintf(w->birth_iso, sizeof w->birth_iso, "%04d-%02d-%02d", rid.year % 10000,
                         rid.month % 100, rid.day % 100);
                snprintf(w->region6, sizeof w->region6, "%06d", rid.region_code % 1000000);
                if (!sex)
                    sex = rid.sex;
            } else
                status = "invalid";
        } else {
            zj_uscc u;
            if (zj_uscc_parse(id, id_len, &u, &why) == 0) {
                status = "valid";
                memcpy(w->idnorm, u.code, 19);
                snprintf(w->region6, sizeof w->region6, "%06d", u.region_code % 1000000);
            } else
                status = "invalid";
        }
    }
    /* A birth date written in the record wins for comparison; the ID's is the fallback (a
     * disagreement between the two is a conflict reported by the linker). Dates and region
     * codes are compared by their first 10 and 6 characters. */
    if (birth && strlen(birth) >= 10)
        birth[10] = '\0';
    else
        birth = w->birth_iso[0] ? w->birth_iso : NULL;
    if (region && strlen(region) >= 6)
        region[6] = '\0';
    else
        region = w->region6[0] ? w->region6 : NULL;
    w->phone_norm[0] = '\0';
    if (phone) {
        zj_phone ph;
        if (zj_phone_parse(phone, strlen(phone), &ph, &why) == 0)
            snprintf(w->phone_norm, sizeof w->phone_norm, "%s", ph.normalized);
    }
    w->sex[0] = sex;
    w->sex[1] = '\0';
    char *ctx = column(q, C_CONTEXT, &w->raw[6], &oom);
    zj_uscc cu;
    if (ctx && strlen(ctx) >= 18 && zj_uscc_parse(ctx, strlen(ctx), &cu, &why) == 0)
        memcpy(ctx, cu.code, 19);      /* the buffer holds at least the 18 characters parsed */
    if (oom)
        return -1;

    row->v[ZJ_MC_NAME] = name;
    row->v[ZJ_MC_ID_NO] = w->idnorm[0] ? w->idnorm : id;
    row->v[ZJ_MC_BIRTH] = birth;
    row->v[ZJ_MC_SEX] = sex ? w->sex : NULL;
    row->v[ZJ_MC_PHONE] = w->phone_norm[0] ? w->phone_norm : NULL;
    row->v[ZJ_MC_REGION] = region;
    row->v[ZJ_MC_NORM] = w->norm[0] ? w->norm : NULL;
    row->v[ZJ_MC_KEY] = w->key[0] ? w->key : NULL;
    row->v[ZJ_MC_STATUS] = status;
    row->v[ZJ_MC_ADDRESS] = addr;
    row->v[ZJ_MC_CONTEXT] = ctx;
    return 1;
}

static const char *const kind_names[2] = {"person", "enterprise"};

/* Bind a row's columns from $first on: table_name record_id role kind, then ZJ_MC_*. Every
 * string lives until the statement has run and been reset. */
static void bind_row(zj_stmt *st, int first, const zj_mention_row *row)
{
    zj_stmt_bind_text_ref(st, first, row->table, strlen(row->table));
    zj_stmt_bind_int(st, first + 1, row->record_id);
    zj_stmt_bind_text_ref(st, first + 2, row->role, strlen(row->role));
    const char *kind = kind_names[row->kind];
    zj_stmt_bind_text_ref(st, first + 3, kind, strlen(kind));
    for (int c = 0; c < ZJ_MC_COUNT; c++) {
        const char *v = row->v[c];
        if (v && *v)
            zj_stmt_bind_text_ref(st, first + 4 + c, v, strlen(v));
        else
            zj_stmt_bind_null(st, first + 4 + c);
    }
}

static int64_t scalar(zj_store *s, const char *sql, zj_error *err, int *rc)
{
    zj_stmt *q;
    if ((*rc = zj_stmt_prepare(s, sql, &q, err)))
        return 0;
    int step = zj_stmt_next(q, err);
    int64_t v = step == 1 ? zj_stmt_int(q, 0) : 0;
    if (step < 0)
        *rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return v;
}

/* Indexes on mention other than its unique key: dropped while a first extraction fills an
 * empty table, rebuilt after (one sort instead of millions of index insertions). */
int zj_mentions_drop_indexes(zj_store *s, zj_error *err)
{
    return zj_store_exec(s, "DROP INDEX IF EXISTS mention_entity;"
                            " DROP INDEX IF EXISTS mention_id_no", err);
}

int zj_mentions_create_indexes(zj_store *s, zj_error *err)
{
    return zj_store_exec(s, "CREATE INDEX IF NOT EXISTS mention_entity ON mention(entity_id);"
                            "CREATE INDEX IF NOT EXISTS mention_id_no ON mention(id_no)", err);
}

/* Where a run's records come from, and what happens to each normalized mention. */
typedef int (*mention_sink)(const zj_mention_row *row, void *ctx, zj_error *err);

static int each_mention(zj_store *s, zj_namer *nm, int64_t watermark, mention_sink sink,
                       void *ctx, zj_mention_stats *stats, zj_error *err)
{
    work *w = calloc(1, sizeof *w);
    if (!w)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    int rc = ZJ_OK;
    for (size_t i = 0; !rc && i < sizeof specs / sizeof specs[0]; i++) {
        const mention_spec *sp = &specs[i];
        if (!zj_store_table(s, sp->table))
            continue;
        zj_buf sql = {0};
        zj_stmt *q = NULL;
        if (build_select(sp, &sql))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        else
            rc = zj_stmt_prepare(s, sql.data, &q, err);
        zj_buf_free(&sql);
        if (!rc)
            zj_stmt_bind_int(q, 1, watermark);
        int step;
        while (!rc && (step = zj_stmt_next(q, err)) == 1) {
            stats->records++;
            int n = normalize(nm, q, sp, w);
            if (n < 0)
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
            else if (n == 0)
                stats->skipped++;
            else if (!(rc = sink(&w->row, ctx, err)))
                stats->mentions++;
        }
        if (!rc && step < 0)
            rc = ZJ_EDATA;
        zj_stmt_finalize(q);
        if (rc)
            zj_error_prefix(err, "extracting mentions from %s.%s: ", sp->table, sp->role);
    }
    work_free(w);
    free(w);
    return rc;
}

static int set_watermark(zj_store *s, int64_t newest, zj_error *err)
{
    zj_stmt *st;
    int rc = zj_stmt_prepare(s, "INSERT INTO link_state (name, value) VALUES ('extracted_batch', $1)"
                             " ON CONFLICT (name) DO UPDATE SET value = excluded.value", &st, err);
    if (!rc) {
        zj_stmt_bind_int(st, 1, newest);
        rc = zj_stmt_next(st, err) < 0 ? ZJ_EDATA : ZJ_OK;
        zj_stmt_finalize(st);
    }
    return rc;
}

static int upsert_sink(const zj_mention_row *row, void *ctx, zj_error *err)
{
    zj_stmt *up = ctx;
    bind_row(up, 1, row);
    int rc = zj_stmt_next(up, err);
    zj_stmt_reset(up);
    return rc < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_mentions_extract(zj_store *s, zj_namer *nm, bool all, zj_mention_stats *stats,
                        zj_error *err)
{
    memset(stats, 0, sizeof *stats);
    int rc = ZJ_OK;
    int64_t watermark = all ? 0 : scalar(s, "SELECT coalesce(max(value), 0) FROM link_state"
                                            " WHERE name = 'extracted_batch'", err, &rc);
    int64_t newest = rc ? 0 : scalar(s, "SELECT coalesce(max(id), 0) FROM import_batch", err, &rc);
    bool empty = !rc && scalar(s, "SELECT count(*) FROM (SELECT 1 FROM mention LIMIT 1)", err,
                               &rc) == 0;
    if (!rc && empty)
        rc = zj_mentions_drop_indexes(s, err);
    zj_stmt *up = NULL;
    if (!rc)
        rc = zj_stmt_prepare(s, upsert_sql, &up, err);
    if (!rc)
        rc = each_mention(s, nm, watermark, upsert_sink, up, stats, err);
    zj_stmt_finalize(up);
    if (!rc && empty)
        rc = zj_mentions_create_indexes(s, err);
    if (!rc)
        rc = set_watermark(s, newest, err);
    return rc;
}

/* ---- the in-memory set ------------------------------------------------------------------
 * A row is packed as: spec index (1 byte), kind (1 byte), record id (8 bytes), then per
 * column a NUL-terminated string whose first byte is 1 for "present" or 0 for NULL. */

static int set_reserve(zj_mention_set *set, size_t extra)
{
    if (set->len + extra <= set->cap)
        return 0;
    size_t cap = set->cap ? set->cap : 1 << 22;
    while (cap < set->len + extra)
        cap *= 2;
    char *p = realloc(set->data, cap);
    if (!p)
        return -1;
    set->data = p;
    set->cap = cap;
    return 0;
}

static int spec_index(const zj_mention_row *row)
{
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (specs[i].table == row->table && specs[i].role == row->role)
            return (int)i;
    return -1;
}

static int collect_sink(const zj_mention_row *row, void *ctx, zj_error *err)
{
    zj_mention_set *set = ctx;
    int spec = spec_index(row), k = row->kind;
    size_t need = 10;
    for (int c = 0; c < ZJ_MC_COUNT; c++)
        need += 2 + (row->v[c] ? strlen(row->v[c]) : 0);
    if (spec < 0 || set_reserve(set, need))
        return zj_fail(err, ZJ_EDATA, spec < 0 ? "mention of no spec" : "out of memory");
    if (set->n[k] == set->ncap[k]) {
        int64_t cap = set->ncap[k] ? set->ncap[k] * 2 : 65536;
        uint64_t *p = realloc(set->off[k], (size_t)cap * sizeof *p);
        if (!p)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        set->off[k] = p;
        set->ncap[k] = cap;
    }
    set->off[k][set->n[k]++] = set->len;
    char *p = set->data + set->len;
    *p++ = (char)spec;
    *p++ = (char)k;
    memcpy(p, &row->record_id, 8);
    p += 8;
    for (int c = 0; c < ZJ_MC_COUNT; c++) {
        const char *v = row->v[c] && *row->v[c] ? row->v[c] : NULL;
        *p++ = v ? 1 : 0;
        if (v) {
            size_t n = strlen(v);
            memcpy(p, v, n);
            p += n;
        }
        *p++ = '\0';
    }
    set->len = (size_t)(p - set->data);
    return ZJ_OK;
}

void zj_mention_set_row(const zj_mention_set *set, int kind, int64_t i, zj_mention_row *out)
{
    const char *p = set->data + set->off[kind][i];
    const mention_spec *sp = &specs[(unsigned char)p[0]];
    out->table = sp->table;
    out->role = sp->role;
    out->kind = p[1];
    memcpy(&out->record_id, p + 2, 8);
    p += 10;
    for (int c = 0; c < ZJ_MC_COUNT; c++) {
        bool present = *p++;
        out->v[c] = present ? p : NULL;
        p += strlen(p) + 1;
    }
}

int64_t zj_mention_set_id(const zj_mention_set *set, int kind, int64_t i)
{
    return (kind ? set->n[0] : 0) + i + 1;
}

int zj_mentions_collect(zj_store *s, zj_namer *nm, zj_mention_set *set, zj_mention_stats *stats,
                        zj_error *err)
{
    memset(stats, 0, sizeof *stats);
    int rc = ZJ_OK;
    int64_t newest = scalar(s, "SELECT coalesce(max(id), 0) FROM import_batch", err, &rc);
    if (!rc)
        rc = each_mention(s, nm, 0, collect_sink, set, stats, err);
    if (!rc)
        rc = set_watermark(s, newest, err);
    return rc;
}

int zj_mentions_write(zj_store *s, const zj_mention_set *set, int kind, const int64_t *entity,
                      zj_error *err)
{
    zj_stmt *ins;
    int rc = zj_stmt_prepare(s, "INSERT INTO mention (id, table_name, record_id, role, kind, name,"
                             " id_no, birth_date, sex, phone, region_code, name_norm, name_key,"
                             " id_status, address, context, entity_id) VALUES ($1, $2, $3, $4,"
                             " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                             &ins, err);
    for (int64_t i = 0; !rc && i < set->n[kind]; i++) {
        zj_mention_row row;
        zj_mention_set_row(set, kind, i, &row);
        zj_stmt_bind_int(ins, 1, zj_mention_set_id(set, kind, i));
        bind_row(ins, 2, &row);
        if (entity[i])
            zj_stmt_bind_int(ins, 17, entity[i]);
        else
            zj_stmt_bind_null(ins, 17);
        if (zj_stmt_next(ins, err) < 0)
            rc = zj_error_prefix(err, "writing mentions: ");
        zj_stmt_reset(ins);
    }
    zj_stmt_finalize(ins);
    return rc;
}

void zj_mention_set_free(zj_mention_set *set)
{
    free(set->data);
    free(set->off[0]);
    free(set->off[1]);
    memset(set, 0, sizeof *set);
}
