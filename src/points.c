/* points.c — see points.h: the rules of hours and points, the store (verify,
 * reject, redeem, the unit's hours), loading, permissions and the writes. */
#include "points.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "feed.h"
#include "ui/i18n.h"

#define S_(x) ((x) ? (x) : "")

/* ---- pure logic ---------------------------------------------------------------- */

int64_t points_for_hours(double hours, double pph)
{
    if (!(hours > 0) || !(pph > 0) || !isfinite(hours) || !isfinite(pph)) return 0;
    double tenths = (double)llround(hours * 10);
    return (int64_t)floor(tenths * pph / 10.0 + 0.5 + 1e-9);
}

int points_hours_ok(double h)
{
    if (!isfinite(h) || !(h > 0) || h > 24) return 0;
    return fabs(h * 10 - round(h * 10)) < 1e-6;
}

int points_hours_parse(const char *t, double *out)
{
    if (!t) return 0;
    const char *p = t;
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (digits < 1 || digits > 2) return 0;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') return 0;
        p++;
    }
    if (*p) return 0;
    double v = strtod(t, NULL);
    if (!points_hours_ok(v)) return 0;
    *out = v;
    return 1;
}

int64_t points_day(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return -1;
    int64_t y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1) return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > days[m - 1] + (m == 2 && leap)) return -1;
    /* days from the civil date (H. Hinnant's algorithm) */
    y -= m <= 2;
    int64_t era = y / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void points_day_text(int64_t z, char out[11])
{
    z += 719468;
    int64_t era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

int64_t points_today(void)
{
    return (now_s() + 8 * 3600) / 86400;
}

int points_served_on_check(const char *ymd, int64_t today)
{
    int64_t d = points_day(ymd);
    if (d < 0) return 1;
    if (d > today) return 2;
    if (d < today - POINTS_MAX_DAYS_BACK) return 3;
    return 0;
}

const char *const reward_kinds[] = {"reward", "honour", NULL};

const char *reward_kind_label(Req *r, const char *k)
{
    if (!k) return "";
    if (!strcmp(k, "reward")) return T(r, "Reward");
    if (!strcmp(k, "honour")) return T(r, "Honour");
    return k;
}

const char *hours_status_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "logged")) return T(r, "Awaiting verification");
    if (!strcmp(s, "verified")) return T(r, "Verified");
    if (!strcmp(s, "rejected")) return T(r, "Rejected");
    return s;
}

const char *ledger_reason_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "hours")) return T(r, "Verified hours");
    if (!strcmp(s, "redemption")) return T(r, "Redemption");
    if (!strcmp(s, "refund")) return T(r, "Refund");
    if (!strcmp(s, "adjustment")) return T(r, "Adjustment");
    return s;
}

/* ---- the store ------------------------------------------------------------------- */

enum { TRIES = 5 };

static const char *org_path_of(Db *db, int64_t org_id, char *buf, size_t n)
{
    buf[0] = 0;
    DbStmt *s = db_q(db, "SELECT path FROM orgs WHERE id = ?", "i", org_id);
    if (s && db_step(s) == DB_ROW) snprintf(buf, n, "%s", db_col_text(s, 0));
    db_done(s);
    return buf;
}

int points_feed_hours(Db *db, const char *actor, int64_t org_id, const char *month, char *err,
                      size_t errlen)
{
    double sum = 0;
    DbStmt *s = db_q(db,
                     "SELECT COALESCE(sum(hours), 0) FROM service_hours WHERE org_id = ?"
                     " AND status = 'verified' AND substr(served_on, 1, 7) = ?",
                     "is", org_id, month);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) sum = db_col_double(s, 0);
    db_done(s);
    if (rc != DB_ROW) {
        snprintf(err, errlen, "%s", db_errmsg(db));
        return -1;
    }
    FeedBatch *f = feed_begin(db, actor);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* sums of tenths: keep the figure free of binary fractions */
    feed_put(f, org_id, "volunteer_hours", month, round(sum * 10) / 10);
    char key[64], path[512];
    snprintf(key, sizeof key, "%lld:%s", (long long)org_id, month);
    org_path_of(db, org_id, path, sizeof path);
    return feed_end(f, "feed.volunteer_hours", key, *path ? path : NULL, err, errlen);
}

