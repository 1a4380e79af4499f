/* evaluation_demo.c — the standard rubric and the demo's evaluations
 * (evaluation_demo_load, see evaluation.h). Reads the projects the projects module's
 * demo made; the same seed gives the same evaluations. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "core/util.h"
#include "evaluation.h"

/* ---- the standard rubric --------------------------------------------------------- */

int rubric_load_standard(Db *db, const char *actor)
{
    int64_t id = 0;
    int f = db_int(db, &id, "SELECT id FROM rubrics WHERE code = 'standard'", "");
    if (f) return f < 0 ? -1 : 0;
    static Criterion crit[] = {
        {0, "goals", "目标达成", "Goals achieved", 30, 1},
        {0, "process", "过程管理", "Process management", 20, 2},
        {0, "resources", "资源使用", "Use of resources", 20, 3},
        {0, "satisfaction", "受援校满意度", "Recipient school's satisfaction", 15, 4},
        {0, "sustainability", "长效机制", "Long-term mechanism", 15, 5},
    };
    Criterion mine[5];
    memcpy(mine, crit, sizeof mine);
    Rubric rb = {.code = "standard",
                 .name_zh = "组团式帮扶项目三级评估标准量表",
                 .name_en = "Standard rubric for assistance projects",
                 .w_self = 0.2,
                 .w_feedback = 0.3,
                 .w_third = 0.5,
                 .active = 1,
                 .crit = mine,
                 .ncrit = 5};
    return rubric_insert(db, actor, &rb) == DB_OK ? 1 : -1;
}

/* ---- the demo's evaluations ----------------------------------------------------- */

/* splitmix64, as in demo.c */
typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static int below(Rng *r, int n)
{
    return (int)(rng_next(r) % (uint64_t)n);
}

static const char *const notes[] = {
    "达到预期", "按计划推进", "有待加强", "受援校反映良好", "经验值得推广", "资料齐全",
};

enum { MAX_AUTHORS = 256, PER_EVALUATOR = 6 };

typedef struct Author {
    int64_t org_id;
    char login[72];
} Author;

typedef struct Demo {
    Db *db;
    Rng rng;
    Rubric rb;
    Author authors[MAX_AUTHORS];
    int nauthors;
    int64_t evaluator[2];
    int64_t counts[4]; /* evaluations, locked, drafts, assignments */
} Demo;

/* A login that works at org_id (a school leader or liaison officer there), or "system". */
static const char *author_at(Demo *d, int64_t org_id)
{
    for (int i = 0; i < d->nauthors; i++)
        if (d->authors[i].org_id == org_id) return d->authors[i].login;
    return "system";
}

