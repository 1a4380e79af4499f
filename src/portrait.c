/* portrait.c — the school portrait (数字画像), GET /orgs/{code}/portrait, and
 * its Excel export, GET /orgs/{code}/portrait.xlsx (capability data.read
 * reaching the school; out of reach 404, like a school that does not exist).
 *
 * Four sections — teacher structure, academic quality, student development,
 * home–school–community — each with the current figure of its headline
 * indicators (every ratio, and every raw indicator that is not a ratio's part),
 * their history since 2023 (monthly series for monthly indicators) as a chart
 * and as a table, and the school beside its county, prefecture and region for
 * the same period; then the school's gaps against the plan's targets.
 *
 * Figures are read through value_read() only (a few indexed lookups each); the
 * page costs a few hundred of them. The page and the workbook are written from
 * the same tables (report.h). */
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "dashboard.h"
#include "indicator.h"
#include "org.h"
#include "progress.h"
#include "report.h"
#include "target.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "values.h"
#include "xlsx.h"

static const char *const SECTIONS[] = {"teachers", "academic", "students", "home_school"};
enum { NSECT = 4, MAX_ANC = 6, NCMP = 3, MAX_TABLES = 40 };

/* One headline indicator with its history. */
typedef struct Series {
    const Indicator *ind;
    const Indicator *num, *den; /* a ratio's parts, else NULL */
    int n;                      /* periods from REPORT_FIRST_YEAR to today */
    Period *per;
    char (*label)[12];
    Figure *fig;
    int cur, prev;    /* newest and the one before with data, -1 when none */
    Figure cmp[NCMP]; /* county, prefecture, region at the current period */
    int has_cmp;
    const Target *target; /* a plan target measuring this indicator's value */
} Series;

typedef struct Portrait {
    Org school;
    Org anc[MAX_ANC];
    int nanc;
    const Org *cmp_org[NCMP]; /* county, prefecture, region (NULL when missing) */
    Indicator *inds;
    int ninds;
    Series *ser;
    int nser;
    Target *targets;
    TargetEval *evals;
    int ntargets;
    int today;
} Portrait;

/* ---- gathering -------------------------------------------------------------- */

static const Indicator *ind_by_id(const Portrait *p, int64_t id)
{
    for (int i = 0; i < p->ninds; i++)
        if (p->inds[i].id == id) return &p->inds[i];
    return NULL;
}

/* Whether the indicator heads the portrait: a ratio, or a raw figure that is no
 * ratio's part. */
static int headline(const Portrait *p, const Indicator *ind)
{
    if (ind->is_ratio) return 1;
    for (int i = 0; i < p->ninds; i++)
        if (p->inds[i].num_id == ind->id || p->inds[i].den_id == ind->id) return 0;
    return 1;
}

/* The periods of the indicator's own kind from the first year up to today. */
static int history_periods(Arena *a, PeriodKind k, int today, Period **out)
{
    int first = REPORT_FIRST_YEAR * 12, n = 0;
    int step = k == PERIOD_MONTH ? 1 : k == PERIOD_QUARTER ? 3 : 12;
    Period *v = arena_alloc(a, sizeof *v * (size_t)((today - first) / step + 2));
    for (int m = first; m <= today; m += step)
        v[n++] = k == PERIOD_MONTH     ? period_month(m)
                 : k == PERIOD_QUARTER ? period_quarter_of(m)
                                       : period_year_of(m);
    *out = v;
    return n;
}

/* Reads one series; 0 or -1 on a database error. */
static int read_series(Req *r, Portrait *p, Series *s)
{
    s->n = history_periods(r->arena, s->ind->ptype, p->today, &s->per);
    s->label = arena_alloc(r->arena, sizeof *s->label * (size_t)s->n);
    s->fig = arena_alloc(r->arena, sizeof *s->fig * (size_t)s->n);
    s->cur = s->prev = -1;
    for (int i = 0; i < s->n; i++) {
        period_format(&s->per[i], s->label[i], sizeof s->label[i]);
        if (figure_read(r->db, r->arena, s->ind, s->num, s->den, p->school.id, &s->per[i],
                        &s->fig[i]))
            return -1;
        if (s->fig[i].has) {
            s->prev = s->cur;
            s->cur = i;
        }
    }
    /* the school beside its county, prefecture and region: ratios only (a count
     * of a whole county beside one school's says nothing) */
    if (s->ind->is_ratio && s->cur >= 0) {
        s->has_cmp = 1;
        for (int k = 0; k < NCMP; k++) {
            memset(&s->cmp[k], 0, sizeof s->cmp[k]);
            if (p->cmp_org[k] && figure_read(r->db, r->arena, s->ind, s->num, s->den,
                                             p->cmp_org[k]->id, &s->per[s->cur], &s->cmp[k]))
                return -1;
        }
    }
    return 0;
}

