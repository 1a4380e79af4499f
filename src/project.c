/* project.c — see project.h: the model (load, visibility, rights, JSON),
 * validation of a create or an edit, the store, the list and the JSON API.
 * The transitions and the approval chain are in project_flow.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "audit.h"
#include "core/money.h"
#include "core/util.h"
#include "need.h"
#include "project_int.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* ---- names and labels ------------------------------------------------------ */

const char *const project_kinds[] = {
    "teacher_support", "training",   "curriculum", "equipment", "parent_education",
    "community",       "study_tour", "other",      NULL};
const char *const project_statuses[] = {"draft",     "submitted",   "approved",
                                        "rejected",  "in_progress", "suspended",
                                        "completed", "accepted",    NULL};
const char *const project_levels[] = {"school", "county", "prefecture", "region", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

int project_kind_ok(const char *s)
{
    return in_list(project_kinds, s);
}
int project_status_ok(const char *s)
{
    return in_list(project_statuses, s);
}

int project_level_rank(const char *level)
{
    for (int i = 0; level && project_levels[i]; i++)
        if (!strcmp(project_levels[i], level)) return i;
    return -1;
}

const char *project_kind_label(Req *r, const char *k)
{
    if (!k) return "";
    if (!strcmp(k, "teacher_support")) return T(r, "Teacher support");
    if (!strcmp(k, "training")) return T(r, "Training");
    if (!strcmp(k, "curriculum")) return T(r, "Curriculum");
    if (!strcmp(k, "equipment")) return T(r, "Equipment");
    if (!strcmp(k, "parent_education")) return T(r, "Parent education");
    if (!strcmp(k, "community")) return T(r, "Community");
    if (!strcmp(k, "study_tour")) return T(r, "Study tour");
    if (!strcmp(k, "other")) return T(r, "Other");
    return k;
}

const char *project_status_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "draft")) return T(r, "Draft, not submitted");
    if (!strcmp(s, "submitted")) return T(r, "Submitted, under approval");
    if (!strcmp(s, "approved")) return T(r, "Approved");
    if (!strcmp(s, "rejected")) return T(r, "Returned for changes");
    if (!strcmp(s, "in_progress")) return T(r, "In progress");
    if (!strcmp(s, "suspended")) return T(r, "Suspended");
    if (!strcmp(s, "completed")) return T(r, "Completed, awaiting acceptance");
    if (!strcmp(s, "accepted")) return T(r, "Accepted on inspection");
    return s;
}

const char *project_level_label(Req *r, const char *level)
{
    if (!level) return "";
    if (!strcmp(level, "school")) return T(r, "School");
    if (!strcmp(level, "county")) return T(r, "County");
    if (!strcmp(level, "prefecture")) return T(r, "Prefecture");
    if (!strcmp(level, "region")) return T(r, "Region");
    return level;
}

/* ---- small helpers --------------------------------------------------------------- */

void project_today(char out[11])
{
    time_t t = (time_t)(now_s() + 8 * 3600); /* Asia/Shanghai, no daylight saving */
    struct tm tm;
    gmtime_r(&t, &tm);
    if (!strftime(out, 11, "%Y-%m-%d", &tm)) out[0] = '\0';
}

int project_first_year(const Project *p)
{
    return p->start_date ? atoi(p->start_date) : 0;
}
int project_last_year(const Project *p)
{
    return p->end_date ? atoi(p->end_date) : 0;
}

int project_fail(ProjectInput *in, const char *field, const char *why)
{
    if (!in->bad_field) {
        in->bad_field = field;
        in->why = why;
    }
    return 0;
}

static const char *dup_or_null(Arena *a, DbStmt *s, int i)
{
    return db_col_is_null(s, i) ? NULL : arena_strdup(a, db_col_text(s, i));
}

/* ---- the store ------------------------------------------------------------------- */

#define PROJECT_COLS                                                                               \
    "p.id, p.title, p.kind, p.summary, p.start_date, p.end_date, p.status, p.top_level,"           \
    " p.level_done, p.brand_level, p.lead_org_id, p.scope_org_id, lo.code, lo.name_zh, lo.path,"   \
    " so.path, p.budget_fen, CASE WHEN " PROJECT_LAGGING_SQL(                                      \
        "p") " THEN 1 ELSE 0 END, p.percent_done, p.created_by, p.created_at, p.updated_at,"       \
             " p.submitted_at, p.accepted_at, p.last_report_at, so.code, so.kind, lo.kind"
#define PROJECT_FROM                                                                               \
    " FROM projects p JOIN orgs lo ON lo.id = p.lead_org_id JOIN orgs so ON so.id = "              \
    "p.scope_org_id"