/* The current status of hours id into o->status; PT_CONFLICT, or PT_NOT_FOUND. */
static PtResult hours_conflict(Db *db, int64_t id, PtOutcome *o)
{
    DbStmt *s = db_q(db, "SELECT status FROM service_hours WHERE id = ?", "i", id);
    int found = s && db_step(s) == DB_ROW;
    if (found) snprintf(o->status, sizeof o->status, "%s", db_col_text(s, 0));
    db_done(s);
    return found ? PT_CONFLICT : PT_NOT_FOUND;
}

PtResult points_verify(Db *db, const char *actor, int64_t id, PtOutcome *o)
{
    memset(o, 0, sizeof *o);
    for (int attempt = 0; attempt < TRIES; attempt++) {
        if (db_begin(db) != DB_OK) return PT_ERROR;
        int64_t now = now_s(), vid = 0, org = 0;
        double hours = 0, pph = 0;
        char month[8] = "";
        /* only logged → verified, once: the status guard makes the second one lose */
        DbStmt *s = db_q(db,
                         "UPDATE service_hours SET status = 'verified', verified_by = ?,"
                         " verified_at = ? WHERE id = ? AND status = 'logged'"
                         " RETURNING volunteer_id, hours, org_id, served_on",
                         "sii", actor, now, id);
        int rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) {
            vid = db_col_int(s, 0);
            hours = db_col_double(s, 1);
            org = db_col_int(s, 2);
            snprintf(month, sizeof month, "%.7s", db_col_text(s, 3));
            rc = DB_OK;
        }
        db_done(s);
        if (rc == DB_DONE) {
            PtResult res = hours_conflict(db, id, o);
            db_rollback(db);
            return res;
        }
        if (rc == DB_OK) {
            s = db_q(db,
                     "SELECT p.points_per_hour FROM volunteers v JOIN volunteer_pools p"
                     " ON p.id = v.pool_id WHERE v.id = ?",
                     "i", vid);
            rc = s ? db_step(s) : DB_ERROR;
            if (rc == DB_ROW) pph = db_col_double(s, 0), rc = DB_OK;
            db_done(s);
        }
        o->points = points_for_hours(hours, pph);
        if (rc == DB_OK) {
            s = db_q(db,
                     "UPDATE volunteers SET hours_verified = hours_verified + ?,"
                     " points_balance = points_balance + ?, updated_at = ? WHERE id = ?"
                     " RETURNING points_balance",
                     "diii", hours, o->points, now, vid);
            rc = s ? db_step(s) : DB_ERROR;
            if (rc == DB_ROW) o->balance = db_col_int(s, 0), rc = DB_OK;
            db_done(s);
        }
        if (rc == DB_OK) {
            s = db_q(db,
                     "INSERT INTO points_ledger(volunteer_id, delta, reason, ref_id, balance_after,"
                     " created_by, created_at) VALUES (?, ?, 'hours', ?, ?, ?, ?) RETURNING id",
                     "iiiisi", vid, o->points, id, o->balance, actor, now);
            rc = s ? db_step(s) : DB_ERROR;
            if (rc == DB_ROW) o->ledger_id = db_col_int(s, 0), rc = DB_OK;
            db_done(s);
        }
        char path[512], key[32], err[256];
        if (rc == DB_OK) {
            snprintf(key, sizeof key, "%lld", (long long)id);
            json_t *before = json_pack("{s:s}", "status", "logged");
            json_t *after = json_pack("{s:s,s:f,s:I,s:I,s:s}", "status", "verified", "hours", hours,
                                      "points", (json_int_t)o->points, "balance_after",
                                      (json_int_t)o->balance, "verified_by", actor);
            rc = audit_log(db, actor, "service_hours.verify", "service_hours", key,
                           org_path_of(db, org, path, sizeof path), before, after);
            json_decref(before);
            json_decref(after);
        }
        if (rc == DB_OK && points_feed_hours(db, actor, org, month, err, sizeof err) != 0)
            rc = DB_ERROR;
        if (rc == DB_OK && (rc = db_commit(db)) == DB_OK) {
            snprintf(o->status, sizeof o->status, "verified");
            return PT_OK;
        }
        db_rollback(db);
        if (rc != DB_BUSY) break;
    }
    return PT_ERROR;
}

