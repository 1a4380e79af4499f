/* fund_view.c — the views of fund.h: budget against spent by project, fund,
 * category and unit; the software share of spending by year; funding by year
 * with its growth; the auditor's chain of one fund (line → expenditure →
 * approvals → audit records) as JSON and as a page; their tables (report.h) for
 * the pages and the Excel workbooks.
 *
 * The summary of a unit covers the budget lines, visible to the caller, of funds
 * owned in the unit's subtree or of projects led there; "by unit" groups them by
 * the child of the unit that holds the project's lead organisation (a row for
 * lines led from outside the unit). The year filter is the fund's year; the
 * software share is by the year of spending and funding by the fund's year, for
 * every year. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/money.h"
#include "core/util.h"
#include "fund.h"
#include "org.h"
#include "report.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "xlsx.h"

int fund_by_parse(const char *s, FundBy *by)
{
    static const char *const names[] = {"project", "fund", "category", "unit"};
    for (int i = 0; i < 4 && s; i++)
        if (!strcmp(s, names[i])) {
            *by = (FundBy)i;
            return 1;
        }
    return 0;
}

const char *fund_default_unit(Req *r)
{
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (g->role != ROLE_EVALUATOR && (role_caps(g->role) & CAPBIT(CAP_DATA_READ)))
            return g->org_code;
    }
    return NULL;
}

/* ---- the summary ----------------------------------------------------------------- */

typedef struct Groups {
    SumRow *rows;
    int n, cap;
} Groups;

static SumRow *group(Req *r, Groups *g, const char *key)
{
    for (int i = 0; i < g->n; i++)
        if (!strcmp(g->rows[i].key, key)) return &g->rows[i];
    if (g->n == g->cap) {
        int ncap = g->cap ? g->cap * 2 : 16;
        SumRow *n = arena_alloc(r->arena, sizeof *n * (size_t)ncap);
        if (g->n) memcpy(n, g->rows, sizeof *n * (size_t)g->n);
        g->rows = n;
        g->cap = ncap;
    }
    SumRow *row = &g->rows[g->n++];
    memset(row, 0, sizeof *row);
    row->key = arena_strdup(r->arena, key);
    return row;
}

/* The child of unit_path holding path: its code (arena text), the unit's own
 * code when path is the unit itself, "" when path is outside the unit. */
static const char *child_key(Req *r, const char *unit_path, const char *unit_code, const char *path)
{
    size_t n = strlen(unit_path);
    if (strncmp(path, unit_path, n)) return "";
    const char *rest = path + n, *end = strchr(rest, '/');
    if (!*rest || !end) return unit_code;
    return arena_strndup(r->arena, rest, (size_t)(end - rest));
}

static int cmp_budget(const void *a, const void *b)
{
    const SumRow *x = a, *y = b;
    if (x->budget_fen != y->budget_fen) return x->budget_fen < y->budget_fen ? 1 : -1;
    return strcmp(x->label ? x->label : "", y->label ? y->label : "");
}

static int cmp_key(const void *a, const void *b)
{
    const SumRow *x = a, *y = b;
    if (!*x->key || !*y->key) return *x->key ? -1 : *y->key ? 1 : 0; /* "outside" last */
    return strcmp(x->key, y->key);
}

