/* course.c — the online parent school (see course.h): the catalogue, courses,
 * views, uploaded recordings; API and pages. */
#include "course.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "activity.h"
#include "audit.h"
#include "core/util.h"
#include "files.h"
#include "http/multipart.h"
#include "org.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

const char *const course_stages[] = {"preschool", "primary", "junior", "senior", "all", NULL};
const char *const course_kinds[] = {"micro_course", "lecture", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

const char *course_stage_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "preschool")) return T(r, "Pre-school");
    if (!strcmp(s, "primary")) return T(r, "Primary school");
    if (!strcmp(s, "junior")) return T(r, "Junior secondary");
    if (!strcmp(s, "senior")) return T(r, "Senior secondary");
    if (!strcmp(s, "all")) return T(r, "All stages");
    return s;
}

const char *course_kind_label(Req *r, const char *k)
{
    if (!k) return "";
    if (!strcmp(k, "micro_course")) return T(r, "Micro-course");
    if (!strcmp(k, "lecture")) return T(r, "Recorded lecture");
    return k;
}

int course_mime_ok(const char *m)
{
    return m &&
           (!strcmp(m, "video/mp4") || !strcmp(m, "audio/mpeg") || !strcmp(m, "application/pdf"));
}

/* ---- the store ------------------------------------------------------------------ */

void course_row(DbStmt *s, Arena *a, Course *c)
{
    memset(c, 0, sizeof *c);
    c->id = db_col_int(s, 0);
    c->org_id = db_col_int(s, 1);
    c->org_code = arena_strdup(a, db_col_text(s, 2));
    c->org_name = arena_strdup(a, db_col_text(s, 3));
    c->org_name_en = arena_strdup(a, db_col_text(s, 4));
    c->org_path = arena_strdup(a, db_col_text(s, 5));
    c->title = arena_strdup(a, db_col_text(s, 6));
    c->stage = arena_strdup(a, db_col_text(s, 7));
    c->topic = arena_strdup(a, db_col_text(s, 8));
    c->kind = arena_strdup(a, db_col_text(s, 9));
    c->url = arena_strdup(a, db_col_text(s, 10));
    c->file_sha256 = db_col_is_null(s, 11) ? NULL : arena_strdup(a, db_col_text(s, 11));
    c->file_name = db_col_is_null(s, 12) ? NULL : arena_strdup(a, db_col_text(s, 12));
    c->file_mime = db_col_is_null(s, 13) ? NULL : arena_strdup(a, db_col_text(s, 13));
    c->published_on = arena_strdup(a, db_col_text(s, 14));
    c->created_by = arena_strdup(a, db_col_text(s, 15));
    c->duration_min = db_col_int(s, 16);
    c->file_size = db_col_is_null(s, 17) ? 0 : db_col_int(s, 17);
    c->views = db_col_int(s, 18);
    c->created_at = db_col_int(s, 19);
    c->active = (int)db_col_int(s, 20);
}

int course_load(Db *db, Arena *a, int64_t id, Course *out)
{
    DbStmt *s = db_q(db,
                     "SELECT " COURSE_COLS " FROM courses c JOIN orgs o ON o.id = c.org_id"
                     " WHERE c.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s), found = 0;
    if (rc == DB_ROW) {
        course_row(s, a, out);
        found = 1;
    } else if (rc != DB_DONE) {
        found = -1;
    }
    db_done(s);
    return found;
}

int course_visible(Req *r, const Course *c)
{
    return c->active && activity_visible(r, c->org_path);
}

int course_manager(Req *r, const Course *c)
{
    return can(r, CAP_ACTIVITY_WRITE, c->org_path);
}

static json_t *course_json(const Course *c)
{
    json_t *j =
        json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:I,s:s,s:I}", "id", (json_int_t)c->id,
                  "org", c->org_code, "org_name", c->org_name, "title", c->title, "stage", c->stage,
                  "topic", c->topic, "kind", c->kind, "duration_min", (json_int_t)c->duration_min,
                  "url", c->url, "published_on", c->published_on, "views", (json_int_t)c->views,
                  "created_by", c->created_by, "created_at", (json_int_t)c->created_at);
    if (c->file_sha256) {
        char href[64];
        snprintf(href, sizeof href, "/api/v1/courses/%lld/file", (long long)c->id);
        json_object_set_new(j, "file",
                            json_pack("{s:s,s:s,s:I,s:s}", "name", c->file_name ? c->file_name : "",
                                      "type", c->file_mime ? c->file_mime : "", "size",
                                      (json_int_t)c->file_size, "href", href));
    } else {
        json_object_set_new(j, "file", json_null());
    }
    return j;
}

