/* workflow.c - the lead lifecycle (线索处置): the state machine, role checks, the history,
 * comments, attachments stored by content hash, and overdue flags (see workflow.h).
 *
 * Owns lead_workflow, lead_action, lead_comment, lead_attachment, lead_notice and
 * workflow_cursor (how far it has applied detection's lead_change); reads leads only through
 * the lead reader (detect/leads.h). One action is one transaction: the lead's current state is
 * read, the request checked (role and scope, state machine, fields), the new state written
 * with its version one higher, the action appended to the history and the audit entry appended
 * (work/audit.h) before the commit. A lead without a lead_workflow row is 'new' at version 0.
 */
#include "work/workflow.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "detect/leads.h"
#include "link/entity_read.h"
#include "work/audit.h"
#include "work/policy.h"
#include "work/users.h"
#include "work/fields.h"

/* ---- names and the state machine ----------------------------------------------------------- */

static const char *const state_names[ZJ_LEAD_STATE_COUNT] = {
    "new", "assigned", "verifying", "confirmed", "dismissed", "rectification", "closed",
};
static const char *const state_labels[ZJ_LEAD_STATE_COUNT] = {
    "新线索", "已分派", "核查中", "查实", "排除", "整改中", "已办结",
};
static const char *const verb_names[ZJ_LEAD_VERB_COUNT] = {
    "assign", "start", "confirm", "dismiss", "rectify", "close", "reopen", "comment", "attach",
};

const char *zj_lead_state_name(zj_lead_state s)
{
    return (unsigned)s < ZJ_LEAD_STATE_COUNT ? state_names[s] : NULL;
}

const char *zj_lead_state_label(zj_lead_state s)
{
    return (unsigned)s < ZJ_LEAD_STATE_COUNT ? state_labels[s] : NULL;
}

int zj_lead_state_parse(const char *name)
{
    return zj_name_index(state_names, ZJ_LEAD_STATE_COUNT, name);
}

const char *zj_lead_verb_name(zj_lead_verb v)
{
    return (unsigned)v < ZJ_LEAD_VERB_COUNT ? verb_names[v] : NULL;
}

int zj_lead_verb_parse(const char *name)
{
    return zj_name_index(verb_names, ZJ_LEAD_VERB_COUNT, name);
}

#define N ZJ_LEAD_NEW
#define A ZJ_LEAD_ASSIGNED
#define V ZJ_LEAD_VERIFYING
#define C ZJ_LEAD_CONFIRMED
#define D ZJ_LEAD_DISMISSED
#define R ZJ_LEAD_RECTIFICATION
#define X ZJ_LEAD_CLOSED
#define _ (-1)
/* next[verb][from]: the whole lifecycle. Columns: new assigned verifying confirmed dismissed
 * rectification closed. */
static const signed char next[ZJ_LEAD_VERB_COUNT][ZJ_LEAD_STATE_COUNT] = {
    /* assign  */ {A, A, A, _, _, _, _},
    /* start   */ {_, V, _, _, _, _, _},
    /* confirm */ {_, _, C, _, _, _, _},
    /* dismiss */ {_, _, D, _, _, _, _},
    /* rectify */ {_, _, _, R, _, _, _},
    /* close   */ {_, _, _, X, X, X, _},
    /* reopen  */ {_, _, _, _, _, _, A},
    /* comment */ {N, A, V, C, D, R, X},
    /* attach  */ {N, A, V, C, D, R, X},
};
#undef N
#undef A
#undef V
#undef C
#undef D
#undef R
#undef X
#undef _

int zj_lead_next_state(zj_lead_state from, zj_lead_verb verb)
{
    if ((unsigned)from >= ZJ_LEAD_STATE_COUNT || (unsigned)verb >= ZJ_LEAD_VERB_COUNT)
        return -1;
    return next[verb][from];
}

/* What a refused action needs, for the message. */
static const char *needs(zj_lead_verb v)
{
    switch (v) {
    case ZJ_LEAD_ASSIGN: return "a new, assigned or verifying lead";
    case ZJ_LEAD_START: return "an assigned lead";
    case ZJ_LEAD_CONFIRM:
    case ZJ_LEAD_DISMISS: return "a lead in verification (start it first)";
    case ZJ_LEAD_RECTIFY: return "a confirmed lead";
    case ZJ_LEAD_CLOSE: return "a confirmed, dismissed or rectification lead";
    case ZJ_LEAD_REOPEN: return "a closed lead";
    default: return "a lead";
    }
}

/* ---- who may: the policy's word (work/policy.h) ------------------------------------------- */

static const zj_perm verb_perm[ZJ_LEAD_VERB_COUNT] = {
    ZJ_PERM_LEAD_ASSIGN, ZJ_PERM_LEAD_VERIFY, ZJ_PERM_LEAD_DECIDE, ZJ_PERM_LEAD_DECIDE,
    ZJ_PERM_LEAD_RECTIFY, ZJ_PERM_LEAD_DECIDE, ZJ_PERM_LEAD_DECIDE, ZJ_PERM_LEAD_COMMENT,
    ZJ_PERM_LEAD_COMMENT,
};

/* May actor `a` use `p` on a lead whose detector named `unit` and which is assigned to
 * `assigned` (NULL before assignment)? Either unit in scope will do: the lead's own unit's
 * supervisors keep it, and the unit charged with verifying it works it. */
static bool may(const zj_actor *a, zj_perm p, const char *unit, const char *assigned)
{
    return zj_actor_may(a, p, unit) || (assigned && zj_actor_may(a, p, assigned));
}

/* ---- the lead as the detector left it ------------------------------------------------------- */

typedef struct lead_info {
    char code[16];
    char unit[64];
    bool has_unit;
    char *title;
    int severity;
    bool current;
} lead_info;

static int copy_lead(const zj_lead_row *r, void *ctx)
{
    lead_info *li = ctx;
    snprintf(li->code, sizeof li->code, "%s", r->code ? r->code : "");
    li->has_unit = r->unit_code != NULL;
    snprintf(li->unit, sizeof li->unit, "%s", r->unit_code ? r->unit_code : "");
    li->title = strdup(r->title ? r->title : "");
    li->severity = r->severity;
    li->current = r->current;
    return 0;
}

static int lead_load(zj_store *s, int64_t id, lead_info *li, zj_error *err)
{
    memset(li, 0, sizeof *li);
    int rc = zj_lead_get(s, id, copy_lead, li, err);
    if (!rc && !li->title)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    return rc;
}

/* ---- the workflow row ---------------------------------------------------------------------- */