int fund_summary(Req *r, const FundFilter *f, FundBy by, FundSummary *out)
{
    memset(out, 0, sizeof *out);
    Groups g = {0};
    if (by == BY_CATEGORY)
        for (const char *const *c = fund_categories; *c; c++)
            group(r, &g, *c)->label = fund_category_label(r, *c);
    DbStmt *s = db_q(r->db,
                     "SELECT bl.id, bl.fund_id, f.name, f.year, bl.project_id, p.title,"
                     " bl.category, lo.path, bl.amount_fen, bl.spent_fen,"
                     " COALESCE((SELECT SUM(pe.amount_fen) FROM expenditures pe"
                     " WHERE pe.line_id = bl.id AND pe.status = 'pending'), 0)" LINE_FROM
                     " WHERE " LINE_VISIBLE_BL " AND " LINE_UNIT_SQL
                     " AND (CAST(? AS BIGINT) = 0 OR f.year = ?) ORDER BY bl.id",
                     "isisisisssssii", LINE_VISIBLE_ARGS(r), f->org_path, f->org_path, f->org_path,
                     f->org_path, f->org_path, f->year, f->year);
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *cat = db_col_text(s, 6);
        const char *key;
        switch (by) {
        case BY_PROJECT:
            key = arena_printf(r->arena, "%lld", (long long)db_col_int(s, 4));
            break;
        case BY_FUND:
            key = arena_printf(r->arena, "%lld", (long long)db_col_int(s, 1));
            break;
        case BY_CATEGORY:
            key = cat;
            break;
        default:
            key = f->org_path ? child_key(r, f->org_path, f->org_code, db_col_text(s, 7)) : "";
        }
        SumRow *row = group(r, &g, key);
        if (!row->label) {
            if (by == BY_PROJECT) {
                row->label = arena_strdup(r->arena, db_col_text(s, 5));
                row->href = arena_printf(r->arena, "/projects/%s", row->key);
            } else if (by == BY_FUND) {
                row->label = arena_printf(r->arena, "%s (%lld)", db_col_text(s, 2),
                                          (long long)db_col_int(s, 3));
                row->href = arena_printf(r->arena, "/funds/%s", row->key);
            }
        }
        int64_t amount = db_col_int(s, 8), spent = db_col_int(s, 9), pending = db_col_int(s, 10);
        int soft = !strcmp(cat, "software");
        row->budget_fen += amount, out->total.budget_fen += amount;
        row->spent_fen += spent, out->total.spent_fen += spent;
        row->pending_fen += pending, out->total.pending_fen += pending;
        row->software_fen += soft ? spent : 0, out->total.software_fen += soft ? spent : 0;
        row->lines++, out->total.lines++;
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    if (by == BY_UNIT)
        for (int i = 0; i < g.n; i++) {
            SumRow *row = &g.rows[i];
            Org o;
            if (!*row->key) {
                row->label = T(r, "Projects led from outside the unit");
            } else if (org_load(r->db, r->arena, row->key, &o) == 1) {
                row->label = org_name(r, &o);
                row->href = arena_printf(r->arena, "/funds?org=%s", o.code);
            } else {
                row->label = row->key;
            }
        }
    if (by == BY_PROJECT || by == BY_FUND) qsort(g.rows, (size_t)g.n, sizeof *g.rows, cmp_budget);
    if (by == BY_UNIT) qsort(g.rows, (size_t)g.n, sizeof *g.rows, cmp_key);
    out->rows = g.rows;
    out->nrows = g.n;
    out->total.key = "total";
    out->total.label = T(r, "Total");

    /* the software share, by the year of spending */
    s = db_q(r->db,
             "SELECT substr(e.spent_on, 1, 4), COALESCE(SUM(CASE WHEN e.category = 'software'"
             " THEN e.amount_fen ELSE 0 END), 0), COALESCE(SUM(e.amount_fen), 0)" EXP_FROM
             " WHERE e.status = 'approved' AND " LINE_VISIBLE_BL " AND " LINE_UNIT_SQL
             " GROUP BY substr(e.spent_on, 1, 4) ORDER BY 1",
             "isisisisssss", LINE_VISIBLE_ARGS(r), f->org_path, f->org_path, f->org_path,
             f->org_path, f->org_path);
    if (!s) return -1;
    out->share = arena_alloc(r->arena, sizeof *out->share * 200);
    while ((rc = db_step(s)) == DB_ROW && out->nshare < 200) {
        YearRow *y = &out->share[out->nshare++];
        memset(y, 0, sizeof *y);
        y->year = atoi(db_col_text(s, 0));
        y->a_fen = db_col_int(s, 1);
        y->b_fen = db_col_int(s, 2);
        if (y->b_fen > 0) y->has_pct = 1, y->pct = (double)y->a_fen / (double)y->b_fen * 100.0;
    }
    db_done(s);
    if (rc != DB_DONE && rc != DB_ROW) return -1;

    /* funding by the fund's year, with its growth */
    s = db_q(r->db,
             "SELECT f.year, SUM(f.amount_fen)" FUND_FROM " WHERE " FUND_VISIBLE_F
             " AND " FUND_UNIT_SQL " GROUP BY f.year ORDER BY f.year",
             "isissss", FUND_VISIBLE_ARGS(r), f->org_path, f->org_path, f->org_path);
    if (!s) return -1;
    out->funding = arena_alloc(r->arena, sizeof *out->funding * 200);
    while ((rc = db_step(s)) == DB_ROW && out->nfunding < 200) {
        YearRow *y = &out->funding[out->nfunding];
        memset(y, 0, sizeof *y);
        y->year = (int)db_col_int(s, 0);
        y->a_fen = db_col_int(s, 1);
        if (out->nfunding && out->funding[out->nfunding - 1].year == y->year - 1) {
            y->b_fen = out->funding[out->nfunding - 1].a_fen;
            y->has_pct = fund_growth_pct(y->b_fen, y->a_fen, &y->pct);
        }
        out->nfunding++;
    }
    db_done(s);
    return rc == DB_DONE || rc == DB_ROW ? 0 : -1;
}

