/* export.c - CSV and XLSX writers over the API's JSON items. */
#include "serve/export.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* The text of a scalar item field ("" for null or absent; numbers without a trailing .0). */
static const char *cell_text(const cJSON *v, char *tmp, size_t cap)
{
    if (!v || cJSON_IsNull(v))
        return "";
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == (double)(long long)d && d > -9e15 && d < 9e15)
            snprintf(tmp, cap, "%lld", (long long)d);
        else
            snprintf(tmp, cap, "%.10g", d);
        return tmp;
    }
    return "";
}

static int csv_cell(zj_buf *out, const char *s)
{
    bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                   ((unsigned char)s[0] < 0x20 && s[0] != '\0');
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    int rc = 0;
    if (quote)
        rc |= zj_buf_putc(out, '"');
    if (formula)
        rc |= zj_buf_putc(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            rc |= zj_buf_putc(out, '"');
        rc |= zj_buf_putc(out, *p);
    }
    if (quote)
        rc |= zj_buf_putc(out, '"');
    return rc;
}

int zj_export_csv(const cJSON *items, const char *const *columns, size_t ncolumns, zj_buf *out,
                  zj_error *err)
{
    int rc = zj_buf_puts(out, "\xEF\xBB\xBF");
    for (size_t i = 0; i < ncolumns; i++) {
        rc |= i ? zj_buf_putc(out, ',') : 0;
        rc |= csv_cell(out, columns[i]);
    }
    rc |= zj_buf_puts(out, "\r\n");
    const cJSON *item;
    char tmp[64];
    cJSON_ArrayForEach(item, items) {
        for (size_t i = 0; i < ncolumns; i++) {
            rc |= i ? zj_buf_putc(out, ',') : 0;
            rc |= csv_cell(out, cell_text(cJSON_GetObjectItemCaseSensitive(item, columns[i]),
                                          tmp, sizeof tmp));
        }
        rc |= zj_buf_puts(out, "\r\n");
    }
    return rc ? zj_fail(err, ZJ_EDATA, "out of memory writing the CSV export") : ZJ_OK;
}

/* Read the whole file at fd into out. */
static int slurp(int fd, zj_buf *out)
{
    char chunk[65536];
    ssize_t got;
    if (lseek(fd, 0, SEEK_SET) < 0)
        return -1;
    while ((got = read(fd, chunk, sizeof chunk)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 || zj_buf_append(out, chunk, (size_t)got))
            return -1;
    }
    return 0;
}

int zj_export_xlsx(const cJSON *items, const char *const *columns, size_t ncolumns,
                   const char *sheet, zj_buf *out, zj_error *err)
{
    const char *dir = getenv("TMPDIR");
    char path[256];
    snprintf(path, sizeof path, "%.200s/zj-export-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return zj_fail(err, ZJ_EDATA, "cannot create a temporary file for the export: %s",
                       strerror(errno));
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, sheet) : NULL;
    lxw_format *bold = wb ? workbook_add_format(wb) : NULL;
    int rc = ZJ_OK;
    if (!ws || !bold) {
        rc = zj_fail(err, ZJ_EDATA, "cannot start the XLSX export");
        goto done;
    }
    format_set_bold(bold);
    for (size_t i = 0; i < ncolumns; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, columns[i], bold);
    lxw_row_t row = 1;
    const cJSON *item;
    char tmp[64];
    cJSON_ArrayForEach(item, items) {
        for (size_t i = 0; i < ncolumns; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, columns[i]);
            if (cJSON_IsNumber(v))
                worksheet_write_number(ws, row, (lxw_col_t)i, v->valuedouble, NULL);
            else if (v && !cJSON_IsNull(v))
                worksheet_write_string(ws, row, (lxw_col_t)i, cell_text(v, tmp, sizeof tmp), NULL);
        }
        if (++row >= LXW_ROW_MAX) {
            rc = zj_fail(err, ZJ_EUSAGE, "the export has more rows than a worksheet holds");
            goto done;
        }
    }
    lxw_error e = workbook_close(wb);
    wb = NULL;
    if (e != LXW_NO_ERROR)
        rc = zj_fail(err, ZJ_EDATA, "cannot write the XLSX export: %s", lxw_strerror(e));
    else if (slurp(fd, out))
        rc = zj_fail(err, ZJ_EDATA, "cannot read back the XLSX export");
done:
    if (wb)
        workbook_close(wb);
    close(fd);
    unlink(path);
    return rc;
}
