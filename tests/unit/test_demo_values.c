/* test_demo_values.c — the demo's values (demo_values.h) on fresh SQLite
 * databases: complete (every school, every raw indicator, every period from 2023
 * to this month), deterministic for a seed, consistent (a part never exceeds its
 * whole; roll-ups equal a fresh recomputation; one audit record), and telling
 * the plan's story (the 2023 baselines, seasons, ranks, a fast and a slow
 * county). One database of 120 schools (seed 1, today's month) serves the group;
 * the determinism tests load values into copies of it taken before its values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "core/arena.h"
#include "db/db.h"
#include "demo.h"
#include "demo_values.h"
#include "indicator.h"
#include "values.h"

enum { N_SCHOOLS = 120, SEED = 1 };

/* A scratch database in its own temporary directory. */
typedef struct Scratch {
    Db *db;
    char dir[64];
} Scratch;

typedef struct Env {
    Scratch main;
    char template_db[96]; /* the main database before its values: region and catalogue */
    int month;            /* the month the main load ran up to (today) */
    int month_same;       /* whether today's month was the same after the load */
} Env;

/* Opens a new, migrated SQLite database with the demo region of n schools and
 * the indicator catalogue; 0 or -1. */
static int scratch_open(Scratch *s, int n, uint64_t seed)
{
    char url[128], err[512] = "";
    snprintf(s->dir, sizeof s->dir, "/tmp/test_demo_values.XXXXXX");
    if (!mkdtemp(s->dir)) return -1;
    snprintf(url, sizeof url, "sqlite:%s/huiju.db", s->dir);
    s->db = db_open(url, err, sizeof err);
    if (!s->db || db_migrate(s->db, err, sizeof err) != DB_OK ||
        demo_load(s->db, n, seed, err, sizeof err) != 0 || db_begin(s->db) != DB_OK ||
        indicators_load_standard(s->db, "system", err, sizeof err) < 0 ||
        db_commit(s->db) != DB_OK) {
        fprintf(stderr, "scratch_open: %s\n", err[0] ? err : "database");
        return -1;
    }
    return 0;
}

/* Opens a copy of the database file `from` in a new directory; 0 or -1. */
static int scratch_copy(Scratch *s, const char *from)
{
    char path[128], url[160], err[512] = "", buf[65536];
    snprintf(s->dir, sizeof s->dir, "/tmp/test_demo_values.XXXXXX");
    if (!mkdtemp(s->dir)) return -1;
    snprintf(path, sizeof path, "%s/huiju.db", s->dir);
    FILE *in = fopen(from, "rb"), *out = fopen(path, "wb");
    size_t n;
    int rc = in && out ? 0 : -1;
    while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) rc = -1;
    if (in) fclose(in);
    if (out && fclose(out) != 0) rc = -1;
    if (rc) return -1;
    snprintf(url, sizeof url, "sqlite:%s", path);
    s->db = db_open(url, err, sizeof err);
    if (!s->db) fprintf(stderr, "scratch_copy: %s\n", err);
    return s->db ? 0 : -1;
}

/* Closes the database and removes its directory. */
static void scratch_close(Scratch *s)
{
    static const char *const files[] = {"huiju.db", "huiju.db-wal", "huiju.db-shm",
                                        "huiju.db-journal", "template.db"};
    db_close(s->db);
    s->db = NULL;
    if (!s->dir[0]) return;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", s->dir, files[i]);
        unlink(p);
    }
    rmdir(s->dir);
    s->dir[0] = '\0';
}

/* One integer from a query without parameters (fails the test otherwise). */
static int64_t q1(Db *db, const char *sql)
{
    int64_t v = -1;
    if (db_int(db, &v, sql, "") != 1) fail_msg("%s: %s", sql, db_errmsg(db));
    return v;
}

/* FNV-1a over every value, ordered: (school, indicator, period, value). */
static uint64_t values_hash(Db *db)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    DbStmt *s = db_q(db,
                     "SELECT o.code, i.code, v.period, v.value FROM datavalues v"
                     " JOIN orgs o ON o.id = v.org_id JOIN indicators i ON i.id = v.indicator_id"
                     " ORDER BY o.code, i.code, v.period",
                     "");
    assert_non_null(s);
    while (db_step(s) == DB_ROW) {
        char row[256];
        snprintf(row, sizeof row, "%s|%s|%s|%.17g\n", db_col_text(s, 0), db_col_text(s, 1),
                 db_col_text(s, 2), db_col_double(s, 3));
        for (const char *p = row; *p; p++)
            h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
    }
    db_done(s);
    return h;
}

