/* mobile.c — the phone pages of parents and volunteers (see activity.h): the
 * home page /m (next bookings, activities near them, links to hours and points
 * for volunteers and to the parent school), the activities open for booking,
 * one activity with book / cancel / check-in, my bookings with my place on the
 * waiting list, and the courses with my viewing history. Small pages without
 * JavaScript, made for 375 px. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "activity.h"
#include "core/util.h"
#include "course.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* Whether the caller holds a grant of this role. */
static int has_role(Req *r, Role role)
{
    for (int i = 0; i < r->auth.ngrants; i++)
        if (r->auth.grants[i].role == role) return 1;
    return 0;
}

/* The notice after a redirect (?done=…). */
static void done_notice(Req *r)
{
    const char *d = req_query(r, "done");
    if (!d) return;
    if (!strcmp(d, "booked")) page_notice(r, "ok", T(r, "Booked: your seat is kept."));
    if (!strcmp(d, "waiting"))
        page_notice(r, "ok",
                    T(r, "The activity is full: you are on the waiting list and move up "
                         "when a seat is freed."));
    if (!strcmp(d, "cancelled")) page_notice(r, "ok", T(r, "Your booking is cancelled."));
    if (!strcmp(d, "checked")) page_notice(r, "ok", T(r, "Checked in. Welcome!"));
}

static void booking_tag(Req *r, const Booking *b)
{
    hf(r, "<span class=\"tag bk-%s\">%s", b->status, booking_status_label(r, b->status));
    if (b->position) hf(r, " · %s %lld", T(r, "position"), (long long)b->position);
    H(r, "</span>");
}

/* One activity as a line of a phone list; with a cancel button when `cancel`. */
static void activity_item(Req *r, const Activity *a, const Booking *b, int cancel)
{
    hf(r, "<li><a href=\"/m/activities/%lld\"><b>%s</b></a><small class=meta>%s · %s</small>",
       (long long)a->id, a->title, fmt_time(r->arena, a->starts_at),
       *a->place ? a->place : T(r, "online"));
    hf(r, "<small class=meta>%s · %s</small>", activity_org_name(r, a),
       activity_kind_label(r, a->kind));
    if (b) {
        booking_tag(r, b);
    } else if (a->booked < a->capacity) {
        hf(r, "<span class=\"tag m-seats\">%s %lld</span>", T(r, "seats left"),
           (long long)(a->capacity - a->booked));
    } else {
        hf(r, "<span class=\"tag m-full\">%s", T(r, "full"));
        if (a->waiting) hf(r, " · %lld %s", (long long)a->waiting, T(r, "waiting"));
        H(r, "</span>");
    }
    if (cancel && b) {
        hf(r, "<form method=post action=\"/m/bookings/%lld/cancel\">", (long long)b->id);
        form_csrf(r);
        hf(r, "<button class=secondary>%s</button></form>", T(r, "Cancel my booking"));
    }
    H(r, "</li>");
}

/* The check-in form for an activity (the code shown at the venue). */
static void checkin_form(Req *r, const Activity *a)
{
    H(r, "<form method=post action=\"/m/checkin\" class=\"card m-checkin\">");
    form_csrf(r);
    hf(r,
       "<input type=hidden name=activity value=\"%lld\"><label>%s<input name=code required "
       "maxlength=12 autocomplete=off autocapitalize=characters placeholder=\"ABC234\"></label>"
       "<button>%s</button></form>",
       (long long)a->id, T(r, "Check-in code shown at the activity"), T(r, "Check in"));
}

/* The caller's live bookings of activities not yet over, soonest first (at most
 * max); their activities in acts. Returns how many. */
