/* bench_text.c - throughput of the identifier and name library (src/text/), each operation
 * timed against the same operation done naively, in one run, on generated inputs.
 *
 *   build-rel/bench/bench_text [N]        N items per operation (default 1000000)
 *
 * Rows:
 *   resident ID   zj_resident_id_parse     vs POSIX regex + strtol/mktime date check
 *   credit code   zj_uscc_parse            vs POSIX regex + strchr per character
 *   case number   zj_case_no_parse         vs POSIX regex (UTF-8 alternations) + linear table scan
 *   name -> key   zj_name_analyze (cached) vs NFKC + OpenCC t2s + ICU Han-Latin per name, no cache
 * Inputs are generated from a fixed seed (about 10% invalid IDs and codes), so runs compare.
 * The naive name path is ~100x slower, so it runs on N/50 names (and the naive case-number
 * regex on N/10); rates are per second of CPU time (clock_gettime, CLOCK_PROCESS_CPUTIME_ID).
 */
#include <opencc/opencc.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <utf8proc.h>

#include "text/case_no.h"
#include "text/name.h"
#include "text/resident_id.h"
#include "text/uscc.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* CPU time of this process, not wall time: the benchmark machine is shared, and time spent
 * descheduled while other work runs is not the library's. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void row(const char *what, size_t n, double secs, size_t naive_n, double naive_secs,
                long ok)
{
    double rate = (double)n / secs, nrate = (double)naive_n / naive_secs;
    printf("| %-28s | %9zu | %7.3f | %12.0f | %12.0f | %7.1fx | %8ld |\n", what, n, secs, rate,
           nrate, rate / nrate, ok);
}

/* ---- inputs ----------------------------------------------------------------------------- */

static const char *const counties[] = {"110105", "110108", "310104", "440305", "610102",
                                       "610113", "610112", "500101", "330106", "420111",
                                       "510107", "650102", "370202", "320106", "230103"};

static char *gen_ids(size_t n)
{
    char *ids = malloc(n * 19);
    for (size_t i = 0; i < n; i++) {
        char *p = ids + i * 19, tmp[64];
        unsigned y = 1950 + rnd(55), m = 1 + rnd(12), d = 1 + rnd(28);
        snprintf(tmp, sizeof tmp, "%s%04u%02u%02u%03u", counties[rnd(15)], y, m, d, rnd(1000));
        memcpy(p, tmp, 17);
        p[17] = zj_resident_id_check_char(p);
        if (rnd(10) == 0)
            p[17] = p[17] == '1' ? '2' : '1';       /* about 10% bad check characters */
        p[18] = '\0';
    }
    return ids;
}

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static char *gen_usccs(size_t n)
{
    char *c = malloc(n * 19);
    for (size_t i = 0; i < n; i++) {
        char *p = c + i * 19;
        memcpy(p, "91", 2);
        memcpy(p + 2, counties[rnd(15)], 6);
        for (int k = 8; k < 17; k++)
            p[k] = alphabet[rnd(31)];
        p[17] = zj_uscc_check_char(p);
        if (rnd(10) == 0)
            p[17] = p[17] == '1' ? '2' : '1';
        p[18] = '\0';
    }
    return c;
}

#define CASE_CAP 64
static const char *const courts[] = {"陕01", "陕0113", "陕0112", "最高法", "粤", "京73",
                                     "沪0115", "渝05", "川0107", "浙0192"};
static const char *const ctypes[] = {"民初", "民终", "执", "执恢", "刑初", "刑终", "行初",
                                     "民申", "执异", "财保", "破", "刑更"};
static const char *const opens[] = {"（", "(", "〔", "【"};
static const char *const closes[] = {"）", ")", "〕", "】"};

static char *gen_cases(size_t n)
{
    char *c = malloc(n * CASE_CAP);
    for (size_t i = 0; i < n; i++) {
        int b = (int)rnd(4);
        snprintf(c + i * CASE_CAP, CASE_CAP, "%s%u%s%s%s%u号", opens[b], 2016 + rnd(9),
                 closes[b], courts[rnd(10)], ctypes[rnd(12)], 1 + rnd(30000));
    }
    return c;
}

#define NAME_CAP 32
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴",
                                       "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
                                       "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩",
                                       "冯", "邓", "曹", "彭", "曾", "单", "欧阳", "張", "陳",
                                       "劉", "黃", "趙", "諸葛"};
static const char *const given[] = {
    "伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "文", "华", "建", "国", "志", "红",
    "玉", "兰", "辉", "鹏", "晓", "宇", "浩", "婷", "雪", "琳", "鑫", "斌", "波", "宁", "海",
    "亮", "俊", "飞", "欣", "佳", "偉", "華", "國", "麗", "東", "龍", "鳳", "雲", "陽", "萍"};

