/* test_link_model.c - the unit field of persons (its levels and its two-step weight), the
 * address field's levels, and the name's frequency adjustment of a homophone. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "link/compare.h"
#include "link/model.h"

static int unit_level(const char *ctx_a, const char *ctx_b)
{
    zj_arena ar = {0};
    zj_lmention a, b;
    assert_int_equal(zj_lmention_fill(&a, &ar, ZJ_KIND_PERSON, 1, 0, "王辉", "wanghui", NULL,
                                      "missing", NULL, NULL, NULL, NULL, ctx_a, NULL), 0);
    assert_int_equal(zj_lmention_fill(&b, &ar, ZJ_KIND_PERSON, 2, 0, "王辉", "wanghui", NULL,
                                      "missing", NULL, NULL, NULL, NULL, ctx_b, NULL), 0);
    int g[ZJ_MAX_FIELDS];
    zj_compare(ZJ_KIND_PERSON, &a, &b, &ar, g);
    zj_arena_free(&ar);
    return g[F_UNIT];
}

static void test_levels(void **state)
{
    (void)state;
    const char *post = "u:灞桥区财政局\x1f主任";
    assert_string_equal(zj_compare_level_name(ZJ_KIND_PERSON, F_UNIT, unit_level(post, post)),
                        "same unit, post");
    /* posts that differ are not posts that are unknown */
    assert_string_equal(zj_compare_level_name(ZJ_KIND_PERSON, F_UNIT,
                                              unit_level(post, "o:灞桥区财政局\x1f科员")),
                        "same unit, other post");
    assert_string_equal(zj_compare_level_name(ZJ_KIND_PERSON, F_UNIT,
                                              unit_level(post, "r:灞桥区财政局")),
                        "same unit");
    assert_string_equal(zj_compare_level_name(ZJ_KIND_PERSON, F_UNIT,
                                              unit_level(post, "u:灞桥区住建局\x1f主任")),
                        "different");
    assert_int_equal(unit_level(post, NULL), ZJ_MISSING);
}

static const char *address_level(const char *addr_a, const char *addr_b)
{
    zj_arena ar = {0};
    zj_lmention a, b;
    assert_int_equal(zj_lmention_fill(&a, &ar, ZJ_KIND_PERSON, 1, 0, "王辉", "wanghui", NULL,
                                      "missing", NULL, NULL, NULL, NULL, NULL, addr_a), 0);
    assert_int_equal(zj_lmention_fill(&b, &ar, ZJ_KIND_PERSON, 2, 0, "王辉", "wanghui", NULL,
                                      "missing", NULL, NULL, NULL, NULL, NULL, addr_b), 0);
    int g[ZJ_MAX_FIELDS];
    zj_compare(ZJ_KIND_PERSON, &a, &b, &ar, g);
    zj_arena_free(&ar);
    return zj_compare_level_name(ZJ_KIND_PERSON, F_ADDRESS, g[F_ADDRESS]);
}

/* One household however it is written; a neighbour is not the household. */
static void test_address_levels(void **state)
{
    (void)state;
    const char *home = "陕西省西安市雁塔区人民路12号3号楼1201室";
    assert_string_equal(address_level(home, "雁塔区人民路１２号３栋１２０１"), "same address");
    assert_string_equal(address_level(home, "西安市人民路12号"), "same house number");
    assert_string_equal(address_level(home, "人民路40号"), "same road");
    assert_string_equal(address_level(home, "雁塔区人民路12号3号楼1202室"), "different");
    assert_string_equal(address_level(home, "碑林区人民路12号3号楼1201室"), "different");
    assert_string_equal(address_level(home, "雁塔区解放路12号"), "different");
    assert_string_equal(address_level(home, NULL), "missing");
}

/* A person's addresses are a history: a register that records where he moved from (何时由何地
 * 迁来本址, stored after U+001F) matches a record that gives that former home, written any
 * way; a neighbour of the former home is still not the household, and a record with neither
 * address is still "different". */
static void test_address_history(void **state)
{
    (void)state;
    const char *reg = "陕西省商洛市洛南县和平路224号6号楼927室\x1f陕西省商洛市洛南县太白路272号17号楼2431室";
    assert_string_equal(address_level(reg, "商洛市洛南县太白路２７２号１７栋２４３１"), "same address");
    assert_string_equal(address_level("洛南县太白路272号17号楼2431室", reg), "same address");
    assert_string_equal(address_level(reg, "洛南县和平路224号6栋927"), "same address");
    assert_string_equal(address_level(reg, "洛南县太白路272号"), "same house number");
    assert_string_equal(address_level(reg, "洛南县太白路272号17号楼2432室"), "different");
    assert_string_equal(address_level(reg, "洛南县解放路12号"), "different");
    /* two registers, each with a history: any pair that agrees */
    assert_string_equal(address_level(reg, "洛南县解放路12号\x1f洛南县和平路224号6号楼927室"),
                        "same address");
    /* a former address alone (no current one) is not read */
    assert_string_equal(address_level("\x1f洛南县太白路272号17号楼2431室",
                                      "洛南县太白路272号17号楼2431室"), "missing");
}

