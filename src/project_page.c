/* project_page.c — the project pages (see project.h): the list with its filters,
 * counts by status and Excel export, the application form, a project with its
 * approval chain, the actions open to the caller and the sections of the other
 * project modules, and the edit form of a draft. Phone-first, no JavaScript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/money.h"
#include "core/util.h"
#include "need.h"
#include "project_int.h"
#include "report.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "xlsx.h"

static const char *v_or(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

static void status_tag(Req *r, const char *status)
{
    hf(r, "<span class=\"tag project-%s\">%s</span>", status, project_status_label(r, status));
}

static void lag_mark(Req *r, const Project *p)
{
    if (p->lagging)
        hf(r, " <span class=\"tag project-lagging\" title=\"%s\">⚠ %s</span>",
           T(r, "A milestone is late or progress reports have stopped"), T(r, "Lagging"));
}

static const char *school_name(Req *r, const ProjectSchool *s)
{
    if (!strcmp(r->lang, "en") && s->name_en && *s->name_en) return s->name_en;
    return s->name;
}

/* "2 schools: 疏附县第一小学, …" — the recipients in one line. */
static const char *recipients_line(Req *r, const Project *p)
{
    ProjectSchool rs[PROJECT_MAX_RECIPIENTS];
    int n = project_recipients(r->db, r->arena, p->id, rs, PROJECT_MAX_RECIPIENTS);
    if (n <= 0) return "—";
    if (n == 1) return school_name(r, &rs[0]);
    return arena_printf(r->arena, "%s %s %d %s", school_name(r, &rs[0]), T(r, "and"), n - 1,
                        T(r, "more"));
}

static void options(Req *r, const char *const *values, const char *current,
                    const char *(*label)(Req *, const char *), int blank)
{
    if (blank) hf(r, "<option value=\"\">%s</option>", T(r, "All"));
    for (const char *const *v = values; *v; v++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *v,
           current && !strcmp(current, *v) ? " selected" : "", label(r, *v));
}

/* The filter as a query string (values URL-encoded), without the cursor. */
static const char *filter_query(Req *r)
{
    static const char *const keys[] = {"status", "kind", "org",     "lead",
                                       "school", "year", "lagging", NULL};
    const char *q = "";
    for (const char *const *k = keys; *k; k++) {
        const char *v = req_query(r, *k);
        if (v && *v)
            q = arena_printf(r->arena, "%s%s%s=%s", q, *q ? "&" : "", *k, url_encode(r->arena, v));
    }
    return q;
}

/* ---- the list --------------------------------------------------------------------- */