void project_row(DbStmt *s, Arena *a, Project *p)
{
    memset(p, 0, sizeof *p);
    p->id = db_col_int(s, 0);
    p->title = arena_strdup(a, db_col_text(s, 1));
    p->kind = arena_strdup(a, db_col_text(s, 2));
    p->summary = arena_strdup(a, db_col_text(s, 3));
    p->start_date = arena_strdup(a, db_col_text(s, 4));
    p->end_date = arena_strdup(a, db_col_text(s, 5));
    p->status = arena_strdup(a, db_col_text(s, 6));
    p->top_level = dup_or_null(a, s, 7);
    p->level_done = dup_or_null(a, s, 8);
    p->brand_level = dup_or_null(a, s, 9);
    p->lead_id = db_col_int(s, 10);
    p->scope_id = db_col_int(s, 11);
    p->lead_code = arena_strdup(a, db_col_text(s, 12));
    p->lead_name = arena_strdup(a, db_col_text(s, 13));
    p->lead_path = arena_strdup(a, db_col_text(s, 14));
    p->scope_path = arena_strdup(a, db_col_text(s, 15));
    p->budget_fen = db_col_int(s, 16);
    p->lagging = (int)db_col_int(s, 17);
    p->percent_done = (int)db_col_int(s, 18);
    p->created_by = arena_strdup(a, db_col_text(s, 19));
    p->created_at = db_col_int(s, 20);
    p->updated_at = db_col_int(s, 21);
    p->submitted_at = db_col_int(s, 22);
    p->accepted_at = db_col_int(s, 23);
    p->last_report_at = db_col_int(s, 24);
    p->scope_code = arena_strdup(a, db_col_text(s, 25));
    p->scope_kind = arena_strdup(a, db_col_text(s, 26));
    p->lead_kind = arena_strdup(a, db_col_text(s, 27));
}

int project_load(Db *db, Arena *a, int64_t id, Project *out)
{
    char today[11];
    project_today(today);
    DbStmt *s = db_q(db, "SELECT " PROJECT_COLS PROJECT_FROM " WHERE p.id = ?",
                     PROJECT_LAGGING_TYPES "i", PROJECT_LAGGING_ARGS(today, now_s()), id);
    if (!s) return -1;
    int rc = db_step(s), found = 0;
    if (rc == DB_ROW) {
        project_row(s, a, out);
        found = 1;
    } else if (rc != DB_DONE) {
        found = -1;
    }
    db_done(s);
    return found;
}

int project_recipients(Db *db, Arena *a, int64_t id, ProjectSchool *out, int max)
{
    DbStmt *s = db_q(db,
                     "SELECT o.id, o.code, o.name_zh, o.name_en, o.path FROM project_recipients pr"
                     " JOIN orgs o ON o.id = pr.school_id WHERE pr.project_id = ? ORDER BY o.code",
                     "i", id);
    if (!s) return -1;
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW && n < max) {
        out[n].id = db_col_int(s, 0);
        out[n].code = arena_strdup(a, db_col_text(s, 1));
        out[n].name = arena_strdup(a, db_col_text(s, 2));
        out[n].name_en = arena_strdup(a, db_col_text(s, 3));
        out[n].path = arena_strdup(a, db_col_text(s, 4));
        n++;
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? n : -1;
}

/* ---- rights ------------------------------------------------------------------------ */

int project_grant_reaches(Req *r, Cap c, const char *path, const char *kind)
{
    for (int i = 0; path && i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (g->role == ROLE_EVALUATOR || !(role_caps(g->role) & CAPBIT(c))) continue;
        if (kind && (!g->org_kind || strcmp(g->org_kind, kind))) continue;
        if (!strncmp(path, g->org_path, strlen(g->org_path))) return 1;
    }
    return 0;
}

static int grant_reaches(Req *r, Cap c, const char *path)
{
    return project_grant_reaches(r, c, path, NULL);
}

int project_can(Req *r, Cap c, const Project *p, const char *side)
{
    if (!side || !strcmp(side, "lead"))
        if (grant_reaches(r, c, p->lead_path)) return 1;
    if (side && strcmp(side, "recipient")) return 0;
    ProjectSchool rs[PROJECT_MAX_RECIPIENTS];
    int n = project_recipients(r->db, r->arena, p->id, rs, PROJECT_MAX_RECIPIENTS);
    for (int i = 0; i < n; i++)
        if (grant_reaches(r, c, rs[i].path)) return 1;
    return 0;
}

int project_get_visible(Req *r, int64_t id, Project *out)
{
    if (id <= 0) return 0;
    int f = project_load(r->db, r->arena, id, out);
    if (f != 1) return f;
    int64_t one = 0;
    f = db_int(r->db, &one,
               "SELECT 1 FROM projects p WHERE p.id = ? AND " PROJECT_REACH_SQL("p.id"),
               "i" PROJECT_REACH_TYPES, id, PROJECT_REACH_ARGS(r, CAP_DATA_READ));
    return f < 0 ? -1 : f;
}

int64_t project_id_param(Req *r, const char *name)
{
    int64_t id;
    const char *s = req_param(r, name ? name : "id");
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}
static json_t *int_or_null(int64_t v)
{
    return v ? json_integer((json_int_t)v) : json_null();
}

#define S_(x) ((x) ? (x) : "")

/* The project's own fields, recipients and needs, without what follows from them. */
static json_t *project_core_json(Req *r, const Project *p)
{
    json_t *j =
        json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s}", "id", (json_int_t)p->id, "title",
                  S_(p->title), "kind", S_(p->kind), "status", S_(p->status), "start_date",
                  S_(p->start_date), "end_date", S_(p->end_date), "budget_fen",
                  (json_int_t)p->budget_fen, "summary", S_(p->summary), "lead", S_(p->lead_code));
    json_object_set_new(j, "scope", json_string(S_(p->scope_code)));
    json_object_set_new(j, "top_level", str_or_null(p->top_level));
    json_object_set_new(j, "level_done", str_or_null(p->level_done));
    ProjectSchool rs[PROJECT_MAX_RECIPIENTS];
    int n = project_recipients(r->db, r->arena, p->id, rs, PROJECT_MAX_RECIPIENTS);
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(rs[i].code));
    json_object_set_new(j, "recipients", a);
    json_t *needs = json_array();
    DbStmt *s =
        db_q(r->db, "SELECT need_id FROM project_needs WHERE project_id = ? ORDER BY need_id", "i",
             p->id);
    while (s && db_step(s) == DB_ROW)
        json_array_append_new(needs, json_integer((json_int_t)db_col_int(s, 0)));
    db_done(s);
    json_object_set_new(j, "needs", needs);
    return j;
}

