/* supervision.c — see supervision.h: the order states, the store, audited
 * writes, the scoped lists and the API. */
#include "supervision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "need.h"
#include "project.h"
#include "target.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* ---- pure logic ------------------------------------------------------------------- */

const char *const supervision_ratings[] = {"excellent", "good", "fair", "poor", NULL};
const char *const rectification_statuses[] = {"open", "answered", "closed", NULL};

int supervision_rating_ok(const char *s)
{
    for (const char *const *p = supervision_ratings; s && *p; p++)
        if (!strcmp(*p, s)) return 1;
    return 0;
}

/* The moves: from, to, and the action that makes it. */
static const struct {
    const char *from, *to, *action;
} moves[] = {
    {"open", "answered", "answer"},
    {"answered", "closed", "close"},
    {"answered", "open", "reopen"},
};
enum { NMOVES = (int)(sizeof moves / sizeof moves[0]) };

int rectification_allowed(const char *from, const char *to)
{
    for (int i = 0; from && to && i < NMOVES; i++)
        if (!strcmp(moves[i].from, from) && !strcmp(moves[i].to, to)) return 1;
    return 0;
}

int rectification_actions(const char *from, const char **out, int max)
{
    int n = 0;
    for (int i = 0; from && i < NMOVES && n < max; i++)
        if (!strcmp(moves[i].from, from)) out[n++] = moves[i].action;
    return n;
}

void supervision_today(char out[11])
{
    time_t t = (time_t)(now_s() + 8 * 3600); /* Asia/Shanghai, no daylight saving */
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    memcpy(out, tmp, 10);
    out[10] = 0;
}

const char *supervision_rating_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "excellent")) return T(r, "Excellent");
    if (!strcmp(s, "good")) return T(r, "Good");
    if (!strcmp(s, "fair")) return T(r, "Fair");
    if (!strcmp(s, "poor")) return T(r, "Poor");
    return s;
}

const char *rectification_status_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "open")) return T(r, "Open, awaiting the unit's answer");
    if (!strcmp(s, "answered")) return T(r, "Answered, awaiting the supervisor");
    if (!strcmp(s, "closed")) return T(r, "Closed");
    return s;
}

