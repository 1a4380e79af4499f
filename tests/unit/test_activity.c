/* test_activity.c — activities (activity.h): the pure rules (times, booking
 * window, cancellation deadline, check-in time, the near rule, the 60 % rule
 * and its share), then the store on SQLite and, when HUIJU_TEST_PG holds a
 * postgres:// URL (its public schema is recreated), on PostgreSQL: capacity
 * with the waiting list in arrival order, promotion on cancellation, the
 * deadline, duplicate bookings, check-in, closing, and the figures fed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "activity.h"
#include "core/arena.h"
#include "db/db.h"
#include "demo.h"
#include "demo_values.h"
#include "indicator.h"
#include "org.h"

/* ---- pure rules ------------------------------------------------------------------- */

static void test_times(void **state)
{
    (void)state;
    int64_t s = 1800000000;
    assert_null(activity_times_bad(s, s + 3600, s - 86400, s, s));
    assert_null(activity_times_bad(s, s + 3600, s - 86400, s - 60, s - 7200));
    assert_string_equal(activity_times_bad(s, s, s - 10, s, s), "ends_at");
    assert_string_equal(activity_times_bad(s, s - 1, s - 10, s, s), "ends_at");
    assert_string_equal(activity_times_bad(s, s + 32 * 86400, s - 10, s, s), "ends_at");
    assert_string_equal(activity_times_bad(s, s + 3600, s - 10, s + 1, s), "booking_closes");
    assert_string_equal(activity_times_bad(s, s + 3600, s, s, s), "booking_opens");
    assert_string_equal(activity_times_bad(s, s + 3600, s + 5, s - 5, s), "booking_opens");
    assert_string_equal(activity_times_bad(s, s + 3600, s - 10, s, s + 1), "cancel_until");
}

static void test_window_cancel_checkin(void **state)
{
    (void)state;
    Activity a = {.starts_at = 10000,
                  .ends_at = 17200,
                  .booking_opens = 1000,
                  .booking_closes = 9000,
                  .cancel_until = 5000};
    assert_int_equal(activity_window(&a, 999), WINDOW_NOT_YET);
    assert_int_equal(activity_window(&a, 1000), WINDOW_OPEN);
    assert_int_equal(activity_window(&a, 8999), WINDOW_OPEN);
    assert_int_equal(activity_window(&a, 9000), WINDOW_CLOSED);
    assert_true(activity_may_cancel(&a, 5000));
    assert_false(activity_may_cancel(&a, 5001));
    /* a participant: from an hour before the start to an hour after the end */
    assert_false(activity_checkin_time_ok(&a, 10000 - 3601, 0));
    assert_true(activity_checkin_time_ok(&a, 10000 - 3600, 0));
    assert_true(activity_checkin_time_ok(&a, 17200 + 3600, 0));
    assert_false(activity_checkin_time_ok(&a, 17200 + 3601, 0));
    /* an organiser: also afterwards, until the activity is closed */
    assert_false(activity_checkin_time_ok(&a, 10000 - 3601, 1));
    assert_true(activity_checkin_time_ok(&a, 17200 + 86400, 1));
}

static void test_participation_rule(void **state)
{
    (void)state;
    assert_true(activity_low_participation(59, 100));
    assert_false(activity_low_participation(60, 100));
    assert_false(activity_low_participation(3, 5)); /* exactly 60 % */
    assert_true(activity_low_participation(2, 5));
    assert_true(activity_low_participation(0, 1));
    assert_false(activity_low_participation(30, 30));
    assert_true(activity_low_share(0, 0) < 0);
    assert_float_equal(activity_low_share(1, 4), 25.0, 1e-9);
    assert_float_equal(activity_low_share(45, 100), 45.0, 1e-9);
}

static void test_near(void **state)
{
    (void)state;
    const char *school = "/650000/653100/653121/6531210001/";
    assert_true(activity_near("/650000/", school));               /* the region's */
    assert_true(activity_near("/650000/653100/653121/", school)); /* the county's */
    assert_true(activity_near(school, school));
    assert_true(activity_near(school, "/650000/653100/653121/")); /* inside a county */
    assert_false(activity_near("/650000/653200/653221/6532210001/", school));
    assert_false(activity_near("/650000/653100/653122/", school));
    /* a prefix of the code is not an ancestor */
    assert_false(activity_near("/650000/653100/6531210/", "/650000/653100/653121/"));
}

