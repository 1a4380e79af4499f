/* brand.c — see brand.h: brand levels and media coverage (rules, audited
 * writes, API), and the project figures (project_feed). The pages are in
 * brand_page.c. */
#include "brand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "agreement.h"
#include "audit.h"
#include "core/util.h"
#include "need.h"
#include "supervision.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* ---- pure logic ------------------------------------------------------------------ */

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

int brand_level_ok(const char *s)
{
    static const char *const levels[] = {"school", "prefecture", "region", NULL};
    return in_list(levels, s);
}

int media_level_ok(const char *s)
{
    static const char *const levels[] = {"school", "county",   "prefecture",
                                         "region", "national", NULL};
    return in_list(levels, s);
}

int brand_status_ok(const char *s)
{
    static const char *const ok[] = {"approved", "in_progress", "completed", "accepted", NULL};
    return in_list(ok, s);
}

int media_url_ok(const char *url)
{
    if (!url) return 0;
    if (!*url) return 1;
    if (!valid_text(url, 500)) return 0;
    size_t skip = !strncmp(url, "https://", 8) ? 8 : !strncmp(url, "http://", 7) ? 7 : 0;
    if (!skip) return 0;
    const char *host = url + skip;
    if (!*host || *host == '/' || *host == '?' || *host == '#' || *host == ':' || *host == '.')
        return 0;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '\\') return 0;
    return 1;
}

int project_span_years(const char *start, const char *end, int *first, int *last)
{
    if (!start || !end || strlen(start) < 4 || strlen(end) < 4) return 0;
    int a = atoi(start), b = atoi(end);
    if (a < 2000) a = 2000;
    if (b > 2100) b = 2100;
    if (b < a) return 0;
    *first = a;
    *last = b;
    return 1;
}

/* ---- figures ------------------------------------------------------------------------ */

int project_feed_put(FeedBatch *f, Db *db, int64_t lead_id, int year)
{
    char y0[16], y1[16], period[8];
    snprintf(y0, sizeof y0, "%04d-01-01", year);
    snprintf(y1, sizeof y1, "%04d-12-31", year);
    snprintf(period, sizeof period, "%04d", year);
    DbStmt *s = db_q(
        db,
        "SELECT count(*),"
        " COALESCE(sum(CASE WHEN " PROJECT_LONG_TERM_SQL(
            "p.id") " THEN 1 ELSE 0 END), 0),"
                    " COALESCE(sum(CASE WHEN EXISTS (SELECT 1 FROM media_coverage m"
                    "  WHERE m.project_id = p.id AND m.level IN ('region','national'))"
                    "  THEN 1 ELSE 0 END), 0),"
                    " COALESCE(sum(CASE WHEN p.brand_level = 'region' THEN 1 ELSE 0 END), 0),"
                    " COALESCE(sum(CASE WHEN p.brand_level = 'school' THEN 1 ELSE 0 END), 0)"
                    " FROM projects p WHERE p.lead_org_id = ? AND p.status IN " PROJECT_RUNNING_SQL
                    " AND p.start_date <= ? AND p.end_date >= ?",
        "iss", lead_id, y1, y0);
    int64_t v[5] = {0};
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW)
        for (int i = 0; i < 5; i++)
            v[i] = db_col_int(s, i);
    db_done(s);
    if (rc != DB_ROW) return -1;
    static const char *const codes[5] = {"projects_running", "projects_long_term",
                                         "projects_region_media", "region_brand_projects",
                                         "school_brand_projects"};
    for (int i = 0; i < 5; i++)
        if (feed_put(f, lead_id, codes[i], period, (double)v[i]) != 0) return -1;
    return 0;
}

