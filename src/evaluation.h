/* evaluation.h — capability 10: three-level evaluation (三级评估).
 *
 * A rubric (rubrics, rubric_criteria) lists criteria, each with a weight > 0, and
 * the weights of the combined score: w_self, w_feedback, w_third (each ≥ 0, summing
 * to 1 within 1e-9). Rubrics are region-wide, written by plan.write at the root; a
 * rubric that a locked evaluation uses keeps its criteria and combined weights
 * (409): make a new one. The default rubric is the oldest active one (the demo's
 * standard rubric until an administrator deactivates it).
 *
 * Per project and period (a year "2025" or a half-year "2025H1"/"2025H2") there are
 * up to three evaluations, one per party:
 *     self         by evaluation.write or project.write reaching the lead (the helping side)
 *     feedback     by evaluation.write reaching one of the recipient schools
 *     third_party  only by an evaluator assigned to the project for that period
 *                  (evaluation_assignments; assigned by project.approve reaching the
 *                  project's scope; the assignee must hold the evaluator role)
 * all on the same rubric. An evaluation is a draft while it is filled (a PUT replaces
 * its scores, 0–100 per criterion, with comments); its total is Σ weight·score / Σ
 * weight once every criterion is scored; locking it makes it final (any change then
 * answers 409) and is audited with the scores. Only projects in_progress, completed
 * or accepted are evaluated (409 otherwise). The combined score of a project and
 * period is w_self·self + w_feedback·feedback + w_third·third over the locked
 * evaluations; while one is missing or a draft it is null, with the missing parts
 * named.
 *
 * Evaluations are visible with their project (project.h: PROJECT_REACH_SQL); an
 * evaluator sees only the projects assigned to them. Out of reach answers 404.
 *
 * Files: evaluation.c (pure rules, the store, the API), evaluation_page.c (pages,
 * the Excel export, the project page's section), evaluation_demo.c (demo data). */
#ifndef HUIJU_EVALUATION_H
#define HUIJU_EVALUATION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"
#include "project.h"

/* ---- pure logic (tests/unit/test_evaluation.c) ---- */

/* The parties in display order, NULL-terminated: self, feedback, third_party. */
extern const char *const eval_parties[];
enum { EVAL_NPARTY = 3 };
/* The party's index in eval_parties, or -1. */
int eval_party_index(const char *party);

/* A period: "2025" (half 0) or "2025H1"/"2025H2" (half 1 or 2), years 2020–2100. */
typedef struct EvalPeriod {
    int year, half;
    char text[8];
    char first[11], last[11]; /* its first and last day, YYYY-MM-DD */
} EvalPeriod;
/* Parses s into *p; 1 when valid. */
int eval_period_parse(const char *s, EvalPeriod *p);

/* Whether the combined-score weights are each ≥ 0 (and finite) and sum to 1
 * within 1e-9. */
int eval_weights_ok(double w_self, double w_feedback, double w_third);

/* The weighted total of n criteria: Σ weight[i]·score[i] / Σ weight[i]. 1 and
 * *out set when every criterion is scored (has[i]) and the weights are > 0;
 * 0 otherwise (*out untouched). */
int eval_total(const double *weight, const double *score, const int *has, int n, double *out);

/* The combined score from the parties' totals (indexed as eval_parties) where
 * locked[i] says the part is there and final: 1 and *out set when all three are;
 * 0 when a part is missing, with missing[] (may be NULL) set to 1 for each. */
int eval_combine(double w_self, double w_feedback, double w_third, const double total[3],
                 const int locked[3], double *out, int missing[3]);

/* Whether s is a rubric or criterion code: 1–32 of [A-Za-z0-9_-]. */
int eval_code_ok(const char *s);

/* ---- the store ---- */

typedef struct Criterion {
    int64_t id;
    const char *code, *name_zh, *name_en;
    double weight;
    int position;
} Criterion;

