/* activity.c — see activity.h: access, validation, the store and the activities
 * API. The pure rules are in activity_rules.c, bookings in activity_booking.c,
 * figures in activity_feed.c. */
#include "activity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "org.h"
#include "ui/i18n.h"

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

/* ---- access ---------------------------------------------------------------------- */

int activity_visible(Req *r, const char *org_path)
{
    for (int i = 0; i < r->auth.ngrants; i++)
        if ((role_caps(r->auth.grants[i].role) & CAPBIT(CAP_ACTIVITY_BOOK)) &&
            activity_near(org_path, r->auth.grants[i].org_path))
            return 1;
    return 0;
}

int activity_organiser(Req *r, const char *org_path)
{
    return can(r, CAP_ACTIVITY_WRITE, org_path);
}

int activity_audience_fits(Req *r, const char *audience)
{
    if (!audience) return 0;
    if (!strcmp(audience, "all")) return 1;
    Role want = !strcmp(audience, "parents")      ? ROLE_PARENT
                : !strcmp(audience, "volunteers") ? ROLE_VOLUNTEER
                                                  : ROLE_NONE;
    for (int i = 0; i < r->auth.ngrants; i++)
        if (r->auth.grants[i].role == want) return 1;
    return 0;
}

/* ---- the store -------------------------------------------------------------------- */

#define ACTIVITY_COLS                                                                              \
    "a.id, a.org_id, o.code, o.name_zh, o.name_en, o.path, o.kind, a.kind, a.title,"               \
    " a.description, a.place, a.online_url, a.audience, a.checkin_code, a.status, a.created_by,"   \
    " a.starts_at, a.ends_at, a.booking_opens, a.booking_closes, a.cancel_until, a.created_at,"    \
    " a.updated_at, a.capacity, a.booked, a.community_resource,"                                   \
    " (SELECT count(*) FROM bookings w WHERE w.activity_id = a.id AND w.status = 'waiting'),"      \
    " (SELECT count(*) FROM bookings w WHERE w.activity_id = a.id AND w.status = 'attended')"

static void activity_row(DbStmt *s, Arena *a, Activity *x)
{
    memset(x, 0, sizeof *x);
    x->id = db_col_int(s, 0);
    x->org_id = db_col_int(s, 1);
    x->org_code = arena_strdup(a, db_col_text(s, 2));
    x->org_name = arena_strdup(a, db_col_text(s, 3));
    x->org_name_en = arena_strdup(a, db_col_text(s, 4));
    x->org_path = arena_strdup(a, db_col_text(s, 5));
    x->org_kind = arena_strdup(a, db_col_text(s, 6));
    x->kind = arena_strdup(a, db_col_text(s, 7));
    x->title = arena_strdup(a, db_col_text(s, 8));
    x->description = arena_strdup(a, db_col_text(s, 9));
    x->place = arena_strdup(a, db_col_text(s, 10));
    x->online_url = arena_strdup(a, db_col_text(s, 11));
    x->audience = arena_strdup(a, db_col_text(s, 12));
    x->checkin_code = arena_strdup(a, db_col_text(s, 13));
    x->status = arena_strdup(a, db_col_text(s, 14));
    x->created_by = arena_strdup(a, db_col_text(s, 15));
    x->starts_at = db_col_int(s, 16);
    x->ends_at = db_col_int(s, 17);
    x->booking_opens = db_col_int(s, 18);
    x->booking_closes = db_col_int(s, 19);
    x->cancel_until = db_col_int(s, 20);
    x->created_at = db_col_int(s, 21);
    x->updated_at = db_col_int(s, 22);
    x->capacity = db_col_int(s, 23);
    x->booked = db_col_int(s, 24);
    x->community_resource = (int)db_col_int(s, 25);
    x->waiting = db_col_int(s, 26);
    x->attended = db_col_int(s, 27);
}

