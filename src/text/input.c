/* input.c - open a file (or standard input, or memory) and stream it as UTF-8 (see input.h).
 *
 * Layout. Source bytes come from a file descriptor or a memory block through src_read(), which
 * honours the testing read limit and counts bytes for progress. They land in `raw`, a 1 MiB
 * window raw[raw_pos..raw_len), from which they are either copied out (UTF-8) or converted by
 * iconv (GB18030). In UTF-8 mode, once the window is empty, large reads bypass it and go
 * straight from the source into the caller's buffer: the import hot path then costs one
 * read(2) and no extra copy.
 *
 * Character boundaries. Every read ends on a UTF-8 character boundary when the caller's buffer
 * has room for 4 bytes: in UTF-8 mode an incomplete sequence at the end of what was read is
 * carried over to the next call (at most 3 bytes); in GB18030 mode iconv stops before an
 * incomplete sequence (EINVAL) and the tail is kept in `raw` for the next source read. At end of
 * input, an incomplete UTF-8 tail passes through unchanged (the caller's validation rejects it)
 * and an incomplete GB18030 tail becomes one 0xFF byte per byte.
 */
#include "text/input.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "text/utf8.h"

#define RAW_CAP (1u << 20)          /* source window: 1 MiB */
#define SNIFF_BYTES (64u << 10)     /* how much ZJ_ENC_AUTO looks at */
#define DIRECT_MIN 4096u            /* UTF-8 reads at least this large bypass the window */

static const char UTF8_BOM[3] = {'\xEF', '\xBB', '\xBF'};
static const char GB18030_BOM[4] = {'\x84', '\x31', '\x95', '\x33'};   /* U+FEFF in GB18030 */
/* What an undecodable GB18030 byte becomes: a byte that never occurs in UTF-8, so the field
 * holding it fails validation, while a U+FFFD already in the file stays valid text. */
static const char UNDECODABLE = '\xFF';

struct zj_input {
    /* the source: a file descriptor, or a borrowed memory block when fd < 0 */
    int fd;
    bool close_fd;              /* false for standard input */
    const char *mem;
    size_t mem_len, mem_pos;
    size_t read_limit;          /* testing hook: max source bytes per src_read, 0 = none */
    bool eof;                   /* the source has reported end of file */
    char *name;                 /* for messages: the path, or "standard input" */

    zj_encoding enc;            /* ZJ_ENC_UTF8 or ZJ_ENC_GB18030 once opened */
    iconv_t cd;                 /* GB18030 -> UTF-8; (iconv_t)-1 in UTF-8 mode */
    bool need_more;             /* iconv stopped at an incomplete sequence at the window's end */

    char *raw;                  /* source window raw[raw_pos..raw_len), capacity raw_cap */
    size_t raw_cap, raw_pos, raw_len;

    char pend[16];              /* converted bytes not yet handed out (caller's cap < 16) */
    size_t pend_pos, pend_len;

    int64_t consumed;           /* source bytes taken so far */
    int64_t size;               /* source size, -1 when unknown */
    int64_t invalid;            /* undecodable GB18030 bytes replaced by U+FFFD */
    XXH3_state_t *digest;       /* XXH3-128 of the source bytes read so far */
};

int zj_encoding_parse(const char *name, zj_encoding *out)
{
    static const struct {
        const char *name;
        zj_encoding enc;
    } names[] = {
        {"auto", ZJ_ENC_AUTO},       {"utf-8", ZJ_ENC_UTF8},        {"utf8", ZJ_ENC_UTF8},
        {"gb18030", ZJ_ENC_GB18030}, {"gbk", ZJ_ENC_GB18030},       {"gb2312", ZJ_ENC_GB18030},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (name && strcasecmp(name, names[i].name) == 0) {
            *out = names[i].enc;
            return 0;
        }
    }
    return -1;
}

