/* mapping_parse.h - what mapping.c and mapping_v2.c share while reading a mapping file.
 *
 * Internal to the ingest layer: the parser's context and its small functions for YAML nodes.
 * mapping.c reads the v1 format; mapping_v2.c the v2 additions (docs/mapping.md).
 */
#ifndef ZJ_MAPPING_PARSE_H
#define ZJ_MAPPING_PARSE_H

#include <yaml.h>

#include "ingest/mapping.h"

typedef struct zj_mp_ctx {
    yaml_document_t *doc;
    const char *name;
    zj_error *err;
    /* v2 top-level sections, read at the end (mapping_v2.c) */
    yaml_node_t *v2_derived, *v2_when, *v2_rows, *v2_extra;
} zj_mp_ctx;

#define fail_at zj_mp_fail_at
#define want_scalar zj_mp_want_scalar
#define want_bool zj_mp_want_bool
#define want_list zj_mp_want_list
#define free_list zj_mp_free_list
#define scalar_dup zj_mp_scalar_dup
#define scalar_is zj_mp_scalar_is
#define line_of zj_mp_line_of

int line_of(const yaml_node_t *n);
int fail_at(zj_mp_ctx *c, const yaml_node_t *n, const char *fmt, const char *a, const char *b);
char *scalar_dup(const yaml_node_t *n);
bool scalar_is(const yaml_node_t *n, const char *s);
int want_scalar(zj_mp_ctx *c, yaml_node_t *n, const char *key, char **out);
int want_bool(zj_mp_ctx *c, yaml_node_t *n, const char *key, bool *out);
int want_list(zj_mp_ctx *c, yaml_node_t *n, const char *key, char ***out);
void free_list(char **l);

/* Is this scalar YAML's null (~, null, an empty plain value) or an empty string? */
bool zj_mp_is_null(const yaml_node_t *n);

/* mapping.c: one field's options (v1 and v2), for the main record, `extra:` and `rows:`. */
int zj_mp_parse_field(zj_mp_ctx *c, zj_mapping *m, yaml_node_t *k, yaml_node_t *v,
                      zj_field_map *f);
void zj_mp_free_field(zj_field_map *f);

/* mapping_v2.c: a v2 field option. Returns 1 when `key` is not one, else ZJ_OK or an error. */
int zj_mp_field_option_v2(zj_mp_ctx *c, zj_mapping *m, zj_field_map *f, const char *key,
                          yaml_node_t *v);
/* A v2 top-level key (derived, when, rows, extra, version). 1 when `key` is not one. */
int zj_mp_top_key_v2(zj_mp_ctx *c, zj_mapping *m, const char *key, yaml_node_t *v);
/* After the whole file is read: resolve names (derived parts, aux columns, extra). */
int zj_mp_finish_v2(zj_mp_ctx *c, zj_mapping *m);
void zj_mp_free_v2(zj_mapping *m);

#endif
