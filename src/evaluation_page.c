/* evaluation_page.c — the pages of the three-level evaluation (evaluation.h): the
 * list (an evaluator's assignments first), the form of one evaluation (a row per
 * criterion; save as draft or lock; read-only once locked), the Excel export of the
 * filtered list, and the section of the project page. Phone-first, no JavaScript. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "evaluation.h"
#include "report.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "xlsx.h"

#define S_(x) ((x) ? (x) : "")

static int64_t path_id(Req *r)
{
    int64_t id;
    const char *s = req_param(r, "id");
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

static const char *busy(Req *r)
{
    return T(r, "The service is busy. Please try again.");
}

static void status_tag(Req *r, const char *status)
{
    hf(r, "<span class=\"tag eval-%s\">%s</span>", S_(status), eval_status_label(r, status));
}

static const char *score_text(Req *r, int has, double v)
{
    return has ? fmt_num(r->arena, v, 1) : "—";
}

/* The query string of the filter (for links), without the cursor. */
static const char *filter_query(Req *r, const EvalFilter *f)
{
    return arena_printf(r->arena, "project=%s&period=%s&party=%s&status=%s",
                        f->project_id ? arena_printf(r->arena, "%lld", (long long)f->project_id)
                                      : "",
                        url_encode(r->arena, S_(f->period)), url_encode(r->arena, S_(f->party)),
                        url_encode(r->arena, S_(f->status)));
}

/* ---- combined scores of the filtered list ------------------------------------------ */

typedef struct CombRow {
    int64_t project_id;
    const char *title, *period;
    int locked[3];
    const char *status[3];
    double total[3], w[3];
    int complete, missing[3];
    double combined;
} CombRow;

/* The combined score per project and period of the evaluations the filter shows
 * (party and status aside): at most max rows into out (arena). How many, or -1. */
static int combined_rows(Req *r, const EvalFilter *f, int max, CombRow **out)
{
    EvalFilter g = *f;
    g.party = NULL;
    g.status = NULL;
    DbStmt *s =
        db_q(r->db,
             "SELECT e.project_id, p.title, e.period,"
             " MAX(CASE WHEN e.party = 'self' AND e.status = 'locked' THEN e.total END),"
             " MAX(CASE WHEN e.party = 'feedback' AND e.status = 'locked' THEN e.total END),"
             " MAX(CASE WHEN e.party = 'third_party' AND e.status = 'locked' THEN e.total END),"
             " MAX(rb.w_self), MAX(rb.w_feedback), MAX(rb.w_third),"
             " MAX(CASE WHEN e.party = 'self' THEN e.status END),"
             " MAX(CASE WHEN e.party = 'feedback' THEN e.status END),"
             " MAX(CASE WHEN e.party = 'third_party' THEN e.status END)"
             " FROM evaluations e JOIN projects p ON p.id = e.project_id"
             " JOIN rubrics rb ON rb.id = e.rubric_id WHERE " EVAL_WHERE
             " GROUP BY e.project_id, p.title, e.period ORDER BY e.project_id DESC, e.period DESC"
             " LIMIT ?",
             EVAL_WHERE_TYPES "i", EVAL_WHERE_ARGS(r, &g), (int64_t)max);
    if (!s) return -1;
    CombRow *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(max + 1));
    int n = 0;
    while (n < max && db_step(s) == DB_ROW) {
        CombRow *c = &rows[n++];
        memset(c, 0, sizeof *c);
        c->project_id = db_col_int(s, 0);
        c->title = arena_strdup(r->arena, S_(db_col_text(s, 1)));
        c->period = arena_strdup(r->arena, S_(db_col_text(s, 2)));
        for (int i = 0; i < 3; i++) {
            c->locked[i] = !db_col_is_null(s, 3 + i);
            c->total[i] = db_col_double(s, 3 + i);
            c->w[i] = db_col_double(s, 6 + i);
            c->status[i] =
                db_col_is_null(s, 9 + i) ? NULL : arena_strdup(r->arena, db_col_text(s, 9 + i));
        }
        c->complete =
            eval_combine(c->w[0], c->w[1], c->w[2], c->total, c->locked, &c->combined, c->missing);
    }
    db_done(s);
    *out = rows;
    return n;
}

static const char *missing_text(Req *r, const int missing[3])
{
    const char *t = "";
    for (int i = 0; i < 3; i++)
        if (missing[i])
            t = arena_printf(r->arena, "%s%s%s", t, *t ? T(r, ", ") : "",
                             eval_party_label(r, eval_parties[i]));
    return t;
}