PtResult points_reject(Db *db, const char *actor, int64_t id, const char *reason, PtOutcome *o)
{
    memset(o, 0, sizeof *o);
    for (int attempt = 0; attempt < TRIES; attempt++) {
        if (db_begin(db) != DB_OK) return PT_ERROR;
        int64_t org = 0;
        DbStmt *s = db_q(db,
                         "UPDATE service_hours SET status = 'rejected', verified_by = ?,"
                         " verified_at = ? WHERE id = ? AND status = 'logged' RETURNING org_id",
                         "sii", actor, now_s(), id);
        int rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) org = db_col_int(s, 0), rc = DB_OK;
        db_done(s);
        if (rc == DB_DONE) {
            PtResult res = hours_conflict(db, id, o);
            db_rollback(db);
            return res;
        }
        if (rc == DB_OK) {
            char path[512], key[32];
            snprintf(key, sizeof key, "%lld", (long long)id);
            json_t *before = json_pack("{s:s}", "status", "logged");
            json_t *after = json_pack("{s:s,s:s}", "status", "rejected", "verified_by", actor);
            if (reason && *reason) json_object_set_new(after, "reason", json_string(reason));
            rc = audit_log(db, actor, "service_hours.reject", "service_hours", key,
                           org_path_of(db, org, path, sizeof path), before, after);
            json_decref(before);
            json_decref(after);
        }
        if (rc == DB_OK && (rc = db_commit(db)) == DB_OK) {
            snprintf(o->status, sizeof o->status, "rejected");
            return PT_OK;
        }
        db_rollback(db);
        if (rc != DB_BUSY) break;
    }
    return PT_ERROR;
}

