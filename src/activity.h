/* activity.h — capability 12: home–school–community activities (家校社协同活动)
 * with booking, and the parents' phone pages; the online parent school is in
 * course.h.
 *
 * An activity (parent class, family-education guidance day, community culture
 * day, volunteer service, study tour, training) belongs to one organiser unit
 * and is managed by activity.write reaching that unit. It has a capacity, an
 * audience (parents, volunteers or all), a booking window (opens < closes ≤
 * starts), a cancellation deadline (≤ starts) and a random six-character
 * check-in code shown only to its organisers. Status: open → done (closed after
 * it started: attendance is fixed) or open → cancelled.
 *
 * "Near" (who sees an activity): a holder of activity.book sees an activity
 * when its organiser unit is an ancestor-or-self of, or inside, a unit they
 * hold such a grant at. A parent of 6531210001 sees the activities of the
 * school, of 653121 疏附县, of 653100 喀什地区 and of the region 650000, and
 * none of another county's schools; a county official sees the county's, its
 * schools', the prefecture's and the region's. Anything else answers 404.
 *
 * Booking (activity_booking.c). The caller books for themself, when the
 * audience fits their role (a parent grant for "parents", a volunteer grant for
 * "volunteers"), inside the window. A seat is taken with ONE conditional UPDATE
 * (booked = booked + 1 WHERE booked < capacity AND status = 'open'): one row
 * changed is a seat (status booked), none puts the booking on the waiting list.
 * Every booking write holds the activity's row first (that UPDATE, or a no-op
 * one), so bookings.arrival = MAX(arrival) + 1 of the activity is a per-activity
 * counter in arrival order, also across server processes on PostgreSQL. A
 * booked seat freed by a cancellation (until cancel_until) promotes the first
 * waiting booking in the same transaction, so `booked` always equals the seats
 * held (booked + attended). One booking row per person and activity: booking
 * again after a cancellation reuses the row with a new arrival.
 *
 * Check-in: the participant enters the activity's code from their phone during
 * the activity ± 1 h, or an organiser checks a booking in from the list (from
 * one hour before the start until the activity is closed); time and by whom are
 * recorded.
 *
 * Figures (activity_feed.c, through feed.h, in the transaction of the write):
 *   activities_held, activities_low_participation — per organiser unit and month
 *     of the start (Asia/Shanghai): done activities, and those of them whose
 *     attended / capacity is under 60 %; recomputed at close;
 *   parent_households_participating, families_guided — per school and month: the
 *     parent accounts (one account = one household) holding a parent grant at the
 *     school whose first attended activity of the year (a guidance_day for
 *     families_guided) starts in that month; recomputed at check-in;
 *   community_resources_used — per county and year: the done activities flagged
 *     community_resource organised by the county or a unit inside it (each such
 *     activity is one use of a community education resource); recomputed at close.
 *
 * Files: activity_rules.c (the pure rules, times, labels), activity.c (access,
 * validation, the store, the activities API), activity_booking.c
 * (bookings, cancellation, check-in, close), activity_feed.c (figures),
 * activity_page.c (organisers' pages, attendance in Excel), mobile.c (phone
 * pages), activity_demo.c and activity_demo_write.c (demo records). */
#ifndef HUIJU_ACTIVITY_H
#define HUIJU_ACTIVITY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"

typedef struct Activity {
    int64_t id, org_id;
    const char *org_code, *org_name, *org_name_en, *org_path, *org_kind;
    const char *kind, *title, *description, *place, *online_url, *audience, *checkin_code, *status,
        *created_by;
    int64_t starts_at, ends_at, booking_opens, booking_closes, cancel_until, created_at, updated_at;
    int64_t capacity, booked, waiting, attended;
    int community_resource;
} Activity;

typedef struct Booking {
    int64_t id, activity_id, user_id, arrival, created_at, updated_at, cancelled_at, checked_in_at;
    const char *status, *login, *name, *checked_in_by;
    int64_t position; /* place on the waiting list (1 first), 0 when not waiting */
} Booking;