void project_page_index(Req *r)
{
    ProjectFilter f;
    if (!project_filter_from_query(r, &f, 100)) return;
    const char *org = req_query(r, "org"), *year = req_query(r, "year"),
               *lead = req_query(r, "lead"), *school = req_query(r, "school");
    const char *q = filter_query(r);
    page_begin(r, T(r, "Projects"));
    hf(r, "<h1>%s</h1>", T(r, "Projects"));
    H(r, "<p class=actions>");
    if (r->auth.caps & CAPBIT(CAP_PROJECT_WRITE))
        hf(r, "<a class=button href=\"/projects/new\">%s</a> ", T(r, "Apply for a project"));
    hf(r, "<a href=\"/projects.xlsx%s%s\">%s</a></p>", *q ? "?" : "", q, T(r, "Download as Excel"));
    /* counts by status: each a link to that status */
    int64_t counts[8];
    if (project_count_by_status(r, &f, counts) == 0) {
        H(r, "<ul class=\"stats project-counts\">");
        for (int i = 0; project_statuses[i]; i++) {
            hf(r, "<li><a href=\"/projects?status=%s%s%s\"><b>%lld</b>%s</a></li>",
               project_statuses[i], org && *org ? "&org=" : "", org && *org ? org : "",
               (long long)counts[i], project_status_label(r, project_statuses[i]));
        }
        H(r, "</ul>");
    }
    hf(r, "<form method=get action=\"/projects\" class=filters><label>%s<select name=status>",
       T(r, "Status"));
    options(r, project_statuses, f.status, project_status_label, 1);
    hf(r, "</select></label><label>%s<select name=kind>", T(r, "Kind"));
    options(r, project_kinds, f.kind, project_kind_label, 1);
    hf(r,
       "</select></label><label>%s<input name=org size=12 maxlength=32 value=\"%s\" "
       "placeholder=\"653121\"></label><label>%s<input name=year size=6 maxlength=4 "
       "inputmode=numeric value=\"%s\"></label><label class=check><input type=checkbox "
       "name=lagging value=1%s>%s</label>",
       T(r, "Unit (code)"), v_or(org, ""), T(r, "Year"), v_or(year, ""),
       f.lagging ? " checked" : "", T(r, "Lagging only"));
    if (lead && *lead) hf(r, "<input type=hidden name=lead value=\"%s\">", lead);
    if (school && *school) hf(r, "<input type=hidden name=school value=\"%s\">", school);
    hf(r, "<button>%s</button></form>", T(r, "Filter"));

    DbStmt *s = project_list_query(r, &f);
    Project *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(f.limit + 1));
    int n = 0, more = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        project_row(s, r->arena, &rows[n++]);
    }
    db_done(s);
    hf(r,
       "<div class=scroll><table class=stack><thead><tr><th scope=col>%s</th><th scope=col>%s"
       "</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s"
       "</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Project"), T(r, "Kind"), T(r, "Lead"), T(r, "Recipient schools"),
       T(r, "Budget (yuan)"), T(r, "Period"), T(r, "Status"));
    for (int i = 0; i < n; i++) {
        const Project *p = &rows[i];
        hf(r,
           "<tr><td><a href=\"/projects/%lld\">%s</a> <small class=count>#%lld</small></td>"
           "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s"
           "</td><td data-label=\"%s\" data-n>%s</td><td data-label=\"%s\">%s – %s</td>"
           "<td data-label=\"%s\">",
           (long long)p->id, p->title, (long long)p->id, T(r, "Kind"),
           project_kind_label(r, p->kind), T(r, "Lead"), p->lead_name, T(r, "Recipient schools"),
           recipients_line(r, p), T(r, "Budget (yuan)"), fen_text(r->arena, p->budget_fen),
           T(r, "Period"), p->start_date, p->end_date, T(r, "Status"));
        status_tag(r, p->status);
        lag_mark(r, p);
        H(r, "</td></tr>");
    }
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No projects match these filters."));
    if (more)
        hf(r, "<p><a href=\"/projects?%s%scursor=%lld\">%s</a></p>", q, *q ? "&" : "",
           (long long)rows[n - 1].id, T(r, "More"));
    page_end(r);
}

void project_page_xlsx(Req *r)
{
    ProjectFilter f;
    if (!project_filter_from_query(r, &f, 500)) return;
    Table *t = table_new(r->arena, "projects", T(r, "Projects"), 12, T(r, "No."), T(r, "Project"),
                         T(r, "Kind"), T(r, "Status"), T(r, "Lead"), T(r, "Recipient schools"),
                         T(r, "Scope"), T(r, "Start"), T(r, "End"), T(r, "Budget (yuan)"),
                         T(r, "Percent done"), T(r, "Lagging"));
    /* every page of the filter, 500 at a time */
    for (;;) {
        DbStmt *s = project_list_query(r, &f);
        Project *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(f.limit + 1));
        int n = 0, more = 0;
        while (s && db_step(s) == DB_ROW) {
            if (n == f.limit) {
                more = 1;
                break;
            }
            project_row(s, r->arena, &rows[n++]);
        }
        db_done(s);
        if (!s) {
            page_error(r, 503, T(r, "The service is busy. Please try again."));
            return;
        }
        for (int i = 0; i < n; i++) {
            const Project *p = &rows[i];
            Cell *c = table_row(r->arena, t);
            cell_num(&c[0], (double)p->id, 0, NULL);
            cell_text(&c[1], p->title);
            cell_text(&c[2], project_kind_label(r, p->kind));
            cell_text(&c[3], project_status_label(r, p->status));
            cell_text(&c[4], p->lead_name);
            ProjectSchool rs[PROJECT_MAX_RECIPIENTS];
            int k = project_recipients(r->db, r->arena, p->id, rs, PROJECT_MAX_RECIPIENTS);
            const char *names = "";
            for (int j = 0; j < k; j++)
                names =
                    arena_printf(r->arena, "%s%s%s", names, j ? "、" : "", school_name(r, &rs[j]));
            cell_text(&c[5], names);
            cell_text(&c[6], p->scope_code);
            cell_text(&c[7], p->start_date);
            cell_text(&c[8], p->end_date);
            cell_num(&c[9], (double)p->budget_fen / 100.0, 2, NULL);
            cell_num(&c[10], (double)p->percent_done, 0, "%");
            cell_text(&c[11], p->lagging ? T(r, "Lagging") : "");
        }
        if (!more) break;
        f.before_id = rows[n - 1].id;
    }
    Book *b = book_new(r);
    Table *const tables[] = {t};
    book_sheet(b, T(r, "Projects"), tables, 1);
    book_send(b, "projects.xlsx", T(r, "projects.xlsx"));
}