int project_feed(Db *db, const char *actor, int64_t lead_id, int year)
{
    FeedBatch *f = feed_begin(db, actor);
    if (!f) return -1;
    int rc = project_feed_put(f, db, lead_id, year);
    char key[48];
    snprintf(key, sizeof key, "%lld:%d", (long long)lead_id, year);
    const char *path = NULL;
    DbStmt *s = db_q(db, "SELECT path FROM orgs WHERE id = ?", "i", lead_id);
    char pbuf[256] = "";
    if (s && db_step(s) == DB_ROW) snprintf(pbuf, sizeof pbuf, "%s", db_col_text(s, 0));
    db_done(s);
    path = pbuf;
    /* feed_end frees the batch whatever happened */
    int end = feed_end(f, "feed.projects", key, path, NULL, 0);
    return rc || end ? -1 : 0;
}

/* A (lead, year) pair, for the sets below. */
typedef struct LeadYear {
    int64_t lead;
    int year;
    int64_t v[5];
} LeadYear;

static int cmp_ly(const void *a, const void *b)
{
    const LeadYear *x = a, *y = b;
    if (x->lead != y->lead) return x->lead < y->lead ? -1 : 1;
    return (x->year > y->year) - (x->year < y->year);
}

/* Adds (lead, year) to the growing array unless there (linear: sets are small).
 * 0, or -1 out of memory. */
static int ly_add(LeadYear **set, int *n, int *cap, int64_t lead, int year)
{
    for (int i = 0; i < *n; i++)
        if ((*set)[i].lead == lead && (*set)[i].year == year) return 0;
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        LeadYear *grown = realloc(*set, sizeof *grown * (size_t)nc);
        if (!grown) return -1;
        *set = grown;
        *cap = nc;
    }
    (*set)[*n] = (LeadYear){.lead = lead, .year = year};
    (*n)++;
    return 0;
}

int project_feed_projects(Db *db, const char *actor, const int64_t *ids, int n)
{
    LeadYear *set = NULL;
    int ns = 0, cap = 0, rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        DbStmt *s = db_q(db, "SELECT lead_org_id, start_date, end_date FROM projects WHERE id = ?",
                         "i", ids[i]);
        int st = s ? db_step(s) : DB_ERROR;
        if (st == DB_ROW) {
            int a, b;
            int64_t lead = db_col_int(s, 0);
            if (project_span_years(db_col_text(s, 1), db_col_text(s, 2), &a, &b))
                for (int y = a; y <= b && !rc; y++)
                    rc = ly_add(&set, &ns, &cap, lead, y);
        } else if (st != DB_DONE) {
            rc = -1;
        }
        db_done(s);
    }
    if (!rc && ns) {
        FeedBatch *f = feed_begin(db, actor);
        if (!f) rc = -1;
        for (int i = 0; f && !rc && i < ns; i++)
            rc = project_feed_put(f, db, set[i].lead, set[i].year);
        if (f) {
            /* the audit record belongs to the one lead's path, or to the region */
            char path[256] = "";
            int one = 1;
            for (int i = 1; i < ns; i++)
                one &= set[i].lead == set[0].lead;
            if (one) {
                DbStmt *s = db_q(db, "SELECT path FROM orgs WHERE id = ?", "i", set[0].lead);
                if (s && db_step(s) == DB_ROW) snprintf(path, sizeof path, "%s", db_col_text(s, 0));
                db_done(s);
            }
            char key[48];
            snprintf(key, sizeof key, one ? "%lld" : "leads", (long long)set[0].lead);
            if (feed_end(f, "feed.projects", key, path, NULL, 0) != 0) rc = -1;
        }
    }
    free(set);
    return rc;
}

