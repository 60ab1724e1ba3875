/* party_names.h - name keys of case parties, for the filing check (立案审查).
 *
 * People's names are the link layer's to read and compare (detectors follow mentions to
 * entities, tests/integration/detect_names.sh). The filing check still has to find a party
 * not yet in the store by name with a phone, address or birth date; it does so through these
 * 64-bit keys of the normalised name (zj_name_normalize: width, spaces, the middle dot), never
 * through the names themselves.
 */
#ifndef ZJ_LINK_PARTY_NAMES_H
#define ZJ_LINK_PARTY_NAMES_H

#include <stdint.h>

#include "base/error.h"
#include "store/store.h"

/* The key of a name as typed (0 when empty or not a name). */
uint64_t zj_link_name_key(const char *name);

/* fn(case_party.id, key of its name) for every case party with a name; fn returns non-zero to
 * stop. */
int zj_link_party_name_keys(zj_store *s, int (*fn)(int64_t record_id, uint64_t key, void *ctx),
                            void *ctx, zj_error *err);

#endif
