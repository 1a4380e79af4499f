/* training_page.c — the training pages (training.h, team.h): a unit's summary
 * (rule shares by the units below it, with status marks; team-day and liaison
 * shortfalls), one school's teachers and their hours with the forms to add a
 * teacher, a record and a liaison officer, the county's shortfall list, and
 * their Excel workbooks. Tables are report.h tables, so a page and its workbook
 * cannot disagree. Phone-first; complete without JavaScript. */
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

enum { MAX_KIDS = 2048, PAGE_ROWS = 3000, BOOK_ROWS = 100000 };

/* ---- parameters ---------------------------------------------------------------------- */

/* The unit of ?org= (default: the caller's top unit) and ?year=. 1, or 0 with an
 * error sent. */
static int unit_and_year(Req *r, Org *unit, int64_t *year)
{
    if (!training_year_param(r, year)) return 0;
    const char *code = req_query(r, "org");
    if (!code || !*code) code = training_top_unit(r, CAP_DATA_READ);
    return training_org_in_reach(r, code, CAP_DATA_READ, unit) == 1;
}

/* The school of the path's {code}. 1, or 0 with a 404 sent. */
static int school_of_path(Req *r, Org *o)
{
    if (training_org_in_reach(r, req_param(r, "code"), CAP_DATA_READ, o) != 1) return 0;
    if (strcmp(o->kind, "school")) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

/* "/training?org=CODE&year=Y" or the school page for a school. */
static const char *unit_href(Req *r, const Org *o, int64_t year)
{
    return !strcmp(o->kind, "school")
               ? arena_printf(r->arena, "/training/school/%s?year=%lld", o->code, (long long)year)
               : arena_printf(r->arena, "/training?org=%s&year=%lld", o->code, (long long)year);
}

/* A ✓/✗ cell: meets, or short by `gap` of `unit`. */
static Cell *meets_cell(Req *r, Cell *c, int ok, double gap, const char *unit)
{
    cell_status(r, c, ok ? STATUS_ON_TRACK : STATUS_OFF_TRACK);
    c->text = ok ? T(r, "meets the rule")
                 : arena_printf(r->arena, "%s %s%s", T(r, "short by"),
                                fmt_num(r->arena, gap, gap == (double)(int64_t)gap ? 0 : 1), unit);
    return c;
}

/* ---- tables ---------------------------------------------------------------------------- */

/* The rule counts of the unit and of each unit below it. NULL on a database error. */
static Table *units_table(Req *r, const Org *unit, int64_t year)
{
    const char *word = !strcmp(unit->kind, "region")       ? T(r, "Prefecture")
                       : !strcmp(unit->kind, "prefecture") ? T(r, "County")
                                                           : T(r, "School");
    Table *t =
        table_new(r->arena, "rules", T(r, "Teachers meeting the training rules"), 8, word,
                  T(r, "Active teachers"), T(r, "Ethnic-unity and counselling ≥ 40 h"),
                  T(r, "Share"), T(r, "Status"), T(r, "IT ≥ 30 h"), T(r, "Share"), T(r, "Status"));
    t->note = T(r, "Every active teacher of the registry counts, with or without a record; "
                   "hours are those of the year.");
    DbStmt *s =
        db_q(r->db, "SELECT code FROM orgs WHERE parent_id = ? AND kind <> 'partner' ORDER BY code",
             "i", unit->id);
    const char **codes = arena_alloc(r->arena, sizeof *codes * MAX_KIDS);
    int n = 0;
    while (s && db_step(s) == DB_ROW && n < MAX_KIDS)
        codes[n++] = arena_strdup(r->arena, db_col_text(s, 0));
    db_done(s);
    if (!s) return NULL;
    /* the children first, then one pass over the unit's teachers for every row */
    Org *kids = arena_alloc(r->arena, sizeof *kids * (size_t)(n + 1));
    const char **paths = arena_alloc(r->arena, sizeof *paths * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        if (org_load(r->db, r->arena, codes[i], &kids[i]) != 1) return NULL;
        paths[i] = kids[i].path;
    }
    TrainingCounts *per = arena_alloc(r->arena, sizeof *per * (size_t)(n + 1)), all;
    if (training_counts_split(r->db, unit->path, (int)year, paths, n, per, &all) != 0) return NULL;
    for (int i = 0; i <= n; i++) {
        const Org *o = i < n ? &kids[i] : unit;
        TrainingCounts c = i < n ? per[i] : all;
        Cell *row = table_row(r->arena, t);
        if (i < n)
            cell_text(&row[0], org_name(r, o))->href = unit_href(r, o, year);
        else
            cell_text(&row[0], paren(r, T(r, "Total"), org_name(r, o)));
        cell_num(&row[1], (double)c.teachers, 0, NULL);
        cell_num(&row[2], (double)c.ethnic_ok, 0, NULL);
        cell_num(&row[3], training_share(c.ethnic_ok, c.teachers), 1, "%");
        cell_status(r, &row[4], training_share_status(c.ethnic_ok, c.teachers));
        cell_num(&row[5], (double)c.it_ok, 0, NULL);
        cell_num(&row[6], training_share(c.it_ok, c.teachers), 1, "%");
        cell_status(r, &row[7], training_share_status(c.it_ok, c.teachers));
    }
    return t;
}

/* The table of teachers h[0..n) with the year's hours by category; the school
 * column (a link to its page) when with_school; a note when there were more. */
static Table *hours_table(Req *r, const TeacherHours *h, int n, int more, int max, int64_t year,
                          int short_only, int with_school)
{
    const char *title =
        short_only ? T(r, "Teachers short of a training rule") : T(r, "Teachers and their hours");
    const char *id = short_only ? "short-teachers" : "teachers";
    const char *e = training_category_label(r, "ethnic_counselling"),
               *it = training_category_label(r, "it"), *sj = training_category_label(r, "subject"),
               *ot = training_category_label(r, "other");
    Table *t = with_school
                   ? table_new(r->arena, id, title, 9, T(r, "Teacher"), T(r, "School"),
                               T(r, "Subject"), e, T(r, "≥ 40 h"), it, T(r, "≥ 30 h"), sj, ot)
                   : table_new(r->arena, id, title, 8, T(r, "Teacher"), T(r, "Subject"), e,
                               T(r, "≥ 40 h"), it, T(r, "≥ 30 h"), sj, ot);
    if (more)
        t->note = arena_printf(r->arena, "%s %d; %s", T(r, "The first"), max,
                               T(r, "the Excel workbook has them all."));
    for (int i = 0; i < n; i++) {
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], h[i].name);
        if (with_school) {
            cell_text(&c[1], h[i].school_name)->href = arena_printf(
                r->arena, "/training/school/%s?year=%lld", h[i].school_code, (long long)year);
            c++;
        }
        cell_text(&c[1], *h[i].subject ? h[i].subject : NULL);
        cell_num(&c[2], h[i].ethnic, 1, NULL);
        meets_cell(r, &c[3], h[i].ethnic_ok, TRAINING_ETHNIC_HOURS - h[i].ethnic, T(r, " h"));
        cell_num(&c[4], h[i].it, 1, NULL);
        meets_cell(r, &c[5], h[i].it_ok, TRAINING_IT_HOURS - h[i].it, T(r, " h"));
        cell_num(&c[6], h[i].subject_h, 1, NULL);
        cell_num(&c[7], h[i].other, 1, NULL);
    }
    return t;
}

