/* address.h - Chinese postal and household addresses (住址, 送达地址), reduced to the parts
 * that tell one household from another.
 *
 * The same address is written many ways: with or without the province and city
 * (陕西省西安市雁塔区人民路12号 / 西安市雁塔区人民路12号 / 雁塔区人民路12号 / 人民路12号), in
 * full-width digits (人民路１２号), with spaces, and with the building and room as
 * 3号楼1201室, 3栋1201 or 3-1201. Parsing keeps four parts:
 *
 *   county  the county-level division named before the street (雁塔区, a 县 or 旗), when one
 *           of the region table's names is written there; "" when the address omits it
 *   road    the last three characters before the house number (人民路, 宾大道 of 迎宾大道):
 *           what is left once any province, city and county names are stripped, however
 *           many of them the writer omitted
 *   house   the house number's digits (12 of 12号, or the first group of 12-3-1201)
 *   rest    the building, unit and room: every later group of digits, joined by '-'
 *           (3号楼1201室, 3栋1201 and 3-1201 all give "3-1201")
 *
 * Full-width ASCII becomes ASCII, ASCII and ideographic spaces are dropped, a leading 中国
 * is dropped. Chinese numerals (十二号) are not converted: they stay in the road text.
 * Pure functions: thread-safe.
 */
#ifndef ZJ_ADDRESS_H
#define ZJ_ADDRESS_H

#include <stddef.h>

typedef struct zj_address {
    char county[64];
    char road[16];       /* at most three characters (12 bytes) */
    char house[12];
    char rest[32];
} zj_address;

/* Parse an address. Returns 0 and fills *out (some parts may be ""), or -1 with a static
 * reason in *why (may be NULL): "empty address", "address too long" (over 512 bytes),
 * "address has no street or number" (nothing left after the region names). */
int zj_address_parse(const char *s, size_t n, zj_address *out, const char **why);

#endif