int64_t supervision_id_param(Req *r)
{
    int64_t id;
    const char *s = req_param(r, "id");
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

const char *supervision_top_unit(Req *r)
{
    const Grant *g = target_top_grant(r, CAP_DATA_READ);
    return g ? g->org_code : NULL;
}

/* ---- the store ---------------------------------------------------------------------- */

static const char *dup(Arena *a, DbStmt *s, int i)
{
    return db_col_is_null(s, i) ? NULL : arena_strdup(a, db_col_text(s, i));
}

#define RECT_COLS                                                                                  \
    "x.id, x.supervision_id, x.org_id, o.code, o.name_zh, o.name_en, o.path, x.demand,"            \
    " x.deadline, x.status, x.response, x.responded_by, x.responded_at, x.closed_by,"              \
    " x.closed_at, x.created_by, x.created_at"

void rect_row(DbStmt *s, Arena *a, const char *today, Rectification *x)
{
    memset(x, 0, sizeof *x);
    x->id = db_col_int(s, 0);
    x->supervision_id = db_col_int(s, 1);
    x->org_id = db_col_int(s, 2);
    x->org_code = dup(a, s, 3);
    x->org_name_zh = dup(a, s, 4);
    x->org_name_en = dup(a, s, 5);
    x->org_path = dup(a, s, 6);
    x->demand = dup(a, s, 7);
    x->deadline = dup(a, s, 8);
    x->status = dup(a, s, 9);
    x->response = dup(a, s, 10);
    x->responded_by = dup(a, s, 11);
    x->responded_at = db_col_int(s, 12);
    x->closed_by = dup(a, s, 13);
    x->closed_at = db_col_int(s, 14);
    x->created_by = dup(a, s, 15);
    x->created_at = db_col_int(s, 16);
    x->overdue = !strcmp(x->status, "open") && strcmp(x->deadline, today) < 0;
}

#define VISIT_COLS                                                                                 \
    "s.id, s.org_id, o.code, o.name_zh, o.name_en, o.path, o.kind, s.project_id, p.title,"         \
    " s.visited_on, s.findings, s.rating, s.created_by, s.created_at"

static void visit_fields(DbStmt *s, Arena *a, Supervision *v)
{
    memset(v, 0, sizeof *v);
    v->id = db_col_int(s, 0);
    v->org_id = db_col_int(s, 1);
    v->org_code = dup(a, s, 2);
    v->org_name_zh = dup(a, s, 3);
    v->org_name_en = dup(a, s, 4);
    v->org_path = dup(a, s, 5);
    v->org_kind = dup(a, s, 6);
    v->project_id = db_col_is_null(s, 7) ? 0 : db_col_int(s, 7);
    v->project_title = dup(a, s, 8);
    v->visited_on = dup(a, s, 9);
    v->findings = dup(a, s, 10);
    v->rating = dup(a, s, 11);
    v->created_by = dup(a, s, 12);
    v->created_at = db_col_int(s, 13);
}

void visit_row(DbStmt *s, Arena *a, Supervision *v, int64_t *orders, int64_t *overdue)
{
    visit_fields(s, a, v);
    if (orders) *orders = db_col_int(s, 14);
    if (overdue) *overdue = db_col_int(s, 15);
}

int supervision_load(Db *db, Arena *a, int64_t id, Supervision *out)
{
    DbStmt *s = db_q(db,
                     "SELECT " VISIT_COLS " FROM supervisions s JOIN orgs o ON o.id = s.org_id"
                     " LEFT JOIN projects p ON p.id = s.project_id WHERE s.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s);
    if (rc == DB_ROW) visit_fields(s, a, out);
    db_done(s);
    if (rc != DB_ROW) return rc == DB_DONE ? 0 : -1;
    int64_t n = 0;
    if (db_int(db, &n, "SELECT count(*) FROM rectifications WHERE supervision_id = ?", "i", id) < 0)
        return -1;
    out->orders = arena_alloc(a, sizeof *out->orders * (size_t)(n + 1));
    char today[11];
    supervision_today(today);
    s = db_q(db,
             "SELECT " RECT_COLS " FROM rectifications x JOIN orgs o ON o.id = x.org_id"
             " WHERE x.supervision_id = ? ORDER BY x.id",
             "i", id);
    while (s && out->norders < n && db_step(s) == DB_ROW)
        rect_row(s, a, today, &out->orders[out->norders++]);
    db_done(s);
    return s ? 1 : -1;
}

int rectification_load(Db *db, Arena *a, int64_t id, Rectification *out)
{
    char today[11];
    supervision_today(today);
    DbStmt *s = db_q(db,
                     "SELECT " RECT_COLS " FROM rectifications x JOIN orgs o ON o.id = x.org_id"
                     " WHERE x.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s);
    if (rc == DB_ROW) rect_row(s, a, today, out);
    db_done(s);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *rectification_json(const Rectification *x)
{
    json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:I}", "id", (json_int_t)x->id,
                          "supervision", (json_int_t)x->supervision_id, "org", x->org_code,
                          "org_name", x->org_name_zh, "demand", x->demand, "deadline", x->deadline,
                          "status", x->status, "overdue", x->overdue, "created_by", x->created_by,
                          "created_at", (json_int_t)x->created_at);
    json_object_set_new(j, "response", str_or_null(x->response));
    json_object_set_new(j, "responded_by", str_or_null(x->responded_by));
    json_object_set_new(j, "responded_at",
                        x->responded_by ? json_integer(x->responded_at) : json_null());
    json_object_set_new(j, "closed_by", str_or_null(x->closed_by));
    json_object_set_new(j, "closed_at", x->closed_by ? json_integer(x->closed_at) : json_null());
    const char *acts[4];
    int k = rectification_actions(x->status, acts, 4);
    json_t *next = json_array();
    for (int i = 0; i < k; i++)
        json_array_append_new(next, json_string(acts[i]));
    json_object_set_new(j, "next", next);
    return j;
}

json_t *supervision_json(const Supervision *v)
{
    json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)v->id, "org",
                          v->org_code, "org_name", v->org_name_zh, "visited_on", v->visited_on,
                          "findings", v->findings, "rating", v->rating, "created_by", v->created_by,
                          "created_at", (json_int_t)v->created_at);
    json_object_set_new(j, "project", v->project_id ? json_integer(v->project_id) : json_null());
    json_object_set_new(j, "project_title", str_or_null(v->project_title));
    json_t *orders = json_array();
    for (int i = 0; i < v->norders; i++)
        json_array_append_new(orders, rectification_json(&v->orders[i]));
    json_object_set_new(j, "orders", orders);
    return j;
}

