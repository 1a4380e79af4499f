/* test_fund.c — the funds' rules (fund.h): amounts in fen as the API and the
 * forms take them, the approval step (one or two approvers, never the recorder,
 * never the same person twice), the spending date window, the growth; and on
 * SQLite and PostgreSQL (HUIJU_TEST_PG) the store's conditional UPDATEs that
 * enforce earmarking — a fund never commits more than its amount, a line never
 * spends more than its own — and the figures fed from them. */
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
#include "fund.h"
#include "indicator.h"
#include "org.h"
#include "values.h"

/* ---- pure logic ---------------------------------------------------------------- */

static void test_json_fen(void **state)
{
    (void)state;
    int64_t v = -1;
    json_t *j = json_integer(1234);
    assert_true(fund_json_fen(j, 1, &v));
    assert_int_equal(v, 1234);
    json_decref(j);
    j = json_integer(0);
    assert_false(fund_json_fen(j, 1, &v)); /* an amount is more than nothing */
    assert_true(fund_json_fen(j, 0, &v));  /* a threshold may be 0 */
    json_decref(j);
    j = json_integer(-5);
    assert_false(fund_json_fen(j, 0, &v));
    json_decref(j);
    j = json_real(12.5); /* fen are whole */
    assert_false(fund_json_fen(j, 1, &v));
    json_decref(j);
    j = json_string("12.345");
    assert_false(fund_json_fen(j, 1, &v));
    json_decref(j);
    j = json_string("1200");
    assert_false(fund_json_fen(j, 1, &v)); /* the API takes numbers, not text */
    json_decref(j);
    j = json_integer(FUND_FEN_MAX);
    assert_true(fund_json_fen(j, 1, &v));
    json_decref(j);
    j = json_integer(FUND_FEN_MAX + 1);
    assert_false(fund_json_fen(j, 1, &v));
    json_decref(j);
    assert_false(fund_json_fen(NULL, 1, &v));
}

static void test_form_fen(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_true(fund_form_fen("12,000.50", 1, &v));
    assert_int_equal(v, 1200050);
    assert_true(fund_form_fen(" 3 ", 1, &v));
    assert_int_equal(v, 300);
    assert_true(fund_form_fen("0.1", 1, &v));
    assert_int_equal(v, 10);
    assert_false(fund_form_fen("12.345", 1, &v)); /* at most two decimals */
    assert_false(fund_form_fen("-5", 1, &v));
    assert_false(fund_form_fen("abc", 1, &v));
    assert_false(fund_form_fen("", 1, &v));
    assert_false(fund_form_fen(NULL, 1, &v));
    assert_false(fund_form_fen("0", 1, &v));
    assert_true(fund_form_fen("0", 0, &v));
    assert_int_equal(v, 0);
}

static void test_approve_step(void **state)
{
    (void)state;
    const int64_t th = 500000; /* 5,000 yuan */
    /* below the threshold one approval completes it */
    assert_int_equal(fund_approve_step("pending", "lead", NULL, th - 1, th, "shufu"),
                     APPROVE_FINAL);
    /* from the threshold on: a first approval, then another person's */
    assert_int_equal(fund_approve_step("pending", "lead", NULL, th, th, "shufu"), APPROVE_FIRST);
    assert_int_equal(fund_approve_step("pending", "lead", "shufu", th, th, "shufu2"),
                     APPROVE_FINAL);
    assert_int_equal(fund_approve_step("pending", "lead", "shufu", th, th, "shufu"),
                     APPROVE_SAME_PERSON);
    /* never the recorder, not even as the second */
    assert_int_equal(fund_approve_step("pending", "shufu", NULL, 10, th, "shufu"), APPROVE_OWN);
    assert_int_equal(fund_approve_step("pending", "shufu2", "shufu", th, th, "shufu2"),
                     APPROVE_OWN);
    /* nothing but a pending one */
    assert_int_equal(fund_approve_step("approved", "lead", NULL, 10, th, "shufu"),
                     APPROVE_NOT_PENDING);
    assert_int_equal(fund_approve_step("rejected", "lead", NULL, 10, th, "shufu"),
                     APPROVE_NOT_PENDING);
    assert_int_equal(fund_approve_step(NULL, "lead", NULL, 10, th, "shufu"), APPROVE_NOT_PENDING);
    /* a threshold of 0: every expenditure needs two */
    assert_int_equal(fund_approve_step("pending", "lead", NULL, 1, 0, "shufu"), APPROVE_FIRST);
    assert_true(fund_needs_two(th, th));
    assert_false(fund_needs_two(th - 1, th));
}

