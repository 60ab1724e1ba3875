/* test_gen_layout.c - the generator's foreign layouts: numbers as people write them, the
 * procuratorate number with its unit inside, the per-system choice of `mixed`, and files that
 * say the facts the way the layout promises (court only in the case number, one status time,
 * extensions as columns). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gen/anomalies.h"
#include "gen/internal.h"
#include "gen/layout.h"
#include "gen/layout_exports.h"
#include "text/case_no.h"

static void amounts_and_shares_as_written(void **state)
{
    (void)state;
    char b[64];
    zg_fmt_yuan(b, 1234.56);
    assert_string_equal(b, "1,234.56元");
    zg_fmt_yuan(b, 7100);
    assert_string_equal(b, "7,100.00元");
    zg_fmt_yuan(b, 17400);             /* whole hundreds from 10k: 万元 */
    assert_string_equal(b, "1.74万元");
    zg_fmt_yuan(b, 5000000);
    assert_string_equal(b, "500万元");
    zg_fmt_yuan(b, 10050.5);
    assert_string_equal(b, "10,050.50元");
    zg_fmt_yuan(b, 0.5);
    assert_string_equal(b, "0.50元");
    zg_fmt_wan(b, 500);
    assert_string_equal(b, "500万元");
    zg_fmt_wan(b, 6.3);
    assert_string_equal(b, "6.3万元");
    zg_fmt_wan(b, 2040);
    assert_string_equal(b, "2,040万元");
    zg_fmt_percent(b, 60);
    assert_string_equal(b, "60%");
    zg_fmt_percent(b, 35.5);
    assert_string_equal(b, "35.5%");
    zg_fmt_percent(b, 33.33);
    assert_string_equal(b, "33.33%");
}

static void mixed_is_per_system_and_deterministic(void **state)
{
    (void)state;
    static const char *const systems[] = {
        "zfw_org", "court_hr", "procu_hr", "police_hr", "justice_hr", "cadre_report", "hukou",
        "samr", "tax_ctais", "police_110", "police_case", "procu_tyyw", "court_cms",
        "court_sgd", "procu_zdsx", "procu_12309", "court_12368", "justice_jxjs",
        "justice_sqjz", "justice_gps"};
    for (uint64_t seed = 1; seed <= 5; seed++) {
        zj_gen_options mixed = {.seed = seed, .layouts = ZJ_GEN_LAYOUT_MIXED};
        zj_gen_options all = {.seed = seed, .layouts = ZJ_GEN_LAYOUT_FOREIGN};
        zj_gen_options none = {.seed = seed};
        zg *g = zg_new(seed, ZJ_GEN_TINY);
        assert_non_null(g);
        int foreign = 0;
        for (size_t i = 0; i < sizeof systems / sizeof systems[0]; i++) {
            g->opt = &mixed;
            bool f = zg_system_foreign(g, systems[i]);
            assert_int_equal(f, zg_system_foreign(g, systems[i]));
            foreign += f;
            g->opt = &all;
            assert_true(zg_system_foreign(g, systems[i]));
            g->opt = &none;
            assert_false(zg_system_foreign(g, systems[i]));
        }
        /* both layouts occur among the 20 systems (else mixed would test nothing) */
        assert_true(foreign > 0 && foreign < 20);
        g->opt = NULL;
        zg_free(g);
    }
}

static void procuratorate_number_carries_the_unit(void **state)
{
    (void)state;
    zg *g = zg_new(3, ZJ_GEN_TINY);
    g->truth = fopen("/dev/null", "w");
    zj_error err = {0};
    assert_int_equal(zg_layout(g, &err), ZJ_OK);
    fclose(g->truth);
    g->truth = NULL;
    zg_chain *ch = malloc(sizeof *ch);
    int seen = 0;
    for (int64_t i = 0; i < zg_chain_total(g) && seen < 20; i++) {
        zg_mk_chain(g, i, ch);
        if (!ch->has_procu)
            continue;
        char before[64], region[8];
        snprintf(before, sizeof before, "%s", ch->procu_no);
        zg_foreign_procu_no(g, ch);
        zg_fmt_int(region, g->units[ch->procu_unit].region, 6);
        /* 阎检刑诉受〔2021〕000007号 -> 阎检刑诉受〔2021〕610114000007号 */
        const char *close = strstr(ch->procu_no, "〕");
        assert_non_null(close);
        assert_memory_equal(close + strlen("〕"), region, 6);
        assert_int_equal(strlen(ch->procu_no), strlen(before) + 6);
        assert_string_equal(close + strlen("〕") + 6, strstr(before, "〕") + strlen("〕"));
        seen++;
    }
    assert_int_equal(seen, 20);
    free(ch);
    zg_free(g);
}

/* ---- a generated province in the foreign layouts ----------------------------------------- */

static char dir[64];

static int gen_foreign(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/zj-test-layout-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    zj_gen_options opt = {.seed = 5, .scale = ZJ_GEN_TINY, .out_dir = dir,
                          .layouts = ZJ_GEN_LAYOUT_FOREIGN};
    zj_gen_summary sum;
    zj_error err = {0};
    return zj_gen_run(&opt, &sum, &err) ? -1 : 0;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) ? -1 : 0;
}