/* The name's frequency adjusts a homophone (same pinyin, other characters) relative to the
 * level's own u: a rare name's homophone weighs more than the level's average, a common
 * one's less, and an average one exactly the average. */
static void test_homophone_tf(void **state)
{
    (void)state;
    zj_fs_model fs;
    zj_model_init(&fs, ZJ_KIND_PERSON);
    /* as estimated on a tiny province: homophones are rare among matches and rarer still
     * among random pairs; an exact name is shared by one random pair in 1,850 */
    fs.m[F_NAME][2] = 0.0106;
    fs.u[F_NAME][2] = 2.83e-5;
    fs.m[F_NAME][3] = 0.966;
    fs.u[F_NAME][3] = 5.42e-4;
    double m, u;
    double avg = zj_model_name_tf_weight(&fs, 2, fs.u[F_NAME][3], &m, &u);
    assert_true(fabs(avg - zj_model_weight(&fs, F_NAME, 2)) < 1e-9);
    double rare = zj_model_name_tf_weight(&fs, 2, 1e-5, &m, &u);
    double common = zj_model_name_tf_weight(&fs, 2, 1e-2, &m, &u);
    assert_true(rare > avg && avg > common);
    assert_true(fabs(log2(m / u) - common) < 1e-9);
    /* exact names: u is the name's frequency itself */
    assert_true(fabs(zj_model_name_tf_weight(&fs, 3, 1e-3, &m, &u) - log2(0.966 / 1e-3)) < 1e-9);
    assert_true(u == 1e-3);
    /* The case that was missed: a rare name (one entity: tf 3.55e-4) written as its homophone
     * by one of four officers, the same unit and post (+6.54) against a prior of -10.86. Taken
     * as the chance of sharing the pinyin at all, tf gave +4.90 and probability 0.60; as the
     * chance of a homophone of so rare a name it gives +9.16, above the 0.95 threshold. */
    double w = zj_model_name_tf_weight(&fs, 2, 3.55e-4, &m, &u);
    assert_true(fabs(w - 9.16) < 0.01);
    assert_true(zj_model_probability(-10.86 + w + 6.54) > 0.95);
    assert_true(zj_model_probability(-10.86 + log2(0.0106 / 3.55e-4) + 6.54) < 0.95);
}

/* Matches that could not show a post (a complaint's target against the roster: no post on
 * one side) must not dilute how much an agreeing post says. */
static void test_post_weight_not_diluted(void **state)
{
    (void)state;
    zj_fs_model fs;
    zj_model_init(&fs, ZJ_KIND_PERSON);
    zj_pcounts counts = {0};
    int g[ZJ_MAX_FIELDS];
    for (int f = 0; f < ZJ_MAX_FIELDS; f++)
        g[f] = ZJ_MISSING;
    g[F_NAME] = 3;
    g[F_UNIT] = 1;                 /* same unit, a post on one side only */
    assert_int_equal(zj_pcounts_add(&counts, zj_pattern_of(ZJ_KIND_PERSON, g), 230), 0);
    g[F_UNIT] = 3;                 /* same unit and post */
    assert_int_equal(zj_pcounts_add(&counts, zj_pattern_of(ZJ_KIND_PERSON, g), 20), 0);
    zj_model_set_m(&fs, &counts);
    zj_pcounts_free(&counts);

    double m, u;
    /* a unit of 4 in 369, every one of its mentions with this post */
    double w_post = zj_model_unit_weight(&fs, 3, 4.0 / 369, 1.0, &m, &u);
    assert_true(fabs(w_post - log2(m / u)) < 1e-9);
    /* all matches agree on the unit and, where both give one, on the post: about log2(1/u) */
    assert_true(w_post > log2(369.0 / 4) - 0.2);
    assert_true(m > 0.9);
    /* a post on one side only: the unit's weight and no more */
    double w_unit = zj_model_unit_weight(&fs, 1, 4.0 / 369, 1.0, &m, &u);
    assert_true(fabs(w_unit - w_post) < 0.2);
    /* an agreeing post shared by a quarter of the unit adds about 2 bits; a differing post
     * is evidence against */
    double w_quarter = zj_model_unit_weight(&fs, 3, 4.0 / 369, 0.25, &m, &u);
    assert_true(w_quarter > w_unit + 1.8);
    double w_other = zj_model_unit_weight(&fs, 2, 4.0 / 369, 0.25, &m, &u);
    assert_true(w_other < w_unit - 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_address_levels),
        cmocka_unit_test(test_address_history),
        cmocka_unit_test(test_homophone_tf),
        cmocka_unit_test(test_post_weight_not_diluted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