/* The plan's target of a code (targets table), or NAN. */
static double plan_target(Req *r, const char *code)
{
    double v = NAN;
    DbStmt *s =
        db_q(r->db, "SELECT target FROM targets WHERE code = ? AND target IS NOT NULL", "s", code);
    if (s && db_step(s) == DB_ROW) v = db_col_double(s, 0);
    db_done(s);
    return v;
}

static json_t *num_or_null(int has, double v)
{
    return has ? json_real(round(v * 100.0) / 100.0) : json_null();
}

static json_t *sum_row_json(const SumRow *x)
{
    return json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "key", x->key ? x->key : "", "label",
                     x->label ? x->label : "", "budget_fen", (json_int_t)x->budget_fen, "spent_fen",
                     (json_int_t)x->spent_fen, "pending_fen", (json_int_t)x->pending_fen,
                     "left_fen", (json_int_t)(x->budget_fen - x->spent_fen), "software_fen",
                     (json_int_t)x->software_fen, "lines", (json_int_t)x->lines);
}

/* Reads org (default: the caller's unit), year and by; 1, or 0 with an answer sent. */
static int summary_params(Req *r, FundFilter *f, FundBy *by)
{
    const char *b = req_query(r, "by");
    *by = BY_CATEGORY;
    if (b && *b && !fund_by_parse(b, by)) {
        if (req_is_api(r))
            req_error(r, 400, "bad_param",
                      T(r, "by must be one of project, fund, category, unit."));
        else
            page_error(r, 400, T(r, "by must be one of project, fund, category, unit."));
        return 0;
    }
    if (!fund_filter_from_query(r, f, 50)) return 0;
    if (!f->org_path) {
        const char *code = fund_default_unit(r);
        Org o;
        if (!code || org_load(r->db, r->arena, code, &o) != 1) {
            req_not_found(r);
            return 0;
        }
        f->org_path = o.path, f->org_code = o.code, f->org_id = o.id;
    }
    return 1;
}

void fund_api_summary(Req *r)
{
    FundFilter f;
    FundBy by;
    if (!summary_params(r, &f, &by)) return;
    FundSummary sm;
    if (fund_summary(r, &f, by, &sm)) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    static const char *const names[] = {"project", "fund", "category", "unit"};
    json_t *rows = json_array(), *share = json_array(), *funding = json_array();
    for (int i = 0; i < sm.nrows; i++)
        json_array_append_new(rows, sum_row_json(&sm.rows[i]));
    for (int i = 0; i < sm.nshare; i++)
        json_array_append_new(share,
                              json_pack("{s:i,s:I,s:I,s:o}", "year", sm.share[i].year,
                                        "software_fen", (json_int_t)sm.share[i].a_fen, "spent_fen",
                                        (json_int_t)sm.share[i].b_fen, "share_pct",
                                        num_or_null(sm.share[i].has_pct, sm.share[i].pct)));
    for (int i = 0; i < sm.nfunding; i++)
        json_array_append_new(funding,
                              json_pack("{s:i,s:I,s:o}", "year", sm.funding[i].year, "amount_fen",
                                        (json_int_t)sm.funding[i].a_fen, "growth_pct",
                                        num_or_null(sm.funding[i].has_pct, sm.funding[i].pct)));
    double st = plan_target(r, "software_spending_share"), gt = plan_target(r, "funding_growth");
    json_t *out = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "org", f.org_code, "by", names[by],
                            "rows", rows, "total", sum_row_json(&sm.total), "software_share", share,
                            "software_share_target_pct", num_or_null(!isnan(st), st), "funding",
                            funding, "funding_growth_target_pct", num_or_null(!isnan(gt), gt));
    json_object_set_new(out, "year", f.year ? json_integer(f.year) : json_null());
    req_send_json(r, 200, out);
}

/* ---- tables ---------------------------------------------------------------------------- */

