/* test_target.c — the status rule of targets (core/status.c) on many cases, the
 * checks and phases of target input (target.c), and the plan template loader
 * (plan.c) on a real SQLite file: the embedded plan, a reload that changes
 * nothing, and malformed files reported by line and column with nothing written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/embedded.h"
#include "core/status.h"
#include "db/db.h"
#include "demo.h"
#include "indicator.h"
#include "target.h"

#define M(y, m) ((y) * 12 + (m) - 1) /* month index of year y, month m */

/* A trajectory from baseline (year by) to target (year ty), both at year end. */
static Trajectory traj(TargetDir d, double b, int by, double t, int ty)
{
    Trajectory tr = {.dir = d, .has_baseline = 1, .has_target = 1, .baseline = b,
                     .target = t, .baseline_month = M(by, 12), .deadline_month = M(ty, 12)};
    return tr;
}

/* A floor or ceiling rule without baseline, due every year. */
static Trajectory rule(TargetDir d, double x)
{
    Trajectory tr = {.dir = d, .has_target = 1, .target = x, .deadline_month = -1};
    return tr;
}

static void test_expected_interpolates_and_clamps(void **state)
{
    (void)state;
    Trajectory t = traj(DIR_UP, 30, 2023, 70, 2025); /* 24 months, 40 points */
    assert_float_equal(status_expected(&t, M(2023, 12)), 30, 1e-9);
    assert_float_equal(status_expected(&t, M(2024, 12)), 50, 1e-9); /* half way */
    assert_float_equal(status_expected(&t, M(2024, 6)), 30 + 40.0 * 6 / 24, 1e-9);
    assert_float_equal(status_expected(&t, M(2020, 1)), 30, 1e-9); /* before: baseline */
    assert_float_equal(status_expected(&t, M(2027, 1)), 70, 1e-9); /* after: target */
    Trajectory d = traj(DIR_DOWN, 34, 2022, 15, 2028);            /* 72 months */
    assert_float_equal(status_expected(&d, M(2026, 12)), 34 - 19.0 * 48 / 72, 1e-9);
}

static void test_up_on_track_at_and_above_expected(void **state)
{
    (void)state;
    Trajectory t = traj(DIR_UP, 30, 2023, 70, 2025);
    double e = 0;
    assert_int_equal(status_rule(&t, 1, 50, M(2024, 12), &e), STATUS_ON_TRACK);
    assert_float_equal(e, 50, 1e-9);
    assert_int_equal(status_rule(&t, 1, 55, M(2024, 12), NULL), STATUS_ON_TRACK);
}

static void test_up_at_risk_from_80_percent_of_gain(void **state)
{
    (void)state;
    Trajectory t = traj(DIR_UP, 30, 2023, 70, 2025); /* expected 50 at 2024-12: gain 20 */
    assert_int_equal(status_rule(&t, 1, 46, M(2024, 12), NULL), STATUS_AT_RISK); /* exactly 80 % */
    assert_int_equal(status_rule(&t, 1, 49.9, M(2024, 12), NULL), STATUS_AT_RISK);
    assert_int_equal(status_rule(&t, 1, 45.9, M(2024, 12), NULL), STATUS_OFF_TRACK);
    assert_int_equal(status_rule(&t, 1, 25, M(2024, 12), NULL), STATUS_OFF_TRACK); /* below baseline */
}

static void test_up_target_reached_is_on_track(void **state)
{
    (void)state;
    Trajectory t = traj(DIR_UP, 30, 2023, 70, 2025);
    assert_int_equal(status_rule(&t, 1, 70, M(2024, 1), NULL), STATUS_ON_TRACK);
    assert_int_equal(status_rule(&t, 1, 95, M(2024, 1), NULL), STATUS_ON_TRACK);
}

static void test_deadline_passed_asks_for_the_target(void **state)
{
    (void)state;
    Trajectory t = traj(DIR_UP, 30, 2023, 70, 2025);
    double e = 0;
    /* after the deadline expected is the target: 62 is 80 % of the 40-point gain */
    assert_int_equal(status_rule(&t, 1, 62, M(2026, 12), &e), STATUS_AT_RISK);
    assert_float_equal(e, 70, 1e-9);
    assert_int_equal(status_rule(&t, 1, 61.9, M(2026, 12), NULL), STATUS_OFF_TRACK);
    assert_int_equal(status_rule(&t, 1, 70, M(2030, 1), NULL), STATUS_ON_TRACK);
}

