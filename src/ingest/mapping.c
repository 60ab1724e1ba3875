/* mapping.c - reading mapping files (YAML/JSON via libyaml) and checking them (see mapping.h).
 *
 * The file is loaded with libyaml's document API into a node tree and interpreted here. Every
 * key is checked against the list of known keys, so a typo ("colum:") is an error with its
 * line number rather than a silently ignored option. Applying a mapping to rows is in
 * map_row.c; this file only builds the zj_mapping structure.
 */
#include "ingest/mapping.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "ingest/derive.h"
#include "ingest/lookup.h"
#include "ingest/mapping_parse.h"

typedef zj_mp_ctx ctx;

int line_of(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

int fail_at(ctx *c, const yaml_node_t *n, const char *fmt, const char *a, const char *b)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a, b);
    return zj_fail(c->err, ZJ_EUSAGE, "%s:%d: %s", c->name, n ? line_of(n) : 0, msg);
}

char *scalar_dup(const yaml_node_t *n)
{
    return strndup((const char *)n->data.scalar.value, n->data.scalar.length);
}

bool scalar_is(const yaml_node_t *n, const char *s)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(s) &&
           memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

/* Require a scalar and copy it. */
int want_scalar(ctx *c, yaml_node_t *n, const char *key, char **out)
{
    if (n->type != YAML_SCALAR_NODE)
        return fail_at(c, n, "'%s' must be a single value%s", key, "");
    free(*out);
    *out = scalar_dup(n);
    return *out ? ZJ_OK : zj_fail(c->err, ZJ_EDATA, "out of memory");
}

int want_bool(ctx *c, yaml_node_t *n, const char *key, bool *out)
{
    if (scalar_is(n, "true") || scalar_is(n, "yes")) {
        *out = true;
        return ZJ_OK;
    }
    if (scalar_is(n, "false") || scalar_is(n, "no")) {
        *out = false;
        return ZJ_OK;
    }
    return fail_at(c, n, "'%s' must be true or false%s", key, "");
}

void free_list(char **l)
{
    for (char **p = l; p && *p; p++)
        free(*p);
    free(l);
}

/* A scalar or a sequence of scalars -> NULL-terminated list. */
int want_list(ctx *c, yaml_node_t *n, const char *key, char ***out)
{
    free_list(*out);
    *out = NULL;
    size_t count = 1;
    if (n->type == YAML_SEQUENCE_NODE)
        count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    else if (n->type != YAML_SCALAR_NODE)
        return fail_at(c, n, "'%s' must be a value or a list of values%s", key, "");
    char **l = calloc(count + 1, sizeof *l);
    if (!l)
        return zj_fail(c->err, ZJ_EDATA, "out of memory");
    *out = l;
    if (n->type == YAML_SCALAR_NODE) {
        l[0] = scalar_dup(n);
        return l[0] ? ZJ_OK : zj_fail(c->err, ZJ_EDATA, "out of memory");
    }
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *item = yaml_document_get_node(c->doc, n->data.sequence.items.start[i]);
        if (!item || item->type != YAML_SCALAR_NODE)
            return fail_at(c, item ? item : n, "'%s' must list plain values%s", key, "");
        if (!(l[i] = scalar_dup(item)))
            return zj_fail(c->err, ZJ_EDATA, "out of memory");
    }
    return ZJ_OK;
}

static const char *const transform_names[] = {
    [ZJ_TX_HALFWIDTH] = "halfwidth",
    [ZJ_TX_UPPER] = "upper",
    [ZJ_TX_LOWER] = "lower",
    [ZJ_TX_REMOVE_SPACES] = "remove_spaces",
    [ZJ_TX_COLLAPSE_SPACES] = "collapse_spaces",
    [ZJ_TX_DIGITS_ONLY] = "digits_only",
    [ZJ_TX_STRIP_THOUSANDS] = "strip_thousands",
};
#define NTRANSFORMS (sizeof transform_names / sizeof transform_names[0])

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const zj_code_entry *)a)->from, ((const zj_code_entry *)b)->from);
}