/* ---- writes ------------------------------------------------------------------------- */

static void result(SupResult *res, int status, const char *code, const char *message)
{
    res->status = status;
    res->code = code;
    res->message = message;
}

static void invalid(Req *r, SupResult *res, const char *field, const char *why)
{
    result(res, 422, "invalid", arena_printf(r->arena, "%s %s", field, why));
}

static void busy(Req *r, SupResult *res)
{
    result(res, 503, "busy", T(r, "The service is busy. Please try again."));
}

/* Checks one order's demand and deadline against the visit date. 1, or 0 with res set. */
static int check_order(Req *r, const char *prefix, const char *demand, const char *deadline,
                       const char *visited_on, SupResult *res)
{
    const char *fd = arena_printf(r->arena, "%sdemand", prefix),
               *fl = arena_printf(r->arena, "%sdeadline", prefix);
    if (!demand || !*demand) {
        invalid(r, res, fd, T(r, "is required: what the unit must change"));
        return 0;
    }
    if (!valid_text(demand, 2000)) {
        invalid(r, res, fd, T(r, "must be at most 2000 bytes, no control characters"));
        return 0;
    }
    if (!need_date_ok(deadline)) {
        invalid(r, res, fl, T(r, "must be a real date written YYYY-MM-DD"));
        return 0;
    }
    if (strcmp(deadline, visited_on) < 0) {
        invalid(r, res, fl, T(r, "must not be before the visit"));
        return 0;
    }
    return 1;
}

/* Inserts one order of visit sid at org, audited. DB_OK or an error; *id the new id. */
static int insert_order(Req *r, int64_t sid, int64_t org_id, const char *org_path,
                        const char *demand, const char *deadline, int64_t now, int64_t *id)
{
    DbStmt *s = db_q(r->db,
                     "INSERT INTO rectifications(supervision_id, org_id, demand, deadline, status,"
                     " created_by, created_at) VALUES (?,?,?,?,'open',?,?) RETURNING id",
                     "iisssi", sid, org_id, demand, deadline, r->auth.login, now);
    int rc = s ? db_step(s) : DB_ERROR;
    *id = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (rc != DB_ROW) return rc == DB_DONE ? DB_ERROR : rc;
    json_t *after =
        json_pack("{s:I,s:I,s:s,s:s,s:s}", "id", (json_int_t)*id, "supervision", (json_int_t)sid,
                  "demand", demand, "deadline", deadline, "status", "open");
    rc = audit_log(r->db, r->auth.login, "rectification.create", "rectification",
                   arena_printf(r->arena, "%lld", (long long)*id), org_path, NULL, after);
    json_decref(after);
    return rc;
}

