/* team_api.c — see team.h: the JSON API of the 1+N teams, their members and working
 * days, and the shortfalls of a unit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "org.h"
#include "team.h"
#include "training.h"
#include "ui/i18n.h"

/* ---- the API ------------------------------------------------------------------------------- */

/* Loads the team of the path for the caller; 1, or 0 with a 404/503 sent. */
static int team_of_path(Req *r, Team *t)
{
    int64_t id = team_id_text(req_param(r, "id"));
    int f = id ? team_load(r->db, r->arena, id, t) : 0;
    if (f > 0) f = team_visible(r, t);
    if (f < 0) {
        training_db_error(r);
        return 0;
    }
    if (!f) req_not_found(r);
    return f;
}

void team_api_list(Req *r)
{
    int64_t year;
    if (!training_year_param(r, &year)) return;
    const char *org = req_query(r, "org");
    const char *path = "/";
    Org o;
    if (org && *org) {
        if (training_org_in_reach(r, org, CAP_DATA_READ, &o) != 1) return;
        path = o.path;
    }
    DbStmt *s = db_q(r->db,
                     "SELECT " TEAM_COLS " FROM teams tm JOIN orgs h ON h.id = tm.helping_school_id"
                     " WHERE " TEAM_SEEN_SQL " AND " TEAM_UNIT_SQL " ORDER BY h.code, tm.id",
                     "isisissss", REACH_ARGS(r, CAP_DATA_READ), REACH_ARGS(r, CAP_DATA_READ), year,
                     path, path, path, path);
    if (!s) {
        training_db_error(r);
        return;
    }
    Team *teams = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            Team *bigger = arena_alloc(r->arena, sizeof *bigger * (size_t)cap);
            if (n) memcpy(bigger, teams, sizeof *teams * (size_t)n);
            teams = bigger;
        }
        team_row(s, r->arena, &teams[n++]);
    }
    db_done(s);
    if (rc != DB_DONE) {
        training_db_error(r);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, team_json(r, &teams[i], 0));
    req_send_json(r, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

static const char *const team_create_fields[] = {"school", "year", "name", NULL};

void team_api_create(Req *r)
{
    json_t *j = req_json_object(r, team_create_fields);
    if (!j) return;
    json_t *sv = json_object_get(j, "school"), *yv = json_object_get(j, "year"),
           *nv = json_object_get(j, "name");
    const char *school = json_is_string(sv) ? arena_strdup(r->arena, json_string_value(sv)) : NULL,
               *name = json_is_string(nv) ? arena_strdup(r->arena, json_string_value(nv)) : NULL;
    int64_t year = yv ? (json_is_integer(yv) ? json_integer_value(yv) : -1) : training_this_year();
    json_decref(j);
    TeamOutcome out;
    TeamResult res = team_create(r, school, year, name, &out);
    if (res != TEAM_OK) {
        team_send_error(r, res, &out);
        return;
    }
    Team t;
    if (team_load(r->db, r->arena, out.id, &t) != 1) {
        training_db_error(r);
        return;
    }
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/teams/%lld", (long long)t.id));
    req_send_json(r, 201, team_json(r, &t, 1));
}

void team_api_get(Req *r)
{
    Team t;
    if (team_of_path(r, &t)) req_send_json(r, 200, team_json(r, &t, 1));
}

static const char *const team_patch_fields[] = {"name", NULL};

void team_api_patch(Req *r)
{
    Team t;
    if (!team_of_path(r, &t)) return;
    if (!can(r, CAP_TRAINING_WRITE, t.school_path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    json_t *j = req_json_object(r, team_patch_fields);
    if (!j) return;
    json_t *nv = json_object_get(j, "name");
    const char *name = nv && json_is_string(nv) ? arena_strdup(r->arena, json_string_value(nv))
                       : nv                     ? NULL
                                                : t.name;
    json_decref(j);
    if (!name || !*name || !valid_text(name, 200)) {
        training_invalid(r, "name", T(r, "is required: 1 to 200 bytes, no control characters"));
        return;
    }
    if (strcmp(name, t.name)) {
        int rc = db_begin(r->db);
        if (rc == DB_OK)
            rc = db_run(r->db, "UPDATE teams SET name = ? WHERE id = ?", "si", name, t.id);
        if (rc == DB_OK) {
            json_t *before = json_pack("{s:s}", "name", t.name),
                   *after = json_pack("{s:s}", "name", name);
            rc = audit_log(r->db, r->auth.login, "team.update", "team",
                           arena_printf(r->arena, "%lld", (long long)t.id), t.school_path, before,
                           after);
            json_decref(before);
            json_decref(after);
        }
        if (team_commit_or(r, rc) != TEAM_OK) {
            team_send_error(r, TEAM_ERROR, NULL);
            return;
        }
        t.name = name;
    }
    req_send_json(r, 200, team_json(r, &t, 1));
}

static const char *const member_fields[] = {"teacher", "role", NULL};

void team_api_add_member(Req *r)
{
    Team t;
    if (!team_of_path(r, &t)) return;
    json_t *j = req_json_object(r, member_fields);
    if (!j) return;
    json_t *tv = json_object_get(j, "teacher"), *rv = json_object_get(j, "role");
    int64_t teacher = json_is_integer(tv) ? json_integer_value(tv) : 0;
    const char *role = json_is_string(rv) ? arena_strdup(r->arena, json_string_value(rv)) : NULL;
    json_decref(j);
    TeamOutcome out;
    TeamResult res = team_add_member(r, &t, teacher, role, &out);
    if (res != TEAM_OK) {
        team_send_error(r, res, &out);
        return;
    }
    req_send_json(r, 201, team_json(r, &t, 1));
}

void team_api_remove_member(Req *r)
{
    Team t;
    if (!team_of_path(r, &t)) return;
    if (!can(r, CAP_TRAINING_WRITE, t.school_path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    int64_t teacher = team_id_text(req_query(r, "teacher"));
    if (!teacher) {
        req_error(r, 400, "bad_param", T(r, "teacher must be a teacher's id."));
        return;
    }
    int rc = db_begin(r->db);
    int64_t hit = 0;
    if (rc == DB_OK) {
        DbStmt *s = db_q(r->db,
                         "DELETE FROM team_members WHERE team_id = ? AND teacher_id = ?"
                         " RETURNING role",
                         "ii", t.id, teacher);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) {
            hit = 1;
            json_t *before = json_pack("{s:I,s:I,s:s}", "team", (json_int_t)t.id, "teacher",
                                       (json_int_t)teacher, "role", db_col_text(s, 0));
            db_done(s);
            s = NULL;
            rc = audit_log(r->db, r->auth.login, "team.member.remove", "team",
                           arena_printf(r->arena, "%lld", (long long)t.id), t.school_path, before,
                           NULL);
            json_decref(before);
        } else {
            rc = rc == DB_DONE ? DB_OK : rc;
        }
        db_done(s);
    }
    if (rc == DB_OK && !hit) {
        db_rollback(r->db);
        req_not_found(r);
        return;
    }
    if (rc == DB_OK) rc = team_refeed(r->db, r->auth.login, t.school_id, t.school_path, t.year);
    if (team_commit_or(r, rc) != TEAM_OK) {
        team_send_error(r, TEAM_ERROR, NULL);
        return;
    }
    r->status = 204;
    r->ctype = "application/json";
}

#define DAY_COLS                                                                                   \
    "d.id, d.teacher_id, t.name, o.code, o.name_zh, d.worked_on, d.days, d.note, d.created_by,"    \
    " d.created_at"

static json_t *day_json(DbStmt *s, int64_t team)
{
    return json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:f,s:s,s:s,s:I}", "id",
                     (json_int_t)db_col_int(s, 0), "team", (json_int_t)team, "teacher",
                     (json_int_t)db_col_int(s, 1), "teacher_name", db_col_text(s, 2), "school",
                     db_col_text(s, 3), "school_name", db_col_text(s, 4), "worked_on",
                     db_col_text(s, 5), "days", db_col_double(s, 6), "note", db_col_text(s, 7),
                     "created_by", db_col_text(s, 8), "created_at", (json_int_t)db_col_int(s, 9));
}

void team_api_days(Req *r)
{
    Team t;
    if (!team_of_path(r, &t)) return;
    const char *ts = req_query(r, "teacher"), *l = req_query(r, "limit"),
               *c = req_query(r, "cursor");
    int64_t teacher = 0, limit = 200, cursor = 0;
    if ((ts && *ts && !(teacher = team_id_text(ts))) ||
        (l && *l && !parse_int(l, 1, 500, &limit)) ||
        (c && *c && !parse_int(c, 1, INT64_MAX / 2, &cursor))) {
        req_error(r, 400, "bad_param",
                  T(r, "teacher and cursor must be ids, limit a whole number from 1 to 500."));
        return;
    }
    DbStmt *s = db_q(r->db,
                     "SELECT " DAY_COLS " FROM team_days d JOIN teachers t ON t.id = d.teacher_id"
                     " JOIN orgs o ON o.id = d.school_id WHERE d.team_id = ?"
                     " AND (CAST(? AS BIGINT) = 0 OR d.teacher_id = ?) AND d.id > ?"
                     " ORDER BY d.id LIMIT ?",
                     "iiiii", t.id, teacher, teacher, cursor, limit + 1);
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
        last = db_col_int(s, 0);
        json_array_append_new(items, day_json(s, t.id));
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    req_send_json(r, 200, out);
}

static const char *const day_fields[] = {"teacher", "school", "worked_on", "days", "note", NULL};

void team_api_add_day(Req *r)
{
    Team t;
    if (!team_of_path(r, &t)) return;
    json_t *j = req_json_object(r, day_fields);
    if (!j) return;
    TeamDayInput in = {0};
    json_t *v;
    const char *bad = NULL;
    if ((v = json_object_get(j, "teacher")) && json_is_integer(v))
        in.teacher_id = json_integer_value(v);
    if ((v = json_object_get(j, "school"))) {
        if (json_is_string(v))
            in.school = arena_strdup(r->arena, json_string_value(v));
        else
            bad = "school";
    }
    if ((v = json_object_get(j, "worked_on"))) {
        if (json_is_string(v))
            in.worked_on = arena_strdup(r->arena, json_string_value(v));
        else if (!bad)
            bad = "worked_on";
    }
    in.days = 1;
    if ((v = json_object_get(j, "days"))) {
        if (json_is_number(v))
            in.days = json_number_value(v);
        else if (!bad)
            bad = "days";
    }
    if ((v = json_object_get(j, "note"))) {
        if (json_is_string(v))
            in.note = arena_strdup(r->arena, json_string_value(v));
        else if (!bad)
            bad = "note";
    }
    json_decref(j);
    if (bad) {
        training_invalid(
            r, bad, !strcmp(bad, "days") ? T(r, "must be 0.5 or 1") : T(r, "must be a string"));
        return;
    }
    TeamOutcome out;
    TeamResult res = team_add_day(r, &t, &in, &out);
    if (res != TEAM_OK) {
        team_send_error(r, res, &out);
        return;
    }
    DbStmt *s = db_q(r->db,
                     "SELECT " DAY_COLS " FROM team_days d JOIN teachers t ON t.id = d.teacher_id"
                     " JOIN orgs o ON o.id = d.school_id WHERE d.id = ?",
                     "i", out.id);
    if (!s || db_step(s) != DB_ROW) {
        db_done(s);
        training_db_error(r);
        return;
    }
    json_t *dj = day_json(s, t.id);
    db_done(s);
    req_send_json(r, 201, dj);
}

void team_api_shortfalls(Req *r)
{
    int64_t year;
    if (!training_year_param(r, &year)) return;
    const char *code = req_query(r, "org");
    if (!code || !*code) code = training_top_unit(r, CAP_DATA_READ);
    Org unit;
    if (training_org_in_reach(r, code, CAP_DATA_READ, &unit) != 1) return;
    MemberDays *m;
    LiaisonCount *l;
    int more_m, more_l;
    int nm = team_member_days(r->db, r->arena, unit.path, (int)year, 1, 10000, &m, &more_m);
    int nl = nm < 0 ? -1 : liaison_school_counts(r->db, r->arena, unit.path, 1, 10000, &l, &more_l);
    if (nm < 0 || nl < 0) {
        training_db_error(r);
        return;
    }
    json_t *members = json_array(), *schools = json_array();
    for (int i = 0; i < nm; i++)
        json_array_append_new(members,
                              json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:s,s:f,s:f}", "team",
                                        (json_int_t)m[i].team_id, "team_name", m[i].team_name,
                                        "helping_school", m[i].school_code, "helping_school_name",
                                        m[i].school_name, "teacher", (json_int_t)m[i].teacher_id,
                                        "name", m[i].name, "role", m[i].role, "days", m[i].days,
                                        "short_by", TEAM_DAYS_MIN - m[i].days));
    for (int i = 0; i < nl; i++)
        json_array_append_new(schools,
                              json_pack("{s:s,s:s,s:I,s:I}", "school", l[i].code, "name", l[i].name,
                                        "active_officers", (json_int_t)l[i].active, "short_by",
                                        (json_int_t)(LIAISON_MIN - l[i].active)));
    req_send_json(r, 200,
                  json_pack("{s:s,s:I,s:{s:f,s:i},s:o,s:o}", "org", unit.code, "year",
                            (json_int_t)year, "rules", "days_per_member", TEAM_DAYS_MIN,
                            "liaison_officers_per_school", LIAISON_MIN, "members", members,
                            "liaison_schools", schools));
}