int activity_load(Db *db, Arena *a, int64_t id, Activity *out)
{
    DbStmt *s = db_q(db,
                     "SELECT " ACTIVITY_COLS " FROM activities a JOIN orgs o ON o.id = a.org_id"
                     " WHERE a.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s), found = 0;
    if (rc == DB_ROW) {
        activity_row(s, a, out);
        found = 1;
    } else if (rc != DB_DONE) {
        found = -1;
    }
    db_done(s);
    return found;
}

json_t *activity_json(const Activity *a, int with_code)
{
    Arena *ar = arena_new();
    json_t *j = json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:b,"
        "s:s,s:I,s:I}",
        "id", (json_int_t)a->id, "org", a->org_code, "org_name", a->org_name, "kind", a->kind,
        "title", a->title, "description", a->description, "place", a->place, "online_url",
        a->online_url, "audience", a->audience, "starts_at", activity_time_text(ar, a->starts_at),
        "ends_at", activity_time_text(ar, a->ends_at), "booking_opens",
        activity_time_text(ar, a->booking_opens), "booking_closes",
        activity_time_text(ar, a->booking_closes), "cancel_until",
        activity_time_text(ar, a->cancel_until), "status", a->status, "capacity",
        (json_int_t)a->capacity, "booked", (json_int_t)a->booked, "seats_left",
        (json_int_t)(a->capacity - a->booked), "waiting", (json_int_t)a->waiting, "attended",
        (json_int_t)a->attended, "community_resource", a->community_resource, "created_by",
        a->created_by, "created_at", (json_int_t)a->created_at, "updated_at",
        (json_int_t)a->updated_at);
    if (with_code) json_object_set_new(j, "checkin_code", json_string(a->checkin_code));
    arena_free(ar);
    return j;
}

/* The audit view: the activity's own fields. */
static json_t *audit_json(const Activity *a)
{
    json_t *j = activity_json(a, 0);
    for (const char *const *k = (const char *const[]){"org_name", "seats_left", "waiting",
                                                      "attended", "created_at", "updated_at", NULL};
         *k; k++)
        json_object_del(j, *k);
    return j;
}

int64_t activity_id_param(Req *r)
{
    int64_t id;
    const char *s = req_param(r, "id");
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

int activity_load_visible(Req *r, Activity *a)
{
    int64_t id = activity_id_param(r);
    int f = id ? activity_load(r->db, r->arena, id, a) : 0;
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return 0;
    }
    if (!f || !activity_visible(r, a->org_path)) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

/* ---- validation -------------------------------------------------------------------- */

static int fail(ActInput *in, const char *field, const char *why)
{
    if (!in->bad_field) {
        in->bad_field = field;
        in->why = why;
    }
    return 0;
}

/* Whether s is an http(s) link without spaces or controls, at most 500 bytes. */
static int url_ok(const char *s)
{
    if (!s || !*s) return 1;
    if (strlen(s) > 500 || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8))) return 0;
    const char *host = s + (s[4] == 's' ? 8 : 7);
    if (!*host || *host == '/') return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7F || *p == '"' || *p == '<' || *p == '>') return 0;
    return 1;
}

/* A time field: given text parsed into *t. */
static int time_field(Req *r, ActInput *in, const char *field, const char *text, int64_t *t)
{
    if (!activity_parse_time(text, t))
        return fail(in, field,
                    T(r, "must be a date and time written YYYY-MM-DDTHH:MM (Beijing time)"));
    return 1;
}

/* Merges in onto n (a copy of the old activity, or defaults) and checks the
 * whole. 1 valid, else 0 with in's bad_field set. */
