/* fund_write.c — the writes of fund.h: funds, budget lines, expenditures and
 * their approval, each in one transaction with its audit record and the figures
 * it moves. The earmarking rules are the conditional UPDATEs of fund.c
 * (fund_commit, line_spend) and the status guards below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/money.h"
#include "core/util.h"
#include "fund.h"
#include "org.h"
#include "ui/i18n.h"

#define FEN_MAX FUND_FEN_MAX

/* The audit views: the object's own fields. */
static json_t *fund_audit_json(const Fund *f)
{
    json_t *j = fund_json(f);
    json_object_del(j, "owner_name");
    json_object_del(j, "left_fen");
    json_object_del(j, "spent_fen");
    json_object_del(j, "created_at");
    json_object_del(j, "updated_at");
    return j;
}

static json_t *line_audit_json(const BudgetLine *l)
{
    json_t *j = line_json(l);
    for (const char *const *k =
             (const char *const[]){"fund_name", "owner", "fund_year", "project_title", "lead",
                                   "pending_fen", "left_fen", "created_at", "updated_at", NULL};
         *k; k++)
        json_object_del(j, *k);
    return j;
}

static json_t *exp_audit_json(const Expenditure *e)
{
    json_t *j = exp_json(e);
    for (const char *const *k =
             (const char *const[]){"owner", "project_title", "approvals", "needs_two", "awaiting",
                                   "created_at", "updated_at", NULL};
         *k; k++)
        json_object_del(j, *k);
    return j;
}

static const char *id_key(Req *r, int64_t id)
{
    return arena_printf(r->arena, "%lld", (long long)id);
}

/* Runs an UPDATE … RETURNING id: 1 when a row changed, 0 when none, -1 error. */
static int changed(DbStmt *s)
{
    if (!s) return -1;
    int rc = db_step(s);
    db_done(s);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* ---- writes: shared helpers ---------------------------------------------------- */

static FundResult bad(FundErr *err, const char *field, const char *why)
{
    err->field = field;
    err->why = why;
    return FUND_INVALID;
}

static FundResult refuse(FundErr *err, FundResult res, const char *why)
{
    err->field = NULL;
    err->why = why;
    return res;
}

/* Ends a write: commits when rc is DB_OK, else rolls back; DB_CONSTRAINT and
 * every other failure answer FUND_ERROR (the checks come first). */
static FundResult finish(Db *db, int rc)
{
    if (rc == DB_OK && db_commit(db) == DB_OK) return FUND_OK;
    db_rollback(db);
    return FUND_ERROR;
}

static int text_ok(const char *s, size_t min, size_t max)
{
    return s && strlen(s) >= min && valid_text(s, max);
}

/* ---- funds ------------------------------------------------------------------------- */

static FundResult check_fund(Req *r, const Fund *f, FundErr *err)
{
    if (!fund_source_ok(f->source))
        return bad(err, "source", T(r, "must be one of government, enterprise, donation, reward"));
    if (!text_ok(f->name, 1, 200))
        return bad(err, "name", T(r, "is required: at most 200 bytes, no control characters"));
    if (f->year < 2020 || f->year > 2100)
        return bad(err, "year", T(r, "must be a year from 2020 to 2100"));
    if (f->amount_fen <= 0 || f->amount_fen > FEN_MAX)
        return bad(err, "amount_fen", T(r, "must be a whole number of fen greater than 0"));
    if (f->dual_approval_fen < 0 || f->dual_approval_fen > FEN_MAX)
        return bad(err, "dual_approval_fen", T(r, "must be a whole number of fen, 0 or more"));
    return FUND_OK;
}

FundResult fund_create(Req *r, const FundInput *in, Fund *out, FundErr *err)
{
    if (!in->has_owner || !in->owner || !valid_code(in->owner))
        return bad(err, "owner",
                   T(r, "is required: the code of the organisation that owns the fund"));
    Org o;
    int found = org_load(r->db, r->arena, in->owner, &o);
    if (found < 0) return FUND_ERROR;
    if (!found || !fund_can(r, CAP_DATA_READ, o.path)) return FUND_NOT_FOUND;
    if (!can(r, CAP_FUND_WRITE, o.path))
        return refuse(err, FUND_FORBIDDEN, T(r, "Only fund.write at the owner creates its funds."));
    if (!strcmp(o.kind, "school"))
        return bad(err, "owner",
                   T(r, "must be the region, a prefecture, a county or a partner organisation"));
    if (!in->has_source) return bad(err, "source", T(r, "is required"));
    if (!in->has_name) return bad(err, "name", T(r, "is required"));
    if (!in->has_year) return bad(err, "year", T(r, "is required"));
    if (!in->has_amount) return bad(err, "amount_fen", T(r, "is required"));
    Fund f = {.source = in->source,
              .name = in->name,
              .owner_id = o.id,
              .owner_code = o.code,
              .owner_path = o.path,
              .year = (int)in->year,
              .amount_fen = in->amount_fen,
              .dual_approval_fen = in->has_dual ? in->dual_approval_fen : 5000000,
              .created_by = r->auth.login};
    FundResult res = check_fund(r, &f, err);
    if (res != FUND_OK) return res;
    if (db_begin(r->db) != DB_OK) return FUND_ERROR;
    int64_t now = now_s();
    DbStmt *s = db_q(r->db,
                     "INSERT INTO funds(source, name, owner_org_id, year, amount_fen,"
                     " dual_approval_fen, created_by, created_at, updated_at)"
                     " VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
                     "ssiiiisii", f.source, f.name, f.owner_id, (int64_t)f.year, f.amount_fen,
                     f.dual_approval_fen, f.created_by, now, now);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) f.id = db_col_int(s, 0);
    db_done(s);
    rc = f.id ? DB_OK : DB_ERROR;
    if (rc == DB_OK && fund_feed_funding(r->db, r->auth.login, f.owner_id, f.year)) rc = DB_ERROR;
    if (rc == DB_OK) {
        json_t *after = fund_audit_json(&f);
        rc = audit_log(r->db, r->auth.login, "fund.create", "fund", id_key(r, f.id), f.owner_path,
                       NULL, after);
        json_decref(after);
    }
    res = finish(r->db, rc);
    if (res != FUND_OK) return res;
    return fund_load(r->db, r->arena, f.id, out) == 1 ? FUND_OK : FUND_ERROR;
}

