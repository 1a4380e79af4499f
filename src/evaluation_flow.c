/* evaluation_flow.c — see evaluation.h: who may fill which party and assign
 * evaluators, starting, saving and locking an evaluation for a request (each in
 * its own transaction, 409 when locked or the project is not evaluable), the
 * assignments, and the scoped list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "evaluation.h"
#include "target.h"
#include "ui/i18n.h"
#include "ui/layout.h"

#define S_(x) ((x) ? (x) : "")

static char *dup_col(Arena *a, DbStmt *s, int i)
{
    return db_col_is_null(s, i) ? NULL : arena_strdup(a, db_col_text(s, i));
}

/* ---- rights and dates -------------------------------------------------------------- */

/* Today in Asia/Shanghai as YYYY-MM-DD. */
static void today_ymd(char out[11])
{
    time_t t = (time_t)(now_s() + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void eval_current_periods(char half[8], char last_year[8])
{
    int m = target_today_month();
    int y = (m / 12) % 10000;
    snprintf(half, 8, "%04dH%d", y, m % 12 < 6 ? 1 : 2);
    snprintf(last_year, 8, "%04d", (y + 9999) % 10000);
}

int eval_status_ok(const char *st)
{
    return st &&
           (!strcmp(st, "in_progress") || !strcmp(st, "completed") || !strcmp(st, "accepted"));
}

/* Whether `user_id` is assigned to the project for the period and holds the
 * evaluator role. */
static int assigned(Db *db, int64_t project_id, const char *period, int64_t user_id)
{
    int64_t one = 0;
    int f = db_int(db, &one,
                   "SELECT 1 FROM evaluation_assignments ea WHERE ea.project_id = ?"
                   " AND ea.period = ? AND ea.user_id = ? AND EXISTS (SELECT 1 FROM grants g"
                   " WHERE g.user_id = ea.user_id AND g.role = 'evaluator')",
                   "isi", project_id, period, user_id);
    return f == 1;
}

int eval_may_fill(Req *r, const Project *p, const char *party, const char *period)
{
    switch (eval_party_index(party)) {
    case 0:
        return project_can(r, CAP_EVALUATE, p, "lead") ||
               project_can(r, CAP_PROJECT_WRITE, p, "lead");
    case 1:
        return project_can(r, CAP_EVALUATE, p, "recipient");
    case 2:
        return (r->auth.caps & CAPBIT(CAP_EVALUATE)) && period &&
               assigned(r->db, p->id, period, r->auth.user_id);
    default:
        return 0;
    }
}

int eval_may_assign(Req *r, const Project *p)
{
    return can(r, CAP_PROJECT_APPROVE, p->scope_path);
}

static const char *busy(Req *r)
{
    return T(r, "The service is busy. Please try again.");
}

static const char *not_evaluable(Req *r, const char *status)
{
    return arena_printf(r->arena, "%s (%s: %s)",
                        T(r, "Only projects in progress, completed or accepted are evaluated: "
                             "allowed in_progress, completed, accepted"),
                        T(r, "this project is"), S_(status));
}

/* ---- starting, saving, locking --------------------------------------------------------- */

/* Finds the rubric named by `spec` (a code, or an id in digits). 1, 0 or -1. */
static int rubric_by_spec(Db *db, Arena *a, const char *spec, Rubric *rb)
{
    int64_t id;
    if (parse_int(spec, 1, INT64_MAX / 2, &id)) {
        int f = rubric_load(db, a, id, rb);
        if (f) return f;
    }
    return eval_code_ok(spec) ? rubric_load_code(db, a, spec, rb) : 0;
}

EvalResult eval_start(Req *r, const EvalStart *in, int64_t *id, const char **bad_field,
                      const char **why)
{
    *id = 0;
    *bad_field = NULL;
    *why = NULL;
    EvalPeriod per;
    if (eval_party_index(in->party) < 0) {
        *bad_field = "party";
        *why = T(r, "must be one of self, feedback, third_party");
        return EVAL_INVALID;
    }
    if (!eval_period_parse(in->period, &per)) {
        *bad_field = "period";
        *why = T(r, "must be a year such as 2025 or a half-year such as 2025H1 or 2025H2");
        return EVAL_INVALID;
    }
    Project p;
    int f = in->project_id ? project_get_visible(r, in->project_id, &p) : 0;
    if (f < 0) return EVAL_ERROR;
    if (!f) return EVAL_NOT_FOUND;
    if (!eval_may_fill(r, &p, in->party, per.text)) return EVAL_FORBIDDEN;
    if (!eval_status_ok(p.status)) {
        *why = not_evaluable(r, p.status);
        return EVAL_CONFLICT;
    }
    char today[11];
    today_ymd(today);
    if (strcmp(per.first, today) > 0) {
        *bad_field = "period";
        *why = T(r, "must not lie in the future");
        return EVAL_INVALID;
    }
    if (p.start_date && strcmp(per.last, p.start_date) < 0) {
        *bad_field = "period";
        *why =
            arena_printf(r->arena, "%s (%s)", T(r, "ends before the project starts"), p.start_date);
        return EVAL_INVALID;
    }
    /* one rubric per project and period: that of the evaluations already there */
    int64_t used = 0;
    f = db_int(r->db, &used,
               "SELECT rubric_id FROM evaluations WHERE project_id = ? AND period = ? LIMIT 1",
               "is", p.id, per.text);
    if (f < 0) return EVAL_ERROR;
    Rubric rb;
    if (in->rubric && *in->rubric) {
        f = rubric_by_spec(r->db, r->arena, in->rubric, &rb);
        if (f < 0) return EVAL_ERROR;
        if (!f || !rb.active) {
            *bad_field = "rubric";
            *why = T(r, "must be the code or id of an active rubric");
            return EVAL_INVALID;
        }
        if (used && rb.id != used) {
            *bad_field = "rubric";
            *why = T(r, "must be the rubric of the other evaluations of this project and period");
            return EVAL_INVALID;
        }
    } else {
        f = used ? rubric_load(r->db, r->arena, used, &rb) : rubric_default(r->db, r->arena, &rb);
        if (f < 0) return EVAL_ERROR;
        if (!f) {
            *bad_field = "rubric";
            *why = T(r, "is required: there is no active rubric");
            return EVAL_INVALID;
        }
    }
    if (rb.ncrit == 0) {
        *bad_field = "rubric";
        *why = T(r, "has no criteria");
        return EVAL_INVALID;
    }
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = eval_insert(r->db, r->auth.login, p.id, p.scope_path, per.text, in->party, rb.id, id);
    if (rc == DB_OK) rc = db_commit(r->db);
    if (rc != DB_OK) db_rollback(r->db);
    if (rc == DB_CONSTRAINT) {
        db_int(r->db, id,
               "SELECT id FROM evaluations WHERE project_id = ? AND period = ? AND party = ?",
               "iss", p.id, per.text, in->party);
        *why = arena_printf(r->arena, "%s: /api/v1/evaluations/%lld",
                            T(r, "This project already has this party's evaluation for the period"),
                            (long long)*id);
        return EVAL_CONFLICT;
    }
    return rc == DB_OK ? EVAL_OK : EVAL_ERROR;
}

EvalResult eval_for_write(Req *r, int64_t id, Evaluation *e, Project *p, const char **why)
{
    *why = NULL;
    int f = id ? eval_load(r->db, r->arena, id, e) : 0;
    if (f < 0) return EVAL_ERROR;
    if (f) f = project_get_visible(r, e->project_id, p);
    if (f < 0) return EVAL_ERROR;
    if (!f) return EVAL_NOT_FOUND;
    if (!eval_may_fill(r, p, e->party, e->period)) return EVAL_FORBIDDEN;
    if (strcmp(e->status, "draft") != 0) {
        *why = arena_printf(r->arena, "%s (%s, %s); %s",
                            T(r, "This evaluation is locked and cannot change"), S_(e->locked_by),
                            fmt_time(r->arena, e->locked_at), T(r, "allowed: none"));
        return EVAL_CONFLICT;
    }
    if (!eval_status_ok(p->status)) {
        *why = not_evaluable(r, p->status);
        return EVAL_CONFLICT;
    }
    return EVAL_OK;
}

static EvalResult finish(Req *r, int rc, const char **why)
{
    if (rc == DB_OK) rc = db_commit(r->db);
    if (rc == DB_OK) return EVAL_OK;
    db_rollback(r->db);
    if (rc == DB_DONE) {
        *why = T(r, "This evaluation was locked meanwhile and cannot change; allowed: none");
        return EVAL_CONFLICT;
    }
    *why = busy(r);
    return EVAL_ERROR;
}

EvalResult eval_save(Req *r, const Evaluation *e, const EvalScoreIn *in, int n, const char *comment,
                     const char **why)
{
    int rc = db_begin(r->db);
    if (rc == DB_OK) rc = eval_put(r->db, r->auth.login, e, in, n, comment);
    return finish(r, rc, why);
}

EvalResult eval_lock(Req *r, const Evaluation *e, const EvalScoreIn *in, int n, const char *comment,
                     const char **why)
{
    int nc = e->rubric.ncrit;
    int *has = arena_alloc(r->arena, sizeof *has * (size_t)(nc + 1));
    for (int i = 0; i < nc; i++)
        has[i] = n < 0 ? e->has[i] : 0;
    for (int k = 0; k < n; k++)
        has[in[k].crit] = 1;
    const char *missing = "";
    for (int i = 0; i < nc; i++)
        if (!has[i])
            missing = arena_printf(r->arena, "%s%s%s", missing, *missing ? ", " : "",
                                   e->rubric.crit[i].code);
    if (*missing) {
        *why = arena_printf(r->arena, "%s: %s",
                            T(r, "Every criterion must be scored before the evaluation is "
                                 "locked; not scored yet"),
                            missing);
        return EVAL_CONFLICT;
    }
    int rc = db_begin(r->db);
    if (rc == DB_OK && n >= 0) rc = eval_put(r->db, r->auth.login, e, in, n, comment);
    if (rc == DB_OK) rc = eval_lock_row(r->db, r->auth.login, e->id);
    return finish(r, rc, why);
}

EvalResult eval_assign(Req *r, const Project *p, const char *login, const char *period, int remove,
                       int *created, const char **bad_field, const char **why)
{
    *created = 0;
    *bad_field = NULL;
    *why = NULL;
    if (!eval_may_assign(r, p)) return EVAL_FORBIDDEN;
    EvalPeriod per;
    if (!eval_period_parse(period, &per)) {
        *bad_field = "period";
        *why = T(r, "must be a year such as 2025 or a half-year such as 2025H1 or 2025H2");
        return EVAL_INVALID;
    }
    int64_t uid = 0;
    int f =
        login && valid_login(login)
            ? db_int(r->db, &uid,
                     "SELECT u.id FROM users u WHERE u.login = ? AND u.active = 1 AND EXISTS"
                     " (SELECT 1 FROM grants g WHERE g.user_id = u.id AND g.role = 'evaluator')",
                     "s", login)
            : 0;
    if (f < 0) return EVAL_ERROR;
    if (!f && !remove) {
        *bad_field = "login";
        *why = T(r, "must be the login of an active person holding the evaluator role");
        return EVAL_INVALID;
    }
    if (!f) return EVAL_NOT_FOUND;
    int rc = db_begin(r->db);
    int64_t hit = 0;
    if (rc == DB_OK) {
        DbStmt *s =
            remove ? db_q(r->db,
                          "DELETE FROM evaluation_assignments WHERE project_id = ? AND period = ?"
                          " AND user_id = ? RETURNING user_id",
                          "isi", p->id, per.text, uid)
                   : db_q(r->db,
                          "INSERT INTO evaluation_assignments(project_id, period, user_id,"
                          " assigned_by, assigned_at) VALUES (?,?,?,?,?)"
                          " ON CONFLICT (project_id, period, user_id) DO NOTHING RETURNING user_id",
                          "isisi", p->id, per.text, uid, r->auth.login, now_s());
        rc = s ? db_step(s) : DB_ERROR;
        hit = rc == DB_ROW;
        db_done(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK && hit) {
        json_t *j = json_pack("{s:I,s:s,s:s}", "project", (json_int_t)p->id, "period", per.text,
                              "login", login);
        char key[48];
        snprintf(key, sizeof key, "%lld:%s:%s", (long long)p->id, per.text, login);
        rc = audit_log(r->db, r->auth.login, remove ? "evaluation.unassign" : "evaluation.assign",
                       "evaluation_assignment", key, S_(p->scope_path), remove ? j : NULL,
                       remove ? NULL : j);
        json_decref(j);
    }
    if (rc == DB_OK) rc = db_commit(r->db);
    if (rc != DB_OK) {
        db_rollback(r->db);
        *why = busy(r);
        return EVAL_ERROR;
    }
    if (remove && !hit) return EVAL_NOT_FOUND;
    *created = (int)hit;
    return EVAL_OK;
}

void eval_send_result(Req *r, EvalResult res, const char *bad_field, const char *why)
{
    switch (res) {
    case EVAL_OK:
        break;
    case EVAL_INVALID:
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", S_(bad_field), S_(why)));
        break;
    case EVAL_NOT_FOUND:
        req_not_found(r);
        break;
    case EVAL_FORBIDDEN:
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        break;
    case EVAL_CONFLICT:
        req_error(r, 409, "conflict", why ? why : T(r, "Conflict."));
        break;
    default:
        req_error(r, 503, "busy", busy(r));
    }
}

/* ---- the list ------------------------------------------------------------------------ */

int eval_filter_from_query(Req *r, EvalFilter *f, int64_t default_limit, int64_t max_limit)
{
    memset(f, 0, sizeof *f);
    f->limit = default_limit;
    const char *pr = req_query(r, "project"), *per = req_query(r, "period"),
               *party = req_query(r, "party"), *st = req_query(r, "status"),
               *lim = req_query(r, "limit"), *cursor = req_query(r, "cursor");
    EvalPeriod p;
    const char *why = NULL;
    if (lim && *lim && !parse_int(lim, 1, max_limit, &f->limit))
        why = arena_printf(r->arena, "%s %lld.", T(r, "limit must be a whole number from 1 to"),
                           (long long)max_limit);
    else if (pr && *pr && !parse_int(pr, 1, INT64_MAX / 2, &f->project_id))
        why = T(r, "project must be a project id.");
    else if (per && *per && !eval_period_parse(per, &p))
        why = T(r, "period must be a year such as 2025 or a half-year such as 2025H1.");
    else if (party && *party && eval_party_index(party) < 0)
        why = T(r, "party must be one of self, feedback, third_party.");
    else if (st && *st && strcmp(st, "draft") && strcmp(st, "locked"))
        why = T(r, "status must be draft or locked.");
    else if (cursor && *cursor && !parse_int(cursor, 1, INT64_MAX / 2, &f->before_id))
        why = T(r, "cursor is not valid.");
    if (why) {
        if (req_is_api(r))
            req_error(r, 400, "bad_param", why);
        else
            page_error(r, 400, why);
        return 0;
    }
    f->period = per && *per ? per : NULL;
    f->party = party && *party ? party : NULL;
    f->status = st && *st ? st : NULL;
    if (f->project_id) {
        Project pj;
        int found = project_get_visible(r, f->project_id, &pj);
        if (found != 1) {
            if (found < 0)
                req_error(r, 503, "busy", busy(r));
            else
                req_not_found(r);
            return 0;
        }
    }
    return 1;
}

DbStmt *eval_list_query(Req *r, const EvalFilter *f)
{
    return db_q(r->db,
                "SELECT e.id, e.project_id, p.title, lead.code, lead.name_zh, e.period, e.party,"
                " e.status, e.author, e.rubric_id, rb.code, e.total, e.updated_at"
                " FROM evaluations e JOIN projects p ON p.id = e.project_id"
                " JOIN orgs lead ON lead.id = p.lead_org_id JOIN rubrics rb ON rb.id = e.rubric_id"
                " WHERE " EVAL_WHERE " AND (CAST(? AS BIGINT) = 0 OR e.id < ?)"
                " ORDER BY e.id DESC LIMIT ?",
                EVAL_WHERE_TYPES "iii", EVAL_WHERE_ARGS(r, f), f->before_id, f->before_id,
                f->limit + 1);
}

void eval_list_row(DbStmt *s, Arena *a, EvalRow *row)
{
    memset(row, 0, sizeof *row);
    row->id = db_col_int(s, 0);
    row->project_id = db_col_int(s, 1);
    row->project_title = dup_col(a, s, 2);
    row->lead_code = dup_col(a, s, 3);
    row->lead_name = dup_col(a, s, 4);
    row->period = dup_col(a, s, 5);
    row->party = dup_col(a, s, 6);
    row->status = dup_col(a, s, 7);
    row->author = dup_col(a, s, 8);
    row->rubric_id = db_col_int(s, 9);
    row->rubric_code = dup_col(a, s, 10);
    row->has_total = !db_col_is_null(s, 11);
    row->total = db_col_double(s, 11);
    row->updated_at = db_col_int(s, 12);
}
