/* project_flow.c — see project.h: the state machine, the approval chain from
 * table approval_rules, who may take which action, the audited transitions and
 * the approval-rules API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/money.h"
#include "core/util.h"
#include "project_int.h"
#include "ui/i18n.h"

/* ---- the state machine (pure) ------------------------------------------------ */

const char *const project_actions[] = {"submit",  "withdraw", "approve",  "reject", "start",
                                       "suspend", "resume",   "complete", "accept", NULL};

static const struct {
    const char *from, *action, *to;
} moves[] = {
    {"draft", "submit", "submitted"},         {"rejected", "submit", "submitted"},
    {"submitted", "withdraw", "draft"},       {"submitted", "approve", "approved"},
    {"submitted", "reject", "rejected"},      {"approved", "start", "in_progress"},
    {"in_progress", "suspend", "suspended"},  {"suspended", "resume", "in_progress"},
    {"in_progress", "complete", "completed"}, {"completed", "accept", "accepted"},
};

const char *project_action_target(const char *status, const char *action)
{
    for (size_t i = 0; status && action && i < sizeof moves / sizeof moves[0]; i++)
        if (!strcmp(moves[i].from, status) && !strcmp(moves[i].action, action)) return moves[i].to;
    return NULL;
}

int project_actions_from(const char *status, const char **out, int max)
{
    int n = 0;
    for (const char *const *a = project_actions; *a && n < max; a++)
        if (project_action_target(status, *a)) out[n++] = *a;
    return n;
}

int project_chain(const char *scope_kind, const char *top_level, const char **out)
{
    int s = project_level_rank(scope_kind), t = project_level_rank(top_level);
    if (s < 0 || t < s) return 0;
    int n = 0;
    for (int i = s; i <= t; i++)
        out[n++] = project_levels[i];
    return n;
}

const char *project_next_level(const char *scope_kind, const char *top_level,
                               const char *level_done)
{
    const char *chain[4];
    int n = project_chain(scope_kind, top_level, chain);
    if (!n) return NULL;
    if (!level_done) return chain[0];
    for (int i = 0; i < n; i++)
        if (!strcmp(chain[i], level_done)) return i + 1 < n ? chain[i + 1] : NULL;
    return chain[0]; /* a level outside the chain: start again */
}

const char *approval_rule_top(const ApprovalRule *rules, int n, const char *scope_kind,
                              int64_t budget)
{
    const ApprovalRule *best = NULL;
    for (int i = 0; scope_kind && i < n; i++) {
        const ApprovalRule *x = &rules[i];
        if (strcmp(x->scope_kind, scope_kind) || budget < x->min_fen) continue;
        if (x->max_fen >= 0 && budget >= x->max_fen) continue;
        if (!best || x->min_fen < best->min_fen) best = x;
    }
    return best ? best->top_level : NULL;
}

int approval_rules_check(const ApprovalRule *rules, int n, int *index, const char **why)
{
    for (int i = 0; i < n; i++) {
        const ApprovalRule *x = &rules[i];
        *index = i;
        int s = project_level_rank(x->scope_kind), t = project_level_rank(x->top_level);
        if (s < 0) return *why = "scope_kind must be one of school, county, prefecture, region", 0;
        if (t < 0) return *why = "top_level must be one of school, county, prefecture, region", 0;
        if (t < s) return *why = "top_level must not be below scope_kind", 0;
        if (x->min_fen < 0) return *why = "min_fen must be 0 or more", 0;
        if (x->max_fen >= 0 && x->max_fen <= x->min_fen)
            return *why = "max_fen must be above min_fen, or null", 0;
        for (int k = 0; k < i; k++) {
            const ApprovalRule *y = &rules[k];
            if (strcmp(x->scope_kind, y->scope_kind)) continue;
            int64_t xmax = x->max_fen < 0 ? INT64_MAX : x->max_fen;
            int64_t ymax = y->max_fen < 0 ? INT64_MAX : y->max_fen;
            if (x->min_fen < ymax && y->min_fen < xmax)
                return *why = "min_fen overlaps the band of another rule of the same scope_kind", 0;
        }
    }
    return 1;
}

