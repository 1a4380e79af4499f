/* demo_values.c — see demo_values.h.
 *
 * How a figure is made. Every random draw is a stateless hash of (seed, a key
 * such as the school's code, what is drawn, the year or month) through the
 * splitmix64 finaliser, so a value never depends on the order of the loop.
 *
 *   - A school's size follows its stage: students enrolled (200–3000), teachers
 *     (students / 14–22, kept within 20–120), households ≈ students × 0.9.
 *   - Each "story" rate (the arts-teacher gap, guidance coverage, …) starts in
 *     2023 at its southern or northern level plus a little school spread. From
 *     2024 it moves along the plan's trajectory (the line through the baseline
 *     and target points of data/plan-targets.csv, read at the end of each year)
 *     scaled by the speed s of the school: level = start + s × (plan(year) −
 *     start). s = 1 meets the plan's trajectory, s > 1 runs ahead of it,
 *     s < 1 lags. Where a school already beats the plan it drifts slowly
 *     toward the ideal instead.
 *   - A county's speed comes from its group: the counties that have schools
 *     are ordered by a hash of the seed and split into thirds — fast (1.08–1.35),
 *     a little slower than the plan (0.92–0.97) and slow (0.25–0.65); 653121
 *     is always fast (1.5), 653221 always slow (0.15). Each indicator varies the
 *     county's speed by ±2 %, each school by ±3 %.
 *   - Counts are drawn from rates with unbiased (stochastic) rounding and
 *     clamped so that a part never exceeds its whole.
 *   - Monthly indicators spread a yearly amount over the months with seasonal
 *     weights (January–February and July–August low); counts are spread by
 *     cumulative rounding so that the months add up exactly.
 *   - regional_rank ranks every school by its average common-test score, per
 *     year (1 is best). */
#include "demo_values.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "indicator.h"
#include "values.h"

enum { FIRST_YEAR = 2023, MAX_YEARS = 200 };

/* ---- deterministic draws ------------------------------------------------- */

