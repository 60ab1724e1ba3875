/* test_records.c - records officers file in zhijian: three-regulations records, zero reports,
 * quarterly reports; who may file; fields named in errors; corrections that never edit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "audit_seen.h"
#include "storefix.h"
#include "work/fields.h"
#include "work/records.h"

static const zj_actor officer_a = {.user_id = 11, .username = "zhang", .role = ZJ_ROLE_OFFICER,
                                   .unit_code = "U1", .officer_no = "A001", .session_id = 7};
static const zj_actor officer_b = {.user_id = 12, .username = "liu", .role = ZJ_ROLE_OFFICER,
                                   .unit_code = "U1", .officer_no = "B002"};
static const zj_actor supervisor = {.user_id = 13, .username = "zhao",
                                    .role = ZJ_ROLE_UNIT_SUPERVISOR, .unit_code = "U1"};
static const zj_actor admin = {.user_id = 1, .username = "root", .role = ZJ_ROLE_ADMIN};

/* This month, last month and next month "YYYY-MM"; the first moment of this month. */
static char this_month[16], last_month[16], next_month[16], month_start[32], quarter[16];

static void months(void)
{
    char now[20];
    zj_clock_local(now);
    unsigned y = (unsigned)atoi(now) % 10000u, m = (unsigned)atoi(now + 5) % 13u;
    snprintf(this_month, sizeof this_month, "%04u-%02u", y, m);
    snprintf(last_month, sizeof last_month, "%04u-%02u", m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
    snprintf(next_month, sizeof next_month, "%04u-%02u", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
    snprintf(month_start, sizeof month_start, "%s-01 00:00", this_month);
    snprintf(quarter, sizeof quarter, "%04u-Q%u", y, (m + 2u) / 3u % 5u);
}

static zj_record_input event(void)
{
    zj_record_input in = {
        .kind = ZJ_RECORD_EVENT,
        .category = "internal_inquiry",
        .actor_name = "王建国",
        .actor_id_no = "11010519491231002X",
        .actor_unit = "某区法院",
        .case_system = "court",
        .case_no = "(2026)陕0113民初100号",
        .occurred_at = month_start,
        .content = "询问案件进展",
    };
    return in;
}

static void text_of(zj_store *s, const char *sql, char *out, size_t cap)
{
    zj_stmt *q;
    zj_error err = {0};
    assert_int_equal(zj_stmt_prepare(s, sql, &q, &err), 0);
    assert_int_equal(zj_stmt_next(q, &err), 1);
    const char *t = zj_stmt_text(q, 0, NULL);
    snprintf(out, cap, "%s", t ? t : "(null)");
    zj_stmt_finalize(q);
}

static void files_own_record(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    zj_record_input in = event();
    zj_filed out;
    int audits = audit_n(f->s);
    assert_int_equal(zj_record_file(f->s, &officer_a, &in, &out, &err), 0);
    assert_string_equal(out.record_no, "ZJ-R-000001");
    assert_int_equal(audit_n(f->s), audits + 1);
    assert_string_equal(audit_at(f->s, audits).action, "record.file");
    assert_string_equal(audit_at(f->s, audits).table, "interference_record");
    assert_string_equal(audit_at(f->s, audits).user, "zhang");
    assert_null(strstr(audit_at(f->s, audits).detail, "王建国"));   /* no personal data */
    char t[256];
    text_of(f->s, "SELECT source_system || '|' || source_key || '|' || officer_no || '|' ||"
            " unit_code || '|' || report_month || '|' || is_zero_report || '|' || actor_id_no"
            " FROM interference_record", t, sizeof t);
    char want[256];
    snprintf(want, sizeof want, "zhijian|ZJ-R-000001|A001|U1|%s|0|11010519491231002X",
             this_month);
    assert_string_equal(t, want);
    text_of(f->s, "SELECT b.file FROM import_batch b JOIN interference_record r"
            " ON r.batch_id = b.id", t, sizeof t);
    assert_string_equal(t, "filed in zhijian by zhang (user 11, session 7)");
    text_of(f->s, "SELECT username || '|' || role || '|' || session_id || '|' || kind"
            " FROM record_filing", t, sizeof t);
    assert_string_equal(t, "zhang|officer|7|record");
    /* another officer's record is not his to file; a supervisor files none */
    in.officer_no = "B002";
    assert_int_equal(zj_record_file(f->s, &officer_a, &in, NULL, &err), ZJ_EPERM);
    assert_non_null(strstr(err.msg, "'zhang' (officer) may not file a record for officer 'B002'"));
    assert_int_equal(zj_record_file(f->s, &supervisor, &in, NULL, &err), ZJ_EPERM);
    /* an administrator may, and the provenance names the administrator */
    assert_int_equal(zj_record_file(f->s, &admin, &in, &out, &err), 0);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM record_filing WHERE username = 'root'"
                     " AND officer_no = 'B002'"), 1);
    assert_int_equal(audit_n(f->s), audits + 2);
}

