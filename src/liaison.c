/* liaison.c — see team.h: the recipient schools' liaison officers (at least 3
 * active each), their checks, the figure they feed and their JSON API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "need.h"
#include "org.h"
#include "team.h"
#include "training.h"
#include "ui/i18n.h"

#define LIAISON_COLS                                                                               \
    "l.id, l.school_id, o.code, o.name_zh, o.path, l.name, l.phone, l.since, l.user_id, u.login,"  \
    " l.active, l.created_by, l.created_at"
#define LIAISON_FROM                                                                               \
    " FROM liaison_officers l JOIN orgs o ON o.id = l.school_id"                                   \
    " LEFT JOIN users u ON u.id = l.user_id"

static void liaison_row(DbStmt *s, Arena *a, Liaison *l)
{
    memset(l, 0, sizeof *l);
    l->id = db_col_int(s, 0);
    l->school_id = db_col_int(s, 1);
    l->school_code = arena_strdup(a, db_col_text(s, 2));
    l->school_name = arena_strdup(a, db_col_text(s, 3));
    l->school_path = arena_strdup(a, db_col_text(s, 4));
    l->name = arena_strdup(a, db_col_text(s, 5));
    l->phone = arena_strdup(a, db_col_text(s, 6));
    l->since = arena_strdup(a, db_col_text(s, 7));
    l->user_id = db_col_is_null(s, 8) ? 0 : db_col_int(s, 8);
    l->login = db_col_is_null(s, 9) ? NULL : arena_strdup(a, db_col_text(s, 9));
    l->active = (int)db_col_int(s, 10);
    l->created_by = arena_strdup(a, db_col_text(s, 11));
    l->created_at = db_col_int(s, 12);
}

static int liaison_load(Db *db, Arena *a, int64_t id, Liaison *out)
{
    DbStmt *s = db_q(db, "SELECT " LIAISON_COLS LIAISON_FROM " WHERE l.id = ?", "i", id);
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        liaison_row(s, a, out);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    return f;
}

json_t *liaison_json(const Liaison *l)
{
    json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:I}", "id", (json_int_t)l->id,
                          "school", l->school_code, "school_name", l->school_name, "name", l->name,
                          "phone", l->phone, "since", l->since, "active", l->active, "created_by",
                          l->created_by, "created_at", (json_int_t)l->created_at);
    json_object_set_new(j, "user", l->login ? json_string(l->login) : json_null());
    return j;
}

int liaison_list_school(Db *db, Arena *a, int64_t school_id, Liaison **out)
{
    int64_t n = 0;
    if (db_int(db, &n, "SELECT count(*) FROM liaison_officers WHERE school_id = ?", "i",
               school_id) < 0)
        return -1;
    *out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
    DbStmt *s = db_q(db,
                     "SELECT " LIAISON_COLS LIAISON_FROM
                     " WHERE l.school_id = ? ORDER BY l.active DESC, l.name, l.id",
                     "i", school_id);
    if (!s) return -1;
    int k = 0, rc;
    while ((rc = db_step(s)) == DB_ROW && k < n)
        liaison_row(s, a, &(*out)[k++]);
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? k : -1;
}

/* ---- checks and writes ------------------------------------------------------------- */

static TeamResult invalid(TeamOutcome *out, const char *field, const char *why)
{
    out->field = field;
    out->why = why;
    return TEAM_INVALID;
}

/* Whether the caller may write the officers of the school at path. */
static int may_write(Req *r, const char *path)
{
    return can(r, CAP_TRAINING_WRITE, path) || can(r, CAP_USER_WRITE, path);
}

/* Checks l (after merging the input): name, phone, since, the linked login. The
 * login is resolved into l->user_id. TEAM_OK, TEAM_INVALID or TEAM_ERROR. */
