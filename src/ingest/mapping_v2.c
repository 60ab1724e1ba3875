/* mapping_v2.c - reading the v2 parts of a mapping file (docs/mapping.md, "Mapping format v2").
 *
 * Derived values, conditions, `rows:` entries, `extra:` fields, numbers and look-ups. The
 * top-level sections are kept as YAML nodes while mapping.c walks the file and are read at
 * the end (zj_mp_finish_v2), so they may come in any order; then every name is resolved:
 * columns to aux column indexes, `derived: NAME.PART` to a derived value and part.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/derive.h"
#include "ingest/lookup.h"
#include "ingest/mapping_parse.h"

typedef zj_mp_ctx ctx;

static int oom(ctx *c) { return zj_fail(c->err, ZJ_EDATA, "out of memory"); }

static size_t node_count(const yaml_node_t *n)
{
    if (n->type == YAML_SEQUENCE_NODE)
        return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (n->type == YAML_MAPPING_NODE)
        return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    return 0;
}

/* A mapping pair's key (its text; "" when it is not a plain value) and nodes. */
static const char *pair(ctx *c, const yaml_node_pair_t *p, yaml_node_t **k, yaml_node_t **v)
{
    *k = yaml_document_get_node(c->doc, p->key);
    *v = yaml_document_get_node(c->doc, p->value);
    return (*k)->type == YAML_SCALAR_NODE ? (const char *)(*k)->data.scalar.value : "";
}

static yaml_node_t *item(ctx *c, yaml_node_t *seq, size_t i)
{
    return yaml_document_get_node(c->doc, seq->data.sequence.items.start[i]);
}

/* ---- conditions --------------------------------------------------------------------------- */

void zj_cond_free(zj_cond *c)
{
    if (!c)
        return;
    free(c->column);
    free(c->derived);
    free_list(c->values);
    zj_regex_free(c->regex);
    for (size_t i = 0; i < c->nkids; i++)
        zj_cond_free(c->kids[i]);
    free(c->kids);
    free(c);
}

static int parse_cond(ctx *c, yaml_node_t *n, zj_cond **out);

static int parse_kids(ctx *c, yaml_node_t *n, zj_cond *cd)
{
    size_t count = n->type == YAML_SEQUENCE_NODE ? node_count(n) : 1;
    cd->kids = calloc(count ? count : 1, sizeof *cd->kids);
    if (!cd->kids)
        return oom(c);
    for (size_t i = 0; i < count; i++) {
        int rc = parse_cond(c, n->type == YAML_SEQUENCE_NODE ? item(c, n, i) : n,
                            &cd->kids[cd->nkids++]);
        if (rc)
            return rc;
    }
    return ZJ_OK;
}

static int parse_number_option(ctx *c, yaml_node_t *v, const char *key, double *out)
{
    char *s = NULL, *end;
    int rc = want_scalar(c, v, key, &s);
    if (!rc) {
        *out = strtod(s, &end);
        if (end == s || *end)
            rc = fail_at(c, v, "'%s': '%s' is not a number", key, s);
    }
    free(s);
    return rc;
}

