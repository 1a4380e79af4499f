/* dashboard.c — the plan dashboards of the region, a prefecture or a county:
 *   GET /dashboard                the caller's top unit (a school: its portrait)
 *   GET /dashboard/{code}         a unit in the caller's data.read reach (else 404)
 *   GET /dashboard/{code}.xlsx    every table of the page as a workbook
 *   GET /api/v1/dashboard/{code}  the same figures as JSON
 * each with ?period= (a year, quarter or month; default: as of today).
 *
 * A dashboard shows every plan target that applies to the unit (scoped at it or
 * above) measured at the unit — actual against target and the trajectory's
 * expected value, with a status — and the unit's children (prefectures of the
 * region, counties of a prefecture, schools of a county) ranked by how far they
 * lag on the key indicators, with drill-down links.
 *
 * Cost: one evaluation per target and one value_read() per child and key
 * indicator — never a loop over the schools below a region or prefecture. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The indicators the children are ranked by. */
static const char *const KEYS[] = {"arts_teacher_gap", "family_guidance_coverage",
                                   "parent_participation_rate", "dropout_rate"};
enum { NKEYS = 4, MAX_ANC = 6, LAG_TOP = 10, LAG_FOLD = 15 };

typedef struct KeyInd {
    int have;                /* the indicator exists */
    Indicator ind, num, den; /* num and den: a ratio's parts (loaded once) */
    const Target *target;    /* the plan target it is judged against (may be NULL) */
    char period[12];         /* the period the children are compared over */
    Period per;
    int month; /* the trajectory's month */
    double expected;
    int has_expected;
} KeyInd;

typedef struct ChildFig {
    int has;
    double value, shortfall; /* shortfall > 0: behind the trajectory */
    TargetStatus st;
} ChildFig;

typedef struct Child {
    Org o;
    ChildFig f[NKEYS];
    int off, risk;
    double score;
} Child;

typedef struct Dash {
    Org unit;
    Org anc[MAX_ANC];
    int nanc;
    int today;          /* the month of "now" (the end of ?period= when given) */
    const char *period; /* ?period= in canonical form, or NULL */
    char as_of[12];
    Target *targets;
    TargetEval *evals;
    int ntargets;
    int counts[4];  /* measured targets by TargetStatus */
    int unmeasured; /* targets with no indicator (or no target value) */
    KeyInd keys[NKEYS];
    Child *kids;
    int nkids;
} Dash;

/* ---- gathering ------------------------------------------------------------------ */

/* The plan target an indicator is judged by: the first (in plan order) whose
 * deadline has not passed, else the last one; only targets of its own value. */
static const Target *key_target(const Dash *d, const char *code)
{
    const Target *last = NULL;
    for (int i = 0; i < d->ntargets; i++) {
        const Target *t = &d->targets[i];
        if (!t->indicator_code || strcmp(t->indicator_code, code) || !t->has_target || t->gain)
            continue;
        Period p;
        if (t->target_period && period_parse(t->target_period, &p) && p.last >= d->today) return t;
        last = t;
    }
    return last;
}

/* Whether a target is measured by one of the platform's indicators. */
static int measured(const Target *t)
{
    return t->indicator_id && t->has_target;
}

static const TargetEval *eval_of(const Dash *d, const Target *t)
{
    return t ? &d->evals[t - d->targets] : NULL;
}

/* How far behind the trajectory a value is (> 0 behind), in the target's own
 * terms, and the same scaled by the target's whole span for ranking. */
static double shortfall_of(const Target *t, double value, double expected)
{
    int down = !strcmp(t->direction, "down") || !strcmp(t->direction, "max");
    return down ? value - expected : expected - value;
}

static double span_of(const Target *t)
{
    double s = t->has_baseline ? fabs(t->target - t->baseline) : fabs(t->target);
    return s > 1e-9 ? s : 1;
}