/* The combined score's cell: the score, or "incomplete" with the missing parties. */
static void combined_cell(Req *r, int complete, double combined, const int missing[3])
{
    if (complete)
        hf(r, "<td data-label=\"%s\" data-n><b>%s</b></td>", T(r, "Combined"),
           fmt_num(r->arena, combined, 1));
    else
        hf(r, "<td data-label=\"%s\"><span>%s<small class=meta>%s %s</small></span></td>",
           T(r, "Combined"), T(r, "incomplete"), T(r, "missing:"), missing_text(r, missing));
}

/* ---- the list ------------------------------------------------------------------------ */

static void options(Req *r, const char *const *values, const char *current,
                    const char *(*label)(Req *, const char *))
{
    hf(r, "<option value=\"\">%s</option>", T(r, "All"));
    for (const char *const *v = values; *v; v++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *v,
           current && !strcmp(current, *v) ? " selected" : "", label(r, *v));
}

static const char *const statuses[] = {"draft", "locked", NULL};

/* The caller's assignments as an evaluator, with their third-party assessment. */
static void my_assignments(Req *r)
{
    DbStmt *s = db_q(r->db,
                     "SELECT ea.project_id, ea.period, p.title, p.status, e.id, e.status, e.total"
                     " FROM evaluation_assignments ea JOIN projects p ON p.id = ea.project_id"
                     " LEFT JOIN evaluations e ON e.project_id = ea.project_id"
                     " AND e.period = ea.period AND e.party = 'third_party'"
                     " WHERE ea.user_id = ? ORDER BY ea.period DESC, ea.project_id DESC LIMIT 200",
                     "i", r->auth.user_id);
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        if (!n++)
            hf(r,
               "<section class=card><h2>%s</h2><div class=scroll><table class=stack><thead><tr>"
               "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
               "<th scope=col>%s</th></tr></thead><tbody>",
               T(r, "My assignments as a third-party evaluator"), T(r, "Project"), T(r, "Period"),
               T(r, "Project status"), T(r, "My assessment"));
        int64_t pid = db_col_int(s, 0);
        const char *period = db_col_text(s, 1), *pst = db_col_text(s, 3);
        hf(r,
           "<tr><td><a href=\"/projects/%lld\">%s</a></td><td data-label=\"%s\">%s</td>"
           "<td data-label=\"%s\">%s</td><td data-label=\"%s\">",
           (long long)pid, S_(db_col_text(s, 2)), T(r, "Period"), S_(period),
           T(r, "Project status"), project_status_label(r, pst), T(r, "My assessment"));
        if (!db_col_is_null(s, 4)) {
            hf(r, "<a href=\"/evaluations/%lld\">", (long long)db_col_int(s, 4));
            status_tag(r, db_col_text(s, 5));
            hf(r, " %s</a>", score_text(r, !db_col_is_null(s, 6), db_col_double(s, 6)));
        } else if (eval_status_ok(pst)) {
            H(r, "<form method=post action=\"/evaluations\" class=inline>");
            form_csrf(r);
            hf(r,
               "<input type=hidden name=project value=\"%lld\"><input type=hidden name=period "
               "value=\"%s\"><input type=hidden name=party value=third_party>"
               "<button>%s</button></form>",
               (long long)pid, S_(period), T(r, "Start the assessment"));
        } else {
            hf(r, "%s", T(r, "not open for evaluation yet"));
        }
        H(r, "</td></tr>");
    }
    db_done(s);
    if (n) H(r, "</tbody></table></div></section>");
}

static void combined_table(Req *r, const CombRow *rows, int n)
{
    hf(r,
       "<h2>%s</h2><div class=scroll><table class=stack><thead><tr><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Combined scores"), T(r, "Project"), T(r, "Period"), T(r, "Self-evaluation"),
       T(r, "Recipient school's feedback"), T(r, "Third-party assessment"), T(r, "Combined"));
    for (int i = 0; i < n; i++) {
        const CombRow *c = &rows[i];
        hf(r, "<tr><td><a href=\"/projects/%lld\">%s</a></td><td data-label=\"%s\">%s</td>",
           (long long)c->project_id, c->title, T(r, "Period"), c->period);
        for (int k = 0; k < 3; k++) {
            const char *lab = eval_party_label(r, eval_parties[k]);
            if (c->locked[k])
                hf(r, "<td data-label=\"%s\" data-n>%s</td>", lab,
                   fmt_num(r->arena, c->total[k], 1));
            else
                hf(r, "<td data-label=\"%s\">%s</td>", lab,
                   c->status[k] ? eval_status_label(r, c->status[k]) : T(r, "not started"));
        }
        combined_cell(r, c->complete, c->combined, c->missing);
        H(r, "</tr>");
    }
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No combined scores yet."));
}

