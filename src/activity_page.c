/* activity_page.c — the organisers' pages (see activity.h): the list of
 * activities near the caller with the form to create one, an activity with its
 * check-in code, booking list and check-in buttons, closing and cancelling; the
 * attendance of one activity and the participation per unit as Excel. Parents
 * and volunteers are sent to the phone pages (mobile.c). Complete without
 * JavaScript and at 375 px. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "activity.h"
#include "core/util.h"
#include "org.h"
#include "report.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "xlsx.h"

static void options(Req *r, const char *const *values, const char *current,
                    const char *(*label)(Req *, const char *), int blank)
{
    if (blank) hf(r, "<option value=\"\">%s</option>", T(r, "All"));
    for (const char *const *v = values; *v; v++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *v,
           current && !strcmp(current, *v) ? " selected" : "", label(r, *v));
}

/* The caller's first unit where they organise activities, or NULL. */
static const char *own_unit(Req *r)
{
    for (int i = 0; i < r->auth.ngrants; i++)
        if (role_caps(r->auth.grants[i].role) & CAPBIT(CAP_ACTIVITY_WRITE))
            return r->auth.grants[i].org_code;
    return NULL;
}

static void status_tag(Req *r, const char *status)
{
    hf(r, "<span class=\"tag act-%s\">%s</span>", status, activity_status_label(r, status));
}

/* ---- the list ------------------------------------------------------------------- */

void activity_page_index(Req *r)
{
    const char *org = req_query(r, "org"), *st = req_query(r, "status"),
               *past = req_query(r, "past");
    if ((st && *st && strcmp(st, "open") && strcmp(st, "done") && strcmp(st, "cancelled")) ||
        (org && *org && !valid_code(org))) {
        page_error(r, 400, T(r, "org or status is not valid."));
        return;
    }
    const char *org_path = NULL;
    if (org && *org) {
        Org o;
        if (org_load(r->db, r->arena, org, &o) != 1 || !activity_visible(r, o.path)) {
            req_not_found(r);
            return;
        }
        org_path = o.path;
    }
    int with_past = past && !strcmp(past, "1");
    int year;
    activity_month_of(now_s(), &year, NULL, NULL, NULL);
    int64_t from = with_past ? activity_local_time(year, 1, 1, 0, 0) : now_s() - 7 * 86400;
    page_begin(r, T(r, "Activities"));
    hf(r, "<h1>%s</h1>", T(r, "Home–school–community activities"));
    H(r, "<p class=actions>");
    if (own_unit(r)) {
        hf(r, "<a class=button href=\"/activities/new\">%s</a> ", T(r, "New activity"));
        hf(r, "<a href=\"/activities/attendance.xlsx?year=%d\">%s</a> ", year,
           T(r, "Participation by unit (Excel)"));
    }
    hf(r, "<a href=\"/m/activities\">%s</a></p>", T(r, "Book on the phone page"));
    hf(r, "<form method=get action=\"/activities\" class=filters><label>%s<select name=status>",
       T(r, "Status"));
    options(r, activity_statuses, st && *st ? st : NULL, activity_status_label, 1);
    hf(r,
       "</select></label><label>%s<input name=org size=12 maxlength=32 value=\"%s\"></label>"
       "<label class=check><input type=checkbox name=past value=1%s> %s</label>"
       "<button>%s</button></form>",
       T(r, "Unit (code)"), org ? org : "", with_past ? " checked" : "",
       T(r, "Since the start of the year"), T(r, "Filter"));
    DbStmt *s = activity_list_query(r, org_path, st && *st ? st : NULL, 0, from, 300);
    hf(r,
       "<div class=scroll><table class=stack><thead><tr><th scope=col>%s</th><th scope=col>%s"
       "</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s"
       "</th></tr></thead><tbody>",
       T(r, "Activity"), T(r, "Starts"), T(r, "Organiser"), T(r, "Seats"), T(r, "Attended"),
       T(r, "Status"));
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        Activity a;
        activity_list_row(s, r->arena, &a);
        hf(r,
           "<tr><td data-label=\"%s\"><a href=\"/activities/%lld\">%s</a><small class=meta>%s"
           "</small></td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
           "<td data-label=\"%s\" data-n>%lld / %lld%s</td><td data-label=\"%s\" data-n>%lld</td>"
           "<td data-label=\"%s\">",
           T(r, "Activity"), (long long)a.id, a.title, activity_kind_label(r, a.kind),
           T(r, "Starts"), fmt_time(r->arena, a.starts_at), T(r, "Organiser"),
           activity_org_name(r, &a), T(r, "Seats"), (long long)a.booked, (long long)a.capacity,
           a.waiting ? arena_printf(r->arena, " (+%lld %s)", (long long)a.waiting, T(r, "waiting"))
                     : "",
           T(r, "Attended"), (long long)a.attended, T(r, "Status"));
        status_tag(r, a.status);
        H(r, "</td></tr>");
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No activities match these filters."));
    page_end(r);
}

