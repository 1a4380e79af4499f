/* test_match.c — the matcher (core/match.c): the exact solution equals a brute
 * force over every integer assignment on 300 random small instances; quantities
 * and capacities are never exceeded; every pair is allowed and scored as
 * match_weight() says; greedy is never better and strictly worse on a known
 * instance; empty inputs; the rules on category, subject, reach and dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/match.h"

enum { REGION = 1, PREF_A = 10, PREF_B = 11, COUNTY_A1 = 100, COUNTY_A2 = 101, COUNTY_B1 = 110 };

static uint64_t rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* ---- brute force ---------------------------------------------------------- */

typedef struct Brute {
    int np;
    int pn[16], pr[16], pw[16];
    int64_t qn[4], qr[4];
    int64_t best;
} Brute;

static void brute_rec(Brute *b, int k, int64_t acc)
{
    if (k == b->np) {
        if (acc > b->best) b->best = acc;
        return;
    }
    int64_t m = b->qn[b->pn[k]] < b->qr[b->pr[k]] ? b->qn[b->pn[k]] : b->qr[b->pr[k]];
    for (int64_t q = 0; q <= m; q++) {
        b->qn[b->pn[k]] -= q;
        b->qr[b->pr[k]] -= q;
        brute_rec(b, k + 1, acc + q * b->pw[k]);
        b->qn[b->pn[k]] += q;
        b->qr[b->pr[k]] += q;
    }
}

static int64_t brute(const MatchInput *in, const MatchParams *p, MatchSupply *sup)
{
    Brute b = {0};
    match_supplies_sort(sup, in->nsupplies);
    for (int i = 0; i < in->nneeds; i++)
        for (int j = 0; j < in->nresources; j++) {
            int w = match_weight(&in->needs[i], &in->resources[j], p, sup, in->nsupplies, NULL);
            if (w < 0) continue;
            b.pn[b.np] = i;
            b.pr[b.np] = j;
            b.pw[b.np++] = w;
        }
    for (int i = 0; i < in->nneeds; i++) b.qn[i] = in->needs[i].quantity;
    for (int j = 0; j < in->nresources; j++) b.qr[j] = in->resources[j].capacity;
    brute_rec(&b, 0, 0);
    return b.best;
}

/* The result respects amounts, uses only allowed pairs with their right weight,
 * and its objective is the sum it claims. */
static void check_feasible(const MatchInput *in, const MatchParams *p, MatchSupply *sup,
                           const MatchResult *res)
{
    int64_t un[8] = {0}, ur[8] = {0}, obj = 0;
    match_supplies_sort(sup, in->nsupplies);
    for (int k = 0; k < res->npairs; k++) {
        const MatchPair *x = &res->pairs[k];
        assert_true(x->quantity > 0);
        MatchParts parts;
        int w = match_weight(&in->needs[x->need], &in->resources[x->resource], p, sup,
                             in->nsupplies, &parts);
        assert_true(w > 0);
        assert_int_equal(w, x->weight);
        assert_int_equal(w, x->parts.priority + x->parts.continuity + x->parts.reach +
                                x->parts.date);
        un[x->need] += x->quantity;
        ur[x->resource] += x->quantity;
        obj += x->quantity * x->weight;
    }
    for (int i = 0; i < in->nneeds; i++) assert_true(un[i] <= in->needs[i].quantity);
    for (int j = 0; j < in->nresources; j++) assert_true(ur[j] <= in->resources[j].capacity);
    assert_int_equal(obj, res->objective);
}

static const char *const cats[] = {"teachers", "training"};
static const char *const subs[] = {"", "math", "music"};
static const int64_t places[] = {COUNTY_A1, COUNTY_A2, COUNTY_B1, PREF_A, PREF_B, REGION};

