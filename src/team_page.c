/* team_page.c — the 1+N team pages (team.h): the teams in reach with the form to
 * start one, a team with its members' working days against the 40-day rule and
 * the forms to add a member and a day, the tables of members' days and of liaison
 * officers that the shortfall page and the workbooks share, and the team-days
 * workbook. Phone-first; complete without JavaScript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "org.h"
#include "report.h"
#include "team.h"
#include "training.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "xlsx.h"

enum { BOOK_ROWS = 100000, RECENT_DAYS = 15 };

static const char *days_text(Req *r, double d)
{
    return fmt_num(r->arena, d, d == (double)(int64_t)d ? 0 : 1);
}

/* ---- shared tables ------------------------------------------------------------------ */

Table *team_members_table(Req *r, const char *unit_path, int year, int short_only, int max)
{
    MemberDays *m;
    int more;
    int n = team_member_days(r->db, r->arena, unit_path, year, short_only, max, &m, &more);
    if (n < 0) return NULL;
    Table *t = table_new(r->arena, short_only ? "short-members" : "members",
                         short_only ? T(r, "Team members under 40 working days")
                                    : T(r, "Team members and their working days"),
                         6, T(r, "Teacher"), T(r, "Helping school"), T(r, "Team"), T(r, "Role"),
                         T(r, "Working days"), T(r, "40-day rule"));
    t->note = more ? arena_printf(r->arena, "%s %d; %s", T(r, "The first"), max,
                                  T(r, "the Excel workbook has them all."))
                   : T(r, "Days at recipient schools in the team's year.");
    for (int i = 0; i < n; i++) {
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], m[i].name);
        cell_text(&c[1], m[i].school_name);
        cell_text(&c[2], m[i].team_name)->href =
            arena_printf(r->arena, "/teams/%lld", (long long)m[i].team_id);
        cell_text(&c[3], team_role_label(r, m[i].role));
        cell_num(&c[4], m[i].days, m[i].days == (double)(int64_t)m[i].days ? 0 : 1, NULL);
        int ok = team_days_meet(m[i].days);
        cell_status(r, &c[5], ok ? STATUS_ON_TRACK : STATUS_OFF_TRACK);
        c[5].text = ok ? T(r, "meets the rule")
                       : arena_printf(r->arena, "%s %s %s", T(r, "short by"),
                                      days_text(r, TEAM_DAYS_MIN - m[i].days), T(r, "days"));
    }
    return t;
}

Table *liaison_table(Req *r, const char *unit_path, int short_only, int max)
{
    LiaisonCount *l;
    int more;
    int n = liaison_school_counts(r->db, r->arena, unit_path, short_only, max, &l, &more);
    if (n < 0) return NULL;
    Table *t = table_new(r->arena, short_only ? "short-liaison" : "liaison",
                         short_only ? T(r, "Recipient schools with fewer than 3 liaison officers")
                                    : T(r, "Liaison officers of the recipient schools"),
                         3, T(r, "School"), T(r, "Active liaison officers"), T(r, "Status"));
    if (more)
        t->note = arena_printf(r->arena, "%s %d; %s", T(r, "The first"), max,
                               T(r, "the Excel workbook has them all."));
    for (int i = 0; i < n; i++) {
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], l[i].name)->href =
            arena_printf(r->arena, "/training/school/%s#liaison", l[i].code);
        cell_num(&c[1], (double)l[i].active, 0, NULL);
        cell_status(r, &c[2], l[i].active >= LIAISON_MIN ? STATUS_ON_TRACK : STATUS_OFF_TRACK);
        if (l[i].active < LIAISON_MIN)
            c[2].text = arena_printf(r->arena, "%s %lld", T(r, "officers missing:"),
                                     (long long)(LIAISON_MIN - l[i].active));
    }
    return t;
}

/* ---- GET /teams ----------------------------------------------------------------------- */

