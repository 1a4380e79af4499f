/* volunteer_mobile.c — the volunteer's phone pages (see points.h): my hours with
 * their status and the form to log more (/m/hours), my points, the rewards I can
 * afford with a redeem button, and my ledger (/m/points). Small, no JavaScript,
 * usable at 375 px. Someone without a volunteer record gets a page that leads
 * to the sign-up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "points.h"
#include "report.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

#define S_(x) ((x) ? (x) : "")

/* Loads the caller's record; 1, or 0 with the page for someone without an
 * approved record (or an error) sent. */
static int own_record(Req *r, Volunteer *v, const char *title)
{
    int f = volunteer_load_user(r->db, r->arena, r->auth.user_id, v);
    if (f < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return 0;
    }
    if (f == 1 && !strcmp(v->status, "approved")) return 1;
    page_begin(r, title);
    hf(r, "<h1>%s</h1><section class=card>", title);
    if (!f) {
        hf(r, "<p>%s</p><p>%s</p><p><a class=button href=\"/volunteers/signup\">%s</a></p>",
           T(r, "You are not registered as a volunteer yet."),
           T(r, "Volunteers log their service hours here, have them verified by the organiser and "
                "earn points for rewards."),
           T(r, "Become a volunteer"));
    } else {
        hf(r, "<p>%s · %s</p><p><span class=tag>%s</span></p>", pool_name(r, &v->pool),
           pool_org_name(r, &v->pool), volunteer_status_label(r, v->status));
        hf(r, "<p>%s</p>",
           !strcmp(v->status, "pending")
               ? T(r, "Your application awaits approval by the organiser of the pool.")
               : T(r, "Your record is not active. You can apply to a pool again."));
        if (strcmp(v->status, "pending") != 0)
            hf(r, "<p><a class=button href=\"/volunteers/signup\">%s</a></p>",
               T(r, "Apply to a pool"));
    }
    hf(r, "</section><p><a href=\"/m\">%s</a></p>", T(r, "Back to my phone page"));
    page_end(r);
    return 0;
}

static void stats(Req *r, const Volunteer *v, int64_t waiting)
{
    hf(r,
       "<ul class=stats><li><b>%s</b> %s</li><li><b>%lld</b> %s</li><li><b>%lld</b> %s</li></ul>",
       fmt_num(r->arena, v->hours_verified, 1), T(r, "hours verified"),
       (long long)v->points_balance, T(r, "points"), (long long)waiting,
       T(r, "awaiting verification"));
}

static void field_error(Req *r, const HoursInput *in, const char *field)
{
    if (in && in->bad_field && !strcmp(in->bad_field, field))
        hf(r, "<span class=field-error>%s</span>", in->why);
}

/* The log-hours form, its values from `in` after a refused submission. */
static void hours_form(Req *r, const Volunteer *v, const HoursInput *in)
{
    char today[11], first[11];
    int64_t t = points_today();
    points_day_text(t, today);
    points_day_text(t - POINTS_MAX_DAYS_BACK, first);
    hf(r, "<form method=post action=\"/m/hours\" class=card><h2>%s</h2>", T(r, "Log hours"));
    form_csrf(r);
    hf(r, "<label>%s<input name=served_on type=date required min=\"%s\" max=\"%s\" value=\"%s\">",
       T(r, "Date of the service"), first, today, in && in->served_on ? in->served_on : today);
    field_error(r, in, "served_on");
    hf(r,
       "</label><label>%s<input name=hours required inputmode=decimal maxlength=4 "
       "placeholder=\"2.5\" value=\"%s\">",
       T(r, "Hours"), S_(in ? in->hours_text : NULL));
    field_error(r, in, "hours");
    /* the activities booked in the last 90 days, if any */
    int64_t now = now_s();
    DbStmt *s =
        db_q(r->db,
             "SELECT a.id, a.title, a.starts_at FROM bookings b"
             " JOIN activities a ON a.id = b.activity_id WHERE b.user_id = ?"
             " AND b.status IN ('booked', 'attended') AND a.status <> 'cancelled'"
             " AND a.starts_at <= ? AND a.starts_at >= ? ORDER BY a.starts_at DESC LIMIT 20",
             "iii", r->auth.user_id, now, now - POINTS_MAX_DAYS_BACK * 86400);
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        if (!n)
            hf(r, "</label><label>%s<select name=activity><option value=\"\">%s</option>",
               T(r, "Activity (optional)"), T(r, "none: a service at a unit"));
        int64_t id = db_col_int(s, 0);
        hf(r, "<option value=\"%lld\"%s>%s · %s</option>", (long long)id,
           in && in->activity == id ? " selected" : "", db_col_text(s, 1),
           arena_strndup(r->arena, fmt_time(r->arena, db_col_int(s, 2)), 10));
        n++;
    }
    db_done(s);
    if (n) {
        H(r, "</select>");
        field_error(r, in, "activity");
    }
    /* where: the pool's unit, its units directly below, and where I served lately */
    hf(r, "</label><label>%s<select name=org>", T(r, "Where the service was given"));
    const char *cur = in && in->org ? in->org : NULL;
    s = db_q(r->db,
             "SELECT code, name_zh, name_en FROM orgs WHERE id = ? OR id IN (SELECT h.org_id FROM"
             " service_hours h WHERE h.volunteer_id = ? ORDER BY h.id DESC LIMIT 10)"
             " OR (parent_id = ? AND active = 1 AND kind <> 'partner') ORDER BY path LIMIT 60",
             "iii", v->pool.org_id, v->id, v->pool.org_id);
    while (s && db_step(s) == DB_ROW) {
        const char *code = db_col_text(s, 0), *en = db_col_text(s, 2);
        hf(r, "<option value=\"%s\"%s>%s</option>", code,
           cur && !strcmp(cur, code) ? " selected" : "",
           !strcmp(r->lang, "en") && en && *en ? en : db_col_text(s, 1));
    }
    db_done(s);
    H(r, "</select>");
    field_error(r, in, "org");
    hf(r,
       "</label><label>%s<input name=org_code maxlength=32 inputmode=numeric placeholder=\"%s\">"
       "</label><label>%s<textarea name=description rows=2 maxlength=500>%s</textarea>",
       T(r, "Or another unit's code"), T(r, "e.g. 6531210001"), T(r, "What you did"),
       S_(in ? in->description : NULL));
    field_error(r, in, "description");
    hf(r, "</label><button>%s</button></form>", T(r, "Send for verification"));
}

