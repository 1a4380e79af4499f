/* evaluation_api.c — the JSON API of the three-level evaluation (evaluation.h):
 * rubrics, evaluator assignments, evaluations and the per-project summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "evaluation.h"
#include "ui/i18n.h"

#define S_(x) ((x) ? (x) : "")

static int64_t path_id(Req *r)
{
    int64_t id;
    const char *s = req_param(r, "id");
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

static void busy(Req *r)
{
    req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
}

/* ---- rubrics ------------------------------------------------------------------- */

enum { MAX_CRITERIA = 30 };

typedef struct Bad {
    const char *field, *why;
} Bad;

static int bad(Bad *b, const char *field, const char *why)
{
    if (!b->field) b->field = field, b->why = why;
    return 0;
}

static const char *const crit_fields[] = {"code", "name_zh", "name_en", "weight", "position", NULL};

/* Reads a criteria array into rb. 1, or 0 with b set. */
static int criteria_from_json(Req *r, json_t *arr, Rubric *rb, Bad *b)
{
    if (!json_is_array(arr) || json_array_size(arr) < 1 || json_array_size(arr) > MAX_CRITERIA)
        return bad(b, "criteria", T(r, "must be a list of 1 to 30 criteria"));
    int n = (int)json_array_size(arr);
    rb->crit = arena_alloc(r->arena, sizeof *rb->crit * (size_t)n);
    rb->ncrit = n;
    for (int i = 0; i < n; i++) {
        json_t *c = json_array_get(arr, (size_t)i);
        Criterion *k = &rb->crit[i];
        memset(k, 0, sizeof *k);
        k->position = i + 1;
        k->name_en = "";
#define FIELD(name) arena_printf(r->arena, "criteria[%d].%s", i, name)
        if (!json_is_object(c)) return bad(b, FIELD("code"), T(r, "must be an object"));
        const char *key;
        json_t *v;
        json_object_foreach(c, key, v)
        {
            int known = 0;
            for (const char *const *f = crit_fields; *f; f++)
                known |= !strcmp(*f, key);
            if (!known) return bad(b, FIELD(key), T(r, "is not a known field"));
        }
        json_t *code = json_object_get(c, "code"), *zh = json_object_get(c, "name_zh"),
               *en = json_object_get(c, "name_en"), *w = json_object_get(c, "weight"),
               *pos = json_object_get(c, "position");
        if (!json_is_string(code) || !eval_code_ok(json_string_value(code)))
            return bad(b, FIELD("code"), T(r, "must be 1 to 32 letters, digits, _ or -"));
        k->code = arena_strdup(r->arena, json_string_value(code));
        for (int j = 0; j < i; j++)
            if (!strcmp(rb->crit[j].code, k->code))
                return bad(b, FIELD("code"), T(r, "appears twice"));
        if (!json_is_string(zh) || !*json_string_value(zh) ||
            !valid_text(json_string_value(zh), 200))
            return bad(b, FIELD("name_zh"),
                       T(r, "is required: at most 200 bytes, no control characters"));
        k->name_zh = arena_strdup(r->arena, json_string_value(zh));
        if (en) {
            if (!json_is_string(en) || !valid_text(json_string_value(en), 200))
                return bad(b, FIELD("name_en"),
                           T(r, "must be at most 200 bytes, no control characters"));
            k->name_en = arena_strdup(r->arena, json_string_value(en));
        }
        if (!json_is_number(w) || !isfinite(json_number_value(w)) || !(json_number_value(w) > 0) ||
            json_number_value(w) > 1000)
            return bad(b, FIELD("weight"), T(r, "must be a number greater than 0 (at most 1000)"));
        k->weight = json_number_value(w);
        if (pos) {
            if (!json_is_integer(pos) || json_integer_value(pos) < 0 ||
                json_integer_value(pos) > 1000)
                return bad(b, FIELD("position"), T(r, "must be a whole number from 0 to 1000"));
            k->position = (int)json_integer_value(pos);
        }
#undef FIELD
    }
    return 1;
}