PtResult points_redeem(Db *db, const char *actor, int64_t vid, int64_t rid, PtOutcome *o)
{
    memset(o, 0, sizeof *o);
    for (int attempt = 0; attempt < TRIES; attempt++) {
        if (db_begin(db) != DB_OK) return PT_ERROR;
        int64_t now = now_s(), cost = 0, active = 0;
        char path[512] = "";
        DbStmt *s =
            db_q(db,
                 "SELECT w.points_cost, w.active, po.path FROM rewards w, volunteers v"
                 " JOIN volunteer_pools p ON p.id = v.pool_id JOIN orgs po ON po.id = p.org_id"
                 " WHERE w.id = ? AND v.id = ?",
                 "ii", rid, vid);
        int rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) {
            cost = db_col_int(s, 0);
            active = db_col_int(s, 1);
            snprintf(path, sizeof path, "%s", db_col_text(s, 2));
            rc = DB_OK;
        }
        db_done(s);
        if (rc == DB_DONE) {
            db_rollback(db);
            return PT_NOT_FOUND;
        }
        o->cost = cost;
        if (rc == DB_OK && !active) {
            db_rollback(db);
            return PT_NO_STOCK;
        }
        /* 1: the balance, never below zero */
        if (rc == DB_OK) {
            s = db_q(db,
                     "UPDATE volunteers SET points_balance = points_balance - ?, updated_at = ?"
                     " WHERE id = ? AND points_balance >= ? RETURNING points_balance",
                     "iiii", cost, now, vid, cost);
            rc = s ? db_step(s) : DB_ERROR;
            if (rc == DB_ROW) o->balance = db_col_int(s, 0), rc = DB_OK;
            db_done(s);
            if (rc == DB_DONE) {
                db_int(db, &o->balance, "SELECT points_balance FROM volunteers WHERE id = ?", "i",
                       vid);
                db_rollback(db);
                return PT_NO_POINTS;
            }
        }
        /* 2: the stock, never below zero, at the cost just charged */
        if (rc == DB_OK) {
            s = db_q(db,
                     "UPDATE rewards SET stock = stock - 1 WHERE id = ? AND stock >= 1"
                     " AND active = 1 AND points_cost = ? RETURNING stock",
                     "ii", rid, cost);
            rc = s ? db_step(s) : DB_ERROR;
            if (rc == DB_ROW) rc = DB_OK;
            db_done(s);
            if (rc == DB_DONE) {
                int64_t now_cost = cost;
                db_int(db, &now_cost, "SELECT points_cost FROM rewards WHERE id = ?", "i", rid);
                db_rollback(db);
                return now_cost != cost ? PT_CHANGED : PT_NO_STOCK;
            }
        }
        if (rc == DB_OK) {
            s = db_q(db,
                     "INSERT INTO redemptions(reward_id, volunteer_id, points, status, created_by,"
                     " created_at) VALUES (?, ?, ?, 'done', ?, ?) RETURNING id",
                     "iiisi", rid, vid, cost, actor, now);
            rc = s ? db_step(s) : DB_ERROR;
            if (rc == DB_ROW) o->redemption_id = db_col_int(s, 0), rc = DB_OK;
            db_done(s);
        }
        if (rc == DB_OK) {
            s = db_q(
                db,
                "INSERT INTO points_ledger(volunteer_id, delta, reason, ref_id, balance_after,"
                " created_by, created_at) VALUES (?, ?, 'redemption', ?, ?, ?, ?) RETURNING id",
                "iiiisi", vid, -cost, o->redemption_id, o->balance, actor, now);
            rc = s ? db_step(s) : DB_ERROR;
            if (rc == DB_ROW) o->ledger_id = db_col_int(s, 0), rc = DB_OK;
            db_done(s);
        }
        if (rc == DB_OK) {
            char key[32];
            snprintf(key, sizeof key, "%lld", (long long)o->redemption_id);
            json_t *after = json_pack("{s:I,s:I,s:I,s:I}", "reward", (json_int_t)rid, "volunteer",
                                      (json_int_t)vid, "points", (json_int_t)cost, "balance_after",
                                      (json_int_t)o->balance);
            rc = audit_log(db, actor, "redemption.create", "redemption", key, path, NULL, after);
            json_decref(after);
        }
        if (rc == DB_OK && (rc = db_commit(db)) == DB_OK) return PT_OK;
        db_rollback(db);
        if (rc != DB_BUSY) break;
    }
    return PT_ERROR;
}

/* ---- loading ---------------------------------------------------------------------- */

void hours_row(DbStmt *s, Arena *a, ServiceHours *h)
{
    memset(h, 0, sizeof *h);
    h->id = db_col_int(s, 0);
    h->volunteer_id = db_col_int(s, 1);
    h->volunteer_user_id = db_col_is_null(s, 2) ? 0 : db_col_int(s, 2);
    h->activity_id = db_col_is_null(s, 3) ? 0 : db_col_int(s, 3);
    h->org_id = db_col_int(s, 4);
    h->verified_at = db_col_is_null(s, 5) ? 0 : db_col_int(s, 5);
    h->created_at = db_col_int(s, 6);
    h->volunteer_name = arena_strdup(a, db_col_text(s, 7));
    h->pool_code = arena_strdup(a, db_col_text(s, 8));
    h->pool_path = arena_strdup(a, db_col_text(s, 9));
    h->org_code = arena_strdup(a, db_col_text(s, 10));
    h->org_path = arena_strdup(a, db_col_text(s, 11));
    h->org_name_zh = arena_strdup(a, db_col_text(s, 12));
    h->org_name_en = arena_strdup(a, db_col_text(s, 13));
    h->activity_title = db_col_is_null(s, 14) ? NULL : arena_strdup(a, db_col_text(s, 14));
    h->activity_org_path = db_col_is_null(s, 15) ? NULL : arena_strdup(a, db_col_text(s, 15));
    h->served_on = arena_strdup(a, db_col_text(s, 16));
    h->description = arena_strdup(a, db_col_text(s, 17));
    h->status = arena_strdup(a, db_col_text(s, 18));
    h->verified_by = db_col_is_null(s, 19) ? NULL : arena_strdup(a, db_col_text(s, 19));
    h->created_by = arena_strdup(a, db_col_text(s, 20));
    h->hours = db_col_double(s, 21);
    h->points_per_hour = db_col_double(s, 22);
    h->points = db_col_is_null(s, 23) ? -1 : db_col_int(s, 23);
}