/* ---- the form ------------------------------------------------------------------------ */

static void field_error(Req *r, const ProjectInput *in, const char *field)
{
    if (in && in->bad_field && !strcmp(in->bad_field, field))
        hf(r, "<span class=field-error>%s</span>", in->why);
}

/* Whether code is among the input's recipients. */
static int has_recipient(const ProjectInput *in, const char *code)
{
    for (int i = 0; in && i < in->nrecipients; i++)
        if (in->recipients[i] && !strcmp(in->recipients[i], code)) return 1;
    return 0;
}
static int has_need(const ProjectInput *in, int64_t id)
{
    for (int i = 0; in && i < in->nneeds; i++)
        if (in->needs[i] == id) return 1;
    return 0;
}

/* Splits "a, b c" into the input's recipients (after any already there). */
static void add_codes(Req *r, ProjectInput *in, const char *text)
{
    if (!text) return;
    char *s = arena_strdup(r->arena, text);
    for (char *tok = strtok(s, " ,，;、\t\r\n"); tok; tok = strtok(NULL, " ,，;、\t\r\n")) {
        if (has_recipient(in, tok)) continue;
        if (in->nrecipients == PROJECT_MAX_RECIPIENTS) {
            project_fail(in, "recipients",
                         T(r, "must be a list of at most 50 recipient school codes"));
            return;
        }
        in->recipients[in->nrecipients++] = tok;
    }
}

