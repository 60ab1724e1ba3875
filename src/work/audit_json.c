/* audit_json.c - exported checkpoints and proofs of the audit trail as JSON, and their strict
 * parser (an outside party's files: every field checked, nothing assumed).
 *
 *   {"format": "zhijian-audit-checkpoint/1", "tree_size": 1200, "root_hash": "<64 hex>",
 *    "signed_at": "2026-12-02 08:00:00", "key_id": "<16 hex>", "public_key": "<64 hex>",
 *    "signature": "<128 hex>"}
 *   {"format": "zhijian-audit-proof/1", "type": "inclusion" | "consistency",
 *    "checkpoint": {...}, "old_checkpoint": {...} (consistency), "entry": {...} (inclusion),
 *    "path": ["<64 hex>", ...]}
 */
#include "work/audit_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char checkpoint_format[] = "zhijian-audit-checkpoint/1";
static const char proof_format[] = "zhijian-audit-proof/1";

static cJSON *checkpoint_obj(const zj_audit_checkpoint *c)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "format", checkpoint_format);
    cJSON_AddNumberToObject(j, "tree_size", (double)c->tree_size);
    cJSON_AddStringToObject(j, "root_hash", c->root_hash);
    cJSON_AddStringToObject(j, "signed_at", c->signed_at);
    cJSON_AddStringToObject(j, "key_id", c->key_id);
    cJSON_AddStringToObject(j, "public_key", c->public_key);
    cJSON_AddStringToObject(j, "signature", c->signature);
    return j;
}

static char *print(cJSON *j)
{
    char *s = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    return s;
}

char *zj_audit_checkpoint_json(const zj_audit_checkpoint *c)
{
    return print(checkpoint_obj(c));
}

static void add_text_or_null(cJSON *j, const char *name, const char *v)
{
    if (v)
        cJSON_AddStringToObject(j, name, v);
    else
        cJSON_AddNullToObject(j, name);
}

char *zj_audit_proof_json(const zj_audit_proof *p)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "format", proof_format);
    cJSON_AddStringToObject(j, "type", p->consistency ? "consistency" : "inclusion");
    cJSON_AddItemToObject(j, "checkpoint", checkpoint_obj(&p->cp));
    if (p->consistency) {
        cJSON_AddItemToObject(j, "old_checkpoint", checkpoint_obj(&p->old));
    } else {
        const zj_audit_entry *e = &p->entry;
        cJSON *o = cJSON_AddObjectToObject(j, "entry");
        cJSON_AddNumberToObject(o, "id", (double)e->id);
        add_text_or_null(o, "at", e->at);
        cJSON_AddNumberToObject(o, "user_id", (double)e->user_id);
        add_text_or_null(o, "username", e->username);
        add_text_or_null(o, "role", e->role);
        add_text_or_null(o, "unit_code", e->unit_code);
        cJSON_AddNumberToObject(o, "session_id", (double)e->session_id);
        add_text_or_null(o, "action", e->action);
        add_text_or_null(o, "object_table", e->object_table);
        cJSON_AddNumberToObject(o, "object_id", (double)e->object_id);
        add_text_or_null(o, "before_hash", e->before_hash);
        add_text_or_null(o, "after_hash", e->after_hash);
        add_text_or_null(o, "detail", e->detail);
        cJSON_AddStringToObject(o, "prev_hash", e->prev_hash);
        cJSON_AddStringToObject(o, "hash", e->hash);
    }
    cJSON *path = cJSON_AddArrayToObject(j, "path");
    for (size_t i = 0; i < p->n; i++)
        cJSON_AddItemToArray(path, cJSON_CreateString(p->path[i]));
    return print(j);
}

/* ---- parsing ------------------------------------------------------------------------------ */

static int bad(zj_error *err, const char *what, const char *field, const char *why)
{
    return zj_fail(err, ZJ_EDATA, "%s: field '%s' %s", what, field, why);
}

