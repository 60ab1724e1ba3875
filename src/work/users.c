/* users.c - users, passwords, sessions and API keys (see users.h); owner of app_user,
 * app_session and api_key.
 *
 * Times are UTC "YYYY-MM-DD HH:MM:SS" strings, computed here and compared as strings (the
 * format sorts like the time), so the SQL stays portable. A change and its audit entry are
 * written in one transaction. Secrets live in memory only as long as a call needs them and
 * are wiped (sodium_memzero) before returning.
 */
#include "work/users.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "work/audit.h"

static time_t (*clock_now)(void);

void zj_users_set_clock(time_t (*now)(void))
{
    clock_now = now;
}

/* now + seconds, as a UTC timestamp string */
static void stamp(char out[20], long seconds)
{
    time_t t = (clock_now ? clock_now() : time(NULL)) + seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static void sha256_hex(const char *s, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, h, sizeof h);
}

static int ensure_sodium(zj_error *err)
{
    return sodium_init() < 0 ? zj_fail(err, ZJ_EDATA, "cannot initialise libsodium") : ZJ_OK;
}

void zj_actor_owned_free(zj_actor_owned *o)
{
    if (o) {
        zj_scope_free(o->scope);
        o->scope = NULL;
    }
}

void zj_actor_local(zj_actor_owned *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->username, sizeof out->username, "local");
    out->actor = (zj_actor){.user_id = 0, .username = out->username, .role = ZJ_ROLE_ADMIN};
}

static bool valid_username(const char *u)
{
    size_t n = u ? strlen(u) : 0;
    return n > 0 && n < 64 &&
           strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static void bind_opt(zj_stmt *q, int i, const char *v)
{
    if (v)
        zj_stmt_bind_text(q, i, v, strlen(v));
    else
        zj_stmt_bind_null(q, i);
}

/* Run a statement that returns no rows. */
static int run(zj_stmt *q, zj_error *err)
{
    return zj_stmt_next(q, err) < 0 ? ZJ_EDATA : ZJ_OK;
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], zj_error *err)
{
    if (strlen(pw) < ZJ_PASSWORD_MIN)
        return zj_fail(err, ZJ_EUSAGE, "password too short: at least %d characters",
                       ZJ_PASSWORD_MIN);
    if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return zj_fail(err, ZJ_EDATA, "out of memory hashing the password");
    return ZJ_OK;
}

/* The columns of a user row, in the order load_user reads them. */
#define USER_COLS                                                                          \
    "id, username, display_name, role, unit_code, officer_no,"                               \
    " CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END,"                                  \
    " failed_logins, locked_until, created_at, created_by, last_login_at, disabled_at"

typedef struct user_row {
    int64_t id;
    char username[64], unit_code[64], officer_no[64];
    bool has_unit, has_officer, disabled;
    zj_role role;
    int failed;
    char locked_until[20];
} user_row;

/* Read `username`'s row: returns 1 found, 0 not, -1 error. */
static int find_user(zj_store *s, const char *username, user_row *u, char *pwhash, size_t cap,
                     zj_error *err)
{
    zj_stmt *q;
    if (zj_stmt_prepare(s, "SELECT id, role, unit_code, officer_no, failed_logins, locked_until,"
                        " disabled_at, password_hash FROM app_user WHERE username = $1", &q, err))
        return -1;
    zj_stmt_bind_text(q, 1, username, strlen(username));
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        memset(u, 0, sizeof *u);
        u->id = zj_stmt_int(q, 0);
        snprintf(u->username, sizeof u->username, "%s", username);
        int r = zj_role_parse(zj_stmt_text(q, 1, NULL));
        u->role = r < 0 ? ZJ_ROLE_COUNT : (zj_role)r;     /* unknown role: holds nothing */
        const char *unit = zj_stmt_text(q, 2, NULL), *off = zj_stmt_text(q, 3, NULL);
        u->has_unit = unit != NULL;
        u->has_officer = off != NULL;
        snprintf(u->unit_code, sizeof u->unit_code, "%s", unit ? unit : "");
        snprintf(u->officer_no, sizeof u->officer_no, "%s", off ? off : "");
        u->failed = (int)zj_stmt_int(q, 4);
        const char *lu = zj_stmt_text(q, 5, NULL);
        snprintf(u->locked_until, sizeof u->locked_until, "%s", lu ? lu : "");
        u->disabled = !zj_stmt_is_null(q, 6);
        if (pwhash) {
            const char *h = zj_stmt_text(q, 7, NULL);
            snprintf(pwhash, cap, "%s", h ? h : "");
        }
    }
    zj_stmt_finalize(q);
    return step;
}

