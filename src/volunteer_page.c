/* volunteer_page.c — the organisers' and officials' pages of the registry (see
 * volunteer.h): the volunteers of a unit with the applications awaiting
 * approval and the totals by pool and unit, one volunteer with their hours and
 * ledger, the approve / reject / leave forms, and the Excel exports of hours and
 * points. The hours and rewards pages are in points_page.c. Phone-first and
 * complete without JavaScript. */
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
#include "xlsx.h"

#define S_(x) ((x) ? (x) : "")

static const char *unit_name(Req *r, const char *zh, const char *en)
{
    return !strcmp(r->lang, "en") && en && *en ? en : zh;
}

static void status_tag(Req *r, const char *status)
{
    hf(r, "<span class=\"tag vol-%s\">%s</span>", status, volunteer_status_label(r, status));
}

/* The tables of the totals, shared by the page and the Excel export. */
static void summary_tables(Req *r, const Summary *s, Table **pools, Table **units)
{
    Table *t =
        table_new(r->arena, "by-pool", T(r, "Totals by pool"), 8, T(r, "Pool"), T(r, "Kind"),
                  T(r, "Organising unit"), T(r, "Approved volunteers"), T(r, "Awaiting approval"),
                  T(r, "Hours verified"), T(r, "Points issued"), T(r, "Points redeemed"));
    t->note = arena_printf(r->arena, "%s %d",
                           T(r, "Hours by service date, points by ledger date, year"), s->year);
    for (int i = 0; i < s->npools; i++) {
        const PoolTotal *p = &s->pools[i];
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], pool_name(r, &p->pool))->href =
            arena_printf(r->arena, "/volunteers?pool=%s", url_encode(r->arena, p->pool.code));
        cell_text(&c[1], volunteer_kind_label(r, p->pool.kind));
        cell_text(&c[2], pool_org_name(r, &p->pool));
        cell_num(&c[3], (double)p->approved, 0, NULL);
        cell_num(&c[4], (double)p->pending, 0, NULL);
        cell_num(&c[5], p->hours, 1, NULL);
        cell_num(&c[6], (double)p->points_issued, 0, NULL);
        cell_num(&c[7], (double)p->points_redeemed, 0, NULL);
    }
    Cell *c = table_row(r->arena, t);
    cell_text(&c[0], T(r, "Total"));
    cell_num(&c[3], (double)s->total.approved, 0, NULL);
    cell_num(&c[4], (double)s->total.pending, 0, NULL);
    cell_num(&c[5], s->total.hours, 1, NULL);
    cell_num(&c[6], (double)s->total.points_issued, 0, NULL);
    cell_num(&c[7], (double)s->total.points_redeemed, 0, NULL);
    *pools = t;
    Table *u = table_new(r->arena, "by-unit", T(r, "Totals by unit"), 7, T(r, "Unit"),
                         T(r, "Pools"), T(r, "Approved volunteers"), T(r, "Awaiting approval"),
                         T(r, "Hours verified"), T(r, "Points issued"), T(r, "Points redeemed"));
    u->note = T(r, "The pools of each unit directly below, and of the unit itself.");
    for (int i = 0; i < s->nunits; i++) {
        const UnitTotal *x = &s->units[i];
        Cell *d = table_row(r->arena, u);
        const char *nm = unit_name(r, x->name_zh, x->name_en);
        cell_text(&d[0], x->self ? paren(r, nm, T(r, "the unit itself")) : nm)->href =
            x->self ? NULL : arena_printf(r->arena, "/volunteers?org=%s&year=%d", x->code, s->year);
        cell_num(&d[1], (double)x->pools, 0, NULL);
        cell_num(&d[2], (double)x->approved, 0, NULL);
        cell_num(&d[3], (double)x->pending, 0, NULL);
        cell_num(&d[4], x->hours, 1, NULL);
        cell_num(&d[5], (double)x->points_issued, 0, NULL);
        cell_num(&d[6], (double)x->points_redeemed, 0, NULL);
    }
    *units = u;
}

