/* supervision_page.c — the supervision pages (see supervision.h): visits and
 * orders in reach with filters, overdue orders with counts by the unit below,
 * the form to record a visit, one visit with its orders and the answer, close
 * and reopen forms. Complete without JavaScript, phone-first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "org.h"
#include "project.h"
#include "supervision.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

static const char *v_or(const char *v, const char *d)
{
    return v ? v : d;
}

static const char *name_of(Req *r, const char *zh, const char *en)
{
    return !strcmp(r->lang, "en") && en && *en ? en : zh;
}

static void status_tag(Req *r, const Rectification *x)
{
    hf(r, "<span class=\"tag rect-%s\">%s</span>", x->status,
       rectification_status_label(r, x->status));
    if (x->overdue) hf(r, " <span class=\"tag rect-overdue\">%s</span>", T(r, "Overdue"));
}

/* The table of orders from a rect_list_query (at most limit rows); returns the
 * last id shown when there are more, else 0. */
static int64_t orders_table(Req *r, DbStmt *s, int64_t limit, const char *today, int with_visit)
{
    hf(r,
       "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Order"), T(r, "Unit"), T(r, "Demand"), T(r, "Deadline"), T(r, "Status"));
    int n = 0;
    int64_t last = 0, more = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == limit) {
            more = 1;
            break;
        }
        Rectification x;
        rect_row(s, r->arena, today, &x);
        if (with_visit)
            hf(r, "<tr><td><a href=\"/supervisions/%lld#order-%lld\">#%lld</a></td>",
               (long long)x.supervision_id, (long long)x.id, (long long)x.id);
        else
            hf(r, "<tr><td>#%lld</td>", (long long)x.id);
        hf(r, "<td>%s <small>%s</small></td><td>%s</td><td>%s</td><td>",
           name_of(r, x.org_name_zh, x.org_name_en), x.org_code, x.demand, x.deadline);
        status_tag(r, &x);
        H(r, "</td></tr>");
        last = x.id;
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No orders match these filters."));
    return more ? last : 0;
}

/* ---- the list ------------------------------------------------------------------------ */