FundResult fund_update(Req *r, int64_t id, const FundInput *in, Fund *out, FundErr *err)
{
    Fund old;
    int found = id ? fund_load(r->db, r->arena, id, &old) : 0;
    if (found < 0) return FUND_ERROR;
    int vis = found ? fund_visible(r, id) : 0;
    if (vis < 0) return FUND_ERROR;
    if (!vis) return FUND_NOT_FOUND;
    if (!can(r, CAP_FUND_WRITE, old.owner_path))
        return refuse(err, FUND_FORBIDDEN, T(r, "Only fund.write at the owner changes its funds."));
    if (in->has_owner || in->has_year)
        return bad(err, in->has_owner ? "owner" : "year",
                   T(r, "cannot be changed: create another fund instead"));
    Fund f = old;
    if (in->has_source) f.source = in->source;
    if (in->has_name) f.name = in->name;
    if (in->has_amount) f.amount_fen = in->amount_fen;
    if (in->has_dual) f.dual_approval_fen = in->dual_approval_fen;
    FundResult res = check_fund(r, &f, err);
    if (res != FUND_OK) return res;
    *out = old;
    json_t *before = fund_audit_json(&old), *after = fund_audit_json(&f);
    if (json_equal(before, after)) {
        json_decref(before);
        json_decref(after);
        return FUND_OK;
    }
    int rc = db_begin(r->db), hit = 0;
    if (rc == DB_OK) {
        /* the amount never goes below what the lines hold: one conditional UPDATE */
        hit = changed(db_q(r->db,
                           "UPDATE funds SET source = ?, name = ?, amount_fen = ?,"
                           " dual_approval_fen = ?, updated_at = ? WHERE id = ?"
                           " AND committed_fen <= ? RETURNING id",
                           "ssiiiii", f.source, f.name, f.amount_fen, f.dual_approval_fen, now_s(),
                           f.id, f.amount_fen));
        if (hit < 0) rc = DB_ERROR;
    }
    if (rc == DB_OK && hit && f.amount_fen != old.amount_fen &&
        fund_feed_funding(r->db, r->auth.login, f.owner_id, f.year))
        rc = DB_ERROR;
    if (rc == DB_OK && hit)
        rc = audit_log(r->db, r->auth.login, "fund.update", "fund", id_key(r, f.id), f.owner_path,
                       before, after);
    json_decref(before);
    json_decref(after);
    if (rc == DB_OK && !hit) {
        db_rollback(r->db);
        Fund now;
        int64_t committed = fund_load(r->db, r->arena, id, &now) == 1 ? now.committed_fen : 0;
        err->field = "amount_fen";
        err->why =
            arena_printf(r->arena, "%s (%s: %s)",
                         T(r, "amount_fen cannot go below what the fund's budget lines hold"),
                         T(r, "committed"), fen_text(r->arena, committed));
        return FUND_CONFLICT;
    }
    res = finish(r->db, rc);
    if (res != FUND_OK) return res;
    return fund_load(r->db, r->arena, id, out) == 1 ? FUND_OK : FUND_ERROR;
}

