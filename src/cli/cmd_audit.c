/* cmd_audit.c - `zhijian audit`: verify the tamper-evident trail (全程留痕), prove entries and
 * growth to outside parties, export signed checkpoints.
 *
 *   zhijian audit verify [--public-key KEY] [--json]
 *   zhijian audit log [--from ID] [--limit N] [--json]
 *   zhijian audit proof ENTRY [--out FILE]
 *   zhijian audit checkpoint [--export FILE]
 *   zhijian audit consistency OLD.json [NEW.json] [--out FILE]
 *   zhijian audit check FILE --public-key KEY        (no store needed)
 *   zhijian audit key
 *
 * Parsing and printing only: the trail, its proofs and their checks are src/work/audit*.c.
 */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_options.h"
#include "work/audit.h"

static const char usage_text[] =
    "usage: zhijian audit verify [--public-key KEY] [--json]\n"
    "   or: zhijian audit log [--from ID] [--limit N] [--json]\n"
    "   or: zhijian audit proof ENTRY [--out FILE]\n"
    "   or: zhijian audit checkpoint [--export FILE]\n"
    "   or: zhijian audit consistency OLD.json [NEW.json] [--out FILE]\n"
    "   or: zhijian audit check FILE --public-key KEY\n"
    "   or: zhijian audit key\n\n"
    "审计日志（全程留痕）：每次变更和每次查看未脱敏个人信息都记入一条哈希链接、Merkle 树覆盖、\n"
    "Ed25519 签名检查点的日志。\n"
    "The audit trail: every change and every unmasked view appends an entry; entries are\n"
    "hash-chained, covered by a Merkle tree (RFC 6962) and signed checkpoints (Ed25519).\n\n"
    "  verify        check every entry, the chain, every checkpoint's root and signature;\n"
    "                names the first entry altered, removed, inserted or reordered (exit 1)\n"
    "  log           list entries\n"
    "  proof         inclusion proof of an entry against the latest checkpoint (JSON)\n"
    "  checkpoint    sign a checkpoint of the log as it is now; --export writes it as JSON\n"
    "  consistency   prove that the log of an exported checkpoint OLD.json only grew since\n"
    "                (to NEW.json, or to now) (JSON, RFC 9162 consistency proof)\n"
    "  check         check a proof or checkpoint file with nothing but the public key\n"
    "  key           print the public key checkpoints are signed with (give it to auditors)\n\n"
    "  --public-key KEY   64 hex digits, or a file holding them (from 'zhijian audit key')\n";

typedef struct opts {
    const char *db, *public_key, *out, *export_file;
    long long from, limit;
    bool json;
    int argc;
    char **argv;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const cli_opt table[] = {
        CLI_STRING(opts, db, "db"),           CLI_STRING(opts, public_key, "public-key"),
        CLI_STRING(opts, out, "out"),         CLI_STRING(opts, export_file, "export"),
        CLI_INT(opts, from, "from", 0, LLONG_MAX), CLI_INT(opts, limit, "limit", 0, LLONG_MAX),
        CLI_FLAG(opts, json, "json"),
    };
    return cli_parse_options(argc, argv, table, sizeof table / sizeof *table, o, usage_text,
                             &o->argc, &o->argv);
}

/* Read a whole (small) file; NULL with a message on error. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error(ZJ_EUSAGE, "cannot open '%s': %m", path);
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap + 1);
    if (buf)
        n = fread(buf, 1, cap + 1, f);
    fclose(f);
    if (!buf || n > cap) {
        free(buf);
        cli_error(ZJ_EDATA, "'%s' is larger than 1 MiB: not a checkpoint, proof or key", path);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* --public-key: the hex key itself, or a file whose first word it is. */
static int public_key(const char *arg, char out[65])
{
    if (!arg)
        return 0;
    if (strlen(arg) == 64 && strspn(arg, "0123456789abcdef") == 64) {
        memcpy(out, arg, 65);
        return 0;
    }
    size_t n;
    char *text = slurp(arg, &n);
    if (!text)
        return ZJ_EUSAGE;
    size_t skip = strspn(text, " \t\r\n");
    size_t len = strspn(text + skip, "0123456789abcdef");
    int rc = 0;
    if (len != 64)
        rc = cli_error(ZJ_EUSAGE, "'%s': expected a public key of 64 hex digits", arg);
    else
        snprintf(out, 65, "%.64s", text + skip);
    free(text);
    return rc;
}

static int write_out(const char *path, const char *text)
{
    if (!path) {
        puts(text);
        return 0;
    }
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0) {
        if (f)
            fclose(f);
        return cli_error(ZJ_EDATA, "cannot write '%s': %m", path);
    }
    if (fclose(f) != 0)
        return cli_error(ZJ_EDATA, "cannot write '%s': %m", path);
    return 0;
}

/* ---- subcommands -------------------------------------------------------------------------- */