/* ---- pure logic (tests/unit/test_activity.c) ---- */

extern const char *const activity_kinds[];     /* NULL-terminated, display order */
extern const char *const activity_audiences[]; /* parents, volunteers, all */
extern const char *const activity_statuses[];  /* open, cancelled, done */
int activity_kind_ok(const char *s);
int activity_audience_ok(const char *s);

/* Checks the times of an activity: ends after starts (at most 31 days later),
 * booking_opens < booking_closes ≤ starts_at, cancel_until ≤ starts_at. NULL
 * when fine, else the name of the first bad field (static text). */
const char *activity_times_bad(int64_t starts, int64_t ends, int64_t opens, int64_t closes,
                               int64_t cancel_until);

typedef enum { WINDOW_OPEN, WINDOW_NOT_YET, WINDOW_CLOSED } BookWindow;
/* Where `now` lies against the booking window [booking_opens, booking_closes). */
BookWindow activity_window(const Activity *a, int64_t now);
/* Whether a booking may still be cancelled at `now` (now ≤ cancel_until). */
int activity_may_cancel(const Activity *a, int64_t now);
/* Whether a check-in at `now` is in time: a participant from one hour before
 * the start to one hour after the end; an organiser from one hour before the
 * start on (until the activity is closed). */
int activity_checkin_time_ok(const Activity *a, int64_t now, int organiser);
/* Whether a done activity counts as low participation: attended < 60 % of capacity. */
int activity_low_participation(int64_t attended, int64_t capacity);
/* The share of low-participation activities in percent; -1 when none were held. */
double activity_low_share(int64_t low, int64_t held);
/* Whether an activity of the unit with path org_path is near a grant at the unit
 * with path grant_path: one of them is an ancestor-or-self of the other. */
int activity_near(const char *org_path, const char *grant_path);

/* Times are seconds since 1970; activities are planned in Asia/Shanghai (UTC+8).
 * Parses "YYYY-MM-DDTHH:MM[:SS[.fff]]" (or a space for T), with "Z" or ±HH:MM,
 * else Asia/Shanghai; years 2000–2100. 1 and *out, or 0. */
int activity_parse_time(const char *s, int64_t *out);
/* "2026-12-05T14:00:00+08:00" (arena text). */
char *activity_time_text(Arena *a, int64_t t);
/* "2026-12-05T14:00" in Asia/Shanghai, for <input type=datetime-local> (arena text). */
char *activity_time_input(Arena *a, int64_t t);
/* The local time of (y, mon 1–12, d, h, mi) in Asia/Shanghai as seconds since 1970. */
int64_t activity_local_time(int y, int mon, int d, int h, int mi);
/* The Asia/Shanghai month holding t: its year, month (1–12) and [from, to). */
void activity_month_of(int64_t t, int *year, int *month, int64_t *from, int64_t *to);
/* A new random check-in code: 6 characters of A–Z and 2–9 without look-alikes. */
void activity_new_code(char out[7]);

/* ---- the store ---- */

/* Loads activity `id` with its organiser and its counts (strings in a).
 * 1 found, 0 not, -1 error. */
int activity_load(Db *db, Arena *a, int64_t id, Activity *out);
/* The activity as the API shows it (new reference); the check-in code only when
 * with_code. */
json_t *activity_json(const Activity *a, int with_code);

typedef enum {
    ACT_OK,
    ACT_INVALID,   /* 422: bad_field and why */
    ACT_NOT_FOUND, /* 404: missing or out of reach */
    ACT_FORBIDDEN, /* 403 */
    ACT_CONFLICT,  /* 409: why names the state and what is allowed */
    ACT_BUSY,      /* 503: retry */
    ACT_ERROR      /* 503: a database error (logged) */
} ActResult;

