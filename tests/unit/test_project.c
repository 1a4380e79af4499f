/* test_project.c — the projects' pure logic (project.h): the transition table,
 * the approval chain, the rule lookup and the rule-set check; then, on SQLite and
 * on PostgreSQL (HUIJU_TEST_PG, its public schema recreated), the standard rules
 * in the table and the chains they give, and the demo loader: every state, the
 * decisions consistent with each chain, fast enough. */
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
#include "core/arena.h"
#include "db/db.h"
#include "demo.h"
#include "indicator.h"
#include "project.h"

/* ---- pure ----------------------------------------------------------------------- */

static void test_transition_table(void **state)
{
    (void)state;
    /* the whole table: status × action → status, NULL where illegal */
    static const struct {
        const char *from, *action, *to;
    } legal[] = {
        {"draft", "submit", "submitted"},         {"rejected", "submit", "submitted"},
        {"submitted", "withdraw", "draft"},       {"submitted", "approve", "approved"},
        {"submitted", "reject", "rejected"},      {"approved", "start", "in_progress"},
        {"in_progress", "suspend", "suspended"},  {"suspended", "resume", "in_progress"},
        {"in_progress", "complete", "completed"}, {"completed", "accept", "accepted"},
    };
    int n_legal = 0;
    for (const char *const *s = project_statuses; *s; s++)
        for (const char *const *a = project_actions; *a; a++) {
            const char *want = NULL;
            for (size_t i = 0; i < sizeof legal / sizeof legal[0]; i++)
                if (!strcmp(legal[i].from, *s) && !strcmp(legal[i].action, *a)) want = legal[i].to;
            const char *got = project_action_target(*s, *a);
            if (want) {
                assert_non_null(got);
                assert_string_equal(got, want);
                n_legal++;
            } else {
                assert_null(got);
            }
        }
    assert_int_equal(n_legal, 10);
    assert_null(project_action_target("draft", "explode"));
    assert_null(project_action_target("nowhere", "submit"));
    assert_null(project_action_target(NULL, "submit"));
    assert_null(project_action_target("draft", NULL));
    /* the actions from a status, in order; accepted is final */
    const char *acts[16];
    assert_int_equal(project_actions_from("submitted", acts, 16), 3);
    assert_string_equal(acts[0], "withdraw");
    assert_string_equal(acts[1], "approve");
    assert_string_equal(acts[2], "reject");
    assert_int_equal(project_actions_from("in_progress", acts, 16), 2);
    assert_string_equal(acts[0], "suspend");
    assert_string_equal(acts[1], "complete");
    assert_int_equal(project_actions_from("accepted", acts, 16), 0);
    assert_int_equal(project_actions_from("submitted", acts, 1), 1); /* never past max */
    assert_true(project_status_ok("in_progress"));
    assert_false(project_status_ok("done"));
    assert_true(project_kind_ok("study_tour"));
    assert_false(project_kind_ok("Study_tour"));
    assert_false(project_kind_ok(NULL));
}

static void test_chain(void **state)
{
    (void)state;
    const char *c[4];
    assert_int_equal(project_chain("county", "county", c), 1);
    assert_string_equal(c[0], "county");
    assert_int_equal(project_chain("school", "prefecture", c), 3);
    assert_string_equal(c[0], "school");
    assert_string_equal(c[1], "county");
    assert_string_equal(c[2], "prefecture");
    assert_int_equal(project_chain("county", "region", c), 3);
    assert_string_equal(c[2], "region");
    assert_int_equal(project_chain("region", "region", c), 1);
    assert_int_equal(project_chain("prefecture", "county", c), 0); /* top below the scope */
    assert_int_equal(project_chain("partner", "region", c), 0);
    assert_int_equal(project_chain("county", NULL, c), 0);
    /* the level awaited after each step */
    assert_string_equal(project_next_level("county", "prefecture", NULL), "county");
    assert_string_equal(project_next_level("county", "prefecture", "county"), "prefecture");
    assert_null(project_next_level("county", "prefecture", "prefecture"));
    assert_string_equal(project_next_level("school", "region", "county"), "prefecture");
    assert_null(project_next_level("county", NULL, NULL));
    assert_int_equal(project_level_rank("school"), 0);
    assert_int_equal(project_level_rank("region"), 3);
    assert_int_equal(project_level_rank("partner"), -1);
}

#define Y(y) ((int64_t)(y)*100)
static const ApprovalRule std_rules[] = {
    {0, "school", "school", 0, Y(50000)},
    {0, "school", "county", Y(50000), Y(500000)},
    {0, "school", "prefecture", Y(500000), -1},
    {0, "county", "county", 0, Y(500000)},
    {0, "county", "prefecture", Y(500000), Y(2000000)},
    {0, "county", "region", Y(2000000), -1},
    {0, "prefecture", "prefecture", 0, Y(2000000)},
    {0, "prefecture", "region", Y(2000000), -1},
    {0, "region", "region", 0, -1},
};
enum { N_STD = (int)(sizeof std_rules / sizeof std_rules[0]) };

