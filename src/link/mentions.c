/* mentions.c - which columns of which table name a person or enterprise, and their
 * normalization into the mention table (see mentions.h).
 *
 * The spec table below is the single place that knows where people and enterprises appear in
 * the canonical model. Its role names are part of the contract with the generator's identity
 * truth (docs/truth.md) and with the relations graph (relations.c).
 */
#include "link/mentions.h"

#include <stdio.h>
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

static int build_select(const mention_spec *sp, bool only_new, zj_buf *b)
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
    zj_buf_printf(b, " FROM \"%s\" t", sp->table);
    if (only_new)
        zj_buf_printf(b, " WHERE NOT EXISTS (SELECT 1 FROM mention m WHERE m.table_name = '%s'"
                         " AND m.record_id = t.id AND m.role = '%s')", sp->table, sp->role);
    zj_buf_puts(b, " ORDER BY t.id");
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

static void bind_opt(zj_stmt *st, int i, const char *p, size_t n)
{
    if (p && n)
        zj_stmt_bind_text(st, i, p, n);
    else
        zj_stmt_bind_null(st, i);
}

/* Normalize one record's mention and write it. Returns 1 when written, 0 when the record
 * names nobody, or an error. */
static int write_mention(zj_store *s, zj_namer *nm, zj_stmt *q, zj_stmt *up,
                         const mention_spec *sp, zj_error *err)
{
    size_t name_len, id_len, birth_len, sex_len, phone_len, region_len, addr_len, kind_len;
    const char *name = zj_stmt_text(q, C_NAME, &name_len);
    const char *id = zj_stmt_text(q, C_ID, &id_len);
    const char *birth = zj_stmt_text(q, C_BIRTH, &birth_len);
    const char *sexs = zj_stmt_text(q, C_SEX, &sex_len);
    const char *phone = zj_stmt_text(q, C_PHONE, &phone_len);
    const char *region = zj_stmt_text(q, C_REGION, &region_len);
    const char *addr = zj_stmt_text(q, C_ADDRESS, &addr_len);
    const char *kindv = zj_stmt_text(q, C_KIND, &kind_len);
    const char *kind = sp->kind;
    if (!kind) {
        bool ent = kindv && kind_len == 10 && memcmp(kindv, "enterprise", 10) == 0;
        kind = ent ? "enterprise" : "person";
        if (ent)
            id = zj_stmt_text(q, C_USCC, &id_len);
    }
    bool person = kind[0] == 'p';
    if ((!name || !name_len) && (!id || !id_len))
        return 0;

    char norm[2 * ZJ_NAME_MAX + 1] = "", key[4 * ZJ_NAME_MAX + 1] = "";
    const char *why;
    if (name && name_len) {
        if (person) {
            zj_name nmres;
            if (zj_name_analyze(nm, name, name_len, &nmres, &why) == 0) {
                snprintf(norm, sizeof norm, "%s", nmres.simplified);
                snprintf(key, sizeof key, "%s", nmres.key);
            }
        } else {
            if (zj_name_simplify(nm, name, name_len, norm, sizeof norm, &why) < 0)
                norm[0] = '\0';
            if (zj_ent_key(nm, name, name_len, key, sizeof key, &why) < 0)
                key[0] = '\0';
        }
    }

    /* Identifier: its normalized form and status decide deterministic linking. */
    const char *status = "missing";
    char idnorm[20] = "", birth_iso[16] = "", region6[12] = "";
    char sex = parse_sex(sexs, sex_len);
    if (id && id_len) {
        if (person) {
            zj_resident_id rid;
            if (zj_resident_id_parse(id, id_len, 0, &rid, &why) == 0) {
                status = rid.converted ? "legacy" : "valid";
                memcpy(idnorm, rid.id, 19);
                snprintf(birth_iso, sizeof birth_iso, "%04d-%02d-%02d", rid.year % 10000,
                         rid.month % 100, rid.day % 100);
                snprintf(region6, sizeof region6, "%06d", rid.region_code % 1000000);
                if (!sex)
                    sex = rid.sex;
            } else
                status = "invalid";
        } else {
            zj_uscc u;
            if (zj_uscc_parse(id, id_len, &u, &why) == 0) {
                status = "valid";
                memcpy(idnorm, u.code, 19);
                snprintf(region6, sizeof region6, "%06d", u.region_code % 1000000);
            } else
                status = "invalid";
        }
    }
    /* A birth date written in the record wins for comparison; the ID's is the fallback (a
     * disagreement between the two is a conflict reported by the linker). */
    const char *birth_out = birth && birth_len >= 10 ? birth : birth_iso[0] ? birth_iso : NULL;
    size_t birth_out_len = birth_out == birth ? 10 : birth_out ? 10 : 0;
    const char *region_out = region && region_len >= 6 ? region : region6[0] ? region6 : NULL;
    size_t region_out_len = region_out == region ? 6 : region_out ? 6 : 0;
    char phone_norm[24] = "";
    if (phone && phone_len) {
        zj_phone ph;
        if (zj_phone_parse(phone, phone_len, &ph, &why) == 0)
            snprintf(phone_norm, sizeof phone_norm, "%s", ph.normalized);
    }

    zj_stmt_bind_text(up, 1, sp->table, strlen(sp->table));
    zj_stmt_bind_int(up, 2, zj_stmt_int(q, 0));
    zj_stmt_bind_text(up, 3, sp->role, strlen(sp->role));
    zj_stmt_bind_text(up, 4, kind, strlen(kind));
    bind_opt(up, 5, name, name_len);
    if (idnorm[0])
        zj_stmt_bind_text(up, 6, idnorm, 18);
    else
        bind_opt(up, 6, id, id_len);
    bind_opt(up, 7, birth_out, birth_out_len);
    if (sex)
        zj_stmt_bind_text(up, 8, &sex, 1);
    else
        zj_stmt_bind_null(up, 8);
    bind_opt(up, 9, phone_norm, strlen(phone_norm));
    bind_opt(up, 10, region_out, region_out_len);
    bind_opt(up, 11, norm, strlen(norm));
    bind_opt(up, 12, key, strlen(key));
    zj_stmt_bind_text(up, 13, status, strlen(status));
    bind_opt(up, 14, addr, addr_len);
    size_t ctx_len;
    const char *ctx = zj_stmt_text(q, C_CONTEXT, &ctx_len);
    zj_uscc cu;
    if (ctx && ctx_len && zj_uscc_parse(ctx, ctx_len, &cu, &why) == 0)
        zj_stmt_bind_text(up, 15, cu.code, 18);
    else
        bind_opt(up, 15, ctx, ctx_len);
    int rc = zj_stmt_next(up, err);
    zj_stmt_reset(up);
    (void)s;
    return rc < 0 ? ZJ_EDATA : 1;
}