void eval_page_index(Req *r)
{
    EvalFilter f;
    if (!eval_filter_from_query(r, &f, 100, 500)) return;
    page_begin(r, T(r, "Evaluations"));
    hf(r, "<h1>%s</h1>", T(r, "Three-level evaluation"));
    hf(r, "<p class=lead>%s</p>",
       T(r, "Self-evaluation by the helping side, feedback from the recipient school and a "
            "third-party assessment, on one rubric; the combined score counts locked "
            "evaluations only."));
    for (int i = 0; i < r->auth.ngrants; i++)
        if (r->auth.grants[i].role == ROLE_EVALUATOR) {
            my_assignments(r);
            break;
        }
    hf(r,
       "<form method=get action=\"/evaluations\" class=filters><label>%s<input name=project "
       "size=6 inputmode=numeric value=\"%s\"></label><label>%s<input name=period size=7 "
       "maxlength=6 placeholder=\"2025H1\" value=\"%s\"></label><label>%s<select name=party>",
       T(r, "Project (no.)"),
       f.project_id ? arena_printf(r->arena, "%lld", (long long)f.project_id) : "", T(r, "Period"),
       S_(f.period), T(r, "Party"));
    options(r, eval_parties, f.party, eval_party_label);
    hf(r, "</select></label><label>%s<select name=status>", T(r, "Status"));
    options(r, statuses, f.status, eval_status_label);
    hf(r, "</select></label><button>%s</button></form>", T(r, "Filter"));
    hf(r, "<p class=actions><a href=\"/evaluations.xlsx?%s\" download>%s</a></p>",
       filter_query(r, &f), T(r, "Download as Excel"));

    DbStmt *s = eval_list_query(r, &f);
    hf(r,
       "<h2>%s</h2><div class=scroll><table class=stack><thead><tr><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Evaluations"), T(r, "Project"), T(r, "No."), T(r, "Period"), T(r, "Party"),
       T(r, "Status"), T(r, "Total"));
    int n = 0, more = 0;
    int64_t last = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        EvalRow e;
        eval_list_row(s, r->arena, &e);
        hf(r,
           "<tr><td><a href=\"/projects/%lld\">%s</a><small class=meta>%s</small></td>"
           "<td data-label=\"%s\"><a href=\"/evaluations/%lld\">#%lld</a></td>"
           "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">",
           (long long)e.project_id, e.project_title, e.lead_name, T(r, "No."), (long long)e.id,
           (long long)e.id, T(r, "Period"), e.period, T(r, "Party"), eval_party_label(r, e.party),
           T(r, "Status"));
        status_tag(r, e.status);
        hf(r, "</td><td data-label=\"%s\" data-n>%s</td></tr>", T(r, "Total"),
           score_text(r, e.has_total, e.total));
        last = e.id;
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No evaluations match these filters."));
    if (more)
        hf(r, "<p><a href=\"/evaluations?%s&amp;cursor=%lld\">%s</a></p>", filter_query(r, &f),
           (long long)last, T(r, "More"));
    CombRow *rows;
    int nc = combined_rows(r, &f, 100, &rows);
    if (nc >= 0) combined_table(r, rows, nc);
    page_end(r);
}

/* ---- Excel ----------------------------------------------------------------------------- */

enum { XLSX_MAX = 5000, XLSX_RUBRICS = 16 };