/* Every active teacher under path with the year's hours by category (or only those
 * short of a rule), with their school. NULL on a database error. */
static Table *teachers_table(Req *r, const char *path, int64_t year, int short_only, int max)
{
    TeacherHours *h;
    int more;
    int n = training_teacher_hours(r->db, r->arena, path, (int)year, short_only, max, &h, &more);
    return n < 0 ? NULL : hours_table(r, h, n, more, max, year, short_only, 1);
}

/* ---- GET /training ------------------------------------------------------------------------- */

void training_page_index(Req *r)
{
    Org unit;
    int64_t year;
    if (!unit_and_year(r, &unit, &year)) return;
    if (!strcmp(unit.kind, "school")) {
        req_redirect(r, unit_href(r, &unit, year));
        return;
    }
    Table *t = units_table(r, &unit, year);
    TrainingCounts c;
    int64_t members = 0, short_members = 0, schools = 0, short_schools = 0;
    if (!t || training_counts(r->db, unit.path, (int)year, &c) != 0 ||
        team_member_counts(r->db, unit.path, (int)year, &members, &short_members) != 0 ||
        liaison_counts(r->db, unit.path, &schools, &short_schools) != 0) {
        training_db_error(r);
        return;
    }
    const char *name = org_name(r, &unit);
    page_begin(r, title_join(r, name, T(r, "Training and teams")));
    report_styles(r);
    hf(r, "<h1>%s <small>%s %lld</small></h1>", name, T(r, "Training and teams"), (long long)year);
    hf(r,
       "<form method=get action=\"/training\" class=filters><input type=hidden name=org "
       "value=\"%s\"><label>%s<input name=year size=6 maxlength=4 inputmode=numeric "
       "value=\"%lld\"></label><button>%s</button></form>",
       unit.code, T(r, "Year"), (long long)year, T(r, "Show"));
    TargetStatus se = training_share_status(c.ethnic_ok, c.teachers),
                 si = training_share_status(c.it_ok, c.teachers);
    hf(r,
       "<ul class=stats><li><b>%lld</b>%s</li><li class=\"st-%s\"><b>%s%%</b>%s</li>"
       "<li class=\"st-%s\"><b>%s%%</b>%s</li><li class=\"st-%s\"><b>%lld / %lld</b>%s</li>"
       "<li class=\"st-%s\"><b>%lld / %lld</b>%s</li></ul>",
       (long long)c.teachers, T(r, "active teachers"), status_name(se),
       fmt_num(r->arena, training_share(c.ethnic_ok, c.teachers), 1),
       T(r, "meet the 40-hour ethnic-unity and counselling rule"), status_name(si),
       fmt_num(r->arena, training_share(c.it_ok, c.teachers), 1), T(r, "meet the 30-hour IT rule"),
       short_members ? "off_track"
       : members     ? "on_track"
                     : "no_data",
       (long long)short_members, (long long)members, T(r, "team members under 40 working days"),
       short_schools ? "off_track"
       : schools     ? "on_track"
                     : "no_data",
       (long long)short_schools, (long long)schools,
       T(r, "recipient schools with fewer than 3 liaison officers"));
    hf(r,
       "<p class=actions><a href=\"/training/shortfalls?org=%s&amp;year=%lld\">%s</a>"
       "<a href=\"/teams?org=%s&amp;year=%lld\">%s</a>"
       "<a href=\"/training.xlsx?org=%s&amp;year=%lld\">%s</a>"
       "<a href=\"/teams.xlsx?org=%s&amp;year=%lld\">%s</a></p>",
       unit.code, (long long)year, T(r, "Who falls short"), unit.code, (long long)year,
       T(r, "Assistance teams (1+N)"), unit.code, (long long)year, T(r, "Training table (Excel)"),
       unit.code, (long long)year, T(r, "Team days (Excel)"));
    table_html(r, t);
    if (r->auth.caps & CAPBIT(CAP_TRAINING_WRITE)) training_import_form(r, NULL);
    page_end(r);
}

