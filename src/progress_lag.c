/* progress_lag.c — lagging projects (progress.h): the list with its reasons,
 * GET /api/v1/projects/lagging, and the "Projects needing attention" panel of the
 * dashboards and the school portrait. The rule itself is PROJECT_LAGGING_SQL
 * (project.h), evaluated at read time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "progress.h"
#include "report.h"
#include "ui/html.h"
#include "ui/i18n.h"

static int cmp_lag(const void *a, const void *b)
{
    const LagProject *x = a, *y = b;
    if (x->days_overdue != y->days_overdue) return y->days_overdue - x->days_overdue;
    return x->id < y->id ? -1 : x->id > y->id;
}

int progress_lag_reasons(Req *r, LagProject *lp)
{
    char today[11];
    progress_today(today);
    DbStmt *s = db_q(r->db,
                     "SELECT id, title, due_date FROM milestones WHERE project_id = ?"
                     " AND done_on IS NULL AND due_date < ? ORDER BY due_date, id",
                     "is", lp->id, today);
    if (!s) return -1;
    int cap = 4, rc;
    lp->reasons = arena_alloc(r->arena, sizeof *lp->reasons * (size_t)(cap + 1));
    lp->nreasons = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (lp->nreasons == cap) {
            LagReason *b = arena_alloc(r->arena, sizeof *b * (size_t)(cap * 2 + 1));
            memcpy(b, lp->reasons, sizeof *b * (size_t)cap);
            lp->reasons = b;
            cap *= 2;
        }
        LagReason *w = &lp->reasons[lp->nreasons++];
        w->kind = "milestone_late";
        w->milestone_id = db_col_int(s, 0);
        w->title = arena_strdup(r->arena, db_col_text(s, 1));
        w->date = arena_strdup(r->arena, db_col_text(s, 2));
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    if (lp->quiet_since)
        lp->reasons[lp->nreasons++] =
            (LagReason){.kind = "reports_stopped", .date = lp->quiet_since};
    return 0;
}

int progress_lagging(Req *r, const char *org_path, int with_reasons, LagProject **out)
{
    *out = NULL;
    char today[11], quiet[11], since[11];
    progress_today(today);
    int64_t now = now_s(), cutoff = now - 90 * 86400;
    DbStmt *s =
        db_q(r->db,
             "SELECT p.id, p.title, p.percent_done, COALESCE(p.last_report_at, p.updated_at),"
             " lo.code, lo.name_zh, lo.name_en,"
             " (SELECT min(m.due_date) FROM milestones m WHERE m.project_id = p.id"
             "   AND m.done_on IS NULL AND m.due_date < ?)"
             " FROM projects p JOIN orgs lo ON lo.id = p.lead_org_id"
             " WHERE " PROJECT_LAGGING_SQL(
                 "p") " AND (CAST(? AS TEXT) IS NULL"
                      "  OR substr(lo.path, 1, length(CAST(? AS TEXT))) = CAST(? AS TEXT)"
                      "  OR EXISTS (SELECT 1 FROM project_recipients pr JOIN orgs ro ON ro.id = "
                      "pr.school_id"
                      "   WHERE pr.project_id = p.id"
                      "   AND substr(ro.path, 1, length(CAST(? AS TEXT))) = CAST(? AS TEXT)))"
                      " AND " PROJECT_REACH_SQL("p.id"),
             "s" PROJECT_LAGGING_TYPES "sssss" PROJECT_REACH_TYPES, today,
             PROJECT_LAGGING_ARGS(today, now), org_path, org_path, org_path, org_path, org_path,
             PROJECT_REACH_ARGS(r, CAP_DATA_READ));
    if (!s) return -1;
    int n = 0, cap = 0, rc;
    LagProject *all = NULL;
    int64_t t0 = progress_day_number(today);
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            int ncap = cap ? cap * 2 : 32;
            LagProject *b = arena_alloc(r->arena, sizeof *b * (size_t)ncap);
            if (n) memcpy(b, all, sizeof *b * (size_t)n);
            all = b;
            cap = ncap;
        }
        LagProject *lp = &all[n++];
        memset(lp, 0, sizeof *lp);
        lp->id = db_col_int(s, 0);
        lp->title = arena_strdup(r->arena, db_col_text(s, 1));
        lp->percent_done = (int)db_col_int(s, 2);
        int64_t last = db_col_int(s, 3);
        lp->lead_code = arena_strdup(r->arena, db_col_text(s, 4));
        lp->lead_name_zh = arena_strdup(r->arena, db_col_text(s, 5));
        lp->lead_name_en = arena_strdup(r->arena, db_col_text(s, 6) ? db_col_text(s, 6) : "");
        lp->late_due = db_col_is_null(s, 7) ? NULL : arena_strdup(r->arena, db_col_text(s, 7));
        const char *from = lp->late_due;
        if (last < cutoff) {
            progress_date_of(last, quiet);
            progress_date_of(last + 90 * 86400, since);
            lp->quiet_since = arena_strdup(r->arena, quiet);
            if (!from || strcmp(since, from) < 0) from = since;
        }
        lp->overdue_since = arena_strdup(r->arena, from ? from : today);
        lp->days_overdue = (int)(t0 - progress_day_number(lp->overdue_since));
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    if (n > 1) qsort(all, (size_t)n, sizeof *all, cmp_lag);
    for (int i = 0; i < n && i < with_reasons; i++)
        if (progress_lag_reasons(r, &all[i])) return -1;
    *out = all;
    return n;
}

const char *lag_reason_text(Req *r, const LagReason *w)
{
    if (!strcmp(w->kind, "milestone_late"))
        return arena_printf(r->arena, "%s “%s” %s %s %s", T(r, "milestone"), w->title, T(r, "due"),
                            w->date, T(r, "not done"));
    return arena_printf(r->arena, "%s %s", T(r, "no progress report since"), w->date);
}

int64_t progress_overdue_rectifications(Req *r, const char *org_path)
{
    char today[11];
    progress_today(today);
    int64_t n = 0;
    int f = db_int(r->db, &n,
                   "SELECT count(*) FROM rectifications x JOIN orgs o ON o.id = x.org_id"
                   " WHERE x.status = 'open' AND x.deadline < ?"
                   " AND substr(o.path, 1, length(CAST(? AS TEXT))) = CAST(? AS TEXT)",
                   "sss", today, org_path, org_path);
    return f < 0 ? -1 : n;
}

/* ---- JSON ------------------------------------------------------------------------------ */

