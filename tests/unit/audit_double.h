/* audit_double.h - a stand-in for the audit trail's append (work/audit.h) that keeps entries in
 * memory, linked only into the unit tests of the work layer's writers: they check what was
 * appended, and that a failing append rolls the action back. */
#ifndef ZJ_AUDIT_DOUBLE_H
#define ZJ_AUDIT_DOUBLE_H

#include "work/audit.h"

typedef struct audit_seen {
    char action[32], table[32], before[65], after[65], user[64];
    int64_t object_id;
    char detail[512];
} audit_seen;

extern audit_seen audit_log[512];
extern int audit_count;
extern int audit_fail_next;     /* set to make the next append fail */

#endif