/* One evaluation with scores: locked, a complete draft or a partly scored draft. */
static int add_eval(Demo *d, int64_t project, const char *period, const char *party,
                    const char *author, int quality, int state, int64_t when)
{
    int nc = d->rb.ncrit;
    double w[16] = {0}, sc[16] = {0};
    int has[16] = {0};
    int scored = state == 2 ? 1 + below(&d->rng, nc - 1) : nc;
    for (int i = 0; i < nc; i++) {
        w[i] = d->rb.crit[i].weight;
        int v = quality + below(&d->rng, 17) - 8;
        sc[i] = v < 60 ? 60 : v > 95 ? 95 : v;
        has[i] = i < scored;
    }
    double total = 0;
    int complete = eval_total(w, sc, has, nc, &total);
    int locked = state == 0;
    DbStmt *s =
        db_q(d->db,
             "INSERT INTO evaluations(project_id, period, rubric_id, party, status, total,"
             " comment, author, locked_by, locked_at, created_at, updated_at) VALUES"
             " (?,?,?,?,?,CASE WHEN CAST(? AS BIGINT) = 1 THEN CAST(? AS DOUBLE PRECISION)"
             " ELSE NULL END,?,?,?,CASE WHEN CAST(? AS BIGINT) = 1 THEN CAST(? AS BIGINT)"
             " ELSE NULL END,?,?) RETURNING id",
             "isissidsssiiii", project, period, d->rb.id, party, locked ? "locked" : "draft",
             (int64_t)complete, total, locked ? notes[below(&d->rng, 6)] : "", author,
             locked ? author : NULL, (int64_t)locked, when, when - 7 * 86400, when);
    int rc = s ? db_step(s) : DB_ERROR;
    int64_t id = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (!id) return rc == DB_DONE ? DB_ERROR : rc;
    /* the scores in one statement (a round trip per evaluation, not per score): the
     * text holds placeholders only, one row per scored criterion */
    char sql[1024];
    int len = snprintf(sql, sizeof sql,
                       "INSERT INTO evaluation_scores(evaluation_id, criterion_id, score, comment)"
                       " VALUES ");
    for (int i = 0; i < scored && len < (int)sizeof sql - 16; i++)
        len += snprintf(sql + len, sizeof sql - (size_t)len, "%s(?,?,?,?)", i ? "," : "");
    DbStmt *ins = db_prepare(d->db, sql);
    if (!ins) return DB_ERROR;
    for (int i = 0; i < scored; i++) {
        db_bind_int(ins, 4 * i + 1, id);
        db_bind_int(ins, 4 * i + 2, d->rb.crit[i].id);
        db_bind_double(ins, 4 * i + 3, sc[i]);
        db_bind_text(ins, 4 * i + 4, below(&d->rng, 3) ? "" : notes[below(&d->rng, 6)]);
    }
    rc = db_step(ins);
    db_done(ins);
    if (rc != DB_DONE) return rc == DB_ROW ? DB_ERROR : rc;
    d->counts[0]++;
    d->counts[locked ? 1 : 2]++;
    return DB_OK;
}

static int assign(Demo *d, int64_t project, const char *period, int64_t user, int64_t when)
{
    int rc = db_run(d->db,
                    "INSERT INTO evaluation_assignments(project_id, period, user_id, assigned_by,"
                    " assigned_at) VALUES (?,?,?,'admin',?)"
                    " ON CONFLICT (project_id, period, user_id) DO NOTHING",
                    "isii", project, period, user, when);
    if (rc == DB_OK) d->counts[3]++;
    return rc;
}

typedef struct Pj {
    int64_t id, lead, recipient;
    char status[16], start[16];
} Pj;

enum { MAX_PROJECTS = 20000 };