static void free_code_table(zj_code_table *t)
{
    for (size_t i = 0; i < t->nentries; i++) {
        free(t->entries[i].from);
        free(t->entries[i].to);
    }
    free(t->entries);
    free(t->default_to);
    free(t->name);
}

/* A code table: a mapping of source code -> canonical value, `_default` for the rest. */
static int parse_code_table(ctx *c, yaml_node_t *n, const char *name, zj_code_table *t)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(c, n, "code table '%s' must map source codes to values%s", name, "");
    size_t count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    t->name = strdup(name);
    t->entries = calloc(count ? count : 1, sizeof *t->entries);
    if (!t->name || !t->entries)
        return zj_fail(c->err, ZJ_EDATA, "out of memory");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        if (k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE)
            return fail_at(c, k, "code table '%s': codes and values must be plain values%s",
                           name, "");
        if (scalar_is(k, "_default")) {
            if (zj_mp_is_null(v)) {             /* unknown codes -> missing */
                t->default_null = true;
                continue;
            }
            if (want_scalar(c, v, "_default", &t->default_to))
                return c->err ? c->err->code : ZJ_EUSAGE;
            continue;
        }
        if (scalar_is(k, "_keep")) {            /* unknown codes pass through, declared */
            if (want_bool(c, v, "_keep", &t->keep))
                return c->err ? c->err->code : ZJ_EUSAGE;
            continue;
        }
        zj_code_entry *e = &t->entries[t->nentries++];
        e->from = scalar_dup(k);
        e->to = zj_mp_is_null(v) ? NULL : scalar_dup(v);   /* ~, null, "": missing */
        if (!e->from || (!e->to && !zj_mp_is_null(v)))
            return zj_fail(c->err, ZJ_EDATA, "out of memory");
        e->from_len = strlen(e->from);
    }
    qsort(t->entries, t->nentries, sizeof *t->entries, entry_cmp);
    for (size_t i = 1; i < t->nentries; i++)
        if (strcmp(t->entries[i - 1].from, t->entries[i].from) == 0)
            return fail_at(c, n, "code table '%s' lists code '%s' twice", name,
                           t->entries[i].from);
    return ZJ_OK;
}

static int add_code_table(ctx *c, zj_mapping *m, yaml_node_t *n, const char *name,
                          const zj_code_table **out)
{
    zj_code_table **grown = realloc(m->code_tables, (m->ncode_tables + 1) * sizeof *grown);
    if (!grown)
        return zj_fail(c->err, ZJ_EDATA, "out of memory");
    m->code_tables = grown;
    zj_code_table *t = calloc(1, sizeof *t);
    if (!t)
        return zj_fail(c->err, ZJ_EDATA, "out of memory");
    m->code_tables[m->ncode_tables++] = t;
    int rc = parse_code_table(c, n, name, t);
    if (out)
        *out = t;
    return rc;
}

static const zj_code_table *find_code_table(const zj_mapping *m, const char *name)
{
    for (size_t i = 0; i < m->ncode_tables; i++)
        if (strcmp(m->code_tables[i]->name, name) == 0)
            return m->code_tables[i];
    return NULL;
}

bool zj_mp_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE)
        return false;
    if (n->data.scalar.length == 0)
        return true;
    return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (scalar_is(n, "~") || scalar_is(n, "null") || scalar_is(n, "Null") ||
            scalar_is(n, "NULL"));
}