/* Split a UTF-8 CSV line (converted from GB18030 by iconv) into at most 32 fields. */
static int split(char *line, char **f)
{
    int n = 0;
    char *p = line;
    while (n < 32) {
        f[n++] = p;
        if (*p == '"') {           /* quoted: find the closing quote, drop the quotes */
            char *q = strchr(p + 1, '"');
            if (!q)
                return n;
            f[n - 1] = p + 1;
            *q = '\0';
            p = q + 1;
        }
        char *c = strchr(p, ',');
        char *e = strchr(p, '\n');
        if (e && (!c || e < c)) {
            *e = '\0';
            return n;
        }
        if (!c)
            return n;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static FILE *open_gb(const char *name)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "iconv -c -f GB18030 -t UTF-8 '%s/%s'", dir, name);
    return popen(cmd, "r");
}

static void court_only_in_the_case_number(void **state)
{
    (void)state;
    FILE *f = open_gb("案件信息表.csv");
    assert_non_null(f);
    char line[4096], *c[32];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = split(line, c);
    int kind = -1, days = -1, approval = -1;
    for (int i = 0; i < nh; i++) {
        assert_null(strstr(c[i], "法院"));           /* no court column */
        if (strcmp(c[i], "案件类别") == 0)
            kind = i;
        if (strcmp(c[i], "审限延长天数") == 0)
            days = i;
        if (strcmp(c[i], "延长审限审批单号") == 0)
            approval = i;
    }
    assert_true(kind > 0 && days > 0 && approval > 0);
    int rows = 0, extended = 0, totals = 0;
    while (fgets(line, sizeof line, f)) {
        if (split(line, c) != nh)
            continue;                                  /* the planted malformed rows */
        if (strcmp(c[0], "合计") == 0) {              /* the ledger's total line */
            totals++;
            assert_int_equal(strncmp(c[1], "共", 3), 0);
            continue;
        }
        zj_case_no cn;
        const char *why;
        if (zj_case_no_parse(c[0], strlen(c[0]), &cn, &why))
            continue;                                  /* an invalid byte planted in it */
        rows++;
        /* the type column is the category; the type code is in the number */
        const char *cat = cn.type->category;
        const char *want = strcmp(cat, "civil") == 0 ? "民事" : strcmp(cat, "criminal") == 0
                               ? "刑事" : strcmp(cat, "enforcement") == 0 ? "执行" : "行政";
        assert_string_equal(c[kind], want);
        if (atoi(c[days]) > 0) {
            extended++;
            assert_true(c[approval][0] != '\0');
        } else
            assert_string_equal(c[approval], "");
    }
    pclose(f);
    assert_int_equal(totals, 1);
    assert_true(rows > 300);
    assert_true(extended > 0);
}

static void police_status_time(void **state)
{
    (void)state;
    FILE *f = open_gb("刑事行政案件信息.csv");
    assert_non_null(f);
    char line[4096], *c[32];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = split(line, c), st = -1, at = -1, pno = -1;
    for (int i = 0; i < nh; i++) {
        st = strcmp(c[i], "案件状态") == 0 ? i : st;
        at = strcmp(c[i], "状态时间") == 0 ? i : at;
        pno = strcmp(c[i], "移送检察院受案号") == 0 ? i : pno;
    }
    assert_true(st > 0 && at > 0 && pno > 0);
    int transferred = 0, revoked = 0;
    while (fgets(line, sizeof line, f)) {
        if (split(line, c) != nh)
            continue;
        bool open = strcmp(c[st], "受案审查") == 0 || strcmp(c[st], "立案侦查") == 0;
        assert_int_equal(open, c[at][0] == '\0');      /* a time exactly when it has left */
        transferred += strcmp(c[st], "移送起诉") == 0;
        revoked += strcmp(c[st], "撤案") == 0;
        if (c[pno][0])                                 /* the unit's region inside the number */
            assert_non_null(strstr(c[pno], "〕61"));
    }
    pclose(f);
    assert_true(transferred > 0);
    assert_true(revoked > 0);
}

static void shares_and_units_by_name(void **state)
{
    (void)state;
    FILE *f = open_gb("市场主体人员及出资.csv");
    assert_non_null(f);
    char line[4096], *c[32];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = split(line, c), percent = 0, fraction = 0;
    while (fgets(line, sizeof line, f)) {
        if (split(line, c) != nh || !c[5][0])
            continue;
        size_t n = strlen(c[5]);
        char *end;
        double v = strtod(c[5], &end);
        if (c[5][n - 1] == '%') {              /* 60% */
            assert_true(end == c[5] + n - 1 && v > 0 && v <= 100);
            percent++;
        } else {                               /* 0.6: typed by another hand */
            assert_true(*end == '\0' && v > 0 && v <= 1);
            fraction++;
        }
        assert_non_null(strstr(c[6], "万元"));
    }
    pclose(f);
    assert_true(percent > 5 && fraction > 5);
    f = open_gb("减刑假释案件信息.csv");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    nh = split(line, c);
    assert_string_equal(c[1], "执行机关");
    int prisons = 0;
    while (fgets(line, sizeof line, f))
        if (split(line, c) == nh && strstr(c[1], "监狱"))
            prisons++;
    pclose(f);
    assert_true(prisons > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(amounts_and_shares_as_written),
        cmocka_unit_test(mixed_is_per_system_and_deterministic),
        cmocka_unit_test(procuratorate_number_carries_the_unit),
    };
    const struct CMUnitTest files[] = {
        cmocka_unit_test(court_only_in_the_case_number),
        cmocka_unit_test(police_status_time),
        cmocka_unit_test(shares_and_units_by_name),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    return rc | cmocka_run_group_tests(files, gen_foreign, remove_dir);
}