/* The caller's first helping school where they hold training.write, or NULL. */
static const char *own_helping_school(Req *r)
{
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (!(role_caps(g->role) & CAPBIT(CAP_TRAINING_WRITE)) || strcmp(g->org_kind, "school"))
            continue;
        Org o;
        if (org_load(r->db, r->arena, g->org_code, &o) == 1 && o.is_helper) return o.code;
    }
    return NULL;
}

static void create_form(Req *r, int64_t year, const TeamOutcome *err)
{
    const char *school = req_form(r, "school"), *name = req_form(r, "name");
    if (!err) school = own_helping_school(r), name = NULL;
    hf(r, "<form method=post action=\"/teams\" class=card id=new-team><h2>%s</h2>",
       T(r, "Start a team for a helping school"));
    form_csrf(r);
    hf(r,
       "<label>%s<input name=school required maxlength=32 value=\"%s\" "
       "placeholder=\"6501020001\"></label>",
       T(r, "Helping school (code)"), school ? school : "");
    if (err && err->field && !strcmp(err->field, "school"))
        hf(r, "<span class=field-error>%s</span>", err->why);
    hf(r, "<label>%s<input name=name required maxlength=100 value=\"%s\"></label>",
       T(r, "Team name"), name ? name : "");
    if (err && err->field && !strcmp(err->field, "name"))
        hf(r, "<span class=field-error>%s</span>", err->why);
    hf(r,
       "<label>%s<input name=year inputmode=numeric maxlength=4 value=\"%lld\"></label>"
       "<p class=note>%s</p><button>%s</button></form>",
       T(r, "Year"), (long long)year,
       T(r, "A team needs at least one subject leader and one backbone teacher, chosen from the "
            "school's teachers."),
       T(r, "Start the team"));
}

static void index_page(Req *r, int status, const TeamOutcome *err)
{
    int64_t year;
    if (!training_year_param(r, &year)) return;
    const char *org = req_query(r, "org");
    const char *path = "/";
    Org o;
    if (org && *org) {
        if (training_org_in_reach(r, org, CAP_DATA_READ, &o) != 1) return;
        path = o.path;
    }
    DbStmt *s = db_q(r->db,
                     "SELECT " TEAM_COLS " FROM teams tm JOIN orgs h ON h.id = tm.helping_school_id"
                     " WHERE " TEAM_SEEN_SQL " AND " TEAM_UNIT_SQL " ORDER BY h.code, tm.id",
                     "isisissss", REACH_ARGS(r, CAP_DATA_READ), REACH_ARGS(r, CAP_DATA_READ), year,
                     path, path, path, path);
    if (!s) {
        training_db_error(r);
        return;
    }
    Team *teams = arena_alloc(r->arena, sizeof *teams * 2000);
    int n = 0;
    while (n < 2000 && db_step(s) == DB_ROW)
        team_row(s, r->arena, &teams[n++]);
    db_done(s);
    page_begin(r, T(r, "Assistance teams (1+N)"));
    r->status = status;
    hf(r, "<nav class=crumbs><a href=\"/training%s%s\">%s</a></nav><h1>%s <small>%lld</small></h1>",
       org && *org ? "?org=" : "", org && *org ? org : "", T(r, "Training and teams"),
       T(r, "Assistance teams (1+N)"), (long long)year);
    if (err && err->why)
        page_notice(r, "error",
                    arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"),
                                 err->field ? err->field : "", err->why));
    hf(r,
       "<form method=get action=\"/teams\" class=filters><label>%s<input name=org size=12 "
       "maxlength=32 value=\"%s\"></label><label>%s<input name=year size=6 maxlength=4 "
       "inputmode=numeric value=\"%lld\"></label><button>%s</button></form>",
       T(r, "Unit (code)"), org ? org : "", T(r, "Year"), (long long)year, T(r, "Filter"));
    hf(r,
       "<div class=scroll><table class=stack><thead><tr><th scope=col>%s</th><th scope=col>%s"
       "</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Team"), T(r, "Helping school"), T(r, "Members"), T(r, "With 40 days or more"),
       T(r, "Rule"));
    for (int i = 0; i < n; i++) {
        TeamCounts c;
        if (team_counts(r->db, teams[i].id, &c) != 0) memset(&c, 0, sizeof c);
        const char *problem = team_rule_problem(&c);
        hf(r,
           "<tr><td data-label=\"%s\"><a href=\"/teams/%lld\">%s</a></td><td data-label=\"%s\">%s"
           "</td><td data-label=\"%s\" data-n>%lld</td><td data-label=\"%s\" data-n>%lld</td>"
           "<td data-label=\"%s\"><span class=\"status st-%s\">%s</span></td></tr>",
           T(r, "Team"), (long long)teams[i].id, teams[i].name, T(r, "Helping school"),
           teams[i].school_name, T(r, "Members"), (long long)c.members,
           T(r, "With 40 days or more"), (long long)c.members_40, T(r, "Rule"),
           problem ? "off_track" : "on_track",
           problem ? T(r, problem) : T(r, "a subject leader and backbone teachers"));
    }
    if (!n)
        hf(r, "<tr><td colspan=5 class=empty>%s</td></tr>", T(r, "No team in reach this year."));
    H(r, "</tbody></table></div>");
    hf(r, "<p class=actions><a href=\"/teams.xlsx?year=%lld%s%s\">%s</a></p>", (long long)year,
       org && *org ? "&amp;org=" : "", org && *org ? org : "", T(r, "Team days (Excel)"));
    if (r->auth.caps & CAPBIT(CAP_TRAINING_WRITE)) create_form(r, year, err);
    page_end(r);
}