/* One entry under `fields:`. Either `field: 源列名` or `field: {column: ..., ...}`. */
int zj_mp_parse_field(ctx *c, zj_mapping *m, yaml_node_t *k, yaml_node_t *v, zj_field_map *f)
{
    int rc;
    f->field = scalar_dup(k);
    f->trim = true;
    f->scale = 1.0;
    f->line = line_of(k);
    if (!f->field)
        return zj_fail(c->err, ZJ_EDATA, "out of memory");
    if (v->type == YAML_SCALAR_NODE)
        return want_scalar(c, v, f->field, &f->column);
    if (v->type != YAML_MAPPING_NODE)
        return fail_at(c, v, "field '%s': expected a column name or options%s", f->field, "");
    yaml_node_t *codes = NULL;
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *ok = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *ov = yaml_document_get_node(c->doc, p->value);
        if (ok->type != YAML_SCALAR_NODE)
            return fail_at(c, ok, "field '%s': option names must be plain words%s", f->field, "");
        const char *key = (const char *)ok->data.scalar.value;
        if (strcmp(key, "column") == 0)
            rc = want_scalar(c, ov, key, &f->column);
        else if (strcmp(key, "const") == 0)
            rc = want_scalar(c, ov, key, &f->constant);
        else if (strcmp(key, "default") == 0)
            rc = want_scalar(c, ov, key, &f->default_value);
        else if (strcmp(key, "required") == 0)
            rc = want_bool(c, ov, key, &f->required);
        else if (strcmp(key, "trim") == 0)
            rc = want_bool(c, ov, key, &f->trim);
        else if (strcmp(key, "formats") == 0 || strcmp(key, "format") == 0)
            rc = want_list(c, ov, key, &f->formats);
        else if (strcmp(key, "true") == 0)
            rc = want_list(c, ov, key, &f->true_values);
        else if (strcmp(key, "false") == 0)
            rc = want_list(c, ov, key, &f->false_values);
        else if (strcmp(key, "codes") == 0) {
            codes = ov;
            rc = ZJ_OK;
        } else if (strcmp(key, "max_bytes") == 0) {
            /* a longer value is a reject (default ZJ_FIELD_MAX_BYTES) */
            char *s = NULL, *end;
            rc = want_scalar(c, ov, key, &s);
            if (!rc) {
                unsigned long long v = strtoull(s, &end, 10);
                if (end == s || *end || *s == '-' || v == 0 || v > (1u << 30))
                    rc = fail_at(c, ov, "field '%s': max_bytes '%s' is not a number of bytes "
                                 "from 1 to 1073741824", f->field, s);
                else
                    f->max_bytes = (size_t)v;
            }
            free(s);
        } else if (strcmp(key, "geometry") == 0) {
            /* a polygon column: WKT, GeoJSON, or either by its first character */
            char *s = NULL;
            rc = want_scalar(c, ov, key, &s);
            if (!rc) {
                if (strcmp(s, "auto") == 0)
                    f->geometry = 1;
                else if (strcmp(s, "wkt") == 0)
                    f->geometry = 2;
                else if (strcmp(s, "geojson") == 0)
                    f->geometry = 3;
                else
                    rc = fail_at(c, ov, "field '%s': geometry '%s' is not one of auto, wkt, "
                                 "geojson", f->field, s);
            }
            free(s);
        } else if (strcmp(key, "scale") == 0) {
            char *s = NULL, *end;
            rc = want_scalar(c, ov, key, &s);
            if (!rc) {
                f->scale = strtod(s, &end);
                if (end == s || *end || f->scale == 0)
                    rc = fail_at(c, ov, "field '%s': scale '%s' is not a non-zero number",
                                 f->field, s);
            }
            free(s);
        } else if (strcmp(key, "transforms") == 0) {
            char **names = NULL;
            rc = want_list(c, ov, key, &names);
            size_t nt = 0;
            for (char **t = names; !rc && t && *t; t++) {
                size_t i;
                for (i = 1; i < NTRANSFORMS; i++)
                    if (strcmp(*t, transform_names[i]) == 0)
                        break;
                if (strcmp(*t, "trim") == 0)
                    continue;   /* on by default; listing it is harmless */
                if (i == NTRANSFORMS)
                    rc = fail_at(c, ov, "field '%s': unknown transform '%s' (known: halfwidth, "
                                 "upper, lower, remove_spaces, collapse_spaces, digits_only, "
                                 "strip_thousands, trim)", f->field, *t);
                else if (nt + 1 >= sizeof f->transforms / sizeof f->transforms[0])
                    rc = fail_at(c, ov, "field '%s': too many transforms%s", f->field, "");
                else
                    f->transforms[nt++] = (int)i;
            }
            free_list(names);
        } else if ((rc = zj_mp_field_option_v2(c, m, f, key, ov)) == 1)
            rc = fail_at(c, ok, "field '%s': unknown option '%s' (known: column, const, default, "
                         "required, trim, transforms, formats, codes, true, false, scale, "
                         "max_bytes, geometry, derived, when, number, unit, bare_unit, lookup, index)",
                         f->field, key);
        if (rc)
            return rc;
    }
    if (codes) {
        if (codes->type == YAML_SCALAR_NODE) {
            char *name = scalar_dup(codes);
            f->codes = name ? find_code_table(m, name) : NULL;
            if (!f->codes)
                rc = fail_at(c, codes, "field '%s': no code table '%s' under code_tables",
                             f->field, name ? name : "");
            free(name);
            if (rc)
                return rc;
        } else if ((rc = add_code_table(c, m, codes, f->field, &f->codes)))
            return rc;
    }
    int sources = !!f->column + !!f->constant + (f->from.kind == ZJ_VREF_DERIVED) + f->index;
    if (sources == 0)
        return fail_at(c, v, "field '%s' needs a 'column' or a 'const'%s", f->field, "");
    if (f->column && f->constant)
        return fail_at(c, v, "field '%s' has both 'column' and 'const'; keep one%s", f->field, "");
    if (sources > 1)
        return fail_at(c, v, "field '%s' has more than one of 'column', 'const', 'derived' and "
                       "'index'; keep one%s", f->field, "");
    return ZJ_OK;
}