/* An integer in [min, 2^53] (JSON numbers are doubles). */
static int get_int(const cJSON *o, const char *name, int64_t min, int64_t *out, const char *what,
                   zj_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v))
        return bad(err, what, name, "is missing or not a number");
    double d = v->valuedouble;
    if (!(d >= (double)min && d <= 9007199254740992.0) || floor(d) != d)
        return bad(err, what, name, "is not an integer in range");
    *out = (int64_t)d;
    return ZJ_OK;
}

/* A string of exactly `len` lowercase hex digits (len 0: any string below cap) into out. */
static int get_str(const cJSON *o, const char *name, size_t hexlen, char *out, size_t cap,
                   const char *what, zj_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(v) || !v->valuestring)
        return bad(err, what, name, "is missing or not a string");
    size_t n = strlen(v->valuestring);
    if (hexlen) {
        if (n != hexlen)
            return bad(err, what, name, "has the wrong length");
        for (size_t i = 0; i < n; i++) {
            char c = v->valuestring[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                return bad(err, what, name, "is not lowercase hex");
        }
    }
    if (n >= cap)
        return bad(err, what, name, "is too long");
    memcpy(out, v->valuestring, n + 1);
    return ZJ_OK;
}

static int parse_checkpoint(const cJSON *o, const char *what, zj_audit_checkpoint *c,
                            zj_error *err)
{
    memset(c, 0, sizeof *c);
    if (!cJSON_IsObject(o))
        return zj_fail(err, ZJ_EDATA, "%s: not a JSON object", what);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "format");
    if (!cJSON_IsString(f) || strcmp(f->valuestring, checkpoint_format) != 0)
        return bad(err, what, "format", "is not \"zhijian-audit-checkpoint/1\"");
    int rc;
    if ((rc = get_int(o, "tree_size", 0, &c->tree_size, what, err)) ||
        (rc = get_str(o, "root_hash", 64, c->root_hash, sizeof c->root_hash, what, err)) ||
        (rc = get_str(o, "signed_at", 0, c->signed_at, sizeof c->signed_at, what, err)) ||
        (rc = get_str(o, "key_id", 16, c->key_id, sizeof c->key_id, what, err)) ||
        (rc = get_str(o, "public_key", 64, c->public_key, sizeof c->public_key, what, err)) ||
        (rc = get_str(o, "signature", 128, c->signature, sizeof c->signature, what, err)))
        return rc;
    return ZJ_OK;
}

static cJSON *parse_doc(const char *text, size_t len, const char *what, zj_error *err)
{
    if (len > (1 << 20)) {
        zj_fail(err, ZJ_EDATA, "%s: larger than 1 MiB, not a checkpoint or proof", what);
        return NULL;
    }
    cJSON *j = cJSON_ParseWithLength(text, len);
    if (!j)
        zj_fail(err, ZJ_EDATA, "%s: not valid JSON", what);
    return j;
}

int zj_audit_checkpoint_parse(const char *text, size_t len, const char *what,
                              zj_audit_checkpoint *out, zj_error *err)
{
    cJSON *j = parse_doc(text, len, what, err);
    if (!j)
        return ZJ_EDATA;
    int rc = parse_checkpoint(j, what, out, err);
    cJSON_Delete(j);
    return rc;
}

/* A string field or null. */
static int get_opt_text(const cJSON *o, const char *name, const char **out, const char *what,
                        zj_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (cJSON_IsNull(v)) {
        *out = NULL;
        return ZJ_OK;
    }
    if (!cJSON_IsString(v) || !v->valuestring)
        return bad(err, what, name, "is missing or not a string or null");
    *out = v->valuestring;
    return ZJ_OK;
}

