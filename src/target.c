/* target.c — see target.h. Targets: loading, evaluation against the figures of
 * values.c, validation and saving, and the JSON API. The pure status rule is in
 * core/status.c, the plan template loader in plan.c, the pages in target_page.c. */
#include "target.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "audit.h"
#include "core/period.h"
#include "core/util.h"
#include "indicator.h"
#include "org.h"
#include "ui/html.h"
#include "ui/i18n.h"

/* ---- status, phases, today ---------------------------------------------------- */

const char *target_status_name(TargetStatus s) { return status_name(s); }
const char *target_status_label(TargetStatus s) { return status_label(s); }

void target_status_html(Req *r, TargetStatus s)
{
    static const char *const marks[] = {"–", "✓", "!", "✗"};
    hf(r, "<span class=\"status st-%s\"><span aria-hidden=true>%s</span> %s</span>",
       status_name(s), marks[(unsigned)s < 4 ? s : 0], T(r, status_label(s)));
}

const char *target_phase_label(const char *phase)
{
    if (phase && !strcmp(phase, "base")) return "Base period (2024)";
    if (phase && !strcmp(phase, "deepening")) return "Deepening (2025–2026)";
    if (phase && !strcmp(phase, "consolidation")) return "Consolidation (2027–2028)";
    return phase ? phase : "";
}

static const char *phase_of_year(int y)
{
    return y <= 2024 ? "base" : y <= 2026 ? "deepening" : "consolidation";
}

const char *target_phase_of(const char *target_period, int today_month)
{
    Period p;
    if (target_period && period_parse(target_period, &p)) return phase_of_year(p.year);
    return phase_of_year(today_month / 12);
}

int target_today_month(void)
{
    time_t t = (time_t)(now_s() + 8 * 3600); /* Asia/Shanghai, no daylight saving */
    struct tm tm;
    gmtime_r(&t, &tm);
    return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* The trajectory of a target for the pure rule. */
static Trajectory trajectory_of(const Target *t)
{
    Trajectory tr = {0};
    int ok;
    tr.dir = status_dir_from(t->direction, &ok);
    tr.has_target = t->has_target;
    tr.target = t->target;
    Period b, d;
    tr.has_baseline = t->has_baseline && t->baseline_period && period_parse(t->baseline_period, &b);
    tr.baseline = t->baseline;
    tr.baseline_month = tr.has_baseline ? b.last : 0;
    tr.deadline_month = t->target_period && period_parse(t->target_period, &d) ? d.last : -1;
    return tr;
}

TargetStatus target_status(const Target *t, const Figure *actual, int today_month,
                           double *expected)
{
    Trajectory tr = trajectory_of(t);
    return status_rule(&tr, actual && actual->has, actual ? actual->value : 0, today_month,
                       expected);
}

/* ---- loading ------------------------------------------------------------------ */

#define TARGET_COLS                                                                               \
    "t.id, t.code, t.name_zh, t.name_en, t.unit, t.kind, t.direction, t.phase, t.indicator_id,"   \
    " i.code, t.scope_org_id, o.code, o.path, t.baseline, t.baseline_period, t.target,"           \
    " t.target_period, t.applies_to, t.section, i.unit, i.direction, t.updated_at"
#define TARGET_FROM                                                                               \
    " FROM targets t JOIN orgs o ON o.id = t.scope_org_id"                                        \
    " LEFT JOIN indicators i ON i.id = t.indicator_id"
#define TARGET_ORDER                                                                              \
    " ORDER BY CASE t.phase WHEN 'base' THEN 1 WHEN 'deepening' THEN 2 ELSE 3 END, o.depth, t.id"

/* Whether a target counts points of increase (or places gained) rather than the
 * indicator's own value: its unit is "points" or "places" and differs from the
 * indicator's. */
static int gain_of(const char *tunit, const char *iunit, const char *idir)
{
    if (!iunit || !tunit || !strcmp(tunit, iunit)) return 0;
    if (strcmp(tunit, "points") && strcmp(tunit, "places")) return 0;
    return idir && !strcmp(idir, "down") ? -1 : 1;
}

static void target_row(DbStmt *s, Arena *a, Target *t)
{
    memset(t, 0, sizeof *t);
    t->id = db_col_int(s, 0);
    t->code = arena_strdup(a, db_col_text(s, 1));
    t->name_zh = arena_strdup(a, db_col_text(s, 2));
    t->name_en = arena_strdup(a, db_col_text(s, 3));
    t->unit = arena_strdup(a, db_col_text(s, 4));
    t->kind = arena_strdup(a, db_col_text(s, 5));
    t->direction = arena_strdup(a, db_col_text(s, 6));
    t->phase = arena_strdup(a, db_col_text(s, 7));
    t->indicator_id = db_col_int(s, 8);
    t->indicator_code = arena_strdup(a, db_col_text(s, 9));
    t->scope_org_id = db_col_int(s, 10);
    t->scope_code = arena_strdup(a, db_col_text(s, 11));
    t->scope_path = arena_strdup(a, db_col_text(s, 12));
    t->has_baseline = !db_col_is_null(s, 13);
    t->baseline = t->has_baseline ? db_col_double(s, 13) : 0;
    t->baseline_period = arena_strdup(a, db_col_text(s, 14));
    t->has_target = !db_col_is_null(s, 15);
    t->target = t->has_target ? db_col_double(s, 15) : 0;
    t->target_period = arena_strdup(a, db_col_text(s, 16));
    t->applies_to = arena_strdup(a, db_col_text(s, 17));
    t->section = arena_strdup(a, db_col_text(s, 18));
    t->gain = gain_of(t->unit, db_col_text(s, 19), db_col_text(s, 20));
    t->updated_at = db_col_int(s, 21);
}

/* Reads every row of s into a growing arena array. */
static int read_targets(DbStmt *s, Arena *a, Target **out)
{
    *out = NULL;
    if (!s) return -1;
    int n = 0, cap = 0, rc;
    Target *v = NULL;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            Target *nv = arena_alloc(a, sizeof *nv * (size_t)cap);
            if (n) memcpy(nv, v, sizeof *nv * (size_t)n);
            v = nv;
        }
        target_row(s, a, &v[n++]);
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    *out = v ? v : arena_alloc(a, sizeof *v);
    return n;
}

