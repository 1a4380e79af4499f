/* report.c — see report.h. */
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

Table *table_new(Arena *a, const char *id, const char *title, int ncols, ...)
{
    Table *t = arena_alloc(a, sizeof *t);
    t->id = id;
    t->title = title;
    t->ncols = ncols;
    t->head = arena_alloc(a, sizeof(char *) * (size_t)ncols);
    va_list ap;
    va_start(ap, ncols);
    for (int i = 0; i < ncols; i++)
        t->head[i] = va_arg(ap, const char *);
    va_end(ap);
    return t;
}

Cell *table_row(Arena *a, Table *t)
{
    if (t->nrows == t->cap) {
        int ncap = t->cap ? t->cap * 2 : 8;
        Cell *n = arena_alloc(a, sizeof(Cell) * (size_t)ncap * (size_t)t->ncols);
        if (t->nrows) memcpy(n, t->cells, sizeof(Cell) * (size_t)t->nrows * (size_t)t->ncols);
        t->cells = n;
        t->cap = ncap;
    }
    return &t->cells[(size_t)t->nrows++ * (size_t)t->ncols];
}

Cell *cell_num(Cell *c, double v, int decimals, const char *suffix)
{
    c->has_num = 1;
    c->num = v;
    c->decimals = decimals;
    c->suffix = suffix;
    return c;
}

Cell *cell_text(Cell *c, const char *s)
{
    c->text = s;
    return c;
}

const char *fmt_num(Arena *a, double v, int decimals)
{
    char tmp[64];
    if (!isfinite(v)) return "—";
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    if (!strcmp(tmp, "-0") || !strcmp(tmp, "-0.0") || !strcmp(tmp, "-0.00"))
        memmove(tmp, tmp + 1, strlen(tmp));
    if (fabs(v) < 10000) return arena_strdup(a, tmp);
    /* group the integer part by thousands */
    char out[96];
    const char *p = tmp;
    size_t o = 0;
    if (*p == '-') out[o++] = *p++;
    size_t digits = strcspn(p, ".");
    for (size_t i = 0; i < digits; i++) {
        if (i && (digits - i) % 3 == 0) out[o++] = ',';
        out[o++] = p[i];
    }
    snprintf(out + o, sizeof out - o, "%s", p + digits);
    return arena_strdup(a, out);
}

int unit_decimals(const char *unit)
{
    if (!unit) return 1;
    return !strcmp(unit, "%") || !strcmp(unit, "points") ? 1 : 0;
}

const char *unit_suffix(Req *r, const char *u)
{
    if (!u || !*u) return "";
    if (!strcmp(u, "%")) return "%";
    if (!strcmp(u, "points")) return T(r, " points");
    if (!strcmp(u, "people")) return T(r, " people");
    if (!strcmp(u, "posts")) return T(r, " posts");
    if (!strcmp(u, "hours")) return T(r, " hours");
    if (!strcmp(u, "households")) return T(r, " households");
    if (!strcmp(u, "events")) return T(r, " events");
    if (!strcmp(u, "yuan")) return T(r, " yuan");
    if (!strcmp(u, "place")) return T(r, " (place)");
    if (!strcmp(u, "places")) return T(r, " places");
    if (!strcmp(u, "resources")) return T(r, " resources");
    if (!strcmp(u, "projects")) return T(r, " projects");
    if (!strcmp(u, "courses")) return T(r, " courses");
    if (!strcmp(u, "schools")) return T(r, " schools");
    if (!strcmp(u, "days")) return T(r, " days");
    return arena_printf(r->arena, " %s", u);
}

const char *unit_label(Req *r, const char *u)
{
    const char *s = unit_suffix(r, u);
    while (*s == ' ')
        s++;
    if (*s == '(') { /* " (place)" → "place" */
        size_t n = strlen(s);
        return n > 2 ? arena_strndup(r->arena, s + 1, n - 2) : s;
    }
    return s;
}

/* A number for the data-v attribute: enough digits to survive the round trip. */
static const char *raw_num(Arena *a, double v)
{
    return arena_printf(a, "%.12g", v);
}