/* Loads everything the portrait shows. 1 ready; 0 when a response has been sent
 * (404, redirect or error). */
static int gather(Req *r, Portrait *p)
{
    memset(p, 0, sizeof *p);
    const char *code = req_param(r, "code");
    int f = valid_code(code) ? org_load(r->db, r->arena, code, &p->school) : 0;
    if (f < 0) goto fail;
    if (!f || !can(r, CAP_DATA_READ, p->school.path)) {
        req_not_found(r);
        return 0;
    }
    if (strcmp(p->school.kind, "school") != 0) {
        /* a unit above the schools has a dashboard instead; a partner its page */
        req_redirect(r,
                     arena_printf(r->arena,
                                  strcmp(p->school.kind, "partner") ? "/dashboard/%s" : "/orgs/%s",
                                  p->school.code));
        return 0;
    }
    p->today = target_today_month();
    if ((p->nanc = org_ancestors(r, &p->school, p->anc, MAX_ANC)) < 0) goto fail;
    for (int i = 0; i < p->nanc; i++) {
        const char *k = p->anc[i].kind;
        int slot = !strcmp(k, "county")       ? 0
                   : !strcmp(k, "prefecture") ? 1
                   : !strcmp(k, "region")     ? 2
                                              : -1;
        if (slot >= 0) p->cmp_org[slot] = &p->anc[i];
    }
    if ((p->ninds = indicators_all(r->db, r->arena, &p->inds)) < 0) goto fail;
    if ((p->ntargets = targets_load_for(r->db, r->arena, p->school.path, &p->targets)) < 0)
        goto fail;
    p->ser = arena_alloc(r->arena, sizeof *p->ser * (size_t)(p->ninds + 1));
    for (int c = 0; c < NSECT; c++) {
        for (int i = 0; i < p->ninds; i++) {
            const Indicator *ind = &p->inds[i];
            if (strcmp(ind->category, SECTIONS[c]) || !headline(p, ind)) continue;
            Series *s = &p->ser[p->nser++];
            s->ind = ind;
            s->num = ind->is_ratio ? ind_by_id(p, ind->num_id) : NULL;
            s->den = ind->is_ratio ? ind_by_id(p, ind->den_id) : NULL;
            for (int t = 0; t < p->ntargets && !s->target; t++)
                if (p->targets[t].indicator_id == ind->id && p->targets[t].has_target &&
                    !p->targets[t].gain)
                    s->target = &p->targets[t];
            if (read_series(r, p, s)) goto fail;
        }
    }
    p->evals = arena_alloc(r->arena, sizeof *p->evals * (size_t)(p->ntargets + 1));
    for (int t = 0; t < p->ntargets; t++) {
        if (!p->targets[t].indicator_id || !p->targets[t].has_target) continue;
        if (target_evaluate_full(r->db, r->arena, &p->targets[t], p->school.id, p->today, NULL,
                                 &p->evals[t]))
            goto fail;
    }
    return 1;
fail:
    req_error(r, 500, "internal", db_errmsg(r->db));
    return 0;
}

/* ---- tables ------------------------------------------------------------------- */

/* "%" keeps its sign beside the number; other units go into the heading. */
static const char *vsuffix(const Indicator *ind)
{
    return strcmp(ind->unit, "%") ? "" : "%";
}

static const char *with_unit(Req *r, const char *text, const char *unit)
{
    const char *u = unit_label(r, unit);
    return *u ? paren(r, text, u) : text;
}