void eval_page_xlsx(Req *r)
{
    EvalFilter f;
    if (!eval_filter_from_query(r, &f, XLSX_MAX, XLSX_MAX)) return;
    f.before_id = 0;
    DbStmt *s = eval_list_query(r, &f);
    if (!s) {
        page_error(r, 503, busy(r));
        return;
    }
    EvalRow *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(f.limit + 1));
    int n = 0;
    while (n < f.limit && db_step(s) == DB_ROW)
        eval_list_row(s, r->arena, &rows[n++]);
    db_done(s);
    /* the rubrics in the list, each its own table with a column per criterion */
    Rubric rub[XLSX_RUBRICS];
    int nr = 0;
    int *which = arena_alloc(r->arena, sizeof *which * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        which[i] = -1;
        for (int k = 0; k < nr; k++)
            if (rub[k].id == rows[i].rubric_id) which[i] = k;
        if (which[i] < 0 && nr < XLSX_RUBRICS &&
            rubric_load(r->db, r->arena, rows[i].rubric_id, &rub[nr]) == 1)
            which[i] = nr++;
    }
    /* scores: one query over the same filter, matched by evaluation id (rows are by id desc) */
    double **score = arena_alloc(r->arena, sizeof *score * (size_t)(n + 1));
    int **has = arena_alloc(r->arena, sizeof *has * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        int nc = which[i] >= 0 ? rub[which[i]].ncrit : 0;
        score[i] = arena_alloc(r->arena, sizeof **score * (size_t)(nc + 1));
        has[i] = arena_alloc(r->arena, sizeof **has * (size_t)(nc + 1));
        for (int k = 0; k < nc; k++)
            has[i][k] = 0;
    }
    int64_t lowest = n ? rows[n - 1].id : 0;
    s = db_q(r->db,
             "SELECT e.id, sc.criterion_id, sc.score FROM evaluations e"
             " JOIN evaluation_scores sc ON sc.evaluation_id = e.id WHERE " EVAL_WHERE
             " AND e.id >= ? ORDER BY e.id DESC",
             EVAL_WHERE_TYPES "i", EVAL_WHERE_ARGS(r, &f), lowest);
    int at = 0;
    while (s && n && db_step(s) == DB_ROW) {
        int64_t id = db_col_int(s, 0), cid = db_col_int(s, 1);
        while (at < n && rows[at].id > id)
            at++;
        if (at >= n || rows[at].id != id || which[at] < 0) continue;
        const Rubric *rb = &rub[which[at]];
        for (int k = 0; k < rb->ncrit; k++)
            if (rb->crit[k].id == cid) {
                has[at][k] = 1;
                score[at][k] = db_col_double(s, 2);
            }
    }
    db_done(s);
    Table **tables = arena_alloc(r->arena, sizeof *tables * (size_t)(nr + 1));
    for (int k = 0; k < nr; k++) {
        const Rubric *rb = &rub[k];
        int ncols = 8 + rb->ncrit;
        Table *t = table_new(r->arena, "evaluations",
                             title_join(r, T(r, "Evaluations"), rubric_name(r, rb)), 8, T(r, "No."),
                             T(r, "Project no."), T(r, "Project"), T(r, "Lead unit"),
                             T(r, "Period"), T(r, "Party"), T(r, "Status"), T(r, "Total"));
        const char **head = arena_alloc(r->arena, sizeof *head * (size_t)ncols);
        memcpy(head, t->head, sizeof *head * 8);
        t->head = head;
        t->ncols = ncols;
        for (int c = 0; c < rb->ncrit; c++)
            t->head[8 + c] = arena_printf(r->arena, "%s (%s)", criterion_name(r, &rb->crit[c]),
                                          fmt_num(r->arena, rb->crit[c].weight, 0));
        for (int i = 0; i < n; i++) {
            if (which[i] != k) continue;
            Cell *c = table_row(r->arena, t);
            cell_num(&c[0], (double)rows[i].id, 0, NULL);
            cell_num(&c[1], (double)rows[i].project_id, 0, NULL);
            cell_text(&c[2], rows[i].project_title);
            cell_text(&c[3], rows[i].lead_name);
            cell_text(&c[4], rows[i].period);
            cell_text(&c[5], eval_party_label(r, rows[i].party));
            cell_text(&c[6], eval_status_label(r, rows[i].status));
            if (rows[i].has_total) cell_num(&c[7], rows[i].total, 1, NULL);
            for (int q = 0; q < rb->ncrit; q++)
                if (has[i][q]) cell_num(&c[8 + q], score[i][q], 1, NULL);
        }
        tables[k] = t;
    }
    CombRow *comb;
    int nc = combined_rows(r, &f, XLSX_MAX, &comb);
    Table *ct = table_new(r->arena, "combined", T(r, "Combined scores"), 8, T(r, "Project no."),
                          T(r, "Project"), T(r, "Period"), T(r, "Self-evaluation"),
                          T(r, "Recipient school's feedback"), T(r, "Third-party assessment"),
                          T(r, "Combined"), T(r, "Missing"));
    for (int i = 0; i < nc; i++) {
        Cell *c = table_row(r->arena, ct);
        cell_num(&c[0], (double)comb[i].project_id, 0, NULL);
        cell_text(&c[1], comb[i].title);
        cell_text(&c[2], comb[i].period);
        for (int q = 0; q < 3; q++)
            if (comb[i].locked[q]) cell_num(&c[3 + q], comb[i].total[q], 1, NULL);
        if (comb[i].complete) cell_num(&c[6], comb[i].combined, 1, NULL);
        cell_text(&c[7], missing_text(r, comb[i].missing));
    }
    Book *b = book_new(r);
    if (nr)
        book_sheet(b, T(r, "Evaluations"), tables, nr);
    else
        book_sheet(b, T(r, "Evaluations"),
                   (Table *const[]){table_new(r->arena, "evaluations", T(r, "Evaluations"), 1,
                                              T(r, "No evaluations match these filters."))},
                   1);
    book_sheet(b, T(r, "Combined scores"), (Table *const[]){ct}, 1);
    book_send(b, "evaluations.xlsx",
              arena_printf(r->arena, "%s.xlsx", T(r, "Three-level evaluation")));
}

/* ---- one evaluation ---------------------------------------------------------------- */

/* What a refused form carried, to show it again. */
typedef struct FormIn {
    const char **score, **note, *comment;
    const char *bad_field, *why;
} FormIn;

