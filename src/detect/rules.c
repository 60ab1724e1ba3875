/* rules.c - reading and checking rules/detectors.yaml (libyaml document API); see rules.h.
 *
 * Every section (one per registered detector, plus "analysis") starts from its declared
 * defaults; the file then overrides what it names. Values are checked once, here, so the
 * zj_rules_* getters cannot fail.
 */
#include "detect/rules.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#define XXH_STATIC_LINKING_ONLY   /* XXH3_state_t on the stack */
#include <xxhash.h>
#include <yaml.h>

#include "detect/detect.h"

typedef struct value {
    char *text;            /* scalars (owned) */
    char **items;          /* lists (owned) */
    size_t nitems;
    int64_t i;
    double r;
    bool b;
} value;

typedef struct section {
    char name[16];         /* detector code or "analysis" */
    const zj_param *params;
    size_t nparams;
    value *values;         /* one per param */
    int enabled;           /* 1 / 0 */
    int severity;          /* 0: the detector's default */
    char *basis;           /* NULL: the detector's default */
} section;

struct zj_rules {
    char *path;
    section *secs;
    size_t nsecs;
};

static void value_free(value *v)
{
    free(v->text);
    for (size_t i = 0; i < v->nitems; i++)
        free(v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

void zj_rules_free(zj_rules *r)
{
    if (!r)
        return;
    for (size_t s = 0; s < r->nsecs; s++) {
        for (size_t i = 0; i < r->secs[s].nparams; i++)
            value_free(&r->secs[s].values[i]);
        free(r->secs[s].values);
        free(r->secs[s].basis);
    }
    free(r->secs);
    free(r->path);
    free(r);
}

static const char *type_name(zj_param_type t)
{
    switch (t) {
    case ZJ_PARAM_INT: return "a whole number";
    case ZJ_PARAM_REAL: return "a number";
    case ZJ_PARAM_BOOL: return "true or false";
    case ZJ_PARAM_TEXT: return "a text";
    case ZJ_PARAM_LIST: return "a list";
    case ZJ_PARAM_TIME: return "a time HH:MM:SS";
    case ZJ_PARAM_MONTH: return "a month YYYY-MM (or empty)";
    }
    return "?";
}

/* True when `s` is one of the comma-separated `choices` (NULL: anything). */
static bool is_choice(const char *choices, const char *s)
{
    if (!choices)
        return true;
    size_t n = strlen(s);
    for (const char *p = choices; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && !memcmp(p, s, n))
            return true;
        p += l + (e ? 1 : 0);
    }
    return false;
}

static int parse_bool(const char *s, bool *out)
{
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcmp(s, "1")) {
        *out = true;
        return 0;
    }
    if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcmp(s, "0")) {
        *out = false;
        return 0;
    }
    return -1;
}

/* Check a scalar for parameter p and store it in v. Returns NULL or a static reason. */
static const char *set_scalar(const zj_param *p, const char *s, value *v)
{
    char *end;
    switch (p->type) {
    case ZJ_PARAM_INT: {
        long long x = strtoll(s, &end, 10);
        if (!*s || *end)
            return "expected a whole number";
        if (p->min < p->max && ((double)x < p->min || (double)x > p->max))
            return "out of range";
        v->i = x;
        v->r = (double)x;
        break;
    }
    case ZJ_PARAM_REAL: {
        double x = strtod(s, &end);
        if (!*s || *end)
            return "expected a number";
        if (p->min < p->max && (x < p->min || x > p->max))
            return "out of range";
        v->r = x;
        break;
    }
    case ZJ_PARAM_BOOL:
        if (parse_bool(s, &v->b))
            return "expected true or false";
        break;
    case ZJ_PARAM_TEXT:
        if (!is_choice(p->choices, s))
            return "not an allowed value";
        break;
    case ZJ_PARAM_TIME: {
        int h, m, sec, len = 0;
        if (sscanf(s, "%2d:%2d:%2d%n", &h, &m, &sec, &len) != 3 || len != 8 || s[len] || h > 23 ||
            m > 59 || sec > 59 || h < 0 || m < 0 || sec < 0)
            return "expected a time HH:MM:SS";
        break;
    }
    case ZJ_PARAM_MONTH: {
        int y, m, len = 0;
        if (*s && (sscanf(s, "%4d-%2d%n", &y, &m, &len) != 2 || len != 7 || s[len] || m < 1 ||
                   m > 12))
            return "expected a month YYYY-MM";
        break;
    }
    case ZJ_PARAM_LIST:
        return "expected a list";
    }
    free(v->text);
    v->text = strdup(s);
    return v->text ? NULL : "out of memory";
}

