/* activity_booking.c — bookings, the waiting list, cancellation, check-in and
 * closing (see activity.h). Every write takes the activity's row first (the
 * conditional seat UPDATE or a no-op UPDATE), then the booking, then the values
 * and the audit head, always in that order, so concurrent writers queue on the
 * activity instead of deadlocking. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "activity.h"
#include "audit.h"
#include "core/util.h"
#include "ui/i18n.h"

/* ---- rows ----------------------------------------------------------------------- */

void booking_row(DbStmt *s, Arena *a, Booking *b)
{
    memset(b, 0, sizeof *b);
    b->id = db_col_int(s, 0);
    b->activity_id = db_col_int(s, 1);
    b->user_id = db_col_int(s, 2);
    b->status = arena_strdup(a, db_col_text(s, 3));
    b->arrival = db_col_int(s, 4);
    b->created_at = db_col_int(s, 5);
    b->updated_at = db_col_int(s, 6);
    b->cancelled_at = db_col_is_null(s, 7) ? 0 : db_col_int(s, 7);
    b->checked_in_at = db_col_is_null(s, 8) ? 0 : db_col_int(s, 8);
    b->checked_in_by = db_col_is_null(s, 9) ? NULL : arena_strdup(a, db_col_text(s, 9));
    b->login = arena_strdup(a, db_col_text(s, 10));
    b->name = arena_strdup(a, db_col_text(s, 11));
    b->position = db_col_int(s, 12);
}

static int one_booking(DbStmt *s, Arena *a, Booking *out)
{
    if (!s) return -1;
    int rc = db_step(s), found = 0;
    if (rc == DB_ROW) {
        booking_row(s, a, out);
        found = 1;
    } else if (rc != DB_DONE) {
        found = -1;
    }
    db_done(s);
    return found;
}

int booking_load(Db *db, Arena *a, int64_t id, Booking *out)
{
    return one_booking(db_q(db,
                            "SELECT " BOOKING_COLS " FROM bookings b JOIN users u"
                            " ON u.id = b.user_id WHERE b.id = ?",
                            "i", id),
                       a, out);
}

int booking_find(Db *db, Arena *a, int64_t activity_id, int64_t user_id, Booking *out)
{
    return one_booking(db_q(db,
                            "SELECT " BOOKING_COLS " FROM bookings b JOIN users u"
                            " ON u.id = b.user_id WHERE b.activity_id = ? AND b.user_id = ?",
                            "ii", activity_id, user_id),
                       a, out);
}

json_t *booking_json(const Booking *b, const Activity *a)
{
    Arena *ar = arena_new();
    json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:I,s:I}", "id", (json_int_t)b->id, "activity",
                          (json_int_t)b->activity_id, "user", b->login, "name", b->name, "status",
                          b->status, "arrival", (json_int_t)b->arrival, "created_at",
                          (json_int_t)b->created_at, "updated_at", (json_int_t)b->updated_at);
    json_object_set_new(j, "position", b->position ? json_integer(b->position) : json_null());
    json_object_set_new(j, "cancelled_at",
                        b->cancelled_at ? json_string(activity_time_text(ar, b->cancelled_at))
                                        : json_null());
    json_object_set_new(j, "checked_in_at",
                        b->checked_in_at ? json_string(activity_time_text(ar, b->checked_in_at))
                                         : json_null());
    json_object_set_new(j, "checked_in_by",
                        b->checked_in_by ? json_string(b->checked_in_by) : json_null());
    if (a) {
        json_object_set_new(j, "activity_title", json_string(a->title));
        json_object_set_new(j, "activity_kind", json_string(a->kind));
        json_object_set_new(j, "activity_status", json_string(a->status));
        json_object_set_new(j, "org", json_string(a->org_code));
        json_object_set_new(j, "starts_at", json_string(activity_time_text(ar, a->starts_at)));
        json_object_set_new(j, "ends_at", json_string(activity_time_text(ar, a->ends_at)));
        json_object_set_new(j, "cancel_until",
                            json_string(activity_time_text(ar, a->cancel_until)));
        json_object_set_new(j, "place", json_string(a->place));
        json_object_set_new(j, "online_url", json_string(a->online_url));
    }
    arena_free(ar);
    return j;
}