static int next_bookings(Req *r, Booking *bk, Activity *acts, int max, int live_only)
{
    DbStmt *s = db_q(r->db,
                     "SELECT " BOOKING_COLS " FROM bookings b JOIN users u ON u.id = b.user_id"
                     " JOIN activities a ON a.id = b.activity_id WHERE b.user_id = ?"
                     " AND (CAST(? AS BIGINT) = 0 OR (b.status IN ('booked', 'waiting', 'attended')"
                     " AND a.status = 'open' AND a.ends_at + 3600 >= ?))"
                     " ORDER BY CASE WHEN a.ends_at + 3600 >= ? THEN 0 ELSE 1 END,"
                     " CASE WHEN a.ends_at + 3600 >= ? THEN a.starts_at ELSE -a.starts_at END"
                     " LIMIT ?",
                     "iiiiii", r->auth.user_id, (int64_t)live_only, now_s(), now_s(), now_s(),
                     (int64_t)max);
    int n = 0;
    while (s && n < max && db_step(s) == DB_ROW)
        booking_row(s, r->arena, &bk[n++]);
    db_done(s);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (activity_load(r->db, r->arena, bk[i].activity_id, &acts[k]) == 1) bk[k++] = bk[i];
    return k;
}

/* Activities near the caller that are open for booking and fit their role. */
static int bookable(Req *r, Activity *out, int max)
{
    DbStmt *s = activity_list_query(r, NULL, "open", 1, 0, 200);
    int n = 0;
    while (s && n < max && db_step(s) == DB_ROW) {
        activity_list_row(s, r->arena, &out[n]);
        if (activity_audience_fits(r, out[n].audience)) n++;
    }
    db_done(s);
    return n;
}

void mobile_home(Req *r)
{
    page_begin(r, T(r, "My phone page"));
    hf(r, "<h1 class=m-title>%s</h1>", r->auth.name);
    done_notice(r);
    Booking bk[5];
    Activity acts[5];
    int n = next_bookings(r, bk, acts, 5, 1);
    hf(r, "<h2>%s</h2>", T(r, "My next bookings"));
    if (n) {
        H(r, "<ul class=m-list>");
        for (int i = 0; i < n; i++)
            activity_item(r, &acts[i], &bk[i], 0);
        H(r, "</ul>");
        for (int i = 0; i < n; i++)
            if (!strcmp(bk[i].status, "booked") && activity_checkin_time_ok(&acts[i], now_s(), 0)) {
                hf(r, "<h2>%s: %s</h2>", T(r, "Check in now"), acts[i].title);
                checkin_form(r, &acts[i]);
            }
    } else {
        hf(r, "<p class=empty>%s</p>", T(r, "You have no bookings yet."));
    }
    Activity near[5];
    int m = bookable(r, near, 5);
    hf(r, "<h2>%s</h2>", T(r, "Open for booking near you"));
    if (m) {
        H(r, "<ul class=m-list>");
        for (int i = 0; i < m; i++) {
            Booking b;
            int have = booking_find(r->db, r->arena, near[i].id, r->auth.user_id, &b) == 1 &&
                       strcmp(b.status, "cancelled");
            activity_item(r, &near[i], have ? &b : NULL, 0);
        }
        H(r, "</ul>");
    } else {
        hf(r, "<p class=empty>%s</p>", T(r, "Nothing is open for booking near you just now."));
    }
    H(r, "<ul class=\"m-links\">");
    hf(r, "<li><a href=\"/m/activities\">%s</a></li>", T(r, "All activities open for booking"));
    hf(r, "<li><a href=\"/m/bookings\">%s</a></li>", T(r, "My bookings"));
    hf(r, "<li><a href=\"/m/courses\">%s</a></li>", T(r, "Online parent school"));
    if (has_role(r, ROLE_VOLUNTEER)) {
        hf(r, "<li><a href=\"/m/hours\">%s</a></li>", T(r, "My service hours"));
        hf(r, "<li><a href=\"/m/points\">%s</a></li>", T(r, "My points"));
    }
    H(r, "</ul>");
    page_end(r);
}

void mobile_activities(Req *r)
{
    page_begin(r, T(r, "Activities near you"));
    hf(r, "<nav class=crumbs><a href=\"/m\">%s</a></nav><h1>%s</h1>", T(r, "My phone page"),
       T(r, "Open for booking near you"));
    Activity *list = arena_alloc(r->arena, sizeof *list * 100);
    int n = bookable(r, list, 100);
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "Nothing is open for booking near you just now."));
    H(r, "<ul class=m-list>");
    for (int i = 0; i < n; i++) {
        Booking b;
        int have = booking_find(r->db, r->arena, list[i].id, r->auth.user_id, &b) == 1 &&
                   strcmp(b.status, "cancelled");
        activity_item(r, &list[i], have ? &b : NULL, 0);
    }
    H(r, "</ul>");
    page_end(r);
}

