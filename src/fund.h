/* fund.h — capability 10: earmarked funds (经费, 专款专用).
 *
 * A fund (source, name, owner organisation, year, amount) is drawn on by budget
 * lines, each for one project and one category (hardware; software = training
 * and course development; personnel; other); expenditures are recorded against
 * a line and approved by the fund's owner — from the fund's dual_approval_fen
 * on, by two different people. Money is integer fen everywhere.
 *
 * Earmarking is enforced where money is committed, by ONE conditional UPDATE
 * whose changed-row count decides, so that two server processes on the same
 * PostgreSQL database can never overspend together:
 *   a line draws on its fund:   funds.committed_fen + x <= funds.amount_fen
 *   an approval spends a line:  budget_lines.spent_fen + x <= budget_lines.amount_fen,
 *                               in the transaction that moves the expenditure
 *                               from pending (WHERE status = 'pending'), so a double
 *                               final approval cannot spend twice;
 *   a fund's amount never goes below its committed_fen, a line's never below its
 *   spent_fen; an expenditure's project and category are its line's (422 when the
 *   client says otherwise); a voucher number is recorded once per line (409;
 *   a rejected expenditure frees its voucher for a corrected one).
 * spent_on is a real date, not in the future, and in the fund's year or the
 * year before or after (money of 2025 pays a 2024 invoice or a 2026 one, no
 * older or later).
 *
 * Who: a fund is created and changed by fund.write reaching its owner (the
 * region, a prefecture, a county or a partner organisation); lines likewise. An
 * expenditure is recorded by fund.write reaching the project's lead organisation
 * or the fund's owner, and approved or rejected by fund.approve reaching the
 * fund's owner — never by the person who recorded it, and the second approval
 * never by the first approver. A fund is visible to data.read reaching its owner
 * or the lead organisation of a project with a line on it; a line and its
 * expenditures to whoever sees the fund through its owner or sees the line's
 * project (project.h). Grants of the evaluator role never give reach over funds.
 * Out of reach answers 404, exactly like missing.
 *
 * Figures (feed.h), recomputed in the transaction of every change that moves
 * them: funding_total at the owner for the fund's year (yuan), funding_growth at
 * the region root for every year that has a previous one, spending_total and
 * spending_software at the project's lead organisation for the year of spent_on
 * (approved expenditures, yuan).
 *
 * Files: fund.c (model, rules, store, feeds), fund_write.c (the writes),
 * fund_api.c (the JSON API, lists), fund_view.c (the summary views, the
 * auditor's chain, Excel), fund_page.c (pages and the project page's section),
 * fund_demo.c (the demo's funds). */
#ifndef HUIJU_FUND_H
#define HUIJU_FUND_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/roles.h"
#include "db/db.h"
#include "http/req.h"
#include "project.h"
#include "report.h"

/* ---- pure logic (tests/unit/test_fund.c) ---- */

/* NULL-terminated, in display order. */
extern const char *const fund_sources[];      /* government enterprise donation reward */
extern const char *const fund_categories[];   /* hardware software personnel other */
extern const char *const fund_exp_statuses[]; /* pending approved rejected */
int fund_source_ok(const char *s);
int fund_category_ok(const char *s);

/* What an approval by `who` does to an expenditure of amount_fen recorded by
 * `recorder`, in status `status`, whose first approval (NULL: none yet) was by
 * approver1, on a fund whose dual threshold is threshold_fen. */
typedef enum {
    APPROVE_FINAL,       /* the approval completes it: the money moves */
    APPROVE_FIRST,       /* the first of two approvals: recorded, nothing moves */
    APPROVE_NOT_PENDING, /* 409: only a pending expenditure is approved */
    APPROVE_OWN,         /* 403: nobody approves what they recorded */
    APPROVE_SAME_PERSON  /* 409: the second approval is another person's */
} ApproveStep;
ApproveStep fund_approve_step(const char *status, const char *recorder, const char *approver1,
                              int64_t amount_fen, int64_t threshold_fen, const char *who);
/* Whether an amount needs two approvers under this threshold. */
int fund_needs_two(int64_t amount_fen, int64_t threshold_fen);
/* Whether spent_on (YYYY-MM-DD) is a real date, not after today (YYYY-MM-DD),
 * and of fund_year − 1, fund_year or fund_year + 1: 1, else 0. */