/* A small form posting one status change of volunteer id. */
static void decide_button(Req *r, int64_t id, const char *action, const char *label,
                          const char *back)
{
    hf(r, "<form method=post action=\"/volunteers/%lld/%s\" class=inline>", (long long)id, action);
    form_csrf(r);
    if (back) hf(r, "<input type=hidden name=back value=\"%s\">", back);
    hf(r, "<button>%s</button></form> ", label);
}

static void pool_form(Req *r, const Org *unit)
{
    hf(r,
       "<details><summary>%s</summary><form method=post action=\"/volunteers/pools\" class=card>",
       T(r, "Open a volunteer pool"));
    form_csrf(r);
    hf(r,
       "<label>%s<input name=org required maxlength=32 value=\"%s\"></label>"
       "<label>%s<input name=code required maxlength=32 placeholder=\"VP-653121-C2\"></label>"
       "<label>%s<select name=kind>",
       T(r, "Organising unit (code)"), unit->code, T(r, "Pool code"), T(r, "Kind"));
    for (const char *const *k = volunteer_pool_kinds; *k; k++)
        hf(r, "<option value=\"%s\">%s</option>", *k, volunteer_kind_label(r, *k));
    hf(r,
       "</select></label><label>%s<input name=name_zh required maxlength=200></label>"
       "<label>%s<input name=name_en maxlength=200></label>"
       "<label>%s<input name=points_per_hour inputmode=decimal value=\"10\"></label>"
       "<button>%s</button></form></details>",
       T(r, "Name (Chinese)"), T(r, "Name (English)"), T(r, "Points per verified hour"),
       T(r, "Open the pool"));
}