json_t *project_audit_json(Req *r, const Project *p)
{
    return project_core_json(r, p);
}

json_t *project_json(Req *r, const Project *p)
{
    json_t *j = project_core_json(r, p);
    json_object_set_new(j, "lead_name", json_string(S_(p->lead_name)));
    json_object_set_new(j, "lead_kind", json_string(S_(p->lead_kind)));
    json_object_set_new(j, "scope_kind", json_string(S_(p->scope_kind)));
    /* recipients with names */
    ProjectSchool rs[PROJECT_MAX_RECIPIENTS];
    int n = project_recipients(r->db, r->arena, p->id, rs, PROJECT_MAX_RECIPIENTS);
    json_t *ra = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(ra, json_pack("{s:s,s:s}", "code", rs[i].code, "name", rs[i].name));
    json_object_set_new(j, "recipient_schools", ra);
    /* the approval chain and its decisions */
    const char *chain[4];
    int k = p->top_level ? project_chain(p->scope_kind, p->top_level, chain) : 0;
    json_t *ca = json_array();
    for (int i = 0; i < k; i++)
        json_array_append_new(ca, json_string(chain[i]));
    json_object_set_new(j, "chain", ca);
    json_object_set_new(
        j, "next_level",
        str_or_null(!strcmp(S_(p->status), "submitted")
                        ? project_next_level(p->scope_kind, p->top_level, p->level_done)
                        : NULL));
    json_t *da = json_array();
    DbStmt *s =
        db_q(r->db,
             "SELECT level, decision, comment, decided_by, decided_at FROM project_decisions"
             " WHERE project_id = ? ORDER BY id",
             "i", p->id);
    while (s && db_step(s) == DB_ROW)
        json_array_append_new(da, json_pack("{s:s,s:s,s:s,s:s,s:I}", "level", db_col_text(s, 0),
                                            "decision", db_col_text(s, 1), "comment",
                                            db_col_text(s, 2), "decided_by", db_col_text(s, 3),
                                            "decided_at", (json_int_t)db_col_int(s, 4)));
    db_done(s);
    json_object_set_new(j, "decisions", da);
    /* the actions legal from here, and those the caller may take */
    const char *acts[16];
    int na = project_actions_from(p->status, acts, 16);
    json_t *aa = json_array(), *ma = json_array();
    for (int i = 0; i < na; i++) {
        json_array_append_new(aa, json_string(acts[i]));
        if (project_may(r, p, acts[i])) json_array_append_new(ma, json_string(acts[i]));
    }
    json_object_set_new(j, "allowed_actions", aa);
    json_object_set_new(j, "my_actions", ma);
    json_object_set_new(j, "brand_level", str_or_null(p->brand_level));
    json_object_set_new(j, "lagging", json_boolean(p->lagging));
    json_object_set_new(j, "percent_done", json_integer(p->percent_done));
    json_object_set_new(j, "created_by", json_string(S_(p->created_by)));
    json_object_set_new(j, "created_at", json_integer((json_int_t)p->created_at));
    json_object_set_new(j, "updated_at", json_integer((json_int_t)p->updated_at));
    json_object_set_new(j, "submitted_at", int_or_null(p->submitted_at));
    json_object_set_new(j, "accepted_at", int_or_null(p->accepted_at));
    json_object_set_new(j, "last_report_at", int_or_null(p->last_report_at));
    return j;
}

/* ---- validation ------------------------------------------------------------------------ */

/* A working copy of a project being created or edited. */
typedef struct Draft {
    const char *title, *kind, *summary, *start_date, *end_date;
    int64_t budget_fen;
    Org lead, scope;
    int64_t recipient_ids[PROJECT_MAX_RECIPIENTS];
    const char *recipient_paths[PROJECT_MAX_RECIPIENTS];
    int nrecipients;
    int64_t needs[PROJECT_MAX_NEEDS];
    int nneeds;
} Draft;

/* Parses a form's budget in yuan into in->budget_fen. */
static int parse_typed(Req *r, ProjectInput *in)
{
    if (in->budget_text) {
        if (!fen_parse(in->budget_text, &in->budget_fen))
            return project_fail(in, "budget_fen",
                                T(r, "must be an amount of 0 or more, at most two decimals"));
        in->has_budget = 1;
    }
    return 1;
}

/* Loads and checks the lead: 1; 0 with in's field set (422), -2 forbidden, -1 error. */
static int check_lead(Req *r, ProjectInput *in, const char *code, Org *o)
{
    if (!code || !*code || !valid_code(code))
        return project_fail(in, "lead",
                            T(r, "is required: the code of a helping school or partner"));
    int f = org_load(r->db, r->arena, code, o);
    if (f < 0) return -1;
    if (!f || !can(r, CAP_DATA_READ, o->path))
        return project_fail(in, "lead", T(r, "is not an organisation in your reach"));
    int helper = !strcmp(o->kind, "school") && o->is_helper;
    if ((!helper && strcmp(o->kind, "partner")) || !o->active)
        return project_fail(in, "lead", T(r, "must be an active helping school or partner"));
    if (!grant_reaches(r, CAP_PROJECT_WRITE, o->path)) return -2;
    return 1;
}