static int parse_entry(const cJSON *o, const char *what, zj_audit_proof *p, zj_error *err)
{
    if (!cJSON_IsObject(o))
        return bad(err, what, "entry", "is missing or not an object");
    zj_audit_entry *e = &p->entry;
    int rc;
    if ((rc = get_int(o, "id", 1, &e->id, what, err)) ||
        (rc = get_opt_text(o, "at", &e->at, what, err)) ||
        (rc = get_int(o, "user_id", 0, &e->user_id, what, err)) ||
        (rc = get_opt_text(o, "username", &e->username, what, err)) ||
        (rc = get_opt_text(o, "role", &e->role, what, err)) ||
        (rc = get_opt_text(o, "unit_code", &e->unit_code, what, err)) ||
        (rc = get_int(o, "session_id", 0, &e->session_id, what, err)) ||
        (rc = get_opt_text(o, "action", &e->action, what, err)) ||
        (rc = get_opt_text(o, "object_table", &e->object_table, what, err)) ||
        (rc = get_int(o, "object_id", 0, &e->object_id, what, err)) ||
        (rc = get_opt_text(o, "before_hash", &e->before_hash, what, err)) ||
        (rc = get_opt_text(o, "after_hash", &e->after_hash, what, err)) ||
        (rc = get_opt_text(o, "detail", &e->detail, what, err)) ||
        (rc = get_str(o, "prev_hash", 64, e->prev_hash, sizeof e->prev_hash, what, err)) ||
        (rc = get_str(o, "hash", 64, e->hash, sizeof e->hash, what, err)))
        return rc;
    if (!e->at || !e->role || !e->action)
        return bad(err, what, "entry", "lacks its time, role or action");
    return audit_pack_entry(e, &p->entry_buf, err);
}

int zj_audit_proof_parse(const char *text, size_t len, const char *what, zj_audit_proof *out,
                         zj_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *j = parse_doc(text, len, what, err);
    if (!j)
        return ZJ_EDATA;
    int rc = ZJ_OK;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "format");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(j, "path");
    char sub[300];
    if (!cJSON_IsObject(j))
        rc = zj_fail(err, ZJ_EDATA, "%s: not a JSON object", what);
    else if (!cJSON_IsString(f) || strcmp(f->valuestring, proof_format) != 0)
        rc = bad(err, what, "format", "is not \"zhijian-audit-proof/1\"");
    else if (!cJSON_IsString(type) || (strcmp(type->valuestring, "inclusion") != 0 &&
                                       strcmp(type->valuestring, "consistency") != 0))
        rc = bad(err, what, "type", "is not \"inclusion\" or \"consistency\"");
    else if (!cJSON_IsArray(path) || cJSON_GetArraySize(path) > ZJ_AUDIT_MAX_PROOF)
        rc = bad(err, what, "path", "is missing, not an array or longer than 64");
    if (!rc) {
        out->consistency = strcmp(type->valuestring, "consistency") == 0;
        snprintf(sub, sizeof sub, "%s: checkpoint", what);
        rc = parse_checkpoint(cJSON_GetObjectItemCaseSensitive(j, "checkpoint"), sub, &out->cp,
                              err);
    }
    if (!rc && out->consistency) {
        snprintf(sub, sizeof sub, "%s: old_checkpoint", what);
        rc = parse_checkpoint(cJSON_GetObjectItemCaseSensitive(j, "old_checkpoint"), sub,
                              &out->old, err);
    } else if (!rc) {
        snprintf(sub, sizeof sub, "%s: entry", what);
        rc = parse_entry(cJSON_GetObjectItemCaseSensitive(j, "entry"), sub, out, err);
    }
    size_t i = 0;
    const cJSON *h;
    cJSON_ArrayForEach(h, path)
    {
        if (rc)
            break;
        if (!cJSON_IsString(h) || strlen(h->valuestring) != 64 ||
            !zj_hash_from_hex(h->valuestring, 64, (zj_hash){0})) {
            snprintf(sub, sizeof sub, "path[%zu]", i);
            rc = bad(err, what, sub, "is not 64 hex digits");
            break;
        }
        snprintf(out->path[i], sizeof out->path[i], "%s", h->valuestring);
        i++;
    }
    out->n = i;
    cJSON_Delete(j);
    if (rc)
        zj_audit_proof_free(out);
    return rc;
}