void volunteer_page_index(Req *r)
{
    Org unit;
    int year;
    if (!points_summary_params(r, &unit, &year)) return;
    VolFilter f;
    if (!volunteer_filter_from_query(r, &f, 50)) return;
    if (!f.org_path) f.org_path = unit.path;
    Summary sum;
    if (points_summary(r->db, r->arena, &unit, year, &sum) != 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    const char *name = org_name(r, &unit);
    page_begin(r, arena_printf(r->arena, "%s · %s", name, T(r, "Volunteers")));
    report_styles(r);
    hf(r, "<h1>%s <small>%s %d</small></h1>", T(r, "Volunteers"), name, year);
    if (req_query(r, "created")) page_notice(r, "ok", T(r, "The pool was opened."));
    const char *q = arena_printf(r->arena, "org=%s&amp;year=%d", unit.code, year);
    hf(r,
       "<p class=actions><a href=\"/service-hours\">%s</a> <a href=\"/rewards\">%s</a>"
       " <a href=\"/volunteers/hours.xlsx?%s\">%s</a> <a href=\"/volunteers/points.xlsx?%s\">%s</a>"
       " <a href=\"/volunteers/signup\">%s</a></p>",
       T(r, "Hours awaiting verification"), T(r, "Rewards"), q, T(r, "Hours (Excel)"), q,
       T(r, "Points (Excel)"), T(r, "The sign-up page"));
    hf(r,
       "<form method=get action=\"/volunteers\" class=filters><label>%s<input name=org size=12 "
       "maxlength=32 value=\"%s\"></label><label>%s<input name=year size=6 maxlength=4 "
       "inputmode=numeric value=\"%d\"></label><button>%s</button></form>",
       T(r, "Unit (code)"), unit.code, T(r, "Year"), year, T(r, "Show"));
    hf(r,
       "<ul class=stats><li><b>%lld</b> %s</li><li><b>%lld</b> %s</li><li><b>%s</b> %s</li>"
       "<li><b>%lld</b> %s</li><li><b>%lld</b> %s</li></ul>",
       (long long)sum.total.approved, T(r, "approved volunteers"), (long long)sum.total.pending,
       T(r, "awaiting approval"), fmt_num(r->arena, sum.total.hours, 1),
       T(r, "hours verified this year"), (long long)sum.total.points_issued, T(r, "points issued"),
       (long long)sum.total.points_redeemed, T(r, "points redeemed"));

    /* applications awaiting approval */
    VolFilter pf = {.status = "pending", .org_path = unit.path, .limit = 100};
    DbStmt *s = volunteer_list_query(r, &pf);
    hf(r, "<h2>%s</h2>", T(r, "Applications awaiting approval"));
    int n = 0;
    while (s && db_step(s) == DB_ROW && n < pf.limit) {
        Volunteer v;
        volunteer_row(s, r->arena, &v);
        if (!n)
            hf(r,
               "<div class=scroll><table class=vol-list><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
               "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s"
               "</th></tr></thead><tbody>",
               T(r, "Name"), T(r, "Pool"), T(r, "Affiliation"), T(r, "Skills"), T(r, "Applied"),
               T(r, "Decision"));
        hf(r,
           "<tr><td><a href=\"/volunteers/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
           "<td>%s</td><td>",
           (long long)v.id, v.name, pool_name(r, &v.pool), v.affiliation, v.skills,
           fmt_time(r->arena, v.updated_at));
        if (!volunteer_is_own(r, &v)) {
            decide_button(r, v.id, "approve", T(r, "Approve"), "list");
            decide_button(r, v.id, "reject", T(r, "Reject"), "list");
        }
        H(r, "</td></tr>");
        n++;
    }
    db_done(s);
    if (n)
        H(r, "</tbody></table></div>");
    else
        hf(r, "<p class=empty>%s</p>", T(r, "No application is waiting."));

    Table *tp, *tu;
    summary_tables(r, &sum, &tp, &tu);
    table_html(r, tp);
    if (sum.nunits > 1) table_html(r, tu);

    /* the volunteers, filtered */
    hf(r, "<h2>%s</h2>", T(r, "The volunteers"));
    hf(r,
       "<form method=get action=\"/volunteers\" class=filters><input type=hidden name=org "
       "value=\"%s\"><input type=hidden name=year value=\"%d\"><label>%s<select name=pool>"
       "<option value=\"\">%s</option>",
       unit.code, year, T(r, "Pool"), T(r, "All"));
    for (int i = 0; i < sum.npools; i++)
        hf(r, "<option value=\"%s\"%s>%s</option>", sum.pools[i].pool.code,
           f.pool_id == sum.pools[i].pool.id ? " selected" : "", pool_name(r, &sum.pools[i].pool));
    hf(r, "</select></label><label>%s<select name=status><option value=\"\">%s</option>",
       T(r, "Status"), T(r, "All"));
    for (const char *const *st = volunteer_statuses; *st; st++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *st,
           f.status && !strcmp(f.status, *st) ? " selected" : "", volunteer_status_label(r, *st));
    hf(r,
       "</select></label><label>%s<input name=q size=12 maxlength=100 value=\"%s\"></label>"
       "<button>%s</button></form>",
       T(r, "Search"), S_(f.q), T(r, "Filter"));
    s = volunteer_list_query(r, &f);
    hf(r,
       "<div class=scroll><table class=vol-list><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Name"), T(r, "Status"), T(r, "Mobile"), T(r, "Hours verified"), T(r, "Points"));
    n = 0;
    int more = 0;
    int64_t last = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        Volunteer v;
        volunteer_row(s, r->arena, &v);
        hf(r,
           "<tr><td><a href=\"/volunteers/%lld\">%s</a><br><small class=meta>%s</small></td><td>",
           (long long)v.id, v.name, pool_name(r, &v.pool));
        status_tag(r, v.status);
        hf(r, "</td><td>%s</td><td data-n>%s</td><td data-n>%lld</td></tr>",
           *v.phone ? v.phone : "—", fmt_num(r->arena, v.hours_verified, 1),
           (long long)v.points_balance);
        last = v.id;
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No volunteer matches these filters."));
    if (more) {
        const char *pc = req_query(r, "pool");
        hf(r,
           "<p><a href=\"/volunteers?org=%s&amp;year=%d&amp;pool=%s&amp;status=%s&amp;q=%s&amp;"
           "cursor=%lld\">%s</a></p>",
           unit.code, year, url_encode(r->arena, S_(pc)), url_encode(r->arena, S_(f.status)),
           url_encode(r->arena, S_(f.q)), (long long)last, T(r, "More"));
    }
    pool_form(r, &unit);
    page_end(r);
}

/* ---- one volunteer -------------------------------------------------------------- */

