/* fund_page.c — the fund pages (fund.h): the funds in reach with the summary
 * views, a new fund, one fund with its lines, expenditures and forms, the forms'
 * handlers, and the funds section of the project page.
 * Phone-first and complete without JavaScript; money is typed and shown in
 * yuan, kept in fen. The auditor's chain page is in fund_view.c. */
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

/* ---- small pieces ------------------------------------------------------------------ */

static const char *yuan(Req *r, int64_t fen)
{
    return fen_text(r->arena, fen);
}

/* The value of a form field to show again: what was typed into form `form` when
 * the page re-shows that form after a refusal, else dflt. */
typedef struct Kept {
    const char *form; /* "fund", "edit", "line", "exp", "reject", or NULL */
    const char *field, *why;
    int64_t id; /* the expenditure of a refused rejection */
} Kept;

static const char *kv(Req *r, const Kept *k, const char *form, const char *name, const char *dflt)
{
    if (k && k->form && !strcmp(k->form, form)) {
        const char *v = req_form(r, name);
        if (v) return v;
    }
    return dflt ? dflt : "";
}

static void field_error(Req *r, const Kept *k, const char *form, const char *field)
{
    if (k && k->form && !strcmp(k->form, form) && k->field && !strcmp(k->field, field))
        hf(r, "<span class=field-error>%s</span>", k->why);
}

/* The form's field for an amount of the API (amount_fen) is "amount" in yuan. */
static const char *form_field(const char *api_field)
{
    if (!api_field) return NULL;
    if (!strcmp(api_field, "amount_fen")) return "amount";
    if (!strcmp(api_field, "dual_approval_fen")) return "dual_approval";
    return api_field;
}

static void options(Req *r, const char *const *values, const char *current,
                    const char *(*label)(Req *, const char *), int blank)
{
    if (blank) hf(r, "<option value=\"\">%s</option>", T(r, "All"));
    for (const char *const *v = values; *v; v++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *v,
           current && !strcmp(current, *v) ? " selected" : "", label(r, *v));
}

static void status_tag(Req *r, const Expenditure *e)
{
    hf(r, "<span class=\"tag exp-%s\">%s</span>", e->status, exp_state_text(r, e));
}

/* Where a form returns to: "project:ID" → the project page, else the fund page. */
static const char *back_to(Req *r, int64_t fund_id)
{
    const char *b = req_form(r, "back");
    int64_t pid;
    if (b && !strncmp(b, "project:", 8) && parse_int(b + 8, 1, INT64_MAX / 2, &pid))
        return arena_printf(r->arena, "/projects/%lld", (long long)pid);
    return arena_printf(r->arena, "/funds/%lld", (long long)fund_id);
}

static const char *result_text(Req *r, FundResult res, const FundErr *err)
{
    switch (res) {
    case FUND_INVALID:
        return arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), form_field(err->field),
                            err->why);
    case FUND_FORBIDDEN:
        return err->why ? err->why : T(r, "You do not have permission to do this.");
    case FUND_CONFLICT:
        return arena_printf(r->arena, "%s: %s", T(r, "Not saved"),
                            err->why ? err->why : T(r, "Conflict."));
    default:
        return T(r, "The service is busy. Please try again.");
    }
}

static int result_status(FundResult res)
{
    return res == FUND_INVALID     ? 422
           : res == FUND_FORBIDDEN ? 403
           : res == FUND_CONFLICT  ? 409
           : res == FUND_NOT_FOUND ? 404
                                   : 503;
}

/* ---- the list and the views -------------------------------------------------------- */

/* The caller's first organisation where it may own a fund (not a school). */
static const char *own_unit(Req *r)
{
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (strcmp(g->org_kind, "school") && (role_caps(g->role) & CAPBIT(CAP_FUND_WRITE)))
            return g->org_code;
    }
    return NULL;
}