static int parse_cond(ctx *c, yaml_node_t *n, zj_cond **out)
{
    zj_cond *cd = *out = calloc(1, sizeof *cd);
    if (!cd)
        return oom(c);
    if (n->type == YAML_SEQUENCE_NODE) {
        cd->op = ZJ_COND_ALL;
        return parse_kids(c, n, cd);
    }
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(c, n, "a condition ('when') must be {column: NAME, TEST: VALUE}, a list "
                       "of conditions, {any: [...]} or {not: ...}%s%s", "", "");
    int rc = ZJ_OK;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; !rc && p < n->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        if (k->type != YAML_SCALAR_NODE)
            return fail_at(c, k, "condition keys must be plain words%s%s", "", "");
        const char *key = (const char *)k->data.scalar.value;
        /* refuse a repeated key before parsing it, so nothing parsed first is overwritten */
        bool names = strcmp(key, "column") == 0 || strcmp(key, "derived") == 0;
        if (names ? (cd->column || cd->derived) : cd->op != 0)
            return fail_at(c, k, names ? "a condition names one 'column' or one 'derived' "
                           "value; '%s' is a second%s" : "a condition has one test; '%s' is a "
                           "second (use a list for several)%s", key, "");
        int op = 0;
        if (strcmp(key, "column") == 0)
            rc = want_scalar(c, v, key, &cd->column);
        else if (strcmp(key, "derived") == 0)
            rc = want_scalar(c, v, key, &cd->derived);
        else if (strcmp(key, "any") == 0 || strcmp(key, "all") == 0 || strcmp(key, "not") == 0) {
            op = key[0] == 'a' ? (key[1] == 'n' ? ZJ_COND_ANY : ZJ_COND_ALL) : ZJ_COND_NOT;
            if (op == ZJ_COND_NOT && v->type == YAML_SEQUENCE_NODE)
                return fail_at(c, v, "'not' takes one condition%s%s", "", "");
            rc = parse_kids(c, v, cd);
        } else if (strcmp(key, "equals") == 0 || strcmp(key, "not_equals") == 0) {
            op = key[0] == 'e' ? ZJ_COND_EQ : ZJ_COND_NE;
            if (v->type != YAML_SCALAR_NODE)
                return fail_at(c, v, "'%s' takes one value (use 'in' for a list)%s", key, "");
            rc = want_list(c, v, key, &cd->values);
        } else if (strcmp(key, "in") == 0 || strcmp(key, "not_in") == 0) {
            op = key[0] == 'i' ? ZJ_COND_IN : ZJ_COND_NOT_IN;
            rc = want_list(c, v, key, &cd->values);
        } else if (strcmp(key, "matches") == 0) {
            op = ZJ_COND_MATCHES;
            char *pat = NULL;
            char why[200];
            if (!(rc = want_scalar(c, v, key, &pat)) &&
                !(cd->regex = zj_regex_compile(pat, why, sizeof why)))
                rc = fail_at(c, v, "'matches': %s%s", why, "");
            free(pat);
        } else if (strcmp(key, "present") == 0) {
            bool b = false;
            rc = want_bool(c, v, key, &b);
            op = b ? ZJ_COND_PRESENT : ZJ_COND_ABSENT;
        } else if (strcmp(key, "gt") == 0 || strcmp(key, "ge") == 0 || strcmp(key, "lt") == 0 ||
                   strcmp(key, "le") == 0) {
            op = key[0] == 'g' ? (key[1] == 't' ? ZJ_COND_GT : ZJ_COND_GE)
                               : (key[1] == 't' ? ZJ_COND_LT : ZJ_COND_LE);
            rc = parse_number_option(c, v, key, &cd->num);
        } else
            return fail_at(c, k, "unknown condition key '%s' (known: column, derived, equals, "
                           "not_equals, in, not_in, matches, present, gt, ge, lt, le, any, all, "
                           "not)%s", key, "");
        if (op) {
            if (cd->op)
                return fail_at(c, k, "a condition has one test; '%s' is a second (use a list "
                               "for several)%s", key, "");
            cd->op = op;
        }
    }
    if (rc)
        return rc;
    if (!cd->op)
        return fail_at(c, n, "the condition has no test (equals, in, matches, present, gt, ...)"
                       "%s%s", "", "");
    bool combinator = cd->op == ZJ_COND_ALL || cd->op == ZJ_COND_ANY || cd->op == ZJ_COND_NOT;
    if (!combinator && !cd->column == !cd->derived)
        return fail_at(c, n, "a condition names one 'column' or one 'derived' value%s%s", "", "");
    if (combinator && (cd->column || cd->derived))
        return fail_at(c, n, "'any', 'all' and 'not' take whole conditions; put 'column' inside "
                       "them%s%s", "", "");
    return ZJ_OK;
}

/* ---- field options -------------------------------------------------------------------------- */

static int unit_factor(ctx *c, yaml_node_t *v, const char *key, double *out)
{
    char *s = NULL;
    int rc = want_scalar(c, v, key, &s);
    if (rc)
        return rc;
    if (strcmp(s, "元") == 0 || strcasecmp(s, "yuan") == 0)
        *out = 1;
    else if (strcmp(s, "千元") == 0)
        *out = 1e3;
    else if (strcmp(s, "万元") == 0 || strcmp(s, "万") == 0)
        *out = 1e4;
    else if (strcmp(s, "亿元") == 0 || strcmp(s, "亿") == 0)
        *out = 1e8;
    else
        rc = fail_at(c, v, "unknown unit '%s' (known: 元, 千元, 万元, 亿元)%s", s, "");
    free(s);
    return rc;
}

