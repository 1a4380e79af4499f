/* fund.c — see fund.h: the earmarking rules, the store, the writes with their
 * audit records and figures. */
#include "fund.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "audit.h"
#include "core/money.h"
#include "core/util.h"
#include "feed.h"
#include "need.h"
#include "org.h"
#include "ui/i18n.h"

/* ---- pure logic ------------------------------------------------------------ */

const char *const fund_sources[] = {"government", "enterprise", "donation", "reward", NULL};
const char *const fund_categories[] = {"hardware", "software", "personnel", "other", NULL};
const char *const fund_exp_statuses[] = {"pending", "approved", "rejected", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

int fund_source_ok(const char *s)
{
    return in_list(fund_sources, s);
}
int fund_category_ok(const char *s)
{
    return in_list(fund_categories, s);
}

int fund_needs_two(int64_t amount_fen, int64_t threshold_fen)
{
    return amount_fen >= threshold_fen;
}

ApproveStep fund_approve_step(const char *status, const char *recorder, const char *approver1,
                              int64_t amount_fen, int64_t threshold_fen, const char *who)
{
    if (!status || strcmp(status, "pending")) return APPROVE_NOT_PENDING;
    if (!who || (recorder && !strcmp(recorder, who))) return APPROVE_OWN;
    if (approver1) /* a first approval stands: this one is the second, by someone else */
        return strcmp(approver1, who) ? APPROVE_FINAL : APPROVE_SAME_PERSON;
    return fund_needs_two(amount_fen, threshold_fen) ? APPROVE_FIRST : APPROVE_FINAL;
}

int fund_spent_on_ok(const char *s, const char *today, int fund_year)
{
    if (!need_date_ok(s) || !today || strcmp(s, today) > 0) return 0;
    int y = atoi(s);
    return y >= fund_year - 1 && y <= fund_year + 1;
}

int fund_growth_pct(int64_t prev_fen, int64_t cur_fen, double *pct)
{
    if (prev_fen <= 0) return 0;
    *pct = ((double)cur_fen - (double)prev_fen) / (double)prev_fen * 100.0;
    return 1;
}

int fund_json_fen(json_t *v, int64_t min, int64_t *out)
{
    if (!json_is_integer(v)) return 0;
    json_int_t x = json_integer_value(v);
    if (x < min || x > FUND_FEN_MAX) return 0;
    *out = (int64_t)x;
    return 1;
}

int fund_form_fen(const char *s, int64_t min, int64_t *out)
{
    int64_t v;
    if (!fen_parse(s, &v) || v < min) return 0;
    *out = v;
    return 1;
}

/* ---- labels -------------------------------------------------------------------- */

const char *fund_source_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "government")) return T(r, "Government special fund");
    if (!strcmp(s, "enterprise")) return T(r, "Enterprise fund");
    if (!strcmp(s, "donation")) return T(r, "Social donation");
    if (!strcmp(s, "reward")) return T(r, "Reward fund");
    return s;
}

const char *fund_category_label(Req *r, const char *c)
{
    if (!c) return "";
    if (!strcmp(c, "hardware")) return T(r, "Hardware");
    if (!strcmp(c, "software")) return T(r, "Software (training and course development)");
    if (!strcmp(c, "personnel")) return T(r, "Personnel");
    if (!strcmp(c, "other")) return T(r, "Other");
    return c;
}

const char *fund_exp_status_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "pending")) return T(r, "Pending approval");
    if (!strcmp(s, "approved")) return T(r, "Approved");
    if (!strcmp(s, "rejected")) return T(r, "Rejected");
    return s;
}

const char *exp_state_text(Req *r, const Expenditure *e)
{
    if (strcmp(e->status, "pending")) return fund_exp_status_label(r, e->status);
    if (!fund_needs_two(e->amount_fen, e->dual_approval_fen) && !e->approver1)
        return T(r, "Pending approval");
    return e->approver1 ? T(r, "Pending: 1 of 2 approvals") : T(r, "Pending: 0 of 2 approvals");
}

/* ---- time ------------------------------------------------------------------------ */