/* The figure of an indicator at an organisation for a period (fails the test
 * when there is none). For a ratio, num and den receive its summed parts. */
static double figure(Db *db, const char *org, const char *ind_code, const char *period, double *num,
                     double *den)
{
    Arena *a = arena_new();
    Indicator ind;
    Period p;
    int64_t id = 0;
    assert_int_equal(indicator_load(db, a, ind_code, &ind), 1);
    assert_true(period_parse(period, &p));
    assert_int_equal(db_int(db, &id, "SELECT id FROM orgs WHERE code = ?", "s", org), 1);
    Figure f;
    assert_int_equal(value_read(db, a, &ind, id, &p, &f), 0);
    if (!f.has) fail_msg("no figure for %s %s %s", org, ind_code, period);
    if (num) *num = f.num;
    if (den) *den = f.den;
    arena_free(a);
    return f.value;
}

static int group_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    if (!e) return -1;
    *state = e;
    if (scratch_open(&e->main, N_SCHOOLS, SEED) != 0) return -1;
    char err[256] = "";
    snprintf(e->template_db, sizeof e->template_db, "%s/template.db", e->main.dir);
    if (db_run(e->main.db, "VACUUM INTO ?", "s", e->template_db) != DB_OK) {
        fprintf(stderr, "VACUUM INTO: %s\n", db_errmsg(e->main.db));
        return -1;
    }
    e->month = demo_values_this_month();
    if (demo_values_load(e->main.db, SEED, err, sizeof err) != 0) {
        fprintf(stderr, "demo_values_load: %s\n", err);
        return -1;
    }
    e->month_same = demo_values_this_month() == e->month;
    return 0;
}

static int group_teardown(void **state)
{
    Env *e = *state;
    if (!e) return 0;
    scratch_close(&e->main);
    free(e);
    return 0;
}

/* ---- completeness ------------------------------------------------------- */

static void test_every_school_every_indicator(void **state)
{
    Env *e = *state;
    Db *db = e->main.db;
    int years = e->month / 12 - 2023 + 1, months = e->month - 2023 * 12 + 1;
    /* every (school, raw indicator not fed by records) has exactly one value per
     * period of its type */
    assert_int_equal(db_run(db, "CREATE TEMP TABLE fed (code TEXT PRIMARY KEY)", ""), DB_OK);
    for (int i = 0; demo_values_fed[i]; i++)
        assert_int_equal(db_run(db, "INSERT INTO fed(code) VALUES (?)", "s", demo_values_fed[i]),
                         DB_OK);
    /* the activity figures come from the activity records for the last twelve months
     * (activity_demo.c): here only the months (years) before them */
    assert_int_equal(db_run(db, "CREATE TEMP TABLE recorded (code TEXT PRIMARY KEY)", ""), DB_OK);
    for (int i = 0; demo_values_recorded[i]; i++)
        assert_int_equal(
            db_run(db, "INSERT INTO recorded(code) VALUES (?)", "s", demo_values_recorded[i]),
            DB_OK);
    int first = demo_values_records_from(e->month);
    int64_t rec_months = first - 2023 * 12, rec_years = first / 12 - 2023;
    int64_t bad = -1;
    assert_int_equal(db_int(db, &bad,
                            "SELECT count(*) FROM orgs o CROSS JOIN indicators i"
                            " WHERE o.kind = 'school' AND i.kind = 'raw'"
                            " AND i.code NOT IN (SELECT code FROM fed) AND"
                            " (SELECT count(*) FROM datavalues v WHERE v.org_id = o.id"
                            "  AND v.indicator_id = i.id) <>"
                            " CASE WHEN i.code IN (SELECT code FROM recorded) THEN"
                            " CASE i.period_type WHEN 'month' THEN ? ELSE ? END"
                            " ELSE CASE i.period_type WHEN 'month' THEN ? ELSE ? END END",
                            "iiii", rec_months, rec_years, (int64_t)months, (int64_t)years),
                     1);
    assert_int_equal(bad, 0);
    /* and nothing else: no ratios, no values above the schools */
    assert_int_equal(q1(db, "SELECT count(*) FROM datavalues v JOIN indicators i"
                            " ON i.id = v.indicator_id WHERE i.kind <> 'raw'"),
                     0);
    assert_int_equal(q1(db, "SELECT count(*) FROM datavalues v JOIN orgs o ON o.id = v.org_id"
                            " WHERE o.kind <> 'school'"),
                     0);
    int64_t yearly = q1(db, "SELECT count(*) FROM indicators WHERE kind = 'raw'"
                            " AND period_type = 'year' AND code NOT IN (SELECT code FROM fed)");
    int64_t monthly = q1(db, "SELECT count(*) FROM indicators WHERE kind = 'raw'"
                             " AND period_type = 'month' AND code NOT IN (SELECT code FROM fed)");
    int64_t rec_yearly = q1(db, "SELECT count(*) FROM indicators WHERE period_type = 'year'"
                                " AND code IN (SELECT code FROM recorded)");
    int64_t rec_monthly = q1(db, "SELECT count(*) FROM indicators WHERE period_type = 'month'"
                                 " AND code IN (SELECT code FROM recorded)");
    assert_true(yearly >= 10 && monthly >= 5 && rec_monthly == 4 && rec_yearly == 1);
    assert_int_equal(q1(db, "SELECT count(*) FROM datavalues"),
                     N_SCHOOLS *
                         (yearly * years + monthly * months - rec_yearly * (years - rec_years) -
                          rec_monthly * (months - rec_months)));
    /* the first and the last period */
    char last[24];
    snprintf(last, sizeof last, "%04d-%02d", e->month / 12, e->month % 12 + 1);
    int64_t n = 0;
    assert_int_equal(db_int(db, &n, "SELECT count(*) FROM datavalues WHERE period = ?", "s", last),
                     1);
    assert_int_equal(n, N_SCHOOLS * (monthly - rec_monthly));
    assert_int_equal(q1(db, "SELECT count(*) FROM datavalues WHERE period < '2023'"), 0);
}