/* Applies the fields of j onto rb (a copy of the old rubric for a patch). 1, or 0
 * with b set. *crit_given tells whether criteria were given. */
static int rubric_from_json(Req *r, json_t *j, Rubric *rb, int creating, Bad *b)
{
    json_t *v;
    if (creating) {
        v = json_object_get(j, "code");
        if (!json_is_string(v) || !eval_code_ok(json_string_value(v)))
            return bad(b, "code", T(r, "is required: 1 to 32 letters, digits, _ or -"));
        rb->code = arena_strdup(r->arena, json_string_value(v));
    }
    if ((v = json_object_get(j, "name_zh")) || creating) {
        if (!json_is_string(v) || !*json_string_value(v) || !valid_text(json_string_value(v), 200))
            return bad(b, "name_zh", T(r, "is required: at most 200 bytes, no control characters"));
        rb->name_zh = arena_strdup(r->arena, json_string_value(v));
    }
    if ((v = json_object_get(j, "name_en"))) {
        if (!json_is_string(v) || !valid_text(json_string_value(v), 200))
            return bad(b, "name_en", T(r, "must be at most 200 bytes, no control characters"));
        rb->name_en = arena_strdup(r->arena, json_string_value(v));
    }
    static const char *const wn[3] = {"w_self", "w_feedback", "w_third"};
    double *w[3] = {&rb->w_self, &rb->w_feedback, &rb->w_third};
    for (int i = 0; i < 3; i++) {
        if (!(v = json_object_get(j, wn[i]))) continue;
        if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0)
            return bad(b, wn[i], T(r, "must be a number of at least 0"));
        *w[i] = json_number_value(v);
    }
    if (!eval_weights_ok(rb->w_self, rb->w_feedback, rb->w_third))
        return bad(b, "w_self",
                   arena_printf(r->arena, "+ w_feedback + w_third %s (%g + %g + %g)",
                                T(r, "must add up to 1"), rb->w_self, rb->w_feedback, rb->w_third));
    if ((v = json_object_get(j, "active"))) {
        if (!json_is_boolean(v)) return bad(b, "active", T(r, "must be true or false"));
        rb->active = json_is_true(v);
    }
    if ((v = json_object_get(j, "criteria")) || creating) {
        if (!v) return bad(b, "criteria", T(r, "is required: a list of 1 to 30 criteria"));
        if (!criteria_from_json(r, v, rb, b)) return 0;
    }
    return 1;
}

/* Whether the caller holds plan.write at the root of the tree (rubrics are region-wide). */
static int may_write_rubrics(Req *r)
{
    DbStmt *s =
        db_q(r->db, "SELECT path FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", "");
    int ok = 0;
    if (s && db_step(s) == DB_ROW) ok = can(r, CAP_PLAN_WRITE, db_col_text(s, 0));
    db_done(s);
    return ok;
}

static void send_rubric(Req *r, int status, const Rubric *rb)
{
    json_t *j = rubric_json(rb);
    int used = rubric_in_use(r->db, rb->id);
    json_object_set_new(j, "in_use", json_boolean(used == 1));
    req_send_json(r, status, j);
}

void rubric_api_list(Req *r)
{
    const char *act = req_query(r, "active");
    if (act && *act && strcmp(act, "0") && strcmp(act, "1") && strcmp(act, "true") &&
        strcmp(act, "false")) {
        req_error(r, 400, "bad_param", T(r, "active must be true or false."));
        return;
    }
    int64_t want = act && *act ? (!strcmp(act, "1") || !strcmp(act, "true")) : -1;
    DbStmt *s =
        db_q(r->db, "SELECT id FROM rubrics WHERE CAST(? AS BIGINT) < 0 OR active = ? ORDER BY id",
             "ii", want, want);
    if (!s) {
        busy(r);
        return;
    }
    int64_t ids[256];
    int n = 0;
    while (db_step(s) == DB_ROW && n < 256)
        ids[n++] = db_col_int(s, 0);
    db_done(s);
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        Rubric rb;
        if (rubric_load(r->db, r->arena, ids[i], &rb) != 1) {
            json_decref(items);
            busy(r);
            return;
        }
        json_t *j = rubric_json(&rb);
        json_object_set_new(j, "in_use", json_boolean(rubric_in_use(r->db, rb.id) == 1));
        json_array_append_new(items, j);
    }
    req_send_json(r, 200, json_pack("{s:o}", "items", items));
}

