/* pairing.c - loading, blocking keys, term frequencies and field weights shared by the batch
 * linking run and the one-record resolver (see pairing.h).
 *
 * Term frequencies: an exact name agreement is worth more for a rare name than for 张伟. The
 * adjusted u is the chance that a mention of *another* entity bears the name - so it counts
 * entities, not mentions: a lender named in forty cases must not make his own name look
 * common. Entities per name are counted by distinct trusted IDs (at least one), and turned
 * into mentions with the average number of mentions per identified entity: u(v) = E(v) * c / n.
 *
 * A shared unit is worth more for a unit of five than for a court of two hundred, and a unit
 * and post that only one person is ever named with is worth most: the u of "same unit" is the
 * share of the mentions naming a unit that name this one (mentions, not entities: the people
 * named with a unit seldom have an ID to count them by), the u of the post the share of this
 * unit's mentions with a post that give this post (model.h: zj_model_unit_weight).
 */
#include "link/pairing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "base/buf.h"
#include "base/parallel.h"

int zj_lmention_from_row(zj_lmention *m, zj_arena *a, int64_t id, int64_t entity,
                         const zj_mention_row *row)
{
    return zj_lmention_fill(m, a, row->kind ? ZJ_KIND_ENTERPRISE : ZJ_KIND_PERSON, id, entity,
                            row->v[ZJ_MC_NORM], row->v[ZJ_MC_KEY], row->v[ZJ_MC_ID_NO],
                            row->v[ZJ_MC_STATUS], row->v[ZJ_MC_BIRTH], row->v[ZJ_MC_SEX],
                            row->v[ZJ_MC_PHONE], row->v[ZJ_MC_REGION], row->v[ZJ_MC_CONTEXT],
                            row->v[ZJ_MC_ADDRESS]);
}

int zj_lmentions_load(zj_store *s, zj_kind kind, bool untrust_conflicts, zj_lmention **m,
                      int32_t *n, zj_arena *ar, zj_error *err)
{
    const char *kn = kind == ZJ_KIND_PERSON ? "person" : "enterprise";
    /* the columns in mention-table order, as a normalized row holds them */
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, untrust_conflicts
        ? "SELECT id, coalesce(entity_id, 0), name, id_no, birth_date, sex, phone, region_code,"
          " name_norm, name_key, id_status, address, context, EXISTS (SELECT 1 FROM link_conflict"
          " k WHERE k.mention_id = mention.id) FROM mention WHERE kind = $1 ORDER BY id"
        : "SELECT id, coalesce(entity_id, 0), name, id_no, birth_date, sex, phone, region_code,"
          " name_norm, name_key, id_status, address, context, 0 FROM mention WHERE kind = $1"
          " ORDER BY id", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, kn, strlen(kn));
    size_t cap = 0;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        if ((size_t)*n == cap) {
            zj_lmention *p = zj_grow(*m, &cap, cap + 1, sizeof *p, 65536);
            if (!p || cap >= INT32_MAX) {
                zj_stmt_finalize(q);
                return zj_fail(err, ZJ_EDATA, "out of memory");
            }
            *m = p;
        }
        zj_mention_row row;
        memset(&row, 0, sizeof row);
        row.kind = kind == ZJ_KIND_ENTERPRISE;
        for (int c = 0; c < ZJ_MC_COUNT; c++)
            row.v[c] = zj_stmt_text(q, 2 + c, NULL);
        zj_lmention *mm = &(*m)[*n];
        if (zj_lmention_from_row(mm, ar, zj_stmt_int(q, 0), zj_stmt_int(q, 1), &row)) {
            zj_stmt_finalize(q);
            return zj_fail(err, ZJ_EDATA, "out of memory");
        }
        if (zj_stmt_int(q, 2 + ZJ_MC_COUNT))
            mm->id_trusted = false;
        (*n)++;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

/* ---- blocking ------------------------------------------------------------------------------ */

