/* entry.c — see dataio.h: the data-entry form of one school for one year.
 *
 * Yearly indicators are entered for the year, quarterly ones for the quarter of
 * the chosen month, monthly ones for the chosen month (a month selector rather
 * than twelve rows per indicator: the form stays short on a phone). Ratios are
 * shown read-only, computed from their parts. A submission goes through one
 * IoBatch: everything is checked, and written all or nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "core/util.h"
#include "dataio.h"
#include "indicator.h"
#include "org.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "values.h"

/* The year and month the form is for, and the three periods that follow. */
typedef struct Sel {
    int year, month; /* month 1–12 */
    char y[24], q[32], m[32];
} Sel;

/* One raw indicator's field: what is stored and what the user typed. */
typedef struct Field {
    int has; /* a value is stored */
    double stored;
    const char *by; /* who entered it */
    int64_t at;
    const char *input; /* the submitted text (NULL: show the stored value) */
    const char *error; /* the message beside the field */
} Field;

static const char *period_of(const Sel *s, PeriodKind k)
{
    return k == PERIOD_YEAR ? s->y : k == PERIOD_QUARTER ? s->q : s->m;
}

/* The current year and month in Asia/Shanghai. */
static void today(int *year, int *month)
{
    time_t t = (time_t)(now_s() + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    *year = tm.tm_year + 1900;
    *month = tm.tm_mon + 1;
}

/* Reads period (a year, or a month such as 2025-03) and month (1–12). Missing
 * parts default to this year, and to this month in this year, December in past
 * years, January in future ones. 1 when valid. */
static int parse_sel(const char *period, const char *month, Sel *s)
{
    int ty, tm;
    today(&ty, &tm);
    memset(s, 0, sizeof *s);
    s->year = ty;
    if (period && *period) {
        Period p;
        if (!io_parse_period(period, &p) || p.kind == PERIOD_QUARTER) return 0;
        s->year = p.year;
        if (p.kind == PERIOD_MONTH) s->month = p.first % 12 + 1;
    }
    if (month && *month) {
        int64_t m;
        if (!parse_int(month, 1, 12, &m)) return 0;
        s->month = (int)m;
    }
    if (!s->month) s->month = s->year == ty ? tm : s->year < ty ? 12 : 1;
    snprintf(s->y, sizeof s->y, "%04d", s->year);
    snprintf(s->q, sizeof s->q, "%04dQ%d", s->year, (s->month - 1) / 3 + 1);
    snprintf(s->m, sizeof s->m, "%04d-%02d", s->year, s->month);
    return 1;
}

/* Loads the organisation of the form: 1 when it is a school within the caller's
 * data.write reach, 2 when it is a region, prefecture or county within it (the
 * caller may then offer its schools), otherwise 0 with a 404 (or 500) sent. */
static int load_school(Req *r, Org *o, int allow_units)
{
    const char *code = req_param(r, "code");
    int f = valid_code(code) ? org_load(r->db, r->arena, code, o) : 0;
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return 0;
    }
    if (!f || !can(r, CAP_DATA_WRITE, o->path)) {
        req_not_found(r);
        return 0;
    }
    if (allow_units && strcmp(o->kind, "school") && strcmp(o->kind, "partner")) return 2;
    if (strcmp(o->kind, "school") != 0) {
        page_error(r, 404,
                   T(r, "Values are entered per school: open one of the schools to enter its "
                        "values."));
        return 0;
    }
    return 1;
}

/* Fills f[i] with the stored value of every raw indicator for the selection. */
static int load_stored(Req *r, const Org *o, const Sel *s, const Indicator *ind, int n, Field *f)
{
    DbStmt *q = db_q(r->db,
                     "SELECT indicator_id, period, value, entered_by, entered_at FROM datavalues"
                     " WHERE org_id = ? AND period IN (?, ?, ?)",
                     "isss", o->id, s->y, s->q, s->m);
    if (!q) return -1;
    while (db_step(q) == DB_ROW) {
        int64_t id = db_col_int(q, 0);
        const char *per = db_col_text(q, 1);
        for (int i = 0; i < n; i++) {
            if (ind[i].id != id || strcmp(period_of(s, ind[i].ptype), per)) continue;
            f[i].has = 1;
            f[i].stored = db_col_double(q, 2);
            f[i].by = arena_strdup(r->arena, db_col_text(q, 3));
            f[i].at = db_col_int(q, 4);
        }
    }
    db_done(q);
    return 0;
}