static const char *add_item(const zj_param *p, value *v, const char *s, size_t n)
{
    char *it = strndup(s, n);
    if (!it)
        return "out of memory";
    if (!is_choice(p->choices, it)) {
        free(it);
        return "not an allowed value";
    }
    char **grown = realloc(v->items, (v->nitems + 1) * sizeof *grown);
    if (!grown) {
        free(it);
        return "out of memory";
    }
    v->items = grown;
    v->items[v->nitems++] = it;
    return NULL;
}

/* A parameter's default into v (the declarations are code: a bad default is a bug). */
static int set_default(const zj_param *p, value *v, zj_error *err)
{
    const char *why = NULL;
    if (p->type == ZJ_PARAM_LIST) {
        for (const char *s = p->def ? p->def : ""; *s && !why;) {
            const char *e = strchr(s, ',');
            size_t l = e ? (size_t)(e - s) : strlen(s);
            why = add_item(p, v, s, l);
            s += l + (e ? 1 : 0);
        }
    } else
        why = set_scalar(p, p->def ? p->def : "", v);
    return why ? zj_fail(err, ZJ_EDATA, "built-in default of '%s': %s", p->name, why) : ZJ_OK;
}

static int add_section(zj_rules *r, const char *name, const zj_param *params, zj_error *err)
{
    section *grown = realloc(r->secs, (r->nsecs + 1) * sizeof *grown);
    if (!grown)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    r->secs = grown;
    section *s = &r->secs[r->nsecs++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->params = params;
    s->enabled = 1;
    while (params && params[s->nparams].name)
        s->nparams++;
    s->values = calloc(s->nparams ? s->nparams : 1, sizeof *s->values);
    if (!s->values)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    for (size_t i = 0; i < s->nparams; i++) {
        int rc = set_default(&params[i], &s->values[i], err);
        if (rc)
            return zj_error_prefix(err, "%s: ", name);
    }
    return ZJ_OK;
}

int zj_rules_defaults(zj_rules **out, zj_error *err)
{
    *out = NULL;
    zj_rules *r = calloc(1, sizeof *r);
    if (!r)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    const zj_detector *const *d;
    size_t n = zj_detectors(&d);
    int rc = ZJ_OK;
    for (size_t i = 0; !rc && i < n; i++)
        rc = add_section(r, d[i]->code, d[i]->params, err);
    if (!rc)
        rc = add_section(r, "analysis", zj_analysis_params, err);
    if (rc) {
        zj_rules_free(r);
        return rc;
    }
    *out = r;
    return ZJ_OK;
}

static section *find_section(const zj_rules *r, const char *name)
{
    for (size_t i = 0; i < r->nsecs; i++)
        if (!strcasecmp(r->secs[i].name, name))
            return &r->secs[i];
    return NULL;
}

/* ---- the file ---------------------------------------------------------------------------- */

typedef struct ctx {
    yaml_document_t *doc;
    const char *path;
    zj_error *err;
} ctx;

static int fail(ctx *c, yaml_node_t *n, const char *fmt, const char *a, const char *b)
{
    return zj_fail(c->err, ZJ_EUSAGE, "%s:%zu: %s%s%s%s%s", c->path, n->start_mark.line + 1,
                   fmt, a ? " '" : "", a ? a : "", a ? "'" : "", b ? b : "");
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int parse_param(ctx *c, section *s, const char *key, yaml_node_t *kn, yaml_node_t *v)
{
    size_t i = 0;
    while (i < s->nparams && strcmp(s->params[i].name, key))
        i++;
    if (i == s->nparams) {
        char known[512] = "";
        size_t off = 0;
        for (size_t j = 0; j < s->nparams && off < sizeof known; j++)
            off += (size_t)snprintf(known + off, sizeof known - off, "%s%s", j ? ", " : "",
                                    s->params[j].name);
        char what[96];
        snprintf(what, sizeof what, "%s: unknown parameter", s->name);
        char tail[600];
        snprintf(tail, sizeof tail, " (known: enabled, severity, basis%s%s)", s->nparams ? ", " : "",
                 known);
        return fail(c, kn, what, key, tail);
    }
    const zj_param *p = &s->params[i];
    value nv = {0};
    const char *why = NULL;
    yaml_node_t *bad = v;
    if (p->type == ZJ_PARAM_LIST) {
        if (v->type == YAML_SCALAR_NODE) {
            const char *sv = scalar(v);
            if (*sv)
                why = add_item(p, &nv, sv, strlen(sv));
        } else if (v->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 !why && it < v->data.sequence.items.top; it++) {
                yaml_node_t *in = yaml_document_get_node(c->doc, *it);
                const char *sv = scalar(in);
                bad = in;
                why = sv ? add_item(p, &nv, sv, strlen(sv)) : "list items must be plain values";
            }
        } else
            why = "expected a list";
    } else if (!scalar(v))
        why = type_name(p->type);
    else
        why = set_scalar(p, scalar(v), &nv);
    if (why) {
        char what[160], tail[400] = "";
        snprintf(what, sizeof what, "%s.%s:", s->name, key);
        const char *sv = scalar(bad);
        if (p->choices)
            snprintf(tail, sizeof tail, ": %s (allowed: %s)", why, p->choices);
        else if (p->min < p->max)
            snprintf(tail, sizeof tail, ": %s (%s from %g to %g)", why, type_name(p->type),
                     p->min, p->max);
        else
            snprintf(tail, sizeof tail, ": %s", why);
        value_free(&nv);
        return fail(c, bad, what, sv ? sv : "(not a plain value)", tail);
    }
    value_free(&s->values[i]);
    s->values[i] = nv;
    return ZJ_OK;
}

static int parse_section(ctx *c, section *s, yaml_node_t *m)
{
    if (m->type != YAML_MAPPING_NODE)
        return fail(c, m, s->name, NULL, ": expected a mapping of settings");
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        const char *key = scalar(kn), *val = scalar(v);
        char what[64];
        if (!key)
            return fail(c, kn, "a setting name must be a plain value", NULL, NULL);
        bool det = strcmp(s->name, "analysis") != 0;
        if (det && !strcmp(key, "enabled")) {
            bool b;
            snprintf(what, sizeof what, "%s.enabled:", s->name);
            if (!val || parse_bool(val, &b))
                return fail(c, v, what, val ? val : "?", ": expected true or false");
            s->enabled = b;
        } else if (det && !strcmp(key, "severity")) {
            char *end;
            long x = val ? strtol(val, &end, 10) : 0;
            snprintf(what, sizeof what, "%s.severity:", s->name);
            if (!val || !*val || *end || x < 1 || x > 4)
                return fail(c, v, what, val ? val : "?",
                            ": expected 1 (low), 2, 3 or 4 (critical)");
            s->severity = (int)x;
        } else if (det && !strcmp(key, "basis")) {
            snprintf(what, sizeof what, "%s.basis:", s->name);
            if (!val || !*val)
                return fail(c, v, what, NULL, " expected the text of the legal or policy basis");
            free(s->basis);
            if (!(s->basis = strdup(val)))
                return zj_fail(c->err, ZJ_EDATA, "out of memory");
        } else {
            int rc = parse_param(c, s, key, kn, v);
            if (rc)
                return rc;
        }
    }
    return ZJ_OK;
}