static void test_time_text(void **state)
{
    (void)state;
    Arena *a = arena_new();
    int64_t t;
    assert_true(activity_parse_time("2026-12-05T14:00", &t));
    assert_string_equal(activity_time_text(a, t), "2026-12-05T14:00:00+08:00");
    assert_string_equal(activity_time_input(a, t), "2026-12-05T14:00");
    int64_t u;
    assert_true(activity_parse_time("2026-12-05T06:00:00Z", &u));
    assert_int_equal(t, u);
    assert_true(activity_parse_time("2026-12-05T06:00:00.250Z", &u));
    assert_int_equal(t, u);
    assert_true(activity_parse_time("2026-12-05 08:00:00+02:00", &u));
    assert_int_equal(t, u);
    assert_int_equal(activity_local_time(2026, 12, 5, 14, 0), t);
    int y, m;
    int64_t from, to;
    activity_month_of(activity_local_time(2027, 1, 1, 0, 0) - 1, &y, &m, &from, &to);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 12);
    assert_int_equal(from, activity_local_time(2026, 12, 1, 0, 0));
    assert_int_equal(to, activity_local_time(2027, 1, 1, 0, 0));
    activity_month_of(activity_local_time(2028, 2, 29, 23, 59), &y, &m, &from, &to);
    assert_int_equal(m, 2);
    assert_int_equal(to - from, 29 * 86400);
    const char *bad[] = {"2026-02-29T10:00",     "2026-13-01T10:00",  "2026-12-05T24:00",
                         "2026-12-05T10:60",     "2026-12-05",        "2026-12-05T10:00+8",
                         "1999-12-31T10:00",     "2026-12-05T10:00x", "",
                         "2026-12-05T10:00:00.Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(activity_parse_time(bad[i], &t));
    assert_false(activity_parse_time(NULL, &t));
    char code[7];
    activity_new_code(code);
    assert_int_equal(strlen(code), 6);
    for (int i = 0; i < 6; i++)
        assert_non_null(strchr("ABCDEFGHJKMNPQRSTUVWXYZ23456789", code[i]));
    arena_free(a);
}

/* ---- the store, on each database ------------------------------------------------------ */

typedef struct Env {
    Db *db;
    Arena *a;
    char path[64];
    int64_t school, school2, users[5];
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
    add_org(e->db, e->a, "650000", "region", NULL);
    add_org(e->db, e->a, "653100", "prefecture", "650000");
    add_org(e->db, e->a, "653121", "county", "653100");
    e->school = add_org(e->db, e->a, "6531210001", "school", "653121");
    e->school2 = add_org(e->db, e->a, "6531210002", "school", "653121");
    for (int i = 0; i < 5; i++) {
        char login[16];
        snprintf(login, sizeof login, "p%d", i);
        assert_int_equal(db_run(e->db,
                                "INSERT INTO users(login, name, pw_hash, created_at, updated_at)"
                                " VALUES (?, ?, 'x', 1, 1)",
                                "ss", login, login),
                         DB_OK);
        assert_int_equal(
            db_int(e->db, &e->users[i], "SELECT id FROM users WHERE login = ?", "s", login), 1);
        /* p0–p3 are parents of the first school, p4 of the second */
        assert_int_equal(db_run(e->db,
                                "INSERT INTO grants(user_id, role, org_id) VALUES (?, 'parent', ?)",
                                "ii", e->users[i], i < 4 ? e->school : e->school2),
                         DB_OK);
    }
    assert_int_equal(db_commit(e->db), DB_OK);
    return 0;
}

static int sqlite_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    snprintf(e->path, sizeof e->path, "/tmp/huiju-activity-XXXXXX");
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
    db_rollback(e->db);
    return e;
}

/* A new open activity of the first school (times relative to `starts`). */
static Activity add_activity(Env *e, const char *kind, int64_t starts, int64_t capacity,
                             int64_t cancel_until)
{
    int64_t id = 0;
    DbStmt *s = db_q(e->db,
                     "INSERT INTO activities(org_id, kind, title, place, audience, starts_at,"
                     " ends_at, capacity, booking_opens, booking_closes, cancel_until,"
                     " checkin_code, status, created_by, created_at, updated_at)"
                     " VALUES (?, ?, 't', 'p', 'parents', ?, ?, ?, ?, ?, ?, 'ABC234', 'open',"
                     " 'test', 1, 1) RETURNING id",
                     "isiiiiii", e->school, kind, starts, starts + 7200, capacity, starts - 86400,
                     starts - 3600, cancel_until);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    id = db_col_int(s, 0);
    db_done(s);
    Activity a;
    assert_int_equal(activity_load(e->db, e->a, id, &a), 1);
    return a;
}