static Cell *yuan(Cell *c, int64_t fen)
{
    return cell_num(c, (double)fen / 100.0, 2, NULL);
}

Table *fund_sum_table(Req *r, const FundSummary *sm, FundBy by)
{
    static const char *const ids[] = {"by-project", "by-fund", "by-category", "by-unit"};
    const char *titles[] = {
        T(r, "Budget and spending by project"), T(r, "Budget and spending by fund"),
        T(r, "Budget and spending by category"), T(r, "Budget and spending by unit")};
    const char *first[] = {T(r, "Project"), T(r, "Fund"), T(r, "Category"), T(r, "Unit")};
    Table *t = table_new(r->arena, ids[by], titles[by], 7, first[by], T(r, "Lines"),
                         T(r, "Budget (yuan)"), T(r, "Spent (yuan)"), T(r, "Pending (yuan)"),
                         T(r, "Left (yuan)"), T(r, "Spent %"));
    t->note = by == BY_UNIT ? T(r, "Grouped by the unit below that leads the project.") : NULL;
    if (by == BY_CATEGORY || by == BY_UNIT) {
        t->chart = by == BY_UNIT ? "hbar" : "bar";
        t->unit = T(r, "yuan");
    }
    for (int i = 0; i <= sm->nrows; i++) {
        const SumRow *x = i < sm->nrows ? &sm->rows[i] : &sm->total;
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], x->label)->href = i < sm->nrows ? x->href : NULL;
        cell_num(&c[1], (double)x->lines, 0, NULL);
        Cell *b = yuan(&c[2], x->budget_fen), *sp = yuan(&c[3], x->spent_fen);
        yuan(&c[4], x->pending_fen);
        yuan(&c[5], x->budget_fen - x->spent_fen);
        if (x->budget_fen > 0)
            cell_num(&c[6], (double)x->spent_fen / (double)x->budget_fen * 100.0, 1, "%");
        if (t->chart && i < sm->nrows && i < 15) {
            b->x = sp->x = x->label;
            b->series = T(r, "Budget");
            sp->series = T(r, "Spent");
        }
    }
    return t;
}

Table *fund_share_table(Req *r, const FundSummary *sm)
{
    Table *t = table_new(r->arena, "software-share", T(r, "Software share of spending by year"), 4,
                         T(r, "Year"), T(r, "Software (yuan)"), T(r, "All approved (yuan)"),
                         T(r, "Software share"));
    t->note = T(r, "Software is training and course development; approved expenditures by the "
                   "year they were made.");
    t->chart = "bar";
    t->unit = "%";
    double target = plan_target(r, "software_spending_share");
    if (!isnan(target)) {
        t->has_mark = 1;
        t->mark = target;
        t->mark_label = T(r, "Plan target");
    }
    for (int i = 0; i < sm->nshare; i++) {
        Cell *c = table_row(r->arena, t);
        const char *y = arena_printf(r->arena, "%d", sm->share[i].year);
        cell_text(&c[0], y);
        yuan(&c[1], sm->share[i].a_fen);
        yuan(&c[2], sm->share[i].b_fen);
        if (sm->share[i].has_pct) {
            Cell *p = cell_num(&c[3], sm->share[i].pct, 1, "%");
            p->x = y;
            p->series = T(r, "Software share");
        }
    }
    return t;
}

Table *fund_funding_table(Req *r, const FundSummary *sm)
{
    Table *t = table_new(r->arena, "funding", T(r, "Funding by year"), 3, T(r, "Year"),
                         T(r, "Funding (yuan)"), T(r, "Growth on the year before"));
    t->note = T(r, "The funds owned in the unit, by their year.");
    t->chart = "bar";
    t->unit = T(r, "yuan");
    for (int i = 0; i < sm->nfunding; i++) {
        Cell *c = table_row(r->arena, t);
        const char *y = arena_printf(r->arena, "%d", sm->funding[i].year);
        cell_text(&c[0], y);
        Cell *a = yuan(&c[1], sm->funding[i].a_fen);
        a->x = y;
        a->series = T(r, "Funding");
        if (sm->funding[i].has_pct) cell_num(&c[2], sm->funding[i].pct, 1, "%")->show_sign = 1;
    }
    return t;
}

