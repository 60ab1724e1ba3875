/* test_workflow.c - the lead lifecycle: every state and action pair (refused ones included),
 * every role, scope, the fields each action needs, the history, the audit entries, rollback,
 * detection re-runs, overdue flags and attachments stored by content. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "audit_seen.h"
#include "detect/leads.h"
#include "storefix.h"
#include "work/fields.h"
#include "work/users.h"
#include "work/workflow.h"

#define TODAY "2026-12-02"

static const zj_actor admin = {.user_id = 1, .username = "root", .role = ZJ_ROLE_ADMIN};
static const zj_actor inspector = {.user_id = 2, .username = "wang", .role = ZJ_ROLE_INSPECTOR};

/* A fresh store with the people leads are assigned to: wang, an inspector of the province;
 * li, an inspector of U2; boss, a leader (who may not verify). */
static int setup(void **state)
{
    if (store_setup(state))
        return -1;
    store_fixture *f = *state;
    const zj_user_new users[] = {
        {.username = "wang", .role = ZJ_ROLE_INSPECTOR},
        {.username = "li", .role = ZJ_ROLE_INSPECTOR, .unit_code = "U2"},
        {.username = "boss", .role = ZJ_ROLE_LEADER},
    };
    zj_error err = {0};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
        if (zj_user_add(f->s, &admin, &users[i], NULL, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return -1;
        }
    return 0;
}

/* A lead of unit `unit` from a detector run `run` (key `key`); returns its id. */
static int64_t make_lead(zj_store *s, const char *key, const char *unit, int64_t run,
                         const char *title)
{
    zj_lead_sink *k;
    zj_error err = {0};
    assert_int_equal(zj_sink_open(s, "TR01", run, "basis", &k, &err), 0);
    zj_lead l = {0};
    assert_int_equal(zj_lead_key(&l, key, strlen(key)), 0);
    l.subject_table = "officer";
    l.subject_id = 1;
    snprintf(l.unit_code, sizeof l.unit_code, "%s", unit);
    l.severity = 2;
    zj_buf_puts(&l.title, title);
    zj_buf_puts(&l.explanation, "explanation");
    assert_int_equal(zj_sink_emit(k, &l, &err), 0);
    zj_lead_free(&l);
    zj_sink_close(k);
    zj_stmt *q;
    assert_int_equal(zj_stmt_prepare(s, "SELECT max(id) FROM lead", &q, &err), 0);
    assert_int_equal(zj_stmt_next(q, &err), 1);
    int64_t id = zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    return id;
}

/* A request for `verb` on `lead` with every field the verb takes, valid. */
static zj_lead_request full_request(zj_lead_verb verb, int64_t lead)
{
    zj_lead_request r = {.verb = verb, .lead_id = lead, .today = TODAY};
    switch (verb) {
    case ZJ_LEAD_ASSIGN:
        r.unit_code = "U1";
        r.assignee = "wang";
        r.deadline = "2026-12-31";
        break;
    case ZJ_LEAD_CONFIRM:
    case ZJ_LEAD_DISMISS:
    case ZJ_LEAD_CLOSE:
        r.reason = "核查属实 / verified";
        break;
    case ZJ_LEAD_RECTIFY:
        r.deadline = "2027-01-31";
        break;
    case ZJ_LEAD_REOPEN:
        r.reason = "new evidence";
        r.deadline = "2027-02-28";
        break;
    case ZJ_LEAD_COMMENT:
        r.comment = "批注 note";
        break;
    default:
        break;
    }
    return r;
}

static int act(zj_store *s, const zj_actor *a, zj_lead_verb verb, int64_t lead, zj_error *err)
{
    zj_lead_request r = full_request(verb, lead);
    return zj_lead_act(s, a, &r, NULL, err);
}

/* The path from new to each state. */
static const zj_lead_verb paths[ZJ_LEAD_STATE_COUNT][6] = {
    [ZJ_LEAD_NEW] = {ZJ_LEAD_VERB_COUNT},
    [ZJ_LEAD_ASSIGNED] = {ZJ_LEAD_ASSIGN, ZJ_LEAD_VERB_COUNT},
    [ZJ_LEAD_VERIFYING] = {ZJ_LEAD_ASSIGN, ZJ_LEAD_START, ZJ_LEAD_VERB_COUNT},
    [ZJ_LEAD_CONFIRMED] = {ZJ_LEAD_ASSIGN, ZJ_LEAD_START, ZJ_LEAD_CONFIRM, ZJ_LEAD_VERB_COUNT},
    [ZJ_LEAD_DISMISSED] = {ZJ_LEAD_ASSIGN, ZJ_LEAD_START, ZJ_LEAD_DISMISS, ZJ_LEAD_VERB_COUNT},
    [ZJ_LEAD_RECTIFICATION] = {ZJ_LEAD_ASSIGN, ZJ_LEAD_START, ZJ_LEAD_CONFIRM, ZJ_LEAD_RECTIFY,
                               ZJ_LEAD_VERB_COUNT},
    [ZJ_LEAD_CLOSED] = {ZJ_LEAD_ASSIGN, ZJ_LEAD_START, ZJ_LEAD_CONFIRM, ZJ_LEAD_RECTIFY,
                        ZJ_LEAD_CLOSE, ZJ_LEAD_VERB_COUNT},
};

static int64_t lead_in_state(zj_store *s, zj_lead_state st, const char *key)
{
    int64_t id = make_lead(s, key, "U1", 1, "lead");
    zj_error err = {0};
    for (int i = 0; paths[st][i] != ZJ_LEAD_VERB_COUNT; i++)
        if (act(s, &admin, paths[st][i], id, &err))
            fail_msg("reaching %s: %s", zj_lead_state_name(st), err.msg);
    return id;
}

typedef struct got_status {
    zj_lead_state state;
    int64_t version;
    bool overdue_v, overdue_r, current;
    char verdict[16], assignee[32], unit[32];
} got_status;

static int grab(const zj_lead_status *st, void *ctx)
{
    got_status *g = ctx;
    g->state = st->state;
    g->version = st->version;
    g->overdue_v = st->overdue_verification;
    g->overdue_r = st->overdue_rectification;
    g->current = st->current;
    snprintf(g->verdict, sizeof g->verdict, "%s", st->verdict ? st->verdict : "");
    snprintf(g->assignee, sizeof g->assignee, "%s", st->assignee ? st->assignee : "");
    snprintf(g->unit, sizeof g->unit, "%s", st->unit_code ? st->unit_code : "");
    return 0;
}

static got_status status(zj_store *s, int64_t id, const char *today)
{
    got_status g = {0};
    zj_error err = {0};
    if (zj_lead_status_get(s, &admin, id, today, grab, &g, &err))
        fail_msg("status: %s", err.msg);
    return g;
}

/* Every state and every action: the expected next state, written out here independently of
 * workflow.c's table. Rows are actions, columns the states new, assigned, verifying,
 * confirmed, dismissed, rectification, closed; '.' is refused, else the first letter of the
 * state reached (n a v c d r x). */
static const char *const expected[ZJ_LEAD_VERB_COUNT] = {
    [ZJ_LEAD_ASSIGN] = "aaa....",
    [ZJ_LEAD_START] = ".v.....",
    [ZJ_LEAD_CONFIRM] = "..c....",
    [ZJ_LEAD_DISMISS] = "..d....",
    [ZJ_LEAD_RECTIFY] = "...r...",
    [ZJ_LEAD_CLOSE] = "...xxx.",
    [ZJ_LEAD_REOPEN] = "......a",
    [ZJ_LEAD_COMMENT] = "navcdrx",
    [ZJ_LEAD_ATTACH] = "navcdrx",
};

static int letter_state(char c)
{
    static const char letters[] = "navcdrx";
    const char *p = strchr(letters, c);
    return p ? (int)(p - letters) : -1;
}

static void every_transition(void **state)
{
    store_fixture *f = *state;
    char dir[96], file[96];
    snprintf(dir, sizeof dir, "%s.files", f->path);
    snprintf(file, sizeof file, "%s.att", f->path);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fputs("evidence", fp);
    fclose(fp);
    int tried = 0, refused = 0;
    for (int v = 0; v < ZJ_LEAD_VERB_COUNT; v++)
        for (int st = 0; st < ZJ_LEAD_STATE_COUNT; st++) {
            char key[32];
            snprintf(key, sizeof key, "k%d-%d", v, st);
            int64_t id = lead_in_state(f->s, (zj_lead_state)st, key);
            got_status before = status(f->s, id, TODAY);
            assert_int_equal(before.state, st);
            int audits = audit_n(f->s);
            int64_t actions = store_count(f->s, "SELECT count(*) FROM lead_action");
            zj_lead_request r = full_request((zj_lead_verb)v, id);
            if (v == ZJ_LEAD_ATTACH) {
                r.file_path = file;
                r.attach_dir = dir;
            }
            zj_lead_outcome out;
            zj_error err = {0};
            int rc = zj_lead_act(f->s, &admin, &r, &out, &err);
            int want = letter_state(expected[v][st]);
            got_status after = status(f->s, id, TODAY);
            tried++;
            if (want < 0) {
                refused++;
                if (rc != ZJ_EUSAGE)
                    fail_msg("%s from %s: expected refused, got %d", zj_lead_verb_name(v),
                             zj_lead_state_name(st), rc);
                assert_non_null(strstr(err.msg, zj_lead_state_name(st)));
                assert_int_equal(zj_error_kind(&err), ZJ_ERR_CONFLICT);   /* HTTP 409 */
                assert_int_equal(after.state, st);
                assert_int_equal(after.version, before.version);
                assert_int_equal(audit_n(f->s), audits);
                assert_int_equal(store_count(f->s, "SELECT count(*) FROM lead_action"), actions);
            } else {
                if (rc)
                    fail_msg("%s from %s: %s", zj_lead_verb_name(v), zj_lead_state_name(st),
                             err.msg);
                assert_int_equal(after.state, want);
                assert_int_equal(out.from, st);
                assert_int_equal(out.to, want);
                assert_int_equal(after.version, before.version + 1);
                assert_int_equal(out.seq, after.version);
                assert_int_equal(audit_n(f->s), audits + 1);
                audit_seen seen = audit_at(f->s, audit_n(f->s) - 1), *a = &seen;
                char action[32];
                snprintf(action, sizeof action, "lead.%s", zj_lead_verb_name(v));
                assert_string_equal(a->action, action);
                assert_string_equal(a->table, "lead");
                assert_int_equal(a->object_id, id);
                assert_string_equal(a->after, out.state_hash);
                assert_string_not_equal(a->before, a->after);
                assert_int_equal(store_count(f->s, "SELECT count(*) FROM lead_action"), actions + 1);
            }
            /* the lead's own status mirrors the state, for every reader of leads */
            char sql[128];
            snprintf(sql, sizeof sql, "SELECT count(*) FROM lead WHERE id = %lld AND status = '%s'",
                     (long long)id, zj_lead_state_name(after.state));
            assert_int_equal(store_count(f->s, sql), 1);
            /* the pure table agrees */
            assert_int_equal(zj_lead_next_state((zj_lead_state)st, (zj_lead_verb)v), want);
        }
    assert_int_equal(tried, ZJ_LEAD_VERB_COUNT * ZJ_LEAD_STATE_COUNT);
    assert_int_equal(refused, 38);
    unlink(file);
    char sub[128], blob[256];
    zj_error err = {0};
    char sha[65];
    zj_sha256_hex("evidence", 8, sha);
    assert_int_equal(zj_attachment_path(dir, sha, blob, sizeof blob, &err), 0);
    unlink(blob);
    snprintf(sub, sizeof sub, "%s/%.2s", dir, sha);
    rmdir(sub);
    rmdir(dir);
}

/* Which role may take which action (in a state that allows it), written out independently of
 * workflow.c: rows are roles in zj_role order, columns the actions assign start confirm dismiss
 * rectify close reopen comment; 'y' allowed. */
static const char *const role_expected[ZJ_ROLE_COUNT] = {
    [ZJ_ROLE_OFFICER] = "........",
    [ZJ_ROLE_FILING_JUDGE] = "........",
    [ZJ_ROLE_SC_PRISON] = "........",
    [ZJ_ROLE_SC_PROCURATOR] = "........",
    [ZJ_ROLE_SC_COURT] = "........",
    [ZJ_ROLE_DATA_STEWARD] = "........",
    [ZJ_ROLE_SERVICE] = "........",
    [ZJ_ROLE_UNIT_SUPERVISOR] = "y...y..y",
    [ZJ_ROLE_INSPECTOR] = "yyyy.yyy",
    [ZJ_ROLE_LEADER] = "........",
    [ZJ_ROLE_ADMIN] = "yyyyyyyy",
};

static void every_role(void **state)
{
    store_fixture *f = *state;
    static const zj_lead_state from[] = {
        ZJ_LEAD_NEW, ZJ_LEAD_ASSIGNED, ZJ_LEAD_VERIFYING, ZJ_LEAD_VERIFYING,
        ZJ_LEAD_CONFIRMED, ZJ_LEAD_CONFIRMED, ZJ_LEAD_CLOSED, ZJ_LEAD_NEW,
    };
    for (int role = 0; role < ZJ_ROLE_COUNT; role++)
        for (int v = 0; v <= ZJ_LEAD_COMMENT; v++) {
            char key[32];
            snprintf(key, sizeof key, "r%d-%d", role, v);
            int64_t id = lead_in_state(f->s, from[v], key);
            /* "wang" is the assignee the paths give, so start is the actor's own */
            zj_actor a = {.user_id = 9, .username = "wang", .role = (zj_role)role};
            zj_error err = {0};
            int rc = act(f->s, &a, (zj_lead_verb)v, id, &err);
            bool allowed = role_expected[role][v] == 'y';
            if (allowed && rc)
                fail_msg("role %d, %s: %s", role, zj_lead_verb_name(v), err.msg);
            if (!allowed) {
                if (!rc)
                    fail_msg("role %d, %s: allowed", role, zj_lead_verb_name(v));
                assert_int_equal(rc, ZJ_EPERM);
                assert_non_null(strstr(err.msg, "may not"));
                assert_int_equal(status(f->s, id, TODAY).state, from[v]);
            }
        }
}

static void scope_and_assignee(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    int64_t id = make_lead(f->s, "scope", "U1", 1, "lead");
    zj_actor other = {.user_id = 3, .username = "li", .role = ZJ_ROLE_INSPECTOR,
                      .unit_code = "U2"};
    zj_actor sup = {.user_id = 4, .username = "zhao", .role = ZJ_ROLE_UNIT_SUPERVISOR,
                    .unit_code = "U1"};
    /* another unit's inspector may not touch it, nor read it */
    assert_int_equal(act(f->s, &other, ZJ_LEAD_COMMENT, id, &err), ZJ_EPERM);
    assert_non_null(strstr(err.msg, "'li' (inspector): unit 'U1' is outside the scope of unit "
                                    "'U2'"));
    got_status g;
    assert_int_equal(zj_lead_status_get(f->s, &other, id, TODAY, grab, &g, &err), ZJ_EPERM);
    /* the supervisor of U1 may not assign it outside U1 */
    zj_lead_request r = full_request(ZJ_LEAD_ASSIGN, id);
    r.unit_code = "U2";
    r.assignee = "li";
    assert_int_equal(zj_lead_act(f->s, &sup, &r, NULL, &err), ZJ_EPERM);
    assert_non_null(strstr(err.msg, "unit 'U2' is outside"));
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_FORBIDDEN);
    /* an admin assigns it to U2's inspector li: now li may work it */
    assert_int_equal(zj_lead_act(f->s, &admin, &r, NULL, &err), 0);
    /* an inspector who is not the assignee may not start it */
    zj_actor wang = inspector;
    assert_int_equal(act(f->s, &wang, ZJ_LEAD_START, id, &err), ZJ_EPERM);
    assert_non_null(strstr(err.msg, "assigned to 'li'"));
    assert_int_equal(act(f->s, &other, ZJ_LEAD_START, id, &err), 0);
    assert_int_equal(status(f->s, id, TODAY).state, ZJ_LEAD_VERIFYING);
}