/* ---- creating one ----------------------------------------------------------------- */

static void field_error(Req *r, const ActInput *in, const char *field)
{
    if (in && in->bad_field && !strcmp(in->bad_field, field))
        hf(r, "<span class=field-error>%s</span>", in->why);
}

static const char *v_or(const char *v, const char *d)
{
    return v ? v : d;
}

static void time_input(Req *r, const ActInput *in, const char *name, const char *label,
                       const char *value, int required)
{
    hf(r, "<label>%s<input name=%s type=datetime-local value=\"%s\"%s></label>", label, name,
       value ? value : "", required ? " required" : "");
    field_error(r, in, name);
}

static void activity_form(Req *r, const ActInput *in)
{
    hf(r, "<form method=post action=\"/activities\" class=card><h2>%s</h2>", T(r, "New activity"));
    form_csrf(r);
    hf(r, "<label>%s<input name=org required maxlength=32 value=\"%s\"></label>",
       T(r, "Organiser unit (code)"), v_or(in ? in->org : NULL, v_or(own_unit(r), "")));
    field_error(r, in, "org");
    hf(r, "<label>%s<select name=kind>", T(r, "Kind"));
    options(r, activity_kinds, in ? in->kind : NULL, activity_kind_label, 0);
    H(r, "</select></label>");
    field_error(r, in, "kind");
    hf(r, "<label>%s<input name=title required maxlength=200 value=\"%s\"></label>", T(r, "Title"),
       v_or(in ? in->title : NULL, ""));
    field_error(r, in, "title");
    hf(r, "<label>%s<textarea name=description rows=3 maxlength=4000>%s</textarea></label>",
       T(r, "Description"), v_or(in ? in->description : NULL, ""));
    field_error(r, in, "description");
    hf(r, "<label>%s<input name=place maxlength=200 value=\"%s\"></label>", T(r, "Place"),
       v_or(in ? in->place : NULL, ""));
    field_error(r, in, "place");
    hf(r,
       "<label>%s<input name=online_url type=url maxlength=500 value=\"%s\" "
       "placeholder=\"https://\"></label>",
       T(r, "Online link (instead of or besides a place)"), v_or(in ? in->online_url : NULL, ""));
    field_error(r, in, "online_url");
    hf(r, "<label>%s<select name=audience>", T(r, "Audience"));
    options(r, activity_audiences, in ? in->audience : NULL, activity_audience_label, 0);
    H(r, "</select></label>");
    field_error(r, in, "audience");
    time_input(r, in, "starts_at", T(r, "Starts (Beijing time)"), in ? in->starts_at : NULL, 1);
    time_input(r, in, "ends_at", T(r, "Ends"), in ? in->ends_at : NULL, 1);
    hf(r,
       "<label>%s<input name=capacity required inputmode=numeric maxlength=5 value=\"%s\">"
       "</label>",
       T(r, "Capacity (seats)"), v_or(in ? in->capacity_text : NULL, "30"));
    field_error(r, in, "capacity");
    hf(r, "<p class=note>%s</p>",
       T(r, "Booking opens now and closes at the start unless you set other times; bookings can "
            "be cancelled until booking closes unless you set a deadline."));
    time_input(r, in, "booking_opens", T(r, "Booking opens"), in ? in->booking_opens : NULL, 0);
    time_input(r, in, "booking_closes", T(r, "Booking closes"), in ? in->booking_closes : NULL, 0);
    time_input(r, in, "cancel_until", T(r, "Cancellation possible until"),
               in ? in->cancel_until : NULL, 0);
    hf(r, "<label class=check><input type=checkbox name=community_resource value=1%s> %s</label>",
       in && in->community_resource ? " checked" : "", T(r, "Uses a community education resource"));
    hf(r, "<button>%s</button></form>", T(r, "Create the activity"));
}