Table *fund_funds_table(Req *r, DbStmt *s, int64_t limit, int64_t *last, int *more)
{
    Table *t = table_new(r->arena, "funds", T(r, "Funds"), 10, T(r, "Fund"), T(r, "Source"),
                         T(r, "Owner"), T(r, "Year"), T(r, "Amount (yuan)"),
                         T(r, "Committed to lines (yuan)"), T(r, "Left to commit (yuan)"),
                         T(r, "Spent (yuan)"), T(r, "Two approvers from (yuan)"), T(r, "No."));
    int n = 0;
    *more = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == limit) {
            *more = 1;
            break;
        }
        Fund f;
        fund_row(s, r->arena, &f);
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], f.name)->href = arena_printf(r->arena, "/funds/%lld", (long long)f.id);
        cell_text(&c[1], fund_source_label(r, f.source));
        cell_text(&c[2], fund_owner_name(r, &f));
        cell_num(&c[3], f.year, 0, NULL);
        yuan(&c[4], f.amount_fen);
        yuan(&c[5], f.committed_fen);
        yuan(&c[6], f.amount_fen - f.committed_fen);
        yuan(&c[7], f.spent_fen);
        yuan(&c[8], f.dual_approval_fen);
        cell_num(&c[9], (double)f.id, 0, NULL);
        *last = f.id;
        n++;
    }
    db_done(s);
    return t;
}

Table *fund_lines_table(Req *r, DbStmt *s, int64_t limit)
{
    Table *t = table_new(r->arena, "lines", T(r, "Budget lines"), 12, T(r, "No."), T(r, "Fund"),
                         T(r, "Year"), T(r, "Project"), T(r, "Lead"), T(r, "Category"),
                         T(r, "Budget (yuan)"), T(r, "Spent (yuan)"), T(r, "Pending (yuan)"),
                         T(r, "Left (yuan)"), T(r, "Note"), T(r, "Fund no."));
    int n = 0;
    while (s && db_step(s) == DB_ROW && n < limit) {
        BudgetLine l;
        line_row(s, r->arena, &l);
        Cell *c = table_row(r->arena, t);
        cell_num(&c[0], (double)l.id, 0, NULL);
        cell_text(&c[1], l.fund_name)->href =
            arena_printf(r->arena, "/funds/%lld", (long long)l.fund_id);
        cell_num(&c[2], l.fund_year, 0, NULL);
        cell_text(&c[3], l.project_title)->href =
            arena_printf(r->arena, "/projects/%lld", (long long)l.project_id);
        cell_text(&c[4], l.lead_name);
        cell_text(&c[5], fund_category_label(r, l.category));
        yuan(&c[6], l.amount_fen);
        yuan(&c[7], l.spent_fen);
        yuan(&c[8], l.pending_fen);
        yuan(&c[9], l.amount_fen - l.spent_fen);
        cell_text(&c[10], l.note);
        cell_num(&c[11], (double)l.fund_id, 0, NULL);
        n++;
    }
    db_done(s);
    return t;
}

Table *fund_exps_table(Req *r, DbStmt *s, int64_t limit)
{
    Table *t = table_new(r->arena, "expenditures", T(r, "Expenditures"), 15, T(r, "No."),
                         T(r, "Line"), T(r, "Project"), T(r, "Category"), T(r, "Amount (yuan)"),
                         T(r, "Date"), T(r, "Payee"), T(r, "Voucher"), T(r, "Status"),
                         T(r, "Recorded by"), T(r, "First approval"), T(r, "Second approval"),
                         T(r, "Rejected by"), T(r, "Reason"), T(r, "Fund no."));
    int n = 0;
    while (s && db_step(s) == DB_ROW && n < limit) {
        Expenditure e;
        exp_row(s, r->arena, &e);
        Cell *c = table_row(r->arena, t);
        cell_num(&c[0], (double)e.id, 0, NULL);
        cell_num(&c[1], (double)e.line_id, 0, NULL);
        cell_text(&c[2], e.project_title)->href =
            arena_printf(r->arena, "/projects/%lld", (long long)e.project_id);
        cell_text(&c[3], fund_category_label(r, e.category));
        yuan(&c[4], e.amount_fen);
        cell_text(&c[5], e.spent_on);
        cell_text(&c[6], e.payee);
        cell_text(&c[7], e.voucher);
        cell_text(&c[8], exp_state_text(r, &e));
        cell_text(&c[9], e.created_by);
        cell_text(&c[10], e.approver1 ? e.approver1 : "");
        cell_text(&c[11], e.approver2 ? e.approver2 : "");
        cell_text(&c[12], e.rejected_by ? e.rejected_by : "");
        cell_text(&c[13], e.reject_reason ? e.reject_reason : "");
        cell_num(&c[14], (double)e.fund_id, 0, NULL);
        n++;
    }
    db_done(s);
    return t;
}