/* The audit record of a booking change. */
static int audit_booking(Db *db, Arena *ar, const char *actor, const char *action, int64_t id,
                         int64_t activity_id, int64_t user_id, const char *from, const char *to,
                         int64_t arrival, const char *org_path)
{
    json_t *before = from ? json_pack("{s:s}", "status", from) : NULL;
    json_t *after = json_pack("{s:I,s:I,s:s,s:I}", "activity", (json_int_t)activity_id, "user_id",
                              (json_int_t)user_id, "status", to, "arrival", (json_int_t)arrival);
    int rc = audit_log(db, actor, action, "booking", arena_printf(ar, "%lld", (long long)id),
                       org_path, before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* Runs a one-row UPDATE … RETURNING: 1 a row changed, 0 none, -1 (code in *rc). */
static int hit_row(DbStmt *s, int *rc)
{
    if (!s) {
        *rc = DB_ERROR;
        return -1;
    }
    int st = db_step(s);
    db_done(s);
    if (st == DB_ROW) return 1;
    if (st == DB_DONE) return 0;
    *rc = st;
    return -1;
}

/* Takes the activity's row (no change) while it is open: 1, 0 not open, -1. */
static int hold_activity(Db *db, int64_t id, int *rc)
{
    return hit_row(db_q(db,
                        "UPDATE activities SET booked = booked WHERE id = ? AND status = 'open'"
                        " RETURNING id",
                        "i", id),
                   rc);
}

/* The ONE conditional UPDATE that takes a seat: 1 taken, 0 none free, -1. */
static int take_seat(Db *db, int64_t id, int64_t now, int *rc)
{
    return hit_row(db_q(db,
                        "UPDATE activities SET booked = booked + 1, updated_at = ?"
                        " WHERE id = ? AND booked < capacity AND status = 'open' RETURNING booked",
                        "ii", now, id),
                   rc);
}

static ActResult db_result(int rc)
{
    return rc == DB_BUSY ? ACT_BUSY : ACT_ERROR;
}

/* ---- booking ---------------------------------------------------------------------- */

ActResult booking_book(Db *db, Arena *ar, const Activity *a, int64_t user_id, const char *actor,
                       int64_t now, Booking *out, ActWhy *why)
{
    *why = WHY_NONE;
    if (strcmp(a->status, "open")) {
        *why = WHY_NOT_OPEN;
        return ACT_CONFLICT;
    }
    BookWindow w = activity_window(a, now);
    if (w != WINDOW_OPEN) {
        *why = w == WINDOW_NOT_YET ? WHY_NOT_YET : WHY_CLOSED;
        return ACT_CONFLICT;
    }
    Booking old;
    int have = booking_find(db, ar, a->id, user_id, &old);
    if (have < 0) return ACT_ERROR;
    if (have && strcmp(old.status, "cancelled")) {
        *out = old;
        *why = WHY_ALREADY;
        return ACT_CONFLICT;
    }
    int rc = db_begin(db);
    if (rc != DB_OK) return db_result(rc);
    int seat = take_seat(db, a->id, now, &rc);
    if (seat == 0) {
        /* no seat: hold the row for a place on the waiting list; a seat freed between
         * the two statements (and not taken by the waiting list) is taken now */
        int open = hold_activity(db, a->id, &rc);
        if (open == 0) {
            db_rollback(db);
            *why = WHY_NOT_OPEN;
            return ACT_CONFLICT;
        }
        if (open > 0) seat = take_seat(db, a->id, now, &rc);
    }
    if (seat < 0) {
        db_rollback(db);
        return db_result(rc);
    }
    int64_t arrival = 0, id = 0;
    if (db_int(db, &arrival,
               "SELECT COALESCE(MAX(arrival), 0) + 1 FROM bookings WHERE activity_id = ?", "i",
               a->id) != 1) {
        db_rollback(db);
        return ACT_ERROR;
    }
    const char *status = seat ? "booked" : "waiting";
    DbStmt *s;
    if (have)
        s = db_q(db,
                 "UPDATE bookings SET status = ?, arrival = ?, created_at = ?, updated_at = ?,"
                 " cancelled_at = NULL, checked_in_at = NULL, checked_in_by = NULL"
                 " WHERE id = ? AND status = 'cancelled' RETURNING id",
                 "siiii", status, arrival, now, now, old.id);
    else
        s = db_q(db,
                 "INSERT INTO bookings(activity_id, user_id, status, arrival, created_at,"
                 " updated_at) VALUES (?,?,?,?,?,?) RETURNING id",
                 "iisiii", a->id, user_id, status, arrival, now, now);
    rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    if (!id) {
        db_rollback(db);
        if (rc == DB_CONSTRAINT || rc == DB_DONE) {
            /* the same person booked at the same moment from elsewhere */
            if (booking_find(db, ar, a->id, user_id, out) == 1) {
                *why = WHY_ALREADY;
                return ACT_CONFLICT;
            }
            *why = WHY_RACE;
            return ACT_CONFLICT;
        }
        return db_result(rc);
    }
    rc = audit_booking(db, ar, actor, have ? "booking.rebook" : "booking.create", id, a->id,
                       user_id, have ? "cancelled" : NULL, status, arrival, a->org_path);
    if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
        db_rollback(db);
        return db_result(rc);
    }
    return booking_load(db, ar, id, out) == 1 ? ACT_OK : ACT_ERROR;
}

int booking_promote(Db *db, Arena *ar, int64_t activity_id, const char *org_path, const char *actor,
                    int64_t now, int *rc)
{
    int n = 0;
    for (;;) {
        int64_t next = 0, arrival = 0, user = 0;
        DbStmt *s = db_q(db,
                         "SELECT id, arrival, user_id FROM bookings WHERE activity_id = ?"
                         " AND status = 'waiting' ORDER BY arrival LIMIT 1",
                         "i", activity_id);
        int st = s ? db_step(s) : DB_ERROR;
        if (st == DB_ROW) {
            next = db_col_int(s, 0);
            arrival = db_col_int(s, 1);
            user = db_col_int(s, 2);
        }
        db_done(s);
        if (st != DB_ROW && st != DB_DONE) {
            *rc = st;
            return -1;
        }
        if (!next) return n;
        int seat = take_seat(db, activity_id, now, rc);
        if (seat <= 0) return seat < 0 ? -1 : n;
        int moved = hit_row(db_q(db,
                                 "UPDATE bookings SET status = 'booked', updated_at = ?"
                                 " WHERE id = ? AND status = 'waiting' RETURNING id",
                                 "ii", now, next),
                            rc);
        if (moved <= 0) {
            if (!moved) *rc = DB_ERROR; /* cannot happen while we hold the activity */
            return -1;
        }
        *rc = audit_booking(db, ar, actor, "booking.promote", next, activity_id, user, "waiting",
                            "booked", arrival, org_path);
        if (*rc != DB_OK) return -1;
        n++;
    }
}

ActResult booking_cancel(Db *db, Arena *ar, int64_t booking_id, int64_t owner_id, const char *actor,
                         int64_t now, Booking *out, ActWhy *why)
{
    *why = WHY_NONE;
    Booking b;
    int f = booking_load(db, ar, booking_id, &b);
    if (f < 0) return ACT_ERROR;
    if (!f || (owner_id && b.user_id != owner_id)) return ACT_NOT_FOUND;
    Activity a;
    if (activity_load(db, ar, b.activity_id, &a) != 1) return ACT_ERROR;
    *out = b;
    if (strcmp(b.status, "booked") && strcmp(b.status, "waiting")) {
        *why = WHY_STATUS;
        return ACT_CONFLICT;
    }
    if (strcmp(a.status, "open")) {
        *why = WHY_NOT_OPEN;
        return ACT_CONFLICT;
    }
    if (!activity_may_cancel(&a, now)) {
        *why = WHY_DEADLINE;
        return ACT_CONFLICT;
    }
    int rc = db_begin(db);
    if (rc != DB_OK) return db_result(rc);
    int open = hold_activity(db, a.id, &rc);
    if (open <= 0) {
        db_rollback(db);
        if (open < 0) return db_result(rc);
        *why = WHY_NOT_OPEN;
        return ACT_CONFLICT;
    }
    /* the status now, with the activity held (a check-in may have come first) */
    Booking cur;
    if (booking_load(db, ar, booking_id, &cur) != 1) {
        db_rollback(db);
        return ACT_ERROR;
    }
    int hit = (!strcmp(cur.status, "booked") || !strcmp(cur.status, "waiting"))
                  ? hit_row(db_q(db,
                                 "UPDATE bookings SET status = 'cancelled', cancelled_at = ?,"
                                 " updated_at = ? WHERE id = ? AND status = ? RETURNING id",
                                 "iiis", now, now, booking_id, cur.status),
                            &rc)
                  : 0;
    if (hit <= 0) {
        db_rollback(db);
        if (hit < 0) return db_result(rc);
        *out = cur;
        *why = WHY_STATUS;
        return ACT_CONFLICT;
    }
    if (!strcmp(cur.status, "booked")) {
        int freed = hit_row(db_q(db,
                                 "UPDATE activities SET booked = booked - 1, updated_at = ?"
                                 " WHERE id = ? AND booked > 0 RETURNING booked",
                                 "ii", now, a.id),
                            &rc);
        if (freed <= 0 || booking_promote(db, ar, a.id, a.org_path, actor, now, &rc) < 0) {
            db_rollback(db);
            return freed == 0 ? ACT_ERROR : db_result(rc);
        }
    }
    rc = audit_booking(db, ar, actor, "booking.cancel", booking_id, a.id, cur.user_id, cur.status,
                       "cancelled", cur.arrival, a.org_path);
    if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
        db_rollback(db);
        return db_result(rc);
    }
    return booking_load(db, ar, booking_id, out) == 1 ? ACT_OK : ACT_ERROR;
}