static void fields_named(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    int64_t id = make_lead(f->s, "fields", "U1", 1, "lead");
    struct { zj_lead_verb verb; const char *unit, *assignee, *deadline, *reason, *field; } c[] = {
        {ZJ_LEAD_ASSIGN, NULL, "wang", "2026-12-31", NULL, "'unit_code': required"},
        {ZJ_LEAD_ASSIGN, "U1", " ", "2026-12-31", NULL, "'assignee': required"},
        {ZJ_LEAD_ASSIGN, "U1", "wang", NULL, NULL, "'deadline': required"},
        {ZJ_LEAD_ASSIGN, "U1", "wang", "2026-02-30", NULL, "'deadline': '2026-02-30' is not"},
        {ZJ_LEAD_ASSIGN, "U1", "wang", "2026-12-01", NULL, "'deadline': 2026-12-01 is before"},
        {ZJ_LEAD_ASSIGN, "U1", "wang", "2026-12-31", "why", "'reason': not used by 'assign'"},
        {ZJ_LEAD_ASSIGN, "U1", "nobody", "2026-12-31", NULL, "'assignee': no user 'nobody'"},
        {ZJ_LEAD_ASSIGN, "U1", "boss", "2026-12-31", NULL,
         "'assignee': user 'boss' (leader) may not verify leads of unit 'U1'"},
        {ZJ_LEAD_ASSIGN, "U1", "li", "2026-12-31", NULL,
         "'assignee': user 'li' (inspector) may not verify leads of unit 'U1'"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        zj_lead_request r = {.verb = c[i].verb, .lead_id = id, .unit_code = c[i].unit,
                             .assignee = c[i].assignee, .deadline = c[i].deadline,
                             .reason = c[i].reason, .today = TODAY};
        assert_int_equal(zj_lead_act(f->s, &admin, &r, NULL, &err), ZJ_EUSAGE);
        if (!strstr(err.msg, c[i].field))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, c[i].field);
    }
    assert_int_equal(status(f->s, id, TODAY).version, 0);
    /* a dismissal needs a reason; a confirmation does not */
    assert_int_equal(act(f->s, &admin, ZJ_LEAD_ASSIGN, id, &err), 0);
    assert_int_equal(act(f->s, &admin, ZJ_LEAD_START, id, &err), 0);
    zj_lead_request r = {.verb = ZJ_LEAD_DISMISS, .lead_id = id, .today = TODAY};
    assert_int_equal(zj_lead_act(f->s, &admin, &r, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'reason': required"));
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_INVALID);
    assert_string_equal(err.field, "reason");
    r.verb = ZJ_LEAD_CONFIRM;
    assert_int_equal(zj_lead_act(f->s, &admin, &r, NULL, &err), 0);
    /* closing a confirmed lead without rectification needs a reason */
    r.verb = ZJ_LEAD_CLOSE;
    assert_int_equal(zj_lead_act(f->s, &admin, &r, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'reason': required"));
    /* unknown lead */
    r.lead_id = 999999;
    assert_int_equal(zj_lead_act(f->s, &admin, &r, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "no lead 999999"));
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_NOT_FOUND);
}

typedef struct hist {
    int n;
    char line[16][160];
} hist;

static int add_event(const zj_lead_event *e, void *ctx)
{
    hist *h = ctx;
    if (h->n < 16)
        snprintf(h->line[h->n++], sizeof h->line[0], "%lld %s %s>%s %s %s %s", (long long)e->seq,
                 e->action, e->from_state, e->to_state, e->username,
                 e->reason ? e->reason : e->comment ? e->comment : "-",
                 e->audit_id ? "audited" : "unaudited");
    return 0;
}

static void history_and_reruns(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    int64_t id = make_lead(f->s, "hist", "U1", 1, "first text");
    assert_int_equal(act(f->s, &admin, ZJ_LEAD_ASSIGN, id, &err), 0);
    assert_int_equal(act(f->s, &inspector, ZJ_LEAD_START, id, &err), 0);
    assert_int_equal(act(f->s, &inspector, ZJ_LEAD_COMMENT, id, &err), 0);
    zj_lead_request r = {.verb = ZJ_LEAD_DISMISS, .lead_id = id, .reason = "no relation",
                         .today = TODAY};
    assert_int_equal(zj_lead_act(f->s, &inspector, &r, NULL, &err), 0);
    /* the detector runs again and finds it with new content: the verdict stands */
    assert_int_equal(make_lead(f->s, "hist", "U1", 2, "second text"), id);
    got_status g = status(f->s, id, TODAY);
    assert_int_equal(g.state, ZJ_LEAD_DISMISSED);
    assert_string_equal(g.verdict, "dismissed");
    assert_int_equal(g.version, 4);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM lead WHERE status = 'dismissed'"), 1);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM lead WHERE title = 'second text'"), 1);
    /* a form read at an older step does not act */
    zj_lead_request stale = full_request(ZJ_LEAD_COMMENT, id);
    stale.if_version = 3;
    assert_int_equal(zj_lead_act(f->s, &admin, &stale, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "changed since it was read (now step 4, dismissed"));
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_CONFLICT);
    stale.if_version = 4;
    assert_int_equal(zj_lead_act(f->s, &admin, &stale, NULL, &err), 0);
    /* close, reopen: back to the same person with the new deadline, verdict cleared */
    assert_int_equal(act(f->s, &admin, ZJ_LEAD_CLOSE, id, &err), 0);
    assert_int_equal(act(f->s, &admin, ZJ_LEAD_REOPEN, id, &err), 0);
    g = status(f->s, id, TODAY);
    assert_int_equal(g.state, ZJ_LEAD_ASSIGNED);
    assert_string_equal(g.assignee, "wang");
    assert_string_equal(g.verdict, "");
    hist h = {0};
    assert_int_equal(zj_lead_history_each(f->s, &admin, id, add_event, &h, &err), 0);
    assert_int_equal(h.n, 7);
    assert_string_equal(h.line[0], "1 assign new>assigned root - audited");
    assert_string_equal(h.line[1], "2 start assigned>verifying wang - audited");
    assert_string_equal(h.line[2], "3 comment verifying>verifying wang 批注 note audited");
    assert_string_equal(h.line[3], "4 dismiss verifying>dismissed wang no relation audited");
    assert_string_equal(h.line[4], "5 comment dismissed>dismissed root 批注 note audited");
    assert_string_equal(h.line[5], "6 close dismissed>closed root 核查属实 / verified audited");
    assert_string_equal(h.line[6], "7 reopen closed>assigned root new evidence audited");
    /* the audit entries chain: each before-hash is the previous after-hash */
    for (int i = audit_n(f->s) - 6, n = audit_n(f->s); i < n; i++)
        assert_string_equal(audit_at(f->s, i).before, audit_at(f->s, i - 1).after);
}