static double value_of(Env *e, int64_t org, const char *code, const char *period)
{
    double v = -1;
    DbStmt *s = db_q(e->db,
                     "SELECT v.value FROM datavalues v JOIN indicators i ON i.id = v.indicator_id"
                     " WHERE v.org_id = ? AND i.code = ? AND v.period = ?",
                     "iss", org, code, period);
    if (s && db_step(s) == DB_ROW) v = db_col_double(s, 0);
    db_done(s);
    return v;
}

static void test_capacity_waiting_promotion(void **state)
{
    Env *e = need(state);
    int64_t starts = activity_local_time(2026, 5, 10, 15, 0), now = starts - 5 * 3600;
    Activity a = add_activity(e, "parent_class", starts, 2, starts - 3 * 3600);
    Booking b[4];
    ActWhy why;
    for (int i = 0; i < 4; i++)
        assert_int_equal(booking_book(e->db, e->a, &a, e->users[i], "t", now + i, &b[i], &why),
                         ACT_OK);
    assert_string_equal(b[0].status, "booked");
    assert_string_equal(b[1].status, "booked");
    assert_string_equal(b[2].status, "waiting");
    assert_string_equal(b[3].status, "waiting");
    assert_int_equal(b[2].position, 1);
    assert_int_equal(b[3].position, 2);
    assert_true(b[0].arrival < b[1].arrival && b[1].arrival < b[2].arrival &&
                b[2].arrival < b[3].arrival);
    /* one booking per person: the live one comes back */
    Booking again;
    assert_int_equal(booking_book(e->db, e->a, &a, e->users[1], "t", now + 9, &again, &why),
                     ACT_CONFLICT);
    assert_int_equal(why, WHY_ALREADY);
    assert_int_equal(again.id, b[1].id);
    /* a freed seat goes to the first waiting booking, in the same transaction */
    Booking c;
    assert_int_equal(booking_cancel(e->db, e->a, b[0].id, e->users[0], "t", now + 10, &c, &why),
                     ACT_OK);
    assert_string_equal(c.status, "cancelled");
    Activity now_a;
    assert_int_equal(activity_load(e->db, e->a, a.id, &now_a), 1);
    assert_int_equal(now_a.booked, 2);
    assert_int_equal(now_a.waiting, 1);
    Booking p;
    assert_int_equal(booking_load(e->db, e->a, b[2].id, &p), 1);
    assert_string_equal(p.status, "booked");
    assert_int_equal(booking_load(e->db, e->a, b[3].id, &p), 1);
    assert_int_equal(p.position, 1);
    /* cancelling a waiting booking frees no seat */
    assert_int_equal(booking_cancel(e->db, e->a, b[3].id, 0, "t", now + 11, &c, &why), ACT_OK);
    assert_int_equal(activity_load(e->db, e->a, a.id, &now_a), 1);
    assert_int_equal(now_a.booked, 2);
    assert_int_equal(now_a.waiting, 0);
    /* someone else's booking is not found; a cancelled one cannot be cancelled again */
    assert_int_equal(booking_cancel(e->db, e->a, b[1].id, e->users[0], "t", now, &c, &why),
                     ACT_NOT_FOUND);
    assert_int_equal(booking_cancel(e->db, e->a, b[0].id, e->users[0], "t", now, &c, &why),
                     ACT_CONFLICT);
    assert_int_equal(why, WHY_STATUS);
    /* booking again after cancelling: the same row, a new arrival at the end */
    Booking re;
    assert_int_equal(booking_book(e->db, e->a, &now_a, e->users[0], "t", now + 12, &re, &why),
                     ACT_OK);
    assert_int_equal(re.id, b[0].id);
    assert_string_equal(re.status, "waiting");
    assert_true(re.arrival > b[3].arrival);
}

