/* policy.h - who may do what, and on which units: every permission decision of zhijian (权限).
 *
 * The work layer (read layer, lead workflow, officers' records, users, audit) asks here before
 * it reads or changes anything for an actor; front ends never decide permissions themselves.
 * Two questions:
 *   zj_actor_may(actor, perm, unit_code)   may this actor do `perm` on an object of that unit?
 *   zj_actor_sees(actor, unit_code)        is that unit inside the actor's scope at all?
 * and one for the records an officer files about himself:
 *   zj_actor_may_record(actor, perm, unit_code, officer_no)
 *
 * Scope (范围): every user belongs to a unit and sees that unit's subtree (unit.parent_code
 * gives the hierarchy, docs/data-standard.md). The subtree is loaded once per actor with
 * zj_scope_load (work/scope.c reads the unit table) and hung on the actor (actor->scope).
 * An actor whose unit_code is NULL has the whole province in scope; an actor with a unit but no
 * loaded scope sees only its own unit (least privilege, never more). Two permissions are not
 * bound to a unit: a filing check (立案审查) reads party histories across all courts, so
 * ZJ_PERM_FILING_CHECK ignores the unit (the read is masked and audited by the read layer), and
 * an entity (a person, a company) belongs to no unit (ZJ_PERM_ENTITY_READ, masked).
 *
 * The role table (which role holds which permission) is policy.c's `grants`, written once and
 * tested role by role and scope by scope in tests/unit/test_policy.c. Least privilege is the
 * default: a role holds nothing that is not listed, an unknown role nothing at all.
 */
#ifndef ZJ_POLICY_H
#define ZJ_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"

typedef enum zj_perm {
    ZJ_PERM_LEAD_READ = 0,     /* list and show leads of the scope (masked) */
    ZJ_PERM_LEAD_ASSIGN,       /* assign a lead to a unit and a person, with a deadline (分派) */
    ZJ_PERM_LEAD_VERIFY,       /* start and work verification (核查) */
    ZJ_PERM_LEAD_DECIDE,       /* confirm or dismiss with a reason (认定), close, reopen */
    ZJ_PERM_LEAD_RECTIFY,      /* record rectification (整改) */
    ZJ_PERM_LEAD_COMMENT,      /* comment and attach files */
    ZJ_PERM_UNMASK,            /* see ID numbers, phones, addresses, birth dates in full (audited) */
    ZJ_PERM_ENTITY_READ,       /* an entity's mentions (masked) */
    ZJ_PERM_STATS_READ,        /* the leaders' analysis (分析研判) */
    ZJ_PERM_RECORD_FILE,       /* file one's own 三个规定 records and monthly/quarterly reports */
    ZJ_PERM_RECORD_READ,       /* read the filed records and reports of the scope's officers */
    ZJ_PERM_FILING_CHECK,      /* party history across all courts, masked, audited (立案审查) */
    ZJ_PERM_SENTENCE_CHANGE,   /* sentence-change cases of the scope (减刑假释暂予监外执行) */
    ZJ_PERM_IMPORT,            /* load agency exports, push data (service accounts) */
    ZJ_PERM_REJECT_READ,       /* import batches and their rejected rows (raw rows need UNMASK too) */
    ZJ_PERM_USER_ADMIN,        /* add, disable users, reset passwords, issue API keys */
    ZJ_PERM_AUDIT_READ,        /* read and verify the audit trail */
    ZJ_PERM_COUNT
} zj_perm;

/* "lead.read", "unmask", ... (the names tests and the API use); NULL for an unknown value. */
const char *zj_perm_name(zj_perm p);
/* "officer", "filing_judge", ..., "admin"; NULL for an unknown value. */
const char *zj_role_name(zj_role r);
/* The role called `name`, or -1. */
int zj_role_parse(const char *name);

/* The units an actor may see: its unit and every unit below it. */
typedef struct zj_scope zj_scope;

/* Load the subtree of `unit_code` from the unit table (a unit code that is not in the table
 * still scopes to itself alone). Returns ZJ_OK and *out (free with zj_scope_free), or ZJ_EDATA.
 * `unit_code` NULL gives a scope of the whole province. */