ActResult booking_checkin(Db *db, Arena *ar, int64_t booking_id, int organiser, const char *actor,
                          int64_t now, Booking *out, ActWhy *why)
{
    *why = WHY_NONE;
    Booking b;
    int f = booking_load(db, ar, booking_id, &b);
    if (f < 0) return ACT_ERROR;
    if (!f) return ACT_NOT_FOUND;
    *out = b;
    Activity a;
    if (activity_load(db, ar, b.activity_id, &a) != 1) return ACT_ERROR;
    if (strcmp(a.status, "open")) {
        *why = WHY_NOT_OPEN;
        return ACT_CONFLICT;
    }
    if (!strcmp(b.status, "attended")) return ACT_OK; /* already in: nothing to do */
    if (strcmp(b.status, "booked")) {
        *why = !strcmp(b.status, "waiting") ? WHY_WAITING : WHY_STATUS;
        return ACT_CONFLICT;
    }
    if (!activity_checkin_time_ok(&a, now, organiser)) {
        *why = WHY_TIME;
        return ACT_CONFLICT;
    }
    int year;
    int64_t yfrom, yto;
    activity_month_of(a.starts_at, &year, NULL, NULL, NULL);
    yfrom = activity_local_time(year, 1, 1, 0, 0);
    yto = activity_local_time(year + 1, 1, 1, 0, 0);
    int rc = db_begin(db);
    if (rc != DB_OK) return db_result(rc);
    int open = hold_activity(db, a.id, &rc);
    if (open <= 0) {
        db_rollback(db);
        if (open < 0) return db_result(rc);
        *why = WHY_NOT_OPEN;
        return ACT_CONFLICT;
    }
    int64_t first = activity_first_attended(db, b.user_id, yfrom, yto, 0);
    int64_t guided = activity_first_attended(db, b.user_id, yfrom, yto, 1);
    int hit = first < 0 || guided < 0
                  ? -1
                  : hit_row(db_q(db,
                                 "UPDATE bookings SET status = 'attended', checked_in_at = ?,"
                                 " checked_in_by = ?, updated_at = ?"
                                 " WHERE id = ? AND status = 'booked' RETURNING id",
                                 "isii", now, actor, now, booking_id),
                            &rc);
    if (hit <= 0) {
        db_rollback(db);
        if (hit < 0) return db_result(rc == DB_OK ? DB_ERROR : rc);
        *why = WHY_RACE;
        return ACT_CONFLICT;
    }
    rc = activity_feed_checkin(db, actor, &a, b.user_id, first, guided);
    if (rc == DB_OK)
        rc = audit_booking(db, ar, actor, "booking.checkin", booking_id, a.id, b.user_id, "booked",
                           "attended", b.arrival, a.org_path);
    if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
        db_rollback(db);
        return db_result(rc);
    }
    return booking_load(db, ar, booking_id, out) == 1 ? ACT_OK : ACT_ERROR;
}