/* The read-only line of a ratio: its value for the selection, from its parts. */
static void ratio_line(Req *r, const Org *o, const Sel *s, const Indicator *ind,
                       const Indicator *all, int n)
{
    Period p;
    period_parse(period_of(s, ind->ptype), &p);
    Figure fig;
    int ok = value_read(r->db, r->arena, ind, o->id, &p, &fig) == 0;
    hf(r, "<div class=computed><span>%s</span> <output>", indicator_name(r, ind));
    if (ok && fig.has) {
        char v[32];
        snprintf(v, sizeof v, "%.1f", fig.value);
        hf(r, "%s%s%s", v, strcmp(ind->unit, "%") ? " " : "", T(r, ind->unit));
    } else {
        H(r, "—");
    }
    const char *num = NULL, *den = NULL;
    for (int i = 0; i < n; i++) {
        if (all[i].id == ind->num_id) num = indicator_name(r, &all[i]);
        if (all[i].id == ind->den_id) den = indicator_name(r, &all[i]);
    }
    hf(r, "</output> <small>%s · %s / %s</small></div>", period_of(s, ind->ptype), num ? num : "?",
       den ? den : "?");
}

static void year_options(Req *r, int sel)
{
    int ty, tm;
    today(&ty, &tm);
    int lo = ty - 6 < sel ? ty - 6 : sel, hi = ty + 1 > sel ? ty + 1 : sel;
    for (int y = hi; y >= lo; y--)
        hf(r, "<option value=\"%d\"%s>%d</option>", y, y == sel ? " selected" : "", y);
}

/* The whole page: selector, form, notice. fields may carry input and errors. */
static void render(Req *r, const Org *o, const Sel *s, const Indicator *ind, int n, Field *f,
                   const char *notice, const char *problem, int status)
{
    page_begin(r, arena_printf(r->arena, "%s · %s", T(r, "Data entry"), org_name(r, o)));
    r->status = status;
    hf(r,
       "<nav class=crumbs aria-label=breadcrumbs><a href=\"/orgs/%s\">%s</a> › "
       "<span>%s</span></nav>",
       o->code, org_name(r, o), T(r, "Data entry"));
    hf(r, "<h1>%s · %s</h1>", org_name(r, o), s->y);
    if (notice) page_notice(r, "ok", notice);
    if (problem) page_notice(r, "error", problem);
    hf(r, "<form method=get action=\"/orgs/%s/data\" class=filters><label>%s<select name=period>",
       o->code, T(r, "Year"));
    year_options(r, s->year);
    hf(r, "</select></label><label>%s<select name=month>", T(r, "Month (for monthly figures)"));
    for (int m = 1; m <= 12; m++)
        hf(r, "<option value=\"%d\"%s>%02d</option>", m, m == s->month ? " selected" : "", m);
    hf(r, "</select></label><button>%s</button></form>", T(r, "Show"));

    hf(r, "<form method=post action=\"/orgs/%s/data\" class=\"card entry\" novalidate>", o->code);
    form_csrf(r);
    hf(r, "<input type=hidden name=period value=\"%s\"><input type=hidden name=month value=\"%d\">",
       s->y, s->month);
    hf(r, "<p class=lead>%s</p>",
       T(r, "Yearly figures are for the year, monthly ones for the month chosen above. Leave a "
            "field empty to clear its value."));
    const char *cat = NULL;
    for (int i = 0; i < n; i++) {
        const Indicator *d = &ind[i];
        if (!cat || strcmp(cat, d->category)) {
            if (cat) H(r, "</fieldset>");
            cat = d->category;
            hf(r, "<fieldset><legend>%s</legend>", T(r, category_label(cat)));
        }
        if (d->is_ratio) {
            ratio_line(r, o, s, d, ind, n);
            continue;
        }
        char stored[32] = "";
        if (f[i].has) io_format_number(f[i].stored, stored, sizeof stored);
        const char *val = f[i].input ? f[i].input : stored;
        hf(r,
           "<label>%s <small>(%s · %s)</small><input name=\"v_%s\" value=\"%s\" inputmode=%s"
           " autocomplete=off",
           indicator_name(r, d), T(r, d->unit), period_of(s, d->ptype), d->code, val,
           d->integer_only ? "numeric" : "decimal");
        if (f[i].error)
            hf(r,
               " aria-invalid=true aria-describedby=\"e_%s\"></label><span class=field-error"
               " id=\"e_%s\">%s</span>",
               d->code, d->code, f[i].error);
        else
            H(r, "></label>");
        if (f[i].has && f[i].by)
            hf(r, "<small class=meta>%s %s · %s</small>", T(r, "entered by"), f[i].by,
               fmt_time(r->arena, f[i].at));
    }
    if (cat) H(r, "</fieldset>");
    hf(r, "<button>%s</button></form>", T(r, "Save"));
    page_end(r);
}

/* The catalogue and a field per indicator; n < 0 on a database error (sent). */
static int load_form(Req *r, Indicator **ind, Field **f)
{
    int n = indicators_all(r->db, r->arena, ind);
    if (n < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return -1;
    }
    *f = arena_alloc(r->arena, sizeof(Field) * (size_t)(n + 1));
    return n;
}

