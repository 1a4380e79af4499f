/* progress_api.c — the JSON API of milestones, progress reports and evidence
 * files (progress.h). A project out of the caller's reach answers 404 before
 * anything else is looked at, its body included. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "files.h"
#include "http/multipart.h"
#include "progress.h"
#include "ui/i18n.h"

/* A positive id from path parameter `name`; 0 when it is not one. */
static int64_t id_param(Req *r, const char *name)
{
    int64_t id;
    const char *s = req_param(r, name);
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

static void busy(Req *r)
{
    req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
}

/* Loads the path's project if the caller may see it: 1, or 0 with 404/503 sent. */
static int api_project(Req *r, Project *p)
{
    int64_t id = id_param(r, "id");
    int f = id ? project_get_visible(r, id, p) : 0;
    if (f < 0) busy(r);
    if (f == 0) req_not_found(r);
    return f == 1;
}

/* Answers a refused write. field NULL: why is the whole message. */
static void send_refusal(Req *r, ProgResult res, const char *field, const char *why,
                         const char *const *allowed)
{
    switch (res) {
    case PROG_INVALID:
        req_error(r, 422, "invalid", field ? arena_printf(r->arena, "%s %s", field, why) : why);
        break;
    case PROG_NOT_FOUND:
        req_not_found(r);
        break;
    case PROG_FORBIDDEN:
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        break;
    case PROG_CONFLICT: {
        json_t *a = json_array();
        for (int i = 0; allowed && allowed[i]; i++)
            json_array_append_new(a, json_string(allowed[i]));
        json_t *e = json_pack("{s:s,s:s,s:o}", "code", "conflict", "message",
                              why ? why : T(r, "Conflict."), "allowed", a);
        req_send_json(r, 409, json_pack("{s:o}", "error", e));
        break;
    }
    case PROG_TOO_LARGE:
        req_error(r, 413, "too_large", why);
        break;
    case PROG_BAD_TYPE:
        req_error(r, 415, "unsupported_type", why);
        break;
    default:
        busy(r);
    }
}

/* ---- milestones ---------------------------------------------------------------------- */

static void add_ms(Req *r, const Milestone *m, void *ctx)
{
    (void)r;
    json_t **a = ctx;
    char today[11];
    progress_today(today);
    json_array_append_new(a[0], milestone_json(m, today));
}

void milestone_api_list(Req *r)
{
    Project p;
    if (!api_project(r, &p)) return;
    json_t *items = json_array();
    json_t *ctx[1] = {items};
    if (milestones_each(r, p.id, add_ms, ctx)) {
        json_decref(items);
        busy(r);
        return;
    }
    req_send_json(r, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

/* Reads a milestone body into in, checking types. 1, or 0 with in's field set. */
static int ms_from_json(Req *r, json_t *j, MilestoneInput *in)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        const char *field = arena_strdup(r->arena, key);
        const char *sv = json_is_string(v) ? arena_strdup(r->arena, json_string_value(v)) : NULL;
        if (!strcmp(key, "done_on")) {
            if (!sv && !json_is_null(v)) {
                in->field = field,
                in->why = T(r, "must be a real date written YYYY-MM-DD, or null");
                return 0;
            }
            in->done_on = sv, in->has_done_on = 1;
            continue;
        }
        if (!sv) {
            in->field = field, in->why = T(r, "must be a string");
            return 0;
        }
        if (!strcmp(key, "quarter"))
            in->quarter = sv, in->has_quarter = 1;
        else if (!strcmp(key, "title"))
            in->title = sv, in->has_title = 1;
        else if (!strcmp(key, "due_date"))
            in->due_date = sv, in->has_due_date = 1;
    }
    return 1;
}

static const char *const ms_fields[] = {"quarter", "title", "due_date", "done_on", NULL};

void milestone_api_create(Req *r)
{
    Project p;
    if (!api_project(r, &p)) return;
    json_t *j = req_json_object(r, ms_fields);
    if (!j) return;
    MilestoneInput in = {0};
    Milestone m;
    const char *why = NULL;
    int ok = ms_from_json(r, j, &in);
    ProgResult res = ok ? milestone_create(r, &p, &in, &m, &why) : PROG_INVALID;
    json_decref(j);
    if (res != PROG_OK) {
        send_refusal(r, res, in.field, res == PROG_INVALID ? in.why : why, progress_ms_open);
        return;
    }
    char today[11];
    progress_today(today);
    req_send_json(r, 201, milestone_json(&m, today));
}

void milestone_api_patch(Req *r)
{
    Project p;
    if (!api_project(r, &p)) return;
    json_t *j = req_json_object(r, ms_fields);
    if (!j) return;
    MilestoneInput in = {0};
    Milestone m;
    const char *why = NULL;
    int ok = ms_from_json(r, j, &in);
    ProgResult res = ok ? milestone_update(r, &p, id_param(r, "mid"), &in, &m, &why) : PROG_INVALID;
    json_decref(j);
    if (res != PROG_OK) {
        send_refusal(r, res, in.field, res == PROG_INVALID ? in.why : why, progress_ms_open);
        return;
    }
    char today[11];
    progress_today(today);
    req_send_json(r, 200, milestone_json(&m, today));
}

/* ---- reports --------------------------------------------------------------------------- */

/* Reads a report body into in (figures borrowed from j). 1, or 0 with in's field set. */
static int rep_from_json(Req *r, json_t *j, ReportInput *in)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        const char *field = arena_strdup(r->arena, key);
        if (!strcmp(key, "figures")) {
            if (!json_is_object(v)) {
                in->field = field, in->why = T(r, "must be an object of name → number");
                return 0;
            }
            in->figures = v;
        } else if (!strcmp(key, "percent_done")) {
            if (!json_is_integer(v)) {
                in->field = field, in->why = T(r, "is required: a whole number from 0 to 100");
                return 0;
            }
            json_int_t x = json_integer_value(v);
            in->percent_done = x < -1 ? -1 : x > 1000 ? 1000 : (int64_t)x;
            in->has_percent = 1;
        } else if (!strcmp(key, "milestone_id")) {
            if (json_is_null(v)) continue;
            if (!json_is_integer(v) || json_integer_value(v) < 1) {
                in->field = field, in->why = T(r, "must be a milestone of this project");
                return 0;
            }
            in->milestone_id = json_integer_value(v), in->has_milestone = 1;
        } else {
            if (!json_is_string(v)) {
                in->field = field, in->why = T(r, "must be a string");
                return 0;
            }
            const char *sv = arena_strdup(r->arena, json_string_value(v));
            if (!strcmp(key, "body"))
                in->body = sv;
            else
                in->reported_on = sv;
        }
    }
    return 1;
}