void activity_page_new(Req *r)
{
    page_begin(r, T(r, "New activity"));
    hf(r, "<p><a href=\"/activities\">%s</a></p>", T(r, "Back to the activities"));
    activity_form(r, NULL);
    page_end(r);
}

/* A form field as input: set when given (and, for an optional one, not empty). */
static const char *form_field(Req *r, const char *name, int *has, int optional)
{
    const char *v = req_form(r, name);
    if (v && (!optional || *v)) *has = 1;
    return v;
}

void activity_page_create(Req *r)
{
    ActInput in = {0};
    in.org = req_form(r, "org");
    in.kind = form_field(r, "kind", &in.has_kind, 0);
    in.title = form_field(r, "title", &in.has_title, 0);
    in.description = form_field(r, "description", &in.has_description, 0);
    in.place = form_field(r, "place", &in.has_place, 0);
    in.online_url = form_field(r, "online_url", &in.has_online_url, 0);
    in.audience = form_field(r, "audience", &in.has_audience, 0);
    in.starts_at = form_field(r, "starts_at", &in.has_starts_at, 1);
    in.ends_at = form_field(r, "ends_at", &in.has_ends_at, 1);
    in.booking_opens = form_field(r, "booking_opens", &in.has_booking_opens, 1);
    in.booking_closes = form_field(r, "booking_closes", &in.has_booking_closes, 1);
    in.cancel_until = form_field(r, "cancel_until", &in.has_cancel_until, 1);
    in.capacity_text = req_form(r, "capacity");
    if (in.capacity_text && !*in.capacity_text) in.capacity_text = NULL;
    const char *cr = req_form(r, "community_resource");
    in.community_resource = cr && *cr;
    in.has_community_resource = 1;
    Activity a;
    ActResult res = activity_create(r, &in, &a);
    switch (res) {
    case ACT_OK:
        req_redirect(r, arena_printf(r->arena, "/activities/%lld", (long long)a.id));
        return;
    case ACT_NOT_FOUND:
        req_not_found(r);
        return;
    case ACT_FORBIDDEN:
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    case ACT_INVALID:
        break;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    page_begin(r, T(r, "New activity"));
    r->status = 422;
    page_notice(r, "error",
                arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), in.bad_field, in.why));
    activity_form(r, &in);
    page_end(r);
}

/* ---- one activity ----------------------------------------------------------------- */

static void button_form(Req *r, const char *action, const char *label, const char *hidden_name,
                        int64_t hidden)
{
    hf(r, "<form method=post action=\"%s\" class=inline>", action);
    form_csrf(r);
    if (hidden_name)
        hf(r, "<input type=hidden name=%s value=\"%lld\">", hidden_name, (long long)hidden);
    hf(r, "<button>%s</button></form> ", label);
}