static void test_exact_equals_brute_force(void **state)
{
    (void)state;
    int32_t today = match_day("2026-03-01");
    MatchParams p = match_params_default(today);
    int greedy_worse = 0;
    for (int round = 0; round < 300; round++) {
        MatchNeed needs[4];
        MatchResource res[4];
        int64_t reach[4][3];
        MatchSupply sup[4];
        int nn = 1 + (int)rnd(4), nr = 1 + (int)rnd(4), ns = (int)rnd(3);
        for (int i = 0; i < nn; i++) {
            int64_t county = (int64_t[]){COUNTY_A1, COUNTY_A2, COUNTY_B1}[rnd(3)];
            needs[i] = (MatchNeed){.id = i + 1,
                                   .school_id = 1000 + rnd(3),
                                   .county_id = county,
                                   .prefecture_id = county == COUNTY_B1 ? PREF_B : PREF_A,
                                   .region_id = REGION,
                                   .category = cats[rnd(2)],
                                   .subject = subs[rnd(3)],
                                   .quantity = rnd(4),
                                   .priority = 1 + (int)rnd(5),
                                   .wanted_by = rnd(4) ? today + (int32_t)rnd(400) - 20 : 0};
        }
        for (int j = 0; j < nr; j++) {
            int nreach = 1 + (int)rnd(3);
            for (int k = 0; k < nreach; k++) reach[j][k] = places[rnd(6)];
            res[j] = (MatchResource){.id = j + 1,
                                     .provider_id = 500 + rnd(3),
                                     .category = cats[rnd(2)],
                                     .subject = subs[rnd(3)],
                                     .capacity = rnd(5),
                                     .from = today + (int32_t)rnd(300) - 100,
                                     .to = 0,
                                     .reach = reach[j],
                                     .nreach = nreach};
            res[j].to = res[j].from + (int32_t)rnd(400);
        }
        for (int k = 0; k < ns; k++) sup[k] = (MatchSupply){1000 + rnd(3), 500 + rnd(3)};
        MatchInput in = {needs, nn, res, nr, sup, ns};
        MatchResult exact, greedy;
        assert_int_equal(match_solve(&in, &p, &exact), 0);
        assert_int_equal(match_greedy(&in, &p, &greedy), 0);
        int64_t best = brute(&in, &p, sup);
        assert_int_equal(exact.objective, best);
        check_feasible(&in, &p, sup, &exact);
        check_feasible(&in, &p, sup, &greedy);
        assert_true(greedy.objective <= exact.objective);
        greedy_worse += greedy.objective < exact.objective;
        match_result_free(&exact);
        match_result_free(&greedy);
    }
    /* random instances do catch greedy out now and then */
    assert_true(greedy_worse > 0);
}

/* Need A (priority 5, county A1) can take R1 (reaching its county) or R2 (its
 * prefecture); need B (priority 4, prefecture B) only R1. Greedy gives R1 to A
 * and leaves B with nothing. */
static void test_greedy_strictly_worse(void **state)
{
    (void)state;
    int32_t today = match_day("2026-03-01");
    MatchParams p = match_params_default(today);
    int64_t r1reach[] = {COUNTY_A1, PREF_B}, r2reach[] = {PREF_A};
    MatchNeed needs[] = {
        {1, 1000, COUNTY_A1, PREF_A, REGION, "teachers", "math", 1, 5, 0},
        {2, 1001, COUNTY_B1, PREF_B, REGION, "teachers", "math", 1, 4, 0},
    };
    MatchResource res[] = {
        {1, 500, "teachers", "math", 1, today, today + 100, r1reach, 2},
        {2, 501, "teachers", "", 1, today, today + 100, r2reach, 1},
    };
    MatchInput in = {needs, 2, res, 2, NULL, 0};
    MatchResult exact, greedy;
    assert_int_equal(match_solve(&in, &p, &exact), 0);
    assert_int_equal(match_greedy(&in, &p, &greedy), 0);
    /* exact: A–R2 (500 + 10) + B–R1 (400 + 10) = 920; greedy: A–R1 (500 + 20) only */
    assert_int_equal(exact.objective, 920);
    assert_int_equal(greedy.objective, 520);
    assert_int_equal(greedy.npairs, 1);
    assert_int_equal(exact.npairs, 2);
    assert_int_equal(exact.pairs[0].need, 0);
    assert_int_equal(exact.pairs[0].resource, 1);
    assert_int_equal(exact.pairs[0].parts.level, MATCH_REACH_PREFECTURE);
    assert_int_equal(exact.pairs[1].need, 1);
    assert_int_equal(exact.pairs[1].resource, 0);
    assert_int_equal(exact.pairs[1].parts.priority, 400);
    match_result_free(&exact);
    match_result_free(&greedy);
}

static void test_empty_inputs(void **state)
{
    (void)state;
    MatchParams p = match_params_default(match_day("2026-03-01"));
    MatchInput in = {0};
    MatchResult r;
    assert_int_equal(match_solve(&in, &p, &r), 0);
    assert_int_equal(r.npairs, 0);
    assert_int_equal(r.objective, 0);
    match_result_free(&r);
    assert_int_equal(match_greedy(&in, &p, &r), 0);
    assert_int_equal(r.npairs, 0);
    match_result_free(&r);
    /* needs without resources, and resources without needs */
    MatchNeed n = {1, 1000, COUNTY_A1, PREF_A, REGION, "teachers", "", 3, 3, 0};
    in.needs = &n;
    in.nneeds = 1;
    assert_int_equal(match_solve(&in, &p, &r), 0);
    assert_int_equal(r.npairs, 0);
    match_result_free(&r);
    int64_t reach[] = {REGION};
    MatchResource res = {1, 500, "teachers", "", 2, 0, 30000, reach, 1};
    in = (MatchInput){NULL, 0, &res, 1, NULL, 0};
    assert_int_equal(match_solve(&in, &p, &r), 0);
    assert_int_equal(r.npairs, 0);
    match_result_free(&r);
    /* zero quantity on one side */
    n.quantity = 0;
    in = (MatchInput){&n, 1, &res, 1, NULL, 0};
    assert_int_equal(match_solve(&in, &p, &r), 0);
    assert_int_equal(r.npairs, 0);
    match_result_free(&r);
}