static void field_error(Req *r, const FormIn *in, const char *field)
{
    if (in && in->bad_field && !strcmp(in->bad_field, field))
        hf(r, "<span class=field-error>%s</span>", in->why);
}

static void show(Req *r, const Evaluation *e, const Project *p, int status, const char *notice,
                 const FormIn *in)
{
    page_begin(r, arena_printf(r->arena, "%s · %s", eval_party_label(r, e->party), e->period));
    r->status = status;
    hf(r,
       "<nav class=crumbs><a href=\"/evaluations\">%s</a> › <a href=\"/projects/%lld\">%s</a>"
       "</nav>",
       T(r, "Evaluations"), (long long)e->project_id, S_(e->project_title));
    hf(r, "<h1>%s · %s <small>#%lld</small></h1>", eval_party_label(r, e->party), e->period,
       (long long)e->id);
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    H(r, "<p>");
    status_tag(r, e->status);
    H(r, "</p>");
    hf(r,
       "<dl class=facts><dt>%s</dt><dd><a href=\"/projects/%lld\">%s</a></dd><dt>%s</dt><dd>%s"
       "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
       T(r, "Project"), (long long)e->project_id, S_(e->project_title), T(r, "Rubric"),
       rubric_name(r, &e->rubric), T(r, "Started by"), S_(e->author), T(r, "Total"),
       e->has_total ? fmt_num(r->arena, e->total, 1) : T(r, "not every criterion is scored yet"));
    if (e->locked_by)
        hf(r, "<dt>%s</dt><dd>%s, %s</dd>", T(r, "Locked by"), e->locked_by,
           fmt_time(r->arena, e->locked_at));
    H(r, "</dl>");
    int editable = !strcmp(e->status, "draft") && eval_status_ok(p->status) &&
                   eval_may_fill(r, p, e->party, e->period);
    const Rubric *rb = &e->rubric;
    if (editable) {
        hf(r, "<form method=post action=\"/evaluations/%lld\" class=card>", (long long)e->id);
        form_csrf(r);
        hf(r, "<p class=note>%s</p>",
           T(r, "Score every criterion from 0 to 100. Save as a draft as often as you like; "
                "once locked the evaluation is final and can no longer change."));
        for (int i = 0; i < rb->ncrit; i++) {
            const Criterion *c = &rb->crit[i];
            const char *sv = in ? in->score[i] : e->has[i] ? fmt_num(r->arena, e->score[i], 1) : "";
            const char *nv = in ? in->note[i] : e->note[i];
            const char *sf = arena_printf(r->arena, "score_%s", c->code),
                       *nf = arena_printf(r->arena, "comment_%s", c->code);
            hf(r,
               "<fieldset><legend>%s <small>(%s %s)</small></legend><label>%s"
               "<input name=\"%s\" inputmode=decimal maxlength=6 value=\"%s\" "
               "placeholder=\"0–100\">",
               criterion_name(r, c), T(r, "weight"), fmt_num(r->arena, c->weight, 0),
               T(r, "Score (0–100)"), sf, S_(sv));
            field_error(r, in, sf);
            hf(r, "</label><label>%s<textarea name=\"%s\" rows=2 maxlength=2000>%s</textarea>",
               T(r, "Comment"), nf, S_(nv));
            field_error(r, in, nf);
            H(r, "</label></fieldset>");
        }
        hf(r, "<label>%s<textarea name=comment rows=4 maxlength=4000>%s</textarea>",
           T(r, "Overall comment"), in ? S_(in->comment) : S_(e->comment));
        field_error(r, in, "comment");
        hf(r,
           "</label><p class=actions><button>%s</button> <button formaction=\"/evaluations/%lld/"
           "lock\">%s</button></p></form>",
           T(r, "Save as draft"), (long long)e->id, T(r, "Lock (final)"));
    } else {
        hf(r,
           "<div class=scroll><table class=stack><thead><tr><th scope=col>%s</th><th scope=col>"
           "%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
           T(r, "Criterion"), T(r, "Weight"), T(r, "Score"), T(r, "Comment"));
        for (int i = 0; i < rb->ncrit; i++)
            hf(r,
               "<tr><td data-label=\"%s\">%s</td><td data-label=\"%s\" data-n>%s</td>"
               "<td data-label=\"%s\" data-n>%s</td><td data-label=\"%s\">%s</td></tr>",
               T(r, "Criterion"), criterion_name(r, &rb->crit[i]), T(r, "Weight"),
               fmt_num(r->arena, rb->crit[i].weight, 0), T(r, "Score"),
               score_text(r, e->has[i], e->score[i]), T(r, "Comment"), S_(e->note[i]));
        H(r, "</tbody></table></div>");
        if (e->comment && *e->comment)
            hf(r, "<h2>%s</h2><p class=prewrap>%s</p>", T(r, "Overall comment"), e->comment);
        if (!strcmp(e->status, "locked"))
            hf(r, "<p class=note>%s</p>", T(r, "This evaluation is locked: it is final."));
    }
    if (can(r, CAP_AUDIT_READ, e->scope_path))
        hf(r, "<p><a href=\"/audit?object=evaluation:%lld\">%s</a></p>", (long long)e->id,
           T(r, "Every change of this evaluation (audit trail)"));
    page_end(r);
}