static int parse_lookup(ctx *c, yaml_node_t *n, zj_lookup **out)
{
    zj_lookup *lk = *out = calloc(1, sizeof *lk);
    if (!lk)
        return oom(c);
    lk->line = line_of(n);
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(c, n, "'lookup' must be {table: ..., match: ..., return: ...}%s%s", "", "");
    int rc = ZJ_OK;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; !rc && p < n->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k, *v;
        const char *key = pair(c, p, &k, &v);
        if (strcmp(key, "table") == 0)
            rc = want_scalar(c, v, key, &lk->table);
        else if (strcmp(key, "match") == 0)
            rc = want_scalar(c, v, key, &lk->match);
        else if (strcmp(key, "return") == 0)
            rc = want_scalar(c, v, key, &lk->ret);
        else if (strcmp(key, "ambiguous") == 0) {
            char *s = NULL;
            if (!(rc = want_scalar(c, v, key, &s))) {
                if (strcmp(s, "first") == 0)
                    lk->first = true;
                else if (strcmp(s, "reject") != 0)
                    rc = fail_at(c, v, "'ambiguous' is 'reject' (the default) or 'first', not "
                                 "'%s'%s", s, "");
            }
            free(s);
        } else if (strcmp(key, "where") == 0) {
            if (v->type != YAML_MAPPING_NODE)
                return fail_at(c, v, "'where' must map columns to values%s%s", "", "");
            size_t count = node_count(v);
            lk->where_cols = calloc(count + 1, sizeof *lk->where_cols);
            lk->where_vals = calloc(count + 1, sizeof *lk->where_vals);
            if (!lk->where_cols || !lk->where_vals)
                return oom(c);
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
                 !rc && q < v->data.mapping.pairs.top; q++) {
                yaml_node_t *wk = yaml_document_get_node(c->doc, q->key);
                if (wk->type != YAML_SCALAR_NODE)
                    return fail_at(c, wk, "'where' columns must be plain words%s%s", "", "");
                size_t i = lk->nwhere++;
                if (!(lk->where_cols[i] = scalar_dup(wk)))
                    return oom(c);
                rc = want_list(c, yaml_document_get_node(c->doc, q->value), "where",
                               &lk->where_vals[i]);
            }
        } else
            return fail_at(c, k, "unknown look-up option '%s' (known: table, match, return, "
                           "where, ambiguous)%s", key, "");
    }
    if (rc)
        return rc;
    if (!lk->table || !lk->match || !lk->ret)
        return fail_at(c, n, "'lookup' needs 'table', 'match' and 'return'%s%s", "", "");
    size_t ml = strlen(lk->match);
    lk->by_name = strcmp(lk->match, "name") == 0 ||
                  (ml > 5 && strcmp(lk->match + ml - 5, "_name") == 0);
    return ZJ_OK;
}

int zj_mp_field_option_v2(ctx *c, zj_mapping *m, zj_field_map *f, const char *key,
                          yaml_node_t *v)
{
    (void)m;
    int rc;
    if (strcmp(key, "derived") == 0)
        rc = want_scalar(c, v, key, &f->derived_name), f->from.kind = ZJ_VREF_DERIVED;
    else if (strcmp(key, "when") == 0)
        rc = parse_cond(c, v, &f->when);
    else if (strcmp(key, "index") == 0)
        rc = want_bool(c, v, key, &f->index);
    else if (strcmp(key, "lookup") == 0)
        rc = parse_lookup(c, v, &f->lookup);
    else if (strcmp(key, "unit") == 0)
        rc = unit_factor(c, v, key, &f->unit);
    else if (strcmp(key, "bare_unit") == 0)
        rc = unit_factor(c, v, key, &f->bare_unit);
    else if (strcmp(key, "number") == 0) {
        char *s = NULL;
        if (!(rc = want_scalar(c, v, key, &s))) {
            if (strcmp(s, "plain") == 0)
                f->number = ZJ_NUM_PLAIN;
            else if (strcmp(s, "percent") == 0)
                f->number = ZJ_NUM_PERCENT;
            else if (strcmp(s, "percent_or_fraction") == 0)
                f->number = ZJ_NUM_PERCENT_OR_FRACTION;
            else if (strcmp(s, "amount") == 0)
                f->number = ZJ_NUM_AMOUNT;
            else
                rc = fail_at(c, v, "unknown number style '%s' (known: plain, percent, "
                             "percent_or_fraction, amount)%s", s, "");
        }
        free(s);
    } else
        return 1;
    f->v2 = true;
    return rc;
}

/* ---- top-level sections ------------------------------------------------------------------- */

int zj_mp_top_key_v2(ctx *c, zj_mapping *m, const char *key, yaml_node_t *v)
{
    if (strcmp(key, "derived") == 0)
        c->v2_derived = v;
    else if (strcmp(key, "when") == 0)
        c->v2_when = v;
    else if (strcmp(key, "rows") == 0)
        c->v2_rows = v;
    else if (strcmp(key, "extra") == 0)
        c->v2_extra = v;
    else
        return 1;
    m->v2 = true;
    return ZJ_OK;
}

const char *const zj_case_no_parts[] = {"normalized", "year", "court", "court_region",
                                        "court_level", "type", "category", "serial", NULL};
const char *const zj_resident_id_parts[] = {"normalized", "birth_date", "sex", "region", NULL};
const char *const zj_uscc_parts[] = {"normalized", "region", "org_code", "type", NULL};

static int parse_transforms(ctx *c, yaml_node_t *v, int *tx, size_t cap)
{
    /* the v1 names, in the order of ZJ_TX_* */
    static const char *const names[] = {NULL, "halfwidth", "upper", "lower", "remove_spaces",
                                        "collapse_spaces", "digits_only", "strip_thousands"};
    char **l = NULL;
    int rc = want_list(c, v, "transforms", &l);
    size_t nt = 0;
    for (char **t = l; !rc && t && *t; t++) {
        size_t i;
        for (i = 1; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(*t, names[i]) == 0)
                break;
        if (strcmp(*t, "trim") == 0)
            continue;
        if (i == sizeof names / sizeof names[0])
            rc = fail_at(c, v, "unknown transform '%s'%s", *t, "");
        else if (nt + 1 >= cap)
            rc = fail_at(c, v, "too many transforms%s%s", "", "");
        else
            tx[nt++] = (int)i;
    }
    free_list(l);
    return rc;
}