static void test_one_audit_record(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    assert_int_equal(q1(db, "SELECT count(*) FROM audit WHERE action = 'demo.values'"), 1);
    int64_t checked = 0;
    char err[256] = "";
    assert_int_equal(audit_verify(db, &checked, err, sizeof err), 0);
    assert_true(checked > 1);
}

/* ---- determinism -------------------------------------------------------- */

static void test_deterministic_for_seed(void **state)
{
    Env *e = *state;
    if (!e->month_same) skip(); /* the main load ran across the turn of a month */
    uint64_t main_hash = values_hash(e->main.db);
    Scratch same = {0}, other = {0};
    char err[256] = "";
    assert_int_equal(scratch_copy(&same, e->template_db), 0);
    assert_int_equal(demo_values_load_until(same.db, SEED, e->month, err, sizeof err), 0);
    assert_true(values_hash(same.db) == main_hash);
    scratch_close(&same);
    /* another seed: other values (on the same schools) */
    assert_int_equal(scratch_copy(&other, e->template_db), 0);
    assert_int_equal(demo_values_load_until(other.db, SEED + 1, e->month, err, sizeof err), 0);
    assert_int_equal(q1(other.db, "SELECT count(*) FROM datavalues"),
                     q1(e->main.db, "SELECT count(*) FROM datavalues"));
    assert_true(values_hash(other.db) != main_hash);
    scratch_close(&other);
}

static void test_second_load_changes_nothing(void **state)
{
    Env *e = *state;
    if (!e->month_same) skip();
    Db *db = e->main.db;
    uint64_t before = values_hash(db);
    int64_t audits = q1(db, "SELECT count(*) FROM audit");
    char err[256] = "";
    assert_int_equal(demo_values_load_until(db, SEED, e->month, err, sizeof err), 0);
    assert_true(values_hash(db) == before);
    assert_int_equal(q1(db, "SELECT count(*) FROM audit"), audits); /* no change, no record */
}

static void test_refuses_month_before_2023(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    int64_t before = q1(db, "SELECT count(*) FROM datavalues");
    char err[256] = "";
    assert_int_equal(demo_values_load_until(db, SEED, 2022 * 12 + 11, err, sizeof err), 1);
    assert_non_null(strstr(err, "2023"));
    assert_int_equal(q1(db, "SELECT count(*) FROM datavalues"), before);
}

/* ---- consistency -------------------------------------------------------- */

