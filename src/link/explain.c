/* explain.c - why two mentions are, or are not, the same entity (a weight waterfall), and
 * reviewers' decisions on pairs.
 *
 * The explanation recomputes the comparison from the stored mentions and the model stored by
 * the last run (link_param), so it shows exactly the weights the linker used, including the
 * name's term-frequency adjustment.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "link/compare.h"
#include "link/link.h"
#include "link/model.h"
#include "link/pairing.h"

_Static_assert(sizeof ((zj_link_explanation *)0)->steps / sizeof(zj_link_step) >= ZJ_MAX_FIELDS,
               "a step per field");

static int load_one(zj_store *s, int64_t id, zj_lmention *m, zj_arena *ar, zj_kind *kind,
                    char *name, size_t cap, char *context, size_t ccap, char *address,
                    size_t acap, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT kind, entity_id, name_norm, name_key, id_no, id_status,"
                             " birth_date, sex, phone, region_code, name, context, address FROM mention WHERE id = $1",
                             &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, id);
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        const char *k = zj_stmt_text(q, 0, NULL);
        *kind = k && !strcmp(k, "enterprise") ? ZJ_KIND_ENTERPRISE : ZJ_KIND_PERSON;
        if (zj_lmention_fill(m, ar, *kind, id, zj_stmt_int(q, 1), zj_stmt_text(q, 2, NULL),
                             zj_stmt_text(q, 3, NULL), zj_stmt_text(q, 4, NULL),
                             zj_stmt_text(q, 5, NULL), zj_stmt_text(q, 6, NULL),
                             zj_stmt_text(q, 7, NULL), zj_stmt_text(q, 8, NULL),
                             zj_stmt_text(q, 9, NULL), zj_stmt_text(q, 11, NULL),
                             zj_stmt_text(q, 12, NULL)))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        const char *nm = zj_stmt_text(q, 10, NULL), *cx = zj_stmt_text(q, 11, NULL);
        const char *ad = zj_stmt_text(q, 12, NULL);
        snprintf(name, cap, "%s", nm ? nm : "");
        snprintf(address, acap, "%s", ad ? ad : "");
        snprintf(context, ccap, "%s", cx ? cx : "");
    } else
        rc = step < 0 ? ZJ_EDATA : zj_fail_as(err, ZJ_ERR_NOT_FOUND, "no mention %lld", (long long)id);
    zj_stmt_finalize(q);
    if (rc)
        return rc;
    /* An ID in conflict with other evidence was not trusted by the linker. */
    rc = zj_stmt_prepare(s, "SELECT 1 FROM link_conflict WHERE mention_id = $1", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, id);
    if (zj_stmt_next(q, err) == 1)
        m->id_trusted = false;
    zj_stmt_finalize(q);
    return ZJ_OK;
}

/* Cases a co-party's key is found in, counted as link.c counts them: by its valid ID, or by
 * its name. */
static int64_t key_cases(zj_store *s, const char *kind, const char *id_no, bool valid,
                         const char *norm, zj_error *err)
{
    zj_stmt *q;
    const char *sql = valid
        ? "SELECT count(DISTINCT context) FROM mention WHERE table_name = 'case_party' AND"
          " kind = $1 AND id_no = $2 AND id_status IN ('valid', 'legacy')"
        : "SELECT count(DISTINCT context) FROM mention WHERE table_name = 'case_party' AND"
          " kind = $1 AND name_norm = $2";
    if (zj_stmt_prepare(s, sql, &q, err))
        return -1;
    const char *v = valid ? id_no : norm;
    zj_stmt_bind_text(q, 1, kind, strlen(kind));
    zj_stmt_bind_text(q, 2, v, strlen(v));
    int64_t n = zj_stmt_next(q, err) == 1 ? zj_stmt_int(q, 0) : -1;
    zj_stmt_finalize(q);
    return n;
}

/* A party's co-party keys, as the run made them (link.c): the other parties of its case,
 * those named in at most ZJ_COPARTY_MAX_CASES cases. */
