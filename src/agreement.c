/* agreement.c — see agreement.h: the long-term rule, the store, validation,
 * audited writes with the project figures, the API and the project-page
 * section. */
#include "agreement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "brand.h"
#include "core/util.h"
#include "need.h"
#include "org.h"
#include "project.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* ---- pure logic ----------------------------------------------------------------- */

const char *const agreement_sides[] = {"school",    "government", "enterprise",
                                       "community", "social",     NULL};

int agreement_long_term(const char *start, const char *end)
{
    if (!start || !end || strlen(start) != 10 || strlen(end) != 10) return 0;
    char anniversary[16];
    snprintf(anniversary, sizeof anniversary, "%04d%s", atoi(start) + 3, start + 4);
    return strcmp(end, anniversary) >= 0;
}

static int side_ok(const char *s)
{
    for (const char *const *p = agreement_sides; s && *p; p++)
        if (!strcmp(*p, s)) return 1;
    return 0;
}

int agreement_side_fits(const char *side, const char *kind, const char *pkind)
{
    if (!side_ok(side) || !kind) return 0;
    if (!strcmp(side, "school")) return !strcmp(kind, "school");
    int partner = !strcmp(kind, "partner");
    if (!strcmp(side, "government"))
        return !strcmp(kind, "region") || !strcmp(kind, "prefecture") || !strcmp(kind, "county") ||
               (partner && (!pkind || !strcmp(pkind, "government")));
    return partner && (!pkind || !strcmp(pkind, side));
}

const char *agreement_side_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "school")) return T(r, "School");
    if (!strcmp(s, "government")) return T(r, "Local government");
    if (!strcmp(s, "enterprise")) return T(r, "Enterprise");
    if (!strcmp(s, "community")) return T(r, "Community organisation");
    if (!strcmp(s, "social")) return T(r, "Social organisation");
    return s;
}

/* ---- the store ------------------------------------------------------------------ */

int64_t agreement_id_param(Req *r)
{
    int64_t id;
    const char *s = req_param(r, "id");
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

static const char *dup(Arena *a, DbStmt *s, int i)
{
    return arena_strdup(a, db_col_text(s, i) ? db_col_text(s, i) : "");
}

int agreement_load(Db *db, Arena *a, int64_t id, Agreement *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *s = db_q(db,
                     "SELECT a.id, a.title, a.owner_org_id, o.code, o.name_zh, o.name_en, o.path,"
                     " o.kind, a.start_date, a.end_date, a.summary, a.created_by, a.created_at,"
                     " a.updated_at FROM agreements a JOIN orgs o ON o.id = a.owner_org_id"
                     " WHERE a.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->id = db_col_int(s, 0);
        out->title = dup(a, s, 1);
        out->owner_id = db_col_int(s, 2);
        out->owner_code = dup(a, s, 3);
        out->owner_name_zh = dup(a, s, 4);
        out->owner_name_en = dup(a, s, 5);
        out->owner_path = dup(a, s, 6);
        out->owner_kind = dup(a, s, 7);
        out->start_date = dup(a, s, 8);
        out->end_date = dup(a, s, 9);
        out->summary = dup(a, s, 10);
        out->created_by = dup(a, s, 11);
        out->created_at = db_col_int(s, 12);
        out->updated_at = db_col_int(s, 13);
    }
    db_done(s);
    if (rc != DB_ROW) return rc == DB_DONE ? 0 : -1;
    int64_t np = 0, nj = 0;
    if (db_int(db, &np, "SELECT count(*) FROM agreement_parties WHERE agreement_id = ?", "i", id) <
            0 ||
        db_int(db, &nj, "SELECT count(*) FROM agreement_projects WHERE agreement_id = ?", "i", id) <
            0)
        return -1;
    out->parties = arena_alloc(a, sizeof *out->parties * (size_t)(np + 1));
    out->projects = arena_alloc(a, sizeof *out->projects * (size_t)(nj + 1));
    s = db_q(db,
             "SELECT ap.org_id, o.code, o.name_zh, o.name_en, o.kind, o.path, ap.side, ap.supplies"
             " FROM agreement_parties ap JOIN orgs o ON o.id = ap.org_id"
             " WHERE ap.agreement_id = ? ORDER BY o.code",
             "i", id);
    while (s && out->nparties < np && db_step(s) == DB_ROW) {
        AgreementParty *p = &out->parties[out->nparties++];
        p->org_id = db_col_int(s, 0);
        p->code = dup(a, s, 1);
        p->name_zh = dup(a, s, 2);
        p->name_en = dup(a, s, 3);
        p->kind = dup(a, s, 4);
        p->path = dup(a, s, 5);
        p->side = dup(a, s, 6);
        p->supplies = dup(a, s, 7);
    }
    db_done(s);
    s = db_q(db,
             "SELECT project_id FROM agreement_projects WHERE agreement_id = ? ORDER BY project_id",
             "i", id);
    while (s && out->nprojects < nj && db_step(s) == DB_ROW)
        out->projects[out->nprojects++] = db_col_int(s, 0);
    db_done(s);
    return s ? 1 : -1;
}

int agreement_visible(Req *r, const Agreement *ag)
{
    if (can(r, CAP_DATA_READ, ag->owner_path)) return 1;
    for (int i = 0; i < ag->nparties; i++)
        if (can(r, CAP_DATA_READ, ag->parties[i].path)) return 1;
    return 0;
}

/* The agreement's own fields, for the audit trail and the API. */
static json_t *fields_json(const Agreement *ag)
{
    json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)ag->id, "title",
                          ag->title, "owner", ag->owner_code, "start_date", ag->start_date,
                          "end_date", ag->end_date, "summary", ag->summary, "long_term",
                          agreement_long_term(ag->start_date, ag->end_date));
    json_t *parties = json_array();
    for (int i = 0; i < ag->nparties; i++)
        json_array_append_new(parties,
                              json_pack("{s:s,s:s,s:s}", "org", ag->parties[i].code, "side",
                                        ag->parties[i].side, "supplies", ag->parties[i].supplies));
    json_object_set_new(j, "parties", parties);
    return j;
}