int hours_load(Db *db, Arena *a, int64_t id, ServiceHours *out)
{
    DbStmt *s = db_q(db, "SELECT " HOURS_COLS HOURS_FROM " WHERE h.id = ?", "i", id);
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        hours_row(s, a, out);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    return f;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *hours_json(const ServiceHours *h)
{
    json_t *j =
        json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:f,s:s,s:s,s:s,s:I}", "id", (json_int_t)h->id,
                  "volunteer", (json_int_t)h->volunteer_id, "volunteer_name", h->volunteer_name,
                  "pool", h->pool_code, "org", h->org_code, "org_name", h->org_name_zh, "served_on",
                  h->served_on, "hours", h->hours, "description", h->description, "status",
                  h->status, "created_by", h->created_by, "created_at", (json_int_t)h->created_at);
    json_object_set_new(j, "activity",
                        h->activity_id ? json_integer((json_int_t)h->activity_id) : json_null());
    json_object_set_new(j, "activity_title", str_or_null(h->activity_title));
    json_object_set_new(j, "verified_by", str_or_null(h->verified_by));
    json_object_set_new(j, "verified_at",
                        h->verified_at ? json_integer((json_int_t)h->verified_at) : json_null());
    json_object_set_new(j, "points",
                        h->points >= 0 ? json_integer((json_int_t)h->points) : json_null());
    json_object_set_new(j, "points_if_verified",
                        !strcmp(h->status, "logged") ? json_integer((json_int_t)points_for_hours(
                                                           h->hours, h->points_per_hour))
                                                     : json_null());
    return j;
}

const char *hours_org_name(Req *r, const ServiceHours *h)
{
    return !strcmp(r->lang, "en") && h->org_name_en && *h->org_name_en ? h->org_name_en
                                                                       : h->org_name_zh;
}

int hours_can_see(Req *r, const ServiceHours *h)
{
    return (r->auth.user_id && h->volunteer_user_id == r->auth.user_id) ||
           can(r, CAP_VOLUNTEER_MANAGE, h->pool_path) ||
           can(r, CAP_VOLUNTEER_MANAGE, h->org_path) || can(r, CAP_ACTIVITY_WRITE, h->org_path) ||
           (h->activity_org_path && can(r, CAP_ACTIVITY_WRITE, h->activity_org_path));
}

VolResult hours_may_decide(Req *r, const ServiceHours *h, const char **why)
{
    *why = NULL;
    if (r->auth.user_id && h->volunteer_user_id == r->auth.user_id) {
        *why = T(r, "Nobody verifies their own hours: the organiser does.");
        return VOL_FORBIDDEN;
    }
    if (h->activity_id) {
        if (h->activity_org_path && can(r, CAP_ACTIVITY_WRITE, h->activity_org_path)) return VOL_OK;
        *why = T(r, "Only the activity's organiser can verify these hours.");
        return VOL_FORBIDDEN;
    }
    if (can(r, CAP_VOLUNTEER_MANAGE, h->org_path)) return VOL_OK;
    *why =
        T(r, "Only an organiser of the unit where the service was given can verify these hours.");
    return VOL_FORBIDDEN;
}

