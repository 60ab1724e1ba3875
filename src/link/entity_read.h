/* entity_read.h - reading entities and their mentions back (实体), for eval and the read layer.
 *
 * The link layer owns the entity and mention tables; these are the only reads of them from
 * outside it. Strings handed to a callback are valid during that call only; a callback
 * returns non-zero to stop (not an error).
 */
#ifndef ZJ_LINK_ENTITY_READ_H
#define ZJ_LINK_ENTITY_READ_H

#include <stdint.h>

#include "base/error.h"
#include "store/store.h"

/* A mention with the provenance of its record and the entity linking gave it. */
typedef struct zj_mention_ref {
    const char *table;
    const char *role;
    const char *kind;            /* person|enterprise */
    const char *source_system;
    const char *source_key;
    int64_t entity_id;           /* 0 when not linked */
} zj_mention_ref;

/* Call fn for every mention whose record exists, by table and mention id. Mentions of an
 * unknown table or a vanished record are counted in *orphans (may be NULL). */
int zj_link_each_mention_ref(zj_store *s, int (*fn)(const zj_mention_ref *, void *), void *ctx,
                             int64_t *orphans, zj_error *err);

/* The entities (at most `cap`, into ids[], their number in *n) with a mention whose name or
 * ID number as written is exactly `text`: a search's "who is this" (the lead queue's free
 * text), answered here so that no layer above reads people's names. */
int zj_link_entities_named(zj_store *s, const char *text, int64_t *ids, size_t cap, size_t *n,
                           zj_error *err);

/* One mention of an entity, unmasked (the caller masks). */
typedef struct zj_entity_mention {
    int64_t mention_id;
    const char *entity_kind;     /* person|enterprise */
    const char *table;
    int64_t record_id;
    const char *role, *name, *id_no, *id_status;   /* name, id_no, id_status may be NULL */
} zj_entity_mention;

/* The mentions of entity `entity_id` by table and record; *n (may be NULL) is set to their
 * number (0: no such entity, or one without mentions). fn may be NULL to count only. */
int zj_link_entity_mentions(zj_store *s, int64_t entity_id,
                            int (*fn)(const zj_entity_mention *, void *), void *ctx, int64_t *n,
                            zj_error *err);

#endif