static int load_actor(zj_store *s, const user_row *u, int64_t session_id, zj_actor_owned *out,
                      zj_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->username, sizeof out->username, "%s", u->username);
    snprintf(out->unit_code, sizeof out->unit_code, "%s", u->unit_code);
    snprintf(out->officer_no, sizeof out->officer_no, "%s", u->officer_no);
    int rc = zj_scope_load(s, u->has_unit ? out->unit_code : NULL, &out->scope, err);
    if (rc)
        return rc;
    out->actor = (zj_actor){
        .user_id = u->id, .username = out->username, .role = u->role,
        .unit_code = u->has_unit ? out->unit_code : NULL,
        .officer_no = u->has_officer ? out->officer_no : NULL,
        .session_id = session_id, .scope = out->scope,
    };
    return ZJ_OK;
}

/* Append an audit entry for a change to app_user row `id`. */
static int audit(zj_store *s, const zj_actor *a, const char *action, int64_t id,
                 const char *detail, zj_error *err)
{
    zj_audit_event e = {.action = action, .object_table = "app_user", .object_id = id,
                        .detail = detail};
    return zj_audit_append(s, a, &e, NULL, err);
}

/* End the transaction a change opened: commit when its body succeeded (rc_body 0), else roll
 * back and return the body's error. */
static int in_tx(zj_store *s, int rc_body, zj_error *err)
{
    if (rc_body) {
        zj_store_rollback(s, NULL);
        return rc_body;
    }
    return zj_store_commit(s, err);
}

