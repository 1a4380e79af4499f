/* agreement_page.c — the agreement pages (see agreement.h): the list with its
 * filters, the form to record an agreement (party rows, covered projects), one
 * agreement with its parties and projects, the edit form and the link/unlink
 * buttons. Complete without JavaScript, phone-first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "agreement.h"
#include "core/util.h"
#include "org.h"
#include "project.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

enum { FORM_ROWS = 6 };

/* What a form shows: typed values after a refused submission, an agreement's
 * values when editing, or the defaults. */
typedef struct FormVals {
    const char *title, *owner, *start_date, *end_date, *summary, *projects;
    int nrows;
    struct {
        const char *org, *side, *supplies;
    } rows[AGREEMENT_MAX_PARTIES];
} FormVals;

static const char *v_or(const char *v, const char *d)
{
    return v ? v : d;
}

static const char *name_of(Req *r, const char *zh, const char *en)
{
    return !strcmp(r->lang, "en") && en && *en ? en : zh;
}

static void field_error(Req *r, const AgreementInput *in, const char *field)
{
    if (in && in->bad_field && !strncmp(in->bad_field, field, strlen(field)))
        hf(r, "<span class=field-error>%s %s</span>", in->bad_field, in->why);
}

/* Reads a list of project numbers ("12, 15 18"). 1, or 0 when a token is not one. */
static int parse_ids(const char *text, int64_t *out, int *n, int max)
{
    *n = 0;
    if (!text) return 1;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == ';' || *p == '\t' || *p == '\n' || *p == '\r' ||
               *p == '#')
            p++;
        if (!*p) break;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 1 || *n >= max) return 0;
        int dup = 0;
        for (int i = 0; i < *n; i++)
            dup |= out[i] == v;
        if (!dup) out[(*n)++] = v;
        p = end;
        if (*p && *p != ' ' && *p != ',' && *p != ';' && *p != '\t' && *p != '\n' && *p != '\r')
            return 0;
    }
    return 1;
}

/* Reads the agreement form into in and vals. */
static void read_form(Req *r, AgreementInput *in, FormVals *vals, int creating)
{
    const char *v;
    if ((v = req_form(r, "title"))) in->title = v, in->has_title = 1;
    if ((v = req_form(r, "start_date"))) in->start_date = v, in->has_start = 1;
    if ((v = req_form(r, "end_date"))) in->end_date = v, in->has_end = 1;
    if ((v = req_form(r, "summary"))) in->summary = v, in->has_summary = 1;
    in->owner = req_form(r, "owner");
    vals->title = in->title;
    vals->owner = in->owner;
    vals->start_date = in->start_date;
    vals->end_date = in->end_date;
    vals->summary = in->summary;
    for (int k = 0; k < AGREEMENT_MAX_PARTIES; k++) {
        char name[32];
        snprintf(name, sizeof name, "party_org_%d", k + 1);
        const char *org = req_form(r, name);
        if (org) in->has_parties = 1;
        snprintf(name, sizeof name, "party_side_%d", k + 1);
        const char *side = req_form(r, name);
        snprintf(name, sizeof name, "party_supplies_%d", k + 1);
        const char *sup = req_form(r, name);
        if (!org || !*org) continue;
        in->parties[in->nparties].org = org;
        in->parties[in->nparties].side = side ? side : "";
        in->parties[in->nparties].supplies = sup ? sup : "";
        vals->rows[vals->nrows].org = org;
        vals->rows[vals->nrows].side = side;
        vals->rows[vals->nrows].supplies = sup;
        in->nparties++;
        vals->nrows++;
    }
    if (creating) {
        vals->projects = req_form(r, "projects");
        in->has_projects = vals->projects && *vals->projects;
        if (!parse_ids(vals->projects, in->projects, &in->nprojects, AGREEMENT_MAX_PROJECTS)) {
            in->bad_field = "projects";
            in->why = T(r, "must be project numbers separated by commas");
        }
    }
}

static void side_options(Req *r, const char *current)
{
    for (const char *const *s = agreement_sides; *s; s++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *s,
           current && !strcmp(current, *s) ? " selected" : "", agreement_side_label(r, *s));
}

