/* csv.c - the streaming RFC 4180 parser (see csv.h). This is the import hot path.
 *
 * Buffer. Decoded bytes are read from the zj_input into one buffer buf[0..len), followed by a
 * NUL sentinel at buf[len], so the scanning loops need no bounds check: they stop on any byte
 * that is special in their state, and a NUL is then either the sentinel (p == end) or a data
 * byte. The current record starts at `rec`; when the scanner reaches the end of the buffer in
 * the middle of a record, the record is moved to the front, the buffer is refilled (and grown
 * when the record fills most of it) and scanning resumes where it stopped.
 *
 * Resumable scanner. scan() is a state machine whose state (`state`, `pos`, the current
 * field's `fstart`, where the current line starts, the fields found so far) lives in the parser,
 * so a record cut by a buffer boundary is never scanned twice. Every decision that needs one
 * byte of lookahead (a quote inside a quoted field: "" or the closing quote? a CR: CRLF or a
 * lone CR?) suspends *before* the byte when it is the last one buffered and input remains.
 *
 * Fields are spans into the buffer, never copied. A quoted field's content starts right
 * after the opening quote; one that holds a "" is unescaped in place only once the record is
 * complete and well-formed (zj_csv_next), so until then the buffer holds the record exactly
 * as read: a malformed record is handed out with its raw text, and a quoted field left open
 * can be given up on without losing the lines after its opening one. While scanning, fields
 * are kept as offsets, because a refill may move the buffer; they become pointers when the
 * record is done.
 *
 * A quoted field still open `max_quoted_lines` lines after the line where it opened, or at
 * the end of input, is taken for a stray quote: the record is cut at the end of that line
 * (its raw text is the record up to there), marked malformed, and scanning starts again on
 * the next line, so one stray quote costs one rejected line, not the rest of the file.
 *
 * Line numbers count LF, CRLF and lone CR once each, inside quoted fields too.
 */
#include "ingest/csv.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_RECORD ((size_t)16 << 20)   /* 16 MiB */
#define MAX_BUF ((size_t)1 << 20)                /* initial buffer: 1 MiB, or the input size */
#define MIN_BUF ((size_t)64)
#define DEFAULT_MAX_QUOTED_LINES 100

enum state {
    ST_RECORD,          /* at the start of a record: blank lines are skipped here */
    ST_FIELD,           /* at the start of a field (after a delimiter) */
    ST_UNQUOTED,        /* inside an unquoted field */
    ST_QUOTED,          /* inside a quoted field */
    ST_GARBAGE,         /* skipping bytes after a closing quote, up to the delimiter */
    ST_EOL,             /* fields done; p is on the CR or LF that ends the record */
};

enum scan_result { NEED_MORE, RECORD, END, NO_MEMORY };

struct field {
    size_t off, len;    /* offset into buf */
    bool escaped;       /* a quoted field holding "": unescaped when the record is handed out */
};

struct zj_csv {
    zj_input *in;                       /* borrowed */
    char delim, quote;
    size_t max_record;
    int64_t max_quoted_lines;
    unsigned char ucls[256];            /* non-zero: special in an unquoted field */
    unsigned char qcls[256];            /* non-zero: special in a quoted field */

    char *buf;                          /* buf[0..len) data, buf[len] == '\0'; cap includes it */
    size_t cap, len;
    bool eof;                           /* the input is exhausted */

    /* scanner state, kept across refills */
    enum state state;
    size_t pos;                         /* next byte to scan */
    size_t rec;                         /* where the current record starts */
    size_t rec_end;                     /* where the last record's content ends */
    size_t fstart;                      /* where the current field's content starts */
    bool escaped;                       /* ST_QUOTED: the field holds a "" */
    size_t lstart;                      /* where the line being scanned starts */
    size_t qopen;                       /* ST_QUOTED: where the line the field opened on starts, */
    int64_t qopen_line;                 /* ... and that line's number */
    int64_t line;                       /* physical line of buf[pos] */
    int64_t rec_line;                   /* physical line where the current record starts */
    const char *error;                  /* first problem found in the current record */
    bool discard;                       /* the record is too long: drop bytes as scanned */
    char message[96];                   /* an error that needs formatting */
    zj_span raw;                        /* the last record's text, see zj_csv_raw */