/* ---- GET /training/school/{code} ---------------------------------------------------------- */

/* The failed form of a POST re-shown with its input: which form, the field at fault
 * and why (translated). */
typedef struct Failed {
    const char *form, *field, *why;
} Failed;

/* The value of a field of the failed form, else dflt. */
static const char *kept(Req *r, const Failed *f, const char *form, const char *name,
                        const char *dflt)
{
    if (f && f->form && !strcmp(f->form, form)) {
        const char *v = req_form(r, name);
        if (v) return v;
    }
    return dflt;
}

static void field_error(Req *r, const Failed *f, const char *form, const char *field)
{
    if (f && f->form && !strcmp(f->form, form) && f->field && !strcmp(f->field, field))
        hf(r, "<span class=field-error>%s</span>", f->why);
}

static void teacher_form(Req *r, const Org *o, const Failed *f)
{
    hf(r,
       "<form method=post action=\"/training/school/%s/teachers\" class=card id=add-teacher>"
       "<h2>%s</h2>",
       o->code, T(r, "Add a teacher to the registry"));
    form_csrf(r);
    hf(r, "<label>%s<input name=name required maxlength=50 value=\"%s\"></label>", T(r, "Name"),
       kept(r, f, "teacher", "name", ""));
    field_error(r, f, "teacher", "name");
    hf(r, "<label>%s<input name=subject maxlength=50 value=\"%s\"></label>", T(r, "Subject"),
       kept(r, f, "teacher", "subject", ""));
    field_error(r, f, "teacher", "subject");
    hf(r, "<p class=note>%s</p><button>%s</button></form>",
       T(r, "Only a name and a subject are kept: nothing else about a person."),
       T(r, "Add the teacher"));
}