typedef struct wf_row {
    zj_lead_state state;
    char *unit, *assignee, *deadline, *rectify_deadline, *verdict, *reason, *updated_at;
    int64_t version;
    int64_t unread;            /* unread notices on the lead */
    char hash[65];
} wf_row;

static void wf_free(wf_row *w)
{
    free(w->unit);
    free(w->assignee);
    free(w->deadline);
    free(w->rectify_deadline);
    free(w->verdict);
    free(w->reason);
    free(w->updated_at);
    memset(w, 0, sizeof *w);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Replace *dst with a copy of src (NULL allowed); false when out of memory. */
static bool set(char **dst, const char *src)
{
    char *c = dup_or_null(src);
    if (src && !c)
        return false;
    free(*dst);
    *dst = c;
    return true;
}

static const char wf_cols[] =
    "SELECT state, unit_code, assignee, deadline, rectify_deadline, verdict, verdict_reason,"
    " version, state_hash, updated_at, (SELECT count(*) FROM lead_notice n"
    "  WHERE n.lead_id = lead_workflow.lead_id AND n.read_at IS NULL)"
    " FROM lead_workflow WHERE lead_id = $1";

/* The state hash: SHA-256 over the lead id and every field, each ended by U+001F. */
static void wf_hash(int64_t lead_id, const wf_row *w, char out[65])
{
    char id[24], version[24];
    snprintf(id, sizeof id, "%lld", (long long)lead_id);
    snprintf(version, sizeof version, "%lld", (long long)w->version);
    const char *const parts[] = {id, state_names[w->state], w->unit, w->assignee, w->deadline,
                                 w->rectify_deadline, w->verdict, w->reason, version};
    zj_sha256_fields(parts, sizeof parts / sizeof parts[0], out);
}

/* Read from a prepared wf_cols statement (bound and stepped to a row, or to the end). */
static int wf_read(zj_stmt *q, int step, int64_t lead_id, wf_row *w, zj_error *err)
{
    memset(w, 0, sizeof *w);
    if (step < 0)
        return ZJ_EDATA;
    if (step == 0) {
        w->state = ZJ_LEAD_NEW;
        wf_hash(lead_id, w, w->hash);
        return ZJ_OK;
    }
    int st = zj_lead_state_parse(zj_stmt_text(q, 0, NULL));
    if (st < 0)
        return zj_fail(err, ZJ_EDATA, "lead %lld: unknown workflow state '%s'",
                       (long long)lead_id, zj_stmt_text(q, 0, NULL));
    w->state = (zj_lead_state)st;
    bool ok = set(&w->unit, zj_stmt_text(q, 1, NULL)) &&
              set(&w->assignee, zj_stmt_text(q, 2, NULL)) &&
              set(&w->deadline, zj_stmt_text(q, 3, NULL)) &&
              set(&w->rectify_deadline, zj_stmt_text(q, 4, NULL)) &&
              set(&w->verdict, zj_stmt_text(q, 5, NULL)) &&
              set(&w->reason, zj_stmt_text(q, 6, NULL)) &&
              set(&w->updated_at, zj_stmt_text(q, 9, NULL));
    w->version = zj_stmt_int(q, 7);
    w->unread = zj_stmt_int(q, 10);
    const char *h = zj_stmt_text(q, 8, NULL);
    snprintf(w->hash, sizeof w->hash, "%s", h ? h : "");
    if (!ok) {
        wf_free(w);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    return ZJ_OK;
}

static int wf_load(zj_store *s, int64_t lead_id, wf_row *w, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, wf_cols, &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, lead_id);
    rc = wf_read(q, zj_stmt_next(q, err), lead_id, w, err);
    zj_stmt_finalize(q);
    return rc;
}

/* ---- checking a request -------------------------------------------------------------------- */

static int check_deadline(const char *field, const char *value, const char *today,
                          zj_error *err)
{
    int rc = zj_field_date(field, value, true, err);
    if (!rc && strcmp(value, today) < 0)
        rc = zj_fail_field(err, field, "%s is before today (%s)", value,
                     today);
    return rc;
}

/* Fields a verb does not take must be absent; those it takes must be well formed. */
static int check_fields(const zj_lead_request *r, const wf_row *w, const char *today,
                        zj_error *err)
{
    zj_lead_verb v = r->verb;
    struct { const char *name, *value; bool used; } f[] = {
        {"unit_code", r->unit_code, v == ZJ_LEAD_ASSIGN},
        {"assignee", r->assignee, v == ZJ_LEAD_ASSIGN},
        {"deadline", r->deadline, v == ZJ_LEAD_ASSIGN || v == ZJ_LEAD_REOPEN ||
                                  v == ZJ_LEAD_RECTIFY},
        {"reason", r->reason, v == ZJ_LEAD_CONFIRM || v == ZJ_LEAD_DISMISS ||
                              v == ZJ_LEAD_CLOSE || v == ZJ_LEAD_REOPEN},
        {"comment", r->comment, v == ZJ_LEAD_COMMENT},
        {"file", r->file_path, v == ZJ_LEAD_ATTACH},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!f[i].used && f[i].value)
            return zj_fail_field(err, f[i].name, "not used by '%s'",
                           verb_names[v]);
    int rc = ZJ_OK;
    switch (v) {
    case ZJ_LEAD_ASSIGN:
        if (!(rc = zj_field_text("unit_code", r->unit_code, true, 32, err)) &&
            !(rc = zj_field_text("assignee", r->assignee, true, 64, err)))
            rc = check_deadline("deadline", r->deadline, today, err);
        break;
    case ZJ_LEAD_CONFIRM:
        rc = zj_field_text("reason", r->reason, false, 4000, err);
        break;
    case ZJ_LEAD_DISMISS:
    case ZJ_LEAD_REOPEN:
        rc = zj_field_text("reason", r->reason, true, 4000, err);
        if (!rc && v == ZJ_LEAD_REOPEN)
            rc = check_deadline("deadline", r->deadline, today, err);
        break;
    case ZJ_LEAD_CLOSE:
        /* skipping rectification after a confirmed verdict needs a reason */
        rc = zj_field_text("reason", r->reason, w->state == ZJ_LEAD_CONFIRMED, 4000, err);
        break;
    case ZJ_LEAD_RECTIFY:
        rc = check_deadline("deadline", r->deadline, today, err);
        break;
    case ZJ_LEAD_COMMENT:
        rc = zj_field_text("comment", r->comment, true, 16000, err);
        break;
    case ZJ_LEAD_ATTACH:
        if (!(rc = zj_field_text("file", r->file_path, true, 4096, err)) &&
            !(rc = zj_field_text("file_name", r->file_name, false, 255, err)))
            rc = zj_field_text("attach_dir", r->attach_dir, true, 4096, err);
        break;
    default:
        break;
    }
    return rc;
}

/* The assignee is an active user who may verify leads of `unit`. */
static int check_assignee(zj_store *s, const char *assignee, const char *unit, zj_error *err)
{
    zj_actor_owned who = {0};
    zj_error why = {0};
    int rc = zj_actor_of_user(s, assignee, &who, &why);
    if (rc == ZJ_EDATA)
        rc = zj_fail(err, rc, "%s", why.msg);
    else if (rc)
        rc = zj_fail_field(err, "assignee", "%s", why.msg);
    else if (!zj_actor_may(&who.actor, ZJ_PERM_LEAD_VERIFY, unit)) {
        const char *role = zj_role_name(who.actor.role);
        rc = zj_fail_field(err, "assignee", "user '%s' (%s) may not verify leads of "
                     "unit '%s'", assignee, role ? role : "?", unit);
    }
    zj_actor_owned_free(&who);
    return rc;
}

/* ---- attachments --------------------------------------------------------------------------- */

#define MAX_ATTACHMENT (64u << 20)

int zj_attachment_dir(const char *db_path, char *out, size_t cap, zj_error *err)
{
    int n = snprintf(out, cap, "%s.files", db_path);
    if (n < 0 || (size_t)n >= cap)
        return zj_fail(err, ZJ_EUSAGE, "attachment folder of '%s': path too long", db_path);
    return ZJ_OK;
}

int zj_attachment_path(const char *dir, const char *sha256, char *out, size_t cap,
                       zj_error *err)
{
    if (!sha256 || strlen(sha256) != 64 || strspn(sha256, "0123456789abcdef") != 64)
        return zj_fail(err, ZJ_EUSAGE, "'%s' is not a SHA-256 content hash",
                       sha256 ? sha256 : "");
    int n = snprintf(out, cap, "%s/%.2s/%s", dir, sha256, sha256);
    if (n < 0 || (size_t)n >= cap)
        return zj_fail(err, ZJ_EUSAGE, "attachment path under '%s': too long", dir);
    return ZJ_OK;
}

static int read_file(const char *path, zj_buf *b, zj_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return zj_fail(err, ZJ_EDATA, "field 'file': cannot open '%s': %s", path,
                       strerror(errno));
    char chunk[65536];
    size_t got;
    int rc = ZJ_OK;
    while (!rc && (got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b->len + got > MAX_ATTACHMENT)
            rc = zj_fail_field(err, "file", "'%s' is larger than %u MiB", path,
                         MAX_ATTACHMENT >> 20);
        else if (zj_buf_append(b, chunk, got))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
    }
    if (!rc && ferror(f))
        rc = zj_fail(err, ZJ_EDATA, "field 'file': cannot read '%s': %s", path,
                     strerror(errno));
    fclose(f);
    return rc;
}

static int make_dir(const char *d, zj_error *err)
{
    if (mkdir(d, 0700) && errno != EEXIST)
        return zj_fail(err, ZJ_EDATA, "cannot create attachment folder '%s': %s", d,
                       strerror(errno));
    return ZJ_OK;
}

/* Store the bytes of b as <dir>/<2>/<64> unless a file of that content is there already. */
static int store_blob(const char *dir, const zj_buf *b, const char *sha, zj_error *err)
{
    char path[4200], sub[4200], tmp[4300];
    int rc = zj_attachment_path(dir, sha, path, sizeof path, err);
    if (rc)
        return rc;
    snprintf(sub, sizeof sub, "%s/%.2s", dir, sha);
    if ((rc = make_dir(dir, err)) || (rc = make_dir(sub, err)))
        return rc;
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size == b->len)
        return ZJ_OK;                         /* stored before: one copy per content */
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return zj_fail(err, ZJ_EDATA, "cannot write attachment '%s': %s", tmp, strerror(errno));
    size_t done = 0;
    while (done < b->len) {
        ssize_t w = write(fd, b->data + done, b->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    bool ok = done == b->len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path)) {
        rc = zj_fail(err, ZJ_EDATA, "cannot write attachment '%s': %s", path, strerror(errno));
        unlink(tmp);
    }
    return rc;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* ---- carrying out an action ---------------------------------------------------------------- */

/* The new state after `r` (the state machine already agreed). */
static int apply(const zj_lead_request *r, wf_row *w, zj_lead_state to)
{
    bool ok = true;
    switch (r->verb) {
    case ZJ_LEAD_ASSIGN:
        ok = set(&w->unit, r->unit_code) && set(&w->assignee, r->assignee) &&
             set(&w->deadline, r->deadline);
        break;
    case ZJ_LEAD_CONFIRM:
    case ZJ_LEAD_DISMISS:
        ok = set(&w->verdict, to == ZJ_LEAD_CONFIRMED ? "confirmed" : "dismissed") &&
             set(&w->reason, zj_field_blank(r->reason) ? NULL : r->reason);
        break;
    case ZJ_LEAD_RECTIFY:
        ok = set(&w->rectify_deadline, r->deadline);
        break;
    case ZJ_LEAD_REOPEN:
        /* back to verification by the same unit and person, with a new deadline; the earlier
         * verdict stays in the history, not in the state */
        ok = set(&w->deadline, r->deadline) && set(&w->verdict, NULL) &&
             set(&w->reason, NULL) && set(&w->rectify_deadline, NULL);
        break;
    default:
        break;
    }
    w->state = to;
    w->version++;
    return ok ? ZJ_OK : ZJ_EDATA;
}

static int save_state(zj_store *s, int64_t lead_id, const wf_row *w, const char *now,
                      zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s,
        w->version == 1
            ? "INSERT INTO lead_workflow (state, unit_code, assignee, deadline, rectify_deadline,"
              " verdict, verdict_reason, version, state_hash, updated_at, lead_id)"
              " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            : "UPDATE lead_workflow SET state = $1, unit_code = $2, assignee = $3,"
              " deadline = $4, rectify_deadline = $5, verdict = $6, verdict_reason = $7,"
              " version = $8, state_hash = $9, updated_at = $10 WHERE lead_id = $11",
        &q, err);
    if (rc)
        return rc;
    const char *st = state_names[w->state];
    zj_stmt_bind_text(q, 1, st, strlen(st));
    zj_bind_opt(q, 2, w->unit);
    zj_bind_opt(q, 3, w->assignee);
    zj_bind_opt(q, 4, w->deadline);
    zj_bind_opt(q, 5, w->rectify_deadline);
    zj_bind_opt(q, 6, w->verdict);
    zj_bind_opt(q, 7, w->reason);
    zj_stmt_bind_int(q, 8, w->version);
    zj_stmt_bind_text(q, 9, w->hash, strlen(w->hash));
    zj_stmt_bind_text(q, 10, now, strlen(now));
    zj_stmt_bind_int(q, 11, lead_id);
    return zj_exec_done(q, err);
}