static void test_ratio_parts_consistent(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    /* every ratio whose parts share a period type: part ≤ whole, per school and period */
    assert_int_equal(q1(db, "SELECT count(*) FROM indicators r"
                            " JOIN indicators n ON n.id = r.numerator_id"
                            " JOIN indicators d ON d.id = r.denominator_id"
                            " JOIN datavalues a ON a.indicator_id = n.id"
                            " JOIN datavalues b ON b.indicator_id = d.id AND b.org_id = a.org_id"
                            "  AND b.period = a.period"
                            " WHERE r.kind = 'ratio' AND r.unit = '%'"
                            " AND n.period_type = d.period_type AND a.value > b.value"),
                     0);
    /* a monthly flow over a yearly stock: the year's months never exceed the stock */
    assert_int_equal(q1(db, "SELECT count(*) FROM ("
                            " SELECT a.org_id, substr(a.period, 1, 4) AS y, sum(a.value) AS s,"
                            "  max(r.denominator_id) AS den"
                            " FROM indicators r JOIN indicators n ON n.id = r.numerator_id"
                            " JOIN indicators d ON d.id = r.denominator_id"
                            " JOIN datavalues a ON a.indicator_id = n.id"
                            " WHERE r.kind = 'ratio' AND n.period_type = 'month'"
                            "  AND d.period_type = 'year'"
                            " GROUP BY r.id, a.org_id, substr(a.period, 1, 4)) x"
                            " JOIN datavalues b ON b.org_id = x.org_id AND b.indicator_id = x.den"
                            "  AND b.period = x.y WHERE x.s > b.value"),
                     0);
    /* and the parts the ratios need exist: at least one flow-over-stock ratio was checked */
    assert_true(q1(db, "SELECT count(*) FROM indicators r JOIN indicators n"
                       " ON n.id = r.numerator_id JOIN indicators d ON d.id = r.denominator_id"
                       " WHERE r.kind = 'ratio' AND n.period_type = 'month'"
                       " AND d.period_type = 'year'") >= 2);
    assert_int_equal(q1(db, "SELECT count(*) FROM datavalues WHERE value < 0"), 0);
}

typedef struct RollRow {
    int64_t org, ind, n;
    char period[12];
    double total;
} RollRow;

/* The rollups table, ordered; *n receives the count. The caller frees. */
static RollRow *rollups_read(Db *db, size_t *n)
{
    size_t cap = 1024, k = 0;
    RollRow *r = malloc(cap * sizeof *r);
    assert_non_null(r);
    DbStmt *s = db_q(db,
                     "SELECT org_id, indicator_id, period, total, n FROM rollups"
                     " ORDER BY org_id, indicator_id, period",
                     "");
    assert_non_null(s);
    while (db_step(s) == DB_ROW) {
        if (k == cap) {
            cap *= 2;
            r = realloc(r, cap * sizeof *r);
            assert_non_null(r);
        }
        r[k].org = db_col_int(s, 0);
        r[k].ind = db_col_int(s, 1);
        snprintf(r[k].period, sizeof r[k].period, "%s", db_col_text(s, 2));
        r[k].total = db_col_double(s, 3);
        r[k].n = db_col_int(s, 4);
        k++;
    }
    db_done(s);
    *n = k;
    return r;
}

static void test_rollups_equal_recomputation(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    size_t na, nb;
    RollRow *a = rollups_read(db, &na);
    assert_true(na > 1000);
    assert_int_equal(db_begin(db), DB_OK);
    assert_int_equal(rollups_rebuild(db), DB_OK);
    RollRow *b = rollups_read(db, &nb);
    db_rollback(db);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].org, b[i].org);
        assert_int_equal(a[i].ind, b[i].ind);
        assert_string_equal(a[i].period, b[i].period);
        assert_int_equal(a[i].n, b[i].n);
        /* the same sum, up to the order of floating-point additions */
        assert_true(fabs(a[i].total - b[i].total) <= 1e-9 * fmax(1, fabs(b[i].total)));
    }
    free(a);
    free(b);
}

/* ---- the story ---------------------------------------------------------- */