void fund_page_index(Req *r)
{
    FundFilter lf;
    if (!fund_filter_from_query(r, &lf, 50)) return;
    const char *by_s = req_query(r, "by");
    FundBy by = BY_CATEGORY;
    if (by_s && *by_s && !fund_by_parse(by_s, &by)) {
        page_error(r, 400, T(r, "by must be one of project, fund, category, unit."));
        return;
    }
    /* the views are of one unit: the one asked for, else the caller's own */
    FundFilter sf = lf;
    Org unit;
    int have_unit = 0;
    const char *code = lf.org_code ? lf.org_code : fund_default_unit(r);
    if (code && org_load(r->db, r->arena, code, &unit) == 1) {
        sf.org_path = unit.path, sf.org_code = unit.code, sf.org_id = unit.id;
        have_unit = 1;
    }
    FundSummary cat, unit_sum, other;
    int ok = have_unit && !fund_summary(r, &sf, BY_CATEGORY, &cat) &&
             !fund_summary(r, &sf, BY_UNIT, &unit_sum) &&
             (by == BY_CATEGORY || by == BY_UNIT || !fund_summary(r, &sf, by, &other));
    const char *year = req_query(r, "year"), *src = req_query(r, "source");
    page_begin(r, T(r, "Funds"));
    report_styles(r);
    hf(r, "<h1>%s", T(r, "Funds"));
    if (have_unit) hf(r, " <small>%s</small>", org_name(r, &unit));
    H(r, "</h1><p class=actions>");
    if (r->auth.caps & CAPBIT(CAP_FUND_WRITE))
        hf(r, "<a class=button href=\"/funds/new\">%s</a> ", T(r, "New fund"));
    if (have_unit)
        hf(r, "<a href=\"/funds.xlsx?org=%s&amp;year=%s\" download>%s</a>", unit.code,
           url_encode(r->arena, year ? year : ""), T(r, "Every fund table as Excel"));
    H(r, "</p>");
    hf(r,
       "<form method=get action=\"/funds\" class=filters><label>%s<input name=org size=12 "
       "maxlength=32 value=\"%s\" placeholder=\"653121\"></label><label>%s<input name=year "
       "size=6 maxlength=4 inputmode=numeric value=\"%s\"></label><label>%s<select name=source>",
       T(r, "Unit (code)"), lf.org_code ? lf.org_code : "", T(r, "Year of the fund"),
       year ? year : "", T(r, "Source"));
    options(r, fund_sources, src, fund_source_label, 1);
    hf(r, "</select></label><label>%s<select name=by>", T(r, "Breakdown"));
    static const char *const bys[] = {"project", "fund", "category", "unit"};
    const char *by_labels[] = {T(r, "by project"), T(r, "by fund"), T(r, "by category"),
                               T(r, "by unit")};
    for (int i = 0; i < 4; i++)
        hf(r, "<option value=\"%s\"%s>%s</option>", bys[i], (int)by == i ? " selected" : "",
           by_labels[i]);
    hf(r, "</select></label><button>%s</button></form>", T(r, "Show"));
    if (have_unit && !ok) {
        page_notice(r, "error", T(r, "The service is busy. Please try again."));
    } else if (have_unit) {
        hf(r,
           "<ul class=stats><li><b>%s</b> %s</li><li><b>%s</b> %s</li><li><b>%s</b> %s</li>"
           "<li><b>%s</b> %s</li></ul>",
           yuan(r, cat.total.budget_fen), T(r, "yuan budgeted in lines"),
           yuan(r, cat.total.spent_fen), T(r, "yuan spent (approved)"),
           yuan(r, cat.total.pending_fen), T(r, "yuan awaiting approval"),
           arena_printf(r->arena, "%lld", (long long)cat.total.lines), T(r, "budget lines"));
        table_html(r, fund_funding_table(r, &cat));
        table_html(r, fund_share_table(r, &cat));
        table_html(r, fund_sum_table(r, by == BY_UNIT ? &unit_sum : &cat,
                                     by == BY_UNIT ? BY_UNIT : BY_CATEGORY));
        if (by != BY_UNIT) table_html(r, fund_sum_table(r, &unit_sum, BY_UNIT));
        if (by == BY_PROJECT || by == BY_FUND)
            table_html(r, fund_sum_table(r, &other, by));
        else
            hf(r,
               "<p><a href=\"/funds?org=%s&amp;year=%s&amp;by=project\">%s</a> · "
               "<a href=\"/funds?org=%s&amp;year=%s&amp;by=fund\">%s</a></p>",
               unit.code, url_encode(r->arena, year ? year : ""),
               T(r, "Budget and spending by project"), unit.code,
               url_encode(r->arena, year ? year : ""), T(r, "Budget and spending by fund"));
    }
    /* the funds themselves: every one in reach, or the unit's when one was asked for */
    hf(r, "<h2>%s</h2>", T(r, "The funds"));
    int64_t last = 0;
    int more = 0;
    Table *t = fund_funds_table(r, fund_list_query(r, &lf), lf.limit, &last, &more);
    table_html(r, t);
    if (!t->nrows) hf(r, "<p class=empty>%s</p>", T(r, "No funds match these filters."));
    if (more)
        hf(r,
           "<p><a "
           "href=\"/funds?org=%s&amp;year=%s&amp;source=%s&amp;by=%s&amp;cursor=%lld\">%s</a></p>",
           lf.org_code ? lf.org_code : "", url_encode(r->arena, year ? year : ""),
           url_encode(r->arena, src ? src : ""), bys[by], (long long)last, T(r, "More"));
    charts_scripts(r);
    page_end(r);
}

/* ---- a new fund ------------------------------------------------------------------------- */