static int parse_top(ctx *c, zj_mapping *m, yaml_node_t *root)
{
    yaml_node_t *fields = NULL, *tables = NULL;
    int rc = ZJ_OK;
    char *s = NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         !rc && p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        if (k->type != YAML_SCALAR_NODE) {
            free(s);    /* a value read for an earlier key */
            return fail_at(c, k, "keys must be plain words%s%s", "", "");
        }
        const char *key = (const char *)k->data.scalar.value;
        if (strcmp(key, "source_system") == 0)
            rc = want_scalar(c, v, key, &m->source_system);
        else if (strcmp(key, "table") == 0)
            rc = want_scalar(c, v, key, &m->table);
        else if (strcmp(key, "files") == 0) {
            rc = want_list(c, v, key, &m->files);
            /* patterns are relative to the data folder and stay inside it */
            for (char **f = m->files; !rc && f && *f; f++)
                if (**f == '/' || !strcmp(*f, "..") || !strncmp(*f, "../", 3) ||
                    strstr(*f, "/../") || (strlen(*f) >= 3 && !strcmp(*f + strlen(*f) - 3, "/..")))
                    rc = fail_at(c, v, "files: '%s' leaves the data folder (patterns name files "
                                 "inside it: no absolute paths, no '..')%s", *f, "");
        }
        else if (strcmp(key, "key") == 0)
            rc = want_list(c, v, key, &m->key);
        else if (strcmp(key, "null_values") == 0)
            rc = want_list(c, v, key, &m->null_values);
        else if (strcmp(key, "fields") == 0)
            fields = v;
        else if (strcmp(key, "code_tables") == 0)
            tables = v;
        else if (strcmp(key, "format") == 0) {
            if (!(rc = want_scalar(c, v, key, &s))) {
                if (strcasecmp(s, "csv") == 0)
                    m->format = ZJ_FORMAT_CSV;
                else if (strcasecmp(s, "jsonl") == 0 || strcasecmp(s, "ndjson") == 0)
                    m->format = ZJ_FORMAT_JSONL;
                else if (strcasecmp(s, "auto") == 0)
                    m->format = ZJ_FORMAT_AUTO;
                else
                    rc = fail_at(c, v, "unknown format '%s' (expected csv, jsonl or auto)%s", s, "");
            }
        } else if (strcmp(key, "encoding") == 0) {
            if (!(rc = want_scalar(c, v, key, &s)) && zj_encoding_parse(s, &m->encoding))
                rc = fail_at(c, v, "unknown encoding '%s' (expected auto, utf-8 or gb18030)%s", s, "");
        } else if (strcmp(key, "delimiter") == 0) {
            if (!(rc = want_scalar(c, v, key, &s))) {
                if (strcmp(s, "\\t") == 0 || strcmp(s, "tab") == 0)
                    m->delimiter = '\t';
                else if (strlen(s) == 1 && s[0] != '"' && s[0] != '\n' && s[0] != '\r')
                    m->delimiter = s[0];
                else
                    rc = fail_at(c, v, "delimiter '%s' must be one ASCII character or \\t%s", s, "");
            }
        } else if (strcmp(key, "crs") == 0) {
            if (!(rc = want_scalar(c, v, key, &s))) {
                if (strcasecmp(s, "gcj02") == 0 || strcasecmp(s, "gcj-02") == 0)
                    m->gcj02 = true;
                else if (strcasecmp(s, "wgs84") == 0 || strcasecmp(s, "wgs-84") == 0)
                    m->gcj02 = false;
                else
                    rc = fail_at(c, v, "unknown crs '%s' (expected wgs84 or gcj02)%s", s, "");
            }
        } else if (strcmp(key, "description") == 0 || strcmp(key, "version") == 0) {
            /* documentation only */
        } else if ((rc = zj_mp_top_key_v2(c, m, key, v)) == 1)
            rc = fail_at(c, k, "unknown key '%s' (known: source_system, table, files, format, "
                         "encoding, delimiter, key, null_values, fields, code_tables, crs, "
                         "description, derived, when, rows, extra)%s", key, "");
    }
    free(s);
    if (rc)
        return rc;
    if (!m->source_system)
        return fail_at(c, root, "missing 'source_system'%s%s", "", "");
    if (!m->table)
        return fail_at(c, root, "missing 'table'%s%s", "", "");
    if (!fields || fields->type != YAML_MAPPING_NODE ||
        fields->data.mapping.pairs.top == fields->data.mapping.pairs.start)
        return fail_at(c, fields ? fields : root, "'fields' must map canonical fields to source "
                       "columns%s%s", "", "");
    /* Named code tables first, so fields can refer to them wherever they are written. */
    if (tables) {
        if (tables->type != YAML_MAPPING_NODE)
            return fail_at(c, tables, "'code_tables' must map names to tables%s%s", "", "");
        for (yaml_node_pair_t *p = tables->data.mapping.pairs.start;
             p < tables->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
            if (k->type != YAML_SCALAR_NODE)
                return fail_at(c, k, "code table names must be plain words%s%s", "", "");
            char *name = scalar_dup(k);
            rc = name ? add_code_table(c, m, yaml_document_get_node(c->doc, p->value), name, NULL)
                      : zj_fail(c->err, ZJ_EDATA, "out of memory");
            free(name);
            if (rc)
                return rc;
        }
    }
    size_t count = (size_t)(fields->data.mapping.pairs.top - fields->data.mapping.pairs.start);
    m->fields = calloc(count, sizeof *m->fields);
    if (!m->fields)
        return zj_fail(c->err, ZJ_EDATA, "out of memory");
    for (yaml_node_pair_t *p = fields->data.mapping.pairs.start;
         p < fields->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        if (k->type != YAML_SCALAR_NODE)
            return fail_at(c, k, "field names must be plain words%s%s", "", "");
        for (size_t i = 0; i < m->nfields; i++)
            if (scalar_is(k, m->fields[i].field))
                return fail_at(c, k, "field '%s' is mapped twice%s", m->fields[i].field, "");
        zj_field_map *f = &m->fields[m->nfields++];
        if ((rc = zj_mp_parse_field(c, m, k, yaml_document_get_node(c->doc, p->value), f)))
            return rc;
    }
    return zj_mp_finish_v2(c, m);
}