const char *fund_today(Arena *a)
{
    time_t t = (time_t)(now_s() + 8 * 3600); /* Asia/Shanghai */
    struct tm tm;
    gmtime_r(&t, &tm);
    return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int fund_this_year(void)
{
    return need_this_year();
}

/* ---- rows ------------------------------------------------------------------------- */

#define S_(x) ((x) ? (x) : "")
static const char *dup_or_null(Arena *a, DbStmt *s, int i)
{
    return db_col_is_null(s, i) ? NULL : arena_strdup(a, db_col_text(s, i));
}

void fund_row(DbStmt *s, Arena *a, Fund *f)
{
    memset(f, 0, sizeof *f);
    f->id = db_col_int(s, 0);
    f->source = arena_strdup(a, db_col_text(s, 1));
    f->name = arena_strdup(a, db_col_text(s, 2));
    f->owner_id = db_col_int(s, 3);
    f->owner_code = arena_strdup(a, db_col_text(s, 4));
    f->owner_name = arena_strdup(a, db_col_text(s, 5));
    f->owner_name_en = arena_strdup(a, S_(db_col_text(s, 6)));
    f->owner_path = arena_strdup(a, db_col_text(s, 7));
    f->owner_kind = arena_strdup(a, db_col_text(s, 8));
    f->year = (int)db_col_int(s, 9);
    f->amount_fen = db_col_int(s, 10);
    f->committed_fen = db_col_int(s, 11);
    f->dual_approval_fen = db_col_int(s, 12);
    f->created_by = arena_strdup(a, db_col_text(s, 13));
    f->created_at = db_col_int(s, 14);
    f->updated_at = db_col_int(s, 15);
    f->spent_fen = db_col_int(s, 16);
}

void line_row(DbStmt *s, Arena *a, BudgetLine *l)
{
    memset(l, 0, sizeof *l);
    l->id = db_col_int(s, 0);
    l->fund_id = db_col_int(s, 1);
    l->project_id = db_col_int(s, 2);
    l->category = arena_strdup(a, db_col_text(s, 3));
    l->amount_fen = db_col_int(s, 4);
    l->spent_fen = db_col_int(s, 5);
    l->note = arena_strdup(a, S_(db_col_text(s, 6)));
    l->created_by = arena_strdup(a, db_col_text(s, 7));
    l->created_at = db_col_int(s, 8);
    l->updated_at = db_col_int(s, 9);
    l->fund_name = arena_strdup(a, db_col_text(s, 10));
    l->owner_code = arena_strdup(a, db_col_text(s, 11));
    l->owner_path = arena_strdup(a, db_col_text(s, 12));
    l->fund_year = (int)db_col_int(s, 13);
    l->dual_approval_fen = db_col_int(s, 14);
    l->owner_id = db_col_int(s, 15);
    l->project_title = arena_strdup(a, db_col_text(s, 16));
    l->project_status = arena_strdup(a, db_col_text(s, 17));
    l->lead_code = arena_strdup(a, db_col_text(s, 18));
    l->lead_name = arena_strdup(a, db_col_text(s, 19));
    l->lead_path = arena_strdup(a, db_col_text(s, 20));
    l->lead_id = db_col_int(s, 21);
    l->pending_fen = db_col_int(s, 22);
}

void exp_row(DbStmt *s, Arena *a, Expenditure *e)
{
    memset(e, 0, sizeof *e);
    e->id = db_col_int(s, 0);
    e->line_id = db_col_int(s, 1);
    e->project_id = db_col_int(s, 2);
    e->category = arena_strdup(a, db_col_text(s, 3));
    e->amount_fen = db_col_int(s, 4);
    e->spent_on = arena_strdup(a, db_col_text(s, 5));
    e->payee = arena_strdup(a, db_col_text(s, 6));
    e->voucher = arena_strdup(a, db_col_text(s, 7));
    e->note = arena_strdup(a, S_(db_col_text(s, 8)));
    e->status = arena_strdup(a, db_col_text(s, 9));
    e->approver1 = dup_or_null(a, s, 10);
    e->approved1_at = db_col_int(s, 11);
    e->approver2 = dup_or_null(a, s, 12);
    e->approved2_at = db_col_int(s, 13);
    e->rejected_by = dup_or_null(a, s, 14);
    e->rejected_at = db_col_int(s, 15);
    e->reject_reason = dup_or_null(a, s, 16);
    e->created_by = arena_strdup(a, db_col_text(s, 17));
    e->created_at = db_col_int(s, 18);
    e->updated_at = db_col_int(s, 19);
    e->fund_id = db_col_int(s, 20);
    e->dual_approval_fen = db_col_int(s, 21);
    e->fund_year = (int)db_col_int(s, 22);
    e->fund_name = arena_strdup(a, db_col_text(s, 23));
    e->owner_code = arena_strdup(a, db_col_text(s, 24));
    e->owner_path = arena_strdup(a, db_col_text(s, 25));
    e->project_title = arena_strdup(a, db_col_text(s, 26));
    e->lead_code = arena_strdup(a, db_col_text(s, 27));
    e->lead_path = arena_strdup(a, db_col_text(s, 28));
    e->lead_id = db_col_int(s, 29);
}

/* Runs a one-row query by id and reads it with row(). 1, 0 or -1. */
static int load_one(DbStmt *s, Arena *a, void *out, void (*row)(DbStmt *, Arena *, void *))
{
    if (!s) return -1;
    int rc = db_step(s), found = 0;
    if (rc == DB_ROW) {
        row(s, a, out);
        found = 1;
    } else if (rc != DB_DONE) {
        found = -1;
    }
    db_done(s);
    return found;
}

static void fund_row_v(DbStmt *s, Arena *a, void *o)
{
    fund_row(s, a, o);
}
static void line_row_v(DbStmt *s, Arena *a, void *o)
{
    line_row(s, a, o);
}
static void exp_row_v(DbStmt *s, Arena *a, void *o)
{
    exp_row(s, a, o);
}

int fund_load(Db *db, Arena *a, int64_t id, Fund *out)
{
    return load_one(db_q(db, "SELECT " FUND_COLS FUND_FROM " WHERE f.id = ?", "i", id), a, out,
                    fund_row_v);
}

int line_load(Db *db, Arena *a, int64_t id, BudgetLine *out)
{
    return load_one(db_q(db, "SELECT " LINE_COLS LINE_FROM " WHERE bl.id = ?", "i", id), a, out,
                    line_row_v);
}

int exp_load(Db *db, Arena *a, int64_t id, Expenditure *out)
{
    return load_one(db_q(db, "SELECT " EXP_COLS EXP_FROM " WHERE e.id = ?", "i", id), a, out,
                    exp_row_v);
}

/* ---- visibility and rights ---------------------------------------------------- */

int fund_can(Req *r, Cap c, const char *path)
{
    if (!path) return 0;
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (g->role == ROLE_EVALUATOR || !(role_caps(g->role) & CAPBIT(c))) continue;
        if (!strncmp(path, g->org_path, strlen(g->org_path))) return 1;
    }
    return 0;
}