void supervision_page_index(Req *r)
{
    VisitFilter vf;
    RectFilter rf;
    Org unit;
    int have;
    if (!supervision_filters(r, &vf, &rf, 50, &unit, &have)) return;
    char today[11];
    supervision_today(today);
    const char *org = req_query(r, "org"), *rating = req_query(r, "rating"),
               *status = req_query(r, "status"), *from = req_query(r, "from"),
               *to = req_query(r, "to"), *project = req_query(r, "project");
    page_begin(r, T(r, "Supervision"));
    hf(r, "<h1>%s</h1>", T(r, "Supervision"));
    H(r, "<p class=actions>");
    if (r->auth.caps & CAPBIT(CAP_SUPERVISE))
        hf(r, "<a class=button href=\"/supervisions/new%s%s\">%s</a> ", org && *org ? "?org=" : "",
           org && *org ? org : "", T(r, "Record a visit"));
    hf(r, "<a href=\"/supervisions?overdue=1%s%s\">%s</a></p>", org && *org ? "&org=" : "",
       org && *org ? org : "", T(r, "Overdue rectification orders"));
    hf(r,
       "<form method=get action=\"/supervisions\" class=filters><label>%s<input name=org size=12 "
       "maxlength=32 value=\"%s\" placeholder=\"653121\"></label><label>%s<select name=rating>"
       "<option value=\"\">%s</option>",
       T(r, "Unit (code)"), v_or(org, ""), T(r, "Rating"), T(r, "All"));
    for (const char *const *p = supervision_ratings; *p; p++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *p,
           rating && !strcmp(rating, *p) ? " selected" : "", supervision_rating_label(r, *p));
    hf(r, "</select></label><label>%s<select name=status><option value=\"\">%s</option>",
       T(r, "Order status"), T(r, "All"));
    for (const char *const *p = rectification_statuses; *p; p++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *p,
           status && !strcmp(status, *p) ? " selected" : "", rectification_status_label(r, *p));
    hf(r,
       "</select></label><label>%s<input name=from type=date value=\"%s\"></label><label>%s"
       "<input name=to type=date value=\"%s\"></label><label class=check><input type=checkbox "
       "name=overdue value=1%s> %s</label>",
       T(r, "Visited from"), v_or(from, ""), T(r, "to"), v_or(to, ""), rf.overdue ? " checked" : "",
       T(r, "Overdue only"));
    if (project && *project) hf(r, "<input type=hidden name=project value=\"%s\">", project);
    hf(r, "<button>%s</button></form>", T(r, "Filter"));

    if (rf.overdue || rf.status) {
        /* the orders first, with counts by the unit below */
        if (have) {
            hf(r, "<h2>%s · %s</h2>",
               rf.overdue ? T(r, "Overdue orders by unit") : T(r, "Orders by unit"),
               org_name(r, &unit));
            DbStmt *c = rect_counts_query(r, &rf, unit.id, today);
            hf(r,
               "<div class=scroll><table id=by-unit><thead><tr><th scope=col>%s</th>"
               "<th scope=col>%s</th></tr></thead><tbody>",
               T(r, "Unit"), T(r, "Orders"));
            int64_t total = 0;
            int rows = 0;
            while (c && db_step(c) == DB_ROW) {
                hf(r,
                   "<tr><td><a href=\"/supervisions?org=%s&amp;overdue=%d&amp;status=%s\">%s</a>"
                   "</td><td data-n>%lld</td></tr>",
                   db_col_text(c, 0), rf.overdue, v_or(rf.status, ""),
                   name_of(r, db_col_text(c, 1), db_col_text(c, 2)), (long long)db_col_int(c, 3));
                total += db_col_int(c, 3);
                rows++;
            }
            db_done(c);
            hf(r, "<tr><th scope=row>%s</th><td data-n><b>%lld</b></td></tr></tbody></table></div>",
               T(r, "Total"), (long long)total);
            (void)rows;
        }
        hf(r, "<h2>%s</h2>", rf.overdue ? T(r, "Overdue orders") : T(r, "Rectification orders"));
        int64_t more = orders_table(r, rect_list_query(r, &rf, today), rf.limit, today, 1);
        if (more)
            hf(r,
               "<p><a href=\"/supervisions?org=%s&amp;status=%s&amp;overdue=%d&amp;ocursor=%lld\">"
               "%s</a></p>",
               url_encode(r->arena, v_or(org, "")), url_encode(r->arena, v_or(rf.status, "")),
               rf.overdue, (long long)more, T(r, "More"));
        page_end(r);
        return;
    }
    hf(r, "<h2>%s</h2>", T(r, "Visits"));
    DbStmt *s = visit_list_query(r, &vf, today);
    hf(r,
       "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
       "</tr></thead><tbody>",
       T(r, "Visit"), T(r, "Unit"), T(r, "Date"), T(r, "Rating"), T(r, "Orders"), T(r, "Overdue"));
    int n = 0, more = 0;
    int64_t last = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == vf.limit) {
            more = 1;
            break;
        }
        Supervision v;
        int64_t no = 0, nd = 0;
        visit_row(s, r->arena, &v, &no, &nd);
        hf(r,
           "<tr><td><a href=\"/supervisions/%lld\">#%lld</a>%s%s</td><td>%s <small>%s</small>"
           "</td><td>%s</td><td>%s</td><td data-n>%lld</td><td data-n>%lld</td></tr>",
           (long long)v.id, (long long)v.id, v.project_title ? " · " : "",
           v.project_title ? v.project_title : "", name_of(r, v.org_name_zh, v.org_name_en),
           v.org_code, v.visited_on, supervision_rating_label(r, v.rating), (long long)no,
           (long long)nd);
        last = v.id;
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No visits match these filters."));
    if (more)
        hf(r,
           "<p><a href=\"/supervisions?org=%s&amp;rating=%s&amp;from=%s&amp;to=%s&amp;"
           "cursor=%lld\">%s</a></p>",
           url_encode(r->arena, v_or(org, "")), url_encode(r->arena, v_or(rating, "")),
           url_encode(r->arena, v_or(from, "")), url_encode(r->arena, v_or(to, "")),
           (long long)last, T(r, "More"));
    page_end(r);
}