void team_page_index(Req *r)
{
    index_page(r, 200, NULL);
}

void team_page_create(Req *r)
{
    const char *ys = req_form(r, "year");
    int64_t year = training_this_year();
    if (ys && *ys && !parse_int(ys, 0, 9999, &year)) year = -1;
    TeamOutcome out;
    TeamResult res = team_create(r, req_form(r, "school"), year, req_form(r, "name"), &out);
    switch (res) {
    case TEAM_OK:
        req_redirect(r, arena_printf(r->arena, "/teams/%lld", (long long)out.id));
        return;
    case TEAM_FORBIDDEN:
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    case TEAM_INVALID:
        index_page(r, 422, &out);
        return;
    case TEAM_CONFLICT:
        index_page(r, 409, &out);
        return;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}

/* ---- GET /teams/{id} -------------------------------------------------------------------- */

/* The teams page's failed form: which, and what went wrong. */
typedef struct Failed {
    const char *form;
    const TeamOutcome *out;
} Failed;

static const char *kept(Req *r, const Failed *f, const char *form, const char *name,
                        const char *dflt)
{
    if (f && !strcmp(f->form, form)) {
        const char *v = req_form(r, name);
        if (v) return v;
    }
    return dflt;
}

static void field_error(Req *r, const Failed *f, const char *form, const char *field)
{
    if (f && !strcmp(f->form, form) && f->out->field && !strcmp(f->out->field, field))
        hf(r, "<span class=field-error>%s</span>", f->out->why);
}

/* The caller's first recipient school where they hold training.write, or NULL. */
static const char *own_recipient_school(Req *r)
{
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (!(role_caps(g->role) & CAPBIT(CAP_TRAINING_WRITE)) || strcmp(g->org_kind, "school"))
            continue;
        Org o;
        if (org_load(r->db, r->arena, g->org_code, &o) == 1 && o.is_recipient) return o.code;
    }
    return NULL;
}