/* ---- budget lines ------------------------------------------------------------------ */

/* The project statuses a line may be drawn for and charged in. */
static int project_fundable(const char *status)
{
    return status && (!strcmp(status, "approved") || !strcmp(status, "in_progress") ||
                      !strcmp(status, "suspended") || !strcmp(status, "completed"));
}

/* "not enough left in the fund (left: 1,000.00)"; sets err's left amount. */
static const char *left_text(Req *r, FundErr *err, const char *what, int64_t left)
{
    err->has_left = 1;
    err->left_fen = left;
    return arena_printf(r->arena, "%s (%s: %s)", what, T(r, "left"), fen_text(r->arena, left));
}

FundResult line_create(Req *r, const LineInput *in, BudgetLine *out, FundErr *err)
{
    if (!in->fund_id) return bad(err, "fund", T(r, "is required: the id of a fund"));
    Fund f;
    int found = fund_load(r->db, r->arena, in->fund_id, &f);
    if (found < 0) return FUND_ERROR;
    int vis = found ? fund_visible(r, f.id) : 0;
    if (vis < 0) return FUND_ERROR;
    if (!vis) return FUND_NOT_FOUND;
    if (!can(r, CAP_FUND_WRITE, f.owner_path))
        return refuse(err, FUND_FORBIDDEN,
                      T(r, "Only fund.write at the fund's owner draws budget lines on it."));
    if (!in->has_project || in->project_id <= 0)
        return bad(err, "project", T(r, "is required: the id of a project"));
    Project p;
    int pv = project_get_visible(r, in->project_id, &p);
    if (pv < 0) return FUND_ERROR;
    if (!pv) return FUND_NOT_FOUND;
    if (!in->has_category || !fund_category_ok(in->category))
        return bad(err, "category", T(r, "must be one of hardware, software, personnel, other"));
    if (!in->has_amount || in->amount_fen <= 0 || in->amount_fen > FEN_MAX)
        return bad(err, "amount_fen", T(r, "must be a whole number of fen greater than 0"));
    const char *note = in->has_note && in->note ? in->note : "";
    if (!valid_text(note, 2000))
        return bad(err, "note", T(r, "must be at most 2000 bytes, no control characters"));
    if (!project_fundable(p.status))
        return refuse(err, FUND_CONFLICT,
                      arena_printf(r->arena,
                                   "%s (%s); %s: approved, in_progress, suspended, completed",
                                   T(r, "A budget line is drawn only for a project under way"),
                                   p.status, T(r, "allowed")));
    int rc = db_begin(r->db);
    if (rc != DB_OK) return FUND_ERROR;
    int got = fund_commit(r->db, f.id, in->amount_fen);
    if (got <= 0) {
        db_rollback(r->db);
        if (got < 0) return FUND_ERROR;
        Fund now;
        int64_t left =
            fund_load(r->db, r->arena, f.id, &now) == 1 ? now.amount_fen - now.committed_fen : 0;
        err->field = "amount_fen";
        err->why = left_text(r, err, T(r, "not enough left in the fund"), left);
        return FUND_CONFLICT;
    }
    int64_t now = now_s(), id = 0;
    DbStmt *s =
        db_q(r->db,
             "INSERT INTO budget_lines(fund_id, project_id, category, amount_fen, note,"
             " created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
             "iisissii", f.id, p.id, in->category, in->amount_fen, note, r->auth.login, now, now);
    rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    rc = id ? DB_OK : DB_ERROR;
    BudgetLine l;
    if (rc == DB_OK && line_load(r->db, r->arena, id, &l) != 1) rc = DB_ERROR;
    if (rc == DB_OK) {
        json_t *after = line_audit_json(&l);
        json_object_set_new(after, "fund_committed_fen",
                            json_integer((json_int_t)(f.committed_fen + in->amount_fen)));
        rc = audit_log(r->db, r->auth.login, "budget_line.create", "budget_line", id_key(r, id),
                       f.owner_path, NULL, after);
        json_decref(after);
    }
    FundResult res = finish(r->db, rc);
    if (res != FUND_OK) return res;
    return line_load(r->db, r->arena, id, out) == 1 ? FUND_OK : FUND_ERROR;
}

