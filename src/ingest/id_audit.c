/* id_audit.c - check characters of the identifiers in imported rows (see id_audit.h). */
#include "ingest/id_audit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text/resident_id.h"
#include "text/uscc.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int zj_id_audit_init(zj_id_audit *a, const char *const *columns, size_t ncolumns)
{
    memset(a, 0, sizeof *a);
    if (ncolumns == 0)
        return 0;
    a->index = calloc(ncolumns, sizeof *a->index);
    a->kind = calloc(ncolumns, 1);
    if (!a->index || !a->kind) {
        zj_id_audit_free(a);
        return -1;
    }
    for (size_t i = 0; i < ncolumns; i++) {
        char kind = ends_with(columns[i], "id_no") ? 'P' : ends_with(columns[i], "uscc") ? 'E' : 0;
        if (kind) {
            a->index[a->n] = i;
            a->kind[a->n++] = kind;
        }
    }
    return 0;
}

static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c; }

/* Does an 18-character resident ID have the wrong check character? (Other shapes: no.) */
static bool resident_id_fails(const char *s, size_t n)
{
    if (n != 18)
        return false;
    for (size_t i = 0; i < 17; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    char last = upper(s[17]);
    if (!((last >= '0' && last <= '9') || last == 'X'))
        return false;
    return zj_resident_id_check_char(s) != last;
}

/* Does an 18-character credit code have the wrong check character? (Other shapes: no.) */
static bool uscc_fails(const char *s, size_t n)
{
    if (n != 18)
        return false;
    char c17[17];
    for (size_t i = 0; i < 17; i++)
        c17[i] = upper(s[i]);
    char want = zj_uscc_check_char(c17);
    return want && want != upper(s[17]);
}

void zj_id_audit_row(zj_id_audit *a, const zj_value *values)
{
    for (size_t k = 0; k < a->n; k++) {
        const zj_value *v = &values[a->index[k]];
        if (v->is_null || !v->text)
            continue;
        if (a->kind[k] == 'P')
            a->bad_resident_id += resident_id_fails(v->text, v->len);
        else
            a->bad_uscc += uscc_fails(v->text, v->len);
    }
}

void zj_id_audit_free(zj_id_audit *a)
{
    free(a->index);
    free(a->kind);
    memset(a, 0, sizeof *a);
}