static void test_rules(void **state)
{
    (void)state;
    const ApprovalRule *r = std_rules;
    assert_string_equal(approval_rule_top(r, N_STD, "school", 0), "school");
    assert_string_equal(approval_rule_top(r, N_STD, "school", Y(49999)), "school");
    assert_string_equal(approval_rule_top(r, N_STD, "school", Y(50000)),
                        "county"); /* max exclusive */
    assert_string_equal(approval_rule_top(r, N_STD, "county", Y(499999)), "county");
    assert_string_equal(approval_rule_top(r, N_STD, "county", Y(800000)), "prefecture");
    assert_string_equal(approval_rule_top(r, N_STD, "county", Y(2000000)), "region");
    assert_string_equal(approval_rule_top(r, N_STD, "prefecture", Y(10000000)), "region");
    assert_string_equal(approval_rule_top(r, N_STD, "region", 0), "region");
    assert_null(approval_rule_top(r, N_STD, "partner", 0));
    assert_null(approval_rule_top(r, 3, "county", 0)); /* no county rule in the first three */
    int idx = -1;
    const char *why = NULL;
    assert_true(approval_rules_check(r, N_STD, &idx, &why));
    /* overlapping bands of one scope; touching ones are fine */
    ApprovalRule ov[] = {{0, "county", "county", 0, 100}, {0, "county", "region", 99, -1}};
    assert_false(approval_rules_check(ov, 2, &idx, &why));
    assert_int_equal(idx, 1);
    assert_non_null(strstr(why, "overlaps"));
    ov[1].min_fen = 100;
    assert_true(approval_rules_check(ov, 2, &idx, &why));
    /* an open band overlaps everything above its start */
    ApprovalRule open2[] = {{0, "region", "region", 0, -1}, {0, "region", "region", 5, 10}};
    assert_false(approval_rules_check(open2, 2, &idx, &why));
    /* the same band in two scopes is fine */
    ApprovalRule two[] = {{0, "county", "county", 0, -1}, {0, "school", "school", 0, -1}};
    assert_true(approval_rules_check(two, 2, &idx, &why));
    /* the top below the scope, unknown levels, empty or negative bands */
    ApprovalRule bad[][1] = {{{0, "prefecture", "county", 0, -1}},
                             {{0, "town", "county", 0, -1}},
                             {{0, "county", "nation", 0, -1}},
                             {{0, "county", "county", 10, 10}},
                             {{0, "county", "county", -1, -1}}};
    const char *field[] = {"top_level", "scope_kind", "top_level", "max_fen", "min_fen"};
    for (int i = 0; i < 5; i++) {
        assert_false(approval_rules_check(bad[i], 1, &idx, &why));
        assert_int_equal(idx, 0);
        assert_true(!strncmp(why, field[i], strlen(field[i])));
    }
}

/* ---- on a database ------------------------------------------------------------------ */

typedef struct Env {
    Db *db;
    Arena *a;
    char path[64];
} Env;

static int setup_db(Env *e)
{
    char err[256];
    if (db_migrate(e->db, err, sizeof err) != DB_OK || access_sync(e->db) != DB_OK) return -1;
    if (db_begin(e->db) != DB_OK || indicators_load_standard(e->db, "test", err, sizeof err) < 0 ||
        db_commit(e->db) != DB_OK)
        return -1;
    return 0;
}

static int sqlite_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    snprintf(e->path, sizeof e->path, "/tmp/huiju-project-XXXXXX");
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
    e->a = arena_new();
    const char *url = getenv("HUIJU_TEST_PG");
    if (!url || !*url) return 0;
    char err[256];
    e->db = db_open(url, err, sizeof err);
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

static int64_t q1(Db *db, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_int(db, &v, sql, ""), 1);
    return v;
}

static void test_standard_rules_in_table(void **state)
{
    Env *e = *state;
    if (!e->db) skip();
    char err[256];
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(approval_rules_load_standard(e->db, "test", err, sizeof err), N_STD);
    assert_int_equal(approval_rules_load_standard(e->db, "test", err, sizeof err), 0); /* once */
    assert_int_equal(db_commit(e->db), DB_OK);
    ApprovalRule *rules = NULL;
    int n = approval_rules_load(e->db, e->a, &rules);
    assert_int_equal(n, N_STD);
    int idx;
    const char *why;
    assert_true(approval_rules_check(rules, n, &idx, &why));
    /* the chains the table gives */
    const char *c[4];
    const char *top = approval_rule_top(rules, n, "county", Y(100000));
    assert_int_equal(project_chain("county", top, c), 1);
    top = approval_rule_top(rules, n, "county", Y(800000));
    assert_int_equal(project_chain("county", top, c), 2);
    assert_string_equal(c[1], "prefecture");
    top = approval_rule_top(rules, n, "school", Y(600000));
    assert_int_equal(project_chain("school", top, c), 3);
    top = approval_rule_top(rules, n, "region", Y(9000000));
    assert_int_equal(project_chain("region", top, c), 1);
    assert_string_equal(c[0], "region");
    /* an open band is stored as NULL */
    assert_int_equal(q1(e->db, "SELECT count(*) FROM approval_rules WHERE max_fen IS NULL"), 4);
}

