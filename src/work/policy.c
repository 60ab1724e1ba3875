/* policy.c - the role table and the scope rule: every permission decision (权限), in one place.
 *
 * `grants` lists, role by role, the permissions the role holds; anything not listed is refused
 * (least privilege). `unit_bound` says which permissions apply to objects of a unit and so
 * need the unit in the actor's scope; the others (a filing check across all courts) do not.
 * tests/unit/test_policy.c checks every role against every permission and scope.
 */
#include "work/policy.h"

#include <stdio.h>
#include <string.h>

#define P(x) (1u << ZJ_PERM_##x)

/* What each role may do (see actor.h for the roles). */
static const unsigned grants[ZJ_ROLE_COUNT] = {
    [ZJ_ROLE_OFFICER] = P(RECORD_FILE),
    [ZJ_ROLE_FILING_JUDGE] = P(RECORD_FILE) | P(FILING_CHECK),
    [ZJ_ROLE_SC_PRISON] = P(RECORD_FILE) | P(SENTENCE_CHANGE),
    [ZJ_ROLE_SC_PROCURATOR] = P(RECORD_FILE) | P(SENTENCE_CHANGE),
    [ZJ_ROLE_SC_COURT] = P(RECORD_FILE) | P(SENTENCE_CHANGE),
    /* a steward loads the raw exports and fixes what was rejected: he may see rejected rows
     * in full (audited); he reads no leads, entities or records, so that is all he unmasks */
    [ZJ_ROLE_DATA_STEWARD] = P(IMPORT) | P(REJECT_READ) | P(UNMASK),
    [ZJ_ROLE_SERVICE] = P(IMPORT),
    [ZJ_ROLE_UNIT_SUPERVISOR] = P(RECORD_FILE) | P(RECORD_READ) | P(LEAD_READ) | P(LEAD_ASSIGN) |
                                P(LEAD_RECTIFY) | P(LEAD_COMMENT) | P(ENTITY_READ) | P(STATS_READ),
    [ZJ_ROLE_INSPECTOR] = P(RECORD_FILE) | P(RECORD_READ) | P(LEAD_READ) | P(LEAD_ASSIGN) |
                          P(LEAD_VERIFY) | P(LEAD_DECIDE) | P(LEAD_COMMENT) | P(UNMASK) |
                          P(ENTITY_READ) | P(STATS_READ),
    [ZJ_ROLE_LEADER] = P(RECORD_FILE) | P(RECORD_READ) | P(LEAD_READ) | P(ENTITY_READ) |
                       P(STATS_READ),
    [ZJ_ROLE_ADMIN] = (1u << ZJ_PERM_COUNT) - 1,
};

/* Permissions that are not about objects of one unit: a filing check reads across all
 * courts; an entity (a person, a company) belongs to no unit. */
static const unsigned unit_free = P(FILING_CHECK) | P(ENTITY_READ);

static const char *const perm_names[ZJ_PERM_COUNT] = {
    [ZJ_PERM_LEAD_READ] = "lead.read",       [ZJ_PERM_LEAD_ASSIGN] = "lead.assign",
    [ZJ_PERM_LEAD_VERIFY] = "lead.verify",   [ZJ_PERM_LEAD_DECIDE] = "lead.decide",
    [ZJ_PERM_LEAD_RECTIFY] = "lead.rectify", [ZJ_PERM_LEAD_COMMENT] = "lead.comment",
    [ZJ_PERM_UNMASK] = "unmask",             [ZJ_PERM_ENTITY_READ] = "entity.read",
    [ZJ_PERM_STATS_READ] = "stats.read",     [ZJ_PERM_RECORD_FILE] = "record.file",
    [ZJ_PERM_RECORD_READ] = "record.read",   [ZJ_PERM_FILING_CHECK] = "filing.check",
    [ZJ_PERM_SENTENCE_CHANGE] = "sentence_change.read",
    [ZJ_PERM_IMPORT] = "import",             [ZJ_PERM_REJECT_READ] = "reject.read",
    [ZJ_PERM_USER_ADMIN] = "user.admin",     [ZJ_PERM_AUDIT_READ] = "audit.read",
};

static const char *const role_names[ZJ_ROLE_COUNT] = {
    [ZJ_ROLE_OFFICER] = "officer",
    [ZJ_ROLE_FILING_JUDGE] = "filing_judge",
    [ZJ_ROLE_SC_PRISON] = "sc_prison",
    [ZJ_ROLE_SC_PROCURATOR] = "sc_procurator",
    [ZJ_ROLE_SC_COURT] = "sc_court",
    [ZJ_ROLE_DATA_STEWARD] = "data_steward",
    [ZJ_ROLE_SERVICE] = "service",
    [ZJ_ROLE_UNIT_SUPERVISOR] = "unit_supervisor",
    [ZJ_ROLE_INSPECTOR] = "inspector",
    [ZJ_ROLE_LEADER] = "leader",
    [ZJ_ROLE_ADMIN] = "admin",
};

