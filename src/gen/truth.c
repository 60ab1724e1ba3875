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

static char *put(char *o, const char *s)
{
    size_t n = strlen(s);
    memcpy(o, s, n);
    return o + n;
}

int zg_mention(zg *g, const char *table, const char *system, const char *key, const char *role,
               bool person, int64_t entity, unsigned noise)
{
    char line[1024], id[16];
    if (strlen(key) > 600)
        return ZJ_EDATA;
    if (person)
        zg_pid(entity, id);
    else
        zg_eid(entity, id);
    char *o = put(line, "{\"table\":\"");
    o = put(o, table);
    o = put(o, "\",\"source_system\":\"");
    o = put(o, system);
    o = put(o, "\",\"key\":\"");
    for (const char *k = key; *k; k++) {       /* keys hold no quotes; U+001F is escaped */
        if ((unsigned char)*k < 0x20) {
            static const char hex[] = "0123456789abcdef";
            o = put(o, "\\u00");
            *o++ = hex[(unsigned char)*k >> 4];
            *o++ = hex[*k & 15];
        } else {
            if (*k == '"' || *k == '\\')
                *o++ = '\\';
            *o++ = *k;
        }
    }
    o = put(o, "\",\"role\":\"");
    o = put(o, role);
    o = put(o, person ? "\",\"kind\":\"person\",\"entity\":\""
                      : "\",\"kind\":\"enterprise\",\"entity\":\"");
    o = put(o, id);
    o = put(o, "\",\"noise\":[");
    int k = 0;
    for (int i = 0; i < ZG_NOISE_KINDS; i++)
        if (noise & (1u << i)) {
            if (k++)
                *o++ = ',';
            *o++ = '"';
            o = put(o, zg_noise_names[i]);
            *o++ = '"';
        }
    o = put(o, "]}\n");
    fwrite(line, 1, (size_t)(o - line), g->identity);
    g->mentions++;
    return ZJ_OK;
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