/* ---- the auditor's chain ---------------------------------------------------------------- */

/* Appends the audit records of objects of `kind` whose keys the subquery (bound
 * to fund_id) yields, to the arrays of obj (kind:key → array). */
static int chain_audit(Req *r, json_t *index, const char *sql, int64_t fund_id)
{
    DbStmt *s = db_q(r->db, sql, "i", fund_id);
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *k = arena_printf(r->arena, "%s:%s", db_col_text(s, 5), db_col_text(s, 6));
        json_t *arr = json_object_get(index, k);
        if (!arr) {
            arr = json_array();
            json_object_set_new(index, k, arr);
        }
        json_array_append_new(
            arr, json_pack("{s:I,s:I,s:s,s:s,s:s}", "seq", (json_int_t)db_col_int(s, 0), "at",
                           (json_int_t)db_col_int(s, 1), "actor", db_col_text(s, 2), "action",
                           db_col_text(s, 3), "hash", db_col_text(s, 4)));
    }
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

#define AUDIT_COLS "SELECT a.seq, a.at, a.actor, a.action, a.hash, a.object_kind, a.object_key"

static json_t *records_of(json_t *index, const char *kind, int64_t id)
{
    char k[64];
    snprintf(k, sizeof k, "%s:%lld", kind, (long long)id);
    json_t *a = json_object_get(index, k);
    return a ? json_incref(a) : json_array();
}

json_t *fund_chain(Req *r, const Fund *f)
{
    json_t *index = json_object();
    if (chain_audit(r, index,
                    AUDIT_COLS " FROM audit a WHERE a.object_kind = 'fund'"
                               " AND a.object_key = CAST(CAST(? AS BIGINT) AS TEXT) ORDER BY a.seq",
                    f->id) ||
        chain_audit(r, index,
                    AUDIT_COLS " FROM audit a WHERE a.object_kind = 'budget_line' AND a.object_key"
                               " IN (SELECT CAST(x.id AS TEXT) FROM budget_lines x"
                               " WHERE x.fund_id = ?) ORDER BY a.seq",
                    f->id) ||
        chain_audit(r, index,
                    AUDIT_COLS " FROM audit a WHERE a.object_kind = 'expenditure' AND a.object_key"
                               " IN (SELECT CAST(x.id AS TEXT) FROM expenditures x"
                               " JOIN budget_lines y ON y.id = x.line_id WHERE y.fund_id = ?)"
                               " ORDER BY a.seq",
                    f->id)) {
        json_decref(index);
        return NULL;
    }
    json_t *fj = fund_json(f);
    json_object_set_new(fj, "audit", records_of(index, "fund", f->id));
    json_t *lines = json_array();
    FundFilter lf = {.fund_id = f->id, .limit = 100000};
    DbStmt *s = line_list_query(r, &lf);
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        BudgetLine l;
        line_row(s, r->arena, &l);
        json_t *lj = line_json(&l);
        json_object_set_new(lj, "audit", records_of(index, "budget_line", l.id));
        json_object_set_new(lj, "expenditures", json_array());
        json_array_append_new(lines, lj);
    }
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(lines);
        json_decref(fj);
        json_decref(index);
        return NULL;
    }
    /* expenditures under their lines, oldest first */
    FundFilter ef = {.fund_id = f->id, .limit = 100000};
    s = exp_list_query(r, &ef);
    rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        Expenditure e;
        exp_row(s, r->arena, &e);
        json_t *ej = exp_json(&e);
        json_object_set_new(ej, "audit", records_of(index, "expenditure", e.id));
        size_t i;
        json_t *lj;
        json_array_foreach(lines, i, lj)
        {
            if (json_integer_value(json_object_get(lj, "id")) == e.line_id) {
                json_array_insert_new(json_object_get(lj, "expenditures"), 0, ej);
                ej = NULL;
                break;
            }
        }
        json_decref(ej);
    }
    db_done(s);
    json_decref(index);
    if (rc != DB_DONE) {
        json_decref(lines);
        json_decref(fj);
        return NULL;
    }
    /* lines oldest first too */
    json_t *ordered = json_array();
    for (size_t i = json_array_size(lines); i > 0; i--)
        json_array_append(ordered, json_array_get(lines, i - 1));
    json_decref(lines);
    return json_pack("{s:o,s:o}", "fund", fj, "lines", ordered);
}