/* The table of current figures of one section. */
static Table *current_table(Req *r, const Portrait *p, int sect)
{
    Table *t =
        table_new(r->arena, arena_printf(r->arena, "now-%s", SECTIONS[sect]),
                  title_join(r, T(r, category_label(SECTIONS[sect])), T(r, "current figures")), 5,
                  T(r, "Indicator"), T(r, "Current figure"), T(r, "Period"),
                  T(r, "Change from the period before"), T(r, "Numerator / denominator"));
    t->note = T(r, "The newest period with data; a ratio is its parts summed, never an average.");
    for (int i = 0; i < p->nser; i++) {
        const Series *s = &p->ser[i];
        if (strcmp(s->ind->category, SECTIONS[sect])) continue;
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], indicator_name(r, s->ind));
        if (s->cur < 0) continue;
        const Figure *f = &s->fig[s->cur];
        int d = unit_decimals(s->ind->unit);
        cell_num(&c[1], f->value, d, unit_suffix(r, s->ind->unit));
        cell_text(&c[2], s->label[s->cur]);
        if (s->prev >= 0) {
            cell_num(&c[3], f->value - s->fig[s->prev].value, d,
                     strcmp(s->ind->unit, "%") ? unit_suffix(r, s->ind->unit)
                                               : T(r, " percentage points"));
            c[3].show_sign = 1;
        }
        if (s->num && s->den)
            cell_text(&c[4], arena_printf(r->arena, "%s / %s", fmt_num(r->arena, f->num, 0),
                                          fmt_num(r->arena, f->den, 0)));
    }
    return t;
}

/* The history of one indicator: a row per year (monthly and quarterly figures as
 * a row per year with a column per month or quarter). */
static Table *history_table(Req *r, const Series *s)
{
    const Indicator *ind = s->ind;
    const char *name = indicator_name(r, ind);
    const char *title = title_join(r, name, T(r, "history"));
    const char *id = arena_printf(r->arena, "hist-%s", ind->code);
    const char *vs = vsuffix(ind);
    int d = unit_decimals(ind->unit);
    Table *t;
    if (ind->ptype == PERIOD_YEAR) {
        if (s->num && s->den)
            t = table_new(r->arena, id, title, 4, T(r, "Year"), with_unit(r, name, ind->unit),
                          with_unit(r, indicator_name(r, s->num), s->num->unit),
                          with_unit(r, indicator_name(r, s->den), s->den->unit));
        else
            t = table_new(r->arena, id, title, 2, T(r, "Year"), with_unit(r, name, ind->unit));
        for (int i = 0; i < s->n; i++) {
            Cell *c = table_row(r->arena, t);
            cell_text(&c[0], s->label[i]);
            if (!s->fig[i].has) continue;
            cell_num(&c[1], s->fig[i].value, d, vs);
            c[1].x = s->label[i];
            c[1].series = name;
            if (t->ncols == 4) {
                cell_num(&c[2], s->fig[i].num, 0, NULL);
                cell_num(&c[3], s->fig[i].den, 0, NULL);
            }
        }
    } else {
        int per_year = ind->ptype == PERIOD_MONTH ? 12 : 4;
        t = table_new(r->arena, id, title, per_year + 1, T(r, "Year"), "1", "2", "3", "4", "5", "6",
                      "7", "8", "9", "10", "11", "12");
        if (per_year == 4)
            for (int q = 0; q < 4; q++)
                t->head[q + 1] = arena_printf(r->arena, "Q%d", q + 1);
        t->note = ind->ptype == PERIOD_MONTH ? T(r, "One column per month.")
                                             : T(r, "One column per quarter.");
        Cell *c = NULL;
        for (int i = 0; i < s->n; i++) {
            int slot =
                ind->ptype == PERIOD_MONTH ? (s->per[i].first % 12) : (s->per[i].first % 12) / 3;
            if (!c || slot == 0) {
                c = table_row(r->arena, t);
                cell_text(&c[0], arena_printf(r->arena, "%d", s->per[i].year));
            }
            if (!s->fig[i].has) continue;
            cell_num(&c[slot + 1], s->fig[i].value, d, vs);
            c[slot + 1].x = s->label[i];
            c[slot + 1].series = name;
        }
    }
    t->chart = "line";
    t->unit = unit_label(r, ind->unit);
    if (s->target) {
        t->has_mark = 1;
        t->mark = s->target->target;
        t->mark_label = arena_printf(r->arena, "%s %s", T(r, "Target"),
                                     s->target->target_period ? s->target->target_period : "");
    }
    return t;
}