static void record_form(Req *r, const Org *o, const TeacherHours *h, int n, int64_t year,
                        const Failed *f)
{
    char today[11];
    training_today(today);
    const char *day = year == training_this_year()
                          ? today
                          : arena_printf(r->arena, "%lld-12-31", (long long)year);
    hf(r,
       "<form method=post action=\"/training/school/%s/records\" class=card id=add-record>"
       "<h2>%s</h2>",
       o->code, T(r, "Record a training"));
    form_csrf(r);
    const char *sel = kept(r, f, "record", "teacher", "");
    hf(r, "<label>%s<select name=teacher required><option value=\"\">%s</option>", T(r, "Teacher"),
       T(r, "Choose"));
    for (int i = 0; i < n; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)h[i].id);
        hf(r, "<option value=\"%s\"%s>%s</option>", id, !strcmp(sel, id) ? " selected" : "",
           h[i].name);
    }
    H(r, "</select>");
    field_error(r, f, "record", "teacher");
    const char *cat = kept(r, f, "record", "category", "ethnic_counselling");
    hf(r, "</label><label>%s<select name=category>", T(r, "Category"));
    for (const char *const *c = training_categories; *c; c++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *c, !strcmp(cat, *c) ? " selected" : "",
           training_category_label(r, *c));
    H(r, "</select>");
    field_error(r, f, "record", "category");
    hf(r,
       "</label><label>%s<input name=hours required inputmode=decimal maxlength=6 "
       "value=\"%s\"></label>",
       T(r, "Hours"), kept(r, f, "record", "hours", ""));
    field_error(r, f, "record", "hours");
    hf(r, "<label>%s<input name=title required maxlength=200 value=\"%s\"></label>", T(r, "Title"),
       kept(r, f, "record", "title", ""));
    field_error(r, f, "record", "title");
    hf(r, "<label>%s<input name=provider maxlength=200 value=\"%s\"></label>", T(r, "Provider"),
       kept(r, f, "record", "provider", ""));
    field_error(r, f, "record", "provider");
    hf(r, "<label>%s<input name=held_on type=date required value=\"%s\"></label>", T(r, "Held on"),
       kept(r, f, "record", "held_on", day));
    field_error(r, f, "record", "held_on");
    field_error(r, f, "record", "year");
    hf(r, "<button>%s</button></form>", T(r, "Save the record"));
}

static void liaison_section(Req *r, const Org *o, const Failed *f)
{
    Liaison *l;
    int n = liaison_list_school(r->db, r->arena, o->id, &l);
    int active = 0;
    for (int i = 0; i < n; i++)
        active += l[i].active;
    hf(r, "<h2 id=liaison>%s</h2><p><span class=\"status st-%s\">%s %d / %d</span></p>",
       T(r, "Liaison officers"), active >= LIAISON_MIN ? "on_track" : "off_track",
       T(r, "active officers"), active, LIAISON_MIN);
    hf(r,
       "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Name"), T(r, "Phone"), T(r, "Since"), T(r, "Login"), T(r, "Active"));
    for (int i = 0; i < n; i++)
        hf(r, "<tr%s><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
           l[i].active ? "" : " class=inactive", l[i].name, *l[i].phone ? l[i].phone : "—",
           l[i].since, l[i].login ? l[i].login : "—", l[i].active ? T(r, "yes") : T(r, "no"));
    if (!n) hf(r, "<tr><td colspan=5 class=empty>%s</td></tr>", T(r, "No liaison officer yet."));
    H(r, "</tbody></table></div>");
    if (!can(r, CAP_TRAINING_WRITE, o->path) && !can(r, CAP_USER_WRITE, o->path)) return;
    char today[11];
    training_today(today);
    hf(r,
       "<form method=post action=\"/training/school/%s/liaison\" class=card id=add-liaison>"
       "<h2>%s</h2>",
       o->code, T(r, "Add a liaison officer"));
    form_csrf(r);
    hf(r, "<label>%s<input name=name required maxlength=50 value=\"%s\"></label>", T(r, "Name"),
       kept(r, f, "liaison", "name", ""));
    field_error(r, f, "liaison", "name");
    hf(r,
       "<label>%s<input name=phone inputmode=tel maxlength=11 value=\"%s\" "
       "placeholder=\"13912345678\"></label>",
       T(r, "Phone (11 digits, optional)"), kept(r, f, "liaison", "phone", ""));
    field_error(r, f, "liaison", "phone");
    hf(r, "<label>%s<input name=since type=date value=\"%s\"></label>", T(r, "Since"),
       kept(r, f, "liaison", "since", today));
    field_error(r, f, "liaison", "since");
    hf(r, "<label>%s<input name=user maxlength=64 value=\"%s\"></label>",
       T(r, "Their login, if they have one (optional)"), kept(r, f, "liaison", "user", ""));
    field_error(r, f, "liaison", "user");
    hf(r, "<button>%s</button></form>", T(r, "Add the officer"));
}