static char *hex_digest(const char *text, size_t len)
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)text, len, NULL, 0);
    char *hex = malloc(65);
    if (hex)
        sodium_bin2hex(hex, 65, h, sizeof h);
    return hex;
}

/* A key given twice in one YAML mapping (libyaml keeps both) is an error: each key's parser
 * would otherwise overwrite, and leak, what the first one set. Every mapping node of the
 * document is checked once, in node order (aliases cannot make this loop). */
static int refuse_repeated_keys(ctx *c)
{
    for (yaml_node_t *n = c->doc->nodes.start; n < c->doc->nodes.top; n++) {
        if (n->type != YAML_MAPPING_NODE)
            continue;
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE)
                continue;
            for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
                yaml_node_t *e = yaml_document_get_node(c->doc, q->key);
                if (e && e->type == YAML_SCALAR_NODE &&
                    e->data.scalar.length == k->data.scalar.length &&
                    memcmp(e->data.scalar.value, k->data.scalar.value,
                           k->data.scalar.length) == 0) {
                    char *key = scalar_dup(k);
                    int rc = fail_at(c, k, "key '%s' is given twice in one mapping%s",
                                     key ? key : "?", "");
                    free(key);
                    return rc;
                }
            }
        }
    }
    return ZJ_OK;
}

