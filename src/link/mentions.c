/* mentions.c - which columns of which table name a person or enterprise, and how one
 * record's mention is normalized (see mentions.h; extract.c runs extraction).
 *
 * The spec table below is the single place that knows where people and enterprises appear in
 * the canonical model. Its role names are part of the contract with the generator's identity
 * truth (docs/truth.md) and with the relations graph (relations.c).
 */
#include "link/mention_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "link/compare.h"
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
    const char *former_address;   /* persons: where the register says they lived before */
    const char *kind_col;     /* case_party.party_kind: 'enterprise' or a person */
    const char *uscc;         /* with kind_col: the enterprise identifier column */
    const char *context;      /* persons: the credit code of the enterprise they are named for */
    const char *unit, *post;  /* persons: the unit (and post) a record names them with */
    const char *case_sys, *case_no;   /* a case's parties: the case they are named in */
    char unit_role;           /* ZJ_UNIT_* (compare.h): on its roster, refers to it, named */
} mention_spec;

#define P .kind = "person"
#define E .kind = "enterprise"
static const mention_spec specs[] = {
    {"officer", "self", P, .name = "name", .id_no = "id_no", .birth_date = "birth_date", .sex = "sex", .phone = "phone", .unit = "unit_code", .post = "position", .unit_role = ZJ_UNIT_ROSTER},
    {"officer_relative", "self", P, .name = "name", .id_no = "id_no", .birth_date = "birth_date", .sex = "sex", .phone = "phone"},
    {"person", "self", P, .name = "name", .id_no = "id_no", .birth_date = "birth_date", .sex = "sex", .phone = "phone", .region = "region_code", .address = "address", .former_address = "former_address"},
    {"enterprise", "self", E, .name = "name", .id_no = "uscc", .region = "region_code", .address = "address"},
    {"enterprise", "legal_rep", P, .name = "legal_rep_name", .id_no = "legal_rep_id_no", .context = "uscc"},
    {"enterprise_role", "person", P, .name = "person_name", .id_no = "person_id_no", .context = "uscc"},
    {"enterprise_role", "enterprise", E, .name = "enterprise_name", .id_no = "uscc"},
    {"tax_registration", "self", E, .name = "taxpayer_name", .id_no = "taxpayer_no", .region = "region_code"},
    {"tax_registration", "legal_rep", P, .name = "legal_rep_name", .id_no = "legal_rep_id_no", .context = "taxpayer_no"},
    {"tax_registration", "finance_officer", P, .name = "finance_officer_name", .id_no = "finance_officer_id_no", .context = "taxpayer_no"},
    {"case_party", "party", .name = "name", .id_no = "id_no", .phone = "phone", .address = "address", .kind_col = "party_kind", .uscc = "uscc", .case_sys = "case_system", .case_no = "case_no"},
    /* the person who approached the officer: named with the unit and post the officer wrote */
    {"interference_record", "actor", P, .name = "actor_name", .id_no = "actor_id_no", .unit = "actor_unit", .post = "actor_position", .unit_role = ZJ_UNIT_NAMED},
    {"complaint", "complainant", P, .name = "complainant_name", .id_no = "complainant_id_no", .phone = "complainant_phone"},
    /* the officer complained of, when the complaint gives a name and a unit (not a number) */
    {"complaint", "target", P, .name = "target_officer_name", .unit = "target_unit_code", .unit_role = ZJ_UNIT_REFERS},
    {"sentence_change", "prisoner", P, .name = "prisoner_name", .id_no = "prisoner_id_no"},
    {"prisoner", "self", P, .name = "name", .id_no = "id_no"},
    {"cc_subject", "self", P, .name = "name", .id_no = "id_no", .region = "region_code"},
    /* an incident's region is where it happened, not where its reporter lives: not compared */
    {"incident", "reporter", P, .name = "reporter_name", .phone = "reporter_phone"},
};
#undef P
#undef E

int zj_mention_spec_count(void)
{
    return (int)(sizeof specs / sizeof specs[0]);
}

const char *zj_mention_spec_table(int spec)
{
    return specs[spec].table;
}

/* Columns in mention_spec.h's C_ order; a spec without one reads NULL. */
static void select_col(zj_buf *b, const char *col)
{
    if (col)
        zj_buf_printf(b, ", t.\"%s\"", col);
    else
        zj_buf_puts(b, ", NULL");
}

int zj_mention_spec_select(int spec, zj_buf *b)
{
    const mention_spec *sp = &specs[spec];
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
    select_col(b, sp->unit);
    select_col(b, sp->post);
    select_col(b, sp->case_sys);
    select_col(b, sp->case_no);
    select_col(b, sp->former_address);
    zj_buf_printf(b, " FROM \"%s\" t WHERE t.batch_id > $1 ORDER BY t.id", sp->table);
    return b->data ? ZJ_OK : -1;
}

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

/* What snprintf(dst, cap, "%s", src) and "%0Nd" did here, without the format machinery (about
 * 8% of extraction's profile samples went to it). */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void put_digits(char *dst, int v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        dst[i] = (char)('0' + v % 10);
}