/* The school page; f (may be NULL) is a refused form to show again. */
static void school_page(Req *r, const Org *o, int64_t year, int status, const Failed *f)
{
    TrainingCounts c;
    TeacherHours *h;
    int more;
    int n = training_teacher_hours(r->db, r->arena, o->path, (int)year, 0, 5000, &h, &more);
    Table *t = n < 0 ? NULL : hours_table(r, h, n, more, 5000, year, 0, 0);
    if (!t || training_counts(r->db, o->path, (int)year, &c) != 0) {
        training_db_error(r);
        return;
    }
    const char *name = org_name(r, o);
    page_begin(r, title_join(r, name, T(r, "Training")));
    r->status = status;
    report_styles(r);
    hf(r, "<nav class=crumbs><a href=\"/training\">%s</a> › <span>%s</span></nav>",
       T(r, "Training and teams"), name);
    hf(r, "<h1>%s <small>%s %lld</small></h1>", name, T(r, "Training"), (long long)year);
    if (f && f->why)
        page_notice(r, "error",
                    arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), f->field ? f->field : "",
                                 f->why));
    hf(r,
       "<form method=get action=\"/training/school/%s\" class=filters><label>%s<input name=year "
       "size=6 maxlength=4 inputmode=numeric value=\"%lld\"></label><button>%s</button></form>",
       o->code, T(r, "Year"), (long long)year, T(r, "Show"));
    int64_t short_n = 0;
    for (int i = 0; i < n; i++)
        short_n += !h[i].ethnic_ok || !h[i].it_ok;
    hf(r,
       "<ul class=stats><li><b>%lld</b>%s</li><li class=\"st-%s\"><b>%s%%</b>%s</li>"
       "<li class=\"st-%s\"><b>%s%%</b>%s</li><li><b>%lld</b>%s</li></ul>",
       (long long)c.teachers, T(r, "active teachers"),
       status_name(training_share_status(c.ethnic_ok, c.teachers)),
       fmt_num(r->arena, training_share(c.ethnic_ok, c.teachers), 1),
       T(r, "meet the 40-hour ethnic-unity and counselling rule"),
       status_name(training_share_status(c.it_ok, c.teachers)),
       fmt_num(r->arena, training_share(c.it_ok, c.teachers), 1), T(r, "meet the 30-hour IT rule"),
       (long long)short_n, T(r, "fall short of a rule"));
    hf(r, "<p class=actions><a href=\"/training.xlsx?org=%s&amp;year=%lld\">%s</a>", o->code,
       (long long)year, T(r, "Training table (Excel)"));
    if (o->is_helper)
        hf(r, "<a href=\"/teams?org=%s&amp;year=%lld\">%s</a>", o->code, (long long)year,
           T(r, "The school's assistance team"));
    if (o->is_recipient)
        hf(r, "<a href=\"/teams?org=%s&amp;year=%lld\">%s</a><a href=\"#liaison\">%s</a>", o->code,
           (long long)year, T(r, "Teams working here"), T(r, "Liaison officers"));
    H(r, "</p>");
    if (short_n) {
        hf(r, "<h2>%s</h2><ul>", T(r, "Who falls short"));
        for (int i = 0; i < n; i++) {
            if (h[i].ethnic_ok && h[i].it_ok) continue;
            hf(r, "<li>%s — ", h[i].name);
            if (!h[i].ethnic_ok)
                hf(r, "%s %s %s", training_category_label(r, "ethnic_counselling"),
                   fmt_num(r->arena, h[i].ethnic, 1), T(r, "of 40 h"));
            if (!h[i].ethnic_ok && !h[i].it_ok) H(r, "; ");
            if (!h[i].it_ok)
                hf(r, "%s %s %s", training_category_label(r, "it"), fmt_num(r->arena, h[i].it, 1),
                   T(r, "of 30 h"));
            H(r, "</li>");
        }
        H(r, "</ul>");
    }
    table_html(r, t);
    if (can(r, CAP_TRAINING_WRITE, o->path)) {
        if (n) record_form(r, o, h, n, year, f);
        teacher_form(r, o, f);
        training_import_form(r, o->code);
    }
    if (o->is_recipient) liaison_section(r, o, f);
    page_end(r);
}