int zj_user_add(zj_store *s, const zj_actor *a, const zj_user_new *u, int64_t *id,
                zj_error *err)
{
    if (!valid_username(u->username))
        return zj_fail(err, ZJ_EUSAGE, "user name '%s': use 1-63 letters, digits, '.', '_' "
                       "or '-'", u->username ? u->username : "");
    if (!zj_role_name(u->role))
        return zj_fail(err, ZJ_EUSAGE, "user '%s': unknown role", u->username);
    if (!zj_actor_may(a, ZJ_PERM_USER_ADMIN, u->unit_code))
        return zj_deny(err, a, ZJ_PERM_USER_ADMIN, u->unit_code);
    if (u->role == ZJ_ROLE_ADMIN && a->role != ZJ_ROLE_ADMIN)
        return zj_deny(err, a, ZJ_PERM_USER_ADMIN, u->unit_code);
    int rc = ensure_sodium(err);
    char hash[crypto_pwhash_STRBYTES] = "";
    if (!rc && u->password)
        rc = hash_password(u->password, hash, err);
    if (rc)
        return rc;
    user_row old;
    int found = find_user(s, u->username, &old, NULL, 0, err);
    if (found < 0)
        return ZJ_EDATA;
    if (found)
        return zj_fail_as(err, ZJ_ERR_CONFLICT, "user '%s' exists already", u->username);
    char now[20];
    stamp(now, 0);
    if ((rc = zj_store_begin(s, err)))
        return rc;
    zj_stmt *q;
    rc = zj_stmt_prepare(s, "INSERT INTO app_user (username, display_name, role, unit_code,"
                         " officer_no, password_hash, created_at, created_by,"
                         " password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                         &q, err);
    if (!rc) {
        zj_stmt_bind_text(q, 1, u->username, strlen(u->username));
        bind_opt(q, 2, u->display_name);
        bind_opt(q, 3, zj_role_name(u->role));
        bind_opt(q, 4, u->unit_code);
        bind_opt(q, 5, u->officer_no);
        bind_opt(q, 6, u->password ? hash : NULL);
        zj_stmt_bind_text(q, 7, now, strlen(now));
        bind_opt(q, 8, a->username);
        bind_opt(q, 9, u->password ? now : NULL);
        rc = run(q, err);
        zj_stmt_finalize(q);
    }
    sodium_memzero(hash, sizeof hash);
    int64_t nid = rc ? 0 : zj_store_last_insert_id(s);
    if (!rc) {
        char detail[160];
        snprintf(detail, sizeof detail, "{\"role\":\"%s\",\"unit\":\"%s\"}",
                 zj_role_name(u->role), u->unit_code ? u->unit_code : "");
        rc = audit(s, a, "user.add", nid, detail, err);
    }
    if ((rc = in_tx(s, rc, err)))
        return rc;
    if (id)
        *id = nid;
    return ZJ_OK;
}

int zj_user_list(zj_store *s, const zj_actor *a, int (*fn)(const zj_user *, void *), void *ctx,
                 zj_error *err)
{
    if (!a || !zj_role_may(a->role, ZJ_PERM_USER_ADMIN))
        return zj_deny(err, a, ZJ_PERM_USER_ADMIN, NULL);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT " USER_COLS " FROM app_user ORDER BY username", &q, err);
    if (rc)
        return rc;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        const char *unit = zj_stmt_text(q, 4, NULL);
        if (!zj_actor_may(a, ZJ_PERM_USER_ADMIN, unit))
            continue;
        int r = zj_role_parse(zj_stmt_text(q, 3, NULL));
        zj_user u = {
            .id = zj_stmt_int(q, 0), .username = zj_stmt_text(q, 1, NULL),
            .display_name = zj_stmt_text(q, 2, NULL),
            .role = r < 0 ? ZJ_ROLE_COUNT : (zj_role)r, .unit_code = unit,
            .officer_no = zj_stmt_text(q, 5, NULL), .has_password = zj_stmt_int(q, 6) != 0,
            .failed_logins = (int)zj_stmt_int(q, 7), .locked_until = zj_stmt_text(q, 8, NULL),
            .created_at = zj_stmt_text(q, 9, NULL), .created_by = zj_stmt_text(q, 10, NULL),
            .last_login_at = zj_stmt_text(q, 11, NULL), .disabled_at = zj_stmt_text(q, 12, NULL),
        };
        if (fn(&u, ctx))
            break;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

/* End every session and (when `keys`) API key of user `id`. */
static int revoke_all(zj_store *s, int64_t id, bool keys, const char *now, zj_error *err)
{
    static const char *const sql[] = {
        "UPDATE app_session SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        "UPDATE api_key SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    };
    for (int i = 0; i < (keys ? 2 : 1); i++) {
        zj_stmt *q;
        int rc = zj_stmt_prepare(s, sql[i], &q, err);
        if (rc)
            return rc;
        zj_stmt_bind_text(q, 1, now, strlen(now));
        zj_stmt_bind_int(q, 2, id);
        rc = run(q, err);
        zj_stmt_finalize(q);
        if (rc)
            return rc;
    }
    return ZJ_OK;
}

/* Find `username` for an administrative change by `a`: the row in *u, or an error. */
static int admin_target(zj_store *s, const zj_actor *a, const char *username, user_row *u,
                        bool self_ok, zj_error *err)
{
    int found = find_user(s, username ? username : "", u, NULL, 0, err);
    if (found < 0)
        return ZJ_EDATA;
    if (!found)
        return zj_fail_as(err, ZJ_ERR_NOT_FOUND, "no user '%s' (see 'zhijian user list')",
                       username ? username : "");
    if (self_ok && a && a->user_id == u->id && a->user_id != 0)
        return ZJ_OK;
    const char *unit = u->has_unit ? u->unit_code : NULL;
    if (!zj_actor_may(a, ZJ_PERM_USER_ADMIN, unit))
        return zj_deny(err, a, ZJ_PERM_USER_ADMIN, unit);
    if (u->role == ZJ_ROLE_ADMIN && a->role != ZJ_ROLE_ADMIN)
        return zj_deny(err, a, ZJ_PERM_USER_ADMIN, unit);
    return ZJ_OK;
}

int zj_user_disable(zj_store *s, const zj_actor *a, const char *username, zj_error *err)
{
    user_row u;
    int rc = admin_target(s, a, username, &u, false, err);
    if (rc)
        return rc;
    if (u.disabled)
        return ZJ_OK;
    char now[20];
    stamp(now, 0);
    if ((rc = zj_store_begin(s, err)))
        return rc;
    zj_stmt *q;
    rc = zj_stmt_prepare(s, "UPDATE app_user SET disabled_at = $1 WHERE id = $2", &q, err);
    if (!rc) {
        zj_stmt_bind_text(q, 1, now, strlen(now));
        zj_stmt_bind_int(q, 2, u.id);
        rc = run(q, err);
        zj_stmt_finalize(q);
    }
    if (!rc)
        rc = revoke_all(s, u.id, true, now, err);
    if (!rc)
        rc = audit(s, a, "user.disable", u.id, NULL, err);
    return in_tx(s, rc, err);
}

int zj_user_passwd(zj_store *s, const zj_actor *a, const char *username, const char *password,
                   zj_error *err)
{
    user_row u;
    int rc = admin_target(s, a, username, &u, true, err);
    if (!rc)
        rc = ensure_sodium(err);
    char hash[crypto_pwhash_STRBYTES];
    if (!rc)
        rc = hash_password(password ? password : "", hash, err);
    if (rc)
        return rc;
    char now[20];
    stamp(now, 0);
    if ((rc = zj_store_begin(s, err))) {
        sodium_memzero(hash, sizeof hash);
        return rc;
    }
    zj_stmt *q;
    rc = zj_stmt_prepare(s, "UPDATE app_user SET password_hash = $1, password_changed_at = $2,"
                         " failed_logins = 0, locked_until = NULL WHERE id = $3", &q, err);
    if (!rc) {
        zj_stmt_bind_text(q, 1, hash, strlen(hash));
        zj_stmt_bind_text(q, 2, now, strlen(now));
        zj_stmt_bind_int(q, 3, u.id);
        rc = run(q, err);
        zj_stmt_finalize(q);
    }
    sodium_memzero(hash, sizeof hash);
    if (!rc)
        rc = revoke_all(s, u.id, false, now, err);
    if (!rc)
        rc = audit(s, a, "user.passwd", u.id, NULL, err);
    return in_tx(s, rc, err);
}

int zj_actor_of_user(zj_store *s, const char *username, zj_actor_owned *out, zj_error *err)
{
    user_row u;
    int found = find_user(s, username ? username : "", &u, NULL, 0, err);
    if (found < 0)
        return ZJ_EDATA;
    if (!found)
        return zj_fail_as(err, ZJ_ERR_NOT_FOUND, "no user '%s' (see 'zhijian user list')",
                       username ? username : "");
    if (u.disabled)
        return zj_fail(err, ZJ_EPERM, "user '%s' is disabled", username);
    return load_actor(s, &u, 0, out, err);
}

/* Record a failed login of user `u` (lock it after too many); audited. */
static int login_failed(zj_store *s, const user_row *u, zj_error *err)
{
    int failed = u->failed + 1;
    char until[20] = "";
    if (failed >= ZJ_LOCKOUT_FAILURES)
        stamp(until, ZJ_LOCKOUT_MINUTES * 60L);
    int rc = zj_store_begin(s, err);
    if (rc)
        return rc;
    zj_stmt *q;
    rc = zj_stmt_prepare(s, "UPDATE app_user SET failed_logins = $1, locked_until = $2"
                         " WHERE id = $3", &q, err);
    if (!rc) {
        zj_stmt_bind_int(q, 1, failed >= ZJ_LOCKOUT_FAILURES ? 0 : failed);
        bind_opt(q, 2, *until ? until : (*u->locked_until ? u->locked_until : NULL));
        zj_stmt_bind_int(q, 3, u->id);
        rc = run(q, err);
        zj_stmt_finalize(q);
    }
    zj_actor who = {.user_id = u->id, .username = u->username, .role = u->role};
    if (!rc)
        rc = audit(s, &who, *until ? "user.locked" : "user.login_failed", u->id, NULL, err);
    return in_tx(s, rc, err);
}

int zj_login(zj_store *s, const char *username, const char *password, const char *client,
             char token[ZJ_TOKEN_HEX + 1], zj_actor_owned *out, zj_error *err)
{
    int rc = ensure_sodium(err);
    if (rc)
        return rc;
    user_row u;
    char hash[crypto_pwhash_STRBYTES + 1];
    int found = find_user(s, username ? username : "", &u, hash, sizeof hash, err);
    if (found < 0)
        return ZJ_EDATA;
    static const char refused[] = "login refused: wrong user name or password, or the user is "
                                  "locked or disabled";
    char now[20];
    stamp(now, 0);
    if (!found || u.disabled || !*hash || !password)
        return zj_fail(err, ZJ_EPERM, refused);
    if (*u.locked_until && strcmp(now, u.locked_until) < 0)
        return zj_fail(err, ZJ_EPERM, refused);
    if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0) {
        if ((rc = login_failed(s, &u, err)))
            return rc;
        return zj_fail(err, ZJ_EPERM, refused);
    }
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, ZJ_TOKEN_HEX + 1, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    char th[65], expires[20];
    sha256_hex(token, th);
    stamp(expires, ZJ_SESSION_HOURS * 3600L);
    if ((rc = zj_store_begin(s, err)))
        return rc;
    zj_stmt *q;
    rc = zj_stmt_prepare(s, "INSERT INTO app_session (user_id, token_hash, created_at,"
                         " last_seen_at, expires_at, client) VALUES ($1, $2, $3, $3, $4, $5)",
                         &q, err);
    if (!rc) {
        zj_stmt_bind_int(q, 1, u.id);
        zj_stmt_bind_text(q, 2, th, 64);
        zj_stmt_bind_text(q, 3, now, strlen(now));
        zj_stmt_bind_text(q, 4, expires, strlen(expires));
        bind_opt(q, 5, client);
        rc = run(q, err);
        zj_stmt_finalize(q);
    }
    int64_t sid = rc ? 0 : zj_store_last_insert_id(s);
    if (!rc && !(rc = zj_stmt_prepare(s, "UPDATE app_user SET failed_logins = 0,"
                                      " locked_until = NULL, last_login_at = $1 WHERE id = $2",
                                      &q, err))) {
        zj_stmt_bind_text(q, 1, now, strlen(now));
        zj_stmt_bind_int(q, 2, u.id);
        rc = run(q, err);
        zj_stmt_finalize(q);
    }
    zj_actor who = {.user_id = u.id, .username = u.username, .role = u.role, .session_id = sid};
    if (!rc)
        rc = audit(s, &who, "user.login", u.id, NULL, err);
    if ((rc = in_tx(s, rc, err))) {
        sodium_memzero(token, ZJ_TOKEN_HEX + 1);
        return rc;
    }
    if (out && (rc = load_actor(s, &u, sid, out, err)))
        return rc;
    return ZJ_OK;
}

/* A bearer credential (a session token or an API key): find its row by the hash with `find`
 * (parameters: $1 the hash, $2 now and, when `idle`, $3 the idle limit; columns: the row's id,
 * the username),
 * mark it used with `touch` ($1 now, $2 the id) and load the user's actor. Unknown, ended or
 * expired credentials and disabled users are all refused alike. */
static int bearer_actor(zj_store *s, const char *secret, const char *find, bool idle_limit,
                        const char *touch, const char *refused, zj_actor_owned *out,
                        int64_t *row_id, zj_error *err)
{
    char hash[65], now[20], idle[20];
    sha256_hex(secret, hash);
    stamp(now, 0);
    stamp(idle, -ZJ_SESSION_IDLE_MINUTES * 60L);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, find, &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, hash, 64);
    zj_stmt_bind_text(q, 2, now, strlen(now));
    if (idle_limit)
        zj_stmt_bind_text(q, 3, idle, strlen(idle));
    int step = zj_stmt_next(q, err);
    int64_t id = step == 1 ? zj_stmt_int(q, 0) : 0;
    char username[64] = "";
    if (step == 1)
        snprintf(username, sizeof username, "%s", zj_stmt_text(q, 1, NULL));
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    if (step == 0)
        return zj_fail(err, ZJ_EPERM, "%s", refused);
    if ((rc = zj_stmt_prepare(s, touch, &q, err)))
        return rc;
    zj_stmt_bind_text(q, 1, now, strlen(now));
    zj_stmt_bind_int(q, 2, id);
    rc = run(q, err);
    zj_stmt_finalize(q);
    if (!rc)
        rc = zj_actor_of_user(s, username, out, err);
    *row_id = id;
    return rc;
}

