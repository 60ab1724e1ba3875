/* import.c - one file, one batch, one transaction (see import.h for the contract).
 *
 * The loop is: parser -> zj_mapping_apply -> zj_writer_put_all, counting outcomes. Everything
 * it calls is streaming, so memory stays flat whatever the file size (but for a bulk load's
 * keyset, see store_sqlite.c).
 */
#include "ingest/import.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <pthread.h>
#include <unistd.h>
#include <xxhash.h>

#include "ingest/csv.h"
#include "ingest/id_audit.h"
#include "ingest/jsonl.h"
#include "ingest/rejects.h"
#include "ingest/rowq.h"
#include "text/utf8.h"

#define PROGRESS_EVERY 65536

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int zj_file_digest(const char *path, char hex[33], zj_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return zj_fail(err, ZJ_EDATA, "cannot open '%s': %s", path, strerror(errno));
    XXH3_state_t *xs = XXH3_createState();
    static const size_t cap = 1 << 20;
    unsigned char *buf = malloc(cap);
    if (!buf || !xs) {
        free(buf);
        XXH3_freeState(xs);
        close(fd);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    XXH3_128bits_reset(xs);
    /* A regular file is hashed through mappings of 16 MiB windows rather than read(2): the
     * digest is taken before the import starts, so its time adds to the import's, and the
     * copy was most of it (0.7 s of a 636 MiB file on the benchmark VM). One window at a
     * time keeps the mapped pages out of the process's resident size. */
    struct stat st;
    off_t done = 0;
    ssize_t n = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        static const off_t window = 16 << 20;
        while (done < st.st_size) {
            size_t len = (size_t)(st.st_size - done < window ? st.st_size - done : window);
            void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, done);
            if (map == MAP_FAILED)
                break;                      /* read the rest */
            madvise(map, len, MADV_SEQUENTIAL);
            XXH3_128bits_update(xs, map, len);
            munmap(map, len);
            done += (off_t)len;
        }
    }
    if (lseek(fd, done, SEEK_SET) < 0)
        n = -1;
    while (n >= 0 && (n = read(fd, buf, cap)) > 0)
        XXH3_128bits_update(xs, buf, (size_t)n);
    int saved = errno;
    XXH128_hash_t h = XXH3_128bits_digest(xs);
    free(buf);
    XXH3_freeState(xs);
    close(fd);
    if (n < 0)
        return zj_fail(err, ZJ_EDATA, "cannot read '%s': %s", path, strerror(saved));
    snprintf(hex, 33, "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
    return ZJ_OK;
}

static zj_format format_for(const zj_mapping *m, const char *path)
{
    if (m->format != ZJ_FORMAT_AUTO)
        return m->format;
    const char *dot = strrchr(path, '.');
    if (dot && (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0 ||
                strcasecmp(dot, ".json") == 0))
        return ZJ_FORMAT_JSONL;
    return ZJ_FORMAT_CSV;
}

/* A row source over either parser. */
typedef struct source {
    zj_csv *csv;
    zj_jsonl *jsonl;
} source;

static int source_next(source *src, zj_row *row, zj_error *err)
{
    return src->csv ? zj_csv_next(src->csv, row, err) : zj_jsonl_next(src->jsonl, row, err);
}

/* The last row's text as read, when the parser has it. */
static zj_span source_raw(const source *src)
{
    return src->csv ? zj_csv_raw(src->csv) : zj_jsonl_raw(src->jsonl);
}

/* ---- the reading thread ----------------------------------------------------------------- *
 * Parses and maps rows, writes rejects to the reject file, and passes accepted records and
 * rejects (for the store) to the writing thread in chunks (rowq.h). */

#define CHUNK_ROWS 4096

/* The reason map_row.c gives a field its encoding cannot decode (counted for the hint). */
#define ENCODING_REASON "invalid byte sequence for the file's encoding"