static int add_action(zj_store *s, const zj_actor *a, const zj_lead_request *r,
                      zj_lead_state from, const wf_row *w, const char *now, int64_t *id,
                      zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s,
        "INSERT INTO lead_action (lead_id, seq, action, from_state, to_state, user_id, username,"
        " role, session_id, at, unit_code, assignee, deadline, reason, state_hash)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, r->lead_id);
    zj_stmt_bind_int(q, 2, w->version);
    zj_stmt_bind_text(q, 3, verb_names[r->verb], strlen(verb_names[r->verb]));
    zj_stmt_bind_text(q, 4, state_names[from], strlen(state_names[from]));
    zj_stmt_bind_text(q, 5, state_names[w->state], strlen(state_names[w->state]));
    zj_bind_actor(q, 6, a);
    zj_stmt_bind_text(q, 10, now, strlen(now));
    zj_bind_opt(q, 11, r->unit_code);
    zj_bind_opt(q, 12, r->assignee);
    zj_bind_opt(q, 13, r->deadline);
    zj_bind_opt(q, 14, r->reason);
    zj_stmt_bind_text(q, 15, w->hash, strlen(w->hash));
    if ((rc = zj_exec_done(q, err)))
        return rc;
    *id = zj_store_last_insert_id(s);
    return ZJ_OK;
}

