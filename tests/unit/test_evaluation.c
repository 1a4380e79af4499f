/* test_evaluation.c — the three-level evaluation's scoring (evaluation.h): the
 * weighted total, the combined score with missing parts, the combined weights'
 * validation and the periods; then the store on SQLite, and on PostgreSQL too when
 * HUIJU_TEST_PG holds a postgres:// URL (its public schema is recreated): totals
 * kept by every write, locking only when complete and final after, the combined
 * score null until all three parts are locked, a rubric change recomputing drafts. */
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
#include "db/db.h"
#include "evaluation.h"
#include "org.h"

#define NEAR(a, b) assert_true((a) - (b) < 1e-9 && (b) - (a) < 1e-9)

static void test_total(void **state)
{
    (void)state;
    const double w[5] = {30, 20, 20, 15, 15};
    const double s[5] = {80, 70, 90, 60, 100};
    int has[5] = {1, 1, 1, 1, 1};
    double t = -1;
    assert_int_equal(eval_total(w, s, has, 5, &t), 1);
    /* (30·80 + 20·70 + 20·90 + 15·60 + 15·100) / 100 */
    NEAR(t, 80.0);
    /* the weights need not sum to 100: the total is normalised */
    const double w2[2] = {1, 3}, s2[2] = {40, 80};
    int h2[2] = {1, 1};
    assert_int_equal(eval_total(w2, s2, h2, 2, &t), 1);
    NEAR(t, 70.0);
    /* not every criterion scored: no total, and *out untouched */
    has[3] = 0;
    t = -1;
    assert_int_equal(eval_total(w, s, has, 5, &t), 0);
    NEAR(t, -1.0);
    assert_int_equal(eval_total(w, s, has, 0, &t), 0);
    /* a weight of 0 is no criterion */
    const double w0[2] = {0, 1};
    assert_int_equal(eval_total(w0, s2, h2, 2, &t), 0);
    /* all zeros and all hundreds stay in range */
    const double z[2] = {0, 0}, c[2] = {100, 100};
    assert_int_equal(eval_total(w2, z, h2, 2, &t), 1);
    NEAR(t, 0.0);
    assert_int_equal(eval_total(w2, c, h2, 2, &t), 1);
    NEAR(t, 100.0);
}

static void test_combined(void **state)
{
    (void)state;
    double total[3] = {90, 80, 70}, out = -1;
    int locked[3] = {1, 1, 1}, missing[3] = {9, 9, 9};
    assert_int_equal(eval_combine(0.2, 0.3, 0.5, total, locked, &out, missing), 1);
    NEAR(out, 0.2 * 90 + 0.3 * 80 + 0.5 * 70);
    assert_int_equal(missing[0] + missing[1] + missing[2], 0);
    /* the third party missing: no combined score, and it is named */
    locked[2] = 0;
    out = -1;
    assert_int_equal(eval_combine(0.2, 0.3, 0.5, total, locked, &out, missing), 0);
    NEAR(out, -1.0);
    assert_int_equal(missing[0], 0);
    assert_int_equal(missing[1], 0);
    assert_int_equal(missing[2], 1);
    /* two missing */
    locked[0] = 0;
    assert_int_equal(eval_combine(0.2, 0.3, 0.5, total, locked, &out, NULL), 0);
    assert_int_equal(eval_combine(0.2, 0.3, 0.5, total, locked, &out, missing), 0);
    assert_int_equal(missing[0] + missing[1] + missing[2], 2);
    /* a weight of 0 still needs the part to be there */
    int all[3] = {1, 1, 0};
    assert_int_equal(eval_combine(0.5, 0.5, 0, total, all, &out, missing), 0);
    all[2] = 1;
    assert_int_equal(eval_combine(0.5, 0.5, 0, total, all, &out, missing), 1);
    NEAR(out, 85.0);
}

static void test_weights(void **state)
{
    (void)state;
    assert_true(eval_weights_ok(0.2, 0.3, 0.5));
    assert_true(eval_weights_ok(0.1, 0.2, 0.7)); /* 0.1 + 0.2 is not exactly 0.3 */
    assert_true(eval_weights_ok(1.0 / 3, 1.0 / 3, 1.0 / 3));
    assert_true(eval_weights_ok(0, 0, 1));
    assert_true(eval_weights_ok(0.2, 0.3, 0.5 + 5e-10));
    assert_false(eval_weights_ok(0.2, 0.3, 0.5 + 1e-8));
    assert_false(eval_weights_ok(0.2, 0.3, 0.4));
    assert_false(eval_weights_ok(0.5, 0.6, -0.1)); /* sums to 1, but a weight below 0 */
    assert_false(eval_weights_ok(0, 0, 0));
    assert_false(eval_weights_ok(0.2, 0.3, 0.0 / 0.0));
    assert_false(eval_weights_ok(1.0 / 0.0, 0, 0));
}

