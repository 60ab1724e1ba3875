/* compare.h - a mention in memory, and how two mentions are compared field by field.
 *
 * The linker holds every mention of a kind as one compact struct (about 100 bytes plus its
 * two name strings in a shared arena). Comparing two mentions gives one level per field
 * (a "gamma" vector, Fellegi-Sunter's comparison vector), or MISSING when either side lacks
 * the value; model.h turns levels into weights.
 */
#ifndef ZJ_LINK_COMPARE_H
#define ZJ_LINK_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZJ_MISSING (-1)
#define ZJ_MAX_FIELDS 10
#define ZJ_MAX_LEVELS 4

typedef enum { ZJ_KIND_PERSON = 0, ZJ_KIND_ENTERPRISE = 1 } zj_kind;

/* Comparison fields. Persons use all; enterprises use NAME, REGION and ID. F_CONTEXT is the
 * enterprise a person is named for (legal representative, shareholder ...); F_UNIT the unit
 * (and post) a person is named with: an officer's unit and position, the unit and post an
 * interference record gives for the person who approached the officer, the unit a complaint
 * names for the officer complained of. */
enum { F_NAME = 0, F_BIRTH, F_SEX, F_REGION, F_PHONE, F_ID, F_CONTEXT, F_UNIT, F_ADDRESS,
       F_COPARTY };

/* F_ADDRESS is the address a record gives (a household register's 住址, a court party's
 * 送达地址), reduced by text/address.h: levels different (another county, road or flat), same
 * road, same house number (the flat unknown on one side), same address (number and flat).
 * A person's addresses are a history: people move, and a record may give a home he has left.
 * A register that records the move (何时由何地迁来本址) gives the former address too (stored
 * after the address, separated by U+001F), and the level is the best over every pair of the
 * two mentions' addresses: a match on any address the person used is evidence.
 * F_COPARTY is compared for parties of cases: "same" when the two mentions' cases share a
 * co-party (the same valid ID or credit code, or the same name: a co-party whose ID one
 * record gives and another omits is still known by name), "different" when both have
 * co-parties and none is shared. */
#define ZJ_COPARTIES 4   /* co-party keys kept per mention (the smallest) */

/* A case party's stored context: 'c', ':', the case's system, U+001F, its number. */
#define ZJ_CASE_CONTEXT 'c'

/* A stored mention context that is a unit (and post) rather than an enterprise: a role letter,
 * ':', the unit, optionally U+001F and the post (mentions.c writes it, compare.c reads it).
 * The role says what the record knows of the person's place in the unit:
 *   'o' on the unit's roster (an officer row),
 *   'r' refers to someone on that roster (a complaint's target: an officer of the named unit),
 *   'u' merely named with the unit (the person who approached an officer).
 * A mention that refers to the roster is resolved in a closed world: among the roster's
 * people the model finds compatible, the weights are shared out (link.c). */
enum { ZJ_UNIT_NONE = 0, ZJ_UNIT_NAMED = 'u', ZJ_UNIT_ROSTER = 'o', ZJ_UNIT_REFERS = 'r' };

/* The unit role of a stored context (ZJ_UNIT_NONE for an enterprise context or none). */
int zj_unit_context_role(const char *context);

enum { ID_MISSING = 0, ID_INVALID, ID_VALID, ID_LEGACY };