FundResult line_update(Req *r, int64_t id, const LineInput *in, BudgetLine *out, FundErr *err)
{
    BudgetLine old;
    int found = id ? line_load(r->db, r->arena, id, &old) : 0;
    if (found < 0) return FUND_ERROR;
    int vis = found ? line_visible(r, id) : 0;
    if (vis < 0) return FUND_ERROR;
    if (!vis) return FUND_NOT_FOUND;
    if (!can(r, CAP_FUND_WRITE, old.owner_path))
        return refuse(err, FUND_FORBIDDEN,
                      T(r, "Only fund.write at the fund's owner changes its budget lines."));
    if (in->has_project || in->has_category)
        return bad(err, in->has_project ? "project" : "category",
                   T(r, "cannot be changed: a line keeps its project and category"));
    BudgetLine l = old;
    if (in->has_amount) {
        if (in->amount_fen <= 0 || in->amount_fen > FEN_MAX)
            return bad(err, "amount_fen", T(r, "must be a whole number of fen greater than 0"));
        l.amount_fen = in->amount_fen;
    }
    if (in->has_note) {
        if (!in->note || !valid_text(in->note, 2000))
            return bad(err, "note", T(r, "must be at most 2000 bytes, no control characters"));
        l.note = in->note;
    }
    *out = old;
    if (l.amount_fen == old.amount_fen && !strcmp(l.note, old.note)) return FUND_OK;
    int64_t delta = l.amount_fen - old.amount_fen;
    int rc = db_begin(r->db);
    if (rc != DB_OK) return FUND_ERROR;
    /* raised: only within what the fund has left; lowered: never below what is spent */
    int got = delta ? fund_commit(r->db, old.fund_id, delta) : 1;
    if (got == 0) {
        db_rollback(r->db);
        Fund f;
        int64_t left =
            fund_load(r->db, r->arena, old.fund_id, &f) == 1 ? f.amount_fen - f.committed_fen : 0;
        err->field = "amount_fen";
        err->why = left_text(r, err, T(r, "not enough left in the fund"), left);
        return FUND_CONFLICT;
    }
    int hit = got < 0 ? -1
                      : changed(db_q(r->db,
                                     "UPDATE budget_lines SET amount_fen = ?, note = ?,"
                                     " updated_at = ? WHERE id = ? AND spent_fen <= ? RETURNING id",
                                     "isiii", l.amount_fen, l.note, now_s(), id, l.amount_fen));
    if (hit <= 0) {
        db_rollback(r->db);
        if (hit < 0) return FUND_ERROR;
        BudgetLine now;
        int64_t spent = line_load(r->db, r->arena, id, &now) == 1 ? now.spent_fen : 0;
        err->field = "amount_fen";
        err->why = arena_printf(r->arena, "%s (%s: %s)",
                                T(r, "amount_fen cannot go below what is spent on the line"),
                                T(r, "spent"), fen_text(r->arena, spent));
        return FUND_CONFLICT;
    }
    json_t *before = line_audit_json(&old), *after = line_audit_json(&l);
    rc = audit_log(r->db, r->auth.login, "budget_line.update", "budget_line", id_key(r, id),
                   old.owner_path, before, after);
    json_decref(before);
    json_decref(after);
    FundResult res = finish(r->db, rc);
    if (res != FUND_OK) return res;
    return line_load(r->db, r->arena, id, out) == 1 ? FUND_OK : FUND_ERROR;
}

/* ---- expenditures --------------------------------------------------------------------- */