int targets_load(Db *db, Arena *a, Target **out)
{
    return read_targets(db_q(db, "SELECT " TARGET_COLS TARGET_FROM TARGET_ORDER, ""), a, out);
}

int targets_load_for(Db *db, Arena *a, const char *scope_path, Target **out)
{
    if (!scope_path) return targets_load(db, a, out);
    return read_targets(db_q(db,
                             "SELECT " TARGET_COLS TARGET_FROM
                             " WHERE substr(CAST(? AS TEXT), 1, length(o.path)) = o.path"
                             TARGET_ORDER,
                             "s", scope_path),
                        a, out);
}

int target_load(Db *db, Arena *a, const char *code, Target *out)
{
    DbStmt *s = db_q(db, "SELECT " TARGET_COLS TARGET_FROM " WHERE t.code = ?", "s", code);
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        target_row(s, a, out);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    return f;
}

const char *target_name(Req *r, const Target *t)
{
    if (!strcmp(r->lang, "en") && t->name_en && *t->name_en) return t->name_en;
    return t->name_zh;
}

const Grant *target_top_grant(Req *r, Cap c)
{
    const Grant *best = NULL;
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (!(role_caps(g->role) & CAPBIT(c))) continue;
        if (!best || strlen(g->org_path) < strlen(best->org_path)) best = g;
    }
    return best;
}

/* ---- evaluation --------------------------------------------------------------- */

/* Whether a raw indicator is a flow: summed over native periods shorter than a year. */
static int is_flow(const Indicator *ind)
{
    return !ind->is_ratio && ind->agg == AGG_SUM && ind->ptype != PERIOD_YEAR;
}

/* Whether the indicator's figure for a year keeps growing until the year is over,
 * so that a year still running would read too low: a flow, or a flow over a
 * stock (households reached this year / households). A flow over a flow (a share
 * of this year's activities) is fair at any time. 1, 0, or -1 on error. */
