/* accesslog.h - the access log: one JSON object per request, one line each (JSON Lines).
 *
 * Fields: time (UTC, ISO 8601 with milliseconds), remote, method, path, status, bytes (body
 * sent), ms (from the first byte of the request to the end of the answer), user (or null)
 * and, for requests the server gave up on, "aborted": true. The query string is not logged:
 * filters may hold personal data. Each line goes out in one write(2) on a file opened with
 * O_APPEND, so lines from many workers never interleave.
 */
#ifndef ZJ_SERVE_ACCESSLOG_H
#define ZJ_SERVE_ACCESSLOG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct zj_access_entry {
    const char *remote, *method, *path, *user;   /* user NULL when anonymous */
    int status;
    size_t bytes;
    double ms;
    bool aborted;
} zj_access_entry;

/* Append one line for `e` to file descriptor `fd`. Failures to write are ignored (a full disk
 * must not take the API down). */
void zj_access_log(int fd, const zj_access_entry *e);

/* One event line (startup, shutdown) with a message: {"time":..., "event":..., "message":...}. */
void zj_access_event(int fd, const char *event, const char *message);

#endif