static void audit_failure_rolls_back(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    int64_t id = make_lead(f->s, "rollback", "U1", 1, "lead");
    int before = audit_n(f->s);
    audit_break(f->s);
    assert_int_equal(act(f->s, &admin, ZJ_LEAD_ASSIGN, id, &err), ZJ_EDATA);
    assert_non_null(strstr(err.msg, "audit_entry"));
    assert_int_equal(status(f->s, id, TODAY).state, ZJ_LEAD_NEW);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM lead_action"), 0);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM lead_workflow"), 0);
    audit_mend(f->s);
    assert_int_equal(audit_n(f->s), before);
    assert_int_equal(act(f->s, &admin, ZJ_LEAD_ASSIGN, id, &err), 0);
    assert_int_equal(audit_n(f->s), before + 1);
    assert_int_equal(status(f->s, id, TODAY).state, ZJ_LEAD_ASSIGNED);
}

typedef struct qseen {
    int n;
    int64_t ids[8];
} qseen;

static int queue_add(const zj_lead_status *st, void *ctx)
{
    qseen *q = ctx;
    if (q->n < 8)
        q->ids[q->n++] = st->lead_id;
    return 0;
}

static void overdue_flags(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    int64_t a = lead_in_state(f->s, ZJ_LEAD_VERIFYING, "od-a");     /* deadline 2026-12-31 */
    int64_t b = lead_in_state(f->s, ZJ_LEAD_RECTIFICATION, "od-b"); /* rectify 2027-01-31 */
    int64_t c = lead_in_state(f->s, ZJ_LEAD_CLOSED, "od-c");
    make_lead(f->s, "od-d", "U1", 1, "untouched");
    got_status g = status(f->s, a, "2026-12-31");
    assert_false(g.overdue_v);
    g = status(f->s, a, "2027-01-01");
    assert_true(g.overdue_v);
    assert_false(status(f->s, b, "2027-01-31").overdue_r);
    assert_true(status(f->s, b, "2027-02-01").overdue_r);
    assert_false(status(f->s, b, "2027-02-01").overdue_v);
    assert_false(status(f->s, c, "2030-01-01").overdue_v);
    assert_false(status(f->s, c, "2030-01-01").overdue_r);
    zj_lead_queue_filter qf = {.state = -1, .overdue_only = true, .today = "2027-01-15"};
    qseen q = {0};
    assert_int_equal(zj_lead_queue_each(f->s, &admin, &qf, queue_add, &q, &err), 0);
    assert_int_equal(q.n, 1);
    assert_int_equal(q.ids[0], a);
    qf.today = "2027-03-01";
    memset(&q, 0, sizeof q);
    assert_int_equal(zj_lead_queue_each(f->s, &admin, &qf, queue_add, &q, &err), 0);
    assert_int_equal(q.n, 2);
    zj_lead_queue_filter all = {.state = ZJ_LEAD_NEW};
    memset(&q, 0, sizeof q);
    assert_int_equal(zj_lead_queue_each(f->s, &admin, &all, queue_add, &q, &err), 0);
    assert_int_equal(q.n, 1);
    zj_lead_queue_filter worked = {.state = -1, .worked_only = true, .assignee = "wang"};
    memset(&q, 0, sizeof q);
    assert_int_equal(zj_lead_queue_each(f->s, &admin, &worked, queue_add, &q, &err), 0);
    assert_int_equal(q.n, 3);
}

