/* test_name.c - personal names (text/name.c): normalization, t2s, surname-aware pinyin,
 * similarity, and the rejection paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <unicode/uclean.h>

#include "text/name.h"

static int setup(void **state)
{
    zj_error err = {0};
    *state = zj_namer_new(&err);
    if (!*state)
        fail_msg("%s", err.msg);
    return 0;
}

static int teardown(void **state)
{
    zj_namer_free(*state);
    u_cleanup();       /* free ICU's process-wide transliterator registry, so valgrind
                          and LeakSanitizer see no blocks left at exit */
    return 0;
}

static zj_name *analyze(void **state, const char *s)
{
    static zj_name n;                 /* test-only scratch */
    const char *why = "not set";
    if (zj_name_analyze(*state, s, strlen(s), &n, &why))
        fail_msg("'%s' rejected: %s", s, why);
    return &n;
}

static void test_polyphonic_surnames(void **state)
{
    static const struct {
        const char *name, *pinyin, *key, *surname;
    } ex[] = {
        {"单雄信", "shan xiong xin", "shanxiongxin", "shan"},
        {"曾国藩", "zeng guo fan", "zengguofan", "zeng"},
        {"仇英", "qiu ying", "qiuying", "qiu"},
        {"解缙", "xie jin", "xiejin", "xie"},
        {"区志强", "ou zhi qiang", "ouzhiqiang", "ou"},
        {"查良镛", "zha liang yong", "zhaliangyong", "zha"},
        {"朴槿惠", "piao jin hui", "piaojinhui", "piao"},
        {"乐嘉", "yue jia", "yuejia", "yue"},
        {"盖聂", "ge nie", "genie", "ge"},
        {"吕布", "lv bu", "lvbu", "lv"},              /* ü is written v */
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        zj_name *n = analyze(state, ex[i].name);
        assert_string_equal(n->pinyin, ex[i].pinyin);
        assert_string_equal(n->key, ex[i].key);
        assert_string_equal(n->surname_pinyin, ex[i].surname);
        assert_int_equal(n->surname_bytes, 3);
        assert_false(n->compound_surname);
    }
}

static void test_compound_surnames(void **state)
{
    zj_name *n = analyze(state, "欧阳娜娜");
    assert_true(n->compound_surname);
    assert_int_equal(n->surname_bytes, strlen("欧阳"));
    assert_string_equal(n->surname_pinyin, "ouyang");
    assert_string_equal(n->pinyin, "ouyang na na");
    n = analyze(state, "尉迟恭");
    assert_string_equal(n->surname_pinyin, "yuchi");
    assert_string_equal(n->key, "yuchigong");
    n = analyze(state, "万俟卨");
    assert_string_equal(n->surname_pinyin, "moqi");
    n = analyze(state, "诸葛亮");
    assert_string_equal(n->key, "zhugeliang");
    n = analyze(state, "司马");                      /* two characters: 司 + given name 马 */
    assert_false(n->compound_surname);
    assert_int_equal(n->surname_bytes, 3);
}

static void test_traditional_and_homophones(void **state)
{
    zj_name *n = analyze(state, "張偉");
    assert_string_equal(n->normalized, "張偉");
    assert_string_equal(n->simplified, "张伟");
    char key[64];
    strcpy(key, n->key);
    assert_string_equal(analyze(state, "张伟")->key, key);
    assert_string_equal(analyze(state, "章伟")->key, key);
    assert_string_equal(analyze(state, "單雄信")->pinyin, "shan xiong xin");

    zj_name_match m;
    const char *why;
    assert_int_equal(zj_name_match_names(*state, "張偉", strlen("張偉"), "张伟", strlen("张伟"),
                                         &m, &why), 0);
    assert_true(m.exact);
    assert_true(m.same_pinyin);
    assert_int_equal(m.edit_distance, 0);
    assert_int_equal(zj_name_match_names(*state, "张伟", strlen("张伟"), "章伟", strlen("章伟"),
                                         &m, &why), 0);
    assert_false(m.exact);
    assert_true(m.same_pinyin);
    assert_true(m.jaro_winkler == 1.0);
    assert_int_equal(m.edit_distance, 1);
    assert_int_equal(zj_name_match_names(*state, "张伟", strlen("张伟"), "张玮琪",
                                         strlen("张玮琪"), &m, &why), 0);
    assert_false(m.same_pinyin);
    assert_true(m.jaro_winkler > 0.8 && m.jaro_winkler < 1.0);
    assert_int_equal(m.edit_distance, 2);
    assert_int_equal(zj_name_match_names(*state, "", 0, "张伟", strlen("张伟"), &m, &why), -1);
    assert_string_equal(why, "empty name");
}