static uint64_t field_value(const zj_lmention *m, zj_block_field f)
{
    switch (f) {
    case ZJ_BF_NAME_KEY: return m->key_h;
    case ZJ_BF_NAME_NORM: return m->norm_h;
    case ZJ_BF_SURNAME: return m->surname_h;
    case ZJ_BF_BIRTH_DATE: return (uint64_t)m->birth;
    case ZJ_BF_BIRTH_YEAR: return (uint64_t)(m->birth / 10000);
    case ZJ_BF_SEX: return (uint64_t)(unsigned char)m->sex;
    case ZJ_BF_PHONE: return m->phone_h;
    case ZJ_BF_REGION: return (uint64_t)m->region;
    case ZJ_BF_CITY: return (uint64_t)(m->region / 100);
    case ZJ_BF_ID_NO: return m->id_h;
    case ZJ_BF_ID_PREFIX: return m->idprefix_h;
    case ZJ_BF_ID_TAIL: return m->idtail_h;
    case ZJ_BF_NAME_PREFIX: return m->prefix_h;
    case ZJ_BF_ENTERPRISE: return m->context_h;
    case ZJ_BF_UNIT: return m->unit_h;
    case ZJ_BF_ADDRESS: return m->addr_h;
    case ZJ_BF_FORMER_ADDRESS: return m->addr2_h ? m->addr2_h : m->id_trusted ? 0 : m->addr_h;
    default: return 0;
    }
}

uint64_t zj_block_key(const zj_lmention *m, const zj_block_rule *rule, int rule_no)
{
    uint64_t v[4];
    for (int f = 0; f < rule->nfields; f++)
        if (!(v[f] = field_value(m, rule->fields[f])))
            return 0;
    uint64_t k = XXH3_64bits_withSeed(v, (size_t)rule->nfields * sizeof v[0], (uint64_t)rule_no);
    return k ? k : 1;
}

bool zj_block_same(const zj_lmention *a, const zj_lmention *b, const zj_block_rule *rule)
{
    for (int f = 0; f < rule->nfields; f++) {
        uint64_t v = field_value(a, rule->fields[f]);
        if (!v || v != field_value(b, rule->fields[f]))
            return false;
    }
    return true;
}

bool zj_block_rule_stable(const zj_block_rule *rule)
{
    for (int f = 0; f < rule->nfields; f++)
        if (rule->fields[f] == ZJ_BF_FORMER_ADDRESS)
            return false;
    return true;
}

/* ---- co-parties ------------------------------------------------------------------------------ */

int zj_cpk_push(zj_cpk_list *l, uint64_t case_h, uint32_t key, int32_t idx)
{
    if (!key || !case_h)
        return 0;
    if (l->n == l->cap) {
        zj_cpk *p = zj_grow(l->e, &l->cap, l->n + 1, sizeof *p, 4096);
        if (!p)
            return -1;
        l->e = p;
    }
    l->e[l->n++] = (zj_cpk){case_h, key, idx};
    return 0;
}

bool zj_cpk_status_valid(const char *st)
{
    return st && (!strcmp(st, "valid") || !strcmp(st, "legacy"));
}

int zj_cpk_push_enterprise(zj_cpk_list *l, const char *context, const char *norm,
                           const char *id_no, const char *id_status)
{
    uint64_t ch = zj_case_hash(context);
    if (!ch)
        return 0;
    return zj_cpk_push(l, ch, zj_copart_key(ZJ_KIND_ENTERPRISE, norm), -1) ||
           zj_cpk_push(l, ch, zj_copart_id_key(ZJ_KIND_ENTERPRISE, id_no,
                                               zj_cpk_status_valid(id_status)), -1)
               ? -1 : 0;
}

int zj_cpk_push_persons(zj_cpk_list *l, const zj_lmention *m, int32_t n, const zj_arena *ar)
{
    for (int32_t i = 0; i < n; i++)
        if (m[i].case_h &&
            (zj_cpk_push(l, m[i].case_h, zj_copart_key(ZJ_KIND_PERSON, ar->data + m[i].norm_off), i) ||
             zj_cpk_push(l, m[i].case_h, zj_copart_id_key(ZJ_KIND_PERSON, ar->data + m[i].id_off,
                                                          m[i].id_status == ID_VALID ||
                                                          m[i].id_status == ID_LEGACY), i)))
            return -1;
    return 0;
}

