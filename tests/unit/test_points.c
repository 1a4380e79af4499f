/* test_points.c — volunteers and points (volunteer.h, points.h): the rounding of
 * points, the validation of hours, dates, phones and passwords, the status
 * rule; and on the database (SQLite, and PostgreSQL too when HUIJU_TEST_PG holds
 * a postgres:// URL) verification once only with its ledger row and the unit's
 * monthly hours, rejection, and redemptions that never take the balance or the
 * stock below zero. */
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
#include "core/util.h"
#include "db/db.h"
#include "indicator.h"
#include "org.h"
#include "points.h"
#include "volunteer.h"

/* ---- pure logic ------------------------------------------------------------------ */

static void test_rounding(void **state)
{
    (void)state;
    assert_int_equal(points_for_hours(1, 10), 10);
    assert_int_equal(points_for_hours(2.5, 15), 38);   /* 37.5: halves go up */
    assert_int_equal(points_for_hours(0.3, 5), 2);     /* 1.5, though 0.3 × 5 < 1.5 in binary */
    assert_int_equal(points_for_hours(0.1, 12.5), 1);  /* 1.25 */
    assert_int_equal(points_for_hours(2.5, 12.5), 31); /* 31.25 */
    assert_int_equal(points_for_hours(0.7, 15), 11);   /* 10.5 */
    assert_int_equal(points_for_hours(24, 10), 240);
    assert_int_equal(points_for_hours(24, 0), 0);
    assert_int_equal(points_for_hours(0, 10), 0);
    assert_int_equal(points_for_hours(-1, 10), 0);
    /* every tenth of an hour at a whole rate gives exactly tenths × rate / 10, rounded */
    for (int t = 1; t <= 240; t++)
        for (int pph = 1; pph <= 20; pph++) {
            int64_t want = (t * pph + 5) / 10;
            assert_int_equal(points_for_hours(t / 10.0, pph), want);
        }
}

static void test_hours(void **state)
{
    (void)state;
    assert_true(points_hours_ok(0.1));
    assert_true(points_hours_ok(2.5));
    assert_true(points_hours_ok(24));
    assert_false(points_hours_ok(0));
    assert_false(points_hours_ok(-2));
    assert_false(points_hours_ok(24.1));
    assert_false(points_hours_ok(1.25));
    assert_false(points_hours_ok(0.05));
    double h = 0;
    assert_true(points_hours_parse("2", &h));
    assert_true(h == 2);
    assert_true(points_hours_parse("2.5", &h));
    assert_true(h == 2.5);
    assert_true(points_hours_parse("24.0", &h));
    for (const char *const *bad =
             (const char *const[]){"", "0", "0.0", "2.50", ".5", "5.", "25", "1e1", "-1", "2,5",
                                   " 2", "abc", "100", NULL};
         *bad; bad++)
        assert_false(points_hours_parse(*bad, &h));
    assert_false(points_hours_parse(NULL, &h));
}

static void test_dates(void **state)
{
    (void)state;
    assert_int_equal(points_day("2000-01-01"), 10957);
    assert_int_equal(points_day("2024-03-01") - points_day("2024-02-28"), 2); /* leap year */
    assert_int_equal(points_day("2023-03-01") - points_day("2023-02-28"), 1);
    for (const char *const *bad =
             (const char *const[]){"2023-02-29", "2026-13-01", "2026-04-31", "1999-12-31",
                                   "2026-1-01", "2026/01/01", "", NULL};
         *bad; bad++)
        assert_int_equal(points_day(*bad), -1);
    assert_int_equal(points_day(NULL), -1);
    char buf[11];
    for (int64_t d = points_day("2000-01-01"); d < points_day("2100-12-31"); d += 17) {
        points_day_text(d, buf);
        assert_int_equal(points_day(buf), d);
    }
    int64_t today = points_day("2026-06-15");
    assert_int_equal(points_served_on_check("2026-06-15", today), 0);
    assert_int_equal(points_served_on_check("2026-06-16", today), 2);
    points_day_text(today - POINTS_MAX_DAYS_BACK, buf);
    assert_int_equal(points_served_on_check(buf, today), 0);
    points_day_text(today - POINTS_MAX_DAYS_BACK - 1, buf);
    assert_int_equal(points_served_on_check(buf, today), 3);
    assert_int_equal(points_served_on_check("yesterday", today), 1);
}