static void test_normalization(void **state)
{
    (void)state;
    char out[ZJ_NAME_MAX + 1];
    const char *why;
    static const struct {
        const char *in, *out;
    } ex[] = {
        {"  王 小 明 ", "王小明"},
        {"王　小明", "王小明"},                        /* U+3000 */
        {"买买提 · 艾力", "买买提·艾力"},
        {"买买提•艾力", "买买提·艾力"},               /* U+2022 */
        {"买买提・艾力", "买买提·艾力"},               /* U+30FB */
        {"买买提.艾力", "买买提·艾力"},
        {"买买提··艾力·", "买买提·艾力"},
        {"ＪＯＨＮ　 Smith", "JOHN Smith"},
        {"John\t\tSmith", "John Smith"},
        {"王\xE2\x80\x8B小明", "王小明"},             /* zero-width space */
        {"\xEF\xA4\x80", "\xE8\xB1\x88"},               /* U+F900 compatibility -> U+8C48 */
        {"a \xCC\x81", "\xC3\xA1"},                    /* a, space, U+0301 -> U+00E1 */
        /* found by fuzz_name: marks separated by a dropped NUL end up canonically ordered */
        {"-\xEF\xB8\xAE\x01\xEF\xB8\xAA", "-\xEF\xB8\xAA\xEF\xB8\xAE"},
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        int n = zj_name_normalize(ex[i].in, strlen(ex[i].in), out, sizeof out, &why);
        assert_int_equal(n, (int)strlen(ex[i].out));
        assert_string_equal(out, ex[i].out);
    }
    assert_int_equal(zj_name_normalize("", 0, out, sizeof out, &why), -1);
    assert_string_equal(why, "empty name");
    assert_int_equal(zj_name_normalize(" · ", 4, out, sizeof out, &why), -1);
    assert_string_equal(why, "empty name");
    assert_int_equal(zj_name_normalize("王\xff", 4, out, sizeof out, &why), -1);
    assert_string_equal(why, "invalid UTF-8");
    char *big = malloc(2000);
    memset(big, 'a', 2000);
    assert_int_equal(zj_name_normalize(big, 2000, out, sizeof out, &why), -1);
    assert_string_equal(why, "name too long");
    assert_int_equal(zj_name_normalize(big, 300, out, sizeof out, &why), -1);
    assert_string_equal(why, "name too long");
    free(big);
}

static void test_non_han(void **state)
{
    zj_name *n = analyze(state, "买买提·艾力");
    assert_int_equal(n->surname_bytes, 0);
    assert_string_equal(n->pinyin, "mai mai ti ai li");
    n = analyze(state, "John Smith 3");
    assert_string_equal(n->pinyin, "john smith 3");
    assert_string_equal(n->key, "johnsmith3");
    assert_int_equal(n->surname_bytes, 0);
    n = analyze(state, "龍");                        /* one character: no surname */
    assert_string_equal(n->simplified, "龙");
    assert_int_equal(n->surname_bytes, 0);
}

static void test_similarity_functions(void **state)
{
    (void)state;
    assert_true(zj_jaro_winkler("", 0, "", 0) == 1.0);
    assert_true(zj_jaro_winkler("a", 1, "", 0) == 0.0);
    assert_true(zj_jaro_winkler("abc", 3, "xyz", 3) == 0.0);
    double d = zj_jaro_winkler("martha", 6, "marhta", 6);
    assert_true(d > 0.960 && d < 0.962);             /* the textbook 0.961 */
    assert_int_equal(zj_edit_distance("张伟", strlen("张伟"), "章伟", strlen("章伟")), 1);
    assert_int_equal(zj_edit_distance("", 0, "章伟", strlen("章伟")), 2);
    assert_int_equal(zj_edit_distance("kitten", 6, "sitting", 7), 3);
    assert_int_equal(zj_edit_distance("\xff", 1, "a", 1), -1);
    bool compound;
    assert_int_equal(zj_surname_len("欧阳修", strlen("欧阳修"), &compound), 6);
    assert_true(compound);
    assert_int_equal(zj_surname_len("欧阳", strlen("欧阳"), &compound), 3);
    assert_false(compound);
    assert_int_equal(zj_surname_len("", 0, NULL), 0);
    assert_int_equal(zj_surname_len("买买提·艾力", strlen("买买提·艾力"), NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polyphonic_surnames),
        cmocka_unit_test(test_compound_surnames),
        cmocka_unit_test(test_traditional_and_homophones),
        cmocka_unit_test(test_normalization),
        cmocka_unit_test(test_non_han),
        cmocka_unit_test(test_similarity_functions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