typedef struct producer {
    source *src;
    zj_row_mapper *rm;
    zj_rejects *rj;
    zj_id_audit *ids;        /* identifiers failing their check character */
    const zj_writer *w;      /* for key hashes, computed here rather than by the writer */
    zj_writer *ahead;        /* w when this thread finds repeated keys for it, else NULL */
    size_t *marks;           /* ... then where the chunk's main records start */
    size_t nmarks, capmarks;
    zj_input *in;
    zj_rowq *q;
    const zj_import_options *opt;
    const char *path;
    const zj_type *types;
    size_t ntypes;
    const zj_type *const *target_types;   /* v2 `rows:` entries */
    const size_t *target_ntypes;
    _Atomic int64_t rows, rejected, bytes;
    int64_t accepted;        /* dry runs: rows that passed (they are not queued) */
    int64_t bad_encoding;    /* rows rejected for bytes their encoding cannot decode */
    int64_t skipped;         /* rows the top-level `when` left out */
    int64_t gen_accepted;    /* dry runs: records of `rows:` entries */
    bool aborted;            /* more rejects than max_errors */
    int rc;
    zj_error err;
} producer;

/* The records a v2 mapping's `rows:` entries make from the row just mapped, after its main
 * record. All or nothing: on a reject the chunk goes back to where the row started. Returns
 * ZJ_OK, ZJ_EDATA with *why set for a reject, or -1 when out of memory. */
static int produce_targets(producer *p, zj_rowq_chunk *chunk, const zj_row *row,
                           size_t mark_len, size_t mark_items, const char **bad, zj_error *why)
{
    size_t cur = 0;                       /* the table records go to: 0 = main */
    int64_t made = 0;
    zj_mapped rec;
    size_t t;
    int got;
    while ((got = zj_mapping_next_record(p->rm, row, &t, &rec, bad, why)) == 1) {
        made++;
        if (p->opt->dry_run)
            continue;
        if ((cur != t + 1 && zj_rowq_add_target(chunk, t + 1)) ||
            zj_rowq_add_record(chunk, row->line, rec.key, rec.key_len, 0, rec.content_hash,
                               rec.values, p->target_types[t], p->target_ntypes[t]))
            return -1;
        cur = t + 1;
    }
    if (got < 0) {
        chunk->data.len = mark_len;       /* nothing of this row */
        chunk->items = mark_items;
        if (chunk->data.data)
            chunk->data.data[mark_len] = '\0';
        return why->code == ZJ_EDATA ? ZJ_EDATA : -1;
    }
    if (cur && zj_rowq_add_target(chunk, 0))
        return -1;
    if (p->opt->dry_run)
        p->gen_accepted += made;
    return ZJ_OK;
}

/* The writer's check for keys repeated within the batch (zj_writer_ahead), done on this
 * thread (the writing thread is the busier one) for the main records of a chunk before it is
 * handed over: each key is new, or repeats an earlier record's, whose row the writer then
 * updates. Each check is a random access into memory of the batch's size; the slot of the
 * record AHEAD_FETCH further on is fetched meanwhile. Returns -1 when out of memory. */
#define AHEAD_FETCH 8

static int ahead_chunk(producer *p, zj_rowq_chunk *chunk)
{
    for (size_t i = 0; i < p->nmarks && i < AHEAD_FETCH; i++)
        zj_writer_ahead_prefetch(p->ahead, zj_rowq_peek_key_hash(chunk, p->marks[i]));
    for (size_t i = 0; i < p->nmarks; i++) {
        if (i + AHEAD_FETCH < p->nmarks)
            zj_writer_ahead_prefetch(p->ahead,
                                     zj_rowq_peek_key_hash(chunk, p->marks[i + AHEAD_FETCH]));
        size_t klen;
        const char *key = zj_rowq_key_at(chunk, p->marks[i], &klen);
        int64_t rep = zj_writer_ahead(p->ahead, key, klen,
                                      zj_rowq_peek_key_hash(chunk, p->marks[i]));
        if (rep < 0)
            return -1;
        if (rep)
            zj_rowq_set_repeat(chunk, p->marks[i], rep);
    }
    p->nmarks = 0;
    return 0;
}