int fund_visible(Req *r, int64_t fund_id)
{
    int64_t one = 0;
    int rc = db_int(r->db, &one,
                    "SELECT 1 FROM funds f JOIN orgs fo ON fo.id = f.owner_org_id WHERE f.id = ?"
                    " AND " FUND_VISIBLE_SQL("f", "fo.path"),
                    "iisis", fund_id, FUND_VISIBLE_ARGS(r));
    return rc < 0 ? -1 : rc == 1;
}

int line_visible(Req *r, int64_t line_id)
{
    int64_t one = 0;
    int rc = db_int(r->db, &one,
                    "SELECT 1 FROM budget_lines bl JOIN funds f ON f.id = bl.fund_id"
                    " JOIN orgs fo ON fo.id = f.owner_org_id WHERE bl.id = ?"
                    " AND " LINE_VISIBLE_SQL("bl.project_id", "fo.path"),
                    "iisisisi", line_id, LINE_VISIBLE_ARGS(r));
    return rc < 0 ? -1 : rc == 1;
}

int line_may_record(Req *r, const BudgetLine *l)
{
    return can(r, CAP_FUND_WRITE, l->lead_path) || can(r, CAP_FUND_WRITE, l->owner_path);
}

int exp_may_decide(Req *r, const Expenditure *e)
{
    if (strcmp(e->status, "pending") || !can(r, CAP_FUND_APPROVE, e->owner_path)) return 0;
    if (!strcmp(e->created_by, r->auth.login)) return 0;
    return !e->approver1 || strcmp(e->approver1, r->auth.login) != 0;
}