static void test_school_sizes(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    assert_int_equal(q1(db, "SELECT count(*) FROM datavalues v JOIN indicators i"
                            " ON i.id = v.indicator_id WHERE i.code = 'teachers_total'"
                            " AND (v.value < 20 OR v.value > 120)"),
                     0);
    assert_int_equal(q1(db, "SELECT count(*) FROM datavalues v JOIN indicators i"
                            " ON i.id = v.indicator_id WHERE i.code = 'students_enrolled'"
                            " AND (v.value < 50 OR v.value > 3500)"),
                     0);
    /* some schools are small and some large */
    assert_true(q1(db, "SELECT count(*) FROM datavalues v JOIN indicators i"
                       " ON i.id = v.indicator_id WHERE i.code = 'students_enrolled'"
                       " AND v.period = '2023' AND v.value < 500") > 0);
    assert_true(q1(db, "SELECT count(*) FROM datavalues v JOIN indicators i"
                       " ON i.id = v.indicator_id WHERE i.code = 'students_enrolled'"
                       " AND v.period = '2023' AND v.value > 1500") > 0);
    /* households ≈ students × 0.9, school by school */
    assert_int_equal(q1(db, "SELECT count(*) FROM datavalues h JOIN indicators hi"
                            " ON hi.id = h.indicator_id AND hi.code = 'parent_households'"
                            " JOIN datavalues s ON s.org_id = h.org_id AND s.period = h.period"
                            " JOIN indicators si ON si.id = s.indicator_id"
                            "  AND si.code = 'students_enrolled'"
                            " WHERE h.value < 0.85 * s.value OR h.value > 0.95 * s.value"),
                     0);
}

static void test_baselines_2023(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    double v;
    v = figure(db, "650000", "family_guidance_coverage", "2023", NULL, NULL);
    assert_true(v > 25 && v < 40);
    v = figure(db, "650000", "parent_participation_rate", "2023", NULL, NULL);
    assert_true(v > 25 && v < 35);
    v = figure(db, "650000", "arts_science_participation", "2023", NULL, NULL);
    assert_true(v > 40 && v < 50);
    v = figure(db, "650000", "teacher_qualification_rate", "2023", NULL, NULL);
    assert_true(v >= 75 && v <= 85);
    v = figure(db, "650000", "identity_survey_rate", "2023", NULL, NULL);
    assert_true(v > 74 && v < 82);
    v = figure(db, "650000", "low_participation_activity_share", "2023", NULL, NULL);
    assert_true(v > 40 && v < 50);
    v = figure(db, "650000", "community_resource_utilisation", "2023", NULL, NULL);
    assert_true(v > 35 && v < 45);
}

static const char *const south[] = {"653100", "653200", "652900", "653000"};

static void test_south_arts_gap_2023(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    double num = 0, den = 0, n, d;
    for (int i = 0; i < 4; i++) {
        figure(db, south[i], "arts_teacher_gap", "2023", &n, &d);
        num += n;
        den += d;
    }
    assert_true(den > 0);
    double gap = 100 * num / den;
    assert_true(gap >= 30 && gap <= 38);
    /* the rest of the region is much better off */
    double all_n, all_d;
    figure(db, "650000", "arts_teacher_gap", "2023", &all_n, &all_d);
    double north = 100 * (all_n - num) / (all_d - den);
    assert_true(north < 20);
    /* and the south's dropout rate lies within 1.5–3 % */
    num = den = 0;
    for (int i = 0; i < 4; i++) {
        figure(db, south[i], "dropout_rate", "2023", &n, &d);
        num += n;
        den += d;
    }
    assert_true(100 * num / den >= 1.5 && 100 * num / den <= 3);
}

static void test_fast_and_slow_county(void **state)
{
    Env *e = *state;
    Db *db = e->main.db;
    char now[16], rec[16];
    snprintf(now, sizeof now, "%04d", e->month / 12);
    /* the activity share of the last year the values give whole (records give later ones) */
    snprintf(rec, sizeof rec, "%04d", demo_values_records_from(e->month) / 12 - 1);
    /* stocks, and a share of this year's activities: fair in a year still running */
    static const struct {
        const char *code;
        int down;
    } inds[] = {{"identity_survey_rate", 0},
                {"arts_science_participation", 0},
                {"teacher_qualification_rate", 0},
                {"low_participation_activity_share", 1}};
    for (size_t i = 0; i < sizeof inds / sizeof inds[0]; i++) {
        double gain[2];
        const char *county[2] = {"653121", "653221"};
        int activity = !strcmp(inds[i].code, "low_participation_activity_share");
        if (activity && atoi(rec) < 2024) continue;
        for (int c = 0; c < 2; c++) {
            double then = figure(db, county[c], inds[i].code, "2023", NULL, NULL);
            double later = figure(db, county[c], inds[i].code, activity ? rec : now, NULL, NULL);
            gain[c] = inds[i].down ? then - later : later - then;
        }
        if (e->month / 12 > 2023) {
            assert_true(gain[0] > gain[1]);
            assert_true(gain[0] > 5); /* points: visibly */
        }
    }
}