static int do_verify(zj_store *s, const opts *o)
{
    char key[65];
    int rc = public_key(o->public_key, key);
    if (rc)
        return rc;
    zj_audit_report rep;
    zj_error err = {0};
    if (zj_audit_verify(s, o->public_key ? key : NULL, &rep, &err))
        return cli_report(&err);
    if (o->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddBoolToObject(j, "ok", rep.ok);
        cJSON_AddNumberToObject(j, "entries", (double)rep.entries);
        cJSON_AddNumberToObject(j, "signed_roots", (double)rep.checkpoints);
        if (!rep.ok) {
            cJSON_AddStringToObject(j, "problem", rep.kind);
            cJSON_AddNumberToObject(j, "entry", (double)rep.first_bad);
            cJSON_AddStringToObject(j, "message", rep.message);
        }
        cJSON_AddNumberToObject(j, "seconds", rep.seconds);
        char *t = cJSON_Print(j);
        puts(t);
        free(t);
        cJSON_Delete(j);
    } else if (rep.ok) {
        printf("审计日志完整 audit log intact: %lld entries, %lld signed roots checked "
               "(%.2f s)%s\n", (long long)rep.entries, (long long)rep.checkpoints, rep.seconds,
               o->public_key ? "" : "; signatures checked against the key recorded in the "
                                    "store (pin yours with --public-key)");
    } else {
        printf("审计日志被篡改 audit log TAMPERED: %s\n", rep.message);
    }
    return rep.ok ? 0 : ZJ_FINDINGS;
}

typedef struct log_ctx {
    cJSON *arr;
} log_ctx;

static int show_entry(const zj_audit_entry *e, void *ctx)
{
    log_ctx *c = ctx;
    if (!c->arr) {
        printf("%6lld %s %-12s %-14s %-16s %-14s %8lld %s\n", (long long)e->id, e->at,
               e->username ? e->username : "-", e->role, e->action,
               e->object_table ? e->object_table : "-", (long long)e->object_id,
               e->detail ? e->detail : "");
        return 0;
    }
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)e->id);
    cJSON_AddStringToObject(j, "at", e->at);
    cJSON_AddNumberToObject(j, "user_id", (double)e->user_id);
    if (e->username)
        cJSON_AddStringToObject(j, "username", e->username);
    cJSON_AddStringToObject(j, "role", e->role);
    if (e->unit_code)
        cJSON_AddStringToObject(j, "unit_code", e->unit_code);
    cJSON_AddStringToObject(j, "action", e->action);
    if (e->object_table)
        cJSON_AddStringToObject(j, "object_table", e->object_table);
    cJSON_AddNumberToObject(j, "object_id", (double)e->object_id);
    if (e->before_hash)
        cJSON_AddStringToObject(j, "before_hash", e->before_hash);
    if (e->after_hash)
        cJSON_AddStringToObject(j, "after_hash", e->after_hash);
    if (e->detail)
        cJSON_AddRawToObject(j, "detail", e->detail);
    cJSON_AddStringToObject(j, "hash", e->hash);
    cJSON_AddItemToArray(c->arr, j);
    return 0;
}

static int do_log(zj_store *s, const opts *o)
{
    log_ctx c = {o->json ? cJSON_CreateArray() : NULL};
    zj_error err = {0};
    int rc = zj_audit_each(s, o->from > 0 ? o->from : 1, o->limit, show_entry, &c, &err);
    if (!rc && c.arr) {
        char *t = cJSON_Print(c.arr);
        puts(t);
        free(t);
    }
    cJSON_Delete(c.arr);
    return rc ? cli_report(&err) : 0;
}

static int do_proof(zj_store *s, const opts *o)
{
    char *end = NULL;
    long long id = o->argc == 2 ? strtoll(o->argv[1], &end, 10) : 0;
    if (o->argc != 2 || *end || id <= 0)
        return cli_error(ZJ_EUSAGE, "usage: zhijian audit proof ENTRY [--out FILE]");
    zj_audit_proof p;
    zj_error err = {0};
    if (zj_audit_prove_inclusion(s, id, &p, &err))
        return cli_report(&err);
    char *t = zj_audit_proof_json(&p);
    int rc = t ? write_out(o->out, t) : cli_error(ZJ_EDATA, "out of memory");
    if (!rc)
        fprintf(stderr, "entry %lld is in the log of %lld entries signed at %s (root %.16s...)\n",
                id, (long long)p.cp.tree_size, p.cp.signed_at, p.cp.root_hash);
    free(t);
    zj_audit_proof_free(&p);
    return rc;
}

static int do_checkpoint(zj_store *s, const opts *o)
{
    zj_audit_checkpoint c;
    zj_error err = {0};
    if (zj_audit_checkpoint_now(s, &c, &err))
        return cli_report(&err);
    char *t = zj_audit_checkpoint_json(&c);
    if (!t)
        return cli_error(ZJ_EDATA, "out of memory");
    int rc = 0;
    if (o->export_file)
        rc = write_out(o->export_file, t);
    if (!rc && (o->json || !o->export_file))
        puts(t);
    if (!rc && !o->json)
        fprintf(stderr, "checkpoint: %lld entries, root %s, signed at %s by key %s%s%s\n",
                (long long)c.tree_size, c.root_hash, c.signed_at, c.key_id,
                o->export_file ? ", exported to " : "", o->export_file ? o->export_file : "");
    free(t);
    return rc;
}

