/* cc_track.h - what the community-correction detectors (CC01-CC03) share: subjects with their
 * permitted areas and approved leaves, the location points streamed in time order, and the
 * one pass over them that feeds every CC detector of a run.
 *
 * zj_cc_load reads subjects (cc_subject), the boundaries of their areas (region) and their
 * approved leaves (cc_leave) into memory: a few hundred bytes per subject. zj_cc_stream then
 * hands every location point to a callback in time order, read front to back from the
 * covering index cc_location_time (migration 13), so a detector's memory is what it keeps
 * per subject (and CC03 its spatial grid), never the points. zj_cc_meetings is CC03's
 * finding of meetings, with a uniform grid or, for the benchmark's check, all pairs.
 *
 * Each CC detector is a consumer of the points (zj_cc_consumer): its state, fed blocks of
 * points in time order, then its leads. zj_cc_run (cc_pass.c) reads the points once for the
 * detector that calls it and for every other CC detector the same run starts later, each
 * with its own parameters, and leaves the later ones' states for them (detect.h, sharing work).
 */
#ifndef ZJ_CC_TRACK_H
#define ZJ_CC_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "detect/detect.h"
#include "store/store.h"
#include "text/geo.h"

typedef struct zj_cc_leave {
    int64_t from, to;            /* seconds since 1970 (local time as written) */
    char dest[8];                /* destination region code, "" when not given */
    int dest_area;               /* index into zj_cc_data.areas of the destination's boundary,
                                    or -1 (no destination given, or no boundary stored) */
} zj_cc_leave;

typedef struct zj_cc_subject {
    int64_t id;                  /* cc_subject.id */
    char *no, *system, *key, *unit, *region;   /* subject_no, provenance, unit, area code */
    size_t no_len;               /* strlen(no) */
    bool device;                 /* has a location device (device_no) */
    long start_day, end_day;     /* correction period (ZJ_DAY_MIN / ZJ_DAY_MAX when open) */
    long mon_start, mon_end;     /* monitoring window (days), open ends likewise */
    int area;                    /* index into zj_cc_data.areas, or -1 (no boundary known) */
    zj_cc_leave *leaves;
    int nleaves;
} zj_cc_subject;

typedef struct zj_cc_data {
    zj_cc_subject *subj;         /* sorted by subject_no */
    size_t nsubj;
    zj_geo_area **areas;
    char (*area_code)[8];
    size_t nareas;
    size_t bad_areas;            /* regions whose boundary could not be prepared */
    uint32_t *hash;              /* open addressing over subject_no: index + 1, 0 empty */
    size_t hcap;
} zj_cc_data;

/* Load subjects, areas and approved leaves (status approved, or no status but an approval
 * time; a leave ends at the earlier of its end and the recorded return). ZJ_OK, or an error
 * with err set (the data is then empty and may be freed). */
int zj_cc_load(zj_store *s, zj_cc_data *d, zj_error *err);
void zj_cc_free(zj_cc_data *d);
/* Seconds since the epoch as "YYYY-MM-DD HH:MM", for the text of CC01-CC03 leads. */
void zj_cc_format_time(int64_t t, char out[20]);
/* The subject with this number, or -1. */
long zj_cc_find(const zj_cc_data *d, const char *no, size_t n);


/* One location point: subject index, time in seconds since 1970, WGS-84 coordinates, and the
 * cc_location row (for evidence). */
typedef struct zj_cc_point {
    long subj;
    int64_t t;
    double lat, lon;
    int64_t row;
} zj_cc_point;

/* Call fn for every point of a known subject in time order (then subject number); fn returns
 * non-zero to stop (that value is returned). Points of unknown subjects or without
 * coordinates are counted in *skipped (may be NULL). Returns ZJ_OK, fn's value, or an error. */
int zj_cc_stream(zj_store *s, const zj_cc_data *d, int (*fn)(const zj_cc_point *, void *),
                 void *ctx, int64_t *skipped, zj_error *err);

/* The same points in blocks of up to ZJ_CC_BLOCK, in the same order: fn(p, n, ctx, err)
 * returns ZJ_OK or an error code with err set, which stops the stream and is returned. With
 * `threaded`, the store is read on a second thread while fn works through the previous blocks
 * (a few blocks are in flight: memory stays bounded); fn always runs on the caller's thread,
 * and the store must not be used otherwise until this returns. */
