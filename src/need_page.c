/* need_page.c — the needs pages (see need.h): the list with its filters, the form
 * to file a need, a need with the status buttons allowed from where it stands,
 * and the summary of a county or prefecture (tables with a chart, report.h).
 * Phone-first and complete without JavaScript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "need.h"
#include "org.h"
#include "report.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

static const char *school_name(Req *r, const Need *n)
{
    if (!strcmp(r->lang, "en") && n->school_name_en && *n->school_name_en) return n->school_name_en;
    return n->school_name;
}

/* "2 teachers" — the quantity with its unit. */
static const char *quantity_text(Req *r, double q, const char *unit)
{
    return arena_printf(r->arena, "%s%s", fmt_num(r->arena, q, q == (double)(int64_t)q ? 0 : 1),
                        unit && *unit ? unit_suffix(r, unit) : "");
}

static void status_tag(Req *r, const char *status)
{
    hf(r, "<span class=\"tag need-%s\">%s</span>", status, need_status_label(r, status));
}

/* The options of a select over a NULL-terminated list; labels by `label`. */
static void options(Req *r, const char *const *values, const char *current,
                    const char *(*label)(Req *, const char *), int blank)
{
    if (blank) hf(r, "<option value=\"\">%s</option>", T(r, "All"));
    for (const char *const *v = values; *v; v++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *v,
           current && !strcmp(current, *v) ? " selected" : "", label(r, *v));
}

/* ---- the list ------------------------------------------------------------------ */

void need_page_index(Req *r)
{
    NeedFilter f;
    if (!need_filter_from_query(r, &f, 100)) return;
    const char *org = req_query(r, "org"), *school = req_query(r, "school"),
               *year = req_query(r, "year");
    page_begin(r, T(r, "Needs"));
    hf(r, "<h1>%s</h1>", T(r, "Needs"));
    H(r, "<p class=actions>");
    if (r->auth.caps & CAPBIT(CAP_NEED_WRITE))
        hf(r, "<a class=button href=\"/needs/new%s%s\">%s</a> ",
           school && *school ? "?school=" : "", school && *school ? school : "",
           T(r, "File a need"));
    hf(r, "<a href=\"/needs/summary%s%s\">%s</a></p>", org && *org ? "?org=" : "",
       org && *org ? org : "", T(r, "Summary by category and unit"));
    hf(r, "<form method=get action=\"/needs\" class=filters><label>%s<select name=category>",
       T(r, "Category"));
    options(r, need_categories, f.category, need_category_label, 1);
    hf(r, "</select></label><label>%s<select name=status>", T(r, "Status"));
    options(r, need_statuses, f.status, need_status_label, 1);
    hf(r,
       "</select></label><label>%s<input name=org size=12 maxlength=32 value=\"%s\" "
       "placeholder=\"653121\"></label><label>%s<input name=year size=6 maxlength=4 "
       "inputmode=numeric value=\"%s\"></label>",
       T(r, "Unit (code)"), org ? org : "", T(r, "Year"), year ? year : "");
    if (school && *school) hf(r, "<input type=hidden name=school value=\"%s\">", school);
    hf(r, "<button>%s</button></form>", T(r, "Filter"));
    DbStmt *s = need_list_query(r, &f);
    hf(r,
       "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "No."), T(r, "School"), T(r, "Category"), T(r, "Subject"), T(r, "Quantity"),
       T(r, "Priority"), T(r, "Wanted by"), T(r, "Status"));
    int n = 0, more = 0;
    int64_t last = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        Need nd;
        need_row(s, r->arena, &nd);
        hf(r,
           "<tr><td><a href=\"/needs/%lld\">#%lld</a></td><td><a href=\"/orgs/%s\">%s</a></td>"
           "<td>%s",
           (long long)nd.id, (long long)nd.id, nd.school_code, school_name(r, &nd),
           need_category_label(r, nd.category));
        if (!strcmp(nd.source, "derived"))
            hf(r, " <span class=tag>%s</span>", T(r, "from the portrait"));
        hf(r, "</td><td>%s</td><td data-n>%s</td><td data-n>%d</td><td>%s</td><td>",
           *nd.subject ? nd.subject : "—", quantity_text(r, nd.quantity, nd.unit), nd.priority,
           nd.wanted_by ? nd.wanted_by : "—");
        status_tag(r, nd.status);
        H(r, "</td></tr>");
        last = nd.id;
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No needs match these filters."));
    if (more) {
        const char *q = arena_printf(
            r->arena, "category=%s&status=%s&org=%s&school=%s&year=%s&cursor=%lld",
            url_encode(r->arena, f.category ? f.category : ""),
            url_encode(r->arena, f.status ? f.status : ""), url_encode(r->arena, org ? org : ""),
            url_encode(r->arena, school ? school : ""), url_encode(r->arena, year ? year : ""),
            (long long)last);
        hf(r, "<p><a href=\"/needs?%s\">%s</a></p>", q, T(r, "More"));
    }
    page_end(r);
}

