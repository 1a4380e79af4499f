/* report.h — the tables of the portrait and the dashboards, built once and
 * written twice: as HTML (with the hooks assets/charts.js reads to draw a chart
 * from the very numbers of the table) and as an Excel sheet (xlsx.h). Keeping
 * one model means the page, its chart and its export cannot disagree.
 *
 * Everything here lives in the request's arena: nothing to free. */
#ifndef HUIJU_REPORT_H
#define HUIJU_REPORT_H

#include "http/req.h"
#include "org.h"
#include "target.h"

/* One cell. A number is kept as a number (the export writes it as one) and
 * shown with `decimals` places and `suffix`; text is shown as it is. */
typedef struct Cell {
    const char *text; /* shown when has_num is 0 (NULL: an empty cell) */
    int has_num;
    double num;
    int decimals;
    const char *suffix; /* after the number on the page, e.g. "%" */
    const char *href;   /* a local link (already URL-safe) */
    const char *cls;    /* class of the cell, e.g. "status st-off_track" */
    const char *mark;   /* a symbol before the text on the page only (aria-hidden) */
    int show_sign;      /* a number shown with its sign ("+2.5") */
    const char *inner;  /* class of a <span> around the content (a status label) */
    /* chart hooks: this number is the point (x, series) of the table's chart */
    const char *x, *series;
} Cell;

typedef struct Table {
    const char *id;    /* HTML id (letters, digits, '-') */
    const char *title; /* the caption, and the block's title in the export */
    const char *note;  /* a line under the caption (may be NULL) */
    int ncols;
    const char **head;
    Cell *cells; /* nrows * ncols */
    int nrows, cap;
    /* the chart drawn from the cells that carry x and series (chart NULL: none) */
    const char *chart; /* "line", "bar" or "hbar" (horizontal bars) */
    const char *unit;  /* the value axis' unit, already translated */
    int has_mark;      /* a reference line, e.g. the target */
    double mark;
    const char *mark_label;
} Table;

/* A new table with ncols columns whose headings follow (ncols const char *). */
Table *table_new(Arena *a, const char *id, const char *title, int ncols, ...);
/* Appends a row and returns its ncols cells, zeroed (owned by the table). */
Cell *table_row(Arena *a, Table *t);
/* Sets a cell to a number / a text. Return the cell for further fields. */
Cell *cell_num(Cell *c, double v, int decimals, const char *suffix);
Cell *cell_text(Cell *c, const char *s);

/* The number as the page shows it ("12.5", "1,234"), owned by a. */
const char *fmt_num(Arena *a, double v, int decimals);
/* Decimals for a unit: 1 for "%" and "points", 0 for counts. */
int unit_decimals(const char *unit);
/* What follows a number of this unit on a page: "%" or " 人"; translated. */
const char *unit_suffix(Req *r, const char *unit);
/* The unit as an axis name ("%", "人"); translated. */
const char *unit_label(Req *r, const char *unit);

/* Writes the table as HTML: a <figure class=chart> with an empty chart box
 * when it has a chart (charts.js fills it; without JavaScript the table is all
 * there is), else a plain scrolling table. */
void table_html(Req *r, const Table *t);

/* The chart scripts, once per page that has charts (deferred). */
void charts_scripts(Req *r);
/* The page's extra stylesheet (dashboard.css), once, early in <main>. */
void report_styles(Req *r);

/* ---- shared by the portrait (portrait.c) and the dashboards (dashboard.c) ---- */

/* The first year of every history. */
#define REPORT_FIRST_YEAR 2023

/* value_read() for an indicator whose ratio parts the caller has loaded once
 * (num and den; both NULL, or a raw indicator: plain value_read()). Reads each
 * part through value_read() and combines them exactly as values.c does — sum of
 * numerators over sum of denominators, times the factor — which saves loading
 * the parts again for every figure of a page. 0, or -1 on a database error. */
int figure_read(Db *db, Arena *a, const Indicator *ind, const Indicator *num, const Indicator *den,
                int64_t org_id, const Period *p, Figure *out);
/* Sets c to the status label (translated, with its symbol and class). */
Cell *cell_status(Req *r, Cell *c, TargetStatus s);
/* Loads the ancestors of o (region first, o itself excluded) into out (at most
 * max). Returns how many, or -1 on a database error. Strings in r's arena. */
int org_ancestors(Req *r, const Org *o, Org *out, int max);
/* The breadcrumb line: each ancestor links to its dashboard when the caller
 * reads data there, then o's name (not a link). */
void report_crumbs(Req *r, const Org *anc, int nanc, const Org *o);
/* Whether a figure that is `diff` above what was expected (actual − expected)
 * is good news for a target of this direction ("up", "down", "min", "max"). */
int diff_is_good(const char *direction, double diff);
/* "ahead of the plan by 3.1 points" / "behind the plan by 3.1 points" — one
 * short translated sentence, owned by r's arena. */
const char *gap_text(Req *r, const char *direction, double diff, const char *unit);
/* A deadline in words: a period as it is, "yearly" and "always" translated. */
const char *deadline_label(Req *r, const char *period);
/* "a: b" — with the full-width colon in Chinese. Owned by r's arena. */
const char *title_join(Req *r, const char *a, const char *b);
/* "a (b)" — with full-width parentheses in Chinese. Owned by r's arena. */
const char *paren(Req *r, const char *a, const char *b);
/* The period the page asks for in ?period=: 1 and *p set when given and valid,
 * 0 when absent, -1 when malformed or in the future (a 400 has been sent). */
int report_period_param(Req *r, int today_month, Period *p);

#endif
