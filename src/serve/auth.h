/* auth.h - who is asking: session tokens (cookie or bearer), and CSRF tokens for cookies.
 *
 * A client logs in (POST /api/v1/session) and gets a session token, both in the body and as the
 * HttpOnly cookie `zj_session`. Scripts and agency systems send it as `Authorization: Bearer
 * TOKEN`; browsers send the cookie, and then every state-changing request must also carry
 * `X-CSRF-Token` equal to the CSRF token of the session (double submit: the login answer
 * gives it in the body and in the readable cookie `zj_csrf`). A cross-site page can make the
 * browser send the cookie but can neither read it nor compute the CSRF token from it.
 * The CSRF token is derived from the session token (BLAKE2b, libsodium), so it needs no
 * storage and survives a restart of the server.
 */
#ifndef ZJ_SERVE_AUTH_H
#define ZJ_SERVE_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "serve/api.h"

#define ZJ_SESSION_COOKIE "zj_session"
#define ZJ_CSRF_COOKIE "zj_csrf"
#define ZJ_CSRF_HEX 32   /* hex digits of a CSRF token */

/* The token the request presents: "Authorization: Bearer T" first, else the session cookie.
 * Returns true with out (cap bytes) filled and *by_cookie set; false when there is none or it
 * is malformed (too long, not printable ASCII). */
bool zj_auth_token(const zj_http_request *req, char *out, size_t cap, bool *by_cookie);

/* The CSRF token of session token `token`, as ZJ_CSRF_HEX hex digits into out (cap > 32). */
void zj_auth_csrf(const char *token, char *out, size_t cap);

/* True when a cookie-authenticated request carries the right X-CSRF-Token. */
bool zj_auth_csrf_ok(const zj_http_request *req, const char *token);

/* Resolve the request's token into c->actor (c->authenticated). Returns true, or false having
 * answered 401. */
bool zj_auth_resolve(zj_api_ctx *c);

#endif