/* The form of a new project (p NULL) or of the edit of draft p. */
static void project_form(Req *r, const Project *p, const ProjectInput *in)
{
    const char *action =
        p ? arena_printf(r->arena, "/projects/%lld", (long long)p->id) : "/projects";
    hf(r, "<form method=post action=\"%s\" class=\"card project-form\"><h2>%s</h2>", action,
       p ? T(r, "Change the application") : T(r, "Apply for a project"));
    form_csrf(r);
    hf(r, "<label>%s<input name=title required maxlength=200 value=\"%s\">", T(r, "Title"),
       v_or(in ? in->title : NULL, p ? p->title : ""));
    field_error(r, in, "title");
    hf(r, "</label><label>%s<select name=kind>", T(r, "Kind"));
    options(r, project_kinds,
            in && in->kind ? in->kind
            : p            ? p->kind
                           : NULL,
            project_kind_label, 0);
    H(r, "</select>");
    field_error(r, in, "kind");
    /* the lead: helping schools and partners where the caller may apply */
    const char *lead = in && in->lead ? in->lead : p ? p->lead_code : NULL;
    hf(r, "</label><label>%s<select name=lead>", T(r, "Lead (helping school or partner)"));
    DbStmt *s = db_q(r->db,
                     "SELECT o.code, o.name_zh FROM orgs o WHERE o.active = 1 AND ((o.kind ="
                     " 'school' AND o.is_helper = 1) OR o.kind = 'partner') AND " REACH_SQL(
                         "o.path") " ORDER BY o.kind DESC, o.code LIMIT 300",
                     "is", REACH_ARGS(r, CAP_PROJECT_WRITE));
    int nl = 0;
    while (s && db_step(s) == DB_ROW) {
        const char *code = db_col_text(s, 0);
        hf(r, "<option value=\"%s\"%s>%s %s</option>", code,
           lead && !strcmp(lead, code) ? " selected" : "", db_col_text(s, 1), code);
        nl++;
    }
    db_done(s);
    H(r, "</select>");
    if (!nl)
        hf(r, "<span class=field-error>%s</span>",
           T(r, "You hold project rights at no helping school or partner."));
    field_error(r, in, "lead");
    H(r, "</label>");
    /* the recipients: schools in reach as boxes, and any codes typed */
    hf(r, "<fieldset><legend>%s</legend>", T(r, "Recipient schools"));
    s = db_q(r->db,
             "SELECT o.code, o.name_zh FROM orgs o WHERE o.kind = 'school' AND o.is_recipient = 1"
             " AND o.active = 1 AND " REACH_SQL("o.path") " ORDER BY o.code LIMIT 201",
             "is", REACH_ARGS(r, CAP_DATA_READ));
    int nr = 0;
    const char *typed = "";
    ProjectSchool cur[PROJECT_MAX_RECIPIENTS];
    int ncur =
        p && !in ? project_recipients(r->db, r->arena, p->id, cur, PROJECT_MAX_RECIPIENTS) : 0;
    ProjectInput shown = in ? *in : (ProjectInput){0};
    for (int i = 0; i < ncur; i++)
        shown.recipients[shown.nrecipients++] = cur[i].code;
    int listed[PROJECT_MAX_RECIPIENTS] = {0};
    const char **codes = arena_alloc(r->arena, sizeof *codes * 202),
               **names = arena_alloc(r->arena, sizeof *names * 202);
    while (s && db_step(s) == DB_ROW && nr < 201) {
        codes[nr] = arena_strdup(r->arena, db_col_text(s, 0));
        names[nr++] = arena_strdup(r->arena, db_col_text(s, 1));
    }
    db_done(s);
    if (nr > 200) { /* too many to tick: codes only */
        hf(r, "<p class=note>%s</p>",
           T(r, "More than 200 recipient schools are in your reach: type their codes."));
        nr = 0;
    }
    for (int k = 0; k < nr; k++) {
        int on = has_recipient(&shown, codes[k]);
        for (int i = 0; on && i < shown.nrecipients; i++)
            if (!strcmp(shown.recipients[i], codes[k])) listed[i] = 1;
        hf(r,
           "<label class=check><input type=checkbox name=recipients value=\"%s\"%s>%s %s"
           "</label>",
           codes[k], on ? " checked" : "", names[k], codes[k]);
    }
    for (int i = 0; i < shown.nrecipients; i++)
        if (!listed[i])
            typed =
                arena_printf(r->arena, "%s%s%s", typed, *typed ? ", " : "", shown.recipients[i]);
    hf(r,
       "<label>%s<input name=recipient_codes maxlength=2000 value=\"%s\" "
       "placeholder=\"6531210001, 6531210002\"></label>",
       nr ? T(r, "Other schools (codes, comma-separated)") : T(r, "School codes (comma-separated)"),
       typed);
    field_error(r, in, "recipients");
    H(r, "</fieldset>");
    /* the needs of those schools that the caller can see */
    hf(r, "<fieldset><legend>%s</legend>", T(r, "Needs it answers"));
    int nn = 0;
    for (int i = 0; i < shown.nrecipients; i++) {
        s = db_q(r->db,
                 "SELECT n.id, n.category, n.subject, n.year, n.status FROM needs n JOIN orgs o"
                 " ON o.id = n.school_id WHERE o.code = ? AND n.status IN ('open','matched',"
                 "'in_progress','met') AND " REACH_SQL("o.path") " ORDER BY n.id LIMIT 50",
                 "sis", shown.recipients[i], REACH_ARGS(r, CAP_DATA_READ));
        while (s && db_step(s) == DB_ROW) {
            int64_t id = db_col_int(s, 0);
            int on = has_need(in, id);
            if (!in && p) {
                int64_t one = 0;
                on = db_int(r->db, &one,
                            "SELECT 1 FROM project_needs WHERE project_id = ? AND need_id = ?",
                            "ii", p->id, id) == 1;
            }
            hf(r,
               "<label class=check><input type=checkbox name=needs value=\"%lld\"%s>#%lld %s "
               "%s · %s %lld · %s</label>",
               (long long)id, on ? " checked" : "", (long long)id, shown.recipients[i],
               need_category_label(r, db_col_text(s, 1)), db_col_text(s, 2),
               (long long)db_col_int(s, 3), need_status_label(r, db_col_text(s, 4)));
            nn++;
        }
        db_done(s);
    }
    if (!nn)
        hf(r, "<p class=note>%s</p>",
           shown.nrecipients ? T(r, "No open needs of these schools that you can see.")
                             : T(r, "Choose the schools first: their needs are listed after "
                                    "saving the draft."));
    field_error(r, in, "needs");
    H(r, "</fieldset>");
    hf(r, "<label>%s<input name=start_date type=date required value=\"%s\" placeholder=\"%s\">",
       T(r, "Start"), v_or(in ? in->start_date : NULL, p ? p->start_date : ""), "YYYY-MM-DD");
    field_error(r, in, "start_date");
    hf(r,
       "</label><label>%s<input name=end_date type=date required value=\"%s\" placeholder=\"%s\">",
       T(r, "End"), v_or(in ? in->end_date : NULL, p ? p->end_date : ""), "YYYY-MM-DD");
    field_error(r, in, "end_date");
    const char *budget = in ? in->budget_text : NULL;
    if (!budget && p) budget = fen_text(r->arena, p->budget_fen);
    hf(r, "</label><label>%s<input name=budget inputmode=decimal maxlength=20 value=\"%s\">",
       T(r, "Budget (yuan)"), v_or(budget, ""));
    field_error(r, in, "budget_fen");
    hf(r, "</label><label>%s<textarea name=summary rows=5 maxlength=4000>%s</textarea>",
       T(r, "What the project does"), v_or(in ? in->summary : NULL, p ? p->summary : ""));
    field_error(r, in, "summary");
    hf(r, "</label><button>%s</button></form>",
       p ? T(r, "Save the changes") : T(r, "Save as a draft"));
}