FundResult exp_create(Req *r, const ExpInput *in, Expenditure *out, FundErr *err)
{
    if (!in->has_line || in->line_id <= 0)
        return bad(err, "line", T(r, "is required: the id of a budget line"));
    BudgetLine l;
    int found = line_load(r->db, r->arena, in->line_id, &l);
    if (found < 0) return FUND_ERROR;
    int vis = found ? line_visible(r, l.id) : 0;
    if (vis < 0) return FUND_ERROR;
    if (!vis) return FUND_NOT_FOUND;
    if (!line_may_record(r, &l))
        return refuse(err, FUND_FORBIDDEN,
                      T(r, "Expenditures are recorded by fund.write at the project's lead "
                           "organisation or at the fund's owner."));
    if (in->has_project && in->project_id != l.project_id)
        return bad(err, "project",
                   T(r, "must be the line's project: nothing is charged to a line of another "
                        "category or project"));
    if (in->has_category && (!in->category || strcmp(in->category, l.category)))
        return bad(err, "category",
                   T(r, "must be the line's category: nothing is charged to a line of another "
                        "category or project"));
    if (!in->has_amount || in->amount_fen <= 0 || in->amount_fen > FEN_MAX)
        return bad(err, "amount_fen", T(r, "must be a whole number of fen greater than 0"));
    const char *today = fund_today(r->arena);
    if (!in->spent_on || !fund_spent_on_ok(in->spent_on, today, l.fund_year))
        return bad(err, "spent_on",
                   arena_printf(r->arena, "%s %d–%d, %s %s",
                                T(r, "must be a real date YYYY-MM-DD in the fund's year or the "
                                     "year before or after:"),
                                l.fund_year - 1, l.fund_year + 1, T(r, "and not after today,"),
                                today));
    if (!text_ok(in->payee, 1, 200))
        return bad(err, "payee", T(r, "is required: at most 200 bytes, no control characters"));
    if (!text_ok(in->voucher, 1, 64))
        return bad(err, "voucher", T(r, "is required: at most 64 bytes, no control characters"));
    const char *note = in->note ? in->note : "";
    if (!valid_text(note, 2000))
        return bad(err, "note", T(r, "must be at most 2000 bytes, no control characters"));
    if (!project_fundable(l.project_status))
        return refuse(err, FUND_CONFLICT,
                      arena_printf(r->arena,
                                   "%s (%s); %s: approved, in_progress, suspended, completed",
                                   T(r, "Expenditures are recorded only for a project under way"),
                                   l.project_status, T(r, "allowed")));
    int rc = db_begin(r->db);
    if (rc != DB_OK) return FUND_ERROR;
    /* the line's row is locked first, so that two recordings of one voucher serialise */
    int lk = changed(db_q(r->db,
                          "UPDATE budget_lines SET updated_at = updated_at WHERE id = ?"
                          " RETURNING id",
                          "i", l.id));
    int64_t dup = 0, spent = l.spent_fen, amount = l.amount_fen;
    int d = lk < 0 ? -1
                   : db_int(r->db, &dup,
                            "SELECT 1 FROM expenditures WHERE line_id = ? AND voucher = ?"
                            " AND status <> 'rejected'",
                            "is", l.id, in->voucher);
    DbStmt *s = d < 0 ? NULL
                      : db_q(r->db, "SELECT spent_fen, amount_fen FROM budget_lines WHERE id = ?",
                             "i", l.id);
    int sr = s ? db_step(s) : DB_ERROR;
    if (sr == DB_ROW) spent = db_col_int(s, 0), amount = db_col_int(s, 1);
    db_done(s);
    if (lk <= 0 || d < 0 || sr != DB_ROW) {
        db_rollback(r->db);
        return FUND_ERROR;
    }
    if (d == 1) {
        db_rollback(r->db);
        err->field = "voucher";
        err->why =
            arena_printf(r->arena, "%s: %s",
                         T(r, "This voucher number is already recorded on the line"), in->voucher);
        return FUND_CONFLICT;
    }
    if (spent + in->amount_fen > amount) {
        db_rollback(r->db);
        err->field = "amount_fen";
        err->why = left_text(r, err, T(r, "would exceed the line"), amount - spent);
        return FUND_CONFLICT;
    }
    int64_t now = now_s(), id = 0;
    s = db_q(r->db,
             "INSERT INTO expenditures(line_id, project_id, category, amount_fen, spent_on, payee,"
             " voucher, note, status, created_by, created_at, updated_at)"
             " VALUES (?,?,?,?,?,?,?,?,'pending',?,?,?) RETURNING id",
             "iisisssssii", l.id, l.project_id, l.category, in->amount_fen, in->spent_on, in->payee,
             in->voucher, note, r->auth.login, now, now);
    rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    rc = id ? DB_OK : DB_ERROR;
    Expenditure e;
    if (rc == DB_OK && exp_load(r->db, r->arena, id, &e) != 1) rc = DB_ERROR;
    if (rc == DB_OK) {
        json_t *after = exp_audit_json(&e);
        rc = audit_log(r->db, r->auth.login, "expenditure.create", "expenditure", id_key(r, id),
                       l.owner_path, NULL, after);
        json_decref(after);
    }
    FundResult res = finish(r->db, rc);
    if (res != FUND_OK) return res;
    return exp_load(r->db, r->arena, id, out) == 1 ? FUND_OK : FUND_ERROR;
}