/* The splitmix64 finaliser of x + the golden gamma (Steele, Lea, Flood 2014). */
static uint64_t sm64(uint64_t x)
{
    uint64_t z = x + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* FNV-1a of a code, the key of a school or county in every draw. */
static uint64_t key_of(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

/* A uniform number in [0, 1) that depends only on its four arguments. */
static double u01(uint64_t seed, uint64_t key, uint64_t what, uint64_t when)
{
    uint64_t h = sm64(seed ^ sm64(key ^ sm64(what * UINT64_C(0x100000001b3) ^ sm64(when))));
    return (double)(h >> 11) * 0x1.0p-53;
}

/* A uniform number in [lo, hi). */
static double urange(uint64_t seed, uint64_t key, uint64_t what, uint64_t when, double lo,
                     double hi)
{
    return lo + (hi - lo) * u01(seed, key, what, when);
}

/* Rounds x ≥ 0 up with probability equal to its fraction: unbiased on average,
 * so that small counts (3 posts) still add up to the intended rate. */
static double sround(double x, double u)
{
    if (x <= 0) return 0;
    double f = floor(x);
    return f + (u < x - f ? 1 : 0);
}

/* x kept within [lo, hi]. */
static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* What a draw is for: the third argument of u01(). */
enum {
    D_STUDENTS = 1,
    D_GROWTH,
    D_YEAR_NOISE,
    D_RATIO,
    D_ARTS_SHARE,
    D_TESTED,
    D_SURVEYED,
    D_HOUSEHOLDS,
    D_COMMUNITY,
    D_ACTIVITY,
    D_SPEED,
    D_ORDER,
    D_ROUND,
    D_SEASON,
    D_SCORE_NOISE,
    D_GENERIC,
    D_STORY = 100,  /* + story, per school: its start */
    D_JITTER = 200, /* + story, per county: its speed */
};

/* ---- the plan's story ---------------------------------------------------- */

/* The rates the demo moves along the plan (one speed per school each). */
typedef enum {
    S_ARTS_GAP,
    S_QUALIFIED,
    S_DROPOUT,
    S_ARTS_SCIENCE,
    S_IDENTITY,
    S_PARTICIPATION,
    S_GUIDANCE,
    S_LOW_SHARE,
    S_COMMUNITY,
    S_SCORE,
    S_TRAINING,
    N_STORIES
} StoryId;

/* One rate's 2023 start (south, elsewhere, ± spread between schools), its
 * bounds, and the plan's trajectory as (year, level) points: linear between
 * them, flat after the last. rel: the points are gains added to the start. */
typedef struct Story {
    double south, other, spread, lo, hi;
    int down, rel, npts;
    double px[3], py[3];
} Story;

/* The plan's points come from data/plan-targets.csv (keys in the comments). A
 * point (year, level) stands for the end of that year, as in the status rule of
 * src/core/status.h (baseline at the end of its period, target at the end of
 * the deadline's). */
static const Story stories[N_STORIES] = {
    /* arts_teacher_gap: 34 % (2022) → 15 % (2028) */
    [S_ARTS_GAP] = {.34, .12, .05, .02, .60, 1, 0, 2, {2022, 2028}, {.34, .15}},
    /* teacher_qualification_rate: +15 points from 2023 by 2026 */
    [S_QUALIFIED] = {.75, .80, .03, .50, .99, 0, 1, 2, {2023, 2026}, {0, .15}},
    /* dropout_rate: at most 1 % (a ceiling: reached by 2026 at the plan's pace) */
    [S_DROPOUT] = {.022, .008, .007, .002, .06, 1, 0, 3, {2023, 2026, 2028}, {.022, .010, .008}},
    /* arts_science_participation: 45 % (2023) → 80 % (2028) */
    [S_ARTS_SCIENCE] = {.42, .48, .05, .10, .90, 0, 0, 2, {2023, 2028}, {.45, .80}},
    /* identity_survey_rate: 78 % (2023) → 95 % (2026) */
    [S_IDENTITY] = {.76, .80, .03, .50, .98, 0, 0, 2, {2023, 2026}, {.78, .95}},
    /* parent_participation_rate: 30 % (2023) → 70 % (2025) → 80 % (2028) */
    [S_PARTICIPATION] = {.28, .32, .04, .05, .90, 0, 0, 3, {2023, 2025, 2028}, {.30, .70, .80}},
    /* family_guidance_coverage: 40 % (2022) → 70 % (2028); under 40 % in 2023 */
    [S_GUIDANCE] = {.33, .37, .03, .05, .90, 0, 0, 2, {2022, 2028}, {.40, .70}},
    /* low_participation_activity_share: 45 % (2022) → 10 % (2026) */
    [S_LOW_SHARE] = {.48, .42, .05, .03, .90, 1, 0, 2, {2022, 2026}, {.45, .10}},
    /* community_resource_utilisation: about 40 % in 2023 → 60 % by 2025 */
    [S_COMMUNITY] = {.37, .43, .05, .05, .90, 0, 0, 2, {2023, 2025}, {.40, .60}},
    /* the common test's average score (points of 100): +6 by 2026 (regional_rank_gain) */
    [S_SCORE] = {60, 70, 6, 30, 95, 0, 1, 2, {2023, 2026}, {0, 6}},
    /* training hours per teacher and year: +25 by 2025 (the 40 + 30 hour rules) */
    [S_TRAINING] = {48, 56, 8, 10, 120, 0, 1, 2, {2023, 2025}, {0, 25}},
};

/* The plan's level of story st at time x (years). */
static double plan_at(const Story *st, double x)
{
    if (x <= st->px[0]) return st->py[0];
    for (int i = 1; i < st->npts; i++)
        if (x <= st->px[i])
            return st->py[i - 1] +
                   (st->py[i] - st->py[i - 1]) * (x - st->px[i - 1]) / (st->px[i] - st->px[i - 1]);
    return st->py[st->npts - 1];
}

/* The level of story st in year y for a school that started at start and moves
 * at speed s. 2023 is the start itself. */
static double story_level(const Story *st, double start, double s, int year)
{
    if (year <= FIRST_YEAR) return start;
    double x = year; /* the end of the year, like the plan's points */
    double d;
    if (st->rel) {
        d = plan_at(st, x) - plan_at(st, FIRST_YEAR);
    } else {
        d = plan_at(st, x) - start;
        if (st->down ? d > 0 : d < 0) { /* already better than the plan: a slow drift */
            double ideal = st->down ? st->lo : st->hi;
            d = (ideal - start) * 0.03 * (year - FIRST_YEAR);
        }
    }
    return clampd(start + s * d, st->lo, st->hi);
}

/* ---- schools ------------------------------------------------------------- */

/* A school's share of the month in the year's total, before noise (Jan … Dec):
 * the winter and summer holidays are low. */
static const double season[12] = {0.30, 0.35, 1.10, 1.20, 1.20, 1.00,
                                  0.30, 0.40, 1.30, 1.25, 1.20, 1.05};

typedef struct School {
    int64_t id;
    const char *code, *path;
    char county[16];
    uint64_t key, ckey;
    int south, recipient;
    double students0, growth, ratio, arts_share;
    double start[N_STORIES]; /* 2023 level of each story */
    double speed[N_STORIES]; /* s of each story */
    double *score;           /* average test score per year (index year - FIRST_YEAR) */
    int *rank;               /* regional rank per year */
} School;

/* The figures of one school and year. */
typedef struct Year {
    int year;
    double students, teachers, qualified, arts_needed, arts_vacant, tested, score_total, dropped,
        arts_science, respondents, meeting, households, participating, guided, activities_per_month,
        low_share, resources, resources_used, training, funds;
    double weight[12]; /* normalised monthly shares, summing to 1 */
} Year;

static const char *const south_prefectures[] = {"653100", "653200", "652900", "653000"};
#define FAST_COUNTY "653121" /* 疏附县 */
#define SLOW_COUNTY "653221" /* 和田县 */

/* Students enrolled in 2023 by stage: the range of a school of that stage. */
static void stage_size(const char *stage, double *lo, double *hi)
{
    static const struct {
        const char *id;
        double lo, hi;
    } t[] = {{"primary", 200, 1500},    {"junior", 400, 2000},    {"complete", 800, 2800},
             {"senior", 800, 3000},     {"nine_year", 300, 1800}, {"vocational", 500, 3000},
             {"university", 1000, 3000}};
    *lo = 200;
    *hi = 1500;
    for (size_t i = 0; stage && i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].id, stage)) {
            *lo = t[i].lo;
            *hi = t[i].hi;
        }
}