/* Reads the form into in. */
static void input_from_form(Req *r, ProjectInput *in)
{
    const char *v;
    if ((v = req_form(r, "title"))) in->title = v, in->has_title = 1;
    if ((v = req_form(r, "kind"))) in->kind = v, in->has_kind = 1;
    if ((v = req_form(r, "lead"))) in->lead = v, in->has_lead = 1;
    if ((v = req_form(r, "start_date"))) in->start_date = v, in->has_start = 1;
    if ((v = req_form(r, "end_date"))) in->end_date = v, in->has_end = 1;
    if ((v = req_form(r, "summary"))) in->summary = v, in->has_summary = 1;
    if ((v = req_form(r, "budget"))) in->budget_text = *v ? v : "0";
    in->has_recipients = 1;
    in->has_needs = 1;
    for (int i = 0; i < r->nform; i++) {
        if (!strcmp(r->fname[i], "recipients")) add_codes(r, in, r->fval[i]);
        if (!strcmp(r->fname[i], "needs")) {
            int64_t id;
            if (!parse_int(r->fval[i], 1, INT64_MAX / 2, &id)) {
                project_fail(in, "needs", T(r, "must be a list of at most 100 need ids"));
            } else if (!has_need(in, id) && in->nneeds < PROJECT_MAX_NEEDS) {
                in->needs[in->nneeds++] = id;
            }
        }
    }
    add_codes(r, in, req_form(r, "recipient_codes"));
}

void project_page_new(Req *r)
{
    ProjectInput in = {0};
    add_codes(r, &in, req_query(r, "schools"));
    in.lead = req_query(r, "lead");
    page_begin(r, T(r, "Apply for a project"));
    hf(r, "<nav class=crumbs><a href=\"/projects\">%s</a></nav>", T(r, "Projects"));
    project_form(r, NULL, &in);
    page_end(r);
}

static void page_result(Req *r, ProjectResult res)
{
    if (res == PROJECT_NOT_FOUND)
        req_not_found(r);
    else if (res == PROJECT_FORBIDDEN)
        page_error(r, 403, T(r, "You do not have permission to do this."));
    else
        page_error(r, 503, T(r, "The service is busy. Please try again."));
}

void project_page_create(Req *r)
{
    ProjectInput in = {0};
    req_form(r, "_csrf");
    input_from_form(r, &in);
    Project p;
    ProjectResult res = in.bad_field ? PROJECT_INVALID : project_create(r, &in, &p);
    if (res == PROJECT_OK) {
        req_redirect(r, arena_printf(r->arena, "/projects/%lld", (long long)p.id));
        return;
    }
    if (res != PROJECT_INVALID) {
        page_result(r, res);
        return;
    }
    page_begin(r, T(r, "Apply for a project"));
    r->status = 422;
    hf(r, "<nav class=crumbs><a href=\"/projects\">%s</a></nav>", T(r, "Projects"));
    page_notice(r, "error",
                arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), in.bad_field, in.why));
    project_form(r, NULL, &in);
    page_end(r);
}