static int parse_root(ctx *c, zj_rules *r, yaml_node_t *root)
{
    if (root->type != YAML_MAPPING_NODE)
        return fail(c, root, "expected the sections 'detectors' and 'analysis'", NULL, NULL);
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        const char *key = scalar(kn);
        int rc;
        if (key && !strcmp(key, "analysis"))
            rc = parse_section(c, find_section(r, "analysis"), v);
        else if (key && !strcmp(key, "detectors")) {
            if (v->type != YAML_MAPPING_NODE)
                return fail(c, v, "'detectors' must map detector codes to their settings", NULL,
                            NULL);
            rc = ZJ_OK;
            for (yaml_node_pair_t *d = v->data.mapping.pairs.start;
                 !rc && d < v->data.mapping.pairs.top; d++) {
                yaml_node_t *cn = yaml_document_get_node(c->doc, d->key);
                const char *code = scalar(cn);
                section *s = code && strcasecmp(code, "analysis") ? find_section(r, code) : NULL;
                if (!s)
                    return fail(c, cn, "unknown detector code", code ? code : "?",
                                " (see 'zhijian detect --list')");
                rc = parse_section(c, s, yaml_document_get_node(c->doc, d->value));
            }
        } else
            return fail(c, kn, "unknown section", key ? key : "?",
                        " (expected detectors or analysis)");
        if (rc)
            return rc;
    }
    return ZJ_OK;
}