/* The children of the unit that have dashboards or portraits. -1 on error. */
static int load_children(Req *r, Dash *d)
{
    int64_t n = 0;
    if (db_int(r->db, &n, "SELECT count(*) FROM orgs WHERE parent_id = ? AND active = 1", "i",
               d->unit.id) < 0)
        return -1;
    d->kids = arena_alloc(r->arena, sizeof *d->kids * (size_t)(n + 1));
    DbStmt *s = db_q(r->db,
                     "SELECT id, code, path, kind, name_zh, name_en FROM orgs"
                     " WHERE parent_id = ? AND active = 1"
                     " AND kind IN ('prefecture', 'county', 'school') ORDER BY code",
                     "i", d->unit.id);
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW && d->nkids < n) {
        Org *o = &d->kids[d->nkids++].o;
        o->id = db_col_int(s, 0);
        o->code = arena_strdup(r->arena, db_col_text(s, 1));
        o->path = arena_strdup(r->arena, db_col_text(s, 2));
        o->kind = arena_strdup(r->arena, db_col_text(s, 3));
        o->name_zh = arena_strdup(r->arena, db_col_text(s, 4));
        o->name_en = arena_strdup(r->arena, db_col_text(s, 5));
        o->active = 1;
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

/* Reads the key figures of every child and ranks them. -1 on error. */
static int read_children(Req *r, Dash *d)
{
    for (int c = 0; c < d->nkids; c++) {
        Child *k = &d->kids[c];
        for (int i = 0; i < NKEYS; i++) {
            KeyInd *key = &d->keys[i];
            ChildFig *f = &k->f[i];
            if (!key->have) continue;
            Figure fig;
            if (figure_read(r->db, r->arena, &key->ind, key->ind.is_ratio ? &key->num : NULL,
                            key->ind.is_ratio ? &key->den : NULL, k->o.id, &key->per, &fig))
                return -1;
            f->has = fig.has;
            f->value = fig.value;
            /* key targets measure the value itself (key_target skips gain targets) */
            f->st = key->target && fig.has ? target_status(key->target, &fig, key->month, NULL)
                                           : STATUS_NO_DATA;
            if (f->has && key->target && key->has_expected) {
                f->shortfall = shortfall_of(key->target, f->value, key->expected);
                k->score += f->shortfall / span_of(key->target);
            }
            k->off += f->st == STATUS_OFF_TRACK;
            k->risk += f->st == STATUS_AT_RISK;
        }
    }
    return 0;
}

/* Worst first: more off-track, more at-risk, further behind, then by code. */
static int cmp_child(const void *a, const void *b)
{
    const Child *x = a, *y = b;
    if (x->off != y->off) return y->off - x->off;
    if (x->risk != y->risk) return y->risk - x->risk;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return strcmp(x->o.code, y->o.code);
}

/* Loads the dashboard of the unit with this code. A school's page redirects to
 * its portrait (to_xlsx: the portrait's workbook); the API evaluates it like any
 * unit (it has no children). 1 ready; 0 when a response has been sent (404,
 * redirect, 400, error). */
static int gather(Req *r, const char *code, Dash *d, int to_xlsx)
{
    memset(d, 0, sizeof *d);
    int today = target_today_month();
    Period pp;
    int hp = report_period_param(r, today, &pp);
    if (hp < 0) return 0;
    if (hp) {
        char buf[12];
        period_format(&pp, buf, sizeof buf);
        d->period = arena_strdup(r->arena, buf);
        d->today = pp.last < today ? pp.last : today;
    } else {
        d->today = today;
    }
    Period now = period_month(d->today);
    period_format(&now, d->as_of, sizeof d->as_of);
    int f = valid_code(code) ? org_load(r->db, r->arena, code, &d->unit) : 0;
    if (f < 0) goto fail;
    if (!f || !can(r, CAP_DATA_READ, d->unit.path) || !strcmp(d->unit.kind, "partner")) {
        req_not_found(r);
        return 0;
    }
    if (!strcmp(d->unit.kind, "school") && !req_is_api(r)) {
        req_redirect(r, arena_printf(r->arena,
                                     to_xlsx ? "/orgs/%s/portrait.xlsx" : "/orgs/%s/portrait",
                                     d->unit.code));
        return 0;
    }
    if ((d->nanc = org_ancestors(r, &d->unit, d->anc, MAX_ANC)) < 0) goto fail;
    if ((d->ntargets = targets_load_for(r->db, r->arena, d->unit.path, &d->targets)) < 0) goto fail;
    d->evals = arena_alloc(r->arena, sizeof *d->evals * (size_t)(d->ntargets + 1));
    for (int i = 0; i < d->ntargets; i++) {
        if (target_evaluate_full(r->db, r->arena, &d->targets[i], d->unit.id, d->today, d->period,
                                 &d->evals[i]))
            goto fail;
        if (!measured(&d->targets[i]))
            d->unmeasured++;
        else
            d->counts[(unsigned)d->evals[i].status < 4 ? d->evals[i].status : 0]++;
    }
    for (int i = 0; i < NKEYS; i++) {
        KeyInd *k = &d->keys[i];
        int fi = indicator_load(r->db, r->arena, KEYS[i], &k->ind);
        if (fi < 0) goto fail;
        if (!fi) continue;
        if (k->ind.is_ratio && (indicator_load_id(r->db, r->arena, k->ind.num_id, &k->num) != 1 ||
                                indicator_load_id(r->db, r->arena, k->ind.den_id, &k->den) != 1))
            goto fail;
        k->have = 1;
        k->target = key_target(d, KEYS[i]);
        const TargetEval *ev = eval_of(d, k->target);
        if (ev && ev->period[0]) {
            snprintf(k->period, sizeof k->period, "%s", ev->period);
            k->month = ev->month;
            k->expected = ev->expected;
            k->has_expected = 1;
        } else if (d->period) {
            snprintf(k->period, sizeof k->period, "%s", d->period);
        } else {
            Period y = period_year_of(d->today);
            period_format(&y, k->period, sizeof k->period);
        }
        period_parse(k->period, &k->per);
        if (!k->month) k->month = k->per.last < d->today ? k->per.last : d->today;
    }
    if (load_children(r, d) || read_children(r, d)) goto fail;
    qsort(d->kids, (size_t)d->nkids, sizeof *d->kids, cmp_child);
    return 1;
fail:
    req_error(r, 500, "internal", db_errmsg(r->db));
    return 0;
}

/* ---- tables ------------------------------------------------------------------------ */

/* Where a child's figures are looked at more closely. */
static const char *child_href(Req *r, const Org *o)
{
    return arena_printf(r->arena, strcmp(o->kind, "school") ? "/dashboard/%s" : "/orgs/%s/portrait",
                        o->code);
}

static const char *children_word(Req *r, const Dash *d)
{
    if (!strcmp(d->unit.kind, "region")) return T(r, "Prefectures");
    if (!strcmp(d->unit.kind, "prefecture")) return T(r, "Counties");
    return T(r, "Schools");
}

static Table *summary_table(Req *r, const Dash *d)
{
    Table *t = table_new(r->arena, "summary", T(r, "Plan targets by status"), 2, T(r, "Status"),
                         T(r, "Targets"));
    static const TargetStatus order[] = {STATUS_ON_TRACK, STATUS_AT_RISK, STATUS_OFF_TRACK,
                                         STATUS_NO_DATA};
    for (int i = 0; i < 4; i++) {
        Cell *c = table_row(r->arena, t);
        cell_status(r, &c[0], order[i]);
        cell_num(&c[1], d->counts[order[i]], 0, NULL);
    }
    Cell *c = table_row(r->arena, t);
    cell_text(&c[0], T(r, "Not measured by an indicator yet"));
    cell_num(&c[1], d->unmeasured, 0, NULL);
    return t;
}

static Table *targets_table(Req *r, const Dash *d)
{
    Table *t = table_new(
        r->arena, "targets",
        title_join(r, org_name(r, &d->unit), T(r, "plan targets measured by an indicator")), 9,
        T(r, "Target"), T(r, "Status"), T(r, "Actual"), T(r, "Expected now"), T(r, "Target value"),
        T(r, "Baseline"), T(r, "Period"), T(r, "Gap"), T(r, "Phase"));
    t->note = T(r, "Measured over the whole unit; expected is the straight line from the "
                   "baseline to the target, read at the end of the period.");
    for (int i = 0; i < d->ntargets; i++) {
        const Target *tg = &d->targets[i];
        if (!measured(tg)) continue;
        const TargetEval *ev = &d->evals[i];
        const char *sfx = unit_suffix(r, tg->unit);
        int dec = unit_decimals(tg->unit);
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], target_name(r, tg));
        cell_status(r, &c[1], ev->status);
        if (ev->has_actual) cell_num(&c[2], ev->actual, dec, sfx);
        cell_num(&c[3], ev->expected, dec, sfx);
        cell_num(&c[4], tg->target, dec,
                 arena_printf(r->arena, "%s (%s)", sfx, deadline_label(r, tg->target_period)));
        if (tg->has_baseline)
            cell_num(&c[5], tg->baseline, dec,
                     tg->baseline_period
                         ? arena_printf(r->arena, "%s (%s)", sfx, tg->baseline_period)
                         : sfx);
        if (ev->period[0]) cell_text(&c[6], ev->period);
        if (ev->has_actual)
            cell_text(&c[7], gap_text(r, tg->direction, ev->actual - ev->expected, tg->unit))->cls =
                "gap";
        cell_text(&c[8], T(r, target_phase_label(tg->phase)))->cls = "wide";
    }
    return t;
}