int fund_spent_on_ok(const char *spent_on, const char *today, int fund_year);
/* Year-on-year growth in percent: 1 and *pct when prev > 0, else 0. */
int fund_growth_pct(int64_t prev_fen, int64_t cur_fen, double *pct);
/* The largest amount anywhere: 10^13 fen (100 billion yuan), as fen_parse. */
#define FUND_FEN_MAX INT64_C(10000000000000)
/* Reads an amount for the API: a JSON integer of fen in [min, 10^13]. 1 or 0. */
int fund_json_fen(json_t *v, int64_t min, int64_t *out);
/* Reads an amount typed in a form, in yuan (fen_parse), at least min fen. 1 or 0. */
int fund_form_fen(const char *s, int64_t min, int64_t *out);

/* ---- the objects ---- */

typedef struct Fund {
    int64_t id, owner_id, amount_fen, committed_fen, spent_fen, dual_approval_fen;
    int year;
    const char *source, *name, *owner_code, *owner_name, *owner_name_en, *owner_path, *owner_kind,
        *created_by;
    int64_t created_at, updated_at;
} Fund;

typedef struct BudgetLine {
    int64_t id, fund_id, project_id, amount_fen, spent_fen, pending_fen;
    const char *category, *note, *created_by;
    int64_t created_at, updated_at;
    /* from the fund and the project */
    const char *fund_name, *owner_code, *owner_path, *project_title, *project_status, *lead_code,
        *lead_name, *lead_path;
    int fund_year;
    int64_t dual_approval_fen, owner_id, lead_id;
} BudgetLine;

typedef struct Expenditure {
    int64_t id, line_id, project_id, amount_fen;
    const char *category, *spent_on, *payee, *voucher, *note, *status, *approver1, *approver2,
        *rejected_by, *reject_reason, *created_by;
    int64_t approved1_at, approved2_at, rejected_at, created_at, updated_at;
    /* from the line, its fund and its project */
    int64_t fund_id, dual_approval_fen, lead_id;
    int fund_year;
    const char *fund_name, *owner_code, *owner_path, *project_title, *lead_code, *lead_path;
} Expenditure;

/* Load by id (strings in arena a), no scope check: 1 found, 0 not, -1 error. */
int fund_load(Db *db, Arena *a, int64_t id, Fund *out);
int line_load(Db *db, Arena *a, int64_t id, BudgetLine *out);
int exp_load(Db *db, Arena *a, int64_t id, Expenditure *out);

/* Visibility (see above): 1 visible, 0 not (or missing), -1 error. */
int fund_visible(Req *r, int64_t fund_id);
int line_visible(Req *r, int64_t line_id);
/* Whether the caller holds c reaching the organisation with this path through a
 * grant that is not the evaluator's. */
int fund_can(Req *r, Cap c, const char *path);
/* Whether the caller may record an expenditure on line l. */
int line_may_record(Req *r, const BudgetLine *l);
/* Whether the caller may approve or reject e (fund.approve at the owner, not the
 * recorder, not the first approver). */
int exp_may_decide(Req *r, const Expenditure *e);

/* The objects as the API shows them (new references). */
json_t *fund_json(const Fund *f);
json_t *line_json(const BudgetLine *l);
json_t *exp_json(const Expenditure *e);

/* Labels in the request's language (static text). */
const char *fund_source_label(Req *r, const char *source);
const char *fund_category_label(Req *r, const char *category);
const char *fund_exp_status_label(Req *r, const char *status);
/* "pending (1 of 2 approvals)" and the like, for an expenditure. */
const char *exp_state_text(Req *r, const Expenditure *e);

/* ---- writes: one result type, shared by the API and the pages ---- */

typedef enum {
    FUND_OK,
    FUND_INVALID,   /* 422: err.field and err.why */
    FUND_NOT_FOUND, /* 404: missing or out of reach */
    FUND_FORBIDDEN, /* 403: err.why */
    FUND_CONFLICT,  /* 409: err.why (an earmarking rule, a state) */
    FUND_ERROR      /* 503: database error or busy */
} FundResult;

typedef struct FundErr {
    const char *field, *why;
    int has_left; /* a 409 of an earmarking rule: what is left */
    int64_t left_fen;
} FundErr;

/* What a create or a change carries; has_ flags say what was given. */
typedef struct FundInput {
    const char *source, *name, *owner;
    int64_t year, amount_fen, dual_approval_fen;
    int has_source, has_name, has_owner, has_year, has_amount, has_dual;
} FundInput;

typedef struct LineInput {
    int64_t fund_id, project_id, amount_fen;
    const char *category, *note;
    int has_project, has_category, has_amount, has_note;
} LineInput;

typedef struct ExpInput {
    int64_t line_id, project_id, amount_fen;
    const char *category, *spent_on, *payee, *voucher, *note;
    int has_line, has_project, has_category, has_amount;
} ExpInput;