/* For a region, prefecture or county: the units directly under it, each linking
 * to its own data-entry page, down to the schools; and the CSV import for bulk. */
static void choose_school(Req *r, const Org *o)
{
    DbStmt *q = db_q(r->db,
                     "SELECT code, name_zh, name_en, kind FROM orgs WHERE parent_id = ? AND"
                     " active = 1 AND kind IN ('prefecture', 'county', 'school') ORDER BY code",
                     "i", o->id);
    if (!q) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    page_begin(r, arena_printf(r->arena, "%s · %s", T(r, "Data entry"), org_name(r, o)));
    hf(r,
       "<nav class=crumbs aria-label=breadcrumbs><a href=\"/orgs/%s\">%s</a> › "
       "<span>%s</span></nav><h1>%s</h1><p class=lead>%s</p><ul class=choose>",
       o->code, org_name(r, o), T(r, "Data entry"), org_name(r, o),
       T(r, "Values are entered per school: choose one, or import a CSV file for many at once."));
    int n = 0;
    while (db_step(q) == DB_ROW) {
        Org c = {0};
        c.name_zh = db_col_text(q, 1);
        c.name_en = db_col_text(q, 2);
        hf(r, "<li><a href=\"/orgs/%s/data\">%s</a> <small>%s</small></li>", db_col_text(q, 0),
           org_name(r, &c), db_col_text(q, 0));
        n++;
    }
    db_done(q);
    H(r, "</ul>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "Nothing found."));
    hf(r, "<p><a class=button href=\"/import\">%s</a></p>", T(r, "Import values"));
    page_end(r);
}

void entry_page(Req *r)
{
    Org o;
    int kind = load_school(r, &o, 1);
    if (!kind) return;
    if (kind == 2) {
        choose_school(r, &o);
        return;
    }
    Sel s;
    if (!parse_sel(req_query(r, "period"), req_query(r, "month"), &s)) {
        page_error(r, 400, T(r, "period must be a year such as 2025, and month 1 to 12."));
        return;
    }
    Indicator *ind;
    Field *f;
    int n = load_form(r, &ind, &f);
    if (n < 0) return;
    if (load_stored(r, &o, &s, ind, n, f)) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    render(r, &o, &s, ind, n, f, NULL, NULL, 200);
}

static int may_write(Req *r, const char *path)
{
    return can(r, CAP_DATA_WRITE, path);
}

void entry_submit(Req *r)
{
    Org o;
    if (!load_school(r, &o, 0)) return;
    Sel s;
    if (!parse_sel(req_form(r, "period"), req_form(r, "month"), &s)) {
        page_error(r, 400, T(r, "period must be a year such as 2025, and month 1 to 12."));
        return;
    }
    Indicator *ind;
    Field *f;
    int n = load_form(r, &ind, &f);
    if (n < 0) return;
    IoBatch *b = io_begin(r, may_write, n);
    if (!b) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    io_set_value_col(b, 1);
    for (int i = 0; i < n; i++) {
        if (ind[i].is_ratio) continue;
        const char *v = req_form(r, arena_printf(r->arena, "v_%s", ind[i].code));
        if (!v) continue; /* not on the submitted form: left alone */
        f[i].input = v;
        IoRow row = {o.code, ind[i].code, period_of(&s, ind[i].ptype), v, {1, 1, 1, 1}};
        io_row(b, i + 1, &row);
    }
    IoResult res;
    io_end(b, 0, "datavalues.entry", o.code, &res);
    if (res.failed) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    if (res.nerr_total) {
        const char *general = NULL;
        for (int i = 0; i < res.nerr; i++) {
            int64_t k = res.err[i].line - 1;
            if (k >= 0 && k < n && !f[k].error)
                f[k].error = res.err[i].msg;
            else if (k < 0)
                general = res.err[i].msg;
        }
        if (load_stored(r, &o, &s, ind, n, f)) {
            req_error(r, 500, "internal", db_errmsg(r->db));
            return;
        }
        const char *problem = arena_printf(
            r->arena, "%s: %s (%lld)%s%s", T(r, "Not saved"), T(r, "see the fields marked below"),
            (long long)res.nerr_total, general ? " " : "", general ? general : "");
        render(r, &o, &s, ind, n, f, NULL, problem, 422);
        return;
    }
    /* saved: show what is stored now */
    for (int i = 0; i < n; i++)
        f[i] = (Field){0};
    if (load_stored(r, &o, &s, ind, n, f)) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    const char *notice =
        res.added + res.changed + res.deleted == 0
            ? T(r, "Nothing changed.")
            : arena_printf(r->arena, "%s: %lld %s, %lld %s, %lld %s.", T(r, "Saved"),
                           (long long)res.added, T(r, "added"), (long long)res.changed,
                           T(r, "changed"), (long long)res.deleted, T(r, "deleted"));
    render(r, &o, &s, ind, n, f, notice, NULL, 200);
}