/* One activity for its participant, with the actions open to them; status and
 * notice for a refused action. */
static void show(Req *r, const Activity *a, int status, const char *notice)
{
    page_begin(r, a->title);
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/m\">%s</a> › <a href=\"/m/activities\">%s</a></nav>",
       T(r, "My phone page"), T(r, "Activities"));
    hf(r, "<h1 class=m-title>%s</h1>", a->title);
    if (notice)
        page_notice(r, status >= 400 ? "error" : "ok", notice);
    else
        done_notice(r);
    hf(r,
       "<dl class=facts><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s – %s</dd><dt>%s</dt><dd>%s</dd>"
       "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%lld / %lld",
       T(r, "Kind"), activity_kind_label(r, a->kind), T(r, "Time"),
       fmt_time(r->arena, a->starts_at), fmt_time(r->arena, a->ends_at), T(r, "Place"),
       *a->place ? a->place : T(r, "online"), T(r, "Organiser"), activity_org_name(r, a),
       T(r, "Seats booked"), (long long)a->booked, (long long)a->capacity);
    if (a->waiting) hf(r, " (+%lld %s)", (long long)a->waiting, T(r, "waiting"));
    hf(r, "</dd><dt>%s</dt><dd>%s – %s</dd><dt>%s</dt><dd>%s</dd>", T(r, "Booking"),
       fmt_time(r->arena, a->booking_opens), fmt_time(r->arena, a->booking_closes),
       T(r, "Cancellation until"), fmt_time(r->arena, a->cancel_until));
    if (*a->online_url)
        hf(r, "<dt>%s</dt><dd><a href=\"%s\" rel=\"noopener noreferrer\">%s</a></dd>",
           T(r, "Online link"), a->online_url, T(r, "Open the link"));
    H(r, "</dl>");
    if (*a->description) hf(r, "<p class=prewrap>%s</p>", a->description);
    Booking b;
    int have = booking_find(r->db, r->arena, a->id, r->auth.user_id, &b) == 1;
    int live = have && strcmp(b.status, "cancelled");
    int64_t now = now_s();
    if (live) {
        hf(r, "<p>%s: ", T(r, "My booking"));
        booking_tag(r, &b);
        H(r, "</p>");
    }
    if (strcmp(a->status, "open")) {
        hf(r, "<p class=note>%s: %s</p>", T(r, "Status"), activity_status_label(r, a->status));
    } else if (live && !strcmp(b.status, "booked") && activity_checkin_time_ok(a, now, 0)) {
        checkin_form(r, a);
    }
    if (!strcmp(a->status, "open") && live &&
        (!strcmp(b.status, "booked") || !strcmp(b.status, "waiting")) &&
        activity_may_cancel(a, now)) {
        hf(r, "<form method=post action=\"/m/bookings/%lld/cancel\" class=inline>",
           (long long)b.id);
        form_csrf(r);
        hf(r, "<button class=secondary>%s</button></form>", T(r, "Cancel my booking"));
    }
    if (!strcmp(a->status, "open") && !live) {
        if (!activity_audience_fits(r, a->audience))
            hf(r, "<p class=note>%s: %s</p>", T(r, "This activity is for"),
               activity_audience_label(r, a->audience));
        else if (activity_window(a, now) == WINDOW_OPEN) {
            hf(r, "<form method=post action=\"/m/activities/%lld/book\">", (long long)a->id);
            form_csrf(r);
            hf(r, "<button class=m-book>%s</button></form>",
               a->booked < a->capacity ? T(r, "Book a seat") : T(r, "Join the waiting list"));
        } else {
            hf(r, "<p class=note>%s</p>",
               activity_why_text(
                   r, activity_window(a, now) == WINDOW_NOT_YET ? WHY_NOT_YET : WHY_CLOSED, a));
        }
    }
    page_end(r);
}

