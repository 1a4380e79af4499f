/* test_training.c — the training rules and the 1+N team checks (training.h,
 * team.h): the pure rules (hours, dates, shares and their marks, days, phone
 * numbers), then on a database the rule counts at a school, a county and the
 * region against a hand count, the figures they feed, and the working-day checks
 * (member, recipient school, date in the team's year and not in the future, 0.5
 * or 1 day, one day per teacher and date). Runs on SQLite, and on PostgreSQL too
 * when HUIJU_TEST_PG holds a postgres:// URL (its public schema is recreated). */
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
#include "feed.h"
#include "indicator.h"
#include "org.h"
#include "team.h"
#include "training.h"
#include "values.h"

/* ---- pure rules ------------------------------------------------------------------ */

static void test_hours_and_dates(void **state)
{
    (void)state;
    assert_true(training_hours_ok(0.1));
    assert_true(training_hours_ok(40));
    assert_true(training_hours_ok(12.5));
    assert_true(training_hours_ok(500));
    assert_false(training_hours_ok(0));
    assert_false(training_hours_ok(-1));
    assert_false(training_hours_ok(500.1));
    assert_false(training_hours_ok(12.25)); /* one decimal at most */
    double h;
    assert_true(training_hours_parse("12.5", &h));
    assert_true(h == 12.5);
    assert_true(training_hours_parse(" 8 ", &h));
    assert_true(h == 8);
    assert_false(training_hours_parse("12.55", &h));
    assert_false(training_hours_parse("abc", &h));
    assert_false(training_hours_parse("", &h));
    assert_false(training_hours_parse("0", &h));
    assert_false(training_hours_parse("1e3", &h));
    /* a day of the year, not after today */
    assert_true(training_date_ok("2025-03-14", 2025, "2025-06-30"));
    assert_true(training_date_ok("2025-06-30", 2025, "2025-06-30"));
    assert_false(training_date_ok("2025-07-01", 2025, "2025-06-30"));
    assert_false(training_date_ok("2024-12-31", 2025, "2025-06-30"));
    assert_false(training_date_ok("2025-02-30", 2025, "2025-06-30"));
    assert_false(training_date_ok("2025/03/14", 2025, "2025-06-30"));
    assert_true(training_category_ok("ethnic_counselling"));
    assert_true(training_category_ok("it"));
    assert_false(training_category_ok("IT"));
    assert_false(training_category_ok(NULL));
    assert_true(training_name_ok("李娜"));
    assert_false(training_name_ok("   "));
    assert_false(training_name_ok(""));
    assert_false(training_name_ok("a\x01"));
}

static void test_rules_and_shares(void **state)
{
    (void)state;
    /* compared in tenths: 39.9 + 0.1 is 40, exactly */
    assert_true(training_meets_ethnic(39.9 + 0.1));
    assert_false(training_meets_ethnic(39.9));
    assert_true(training_meets_ethnic(52));
    assert_true(training_meets_it(30));
    assert_false(training_meets_it(29.9));
    assert_true(training_share(3, 4) == 75.0);
    assert_true(training_share(0, 0) == 0);
    assert_int_equal(training_share_status(10, 10), STATUS_ON_TRACK);
    assert_int_equal(training_share_status(9, 10), STATUS_AT_RISK); /* 90 % */
    assert_int_equal(training_share_status(8, 10), STATUS_OFF_TRACK);
    assert_int_equal(training_share_status(0, 0), STATUS_NO_DATA);
    /* working days and the rule */
    assert_true(team_days_ok(1));
    assert_true(team_days_ok(0.5));
    assert_false(team_days_ok(0.25));
    assert_false(team_days_ok(2));
    assert_false(team_days_ok(0));
    assert_true(team_days_meet(40));
    assert_false(team_days_meet(39.5));
    assert_true(team_role_ok("subject_leader"));
    assert_true(team_role_ok("backbone"));
    assert_false(team_role_ok("leader"));
    /* an 11-digit mainland mobile number, or none */
    assert_true(liaison_phone_ok(""));
    assert_true(liaison_phone_ok("13912345678"));
    assert_false(liaison_phone_ok("12912345678"));
    assert_false(liaison_phone_ok("1391234567"));
    assert_false(liaison_phone_ok("139123456789"));
    assert_false(liaison_phone_ok("1391234567a"));
    assert_false(liaison_phone_ok(NULL));
}

/* ---- on a database ----------------------------------------------------------------- */