static void fund_form(Req *r, const Kept *k)
{
    hf(r, "<form method=post action=\"/funds\" class=card><h2>%s</h2>", T(r, "New fund"));
    form_csrf(r);
    hf(r, "<label>%s<select name=source>", T(r, "Source"));
    options(r, fund_sources, kv(r, k, "fund", "source", "government"), fund_source_label, 0);
    H(r, "</select>");
    field_error(r, k, "fund", "source");
    hf(r, "</label><label>%s<input name=name required maxlength=200 value=\"%s\">", T(r, "Name"),
       kv(r, k, "fund", "name", ""));
    field_error(r, k, "fund", "name");
    hf(r,
       "</label><label>%s<input name=owner required maxlength=32 value=\"%s\" "
       "placeholder=\"653121\">",
       T(r, "Owner (organisation code)"), kv(r, k, "fund", "owner", own_unit(r)));
    field_error(r, k, "fund", "owner");
    hf(r, "</label><label>%s<input name=year required inputmode=numeric maxlength=4 value=\"%s\">",
       T(r, "Year"), kv(r, k, "fund", "year", arena_printf(r->arena, "%d", fund_this_year())));
    field_error(r, k, "fund", "year");
    hf(r, "</label><label>%s<input name=amount required inputmode=decimal value=\"%s\">",
       T(r, "Amount (yuan)"), kv(r, k, "fund", "amount", ""));
    field_error(r, k, "fund", "amount");
    hf(r, "</label><label>%s<input name=dual_approval inputmode=decimal value=\"%s\">",
       T(r, "Two approvers from (yuan)"), kv(r, k, "fund", "dual_approval", "50,000.00"));
    field_error(r, k, "fund", "dual_approval");
    hf(r, "</label><button>%s</button></form>", T(r, "Create the fund"));
}

void fund_page_new(Req *r)
{
    page_begin(r, T(r, "New fund"));
    hf(r, "<nav class=crumbs><a href=\"/funds\">%s</a></nav>", T(r, "Funds"));
    fund_form(r, NULL);
    page_end(r);
}

/* Reads a form's amount field into *out; 0 with err set when it is not one. */
static int form_amount(Req *r, const char *name, const char *api, int64_t min, int64_t *out,
                       FundErr *err)
{
    const char *v = req_form(r, name);
    if (fund_form_fen(v, min, out)) return 1;
    err->field = api;
    err->why = min > 0 ? T(r, "must be an amount in yuan greater than 0, with at most two "
                              "decimals (e.g. 12,000.50)")
                       : T(r, "must be an amount in yuan, 0 or more, with at most two decimals");
    return 0;
}

void fund_page_create(Req *r)
{
    FundInput in = {0};
    FundErr err = {0};
    const char *v;
    if ((v = req_form(r, "source"))) in.source = v, in.has_source = 1;
    if ((v = req_form(r, "name"))) in.name = v, in.has_name = 1;
    if ((v = req_form(r, "owner"))) in.owner = v, in.has_owner = 1;
    int ok = 1;
    v = req_form(r, "year");
    if (v) {
        in.has_year = 1;
        if (!parse_int(v, 2020, 2100, &in.year)) {
            err.field = "year", err.why = T(r, "must be a year from 2020 to 2100");
            ok = 0;
        }
    }
    if (ok) ok = form_amount(r, "amount", "amount_fen", 1, &in.amount_fen, &err), in.has_amount = 1;
    v = req_form(r, "dual_approval");
    if (ok && v && *v)
        ok = form_amount(r, "dual_approval", "dual_approval_fen", 0, &in.dual_approval_fen, &err),
        in.has_dual = 1;
    Fund f;
    FundResult res = ok ? fund_create(r, &in, &f, &err) : FUND_INVALID;
    if (res == FUND_OK) {
        req_redirect(r, arena_printf(r->arena, "/funds/%lld", (long long)f.id));
        return;
    }
    if (res == FUND_NOT_FOUND) {
        req_not_found(r);
        return;
    }
    if (res != FUND_INVALID) {
        page_error(r, result_status(res), result_text(r, res, &err));
        return;
    }
    Kept k = {.form = "fund", .field = form_field(err.field), .why = err.why};
    page_begin(r, T(r, "New fund"));
    r->status = 422;
    page_notice(r, "error", result_text(r, res, &err));
    fund_form(r, &k);
    page_end(r);
}

/* ---- one fund ------------------------------------------------------------------------------ */