void eval_page_show(Req *r)
{
    Evaluation e;
    Project p;
    int64_t id = path_id(r);
    int f = id ? eval_load(r->db, r->arena, id, &e) : 0;
    if (f > 0) f = project_get_visible(r, e.project_id, &p);
    if (f < 0) {
        page_error(r, 503, busy(r));
        return;
    }
    if (!f) {
        req_not_found(r);
        return;
    }
    show(r, &e, &p, 200, NULL, NULL);
}

/* Reads the form's scores. 1 with *out and *n set, or 0 with in's bad_field set. */
static int form_scores(Req *r, const Rubric *rb, FormIn *in, EvalScoreIn **out, int *n)
{
    int nc = rb->ncrit;
    in->score = arena_alloc(r->arena, sizeof *in->score * (size_t)(nc + 1));
    in->note = arena_alloc(r->arena, sizeof *in->note * (size_t)(nc + 1));
    in->comment = S_(req_form(r, "comment"));
    EvalScoreIn *sc = arena_alloc(r->arena, sizeof *sc * (size_t)(nc + 1));
    int k = 0;
    for (int i = 0; i < nc; i++) {
        const char *sf = arena_printf(r->arena, "score_%s", rb->crit[i].code),
                   *nf = arena_printf(r->arena, "comment_%s", rb->crit[i].code);
        const char *sv = S_(req_form(r, sf)), *nv = S_(req_form(r, nf));
        in->score[i] = sv;
        in->note[i] = nv;
        if (in->bad_field) continue;
        if (!valid_text(nv, 2000)) {
            in->bad_field = nf;
            in->why = T(r, "must be at most 2000 bytes, no control characters");
            continue;
        }
        while (*sv == ' ')
            sv++;
        if (!*sv) {
            if (*nv) {
                in->bad_field = sf;
                in->why = T(r, "is needed with a comment: a number from 0 to 100");
            }
            continue;
        }
        char *end = NULL;
        double v = strtod(sv, &end);
        while (end && *end == ' ')
            end++;
        if (!end || *end || !isfinite(v) || v < 0 || v > 100) {
            in->bad_field = sf;
            in->why = T(r, "must be a number from 0 to 100");
            continue;
        }
        sc[k].crit = i;
        sc[k].score = v;
        sc[k].comment = nv;
        k++;
    }
    if (!in->bad_field && !valid_text(in->comment, 4000)) {
        in->bad_field = "comment";
        in->why = T(r, "must be at most 4000 bytes, no control characters");
    }
    *out = sc;
    *n = k;
    return in->bad_field == NULL;
}

/* Whether the form carries the evaluation's fields (not just the lock button). */
static int form_has_scores(Req *r)
{
    (void)req_form(r, "_csrf"); /* parses the body once */
    for (int i = 0; i < r->nform; i++)
        if (!strncmp(r->fname[i], "score_", 6) || !strcmp(r->fname[i], "comment")) return 1;
    return 0;
}

static void page_result(Req *r, EvalResult res, const Evaluation *e, const Project *p,
                        const char *why, const FormIn *in)
{
    switch (res) {
    case EVAL_NOT_FOUND:
        req_not_found(r);
        return;
    case EVAL_FORBIDDEN:
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    case EVAL_CONFLICT:
        show(r, e, p, 409, why, in);
        return;
    case EVAL_INVALID:
        show(r, e, p, 422,
             arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), in->bad_field, in->why), in);
        return;
    default:
        page_error(r, 503, busy(r));
    }
}