typedef struct Rubric {
    int64_t id;
    const char *code, *name_zh, *name_en, *created_by;
    double w_self, w_feedback, w_third;
    int active;
    int64_t created_at;
    Criterion *crit; /* in position order */
    int ncrit;
} Rubric;

/* Loads rubric `id` with its criteria (strings in arena a). 1 found, 0 not, -1 error. */
int rubric_load(Db *db, Arena *a, int64_t id, Rubric *out);
/* The rubric with this code. Same results. */
int rubric_load_code(Db *db, Arena *a, const char *code, Rubric *out);
/* The default rubric: the oldest active one. Same results. */
int rubric_default(Db *db, Arena *a, Rubric *out);
/* The rubric as the API shows it (new reference), with its criteria. */
json_t *rubric_json(const Rubric *rb);
/* Whether a locked evaluation uses rubric id: 1, 0, or -1 on error. */
int rubric_in_use(Db *db, int64_t id);

/* Inserts rubric rb (its fields already checked; criteria ids are filled in) inside
 * the caller's transaction; audited as actor. DB_OK (rb->id set), DB_CONSTRAINT
 * when the code exists, or the error. */
int rubric_insert(Db *db, const char *actor, Rubric *rb);
/* Replaces rubric `before` by `after` (same id, fields checked) inside the caller's
 * transaction: criteria matched by code are updated, new ones added, missing ones
 * removed with the draft scores given to them, and the drafts' totals recomputed.
 * The caller has made sure no locked evaluation uses it when criteria or weights
 * change. Audited as actor with before and after. DB_OK or the error. */
int rubric_update(Db *db, const char *actor, const Rubric *before, Rubric *after);

typedef struct Evaluation {
    int64_t id, project_id;
    const char *project_title, *project_status, *scope_path;
    const char *period, *party, *status, *comment, *author, *locked_by;
    int has_total;
    double total;
    int64_t locked_at, created_at, updated_at;
    Rubric rubric;
    /* per criterion of the rubric, in its order */
    int *has;
    double *score;
    const char **note;
} Evaluation;

/* Loads evaluation `id` with its rubric and scores (arena a). 1, 0 or -1. No scope check. */
int eval_load(Db *db, Arena *a, int64_t id, Evaluation *out);
/* The evaluation as the API shows it (new reference): fields, rubric, scores per
 * criterion (null where not scored yet), missing criteria. */
json_t *eval_json(const Evaluation *e);

/* Inserts a draft evaluation inside the caller's transaction; audited. DB_OK with
 * *id set, DB_CONSTRAINT when the project already has that party for the period. */
int eval_insert(Db *db, const char *actor, int64_t project_id, const char *scope_path,
                const char *period, const char *party, int64_t rubric_id, int64_t *id);

/* One score as given: the criterion's index in the rubric. */
typedef struct EvalScoreIn {
    int crit; /* index into rubric.crit */
    double score;
    const char *comment;
} EvalScoreIn;
/* Replaces the scores and the overall comment of draft `old` inside the caller's
 * transaction and recomputes the total; audited with before and after. DB_OK;
 * DB_DONE when the evaluation is no longer a draft (locked meanwhile: 409). */
int eval_put(Db *db, const char *actor, const Evaluation *old, const EvalScoreIn *in, int n,
             const char *comment);
/* Locks draft `id` inside the caller's transaction, when every criterion is scored;
 * audited with the scores. DB_OK; DB_DONE when it is locked or incomplete. */
int eval_lock_row(Db *db, const char *actor, int64_t id);

/* The three parts of a project and period, and the combined score. */
typedef struct EvalPart {
    int64_t id; /* 0: not started */
    const char *status, *author;
    int has_total;
    double total;
} EvalPart;
typedef struct EvalSummary {
    const char *period;
    int64_t rubric_id;
    const char *rubric_code;
    double w[3];
    EvalPart part[3];
    int has_combined;
    double combined;
    int missing[3];
    const char **assigned; /* logins assigned for the period, NULL-terminated */
} EvalSummary;
/* The periods of project `project_id` that have an evaluation or an assignment,
 * newest first, each summarised (arena a). Returns how many (≥ 0), or -1. */