int project_feed_all(Db *db, const char *actor, char *err, size_t errlen)
{
    /* every project with its four flags, in one pass */
    DbStmt *s = db_q(
        db,
        "SELECT p.lead_org_id, p.start_date, p.end_date,"
        " CASE WHEN p.status IN " PROJECT_RUNNING_SQL " THEN 1 ELSE 0 END,"
        " CASE WHEN " PROJECT_LONG_TERM_SQL(
            "p.id") " THEN 1 ELSE 0 END,"
                    " CASE WHEN EXISTS (SELECT 1 FROM media_coverage m WHERE m.project_id = p.id"
                    "  AND m.level IN ('region','national')) THEN 1 ELSE 0 END,"
                    " COALESCE(p.brand_level, '') FROM projects p",
        "");
    LeadYear *set = NULL;
    int ns = 0, cap = 0, rc = s ? 0 : -1;
    while (!rc && db_step(s) == DB_ROW) {
        int a, b;
        if (!project_span_years(db_col_text(s, 1), db_col_text(s, 2), &a, &b)) continue;
        int64_t lead = db_col_int(s, 0);
        int run = (int)db_col_int(s, 3);
        int64_t add[5] = {run, run && db_col_int(s, 4), run && db_col_int(s, 5),
                          run && !strcmp(db_col_text(s, 6), "region"),
                          run && !strcmp(db_col_text(s, 6), "school")};
        for (int y = a; y <= b && !rc; y++) {
            if (ns == cap) {
                int nc = cap ? cap * 2 : 256;
                LeadYear *grown = realloc(set, sizeof *grown * (size_t)nc);
                if (!grown) {
                    rc = -1;
                    break;
                }
                set = grown;
                cap = nc;
            }
            set[ns] = (LeadYear){.lead = lead, .year = y};
            memcpy(set[ns].v, add, sizeof add);
            ns++;
        }
    }
    db_done(s);
    if (rc) {
        free(set);
        snprintf(err, errlen, "project figures: %s", db_errmsg(db));
        return -1;
    }
    /* one row per (lead, year) with the sums */
    qsort(set, (size_t)ns, sizeof *set, cmp_ly);
    int m = 0;
    for (int i = 0; i < ns; i++) {
        if (m && set[m - 1].lead == set[i].lead && set[m - 1].year == set[i].year) {
            for (int k = 0; k < 5; k++)
                set[m - 1].v[k] += set[i].v[k];
        } else {
            set[m++] = set[i];
        }
    }
    static const char *const codes[5] = {"projects_running", "projects_long_term",
                                         "projects_region_media", "region_brand_projects",
                                         "school_brand_projects"};
    FeedBatch *f = feed_begin(db, actor);
    if (!f) rc = -1;
    for (int i = 0; f && !rc && i < m; i++) {
        char period[8];
        snprintf(period, sizeof period, "%04d", set[i].year);
        for (int k = 0; k < 5 && !rc; k++)
            rc = feed_put(f, set[i].lead, codes[k], period, (double)set[i].v[k]);
    }
    free(set);
    if (f && feed_end(f, "feed.projects", "all", "", err, errlen) != 0)
        rc = -1;
    else if (rc)
        snprintf(err, errlen, "project figures: out of memory");
    return rc;
}

/* ---- brands ----------------------------------------------------------------------------- */

/* Whether the caller holds project.approve through a grant at an organisation of
 * kind `level` whose subtree contains lead_path. */
static int may_brand(Req *r, const char *level, const char *lead_path)
{
    for (int i = 0; level && lead_path && i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (g->role == ROLE_EVALUATOR || !(role_caps(g->role) & CAPBIT(CAP_PROJECT_APPROVE)))
            continue;
        if (!g->org_kind || strcmp(g->org_kind, level)) continue;
        if (!strncmp(lead_path, g->org_path, strlen(g->org_path))) return 1;
    }
    return 0;
}

static const char *const brand_levels[] = {"school", "prefecture", "region", NULL};

int brand_may_set(Req *r, const Project *p, const char *level)
{
    if (p->brand_level) {
        /* the level it has is changed by its own designators or those of a higher one */
        int ok = 0, from = -1;
        for (int i = 0; brand_levels[i]; i++)
            if (!strcmp(brand_levels[i], p->brand_level)) from = i;
        for (int i = from < 0 ? 0 : from; brand_levels[i] && !ok; i++)
            ok = may_brand(r, brand_levels[i], p->lead_path);
        if (!ok) return 0;
    }
    if (level) return may_brand(r, level, p->lead_path);
    return p->brand_level != NULL;
}