/* ---- the rule table -------------------------------------------------------------- */

#define YUAN(y) ((int64_t)(y)*100)

static const ApprovalRule standard_rules[] = {
    {0, "school", "school", 0, YUAN(50000)},
    {0, "school", "county", YUAN(50000), YUAN(500000)},
    {0, "school", "prefecture", YUAN(500000), -1},
    {0, "county", "county", 0, YUAN(500000)},
    {0, "county", "prefecture", YUAN(500000), YUAN(2000000)},
    {0, "county", "region", YUAN(2000000), -1},
    {0, "prefecture", "prefecture", 0, YUAN(2000000)},
    {0, "prefecture", "region", YUAN(2000000), -1},
    {0, "region", "region", 0, -1},
};
enum { N_STANDARD = (int)(sizeof standard_rules / sizeof standard_rules[0]) };

static json_t *rules_json(const ApprovalRule *rules, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *j = json_pack("{s:s,s:I,s:s}", "scope_kind", rules[i].scope_kind, "min_fen",
                              (json_int_t)rules[i].min_fen, "top_level", rules[i].top_level);
        json_object_set_new(j, "max_fen",
                            rules[i].max_fen < 0 ? json_null()
                                                 : json_integer((json_int_t)rules[i].max_fen));
        if (rules[i].id) json_object_set_new(j, "id", json_integer((json_int_t)rules[i].id));
        json_array_append_new(a, j);
    }
    return a;
}

/* Inserts rules as the active set. DB_OK or error. */
static int insert_rules(Db *db, const ApprovalRule *rules, int n)
{
    int rc = DB_OK;
    int64_t now = now_s();
    for (int i = 0; rc == DB_OK && i < n; i++)
        rc = db_run(db,
                    "INSERT INTO approval_rules(scope_kind, min_fen, max_fen, top_level, active,"
                    " created_at) VALUES (?, ?, CASE WHEN CAST(? AS BIGINT) < 0 THEN NULL ELSE"
                    " CAST(? AS BIGINT) END, ?, 1, ?)",
                    "siiisi", rules[i].scope_kind, rules[i].min_fen, rules[i].max_fen,
                    rules[i].max_fen, rules[i].top_level, now);
    return rc;
}

int approval_rules_load_standard(Db *db, const char *actor, char *err, size_t errlen)
{
    int64_t n = 0;
    if (db_int(db, &n, "SELECT count(*) FROM approval_rules", "") < 0) {
        snprintf(err, errlen, "approval rules: %s", db_errmsg(db));
        return -1;
    }
    if (n > 0) return 0;
    int rc = insert_rules(db, standard_rules, N_STANDARD);
    if (rc == DB_OK) {
        json_t *after = json_pack("{s:o}", "rules", rules_json(standard_rules, N_STANDARD));
        rc = audit_log(db, actor, "approval_rules.standard", "approval_rules", "active", "", NULL,
                       after);
        json_decref(after);
    }
    if (rc != DB_OK) {
        snprintf(err, errlen, "approval rules: %s", db_errmsg(db));
        return -1;
    }
    return N_STANDARD;
}

int approval_rules_load(Db *db, Arena *a, ApprovalRule **out)
{
    DbStmt *s = db_q(db,
                     "SELECT id, scope_kind, min_fen, COALESCE(max_fen, -1), top_level FROM"
                     " approval_rules WHERE active = 1 ORDER BY id",
                     "");
    if (!s) return -1;
    int n = 0, cap = 16, rc;
    ApprovalRule *v = arena_alloc(a, sizeof *v * (size_t)cap);
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            ApprovalRule *w = arena_alloc(a, sizeof *w * (size_t)cap * 2);
            memcpy(w, v, sizeof *v * (size_t)n);
            v = w, cap *= 2;
        }
        v[n].id = db_col_int(s, 0);
        v[n].scope_kind = arena_strdup(a, db_col_text(s, 1));
        v[n].min_fen = db_col_int(s, 2);
        v[n].max_fen = db_col_int(s, 3);
        v[n].top_level = arena_strdup(a, db_col_text(s, 4));
        n++;
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    *out = v;
    return n;
}