/* The plan's other targets: counted outside the indicators (projects, funds,
 * volunteers…), listed so that the dashboard shows every one. */
static Table *other_targets_table(Req *r, const Dash *d)
{
    Table *t =
        table_new(r->arena, "targets-other", T(r, "Plan targets not measured by an indicator yet"),
                  4, T(r, "Target"), T(r, "Target value"), T(r, "Baseline"), T(r, "Phase"));
    t->note = T(r, "Their progress is reported in the plan's timeline and projects.");
    for (int i = 0; i < d->ntargets; i++) {
        const Target *tg = &d->targets[i];
        if (measured(tg)) continue;
        const char *sfx = unit_suffix(r, tg->unit);
        int dec = unit_decimals(tg->unit);
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], target_name(r, tg));
        if (tg->has_target)
            cell_num(&c[1], tg->target, dec,
                     arena_printf(r->arena, "%s (%s)", sfx, deadline_label(r, tg->target_period)));
        if (tg->has_baseline)
            cell_num(&c[2], tg->baseline, dec,
                     tg->baseline_period
                         ? arena_printf(r->arena, "%s (%s)", sfx, tg->baseline_period)
                         : sfx);
        cell_text(&c[3], T(r, target_phase_label(tg->phase)))->cls = "wide";
    }
    return t;
}