static void hours_page(Req *r, const Volunteer *v, int status, const char *notice,
                       const HoursInput *in)
{
    page_begin(r, T(r, "My hours"));
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/m\">%s</a></nav><h1>%s</h1>", T(r, "My phone page"),
       T(r, "My hours"));
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    int64_t waiting = 0;
    db_int(r->db, &waiting,
           "SELECT count(*) FROM service_hours WHERE volunteer_id = ? AND status = 'logged'", "i",
           v->id);
    stats(r, v, waiting);
    hf(r, "<p><a href=\"/m/points\">%s</a></p>", T(r, "My points and rewards"));
    hours_form(r, v, in);
    DbStmt *s = db_q(r->db,
                     "SELECT " HOURS_COLS HOURS_FROM " WHERE h.volunteer_id = ?"
                     " ORDER BY h.served_on DESC, h.id DESC LIMIT 30",
                     "i", v->id);
    hf(r,
       "<h2>%s</h2><div class=scroll><table class=m-hours><thead><tr><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Hours logged"), T(r, "Date"), T(r, "Where"), T(r, "Hours"), T(r, "Status"));
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        ServiceHours h;
        hours_row(s, r->arena, &h);
        hf(r,
           "<tr><td>%s</td><td>%s%s%s</td><td data-n>%s</td><td><span class=\"tag hours-%s\">%s"
           "</span>",
           h.served_on, hours_org_name(r, &h), h.activity_title ? " · " : "", S_(h.activity_title),
           fmt_num(r->arena, h.hours, 1), h.status, hours_status_label(r, h.status));
        if (h.points >= 0) hf(r, " +%lld", (long long)h.points);
        H(r, "</td></tr>");
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No hours logged yet."));
    page_end(r);
}

void volunteer_m_hours(Req *r)
{
    Volunteer v;
    if (!own_record(r, &v, T(r, "My hours"))) return;
    hours_page(r, &v, 200,
               req_query(r, "logged") ? T(r, "Sent: the organiser will verify it.") : NULL, NULL);
}