static json_t *lag_json(Req *r, const LagProject *lp)
{
    json_t *reasons = json_array();
    for (int i = 0; i < lp->nreasons; i++) {
        const LagReason *w = &lp->reasons[i];
        json_t *o = json_pack("{s:s,s:s}", "kind", w->kind, "text", lag_reason_text(r, w));
        if (!strcmp(w->kind, "milestone_late")) {
            json_object_set_new(o, "milestone_id", json_integer(w->milestone_id));
            json_object_set_new(o, "title", json_string(w->title));
            json_object_set_new(o, "due_date", json_string(w->date));
        } else {
            json_object_set_new(o, "since", json_string(w->date));
        }
        json_array_append_new(reasons, o);
    }
    return json_pack("{s:I,s:s,s:s,s:{s:s,s:s,s:s},s:i,s:s,s:i,s:o}", "id", (json_int_t)lp->id,
                     "title", lp->title, "link",
                     arena_printf(r->arena, "/projects/%lld", (long long)lp->id), "lead", "code",
                     lp->lead_code, "name_zh", lp->lead_name_zh, "name_en", lp->lead_name_en,
                     "percent_done", lp->percent_done, "overdue_since", lp->overdue_since,
                     "days_overdue", lp->days_overdue, "reasons", reasons);
}

enum { ATTENTION_TOP = 10 };

json_t *progress_attention_json(Req *r, const Org *unit)
{
    LagProject *lp;
    int n = progress_lagging(r, unit->path, ATTENTION_TOP, &lp);
    int64_t rect = n < 0 ? -1 : progress_overdue_rectifications(r, unit->path);
    if (n < 0 || rect < 0) return json_null();
    json_t *top = json_array();
    for (int i = 0; i < n && i < ATTENTION_TOP; i++)
        json_array_append_new(top, lag_json(r, &lp[i]));
    return json_pack("{s:i,s:o,s:I}", "lagging_projects", n, "projects", top,
                     "overdue_rectifications", (json_int_t)rect);
}