static int parse_derived_one(ctx *c, yaml_node_t *k, yaml_node_t *v, zj_derived *d)
{
    d->line = line_of(k);
    if (!(d->name = scalar_dup(k)))
        return oom(c);
    if (strchr(d->name, '.'))
        return fail_at(c, k, "derived value '%s': names may not contain '.'%s", d->name, "");
    if (v->type != YAML_MAPPING_NODE)
        return fail_at(c, v, "derived value '%s' must be {column: ..., regex|substr|parse: ...}"
                       "%s", d->name, "");
    int rc = ZJ_OK;
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; !rc && p < v->data.mapping.pairs.top;
         p++) {
        yaml_node_t *ok, *ov;
        const char *key = pair(c, p, &ok, &ov);
        int kind = 0;
        if (strcmp(key, "column") == 0)
            rc = want_scalar(c, ov, key, &d->column);
        else if (strcmp(key, "transforms") == 0)
            rc = parse_transforms(c, ov, d->transforms,
                                  sizeof d->transforms / sizeof d->transforms[0]);
        else if (strcmp(key, "when") == 0)
            rc = parse_cond(c, ov, &d->when);
        else if (strcmp(key, "invalid") == 0) {
            char *s = NULL;
            if (!(rc = want_scalar(c, ov, key, &s))) {
                if (strcmp(s, "missing") == 0)
                    d->invalid_missing = true;
                else if (strcmp(s, "reject") != 0)
                    rc = fail_at(c, ov, "'invalid' is 'reject' (the default) or 'missing', not "
                                 "'%s'%s", s, "");
            }
            free(s);
        } else if (strcmp(key, "regex") == 0) {
            kind = ZJ_DERIVE_REGEX;
            char why[200];
            if (!(rc = want_scalar(c, ov, key, &d->pattern)) &&
                !(d->regex = zj_regex_compile(d->pattern, why, sizeof why)))
                rc = fail_at(c, ov, "derived value '%s': %s", d->name, why);
            if (!rc) {
                d->ngroups = zj_regex_group_count(d->regex);
                if (d->ngroups + 1 > ZJ_MAX_PARTS)
                    rc = fail_at(c, ov, "derived value '%s': at most 15 groups%s", d->name, "");
                d->nparts = d->ngroups + 1;
                d->main_part = d->ngroups ? 1 : 0;
            }
        } else if (strcmp(key, "substr") == 0) {
            kind = ZJ_DERIVE_SUBSTR;
            char **l = NULL;
            char *e1 = NULL, *e2 = NULL;
            if (!(rc = want_list(c, ov, key, &l))) {
                size_t n = 0;
                while (l[n])
                    n++;
                d->length = -1;
                if (n == 0 || n > 2)
                    rc = fail_at(c, ov, "'substr' is [START] or [START, LENGTH]%s%s", "", "");
                else {
                    d->start = strtol(l[0], &e1, 10);
                    if (n == 2)
                        d->length = strtol(l[1], &e2, 10);
                    if (e1 == l[0] || *e1 || (n == 2 && (e2 == l[1] || *e2 || d->length < 0)))
                        rc = fail_at(c, ov, "'substr' takes whole numbers, LENGTH not negative"
                                     "%s%s", "", "");
                }
            }
            free_list(l);
            d->nparts = 1;
        } else if (strcmp(key, "parse") == 0) {
            char *s = NULL;
            if (!(rc = want_scalar(c, ov, key, &s))) {
                if (strcmp(s, "case_no") == 0)
                    kind = ZJ_DERIVE_CASE_NO, d->nparts = 8;
                else if (strcmp(s, "resident_id") == 0)
                    kind = ZJ_DERIVE_RESIDENT_ID, d->nparts = 4;
                else if (strcmp(s, "uscc") == 0)
                    kind = ZJ_DERIVE_USCC, d->nparts = 4;
                else
                    rc = fail_at(c, ov, "unknown parser '%s' (known: case_no, resident_id, uscc)"
                                 "%s", s, "");
            }
            free(s);
        } else
            rc = fail_at(c, ok, "derived value: unknown option '%s' (known: column, regex, "
                         "substr, parse, transforms, when, invalid)%s", key, "");
        if (kind) {
            if (d->kind)
                rc = fail_at(c, ok, "derived value '%s' has more than one of regex, substr and "
                             "parse%s", d->name, "");
            d->kind = kind;
        }
    }
    if (rc)
        return rc;
    if (!d->column)
        return fail_at(c, v, "derived value '%s' needs a 'column'%s", d->name, "");
    if (!d->kind)
        return fail_at(c, v, "derived value '%s' needs 'regex', 'substr' or 'parse'%s", d->name,
                       "");
    return ZJ_OK;
}