static json_t *audit_json(const Agreement *ag)
{
    json_t *j = fields_json(ag);
    json_t *ids = json_array();
    for (int i = 0; i < ag->nprojects; i++)
        json_array_append_new(ids, json_integer(ag->projects[i]));
    json_object_set_new(j, "projects", ids);
    return j;
}

json_t *agreement_json(Req *r, const Agreement *ag)
{
    json_t *j = fields_json(ag);
    json_object_set_new(j, "owner_name", json_string(ag->owner_name_zh));
    json_object_set_new(j, "owner_name_en", json_string(ag->owner_name_en));
    json_object_set_new(j, "created_by", json_string(ag->created_by));
    json_object_set_new(j, "created_at", json_integer(ag->created_at));
    json_object_set_new(j, "updated_at", json_integer(ag->updated_at));
    json_t *parties = json_object_get(j, "parties");
    for (int i = 0; i < ag->nparties; i++) {
        json_t *p = json_array_get(parties, (size_t)i);
        json_object_set_new(p, "name", json_string(ag->parties[i].name_zh));
        json_object_set_new(p, "name_en", json_string(ag->parties[i].name_en));
        json_object_set_new(p, "kind", json_string(ag->parties[i].kind));
    }
    json_t *projects = json_array();
    DbStmt *s = db_q(r->db,
                     "SELECT p.id, p.title, p.status, lo.code, p.start_date, p.end_date"
                     " FROM agreement_projects ap JOIN projects p ON p.id = ap.project_id"
                     " JOIN orgs lo ON lo.id = p.lead_org_id"
                     " WHERE ap.agreement_id = ? AND " PROJECT_REACH_SQL("p.id") " ORDER BY p.id",
                     "i" PROJECT_REACH_TYPES, ag->id, PROJECT_REACH_ARGS(r, CAP_DATA_READ));
    while (s && db_step(s) == DB_ROW)
        json_array_append_new(
            projects,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_col_int(s, 0), "title",
                      db_col_text(s, 1), "status", db_col_text(s, 2), "lead", db_col_text(s, 3),
                      "start_date", db_col_text(s, 4), "end_date", db_col_text(s, 5)));
    db_done(s);
    json_object_set_new(j, "projects_hidden",
                        json_integer(ag->nprojects - (json_int_t)json_array_size(projects)));
    json_object_set_new(j, "projects", projects);
    return j;
}

/* ---- writes ------------------------------------------------------------------------ */

static void result(AgreementResult *res, int status, const char *code, const char *message)
{
    res->status = status;
    res->code = code;
    res->message = message;
}

static int invalid(Req *r, AgreementInput *in, AgreementResult *res, const char *field,
                   const char *why)
{
    in->bad_field = field;
    in->why = why;
    result(res, 422, "invalid", arena_printf(r->arena, "%s %s", field, why));
    return 0;
}

/* Whether id is in the list. */
static int has_id(const int64_t *ids, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (ids[i] == id) return 1;
    return 0;
}