/* ---- the activity's end ------------------------------------------------------------ */

ActResult activity_close(Db *db, Arena *ar, const Activity *a, const char *actor, int64_t now,
                         ActWhy *why)
{
    *why = WHY_NONE;
    if (strcmp(a->status, "open")) {
        *why = WHY_NOT_OPEN;
        return ACT_CONFLICT;
    }
    if (now < a->starts_at) {
        *why = WHY_NOT_STARTED;
        return ACT_CONFLICT;
    }
    int rc = db_begin(db);
    if (rc != DB_OK) return db_result(rc);
    int hit = hit_row(db_q(db,
                           "UPDATE activities SET status = 'done', updated_at = ?"
                           " WHERE id = ? AND status = 'open' RETURNING id",
                           "ii", now, a->id),
                      &rc);
    if (hit <= 0) {
        db_rollback(db);
        if (hit < 0) return db_result(rc);
        *why = WHY_NOT_OPEN;
        return ACT_CONFLICT;
    }
    Activity done;
    if (activity_load(db, ar, a->id, &done) != 1) {
        db_rollback(db);
        return ACT_ERROR;
    }
    rc = activity_feed_close(db, actor, &done);
    if (rc == DB_OK) {
        json_t *before = json_pack("{s:s}", "status", "open");
        json_t *after = json_pack("{s:s,s:I,s:I,s:I,s:b}", "status", "done", "capacity",
                                  (json_int_t)done.capacity, "booked", (json_int_t)done.booked,
                                  "attended", (json_int_t)done.attended, "low_participation",
                                  activity_low_participation(done.attended, done.capacity));
        rc = audit_log(db, actor, "activity.close", "activity",
                       arena_printf(ar, "%lld", (long long)a->id), a->org_path, before, after);
        json_decref(before);
        json_decref(after);
    }
    if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
        db_rollback(db);
        return db_result(rc);
    }
    return ACT_OK;
}