/* ---- JSON ----------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *fund_json(const Fund *f)
{
    return json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:i,s:I,s:I,s:I,s:I,s:I,s:s,s:I,s:I}", "id", (json_int_t)f->id,
        "source", S_(f->source), "name", S_(f->name), "owner", S_(f->owner_code), "owner_name",
        S_(f->owner_name), "year", f->year, "amount_fen", (json_int_t)f->amount_fen,
        "committed_fen", (json_int_t)f->committed_fen, "left_fen",
        (json_int_t)(f->amount_fen - f->committed_fen), "spent_fen", (json_int_t)f->spent_fen,
        "dual_approval_fen", (json_int_t)f->dual_approval_fen, "created_by", S_(f->created_by),
        "created_at", (json_int_t)f->created_at, "updated_at", (json_int_t)f->updated_at);
}

json_t *line_json(const BudgetLine *l)
{
    return json_pack("{s:I,s:I,s:s,s:s,s:i,s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:s,s:s,s:I,s:I}", "id",
                     (json_int_t)l->id, "fund", (json_int_t)l->fund_id, "fund_name",
                     S_(l->fund_name), "owner", S_(l->owner_code), "fund_year", l->fund_year,
                     "project", (json_int_t)l->project_id, "project_title", S_(l->project_title),
                     "lead", S_(l->lead_code), "category", S_(l->category), "amount_fen",
                     (json_int_t)l->amount_fen, "spent_fen", (json_int_t)l->spent_fen,
                     "pending_fen", (json_int_t)l->pending_fen, "left_fen",
                     (json_int_t)(l->amount_fen - l->spent_fen), "note", S_(l->note), "created_by",
                     S_(l->created_by), "created_at", (json_int_t)l->created_at, "updated_at",
                     (json_int_t)l->updated_at);
}

json_t *exp_json(const Expenditure *e)
{
    json_t *j =
        json_pack("{s:I,s:I,s:I,s:s,s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:I,s:I}", "id",
                  (json_int_t)e->id, "line", (json_int_t)e->line_id, "fund", (json_int_t)e->fund_id,
                  "owner", S_(e->owner_code), "project", (json_int_t)e->project_id, "project_title",
                  S_(e->project_title), "amount_fen", (json_int_t)e->amount_fen, "category",
                  S_(e->category), "spent_on", S_(e->spent_on), "payee", S_(e->payee), "voucher",
                  S_(e->voucher), "note", S_(e->note), "needs_two",
                  fund_needs_two(e->amount_fen, e->dual_approval_fen), "status", S_(e->status),
                  "created_at", (json_int_t)e->created_at, "updated_at", (json_int_t)e->updated_at);
    json_object_set_new(j, "created_by", json_string(S_(e->created_by)));
    json_t *ap = json_array();
    if (e->approver1)
        json_array_append_new(ap, json_pack("{s:i,s:s,s:I}", "step", 1, "by", e->approver1, "at",
                                            (json_int_t)e->approved1_at));
    if (e->approver2)
        json_array_append_new(ap, json_pack("{s:i,s:s,s:I}", "step", 2, "by", e->approver2, "at",
                                            (json_int_t)e->approved2_at));
    json_object_set_new(j, "approvals", ap);
    json_object_set_new(j, "approver1", str_or_null(e->approver1));
    json_object_set_new(j, "approver2", str_or_null(e->approver2));
    json_object_set_new(j, "rejected_by", str_or_null(e->rejected_by));
    json_object_set_new(j, "reject_reason", str_or_null(e->reject_reason));
    json_object_set_new(j, "rejected_at",
                        e->rejected_by ? json_integer((json_int_t)e->rejected_at) : json_null());
    const char *awaiting = NULL;
    if (!strcmp(S_(e->status), "pending"))
        awaiting = e->approver1                                          ? "second_approval"
                   : fund_needs_two(e->amount_fen, e->dual_approval_fen) ? "first_approval"
                                                                         : "approval";
    json_object_set_new(j, "awaiting", str_or_null(awaiting));
    return j;
}

/* ---- the store's primitives --------------------------------------------------- */

