/* test_feed_projects.c — agreements, supervision and brands: the pure rules (the
 * three-year boundary, sides, media URLs, brand statuses, project spans, the
 * order states), and on a demo region of 120 schools (SQLite, and PostgreSQL
 * when HUIJU_TEST_PG holds a postgres:// URL whose public schema is recreated):
 * the loaders' time, the figures project_feed_all wrote agreeing with
 * project_feed for every lead and year and with a count from the records, the
 * demo's long-term share, and its supervision orders of 6531210001. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "access.h"
#include "agreement.h"
#include "brand.h"
#include "db/db.h"
#include "demo.h"
#include "indicator.h"
#include "project.h"
#include "supervision.h"

/* ---- pure ------------------------------------------------------------------------ */

static void test_long_term(void **state)
{
    (void)state;
    assert_false(agreement_long_term("2025-03-01", "2028-02-29")); /* three years less a day */
    assert_true(agreement_long_term("2025-03-01", "2028-03-01"));  /* exactly three years */
    assert_true(agreement_long_term("2025-03-01", "2031-01-01"));
    assert_false(agreement_long_term("2025-01-01", "2027-12-31"));
    assert_true(agreement_long_term("2025-01-01", "2028-01-01"));
    /* 29 February: the anniversary in a common year is 1 March */
    assert_false(agreement_long_term("2024-02-29", "2027-02-28"));
    assert_true(agreement_long_term("2024-02-29", "2027-03-01"));
    assert_false(agreement_long_term("2025-01-01", NULL));
    assert_false(agreement_long_term("2025-1-1", "2030-01-01"));
}

static void test_sides(void **state)
{
    (void)state;
    assert_true(agreement_side_fits("school", "school", NULL));
    assert_false(agreement_side_fits("school", "county", NULL));
    for (const char *const *k = (const char *const[]){"region", "prefecture", "county", NULL}; *k;
         k++)
        assert_true(agreement_side_fits("government", *k, NULL));
    assert_true(agreement_side_fits("government", "partner", "government"));
    assert_false(agreement_side_fits("government", "partner", "enterprise"));
    assert_true(agreement_side_fits("enterprise", "partner", "enterprise"));
    assert_false(agreement_side_fits("enterprise", "partner", "community"));
    assert_false(agreement_side_fits("enterprise", "school", NULL));
    assert_true(agreement_side_fits("social", "partner", NULL));
    assert_false(agreement_side_fits("martian", "partner", NULL));
    assert_false(agreement_side_fits(NULL, "school", NULL));
}

static void test_media_and_brand(void **state)
{
    (void)state;
    assert_true(media_url_ok(""));
    assert_true(media_url_ok("https://www.example.com/a/1.html?x=1#y"));
    assert_true(media_url_ok("http://example.com"));
    const char *bad[] = {"javascript:alert(1)",
                         "ftp://example.com/x",
                         "http://",
                         "https:///x",
                         "https:// example.com",
                         "https://exa mple.com",
                         "//example.com",
                         "data:text/html,x",
                         "https://example.com/\"onmouseover",
                         "HTTPS://x",
                         NULL};
    for (const char **b = bad; *b; b++)
        assert_false(media_url_ok(*b));
    assert_false(media_url_ok(NULL));
    char longurl[600];
    memset(longurl, 'a', sizeof longurl - 1);
    memcpy(longurl, "https://", 8);
    longurl[sizeof longurl - 1] = 0;
    assert_false(media_url_ok(longurl));
    assert_true(brand_level_ok("school") && brand_level_ok("prefecture") &&
                brand_level_ok("region"));
    assert_false(brand_level_ok("county"));
    assert_true(media_level_ok("national") && media_level_ok("county"));
    assert_false(media_level_ok("city"));
    for (const char *const *s =
             (const char *const[]){"approved", "in_progress", "completed", "accepted", NULL};
         *s; s++)
        assert_true(brand_status_ok(*s));
    for (const char *const *s =
             (const char *const[]){"draft", "submitted", "rejected", "suspended", NULL};
         *s; s++)
        assert_false(brand_status_ok(*s));
    int a, b;
    assert_true(project_span_years("2025-09-01", "2027-06-30", &a, &b));
    assert_int_equal(a, 2025);
    assert_int_equal(b, 2027);
    assert_false(project_span_years("2027-01-01", "2025-01-01", &a, &b));
}

static void test_order_states(void **state)
{
    (void)state;
    assert_true(rectification_allowed("open", "answered"));
    assert_true(rectification_allowed("answered", "closed"));
    assert_true(rectification_allowed("answered", "open"));
    assert_false(rectification_allowed("open", "closed"));
    assert_false(rectification_allowed("closed", "open"));
    assert_false(rectification_allowed("closed", "answered"));
    assert_false(rectification_allowed("open", "open"));
    const char *acts[4];
    assert_int_equal(rectification_actions("answered", acts, 4), 2);
    assert_string_equal(acts[0], "close");
    assert_string_equal(acts[1], "reopen");
    assert_int_equal(rectification_actions("closed", acts, 4), 0);
    assert_int_equal(rectification_actions("open", acts, 4), 1);
    assert_string_equal(acts[0], "answer");
    char today[11];
    supervision_today(today);
    assert_int_equal(strlen(today), 10);
}

