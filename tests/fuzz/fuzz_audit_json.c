/* fuzz_audit_json.c - libFuzzer target for the audit trail's checkpoint and proof parser
 * (files an outside party hands back: zhijian audit consistency OLD.json, audit check FILE).
 *
 * The first byte picks checkpoint (even) or proof (odd); the rest is the document. Beyond memory
 * safety: what parses prints back to JSON that parses to the same value, and checking a parsed
 * proof against a fixed key never crashes (and never passes: the key signed nothing here).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "work/audit.h"

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static const char key[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

static void same_entry(const zj_audit_entry *a, const zj_audit_entry *b)
{
    const char *const sa[] = {a->at, a->username, a->role, a->unit_code, a->action,
                              a->object_table, a->before_hash, a->after_hash, a->detail};
    const char *const sb[] = {b->at, b->username, b->role, b->unit_code, b->action,
                              b->object_table, b->before_hash, b->after_hash, b->detail};
    for (size_t i = 0; i < sizeof sa / sizeof sa[0]; i++)
        CHECK((!sa[i] && !sb[i]) || (sa[i] && sb[i] && !strcmp(sa[i], sb[i])));
    CHECK(a->id == b->id && a->user_id == b->user_id && a->session_id == b->session_id &&
          a->object_id == b->object_id && !strcmp(a->prev_hash, b->prev_hash) &&
          !strcmp(a->hash, b->hash));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    zj_error err = {0};
    if (!(data[0] & 1)) {
        zj_audit_checkpoint c, back;
        if (zj_audit_checkpoint_parse(text, n, "fuzz", &c, &err) != ZJ_OK)
            return 0;
        char *json = zj_audit_checkpoint_json(&c);
        CHECK(json);
        CHECK(zj_audit_checkpoint_parse(json, strlen(json), "again", &back, &err) == ZJ_OK);
        CHECK(!memcmp(&c, &back, sizeof c));
        CHECK(zj_audit_checkpoint_check(&c, key, &err) != ZJ_OK);
        free(json);
        return 0;
    }
    zj_audit_proof p, back;
    if (zj_audit_proof_parse(text, n, "fuzz", &p, &err) != ZJ_OK)
        return 0;
    char *json = zj_audit_proof_json(&p);
    CHECK(json);
    CHECK(zj_audit_proof_parse(json, strlen(json), "again", &back, &err) == ZJ_OK);
    CHECK(back.consistency == p.consistency && back.n == p.n);
    CHECK(!memcmp(&back.cp, &p.cp, sizeof p.cp));
    if (p.consistency)
        CHECK(!memcmp(&back.old, &p.old, sizeof p.old));
    else
        same_entry(&p.entry, &back.entry);
    for (size_t i = 0; i < p.n; i++)
        CHECK(!strcmp(p.path[i], back.path[i]));
    CHECK(zj_audit_proof_check(&p, key, &err) != ZJ_OK);
    free(json);
    zj_audit_proof_free(&p);
    zj_audit_proof_free(&back);
    return 0;
}