void reward_row(DbStmt *s, Arena *a, Reward *w)
{
    memset(w, 0, sizeof *w);
    w->id = db_col_int(s, 0);
    w->org_id = db_col_int(s, 1);
    w->points_cost = db_col_int(s, 2);
    w->stock = db_col_int(s, 3);
    w->created_at = db_col_int(s, 4);
    w->org_code = arena_strdup(a, db_col_text(s, 5));
    w->org_path = arena_strdup(a, db_col_text(s, 6));
    w->org_name_zh = arena_strdup(a, db_col_text(s, 7));
    w->org_name_en = arena_strdup(a, db_col_text(s, 8));
    w->kind = arena_strdup(a, db_col_text(s, 9));
    w->name_zh = arena_strdup(a, db_col_text(s, 10));
    w->name_en = arena_strdup(a, db_col_text(s, 11));
    w->created_by = arena_strdup(a, db_col_text(s, 12));
    w->active = (int)db_col_int(s, 13);
}

int reward_load(Db *db, Arena *a, int64_t id, Reward *out)
{
    DbStmt *s = db_q(db,
                     "SELECT " REWARD_COLS " FROM rewards w JOIN orgs o ON o.id = w.org_id"
                     " WHERE w.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        reward_row(s, a, out);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    return f;
}

json_t *reward_json(const Reward *w)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:b,s:s,s:I}", "id", (json_int_t)w->id,
                     "org", w->org_code, "org_name", w->org_name_zh, "kind", w->kind, "name_zh",
                     w->name_zh, "name_en", w->name_en, "points_cost", (json_int_t)w->points_cost,
                     "stock", (json_int_t)w->stock, "active", w->active, "created_by",
                     w->created_by, "created_at", (json_int_t)w->created_at);
}

const char *reward_name(Req *r, const Reward *w)
{
    return !strcmp(r->lang, "en") && w->name_en && *w->name_en ? w->name_en : w->name_zh;
}

int reward_open_to(const Reward *w, const Volunteer *v)
{
    return !strncmp(v->pool.org_path, w->org_path, strlen(w->org_path));
}

DbStmt *rewards_open_query(Db *db, const Volunteer *v, int active_only)
{
    return db_q(db,
                "SELECT " REWARD_COLS " FROM rewards w JOIN orgs o ON o.id = w.org_id"
                " WHERE substr(CAST(? AS TEXT), 1, length(o.path)) = o.path"
                " AND (CAST(? AS BIGINT) = 0 OR w.active = 1) ORDER BY w.points_cost, w.id",
                "si", v->pool.org_path, (int64_t)(active_only != 0));
}

DbStmt *ledger_query(Db *db, int64_t vid, int64_t before_id, int64_t limit)
{
    return db_q(db,
                "SELECT id, delta, reason, ref_id, balance_after, created_by, created_at"
                " FROM points_ledger WHERE volunteer_id = ? AND (CAST(? AS BIGINT) = 0 OR id < ?)"
                " ORDER BY id DESC LIMIT ?",
                "iiii", vid, before_id, before_id, limit);
}

/* ---- writes with permission ---------------------------------------------------------- */

static int hfail(HoursInput *in, const char *field, const char *why)
{
    if (!in->bad_field) in->bad_field = field, in->why = why;
    return 0;
}