static void *produce(void *arg)
{
    producer *p = arg;
    zj_rowq_chunk chunk = {0};
    zj_row row;
    int got;
    bool targets = p->rm && p->target_types;
    while ((got = source_next(p->src, &row, &p->err)) == 1) {
        int64_t rows = ++p->rows;
        zj_mapped mapped;
        const char *bad = NULL;
        zj_error why = {0};
        size_t mark_len = chunk.data.len, mark_items = chunk.items;
        int mrc = zj_mapping_apply(p->rm, &row, &mapped, &bad, &why);
        bool kept = false;           /* a record of the main table was queued */
        if (mrc == ZJ_OK && mapped.skipped) {
            p->skipped++;
        } else if (mrc == ZJ_OK) {
            zj_id_audit_row(p->ids, mapped.values);
            if (p->opt->dry_run) {
                p->accepted++;              /* checked; nothing to hand to the writer */
            } else if (zj_rowq_add_record(&chunk, row.line, mapped.key, mapped.key_len,
                                          zj_writer_key_hash(p->w, mapped.key, mapped.key_len),
                                          mapped.content_hash, mapped.values, p->types,
                                          p->ntypes)) {
                p->rc = zj_fail(&p->err, ZJ_EDATA, "out of memory");
                break;
            } else {
                kept = true;
            }
            if (targets) {
                mrc = produce_targets(p, &chunk, &row, mark_len, mark_items, &bad, &why);
                if (mrc < 0) {
                    p->rc = zj_fail(&p->err, ZJ_EDATA, "out of memory");
                    break;
                }
                if (mrc && p->opt->dry_run)
                    p->accepted--;
            }
            if (mrc == ZJ_OK && kept && p->ahead) {   /* the row is kept whole */
                if (p->nmarks == p->capmarks) {
                    size_t *grown = zj_grow(p->marks, &p->capmarks, p->nmarks + 1,
                                            sizeof *grown, CHUNK_ROWS);
                    if (!grown) {
                        p->rc = zj_fail(&p->err, ZJ_EDATA, "out of memory");
                        break;
                    }
                    p->marks = grown;
                }
                p->marks[p->nmarks++] = mark_len;
            }
        }
        if (mrc != ZJ_OK) {
            if (why.code != ZJ_EDATA) {        /* out of memory, not the row's fault */
                p->rc = zj_fail(&p->err, ZJ_EDATA, "%s:%lld: %s", p->path,
                                (long long)row.line, why.msg);
                break;
            }
            int64_t rejected = ++p->rejected;
            if (strstr(why.msg, ENCODING_REASON))
                p->bad_encoding++;
            if ((p->rc = zj_rejects_add(p->rj, &row, source_raw(p->src), bad, why.msg, &p->err)))
                break;
            zj_span raw = zj_rejects_last_raw(p->rj);
            if (!p->opt->dry_run &&
                zj_rowq_add_reject(&chunk, row.line, bad, zj_rejects_last_reason(p->rj), raw.p,
                                   raw.n)) {
                p->rc = zj_fail(&p->err, ZJ_EDATA, "out of memory");
                break;
            }
            if (p->opt->max_errors >= 0 && rejected > p->opt->max_errors) {
                p->aborted = true;
                p->rc = zj_fail(&p->err, ZJ_EDATA, "%s:%lld: %s; more than %lld rejected rows "
                                "(--max-errors), nothing of this file was imported%s%s",
                                p->path, (long long)row.line, zj_rejects_last_reason(p->rj),
                                (long long)p->opt->max_errors, p->rj->dir ? "; see " : "",
                                p->rj->dir ? p->rj->path : "");
                break;
            }
        }
        if (rows % CHUNK_ROWS == 0) {
            p->bytes = zj_input_bytes_consumed(p->in);
            size_t used = chunk.data.len;
            if (ahead_chunk(p, &chunk)) {
                p->rc = zj_fail(&p->err, ZJ_EDATA, "out of memory");
                break;
            }
            if (!zj_rowq_push(p->q, &chunk))
                break;                          /* the writer stopped */
            /* the next chunk will be about as large: one allocation instead of a dozen
             * doublings (out of memory shows at the next add), in a buffer used before */
            zj_rowq_take_spare(p->q, &chunk);
            zj_buf_reserve(&chunk.data, used + used / 8);
        }
    }
    if (!p->rc && got < 0)
        p->rc = zj_error_prefix(&p->err, "%s: ", p->path);
    if (!p->rc && ahead_chunk(p, &chunk))
        p->rc = zj_fail(&p->err, ZJ_EDATA, "out of memory");
    if (p->rc) {
        zj_buf_free(&chunk.data);
        zj_rowq_cancel(p->q);
    } else {
        if (chunk.items)
            zj_rowq_push(p->q, &chunk);
        else
            zj_buf_free(&chunk.data);
        p->bytes = zj_input_bytes_consumed(p->in);
        zj_rowq_close(p->q);
    }
    return NULL;
}