/* Why a booking operation was refused with ACT_CONFLICT. */
typedef enum {
    WHY_NONE,
    WHY_NOT_OPEN,    /* the activity is cancelled or done */
    WHY_NOT_YET,     /* booking has not opened yet */
    WHY_CLOSED,      /* booking has closed */
    WHY_ALREADY,     /* the person has a live booking */
    WHY_DEADLINE,    /* past cancel_until */
    WHY_STATUS,      /* the booking is not in a status that allows it */
    WHY_WAITING,     /* check-in of a booking still on the waiting list */
    WHY_TIME,        /* check-in outside the time allowed */
    WHY_ATTENDED,    /* cancelling an activity people have checked in to */
    WHY_NOT_STARTED, /* closing an activity before its start */
    WHY_RACE,        /* changed meanwhile */
    WHY_CAPACITY     /* capacity below the seats held */
} ActWhy;

/* The reason in words (translated). */
const char *activity_why_text(Req *r, ActWhy why, const Activity *a);

/* What a create or a patch carries; has_ flags say which fields were given.
 * Times and numbers arrive as text from forms, as values from JSON. */
typedef struct ActInput {
    const char *org, *kind, *title, *description, *place, *online_url, *audience;
    const char *starts_at, *ends_at, *booking_opens, *booking_closes, *cancel_until;
    const char *capacity_text;
    int64_t capacity;
    int community_resource;
    int has_kind, has_title, has_description, has_place, has_online_url, has_audience,
        has_starts_at, has_ends_at, has_booking_opens, has_booking_closes, has_cancel_until,
        has_capacity, has_community_resource;
    const char *bad_field, *why;
} ActInput;

/* Creates an activity for the caller (activity.write reaching the organiser
 * unit `in->org`, default the caller's first unit with it); audited. */
ActResult activity_create(Req *r, ActInput *in, Activity *out);
/* Changes the given fields of an open activity; a larger capacity promotes the
 * waiting list in order. On ACT_CONFLICT *why is set. */
ActResult activity_update(Req *r, int64_t id, ActInput *in, Activity *out, ActWhy *why);
/* The id in the path ({id}); 0 when not a positive integer. */
int64_t activity_id_param(Req *r);

/* Whether the caller sees activities of the unit with this path (the near rule). */
int activity_visible(Req *r, const char *org_path);
/* Whether the caller organises them (activity.write reaching the unit). */
int activity_organiser(Req *r, const char *org_path);
/* The SQL condition of the near rule on the organiser-id column `col` (the ids
 * of the units near the caller's grants); binds REACH_ARGS(r, CAP_ACTIVITY_BOOK). */
#define NEAR_SQL(col)                                                                              \
    col " IN (SELECT no.id FROM grants g JOIN orgs go ON go.id = g.org_id"                         \
        " JOIN role_caps rc ON rc.role = g.role JOIN orgs no ON"                                   \
        " (substr(no.path, 1, length(go.path)) = go.path"                                          \
        " OR substr(go.path, 1, length(no.path)) = no.path) WHERE g.user_id = ? AND rc.cap = ?)"

/* The near activities in start order: under org_path (NULL: all), of a status
 * (NULL: any), bookable now (open_now), starting at or after `from` (0: any);
 * at most limit rows. Read them with activity_list_row(). NULL on error. */
DbStmt *activity_list_query(Req *r, const char *org_path, const char *status, int open_now,
                            int64_t from, int64_t limit);
void activity_list_row(DbStmt *s, Arena *a, Activity *x);

/* Whether the caller's role fits the audience (a parent grant for "parents", a
 * volunteer grant for "volunteers", anyone for "all"). */
int activity_audience_fits(Req *r, const char *audience);
/* Loads an activity for a handler: 1, or 0 with 404 sent (missing, not near). */
int activity_load_visible(Req *r, Activity *a);
/* Sends the result of an operation (422, 404, 403, 409 with why, 503). */
void activity_send_result(Req *r, ActResult res, const ActInput *in, ActWhy why, const Activity *a);

/* ---- bookings (activity_booking.c) ---- */

/* Books activity a for user_id (the caller has checked visibility and the
 * audience); audited as actor. ACT_OK with *out (booked or waiting), or
 * ACT_CONFLICT (*why: WHY_NOT_OPEN, WHY_NOT_YET, WHY_CLOSED, WHY_ALREADY with
 * *out the live booking), ACT_BUSY, ACT_ERROR. */
