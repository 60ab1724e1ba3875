/* accesslog.c - JSON-lines access log lines, written whole. */
#include "serve/accesslog.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "text/utf8.h"

static void now_iso(char *out, size_t cap)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    int ms = (int)(ts.tv_nsec / 1000000) % 1000;
    if (n + 6 <= cap) {
        out[n++] = '.';
        out[n++] = (char)('0' + ms / 100);
        out[n++] = (char)('0' + ms / 10 % 10);
        out[n++] = (char)('0' + ms % 10);
        out[n++] = 'Z';
        out[n] = '\0';
    }
}

/* Add a string, or a placeholder when it is not UTF-8 (a path is the client's bytes). */
static void add_text(cJSON *o, const char *key, const char *v)
{
    if (!v)
        cJSON_AddNullToObject(o, key);
    else if (zj_utf8_valid(v, strlen(v)) && strlen(v) <= 2048)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddStringToObject(o, key, "(not shown: not UTF-8 or too long)");
}

static void emit(int fd, cJSON *o)
{
    char *line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!line)
        return;
    size_t n = strlen(line);
    line[n] = '\n';   /* replaces the NUL; write exactly n + 1 bytes below */
    ssize_t w = write(fd, line, n + 1);
    (void)w;
    free(line);
}

void zj_access_log(int fd, const zj_access_entry *e)
{
    char t[40];
    now_iso(t, sizeof t);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "time", t);
    add_text(o, "remote", e->remote);
    add_text(o, "method", e->method);
    add_text(o, "path", e->path);
    cJSON_AddNumberToObject(o, "status", e->status);
    cJSON_AddNumberToObject(o, "bytes", (double)e->bytes);
    cJSON_AddNumberToObject(o, "ms", (double)(long long)(e->ms * 1000) / 1000.0);
    add_text(o, "user", e->user);
    if (e->aborted)
        cJSON_AddTrueToObject(o, "aborted");
    emit(fd, o);
}

void zj_access_event(int fd, const char *event, const char *message)
{
    char t[40];
    now_iso(t, sizeof t);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "time", t);
    cJSON_AddStringToObject(o, "event", event);
    add_text(o, "message", message);
    emit(fd, o);
}