static void day_form(Req *r, const Team *t, const TeamMember *m, int n, const Failed *f)
{
    char today[11];
    training_today(today);
    const char *dflt_day =
        t->year == training_this_year() ? today : arena_printf(r->arena, "%d-12-31", t->year);
    hf(r, "<form method=post action=\"/teams/%lld/days\" class=card id=add-day><h2>%s</h2>",
       (long long)t->id, T(r, "Record a working day"));
    form_csrf(r);
    const char *sel = kept(r, f, "day", "teacher", "");
    hf(r, "<label>%s<select name=teacher required><option value=\"\">%s</option>", T(r, "Member"),
       T(r, "Choose"));
    for (int i = 0; i < n; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)m[i].teacher_id);
        hf(r, "<option value=\"%s\"%s>%s</option>", id, !strcmp(sel, id) ? " selected" : "",
           m[i].name);
    }
    H(r, "</select></label>");
    field_error(r, f, "day", "teacher");
    const char *own = own_recipient_school(r);
    hf(r,
       "<label>%s<input name=school required maxlength=32 value=\"%s\" "
       "placeholder=\"6531210001\"></label>",
       T(r, "Recipient school (code)"), kept(r, f, "day", "school", own ? own : ""));
    field_error(r, f, "day", "school");
    hf(r, "<label>%s<input name=worked_on type=date required value=\"%s\"></label>", T(r, "Date"),
       kept(r, f, "day", "worked_on", dflt_day));
    field_error(r, f, "day", "worked_on");
    const char *d = kept(r, f, "day", "days", "1");
    hf(r,
       "<label>%s<select name=days><option value=1%s>%s</option><option value=0.5%s>%s</option>"
       "</select></label>",
       T(r, "Length"), strcmp(d, "0.5") ? " selected" : "", T(r, "a whole day"),
       strcmp(d, "0.5") ? "" : " selected", T(r, "half a day"));
    field_error(r, f, "day", "days");
    hf(r, "<label>%s<input name=note maxlength=200 value=\"%s\"></label>", T(r, "Note"),
       kept(r, f, "day", "note", ""));
    field_error(r, f, "day", "note");
    hf(r, "<button>%s</button></form>", T(r, "Save the day"));
}

static void member_form(Req *r, const Team *t, const Failed *f)
{
    DbStmt *s = db_q(r->db,
                     "SELECT t.id, t.name, t.subject FROM teachers t WHERE t.school_id = ?"
                     " AND t.active = 1 AND NOT EXISTS (SELECT 1 FROM team_members m"
                     " WHERE m.team_id = ? AND m.teacher_id = t.id) ORDER BY t.name, t.id",
                     "ii", t->school_id, t->id);
    hf(r, "<form method=post action=\"/teams/%lld/members\" class=card id=add-member><h2>%s</h2>",
       (long long)t->id, T(r, "Add a member"));
    form_csrf(r);
    const char *sel = kept(r, f, "member", "teacher", "");
    hf(r, "<label>%s<select name=teacher required><option value=\"\">%s</option>",
       T(r, "Teacher of the helping school"), T(r, "Choose"));
    int any = 0;
    while (s && db_step(s) == DB_ROW) {
        const char *id = db_col_text(s, 0), *subject = db_col_text(s, 2);
        hf(r, "<option value=\"%s\"%s>%s%s%s</option>", id, !strcmp(sel, id) ? " selected" : "",
           db_col_text(s, 1), *subject ? " · " : "", subject);
        any = 1;
    }
    db_done(s);
    H(r, "</select></label>");
    field_error(r, f, "member", "teacher");
    const char *role = kept(r, f, "member", "role", "backbone");
    hf(r, "<label>%s<select name=role>", T(r, "Role"));
    for (const char *const *ro = team_roles; *ro; ro++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *ro, !strcmp(role, *ro) ? " selected" : "",
           team_role_label(r, *ro));
    H(r, "</select></label>");
    field_error(r, f, "member", "role");
    if (!any)
        hf(r, "<p class=note><a href=\"/training/school/%s#add-teacher\">%s</a></p>",
           t->school_code, T(r, "Every teacher of the school is in the team: add teachers first."));
    hf(r, "<button>%s</button></form>", T(r, "Add the member"));
}