/* The agreement form: a new one (id 0, with owner and projects) or an edit. */
static void agreement_form(Req *r, int64_t id, const FormVals *v, const AgreementInput *in)
{
    if (id)
        hf(r, "<form method=post action=\"/agreements/%lld\" class=card><h2>%s</h2>", (long long)id,
           T(r, "Change the agreement"));
    else
        hf(r, "<form method=post action=\"/agreements\" class=card><h2>%s</h2>",
           T(r, "Record an agreement"));
    form_csrf(r);
    if (id) H(r, "<input type=hidden name=action value=edit>");
    hf(r, "<label>%s<input name=title required maxlength=200 value=\"%s\">", T(r, "Title"),
       v_or(v->title, ""));
    field_error(r, in, "title");
    H(r, "</label>");
    if (!id) {
        hf(r,
           "<label>%s<input name=owner required maxlength=32 value=\"%s\" "
           "placeholder=\"6501020001\">",
           T(r, "Kept by (unit code)"), v_or(v->owner, ""));
        field_error(r, in, "owner");
        H(r, "</label>");
    }
    hf(r, "<label>%s<input name=start_date type=date required value=\"%s\" placeholder=\"%s\">",
       T(r, "Start"), v_or(v->start_date, ""), "YYYY-MM-DD");
    field_error(r, in, "start_date");
    hf(r,
       "</label><label>%s<input name=end_date type=date required value=\"%s\" placeholder=\"%s\">",
       T(r, "End"), v_or(v->end_date, ""), "YYYY-MM-DD");
    field_error(r, in, "end_date");
    hf(r, "</label><p class=note>%s</p>",
       T(r, "Three years or more (end on or after the same day three years later) gives the "
            "projects it covers a long-term cooperation mechanism."));
    hf(r, "<fieldset><legend>%s</legend>", T(r, "Parties and what each supplies"));
    field_error(r, in, "parties");
    int rows = v->nrows + 2 > FORM_ROWS ? v->nrows + 2 : FORM_ROWS;
    if (rows > AGREEMENT_MAX_PARTIES) rows = AGREEMENT_MAX_PARTIES;
    for (int k = 0; k < rows; k++) {
        const char *org = k < v->nrows ? v->rows[k].org : "",
                   *side = k < v->nrows ? v->rows[k].side : NULL,
                   *sup = k < v->nrows ? v->rows[k].supplies : "";
        hf(r,
           "<label>%s %d<input name=party_org_%d maxlength=32 value=\"%s\" "
           "placeholder=\"%s\"></label><label>%s<select name=party_side_%d>",
           T(r, "Party (code)"), k + 1, k + 1, v_or(org, ""), T(r, "organisation code"),
           T(r, "Side"), k + 1);
        side_options(r, side);
        hf(r,
           "</select></label><label>%s<input name=party_supplies_%d maxlength=1000 value=\"%s\">"
           "</label>",
           T(r, "Supplies"), k + 1, v_or(sup, ""));
    }
    H(r, "</fieldset>");
    if (!id) {
        hf(r, "<label>%s<input name=projects maxlength=2000 value=\"%s\" placeholder=\"12, 15\">",
           T(r, "Projects it covers (numbers)"), v_or(v->projects, ""));
        field_error(r, in, "projects");
        H(r, "</label>");
    }
    hf(r, "<label>%s<textarea name=summary rows=4 maxlength=4000>%s</textarea>", T(r, "Summary"),
       v_or(v->summary, ""));
    field_error(r, in, "summary");
    hf(r, "</label><button>%s</button></form>", id ? T(r, "Save") : T(r, "Record the agreement"));
}

/* ---- the list ----------------------------------------------------------------------- */