static TeamResult check(Req *r, Liaison *l, int login_given, TeamOutcome *out)
{
    char today[11];
    training_today(today);
    if (!training_name_ok(l->name)) return invalid(out, "name", T(r, "must be 1 to 50 characters"));
    if (!liaison_phone_ok(l->phone))
        return invalid(out, "phone",
                       T(r, "must be an 11-digit mainland mobile number such as 13912345678, or "
                            "empty"));
    if (!need_date_ok(l->since) || strcmp(l->since, today) > 0)
        return invalid(out, "since",
                       T(r, "must be a real date written YYYY-MM-DD, not in the future"));
    if (!login_given) return TEAM_OK;
    if (!l->login) {
        l->user_id = 0;
        return TEAM_OK;
    }
    int64_t uid = 0;
    int f = valid_login(l->login)
                ? db_int(r->db, &uid,
                         "SELECT u.id FROM users u JOIN grants g ON g.user_id = u.id"
                         " WHERE u.login = ? AND g.role = 'liaison_officer' AND g.org_id = ?",
                         "si", l->login, l->school_id)
                : 0;
    if (f < 0) return TEAM_ERROR;
    if (!f)
        return invalid(
            out, "user",
            T(r, "must be the login of a person holding liaison_officer at this school"));
    int64_t other = 0;
    f = db_int(r->db, &other,
               "SELECT count(*) FROM liaison_officers WHERE user_id = ? AND id <> ? AND active = 1",
               "ii", uid, l->id);
    if (f < 0) return TEAM_ERROR;
    if (other)
        return invalid(out, "user", T(r, "is already linked to another active liaison officer"));
    l->user_id = uid;
    return TEAM_OK;
}

/* The audit view of an officer. */
static json_t *audit_json(const Liaison *l)
{
    json_t *j = liaison_json(l);
    json_object_del(j, "school_name");
    json_object_del(j, "created_at");
    return j;
}

/* Rewrites the school's liaison_officers of this year. DB_OK or an error code. */
static int refeed(Req *r, const Liaison *l)
{
    FeedBatch *f = feed_begin(r->db, r->auth.login);
    if (!f) return DB_ERROR;
    liaison_feed_school(f, r->db, l->school_id, training_this_year());
    char key[24], err[256];
    snprintf(key, sizeof key, "%lld", (long long)l->school_id);
    if (feed_end(f, "feed.liaison", key, l->school_path, err, sizeof err) != 0) {
        fprintf(stderr, "huiju: liaison figures: %s\n", err);
        return DB_ERROR;
    }
    return DB_OK;
}

static TeamResult commit_or(Req *r, int rc)
{
    if (rc == DB_OK && db_commit(r->db) == DB_OK) return TEAM_OK;
    db_rollback(r->db);
    if (rc != DB_BUSY && rc != DB_OK) fprintf(stderr, "huiju: liaison: %s\n", db_errmsg(r->db));
    return TEAM_ERROR;
}