void supervision_create(Req *r, const VisitInput *in, SupResult *res)
{
    memset(res, 0, sizeof *res);
    if (!in->org || !*in->org) {
        invalid(r, res, "org", T(r, "is required: the code of the unit visited"));
        return;
    }
    Org o;
    int f = valid_code(in->org) ? org_load(r->db, r->arena, in->org, &o) : 0;
    if (f < 0) return busy(r, res);
    if (!f || !can(r, CAP_DATA_READ, o.path)) {
        result(res, 404, "not_found", T(r, "Not found."));
        return;
    }
    if (!can(r, CAP_SUPERVISE, o.path)) {
        result(res, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    int64_t pid = 0;
    if (in->project && *in->project) {
        if (!parse_int(in->project, 1, INT64_MAX / 2, &pid)) {
            invalid(r, res, "project", T(r, "must be a project number"));
            return;
        }
        int64_t hit = 0;
        f = db_int(r->db, &hit,
                   "SELECT p.id FROM projects p WHERE p.id = ? AND " PROJECT_REACH_SQL("p.id"),
                   "i" PROJECT_REACH_TYPES, pid, PROJECT_REACH_ARGS(r, CAP_DATA_READ));
        if (f < 0) return busy(r, res);
        if (!f) {
            result(res, 404, "not_found", T(r, "Not found."));
            return;
        }
        /* the project must be there: its lead or a recipient school in the unit */
        f = db_int(r->db, &hit,
                   "SELECT count(*) FROM projects p JOIN orgs lo ON lo.id = p.lead_org_id"
                   " WHERE p.id = ? AND (substr(lo.path, 1, length(CAST(? AS TEXT))) = ?"
                   " OR EXISTS (SELECT 1 FROM project_recipients pr JOIN orgs ro"
                   " ON ro.id = pr.school_id WHERE pr.project_id = p.id"
                   " AND substr(ro.path, 1, length(CAST(? AS TEXT))) = ?))",
                   "issss", pid, o.path, o.path, o.path, o.path);
        if (f < 0) return busy(r, res);
        if (!hit) {
            invalid(r, res, "project",
                    T(r, "must be a project of the unit visited (its lead or a recipient school "
                         "there)"));
            return;
        }
    }
    char today[11];
    supervision_today(today);
    if (!need_date_ok(in->visited_on)) {
        invalid(r, res, "visited_on", T(r, "must be a real date written YYYY-MM-DD"));
        return;
    }
    if (strcmp(in->visited_on, today) > 0) {
        invalid(r, res, "visited_on", T(r, "must not be in the future"));
        return;
    }
    if (!in->findings || !*in->findings) {
        invalid(r, res, "findings", T(r, "is required"));
        return;
    }
    if (!valid_text(in->findings, 4000)) {
        invalid(r, res, "findings", T(r, "must be at most 4000 bytes, no control characters"));
        return;
    }
    if (!supervision_rating_ok(in->rating)) {
        invalid(r, res, "rating", T(r, "must be one of excellent, good, fair, poor"));
        return;
    }
    for (int i = 0; i < in->norders; i++)
        if (!check_order(r, arena_printf(r->arena, "orders[%d].", i), in->orders[i].demand,
                         in->orders[i].deadline, in->visited_on, res))
            return;
    int64_t now = now_s(), sid = 0;
    int rc = db_begin(r->db);
    if (rc == DB_OK) {
        DbStmt *s =
            db_q(r->db,
                 "INSERT INTO supervisions(org_id, project_id, visited_on, findings,"
                 " rating, created_by, created_at) VALUES (?,?,?,?,?,?,?) RETURNING id",
                 "isssssi", o.id, pid ? arena_printf(r->arena, "%lld", (long long)pid) : NULL,
                 in->visited_on, in->findings, in->rating, r->auth.login, now);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) sid = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
    }
    json_t *ids = json_array();
    for (int i = 0; i < in->norders && rc == DB_OK; i++) {
        int64_t oid = 0;
        rc = insert_order(r, sid, o.id, o.path, in->orders[i].demand, in->orders[i].deadline, now,
                          &oid);
        json_array_append_new(ids, json_integer(oid));
    }
    if (rc == DB_OK) {
        json_t *after = json_pack("{s:I,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)sid, "org", o.code,
                                  "visited_on", in->visited_on, "findings", in->findings, "rating",
                                  in->rating, "orders", json_incref(ids));
        json_object_set_new(after, "project", pid ? json_integer(pid) : json_null());
        rc = audit_log(r->db, r->auth.login, "supervision.create", "supervision",
                       arena_printf(r->arena, "%lld", (long long)sid), o.path, NULL, after);
        json_decref(after);
    }
    json_decref(ids);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return busy(r, res);
    }
    res->id = sid;
}