/* The n-th '/'-separated segment of a path ("/650000/653100/…": 0 is 650000). */
static void path_segment(const char *path, int n, char *out, size_t len)
{
    out[0] = 0;
    const char *p = path;
    for (int i = 0; *p; i++) {
        while (*p == '/')
            p++;
        const char *e = strchr(p, '/');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (i == n) {
            snprintf(out, len, "%.*s", (int)(l < len ? l : len - 1), p);
            return;
        }
        if (!e) return;
        p = e;
    }
}

/* Segments in a path. */
static int path_depth(const char *path)
{
    int n = 0;
    for (const char *p = path; *p; p++)
        if (*p != '/' && (p == path || p[-1] == '/')) n++;
    return n;
}

/* Draws the constant traits of a school: its size, places and 2023 starts. */
static void school_traits(School *s, uint64_t seed, const char *stage)
{
    char pref[16];
    int depth = path_depth(s->path);
    path_segment(s->path, 1, pref, sizeof pref);
    path_segment(s->path, depth >= 2 ? depth - 2 : 0, s->county, sizeof s->county);
    s->key = key_of(s->code);
    s->ckey = key_of(s->county);
    s->south = 0;
    for (size_t i = 0; i < sizeof south_prefectures / sizeof south_prefectures[0]; i++)
        if (!strcmp(pref, south_prefectures[i])) s->south = 1;
    double lo, hi;
    stage_size(stage, &lo, &hi);
    /* a skew toward the smaller schools: the square of a uniform draw */
    double u = u01(seed, s->key, D_STUDENTS, 0);
    s->students0 = round(lo + (hi - lo) * u * u);
    /* the county-town schools the demo people work at are large, so that their
     * county's figures move in visible steps even when it has no other school */
    if (!strcmp(s->code, FAST_COUNTY "0001") || !strcmp(s->code, SLOW_COUNTY "0001"))
        s->students0 = fmax(s->students0, round(1200 + 300 * u));
    s->growth = urange(seed, s->key, D_GROWTH, 0, -0.02, 0.03);
    s->ratio = urange(seed, s->key, D_RATIO, 0, 14, 22);
    s->arts_share = urange(seed, s->key, D_ARTS_SHARE, 0, 0.12, 0.17);
    for (int k = 0; k < N_STORIES; k++) {
        const Story *st = &stories[k];
        double base = s->south ? st->south : st->other;
        s->start[k] =
            clampd(base + urange(seed, s->key, D_STORY + (uint64_t)k, 0, -st->spread, st->spread),
                   st->lo, st->hi);
    }
}

/* The speeds of the three groups of counties. The status rule (core/status.h)
 * calls a figure on track when it has made the plan's progress (s ≥ 1), at risk
 * from 80 % of it: measured from the plan's baseline rather than the 2023 start,
 * that is s ≥ 0.8–0.92 here, so the middle group sits just below 1. */
#define SPEED_FAST_LO 1.08
#define SPEED_FAST_HI 1.35
#define SPEED_MID_LO 0.92
#define SPEED_MID_HI 0.97
#define SPEED_SLOW_LO 0.25
#define SPEED_SLOW_HI 0.65

/* A county with schools: its code, its place in the hash order, its speed. */
typedef struct County {
    char code[16];
    double order;
    double speed;
} County;