static int add_comment(zj_store *s, const zj_lead_request *r, int64_t action_id, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "INSERT INTO lead_comment (lead_id, action_id, body)"
                             " VALUES ($1, $2, $3)", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, r->lead_id);
    zj_stmt_bind_int(q, 2, action_id);
    zj_stmt_bind_text(q, 3, r->comment, strlen(r->comment));
    return zj_exec_done(q, err);
}

static int add_attachment(zj_store *s, const zj_lead_request *r, int64_t action_id,
                          const char *sha, int64_t size, zj_error *err)
{
    const char *name = r->file_name && *r->file_name ? r->file_name : base_name(r->file_path);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "INSERT INTO lead_attachment (lead_id, action_id, sha256, name,"
                             " size) VALUES ($1, $2, $3, $4, $5)", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, r->lead_id);
    zj_stmt_bind_int(q, 2, action_id);
    zj_stmt_bind_text(q, 3, sha, 64);
    zj_stmt_bind_text(q, 4, name, strlen(name));
    zj_stmt_bind_int(q, 5, size);
    return zj_exec_done(q, err);
}

static int set_audit_id(zj_store *s, int64_t action_id, int64_t audit_id, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "UPDATE lead_action SET audit_id = $1 WHERE id = $2", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, audit_id);
    zj_stmt_bind_int(q, 2, action_id);
    return zj_exec_done(q, err);
}

/* The audit entry's detail: what was given, as a JSON object. */
static char *audit_detail(const zj_lead_request *r, zj_lead_state from, zj_lead_state to,
                          const char *sha)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "from", state_names[from]);
    cJSON_AddStringToObject(j, "to", state_names[to]);
    const char *keys[] = {"unit_code", "assignee", "deadline", "reason", "comment", "sha256"};
    const char *vals[] = {r->unit_code, r->assignee, r->deadline, r->reason, r->comment, sha};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (vals[i] && *vals[i])
            cJSON_AddStringToObject(j, keys[i], vals[i]);
    char *t = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return t;
}

static int act_in_txn(zj_store *s, const zj_actor *a, const zj_lead_request *r,
                      const char *today, const char *sha, int64_t size, zj_lead_outcome *out,
                      zj_error *err)
{
    lead_info li;
    int rc = lead_load(s, r->lead_id, &li, err);
    wf_row w = {0};
    char *detail = NULL;
    if (rc)
        goto done;
    /* the lead's own unit and, once assigned, the unit charged with it: either in scope */
    if ((rc = wf_load(s, r->lead_id, &w, err)))
        goto done;
    zj_perm p = verb_perm[r->verb];
    const char *unit = li.has_unit ? li.unit : NULL;
    if (!may(a, p, unit, w.unit)) {
        rc = zj_deny(err, a, p, unit);
        goto done;
    }
    if (r->if_version > 0 && r->if_version != w.version) {
        rc = zj_fail_as(err, ZJ_ERR_CONFLICT, "lead %lld changed since it was read (now step %lld, %s; "
                     "read at step %lld): look at it again", (long long)r->lead_id,
                     (long long)w.version, state_names[w.state], (long long)r->if_version);
        goto done;
    }
    int to = zj_lead_next_state(w.state, r->verb);
    if (to < 0) {
        rc = zj_fail_as(err, ZJ_ERR_CONFLICT, "lead %lld is %s (%s): '%s' needs %s", (long long)r->lead_id,
                     state_names[w.state], state_labels[w.state], verb_names[r->verb],
                     needs(r->verb));
        goto done;
    }
    if ((rc = check_fields(r, &w, today, err)))
        goto done;
    /* the unit a lead is assigned to must be in the assigner's scope too, and the person a
     * user who may verify leads of that unit */
    if (r->verb == ZJ_LEAD_ASSIGN && !zj_actor_may(a, p, r->unit_code)) {
        rc = zj_deny(err, a, p, r->unit_code);
        goto done;
    }
    if (r->verb == ZJ_LEAD_ASSIGN && (rc = check_assignee(s, r->assignee, r->unit_code, err)))
        goto done;
    /* verification is the assignee's own (an administrator excepted): anyone else first
     * re-assigns it, which leaves its trace */
    if (r->verb == ZJ_LEAD_START && a->role != ZJ_ROLE_ADMIN &&
        !(a->username && w.assignee && !strcmp(a->username, w.assignee))) {
        rc = zj_fail(err, ZJ_EPERM, "lead %lld is assigned to '%s': only they start its "
                     "verification (or re-assign it first)", (long long)r->lead_id,
                     w.assignee ? w.assignee : "");
        goto done;
    }
    char before[65], now[20];
    memcpy(before, w.hash, sizeof before);
    zj_lead_state from = w.state;
    if (apply(r, &w, (zj_lead_state)to)) {
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
        goto done;
    }
    wf_hash(r->lead_id, &w, w.hash);
    zj_clock_utc(now);
    int64_t action_id = 0, audit_id = 0;
    if ((rc = save_state(s, r->lead_id, &w, now, err)) ||
        (w.state != from && (rc = zj_lead_set_status(s, r->lead_id, state_names[w.state], err))) ||
        (rc = add_action(s, a, r, from, &w, now, &action_id, err)))
        goto done;
    if (r->verb == ZJ_LEAD_COMMENT)
        rc = add_comment(s, r, action_id, err);
    else if (r->verb == ZJ_LEAD_ATTACH)
        rc = add_attachment(s, r, action_id, sha, size, err);
    if (rc)
        goto done;
    char action[32];
    snprintf(action, sizeof action, "lead.%s", verb_names[r->verb]);
    detail = audit_detail(r, from, w.state, sha);
    if (!detail) {
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
        goto done;
    }
    zj_audit_event ev = {action, "lead", r->lead_id, before, w.hash, detail};
    if ((rc = zj_audit_append(s, a, &ev, &audit_id, err)) ||
        (rc = set_audit_id(s, action_id, audit_id, err)))
        goto done;
    if (out) {
        out->from = from;
        out->to = w.state;
        out->action_id = action_id;
        out->seq = w.version;
        memcpy(out->state_hash, w.hash, sizeof out->state_hash);
    }
done:
    free(detail);
    free(li.title);
    wf_free(&w);
    return rc;
}

