/* sessions.h - a short-lived cache of who a token belongs to, shared by all workers.
 *
 * Resolving a session in the work layer (users.c: zj_session_actor) reads the session, marks
 * it used (a write) and loads the user's scope: three statements and a write lock per request
 * would make every read wait behind every writer (an import, officers filing). So the server
 * asks the work layer once per token every ZJ_SESSION_RECHECK seconds and answers the requests
 * between from this cache. Consequences, documented in docs/openapi.yaml: a session ended
 * elsewhere (a user disabled, a password changed at the command line) stops working here
 * within that many seconds; a logout through this server ends it at once. When the recheck
 * itself fails for a store error (not a refusal), a cached answer younger than
 * ZJ_SESSION_GRACE seconds is still used, so a long write elsewhere does not log people out.
 *
 * Entries are reference-counted: a request holds its actor until it is done even if the entry
 * is replaced meanwhile. Bounded: a fixed table; a token pushed out is simply asked again.
 */
#ifndef ZJ_SERVE_SESSIONS_H
#define ZJ_SERVE_SESSIONS_H

#include <stdbool.h>

#include "base/error.h"
#include "store/store.h"
#include "work/users.h"

#define ZJ_SESSION_RECHECK 30.0
#define ZJ_SESSION_GRACE 300.0

typedef struct zj_session_cache zj_session_cache;
typedef struct zj_session_ref zj_session_ref;   /* one request's hold on a cached actor */

zj_session_cache *zj_session_cache_new(void);
void zj_session_cache_free(zj_session_cache *c);   /* NULL allowed; no request may hold a ref */

/* The actor of `token` (a session token or an API key "zjk_..."), from the cache or the work
 * layer. Returns ZJ_OK with *ref (release with zj_session_release) and *actor pointing into
 * it; ZJ_EPERM when the token is refused; ZJ_EDATA (store) with err set. A NULL cache asks the
 * work layer every time (and *ref owns a private copy). */
int zj_session_get(zj_session_cache *c, zj_store *s, const char *token, zj_session_ref **ref,
                   const zj_actor **actor, zj_error *err);
void zj_session_release(zj_session_cache *c, zj_session_ref *ref);   /* NULL ref allowed */

/* Forget `token` (logout). */
void zj_session_forget(zj_session_cache *c, const char *token);

#endif