static int check_activity(Req *r, ActInput *in, Activity *n, int creating, int64_t now)
{
    if (in->has_kind) n->kind = in->kind;
    if (in->has_title) n->title = in->title;
    if (in->has_description) n->description = in->description;
    if (in->has_place) n->place = in->place;
    if (in->has_online_url) n->online_url = in->online_url;
    if (in->has_audience) n->audience = in->audience;
    if (in->has_community_resource) n->community_resource = in->community_resource;
    if (!activity_kind_ok(n->kind))
        return fail(in, "kind",
                    T(r, "must be one of parent_class, guidance_day, culture_day, "
                         "volunteer_service, study_tour, training"));
    if (!n->title || !*n->title || !valid_text(n->title, 200) || strchr(n->title, '\n'))
        return fail(in, "title", T(r, "is required: one line of at most 200 bytes"));
    if (!valid_text(n->description, 4000))
        return fail(in, "description", T(r, "must be at most 4000 bytes, no control characters"));
    if (!valid_text(n->place, 200) || strchr(n->place, '\n'))
        return fail(in, "place", T(r, "must be one line of at most 200 bytes"));
    if (!url_ok(n->online_url))
        return fail(in, "online_url", T(r, "must be a link starting with http:// or https://"));
    if (!*n->place && !*n->online_url)
        return fail(in, "place", T(r, "is required: a place, or an online link in online_url"));
    if (!activity_audience_ok(n->audience))
        return fail(in, "audience", T(r, "must be one of parents, volunteers, all"));
    if (in->capacity_text) {
        if (!parse_int(in->capacity_text, -1000000000, 1000000000, &in->capacity))
            return fail(in, "capacity", T(r, "must be a whole number from 1 to 10000"));
        in->has_capacity = 1;
    }
    if (in->has_capacity) n->capacity = in->capacity;
    if (creating && !in->has_starts_at)
        return fail(in, "starts_at", T(r, "is required: YYYY-MM-DDTHH:MM (Beijing time)"));
    if (in->has_starts_at && !time_field(r, in, "starts_at", in->starts_at, &n->starts_at))
        return 0;
    if (creating && !in->has_ends_at)
        return fail(in, "ends_at", T(r, "is required: YYYY-MM-DDTHH:MM (Beijing time)"));
    if (in->has_ends_at && !time_field(r, in, "ends_at", in->ends_at, &n->ends_at)) return 0;
    if (creating && !in->has_capacity)
        return fail(in, "capacity", T(r, "is required: a whole number from 1 to 10000"));
    if (n->capacity < 1 || n->capacity > 10000)
        return fail(in, "capacity", T(r, "must be a whole number from 1 to 10000"));
    if (n->capacity < n->booked)
        return fail(in, "capacity",
                    arena_printf(r->arena, "%s %lld %s", T(r, "must be at least"),
                                 (long long)n->booked, T(r, "(the seats already booked)")));
    if (in->has_booking_opens &&
        !time_field(r, in, "booking_opens", in->booking_opens, &n->booking_opens))
        return 0;
    if (in->has_booking_closes &&
        !time_field(r, in, "booking_closes", in->booking_closes, &n->booking_closes))
        return 0;
    if (in->has_cancel_until &&
        !time_field(r, in, "cancel_until", in->cancel_until, &n->cancel_until))
        return 0;
    if (creating) {
        /* defaults: book from now (or a day before a past start) until the start, cancel
         * until the booking closes */
        if (!in->has_booking_closes) n->booking_closes = n->starts_at;
        if (!in->has_booking_opens)
            n->booking_opens = now < n->booking_closes ? now : n->booking_closes - 86400;
        if (!in->has_cancel_until) n->cancel_until = n->booking_closes;
    }
    const char *bad = activity_times_bad(n->starts_at, n->ends_at, n->booking_opens,
                                         n->booking_closes, n->cancel_until);
    if (bad) {
        if (!strcmp(bad, "ends_at"))
            return fail(in, "ends_at", T(r, "must be after starts_at, at most 31 days later"));
        if (!strcmp(bad, "booking_closes"))
            return fail(in, "booking_closes", T(r, "must be at or before starts_at"));
        if (!strcmp(bad, "booking_opens"))
            return fail(in, "booking_opens", T(r, "must be before booking_closes"));
        return fail(in, "cancel_until", T(r, "must be at or before starts_at"));
    }
    return 1;
}