/* Recomputes parent_micro_courses of the course's unit and year. DB_OK or a code. */
static int feed_publish(Db *db, const char *actor, const Course *c)
{
    if (strcmp(c->kind, "micro_course")) return DB_OK;
    char year[8];
    snprintf(year, sizeof year, "%.4s", c->published_on);
    int64_t n = 0;
    if (db_int(db, &n,
               "SELECT count(*) FROM courses WHERE org_id = ? AND kind = 'micro_course'"
               " AND active = 1 AND substr(published_on, 1, 4) = ?",
               "is", c->org_id, year) != 1)
        return DB_ERROR;
    FeedCell cell = {.org_id = c->org_id, .code = "parent_micro_courses", .value = (double)n};
    snprintf(cell.period, sizeof cell.period, "%s", year);
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)c->id);
    return feed_cells(db, actor, &cell, 1, "feed.courses", key, c->org_path);
}

int course_view(Db *db, Arena *a, const Course *c, int64_t user_id, const char *actor, int64_t now)
{
    int rc = db_begin(db);
    if (rc != DB_OK) return rc;
    rc = db_run(db, "UPDATE courses SET views = views + 1 WHERE id = ?", "i", c->id);
    if (rc == DB_OK)
        rc = db_run(db, "INSERT INTO course_views(course_id, user_id, viewed_at) VALUES (?,?,?)",
                    "iii", c->id, user_id, now);
    int y, m;
    int64_t from, to, n = 0;
    activity_month_of(now, &y, &m, &from, &to);
    if (rc == DB_OK &&
        db_int(db, &n,
               "SELECT count(*) FROM course_views v JOIN courses c ON c.id = v.course_id"
               " WHERE c.org_id = ? AND v.viewed_at >= ? AND v.viewed_at < ?",
               "iii", c->org_id, from, to) != 1)
        rc = DB_ERROR;
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)c->id);
    if (rc == DB_OK) {
        FeedCell cell = {.org_id = c->org_id, .code = "course_views", .value = (double)n};
        snprintf(cell.period, sizeof cell.period, "%04d-%02d", y, m);
        rc = feed_cells(db, actor, &cell, 1, "feed.courses", key, c->org_path);
    }
    if (rc == DB_OK) {
        json_t *after =
            json_pack("{s:I,s:I}", "course", (json_int_t)c->id, "user_id", (json_int_t)user_id);
        rc = audit_log(db, actor, "course.view", "course", arena_printf(a, "%s", key), c->org_path,
                       NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
        db_rollback(db);
        return rc;
    }
    return DB_OK;
}

/* ---- publishing ------------------------------------------------------------------ */

typedef struct CourseInput {
    const char *org, *title, *stage, *topic, *kind, *url, *published_on, *duration_text;
    int64_t duration;
    int has_duration;
    const char *bad_field, *why;
} CourseInput;

static int fail(CourseInput *in, const char *field, const char *why)
{
    if (!in->bad_field) {
        in->bad_field = field;
        in->why = why;
    }
    return 0;
}

/* Whether s is a real date YYYY-MM-DD. */
static int date_ok(const char *s)
{
    int64_t t;
    char buf[24];
    if (!s || strlen(s) != 10) return 0;
    snprintf(buf, sizeof buf, "%sT00:00", s);
    return activity_parse_time(buf, &t);
}

static int url_ok(const char *s)
{
    if (!s || !*s) return 1;
    if (strlen(s) > 500 || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8))) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7F || *p == '"' || *p == '<' || *p == '>') return 0;
    return strlen(s) > (s[4] == 's' ? 8u : 7u);
}

