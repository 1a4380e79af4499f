/* team.c — see team.h: the 1+N teams, their members and working days, the rule
 * checks, the figures they feed, the shortfall queries and the JSON API. */
#include "team.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "need.h"
#include "org.h"
#include "training.h"
#include "ui/i18n.h"

/* An English message id handed to T() later (xgettext: --keyword=REFUSE:1). */
#define REFUSE(msgid) (msgid)

/* ---- pure logic ------------------------------------------------------------------ */

const char *const team_roles[] = {"subject_leader", "backbone", NULL};

int team_role_ok(const char *s)
{
    return s && (!strcmp(s, "subject_leader") || !strcmp(s, "backbone"));
}

const char *team_role_label(Req *r, const char *role)
{
    if (!role) return "";
    if (!strcmp(role, "subject_leader")) return T(r, "Subject leader");
    if (!strcmp(role, "backbone")) return T(r, "Backbone teacher");
    return role;
}

int team_days_ok(double d)
{
    return d == 0.5 || d == 1.0;
}

int team_days_meet(double days)
{
    return days >= TEAM_DAYS_MIN - 1e-9;
}

int liaison_phone_ok(const char *s)
{
    if (!s) return 0;
    if (!*s) return 1;
    if (strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9') return 0;
    for (int i = 2; i < 11; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

int64_t team_id_text(const char *s)
{
    int64_t id;
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

/* ---- the store --------------------------------------------------------------------- */

void team_row(DbStmt *s, Arena *a, Team *t)
{
    memset(t, 0, sizeof *t);
    t->id = db_col_int(s, 0);
    t->school_id = db_col_int(s, 1);
    t->school_code = arena_strdup(a, db_col_text(s, 2));
    t->school_name = arena_strdup(a, db_col_text(s, 3));
    t->school_path = arena_strdup(a, db_col_text(s, 4));
    t->name = arena_strdup(a, db_col_text(s, 5));
    t->created_by = arena_strdup(a, db_col_text(s, 6));
    t->year = (int)db_col_int(s, 7);
    t->created_at = db_col_int(s, 8);
}

int team_load(Db *db, Arena *a, int64_t id, Team *out)
{
    DbStmt *s = db_q(db,
                     "SELECT " TEAM_COLS " FROM teams tm JOIN orgs h ON h.id = tm.helping_school_id"
                     " WHERE tm.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        team_row(s, a, out);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    return f;
}

int team_visible(Req *r, const Team *t)
{
    if (can(r, CAP_DATA_READ, t->school_path)) return 1;
    int64_t n = 0;
    int f = db_int(r->db, &n,
                   "SELECT count(*) FROM team_days vd JOIN orgs vo ON vo.id = vd.school_id"
                   " WHERE vd.team_id = ? AND " REACH_SQL("vo.path"),
                   "iis", t->id, REACH_ARGS(r, CAP_DATA_READ));
    return f < 0 ? -1 : n > 0;
}

/* A member's days in the team, as an SQL expression over team_members m. */
#define MEMBER_DAYS                                                                                \
    "(SELECT COALESCE(sum(d.days), 0) FROM team_days d WHERE d.team_id = m.team_id"                \
    " AND d.teacher_id = m.teacher_id)"

int team_member_list(Db *db, Arena *a, int64_t team_id, TeamMember **out)
{
    int64_t n = 0;
    if (db_int(db, &n, "SELECT count(*) FROM team_members WHERE team_id = ?", "i", team_id) < 0)
        return -1;
    *out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
    DbStmt *s = db_q(db,
                     "SELECT m.teacher_id, t.name, t.subject, m.role, " MEMBER_DAYS ", t.active"
                     " FROM team_members m JOIN teachers t ON t.id = m.teacher_id"
                     " WHERE m.team_id = ? ORDER BY CASE m.role WHEN 'subject_leader' THEN 0"
                     " ELSE 1 END, t.name, t.id",
                     "i", team_id);
    if (!s) return -1;
    int k = 0, rc;
    while ((rc = db_step(s)) == DB_ROW && k < n) {
        TeamMember *m = &(*out)[k++];
        m->teacher_id = db_col_int(s, 0);
        m->name = arena_strdup(a, db_col_text(s, 1));
        m->subject = arena_strdup(a, db_col_text(s, 2));
        m->role = arena_strdup(a, db_col_text(s, 3));
        m->days = db_col_double(s, 4);
        m->active = (int)db_col_int(s, 5);
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? k : -1;
}

int team_counts(Db *db, int64_t team_id, TeamCounts *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *s = db_q(db,
                     "SELECT count(*), COALESCE(sum(CASE WHEN q.role = 'subject_leader' THEN 1"
                     " ELSE 0 END), 0), COALESCE(sum(CASE WHEN q.role = 'backbone' THEN 1 ELSE 0"
                     " END), 0), COALESCE(sum(CASE WHEN q.days >= ? THEN 1 ELSE 0 END), 0),"
                     " COALESCE(sum(CASE WHEN q.role = 'backbone' AND q.days > 0 THEN 1 ELSE 0"
                     " END), 0), COALESCE(sum(q.days), 0)"
                     " FROM (SELECT m.role, " MEMBER_DAYS " AS days FROM team_members m"
                     " WHERE m.team_id = ?) q",
                     "di", TEAM_DAYS_MIN, team_id);
    if (!s) return -1;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->members = db_col_int(s, 0);
        out->leaders = db_col_int(s, 1);
        out->backbone = db_col_int(s, 2);
        out->members_40 = db_col_int(s, 3);
        out->backbone_dispatched = db_col_int(s, 4);
        out->days = db_col_double(s, 5);
    }
    db_done(s);
    return rc == DB_ROW ? 0 : -1;
}

const char *team_rule_problem(const TeamCounts *c)
{
    if (!c->leaders && !c->backbone)
        return REFUSE("The team needs at least one subject leader and one backbone teacher.");
    if (!c->leaders) return REFUSE("The team needs at least one subject leader.");
    if (!c->backbone) return REFUSE("The team needs at least one backbone teacher.");
    return NULL;
}

json_t *team_json(Req *r, const Team *t, int with_members)
{
    TeamCounts c;
    if (team_counts(r->db, t->id, &c) != 0) memset(&c, 0, sizeof c);
    const char *problem = team_rule_problem(&c);
    json_t *j = json_pack(
        "{s:I,s:s,s:s,s:i,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:f,s:{s:f,s:b,s:b,s:b}}", "id",
        (json_int_t)t->id, "school", t->school_code, "school_name", t->school_name, "year", t->year,
        "name", t->name, "created_by", t->created_by, "created_at", (json_int_t)t->created_at,
        "members_count", (json_int_t)c.members, "members_40_days", (json_int_t)c.members_40,
        "subject_leaders", (json_int_t)c.leaders, "backbone", (json_int_t)c.backbone, "days_total",
        c.days, "rules", "days_per_member", TEAM_DAYS_MIN, "has_subject_leader", c.leaders > 0,
        "has_backbone", c.backbone > 0, "ok", !problem);
    json_object_set_new(json_object_get(j, "rules"), "problem",
                        problem ? json_string(T(r, problem)) : json_null());
    if (with_members) {
        TeamMember *m;
        int n = team_member_list(r->db, r->arena, t->id, &m);
        json_t *a = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(
                a,
                json_pack("{s:I,s:s,s:s,s:s,s:f,s:b,s:f}", "teacher", (json_int_t)m[i].teacher_id,
                          "name", m[i].name, "subject", m[i].subject, "role", m[i].role, "days",
                          m[i].days, "meets", team_days_meet(m[i].days), "short_by",
                          team_days_meet(m[i].days) ? 0.0 : TEAM_DAYS_MIN - m[i].days));
        json_object_set_new(j, "members", a);
    }
    return j;
}

/* ---- working days ---------------------------------------------------------------------- */

const char *team_day_check(Db *db, Arena *a, const Team *t, const TeamDayInput *in,
                           const char *today, int64_t *school_id, const char **school_path,
                           const char **why)
{
    *why = NULL;
    int64_t n = 0;
    int f = in->teacher_id > 0 ? db_int(db, &n,
                                        "SELECT count(*) FROM team_members WHERE team_id = ?"
                                        " AND teacher_id = ?",
                                        "ii", t->id, in->teacher_id)
                               : 1;
    if (f < 0) return "";
    if (!n) return *why = REFUSE("must be the id of a member of this team"), "teacher";
    Org o;
    f = in->school && valid_code(in->school) ? org_load(db, a, in->school, &o) : 0;
    if (f < 0) return "";
    if (!f || strcmp(o.kind, "school") || !o.is_recipient || !o.active)
        return *why = REFUSE("must be the code of a recipient school"), "school";
    if (o.id == t->school_id)
        return *why = REFUSE("must be a recipient school other than the helping school"), "school";
    if (!in->worked_on || !need_date_ok(in->worked_on))
        return *why = REFUSE("must be a real date written YYYY-MM-DD"), "worked_on";
    if (!training_date_ok(in->worked_on, t->year, today))
        return *why = REFUSE("must be a day of the team's year, not in the future"), "worked_on";
    if (!team_days_ok(in->days)) return *why = REFUSE("must be 0.5 or 1"), "days";
    if (in->note && !valid_text(in->note, 500))
        return *why = REFUSE("must be at most 500 bytes, no control characters"), "note";
    *school_id = o.id;
    *school_path = o.path;
    return NULL;
}

int64_t team_day_insert(Db *db, const char *actor, const Team *t, const TeamDayInput *in,
                        int64_t school_id, const char *school_path, int *dbrc)
{
    int64_t id = 0;
    DbStmt *s = db_q(db,
                     "INSERT INTO team_days(team_id, teacher_id, school_id, worked_on, days, note,"
                     " created_by, created_at) VALUES (?,?,?,?,?,?,?,?)"
                     " ON CONFLICT (teacher_id, worked_on) DO NOTHING RETURNING id",
                     "iiisdssi", t->id, in->teacher_id, school_id, in->worked_on, in->days,
                     in->note ? in->note : "", actor, now_s());
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    if (!id) {
        *dbrc = rc == DB_DONE ? DB_CONSTRAINT : rc == DB_ROW ? DB_ERROR : rc;
        return 0;
    }
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    json_t *after =
        json_pack("{s:I,s:I,s:I,s:s,s:f,s:s}", "team", (json_int_t)t->id, "teacher",
                  (json_int_t)in->teacher_id, "school_id", (json_int_t)school_id, "worked_on",
                  in->worked_on, "days", in->days, "note", in->note ? in->note : "");
    /* the record belongs to both schools' trails: it is filed under the recipient's */
    *dbrc = audit_log(db, actor, "team.day", "team_day", key, school_path, NULL, after);
    json_decref(after);
    if (*dbrc == DB_OK) *dbrc = team_refeed(db, actor, t->school_id, t->school_path, t->year);
    return *dbrc == DB_OK ? id : 0;
}

/* ---- figures ------------------------------------------------------------------------------ */

int team_feed_school(FeedBatch *f, Db *db, int64_t school_id, int year)
{
    int64_t team = 0;
    int got = db_int(db, &team, "SELECT id FROM teams WHERE helping_school_id = ? AND year = ?",
                     "ii", school_id, (int64_t)year);
    if (got < 0) return -1;
    TeamCounts c = {0};
    if (got && team_counts(db, team, &c) != 0) return -1;
    char period[8];
    snprintf(period, sizeof period, "%d", year);
    if (feed_put(f, school_id, "team_members", period, (double)c.members) ||
        feed_put(f, school_id, "team_members_40_days", period, (double)c.members_40) ||
        feed_put(f, school_id, "backbone_teachers_dispatched", period,
                 (double)c.backbone_dispatched))
        return -1;
    return 0;
}

int team_refeed(Db *db, const char *actor, int64_t school_id, const char *school_path, int year)
{
    FeedBatch *f = feed_begin(db, actor);
    if (!f) return DB_ERROR;
    team_feed_school(f, db, school_id, year);
    char key[24], err[256];
    snprintf(key, sizeof key, "%lld", (long long)school_id);
    if (feed_end(f, "feed.teams", key, school_path, err, sizeof err) != 0) {
        fprintf(stderr, "huiju: team figures: %s\n", err);
        return DB_ERROR;
    }
    return DB_OK;
}

int liaison_feed_school(FeedBatch *f, Db *db, int64_t school_id, int year)
{
    int64_t n = 0;
    char end[16], period[8];
    snprintf(end, sizeof end, "%d-12-31", year);
    snprintf(period, sizeof period, "%d", year);
    if (db_int(db, &n,
               "SELECT count(*) FROM liaison_officers WHERE school_id = ? AND active = 1"
               " AND since <= ?",
               "is", school_id, end) < 0)
        return -1;
    return feed_put(f, school_id, "liaison_officers", period, (double)n) ? -1 : 0;
}

int liaison_feed_all(FeedBatch *f, Db *db, int year)
{
    char end[16], period[8];
    snprintf(end, sizeof end, "%d-12-31", year);
    snprintf(period, sizeof period, "%d", year);
    DbStmt *s =
        db_q(db,
             "SELECT o.id, (SELECT count(*) FROM liaison_officers l WHERE l.school_id = o.id"
             " AND l.active = 1 AND l.since <= ?) FROM orgs o WHERE o.kind = 'school'"
             " AND o.is_recipient = 1",
             "s", end);
    if (!s) return -1;
    int rc, bad = 0;
    while (!bad && (rc = db_step(s)) == DB_ROW)
        bad = feed_put(f, db_col_int(s, 0), "liaison_officers", period, (double)db_col_int(s, 1));
    db_done(s);
    return bad || (rc != DB_DONE && rc != DB_ROW) ? -1 : 0;
}

/* ---- shortfalls ------------------------------------------------------------------------ */

int team_member_days(Db *db, Arena *a, const char *unit_path, int year, int short_only, int max,
                     MemberDays **out, int *more)
{
    *more = 0;
    *out = arena_alloc(a, sizeof **out * (size_t)(max > 0 ? max : 1));
    DbStmt *s =
        db_q(db,
             "SELECT q.team_id, q.teacher_id, q.team_name, q.code, q.name_zh, q.tname, q.subject,"
             " q.role, q.days FROM (SELECT tm.id AS team_id, m.teacher_id, tm.name AS team_name,"
             " h.code, h.name_zh, t.name AS tname, t.subject, m.role, " MEMBER_DAYS " AS days"
             " FROM teams tm JOIN orgs h ON h.id = tm.helping_school_id"
             " JOIN team_members m ON m.team_id = tm.id JOIN teachers t ON t.id = m.teacher_id"
             " WHERE " TEAM_UNIT_SQL ") q WHERE CAST(? AS BIGINT) = 0 OR q.days < ?"
             " ORDER BY q.code, q.team_id, q.tname, q.teacher_id LIMIT ?",
             "issssidi", (int64_t)year, unit_path, unit_path, unit_path, unit_path,
             (int64_t)short_only, TEAM_DAYS_MIN, (int64_t)max + 1);
    if (!s) return -1;
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == max) {
            *more = 1;
            break;
        }
        MemberDays *m = &(*out)[n++];
        m->team_id = db_col_int(s, 0);
        m->teacher_id = db_col_int(s, 1);
        m->team_name = arena_strdup(a, db_col_text(s, 2));
        m->school_code = arena_strdup(a, db_col_text(s, 3));
        m->school_name = arena_strdup(a, db_col_text(s, 4));
        m->name = arena_strdup(a, db_col_text(s, 5));
        m->subject = arena_strdup(a, db_col_text(s, 6));
        m->role = arena_strdup(a, db_col_text(s, 7));
        m->days = db_col_double(s, 8);
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? n : -1;
}

int team_member_counts(Db *db, const char *unit_path, int year, int64_t *members,
                       int64_t *short_members)
{
    *members = *short_members = 0;
    DbStmt *s =
        db_q(db,
             "SELECT count(*), COALESCE(sum(CASE WHEN q.days < ? THEN 1 ELSE 0 END), 0)"
             " FROM (SELECT " MEMBER_DAYS " AS days FROM teams tm"
             " JOIN orgs h ON h.id = tm.helping_school_id"
             " JOIN team_members m ON m.team_id = tm.id WHERE " TEAM_UNIT_SQL ") q",
             "dissss", TEAM_DAYS_MIN, (int64_t)year, unit_path, unit_path, unit_path, unit_path);
    if (!s) return -1;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *members = db_col_int(s, 0);
        *short_members = db_col_int(s, 1);
    }
    db_done(s);
    return rc == DB_ROW ? 0 : -1;
}

#define LIAISON_ACTIVE                                                                             \
    "(SELECT count(*) FROM liaison_officers l WHERE l.school_id = o.id AND l.active = 1)"

int liaison_school_counts(Db *db, Arena *a, const char *unit_path, int short_only, int max,
                          LiaisonCount **out, int *more)
{
    *more = 0;
    *out = arena_alloc(a, sizeof **out * (size_t)(max > 0 ? max : 1));
    DbStmt *s = db_q(
        db,
        "SELECT q.id, q.code, q.name_zh, q.n FROM (SELECT o.id, o.code, o.name_zh, " LIAISON_ACTIVE
        " AS n FROM orgs o WHERE o.kind = 'school' AND"
        " o.is_recipient = 1 AND o.active = 1"
        " AND substr(o.path, 1, length(CAST(? AS TEXT))) = ?) q"
        " WHERE CAST(? AS BIGINT) = 0 OR q.n < ? ORDER BY q.code LIMIT ?",
        "ssiii", unit_path, unit_path, (int64_t)short_only, (int64_t)LIAISON_MIN, (int64_t)max + 1);
    if (!s) return -1;
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == max) {
            *more = 1;
            break;
        }
        LiaisonCount *c = &(*out)[n++];
        c->school_id = db_col_int(s, 0);
        c->code = arena_strdup(a, db_col_text(s, 1));
        c->name = arena_strdup(a, db_col_text(s, 2));
        c->active = db_col_int(s, 3);
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? n : -1;
}

int liaison_counts(Db *db, const char *unit_path, int64_t *schools, int64_t *short_schools)
{
    *schools = *short_schools = 0;
    DbStmt *s = db_q(db,
                     "SELECT count(*), COALESCE(sum(CASE WHEN q.n < ? THEN 1 ELSE 0 END), 0)"
                     " FROM (SELECT " LIAISON_ACTIVE " AS n FROM orgs o WHERE o.kind = 'school'"
                     " AND o.is_recipient = 1 AND o.active = 1"
                     " AND substr(o.path, 1, length(CAST(? AS TEXT))) = ?) q",
                     "iss", (int64_t)LIAISON_MIN, unit_path, unit_path);
    if (!s) return -1;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *schools = db_col_int(s, 0);
        *short_schools = db_col_int(s, 1);
    }
    db_done(s);
    return rc == DB_ROW ? 0 : -1;
}

/* ---- writes -------------------------------------------------------------------------------- */

static TeamResult invalid(TeamOutcome *out, const char *field, const char *why)
{
    out->field = field;
    out->why = why;
    return TEAM_INVALID;
}

TeamResult team_commit_or(Req *r, int rc)
{
    if (rc == DB_OK && db_commit(r->db) == DB_OK) return TEAM_OK;
    db_rollback(r->db);
    if (rc != DB_BUSY && rc != DB_OK) fprintf(stderr, "huiju: teams: %s\n", db_errmsg(r->db));
    return TEAM_ERROR;
}

TeamResult team_create(Req *r, const char *school, int64_t year, const char *name, TeamOutcome *out)
{
    memset(out, 0, sizeof *out);
    Org o;
    int f = school && valid_code(school) ? org_load(r->db, r->arena, school, &o) : 0;
    if (f < 0) return TEAM_ERROR;
    if (!f || !can(r, CAP_DATA_READ, o.path) || strcmp(o.kind, "school"))
        return invalid(out, "school", T(r, "must be the code of a helping school in your reach"));
    if (!can(r, CAP_TRAINING_WRITE, o.path)) return TEAM_FORBIDDEN;
    if (!o.is_helper) return invalid(out, "school", T(r, "must be a helping school"));
    if (year < 2020 || year > training_this_year() + 1)
        return invalid(out, "year", T(r, "must be a year from 2020 to next year"));
    if (!name || !*name || !valid_text(name, 200))
        return invalid(out, "name", T(r, "is required: 1 to 200 bytes, no control characters"));
    int rc = db_begin(r->db);
    int64_t id = 0;
    if (rc == DB_OK) {
        DbStmt *s = db_q(r->db,
                         "INSERT INTO teams(helping_school_id, year, name, created_by, created_at)"
                         " VALUES (?,?,?,?,?) ON CONFLICT (helping_school_id, year) DO NOTHING"
                         " RETURNING id",
                         "iissi", o.id, year, name, r->auth.login, now_s());
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) id = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK && !id) {
        db_rollback(r->db);
        out->why = arena_printf(r->arena, "%s %s (%lld)", o.name_zh,
                                T(r, "already has a team for this year"), (long long)year);
        return TEAM_CONFLICT;
    }
    if (rc == DB_OK) {
        json_t *after = json_pack("{s:I,s:s,s:I,s:s}", "id", (json_int_t)id, "school", o.code,
                                  "year", (json_int_t)year, "name", name);
        rc = audit_log(r->db, r->auth.login, "team.create", "team",
                       arena_printf(r->arena, "%lld", (long long)id), o.path, NULL, after);
        json_decref(after);
    }
    if (rc == DB_OK) rc = team_refeed(r->db, r->auth.login, o.id, o.path, (int)year);
    out->id = id;
    return team_commit_or(r, rc);
}