/* ---- who may do what --------------------------------------------------------------- */

/* Whether the caller may decide at `level` for p: project.approve through a grant
 * at an organisation of that kind containing the scope, and not the author. */
static int may_decide(Req *r, const Project *p, const char *level)
{
    if (!level || !p->created_by || !strcmp(p->created_by, r->auth.login)) return 0;
    return project_grant_reaches(r, CAP_PROJECT_APPROVE, p->scope_path, level);
}

int project_may(Req *r, const Project *p, const char *action)
{
    if (!project_action_target(p->status, action) || !r->auth.login) return 0;
    if (!strcmp(action, "submit") || !strcmp(action, "start") || !strcmp(action, "complete"))
        return project_can(r, CAP_PROJECT_WRITE, p, "lead");
    if (!strcmp(action, "withdraw"))
        return !strcmp(p->created_by, r->auth.login) &&
               project_can(r, CAP_PROJECT_WRITE, p, "lead");
    if (!strcmp(action, "approve") || !strcmp(action, "reject"))
        return may_decide(r, p, project_next_level(p->scope_kind, p->top_level, p->level_done));
    if (!strcmp(action, "suspend") || !strcmp(action, "resume"))
        return project_grant_reaches(r, CAP_PROJECT_APPROVE, p->scope_path, NULL);
    if (!strcmp(action, "accept")) return may_decide(r, p, p->top_level);
    return 0;
}

/* ---- transitions ------------------------------------------------------------------- */

/* "approve, reject" — the actions legal from status, or a word for none. */
static const char *allowed_text(Req *r, const char *status)
{
    const char *acts[16];
    int k = project_actions_from(status, acts, 16);
    if (!k) return T(r, "none: this status is final");
    const char *out = "";
    for (int i = 0; i < k; i++)
        out = arena_printf(r->arena, "%s%s%s", out, i ? ", " : "", acts[i]);
    return out;
}

static int action_ok(const char *a)
{
    for (const char *const *x = project_actions; a && *x; x++)
        if (!strcmp(*x, a)) return 1;
    return 0;
}