static void test_periods(void **state)
{
    (void)state;
    EvalPeriod p;
    assert_true(eval_period_parse("2025", &p));
    assert_int_equal(p.year, 2025);
    assert_int_equal(p.half, 0);
    assert_string_equal(p.first, "2025-01-01");
    assert_string_equal(p.last, "2025-12-31");
    assert_true(eval_period_parse("2025H1", &p));
    assert_string_equal(p.last, "2025-06-30");
    assert_true(eval_period_parse("2026H2", &p));
    assert_int_equal(p.half, 2);
    assert_string_equal(p.first, "2026-07-01");
    assert_string_equal(p.text, "2026H2");
    const char *bad[] = {"2025H3",  "2025h1", "2025Q1", "25",      "2019", "2101",
                         "2025-06", "",       "2025H",  "2025H12", NULL};
    for (const char **b = bad; *b; b++)
        assert_false(eval_period_parse(*b, &p));
    assert_false(eval_period_parse(NULL, &p));
    assert_int_equal(eval_party_index("self"), 0);
    assert_int_equal(eval_party_index("third_party"), 2);
    assert_int_equal(eval_party_index("third"), -1);
    assert_true(eval_code_ok("goals_2"));
    assert_false(eval_code_ok("目标"));
    assert_false(eval_code_ok(""));
}

/* ---- the store ------------------------------------------------------------------- */

typedef struct Env {
    Db *db;
    Arena *a;
    char path[64];
    int64_t project;
    const char *scope;
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
    add_org(e->db, e->a, "650000", "region", NULL);
    add_org(e->db, e->a, "653100", "prefecture", "650000");
    int64_t county = add_org(e->db, e->a, "653121", "county", "653100");
    int64_t helper = add_org(e->db, e->a, "6531210009", "school", "653121");
    int64_t school = add_org(e->db, e->a, "6531210001", "school", "653121");
    DbStmt *s =
        db_q(e->db,
             "INSERT INTO projects(title, kind, lead_org_id, scope_org_id, start_date,"
             " end_date, status, created_by, created_at, updated_at) VALUES"
             " ('test', 'training', ?, ?, '2024-03-01', '2027-07-31', 'in_progress', 'test',"
             " 1, 1) RETURNING id",
             "ii", helper, county);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    e->project = db_col_int(s, 0);
    db_done(s);
    assert_int_equal(db_run(e->db,
                            "INSERT INTO project_recipients(project_id, school_id) VALUES (?,?)",
                            "ii", e->project, school),
                     DB_OK);
    assert_int_equal(rubric_load_standard(e->db, "test"), 1);
    assert_int_equal(rubric_load_standard(e->db, "test"), 0); /* once */
    assert_int_equal(db_commit(e->db), DB_OK);
    e->scope = "/650000/653100/653121/";
    return 0;
}

static int sqlite_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    snprintf(e->path, sizeof e->path, "/tmp/huiju-eval-XXXXXX");
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

static Env *env(void **state)
{
    Env *e = *state;
    if (!e->db) skip();
    return e;
}

/* Starts an evaluation of the project for period and party; its id. */
static int64_t start(Env *e, const char *period, const char *party, int64_t rubric)
{
    int64_t id = 0;
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(eval_insert(e->db, "test", e->project, e->scope, period, party, rubric, &id),
                     DB_OK);
    assert_int_equal(db_commit(e->db), DB_OK);
    assert_true(id > 0);
    return id;
}

/* Replaces the scores of evaluation id with the first n of `scores` (rubric order). */
static int put(Env *e, int64_t id, const double *scores, int n)
{
    Evaluation ev;
    assert_int_equal(eval_load(e->db, e->a, id, &ev), 1);
    EvalScoreIn in[16];
    for (int i = 0; i < n; i++)
        in[i] = (EvalScoreIn){.crit = i, .score = scores[i], .comment = "ok"};
    assert_int_equal(db_begin(e->db), DB_OK);
    int rc = eval_put(e->db, "test", &ev, in, n, "overall");
    if (rc == DB_OK)
        assert_int_equal(db_commit(e->db), DB_OK);
    else
        db_rollback(e->db);
    return rc;
}