void agreement_page_index(Req *r)
{
    AgreementFilter f;
    if (!agreement_filter_from_query(r, &f, 100)) return;
    const char *org = req_query(r, "org"), *party = req_query(r, "party"),
               *lt = req_query(r, "long_term");
    page_begin(r, T(r, "Cooperation agreements"));
    hf(r, "<h1>%s</h1>", T(r, "Cooperation agreements"));
    if (r->auth.caps & CAPBIT(CAP_PROJECT_WRITE))
        hf(r, "<p class=actions><a class=button href=\"/agreements/new\">%s</a></p>",
           T(r, "Record an agreement"));
    hf(r,
       "<form method=get action=\"/agreements\" class=filters><label>%s<input name=org size=12 "
       "maxlength=32 value=\"%s\" placeholder=\"653121\"></label><label>%s<input name=party "
       "size=12 maxlength=32 value=\"%s\" placeholder=\"P0004\"></label><label>%s<select "
       "name=long_term><option value=\"\">%s</option><option value=1%s>%s</option>"
       "<option value=0%s>%s</option></select></label><button>%s</button></form>",
       T(r, "Unit (code)"), v_or(org, ""), T(r, "Party (code)"), v_or(party, ""),
       T(r, "Three years or more"), T(r, "All"), f.long_term == 1 ? " selected" : "", T(r, "Yes"),
       f.long_term == 0 ? " selected" : "", T(r, "No"), T(r, "Filter"));
    DbStmt *s = agreement_list_query(r, &f);
    hf(r,
       "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
       "</tr></thead><tbody>",
       T(r, "Agreement"), T(r, "Kept by"), T(r, "Term"), T(r, "Three years or more"),
       T(r, "Parties"), T(r, "Projects"));
    int n = 0, more = 0;
    int64_t last = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        last = db_col_int(s, 0);
        hf(r,
           "<tr><td><a href=\"/agreements/%lld\">%s</a></td><td>%s</td><td>%s – %s</td>"
           "<td>%s</td><td data-n>%lld</td><td data-n>%lld</td></tr>",
           (long long)last, db_col_text(s, 1), name_of(r, db_col_text(s, 3), db_col_text(s, 4)),
           db_col_text(s, 5), db_col_text(s, 6), db_col_int(s, 7) ? T(r, "Yes") : T(r, "No"),
           (long long)db_col_int(s, 8), (long long)db_col_int(s, 9));
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No agreements match these filters."));
    if (more)
        hf(r,
           "<p><a "
           "href=\"/agreements?org=%s&amp;party=%s&amp;long_term=%s&amp;cursor=%lld\">%s</a></p>",
           url_encode(r->arena, v_or(org, "")), url_encode(r->arena, v_or(party, "")),
           url_encode(r->arena, v_or(lt, "")), (long long)last, T(r, "More"));
    page_end(r);
}

/* ---- recording one -------------------------------------------------------------------- */

/* The unit an agreement is most likely kept by: the caller's first project.write grant. */
static const char *own_unit(Req *r)
{
    for (int i = 0; i < r->auth.ngrants; i++)
        if (role_caps(r->auth.grants[i].role) & CAPBIT(CAP_PROJECT_WRITE))
            return r->auth.grants[i].org_code;
    return NULL;
}

void agreement_page_new(Req *r)
{
    FormVals v = {0};
    v.owner = req_query(r, "owner");
    v.projects = req_query(r, "project");
    if (v.owner && *v.owner) {
        Org o;
        int f = valid_code(v.owner) ? org_load(r->db, r->arena, v.owner, &o) : 0;
        if (f != 1 || !can(r, CAP_DATA_READ, o.path)) {
            req_not_found(r);
            return;
        }
        if (!can(r, CAP_PROJECT_WRITE, o.path)) {
            page_error(r, 403, T(r, "You do not have permission to do this."));
            return;
        }
    } else {
        v.owner = own_unit(r);
    }
    if (v.owner) {
        v.rows[0].org = v.owner;
        v.nrows = 1;
        Org o;
        if (org_load(r->db, r->arena, v.owner, &o) == 1)
            v.rows[0].side = !strcmp(o.kind, "school") ? "school"
                             : !strcmp(o.kind, "partner")
                                 ? (o.partner_kind ? o.partner_kind : "social")
                                 : "government";
    }
    page_begin(r, T(r, "Record an agreement"));
    hf(r, "<p><a href=\"/agreements\">%s</a></p>", T(r, "Back to the agreements"));
    agreement_form(r, 0, &v, NULL);
    page_end(r);
}

static void result_page(Req *r, const AgreementResult *res)
{
    if (res->status == 404)
        req_not_found(r);
    else if (res->status == 403)
        page_error(r, 403, T(r, "You do not have permission to do this."));
    else
        page_error(r, res->status, res->message);
}

