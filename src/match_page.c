/* match_page.c — the matching page (/match): a form to run matching for a unit
 * and a year, the unit's runs, and one run's proposals with the reasons of each
 * and accept / reject buttons (CSRF-protected POST forms, no JavaScript). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "core/util.h"
#include "match.h"
#include "need.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

static int current_year(void)
{
    time_t t = (time_t)(now_s() + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

/* The caller's first grant's unit, the default scope. */
static const char *default_scope(Req *r)
{
    return r->auth.ngrants > 0 ? r->auth.grants[0].org_code : "650000";
}

static const char *level_label(Req *r, const char *level)
{
    if (!level) return "";
    if (!strcmp(level, "county")) return T(r, "county");
    if (!strcmp(level, "prefecture")) return T(r, "prefecture");
    return T(r, "region");
}

static const char *status_label(Req *r, const char *s)
{
    if (!strcmp(s, "proposed")) return T(r, "Proposed");
    if (!strcmp(s, "accepted")) return T(r, "Accepted");
    if (!strcmp(s, "rejected")) return T(r, "Rejected");
    if (!strcmp(s, "overridden")) return T(r, "Overridden");
    return s;
}

static void runs_list(Req *r, const Org *scope, int year)
{
    DbStmt *s = db_q(r->db,
                     "SELECT m.id, m.created_at, m.created_by, m.objective, m.greedy_objective,"
                     " (SELECT count(*) FROM match_proposals p WHERE p.run_id = m.id),"
                     " (SELECT count(*) FROM match_proposals p WHERE p.run_id = m.id AND p.status ="
                     " 'proposed'), o.code FROM match_runs m JOIN orgs o ON o.id = m.scope_org_id"
                     " WHERE o.path LIKE ? AND m.year = ? ORDER BY m.id DESC LIMIT 50",
                     "si", arena_printf(r->arena, "%s%%", scope->path), (int64_t)year);
    hf(r, "<h2>%s</h2>", T(r, "Runs"));
    if (!s) {
        hf(r, "<p class=empty>%s</p>", T(r, "The service is busy. Please try again."));
        return;
    }
    int n = 0;
    while (db_step(s) == DB_ROW) {
        if (!n++)
            hf(r,
               "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
               "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
               "<th scope=col>%s</th></tr></thead><tbody>",
               T(r, "Run"), T(r, "When"), T(r, "Unit"), T(r, "Objective (exact / greedy)"),
               T(r, "Proposals"), T(r, "Undecided"));
        long long id = (long long)db_col_int(s, 0);
        hf(r,
           "<tr><td><a href=\"/match?scope=%s&amp;year=%d&amp;run=%lld\">#%lld</a></td><td>%s "
           "<span class=who>%s</span></td><td>%s</td><td>%.2f / %.2f</td><td>%lld</td>"
           "<td>%lld</td></tr>",
           scope->code, year, id, id, fmt_time(r->arena, db_col_int(s, 1)), db_col_text(s, 2),
           db_col_text(s, 7), db_col_double(s, 3), db_col_double(s, 4),
           (long long)db_col_int(s, 5), (long long)db_col_int(s, 6));
    }
    db_done(s);
    if (n) H(r, "</tbody></table></div>");
    else hf(r, "<p class=empty>%s</p>", T(r, "No runs yet for this unit and year."));
}