int zj_lead_act(zj_store *s, const zj_actor *a, const zj_lead_request *r,
                zj_lead_outcome *out, zj_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!a || !r || (unsigned)r->verb >= ZJ_LEAD_VERB_COUNT || (unsigned)a->role >= ZJ_ROLE_COUNT)
        return zj_fail(err, ZJ_EUSAGE, "lead action: no actor, or an unknown action or role");
    char today[11];
    if (r->today) {
        int rc = zj_field_date("today", r->today, true, err);
        if (rc)
            return rc;
        snprintf(today, sizeof today, "%s", r->today);
    } else
        zj_clock_today(today);
    /* an attachment's bytes are stored first, outside the transaction: by content, so a file
     * left by a failed action is harmless and found again by the next attach of it */
    char sha[65] = "";
    int64_t size = 0;
    if (r->verb == ZJ_LEAD_ATTACH) {
        int rc = zj_field_text("file", r->file_path, true, 4096, err);
        if (!rc)
            rc = zj_field_text("attach_dir", r->attach_dir, true, 4096, err);
        zj_buf b = {0};
        if (!rc)
            rc = read_file(r->file_path, &b, err);
        if (!rc) {
            zj_sha256_hex(b.data ? b.data : "", b.len, sha);
            size = (int64_t)b.len;
        }
        /* check what can be checked before writing anything */
        lead_info li;
        if (!rc && !(rc = lead_load(s, r->lead_id, &li, err))) {
            wf_row w;
            if (!(rc = wf_load(s, r->lead_id, &w, err)) &&
                !may(a, ZJ_PERM_LEAD_COMMENT, li.has_unit ? li.unit : NULL, w.unit))
                rc = zj_deny(err, a, ZJ_PERM_LEAD_COMMENT, li.has_unit ? li.unit : NULL);
            wf_free(&w);
            free(li.title);
        }
        if (!rc)
            rc = store_blob(r->attach_dir, &b, sha, err);
        zj_buf_free(&b);
        if (rc)
            return rc;
    }
    int rc = zj_store_begin(s, err);
    if (rc)
        return rc;
    rc = act_in_txn(s, a, r, today, sha, size, out, err);
    if (!rc)
        rc = zj_store_commit(s, err);
    if (rc)
        zj_store_rollback(s, NULL);
    else if (out)
        memcpy(out->sha256, sha, sizeof out->sha256);
    return rc;
}

/* ---- reading the workflow ------------------------------------------------------------------ */

static void fill_status(zj_lead_status *st, int64_t id, const lead_info *li, const wf_row *w,
                        const char *today)
{
    memset(st, 0, sizeof *st);
    st->lead_id = id;
    st->code = li->code;
    st->title = li->title;
    st->severity = li->severity;
    st->current = li->current;
    st->lead_unit = li->has_unit ? li->unit : NULL;
    st->state = w->state;
    st->unit_code = w->unit;
    st->assignee = w->assignee;
    st->deadline = w->deadline;
    st->rectify_deadline = w->rectify_deadline;
    st->verdict = w->verdict;
    st->verdict_reason = w->reason;
    st->version = w->version;
    st->updated_at = w->updated_at;
    st->unread = w->unread;
    st->overdue_verification = (w->state == ZJ_LEAD_ASSIGNED || w->state == ZJ_LEAD_VERIFYING) &&
                               w->deadline && strcmp(w->deadline, today) < 0;
    st->overdue_rectification = w->state == ZJ_LEAD_RECTIFICATION && w->rectify_deadline &&
                                strcmp(w->rectify_deadline, today) < 0;
}

static int reference_day(const char *given, char today[11], zj_error *err)
{
    if (!given) {
        zj_clock_today(today);
        return ZJ_OK;
    }
    int rc = zj_field_date("today", given, true, err);
    if (!rc)
        snprintf(today, 11, "%s", given);
    return rc;
}

/* Read access to a lead: its own unit or the unit it is assigned to in scope. */
static bool may_read(const zj_actor *a, const lead_info *li, const wf_row *w)
{
    return may(a, ZJ_PERM_LEAD_READ, li->has_unit ? li->unit : NULL, w->unit);
}

int zj_lead_status_get(zj_store *s, const zj_actor *a, int64_t lead_id, const char *today,
                       int (*fn)(const zj_lead_status *, void *), void *ctx, zj_error *err)
{
    char day[11];
    int rc = reference_day(today, day, err);
    lead_info li = {0};
    wf_row w = {0};
    if (!rc)
        rc = lead_load(s, lead_id, &li, err);
    if (!rc)
        rc = wf_load(s, lead_id, &w, err);
    if (!rc && !may_read(a, &li, &w))
        rc = zj_deny(err, a, ZJ_PERM_LEAD_READ, li.has_unit ? li.unit : NULL);
    if (!rc) {
        zj_lead_status st;
        fill_status(&st, lead_id, &li, &w, day);
        fn(&st, ctx);
    }
    free(li.title);
    wf_free(&w);
    return rc;
}

typedef struct queue_ctx {
    zj_store *s;
    const zj_actor *a;
    const zj_lead_queue_filter *f;
    const char *today;
    zj_stmt *q;
    int (*fn)(const zj_lead_status *, void *);
    void *ctx;
    int64_t shown;
    int rc;
    zj_error *err;
} queue_ctx;