static void test_down_mirrors_up(void **state)
{
    (void)state;
    Trajectory t = traj(DIR_DOWN, 34, 2022, 15, 2028); /* expected at 2026-12: 21.33 */
    double e = 0;
    assert_int_equal(status_rule(&t, 1, 21, M(2026, 12), &e), STATUS_ON_TRACK);
    assert_float_equal(e, 34 - 19.0 * 48 / 72, 1e-9);
    /* 80 % of the expected fall (12.67) is 10.13: at risk down to 23.87 */
    assert_int_equal(status_rule(&t, 1, 23.8, M(2026, 12), NULL), STATUS_AT_RISK);
    assert_int_equal(status_rule(&t, 1, 24, M(2026, 12), NULL), STATUS_OFF_TRACK);
    assert_int_equal(status_rule(&t, 1, 40, M(2026, 12), NULL), STATUS_OFF_TRACK);
    assert_int_equal(status_rule(&t, 1, 14, M(2023, 1), NULL), STATUS_ON_TRACK); /* below target */
}

static void test_min_rule(void **state)
{
    (void)state;
    Trajectory t = rule(DIR_MIN, 40); /* ≥ 40 hours a year */
    double e = 0;
    assert_int_equal(status_rule(&t, 1, 40, M(2026, 3), &e), STATUS_ON_TRACK);
    assert_float_equal(e, 40, 1e-9);
    assert_int_equal(status_rule(&t, 1, 36, M(2026, 3), NULL), STATUS_AT_RISK); /* 0.9 X */
    assert_int_equal(status_rule(&t, 1, 35.9, M(2026, 3), NULL), STATUS_OFF_TRACK);
}

static void test_max_rule(void **state)
{
    (void)state;
    Trajectory t = rule(DIR_MAX, 1); /* dropout ≤ 1 % */
    assert_int_equal(status_rule(&t, 1, 0.4, M(2026, 3), NULL), STATUS_ON_TRACK);
    assert_int_equal(status_rule(&t, 1, 1, M(2026, 3), NULL), STATUS_ON_TRACK);
    assert_int_equal(status_rule(&t, 1, 1.1, M(2026, 3), NULL), STATUS_AT_RISK); /* 1.1 X */
    assert_int_equal(status_rule(&t, 1, 1.2, M(2026, 3), NULL), STATUS_OFF_TRACK);
}

static void test_min_with_dated_deadline_follows_the_trajectory(void **state)
{
    (void)state;
    Trajectory t = traj(DIR_MIN, 0, 2023, 50, 2025); /* 50 helping schools by 2025 */
    double e = 0;
    assert_int_equal(status_rule(&t, 1, 25, M(2024, 12), &e), STATUS_ON_TRACK);
    assert_float_equal(e, 25, 1e-9);
    assert_int_equal(status_rule(&t, 1, 23, M(2024, 12), NULL), STATUS_AT_RISK);
    assert_int_equal(status_rule(&t, 1, 44, M(2026, 6), NULL), STATUS_OFF_TRACK); /* < 45 */
}

static void test_no_baseline_up_is_a_floor(void **state)
{
    (void)state;
    /* community_resource_utilisation: up, no baseline, 60 % by 2025 */
    Trajectory t = {.dir = DIR_UP, .has_target = 1, .target = 60, .deadline_month = M(2025, 12)};
    double e = 0;
    assert_int_equal(status_rule(&t, 1, 61, M(2024, 6), &e), STATUS_ON_TRACK);
    assert_float_equal(e, 60, 1e-9);
    assert_int_equal(status_rule(&t, 1, 54, M(2024, 6), NULL), STATUS_AT_RISK);
    assert_int_equal(status_rule(&t, 1, 53.9, M(2024, 6), NULL), STATUS_OFF_TRACK);
}

static void test_no_baseline_down_is_a_ceiling(void **state)
{
    (void)state;
    Trajectory t = {.dir = DIR_DOWN, .has_target = 1, .target = 10, .deadline_month = M(2026, 12)};
    assert_int_equal(status_rule(&t, 1, 10, M(2025, 1), NULL), STATUS_ON_TRACK);
    assert_int_equal(status_rule(&t, 1, 11, M(2025, 1), NULL), STATUS_AT_RISK);
    assert_int_equal(status_rule(&t, 1, 11.1, M(2025, 1), NULL), STATUS_OFF_TRACK);
}

