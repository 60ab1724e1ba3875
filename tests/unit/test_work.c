/* test_work.c - the work layer against a real store: users (Argon2id passwords, lockout,
 * sessions that expire, API keys), the read layer's scope, masking and unmask permission, and
 * the audit entries of unmasked views and filing checks.
 *
 * The entries are read back from the audit trail (work/audit.c) as stored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "storefix.h"
#include "work/audit.h"
#include "work/policy.h"
#include "work/read.h"
#include "work/users.h"

/* ---- the audit trail, as stored ------------------------------------------------------------ */

static zj_store *cur;           /* the test's store, for the helpers below */

static int count_action(const char *action)
{
    zj_stmt *q;
    assert_int_equal(zj_stmt_prepare(cur, "SELECT count(*) FROM audit_entry WHERE action = $1",
                                     &q, NULL), 0);
    zj_stmt_bind_text(q, 1, action, strlen(action));
    assert_int_equal(zj_stmt_next(q, NULL), 1);
    int n = (int)zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    return n;
}

/* The last entry's username, object id and detail. */
typedef struct last_entry { char user[64]; int64_t object_id; char detail[256]; } last_entry;

static last_entry last(void)
{
    last_entry e = {0};
    zj_stmt *q;
    assert_int_equal(zj_stmt_prepare(cur, "SELECT username, object_id, detail FROM audit_entry"
                                     " ORDER BY id DESC LIMIT 1", &q, NULL), 0);
    assert_int_equal(zj_stmt_next(q, NULL), 1);
    const char *u = zj_stmt_text(q, 0, NULL), *d = zj_stmt_text(q, 2, NULL);
    snprintf(e.user, sizeof e.user, "%s", u ? u : "");
    e.object_id = zj_stmt_int(q, 1);
    snprintf(e.detail, sizeof e.detail, "%s", d ? d : "");
    zj_stmt_finalize(q);
    return e;
}

static int entries(void)
{
    zj_stmt *q;
    assert_int_equal(zj_stmt_prepare(cur, "SELECT count(*) FROM audit_entry", &q, NULL), 0);
    assert_int_equal(zj_stmt_next(q, NULL), 1);
    int n = (int)zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    return n;
}

/* ---- a small province ---------------------------------------------------------------------- */

#define PROV "'s', 'k', 0, 0, 1, 0"
static const char seed[] =
    "INSERT INTO unit (source_system, source_key, key_hash, batch_id, src_line, content_hash,"
    " unit_code, name, parent_code) VALUES"
    " (" PROV ", 'P', '省', NULL), (" PROV ", 'A', '甲市', 'P'), (" PROV ", 'A1', '甲县', 'A'),"
    " (" PROV ", 'B', '乙市', 'P');"
    "INSERT INTO officer_relative (id, source_system, source_key, key_hash, batch_id, src_line,"
    " content_hash, officer_no, relation, name, id_no, birth_date) VALUES"
    " (1, " PROV ", '0042', 'spouse', '王丽华', '610102198502031234', '1985-02-03');"
    "INSERT INTO detect_run (id, code, started_at, finished_at) VALUES"
    " (1, 'TV02', '2026-01-01 00:00:00', '2026-01-01 00:00:01'),"
    " (2, 'TV02', '2026-01-02 00:00:00', '2026-01-02 00:00:01');"
    "INSERT INTO lead (id, code, fingerprint, subject_table, subject_id, unit_code, severity,"
    " title, explanation, status, first_seen_at, last_seen_at, last_run) VALUES"
    " (1, 'TV02', 'f1', 'officer_relative', 1, 'A1', 3, 't1', 'e', 'new', 'x', 'x', 2),"
    " (2, 'TV02', 'f2', 'officer_relative', 1, 'B', 3, 't2', 'e', 'new', 'x', 'x', 2),"
    " (3, 'TV02', 'f3', 'officer_relative', 1, 'A', 2, 't3', 'e', 'new', 'x', 'x', 1),"
    " (4, 'TV02', 'f4', 'officer_relative', 1, 'A', 1, 't4', 'e', 'new', 'x', 'x', NULL);"
    "INSERT INTO lead_evidence (lead_id, table_name, record_id, role) VALUES"
    " (1, 'officer_relative', 1, 'spouse');"
    "INSERT INTO case_party (source_system, source_key, key_hash, batch_id, src_line,"
    " content_hash, case_system, case_no, role, party_kind, name, id_no) VALUES"
    " ('c', 'p1', 0, 0, 1, 0, 'court', '(2025)陕0102民初1号', 'plaintiff', 'person', '张三丰',"
    " '610102198502031234'),"
    " ('c', 'p2', 0, 0, 1, 0, 'court', '(2025)陕0103民初9号', 'defendant', 'person', '张三丰',"
    " '610102198502031234');"
    "INSERT INTO import_batch (id, source_system, table_name, file, file_digest, started_at,"
    " status) VALUES (7, 'court_cms', 'case_party', 'p.csv', 'd', 'x', 'committed');"
    "INSERT INTO import_reject (batch_id, line, field, reason, raw) VALUES"
    " (7, 3, 'id_no', 'field ''id_no'': invalid resident ID ''61010219850203123X''',"
    " '3,张三丰,61010219850203123X');";