void agreement_page_create(Req *r)
{
    AgreementInput *in = arena_alloc(r->arena, sizeof *in);
    FormVals v = {0};
    read_form(r, in, &v, 1);
    AgreementResult res = {0};
    if (in->bad_field)
        res.status = 422;
    else
        agreement_save(r, 0, in, &res);
    if (!res.status) {
        req_redirect(r, arena_printf(r->arena, "/agreements/%lld", (long long)res.id));
        return;
    }
    if (res.status != 422) {
        result_page(r, &res);
        return;
    }
    page_begin(r, T(r, "Record an agreement"));
    r->status = 422;
    page_notice(r, "error",
                arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), in->bad_field, in->why));
    agreement_form(r, 0, &v, in);
    page_end(r);
}

/* ---- one agreement -------------------------------------------------------------------- */

static void show(Req *r, const Agreement *ag, int status, const char *notice, const FormVals *edit,
                 const AgreementInput *in)
{
    page_begin(r, ag->title);
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/agreements\">%s</a> › <span>#%lld</span></nav>",
       T(r, "Cooperation agreements"), (long long)ag->id);
    hf(r, "<h1>%s <small>#%lld</small></h1>", ag->title, (long long)ag->id);
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    int lt = agreement_long_term(ag->start_date, ag->end_date);
    hf(r,
       "<dl class=facts><dt>%s</dt><dd><a href=\"/orgs/%s\">%s</a></dd><dt>%s</dt><dd>%s – %s"
       "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s, %s</dd></dl>",
       T(r, "Kept by"), ag->owner_code, name_of(r, ag->owner_name_zh, ag->owner_name_en),
       T(r, "Term"), ag->start_date, ag->end_date, T(r, "Long-term cooperation mechanism"),
       lt ? T(r, "Yes: three years or more") : T(r, "No: shorter than three years"),
       T(r, "Recorded"), ag->created_by, fmt_time(r->arena, ag->created_at));
    if (*ag->summary) hf(r, "<h2>%s</h2><p class=prewrap>%s</p>", T(r, "Summary"), ag->summary);
    hf(r,
       "<h2>%s</h2><div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s"
       "</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Parties"), T(r, "Organisation"), T(r, "Side"), T(r, "Supplies"));
    for (int i = 0; i < ag->nparties; i++) {
        const AgreementParty *p = &ag->parties[i];
        hf(r, "<tr><td>%s <small>%s</small></td><td>%s</td><td>%s</td></tr>",
           name_of(r, p->name_zh, p->name_en), p->code, agreement_side_label(r, p->side),
           *p->supplies ? p->supplies : "—");
    }
    H(r, "</tbody></table></div>");
    int may = can(r, CAP_PROJECT_WRITE, ag->owner_path);
    hf(r, "<h2>%s</h2>", T(r, "Projects it covers"));
    DbStmt *s = db_q(r->db,
                     "SELECT p.id, p.title, p.status, lo.name_zh, lo.name_en, p.start_date,"
                     " p.end_date FROM agreement_projects ap JOIN projects p"
                     " ON p.id = ap.project_id JOIN orgs lo ON lo.id = p.lead_org_id"
                     " WHERE ap.agreement_id = ? AND " PROJECT_REACH_SQL("p.id") " ORDER BY p.id",
                     "i" PROJECT_REACH_TYPES, ag->id, PROJECT_REACH_ARGS(r, CAP_DATA_READ));
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        if (!n)
            hf(r,
               "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
               "<th scope=col>%s</th><th scope=col>%s</th><th scope=col></th></tr></thead>"
               "<tbody>",
               T(r, "Project"), T(r, "Lead"), T(r, "Term"), T(r, "Status"));
        int64_t pid = db_col_int(s, 0);
        hf(r,
           "<tr><td><a href=\"/projects/%lld\">#%lld %s</a></td><td>%s</td><td>%s – %s</td>"
           "<td>%s</td><td>",
           (long long)pid, (long long)pid, db_col_text(s, 1),
           name_of(r, db_col_text(s, 3), db_col_text(s, 4)), db_col_text(s, 5), db_col_text(s, 6),
           project_status_label(r, db_col_text(s, 2)));
        if (may) {
            hf(r, "<form method=post action=\"/agreements/%lld\" class=inline>", (long long)ag->id);
            form_csrf(r);
            hf(r,
               "<input type=hidden name=action value=unlink><input type=hidden name=project "
               "value=\"%lld\"><button class=link>%s</button></form>",
               (long long)pid, T(r, "Remove"));
        }
        H(r, "</td></tr>");
        n++;
    }
    db_done(s);
    if (n) H(r, "</tbody></table></div>");
    if (ag->nprojects > n)
        hf(r, "<p class=note>%s %d</p>", T(r, "Projects outside your reach:"), ag->nprojects - n);
    if (!ag->nprojects) hf(r, "<p class=empty>%s</p>", T(r, "It covers no project yet."));
    if (may) {
        hf(r, "<form method=post action=\"/agreements/%lld\" class=filters>", (long long)ag->id);
        form_csrf(r);
        hf(r,
           "<input type=hidden name=action value=link><label>%s<input name=project "
           "inputmode=numeric maxlength=20 required></label><button>%s</button></form>",
           T(r, "Project number"), T(r, "Add the project"));
        FormVals v = {0};
        if (edit) {
            v = *edit;
        } else {
            v.title = ag->title;
            v.start_date = ag->start_date;
            v.end_date = ag->end_date;
            v.summary = ag->summary;
            for (int i = 0; i < ag->nparties && i < AGREEMENT_MAX_PARTIES; i++) {
                v.rows[i].org = ag->parties[i].code;
                v.rows[i].side = ag->parties[i].side;
                v.rows[i].supplies = ag->parties[i].supplies;
                v.nrows++;
            }
        }
        agreement_form(r, ag->id, &v, in);
    }
    if (can(r, CAP_AUDIT_READ, ag->owner_path))
        hf(r, "<p><a href=\"/audit?object=agreement:%lld\">%s</a></p>", (long long)ag->id,
           T(r, "Every change of this agreement (audit trail)"));
    page_end(r);
}