static void test_zero_span(void **state)
{
    (void)state;
    /* baseline and deadline in the same period: the target applies from its end */
    Trajectory t = traj(DIR_UP, 2000, 2023, 2000, 2023);
    double e = 0;
    assert_int_equal(status_rule(&t, 1, 2000, M(2024, 1), &e), STATUS_ON_TRACK);
    assert_float_equal(e, 2000, 1e-9);
    assert_int_equal(status_rule(&t, 1, 1900, M(2024, 1), NULL), STATUS_OFF_TRACK);
    Trajectory u = traj(DIR_UP, 10, 2024, 20, 2024);
    assert_float_equal(status_expected(&u, M(2024, 6)), 10, 1e-9); /* before its end */
    assert_float_equal(status_expected(&u, M(2024, 12)), 20, 1e-9);
    /* a deadline before the baseline (bad data) does not divide by a negative span */
    Trajectory v = traj(DIR_DOWN, 30, 2026, 20, 2025);
    assert_float_equal(status_expected(&v, M(2026, 12)), 20, 1e-9);
}

static void test_no_data(void **state)
{
    (void)state;
    Trajectory t = traj(DIR_UP, 30, 2023, 70, 2025);
    double e = -1;
    assert_int_equal(status_rule(&t, 0, 0, M(2024, 12), &e), STATUS_NO_DATA);
    assert_float_equal(e, 50, 1e-9); /* expected is still given */
    Trajectory none = {.dir = DIR_UP, .has_baseline = 1, .baseline = 15, .deadline_month = -1};
    assert_int_equal(status_rule(&none, 1, 20, M(2024, 12), &e), STATUS_NO_DATA); /* no target */
    assert_float_equal(e, 0, 1e-9);
}

static void test_gain_target_counts_points(void **state)
{
    (void)state;
    /* teacher_qualification_rate: +15 points from 2023 to 2026; the caller passes the gain */
    Trajectory t = traj(DIR_UP, 0, 2023, 15, 2026);
    assert_int_equal(status_rule(&t, 1, 10, M(2025, 12), NULL), STATUS_ON_TRACK); /* expected 10 */
    assert_int_equal(status_rule(&t, 1, 8, M(2025, 12), NULL), STATUS_AT_RISK);
    assert_int_equal(status_rule(&t, 1, -1, M(2025, 12), NULL), STATUS_OFF_TRACK); /* fell */
}

static void test_names_and_labels(void **state)
{
    (void)state;
    assert_string_equal(status_name(STATUS_ON_TRACK), "on_track");
    assert_string_equal(status_name(STATUS_AT_RISK), "at_risk");
    assert_string_equal(status_name(STATUS_OFF_TRACK), "off_track");
    assert_string_equal(status_name(STATUS_NO_DATA), "no_data");
    assert_int_equal(status_from_name("off_track"), STATUS_OFF_TRACK);
    assert_int_equal(status_from_name("late"), -1);
    assert_int_equal(status_from_name(NULL), -1);
    assert_string_equal(target_status_label(STATUS_AT_RISK), "At risk");
    assert_string_equal(target_status_name(STATUS_NO_DATA), "no_data");
    int ok;
    assert_int_equal(status_dir_from("max", &ok), DIR_MAX);
    assert_true(ok);
    status_dir_from("sideways", &ok);
    assert_false(ok);
}

static void test_target_status_from_target(void **state)
{
    (void)state;
    Target t = {.direction = "down", .has_baseline = 1, .baseline = 34, .baseline_period = "2022",
                .has_target = 1, .target = 15, .target_period = "2028"};
    Figure f = {.has = 1, .value = 21};
    double e = 0;
    assert_int_equal(target_status(&t, &f, M(2026, 12), &e), STATUS_ON_TRACK);
    assert_float_equal(e, 34 - 19.0 * 48 / 72, 1e-9);
    f.has = 0;
    assert_int_equal(target_status(&t, &f, M(2026, 12), NULL), STATUS_NO_DATA);
    Target y = {.direction = "min", .has_target = 1, .target = 40, .target_period = "yearly"};
    f = (Figure){.has = 1, .value = 37};
    assert_int_equal(target_status(&y, &f, M(2026, 12), NULL), STATUS_AT_RISK);
}

