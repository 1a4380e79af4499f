/* test_values.c — periods, and the value store's exact roll-up: written,
 * changed and deleted values keep `rollups` equal to a recomputation from the
 * raw values, ratios roll up as sums of parts, and longer periods combine months
 * by the indicator's time rule. Runs on SQLite, and on PostgreSQL too when
 * HUIJU_TEST_PG holds a postgres:// URL (its public schema is recreated). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "access.h"
#include "core/period.h"
#include "db/db.h"
#include "indicator.h"
#include "org.h"
#include "values.h"

static void test_periods(void **state)
{
    (void)state;
    Period p, q;
    char buf[12];
    assert_true(period_parse("2024", &p));
    assert_int_equal(p.kind, PERIOD_YEAR);
    assert_int_equal(p.last - p.first, 11);
    assert_true(period_parse("2024Q3", &q));
    assert_int_equal(q.kind, PERIOD_QUARTER);
    assert_true(period_within(&q, &p));
    period_format(&q, buf, sizeof buf);
    assert_string_equal(buf, "2024Q3");
    assert_true(period_parse("2024-07", &q));
    assert_true(period_within(&q, &p));
    Period qq = period_quarter_of(q.first);
    period_format(&qq, buf, sizeof buf);
    assert_string_equal(buf, "2024Q3");
    Period yy = period_year_of(q.first);
    period_format(&yy, buf, sizeof buf);
    assert_string_equal(buf, "2024");
    const char *bad[] = {"24", "2024Q5", "2024Q0", "2024-13", "2024-00", "2024-1", "20x4",
                         "2024-07x", "1800", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_false(period_parse(bad[i], &p));
    assert_false(period_parse(NULL, &p));
}

typedef struct Env {
    Db *db;
    Arena *a;
    char path[64];
    int64_t region, county, s1, s2;
    const char *p1, *p2;
} Env;

static int64_t add_org(Db *db, Arena *a, const char *code, const char *kind, const char *parent)
{
    Org o = {0}, par;
    o.code = code;
    o.kind = kind;
    o.name_zh = code;
    int rc;
    if (parent) assert_int_equal(org_load(db, a, parent, &par), 1);
    return org_insert(db, "test", &o, parent ? &par : NULL, &rc);
}

static int setup_db(Env *e)
{
    char err[256];
    assert_int_equal(db_migrate(e->db, err, sizeof err), DB_OK);
    assert_int_equal(access_sync(e->db), DB_OK);
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_true(indicators_load_standard(e->db, "test", err, sizeof err) > 10);
    e->region = add_org(e->db, e->a, "650000", "region", NULL);
    add_org(e->db, e->a, "653100", "prefecture", "650000");
    e->county = add_org(e->db, e->a, "653121", "county", "653100");
    e->s1 = add_org(e->db, e->a, "6531210001", "school", "653121");
    e->s2 = add_org(e->db, e->a, "6531210002", "school", "653121");
    assert_int_equal(db_commit(e->db), DB_OK);
    e->p1 = "/650000/653100/653121/6531210001/";
    e->p2 = "/650000/653100/653121/6531210002/";
    return 0;
}

static int sqlite_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    snprintf(e->path, sizeof e->path, "/tmp/huiju-values-XXXXXX");
    int fd = mkstemp(e->path);
    close(fd);
    char err[256];
    e->db = db_open(e->path, err, sizeof err);
    e->a = arena_new();
    *state = e;
    return e->db ? setup_db(e) : -1;
}

static int pg_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    *state = e;
    const char *url = getenv("HUIJU_TEST_PG");
    if (!url || !*url) return 0;
    char err[256];
    e->db = db_open(url, err, sizeof err);
    e->a = arena_new();
    if (!e->db || db_exec(e->db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public") != DB_OK)
        return -1;
    return setup_db(e);
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
    arena_free(e->a);
    free(e);
    return 0;
}

static Env *need(void **state)
{
    Env *e = *state;
    if (!e->db) skip();
    return e;
}

/* Writes a batch in one transaction; returns vw_put's first non-zero result. */
static int put(Env *e, int64_t org, const char *path, const char *ind, const char *period,
               const double *v)
{
    Indicator d;
    assert_int_equal(indicator_load(e->db, e->a, ind, &d), 1);
    assert_int_equal(db_begin(e->db), DB_OK);
    ValueWriter *w = vw_new(e->db, "test");
    char err[256];
    int rc = vw_put(w, "en", org, path, &d, period, v, err, sizeof err);
    if (!rc) rc = vw_check_ratios(w, "en", err, sizeof err);
    if (rc) {
        vw_abandon(w);
        db_rollback(e->db);
        return rc;
    }
    assert_int_equal(vw_finish(w, "test", "t", ""), DB_OK);
    assert_int_equal(db_commit(e->db), DB_OK);
    return 0;
}

static Figure fig(Env *e, const char *ind, int64_t org, const char *period)
{
    Indicator d;
    Period p;
    Figure f;
    assert_int_equal(indicator_load(e->db, e->a, ind, &d), 1);
    assert_true(period_parse(period, &p));
    assert_int_equal(value_read(e->db, e->a, &d, org, &p, &f), 0);
    return f;
}