ActResult booking_book(Db *db, Arena *ar, const Activity *a, int64_t user_id, const char *actor,
                       int64_t now, Booking *out, ActWhy *why);
/* Cancels booking_id (owner_id: the only person allowed; 0 for anyone); a freed
 * seat goes to the first waiting booking. ACT_OK with *out, ACT_NOT_FOUND,
 * ACT_CONFLICT (WHY_STATUS, WHY_NOT_OPEN, WHY_DEADLINE), ACT_BUSY, ACT_ERROR. */
ActResult booking_cancel(Db *db, Arena *ar, int64_t booking_id, int64_t owner_id, const char *actor,
                         int64_t now, Booking *out, ActWhy *why);
/* Checks booking_id in (booked → attended) and feeds the participation figures.
 * organiser: the organisers' time rule applies. ACT_OK, ACT_NOT_FOUND,
 * ACT_CONFLICT (WHY_NOT_OPEN, WHY_WAITING, WHY_STATUS, WHY_TIME), ACT_BUSY,
 * ACT_ERROR. */
ActResult booking_checkin(Db *db, Arena *ar, int64_t booking_id, int organiser, const char *actor,
                          int64_t now, Booking *out, ActWhy *why);
/* Closes an open activity that has started (→ done) and feeds its figures. */
ActResult activity_close(Db *db, Arena *ar, const Activity *a, const char *actor, int64_t now,
                         ActWhy *why);
/* Cancels an open activity nobody has checked in to; its bookings are cancelled. */
ActResult activity_cancel(Db *db, Arena *ar, const Activity *a, const char *actor, int64_t now,
                          ActWhy *why);
/* Moves waiting bookings of the activity to booked while seats are free (in
 * arrival order), inside the caller's transaction which holds the activity's
 * row. The number promoted, or -1 (DB error code in *rc). */
int booking_promote(Db *db, Arena *ar, int64_t activity_id, const char *org_path, const char *actor,
                    int64_t now, int *rc);
/* Loads booking id with its person and waiting position. 1, 0, -1. */
int booking_load(Db *db, Arena *a, int64_t id, Booking *out);
/* The live or last booking of user_id for the activity. 1, 0, -1. */
int booking_find(Db *db, Arena *a, int64_t activity_id, int64_t user_id, Booking *out);
/* The booking as the API shows it (new reference); with the activity when a. */
json_t *booking_json(const Booking *b, const Activity *a);
/* Reads a booking row of BOOKING_COLS (see activity_booking.c). */
void booking_row(DbStmt *s, Arena *a, Booking *b);
/* The columns booking_row reads, from bookings b JOIN users u. */
#define BOOKING_COLS                                                                               \
    "b.id, b.activity_id, b.user_id, b.status, b.arrival, b.created_at, b.updated_at,"             \
    " b.cancelled_at, b.checked_in_at, b.checked_in_by, u.login, u.name,"                          \
    " CASE WHEN b.status = 'waiting' THEN (SELECT count(*) FROM bookings w"                        \
    " WHERE w.activity_id = b.activity_id AND w.status = 'waiting' AND w.arrival <= b.arrival)"    \
    " ELSE 0 END"

/* ---- figures (activity_feed.c) ---- */

/* Recomputes activities_held and activities_low_participation of the activity's
 * unit and month, and community_resources_used of its county and year. In the
 * caller's transaction; 0 or a DB error code. */
int activity_feed_close(Db *db, const char *actor, const Activity *a);
/* Recomputes the participation cells a new attendance of user_id at activity a
 * changes: prev_first / prev_guided are the user's first attended start of the
 * year before it (any activity / guidance days; 0 for none). 0 or a DB code. */
int activity_feed_checkin(Db *db, const char *actor, const Activity *a, int64_t user_id,
                          int64_t prev_first, int64_t prev_guided);
/* The user's first attended start in [from, to) (guidance days only when
 * guided); 0 when none, -1 on error. */
