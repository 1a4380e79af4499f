/* fund_api.c — the JSON API of fund.h: /api/v1/funds, /api/v1/budget-lines,
 * /api/v1/expenditures (with approve and reject), the list filter and the
 * scoped list queries the pages share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "fund.h"
#include "org.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* ---- the filter and the lists ----------------------------------------------------- */

int fund_filter_from_query(Req *r, FundFilter *f, int64_t default_limit)
{
    memset(f, 0, sizeof *f);
    f->limit = default_limit;
    const char *org = req_query(r, "org"), *year = req_query(r, "year"),
               *fund = req_query(r, "fund"), *project = req_query(r, "project"),
               *line = req_query(r, "line"), *cat = req_query(r, "category"),
               *st = req_query(r, "status"), *src = req_query(r, "source"),
               *lim = req_query(r, "limit"), *cursor = req_query(r, "cursor");
    const char *why = NULL;
    if (lim && *lim && !parse_int(lim, 1, 500, &f->limit))
        why = T(r, "limit must be a whole number from 1 to 500.");
    else if (year && *year && !parse_int(year, 2000, 2100, &f->year))
        why = T(r, "year must be a year such as 2026.");
    else if (fund && *fund && !parse_int(fund, 1, INT64_MAX / 2, &f->fund_id))
        why = T(r, "fund must be the id of a fund.");
    else if (project && *project && !parse_int(project, 1, INT64_MAX / 2, &f->project_id))
        why = T(r, "project must be the id of a project.");
    else if (line && *line && !parse_int(line, 1, INT64_MAX / 2, &f->line_id))
        why = T(r, "line must be the id of a budget line.");
    else if (cat && *cat && !fund_category_ok(cat))
        why = T(r, "category must be one of hardware, software, personnel, other.");
    else if (st && *st &&
             !(!strcmp(st, "pending") || !strcmp(st, "approved") || !strcmp(st, "rejected")))
        why = T(r, "status must be one of pending, approved, rejected.");
    else if (src && *src && !fund_source_ok(src))
        why = T(r, "source must be one of government, enterprise, donation, reward.");
    else if (cursor && *cursor && !parse_int(cursor, 1, INT64_MAX / 2, &f->before_id))
        why = T(r, "cursor is not valid.");
    else if (org && *org && !valid_code(org))
        why = T(r, "org must be an organisation code.");
    if (why) {
        if (req_is_api(r))
            req_error(r, 400, "bad_param", why);
        else
            page_error(r, 400, why);
        return 0;
    }
    f->category = cat && *cat ? cat : NULL;
    f->status = st && *st ? st : NULL;
    f->source = src && *src ? src : NULL;
    if (org && *org) {
        Org o;
        int found = org_load(r->db, r->arena, org, &o);
        if (found < 0) {
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
            return 0;
        }
        if (!found || !fund_can(r, CAP_DATA_READ, o.path)) {
            req_not_found(r);
            return 0;
        }
        f->org_path = o.path;
        f->org_code = o.code;
        f->org_id = o.id;
    }
    return 1;
}

DbStmt *fund_list_query(Req *r, const FundFilter *f)
{
    return db_q(r->db,
                "SELECT " FUND_COLS FUND_FROM " WHERE " FUND_VISIBLE_F " AND " FUND_UNIT_SQL
                " AND (CAST(? AS BIGINT) = 0 OR f.year = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR f.source = ?)"
                " AND (CAST(? AS BIGINT) = 0 OR f.id < ?) ORDER BY f.id DESC LIMIT ?",
                "isissssiissiii", FUND_VISIBLE_ARGS(r), f->org_path, f->org_path, f->org_path,
                f->year, f->year, f->source, f->source, f->before_id, f->before_id, f->limit + 1);
}

DbStmt *line_list_query(Req *r, const FundFilter *f)
{
    return db_q(r->db,
                "SELECT " LINE_COLS LINE_FROM " WHERE " LINE_VISIBLE_BL " AND " LINE_UNIT_SQL
                " AND (CAST(? AS BIGINT) = 0 OR f.year = ?)"
                " AND (CAST(? AS BIGINT) = 0 OR bl.fund_id = ?)"
                " AND (CAST(? AS BIGINT) = 0 OR bl.project_id = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR bl.category = ?)"
                " AND (CAST(? AS BIGINT) = 0 OR bl.id < ?) ORDER BY bl.id DESC LIMIT ?",
                "isisisisssssiiiiiissiii", LINE_VISIBLE_ARGS(r), f->org_path, f->org_path,
                f->org_path, f->org_path, f->org_path, f->year, f->year, f->fund_id, f->fund_id,
                f->project_id, f->project_id, f->category, f->category, f->before_id, f->before_id,
                f->limit + 1);
}