static int parse_field_list(ctx *c, zj_mapping *m, yaml_node_t *n, const char *what,
                            zj_field_map **out, size_t *nout)
{
    if (n->type != YAML_MAPPING_NODE || node_count(n) == 0)
        return fail_at(c, n, "'%s' must map names to columns or options%s", what, "");
    size_t count = node_count(n);
    zj_field_map *fs = *out = calloc(count, sizeof *fs);
    if (!fs)
        return oom(c);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        if (k->type != YAML_SCALAR_NODE)
            return fail_at(c, k, "field names must be plain words%s%s", "", "");
        for (size_t i = 0; i < *nout; i++)
            if (scalar_is(k, fs[i].field))
                return fail_at(c, k, "field '%s' is mapped twice%s", fs[i].field, "");
        zj_field_map *f = &fs[(*nout)++];
        int rc = zj_mp_parse_field(c, m, k, yaml_document_get_node(c->doc, p->value), f);
        if (rc)
            return rc;
    }
    return ZJ_OK;
}

static int parse_row_entry(ctx *c, zj_mapping *m, yaml_node_t *n, zj_target *t)
{
    t->line = line_of(n);
    t->repeat_max = 100;
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(c, n, "each 'rows' entry must be {name: ..., table: ..., fields: ...}%s%s",
                       "", "");
    yaml_node_t *fields = NULL;
    int rc = ZJ_OK;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; !rc && p < n->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k, *v;
        const char *key = pair(c, p, &k, &v);
        if (strcmp(key, "name") == 0)
            rc = want_scalar(c, v, key, &t->name);
        else if (strcmp(key, "table") == 0)
            rc = want_scalar(c, v, key, &t->table);
        else if (strcmp(key, "key") == 0)
            rc = want_list(c, v, key, &t->key);
        else if (strcmp(key, "when") == 0)
            rc = parse_cond(c, v, &t->when);
        else if (strcmp(key, "fields") == 0)
            fields = v;
        else if (strcmp(key, "repeat") == 0) {
            if (v->type != YAML_MAPPING_NODE)
                return fail_at(c, v, "'repeat' must be {count: COLUMN, max: N}%s%s", "", "");
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
                 !rc && q < v->data.mapping.pairs.top; q++) {
                yaml_node_t *rk = yaml_document_get_node(c->doc, q->key);
                yaml_node_t *rv = yaml_document_get_node(c->doc, q->value);
                if (scalar_is(rk, "count")) {
                    rc = want_scalar(c, rv, "count", &t->repeat_column);
                    t->repeat.kind = ZJ_VREF_COLUMN;
                } else if (scalar_is(rk, "max")) {
                    double mx;
                    if (!(rc = parse_number_option(c, rv, "max", &mx))) {
                        if (!(mx >= 1 && mx <= 100000) || mx != (double)(long)mx)  /* NaN too */
                            rc = fail_at(c, rv, "'max' must be a whole number from 1 to 100000"
                                         "%s%s", "", "");
                        t->repeat_max = (long)mx;
                    }
                } else
                    rc = fail_at(c, rk, "'repeat' takes 'count' and 'max'%s%s", "", "");
            }
            if (!rc && !t->repeat_column)
                rc = fail_at(c, v, "'repeat' needs 'count': the column with the number of "
                             "records%s%s", "", "");
        } else if (strcmp(key, "unpivot") == 0) {
            if (v->type != YAML_SEQUENCE_NODE || node_count(v) == 0)
                return fail_at(c, v, "'unpivot' must list column groups%s%s", "", "");
            t->ngroups = node_count(v);
            t->groups = calloc(t->ngroups + 1, sizeof *t->groups);
            if (!t->groups)
                return oom(c);
            for (size_t g = 0; g < t->ngroups; g++) {
                yaml_node_t *gn = item(c, v, g);
                if (gn->type != YAML_MAPPING_NODE || node_count(gn) == 0)
                    return fail_at(c, gn, "each column group maps names to columns%s%s", "", "");
                char **pairs = t->groups[g] = calloc(2 * node_count(gn) + 1, sizeof *pairs);
                if (!pairs)
                    return oom(c);
                size_t np = 0;
                for (yaml_node_pair_t *q = gn->data.mapping.pairs.start;
                     q < gn->data.mapping.pairs.top; q++) {
                    yaml_node_t *gk = yaml_document_get_node(c->doc, q->key);
                    yaml_node_t *gv = yaml_document_get_node(c->doc, q->value);
                    if (gk->type != YAML_SCALAR_NODE || gv->type != YAML_SCALAR_NODE)
                        return fail_at(c, gk, "column groups map names to column names%s%s",
                                       "", "");
                    if (!(pairs[np++] = scalar_dup(gk)) || !(pairs[np++] = scalar_dup(gv)))
                        return oom(c);
                }
            }
        } else
            return fail_at(c, k, "unknown key '%s' in a 'rows' entry (known: name, table, key, "
                           "when, repeat, unpivot, fields)%s", key, "");
    }
    if (rc)
        return rc;
    if (!t->name || !t->table || !fields)
        return fail_at(c, n, "a 'rows' entry needs 'name', 'table' and 'fields'%s%s", "", "");
    if (t->repeat.kind && t->groups)
        return fail_at(c, n, "rows[%s]: 'repeat' and 'unpivot' do not go together%s", t->name,
                       "");
    for (size_t i = 0; i < m->nrows; i++)
        if (&m->rows[i] != t && m->rows[i].name && strcmp(m->rows[i].name, t->name) == 0)
            return fail_at(c, n, "two 'rows' entries are named '%s'%s", t->name, "");
    return parse_field_list(c, m, fields, "fields", &t->fields, &t->nfields);
}