void brand_set(Req *r, const Project *p, const char *level, BrandResult *res)
{
    memset(res, 0, sizeof *res);
    if (level && !brand_level_ok(level)) {
        res->status = 422;
        res->code = "invalid";
        res->message =
            arena_printf(r->arena, "level %s", T(r, "must be school, prefecture, region or null"));
        return;
    }
    if (!brand_may_set(r, p, level)) {
        res->status = 403;
        res->code = "forbidden";
        res->message =
            T(r, "A brand level is designated by project.approve held at an organisation of "
                 "that level containing the project's lead (school: its leader; prefecture: a "
                 "prefecture official; region: the region administrator).");
        return;
    }
    if (!brand_status_ok(p->status)) {
        res->status = 409;
        res->code = "conflict";
        res->message = arena_printf(r->arena, "%s (%s)",
                                    T(r, "Only an approved, in-progress, completed or accepted "
                                         "project can be a brand"),
                                    p->status);
        return;
    }
    if ((!level && !p->brand_level) || (level && p->brand_level && !strcmp(level, p->brand_level)))
        return;
    int64_t now = now_s(), hit = 0;
    int rc = db_begin(r->db);
    if (rc == DB_OK) {
        DbStmt *s = db_q(r->db,
                         "UPDATE projects SET brand_level = ?, brand_by = ?, brand_at = ?"
                         " WHERE id = ? AND status IN ('approved','in_progress','completed',"
                         "'accepted') AND (brand_level = ? OR (brand_level IS NULL AND"
                         " CAST(? AS TEXT) IS NULL)) RETURNING id",
                         "ssiiss", level, level ? r->auth.login : NULL, now, p->id, p->brand_level,
                         p->brand_level);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK && hit) {
        json_t *before = json_pack("{s:I,s:o}", "id", (json_int_t)p->id, "brand_level",
                                   p->brand_level ? json_string(p->brand_level) : json_null());
        json_t *after = json_pack("{s:I,s:o}", "id", (json_int_t)p->id, "brand_level",
                                  level ? json_string(level) : json_null());
        rc = audit_log(r->db, r->auth.login, "project.brand", "project",
                       arena_printf(r->arena, "%lld", (long long)p->id), p->lead_path, before,
                       after);
        json_decref(before);
        json_decref(after);
    }
    if (rc == DB_OK && hit && project_feed_projects(r->db, r->auth.login, &p->id, 1) != 0)
        rc = DB_ERROR;
    if (rc != DB_OK || !hit || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        res->status = rc == DB_OK && !hit ? 409 : 503;
        res->code = rc == DB_OK && !hit ? "conflict" : "busy";
        res->message = rc == DB_OK && !hit
                           ? T(r, "The project was changed by someone else meanwhile; reload it "
                                  "and try again.")
                           : T(r, "The service is busy. Please try again.");
    }
}

static json_t *brand_json(Db *db, int64_t id)
{
    json_t *j = NULL;
    DbStmt *s =
        db_q(db, "SELECT brand_level, brand_by, brand_at FROM projects WHERE id = ?", "i", id);
    if (s && db_step(s) == DB_ROW) {
        j = json_pack("{s:I}", "project", (json_int_t)id);
        int none = db_col_is_null(s, 0);
        json_object_set_new(j, "brand_level", none ? json_null() : json_string(db_col_text(s, 0)));
        json_object_set_new(j, "brand_by",
                            none || db_col_is_null(s, 1) ? json_null()
                                                         : json_string(db_col_text(s, 1)));
        json_object_set_new(j, "brand_at", none ? json_null() : json_integer(db_col_int(s, 2)));
    }
    db_done(s);
    return j;
}

