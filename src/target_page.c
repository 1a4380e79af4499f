/* target_page.c — the pages of targets (target.h): /targets, the plan's targets
 * for one unit grouped by phase with their status, and /timeline, the plan's
 * phases and quarterly milestones. Plain tables, no JavaScript, phone width. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "core/period.h"
#include "core/util.h"
#include "org.h"
#include "target.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* The unit of a target in the request's language (the plan's units). */
static const char *unit_label(Req *r, const char *u)
{
    if (!u) return "";
    if (!strcmp(u, "%")) return "%";
    if (!strcmp(u, "hours")) return T(r, "hours");
    if (!strcmp(u, "projects")) return T(r, "projects");
    if (!strcmp(u, "points")) return T(r, "points");
    if (!strcmp(u, "places")) return T(r, "places");
    if (!strcmp(u, "yuan")) return T(r, "yuan");
    if (!strcmp(u, "courses")) return T(r, "courses");
    if (!strcmp(u, "events")) return T(r, "events");
    if (!strcmp(u, "people")) return T(r, "people");
    if (!strcmp(u, "schools")) return T(r, "schools");
    if (!strcmp(u, "enterprises")) return T(r, "enterprises");
    if (!strcmp(u, "communities")) return T(r, "communities");
    if (!strcmp(u, "packs")) return T(r, "packs");
    if (!strcmp(u, "days")) return T(r, "days");
    return u;
}

/* A value with its unit ("34.5%", "200 courses"), owned by r's arena. Whole
 * numbers lose their decimals; others keep one (two below 10). */
static const char *amount(Req *r, double v, const char *unit)
{
    char num[48];
    if (fabs(v - round(v)) < 0.005) snprintf(num, sizeof num, "%.0f", v);
    else if (fabs(v) < 10) snprintf(num, sizeof num, "%.2f", v);
    else snprintf(num, sizeof num, "%.1f", v);
    if (!strcmp(num, "-0")) snprintf(num, sizeof num, "0");
    if (fabs(v) >= 10000) { /* 500,000,000: thousands grouped */
        char g[64];
        const char *p = num;
        size_t o = 0, digits = strcspn(num[0] == '-' ? num + 1 : num, ".");
        if (*p == '-') g[o++] = *p++;
        for (size_t i = 0; i < digits; i++) {
            if (i && (digits - i) % 3 == 0) g[o++] = ',';
            g[o++] = *p++;
        }
        snprintf(g + o, sizeof g - o, "%s", p);
        snprintf(num, sizeof num, "%s", g);
    }
    const char *u = unit_label(r, unit);
    if (!*u) return arena_strdup(r->arena, num);
    return arena_printf(r->arena, "%s%s%s", num, !strcmp(unit, "%") ? "" : " ", u);
}

/* The deadline in words: a period as written, or "every year" / "at all times". */
static const char *deadline(Req *r, const char *p)
{
    if (!p) return "";
    if (!strcmp(p, "yearly")) return T(r, "every year");
    if (!strcmp(p, "always")) return T(r, "at all times");
    return p;
}

/* The organisation named by ?scope= or the caller's top unit, when readable;
 * otherwise a 404 page has been sent and 0 is returned. */