    struct field *fields;               /* fields of the current record */
    size_t nfields, fields_cap;
    zj_span *spans;                     /* what zj_csv_next hands out */
    size_t spans_cap;
};

zj_csv *zj_csv_new(zj_input *in, const zj_csv_options *opts)
{
    char delim = opts && opts->delimiter ? opts->delimiter : ',';
    char quote = opts && opts->quote ? opts->quote : '"';
    if (delim == quote || delim == '\n' || delim == '\r' || quote == '\n' || quote == '\r')
        return NULL;
    zj_csv *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->in = in;
    c->delim = delim;
    c->quote = quote;
    c->max_record = opts && opts->max_record_bytes ? opts->max_record_bytes : DEFAULT_MAX_RECORD;
    c->max_quoted_lines = opts && opts->max_quoted_lines > 0 ? opts->max_quoted_lines
                                                             : DEFAULT_MAX_QUOTED_LINES;
    c->ucls[(unsigned char)delim] = c->ucls['\n'] = c->ucls['\r'] = c->ucls[0] = 1;
    c->qcls[(unsigned char)quote] = c->qcls['\n'] = c->qcls['\r'] = c->qcls[0] = 1;

    /* A small input gets a small buffer (it matters for tests and fuzzing, not for imports). */
    int64_t size = zj_input_size(in);
    c->cap = size >= 0 && (uint64_t)size < MAX_BUF - MIN_BUF ? (size_t)size + MIN_BUF : MAX_BUF;
    c->buf = malloc(c->cap);
    c->fields_cap = 16;
    c->fields = malloc(c->fields_cap * sizeof *c->fields);
    if (!c->buf || !c->fields) {
        zj_csv_free(c);
        return NULL;
    }
    c->buf[0] = '\0';
    c->state = ST_RECORD;
    c->line = 1;
    return c;
}

zj_span zj_csv_raw(const zj_csv *c) { return c->raw; }

void zj_csv_free(zj_csv *c)
{
    if (!c)
        return;
    free(c->buf);
    free(c->fields);
    free(c->spans);
    free(c);
}

static const char NUL_BYTE[] = "contains a NUL byte (\\0)";

/* Record a finished field; beyond ZJ_CSV_MAX_FIELDS the record is marked malformed instead.
 * Returns false when out of memory. */
static bool add_field(zj_csv *c, size_t off, size_t len, bool escaped)
{
    if (c->nfields == c->fields_cap) {
        if (c->nfields >= ZJ_CSV_MAX_FIELDS) {
            if (!c->error)
                c->error = "too many fields";
            return true;
        }
        size_t ncap = c->fields_cap * 2;
        struct field *f = realloc(c->fields, ncap * sizeof *f);
        if (!f)
            return false;
        c->fields = f;
        c->fields_cap = ncap;
    }
    c->fields[c->nfields].off = off;
    c->fields[c->nfields].len = len;
    c->fields[c->nfields].escaped = escaped;
    c->nfields++;
    return true;
}

/* Scan from pos. Returns RECORD when a record is complete (fields, rec_line and error are
 * set; pos is past it), END when the input holds no further record, NEED_MORE when the
 * buffer ends first (state saved), NO_MEMORY when the field list cannot grow. */