static void test_window_and_deadline(void **state)
{
    Env *e = need(state);
    int64_t starts = activity_local_time(2026, 6, 10, 15, 0);
    Activity a = add_activity(e, "parent_class", starts, 10, starts - 86400 / 2);
    Booking b;
    ActWhy why;
    /* before booking opens, after it closes */
    assert_int_equal(booking_book(e->db, e->a, &a, e->users[0], "t", a.booking_opens - 1, &b, &why),
                     ACT_CONFLICT);
    assert_int_equal(why, WHY_NOT_YET);
    assert_int_equal(booking_book(e->db, e->a, &a, e->users[0], "t", a.booking_closes, &b, &why),
                     ACT_CONFLICT);
    assert_int_equal(why, WHY_CLOSED);
    assert_int_equal(booking_book(e->db, e->a, &a, e->users[0], "t", a.booking_opens, &b, &why),
                     ACT_OK);
    /* cancellation: until cancel_until, not a second later */
    Booking c;
    assert_int_equal(
        booking_cancel(e->db, e->a, b.id, e->users[0], "t", a.cancel_until + 1, &c, &why),
        ACT_CONFLICT);
    assert_int_equal(why, WHY_DEADLINE);
    assert_int_equal(booking_cancel(e->db, e->a, b.id, e->users[0], "t", a.cancel_until, &c, &why),
                     ACT_OK);
}

static void test_checkin_close_and_figures(void **state)
{
    Env *e = need(state);
    int64_t starts = activity_local_time(2026, 9, 20, 15, 0), later = starts + 3 * 3600;
    Activity a = add_activity(e, "guidance_day", starts, 4, starts - 86400);
    Booking b[3];
    ActWhy why;
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            booking_book(e->db, e->a, &a, e->users[i], "t", starts - 5 * 3600, &b[i], &why),
            ACT_OK);
    /* a participant's check-in too early; an organiser's after the end is fine */
    Booking c;
    assert_int_equal(booking_checkin(e->db, e->a, b[0].id, 0, "p0", starts - 2 * 3600, &c, &why),
                     ACT_CONFLICT);
    assert_int_equal(why, WHY_TIME);
    assert_int_equal(booking_checkin(e->db, e->a, b[0].id, 0, "p0", starts + 60, &c, &why), ACT_OK);
    assert_string_equal(c.status, "attended");
    assert_string_equal(c.checked_in_by, "p0");
    assert_int_equal(c.checked_in_at, starts + 60);
    assert_int_equal(booking_checkin(e->db, e->a, b[1].id, 1, "org", later, &c, &why), ACT_OK);
    /* the school's households of September: two new, both guided */
    assert_float_equal(value_of(e, e->school, "parent_households_participating", "2026-09"), 2,
                       1e-9);
    assert_float_equal(value_of(e, e->school, "families_guided", "2026-09"), 2, 1e-9);
    /* an earlier attendance of p0 (in May) moves p0's first month from September to May */
    Activity may = add_activity(e, "parent_class", activity_local_time(2026, 5, 3, 10, 0), 5,
                                activity_local_time(2026, 5, 2, 10, 0));
    Booking m;
    assert_int_equal(booking_book(e->db, e->a, &may, e->users[0], "t", may.booking_opens, &m, &why),
                     ACT_OK);
    assert_int_equal(booking_checkin(e->db, e->a, m.id, 1, "org", may.starts_at, &c, &why), ACT_OK);
    assert_float_equal(value_of(e, e->school, "parent_households_participating", "2026-05"), 1,
                       1e-9);
    assert_float_equal(value_of(e, e->school, "parent_households_participating", "2026-09"), 1,
                       1e-9);
    /* guided stays in September: May's was no guidance day */
    assert_float_equal(value_of(e, e->school, "families_guided", "2026-09"), 2, 1e-9);
    assert_true(value_of(e, e->school, "families_guided", "2026-05") <= 0);
    assert_int_equal(activity_households_count(e->db, e->school,
                                               activity_local_time(2026, 1, 1, 0, 0),
                                               activity_local_time(2027, 1, 1, 0, 0),
                                               activity_local_time(2026, 9, 1, 0, 0),
                                               activity_local_time(2026, 10, 1, 0, 0), 0),
                     1);
    /* waiting and cancelled bookings cannot check in */
    assert_int_equal(booking_cancel(e->db, e->a, b[2].id, 0, "t", starts - 86400 - 60, &c, &why),
                     ACT_OK);
    assert_int_equal(booking_checkin(e->db, e->a, b[2].id, 1, "org", later, &c, &why),
                     ACT_CONFLICT);
    assert_int_equal(why, WHY_STATUS);
    /* close: not before the start; then done, 2 of 4 attended = 50 %: low participation */
    Activity now_a;
    assert_int_equal(activity_load(e->db, e->a, a.id, &now_a), 1);
    assert_int_equal(activity_close(e->db, e->a, &now_a, "org", starts - 1, &why), ACT_CONFLICT);
    assert_int_equal(why, WHY_NOT_STARTED);
    assert_int_equal(activity_close(e->db, e->a, &now_a, "org", later, &why), ACT_OK);
    assert_float_equal(value_of(e, e->school, "activities_held", "2026-09"), 1, 1e-9);
    assert_float_equal(value_of(e, e->school, "activities_low_participation", "2026-09"), 1, 1e-9);
    assert_int_equal(activity_load(e->db, e->a, a.id, &now_a), 1);
    assert_string_equal(now_a.status, "done");
    assert_int_equal(now_a.attended, 2);
    /* attendance is fixed: no check-in, no cancellation, no second close */
    assert_int_equal(booking_checkin(e->db, e->a, b[2].id, 1, "org", later, &c, &why),
                     ACT_CONFLICT);
    assert_int_equal(why, WHY_NOT_OPEN);
    assert_int_equal(activity_close(e->db, e->a, &now_a, "org", later, &why), ACT_CONFLICT);
    /* another activity that month with 3 of 4: 75 %, not low; the share is 1 of 2 */
    Activity a2 = add_activity(e, "culture_day", starts + 86400, 4, starts);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(booking_book(e->db, e->a, &a2, e->users[i], "t", starts + 60, &b[i], &why),
                         ACT_OK);
        assert_int_equal(booking_checkin(e->db, e->a, b[i].id, 1, "org", a2.starts_at, &c, &why),
                         ACT_OK);
    }
    assert_int_equal(activity_load(e->db, e->a, a2.id, &now_a), 1);
    assert_int_equal(activity_close(e->db, e->a, &now_a, "org", a2.ends_at, &why), ACT_OK);
    assert_float_equal(value_of(e, e->school, "activities_held", "2026-09"), 2, 1e-9);
    assert_float_equal(value_of(e, e->school, "activities_low_participation", "2026-09"), 1, 1e-9);
    /* p2's first attendance is the culture day: September's households now 2 (p1, p2) */
    assert_float_equal(value_of(e, e->school, "parent_households_participating", "2026-09"), 2,
                       1e-9);
}