static void show(Req *r, const Team *t, int status, const Failed *f)
{
    TeamMember *m;
    TeamCounts c;
    int n = team_member_list(r->db, r->arena, t->id, &m);
    if (n < 0 || team_counts(r->db, t->id, &c) != 0) {
        training_db_error(r);
        return;
    }
    page_begin(r, t->name);
    r->status = status;
    hf(r,
       "<nav class=crumbs><a href=\"/training\">%s</a> › <a href=\"/teams?year=%d\">%s</a></nav>"
       "<h1>%s <small>%d</small></h1>",
       T(r, "Training and teams"), t->year, T(r, "Assistance teams (1+N)"), t->name, t->year);
    if (f && f->out->why)
        page_notice(r, "error",
                    arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"),
                                 f->out->field ? f->out->field : "", f->out->why));
    const char *problem = team_rule_problem(&c);
    if (problem) page_notice(r, "error", T(r, problem));
    hf(r,
       "<dl class=facts><dt>%s</dt><dd><a href=\"/training/school/%s\">%s</a></dd><dt>%s</dt>"
       "<dd>%lld</dd><dt>%s</dt><dd>%lld / %lld</dd><dt>%s</dt><dd>%s</dd></dl>",
       T(r, "Helping school"), t->school_code, t->school_name, T(r, "Members"),
       (long long)c.members, T(r, "With 40 days or more"), (long long)c.members_40,
       (long long)c.members, T(r, "Working days in all"), days_text(r, c.days));
    hf(r,
       "<div class=scroll><table class=stack><thead><tr><th scope=col>%s</th><th scope=col>%s"
       "</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Member"), T(r, "Role"), T(r, "Subject"), T(r, "Working days"), T(r, "40-day rule"));
    for (int i = 0; i < n; i++) {
        int ok = team_days_meet(m[i].days);
        hf(r,
           "<tr><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s"
           "</td><td data-label=\"%s\" data-n>%s / 40</td><td data-label=\"%s\"><span "
           "class=\"status st-%s\"><span aria-hidden=true>%s</span> %s</span></td></tr>",
           T(r, "Member"), m[i].name, T(r, "Role"), team_role_label(r, m[i].role), T(r, "Subject"),
           *m[i].subject ? m[i].subject : "—", T(r, "Working days"), days_text(r, m[i].days),
           T(r, "40-day rule"), ok ? "on_track" : "off_track", ok ? "✓" : "✗",
           ok ? T(r, "meets the rule")
              : arena_printf(r->arena, "%s %s %s", T(r, "short by"),
                             days_text(r, TEAM_DAYS_MIN - m[i].days), T(r, "days")));
    }
    if (!n) hf(r, "<tr><td colspan=5 class=empty>%s</td></tr>", T(r, "No member yet."));
    H(r, "</tbody></table></div>");
    int helper_w = can(r, CAP_TRAINING_WRITE, t->school_path);
    if (n && (helper_w || (r->auth.caps & CAPBIT(CAP_TRAINING_WRITE)))) day_form(r, t, m, n, f);
    if (helper_w) member_form(r, t, f);
    DbStmt *s = db_q(r->db,
                     "SELECT d.worked_on, t.name, o.name_zh, d.days, d.note FROM team_days d"
                     " JOIN teachers t ON t.id = d.teacher_id JOIN orgs o ON o.id = d.school_id"
                     " WHERE d.team_id = ? ORDER BY d.worked_on DESC, d.id DESC LIMIT ?",
                     "ii", t->id, (int64_t)RECENT_DAYS);
    hf(r,
       "<h2>%s</h2><div class=scroll><table class=stack><thead><tr><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
       "</tr></thead><tbody>",
       T(r, "The latest working days"), T(r, "Date"), T(r, "Member"), T(r, "Recipient school"),
       T(r, "Days"), T(r, "Note"));
    int k = 0;
    while (s && db_step(s) == DB_ROW) {
        hf(r,
           "<tr><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">"
           "%s</td><td data-label=\"%s\" data-n>%s</td><td data-label=\"%s\">%s</td></tr>",
           T(r, "Date"), db_col_text(s, 0), T(r, "Member"), db_col_text(s, 1),
           T(r, "Recipient school"), db_col_text(s, 2), T(r, "Days"),
           days_text(r, db_col_double(s, 3)), T(r, "Note"),
           *db_col_text(s, 4) ? db_col_text(s, 4) : "—");
        k++;
    }
    db_done(s);
    if (!k) hf(r, "<tr><td colspan=5 class=empty>%s</td></tr>", T(r, "No working day yet."));
    H(r, "</tbody></table></div>");
    page_end(r);
}