static int lock(Env *e, int64_t id)
{
    assert_int_equal(db_begin(e->db), DB_OK);
    int rc = eval_lock_row(e->db, "test", id);
    if (rc == DB_OK)
        assert_int_equal(db_commit(e->db), DB_OK);
    else
        db_rollback(e->db);
    return rc;
}

static const EvalSummary *summary_of(Env *e, const char *period)
{
    EvalSummary *s;
    int n = eval_summaries(e->db, e->a, e->project, &s);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++)
        if (!strcmp(s[i].period, period)) return &s[i];
    fail_msg("no summary for %s", period);
    return NULL;
}

static void test_store_combined(void **state)
{
    Env *e = env(state);
    Rubric rb;
    assert_int_equal(rubric_default(e->db, e->a, &rb), 1);
    assert_string_equal(rb.code, "standard");
    assert_int_equal(rb.ncrit, 5);
    NEAR(rb.w_self + rb.w_feedback + rb.w_third, 1.0);
    const double self[5] = {90, 80, 85, 70, 75}, fb[5] = {60, 70, 80, 90, 100},
                 third[5] = {75, 75, 75, 75, 75};
    int64_t a = start(e, "2025", "self", rb.id), b = start(e, "2025", "feedback", rb.id);
    /* one party once per period */
    int64_t dup = 0;
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(eval_insert(e->db, "test", e->project, e->scope, "2025", "self", rb.id, &dup),
                     DB_CONSTRAINT);
    db_rollback(e->db);
    /* partly scored: no total, cannot be locked */
    assert_int_equal(put(e, a, self, 3), DB_OK);
    Evaluation ev;
    assert_int_equal(eval_load(e->db, e->a, a, &ev), 1);
    assert_false(ev.has_total);
    assert_true(ev.has[0] && ev.has[2] && !ev.has[3]);
    assert_string_equal(ev.note[0], "ok");
    assert_int_equal(lock(e, a), DB_DONE);
    /* every criterion: the weighted total */
    assert_int_equal(put(e, a, self, 5), DB_OK);
    assert_int_equal(eval_load(e->db, e->a, a, &ev), 1);
    assert_true(ev.has_total);
    NEAR(ev.total, (30 * 90 + 20 * 80 + 20 * 85 + 15 * 70 + 15 * 75) / 100.0);
    assert_string_equal(ev.comment, "overall");
    assert_int_equal(lock(e, a), DB_OK);
    /* locked: final */
    assert_int_equal(put(e, a, fb, 5), DB_DONE);
    assert_int_equal(lock(e, a), DB_DONE);
    assert_int_equal(eval_load(e->db, e->a, a, &ev), 1);
    assert_string_equal(ev.status, "locked");
    NEAR(ev.score[0], 90.0);
    assert_int_equal(rubric_in_use(e->db, rb.id), 1);

    assert_int_equal(put(e, b, fb, 5), DB_OK);
    assert_int_equal(lock(e, b), DB_OK);
    /* the third party missing: the combined score is null and names it */
    const EvalSummary *s = summary_of(e, "2025");
    assert_false(s->has_combined);
    assert_int_equal(s->missing[0], 0);
    assert_int_equal(s->missing[1], 0);
    assert_int_equal(s->missing[2], 1);
    /* a draft third party is still missing */
    int64_t c = start(e, "2025", "third_party", rb.id);
    assert_int_equal(put(e, c, third, 5), DB_OK);
    s = summary_of(e, "2025");
    assert_false(s->has_combined);
    assert_int_equal(s->part[2].id, c);
    assert_string_equal(s->part[2].status, "draft");
    assert_int_equal(s->missing[2], 1);
    /* all three locked: 0.2·self + 0.3·feedback + 0.5·third */
    assert_int_equal(lock(e, c), DB_OK);
    s = summary_of(e, "2025");
    assert_true(s->has_combined);
    double ts = (30 * 90 + 20 * 80 + 20 * 85 + 15 * 70 + 15 * 75) / 100.0,
           tf = (30 * 60 + 20 * 70 + 20 * 80 + 15 * 90 + 15 * 100) / 100.0;
    NEAR(s->combined, 0.2 * ts + 0.3 * tf + 0.5 * 75);
    assert_int_equal(s->missing[0] + s->missing[1] + s->missing[2], 0);
    /* the audit has the lock with the scores */
    int64_t n = 0;
    assert_int_equal(db_int(e->db, &n,
                            "SELECT count(*) FROM audit WHERE action = 'evaluation.lock'"
                            " AND object_key = ?",
                            "s", arena_printf(e->a, "%lld", (long long)a)),
                     1);
    assert_int_equal(n, 1);
}