void mobile_activity(Req *r)
{
    Activity a;
    if (activity_load_visible(r, &a)) show(r, &a, 200, NULL);
}

/* The page status of a refused action. */
static int status_of(ActResult res)
{
    switch (res) {
    case ACT_INVALID:
        return 422;
    case ACT_NOT_FOUND:
        return 404;
    case ACT_FORBIDDEN:
        return 403;
    case ACT_CONFLICT:
        return 409;
    default:
        return 503;
    }
}

void mobile_book(Req *r)
{
    Activity a;
    if (!activity_load_visible(r, &a)) return;
    if (!activity_audience_fits(r, a.audience)) {
        show(r, &a, 403,
             arena_printf(r->arena, "%s: %s", T(r, "This activity is for"),
                          activity_audience_label(r, a.audience)));
        return;
    }
    Booking b;
    ActWhy why;
    ActResult res =
        booking_book(r->db, r->arena, &a, r->auth.user_id, r->auth.login, now_s(), &b, &why);
    if (res == ACT_OK) {
        req_redirect(r, arena_printf(r->arena, "/m/activities/%lld?done=%s", (long long)a.id,
                                     !strcmp(b.status, "booked") ? "booked" : "waiting"));
        return;
    }
    activity_load(r->db, r->arena, a.id, &a);
    show(r, &a, status_of(res),
         res == ACT_CONFLICT ? activity_why_text(r, why, &a)
                             : T(r, "The service is busy. Please try again."));
}

void mobile_cancel(Req *r)
{
    Booking b = {0};
    ActWhy why;
    ActResult res = booking_cancel(r->db, r->arena, activity_id_param(r), r->auth.user_id,
                                   r->auth.login, now_s(), &b, &why);
    if (res == ACT_OK) {
        req_redirect(r, arena_printf(r->arena, "/m/activities/%lld?done=cancelled",
                                     (long long)b.activity_id));
        return;
    }
    if (res == ACT_NOT_FOUND) {
        req_not_found(r);
        return;
    }
    Activity a;
    if (!b.activity_id || activity_load(r->db, r->arena, b.activity_id, &a) != 1) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    show(r, &a, status_of(res),
         res == ACT_CONFLICT ? activity_why_text(r, why, &a)
                             : T(r, "The service is busy. Please try again."));
}

void mobile_checkin(Req *r)
{
    const char *idv = req_form(r, "activity"), *code = req_form(r, "code");
    int64_t id = 0;
    Activity a;
    if (!idv || !parse_int(idv, 1, INT64_MAX / 2, &id) ||
        activity_load(r->db, r->arena, id, &a) != 1 || !activity_visible(r, a.org_path)) {
        req_not_found(r);
        return;
    }
    Booking b;
    int have = booking_find(r->db, r->arena, a.id, r->auth.user_id, &b) == 1;
    if (!have || !strcmp(b.status, "cancelled")) {
        show(r, &a, 409, T(r, "You have no booking for this activity."));
        return;
    }
    if (!strcmp(b.status, "attended")) {
        req_redirect(r, arena_printf(r->arena, "/m/activities/%lld?done=checked", (long long)a.id));
        return;
    }
    ActWhy why = WHY_NONE;
    if (!strcmp(b.status, "waiting"))
        why = WHY_WAITING;
    else if (strcmp(a.status, "open"))
        why = WHY_NOT_OPEN;
    else if (!activity_checkin_time_ok(&a, now_s(), 0))
        why = WHY_TIME;
    if (why != WHY_NONE) {
        show(r, &a, 409, activity_why_text(r, why, &a));
        return;
    }
    char clean[16] = "";
    size_t k = 0;
    for (const char *p = code ? code : ""; *p && k + 1 < sizeof clean; p++)
        if (*p != ' ' && *p != '-') clean[k++] = *p;
    clean[k] = 0;
    if (strcasecmp(clean, a.checkin_code)) {
        show(r, &a, 422,
             arena_printf(r->arena, "code %s", T(r, "does not match this activity's code")));
        return;
    }
    ActResult res = booking_checkin(r->db, r->arena, b.id, 0, r->auth.login, now_s(), &b, &why);
    if (res == ACT_OK) {
        req_redirect(r, arena_printf(r->arena, "/m/activities/%lld?done=checked", (long long)a.id));
        return;
    }
    show(r, &a, status_of(res),
         res == ACT_CONFLICT ? activity_why_text(r, why, &a)
                             : T(r, "The service is busy. Please try again."));
}