/* Runs an UPDATE … RETURNING id: 1 when a row changed, 0 when none, -1 error. */
static int changed(DbStmt *s)
{
    if (!s) return -1;
    int rc = db_step(s);
    db_done(s);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int fund_commit(Db *db, int64_t fund_id, int64_t delta)
{
    return changed(db_q(db,
                        "UPDATE funds SET committed_fen = committed_fen + ?, updated_at = ?"
                        " WHERE id = ? AND committed_fen + ? <= amount_fen"
                        " AND committed_fen + ? >= 0 RETURNING id",
                        "iiiii", delta, now_s(), fund_id, delta, delta));
}

int line_spend(Db *db, int64_t line_id, int64_t amount)
{
    if (amount <= 0) return -1;
    return changed(db_q(db,
                        "UPDATE budget_lines SET spent_fen = spent_fen + ?, updated_at = ?"
                        " WHERE id = ? AND spent_fen + ? <= amount_fen RETURNING id",
                        "iiii", amount, now_s(), line_id, amount));
}

/* ---- figures --------------------------------------------------------------------- */

/* The whole region's funding of a year, in fen; -1 on error. */
static int64_t year_total(Db *db, int year)
{
    int64_t v = 0;
    return db_int(db, &v, "SELECT COALESCE(SUM(amount_fen), 0) FROM funds WHERE year = ?", "i",
                  (int64_t)year) < 0
               ? -1
               : v;
}

/* Queues funding_total of owner/year and funding_growth of year and year + 1. */
static int feed_funding_into(Db *db, FeedBatch *fb, int64_t owner_id, int year)
{
    int64_t total = 0;
    char period[8];
    snprintf(period, sizeof period, "%d", year);
    if (db_int(db, &total,
               "SELECT COALESCE(SUM(amount_fen), 0) FROM funds WHERE owner_org_id = ? AND year = ?",
               "ii", owner_id, (int64_t)year) < 0 ||
        feed_put(fb, owner_id, "funding_total", period, (double)total / 100.0))
        return -1;
    int64_t root = 0;
    if (db_int(db, &root, "SELECT id FROM orgs WHERE parent_id IS NULL AND kind = 'region'", "") !=
        1)
        return -1;
    for (int y = year; y <= year + 1; y++) {
        int64_t prev = year_total(db, y - 1), cur = year_total(db, y);
        double pct;
        if (prev < 0 || cur < 0) return -1;
        if (cur <= 0 || !fund_growth_pct(prev, cur, &pct)) continue;
        snprintf(period, sizeof period, "%d", y);
        pct = round(pct * 100.0) / 100.0;
        if (feed_put(fb, root, "funding_growth", period, pct > 10000 ? FEED_DELETE : pct))
            return -1;
    }
    return 0;
}

/* Queues spending_total and spending_software of lead/year. */
static int feed_spending_into(Db *db, FeedBatch *fb, int64_t lead_id, int year)
{
    char period[8];
    snprintf(period, sizeof period, "%d", year);
    int64_t total = 0, soft = 0;
    DbStmt *s = db_q(db,
                     "SELECT COALESCE(SUM(e.amount_fen), 0), COALESCE(SUM(CASE WHEN e.category ="
                     " 'software' THEN e.amount_fen ELSE 0 END), 0) FROM expenditures e"
                     " JOIN projects p ON p.id = e.project_id WHERE p.lead_org_id = ?"
                     " AND e.status = 'approved' AND substr(e.spent_on, 1, 4) = ?",
                     "is", lead_id, period);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) total = db_col_int(s, 0), soft = db_col_int(s, 1);
    db_done(s);
    if (rc != DB_ROW) return -1;
    if (feed_put(fb, lead_id, "spending_total", period, (double)total / 100.0) ||
        feed_put(fb, lead_id, "spending_software", period, (double)soft / 100.0))
        return -1;
    return 0;
}

static int feed_finish(Db *db, FeedBatch *fb, int64_t org_id, const char *key)
{
    char path[512] = "";
    DbStmt *s = db_q(db, "SELECT path FROM orgs WHERE id = ?", "i", org_id);
    if (s && db_step(s) == DB_ROW) snprintf(path, sizeof path, "%s", db_col_text(s, 0));
    db_done(s);
    char err[256];
    if (feed_end(fb, "feed.funds", key, path, err, sizeof err)) {
        fprintf(stderr, "huiju: %s\n", err);
        return -1;
    }
    return 0;
}

int fund_feed_funding(Db *db, const char *actor, int64_t owner_id, int year)
{
    FeedBatch *fb = feed_begin(db, actor);
    if (!fb) return -1;
    if (feed_funding_into(db, fb, owner_id, year)) {
        feed_end(fb, "feed.funds", "funding", NULL, NULL, 0);
        return -1;
    }
    char key[64];
    snprintf(key, sizeof key, "funding:%lld:%d", (long long)owner_id, year);
    return feed_finish(db, fb, owner_id, key);
}

int fund_feed_spending(Db *db, const char *actor, int64_t lead_id, int year)
{
    FeedBatch *fb = feed_begin(db, actor);
    if (!fb) return -1;
    if (feed_spending_into(db, fb, lead_id, year)) {
        feed_end(fb, "feed.funds", "spending", NULL, NULL, 0);
        return -1;
    }
    char key[64];
    snprintf(key, sizeof key, "spending:%lld:%d", (long long)lead_id, year);
    return feed_finish(db, fb, lead_id, key);
}

int64_t fund_id_param(Req *r)
{
    int64_t id;
    const char *s = req_param(r, "id");
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

const char *fund_owner_name(Req *r, const Fund *f)
{
    if (!strcmp(r->lang, "en") && f->owner_name_en && *f->owner_name_en) return f->owner_name_en;
    return f->owner_name;
}