TeamResult liaison_create(Req *r, const LiaisonInput *in, TeamOutcome *out)
{
    memset(out, 0, sizeof *out);
    Org o;
    int f = in->school && valid_code(in->school) ? org_load(r->db, r->arena, in->school, &o) : 0;
    if (f < 0) return TEAM_ERROR;
    if (!f || !can(r, CAP_DATA_READ, o.path) || strcmp(o.kind, "school"))
        return invalid(out, "school", T(r, "must be the code of a recipient school in your reach"));
    if (!may_write(r, o.path)) return TEAM_FORBIDDEN;
    if (!o.is_recipient) return invalid(out, "school", T(r, "must be a recipient school"));
    char today[11];
    training_today(today);
    Liaison l = {.school_id = o.id,
                 .school_code = o.code,
                 .school_name = o.name_zh,
                 .school_path = o.path,
                 .name = in->name,
                 .phone = in->has_phone && in->phone ? in->phone : "",
                 .since = in->has_since && in->since && *in->since ? in->since
                                                                   : arena_strdup(r->arena, today),
                 .login = in->has_login && in->login && *in->login ? in->login : NULL,
                 .active = in->has_active ? in->active : 1,
                 .created_by = r->auth.login};
    TeamResult res = check(r, &l, 1, out);
    if (res != TEAM_OK) return res;
    int rc = db_begin(r->db);
    if (rc == DB_OK) {
        DbStmt *s = db_q(r->db,
                         "INSERT INTO liaison_officers(school_id, name, phone, user_id, since,"
                         " active, created_by, created_at) VALUES (?,?,?,CAST(? AS BIGINT),?,?,?,?)"
                         " RETURNING id",
                         "issssisi", l.school_id, l.name, l.phone,
                         l.user_id ? arena_printf(r->arena, "%lld", (long long)l.user_id) : NULL,
                         l.since, (int64_t)l.active, l.created_by, now_s());
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) l.id = db_col_int(s, 0);
        db_done(s);
        rc = l.id ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
    }
    if (rc == DB_OK) {
        json_t *after = audit_json(&l);
        rc = audit_log(r->db, r->auth.login, "liaison.create", "liaison_officer",
                       arena_printf(r->arena, "%lld", (long long)l.id), l.school_path, NULL, after);
        json_decref(after);
    }
    if (rc == DB_OK) rc = refeed(r, &l);
    out->id = l.id;
    return commit_or(r, rc);
}

/* ---- the API ------------------------------------------------------------------------- */

static const char *const create_fields[] = {"school", "name",   "phone", "since",
                                            "user",   "active", NULL};
static const char *const patch_fields[] = {"name", "phone", "since", "user", "active", NULL};

/* Reads a JSON body into in. 1, or 0 with a 422 sent. */
static int input_from_json(Req *r, json_t *j, LiaisonInput *in)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (!strcmp(key, "active")) {
            if (!json_is_boolean(v)) {
                training_invalid(r, "active", T(r, "must be true or false"));
                return 0;
            }
            in->active = json_is_true(v);
            in->has_active = 1;
            continue;
        }
        if (!strcmp(key, "user") && json_is_null(v)) {
            in->login = NULL;
            in->has_login = 1;
            continue;
        }
        if (!json_is_string(v)) {
            training_invalid(r, arena_strdup(r->arena, key),
                             !strcmp(key, "user") ? T(r, "must be a login or null")
                                                  : T(r, "must be a string"));
            return 0;
        }
        const char *s = arena_strdup(r->arena, json_string_value(v));
        if (!strcmp(key, "school"))
            in->school = s;
        else if (!strcmp(key, "name"))
            in->name = s, in->has_name = 1;
        else if (!strcmp(key, "phone"))
            in->phone = s, in->has_phone = 1;
        else if (!strcmp(key, "since"))
            in->since = s, in->has_since = 1;
        else if (!strcmp(key, "user"))
            in->login = s, in->has_login = 1;
    }
    return 1;
}