/* ---- the writing thread ------------------------------------------------------------------ *
 * Takes the reading thread's chunks one item at a time: records go to the store's writer
 * through zj_writer_put_all (feed_record is its source), rejects are stored one by one. */

typedef struct feed {
    zj_rowq *q;
    const zj_type *types;    /* of the table records go to now (ZJ_ITEM_TARGET switches) */
    size_t ntypes;
    size_t target;           /* 0 main, t + 1 rows[t] */
    zj_rowq_chunk chunk;     /* the chunk being read; freed when the next one is taken */
    bool have_chunk;
    size_t pos;              /* next item in it */
    zj_rowq_item it;         /* the item at hand, when have_item */
    bool have_item;
    int64_t last_line;       /* line of the last record handed to the writer */
    /* progress, reported every PROGRESS_EVERY rows or so */
    const zj_import_options *opt;
    zj_import_progress *prog;
    const producer *prod;
    double t0;
    int64_t chunks;          /* chunks taken */
} feed;

static void feed_progress(feed *f)
{
    if (!f->opt->progress || ++f->chunks % (PROGRESS_EVERY / CHUNK_ROWS))
        return;
    f->prog->rows = f->prod->rows;
    f->prog->rejected = f->prod->rejected;
    f->prog->bytes_done = f->prod->bytes;
    f->prog->seconds = now_seconds() - f->t0;
    f->opt->progress(f->prog, f->opt->progress_ctx);
}

/* The item at hand, taking the next one if needed; NULL at the end of the queue. The item's
 * bytes live until the next chunk is taken, that is until a later call. */
static zj_rowq_item *feed_peek(feed *f)
{
    while (!f->have_item) {
        if (f->have_chunk &&
            zj_rowq_next_item(&f->chunk, &f->pos, f->types, f->ntypes, &f->it)) {
            f->have_item = true;
            break;
        }
        if (f->have_chunk)
            zj_rowq_give_back(f->q, &f->chunk.data);
        f->have_chunk = false;
        if (!zj_rowq_pop(f->q, &f->chunk))
            return NULL;
        f->have_chunk = true;
        f->pos = 0;
        feed_progress(f);
    }
    return &f->it;
}

/* zj_record_source over the queue: the next item if it is a record. */
static int feed_record(void *ctx, zj_record *rec)
{
    feed *f = ctx;
    zj_rowq_item *it = feed_peek(f);
    if (!it || it->kind != ZJ_ITEM_RECORD)
        return 0;
    *rec = (zj_record){.key = it->key, .key_len = it->key_len, .src_line = it->line,
                       .content_hash = it->content_hash, .values = it->values,
                       .key_hash = it->key_hash, .repeat_of = it->repeat_of,
                       .next_key_hash = zj_rowq_peek_key_hash(&f->chunk, f->pos)};
    f->last_line = it->line;
    f->have_item = false;
    return 1;
}

/* Part of the file (`what`: "the header is", "12 rows are") did not decode in res->encoding:
 * if the whole file is valid in the other encoding, say so in res->hint and at the end of
 * err's message when `err` is given. Returns 0 when a hint was written, -1 otherwise. */
static int encoding_hint(const char *path, zj_import_result *res, const char *what,
                         zj_error *err)
{
    zj_encoding other = res->encoding == ZJ_ENC_UTF8 ? ZJ_ENC_GB18030 : ZJ_ENC_UTF8;
    bool valid = false;
    if (zj_input_file_valid(path, other, &valid, NULL) || !valid)
        return -1;
    snprintf(res->hint, sizeof res->hint, "%s not valid %s, but the whole file is valid %s: if "
             "that is its encoding, import it with --encoding %s (or set 'encoding: %s' in the "
             "mapping)", what, zj_encoding_name(res->encoding), zj_encoding_name(other),
             zj_encoding_name(other), zj_encoding_name(other));
    if (err) {
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, "; %s", res->hint);
    }
    return 0;
}

/* Does a row hold bytes its encoding could not decode? */
static bool row_decodes(const zj_row *row)
{
    for (size_t i = 0; i < row->nfields; i++)
        if (row->fields[i].p && !zj_utf8_valid(row->fields[i].p, row->fields[i].n))
            return false;
    return true;
}

