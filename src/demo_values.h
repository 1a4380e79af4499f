/* demo_values.h — the demo's data values (issue 3, item 8): every school of the
 * demo region gets a value for every raw indicator of the catalogue, for every
 * month (monthly indicators) or year (yearly ones) from January 2023 up to the
 * current month, written through the ValueWriter so that the roll-ups are exact
 * and the whole load is one audit record.
 *
 * The figures tell the plan's story (data/plan-targets.csv): in 2023 the four
 * southern prefectures start with a music/PE/art teacher gap of about 34 %
 * (elsewhere about 12 %), family-education guidance coverage under 40 %, parent
 * participation about 30 %, …; from 2024 every county moves toward the targets
 * at its own speed — about a third of the counties faster than the plan's
 * trajectory (on track), a third somewhat slower (at risk) and a third barely
 * (off track); 疏附县 653121 is always among the fast ones, 和田县 653221
 * among the slow. Each school varies a little around its county. Monthly
 * indicators dip in the school holidays (January–February, July–August).
 *
 * School-level aggregates only: nothing about an individual student. The values
 * depend only on the seed, the schools' codes, stages and places, the catalogue
 * and the last month written — never on rand() or the order of the rows. */
#ifndef HUIJU_DEMO_VALUES_H
#define HUIJU_DEMO_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

/* Fills every school (orgs of kind 'school') with values up to today's month
 * (local time). The indicator catalogue must be loaded. Runs its own
 * transaction: all or nothing. Returns 0, or 1 with a one-line reason in err. */
int demo_values_load(Db *db, uint64_t seed, char *err, size_t errlen);
/* The raw indicators the demo does NOT generate, because records feed them
 * (feed.h); NULL-terminated. */
extern const char *const demo_values_fed[];

/* The same, up to the month last_month (year * 12 + month - 1; at least
 * January 2023), for tests and benchmarks that need a fixed "today". Values are
 * written for every month and year from 2023 through last_month's. */
int demo_values_load_until(Db *db, uint64_t seed, int last_month, char *err, size_t errlen);

/* The month index (year * 12 + month - 1) of today, local time. */
int demo_values_this_month(void);

/* The activity figures come from the demo's activity records (activity_demo.c)
 * for the last twelve months: from the month demo_values_records_from(last)
 * on, activities_held, activities_low_participation,
 * parent_households_participating and families_guided are not generated here,
 * nor community_resources_used from that month's year on (demo_values_recorded,
 * NULL-terminated). */
int demo_values_records_from(int last_month);
extern const char *const demo_values_recorded[];

/* What the story gives one school for the months the records cover, so that
 * the records tell the same story (the counts demo_values would have written). */
typedef struct DemoActivityPlan {
    int64_t id;
    const char *code, *path;
    char county[16];           /* the county's code */
    int first_month, n_months; /* the months covered: first_month … last */
    int held[12], low[12], participating[12], guided[12]; /* per covered month */
    int households[2], resources_used[2];                 /* per year: first_month's and the next */
} DemoActivityPlan;
/* The plan of every school (orgs of kind school, by code) for the records that
 * end at last_month; the array lives in a. The number of schools, or -1. */
int demo_values_activity_plan(Db *db, Arena *a, uint64_t seed, int last_month,
                              DemoActivityPlan **out);

#endif