/* qsort: by the hash order, then by code. */
static int county_cmp(const void *a, const void *b)
{
    const County *x = a, *y = b;
    if (x->order != y->order) return x->order < y->order ? -1 : 1;
    return strcmp(x->code, y->code);
}

/* qsort and bsearch: by code. */
static int county_code_cmp(const void *a, const void *b)
{
    return strcmp(((const County *)a)->code, ((const County *)b)->code);
}

/* Gives every county with schools its speed (a third fast, a third middling, a
 * third slow; 653121 fast, 653221 slow) and every school its story speeds. */
static void assign_speeds(School *sc, int n, uint64_t seed)
{
    County *c = calloc((size_t)n + 1, sizeof *c);
    if (!c) abort();
    int nc = 0;
    for (int i = 0; i < n; i++) {
        int j;
        for (j = 0; j < nc; j++)
            if (!strcmp(c[j].code, sc[i].county)) break;
        if (j < nc) continue;
        snprintf(c[nc].code, sizeof c[nc].code, "%s", sc[i].county);
        c[nc].order = u01(seed, key_of(sc[i].county), D_ORDER, 0);
        nc++;
    }
    qsort(c, (size_t)nc, sizeof *c, county_cmp);
    for (int j = 0; j < nc; j++) {
        double u = u01(seed, key_of(c[j].code), D_SPEED, 0);
        int group = j % 3;
        if (!strcmp(c[j].code, FAST_COUNTY)) group = 0;
        if (!strcmp(c[j].code, SLOW_COUNTY)) group = 2;
        c[j].speed = group == 0   ? SPEED_FAST_LO + (SPEED_FAST_HI - SPEED_FAST_LO) * u
                     : group == 1 ? SPEED_MID_LO + (SPEED_MID_HI - SPEED_MID_LO) * u
                                  : SPEED_SLOW_LO + (SPEED_SLOW_HI - SPEED_SLOW_LO) * u;
        if (!strcmp(c[j].code, FAST_COUNTY)) c[j].speed = 1.50;
        if (!strcmp(c[j].code, SLOW_COUNTY)) c[j].speed = 0.15;
    }
    qsort(c, (size_t)nc, sizeof *c, county_code_cmp);
    for (int i = 0; i < n; i++) {
        County key = {0};
        snprintf(key.code, sizeof key.code, "%s", sc[i].county);
        const County *cc = bsearch(&key, c, (size_t)nc, sizeof *c, county_code_cmp);
        double cs = cc ? cc->speed : 1;
        double ss = urange(seed, sc[i].key, D_SPEED, 0, 0.97, 1.03);
        for (int k = 0; k < N_STORIES; k++) {
            double jit = urange(seed, sc[i].ckey, D_JITTER + (uint64_t)k, 0, 0.98, 1.02);
            sc[i].speed[k] = cs * jit * ss;
        }
    }
    free(c);
}

/* The figures of school s in year y (all of its months, even those not written). */
static void school_year(const School *s, uint64_t seed, int y, Year *f)
{
    memset(f, 0, sizeof *f);
    f->year = y;
    int t = y - FIRST_YEAR;
    uint64_t k = s->key;
#define U(what) u01(seed, k, (what), (uint64_t)y)
#define LV(st) story_level(&stories[st], s->start[st], s->speed[st], y)
    f->students =
        round(s->students0 * pow(1 + s->growth, t) * (1 + 0.02 * (U(D_YEAR_NOISE) - 0.5)));
    if (f->students < 50) f->students = 50;
    f->teachers = clampd(round(f->students / s->ratio), 20, 120);
    f->qualified = fmin(f->teachers, sround(f->teachers * LV(S_QUALIFIED), U(D_ROUND + 1)));
    f->arts_needed = fmax(2, sround(f->teachers * s->arts_share, U(D_ROUND + 2)));
    f->arts_vacant = fmin(f->arts_needed, sround(f->arts_needed * LV(S_ARTS_GAP), U(D_ROUND + 3)));
    f->tested =
        sround(f->students * urange(seed, k, D_TESTED, (uint64_t)y, 0.88, 0.95), U(D_ROUND + 4));
    f->score_total = round(f->tested * s->score[t]);
    f->dropped = fmin(f->students, sround(f->students * LV(S_DROPOUT), U(D_ROUND + 5)));
    f->arts_science = fmin(f->students, sround(f->students * LV(S_ARTS_SCIENCE), U(D_ROUND + 6)));
    f->respondents =
        sround(f->students * urange(seed, k, D_SURVEYED, (uint64_t)y, 0.85, 0.95), U(D_ROUND + 7));
    f->meeting = fmin(f->respondents, sround(f->respondents * LV(S_IDENTITY), U(D_ROUND + 8)));
    f->households = sround(
        f->students * 0.9 * urange(seed, k, D_HOUSEHOLDS, (uint64_t)y, 0.97, 1.02), U(D_ROUND + 9));
    f->participating =
        fmin(f->households, sround(f->households * LV(S_PARTICIPATION), U(D_ROUND + 10)));
    f->guided = fmin(f->households, sround(f->households * LV(S_GUIDANCE), U(D_ROUND + 11)));
    f->activities_per_month = (2 + f->students / 400) * (1 + 0.05 * t);
    f->low_share = LV(S_LOW_SHARE);
    f->resources =
        sround(5 + s->students0 / 150 + 5 * u01(seed, k, D_COMMUNITY, 0) + t, U(D_ROUND + 12));
    f->resources_used = fmin(f->resources, sround(f->resources * LV(S_COMMUNITY), U(D_ROUND + 13)));
    f->training = f->teachers * LV(S_TRAINING);
    double base = s->recipient ? 160000 + 340 * f->students : 35 * f->students;
    f->funds = base * pow(1.2, t) * (0.85 + 0.15 * s->speed[S_COMMUNITY]);
    double sum = 0;
    for (int m = 0; m < 12; m++) {
        f->weight[m] = season[m] * urange(seed, k, D_SEASON, (uint64_t)(y * 12 + m), 0.75, 1.25);
        sum += f->weight[m];
    }
    for (int m = 0; m < 12; m++)
        f->weight[m] /= sum;
#undef U
#undef LV
}