int zj_session_actor(zj_store *s, const char *token, zj_actor_owned *out, zj_error *err)
{
    static const char refused[] = "session unknown, expired or ended; log in again";
    if (!token || strlen(token) != ZJ_TOKEN_HEX)
        return zj_fail(err, ZJ_EPERM, refused);
    int64_t sid;
    int rc = bearer_actor(s, token,
                          "SELECT s.id, u.username FROM app_session s JOIN app_user u"
                          " ON u.id = s.user_id WHERE s.token_hash = $1"
                          " AND s.revoked_at IS NULL AND s.expires_at > $2"
                          " AND s.last_seen_at > $3 AND u.disabled_at IS NULL", true,
                          "UPDATE app_session SET last_seen_at = $1 WHERE id = $2", refused, out,
                          &sid, err);
    if (!rc)
        out->actor.session_id = sid;
    return rc;
}

int zj_logout(zj_store *s, const char *token, zj_error *err)
{
    if (!token)
        return ZJ_OK;
    char th[65], now[20];
    sha256_hex(token, th);
    stamp(now, 0);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "UPDATE app_session SET revoked_at = $1 WHERE token_hash = $2"
                             " AND revoked_at IS NULL", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, now, strlen(now));
    zj_stmt_bind_text(q, 2, th, 64);
    rc = run(q, err);
    zj_stmt_finalize(q);
    return rc;
}