static void test_people(void **state)
{
    (void)state;
    assert_true(volunteer_phone_ok(""));
    assert_true(volunteer_phone_ok("13912345678"));
    assert_true(volunteer_phone_ok("19912345678"));
    for (const char *const *bad =
             (const char *const[]){"12912345678", "1391234567", "139123456789", "1391234567a",
                                   "+8613912345678", "23912345678", NULL};
         *bad; bad++)
        assert_false(volunteer_phone_ok(*bad));
    assert_false(volunteer_phone_ok(NULL));
    assert_false(volunteer_password_ok("123456789"));
    assert_true(volunteer_password_ok("1234567890"));
    char longpw[140];
    memset(longpw, 'a', 129);
    longpw[129] = 0;
    assert_false(volunteer_password_ok(longpw));
    assert_false(volunteer_password_ok(NULL));
    /* the status rule */
    assert_true(volunteer_status_allowed("pending", "approved"));
    assert_true(volunteer_status_allowed("pending", "rejected"));
    assert_true(volunteer_status_allowed("pending", "left"));
    assert_true(volunteer_status_allowed("approved", "left"));
    assert_false(volunteer_status_allowed("approved", "rejected"));
    assert_false(volunteer_status_allowed("approved", "approved"));
    assert_false(volunteer_status_allowed("rejected", "approved"));
    assert_false(volunteer_status_allowed("left", "approved"));
    assert_false(volunteer_status_allowed("pending", "nonsense"));
    assert_false(volunteer_status_allowed(NULL, "left"));
    assert_string_equal(volunteer_next_text("pending"), "approved, rejected, left");
    assert_string_equal(volunteer_next_text("left"), "");
    assert_true(volunteer_pool_kind_ok("silver_teacher"));
    assert_true(volunteer_pool_kind_ok("student_team"));
    assert_false(volunteer_pool_kind_ok("students"));
}

/* ---- on the database ------------------------------------------------------------------ */