const char *zj_encoding_name(zj_encoding enc)
{
    switch (enc) {
    case ZJ_ENC_UTF8:
        return "utf-8";
    case ZJ_ENC_GB18030:
        return "gb18030";
    case ZJ_ENC_AUTO:
        break;
    }
    return "auto";
}

/* Number of bytes at the end of p[0..n) that start a UTF-8 sequence the range does not
 * complete (0-3). Only the lead byte's declared length is looked at; whether the sequence is
 * valid is the validator's business. */
static size_t incomplete_tail(const char *p, size_t n)
{
    for (size_t i = 1; i <= 3 && i <= n; i++) {
        unsigned char c = (unsigned char)p[n - i];
        if (c < 0x80)
            return 0;
        if (c >= 0xC0) {
            size_t need = c >= 0xF8 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            return need > i ? i : 0;
        }
    }
    return 0;
}

/* Read up to n source bytes into dst (at most read_limit when set). Returns the count, 0 at end
 * of file, -1 with errno set on an I/O error. */
static ssize_t src_read(zj_input *in, char *dst, size_t n)
{
    if (in->read_limit && n > in->read_limit)
        n = in->read_limit;
    ssize_t r;
    if (in->fd < 0) {
        size_t left = in->mem_len - in->mem_pos;
        r = (ssize_t)(n < left ? n : left);
        if (r > 0)
            memcpy(dst, in->mem + in->mem_pos, (size_t)r);
        in->mem_pos += (size_t)r;
    } else {
        do
            r = read(in->fd, dst, n);
        while (r < 0 && errno == EINTR);
    }
    if (r > 0) {
        in->consumed += r;
        XXH3_128bits_update(in->digest, dst, (size_t)r);
    }
    return r;
}

/* Report the I/O error in errno; returns -1 for the callers' convenience. */
static ssize_t read_error(zj_input *in, zj_error *err)
{
    zj_fail(err, ZJ_EDATA, "cannot read '%s': %s", in->name, strerror(errno));
    return -1;
}

/* Read until at least `want` bytes are buffered in raw or the source ends, moving the
 * buffered bytes to the front first. Returns the number of new bytes (0 at end of input),
 * or -1 on an I/O error (err set). */