/* Loads the path's project if visible; 1, or 0 with 404/503 sent. */
static int load_project(Req *r, Project *p)
{
    int f = project_get_visible(r, project_id_param(r, "id"), p);
    if (f < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return 0;
    }
    if (!f) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

void brand_api_set(Req *r)
{
    Project p;
    if (!load_project(r, &p)) return;
    static const char *const fields[] = {"level", NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    json_t *lv = json_object_get(j, "level");
    const char *level = json_is_string(lv) ? arena_strdup(r->arena, json_string_value(lv)) : NULL;
    int ok = lv && (json_is_null(lv) || json_is_string(lv));
    json_decref(j);
    if (!ok) {
        req_error(r, 422, "invalid",
                  arena_printf(r->arena, "level %s",
                               T(r, "is required: school, prefecture, region or null")));
        return;
    }
    BrandResult res;
    brand_set(r, &p, level, &res);
    if (res.status) {
        req_error(r, res.status, res.code, res.message);
        return;
    }
    json_t *out = brand_json(r->db, p.id);
    if (!out) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_send_json(r, 200, out);
}

/* ---- media coverage ------------------------------------------------------------------------ */

json_t *media_json(DbStmt *s)
{
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)db_col_int(s, 0),
                     "project", (json_int_t)db_col_int(s, 1), "outlet", db_col_text(s, 2), "level",
                     db_col_text(s, 3), "published_on", db_col_text(s, 4), "url", db_col_text(s, 5),
                     "title", db_col_text(s, 6), "created_by", db_col_text(s, 7), "created_at",
                     (json_int_t)db_col_int(s, 8));
}

void media_add(Req *r, const Project *p, const MediaInput *in, BrandResult *res)
{
    memset(res, 0, sizeof *res);
    if (!project_can(r, CAP_PROJECT_WRITE, p, "lead")) {
        res->status = 403;
        res->code = "forbidden";
        res->message = T(r, "You do not have permission to do this.");
        return;
    }
    char today[11];
    supervision_today(today);
    const char *field = NULL, *why = NULL;
    if (!in->outlet || !*in->outlet)
        field = "outlet", why = T(r, "is required: the newspaper, station or site");
    else if (!valid_text(in->outlet, 200))
        field = "outlet", why = T(r, "must be at most 200 bytes, no control characters");
    else if (!media_level_ok(in->level))
        field = "level", why = T(r, "must be one of school, county, prefecture, region, national");
    else if (!need_date_ok(in->published_on))
        field = "published_on", why = T(r, "must be a real date written YYYY-MM-DD");
    else if (strcmp(in->published_on, today) > 0)
        field = "published_on", why = T(r, "must not be in the future");
    else if (!media_url_ok(in->url ? in->url : ""))
        field = "url", why = T(r, "must be an http:// or https:// address (at most 500 bytes)");
    else if (!valid_text(in->title ? in->title : "", 300))
        field = "title", why = T(r, "must be at most 300 bytes, no control characters");
    if (field) {
        res->status = 422;
        res->code = "invalid";
        res->message = arena_printf(r->arena, "%s %s", field, why);
        res->field = field;
        return;
    }
    const char *url = in->url ? in->url : "", *title = in->title ? in->title : "";
    int64_t now = now_s(), id = 0;
    int rc = db_begin(r->db);
    if (rc == DB_OK) {
        DbStmt *s = db_q(r->db,
                         "INSERT INTO media_coverage(project_id, outlet, level, published_on, url,"
                         " title, created_by, created_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
                         "issssssi", p->id, in->outlet, in->level, in->published_on, url, title,
                         r->auth.login, now);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) id = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
    }
    if (rc == DB_OK) {
        json_t *after = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)id, "project",
                                  (json_int_t)p->id, "outlet", in->outlet, "level", in->level,
                                  "published_on", in->published_on, "url", url, "title", title);
        rc = audit_log(r->db, r->auth.login, "media.create", "media",
                       arena_printf(r->arena, "%lld", (long long)id), p->lead_path, NULL, after);
        json_decref(after);
    }
    if (rc == DB_OK && project_feed_projects(r->db, r->auth.login, &p->id, 1) != 0) rc = DB_ERROR;
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        res->status = 503;
        res->code = "busy";
        res->message = T(r, "The service is busy. Please try again.");
        return;
    }
    res->id = id;
}