static int accumulates(Db *db, Arena *a, const Indicator *ind)
{
    if (!ind->is_ratio) return is_flow(ind);
    Indicator n, d;
    if (indicator_load_id(db, a, ind->num_id, &n) != 1 ||
        indicator_load_id(db, a, ind->den_id, &d) != 1)
        return -1;
    return is_flow(&n) && !is_flow(&d);
}

int target_evaluate_full(Db *db, Arena *a, const Target *t, int64_t org_id, int today_month,
                         const char *period, TargetEval *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->status = STATUS_NO_DATA;
    ev->month = today_month;
    Trajectory tr = trajectory_of(t);
    ev->expected = status_expected(&tr, today_month);
    if (!org_id) org_id = t->scope_org_id;
    if (!t->indicator_id || !t->has_target) return 0;
    Indicator ind;
    if (indicator_load_id(db, a, t->indicator_id, &ind) != 1) return -1;
    Figure fig;
    Period p;
    if (period) {
        if (!period_parse(period, &p)) return 0;
        if (value_read(db, a, &ind, org_id, &p, &fig)) return -1;
    } else {
        int acc = accumulates(db, a, &ind);
        if (acc < 0) return -1;
        /* the year of today, or the last complete one; a stock falls back to last year */
        p = period_year_of(today_month - (acc ? 12 : 0));
        if (value_read(db, a, &ind, org_id, &p, &fig)) return -1;
        if (!fig.has && !acc) {
            p = period_year_of(today_month - 12);
            if (value_read(db, a, &ind, org_id, &p, &fig)) return -1;
        }
    }
    if (fig.has) period_format(&p, ev->period, sizeof ev->period);
    ev->month = p.last < today_month ? p.last : today_month;
    int has = fig.has;
    double actual = fig.value;
    ev->current = fig.value;
    if (has && t->gain) {
        /* points of increase: compare with the indicator's own figure in the baseline period */
        Period bp;
        Figure base;
        has = 0;
        if (t->baseline_period && period_parse(t->baseline_period, &bp)) {
            if (value_read(db, a, &ind, org_id, &bp, &base)) return -1;
            if (base.has) {
                ev->has_base_value = 1;
                ev->base_value = base.value;
                actual = t->gain > 0 ? fig.value - base.value : base.value - fig.value;
                has = 1;
            }
        }
    }
    ev->has_actual = has;
    ev->actual = has ? actual : 0;
    ev->status = status_rule(&tr, has, actual, ev->month, &ev->expected);
    return 0;
}

TargetStatus target_evaluate(Db *db, Arena *a, const Target *t, int64_t org_id, int today_month,
                             Figure *fig, double *expected)
{
    TargetEval ev;
    int rc = target_evaluate_full(db, a, t, org_id, today_month, NULL, &ev);
    if (fig) {
        memset(fig, 0, sizeof *fig);
        fig->has = rc == 0 && ev.has_actual;
        fig->value = ev.actual;
        fig->num = ev.current;
        snprintf(fig->period, sizeof fig->period, "%s", ev.period);
    }
    if (expected) *expected = ev.expected;
    return rc ? STATUS_NO_DATA : ev.status;
}

int target_met(const Target *t, const TargetEval *ev)
{
    if (!ev->has_actual || !t->has_target) return 0;
    int lower = !strcmp(t->direction, "down") || !strcmp(t->direction, "max");
    return lower ? ev->actual <= t->target : ev->actual >= t->target;
}

const char *target_milestone(const Target *t, const TargetEval *ev, int today_month)
{
    if (target_met(t, ev)) return "done";
    Period d;
    if (t->target_period && period_parse(t->target_period, &d) && d.last < today_month)
        return "late";
    return "upcoming";
}

/* ---- JSON --------------------------------------------------------------------- */

static json_t *num_or_null(int has, double v) { return has ? json_real(v) : json_null(); }
static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