typedef struct zj_lmention {
    int64_t id;              /* mention id */
    int64_t entity;          /* entity before the run, 0 if none */
    uint64_t norm_h;         /* hash of the simplified name (0 = none) */
    uint64_t key_h;          /* hash of the pinyin / enterprise key */
    uint64_t surname_h;      /* hash of the surname's pinyin (persons) */
    uint64_t prefix_h;       /* hash of the key's first two characters (enterprises) */
    uint64_t id_h;           /* hash of the ID text (any status) */
    uint64_t idprefix_h;     /* hash of an 18-character ID's first 14 (region + birth date) */
    uint64_t idtail_h;       /* hash of an ID's last 4 characters */
    uint64_t phone_h;
    uint64_t context_h;      /* the enterprise a person is named for (credit code) */
    uint64_t unit_h;         /* the unit a person is named with (0 = none) */
    uint64_t post_h;         /* that unit and the post together (0 = no post) */
    uint64_t addr_h;         /* the address's road and house number (0 = none): blocking */
    uint32_t addr_road;      /* hash of the road (0 = no address) */
    uint32_t addr_county;    /* hash of the county named in it (0 = not named) */
    uint32_t addr_full;      /* hash of road, house number and room (0 = no room) */
    uint64_t addr2_h;        /* the same four of a former address (the register's */
    uint32_t addr2_road, addr2_county, addr2_full;   /* 迁来本址前住址; 0 = none) */
    uint32_t copart[ZJ_COPARTIES];   /* co-party keys, ascending (0 = none; link.c) */
    uint64_t case_h;         /* the case a party is named in (0 = not a case party) */
    uint32_t norm_off, key_off, id_off;   /* NUL-terminated strings in the arena */
    uint16_t norm_chars;     /* code points in the simplified name */
    uint16_t norm_len, key_len;   /* bytes */
    int32_t birth;           /* YYYYMMDD, 0 unknown */
    int32_t region;          /* 6-digit region code, 0 unknown */
    char sex;                /* 'M', 'F', 0 */
    char unit_role;          /* ZJ_UNIT_* of the unit context */
    uint8_t id_status;       /* ID_* */
    bool id_trusted;         /* valid/legacy and not in conflict */
} zj_lmention;

/* Strings of the mentions; grows by doubling. */
typedef struct zj_arena {
    char *data;
    size_t len, cap;
} zj_arena;

/* Copy s[0..n) plus a NUL into the arena; returns its offset, or (uint32_t)-1 when out of
 * memory or past 4 GiB. */
uint32_t zj_arena_add(zj_arena *a, const char *s, size_t n);
void zj_arena_free(zj_arena *a);

/* Fill a mention from its stored columns (any may be NULL). Strings go to the arena.
 * Returns 0, or -1 when out of memory. */
int zj_lmention_fill(zj_lmention *m, zj_arena *a, zj_kind kind, int64_t id, int64_t entity,
                     const char *name_norm, const char *name_key, const char *id_no,
                     const char *id_status, const char *birth_date, const char *sex,
                     const char *phone, const char *region, const char *context,
                     const char *address);

/* Co-parties (F_COPARTY). A case party's context names its case: zj_case_hash gives the
 * case's hash (0 for any other context). A co-party is known by two keys, salted by kind: its
 * ID (credit code) when valid (zj_copart_id_key), and its simplified name (zj_copart_key);
 * 0 when it has no such value. A key found in
 * more than ZJ_COPARTY_MAX_CASES cases (a repeat litigant: the lender of many suits) is not
 * kept: sharing it says little about who the other party is. link.c fills the mentions'
 * copart lists; explain.c recomputes them from the stored mentions the same way. */
#define ZJ_COPARTY_MAX_CASES 4
uint64_t zj_case_hash(const char *context);
uint32_t zj_copart_key(zj_kind kind, const char *name_norm);
uint32_t zj_copart_id_key(zj_kind kind, const char *id_no, bool id_valid);
/* Insert key into a mention's copart list (ascending, at most ZJ_COPARTIES, no repeats). */
void zj_copart_add(zj_lmention *m, uint32_t key);

/* Number of fields and levels per field for a kind, and their names. */
int zj_compare_nfields(zj_kind kind);
int zj_compare_nlevels(zj_kind kind, int field);
const char *zj_compare_field_name(zj_kind kind, int field);
const char *zj_compare_level_name(zj_kind kind, int field, int level);

/* Compare two mentions: gamma[f] = level or ZJ_MISSING. The ID field is only compared when
 * the two IDs are not both trusted (trusted equal IDs are linked, different ones never). */
void zj_compare(zj_kind kind, const zj_lmention *a, const zj_lmention *b, const zj_arena *ar,
                int *gamma);
/* The same, for two mentions whose strings are in different arenas (a query held apart from
 * a shared, read-only set: resolve.c). */
void zj_compare_two(zj_kind kind, const zj_lmention *a, const zj_arena *ara,
                    const zj_lmention *b, const zj_arena *arb, int *gamma);

#endif