#define ZJ_CC_BLOCK 4096
typedef int (*zj_cc_block_fn)(const zj_cc_point *p, size_t n, void *ctx, zj_error *err);
int zj_cc_stream_blocks(zj_store *s, const zj_cc_data *d, zj_cc_block_fn fn, void *ctx,
                        bool threaded, int64_t *skipped, zj_error *err);

/* ---- the shared pass (cc_pass.c) ---------------------------------------------------------- */

/* A CC detector as a reader of the points. */
typedef struct zj_cc_consumer {
    const char *code;            /* the detector's code */
    /* Its state over d's subjects, with its parameters read through c (its own context, or
     * a copy made for it by the run's first CC detector). NULL with err set. */
    void *(*open)(const zj_detect_ctx *c, const zj_cc_data *d, zj_error *err);
    /* The next n points of the stream. ZJ_OK, or an error code with err set. */
    int (*points)(void *state, const zj_cc_point *p, size_t n, zj_error *err);
    /* After the last point: its findings as leads through c's sink, its summary in c. */
    int (*emit)(zj_detect_ctx *c, const zj_cc_data *d, void *state, zj_error *err);
    void (*close)(void *state);  /* frees the state (NULL is allowed as state) */
} zj_cc_consumer;

/* The run function of a CC detector: its leads from its state after one pass over the points.
 * The pass reads the points once for `self` and for every other CC detector c's run starts
 * later (zj_detect_later), and leaves their states in the run's cache; a later detector finds
 * its state there and only reports. */
int zj_cc_run(zj_detect_ctx *c, const zj_cc_consumer *self, zj_error *err);

/* The consumers, one per detector file (cc_area.c, cc_silent.c, cc_meet.c). */
extern const zj_cc_consumer zj_cc01_consumer, zj_cc02_consumer, zj_cc03_consumer;

/* Seconds since 1970 of "YYYY-MM-DD HH:MM:SS" (n bytes), or INT64_MIN when it is not one. */
int64_t zj_cc_seconds(const char *s, size_t n);

/* ---- CC03: meetings ---------------------------------------------------------------------- */

typedef struct zj_cc_meet_params {
    double distance_m;           /* D: two fixes at most this far apart are together */
    int64_t min_seconds;         /* T: together at least this long is a meeting */
    int64_t fix_age;             /* a subject's last fix stands for its place this long */
    int64_t gap;                 /* longer without a joint fix ends the meeting */
} zj_cc_meet_params;

typedef struct zj_cc_meeting {
    long a, b;                   /* subject indexes, a < b */
    int64_t from, to;            /* first and last joint fix */
    int fixes;                   /* joint fixes */
    double lat, lon;             /* where it began (a's fix) */
    int64_t row_a, row_b;        /* the cc_location rows of the first joint fix */
} zj_cc_meeting;

typedef struct zj_cc_meet_stats {
    int64_t points, candidates, pairs_peak, grid_cells_peak;
    size_t bytes_peak;           /* the grid, subject states and open pairs at their largest */
} zj_cc_meet_stats;

/* The meeting search as a state fed points in time order: open, then points, then finish
 * (every meeting into *out, which the caller frees, sorted by (a, b, from)), then free. `naive`
 * compares each fix with every subject instead of the grid's neighbouring cells: the same
 * findings, quadratic, for checking. Errors: ZJ_EUSAGE (distance not positive), ZJ_EDATA (out
 * of memory), with err set. */
typedef struct zj_cc_meet zj_cc_meet;
int zj_cc_meet_open(size_t nsubj, const zj_cc_meet_params *p, bool naive, zj_cc_meet **out,
                    zj_error *err);
int zj_cc_meet_points(zj_cc_meet *m, const zj_cc_point *pt, size_t n, zj_error *err);
/* stats may be NULL. */
int zj_cc_meet_finish(zj_cc_meet *m, zj_cc_meeting **out, size_t *nout,
                      zj_cc_meet_stats *stats, zj_error *err);
void zj_cc_meet_free(zj_cc_meet *m);               /* NULL is allowed */

/* Every meeting of two subjects in the points fn_source streams (zj_cc_stream's contract: time
 * order): zj_cc_meet_open, _points and _finish in one call. */
typedef int (*zj_cc_source)(void *src, int (*fn)(const zj_cc_point *, void *), void *ctx,
                            zj_error *err);
int zj_cc_meetings(size_t nsubj, zj_cc_source source, void *src, const zj_cc_meet_params *p,
                   bool naive, zj_cc_meeting **out, size_t *nout, zj_cc_meet_stats *stats,
                   zj_error *err);

#endif