static void test_demo_projects(void **state)
{
    Env *e = *state;
    if (!e->db) skip();
    char err[256] = "";
    assert_int_equal(demo_load(e->db, 120, 7, err, sizeof err), 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = project_demo_load(e->db, 7, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc) fprintf(stderr, "project_demo_load: %s\n", err);
    assert_int_equal(rc, 0);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "project_demo_load at 120 schools: %.3f s (%s)\n", s,
            db_kind(e->db) == DB_PG ? "PostgreSQL" : "SQLite");
    assert_true(s < 3.0); /* under ASan; the release binary takes a fraction of this */
    int64_t n = q1(e->db, "SELECT count(*) FROM projects");
    int64_t rec = q1(e->db, "SELECT count(*) FROM orgs WHERE kind = 'school' AND is_recipient = 1");
    assert_true(n >= 40 && n >= rec / 4);
    assert_int_equal(q1(e->db, "SELECT count(DISTINCT status) FROM projects"), 8);
    /* every project has recipients, each a recipient school; the lead a helper or partner */
    assert_int_equal(q1(e->db, "SELECT count(*) FROM projects p WHERE NOT EXISTS (SELECT 1 FROM"
                               " project_recipients r WHERE r.project_id = p.id)"),
                     0);
    assert_int_equal(q1(e->db, "SELECT count(*) FROM project_recipients r JOIN orgs o ON o.id ="
                               " r.school_id WHERE o.kind <> 'school' OR o.is_recipient = 0"),
                     0);
    assert_int_equal(q1(e->db, "SELECT count(*) FROM projects p JOIN orgs o ON o.id = p.lead_org_id"
                               " WHERE NOT (o.kind = 'partner' OR (o.kind = 'school' AND"
                               " o.is_helper = 1))"),
                     0);
    /* the scope holds the lead and every recipient */
    assert_int_equal(q1(e->db,
                        "SELECT count(*) FROM projects p JOIN orgs s ON s.id = p.scope_org_id"
                        " JOIN orgs l ON l.id = p.lead_org_id WHERE substr(l.path, 1,"
                        " length(s.path)) <> s.path"),
                     0);
    /* decisions agree with the chains: beyond draft a top level; once approved the chain
     * is done; a returned one ends in a return; no decision after today */
    assert_int_equal(q1(e->db, "SELECT count(*) FROM projects WHERE status <> 'draft' AND"
                               " top_level IS NULL"),
                     0);
    assert_int_equal(q1(e->db, "SELECT count(*) FROM projects WHERE status IN ('approved',"
                               "'in_progress','suspended','completed','accepted') AND"
                               " (level_done IS NULL OR level_done <> top_level)"),
                     0);
    assert_int_equal(q1(e->db, "SELECT count(*) FROM projects p WHERE p.status = 'rejected' AND"
                               " (SELECT d.decision FROM project_decisions d WHERE d.project_id ="
                               " p.id ORDER BY d.id DESC LIMIT 1) <> 'reject'"),
                     0);
    assert_int_equal(q1(e->db, "SELECT count(*) FROM projects p WHERE p.status = 'approved' AND"
                               " NOT EXISTS (SELECT 1 FROM project_decisions d WHERE d.project_id ="
                               " p.id AND d.level = p.top_level AND d.decision = 'approve')"),
                     0);
    int64_t now = (int64_t)time(NULL);
    int64_t late = -1;
    assert_int_equal(db_int(e->db, &late,
                            "SELECT count(*) FROM project_decisions WHERE decided_at > ?", "i",
                            now),
                     1);
    assert_int_equal(late, 0);
    /* the demo people's projects */
    assert_int_equal(q1(e->db, "SELECT count(*) FROM projects p JOIN orgs o ON o.id = p.lead_org_id"
                               " WHERE o.code = '6501020001' AND p.created_by = 'helper-leader'"
                               " AND p.status IN ('in_progress','draft','completed')"),
                     3);
    assert_int_equal(q1(e->db, "SELECT count(*) FROM projects p JOIN orgs s ON s.id ="
                               " p.scope_org_id WHERE s.code = '653121' AND p.status = 'submitted'"
                               " AND p.level_done IS NULL"),
                     1);
    /* a second load of the rules adds none */
    assert_int_equal(q1(e->db, "SELECT count(*) FROM approval_rules"), N_STD);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_transition_table),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_rules),
    };
    const struct CMUnitTest db[] = {
        cmocka_unit_test(test_standard_rules_in_table),
        cmocka_unit_test(test_demo_projects),
    };
    int fails = cmocka_run_group_tests_name("project rules", pure, NULL, NULL);
    fails += cmocka_run_group_tests_name("projects on SQLite", db, sqlite_setup, teardown);
    fails += cmocka_run_group_tests_name("projects on PostgreSQL", db, pg_setup, teardown);
    return fails ? 1 : 0;
}