static void run_show(Req *r, const Org *scope, int year, int64_t run_id, int may_decide)
{
    json_t *run = match_run_json(r->db, r->arena, run_id, 1);
    if (!run) {
        hf(r, "<p class=empty>%s</p>", T(r, "The service is busy. Please try again."));
        return;
    }
    double obj = json_real_value(json_object_get(run, "objective")),
           gr = json_real_value(json_object_get(run, "greedy_objective"));
    hf(r, "<h2 id=run>%s #%lld</h2>", T(r, "Run"), (long long)run_id);
    hf(r,
       "<p class=lead>%s %.2f · %s %.2f · %s %.2f%%</p>"
       "<p class=note>%s</p>",
       T(r, "Weighted need met:"), obj, T(r, "greedy baseline:"), gr,
       T(r, "better by"), gr > 0 ? (obj - gr) * 100.0 / gr : 0.0,
       T(r, "Score = priority + continuity (the provider already supplies the school) + reach "
            "(county > prefecture > region) + date (wanted soon). Amounts in whole units."));
    json_t *props = json_object_get(run, "proposals");
    if (!json_array_size(props)) {
        hf(r, "<p class=empty>%s</p>", T(r, "This run proposed nothing: no open need met an "
                                            "available resource that reaches it."));
        json_decref(run);
        return;
    }
    size_t i;
    json_t *p;
    json_array_foreach(props, i, p) {
        json_t *n = json_object_get(p, "need"), *x = json_object_get(p, "resource"),
               *why = json_object_get(p, "reasons");
        const char *st = json_string_value(json_object_get(p, "status"));
        const char *subject = json_string_value(json_object_get(n, "subject"));
        long long pid = (long long)json_integer_value(json_object_get(p, "id"));
        hf(r, "<div class=card id=p%lld><h3>%s · %s%s%s</h3>", pid,
           json_string_value(json_object_get(n, "school_name")),
           need_category_label(r, json_string_value(json_object_get(n, "category"))),
           subject && *subject ? " · " : "", subject ? subject : "");
        hf(r,
           "<dl class=facts><dt>%s</dt><dd><a href=\"/needs/%lld\">#%lld</a> %g %s (%s %lld)</dd>"
           "<dt>%s</dt><dd>%s — %s</dd><dt>%s</dt><dd>%g %s</dd>"
           "<dt>%s</dt><dd><strong>%.2f</strong> = %.2f + %.2f + %.2f (%s) + %.2f</dd>"
           "<dt>%s</dt><dd><span class=tag>%s</span></dd></dl>",
           T(r, "Need"), (long long)json_integer_value(json_object_get(n, "id")),
           (long long)json_integer_value(json_object_get(n, "id")),
           json_real_value(json_object_get(n, "quantity")),
           json_string_value(json_object_get(n, "unit")), T(r, "priority"),
           (long long)json_integer_value(json_object_get(n, "priority")), T(r, "Resource"),
           json_string_value(json_object_get(x, "title")),
           json_string_value(json_object_get(x, "provider_name")), T(r, "Proposed quantity"),
           json_real_value(json_object_get(p, "quantity")),
           json_string_value(json_object_get(n, "unit")), T(r, "Score"),
           json_real_value(json_object_get(p, "score")),
           json_real_value(json_object_get(why, "priority")),
           json_real_value(json_object_get(why, "continuity")),
           json_real_value(json_object_get(why, "reach")),
           level_label(r, json_string_value(json_object_get(why, "reach_level"))),
           json_real_value(json_object_get(why, "date")), T(r, "Status"), status_label(r, st));
        if (may_decide && st && !strcmp(st, "proposed")) {
            H(r, "<p class=actions>");
            static const char *const actions[] = {"accept", "reject"};
            for (int k = 0; k < 2; k++) {
                hf(r, "<form method=post action=\"/match/%lld/decide\" class=inline>",
                   (long long)run_id);
                form_csrf(r);
                hf(r,
                   "<input type=hidden name=pid value=\"%lld\"><input type=hidden name=action "
                   "value=\"%s\"><button type=submit>%s</button></form> ",
                   pid, actions[k], k ? T(r, "Reject") : T(r, "Accept"));
            }
            H(r, "</p>");
            hf(r, "<details><summary>%s</summary><form method=post action=\"/match/%lld/decide\">",
               T(r, "Override: another resource or quantity"), (long long)run_id);
            form_csrf(r);
            hf(r,
               "<input type=hidden name=pid value=\"%lld\"><input type=hidden name=action "
               "value=override><label>%s <input name=resource inputmode=numeric required></label> "
               "<label>%s <input name=quantity inputmode=decimal required value=\"%g\"></label> "
               "<button type=submit>%s</button></form></details>",
               pid, T(r, "Resource number"), T(r, "Quantity"),
               json_real_value(json_object_get(p, "quantity")), T(r, "Override"));
        }
        H(r, "</div>");
    }
    (void)scope;
    (void)year;
    json_decref(run);
}

void match_page(Req *r)
{
    const char *code = req_query(r, "scope"), *ytext = req_query(r, "year"),
               *rtext = req_query(r, "run");
    if (!code || !*code) code = default_scope(r);
    int64_t year = current_year(), run_id = 0;
    if (ytext && *ytext && !parse_int(ytext, 2000, 2100, &year)) {
        page_error(r, 400, T(r, "year must be a whole number from 2000 to 2100."));
        return;
    }
    if (rtext && *rtext && !parse_int(rtext, 1, INT64_MAX / 2, &run_id)) {
        page_error(r, 400, T(r, "run must be the number of a run."));
        return;
    }
    Org scope;
    int f = valid_code(code) ? org_load(r->db, r->arena, code, &scope) : 0;
    if (f < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, scope.path)) {
        req_not_found(r);
        return;
    }
    if (run_id) {
        /* the run must lie in this scope's subtree and be visible */
        int64_t ok = 0;
        if (db_int(r->db, &ok,
                   "SELECT count(*) FROM match_runs m JOIN orgs o ON o.id = m.scope_org_id"
                   " WHERE m.id = ? AND o.path LIKE ?",
                   "is", run_id, arena_printf(r->arena, "%s%%", scope.path)) < 0) {
            page_error(r, 503, T(r, "The service is busy. Please try again."));
            return;
        }
        if (!ok) {
            req_not_found(r);
            return;
        }
    }
    int may_run = can(r, CAP_MATCH_RUN, scope.path);
    page_begin(r, T(r, "Matching"));
    hf(r, "<nav class=crumbs><a href=\"/orgs/%s\">%s</a> › <span>%s</span></nav>", scope.code,
       org_name(r, &scope), T(r, "Matching"));
    hf(r, "<h1>%s · %s · %lld</h1>", T(r, "Matching resources to needs"), org_name(r, &scope),
       (long long)year);
    const char *done = req_query(r, "done");
    if (done && !strcmp(done, "run")) page_notice(r, "ok", T(r, "Matching has run."));
    if (done && !strcmp(done, "decided")) page_notice(r, "ok", T(r, "Saved."));
    hf(r,
       "<form method=get action=\"/match\" class=filters><label>%s <input name=scope value=\"%s\" "
       "inputmode=numeric></label> <label>%s <input name=year value=\"%lld\" "
       "inputmode=numeric></label> <button type=submit>%s</button></form>",
       T(r, "Unit code"), scope.code, T(r, "Year"), (long long)year, T(r, "Show"));
    if (may_run) {
        hf(r, "<form method=post action=\"/match\" class=card><p>%s</p>",
           T(r, "Assign the available resources to the open needs of the recipient schools in "
                "this unit, as well as possible: the most priority-weighted need met, preferring "
                "providers that already supply a school."));
        form_csrf(r);
        hf(r,
           "<input type=hidden name=scope value=\"%s\"><input type=hidden name=year "
           "value=\"%lld\"><button type=submit>%s</button></form>",
           scope.code, (long long)year, T(r, "Run matching"));
    }
    if (run_id) run_show(r, &scope, (int)year, run_id, may_run);
    runs_list(r, &scope, (int)year);
    page_end(r);
}