static void test_region_improves(void **state)
{
    Env *e = *state;
    if (e->month / 12 <= 2023) skip();
    Db *db = e->main.db;
    char now[16];
    snprintf(now, sizeof now, "%04d", e->month / 12);
    assert_true(figure(db, "650000", "identity_survey_rate", now, NULL, NULL) >
                figure(db, "650000", "identity_survey_rate", "2023", NULL, NULL));
    double n0, d0, n1, d1;
    figure(db, "650000", "arts_teacher_gap", "2023", &n0, &d0);
    figure(db, "650000", "arts_teacher_gap", now, &n1, &d1);
    assert_true(n1 / d1 < n0 / d0);
}

static void test_seasons(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    /* 2023 is always complete: holiday months are below every term month */
    static const char *const flows[] = {"activities_held", "families_guided",
                                        "parent_households_participating", "training_hours"};
    for (size_t f = 0; f < sizeof flows / sizeof flows[0]; f++) {
        double holiday_max = 0, term_min = INFINITY;
        for (int m = 1; m <= 12; m++) {
            char p[16];
            snprintf(p, sizeof p, "2023-%02d", m);
            double v = figure(db, "650000", flows[f], p, NULL, NULL);
            int holiday = m == 1 || m == 2 || m == 7 || m == 8;
            if (holiday && v > holiday_max) holiday_max = v;
            if (!holiday && v < term_min) term_min = v;
        }
        if (!(holiday_max < term_min))
            fail_msg("%s: holiday %g ≥ term %g", flows[f], holiday_max, term_min);
    }
}

/* The average common-test score of the school at rank r in year p. */
static double rank_score(Db *db, const char *p, int64_t r)
{
    DbStmt *s = db_q(db,
                     "SELECT s.value / t.value FROM datavalues k"
                     " JOIN indicators ki ON ki.id = k.indicator_id AND ki.code = 'regional_rank'"
                     " JOIN datavalues s ON s.org_id = k.org_id AND s.period = k.period"
                     " JOIN indicators si ON si.id = s.indicator_id AND si.code = 'score_total'"
                     " JOIN datavalues t ON t.org_id = k.org_id AND t.period = k.period"
                     " JOIN indicators ti ON ti.id = t.indicator_id AND ti.code = 'students_tested'"
                     " WHERE k.period = ? AND k.value = ?",
                     "si", p, r);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    double v = db_col_double(s, 0);
    db_done(s);
    return v;
}

static void test_regional_rank(void **state)
{
    Env *e = *state;
    Db *db = e->main.db;
    for (int y = 2023; y <= e->month / 12; y++) {
        char p[16];
        snprintf(p, sizeof p, "%04d", y);
        int64_t n = 0, lo = 0, hi = 0;
        const char *from = " FROM datavalues v JOIN indicators i ON i.id = v.indicator_id"
                           " WHERE i.code = 'regional_rank' AND v.period = ?";
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(DISTINCT v.value)%s", from);
        assert_int_equal(db_int(db, &n, sql, "s", p), 1);
        snprintf(sql, sizeof sql, "SELECT min(v.value)%s", from);
        assert_int_equal(db_int(db, &lo, sql, "s", p), 1);
        snprintf(sql, sizeof sql, "SELECT max(v.value)%s", from);
        assert_int_equal(db_int(db, &hi, sql, "s", p), 1);
        assert_int_equal(n, N_SCHOOLS);
        assert_int_equal(lo, 1);
        assert_int_equal(hi, N_SCHOOLS);
    }
    /* rank 1 has a better average score than the last rank, in 2023 */
    assert_true(rank_score(db, "2023", 1) > rank_score(db, "2023", N_SCHOOLS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_school_every_indicator),
        cmocka_unit_test(test_one_audit_record),
        cmocka_unit_test(test_deterministic_for_seed),
        cmocka_unit_test(test_refuses_month_before_2023),
        cmocka_unit_test(test_ratio_parts_consistent),
        cmocka_unit_test(test_rollups_equal_recomputation),
        cmocka_unit_test(test_school_sizes),
        cmocka_unit_test(test_baselines_2023),
        cmocka_unit_test(test_south_arts_gap_2023),
        cmocka_unit_test(test_fast_and_slow_county),
        cmocka_unit_test(test_region_improves),
        cmocka_unit_test(test_seasons),
        cmocka_unit_test(test_regional_rank),
        cmocka_unit_test(test_second_load_changes_nothing),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
