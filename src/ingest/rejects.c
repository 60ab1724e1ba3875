/* rejects.c - reject files and listings of rejected rows (see rejects.h). */
#include "ingest/rejects.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "text/utf8.h"

/* Append p[0..n) to b with every byte that is not part of valid UTF-8 replaced by U+FFFD and
 * every NUL by U+2400 (␀), so the reject file and the store hold text. */
static void append_text(zj_buf *b, const char *p, size_t n)
{
    if (zj_utf8_valid(p, n) && !memchr(p, '\0', n)) {
        zj_buf_append(b, p, n);
        return;
    }
    size_t i = 0;
    while (i < n) {
        if (p[i] == '\0') {
            zj_buf_append(b, "\xE2\x90\x80", 3);
            i++;
            continue;
        }
        /* the longest valid prefix of what is left, at most 4 bytes at a time */
        size_t k;
        for (k = 4; k > 0; k--)
            if (i + k <= n && zj_utf8_valid(p + i, k) && !memchr(p + i, '\0', k))
                break;
        if (k) {
            zj_buf_append(b, p + i, k);
            i += k;
        } else {
            zj_buf_append(b, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
}

/* Append one CSV field, quoted when it needs to be. */
static void csv_field(zj_buf *b, const char *p, size_t n)
{
    if (!p)
        return;
    if (!memchr(p, ',', n) && !memchr(p, '"', n) && !memchr(p, '\n', n) && !memchr(p, '\r', n)) {
        zj_buf_append(b, p, n);
        return;
    }
    zj_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"')
            zj_buf_putc(b, '"');
        zj_buf_putc(b, p[i]);
    }
    zj_buf_putc(b, '"');
}

/* Create the reject file: <dir>/<data file's name>.<time>.rejects.csv, mode 0600. */
static int open_file(zj_rejects *r, zj_error *err)
{
    if (mkdir(r->dir, 0700) && errno != EEXIST)
        return zj_fail(err, ZJ_EDATA, "cannot create reject directory '%s': %s", r->dir,
                       strerror(errno));
    char stamp[32];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    localtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    char *copy = strdup(r->file);
    if (!copy)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    snprintf(r->path, 4096, "%s/%s.%s-%03ld.rejects.csv", r->dir, basename(copy), stamp,
             ts.tv_nsec / 1000000);
    free(copy);
    int fd = open(r->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0 && !(r->f = fdopen(fd, "w")))
        close(fd);
    if (!r->f)
        return zj_fail(err, ZJ_EDATA, "cannot write reject file '%s': %s", r->path,
                       strerror(errno));
    fputs("file,line,field,reason,raw\n", r->f);
    return ZJ_OK;
}

int zj_rejects_add(zj_rejects *r, const zj_row *row, zj_span raw, const char *field,
                   const char *reason, zj_error *err)
{
    if (r->dir && !r->f) {
        int rc = open_file(r, err);
        if (rc)
            return rc;
    }
    zj_buf_clear(&r->raw);
    if (raw.p) {
        append_text(&r->raw, raw.p, raw.n);
    } else if (!row->error) {
        zj_buf field_csv = {0};
        for (size_t i = 0; i < row->nfields; i++) {
            if (i)
                zj_buf_putc(&field_csv, ',');
            csv_field(&field_csv, row->fields[i].p, row->fields[i].n);
        }
        if (field_csv.data)
            append_text(&r->raw, field_csv.data, field_csv.len);
        zj_buf_free(&field_csv);
    }
    zj_buf_clear(&r->reason);
    append_text(&r->reason, reason, strlen(reason));
    zj_buf_putc(&r->raw, '\0');             /* both as C strings too (the store copies them) */
    r->raw.len--;
    zj_buf_putc(&r->reason, '\0');
    r->reason.len--;

    zj_buf_clear(&r->line);
    if (r->dir) {
        csv_field(&r->line, r->file, strlen(r->file));
        zj_buf_printf(&r->line, ",%lld,", (long long)row->line);
        if (field)
            csv_field(&r->line, field, strlen(field));
        zj_buf_putc(&r->line, ',');
        csv_field(&r->line, r->reason.data, r->reason.len);
        zj_buf_putc(&r->line, ',');
        csv_field(&r->line, r->raw.data, r->raw.len);
        zj_buf_putc(&r->line, '\n');
    } else {
        zj_buf_printf(&r->line, "%s:%lld: %s\n", r->file, (long long)row->line, r->reason.data);
        if (r->raw.len) {
            zj_buf_puts(&r->line, "    ");
            for (size_t i = 0; i < r->raw.len; i++)   /* one line, whatever the raw text holds */
                zj_buf_puts(&r->line, r->raw.data[i] == '\n' ? "\\n"
                                      : r->raw.data[i] == '\r' ? "\\r"
                                      : (char[2]){r->raw.data[i], '\0'});
            zj_buf_putc(&r->line, '\n');
        }
    }
    FILE *out = r->dir ? r->f : r->listing ? r->listing : stdout;
    if (!r->line.data || !r->raw.data || !r->reason.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    if (fwrite(r->line.data, 1, r->line.len, out) != r->line.len)
        return zj_fail(err, ZJ_EDATA, "cannot write reject file '%s'", r->dir ? r->path : "-");
    return ZJ_OK;
}

zj_span zj_rejects_last_raw(const zj_rejects *r) { return (zj_span){r->raw.data, r->raw.len}; }

const char *zj_rejects_last_reason(const zj_rejects *r) { return r->reason.data; }

int zj_rejects_close(zj_rejects *r, zj_error *err)
{
    int rc = ZJ_OK;
    if (r->f && fclose(r->f))
        rc = zj_fail(err, ZJ_EDATA, "cannot write reject file '%s'", r->path);
    r->f = NULL;
    zj_buf_free(&r->line);
    zj_buf_free(&r->raw);
    zj_buf_free(&r->reason);
    return rc;
}