/* The lowest organisation whose path is a prefix of every path (paths end in '/'):
 * its code into code (at most cap bytes). 1, or 0 when none is common. */
static int common_code(const char *const *paths, int n, char *code, size_t cap)
{
    if (n < 1) return 0;
    size_t len = strlen(paths[0]);
    for (int i = 1; i < n; i++) {
        size_t k = 0;
        while (k < len && paths[i][k] && paths[i][k] == paths[0][k])
            k++;
        len = k;
    }
    while (len > 0 && paths[0][len - 1] != '/')
        len--; /* back to a whole segment */
    if (len < 2) return 0;
    size_t end = len - 1, start = end;
    while (start > 0 && paths[0][start - 1] != '/')
        start--;
    if (end - start + 1 > cap) return 0;
    memcpy(code, paths[0] + start, end - start);
    code[end - start] = '\0';
    return end > start;
}

/* Checks the merged draft: fields, recipients, needs, and computes the scope.
 * 1 valid; 0 invalid (in's field set); -1 error. */
static int check_draft(Req *r, ProjectInput *in, Draft *d, const char *const *recipient_codes,
                       int nrc)
{
    if (!d->title || !*d->title || !valid_text(d->title, 200))
        return project_fail(in, "title",
                            T(r, "is required: at most 200 bytes, no control characters"));
    if (!project_kind_ok(d->kind))
        return project_fail(in, "kind",
                            T(r, "must be one of teacher_support, training, curriculum, equipment, "
                                 "parent_education, community, study_tour, other"));
    if (!need_date_ok(d->start_date))
        return project_fail(in, "start_date", T(r, "must be a real date written YYYY-MM-DD"));
    if (!need_date_ok(d->end_date))
        return project_fail(in, "end_date", T(r, "must be a real date written YYYY-MM-DD"));
    if (strcmp(d->end_date, d->start_date) < 0)
        return project_fail(in, "end_date", T(r, "must not be before start_date"));
    if (d->budget_fen < 0 || d->budget_fen > (int64_t)10000000000000)
        return project_fail(in, "budget_fen", T(r, "must be a whole number of fen, 0 or more"));
    if (!valid_text(d->summary, 4000))
        return project_fail(in, "summary",
                            T(r, "must be at most 4000 bytes, no control characters"));
    if (nrc < 1)
        return project_fail(in, "recipients", T(r, "must name at least one recipient school"));
    d->nrecipients = 0;
    for (int i = 0; i < nrc; i++) {
        const char *c = recipient_codes[i];
        Org o;
        int f = c && valid_code(c) ? org_load(r->db, r->arena, c, &o) : 0;
        if (f < 0) return -1;
        if (!f || strcmp(o.kind, "school") || !o.is_recipient || !o.active)
            return project_fail(in, "recipients",
                                arena_printf(r->arena, "%s: %s", c ? c : "",
                                             T(r, "is not an active recipient school")));
        for (int k = 0; k < d->nrecipients; k++)
            if (d->recipient_ids[k] == o.id)
                return project_fail(in, "recipients",
                                    arena_printf(r->arena, "%s: %s", c, T(r, "is listed twice")));
        d->recipient_ids[d->nrecipients] = o.id;
        d->recipient_paths[d->nrecipients] = o.path;
        d->nrecipients++;
    }
    for (int i = 0; i < d->nneeds; i++) {
        Need nd;
        int f = need_load(r->db, r->arena, d->needs[i], &nd);
        if (f < 0) return -1;
        int ok = f && can(r, CAP_DATA_READ, nd.school_path);
        int mine = 0;
        for (int k = 0; ok && k < d->nrecipients; k++)
            if (d->recipient_ids[k] == nd.school_id) mine = 1;
        if (!ok || !mine)
            return project_fail(in, "needs",
                                arena_printf(r->arena, "%lld: %s", (long long)d->needs[i],
                                             T(r, "is not a need of a recipient school")));
        for (int k = 0; k < i; k++)
            if (d->needs[k] == d->needs[i])
                return project_fail(in, "needs",
                                    arena_printf(r->arena, "%lld: %s", (long long)d->needs[i],
                                                 T(r, "is listed twice")));
    }
    /* the scope: the lowest unit holding the lead and every recipient */
    const char *paths[PROJECT_MAX_RECIPIENTS + 1];
    paths[0] = d->lead.path;
    for (int i = 0; i < d->nrecipients; i++)
        paths[i + 1] = d->recipient_paths[i];
    char code[40];
    if (!common_code(paths, d->nrecipients + 1, code, sizeof code))
        return project_fail(in, "recipients", T(r, "have no unit in common with the lead"));
    int f = org_load(r->db, r->arena, code, &d->scope);
    if (f != 1) return -1;
    if (project_level_rank(d->scope.kind) < 0)
        return project_fail(in, "recipients", T(r, "have no unit in common with the lead"));
    return 1;
}