/* Loads the fund of the path for the chain: 1, or 0 with the answer sent. */
int fund_chain_load(Req *r, Fund *f)
{
    int64_t id = fund_id_param(r);
    int found = id ? fund_load(r->db, r->arena, id, f) : 0;
    int vis = found == 1 ? fund_visible(r, id) : found;
    if (vis < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return 0;
    }
    if (!vis) {
        req_not_found(r);
        return 0;
    }
    if (!can(r, CAP_AUDIT_READ, f->owner_path)) {
        req_error(r, 403, "forbidden",
                  T(r, "The chain is read with audit.read reaching the fund's owner."));
        return 0;
    }
    return 1;
}

void fund_api_chain(Req *r)
{
    Fund f;
    if (!fund_chain_load(r, &f)) return;
    json_t *c = fund_chain(r, &f);
    if (!c) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_send_json(r, 200, c);
}

/* ---- the auditor's chain, as a page
 * ----------------------------------------------------------------- */

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}
static int64_t jint(json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

static void audit_list(Req *r, json_t *records)
{
    size_t i;
    json_t *a;
    if (!json_array_size(records)) {
        hf(r, "<p class=note>%s</p>", T(r, "No audit records."));
        return;
    }
    hf(r,
       "<div class=scroll><table class=audit><thead><tr><th scope=col>%s</th><th scope=col>%s"
       "</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "No."), T(r, "When"), T(r, "Who"), T(r, "Action"), T(r, "Hash"));
    json_array_foreach(records, i, a)
    {
        const char *h = jstr(a, "hash");
        hf(r,
           "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td>"
           "<td><code title=\"%s\">%s…</code></td></tr>",
           (long long)jint(a, "seq"), fmt_time(r->arena, jint(a, "at")), jstr(a, "actor"),
           jstr(a, "action"), h, arena_strndup(r->arena, h, strnlen(h, 16)));
    }
    H(r, "</tbody></table></div>");
}

void fund_page_audit(Req *r)
{
    Fund f;
    if (!fund_chain_load(r, &f)) return;
    json_t *c = fund_chain(r, &f);
    if (!c) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    page_begin(r, arena_printf(r->arena, "%s · %s", f.name, T(r, "The chain")));
    hf(r,
       "<nav class=crumbs><a href=\"/funds\">%s</a> › <a href=\"/funds/%lld\">%s</a></nav>"
       "<h1>%s <small>%s</small></h1>",
       T(r, "Funds"), (long long)f.id, f.name, f.name,
       T(r, "budget → approval → expenditure → audit record"));
    hf(r, "<p class=note>%s</p>",
       T(r, "Read-only. Every step of the fund's money with the audit records that witness it; "
            "huiju check recomputes their hash chain."));
    hf(r, "<h2>%s</h2><p>%s %s · %s %s · %s %s</p>", T(r, "The fund"), T(r, "Amount (yuan)"),
       fen_text(r->arena, f.amount_fen), T(r, "Committed to lines (yuan)"),
       fen_text(r->arena, f.committed_fen), T(r, "Spent (yuan)"), fen_text(r->arena, f.spent_fen));
    audit_list(r, json_object_get(json_object_get(c, "fund"), "audit"));
    size_t i, j;
    json_t *l, *e;
    json_array_foreach(json_object_get(c, "lines"), i, l)
    {
        hf(r, "<section class=card><h2>%s #%lld · %s · %s</h2><p>%s %s · %s %s · %s %s</p>",
           T(r, "Budget line"), (long long)jint(l, "id"), jstr(l, "project_title"),
           fund_category_label(r, jstr(l, "category")), T(r, "Budget (yuan)"),
           fen_text(r->arena, jint(l, "amount_fen")), T(r, "Spent (yuan)"),
           fen_text(r->arena, jint(l, "spent_fen")), T(r, "Pending (yuan)"),
           fen_text(r->arena, jint(l, "pending_fen")));
        audit_list(r, json_object_get(l, "audit"));
        json_array_foreach(json_object_get(l, "expenditures"), j, e)
        {
            hf(r, "<h3>%s #%lld · %s · %s · %s (%s)</h3>", T(r, "Expenditure"),
               (long long)jint(e, "id"), fen_text(r->arena, jint(e, "amount_fen")),
               jstr(e, "spent_on"), jstr(e, "payee"), jstr(e, "voucher"));
            hf(r, "<p>%s: %s, %s", T(r, "Recorded"), jstr(e, "created_by"),
               fmt_time(r->arena, jint(e, "created_at")));
            size_t k;
            json_t *ap;
            json_array_foreach(json_object_get(e, "approvals"), k, ap)
                hf(r, " · %s %lld: %s, %s", T(r, "approval"), (long long)jint(ap, "step"),
                   jstr(ap, "by"), fmt_time(r->arena, jint(ap, "at")));
            if (json_is_string(json_object_get(e, "rejected_by")))
                hf(r, " · %s: %s (%s)", T(r, "rejected"), jstr(e, "rejected_by"),
                   jstr(e, "reject_reason"));
            hf(r, " · <b>%s</b></p>", fund_exp_status_label(r, jstr(e, "status")));
            audit_list(r, json_object_get(e, "audit"));
        }
        H(r, "</section>");
    }
    json_decref(c);
    page_end(r);
}

/* ---- Excel --------------------------------------------------------------------------------- */

static void sheet1(Req *r, Book *b, const char *name, Table *t)
{
    Table **ts = arena_alloc(r->arena, sizeof *ts);
    ts[0] = t;
    book_sheet(b, name, ts, 1);
}

void fund_xlsx(Req *r)
{
    FundFilter f;
    FundBy by;
    if (!summary_params(r, &f, &by)) return;
    FundSummary sm[4];
    for (int i = 0; i < 4; i++)
        if (fund_summary(r, &f, (FundBy)i, &sm[i])) {
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
            return;
        }
    FundFilter all = f;
    all.limit = 200000;
    int64_t last;
    int more;
    Book *b = book_new(r);
    sheet1(r, b, T(r, "Funds"),
           fund_funds_table(r, fund_list_query(r, &all), all.limit, &last, &more));
    sheet1(r, b, T(r, "Budget lines"), fund_lines_table(r, line_list_query(r, &all), all.limit));
    sheet1(r, b, T(r, "Expenditures"), fund_exps_table(r, exp_list_query(r, &all), all.limit));
    sheet1(r, b, T(r, "By project"), fund_sum_table(r, &sm[BY_PROJECT], BY_PROJECT));
    sheet1(r, b, T(r, "By fund"), fund_sum_table(r, &sm[BY_FUND], BY_FUND));
    sheet1(r, b, T(r, "By category"), fund_sum_table(r, &sm[BY_CATEGORY], BY_CATEGORY));
    sheet1(r, b, T(r, "By unit"), fund_sum_table(r, &sm[BY_UNIT], BY_UNIT));
    sheet1(r, b, T(r, "Software share"), fund_share_table(r, &sm[0]));
    sheet1(r, b, T(r, "Funding by year"), fund_funding_table(r, &sm[0]));
    const char *y = f.year ? arena_printf(r->arena, "-%lld", (long long)f.year) : "";
    book_send(b, arena_printf(r->arena, "funds-%s%s.xlsx", f.org_code, y),
              arena_printf(r->arena, "%s-%s%s.xlsx", f.org_code, T(r, "Funds"), y));
}

void fund_one_xlsx(Req *r)
{
    int64_t id = fund_id_param(r);
    Fund fd;
    int found = id ? fund_load(r->db, r->arena, id, &fd) : 0;
    int vis = found == 1 ? fund_visible(r, id) : found;
    if (vis < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (!vis) {
        req_not_found(r);
        return;
    }
    FundFilter f = {.fund_id = id, .limit = 200000};
    int64_t last;
    int more;
    Book *b = book_new(r);
    sheet1(r, b, T(r, "Fund"),
           fund_funds_table(r,
                            db_q(r->db, "SELECT " FUND_COLS FUND_FROM " WHERE f.id = ?", "i", id),
                            1, &last, &more));
    sheet1(r, b, T(r, "Budget lines"), fund_lines_table(r, line_list_query(r, &f), f.limit));
    sheet1(r, b, T(r, "Expenditures"), fund_exps_table(r, exp_list_query(r, &f), f.limit));
    book_send(b, arena_printf(r->arena, "fund-%lld.xlsx", (long long)id),
              arena_printf(r->arena, "%s-%lld.xlsx", T(r, "Fund"), (long long)id));
}
