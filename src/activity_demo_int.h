/* activity_demo_int.h — what the two files of the activity demo share
 * (activity_demo.c: accounts and the generated records; activity_demo_write.c:
 * writing them, the demo people's bookings, the parent school, the figures).
 * Internal to those files. */
#ifndef HUIJU_ACTIVITY_DEMO_INT_H
#define HUIJU_ACTIVITY_DEMO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "demo_values.h"

enum { DUR = 2 * 3600 }; /* every demo activity lasts two hours */

/* ---- the records in memory -------------------------------------------------------- */

typedef struct DAct {
    int64_t org_id, id;
    int school, county; /* indices, -1 for none */
    const char *kind, *title, *place, *online, *audience, *status;
    int64_t starts, ends;
    int capacity, seats, attended, community, guidance;
    char code[7];
} DAct;

/* Accounts [lo, hi) of school `school` (indices into its accounts) at activity `act`. */
typedef struct DRange {
    int act, school, lo, hi, attended;
} DRange;

typedef struct County {
    int64_t id;
    char code[16], path[64];
} County;

typedef struct Ctx {
    Db *db;
    Arena *a;
    uint64_t seed;
    int64_t now;
    char *err;
    size_t errlen;
    DemoActivityPlan *plan;
    int nschools;
    const char **sname; /* school names */
    int *nacc;          /* accounts per school */
    int64_t *base;      /* user id of each school's account 0 */
    int *scounty;       /* county index of each school */
    County *county;
    int ncounty;
    DAct *act;
    int nact, capact;
    DRange *rng;
    int nrng, caprng;
    int64_t region_id;
    char region_path[64];
    int npeople, people_school;
    int people_first[2][2]; /* parent, parent2: first attended month + 1, any / guided */
} Ctx;

/* A number in [0, n) that depends only on its arguments. */
uint32_t ad_draw(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint32_t n);
/* A check-in code drawn from (seed, a, b). */
void ad_code(uint64_t seed, uint64_t a, uint64_t b, char out[7]);
/* Writes "demo activities: what: <database error>" into c->err; returns 1. */
int ad_fail(Ctx *c, const char *what);
/* Grows an array of n items of size bytes to hold one more; 0 or -1. */
int ad_grow(void **p, int *cap, int n, size_t size);
/* The month index (year * 12 + month - 1) of t in Asia/Shanghai. */
int ad_month(int64_t t);
/* Days in month m (1–12) of year y. */
int ad_days_in(int y, int m);

/* activity_demo_write.c: each 0, or 1 with c->err set. */
int ad_insert_activities(Ctx *c);
int ad_insert_bookings(Ctx *c);
int ad_demo_people(Ctx *c);
int ad_courses(Ctx *c, int first_month, int last_month);
int ad_write_figures(Ctx *c, int first_month, int last_month);

#endif
