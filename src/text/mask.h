/* mask.h - masking identifiers and names for display (脱敏).
 *
 * Rules (chosen to match common practice in Chinese government systems; documented in
 * docs/identifiers.md):
 *   resident ID  keep the region code (first 6) and the last 4:  610102********1234
 *                (a 15-digit ID: 6 + 5 stars + 4)
 *   mobile       keep the first 3 and the last 4:                 138****5678
 *   landline     keep the area code and the last 4 digits:        029-****6666
 *   credit code  keep the first 8 (authority, type, region) and the last 2
 *   name         keep the surname (compound surnames whole) and, when the given name has
 *                two or more characters, its last character:
 *                张伟 -> 张*, 张三丰 -> 张*丰, 欧阳娜娜 -> 欧阳*娜, 欧阳修 -> 欧阳*;
 *                a one-character name becomes *; a name with · keeps the first character of
 *                each part: 买买提·艾力 -> 买**·艾*; ASCII names keep their first letter.
 * Each function masks the input as given (normalize it first with the matching parser);
 * every function writes a NUL-terminated result into out[0..cap) and returns its length, or
 * -1 when it does not fit or the input is not valid UTF-8. Pure: thread-safe.
 */
#ifndef ZJ_MASK_H
#define ZJ_MASK_H

#include <stddef.h>

/* Keep `head` and `tail` code points, replace the rest by one '*' each. When the string has
 * no more than head + tail code points, only the part after `head` is masked (all but the
 * first `head`), so something is always hidden unless the string is empty. */
int zj_mask_middle(const char *s, size_t n, size_t head, size_t tail, char *out, size_t cap);

int zj_mask_resident_id(const char *s, size_t n, char *out, size_t cap);   /* 6 + 4 */
int zj_mask_uscc(const char *s, size_t n, char *out, size_t cap);          /* 8 + 2 */

/* A normalized phone number (zj_phone.normalized): "138****5678", "029-****6666",
 * "400-***-4567". */
int zj_mask_phone(const char *s, size_t n, char *out, size_t cap);

/* A normalized name (zj_name.normalized or .simplified); see the rule above. */
int zj_mask_name(const char *s, size_t n, char *out, size_t cap);

#endif