static void cell_html(Req *r, const Cell *c, int header)
{
    const char *tag = header ? "th" : "td";
    hf(r, "<%s", tag);
    if (header) H(r, " scope=row");
    if (c->cls) hf(r, " class=\"%s\"", c->cls);
    if (c->has_num) H(r, " data-n");
    if (c->has_num && c->x && c->series)
        hf(r, " data-x=\"%s\" data-s=\"%s\" data-v=\"%s\"", c->x, c->series,
           raw_num(r->arena, c->num));
    H(r, ">");
    if (c->href) hf(r, "<a href=\"%s\">", c->href);
    if (c->inner) hf(r, "<span class=\"%s\">", c->inner);
    if (c->mark) hf(r, "<span aria-hidden=true>%s</span> ", c->mark);
    if (c->has_num)
        hf(r, "%s%s%s", c->show_sign && c->num > 0 ? "+" : "",
           fmt_num(r->arena, c->num, c->decimals), c->suffix ? c->suffix : "");
    else if (c->text)
        h_text(r, c->text);
    else
        H(r, "<span class=nodata>—</span>");
    if (c->inner) H(r, "</span>");
    if (c->href) H(r, "</a>");
    hf(r, "</%s>", tag);
}

/* The title and note above a table (outside the scrolling box, so that they
 * stay readable on a phone), then the table labelled by the title. */
static void table_body(Req *r, const Table *t)
{
    const char *id = t->id ? t->id : "t";
    hf(r, "<h3 class=table-title id=\"%s-title\">%s</h3>", id, t->title ? t->title : "");
    if (t->note) hf(r, "<p class=note>%s</p>", t->note);
    hf(r, "<div class=scroll><table id=\"%s\" aria-labelledby=\"%s-title\"><thead><tr>", id, id);
    for (int i = 0; i < t->ncols; i++)
        hf(r, "<th scope=col>%s</th>", t->head[i]);
    H(r, "</tr></thead><tbody>");
    for (int row = 0; row < t->nrows; row++) {
        H(r, "<tr>");
        for (int i = 0; i < t->ncols; i++)
            cell_html(r, &t->cells[(size_t)row * (size_t)t->ncols + (size_t)i], i == 0);
        H(r, "</tr>");
    }
    if (!t->nrows)
        hf(r, "<tr><td colspan=%d class=empty>%s</td></tr>", t->ncols, T(r, "No data yet."));
    H(r, "</tbody></table></div>");
}

void table_html(Req *r, const Table *t)
{
    if (!t->chart) {
        H(r, "<div class=table-block>");
        table_body(r, t);
        H(r, "</div>");
        return;
    }
    hf(r, "<figure class=chart data-chart=\"%s\" data-title=\"%s\" data-unit=\"%s\"", t->chart,
       t->title ? t->title : "", t->unit ? t->unit : "");
    if (t->has_mark)
        hf(r, " data-mark=\"%s\" data-mark-label=\"%s\"", raw_num(r->arena, t->mark),
           t->mark_label ? t->mark_label : "");
    /* the box stays hidden unless charts.js draws into it */
    hf(r, "><div class=chart-box role=img aria-label=\"%s: %s\" hidden></div>",
       t->title ? t->title : "", T(r, "chart; the table below gives the same figures"));
    table_body(r, t);
    H(r, "</figure>");
}

void charts_scripts(Req *r)
{
    H(r, "<script src=\"/assets/echarts.min.js\" defer></script>"
         "<script src=\"/assets/charts.js\" defer></script>");
}

void report_styles(Req *r)
{
    H(r, "<link rel=stylesheet href=\"/assets/dashboard.css\">");
}

/* ---- shared by the portrait and the dashboards -------------------------------- */