typedef struct Env {
    Db *db;
    Arena *a;
    char path[64];
    int64_t region, county, s1, s2, other, helper;
    const char *p1, *p2, *pother, *phelper;
} Env;

static int64_t add_org(Db *db, Arena *a, const char *code, const char *kind, const char *parent,
                       int helper, int recipient)
{
    Org o = {0}, par;
    o.code = code;
    o.kind = kind;
    o.name_zh = code;
    o.is_helper = helper;
    o.is_recipient = recipient;
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
    e->region = add_org(e->db, e->a, "650000", "region", NULL, 0, 0);
    add_org(e->db, e->a, "653100", "prefecture", "650000", 0, 0);
    e->county = add_org(e->db, e->a, "653121", "county", "653100", 0, 0);
    e->s1 = add_org(e->db, e->a, "6531210001", "school", "653121", 0, 1);
    e->s2 = add_org(e->db, e->a, "6531210002", "school", "653121", 0, 1);
    add_org(e->db, e->a, "653200", "prefecture", "650000", 0, 0);
    add_org(e->db, e->a, "653221", "county", "653200", 0, 0);
    e->other = add_org(e->db, e->a, "6532210001", "school", "653221", 0, 1);
    add_org(e->db, e->a, "650100", "prefecture", "650000", 0, 0);
    add_org(e->db, e->a, "650102", "county", "650100", 0, 0);
    e->helper = add_org(e->db, e->a, "6501020001", "school", "650102", 1, 0);
    assert_int_equal(db_commit(e->db), DB_OK);
    e->p1 = "/650000/653100/653121/6531210001/";
    e->p2 = "/650000/653100/653121/6531210002/";
    e->pother = "/650000/653200/653221/6532210001/";
    e->phelper = "/650000/650100/650102/6501020001/";
    return 0;
}

static int sqlite_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    snprintf(e->path, sizeof e->path, "/tmp/huiju-training-XXXXXX");
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

static int64_t teacher(Env *e, int64_t school, const char *path, const char *name)
{
    int rc;
    int64_t id = teacher_insert(e->db, "test", school, path, name, "数学", &rc);
    assert_int_equal(rc, DB_OK);
    assert_true(id > 0);
    return id;
}

static void record(Env *e, int64_t id, int64_t school, const char *path, int year, const char *cat,
                   double hours)
{
    Teacher t = {.id = id, .school_id = school, .school_path = path};
    char day[16];
    snprintf(day, sizeof day, "%d-05-%02d", year, 1 + (int)(hours * 10) % 28);
    int rc;
    assert_true(training_record_insert(e->db, "test", &t, year, cat, hours, "培训", "", day, &rc) >
                0);
    assert_int_equal(rc, DB_OK);
}

/* The figure of a raw indicator at an organisation for a year. */
static double figure(Env *e, const char *code, int64_t org, const char *year)
{
    Indicator ind;
    assert_int_equal(indicator_load(e->db, e->a, code, &ind), 1);
    Period p;
    assert_true(period_parse(year, &p));
    Figure f;
    assert_int_equal(value_read(e->db, e->a, &ind, org, &p, &f), 0);
    return f.has ? f.value : -1;
}