static void test_cancel_activity(void **state)
{
    Env *e = need(state);
    int64_t starts = activity_local_time(2026, 11, 2, 15, 0);
    Activity a = add_activity(e, "study_tour", starts, 1, starts);
    Booking b[2];
    ActWhy why;
    for (int i = 0; i < 2; i++)
        assert_int_equal(
            booking_book(e->db, e->a, &a, e->users[i], "t", starts - 7200, &b[i], &why), ACT_OK);
    Activity now_a;
    assert_int_equal(activity_load(e->db, e->a, a.id, &now_a), 1);
    assert_int_equal(activity_cancel(e->db, e->a, &now_a, "org", starts - 3600, &why), ACT_OK);
    assert_int_equal(activity_load(e->db, e->a, a.id, &now_a), 1);
    assert_string_equal(now_a.status, "cancelled");
    assert_int_equal(now_a.booked, 0);
    Booking c;
    assert_int_equal(booking_load(e->db, e->a, b[1].id, &c), 1);
    assert_string_equal(c.status, "cancelled");
    assert_int_equal(booking_book(e->db, e->a, &now_a, e->users[3], "t", starts - 7200, &c, &why),
                     ACT_CONFLICT);
    assert_int_equal(why, WHY_NOT_OPEN);
    assert_int_equal(activity_cancel(e->db, e->a, &now_a, "org", starts, &why), ACT_CONFLICT);
}

/* ---- the demo's records tell the figures they feed ------------------------------------ */