/* Each checks, writes in one transaction with its audit record and its
 * figures, and fills *out with the object as it now stands. */
FundResult fund_create(Req *r, const FundInput *in, Fund *out, FundErr *err);
FundResult fund_update(Req *r, int64_t id, const FundInput *in, Fund *out, FundErr *err);
FundResult line_create(Req *r, const LineInput *in, BudgetLine *out, FundErr *err);
FundResult line_update(Req *r, int64_t id, const LineInput *in, BudgetLine *out, FundErr *err);
FundResult exp_create(Req *r, const ExpInput *in, Expenditure *out, FundErr *err);
FundResult exp_approve(Req *r, int64_t id, Expenditure *out, FundErr *err);
FundResult exp_reject(Req *r, int64_t id, const char *reason, Expenditure *out, FundErr *err);

/* ---- the store's primitives (also for the unit tests) ---- */

/* Commits delta fen of fund id to a line (negative: releases): 1 done, 0 when
 * the fund has not that much left, -1 error. Inside the caller's transaction. */
int fund_commit(Db *db, int64_t fund_id, int64_t delta_fen);
/* Spends amount fen of line id: 1 done, 0 when it would exceed the line, -1 error. */
int line_spend(Db *db, int64_t line_id, int64_t amount_fen);
/* Recomputes funding_total of owner_id for year and funding_growth of year and
 * year + 1 (feed.h), as actor, inside the caller's transaction. 0 or -1. */
int fund_feed_funding(Db *db, const char *actor, int64_t owner_id, int year);
/* Recomputes spending_total and spending_software of lead organisation lead_id
 * for year. 0 or -1. */
int fund_feed_spending(Db *db, const char *actor, int64_t lead_id, int year);

/* The demo's funds, budget lines and expenditures (fund_demo.c): its own
 * transaction. 0, or 1 with err set. */
int fund_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);

/* ---- visibility as SQL, for the lists (fund_view.c, fund_page.c) ---- */

/* True when the path column col is reached by one of the caller's grants (not
 * the evaluator's) holding cap. Binds the user id (i) and the cap name (s). */
#define FUND_REACH_SQL(col)                                                                        \
    "EXISTS (SELECT 1 FROM grants g JOIN orgs go ON go.id = g.org_id"                              \
    " JOIN role_caps rc ON rc.role = g.role WHERE g.user_id = ? AND rc.cap = ?"                    \
    " AND g.role <> 'evaluator' AND substr(" col ", 1, length(go.path)) = go.path)"
/* A fund f (alias) with owner path column `opath` is visible. Binds "isis":
 * FUND_VISIBLE_ARGS(r). */
#define FUND_VISIBLE_SQL(f, opath)                                                                 \
    "(" FUND_REACH_SQL(                                                                            \
        opath) " OR EXISTS (SELECT 1 FROM budget_lines vl"                                         \
               " JOIN projects vp ON vp.id = vl.project_id JOIN orgs vo ON vo.id = vp.lead_org_id" \
               " WHERE vl.fund_id = " f ".id AND " FUND_REACH_SQL("vo.path") "))"
#define FUND_VISIBLE_ARGS(r)                                                                       \
    (r)->auth.user_id, cap_name(CAP_DATA_READ), (r)->auth.user_id, cap_name(CAP_DATA_READ)
/* A line whose project id column is `pcol` and fund owner path `opath` is
 * visible. Binds "isisisi": LINE_VISIBLE_ARGS(r). */
#define LINE_VISIBLE_SQL(pcol, opath) "(" FUND_REACH_SQL(opath) " OR " PROJECT_REACH_SQL(pcol) ")"
#define LINE_VISIBLE_ARGS(r)                                                                       \
    (r)->auth.user_id, cap_name(CAP_DATA_READ), PROJECT_REACH_ARGS(r, CAP_DATA_READ)

/* ---- internal to the fund_*.c files ---- */

/* The columns of fund_row / line_row / exp_row and the joins they need (aliases
 * f, fo the owner, bl, p the project, lo its lead, e). */
#define FUND_COLS                                                                                  \
    "f.id, f.source, f.name, f.owner_org_id, fo.code, fo.name_zh, fo.name_en, fo.path, fo.kind,"   \
    " f.year, f.amount_fen, f.committed_fen, f.dual_approval_fen, f.created_by, f.created_at,"     \
    " f.updated_at, COALESCE((SELECT SUM(x.spent_fen) FROM budget_lines x"                         \
    " WHERE x.fund_id = f.id), 0)"