/* One attempt at importing the file. *restage: the store staged the load and could not put it
 * in place, because another writer put rows into its empty table meanwhile (store.h): nothing
 * of it stays, and another attempt without staging will do. */
static int import_once(zj_store *s, zj_mapping *m, const char *path, const zj_import_options *opt,
                       zj_import_result *res, bool *restage, zj_error *err)
{
    memset(res, 0, sizeof *res);
    double t0 = now_seconds();
    const zj_table *table = zj_store_table(s, m->table);
    if (!table)
        return zj_fail(err, ZJ_EUSAGE, "%s: no table '%s' in the store (see "
                       "docs/data-standard.md)", m->path, m->table);
    int rc = zj_mapping_bind_store(m, s, err);
    if (rc)
        return rc;

    /* A file imported before through the same mapping is skipped, which takes its digest
     * before anything else. Only a system, table and mapping that have a committed batch
     * can have one: otherwise (a first load, every file of a new province) the digest is
     * taken by the reading thread as it reads (zj_input_digest), and the batch gets it when
     * it finishes, so the file is read once instead of twice (the separate pass was 0.7 s
     * of a 636 MiB file, before the import could start). */
    char digest[33] = "";
    zj_batch batch = {
        .source_system = m->source_system, .table = m->table, .file = path,
        .file_digest = digest, .mapping = m->path, .mapping_digest = m->digest,
    };
    if (!opt->force && !opt->dry_run) {
        bool any = false;
        if ((rc = zj_store_any_batch(s, &batch, &any, err)))
            return rc;
        if (any) {
            if ((rc = zj_file_digest(path, digest, err)) ||
                (rc = zj_store_find_batch(s, &batch, &res->skipped_as, err)))
                return rc;
            if (res->skipped_as)
                return ZJ_OK;
        }
    }

    zj_encoding enc = opt->encoding != ZJ_ENC_AUTO ? opt->encoding : m->encoding;
    zj_input *in = NULL;
    source src = {0};
    zj_row_mapper *rm = NULL;
    zj_writer *w = NULL;
    zj_writer **tw = NULL;        /* v2: a writer per `rows:` entry */
    zj_type **ttypes = NULL;
    size_t *tntypes = NULL;
    size_t maxcols = m->nfields;
    /* a dry run writes no reject file unless it was given a directory: it lists them */
    zj_rejects rj = {.dir = opt->rejects_dir ? opt->rejects_dir : opt->dry_run ? NULL : ".",
                     .listing = opt->rejects_listing, .file = path, .path = res->rejects_path};
    zj_id_audit ids = {0};
    bool in_tx = false;

    if ((rc = zj_input_open(path, enc, &in, err)))
        goto done;
    res->encoding = zj_input_encoding(in);
    zj_row header = {0};
    if (format_for(m, path) == ZJ_FORMAT_CSV) {
        zj_csv_options co = {.delimiter = m->delimiter};
        if (!(src.csv = zj_csv_new(in, &co))) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            goto done;
        }
        rc = zj_csv_next(src.csv, &header, err);
        if (rc == 0) {
            rc = zj_fail(err, ZJ_EDATA, "%s: the file is empty (no header line)", path);
            goto done;
        }
        if (rc < 0) {
            rc = zj_error_prefix(err, "%s: ", path);
            goto done;
        }
        if (header.error) {
            rc = zj_fail(err, ZJ_EDATA, "%s:%lld: cannot read the header: %s", path,
                         (long long)header.line, header.error);
            goto done;
        }
        rc = zj_row_mapper_new(m, &header, &rm, err);
        if (rc == ZJ_EUSAGE && !row_decodes(&header))
            encoding_hint(path, res, "the header is", err);
    } else {
        size_t nkeys;
        const char *const *keys = zj_mapping_source_keys(m, &nkeys);
        if (!(src.jsonl = zj_jsonl_new(in)) || zj_jsonl_set_keys(src.jsonl, keys, nkeys)) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            goto done;
        }
        rc = zj_row_mapper_new(m, NULL, &rm, err);
    }
    if (rc) {
        if (rc == ZJ_EUSAGE)   /* the header lacks a mapped column: name the data file too */
            zj_error_prefix(err, "%s: ", path);
        goto done;
    }

    if (!opt->dry_run) {
        if ((rc = zj_store_begin(s, err)))
            goto done;
        in_tx = true;
        if ((rc = zj_store_batch_start(s, &batch, &batch.id, err)))
            goto done;
        size_t ncols;
        const char *const *cols = zj_row_mapper_columns(rm, &ncols);
        /* ~100 bytes a row is typical of agency exports; only the order of magnitude matters */
        int64_t expected = zj_input_size(in) > 0 ? zj_input_size(in) / 100 : 0;
        for (size_t t = 0; t < m->nrows; t++)   /* two writers on one table: no bulk load */
            if (strcmp(m->rows[t].table, m->table) == 0)
                expected = 0;
        if ((rc = zj_writer_open(s, m->table, cols, ncols, m->source_system, batch.id, expected,
                                 &w, err)))
            goto done;
    }
    if (m->nrows) {
        tw = calloc(m->nrows, sizeof *tw);
        ttypes = calloc(m->nrows, sizeof *ttypes);
        tntypes = calloc(m->nrows, sizeof *tntypes);
        if (!tw || !ttypes || !tntypes) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            goto done;
        }
        for (size_t t = 0; t < m->nrows; t++) {
            const zj_target *tg = &m->rows[t];
            size_t ncols;
            const char *const *cols = zj_row_mapper_target_columns(rm, t, &ncols);
            if (ncols > maxcols)
                maxcols = ncols;
            if (!(ttypes[t] = calloc(ncols + 1, sizeof *ttypes[t]))) {
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
                goto done;
            }
            tntypes[t] = ncols;
            for (size_t i = 0; i < ncols; i++)
                ttypes[t][i] = tg->fields[i].type;
            if (!opt->dry_run && (rc = zj_writer_open(s, tg->table, cols, ncols,
                                                      m->source_system, batch.id, 0, &tw[t],
                                                      err))) {
                zj_error_prefix(err, "%s: rows[%s]: ", m->path, tg->name);
                goto done;
            }
        }
    }

    /* Two threads: this one writes what the reading thread (produce) maps. */
    zj_import_progress prog = {.file = path, .bytes_total = zj_input_size(in)};
    size_t ntypes = m->nfields;
    zj_type *types = calloc(ntypes + 1, sizeof *types);
    zj_value *values = calloc(maxcols + 1, sizeof *values);
    producer prod = {.src = &src, .rm = rm, .rj = &rj, .ids = &ids, .w = w, .in = in, .opt = opt,
                     .path = path, .types = types, .ntypes = ntypes, .q = zj_rowq_new(4),
                     .target_types = (const zj_type *const *)ttypes, .target_ntypes = tntypes};
    pthread_t reader;
    size_t ncolumns;
    const char *const *columns = zj_row_mapper_columns(rm, &ncolumns);
    if (!types || !values || !prod.q || zj_id_audit_init(&ids, columns, ncolumns)) {
        free(types);
        free(values);
        zj_rowq_free(prod.q);
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ntypes; i++)
        types[i] = m->fields[i].type;
    if (w && zj_writer_ahead_start(w))      /* before the reading thread starts */
        prod.ahead = w;
    if (pthread_create(&reader, NULL, produce, &prod)) {
        free(types);
        free(values);
        zj_rowq_free(prod.q);
        rc = zj_fail(err, ZJ_EDATA, "cannot start the reading thread");
        goto done;
    }
    feed f = {.q = prod.q, .types = types, .ntypes = ntypes, .it = {.values = values},
              .opt = opt, .prog = &prog, .prod = &prod, .t0 = t0};
    zj_put_counts counts = {0}, gen_counts = {0};
    for (;;) {
        /* records, as many as come in a row (a dry run queues none) */
        zj_writer *cw = f.target ? tw[f.target - 1] : w;
        if (cw && (rc = zj_writer_put_all(cw, feed_record, &f,
                                          f.target ? &gen_counts : &counts, err))) {
            zj_error_prefix(err, "%s:%lld: ", path, (long long)f.last_line);
            break;
        }
        zj_rowq_item *it = feed_peek(&f);
        if (!it)
            break;
        if (it->kind == ZJ_ITEM_TARGET) {
            f.target = it->target;
            f.types = f.target ? ttypes[f.target - 1] : types;
            f.ntypes = f.target ? tntypes[f.target - 1] : ntypes;
            f.have_item = false;
            continue;
        }
        if (it->kind == ZJ_ITEM_REJECT && w &&
            (rc = zj_store_reject(s, batch.id, it->line, it->field, it->reason, it->raw,
                                  it->raw_len, err)))
            break;
        f.have_item = false;
    }
    if (f.have_chunk)
        zj_buf_free(&f.chunk.data);
    res->inserted = counts.inserted;
    res->updated = counts.updated;
    res->unchanged = counts.unchanged;
    if (rc)
        zj_rowq_cancel(prod.q);            /* the reader stops at its next chunk */
    pthread_join(reader, NULL);
    free(prod.marks);
    zj_rowq_free(prod.q);
    free(types);
    free(values);
    res->rows_read = prod.rows;
    res->rejected = prod.rejected;
    res->bad_check_resident_id = ids.bad_resident_id;
    res->bad_check_uscc = ids.bad_uscc;
    res->skipped = prod.skipped;
    res->gen_inserted = gen_counts.inserted;
    res->gen_updated = gen_counts.updated;
    res->gen_unchanged = gen_counts.unchanged;
    if (opt->dry_run) {
        res->inserted = prod.accepted;
        res->gen_inserted = prod.gen_accepted;
    }
    res->aborted = prod.aborted;
    if (!rc && prod.rc) {
        rc = prod.rc;
        *err = prod.err;
    }
    if (prod.bad_encoding) {
        char what[48];
        snprintf(what, sizeof what, "%lld rows are", (long long)prod.bad_encoding);
        encoding_hint(path, res, what, rc == ZJ_EDATA ? err : NULL);
    }
    if (rc)
        goto done;
    if (opt->dry_run)
        goto done;
    batch.rows_read = res->rows_read;
    batch.inserted = res->inserted;
    batch.updated = res->updated;
    batch.unchanged = res->unchanged;
    batch.rejected = res->rejected;
    batch.status = "committed";
    if (!digest[0] && zj_input_digest(in, digest)) {      /* defensive: the reader read it all */
        rc = zj_fail(err, ZJ_EDATA, "%s: the file was not read to its end", path);
        goto done;
    }
    if ((rc = zj_store_batch_finish(s, &batch, err)))
        goto done;
    if ((rc = zj_writer_finish(w, err))) {
        *restage = zj_writer_staged(w) && zj_error_kind(err) == ZJ_ERR_BUSY;
        goto done;
    }
    for (size_t t = 0; tw && t < m->nrows; t++)
        if ((rc = zj_writer_finish(tw[t], err)))
            goto done;
    zj_writer_close(w);
    w = NULL;
    if ((rc = zj_store_commit(s, err)))
        goto done;
    in_tx = false;
    res->batch_id = batch.id;
    if (opt->progress) {
        prog.rows = res->rows_read;
        prog.rejected = res->rejected;
        prog.bytes_done = prog.bytes_total;
        prog.seconds = now_seconds() - t0;
        opt->progress(&prog, opt->progress_ctx);
    }