/* The caller's first unit where they publish, or NULL. */
static const char *own_unit(Req *r)
{
    for (int i = 0; i < r->auth.ngrants; i++)
        if (role_caps(r->auth.grants[i].role) & CAPBIT(CAP_ACTIVITY_WRITE))
            return r->auth.grants[i].org_code;
    return NULL;
}

/* Publishes a course. 201-like ACT_OK with *out, else the ActResult to send. */
static ActResult course_create(Req *r, CourseInput *in, Course *out)
{
    const char *code = in->org && *in->org ? in->org : own_unit(r);
    if (!code || !valid_code(code)) {
        fail(in, "org", T(r, "is required: the code of the publishing unit"));
        return ACT_INVALID;
    }
    Org o;
    int f = org_load(r->db, r->arena, code, &o);
    if (f < 0) return ACT_ERROR;
    if (!f || !activity_visible(r, o.path)) return ACT_NOT_FOUND;
    if (!can(r, CAP_ACTIVITY_WRITE, o.path)) return ACT_FORBIDDEN;
    if (in->duration_text) {
        if (!parse_int(in->duration_text, -100000, 100000, &in->duration)) {
            fail(in, "duration_min", T(r, "must be a whole number of minutes, 1 to 600"));
            return ACT_INVALID;
        }
        in->has_duration = 1;
    }
    if (!in->title || !*in->title || !valid_text(in->title, 200) || strchr(in->title, '\n'))
        fail(in, "title", T(r, "is required: one line of at most 200 bytes"));
    else if (!in_list(course_stages, in->stage))
        fail(in, "stage", T(r, "must be one of preschool, primary, junior, senior, all"));
    else if (!in->topic || !*in->topic || !valid_text(in->topic, 60) || strchr(in->topic, '\n'))
        fail(in, "topic", T(r, "is required: one line of at most 60 bytes"));
    else if (!in_list(course_kinds, in->kind))
        fail(in, "kind", T(r, "must be micro_course or lecture"));
    else if (!in->has_duration || in->duration < 1 || in->duration > 600)
        fail(in, "duration_min", T(r, "must be a whole number of minutes, 1 to 600"));
    else if (!url_ok(in->url))
        fail(in, "url", T(r, "must be a link starting with http:// or https://"));
    else if (in->published_on && *in->published_on && !date_ok(in->published_on))
        fail(in, "published_on", T(r, "must be a real date written YYYY-MM-DD"));
    if (in->bad_field) return ACT_INVALID;
    int64_t now = now_s();
    const char *day = in->published_on && *in->published_on
                          ? in->published_on
                          : arena_strndup(r->arena, activity_time_input(r->arena, now), 10);
    int64_t id = 0;
    int rc = db_begin(r->db);
    if (rc != DB_OK) return ACT_BUSY;
    DbStmt *s = db_q(r->db,
                     "INSERT INTO courses(org_id, title, stage, topic, kind, duration_min, url,"
                     " published_on, views, active, created_by, created_at)"
                     " VALUES (?,?,?,?,?,?,?,?,0,1,?,?) RETURNING id",
                     "issssisssi", o.id, in->title, in->stage, in->topic, in->kind, in->duration,
                     in->url ? in->url : "", day, r->auth.login, now);
    rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    rc = id ? DB_OK : rc;
    Course c = {0};
    if (rc == DB_OK && course_load(r->db, r->arena, id, &c) != 1) rc = DB_ERROR;
    if (rc == DB_OK) rc = feed_publish(r->db, r->auth.login, &c);
    if (rc == DB_OK) {
        json_t *after = course_json(&c);
        json_object_del(after, "views");
        json_object_del(after, "created_at");
        rc = audit_log(r->db, r->auth.login, "course.create", "course",
                       arena_printf(r->arena, "%lld", (long long)id), o.path, NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK || (rc = db_commit(r->db)) != DB_OK) {
        db_rollback(r->db);
        return rc == DB_BUSY ? ACT_BUSY : ACT_ERROR;
    }
    *out = c;
    return ACT_OK;
}

static void send_invalid(Req *r, ActResult res, const CourseInput *in)
{
    if (res == ACT_INVALID)
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", in->bad_field, in->why));
    else
        activity_send_result(r, res, NULL, WHY_NONE, NULL);
}

/* ---- the upload ------------------------------------------------------------------- */

/* Stores the "file" part of a multipart body as the course's file. 0, or the
 * HTTP status with *why (and *field) set. */
static int store_file(Req *r, const Course *c, const char **field, const char **why)
{
    *field = "file";
    if (r->body_too_large) {
        *why = T(r, "must be at most 30 MiB");
        return 413;
    }
    Part *parts = NULL;
    int n = multipart_parse(r, &parts);
    const Part *p = n > 0 ? multipart_get(parts, n, "file") : NULL;
    if (!p || !p->filename) {
        *why = T(r, "is required: a multipart/form-data part named file");
        return 422;
    }
    if (p->len > COURSE_MAX_FILE) {
        *why = T(r, "must be at most 30 MiB");
        return 413;
    }
    const char *mime = p->len ? files_sniff(p->data, p->len, p->filename) : NULL;
    if (!course_mime_ok(mime)) {
        *why = T(r, "must be an MP4 video, an MP3 recording or a PDF document");
        return 422;
    }
    char sha[65];
    if (files_store(r, p->data, p->len, sha) != 0) {
        *why = T(r, "could not be stored; please try again");
        return 503;
    }
    const char *name = files_clean_name(r, p->filename);
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = db_run(r->db,
                    "UPDATE courses SET file_sha256 = ?, file_name = ?, file_mime = ?,"
                    " file_size = ? WHERE id = ?",
                    "sssii", sha, name, mime, (int64_t)p->len, c->id);
    if (rc == DB_OK) {
        json_t *before = c->file_sha256 ? json_pack("{s:s}", "file_sha256", c->file_sha256) : NULL;
        json_t *after = json_pack("{s:s,s:s,s:s,s:I}", "file_sha256", sha, "file_name", name,
                                  "file_mime", mime, "file_size", (json_int_t)p->len);
        rc =
            audit_log(r->db, r->auth.login, "course.file", "course",
                      arena_printf(r->arena, "%lld", (long long)c->id), c->org_path, before, after);
        json_decref(before);
        json_decref(after);
    }
    if (rc != DB_OK || (rc = db_commit(r->db)) != DB_OK) {
        db_rollback(r->db);
        *why = T(r, "The service is busy. Please try again.");
        return 503;
    }
    return 0;
}

/* Loads the course of the path: 1, or 0 with 404 sent (missing or not near). */
static int load_visible(Req *r, Course *c)
{
    int64_t id = activity_id_param(r);
    int f = id ? course_load(r->db, r->arena, id, c) : 0;
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return 0;
    }
    if (!f || !course_visible(r, c)) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

/* ---- API ------------------------------------------------------------------------- */

void course_api_create(Req *r)
{
    static const char *const fields[] = {"org", "title",        "stage",        "topic", "kind",
                                         "url", "duration_min", "published_on", NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    CourseInput in = {0};
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        const char *field = arena_strdup(r->arena, key);
        if (!strcmp(key, "duration_min")) {
            if (!json_is_integer(v))
                fail(&in, field, T(r, "must be a whole number of minutes, 1 to 600"));
            in.duration = json_integer_value(v);
            in.has_duration = 1;
            continue;
        }
        if (!json_is_string(v)) {
            fail(&in, field, T(r, "must be a string"));
            continue;
        }
        const char *sv = arena_strdup(r->arena, json_string_value(v));
        if (!strcmp(key, "org")) in.org = sv;
        if (!strcmp(key, "title")) in.title = sv;
        if (!strcmp(key, "stage")) in.stage = sv;
        if (!strcmp(key, "topic")) in.topic = sv;
        if (!strcmp(key, "kind")) in.kind = sv;
        if (!strcmp(key, "url")) in.url = sv;
        if (!strcmp(key, "published_on")) in.published_on = sv;
    }
    json_decref(j);
    Course c;
    ActResult res = in.bad_field ? ACT_INVALID : course_create(r, &in, &c);
    if (res != ACT_OK) {
        send_invalid(r, res, &in);
        return;
    }
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/courses/%lld", (long long)c.id));
    req_send_json(r, 201, course_json(&c));
}

void course_api_get(Req *r)
{
    Course c;
    if (!load_visible(r, &c)) return;
    json_t *j = course_json(&c);
    int64_t mine = 0;
    db_int(r->db, &mine, "SELECT count(*) FROM course_views WHERE course_id = ? AND user_id = ?",
           "ii", c.id, r->auth.user_id);
    json_object_set_new(j, "my_views", json_integer(mine));
    req_send_json(r, 200, j);
}

void course_api_view(Req *r)
{
    if (r->body.len) {
        static const char *const none[] = {NULL};
        json_t *j = req_json_object(r, none);
        if (!j) return;
        json_decref(j);
    }
    Course c;
    if (!load_visible(r, &c)) return;
    int counted = !course_manager(r, &c);
    if (counted) {
        int rc = course_view(r->db, r->arena, &c, r->auth.user_id, r->auth.login, now_s());
        if (rc != DB_OK) {
            activity_send_result(r, rc == DB_BUSY ? ACT_BUSY : ACT_ERROR, NULL, WHY_NONE, NULL);
            return;
        }
        course_load(r->db, r->arena, c.id, &c);
    }
    int64_t mine = 0;
    db_int(r->db, &mine, "SELECT count(*) FROM course_views WHERE course_id = ? AND user_id = ?",
           "ii", c.id, r->auth.user_id);
    req_send_json(r, counted ? 201 : 200,
                  json_pack("{s:I,s:b,s:I,s:I}", "course", (json_int_t)c.id, "counted", counted,
                            "views", (json_int_t)c.views, "my_views", (json_int_t)mine));
}

void course_api_upload(Req *r)
{
    Course c;
    if (!load_visible(r, &c)) return;
    if (!course_manager(r, &c)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    const char *field, *why;
    int st = store_file(r, &c, &field, &why);
    if (st) {
        req_error(r, st,
                  st == 413   ? "too_large"
                  : st == 422 ? "invalid"
                              : "busy",
                  arena_printf(r->arena, "%s %s", field, why));
        return;
    }
    course_load(r->db, r->arena, c.id, &c);
    req_send_json(r, 200, course_json(&c));
}

void course_api_file(Req *r)
{
    Course c;
    if (!load_visible(r, &c)) return;
    if (!c.file_sha256) {
        req_not_found(r);
        return;
    }
    files_send(r, c.file_sha256, c.file_name, c.file_mime);
}

void course_api_list(Req *r)
{
    const char *stage = req_query(r, "stage"), *topic = req_query(r, "topic"),
               *kind = req_query(r, "kind"), *lim = req_query(r, "limit"),
               *cur = req_query(r, "cursor");
    int64_t limit = 50, before = 0;
    const char *why = NULL;
    if (lim && *lim && !parse_int(lim, 1, 500, &limit))
        why = T(r, "limit must be a whole number from 1 to 500.");
    else if (stage && *stage && !in_list(course_stages, stage))
        why = T(r, "stage must be one of preschool, primary, junior, senior, all.");
    else if (kind && *kind && !in_list(course_kinds, kind))
        why = T(r, "kind must be micro_course or lecture.");
    else if (topic && *topic && !valid_text(topic, 60))
        why = T(r, "topic must be at most 60 bytes.");
    else if (cur && *cur && !parse_int(cur, 1, INT64_MAX / 2, &before))
        why = T(r, "cursor is not valid.");
    if (why) {
        req_error(r, 400, "bad_param", why);
        return;
    }
    stage = stage && *stage ? stage : NULL;
    topic = topic && *topic ? topic : NULL;
    kind = kind && *kind ? kind : NULL;
    DbStmt *s =
        db_q(r->db,
             "SELECT " COURSE_COLS " FROM courses c JOIN orgs o ON o.id = c.org_id"
             " WHERE c.active = 1 AND " NEAR_SQL(
                 "c.org_id") " AND (CAST(? AS TEXT) IS NULL OR c.stage = ? OR c.stage = 'all')"
                             " AND (CAST(? AS TEXT) IS NULL OR c.topic = ?)"
                             " AND (CAST(? AS TEXT) IS NULL OR c.kind = ?)"
                             " AND (CAST(? AS BIGINT) = 0 OR c.id < ?) ORDER BY c.id DESC LIMIT ?",
             "isssssssiii", REACH_ARGS(r, CAP_ACTIVITY_BOOK), stage, stage, topic, topic, kind,
             kind, before, before, limit + 1);
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
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
        Course c;
        course_row(s, r->arena, &c);
        json_array_append_new(items, course_json(&c));
        last = c.id;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    req_send_json(r, 200, out);
}

/* ---- pages --------------------------------------------------------------------------- */

static const char *org_label(Req *r, const Course *c)
{
    if (!strcmp(r->lang, "en") && c->org_name_en && *c->org_name_en) return c->org_name_en;
    return c->org_name;
}

static void options(Req *r, const char *const *values, const char *current,
                    const char *(*label)(Req *, const char *), int blank)
{
    if (blank) hf(r, "<option value=\"\">%s</option>", T(r, "All"));
    for (const char *const *v = values; *v; v++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *v,
           current && !strcmp(current, *v) ? " selected" : "", label(r, *v));
}

void course_page_index(Req *r)
{
    const char *stage = req_query(r, "stage"), *topic = req_query(r, "topic"),
               *kind = req_query(r, "kind");
    if ((stage && *stage && !in_list(course_stages, stage)) ||
        (kind && *kind && !in_list(course_kinds, kind)) ||
        (topic && *topic && !valid_text(topic, 60))) {
        page_error(r, 400, T(r, "stage, topic or kind is not valid."));
        return;
    }
    stage = stage && *stage ? stage : NULL;
    topic = topic && *topic ? topic : NULL;
    kind = kind && *kind ? kind : NULL;
    page_begin(r, T(r, "Online parent school"));
    hf(r, "<h1>%s</h1>", T(r, "Online parent school"));
    H(r, "<p class=actions>");
    if (own_unit(r))
        hf(r, "<a class=button href=\"/courses/new\">%s</a> ", T(r, "Publish a course"));
    hf(r, "<a href=\"/m/courses\">%s</a></p>", T(r, "My viewing history"));
    hf(r, "<form method=get action=\"/courses\" class=filters><label>%s<select name=stage>",
       T(r, "Stage"));
    options(r, course_stages, stage, course_stage_label, 1);
    hf(r, "</select></label><label>%s<select name=kind>", T(r, "Kind"));
    options(r, course_kinds, kind, course_kind_label, 1);
    hf(r, "</select></label><label>%s<select name=topic><option value=\"\">%s</option>",
       T(r, "Topic"), T(r, "All"));
    DbStmt *t = db_q(r->db,
                     "SELECT DISTINCT c.topic FROM courses c WHERE c.active = 1 AND " NEAR_SQL(
                         "c.org_id") " ORDER BY c.topic LIMIT 100",
                     "is", REACH_ARGS(r, CAP_ACTIVITY_BOOK));
    while (t && db_step(t) == DB_ROW) {
        const char *tp = db_col_text(t, 0);
        hf(r, "<option%s>%s</option>", topic && !strcmp(topic, tp) ? " selected" : "", tp);
    }
    db_done(t);
    hf(r, "</select></label><button>%s</button></form>", T(r, "Filter"));
    DbStmt *s =
        db_q(r->db,
             "SELECT " COURSE_COLS " FROM courses c JOIN orgs o ON o.id = c.org_id"
             " WHERE c.active = 1 AND " NEAR_SQL(
                 "c.org_id") " AND (CAST(? AS TEXT) IS NULL OR c.stage = ? OR c.stage = 'all')"
                             " AND (CAST(? AS TEXT) IS NULL OR c.topic = ?)"
                             " AND (CAST(? AS TEXT) IS NULL OR c.kind = ?)"
                             " ORDER BY c.published_on DESC, c.id DESC LIMIT 100",
             "isssssss", REACH_ARGS(r, CAP_ACTIVITY_BOOK), stage, stage, topic, topic, kind, kind);
    hf(r,
       "<div class=scroll><table class=stack><thead><tr><th scope=col>%s</th><th scope=col>%s"
       "</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s"
       "</th></tr></thead><tbody>",
       T(r, "Course"), T(r, "Kind"), T(r, "Stage"), T(r, "Topic"), T(r, "Minutes"), T(r, "Views"));
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        Course c;
        course_row(s, r->arena, &c);
        hf(r,
           "<tr><td data-label=\"%s\"><a href=\"/courses/%lld\">%s</a><small class=meta>%s · %s"
           "</small></td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
           "<td data-label=\"%s\">%s</td><td data-label=\"%s\" data-n>%lld</td>"
           "<td data-label=\"%s\" data-n>%lld</td></tr>",
           T(r, "Course"), (long long)c.id, c.title, org_label(r, &c), c.published_on, T(r, "Kind"),
           course_kind_label(r, c.kind), T(r, "Stage"), course_stage_label(r, c.stage),
           T(r, "Topic"), c.topic, T(r, "Minutes"), (long long)c.duration_min, T(r, "Views"),
           (long long)c.views);
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No courses match these filters."));
    page_end(r);
}

static void field_error(Req *r, const CourseInput *in, const char *field)
{
    if (in && in->bad_field && !strcmp(in->bad_field, field))
        hf(r, "<span class=field-error>%s</span>", in->why);
}

static const char *v_or(const char *v, const char *d)
{
    return v ? v : d;
}

static void course_form(Req *r, const CourseInput *in)
{
    hf(r, "<form method=post action=\"/courses\" class=card><h2>%s</h2>", T(r, "Publish a course"));
    form_csrf(r);
    hf(r, "<label>%s<input name=org required maxlength=32 value=\"%s\"></label>",
       T(r, "Publishing unit (code)"), v_or(in ? in->org : NULL, v_or(own_unit(r), "")));
    field_error(r, in, "org");
    hf(r, "<label>%s<input name=title required maxlength=200 value=\"%s\"></label>", T(r, "Title"),
       v_or(in ? in->title : NULL, ""));
    field_error(r, in, "title");
    hf(r, "<label>%s<select name=kind>", T(r, "Kind"));
    options(r, course_kinds, in ? in->kind : NULL, course_kind_label, 0);
    H(r, "</select></label>");
    field_error(r, in, "kind");
    hf(r, "<label>%s<select name=stage>", T(r, "Stage"));
    options(r, course_stages, in ? in->stage : "all", course_stage_label, 0);
    H(r, "</select></label>");
    field_error(r, in, "stage");
    hf(r,
       "<label>%s<input name=topic required maxlength=60 value=\"%s\" placeholder=\"%s\">"
       "</label>",
       T(r, "Topic"), v_or(in ? in->topic : NULL, ""), T(r, "e.g. parent–child communication"));
    field_error(r, in, "topic");
    hf(r,
       "<label>%s<input name=duration_min required inputmode=numeric maxlength=3 value=\"%s\">"
       "</label>",
       T(r, "Duration (minutes)"), v_or(in ? in->duration_text : NULL, "15"));
    field_error(r, in, "duration_min");
    hf(r,
       "<label>%s<input name=url type=url maxlength=500 value=\"%s\" "
       "placeholder=\"https://\"></label>",
       T(r, "Link (optional: a file can be uploaded on the course page)"),
       v_or(in ? in->url : NULL, ""));
    field_error(r, in, "url");
    hf(r, "<label>%s<input name=published_on type=date value=\"%s\"></label>", T(r, "Published on"),
       v_or(in ? in->published_on : NULL, ""));
    field_error(r, in, "published_on");
    hf(r, "<button>%s</button></form>", T(r, "Publish"));
}

void course_page_new(Req *r)
{
    page_begin(r, T(r, "Publish a course"));
    hf(r, "<p><a href=\"/courses\">%s</a></p>", T(r, "Back to the parent school"));
    course_form(r, NULL);
    page_end(r);
}

void course_page_create(Req *r)
{
    CourseInput in = {.org = req_form(r, "org"),
                      .title = req_form(r, "title"),
                      .stage = req_form(r, "stage"),
                      .topic = req_form(r, "topic"),
                      .kind = req_form(r, "kind"),
                      .url = req_form(r, "url"),
                      .published_on = req_form(r, "published_on"),
                      .duration_text = req_form(r, "duration_min")};
    if (!in.duration_text) in.duration_text = "";
    Course c;
    ActResult res = course_create(r, &in, &c);
    if (res == ACT_OK) {
        req_redirect(r, arena_printf(r->arena, "/courses/%lld", (long long)c.id));
        return;
    }
    if (res == ACT_NOT_FOUND) return req_not_found(r);
    if (res == ACT_FORBIDDEN)
        return page_error(r, 403, T(r, "You do not have permission to do this."));
    if (res != ACT_INVALID)
        return page_error(r, 503, T(r, "The service is busy. Please try again."));
    page_begin(r, T(r, "Publish a course"));
    r->status = 422;
    page_notice(r, "error",
                arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), in.bad_field, in.why));
    course_form(r, &in);
    page_end(r);
}