DbStmt *exp_list_query(Req *r, const FundFilter *f)
{
    return db_q(r->db,
                "SELECT " EXP_COLS EXP_FROM " WHERE " LINE_VISIBLE_BL " AND " LINE_UNIT_SQL
                " AND (CAST(? AS BIGINT) = 0 OR f.year = ?)"
                " AND (CAST(? AS BIGINT) = 0 OR bl.fund_id = ?)"
                " AND (CAST(? AS BIGINT) = 0 OR bl.project_id = ?)"
                " AND (CAST(? AS BIGINT) = 0 OR e.line_id = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR e.category = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR e.status = ?)"
                " AND (CAST(? AS BIGINT) = 0 OR e.id < ?) ORDER BY e.id DESC LIMIT ?",
                "isisisisssssiiiiiiiissssiii", LINE_VISIBLE_ARGS(r), f->org_path, f->org_path,
                f->org_path, f->org_path, f->org_path, f->year, f->year, f->fund_id, f->fund_id,
                f->project_id, f->project_id, f->line_id, f->line_id, f->category, f->category,
                f->status, f->status, f->before_id, f->before_id, f->limit + 1);
}

/* ---- answers ------------------------------------------------------------------------ */

static void send_result(Req *r, FundResult res, const FundErr *err)
{
    switch (res) {
    case FUND_OK:
        break;
    case FUND_INVALID:
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", err->field, err->why));
        break;
    case FUND_NOT_FOUND:
        req_not_found(r);
        break;
    case FUND_FORBIDDEN:
        req_error(r, 403, "forbidden",
                  err->why ? err->why : T(r, "You do not have permission to do this."));
        break;
    case FUND_CONFLICT: {
        json_t *e = json_pack("{s:s,s:s}", "code", "conflict", "message",
                              err->why ? err->why : T(r, "Conflict."));
        if (err->field) json_object_set_new(e, "field", json_string(err->field));
        if (err->has_left) json_object_set_new(e, "left_fen", json_integer(err->left_fen));
        req_send_json(r, 409, json_pack("{s:o}", "error", e));
        break;
    }
    default:
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    }
}

/* A list answer: items and next_cursor, from a query of limit + 1 rows. */
typedef json_t *(*RowJson)(Req *r, DbStmt *s, int64_t *id);

static json_t *fund_item(Req *r, DbStmt *s, int64_t *id)
{
    Fund f;
    fund_row(s, r->arena, &f);
    *id = f.id;
    return fund_json(&f);
}
static json_t *line_item(Req *r, DbStmt *s, int64_t *id)
{
    BudgetLine l;
    line_row(s, r->arena, &l);
    *id = l.id;
    return line_json(&l);
}
static json_t *exp_item(Req *r, DbStmt *s, int64_t *id)
{
    Expenditure e;
    exp_row(s, r->arena, &e);
    *id = e.id;
    return exp_json(&e);
}

static void send_list(Req *r, DbStmt *s, int64_t limit, RowJson row)
{
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0, rc;
    int64_t last = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == limit) {
            more = 1;
            break;
        }
        json_array_append_new(items, row(r, s, &last));
        n++;
    }
    db_done(s);
    if (rc != DB_ROW && rc != DB_DONE) {
        json_decref(items);
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    req_send_json(r, 200, out);
}

void fund_api_list(Req *r)
{
    FundFilter f;
    if (fund_filter_from_query(r, &f, 50)) send_list(r, fund_list_query(r, &f), f.limit, fund_item);
}

void line_api_list(Req *r)
{
    FundFilter f;
    if (fund_filter_from_query(r, &f, 50)) send_list(r, line_list_query(r, &f), f.limit, line_item);
}

void exp_api_list(Req *r)
{
    FundFilter f;
    if (fund_filter_from_query(r, &f, 50)) send_list(r, exp_list_query(r, &f), f.limit, exp_item);
}

/* ---- reading bodies ---------------------------------------------------------------- */

/* A string field: 1 with *out (arena copy), else 0 with err set. */
static int want_string(Req *r, json_t *v, const char *key, const char **out, FundErr *err)
{
    if (!json_is_string(v)) {
        err->field = arena_strdup(r->arena, key);
        err->why = T(r, "must be a string");
        return 0;
    }
    *out = arena_strdup(r->arena, json_string_value(v));
    return 1;
}

static int want_id(Req *r, json_t *v, const char *key, int64_t *out, FundErr *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        err->field = arena_strdup(r->arena, key);
        err->why = T(r, "must be an id: a whole number greater than 0");
        return 0;
    }
    *out = json_integer_value(v);
    return 1;
}

static int want_fen(Req *r, json_t *v, const char *key, int64_t min, int64_t *out, FundErr *err)
{
    if (!fund_json_fen(v, min, out)) {
        err->field = arena_strdup(r->arena, key);
        err->why = min > 0 ? T(r, "must be a whole number of fen greater than 0")
                           : T(r, "must be a whole number of fen, 0 or more");
        return 0;
    }
    return 1;
}

