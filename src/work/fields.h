/* fields.h - what the work layer's writers share: checking the fields a person typed (each
 * error names the field), the clock, and SHA-256 state hashes.
 *
 * Used by the lead workflow (workflow.c) and officers' own records (records.c). Every check
 * returns ZJ_OK, or ZJ_EUSAGE with a message "field 'NAME': what is wrong" in `err`.
 */
#ifndef ZJ_WORK_FIELDS_H
#define ZJ_WORK_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"

/* A text field: valid UTF-8 of at most `max` bytes, not blank when `required`; NULL or ""
 * counts as absent. */
int zj_field_text(const char *field, const char *value, bool required, size_t max,
                  zj_error *err);

/* A date "YYYY-MM-DD" that exists; absent is an error only when `required`. */
int zj_field_date(const char *field, const char *value, bool required, zj_error *err);

/* A month "YYYY-MM" (months 01-12); returns the month index year * 12 + month - 1 in *index. */
int zj_field_month(const char *field, const char *value, int *index, zj_error *err);

/* A timestamp "YYYY-MM-DD HH:MM[:SS]" or a date; written normalized ("YYYY-MM-DD HH:MM:SS")
 * into out[20]. */
int zj_field_timestamp(const char *field, const char *value, char out[20], zj_error *err);

/* True when s is absent (NULL) or only blanks. */
bool zj_field_blank(const char *s);

/* The clock: UTC now "YYYY-MM-DD HH:MM:SS" (for history and provenance), local now (for
 * records' reported_at, which the detectors compare with local deadlines) and today's local
 * date "YYYY-MM-DD". */
void zj_clock_utc(char out[20]);
void zj_clock_local(char out[20]);
void zj_clock_today(char out[11]);

/* The index of `name` in names[0 .. n), or -1 (also for NULL): parsing a code name. */
int zj_name_index(const char *const *names, int n, const char *name);

/* ---- binding what the writers record ---- */

/* Bind s as text, or NULL when s is absent or blank. */
void zj_bind_opt(zj_stmt *q, int i, const char *s);
/* Bind who acts as four parameters from `first`: user id, username, role name, session id. */
void zj_bind_actor(zj_stmt *q, int first, const zj_actor *a);
/* Run a statement without results and finalize it: ZJ_OK or ZJ_EDATA. */
int zj_exec_done(zj_stmt *q, zj_error *err);

/* Hex SHA-256 of the n strings parts[], each followed by U+001F (NULL counts as ""): the state
 * hash of a record the work layer writes. Allocates nothing. */
void zj_sha256_fields(const char *const *parts, size_t n, char out[65]);

/* Hex SHA-256 of n bytes (out: 64 digits and a NUL). */
void zj_sha256_hex(const void *p, size_t n, char out[65]);

#endif