static int load_coparties(zj_store *s, int64_t id, const char *context, zj_lmention *m,
                          const zj_arena *ar, zj_error *err)
{
    (void)ar;
    if (!m->case_h)
        return ZJ_OK;
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT kind, id_no, id_status, name_norm FROM mention WHERE"
                             " table_name = 'case_party' AND context = $1 AND id <> $2", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, context, strlen(context));
    zj_stmt_bind_int(q, 2, id);
    struct { char kind[12], id[40], norm[200]; bool valid; } other[16];
    int n = 0, step;
    while ((step = zj_stmt_next(q, err)) == 1 && n < 16) {
        const char *k = zj_stmt_text(q, 0, NULL), *i = zj_stmt_text(q, 1, NULL);
        const char *st = zj_stmt_text(q, 2, NULL), *nm = zj_stmt_text(q, 3, NULL);
        snprintf(other[n].kind, sizeof other[n].kind, "%s", k ? k : "");
        snprintf(other[n].id, sizeof other[n].id, "%s", i ? i : "");
        snprintf(other[n].norm, sizeof other[n].norm, "%s", nm ? nm : "");
        other[n].valid = st && (!strcmp(st, "valid") || !strcmp(st, "legacy"));
        n++;
    }
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    for (int i = 0; i < n; i++) {
        zj_kind k = !strcmp(other[i].kind, "enterprise") ? ZJ_KIND_ENTERPRISE : ZJ_KIND_PERSON;
        for (int by_id = 0; by_id < 2; by_id++) {
            uint32_t key = by_id ? zj_copart_id_key(k, other[i].id, other[i].valid)
                                 : zj_copart_key(k, other[i].norm);
            if (!key)
                continue;
            int64_t cases = key_cases(s, other[i].kind, other[i].id, by_id, other[i].norm, err);
            if (cases < 0)
                return ZJ_EDATA;
            if (cases <= ZJ_COPARTY_MAX_CASES)
                zj_copart_add(m, key);
        }
    }
    return ZJ_OK;
}

/* Load m and u of the last run; ZJ_EUSAGE when the kind was never linked. */
static int load_model(zj_store *s, zj_kind kind, zj_fs_model *fs, double *per_entity,
                      zj_error *err)
{
    bool found;
    int rc = zj_model_load(s, kind, fs, per_entity, &found, err);
    if (!rc && !found)
        rc = zj_fail_as(err, ZJ_ERR_NOT_FOUND, "no %s model yet: run 'zhijian link' first",
                        kind == ZJ_KIND_PERSON ? "person" : "enterprise");
    return rc;
}

static int64_t count_query(zj_store *s, const char *sql, const char *kind, const char *value,
                           zj_error *err)
{
    zj_stmt *q;
    if (zj_stmt_prepare(s, sql, &q, err))
        return -1;
    zj_stmt_bind_text(q, 1, kind, strlen(kind));
    if (value)
        zj_stmt_bind_text(q, 2, value, strlen(value));
    int64_t n = zj_stmt_next(q, err) == 1 ? zj_stmt_int(q, 0) : -1;
    zj_stmt_finalize(q);
    return n;
}