/* Writes the recipients and needs of project id (replacing any). DB_OK or error. */
static int write_links(Db *db, int64_t id, const Draft *d)
{
    int rc = db_run(db, "DELETE FROM project_recipients WHERE project_id = ?", "i", id);
    if (rc == DB_OK) rc = db_run(db, "DELETE FROM project_needs WHERE project_id = ?", "i", id);
    for (int i = 0; rc == DB_OK && i < d->nrecipients; i++)
        rc = db_run(db, "INSERT INTO project_recipients(project_id, school_id) VALUES (?, ?)", "ii",
                    id, d->recipient_ids[i]);
    for (int i = 0; rc == DB_OK && i < d->nneeds; i++)
        rc = db_run(db, "INSERT INTO project_needs(project_id, need_id) VALUES (?, ?)", "ii", id,
                    d->needs[i]);
    return rc;
}

ProjectResult project_create(Req *r, ProjectInput *in, Project *out)
{
    if (!parse_typed(r, in)) return PROJECT_INVALID;
    Draft d = {0};
    int f = check_lead(r, in, in->lead, &d.lead);
    if (f == -1) return PROJECT_ERROR;
    if (f == -2) return PROJECT_FORBIDDEN;
    if (!f) return PROJECT_INVALID;
    if (!in->has_title) return project_fail(in, "title", T(r, "is required")), PROJECT_INVALID;
    if (!in->has_kind) return project_fail(in, "kind", T(r, "is required")), PROJECT_INVALID;
    if (!in->has_start)
        return project_fail(in, "start_date", T(r, "is required: YYYY-MM-DD")), PROJECT_INVALID;
    if (!in->has_end)
        return project_fail(in, "end_date", T(r, "is required: YYYY-MM-DD")), PROJECT_INVALID;
    if (!in->has_recipients)
        return project_fail(in, "recipients", T(r, "must name at least one recipient school")),
               PROJECT_INVALID;
    d.title = in->title;
    d.kind = in->kind;
    d.summary = in->has_summary ? in->summary : "";
    d.start_date = in->start_date;
    d.end_date = in->end_date;
    d.budget_fen = in->has_budget ? in->budget_fen : 0;
    d.nneeds = in->has_needs ? in->nneeds : 0;
    memcpy(d.needs, in->needs, sizeof(int64_t) * (size_t)d.nneeds);
    f = check_draft(r, in, &d, in->recipients, in->nrecipients);
    if (f < 0) return PROJECT_ERROR;
    if (!f) return PROJECT_INVALID;
    if (db_begin(r->db) != DB_OK) return PROJECT_ERROR;
    int64_t now = now_s(), id = 0;
    DbStmt *s =
        db_q(r->db,
             "INSERT INTO projects(title, kind, lead_org_id, scope_org_id, summary,"
             " start_date, end_date, budget_fen, status, created_by, created_at, updated_at)"
             " VALUES (?,?,?,?,?,?,?,?,'draft',?,?,?) RETURNING id",
             "ssiisssisii", d.title, d.kind, d.lead.id, d.scope.id, d.summary, d.start_date,
             d.end_date, d.budget_fen, r->auth.login, now, now);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    rc = id ? write_links(r->db, id, &d) : (rc == DB_CONSTRAINT ? DB_CONSTRAINT : DB_ERROR);
    if (rc == DB_OK && project_load(r->db, r->arena, id, out) != 1) rc = DB_ERROR;
    if (rc == DB_OK) {
        json_t *after = project_audit_json(r, out);
        rc = audit_log(r->db, r->auth.login, "project.create", "project",
                       arena_printf(r->arena, "%lld", (long long)id), out->scope_path, NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return PROJECT_ERROR;
    }
    return PROJECT_OK;
}

ProjectResult project_update(Req *r, int64_t id, ProjectInput *in, Project *out, const char **why)
{
    *why = NULL;
    Project old;
    int f = project_get_visible(r, id, &old);
    if (f < 0) return PROJECT_ERROR;
    if (!f) return PROJECT_NOT_FOUND;
    *out = old;
    if (!project_can(r, CAP_PROJECT_WRITE, &old, "lead")) return PROJECT_FORBIDDEN;
    if (strcmp(old.status, "draft") && strcmp(old.status, "rejected")) {
        *why = arena_printf(r->arena, "%s (%s)",
                            T(r, "A project can be edited only as a draft or when returned for "
                                 "changes"),
                            old.status);
        return PROJECT_CONFLICT;
    }
    if (!parse_typed(r, in)) return PROJECT_INVALID;
    Draft d = {0};
    if (in->has_lead) {
        f = check_lead(r, in, in->lead, &d.lead);
        if (f == -1) return PROJECT_ERROR;
        if (f == -2) return PROJECT_FORBIDDEN;
        if (!f) return PROJECT_INVALID;
    } else if (org_load(r->db, r->arena, old.lead_code, &d.lead) != 1) {
        return PROJECT_ERROR;
    }
    d.title = in->has_title ? in->title : old.title;
    d.kind = in->has_kind ? in->kind : old.kind;
    d.summary = in->has_summary ? in->summary : old.summary;
    d.start_date = in->has_start ? in->start_date : old.start_date;
    d.end_date = in->has_end ? in->end_date : old.end_date;
    d.budget_fen = in->has_budget ? in->budget_fen : old.budget_fen;
    const char *codes[PROJECT_MAX_RECIPIENTS];
    int nrc = 0;
    if (in->has_recipients) {
        nrc = in->nrecipients;
        memcpy(codes, in->recipients, sizeof(char *) * (size_t)nrc);
    } else {
        ProjectSchool rs[PROJECT_MAX_RECIPIENTS];
        nrc = project_recipients(r->db, r->arena, id, rs, PROJECT_MAX_RECIPIENTS);
        if (nrc < 0) return PROJECT_ERROR;
        for (int i = 0; i < nrc; i++)
            codes[i] = rs[i].code;
    }
    if (in->has_needs) {
        d.nneeds = in->nneeds;
        memcpy(d.needs, in->needs, sizeof(int64_t) * (size_t)d.nneeds);
    } else {
        DbStmt *s = db_q(r->db,
                         "SELECT need_id FROM project_needs WHERE project_id = ? ORDER BY"
                         " need_id",
                         "i", id);
        while (s && db_step(s) == DB_ROW && d.nneeds < PROJECT_MAX_NEEDS)
            d.needs[d.nneeds++] = db_col_int(s, 0);
        db_done(s);
    }
    f = check_draft(r, in, &d, codes, nrc);
    if (f < 0) return PROJECT_ERROR;
    if (!f) return PROJECT_INVALID;
    json_t *before = project_audit_json(r, &old);
    int rc = db_begin(r->db);
    int64_t hit = 0;
    if (rc == DB_OK) {
        /* the status guard makes a concurrent transition win over this edit */
        DbStmt *s =
            db_q(r->db,
                 "UPDATE projects SET title = ?, kind = ?, lead_org_id = ?, scope_org_id = ?,"
                 " summary = ?, start_date = ?, end_date = ?, budget_fen = ?, updated_at = ?"
                 " WHERE id = ? AND status = ? RETURNING id",
                 "ssiisssiiis", d.title, d.kind, d.lead.id, d.scope.id, d.summary, d.start_date,
                 d.end_date, d.budget_fen, now_s(), id, old.status);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK && hit) rc = write_links(r->db, id, &d);
    if (rc == DB_OK && hit && project_load(r->db, r->arena, id, out) != 1) rc = DB_ERROR;
    if (rc == DB_OK && hit) {
        json_t *after = project_audit_json(r, out);
        if (json_equal(before, after)) {
            json_decref(after);
            json_decref(before);
            db_rollback(r->db);
            return PROJECT_OK;
        }
        rc = audit_log(r->db, r->auth.login, "project.update", "project",
                       arena_printf(r->arena, "%lld", (long long)id), out->scope_path, before,
                       after);
        json_decref(after);
    }
    json_decref(before);
    if (rc != DB_OK || !hit || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_OK && !hit) {
            *why = T(r, "The project was changed by someone else meanwhile; reload it and try "
                        "again.");
            return PROJECT_CONFLICT;
        }
        return PROJECT_ERROR;
    }
    return PROJECT_OK;
}