/* Loads expenditure id for a decision: 1 with *e, or a result to answer. */
static FundResult load_for_decision(Req *r, int64_t id, Expenditure *e)
{
    int found = id ? exp_load(r->db, r->arena, id, e) : 0;
    if (found < 0) return FUND_ERROR;
    int vis = found ? line_visible(r, e->line_id) : 0;
    if (vis < 0) return FUND_ERROR;
    if (!vis) return FUND_NOT_FOUND;
    return FUND_OK;
}

static const char *not_pending(Req *r, const Expenditure *e)
{
    return arena_printf(r->arena, "%s (%s: %s); %s: pending",
                        T(r, "Only a pending expenditure can be decided on"), T(r, "status"),
                        e->status, T(r, "allowed from"));
}

FundResult exp_approve(Req *r, int64_t id, Expenditure *out, FundErr *err)
{
    /* a concurrent first approval can change the step: decide again, a few times */
    for (int attempt = 0; attempt < 3; attempt++) {
        Expenditure e;
        FundResult res = load_for_decision(r, id, &e);
        if (res != FUND_OK) return res;
        if (!can(r, CAP_FUND_APPROVE, e.owner_path))
            return refuse(err, FUND_FORBIDDEN,
                          T(r, "Only fund.approve at the fund's owner approves its expenditures."));
        ApproveStep step = fund_approve_step(e.status, e.created_by, e.approver1, e.amount_fen,
                                             e.dual_approval_fen, r->auth.login);
        *out = e;
        if (step == APPROVE_NOT_PENDING) return refuse(err, FUND_CONFLICT, not_pending(r, &e));
        if (step == APPROVE_OWN)
            return refuse(err, FUND_FORBIDDEN,
                          T(r, "Nobody approves an expenditure they recorded."));
        if (step == APPROVE_SAME_PERSON)
            return refuse(err, FUND_CONFLICT,
                          arena_printf(r->arena, "%s (%s)",
                                       T(r, "The second approval must come from another person "
                                            "than the first"),
                                       e.approver1));
        int64_t now = now_s();
        if (db_begin(r->db) != DB_OK) return FUND_ERROR;
        int hit;
        if (step == APPROVE_FIRST)
            hit = changed(db_q(r->db,
                               "UPDATE expenditures SET approver1 = ?, approved1_at = ?,"
                               " updated_at = ? WHERE id = ? AND status = 'pending'"
                               " AND approver1 IS NULL RETURNING id",
                               "siii", r->auth.login, now, now, id));
        else if (!e.approver1)
            hit = changed(db_q(r->db,
                               "UPDATE expenditures SET status = 'approved', approver1 = ?,"
                               " approved1_at = ?, updated_at = ? WHERE id = ?"
                               " AND status = 'pending' AND approver1 IS NULL RETURNING id",
                               "siii", r->auth.login, now, now, id));
        else
            hit = changed(db_q(r->db,
                               "UPDATE expenditures SET status = 'approved', approver2 = ?,"
                               " approved2_at = ?, updated_at = ? WHERE id = ?"
                               " AND status = 'pending' AND approver1 = ? AND approver2 IS NULL"
                               " RETURNING id",
                               "siiis", r->auth.login, now, now, id, e.approver1));
        if (hit < 0) {
            db_rollback(r->db);
            return FUND_ERROR;
        }
        if (!hit) { /* someone decided meanwhile: look again */
            db_rollback(r->db);
            continue;
        }
        int rc = DB_OK;
        if (step == APPROVE_FINAL) {
            /* the money moves now, never past the line */
            int got = line_spend(r->db, e.line_id, e.amount_fen);
            if (got <= 0) {
                db_rollback(r->db);
                if (got < 0) return FUND_ERROR;
                BudgetLine l;
                int64_t left =
                    line_load(r->db, r->arena, e.line_id, &l) == 1 ? l.amount_fen - l.spent_fen : 0;
                err->field = "amount_fen";
                err->why = left_text(r, err, T(r, "would exceed the line"), left);
                return FUND_CONFLICT;
            }
            if (fund_feed_spending(r->db, r->auth.login, e.lead_id, atoi(e.spent_on)))
                rc = DB_ERROR;
        }
        Expenditure now_e;
        if (rc == DB_OK && exp_load(r->db, r->arena, id, &now_e) != 1) rc = DB_ERROR;
        if (rc == DB_OK) {
            json_t *before = exp_audit_json(&e), *after = exp_audit_json(&now_e);
            if (step == APPROVE_FINAL) {
                BudgetLine l;
                if (line_load(r->db, r->arena, e.line_id, &l) == 1)
                    json_object_set_new(after, "line_spent_fen",
                                        json_integer((json_int_t)l.spent_fen));
            }
            rc = audit_log(r->db, r->auth.login,
                           step == APPROVE_FINAL ? "expenditure.approve" : "expenditure.approve1",
                           "expenditure", id_key(r, id), e.owner_path, before, after);
            json_decref(before);
            json_decref(after);
        }
        res = finish(r->db, rc);
        if (res != FUND_OK) return res;
        return exp_load(r->db, r->arena, id, out) == 1 ? FUND_OK : FUND_ERROR;
    }
    return refuse(err, FUND_CONFLICT,
                  T(r, "The expenditure was changed by someone else meanwhile; reload it and try "
                       "again."));
}