void media_remove(Req *r, const Project *p, int64_t mid, BrandResult *res)
{
    memset(res, 0, sizeof *res);
    DbStmt *s = db_q(r->db,
                     "SELECT id, project_id, outlet, level, published_on, url, title, created_by,"
                     " created_at FROM media_coverage WHERE id = ? AND project_id = ?",
                     "ii", mid, p->id);
    json_t *before = s && db_step(s) == DB_ROW ? media_json(s) : NULL;
    db_done(s);
    if (!before) {
        res->status = 404;
        res->code = "not_found";
        res->message = T(r, "Not found.");
        return;
    }
    if (!project_can(r, CAP_PROJECT_WRITE, p, "lead")) {
        json_decref(before);
        res->status = 403;
        res->code = "forbidden";
        res->message = T(r, "You do not have permission to do this.");
        return;
    }
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = db_run(r->db, "DELETE FROM media_coverage WHERE id = ? AND project_id = ?", "ii", mid,
                    p->id);
    if (rc == DB_OK)
        rc = audit_log(r->db, r->auth.login, "media.delete", "media",
                       arena_printf(r->arena, "%lld", (long long)mid), p->lead_path, before, NULL);
    json_decref(before);
    if (rc == DB_OK && project_feed_projects(r->db, r->auth.login, &p->id, 1) != 0) rc = DB_ERROR;
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        res->status = 503;
        res->code = "busy";
        res->message = T(r, "The service is busy. Please try again.");
    }
}

void media_api_list(Req *r)
{
    Project p;
    if (!load_project(r, &p)) return;
    DbStmt *s = db_q(r->db,
                     "SELECT id, project_id, outlet, level, published_on, url, title, created_by,"
                     " created_at FROM media_coverage WHERE project_id = ?"
                     " ORDER BY published_on DESC, id DESC",
                     "i", p.id);
    if (!s) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    json_t *items = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(items, media_json(s));
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "brand_level",
                        p.brand_level ? json_string(p.brand_level) : json_null());
    req_send_json(r, 200, out);
}

void media_api_create(Req *r)
{
    Project p;
    if (!load_project(r, &p)) return;
    static const char *const fields[] = {"outlet", "level", "published_on", "url", "title", NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    MediaInput in = {0};
    const char **slots[5] = {&in.outlet, &in.level, &in.published_on, &in.url, &in.title};
    const char *bad = NULL;
    for (int i = 0; i < 5; i++) {
        json_t *v = json_object_get(j, fields[i]);
        if (!v) continue;
        if (!json_is_string(v)) {
            bad = fields[i];
            break;
        }
        *slots[i] = arena_strdup(r->arena, json_string_value(v));
    }
    json_decref(j);
    if (bad) {
        req_error(r, 422, "invalid",
                  arena_printf(r->arena, "%s %s", bad, T(r, "must be a string")));
        return;
    }
    BrandResult res;
    media_add(r, &p, &in, &res);
    if (res.status) {
        req_error(r, res.status, res.code, res.message);
        return;
    }
    DbStmt *s = db_q(r->db,
                     "SELECT id, project_id, outlet, level, published_on, url, title, created_by,"
                     " created_at FROM media_coverage WHERE id = ?",
                     "i", res.id);
    json_t *out = s && db_step(s) == DB_ROW ? media_json(s) : NULL;
    db_done(s);
    if (!out) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/projects/%lld/media/%lld", (long long)p.id,
                                (long long)res.id));
    req_send_json(r, 201, out);
}

void media_api_delete(Req *r)
{
    Project p;
    if (!load_project(r, &p)) return;
    int64_t mid = project_id_param(r, "mid");
    BrandResult res = {.status = 404, .code = "not_found"};
    if (mid) media_remove(r, &p, mid, &res);
    if (res.status == 404) {
        req_not_found(r);
        return;
    }
    if (res.status) {
        req_error(r, res.status, res.code, res.message);
        return;
    }
    r->status = 204;
    r->ctype = "application/json";
}
