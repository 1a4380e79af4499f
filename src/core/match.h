/* match.h — the matcher: assigns resources to needs so that the priority-weighted
 * quantity met is as large as possible. Pure logic, no I/O, no allocation that
 * outlives a call except the result (freed with match_result_free()).
 *
 * A pair (need i, resource j) is allowed when
 *   - they have the same category,
 *   - their subjects are equal or either is empty,
 *   - the resource's reach set holds the need's school, county, prefecture or region,
 *   - the resource's availability [from, to] overlaps [today, max(today, wanted_by)]
 *     (a need without a date: [today, ∞)).
 * Its weight, in hundredths, is the sum of four parts:
 *   priority    100 × the need's priority (1..5)
 *   continuity  params.continuity when the provider already supplies that school
 *   reach       params.reach_county / reach_prefecture / reach_region, the nearest
 *               level of the reach set that holds the school (school or county >
 *               prefecture > region)
 *   date        params.date_max when the need is wanted within a quarter of
 *               params.date_horizon days (or is overdue), half of it within half
 *               the horizon, else 0 (and 0 without a date). Few tiers keep the
 *               number of distinct path costs, hence of solver phases, small.
 * Quantities are whole units: the caller rounds fractional amounts down.
 *
 * match_solve() maximises Σ weight × quantity exactly, as a min-cost flow
 * (source → need → resource → sink, cost −weight): successive shortest paths with
 * potentials (Dijkstra), each phase augmenting every shortest path at once (a
 * blocking flow on the zero-reduced-cost arcs), stopping when no negative-cost
 * path remains — the cheapest flow of any size, not the largest. Each connected
 * component of the allowed pairs is solved on its own. match_greedy() is the
 * baseline: heaviest pair first. */
#ifndef HUIJU_CORE_MATCH_H
#define HUIJU_CORE_MATCH_H

#include <stdint.h>

typedef struct MatchNeed {
    int64_t id, school_id, county_id, prefecture_id, region_id;
    const char *category, *subject; /* subject "" or NULL: any */
    int64_t quantity;               /* still wanted, whole units (≥ 0) */
    int priority;                   /* 1..5 (clamped) */
    int32_t wanted_by;              /* days since 1970-01-01; 0 = no date */
} MatchNeed;

typedef struct MatchResource {
    int64_t id, provider_id;
    const char *category, *subject;
    int64_t capacity;      /* remaining, whole units (≥ 0) */
    int32_t from, to;      /* availability, days since 1970-01-01, inclusive */
    const int64_t *reach;  /* org ids it can reach (not owned) */
    int nreach;
} MatchResource;

/* "provider already supplies school" */
typedef struct MatchSupply {
    int64_t school_id, provider_id;
} MatchSupply;

typedef struct MatchParams {
    int32_t today;                                     /* days since 1970-01-01 */
    int continuity;                                    /* hundredths, default 100 */
    int reach_county, reach_prefecture, reach_region;  /* default 20, 10, 0 */
    int date_max;                                      /* default 10 */
    int date_horizon;                                  /* days, default 365 */
} MatchParams;

typedef struct MatchInput {
    const MatchNeed *needs;
    int nneeds;
    const MatchResource *resources;
    int nresources;
    const MatchSupply *supplies; /* any order; match_solve sorts a private copy */
    int nsupplies;
} MatchInput;

typedef enum { MATCH_REACH_COUNTY = 'c', MATCH_REACH_PREFECTURE = 'p', MATCH_REACH_REGION = 'r' } MatchReach;

typedef struct MatchParts {
    int priority, continuity, reach, date; /* hundredths; weight = their sum */
    char level;                            /* MatchReach */
} MatchParts;

typedef struct MatchPair {
    int need, resource; /* indexes into the input arrays */
    int64_t quantity;   /* > 0 */
    int weight;         /* hundredths */
    MatchParts parts;
} MatchPair;

typedef struct MatchResult {
    MatchPair *pairs; /* malloc'd, sorted by need then resource; match_result_free() */
    int npairs;
    int64_t objective; /* Σ weight × quantity, hundredths */
    int64_t edges;     /* allowed pairs considered */
    int components;    /* connected components solved */
    int phases;        /* shortest-path phases over all components */
} MatchResult;

/* The defaults named above, with today. */
MatchParams match_params_default(int32_t today);

/* The weight of pair (need, resource) in hundredths, with its parts in *parts
 * (may be NULL); -1 when the pair is not allowed. supplies must be sorted by
 * (school_id, provider_id) — match_supplies_sort() — or be NULL. */
int match_weight(const MatchNeed *n, const MatchResource *res, const MatchParams *p,
                 const MatchSupply *supplies, int nsupplies, MatchParts *parts);
void match_supplies_sort(MatchSupply *s, int n);

/* The exact solution into *out. 0 on success, -1 when memory ran out (*out is then
 * empty). The input is only read. */
int match_solve(const MatchInput *in, const MatchParams *p, MatchResult *out);
/* The greedy baseline (heaviest pair first, ties by need then resource index). */
int match_greedy(const MatchInput *in, const MatchParams *p, MatchResult *out);
void match_result_free(MatchResult *r);

/* Days since 1970-01-01 of "YYYY-MM-DD" (a longer text is read up to the date);
 * 0 when s is NULL, empty or not a valid date. */
int32_t match_day(const char *s);

#endif
