/* config.c - reading rules/linking.yaml (libyaml document API). */
#include "link/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static const char *const field_names[ZJ_BF_COUNT] = {
    [ZJ_BF_NAME_KEY] = "name_key",     [ZJ_BF_NAME_NORM] = "name_norm",
    [ZJ_BF_SURNAME] = "surname",       [ZJ_BF_BIRTH_DATE] = "birth_date",
    [ZJ_BF_BIRTH_YEAR] = "birth_year", [ZJ_BF_SEX] = "sex",
    [ZJ_BF_PHONE] = "phone",           [ZJ_BF_REGION] = "region",
    [ZJ_BF_CITY] = "city",             [ZJ_BF_ID_NO] = "id_no",
    [ZJ_BF_ID_PREFIX] = "id_prefix",   [ZJ_BF_NAME_PREFIX] = "name_prefix",
    [ZJ_BF_ENTERPRISE] = "enterprise", [ZJ_BF_UNIT] = "unit", [ZJ_BF_ID_TAIL] = "id_tail",
    [ZJ_BF_ADDRESS] = "address",       [ZJ_BF_FORMER_ADDRESS] = "former_address",
};

const char *zj_block_field_name(zj_block_field f)
{
    return f < ZJ_BF_COUNT ? field_names[f] : "?";
}

static void rule(zj_link_kind_config *k, const char *name, zj_block_field a, zj_block_field b)
{
    zj_block_rule *r = &k->rules[k->nrules++];
    snprintf(r->name, sizeof r->name, "%s", name);
    r->fields[0] = a;
    r->nfields = 1;
    if ((int)b >= 0) {
        r->fields[1] = b;
        r->nfields = 2;
    }
}

void zj_link_config_defaults(zj_link_config *c)
{
    memset(c, 0, sizeof *c);
    c->person.threshold = 0.95;
    c->person.max_block = 2000;
    rule(&c->person, "name_key_birth", ZJ_BF_NAME_KEY, ZJ_BF_BIRTH_YEAR);
    rule(&c->person, "name_key_city", ZJ_BF_NAME_KEY, ZJ_BF_CITY);
    rule(&c->person, "name_key_id_tail", ZJ_BF_NAME_KEY, ZJ_BF_ID_TAIL);
    rule(&c->person, "surname_birth", ZJ_BF_SURNAME, ZJ_BF_BIRTH_DATE);
    rule(&c->person, "phone", ZJ_BF_PHONE, (zj_block_field)-1);
    rule(&c->person, "id_prefix", ZJ_BF_ID_PREFIX, (zj_block_field)-1);
    rule(&c->person, "enterprise", ZJ_BF_ENTERPRISE, (zj_block_field)-1);
    rule(&c->person, "name_key_unit", ZJ_BF_NAME_KEY, ZJ_BF_UNIT);
    rule(&c->person, "name_key_address", ZJ_BF_NAME_KEY, ZJ_BF_ADDRESS);
    rule(&c->person, "name_key_former_address", ZJ_BF_NAME_KEY, ZJ_BF_FORMER_ADDRESS);
    c->enterprise.threshold = 0.95;
    c->enterprise.max_block = 2000;
    rule(&c->enterprise, "name_key", ZJ_BF_NAME_KEY, (zj_block_field)-1);
    rule(&c->enterprise, "region_name", ZJ_BF_CITY, ZJ_BF_NAME_PREFIX);
}

typedef struct ctx {
    yaml_document_t *doc;
    const char *path;
    zj_error *err;
} ctx;