int evaluation_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    Arena *a = arena_new();
    Demo *d = arena_alloc(a, sizeof *d);
    memset(d, 0, sizeof *d);
    d->db = db;
    d->rng.s = seed ^ UINT64_C(0x5eed0e7a1);
    int rc = db_begin(db);
    if (rc != DB_OK) goto fail;
    if (rubric_load_standard(db, "system") < 0 ||
        rubric_load_code(db, a, "standard", &d->rb) != 1 || d->rb.ncrit < 2 || d->rb.ncrit > 16)
        goto fail;
    const char *ev[2] = {"evaluator", "evaluator2"};
    for (int i = 0; i < 2; i++)
        if (db_int(db, &d->evaluator[i], "SELECT id FROM users WHERE login = ?", "s", ev[i]) < 0)
            goto fail;
    DbStmt *s = db_q(db,
                     "SELECT g.org_id, u.login FROM grants g JOIN users u ON u.id = g.user_id"
                     " WHERE g.role IN ('school_leader', 'liaison_officer') ORDER BY g.role DESC,"
                     " u.login",
                     "");
    while (s && db_step(s) == DB_ROW && d->nauthors < MAX_AUTHORS) {
        Author *au = &d->authors[d->nauthors++];
        au->org_id = db_col_int(s, 0);
        snprintf(au->login, sizeof au->login, "%s", db_col_text(s, 1));
    }
    db_done(s);
    /* the projects that can be evaluated, and the known one (6501020001 helping 6531210001) */
    int64_t known = 0;
    if (db_int(db, &known,
               "SELECT p.id FROM projects p JOIN orgs lo ON lo.id = p.lead_org_id"
               " JOIN project_recipients pr ON pr.project_id = p.id"
               " JOIN orgs ro ON ro.id = pr.school_id WHERE lo.code = '6501020001'"
               " AND ro.code = '6531210001' AND p.status IN ('in_progress','completed','accepted')"
               " ORDER BY p.id LIMIT 1",
               "") < 0)
        goto fail;
    Pj *pj = arena_alloc(a, sizeof *pj * MAX_PROJECTS);
    int np = 0;
    s = db_q(db,
             "SELECT p.id, p.status, p.start_date, p.lead_org_id,"
             " (SELECT MIN(pr.school_id) FROM project_recipients pr WHERE pr.project_id = p.id)"
             " FROM projects p WHERE p.status IN ('in_progress','completed','accepted')"
             " ORDER BY p.id",
             "");
    while (s && db_step(s) == DB_ROW && np < MAX_PROJECTS) {
        Pj *x = &pj[np++];
        x->id = db_col_int(s, 0);
        snprintf(x->status, sizeof x->status, "%s", db_col_text(s, 1));
        snprintf(x->start, sizeof x->start, "%s", db_col_text(s, 2));
        x->lead = db_col_int(s, 3);
        x->recipient = db_col_is_null(s, 4) ? 0 : db_col_int(s, 4);
    }
    db_done(s);
    if (!s) goto fail;
    char half[8], last[8];
    eval_current_periods(half, last);
    const char *periods[2] = {last, half};
    EvalPeriod per[2];
    eval_period_parse(last, &per[0]);
    eval_period_parse(half, &per[1]);
    int64_t now = now_s();
    int given[2] = {0, 0};
    for (int i = 0; i < np; i++) {
        Pj *x = &pj[i];
        int is_known = x->id == known;
        int done = strcmp(x->status, "in_progress") != 0;
        if (!is_known && !done && below(&d->rng, 2)) continue;
        /* the third party: the known project and a handful more for each evaluator */
        int who = -1;
        if (is_known && d->evaluator[0])
            who = 0;
        else if (below(&d->rng, 2) == 0) {
            int k = given[0] <= given[1] ? 0 : 1;
            if (d->evaluator[k] && given[k] < PER_EVALUATOR) who = k;
        }
        if (who >= 0) given[who]++;
        int quality = 66 + below(&d->rng, 22);
        const char *self_by = author_at(d, x->lead), *fb_by = author_at(d, x->recipient);
        for (int q = 0; q < 2; q++) {
            if (strcmp(per[q].last, x->start) < 0) continue; /* before the project began */
            int64_t when = q == 0 ? now - (int64_t)(120 + below(&d->rng, 60)) * 86400
                                  : now - (int64_t)(1 + below(&d->rng, 20)) * 86400;
            if (who >= 0 &&
                (rc = assign(d, x->id, periods[q], d->evaluator[who], when - 30 * 86400)))
                goto fail;
            /* state: 0 locked, 1 complete draft, 2 partly scored draft */
            for (int k = 0; k < 3; k++) {
                if (k == 2 && who < 0) continue;
                int state = q == 0                  ? (below(&d->rng, 10) ? 0 : 1)
                            : below(&d->rng, 5) < 3 ? 0
                                                    : 1 + below(&d->rng, 2);
                if (is_known && q == 1) {
                    /* left open for a walk through: self locked, feedback a draft, the
                     * third party not started */
                    if (k == 2) continue;
                    state = k == 0 ? 0 : 2;
                }
                const char *by = k == 0 ? self_by : k == 1 ? fb_by : ev[who];
                rc = add_eval(d, x->id, periods[q], eval_parties[k], by, quality, state, when);
                if (rc != DB_OK) goto fail;
            }
        }
    }
    json_t *summary = json_pack("{s:I,s:I,s:I,s:I}", "evaluations", (json_int_t)d->counts[0],
                                "locked", (json_int_t)d->counts[1], "drafts",
                                (json_int_t)d->counts[2], "assignments", (json_int_t)d->counts[3]);
    rc = audit_log(db, "system", "evaluation.demo", "demo", "evaluations", "", NULL, summary);
    json_decref(summary);
    if (rc != DB_OK || db_commit(db) != DB_OK) goto fail;
    arena_free(a);
    return 0;
fail:
    if (!err[0]) snprintf(err, errlen, "evaluations: %s", db_errmsg(db));
    db_rollback(db);
    arena_free(a);
    return 1;
}
