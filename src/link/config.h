/* config.h - entity-resolution settings read from rules/linking.yaml (see that file). */
#ifndef ZJ_LINK_CONFIG_H
#define ZJ_LINK_CONFIG_H

#include <stddef.h>

#include "base/error.h"

/* Mention fields usable in blocking rules. */
typedef enum zj_block_field {
    ZJ_BF_NAME_KEY = 0,
    ZJ_BF_NAME_NORM,
    ZJ_BF_SURNAME,
    ZJ_BF_BIRTH_DATE,
    ZJ_BF_BIRTH_YEAR,
    ZJ_BF_SEX,
    ZJ_BF_PHONE,
    ZJ_BF_REGION,
    ZJ_BF_CITY,
    ZJ_BF_ID_NO,
    ZJ_BF_ID_PREFIX,        /* first 14 characters of an 18-character ID (region + birth) */
    ZJ_BF_ID_TAIL,          /* last 4 characters of an ID */
    ZJ_BF_NAME_PREFIX,      /* first two characters of name_key's source (enterprise) */
    ZJ_BF_ENTERPRISE,       /* persons: the enterprise they are named for */
    ZJ_BF_UNIT,             /* persons: the unit they are named with (officer, actor, target) */
    ZJ_BF_ADDRESS,          /* persons: the road and house number of their address */
    ZJ_BF_FORMER_ADDRESS,   /* persons: the road and house number of the address a register
                               says they lived at before; for a mention without one and
                               without a trusted ID, its own address (it may be a former home) */
    ZJ_BF_COUNT
} zj_block_field;

#define ZJ_MAX_RULES 10

typedef struct zj_block_rule {
    char name[64];
    zj_block_field fields[4];
    int nfields;
} zj_block_rule;

typedef struct zj_link_kind_config {
    double threshold;        /* match probability to accept a pair */
    int max_block;           /* blocks with more mentions are skipped (and reported) */
    zj_block_rule rules[ZJ_MAX_RULES];
    int nrules;
} zj_link_kind_config;

typedef struct zj_link_config {
    zj_link_kind_config person;
    zj_link_kind_config enterprise;
} zj_link_config;

/* The built-in defaults (the same as the shipped rules/linking.yaml). */
void zj_link_config_defaults(zj_link_config *c);

/* Read `path`; settings it does not mention keep their defaults. ZJ_EUSAGE with
 * "path:line: ..." on a malformed file or an unknown field. */
int zj_link_config_load(const char *path, zj_link_config *c, zj_error *err);

const char *zj_block_field_name(zj_block_field f);

#endif