static int fund_input(Req *r, json_t *j, FundInput *in, FundErr *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (!strcmp(key, "year")) {
            if (!json_is_integer(v)) {
                err->field = "year";
                err->why = T(r, "must be a year from 2020 to 2100");
                return 0;
            }
            in->year = json_integer_value(v), in->has_year = 1;
        } else if (!strcmp(key, "amount_fen")) {
            if (!want_fen(r, v, key, 1, &in->amount_fen, err)) return 0;
            in->has_amount = 1;
        } else if (!strcmp(key, "dual_approval_fen")) {
            if (!want_fen(r, v, key, 0, &in->dual_approval_fen, err)) return 0;
            in->has_dual = 1;
        } else if (!strcmp(key, "source")) {
            if (!want_string(r, v, key, &in->source, err)) return 0;
            in->has_source = 1;
        } else if (!strcmp(key, "name")) {
            if (!want_string(r, v, key, &in->name, err)) return 0;
            in->has_name = 1;
        } else if (!strcmp(key, "owner")) {
            if (!want_string(r, v, key, &in->owner, err)) return 0;
            in->has_owner = 1;
        }
    }
    return 1;
}

static int line_input(Req *r, json_t *j, LineInput *in, FundErr *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (!strcmp(key, "fund")) {
            if (!want_id(r, v, key, &in->fund_id, err)) return 0;
        } else if (!strcmp(key, "project")) {
            if (!want_id(r, v, key, &in->project_id, err)) return 0;
            in->has_project = 1;
        } else if (!strcmp(key, "amount_fen")) {
            if (!want_fen(r, v, key, 1, &in->amount_fen, err)) return 0;
            in->has_amount = 1;
        } else if (!strcmp(key, "category")) {
            if (!want_string(r, v, key, &in->category, err)) return 0;
            in->has_category = 1;
        } else if (!strcmp(key, "note")) {
            if (!want_string(r, v, key, &in->note, err)) return 0;
            in->has_note = 1;
        }
    }
    return 1;
}

static int exp_input(Req *r, json_t *j, ExpInput *in, FundErr *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (!strcmp(key, "line")) {
            if (!want_id(r, v, key, &in->line_id, err)) return 0;
            in->has_line = 1;
        } else if (!strcmp(key, "project")) {
            if (!want_id(r, v, key, &in->project_id, err)) return 0;
            in->has_project = 1;
        } else if (!strcmp(key, "amount_fen")) {
            if (!want_fen(r, v, key, 1, &in->amount_fen, err)) return 0;
            in->has_amount = 1;
        } else if (!strcmp(key, "category")) {
            if (!want_string(r, v, key, &in->category, err)) return 0;
            in->has_category = 1;
        } else if (!strcmp(key, "spent_on")) {
            if (!want_string(r, v, key, &in->spent_on, err)) return 0;
        } else if (!strcmp(key, "payee")) {
            if (!want_string(r, v, key, &in->payee, err)) return 0;
        } else if (!strcmp(key, "voucher")) {
            if (!want_string(r, v, key, &in->voucher, err)) return 0;
        } else if (!strcmp(key, "note")) {
            if (!want_string(r, v, key, &in->note, err)) return 0;
        }
    }
    return 1;
}

/* Whether the object of the path may be seen; for a bad body on an object out of
 * reach, which must answer 404 rather than tell that it exists. */
static int path_visible(Req *r, int (*visible)(Req *, int64_t))
{
    int64_t id = fund_id_param(r);
    return id && visible(r, id) == 1;
}

/* ---- funds ---------------------------------------------------------------------------- */

static const char *const fund_create_fields[] = {
    "source", "name", "owner", "year", "amount_fen", "dual_approval_fen", NULL};

void fund_api_create(Req *r)
{
    json_t *j = req_json_object(r, fund_create_fields);
    if (!j) return;
    FundInput in = {0};
    FundErr err = {0};
    Fund f;
    int ok = fund_input(r, j, &in, &err);
    json_decref(j);
    FundResult res = ok ? fund_create(r, &in, &f, &err) : FUND_INVALID;
    if (res != FUND_OK) {
        send_result(r, res, &err);
        return;
    }
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/funds/%lld", (long long)f.id));
    req_send_json(r, 201, fund_json(&f));
}

void fund_api_get(Req *r)
{
    int64_t id = fund_id_param(r);
    Fund f;
    int found = id ? fund_load(r->db, r->arena, id, &f) : 0;
    int vis = found == 1 ? fund_visible(r, id) : found;
    if (vis < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (!vis) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, fund_json(&f));
}