static void show(Req *r, const Volunteer *v, int status, const char *notice)
{
    page_begin(r, v->name);
    r->status = status;
    hf(r,
       "<nav class=crumbs><a href=\"/volunteers\">%s</a> › <a href=\"/volunteers?pool=%s\">%s</a>"
       "</nav>",
       T(r, "Volunteers"), v->pool.code, pool_name(r, &v->pool));
    hf(r, "<h1>%s</h1>", v->name);
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    H(r, "<p>");
    status_tag(r, v->status);
    H(r, "</p>");
    hf(r,
       "<dl class=facts><dt>%s</dt><dd>%s · %s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
       "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
       "<dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%s (%s %s)</dd>",
       T(r, "Pool"), pool_name(r, &v->pool), volunteer_kind_label(r, v->pool.kind),
       T(r, "Organising unit"), pool_org_name(r, &v->pool), T(r, "Mobile"),
       *v->phone ? v->phone : "—", T(r, "Affiliation"), *v->affiliation ? v->affiliation : "—",
       T(r, "Skills"), *v->skills ? v->skills : "—", T(r, "Availability"),
       *v->availability ? v->availability : "—", T(r, "Hours verified"),
       fmt_num(r->arena, v->hours_verified, 1), T(r, "Points balance"),
       (long long)v->points_balance, T(r, "Consent"), fmt_time(r->arena, v->consent_at),
       T(r, "text version"), v->consent_version);
    hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Account"),
       v->login ? v->login : T(r, "none (registered by an organiser)"));
    if (v->decided_by)
        hf(r, "<dt>%s</dt><dd>%s, %s</dd>", T(r, "Decided by"), v->decided_by,
           fmt_time(r->arena, v->decided_at));
    H(r, "</dl>");
    int own = volunteer_is_own(r, v), manage = volunteer_can_manage(r, v);
    if (volunteer_next_text(v->status)[0] && (own || manage)) {
        H(r, "<p class=actions>");
        if (manage && !own && volunteer_status_allowed(v->status, "approved")) {
            decide_button(r, v->id, "approve", T(r, "Approve"), NULL);
            decide_button(r, v->id, "reject", T(r, "Reject"), NULL);
        }
        if (volunteer_status_allowed(v->status, "left"))
            decide_button(r, v->id, "leave", T(r, "Mark as left"), NULL);
        H(r, "</p>");
    }
    /* hours, newest first */
    DbStmt *s = db_q(r->db,
                     "SELECT " HOURS_COLS HOURS_FROM " WHERE h.volunteer_id = ?"
                     " ORDER BY h.served_on DESC, h.id DESC LIMIT 50",
                     "i", v->id);
    hf(r,
       "<h2>%s</h2><div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Service hours"), T(r, "Date"), T(r, "Where"), T(r, "Hours"), T(r, "Status"),
       T(r, "Points"));
    while (s && db_step(s) == DB_ROW) {
        ServiceHours h;
        hours_row(s, r->arena, &h);
        hf(r, "<tr><td>%s</td><td>%s%s%s</td><td data-n>%s</td><td>%s</td><td data-n>%s</td></tr>",
           h.served_on, hours_org_name(r, &h), h.activity_title ? " · " : "", S_(h.activity_title),
           fmt_num(r->arena, h.hours, 1), hours_status_label(r, h.status),
           h.points >= 0 ? arena_printf(r->arena, "%lld", (long long)h.points) : "—");
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    s = ledger_query(r->db, v->id, 0, 50);
    hf(r,
       "<h2>%s</h2><div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Points ledger"), T(r, "When"), T(r, "What"), T(r, "Change"), T(r, "Balance after"));
    while (s && db_step(s) == DB_ROW)
        hf(r, "<tr><td>%s</td><td>%s</td><td data-n>%+lld</td><td data-n>%lld</td></tr>",
           fmt_time(r->arena, db_col_int(s, 6)), ledger_reason_label(r, db_col_text(s, 2)),
           (long long)db_col_int(s, 1), (long long)db_col_int(s, 4));
    db_done(s);
    H(r, "</tbody></table></div>");
    if (can(r, CAP_AUDIT_READ, v->pool.org_path))
        hf(r, "<p><a href=\"/audit?object=volunteer:%lld\">%s</a></p>", (long long)v->id,
           T(r, "Every change of this record (audit trail)"));
    page_end(r);
}