static void test_phases(void **state)
{
    (void)state;
    assert_string_equal(target_phase_of("2024Q2", M(2026, 5)), "base");
    assert_string_equal(target_phase_of("2022", M(2026, 5)), "base");
    assert_string_equal(target_phase_of("2025", M(2026, 5)), "deepening");
    assert_string_equal(target_phase_of("2026-11", M(2026, 5)), "deepening");
    assert_string_equal(target_phase_of("2027", M(2026, 5)), "consolidation");
    assert_string_equal(target_phase_of("2028", M(2026, 5)), "consolidation");
    assert_string_equal(target_phase_of("yearly", M(2024, 5)), "base");
    assert_string_equal(target_phase_of("always", M(2026, 5)), "deepening");
    assert_string_equal(target_phase_of("yearly", M(2028, 1)), "consolidation");
}

static void test_milestones(void **state)
{
    (void)state;
    Target t = {.direction = "up", .has_target = 1, .target = 70, .target_period = "2025"};
    TargetEval ev = {.has_actual = 1, .actual = 72};
    assert_string_equal(target_milestone(&t, &ev, M(2026, 3)), "done");
    ev.actual = 60;
    assert_string_equal(target_milestone(&t, &ev, M(2026, 3)), "late");
    assert_string_equal(target_milestone(&t, &ev, M(2025, 12)), "upcoming"); /* its last month */
    ev.has_actual = 0;
    assert_string_equal(target_milestone(&t, &ev, M(2026, 3)), "late");
    Target d = {.direction = "max", .has_target = 1, .target = 1, .target_period = "2028"};
    TargetEval low = {.has_actual = 1, .actual = 0.8};
    assert_string_equal(target_milestone(&d, &low, M(2026, 3)), "done");
}

static void test_check_input(void **state)
{
    (void)state;
    const char *field = NULL;
    TargetInput ok = {.code = "arts_gap_653121", .name_zh = "缺口", .unit = "%",
                      .direction = "down", .has_baseline = 1, .baseline = 34,
                      .baseline_period = "2022", .has_target = 1, .target = 15,
                      .target_period = "2028"};
    assert_null(target_check(&ok, M(2026, 5), &field));
    assert_string_equal(ok.kind, "rate");              /* from the unit */
    assert_string_equal(ok.phase, "consolidation");    /* from the deadline */
    assert_string_equal(ok.applies_to, "region");
    TargetInput in = ok;
    in.code = "Bad Code";
    assert_non_null(target_check(&in, M(2026, 5), &field));
    assert_string_equal(field, "code");
    in = ok;
    in.direction = "sideways";
    assert_non_null(target_check(&in, M(2026, 5), &field));
    assert_string_equal(field, "direction");
    in = ok;
    in.target_period = "2028Q5";
    assert_non_null(target_check(&in, M(2026, 5), &field));
    assert_string_equal(field, "target_period");
    in = ok;
    in.baseline_period = NULL;
    assert_non_null(target_check(&in, M(2026, 5), &field));
    assert_string_equal(field, "baseline_period");
    in = ok;
    in.baseline_period = "2029";
    assert_non_null(target_check(&in, M(2026, 5), &field));
    assert_string_equal(field, "baseline_period");
    in = ok;
    in.target = 40; /* lower is better, but the target is above the baseline */
    assert_non_null(target_check(&in, M(2026, 5), &field));
    assert_string_equal(field, "target");
    in = ok;
    in.phase = "later";
    assert_non_null(target_check(&in, M(2026, 5), &field));
    assert_string_equal(field, "phase");
    in = ok;
    in.name_zh = "";
    assert_non_null(target_check(&in, M(2026, 5), &field));
    assert_string_equal(field, "name_zh");
}

/* ---- the plan loader on a real database ---------------------------------------- */

typedef struct Scratch {
    char dir[64];
    Db *db;
} Scratch;

static int scratch_setup(void **state)
{
    Scratch *s = calloc(1, sizeof *s);
    char url[128], err[512];
    snprintf(s->dir, sizeof s->dir, "/tmp/test_target.XXXXXX");
    if (!mkdtemp(s->dir)) return -1;
    snprintf(url, sizeof url, "sqlite:%s/huiju.db", s->dir);
    s->db = db_open(url, err, sizeof err);
    if (!s->db || db_migrate(s->db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "scratch: %s\n", err);
        return -1;
    }
    /* a small region and the standard indicators */
    if (demo_load(s->db, 20, 1, err, sizeof err)) {
        fprintf(stderr, "demo_load: %s\n", err);
        return -1;
    }
    if (db_begin(s->db) != DB_OK || indicators_load_standard(s->db, "test", err, sizeof err) < 0 ||
        db_commit(s->db) != DB_OK) {
        fprintf(stderr, "indicators: %s\n", err);
        return -1;
    }
    *state = s;
    return 0;
}