static int page_scope(Req *r, Org *o)
{
    const char *code = req_query(r, "scope");
    if (!code || !*code) {
        const Grant *g = target_top_grant(r, CAP_DATA_READ);
        code = g ? g->org_code : NULL;
    }
    int f = code && valid_code(code) ? org_load(r->db, r->arena, code, o) : 0;
    if (f != 1 || !can(r, CAP_DATA_READ, o->path)) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

/* <option>s for a select: values[i] labelled by labels[i] (message ids). */
static void options(Req *r, const char *const *values, const char *const *labels, int n,
                    const char *current)
{
    hf(r, "<option value=\"\">%s</option>", T(r, "All"));
    for (int i = 0; i < n; i++)
        hf(r, "<option value=\"%s\"%s>%s</option>", values[i],
           current && !strcmp(current, values[i]) ? " selected" : "", T(r, labels[i]));
}

static const char *const phase_ids[] = {"base", "deepening", "consolidation"};
static const char *const phase_labels[] = {"Base period (2024)", "Deepening (2025–2026)",
                                           "Consolidation (2027–2028)"};
static const char *const status_ids[] = {"on_track", "at_risk", "off_track", "no_data"};
static const char *const status_labels[] = {"On track", "At risk", "Off track", "No data"};

/* The description of the figure a target is measured by, under its name. */
static void target_cell(Req *r, const Target *t)
{
    hf(r, "<td><b>%s</b><br><span class=kv>", target_name(r, t));
    if (t->has_baseline)
        hf(r, "%s (%s) → ", amount(r, t->baseline, t->unit), t->baseline_period);
    if (t->has_target)
        hf(r, "%s%s (%s)", !strcmp(t->direction, "min") ? "≥ " : !strcmp(t->direction, "max") ? "≤ " : "",
           amount(r, t->target, t->unit), deadline(r, t->target_period));
    else
        hf(r, "%s", T(r, "no target value set"));
    H(r, "</span>");
    if (t->gain)
        hf(r, "<br><span class=kv>%s</span>",
           T(r, t->gain > 0 ? "counted as the increase since the baseline year"
                            : "counted as places gained since the baseline year"));
    H(r, "</td>");
}

/* Actual and expected cells. */
static void figure_cells(Req *r, const Target *t, const TargetEval *ev)
{
    const char *la = T(r, "Actual"), *le = T(r, "Expected now");
    if (ev->has_actual)
        hf(r, "<td data-n data-label=\"%s\">%s%s <span class=kv>(%s)</span></td>", la,
           t->gain && ev->actual > 0 ? "+" : "", amount(r, ev->actual, t->unit), ev->period);
    else if (!t->indicator_id)
        hf(r, "<td class=nodata data-label=\"%s\">%s</td>", la,
           T(r, "not measured by an indicator"));
    else
        hf(r, "<td class=nodata data-label=\"%s\">%s</td>", la, T(r, "No data"));
    if (t->has_target)
        hf(r, "<td data-n data-label=\"%s\">%s</td>", le, amount(r, ev->expected, t->unit));
    else
        hf(r, "<td class=nodata data-label=\"%s\">–</td>", le);
}

void target_page_index(Req *r)
{
    Org o;
    if (!page_scope(r, &o)) return;
    const char *phase = req_query(r, "phase"), *st = req_query(r, "status");
    if (phase && !*phase) phase = NULL;
    if (st && !*st) st = NULL;
    int want = st ? status_from_name(st) : -2;
    int phase_ok = !phase;
    for (int i = 0; phase && i < 3; i++) phase_ok |= !strcmp(phase, phase_ids[i]);
    if (!phase_ok || want == -1) {
        page_error(r, 400, T(r, "Unknown phase or status in the filter."));
        return;
    }
    Target *all;
    int n = targets_load_for(r->db, r->arena, o.path, &all);
    if (n < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    int today = target_today_month();
    TargetEval *ev = arena_alloc(r->arena, sizeof *ev * (size_t)(n + 1));
    int counts[4] = {0};
    for (int i = 0; i < n; i++) {
        if (target_evaluate_full(r->db, r->arena, &all[i], o.id, today, NULL, &ev[i])) {
            page_error(r, 503, T(r, "The service is busy. Please try again."));
            return;
        }
        if (!phase || !strcmp(all[i].phase, phase)) counts[ev[i].status]++;
    }
    const char *uname = org_name(r, &o);
    page_begin(r, T(r, "Targets"));
    hf(r, "<h1>%s · %s</h1>", T(r, "Targets"), uname);
    hf(r,
       "<p class=lead>%s</p><p class=actions><a href=\"/timeline?scope=%s\">%s</a> "
       "<a href=\"/orgs/%s\">%s</a></p>",
       T(r, "The plan's targets that apply to this unit, with the figure reported here and the "
            "value the plan's trajectory asks for today."),
       url_encode(r->arena, o.code), T(r, "Plan timeline"), url_encode(r->arena, o.code),
       T(r, "Organisation page"));
    /* filters: a plain GET form */
    H(r, "<form class=filters method=get action=\"/targets\">");
    hf(r, "<label>%s<input name=scope value=\"%s\" size=12 inputmode=numeric></label>",
       T(r, "Unit code"), o.code);
    hf(r, "<label>%s<select name=phase>", T(r, "Phase"));
    options(r, phase_ids, phase_labels, 3, phase);
    hf(r, "</select></label><label>%s<select name=status>", T(r, "Status"));
    options(r, status_ids, status_labels, 4, st);
    hf(r, "</select></label><button>%s</button></form>", T(r, "Show"));
    /* drill-down: the unit above (when readable) and the units below */
    Org up;
    int has_up = o.parent_code && org_load(r->db, r->arena, o.parent_code, &up) == 1 &&
                 can(r, CAP_DATA_READ, up.path);
    DbStmt *ch = db_q(r->db,
                      "SELECT code, name_zh, name_en FROM orgs WHERE parent_id = ? AND"
                      " kind <> 'partner' AND active = 1 ORDER BY code LIMIT 300",
                      "i", o.id);
    int nch = 0;
    while (ch && db_step(ch) == DB_ROW) {
        const char *zh = db_col_text(ch, 1), *en = db_col_text(ch, 2);
        if (!nch++)
            hf(r, "<details class=units><summary>%s</summary><ul class=sections>",
               T(r, "Units below"));
        hf(r, "<li><a href=\"/targets?scope=%s\">%s</a></li>",
           url_encode(r->arena, db_col_text(ch, 0)),
           !strcmp(r->lang, "en") && en && *en ? en : zh);
    }
    db_done(ch);
    if (nch) H(r, "</ul></details>");
    if (has_up)
        hf(r, "<p class=crumbs>↑ <a href=\"/targets?scope=%s\">%s</a></p>",
           url_encode(r->arena, up.code), org_name(r, &up));
    /* the counts by status */
    H(r, "<ul class=stats>");
    for (int s = 1; s <= 4; s++) {
        TargetStatus ts = (TargetStatus)(s % 4);
        hf(r, "<li class=\"st-%s\"><b>%d</b>", status_name(ts), counts[ts]);
        target_status_html(r, ts);
        H(r, "</li>");
    }
    H(r, "</ul>");
    int shown = 0;
    for (int p = 0; p < 3; p++) {
        if (phase && strcmp(phase, phase_ids[p])) continue;
        int open = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(all[i].phase, phase_ids[p])) continue;
            if (want >= 0 && (int)ev[i].status != want) continue;
            if (!open) {
                hf(r,
                   "<h2>%s</h2><div class=scroll><table class=stack><thead><tr><th>%s</th><th>%s</th>"
                   "<th>%s</th><th>%s</th></tr></thead><tbody>",
                   T(r, phase_labels[p]), T(r, "Target (baseline → target)"), T(r, "Actual"),
                   T(r, "Expected now"), T(r, "Status"));
                open = 1;
            }
            hf(r, "<tr id=\"t-%s\">", all[i].code);
            target_cell(r, &all[i]);
            figure_cells(r, &all[i], &ev[i]);
            hf(r, "<td data-label=\"%s\">", T(r, "Status"));
            target_status_html(r, ev[i].status);
            H(r, "</td></tr>");
            shown++;
        }
        if (open) H(r, "</tbody></table></div>");
    }
    if (!shown) hf(r, "<p class=empty>%s</p>", T(r, "Nothing found."));
    hf(r, "<p class=kv>%s <a href=\"/api/v1/targets?scope=%s\">/api/v1/targets</a></p>",
       T(r, "The same list as JSON:"), url_encode(r->arena, o.code));
    page_end(r);
}