static int queue_row(const zj_lead_row *r, void *vctx)
{
    queue_ctx *c = vctx;
    lead_info li = {0};
    copy_lead(r, &li);
    if (!li.title) {
        c->rc = zj_fail(c->err, ZJ_EDATA, "out of memory");
        return 1;
    }
    wf_row w;
    zj_stmt_bind_int(c->q, 1, r->id);
    c->rc = wf_read(c->q, zj_stmt_next(c->q, c->err), r->id, &w, c->err);
    zj_stmt_reset(c->q);
    int stop = c->rc != 0;
    const zj_lead_queue_filter *f = c->f;
    if (!stop && may_read(c->a, &li, &w) && (f->state < 0 || (int)w.state == f->state) &&
        r->severity >= f->min_severity &&
        (!f->worked_only || w.version > 0) &&
        (!f->assignee || (w.assignee && !strcmp(f->assignee, w.assignee))) &&
        (!f->unit_code || (w.unit && !strcmp(f->unit_code, w.unit)))) {
        zj_lead_status st;
        fill_status(&st, r->id, &li, &w, c->today);
        st.first_seen_at = r->first_seen_at;
        if (!f->overdue_only || st.overdue_verification || st.overdue_rectification) {
            stop = c->fn(&st, c->ctx) != 0;
            if (f->limit > 0 && ++c->shown >= f->limit)
                stop = 1;
        }
    }
    free(li.title);
    wf_free(&w);
    return stop;
}

int zj_lead_queue_each(zj_store *s, const zj_actor *a, const zj_lead_queue_filter *f,
                       int (*fn)(const zj_lead_status *, void *), void *ctx, zj_error *err)
{
    static const zj_lead_queue_filter any = {.state = -1};
    char day[11];
    if (!f)
        f = &any;
    int rc = reference_day(f->today, day, err);
    if (rc)
        return rc;
    if (!a || !zj_role_may(a->role, ZJ_PERM_LEAD_READ))
        return zj_deny(err, a, ZJ_PERM_LEAD_READ, a ? a->unit_code : NULL);
    queue_ctx c = {s, a, f, day, NULL, fn, ctx, 0, ZJ_OK, err};
    if ((rc = zj_stmt_prepare(s, wf_cols, &c.q, err)))
        return rc;
    zj_lead_filter lf = {.code = f->code, .unit = f->lead_unit, .text = f->text};
    int64_t named[64];                 /* the people and companies the text names */
    if (f->text && f->text[0] &&
        (rc = zj_link_entities_named(s, f->text, named, 64, &lf.nentities, err))) {
        zj_stmt_finalize(c.q);
        return rc;
    }
    lf.entities = named;
    bool snap = zj_store_snapshot_begin(s);   /* one read lock for the leads and their states */
    rc = zj_leads_each(s, &lf, queue_row, &c, err);
    zj_store_snapshot_end(s, snap);
    zj_stmt_finalize(c.q);
    return rc ? rc : c.rc;
}

