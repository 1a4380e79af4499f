/* progress_page.c — the progress section of the project page (progress_section,
 * project.h), its forms, and the evidence downloads (progress.h):
 *   POST /projects/{id}/milestones               add a milestone
 *   POST /projects/{id}/milestones/done          mark one done (milestone_id, done_on)
 *   POST /projects/{id}/reports/files            write a report, optionally with a file
 *                                                (multipart: the path ends in /files, so
 *                                                the body may be as large as a file)
 *   POST /projects/{id}/reports/{rid}/files      add an evidence file to a report
 *   GET  /projects/{id}/files/{fid}              download one
 * A refused form comes back on a page of its own with the input kept and the
 * field named. Phone-first; nothing needs JavaScript. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "files.h"
#include "http/multipart.h"
#include "progress.h"
#include "report.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

static int64_t id_param(Req *r, const char *name)
{
    int64_t id;
    const char *s = req_param(r, name);
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

/* The milestones of a project, read once per page. */
typedef struct MsList {
    Milestone *m;
    int n, cap;
} MsList;

static void collect_ms(Req *r, const Milestone *m, void *ctx)
{
    MsList *l = ctx;
    if (l->n == l->cap) {
        int ncap = l->cap ? l->cap * 2 : 16;
        Milestone *b = arena_alloc(r->arena, sizeof *b * (size_t)ncap);
        if (l->n) memcpy(b, l->m, sizeof *b * (size_t)l->n);
        l->m = b;
        l->cap = ncap;
    }
    l->m[l->n++] = *m;
}

static const Milestone *ms_find(const MsList *l, int64_t id)
{
    for (int i = 0; i < l->n; i++)
        if (l->m[i].id == id) return &l->m[i];
    return NULL;
}

static const char *state_label(Req *r, const char *st)
{
    if (!strcmp(st, "done")) return T(r, "Done");
    if (!strcmp(st, "late")) return T(r, "Late");
    return T(r, "Due");
}

/* What a refused form sent, to show it again. */
typedef struct FormVals {
    const char *quarter, *title, *due_date, *done_on;
    const char *body, *figures, *percent, *milestone, *reported_on;
    int64_t mid; /* the milestone of a refused mark-done */
    const char *field, *why;
} FormVals;

static void field_error(Req *r, const FormVals *v, const char *field)
{
    if (v && v->field && !strcmp(v->field, field))
        hf(r, "<span class=field-error>%s</span>", v->why);
}