void match_page_run(Req *r)
{
    const char *code = req_form(r, "scope"), *ytext = req_form(r, "year");
    int64_t year = 0;
    if (!ytext || !parse_int(ytext, 2000, 2100, &year)) {
        page_error(r, 422, T(r, "year: a whole number from 2000 to 2100 is required."));
        return;
    }
    Org scope;
    int f = code && valid_code(code) ? org_load(r->db, r->arena, code, &scope) : 0;
    if (f < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    if (!f || (!can(r, CAP_DATA_READ, scope.path) && !can(r, CAP_MATCH_RUN, scope.path))) {
        req_not_found(r);
        return;
    }
    if (!can(r, CAP_MATCH_RUN, scope.path)) {
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    }
    int64_t id;
    char err[256];
    if (match_run_create(r->db, r->auth.login, &scope, (int)year, 0, &id, err, sizeof err)) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    req_redirect(r, arena_printf(r->arena, "/match?scope=%s&year=%lld&run=%lld&done=run#run",
                                 scope.code, (long long)year, (long long)id));
}

void match_page_decide(Req *r)
{
    int64_t run_id = 0, pid = 0, resource = 0;
    const char *idt = req_param(r, "id"), *pt = req_form(r, "pid"), *action = req_form(r, "action");
    if (!idt || !parse_int(idt, 1, INT64_MAX / 2, &run_id)) {
        req_not_found(r);
        return;
    }
    DbStmt *s = db_q(r->db,
                     "SELECT o.code, o.path, m.year FROM match_runs m JOIN orgs o ON o.id ="
                     " m.scope_org_id WHERE m.id = ?",
                     "i", run_id);
    const char *code = NULL, *path = NULL;
    int64_t year = 0;
    if (s && db_step(s) == DB_ROW) {
        code = arena_strdup(r->arena, db_col_text(s, 0));
        path = arena_strdup(r->arena, db_col_text(s, 1));
        year = db_col_int(s, 2);
    }
    db_done(s);
    if (!path || !can(r, CAP_DATA_READ, path)) {
        req_not_found(r);
        return;
    }
    if (!can(r, CAP_MATCH_RUN, path)) {
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    }
    if (!pt || !parse_int(pt, 1, INT64_MAX / 2, &pid) || !action) {
        page_error(r, 422, T(r, "pid and action are required."));
        return;
    }
    double qty = 0;
    if (action && !strcmp(action, "override")) {
        const char *rt = req_form(r, "resource"), *qt = req_form(r, "quantity");
        char *end = NULL;
        if (!rt || !parse_int(rt, 1, INT64_MAX / 2, &resource)) {
            page_error(r, 422, T(r, "resource: the id of a resource is required."));
            return;
        }
        qty = qt ? strtod(qt, &end) : 0;
        if (!qt || end == qt || *end) {
            page_error(r, 422, T(r, "quantity: a number above zero is required."));
            return;
        }
    }
    const char *why;
    MatchStatus st = match_decide(r->db, r->auth.login, run_id, pid, action, resource, qty, &why);
    switch (st) {
    case MATCH_OK:
        req_redirect(r, arena_printf(r->arena, "/match?scope=%s&year=%lld&run=%lld&done=decided#p%lld",
                                     code, (long long)year, (long long)run_id, (long long)pid));
        return;
    case MATCH_NOT_FOUND: req_not_found(r); return;
    case MATCH_INVALID: page_error(r, 422, T(r, why)); return;
    case MATCH_CONFLICT: page_error(r, 409, T(r, why)); return;
    default: page_error(r, 503, T(r, "The service is busy. Please try again.")); return;
    }
}
