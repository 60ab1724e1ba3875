/* name.h - personal names: normalization, traditional -> simplified, pinyin keys, similarity.
 *
 * The same person is typed differently by different agencies: full-width letters, stray
 * spaces, the interpunct of minority names as ·, •, ・ or ., traditional characters (張偉),
 * or a homophone typo (章伟). A name goes through these steps:
 *
 *  1. normalized: Unicode NFKC (utf8proc; full-width -> half-width, compatibility ideographs
 *     -> unified ones), default-ignorable characters removed, every interpunct variant
 *     (U+00B7 U+0387 U+2022 U+2027 U+2219 U+22C5 U+30FB U+FF65, and '.' after a non-ASCII
 *     character) written U+00B7 ·, runs of them collapsed and trimmed; whitespace and control
 *     characters dropped next to a non-ASCII character and at the ends, collapsed to one space
 *     between ASCII words ("John  Smith" -> "John Smith").
 *  2. simplified: OpenCC t2s, character by character (OpenCC's t2s character table applied
 *     to each character alone). A name is not a word: OpenCC's phrase table is built for
 *     running text and would only change the few characters whose simplified form depends on
 *     the neighbours (乾/干, 於/于 …) by accident of what follows them. Phrase-aware
 *     conversion of the whole text is zj_name_simplify, used for enterprise names.
 *  3. pinyin: the syllables of the simplified name, lowercase ASCII without tones, ü written
 *     v, separated by one space ("shan xiong xin"); a run of ASCII letters and digits is one
 *     lowercase token; other characters separate tokens and are dropped; a Han character
 *     without a reading becomes "u" + its hex code point. Readings come from ICU's Han-Latin
 *     transliterator, except for the surname: for a name of at least two characters whose
 *     first character is Han and that has no ·, a compound surname (欧阳, 尉迟 … when the
 *     name has at least three characters) or a polyphonic single surname (单 shan, 曾 zeng,
 *     仇 qiu …) is read from rules/surnames.tsv.
 *  4. key: the pinyin tokens concatenated ("shanxiongxin") - the blocking key for matching.
 *     Two names with the same key but different pinyin (xi an / xian) are rare and still
 *     distinguished by zj_name_match's same_pinyin.
 *
 * A zj_namer holds the OpenCC and ICU handles and a fixed-size per-character cache (8192
 * sets x 2 ways; the pinyin and t2s result of each character seen). It is not thread-safe:
 * use one namer per thread. Functions that take no namer are pure and thread-safe.
 */
#ifndef ZJ_NAME_H
#define ZJ_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define ZJ_NAME_MAX 256          /* bytes of a normalized name; longer names are rejected */

typedef struct zj_namer zj_namer;

typedef struct zj_name {
    char normalized[ZJ_NAME_MAX + 1];
    char simplified[2 * ZJ_NAME_MAX + 1];
    char pinyin[4 * ZJ_NAME_MAX + 1];      /* "shan xiong xin" */
    char key[4 * ZJ_NAME_MAX + 1];         /* "shanxiongxin" */
    size_t surname_bytes;                  /* length of the surname at the start of
                                              `simplified`; 0 when none was identified */
    bool compound_surname;                 /* it is one of the compound surnames */
    char surname_pinyin[32];               /* "shan", "ouyang"; "" when none */
} zj_name;

typedef struct zj_name_match {
    bool exact;            /* same simplified name (ASCII letters compared case-insensitively) */
    bool same_pinyin;      /* same syllables: homophones such as 张伟 / 章伟 */
    double jaro_winkler;   /* Jaro-Winkler similarity of the keys, 0..1 */
    int edit_distance;     /* Levenshtein distance in characters between the simplified names */
} zj_name_match;

/* Open OpenCC's t2s.json (searched by OpenCC, then /usr/share/opencc/) and ICU's Han-Latin.
 * Returns NULL with `err` set (ZJ_EDATA) when either cannot be opened or memory runs out. */
zj_namer *zj_namer_new(zj_error *err);
void zj_namer_free(zj_namer *nm);                  /* NULL is allowed */

/* Step 1 only; needs no namer. Writes the normalized name into out (cap >= ZJ_NAME_MAX + 1
 * bytes) and returns its length, or -1 with a static reason in *why: "empty name",
 * "name too long", "invalid UTF-8". */
int zj_name_normalize(const char *s, size_t n, char *out, size_t cap, const char **why);

/* Normalize (step 1), then phrase-aware OpenCC t2s over the whole text. Writes into out (cap >= 2 * ZJ_NAME_MAX + 1) and
 * returns the length, or -1 with *why as for zj_name_normalize or "conversion failed". Also
 * used for enterprise names (ent_name.h). */
int zj_name_simplify(zj_namer *nm, const char *s, size_t n, char *out, size_t cap,
                     const char **why);

/* Steps 1-4. Returns 0 and fills *out, or -1 with *why as for zj_name_normalize, or
 * "conversion failed" when OpenCC or ICU reports an error. */
int zj_name_analyze(zj_namer *nm, const char *s, size_t n, zj_name *out, const char **why);

/* Compare two names (both analyzed with zj_name_analyze). Returns 0, or -1 with *why when
 * either name is rejected. */
int zj_name_match_names(zj_namer *nm, const char *a, size_t an, const char *b, size_t bn,
                        zj_name_match *out, const char **why);

/* Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4) of two byte strings; 1.0 for two
 * empty strings. Pure. */
double zj_jaro_winkler(const char *a, size_t an, const char *b, size_t bn);

/* Levenshtein distance in code points between two UTF-8 strings of at most 256 code points
 * each; -1 when either is longer or not valid UTF-8. Pure. */
int zj_edit_distance(const char *a, size_t an, const char *b, size_t bn);

/* Length in bytes of the surname at the start of the (normalized, simplified) name s[0..n):
 * a compound surname from rules/surnames.tsv when the name has at least three characters,
 * else the first character; 0 for an empty name or one that contains ·. *compound (may be
 * NULL) tells which. Pure. */
size_t zj_surname_len(const char *s, size_t n, bool *compound);

#endif