/* ---- recording a visit ------------------------------------------------------------------ */

static void field_error(Req *r, const char *bad, const char *msg, const char *field)
{
    if (bad && !strcmp(bad, field)) hf(r, "<span class=field-error>%s</span>", msg);
}

/* The form, with in's values after a refused submission (bad names the field). */
static void visit_form(Req *r, const VisitInput *in, const char *bad, const char *msg)
{
    char today[11];
    supervision_today(today);
    hf(r, "<form method=post action=\"/supervisions\" class=card><h2>%s</h2>",
       T(r, "Record a visit"));
    form_csrf(r);
    hf(r, "<label>%s<input name=org required maxlength=32 value=\"%s\" placeholder=\"6531210001\">",
       T(r, "Unit visited (code)"), v_or(in->org, ""));
    field_error(r, bad, msg, "org");
    hf(r, "</label><label>%s<input name=project inputmode=numeric maxlength=20 value=\"%s\">",
       T(r, "Project there (number, optional)"), v_or(in->project, ""));
    field_error(r, bad, msg, "project");
    hf(r, "</label><label>%s<input name=visited_on type=date required value=\"%s\" max=\"%s\">",
       T(r, "Date of the visit"), v_or(in->visited_on, today), today);
    field_error(r, bad, msg, "visited_on");
    hf(r, "</label><label>%s<select name=rating>", T(r, "Rating"));
    for (const char *const *p = supervision_ratings; *p; p++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *p,
           in->rating && !strcmp(in->rating, *p) ? " selected" : "",
           supervision_rating_label(r, *p));
    H(r, "</select>");
    field_error(r, bad, msg, "rating");
    hf(r, "</label><label>%s<textarea name=findings rows=5 required maxlength=4000>%s</textarea>",
       T(r, "Findings"), v_or(in->findings, ""));
    field_error(r, bad, msg, "findings");
    hf(r, "</label><fieldset><legend>%s</legend>", T(r, "Rectification orders (optional)"));
    for (int i = 0; i < 3; i++) {
        hf(r,
           "<label>%s %d<textarea name=demand_%d rows=2 maxlength=2000>%s</textarea></label>"
           "<label>%s<input name=deadline_%d type=date value=\"%s\"></label>",
           T(r, "Demand"), i + 1, i + 1, i < in->norders ? v_or(in->orders[i].demand, "") : "",
           T(r, "Deadline"), i + 1, i < in->norders ? v_or(in->orders[i].deadline, "") : "");
        char f1[32], f2[32];
        snprintf(f1, sizeof f1, "orders[%d].demand", i);
        snprintf(f2, sizeof f2, "orders[%d].deadline", i);
        field_error(r, bad, msg, f1);
        field_error(r, bad, msg, f2);
    }
    hf(r, "</fieldset><button>%s</button></form>", T(r, "Record the visit"));
}

void supervision_page_new(Req *r)
{
    VisitInput in = {0};
    in.org = req_query(r, "org");
    in.project = req_query(r, "project");
    if (in.project && *in.project) {
        int64_t pid;
        Project p;
        if (!parse_int(in.project, 1, INT64_MAX / 2, &pid) ||
            project_get_visible(r, pid, &p) != 1) {
            req_not_found(r);
            return;
        }
        if (!in.org || !*in.org) {
            /* the first recipient school of the project in reach, else its lead */
            DbStmt *s = db_q(r->db,
                             "SELECT o.code, o.path FROM project_recipients pr JOIN orgs o"
                             " ON o.id = pr.school_id WHERE pr.project_id = ? ORDER BY o.code",
                             "i", pid);
            while (s && db_step(s) == DB_ROW && !in.org)
                if (can(r, CAP_SUPERVISE, db_col_text(s, 1)))
                    in.org = arena_strdup(r->arena, db_col_text(s, 0));
            db_done(s);
            if (!in.org) in.org = p.lead_code;
        }
    }
    if (in.org && *in.org) {
        Org o;
        int f = valid_code(in.org) ? org_load(r->db, r->arena, in.org, &o) : 0;
        if (f != 1 || !can(r, CAP_DATA_READ, o.path)) {
            req_not_found(r);
            return;
        }
        if (!can(r, CAP_SUPERVISE, o.path)) {
            page_error(r, 403, T(r, "You do not have permission to do this."));
            return;
        }
    }
    page_begin(r, T(r, "Record a visit"));
    hf(r, "<p><a href=\"/supervisions\">%s</a></p>", T(r, "Back to supervision"));
    visit_form(r, &in, NULL, NULL);
    page_end(r);
}