void training_page_school(Req *r)
{
    Org o;
    int64_t year;
    if (!training_year_param(r, &year) || !school_of_path(r, &o)) return;
    school_page(r, &o, year, 200, NULL);
}

/* Answers a page form's outcome: back to the school page, or the page again with
 * the form and its field named. */
static void after_form(Req *r, const Org *o, const char *form, const TrainingOutcome *out,
                       int64_t year)
{
    switch (out->status) {
    case 201:
        req_redirect(r, arena_printf(r->arena, "/training/school/%s?year=%lld#%s", o->code,
                                     (long long)year, form));
        return;
    case 403:
        page_error(r, 403, T(r, "You do not have permission to do this."));
        return;
    case 404:
        req_not_found(r);
        return;
    case 409:
    case 422: {
        Failed f = {form, out->field, out->why};
        school_page(r, o, year, out->status, &f);
        return;
    }
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}

void training_page_add_teacher(Req *r)
{
    Org o;
    if (!school_of_path(r, &o)) return;
    TrainingOutcome out;
    training_teacher_create(r, o.code, req_form(r, "name"), req_form(r, "subject"), &out);
    after_form(r, &o, "teacher", &out, training_this_year());
}

void training_page_add_record(Req *r)
{
    Org o;
    if (!school_of_path(r, &o)) return;
    TrainingInput in = {0};
    const char *t = req_form(r, "teacher");
    in.teacher = t && *t ? strtoll(t, NULL, 10) : 0;
    in.hours_text = req_form(r, "hours");
    if (!in.hours_text) in.hours_text = "";
    in.category = req_form(r, "category");
    in.title = req_form(r, "title");
    in.provider = req_form(r, "provider");
    in.held_on = req_form(r, "held_on");
    /* the teacher must be of this school: a record for another school is not this form's */
    Teacher te;
    if (in.teacher > 0 && teacher_load(r->db, r->arena, in.teacher, &te) == 1 &&
        te.school_id != o.id)
        in.teacher = 0;
    TrainingOutcome out;
    training_record_create(r, &in, &out);
    int64_t year = in.held_on && atoi(in.held_on) >= 2020 ? atoi(in.held_on) : training_this_year();
    after_form(r, &o, "record", &out, year);
}

void liaison_page_create(Req *r)
{
    Org o;
    if (!school_of_path(r, &o)) return;
    LiaisonInput in = {.school = o.code,
                       .name = req_form(r, "name"),
                       .phone = req_form(r, "phone"),
                       .since = req_form(r, "since"),
                       .login = req_form(r, "user"),
                       .has_name = 1,
                       .has_phone = 1,
                       .has_since = 1,
                       .has_login = 1};
    TeamOutcome tout;
    TeamResult res = liaison_create(r, &in, &tout);
    TrainingOutcome out = {.field = tout.field, .why = tout.why, .id = tout.id};
    out.status = res == TEAM_OK          ? 201
                 : res == TEAM_INVALID   ? 422
                 : res == TEAM_FORBIDDEN ? 403
                 : res == TEAM_CONFLICT  ? 409
                 : res == TEAM_NOT_FOUND ? 404
                                         : 503;
    after_form(r, &o, "liaison", &out, training_this_year());
}

/* ---- GET /training/shortfalls -------------------------------------------------------------- */

/* The three shortfall tables of a unit (max rows each). NULL entries on error. */
static int shortfall_tables(Req *r, const Org *unit, int64_t year, int max, Table **out)
{
    out[0] = teachers_table(r, unit->path, year, 1, max);
    out[1] = team_members_table(r, unit->path, year, 1, max);
    out[2] = liaison_table(r, unit->path, 1, max);
    return out[0] && out[1] && out[2];
}

void training_page_shortfalls(Req *r)
{
    Org unit;
    int64_t year;
    if (!unit_and_year(r, &unit, &year)) return;
    Table *t[3];
    if (!shortfall_tables(r, &unit, year, PAGE_ROWS, t)) {
        training_db_error(r);
        return;
    }
    const char *name = org_name(r, &unit);
    page_begin(r, title_join(r, name, T(r, "Who falls short")));
    report_styles(r);
    hf(r, "<nav class=crumbs><a href=\"%s\">%s</a> › <span>%s</span></nav>",
       unit_href(r, &unit, year), name, T(r, "Who falls short"));
    hf(r, "<h1>%s <small>%s %lld</small></h1>", name, T(r, "Who falls short"), (long long)year);
    hf(r,
       "<form method=get action=\"/training/shortfalls\" class=filters><input type=hidden "
       "name=org value=\"%s\"><label>%s<input name=year size=6 maxlength=4 inputmode=numeric "
       "value=\"%lld\"></label><button>%s</button></form>",
       unit.code, T(r, "Year"), (long long)year, T(r, "Show"));
    hf(r,
       "<p class=note>%s</p><p class=actions><a href=\"/training/shortfalls.xlsx?org=%s&amp;"
       "year=%lld\">%s</a></p>",
       T(r, "The rules: 40 hours of ethnic-unity education and counselling and 30 hours of IT "
            "training per teacher a year; 40 working days a year per assistance-team member at "
            "recipient schools; 3 liaison officers per recipient school. Teams listed are those "
            "of helping schools in this unit and those that worked at its recipient schools."),
       unit.code, (long long)year, T(r, "Excel workbook"));
    for (int i = 0; i < 3; i++)
        table_html(r, t[i]);
    page_end(r);
}

/* ---- Excel ---------------------------------------------------------------------------------- */

void training_xlsx(Req *r)
{
    Org unit;
    int64_t year;
    if (!unit_and_year(r, &unit, &year)) return;
    Table *units = strcmp(unit.kind, "school") ? units_table(r, &unit, year) : NULL;
    Table *teachers = teachers_table(r, unit.path, year, 0, BOOK_ROWS);
    if ((strcmp(unit.kind, "school") && !units) || !teachers) {
        training_db_error(r);
        return;
    }
    Book *b = book_new(r);
    Table **one = arena_alloc(r->arena, sizeof *one * 2);
    one[0] = units;
    one[1] = teachers;
    if (units) book_sheet(b, T(r, "Rules by unit"), one, 1);
    book_sheet(b, T(r, "Teachers and hours"), one + 1, 1);
    book_send(
        b, arena_printf(r->arena, "training-%s-%lld.xlsx", unit.code, (long long)year),
        arena_printf(r->arena, "%s-%s-%lld.xlsx", unit.name_zh, T(r, "training"), (long long)year));
}

void training_shortfalls_xlsx(Req *r)
{
    Org unit;
    int64_t year;
    if (!unit_and_year(r, &unit, &year)) return;
    Table **t = arena_alloc(r->arena, sizeof *t * 3);
    if (!shortfall_tables(r, &unit, year, BOOK_ROWS, t)) {
        training_db_error(r);
        return;
    }
    Book *b = book_new(r);
    book_sheet(b, T(r, "Training rules"), t, 1);
    book_sheet(b, T(r, "Team days"), t + 1, 1);
    book_sheet(b, T(r, "Liaison officers"), t + 2, 1);
    book_send(b, arena_printf(r->arena, "shortfalls-%s-%lld.xlsx", unit.code, (long long)year),
              arena_printf(r->arena, "%s-%s-%lld.xlsx", unit.name_zh, T(r, "shortfalls"),
                           (long long)year));
}