ActResult activity_cancel(Db *db, Arena *ar, const Activity *a, const char *actor, int64_t now,
                          ActWhy *why)
{
    *why = WHY_NONE;
    if (strcmp(a->status, "open")) {
        *why = WHY_NOT_OPEN;
        return ACT_CONFLICT;
    }
    int rc = db_begin(db);
    if (rc != DB_OK) return db_result(rc);
    int open = hold_activity(db, a->id, &rc);
    int64_t attended = 0;
    if (open > 0 &&
        db_int(db, &attended,
               "SELECT count(*) FROM bookings WHERE activity_id = ? AND status = 'attended'", "i",
               a->id) != 1)
        open = -1, rc = DB_ERROR;
    if (open <= 0 || attended > 0) {
        db_rollback(db);
        if (open < 0) return db_result(rc);
        *why = open == 0 ? WHY_NOT_OPEN : WHY_ATTENDED;
        return ACT_CONFLICT;
    }
    rc = db_run(db,
                "UPDATE bookings SET status = 'cancelled', cancelled_at = ?, updated_at = ?"
                " WHERE activity_id = ? AND status IN ('booked', 'waiting')",
                "iii", now, now, a->id);
    if (rc == DB_OK)
        rc = db_run(db,
                    "UPDATE activities SET status = 'cancelled', booked = 0, updated_at = ?"
                    " WHERE id = ?",
                    "ii", now, a->id);
    if (rc == DB_OK) {
        json_t *before = json_pack("{s:s,s:I,s:I}", "status", "open", "booked",
                                   (json_int_t)a->booked, "waiting", (json_int_t)a->waiting);
        json_t *after = json_pack("{s:s}", "status", "cancelled");
        rc = audit_log(db, actor, "activity.cancel", "activity",
                       arena_printf(ar, "%lld", (long long)a->id), a->org_path, before, after);
        json_decref(before);
        json_decref(after);
    }
    if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
        db_rollback(db);
        return db_result(rc);
    }
    return ACT_OK;
}