static const char *v_or(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

/* ---- the forms ------------------------------------------------------------------------- */

static void milestone_form(Req *r, const Project *p, const FormVals *v)
{
    hf(r,
       "<form method=post action=\"/projects/%lld/milestones\" class=card id=add-milestone>"
       "<h3>%s</h3>",
       (long long)p->id, T(r, "Add a milestone"));
    form_csrf(r);
    hf(r,
       "<label>%s<input name=quarter required maxlength=6 size=8 placeholder=\"2026Q3\" "
       "value=\"%s\">",
       T(r, "Quarter (e.g. 2026Q3)"), v_or(v ? v->quarter : NULL, ""));
    field_error(r, v, "quarter");
    hf(r, "</label><label>%s<input name=title required maxlength=200 value=\"%s\">",
       T(r, "Milestone"), v_or(v ? v->title : NULL, ""));
    field_error(r, v, "title");
    hf(r, "</label><label>%s<input name=due_date type=date value=\"%s\"><small>%s</small>",
       T(r, "Due on"), v_or(v ? v->due_date : NULL, ""),
       T(r, "Empty: the last day of the quarter."));
    field_error(r, v, "due_date");
    hf(r, "</label><p class=note>%s %s – %s</p><button>%s</button></form>",
       T(r, "Within the project's span:"), p->start_date, p->end_date, T(r, "Add the milestone"));
}

/* One form for marking any open milestone done: the milestone, the date. */
static void done_form(Req *r, const Project *p, const MsList *ms, const FormVals *v,
                      const char *today)
{
    hf(r,
       "<form method=post action=\"/projects/%lld/milestones/done\" class=card>"
       "<h3>%s</h3>",
       (long long)p->id, T(r, "Mark a milestone done"));
    form_csrf(r);
    hf(r, "<label>%s<select name=milestone_id>", T(r, "Milestone"));
    for (int i = 0; i < ms->n; i++) {
        if (ms->m[i].done_on) continue;
        hf(r, "<option value=\"%lld\"%s>%s · %s</option>", (long long)ms->m[i].id,
           v && v->mid == ms->m[i].id ? " selected" : "", ms->m[i].quarter, ms->m[i].title);
    }
    H(r, "</select>");
    field_error(r, v, "milestone_id");
    hf(r, "</label><label>%s<input name=done_on type=date max=\"%s\" value=\"%s\">",
       T(r, "Done on"), today, v_or(v ? v->done_on : NULL, today));
    field_error(r, v, "done_on");
    hf(r, "</label><button>%s</button></form>", T(r, "Mark done"));
}

static void milestone_select(Req *r, const MsList *ms, const char *cur)
{
    hf(r, "<option value=\"\">%s</option>", T(r, "none"));
    for (int i = 0; i < ms->n; i++) {
        const char *id = arena_printf(r->arena, "%lld", (long long)ms->m[i].id);
        hf(r, "<option value=\"%s\"%s>%s · %s</option>", id,
           cur && !strcmp(cur, id) ? " selected" : "", ms->m[i].quarter, ms->m[i].title);
    }
}

static void report_form(Req *r, const Project *p, const MsList *ms, const FormVals *v,
                        const char *today)
{
    hf(r,
       "<form method=post action=\"/projects/%lld/reports/files\" enctype=\"multipart/form-data\""
       " class=card id=new-report><h3>%s</h3>",
       (long long)p->id, T(r, "Write a progress report"));
    form_csrf(r);
    hf(r, "<label>%s<textarea name=body rows=5 maxlength=8000 required>%s</textarea>",
       T(r, "What was done"), v_or(v ? v->body : NULL, ""));
    field_error(r, v, "body");
    hf(r,
       "</label><label>%s<textarea name=figures rows=3 placeholder=\"%s\">%s</textarea>"
       "<small>%s</small>",
       T(r, "Figures"), T(r, "teachers trained: 12"), v_or(v ? v->figures : NULL, ""),
       T(r, "One per line, name: number; at most 20."));
    field_error(r, v, "figures");
    const char *pct = v && v->percent ? v->percent : arena_printf(r->arena, "%d", p->percent_done);
    hf(r,
       "</label><label>%s<input name=percent_done type=number inputmode=numeric min=%d max=100 "
       "required value=\"%s\"><small>%s %d %%</small>",
       T(r, "Percent done"), p->percent_done, pct, T(r, "Not below the last report's:"),
       p->percent_done);
    field_error(r, v, "percent_done");
    hf(r, "</label><label>%s<select name=milestone_id>", T(r, "About the milestone"));
    milestone_select(r, ms, v ? v->milestone : NULL);
    H(r, "</select>");
    field_error(r, v, "milestone_id");
    hf(r, "</label><label>%s<input name=reported_on type=date max=\"%s\" value=\"%s\">",
       T(r, "Reported on"), today, v_or(v ? v->reported_on : NULL, today));
    field_error(r, v, "reported_on");
    hf(r, "</label><label>%s<input type=file name=file><small>%s %s; %s</small>",
       T(r, "Evidence file (optional)"), T(r, "Allowed:"), progress_allowed_types(r),
       T(r, "at most 10 MiB."));
    field_error(r, v, "file");
    hf(r, "</label><button>%s</button></form>", T(r, "Save the report"));
}

static void upload_form(Req *r, const Project *p, int64_t rid, const FormVals *v)
{
    hf(r,
       "<form method=post action=\"/projects/%lld/reports/%lld/files\" "
       "enctype=\"multipart/form-data\" class=inline>",
       (long long)p->id, (long long)rid);
    form_csrf(r);
    hf(r, "<label>%s <input type=file name=file required></label><button>%s</button>",
       T(r, "Add an evidence file"), T(r, "Upload"));
    if (v) field_error(r, v, "file");
    H(r, "</form>");
}

/* ---- the section ------------------------------------------------------------------------ */

static const char *size_text(Req *r, int64_t n)
{
    if (n < 1024) return arena_printf(r->arena, "%lld B", (long long)n);
    if (n < 1024 * 1024) return arena_printf(r->arena, "%s KiB", fmt_num(r->arena, n / 1024.0, 0));
    return arena_printf(r->arena, "%s MiB", fmt_num(r->arena, n / 1048576.0, 1));
}

static void file_item(Req *r, const Evidence *e, void *ctx)
{
    (void)ctx;
    hf(r, "<li><a href=\"/projects/%lld/files/%lld\" download>%s</a> <small>%s</small></li>",
       (long long)e->project_id, (long long)e->id, e->name, size_text(r, e->size));
}

typedef struct RepCtx {
    const Project *p;
    const MsList *ms;
    int may_upload, n;
} RepCtx;

static void report_item(Req *r, const Report *rp, void *ctx)
{
    RepCtx *c = ctx;
    c->n++;
    hf(r, "<article class=card id=\"report-%lld\"><h4>%s · %d %% <small>%s</small></h4>",
       (long long)rp->id, rp->reported_on, rp->percent_done, rp->created_by);
    const Milestone *m = rp->milestone_id ? ms_find(c->ms, rp->milestone_id) : NULL;
    if (m) hf(r, "<p class=kv>%s: %s · %s</p>", T(r, "Milestone"), m->quarter, m->title);
    hf(r, "<p class=prewrap>%s</p>", rp->body);
    json_t *figs = json_loads(rp->figures ? rp->figures : "{}", 0, NULL);
    if (json_is_object(figs) && json_object_size(figs)) {
        H(r, "<dl class=facts>");
        const char *k;
        json_t *val;
        json_object_foreach(figs, k, val)
        {
            double x = json_number_value(val);
            hf(r, "<dt>%s</dt><dd>%s</dd>", k, fmt_num(r->arena, x, x == floor(x) ? 0 : 2));
        }
        H(r, "</dl>");
    }
    json_decref(figs);
    H(r, "<ul class=files>");
    evidence_each(r, rp->id, file_item, NULL);
    H(r, "</ul>");
    if (c->may_upload) upload_form(r, c->p, rp->id, NULL);
    H(r, "</article>");
}

/* The lagging notice of the project, when it lags. */
static void lag_notice(Req *r, const Project *p)
{
    if (strcmp(p->status, "in_progress")) return;
    int64_t last = p->last_report_at ? p->last_report_at : p->updated_at;
    char quiet[11];
    LagProject lp = {.id = p->id};
    if (last < now_s() - 90 * 86400) {
        progress_date_of(last, quiet);
        lp.quiet_since = quiet;
    }
    if (progress_lag_reasons(r, &lp) || !lp.nreasons) return;
    hf(r, "<div class=\"notice error\" role=status><b>%s</b><ul>", T(r, "This project is lagging"));
    for (int i = 0; i < lp.nreasons; i++)
        hf(r, "<li>%s</li>", lag_reason_text(r, &lp.reasons[i]));
    H(r, "</ul></div>");
}

/* The whole section; v: a refused form's values (or NULL). */
static void section(Req *r, const Project *p, const FormVals *v)
{
    char today[11];
    progress_today(today);
    int may = project_can(r, CAP_PROJECT_WRITE, p, "lead");
    int ms_open = may && progress_milestones_open(p->status);
    MsList ms = {0};
    int open_ms = 0;
    milestones_each(r, p->id, collect_ms, &ms);
    hf(r, "<section id=sec-progress><h2>%s</h2>", T(r, "Milestones and progress"));
    hf(r, "<p><label>%s <progress max=100 value=%d>%d %%</progress> <b>%d %%</b></label></p>",
       T(r, "Percent done"), p->percent_done, p->percent_done, p->percent_done);
    lag_notice(r, p);
    hf(r, "<h3>%s</h3>", T(r, "Quarterly milestones"));
    if (!ms.n) {
        hf(r, "<p class=empty>%s</p>", T(r, "No milestones yet."));
    } else {
        hf(r,
           "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
           "<th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
           T(r, "Quarter"), T(r, "Milestone"), T(r, "Due on"), T(r, "Status"));
        for (int i = 0; i < ms.n; i++) {
            const Milestone *m = &ms.m[i];
            const char *st = milestone_state(m, today);
            hf(r,
               "<tr id=\"milestone-%lld\"><td>%s</td><td>%s</td><td>%s</td><td>"
               "<span class=\"status ms-%s\">%s</span>",
               (long long)m->id, m->quarter, m->title, m->due_date,
               !strcmp(st, "due") ? "upcoming" : st, state_label(r, st));
            if (m->done_on) hf(r, " %s", m->done_on);
            H(r, "</td></tr>");
            open_ms += !m->done_on;
        }
        H(r, "</tbody></table></div>");
    }
    if (ms_open && open_ms) done_form(r, p, &ms, v && v->done_on ? v : NULL, today);
    if (ms_open) {
        hf(r, "<details%s><summary>%s</summary>", v && v->quarter ? " open" : "",
           T(r, "Add a milestone"));
        milestone_form(r, p, v && v->quarter ? v : NULL);
        H(r, "</details>");
    }
    hf(r, "<h3>%s</h3>", T(r, "Progress reports"));
    if (may && progress_reports_open(p->status))
        report_form(r, p, &ms, v && v->body ? v : NULL, today);
    RepCtx c = {.p = p, .ms = &ms, .may_upload = may && progress_files_open(p->status)};
    reports_each(r, p->id, report_item, &c);
    if (!c.n) hf(r, "<p class=empty>%s</p>", T(r, "No progress reports yet."));
    H(r, "</section>");
}

void progress_section(Req *r, const Project *p)
{
    section(r, p, NULL);
}

/* ---- the handlers --------------------------------------------------------------------------- */

/* Loads the path's project for a page: 1, or 0 with 404/503 sent. */
static int page_project(Req *r, Project *p)
{
    int64_t id = id_param(r, "id");
    int f = id ? project_get_visible(r, id, p) : 0;
    if (f < 0) page_error(r, 503, T(r, "The service is busy. Please try again."));
    if (f == 0) req_not_found(r);
    return f == 1;
}

/* The progress section alone, on its own page, after a refused form. */
static void refused(Req *r, const Project *p, int status, const FormVals *v)
{
    page_begin(r, arena_printf(r->arena, "%s · %s", p->title, T(r, "Milestones and progress")));
    r->status = status;
    hf(r,
       "<nav class=crumbs><a href=\"/projects\">%s</a> › <a href=\"/projects/%lld\">%s</a></nav>",
       T(r, "Projects"), (long long)p->id, p->title);
    hf(r, "<h1>%s</h1>", p->title);
    page_notice(r, "error",
                v->field ? arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), v->field, v->why)
                         : arena_printf(r->arena, "%s: %s", T(r, "Not saved"), v->why));
    section(r, p, v);
    page_end(r);
}