json_t *target_json(const Target *t, const TargetEval *ev)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", t->code,
                          "name_zh", t->name_zh, "name_en", t->name_en ? t->name_en : "", "unit",
                          t->unit ? t->unit : "", "kind", t->kind, "direction", t->direction,
                          "phase", t->phase, "scope", t->scope_code, "applies_to",
                          t->applies_to ? t->applies_to : "", "section",
                          t->section ? t->section : "");
    json_object_set_new(j, "indicator", str_or_null(t->indicator_code));
    json_object_set_new(j, "baseline", num_or_null(t->has_baseline, t->baseline));
    json_object_set_new(j, "baseline_period", str_or_null(t->baseline_period));
    json_object_set_new(j, "target", num_or_null(t->has_target, t->target));
    json_object_set_new(j, "target_period", str_or_null(t->target_period));
    json_object_set_new(j, "measure",
                        json_string(t->gain > 0   ? "gain"
                                    : t->gain < 0 ? "places_gained"
                                                  : "value"));
    if (ev) {
        json_object_set_new(j, "status", json_string(status_name(ev->status)));
        json_object_set_new(j, "actual", num_or_null(ev->has_actual, ev->actual));
        json_object_set_new(j, "expected", num_or_null(t->has_target, ev->expected));
        json_object_set_new(j, "period", str_or_null(ev->period));
        if (t->gain) {
            json_object_set_new(j, "current", num_or_null(ev->has_actual, ev->current));
            json_object_set_new(j, "baseline_value",
                                num_or_null(ev->has_base_value, ev->base_value));
        }
    }
    return j;
}

/* ---- checking and saving ------------------------------------------------------ */

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

static const char *const kinds[] = {"rate", "count", "money", "rule", NULL};
static const char *const directions[] = {"up", "down", "min", "max", NULL};
static const char *const phases[] = {"base", "deepening", "consolidation", NULL};
static const char *const applies[] = {"region", "prefecture", "county", "school", "teacher", NULL};

/* Whether s is a deadline: a period, "yearly" or "always". */
static int deadline_ok(const char *s)
{
    Period p;
    return s && (period_parse(s, &p) || !strcmp(s, "yearly") || !strcmp(s, "always"));
}

const char *target_check(TargetInput *in, int today_month, const char **field)
{
#define BAD(f, msg)                                                                               \
    do {                                                                                          \
        *field = f;                                                                               \
        return msg;                                                                               \
    } while (0)
    if (in->name_en && !*in->name_en) in->name_en = NULL;
    if (in->kind && !*in->kind) in->kind = NULL;
    if (in->phase && !*in->phase) in->phase = NULL;
    if (in->applies_to && !*in->applies_to) in->applies_to = NULL;
    if (!indicator_code_ok(in->code)) BAD("code", "must be 2 to 64 of a-z, 0-9 and '_'");
    if (!in->name_zh || !*in->name_zh || !valid_text(in->name_zh, 200))
        BAD("name_zh", "is required, at most 200 bytes, no control characters");
    if (in->name_en && !valid_text(in->name_en, 200))
        BAD("name_en", "must be at most 200 bytes, no control characters");
    if (in->unit && !valid_text(in->unit, 40))
        BAD("unit", "must be at most 40 bytes, no control characters");
    if (!in->kind) in->kind = in->unit && !strcmp(in->unit, "%") ? "rate" : "count";
    if (!in_list(kinds, in->kind)) BAD("kind", "must be rate, count, money or rule");
    if (!in_list(directions, in->direction)) BAD("direction", "must be up, down, min or max");
    if (in->has_target && !isfinite(in->target)) BAD("target", "must be a number");
    if (in->has_baseline && !isfinite(in->baseline)) BAD("baseline", "must be a number");
    if (in->target_period && !*in->target_period) in->target_period = NULL;
    if (in->baseline_period && !*in->baseline_period) in->baseline_period = NULL;
    if (in->target_period && !deadline_ok(in->target_period))
        BAD("target_period", "must be a period (2026, 2024Q2, 2025-06), yearly or always");
    if (in->has_target != (in->target_period != NULL))
        BAD(in->has_target ? "target_period" : "target",
            "target and target_period go together: give both or neither");
    Period bp, tp;
    if (in->baseline_period && !period_parse(in->baseline_period, &bp))
        BAD("baseline_period", "must be a period (2023, 2023Q4, 2023-12)");
    if (in->has_baseline != (in->baseline_period != NULL))
        BAD(in->has_baseline ? "baseline_period" : "baseline",
            "baseline and baseline_period go together: give both or neither");
    if (in->baseline_period && in->target_period && period_parse(in->target_period, &tp) &&
        bp.last > tp.last)
        BAD("baseline_period", "must not end after target_period");
    if (in->has_baseline && in->has_target && !strcmp(in->direction, "up") &&
        in->target < in->baseline)
        BAD("target", "must not be below the baseline when higher is better (direction up)");
    if (in->has_baseline && in->has_target && !strcmp(in->direction, "down") &&
        in->target > in->baseline)
        BAD("target", "must not be above the baseline when lower is better (direction down)");
    if (!in->phase) in->phase = target_phase_of(in->target_period, today_month);
    if (!in_list(phases, in->phase)) BAD("phase", "must be base, deepening or consolidation");
    if (!in->applies_to) in->applies_to = "region";
    if (!in_list(applies, in->applies_to))
        BAD("applies_to", "must be region, prefecture, county, school or teacher");
    if (in->section && !valid_text(in->section, 100))
        BAD("section", "must be at most 100 bytes, no control characters");
#undef BAD
    return NULL;
}