/* ---- the list ------------------------------------------------------------------------ */

#define LIST_WHERE                                                                                 \
    " AND (CAST(? AS TEXT) IS NULL OR p.kind = ?)"                                                 \
    " AND (CAST(? AS TEXT) IS NULL OR substr(lo.path, 1, length(CAST(? AS TEXT))) = ?"             \
    "  OR EXISTS (SELECT 1 FROM project_recipients fr JOIN orgs fo ON fo.id = fr.school_id"        \
    "  WHERE fr.project_id = p.id AND substr(fo.path, 1, length(CAST(? AS TEXT))) = ?))"           \
    " AND (CAST(? AS BIGINT) = 0 OR p.lead_org_id = ?)"                                            \
    " AND (CAST(? AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM project_recipients sr"                   \
    "  WHERE sr.project_id = p.id AND sr.school_id = ?))"                                          \
    " AND (CAST(? AS BIGINT) = 0 OR (p.start_date <= ? AND p.end_date >= ?))"                      \
    " AND (CAST(? AS BIGINT) = 0 OR " PROJECT_LAGGING_SQL("p") ")"
#define LIST_TYPES                                                                                 \
    "ss"                                                                                           \
    "sssss"                                                                                        \
    "ii"                                                                                           \
    "ii"                                                                                           \
    "iss"                                                                                          \
    "i" PROJECT_LAGGING_TYPES
#define LIST_ARGS(f, yfrom, yto, today, now)                                                       \
    (f)->kind, (f)->kind, (f)->org_path, (f)->org_path, (f)->org_path, (f)->org_path,              \
        (f)->org_path, (f)->lead_id, (f)->lead_id, (f)->school_id, (f)->school_id, (f)->year,      \
        (yto), (yfrom), (int64_t)(f)->lagging, PROJECT_LAGGING_ARGS(today, now)

DbStmt *project_list_query(Req *r, const ProjectFilter *f)
{
    char today[11], yfrom[16], yto[16];
    project_today(today);
    snprintf(yfrom, sizeof yfrom, "%04d-01-01", (int)(f->year % 10000));
    snprintf(yto, sizeof yto, "%04d-12-31", (int)(f->year % 10000));
    int64_t now = now_s();
    return db_q(r->db,
                "SELECT " PROJECT_COLS PROJECT_FROM " WHERE " PROJECT_REACH_SQL(
                    "p.id") " AND (CAST(? AS TEXT) IS NULL OR p.status = ?)" LIST_WHERE
                            " AND (CAST(? AS BIGINT) = 0 OR p.id < ?) ORDER BY p.id DESC LIMIT ?",
                PROJECT_LAGGING_TYPES PROJECT_REACH_TYPES "ss" LIST_TYPES "iii",
                PROJECT_LAGGING_ARGS(today, now), PROJECT_REACH_ARGS(r, CAP_DATA_READ), f->status,
                f->status, LIST_ARGS(f, yfrom, yto, today, now), f->before_id, f->before_id,
                f->limit + 1);
}