int zj_cpk_stored_enterprises(zj_store *s, zj_cpk_list *l, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT context, id_no, id_status, name_norm FROM mention"
                             " WHERE kind = 'enterprise' AND table_name = 'case_party'", &q, err);
    if (rc)
        return rc;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1)
        if (zj_cpk_push_enterprise(l, zj_stmt_text(q, 0, NULL), zj_stmt_text(q, 3, NULL),
                                   zj_stmt_text(q, 1, NULL), zj_stmt_text(q, 2, NULL))) {
            zj_stmt_finalize(q);
            return zj_fail(err, ZJ_EDATA, "out of memory");
        }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_coparties_fill(zj_cpk_list *l, zj_lmention *m, zj_keyed **cases, size_t *ncases)
{
    if (cases) {
        *cases = NULL;
        *ncases = 0;
    }
    if (l->n > INT32_MAX)
        return -1;
    zj_keyed *t = malloc((l->n + 1) * sizeof *t);
    zj_keyed *c = cases ? malloc((l->n + 1) * sizeof *c) : NULL;
    if (!t || (cases && !c)) {
        free(t);
        free(c);
        return -1;
    }
    /* a key in too many cases: dropped (sorted by key, then by the case's top 32 bits) */
    for (size_t i = 0; i < l->n; i++)
        t[i] = (zj_keyed){(uint64_t)l->e[i].key << 32 | l->e[i].case_h >> 32, (int32_t)i};
    int rc = zj_radix_sort(t, l->n) ? -1 : 0;
    size_t nc = 0;
    for (size_t i = 0; !rc && i < l->n;) {
        size_t j = i, ncase = 0;
        for (; j < l->n && t[j].key >> 32 == t[i].key >> 32; j++)
            ncase += j == i || t[j].key != t[j - 1].key;
        if (c)
            c[nc++] = (zj_keyed){t[i].key >> 32, ncase > INT32_MAX ? INT32_MAX : (int32_t)ncase};
        if (ncase > ZJ_COPARTY_MAX_CASES)
            for (size_t k = i; k < j; k++)
                l->e[t[k].idx].key = 0;
        i = j;
    }
    /* each case's entries together; a mention has up to two (name, ID): the others' keys
     * are its co-parties */
    for (size_t i = 0; !rc && i < l->n; i++)
        t[i] = (zj_keyed){l->e[i].case_h, (int32_t)i};
    if (!rc && zj_radix_sort(t, l->n))
        rc = -1;
    for (size_t i = 0; !rc && i < l->n;) {
        size_t j = i;
        while (j < l->n && t[j].key == t[i].key)
            j++;
        for (size_t a = i; a < j; a++) {
            const zj_cpk *ea = &l->e[t[a].idx];
            if (ea->idx < 0)
                continue;
            for (size_t b = i; b < j; b++) {
                const zj_cpk *eb = &l->e[t[b].idx];
                if (eb->idx != ea->idx && eb->key)
                    zj_copart_add(&m[ea->idx], eb->key);
            }
        }
        i = j;
    }
    free(t);
    if (rc || !cases)
        free(c);
    else {
        *cases = c;
        *ncases = nc;
    }
    return rc;
}

/* ---- term frequencies ---------------------------------------------------------------------- */

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Entities per name: the distinct trusted IDs among the mentions bearing it (untrusted
 * mentions count as "no ID": one entity at least). The mentions are grouped by name with a
 * radix sort; a group's IDs are sorted to count them. Entries ascend by name. */