/* Loads the agreement of the path for a page; 1, or 0 with 404/503 sent. */
static int load_for_page(Req *r, Agreement *ag)
{
    int64_t id = agreement_id_param(r);
    int f = id ? agreement_load(r->db, r->arena, id, ag) : 0;
    if (f < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return 0;
    }
    if (!f || !agreement_visible(r, ag)) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

void agreement_page_show(Req *r)
{
    Agreement ag;
    if (load_for_page(r, &ag)) show(r, &ag, 200, NULL, NULL, NULL);
}

void agreement_page_update(Req *r)
{
    Agreement ag;
    if (!load_for_page(r, &ag)) return;
    const char *action = req_form(r, "action");
    AgreementInput *in = arena_alloc(r->arena, sizeof *in);
    FormVals v = {0};
    int64_t pid = 0;
    AgreementResult res = {0};
    if (action && (!strcmp(action, "link") || !strcmp(action, "unlink"))) {
        const char *ps = req_form(r, "project");
        if (!ps || !parse_int(ps, 1, INT64_MAX / 2, &pid)) {
            res.status = 422;
            in->bad_field = "project";
            in->why = T(r, "must be a project number");
        } else if (!strcmp(action, "link")) {
            in->link[in->nlink++] = pid;
        } else {
            in->unlink[in->nunlink++] = pid;
        }
    } else if (action && !strcmp(action, "edit")) {
        read_form(r, in, &v, 0);
    } else {
        res.status = 422;
        in->bad_field = "action";
        in->why = T(r, "must be edit, link or unlink");
    }
    if (!res.status) agreement_save(r, ag.id, in, &res);
    if (!res.status) {
        req_redirect(r, arena_printf(r->arena, "/agreements/%lld", (long long)ag.id));
        return;
    }
    if (res.status == 422 || res.status == 409) {
        Agreement now;
        if (agreement_load(r->db, r->arena, ag.id, &now) != 1) now = ag;
        const char *msg = res.status == 422 ? arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"),
                                                           in->bad_field, in->why)
                                            : res.message;
        show(r, &now, res.status, msg, action && !strcmp(action, "edit") ? &v : NULL, in);
        return;
    }
    result_page(r, &res);
}