int zj_mapping_parse(const char *text, size_t len, const char *name, zj_mapping **out,
                     zj_error *err)
{
    *out = NULL;
    zj_mapping *m = calloc(1, sizeof *m);
    if (!m)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    m->path = strdup(name);
    m->digest = hex_digest(text, len);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = ZJ_OK;
    if (!yaml_parser_load(&parser, &doc)) {
        rc = zj_fail(err, ZJ_EUSAGE, "%s:%zu: not valid YAML or JSON: %s", name,
                     parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
        yaml_parser_delete(&parser);
        zj_mapping_free(m);
        return rc;
    }
    ctx c = {.doc = &doc, .name = name, .err = err};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!m->path || !m->digest)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    else if (!root || root->type != YAML_MAPPING_NODE)
        rc = zj_fail(err, ZJ_EUSAGE, "%s:%d: a mapping file must be a YAML or JSON object "
                     "with source_system, table and fields", name, root ? line_of(root) : 1);
    else if (!(rc = refuse_repeated_keys(&c)))
        rc = parse_top(&c, m, root);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc) {
        zj_mapping_free(m);
        return rc;
    }
    /* The JSONL reader gets one key per field; constants get their field name as a harmless
     * placeholder key so that field i is always row field i. */
    m->source_keys = calloc(m->nfields + m->naux + 1, sizeof *m->source_keys);
    if (!m->source_keys) {
        zj_mapping_free(m);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    for (size_t i = 0; i < m->nfields; i++)
        m->source_keys[i] = m->fields[i].column ? m->fields[i].column : m->fields[i].field;
    for (size_t i = 0; i < m->naux; i++)
        m->source_keys[m->nfields + i] = m->aux_columns[i];
    *out = m;
    return ZJ_OK;
}

const char *const *zj_mapping_source_keys(const zj_mapping *m, size_t *n)
{
    *n = m->nfields + m->naux;
    return m->source_keys;
}

int zj_mapping_load(const char *path, zj_mapping **out, zj_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return zj_fail(err, ZJ_EUSAGE, "cannot open mapping '%s': %m", path);
    zj_buf b = {0};
    char chunk[8192];
    size_t n;
    int rc = ZJ_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (zj_buf_append(&b, chunk, n)) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
    if (!rc && ferror(f))
        rc = zj_fail(err, ZJ_EDATA, "cannot read mapping '%s'", path);
    fclose(f);
    if (!rc)
        rc = zj_mapping_parse(b.data ? b.data : "", b.len, path, out, err);
    zj_buf_free(&b);
    return rc;
}

void zj_mp_free_field(zj_field_map *f)
{
    free(f->field);
    free(f->column);
    free(f->constant);
    free(f->default_value);
    free_list(f->formats);
    free_list(f->true_values);
    free_list(f->false_values);
    free(f->group_src);
    free(f->derived_name);
    zj_cond_free(f->when);
    zj_lookup_free(f->lookup);
}

