/* migrations.h - the numbered schema migrations every store backend applies on open. */
#ifndef ZJ_MIGRATIONS_H
#define ZJ_MIGRATIONS_H

#include <stddef.h>

typedef struct zj_migration {
    int version;          /* ascending; a number reserved for a branch may be left unused */
    const char *name;
    const char *sql;      /* one or more statements */
} zj_migration;

/* The migrations in version order; *n receives their count. */
const zj_migration *zj_migrations(size_t *n);

#endif