/* Append s to out[len..cap) without white space (ASCII, U+3000) and with traditional
 * characters simplified; returns the new length (len unchanged when nothing is left). */
static size_t squeezed(zj_namer *nm, const char *s, char *out, size_t len, size_t cap)
{
    char tight[ZJ_NAME_MAX + 1], simple[2 * ZJ_NAME_MAX + 1];
    size_t n = 0;
    for (const char *p = s; *p && n < ZJ_NAME_MAX; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (!strncmp(p, "\xe3\x80\x80", 3)) {       /* U+3000 ideographic space */
            p += 2;
            continue;
        }
        tight[n++] = *p;
    }
    while (n && ((unsigned char)tight[n - 1] & 0xC0) == 0x80 && n == ZJ_NAME_MAX)
        n--;                                         /* never cut a character */
    tight[n] = '\0';
    const char *why, *v = tight;
    if (n && zj_name_simplify(nm, tight, n, simple, sizeof simple, &why) == 0)
        v = simple;
    size_t vl = strlen(v);
    if (len + vl + 1 >= cap)
        return len;
    memcpy(out + len, v, vl);
    return len + vl;
}

int zj_mention_normalize(zj_namer *nm, int spec, zj_raw_record *rec, zj_mention_work *w)
{
    const mention_spec *sp = &specs[spec];
    zj_mention_row *row = &w->row;
    memset(row, 0, sizeof *row);
    row->spec = spec;
    row->table = sp->table;
    row->role = sp->role;
    row->record_id = rec->record_id;
    char *name = rec->v[C_NAME], *id = rec->v[C_ID], *birth = rec->v[C_BIRTH];
    const char *sexs = rec->v[C_SEX], *kindv = rec->v[C_KIND];
    char *phone = rec->v[C_PHONE], *region = rec->v[C_REGION], *addr = rec->v[C_ADDRESS];
    bool person = !sp->kind || sp->kind[0] == 'p';
    if (!sp->kind && kindv && strcmp(kindv, "enterprise") == 0) {
        person = false;
        id = rec->v[C_USCC];
    }
    row->kind = person ? 0 : 1;
    if (!name && !id)
        return 0;

    const char *why;
    w->norm[0] = w->key[0] = '\0';
    if (name) {
        size_t name_len = strlen(name);
        if (person) {
            zj_name nmres;
            if (zj_name_analyze(nm, name, name_len, &nmres, &why) == 0) {
                copy_str(w->norm, sizeof w->norm, nmres.simplified);
                copy_str(w->key, sizeof w->key, nmres.key);
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
    char sex = parse_sex(sexs, sexs ? strlen(sexs) : 0);
    if (id) {
        size_t id_len = strlen(id);
        if (person) {
            zj_resident_id rid;
            if (zj_resident_id_parse(id, id_len, 0, &rid, &why) == 0) {
                status = rid.converted ? "legacy" : "valid";
                memcpy(w->idnorm, rid.id, 19);
                put_digits(w->birth_iso, rid.year % 10000, 4);
                w->birth_iso[4] = '-';
                put_digits(w->birth_iso + 5, rid.month % 100, 2);
                w->birth_iso[7] = '-';
                put_digits(w->birth_iso + 8, rid.day % 100, 2);
                w->birth_iso[10] = '\0';
                put_digits(w->region6, rid.region_code % 1000000, 6);
                w->region6[6] = '\0';
                if (!sex)
                    sex = rid.sex;
            } else
                status = "invalid";
        } else {
            zj_uscc u;
            if (zj_uscc_parse(id, id_len, &u, &why) == 0) {
                status = "valid";
                memcpy(w->idnorm, u.code, 19);
                put_digits(w->region6, u.region_code % 1000000, 6);
                w->region6[6] = '\0';
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
            copy_str(w->phone_norm, sizeof w->phone_norm, ph.normalized);
    }
    w->sex[0] = sex;
    w->sex[1] = '\0';
    char *ctx = rec->v[C_CONTEXT];
    zj_uscc cu;
    if (ctx && strlen(ctx) >= 18 && zj_uscc_parse(ctx, strlen(ctx), &cu, &why) == 0)
        memcpy(ctx, cu.code, 19);      /* the value holds at least the 18 characters parsed */

    /* a unit (and post) as context: spaces dropped and traditional characters simplified, so
     * "雁塔区 住建局" and "雁塔區住建局" are one unit */
    char *unit = rec->v[C_UNIT], *post = rec->v[C_POST];
    if (person && unit && !ctx) {
        char *u = w->unit;
        u[0] = sp->unit_role;
        u[1] = ':';
        size_t len = squeezed(nm, unit, u, 2, sizeof w->unit);
        if (len > 2 && post) {
            size_t before = len;
            u[len++] = '\x1f';
            len = squeezed(nm, post, u, len, sizeof w->unit);
            if (len == before + 1)
                len = before;                /* a post of spaces only */
        }
        u[len] = '\0';
        if (len > 2)
            ctx = u;
    }

    /* a case's party: the case as context, so the linker can find the other parties */
    const char *csys = rec->v[C_CASE_SYS], *cno = rec->v[C_CASE_NO];
    if (!ctx && csys && cno) {
        size_t sl = strlen(csys), nl = strlen(cno);
        if (sl + nl + 4 <= sizeof w->caseref) {
            char *c = w->caseref;
            c[0] = ZJ_CASE_CONTEXT;
            c[1] = ':';
            memcpy(c + 2, csys, sl);
            c[2 + sl] = '\x1f';
            memcpy(c + 3 + sl, cno, nl + 1);
            ctx = c;
        }
    }

    row->v[ZJ_MC_NAME] = name;
    row->v[ZJ_MC_ID_NO] = w->idnorm[0] ? w->idnorm : id;
    row->v[ZJ_MC_BIRTH] = birth;
    row->v[ZJ_MC_SEX] = sex ? w->sex : NULL;
    row->v[ZJ_MC_PHONE] = w->phone_norm[0] ? w->phone_norm : NULL;
    row->v[ZJ_MC_REGION] = region;
    row->v[ZJ_MC_NORM] = w->norm[0] ? w->norm : NULL;
    row->v[ZJ_MC_KEY] = w->key[0] ? w->key : NULL;
    row->v[ZJ_MC_STATUS] = status;
    /* a former address goes with the address, after U+001F: the address field compares both
     * (compare.h) */
    const char *former = rec->v[C_FORMER_ADDRESS];
    size_t al = addr ? strlen(addr) : 0, fl = former ? strlen(former) : 0;
    if (person && al && fl && al + fl + 2 <= sizeof w->address) {
        memcpy(w->address, addr, al);
        w->address[al] = '\x1f';
        memcpy(w->address + al + 1, former, fl + 1);
        addr = w->address;
    }
    row->v[ZJ_MC_ADDRESS] = addr;
    row->v[ZJ_MC_CONTEXT] = ctx;
    return 1;
}

static const char *const kind_names[2] = {"person", "enterprise"};

/* Every string bound lives until the statement has run and been reset. */
void zj_mention_bind(zj_stmt *st, int first, const zj_mention_row *row)
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

/* ---- packed rows ------------------------------------------------------------------------
 * spec (1 byte), kind (1 byte), record id (8 bytes), then per ZJ_MC_ column a presence byte
 * (1 present, 0 NULL) and a NUL-terminated string. */

size_t zj_mention_packed_size(zj_mention_row *row)
{
    size_t n = 10;
    for (int c = 0; c < ZJ_MC_COUNT; c++) {
        row->len[c] = row->v[c] ? strlen(row->v[c]) : 0;
        n += 2 + row->len[c];
    }
    return n;
}

char *zj_mention_pack(char *p, const zj_mention_row *row)
{
    *p++ = (char)row->spec;
    *p++ = (char)row->kind;
    memcpy(p, &row->record_id, 8);
    p += 8;
    for (int c = 0; c < ZJ_MC_COUNT; c++) {
        size_t n = row->len[c];
        *p++ = n ? 1 : 0;
        memcpy(p, row->v[c] ? row->v[c] : "", n);
        p += n;
        *p++ = '\0';
    }
    return p;
}

const char *zj_mention_unpack(const char *p, zj_mention_row *out)
{
    out->spec = (unsigned char)p[0];
    const mention_spec *sp = &specs[out->spec];
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
    return p;
}

int zj_mention_packed_head(const char *p, int *kind, int64_t *record_id)
{
    *kind = p[1];
    memcpy(record_id, p + 2, 8);
    return (unsigned char)p[0];
}

void zj_mention_spec_rank(int spec, int *table_rank, int *role_rank)
{
    const mention_spec *sp = &specs[spec];
    *table_rank = *role_rank = 0;
    /* count the distinct names that sort before this spec's */
    for (int i = 0; i < zj_mention_spec_count(); i++) {
        bool first = true;   /* specs[i] is the first spec with its table (or role) */
        for (int j = 0; j < i; j++)
            if (!strcmp(specs[j].table, specs[i].table))
                first = false;
        if (first && strcmp(specs[i].table, sp->table) < 0)
            (*table_rank)++;
        if (!strcmp(specs[i].table, sp->table) && strcmp(specs[i].role, sp->role) < 0)
            (*role_rank)++;   /* a table's specs have distinct roles (its unique key) */
    }
}

/* Indexes on mention other than its unique key: dropped while an empty table is filled,
 * built after (one sort instead of millions of index insertions). */
int zj_mentions_drop_indexes(zj_store *s, zj_error *err)
{
    return zj_store_exec(s, "DROP INDEX IF EXISTS mention_entity", err);
}

int zj_mentions_create_indexes(zj_store *s, zj_error *err)
{
    return zj_store_create_indexes(s, "CREATE INDEX IF NOT EXISTS mention_entity ON mention(entity_id)",
                                   err);
}