static int scratch_teardown(void **state)
{
    Scratch *s = *state;
    static const char *const files[] = {"huiju.db", "huiju.db-wal", "huiju.db-shm",
                                        "huiju.db-journal"};
    db_close(s->db);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", s->dir, files[i]);
        unlink(p);
    }
    rmdir(s->dir);
    free(s);
    return 0;
}

static int64_t count(Db *db, const char *sql)
{
    int64_t v = -1;
    if (db_int(db, &v, sql, "") != 1) fail_msg("%s: %s", sql, db_errmsg(db));
    return v;
}

/* Loads text (NULL: the embedded plan) in one transaction, committed only on success. */
static int load(Db *db, const char *text, char *err, size_t errlen)
{
    err[0] = 0;
    assert_int_equal(db_begin(db), DB_OK);
    int n = plan_load(db, "test", text, text ? strlen(text) : 0, err, errlen);
    if (n < 0) db_rollback(db);
    else assert_int_equal(db_commit(db), DB_OK);
    return n;
}

static const char HEADER[] =
    "key,name_zh,name_en,unit,kind,direction,baseline,baseline_period,target,target_period,"
    "applies_to,seed_section\n";

static void test_plan_loads_embedded_file(void **state)
{
    Scratch *s = *state;
    char err[512];
    const EmbeddedFile *f = embedded_find("data/plan-targets.csv");
    assert_non_null(f);
    int lines = 0;
    for (size_t i = 0; i < f->size; i++) lines += f->data[i] == '\n';
    int n = load(s->db, NULL, err, sizeof err);
    assert_int_equal(n, lines - 1); /* every row but the header */
    assert_int_equal(count(s->db, "SELECT count(*) FROM targets"), n);
    /* scoped at the root, linked where an indicator exists, aliases included */
    assert_int_equal(count(s->db, "SELECT count(*) FROM targets t JOIN orgs o ON o.id ="
                                  " t.scope_org_id WHERE o.parent_id IS NOT NULL"),
                     0);
    Arena *a = arena_new();
    Target t;
    assert_int_equal(target_load(s->db, a, "regional_rank_gain", &t), 1);
    assert_string_equal(t.indicator_code, "regional_rank");
    assert_int_equal(t.gain, -1);
    assert_int_equal(target_load(s->db, a, "parent_participation_rate_long", &t), 1);
    assert_string_equal(t.indicator_code, "parent_participation_rate");
    assert_string_equal(t.phase, "consolidation");
    assert_int_equal(target_load(s->db, a, "teacher_qualification_rate", &t), 1);
    assert_int_equal(t.gain, 1);
    assert_int_equal(target_load(s->db, a, "backbone_teachers_dispatched", &t), 1);
    assert_string_equal(t.indicator_code, "backbone_teachers_dispatched"); /* fed from teams */
    assert_string_equal(t.phase, "base");
    assert_int_equal(target_load(s->db, a, "key_projects_launched", &t), 1);
    assert_null(t.indicator_code); /* nothing measures it yet */
    assert_int_equal(target_load(s->db, a, "region_media_share", &t), 1);
    assert_false(t.has_target);
    arena_free(a);
    /* a second load changes nothing and writes no audit record */
    int64_t audit = count(s->db, "SELECT count(*) FROM audit");
    assert_int_equal(load(s->db, NULL, err, sizeof err), n);
    assert_int_equal(count(s->db, "SELECT count(*) FROM audit"), audit);
}

/* Expects text to be refused with err starting with want, and nothing written. */
static void refused(Scratch *s, const char *text, const char *want)
{
    char err[512];
    int64_t before = count(s->db, "SELECT count(*) FROM targets");
    int64_t audit = count(s->db, "SELECT count(*) FROM audit");
    int n = load(s->db, text, err, sizeof err);
    if (n >= 0 || strncmp(err, want, strlen(want)) != 0)
        fail_msg("expected an error starting \"%s\", got %d \"%s\"", want, n, err);
    assert_int_equal(count(s->db, "SELECT count(*) FROM targets"), before);
    assert_int_equal(count(s->db, "SELECT count(*) FROM audit"), audit);
}