void rubric_api_get(Req *r)
{
    Rubric rb;
    int64_t id = path_id(r);
    int f = id ? rubric_load(r->db, r->arena, id, &rb) : 0;
    if (f < 0) {
        busy(r);
        return;
    }
    if (!f) {
        req_not_found(r);
        return;
    }
    send_rubric(r, 200, &rb);
}

static const char *const rubric_create_fields[] = {
    "code", "name_zh", "name_en", "w_self", "w_feedback", "w_third", "active", "criteria", NULL};
static const char *const rubric_patch_fields[] = {"name_zh", "name_en", "w_self",   "w_feedback",
                                                  "w_third", "active",  "criteria", NULL};

void rubric_api_create(Req *r)
{
    json_t *j = req_json_object(r, rubric_create_fields);
    if (!j) return;
    if (!may_write_rubrics(r)) {
        json_decref(j);
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    Rubric rb = {.w_self = 0.2, .w_feedback = 0.3, .w_third = 0.5, .active = 1, .name_en = ""};
    Bad b = {0};
    int ok = rubric_from_json(r, j, &rb, 1, &b);
    json_decref(j);
    if (!ok) {
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", b.field, b.why));
        return;
    }
    Rubric old;
    int f = rubric_load_code(r->db, r->arena, rb.code, &old);
    if (f < 0) {
        busy(r);
        return;
    }
    if (f) {
        req_error(r, 409, "conflict",
                  arena_printf(r->arena, "%s: /api/v1/rubrics/%lld",
                               T(r, "A rubric with this code exists"), (long long)old.id));
        return;
    }
    int rc = db_begin(r->db);
    if (rc == DB_OK) rc = rubric_insert(r->db, r->auth.login, &rb);
    if (rc == DB_OK) rc = db_commit(r->db);
    if (rc != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_CONSTRAINT)
            req_error(r, 409, "conflict", T(r, "A rubric with this code exists"));
        else
            busy(r);
        return;
    }
    Rubric out;
    if (rubric_load(r->db, r->arena, rb.id, &out) != 1) {
        busy(r);
        return;
    }
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/rubrics/%lld", (long long)rb.id));
    send_rubric(r, 201, &out);
}

/* Whether the change touches what a locked evaluation was scored on: the
 * criteria's codes and weights, or the combined weights. */
static int changes_scoring(const Rubric *a, const Rubric *b)
{
    if (a->w_self != b->w_self || a->w_feedback != b->w_feedback || a->w_third != b->w_third)
        return 1;
    if (a->ncrit != b->ncrit) return 1;
    for (int i = 0; i < a->ncrit; i++) {
        int same = 0;
        for (int k = 0; k < b->ncrit; k++)
            if (!strcmp(a->crit[i].code, b->crit[k].code) && a->crit[i].weight == b->crit[k].weight)
                same = 1;
        if (!same) return 1;
    }
    return 0;
}