#define FUND_FROM " FROM funds f JOIN orgs fo ON fo.id = f.owner_org_id"
#define LINE_COLS                                                                                  \
    "bl.id, bl.fund_id, bl.project_id, bl.category, bl.amount_fen, bl.spent_fen, bl.note,"         \
    " bl.created_by, bl.created_at, bl.updated_at, f.name, fo.code, fo.path, f.year,"              \
    " f.dual_approval_fen, f.owner_org_id, p.title, p.status, lo.code, lo.name_zh, lo.path,"       \
    " p.lead_org_id, COALESCE((SELECT SUM(pe.amount_fen) FROM expenditures pe"                     \
    " WHERE pe.line_id = bl.id AND pe.status = 'pending'), 0)"
#define LINE_FROM                                                                                  \
    " FROM budget_lines bl JOIN funds f ON f.id = bl.fund_id"                                      \
    " JOIN orgs fo ON fo.id = f.owner_org_id JOIN projects p ON p.id = bl.project_id"              \
    " JOIN orgs lo ON lo.id = p.lead_org_id"
#define EXP_COLS                                                                                   \
    "e.id, e.line_id, e.project_id, e.category, e.amount_fen, e.spent_on, e.payee, e.voucher,"     \
    " e.note, e.status, e.approver1, e.approved1_at, e.approver2, e.approved2_at, e.rejected_by,"  \
    " e.rejected_at, e.reject_reason, e.created_by, e.created_at, e.updated_at, bl.fund_id,"       \
    " f.dual_approval_fen, f.year, f.name, fo.code, fo.path, p.title, lo.code, lo.path,"           \
    " p.lead_org_id"
#define EXP_FROM                                                                                   \
    " FROM expenditures e JOIN budget_lines bl ON bl.id = e.line_id"                               \
    " JOIN funds f ON f.id = bl.fund_id JOIN orgs fo ON fo.id = f.owner_org_id"                    \
    " JOIN projects p ON p.id = bl.project_id JOIN orgs lo ON lo.id = p.lead_org_id"
/* The unit conditions: the owner (FUND_…) or the owner or the lead (LINE_…) in
 * the subtree of a bound path, or no unit (NULL). Bind the path 3 / 5 times. */
#define FUND_IN_UNIT(col) "substr(" col ", 1, length(CAST(? AS TEXT))) = CAST(? AS TEXT)"
#define FUND_UNIT_SQL "(CAST(? AS TEXT) IS NULL OR " FUND_IN_UNIT("fo.path") ")"
#define LINE_UNIT_SQL                                                                              \
    "(CAST(? AS TEXT) IS NULL OR " FUND_IN_UNIT("fo.path") " OR " FUND_IN_UNIT("lo.path") ")"
/* The visibility conditions with the aliases above. */
#define FUND_VISIBLE_F FUND_VISIBLE_SQL("f", "fo.path")
#define LINE_VISIBLE_BL LINE_VISIBLE_SQL("bl.project_id", "fo.path")

/* The list filter (query parameters org, year, fund, project, line, category,
 * status, source, limit, cursor), checked. */
typedef struct FundFilter {
    const char *org_path, *org_code; /* the unit: owner or lead in its subtree */
    int64_t org_id;
    int64_t year; /* the fund's year; 0 any */
    int64_t fund_id, project_id, line_id;
    const char *category, *status, *source;
    int64_t before_id, limit;
} FundFilter;
/* Reads the filter; 1, or 0 with a 400 or 404 sent (an org out of reach is 404). */
int fund_filter_from_query(Req *r, FundFilter *f, int64_t default_limit);
/* Scoped lists (newest first, limit + 1 rows); NULL on error. Rows by the
 * matching _row function. */
DbStmt *fund_list_query(Req *r, const FundFilter *f);
DbStmt *line_list_query(Req *r, const FundFilter *f);
DbStmt *exp_list_query(Req *r, const FundFilter *f);
void fund_row(DbStmt *s, Arena *a, Fund *f);
void line_row(DbStmt *s, Arena *a, BudgetLine *l);
void exp_row(DbStmt *s, Arena *a, Expenditure *e);
/* Parses a positive id from path parameter "id"; 0 when it is not one. */
int64_t fund_id_param(Req *r);
/* Today in Asia/Shanghai as YYYY-MM-DD (arena text), and its year. */
const char *fund_today(Arena *a);
int fund_this_year(void);
/* The owner's / lead's display name in the request's language. */
const char *fund_owner_name(Req *r, const Fund *f);

/* The summary of a unit (fund_view.c): lines of funds owned in its subtree or
 * of projects led there, visible to the caller, of funds of `year` (0: all). */