/* The children ranked by how many key indicators are off track or at risk. */
static Table *lag_table(Req *r, const Dash *d, int limit, const char *id)
{
    Table *t =
        table_new(r->arena, id, title_join(r, children_word(r, d), T(r, "the units that lag most")),
                  3 + NKEYS, T(r, "Unit"), T(r, "Off track"), T(r, "At risk"), "", "", "", "");
    t->note = arena_printf(r->arena, "%s ✗ %s · ! %s · ✓ %s",
                           T(r, "Ranked by the key indicators off track, then at risk, then by "
                                "how far behind the plan they are."),
                           T(r, "Off track"), T(r, "At risk"), T(r, "On track"));
    for (int i = 0; i < NKEYS; i++)
        t->head[3 + i] = d->keys[i].have
                             ? paren(r, indicator_name(r, &d->keys[i].ind), d->keys[i].period)
                             : KEYS[i];
    for (int c = 0; c < d->nkids && c < limit; c++) {
        const Child *k = &d->kids[c];
        Cell *row = table_row(r->arena, t);
        cell_text(&row[0], org_name(r, &k->o))->href = child_href(r, &k->o);
        cell_num(&row[1], k->off, 0, NULL);
        cell_num(&row[2], k->risk, 0, NULL);
        for (int i = 0; i < NKEYS; i++) {
            if (!k->f[i].has) continue;
            const KeyInd *key = &d->keys[i];
            cell_num(&row[3 + i], k->f[i].value, unit_decimals(key->ind.unit),
                     unit_suffix(r, key->ind.unit));
            static const char *const marks[] = {"", "✓", "!", "✗"};
            row[3 + i].mark = k->f[i].st ? marks[k->f[i].st] : NULL;
            row[3 + i].cls = arena_printf(r->arena, "st-%s", target_status_name(k->f[i].st));
        }
    }
    return t;
}