/* ---- API --------------------------------------------------------------------------- */

/* A non-empty body must be an empty JSON object. 1 fine, 0 with an error sent. */
static int empty_body(Req *r)
{
    if (!r->body.len) return 1;
    static const char *const none[] = {NULL};
    json_t *j = req_json_object(r, none);
    if (!j) return 0;
    json_decref(j);
    return 1;
}

/* A 409 that also carries the booking concerned. */
static void send_conflict(Req *r, ActWhy why, const Activity *a, const Booking *b)
{
    json_t *e = json_pack("{s:s,s:s}", "code", "conflict", "message", activity_why_text(r, why, a));
    if (b && b->id) json_object_set_new(e, "booking", booking_json(b, NULL));
    req_send_json(r, 409, json_pack("{s:o}", "error", e));
}

void booking_api_create(Req *r)
{
    if (!empty_body(r)) return;
    Activity a;
    if (!activity_load_visible(r, &a)) return;
    if (!activity_audience_fits(r, a.audience)) {
        req_error(r, 403, "forbidden",
                  arena_printf(r->arena, "%s: %s", T(r, "This activity is for"),
                               activity_audience_label(r, a.audience)));
        return;
    }
    Booking b = {0};
    ActWhy why;
    ActResult res =
        booking_book(r->db, r->arena, &a, r->auth.user_id, r->auth.login, now_s(), &b, &why);
    if (res == ACT_CONFLICT) {
        send_conflict(r, why, &a, &b);
        return;
    }
    if (res != ACT_OK) {
        activity_send_result(r, res, NULL, why, &a);
        return;
    }
    if (activity_load(r->db, r->arena, a.id, &a) != 1) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/bookings/%lld", (long long)b.id));
    req_send_json(r, 201, booking_json(&b, &a));
}

static int64_t id_param(Req *r)
{
    return activity_id_param(r);
}

void booking_api_cancel(Req *r)
{
    if (!empty_body(r)) return;
    Booking b = {0};
    ActWhy why;
    ActResult res = booking_cancel(r->db, r->arena, id_param(r), r->auth.user_id, r->auth.login,
                                   now_s(), &b, &why);
    Activity a = {0};
    if (b.activity_id && activity_load(r->db, r->arena, b.activity_id, &a) != 1) res = ACT_ERROR;
    if (res == ACT_CONFLICT) {
        send_conflict(r, why, &a, &b);
        return;
    }
    if (res != ACT_OK) {
        activity_send_result(r, res, NULL, why, &a);
        return;
    }
    req_send_json(r, 200, booking_json(&b, &a));
}