static void attachments_by_content(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    int64_t id = make_lead(f->s, "att", "U1", 1, "lead");
    char dir[96], file[96], path[256];
    snprintf(dir, sizeof dir, "%s.files", f->path);
    snprintf(file, sizeof file, "%s.pdf", f->path);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fputs("%PDF-1.4 scanned statement", fp);
    fclose(fp);
    zj_lead_request r = {.verb = ZJ_LEAD_ATTACH, .lead_id = id, .file_path = file,
                         .file_name = "谈话笔录.pdf", .attach_dir = dir, .today = TODAY};
    zj_lead_outcome o1, o2;
    assert_int_equal(zj_lead_act(f->s, &inspector, &r, &o1, &err), 0);
    r.file_name = NULL;
    assert_int_equal(zj_lead_act(f->s, &inspector, &r, &o2, &err), 0);
    assert_string_equal(o1.sha256, o2.sha256);
    char want[65];
    zj_sha256_hex("%PDF-1.4 scanned statement", 26, want);
    assert_string_equal(o1.sha256, want);
    assert_int_equal(zj_attachment_path(dir, o1.sha256, path, sizeof path, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 26);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM lead_attachment"), 2);
    assert_int_equal(store_count(f->s, "SELECT count(DISTINCT sha256) FROM lead_attachment"), 1);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM lead_attachment WHERE name = '谈话笔录.pdf'"),
                     1);
    /* reading it back: for who may unmask, audited; not for a supervisor */
    char back[256], name[64];
    int before = audit_n(f->s);
    assert_int_equal(zj_lead_attachment_get(f->s, &inspector, id, o1.sha256, dir, back,
                                            sizeof back, name, sizeof name, &err), 0);
    assert_string_equal(back, path);
    assert_string_equal(name, "谈话笔录.pdf");
    assert_int_equal(audit_n(f->s), before + 1);
    assert_string_equal(audit_at(f->s, before).action, "lead.attachment_read");
    zj_actor sup = {.user_id = 6, .username = "zhao", .role = ZJ_ROLE_UNIT_SUPERVISOR};
    assert_int_equal(zj_lead_attachment_get(f->s, &sup, id, o1.sha256, dir, back, sizeof back,
                                            NULL, 0, &err), ZJ_EPERM);
    assert_int_equal(zj_lead_attachment_get(f->s, &inspector, id, o2.sha256, dir, back, sizeof back,
                                            NULL, 0, &err), 0);
    char other[65];
    zj_sha256_hex("something else", 14, other);
    assert_int_equal(zj_lead_attachment_get(f->s, &inspector, id, other, dir, back, sizeof back,
                                            NULL, 0, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "has no attachment"));
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_NOT_FOUND);
    assert_int_equal(zj_lead_attachment_get(f->s, &inspector, id, "../../etc/passwd", dir, back,
                                            sizeof back, NULL, 0, &err), ZJ_EUSAGE);
    assert_int_equal(audit_n(f->s), before + 2);
    /* a leader may not attach: nothing is written, not even the file */
    unlink(path);
    zj_actor leader = {.user_id = 5, .username = "boss", .role = ZJ_ROLE_LEADER};
    assert_int_equal(zj_lead_act(f->s, &leader, &r, NULL, &err), ZJ_EPERM);
    assert_int_equal(stat(path, &st), -1);
    /* a missing file is named */
    r.file_path = "/nonexistent/x.pdf";
    assert_int_equal(zj_lead_act(f->s, &inspector, &r, NULL, &err), ZJ_EDATA);
    assert_non_null(strstr(err.msg, "field 'file': cannot open '/nonexistent/x.pdf'"));
    unlink(file);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/%.2s", dir, want);
    rmdir(sub);
    assert_int_equal(rmdir(dir), 0);
}