static int read_checkpoint(const char *path, zj_audit_checkpoint *c)
{
    size_t n;
    char *text = slurp(path, &n);
    if (!text)
        return ZJ_EUSAGE;
    zj_error err = {0};
    int rc = zj_audit_checkpoint_parse(text, n, path, c, &err);
    free(text);
    return rc ? cli_report(&err) : 0;
}

static int do_consistency(zj_store *s, const opts *o)
{
    if (o->argc < 2 || o->argc > 3)
        return cli_error(ZJ_EUSAGE, "usage: zhijian audit consistency OLD.json [NEW.json] "
                                    "[--out FILE]");
    zj_audit_checkpoint old, new_cp;
    int rc = read_checkpoint(o->argv[1], &old);
    if (!rc && o->argc == 3)
        rc = read_checkpoint(o->argv[2], &new_cp);
    if (rc)
        return rc;
    zj_audit_proof p;
    zj_error err = {0};
    if (zj_audit_prove_consistency(s, &old, o->argc == 3 ? &new_cp : NULL, &p, &err))
        return cli_report(&err);
    char *t = zj_audit_proof_json(&p);
    rc = t ? write_out(o->out, t) : cli_error(ZJ_EDATA, "out of memory");
    if (!rc)
        fprintf(stderr, "the log only grew: %lld entries at %s, %lld at %s (%zu proof hashes)\n",
                (long long)p.old.tree_size, p.old.signed_at, (long long)p.cp.tree_size,
                p.cp.signed_at, p.n);
    free(t);
    zj_audit_proof_free(&p);
    return rc;
}

static int do_check(const opts *o)
{
    if (o->argc != 2 || !o->public_key)
        return cli_error(ZJ_EUSAGE, "usage: zhijian audit check FILE --public-key KEY");
    char key[65];
    int rc = public_key(o->public_key, key);
    size_t n;
    char *text = rc ? NULL : slurp(o->argv[1], &n);
    if (!text)
        return rc ? rc : ZJ_EUSAGE;
    zj_error err = {0};
    zj_audit_proof p = {0};
    zj_audit_checkpoint c;
    if (strstr(text, "zhijian-audit-proof/1")) {
        rc = zj_audit_proof_parse(text, n, o->argv[1], &p, &err);
        if (!rc)
            rc = zj_audit_proof_check(&p, key, &err);
        if (!rc && p.consistency)
            printf("ok: the log of %lld entries (%s) extends the log of %lld entries (%s)\n",
                   (long long)p.cp.tree_size, p.cp.signed_at, (long long)p.old.tree_size,
                   p.old.signed_at);
        else if (!rc)
            printf("ok: entry %lld (%s %s) is in the log of %lld entries signed at %s\n",
                   (long long)p.entry.id, p.entry.at, p.entry.action, (long long)p.cp.tree_size,
                   p.cp.signed_at);
        zj_audit_proof_free(&p);
    } else {
        rc = zj_audit_checkpoint_parse(text, n, o->argv[1], &c, &err);
        if (!rc)
            rc = zj_audit_checkpoint_check(&c, key, &err);
        if (!rc)
            printf("ok: checkpoint of %lld entries, root %s, signed at %s by key %s\n",
                   (long long)c.tree_size, c.root_hash, c.signed_at, c.key_id);
    }
    free(text);
    if (rc) {
        fprintf(stderr, "zhijian: %s\n", err.msg);
        printf("FAILED: %s\n", err.msg);
        return ZJ_FINDINGS;
    }
    return 0;
}

static int do_key(zj_store *s)
{
    char hex[65], id[17];
    zj_error err = {0};
    if (zj_audit_public_key(s, hex, id, &err))
        return cli_report(&err);
    printf("%s\n", hex);
    fprintf(stderr, "key id %s: give this public key to whoever checks exported checkpoints\n", id);
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *sub = o.argc ? o.argv[0] : "";
    static const char *const subs[] = {"verify", "log", "proof", "checkpoint", "consistency",
                                       "check", "key"};
    bool known = false;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        known = known || !strcmp(sub, subs[i]);
    if (!known)
        return cli_error(ZJ_EUSAGE, "%s 'audit' subcommand%s%s; see 'zhijian audit --help'",
                         *sub ? "unknown" : "missing", *sub ? " " : "", sub);
    if (!strcmp(sub, "check"))
        return do_check(&o);
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(cli_db_path(o.db), &s, &err))
        return cli_report(&err);
    if (!strcmp(sub, "verify"))
        rc = do_verify(s, &o);
    else if (!strcmp(sub, "log"))
        rc = do_log(s, &o);
    else if (!strcmp(sub, "proof"))
        rc = do_proof(s, &o);
    else if (!strcmp(sub, "checkpoint"))
        rc = do_checkpoint(s, &o);
    else if (!strcmp(sub, "consistency"))
        rc = do_consistency(s, &o);
    else
        rc = do_key(s);
    zj_store_close(s);
    return rc;
}