/* The rollups table, as text, ordered; compared before and after a rebuild. */
static char *rollups_text(Env *e)
{
    DbStmt *s = db_q(e->db,
                     "SELECT org_id, indicator_id, period, total, n FROM rollups WHERE n > 0"
                     " ORDER BY org_id, indicator_id, period",
                     "");
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(1, cap);
    while (s && db_step(s) == DB_ROW)
        len += (size_t)snprintf(out + len, cap - len, "%lld/%lld/%s/%g/%lld;",
                                (long long)db_col_int(s, 0), (long long)db_col_int(s, 1),
                                db_col_text(s, 2), db_col_double(s, 3),
                                (long long)db_col_int(s, 4));
    db_done(s);
    return out;
}

static void test_rollup_exact(void **state)
{
    Env *e = need(state);
    double v10 = 10, v4 = 4, v30 = 30, v6 = 6, v12 = 12;
    assert_int_equal(put(e, e->s1, e->p1, "arts_posts_needed", "2025", &v10), 0);
    assert_int_equal(put(e, e->s1, e->p1, "arts_posts_vacant", "2025", &v4), 0);
    assert_int_equal(put(e, e->s2, e->p2, "arts_posts_needed", "2025", &v30), 0);
    assert_int_equal(put(e, e->s2, e->p2, "arts_posts_vacant", "2025", &v6), 0);
    Figure f = fig(e, "arts_teacher_gap", e->s1, "2025");
    assert_true(f.has);
    assert_true(f.value > 39.999 && f.value < 40.001);
    f = fig(e, "arts_teacher_gap", e->county, "2025");
    /* (4 + 6) / (10 + 30) = 25 %, not the mean of 40 % and 20 % */
    assert_true(f.value > 24.999 && f.value < 25.001);
    assert_int_equal((int)f.num, 10);
    assert_int_equal((int)f.den, 40);
    f = fig(e, "arts_teacher_gap", e->region, "2025-06"); /* a month reads its year */
    assert_true(f.value > 24.999 && f.value < 25.001);
    /* change and delete keep the roll-up exact */
    assert_int_equal(put(e, e->s1, e->p1, "arts_posts_vacant", "2025", &v12), 1); /* 12 > 10 */
    char *before = rollups_text(e);
    assert_int_equal(put(e, e->s2, e->p2, "arts_posts_vacant", "2025", &v4), 0);
    assert_int_equal(put(e, e->s1, e->p1, "arts_posts_vacant", "2025", NULL), 0);
    f = fig(e, "arts_posts_vacant", e->county, "2025");
    assert_int_equal((int)f.value, 4);
    assert_int_equal(f.n, 1);
    char *now = rollups_text(e);
    assert_string_not_equal(before, now);
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(rollups_rebuild(e->db), DB_OK);
    assert_int_equal(db_commit(e->db), DB_OK);
    char *rebuilt = rollups_text(e);
    assert_string_equal(now, rebuilt);
    free(before);
    free(now);
    free(rebuilt);
}

static void test_months_sum_into_quarter_and_year(void **state)
{
    Env *e = need(state);
    const char *months[] = {"2025-01", "2025-02", "2025-03", "2025-04"};
    for (int i = 0; i < 4; i++) {
        double v = i + 1;
        assert_int_equal(put(e, e->s1, e->p1, "activities_held", months[i], &v), 0);
        assert_int_equal(put(e, e->s2, e->p2, "activities_held", months[i], &v), 0);
    }
    assert_int_equal((int)fig(e, "activities_held", e->s1, "2025Q1").value, 6);
    assert_int_equal((int)fig(e, "activities_held", e->county, "2025Q1").value, 12);
    assert_int_equal((int)fig(e, "activities_held", e->county, "2025").value, 20);
    assert_int_equal((int)fig(e, "activities_held", e->region, "2025-04").value, 8);
    assert_false(fig(e, "activities_held", e->region, "2024").has);
    /* a yearly indicator refuses a month, a ratio refuses a value */
    double v = 3;
    assert_int_equal(put(e, e->s1, e->p1, "teachers_total", "2025-01", &v), 1);
    assert_int_equal(put(e, e->s1, e->p1, "arts_teacher_gap", "2025", &v), 1);
    double half = 2.5;
    assert_int_equal(put(e, e->s1, e->p1, "teachers_total", "2025", &half), 1); /* whole only */
    double neg = -1;
    assert_int_equal(put(e, e->s1, e->p1, "teachers_total", "2025", &neg), 1); /* range */
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest pure[] = {cmocka_unit_test(test_periods)};
    const struct CMUnitTest db[] = {
        cmocka_unit_test(test_rollup_exact),
        cmocka_unit_test(test_months_sum_into_quarter_and_year),
    };
    int fails = cmocka_run_group_tests_name("periods", pure, NULL, NULL);
    fails += cmocka_run_group_tests_name("values on SQLite", db, sqlite_setup, teardown);
    fails += cmocka_run_group_tests_name("values on PostgreSQL", db, pg_setup, teardown);
    return fails ? 1 : 0;
}