/* The audit view of a stored target; *updated_at receives its time when given. */
static json_t *audit_json(Db *db, Arena *a, const char *code, int64_t *updated_at)
{
    Target t;
    if (target_load(db, a, code, &t) != 1) return NULL;
    if (updated_at) *updated_at = t.updated_at;
    json_t *j = target_json(&t, NULL);
    json_object_del(j, "measure");
    return j;
}

int target_save(Db *db, Arena *a, const char *actor, const TargetInput *in, int64_t scope_org_id,
                int64_t indicator_id, int update)
{
    int64_t was = 0;
    json_t *before = audit_json(db, a, in->code, &was);
    if (before && !update) {
        json_decref(before);
        return -2;
    }
    int64_t now = now_s();
    DbStmt *s;
    if (before)
        s = db_q(db,
                 "UPDATE targets SET name_zh = ?, name_en = ?, unit = ?, kind = ?, direction = ?,"
                 " indicator_id = ?, scope_org_id = ?, phase = ?, baseline = ?, baseline_period = ?,"
                 " target = ?, target_period = ?, applies_to = ?, section = ?, updated_at = ?"
                 " WHERE code = ?",
                 "sssssiisdsdsssis", in->name_zh, in->name_en ? in->name_en : "",
                 in->unit ? in->unit : "", in->kind, in->direction, indicator_id, scope_org_id,
                 in->phase, in->baseline, in->baseline_period, in->target, in->target_period,
                 in->applies_to, in->section ? in->section : "", now, in->code);
    else
        s = db_q(db,
                 "INSERT INTO targets(name_zh, name_en, unit, kind, direction, indicator_id,"
                 " scope_org_id, phase, baseline, baseline_period, target, target_period,"
                 " applies_to, section, updated_at, code, created_at)"
                 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                 "sssssiisdsdsssisi", in->name_zh, in->name_en ? in->name_en : "",
                 in->unit ? in->unit : "", in->kind, in->direction, indicator_id, scope_org_id,
                 in->phase, in->baseline, in->baseline_period, in->target, in->target_period,
                 in->applies_to, in->section ? in->section : "", now, in->code, now);
    if (s && !indicator_id) db_bind_null(s, 6);
    if (s && !in->has_baseline) db_bind_null(s, 9);
    if (s && !in->has_target) db_bind_null(s, 11);
    int rc = s ? db_step(s) : DB_ERROR;
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(before);
        return rc == DB_CONSTRAINT && !update ? -2 : -1;
    }
    json_t *after = audit_json(db, a, in->code, NULL);
    int changed = !before || !json_equal(before, after);
    const char *path = "";
    DbStmt *q = db_q(db, "SELECT path FROM orgs WHERE id = ?", "i", scope_org_id);
    if (q && db_step(q) == DB_ROW) path = arena_strdup(a, db_col_text(q, 0));
    db_done(q);
    rc = DB_OK;
    if (changed)
        rc = audit_log(db, actor, before ? "target.update" : "target.create", "target", in->code,
                       path, before, after);
    else /* nothing but updated_at moved: put it back, so that a reload changes nothing */
        rc = db_run(db, "UPDATE targets SET updated_at = ? WHERE code = ?", "is", was, in->code);
    json_decref(before);
    json_decref(after);
    if (rc != DB_OK) return -1;
    return changed;
}

