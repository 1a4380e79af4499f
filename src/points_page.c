/* points_page.c — the organisers' pages of points.h: the hours awaiting their
 * verification with verify and reject buttons, and the rewards they keep with
 * the form to add one, the stock and withdraw forms and the latest
 * redemptions. Phone-first and complete without JavaScript. */
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

/* ---- hours awaiting verification --------------------------------------------------- */

static void hours_row_html(Req *r, const ServiceHours *h, int buttons)
{
    hf(r,
       "<tr><td>%s<br><small class=meta>%s</small></td><td>%s%s%s</td><td>%s</td>"
       "<td data-n>%s</td><td>%s</td><td>",
       h->volunteer_name, h->pool_code, hours_org_name(r, h), h->activity_title ? " · " : "",
       S_(h->activity_title), h->served_on, fmt_num(r->arena, h->hours, 1), h->description);
    if (buttons) {
        hf(r, "<form method=post action=\"/service-hours/%lld/verify\" class=inline>",
           (long long)h->id);
        form_csrf(r);
        hf(r, "<button>%s (%lld %s)</button></form> ", T(r, "Verify"),
           (long long)points_for_hours(h->hours, h->points_per_hour), T(r, "points"));
        hf(r, "<form method=post action=\"/service-hours/%lld/reject\" class=inline>",
           (long long)h->id);
        form_csrf(r);
        hf(r,
           "<input name=reason maxlength=200 size=10 placeholder=\"%s\"> <button>%s</button>"
           "</form>",
           T(r, "reason"), T(r, "Reject"));
    } else {
        hf(r, "%s", hours_status_label(r, h->status));
        if (h->points >= 0) hf(r, " · %lld %s", (long long)h->points, T(r, "points"));
    }
    H(r, "</td></tr>");
}

static void hours_table_head(Req *r)
{
    hf(r,
       "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
       "</tr></thead><tbody>",
       T(r, "Volunteer"), T(r, "Where"), T(r, "Date"), T(r, "Hours"), T(r, "What was done"),
       T(r, "Decision"));
}

static void hours_index(Req *r, int status, const char *notice)
{
    page_begin(r, T(r, "Hours awaiting verification"));
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/volunteers\">%s</a></nav><h1>%s</h1>", T(r, "Volunteers"),
       T(r, "Hours awaiting verification"));
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    hf(r, "<p class=note>%s</p>",
       T(r, "Hours of an activity are verified by its organiser; other hours by the organisers "
            "of the unit where the service was given. Nobody verifies their own."));
    /* what this caller may decide: never their own */
    DbStmt *s = db_q(r->db,
                     "SELECT " HOURS_COLS HOURS_FROM " WHERE h.status = 'logged'"
                     " AND (v.user_id IS NULL OR v.user_id <> ?)"
                     " AND ((h.activity_id IS NULL AND " REACH_SQL(
                         "o.path") ")"
                                   "  OR (h.activity_id IS NOT NULL AND " REACH_SQL(
                                       "ao.path") "))"
                                                  " ORDER BY h.served_on, h.id LIMIT 200",
                     "iisis", r->auth.user_id, REACH_ARGS(r, CAP_VOLUNTEER_MANAGE),
                     REACH_ARGS(r, CAP_ACTIVITY_WRITE));
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        ServiceHours h;
        hours_row(s, r->arena, &h);
        if (!n) hours_table_head(r);
        hours_row_html(r, &h, 1);
        n++;
    }
    db_done(s);
    if (n)
        H(r, "</tbody></table></div>");
    else
        hf(r, "<p class=empty>%s</p>", T(r, "Nothing awaits your verification."));
    s = db_q(r->db,
             "SELECT " HOURS_COLS HOURS_FROM " WHERE h.verified_by = ?"
             " ORDER BY h.verified_at DESC, h.id DESC LIMIT 20",
             "s", r->auth.login);
    n = 0;
    while (s && db_step(s) == DB_ROW) {
        ServiceHours h;
        hours_row(s, r->arena, &h);
        if (!n) {
            hf(r, "<h2>%s</h2>", T(r, "Decided by you lately"));
            hours_table_head(r);
        }
        hours_row_html(r, &h, 0);
        n++;
    }
    db_done(s);
    if (n) H(r, "</tbody></table></div>");
    page_end(r);
}

void hours_page_index(Req *r)
{
    const char *done = req_query(r, "done");
    hours_index(r, 200,
                done && !strcmp(done, "verified")   ? T(r, "The hours were verified.")
                : done && !strcmp(done, "rejected") ? T(r, "The hours were rejected.")
                                                    : NULL);
}