VolResult hours_log(Req *r, HoursInput *in, ServiceHours *out, const char **why)
{
    *why = NULL;
    if (in->hours_text) {
        if (!points_hours_parse(in->hours_text, &in->hours)) {
            hfail(in, "hours",
                  T(r, "must be more than 0 and at most 24, with at most one decimal"));
            return VOL_INVALID;
        }
        in->has_hours = 1;
    }
    Volunteer v;
    int f = in->volunteer ? volunteer_load(r->db, r->arena, in->volunteer, &v)
                          : volunteer_load_user(r->db, r->arena, r->auth.user_id, &v);
    if (f < 0) return VOL_ERROR;
    if (!f && !in->volunteer) {
        hfail(in, "volunteer",
              T(r, "is required: you have no volunteer record of your own (sign "
                   "up first)"));
        return VOL_INVALID;
    }
    if (!f) return VOL_NOT_FOUND;
    /* the activity, if any, is where the service was given */
    int64_t org_id = 0;
    const char *org_path = NULL, *org_code = NULL;
    if (in->activity) {
        DbStmt *s = db_q(r->db,
                         "SELECT a.org_id, o.path, o.code, a.status FROM activities a"
                         " JOIN orgs o ON o.id = a.org_id WHERE a.id = ?",
                         "i", in->activity);
        const char *st = NULL;
        if (s && db_step(s) == DB_ROW) {
            org_id = db_col_int(s, 0);
            org_path = arena_strdup(r->arena, db_col_text(s, 1));
            org_code = arena_strdup(r->arena, db_col_text(s, 2));
            st = arena_strdup(r->arena, db_col_text(s, 3));
        }
        db_done(s);
        if (!s) return VOL_ERROR;
        if (!org_id) {
            hfail(in, "activity", T(r, "does not exist"));
            return VOL_INVALID;
        }
        if (!strcmp(st, "cancelled")) {
            hfail(in, "activity", T(r, "was cancelled"));
            return VOL_INVALID;
        }
    }
    int own = volunteer_is_own(r, &v);
    if (!own && !volunteer_can_manage(r, &v) && !(org_path && can(r, CAP_ACTIVITY_WRITE, org_path)))
        return VOL_NOT_FOUND;
    if (strcmp(v.status, "approved") != 0) {
        *why = arena_printf(r->arena, "%s (%s)",
                            T(r, "Only an approved volunteer can log hours; this record is not "
                                 "approved"),
                            v.status);
        return VOL_CONFLICT;
    }
    if (in->activity) {
        if (in->org && *in->org && strcmp(in->org, org_code) != 0) {
            hfail(in, "org", T(r, "must be the activity's organiser unit, or left out"));
            return VOL_INVALID;
        }
    } else {
        Org o;
        int of = in->org && valid_code(in->org) ? org_load(r->db, r->arena, in->org, &o) : 0;
        if (of < 0) return VOL_ERROR;
        if (!of || !o.active) {
            hfail(in, "org", T(r, "is required: the code of the unit where the service was given"));
            return VOL_INVALID;
        }
        org_id = o.id, org_path = o.path, org_code = o.code;
    }
    switch (points_served_on_check(in->served_on, points_today())) {
    case 0:
        break;
    case 2:
        hfail(in, "served_on", T(r, "cannot be in the future"));
        return VOL_INVALID;
    case 3:
        hfail(in, "served_on", T(r, "must be within the last 90 days"));
        return VOL_INVALID;
    default:
        hfail(in, "served_on", T(r, "must be a real date written YYYY-MM-DD"));
        return VOL_INVALID;
    }
    if (!in->has_hours || !points_hours_ok(in->hours)) {
        hfail(in, "hours", T(r, "must be more than 0 and at most 24, with at most one decimal"));
        return VOL_INVALID;
    }
    if (!in->description) in->description = "";
    if (!valid_text(in->description, 500)) {
        hfail(in, "description", T(r, "must be at most 500 bytes, no control characters"));
        return VOL_INVALID;
    }
    double day = 0;
    DbStmt *s = db_q(r->db,
                     "SELECT COALESCE(sum(hours), 0) FROM service_hours WHERE volunteer_id = ?"
                     " AND served_on = ? AND status <> 'rejected'",
                     "is", v.id, in->served_on);
    if (s && db_step(s) == DB_ROW) day = db_col_double(s, 0);
    db_done(s);
    if (day + in->hours > 24 + 1e-9) {
        hfail(in, "hours", T(r, "would make more than 24 hours on that day"));
        return VOL_INVALID;
    }
    for (int attempt = 0; attempt < TRIES; attempt++) {
        if (db_begin(r->db) != DB_OK) return VOL_ERROR;
        int64_t id = 0;
        s = db_q(
            r->db,
            "INSERT INTO service_hours(volunteer_id, activity_id, org_id, served_on, hours,"
            " description, status, created_by, created_at)"
            " VALUES (?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, 'logged', ?, ?) RETURNING id",
            "iiisdssi", v.id, in->activity, org_id, in->served_on, in->hours, in->description,
            r->auth.login, now_s());
        int rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) id = db_col_int(s, 0), rc = DB_OK;
        db_done(s);
        if (rc == DB_OK && hours_load(r->db, r->arena, id, out) != 1) rc = DB_ERROR;
        if (rc == DB_OK) {
            json_t *after = hours_json(out);
            json_object_del(after, "points_if_verified");
            json_object_del(after, "created_at");
            rc = audit_log(r->db, r->auth.login, "service_hours.log", "service_hours",
                           arena_printf(r->arena, "%lld", (long long)id), org_path, NULL, after);
            json_decref(after);
        }
        if (rc == DB_OK && (rc = db_commit(r->db)) == DB_OK) return VOL_OK;
        db_rollback(r->db);
        if (rc != DB_BUSY) break;
    }
    return VOL_ERROR;
}