/* Loads the team of the path for a page. 1, or 0 with a 404 sent. */
static int team_for_page(Req *r, Team *t)
{
    int64_t id = team_id_text(req_param(r, "id"));
    int f = id ? team_load(r->db, r->arena, id, t) : 0;
    if (f > 0) f = team_visible(r, t);
    if (f < 0) {
        training_db_error(r);
        return 0;
    }
    if (!f) req_not_found(r);
    return f;
}

void team_page_show(Req *r)
{
    Team t;
    if (team_for_page(r, &t)) show(r, &t, 200, NULL);
}

static void after(Req *r, const Team *t, const char *form, TeamResult res, const TeamOutcome *out)
{
    switch (res) {
    case TEAM_OK:
        req_redirect(r, arena_printf(r->arena, "/teams/%lld", (long long)t->id));
        return;
    case TEAM_FORBIDDEN:
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    case TEAM_NOT_FOUND:
        req_not_found(r);
        return;
    case TEAM_INVALID:
    case TEAM_CONFLICT: {
        Failed f = {form, out};
        show(r, t, res == TEAM_INVALID ? 422 : 409, &f);
        return;
    }
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}

void team_page_add_member(Req *r)
{
    Team t;
    if (!team_for_page(r, &t)) return;
    TeamOutcome out;
    TeamResult res =
        team_add_member(r, &t, team_id_text(req_form(r, "teacher")), req_form(r, "role"), &out);
    after(r, &t, "member", res, &out);
}

void team_page_add_day(Req *r)
{
    Team t;
    if (!team_for_page(r, &t)) return;
    const char *d = req_form(r, "days");
    TeamDayInput in = {.teacher_id = team_id_text(req_form(r, "teacher")),
                       .school = req_form(r, "school"),
                       .worked_on = req_form(r, "worked_on"),
                       .days = d && !strcmp(d, "0.5") ? 0.5
                               : d && !strcmp(d, "1") ? 1
                                                      : -1,
                       .note = req_form(r, "note")};
    TeamOutcome out;
    TeamResult res = team_add_day(r, &t, &in, &out);
    after(r, &t, "day", res, &out);
}

/* ---- GET /teams.xlsx ------------------------------------------------------------------- */

void teams_xlsx(Req *r)
{
    int64_t year;
    if (!training_year_param(r, &year)) return;
    const char *code = req_query(r, "org");
    if (!code || !*code) code = training_top_unit(r, CAP_DATA_READ);
    Org unit;
    if (training_org_in_reach(r, code, CAP_DATA_READ, &unit) != 1) return;
    Table **t = arena_alloc(r->arena, sizeof *t * 2);
    t[0] = team_members_table(r, unit.path, (int)year, 0, BOOK_ROWS);
    t[1] = t[0] ? liaison_table(r, unit.path, 0, BOOK_ROWS) : NULL;
    if (!t[0] || !t[1]) {
        training_db_error(r);
        return;
    }
    Book *b = book_new(r);
    book_sheet(b, T(r, "Team days"), t, 1);
    book_sheet(b, T(r, "Liaison officers"), t + 1, 1);
    book_send(b, arena_printf(r->arena, "teams-%s-%lld.xlsx", unit.code, (long long)year),
              arena_printf(r->arena, "%s-%s-%lld.xlsx", unit.name_zh, T(r, "team days"),
                           (long long)year));
}