/* ---- one project ------------------------------------------------------------------- */

const char *project_action_label(Req *r, const char *a)
{
    if (!a) return "";
    if (!strcmp(a, "submit")) return T(r, "Submit for approval");
    if (!strcmp(a, "withdraw")) return T(r, "Withdraw to draft");
    if (!strcmp(a, "approve")) return T(r, "Approve");
    if (!strcmp(a, "reject")) return T(r, "Return with reasons");
    if (!strcmp(a, "start")) return T(r, "Start the project");
    if (!strcmp(a, "suspend")) return T(r, "Suspend");
    if (!strcmp(a, "resume")) return T(r, "Resume");
    if (!strcmp(a, "complete")) return T(r, "Mark as completed");
    if (!strcmp(a, "accept")) return T(r, "Accept (验收)");
    return a;
}

/* The approval chain: each level with its decision in the current round, then the
 * earlier rounds. */
static void chain_section(Req *r, const Project *p)
{
    const char *chain[4];
    int k = p->top_level ? project_chain(p->scope_kind, p->top_level, chain) : 0;
    hf(r, "<section class=project-chain><h2>%s</h2>", T(r, "Approval"));
    if (!k) {
        hf(r, "<p class=note>%s</p>",
           T(r, "Not submitted yet: the levels that approve follow from the scope and the "
                "budget when it is submitted."));
    } else {
        hf(r,
           "<div class=scroll><table class=stack><thead><tr><th scope=col>%s</th><th "
           "scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
           T(r, "Level"), T(r, "Decision"), T(r, "By"), T(r, "Comment"));
        const char *next = !strcmp(p->status, "submitted")
                               ? project_next_level(p->scope_kind, p->top_level, p->level_done)
                               : NULL;
        for (int i = 0; i < k; i++) {
            /* the latest decision at this level since the (re)submission */
            DbStmt *s = db_q(r->db,
                             "SELECT decision, comment, decided_by, decided_at FROM"
                             " project_decisions WHERE project_id = ? AND level = ? AND"
                             " decided_at >= ? ORDER BY id DESC LIMIT 1",
                             "isi", p->id, chain[i], p->submitted_at);
            hf(r, "<tr><td>%s</td>", project_level_label(r, chain[i]));
            if (s && db_step(s) == DB_ROW) {
                int ok = !strcmp(db_col_text(s, 0), "approve");
                hf(r,
                   "<td data-label=\"%s\"><span class=\"status %s\">%s %s</span> <small "
                   "class=meta>%s</small></td><td data-label=\"%s\">%s</td><td "
                   "data-label=\"%s\" class=prewrap>%s</td>",
                   T(r, "Decision"), ok ? "ms-done" : "ms-late", ok ? "✓" : "✗",
                   ok ? T(r, "Approved") : T(r, "Returned"), fmt_time(r->arena, db_col_int(s, 3)),
                   T(r, "By"), db_col_text(s, 2), T(r, "Comment"),
                   *db_col_text(s, 1) ? db_col_text(s, 1) : "—");
            } else {
                int now = next && !strcmp(next, chain[i]);
                hf(r,
                   "<td data-label=\"%s\"><span class=\"status ms-upcoming\">%s</span></td>"
                   "<td data-label=\"%s\">—</td><td data-label=\"%s\">—</td>",
                   T(r, "Decision"), now ? T(r, "Awaiting decision") : T(r, "Not yet"), T(r, "By"),
                   T(r, "Comment"));
            }
            db_done(s);
            H(r, "</tr>");
        }
        H(r, "</tbody></table></div>");
    }
    /* earlier rounds */
    DbStmt *s = db_q(r->db,
                     "SELECT level, decision, comment, decided_by, decided_at FROM"
                     " project_decisions WHERE project_id = ? AND decided_at < ? ORDER BY id",
                     "ii", p->id, k ? p->submitted_at : INT64_MAX / 2);
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        if (!n++) hf(r, "<h3>%s</h3><ul class=project-history>", T(r, "Earlier rounds"));
        hf(r, "<li>%s · %s · %s · %s: %s</li>", fmt_time(r->arena, db_col_int(s, 4)),
           project_level_label(r, db_col_text(s, 0)),
           !strcmp(db_col_text(s, 1), "approve") ? T(r, "Approved") : T(r, "Returned"),
           db_col_text(s, 3), *db_col_text(s, 2) ? db_col_text(s, 2) : "—");
    }
    db_done(s);
    if (n) H(r, "</ul>");
    /* the acceptance opinion, from the audit record of the acceptance */
    if (!strcmp(p->status, "accepted")) {
        s = db_q(r->db,
                 "SELECT actor, after_json FROM audit WHERE object_kind = 'project' AND"
                 " object_key = ? AND action = 'project.accept' ORDER BY seq DESC LIMIT 1",
                 "s", arena_printf(r->arena, "%lld", (long long)p->id));
        if (s && db_step(s) == DB_ROW) {
            json_t *j = json_loads(db_col_text(s, 1) ? db_col_text(s, 1) : "{}", 0, NULL);
            const char *c = json_string_value(json_object_get(j, "comment"));
            hf(r, "<p><b>%s</b> (%s): %s</p>", T(r, "Acceptance opinion"), db_col_text(s, 0),
               c && *c ? c : "—");
            json_decref(j);
        }
        db_done(s);
    }
    H(r, "</section>");
}