void rubric_api_patch(Req *r)
{
    json_t *j = req_json_object(r, rubric_patch_fields);
    if (!j) return;
    Rubric old;
    int64_t id = path_id(r);
    int f = id ? rubric_load(r->db, r->arena, id, &old) : 0;
    if (f <= 0) {
        json_decref(j);
        if (f < 0)
            busy(r);
        else
            req_not_found(r);
        return;
    }
    if (!may_write_rubrics(r)) {
        json_decref(j);
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    Rubric rb = old;
    Bad b = {0};
    int ok = rubric_from_json(r, j, &rb, 0, &b);
    json_decref(j);
    if (!ok) {
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", b.field, b.why));
        return;
    }
    int rc = db_begin(r->db);
    /* the check inside the transaction, after the rubric's row is taken (rubric_update
     * writes it first): a lock committed meanwhile is seen */
    if (rc == DB_OK)
        rc = db_run(r->db, "UPDATE rubrics SET active = active WHERE id = ?", "i", old.id);
    int used = rc == DB_OK ? rubric_in_use(r->db, old.id) : 0;
    if (rc == DB_OK && used < 0) rc = DB_ERROR;
    if (rc == DB_OK && used && changes_scoring(&old, &rb)) {
        db_rollback(r->db);
        req_error(r, 409, "conflict",
                  T(r, "A locked evaluation uses this rubric: its criteria and weights cannot "
                       "change; make a new rubric (allowed here: name_zh, name_en, active, and "
                       "the criteria's names and positions)"));
        return;
    }
    if (rc == DB_OK) rc = rubric_update(r->db, r->auth.login, &old, &rb);
    if (rc == DB_OK) rc = db_commit(r->db);
    if (rc != DB_OK) {
        db_rollback(r->db);
        busy(r);
        return;
    }
    Rubric out;
    if (rubric_load(r->db, r->arena, old.id, &out) != 1) {
        busy(r);
        return;
    }
    send_rubric(r, 200, &out);
}

/* ---- evaluations ------------------------------------------------------------------ */

static const char *const score_fields[] = {"criterion", "score", "comment", NULL};

/* Reads the scores array against rubric rb. 1 with *out and *n set, or 0 with b set. */
static int scores_from_json(Req *r, json_t *arr, const Rubric *rb, EvalScoreIn **out, int *n,
                            Bad *b)
{
    *out = NULL;
    *n = 0;
    if (!arr) return 1;
    if (!json_is_array(arr) || (int)json_array_size(arr) > rb->ncrit)
        return bad(b, "scores",
                   T(r, "must be a list of at most one score per criterion of the rubric"));
    int k = (int)json_array_size(arr);
    EvalScoreIn *in = arena_alloc(r->arena, sizeof *in * (size_t)(k + 1));
    for (int i = 0; i < k; i++) {
        json_t *x = json_array_get(arr, (size_t)i);
#define FIELD(name) arena_printf(r->arena, "scores[%d].%s", i, name)
        if (!json_is_object(x)) return bad(b, FIELD("criterion"), T(r, "must be an object"));
        const char *key;
        json_t *v;
        json_object_foreach(x, key, v)
        {
            int known = 0;
            for (const char *const *f = score_fields; *f; f++)
                known |= !strcmp(*f, key);
            if (!known) return bad(b, FIELD(key), T(r, "is not a known field"));
        }
        json_t *c = json_object_get(x, "criterion"), *s = json_object_get(x, "score"),
               *cm = json_object_get(x, "comment");
        in[i].crit = -1;
        for (int j = 0; json_is_string(c) && j < rb->ncrit; j++)
            if (!strcmp(rb->crit[j].code, json_string_value(c))) in[i].crit = j;
        if (in[i].crit < 0)
            return bad(b, FIELD("criterion"),
                       arena_printf(r->arena, "%s (%s)",
                                    T(r, "must be the code of a criterion of the rubric"),
                                    json_is_string(c) ? json_string_value(c) : ""));
        for (int j = 0; j < i; j++)
            if (in[j].crit == in[i].crit) return bad(b, FIELD("criterion"), T(r, "appears twice"));
        if (!json_is_number(s) || !isfinite(json_number_value(s)) || json_number_value(s) < 0 ||
            json_number_value(s) > 100)
            return bad(b, FIELD("score"), T(r, "must be a number from 0 to 100"));
        in[i].score = json_number_value(s);
        in[i].comment = "";
        if (cm) {
            if (!json_is_string(cm) || !valid_text(json_string_value(cm), 2000))
                return bad(b, FIELD("comment"),
                           T(r, "must be at most 2000 bytes, no control characters"));
            in[i].comment = arena_strdup(r->arena, json_string_value(cm));
        }
#undef FIELD
    }
    *out = in;
    *n = k;
    return 1;
}

static void send_eval(Req *r, int status, int64_t id)
{
    Evaluation e;
    if (eval_load(r->db, r->arena, id, &e) != 1) {
        busy(r);
        return;
    }
    req_send_json(r, status, eval_json(&e));
}

static const char *const create_fields[] = {"project", "period", "party", "rubric", NULL};

void eval_api_create(Req *r)
{
    json_t *j = req_json_object(r, create_fields);
    if (!j) return;
    EvalStart in = {0};
    const char *field = NULL, *why = NULL;
    json_t *pj = json_object_get(j, "project"), *per = json_object_get(j, "period"),
           *party = json_object_get(j, "party"), *rub = json_object_get(j, "rubric");
    if (!json_is_integer(pj) || json_integer_value(pj) < 1)
        field = "project", why = T(r, "is required: a project id");
    else if (!json_is_string(per))
        field = "period",
        why = T(r, "is required: a year such as 2025 or a half-year such as 2025H1");
    else if (!json_is_string(party))
        field = "party", why = T(r, "is required: one of self, feedback, third_party");
    else if (rub && !json_is_string(rub) && !json_is_integer(rub) && !json_is_null(rub))
        field = "rubric", why = T(r, "must be the code or id of an active rubric");
    if (field) {
        json_decref(j);
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", field, why));
        return;
    }
    in.project_id = json_integer_value(pj);
    in.period = arena_strdup(r->arena, json_string_value(per));
    in.party = arena_strdup(r->arena, json_string_value(party));
    if (json_is_string(rub)) in.rubric = arena_strdup(r->arena, json_string_value(rub));
    if (json_is_integer(rub))
        in.rubric = arena_printf(r->arena, "%lld", (long long)json_integer_value(rub));
    json_decref(j);
    int64_t id = 0;
    EvalResult res = eval_start(r, &in, &id, &field, &why);
    if (res != EVAL_OK) {
        eval_send_result(r, res, field, why);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/evaluations/%lld", (long long)id));
    send_eval(r, 201, id);
}

void eval_api_get(Req *r)
{
    Evaluation e;
    Project p;
    int64_t id = path_id(r);
    int f = id ? eval_load(r->db, r->arena, id, &e) : 0;
    if (f > 0) f = project_get_visible(r, e.project_id, &p);
    if (f < 0) {
        busy(r);
        return;
    }
    if (!f) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, eval_json(&e));
}

static const char *const put_fields[] = {"scores", "comment", NULL};

void eval_api_put(Req *r)
{
    json_t *j = req_json_object(r, put_fields);
    if (!j) return;
    Evaluation e;
    Project p;
    const char *why = NULL;
    EvalResult res = eval_for_write(r, path_id(r), &e, &p, &why);
    if (res != EVAL_OK) {
        json_decref(j);
        eval_send_result(r, res, NULL, why);
        return;
    }
    EvalScoreIn *in;
    int n;
    Bad b = {0};
    int ok = scores_from_json(r, json_object_get(j, "scores"), &e.rubric, &in, &n, &b);
    json_t *cm = json_object_get(j, "comment");
    const char *comment = "";
    if (ok && cm) {
        if (!json_is_string(cm) || !valid_text(json_string_value(cm), 4000))
            ok = bad(&b, "comment", T(r, "must be at most 4000 bytes, no control characters"));
        else
            comment = arena_strdup(r->arena, json_string_value(cm));
    }
    json_decref(j);
    if (!ok) {
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", b.field, b.why));
        return;
    }
    res = eval_save(r, &e, in, n, comment, &why);
    if (res != EVAL_OK) {
        eval_send_result(r, res, NULL, why);
        return;
    }
    send_eval(r, 200, e.id);
}

void eval_api_lock(Req *r)
{
    Evaluation e;
    Project p;
    const char *why = NULL;
    EvalResult res = eval_for_write(r, path_id(r), &e, &p, &why);
    if (res == EVAL_OK) res = eval_lock(r, &e, NULL, -1, NULL, &why);
    if (res != EVAL_OK) {
        eval_send_result(r, res, NULL, why);
        return;
    }
    send_eval(r, 200, e.id);
}

void eval_api_list(Req *r)
{
    EvalFilter f;
    if (!eval_filter_from_query(r, &f, 50, 500)) return;
    DbStmt *s = eval_list_query(r, &f);
    if (!s) {
        busy(r);
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0;
    int64_t last = 0;
    while (db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        EvalRow e;
        eval_list_row(s, r->arena, &e);
        json_t *x =
            json_pack("{s:I,s:{s:I,s:s,s:s,s:s},s:s,s:s,s:s,s:s,s:{s:I,s:s},s:I}", "id",
                      (json_int_t)e.id, "project", "id", (json_int_t)e.project_id, "title",
                      S_(e.project_title), "lead", S_(e.lead_code), "lead_name", S_(e.lead_name),
                      "period", S_(e.period), "party", S_(e.party), "status", S_(e.status),
                      "author", S_(e.author), "rubric", "id", (json_int_t)e.rubric_id, "code",
                      S_(e.rubric_code), "updated_at", (json_int_t)e.updated_at);
        json_object_set_new(x, "total", e.has_total ? json_real(e.total) : json_null());
        json_array_append_new(items, x);
        last = e.id;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    req_send_json(r, 200, out);
}

/* ---- per project --------------------------------------------------------------------- */

/* Loads the project of the path for the caller; 1, or 0 with 404/503 sent. */
static int visible_project(Req *r, Project *p)
{
    int64_t id = path_id(r);
    int f = id ? project_get_visible(r, id, p) : 0;
    if (f < 0) busy(r);
    if (f == 0) req_not_found(r);
    return f == 1;
}

void eval_api_project(Req *r)
{
    Project p;
    if (!visible_project(r, &p)) return;
    EvalSummary *sum;
    int n = eval_summaries(r->db, r->arena, p.id, &sum);
    if (n < 0) {
        busy(r);
        return;
    }
    json_t *periods = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(periods, eval_summary_json(&sum[i]));
    char half[8], last[8];
    eval_current_periods(half, last);
    json_t *fill = json_array();
    for (int i = 0; eval_parties[i]; i++)
        if (eval_may_fill(r, &p, eval_parties[i], half) ||
            eval_may_fill(r, &p, eval_parties[i], last))
            json_array_append_new(fill, json_string(eval_parties[i]));
    req_send_json(r, 200,
                  json_pack("{s:I,s:s,s:b,s:o,s:o}", "project", (json_int_t)p.id, "status",
                            S_(p.status), "may_assign", eval_may_assign(r, &p), "may_fill", fill,
                            "periods", periods));
}

static const char *const assign_fields[] = {"login", "period", NULL};

void eval_api_assign(Req *r)
{
    json_t *j = req_json_object(r, assign_fields);
    if (!j) return;
    json_t *lg = json_object_get(j, "login"), *per = json_object_get(j, "period");
    const char *login = json_is_string(lg) ? arena_strdup(r->arena, json_string_value(lg)) : NULL;
    const char *period =
        json_is_string(per) ? arena_strdup(r->arena, json_string_value(per)) : NULL;
    json_decref(j);
    Project p;
    if (!visible_project(r, &p)) return;
    int created = 0;
    const char *field = NULL, *why = NULL;
    EvalResult res = eval_assign(r, &p, login, period, 0, &created, &field, &why);
    if (res != EVAL_OK) {
        eval_send_result(r, res, field, why);
        return;
    }
    req_send_json(r, created ? 201 : 200,
                  json_pack("{s:I,s:s,s:s,s:b}", "project", (json_int_t)p.id, "period", period,
                            "login", login, "created", created));
}

void eval_api_unassign(Req *r)
{
    const char *period = req_query(r, "period"), *login = req_param(r, "login");
    EvalPeriod per;
    if (!period || !eval_period_parse(period, &per)) {
        req_error(r, 400, "bad_param",
                  T(r, "period must be a year such as 2025 or a half-year such as 2025H1."));
        return;
    }
    Project p;
    if (!visible_project(r, &p)) return;
    int created = 0;
    const char *field = NULL, *why = NULL;
    EvalResult res = eval_assign(r, &p, login, period, 1, &created, &field, &why);
    if (res != EVAL_OK) {
        eval_send_result(r, res, field, why);
        return;
    }
    r->status = 204;
}