TeamResult team_add_member(Req *r, const Team *t, int64_t teacher, const char *role,
                           TeamOutcome *out)
{
    memset(out, 0, sizeof *out);
    if (!can(r, CAP_TRAINING_WRITE, t->school_path)) return TEAM_FORBIDDEN;
    Teacher te;
    int f = teacher > 0 ? teacher_load(r->db, r->arena, teacher, &te) : 0;
    if (f < 0) return TEAM_ERROR;
    if (!f || te.school_id != t->school_id || !te.active)
        return invalid(out, "teacher", T(r, "must be an active teacher of the helping school"));
    if (!team_role_ok(role))
        return invalid(out, "role", T(r, "must be subject_leader or backbone"));
    int rc = db_begin(r->db);
    int64_t hit = 0;
    if (rc == DB_OK) {
        DbStmt *s = db_q(r->db,
                         "INSERT INTO team_members(team_id, teacher_id, role) VALUES (?,?,?)"
                         " ON CONFLICT (team_id, teacher_id) DO NOTHING RETURNING teacher_id",
                         "iis", t->id, teacher, role);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK && !hit) {
        db_rollback(r->db);
        out->why = arena_printf(r->arena, "%s %s", te.name,
                                T(r, "is already a member of this team; remove them first to "
                                     "change the role"));
        return TEAM_CONFLICT;
    }
    if (rc == DB_OK) {
        json_t *after = json_pack("{s:I,s:I,s:s,s:s}", "team", (json_int_t)t->id, "teacher",
                                  (json_int_t)teacher, "name", te.name, "role", role);
        rc = audit_log(r->db, r->auth.login, "team.member.add", "team",
                       arena_printf(r->arena, "%lld", (long long)t->id), t->school_path, NULL,
                       after);
        json_decref(after);
    }
    if (rc == DB_OK) rc = team_refeed(r->db, r->auth.login, t->school_id, t->school_path, t->year);
    return team_commit_or(r, rc);
}