static void show(Req *r, const Activity *a, int status, const char *notice)
{
    page_begin(r, a->title);
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/activities\">%s</a> › <span>%s</span></nav>",
       T(r, "Activities"), activity_org_name(r, a));
    hf(r, "<h1>%s <small>#%lld</small></h1>", a->title, (long long)a->id);
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    H(r, "<p>");
    status_tag(r, a->status);
    hf(r, " <span class=tag>%s</span> <span class=tag>%s</span></p>",
       activity_kind_label(r, a->kind), activity_audience_label(r, a->audience));
    if (!strcmp(a->status, "open"))
        hf(r, "<p class=act-code>%s <b>%s</b></p>", T(r, "Check-in code"), a->checkin_code);
    hf(r,
       "<dl class=facts><dt>%s</dt><dd>%s – %s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s – %s"
       "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%lld / %lld</dd><dt>%s</dt><dd>%lld</dd>"
       "<dt>%s</dt><dd>%lld</dd>",
       T(r, "Time"), fmt_time(r->arena, a->starts_at), fmt_time(r->arena, a->ends_at),
       T(r, "Place"), *a->place ? a->place : "—", T(r, "Booking"),
       fmt_time(r->arena, a->booking_opens), fmt_time(r->arena, a->booking_closes),
       T(r, "Cancellation until"), fmt_time(r->arena, a->cancel_until), T(r, "Seats booked"),
       (long long)a->booked, (long long)a->capacity, T(r, "Waiting"), (long long)a->waiting,
       T(r, "Attended"), (long long)a->attended);
    if (*a->online_url)
        hf(r, "<dt>%s</dt><dd><a href=\"%s\" rel=\"noopener noreferrer\">%s</a></dd>",
           T(r, "Online link"), a->online_url, a->online_url);
    if (a->community_resource)
        hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Community resource"), T(r, "Yes"));
    H(r, "</dl>");
    if (*a->description) hf(r, "<p class=prewrap>%s</p>", a->description);
    H(r, "<p class=actions>");
    const char *base = arena_printf(r->arena, "/activities/%lld", (long long)a->id);
    if (!strcmp(a->status, "open")) {
        if (now_s() >= a->starts_at)
            button_form(r, arena_printf(r->arena, "%s/close", base),
                        T(r, "Close: the activity is over"), NULL, 0);
        if (!a->attended)
            button_form(r, arena_printf(r->arena, "%s/cancel", base), T(r, "Cancel the activity"),
                        NULL, 0);
    }
    hf(r, "<a href=\"%s/attendance.xlsx\">%s</a></p>", base, T(r, "Attendance (Excel)"));
    /* the bookings, in arrival order */
    DbStmt *s = db_q(r->db,
                     "SELECT " BOOKING_COLS " FROM bookings b JOIN users u ON u.id = b.user_id"
                     " WHERE b.activity_id = ? ORDER BY CASE b.status WHEN 'cancelled' THEN 1"
                     " ELSE 0 END, b.arrival LIMIT 2000",
                     "i", a->id);
    hf(r,
       "<h2>%s</h2><div class=scroll><table class=stack><thead><tr><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Bookings"), T(r, "No."), T(r, "Person"), T(r, "Status"), T(r, "Check-in"));
    int n = 0, can_check = !strcmp(a->status, "open") && activity_checkin_time_ok(a, now_s(), 1);
    while (s && db_step(s) == DB_ROW) {
        Booking b;
        booking_row(s, r->arena, &b);
        hf(r,
           "<tr><td data-label=\"%s\" data-n>%lld</td><td data-label=\"%s\">%s <small "
           "class=meta>%s</small></td><td data-label=\"%s\"><span class=\"tag bk-%s\">%s</span>",
           T(r, "No."), (long long)++n, T(r, "Person"), b.name, b.login, T(r, "Status"), b.status,
           booking_status_label(r, b.status));
        if (b.position) hf(r, " %s %lld", T(r, "position"), (long long)b.position);
        hf(r, "</td><td data-label=\"%s\">", T(r, "Check-in"));
        if (!strcmp(b.status, "attended"))
            hf(r, "%s · %s", b.checked_in_at ? fmt_time(r->arena, b.checked_in_at) : "",
               b.checked_in_by ? b.checked_in_by : "");
        else if (!strcmp(b.status, "booked") && can_check)
            button_form(r, arena_printf(r->arena, "%s/checkin", base), T(r, "Check in"), "booking",
                        b.id);
        H(r, "</td></tr>");
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "Nobody has booked yet."));
    page_end(r);
}