/* The count of month m when total is spread by the year's weights: cumulative
 * rounding, so that the twelve months add up to total exactly. */
static double spread_count(const Year *f, double total, int m)
{
    double before = 0, upto = 0;
    for (int i = 0; i <= m; i++) {
        if (i < m) before += f->weight[i];
        upto += f->weight[i];
    }
    return round(total * upto) - round(total * before);
}

/* ---- the indicators ------------------------------------------------------ */

/* Which figure of Year (or School) a raw indicator of the catalogue takes. */
typedef enum {
    G_GENERIC,
    G_TEACHERS,
    G_QUALIFIED,
    G_ARTS_NEEDED,
    G_ARTS_VACANT,
    G_TRAINING,
    G_TESTED,
    G_SCORE_TOTAL,
    G_RANK,
    G_ENROLLED,
    G_DROPPED,
    G_ARTS_SCIENCE,
    G_RESPONDENTS,
    G_MEETING,
    G_HOUSEHOLDS,
    G_PARTICIPATING,
    G_GUIDED,
    G_ACTIVITIES,
    G_LOW,
    G_RESOURCES,
    G_RESOURCES_USED,
    G_FUNDS,
    G_FED /* computed from records (feed.h): the demo's records give its values */
} Gen;

/* Indicators computed from records (feed.h): the demo's records give their values. */
const char *const demo_values_fed[] = {
    "projects_running",      "projects_long_term",    "projects_region_media",
    "region_brand_projects", "school_brand_projects", "funding_total",
    "funding_growth",        "spending_total",        "spending_software",
    "volunteers_registered", "community_volunteers",  "student_volunteers_deployed",
    "volunteer_hours",       "parent_micro_courses",  "course_views",
    "teachers_in_registry",  "teachers_ethnic_40h",   "teachers_it_30h",
    "team_members",          "team_members_40_days",  "liaison_officers",
    "backbone_teachers_dispatched", NULL};

/* The generator of an indicator, by its code (G_GENERIC for any other). */
static Gen gen_of(const char *code)
{
    static const struct {
        const char *code;
        Gen g;
    } t[] = {{"teachers_total", G_TEACHERS},
             {"teachers_qualified", G_QUALIFIED},
             {"arts_posts_needed", G_ARTS_NEEDED},
             {"arts_posts_vacant", G_ARTS_VACANT},
             {"training_hours", G_TRAINING},
             {"students_tested", G_TESTED},
             {"score_total", G_SCORE_TOTAL},
             {"regional_rank", G_RANK},
             {"students_enrolled", G_ENROLLED},
             {"students_dropped_out", G_DROPPED},
             {"students_arts_science", G_ARTS_SCIENCE},
             {"survey_respondents", G_RESPONDENTS},
             {"survey_meeting_standard", G_MEETING},
             {"parent_households", G_HOUSEHOLDS},
             {"parent_households_participating", G_PARTICIPATING},
             {"families_guided", G_GUIDED},
             {"activities_held", G_ACTIVITIES},
             {"activities_low_participation", G_LOW},
             {"community_resources", G_RESOURCES},
             {"community_resources_used", G_RESOURCES_USED},
             {"funds_received", G_FUNDS}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].code, code)) return t[i].g;
    for (size_t i = 0; demo_values_fed[i]; i++)
        if (!strcmp(demo_values_fed[i], code)) return G_FED;
    return G_GENERIC;
}