const char *zj_perm_name(zj_perm p)
{
    return (unsigned)p < ZJ_PERM_COUNT ? perm_names[p] : NULL;
}

const char *zj_role_name(zj_role r)
{
    return (unsigned)r < ZJ_ROLE_COUNT ? role_names[r] : NULL;
}

int zj_role_parse(const char *name)
{
    for (int r = 0; name && r < ZJ_ROLE_COUNT; r++)
        if (!strcmp(role_names[r], name))
            return r;
    return -1;
}

bool zj_role_may(zj_role r, zj_perm perm)
{
    return (unsigned)r < ZJ_ROLE_COUNT && (unsigned)perm < ZJ_PERM_COUNT &&
           (grants[r] & (1u << perm)) != 0;
}

bool zj_actor_sees(const zj_actor *a, const char *unit_code)
{
    if (!a)
        return false;
    if (!a->unit_code)
        return true;                       /* the whole province */
    if (!unit_code)
        return false;                      /* an object of no unit: province-wide actors only */
    if (a->scope)
        return zj_scope_contains(a->scope, unit_code);
    return !strcmp(a->unit_code, unit_code);
}

bool zj_actor_may(const zj_actor *a, zj_perm perm, const char *unit_code)
{
    if (!a || !zj_role_may(a->role, perm))
        return false;
    if (unit_free & (1u << perm))
        return true;
    return zj_actor_sees(a, unit_code);
}

bool zj_actor_may_record(const zj_actor *a, zj_perm perm, const char *unit_code,
                         const char *officer_no)
{
    if (!a || (perm != ZJ_PERM_RECORD_FILE && perm != ZJ_PERM_RECORD_READ))
        return false;
    bool own = a->officer_no && officer_no && !strcmp(a->officer_no, officer_no);
    if (own)
        return zj_role_may(a->role, ZJ_PERM_RECORD_FILE);
    /* somebody else's record: reading it needs RECORD_READ in scope; filing it never */
    return perm == ZJ_PERM_RECORD_READ && zj_actor_may(a, ZJ_PERM_RECORD_READ, unit_code);
}

int zj_deny(zj_error *err, const zj_actor *a, zj_perm perm, const char *unit_code)
{
    const char *who = a && a->username ? a->username : "?";
    const char *role = a ? zj_role_name(a->role) : NULL;
    const char *what = zj_perm_name(perm);
    if (a && zj_role_may(a->role, perm))
        return zj_fail(err, ZJ_EPERM, "user '%s' (%s): unit '%s' is outside the scope of unit '%s'",
                       who, role ? role : "?", unit_code ? unit_code : "(none)",
                       a->unit_code ? a->unit_code : "(province)");
    return zj_fail(err, ZJ_EPERM, "user '%s' (%s) may not '%s'", who, role ? role : "?",
                   what ? what : "?");
}

zj_role zj_sc_by_role(zj_sc_by by)
{
    return by == ZJ_SC_BY_PROCURATORATE ? ZJ_ROLE_SC_PROCURATOR
         : by == ZJ_SC_BY_COURT ? ZJ_ROLE_SC_COURT : ZJ_ROLE_SC_PRISON;
}

/* Both regions known and in one city (prefecture: the first four digits). */
static bool same_city(const zj_unit_place *x, const zj_unit_place *y)
{
    return strlen(x->region) >= 4 && strlen(y->region) >= 4 && !strncmp(x->region, y->region, 4);
}

bool zj_actor_may_sc_step(const zj_actor *a, zj_sc_by by, const zj_unit_place *mine,
                          const char *prison_unit, const zj_unit_place *prison)
{
    if (!a || (unsigned)by >= ZJ_SC_BY_COUNT || a->role != zj_sc_by_role(by) ||
        !zj_role_may(a->role, ZJ_PERM_SENTENCE_CHANGE) || !prison_unit)
        return false;
    switch (by) {
    case ZJ_SC_BY_PRISON:
        return zj_actor_may(a, ZJ_PERM_SENTENCE_CHANGE, prison_unit);
    case ZJ_SC_BY_PRISON_ADMIN:
        return zj_actor_may(a, ZJ_PERM_SENTENCE_CHANGE, prison_unit) && a->unit_code &&
               strcmp(a->unit_code, prison_unit) != 0;
    case ZJ_SC_BY_PROCURATORATE:
        return mine && prison && !strcmp(mine->agency, "procuratorate") && same_city(mine, prison);
    case ZJ_SC_BY_COURT:
        return mine && prison && !strcmp(mine->agency, "court") && same_city(mine, prison);
    default:
        return false;
    }
}