void volunteer_page_show(Req *r)
{
    Volunteer v;
    int64_t id = volunteer_id_param(r, "id");
    int f = id ? volunteer_load(r->db, r->arena, id, &v) : 0;
    if (f < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    if (!f || !volunteer_can_see(r, &v)) {
        req_not_found(r);
        return;
    }
    show(r, &v, 200, NULL);
}

static void decide_page(Req *r, const char *to)
{
    Volunteer v;
    const char *why = NULL;
    const char *reason = req_form(r, "reason");
    int64_t id = volunteer_id_param(r, "id");
    VolResult res = volunteer_decide(r, id, to, reason, &v, &why);
    const char *back = req_form(r, "back");
    switch (res) {
    case VOL_OK:
        req_redirect(r, back && !strcmp(back, "list")
                            ? "/volunteers"
                            : arena_printf(r->arena, "/volunteers/%lld", (long long)id));
        return;
    case VOL_NOT_FOUND:
        req_not_found(r);
        return;
    case VOL_FORBIDDEN:
        page_error(r, 403, why ? why : T(r, "You do not have permission to do this."));
        return;
    case VOL_CONFLICT:
        show(r, &v, 409, why);
        return;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}

void volunteer_page_approve(Req *r)
{
    decide_page(r, "approved");
}

void volunteer_page_reject(Req *r)
{
    decide_page(r, "rejected");
}

void volunteer_page_leave(Req *r)
{
    decide_page(r, "left");
}

/* ---- Excel ----------------------------------------------------------------------- */

void volunteer_hours_xlsx(Req *r)
{
    Org unit;
    int year;
    if (!points_summary_params(r, &unit, &year)) return;
    Summary sum;
    if (points_summary(r->db, r->arena, &unit, year, &sum) != 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    Table **tot = arena_alloc(r->arena, sizeof *tot * 2);
    summary_tables(r, &sum, &tot[0], &tot[1]);
    Table *t =
        table_new(r->arena, "hours", T(r, "Service hours"), 10, T(r, "Volunteer"), T(r, "Pool"),
                  T(r, "Where"), T(r, "Unit code"), T(r, "Activity"), T(r, "Date"), T(r, "Hours"),
                  T(r, "Status"), T(r, "Points"), T(r, "Verified by"));
    char from[24], to[24];
    snprintf(from, sizeof from, "%04d-01-01", year);
    snprintf(to, sizeof to, "%04d-01-01", year + 1);
    DbStmt *s = db_q(r->db,
                     "SELECT " HOURS_COLS HOURS_FROM
                     " WHERE substr(po.path, 1, length(CAST(? AS TEXT))) = ?"
                     " AND h.served_on >= ? AND h.served_on < ? ORDER BY h.served_on, h.id",
                     "ssss", unit.path, unit.path, from, to);
    while (s && db_step(s) == DB_ROW) {
        ServiceHours h;
        hours_row(s, r->arena, &h);
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], h.volunteer_name);
        cell_text(&c[1], h.pool_code);
        cell_text(&c[2], hours_org_name(r, &h));
        cell_text(&c[3], h.org_code);
        cell_text(&c[4], S_(h.activity_title));
        cell_text(&c[5], h.served_on);
        cell_num(&c[6], h.hours, 1, NULL);
        cell_text(&c[7], hours_status_label(r, h.status));
        if (h.points >= 0) cell_num(&c[8], (double)h.points, 0, NULL);
        cell_text(&c[9], S_(h.verified_by));
    }
    db_done(s);
    if (!s) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    Table **rows = arena_alloc(r->arena, sizeof *rows);
    rows[0] = t;
    Book *b = book_new(r);
    book_sheet(b, T(r, "Totals"), tot, 2);
    book_sheet(b, T(r, "Service hours"), rows, 1);
    book_send(b, arena_printf(r->arena, "volunteer-hours-%s-%d.xlsx", unit.code, year),
              arena_printf(r->arena, "%s-%s-%d.xlsx", unit.name_zh, "志愿服务时长", year));
}

void volunteer_points_xlsx(Req *r)
{
    Org unit;
    int year;
    if (!points_summary_params(r, &unit, &year)) return;
    int64_t from_t, to_t;
    points_year_bounds(year, &from_t, &to_t);
    Table *t = table_new(r->arena, "points", T(r, "Points by volunteer"), 8, T(r, "Volunteer"),
                         T(r, "Pool"), T(r, "Organising unit"), T(r, "Status"),
                         T(r, "Hours verified (all years)"), T(r, "Points issued"),
                         T(r, "Points redeemed"), T(r, "Balance"));
    t->note = arena_printf(r->arena, "%s %d", T(r, "Points issued and redeemed in"), year);
    DbStmt *s =
        db_q(r->db,
             "SELECT v.name, p.code, o.name_zh, v.status, v.hours_verified,"
             " (SELECT COALESCE(sum(l.delta), 0) FROM points_ledger l WHERE"
             "  l.volunteer_id = v.id AND l.reason = 'hours' AND l.created_at >= ?"
             "  AND l.created_at < ?),"
             " (SELECT COALESCE(-sum(l.delta), 0) FROM points_ledger l WHERE"
             "  l.volunteer_id = v.id AND l.reason = 'redemption' AND l.created_at >= ?"
             "  AND l.created_at < ?), v.points_balance"
             " FROM volunteers v JOIN volunteer_pools p ON p.id = v.pool_id"
             " JOIN orgs o ON o.id = p.org_id"
             " WHERE substr(o.path, 1, length(CAST(? AS TEXT))) = ? ORDER BY o.path, p.code,"
             " v.name, v.id",
             "iiiiss", from_t, to_t, from_t, to_t, unit.path, unit.path);
    while (s && db_step(s) == DB_ROW) {
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], arena_strdup(r->arena, db_col_text(s, 0)));
        cell_text(&c[1], arena_strdup(r->arena, db_col_text(s, 1)));
        cell_text(&c[2], arena_strdup(r->arena, db_col_text(s, 2)));
        cell_text(&c[3], volunteer_status_label(r, db_col_text(s, 3)));
        cell_num(&c[4], db_col_double(s, 4), 1, NULL);
        cell_num(&c[5], (double)db_col_int(s, 5), 0, NULL);
        cell_num(&c[6], (double)db_col_int(s, 6), 0, NULL);
        cell_num(&c[7], (double)db_col_int(s, 7), 0, NULL);
    }
    db_done(s);
    Table *x = table_new(r->arena, "redemptions", T(r, "Redemptions"), 5, T(r, "When"),
                         T(r, "Volunteer"), T(r, "Pool"), T(r, "Reward"), T(r, "Points"));
    DbStmt *s2 =
        db_q(r->db,
             "SELECT d.created_at, v.name, p.code, w.name_zh, d.points FROM redemptions d"
             " JOIN rewards w ON w.id = d.reward_id JOIN volunteers v ON v.id = d.volunteer_id"
             " JOIN volunteer_pools p ON p.id = v.pool_id JOIN orgs o ON o.id = p.org_id"
             " WHERE substr(o.path, 1, length(CAST(? AS TEXT))) = ? AND d.created_at >= ?"
             " AND d.created_at < ? ORDER BY d.created_at, d.id",
             "ssii", unit.path, unit.path, from_t, to_t);
    while (s2 && db_step(s2) == DB_ROW) {
        Cell *c = table_row(r->arena, x);
        cell_text(&c[0], fmt_time(r->arena, db_col_int(s2, 0)));
        cell_text(&c[1], arena_strdup(r->arena, db_col_text(s2, 1)));
        cell_text(&c[2], arena_strdup(r->arena, db_col_text(s2, 2)));
        cell_text(&c[3], arena_strdup(r->arena, db_col_text(s2, 3)));
        cell_num(&c[4], (double)db_col_int(s2, 4), 0, NULL);
    }
    db_done(s2);
    if (!s || !s2) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    Table **a = arena_alloc(r->arena, sizeof *a * 2);
    a[0] = t;
    a[1] = x;
    Book *b = book_new(r);
    book_sheet(b, T(r, "Points"), a, 1);
    book_sheet(b, T(r, "Redemptions"), a + 1, 1);
    book_send(b, arena_printf(r->arena, "volunteer-points-%s-%d.xlsx", unit.code, year),
              arena_printf(r->arena, "%s-%s-%d.xlsx", unit.name_zh, "志愿者积分", year));
}