static void show(Req *r, const Project *p, int status, const char *notice, const ProjectInput *in,
                 const char *comment)
{
    page_begin(r, p->title);
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/projects\">%s</a> › <span>#%lld</span></nav>",
       T(r, "Projects"), (long long)p->id);
    hf(r, "<h1>%s <small>#%lld</small></h1>", p->title, (long long)p->id);
    if (notice) page_notice(r, status >= 400 ? "error" : "ok", notice);
    H(r, "<p>");
    status_tag(r, p->status);
    lag_mark(r, p);
    H(r, "</p>");
    hf(r,
       "<dl class=facts><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s <small class=count>%s</small>"
       "</dd><dt>%s</dt><dd>",
       T(r, "Kind"), project_kind_label(r, p->kind), T(r, "Lead"), p->lead_name, p->lead_code,
       T(r, "Recipient schools"));
    ProjectSchool rs[PROJECT_MAX_RECIPIENTS];
    int nr = project_recipients(r->db, r->arena, p->id, rs, PROJECT_MAX_RECIPIENTS);
    for (int i = 0; i < nr; i++)
        hf(r, "%s<a href=\"/orgs/%s\">%s</a>", i ? "、" : "", rs[i].code, school_name(r, &rs[i]));
    hf(r,
       "</dd><dt>%s</dt><dd>%s (%s)</dd><dt>%s</dt><dd>%s – %s</dd><dt>%s</dt><dd>%s %s</dd>"
       "<dt>%s</dt><dd>%d%%</dd><dt>%s</dt><dd>%s, %s</dd></dl>",
       T(r, "Scope"), p->scope_code, project_level_label(r, p->scope_kind), T(r, "Period"),
       p->start_date, p->end_date, T(r, "Budget"), fen_text(r->arena, p->budget_fen), T(r, "yuan"),
       T(r, "Percent done"), p->percent_done, T(r, "Applied"), p->created_by,
       fmt_time(r->arena, p->created_at));
    if (*p->summary) hf(r, "<p class=prewrap>%s</p>", p->summary);
    /* the needs it answers */
    DbStmt *s = db_q(r->db,
                     "SELECT n.id, n.category, n.subject, n.status, o.path FROM project_needs pn"
                     " JOIN needs n ON n.id = pn.need_id JOIN orgs o ON o.id = n.school_id"
                     " WHERE pn.project_id = ? ORDER BY n.id",
                     "i", p->id);
    int nn = 0;
    while (s && db_step(s) == DB_ROW) {
        if (!nn++) hf(r, "<h2>%s</h2><ul>", T(r, "Needs it answers"));
        int64_t id = db_col_int(s, 0);
        if (can(r, CAP_DATA_READ, db_col_text(s, 4)))
            hf(r, "<li><a href=\"/needs/%lld\">#%lld</a> %s %s · %s</li>", (long long)id,
               (long long)id, need_category_label(r, db_col_text(s, 1)), db_col_text(s, 2),
               need_status_label(r, db_col_text(s, 3)));
        else
            hf(r, "<li>#%lld %s %s</li>", (long long)id, need_category_label(r, db_col_text(s, 1)),
               db_col_text(s, 2));
    }
    db_done(s);
    if (nn) H(r, "</ul>");
    chain_section(r, p);
    /* the actions open to the caller, with one comment field */
    const char *acts[16];
    int na = project_actions_from(p->status, acts, 16), mine = 0;
    for (int i = 0; i < na; i++)
        if (project_may(r, p, acts[i])) acts[mine++] = acts[i];
    if (mine) {
        hf(r,
           "<form method=post action=\"/projects/%lld/transition\" class=\"card project-actions\">"
           "<h2>%s</h2>",
           (long long)p->id, T(r, "What you can do"));
        form_csrf(r);
        hf(r,
           "<label>%s<textarea name=comment rows=3 maxlength=2000>%s</textarea></label>"
           "<p class=note>%s</p><p class=actions>",
           T(r, "Comment"), v_or(comment, ""),
           T(r, "A return needs the reasons, an acceptance its opinion."));
        field_error(r, in, "comment");
        for (int i = 0; i < mine; i++)
            hf(r, "<button name=action value=\"%s\">%s</button> ", acts[i],
               project_action_label(r, acts[i]));
        H(r, "</p></form>");
    } else if (!na) {
        hf(r, "<p class=note>%s</p>", T(r, "This project is accepted: its record is final."));
    }
    /* the edit form of a draft or a returned application */
    if ((!strcmp(p->status, "draft") || !strcmp(p->status, "rejected")) &&
        project_can(r, CAP_PROJECT_WRITE, p, "lead")) {
        int open = in && in->bad_field && strcmp(in->bad_field, "comment") &&
                   strcmp(in->bad_field, "action");
        hf(r, "<details%s><summary>%s</summary>", open ? " open" : "",
           T(r, "Change the application"));
        project_form(r, p, open ? in : NULL);
        H(r, "</details>");
    }
    /* the other project modules, in order */
    progress_section(r, p);
    agreement_section(r, p);
    brand_section(r, p);
    supervision_section(r, p);
    evaluation_section(r, p);
    fund_section(r, p);
    if (can(r, CAP_AUDIT_READ, p->scope_path))
        hf(r, "<p><a href=\"/audit?object=project:%lld\">%s</a></p>", (long long)p->id,
           T(r, "Every change of this project (audit trail)"));
    page_end(r);
}