void rectification_create(Req *r, int64_t sid, const char *demand, const char *deadline,
                          SupResult *res)
{
    memset(res, 0, sizeof *res);
    Supervision v;
    int f = sid ? supervision_load(r->db, r->arena, sid, &v) : 0;
    if (f < 0) return busy(r, res);
    if (!f || !can(r, CAP_DATA_READ, v.org_path)) {
        result(res, 404, "not_found", T(r, "Not found."));
        return;
    }
    if (!can(r, CAP_SUPERVISE, v.org_path)) {
        result(res, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    if (!check_order(r, "", demand, deadline, v.visited_on, res)) return;
    int64_t id = 0;
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = insert_order(r, sid, v.org_id, v.org_path, demand, deadline, now_s(), &id);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return busy(r, res);
    }
    res->id = id;
}

/* "close, reopen" — the actions from a status, or a word for none. */
static const char *allowed_text(Req *r, const char *status, const char **space_list)
{
    const char *acts[4];
    int k = rectification_actions(status, acts, 4);
    const char *out = "", *list = "";
    for (int i = 0; i < k; i++) {
        out = arena_printf(r->arena, "%s%s%s", out, i ? ", " : "", acts[i]);
        list = arena_printf(r->arena, "%s%s%s", list, i ? " " : "", acts[i]);
    }
    *space_list = list;
    return k ? out : T(r, "none: a closed order is final");
}

void rectification_move(Req *r, int64_t id, const char *action, const char *text,
                        const char *deadline, SupResult *res)
{
    memset(res, 0, sizeof *res);
    Rectification x;
    int f = id ? rectification_load(r->db, r->arena, id, &x) : 0;
    if (f < 0) return busy(r, res);
    if (!f || !can(r, CAP_DATA_READ, x.org_path)) {
        result(res, 404, "not_found", T(r, "Not found."));
        return;
    }
    const char *to = !strcmp(action, "answer")   ? "answered"
                     : !strcmp(action, "close")  ? "closed"
                     : !strcmp(action, "reopen") ? "open"
                                                 : NULL;
    Cap need = !strcmp(action, "answer") ? CAP_DATA_WRITE : CAP_SUPERVISE;
    if (!to || !can(r, need, x.org_path)) {
        result(res, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    res->id = id;
    if (!rectification_allowed(x.status, to)) {
        const char *list = "";
        const char *allowed = allowed_text(r, x.status, &list);
        result(res, 409, "conflict",
               arena_printf(r->arena, "%s %s (%s); %s: %s", T(r, "This order cannot be"),
                            !strcmp(action, "answer")  ? T(r, "answered")
                            : !strcmp(action, "close") ? T(r, "closed")
                                                       : T(r, "reopened"),
                            x.status, T(r, "allowed from here"), allowed));
        res->allowed = list;
        return;
    }
    char today[11];
    supervision_today(today);
    if (!strcmp(action, "answer")) {
        if (!text || !*text)
            return invalid(r, res, "response", T(r, "is required: what the unit changed"));
        if (!valid_text(text, 4000))
            return invalid(r, res, "response",
                           T(r, "must be at most 4000 bytes, no control characters"));
    } else if (!strcmp(action, "reopen")) {
        if (!need_date_ok(deadline))
            return invalid(r, res, "deadline", T(r, "must be a real date written YYYY-MM-DD"));
        if (strcmp(deadline, today) < 0)
            return invalid(r, res, "deadline", T(r, "must not be before today"));
    }
    int64_t now = now_s(), hit = 0;
    int rc = db_begin(r->db);
    if (rc == DB_OK) {
        DbStmt *s;
        /* the status guard makes a concurrent move lose, not overwrite */
        if (!strcmp(action, "answer"))
            s = db_q(r->db,
                     "UPDATE rectifications SET status = 'answered', response = ?,"
                     " responded_by = ?, responded_at = ? WHERE id = ? AND status = 'open'"
                     " RETURNING id",
                     "ssii", text, r->auth.login, now, id);
        else if (!strcmp(action, "close"))
            s = db_q(r->db,
                     "UPDATE rectifications SET status = 'closed', closed_by = ?, closed_at = ?"
                     " WHERE id = ? AND status = 'answered' RETURNING id",
                     "sii", r->auth.login, now, id);
        else
            s = db_q(r->db,
                     "UPDATE rectifications SET status = 'open', deadline = ?"
                     " WHERE id = ? AND status = 'answered' RETURNING id",
                     "si", deadline, id);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK && hit) {
        json_t *before = rectification_json(&x);
        Rectification y;
        rc = rectification_load(r->db, r->arena, id, &y) == 1 ? DB_OK : DB_ERROR;
        json_t *after = rc == DB_OK ? rectification_json(&y) : NULL;
        json_object_del(before, "next");
        json_object_del(before, "overdue");
        if (after) json_object_del(after, "next"), json_object_del(after, "overdue");
        if (rc == DB_OK)
            rc = audit_log(r->db, r->auth.login, arena_printf(r->arena, "rectification.%s", action),
                           "rectification", arena_printf(r->arena, "%lld", (long long)id),
                           x.org_path, before, after);
        json_decref(before);
        json_decref(after);
    }
    if (rc != DB_OK || !hit || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_OK && !hit) {
            result(res, 409, "conflict",
                   T(r, "The order was changed by someone else meanwhile; reload it and try "
                        "again."));
            return;
        }
        return busy(r, res);
    }
}

/* ---- lists ------------------------------------------------------------------------------ */

DbStmt *rect_list_query(Req *r, const RectFilter *f, const char *today)
{
    return db_q(r->db,
                "SELECT " RECT_COLS " FROM rectifications x JOIN orgs o ON o.id = x.org_id"
                " JOIN supervisions s ON s.id = x.supervision_id WHERE " REACH_SQL(
                    "o.path") " AND (CAST(? AS TEXT) IS NULL OR substr(o.path, 1, length(CAST(? AS "
                              "TEXT))) = ?)"
                              " AND (CAST(? AS TEXT) IS NULL OR x.status = ?)"
                              " AND (CAST(? AS BIGINT) = 0 OR " RECTIFICATION_OVERDUE_SQL(
                                  "x") ")"
                                       " AND (CAST(? AS BIGINT) = 0 OR x.supervision_id = ?)"
                                       " AND (CAST(? AS BIGINT) = 0 OR s.project_id = ?)"
                                       " AND (CAST(? AS BIGINT) = 0 OR x.id < ?)"
                                       " ORDER BY x.id DESC LIMIT ?",
                "is"
                "sss"
                "ss"
                "is"
                "ii"
                "ii"
                "ii"
                "i",
                REACH_ARGS(r, CAP_DATA_READ), f->org_path, f->org_path, f->org_path, f->status,
                f->status, (int64_t)f->overdue, today, f->supervision_id, f->supervision_id,
                f->project_id, f->project_id, f->before_id, f->before_id, f->limit + 1);
}

DbStmt *rect_counts_query(Req *r, const RectFilter *f, int64_t unit_id, const char *today)
{
    return db_q(
        r->db,
        "SELECT c.code, c.name_zh, c.name_en, count(*) FROM rectifications x"
        " JOIN orgs o ON o.id = x.org_id JOIN supervisions s ON s.id = x.supervision_id"
        " JOIN orgs c ON ((c.parent_id = ? AND substr(o.path, 1, length(c.path)) = c.path)"
        "  OR (c.id = ? AND o.id = c.id))"
        " WHERE " REACH_SQL("o.path") " AND (CAST(? AS TEXT) IS NULL OR x.status = ?)"
                                      " AND (CAST(? AS BIGINT) = 0 OR " RECTIFICATION_OVERDUE_SQL(
                                          "x") ")"
                                               " AND (CAST(? AS BIGINT) = 0 OR s.project_id = ?)"
                                               " GROUP BY c.code, c.name_zh, c.name_en ORDER BY "
                                               "count(*) DESC, c.code",
        "ii"
        "is"
        "ss"
        "is"
        "ii",
        unit_id, unit_id, REACH_ARGS(r, CAP_DATA_READ), f->status, f->status, (int64_t)f->overdue,
        today, f->project_id, f->project_id);
}

DbStmt *visit_list_query(Req *r, const VisitFilter *f, const char *today)
{
    return db_q(r->db,
                "SELECT " VISIT_COLS ","
                " (SELECT count(*) FROM rectifications x WHERE x.supervision_id = s.id),"
                " (SELECT count(*) FROM rectifications x WHERE x.supervision_id = s.id"
                "  AND " RECTIFICATION_OVERDUE_SQL(
                    "x") ")"
                         " FROM supervisions s JOIN orgs o ON o.id = s.org_id"
                         " LEFT JOIN projects p ON p.id = s.project_id WHERE " REACH_SQL(
                             "o.path") " AND (CAST(? AS TEXT) IS NULL OR substr(o.path, 1, "
                                       "length(CAST(? AS TEXT))) = ?)"
                                       " AND (CAST(? AS TEXT) IS NULL OR s.rating = ?)"
                                       " AND (CAST(? AS TEXT) IS NULL OR s.visited_on >= ?)"
                                       " AND (CAST(? AS TEXT) IS NULL OR s.visited_on <= ?)"
                                       " AND (CAST(? AS BIGINT) = 0 OR s.project_id = ?)"
                                       " AND (CAST(? AS BIGINT) = 0 OR s.id < ?)"
                                       " ORDER BY s.id DESC LIMIT ?",
                "s"
                "is"
                "sss"
                "ss"
                "ss"
                "ss"
                "ii"
                "ii"
                "i",
                today, REACH_ARGS(r, CAP_DATA_READ), f->org_path, f->org_path, f->org_path,
                f->rating, f->rating, f->from, f->from, f->to, f->to, f->project_id, f->project_id,
                f->before_id, f->before_id, f->limit + 1);
}

int supervision_filters(Req *r, VisitFilter *vf, RectFilter *rf, int64_t default_limit, Org *unit,
                        int *have_unit)
{
    memset(vf, 0, sizeof *vf);
    memset(rf, 0, sizeof *rf);
    *have_unit = 0;
    vf->limit = rf->limit = default_limit;
    const char *org = req_query(r, "org"), *project = req_query(r, "project"),
               *rating = req_query(r, "rating"), *from = req_query(r, "from"),
               *to = req_query(r, "to"), *status = req_query(r, "status"),
               *overdue = req_query(r, "overdue"), *lim = req_query(r, "limit"),
               *cursor = req_query(r, "cursor"), *ocursor = req_query(r, "ocursor");
    const char *why = NULL;
    int64_t pid = 0;
    if (lim && *lim && !parse_int(lim, 1, 500, &vf->limit))
        why = T(r, "limit must be a whole number from 1 to 500.");
    else if (cursor && *cursor && !parse_int(cursor, 1, INT64_MAX / 2, &vf->before_id))
        why = T(r, "cursor is not valid.");
    else if (ocursor && *ocursor && !parse_int(ocursor, 1, INT64_MAX / 2, &rf->before_id))
        why = T(r, "ocursor is not valid.");
    else if (project && *project && !parse_int(project, 1, INT64_MAX / 2, &pid))
        why = T(r, "project must be a project number.");
    else if (rating && *rating && !supervision_rating_ok(rating))
        why = T(r, "rating must be one of excellent, good, fair, poor.");
    else if (status && *status && strcmp(status, "open") && strcmp(status, "answered") &&
             strcmp(status, "closed"))
        why = T(r, "status must be one of open, answered, closed.");
    else if ((from && *from && !need_date_ok(from)) || (to && *to && !need_date_ok(to)))
        why = T(r, "from and to must be dates written YYYY-MM-DD.");
    else if (overdue && *overdue && strcmp(overdue, "0") && strcmp(overdue, "1"))
        why = T(r, "overdue must be 1 or 0.");
    else if (org && *org && !valid_code(org))
        why = T(r, "org must be an organisation code.");
    if (why) {
        if (req_is_api(r))
            req_error(r, 400, "bad_param", why);
        else
            page_error(r, 400, why);
        return 0;
    }
    rf->limit = vf->limit;
    vf->project_id = rf->project_id = pid;
    vf->rating = rating && *rating ? rating : NULL;
    vf->from = from && *from ? from : NULL;
    vf->to = to && *to ? to : NULL;
    rf->status = status && *status ? status : NULL;
    rf->overdue = overdue && !strcmp(overdue, "1");
    const char *code = org && *org ? org : supervision_top_unit(r);
    if (code) {
        int f = org_load(r->db, r->arena, code, unit);
        if (f < 0) {
            if (req_is_api(r))
                req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
            else
                page_error(r, 503, T(r, "The service is busy. Please try again."));
            return 0;
        }
        if (!f || !can(r, CAP_DATA_READ, unit->path)) {
            req_not_found(r);
            return 0;
        }
        *have_unit = 1;
        if (org && *org) vf->org_path = rf->org_path = unit->path;
    }
    return 1;
}
