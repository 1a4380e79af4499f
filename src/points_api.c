/* points_api.c — the JSON API of service hours, the ledger, rewards and
 * redemptions, the writes of rewards, and the totals by pool and unit (see
 * points.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "points.h"
#include "ui/i18n.h"
#include "ui/layout.h"

#define S_(x) ((x) ? (x) : "")

static const char *id_text(Req *r, int64_t id)
{
    return arena_printf(r->arena, "%lld", (long long)id);
}

static void busy(Req *r)
{
    req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
}

/* ---- service hours ------------------------------------------------------------- */

void hours_api_list(Req *r)
{
    const char *vol = req_query(r, "volunteer"), *st = req_query(r, "status"),
               *org = req_query(r, "org"), *mine = req_query(r, "mine"),
               *lim = req_query(r, "limit"), *cursor = req_query(r, "cursor");
    int64_t vid = 0, limit = 50, before = 0, only_mine = 0;
    const char *why = NULL, *path = NULL;
    if (vol && *vol && !parse_int(vol, 1, INT64_MAX / 2, &vid))
        why = T(r, "volunteer must be a volunteer id.");
    else if (st && *st && strcmp(st, "logged") && strcmp(st, "verified") && strcmp(st, "rejected"))
        why = T(r, "status must be one of logged, verified, rejected.");
    else if (lim && *lim && !parse_int(lim, 1, 500, &limit))
        why = T(r, "limit must be a whole number from 1 to 500.");
    else if (cursor && *cursor && !parse_int(cursor, 1, INT64_MAX / 2, &before))
        why = T(r, "cursor is not valid.");
    else if (mine && *mine && !parse_int(mine, 0, 1, &only_mine))
        why = T(r, "mine must be 0 or 1.");
    else if (org && *org && !valid_code(org))
        why = T(r, "org must be an organisation code.");
    if (why) {
        req_error(r, 400, "bad_param", why);
        return;
    }
    if (org && *org) {
        Org o;
        if (org_load(r->db, r->arena, org, &o) != 1) {
            req_not_found(r);
            return;
        }
        path = o.path;
    }
    const char *status = st && *st ? st : NULL;
    DbStmt *s = db_q(
        r->db,
        "SELECT " HOURS_COLS HOURS_FROM
        " WHERE (v.user_id = ? OR " REACH_SQL("po.path") " OR " REACH_SQL(
            "o.path") " OR " REACH_SQL("o.path") ")"
                                                 " AND (CAST(? AS BIGINT) = 0 OR h.volunteer_id = "
                                                 "?)"
                                                 " AND (CAST(? AS TEXT) IS NULL OR h.status = ?)"
                                                 " AND (CAST(? AS TEXT) IS NULL OR substr(o.path, "
                                                 "1, length(CAST(? AS TEXT)))"
                                                 " = ?) AND (CAST(? AS BIGINT) = 0 OR v.user_id = "
                                                 "?)"
                                                 " AND (CAST(? AS BIGINT) = 0 OR h.id < ?) ORDER "
                                                 "BY h.id DESC LIMIT ?",
        "iisisisiisssssiiiii", r->auth.user_id, REACH_ARGS(r, CAP_VOLUNTEER_MANAGE),
        REACH_ARGS(r, CAP_VOLUNTEER_MANAGE), REACH_ARGS(r, CAP_ACTIVITY_WRITE), vid, vid, status,
        status, path, path, path, only_mine, r->auth.user_id, before, before, limit + 1);
    if (!s) {
        busy(r);
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0;
    int64_t last = 0;
    while (db_step(s) == DB_ROW) {
        if (n == limit) {
            more = 1;
            break;
        }
        ServiceHours h;
        hours_row(s, r->arena, &h);
        json_array_append_new(items, hours_json(&h));
        last = h.id;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor", more ? json_string(id_text(r, last)) : json_null());
    req_send_json(r, 200, out);
}

void hours_api_create(Req *r)
{
    static const char *const fields[] = {"volunteer", "activity",    "org", "served_on",
                                         "hours",     "description", NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    HoursInput in = {0};
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        const char *key = arena_strdup(r->arena, k);
        if (in.bad_field) break;
        if (!strcmp(k, "volunteer") || !strcmp(k, "activity")) {
            if (json_is_null(v)) continue;
            if (!json_is_integer(v) || json_integer_value(v) < 1) {
                in.bad_field = key, in.why = T(r, "must be a positive whole number (an id)");
                break;
            }
            if (!strcmp(k, "volunteer"))
                in.volunteer = (int64_t)json_integer_value(v);
            else
                in.activity = (int64_t)json_integer_value(v);
        } else if (!strcmp(k, "hours")) {
            if (!json_is_number(v)) {
                in.bad_field = key,
                in.why = T(r, "must be more than 0 and at most 24, with at most one decimal");
                break;
            }
            in.hours = json_number_value(v), in.has_hours = 1;
        } else {
            if (!json_is_string(v)) {
                in.bad_field = key, in.why = T(r, "must be a string");
                break;
            }
            const char *sv = arena_strdup(r->arena, json_string_value(v));
            if (!strcmp(k, "org"))
                in.org = sv;
            else if (!strcmp(k, "served_on"))
                in.served_on = sv;
            else
                in.description = sv;
        }
    }
    json_decref(j);
    ServiceHours h;
    const char *why = NULL;
    VolResult res = in.bad_field ? VOL_INVALID : hours_log(r, &in, &h, &why);
    if (res != VOL_OK) {
        volunteer_send_result(r, res, in.bad_field, why ? why : in.why);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/service-hours/%lld", (long long)h.id));
    req_send_json(r, 201, hours_json(&h));
}

void hours_api_get(Req *r)
{
    ServiceHours h;
    int64_t id = volunteer_id_param(r, "id");
    int f = id ? hours_load(r->db, r->arena, id, &h) : 0;
    if (f < 0) {
        busy(r);
        return;
    }
    if (!f || !hours_can_see(r, &h)) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, hours_json(&h));
}

static void decide(Req *r, int verify)
{
    const char *reason = NULL;
    if (r->body.len) {
        static const char *const fields[] = {"reason", NULL};
        json_t *j = req_json_object(r, fields);
        if (!j) return;
        json_t *x = json_object_get(j, "reason");
        if (x && (!json_is_string(x) || !valid_text(json_string_value(x), 500))) {
            json_decref(j);
            req_error(
                r, 422, "invalid",
                arena_printf(r->arena, "reason %s", T(r, "must be text of at most 500 bytes")));
            return;
        }
        reason = x ? arena_strdup(r->arena, json_string_value(x)) : NULL;
        json_decref(j);
    }
    ServiceHours h;
    PtOutcome o;
    const char *why = NULL;
    VolResult res = hours_decide(r, volunteer_id_param(r, "id"), verify, reason, &h, &o, &why);
    if (res != VOL_OK) {
        volunteer_send_result(r, res, NULL, why);
        return;
    }
    json_t *j = hours_json(&h);
    if (verify) json_object_set_new(j, "balance", json_integer((json_int_t)o.balance));
    req_send_json(r, 200, j);
}

void hours_api_verify(Req *r)
{
    decide(r, 1);
}

void hours_api_reject(Req *r)
{
    decide(r, 0);
}

/* ---- the ledger ------------------------------------------------------------------- */

void ledger_api_get(Req *r)
{
    Volunteer v;
    int64_t id = volunteer_id_param(r, "id"), limit = 100, before = 0;
    const char *lim = req_query(r, "limit"), *cursor = req_query(r, "cursor");
    if ((lim && *lim && !parse_int(lim, 1, 500, &limit)) ||
        (cursor && *cursor && !parse_int(cursor, 1, INT64_MAX / 2, &before))) {
        req_error(r, 400, "bad_param",
                  T(r, "limit must be a whole number from 1 to 500 and cursor a ledger id."));
        return;
    }
    int f = id ? volunteer_load(r->db, r->arena, id, &v) : 0;
    if (f < 0) {
        busy(r);
        return;
    }
    if (!f || !volunteer_can_see(r, &v)) {
        req_not_found(r);
        return;
    }
    DbStmt *s = ledger_query(r->db, id, before, limit + 1);
    if (!s) {
        busy(r);
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0;
    int64_t last = 0;
    while (db_step(s) == DB_ROW) {
        if (n == limit) {
            more = 1;
            break;
        }
        last = db_col_int(s, 0);
        json_t *e = json_pack("{s:I,s:I,s:s,s:I,s:s,s:I}", "id", (json_int_t)last, "delta",
                              (json_int_t)db_col_int(s, 1), "reason", db_col_text(s, 2),
                              "balance_after", (json_int_t)db_col_int(s, 4), "created_by",
                              db_col_text(s, 5), "created_at", (json_int_t)db_col_int(s, 6));
        json_object_set_new(e, "ref_id",
                            db_col_is_null(s, 3) ? json_null()
                                                 : json_integer((json_int_t)db_col_int(s, 3)));
        json_array_append_new(items, e);
        n++;
    }
    db_done(s);
    json_t *out =
        json_pack("{s:I,s:I,s:f,s:o}", "volunteer", (json_int_t)v.id, "balance",
                  (json_int_t)v.points_balance, "hours_verified", v.hours_verified, "items", items);
    json_object_set_new(out, "next_cursor", more ? json_string(id_text(r, last)) : json_null());
    req_send_json(r, 200, out);
}

/* ---- rewards ------------------------------------------------------------------------- */

static int rfail(RewardInput *in, const char *field, const char *why)
{
    if (!in->bad_field) in->bad_field = field, in->why = why;
    return 0;
}

static int in_kind(const char *k)
{
    for (const char *const *x = reward_kinds; k && *x; x++)
        if (!strcmp(*x, k)) return 1;
    return 0;
}

/* Parses the typed numbers and checks the given fields. 1, or 0 with bad_field. */
static int check_reward(Req *r, RewardInput *in)
{
    if (in->cost_text) {
        if (!parse_int(in->cost_text, 0, 10000000, &in->points_cost))
            return rfail(in, "points_cost", T(r, "must be a whole number from 0 to 10000000"));
        in->has_cost = 1;
    }
    if (in->stock_text) {
        if (!parse_int(in->stock_text, 0, 1000000, &in->stock))
            return rfail(in, "stock", T(r, "must be a whole number from 0 to 1000000"));
        in->has_stock = 1;
    }
    if (in->has_kind && !in_kind(in->kind))
        return rfail(in, "kind", T(r, "must be reward or honour"));
    if (in->has_name_zh && (!in->name_zh || !*in->name_zh || !valid_text(in->name_zh, 200)))
        return rfail(in, "name_zh", T(r, "is required: at most 200 bytes"));
    if (in->has_name_en && (!in->name_en || !valid_text(in->name_en, 200)))
        return rfail(in, "name_en", T(r, "must be at most 200 bytes"));
    if (in->has_cost && (in->points_cost < 0 || in->points_cost > 10000000))
        return rfail(in, "points_cost", T(r, "must be a whole number from 0 to 10000000"));
    if (in->has_stock && (in->stock < 0 || in->stock > 1000000))
        return rfail(in, "stock", T(r, "must be a whole number from 0 to 1000000"));
    return 1;
}

static json_t *reward_audit_json(const Reward *w)
{
    json_t *j = reward_json(w);
    json_object_del(j, "org_name");
    json_object_del(j, "created_at");
    return j;
}

VolResult reward_create(Req *r, RewardInput *in, Reward *out)
{
    if (!in->org || !valid_code(in->org)) {
        rfail(in, "org", T(r, "is required: the code of the unit that keeps the reward"));
        return VOL_INVALID;
    }
    Org o;
    int f = org_load(r->db, r->arena, in->org, &o);
    if (f < 0) return VOL_ERROR;
    if (!f || !can(r, CAP_VOLUNTEER_MANAGE, o.path)) return VOL_NOT_FOUND;
    if (!in->has_kind) in->kind = "reward", in->has_kind = 1;
    in->has_name_zh = 1;
    if (!check_reward(r, in)) return VOL_INVALID;
    if (!in->has_cost) {
        rfail(in, "points_cost", T(r, "is required: a whole number from 0 to 10000000"));
        return VOL_INVALID;
    }
    if (!in->has_stock) {
        rfail(in, "stock", T(r, "is required: a whole number from 0 to 1000000"));
        return VOL_INVALID;
    }
    int rc = db_begin(r->db);
    int64_t id = 0;
    if (rc == DB_OK) {
        DbStmt *s =
            db_q(r->db,
                 "INSERT INTO rewards(org_id, kind, name_zh, name_en, points_cost, stock,"
                 " active, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
                 "isssiiisi", o.id, in->kind, in->name_zh, S_(in->name_en), in->points_cost,
                 in->stock, (int64_t)(in->has_active ? in->active : 1), r->auth.login, now_s());
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) id = db_col_int(s, 0), rc = DB_OK;
        db_done(s);
    }
    if (rc == DB_OK && reward_load(r->db, r->arena, id, out) != 1) rc = DB_ERROR;
    if (rc == DB_OK) {
        json_t *after = reward_audit_json(out);
        rc = audit_log(r->db, r->auth.login, "reward.create", "reward",
                       arena_printf(r->arena, "%lld", (long long)id), o.path, NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return VOL_ERROR;
    }
    return VOL_OK;
}

VolResult reward_update(Req *r, int64_t id, RewardInput *in, int64_t expected_stock, Reward *out,
                        const char **why)
{
    *why = NULL;
    Reward old;
    int f = id ? reward_load(r->db, r->arena, id, &old) : 0;
    if (f < 0) return VOL_ERROR;
    if (!f || !can(r, CAP_VOLUNTEER_MANAGE, old.org_path)) return VOL_NOT_FOUND;
    *out = old;
    if (!check_reward(r, in)) return VOL_INVALID;
    Reward w = old;
    if (in->has_kind) w.kind = in->kind;
    if (in->has_name_zh) w.name_zh = in->name_zh;
    if (in->has_name_en) w.name_en = in->name_en;
    if (in->has_cost) w.points_cost = in->points_cost;
    if (in->has_stock) w.stock = in->stock;
    if (in->has_active) w.active = in->active;
    json_t *before = reward_audit_json(&old), *after = reward_audit_json(&w);
    if (json_equal(before, after)) {
        json_decref(before);
        json_decref(after);
        return VOL_OK;
    }
    if (expected_stock < 0) expected_stock = old.stock;
    int rc = db_begin(r->db);
    int64_t hit = 0;
    if (rc == DB_OK) {
        /* a stock change is set against the stock it was read at: a redemption meanwhile wins */
        DbStmt *s =
            db_q(r->db,
                 "UPDATE rewards SET kind = ?, name_zh = ?, name_en = ?, points_cost = ?,"
                 " active = ?, stock = CASE WHEN CAST(? AS BIGINT) = 1"
                 " THEN CAST(? AS BIGINT) ELSE stock END WHERE id = ?"
                 " AND (CAST(? AS BIGINT) = 0 OR stock = ?) RETURNING id",
                 "sssiiiiiii", w.kind, w.name_zh, w.name_en, w.points_cost, (int64_t)w.active,
                 (int64_t)in->has_stock, w.stock, id, (int64_t)in->has_stock, expected_stock);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = db_col_int(s, 0), rc = DB_OK;
        db_done(s);
    }
    if (rc == DB_DONE) {
        db_rollback(r->db);
        json_decref(before);
        json_decref(after);
        *why = T(r, "The stock changed meanwhile (a redemption); reload the reward and try again.");
        return VOL_CONFLICT;
    }
    if (rc == DB_OK && hit)
        rc = audit_log(r->db, r->auth.login, "reward.update", "reward",
                       arena_printf(r->arena, "%lld", (long long)id), old.org_path, before, after);
    json_decref(before);
    json_decref(after);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return VOL_ERROR;
    }
    return reward_load(r->db, r->arena, id, out) == 1 ? VOL_OK : VOL_ERROR;
}

/* ---- rewards and redemptions --------------------------------------------------------- */

/* Reads a reward body; 1, or 0 with bad_field set. */
static int reward_input_json(Req *r, json_t *j, RewardInput *in, int64_t *expected)
{
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        const char *key = arena_strdup(r->arena, k);
        if (!strcmp(k, "points_cost") || !strcmp(k, "stock") || !strcmp(k, "expected_stock")) {
            if (!json_is_integer(v)) {
                in->bad_field = key, in->why = T(r, "must be a whole number");
                return 0;
            }
            int64_t x = (int64_t)json_integer_value(v);
            if (!strcmp(k, "points_cost"))
                in->points_cost = x, in->has_cost = 1;
            else if (!strcmp(k, "stock"))
                in->stock = x, in->has_stock = 1;
            else if (expected)
                *expected = x < 0 ? 0 : x;
        } else if (!strcmp(k, "active")) {
            if (!json_is_boolean(v)) {
                in->bad_field = key, in->why = T(r, "must be true or false");
                return 0;
            }
            in->active = json_is_true(v), in->has_active = 1;
        } else {
            if (!json_is_string(v)) {
                in->bad_field = key, in->why = T(r, "must be a string");
                return 0;
            }
            const char *sv = arena_strdup(r->arena, json_string_value(v));
            if (!strcmp(k, "org"))
                in->org = sv;
            else if (!strcmp(k, "kind"))
                in->kind = sv, in->has_kind = 1;
            else if (!strcmp(k, "name_zh"))
                in->name_zh = sv, in->has_name_zh = 1;
            else if (!strcmp(k, "name_en"))
                in->name_en = sv, in->has_name_en = 1;
        }
    }
    return 1;
}

void reward_api_create(Req *r)
{
    static const char *const fields[] = {"org",         "kind",  "name_zh", "name_en",
                                         "points_cost", "stock", "active",  NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    RewardInput in = {0};
    int ok = reward_input_json(r, j, &in, NULL);
    json_decref(j);
    Reward w;
    VolResult res = ok ? reward_create(r, &in, &w) : VOL_INVALID;
    if (res != VOL_OK) {
        volunteer_send_result(r, res, in.bad_field, in.why);
        return;
    }
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/rewards/%lld", (long long)w.id));
    req_send_json(r, 201, reward_json(&w));
}

void reward_api_patch(Req *r)
{
    static const char *const fields[] = {"kind",  "name_zh", "name_en",        "points_cost",
                                         "stock", "active",  "expected_stock", NULL};
    int64_t id = volunteer_id_param(r, "id");
    Reward chk;
    int f = id ? reward_load(r->db, r->arena, id, &chk) : 0;
    if (f < 0) {
        busy(r);
        return;
    }
    if (!f || !can(r, CAP_VOLUNTEER_MANAGE, chk.org_path)) {
        req_not_found(r);
        return;
    }
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    RewardInput in = {0};
    int64_t expected = -1;
    int ok = reward_input_json(r, j, &in, &expected);
    json_decref(j);
    Reward w;
    const char *why = NULL;
    VolResult res = ok ? reward_update(r, id, &in, expected, &w, &why) : VOL_INVALID;
    if (res != VOL_OK) {
        volunteer_send_result(r, res, in.bad_field, why ? why : in.why);
        return;
    }
    req_send_json(r, 200, reward_json(&w));
}

void reward_api_list(Req *r)
{
    const char *org = req_query(r, "org"), *active = req_query(r, "active"),
               *lim = req_query(r, "limit"), *cursor = req_query(r, "cursor");
    int64_t limit = 100, before = 0, act = -1;
    if ((lim && *lim && !parse_int(lim, 1, 500, &limit)) ||
        (cursor && *cursor && !parse_int(cursor, 1, INT64_MAX / 2, &before)) ||
        (active && *active && !parse_int(active, 0, 1, &act)) ||
        (org && *org && !valid_code(org))) {
        req_error(r, 400, "bad_param",
                  T(r, "limit must be 1 to 500, cursor a reward id, active 0 or 1, org a code."));
        return;
    }
    const char *path = NULL;
    if (org && *org) {
        Org o;
        if (org_load(r->db, r->arena, org, &o) != 1) {
            req_not_found(r);
            return;
        }
        path = o.path;
    }
    Volunteer v;
    int mine = volunteer_load_user(r->db, r->arena, r->auth.user_id, &v) == 1;
    DbStmt *s = db_q(
        r->db,
        "SELECT " REWARD_COLS " FROM rewards w JOIN orgs o ON o.id = w.org_id"
        " WHERE (" REACH_SQL(
            "o.path") " OR substr(CAST(? AS TEXT), 1,"
                      " length(o.path)) = o.path)"
                      " AND (CAST(? AS TEXT) IS NULL OR substr(o.path, 1, length(CAST(? AS TEXT)))"
                      " = ?) AND (CAST(? AS BIGINT) < 0 OR w.active = ?)"
                      " AND (CAST(? AS BIGINT) = 0 OR w.id < ?) ORDER BY w.id DESC LIMIT ?",
        "isssssiiiii", REACH_ARGS(r, CAP_VOLUNTEER_MANAGE), mine ? v.pool.org_path : NULL, path,
        path, path, act, act, before, before, limit + 1);
    if (!s) {
        busy(r);
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0;
    int64_t last = 0;
    while (db_step(s) == DB_ROW) {
        if (n == limit) {
            more = 1;
            break;
        }
        Reward w;
        reward_row(s, r->arena, &w);
        json_t *j = reward_json(&w);
        int open = mine && reward_open_to(&w, &v);
        json_object_set_new(j, "open_to_me", json_boolean(open));
        json_object_set_new(j, "affordable",
                            json_boolean(open && !strcmp(v.status, "approved") && w.active &&
                                         w.stock > 0 && v.points_balance >= w.points_cost));
        json_array_append_new(items, j);
        last = w.id;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor", more ? json_string(id_text(r, last)) : json_null());
    req_send_json(r, 200, out);
}

void redemption_api_create(Req *r)
{
    static const char *const fields[] = {"reward", NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    json_t *x = json_object_get(j, "reward");
    int64_t rid = x && json_is_integer(x) ? (int64_t)json_integer_value(x) : 0;
    json_decref(j);
    if (rid < 1) {
        req_error(r, 422, "invalid",
                  arena_printf(r->arena, "reward %s", T(r, "is required: the id of a reward")));
        return;
    }
    PtOutcome o;
    const char *why = NULL;
    VolResult res = reward_redeem(r, rid, &o, &why);
    if (res == VOL_CONFLICT) {
        const char *code = o.result == PT_NO_POINTS  ? "not_enough_points"
                           : o.result == PT_NO_STOCK ? "out_of_stock"
                                                     : "conflict";
        json_t *e = json_pack("{s:s,s:s}", "code", code, "message", S_(why));
        if (o.result == PT_NO_POINTS) {
            json_object_set_new(e, "balance", json_integer((json_int_t)o.balance));
            json_object_set_new(e, "cost", json_integer((json_int_t)o.cost));
        }
        req_send_json(r, 409, json_pack("{s:o}", "error", e));
        return;
    }
    if (res != VOL_OK) {
        volunteer_send_result(r, res, NULL, why);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/redemptions/%lld", (long long)o.redemption_id));
    req_send_json(r, 201,
                  json_pack("{s:I,s:I,s:I,s:I,s:I}", "id", (json_int_t)o.redemption_id, "reward",
                            (json_int_t)rid, "points", (json_int_t)o.cost, "balance_after",
                            (json_int_t)o.balance, "ledger", (json_int_t)o.ledger_id));
}

/* ---- totals --------------------------------------------------------------------------- */

void points_year_bounds(int year, int64_t *from, int64_t *to)
{
    char a[24], b[24];
    snprintf(a, sizeof a, "%04d-01-01", year);
    snprintf(b, sizeof b, "%04d-01-01", year + 1);
    *from = points_day(a) * 86400 - 8 * 3600;
    *to = points_day(b) * 86400 - 8 * 3600;
}

static int pool_index(const Summary *s, int64_t id)
{
    for (int i = 0; i < s->npools; i++)
        if (s->pools[i].pool.id == id) return i;
    return -1;
}

int points_summary(Db *db, Arena *a, const Org *unit, int year, Summary *out)
{
    memset(out, 0, sizeof *out);
    out->year = year;
    out->unit = *unit;
    int64_t n = 0;
    if (db_int(db, &n,
               "SELECT count(*) FROM volunteer_pools p JOIN orgs o ON o.id = p.org_id"
               " WHERE substr(o.path, 1, length(CAST(? AS TEXT))) = ?",
               "ss", unit->path, unit->path) < 0)
        return -1;
    out->pools = arena_alloc(a, sizeof *out->pools * (size_t)(n + 1));
    DbStmt *s =
        db_q(db,
             "SELECT " POOL_COLS " FROM volunteer_pools p JOIN orgs o ON o.id = p.org_id"
             " WHERE substr(o.path, 1, length(CAST(? AS TEXT))) = ? ORDER BY o.path, p.code",
             "ss", unit->path, unit->path);
    while (s && out->npools < n && db_step(s) == DB_ROW)
        pool_row(s, 0, a, &out->pools[out->npools++].pool);
    db_done(s);
    if (!s) return -1;
    char from_d[24], to_d[24];
    snprintf(from_d, sizeof from_d, "%04d-01-01", year);
    snprintf(to_d, sizeof to_d, "%04d-01-01", year + 1);
    int64_t from_t, to_t;
    points_year_bounds(year, &from_t, &to_t);
#define IN_UNIT                                                                                    \
    " JOIN volunteer_pools p ON p.id = v.pool_id JOIN orgs o ON o.id = p.org_id"                   \
    " WHERE substr(o.path, 1, length(CAST(? AS TEXT))) = ?"
    s = db_q(db,
             "SELECT v.pool_id, v.status, count(*) FROM volunteers v" IN_UNIT
             " GROUP BY v.pool_id, v.status",
             "ss", unit->path, unit->path);
    while (s && db_step(s) == DB_ROW) {
        int i = pool_index(out, db_col_int(s, 0));
        if (i < 0) continue;
        const char *st = db_col_text(s, 1);
        if (!strcmp(st, "approved")) out->pools[i].approved += db_col_int(s, 2);
        if (!strcmp(st, "pending")) out->pools[i].pending += db_col_int(s, 2);
    }
    db_done(s);
    if (!s) return -1;
    s = db_q(db,
             "SELECT v.pool_id, sum(h.hours) FROM service_hours h JOIN volunteers v"
             " ON v.id = h.volunteer_id" IN_UNIT " AND h.status = 'verified' AND h.served_on >= ?"
             " AND h.served_on < ? GROUP BY v.pool_id",
             "ssss", unit->path, unit->path, from_d, to_d);
    while (s && db_step(s) == DB_ROW) {
        int i = pool_index(out, db_col_int(s, 0));
        if (i >= 0) out->pools[i].hours = round(db_col_double(s, 1) * 10) / 10;
    }
    db_done(s);
    if (!s) return -1;
    s = db_q(db,
             "SELECT v.pool_id, l.reason, sum(l.delta) FROM points_ledger l JOIN volunteers v"
             " ON v.id = l.volunteer_id" IN_UNIT " AND l.created_at >= ? AND l.created_at < ?"
             " GROUP BY v.pool_id, l.reason",
             "ssii", unit->path, unit->path, from_t, to_t);
#undef IN_UNIT
    while (s && db_step(s) == DB_ROW) {
        int i = pool_index(out, db_col_int(s, 0));
        if (i < 0) continue;
        const char *reason = db_col_text(s, 1);
        if (!strcmp(reason, "hours")) out->pools[i].points_issued += db_col_int(s, 2);
        if (!strcmp(reason, "redemption")) out->pools[i].points_redeemed -= db_col_int(s, 2);
    }
    db_done(s);
    if (!s) return -1;
    /* by unit: the unit itself, then each unit directly below that has pools */
    int64_t nk = 0;
    if (db_int(db, &nk, "SELECT count(*) FROM orgs WHERE parent_id = ?", "i", unit->id) < 0)
        return -1;
    out->units = arena_alloc(a, sizeof *out->units * (size_t)(nk + 1));
    const char **paths = arena_alloc(a, sizeof *paths * (size_t)(nk + 1));
    out->units[0] = (UnitTotal){.code = unit->code,
                                .kind = unit->kind,
                                .name_zh = unit->name_zh,
                                .name_en = unit->name_en,
                                .self = 1};
    paths[0] = unit->path;
    int nu = 1;
    s = db_q(db,
             "SELECT code, kind, name_zh, name_en, path FROM orgs WHERE parent_id = ?"
             " ORDER BY code",
             "i", unit->id);
    while (s && nu <= nk && db_step(s) == DB_ROW) {
        out->units[nu] = (UnitTotal){.code = arena_strdup(a, db_col_text(s, 0)),
                                     .kind = arena_strdup(a, db_col_text(s, 1)),
                                     .name_zh = arena_strdup(a, db_col_text(s, 2)),
                                     .name_en = arena_strdup(a, db_col_text(s, 3))};
        paths[nu++] = arena_strdup(a, db_col_text(s, 4));
    }
    db_done(s);
    if (!s) return -1;
    PoolTotal *t = &out->total;
    for (int i = 0; i < out->npools; i++) {
        PoolTotal *p = &out->pools[i];
        int u = 0;
        for (int k = 1; k < nu && !u; k++)
            if (!strncmp(p->pool.org_path, paths[k], strlen(paths[k]))) u = k;
        UnitTotal *x = &out->units[u];
        x->pools++;
        x->approved += p->approved, x->pending += p->pending, x->hours += p->hours;
        x->points_issued += p->points_issued, x->points_redeemed += p->points_redeemed;
        t->approved += p->approved, t->pending += p->pending, t->hours += p->hours;
        t->points_issued += p->points_issued, t->points_redeemed += p->points_redeemed;
    }
    t->hours = round(t->hours * 10) / 10;
    /* keep the units that have pools */
    int kept = 0;
    for (int k = 0; k < nu; k++)
        if (out->units[k].pools) {
            out->units[k].hours = round(out->units[k].hours * 10) / 10;
            out->units[kept++] = out->units[k];
        }
    out->nunits = kept;
    return 0;
}

int points_summary_params(Req *r, Org *unit, int *year)
{
    const char *code = req_query(r, "org"), *ys = req_query(r, "year");
    int64_t y = volunteer_this_year();
    const char *why = NULL;
    if (ys && *ys && !parse_int(ys, 2020, 2099, &y))
        why = T(r, "year must be a year such as 2026.");
    else if (code && *code && !valid_code(code))
        why = T(r, "org must be an organisation code.");
    if (why) {
        if (req_is_api(r))
            req_error(r, 400, "bad_param", why);
        else
            page_error(r, 400, why);
        return 0;
    }
    for (int i = 0; i < r->auth.ngrants && (!code || !*code); i++)
        if (role_caps(r->auth.grants[i].role) & CAPBIT(CAP_VOLUNTEER_MANAGE))
            code = r->auth.grants[i].org_code;
    int f = code && *code ? org_load(r->db, r->arena, code, unit) : 0;
    if (f < 0) {
        if (req_is_api(r))
            busy(r);
        else
            page_error(r, 503, T(r, "The service is busy. Please try again."));
        return 0;
    }
    if (!f || !can(r, CAP_VOLUNTEER_MANAGE, unit->path)) {
        req_not_found(r);
        return 0;
    }
    *year = (int)y;
    return 1;
}

static json_t *totals_json(int64_t pools, int64_t approved, int64_t pending, double hours,
                           int64_t issued, int64_t redeemed)
{
    return json_pack("{s:I,s:I,s:I,s:f,s:I,s:I}", "pools", (json_int_t)pools, "volunteers_approved",
                     (json_int_t)approved, "volunteers_pending", (json_int_t)pending,
                     "hours_verified", hours, "points_issued", (json_int_t)issued,
                     "points_redeemed", (json_int_t)redeemed);
}

void summary_api_get(Req *r)
{
    Org unit;
    int year;
    if (!points_summary_params(r, &unit, &year)) return;
    Summary s;
    if (points_summary(r->db, r->arena, &unit, year, &s) != 0) {
        busy(r);
        return;
    }
    json_t *pools = json_array(), *units = json_array();
    for (int i = 0; i < s.npools; i++) {
        const PoolTotal *p = &s.pools[i];
        json_t *j =
            totals_json(1, p->approved, p->pending, p->hours, p->points_issued, p->points_redeemed);
        json_object_del(j, "pools");
        json_object_set_new(j, "pool", pool_json(&p->pool));
        json_array_append_new(pools, j);
    }
    for (int i = 0; i < s.nunits; i++) {
        const UnitTotal *u = &s.units[i];
        json_t *j = totals_json(u->pools, u->approved, u->pending, u->hours, u->points_issued,
                                u->points_redeemed);
        json_object_set_new(j, "org", json_string(u->code));
        json_object_set_new(j, "org_name", json_string(u->name_zh));
        json_object_set_new(j, "self", json_boolean(u->self));
        json_array_append_new(units, j);
    }
    const PoolTotal *t = &s.total;
    req_send_json(r, 200,
                  json_pack("{s:s,s:s,s:i,s:o,s:o,s:o}", "org", unit.code, "org_name", unit.name_zh,
                            "year", year, "totals",
                            totals_json(s.npools, t->approved, t->pending, t->hours,
                                        t->points_issued, t->points_redeemed),
                            "pools", pools, "units", units));
}