/* ---- filing a need ------------------------------------------------------------- */

static void field_error(Req *r, const NeedInput *in, const char *field)
{
    if (in && in->bad_field && !strcmp(in->bad_field, field))
        hf(r, "<span class=field-error>%s</span>", in->why);
}

static const char *v_or(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

/* The form to file a need, its values from `in` after a refused submission. */
static void need_form(Req *r, const char *school, const NeedInput *in)
{
    hf(r, "<form method=post action=\"/needs\" class=card><h2>%s</h2>", T(r, "File a need"));
    form_csrf(r);
    hf(r,
       "<label>%s<input name=school required maxlength=32 value=\"%s\" "
       "placeholder=\"6531210001\"></label>",
       T(r, "School (code)"), v_or(in ? in->school : NULL, v_or(school, "")));
    field_error(r, in, "school");
    hf(r, "<label>%s<select name=category>", T(r, "Category"));
    options(r, need_categories, in ? in->category : NULL, need_category_label, 0);
    H(r, "</select>");
    field_error(r, in, "category");
    hf(r, "</label><label>%s<input name=subject maxlength=100 value=\"%s\" placeholder=\"%s\">",
       T(r, "Subject (where it applies)"), v_or(in ? in->subject : NULL, ""), T(r, "e.g. music"));
    field_error(r, in, "subject");
    hf(r, "</label><label>%s<input name=quantity required inputmode=decimal value=\"%s\">",
       T(r, "Quantity"), v_or(in ? in->quantity_text : NULL, ""));
    field_error(r, in, "quantity");
    hf(r, "</label><label>%s<input name=unit maxlength=32 value=\"%s\" placeholder=\"%s\">",
       T(r, "Unit"), v_or(in ? in->unit : NULL, ""), T(r, "teachers, seats, hours, sets, yuan"));
    field_error(r, in, "unit");
    hf(r, "</label><label>%s<select name=priority>", T(r, "Priority (5 is the most urgent)"));
    const char *pri = v_or(in ? in->priority_text : NULL, "3");
    for (int p = 1; p <= 5; p++)
        hf(r, "<option%s>%d</option>", atoi(pri) == p ? " selected" : "", p);
    H(r, "</select>");
    field_error(r, in, "priority");
    hf(r, "</label><label>%s<input name=year inputmode=numeric maxlength=4 value=\"%s\">",
       T(r, "Year"),
       v_or(in ? in->year_text : NULL, arena_printf(r->arena, "%d", need_this_year())));
    field_error(r, in, "year");
    hf(r, "</label><label>%s<input name=wanted_by type=date value=\"%s\" placeholder=\"%s\">",
       T(r, "Wanted by"), v_or(in ? in->wanted_by : NULL, ""), "YYYY-MM-DD");
    field_error(r, in, "wanted_by");
    hf(r, "</label><label>%s<textarea name=description rows=4 maxlength=2000>%s</textarea>",
       T(r, "Description"), v_or(in ? in->description : NULL, ""));
    field_error(r, in, "description");
    hf(r, "</label><label>%s<textarea name=evidence rows=3 maxlength=2000>%s</textarea>",
       T(r, "Evidence (what shows the need)"), v_or(in ? in->evidence : NULL, ""));
    field_error(r, in, "evidence");
    hf(r, "</label><button>%s</button></form>", T(r, "File the need"));
}

/* The school code a new need is most likely for: the caller's own school. */
static const char *own_school(Req *r)
{
    for (int i = 0; i < r->auth.ngrants; i++)
        if (!strcmp(r->auth.grants[i].org_kind, "school") &&
            (role_caps(r->auth.grants[i].role) & CAPBIT(CAP_NEED_WRITE)))
            return r->auth.grants[i].org_code;
    return NULL;
}

void need_page_new(Req *r)
{
    const char *school = req_query(r, "school");
    if (school && *school) {
        Org o;
        int f = valid_code(school) ? org_load(r->db, r->arena, school, &o) : 0;
        if (f != 1 || !can(r, CAP_DATA_READ, o.path)) {
            req_not_found(r);
            return;
        }
        if (!can(r, CAP_NEED_WRITE, o.path)) {
            page_error(r, 403, T(r, "You do not have permission to do this."));
            return;
        }
    } else {
        school = own_school(r);
    }
    page_begin(r, T(r, "File a need"));
    hf(r, "<p><a href=\"/needs\">%s</a></p>", T(r, "Back to the needs"));
    need_form(r, school, NULL);
    page_end(r);
}

void need_page_create(Req *r)
{
    NeedInput in = {0};
    const char *v;
    in.school = req_form(r, "school");
    if ((v = req_form(r, "category"))) in.category = v, in.has_category = 1;
    if ((v = req_form(r, "subject"))) in.subject = v, in.has_subject = 1;
    if ((v = req_form(r, "unit"))) in.unit = v, in.has_unit = 1;
    if ((v = req_form(r, "wanted_by"))) in.wanted_by = v, in.has_wanted_by = 1;
    if ((v = req_form(r, "description"))) in.description = v, in.has_description = 1;
    if ((v = req_form(r, "evidence"))) in.evidence = v, in.has_evidence = 1;
    in.quantity_text = req_form(r, "quantity");
    in.priority_text = req_form(r, "priority");
    in.year_text = req_form(r, "year");
    Need n;
    NeedResult res = need_create(r, &in, &n);
    switch (res) {
    case NEED_OK:
        req_redirect(r, arena_printf(r->arena, "/needs/%lld", (long long)n.id));
        return;
    case NEED_NOT_FOUND:
        req_not_found(r);
        return;
    case NEED_FORBIDDEN:
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    case NEED_INVALID:
        break;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    if (!in.quantity_text && !in.bad_field) in.bad_field = "quantity";
    page_begin(r, T(r, "File a need"));
    r->status = 422;
    page_notice(r, "error",
                arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), in.bad_field, in.why));
    need_form(r, in.school, &in);
    page_end(r);
}