VolResult hours_decide(Req *r, int64_t id, int verify, const char *reason, ServiceHours *out,
                       PtOutcome *o, const char **why)
{
    *why = NULL;
    memset(o, 0, sizeof *o);
    int f = id ? hours_load(r->db, r->arena, id, out) : 0;
    if (f < 0) return VOL_ERROR;
    if (!f || !hours_can_see(r, out)) return VOL_NOT_FOUND;
    VolResult may = hours_may_decide(r, out, why);
    if (may != VOL_OK) return may;
    PtResult pr = verify ? points_verify(r->db, r->auth.login, id, o)
                         : points_reject(r->db, r->auth.login, id, reason, o);
    switch (pr) {
    case PT_OK:
        break;
    case PT_NOT_FOUND:
        return VOL_NOT_FOUND;
    case PT_CONFLICT:
        *why =
            arena_printf(r->arena, "%s (%s); %s", T(r, "These hours are already decided"),
                         o->status, T(r, "allowed: only logged hours can be verified or rejected"));
        return VOL_CONFLICT;
    default:
        return VOL_ERROR;
    }
    return hours_load(r->db, r->arena, id, out) == 1 ? VOL_OK : VOL_ERROR;
}

VolResult reward_redeem(Req *r, int64_t reward_id, PtOutcome *o, const char **why)
{
    *why = NULL;
    memset(o, 0, sizeof *o);
    Volunteer v;
    int f = volunteer_load_user(r->db, r->arena, r->auth.user_id, &v);
    if (f < 0) return VOL_ERROR;
    if (!f) {
        *why = T(r, "You have no volunteer record: sign up first.");
        return VOL_FORBIDDEN;
    }
    Reward w;
    f = reward_id ? reward_load(r->db, r->arena, reward_id, &w) : 0;
    if (f < 0) return VOL_ERROR;
    if (!f || !reward_open_to(&w, &v)) return VOL_NOT_FOUND;
    if (strcmp(v.status, "approved") != 0) {
        *why = arena_printf(r->arena, "%s (%s)",
                            T(r, "Only an approved volunteer can redeem points; this record is "
                                 "not approved"),
                            v.status);
        return VOL_CONFLICT;
    }
    PtResult pr = points_redeem(r->db, r->auth.login, v.id, reward_id, o);
    o->result = pr;
    switch (pr) {
    case PT_OK:
        return VOL_OK;
    case PT_NOT_FOUND:
        return VOL_NOT_FOUND;
    case PT_NO_POINTS:
        *why = arena_printf(r->arena, "%s: %s %lld, %s %lld", T(r, "Not enough points"),
                            T(r, "the reward costs"), (long long)o->cost, T(r, "your balance is"),
                            (long long)o->balance);
        return VOL_CONFLICT;
    case PT_NO_STOCK:
        *why = T(r, "Out of stock: this reward has none left.");
        return VOL_CONFLICT;
    case PT_CHANGED:
        *why = T(r, "The reward's cost changed meanwhile; reload it and try again.");
        return VOL_CONFLICT;
    default:
        return VOL_ERROR;
    }
}