static int setup(void **state)
{
    if (store_setup(state))
        return -1;
    store_fixture *f = *state;
    zj_error err = {0};
    if (zj_store_exec(f->s, seed, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    cur = f->s;
    zj_users_set_clock(NULL);
    /* source columns the model has no field for (the `extra` JSON); the schema may have the
     * column already */
    zj_store_exec(f->s, "ALTER TABLE officer_relative ADD COLUMN extra TEXT", NULL);
    if (zj_store_exec(f->s, "UPDATE officer_relative SET extra = '{\"手机\":\"13812345678\","
                      "\"证件\":\"610102198502031234\",\"备注\":\"退休\"}'", &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    /* the store reads its tables' columns when it opens */
    zj_store_close(f->s);
    if (zj_store_open(f->path, &f->s, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    cur = f->s;
    return 0;
}

/* The store's files and the audit signing key beside it. */
static int teardown(void **state)
{
    store_fixture *f = *state;
    char key[96];
    snprintf(key, sizeof key, "%s.audit-key", f->path);
    unlink(key);
    return store_teardown(state);
}

/* The store's owner at the command line: admin of the whole province. */
static zj_actor_owned local = {.actor = {.username = "local", .role = ZJ_ROLE_ADMIN}};

static void add_user(zj_store *s, const char *name, zj_role role, const char *unit,
                     const char *pw)
{
    zj_error err = {0};
    zj_user_new u = {.username = name, .role = role, .unit_code = unit, .password = pw};
    if (zj_user_add(s, &local.actor, &u, NULL, &err))
        fail_msg("adding %s: %s", name, err.msg);
}

static void as_user(zj_store *s, const char *name, zj_actor_owned *o)
{
    zj_error err = {0};
    if (zj_actor_of_user(s, name, o, &err))
        fail_msg("acting as %s: %s", name, err.msg);
}

/* ---- leads: scope, current, paging ---------------------------------------------------------- */

typedef struct ids { int64_t id[16]; int n; char last_key[64]; } ids;

static int collect(const zj_lead_view *v, void *ctx)
{
    ids *c = ctx;
    if (c->n < 16)
        c->id[c->n++] = v->id;
    snprintf(c->last_key, sizeof c->last_key, "%s", v->subject_key ? v->subject_key : "");
    return 0;
}

static void test_lead_scope(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    add_user(f->s, "sup_a", ZJ_ROLE_UNIT_SUPERVISOR, "A", "correct horse 1");
    add_user(f->s, "off_a1", ZJ_ROLE_OFFICER, "A1", "correct horse 2");
    zj_actor_owned sup, off;
    as_user(f->s, "sup_a", &sup);
    as_user(f->s, "off_a1", &off);

    ids all = {0}, mine = {0}, cur = {0}, page = {0};
    int64_t total;
    assert_int_equal(zj_read_leads(f->s, &local.actor, NULL, collect, &all, &total, &err), 0);
    assert_int_equal(all.n, 4);
    assert_int_equal(total, 4);
    /* the supervisor of A sees A and A1, not B */
    assert_int_equal(zj_read_leads(f->s, &sup.actor, NULL, collect, &mine, &total, &err), 0);
    assert_int_equal(mine.n, 3);
    for (int i = 0; i < mine.n; i++)
        assert_int_not_equal(mine.id[i], 2);
    /* current: lead 3 is from an older run, lead 4 from none */
    zj_lead_query q = {.current_only = true};
    assert_int_equal(zj_read_leads(f->s, &sup.actor, &q, collect, &cur, &total, &err), 0);
    assert_int_equal(cur.n, 1);
    assert_int_equal(cur.id[0], 1);
    /* paging counts visible leads only; total is all pages */
    zj_lead_query pq = {.offset = 1, .limit = 1};
    assert_int_equal(zj_read_leads(f->s, &sup.actor, &pq, collect, &page, &total, &err), 0);
    assert_int_equal(page.n, 1);
    assert_int_equal(page.id[0], mine.id[1]);
    assert_int_equal(total, 3);
    /* a unit filter below the scope narrows it; one outside gives nothing */
    ids sub = {0}, out = {0};
    zj_lead_query uq = {.unit = "A1"};
    assert_int_equal(zj_read_leads(f->s, &sup.actor, &uq, collect, &sub, NULL, &err), 0);
    assert_int_equal(sub.n, 1);
    zj_lead_query bq = {.unit = "B"};
    assert_int_equal(zj_read_leads(f->s, &sup.actor, &bq, collect, &out, NULL, &err), 0);
    assert_int_equal(out.n, 0);
    /* one lead outside the scope: refused, not hidden */
    assert_int_equal(zj_read_lead(f->s, &sup.actor, 2, 0, collect, NULL, &out, &err), ZJ_EPERM);
    assert_non_null(strstr(err.msg, "outside the scope"));
    /* an officer reads no leads at all */
    assert_int_equal(zj_read_leads(f->s, &off.actor, NULL, collect, &out, NULL, &err), ZJ_EPERM);
    assert_int_equal(zj_read_lead(f->s, &off.actor, 1, 0, collect, NULL, &out, &err), ZJ_EPERM);
    assert_int_equal(zj_read_lead(f->s, &local.actor, 99, 0, collect, NULL, &out, &err),
                     ZJ_EUSAGE);
    zj_actor_owned_free(&sup);
    zj_actor_owned_free(&off);
}

/* ---- evidence masking and unmasking ------------------------------------------------------- */

typedef struct ev { char fields[1024]; int n; bool has_key; } ev;

static int ev_fn(const zj_evidence_view *e, void *ctx)
{
    ev *c = ctx;
    c->n++;
    c->has_key = e->source_key != NULL;
    for (size_t i = 0; i < e->nfields; i++) {
        size_t l = strlen(c->fields);
        snprintf(c->fields + l, sizeof c->fields - l, "%s=%s%s;", e->fields[i].column,
                 e->fields[i].value, e->fields[i].masked ? "*" : "");
    }
    return 0;
}

static int lead_nop(const zj_lead_view *v, void *ctx)
{
    (void)v;
    (void)ctx;
    return 0;
}

static void test_evidence_masking(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    add_user(f->s, "lead_a", ZJ_ROLE_LEADER, "A", "correct horse 3");
    add_user(f->s, "insp_a", ZJ_ROLE_INSPECTOR, "A", "correct horse 4");
    zj_actor_owned leader, insp;
    as_user(f->s, "lead_a", &leader);
    as_user(f->s, "insp_a", &insp);
    int before = entries();

    ev m = {0};
    assert_int_equal(zj_read_lead(f->s, &leader.actor, 1, 0, lead_nop, ev_fn, &m, &err), 0);
    assert_int_equal(m.n, 1);
    /* the spouse's birth date is masked beside her masked ID (and her name) */
    assert_non_null(strstr(m.fields, "birth_date=1985-**-***;"));
    assert_non_null(strstr(m.fields, "id_no=610102********1234*;"));
    assert_non_null(strstr(m.fields, "name=王*华*;"));
    assert_null(strstr(m.fields, "1985-02-03"));
    /* ... and so are the IDs and phones among the source's extra columns */
    assert_non_null(strstr(m.fields, "\"手机\":\"138****5678\""));
    assert_non_null(strstr(m.fields, "\"证件\":\"610102********1234\""));
    assert_non_null(strstr(m.fields, "\"备注\":\"退休\""));
    assert_false(m.has_key);
    assert_int_equal(entries(), before);              /* a masked view is not audited */

    /* a leader may not unmask */
    assert_int_equal(zj_read_lead(f->s, &leader.actor, 1, ZJ_READ_UNMASK, lead_nop, ev_fn, &m,
                                  &err), ZJ_EPERM);
    assert_string_equal(err.msg, "user 'lead_a' (leader) may not 'unmask'");
    /* an inspector may, and it is audited */
    ev u = {0};
    ids key = {0};
    assert_int_equal(zj_read_lead(f->s, &insp.actor, 1, ZJ_READ_UNMASK, collect, ev_fn, &u,
                                  &err), 0);
    (void)key;
    assert_non_null(strstr(u.fields, "birth_date=1985-02-03;"));
    assert_non_null(strstr(u.fields, "id_no=610102198502031234;"));
    assert_non_null(strstr(u.fields, "\"手机\":\"13812345678\""));
    assert_true(u.has_key);
    assert_int_equal(count_action("lead.unmask"), 1);
    assert_string_equal(last().user, "insp_a");
    assert_int_equal(last().object_id, 1);
    /* ... but not outside the scope */
    assert_int_equal(zj_read_lead(f->s, &insp.actor, 2, ZJ_READ_UNMASK, lead_nop, ev_fn, &u,
                                  &err), ZJ_EPERM);
    assert_int_equal(count_action("lead.unmask"), 1);
    /* if the audit entry cannot be written, nothing unmasked is shown */
    assert_int_equal(zj_store_exec(f->s, "DROP TABLE audit_entry", &err), 0);
    ev none = {0};
    assert_int_not_equal(zj_read_lead(f->s, &insp.actor, 1, ZJ_READ_UNMASK, lead_nop, ev_fn,
                                      &none, &err), 0);
    assert_int_equal(none.n, 0);
    zj_actor_owned_free(&leader);
    zj_actor_owned_free(&insp);
}

/* ---- filing check ------------------------------------------------------------------------- */

typedef struct cases { int n; char names[256]; } cases;

static int case_fn(const zj_party_case_view *c, void *ctx)
{
    cases *k = ctx;
    k->n++;
    size_t l = strlen(k->names);
    snprintf(k->names + l, sizeof k->names - l, "%s;", c->name);
    return 0;
}

static void test_filing_check(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    add_user(f->s, "judge_b", ZJ_ROLE_FILING_JUDGE, "B", "correct horse 5");
    add_user(f->s, "lead_b", ZJ_ROLE_LEADER, "B", "correct horse 6");
    zj_actor_owned j, l;
    as_user(f->s, "judge_b", &j);
    as_user(f->s, "lead_b", &l);
    cases k = {0};
    /* a judge of B reads a party's history across all courts, masked, audited */
    assert_int_equal(zj_read_party_history(f->s, &j.actor, "610102198502031234", case_fn, &k,
                                           &err), 0);
    assert_int_equal(k.n, 2);
    assert_string_equal(k.names, "张*丰;张*丰;");
    assert_int_equal(count_action("filing.check"), 1);
    assert_null(strstr(last().detail, "610102198502031234"));
    assert_non_null(strstr(last().detail, "id_hash"));
    assert_int_equal(zj_read_party_history(f->s, &l.actor, "610102198502031234", case_fn, &k,
                                           &err), ZJ_EPERM);
    assert_int_equal(zj_read_party_history(f->s, &j.actor, "12345", case_fn, &k, &err),
                     ZJ_EUSAGE);
    assert_int_equal(count_action("filing.check"), 1);
    zj_actor_owned_free(&j);
    zj_actor_owned_free(&l);
}

/* ---- rejected rows and the store file -------------------------------------------------- */

typedef struct rej { int n; char raw[128]; bool any_raw; } rej;

static int rej_fn(const zj_reject_view *r, void *ctx)
{
    rej *c = ctx;
    c->n++;
    c->any_raw |= r->raw != NULL;
    snprintf(c->raw, sizeof c->raw, "%s", r->raw ? r->raw : "");
    /* masked, the quoted value goes and the field's name stays */
    assert_string_equal(r->reason, r->raw ? "field 'id_no': invalid resident ID '61010219850203123X'"
                                          : "field 'id_no': invalid resident ID '***'");
    return 0;
}

static void test_rejects_and_file_mode(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    add_user(f->s, "steward", ZJ_ROLE_DATA_STEWARD, NULL, "correct horse 10");
    add_user(f->s, "steward_a", ZJ_ROLE_DATA_STEWARD, "A", "correct horse 11");
    zj_actor_owned st, sta;
    as_user(f->s, "steward", &st);
    as_user(f->s, "steward_a", &sta);
    rej r = {0};
    assert_int_equal(zj_read_rejects(f->s, &st.actor, 7, 0, rej_fn, &r, &err), 0);
    assert_int_equal(r.n, 1);
    assert_false(r.any_raw);                          /* reasons yes, raw rows no */
    rej su = {0};
    assert_int_equal(zj_read_rejects(f->s, &st.actor, 7, ZJ_READ_UNMASK, rej_fn, &su, &err), 0);
    assert_true(su.any_raw);                          /* a steward may, audited */
    assert_int_equal(count_action("import.reject_unmask"), 1);
    add_user(f->s, "leader", ZJ_ROLE_LEADER, NULL, "correct horse 12");
    zj_actor_owned ld;
    as_user(f->s, "leader", &ld);
    assert_int_equal(zj_read_rejects(f->s, &ld.actor, 7, 0, rej_fn, &r, &err), ZJ_EPERM);
    zj_actor_owned_free(&ld);
    assert_int_equal(zj_read_rejects(f->s, &sta.actor, 7, 0, rej_fn, &r, &err), ZJ_EPERM);
    rej u = {0};
    assert_int_equal(zj_read_rejects(f->s, &local.actor, 7, ZJ_READ_UNMASK, rej_fn, &u, &err), 0);
    assert_string_equal(u.raw, "3,张三丰,61010219850203123X");
    assert_int_equal(count_action("import.reject_unmask"), 2);
    /* the store file (whole unmasked rows) is its owner's only */
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    zj_actor_owned_free(&st);
    zj_actor_owned_free(&sta);
}

/* ---- region boundaries ------------------------------------------------------------------- */

static int region_fn(const zj_region_view *r, void *ctx)
{
    snprintf(ctx, 256, "%s %s %s", r->region_code, r->name, r->geojson ? r->geojson : "-");
    return 0;
}

static void test_region_geojson(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    assert_int_equal(zj_store_exec(f->s, "INSERT INTO region (source_system, source_key, "
        "key_hash, batch_id, src_line, content_hash, region_code, name, level, boundary) VALUES "
        "('mnr', '610113', 1, 1, 1, 1, '610113', '雁塔区', 'county', "
        "'POLYGON ((108.9 34.2, 109 34.2, 109 34.25, 108.9 34.2))')", &err), 0);
    add_user(f->s, "leader2", ZJ_ROLE_LEADER, NULL, "correct horse 13");
    zj_actor_owned ld;
    as_user(f->s, "leader2", &ld);
    char out[256] = "";
    assert_int_equal(zj_read_region(f->s, &ld.actor, "610113", region_fn, out, &err), 0);
    assert_non_null(strstr(out, "610113 雁塔区 {\"type\":\"Polygon\",\"coordinates\":[[[108.9,34.2]"));
    assert_int_equal(zj_read_region(f->s, &ld.actor, "610199", region_fn, out, &err), ZJ_EUSAGE);
    zj_actor_owned_free(&ld);
}

/* ---- users -------------------------------------------------------------------------------- */

static time_t fake_now;
static time_t fake_clock(void)
{
    return fake_now;
}

static void test_login_lockout_sessions(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    fake_now = 1800000000;
    zj_users_set_clock(fake_clock);
    add_user(f->s, "li", ZJ_ROLE_INSPECTOR, "A", "a long passphrase");
    char tok[ZJ_TOKEN_HEX + 1];
    zj_actor_owned o;
    assert_int_equal(zj_login(f->s, "li", "a long passphrase", "127.0.0.1", tok, &o, &err), 0);
    assert_int_equal(strlen(tok), ZJ_TOKEN_HEX);
    assert_string_equal(o.actor.unit_code, "A");
    assert_true(zj_actor_sees(&o.actor, "A1"));
    assert_false(zj_actor_sees(&o.actor, "B"));
    zj_actor_owned_free(&o);
    /* the token works, and only its hash is stored */
    assert_int_equal(zj_session_actor(f->s, tok, &o, &err), 0);
    assert_int_not_equal(o.actor.session_id, 0);
    zj_actor_owned_free(&o);
    /* idle too long: ended */
    fake_now += ZJ_SESSION_IDLE_MINUTES * 60 + 1;
    assert_int_equal(zj_session_actor(f->s, tok, &o, &err), ZJ_EPERM);
    /* kept in use, it still ends after ZJ_SESSION_HOURS */
    assert_int_equal(zj_login(f->s, "li", "a long passphrase", NULL, tok, NULL, &err), 0);
    for (int i = 0; i < ZJ_SESSION_HOURS * 3; i++) {
        fake_now += 20 * 60;
        int rc = zj_session_actor(f->s, tok, &o, &err);
        zj_actor_owned_free(&o);
        if (i < ZJ_SESSION_HOURS * 3 - 1)
            assert_int_equal(rc, 0);
        else
            assert_int_equal(rc, ZJ_EPERM);
    }
    /* logout ends a session */
    assert_int_equal(zj_login(f->s, "li", "a long passphrase", NULL, tok, NULL, &err), 0);
    assert_int_equal(zj_logout(f->s, tok, &err), 0);
    assert_int_equal(zj_session_actor(f->s, tok, &o, &err), ZJ_EPERM);

    /* five failures lock the user, even against the right password, for 15 minutes */
    for (int i = 0; i < ZJ_LOCKOUT_FAILURES; i++)
        assert_int_equal(zj_login(f->s, "li", "wrong guess!", NULL, tok, NULL, &err), ZJ_EPERM);
    assert_int_equal(count_action("user.locked"), 1);
    assert_int_equal(zj_login(f->s, "li", "a long passphrase", NULL, tok, NULL, &err), ZJ_EPERM);
    assert_string_equal(err.msg, "login refused: wrong user name or password, or the user is "
                                 "locked or disabled");
    fake_now += ZJ_LOCKOUT_MINUTES * 60 + 1;
    assert_int_equal(zj_login(f->s, "li", "a long passphrase", NULL, tok, NULL, &err), 0);
    /* an unknown user gets the same answer as a wrong password */
    assert_int_equal(zj_login(f->s, "nobody", "a long passphrase", NULL, tok, NULL, &err),
                     ZJ_EPERM);
    assert_string_equal(err.msg, "login refused: wrong user name or password, or the user is "
                                 "locked or disabled");

    /* a password change ends sessions; disabling refuses logins */
    assert_int_equal(zj_user_passwd(f->s, &local.actor, "li", "another passphrase", &err), 0);
    assert_int_equal(zj_session_actor(f->s, tok, &o, &err), ZJ_EPERM);
    assert_int_equal(zj_user_passwd(f->s, &local.actor, "li", "short", &err), ZJ_EUSAGE);
    assert_int_equal(zj_user_disable(f->s, &local.actor, "li", &err), 0);
    assert_int_equal(zj_login(f->s, "li", "another passphrase", NULL, tok, NULL, &err), ZJ_EPERM);
    assert_int_equal(zj_actor_of_user(f->s, "li", &o, &err), ZJ_EPERM);
}

static void test_admin_scope_and_keys(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    add_user(f->s, "adm_a", ZJ_ROLE_ADMIN, "A", "admin passphrase");
    add_user(f->s, "svc", ZJ_ROLE_SERVICE, "A1", NULL);
    add_user(f->s, "sup_b", ZJ_ROLE_UNIT_SUPERVISOR, "B", "correct horse 7");
    zj_actor_owned adm, sup;
    as_user(f->s, "adm_a", &adm);
    as_user(f->s, "sup_b", &sup);
    /* an admin of A adds users in A's subtree only */
    zj_user_new in = {.username = "x1", .role = ZJ_ROLE_OFFICER, .unit_code = "A1",
                      .password = "correct horse 8"};
    zj_user_new out = {.username = "x2", .role = ZJ_ROLE_OFFICER, .unit_code = "B",
                       .password = "correct horse 9"};
    assert_int_equal(zj_user_add(f->s, &adm.actor, &in, NULL, &err), 0);
    assert_int_equal(zj_user_add(f->s, &adm.actor, &out, NULL, &err), ZJ_EPERM);
    assert_int_equal(zj_user_add(f->s, &adm.actor, &in, NULL, &err), ZJ_EUSAGE);   /* exists */
    zj_user_new bad = {.username = "a b", .role = ZJ_ROLE_OFFICER, .unit_code = "A"};
    assert_int_equal(zj_user_add(f->s, &adm.actor, &bad, NULL, &err), ZJ_EUSAGE);
    /* a supervisor administers nobody */
    assert_int_equal(zj_user_disable(f->s, &sup.actor, "x1", &err), ZJ_EPERM);
    assert_int_equal(zj_user_disable(f->s, &adm.actor, "sup_b", &err), ZJ_EPERM);
    /* but changes his own password */
    assert_int_equal(zj_user_passwd(f->s, &sup.actor, "sup_b", "my new passphrase", &err), 0);
    assert_int_equal(zj_user_passwd(f->s, &sup.actor, "x1", "my new passphrase", &err), ZJ_EPERM);
    /* API keys: handed out once, work until revoked by disabling */
    char key[ZJ_API_KEY_LEN + 1];
    assert_int_equal(zj_api_key_issue(f->s, &adm.actor, "svc", "court push", key, NULL, &err), 0);
    assert_int_equal(strlen(key), ZJ_API_KEY_LEN);
    zj_actor_owned o;
    assert_int_equal(zj_api_key_actor(f->s, key, &o, &err), 0);
    assert_int_equal(o.actor.role, ZJ_ROLE_SERVICE);
    assert_true(zj_actor_may(&o.actor, ZJ_PERM_IMPORT, "A1"));
    assert_false(zj_actor_may(&o.actor, ZJ_PERM_LEAD_READ, "A1"));
    zj_actor_owned_free(&o);
    key[10] ^= 1;
    assert_int_equal(zj_api_key_actor(f->s, key, &o, &err), ZJ_EPERM);
    key[10] ^= 1;
    assert_int_equal(zj_user_disable(f->s, &adm.actor, "svc", &err), 0);
    assert_int_equal(zj_api_key_actor(f->s, key, &o, &err), ZJ_EPERM);
    assert_true(count_action("user.add") >= 4);
    assert_int_equal(count_action("user.disable"), 1);
    assert_int_equal(count_action("user.api_key"), 1);
    zj_actor_owned_free(&adm);
    zj_actor_owned_free(&sup);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lead_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evidence_masking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filing_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects_and_file_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_region_geojson, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_lockout_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_scope_and_keys, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