/* Whether project `id` exists and the caller can see it. -1 on error. */
static int project_visible(Req *r, int64_t id)
{
    int64_t hit = 0;
    int f = db_int(r->db, &hit,
                   "SELECT p.id FROM projects p WHERE p.id = ? AND " PROJECT_REACH_SQL("p.id"),
                   "i" PROJECT_REACH_TYPES, id, PROJECT_REACH_ARGS(r, CAP_DATA_READ));
    return f < 0 ? -1 : f == 1;
}

/* Resolves and checks the parties of `in` into ag (arena). 1, or 0 with res set. */
static int resolve_parties(Req *r, AgreementInput *in, Agreement *ag, AgreementResult *res)
{
    if (in->nparties < 2)
        return invalid(r, in, res, "parties", T(r, "must list at least two organisations"));
    ag->nparties = in->nparties;
    ag->parties = arena_alloc(r->arena, sizeof *ag->parties * (size_t)in->nparties);
    for (int i = 0; i < in->nparties; i++) {
        const char *org = in->parties[i].org, *side = in->parties[i].side,
                   *supplies = in->parties[i].supplies ? in->parties[i].supplies : "";
        const char *f_org = arena_printf(r->arena, "parties[%d].org", i);
        const char *f_side = arena_printf(r->arena, "parties[%d].side", i);
        Org o;
        int found = org && valid_code(org) ? org_load(r->db, r->arena, org, &o) : 0;
        if (found < 0) {
            result(res, 503, "busy", T(r, "The service is busy. Please try again."));
            return 0;
        }
        if (!found || !o.active)
            return invalid(r, in, res, f_org, T(r, "is not a known organisation code"));
        for (int k = 0; k < i; k++)
            if (ag->parties[k].org_id == o.id)
                return invalid(r, in, res, f_org, T(r, "is listed twice"));
        if (!side_ok(side))
            return invalid(r, in, res, f_side,
                           T(r, "must be one of school, government, enterprise, community, "
                                "social"));
        if (!agreement_side_fits(side, o.kind, o.partner_kind))
            return invalid(r, in, res, f_side,
                           T(r, "does not fit the organisation: school for a school, government "
                                "for a county, prefecture or the region, and a partner's own "
                                "kind for a partner"));
        if (!valid_text(supplies, 1000))
            return invalid(r, in, res, arena_printf(r->arena, "parties[%d].supplies", i),
                           T(r, "must be at most 1000 bytes, no control characters"));
        AgreementParty *p = &ag->parties[i];
        p->org_id = o.id;
        p->code = o.code;
        p->name_zh = o.name_zh;
        p->name_en = o.name_en;
        p->kind = o.kind;
        p->path = o.path;
        p->side = side;
        p->supplies = supplies;
    }
    return 1;
}

/* Checks a whole agreement's fields. 1, or 0 with res set. */
static int check_fields(Req *r, AgreementInput *in, const Agreement *ag, AgreementResult *res)
{
    if (!ag->title || !*ag->title) return invalid(r, in, res, "title", T(r, "is required"));
    if (!valid_text(ag->title, 200))
        return invalid(r, in, res, "title",
                       T(r, "must be at most 200 bytes, no control characters"));
    if (!need_date_ok(ag->start_date))
        return invalid(r, in, res, "start_date", T(r, "must be a real date written YYYY-MM-DD"));
    if (!need_date_ok(ag->end_date))
        return invalid(r, in, res, "end_date", T(r, "must be a real date written YYYY-MM-DD"));
    if (strcmp(ag->end_date, ag->start_date) <= 0)
        return invalid(r, in, res, "end_date", T(r, "must be after start_date"));
    if (!valid_text(ag->summary, 4000))
        return invalid(r, in, res, "summary",
                       T(r, "must be at most 4000 bytes, no control characters"));
    return 1;
}

/* The new link set from the old one (ag->projects) and the input. Every id the
 * input names must be visible. 1, or 0 with res set (404 for a project out of
 * reach). *out and *nout receive the new set (arena). */