void volunteer_m_hours_submit(Req *r)
{
    Volunteer v;
    if (!own_record(r, &v, T(r, "My hours"))) return;
    HoursInput in = {0};
    in.served_on = req_form(r, "served_on");
    in.hours_text = req_form(r, "hours");
    if (!in.hours_text) in.hours_text = "";
    in.description = req_form(r, "description");
    const char *code = req_form(r, "org_code"), *act = req_form(r, "activity");
    in.org = code && *code ? code : req_form(r, "org");
    int64_t aid = 0;
    if (act && *act && !parse_int(act, 1, INT64_MAX / 2, &aid)) {
        in.bad_field = "activity", in.why = T(r, "must be one of your activities");
    }
    in.activity = aid;
    /* with an activity, the place is the activity's: the select's default is dropped */
    if (aid && !(code && *code)) in.org = NULL;
    ServiceHours h;
    const char *why = NULL;
    VolResult res = in.bad_field ? VOL_INVALID : hours_log(r, &in, &h, &why);
    switch (res) {
    case VOL_OK:
        req_redirect(r, "/m/hours?logged=1");
        return;
    case VOL_INVALID:
        hours_page(
            r, &v, 422,
            arena_printf(r->arena, "%s: %s %s", T(r, "Not sent"), S_(in.bad_field), S_(in.why)),
            &in);
        return;
    case VOL_CONFLICT:
        hours_page(r, &v, 409, why, &in);
        return;
    case VOL_NOT_FOUND:
        req_not_found(r);
        return;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}

/* ---- points ------------------------------------------------------------------------- */

static void points_page(Req *r, const Volunteer *v, int status, const char *notice)
{
    page_begin(r, T(r, "My points"));
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/m\">%s</a></nav><h1>%s</h1>", T(r, "My phone page"),
       T(r, "My points"));
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    hf(r, "<p class=lead><b class=m-balance>%lld</b> %s · %s %s</p>", (long long)v->points_balance,
       T(r, "points"), fmt_num(r->arena, v->hours_verified, 1), T(r, "hours verified"));
    hf(r, "<p><a href=\"/m/hours\">%s</a></p>", T(r, "My hours"));
    DbStmt *s = rewards_open_query(r->db, v, 1);
    hf(r, "<h2>%s</h2>", T(r, "Rewards"));
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        Reward w;
        reward_row(s, r->arena, &w);
        if (!n) H(r, "<ul class=m-rewards>");
        hf(r, "<li><b>%s</b> <small class=meta>%s · %s</small><br>%lld %s · %s %lld",
           reward_name(r, &w), reward_kind_label(r, w.kind),
           !strcmp(r->lang, "en") && *w.org_name_en ? w.org_name_en : w.org_name_zh,
           (long long)w.points_cost, T(r, "points"), T(r, "left:"), (long long)w.stock);
        if (w.stock < 1) {
            hf(r, " <span class=tag>%s</span>", T(r, "out of stock"));
        } else if (w.points_cost > v->points_balance) {
            hf(r, " <span class=tag>%s %lld</span>", T(r, "points still needed:"),
               (long long)(w.points_cost - v->points_balance));
        } else {
            H(r, "<form method=post action=\"/m/points/redeem\">");
            form_csrf(r);
            hf(r, "<input type=hidden name=reward value=\"%lld\"><button>%s</button></form>",
               (long long)w.id, T(r, "Redeem"));
        }
        H(r, "</li>");
        n++;
    }
    db_done(s);
    if (n)
        H(r, "</ul>");
    else
        hf(r, "<p class=empty>%s</p>", T(r, "No reward is offered to your pool yet."));
    s = ledger_query(r->db, v->id, 0, 30);
    hf(r,
       "<h2>%s</h2><div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Points ledger"), T(r, "When"), T(r, "What"), T(r, "Change"), T(r, "Balance"));
    while (s && db_step(s) == DB_ROW)
        hf(r, "<tr><td>%s</td><td>%s</td><td data-n>%+lld</td><td data-n>%lld</td></tr>",
           arena_strndup(r->arena, fmt_time(r->arena, db_col_int(s, 6)), 10),
           ledger_reason_label(r, db_col_text(s, 2)), (long long)db_col_int(s, 1),
           (long long)db_col_int(s, 4));
    db_done(s);
    H(r, "</tbody></table></div>");
    page_end(r);
}

void volunteer_m_points(Req *r)
{
    Volunteer v;
    if (!own_record(r, &v, T(r, "My points"))) return;
    const char *done = req_query(r, "redeemed");
    const char *notice = NULL;
    int64_t rid;
    Reward w;
    if (done && parse_int(done, 1, INT64_MAX / 2, &rid) &&
        reward_load(r->db, r->arena, rid, &w) == 1)
        notice = arena_printf(r->arena, "%s: %s", T(r, "Redeemed"), reward_name(r, &w));
    points_page(r, &v, 200, notice);
}

void volunteer_m_redeem(Req *r)
{
    Volunteer v;
    if (!own_record(r, &v, T(r, "My points"))) return;
    int64_t rid = 0;
    const char *x = req_form(r, "reward");
    if (!x || !parse_int(x, 1, INT64_MAX / 2, &rid)) {
        points_page(r, &v, 422,
                    arena_printf(r->arena, "reward %s", T(r, "is required: the id of a reward")));
        return;
    }
    PtOutcome o;
    const char *why = NULL;
    VolResult res = reward_redeem(r, rid, &o, &why);
    switch (res) {
    case VOL_OK:
        req_redirect(r, arena_printf(r->arena, "/m/points?redeemed=%lld", (long long)rid));
        return;
    case VOL_CONFLICT:
        volunteer_load(r->db, r->arena, v.id, &v);
        points_page(r, &v, 409, why);
        return;
    case VOL_NOT_FOUND:
        req_not_found(r);
        return;
    case VOL_FORBIDDEN:
        page_error(r, 403, why ? why : T(r, "You do not have permission to do this."));
        return;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}