typedef enum { BY_PROJECT, BY_FUND, BY_CATEGORY, BY_UNIT } FundBy;
typedef struct SumRow {
    const char *key, *label, *href;
    int64_t budget_fen, spent_fen, pending_fen, software_fen, lines;
} SumRow;
typedef struct YearRow {
    int year;
    int64_t a_fen, b_fen; /* software and all approved; or funding */
    int has_pct;
    double pct; /* share, or growth */
} YearRow;
typedef struct FundSummary {
    SumRow *rows;
    int nrows;
    SumRow total;
    YearRow *share; /* software share by year of spending */
    int nshare;
    YearRow *funding; /* funding by year with growth (funds owned in the unit) */
    int nfunding;
} FundSummary;
/* Computes the summary for the unit in f (f->org_path, f->year) grouped by `by`.
 * 0, or -1 on a database error. Everything in r's arena. */
int fund_summary(Req *r, const FundFilter *f, FundBy by, FundSummary *out);
/* "project", "fund", "category", "unit" → 1 and *by; else 0. */
int fund_by_parse(const char *s, FundBy *by);
/* The default unit of the caller for the views: their first data.read grant's org
 * (code, arena text), or NULL. */
const char *fund_default_unit(Req *r);

/* The tables of the views (fund_view.c), for the pages and the workbooks; the
 * list tables consume the statement (and give it back). */
Table *fund_sum_table(Req *r, const FundSummary *sm, FundBy by);
Table *fund_share_table(Req *r, const FundSummary *sm);
Table *fund_funding_table(Req *r, const FundSummary *sm);
Table *fund_funds_table(Req *r, DbStmt *s, int64_t limit, int64_t *last, int *more);
Table *fund_lines_table(Req *r, DbStmt *s, int64_t limit);
Table *fund_exps_table(Req *r, DbStmt *s, int64_t limit);
/* The auditor's chain of fund f: {fund, lines: [{…, audit, expenditures: [{…,
 * approvals, audit}]}]} with the audit records (seq, at, actor, action, hash) of
 * every object, oldest first. New reference; NULL on a database error. */
json_t *fund_chain(Req *r, const Fund *f);
/* Loads the fund of the path for the chain (visible, audit.read at its owner):
 * 1, or 0 with the answer (404, 403, 503) sent. */
int fund_chain_load(Req *r, Fund *f);

/* ---- handlers ---- */

void fund_api_list(Req *r);    /* GET /api/v1/funds */
void fund_api_create(Req *r);  /* POST /api/v1/funds */
void fund_api_get(Req *r);     /* GET /api/v1/funds/{id} */
void fund_api_patch(Req *r);   /* PATCH /api/v1/funds/{id} */
void fund_api_summary(Req *r); /* GET /api/v1/funds/summary */
void fund_api_chain(Req *r);   /* GET /api/v1/funds/{id}/chain */
void line_api_list(Req *r);    /* GET /api/v1/budget-lines */
void line_api_create(Req *r);  /* POST /api/v1/budget-lines */
void line_api_get(Req *r);     /* GET /api/v1/budget-lines/{id} */
void line_api_patch(Req *r);   /* PATCH /api/v1/budget-lines/{id} */
void exp_api_list(Req *r);     /* GET /api/v1/expenditures */
void exp_api_create(Req *r);   /* POST /api/v1/expenditures */
void exp_api_get(Req *r);      /* GET /api/v1/expenditures/{id} */
void exp_api_approve(Req *r);  /* POST /api/v1/expenditures/{id}/approve */
void exp_api_reject(Req *r);   /* POST /api/v1/expenditures/{id}/reject */

void fund_page_index(Req *r);  /* GET /funds */
void fund_page_new(Req *r);    /* GET /funds/new */
void fund_page_create(Req *r); /* POST /funds */
void fund_page_show(Req *r);   /* GET /funds/{id} */
void fund_page_update(Req *r); /* POST /funds/{id} */
void fund_page_audit(Req *r);  /* GET /funds/{id}/audit */
void line_page_create(Req *r); /* POST /funds/{id}/lines */
void line_page_update(Req *r); /* POST /budget-lines/{id} */
void exp_page_create(Req *r);  /* POST /expenditures */
void exp_page_approve(Req *r); /* POST /expenditures/{id}/approve */
void exp_page_reject(Req *r);  /* POST /expenditures/{id}/reject */
void fund_xlsx(Req *r);        /* GET /funds.xlsx */
void fund_one_xlsx(Req *r);    /* GET /funds/{id}.xlsx */

#endif