/* ---- on a demo region ----------------------------------------------------------------- */

typedef struct Env {
    Db *db;
    char path[64];
    double t_agreements, t_supervision, t_brands;
} Env;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load(Env *e)
{
    char err[512] = "";
    if (db_migrate(e->db, err, sizeof err) != DB_OK || access_sync(e->db) != DB_OK) return -1;
    if (demo_load(e->db, 120, 7, err, sizeof err) != 0) {
        fprintf(stderr, "demo_load: %s\n", err);
        return -1;
    }
    if (db_begin(e->db) != DB_OK || indicators_load_standard(e->db, "test", err, sizeof err) < 0 ||
        db_commit(e->db) != DB_OK)
        return -1;
    if (project_demo_load(e->db, 7, err, sizeof err) != 0) {
        fprintf(stderr, "project_demo_load: %s\n", err);
        return -1;
    }
    double t0 = mono();
    if (agreement_demo_load(e->db, 7, err, sizeof err)) goto bad;
    double t1 = mono();
    if (supervision_demo_load(e->db, 7, err, sizeof err)) goto bad;
    double t2 = mono();
    if (brand_demo_load(e->db, 7, err, sizeof err)) goto bad;
    double t3 = mono();
    e->t_agreements = t1 - t0;
    e->t_supervision = t2 - t1;
    e->t_brands = t3 - t2;
    return 0;
bad:
    fprintf(stderr, "demo: %s\n", err);
    return -1;
}

static int sqlite_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    *state = e;
    snprintf(e->path, sizeof e->path, "/tmp/huiju-feedproj-XXXXXX");
    int fd = mkstemp(e->path);
    if (fd < 0) return -1;
    close(fd);
    char err[256];
    e->db = db_open(e->path, err, sizeof err);
    return e->db ? load(e) : -1;
}

static int pg_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    *state = e;
    const char *url = getenv("HUIJU_TEST_PG");
    if (!url || !*url) return 0;
    char err[256];
    e->db = db_open(url, err, sizeof err);
    if (!e->db || db_exec(e->db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public") != DB_OK)
        return -1;
    return load(e);
}

static int teardown(void **state)
{
    Env *e = *state;
    if (e->db) db_close(e->db);
    if (e->path[0]) {
        char side[80];
        unlink(e->path);
        snprintf(side, sizeof side, "%s-wal", e->path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", e->path);
        unlink(side);
    }
    free(e);
    return 0;
}

static Env *env(void **state)
{
    Env *e = *state;
    if (!e->db) skip();
    return e;
}

static void test_loader_time(void **state)
{
    Env *e = env(state);
    fprintf(stderr,
            "# loaders at 120 schools: agreements %.3f s, supervision %.3f s, brands %.3f s\n",
            e->t_agreements, e->t_supervision, e->t_brands);
    /* the budget is 0.3 s each in an optimised build; these run under sanitizers */
    assert_true(e->t_agreements < 1.5);
    assert_true(e->t_supervision < 1.5);
    assert_true(e->t_brands < 1.5);
}

/* The value of `code` at org for year, or -1 when none. */
static double value_of(Db *db, int64_t org, const char *code, int year)
{
    char period[8];
    snprintf(period, sizeof period, "%d", year);
    DbStmt *s = db_q(db,
                     "SELECT v.value FROM datavalues v JOIN indicators i ON i.id = v.indicator_id"
                     " WHERE v.org_id = ? AND i.code = ? AND v.period = ?",
                     "iss", org, code, period);
    double v = s && db_step(s) == DB_ROW ? db_col_double(s, 0) : -1;
    db_done(s);
    return v;
}

static const char *const codes[5] = {"projects_running", "projects_long_term",
                                     "projects_region_media", "region_brand_projects",
                                     "school_brand_projects"};

static void test_feed_agrees(void **state)
{
    Env *e = env(state);
    /* every (lead, year) the projects span */
    int64_t leads[512];
    int years[512], n = 0;
    DbStmt *s = db_q(e->db,
                     "SELECT DISTINCT p.lead_org_id, v.period FROM projects p"
                     " JOIN datavalues v ON v.org_id = p.lead_org_id"
                     " JOIN indicators i ON i.id = v.indicator_id AND i.code = 'projects_running'"
                     " ORDER BY 1, 2",
                     "");
    while (s && db_step(s) == DB_ROW && n < 512) {
        leads[n] = db_col_int(s, 0);
        years[n++] = atoi(db_col_text(s, 1));
    }
    db_done(s);
    assert_true(n >= 10);
    double before[512][5];
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 5; k++) {
            before[i][k] = value_of(e->db, leads[i], codes[k], years[i]);
            assert_true(before[i][k] >= 0); /* every figure written, zeros included */
        }
    /* project_feed one pair at a time writes the same figures */
    assert_int_equal(db_begin(e->db), DB_OK);
    for (int i = 0; i < n; i++)
        assert_int_equal(project_feed(e->db, "test", leads[i], years[i]), 0);
    assert_int_equal(db_commit(e->db), DB_OK);
    double total[5] = {0};
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 5; k++) {
            assert_true(value_of(e->db, leads[i], codes[k], years[i]) == before[i][k]);
            total[k] += before[i][k];
        }
    /* and they count the records: this year's running and long-term projects */
    char y0[16], y1[16], today[11];
    supervision_today(today);
    snprintf(y0, sizeof y0, "%.4s-01-01", today);
    snprintf(y1, sizeof y1, "%.4s-12-31", today);
    int year = atoi(today);
    double running = 0, lt = 0;
    for (int i = 0; i < n; i++)
        if (years[i] == year) running += before[i][0], lt += before[i][1];
    int64_t want = 0, want_lt = 0;
    assert_int_equal(db_int(e->db, &want,
                            "SELECT count(*) FROM projects p WHERE p.status IN " PROJECT_RUNNING_SQL
                            " AND p.start_date <= ? AND p.end_date >= ?",
                            "ss", y1, y0),
                     1);
    assert_int_equal(
        db_int(e->db, &want_lt,
               "SELECT count(*) FROM projects p WHERE p.status IN " PROJECT_RUNNING_SQL
               " AND p.start_date <= ? AND p.end_date >= ? AND " PROJECT_LONG_TERM_SQL("p.id"),
               "ss", y1, y0),
        1);
    assert_true(running == (double)want);
    assert_true(lt == (double)want_lt);
    /* the demo's long-term share this year: about 40 % */
    double share = 100.0 * lt / running;
    fprintf(stderr, "# long-term share %.1f %% (%.0f of %.0f running)\n", share, lt, running);
    assert_true(share >= 33.0 && share <= 47.0);
    /* 3–4 region-level brands, some school-level ones, some region-level media */
    int64_t rb = 0, sb = 0, rm = 0;
    assert_int_equal(
        db_int(e->db, &rb, "SELECT count(*) FROM projects WHERE brand_level = 'region'", ""), 1);
    assert_int_equal(
        db_int(e->db, &sb, "SELECT count(*) FROM projects WHERE brand_level = 'school'", ""), 1);
    assert_int_equal(db_int(e->db, &rm,
                            "SELECT count(DISTINCT project_id) FROM media_coverage"
                            " WHERE level IN ('region','national')",
                            ""),
                     1);
    assert_true(rb >= 3 && rb <= 4);
    assert_true(sb >= 2);
    assert_true(rm >= 1);
    (void)total;
}