/* Read the document from a configured parser into fresh rules named `path`. */
static int load_from(yaml_parser_t *parser, const char *path, zj_rules **out, zj_error *err)
{
    *out = NULL;
    zj_rules *r;
    int rc = zj_rules_defaults(&r, err);
    if (rc)
        return rc;
    if (!(r->path = strdup(path))) {
        zj_rules_free(r);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    yaml_document_t doc;
    if (!yaml_parser_load(parser, &doc)) {
        rc = zj_fail(err, ZJ_EUSAGE, "%s:%zu: not valid YAML: %s", path,
                     parser->problem_mark.line + 1, parser->problem ? parser->problem : "?");
    } else {
        ctx c = {&doc, path, err};
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        rc = root ? parse_root(&c, r, root) : ZJ_OK;     /* an empty file: all defaults */
        yaml_document_delete(&doc);
    }
    if (rc) {
        zj_rules_free(r);
        return rc;
    }
    *out = r;
    return ZJ_OK;
}

int zj_rules_load(const char *path, zj_rules **out, zj_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return zj_fail(err, ZJ_EUSAGE, "cannot open detector rules '%s': %m", path);
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int rc = load_from(&parser, path, out, err);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}

int zj_rules_parse(const char *text, size_t n, const char *name, zj_rules **out, zj_error *err)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
    int rc = load_from(&parser, name, out, err);
    yaml_parser_delete(&parser);
    return rc;
}

/* ---- getters ------------------------------------------------------------------------------ */

const char *zj_rules_path(const zj_rules *r)
{
    return r->path;
}

bool zj_rules_enabled(const zj_rules *r, const char *code)
{
    const section *s = find_section(r, code);
    return s && s->enabled;
}

int zj_rules_severity(const zj_rules *r, const char *code, int def)
{
    const section *s = find_section(r, code);
    return s && s->severity ? s->severity : def;
}

const char *zj_rules_basis(const zj_rules *r, const char *code, const char *def)
{
    const section *s = find_section(r, code);
    return s && s->basis ? s->basis : def;
}

static const value *get(const zj_rules *r, const char *section_name, const char *name,
                        zj_param_type *type)
{
    const section *s = find_section(r, section_name);
    for (size_t i = 0; s && i < s->nparams; i++)
        if (!strcmp(s->params[i].name, name)) {
            *type = s->params[i].type;
            return &s->values[i];
        }
    assert(!"parameter not declared");
    return NULL;
}

int64_t zj_rules_int(const zj_rules *r, const char *section, const char *name)
{
    zj_param_type t;
    const value *v = get(r, section, name, &t);
    return v ? v->i : 0;
}

double zj_rules_real(const zj_rules *r, const char *section, const char *name)
{
    zj_param_type t;
    const value *v = get(r, section, name, &t);
    return v ? v->r : 0;
}

bool zj_rules_bool(const zj_rules *r, const char *section, const char *name)
{
    zj_param_type t;
    const value *v = get(r, section, name, &t);
    return v && v->b;
}

const char *zj_rules_text(const zj_rules *r, const char *section, const char *name)
{
    zj_param_type t;
    const value *v = get(r, section, name, &t);
    return v && v->text ? v->text : "";
}

size_t zj_rules_list(const zj_rules *r, const char *section, const char *name,
                     const char *const **items)
{
    zj_param_type t;
    const value *v = get(r, section, name, &t);
    *items = v ? (const char *const *)v->items : NULL;
    return v ? v->nitems : 0;
}

void zj_rules_digest(const zj_rules *r, const char *code, char out[17])
{
    const section *s = find_section(r, code);
    XXH3_state_t st;
    XXH3_64bits_reset(&st);
    if (s) {
        XXH3_64bits_update(&st, s->name, strlen(s->name) + 1);
        XXH3_64bits_update(&st, &s->enabled, sizeof s->enabled);
        XXH3_64bits_update(&st, &s->severity, sizeof s->severity);
        if (s->basis)
            XXH3_64bits_update(&st, s->basis, strlen(s->basis) + 1);
        for (size_t i = 0; i < s->nparams; i++) {
            const value *v = &s->values[i];
            XXH3_64bits_update(&st, s->params[i].name, strlen(s->params[i].name) + 1);
            if (v->text)
                XXH3_64bits_update(&st, v->text, strlen(v->text) + 1);
            for (size_t j = 0; j < v->nitems; j++)
                XXH3_64bits_update(&st, v->items[j], strlen(v->items[j]) + 1);
            XXH3_64bits_update(&st, "\x1e", 1);
        }
    }
    snprintf(out, 17, "%016llx", (unsigned long long)XXH3_64bits_digest(&st));
}