static int new_links(Req *r, AgreementInput *in, const Agreement *ag, int64_t **out, int *nout,
                     AgreementResult *res)
{
    int cap = ag->nprojects + in->nprojects + in->nlink + 1;
    int64_t *set = arena_alloc(r->arena, sizeof *set * (size_t)cap);
    int n = 0;
    const int64_t *lists[3] = {in->projects, in->link, in->unlink};
    int counts[3] = {in->nprojects, in->nlink, in->nunlink};
    for (int l = 0; l < 3; l++)
        for (int i = 0; i < counts[l]; i++) {
            int v = project_visible(r, lists[l][i]);
            if (v < 0) {
                result(res, 503, "busy", T(r, "The service is busy. Please try again."));
                return 0;
            }
            if (!v) {
                result(res, 404, "not_found",
                       arena_printf(r->arena, "%s %lld", T(r, "No such project:"),
                                    (long long)lists[l][i]));
                return 0;
            }
        }
    for (int i = 0; i < ag->nprojects; i++) {
        int64_t id = ag->projects[i];
        if (in->has_projects && !has_id(in->projects, in->nprojects, id)) {
            int v = project_visible(r, id);
            if (v < 0) {
                result(res, 503, "busy", T(r, "The service is busy. Please try again."));
                return 0;
            }
            if (v) continue; /* replaced: a visible link not in the new list goes */
        }
        if (has_id(in->unlink, in->nunlink, id)) continue;
        set[n++] = id;
    }
    for (int l = 0; l < 2; l++)
        for (int i = 0; i < counts[l]; i++) {
            int64_t id = lists[l][i];
            if (!has_id(set, n, id) && !has_id(in->unlink, in->nunlink, id)) set[n++] = id;
        }
    if (n > AGREEMENT_MAX_PROJECTS)
        return invalid(r, in, res, "projects", T(r, "must list at most 200 projects"));
    *out = set;
    *nout = n;
    return 1;
}