static void show(Req *r, const Course *c, int status, const char *notice)
{
    page_begin(r, c->title);
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/courses\">%s</a></nav><h1>%s</h1>",
       T(r, "Online parent school"), c->title);
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    hf(r,
       "<dl class=facts><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
       "<dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt>"
       "<dd>%lld</dd></dl>",
       T(r, "Kind"), course_kind_label(r, c->kind), T(r, "Stage"), course_stage_label(r, c->stage),
       T(r, "Topic"), c->topic, T(r, "Minutes"), (long long)c->duration_min, T(r, "Published by"),
       org_label(r, c), T(r, "Published on"), c->published_on, T(r, "Views"), (long long)c->views);
    if (*c->url)
        hf(r, "<p><a class=button href=\"%s\" rel=\"noopener noreferrer\">%s</a></p>", c->url,
           T(r, "Open the course"));
    if (c->file_sha256) {
        const char *href = arena_printf(r->arena, "/api/v1/courses/%lld/file", (long long)c->id);
        if (c->file_mime && !strcmp(c->file_mime, "video/mp4"))
            hf(r, "<video class=course-media controls preload=none src=\"%s\"></video>", href);
        else if (c->file_mime && !strcmp(c->file_mime, "audio/mpeg"))
            hf(r, "<audio controls preload=none src=\"%s\"></audio>", href);
        hf(r, "<p><a href=\"%s\">%s</a> <small class=meta>%s, %lld KiB</small></p>", href,
           T(r, "Download"), c->file_name ? c->file_name : "", (long long)(c->file_size / 1024));
    }
    if (course_manager(r, c)) {
        hf(r,
           "<form method=post action=\"/courses/%lld/file\" enctype=\"multipart/form-data\" "
           "class=card><h2>%s</h2>",
           (long long)c->id, T(r, "Upload the recording"));
        form_csrf(r);
        hf(r,
           "<label>%s<input type=file name=file accept=\".mp4,.mp3,.pdf\" required></label>"
           "<p class=note>%s</p><button>%s</button></form>",
           T(r, "File"), T(r, "MP4, MP3 or PDF, at most 30 MiB."), T(r, "Upload"));
    }
    page_end(r);
}

void course_page_show(Req *r)
{
    Course c;
    if (!load_visible(r, &c)) return;
    if (!course_manager(r, &c)) {
        int rc = course_view(r->db, r->arena, &c, r->auth.user_id, r->auth.login, now_s());
        if (rc != DB_OK) {
            page_error(r, 503, T(r, "The service is busy. Please try again."));
            return;
        }
        course_load(r->db, r->arena, c.id, &c);
    }
    show(r, &c, 200, NULL);
}

void course_page_upload(Req *r)
{
    Course c;
    if (!load_visible(r, &c)) return;
    if (!course_manager(r, &c)) {
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    }
    const char *field, *why;
    int st = store_file(r, &c, &field, &why);
    if (st) {
        show(r, &c, st, arena_printf(r->arena, "%s %s", field, why));
        return;
    }
    req_redirect(r, arena_printf(r->arena, "/courses/%lld", (long long)c.id));
}