/* The rows of an expenditure table with the decision buttons for those who may. */
static void exp_rows(Req *r, DbStmt *s, const Kept *k, const char *back, int *n)
{
    while (s && db_step(s) == DB_ROW) {
        Expenditure e;
        exp_row(s, r->arena, &e);
        hf(r,
           "<tr id=\"e%lld\"><td>#%lld</td><td data-n>%s</td><td>%s</td><td>%s</td><td>%s</td>"
           "<td>%s</td><td>",
           (long long)e.id, (long long)e.id, yuan(r, e.amount_fen), e.spent_on,
           fund_category_label(r, e.category), e.payee, e.voucher);
        status_tag(r, &e);
        if (e.approver1) hf(r, "<br><small class=meta>1: %s</small>", e.approver1);
        if (e.approver2) hf(r, "<br><small class=meta>2: %s</small>", e.approver2);
        if (e.rejected_by)
            hf(r, "<br><small class=meta>%s %s: %s</small>", T(r, "rejected by"), e.rejected_by,
               e.reject_reason ? e.reject_reason : "");
        hf(r, "</td><td>%s</td><td>", e.created_by);
        if (exp_may_decide(r, &e)) {
            hf(r, "<form method=post action=\"/expenditures/%lld/approve\" class=inline>",
               (long long)e.id);
            form_csrf(r);
            hf(r, "<input type=hidden name=back value=\"%s\"><button>%s</button></form> ", back,
               e.approver1 || !fund_needs_two(e.amount_fen, e.dual_approval_fen)
                   ? T(r, "Approve")
                   : T(r, "First approval"));
            hf(r, "<form method=post action=\"/expenditures/%lld/reject\" class=inline>",
               (long long)e.id);
            form_csrf(r);
            int kept = k && k->form && !strcmp(k->form, "reject") && k->id == e.id;
            hf(r,
               "<input type=hidden name=back value=\"%s\"><label>%s<input name=reason "
               "maxlength=1000 required value=\"%s\"></label>",
               back, T(r, "Reason"), kept ? kv(r, k, "reject", "reason", "") : "");
            if (kept) field_error(r, k, "reject", "reason");
            hf(r, "<button>%s</button></form>", T(r, "Reject"));
        }
        H(r, "</td></tr>");
        (*n)++;
    }
    db_done(s);
}

static void exp_table_head(Req *r)
{
    hf(r,
       "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "No."), T(r, "Amount (yuan)"), T(r, "Date"), T(r, "Category"), T(r, "Payee"),
       T(r, "Voucher"), T(r, "Status"), T(r, "Recorded by"), T(r, "Decision"));
}

/* The form to record an expenditure on one of the lines the caller may charge;
 * lines come from the statement (consumed). Nothing when there is none. */
static void exp_form(Req *r, DbStmt *s, const Kept *k, const char *back)
{
    enum { MAX_LINES = 1000 };
    BudgetLine *ls = arena_alloc(r->arena, sizeof *ls * MAX_LINES);
    int n = 0;
    while (s && db_step(s) == DB_ROW && n < MAX_LINES) {
        line_row(s, r->arena, &ls[n]);
        if (line_may_record(r, &ls[n]) && strcmp(ls[n].project_status, "accepted")) n++;
    }
    db_done(s);
    if (!n) return;
    const char *cur = kv(r, k, "exp", "line", "");
    hf(r, "<form method=post action=\"/expenditures\" class=card><h2>%s</h2>",
       T(r, "Record an expenditure"));
    form_csrf(r);
    hf(r, "<input type=hidden name=back value=\"%s\"><label>%s<select name=line>", back,
       T(r, "Budget line"));
    for (int i = 0; i < n; i++) {
        const char *id = arena_printf(r->arena, "%lld", (long long)ls[i].id);
        hf(r, "<option value=\"%s\"%s>#%s %s · %s · %s %s</option>", id,
           !strcmp(cur, id) ? " selected" : "", id, ls[i].project_title,
           fund_category_label(r, ls[i].category), T(r, "left"),
           yuan(r, ls[i].amount_fen - ls[i].spent_fen));
    }
    H(r, "</select>");
    field_error(r, k, "exp", "line");
    field_error(r, k, "exp", "project");
    field_error(r, k, "exp", "category");
    hf(r, "</label><label>%s<input name=amount required inputmode=decimal value=\"%s\">",
       T(r, "Amount (yuan)"), kv(r, k, "exp", "amount", ""));
    field_error(r, k, "exp", "amount");
    hf(r, "</label><label>%s<input name=spent_on type=date required value=\"%s\">",
       T(r, "Date of the expenditure"), kv(r, k, "exp", "spent_on", fund_today(r->arena)));
    field_error(r, k, "exp", "spent_on");
    hf(r, "</label><label>%s<input name=payee required maxlength=200 value=\"%s\">", T(r, "Payee"),
       kv(r, k, "exp", "payee", ""));
    field_error(r, k, "exp", "payee");
    hf(r, "</label><label>%s<input name=voucher required maxlength=64 value=\"%s\">",
       T(r, "Voucher number"), kv(r, k, "exp", "voucher", ""));
    field_error(r, k, "exp", "voucher");
    hf(r, "</label><label>%s<textarea name=note rows=2 maxlength=2000>%s</textarea>", T(r, "Note"),
       kv(r, k, "exp", "note", ""));
    field_error(r, k, "exp", "note");
    hf(r, "</label><button>%s</button></form>", T(r, "Record (pending approval)"));
}

