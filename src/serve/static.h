/* static.h - the web app's files (web/dist, built by `make`) served beside the API.
 *
 * Any GET or HEAD outside /api/ is a file of the web folder: "/" is index.html (the app routes
 * in the browser, #/leads/12), any other path a file with a known extension. Paths with a
 * segment starting with '.' or with characters outside [A-Za-z0-9._/-] are 404, so nothing
 * outside the folder is ever read; symbolic links are not followed at the last step. A file
 * with a gzip twin (FILE.gz) is sent compressed (Content-Encoding: gzip) to a browser whose
 * Accept-Encoding takes gzip, and with Vary: Accept-Encoding. The app's pages get their own CSP (scripts only
 * from the server itself); API answers keep theirs (default-src 'none').
 */
#ifndef ZJ_SERVE_STATIC_H
#define ZJ_SERVE_STATIC_H

#include <stdbool.h>

#include "serve/http.h"

/* True for a request the web folder answers (not under /api/). */
bool zj_static_claims(const char *path);

/* Whether an Accept-Encoding header value (may be NULL) accepts gzip. */
bool zj_accepts_gzip(const char *accept_encoding);

/* Answer req from web_dir into resp (status, type, body, cache policy); 404/405 as JSON
 * errors. Never fails otherwise. */
void zj_static_answer(const char *web_dir, const zj_http_request *req, zj_http_response *resp);

#endif