/* The message's field: the text before its first space. */
static const char *field_of(Req *r, const char *message)
{
    const char *sp = message ? strchr(message, ' ') : NULL;
    return sp ? arena_strndup(r->arena, message, (size_t)(sp - message)) : NULL;
}

static void result_page(Req *r, const SupResult *res)
{
    if (res->status == 404)
        req_not_found(r);
    else if (res->status == 403)
        page_error(r, 403, T(r, "You do not have permission to do this."));
    else
        page_error(r, res->status, res->message);
}

void supervision_page_create(Req *r)
{
    VisitInput in = {0};
    in.org = req_form(r, "org");
    in.project = req_form(r, "project");
    in.visited_on = req_form(r, "visited_on");
    in.findings = req_form(r, "findings");
    in.rating = req_form(r, "rating");
    for (int i = 0; i < 3; i++) {
        char n1[16], n2[16];
        snprintf(n1, sizeof n1, "demand_%d", i + 1);
        snprintf(n2, sizeof n2, "deadline_%d", i + 1);
        const char *d = req_form(r, n1), *l = req_form(r, n2);
        if ((!d || !*d) && (!l || !*l)) continue;
        in.orders[in.norders].demand = d;
        in.orders[in.norders].deadline = l;
        in.norders++;
    }
    SupResult res;
    supervision_create(r, &in, &res);
    if (!res.status) {
        req_redirect(r, arena_printf(r->arena, "/supervisions/%lld", (long long)res.id));
        return;
    }
    if (res.status != 422) {
        result_page(r, &res);
        return;
    }
    page_begin(r, T(r, "Record a visit"));
    r->status = 422;
    page_notice(r, "error", arena_printf(r->arena, "%s: %s", T(r, "Not saved"), res.message));
    visit_form(r, &in, field_of(r, res.message), res.message);
    page_end(r);
}

/* ---- one visit ------------------------------------------------------------------------------ */