void mobile_bookings(Req *r)
{
    page_begin(r, T(r, "My bookings"));
    hf(r, "<nav class=crumbs><a href=\"/m\">%s</a></nav><h1>%s</h1>", T(r, "My phone page"),
       T(r, "My bookings"));
    done_notice(r);
    Booking *bk = arena_alloc(r->arena, sizeof *bk * 100);
    Activity *acts = arena_alloc(r->arena, sizeof *acts * 100);
    int n = next_bookings(r, bk, acts, 100, 0);
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "You have no bookings yet."));
    H(r, "<ul class=m-list>");
    int64_t now = now_s();
    for (int i = 0; i < n; i++) {
        int live = !strcmp(bk[i].status, "booked") || !strcmp(bk[i].status, "waiting");
        activity_item(r, &acts[i], &bk[i],
                      live && !strcmp(acts[i].status, "open") &&
                          activity_may_cancel(&acts[i], now));
    }
    H(r, "</ul>");
    page_end(r);
}

void mobile_courses(Req *r)
{
    page_begin(r, T(r, "Online parent school"));
    hf(r, "<nav class=crumbs><a href=\"/m\">%s</a></nav><h1>%s</h1>", T(r, "My phone page"),
       T(r, "Online parent school"));
    hf(r, "<h2>%s</h2>", T(r, "New courses"));
    DbStmt *s = db_q(r->db,
                     "SELECT " COURSE_COLS " FROM courses c JOIN orgs o ON o.id = c.org_id"
                     " WHERE c.active = 1 AND " NEAR_SQL(
                         "c.org_id") " ORDER BY c.published_on DESC, c.id DESC LIMIT 10",
                     "is", REACH_ARGS(r, CAP_ACTIVITY_BOOK));
    H(r, "<ul class=m-list>");
    while (s && db_step(s) == DB_ROW) {
        Course c;
        course_row(s, r->arena, &c);
        hf(r,
           "<li><a href=\"/courses/%lld\"><b>%s</b></a><small class=meta>%s · %s · %lld %s"
           "</small></li>",
           (long long)c.id, c.title, course_kind_label(r, c.kind), c.topic,
           (long long)c.duration_min, T(r, "min"));
    }
    db_done(s);
    hf(r, "</ul><p><a href=\"/courses\">%s</a></p>", T(r, "The whole catalogue"));
    hf(r, "<h2>%s</h2>", T(r, "My viewing history"));
    s = db_q(r->db,
             "SELECT c.id, c.title, c.kind, count(*), MAX(v.viewed_at) FROM course_views v"
             " JOIN courses c ON c.id = v.course_id WHERE v.user_id = ?"
             " GROUP BY c.id, c.title, c.kind ORDER BY MAX(v.viewed_at) DESC LIMIT 50",
             "i", r->auth.user_id);
    int n = 0;
    H(r, "<ul class=m-list>");
    while (s && db_step(s) == DB_ROW) {
        hf(r,
           "<li><a href=\"/courses/%lld\"><b>%s</b></a><small class=meta>%s · %s %lld · %s %s"
           "</small></li>",
           (long long)db_col_int(s, 0), db_col_text(s, 1), course_kind_label(r, db_col_text(s, 2)),
           T(r, "viewed"), (long long)db_col_int(s, 3), T(r, "last"),
           fmt_time(r->arena, db_col_int(s, 4)));
        n++;
    }
    db_done(s);
    H(r, "</ul>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "You have not watched a course yet."));
    page_end(r);
}