void liaison_api_create(Req *r)
{
    json_t *j = req_json_object(r, create_fields);
    if (!j) return;
    LiaisonInput in = {0};
    int ok = input_from_json(r, j, &in);
    json_decref(j);
    if (!ok) return;
    TeamOutcome out;
    TeamResult res = liaison_create(r, &in, &out);
    if (res != TEAM_OK) {
        team_send_error(r, res, &out);
        return;
    }
    Liaison l;
    if (liaison_load(r->db, r->arena, out.id, &l) != 1) {
        training_db_error(r);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/liaison-officers/%lld", (long long)l.id));
    req_send_json(r, 201, liaison_json(&l));
}

void liaison_api_patch(Req *r)
{
    Liaison old;
    int64_t id = team_id_text(req_param(r, "id"));
    int f = id ? liaison_load(r->db, r->arena, id, &old) : 0;
    if (f < 0) {
        training_db_error(r);
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, old.school_path)) {
        req_not_found(r);
        return;
    }
    if (!may_write(r, old.school_path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    json_t *j = req_json_object(r, patch_fields);
    if (!j) return;
    LiaisonInput in = {0};
    int ok = input_from_json(r, j, &in);
    json_decref(j);
    if (!ok) return;
    Liaison l = old;
    if (in.has_name) l.name = in.name;
    if (in.has_phone) l.phone = in.phone;
    if (in.has_since) l.since = in.since;
    if (in.has_login) l.login = in.login && *in.login ? in.login : NULL;
    if (in.has_active) l.active = in.active;
    TeamOutcome out = {0};
    /* a re-activated officer's link is checked again too */
    TeamResult res = check(r, &l, in.has_login || (in.has_active && in.active && l.login), &out);
    if (res != TEAM_OK) {
        team_send_error(r, res, &out);
        return;
    }
    json_t *before = audit_json(&old), *after = audit_json(&l);
    if (json_equal(before, after)) {
        json_decref(before);
        json_decref(after);
        req_send_json(r, 200, liaison_json(&old));
        return;
    }
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = db_run(r->db,
                    "UPDATE liaison_officers SET name = ?, phone = ?, since = ?,"
                    " user_id = CAST(? AS BIGINT), active = ? WHERE id = ?",
                    "ssssii", l.name, l.phone, l.since,
                    l.user_id ? arena_printf(r->arena, "%lld", (long long)l.user_id) : NULL,
                    (int64_t)l.active, l.id);
    if (rc == DB_OK)
        rc = audit_log(r->db, r->auth.login, "liaison.update", "liaison_officer",
                       arena_printf(r->arena, "%lld", (long long)l.id), l.school_path, before,
                       after);
    json_decref(before);
    json_decref(after);
    if (rc == DB_OK) rc = refeed(r, &l);
    if (commit_or(r, rc) != TEAM_OK) {
        team_send_error(r, TEAM_ERROR, NULL);
        return;
    }
    if (liaison_load(r->db, r->arena, l.id, &l) != 1) {
        training_db_error(r);
        return;
    }
    req_send_json(r, 200, liaison_json(&l));
}

void liaison_api_list(Req *r)
{
    const char *org = req_query(r, "org"), *school = req_query(r, "school"),
               *a = req_query(r, "active"), *lim = req_query(r, "limit"),
               *cur = req_query(r, "cursor");
    const char *path = NULL;
    int64_t school_id = 0, active = -1, limit = 100, cursor = 0;
    if ((a && *a && !parse_int(a, 0, 1, &active)) ||
        (lim && *lim && !parse_int(lim, 1, 500, &limit)) ||
        (cur && *cur && !parse_int(cur, 1, INT64_MAX / 2, &cursor))) {
        req_error(r, 400, "bad_param",
                  T(r, "active must be 0 or 1, limit a whole number from 1 to 500, cursor an id."));
        return;
    }
    Org o;
    if (org && *org) {
        if (training_org_in_reach(r, org, CAP_DATA_READ, &o) != 1) return;
        path = o.path;
    }
    if (school && *school) {
        if (training_org_in_reach(r, school, CAP_DATA_READ, &o) != 1) return;
        school_id = o.id;
    }
    DbStmt *s = db_q(
        r->db,
        "SELECT " LIAISON_COLS LIAISON_FROM " WHERE " REACH_SQL(
            "o.path") " AND (CAST(? AS TEXT) IS NULL OR substr(o.path, 1, length(CAST(? AS TEXT)))"
                      " = ?) AND (CAST(? AS BIGINT) = 0 OR l.school_id = ?)"
                      " AND (CAST(? AS BIGINT) < 0 OR l.active = ?) AND l.id > ?"
                      " ORDER BY l.id LIMIT ?",
        "issssiiiiii", REACH_ARGS(r, CAP_DATA_READ), path, path, path, school_id, school_id, active,
        active, cursor, limit + 1);
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
        Liaison l;
        liaison_row(s, r->arena, &l);
        json_array_append_new(items, liaison_json(&l));
        last = l.id;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    req_send_json(r, 200, out);
}