int zj_api_key_issue(zj_store *s, const zj_actor *a, const char *username, const char *label,
                     char key[ZJ_API_KEY_LEN + 1], int64_t *id, zj_error *err)
{
    user_row u;
    int rc = admin_target(s, a, username, &u, false, err);
    if (!rc)
        rc = ensure_sodium(err);
    if (rc)
        return rc;
    if (u.disabled)
        return zj_fail(err, ZJ_EUSAGE, "user '%s' is disabled", username);
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    memcpy(key, "zjk_", 4);
    sodium_bin2hex(key + 4, 65, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    char kh[65], now[20], prefix[13];
    sha256_hex(key, kh);
    snprintf(prefix, sizeof prefix, "%.12s", key);
    stamp(now, 0);
    if ((rc = zj_store_begin(s, err)))
        return rc;
    zj_stmt *q;
    rc = zj_stmt_prepare(s, "INSERT INTO api_key (user_id, key_prefix, key_hash, label,"
                         " created_at) VALUES ($1, $2, $3, $4, $5)", &q, err);
    if (!rc) {
        zj_stmt_bind_int(q, 1, u.id);
        zj_stmt_bind_text(q, 2, prefix, strlen(prefix));
        zj_stmt_bind_text(q, 3, kh, 64);
        bind_opt(q, 4, label);
        zj_stmt_bind_text(q, 5, now, strlen(now));
        rc = run(q, err);
        zj_stmt_finalize(q);
    }
    int64_t kid = rc ? 0 : zj_store_last_insert_id(s);
    if (!rc) {
        char detail[64];
        snprintf(detail, sizeof detail, "{\"api_key\":%lld}", (long long)kid);
        rc = audit(s, a, "user.api_key", u.id, detail, err);
    }
    if ((rc = in_tx(s, rc, err))) {
        sodium_memzero(key, ZJ_API_KEY_LEN + 1);
        return rc;
    }
    if (id)
        *id = kid;
    return ZJ_OK;
}

int zj_api_key_actor(zj_store *s, const char *key, zj_actor_owned *out, zj_error *err)
{
    static const char refused[] = "API key unknown, revoked or expired";
    if (!key || strlen(key) != ZJ_API_KEY_LEN || strncmp(key, "zjk_", 4))
        return zj_fail(err, ZJ_EPERM, refused);
    int64_t kid;           /* an API key has no idle limit */
    return bearer_actor(s, key,
                        "SELECT k.id, u.username FROM api_key k JOIN app_user u"
                        " ON u.id = k.user_id WHERE k.key_hash = $1 AND k.revoked_at IS NULL"
                        " AND (k.expires_at IS NULL OR k.expires_at > $2)"
                        " AND u.disabled_at IS NULL", false,
                        "UPDATE api_key SET last_used_at = $1 WHERE id = $2", refused, out, &kid,
                        err);
}