static enum scan_result scan(zj_csv *c)
{
    char *const base = c->buf;
    const char *const end = base + c->len;
    const unsigned char *const ucls = c->ucls, *const qcls = c->qcls;
    const char delim = c->delim, quote = c->quote;
    const bool eof = c->eof;
    char *p = base + c->pos;
    const char *content_end;            /* where the record's last field ends */

#define SUSPEND(st)                                                                            \
    do {                                                                                       \
        c->state = (st);                                                                       \
        c->pos = (size_t)(p - base);                                                           \
        return NEED_MORE;                                                                      \
    } while (0)
    /* the record read so far is longer than max_record (whether or not a refill noticed) */
#define TOO_LONG() (c->discard || (size_t)(p - base) - c->rec > c->max_record)
#define FIELD(flen, esc)                                                                       \
    do {                                                                                       \
        if (c->nfields < c->fields_cap) {                                                      \
            c->fields[c->nfields].off = c->fstart;                                             \
            c->fields[c->nfields].len = (flen);                                                \
            c->fields[c->nfields].escaped = (esc);                                             \
            c->nfields++;                                                                      \
        } else if (!add_field(c, c->fstart, (flen), (esc))) {                                  \
            return NO_MEMORY;                                                                  \
        }                                                                                      \
    } while (0)