/* The projects a line may be drawn for: visible, under way, newest first. */
static void project_options(Req *r, const char *current)
{
    DbStmt *s = db_q(r->db,
                     "SELECT p.id, p.title, p.status FROM projects p WHERE p.status IN ('approved',"
                     "'in_progress','suspended','completed') AND " PROJECT_REACH_SQL(
                         "p.id") " ORDER BY p.id DESC LIMIT 500",
                     PROJECT_REACH_TYPES, PROJECT_REACH_ARGS(r, CAP_DATA_READ));
    while (s && db_step(s) == DB_ROW) {
        const char *id = arena_printf(r->arena, "%lld", (long long)db_col_int(s, 0));
        hf(r, "<option value=\"%s\"%s>#%s %s (%s)</option>", id,
           current && !strcmp(current, id) ? " selected" : "", id, db_col_text(s, 1),
           project_status_label(r, db_col_text(s, 2)));
    }
    db_done(s);
}

static void show(Req *r, const Fund *f, int status, const char *notice, const Kept *k)
{
    page_begin(r, f->name);
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/funds\">%s</a> › <a href=\"/funds?org=%s\">%s</a></nav>",
       T(r, "Funds"), f->owner_code, fund_owner_name(r, f));
    hf(r, "<h1>%s <small>%d</small></h1>", f->name, f->year);
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    hf(r,
       "<dl class=facts><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd><a href=\"/orgs/%s\">%s</a></dd>"
       "<dt>%s</dt><dd>%d</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
       "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s, %s</dd></dl>",
       T(r, "Source"), fund_source_label(r, f->source), T(r, "Owner"), f->owner_code,
       fund_owner_name(r, f), T(r, "Year"), f->year, T(r, "Amount (yuan)"), yuan(r, f->amount_fen),
       T(r, "Committed to lines (yuan)"), yuan(r, f->committed_fen), T(r, "Left to commit (yuan)"),
       yuan(r, f->amount_fen - f->committed_fen), T(r, "Spent (yuan)"), yuan(r, f->spent_fen),
       T(r, "Two approvers from (yuan)"), yuan(r, f->dual_approval_fen), T(r, "Created"),
       f->created_by, fmt_time(r->arena, f->created_at));
    hf(r, "<p class=actions><a href=\"/funds/%lld.xlsx\" download>%s</a>", (long long)f->id,
       T(r, "This fund as Excel"));
    if (can(r, CAP_AUDIT_READ, f->owner_path))
        hf(r, " · <a href=\"/funds/%lld/audit\">%s</a>", (long long)f->id,
           T(r, "The whole chain for the auditor"));
    H(r, "</p>");
    int owner_writes = can(r, CAP_FUND_WRITE, f->owner_path);

    /* the lines */
    hf(r, "<h2>%s</h2>", T(r, "Budget lines"));
    FundFilter lf = {.fund_id = f->id, .limit = 10000};
    DbStmt *s = line_list_query(r, &lf);
    hf(r,
       "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th>%s</tr></thead><tbody>",
       T(r, "No."), T(r, "Project"), T(r, "Category"), T(r, "Budget (yuan)"), T(r, "Spent (yuan)"),
       T(r, "Pending (yuan)"), T(r, "Left (yuan)"), owner_writes ? "<th scope=col></th>" : "");
    int nl = 0;
    while (s && db_step(s) == DB_ROW) {
        BudgetLine l;
        line_row(s, r->arena, &l);
        hf(r,
           "<tr><td>#%lld</td><td><a href=\"/projects/%lld\">%s</a><br><small class=meta>%s</small>"
           "</td><td>%s</td><td data-n>%s</td><td data-n>%s</td><td data-n>%s</td><td "
           "data-n>%s</td>",
           (long long)l.id, (long long)l.project_id, l.project_title, l.lead_name,
           fund_category_label(r, l.category), yuan(r, l.amount_fen), yuan(r, l.spent_fen),
           yuan(r, l.pending_fen), yuan(r, l.amount_fen - l.spent_fen));
        if (owner_writes) {
            hf(r, "<td><form method=post action=\"/budget-lines/%lld\" class=inline>",
               (long long)l.id);
            form_csrf(r);
            hf(r,
               "<label>%s<input name=amount inputmode=decimal size=10 value=\"%s\"></label>"
               "<button>%s</button></form></td>",
               T(r, "Budget (yuan)"), yuan(r, l.amount_fen), T(r, "Change"));
        }
        H(r, "</tr>");
        nl++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!nl) hf(r, "<p class=empty>%s</p>", T(r, "No budget lines on this fund yet."));
    if (k && k->form && !strcmp(k->form, "lineedit") && k->why)
        hf(r, "<p class=field-error>%s</p>", k->why);

    if (owner_writes) {
        hf(r, "<form method=post action=\"/funds/%lld/lines\" class=card><h2>%s</h2>",
           (long long)f->id, T(r, "Draw a budget line"));
        form_csrf(r);
        hf(r, "<label>%s<select name=project required>", T(r, "Project"));
        project_options(r, kv(r, k, "line", "project", NULL));
        H(r, "</select>");
        field_error(r, k, "line", "project");
        hf(r, "</label><label>%s<select name=category>", T(r, "Category"));
        options(r, fund_categories, kv(r, k, "line", "category", "software"), fund_category_label,
                0);
        H(r, "</select>");
        field_error(r, k, "line", "category");
        hf(r, "</label><label>%s<input name=amount required inputmode=decimal value=\"%s\">",
           T(r, "Amount (yuan)"), kv(r, k, "line", "amount", ""));
        field_error(r, k, "line", "amount");
        hf(r, "</label><label>%s<input name=note maxlength=2000 value=\"%s\">", T(r, "Note"),
           kv(r, k, "line", "note", ""));
        field_error(r, k, "line", "note");
        hf(r, "</label><p class=note>%s %s</p><button>%s</button></form>",
           T(r, "Left to commit (yuan)"), yuan(r, f->amount_fen - f->committed_fen),
           T(r, "Draw the line"));
    }

    /* the expenditures */
    hf(r, "<h2>%s</h2>", T(r, "Expenditures"));
    const char *back = arena_printf(r->arena, "fund:%lld", (long long)f->id);
    FundFilter ef = {.fund_id = f->id, .limit = 500};
    exp_table_head(r);
    int ne = 0;
    exp_rows(r, exp_list_query(r, &ef), k, back, &ne);
    H(r, "</tbody></table></div>");
    if (!ne) hf(r, "<p class=empty>%s</p>", T(r, "No expenditures on this fund yet."));
    exp_form(r, line_list_query(r, &lf), k, back);

    if (owner_writes) {
        hf(r, "<form method=post action=\"/funds/%lld\" class=card><h2>%s</h2>", (long long)f->id,
           T(r, "Change the fund"));
        form_csrf(r);
        hf(r, "<label>%s<input name=name required maxlength=200 value=\"%s\">", T(r, "Name"),
           kv(r, k, "edit", "name", f->name));
        field_error(r, k, "edit", "name");
        hf(r, "</label><label>%s<select name=source>", T(r, "Source"));
        options(r, fund_sources, kv(r, k, "edit", "source", f->source), fund_source_label, 0);
        H(r, "</select>");
        field_error(r, k, "edit", "source");
        hf(r, "</label><label>%s<input name=amount required inputmode=decimal value=\"%s\">",
           T(r, "Amount (yuan)"), kv(r, k, "edit", "amount", yuan(r, f->amount_fen)));
        field_error(r, k, "edit", "amount");
        hf(r, "</label><label>%s<input name=dual_approval inputmode=decimal value=\"%s\">",
           T(r, "Two approvers from (yuan)"),
           kv(r, k, "edit", "dual_approval", yuan(r, f->dual_approval_fen)));
        field_error(r, k, "edit", "dual_approval");
        hf(r, "</label><button>%s</button></form>", T(r, "Save"));
    }
    page_end(r);
}