int project_count_by_status(Req *r, const ProjectFilter *f, int64_t counts[8])
{
    char today[11], yfrom[16], yto[16];
    project_today(today);
    snprintf(yfrom, sizeof yfrom, "%04d-01-01", (int)(f->year % 10000));
    snprintf(yto, sizeof yto, "%04d-12-31", (int)(f->year % 10000));
    memset(counts, 0, sizeof(int64_t) * 8);
    DbStmt *s = db_q(r->db,
                     "SELECT p.status, count(*)" PROJECT_FROM " WHERE " PROJECT_REACH_SQL("p.id")
                         LIST_WHERE " GROUP BY p.status",
                     PROJECT_REACH_TYPES LIST_TYPES, PROJECT_REACH_ARGS(r, CAP_DATA_READ),
                     LIST_ARGS(f, yfrom, yto, today, now_s()));
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        for (int i = 0; project_statuses[i]; i++)
            if (!strcmp(project_statuses[i], db_col_text(s, 0))) counts[i] = db_col_int(s, 1);
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

int project_filter_from_query(Req *r, ProjectFilter *f, int64_t default_limit)
{
    memset(f, 0, sizeof *f);
    f->limit = default_limit;
    const char *st = req_query(r, "status"), *kind = req_query(r, "kind"),
               *org = req_query(r, "org"), *lead = req_query(r, "lead"),
               *school = req_query(r, "school"), *year = req_query(r, "year"),
               *lag = req_query(r, "lagging"), *lim = req_query(r, "limit"),
               *cursor = req_query(r, "cursor");
    const char *why = NULL;
    if (lim && *lim && !parse_int(lim, 1, 500, &f->limit))
        why = T(r, "limit must be a whole number from 1 to 500.");
    else if (st && *st && !project_status_ok(st))
        why = T(r, "status must be one of draft, submitted, approved, rejected, in_progress, "
                   "suspended, completed, accepted.");
    else if (kind && *kind && !project_kind_ok(kind))
        why = T(r, "kind must be one of teacher_support, training, curriculum, equipment, "
                   "parent_education, community, study_tour, other.");
    else if (year && *year && !parse_int(year, 2000, 2100, &f->year))
        why = T(r, "year must be a year such as 2026.");
    else if (lag && *lag && strcmp(lag, "0") && strcmp(lag, "1"))
        why = T(r, "lagging must be 0 or 1.");
    else if (cursor && *cursor && !parse_int(cursor, 1, INT64_MAX / 2, &f->before_id))
        why = T(r, "cursor is not valid.");
    else if ((org && *org && !valid_code(org)) || (lead && *lead && !valid_code(lead)) ||
             (school && *school && !valid_code(school)))
        why = T(r, "org, lead and school must be organisation codes.");
    if (why) {
        if (req_is_api(r))
            req_error(r, 400, "bad_param", why);
        else
            page_error(r, 400, why);
        return 0;
    }
    f->status = st && *st ? st : NULL;
    f->kind = kind && *kind ? kind : NULL;
    f->lagging = lag && !strcmp(lag, "1");
    const char *codes[3] = {org, lead, school};
    for (int i = 0; i < 3; i++) {
        if (!codes[i] || !*codes[i]) continue;
        Org o;
        int found = org_load(r->db, r->arena, codes[i], &o);
        if (found < 0) {
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
            return 0;
        }
        if (!found || !can(r, CAP_DATA_READ, o.path)) {
            req_not_found(r);
            return 0;
        }
        if (i == 0) f->org_path = o.path;
        if (i == 1) f->lead_id = o.id;
        if (i == 2) f->school_id = o.id;
    }
    return 1;
}

/* ---- API --------------------------------------------------------------------------- */

void project_api_list(Req *r)
{
    ProjectFilter f;
    if (!project_filter_from_query(r, &f, 50)) return;
    DbStmt *s = project_list_query(r, &f);
    if (!s) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    /* read the page first: project_json runs queries of its own */
    Project *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(f.limit + 1));
    int n = 0, more = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        project_row(s, r->arena, &rows[n++]);
    }
    db_done(s);
    if (rc != DB_ROW && rc != DB_DONE) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, project_json(r, &rows[i]));
    json_t *out = json_pack("{s:o}", "items", list);
    json_object_set_new(out, "next_cursor",
                        more
                            ? json_string(arena_printf(r->arena, "%lld", (long long)rows[n - 1].id))
                            : json_null());
    req_send_json(r, 200, out);
}