/* One key indicator across the children, worst first (the first LAG_TOP). */
static Table *key_table(Req *r, const Dash *d, int i, int limit)
{
    const KeyInd *key = &d->keys[i];
    const char *iname = indicator_name(r, &key->ind);
    Table *t =
        table_new(r->arena, arena_printf(r->arena, "key-%s", KEYS[i]), paren(r, iname, key->period),
                  4, T(r, "Unit"), T(r, "Actual"), T(r, "Behind the plan by"), T(r, "Status"));
    if (key->target)
        t->note = arena_printf(
            r->arena, "%s: %s %s%s (%s); %s %s%s", target_name(r, key->target), T(r, "target"),
            fmt_num(r->arena, key->target->target, unit_decimals(key->ind.unit)),
            unit_suffix(r, key->ind.unit),
            key->target->target_period ? key->target->target_period : "", T(r, "expected now"),
            fmt_num(r->arena, key->expected, unit_decimals(key->ind.unit)),
            unit_suffix(r, key->ind.unit));
    /* worst first by shortfall; no data last */
    int *idx = arena_alloc(r->arena, sizeof *idx * (size_t)(d->nkids + 1)), n = 0;
    for (int c = 0; c < d->nkids; c++)
        idx[n++] = c;
    for (int a = 1; a < n; a++) { /* insertion sort: a few dozen rows */
        int v = idx[a], b = a - 1;
        const ChildFig *fv = &d->kids[v].f[i];
        while (b >= 0) {
            const ChildFig *fb = &d->kids[idx[b]].f[i];
            int worse = fv->has && (!fb->has || fv->shortfall > fb->shortfall);
            if (!worse) break;
            idx[b + 1] = idx[b];
            b--;
        }
        idx[b + 1] = v;
    }
    int dec = unit_decimals(key->ind.unit);
    const char *vs = strcmp(key->ind.unit, "%") ? "" : "%";
    for (int j = 0; j < n && j < limit; j++) {
        const Child *k = &d->kids[idx[j]];
        const ChildFig *f = &k->f[i];
        Cell *row = table_row(r->arena, t);
        cell_text(&row[0], org_name(r, &k->o))->href = child_href(r, &k->o);
        if (!f->has) {
            cell_status(r, &row[3], STATUS_NO_DATA);
            continue;
        }
        cell_num(&row[1], f->value, dec, vs);
        row[1].x = org_name(r, &k->o);
        row[1].series = iname;
        if (key->has_expected) {
            cell_num(&row[2], f->shortfall > 0 ? f->shortfall : 0, dec, vs);
            if (f->shortfall > 0) row[2].cls = "gap-bad";
        }
        cell_status(r, &row[3], f->st);
    }
    t->chart = "hbar";
    t->unit = unit_label(r, key->ind.unit);
    if (key->has_expected) {
        t->has_mark = 1;
        t->mark = key->expected;
        t->mark_label = T(r, "Expected now");
    }
    return t;
}

/* ---- the page ------------------------------------------------------------------------ */

static void period_form(Req *r, const Dash *d)
{
    hf(r,
       "<form method=get class=period-form action=\"/dashboard/%s\"><label>%s "
       "<select name=period><option value=\"\">%s</option>",
       d->unit.code, T(r, "As of"), T(r, "today"));
    int now = target_today_month();
    for (int y = now / 12; y >= REPORT_FIRST_YEAR; y--) {
        char v[16];
        snprintf(v, sizeof v, "%d", y);
        hf(r, "<option value=\"%s\"%s>%s</option>", v,
           d->period && !strcmp(d->period, v) ? " selected" : "", v);
    }
    hf(r, "</select></label><button>%s</button></form>", T(r, "Show"));
}

static void status_stats(Req *r, const Dash *d)
{
    static const TargetStatus order[] = {STATUS_ON_TRACK, STATUS_AT_RISK, STATUS_OFF_TRACK,
                                         STATUS_NO_DATA};
    hf(r, "<ul class=stats aria-label=\"%s\">", T(r, "Plan targets by status"));
    for (int i = 0; i < 4; i++) {
        hf(r, "<li class=\"st-%s\"><b>%d</b> ", target_status_name(order[i]), d->counts[order[i]]);
        target_status_html(r, order[i]);
        H(r, "</li>");
    }
    H(r, "</ul>");
    if (d->unmeasured)
        hf(r, "<p class=kv>%s <a href=\"#sec-other\">%s: %d</a></p>",
           T(r, "Counted over the targets measured by an indicator."), T(r, "Other plan targets"),
           d->unmeasured);
}