int64_t activity_first_attended(Db *db, int64_t user_id, int64_t from, int64_t to, int guided);
/* The participation figure of a school for a month: parent accounts of the
 * school whose first attended activity of the year (guidance day when guided)
 * starts in [from, to); year bounds [yfrom, yto). -1 on error. */
int64_t activity_households_count(Db *db, int64_t school_id, int64_t yfrom, int64_t yto,
                                  int64_t from, int64_t to, int guided);
/* One figure to write: feed_cells writes the ones whose indicator exists. */
typedef struct FeedCell {
    int64_t org_id;
    const char *code;
    char period[12];
    double value;
} FeedCell;
/* Writes the cells through one FeedBatch (action, object key, org path for the
 * audit record); cells of indicators missing from the catalogue are skipped.
 * 0 or a DB error code. */
int feed_cells(Db *db, const char *actor, const FeedCell *cells, int n, const char *action,
               const char *key, const char *org_path);

/* ---- the demo (activity_demo.c) ---- */

/* A year of activities per school and county and the bookings of demo parent
 * accounts matching the demo's participation story (demo_values.h), upcoming
 * activities (parent and parent2 booked, one waiting), 200+ micro-courses of the
 * last year and their views; the figures fed. Its own transaction. 0, or 1 with
 * err set. */
int activity_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);

/* ---- handlers ---- */

void activity_api_list(Req *r);     /* GET /api/v1/activities */
void activity_api_create(Req *r);   /* POST /api/v1/activities */
void activity_api_get(Req *r);      /* GET /api/v1/activities/{id} */
void activity_api_patch(Req *r);    /* PATCH /api/v1/activities/{id} */
void activity_api_cancel(Req *r);   /* POST /api/v1/activities/{id}/cancel */
void activity_api_close(Req *r);    /* POST /api/v1/activities/{id}/close */
void activity_api_checkin(Req *r);  /* POST /api/v1/activities/{id}/checkin {code} */
void activity_api_bookings(Req *r); /* GET /api/v1/activities/{id}/bookings */
void booking_api_create(Req *r);    /* POST /api/v1/activities/{id}/bookings */
void booking_api_mine(Req *r);      /* GET /api/v1/bookings */
void booking_api_cancel(Req *r);    /* POST /api/v1/bookings/{id}/cancel */
void booking_api_checkin(Req *r);   /* POST /api/v1/bookings/{id}/checkin */

void activity_page_index(Req *r);   /* GET /activities */
void activity_page_new(Req *r);     /* GET /activities/new */
void activity_page_create(Req *r);  /* POST /activities */
void activity_page_show(Req *r);    /* GET /activities/{id} */
void activity_page_checkin(Req *r); /* POST /activities/{id}/checkin */
void activity_page_close(Req *r);   /* POST /activities/{id}/close */
void activity_page_cancel(Req *r);  /* POST /activities/{id}/cancel */
void activity_xlsx_one(Req *r);     /* GET /activities/{id}/attendance.xlsx */
void activity_xlsx_summary(Req *r); /* GET /activities/attendance.xlsx?org=&year= */

void mobile_home(Req *r);       /* GET /m */
void mobile_activities(Req *r); /* GET /m/activities */
void mobile_activity(Req *r);   /* GET /m/activities/{id} */
void mobile_book(Req *r);       /* POST /m/activities/{id}/book */
void mobile_bookings(Req *r);   /* GET /m/bookings */
void mobile_cancel(Req *r);     /* POST /m/bookings/{id}/cancel */
void mobile_checkin(Req *r);    /* POST /m/checkin */
void mobile_courses(Req *r);    /* GET /m/courses */

/* Labels in the request's language (static text). */
const char *activity_kind_label(Req *r, const char *kind);
const char *activity_audience_label(Req *r, const char *audience);
const char *activity_status_label(Req *r, const char *status);
const char *booking_status_label(Req *r, const char *status);
/* The organiser unit's name in the request's language. */
const char *activity_org_name(Req *r, const Activity *a);

#endif