int zj_lead_history_each(zj_store *s, const zj_actor *a, int64_t lead_id,
                         int (*fn)(const zj_lead_event *, void *), void *ctx, zj_error *err)
{
    lead_info li;
    wf_row w = {0};
    int rc = lead_load(s, lead_id, &li, err);
    if (!rc)
        rc = wf_load(s, lead_id, &w, err);
    if (!rc && !may_read(a, &li, &w))
        rc = zj_deny(err, a, ZJ_PERM_LEAD_READ, li.has_unit ? li.unit : NULL);
    free(li.title);
    wf_free(&w);
    if (rc)
        return rc;
    zj_stmt *q;
    rc = zj_stmt_prepare(s,
        "SELECT a.seq, a.action, a.from_state, a.to_state, a.username, a.role, a.user_id,"
        " a.session_id, a.at, a.unit_code, a.assignee, a.deadline, a.reason, c.body, t.name,"
        " t.sha256, t.size, a.audit_id"
        " FROM lead_action a LEFT JOIN lead_comment c ON c.action_id = a.id"
        " LEFT JOIN lead_attachment t ON t.action_id = a.id"
        " WHERE a.lead_id = $1 ORDER BY a.seq", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, lead_id);
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        zj_lead_event e = {
            .seq = zj_stmt_int(q, 0),
            .action = zj_stmt_text(q, 1, NULL),
            .from_state = zj_stmt_text(q, 2, NULL),
            .to_state = zj_stmt_text(q, 3, NULL),
            .username = zj_stmt_text(q, 4, NULL),
            .role = zj_stmt_text(q, 5, NULL),
            .user_id = zj_stmt_int(q, 6),
            .session_id = zj_stmt_int(q, 7),
            .at = zj_stmt_text(q, 8, NULL),
            .unit_code = zj_stmt_text(q, 9, NULL),
            .assignee = zj_stmt_text(q, 10, NULL),
            .deadline = zj_stmt_text(q, 11, NULL),
            .reason = zj_stmt_text(q, 12, NULL),
            .comment = zj_stmt_text(q, 13, NULL),
            .file_name = zj_stmt_text(q, 14, NULL),
            .sha256 = zj_stmt_text(q, 15, NULL),
            .file_size = zj_stmt_int(q, 16),
            .audit_id = zj_stmt_int(q, 17),
        };
        if (fn(&e, ctx))
            break;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_lead_attachment_get(zj_store *s, const zj_actor *a, int64_t lead_id, const char *sha256,
                           const char *attach_dir, char *out, size_t cap, char *name,
                           size_t name_cap, zj_error *err)
{
    int rc = zj_attachment_path(attach_dir, sha256, out, cap, err);
    lead_info li = {0};
    wf_row w = {0};
    if (!rc)
        rc = lead_load(s, lead_id, &li, err);
    if (!rc)
        rc = wf_load(s, lead_id, &w, err);
    if (!rc && !may(a, ZJ_PERM_UNMASK, li.has_unit ? li.unit : NULL, w.unit))
        rc = zj_deny(err, a, ZJ_PERM_UNMASK, li.has_unit ? li.unit : NULL);
    free(li.title);
    wf_free(&w);
    zj_stmt *q = NULL;
    if (!rc)
        rc = zj_stmt_prepare(s, "SELECT name FROM lead_attachment WHERE lead_id = $1"
                             " AND sha256 = $2 ORDER BY id LIMIT 1", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, lead_id);
    zj_stmt_bind_text(q, 2, sha256, strlen(sha256));
    int step = zj_stmt_next(q, err);
    if (step == 1 && name)
        snprintf(name, name_cap, "%s", zj_stmt_text(q, 0, NULL));
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    if (step == 0)
        return zj_fail_as(err, ZJ_ERR_NOT_FOUND, "lead %lld has no attachment %s (see 'zhijian leads "
                       "history %lld')", (long long)lead_id, sha256, (long long)lead_id);
    if (access(out, R_OK))
        return zj_fail(err, ZJ_EDATA, "attachment %s of lead %lld: cannot read '%s': %s",
                       sha256, (long long)lead_id, out, strerror(errno));
    char detail[100];
    snprintf(detail, sizeof detail, "{\"sha256\":\"%s\"}", sha256);
    zj_audit_event ev = {"lead.attachment_read", "lead", lead_id, NULL, NULL, detail};
    if ((rc = zj_store_begin(s, err)))
        return rc;
    if (!(rc = zj_audit_append(s, a, &ev, NULL, err)))
        rc = zj_store_commit(s, err);
    if (rc)
        zj_store_rollback(s, NULL);
    return rc;
}

/* ---- what detection finds on leads being worked ------------------------------------------- */

/* What arrived, in words: the new record's kind. */
static const char *cause_label(const char *table, const char **en)
{
    static const struct { const char *table, *zh, *en; } t[] = {
        {"incident", "110警情记录", "the 110 incident record"},
        {"police_case", "公安案件记录", "the police case record"},
        {"procuratorate_case", "检察院受案记录", "the procuratorate's case record"},
        {"court_case", "法院收案（起诉）记录", "the court's case record (prosecution received)"},
        {"case_event", "流程节点记录", "a process node"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (table && !strcmp(t[i].table, table)) {
            *en = t[i].en;
            return t[i].zh;
        }
    *en = "a record";
    return "记录";
}

static int cursor_get(zj_store *s, int64_t *last, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT last_id FROM workflow_cursor WHERE name = 'lead_change'",
                             &q, err);
    if (rc)
        return rc;
    int step = zj_stmt_next(q, err);
    *last = step == 1 ? zj_stmt_int(q, 0) : 0;
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

static int cursor_set(zj_store *s, int64_t last, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "INSERT INTO workflow_cursor (name, last_id)"
                             " VALUES ('lead_change', $1)"
                             " ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id",
                             &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, last);
    return zj_exec_done(q, err);
}

typedef struct change_copy {
    int64_t id, lead_id, cause_id, cause_batch;
    char change[16], cause_table[32], note[128], file[160];
} change_copy;

typedef struct change_list {
    change_copy *v;
    size_t n, cap;
    bool oom;
} change_list;

static int collect_change(const zj_lead_change *c, void *vctx)
{
    change_list *l = vctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        change_copy *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return 1;
        }
        l->v = v;
        l->cap = cap;
    }
    change_copy *x = &l->v[l->n++];
    x->id = c->id;
    x->lead_id = c->lead_id;
    x->cause_id = c->cause_id;
    x->cause_batch = c->cause_batch;
    snprintf(x->change, sizeof x->change, "%s", c->change ? c->change : "");
    snprintf(x->cause_table, sizeof x->cause_table, "%s", c->cause_table ? c->cause_table : "");
    snprintf(x->note, sizeof x->note, "%s", c->cause_note ? c->cause_note : "");
    const char *f = c->cause_file ? strrchr(c->cause_file, '/') : NULL;
    snprintf(x->file, sizeof x->file, "%s", f ? f + 1 : c->cause_file ? c->cause_file : "");
    return 0;
}

static int add_system_action(zj_store *s, const zj_actor *sys, int64_t lead_id,
                             const char *action, zj_lead_state from, const wf_row *w,
                             const char *now, const char *reason, int64_t *id, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s,
        "INSERT INTO lead_action (lead_id, seq, action, from_state, to_state, user_id, username,"
        " role, session_id, at, reason, state_hash)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, lead_id);
    zj_stmt_bind_int(q, 2, w->version);
    zj_stmt_bind_text(q, 3, action, strlen(action));
    zj_stmt_bind_text(q, 4, state_names[from], strlen(state_names[from]));
    zj_stmt_bind_text(q, 5, state_names[w->state], strlen(state_names[w->state]));
    zj_bind_actor(q, 6, sys);
    zj_stmt_bind_text(q, 10, now, strlen(now));
    zj_stmt_bind_text(q, 11, reason, strlen(reason));
    zj_stmt_bind_text(q, 12, w->hash, strlen(w->hash));
    if ((rc = zj_exec_done(q, err)))
        return rc;
    *id = zj_store_last_insert_id(s);
    return ZJ_OK;
}

static int add_notice(zj_store *s, int64_t lead_id, const char *user, int64_t action_id,
                      const char *now, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "INSERT INTO lead_notice (lead_id, username, action_id,"
                             " created_at) VALUES ($1, $2, $3, $4)", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, lead_id);
    zj_stmt_bind_text(q, 2, user, strlen(user));
    zj_stmt_bind_int(q, 3, action_id);
    zj_stmt_bind_text(q, 4, now, strlen(now));
    return zj_exec_done(q, err);
}