int eval_summaries(Db *db, Arena *a, int64_t project_id, EvalSummary **out);
/* The summary as the API shows it (new reference). */
json_t *eval_summary_json(const EvalSummary *s);

/* The demo's evaluations (evaluation_demo.c): the standard rubric; for completed and
 * accepted projects and some in progress, evaluations of last year and of the
 * current half-year, most locked with scores 60–95, some drafts; assignments of
 * `evaluator` and `evaluator2` on a handful of projects each. Its own transaction.
 * 0, or 1 with err set. */
int evaluation_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);
/* Adds the standard rubric (code "standard") when it is not there, inside the
 * caller's transaction. 1 added, 0 there already, -1 error. */
int rubric_load_standard(Db *db, const char *actor);

/* ---- the request layer (evaluation.c) ---- */

/* The current period texts: this half-year ("2026H1") and last year ("2025"), as
 * out[0] and out[1] (each at least 8 bytes). */
void eval_current_periods(char half[8], char last_year[8]);
/* Whether the caller may fill the `party` evaluation of project p for period. */
int eval_may_fill(Req *r, const Project *p, const char *party, const char *period);
/* Whether the caller may assign evaluators to project p. */
int eval_may_assign(Req *r, const Project *p);
/* Whether a project in this status can be evaluated. */
int eval_status_ok(const char *project_status);
/* A party's / a status's name in the request's language (static text). */
const char *eval_party_label(Req *r, const char *party);
const char *eval_status_label(Req *r, const char *status);
/* A rubric's / a criterion's name in the request's language. */
const char *rubric_name(Req *r, const Rubric *rb);
const char *criterion_name(Req *r, const Criterion *c);

typedef enum {
    EVAL_OK,
    EVAL_INVALID,   /* 422: bad_field and why say what */
    EVAL_NOT_FOUND, /* 404 */
    EVAL_FORBIDDEN, /* 403 */
    EVAL_CONFLICT,  /* 409: why says what */
    EVAL_ERROR      /* 503 */
} EvalResult;

/* What starting an evaluation carries. rubric: a code or an id as text, or NULL. */
typedef struct EvalStart {
    int64_t project_id;
    const char *period, *party, *rubric;
} EvalStart;
/* Starts a draft evaluation for the caller. On EVAL_OK *id is the new one; on
 * EVAL_CONFLICT for a duplicate, *id is the existing one. bad_field/why are set on
 * EVAL_INVALID, why on EVAL_CONFLICT (arena text). */
EvalResult eval_start(Req *r, const EvalStart *in, int64_t *id, const char **bad_field,
                      const char **why);
/* Loads evaluation id for a write by the caller: 404 when missing or out of reach,
 * 403 when the caller is not its party, 409 when locked or the project is not in an
 * evaluable state (why says so). EVAL_OK with *e and *p filled. */
EvalResult eval_for_write(Req *r, int64_t id, Evaluation *e, Project *p, const char **why);
/* Saves scores (PUT) on an evaluation eval_for_write() gave; EVAL_OK, EVAL_CONFLICT
 * (locked meanwhile) or EVAL_ERROR. */
EvalResult eval_save(Req *r, const Evaluation *e, const EvalScoreIn *in, int n, const char *comment,
                     const char **why);
/* Locks it, optionally saving scores first in the same transaction (in may be NULL:
 * n < 0 means "keep the scores"). EVAL_CONFLICT names the missing criteria. */
EvalResult eval_lock(Req *r, const Evaluation *e, const EvalScoreIn *in, int n, const char *comment,
                     const char **why);
/* Assigns (or, remove set, unassigns) evaluator `login` on project p for period.
 * *created tells whether a new assignment was made. */