void agreement_save(Req *r, int64_t id, AgreementInput *in, AgreementResult *res)
{
    memset(res, 0, sizeof *res);
    Agreement old = {0}, ag = {0};
    if (id) {
        int f = agreement_load(r->db, r->arena, id, &old);
        if (f < 0) {
            result(res, 503, "busy", T(r, "The service is busy. Please try again."));
            return;
        }
        if (!f || !agreement_visible(r, &old)) {
            result(res, 404, "not_found", T(r, "Not found."));
            return;
        }
        if (!can(r, CAP_PROJECT_WRITE, old.owner_path)) {
            result(res, 403, "forbidden", T(r, "You do not have permission to do this."));
            return;
        }
        ag = old;
    } else {
        if (!in->owner || !*in->owner) {
            invalid(r, in, res, "owner", T(r, "is required: the code of the unit keeping it"));
            return;
        }
        Org o;
        int f = valid_code(in->owner) ? org_load(r->db, r->arena, in->owner, &o) : 0;
        if (f < 0) {
            result(res, 503, "busy", T(r, "The service is busy. Please try again."));
            return;
        }
        if (!f || !can(r, CAP_DATA_READ, o.path)) {
            result(res, 404, "not_found", T(r, "Not found."));
            return;
        }
        if (!can(r, CAP_PROJECT_WRITE, o.path)) {
            result(res, 403, "forbidden", T(r, "You do not have permission to do this."));
            return;
        }
        ag.owner_id = o.id;
        ag.owner_code = o.code;
        ag.owner_name_zh = o.name_zh;
        ag.owner_name_en = o.name_en;
        ag.owner_path = o.path;
        ag.owner_kind = o.kind;
        ag.summary = "";
        ag.created_by = r->auth.login;
        if (!in->has_start || !in->start_date) {
            invalid(r, in, res, "start_date", T(r, "is required"));
            return;
        }
        if (!in->has_end || !in->end_date) {
            invalid(r, in, res, "end_date", T(r, "is required"));
            return;
        }
        if (!in->has_parties) {
            invalid(r, in, res, "parties", T(r, "must list at least two organisations"));
            return;
        }
    }
    if (in->has_title) ag.title = in->title;
    if (in->has_start) ag.start_date = in->start_date;
    if (in->has_end) ag.end_date = in->end_date;
    if (in->has_summary) ag.summary = in->summary ? in->summary : "";
    if (!check_fields(r, in, &ag, res)) return;
    if (in->has_parties && !resolve_parties(r, in, &ag, res)) return;
    if (!new_links(r, in, &old, &ag.projects, &ag.nprojects, res)) return;

    /* the projects whose figures move: every link when the mechanism changed */
    int lt_old = id && agreement_long_term(old.start_date, old.end_date);
    int lt_new = agreement_long_term(ag.start_date, ag.end_date);
    int64_t *moved =
        arena_alloc(r->arena, sizeof *moved * (size_t)(old.nprojects + ag.nprojects + 1));
    int nmoved = 0;
    for (int i = 0; i < old.nprojects; i++)
        if (lt_old != lt_new || !has_id(ag.projects, ag.nprojects, old.projects[i]))
            moved[nmoved++] = old.projects[i];
    for (int i = 0; i < ag.nprojects; i++)
        if (!has_id(moved, nmoved, ag.projects[i]) &&
            (lt_old != lt_new || !has_id(old.projects, old.nprojects, ag.projects[i])))
            moved[nmoved++] = ag.projects[i];

    json_t *before = id ? audit_json(&old) : NULL, *after = audit_json(&ag);
    if (before && json_equal(before, after)) {
        json_decref(before);
        json_decref(after);
        res->id = id;
        return;
    }
    int64_t now = now_s();
    int rc = db_begin(r->db);
    int64_t hit = 0;
    if (rc == DB_OK && !id) {
        DbStmt *s = db_q(r->db,
                         "INSERT INTO agreements(title, owner_org_id, start_date, end_date,"
                         " summary, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)"
                         " RETURNING id",
                         "sissssii", ag.title, ag.owner_id, ag.start_date, ag.end_date, ag.summary,
                         ag.created_by, now, now);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = ag.id = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW ? DB_OK : rc;
    } else if (rc == DB_OK) {
        /* updated_at only grows, so that it can guard against a concurrent change */
        int64_t stamp = now > old.updated_at ? now : old.updated_at + 1;
        DbStmt *s = db_q(r->db,
                         "UPDATE agreements SET title = ?, start_date = ?, end_date = ?,"
                         " summary = ?, updated_at = ? WHERE id = ? AND updated_at = ?"
                         " RETURNING id",
                         "ssssiii", ag.title, ag.start_date, ag.end_date, ag.summary, stamp, id,
                         old.updated_at);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK && hit && in->has_parties) {
        if (id) rc = db_run(r->db, "DELETE FROM agreement_parties WHERE agreement_id = ?", "i", id);
        for (int i = 0; i < ag.nparties && rc == DB_OK; i++)
            rc = db_run(r->db,
                        "INSERT INTO agreement_parties(agreement_id, org_id, side, supplies)"
                        " VALUES (?,?,?,?)",
                        "iiss", ag.id, ag.parties[i].org_id, ag.parties[i].side,
                        ag.parties[i].supplies);
    }
    for (int i = 0; i < old.nprojects && rc == DB_OK && hit; i++)
        if (!has_id(ag.projects, ag.nprojects, old.projects[i]))
            rc = db_run(r->db,
                        "DELETE FROM agreement_projects WHERE agreement_id = ? AND project_id = ?",
                        "ii", ag.id, old.projects[i]);
    for (int i = 0; i < ag.nprojects && rc == DB_OK && hit; i++)
        if (!has_id(old.projects, old.nprojects, ag.projects[i]))
            rc = db_run(r->db,
                        "INSERT INTO agreement_projects(agreement_id, project_id) VALUES (?,?)"
                        " ON CONFLICT DO NOTHING",
                        "ii", ag.id, ag.projects[i]);
    if (rc == DB_OK && hit) {
        json_object_set_new(after, "id", json_integer(ag.id));
        rc = audit_log(r->db, r->auth.login, id ? "agreement.update" : "agreement.create",
                       "agreement", arena_printf(r->arena, "%lld", (long long)ag.id), ag.owner_path,
                       before, after);
    }
    if (rc == DB_OK && hit && nmoved &&
        project_feed_projects(r->db, r->auth.login, moved, nmoved) != 0)
        rc = DB_ERROR;
    json_decref(before);
    json_decref(after);
    if (rc != DB_OK || !hit || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_OK && !hit)
            result(res, 409, "conflict",
                   T(r, "The agreement was changed by someone else meanwhile; reload it and try "
                        "again."));
        else if (rc == DB_CONSTRAINT)
            invalid(r, in, res, "end_date", T(r, "must be after start_date"));
        else
            result(res, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    res->id = ag.id;
}

/* ---- list ---------------------------------------------------------------------------- */

DbStmt *agreement_list_query(Req *r, const AgreementFilter *f)
{
    return db_q(
        r->db,
        "SELECT a.id, a.title, o.code, o.name_zh, o.name_en, a.start_date, a.end_date,"
        " CASE WHEN " AGREEMENT_LONG_TERM_SQL(
            "a") " THEN 1 ELSE 0 END,"
                 " (SELECT count(*) FROM agreement_parties x WHERE x.agreement_id = a.id),"
                 " (SELECT count(*) FROM agreement_projects y WHERE y.agreement_id = a.id)"
                 " FROM agreements a JOIN orgs o ON o.id = a.owner_org_id"
                 " WHERE (" REACH_SQL(
                     "o.path") " OR EXISTS (SELECT 1 FROM agreement_parties vp"
                               "  JOIN orgs vo ON vo.id = vp.org_id WHERE vp.agreement_id = a.id "
                               "AND " REACH_SQL(
                                   "vo.path") "))"
                                              " AND (CAST(? AS TEXT) IS NULL OR substr(o.path, 1, "
                                              "length(CAST(? AS TEXT))) = ?"
                                              "  OR EXISTS (SELECT 1 FROM agreement_parties op "
                                              "JOIN orgs oo ON oo.id = op.org_id"
                                              "  WHERE op.agreement_id = a.id AND substr(oo.path, "
                                              "1, length(CAST(? AS TEXT))) = ?))"
                                              " AND (CAST(? AS BIGINT) = 0 OR EXISTS (SELECT 1 "
                                              "FROM agreement_parties fp"
                                              "  WHERE fp.agreement_id = a.id AND fp.org_id = ?))"
                                              " AND (CAST(? AS BIGINT) = 0 OR EXISTS (SELECT 1 "
                                              "FROM agreement_projects fj"
                                              "  WHERE fj.agreement_id = a.id AND fj.project_id = "
                                              "?))"
                                              " AND (CAST(? AS BIGINT) < 0 OR (CASE "
                                              "WHEN " AGREEMENT_LONG_TERM_SQL(
                                                  "a") " THEN 1 ELSE 0 END) = ?)"
                                                       " AND (CAST(? AS BIGINT) = 0 OR a.id < ?)"
                                                       " ORDER BY a.id DESC LIMIT ?",
        "isis"
        "sssss"
        "iiiiiiiii",
        REACH_ARGS(r, CAP_DATA_READ), REACH_ARGS(r, CAP_DATA_READ), f->org_path, f->org_path,
        f->org_path, f->org_path, f->org_path, f->party_id, f->party_id, f->project_id,
        f->project_id, (int64_t)f->long_term, (int64_t)f->long_term, f->before_id, f->before_id,
        f->limit + 1);
}

int agreement_filter_from_query(Req *r, AgreementFilter *f, int64_t default_limit)
{
    memset(f, 0, sizeof *f);
    f->limit = default_limit;
    f->long_term = -1;
    const char *org = req_query(r, "org"), *party = req_query(r, "party"),
               *project = req_query(r, "project"), *lt = req_query(r, "long_term"),
               *lim = req_query(r, "limit"), *cursor = req_query(r, "cursor");
    const char *why = NULL;
    if (lim && *lim && !parse_int(lim, 1, 500, &f->limit))
        why = T(r, "limit must be a whole number from 1 to 500.");
    else if (cursor && *cursor && !parse_int(cursor, 1, INT64_MAX / 2, &f->before_id))
        why = T(r, "cursor is not valid.");
    else if (project && *project && !parse_int(project, 1, INT64_MAX / 2, &f->project_id))
        why = T(r, "project must be a project number.");
    else if (lt && *lt) {
        if (!strcmp(lt, "1") || !strcmp(lt, "true") || !strcmp(lt, "yes"))
            f->long_term = 1;
        else if (!strcmp(lt, "0") || !strcmp(lt, "false") || !strcmp(lt, "no"))
            f->long_term = 0;
        else
            why = T(r, "long_term must be 1 or 0.");
    }
    if (!why && ((org && *org && !valid_code(org)) || (party && *party && !valid_code(party))))
        why = T(r, "org and party must be organisation codes.");
    if (why) {
        if (req_is_api(r))
            req_error(r, 400, "bad_param", why);
        else
            page_error(r, 400, why);
        return 0;
    }
    Org o;
    if (org && *org) {
        int found = org_load(r->db, r->arena, org, &o);
        if (found != 1 || !can(r, CAP_DATA_READ, o.path)) {
            req_not_found(r);
            return 0;
        }
        f->org_path = o.path;
    }
    if (party && *party) {
        /* a party need not be in reach (a partner, a helping school elsewhere); an
         * unknown code matches nothing, like any code no visible agreement names */
        int found = org_load(r->db, r->arena, party, &o);
        if (found < 0) {
            if (req_is_api(r))
                req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
            else
                page_error(r, 503, T(r, "The service is busy. Please try again."));
            return 0;
        }
        f->party_id = found ? o.id : -1;
    }
    return 1;
}

/* ---- API ------------------------------------------------------------------------------ */

static void send_result(Req *r, const AgreementResult *res)
{
    if (res->status == 404)
        req_not_found(r);
    else
        req_error(r, res->status, res->code, res->message);
}

/* Reads an array of project ids. 1, or 0 with in's bad field set. */
static int ids_from_json(Req *r, json_t *v, const char *field, int64_t *out, int *n,
                         AgreementInput *in)
{
    if (!json_is_array(v) || json_array_size(v) > AGREEMENT_MAX_PROJECTS) {
        in->bad_field = field;
        in->why = T(r, "must be an array of at most 200 project ids");
        return 0;
    }
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        if (!json_is_integer(x) || json_integer_value(x) < 1) {
            in->bad_field = arena_printf(r->arena, "%s[%zu]", field, i);
            in->why = T(r, "must be a project id");
            return 0;
        }
        if (!has_id(out, *n, json_integer_value(x))) out[(*n)++] = json_integer_value(x);
    }
    return 1;
}