/* The caller's first unit where they organise activities, or NULL. */
static const char *own_unit(Req *r)
{
    for (int i = 0; i < r->auth.ngrants; i++)
        if (role_caps(r->auth.grants[i].role) & CAPBIT(CAP_ACTIVITY_WRITE))
            return r->auth.grants[i].org_code;
    return NULL;
}

/* ---- writes ------------------------------------------------------------------------ */

ActResult activity_create(Req *r, ActInput *in, Activity *out)
{
    const char *code = in->org && *in->org ? in->org : own_unit(r);
    if (!code || !valid_code(code)) {
        fail(in, "org", T(r, "is required: the code of the organiser unit"));
        return ACT_INVALID;
    }
    Org o;
    int f = org_load(r->db, r->arena, code, &o);
    if (f < 0) return ACT_ERROR;
    if (!f || !activity_visible(r, o.path)) return ACT_NOT_FOUND;
    if (!activity_organiser(r, o.path)) return ACT_FORBIDDEN;
    int64_t now = now_s();
    Activity n = {.org_id = o.id,
                  .org_code = o.code,
                  .org_name = o.name_zh,
                  .org_name_en = o.name_en,
                  .org_path = o.path,
                  .org_kind = o.kind,
                  .description = "",
                  .place = "",
                  .online_url = "",
                  .audience = "parents",
                  .status = "open",
                  .created_by = r->auth.login};
    if (!check_activity(r, in, &n, 1, now)) return ACT_INVALID;
    char code6[7];
    activity_new_code(code6);
    n.checkin_code = arena_strdup(r->arena, code6);
    if (db_begin(r->db) != DB_OK) return ACT_BUSY;
    DbStmt *s =
        db_q(r->db,
             "INSERT INTO activities(org_id, kind, title, description, place, online_url,"
             " audience, starts_at, ends_at, capacity, booked, booking_opens,"
             " booking_closes, cancel_until, checkin_code, community_resource, status,"
             " created_by, created_at, updated_at)"
             " VALUES (?,?,?,?,?,?,?,?,?,?,0,?,?,?,?,?,'open',?,?,?) RETURNING id",
             "issssssiiiiiisisii", n.org_id, n.kind, n.title, n.description, n.place, n.online_url,
             n.audience, n.starts_at, n.ends_at, n.capacity, n.booking_opens, n.booking_closes,
             n.cancel_until, n.checkin_code, (int64_t)n.community_resource, n.created_by, now, now);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) n.id = db_col_int(s, 0);
    db_done(s);
    n.created_at = n.updated_at = now;
    rc = n.id ? DB_OK : rc;
    if (rc == DB_OK) {
        json_t *after = audit_json(&n);
        rc = audit_log(r->db, r->auth.login, "activity.create", "activity",
                       arena_printf(r->arena, "%lld", (long long)n.id), n.org_path, NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return rc == DB_BUSY ? ACT_BUSY : ACT_ERROR;
    }
    return activity_load(r->db, r->arena, n.id, out) == 1 ? ACT_OK : ACT_ERROR;
}