static char *gen_names(size_t n)
{
    char *c = malloc(n * NAME_CAP);
    for (size_t i = 0; i < n; i++) {
        char *p = c + i * NAME_CAP;
        snprintf(p, NAME_CAP, "%s%s%s", surnames[rnd(40)], given[rnd(60)],
                 rnd(3) ? given[rnd(60)] : "");
    }
    return c;
}

/* ---- naive versions --------------------------------------------------------------------- */

static regex_t id_re, uscc_re, case_re;

static int naive_id(const char *s)
{
    if (regexec(&id_re, s, 0, NULL, 0) != 0)
        return -1;
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        char d[2] = {s[i], 0};
        sum += (int)strtol(d, NULL, 10) * w[i];
    }
    if ("10X98765432"[sum % 11] != (s[17] == 'x' ? 'X' : s[17]))
        return -1;
    char y[5] = {0}, m[3] = {0}, d[3] = {0};
    memcpy(y, s + 6, 4);
    memcpy(m, s + 10, 2);
    memcpy(d, s + 12, 2);
    struct tm tm = {0};
    tm.tm_year = atoi(y) - 1900;
    tm.tm_mon = atoi(m) - 1;
    tm.tm_mday = atoi(d);
    tm.tm_hour = 12;
    struct tm copy = tm;
    if (timegm(&tm) == (time_t)-1 || tm.tm_mday != copy.tm_mday || tm.tm_mon != copy.tm_mon)
        return -1;
    return 0;
}

static int naive_uscc(const char *s)
{
    if (regexec(&uscc_re, s, 0, NULL, 0) != 0)
        return -1;
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (int)(strchr(alphabet, s[i]) - alphabet) * w[i];
    int c = 31 - sum % 31;
    return alphabet[c == 31 ? 0 : c] == s[17] ? 0 : -1;
}

static int naive_case(const char *s)
{
    regmatch_t m[6];
    if (regexec(&case_re, s, 6, m, 0) != 0)
        return -1;
    size_t n;
    const zj_case_type *t = zj_case_types(&n);
    size_t tl = (size_t)(m[4].rm_eo - m[4].rm_so);
    for (size_t i = 0; i < n; i++)           /* linear scan, strncmp */
        if (strlen(t[i].code) == tl && strncmp(t[i].code, s + m[4].rm_so, tl) == 0)
            return 0;
    return -1;
}

typedef struct naive_namer {
    opencc_t cc;
    UTransliterator *tr;
} naive_namer;