void booking_api_checkin(Req *r)
{
    if (!empty_body(r)) return;
    Booking b;
    Activity a;
    int64_t id = id_param(r);
    int f = id ? booking_load(r->db, r->arena, id, &b) : 0;
    if (f > 0 && activity_load(r->db, r->arena, b.activity_id, &a) != 1) f = -1;
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    if (!f || !activity_visible(r, a.org_path)) {
        req_not_found(r);
        return;
    }
    if (!activity_organiser(r, a.org_path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    ActWhy why;
    ActResult res = booking_checkin(r->db, r->arena, id, 1, r->auth.login, now_s(), &b, &why);
    if (res == ACT_CONFLICT) {
        send_conflict(r, why, &a, &b);
        return;
    }
    if (res != ACT_OK) {
        activity_send_result(r, res, NULL, why, &a);
        return;
    }
    req_send_json(r, 200, booking_json(&b, &a));
}

void activity_api_checkin(Req *r)
{
    static const char *const fields[] = {"code", NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    json_t *cv = json_object_get(j, "code");
    const char *code = json_is_string(cv) ? arena_strdup(r->arena, json_string_value(cv)) : NULL;
    json_decref(j);
    Activity a;
    if (!activity_load_visible(r, &a)) return;
    if (!code || strlen(code) < 4 || strlen(code) > 12) {
        req_error(r, 422, "invalid",
                  arena_printf(r->arena, "code %s",
                               T(r, "is required: the check-in code shown at the activity")));
        return;
    }
    Booking b = {0};
    int f = booking_find(r->db, r->arena, a.id, r->auth.user_id, &b);
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    ActWhy why = WHY_NONE;
    if (!f || !strcmp(b.status, "cancelled"))
        why = WHY_STATUS;
    else if (!strcmp(b.status, "waiting"))
        why = WHY_WAITING;
    else if (strcmp(a.status, "open"))
        why = WHY_NOT_OPEN;
    else if (!strcmp(b.status, "booked") && !activity_checkin_time_ok(&a, now_s(), 0))
        why = WHY_TIME;
    if (why != WHY_NONE) {
        if (!f) {
            req_error(r, 409, "conflict", T(r, "You have no booking for this activity."));
            return;
        }
        send_conflict(r, why, &a, &b);
        return;
    }
    if (strcasecmp(code, a.checkin_code)) {
        req_error(r, 422, "invalid",
                  arena_printf(r->arena, "code %s", T(r, "does not match this activity's code")));
        return;
    }
    ActResult res = booking_checkin(r->db, r->arena, b.id, 0, r->auth.login, now_s(), &b, &why);
    if (res == ACT_CONFLICT) {
        send_conflict(r, why, &a, &b);
        return;
    }
    if (res != ACT_OK) {
        activity_send_result(r, res, NULL, why, &a);
        return;
    }
    req_send_json(r, 200, booking_json(&b, &a));
}

void activity_api_bookings(Req *r)
{
    Activity a;
    if (!activity_load_visible(r, &a)) return;
    if (!activity_organiser(r, a.org_path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    const char *st = req_query(r, "status");
    if (st && *st && strcmp(st, "booked") && strcmp(st, "waiting") && strcmp(st, "cancelled") &&
        strcmp(st, "attended")) {
        req_error(r, 400, "bad_param",
                  T(r, "status must be one of booked, waiting, cancelled, attended."));
        return;
    }
    DbStmt *s = db_q(r->db,
                     "SELECT " BOOKING_COLS " FROM bookings b JOIN users u ON u.id = b.user_id"
                     " WHERE b.activity_id = ? AND (CAST(? AS TEXT) IS NULL OR b.status = ?)"
                     " ORDER BY b.arrival",
                     "iss", a.id, st && *st ? st : NULL, st && *st ? st : NULL);
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    json_t *items = json_array();
    while (db_step(s) == DB_ROW) {
        Booking b;
        booking_row(s, r->arena, &b);
        json_array_append_new(items, booking_json(&b, NULL));
    }
    db_done(s);
    json_t *out = json_pack("{s:o,s:o}", "activity", activity_json(&a, 1), "items", items);
    req_send_json(r, 200, out);
}

void booking_api_mine(Req *r)
{
    const char *st = req_query(r, "status");
    if (st && *st && strcmp(st, "booked") && strcmp(st, "waiting") && strcmp(st, "cancelled") &&
        strcmp(st, "attended")) {
        req_error(r, 400, "bad_param",
                  T(r, "status must be one of booked, waiting, cancelled, attended."));
        return;
    }
    DbStmt *s = db_q(r->db,
                     "SELECT " BOOKING_COLS " FROM bookings b JOIN users u ON u.id = b.user_id"
                     " JOIN activities a ON a.id = b.activity_id WHERE b.user_id = ?"
                     " AND (CAST(? AS TEXT) IS NULL OR b.status = ?)"
                     " ORDER BY a.starts_at DESC, b.id DESC LIMIT 200",
                     "iss", r->auth.user_id, st && *st ? st : NULL, st && *st ? st : NULL);
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    Booking *list = arena_alloc(r->arena, sizeof *list * 200);
    int n = 0;
    while (n < 200 && db_step(s) == DB_ROW)
        booking_row(s, r->arena, &list[n++]);
    db_done(s);
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        Activity a;
        if (activity_load(r->db, r->arena, list[i].activity_id, &a) != 1) continue;
        json_array_append_new(items, booking_json(&list[i], &a));
    }
    req_send_json(r, 200, json_pack("{s:o}", "items", items));
}