static void test_feed_zero(void **state)
{
    Env *e = env(state);
    int64_t helper = 0;
    assert_int_equal(db_int(e->db, &helper, "SELECT id FROM orgs WHERE code = '6501020001'", ""),
                     1);
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(project_feed(e->db, "test", helper, 2099), 0);
    assert_int_equal(db_commit(e->db), DB_OK);
    for (int k = 0; k < 5; k++)
        assert_true(value_of(e->db, helper, codes[k], 2099) == 0.0);
}

static void test_demo_orders(void **state)
{
    Env *e = env(state);
    char today[11];
    supervision_today(today);
    int64_t overdue = 0, answered = 0;
    assert_int_equal(db_int(e->db, &overdue,
                            "SELECT count(*) FROM rectifications x JOIN orgs o ON o.id = x.org_id"
                            " WHERE o.code = '6531210001' AND " RECTIFICATION_OVERDUE_SQL("x"),
                            "s", today),
                     1);
    assert_int_equal(db_int(e->db, &answered,
                            "SELECT count(*) FROM rectifications x JOIN orgs o ON o.id = x.org_id"
                            " WHERE o.code = '6531210001' AND x.status = 'answered'",
                            ""),
                     1);
    assert_true(overdue >= 1);
    assert_true(answered >= 1);
    int64_t prefs = 0;
    assert_int_equal(db_int(e->db, &prefs,
                            "SELECT count(DISTINCT substr(o.path, 1, 15)) FROM supervisions s"
                            " JOIN orgs o ON o.id = s.org_id",
                            ""),
                     1);
    assert_true(prefs >= 4);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_long_term),
        cmocka_unit_test(test_sides),
        cmocka_unit_test(test_media_and_brand),
        cmocka_unit_test(test_order_states),
    };
    const struct CMUnitTest db[] = {
        cmocka_unit_test(test_loader_time),
        cmocka_unit_test(test_feed_agrees),
        cmocka_unit_test(test_feed_zero),
        cmocka_unit_test(test_demo_orders),
    };
    int fails = cmocka_run_group_tests_name("pure", pure, NULL, NULL);
    fails += cmocka_run_group_tests_name("sqlite", db, sqlite_setup, teardown);
    fails += cmocka_run_group_tests_name("postgresql", db, pg_setup, teardown);
    return fails;
}