static ssize_t fill_raw(zj_input *in, size_t want, zj_error *err)
{
    assert(want <= in->raw_cap);
    size_t avail = in->raw_len - in->raw_pos;
    if (in->raw_pos) {
        memmove(in->raw, in->raw + in->raw_pos, avail);
        in->raw_pos = 0;
        in->raw_len = avail;
    }
    size_t got = 0;
    while (in->raw_len < want && !in->eof) {
        ssize_t r = src_read(in, in->raw + in->raw_len, in->raw_cap - in->raw_len);
        if (r < 0)
            return read_error(in, err);
        if (r == 0)
            in->eof = true;
        in->raw_len += (size_t)r;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* UTF-8 mode: copy bytes through, ending each read on a character boundary (see the top). */
static ssize_t read_utf8(zj_input *in, char *buf, size_t cap, zj_error *err)
{
    for (;;) {
        size_t avail = in->raw_len - in->raw_pos;
        if (avail < 4 && cap >= DIRECT_MIN && !in->eof) {
            /* Direct path: the carried-over partial character (if any), then the source. */
            memcpy(buf, in->raw + in->raw_pos, avail);
            ssize_t r = src_read(in, buf + avail, cap - avail);
            if (r < 0)
                return read_error(in, err);
            in->raw_pos = in->raw_len = 0;
            if (r == 0)
                in->eof = true;
            size_t n = avail + (size_t)r;
            size_t keep = in->eof ? 0 : incomplete_tail(buf, n);
            if (keep) {
                memcpy(in->raw, buf + n - keep, keep);
                in->raw_len = keep;
                n -= keep;
            }
            if (n || in->eof)
                return (ssize_t)n;
            continue;   /* the source gave only part of one character */
        }
        if (avail == 0) {
            if (in->eof)
                return 0;
            if (fill_raw(in, 1, err) < 0)
                return -1;
            continue;
        }
        size_t n = avail < cap ? avail : cap;
        const char *src = in->raw + in->raw_pos;
        if (cap >= 4 && !(n == avail && in->eof)) {
            size_t keep = incomplete_tail(src, n);
            if (keep == n) {
                /* Only part of a character is buffered (n == avail here, since cap >= 4). */
                if (fill_raw(in, avail + 1, err) < 0)
                    return -1;
                continue;
            }
            n -= keep;
        }
        memcpy(buf, src, n);
        in->raw_pos += n;
        return (ssize_t)n;
    }
}

/* GB18030 mode: convert raw into out[0..left) until the window is empty or out is full.
 * Returns the number of bytes produced (0 only at end of input), or -1 (err set). */
static ssize_t convert_gb(zj_input *in, char *out, size_t left, zj_error *err)
{
    char *start = out;
    for (;;) {
        size_t avail = in->raw_len - in->raw_pos;
        if (avail == 0 || in->need_more) {
            if (out > start)
                break;          /* hand out what we have before waiting for more input */
            if (!in->eof) {
                ssize_t got = fill_raw(in, avail + 1, err);
                if (got < 0)
                    return -1;
                if (got > 0)
                    in->need_more = false;
                continue;
            }
            if (avail == 0)
                break;          /* end of input */
            /* A sequence cut short by the end of input: mark its first byte and go on. */
            assert(left >= 1);   /* out == start: the whole buffer is free */
            in->need_more = false;
            *out++ = UNDECODABLE;
            left--;
            in->raw_pos++;
            in->invalid++;
            continue;
        }
        char *ip = in->raw + in->raw_pos;
        /* ASCII stands for itself: copied, not converted (most bytes of most exports; iconv
         * takes every byte through two conversion steps) */
        size_t run = 0, most = avail < left ? avail : left;
        while (run < most && (unsigned char)ip[run] < 0x80)
            run++;
        if (run) {
            memcpy(out, ip, run);
            out += run;
            left -= run;
            in->raw_pos += run;
            continue;
        }
        /* iconv gets the bytes up to the next one below 0x30, which no GB18030 sequence
         * continues with ('"', ',', tab, newline ...): the same boundaries as the whole
         * window's, so the same output. A sequence cut by that byte is invalid, as it is in
         * the whole window, not waiting for more input. */
        size_t il = 1;
        while (il < avail && (unsigned char)ip[il] >= 0x30)
            il++;
        bool cut = il < avail;
        size_t rc = iconv(in->cd, &ip, &il, &out, &left);
        int e = errno;
        in->raw_pos = (size_t)(ip - in->raw);
        if (rc != (size_t)-1)
            continue;           /* segment fully converted */
        if (e == E2BIG)
            break;
        if (e == EINVAL && !cut) {
            in->need_more = true;
            continue;
        }
        if (e == EINVAL)
            e = EILSEQ;
        if (e == EILSEQ) {
            if (left < 1)
                break;          /* no room for the mark: the next call starts with it */
            *out++ = UNDECODABLE;
            left--;
            in->raw_pos++;
            in->invalid++;
            continue;
        }
        zj_fail(err, ZJ_EDATA, "cannot convert '%s' from GB18030: %s", in->name, strerror(e));
        return -1;
    }
    /* Defensive: out has room for at least one character (16 bytes) whenever we get here
     * with nothing produced, so E2BIG with an empty output would be an iconv bug. */
    if (out == start && (in->raw_len > in->raw_pos || !in->eof)) {
        zj_fail(err, ZJ_EDATA, "cannot convert '%s' from GB18030: no progress", in->name);
        return -1;
    }
    return out - start;
}

static ssize_t read_gb(zj_input *in, char *buf, size_t cap, zj_error *err)
{
    if (in->pend_pos == in->pend_len && cap < sizeof in->pend) {
        /* Too small for a whole character plus U+FFFD: convert into pend, then hand out. */
        ssize_t n = convert_gb(in, in->pend, sizeof in->pend, err);
        if (n <= 0)
            return n;
        in->pend_pos = 0;
        in->pend_len = (size_t)n;
    }
    if (in->pend_pos < in->pend_len) {
        size_t n = in->pend_len - in->pend_pos;
        if (n > cap) {
            n = cap;
            if (cap >= 4)       /* pend holds whole characters: cut between two of them */
                n -= incomplete_tail(in->pend + in->pend_pos, n);
        }
        memcpy(buf, in->pend + in->pend_pos, n);
        in->pend_pos += n;
        return (ssize_t)n;
    }
    return convert_gb(in, buf, cap, err);
}

ssize_t zj_input_read(zj_input *in, char *buf, size_t cap, zj_error *err)
{
    assert(cap > 0);
    if (cap == 0)
        return 0;
    return in->enc == ZJ_ENC_GB18030 ? read_gb(in, buf, cap, err) : read_utf8(in, buf, cap, err);
}

/* Decide the encoding (for ZJ_ENC_AUTO), skip a byte order mark and set up conversion. */
static int start(zj_input *in, zj_encoding enc, zj_error *err)
{
    if (enc == ZJ_ENC_AUTO) {
        const char *p;          /* the sniffed prefix */
        size_t n;
        bool whole;             /* the prefix is the whole input */
        if (in->fd < 0) {
            p = in->mem;
            n = in->mem_len < SNIFF_BYTES ? in->mem_len : SNIFF_BYTES;
            whole = n == in->mem_len;
        } else {
            if (fill_raw(in, SNIFF_BYTES, err) < 0)
                return ZJ_EDATA;
            p = in->raw;
            n = in->raw_len < SNIFF_BYTES ? in->raw_len : SNIFF_BYTES;
            whole = in->eof && n == in->raw_len;
        }
        if (n >= 3 && memcmp(p, UTF8_BOM, 3) == 0)
            enc = ZJ_ENC_UTF8;
        else
            enc = zj_utf8_valid(p, whole ? n : n - incomplete_tail(p, n)) ? ZJ_ENC_UTF8
                                                                          : ZJ_ENC_GB18030;
    }
    in->enc = enc;

    const char *bom = enc == ZJ_ENC_UTF8 ? UTF8_BOM : GB18030_BOM;
    size_t bom_len = enc == ZJ_ENC_UTF8 ? sizeof UTF8_BOM : sizeof GB18030_BOM;
    if (in->fd < 0) {
        if (in->mem_len >= bom_len && memcmp(in->mem, bom, bom_len) == 0) {
            in->mem_pos = bom_len;
            in->consumed = (int64_t)bom_len;
        }
    } else {
        if (fill_raw(in, bom_len, err) < 0)
            return ZJ_EDATA;
        if (in->raw_len >= bom_len && memcmp(in->raw, bom, bom_len) == 0)
            in->raw_pos = bom_len;
    }

    if (enc == ZJ_ENC_GB18030) {
        in->cd = iconv_open("UTF-8", "GB18030");
        if (in->cd == (iconv_t)-1)
            return zj_fail(err, ZJ_EDATA, "cannot convert '%s' from GB18030: %s", in->name,
                           strerror(errno));
    }
    return ZJ_OK;
}

static zj_input *input_new(const char *name, size_t raw_cap)
{
    zj_input *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->fd = -1;
    in->cd = (iconv_t)-1;
    in->size = -1;
    in->raw_cap = raw_cap;
    in->raw = malloc(raw_cap);
    in->name = strdup(name);
    in->digest = XXH3_createState();
    if (!in->raw || !in->name || !in->digest) {
        free(in->raw);
        free(in->name);
        XXH3_freeState(in->digest);
        free(in);
        return NULL;
    }
    XXH3_128bits_reset(in->digest);
    return in;
}

int zj_input_open(const char *path, zj_encoding enc, zj_input **out, zj_error *err)
{
    *out = NULL;
    bool is_stdin = strcmp(path, "-") == 0;
    zj_input *in = input_new(is_stdin ? "standard input" : path, RAW_CAP);
    if (!in)
        return zj_fail(err, ZJ_EDATA, "cannot open '%s': out of memory", path);
    if (is_stdin) {
        in->fd = STDIN_FILENO;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            int rc = zj_fail(err, ZJ_EDATA, "cannot open '%s': %s", path, strerror(errno));
            zj_input_close(in);
            return rc;
        }
        in->close_fd = true;
    }
    struct stat st;
    if (fstat(in->fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            int rc = zj_fail(err, ZJ_EDATA, "cannot read '%s': it is a directory", in->name);
            zj_input_close(in);
            return rc;
        }
        if (S_ISREG(st.st_mode)) {
            in->size = st.st_size;
            posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);   /* a hint; failure is fine */
        }
    }
    int rc = start(in, enc, err);
    if (rc) {
        zj_input_close(in);
        return rc;
    }
    *out = in;
    return ZJ_OK;
}