/* Loads the activity of the path for an organiser's page: 1, or 0 with a
 * response sent (404; a non-organiser of a GET goes to the phone page). */
static int load_for_page(Req *r, Activity *a, int redirect)
{
    if (!activity_load_visible(r, a)) return 0;
    if (!activity_organiser(r, a->org_path)) {
        if (redirect)
            req_redirect(r, arena_printf(r->arena, "/m/activities/%lld", (long long)a->id));
        else
            page_error(r, 403, T(r, "You do not have permission to do this."));
        return 0;
    }
    return 1;
}

void activity_page_show(Req *r)
{
    Activity a;
    if (load_for_page(r, &a, 1)) show(r, &a, 200, NULL);
}

/* After an action: back to the activity, or the page again with the reason. */
static void after(Req *r, ActResult res, ActWhy why, Activity *a)
{
    if (res == ACT_OK) {
        req_redirect(r, arena_printf(r->arena, "/activities/%lld", (long long)a->id));
        return;
    }
    if (res == ACT_NOT_FOUND) {
        req_not_found(r);
        return;
    }
    if (res != ACT_CONFLICT) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    Activity now_a;
    if (activity_load(r->db, r->arena, a->id, &now_a) == 1) *a = now_a;
    show(r, a, 409, activity_why_text(r, why, a));
}

void activity_page_checkin(Req *r)
{
    Activity a;
    if (!load_for_page(r, &a, 0)) return;
    int64_t id = 0;
    const char *v = req_form(r, "booking");
    Booking b;
    if (!v || !parse_int(v, 1, INT64_MAX / 2, &id) || booking_load(r->db, r->arena, id, &b) != 1 ||
        b.activity_id != a.id) {
        show(r, &a, 422,
             arena_printf(r->arena, "booking %s", T(r, "is not a booking of this activity")));
        return;
    }
    ActWhy why;
    after(r, booking_checkin(r->db, r->arena, id, 1, r->auth.login, now_s(), &b, &why), why, &a);
}

void activity_page_close(Req *r)
{
    Activity a;
    if (!load_for_page(r, &a, 0)) return;
    ActWhy why;
    after(r, activity_close(r->db, r->arena, &a, r->auth.login, now_s(), &why), why, &a);
}

void activity_page_cancel(Req *r)
{
    Activity a;
    if (!load_for_page(r, &a, 0)) return;
    ActWhy why;
    after(r, activity_cancel(r->db, r->arena, &a, r->auth.login, now_s(), &why), why, &a);
}

/* ---- Excel --------------------------------------------------------------------------- */