/* Reads a JSON body into in, checking types. 1, or 0 with in's bad field set. */
static int input_from_json(Req *r, json_t *j, AgreementInput *in)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        const char *field = arena_strdup(r->arena, key);
        if (!strcmp(key, "parties")) {
            if (!json_is_array(v) || json_array_size(v) > AGREEMENT_MAX_PARTIES) {
                in->bad_field = field;
                in->why = T(r, "must be an array of at most 12 parties {org, side, supplies}");
                return 0;
            }
            in->has_parties = 1;
            size_t i;
            json_t *p;
            json_array_foreach(v, i, p)
            {
                json_t *org = json_object_get(p, "org"), *side = json_object_get(p, "side"),
                       *sup = json_object_get(p, "supplies");
                const char *f = arena_printf(r->arena, "parties[%zu]", i);
                if (!json_is_object(p) || !json_is_string(org) || !json_is_string(side) ||
                    (sup && !json_is_string(sup)) || json_object_size(p) > 3u ||
                    json_object_size(p) != 2u + (sup != NULL)) {
                    in->bad_field = f;
                    in->why = T(r, "must be an object {org, side, supplies} of strings");
                    return 0;
                }
                in->parties[i].org = arena_strdup(r->arena, json_string_value(org));
                in->parties[i].side = arena_strdup(r->arena, json_string_value(side));
                in->parties[i].supplies = sup ? arena_strdup(r->arena, json_string_value(sup)) : "";
                in->nparties++;
            }
        } else if (!strcmp(key, "projects")) {
            in->has_projects = 1;
            if (!ids_from_json(r, v, field, in->projects, &in->nprojects, in)) return 0;
        } else if (!strcmp(key, "link")) {
            if (!ids_from_json(r, v, field, in->link, &in->nlink, in)) return 0;
        } else if (!strcmp(key, "unlink")) {
            if (!ids_from_json(r, v, field, in->unlink, &in->nunlink, in)) return 0;
        } else {
            if (!json_is_string(v)) {
                in->bad_field = field;
                in->why = T(r, "must be a string");
                return 0;
            }
            const char *sv = arena_strdup(r->arena, json_string_value(v));
            if (!strcmp(key, "title"))
                in->title = sv, in->has_title = 1;
            else if (!strcmp(key, "owner"))
                in->owner = sv;
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

static const char *const create_fields[] = {"title",   "owner",   "start_date", "end_date",
                                            "summary", "parties", "projects",   NULL};
static const char *const patch_fields[] = {
    "title", "start_date", "end_date", "summary", "parties", "projects", "link", "unlink", NULL};

/* Sends the agreement `id` as saved (status). */
static void send_agreement(Req *r, int status, int64_t id)
{
    Agreement ag;
    if (agreement_load(r->db, r->arena, id, &ag) != 1) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_send_json(r, status, agreement_json(r, &ag));
}

void agreement_api_create(Req *r)
{
    json_t *j = req_json_object(r, create_fields);
    if (!j) return;
    AgreementInput *in = arena_alloc(r->arena, sizeof *in);
    int ok = input_from_json(r, j, in);
    json_decref(j);
    if (!ok) {
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", in->bad_field, in->why));
        return;
    }
    AgreementResult res;
    agreement_save(r, 0, in, &res);
    if (res.status) {
        send_result(r, &res);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/agreements/%lld", (long long)res.id));
    send_agreement(r, 201, res.id);
}

/* Loads the agreement of the path if the caller sees it; 1, or 0 with 404/503 sent. */
static int load_visible(Req *r, Agreement *ag)
{
    int64_t id = agreement_id_param(r);
    int f = id ? agreement_load(r->db, r->arena, id, ag) : 0;
    if (f < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return 0;
    }
    if (!f || !agreement_visible(r, ag)) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

void agreement_api_patch(Req *r)
{
    Agreement ag;
    if (!load_visible(r, &ag)) return;
    json_t *j = req_json_object(r, patch_fields);
    if (!j) return;
    AgreementInput *in = arena_alloc(r->arena, sizeof *in);
    int ok = input_from_json(r, j, in);
    json_decref(j);
    if (!ok) {
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", in->bad_field, in->why));
        return;
    }
    AgreementResult res;
    agreement_save(r, ag.id, in, &res);
    if (res.status) {
        send_result(r, &res);
        return;
    }
    send_agreement(r, 200, ag.id);
}

void agreement_api_get(Req *r)
{
    Agreement ag;
    if (load_visible(r, &ag)) req_send_json(r, 200, agreement_json(r, &ag));
}

void agreement_api_list(Req *r)
{
    AgreementFilter f;
    if (!agreement_filter_from_query(r, &f, 50)) return;
    DbStmt *s = agreement_list_query(r, &f);
    if (!s) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0;
    int64_t last = 0;
    while (db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        last = db_col_int(s, 0);
        json_array_append_new(
            items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I,s:I}", "id", (json_int_t)last,
                             "title", db_col_text(s, 1), "owner", db_col_text(s, 2), "owner_name",
                             db_col_text(s, 3), "owner_name_en", db_col_text(s, 4), "start_date",
                             db_col_text(s, 5), "end_date", db_col_text(s, 6), "long_term",
                             (int)db_col_int(s, 7), "parties", (json_int_t)db_col_int(s, 8),
                             "projects", (json_int_t)db_col_int(s, 9)));
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    req_send_json(r, 200, out);
}

/* ---- the project page's section -------------------------------------------------------- */

void agreement_section(Req *r, const Project *p)
{
    DbStmt *s =
        db_q(r->db,
             "SELECT a.id, a.title, a.start_date, a.end_date,"
             " CASE WHEN " AGREEMENT_LONG_TERM_SQL(
                 "a") " THEN 1 ELSE 0 END,"
                      " CASE WHEN " REACH_SQL(
                          "o.path") " OR EXISTS (SELECT 1 FROM"
                                    "  agreement_parties vp JOIN orgs vo ON vo.id = vp.org_id WHERE"
                                    "  vp.agreement_id = a.id AND " REACH_SQL(
                                        "vo.path") ") THEN 1 ELSE 0 END"
                                                   " FROM agreement_projects ap JOIN agreements a "
                                                   "ON a.id = ap.agreement_id"
                                                   " JOIN orgs o ON o.id = a.owner_org_id"
                                                   " WHERE ap.project_id = ? ORDER BY "
                                                   "a.start_date, a.id",
             "isisi", REACH_ARGS(r, CAP_DATA_READ), REACH_ARGS(r, CAP_DATA_READ), p->id);
    hf(r, "<section id=agreements><h2>%s</h2>", T(r, "Cooperation agreements"));
    int n = 0, lt = 0;
    while (s && db_step(s) == DB_ROW) {
        if (!n)
            hf(r,
               "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
               "<th scope=col>%s</th></tr></thead><tbody>",
               T(r, "Agreement"), T(r, "Term"), T(r, "Three years or more"));
        int64_t aid = db_col_int(s, 0);
        int is_lt = (int)db_col_int(s, 4);
        lt |= is_lt;
        if (db_col_int(s, 5))
            hf(r, "<tr><td><a href=\"/agreements/%lld\">%s</a></td>", (long long)aid,
               db_col_text(s, 1));
        else
            hf(r, "<tr><td>%s</td>", db_col_text(s, 1));
        hf(r, "<td>%s – %s</td><td>%s</td></tr>", db_col_text(s, 2), db_col_text(s, 3),
           is_lt ? T(r, "Yes") : T(r, "No"));
        n++;
    }
    db_done(s);
    if (n)
        H(r, "</tbody></table></div>");
    else
        hf(r, "<p class=empty>%s</p>", T(r, "No agreement covers this project yet."));
    hf(r, "<p><b>%s</b> %s</p>", T(r, "Long-term cooperation mechanism:"),
       lt ? T(r, "yes — an agreement of three years or more covers the project")
          : T(r, "not yet — it needs an agreement of at least three years"));
    if (project_can(r, CAP_PROJECT_WRITE, p, "lead"))
        hf(r,
           "<p class=actions><a class=button "
           "href=\"/agreements/new?project=%lld&amp;owner=%s\">%s</a></p>",
           (long long)p->id, p->lead_code ? p->lead_code : "",
           T(r, "Record an agreement covering this project"));
    H(r, "</section>");
}