ActResult activity_update(Req *r, int64_t id, ActInput *in, Activity *out, ActWhy *why)
{
    *why = WHY_NONE;
    Activity old;
    int f = id ? activity_load(r->db, r->arena, id, &old) : 0;
    if (f < 0) return ACT_ERROR;
    if (!f || !activity_visible(r, old.org_path)) return ACT_NOT_FOUND;
    if (!activity_organiser(r, old.org_path)) return ACT_FORBIDDEN;
    *out = old;
    Activity n = old;
    if (!check_activity(r, in, &n, 0, now_s())) return ACT_INVALID;
    if (strcmp(old.status, "open")) {
        *why = WHY_NOT_OPEN;
        return ACT_CONFLICT;
    }
    json_t *before = audit_json(&old), *after = audit_json(&n);
    if (json_equal(before, after)) {
        json_decref(before);
        json_decref(after);
        return ACT_OK;
    }
    int64_t now = now_s(), hit = 0;
    int rc = db_begin(r->db);
    if (rc == DB_OK) {
        DbStmt *s =
            db_q(r->db,
                 "UPDATE activities SET kind = ?, title = ?, description = ?, place = ?,"
                 " online_url = ?, audience = ?, starts_at = ?, ends_at = ?, capacity = ?,"
                 " booking_opens = ?, booking_closes = ?, cancel_until = ?,"
                 " community_resource = ?, updated_at = ?"
                 " WHERE id = ? AND status = 'open' AND booked <= ? RETURNING id",
                 "ssssssiiiiiiiiii", n.kind, n.title, n.description, n.place, n.online_url,
                 n.audience, n.starts_at, n.ends_at, n.capacity, n.booking_opens, n.booking_closes,
                 n.cancel_until, (int64_t)n.community_resource, now, n.id, n.capacity);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK && hit && n.capacity > old.capacity &&
        booking_promote(r->db, r->arena, n.id, n.org_path, r->auth.login, now, &rc) < 0)
        hit = 0;
    if (rc == DB_OK && hit)
        rc = audit_log(r->db, r->auth.login, "activity.update", "activity",
                       arena_printf(r->arena, "%lld", (long long)n.id), n.org_path, before, after);
    json_decref(before);
    json_decref(after);
    if (rc != DB_OK || !hit || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_OK && !hit) {
            Activity now_a;
            if (activity_load(r->db, r->arena, id, &now_a) == 1) *out = now_a;
            *why = strcmp(out->status, "open") ? WHY_NOT_OPEN : WHY_CAPACITY;
            return ACT_CONFLICT;
        }
        return rc == DB_BUSY ? ACT_BUSY : ACT_ERROR;
    }
    return activity_load(r->db, r->arena, n.id, out) == 1 ? ACT_OK : ACT_ERROR;
}

/* ---- API ------------------------------------------------------------------------- */

void activity_send_result(Req *r, ActResult res, const ActInput *in, ActWhy why, const Activity *a)
{
    switch (res) {
    case ACT_OK:
        break;
    case ACT_INVALID:
        req_error(r, 422, "invalid",
                  arena_printf(r->arena, "%s %s", in && in->bad_field ? in->bad_field : "body",
                               in && in->why ? in->why : ""));
        break;
    case ACT_NOT_FOUND:
        req_not_found(r);
        break;
    case ACT_FORBIDDEN:
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        break;
    case ACT_CONFLICT:
        req_error(r, 409, "conflict", activity_why_text(r, why, a));
        break;
    case ACT_BUSY:
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        break;
    default:
        req_error(r, 500, "internal", db_errmsg(r->db));
    }
}