static const char *const rep_fields[] = {"body",         "figures",     "percent_done",
                                         "milestone_id", "reported_on", NULL};

void report_api_create(Req *r)
{
    Project p;
    if (!api_project(r, &p)) return;
    json_t *j = req_json_object(r, rep_fields);
    if (!j) return;
    ReportInput in = {0};
    Report rp;
    const char *why = NULL;
    int ok = rep_from_json(r, j, &in);
    ProgResult res = ok ? report_create(r, &p, &in, &rp, &why) : PROG_INVALID;
    json_decref(j);
    if (res != PROG_OK) {
        send_refusal(r, res, in.field, res == PROG_INVALID ? in.why : why, progress_rep_open);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/projects/%lld/reports/%lld", (long long)p.id,
                                (long long)rp.id));
    req_send_json(r, 201, report_json(r, &rp));
}

void report_api_get(Req *r)
{
    Project p;
    if (!api_project(r, &p)) return;
    Report rp;
    int64_t rid = id_param(r, "rid");
    int f = rid ? report_load(r->db, r->arena, p.id, rid, &rp) : 0;
    if (f < 0) return busy(r);
    if (!f) return req_not_found(r);
    req_send_json(r, 200, report_json(r, &rp));
}

void report_api_list(Req *r)
{
    Project p;
    if (!api_project(r, &p)) return;
    int64_t limit = 50, before = 0;
    const char *lim = req_query(r, "limit"), *cur = req_query(r, "cursor");
    if ((lim && *lim && !parse_int(lim, 1, 200, &limit)) ||
        (cur && *cur && !parse_int(cur, 1, INT64_MAX / 2, &before))) {
        req_error(r, 400, "bad_param",
                  T(r, "limit must be a whole number from 1 to 200 and cursor a report id."));
        return;
    }
    DbStmt *s = db_q(r->db,
                     "SELECT id FROM progress_reports WHERE project_id = ?"
                     " AND (CAST(? AS BIGINT) = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
                     "iiii", p.id, before, before, limit + 1);
    if (!s) return busy(r);
    int64_t *ids = arena_alloc(r->arena, sizeof *ids * (size_t)(limit + 1));
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW && n <= limit)
        ids[n++] = db_col_int(s, 0);
    db_done(s);
    if (rc != DB_DONE && rc != DB_ROW) return busy(r);
    int more = n > limit;
    if (more) n = (int)limit;
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        Report rp;
        if (report_load(r->db, r->arena, p.id, ids[i], &rp) != 1) {
            json_decref(items);
            return busy(r);
        }
        json_array_append_new(items, report_json(r, &rp));
    }
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)ids[n - 1]))
                             : json_null());
    req_send_json(r, 200, out);
}

/* ---- evidence files ------------------------------------------------------------------- */

void evidence_api_upload(Req *r)
{
    Project p;
    if (!api_project(r, &p)) return;
    Part *parts = NULL;
    int n = r->body_too_large ? -1 : multipart_parse(r, &parts);
    const Part *file = n > 0 ? multipart_get(parts, n, "file") : NULL;
    Evidence e;
    const char *why = NULL;
    ProgResult res = evidence_add(r, &p, id_param(r, "rid"), file, &e, &why);
    if (res != PROG_OK) {
        send_refusal(r, res, NULL, why, progress_file_open);
        return;
    }
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/files/%lld", (long long)e.id));
    req_send_json(r, 201, evidence_json(&e));
}

void evidence_api_get(Req *r)
{
    Evidence e;
    Project p;
    int64_t fid = id_param(r, "fid");
    int f = fid ? evidence_load(r->db, r->arena, fid, &e) : 0;
    if (f == 1) f = project_get_visible(r, e.project_id, &p);
    if (f < 0) return busy(r);
    if (!f) return req_not_found(r);
    files_send(r, e.sha256, e.name, e.mime);
}
