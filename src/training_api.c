/* training_api.c — see training.h: the JSON API of the teachers registry and the
 * training records, and the rule summary of a unit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "need.h"
#include "training.h"
#include "ui/i18n.h"

/* ---- the API: teachers -------------------------------------------------------------- */

static json_t *teacher_audit_json(const Teacher *t)
{
    json_t *j = teacher_json(t);
    json_object_del(j, "school_name");
    json_object_del(j, "created_at");
    return j;
}

static int64_t id_param(Req *r)
{
    int64_t id;
    const char *s = req_param(r, "id");
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

/* Finishes a write: commit, or roll back with 503 (busy) or the error. 1 committed. */
static int finish(Req *r, int rc)
{
    if (rc == DB_OK && db_commit(r->db) == DB_OK) return 1;
    db_rollback(r->db);
    if (rc == DB_BUSY || rc == DB_OK)
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    else
        training_db_error(r);
    return 0;
}

static const char *const teacher_create_fields[] = {"school", "name", "subject", NULL};
static const char *const teacher_patch_fields[] = {"name", "subject", "active", NULL};

/* Reads an optional string member; 1 fine (absent leaves *out), 0 with a 422 sent. */
static int str_field(Req *r, json_t *j, const char *key, const char **out)
{
    json_t *v = json_object_get(j, key);
    if (!v) return 1;
    if (!json_is_string(v)) {
        training_invalid(r, key, T(r, "must be a string"));
        return 0;
    }
    *out = arena_strdup(r->arena, json_string_value(v));
    return 1;
}

void training_teacher_create(Req *r, const char *school, const char *name, const char *subject,
                             TrainingOutcome *out)
{
    memset(out, 0, sizeof *out);
    out->status = 422;
    if (!subject) subject = "";
    if (!school || !*school) {
        out->field = "school", out->why = T(r, "is required");
        return;
    }
    Org o;
    int f = valid_code(school) ? org_load(r->db, r->arena, school, &o) : 0;
    if (f < 0) {
        out->status = 503;
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, o.path) || strcmp(o.kind, "school")) {
        out->field = "school", out->why = T(r, "must be the code of a school in your reach");
        return;
    }
    if (!can(r, CAP_TRAINING_WRITE, o.path)) {
        out->status = 403;
        return;
    }
    if (!training_name_ok(name)) {
        out->field = "name", out->why = T(r, "must be 1 to 50 characters");
        return;
    }
    if (!valid_text(subject, 100)) {
        out->field = "subject", out->why = T(r, "must be at most 100 bytes, no control characters");
        return;
    }
    int taken = teacher_name_taken(r->db, o.id, name, 0);
    if (taken) {
        out->status = taken < 0 ? 503 : 409;
        out->why = T(r, "A teacher of this name is already in the school's registry; add a "
                        "distinguishing mark to the name, e.g. the subject.");
        return;
    }
    int rc = db_begin(r->db);
    int64_t id = 0;
    if (rc == DB_OK) id = teacher_insert(r->db, r->auth.login, o.id, o.path, name, subject, &rc);
    int years[16];
    int ny = rc == DB_OK ? training_years_of_school(r->db, o.id, years, 16) : -1;
    if (rc == DB_OK)
        rc = ny < 0 ? DB_ERROR : training_refeed(r->db, r->auth.login, o.id, o.path, years, ny);
    if (rc == DB_OK && db_commit(r->db) == DB_OK) {
        out->status = 201;
        out->id = id;
        return;
    }
    db_rollback(r->db);
    out->status = 503;
}

void training_send_outcome(Req *r, const TrainingOutcome *out)
{
    switch (out->status) {
    case 422:
        training_invalid(r, out->field, out->why);
        return;
    case 404:
        req_not_found(r);
        return;
    case 403:
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    case 409:
        req_error(r, 409, "conflict", out->why);
        return;
    default:
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    }
}