void activity_xlsx_one(Req *r)
{
    Activity a;
    if (!activity_load_visible(r, &a)) return;
    if (!activity_organiser(r, a.org_path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    Table *facts = table_new(r->arena, "activity", a.title, 2, T(r, "Field"), T(r, "Value"));
    const char *rows[][2] = {
        {T(r, "Organiser"), activity_org_name(r, &a)},
        {T(r, "Kind"), activity_kind_label(r, a.kind)},
        {T(r, "Starts"), fmt_time(r->arena, a.starts_at)},
        {T(r, "Ends"), fmt_time(r->arena, a.ends_at)},
        {T(r, "Place"), *a.place ? a.place : a.online_url},
        {T(r, "Status"), activity_status_label(r, a.status)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        Cell *c = table_row(r->arena, facts);
        cell_text(&c[0], rows[i][0]);
        cell_text(&c[1], rows[i][1]);
    }
    const char *nums[] = {T(r, "Capacity"), T(r, "Seats booked"), T(r, "Waiting"),
                          T(r, "Attended")};
    int64_t vals[] = {a.capacity, a.booked, a.waiting, a.attended};
    for (int i = 0; i < 4; i++) {
        Cell *c = table_row(r->arena, facts);
        cell_text(&c[0], nums[i]);
        cell_num(&c[1], (double)vals[i], 0, NULL);
    }
    Cell *c = table_row(r->arena, facts);
    cell_text(&c[0], T(r, "Participation (attended / capacity)"));
    cell_num(&c[1], 100.0 * (double)a.attended / (double)a.capacity, 1, "%");
    Table *t = table_new(r->arena, "bookings", T(r, "Bookings"), 7, T(r, "No."), T(r, "Person"),
                         T(r, "Login"), T(r, "Status"), T(r, "Waiting position"), T(r, "Booked at"),
                         T(r, "Checked in"));
    DbStmt *s = db_q(r->db,
                     "SELECT " BOOKING_COLS " FROM bookings b JOIN users u ON u.id = b.user_id"
                     " WHERE b.activity_id = ? ORDER BY b.arrival",
                     "i", a.id);
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        Booking b;
        booking_row(s, r->arena, &b);
        Cell *x = table_row(r->arena, t);
        cell_num(&x[0], ++n, 0, NULL);
        cell_text(&x[1], b.name);
        cell_text(&x[2], b.login);
        cell_text(&x[3], booking_status_label(r, b.status));
        if (b.position) cell_num(&x[4], (double)b.position, 0, NULL);
        cell_text(&x[5], fmt_time(r->arena, b.created_at));
        if (b.checked_in_at)
            cell_text(&x[6], arena_printf(r->arena, "%s %s", fmt_time(r->arena, b.checked_in_at),
                                          b.checked_in_by ? b.checked_in_by : ""));
    }
    db_done(s);
    Table *tables[] = {facts, t};
    Book *bk = book_new(r);
    book_sheet(bk, T(r, "Attendance"), tables, 2);
    book_send(bk, arena_printf(r->arena, "attendance-%lld.xlsx", (long long)a.id),
              arena_printf(r->arena, "%s-%s.xlsx", a.title, T(r, "Attendance")));
}

enum { MAX_UNITS = 2000 };

typedef struct Unit {
    const char *code, *name, *path;
    int64_t held, low, capacity, attended, households;
} Unit;

void activity_xlsx_summary(Req *r)
{
    const char *code = req_query(r, "org"), *ys = req_query(r, "year");
    int year;
    activity_month_of(now_s(), &year, NULL, NULL, NULL);
    int64_t y = year;
    if (ys && *ys && !parse_int(ys, 2020, 2100, &y)) {
        req_error(r, 400, "bad_param", T(r, "year must be a year such as 2026."));
        return;
    }
    if (!code || !*code) code = own_unit(r);
    Org unit;
    int f = code && valid_code(code) ? org_load(r->db, r->arena, code, &unit) : 0;
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    if (!f || !can(r, CAP_ACTIVITY_WRITE, unit.path)) {
        req_not_found(r);
        return;
    }
    int64_t yfrom = activity_local_time((int)y, 1, 1, 0, 0),
            yto = activity_local_time((int)y + 1, 1, 1, 0, 0);
    Unit *u = arena_alloc(r->arena, sizeof *u * MAX_UNITS);
    int nu = 0;
    u[nu++] = (Unit){.code = unit.code, .name = org_name(r, &unit), .path = unit.path};
    DbStmt *s = db_q(r->db,
                     "SELECT code, name_zh, name_en, path FROM orgs WHERE parent_id = ?"
                     " ORDER BY code",
                     "i", unit.id);
    while (s && db_step(s) == DB_ROW && nu < MAX_UNITS) {
        const char *en = db_col_text(s, 2);
        u[nu++] =
            (Unit){.code = arena_strdup(r->arena, db_col_text(s, 0)),
                   .name = arena_strdup(
                       r->arena, !strcmp(r->lang, "en") && en && *en ? en : db_col_text(s, 1)),
                   .path = arena_strdup(r->arena, db_col_text(s, 3))};
    }
    db_done(s);
    /* the done activities of the year in the unit, each added to the unit and its child */
    s = db_q(r->db,
             "SELECT o.path, x.capacity, (SELECT count(*) FROM bookings b WHERE"
             " b.activity_id = x.id AND b.status = 'attended') FROM activities x"
             " JOIN orgs o ON o.id = x.org_id WHERE x.status = 'done'"
             " AND substr(o.path, 1, length(CAST(? AS TEXT))) = ?"
             " AND x.starts_at >= ? AND x.starts_at < ?",
             "ssii", unit.path, unit.path, yfrom, yto);
    while (s && db_step(s) == DB_ROW) {
        const char *p = db_col_text(s, 0);
        int64_t cap = db_col_int(s, 1), att = db_col_int(s, 2);
        for (int i = 0; i < nu; i++)
            if (!strncmp(p, u[i].path, strlen(u[i].path))) {
                u[i].held++;
                u[i].capacity += cap;
                u[i].attended += att;
                u[i].low += activity_low_participation(att, cap);
                if (i) break;
            }
    }
    db_done(s);
    /* households: parent accounts of schools in the unit who attended this year */
    s = db_q(r->db,
             "SELECT so.path, count(DISTINCT g.user_id) FROM grants g"
             " JOIN orgs so ON so.id = g.org_id"
             " WHERE g.role = 'parent' AND substr(so.path, 1, length(CAST(? AS TEXT))) = ?"
             " AND EXISTS (SELECT 1 FROM bookings b JOIN activities x ON x.id = b.activity_id"
             " WHERE b.user_id = g.user_id AND b.status = 'attended' AND x.starts_at >= ?"
             " AND x.starts_at < ?) GROUP BY so.path",
             "ssii", unit.path, unit.path, yfrom, yto);
    while (s && db_step(s) == DB_ROW) {
        const char *p = db_col_text(s, 0);
        for (int i = 0; i < nu; i++)
            if (!strncmp(p, u[i].path, strlen(u[i].path))) {
                u[i].households += db_col_int(s, 1);
                if (i) break;
            }
    }
    db_done(s);
    Table *t =
        table_new(r->arena, "participation",
                  arena_printf(r->arena, "%s %lld", T(r, "Participation by unit"), (long long)y), 8,
                  T(r, "Unit"), T(r, "Activities held"), T(r, "Seats"), T(r, "Attended"),
                  T(r, "Participation"), T(r, "Under 60 %"), T(r, "Share under 60 %"),
                  T(r, "Households taking part"));
    t->note = T(r, "Done activities organised in the unit or below it; participation is attended "
                   "seats over capacity; households are parent accounts of the unit's schools "
                   "who attended at least once in the year.");
    for (int i = 0; i < nu; i++) {
        if (i && !u[i].held && !u[i].households) continue;
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0],
                  i ? u[i].name : arena_printf(r->arena, "%s (%s)", u[i].name, T(r, "total")));
        cell_num(&c[1], (double)u[i].held, 0, NULL);
        cell_num(&c[2], (double)u[i].capacity, 0, NULL);
        cell_num(&c[3], (double)u[i].attended, 0, NULL);
        if (u[i].capacity)
            cell_num(&c[4], 100.0 * (double)u[i].attended / (double)u[i].capacity, 1, "%");
        cell_num(&c[5], (double)u[i].low, 0, NULL);
        if (u[i].held) cell_num(&c[6], activity_low_share(u[i].low, u[i].held), 1, "%");
        cell_num(&c[7], (double)u[i].households, 0, NULL);
    }
    Table *tables[] = {t};
    Book *bk = book_new(r);
    book_sheet(bk, T(r, "Participation"), tables, 1);
    book_send(bk, arena_printf(r->arena, "participation-%s-%lld.xlsx", unit.code, (long long)y),
              arena_printf(r->arena, "%s-%s-%lld.xlsx", org_name(r, &unit), T(r, "Participation"),
                           (long long)y));
}