int zj_scope_load(zj_store *s, const char *unit_code, zj_scope **out, zj_error *err);
/* A scope from a list of (unit, parent) pairs, for tests and callers with their own unit list:
 * units[i][0] is a code, units[i][1] its parent (NULL for a root). */
int zj_scope_from_pairs(const char *root, const char *const (*units)[2], size_t n,
                        zj_scope **out, zj_error *err);
void zj_scope_free(zj_scope *sc);                 /* NULL is allowed */
/* True when `unit_code` is in the scope; a whole-province scope contains every unit, NULL too. */
bool zj_scope_contains(const zj_scope *sc, const char *unit_code);
size_t zj_scope_size(const zj_scope *sc);         /* units in it; 0 for the whole province */

/* True when the actor's scope contains `unit_code` (see the file comment for NULL cases). An
 * object with no unit (NULL) is in scope only for whole-province actors. */
bool zj_actor_sees(const zj_actor *a, const char *unit_code);

/* True when the actor's role holds `perm` and, for unit-bound permissions, `unit_code` is in
 * its scope. Never true for a NULL actor or an unknown role. */
bool zj_actor_may(const zj_actor *a, zj_perm perm, const char *unit_code);

/* True when the role holds `perm` at all (no scope): what to offer in a menu or a help text. */
bool zj_role_may(zj_role r, zj_perm perm);

/* For officers' own records and reports (RECORD_FILE, RECORD_READ): an officer's own record
 * (officer_no equal to the actor's) is always his to file and read; others' records need
 * RECORD_READ and the unit in scope. */
bool zj_actor_may_record(const zj_actor *a, zj_perm perm, const char *unit_code,
                         const char *officer_no);

/* Where a unit sits: its agency and region (unit.agency, unit.region_code). */
typedef struct zj_unit_place {
    bool found;               /* false: no such unit in the unit table */
    char agency[32];          /* court|procuratorate|justice|prison ... ("" unknown) */
    char region[16];          /* 6-digit region code ("" unknown) */
} zj_unit_place;

/* The place of unit `unit_code` from the unit table (scope.c); out->found false when absent.
 * ZJ_OK or ZJ_EDATA. */
int zj_unit_place_get(zj_store *s, const char *unit_code, zj_unit_place *out, zj_error *err);

/* Who takes a step of a sentence-change case (work/sentence.h), relative to the prison:
 *   ZJ_SC_BY_PRISON          prison staff (sc_prison) of the prison, or of a unit above it;
 *   ZJ_SC_BY_PRISON_ADMIN    prison administration (sc_prison) of a unit above the prison, not
 *                            the prison itself: the deciding organ for temporary execution
 *                            outside prison (Criminal Procedure Law art. 265 para. 5);
 *   ZJ_SC_BY_PROCURATORATE   a procurator (sc_procurator) of a procuratorate in the prison's
 *                            city (the first four digits of the region codes);
 *   ZJ_SC_BY_COURT           a judge (sc_court) of a court in the prison's city (the
 *                            intermediate court rules on fixed-term reductions and parole,
 *                            Criminal Procedure Law art. 273).
 * Administrators take no step: each step is an agency's act. */
typedef enum zj_sc_by {
    ZJ_SC_BY_PRISON = 0,
    ZJ_SC_BY_PRISON_ADMIN,
    ZJ_SC_BY_PROCURATORATE,
    ZJ_SC_BY_COURT,
    ZJ_SC_BY_COUNT
} zj_sc_by;

/* True when actor `a`, whose unit is at `mine`, may take a step of kind `by` on a case of the
 * prison `prison_unit` at `prison`. */
bool zj_actor_may_sc_step(const zj_actor *a, zj_sc_by by, const zj_unit_place *mine,
                          const char *prison_unit, const zj_unit_place *prison);
/* The role a step of kind `by` needs (for messages). */
zj_role zj_sc_by_role(zj_sc_by by);

/* Fail with ZJ_EPERM and a message naming the user, the permission and the unit, e.g.
 * "user 'li' (leader) may not 'unmask' on unit '610100'"; returns ZJ_EPERM. */
int zj_deny(zj_error *err, const zj_actor *a, zj_perm perm, const char *unit_code);

#endif