/* ---- one need ----------------------------------------------------------------------- */

/* The button text for a move to status `to`. */
static const char *action_label(Req *r, const char *from, const char *to)
{
    if (!strcmp(to, "open"))
        return !strcmp(from, "proposed") ? T(r, "Confirm the need") : T(r, "Back to open");
    if (!strcmp(to, "dismissed")) return T(r, "Dismiss");
    if (!strcmp(to, "matched")) return T(r, "Mark as matched");
    if (!strcmp(to, "in_progress")) return T(r, "Start delivery");
    if (!strcmp(to, "met")) return T(r, "Mark as met");
    if (!strcmp(to, "closed")) return T(r, "Close");
    return to;
}

static void show(Req *r, const Need *n, int status, const char *notice)
{
    page_begin(r, arena_printf(r->arena, "%s #%lld", T(r, "Need"), (long long)n->id));
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/needs\">%s</a> › <a href=\"/needs?school=%s\">%s</a></nav>",
       T(r, "Needs"), n->school_code, school_name(r, n));
    hf(r, "<h1>%s · %s <small>#%lld</small></h1>", need_category_label(r, n->category),
       *n->subject ? n->subject : school_name(r, n), (long long)n->id);
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    H(r, "<p>");
    status_tag(r, n->status);
    H(r, "</p>");
    hf(r,
       "<dl class=facts><dt>%s</dt><dd><a href=\"/orgs/%s\">%s</a></dd><dt>%s</dt><dd>%d</dd>"
       "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
       "<dt>%s</dt><dd>%d</dd><dt>%s</dt><dd>%s</dd>",
       T(r, "School"), n->school_code, school_name(r, n), T(r, "Year"), n->year, T(r, "Category"),
       need_category_label(r, n->category), T(r, "Subject"), *n->subject ? n->subject : "—",
       T(r, "Quantity"), quantity_text(r, n->quantity, n->unit), T(r, "Priority"), n->priority,
       T(r, "Wanted by"), n->wanted_by ? n->wanted_by : "—");
    if (n->met_quantity > 0)
        hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Met so far"),
           quantity_text(r, n->met_quantity, n->unit));
    if (!strcmp(n->source, "derived")) {
        hf(r, "<dt>%s</dt><dd>%s (%s %s", T(r, "Source"), T(r, "proposed from the portrait"),
           T(r, "rule"), n->rule_code ? n->rule_code : "");
        if (n->has_trigger)
            hf(r, "; %s %s (%s)", T(r, "figure"), fmt_num(r->arena, n->trigger_value, 1),
               n->trigger_period ? n->trigger_period : "");
        H(r, ")</dd>");
    } else {
        hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Source"), T(r, "filed by a person"));
    }
    hf(r, "<dt>%s</dt><dd>%s, %s</dd><dt>%s</dt><dd>%s</dd></dl>", T(r, "Filed"), n->created_by,
       fmt_time(r->arena, n->created_at), T(r, "Last change"), fmt_time(r->arena, n->updated_at));
    if (*n->description)
        hf(r, "<h2>%s</h2><p class=prewrap>%s</p>", T(r, "Description"), n->description);
    if (*n->evidence) hf(r, "<h2>%s</h2><p class=prewrap>%s</p>", T(r, "Evidence"), n->evidence);
    const char *next[8];
    int k = need_next_statuses(n->status, next, 8);
    if (k && can(r, CAP_NEED_WRITE, n->school_path)) {
        hf(r, "<h2>%s</h2><p class=actions>", T(r, "Change the status"));
        for (int i = 0; i < k; i++) {
            hf(r, "<form method=post action=\"/needs/%lld/status\" class=inline>",
               (long long)n->id);
            form_csrf(r);
            hf(r, "<input type=hidden name=status value=\"%s\"><button>%s</button></form> ",
               next[i], action_label(r, n->status, next[i]));
        }
        H(r, "</p>");
    } else if (!k) {
        hf(r, "<p class=note>%s</p>", T(r, "This status is final."));
    }
    if (can(r, CAP_AUDIT_READ, n->school_path))
        hf(r, "<p><a href=\"/audit?object=need:%lld\">%s</a></p>", (long long)n->id,
           T(r, "Every change of this need (audit trail)"));
    page_end(r);
}