TeamResult team_add_day(Req *r, const Team *t, const TeamDayInput *in, TeamOutcome *out)
{
    memset(out, 0, sizeof *out);
    char today[11];
    training_today(today);
    int64_t school_id = 0;
    const char *school_path = NULL, *why = NULL;
    const char *field =
        team_day_check(r->db, r->arena, t, in, today, &school_id, &school_path, &why);
    if (field && !why) return TEAM_ERROR;
    if (field) return invalid(out, field, T(r, why));
    if (!can(r, CAP_TRAINING_WRITE, t->school_path) && !can(r, CAP_TRAINING_WRITE, school_path))
        return TEAM_FORBIDDEN;
    int rc = db_begin(r->db);
    int64_t id =
        rc == DB_OK ? team_day_insert(r->db, r->auth.login, t, in, school_id, school_path, &rc) : 0;
    if (rc == DB_CONSTRAINT) {
        db_rollback(r->db);
        out->why = arena_printf(r->arena, "%s %s",
                                T(r, "This teacher already has a working day on"), in->worked_on);
        return TEAM_CONFLICT;
    }
    out->id = id;
    return team_commit_or(r, rc);
}

void team_send_error(Req *r, TeamResult res, const TeamOutcome *out)
{
    switch (res) {
    case TEAM_OK:
        return;
    case TEAM_INVALID:
        training_invalid(r, out->field, out->why);
        return;
    case TEAM_NOT_FOUND:
        req_not_found(r);
        return;
    case TEAM_FORBIDDEN:
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    case TEAM_CONFLICT:
        req_error(r, 409, "conflict", out->why);
        return;
    default:
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    }
}