/* A value for an indicator the story does not know: a steady level within its
 * bounds (at most 100 above its minimum), seasonal when monthly. */
static double generic_value(const Indicator *ind, const School *s, uint64_t seed, int y, int m)
{
    double lo = ind->has_min ? ind->min : 0;
    double hi = ind->has_max ? fmin(ind->max, lo + 100) : lo + 100;
    uint64_t what = D_GENERIC + key_of(ind->code);
    double v = lo + (hi - lo) * (0.3 + 0.4 * u01(seed, s->key, what, 0));
    v *= urange(seed, s->key, what, (uint64_t)(y * 12 + (m < 0 ? 0 : m)), 0.95, 1.05);
    if (m >= 0) v *= season[m];
    v = clampd(v, lo, hi);
    return ind->integer_only ? round(v) : round(v * 10) / 10;
}

/* The value of a yearly (m < 0) or monthly indicator for school s, year y. */
static double value_of(Gen g, const Indicator *ind, const School *s, const Year *f, uint64_t seed,
                       int m)
{
    int t = f->year - FIRST_YEAR;
    switch (g) {
    case G_TEACHERS:
        return f->teachers;
    case G_QUALIFIED:
        return f->qualified;
    case G_ARTS_NEEDED:
        return f->arts_needed;
    case G_ARTS_VACANT:
        return f->arts_vacant;
    case G_TESTED:
        return f->tested;
    case G_SCORE_TOTAL:
        return f->score_total;
    case G_RANK:
        return s->rank[t];
    case G_ENROLLED:
        return f->students;
    case G_DROPPED:
        return f->dropped;
    case G_ARTS_SCIENCE:
        return f->arts_science;
    case G_RESPONDENTS:
        return f->respondents;
    case G_MEETING:
        return f->meeting;
    case G_HOUSEHOLDS:
        return f->households;
    case G_RESOURCES:
        return f->resources;
    case G_RESOURCES_USED:
        return f->resources_used;
    default:
        break;
    }
    if (m < 0) return generic_value(ind, s, seed, f->year, m);
    /* monthly */
    double mean_w = f->weight[m] * 12; /* 1 on an average month */
    switch (g) {
    case G_TRAINING:
        return round(f->training * f->weight[m] * 10) / 10;
    case G_PARTICIPATING:
        return spread_count(f, f->participating, m);
    case G_GUIDED:
        return spread_count(f, f->guided, m);
    case G_ACTIVITIES:
        return sround(f->activities_per_month * mean_w,
                      u01(seed, s->key, D_ACTIVITY, (uint64_t)(f->year * 12 + m)));
    case G_LOW: {
        double held = sround(f->activities_per_month * mean_w,
                             u01(seed, s->key, D_ACTIVITY, (uint64_t)(f->year * 12 + m)));
        return fmin(held, sround(held * f->low_share,
                                 u01(seed, s->key, D_ACTIVITY + 50, (uint64_t)(f->year * 12 + m))));
    }
    case G_FUNDS:
        return round(f->funds * f->weight[m]);
    default:
        return generic_value(ind, s, seed, f->year, m);
    }
}

/* ---- the load ------------------------------------------------------------ */

int demo_values_this_month(void)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* What rank_cmp compares: the schools and the year. */
typedef struct RankBy {
    const School *sc;
    int t;
} RankBy;

/* Better average score first; ties by code. */
static int rank_cmp(const void *a, const void *b, void *arg)
{
    const RankBy *by = arg;
    const School *x = &by->sc[*(const int *)a], *y = &by->sc[*(const int *)b];
    double sx = x->score[by->t], sy = y->score[by->t];
    if (sx != sy) return sx > sy ? -1 : 1;
    return strcmp(x->code, y->code);
}

/* Fills every school's rank per year: 1 … n by average score, at most max_rank. */
static void rank_schools(School *sc, int n, int ny, double max_rank)
{
    int *idx = malloc(sizeof *idx * (size_t)(n ? n : 1));
    if (!idx) abort();
    for (int t = 0; t < ny; t++) {
        RankBy by = {sc, t};
        for (int i = 0; i < n; i++)
            idx[i] = i;
        qsort_r(idx, (size_t)n, sizeof *idx, rank_cmp, &by);
        for (int i = 0; i < n; i++)
            sc[idx[i]].rank[t] = (int)fmin(i + 1, max_rank);
    }
    free(idx);
}

/* Loads every school with its traits, speeds, scores and ranks' room into an
 * array in the arena (which owns it and its strings). Returns the count, -1 on
 * a database error. */