static void render_page(Req *r, const Dash *d)
{
    const char *name = org_name(r, &d->unit);
    page_begin(r, arena_printf(r->arena, "%s · %s", name, T(r, "Dashboard")));
    report_styles(r);
    report_crumbs(r, d->anc, d->nanc, &d->unit);
    hf(r, "<h1>%s <small>%s</small></h1>", name, T(r, "Plan dashboard"));
    hf(r, "<p class=kv>%s %s</p>", T(r, "Figures as of"), d->as_of);
    period_form(r, d);
    H(r, "<p class=actions>");
    hf(r, "<a href=\"/dashboard/%s.xlsx%s%s\" download>%s</a>", d->unit.code,
       d->period ? "?period=" : "", d->period ? d->period : "", T(r, "Export to Excel"));
    hf(r, "<a href=\"/timeline\">%s</a>", T(r, "The plan's timeline: phases and milestones"));
    hf(r, "<a href=\"/targets\">%s</a>", T(r, "Targets"));
    H(r, "</p>");
    status_stats(r, d);
    hf(r, "<section id=sec-targets><h2>%s</h2>", T(r, "Plan targets"));
    table_html(r, targets_table(r, d));
    H(r, "</section>");
    hf(r, "<section id=sec-lag><h2>%s</h2>", T(r, "Units that lag most"));
    if (!d->nkids) {
        hf(r, "<p class=empty>%s</p>", T(r, "This unit has no units below it."));
    } else {
        table_html(r, lag_table(r, d, d->nkids > LAG_FOLD ? LAG_TOP : d->nkids, "lag"));
        if (d->nkids > LAG_FOLD) {
            hf(r, "<details><summary>%s (%d)</summary>", T(r, "All units"), d->nkids);
            table_html(r, lag_table(r, d, d->nkids, "lag-all"));
            H(r, "</details>");
        }
        H(r, "<div class=grid2>");
        for (int i = 0; i < NKEYS; i++)
            if (d->keys[i].have) table_html(r, key_table(r, d, i, LAG_TOP));
        H(r, "</div>");
    }
    H(r, "</section>");
    progress_attention_section(r, &d->unit); /* lagging projects, overdue orders (progress.h) */
    if (d->unmeasured) {
        hf(r, "<section id=sec-other><h2>%s</h2>", T(r, "Other plan targets"));
        table_html(r, other_targets_table(r, d));
        H(r, "</section>");
    }
    charts_scripts(r);
    page_end(r);
}

/* The code of a path like "653121.xlsx": the code and 1, or NULL when the
 * suffix is absent. */
static const char *xlsx_code(Req *r, const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n > 5 && !strcmp(code + n - 5, ".xlsx")) return arena_strndup(r->arena, code, n - 5);
    return NULL;
}

static void render_xlsx(Req *r, const Dash *d)
{
    Book *b = book_new(r);
    Table **s1 = arena_alloc(r->arena, sizeof *s1 * 3);
    s1[0] = summary_table(r, d);
    s1[1] = targets_table(r, d);
    s1[2] = other_targets_table(r, d);
    book_sheet(b, T(r, "Plan targets"), s1, 3);
    if (d->nkids) {
        Table **s2 = arena_alloc(r->arena, sizeof *s2 * (1 + NKEYS));
        int n = 0;
        s2[n++] = lag_table(r, d, d->nkids, "lag");
        for (int i = 0; i < NKEYS; i++)
            if (d->keys[i].have) s2[n++] = key_table(r, d, i, d->nkids);
        book_sheet(b, T(r, "Units that lag most"), s2, n);
    }
    book_send(b,
              arena_printf(r->arena, "dashboard-%s-%s.xlsx", d->unit.code,
                           d->period ? d->period : d->as_of),
              arena_printf(r->arena, "%s-%s-%s.xlsx", org_name(r, &d->unit), T(r, "Dashboard"),
                           d->period ? d->period : d->as_of));
}

