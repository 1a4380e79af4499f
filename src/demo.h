/* demo.h — the demo dataset: a living region on first start (`huiju demo`,
 * `make run`). The real region of Xinjiang with its prefectures and counties
 * (from the embedded data/xinjiang-divisions.csv), synthetic schools spread over
 * them, a few partner organisations and the demo people. Organisations and
 * people only: no individual students, no field about ethnicity or religion. */
#ifndef HUIJU_DEMO_H
#define HUIJU_DEMO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db/db.h"

/* The password of every demo login. */
#define DEMO_PASSWORD "huiju-demo-2026"

/* One line of data/xinjiang-divisions.csv. */
typedef struct DemoDivision {
    char code[8];   /* six digits: "653121" */
    char name[96];  /* name_zh: "疏附县" */
    char level[16]; /* "region", "prefecture" or "county" */
    char parent[8]; /* parent's code; "" for the region */
} DemoDivision;

/* Parses the divisions CSV (n bytes of text, header "code,name,level,parent_code",
 * four plain unquoted columns, LF or CRLF line ends). Checks every line: six-digit
 * codes, no duplicates, a known level, a parent listed earlier one level up, and
 * exactly one region. On success returns the number of divisions and sets *out to
 * a new array the caller frees with free(); on failure returns -1, sets *out to
 * NULL and writes a one-line reason naming the line number into err. */
int demo_parse_divisions(const char *text, size_t n, DemoDivision **out, char *err, size_t errlen);

/* Loads the demo region into an empty, migrated database in one transaction:
 * the real region, its 14 prefectures and 96 counties, `schools` synthetic schools,
 * a few partner organisations, and the demo people. Deterministic for a seed.
 * Returns 0, or 1 with a one-line reason in err (nothing written then). */
int demo_load(Db *db, int schools, uint64_t seed, char *err, size_t errlen);

/* Prints the demo logins and their roles to f (for `make run`). */
void demo_print_logins(FILE *f);

#endif