ProjectResult project_transition(Req *r, int64_t id, const char *action, const char *comment,
                                 ProjectInput *in, Project *out, const char **why)
{
    *why = NULL;
    int f = project_get_visible(r, id, out);
    if (f < 0) return PROJECT_ERROR;
    if (!f) return PROJECT_NOT_FOUND;
    if (!action_ok(action)) {
        project_fail(in, "action",
                     T(r, "must be one of submit, withdraw, approve, reject, start, suspend, "
                          "resume, complete, accept"));
        return PROJECT_INVALID;
    }
    Project old = *out;
    const char *to = project_action_target(old.status, action);
    if (!to) {
        *why = arena_printf(r->arena, "%s %s → %s; %s: %s", T(r, "A project cannot go from"),
                            old.status, action, T(r, "allowed from here"),
                            allowed_text(r, old.status));
        return PROJECT_CONFLICT;
    }
    if (!comment) comment = "";
    if (!valid_text(comment, 2000)) {
        project_fail(in, "comment", T(r, "must be at most 2000 bytes, no control characters"));
        return PROJECT_INVALID;
    }
    int needs_comment = !strcmp(action, "reject") || !strcmp(action, "accept");
    if (needs_comment && !*comment) {
        project_fail(in, "comment",
                     !strcmp(action, "reject")
                         ? T(r, "is required: the reasons the application is returned")
                         : T(r, "is required: the acceptance opinion"));
        return PROJECT_INVALID;
    }
    if (!project_may(r, &old, action)) return PROJECT_FORBIDDEN;

    /* the new state */
    const char *top = old.top_level, *done = old.level_done, *level = NULL;
    int64_t now = now_s(), submitted_at = old.submitted_at, accepted_at = old.accepted_at;
    if (!strcmp(action, "submit")) {
        ApprovalRule *rules = NULL;
        int n = approval_rules_load(r->db, r->arena, &rules);
        if (n < 0) return PROJECT_ERROR;
        top = approval_rule_top(rules, n, old.scope_kind, old.budget_fen);
        const char *chain[4];
        if (!top || !project_chain(old.scope_kind, top, chain)) {
            *why = arena_printf(r->arena, "%s (%s, %s %s)",
                                T(r, "No approval rule covers this project; ask the region to "
                                     "add one"),
                                old.scope_kind, fen_text(r->arena, old.budget_fen), T(r, "yuan"));
            return PROJECT_CONFLICT;
        }
        done = NULL;
        submitted_at = now;
    } else if (!strcmp(action, "withdraw")) {
        top = NULL, done = NULL;
    } else if (!strcmp(action, "approve") || !strcmp(action, "reject")) {
        level = project_next_level(old.scope_kind, old.top_level, old.level_done);
        if (!strcmp(action, "approve")) {
            done = level;
            if (strcmp(level, old.top_level)) to = "submitted"; /* on to the next level */
        }
    } else if (!strcmp(action, "accept")) {
        accepted_at = now;
        level = old.top_level;
    }

    json_t *before = project_audit_json(r, &old);
    int rc = db_begin(r->db);
    int64_t hit = 0;
    if (rc == DB_OK) {
        /* guarded by the state read: a concurrent decision makes this one lose */
        DbStmt *s = db_q(r->db,
                         "UPDATE projects SET status = ?, top_level = ?, level_done = ?,"
                         " submitted_at = ?, accepted_at = ?, updated_at = ?"
                         " WHERE id = ? AND status = ? AND COALESCE(level_done, '') = ?"
                         " RETURNING id",
                         "sssiiiiss", to, top, done, submitted_at ? submitted_at : (int64_t)0,
                         accepted_at, now, id, old.status, old.level_done ? old.level_done : "");
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK && hit && (!strcmp(action, "approve") || !strcmp(action, "reject")))
        rc = db_run(r->db,
                    "INSERT INTO project_decisions(project_id, level, decision, comment,"
                    " decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                    "issssi", id, level, action, comment, r->auth.login, now);
    if (rc == DB_OK && hit && project_load(r->db, r->arena, id, out) != 1) rc = DB_ERROR;
    if (rc == DB_OK && hit) {
        json_t *after = project_audit_json(r, out);
        json_object_set_new(after, "action", json_string(action));
        json_object_set_new(after, "comment", json_string(comment));
        if (level) json_object_set_new(after, "level", json_string(level));
        rc = audit_log(r->db, r->auth.login, arena_printf(r->arena, "project.%s", action),
                       "project", arena_printf(r->arena, "%lld", (long long)id), out->scope_path,
                       before, after);
        json_decref(after);
    }
    for (int y = project_first_year(out); rc == DB_OK && hit && y && y <= project_last_year(out);
         y++)
        if (project_feed(r->db, r->auth.login, out->lead_id, y) != 0) rc = DB_ERROR;
    json_decref(before);
    if (rc != DB_OK || !hit || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        *out = old;
        if (rc == DB_OK && !hit) {
            *why = T(r, "The project was changed by someone else meanwhile; reload it and try "
                        "again.");
            return PROJECT_CONFLICT;
        }
        return PROJECT_ERROR;
    }
    return PROJECT_OK;
}

/* ---- API ----------------------------------------------------------------------------- */

static const char *const transition_fields[] = {"action", "comment", NULL};

void project_api_transition(Req *r)
{
    int64_t id = project_id_param(r, "id");
    Project p;
    int f = project_get_visible(r, id, &p);
    if (f <= 0) {
        if (f < 0)
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        else
            req_not_found(r);
        return;
    }
    json_t *j = req_json_object(r, transition_fields);
    if (!j) return;
    ProjectInput in = {0};
    json_t *a = json_object_get(j, "action"), *c = json_object_get(j, "comment");
    const char *action = json_is_string(a) ? arena_strdup(r->arena, json_string_value(a)) : NULL;
    const char *comment = json_is_string(c) ? arena_strdup(r->arena, json_string_value(c)) : NULL;
    int bad_comment = c && !json_is_string(c) && !json_is_null(c);
    json_decref(j);
    if (bad_comment) {
        project_fail(&in, "comment", T(r, "must be a string"));
        project_send_result(r, PROJECT_INVALID, &in, &p, NULL);
        return;
    }
    const char *why = NULL;
    ProjectResult res = project_transition(r, id, action, comment, &in, &p, &why);
    if (res != PROJECT_OK) {
        project_send_result(r, res, &in, &p, why);
        return;
    }
    req_send_json(r, 200, project_json(r, &p));
}

void approval_rules_api_get(Req *r)
{
    ApprovalRule *rules = NULL;
    int n = approval_rules_load(r->db, r->arena, &rules);
    if (n < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_send_json(r, 200, json_pack("{s:o}", "items", rules_json(rules, n)));
}

static const char *const rules_fields[] = {"rules", NULL};

void approval_rules_api_put(Req *r)
{
    /* the rules are the region's: plan.write at the root */
    Arena *a = r->arena;
    DbStmt *s =
        db_q(r->db, "SELECT path FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", "");
    const char *root = s && db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : NULL;
    db_done(s);
    if (!root || !can(r, CAP_PLAN_WRITE, root)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    json_t *j = req_json_object(r, rules_fields);
    if (!j) return;
    json_t *list = json_object_get(j, "rules");
    if (!json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > 100) {
        json_decref(j);
        req_error(r, 422, "invalid", T(r, "rules must be a list of 1 to 100 rules"));
        return;
    }
    int n = (int)json_array_size(list);
    ApprovalRule *rules = arena_alloc(a, sizeof *rules * (size_t)n);
    for (int i = 0; i < n; i++) {
        json_t *x = json_array_get(list, (size_t)i);
        json_t *sk = json_object_get(x, "scope_kind"), *tl = json_object_get(x, "top_level"),
               *mn = json_object_get(x, "min_fen"), *mx = json_object_get(x, "max_fen");
        const char *bad = NULL;
        if (!json_is_object(x))
            bad = "must be an object";
        else if (!json_is_string(sk))
            bad = "scope_kind must be one of school, county, prefecture, region";
        else if (!json_is_string(tl))
            bad = "top_level must be one of school, county, prefecture, region";
        else if (mn && !json_is_integer(mn))
            bad = "min_fen must be 0 or more";
        else if (mx && !json_is_null(mx) && !json_is_integer(mx))
            bad = "max_fen must be above min_fen, or null";
        if (bad) {
            json_decref(j);
            req_error(r, 422, "invalid", arena_printf(a, "rules[%d].%s", i, T(r, bad)));
            return;
        }
        rules[i].id = 0;
        rules[i].scope_kind = arena_strdup(a, json_string_value(sk));
        rules[i].top_level = arena_strdup(a, json_string_value(tl));
        rules[i].min_fen = mn ? json_integer_value(mn) : 0;
        rules[i].max_fen = mx && json_is_integer(mx) ? json_integer_value(mx) : -1;
        if (mx && json_is_integer(mx) && rules[i].max_fen < 0) rules[i].max_fen = 0; /* refused */
    }
    json_decref(j);
    int bad_i = 0;
    const char *why = NULL;
    if (!approval_rules_check(rules, n, &bad_i, &why)) {
        req_error(r, 422, "invalid", arena_printf(a, "rules[%d].%s", bad_i, T(r, why)));
        return;
    }
    ApprovalRule *old = NULL;
    int nold = approval_rules_load(r->db, a, &old);
    if (nold < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = db_run(r->db, "UPDATE approval_rules SET active = 0 WHERE active = 1", "");
    if (rc == DB_OK) rc = insert_rules(r->db, rules, n);
    if (rc == DB_OK) {
        json_t *before = json_pack("{s:o}", "rules", rules_json(old, nold));
        json_t *after = json_pack("{s:o}", "rules", rules_json(rules, n));
        rc = audit_log(r->db, r->auth.login, "approval_rules.replace", "approval_rules", "active",
                       root, before, after);
        json_decref(before);
        json_decref(after);
    }
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    approval_rules_api_get(r);
}