/* Both form posts: save the draft, or (lock) save and lock. */
static void save_or_lock(Req *r, int lock)
{
    Evaluation e;
    Project p;
    const char *why = NULL;
    EvalResult res = eval_for_write(r, path_id(r), &e, &p, &why);
    if (res != EVAL_OK) {
        if (res == EVAL_CONFLICT || res == EVAL_FORBIDDEN) {
            /* the object is visible: a 409 shows it read-only with the reason */
            if (res == EVAL_CONFLICT) {
                show(r, &e, &p, 409, why, NULL);
                return;
            }
        }
        page_result(r, res, &e, &p, why, NULL);
        return;
    }
    FormIn in = {0};
    EvalScoreIn *sc = NULL;
    int n = -1;
    if (!lock || form_has_scores(r)) {
        if (!form_scores(r, &e.rubric, &in, &sc, &n)) {
            page_result(r, EVAL_INVALID, &e, &p, NULL, &in);
            return;
        }
    }
    res = lock ? eval_lock(r, &e, sc, n, in.comment, &why)
               : eval_save(r, &e, sc, n < 0 ? 0 : n, in.comment, &why);
    if (res == EVAL_CONFLICT && lock && n >= 0) {
        /* not every criterion scored: keep what was typed as a draft, say what is missing */
        const char *w2 = NULL;
        if (eval_save(r, &e, sc, n, in.comment, &w2) == EVAL_OK &&
            eval_load(r->db, r->arena, e.id, &e) == 1) {
            show(r, &e, &p, 409,
                 arena_printf(r->arena, "%s %s", T(r, "Saved as a draft, not locked."), why), NULL);
            return;
        }
    }
    if (res != EVAL_OK) {
        page_result(r, res, &e, &p, why, n >= 0 ? &in : NULL);
        return;
    }
    req_redirect(r, arena_printf(r->arena, "/evaluations/%lld", (long long)e.id));
}

void eval_page_save(Req *r)
{
    save_or_lock(r, 0);
}

void eval_page_lock(Req *r)
{
    save_or_lock(r, 1);
}

void eval_page_create(Req *r)
{
    EvalStart in = {0};
    const char *pid = req_form(r, "project");
    if (!pid || !parse_int(pid, 1, INT64_MAX / 2, &in.project_id)) {
        page_error(r, 422, arena_printf(r->arena, "project %s", T(r, "is required: a project id")));
        return;
    }
    in.period = req_form(r, "period");
    in.party = req_form(r, "party");
    in.rubric = req_form(r, "rubric");
    int64_t id = 0;
    const char *field = NULL, *why = NULL;
    EvalResult res = eval_start(r, &in, &id, &field, &why);
    switch (res) {
    case EVAL_OK:
        req_redirect(r, arena_printf(r->arena, "/evaluations/%lld", (long long)id));
        return;
    case EVAL_NOT_FOUND:
        req_not_found(r);
        return;
    case EVAL_FORBIDDEN:
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    case EVAL_INVALID:
        page_error(r, 422, arena_printf(r->arena, "%s %s", field, why));
        return;
    case EVAL_CONFLICT:
        page_begin(r, T(r, "Evaluations"));
        r->status = 409;
        page_notice(r, "error", why);
        if (id)
            hf(r, "<p><a class=button href=\"/evaluations/%lld\">%s</a></p>", (long long)id,
               T(r, "Open the existing evaluation"));
        hf(r, "<p><a href=\"/projects/%lld\">%s</a></p>", (long long)in.project_id,
           T(r, "Back to the project"));
        page_end(r);
        return;
    default:
        page_error(r, 503, busy(r));
    }
}

void eval_page_assign(Req *r)
{
    Project p;
    int64_t id = path_id(r);
    int f = id ? project_get_visible(r, id, &p) : 0;
    if (f < 0) {
        page_error(r, 503, busy(r));
        return;
    }
    if (!f) {
        req_not_found(r);
        return;
    }
    const char *login = req_form(r, "login"), *period = req_form(r, "period"),
               *action = req_form(r, "action");
    int remove = action && !strcmp(action, "remove");
    int created = 0;
    const char *field = NULL, *why = NULL;
    EvalResult res = eval_assign(r, &p, login, period, remove, &created, &field, &why);
    switch (res) {
    case EVAL_OK:
        req_redirect(r, arena_printf(r->arena, "/projects/%lld#evaluation", (long long)p.id));
        return;
    case EVAL_NOT_FOUND:
        req_not_found(r);
        return;
    case EVAL_FORBIDDEN:
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    case EVAL_INVALID:
        page_error(r, 422, arena_printf(r->arena, "%s %s", field, why));
        return;
    default:
        page_error(r, 503, busy(r));
    }
}

/* ---- the project page's section --------------------------------------------------------- */

static void part_cell(Req *r, const EvalPart *pt, const char *label)
{
    if (!pt->id) {
        hf(r, "<td data-label=\"%s\">%s</td>", label, T(r, "not started"));
        return;
    }
    hf(r, "<td data-label=\"%s\"><a href=\"/evaluations/%lld\">", label, (long long)pt->id);
    status_tag(r, pt->status);
    hf(r, " %s</a></td>", score_text(r, pt->has_total, pt->total));
}

/* The evaluators one may assign: people holding the evaluator role. */
static void evaluator_options(Req *r)
{
    DbStmt *s =
        db_q(r->db,
             "SELECT DISTINCT u.login, u.name FROM users u JOIN grants g ON g.user_id = u.id"
             " WHERE g.role = 'evaluator' AND u.active = 1 ORDER BY u.login LIMIT 300",
             "");
    while (s && db_step(s) == DB_ROW)
        hf(r, "<option value=\"%s\">%s (%s)</option>", S_(db_col_text(s, 0)), S_(db_col_text(s, 1)),
           S_(db_col_text(s, 0)));
    db_done(s);
}