static void test_rule_counts(void **state)
{
    Env *e = need(state);
    assert_int_equal(db_begin(e->db), DB_OK);
    /* school 1: a meets both (40 + 30), b meets ethnic only (39.9 + 0.1, 29.9), c has
     * nothing, d left the school (meets both but does not count); 2024 hours do not count */
    int64_t a = teacher(e, e->s1, e->p1, "甲"), b = teacher(e, e->s1, e->p1, "乙");
    int64_t c = teacher(e, e->s1, e->p1, "丙"), d = teacher(e, e->s1, e->p1, "丁");
    record(e, a, e->s1, e->p1, 2025, "ethnic_counselling", 24);
    record(e, a, e->s1, e->p1, 2025, "ethnic_counselling", 16);
    record(e, a, e->s1, e->p1, 2025, "it", 30);
    record(e, b, e->s1, e->p1, 2025, "ethnic_counselling", 39.9);
    record(e, b, e->s1, e->p1, 2025, "ethnic_counselling", 0.1);
    record(e, b, e->s1, e->p1, 2025, "it", 29.9);
    record(e, b, e->s1, e->p1, 2025, "subject", 50); /* another category helps neither */
    record(e, c, e->s1, e->p1, 2024, "ethnic_counselling", 60);
    record(e, d, e->s1, e->p1, 2025, "ethnic_counselling", 40);
    record(e, d, e->s1, e->p1, 2025, "it", 30);
    assert_int_equal(db_run(e->db, "UPDATE teachers SET active = 0 WHERE id = ?", "i", d), DB_OK);
    /* school 2: one teacher meeting IT only; the other county's school: one meeting both */
    int64_t x = teacher(e, e->s2, e->p2, "戊");
    record(e, x, e->s2, e->p2, 2025, "it", 35.5);
    int64_t y = teacher(e, e->other, e->pother, "己");
    record(e, y, e->other, e->pother, 2025, "ethnic_counselling", 41);
    record(e, y, e->other, e->pother, 2025, "it", 31);
    assert_int_equal(db_commit(e->db), DB_OK);

    TrainingCounts k;
    assert_int_equal(training_counts(e->db, e->p1, 2025, &k), 0);
    assert_int_equal(k.teachers, 3);  /* a, b, c */
    assert_int_equal(k.ethnic_ok, 2); /* a, b */
    assert_int_equal(k.it_ok, 1);     /* a */
    assert_int_equal(k.both_ok, 1);
    assert_int_equal(training_counts(e->db, "/650000/653100/653121/", 2025, &k), 0);
    assert_int_equal(k.teachers, 4);
    assert_int_equal(k.ethnic_ok, 2);
    assert_int_equal(k.it_ok, 2);
    assert_int_equal(training_counts(e->db, "/650000/", 2025, &k), 0);
    assert_int_equal(k.teachers, 5);
    assert_int_equal(k.ethnic_ok, 3);
    assert_int_equal(k.it_ok, 3);
    assert_int_equal(training_counts(e->db, e->p1, 2024, &k), 0);
    assert_int_equal(k.ethnic_ok, 1); /* c, in 2024 */

    /* who falls short at school 1: b (IT) and c (both) */
    TeacherHours *h;
    int more;
    int n = training_teacher_hours(e->db, e->a, e->p1, 2025, 1, 100, &h, &more);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        assert_true(h[i].id == b || h[i].id == c);
        if (h[i].id == b) {
            assert_true(h[i].ethnic_ok);
            assert_false(h[i].it_ok);
            assert_true(h[i].ethnic > 39.99 && h[i].ethnic < 40.01);
            assert_true(h[i].subject_h == 50);
        }
    }

    /* the figures: per school, rolled up by the value store; both feeds agree */
    assert_int_equal(db_begin(e->db), DB_OK);
    FeedBatch *f = feed_begin(e->db, "test");
    assert_int_equal(training_feed_school(f, e->db, e->s1, 2025), 0);
    assert_int_equal(training_feed_school(f, e->db, e->s2, 2025), 0);
    assert_int_equal(training_feed_school(f, e->db, e->other, 2025), 0);
    char err[256];
    assert_int_equal(feed_end(f, "test.feed", "t", NULL, err, sizeof err), 0);
    assert_int_equal(db_commit(e->db), DB_OK);
    assert_true(figure(e, "teachers_in_registry", e->s1, "2025") == 3);
    assert_true(figure(e, "teachers_ethnic_40h", e->county, "2025") == 2);
    assert_true(figure(e, "teachers_it_30h", e->region, "2025") == 3);
    assert_true(figure(e, "teachers_in_registry", e->region, "2025") == 5);
    assert_int_equal(db_begin(e->db), DB_OK);
    f = feed_begin(e->db, "test");
    assert_int_equal(training_feed_all(f, e->db, 2025), 0);
    assert_int_equal(feed_end(f, "test.feed", "t", NULL, err, sizeof err), 0);
    assert_int_equal(db_commit(e->db), DB_OK);
    assert_true(figure(e, "teachers_in_registry", e->region, "2025") == 5);
    assert_true(figure(e, "teachers_ethnic_40h", e->region, "2025") == 3);
    assert_true(figure(e, "teachers_it_30h", e->county, "2025") == 2);
    assert_true(figure(e, "teachers_in_registry", e->helper, "2025") == 0);
}