int zj_input_open_memory(const void *p, size_t n, zj_encoding enc, zj_input **out,
                         zj_error *err)
{
    *out = NULL;
    /* Small inputs get a small window, which also exercises the refill paths in tests. */
    size_t cap = n + 64 < RAW_CAP ? n + 64 : RAW_CAP;
    zj_input *in = input_new("memory", cap);
    if (!in)
        return zj_fail(err, ZJ_EDATA, "cannot open input from memory: out of memory");
    in->mem = p;
    in->mem_len = n;
    in->size = (int64_t)n;
    int rc = start(in, enc, err);
    if (rc) {
        zj_input_close(in);
        return rc;
    }
    *out = in;
    return ZJ_OK;
}

int zj_input_file_valid(const char *path, zj_encoding enc, bool *valid, zj_error *err)
{
    *valid = false;
    zj_input *in = NULL;
    int rc = zj_input_open(path, enc, &in, err);
    if (rc)
        return rc;
    size_t cap = 1 << 20;
    char *buf = malloc(cap);
    if (!buf) {
        zj_input_close(in);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    bool ok = true;
    ssize_t r;
    /* reads end on character boundaries (cap >= 4), so each can be validated on its own */
    while ((r = zj_input_read(in, buf, cap, err)) > 0)
        if ((enc == ZJ_ENC_UTF8 && !zj_utf8_valid(buf, (size_t)r)) ||
            zj_input_invalid_sequences(in) > 0) {
            ok = false;         /* the answer is known: no need to read the rest */
            break;
        }
    if (r >= 0) {
        *valid = ok && zj_input_invalid_sequences(in) == 0;
        rc = ZJ_OK;
    } else
        rc = ZJ_EDATA;
    free(buf);
    zj_input_close(in);
    return rc;
}

void zj_input_set_read_limit(zj_input *in, size_t max) { in->read_limit = max; }

zj_encoding zj_input_encoding(const zj_input *in) { return in->enc; }

int64_t zj_input_bytes_consumed(const zj_input *in) { return in->consumed; }

int64_t zj_input_size(const zj_input *in) { return in->size; }

int64_t zj_input_invalid_sequences(const zj_input *in) { return in->invalid; }

int zj_input_digest(const zj_input *in, char hex[33])
{
    if (!in->eof)
        return -1;
    XXH128_hash_t h = XXH3_128bits_digest(in->digest);
    snprintf(hex, 33, "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
    return 0;
}

void zj_input_close(zj_input *in)
{
    if (!in)
        return;
    if (in->close_fd)
        close(in->fd);
    if (in->cd != (iconv_t)-1)
        iconv_close(in->cd);
    free(in->raw);
    free(in->name);
    XXH3_freeState(in->digest);
    free(in);
}