static void names_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < ZJ_LEAD_STATE_COUNT; i++)
        assert_int_equal(zj_lead_state_parse(zj_lead_state_name((zj_lead_state)i)), i);
    for (int i = 0; i < ZJ_LEAD_VERB_COUNT; i++)
        assert_int_equal(zj_lead_verb_parse(zj_lead_verb_name((zj_lead_verb)i)), i);
    assert_int_equal(zj_lead_state_parse("rectified"), -1);
    assert_null(zj_lead_state_name(ZJ_LEAD_STATE_COUNT));
    assert_int_equal(zj_lead_next_state(ZJ_LEAD_STATE_COUNT, ZJ_LEAD_ASSIGN), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test_setup_teardown(every_transition, setup, store_teardown),
        cmocka_unit_test_setup_teardown(every_role, setup, store_teardown),
        cmocka_unit_test_setup_teardown(scope_and_assignee, setup, store_teardown),
        cmocka_unit_test_setup_teardown(fields_named, setup, store_teardown),
        cmocka_unit_test_setup_teardown(history_and_reruns, setup, store_teardown),
        cmocka_unit_test_setup_teardown(audit_failure_rolls_back, setup, store_teardown),
        cmocka_unit_test_setup_teardown(overdue_flags, setup, store_teardown),
        cmocka_unit_test_setup_teardown(attachments_by_content, setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
