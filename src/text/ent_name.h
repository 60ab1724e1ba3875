/* ent_name.h - enterprise names: a canonical key for matching (企业名称归一).
 *
 * The same company appears as 西安市雁塔区某某商贸有限公司, 某某商贸（西安）有限责任公司 or
 * 陕西某某商贸有限公司. zj_ent_key reduces each to 某某商贸:
 *  1. normalize and simplify as a personal name (name.h: NFKC, whitespace, OpenCC t2s);
 *  2. brackets (（） () [] 【】 〔〕): a bracketed region name (（西安）) or legal form
 *     (（有限合伙）) is dropped with its brackets; other bracket characters are dropped and
 *     their content kept;
 *  3. repeatedly drop a legal-form ending (rules/legal_forms.tsv: 股份有限公司, 有限责任公司,
 *     有限公司, 分公司, 公司, 有限合伙 …) and a region name ending the name (…西安分公司);
 *  4. repeatedly drop a leading region name (陕西省, 西安市, 雁塔区, and the short forms of
 *     provinces and prefecture-level cities such as 陕西, 西安; see region.h);
 *  5. ASCII letters lower-cased.
 * A step that would leave fewer than two characters is not applied, so 西安市有限公司 or a
 * company called 陕西 keeps a usable key.
 *
 * Thread-safety: as the namer passed in (one per thread).
 */
#ifndef ZJ_ENT_NAME_H
#define ZJ_ENT_NAME_H

#include <stddef.h>

#include "text/name.h"

#define ZJ_ENT_KEY_CAP (2 * ZJ_NAME_MAX + 1)

/* Write the key into out[0..cap) (cap >= ZJ_ENT_KEY_CAP) and return its length, or -1 with a
 * static reason in *why: "empty name", "name too long", "invalid UTF-8", "conversion failed".
 * `nm` may be NULL: then step 1 skips t2s. */
int zj_ent_key(zj_namer *nm, const char *s, size_t n, char *out, size_t cap, const char **why);

#endif