/* ---- timeline ----------------------------------------------------------------- */

enum { PLAN_FIRST = 2024 * 12, PLAN_LAST = 2028 * 12 + 11 };

/* The message id of a milestone state. */
static const char *milestone_label(const char *m)
{
    return !strcmp(m, "done") ? "Done" : !strcmp(m, "late") ? "Late" : "Upcoming";
}

void timeline_page(Req *r)
{
    Org o;
    if (!page_scope(r, &o)) return;
    Target *all;
    int n = targets_load_for(r->db, r->arena, o.path, &all);
    if (n < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    int today = target_today_month();
    /* the milestones: targets with a dated deadline, by the quarter it ends in */
    int *quarter = arena_alloc(r->arena, sizeof *quarter * (size_t)(n + 1));
    TargetEval *ev = arena_alloc(r->arena, sizeof *ev * (size_t)(n + 1));
    int done = 0, late = 0, upcoming = 0;
    for (int i = 0; i < n; i++) {
        Period d;
        quarter[i] = -1;
        if (!all[i].target_period || !period_parse(all[i].target_period, &d)) continue;
        quarter[i] = period_quarter_of(d.last).first;
        if (target_evaluate_full(r->db, r->arena, &all[i], o.id, today, NULL, &ev[i])) {
            page_error(r, 503, T(r, "The service is busy. Please try again."));
            return;
        }
        const char *m = target_milestone(&all[i], &ev[i], today);
        done += !strcmp(m, "done");
        late += !strcmp(m, "late");
        upcoming += !strcmp(m, "upcoming");
    }
    page_begin(r, T(r, "Plan timeline"));
    hf(r, "<h1>%s · %s</h1>", T(r, "Plan timeline"), org_name(r, &o));
    char today_s[12];
    Period tm = period_month(today);
    period_format(&tm, today_s, sizeof today_s);
    int into = today < PLAN_FIRST ? 0 : today > PLAN_LAST ? PLAN_LAST - PLAN_FIRST + 1
                                                         : today - PLAN_FIRST + 1;
    const char *now_phase = target_phase_of(NULL, today);
    hf(r, "<p class=lead>%s <b>%s</b> · %s: %s · %s %d / %d</p>", T(r, "Today:"), today_s,
       T(r, "phase"), T(r, target_phase_label(now_phase)), T(r, "month of the plan"), into,
       PLAN_LAST - PLAN_FIRST + 1);
    hf(r, "<p><progress max=%d value=%d>%d / %d</progress></p>", PLAN_LAST - PLAN_FIRST + 1,
       into, into, PLAN_LAST - PLAN_FIRST + 1);
    hf(r, "<p class=actions><a href=\"/targets?scope=%s\">%s</a></p>",
       url_encode(r->arena, o.code), T(r, "All targets with their status"));
    /* the phases */
    hf(r,
       "<h2>%s</h2><div class=scroll><table><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
       "</tr></thead><tbody>",
       T(r, "Phases"), T(r, "Phase"), T(r, "Years"), T(r, "Now"));
    static const int first_year[] = {2024, 2025, 2027}, last_year[] = {2024, 2026, 2028};
    for (int p = 0; p < 3; p++) {
        int y = today / 12;
        const char *state = y > last_year[p]   ? "Completed"
                            : y < first_year[p] ? "Not started"
                                                : "Under way";
        hf(r, "<tr%s><td>%s</td><td>", y >= first_year[p] && y <= last_year[p] ? " class=now" : "",
           T(r, phase_labels[p]));
        if (first_year[p] == last_year[p]) hf(r, "%d", first_year[p]);
        else hf(r, "%d–%d", first_year[p], last_year[p]);
        hf(r, "</td><td>%s</td></tr>", T(r, state));
    }
    H(r, "</tbody></table></div>");
    /* the quarters */
    hf(r, "<h2>%s</h2>", T(r, "Quarterly milestones"));
    hf(r, "<ul class=stats><li><b>%d</b>%s</li><li><b>%d</b>%s</li><li><b>%d</b>%s</li></ul>",
       done, T(r, "Done"), late, T(r, "Late"), upcoming, T(r, "Upcoming"));
    hf(r,
       "<div class=scroll><table class=timeline><thead><tr><th>%s</th><th>%s</th></tr></thead>"
       "<tbody>",
       T(r, "Quarter"), T(r, "Milestones due"));
    int today_q = period_quarter_of(today).first;
    int first_q = today_q < PLAN_FIRST ? today_q : PLAN_FIRST;
    int last_q = today_q > PLAN_LAST - 2 ? today_q : PLAN_LAST - 2;
    for (int i = 0; i < n; i++) {
        if (quarter[i] >= 0 && quarter[i] < first_q) first_q = quarter[i];
        if (quarter[i] > last_q) last_q = quarter[i];
    }
    for (int q = first_q; q <= last_q; q += 3) {
        Period qp = period_quarter_of(q);
        char qs[12];
        period_format(&qp, qs, sizeof qs);
        int is_now = q == today_q;
        hf(r, "<tr%s id=\"q-%s\"><th scope=row>%s", is_now ? " class=now" : "", qs, qs);
        if (is_now) hf(r, "<br><span class=\"today\">◆ %s %s</span>", T(r, "Today"), today_s);
        H(r, "</th><td>");
        int any = 0;
        for (int i = 0; i < n; i++) {
            if (quarter[i] != q) continue;
            const char *m = target_milestone(&all[i], &ev[i], today);
            hf(r, "<div class=\"milestone ms-%s\"><span class=\"status ms-%s\">"
                  "<span aria-hidden=true>%s</span> %s</span> %s — %s",
               m, m, !strcmp(m, "done") ? "✓" : !strcmp(m, "late") ? "✗" : "…",
               T(r, milestone_label(m)), target_name(r, &all[i]),
               all[i].has_target ? amount(r, all[i].target, all[i].unit) : "");
            if (ev[i].has_actual)
                hf(r, " <span class=kv>(%s %s, %s)</span>", T(r, "now"),
                   amount(r, ev[i].actual, all[i].unit), ev[i].period);
            else if (!strcmp(m, "late"))
                hf(r, " <span class=kv>(%s)</span>", T(r, "no figure reported"));
            H(r, "</div>");
            any = 1;
        }
        if (!any) H(r, "<span class=nodata>–</span>");
        H(r, "</td></tr>");
    }
    H(r, "</tbody></table></div>");
    hf(r, "<p class=kv>%s</p>",
       T(r, "Done: the latest figure reaches the target. Late: the deadline has passed and the "
            "target is not reached. Upcoming: the deadline is still ahead. Targets due every "
            "year or at all times are on the targets page."));
    page_end(r);
}

/* Never called: names for xgettext (keyword T) the message ids that reach T()
 * through a variable on these pages. */
__attribute__((unused)) static void page_msgids(Req *r)
{
    T(r, "counted as the increase since the baseline year");
    T(r, "counted as places gained since the baseline year");
    T(r, "Done"), T(r, "Late"), T(r, "Upcoming");
    T(r, "Completed"), T(r, "Not started"), T(r, "Under way");
}