void evaluation_section(Req *r, const Project *p)
{
    EvalSummary *sum = NULL;
    int n = eval_summaries(r->db, r->arena, p->id, &sum);
    if (n < 0) return;
    char half[8], last[8];
    eval_current_periods(half, last);
    int may_assign = eval_may_assign(r, p), open = eval_status_ok(p->status);
    hf(r, "<section id=evaluation class=card><h2>%s</h2>", T(r, "Three-level evaluation"));
    if (n) {
        hf(r,
           "<div class=scroll><table class=stack><thead><tr><th scope=col>%s</th><th scope=col>"
           "%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead>"
           "<tbody>",
           T(r, "Period"), T(r, "Self-evaluation"), T(r, "Recipient school's feedback"),
           T(r, "Third-party assessment"), T(r, "Combined"));
        for (int i = 0; i < n; i++) {
            const EvalSummary *x = &sum[i];
            hf(r, "<tr><td><b>%s</b></td>", x->period);
            for (int k = 0; k < 3; k++)
                part_cell(r, &x->part[k], eval_party_label(r, eval_parties[k]));
            combined_cell(r, x->has_combined, x->combined, x->missing);
            H(r, "</tr>");
        }
        H(r, "</tbody></table></div>");
        hf(r, "<p class=note>%s</p>",
           T(r, "The combined score weighs the three locked evaluations by the rubric's "
                "weights; it stays incomplete until all three are locked."));
    } else {
        hf(r, "<p class=empty>%s</p>", T(r, "No evaluation yet."));
    }
    /* assigned evaluators, with a remove button for those who may assign */
    int any = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; sum[i].assigned[k]; k++) {
            if (!any++) hf(r, "<h3>%s</h3><ul>", T(r, "Third-party evaluators"));
            hf(r, "<li>%s · %s", sum[i].period, sum[i].assigned[k]);
            if (may_assign) {
                hf(r, " <form method=post action=\"/projects/%lld/evaluators\" class=inline>",
                   (long long)p->id);
                form_csrf(r);
                hf(r,
                   "<input type=hidden name=action value=remove><input type=hidden name=login "
                   "value=\"%s\"><input type=hidden name=period value=\"%s\">"
                   "<button class=link>%s</button></form>",
                   sum[i].assigned[k], sum[i].period, T(r, "Remove"));
            }
            H(r, "</li>");
        }
    if (any) H(r, "</ul>");
    if (may_assign) {
        hf(r, "<form method=post action=\"/projects/%lld/evaluators\"><h3>%s</h3>",
           (long long)p->id, T(r, "Assign a third-party evaluator"));
        form_csrf(r);
        hf(r, "<label>%s<select name=login required>", T(r, "Evaluator"));
        evaluator_options(r);
        hf(r,
           "</select></label><label>%s<input name=period required maxlength=6 value=\"%s\" "
           "placeholder=\"2025H1\"></label><button>%s</button></form>",
           T(r, "Period (2025, 2025H1 or 2025H2)"), half, T(r, "Assign"));
    }
    /* start buttons for the parties the caller can fill, this half-year and last year */
    if (open) {
        const char *periods[2] = {half, last};
        int shown = 0;
        for (int q = 0; q < 2; q++) {
            EvalPeriod per;
            if (!eval_period_parse(periods[q], &per) ||
                (p->start_date && strcmp(per.last, p->start_date) < 0))
                continue;
            for (int k = 0; k < 3; k++) {
                int exists = 0;
                for (int i = 0; i < n; i++)
                    if (!strcmp(sum[i].period, periods[q]) && sum[i].part[k].id) exists = 1;
                if (exists || !eval_may_fill(r, p, eval_parties[k], periods[q])) continue;
                if (!shown++) H(r, "<p class=actions>");
                H(r, "<form method=post action=\"/evaluations\" class=inline>");
                form_csrf(r);
                hf(r,
                   "<input type=hidden name=project value=\"%lld\"><input type=hidden "
                   "name=period value=\"%s\"><input type=hidden name=party value=\"%s\">"
                   "<button>%s · %s</button></form> ",
                   (long long)p->id, periods[q], eval_parties[k],
                   eval_party_label(r, eval_parties[k]), periods[q]);
            }
        }
        if (shown) H(r, "</p>");
    } else {
        hf(r, "<p class=note>%s</p>",
           T(r, "Projects are evaluated once in progress, completed or accepted."));
    }
    hf(r, "<p><a href=\"/evaluations?project=%lld\">%s</a></p></section>", (long long)p->id,
       T(r, "All evaluations of this project"));
}