/* Copy at most 63 bytes, never splitting a UTF-8 character. */
static void copy_value(char *dst, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n > 63) {
        n = 63;
        while (n && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

/* A unit context shown as "unit / post". */
static void unit_text(char *dst, const char *ctx)
{
    char v[1200];
    snprintf(v, sizeof v, "%s", ctx + 2);
    char *sep = strchr(v, '\x1f');
    if (sep) {
        memmove(sep + 3, sep + 1, strlen(sep + 1) + 1);
        memcpy(sep, " / ", 3);
    }
    copy_value(dst, v);
}

int zj_link_explain(zj_store *s, zj_namer *nm, const zj_link_config *c, int64_t ida, int64_t idb,
                    zj_link_explanation *out, zj_error *err)
{
    (void)nm;
    memset(out, 0, sizeof *out);
    zj_arena ar = {0};
    zj_lmention a, b;
    zj_kind ka, kb;
    char na[128], nb[128], ca[1100], cb[1100], aa[600], ab[600];
    int rc = load_one(s, ida, &a, &ar, &ka, na, sizeof na, ca, sizeof ca, aa, sizeof aa, err);
    if (!rc)
        rc = load_one(s, idb, &b, &ar, &kb, nb, sizeof nb, cb, sizeof cb, ab, sizeof ab, err);
    if (!rc && ka == ZJ_KIND_PERSON)
        rc = load_coparties(s, ida, ca, &a, &ar, err);
    if (!rc && kb == ZJ_KIND_PERSON)
        rc = load_coparties(s, idb, cb, &b, &ar, err);
    if (!rc && ka != kb)
        rc = zj_fail(err, ZJ_EUSAGE, "mention %lld is a %s, mention %lld a %s: never the same",
                     (long long)ida, ka == ZJ_KIND_PERSON ? "person" : "enterprise",
                     (long long)idb, kb == ZJ_KIND_PERSON ? "person" : "enterprise");
    zj_fs_model fs;
    double per_entity = 1;
    if (!rc)
        rc = load_model(s, ka, &fs, &per_entity, err);
    if (rc) {
        zj_arena_free(&ar);
        return rc;
    }
    zj_link_config defaults;
    if (!c) {
        zj_link_config_defaults(&defaults);
        c = &defaults;
    }
    const char *kn = ka == ZJ_KIND_PERSON ? "person" : "enterprise";
    snprintf(out->kind, sizeof out->kind, "%s", kn);
    out->entity_a = a.entity;
    out->entity_b = b.entity;
    out->threshold = ka == ZJ_KIND_PERSON ? c->person.threshold : c->enterprise.threshold;
    const char *idname = ka == ZJ_KIND_PERSON ? "resident ID" : "credit code";
    if (a.id_trusted && b.id_trusted)
        snprintf(out->deterministic, sizeof out->deterministic, a.id_h == b.id_h
                 ? "same %s: the same %s" : "different %ss: never the same %s", idname, kn);

    int g[ZJ_MAX_FIELDS];
    zj_compare(ka, &a, &b, &ar, g);
    int64_t total = count_query(s, "SELECT count(*) FROM mention WHERE kind = $1", kn, NULL, err);
    out->prior_weight = zj_model_prior(&fs);
    out->total_weight = out->prior_weight;
    for (int f = 0; f < ZJ_MAX_FIELDS; f++) {
        int L = zj_compare_nlevels(ka, f);
        if (!L)
            continue;
        zj_link_step *st = &out->steps[out->nsteps++];
        snprintf(st->field, sizeof st->field, "%s", zj_compare_field_name(ka, f));
        snprintf(st->level, sizeof st->level, "%s", zj_compare_level_name(ka, f, g[f]));
        switch (f) {
        case F_NAME: copy_value(st->a, na); copy_value(st->b, nb); break;
        case F_ID: copy_value(st->a, ar.data + a.id_off); copy_value(st->b, ar.data + b.id_off); break;
        case F_BIRTH:
            if (a.birth) snprintf(st->a, 64, "%d", a.birth);
            if (b.birth) snprintf(st->b, 64, "%d", b.birth);
            break;
        case F_SEX: snprintf(st->a, 64, "%c", a.sex ? a.sex : '-'); snprintf(st->b, 64, "%c", b.sex ? b.sex : '-'); break;
        case F_REGION:
            if (a.region) snprintf(st->a, 64, "%06d", a.region);
            if (b.region) snprintf(st->b, 64, "%06d", b.region);
            break;
        case F_PHONE: snprintf(st->a, 64, "%s", a.phone_h ? "(given)" : ""); snprintf(st->b, 64, "%s", b.phone_h ? "(given)" : ""); break;
        case F_UNIT:
            if (a.unit_h) unit_text(st->a, ca);
            if (b.unit_h) unit_text(st->b, cb);
            break;
        case F_ADDRESS: copy_value(st->a, aa); copy_value(st->b, ab); break;
        case F_COPARTY:   /* the case each is a party of */
            if (a.case_h) unit_text(st->a, ca);
            if (b.case_h) unit_text(st->b, cb);
            break;
        }
        if (g[f] == ZJ_MISSING) {
            st->missing = true;
            continue;
        }
        st->m = fs.m[f][g[f]];
        st->u = fs.u[f][g[f]];
        if (f == F_NAME && g[f] >= 2 && total > 0) {
            const char *col = g[f] == 3 ? "name_norm" : "name_key";
            const char *val = g[f] == 3 ? ar.data + a.norm_off : ar.data + a.key_off;
            /* entities bearing the name, counted by trusted IDs as the linker does */
            char sql[320];
            snprintf(sql, sizeof sql, "SELECT count(DISTINCT id_no) FROM mention WHERE kind = $1"
                     " AND %s = $2 AND id_status IN ('valid', 'legacy') AND id NOT IN"
                     " (SELECT mention_id FROM link_conflict)", col);
            int64_t entities = count_query(s, sql, kn, val, err);
            double tf = fmin((double)(entities > 0 ? entities : 1) * per_entity / (double)total, 1);
            zj_model_name_tf_weight(&fs, g[f], tf, &st->m, &st->u);
            st->tf_adjusted = true;
        }
        if (f == F_UNIT && g[f] >= 1) {
            /* counted as the linker counts them (link.c): the mentions naming a unit, those
             * naming this unit, this unit's mentions with a post, those with this post */
            char unit[1100];
            snprintf(unit, sizeof unit, "%s", ca + 2);
            char *sep = strchr(unit, '\x1f');
            if (sep)
                *sep = '\0';
            int64_t with = count_query(s, "SELECT count(*) FROM mention WHERE kind = $1 AND"
                                       " substr(context, 2, 1) = ':' AND substr(context, 1, 1)"
                                       " IN ('u', 'o', 'r')", kn, NULL, err);
            int64_t same = count_query(s, "SELECT count(*) FROM mention WHERE kind = $1 AND"
                                       " substr(context, 2, 1) = ':' AND (substr(context, 3) = $2"
                                       " OR substr(context, 3, length($2) + 1) = $2 || char(31))",
                                       kn, unit, err);
            double u_unit = with > 0 ? fmin((double)(same > 0 ? same : 1) / (double)with, 1) : 1;
            double u_post = 1;
            if (g[f] >= 2) {
                int64_t posted = count_query(s, "SELECT count(*) FROM mention WHERE kind = $1 AND"
                                             " substr(context, 2, 1) = ':' AND substr(context, 3,"
                                             " length($2) + 1) = $2 || char(31) AND"
                                             " length(context) > length($2) + 3", kn, unit, err);
                int64_t post = count_query(s, "SELECT count(*) FROM mention WHERE kind = $1 AND"
                                           " substr(context, 2, 1) = ':' AND substr(context, 3)"
                                           " = $2", kn, ca + 2, err);
                u_post = fmin((double)(post > 0 ? post : 1) / (double)(posted > 0 ? posted : 1), 1);
            }
            zj_model_unit_weight(&fs, g[f], u_unit, u_post, &st->m, &st->u);
            st->tf_adjusted = true;
        }
        st->weight = log2(st->m / st->u);
        out->total_weight += st->weight;
    }
    out->probability = zj_model_probability(out->total_weight);
    zj_arena_free(&ar);
    /* a link the last run made in a closed world (link.c): its stored share */
    zj_stmt *q;
    rc = zj_stmt_prepare(s, "SELECT weight FROM link_edge WHERE mention_a = $1 AND mention_b = $2"
                         " AND reason = 'closed'", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, ida < idb ? ida : idb);
    zj_stmt_bind_int(q, 2, ida < idb ? idb : ida);
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        out->closed = true;
        out->closed_share = zj_model_probability(zj_stmt_double(q, 0));
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_link_placement_of(zj_store *s, const char *table, int64_t record_id, const char *role,
                         zj_link_placement *out, zj_error *err)
{
    memset(out, 0, sizeof *out);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT m.id, coalesce(m.entity_id, 0), m.id_status IN ('valid',"
                             " 'legacy') AND NOT EXISTS (SELECT 1 FROM link_conflict k WHERE"
                             " k.mention_id = m.id) FROM mention m WHERE m.table_name = $1 AND"
                             " m.record_id = $2 AND m.role = $3", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, table, strlen(table));
    zj_stmt_bind_int(q, 2, record_id);
    zj_stmt_bind_text(q, 3, role, strlen(role));
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        out->mention = zj_stmt_int(q, 0);
        out->entity = zj_stmt_int(q, 1);
        out->by_id = zj_stmt_int(q, 2) != 0;
    }
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    if (!out->mention || !out->entity || out->by_id)
        return ZJ_OK;
    rc = zj_stmt_prepare(s, "SELECT CASE WHEN mention_a = $1 THEN mention_b ELSE mention_a END,"
                         " weight, reason = 'closed' FROM link_edge WHERE (mention_a = $1 OR"
                         " mention_b = $1) AND weight IS NOT NULL ORDER BY weight DESC LIMIT 1",
                         &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, out->mention);
    step = zj_stmt_next(q, err);
    if (step == 1) {
        out->scored = true;
        out->other = zj_stmt_int(q, 0);
        out->weight = zj_stmt_double(q, 1);
        out->probability = zj_model_probability(out->weight);
        out->closed = zj_stmt_int(q, 2) != 0;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_link_decide(zj_store *s, int64_t ma, int64_t mb, const char *decision,
                   const char *reviewer, const char *note, zj_error *err)
{
    if (strcmp(decision, "confirm") && strcmp(decision, "reject") && strcmp(decision, "unsure"))
        return zj_fail(err, ZJ_EUSAGE, "decision must be confirm, reject or unsure, not '%s'",
                       decision);
    if (!reviewer || !*reviewer)
        return zj_fail(err, ZJ_EUSAGE, "a decision needs the reviewer's name");
    if (ma == mb)
        return zj_fail(err, ZJ_EUSAGE, "a pair needs two different mentions");
    if (ma > mb) {
        int64_t t = ma;
        ma = mb;
        mb = t;
    }
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT count(*), count(DISTINCT kind) FROM mention WHERE id IN ($1, $2)",
                             &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, ma);
    zj_stmt_bind_int(q, 2, mb);
    int64_t found = 0, kinds = 0;
    if (zj_stmt_next(q, err) == 1) {
        found = zj_stmt_int(q, 0);
        kinds = zj_stmt_int(q, 1);
    }
    zj_stmt_finalize(q);
    if (found != 2)
        return zj_fail_as(err, ZJ_ERR_NOT_FOUND, "no such mention pair %lld, %lld", (long long)ma,
                       (long long)mb);
    if (kinds != 1)
        return zj_fail(err, ZJ_EUSAGE, "a person and an enterprise are never the same");
    rc = zj_stmt_prepare(s, "INSERT INTO link_decision (mention_a, mention_b, decision, reviewer,"
                         " note, decided_at) VALUES ($1, $2, $3, $4, $5, CURRENT_TIMESTAMP)"
                         " ON CONFLICT (mention_a, mention_b) DO UPDATE SET decision = excluded.decision,"
                         " reviewer = excluded.reviewer, note = excluded.note,"
                         " decided_at = excluded.decided_at", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, ma);
    zj_stmt_bind_int(q, 2, mb);
    zj_stmt_bind_text(q, 3, decision, strlen(decision));
    zj_stmt_bind_text(q, 4, reviewer, strlen(reviewer));
    if (note)
        zj_stmt_bind_text(q, 5, note, strlen(note));
    else
        zj_stmt_bind_null(q, 5);
    rc = zj_stmt_next(q, err) < 0 ? ZJ_EDATA : ZJ_OK;
    zj_stmt_finalize(q);
    return rc;
}