/* Reads a JSON body into in, checking types. 1, or 0 with in's bad_field set. */
static int input_from_json(Req *r, json_t *j, ActInput *in)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        const char *field = arena_strdup(r->arena, key);
        if (!strcmp(key, "capacity")) {
            if (!json_is_integer(v))
                return fail(in, field, T(r, "must be a whole number from 1 to 10000"));
            in->capacity = json_integer_value(v);
            in->has_capacity = 1;
            continue;
        }
        if (!strcmp(key, "community_resource")) {
            if (!json_is_boolean(v)) return fail(in, field, T(r, "must be true or false"));
            in->community_resource = json_is_true(v);
            in->has_community_resource = 1;
            continue;
        }
        if (!json_is_string(v)) return fail(in, field, T(r, "must be a string"));
        const char *sv = arena_strdup(r->arena, json_string_value(v));
        static const struct {
            const char *name;
            size_t text, has;
        } fields[] = {
            {"kind", offsetof(ActInput, kind), offsetof(ActInput, has_kind)},
            {"title", offsetof(ActInput, title), offsetof(ActInput, has_title)},
            {"description", offsetof(ActInput, description), offsetof(ActInput, has_description)},
            {"place", offsetof(ActInput, place), offsetof(ActInput, has_place)},
            {"online_url", offsetof(ActInput, online_url), offsetof(ActInput, has_online_url)},
            {"audience", offsetof(ActInput, audience), offsetof(ActInput, has_audience)},
            {"starts_at", offsetof(ActInput, starts_at), offsetof(ActInput, has_starts_at)},
            {"ends_at", offsetof(ActInput, ends_at), offsetof(ActInput, has_ends_at)},
            {"booking_opens", offsetof(ActInput, booking_opens),
             offsetof(ActInput, has_booking_opens)},
            {"booking_closes", offsetof(ActInput, booking_closes),
             offsetof(ActInput, has_booking_closes)},
            {"cancel_until", offsetof(ActInput, cancel_until),
             offsetof(ActInput, has_cancel_until)},
        };
        if (!strcmp(key, "org")) {
            in->org = sv;
            continue;
        }
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            if (!strcmp(key, fields[i].name)) {
                *(const char **)((char *)in + fields[i].text) = sv;
                *(int *)((char *)in + fields[i].has) = 1;
            }
    }
    return 1;
}

static const char *const create_fields[] = {"org",
                                            "kind",
                                            "title",
                                            "description",
                                            "place",
                                            "online_url",
                                            "audience",
                                            "starts_at",
                                            "ends_at",
                                            "capacity",
                                            "booking_opens",
                                            "booking_closes",
                                            "cancel_until",
                                            "community_resource",
                                            NULL};