static int build_names(const zj_lmention *m, int32_t n, bool key, zj_tf_entry **out,
                       size_t *nout)
{
    zj_keyed *p = malloc(((size_t)n + 1) * sizeof *p);
    zj_tf_entry *t = malloc(((size_t)n + 1) * sizeof *t);
    uint64_t *ids = NULL;
    size_t ids_cap = 0;
    if (!p || !t) {
        free(p);
        free(t);
        return -1;
    }
    size_t k = 0;
    for (int32_t i = 0; i < n; i++) {
        uint64_t h = key ? m[i].key_h : m[i].norm_h;
        if (h)
            p[k++] = (zj_keyed){h, i};
    }
    int rc = zj_radix_sort(p, k) ? -1 : 0;
    size_t w = 0;
    for (size_t i = 0; !rc && i < k;) {
        size_t j = i, nid = 0;
        for (; j < k && p[j].key == p[i].key; j++) {
            const zj_lmention *x = &m[p[j].idx];
            if (!x->id_trusted || !x->id_h)
                continue;
            if (nid == ids_cap) {
                uint64_t *g = zj_grow(ids, &ids_cap, nid + 1, sizeof *g, 64);
                if (!g) {
                    rc = -1;
                    break;
                }
                ids = g;
            }
            ids[nid++] = x->id_h;
        }
        if (rc)
            break;
        if (nid > 1)
            qsort(ids, nid, sizeof *ids, u64_cmp);
        uint32_t distinct = 0;
        for (size_t q = 0; q < nid; q++)
            distinct += q == 0 || ids[q] != ids[q - 1];
        t[w++] = (zj_tf_entry){p[i].key, distinct};
        i = j;
    }
    free(p);
    free(ids);
    if (rc) {
        free(t);
        return -1;
    }
    *out = t;
    *nout = w;
    return 0;
}

enum { TF_UNIT, TF_POST, TF_POSTED };   /* counted per unit, per unit and post, per unit of
                                           the mentions that give a post */

static int build_units(const zj_lmention *m, int32_t n, int what, zj_tf_entry **out,
                       size_t *nout, int64_t *counted)
{
    uint64_t *h = malloc(((size_t)n + 1) * sizeof *h);
    zj_tf_entry *t = malloc(((size_t)n + 1) * sizeof *t);
    if (!h || !t) {
        free(h);
        free(t);
        return -1;
    }
    size_t k = 0;
    for (int32_t i = 0; i < n; i++) {
        const zj_lmention *x = &m[i];
        uint64_t v = what == TF_POST ? x->post_h : what == TF_UNIT || x->post_h ? x->unit_h : 0;
        if (v)
            h[k++] = v;
    }
    *counted = (int64_t)k;
    qsort(h, k, sizeof *h, u64_cmp);
    size_t w = 0;
    for (size_t i = 0; i < k; i++) {
        if (i == 0 || h[i] != h[i - 1])
            t[w++] = (zj_tf_entry){h[i], 0};
        t[w - 1].count++;
    }
    free(h);
    *out = t;
    *nout = w;
    return 0;
}

/* The five counts are independent: two jobs (zj_parallel runs the second on the caller's
 * thread when it cannot start one). */
typedef struct tf_job {
    zj_tf *tf;
    const zj_lmention *m;
    int32_t n;
    int part;
    int rc;
} tf_job;

static void *tf_part(void *arg)
{
    tf_job *j = arg;
    zj_tf *tf = j->tf;
    int64_t ignored;
    for (int p = j->part; !j->rc && p < 5; p += 2)
        j->rc = p == 0 ? build_names(j->m, j->n, false, &tf->norm, &tf->nnorm)
              : p == 1 ? build_names(j->m, j->n, true, &tf->key, &tf->nkey)
              : p == 2 ? build_units(j->m, j->n, TF_UNIT, &tf->unit, &tf->nunit, &tf->n_unit)
              : p == 3 ? build_units(j->m, j->n, TF_POST, &tf->post, &tf->npost, &ignored)
                       : build_units(j->m, j->n, TF_POSTED, &tf->posted, &tf->nposted, &ignored);
    return NULL;
}