/* ---- resolving names ---------------------------------------------------------------------- */

static int aux_index(ctx *c, zj_mapping *m, const char *name, size_t *out)
{
    for (size_t i = 0; i < m->naux; i++)
        if (strcmp(m->aux_columns[i], name) == 0) {
            *out = i;
            return ZJ_OK;
        }
    char **grown = realloc(m->aux_columns, (m->naux + 2) * sizeof *grown);
    if (!grown)
        return oom(c);
    m->aux_columns = grown;
    if (!(grown[m->naux] = strdup(name)))
        return oom(c);
    grown[m->naux + 1] = NULL;
    *out = m->naux++;
    return ZJ_OK;
}

static int resolve_derived(ctx *c, zj_mapping *m, const char *ref, int line, zj_vref *out)
{
    const char *dot = strchr(ref, '.');
    size_t nl = dot ? (size_t)(dot - ref) : strlen(ref);
    for (size_t i = 0; i < m->nderived; i++) {
        zj_derived *d = &m->derived[i];
        if (strlen(d->name) != nl || memcmp(d->name, ref, nl) != 0)
            continue;
        out->kind = ZJ_VREF_DERIVED;
        out->index = i;
        if (!dot) {
            out->part = d->main_part;
            return ZJ_OK;
        }
        const char *part = dot + 1;
        const char *const *names = d->kind == ZJ_DERIVE_CASE_NO ? zj_case_no_parts
                                 : d->kind == ZJ_DERIVE_RESIDENT_ID ? zj_resident_id_parts
                                 : d->kind == ZJ_DERIVE_USCC ? zj_uscc_parts : NULL;
        for (int j = 0; names && names[j]; j++)
            if (strcmp(names[j], part) == 0) {
                out->part = j;
                return ZJ_OK;
            }
        if (!names) {
            char *end;
            long g = strtol(part, &end, 10);
            if (end != part && !*end && g >= 0 && g < d->nparts) {
                out->part = (int)g;
                return ZJ_OK;
            }
            int gn = d->regex ? zj_regex_group_number(d->regex, part) : -1;
            if (gn >= 0) {
                out->part = gn;
                return ZJ_OK;
            }
        }
        return zj_fail(c->err, ZJ_EUSAGE, "%s:%d: derived value '%s' has no part '%s'", c->name,
                       line, d->name, part);
    }
    return zj_fail(c->err, ZJ_EUSAGE, "%s:%d: no derived value '%.*s' under 'derived'", c->name,
                   line, (int)nl, ref);
}

static int resolve_cond(ctx *c, zj_mapping *m, zj_cond *cd, int line)
{
    if (!cd)
        return ZJ_OK;
    for (size_t i = 0; i < cd->nkids; i++) {
        int rc = resolve_cond(c, m, cd->kids[i], line);
        if (rc)
            return rc;
    }
    if (cd->column) {
        cd->ref.kind = ZJ_VREF_COLUMN;
        return aux_index(c, m, cd->column, &cd->ref.index);
    }
    if (cd->derived)
        return resolve_derived(c, m, cd->derived, line, &cd->ref);
    return ZJ_OK;
}

/* The column a field of a `rows:` entry reads in group g: a group name, else the column. */
static const char *group_column(const zj_target *t, size_t g, const char *name)
{
    for (char **p = t->groups[g]; *p; p += 2)
        if (strcmp(p[0], name) == 0)
            return p[1];
    return name;
}

static int resolve_field(ctx *c, zj_mapping *m, zj_field_map *f, const zj_target *t)
{
    int rc = resolve_cond(c, m, f->when, f->line);
    if (!rc && f->derived_name)
        rc = resolve_derived(c, m, f->derived_name, f->line, &f->from);
    if (rc || !f->column || !t)
        return rc;
    /* a field under `rows:` (or `extra:`) reads its column through the aux list */
    f->v2 = true;
    f->from.kind = ZJ_VREF_COLUMN;
    if (t->groups) {
        if (!(f->group_src = calloc(t->ngroups, sizeof *f->group_src)))
            return oom(c);
        for (size_t g = 0; !rc && g < t->ngroups; g++)
            rc = aux_index(c, m, group_column(t, g, f->column), &f->group_src[g]);
        return rc;
    }
    return aux_index(c, m, f->column, &f->from.index);
}