/* NFKC + whole-name t2s + whole-name Han-Latin + tone stripping, nothing cached. */
static int naive_name_key(naive_namer *nn, const char *s, char *key, size_t cap)
{
    utf8proc_uint8_t *nf = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)strlen(s),
                                      &nf, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
    if (r < 0)
        return -1;
    char *simp = opencc_convert_utf8(nn->cc, (const char *)nf, (size_t)r);
    free(nf);
    UChar u[256];
    int32_t ul = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(u, 256, &ul, simp, -1, &st);
    opencc_convert_utf8_free(simp);
    int32_t limit = ul;
    utrans_transUChars(nn->tr, u, &ul, 256, 0, &limit, &st);
    if (U_FAILURE(st))
        return -1;
    char lat[1024];
    int32_t ll = 0;
    u_strToUTF8(lat, sizeof lat, &ll, u, ul, &st);
    utf8proc_uint8_t *stripped = NULL;
    r = utf8proc_map((const utf8proc_uint8_t *)lat, ll, &stripped,
                     UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK);
    if (r < 0)
        return -1;
    size_t o = 0;
    for (utf8proc_ssize_t i = 0; i < r && o + 1 < cap; i++)
        if (stripped[i] != ' ')
            key[o++] = (char)stripped[i];
    key[o] = '\0';
    free(stripped);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1000000;
    if (n < 1000)
        n = 1000;
    if (regcomp(&id_re, "^[0-9]{17}[0-9Xx]$", REG_EXTENDED | REG_NOSUB) ||
        regcomp(&uscc_re, "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
                REG_EXTENDED | REG_NOSUB) ||
        regcomp(&case_re, "^(（|\\(|〔|【)([0-9]{4})(）|\\)|〕|】)(最高法|[^0-9]{3}[0-9]*)"
                          "([^0-9]+)([0-9]+)号$", REG_EXTENDED)) {
        fprintf(stderr, "bench_text: regcomp failed\n");
        return 3;
    }
    printf("| operation                    |     items |       s |      items/s |  naive/s     | speed-up |    valid |\n");
    printf("|------------------------------|-----------|---------|--------------|--------------|----------|----------|\n");

    char *ids = gen_ids(n);
    long ok = 0;
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        zj_resident_id id;
        ok += zj_resident_id_parse(ids + i * 19, 18, 20261127, &id, NULL) == 0;
    }
    double t1 = now();
    long nok = 0;
    for (size_t i = 0; i < n; i++)
        nok += naive_id(ids + i * 19) == 0;
    double t2 = now();
    if (nok != ok)
        fprintf(stderr, "note: naive ID check accepted %ld, library %ld\n", nok, ok);
    row("resident ID validate", n, t1 - t0, n, t2 - t1, ok);
    free(ids);

    char *us = gen_usccs(n);
    ok = 0;
    t0 = now();
    for (size_t i = 0; i < n; i++) {
        zj_uscc u;
        ok += zj_uscc_parse(us + i * 19, 18, &u, NULL) == 0;
    }
    t1 = now();
    for (size_t i = 0; i < n; i++)
        nok += naive_uscc(us + i * 19) == 0;
    t2 = now();
    row("credit code validate", n, t1 - t0, n, t2 - t1, ok);
    free(us);

    char *cs = gen_cases(n);
    ok = 0;
    t0 = now();
    for (size_t i = 0; i < n; i++) {
        zj_case_no c;
        const char *s = cs + i * CASE_CAP;
        ok += zj_case_no_parse(s, strlen(s), &c, NULL) == 0;
    }
    t1 = now();
    size_t cn = n / 10;                       /* regex is slow: a tenth of the inputs */
    for (size_t i = 0; i < cn; i++)
        nok += naive_case(cs + i * CASE_CAP) == 0;
    t2 = now();
    row("case number parse", n, t1 - t0, cn, t2 - t1, ok);
    free(cs);

    zj_error err = {0};
    zj_namer *nm = zj_namer_new(&err);
    naive_namer nn = {opencc_open("t2s.json"), NULL};
    UErrorCode st = U_ZERO_ERROR;
    static const UChar hl[] = {'H', 'a', 'n', '-', 'L', 'a', 't', 'i', 'n', 0};
    nn.tr = utrans_openU(hl, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (!nm || nn.cc == (opencc_t)-1 || U_FAILURE(st)) {
        fprintf(stderr, "bench_text: %s\n", err.msg[0] ? err.msg : "cannot open OpenCC/ICU");
        return 3;
    }
    char *names = gen_names(n);
    zj_name *x = malloc(sizeof *x);
    ok = 0;
    t0 = now();
    for (size_t i = 0; i < n; i++) {
        const char *s = names + i * NAME_CAP;
        ok += zj_name_analyze(nm, s, strlen(s), x, NULL) == 0;
    }
    t1 = now();
    size_t nn_n = n / 50;
    char key[256];
    for (size_t i = 0; i < nn_n; i++)
        nok += naive_name_key(&nn, names + i * NAME_CAP, key, sizeof key) == 0;
    t2 = now();
    row("name -> pinyin key", n, t1 - t0, nn_n, t2 - t1, ok);

    /* Same answers? The naive key lacks only the surname readings (曾 zeng, 单 shan …). */
    size_t differ = 0, differ_surname = 0;
    for (size_t i = 0; i < nn_n; i++) {
        const char *s = names + i * NAME_CAP;
        naive_name_key(&nn, s, key, sizeof key);
        zj_name_analyze(nm, s, strlen(s), x, NULL);
        if (strcmp(key, x->key) != 0) {
            differ++;
            /* given-name part (after the surname's syllables) identical? */
            size_t sp = strlen(x->surname_pinyin), kl = strlen(key);
            size_t gl = strlen(x->key) - sp;
            if (sp && kl >= gl && strcmp(key + kl - gl, x->key + sp) == 0)
                differ_surname++;
        }
    }
    printf("\nname keys differing from the naive pipeline: %zu of %zu, of which %zu only in the "
           "surname reading\n", differ, nn_n, differ_surname);

    /* Cold cache: a fresh namer per 1000 names shows what the cache buys. */
    size_t cold = n / 100;
    t0 = now();
    for (size_t i = 0; i < cold; i += 1000) {
        zj_namer *fresh = zj_namer_new(NULL);
        for (size_t j = i; j < i + 1000 && j < cold; j++) {
            const char *s = names + j * NAME_CAP;
            zj_name_analyze(fresh, s, strlen(s), x, NULL);
        }
        zj_namer_free(fresh);
    }
    t1 = now();
    printf("\nname -> key with a fresh namer per 1000 names (cold cache, incl. opening OpenCC "
           "and ICU): %.0f names/s\n", (double)cold / (t1 - t0));
    free(x);
    free(names);
    zj_namer_free(nm);
    opencc_close(nn.cc);
    utrans_close(nn.tr);
    regfree(&id_re);
    regfree(&uscc_re);
    regfree(&case_re);
    if (nok < 0)
        puts("");          /* keep the naive results alive */
    return 0;
}