typedef struct Env {
    Db *db;
    Arena *a;
    char path[64];
    int64_t county, school, user, pool, vol, h1, h2, h3, reward, empty_reward;
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

static int64_t insert_id(Db *db, DbStmt *s)
{
    (void)db;
    int64_t id = 0;
    if (s && db_step(s) == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    assert_true(id > 0);
    return id;
}

static int64_t add_hours(Env *e, double hours, const char *served_on)
{
    return insert_id(e->db, db_q(e->db,
                                 "INSERT INTO service_hours(volunteer_id, org_id, served_on, hours,"
                                 " status, created_by, created_at) VALUES (?, ?, ?, ?, 'logged',"
                                 " 'test', 1) RETURNING id",
                                 "iisd", e->vol, e->school, served_on, hours));
}

static int setup_db(Env *e)
{
    char err[256];
    assert_int_equal(db_migrate(e->db, err, sizeof err), DB_OK);
    assert_int_equal(access_sync(e->db), DB_OK);
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_true(indicators_load_standard(e->db, "test", err, sizeof err) > 10);
    add_org(e->db, e->a, "650000", "region", NULL);
    add_org(e->db, e->a, "653100", "prefecture", "650000");
    e->county = add_org(e->db, e->a, "653121", "county", "653100");
    e->school = add_org(e->db, e->a, "6531210001", "school", "653121");
    e->user = insert_id(e->db, db_q(e->db,
                                    "INSERT INTO users(login, name, pw_hash, created_at,"
                                    " updated_at) VALUES ('vol', 'vol', 'x', 1, 1) RETURNING id",
                                    ""));
    e->pool = insert_id(e->db, db_q(e->db,
                                    "INSERT INTO volunteer_pools(code, kind, name_zh, org_id,"
                                    " points_per_hour, created_at) VALUES ('VP-T', 'community',"
                                    " 'T', ?, 15, 1) RETURNING id",
                                    "i", e->county));
    e->vol = insert_id(e->db, db_q(e->db,
                                   "INSERT INTO volunteers(user_id, pool_id, name, status,"
                                   " consent_at, consent_version, created_at, updated_at)"
                                   " VALUES (?, ?, 'vol', 'approved', 1, 'v', 1, 1) RETURNING id",
                                   "ii", e->user, e->pool));
    e->h1 = add_hours(e, 2.5, "2026-03-04");
    e->h2 = add_hours(e, 1.5, "2026-03-20");
    e->h3 = add_hours(e, 4, "2026-04-01");
    e->reward = insert_id(e->db, db_q(e->db,
                                      "INSERT INTO rewards(org_id, kind, name_zh, points_cost,"
                                      " stock, created_by, created_at) VALUES (?, 'reward', 'R',"
                                      " 30, 1, 'test', 1) RETURNING id",
                                      "i", e->county));
    e->empty_reward = insert_id(e->db, db_q(e->db,
                                            "INSERT INTO rewards(org_id, kind, name_zh,"
                                            " points_cost, stock, created_by, created_at) VALUES"
                                            " (?, 'honour', 'E', 5, 0, 'test', 1) RETURNING id",
                                            "i", e->county));
    assert_int_equal(db_commit(e->db), DB_OK);
    return 0;
}

static int sqlite_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    snprintf(e->path, sizeof e->path, "/tmp/huiju-points-XXXXXX");
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

static int64_t one(Env *e, const char *sql, int64_t id)
{
    int64_t v = -1;
    assert_int_equal(db_int(e->db, &v, sql, "i", id), 1);
    return v;
}

static double month_hours(Env *e, const char *month)
{
    double v = -1;
    DbStmt *s = db_q(e->db,
                     "SELECT d.value FROM datavalues d JOIN indicators i ON i.id = d.indicator_id"
                     " WHERE i.code = 'volunteer_hours' AND d.org_id = ? AND d.period = ?",
                     "is", e->school, month);
    if (s && db_step(s) == DB_ROW) v = db_col_double(s, 0);
    db_done(s);
    return v;
}

static void test_verify_once(void **state)
{
    Env *e = need(state);
    PtOutcome o;
    assert_int_equal(points_verify(e->db, "org1", e->h1, &o), PT_OK);
    assert_int_equal(o.points, 38); /* 2.5 h × 15, 37.5 rounded up */
    assert_int_equal(o.balance, 38);
    /* the second decision loses, whatever it is, and changes nothing */
    assert_int_equal(points_verify(e->db, "org2", e->h1, &o), PT_CONFLICT);
    assert_string_equal(o.status, "verified");
    assert_int_equal(points_reject(e->db, "org2", e->h1, NULL, &o), PT_CONFLICT);
    assert_int_equal(one(e, "SELECT points_balance FROM volunteers WHERE id = ?", e->vol), 38);
    assert_int_equal(one(e, "SELECT count(*) FROM points_ledger WHERE volunteer_id = ?", e->vol),
                     1);
    assert_int_equal(one(e, "SELECT balance_after FROM points_ledger WHERE ref_id = ?", e->h1), 38);
    assert_int_equal(points_verify(e->db, "org1", 999999, &o), PT_NOT_FOUND);
    /* the unit's hours of the month follow the verified hours only */
    assert_true(month_hours(e, "2026-03") == 2.5);
    assert_int_equal(points_reject(e->db, "org1", e->h2, "not at the school that day", &o), PT_OK);
    assert_int_equal(points_verify(e->db, "org1", e->h2, &o), PT_CONFLICT);
    assert_string_equal(o.status, "rejected");
    assert_true(month_hours(e, "2026-03") == 2.5);
    assert_int_equal(points_verify(e->db, "org1", e->h3, &o), PT_OK);
    assert_int_equal(o.points, 60);
    assert_int_equal(o.balance, 98);
    assert_true(month_hours(e, "2026-04") == 4);
    DbStmt *s = db_q(e->db, "SELECT hours_verified FROM volunteers WHERE id = ?", "i", e->vol);
    assert_int_equal(db_step(s), DB_ROW);
    assert_true(db_col_double(s, 0) == 6.5);
    db_done(s);
}

static void test_redeem(void **state)
{
    Env *e = need(state);
    PtOutcome o;
    int64_t balance = one(e, "SELECT points_balance FROM volunteers WHERE id = ?", e->vol);
    if (balance < 30) {
        /* run alone: give the volunteer the points of the verification test */
        assert_int_equal(points_verify(e->db, "org1", e->h1, &o), PT_OK);
        assert_int_equal(points_verify(e->db, "org1", e->h3, &o), PT_OK);
        balance = o.balance;
    }
    assert_int_equal(points_redeem(e->db, "vol", e->vol, e->reward, &o), PT_OK);
    assert_int_equal(o.balance, balance - 30);
    assert_true(o.redemption_id > 0);
    assert_int_equal(one(e, "SELECT stock FROM rewards WHERE id = ?", e->reward), 0);
    /* out of stock: nothing written */
    assert_int_equal(points_redeem(e->db, "vol", e->vol, e->reward, &o), PT_NO_STOCK);
    assert_int_equal(points_redeem(e->db, "vol", e->vol, e->empty_reward, &o), PT_NO_STOCK);
    assert_int_equal(points_redeem(e->db, "vol", e->vol, 999999, &o), PT_NOT_FOUND);
    /* not enough points: the balance is never taken below zero */
    assert_int_equal(db_run(e->db, "UPDATE rewards SET stock = 5, points_cost = 1000 WHERE id = ?",
                            "i", e->reward),
                     DB_OK);
    assert_int_equal(points_redeem(e->db, "vol", e->vol, e->reward, &o), PT_NO_POINTS);
    assert_int_equal(o.balance, balance - 30);
    assert_int_equal(o.cost, 1000);
    assert_int_equal(one(e, "SELECT stock FROM rewards WHERE id = ?", e->reward), 5);
    assert_int_equal(one(e, "SELECT count(*) FROM redemptions WHERE volunteer_id = ?", e->vol), 1);
    /* the ledger adds up to the balance */
    assert_int_equal(one(e, "SELECT sum(delta) FROM points_ledger WHERE volunteer_id = ?", e->vol),
                     balance - 30);
    assert_int_equal(one(e, "SELECT points_balance FROM volunteers WHERE id = ?", e->vol),
                     balance - 30);
}

static void test_unit_figures(void **state)
{
    Env *e = need(state);
    char err[256] = "";
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(volunteer_feed_unit(e->db, "test", e->county, 2026, err, sizeof err), 0);
    assert_int_equal(db_commit(e->db), DB_OK);
    int64_t v = -1;
    assert_int_equal(db_int(e->db, &v,
                            "SELECT CAST(d.value AS BIGINT) FROM datavalues d JOIN indicators i"
                            " ON i.id = d.indicator_id WHERE i.code = ? AND d.org_id = ?"
                            " AND d.period = '2026'",
                            "si", "community_volunteers", e->county),
                     1);
    assert_int_equal(v, 1);
    assert_int_equal(db_int(e->db, &v,
                            "SELECT CAST(d.value AS BIGINT) FROM datavalues d JOIN indicators i"
                            " ON i.id = d.indicator_id WHERE i.code = ? AND d.org_id = ?"
                            " AND d.period = '2026'",
                            "si", "student_volunteers_deployed", e->county),
                     1);
    assert_int_equal(v, 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_hours),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_people),
    };
    const struct CMUnitTest db[] = {
        cmocka_unit_test(test_verify_once),
        cmocka_unit_test(test_redeem),
        cmocka_unit_test(test_unit_figures),
    };
    int fails = cmocka_run_group_tests_name("points rules", pure, NULL, NULL);
    fails += cmocka_run_group_tests_name("points on SQLite", db, sqlite_setup, teardown);
    fails += cmocka_run_group_tests_name("points on PostgreSQL", db, pg_setup, teardown);
    return fails ? 1 : 0;
}