/* ---- API ---------------------------------------------------------------------- */

/* The organisation named by ?scope= (or the caller's top unit for data.read),
 * loaded into *o when the caller may read its data. 1, or 0 after sending 404. */
static int scope_from_query(Req *r, Org *o)
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

void target_api_list(Req *r)
{
    Org o;
    if (!scope_from_query(r, &o)) return;
    const char *phase = req_query(r, "phase"), *st = req_query(r, "status"),
               *period = req_query(r, "period");
    if (phase && *phase && !in_list(phases, phase)) {
        req_error(r, 400, "bad_param", T(r, "phase must be base, deepening or consolidation."));
        return;
    }
    int want = st && *st ? status_from_name(st) : -2;
    if (want == -1) {
        req_error(r, 400, "bad_param",
                  T(r, "status must be on_track, at_risk, off_track or no_data."));
        return;
    }
    Period pp;
    if (period && *period && !period_parse(period, &pp)) {
        req_error(r, 400, "bad_param", T(r, "period must be written 2024, 2024Q1 or 2024-03."));
        return;
    }
    if (period && !*period) period = NULL;
    Target *all;
    int n = targets_load_for(r->db, r->arena, o.path, &all);
    if (n < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    int today = target_today_month();
    json_t *items = json_array();
    int counts[4] = {0};
    for (int i = 0; i < n; i++) {
        if (phase && *phase && strcmp(all[i].phase, phase)) continue;
        TargetEval ev;
        if (target_evaluate_full(r->db, r->arena, &all[i], o.id, today, period, &ev)) {
            json_decref(items);
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
            return;
        }
        if (want >= 0 && (int)ev.status != want) continue;
        counts[ev.status]++;
        json_array_append_new(items, target_json(&all[i], &ev));
    }
    char today_s[12];
    Period tp = period_month(today);
    period_format(&tp, today_s, sizeof today_s);
    json_t *summary = json_object();
    for (int s = 0; s < 4; s++)
        json_object_set_new(summary, status_name((TargetStatus)s), json_integer(counts[s]));
    req_send_json(r, 200,
                  json_pack("{s:{s:s,s:s,s:s,s:s},s:s,s:I,s:o,s:o}", "scope", "code", o.code,
                            "name_zh", o.name_zh, "name_en", o.name_en ? o.name_en : "", "kind",
                            o.kind, "today", today_s, "count", (json_int_t)json_array_size(items),
                            "summary", summary, "items", items));
}

void target_api_create(Req *r)
{
    static const char *const fields[] = {
        "code",     "name_zh",         "name_en", "unit",          "kind",       "direction",
        "indicator", "scope",          "phase",   "baseline",      "baseline_period",
        "target",   "target_period",   "applies_to", "section",    NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    TargetInput in = {0};
    const char *bad = NULL, *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (json_is_null(v)) continue;
        if (!strcmp(key, "baseline") || !strcmp(key, "target")) {
            if (!json_is_number(v)) {
                bad = arena_strdup(r->arena, key); /* key dies with j */
                break;
            }
            if (key[0] == 'b') in.has_baseline = 1, in.baseline = json_number_value(v);
            else in.has_target = 1, in.target = json_number_value(v);
            continue;
        }
        if (!json_is_string(v)) {
            bad = arena_strdup(r->arena, key);
            break;
        }
        const char *sv = arena_strdup(r->arena, json_string_value(v));
        const char **dst = !strcmp(key, "code")              ? &in.code
                           : !strcmp(key, "name_zh")         ? &in.name_zh
                           : !strcmp(key, "name_en")         ? &in.name_en
                           : !strcmp(key, "unit")            ? &in.unit
                           : !strcmp(key, "kind")            ? &in.kind
                           : !strcmp(key, "direction")       ? &in.direction
                           : !strcmp(key, "indicator")       ? &in.indicator
                           : !strcmp(key, "scope")           ? &in.scope
                           : !strcmp(key, "phase")           ? &in.phase
                           : !strcmp(key, "baseline_period") ? &in.baseline_period
                           : !strcmp(key, "target_period")   ? &in.target_period
                           : !strcmp(key, "applies_to")      ? &in.applies_to
                                                             : &in.section;
        *dst = sv;
    }
    json_decref(j);
    if (bad) {
        req_error(r, 422, "invalid",
                  arena_printf(r->arena, "%s: %s", bad,
                               T(r, !strcmp(bad, "baseline") || !strcmp(bad, "target")
                                        ? "must be a number or null"
                                        : "must be a string")));
        return;
    }
    const char *field = NULL, *why = NULL;
    /* a client must say what it aims at and by when */
    if (!in.has_target) field = "target", why = "is required: the value to reach";
    else if (!in.target_period)
        field = "target_period", why = "is required: a period (2026, 2024Q2), yearly or always";
    else why = target_check(&in, target_today_month(), &field);
    Org scope;
    Indicator ind = {0};
    if (!why && (!in.scope || !valid_code(in.scope) ||
                 org_load(r->db, r->arena, in.scope, &scope) != 1 ||
                 !can(r, CAP_DATA_READ, scope.path)))
        field = "scope", why = "must be the code of an organisation in your reach";
    if (!why && in.indicator && (!indicator_code_ok(in.indicator) ||
                                 indicator_load(r->db, r->arena, in.indicator, &ind) != 1))
        field = "indicator", why = "must be the code of an indicator (or null)";
    if (why) {
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s: %s", field, T(r, why)));
        return;
    }
    if (!can(r, CAP_PLAN_WRITE, scope.path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    if (db_begin(r->db) != DB_OK) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    int rc = target_save(r->db, r->arena, r->auth.login, &in, scope.id, ind.id, 0);
    if (rc < 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc == -2)
            req_error(r, 409, "conflict", T(r, "A target with this code already exists."));
        else
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    Target t;
    TargetEval ev;
    if (target_load(r->db, r->arena, in.code, &t) != 1 ||
        target_evaluate_full(r->db, r->arena, &t, 0, target_today_month(), NULL, &ev)) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_send_json(r, 201, target_json(&t, &ev));
}

/* Never called: names for xgettext (keyword T) the message ids that reach T()
 * through a variable — the checks above, the status and phase labels. */
__attribute__((unused)) static void target_msgids(Req *r)
{
    T(r, "On track"), T(r, "At risk"), T(r, "Off track"), T(r, "No data");
    T(r, "Base period (2024)"), T(r, "Deepening (2025–2026)"), T(r, "Consolidation (2027–2028)");
    T(r, "must be 2 to 64 of a-z, 0-9 and '_'");
    T(r, "is required, at most 200 bytes, no control characters");
    T(r, "must be at most 200 bytes, no control characters");
    T(r, "must be at most 40 bytes, no control characters");
    T(r, "must be at most 100 bytes, no control characters");
    T(r, "must be rate, count, money or rule");
    T(r, "must be up, down, min or max");
    T(r, "must be a number");
    T(r, "must be a period (2026, 2024Q2, 2025-06), yearly or always");
    T(r, "target and target_period go together: give both or neither");
    T(r, "must be a period (2023, 2023Q4, 2023-12)");
    T(r, "baseline and baseline_period go together: give both or neither");
    T(r, "must not end after target_period");
    T(r, "must not be below the baseline when higher is better (direction up)");
    T(r, "must not be above the baseline when lower is better (direction down)");
    T(r, "must be base, deepening or consolidation");
    T(r, "must be region, prefecture, county, school or teacher");
    T(r, "is required: the value to reach");
    T(r, "is required: a period (2026, 2024Q2), yearly or always");
    T(r, "must be the code of an organisation in your reach");
    T(r, "must be the code of an indicator (or null)");
    T(r, "must be a number or null");
    T(r, "must be a string");
}