static void test_working_days(void **state)
{
    Env *e = need(state);
    assert_int_equal(db_begin(e->db), DB_OK);
    int64_t lead = teacher(e, e->helper, e->phelper, "带头人");
    int64_t bb = teacher(e, e->helper, e->phelper, "骨干");
    int64_t outsider = teacher(e, e->helper, e->phelper, "未入队");
    int64_t team = 0;
    assert_int_equal(db_int(e->db, &team,
                            "INSERT INTO teams(helping_school_id, year, name, created_by,"
                            " created_at) VALUES (?, 2025, '团队', 'test', 0) RETURNING id",
                            "i", e->helper),
                     1);
    assert_int_equal(db_run(e->db,
                            "INSERT INTO team_members(team_id, teacher_id, role)"
                            " VALUES (?, ?, 'backbone')",
                            "ii", team, bb),
                     DB_OK);
    assert_int_equal(db_commit(e->db), DB_OK);
    Team t;
    assert_int_equal(team_load(e->db, e->a, team, &t), 1);
    TeamCounts c;
    assert_int_equal(team_counts(e->db, team, &c), 0);
    assert_int_equal(c.members, 1);
    assert_non_null(team_rule_problem(&c)); /* no subject leader yet */
    assert_int_equal(db_run(e->db,
                            "INSERT INTO team_members(team_id, teacher_id, role)"
                            " VALUES (?, ?, 'subject_leader')",
                            "ii", team, lead),
                     DB_OK);
    assert_int_equal(team_counts(e->db, team, &c), 0);
    assert_null(team_rule_problem(&c));

    const char *today = "2025-06-30";
    struct {
        int64_t teacher;
        const char *school, *day;
        double days;
        const char *field; /* NULL: fine */
    } cases[] = {
        {bb, "6531210001", "2025-03-03", 1, NULL},
        {outsider, "6531210001", "2025-03-03", 1, "teacher"}, /* not a member */
        {bb, "6501020001", "2025-03-03", 1, "school"},        /* the helping school itself */
        {bb, "650102", "2025-03-03", 1, "school"},            /* not a school */
        {bb, "9999999999", "2025-03-03", 1, "school"},        /* no such school */
        {bb, "6531210001", "2024-12-31", 1, "worked_on"},     /* another year */
        {bb, "6531210001", "2025-07-01", 1, "worked_on"},     /* in the future */
        {bb, "6531210001", "2025-02-30", 1, "worked_on"},     /* not a date */
        {bb, "6531210001", "2025-03-03", 0.7, "days"},
        {bb, "6531210001", "2025-03-03", 0, "days"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TeamDayInput in = {.teacher_id = cases[i].teacher,
                           .school = cases[i].school,
                           .worked_on = cases[i].day,
                           .days = cases[i].days};
        int64_t sid = 0;
        const char *spath = NULL, *why = NULL;
        const char *field = team_day_check(e->db, e->a, &t, &in, today, &sid, &spath, &why);
        if (!cases[i].field) {
            assert_null(field);
            assert_int_equal(sid, e->s1);
        } else {
            assert_non_null(field);
            assert_string_equal(field, cases[i].field);
            assert_non_null(why);
        }
    }
    /* 39 whole days and a half: short; one more half day: meets */
    char day[16];
    for (int k = 0; k < 40; k++) {
        snprintf(day, sizeof day, "2025-%02d-%02d", 1 + k / 20, 1 + k % 20);
        TeamDayInput in = {.teacher_id = bb,
                           .school = k % 2 ? "6531210002" : "6531210001",
                           .worked_on = day,
                           .days = k == 39 ? 0.5 : 1};
        int64_t sid;
        const char *spath, *why;
        assert_null(team_day_check(e->db, e->a, &t, &in, today, &sid, &spath, &why));
        assert_int_equal(db_begin(e->db), DB_OK);
        int rc;
        assert_true(team_day_insert(e->db, "test", &t, &in, sid, spath, &rc) > 0);
        assert_int_equal(rc, DB_OK);
        assert_int_equal(db_commit(e->db), DB_OK);
    }
    assert_int_equal(team_counts(e->db, team, &c), 0);
    assert_true(c.days == 39.5);
    assert_int_equal(c.members_40, 0);
    assert_int_equal(c.backbone_dispatched, 1);
    /* the same teacher twice on one date: refused by the store (the API's 409) */
    TeamDayInput again = {
        .teacher_id = bb, .school = "6531210002", .worked_on = "2025-01-01", .days = 0.5};
    int64_t sid;
    const char *spath, *why;
    assert_null(team_day_check(e->db, e->a, &t, &again, today, &sid, &spath, &why));
    assert_int_equal(db_begin(e->db), DB_OK);
    int rc;
    assert_int_equal(team_day_insert(e->db, "test", &t, &again, sid, spath, &rc), 0);
    assert_int_equal(rc, DB_CONSTRAINT);
    db_rollback(e->db);
    again.worked_on = "2025-04-01";
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_true(team_day_insert(e->db, "test", &t, &again, sid, spath, &rc) > 0);
    assert_int_equal(db_commit(e->db), DB_OK);
    assert_int_equal(team_counts(e->db, team, &c), 0);
    assert_int_equal(c.members_40, 1);
    /* the figures of the helping school, and the member lists seen through units */
    assert_true(figure(e, "team_members", e->helper, "2025") == 2);
    assert_true(figure(e, "team_members_40_days", e->region, "2025") == 1);
    assert_true(figure(e, "backbone_teachers_dispatched", e->helper, "2025") == 1);
    int64_t members, short_members;
    assert_int_equal(
        team_member_counts(e->db, "/650000/653100/653121/", 2025, &members, &short_members), 0);
    assert_int_equal(members, 2);       /* the team worked in 653121: the county sees it */
    assert_int_equal(short_members, 1); /* the subject leader has no day */
    assert_int_equal(team_member_counts(e->db, "/650000/653200/", 2025, &members, &short_members),
                     0);
    assert_int_equal(members, 0); /* not in 653200 */
    assert_int_equal(team_member_counts(e->db, e->phelper, 2025, &members, &short_members), 0);
    assert_int_equal(members, 2); /* the helping school's own units see it */
}

static void test_liaison_counts(void **state)
{
    Env *e = need(state);
    for (int i = 0; i < 4; i++)
        assert_int_equal(db_run(e->db,
                                "INSERT INTO liaison_officers(school_id, name, phone, since,"
                                " active, created_by, created_at) VALUES (?, ?, '', '2025-01-01',"
                                " ?, 'test', 0)",
                                "isi", i < 3 ? e->s1 : e->s2, "联络员", (int64_t)(i != 1)),
                         DB_OK);
    int64_t schools, short_schools;
    assert_int_equal(liaison_counts(e->db, "/650000/653100/653121/", &schools, &short_schools), 0);
    assert_int_equal(schools, 2);
    assert_int_equal(short_schools, 2); /* s1 has 2 active (one left), s2 has 1 */
    LiaisonCount *l;
    int more;
    int n = liaison_school_counts(e->db, e->a, "/650000/", 1, 10, &l, &more);
    assert_int_equal(n, 3); /* s1, s2 and the other county's school with none */
    assert_int_equal(l[0].active, 2);
    assert_int_equal(db_run(e->db,
                            "INSERT INTO liaison_officers(school_id, name, phone, since, active,"
                            " created_by, created_at) VALUES (?, '三', '', '2025-01-01', 1,"
                            " 'test', 0)",
                            "i", e->s1),
                     DB_OK);
    assert_int_equal(liaison_counts(e->db, e->p1, &schools, &short_schools), 0);
    assert_int_equal(short_schools, 0);
    assert_int_equal(db_begin(e->db), DB_OK);
    FeedBatch *f = feed_begin(e->db, "test");
    assert_int_equal(liaison_feed_school(f, e->db, e->s1, 2025), 0);
    assert_int_equal(liaison_feed_school(f, e->db, e->s1, 2024), 0);
    char err[256];
    assert_int_equal(feed_end(f, "test.feed", "t", NULL, err, sizeof err), 0);
    assert_int_equal(db_commit(e->db), DB_OK);
    assert_true(figure(e, "liaison_officers", e->s1, "2025") == 3);
    assert_true(figure(e, "liaison_officers", e->s1, "2024") == 0); /* since 2025 */
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest pure[] = {cmocka_unit_test(test_hours_and_dates),
                                      cmocka_unit_test(test_rules_and_shares)};
    const struct CMUnitTest db[] = {
        cmocka_unit_test(test_rule_counts),
        cmocka_unit_test(test_working_days),
        cmocka_unit_test(test_liaison_counts),
    };
    int fails = cmocka_run_group_tests_name("training rules", pure, NULL, NULL);
    fails += cmocka_run_group_tests_name("training on SQLite", db, sqlite_setup, teardown);
    fails += cmocka_run_group_tests_name("training on PostgreSQL", db, pg_setup, teardown);
    return fails ? 1 : 0;
}