static int load_schools(Db *db, Arena *a, uint64_t seed, int ny, School **out)
{
    int64_t n = 0;
    if (db_int(db, &n, "SELECT count(*) FROM orgs WHERE kind = 'school'", "") < 0) return -1;
    School *sc = arena_alloc(a, sizeof *sc * (size_t)(n + 1));
    DbStmt *s = db_q(db,
                     "SELECT id, code, path, stage, is_recipient FROM orgs WHERE kind = 'school'"
                     " ORDER BY code",
                     "");
    if (!s) return -1;
    int i = 0, rc;
    while (i < n && (rc = db_step(s)) == DB_ROW) {
        School *x = &sc[i++];
        x->id = db_col_int(s, 0);
        x->code = arena_strdup(a, db_col_text(s, 1));
        x->path = arena_strdup(a, db_col_text(s, 2));
        x->recipient = (int)db_col_int(s, 4);
        school_traits(x, seed, db_col_text(s, 3));
        x->score = arena_alloc(a, sizeof *x->score * (size_t)ny);
        x->rank = arena_alloc(a, sizeof *x->rank * (size_t)ny);
    }
    db_done(s);
    assign_speeds(sc, i, seed);
    for (int j = 0; j < i; j++)
        for (int t = 0; t < ny; t++)
            sc[j].score[t] = clampd(
                story_level(&stories[S_SCORE], sc[j].start[S_SCORE], sc[j].speed[S_SCORE],
                            FIRST_YEAR + t) +
                    urange(seed, sc[j].key, D_SCORE_NOISE, (uint64_t)(FIRST_YEAR + t), -1.5, 1.5),
                stories[S_SCORE].lo, stories[S_SCORE].hi);
    *out = sc;
    return i;
}

/* ---- the activity figures the demo's records give (activity_demo.c) ----- */

int demo_values_records_from(int last_month)
{
    return last_month - 11;
}

const char *const demo_values_recorded[] = {"activities_held", "activities_low_participation",
                                            "parent_households_participating",
                                            "families_guided", "community_resources_used", NULL};

/* Whether the value of generator g for the month index `month` (a yearly value:
 * its January) comes from the demo's records instead: the monthly activity
 * figures from demo_values_records_from() on, the yearly community resources
 * used from that month's year on. */
static int from_records(Gen g, int month, int last_month)
{
    int first = demo_values_records_from(last_month);
    if (g == G_PARTICIPATING || g == G_GUIDED || g == G_ACTIVITIES || g == G_LOW)
        return month >= first;
    if (g == G_RESOURCES_USED) return month / 12 >= first / 12;
    return 0;
}

int demo_values_activity_plan(Db *db, Arena *a, uint64_t seed, int last_month,
                              DemoActivityPlan **out)
{
    int first = demo_values_records_from(last_month);
    if (first < FIRST_YEAR * 12 || last_month / 12 - FIRST_YEAR >= MAX_YEARS) return -1;
    int ny = last_month / 12 - FIRST_YEAR + 1;
    School *sc = NULL;
    int n = load_schools(db, a, seed, ny, &sc);
    if (n < 0) return -1;
    DemoActivityPlan *p = arena_alloc(a, sizeof *p * (size_t)(n + 1));
    memset(p, 0, sizeof *p * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const School *s = &sc[i];
        DemoActivityPlan *x = &p[i];
        x->id = s->id;
        x->code = s->code;
        x->path = s->path;
        snprintf(x->county, sizeof x->county, "%s", s->county);
        x->first_month = first;
        x->n_months = last_month - first + 1;
        for (int k = 0; k < 2; k++) {
            int y = first / 12 + k;
            if (y > last_month / 12) break;
            Year f;
            school_year(s, seed, y, &f);
            x->households[k] = (int)value_of(G_HOUSEHOLDS, NULL, s, &f, seed, -1);
            x->resources_used[k] = (int)value_of(G_RESOURCES_USED, NULL, s, &f, seed, -1);
        }
        for (int j = 0; j < x->n_months; j++) {
            int month = first + j, y = month / 12, m = month % 12;
            Year f;
            school_year(s, seed, y, &f);
            x->held[j] = (int)value_of(G_ACTIVITIES, NULL, s, &f, seed, m);
            x->low[j] = (int)value_of(G_LOW, NULL, s, &f, seed, m);
            x->participating[j] = (int)value_of(G_PARTICIPATING, NULL, s, &f, seed, m);
            x->guided[j] = (int)value_of(G_GUIDED, NULL, s, &f, seed, m);
        }
    }
    *out = p;
    return n;
}