done:
    zj_writer_close(w);
    for (size_t t = 0; tw && t < m->nrows; t++)
        zj_writer_close(tw[t]);
    for (size_t t = 0; ttypes && t < m->nrows; t++)
        free(ttypes[t]);
    free(tw);
    free(ttypes);
    free(tntypes);
    if (in_tx)
        zj_store_rollback(s, NULL);
    if (zj_rejects_close(&rj, rc ? NULL : err) && !rc)
        rc = ZJ_EDATA;
    zj_id_audit_free(&ids);
    zj_row_mapper_free(rm);
    zj_csv_free(src.csv);
    zj_jsonl_free(src.jsonl);
    zj_input_close(in);
    res->seconds = now_seconds() - t0;
    if (rc)
        res->batch_id = 0;
    return rc;
}

int zj_import_file(zj_store *s, zj_mapping *m, const char *path, const zj_import_options *opt,
                   zj_import_result *res, zj_error *err)
{
    bool restage = false;
    int rc = import_once(s, m, path, opt, res, &restage, err);
    if (rc && restage) {
        int64_t was = zj_store_stage_loads(s, -1, 0);
        rc = import_once(s, m, path, opt, res, &restage, err);
        zj_store_stage_loads(s, was, 0);
        res->restaged = true;
    }
    return rc;
}