static void test_spent_on(void **state)
{
    (void)state;
    const char *today = "2026-06-15";
    assert_true(fund_spent_on_ok("2026-06-15", today, 2026));
    assert_true(fund_spent_on_ok("2025-01-01", today, 2026));  /* the year before */
    assert_true(fund_spent_on_ok("2026-03-01", today, 2025));  /* the year after */
    assert_false(fund_spent_on_ok("2026-06-16", today, 2026)); /* not in the future */
    assert_false(fund_spent_on_ok("2024-12-31", today, 2026)); /* two years before */
    assert_false(fund_spent_on_ok("2026-01-10", today, 2024)); /* two years after */
    assert_false(fund_spent_on_ok("2026-02-30", today, 2026)); /* no such day */
    assert_false(fund_spent_on_ok("2026/06/01", today, 2026));
    assert_false(fund_spent_on_ok(NULL, today, 2026));
}

static void test_growth(void **state)
{
    (void)state;
    double pct = 0;
    assert_true(fund_growth_pct(50000000000, 60000000000, &pct));
    assert_true(pct > 19.9999 && pct < 20.0001);
    assert_true(fund_growth_pct(41666666700, 50000000000, &pct));
    assert_true(pct > 19.99 && pct < 20.01);
    assert_true(fund_growth_pct(100, 50, &pct));
    assert_true(pct > -50.0001 && pct < -49.9999);
    assert_false(fund_growth_pct(0, 100, &pct)); /* no year before: no growth */
    assert_true(fund_category_ok("software"));
    assert_false(fund_category_ok("training"));
    assert_true(fund_source_ok("donation"));
    assert_false(fund_source_ok("loan"));
}

/* ---- the store, on both databases ---------------------------------------------------- */

typedef struct Env {
    Db *db;
    Arena *a;
    char path[64];
    int64_t region, county, school, project, fund;
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
    e->school = add_org(e->db, e->a, "6531210001", "school", "653121");
    DbStmt *s = db_q(e->db,
                     "INSERT INTO projects(title, kind, lead_org_id, scope_org_id, start_date,"
                     " end_date, budget_fen, status, created_by, created_at, updated_at)"
                     " VALUES ('p', 'training', ?, ?, '2025-01-01', '2026-12-31', 0,"
                     " 'in_progress', 'test', 0, 0) RETURNING id",
                     "ii", e->school, e->county);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    e->project = db_col_int(s, 0);
    db_done(s);
    s = db_q(e->db,
             "INSERT INTO funds(source, name, owner_org_id, year, amount_fen, created_by,"
             " created_at, updated_at) VALUES ('government', 'f', ?, 2025, 100000, 'test', 0, 0)"
             " RETURNING id",
             "i", e->county);
    assert_int_equal(db_step(s), DB_ROW);
    e->fund = db_col_int(s, 0);
    db_done(s);
    assert_int_equal(db_commit(e->db), DB_OK);
    return 0;
}

static int sqlite_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    snprintf(e->path, sizeof e->path, "/tmp/huiju-fund-XXXXXX");
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

static Env *need_db(void **state)
{
    Env *e = *state;
    if (!e->db) skip();
    return e;
}

static int64_t add_line(Env *e, int64_t amount)
{
    DbStmt *s = db_q(e->db,
                     "INSERT INTO budget_lines(fund_id, project_id, category, amount_fen,"
                     " created_by, created_at, updated_at) VALUES (?, ?, 'software', ?, 't', 0, 0)"
                     " RETURNING id",
                     "iii", e->fund, e->project, amount);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    int64_t id = db_col_int(s, 0);
    db_done(s);
    return id;
}

static int64_t col(Env *e, const char *sql, int64_t id)
{
    int64_t v = -1;
    assert_int_equal(db_int(e->db, &v, sql, "i", id), 1);
    return v;
}

static void test_commit_within_fund(void **state)
{
    Env *e = need_db(state);
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(fund_commit(e->db, e->fund, 60000), 1);
    assert_int_equal(fund_commit(e->db, e->fund, 40001), 0); /* one fen too many */
    assert_int_equal(fund_commit(e->db, e->fund, 40000), 1); /* exactly what is left */
    assert_int_equal(fund_commit(e->db, e->fund, 1), 0);
    assert_int_equal(col(e, "SELECT committed_fen FROM funds WHERE id = ?", e->fund), 100000);
    assert_int_equal(fund_commit(e->db, e->fund, -30000), 1); /* a line lowered releases */
    assert_int_equal(fund_commit(e->db, e->fund, -70001), 0); /* never below nothing */
    assert_int_equal(col(e, "SELECT committed_fen FROM funds WHERE id = ?", e->fund), 70000);
    assert_int_equal(fund_commit(e->db, 999999, 1), 0); /* no such fund */
    db_rollback(e->db);
    assert_int_equal(col(e, "SELECT committed_fen FROM funds WHERE id = ?", e->fund), 0);
}