/* Loads the need of the path for a page; 1, or 0 with a 404 sent. */
static int load_for_page(Req *r, Need *n)
{
    int64_t id = need_id_param(r);
    int f = id ? need_load(r->db, r->arena, id, n) : 0;
    if (f < 0) {
        page_error(r, 500, db_errmsg(r->db));
        return 0;
    }
    if (!f || !can(r, CAP_DATA_READ, n->school_path)) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

void need_page_show(Req *r)
{
    Need n;
    if (load_for_page(r, &n)) show(r, &n, 200, NULL);
}

void need_page_status(Req *r)
{
    NeedInput in = {0};
    in.status = req_form(r, "status");
    in.has_status = in.status != NULL;
    Need n = {0};
    const char *why = NULL;
    NeedResult res = in.has_status ? need_update(r, need_id_param(r), &in, &n, &why) : NEED_INVALID;
    if (!in.has_status) {
        Need chk;
        if (!load_for_page(r, &chk)) return;
        if (!can(r, CAP_NEED_WRITE, chk.school_path))
            res = NEED_FORBIDDEN;
        else
            in.bad_field = "status", in.why = T(r, "is required");
    }
    switch (res) {
    case NEED_OK:
        req_redirect(r, arena_printf(r->arena, "/needs/%lld", (long long)n.id));
        return;
    case NEED_NOT_FOUND:
        req_not_found(r);
        return;
    case NEED_FORBIDDEN:
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    case NEED_CONFLICT:
        show(r, &n, 409, why);
        return;
    case NEED_INVALID:
        page_error(r, 422, arena_printf(r->arena, "%s %s", in.bad_field, in.why));
        return;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}

/* ---- the summary -------------------------------------------------------------------- */

/* The statuses drawn in the charts: the live ones. */
static const char *const charted[] = {"proposed", "open", "matched", "in_progress", "met", NULL};

static int status_index(const char *s)
{
    for (int i = 0; need_statuses[i]; i++)
        if (!strcmp(need_statuses[i], s)) return i;
    return -1;
}

static int is_charted(const char *s)
{
    for (int i = 0; charted[i]; i++)
        if (!strcmp(charted[i], s)) return 1;
    return 0;
}

enum { NST = 7, NCAT = 8, MAX_KIDS = 400 };

typedef struct Kid {
    Org o;
    int64_t count[NST], total;
} Kid;

/* Most needs first, then by code. */
static int cmp_kid(const void *a, const void *b)
{
    const Kid *x = a, *y = b;
    if (x->total != y->total) return x->total < y->total ? 1 : -1;
    return strcmp(x->o.code, y->o.code);
}

enum { CHART_TOP = 15 };

void need_page_summary(Req *r)
{
    const char *code = req_query(r, "org"), *ys = req_query(r, "year");
    int64_t year = need_this_year();
    if (ys && *ys && !parse_int(ys, 2020, 2100, &year)) {
        page_error(r, 400, T(r, "year must be a year such as 2026."));
        return;
    }
    if (!code || !*code) {
        for (int i = 0; i < r->auth.ngrants && (!code || !*code); i++)
            if (role_caps(r->auth.grants[i].role) & CAPBIT(CAP_DATA_READ))
                code = r->auth.grants[i].org_code;
    }
    Org unit;
    int f = code && valid_code(code) ? org_load(r->db, r->arena, code, &unit) : 0;
    if (f < 0) {
        page_error(r, 500, db_errmsg(r->db));
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, unit.path) || !strcmp(unit.kind, "partner")) {
        req_not_found(r);
        return;
    }
    /* by category and status over the whole unit */
    int64_t by[NCAT][NST];
    memset(by, 0, sizeof by);
    DbStmt *s = db_q(r->db,
                     "SELECT n.category, n.status, count(*) FROM needs n"
                     " JOIN orgs o ON o.id = n.school_id"
                     " WHERE substr(o.path, 1, length(CAST(? AS TEXT))) = ? AND n.year = ?"
                     " GROUP BY n.category, n.status",
                     "ssi", unit.path, unit.path, year);
    while (s && db_step(s) == DB_ROW) {
        int si = status_index(db_col_text(s, 1)), ci = -1;
        for (int i = 0; need_categories[i]; i++)
            if (!strcmp(need_categories[i], db_col_text(s, 0))) ci = i;
        if (si >= 0 && ci >= 0) by[ci][si] += db_col_int(s, 2);
    }
    db_done(s);
    /* by child unit */
    Kid *kids = arena_alloc(r->arena, sizeof *kids * MAX_KIDS);
    int nk = 0;
    s = db_q(r->db, "SELECT code FROM orgs WHERE parent_id = ? AND kind <> 'partner' ORDER BY code",
             "i", unit.id);
    const char **codes = arena_alloc(r->arena, sizeof *codes * MAX_KIDS);
    while (s && db_step(s) == DB_ROW && nk < MAX_KIDS)
        codes[nk++] = arena_strdup(r->arena, db_col_text(s, 0));
    db_done(s);
    for (int i = 0; i < nk; i++)
        if (org_load(r->db, r->arena, codes[i], &kids[i].o) != 1) {
            page_error(r, 500, db_errmsg(r->db));
            return;
        }
    s = db_q(r->db,
             "SELECT c.code, n.status, count(*) FROM orgs c"
             " JOIN orgs o ON substr(o.path, 1, length(c.path)) = c.path"
             " JOIN needs n ON n.school_id = o.id"
             " WHERE c.parent_id = ? AND n.year = ? GROUP BY c.code, n.status",
             "ii", unit.id, year);
    while (s && db_step(s) == DB_ROW) {
        const char *kc = db_col_text(s, 0);
        int si = status_index(db_col_text(s, 1));
        for (int i = 0; i < nk && si >= 0; i++)
            if (!strcmp(kids[i].o.code, kc)) {
                kids[i].count[si] += db_col_int(s, 2);
                kids[i].total += db_col_int(s, 2);
            }
    }
    db_done(s);

    const char *name = org_name(r, &unit);
    page_begin(r, arena_printf(r->arena, "%s · %s", name, T(r, "Needs summary")));
    report_styles(r);
    hf(r, "<nav class=crumbs><a href=\"/needs\">%s</a> › <span>%s</span></nav>", T(r, "Needs"),
       name);
    hf(r, "<h1>%s <small>%s %lld</small></h1>", name, T(r, "Needs summary"), (long long)year);
    hf(r,
       "<form method=get action=\"/needs/summary\" class=filters><label>%s<input name=org "
       "size=12 maxlength=32 value=\"%s\"></label><label>%s<input name=year size=6 maxlength=4 "
       "inputmode=numeric value=\"%lld\"></label><button>%s</button></form>",
       T(r, "Unit (code)"), unit.code, T(r, "Year"), (long long)year, T(r, "Show"));
    hf(r, "<p class=actions><a href=\"/needs?org=%s&amp;year=%lld\">%s</a></p>", unit.code,
       (long long)year, T(r, "The needs, one by one"));

    /* table 1: category × status */
    Table *t =
        table_new(r->arena, "by-category", T(r, "Needs by category and status"), NST + 2,
                  T(r, "Category"), need_status_label(r, "proposed"), need_status_label(r, "open"),
                  need_status_label(r, "matched"), need_status_label(r, "in_progress"),
                  need_status_label(r, "met"), need_status_label(r, "closed"),
                  need_status_label(r, "dismissed"), T(r, "Total"));
    t->chart = "bar";
    t->unit = T(r, "needs");
    t->note = T(r, "Number of needs of the year in the whole unit; the chart shows the live "
                   "statuses.");
    int64_t coltot[NST + 1];
    memset(coltot, 0, sizeof coltot);
    for (int ci = 0; need_categories[ci]; ci++) {
        Cell *c = table_row(r->arena, t);
        const char *cl = need_category_label(r, need_categories[ci]);
        cell_text(&c[0], cl)->href = arena_printf(r->arena, "/needs?org=%s&category=%s&year=%lld",
                                                  unit.code, need_categories[ci], (long long)year);
        int64_t tot = 0;
        for (int si = 0; si < NST; si++) {
            Cell *x = cell_num(&c[1 + si], (double)by[ci][si], 0, NULL);
            if (is_charted(need_statuses[si])) {
                x->x = cl;
                x->series = need_status_label(r, need_statuses[si]);
            }
            tot += by[ci][si];
            coltot[si] += by[ci][si];
        }
        cell_num(&c[1 + NST], (double)tot, 0, NULL);
        coltot[NST] += tot;
    }
    Cell *c = table_row(r->arena, t);
    cell_text(&c[0], T(r, "Total"));
    for (int si = 0; si <= NST; si++)
        cell_num(&c[1 + si], (double)coltot[si], 0, NULL);
    table_html(r, t);

    /* table 2: by child unit */
    if (nk) {
        const char *word = !strcmp(unit.kind, "region")       ? T(r, "Prefecture")
                           : !strcmp(unit.kind, "prefecture") ? T(r, "County")
                                                              : T(r, "School");
        Table *u = table_new(r->arena, "by-unit", T(r, "Needs by unit below"), NST + 2, word,
                             need_status_label(r, "proposed"), need_status_label(r, "open"),
                             need_status_label(r, "matched"), need_status_label(r, "in_progress"),
                             need_status_label(r, "met"), need_status_label(r, "closed"),
                             need_status_label(r, "dismissed"), T(r, "Total"));
        u->chart = "hbar";
        u->unit = T(r, "needs");
        qsort(kids, (size_t)nk, sizeof *kids, cmp_kid);
        if (nk > CHART_TOP)
            u->note = T(r, "Units with the most needs first; the chart shows the first 15.");
        for (int i = 0; i < nk; i++) {
            Cell *row = table_row(r->arena, u);
            const char *kn = org_name(r, &kids[i].o);
            cell_text(&row[0], kn)->href =
                strcmp(kids[i].o.kind, "school")
                    ? arena_printf(r->arena, "/needs/summary?org=%s&year=%lld", kids[i].o.code,
                                   (long long)year)
                    : arena_printf(r->arena, "/needs?school=%s&year=%lld", kids[i].o.code,
                                   (long long)year);
            for (int si = 0; si < NST; si++) {
                Cell *x = cell_num(&row[1 + si], (double)kids[i].count[si], 0, NULL);
                if (i < CHART_TOP && is_charted(need_statuses[si])) {
                    x->x = kn;
                    x->series = need_status_label(r, need_statuses[si]);
                }
            }
            cell_num(&row[1 + NST], (double)kids[i].total, 0, NULL);
        }
        table_html(r, u);
    }
    charts_scripts(r);
    page_end(r);
}