static int fail(ctx *c, yaml_node_t *n, const char *what, const char *s)
{
    return zj_fail(c->err, ZJ_EUSAGE, "%s:%zu: %s%s%s", c->path, n->start_mark.line + 1, what,
                   s ? " " : "", s ? s : "");
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int parse_rules(ctx *c, yaml_node_t *seq, zj_link_kind_config *k)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail(c, seq, "'blocking' must be a list of rules", NULL);
    k->nrules = 0;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        yaml_node_t *r = yaml_document_get_node(c->doc, *it);
        if (r->type != YAML_MAPPING_NODE)
            return fail(c, r, "a blocking rule needs 'name' and 'fields'", NULL);
        if (k->nrules == ZJ_MAX_RULES)
            return fail(c, r, "at most 10 blocking rules", NULL);
        zj_block_rule *br = &k->rules[k->nrules];
        memset(br, 0, sizeof *br);
        for (yaml_node_pair_t *p = r->data.mapping.pairs.start; p < r->data.mapping.pairs.top; p++) {
            const char *key = scalar(yaml_document_get_node(c->doc, p->key));
            yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
            if (key && strcmp(key, "name") == 0 && scalar(v))
                snprintf(br->name, sizeof br->name, "%s", scalar(v));
            else if (key && strcmp(key, "fields") == 0 && v->type == YAML_SEQUENCE_NODE) {
                for (yaml_node_item_t *f = v->data.sequence.items.start;
                     f < v->data.sequence.items.top; f++) {
                    yaml_node_t *fn = yaml_document_get_node(c->doc, *f);
                    const char *name = scalar(fn);
                    int idx = -1;
                    for (int i = 0; name && i < ZJ_BF_COUNT; i++)
                        if (strcmp(name, field_names[i]) == 0)
                            idx = i;
                    if (idx < 0)
                        return fail(c, fn, "unknown blocking field", name ? name : "?");
                    if (br->nfields == 4)
                        return fail(c, fn, "at most 4 fields per blocking rule", NULL);
                    br->fields[br->nfields++] = (zj_block_field)idx;
                }
            } else
                return fail(c, yaml_document_get_node(c->doc, p->key), "unknown rule key",
                            key ? key : "?");
        }
        if (!br->name[0] || !br->nfields)
            return fail(c, r, "a blocking rule needs 'name' and 'fields'", NULL);
        k->nrules++;
    }
    return ZJ_OK;
}

static int parse_kind(ctx *c, yaml_node_t *m, zj_link_kind_config *k)
{
    if (m->type != YAML_MAPPING_NODE)
        return fail(c, m, "expected threshold, max_block and blocking", NULL);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        const char *key = scalar(kn), *val = scalar(v);
        char *end = NULL;
        if (key && strcmp(key, "threshold") == 0 && val) {
            k->threshold = strtod(val, &end);
            if (*end || k->threshold <= 0 || k->threshold >= 1)
                return fail(c, v, "threshold must be a probability between 0 and 1, not", val);
        } else if (key && strcmp(key, "max_block") == 0 && val) {
            k->max_block = (int)strtol(val, &end, 10);
            if (*end || k->max_block < 2)
                return fail(c, v, "max_block must be a whole number >= 2, not", val);
        } else if (key && strcmp(key, "blocking") == 0) {
            int rc = parse_rules(c, v, k);
            if (rc)
                return rc;
        } else
            return fail(c, kn, "unknown setting", key ? key : "?");
    }
    return ZJ_OK;
}

int zj_link_config_load(const char *path, zj_link_config *c, zj_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return zj_fail(err, ZJ_EUSAGE, "cannot open linking rules '%s': %m", path);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int rc = ZJ_OK;
    if (!yaml_parser_load(&parser, &doc)) {
        rc = zj_fail(err, ZJ_EUSAGE, "%s:%zu: not valid YAML: %s", path,
                     parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
        yaml_parser_delete(&parser);
        fclose(f);
        return rc;
    }
    ctx cx = {&doc, path, err};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        rc = zj_fail(err, ZJ_EUSAGE, "%s: expected 'person' and 'enterprise' sections", path);
    for (yaml_node_pair_t *p = root ? root->data.mapping.pairs.start : NULL;
         !rc && p && p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(&doc, p->key);
        const char *key = scalar(kn);
        yaml_node_t *v = yaml_document_get_node(&doc, p->value);
        if (key && strcmp(key, "person") == 0)
            rc = parse_kind(&cx, v, &c->person);
        else if (key && strcmp(key, "enterprise") == 0)
            rc = parse_kind(&cx, v, &c->enterprise);
        else
            rc = fail(&cx, kn, "unknown section (expected person or enterprise):", key ? key : "?");
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}