static void decide_page(Req *r, int verify)
{
    ServiceHours h;
    PtOutcome o;
    const char *why = NULL;
    const char *reason = req_form(r, "reason");
    if (reason && !valid_text(reason, 500)) reason = NULL;
    VolResult res = hours_decide(r, volunteer_id_param(r, "id"), verify, reason, &h, &o, &why);
    switch (res) {
    case VOL_OK:
        req_redirect(r, verify ? "/service-hours?done=verified" : "/service-hours?done=rejected");
        return;
    case VOL_NOT_FOUND:
        req_not_found(r);
        return;
    case VOL_FORBIDDEN:
        page_error(r, 403, why ? why : T(r, "You do not have permission to do this."));
        return;
    case VOL_CONFLICT:
        hours_index(r, 409, why);
        return;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}

void hours_page_verify(Req *r)
{
    decide_page(r, 1);
}

void hours_page_reject(Req *r)
{
    decide_page(r, 0);
}

/* ---- rewards ------------------------------------------------------------------------- */

static void field_error(Req *r, const RewardInput *in, const char *field)
{
    if (in && in->bad_field && !strcmp(in->bad_field, field))
        hf(r, "<span class=field-error>%s</span>", in->why);
}

/* The caller's first unit with volunteer.manage, for the form's default. */
static const char *own_unit(Req *r)
{
    for (int i = 0; i < r->auth.ngrants; i++)
        if (role_caps(r->auth.grants[i].role) & CAPBIT(CAP_VOLUNTEER_MANAGE))
            return r->auth.grants[i].org_code;
    return "";
}

static void reward_form(Req *r, const RewardInput *in)
{
    hf(r, "<form method=post action=\"/rewards\" class=card><h2>%s</h2>", T(r, "Add a reward"));
    form_csrf(r);
    hf(r, "<label>%s<input name=org required maxlength=32 value=\"%s\">",
       T(r, "Unit that keeps it (code)"), in && in->org ? in->org : own_unit(r));
    field_error(r, in, "org");
    hf(r, "</label><label>%s<select name=kind>", T(r, "Kind"));
    for (const char *const *k = reward_kinds; *k; k++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *k,
           in && in->kind && !strcmp(in->kind, *k) ? " selected" : "", reward_kind_label(r, *k));
    H(r, "</select>");
    field_error(r, in, "kind");
    hf(r, "</label><label>%s<input name=name_zh required maxlength=200 value=\"%s\">",
       T(r, "Name (Chinese)"), S_(in ? in->name_zh : NULL));
    field_error(r, in, "name_zh");
    hf(r, "</label><label>%s<input name=name_en maxlength=200 value=\"%s\">",
       T(r, "Name (English)"), S_(in ? in->name_en : NULL));
    field_error(r, in, "name_en");
    hf(r, "</label><label>%s<input name=points_cost required inputmode=numeric value=\"%s\">",
       T(r, "Points it costs"), S_(in ? in->cost_text : NULL));
    field_error(r, in, "points_cost");
    hf(r, "</label><label>%s<input name=stock required inputmode=numeric value=\"%s\">",
       T(r, "Stock"), S_(in ? in->stock_text : NULL));
    field_error(r, in, "stock");
    hf(r, "</label><button>%s</button></form>", T(r, "Add the reward"));
}

static void rewards_index(Req *r, int status, const char *notice, const RewardInput *in)
{
    page_begin(r, T(r, "Rewards"));
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/volunteers\">%s</a></nav><h1>%s</h1>", T(r, "Volunteers"),
       T(r, "Rewards and honours"));
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    hf(r, "<p class=note>%s</p>",
       T(r, "A reward kept by a unit is open to the volunteers of the pools at that unit and "
            "below. Volunteers redeem it from their phone; the points and the stock never go "
            "below zero."));
    DbStmt *s = db_q(r->db,
                     "SELECT " REWARD_COLS " FROM rewards w JOIN orgs o ON o.id = w.org_id"
                     " WHERE " REACH_SQL("o.path") " ORDER BY w.active DESC, o.path, w.points_cost,"
                                                   " w.id LIMIT 500",
                     "is", REACH_ARGS(r, CAP_VOLUNTEER_MANAGE));
    hf(r,
       "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Reward"), T(r, "Unit"), T(r, "Points"), T(r, "Stock"), T(r, "Change"));
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        Reward w;
        reward_row(s, r->arena, &w);
        hf(r,
           "<tr%s><td>%s <small class=meta>%s</small></td><td>%s</td><td data-n>%lld</td>"
           "<td data-n>%lld</td><td>",
           w.active ? "" : " class=inactive", reward_name(r, &w), reward_kind_label(r, w.kind),
           !strcmp(r->lang, "en") && *w.org_name_en ? w.org_name_en : w.org_name_zh,
           (long long)w.points_cost, (long long)w.stock);
        hf(r, "<form method=post action=\"/rewards/%lld\" class=inline>", (long long)w.id);
        form_csrf(r);
        hf(r,
           "<input type=hidden name=expected_stock value=\"%lld\"><input name=stock size=5 "
           "inputmode=numeric value=\"%lld\" aria-label=\"%s\"> <button>%s</button></form> ",
           (long long)w.stock, (long long)w.stock, T(r, "Stock"), T(r, "Set the stock"));
        hf(r, "<form method=post action=\"/rewards/%lld\" class=inline>", (long long)w.id);
        form_csrf(r);
        hf(r, "<input type=hidden name=active value=\"%s\"><button>%s</button></form></td></tr>",
           w.active ? "0" : "1", w.active ? T(r, "Withdraw") : T(r, "Offer again"));
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No reward yet."));
    reward_form(r, in);
    s = db_q(
        r->db,
        "SELECT d.created_at, v.name, w.name_zh, w.name_en, d.points FROM redemptions d"
        " JOIN rewards w ON w.id = d.reward_id JOIN volunteers v ON v.id = d.volunteer_id"
        " JOIN orgs o ON o.id = w.org_id WHERE " REACH_SQL("o.path") " ORDER BY d.id DESC LIMIT 30",
        "is", REACH_ARGS(r, CAP_VOLUNTEER_MANAGE));
    n = 0;
    while (s && db_step(s) == DB_ROW) {
        if (!n)
            hf(r,
               "<h2>%s</h2><div class=scroll><table><thead><tr><th scope=col>%s</th>"
               "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead>"
               "<tbody>",
               T(r, "Latest redemptions"), T(r, "When"), T(r, "Volunteer"), T(r, "Reward"),
               T(r, "Points"));
        const char *en = db_col_text(s, 3);
        hf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td data-n>%lld</td></tr>",
           fmt_time(r->arena, db_col_int(s, 0)), db_col_text(s, 1),
           !strcmp(r->lang, "en") && en && *en ? en : db_col_text(s, 2),
           (long long)db_col_int(s, 4));
        n++;
    }
    db_done(s);
    if (n) H(r, "</tbody></table></div>");
    page_end(r);
}

