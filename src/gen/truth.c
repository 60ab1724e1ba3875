/* truth.c - the ground truth files: truth.jsonl (planted anomalies and near misses) and
 * identity.jsonl (the real entity behind every person and enterprise mention).
 * Formats: docs/truth.md.
 */
#include <stdarg.h>
#include <string.h>

#include "gen/internal.h"

/* Write s as a JSON string (with quotes). */
static void json_str(FILE *f, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    putc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc((int)c, f);
        } else if (c < 0x20) {
            fputs("\\u00", f);
            putc(hex[c >> 4], f);
            putc(hex[c & 15], f);
        } else
            putc((int)c, f);
    }
    putc('"', f);
}

void zg_key(char *out, size_t cap, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        size_t l = strlen(s);
        if (i && len + 1 < cap)
            out[len++] = '\x1f';
        if (len + l >= cap)
            l = cap - 1 - len;
        memcpy(out + len, s, l);
        len += l;
    }
    out[len] = '\0';
    va_end(ap);
}

int zg_mention(zg *g, const char *table, const char *system, const char *key, const char *role,
               bool person, int64_t entity, unsigned noise)
{
    FILE *f = g->identity;
    char id[16];
    if (person)
        zg_pid(entity, id);
    else
        zg_eid(entity, id);
    fputs("{\"table\":\"", f);
    fputs(table, f);
    fputs("\",\"source_system\":\"", f);
    fputs(system, f);
    fputs("\",\"key\":", f);
    json_str(f, key);
    fputs(",\"role\":\"", f);
    fputs(role, f);
    fputs(person ? "\",\"kind\":\"person\",\"entity\":\"" : "\",\"kind\":\"enterprise\",\"entity\":\"", f);
    fputs(id, f);
    fputs("\",\"noise\":[", f);
    int k = 0;
    for (int i = 0; i < ZG_NOISE_KINDS; i++)
        if (noise & (1u << i)) {
            if (k++)
                putc(',', f);
            putc('"', f);
            fputs(zg_noise_names[i], f);
            putc('"', f);
        }
    fputs("]}\n", f);
    g->mentions++;
    return ferror(f) ? ZJ_EDATA : ZJ_OK;
}

static void ref(FILE *f, const zg_ref *r)
{
    fputs("{\"table\":\"", f);
    fputs(r->table, f);
    fputs("\",\"source_system\":\"", f);
    fputs(r->system, f);
    fputs("\",\"key\":", f);
    json_str(f, r->key);
    putc('}', f);
}

int zg_truth(zg *g, const char *code, bool near_miss, const zg_ref *subject,
             const zg_ref *records, int nrecords, const char *note)
{
    FILE *f = g->truth;
    fprintf(f, "{\"code\":\"%s\",\"near_miss\":%s,\"subject\":", code,
            near_miss ? "true" : "false");
    ref(f, subject);
    fputs(",\"records\":[", f);
    for (int i = 0; i < nrecords; i++) {
        if (i)
            putc(',', f);
        ref(f, &records[i]);
    }
    fputs("],\"note\":", f);
    json_str(f, note);
    fputs("}\n", f);
    if (near_miss)
        g->near_misses++;
    else
        g->anomalies++;
    return ferror(f) ? ZJ_EDATA : ZJ_OK;
}
