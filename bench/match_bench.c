/* match_bench.c — the matcher on a synthetic region: 14 prefectures, 96 counties,
 * 1,200 recipient schools, 10,000 needs, 5,000 resources (sizes can be given as
 * arguments: needs resources schools seed). Solves exactly (match_solve) and
 * greedily (match_greedy), and prints one JSON object: the time of each, the peak
 * resident memory (getrusage), the objectives and the optimality gap
 *   gap % = (exact − greedy) / greedy × 100.
 * Build: cc -O2 -Isrc bench/match_bench.c src/core/match.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "core/match.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *const cats[] = {"teachers", "training",  "curriculum", "equipment",
                                   "parent_education", "community", "funds", "other"};
static const char *const subjects[] = {"chinese", "math", "english", "music", "pe",
                                       "art",     "science", "it", "physics", "chemistry"};

int main(int argc, char **argv)
{
    int nn = argc > 1 ? atoi(argv[1]) : 10000, nr = argc > 2 ? atoi(argv[2]) : 5000,
        nschools = argc > 3 ? atoi(argv[3]) : 1200;
    if (argc > 4) rng = strtoull(argv[4], NULL, 10) | 1;
    if (nn < 0 || nr < 0 || nschools < 1) return 2;
    enum { REGION = 1, NPREF = 14, NCOUNTY = 96 };
    /* counties 100.. spread over prefectures 2..15; schools 10000.. over counties */
    int64_t county_pref[NCOUNTY];
    for (int c = 0; c < NCOUNTY; c++) county_pref[c] = 2 + c % NPREF;
    int64_t *school_county = malloc((size_t)nschools * sizeof *school_county);
    for (int s = 0; s < nschools; s++) school_county[s] = 100 + rnd(NCOUNTY);
    int32_t today = match_day("2026-03-01");

    MatchNeed *needs = calloc((size_t)nn + 1, sizeof *needs);
    for (int i = 0; i < nn; i++) {
        int s = (int)rnd((unsigned)nschools);
        int c = (int)rnd(8);
        needs[i] = (MatchNeed){
            .id = i + 1,
            .school_id = 10000 + s,
            .county_id = school_county[s],
            .prefecture_id = county_pref[school_county[s] - 100],
            .region_id = REGION,
            .category = cats[c],
            .subject = c < 3 && rnd(4) ? subjects[rnd(10)] : "",
            .quantity = c == 6 ? 10 + rnd(200) : 1 + rnd(c == 0 ? 4 : 40), /* funds: 1,000 yuan */
            .priority = 1 + (int)rnd(5),
            .wanted_by = rnd(5) ? today + 30 + (int32_t)rnd(400) : 0,
        };
    }
    MatchResource *res = calloc((size_t)nr + 1, sizeof *res);
    int64_t *reach = calloc((size_t)nr * 3 + 1, sizeof *reach);
    for (int j = 0; j < nr; j++) {
        int c = (int)rnd(8), k = (int)rnd(10);
        int64_t *rr = reach + 3 * j;
        int m;
        if (k < 6) { /* one to three counties */
            m = 1 + (int)rnd(3);
            for (int q = 0; q < m; q++) rr[q] = 100 + rnd(NCOUNTY);
        } else if (k < 9) { /* a prefecture or two */
            m = 1 + (int)rnd(2);
            for (int q = 0; q < m; q++) rr[q] = 2 + rnd(NPREF);
        } else {
            m = 1;
            rr[0] = REGION;
        }
        res[j] = (MatchResource){
            .id = j + 1,
            .provider_id = 50000 + rnd(300),
            .category = cats[c],
            .subject = c < 3 && rnd(3) ? subjects[rnd(10)] : "",
            .capacity = c == 6 ? 50 + rnd(500) : 1 + rnd(c == 0 ? 6 : 120),
            .from = today - (int32_t)rnd(60),
            .to = today + 60 + (int32_t)rnd(500),
            .reach = rr,
            .nreach = m,
        };
    }
    /* continuity: about a fifth of the schools already supplied by some provider */
    int nsup = nschools / 5 * 2;
    MatchSupply *sup = calloc((size_t)nsup + 1, sizeof *sup);
    for (int k = 0; k < nsup; k++)
        sup[k] = (MatchSupply){10000 + rnd((unsigned)nschools), 50000 + rnd(300)};

    MatchInput in = {needs, nn, res, nr, sup, nsup};
    MatchParams p = match_params_default(today);
    MatchResult exact, greedy;
    double t0 = now();
    if (match_solve(&in, &p, &exact)) return 1;
    double t1 = now();
    if (match_greedy(&in, &p, &greedy)) return 1;
    double t2 = now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double gap = greedy.objective > 0
                     ? (double)(exact.objective - greedy.objective) * 100.0 / (double)greedy.objective
                     : 0;
    printf("{\"needs\":%d,\"resources\":%d,\"schools\":%d,\"allowed_pairs\":%lld,"
           "\"components\":%d,\"phases\":%d,\"solve_s\":%.4f,\"greedy_s\":%.4f,"
           "\"peak_rss_mib\":%.1f,\"objective\":%.2f,\"greedy_objective\":%.2f,"
           "\"gap_percent\":%.4f,\"pairs\":%d,\"greedy_pairs\":%d}\n",
           nn, nr, nschools, (long long)exact.edges, exact.components, exact.phases, t1 - t0,
           t2 - t1, (double)ru.ru_maxrss / 1024.0, (double)exact.objective / 100.0,
           (double)greedy.objective / 100.0, gap, exact.npairs, greedy.npairs);
    match_result_free(&exact);
    match_result_free(&greedy);
    free(needs);
    free(res);
    free(reach);
    free(sup);
    free(school_county);
    return 0;
}