static void show(Req *r, const Supervision *v, int status, const char *notice)
{
    page_begin(r, arena_printf(r->arena, "%s #%lld", T(r, "Supervision visit"), (long long)v->id));
    r->status = status;
    hf(r,
       "<nav class=crumbs><a href=\"/supervisions\">%s</a> › <a "
       "href=\"/supervisions?org=%s\">%s</a></nav>",
       T(r, "Supervision"), v->org_code, name_of(r, v->org_name_zh, v->org_name_en));
    hf(r, "<h1>%s · %s <small>#%lld</small></h1>", name_of(r, v->org_name_zh, v->org_name_en),
       v->visited_on, (long long)v->id);
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    hf(r,
       "<dl class=facts><dt>%s</dt><dd><a href=\"/orgs/%s\">%s</a></dd><dt>%s</dt><dd>%s</dd>"
       "<dt>%s</dt><dd>%s</dd>",
       T(r, "Unit visited"), v->org_code, name_of(r, v->org_name_zh, v->org_name_en), T(r, "Date"),
       v->visited_on, T(r, "Rating"), supervision_rating_label(r, v->rating));
    if (v->project_id)
        hf(r, "<dt>%s</dt><dd><a href=\"/projects/%lld\">#%lld %s</a></dd>", T(r, "Project"),
           (long long)v->project_id, (long long)v->project_id, v_or(v->project_title, ""));
    hf(r, "<dt>%s</dt><dd>%s, %s</dd></dl>", T(r, "Recorded"), v->created_by,
       fmt_time(r->arena, v->created_at));
    hf(r, "<h2>%s</h2><p class=prewrap>%s</p>", T(r, "Findings"), v->findings);
    hf(r, "<h2>%s</h2>", T(r, "Rectification orders"));
    if (!v->norders) hf(r, "<p class=empty>%s</p>", T(r, "No rectification order."));
    int may_answer = can(r, CAP_DATA_WRITE, v->org_path),
        may_supervise = can(r, CAP_SUPERVISE, v->org_path);
    for (int i = 0; i < v->norders; i++) {
        const Rectification *x = &v->orders[i];
        hf(r, "<article class=card id=order-%lld><h3>#%lld ", (long long)x->id, (long long)x->id);
        status_tag(r, x);
        hf(r, "</h3><p class=prewrap>%s</p><dl class=facts><dt>%s</dt><dd>%s</dd>", x->demand,
           T(r, "Deadline"), x->deadline);
        if (x->response)
            hf(r, "<dt>%s</dt><dd><p class=prewrap>%s</p><small>%s</small></dd>",
               T(r, "The unit's answer"), x->response, v_or(x->responded_by, ""));
        if (x->closed_by)
            hf(r, "<dt>%s</dt><dd>%s, %s</dd>", T(r, "Closed by"), x->closed_by,
               fmt_time(r->arena, x->closed_at));
        H(r, "</dl>");
        if (!strcmp(x->status, "open") && may_answer) {
            hf(r, "<form method=post action=\"/rectifications/%lld/answer\">", (long long)x->id);
            form_csrf(r);
            hf(r,
               "<label>%s<textarea name=response rows=3 required maxlength=4000></textarea>"
               "</label><button>%s</button></form>",
               T(r, "What the unit changed"), T(r, "Send the answer"));
        }
        if (!strcmp(x->status, "answered") && may_supervise) {
            hf(r, "<form method=post action=\"/rectifications/%lld/close\" class=inline>",
               (long long)x->id);
            form_csrf(r);
            hf(r, "<button>%s</button></form> ", T(r, "Accept and close"));
            hf(r, "<form method=post action=\"/rectifications/%lld/reopen\" class=filters>",
               (long long)x->id);
            form_csrf(r);
            hf(r,
               "<label>%s<input name=deadline type=date required></label><button>%s</button>"
               "</form>",
               T(r, "New deadline"), T(r, "Reopen"));
        }
        H(r, "</article>");
    }
    if (may_supervise) {
        hf(r, "<form method=post action=\"/supervisions/%lld/orders\" class=card><h3>%s</h3>",
           (long long)v->id, T(r, "Issue a rectification order"));
        form_csrf(r);
        hf(r,
           "<label>%s<textarea name=demand rows=3 required maxlength=2000></textarea></label>"
           "<label>%s<input name=deadline type=date required min=\"%s\"></label>"
           "<button>%s</button></form>",
           T(r, "Demand"), T(r, "Deadline"), v->visited_on, T(r, "Issue the order"));
    }
    if (can(r, CAP_AUDIT_READ, v->org_path))
        hf(r, "<p><a href=\"/audit?object=supervision:%lld\">%s</a></p>", (long long)v->id,
           T(r, "Every change of this visit (audit trail)"));
    page_end(r);
}