/* The school beside its county, prefecture and region, for a section's ratios. */
static Table *compare_table(Req *r, const Portrait *p, int sect)
{
    const char *names[NCMP];
    for (int k = 0; k < NCMP; k++)
        names[k] = p->cmp_org[k] ? org_name(r, p->cmp_org[k]) : "—";
    const char *sname = org_name(r, &p->school);
    Table *t = table_new(r->arena, arena_printf(r->arena, "cmp-%s", SECTIONS[sect]),
                         title_join(r, T(r, category_label(SECTIONS[sect])),
                                    T(r, "the school beside its county, prefecture and region")),
                         6, T(r, "Indicator"), T(r, "Period"), sname, names[0], names[1], names[2]);
    t->note = T(r, "The same indicator for the same period; a unit's figure covers all its "
                   "schools.");
    int charted = 0;
    for (int i = 0; i < p->nser; i++) {
        const Series *s = &p->ser[i];
        if (strcmp(s->ind->category, SECTIONS[sect]) || !s->ind->is_ratio) continue;
        Cell *c = table_row(r->arena, t);
        const char *iname = indicator_name(r, s->ind);
        cell_text(&c[0], with_unit(r, iname, s->ind->unit));
        if (!s->has_cmp) continue;
        int d = unit_decimals(s->ind->unit), pct = !strcmp(s->ind->unit, "%");
        cell_text(&c[1], s->label[s->cur]);
        cell_num(&c[2], s->fig[s->cur].value, d, vsuffix(s->ind));
        for (int k = 0; k < NCMP; k++)
            if (s->cmp[k].has) cell_num(&c[3 + k], s->cmp[k].value, d, vsuffix(s->ind));
        /* one chart of the percentages (other units would share an axis badly) */
        if (pct) {
            charted++;
            c[2].x = iname;
            c[2].series = sname;
            for (int k = 0; k < NCMP; k++) {
                c[3 + k].x = iname;
                c[3 + k].series = names[k];
            }
        }
    }
    if (charted) {
        t->chart = "hbar";
        t->unit = "%";
    }
    return t;
}

/* Who a target is meant for, in words. */
static const char *applies_label(Req *r, const char *a)
{
    if (a && !strcmp(a, "school")) return T(r, "each school");
    if (a && !strcmp(a, "county")) return T(r, "each county");
    if (a && !strcmp(a, "teacher")) return T(r, "each teacher");
    return T(r, "the region");
}

/* The school's gaps against the plan's targets. */
static Table *targets_table(Req *r, const Portrait *p)
{
    Table *t =
        table_new(r->arena, "targets", T(r, "Gaps against the plan's targets"), 9, T(r, "Target"),
                  T(r, "Status"), T(r, "Actual"), T(r, "Expected now"), T(r, "Target value"),
                  T(r, "Baseline"), T(r, "Period"), T(r, "Gap"), T(r, "Applies to"));
    t->note = T(r, "Measured at this school; expected is the straight line from the baseline to "
                   "the target, read today.");
    for (int i = 0; i < p->ntargets; i++) {
        const Target *tg = &p->targets[i];
        if (!tg->indicator_id || !tg->has_target) continue;
        const TargetEval *ev = &p->evals[i];
        const char *sfx = unit_suffix(r, tg->unit);
        int d = unit_decimals(tg->unit);
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], target_name(r, tg));
        cell_status(r, &c[1], ev->status);
        if (ev->has_actual) cell_num(&c[2], ev->actual, d, sfx);
        cell_num(&c[3], ev->expected, d, sfx);
        cell_num(&c[4], tg->target, d,
                 arena_printf(r->arena, "%s (%s)", sfx, deadline_label(r, tg->target_period)));
        if (tg->has_baseline)
            cell_num(&c[5], tg->baseline, d,
                     tg->baseline_period
                         ? arena_printf(r->arena, "%s (%s)", sfx, tg->baseline_period)
                         : sfx);
        if (ev->period[0]) cell_text(&c[6], ev->period);
        if (ev->has_actual)
            cell_text(&c[7], gap_text(r, tg->direction, ev->actual - ev->expected, tg->unit))->cls =
                "gap";
        cell_text(&c[8], applies_label(r, tg->applies_to));
    }
    return t;
}

/* All tables of one section, in page order: current, comparison, histories
 * (at most MAX_TABLES; out has room for them). */
static int section_tables(Req *r, const Portrait *p, int sect, Table **out)
{
    int n = 0;
    out[n++] = current_table(r, p, sect);
    out[n++] = compare_table(r, p, sect);
    for (int i = 0; i < p->nser && n < MAX_TABLES; i++)
        if (!strcmp(p->ser[i].ind->category, SECTIONS[sect]))
            out[n++] = history_table(r, &p->ser[i]);
    return n;
}