static void test_plan_errors_name_line_and_column(void **state)
{
    Scratch *s = *state;
    char buf[2048];
    /* a good first row, then a bad number on line 3, column 9 */
    snprintf(buf, sizeof buf,
             "%snew_one,新目标,new,%%,rate,up,10,2023,20,2026,school,1\n"
             "new_two,新目标二,new,%%,rate,up,10,2023,abc,2026,school,1\n",
             HEADER);
    refused(s, buf, "line 3, column 9: target must be a number");
    /* an unclosed quote */
    snprintf(buf, sizeof buf, "%snew_one,\"新目标,new,%%,rate,up,10,2023,20,2026,school,1\n", HEADER);
    refused(s, buf, "line 2, column 2: a quoted field is not closed");
    /* a quote inside an unquoted field */
    snprintf(buf, sizeof buf, "%snew_one,新\"目标,new,%%,rate,up,10,2023,20,2026,school,1\n", HEADER);
    refused(s, buf, "line 2, column 2: malformed quoting");
    /* a quoted field spanning lines keeps the count of physical lines */
    snprintf(buf, sizeof buf,
             "%snew_one,\"新\n目标\",new,%%,rate,up,10,2023,20,2026,school,1\n"
             "new_two,x,new,%%,rate,sideways,10,2023,20,2026,school,1\n",
             HEADER);
    refused(s, buf, "line 4, column 6: direction must be");
    /* too few fields */
    snprintf(buf, sizeof buf, "%snew_one,新目标,new\n", HEADER);
    refused(s, buf, "line 2: 3 fields, but the header has 12");
    /* an unknown and a missing column */
    refused(s, "key,name_zh,colour\n", "line 1, column 3: unknown column \"colour\"");
    refused(s, "key,name_zh\n", "line 1: the column \"unit\" is missing");
    /* a key twice */
    snprintf(buf, sizeof buf,
             "%snew_one,a,,%%,rate,up,10,2023,20,2026,school,1\n"
             "new_one,b,,%%,rate,up,10,2023,20,2026,school,1\n",
             HEADER);
    refused(s, buf, "line 3, column 1: the key \"new_one\" appears twice (first on line 2)");
    /* a period that is not one, with CRLF line ends */
    snprintf(buf, sizeof buf, "%.*s\r\nnew_one,a,,%%,rate,up,10,2023,20,2026Q5,school,1\r\n",
             (int)strlen(HEADER) - 1, HEADER);
    refused(s, buf, "line 2, column 10: target_period must be a period");
    refused(s, "", "line 1: the file is empty");
}

static void test_plan_user_file_with_bom_and_quotes(void **state)
{
    Scratch *s = *state;
    char buf[2048], err[512];
    snprintf(buf, sizeof buf,
             "\xEF\xBB\xBF%sown_target,\"自定义, 带逗号\",own,%%,rate,down,12,2024,5,2027,county,\n",
             HEADER);
    assert_int_equal(load(s->db, buf, err, sizeof err), 1);
    Arena *a = arena_new();
    Target t;
    assert_int_equal(target_load(s->db, a, "own_target", &t), 1);
    assert_string_equal(t.name_zh, "自定义, 带逗号");
    assert_string_equal(t.phase, "consolidation");
    assert_null(t.indicator_code);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_expected_interpolates_and_clamps),
        cmocka_unit_test(test_up_on_track_at_and_above_expected),
        cmocka_unit_test(test_up_at_risk_from_80_percent_of_gain),
        cmocka_unit_test(test_up_target_reached_is_on_track),
        cmocka_unit_test(test_deadline_passed_asks_for_the_target),
        cmocka_unit_test(test_down_mirrors_up),
        cmocka_unit_test(test_min_rule),
        cmocka_unit_test(test_max_rule),
        cmocka_unit_test(test_min_with_dated_deadline_follows_the_trajectory),
        cmocka_unit_test(test_no_baseline_up_is_a_floor),
        cmocka_unit_test(test_no_baseline_down_is_a_ceiling),
        cmocka_unit_test(test_zero_span),
        cmocka_unit_test(test_no_data),
        cmocka_unit_test(test_gain_target_counts_points),
        cmocka_unit_test(test_names_and_labels),
        cmocka_unit_test(test_target_status_from_target),
        cmocka_unit_test(test_phases),
        cmocka_unit_test(test_milestones),
        cmocka_unit_test(test_check_input),
    };
    const struct CMUnitTest db[] = {
        cmocka_unit_test(test_plan_loads_embedded_file),
        cmocka_unit_test(test_plan_errors_name_line_and_column),
        cmocka_unit_test(test_plan_user_file_with_bom_and_quotes),
    };
    int failed = cmocka_run_group_tests_name("status rule", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("plan template", db, scratch_setup, scratch_teardown);
    return failed ? 1 : 0;
}