void dashboard_page(Req *r)
{
    const char *code = req_param(r, "code");
    const char *xc = xlsx_code(r, code);
    if (xc) { /* /dashboard/{code}.xlsx reaches here while the router ends a parameter at '/' */
        Dash d;
        if (gather(r, xc, &d, 1)) render_xlsx(r, &d);
        return;
    }
    if (!code) {
        const Grant *g = target_top_grant(r, CAP_DATA_READ);
        if (!g) {
            req_not_found(r);
            return;
        }
        if (!strcmp(g->org_kind, "partner")) {
            page_error(r, 404,
                       T(r, "Dashboards cover the region, prefectures and counties; "
                            "your account reaches none of them."));
            return;
        }
        code = g->org_code;
    }
    Dash d;
    if (gather(r, code, &d, 0)) render_page(r, &d);
}

void dashboard_xlsx(Req *r)
{
    const char *code = req_param(r, "code");
    const char *xc = xlsx_code(r, code);
    Dash d;
    if (gather(r, xc ? xc : code, &d, 1)) render_xlsx(r, &d);
}

/* ---- the API ---------------------------------------------------------------------------- */

static json_t *num_or_null(int has, double v)
{
    return has ? json_real(v) : json_null();
}

void dashboard_api(Req *r)
{
    Dash d;
    if (!gather(r, req_param(r, "code"), &d, 0)) return;
    json_t *j = json_object();
    json_object_set_new(j, "org",
                        json_pack("{s:s,s:s,s:s,s:s}", "code", d.unit.code, "name_zh",
                                  d.unit.name_zh, "name_en", d.unit.name_en ? d.unit.name_en : "",
                                  "kind", d.unit.kind));
    json_object_set_new(j, "as_of", json_string(d.as_of));
    json_object_set_new(j, "period", d.period ? json_string(d.period) : json_null());
    json_object_set_new(j, "summary",
                        json_pack("{s:i,s:i,s:i,s:i,s:i}", "on_track", d.counts[STATUS_ON_TRACK],
                                  "at_risk", d.counts[STATUS_AT_RISK], "off_track",
                                  d.counts[STATUS_OFF_TRACK], "no_data", d.counts[STATUS_NO_DATA],
                                  "not_measured", d.unmeasured));
    json_t *ts = json_array();
    for (int i = 0; i < d.ntargets; i++) {
        const TargetEval *ev = &d.evals[i];
        json_t *t = target_json(&d.targets[i], ev);
        json_object_set_new(t, "measured", json_boolean(measured(&d.targets[i])));
        /* the indicator's own figure for the period (for a gain target, not the gain) */
        json_object_set_new(t, "value", num_or_null(ev->has_actual, ev->current));
        json_object_set_new(t, "status_label", json_string(T(r, target_status_label(ev->status))));
        json_array_append_new(ts, t);
    }
    json_object_set_new(j, "targets", ts);
    json_t *keys = json_array();
    for (int i = 0; i < NKEYS; i++) {
        const KeyInd *k = &d.keys[i];
        if (!k->have) continue;
        json_array_append_new(
            keys,
            json_pack("{s:s,s:s,s:o,s:o,s:o}", "indicator", KEYS[i], "period", k->period, "target",
                      k->target ? json_string(k->target->code) : json_null(), "target_value",
                      num_or_null(k->target != NULL, k->target ? k->target->target : 0), "expected",
                      num_or_null(k->has_expected, k->expected)));
    }
    json_t *units = json_array();
    for (int c = 0; c < d.nkids; c++) {
        const Child *k = &d.kids[c];
        json_t *figs = json_object();
        for (int i = 0; i < NKEYS; i++) {
            if (!d.keys[i].have) continue;
            const ChildFig *f = &k->f[i];
            json_object_set_new(
                figs, KEYS[i],
                json_pack("{s:o,s:s,s:o}", "value", num_or_null(f->has, f->value), "status",
                          target_status_name(f->st), "shortfall",
                          num_or_null(f->has && d.keys[i].has_expected, f->shortfall)));
        }
        json_array_append_new(units, json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:o}", "rank",
                                               c + 1, "code", k->o.code, "name_zh", k->o.name_zh,
                                               "name_en", k->o.name_en ? k->o.name_en : "", "kind",
                                               k->o.kind, "link", child_href(r, &k->o), "off_track",
                                               k->off, "at_risk", k->risk, "figures", figs));
    }
    json_object_set_new(j, "lagging", json_pack("{s:o,s:o}", "keys", keys, "units", units));
    json_object_set_new(j, "attention", progress_attention_json(r, &d.unit)); /* progress.h */
    req_send_json(r, 200, j);
}