static void test_store_rubric_change(void **state)
{
    Env *e = env(state);
    Criterion crit[2] = {{0, "a", "甲", "", 1, 1}, {0, "b", "乙", "", 3, 2}};
    Rubric rb = {.code = "two",
                 .name_zh = "两项",
                 .name_en = "",
                 .w_self = 0.25,
                 .w_feedback = 0.25,
                 .w_third = 0.5,
                 .active = 1,
                 .crit = crit,
                 .ncrit = 2};
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(rubric_insert(e->db, "test", &rb), DB_OK);
    assert_int_equal(db_commit(e->db), DB_OK);
    assert_true(crit[0].id > 0 && crit[1].id > 0);
    /* the oldest active rubric stays the default */
    Rubric d;
    assert_int_equal(rubric_default(e->db, e->a, &d), 1);
    assert_string_equal(d.code, "standard");
    int64_t id = start(e, "2026H1", "self", rb.id);
    const double sc[2] = {40, 80};
    assert_int_equal(put(e, id, sc, 2), DB_OK);
    Evaluation ev;
    assert_int_equal(eval_load(e->db, e->a, id, &ev), 1);
    NEAR(ev.total, 70.0);
    assert_int_equal(rubric_in_use(e->db, rb.id), 0);
    /* a criterion more: the draft has no total until it is scored */
    Rubric before;
    assert_int_equal(rubric_load(e->db, e->a, rb.id, &before), 1);
    Criterion more[3] = {
        {0, "a", "甲", "", 1, 1}, {0, "b", "乙", "", 3, 2}, {0, "c", "丙", "", 1, 3}};
    Rubric after = before;
    after.crit = more;
    after.ncrit = 3;
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(rubric_update(e->db, "test", &before, &after), DB_OK);
    assert_int_equal(db_commit(e->db), DB_OK);
    assert_int_equal(eval_load(e->db, e->a, id, &ev), 1);
    assert_int_equal(ev.rubric.ncrit, 3);
    assert_false(ev.has_total);
    /* criterion "a" removed and "b" reweighted: its score goes, the total follows */
    assert_int_equal(rubric_load(e->db, e->a, rb.id, &before), 1);
    Criterion fewer[2] = {{0, "b", "乙", "", 2, 1}, {0, "c", "丙", "", 2, 2}};
    after = before;
    after.crit = fewer;
    after.ncrit = 2;
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_int_equal(rubric_update(e->db, "test", &before, &after), DB_OK);
    assert_int_equal(db_commit(e->db), DB_OK);
    assert_int_equal(eval_load(e->db, e->a, id, &ev), 1);
    assert_int_equal(ev.rubric.ncrit, 2);
    assert_true(ev.has[0] && !ev.has[1]);
    const double sc2[2] = {80, 60};
    assert_int_equal(put(e, id, sc2, 2), DB_OK);
    assert_int_equal(eval_load(e->db, e->a, id, &ev), 1);
    NEAR(ev.total, 70.0);
    int64_t left = 0;
    assert_int_equal(db_int(e->db, &left,
                            "SELECT count(*) FROM evaluation_scores s JOIN rubric_criteria c"
                            " ON c.id = s.criterion_id WHERE c.code = 'a' AND c.rubric_id = ?",
                            "i", rb.id),
                     1);
    assert_int_equal(left, 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_total),
        cmocka_unit_test(test_combined),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_periods),
    };
    const struct CMUnitTest db[] = {
        cmocka_unit_test(test_store_combined),
        cmocka_unit_test(test_store_rubric_change),
    };
    int fails = cmocka_run_group_tests_name("scoring", pure, NULL, NULL);
    fails += cmocka_run_group_tests_name("evaluations on SQLite", db, sqlite_setup, teardown);
    fails += cmocka_run_group_tests_name("evaluations on PostgreSQL", db, pg_setup, teardown);
    return fails ? 1 : 0;
}
