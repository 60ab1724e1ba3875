/* test_work_oom.c - allocation-failure tests for the work layer's writers: a lead action and a
 * filed record, with every allocation the library makes during the call failed in turn (as
 * test_oom.c does for the parsers). Each run must succeed, or fail cleanly with nothing
 * written (the state, the history, the filing and the audit trail as before), and leak
 * nothing. The store and the lead are prepared with allocations let through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/leads.h"
#include "storefix.h"
#include "work/records.h"
#include "work/workflow.h"

static long alloc_count;        /* wrapped allocations so far in this run */
static long fail_at = -1;       /* the one to fail; -1: none */

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);

static int should_fail(void) { return fail_at >= 0 && alloc_count++ == fail_at; }
void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return should_fail() ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }

static const zj_actor admin = {.user_id = 1, .username = "root", .role = ZJ_ROLE_ADMIN};

/* What a failed call must have left as it was. */
static int64_t written(zj_store *s)
{
    return store_count(s, "SELECT (SELECT count(*) FROM lead_action)"
                          " + (SELECT count(*) FROM lead_workflow)"
                          " + (SELECT count(*) FROM record_filing)"
                          " + (SELECT count(*) FROM interference_record)"
                          " + (SELECT count(*) FROM audit_entry)");
}

static int64_t new_lead(zj_store *s)
{
    zj_lead_sink *k;
    zj_error err = {0};
    assert_int_equal(zj_sink_open(s, "TR01", 1, "basis", &k, &err), 0);
    zj_lead l = {0};
    assert_int_equal(zj_lead_key(&l, "k", 1), 0);
    l.subject_table = "officer";
    l.subject_id = 1;
    snprintf(l.unit_code, sizeof l.unit_code, "U1");
    l.severity = 2;
    zj_buf_puts(&l.title, "lead");
    zj_buf_puts(&l.explanation, "text");
    assert_int_equal(zj_sink_emit(k, &l, &err), 0);
    zj_lead_free(&l);
    zj_sink_close(k);
    return store_count(s, "SELECT max(id) FROM lead");
}

/* Run `call` with allocation k failed, for k = 0, 1, ... until a run never reaches k. */
static void torture(int (*call)(zj_store *s, int64_t lead, zj_error *err), const char *name)
{
    for (long k = 0;; k++) {
        void *state = NULL;
        assert_int_equal(store_setup(&state), 0);
        store_fixture *f = state;
        int64_t lead = new_lead(f->s);
        int64_t before = written(f->s);
        zj_error err = {0};
        alloc_count = 0;
        fail_at = k;
        int rc = call(f->s, lead, &err);
        fail_at = -1;
        bool reached = alloc_count > k;
        if (!reached && rc)
            fail_msg("%s: failed without an allocation failure: %s", name, err.msg);
        if (reached && rc == ZJ_OK)
            assert_true(written(f->s) > before);    /* the failure was absorbed: it worked */
        if (rc)
            assert_int_equal(written(f->s), before);
        store_teardown(&state);
        if (!reached) {
            fprintf(stderr, "%s: %ld allocations failed in turn\n", name, k);
            assert_true(k > 10);
            return;
        }
    }
}

static int comment(zj_store *s, int64_t lead, zj_error *err)
{
    zj_lead_request r = {.verb = ZJ_LEAD_COMMENT, .lead_id = lead, .comment = "批注",
                         .today = "2026-12-02"};
    return zj_lead_act(s, &admin, &r, NULL, err);
}

static int file_zero(zj_store *s, int64_t lead, zj_error *err)
{
    (void)lead;
    zj_record_input in = {.kind = ZJ_RECORD_ZERO, .officer_no = "A001", .month = "2026-01"};
    return zj_record_file(s, &admin, &in, NULL, err);
}

static void lead_action_oom(void **state)
{
    (void)state;
    torture(comment, "lead comment");
}

static void filing_oom(void **state)
{
    (void)state;
    torture(file_zero, "zero report");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lead_action_oom),
        cmocka_unit_test(filing_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