/* Loads the project of the path for a page: 1, or 0 with a 404/503 sent. */
static int load_for_page(Req *r, Project *p)
{
    int f = project_get_visible(r, project_id_param(r, "id"), p);
    if (f < 0) page_error(r, 503, T(r, "The service is busy. Please try again."));
    if (f == 0) req_not_found(r);
    return f == 1;
}

void project_page_show(Req *r)
{
    Project p;
    if (load_for_page(r, &p)) show(r, &p, 200, NULL, NULL, NULL);
}

void project_page_update(Req *r)
{
    Project p;
    if (!load_for_page(r, &p)) return;
    ProjectInput in = {0};
    req_form(r, "_csrf");
    input_from_form(r, &in);
    const char *why = NULL;
    Project out = p;
    ProjectResult res = project_update(r, p.id, &in, &out, &why);
    if (res == PROJECT_OK) {
        req_redirect(r, arena_printf(r->arena, "/projects/%lld", (long long)p.id));
        return;
    }
    if (res == PROJECT_CONFLICT) {
        show(r, &out, 409, why, NULL, NULL);
        return;
    }
    if (res != PROJECT_INVALID) {
        page_result(r, res);
        return;
    }
    show(r, &p, 422, arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), in.bad_field, in.why),
         &in, NULL);
}

void project_page_transition(Req *r)
{
    Project p;
    if (!load_for_page(r, &p)) return;
    ProjectInput in = {0};
    const char *action = req_form(r, "action"), *comment = req_form(r, "comment");
    const char *why = NULL;
    Project out = p;
    ProjectResult res = project_transition(r, p.id, action, comment, &in, &out, &why);
    if (res == PROJECT_OK) {
        req_redirect(r, arena_printf(r->arena, "/projects/%lld", (long long)p.id));
        return;
    }
    if (res == PROJECT_CONFLICT) {
        show(r, &out, 409, why, NULL, NULL);
        return;
    }
    if (res == PROJECT_INVALID) {
        show(r, &p, 422, arena_printf(r->arena, "%s %s", in.bad_field, in.why), &in, comment);
        return;
    }
    page_result(r, res);
}