/* ---- the page ------------------------------------------------------------------ */

void portrait_page(Req *r)
{
    Portrait p;
    if (!gather(r, &p)) return;
    const char *name = org_name(r, &p.school);
    page_begin(r, arena_printf(r->arena, "%s · %s", name, T(r, "School portrait")));
    report_styles(r);
    report_crumbs(r, p.anc, p.nanc, &p.school);
    hf(r, "<h1>%s <small>%s</small></h1>", name, T(r, "School portrait"));
    hf(r, "<p class=kv>%s %s", T(r, "Code"), p.school.code);
    if (p.school.is_recipient)
        hf(r, " · <span class=\"tag recipient\">%s</span>", T(r, "Recipient school"));
    if (p.school.is_helper)
        hf(r, " · <span class=\"tag helper\">%s</span>", T(r, "Helping school"));
    H(r, "</p><p class=actions>");
    hf(r, "<a href=\"/orgs/%s/portrait.xlsx\" download>%s</a>", p.school.code,
       T(r, "Export to Excel"));
    if (p.cmp_org[0] && can(r, CAP_DATA_READ, p.cmp_org[0]->path))
        hf(r, "<a href=\"/dashboard/%s\">%s: %s</a>", p.cmp_org[0]->code, T(r, "Dashboard"),
           org_name(r, p.cmp_org[0]));
    if (can(r, CAP_ORG_READ, p.school.path))
        hf(r, "<a href=\"/orgs/%s\">%s</a>", p.school.code, T(r, "Organisation page"));
    if (can(r, CAP_DATA_WRITE, p.school.path))
        hf(r, "<a href=\"/orgs/%s/data\">%s</a>", p.school.code, T(r, "Enter data"));
    H(r, "</p>");
    hf(r, "<ul class=sections aria-label=\"%s\">", T(r, "Sections"));
    for (int c = 0; c < NSECT; c++)
        hf(r, "<li><a href=\"#sec-%s\">%s</a></li>", SECTIONS[c],
           T(r, category_label(SECTIONS[c])));
    hf(r, "<li><a href=\"#sec-targets\">%s</a></li></ul>", T(r, "Gaps against targets"));
    int any = 0;
    for (int i = 0; i < p.nser; i++)
        any |= p.ser[i].cur >= 0;
    if (!any) page_notice(r, "error", T(r, "No values have been entered for this school yet."));
    Table *tabs[MAX_TABLES];
    for (int c = 0; c < NSECT; c++) {
        int n = section_tables(r, &p, c, tabs);
        hf(r, "<section id=\"sec-%s\"><h2>%s</h2>", SECTIONS[c], T(r, category_label(SECTIONS[c])));
        table_html(r, tabs[0]);
        if (tabs[1]->nrows) table_html(r, tabs[1]);
        H(r, "<div class=grid2>");
        for (int i = 2; i < n; i++)
            table_html(r, tabs[i]);
        H(r, "</div></section>");
    }
    hf(r, "<section id=\"sec-targets\"><h2>%s</h2>", T(r, "Gaps against targets"));
    table_html(r, targets_table(r, &p));
    hf(r, "<p><a href=\"/timeline\">%s</a></p></section>", T(r, "The plan's timeline"));
    progress_attention_section(r, &p.school); /* the school's lagging projects (progress.h) */
    charts_scripts(r);
    page_end(r);
}

void portrait_xlsx(Req *r)
{
    Portrait p;
    if (!gather(r, &p)) return;
    Book *b = book_new(r);
    for (int c = 0; c < NSECT; c++) {
        Table **tabs = arena_alloc(r->arena, sizeof *tabs * MAX_TABLES);
        int n = section_tables(r, &p, c, tabs);
        book_sheet(b, T(r, category_label(SECTIONS[c])), tabs, n);
    }
    Table **tt = arena_alloc(r->arena, sizeof *tt);
    tt[0] = targets_table(r, &p);
    book_sheet(b, T(r, "Gaps against targets"), tt, 1);
    book_send(
        b, arena_printf(r->arena, "portrait-%s.xlsx", p.school.code),
        arena_printf(r->arena, "%s-%s.xlsx", org_name(r, &p.school), T(r, "School portrait")));
}