/* Apply one change (inside the sync's transaction). */
static int apply_change(zj_store *s, const zj_actor *a, const zj_actor *sys,
                        const change_copy *c, zj_lead_sync_stats *st, zj_error *err)
{
    wf_row w = {0};
    int rc = wf_load(s, c->lead_id, &w, err);
    if (rc)
        return rc;
    bool resolved = !strcmp(c->change, "resolved");
    bool worked = w.state == ZJ_LEAD_ASSIGNED || w.state == ZJ_LEAD_VERIFYING ||
                  w.state == ZJ_LEAD_CONFIRMED || w.state == ZJ_LEAD_RECTIFICATION;
    bool close = resolved && w.state == ZJ_LEAD_NEW;
    if (!close && !worked) {
        wf_free(&w);
        return ZJ_OK;
    }
    const char *en, *zh = cause_label(c->cause_table, &en);
    char where[400], where_en[400], reason[1200];
    snprintf(where, sizeof where, "%s%s批次 %lld%s%s", c->note,
             c->note[0] ? "，" : "", (long long)c->cause_batch, c->file[0] ? "，文件 " : "",
             c->file);
    snprintf(where_en, sizeof where_en, "%s%sbatch %lld%s%s", c->note, c->note[0] ? ", " : "",
             (long long)c->cause_batch, c->file[0] ? ", file " : "", c->file);
    if (close)
        snprintf(reason, sizeof reason, "补录: %s已到达（%s），线索不再成立，自动办结。"
                 "\nLate entry: %s arrived (%s); the finding no longer holds, "
                 "closed automatically.", zh, where, en, where_en);
    else
        snprintf(reason, sizeof reason, "新事件: %s已到达（%s）；%s"
                 "\nNew event: %s arrived (%s); %s", zh, where,
                 resolved ? "重新检测后线索不再成立，请核查后办结。" : "重新检测后线索仍然成立。",
                 en, where_en,
                 resolved ? "on re-evaluation the finding no longer holds: verify and close."
                          : "on re-evaluation the finding still holds.");
    char before[65], now[20];
    memcpy(before, w.hash, sizeof before);
    zj_lead_state from = w.state;
    if (close) {
        w.state = ZJ_LEAD_CLOSED;
        if (!set(&w.reason, reason)) {
            wf_free(&w);
            return zj_fail(err, ZJ_EDATA, "out of memory");
        }
    }
    w.version++;
    wf_hash(c->lead_id, &w, w.hash);
    zj_clock_utc(now);
    int64_t action_id = 0, audit_id = 0;
    const char *action = close ? "auto_close" : "event";
    if ((rc = save_state(s, c->lead_id, &w, now, err)) ||
        (close && (rc = zj_lead_set_status(s, c->lead_id, state_names[w.state], err))) ||
        (rc = add_system_action(s, sys, c->lead_id, action, from, &w, now, reason, &action_id,
                                err)))
        goto done;
    if (!close && w.assignee) {
        if ((rc = add_notice(s, c->lead_id, w.assignee, action_id, now, err)))
            goto done;
        st->notices++;
    }
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "from", state_names[from]);
    cJSON_AddStringToObject(j, "to", state_names[w.state]);
    cJSON_AddStringToObject(j, "reason", reason);
    cJSON_AddNumberToObject(j, "change", (double)c->id);
    cJSON_AddStringToObject(j, "cause_table", c->cause_table);
    cJSON_AddNumberToObject(j, "cause_id", (double)c->cause_id);
    cJSON_AddNumberToObject(j, "cause_batch", (double)c->cause_batch);
    char *detail = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    if (!detail) {
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
        goto done;
    }
    char name[32];
    snprintf(name, sizeof name, "lead.%s", action);
    zj_audit_event ev = {name, "lead", c->lead_id, before, w.hash, detail};
    rc = zj_audit_append(s, a, &ev, &audit_id, err);
    free(detail);
    if (!rc)
        rc = set_audit_id(s, action_id, audit_id, err);
    if (!rc) {
        if (close)
            st->auto_closed++;
        else
            st->events++;
    }
done:
    wf_free(&w);
    return rc;
}

int zj_lead_sync_detection(zj_store *s, const zj_actor *a, zj_lead_sync_stats *stp,
                           zj_error *err)
{
    zj_lead_sync_stats dummy;
    zj_lead_sync_stats *st = stp ? stp : &dummy;
    memset(st, 0, sizeof *st);
    if (!a || !zj_role_may(a->role, ZJ_PERM_LEAD_DECIDE))
        return zj_deny(err, a, ZJ_PERM_LEAD_DECIDE, a ? a->unit_code : NULL);
    zj_actor sys = {.user_id = 0, .username = "zhijian", .role = a->role};
    int rc = zj_store_begin(s, err);
    if (rc)
        return rc;
    int64_t last = 0;
    change_list l = {0};
    if (!(rc = cursor_get(s, &last, err)))
        rc = zj_lead_changes_each(s, last, collect_change, &l, err);
    if (!rc && l.oom)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    for (size_t i = 0; !rc && i < l.n; i++) {
        rc = apply_change(s, a, &sys, &l.v[i], st, err);
        st->changes++;
        last = l.v[i].id;
    }
    if (!rc && l.n)
        rc = cursor_set(s, last, err);
    free(l.v);
    if (!rc)
        rc = zj_store_commit(s, err);
    if (rc)
        zj_store_rollback(s, NULL);
    return rc;
}

int zj_lead_notices_each(zj_store *s, const zj_actor *a, bool unread_only,
                         int (*fn)(const zj_lead_notice *, void *), void *ctx, zj_error *err)
{
    if (!a || !a->username || !zj_role_may(a->role, ZJ_PERM_LEAD_READ))
        return zj_deny(err, a, ZJ_PERM_LEAD_READ, a ? a->unit_code : NULL);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT n.id, n.lead_id, x.seq, x.action, x.reason, n.created_at,"
                             " n.read_at FROM lead_notice n JOIN lead_action x ON x.id = n.action_id"
                             " WHERE n.username = $1 AND ($2 = 0 OR n.read_at IS NULL)"
                             " ORDER BY n.id DESC", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, a->username, strlen(a->username));
    zj_stmt_bind_int(q, 2, unread_only ? 1 : 0);
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        lead_info li;
        int64_t lead_id = zj_stmt_int(q, 1);
        if ((rc = lead_load(s, lead_id, &li, err)))
            break;
        zj_lead_notice n = {
            .id = zj_stmt_int(q, 0), .lead_id = lead_id, .code = li.code, .title = li.title,
            .seq = zj_stmt_int(q, 2), .action = zj_stmt_text(q, 3, NULL),
            .reason = zj_stmt_text(q, 4, NULL), .created_at = zj_stmt_text(q, 5, NULL),
            .read_at = zj_stmt_text(q, 6, NULL),
        };
        int stop = fn(&n, ctx);
        free(li.title);
        if (stop)
            break;
    }
    zj_stmt_finalize(q);
    return rc ? rc : step < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_lead_notices_mark_read(zj_store *s, const zj_actor *a, int64_t lead_id, int64_t *n,
                              zj_error *err)
{
    if (n)
        *n = 0;
    if (!a || !a->username || !zj_role_may(a->role, ZJ_PERM_LEAD_READ))
        return zj_deny(err, a, ZJ_PERM_LEAD_READ, a ? a->unit_code : NULL);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "UPDATE lead_notice SET read_at = $1 WHERE username = $2"
                             " AND read_at IS NULL AND ($3 = 0 OR lead_id = $3)", &q, err);
    if (rc)
        return rc;
    char now[20];
    zj_clock_utc(now);
    zj_stmt_bind_text(q, 1, now, strlen(now));
    zj_stmt_bind_text(q, 2, a->username, strlen(a->username));
    zj_stmt_bind_int(q, 3, lead_id);
    int step = zj_stmt_next(q, err);
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    if (n)
        *n = zj_store_changes(s);
    return ZJ_OK;
}