static int demo_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    snprintf(e->path, sizeof e->path, "/tmp/huiju-activity-demo-XXXXXX");
    int fd = mkstemp(e->path);
    close(fd);
    char err[512] = "";
    e->db = db_open(e->path, err, sizeof err);
    e->a = arena_new();
    *state = e;
    if (!e->db || db_migrate(e->db, err, sizeof err) != DB_OK || access_sync(e->db) != DB_OK ||
        demo_load(e->db, 120, 7, err, sizeof err) != 0 || db_begin(e->db) != DB_OK ||
        indicators_load_standard(e->db, "system", err, sizeof err) < 0 ||
        db_commit(e->db) != DB_OK || demo_values_load(e->db, 7, err, sizeof err) != 0 ||
        activity_demo_load(e->db, 7, err, sizeof err) != 0) {
        fprintf(stderr, "demo_setup: %s\n", err[0] ? err : db_errmsg(e->db));
        return -1;
    }
    return 0;
}

static void test_demo_figures_match_records(void **state)
{
    Env *e = need(state);
    int last = demo_values_this_month(), first = demo_values_records_from(last);
    int64_t schools[2];
    assert_int_equal(
        db_int(e->db, &schools[0], "SELECT id FROM orgs WHERE code = '6531210001'", ""), 1);
    assert_int_equal(
        db_int(e->db, &schools[1], "SELECT id FROM orgs WHERE code = '6532210001'", ""), 1);
    for (int k = 0; k < 2; k++)
        for (int m = first; m <= last; m++) {
            int y = m / 12, mo = m % 12 + 1;
            char period[16];
            snprintf(period, sizeof period, "%04d-%02d", y, mo);
            int64_t yfrom = activity_local_time(y, 1, 1, 0, 0),
                    yto = activity_local_time(y + 1, 1, 1, 0, 0);
            int64_t from = activity_local_time(y, mo, 1, 0, 0),
                    to = mo == 12 ? yto : activity_local_time(y, mo + 1, 1, 0, 0);
            /* the households the live definition counts are the ones written */
            for (int g = 0; g < 2; g++) {
                int64_t n = activity_households_count(e->db, schools[k], yfrom, yto, from, to, g);
                double v =
                    value_of(e, schools[k],
                             g ? "families_guided" : "parent_households_participating", period);
                if ((double)n != v)
                    fail_msg("%s school %d %s: records %lld, figure %g",
                             g ? "guided" : "participating", k, period, (long long)n, v);
            }
            int64_t held = -1;
            assert_int_equal(
                db_int(e->db, &held,
                       "SELECT count(*) FROM activities WHERE org_id = ? AND status = 'done'"
                       " AND starts_at >= ? AND starts_at < ?",
                       "iii", schools[k], from, to),
                1);
            assert_float_equal(value_of(e, schools[k], "activities_held", period), (double)held,
                               1e-9);
        }
    /* capacity never below the seats held; booked = seats held */
    int64_t bad = -1;
    assert_int_equal(
        db_int(e->db, &bad,
               "SELECT count(*) FROM activities a WHERE a.booked <> (SELECT count(*) FROM"
               " bookings b WHERE b.activity_id = a.id AND b.status IN ('booked', 'attended'))",
               ""),
        1);
    assert_int_equal(bad, 0);
    /* parent2 waits for a full guidance day; both demo parents have upcoming bookings */
    assert_int_equal(db_int(e->db, &bad,
                            "SELECT count(*) FROM bookings b JOIN users u ON u.id = b.user_id"
                            " JOIN activities a ON a.id = b.activity_id WHERE u.login = 'parent2'"
                            " AND b.status = 'waiting' AND a.booked = a.capacity",
                            ""),
                     1);
    assert_int_equal(bad, 1);
}

#define DB_TESTS(prefix)                                                                           \
    cmocka_unit_test(test_capacity_waiting_promotion), cmocka_unit_test(test_window_and_deadline), \
        cmocka_unit_test(test_checkin_close_and_figures), cmocka_unit_test(test_cancel_activity)

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_window_cancel_checkin),
        cmocka_unit_test(test_participation_rule),
        cmocka_unit_test(test_near),
        cmocka_unit_test(test_time_text),
    };
    const struct CMUnitTest store[] = {DB_TESTS(x)};
    int failed = cmocka_run_group_tests_name("activity rules", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("activity store (SQLite)", store, sqlite_setup, teardown);
    failed += cmocka_run_group_tests_name("activity store (PostgreSQL)", store, pg_setup, teardown);
    const struct CMUnitTest demo[] = {cmocka_unit_test(test_demo_figures_match_records)};
    failed += cmocka_run_group_tests_name("activity demo (SQLite)", demo, demo_setup, teardown);
    return failed;
}