int zj_mp_finish_v2(ctx *c, zj_mapping *m)
{
    struct {
        yaml_node_t *derived, *when, *rows, *extra;
    } p = {c->v2_derived, c->v2_when, c->v2_rows, c->v2_extra};
    int rc = ZJ_OK;
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i].v2 || m->fields[i].from.kind)
            m->v2 = true;
    if (!m->v2)
        return ZJ_OK;
    if (p.derived) {
        if (p.derived->type != YAML_MAPPING_NODE)
            return fail_at(c, p.derived, "'derived' must map names to derived values%s%s", "", "");
        m->derived = calloc(node_count(p.derived) + 1, sizeof *m->derived);
        if (!m->derived)
            return oom(c);
        for (yaml_node_pair_t *q = p.derived->data.mapping.pairs.start;
             q < p.derived->data.mapping.pairs.top; q++) {
            yaml_node_t *k = yaml_document_get_node(c->doc, q->key);
            if (k->type != YAML_SCALAR_NODE)
                return fail_at(c, k, "derived names must be plain words%s%s", "", "");
            for (size_t i = 0; i < m->nderived; i++)
                if (scalar_is(k, m->derived[i].name))
                    return fail_at(c, k, "derived value '%s' is defined twice%s",
                                   m->derived[i].name, "");
            zj_derived *d = &m->derived[m->nderived++];
            if ((rc = parse_derived_one(c, k, yaml_document_get_node(c->doc, q->value), d)))
                return rc;
        }
    }
    if (p.when && (rc = parse_cond(c, p.when, &m->when)))
        return rc;
    if (p.extra && (rc = parse_field_list(c, m, p.extra, "extra", &m->extra, &m->nextra)))
        return rc;
    if (p.rows) {
        if (p.rows->type != YAML_SEQUENCE_NODE || node_count(p.rows) == 0)
            return fail_at(c, p.rows, "'rows' must list entries {name, table, fields}%s%s", "", "");
        m->rows = calloc(node_count(p.rows), sizeof *m->rows);
        if (!m->rows)
            return oom(c);
        for (size_t i = 0; i < node_count(p.rows); i++) {
            zj_target *t = &m->rows[m->nrows++];
            if ((rc = parse_row_entry(c, m, item(c, p.rows, i), t)))
                return rc;
        }
    }

    /* resolve every name */
    for (size_t i = 0; !rc && i < m->nderived; i++) {
        zj_derived *d = &m->derived[i];
        d->src.kind = ZJ_VREF_COLUMN;
        rc = aux_index(c, m, d->column, &d->src.index);
        if (!rc)
            rc = resolve_cond(c, m, d->when, d->line);
    }
    if (!rc)
        rc = resolve_cond(c, m, m->when, 1);
    for (size_t i = 0; !rc && i < m->nfields; i++)
        rc = resolve_field(c, m, &m->fields[i], NULL);
    zj_target plain = {0};
    for (size_t i = 0; !rc && i < m->nextra; i++) {
        zj_field_map *f = &m->extra[i];
        rc = resolve_field(c, m, f, &plain);
        f->type = f->number || f->scale != 1.0 ? ZJ_TYPE_REAL : ZJ_TYPE_TEXT;
        if (f->formats || f->true_values || f->false_values)
            rc = fail_at(c, NULL, "extra '%s': 'formats' and 'true'/'false' are for canonical "
                         "fields; extras are text or numbers%s", f->field, "");
    }
    for (size_t r = 0; !rc && r < m->nrows; r++) {
        zj_target *t = &m->rows[r];
        rc = resolve_cond(c, m, t->when, t->line);
        if (!rc && t->repeat_column)
            rc = aux_index(c, m, t->repeat_column, &t->repeat.index);
        for (size_t i = 0; !rc && i < t->nfields; i++)
            rc = resolve_field(c, m, &t->fields[i], t);
    }
    if (rc)
        return rc;

    /* columns kept in `extra`: aux columns that no main field reads, and the extra fields */
    m->extra_aux = calloc(m->naux + 1, sizeof *m->extra_aux);
    m->extra_columns = calloc(m->naux + 1, sizeof *m->extra_columns);
    if (!m->extra_aux || !m->extra_columns)
        return oom(c);
    for (size_t a = 0; a < m->naux; a++) {
        bool main_field = false;     /* read by a main field, directly or derived */
        for (size_t i = 0; i < m->nfields; i++) {
            const zj_field_map *f = &m->fields[i];
            if (f->column && strcmp(f->column, m->aux_columns[a]) == 0)
                main_field = true;
            if (f->from.kind == ZJ_VREF_DERIVED && m->derived[f->from.index].src.index == a)
                main_field = true;
        }
        bool extra_field = false;    /* kept by an `extra:` field, directly or derived */
        for (size_t i = 0; i < m->nextra; i++) {
            const zj_field_map *f = &m->extra[i];
            if (f->column && strcmp(f->column, m->aux_columns[a]) == 0)
                extra_field = true;
            if (f->from.kind == ZJ_VREF_DERIVED && m->derived[f->from.index].src.index == a)
                extra_field = true;
        }
        if (main_field || extra_field)
            continue;
        m->extra_columns[m->nextra_columns] = m->aux_columns[a];
        m->extra_aux[m->nextra_columns++] = a;
    }
    if (m->nextra || m->nextra_columns) {
        for (size_t i = 0; i < m->nfields; i++)
            if (strcmp(m->fields[i].field, "extra") == 0)
                return fail_at(c, NULL, "'extra' is filled by the mapping; list columns under "
                               "'extra:' instead of mapping the field%s%s", "", "");
        zj_field_map *grown = realloc(m->fields, (m->nfields + 1) * sizeof *grown);
        if (!grown)
            return oom(c);
        m->fields = grown;
        zj_field_map *f = &m->fields[m->nfields++];
        memset(f, 0, sizeof *f);
        f->field = strdup("extra");
        f->trim = true;
        f->scale = 1.0;
        f->line = 1;
        f->v2 = f->extra_json = true;
        m->has_extra = true;
        if (!f->field)
            return oom(c);
    }
    return ZJ_OK;
}