static void test_spend_within_line(void **state)
{
    Env *e = need_db(state);
    assert_int_equal(db_begin(e->db), DB_OK);
    int64_t line = add_line(e, 10000);
    assert_int_equal(line_spend(e->db, line, 6000), 1);
    assert_int_equal(line_spend(e->db, line, 4001), 0);
    assert_int_equal(line_spend(e->db, line, 4000), 1);
    assert_int_equal(line_spend(e->db, line, 1), 0);
    assert_int_equal(line_spend(e->db, line, 0), -1); /* nothing is not an expenditure */
    assert_int_equal(col(e, "SELECT spent_fen FROM budget_lines WHERE id = ?", line), 10000);
    /* the schema holds the same line even without the guard */
    assert_int_equal(
        db_run(e->db, "UPDATE budget_lines SET spent_fen = amount_fen + 1 WHERE id = ?", "i", line),
        DB_CONSTRAINT);
    db_rollback(e->db);
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(
        db_run(e->db, "UPDATE funds SET committed_fen = amount_fen + 1 WHERE id = ?", "i", e->fund),
        DB_CONSTRAINT);
    db_rollback(e->db);
    /* an expenditure's second approver is never its first */
    assert_int_equal(db_begin(e->db), DB_OK);
    line = add_line(e, 10000);
    assert_int_equal(db_run(e->db,
                            "INSERT INTO expenditures(line_id, project_id, category, amount_fen,"
                            " spent_on, payee, voucher, status, approver1, approver2, created_by,"
                            " created_at, updated_at) VALUES (?, ?, 'software', 5, '2025-01-02',"
                            " 'x', 'v', 'approved', 'a', 'a', 't', 0, 0)",
                            "ii", line, e->project),
                     DB_CONSTRAINT);
    db_rollback(e->db);
}

static double figure(Env *e, const char *code, int64_t org, const char *period)
{
    Indicator d;
    Period p;
    Figure f;
    assert_int_equal(indicator_load(e->db, e->a, code, &d), 1);
    assert_true(period_parse(period, &p));
    assert_int_equal(value_read(e->db, e->a, &d, org, &p, &f), 0);
    return f.has ? f.value : -1;
}

static void test_feeds(void **state)
{
    Env *e = need_db(state);
    /* 1,000 yuan in 2025 (setup), 1,200 in 2026: growth 20 % */
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(db_run(e->db,
                            "INSERT INTO funds(source, name, owner_org_id, year, amount_fen,"
                            " created_by, created_at, updated_at) VALUES ('reward', 'g', ?, 2026,"
                            " 120000, 't', 0, 0)",
                            "i", e->region),
                     DB_OK);
    assert_int_equal(fund_feed_funding(e->db, "test", e->county, 2025), 0);
    assert_int_equal(fund_feed_funding(e->db, "test", e->region, 2026), 0);
    assert_int_equal(db_commit(e->db), DB_OK);
    assert_true(figure(e, "funding_total", e->county, "2025") == 1000.0);
    assert_true(figure(e, "funding_total", e->region, "2025") == 1000.0); /* rolled up */
    assert_true(figure(e, "funding_total", e->region, "2026") == 1200.0);
    double g = figure(e, "funding_growth", e->region, "2026");
    assert_true(g > 19.99 && g < 20.01);
    assert_true(figure(e, "funding_growth", e->region, "2025") < 0); /* no 2024: none */
    /* approved spending at the project's lead, by the year it was spent */
    assert_int_equal(db_begin(e->db), DB_OK);
    int64_t line = add_line(e, 50000);
    assert_int_equal(db_run(e->db,
                            "INSERT INTO expenditures(line_id, project_id, category, amount_fen,"
                            " spent_on, payee, voucher, status, approver1, created_by, created_at,"
                            " updated_at) VALUES (?, ?, 'software', 3000, '2025-03-02', 'x', 'v1',"
                            " 'approved', 'a', 't', 0, 0), (?, ?, 'software', 700, '2025-04-02',"
                            " 'x', 'v2', 'pending', NULL, 't', 0, 0)",
                            "iiii", line, e->project, line, e->project),
                     DB_OK);
    assert_int_equal(fund_feed_spending(e->db, "test", e->school, 2025), 0);
    assert_int_equal(db_commit(e->db), DB_OK);
    assert_true(figure(e, "spending_total", e->school, "2025") == 30.0); /* pending not counted */
    assert_true(figure(e, "spending_software", e->county, "2025") == 30.0);
    double share = figure(e, "software_spending_share", e->county, "2025");
    assert_true(share > 99.99 && share < 100.01);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_json_fen),     cmocka_unit_test(test_form_fen),
        cmocka_unit_test(test_approve_step), cmocka_unit_test(test_spent_on),
        cmocka_unit_test(test_growth),
    };
    const struct CMUnitTest db[] = {
        cmocka_unit_test(test_commit_within_fund),
        cmocka_unit_test(test_spend_within_line),
        cmocka_unit_test(test_feeds),
    };
    int fails = cmocka_run_group_tests_name("fund rules", pure, NULL, NULL);
    fails += cmocka_run_group_tests_name("fund store on SQLite", db, sqlite_setup, teardown);
    fails += cmocka_run_group_tests_name("fund store on PostgreSQL", db, pg_setup, teardown);
    return fails ? 1 : 0;
}