void project_send_result(Req *r, ProjectResult res, const ProjectInput *in, const Project *p,
                         const char *why)
{
    switch (res) {
    case PROJECT_OK:
        break;
    case PROJECT_INVALID:
        req_error(r, 422, "invalid",
                  arena_printf(r->arena, "%s %s", in && in->bad_field ? in->bad_field : "body",
                               in && in->why ? in->why : ""));
        break;
    case PROJECT_NOT_FOUND:
        req_not_found(r);
        break;
    case PROJECT_FORBIDDEN:
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        break;
    case PROJECT_CONFLICT: {
        const char *acts[16];
        int k = p && p->status ? project_actions_from(p->status, acts, 16) : 0;
        json_t *allowed = json_array();
        for (int i = 0; i < k; i++)
            json_array_append_new(allowed, json_string(acts[i]));
        json_t *e = json_pack("{s:s,s:s,s:o}", "code", "conflict", "message",
                              why ? why : T(r, "Conflict."), "allowed", allowed);
        if (p && p->status) json_object_set_new(e, "status", json_string(p->status));
        req_send_json(r, 409, json_pack("{s:o}", "error", e));
        break;
    }
    default:
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    }
}

/* Reads a JSON body into in, checking types. 1, or 0 with in's field set. */
static int input_from_json(Req *r, json_t *j, ProjectInput *in)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        const char *field = arena_strdup(r->arena, key);
        const char *sv = json_is_string(v) ? arena_strdup(r->arena, json_string_value(v)) : NULL;
        if (!strcmp(key, "budget_fen")) {
            if (!json_is_integer(v) || json_integer_value(v) < 0)
                return project_fail(in, field, T(r, "must be a whole number of fen, 0 or more"));
            in->budget_fen = json_integer_value(v);
            in->has_budget = 1;
        } else if (!strcmp(key, "recipients")) {
            if (!json_is_array(v) || json_array_size(v) > PROJECT_MAX_RECIPIENTS)
                return project_fail(in, field,
                                    T(r, "must be a list of at most 50 recipient school codes"));
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x)
            {
                if (!json_is_string(x))
                    return project_fail(
                        in, field, T(r, "must be a list of at most 50 recipient school codes"));
                in->recipients[i] = arena_strdup(r->arena, json_string_value(x));
            }
            in->nrecipients = (int)json_array_size(v);
            in->has_recipients = 1;
        } else if (!strcmp(key, "needs")) {
            if (!json_is_array(v) || json_array_size(v) > PROJECT_MAX_NEEDS)
                return project_fail(in, field, T(r, "must be a list of at most 100 need ids"));
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x)
            {
                if (!json_is_integer(x) || json_integer_value(x) <= 0)
                    return project_fail(in, field, T(r, "must be a list of at most 100 need ids"));
                in->needs[i] = json_integer_value(x);
            }
            in->nneeds = (int)json_array_size(v);
            in->has_needs = 1;
        } else {
            if (!sv) return project_fail(in, field, T(r, "must be a string"));
            if (!strcmp(key, "title"))
                in->title = sv, in->has_title = 1;
            else if (!strcmp(key, "kind"))
                in->kind = sv, in->has_kind = 1;
            else if (!strcmp(key, "lead"))
                in->lead = sv, in->has_lead = 1;
            else if (!strcmp(key, "start_date"))
                in->start_date = sv, in->has_start = 1;
            else if (!strcmp(key, "end_date"))
                in->end_date = sv, in->has_end = 1;
            else if (!strcmp(key, "summary"))
                in->summary = sv, in->has_summary = 1;
        }
    }
    return 1;
}

static const char *const create_fields[] = {"title",   "kind",       "lead",     "recipients",
                                            "needs",   "start_date", "end_date", "budget_fen",
                                            "summary", NULL};

void project_api_create(Req *r)
{
    json_t *j = req_json_object(r, create_fields);
    if (!j) return;
    ProjectInput in = {0};
    Project p;
    int ok = input_from_json(r, j, &in);
    json_decref(j);
    ProjectResult res = ok ? project_create(r, &in, &p) : PROJECT_INVALID;
    if (res != PROJECT_OK) {
        project_send_result(r, res, &in, NULL, NULL);
        return;
    }
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/projects/%lld", (long long)p.id));
    req_send_json(r, 201, project_json(r, &p));
}

void project_api_get(Req *r)
{
    Project p;
    int f = project_get_visible(r, project_id_param(r, "id"), &p);
    if (f < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (!f) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, project_json(r, &p));
}

void project_api_patch(Req *r)
{
    int64_t id = project_id_param(r, "id");
    Project chk;
    /* out of reach answers 404 before the body is even read */
    int f = project_get_visible(r, id, &chk);
    if (f <= 0) {
        if (f < 0)
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        else
            req_not_found(r);
        return;
    }
    json_t *j = req_json_object(r, create_fields);
    if (!j) return;
    ProjectInput in = {0};
    Project p = chk;
    const char *why = NULL;
    int ok = input_from_json(r, j, &in);
    json_decref(j);
    ProjectResult res;
    if (!ok) {
        /* rights and state come before the body's fields */
        if (!project_can(r, CAP_PROJECT_WRITE, &chk, "lead"))
            res = PROJECT_FORBIDDEN;
        else if (strcmp(chk.status, "draft") && strcmp(chk.status, "rejected"))
            res = project_update(r, id, &(ProjectInput){0}, &p, &why);
        else
            res = PROJECT_INVALID;
    } else {
        res = project_update(r, id, &in, &p, &why);
    }
    if (res != PROJECT_OK) {
        project_send_result(r, res, &in, &p, why);
        return;
    }
    req_send_json(r, 200, project_json(r, &p));
}