static void fields_named(void **state)
{
    store_fixture *f = *state;
    char future[32];
    snprintf(future, sizeof future, "%s-01 00:00", next_month);
    struct { const char *field, *value, *msg; } c[] = {
        {"category", "bribe", "field 'category': 'bribe' is not one of"},
        {"occurred_at", future, "field 'occurred_at':"},
        {"occurred_at", "yesterday", "field 'occurred_at': 'yesterday' is not a time"},
        {"month", next_month, "field 'month':"},
        {"month", "2026-13", "field 'month': '2026-13' is not a month"},
        {"actor_id_no", "110105194912310021", "field 'actor_id_no': bad check character"},
        {"case_system", "army", "field 'case_system': 'army' is not one of"},
        {"content", " ", "field 'content': required"},
        {"actor_name", NULL, "field 'actor_name': required"},
        {"quarter", "2026-Q1", "field 'quarter': not used by a record"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        zj_record_input in = event();
        const char **slot = !strcmp(c[i].field, "category") ? &in.category
                          : !strcmp(c[i].field, "occurred_at") ? &in.occurred_at
                          : !strcmp(c[i].field, "month") ? &in.month
                          : !strcmp(c[i].field, "actor_id_no") ? &in.actor_id_no
                          : !strcmp(c[i].field, "case_system") ? &in.case_system
                          : !strcmp(c[i].field, "content") ? &in.content
                          : !strcmp(c[i].field, "actor_name") ? &in.actor_name : &in.quarter;
        *slot = c[i].value;
        zj_error err = {0};
        assert_int_equal(zj_record_file(f->s, &officer_a, &in, NULL, &err), ZJ_EUSAGE);
        if (!strstr(err.msg, c[i].msg))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, c[i].msg);
    }
    zj_record_input in = event();
    in.case_system = NULL;
    zj_error err = {0};
    assert_int_equal(zj_record_file(f->s, &officer_a, &in, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'case_system': required with 'case_no'"));
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_INVALID);
    assert_string_equal(err.field, "case_system");
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM interference_record"), 0);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM import_batch"), 0);
}