int zj_mentions_extract(zj_store *s, zj_namer *nm, bool only_new, zj_mention_stats *stats,
                        zj_error *err)
{
    memset(stats, 0, sizeof *stats);
    zj_stmt *up = NULL;
    int rc = zj_stmt_prepare(s, upsert_sql, &up, err);
    for (size_t i = 0; !rc && i < sizeof specs / sizeof specs[0]; i++) {
        const mention_spec *sp = &specs[i];
        if (!zj_store_table(s, sp->table))
            continue;
        zj_buf sql = {0};
        zj_stmt *q = NULL;
        if (build_select(sp, only_new, &sql))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        else
            rc = zj_stmt_prepare(s, sql.data, &q, err);
        zj_buf_free(&sql);
        int step;
        while (!rc && (step = zj_stmt_next(q, err)) == 1) {
            stats->records++;
            int w = write_mention(s, nm, q, up, sp, err);
            if (w < 0 || w > 1)
                rc = w;
            else if (w == 1)
                stats->mentions++;
            else
                stats->skipped++;
        }
        if (!rc && step < 0)
            rc = ZJ_EDATA;
        zj_stmt_finalize(q);
        if (rc)
            zj_error_prefix(err, "extracting mentions from %s.%s: ", sp->table, sp->role);
    }
    zj_stmt_finalize(up);
    return rc;
}