/* Answers a refused page write: a form's own problems on the form page, the others
 * on an error page. */
static void page_refusal(Req *r, const Project *p, ProgResult res, FormVals *v)
{
    switch (res) {
    case PROG_INVALID:
        refused(r, p, 422, v);
        return;
    case PROG_TOO_LARGE:
        v->field = NULL;
        refused(r, p, 413, v);
        return;
    case PROG_BAD_TYPE:
        v->field = NULL;
        refused(r, p, 415, v);
        return;
    case PROG_NOT_FOUND:
        req_not_found(r);
        return;
    case PROG_FORBIDDEN:
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    case PROG_CONFLICT:
        page_error(r, 409, v->why ? v->why : T(r, "Conflict."));
        return;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}

static const char *back_to(Req *r, const Project *p, const char *anchor)
{
    return arena_printf(r->arena, "/projects/%lld#%s", (long long)p->id, anchor);
}

void milestone_page_create(Req *r)
{
    Project p;
    if (!page_project(r, &p)) return;
    FormVals v = {.quarter = v_or(req_form(r, "quarter"), ""),
                  .title = v_or(req_form(r, "title"), ""),
                  .due_date = v_or(req_form(r, "due_date"), "")};
    MilestoneInput in = {.quarter = v.quarter,
                         .title = v.title,
                         .due_date = v.due_date,
                         .has_quarter = 1,
                         .has_title = 1,
                         .has_due_date = *v.due_date != 0};
    Milestone m;
    const char *why = NULL;
    ProgResult res = milestone_create(r, &p, &in, &m, &why);
    if (res == PROG_OK) return req_redirect(r, back_to(r, &p, "sec-progress"));
    v.field = in.field;
    v.why = res == PROG_INVALID ? in.why : why;
    page_refusal(r, &p, res, &v);
}

void milestone_page_done(Req *r)
{
    Project p;
    if (!page_project(r, &p)) return;
    char today[11];
    progress_today(today);
    const char *d = req_form(r, "done_on"), *mid = req_form(r, "milestone_id");
    FormVals v = {.done_on = d && *d ? d : today};
    if (!mid || !parse_int(mid, 1, INT64_MAX / 2, &v.mid)) v.mid = 0;
    MilestoneInput in = {.done_on = v.done_on, .has_done_on = 1};
    Milestone m;
    const char *why = NULL;
    ProgResult res = milestone_update(r, &p, v.mid, &in, &m, &why);
    if (res == PROG_OK)
        return req_redirect(r, arena_printf(r->arena, "/projects/%lld#milestone-%lld",
                                            (long long)p.id, (long long)m.id));
    if (res == PROG_NOT_FOUND) { /* the project is visible: it is the field that is wrong */
        res = PROG_INVALID;
        in.field = "milestone_id";
        in.why = T(r, "must be a milestone of this project");
    }
    v.field = in.field;
    v.why = res == PROG_INVALID ? in.why : why;
    page_refusal(r, &p, res, &v);
}

void report_page_create(Req *r)
{
    Project p;
    if (!page_project(r, &p)) return;
    Part *parts = NULL;
    int np = r->body_too_large ? -1 : multipart_parse(r, &parts);
    const Part *file = np > 0 ? multipart_get(parts, np, "file") : NULL;
    if (file && !file->filename) file = NULL;
    if (file && !file->len && !*file->filename) file = NULL; /* the field left empty */
    FormVals v = {.body = v_or(req_form(r, "body"), ""),
                  .figures = v_or(req_form(r, "figures"), ""),
                  .percent = v_or(req_form(r, "percent_done"), ""),
                  .milestone = v_or(req_form(r, "milestone_id"), ""),
                  .reported_on = v_or(req_form(r, "reported_on"), "")};
    ReportInput in = {.body = v.body, .reported_on = v.reported_on};
    json_t *figs = NULL;
    const char *why = NULL;
    ProgResult res = PROG_OK;
    if (!project_can(r, CAP_PROJECT_WRITE, &p, "lead")) {
        res = PROG_FORBIDDEN;
    } else if (!progress_reports_open(p.status)) {
        res = PROG_CONFLICT;
        in.why = NULL;
    } else if (!progress_figures_parse(r, v.figures, &figs, &why)) {
        in.field = "figures", in.why = why, res = PROG_INVALID;
    } else if (*v.percent && !parse_int(v.percent, 0, 100, &in.percent_done)) {
        in.field = "percent_done", in.why = T(r, "is required: a whole number from 0 to 100");
        res = PROG_INVALID;
    } else if (*v.milestone && !parse_int(v.milestone, 1, INT64_MAX / 2, &in.milestone_id)) {
        in.field = "milestone_id", in.why = T(r, "must be a milestone of this project");
        res = PROG_INVALID;
    } else if (file || r->body_too_large) {
        const char *mime;
        res = evidence_check(r, file, &mime, &why);
        if (res == PROG_INVALID) in.field = NULL, in.why = why;
    }
    in.has_percent = *v.percent != 0;
    in.has_milestone = *v.milestone != 0;
    in.figures = figs;
    Report rp;
    if (res == PROG_OK) res = report_create(r, &p, &in, &rp, &why);
    json_decref(figs);
    if (res == PROG_OK && file) {
        Evidence e;
        ProgResult fr = evidence_add(r, &p, rp.id, file, &e, &why);
        if (fr != PROG_OK) {
            /* the report stands; say that its file did not */
            FormVals fv = {.field = NULL,
                           .why = arena_printf(r->arena, "%s %s",
                                               T(r, "The report was saved, its file was not:"),
                                               why ? why : "")};
            page_refusal(r, &p, fr == PROG_INVALID ? PROG_INVALID : fr, &fv);
            return;
        }
    }
    if (res == PROG_OK)
        return req_redirect(r, arena_printf(r->arena, "/projects/%lld#report-%lld", (long long)p.id,
                                            (long long)rp.id));
    v.field = in.field;
    v.why = res == PROG_INVALID ? in.why : why;
    if (res == PROG_CONFLICT && !v.why)
        v.why = T(r, "Progress reports can be written only while the project is in progress or "
                     "suspended.");
    page_refusal(r, &p, res, &v);
}

void evidence_page_upload(Req *r)
{
    Project p;
    if (!page_project(r, &p)) return;
    Part *parts = NULL;
    int np = r->body_too_large ? -1 : multipart_parse(r, &parts);
    const Part *file = np > 0 ? multipart_get(parts, np, "file") : NULL;
    Evidence e;
    const char *why = NULL;
    ProgResult res = evidence_add(r, &p, id_param(r, "rid"), file, &e, &why);
    if (res == PROG_OK)
        return req_redirect(r, arena_printf(r->arena, "/projects/%lld#report-%lld", (long long)p.id,
                                            (long long)e.report_id));
    FormVals v = {.why = why};
    page_refusal(r, &p, res, &v);
}

void evidence_page_get(Req *r)
{
    Project p;
    if (!page_project(r, &p)) return;
    Evidence e;
    int64_t fid = id_param(r, "fid");
    int f = fid ? evidence_load(r->db, r->arena, fid, &e) : 0;
    if (f < 0) return page_error(r, 503, T(r, "The service is busy. Please try again."));
    if (!f || e.project_id != p.id) return req_not_found(r);
    files_send(r, e.sha256, e.name, e.mime);
}