void activity_api_create(Req *r)
{
    json_t *j = req_json_object(r, create_fields);
    if (!j) return;
    ActInput in = {0};
    Activity a;
    int ok = input_from_json(r, j, &in);
    json_decref(j);
    ActResult res = ok ? activity_create(r, &in, &a) : ACT_INVALID;
    if (res != ACT_OK) {
        activity_send_result(r, res, &in, WHY_NONE, NULL);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/activities/%lld", (long long)a.id));
    req_send_json(r, 201, activity_json(&a, 1));
}

void activity_api_patch(Req *r)
{
    json_t *j = req_json_object(r, create_fields + 1);
    if (!j) return;
    ActInput in = {0};
    Activity a = {0};
    ActWhy why = WHY_NONE;
    int ok = input_from_json(r, j, &in);
    json_decref(j);
    int64_t id = activity_id_param(r);
    if (!ok) {
        /* a bad field of an activity out of reach must not tell that it exists */
        Activity chk;
        if (!id || activity_load(r->db, r->arena, id, &chk) != 1 ||
            !activity_visible(r, chk.org_path)) {
            req_not_found(r);
            return;
        }
        if (!activity_organiser(r, chk.org_path)) {
            activity_send_result(r, ACT_FORBIDDEN, &in, why, &chk);
            return;
        }
    }
    ActResult res = ok ? activity_update(r, id, &in, &a, &why) : ACT_INVALID;
    if (res != ACT_OK) {
        activity_send_result(r, res, &in, why, &a);
        return;
    }
    req_send_json(r, 200, activity_json(&a, 1));
}

/* The caller's booking of the activity as JSON, or null. */
static json_t *my_booking_json(Req *r, const Activity *a)
{
    Booking b;
    if (booking_find(r->db, r->arena, a->id, r->auth.user_id, &b) != 1) return json_null();
    return booking_json(&b, NULL);
}

void activity_api_get(Req *r)
{
    Activity a;
    if (!activity_load_visible(r, &a)) return;
    json_t *j = activity_json(&a, activity_organiser(r, a.org_path));
    json_object_set_new(j, "my_booking", my_booking_json(r, &a));
    req_send_json(r, 200, j);
}

/* Loads the activity of the path for an organiser's action: 1, or 0 with 404 /
 * 403 sent. A non-empty body must be an empty JSON object. */
static int load_for_organiser(Req *r, Activity *a)
{
    if (r->body.len) {
        static const char *const none[] = {NULL};
        json_t *j = req_json_object(r, none);
        if (!j) return 0;
        json_decref(j);
    }
    if (!activity_load_visible(r, a)) return 0;
    if (!activity_organiser(r, a->org_path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return 0;
    }
    return 1;
}

void activity_api_cancel(Req *r)
{
    Activity a;
    if (!load_for_organiser(r, &a)) return;
    ActWhy why = WHY_NONE;
    ActResult res = activity_cancel(r->db, r->arena, &a, r->auth.login, now_s(), &why);
    if (res != ACT_OK) {
        activity_send_result(r, res, NULL, why, &a);
        return;
    }
    if (activity_load(r->db, r->arena, a.id, &a) != 1) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    req_send_json(r, 200, activity_json(&a, 1));
}

void activity_api_close(Req *r)
{
    Activity a;
    if (!load_for_organiser(r, &a)) return;
    ActWhy why = WHY_NONE;
    ActResult res = activity_close(r->db, r->arena, &a, r->auth.login, now_s(), &why);
    if (res != ACT_OK) {
        activity_send_result(r, res, NULL, why, &a);
        return;
    }
    if (activity_load(r->db, r->arena, a.id, &a) != 1) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    req_send_json(r, 200, activity_json(&a, 1));
}

/* The list filter, from the query. 1, or 0 with a 400/404 sent. */
typedef struct ActFilter {
    const char *org_path, *kind, *status, *audience;
    int64_t from, to, open_now, cur_t, cur_id, has_cursor, limit;
} ActFilter;

static int filter_from_query(Req *r, ActFilter *f)
{
    memset(f, 0, sizeof *f);
    f->limit = 50;
    const char *org = req_query(r, "org"), *kind = req_query(r, "kind"),
               *st = req_query(r, "status"), *aud = req_query(r, "audience"),
               *from = req_query(r, "from"), *to = req_query(r, "to"), *open = req_query(r, "open"),
               *lim = req_query(r, "limit"), *cur = req_query(r, "cursor");
    const char *why = NULL;
    if (lim && *lim && !parse_int(lim, 1, 500, &f->limit))
        why = T(r, "limit must be a whole number from 1 to 500.");
    else if (kind && *kind && !activity_kind_ok(kind))
        why = T(r, "kind must be one of parent_class, guidance_day, culture_day, "
                   "volunteer_service, study_tour, training.");
    else if (st && *st && !in_list(activity_statuses, st))
        why = T(r, "status must be one of open, done, cancelled.");
    else if (aud && *aud && !activity_audience_ok(aud))
        why = T(r, "audience must be one of parents, volunteers, all.");
    else if (from && *from && !activity_parse_time(from, &f->from))
        why = T(r, "from must be a date and time written YYYY-MM-DDTHH:MM.");
    else if (to && *to && !activity_parse_time(to, &f->to))
        why = T(r, "to must be a date and time written YYYY-MM-DDTHH:MM.");
    else if (open && *open && strcmp(open, "1") && strcmp(open, "0"))
        why = T(r, "open must be 1 or 0.");
    else if (org && *org && !valid_code(org))
        why = T(r, "org must be an organisation code.");
    else if (cur && *cur) {
        long long t, id;
        char extra;
        if (sscanf(cur, "%lld.%lld%c", &t, &id, &extra) != 2 || id < 1)
            why = T(r, "cursor is not valid.");
        f->cur_t = t;
        f->cur_id = id;
        f->has_cursor = 1;
    }
    if (why) {
        req_error(r, 400, "bad_param", why);
        return 0;
    }
    f->kind = kind && *kind ? kind : NULL;
    f->status = st && *st ? st : NULL;
    f->audience = aud && *aud ? aud : NULL;
    f->open_now = open && !strcmp(open, "1");
    if (org && *org) {
        Org o;
        int found = org_load(r->db, r->arena, org, &o);
        if (found != 1 || !activity_visible(r, o.path)) {
            req_not_found(r);
            return 0;
        }
        f->org_path = o.path;
    }
    return 1;
}

void activity_api_list(Req *r)
{
    ActFilter f;
    if (!filter_from_query(r, &f)) return;
    int64_t now = now_s();
    DbStmt *s = db_q(
        r->db,
        "SELECT " ACTIVITY_COLS " FROM activities a JOIN orgs o ON o.id = a.org_id"
        " WHERE " NEAR_SQL(
            "a.org_id") " AND (CAST(? AS TEXT) IS NULL OR substr(o.path, 1,"
                        " length(CAST(? AS TEXT))) = ?)"
                        " AND (CAST(? AS TEXT) IS NULL OR a.kind = ?)"
                        " AND (CAST(? AS TEXT) IS NULL OR a.status = ?)"
                        " AND (CAST(? AS TEXT) IS NULL OR a.audience = ?)"
                        " AND (CAST(? AS BIGINT) = 0 OR a.starts_at >= ?)"
                        " AND (CAST(? AS BIGINT) = 0 OR a.starts_at < ?)"
                        " AND (CAST(? AS BIGINT) = 0 OR (a.status = 'open' AND a.booking_opens <= ?"
                        " AND a.booking_closes > ?))"
                        " AND (CAST(? AS BIGINT) = 0 OR a.starts_at > ? OR (a.starts_at = ? AND "
                        "a.id > ?))"
                        " ORDER BY a.starts_at, a.id LIMIT ?",
        "issssssssssiiiiiiiiiiii", REACH_ARGS(r, CAP_ACTIVITY_BOOK), f.org_path, f.org_path,
        f.org_path, f.kind, f.kind, f.status, f.status, f.audience, f.audience, f.from, f.from,
        f.to, f.to, f.open_now, now, now, f.has_cursor, f.cur_t, f.cur_t, f.cur_id, f.limit + 1);
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0;
    Activity last = {0};
    while (db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        Activity a;
        activity_row(s, r->arena, &a);
        json_array_append_new(items, activity_json(&a, activity_organiser(r, a.org_path)));
        last = a;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(
        out, "next_cursor",
        more ? json_string(arena_printf(r->arena, "%lld.%lld", (long long)last.starts_at,
                                        (long long)last.id))
             : json_null());
    req_send_json(r, 200, out);
}

/* The pages' and the phone's list (activity.h). */
DbStmt *activity_list_query(Req *r, const char *org_path, const char *status, int open_now,
                            int64_t from, int64_t limit)
{
    int64_t now = now_s();
    return db_q(
        r->db,
        "SELECT " ACTIVITY_COLS " FROM activities a JOIN orgs o ON o.id = a.org_id"
        " WHERE " NEAR_SQL(
            "a.org_id") " AND (CAST(? AS TEXT) IS NULL OR substr(o.path,"
                        " 1, length(CAST(? AS TEXT))) = ?)"
                        " AND (CAST(? AS TEXT) IS NULL OR a.status = ?)"
                        " AND (CAST(? AS BIGINT) = 0 OR a.starts_at >= ?)"
                        " AND (CAST(? AS BIGINT) = 0 OR (a.status = 'open' AND a.booking_opens <= ?"
                        " AND a.booking_closes > ?))"
                        " ORDER BY a.starts_at, a.id LIMIT ?",
        "issssssiiiiii", REACH_ARGS(r, CAP_ACTIVITY_BOOK), org_path, org_path, org_path, status,
        status, from, from, (int64_t)open_now, now, now, limit);
}

void activity_list_row(DbStmt *s, Arena *a, Activity *x)
{
    activity_row(s, a, x);
}
