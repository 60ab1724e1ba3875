/* actor.h - who is acting: the user, role and unit behind every read and write above detect.
 *
 * Every function of the work layer (read layer, lead workflow, officers' own records, audit)
 * takes a `const zj_actor *`. The CLI builds one for the local operator (the store's owner,
 * role admin, unless --as names a user); the HTTP server builds one per session or API key.
 * What an actor may do is decided in one place, policy.c (zj_actor_may and zj_actor_sees);
 * front ends never decide it themselves.
 *
 * Roles (角色), least privilege first:
 *   officer          干警: own records and reports only
 *   filing_judge     立案法官: filing checks (party histories across courts, masked, audited)
 *   sc_prison, sc_procurator, sc_court
 *                    sentence-change actors (减刑假释暂予监外执行: prison, procuratorate, court)
 *   data_steward     数据管理员: imports, reject reports
 *   service          service account (API key) of an agency system that pushes data
 *   unit_supervisor  单位负责人: the unit subtree's officers, reports and leads (read, assign)
 *   inspector        纪检监察/督察: works leads (verify, decide, rectify), may unmask with audit
 *   leader           领导: statistics and leads of the subtree, read only
 *   admin            系统管理员: users, units, audit; everything in scope
 */
#ifndef ZJ_ACTOR_H
#define ZJ_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

typedef enum zj_role {
    ZJ_ROLE_OFFICER = 0,
    ZJ_ROLE_FILING_JUDGE,
    ZJ_ROLE_SC_PRISON,
    ZJ_ROLE_SC_PROCURATOR,
    ZJ_ROLE_SC_COURT,
    ZJ_ROLE_DATA_STEWARD,
    ZJ_ROLE_SERVICE,
    ZJ_ROLE_UNIT_SUPERVISOR,
    ZJ_ROLE_INSPECTOR,
    ZJ_ROLE_LEADER,
    ZJ_ROLE_ADMIN,
    ZJ_ROLE_COUNT
} zj_role;

/* The actor of one request or command. Strings are borrowed from the caller for the call. */
typedef struct zj_actor {
    int64_t user_id;          /* app_user.id; 0 for the local operator before any user exists */
    const char *username;     /* shown in the audit trail */
    zj_role role;
    const char *unit_code;    /* the user's unit; scope is this unit's subtree (NULL: whole province) */
    const char *officer_no;   /* an officer's own police/staff number (警号), NULL for others */
    int64_t session_id;       /* app_session.id, 0 for the CLI */
    const struct zj_scope *scope;   /* the unit subtree (work/policy.h: zj_scope_load); NULL:
                                       the unit itself only, or everything when unit_code is NULL */
} zj_actor;

#endif