static void test_rules_and_parts(void **state)
{
    (void)state;
    int32_t today = match_day("2026-03-01");
    MatchParams p = match_params_default(today);
    int64_t county[] = {COUNTY_A1}, other[] = {COUNTY_B1}, pref_region[] = {REGION, PREF_A};
    MatchNeed n = {1, 1000, COUNTY_A1, PREF_A, REGION, "teachers", "music", 2, 3,
                   today + 365 / 2};
    MatchResource r = {1, 500, "teachers", "music", 2, today - 10, today + 10, county, 1};
    MatchSupply sup[] = {{1000, 500}};
    MatchParts parts;
    assert_int_equal(match_weight(&n, &r, &p, sup, 1, &parts), 300 + 100 + 20 + 5);
    assert_int_equal(parts.level, MATCH_REACH_COUNTY);
    assert_int_equal(parts.continuity, 100);
    assert_int_equal(match_weight(&n, &r, &p, NULL, 0, &parts), 325);
    r.subject = "";
    assert_true(match_weight(&n, &r, &p, NULL, 0, NULL) > 0); /* empty subject: any */
    r.subject = "math";
    assert_int_equal(match_weight(&n, &r, &p, NULL, 0, NULL), -1);
    r.subject = "music";
    r.category = "training";
    assert_int_equal(match_weight(&n, &r, &p, NULL, 0, NULL), -1);
    r.category = "teachers";
    r.reach = other;
    assert_int_equal(match_weight(&n, &r, &p, NULL, 0, NULL), -1);
    r.reach = pref_region;
    r.nreach = 2;
    assert_int_equal(match_weight(&n, &r, &p, NULL, 0, &parts), 300 + 10 + 5);
    assert_int_equal(parts.level, MATCH_REACH_PREFECTURE);
    /* dates: available only after the need is wanted, or already over */
    r.from = n.wanted_by + 1;
    r.to = n.wanted_by + 30;
    assert_int_equal(match_weight(&n, &r, &p, NULL, 0, NULL), -1);
    r.from = today - 30;
    r.to = today - 1;
    assert_int_equal(match_weight(&n, &r, &p, NULL, 0, NULL), -1);
    /* a need already past its date still takes what is available now */
    n.wanted_by = today - 5;
    r.to = today;
    assert_int_equal(match_weight(&n, &r, &p, NULL, 0, &parts), 300 + 10 + 10);
    assert_int_equal(match_day("1970-01-02"), 1);
    assert_int_equal(match_day("2024-02-30"), 0);
    assert_int_equal(match_day("2024-03-01") - match_day("2024-02-28"), 2);
    assert_int_equal(match_day(NULL), 0);
    assert_int_equal(match_day("2024-3-1"), 0);
}

/* A larger random instance: the exact solution is feasible and never below greedy. */
static void test_larger_random(void **state)
{
    (void)state;
    int32_t today = match_day("2026-03-01");
    MatchParams p = match_params_default(today);
    enum { NN = 400, NR = 200 };
    static MatchNeed needs[NN];
    static MatchResource res[NR];
    static int64_t reach[NR][2];
    MatchSupply sup[20];
    for (int i = 0; i < NN; i++) {
        int64_t county = (int64_t[]){COUNTY_A1, COUNTY_A2, COUNTY_B1}[rnd(3)];
        needs[i] = (MatchNeed){i + 1, 1000 + rnd(40), county, county == COUNTY_B1 ? PREF_B : PREF_A,
                               REGION, cats[rnd(2)], subs[rnd(3)], 1 + rnd(20), 1 + (int)rnd(5),
                               today + (int32_t)rnd(300)};
    }
    for (int j = 0; j < NR; j++) {
        reach[j][0] = places[rnd(6)];
        reach[j][1] = places[rnd(6)];
        res[j] = (MatchResource){j + 1, 500 + rnd(20), cats[rnd(2)], subs[rnd(3)], 1 + rnd(40),
                                 today - 10, today + 200, reach[j], 2};
    }
    for (int k = 0; k < 20; k++) sup[k] = (MatchSupply){1000 + rnd(40), 500 + rnd(20)};
    MatchInput in = {needs, NN, res, NR, sup, 20};
    MatchResult exact, greedy;
    assert_int_equal(match_solve(&in, &p, &exact), 0);
    assert_int_equal(match_greedy(&in, &p, &greedy), 0);
    int64_t un[NN] = {0}, ur[NR] = {0};
    for (int k = 0; k < exact.npairs; k++) {
        un[exact.pairs[k].need] += exact.pairs[k].quantity;
        ur[exact.pairs[k].resource] += exact.pairs[k].quantity;
    }
    for (int i = 0; i < NN; i++) assert_true(un[i] <= needs[i].quantity);
    for (int j = 0; j < NR; j++) assert_true(ur[j] <= res[j].capacity);
    assert_true(exact.objective >= greedy.objective);
    match_result_free(&exact);
    match_result_free(&greedy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_equals_brute_force),
        cmocka_unit_test(test_greedy_strictly_worse),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_rules_and_parts),
        cmocka_unit_test(test_larger_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