/* Loads the fund of the path for a page: 1, or 0 with a 404/503 sent. */
static int load_for_page(Req *r, int64_t id, Fund *f)
{
    int found = id ? fund_load(r->db, r->arena, id, f) : 0;
    int vis = found == 1 ? fund_visible(r, id) : found;
    if (vis < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return 0;
    }
    if (!vis) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

void fund_page_show(Req *r)
{
    Fund f;
    if (load_for_page(r, fund_id_param(r), &f)) show(r, &f, 200, NULL, NULL);
}

/* Answers a refused form on the fund page: the page again with the notice and
 * the form's values kept (422, 409, 403), or 404/503. */
static void refused(Req *r, int64_t fund_id, FundResult res, const FundErr *err, const char *form,
                    int64_t exp_id)
{
    if (res == FUND_NOT_FOUND) {
        req_not_found(r);
        return;
    }
    if (res == FUND_ERROR) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    Fund f;
    if (!load_for_page(r, fund_id, &f)) return;
    Kept k = {.form = form, .field = form_field(err->field), .why = err->why, .id = exp_id};
    show(r, &f, result_status(res), result_text(r, res, err), &k);
}

void fund_page_update(Req *r)
{
    int64_t id = fund_id_param(r);
    FundInput in = {0};
    FundErr err = {0};
    const char *v;
    if ((v = req_form(r, "source"))) in.source = v, in.has_source = 1;
    if ((v = req_form(r, "name"))) in.name = v, in.has_name = 1;
    int ok = 1;
    if (req_form(r, "amount"))
        ok = form_amount(r, "amount", "amount_fen", 1, &in.amount_fen, &err), in.has_amount = 1;
    if (ok && (v = req_form(r, "dual_approval")))
        ok = form_amount(r, "dual_approval", "dual_approval_fen", 0, &in.dual_approval_fen, &err),
        in.has_dual = 1;
    Fund f;
    if (!ok) {
        Fund chk;
        if (!load_for_page(r, id, &chk)) return;
        if (!can(r, CAP_FUND_WRITE, chk.owner_path)) {
            page_error(r, 403, T(r, "Only fund.write at the owner changes its funds."));
            return;
        }
    }
    FundResult res = ok ? fund_update(r, id, &in, &f, &err) : FUND_INVALID;
    if (res == FUND_OK)
        req_redirect(r, arena_printf(r->arena, "/funds/%lld", (long long)id));
    else
        refused(r, id, res, &err, "edit", 0);
}

void line_page_create(Req *r)
{
    int64_t fund_id = fund_id_param(r);
    LineInput in = {.fund_id = fund_id};
    FundErr err = {0};
    const char *v;
    int ok = 1;
    if ((v = req_form(r, "project"))) {
        in.has_project = 1;
        if (!parse_int(v, 1, INT64_MAX / 2, &in.project_id)) {
            err.field = "project", err.why = T(r, "must be the number of a project");
            ok = 0;
        }
    }
    if ((v = req_form(r, "category"))) in.category = v, in.has_category = 1;
    if ((v = req_form(r, "note"))) in.note = v, in.has_note = 1;
    if (ok) ok = form_amount(r, "amount", "amount_fen", 1, &in.amount_fen, &err), in.has_amount = 1;
    if (!ok) {
        Fund chk;
        if (!load_for_page(r, fund_id, &chk)) return;
        if (!can(r, CAP_FUND_WRITE, chk.owner_path)) {
            page_error(r, 403,
                       T(r, "Only fund.write at the fund's owner draws budget lines on it."));
            return;
        }
    }
    BudgetLine l;
    FundResult res = ok ? line_create(r, &in, &l, &err) : FUND_INVALID;
    if (res == FUND_OK)
        req_redirect(r, arena_printf(r->arena, "/funds/%lld", (long long)fund_id));
    else
        refused(r, fund_id, res, &err, "line", 0);
}

void line_page_update(Req *r)
{
    int64_t id = fund_id_param(r);
    BudgetLine old;
    int found = id ? line_load(r->db, r->arena, id, &old) : 0;
    int vis = found == 1 ? line_visible(r, id) : found;
    if (vis < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    if (!vis) {
        req_not_found(r);
        return;
    }
    LineInput in = {0};
    FundErr err = {0};
    const char *v;
    int ok = 1;
    if ((v = req_form(r, "note"))) in.note = v, in.has_note = 1;
    if (req_form(r, "amount"))
        ok = form_amount(r, "amount", "amount_fen", 1, &in.amount_fen, &err), in.has_amount = 1;
    if (!ok && !can(r, CAP_FUND_WRITE, old.owner_path)) {
        page_error(r, 403, T(r, "Only fund.write at the fund's owner changes its budget lines."));
        return;
    }
    BudgetLine l;
    FundResult res = ok ? line_update(r, id, &in, &l, &err) : FUND_INVALID;
    if (res == FUND_OK)
        req_redirect(r, arena_printf(r->arena, "/funds/%lld", (long long)old.fund_id));
    else
        refused(r, old.fund_id, res, &err, "lineedit", 0);
}

void exp_page_create(Req *r)
{
    ExpInput in = {0};
    FundErr err = {0};
    const char *v;
    int ok = 1;
    if ((v = req_form(r, "line"))) {
        in.has_line = 1;
        if (!parse_int(v, 1, INT64_MAX / 2, &in.line_id)) {
            err.field = "line", err.why = T(r, "must be the number of a budget line");
            ok = 0;
        }
    }
    if (ok && (v = req_form(r, "project")) && *v) {
        in.has_project = 1;
        if (!parse_int(v, 1, INT64_MAX / 2, &in.project_id)) {
            err.field = "project", err.why = T(r, "must be the number of a project");
            ok = 0;
        }
    }
    if ((v = req_form(r, "category")) && *v) in.category = v, in.has_category = 1;
    in.spent_on = req_form(r, "spent_on");
    in.payee = req_form(r, "payee");
    in.voucher = req_form(r, "voucher");
    in.note = req_form(r, "note");
    if (ok) ok = form_amount(r, "amount", "amount_fen", 1, &in.amount_fen, &err), in.has_amount = 1;
    /* the fund the form came from, for the page to show again */
    BudgetLine l;
    int found = in.line_id ? line_load(r->db, r->arena, in.line_id, &l) : 0;
    int vis = found == 1 ? line_visible(r, l.id) : found;
    if (vis < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    if (!vis) {
        if (in.has_line) {
            req_not_found(r);
        } else {
            page_error(r, 422,
                       arena_printf(r->arena, "%s: line %s", T(r, "Not saved"),
                                    T(r, "is required: the id of a budget line")));
        }
        return;
    }
    if (!ok && !line_may_record(r, &l)) {
        page_error(r, 403,
                   T(r, "Expenditures are recorded by fund.write at the project's lead "
                        "organisation or at the fund's owner."));
        return;
    }
    Expenditure e;
    FundResult res = ok ? exp_create(r, &in, &e, &err) : FUND_INVALID;
    if (res == FUND_OK)
        req_redirect(r, arena_printf(r->arena, "%s#e%lld", back_to(r, l.fund_id), (long long)e.id));
    else
        refused(r, l.fund_id, res, &err, "exp", 0);
}

void exp_page_approve(Req *r)
{
    int64_t id = fund_id_param(r);
    Expenditure e;
    FundErr err = {0};
    FundResult res = exp_approve(r, id, &e, &err);
    if (res == FUND_OK)
        req_redirect(r, arena_printf(r->arena, "%s#e%lld", back_to(r, e.fund_id), (long long)id));
    else if (res == FUND_NOT_FOUND || res == FUND_ERROR)
        refused(r, 0, res, &err, NULL, 0);
    else
        refused(r, e.fund_id, res, &err, NULL, 0);
}

void exp_page_reject(Req *r)
{
    int64_t id = fund_id_param(r);
    Expenditure e;
    FundErr err = {0};
    FundResult res = exp_reject(r, id, req_form(r, "reason"), &e, &err);
    if (res == FUND_OK)
        req_redirect(r, arena_printf(r->arena, "%s#e%lld", back_to(r, e.fund_id), (long long)id));
    else if (res == FUND_NOT_FOUND || res == FUND_ERROR)
        refused(r, 0, res, &err, NULL, 0);
    else
        refused(r, e.fund_id, res, &err, "reject", id);
}

/* ---- the project page's section ---------------------------------------------------------- */

void fund_section(Req *r, const Project *p)
{
    enum { MAX_LINES = 1000 };
    FundFilter lf = {.project_id = p->id, .limit = MAX_LINES};
    BudgetLine *ls = arena_alloc(r->arena, sizeof *ls * MAX_LINES);
    int nl = 0;
    DbStmt *s = line_list_query(r, &lf);
    while (s && db_step(s) == DB_ROW && nl < MAX_LINES)
        line_row(s, r->arena, &ls[nl++]);
    db_done(s);
    int64_t budget = 0, spent = 0;
    hf(r, "<section id=funds><h2>%s</h2>", T(r, "Funds"));
    for (int i = 0; i < nl; i++) {
        const BudgetLine *l = &ls[i];
        if (!i)
            hf(r,
               "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
               "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
               "<th scope=col>%s</th></tr></thead><tbody>",
               T(r, "Fund"), T(r, "Category"), T(r, "Budget (yuan)"), T(r, "Spent (yuan)"),
               T(r, "Pending (yuan)"), T(r, "Left (yuan)"));
        /* the fund itself is the owner's and the lead side's to open */
        if (fund_visible(r, l->fund_id) == 1)
            hf(r, "<tr><td><a href=\"/funds/%lld\">%s</a>", (long long)l->fund_id, l->fund_name);
        else
            hf(r, "<tr><td>%s", l->fund_name);
        hf(r,
           " <small class=meta>%d · #%lld</small></td><td>%s</td><td data-n>%s</td>"
           "<td data-n>%s</td><td data-n>%s</td><td data-n>%s</td></tr>",
           l->fund_year, (long long)l->id, fund_category_label(r, l->category),
           yuan(r, l->amount_fen), yuan(r, l->spent_fen), yuan(r, l->pending_fen),
           yuan(r, l->amount_fen - l->spent_fen));
        budget += l->amount_fen, spent += l->spent_fen;
    }
    if (!nl) {
        hf(r, "<p class=empty>%s</p></section>", T(r, "No budget lines for this project yet."));
        return;
    }
    hf(r,
       "<tr><th scope=row colspan=2>%s</th><td data-n>%s</td><td data-n>%s</td><td></td>"
       "<td data-n>%s</td></tr></tbody></table></div>",
       T(r, "Total"), yuan(r, budget), yuan(r, spent), yuan(r, budget - spent));
    hf(r, "<h3>%s</h3>", T(r, "Expenditures"));
    const char *back = arena_printf(r->arena, "project:%lld", (long long)p->id);
    FundFilter ef = {.project_id = p->id, .limit = 100};
    exp_table_head(r);
    int ne = 0;
    exp_rows(r, exp_list_query(r, &ef), NULL, back, &ne);
    H(r, "</tbody></table></div>");
    if (!ne) hf(r, "<p class=empty>%s</p>", T(r, "No expenditures yet."));
    exp_form(r, line_list_query(r, &lf), NULL, back);
    H(r, "</section>");
}