void reward_page_index(Req *r)
{
    const char *done = req_query(r, "done");
    rewards_index(r, 200, done ? T(r, "Saved.") : NULL, NULL);
}

static void send_result(Req *r, VolResult res, const RewardInput *in, const char *why)
{
    switch (res) {
    case VOL_OK:
        req_redirect(r, "/rewards?done=1");
        return;
    case VOL_NOT_FOUND:
        req_not_found(r);
        return;
    case VOL_INVALID:
        rewards_index(
            r, 422,
            arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), S_(in->bad_field), S_(in->why)),
            in);
        return;
    case VOL_CONFLICT:
        rewards_index(r, 409, why, NULL);
        return;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}

void reward_page_create(Req *r)
{
    RewardInput in = {0};
    const char *v;
    in.org = req_form(r, "org");
    if ((v = req_form(r, "kind"))) in.kind = v, in.has_kind = 1;
    if ((v = req_form(r, "name_zh"))) in.name_zh = v, in.has_name_zh = 1;
    if ((v = req_form(r, "name_en"))) in.name_en = v, in.has_name_en = 1;
    in.cost_text = req_form(r, "points_cost");
    in.stock_text = req_form(r, "stock");
    Reward w;
    send_result(r, reward_create(r, &in, &w), &in, NULL);
}

void reward_page_update(Req *r)
{
    RewardInput in = {0};
    const char *v;
    int64_t expected = -1;
    if ((v = req_form(r, "stock"))) in.stock_text = v;
    if ((v = req_form(r, "expected_stock")) && !parse_int(v, 0, 1000000, &expected)) expected = -1;
    if ((v = req_form(r, "active"))) in.active = !strcmp(v, "1"), in.has_active = 1;
    Reward w;
    const char *why = NULL;
    VolResult res = reward_update(r, volunteer_id_param(r, "id"), &in, expected, &w, &why);
    send_result(r, res, &in, why);
}