/* Writes every value of one school. 0, 1 (refused, err set) or -1 (database). */
static int put_school(ValueWriter *w, const School *s, const Indicator *inds, int nind,
                      const Gen *gens, uint64_t seed, int last_month, char *err, size_t errlen)
{
    int last_year = last_month / 12;
    for (int y = FIRST_YEAR; y <= last_year; y++) {
        Year f;
        school_year(s, seed, y, &f);
        for (int i = 0; i < nind; i++) {
            const Indicator *ind = &inds[i];
            if (ind->is_ratio || gens[i] == G_FED) continue;
            int months = ind->ptype == PERIOD_MONTH ? (y == last_year ? last_month % 12 + 1 : 12)
                         : ind->ptype == PERIOD_QUARTER
                             ? (y == last_year ? last_month % 12 / 3 + 1 : 4)
                             : 1;
            for (int m = 0; m < months; m++) {
                if (from_records(gens[i], ind->ptype == PERIOD_MONTH ? y * 12 + m : y * 12,
                                 last_month))
                    continue;
                char period[12];
                double v;
                if (ind->ptype == PERIOD_MONTH) {
                    snprintf(period, sizeof period, "%04d-%02d", y, m + 1);
                    v = value_of(gens[i], ind, s, &f, seed, m);
                } else if (ind->ptype == PERIOD_QUARTER) {
                    snprintf(period, sizeof period, "%04dQ%d", y, m + 1);
                    v = generic_value(ind, s, seed, y, m * 3 + 1);
                } else {
                    snprintf(period, sizeof period, "%04d", y);
                    v = value_of(gens[i], ind, s, &f, seed, -1);
                }
                if (ind->has_min && v < ind->min) v = ind->min;
                if (ind->has_max && v > ind->max) v = ind->max;
                char why[200];
                int rc = vw_put(w, "en", s->id, s->path, ind, period, &v, why, sizeof why);
                if (rc) {
                    if (rc > 0)
                        snprintf(err, errlen, "demo values: %s %s %s = %g: %s", s->code, ind->code,
                                 period, v, why);
                    return rc;
                }
            }
        }
    }
    return 0;
}

int demo_values_load_until(Db *db, uint64_t seed, int last_month, char *err, size_t errlen)
{
    err[0] = 0;
    if (last_month < FIRST_YEAR * 12 || last_month / 12 - FIRST_YEAR >= MAX_YEARS) {
        snprintf(err, errlen, "demo values: the last month must lie in %d or later", FIRST_YEAR);
        return 1;
    }
    int ny = last_month / 12 - FIRST_YEAR + 1;
    Arena *a = arena_new();
    Indicator *inds = NULL;
    School *sc = NULL;
    int nind = indicators_all(db, a, &inds);
    int n = nind < 0 ? -1 : load_schools(db, a, seed, ny, &sc);
    if (nind < 0 || n < 0) {
        snprintf(err, errlen, "demo values: %s", db_errmsg(db));
        arena_free(a);
        return 1;
    }
    Gen *gens = arena_alloc(a, sizeof *gens * (size_t)(nind + 1));
    double max_rank = 1e9;
    for (int i = 0; i < nind; i++) {
        gens[i] = gen_of(inds[i].code);
        if (gens[i] == G_RANK && inds[i].has_max) max_rank = inds[i].max;
    }
    rank_schools(sc, n, ny, max_rank);
    char region[80] = "";
    DbStmt *q = db_q(db, "SELECT path FROM orgs WHERE parent_id IS NULL AND kind = 'region'", "");
    if (q && db_step(q) == DB_ROW) snprintf(region, sizeof region, "%s", db_col_text(q, 0));
    db_done(q);
    if (db_begin(db) != DB_OK) {
        snprintf(err, errlen, "demo values: %s", db_errmsg(db));
        arena_free(a);
        return 1;
    }
    ValueWriter *w = vw_new(db, "system");
    int rc = 0;
    for (int i = 0; i < n && !rc; i++)
        rc = put_school(w, &sc[i], inds, nind, gens, seed, last_month, err, errlen);
    if (!rc) rc = vw_check_ratios(w, "en", err, errlen);
    if (rc) {
        if (rc < 0 || !err[0]) snprintf(err, errlen, "demo values: %s", db_errmsg(db));
        vw_abandon(w);
        db_rollback(db);
        arena_free(a);
        return 1;
    }
    if (vw_finish(w, "demo.values", "demo", region) != DB_OK || db_commit(db) != DB_OK) {
        snprintf(err, errlen, "demo values: %s", db_errmsg(db));
        db_rollback(db);
        arena_free(a);
        return 1;
    }
    arena_free(a);
    return 0;
}

int demo_values_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    return demo_values_load_until(db, seed, demo_values_this_month(), err, errlen);
}