/* Loads visit `id` for a page if visible; 1, or 0 with 404/503 sent. */
static int load_visit(Req *r, int64_t id, Supervision *v)
{
    int f = id ? supervision_load(r->db, r->arena, id, v) : 0;
    if (f < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return 0;
    }
    if (!f || !can(r, CAP_DATA_READ, v->org_path)) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

void supervision_page_show(Req *r)
{
    Supervision v;
    if (load_visit(r, supervision_id_param(r), &v)) show(r, &v, 200, NULL);
}

void supervision_page_order(Req *r)
{
    int64_t sid = supervision_id_param(r);
    SupResult res;
    rectification_create(r, sid, req_form(r, "demand"), req_form(r, "deadline"), &res);
    if (!res.status) {
        req_redirect(r, arena_printf(r->arena, "/supervisions/%lld#order-%lld", (long long)sid,
                                     (long long)res.id));
        return;
    }
    Supervision v;
    if (res.status == 422 && load_visit(r, sid, &v)) {
        show(r, &v, 422, arena_printf(r->arena, "%s: %s", T(r, "Not saved"), res.message));
        return;
    }
    if (res.status != 422) result_page(r, &res);
}

static void page_move(Req *r, const char *action)
{
    int64_t id = supervision_id_param(r);
    SupResult res;
    rectification_move(r, id, action, req_form(r, "response"), req_form(r, "deadline"), &res);
    Rectification x;
    int f = res.status == 404 ? 0 : rectification_load(r->db, r->arena, id, &x);
    if (!res.status && f == 1) {
        req_redirect(r, arena_printf(r->arena, "/supervisions/%lld#order-%lld",
                                     (long long)x.supervision_id, (long long)id));
        return;
    }
    Supervision v;
    if ((res.status == 409 || res.status == 422) && f == 1 && load_visit(r, x.supervision_id, &v)) {
        show(r, &v, res.status,
             res.status == 422 ? arena_printf(r->arena, "%s: %s", T(r, "Not saved"), res.message)
                               : res.message);
        return;
    }
    if (res.status == 409 || res.status == 422) return; /* load_visit answered */
    result_page(r, &res);
}

void rectification_page_answer(Req *r)
{
    page_move(r, "answer");
}
void rectification_page_close(Req *r)
{
    page_move(r, "close");
}
void rectification_page_reopen(Req *r)
{
    page_move(r, "reopen");
}

/* ---- the project page's section ---------------------------------------------------------- */

void supervision_section(Req *r, const Project *p)
{
    char today[11];
    supervision_today(today);
    VisitFilter vf = {.project_id = p->id, .limit = 50};
    DbStmt *s = visit_list_query(r, &vf, today);
    hf(r, "<section id=supervision><h2>%s</h2>", T(r, "Supervision visits"));
    int n = 0;
    while (s && db_step(s) == DB_ROW && n < 50) {
        if (!n)
            hf(r,
               "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
               "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead>"
               "<tbody>",
               T(r, "Visit"), T(r, "Unit"), T(r, "Date"), T(r, "Rating"), T(r, "Orders"));
        Supervision v;
        int64_t no = 0, nd = 0;
        visit_row(s, r->arena, &v, &no, &nd);
        hf(r,
           "<tr><td><a href=\"/supervisions/%lld\">#%lld</a></td><td>%s</td><td>%s</td>"
           "<td>%s</td><td data-n>%lld",
           (long long)v.id, (long long)v.id, name_of(r, v.org_name_zh, v.org_name_en), v.visited_on,
           supervision_rating_label(r, v.rating), (long long)no);
        if (nd)
            hf(r, " <span class=\"tag rect-overdue\">%lld %s</span>", (long long)nd,
               T(r, "overdue"));
        H(r, "</td></tr>");
        n++;
    }
    db_done(s);
    if (n)
        H(r, "</tbody></table></div>");
    else
        hf(r, "<p class=empty>%s</p>", T(r, "No supervision visit about this project yet."));
    RectFilter rf = {.project_id = p->id, .limit = 50};
    DbStmt *o = rect_list_query(r, &rf, today);
    int64_t shown = 0;
    /* only the orders still open or answered: the closed ones are on the visit pages */
    while (o && db_step(o) == DB_ROW) {
        Rectification x;
        rect_row(o, r->arena, today, &x);
        if (!strcmp(x.status, "closed")) continue;
        if (!shown)
            hf(r,
               "<h3>%s</h3><div class=scroll><table><thead><tr><th scope=col>%s</th>"
               "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead>"
               "<tbody>",
               T(r, "Orders not yet closed"), T(r, "Order"), T(r, "Demand"), T(r, "Deadline"),
               T(r, "Status"));
        hf(r,
           "<tr><td><a href=\"/supervisions/%lld#order-%lld\">#%lld</a></td><td>%s</td>"
           "<td>%s</td><td>",
           (long long)x.supervision_id, (long long)x.id, (long long)x.id, x.demand, x.deadline);
        status_tag(r, &x);
        H(r, "</td></tr>");
        shown++;
    }
    db_done(o);
    if (shown) H(r, "</tbody></table></div>");
    if (project_can(r, CAP_SUPERVISE, p, NULL))
        hf(r, "<p class=actions><a class=button href=\"/supervisions/new?project=%lld\">%s</a></p>",
           (long long)p->id, T(r, "Record a visit about this project"));
    H(r, "</section>");
}