static void zero_reports(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    zj_record_input z = {.kind = ZJ_RECORD_ZERO, .month = last_month};
    zj_filed out;
    assert_int_equal(zj_record_file(f->s, &officer_a, &z, &out, &err), 0);
    assert_string_equal(out.record_no, "ZJ-Z-000001");
    assert_int_equal(store_count(f->s, "SELECT is_zero_report FROM interference_record"), 1);
    /* twice for one month: refused, naming the month */
    assert_int_equal(zj_record_file(f->s, &officer_a, &z, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'month': officer A001 already has a zero report"));
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_CONFLICT);
    assert_string_equal(err.field, "month");
    /* a month with a record has something to report */
    zj_record_input in = event();
    assert_int_equal(zj_record_file(f->s, &officer_b, &in, NULL, &err), 0);
    z.month = this_month;
    assert_int_equal(zj_record_file(f->s, &officer_b, &z, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "already has a record"));
    z.month = NULL;
    assert_int_equal(zj_record_file(f->s, &officer_b, &z, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'month': required"));
    z.month = last_month;
    z.category = "internal_inquiry";
    assert_int_equal(zj_record_file(f->s, &officer_b, &z, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'category': not used by a zero"));
}

static void corrections(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    zj_record_input in = event();
    zj_filed first, second;
    assert_int_equal(zj_record_file(f->s, &officer_a, &in, &first, &err), 0);
    /* a correction gives what changes and why; the rest comes from the record it replaces */
    zj_record_input fix = {.kind = ZJ_RECORD_EVENT, .corrects = first.record_no,
                           .case_no = "(2026)陕0113民初101号"};
    assert_int_equal(zj_record_file(f->s, &officer_a, &fix, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'reason': required"));
    fix.reason = "案号填错 / wrong case number";
    int audits = audit_n(f->s);
    assert_int_equal(zj_record_file(f->s, &officer_a, &fix, &second, &err), 0);
    assert_string_equal(second.record_no, "ZJ-R-000002");
    assert_string_equal(audit_at(f->s, audits).action, "record.correct");
    char t[256];
    text_of(f->s, "SELECT case_no || '|' || corrects_record_no || '|' || category || '|' ||"
            " actor_name FROM interference_record WHERE record_no = 'ZJ-R-000002'", t, sizeof t);
    assert_string_equal(t, "(2026)陕0113民初101号|ZJ-R-000001|internal_inquiry|王建国");
    /* the replaced record is untouched */
    text_of(f->s, "SELECT case_no FROM interference_record WHERE record_no = 'ZJ-R-000001'", t,
            sizeof t);
    assert_string_equal(t, "(2026)陕0113民初100号");
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM record_version"), 0);
    /* only the latest version is corrected */
    assert_int_equal(zj_record_file(f->s, &officer_a, &fix, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "ZJ-R-000001 was already corrected by ZJ-R-000002"));
    /* not another officer's, and the officer does not change */
    fix.corrects = second.record_no;
    assert_int_equal(zj_record_file(f->s, &officer_b, &fix, NULL, &err), ZJ_EPERM);
    assert_non_null(strstr(err.msg, "may not correct a record for officer 'A001'"));
    fix.officer_no = "B002";
    assert_int_equal(zj_record_file(f->s, &officer_b, &fix, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'officer_no': a correction keeps 'A001'"));
    /* unknown records, and kinds that do not match */
    fix.officer_no = NULL;
    fix.corrects = "X-1";
    assert_int_equal(zj_record_file(f->s, &officer_a, &fix, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'corrects': no record X-1 was filed in zhijian"));
    zj_record_input z = {.kind = ZJ_RECORD_ZERO, .corrects = second.record_no, .reason = "x"};
    assert_int_equal(zj_record_file(f->s, &officer_a, &z, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "ZJ-R-000002 is a record, not a zero"));
    /* a reason without a correction */
    in.reason = "why";
    assert_int_equal(zj_record_file(f->s, &officer_a, &in, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'reason': only a correction"));
}

typedef struct seen {
    int n;
    char line[8][160];
} seen;

static int add_row(const zj_filed_row *r, void *ctx)
{
    seen *s = ctx;
    if (s->n < 8)
        snprintf(s->line[s->n++], sizeof s->line[0], "%s %s %s %s %s", r->record_no, r->kind,
                 r->officer_no ? r->officer_no : "-",
                 r->actor_name_masked ? r->actor_name_masked : "-",
                 r->corrected_by ? r->corrected_by : "current");
    return 0;
}

static void quarterly_and_lists(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    zj_record_input in = event();
    zj_filed out;
    assert_int_equal(zj_record_file(f->s, &officer_a, &in, &out, &err), 0);
    zj_record_input fix = {.kind = ZJ_RECORD_EVENT, .corrects = out.record_no, .reason = "r",
                           .content = "更正"};
    assert_int_equal(zj_record_file(f->s, &officer_a, &fix, NULL, &err), 0);
    zj_record_input z = {.kind = ZJ_RECORD_ZERO, .month = this_month};
    assert_int_equal(zj_record_file(f->s, &officer_b, &z, NULL, &err), 0);
    /* the quarterly report counts current records only: one record, one zero report */
    zj_record_input q = {.kind = ZJ_RECORD_QUARTERLY, .quarter = quarter,
                         .summary = "本季度记录一件"};
    assert_int_equal(zj_record_file(f->s, &officer_a, &q, NULL, &err), ZJ_EPERM);
    assert_non_null(strstr(err.msg, "may not file a record for unit 'U1'"));
    assert_int_equal(zj_record_file(f->s, &supervisor, &q, &out, &err), 0);
    assert_string_equal(out.record_no, "ZJ-Q-000004");
    assert_int_equal(out.record_count, 1);
    assert_int_equal(out.zero_report_count, 1);
    assert_int_equal(out.officer_count, 2);
    assert_int_equal(zj_record_file(f->s, &supervisor, &q, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'quarter': unit U1 already reported"));
    q.quarter = "2999-Q1";
    assert_int_equal(zj_record_file(f->s, &supervisor, &q, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'quarter': 2999-Q1 has not begun"));
    /* an officer lists his own, masked; a supervisor the unit's */
    seen s = {0};
    assert_int_equal(zj_filed_each(f->s, &officer_a, NULL, add_row, &s, &err), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.line[0], "ZJ-R-000002 record A001 王*国 current");
    assert_string_equal(s.line[1], "ZJ-R-000001 record A001 王*国 ZJ-R-000002");
    memset(&s, 0, sizeof s);
    zj_filed_filter cur = {.kind = -1, .current_only = true};
    assert_int_equal(zj_filed_each(f->s, &supervisor, &cur, add_row, &s, &err), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.line[0], "ZJ-Q-000004 quarterly - - current");
    /* filters: by kind, by officer, by month */
    zj_filed_filter by_kind = {.kind = ZJ_RECORD_ZERO};
    memset(&s, 0, sizeof s);
    assert_int_equal(zj_filed_each(f->s, &supervisor, &by_kind, add_row, &s, &err), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.line[0], "ZJ-Z-000003 zero B002 - current");
    zj_filed_filter by_officer = {.kind = -1, .officer_no = "A001", .month = this_month};
    memset(&s, 0, sizeof s);
    assert_int_equal(zj_filed_each(f->s, &supervisor, &by_officer, add_row, &s, &err), 0);
    assert_int_equal(s.n, 2);
    by_officer.month = last_month;
    memset(&s, 0, sizeof s);
    assert_int_equal(zj_filed_each(f->s, &supervisor, &by_officer, add_row, &s, &err), 0);
    assert_int_equal(s.n, 0);
    zj_actor other = supervisor;
    other.unit_code = "U9";
    memset(&s, 0, sizeof s);
    assert_int_equal(zj_filed_each(f->s, &other, NULL, add_row, &s, &err), 0);
    assert_int_equal(s.n, 0);
}

static void audit_failure_writes_nothing(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    zj_record_input z = {.kind = ZJ_RECORD_ZERO, .month = last_month};
    audit_break(f->s);
    assert_int_equal(zj_record_file(f->s, &officer_a, &z, NULL, &err), ZJ_EDATA);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM interference_record"), 0);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM record_filing"), 0);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM import_batch"), 0);
    audit_mend(f->s);
    assert_int_equal(zj_record_file(f->s, &officer_a, &z, NULL, &err), 0);
    assert_int_equal(audit_n(f->s), 1);
}

int main(void)
{
    months();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(files_own_record, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(fields_named, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(zero_reports, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(corrections, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(quarterly_and_lists, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(audit_failure_writes_nothing, store_setup,
                                        store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