int figure_read(Db *db, Arena *a, const Indicator *ind, const Indicator *num, const Indicator *den,
                int64_t org_id, const Period *p, Figure *out)
{
    if (!ind->is_ratio || !num || !den) return value_read(db, a, ind, org_id, p, out);
    Figure fn, fd;
    if (value_read(db, a, num, org_id, p, &fn) || value_read(db, a, den, org_id, p, &fd)) return -1;
    memset(out, 0, sizeof *out);
    out->num = fn.value;
    out->den = fd.value;
    out->n = fn.n < fd.n ? fn.n : fd.n;
    snprintf(out->period, sizeof out->period, "%s", fn.period);
    if (fn.has && fd.has && fd.value != 0) {
        out->has = 1;
        out->value = fn.value / fd.value * ind->factor;
    }
    return 0;
}

Cell *cell_status(Req *r, Cell *c, TargetStatus s)
{
    static const char *const marks[] = {"–", "✓", "!", "✗"};
    c->text = T(r, target_status_label(s));
    c->mark = marks[(unsigned)s < 4 ? s : 0];
    c->inner = arena_printf(r->arena, "status st-%s", target_status_name(s));
    return c;
}

int org_ancestors(Req *r, const Org *o, Org *out, int max)
{
    int n = 0;
    for (const char *p = o->path; p && *p && n < max;) {
        if (*p == '/') {
            p++;
            continue;
        }
        const char *e = strchr(p, '/');
        if (!e || !e[1]) break; /* the last segment is o itself */
        char *code = arena_strndup(r->arena, p, (size_t)(e - p));
        int f = org_load(r->db, r->arena, code, &out[n]);
        if (f < 0) return -1;
        if (f) n++;
        p = e;
    }
    return n;
}

void report_crumbs(Req *r, const Org *anc, int nanc, const Org *o)
{
    hf(r, "<nav class=crumbs aria-label=\"%s\">", T(r, "Where this unit lies"));
    for (int i = 0; i < nanc; i++) {
        if (can(r, CAP_DATA_READ, anc[i].path))
            hf(r, "<a href=\"/dashboard/%s\">%s</a> › ", anc[i].code, org_name(r, &anc[i]));
        else
            hf(r, "%s › ", org_name(r, &anc[i]));
    }
    hf(r, "<span aria-current=page>%s</span></nav>", org_name(r, o));
}

int diff_is_good(const char *direction, double diff)
{
    int down = direction && (!strcmp(direction, "down") || !strcmp(direction, "max"));
    return down ? diff <= 0 : diff >= 0;
}

const char *gap_text(Req *r, const char *direction, double diff, const char *unit)
{
    double a = fabs(diff);
    const char *u = unit && !strcmp(unit, "%") ? T(r, " percentage points") : unit_suffix(r, unit);
    const char *n = fmt_num(r->arena, a, unit_decimals(unit) ? 1 : (a < 10 ? 1 : 0));
    if (a < 0.05) return T(r, "exactly as planned");
    return arena_printf(r->arena, "%s %s%s",
                        diff_is_good(direction, diff) ? T(r, "ahead of the plan by")
                                                      : T(r, "behind the plan by"),
                        n, u);
}

int report_period_param(Req *r, int today_month, Period *p)
{
    const char *s = req_query(r, "period");
    if (!s || !*s) return 0;
    const char *why = NULL;
    if (!period_parse(s, p))
        why = T(r, "period must be written 2024, 2024Q1 or 2024-03.");
    else if (p->first > today_month)
        why = T(r, "period lies in the future.");
    if (!why) return 1;
    if (req_is_api(r))
        req_error(r, 400, "bad_param", why);
    else
        page_error(r, 400, why);
    return -1;
}

const char *deadline_label(Req *r, const char *p)
{
    if (!p) return "";
    if (!strcmp(p, "yearly")) return T(r, "every year");
    if (!strcmp(p, "always")) return T(r, "at all times");
    return p;
}

const char *title_join(Req *r, const char *a, const char *b)
{
    return arena_printf(r->arena, strcmp(r->lang, "zh") ? "%s: %s" : "%s：%s", a, b);
}

const char *paren(Req *r, const char *a, const char *b)
{
    return arena_printf(r->arena, strcmp(r->lang, "zh") ? "%s (%s)" : "%s（%s）", a, b);
}