FundResult exp_reject(Req *r, int64_t id, const char *reason, Expenditure *out, FundErr *err)
{
    Expenditure e;
    FundResult res = load_for_decision(r, id, &e);
    if (res != FUND_OK) return res;
    if (!can(r, CAP_FUND_APPROVE, e.owner_path))
        return refuse(err, FUND_FORBIDDEN,
                      T(r, "Only fund.approve at the fund's owner decides on its expenditures."));
    *out = e;
    if (strcmp(e.status, "pending")) return refuse(err, FUND_CONFLICT, not_pending(r, &e));
    if (!strcmp(e.created_by, r->auth.login))
        return refuse(err, FUND_FORBIDDEN, T(r, "Nobody decides on an expenditure they recorded."));
    if (!text_ok(reason, 1, 1000))
        return bad(err, "reason", T(r, "is required: at most 1000 bytes, no control characters"));
    if (db_begin(r->db) != DB_OK) return FUND_ERROR;
    int64_t now = now_s();
    int hit = changed(db_q(r->db,
                           "UPDATE expenditures SET status = 'rejected', rejected_by = ?,"
                           " rejected_at = ?, reject_reason = ?, updated_at = ? WHERE id = ?"
                           " AND status = 'pending' RETURNING id",
                           "sisii", r->auth.login, now, reason, now, id));
    if (hit <= 0) {
        db_rollback(r->db);
        if (hit < 0) return FUND_ERROR;
        return refuse(err, FUND_CONFLICT,
                      T(r, "The expenditure was decided on by someone else meanwhile."));
    }
    Expenditure now_e;
    int rc = exp_load(r->db, r->arena, id, &now_e) == 1 ? DB_OK : DB_ERROR;
    if (rc == DB_OK) {
        json_t *before = exp_audit_json(&e), *after = exp_audit_json(&now_e);
        rc = audit_log(r->db, r->auth.login, "expenditure.reject", "expenditure", id_key(r, id),
                       e.owner_path, before, after);
        json_decref(before);
        json_decref(after);
    }
    res = finish(r->db, rc);
    if (res != FUND_OK) return res;
    return exp_load(r->db, r->arena, id, out) == 1 ? FUND_OK : FUND_ERROR;
}
