/* import.h - import one agency export file into the store through a mapping (导入).
 *
 * One file is one batch and one transaction: either all of its accepted rows are in the store
 * (with the batch record and its rejected rows), or - when more than max_errors rows were
 * rejected, or anything failed - none of it is. Rejected rows are never dropped silently:
 * each goes to a reject file (CSV: file, line, field, reason, raw) that survives an aborted
 * batch, and to the store's import_reject table when the batch commits.
 *
 * Re-importing a file whose bytes and mapping were already imported is skipped outright
 * (unless `force`); re-reading it would find every record unchanged anyway. A record whose
 * natural key exists with different content replaces it and the old version is kept (store.h).
 */
#ifndef ZJ_IMPORT_H
#define ZJ_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"
#include "ingest/mapping.h"
#include "store/store.h"

typedef struct zj_import_progress {
    const char *file;
    int64_t rows;            /* data rows read so far */
    int64_t rejected;
    int64_t bytes_done;      /* source bytes consumed */
    int64_t bytes_total;     /* file size, -1 if unknown */
    double seconds;          /* since the batch started */
} zj_import_progress;

typedef struct zj_import_options {
    const char *rejects_dir;   /* directory for reject files (created mode 0700 if needed);
                                  "." if NULL, but see dry_run */
    int64_t max_errors;        /* abort the batch when rejects exceed this; < 0 = no limit */
    bool force;                /* re-read a file even if its bytes were imported before */
    bool dry_run;              /* parse, map and check only: nothing is written, neither to
                                  the store nor a reject file unless rejects_dir is set
                                  (rejects are listed on rejects_listing instead); accepted
                                  rows are counted as `inserted` */
    FILE *rejects_listing;     /* dry runs without rejects_dir: where rejects are listed
                                  (NULL: standard output); see rejects.h */
    zj_encoding encoding;      /* overrides the mapping's encoding unless ZJ_ENC_AUTO */
    /* Called about every 64k rows and at the end; may be NULL. */
    void (*progress)(const zj_import_progress *p, void *ctx);
    void *progress_ctx;
} zj_import_options;

typedef struct zj_import_result {
    int64_t batch_id;          /* 0 when skipped or aborted */
    int64_t skipped_as;        /* > 0: identical to this earlier batch, nothing was read */
    bool aborted;              /* too many rejects: nothing of the file stays in the store */
    int64_t rows_read, inserted, updated, unchanged, rejected;
    int64_t skipped;           /* rows the mapping's top-level `when` left out */
    /* records made by the mapping's `rows:` entries, in all their tables together */
    int64_t gen_inserted, gen_updated, gen_unchanged;
    zj_encoding encoding;      /* detected or declared */
    int64_t bad_check_resident_id; /* accepted values failing their check character (id_audit.h) */
    int64_t bad_check_uscc;
    double seconds;
    bool restaged;             /* loaded staged, refused (another writer filled the empty table
                                  meanwhile) and loaded again the ordinary way (store.h) */
    char rejects_path[4096];   /* empty when no reject file was written */
    char hint[512];            /* non-empty: rows did not decode, but the whole file is valid in
                                  the other encoding (the message says which and how) */
} zj_import_result;

/* Import `path` into the table named by the mapping (which is bound to it here). Returns
 * ZJ_OK when the batch committed (rejected rows are counted in *res, not an error), ZJ_EDATA
 * when it was aborted or failed (err says why and where: "file:line: ..."), ZJ_EUSAGE when
 * the mapping does not fit the table or the file's header. */
int zj_import_file(zj_store *s, zj_mapping *m, const char *path, const zj_import_options *opt,
                   zj_import_result *res, zj_error *err);

/* Hex XXH3-128 of a file's bytes (33 bytes with NUL). It identifies a file's contents for
 * skipping re-imports; it is not a defence against deliberate tampering (the audit trail's
 * hash chain is). */
int zj_file_digest(const char *path, char hex[33], zj_error *err);

#endif