static void free_derived(zj_derived *d)
{
    free(d->name);
    free(d->column);
    free(d->pattern);
    zj_cond_free(d->when);
    zj_regex_free(d->regex);
}

void zj_mp_free_v2(zj_mapping *m)
{
    for (size_t i = 0; i < m->nderived; i++)
        free_derived(&m->derived[i]);
    free(m->derived);
    zj_cond_free(m->when);
    for (size_t i = 0; i < m->nextra; i++)
        zj_mp_free_field(&m->extra[i]);
    free(m->extra);
    for (size_t r = 0; r < m->nrows; r++) {
        zj_target *t = &m->rows[r];
        free(t->name);
        free(t->table);
        free(t->repeat_column);
        free_list(t->key);
        zj_cond_free(t->when);
        for (size_t i = 0; i < t->nfields; i++)
            zj_mp_free_field(&t->fields[i]);
        free(t->fields);
        for (size_t g = 0; g < t->ngroups; g++)
            free_list(t->groups[g]);
        free(t->groups);
    }
    free(m->rows);
    free_list(m->aux_columns);
    free(m->extra_columns);
    free(m->extra_aux);
}

/* ---- binding to the store ------------------------------------------------------------------ */

static int load_field_lookups(zj_field_map *fs, size_t n, zj_store *s, const char *path,
                              zj_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (fs[i].lookup) {
            int rc = zj_lookup_load(fs[i].lookup, s, path, err);
            if (rc)
                return rc;
        }
    return ZJ_OK;
}

int zj_mapping_bind_store(zj_mapping *m, zj_store *s, zj_error *err)
{
    const zj_table *table = zj_store_table(s, m->table);
    if (!table)
        return zj_fail(err, ZJ_EUSAGE, "%s: no table '%s' in the store (see "
                       "docs/data-standard.md)", m->path, m->table);
    int rc = zj_mapping_bind(m, table, err);
    for (size_t r = 0; !rc && r < m->nrows; r++) {
        zj_target *t = &m->rows[r];
        const zj_table *tt = zj_store_table(s, t->table);
        if (!tt)
            return zj_fail(err, ZJ_EUSAGE, "%s:%d: rows[%s]: no table '%s' in the store (see "
                           "docs/data-standard.md)", m->path, t->line, t->name, t->table);
        rc = zj_mapping_bind_target(m, t, tt, err);
    }
    if (!rc)
        rc = load_field_lookups(m->fields, m->nfields, s, m->path, err);
    if (!rc)
        rc = load_field_lookups(m->extra, m->nextra, s, m->path, err);
    for (size_t r = 0; !rc && r < m->nrows; r++)
        rc = load_field_lookups(m->rows[r].fields, m->rows[r].nfields, s, m->path, err);
    return rc;
}

bool zj_mapping_matches_file(const zj_mapping *m, const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    for (char **p = m->files; p && *p; p++) {
        const char *pat = strrchr(*p, '/');    /* a pattern with a folder: its last part */
        if (fnmatch(pat ? pat + 1 : *p, base, 0) == 0)
            return true;
    }
    return false;
}

static bool fields_look_up(const zj_field_map *fs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fs[i].lookup)
            return true;
    return false;
}

bool zj_mapping_has_lookups(const zj_mapping *m)
{
    if (fields_look_up(m->fields, m->nfields) || fields_look_up(m->extra, m->nextra))
        return true;
    for (size_t r = 0; r < m->nrows; r++)
        if (fields_look_up(m->rows[r].fields, m->rows[r].nfields))
            return true;
    return false;
}