    switch (c->state) {
    case ST_RECORD: goto record;
    case ST_FIELD: goto field;
    case ST_UNQUOTED: goto unquoted;
    case ST_QUOTED: goto quoted;
    case ST_GARBAGE: goto garbage;
    case ST_EOL: goto eol;
    }

record:
    /* Skip blank lines (no bytes at all before the line end); they still count. */
    for (;;) {
        if (p == end) {
            c->rec = (size_t)(p - base);
            if (eof) {
                c->pos = c->rec;
                c->state = ST_RECORD;
                return END;
            }
            SUSPEND(ST_RECORD);
        }
        if (*p == '\n') {
            p++;
        } else if (*p == '\r') {
            if (p + 1 == end && !eof) {
                c->rec = (size_t)(p - base);
                SUSPEND(ST_RECORD);
            }
            p += p + 1 < end && p[1] == '\n' ? 2 : 1;
        } else {
            break;
        }
        c->line++;
    }
    c->rec = c->lstart = (size_t)(p - base);
    c->rec_line = c->line;
    c->nfields = 0;
    c->error = NULL;
    c->discard = false;

field:
    if (p == end && !eof)
        SUSPEND(ST_FIELD);      /* the next byte decides: quoted or not */
    c->fstart = (size_t)(p - base);
    if (*p == quote) {
        c->fstart++;
        c->escaped = false;
        c->qopen_line = c->line;
        c->qopen = c->lstart;
        ++p;
        goto quoted;
    }
    /* fall through: an unquoted field, possibly empty */

unquoted:
    for (;;) {
        while (!ucls[(unsigned char)*p])
            p++;
        if (*p == delim) {
            FIELD((size_t)(p - base) - c->fstart, false);
            p++;
            goto field;
        }
        if (*p == '\n' || *p == '\r') {
            FIELD((size_t)(p - base) - c->fstart, false);
            goto eol;
        }
        if (p == end) {
            if (!eof)
                SUSPEND(ST_UNQUOTED);
            FIELD((size_t)(p - base) - c->fstart, false);
            content_end = p;
            goto done;
        }
        if (!c->error)
            c->error = NUL_BYTE;
        p++;
    }

quoted:
    for (;;) {
        while (!qcls[(unsigned char)*p])
            p++;
        if (*p == quote) {
            if (p + 1 == end && !eof)
                SUSPEND(ST_QUOTED);
            if (p + 1 < end && p[1] == quote) {
                c->escaped = true;      /* "" inside quotes is one quote */
                p += 2;
                continue;
            }
            FIELD((size_t)(p - base) - c->fstart, c->escaped);
            p++;
            goto after_quote;
        }
        if (*p == '\n' || *p == '\r') {
            if (*p == '\r') {
                if (p + 1 == end && !eof)
                    SUSPEND(ST_QUOTED);
                if (p + 1 < end && p[1] == '\n') {
                    p++;        /* CRLF: the LF counts the line */
                    continue;
                }
            }
            c->line++;
            c->lstart = (size_t)(p + 1 - base);
            if (c->line - c->qopen_line > c->max_quoted_lines)
                goto runaway;
        } else if (p == end) {
            if (!eof)
                SUSPEND(ST_QUOTED);
            goto runaway;
        } else if (!c->error) {
            c->error = NUL_BYTE;
        }
        p++;
    }

runaway:
    /* The quoted field is still open max_quoted_lines after its line, or at the end of the
     * input, or closed amid text lines later: a stray quote, most likely. The record ends with
     * the line the quote opened on; scanning starts again on the next line. A record already
     * longer than max_record is "record too long" instead and ends here (how much of it is
     * still buffered depends on how the input was read, so this must not). */
    if (p == end)
        snprintf(c->message, sizeof c->message, "quoted field opened on line %lld is never "
                 "closed (a stray quote?)", (long long)c->qopen_line);
    else if (*p != '\n' && *p != '\r')
        snprintf(c->message, sizeof c->message, "quoted field opened on line %lld closes on line "
                 "%lld amid text (a stray quote?)", (long long)c->qopen_line, (long long)c->line);
    else
        snprintf(c->message, sizeof c->message, "quoted field opened on line %lld is not closed "
                 "within %lld lines (a stray quote?)", (long long)c->qopen_line,
                 (long long)c->max_quoted_lines);
    if (!TOO_LONG()) {
        c->error = c->message;
        const char *q = base + c->qopen;
        while (q < p && *q != '\n' && *q != '\r')
            q++;
        content_end = q;
        if (q < p) {            /* the line end lies before p, so its next byte is buffered */
            q += *q == '\r' && q[1] == '\n' ? 2 : 1;
            c->line = c->qopen_line + 1;
        }
        p = (char *)q;
    } else {
        content_end = p;
        if (p < end)
            p++;                /* the line end that reached the limit (counted above) */
    }
    c->nfields = 0;
    goto done;

after_quote:
    /* No suspension here: a quote is taken as closing only once the byte after it is
     * buffered, or at end of input. */
    if (*p == delim) {
        p++;
        goto field;
    }
    if (*p == '\n' || *p == '\r')
        goto eol;
    if (p == end) {
        assert(eof);
        content_end = p;
        goto done;
    }
    /* Text after a closing quote that ended a field spanning lines: the quote that opened it
     * was a stray one, closed by another stray quote; cut the record as for a field never
     * closed, rather than swallow the lines between them into one reject. */
    if (c->line > c->qopen_line && !TOO_LONG())
        goto runaway;
    if (!c->error)
        c->error = *p ? "unexpected character after closing quote" : NUL_BYTE;

garbage:
    /* Not RFC 4180: drop everything up to the delimiter or the line end (quotes included);
     * the record is rejected anyway, and the next one is read normally. */
    for (;;) {
        while (!ucls[(unsigned char)*p])
            p++;
        if (*p == delim) {
            p++;
            goto field;
        }
        if (*p == '\n' || *p == '\r')
            goto eol;
        if (p == end) {
            if (!eof)
                SUSPEND(ST_GARBAGE);
            content_end = p;
            goto done;
        }
        p++;    /* dropped, a NUL byte included (the record is malformed already) */
    }

eol:
    content_end = p;
    if (*p == '\r') {
        if (p + 1 == end && !eof)
            SUSPEND(ST_EOL);
        p += p + 1 < end && p[1] == '\n' ? 2 : 1;
    } else {
        p++;
    }
    c->line++;

done:
    if ((size_t)(content_end - base) - c->rec > c->max_record && !c->discard) {
        c->discard = true;
        c->error = "record too long";
    }
    c->rec_end = (size_t)(content_end - base);
    c->pos = (size_t)(p - base);
    c->state = ST_RECORD;
    return RECORD;
#undef SUSPEND
#undef TOO_LONG
#undef FIELD
}

