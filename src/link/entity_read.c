/* entity_read.c - reading entities and their mentions back (see entity_read.h). */
#include "link/entity_read.h"

#include <stdio.h>
#include <string.h>

/* The provenance of the record behind each mention: one prepared statement per table, kept
 * while the mentions of that table are read (they come ordered by table). */
typedef struct prov {
    zj_store *s;
    char table[64];
    zj_stmt *st;       /* NULL: the current table is not canonical */
} prov;

static int prov_switch(prov *p, const char *table, zj_error *err)
{
    if (!strcmp(p->table, table))
        return ZJ_OK;
    zj_stmt_finalize(p->st);
    p->st = NULL;
    snprintf(p->table, sizeof p->table, "%s", table);
    if (!zj_store_table(p->s, table) || strlen(table) >= sizeof p->table)
        return ZJ_OK;
    char sql[160];
    /* the table name comes from the store's schema (zj_store_table), never from input */
    snprintf(sql, sizeof sql, "SELECT source_system, source_key FROM \"%s\" WHERE id = $1", table);
    return zj_stmt_prepare(p->s, sql, &p->st, err);
}

int zj_link_each_mention_ref(zj_store *s, int (*fn)(const zj_mention_ref *, void *), void *ctx,
                             int64_t *orphans, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT table_name, record_id, role, kind,"
                             " coalesce(entity_id, 0) FROM mention ORDER BY table_name, id",
                             &q, err);
    if (rc)
        return rc;
    prov p = {.s = s};
    int64_t lost = 0;
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *table = zj_stmt_text(q, 0, NULL);
        if ((rc = prov_switch(&p, table, err)))
            break;
        if (!p.st) {
            lost++;
            continue;
        }
        zj_stmt_bind_int(p.st, 1, zj_stmt_int(q, 1));
        int ps = zj_stmt_next(p.st, err);
        if (ps < 0) {
            rc = ZJ_EDATA;
            break;
        }
        int stop = 0;
        if (ps == 1) {
            zj_mention_ref m = {p.table, zj_stmt_text(q, 2, NULL), zj_stmt_text(q, 3, NULL),
                                zj_stmt_text(p.st, 0, NULL), zj_stmt_text(p.st, 1, NULL),
                                zj_stmt_int(q, 4)};
            stop = fn(&m, ctx);
        } else
            lost++;
        zj_stmt_reset(p.st);
        if (stop)
            break;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(p.st);
    zj_stmt_finalize(q);
    if (orphans)
        *orphans = lost;
    return rc;
}

int zj_link_entities_named(zj_store *s, const char *text, int64_t *ids, size_t cap, size_t *n,
                           zj_error *err)
{
    *n = 0;
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT DISTINCT entity_id FROM mention WHERE entity_id IS NOT NULL"
                                " AND (name = $1 OR id_no = $1) ORDER BY entity_id", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, text, strlen(text));
    int step;
    while (*n < cap && (step = zj_stmt_next(q, err)) == 1)
        ids[(*n)++] = zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    return *n < cap && step < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_link_entity_mentions(zj_store *s, int64_t entity_id,
                            int (*fn)(const zj_entity_mention *, void *), void *ctx, int64_t *n,
                            zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT m.id, e.kind, m.table_name, m.record_id, m.role, m.name,"
                             " m.id_no, m.id_status FROM mention m JOIN entity e"
                             " ON e.id = m.entity_id WHERE m.entity_id = $1"
                             " ORDER BY m.table_name, m.record_id", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, entity_id);
    int64_t count = 0;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        zj_entity_mention m = {
            .mention_id = zj_stmt_int(q, 0),
            .entity_kind = zj_stmt_text(q, 1, NULL),
            .table = zj_stmt_text(q, 2, NULL),
            .record_id = zj_stmt_int(q, 3),
            .role = zj_stmt_text(q, 4, NULL),
            .name = zj_stmt_text(q, 5, NULL),
            .id_no = zj_stmt_text(q, 6, NULL),
            .id_status = zj_stmt_text(q, 7, NULL),
        };
        count++;
        if (fn && fn(&m, ctx))
            break;
    }
    zj_stmt_finalize(q);
    if (n)
        *n = count;
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}
