/* users.h - users, passwords, sessions and API keys (用户与会话); who the actor is.
 *
 * users.c owns app_user, app_session and api_key, and is the only code with SQL on them.
 *   - Passwords are hashed with Argon2id (libsodium crypto_pwhash_str, interactive cost). At
 *     least ZJ_PASSWORD_MIN characters. They are passed in as strings: front ends read them
 *     from stdin, a file or a request body, never from a command line.
 *   - Lockout: ZJ_LOCKOUT_FAILURES consecutive failed logins lock the user for
 *     ZJ_LOCKOUT_MINUTES; while locked, even the right password is refused. A success resets
 *     the count.
 *   - Sessions: a login hands out a random 256-bit token (hex) once; only its SHA-256 is
 *     stored. A session ends ZJ_SESSION_HOURS after login, after ZJ_SESSION_IDLE_MINUTES
 *     without use, at logout, or when the user is disabled or changes password.
 *   - API keys, for service accounts of agency systems: "zjk_" + 64 hex digits, handed out
 *     once, stored as SHA-256; revocable.
 *   - Users are never deleted (the audit trail names them); disabling ends their sessions and
 *     keys.
 * Every change is checked by policy.c (ZJ_PERM_USER_ADMIN over the user's unit; a user may
 * change his own password) and appended to the audit trail in the same transaction.
 * Errors: ZJ_EUSAGE (bad name, role, weak password, unknown user), ZJ_EPERM (not allowed, or a
 * failed/locked login: the message never says which of name and password was wrong), ZJ_EDATA.
 */
#ifndef ZJ_WORK_USERS_H
#define ZJ_WORK_USERS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"
#include "work/policy.h"

#define ZJ_PASSWORD_MIN 10
#define ZJ_LOCKOUT_FAILURES 5
#define ZJ_LOCKOUT_MINUTES 15
#define ZJ_SESSION_HOURS 8
#define ZJ_SESSION_IDLE_MINUTES 30
#define ZJ_TOKEN_HEX 64            /* a session token: 64 hex digits */
#define ZJ_API_KEY_LEN (4 + 64)    /* "zjk_" + 64 hex digits */

/* An actor with the storage behind its strings and scope: what a login, a session, an API key
 * or --as gives. Free with zj_actor_owned_free (the scope); the struct itself is the caller's. */
typedef struct zj_actor_owned {
    zj_actor actor;            /* points into the fields below */
    char username[64], unit_code[64], officer_no[64];
    zj_scope *scope;
} zj_actor_owned;

void zj_actor_owned_free(zj_actor_owned *o);

/* The store's owner as an actor: role admin, the whole province, user id 0, named "local".
 * For tests and tools that act without a user; the CLI names the operator by his login name
 * (cli_actor). */
void zj_actor_local(zj_actor_owned *out);

/* A user as listed. Strings valid during the callback only. */
typedef struct zj_user {
    int64_t id;
    const char *username, *display_name;
    zj_role role;
    const char *unit_code, *officer_no;     /* may be NULL */
    bool has_password;
    int failed_logins;
    const char *locked_until;               /* NULL unless locked now or before */
    const char *created_at, *created_by, *last_login_at, *disabled_at;   /* may be NULL */
} zj_user;

typedef struct zj_user_new {
    const char *username;      /* 1-63 characters of [A-Za-z0-9._-] */
    const char *display_name;  /* may be NULL */
    zj_role role;
    const char *unit_code;     /* NULL: the province (only a province-wide admin may do this) */
    const char *officer_no;    /* may be NULL */
    const char *password;      /* NULL: no password login (service accounts use API keys) */
} zj_user_new;

/* Add a user (ZJ_PERM_USER_ADMIN on the new user's unit; only an admin can make an admin).
 * *id (may be NULL) receives the new id. */
int zj_user_add(zj_store *s, const zj_actor *a, const zj_user_new *u, int64_t *id,
                zj_error *err);

/* Users in the actor's scope (ZJ_PERM_USER_ADMIN), by username. */
int zj_user_list(zj_store *s, const zj_actor *a, int (*fn)(const zj_user *, void *), void *ctx,
                 zj_error *err);

/* Disable `username` (ZJ_PERM_USER_ADMIN on its unit): its sessions and API keys end. */
int zj_user_disable(zj_store *s, const zj_actor *a, const char *username, zj_error *err);

/* Set `username`'s password: the user himself, or ZJ_PERM_USER_ADMIN on its unit. Clears a
 * lockout and ends the user's sessions. */
int zj_user_passwd(zj_store *s, const zj_actor *a, const char *username, const char *password,
                   zj_error *err);

/* The actor for `username` without a password (the CLI's --as, run by the store's owner):
 * ZJ_EUSAGE for an unknown user, ZJ_EPERM for a disabled one. Loads the scope. */
int zj_actor_of_user(zj_store *s, const char *username, zj_actor_owned *out, zj_error *err);

/* Log in: check the password (with lockout), open a session. token receives ZJ_TOKEN_HEX hex
 * digits and a NUL; out (may be NULL) the actor. `client` (may be NULL) is kept with the
 * session. A failure is audited as "user.login_failed". */
int zj_login(zj_store *s, const char *username, const char *password, const char *client,
             char token[ZJ_TOKEN_HEX + 1], zj_actor_owned *out, zj_error *err);

/* The actor of a session token (ZJ_EPERM when unknown, expired, idle too long, revoked, or
 * the user disabled). Marks the session used. */
int zj_session_actor(zj_store *s, const char *token, zj_actor_owned *out, zj_error *err);

/* End the session of `token` (an unknown token is not an error). */
int zj_logout(zj_store *s, const char *token, zj_error *err);

/* Issue an API key for `username` (ZJ_PERM_USER_ADMIN on its unit); key receives
 * ZJ_API_KEY_LEN characters and a NUL. `label` may be NULL. */
int zj_api_key_issue(zj_store *s, const zj_actor *a, const char *username, const char *label,
                     char key[ZJ_API_KEY_LEN + 1], int64_t *id, zj_error *err);

/* The actor of an API key (ZJ_EPERM when unknown, revoked, expired or the user disabled). */
int zj_api_key_actor(zj_store *s, const char *key, zj_actor_owned *out, zj_error *err);

/* Tests only: the clock users.c reads (NULL: the system clock), so expiry and lockout are
 * tested without waiting. */
void zj_users_set_clock(time_t (*now)(void));

#endif