void lagging_api_list(Req *r)
{
    const char *org = req_query(r, "org"), *lim = req_query(r, "limit"),
               *cur = req_query(r, "cursor");
    int64_t limit = 100, off = 0;
    if ((lim && *lim && !parse_int(lim, 1, 500, &limit)) ||
        (cur && *cur && !parse_int(cur, 0, 1000000, &off)) || (org && *org && !valid_code(org))) {
        req_error(r, 400, "bad_param",
                  T(r, "org must be an organisation code, limit a whole number from 1 to 500 "
                       "and cursor the one a previous answer gave."));
        return;
    }
    Org o;
    const char *path = NULL;
    if (org && *org) {
        int f = org_load(r->db, r->arena, org, &o);
        if (f < 0) {
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
            return;
        }
        if (!f || !can(r, CAP_DATA_READ, o.path)) {
            req_not_found(r);
            return;
        }
        path = o.path;
    }
    LagProject *lp;
    int n = progress_lagging(r, path, 0, &lp);
    if (n < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    json_t *items = json_array();
    int64_t end = off + limit < n ? off + limit : n;
    for (int64_t i = off; i < end; i++) {
        if (progress_lag_reasons(r, &lp[i])) {
            json_decref(items);
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
            return;
        }
        json_array_append_new(items, lag_json(r, &lp[i]));
    }
    json_t *out = json_pack("{s:o,s:i}", "items", items, "count", n);
    json_object_set_new(out, "next_cursor",
                        end < n ? json_string(arena_printf(r->arena, "%lld", (long long)end))
                                : json_null());
    req_send_json(r, 200, out);
}

/* ---- the panel ------------------------------------------------------------------------- */

static const char *lead_name(Req *r, const LagProject *lp)
{
    if (!strcmp(r->lang, "en") && lp->lead_name_en && *lp->lead_name_en) return lp->lead_name_en;
    return lp->lead_name_zh;
}

void progress_attention_section(Req *r, const Org *unit)
{
    LagProject *lp;
    int n = progress_lagging(r, unit->path, ATTENTION_TOP, &lp);
    int64_t rect = n < 0 ? -1 : progress_overdue_rectifications(r, unit->path);
    if (n < 0 || rect < 0) return;
    hf(r, "<section id=sec-attention><h2>%s</h2>", T(r, "Projects needing attention"));
    hf(r,
       "<ul class=stats><li class=\"%s\"><b>%d</b> %s</li><li class=\"%s\"><b>%lld</b> "
       "%s</li></ul>",
       n ? "st-off_track" : "st-on_track", n, T(r, "lagging projects"),
       rect ? "st-off_track" : "st-on_track", (long long)rect,
       T(r, "rectification orders past their deadline"));
    if (!n) {
        hf(r, "<p class=empty>%s</p></section>",
           T(r, "No project here has a late milestone or has stopped reporting."));
        return;
    }
    Table *t = table_new(r->arena, "attention",
                         n > ATTENTION_TOP ? T(r, "The ten most overdue projects")
                                           : T(r, "Lagging projects, most overdue first"),
                         5, T(r, "Project"), T(r, "Lead"), T(r, "Why it lags"),
                         T(r, "Days overdue"), T(r, "Done"));
    t->note = T(r, "Lagging: a milestone past its due date and not done, or no progress report "
                   "for 90 days, while the project is in progress.");
    for (int i = 0; i < n && i < ATTENTION_TOP; i++) {
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], lp[i].title)->href =
            arena_printf(r->arena, "/projects/%lld", (long long)lp[i].id);
        cell_text(&c[1], lead_name(r, &lp[i]));
        const char *why = "";
        for (int k = 0; k < lp[i].nreasons; k++)
            why = arena_printf(r->arena, "%s%s%s", why, k ? "; " : "",
                               lag_reason_text(r, &lp[i].reasons[k]));
        cell_text(&c[2], why)->cls = "wide";
        cell_num(&c[3], lp[i].days_overdue, 0, NULL);
        cell_num(&c[4], lp[i].percent_done, 0, "%");
    }
    table_html(r, t);
    H(r, "</section>");
}