/* Make room and read more input after scan() returned NEED_MORE: drop what is no longer
 * needed (everything before the record, or before pos for a record being discarded), grow the
 * buffer when the record fills most of it, and read. Returns 0, or -1 (err set). */
static int refill(zj_csv *c, zj_error *err)
{
    assert(!c->eof);
    if (!c->discard && c->pos - c->rec > c->max_record) {
        c->discard = true;      /* from here on its bytes are dropped as soon as scanned */
        c->error = "record too long";
    }
    size_t drop = c->discard ? c->pos : c->rec;
    if (drop) {
        memmove(c->buf, c->buf + drop, c->len - drop);
        c->len -= drop;
        c->pos -= drop;
        if (c->discard) {
            c->rec = c->fstart = c->qopen = c->lstart = 0;
            c->nfields = 0;
        } else {
            c->rec = 0;
            if (c->state == ST_UNQUOTED || c->state == ST_QUOTED)
                c->fstart -= drop;      /* elsewhere fstart is set before it is used */
            if (c->state == ST_QUOTED)
                c->qopen -= drop;
            if (c->state != ST_RECORD)
                c->lstart -= drop;
            for (size_t i = 0; i < c->nfields; i++)
                c->fields[i].off -= drop;
        }
    }
    if (c->cap - 1 - c->len < c->cap / 4) {
        size_t ncap = c->cap * 2;
        char *b = realloc(c->buf, ncap);
        if (!b) {
            zj_fail(err, ZJ_EDATA, "line %lld: out of memory", (long long)c->rec_line);
            return -1;
        }
        c->buf = b;
        c->cap = ncap;
    }
    ssize_t r = zj_input_read(c->in, c->buf + c->len, c->cap - 1 - c->len, err);
    if (r < 0)
        return -1;
    if (r == 0)
        c->eof = true;
    c->len += (size_t)r;
    c->buf[c->len] = '\0';
    return 0;
}

int zj_csv_next(zj_csv *c, zj_row *row, zj_error *err)
{
    for (;;) {
        switch (scan(c)) {
        case RECORD:
            break;
        case END:
            return 0;
        case NO_MEMORY:
            zj_fail(err, ZJ_EDATA, "line %lld: out of memory", (long long)c->rec_line);
            return -1;
        case NEED_MORE:
            if (refill(c, err) < 0)
                return -1;
            continue;
        }
        size_t n = c->discard ? 0 : c->nfields;
        if (n > c->spans_cap) {
            size_t ncap = c->spans_cap ? c->spans_cap : 16;
            while (ncap < n)
                ncap *= 2;
            zj_span *s = realloc(c->spans, ncap * sizeof *s);
            if (!s) {
                zj_fail(err, ZJ_EDATA, "line %lld: out of memory", (long long)c->rec_line);
                return -1;
            }
            c->spans = s;
            c->spans_cap = ncap;
        }
        bool raw_intact = !c->discard;
        for (size_t i = 0; i < n; i++) {
            char *f = c->buf + c->fields[i].off;
            size_t len = c->fields[i].len;
            if (c->fields[i].escaped && !c->error) {
                size_t w = 0;                   /* "" -> " in place; the raw text is lost */
                for (size_t r = 0; r < len; r++) {
                    f[w++] = f[r];
                    if (f[r] == c->quote)
                        r++;
                }
                len = w;
                raw_intact = false;
            }
            c->spans[i].p = f;
            c->spans[i].n = len;
        }
        row->fields = c->spans;
        row->nfields = n;
        row->line = c->rec_line;
        row->error = c->error;
        c->raw = raw_intact ? (zj_span){c->buf + c->rec, c->rec_end - c->rec}
                            : (zj_span){NULL, 0};
        return 1;
    }
}