EvalResult eval_assign(Req *r, const Project *p, const char *login, const char *period, int remove,
                       int *created, const char **bad_field, const char **why);
/* Sends the JSON error for a result (422 names bad_field). */
void eval_send_result(Req *r, EvalResult res, const char *bad_field, const char *why);

/* The list filter (both the API and the pages). */
typedef struct EvalFilter {
    int64_t project_id; /* 0: any */
    const char *period, *party, *status;
    int64_t before_id, limit;
} EvalFilter;
/* The list's condition (internal to the evaluation*.c files): the project visible to
 * the caller, and the filter's project, period, party and status; `e` is the
 * evaluations alias. Bind EVAL_WHERE_ARGS(r, f) with types EVAL_WHERE_TYPES. */
#define EVAL_WHERE                                                                                 \
    PROJECT_REACH_SQL("e.project_id")                                                              \
    " AND (CAST(? AS BIGINT) = 0 OR e.project_id = ?) AND (CAST(? AS TEXT) IS NULL"                \
    " OR e.period = ?) AND (CAST(? AS TEXT) IS NULL OR e.party = ?)"                               \
    " AND (CAST(? AS TEXT) IS NULL OR e.status = ?)"
#define EVAL_WHERE_TYPES PROJECT_REACH_TYPES "iissssss"
#define EVAL_WHERE_ARGS(r, f)                                                                      \
    PROJECT_REACH_ARGS(r, CAP_DATA_READ), (f)->project_id, (f)->project_id, (f)->period,           \
        (f)->period, (f)->party, (f)->party, (f)->status, (f)->status
/* Reads and checks it from the query. 1, or 0 with a 400 or 404 sent. */
int eval_filter_from_query(Req *r, EvalFilter *f, int64_t default_limit, int64_t max_limit);
/* The scoped list (newest first, limit + 1 rows); read rows with eval_list_row(). */
DbStmt *eval_list_query(Req *r, const EvalFilter *f);
typedef struct EvalRow {
    int64_t id, project_id, rubric_id;
    const char *project_title, *lead_code, *lead_name, *period, *party, *status, *author,
        *rubric_code;
    int has_total;
    double total;
    int64_t updated_at;
} EvalRow;
void eval_list_row(DbStmt *s, Arena *a, EvalRow *row);

/* ---- handlers ---- */

void rubric_api_list(Req *r);   /* GET /api/v1/rubrics */
void rubric_api_create(Req *r); /* POST /api/v1/rubrics */
void rubric_api_get(Req *r);    /* GET /api/v1/rubrics/{id} */
void rubric_api_patch(Req *r);  /* PATCH /api/v1/rubrics/{id} */
void eval_api_assign(Req *r);   /* POST /api/v1/projects/{id}/evaluators */
void eval_api_unassign(Req *r); /* DELETE /api/v1/projects/{id}/evaluators/{login} */
void eval_api_project(Req *r);  /* GET /api/v1/projects/{id}/evaluations */
void eval_api_list(Req *r);     /* GET /api/v1/evaluations */
void eval_api_create(Req *r);   /* POST /api/v1/evaluations */
void eval_api_get(Req *r);      /* GET /api/v1/evaluations/{id} */
void eval_api_put(Req *r);      /* PUT /api/v1/evaluations/{id} */
void eval_api_lock(Req *r);     /* POST /api/v1/evaluations/{id}/lock */
void eval_page_index(Req *r);   /* GET /evaluations */
void eval_page_xlsx(Req *r);    /* GET /evaluations.xlsx */
void eval_page_create(Req *r);  /* POST /evaluations */
void eval_page_show(Req *r);    /* GET /evaluations/{id} */
void eval_page_save(Req *r);    /* POST /evaluations/{id} */
void eval_page_lock(Req *r);    /* POST /evaluations/{id}/lock */
void eval_page_assign(Req *r);  /* POST /projects/{id}/evaluators */

#endif