void teacher_api_create(Req *r)
{
    json_t *j = req_json_object(r, teacher_create_fields);
    if (!j) return;
    const char *school = NULL, *name = NULL, *subject = "";
    int ok = str_field(r, j, "school", &school) && str_field(r, j, "name", &name) &&
             str_field(r, j, "subject", &subject);
    json_decref(j);
    if (!ok) return;
    TrainingOutcome out;
    training_teacher_create(r, school, name, subject, &out);
    if (out.status != 201) {
        training_send_outcome(r, &out);
        return;
    }
    Teacher t;
    if (teacher_load(r->db, r->arena, out.id, &t) != 1) {
        training_db_error(r);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/teachers/%lld", (long long)out.id));
    req_send_json(r, 201, teacher_json(&t));
}

void teacher_api_patch(Req *r)
{
    Teacher old;
    int64_t id = id_param(r);
    int f = id ? teacher_load(r->db, r->arena, id, &old) : 0;
    if (f < 0) {
        training_db_error(r);
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, old.school_path)) {
        req_not_found(r);
        return;
    }
    if (!can(r, CAP_TRAINING_WRITE, old.school_path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    json_t *j = req_json_object(r, teacher_patch_fields);
    if (!j) return;
    Teacher t = old;
    int ok = str_field(r, j, "name", &t.name) && str_field(r, j, "subject", &t.subject);
    json_t *act = json_object_get(j, "active");
    if (ok && act) {
        if (!json_is_boolean(act)) {
            training_invalid(r, "active", T(r, "must be true or false"));
            ok = 0;
        } else {
            t.active = json_is_true(act);
        }
    }
    json_decref(j);
    if (!ok) return;
    if (!training_name_ok(t.name)) {
        training_invalid(r, "name", T(r, "must be 1 to 50 characters"));
        return;
    }
    if (!valid_text(t.subject, 100)) {
        training_invalid(r, "subject", T(r, "must be at most 100 bytes, no control characters"));
        return;
    }
    int taken = t.active ? teacher_name_taken(r->db, t.school_id, t.name, t.id) : 0;
    if (taken) {
        if (taken < 0) {
            training_db_error(r);
            return;
        }
        req_error(r, 409, "conflict",
                  T(r, "A teacher of this name is already in the school's registry; add a "
                       "distinguishing mark to the name, e.g. the subject."));
        return;
    }
    json_t *before = teacher_audit_json(&old), *after = teacher_audit_json(&t);
    if (json_equal(before, after)) {
        json_decref(before);
        json_decref(after);
        req_send_json(r, 200, teacher_json(&old));
        return;
    }
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = db_run(r->db, "UPDATE teachers SET name = ?, subject = ?, active = ? WHERE id = ?",
                    "ssii", t.name, t.subject, (int64_t)t.active, t.id);
    if (rc == DB_OK)
        rc = audit_log(r->db, r->auth.login, "teacher.update", "teacher",
                       arena_printf(r->arena, "%lld", (long long)t.id), t.school_path, before,
                       after);
    json_decref(before);
    json_decref(after);
    if (rc == DB_OK && t.active != old.active) {
        int years[16];
        int ny = training_years_of_school(r->db, t.school_id, years, 16);
        rc = ny < 0 ? DB_ERROR
                    : training_refeed(r->db, r->auth.login, t.school_id, t.school_path, years, ny);
    }
    if (!finish(r, rc)) return;
    req_send_json(r, 200, teacher_json(&t));
}

/* Reads ?school= and ?org= into a path to list under (NULL: all in reach) and a
 * school id (0: any). 1, or 0 with a 404/503 sent. */
static int scope_params(Req *r, const char **path, int64_t *school_id)
{
    *path = NULL;
    *school_id = 0;
    const char *org = req_query(r, "org"), *school = req_query(r, "school");
    Org o;
    if (org && *org) {
        if (training_org_in_reach(r, org, CAP_DATA_READ, &o) != 1) return 0;
        *path = o.path;
    }
    if (school && *school) {
        if (training_org_in_reach(r, school, CAP_DATA_READ, &o) != 1) return 0;
        *school_id = o.id;
    }
    return 1;
}

/* ?limit= (1–500, default dflt) and ?cursor= (an id). 1, or 0 with a 400 sent. */
static int page_params(Req *r, int64_t dflt, int64_t *limit, int64_t *cursor)
{
    const char *l = req_query(r, "limit"), *c = req_query(r, "cursor");
    *limit = dflt;
    *cursor = 0;
    if (l && *l && !parse_int(l, 1, 500, limit)) {
        req_error(r, 400, "bad_param", T(r, "limit must be a whole number from 1 to 500."));
        return 0;
    }
    if (c && *c && !parse_int(c, 1, INT64_MAX / 2, cursor)) {
        req_error(r, 400, "bad_param", T(r, "cursor is not valid."));
        return 0;
    }
    return 1;
}

/* {"items": items, "next_cursor": last id or null}, sent with 200. */
static void send_list(Req *r, json_t *items, int more, int64_t last)
{
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    req_send_json(r, 200, out);
}

void teacher_api_list(Req *r)
{
    const char *path;
    int64_t school_id, limit, cursor, active = -1;
    if (!scope_params(r, &path, &school_id) || !page_params(r, 100, &limit, &cursor)) return;
    const char *a = req_query(r, "active"), *q = req_query(r, "q");
    if (a && *a && !parse_int(a, 0, 1, &active)) {
        req_error(r, 400, "bad_param", T(r, "active must be 0 or 1."));
        return;
    }
    if (q && !*q) q = NULL;
    if (q && !valid_text(q, 100)) {
        req_error(r, 400, "bad_param", T(r, "q must be at most 100 bytes of text."));
        return;
    }
    const char *like = q ? arena_printf(r->arena, "%%%s%%", q) : NULL;
    DbStmt *s =
        db_q(r->db,
             "SELECT " TEACHER_COLS " FROM teachers t JOIN orgs o ON o.id = t.school_id"
             " WHERE " REACH_SQL("o.path") " AND (CAST(? AS TEXT) IS NULL OR"
                                           " substr(o.path, 1, length(CAST(? AS TEXT))) = ?)"
                                           " AND (CAST(? AS BIGINT) = 0 OR t.school_id = ?)"
                                           " AND (CAST(? AS BIGINT) < 0 OR t.active = ?)"
                                           " AND (CAST(? AS TEXT) IS NULL OR t.name LIKE ?)"
                                           " AND t.id > ? ORDER BY t.id LIMIT ?",
             "issssiiiissii", REACH_ARGS(r, CAP_DATA_READ), path, path, path, school_id, school_id,
             active, active, like, like, cursor, limit + 1);
    if (!s) {
        training_db_error(r);
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0;
    int64_t last = 0;
    while (db_step(s) == DB_ROW) {
        if (n == limit) {
            more = 1;
            break;
        }
        Teacher t;
        teacher_row(s, r->arena, &t);
        json_array_append_new(items, teacher_json(&t));
        last = t.id;
        n++;
    }
    db_done(s);
    send_list(r, items, more, last);
}

/* ---- the API: training records -------------------------------------------------------- */

static const char *const record_fields[] = {"teacher", "year",     "category", "hours",
                                            "title",   "provider", "held_on",  NULL};

void training_record_create(Req *r, const TrainingInput *in, TrainingOutcome *out)
{
    memset(out, 0, sizeof *out);
    out->status = 422;
#define BAD(f, w) (out->field = (f), out->why = (w))
    char today[11];
    training_today(today);
    Teacher t;
    int f = in->teacher > 0 ? teacher_load(r->db, r->arena, in->teacher, &t) : 0;
    if (f < 0) {
        out->status = 503;
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, t.school_path)) {
        BAD("teacher", T(r, "must be the id of a teacher in your reach"));
        return;
    }
    if (!can(r, CAP_TRAINING_WRITE, t.school_path)) {
        out->status = 403;
        return;
    }
    int64_t year = in->has_year ? in->year : in->held_on ? atoi(in->held_on) : 0;
    double hours = 0;
    if (!t.active)
        BAD("teacher", T(r, "has left the registry (inactive)"));
    else if (!in->held_on || !need_date_ok(in->held_on))
        BAD("held_on", T(r, "must be a real date written YYYY-MM-DD"));
    else if (year < 2020 || year > training_this_year())
        BAD("year", T(r, "must be a year from 2020 to this year"));
    else if (!training_date_ok(in->held_on, (int)year, today))
        BAD("held_on", T(r, "must be a day of the record's year, not in the future"));
    else if (!training_category_ok(in->category))
        BAD("category", T(r, "must be one of ethnic_counselling, it, subject, other"));
    else if (in->hours_text ? !training_hours_parse(in->hours_text, &hours)
                            : (!in->has_hours || !training_hours_ok(in->hours)))
        BAD("hours", T(r, "must be a number above 0 and at most 500, with one decimal at most"));
    else if (!in->title || !*in->title || !valid_text(in->title, 200))
        BAD("title", T(r, "is required: 1 to 200 bytes, no control characters"));
    else if (in->provider && !valid_text(in->provider, 200))
        BAD("provider", T(r, "must be at most 200 bytes, no control characters"));
#undef BAD
    if (out->field) return;
    if (!in->hours_text) hours = nearbyint(in->hours * 10) / 10;
    int dup = training_record_exists(r->db, t.id, in->category, in->title, in->held_on);
    if (dup) {
        out->status = dup < 0 ? 503 : 409;
        out->why = T(r, "This training (teacher, category, title and day) is already recorded.");
        return;
    }
    int rc = db_begin(r->db);
    int y = (int)year;
    int64_t id = 0;
    if (rc == DB_OK)
        id = training_record_insert(r->db, r->auth.login, &t, y, in->category, hours, in->title,
                                    in->provider ? in->provider : "", in->held_on, &rc);
    if (rc == DB_OK) rc = training_refeed(r->db, r->auth.login, t.school_id, t.school_path, &y, 1);
    if (rc == DB_OK && db_commit(r->db) == DB_OK) {
        out->status = 201;
        out->id = id;
        return;
    }
    db_rollback(r->db);
    out->status = 503;
}

void training_api_create(Req *r)
{
    json_t *j = req_json_object(r, record_fields);
    if (!j) return;
    TrainingInput in = {0};
    json_t *tv = json_object_get(j, "teacher"), *yv = json_object_get(j, "year"),
           *hv = json_object_get(j, "hours");
    int ok = str_field(r, j, "category", &in.category) && str_field(r, j, "title", &in.title) &&
             str_field(r, j, "provider", &in.provider) && str_field(r, j, "held_on", &in.held_on);
    in.teacher = tv && json_is_integer(tv) ? json_integer_value(tv) : 0;
    in.has_year = yv != NULL;
    in.year = yv && json_is_integer(yv) ? json_integer_value(yv) : 0;
    in.has_hours = hv && json_is_number(hv);
    in.hours = in.has_hours ? json_number_value(hv) : 0;
    json_decref(j);
    if (!ok) return;
    TrainingOutcome out;
    training_record_create(r, &in, &out);
    if (out.status != 201) {
        training_send_outcome(r, &out);
        return;
    }
    TrainingRecord tr;
    if (training_record_load(r->db, r->arena, out.id, &tr) != 1) {
        training_db_error(r);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/trainings/%lld", (long long)out.id));
    req_send_json(r, 201, training_record_json(&tr));
}

void training_api_delete(Req *r)
{
    TrainingRecord tr;
    int64_t id = id_param(r);
    int f = id ? training_record_load(r->db, r->arena, id, &tr) : 0;
    if (f < 0) {
        training_db_error(r);
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, tr.school_path)) {
        req_not_found(r);
        return;
    }
    if (!can(r, CAP_TRAINING_WRITE, tr.school_path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    int rc = db_begin(r->db);
    if (rc == DB_OK) rc = db_run(r->db, "DELETE FROM training_records WHERE id = ?", "i", tr.id);
    if (rc == DB_OK) {
        json_t *before = training_record_json(&tr);
        rc = audit_log(r->db, r->auth.login, "training.delete", "training",
                       arena_printf(r->arena, "%lld", (long long)tr.id), tr.school_path, before,
                       NULL);
        json_decref(before);
    }
    if (rc == DB_OK)
        rc = training_refeed(r->db, r->auth.login, tr.school_id, tr.school_path, &tr.year, 1);
    if (!finish(r, rc)) return;
    r->status = 204;
    r->ctype = "application/json";
}

void training_api_list(Req *r)
{
    const char *path;
    int64_t school_id, limit, cursor, teacher = 0, year = 0;
    if (!scope_params(r, &path, &school_id) || !page_params(r, 100, &limit, &cursor)) return;
    const char *ts = req_query(r, "teacher"), *ys = req_query(r, "year"),
               *cat = req_query(r, "category");
    if (ts && *ts && !parse_int(ts, 1, INT64_MAX / 2, &teacher)) {
        req_error(r, 400, "bad_param", T(r, "teacher must be a teacher's id."));
        return;
    }
    if (ys && *ys && !parse_int(ys, 2000, 2100, &year)) {
        req_error(r, 400, "bad_param", T(r, "year must be a year such as 2026."));
        return;
    }
    if (cat && !*cat) cat = NULL;
    if (cat && !training_category_ok(cat)) {
        req_error(r, 400, "bad_param",
                  T(r, "category must be one of ethnic_counselling, it, subject, other."));
        return;
    }
    DbStmt *s =
        db_q(r->db,
             "SELECT " RECORD_COLS " FROM training_records r"
             " JOIN teachers t ON t.id = r.teacher_id JOIN orgs o ON o.id = t.school_id"
             " WHERE " REACH_SQL("o.path") " AND (CAST(? AS TEXT) IS NULL OR"
                                           " substr(o.path, 1, length(CAST(? AS TEXT))) = ?)"
                                           " AND (CAST(? AS BIGINT) = 0 OR t.school_id = ?)"
                                           " AND (CAST(? AS BIGINT) = 0 OR r.teacher_id = ?)"
                                           " AND (CAST(? AS BIGINT) = 0 OR r.year = ?)"
                                           " AND (CAST(? AS TEXT) IS NULL OR r.category = ?)"
                                           " AND r.id > ? ORDER BY r.id LIMIT ?",
             "issssiiiiiissii", REACH_ARGS(r, CAP_DATA_READ), path, path, path, school_id,
             school_id, teacher, teacher, year, year, cat, cat, cursor, limit + 1);
    if (!s) {
        training_db_error(r);
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0;
    int64_t last = 0;
    while (db_step(s) == DB_ROW) {
        if (n == limit) {
            more = 1;
            break;
        }
        TrainingRecord tr;
        record_row(s, r->arena, &tr);
        json_array_append_new(items, training_record_json(&tr));
        last = tr.id;
        n++;
    }
    db_done(s);
    send_list(r, items, more, last);
}

/* The counts of one unit as the summary shows them (new reference). */
static json_t *counts_json(const Org *o, Req *r, const TrainingCounts *c)
{
    json_t *j =
        json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:f,s:f,s:s,s:s}", "code", o->code, "name",
                  org_name(r, o), "kind", o->kind, "teachers", (json_int_t)c->teachers, "ethnic_ok",
                  (json_int_t)c->ethnic_ok, "it_ok", (json_int_t)c->it_ok, "both_ok",
                  (json_int_t)c->both_ok, "ethnic_share", training_share(c->ethnic_ok, c->teachers),
                  "it_share", training_share(c->it_ok, c->teachers), "ethnic_status",
                  status_name(training_share_status(c->ethnic_ok, c->teachers)), "it_status",
                  status_name(training_share_status(c->it_ok, c->teachers)));
    return j;
}

void training_api_summary(Req *r)
{
    int64_t year;
    if (!training_year_param(r, &year)) return;
    const char *code = req_query(r, "org");
    if (!code || !*code) code = training_top_unit(r, CAP_DATA_READ);
    Org unit;
    if (training_org_in_reach(r, code, CAP_DATA_READ, &unit) != 1) return;
    TrainingCounts c;
    if (training_counts(r->db, unit.path, (int)year, &c) != 0) {
        training_db_error(r);
        return;
    }
    json_t *out = json_pack("{s:I,s:{s:f,s:f},s:o}", "year", (json_int_t)year, "rules",
                            "ethnic_counselling_hours", TRAINING_ETHNIC_HOURS, "it_hours",
                            TRAINING_IT_HOURS, "unit", counts_json(&unit, r, &c));
    json_t *kids = json_array();
    DbStmt *s =
        db_q(r->db, "SELECT code FROM orgs WHERE parent_id = ? AND kind <> 'partner' ORDER BY code",
             "i", unit.id);
    int n = 0;
    const char **codes = arena_alloc(r->arena, sizeof *codes * 2048);
    while (s && db_step(s) == DB_ROW && n < 2048)
        codes[n++] = arena_strdup(r->arena, db_col_text(s, 0));
    db_done(s);
    Org *ks = arena_alloc(r->arena, sizeof *ks * (size_t)(n + 1));
    const char **paths = arena_alloc(r->arena, sizeof *paths * (size_t)(n + 1));
    TrainingCounts *per = arena_alloc(r->arena, sizeof *per * (size_t)(n + 1)), all;
    int ok = 1;
    for (int i = 0; i < n && ok; i++) {
        ok = org_load(r->db, r->arena, codes[i], &ks[i]) == 1;
        if (ok) paths[i] = ks[i].path;
    }
    /* every child in one pass over the unit's teachers */
    if (!ok || training_counts_split(r->db, unit.path, (int)year, paths, n, per, &all) != 0) {
        json_decref(out);
        json_decref(kids);
        training_db_error(r);
        return;
    }
    for (int i = 0; i < n; i++) json_array_append_new(kids, counts_json(&ks[i], r, &per[i]));
    json_object_set_new(out, "children", kids);
    if (!strcmp(unit.kind, "school")) {
        TeacherHours *h;
        int more;
        int k = training_teacher_hours(r->db, r->arena, unit.path, (int)year, 1, 5000, &h, &more);
        json_t *sh = json_array();
        for (int i = 0; i < k; i++) {
            json_t *miss = json_array();
            if (!h[i].ethnic_ok) json_array_append_new(miss, json_string("ethnic_counselling"));
            if (!h[i].it_ok) json_array_append_new(miss, json_string("it"));
            json_array_append_new(
                sh, json_pack("{s:I,s:s,s:s,s:f,s:f,s:o}", "teacher", (json_int_t)h[i].id, "name",
                              h[i].name, "subject", h[i].subject, "ethnic_counselling_hours",
                              h[i].ethnic, "it_hours", h[i].it, "short_of", miss));
        }
        json_object_set_new(out, "short", sh);
    }
    req_send_json(r, 200, out);
}