void fund_api_patch(Req *r)
{
    json_t *j = req_json_object(r, fund_create_fields);
    if (!j) return;
    FundInput in = {0};
    FundErr err = {0};
    Fund f;
    int ok = fund_input(r, j, &in, &err);
    json_decref(j);
    if (!ok && !path_visible(r, fund_visible)) {
        req_not_found(r);
        return;
    }
    FundResult res = ok ? fund_update(r, fund_id_param(r), &in, &f, &err) : FUND_INVALID;
    if (res != FUND_OK) {
        send_result(r, res, &err);
        return;
    }
    req_send_json(r, 200, fund_json(&f));
}

/* ---- budget lines ------------------------------------------------------------------------- */

static const char *const line_fields[] = {"fund",       "project", "category",
                                          "amount_fen", "note",    NULL};

void line_api_create(Req *r)
{
    json_t *j = req_json_object(r, line_fields);
    if (!j) return;
    LineInput in = {0};
    FundErr err = {0};
    BudgetLine l;
    int ok = line_input(r, j, &in, &err);
    json_decref(j);
    FundResult res = ok ? line_create(r, &in, &l, &err) : FUND_INVALID;
    if (res != FUND_OK) {
        send_result(r, res, &err);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/budget-lines/%lld", (long long)l.id));
    req_send_json(r, 201, line_json(&l));
}

void line_api_get(Req *r)
{
    int64_t id = fund_id_param(r);
    BudgetLine l;
    int found = id ? line_load(r->db, r->arena, id, &l) : 0;
    int vis = found == 1 ? line_visible(r, id) : found;
    if (vis < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (!vis) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, line_json(&l));
}

void line_api_patch(Req *r)
{
    json_t *j = req_json_object(r, line_fields);
    if (!j) return;
    LineInput in = {0};
    FundErr err = {0};
    BudgetLine l;
    int ok = line_input(r, j, &in, &err);
    json_decref(j);
    if (!ok && !path_visible(r, line_visible)) {
        req_not_found(r);
        return;
    }
    if (ok && in.fund_id) {
        err.field = "fund";
        err.why = T(r, "cannot be changed: a line keeps its fund");
        ok = 0;
    }
    FundResult res = ok ? line_update(r, fund_id_param(r), &in, &l, &err) : FUND_INVALID;
    if (res != FUND_OK) {
        send_result(r, res, &err);
        return;
    }
    req_send_json(r, 200, line_json(&l));
}

/* ---- expenditures -------------------------------------------------------------------------- */

static const char *const exp_fields[] = {"line",  "project", "category", "amount_fen", "spent_on",
                                         "payee", "voucher", "note",     NULL};

void exp_api_create(Req *r)
{
    json_t *j = req_json_object(r, exp_fields);
    if (!j) return;
    ExpInput in = {0};
    FundErr err = {0};
    Expenditure e;
    int ok = exp_input(r, j, &in, &err);
    json_decref(j);
    FundResult res = ok ? exp_create(r, &in, &e, &err) : FUND_INVALID;
    if (res != FUND_OK) {
        send_result(r, res, &err);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/expenditures/%lld", (long long)e.id));
    req_send_json(r, 201, exp_json(&e));
}

void exp_api_get(Req *r)
{
    int64_t id = fund_id_param(r);
    Expenditure e;
    int found = id ? exp_load(r->db, r->arena, id, &e) : 0;
    int vis = found == 1 ? line_visible(r, e.line_id) : found;
    if (vis < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (!vis) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, exp_json(&e));
}

void exp_api_approve(Req *r)
{
    Expenditure e;
    FundErr err = {0};
    FundResult res = exp_approve(r, fund_id_param(r), &e, &err);
    if (res != FUND_OK) {
        send_result(r, res, &err);
        return;
    }
    req_send_json(r, 200, exp_json(&e));
}

static const char *const reject_fields[] = {"reason", NULL};

void exp_api_reject(Req *r)
{
    json_t *j = req_json_object(r, reject_fields);
    if (!j) return;
    const char *reason = NULL;
    json_t *v = json_object_get(j, "reason");
    if (json_is_string(v)) reason = arena_strdup(r->arena, json_string_value(v));
    int typed = !v || json_is_string(v);
    json_decref(j);
    Expenditure e;
    FundErr err = {0};
    FundResult res;
    if (!typed) {
        /* out of reach answers 404 before a bad field is named */
        int64_t id = fund_id_param(r);
        Expenditure chk;
        if (!id || exp_load(r->db, r->arena, id, &chk) != 1 || line_visible(r, chk.line_id) != 1) {
            req_not_found(r);
            return;
        }
        err.field = "reason";
        err.why = T(r, "must be a string");
        res = FUND_INVALID;
    } else {
        res = exp_reject(r, fund_id_param(r), reason, &e, &err);
    }
    if (res != FUND_OK) {
        send_result(r, res, &err);
        return;
    }
    req_send_json(r, 200, exp_json(&e));
}