void zj_mapping_free(zj_mapping *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nfields; i++)
        zj_mp_free_field(&m->fields[i]);
    zj_mp_free_v2(m);
    for (size_t i = 0; i < m->ncode_tables; i++) {
        free_code_table(m->code_tables[i]);
        free(m->code_tables[i]);
    }
    free(m->code_tables);
    free(m->fields);
    free(m->source_keys);
    free_list(m->files);
    free_list(m->null_values);
    free_list(m->key);
    free(m->source_system);
    free(m->table);
    free(m->digest);
    free(m->path);
    free(m);
}

/* ---- binding to the store's table ------------------------------------------------------- */

/* Check one record's fields (the main record's or a `rows:` entry's) against its table. */
static int bind_fields(const char *path, const char *what, zj_field_map *fields, size_t nfields,
                       char **key, const zj_table *table, zj_error *err)
{
    for (size_t i = 0; i < nfields; i++) {
        zj_field_map *f = &fields[i];
        const zj_column *col = NULL;
        for (size_t j = 0; j < table->ncolumns; j++)
            if (strcmp(table->columns[j].name, f->field) == 0)
                col = &table->columns[j];
        if (!col)
            return zj_fail(err, ZJ_EUSAGE, "%s:%d: %stable '%s' has no field '%s' (see "
                           "docs/data-standard.md)", path, f->line, what, table->name, f->field);
        f->type = col->type;
        if (col->required)
            f->required = true;
        if (f->formats && f->type != ZJ_TYPE_DATE && f->type != ZJ_TYPE_TIMESTAMP)
            return zj_fail(err, ZJ_EUSAGE, "%s:%d: %sfield '%s' is %s; 'formats' is only for "
                           "date and timestamp fields", path, f->line, what, f->field,
                           zj_type_name(f->type));
        if (f->geometry && f->type != ZJ_TYPE_TEXT)
            return zj_fail(err, ZJ_EUSAGE, "%s:%d: %sfield '%s' is %s; 'geometry' is only for "
                           "text fields", path, f->line, what, f->field,
                           zj_type_name(f->type));
        if ((f->true_values || f->false_values) && f->type != ZJ_TYPE_BOOL)
            return zj_fail(err, ZJ_EUSAGE, "%s:%d: %sfield '%s' is %s; 'true'/'false' are only "
                           "for bool fields", path, f->line, what, f->field,
                           zj_type_name(f->type));
        if ((f->scale != 1.0 || f->number) && f->type != ZJ_TYPE_INTEGER &&
            f->type != ZJ_TYPE_REAL)
            return zj_fail(err, ZJ_EUSAGE, "%s:%d: %sfield '%s' is %s; '%s' is only for "
                           "numbers", path, f->line, what, f->field, zj_type_name(f->type),
                           f->number ? "number" : "scale");
    }
    for (size_t j = 0; j < table->ncolumns; j++) {
        if (!table->columns[j].required)
            continue;
        size_t i;
        for (i = 0; i < nfields; i++)
            if (strcmp(fields[i].field, table->columns[j].name) == 0)
                break;
        if (i == nfields)
            return zj_fail(err, ZJ_EUSAGE, "%s: %stable '%s' requires field '%s', which the "
                           "mapping does not map", path, what, table->name,
                           table->columns[j].name);
    }
    for (char **k = key; k && *k; k++) {
        size_t i;
        for (i = 0; i < nfields; i++)
            if (strcmp(fields[i].field, *k) == 0)
                break;
        if (i == nfields)
            return zj_fail(err, ZJ_EUSAGE, "%s: %skey field '%s' is not mapped under 'fields'",
                           path, what, *k);
    }
    return ZJ_OK;
}

int zj_mapping_bind(zj_mapping *m, const zj_table *table, zj_error *err)
{
    return bind_fields(m->path, "", m->fields, m->nfields, m->key, table, err);
}

int zj_mapping_bind_target(zj_mapping *m, zj_target *t, const zj_table *table, zj_error *err)
{
    char what[160];
    snprintf(what, sizeof what, "rows[%s]: ", t->name);
    return bind_fields(m->path, what, t->fields, t->nfields, t->key, table, err);
}