int zj_tf_build(zj_tf *tf, const zj_lmention *m, int32_t n)
{
    memset(tf, 0, sizeof *tf);
    tf->n = n;
    tf->per_entity = 1.0;
    tf_job job[2] = {{tf, m, n, 0, 0}, {tf, m, n, 1, 0}};
    zj_parallel(tf_part, job, sizeof job[0], 2);
    if (job[0].rc || job[1].rc) {
        zj_tf_free(tf);
        return -1;
    }
    return 0;
}

void zj_tf_free(zj_tf *tf)
{
    free(tf->norm);
    free(tf->key);
    free(tf->unit);
    free(tf->post);
    free(tf->posted);
    memset(tf, 0, sizeof *tf);
}

/* The count kept for h (at least one). */
static uint32_t count_of(const zj_tf_entry *t, size_t n, uint64_t h)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t[mid].h < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && t[lo].h == h && t[lo].count ? t[lo].count : 1;
}

double zj_tf_name_u(const zj_tf *tf, const zj_lmention *a, int level)
{
    uint32_t entities = level == 3 ? count_of(tf->norm, tf->nnorm, a->norm_h)
                                   : count_of(tf->key, tf->nkey, a->key_h);
    double u = entities * tf->per_entity / (double)(tf->n ? tf->n : 1);
    return u < 1 ? u : 1;
}

double zj_tf_unit_weight(const zj_tf *tf, const zj_fs_model *fs, const zj_lmention *a,
                         int level, double *m, double *u)
{
    double n_unit = (double)(tf->n_unit ? tf->n_unit : 1);
    double u_unit = fmin(count_of(tf->unit, tf->nunit, a->unit_h) / n_unit, 1);
    double u_post = 1, mm, uu;
    if (level >= 2)
        u_post = fmin((double)count_of(tf->post, tf->npost, a->post_h) /
                      count_of(tf->posted, tf->nposted, a->unit_h), 1);
    double w = zj_model_unit_weight(fs, level, u_unit, u_post, &mm, &uu);
    if (m)
        *m = mm;
    if (u)
        *u = uu;
    return w;
}

double zj_pair_field_weight(const zj_fs_model *fs, const zj_tf *tf, const zj_lmention *a,
                            int field, int level, double *m, double *u, bool *adjusted)
{
    *adjusted = false;
    if (field == F_NAME && level >= 2) {
        *adjusted = true;
        return zj_model_name_tf_weight(fs, level, zj_tf_name_u(tf, a, level), m, u);
    }
    if (field == F_UNIT && level >= 1 && fs->kind == ZJ_KIND_PERSON) {
        *adjusted = true;
        return zj_tf_unit_weight(tf, fs, a, level, m, u);
    }
    *m = fs->m[field][level];
    *u = fs->u[field][level];
    return zj_model_weight(fs, field, level);
}

/* ---- the stored model ---------------------------------------------------------------------- */

int zj_model_load(zj_store *s, zj_kind kind, zj_fs_model *fs, double *per_entity, bool *found,
                  zj_error *err)
{
    zj_model_init(fs, kind);
    *found = false;
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT field, level, m, u FROM link_param WHERE kind = $1", &q,
                             err);
    if (rc)
        return rc;
    const char *kn = kind == ZJ_KIND_PERSON ? "person" : "enterprise";
    zj_stmt_bind_text(q, 1, kn, strlen(kn));
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        const char *field = zj_stmt_text(q, 0, NULL), *level = zj_stmt_text(q, 1, NULL);
        if (!field || !level)
            continue;
        *found = true;
        if (!strcmp(field, "prior")) {
            fs->lambda = zj_stmt_double(q, 2);
            continue;
        }
        if (!strcmp(field, "tf")) {
            *per_entity = zj_stmt_double(q, 2);
            continue;
        }
        for (int f = 0; f < ZJ_MAX_FIELDS; f++)
            for (int l = 0; l < zj_compare_nlevels(kind, f); l++)
                if (!strcmp(field, zj_compare_field_name(kind, f)) &&
                    !strcmp(level, zj_compare_level_name(kind, f, l))) {
                    fs->m[f][l] = zj_stmt_double(q, 2);
                    fs->u[f][l] = zj_stmt_double(q, 3);
                }
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}
