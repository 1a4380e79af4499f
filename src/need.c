/* need.c — see need.h: the status rule, validation, the store and the API. */
#include "need.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "org.h"
#include "target.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* ---- pure logic ------------------------------------------------------------ */

const char *const need_categories[] = {
    "teachers",  "training", "curriculum", "equipment", "parent_education",
    "community", "funds",    "other",      NULL};
const char *const need_statuses[] = {"proposed", "open",   "matched",   "in_progress",
                                     "met",      "closed", "dismissed", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

int need_category_ok(const char *s)
{
    return in_list(need_categories, s);
}
int need_status_ok(const char *s)
{
    return in_list(need_statuses, s);
}

/* The legal moves: from → each of the space-separated targets. */
static const struct {
    const char *from, *to;
} moves[] = {
    {"proposed", " open dismissed "},
    {"open", " matched closed "},
    {"matched", " open in_progress closed "},
    {"in_progress", " met closed "},
};

int need_status_allowed(const char *from, const char *to)
{
    if (!from || !to || !need_status_ok(to)) return 0;
    char key[24];
    snprintf(key, sizeof key, " %s ", to);
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (!strcmp(moves[i].from, from)) return strstr(moves[i].to, key) != NULL;
    return 0;
}

int need_next_statuses(const char *from, const char **out, int max)
{
    int n = 0;
    for (const char *const *s = need_statuses; *s && n < max; s++)
        if (need_status_allowed(from, *s)) out[n++] = *s;
    return n;
}

int need_date_ok(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

const char *need_category_label(Req *r, const char *c)
{
    if (!c) return "";
    if (!strcmp(c, "teachers")) return T(r, "Teachers");
    if (!strcmp(c, "training")) return T(r, "Teacher training");
    if (!strcmp(c, "curriculum")) return T(r, "Curriculum and course packs");
    if (!strcmp(c, "equipment")) return T(r, "Equipment");
    if (!strcmp(c, "parent_education")) return T(r, "Parent education");
    if (!strcmp(c, "community")) return T(r, "Community activity");
    if (!strcmp(c, "funds")) return T(r, "Funds");
    if (!strcmp(c, "other")) return T(r, "Other");
    return c;
}

const char *need_status_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "proposed")) return T(r, "Proposed, awaiting confirmation");
    if (!strcmp(s, "open")) return T(r, "Open");
    if (!strcmp(s, "matched")) return T(r, "Matched");
    if (!strcmp(s, "in_progress")) return T(r, "In progress");
    if (!strcmp(s, "met")) return T(r, "Met");
    if (!strcmp(s, "closed")) return T(r, "Closed");
    if (!strcmp(s, "dismissed")) return T(r, "Dismissed");
    return s;
}

/* ---- the store --------------------------------------------------------------- */

#define NEED_COLS                                                                                  \
    "n.id, n.school_id, o.code, o.name_zh, o.name_en, o.path, n.year, n.category, n.subject,"      \
    " n.quantity, n.met_quantity, n.unit, n.priority, n.wanted_by, n.description, n.evidence,"     \
    " n.status, n.source, n.rule_code, n.trigger_value, n.trigger_period, n.created_by,"           \
    " n.created_at, n.updated_at"

void need_row(DbStmt *s, Arena *a, Need *n)
{
    memset(n, 0, sizeof *n);
    n->id = db_col_int(s, 0);
    n->school_id = db_col_int(s, 1);
    n->school_code = arena_strdup(a, db_col_text(s, 2));
    n->school_name = arena_strdup(a, db_col_text(s, 3));
    n->school_name_en = arena_strdup(a, db_col_text(s, 4));
    n->school_path = arena_strdup(a, db_col_text(s, 5));
    n->year = (int)db_col_int(s, 6);
    n->category = arena_strdup(a, db_col_text(s, 7));
    n->subject = arena_strdup(a, db_col_text(s, 8));
    n->quantity = db_col_double(s, 9);
    n->met_quantity = db_col_double(s, 10);
    n->unit = arena_strdup(a, db_col_text(s, 11));
    n->priority = (int)db_col_int(s, 12);
    n->wanted_by = db_col_is_null(s, 13) ? NULL : arena_strdup(a, db_col_text(s, 13));
    n->description = arena_strdup(a, db_col_text(s, 14));
    n->evidence = arena_strdup(a, db_col_text(s, 15));
    n->status = arena_strdup(a, db_col_text(s, 16));
    n->source = arena_strdup(a, db_col_text(s, 17));
    n->rule_code = db_col_is_null(s, 18) ? NULL : arena_strdup(a, db_col_text(s, 18));
    n->has_trigger = !db_col_is_null(s, 19);
    n->trigger_value = db_col_double(s, 19);
    n->trigger_period = db_col_is_null(s, 20) ? NULL : arena_strdup(a, db_col_text(s, 20));
    n->created_by = arena_strdup(a, db_col_text(s, 21));
    n->created_at = db_col_int(s, 22);
    n->updated_at = db_col_int(s, 23);
}

int need_load(Db *db, Arena *a, int64_t id, Need *out)
{
    DbStmt *s = db_q(db,
                     "SELECT " NEED_COLS " FROM needs n JOIN orgs o ON o.id = n.school_id"
                     " WHERE n.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s), found = 0;
    if (rc == DB_ROW) {
        need_row(s, a, out);
        found = 1;
    } else if (rc != DB_DONE) {
        found = -1;
    }
    db_done(s);
    return found;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

#define S_(x) ((x) ? (x) : "")

json_t *need_json(const Need *n)
{
    json_t *j = json_pack(
        "{s:I,s:s,s:s,s:I,s:s,s:s,s:f,s:f,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "id",
        (json_int_t)n->id, "school", S_(n->school_code), "school_name", S_(n->school_name), "year",
        (json_int_t)n->year, "category", S_(n->category), "subject", S_(n->subject), "quantity",
        n->quantity, "met_quantity", n->met_quantity, "unit", S_(n->unit), "priority", n->priority,
        "description", S_(n->description), "evidence", S_(n->evidence), "status", S_(n->status),
        "source", S_(n->source), "created_by", S_(n->created_by), "created_at",
        (json_int_t)n->created_at, "updated_at", (json_int_t)n->updated_at);
    json_object_set_new(j, "wanted_by", str_or_null(n->wanted_by));
    json_object_set_new(j, "rule_code", str_or_null(n->rule_code));
    json_object_set_new(j, "trigger_value",
                        n->has_trigger ? json_real(n->trigger_value) : json_null());
    json_object_set_new(j, "trigger_period", str_or_null(n->trigger_period));
    const char *next[8];
    int k = need_next_statuses(n->status, next, 8);
    json_t *a = json_array();
    for (int i = 0; i < k; i++)
        json_array_append_new(a, json_string(next[i]));
    json_object_set_new(j, "next", a);
    return j;
}

/* The audit view: the need's own fields, without what follows from them. */
static json_t *need_audit_json(const Need *n)
{
    json_t *j = need_json(n);
    json_object_del(j, "next");
    json_object_del(j, "school_name");
    json_object_del(j, "created_at");
    json_object_del(j, "updated_at");
    return j;
}

int64_t need_id_param(Req *r)
{
    int64_t id;
    const char *s = req_param(r, "id");
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

/* ---- validation ------------------------------------------------------------------ */

static int fail(NeedInput *in, const char *field, const char *why)
{
    if (!in->bad_field) {
        in->bad_field = field;
        in->why = why;
    }
    return 0;
}

int need_this_year(void)
{
    return target_today_month() / 12;
}

/* Parses the form's typed numbers into in (JSON input sets them directly). */
static int parse_typed(Req *r, NeedInput *in)
{
    if (in->quantity_text) {
        char *end = NULL;
        const char *q = in->quantity_text;
        double v = *q ? strtod(q, &end) : NAN;
        if (!*q || !end || *end || !isfinite(v))
            return fail(in, "quantity", T(r, "must be a number greater than 0"));
        in->quantity = v;
        in->has_quantity = 1;
    }
    if (in->priority_text) {
        if (!parse_int(in->priority_text, -1000, 1000, &in->priority))
            return fail(in, "priority", T(r, "must be a whole number from 1 to 5"));
        in->has_priority = 1;
    }
    if (in->year_text && *in->year_text) {
        if (!parse_int(in->year_text, 0, 9999, &in->year))
            return fail(in, "year", T(r, "must be a year from 2020 to 2100"));
        in->has_year = 1;
    }
    return 1;
}

/* Checks a whole need (after merging a patch). 1 if valid, else 0 with in's
 * bad_field set. */
static int check_need(Req *r, NeedInput *in, const Need *n)
{
    if (!need_category_ok(n->category))
        return fail(in, "category",
                    T(r, "must be one of teachers, training, curriculum, equipment, "
                         "parent_education, community, funds, other"));
    if (!valid_text(n->subject, 100))
        return fail(in, "subject", T(r, "must be at most 100 bytes, no control characters"));
    if (!(n->quantity > 0) || !isfinite(n->quantity) || n->quantity > 1e12)
        return fail(in, "quantity", T(r, "must be a number greater than 0"));
    if (!valid_text(n->unit, 32))
        return fail(in, "unit", T(r, "must be at most 32 bytes, no control characters"));
    if (n->priority < 1 || n->priority > 5)
        return fail(in, "priority", T(r, "must be a whole number from 1 to 5"));
    if (n->year < 2020 || n->year > 2100)
        return fail(in, "year", T(r, "must be a year from 2020 to 2100"));
    if (n->wanted_by && !need_date_ok(n->wanted_by))
        return fail(in, "wanted_by", T(r, "must be a real date written YYYY-MM-DD"));
    if (!valid_text(n->description, 2000))
        return fail(in, "description", T(r, "must be at most 2000 bytes, no control characters"));
    if (!valid_text(n->evidence, 2000))
        return fail(in, "evidence", T(r, "must be at most 2000 bytes, no control characters"));
    return 1;
}

/* Copies the given fields of in onto n. */
static void merge(NeedInput *in, Need *n)
{
    if (in->has_category) n->category = in->category;
    if (in->has_subject) n->subject = in->subject;
    if (in->has_unit) n->unit = in->unit;
    if (in->has_quantity) n->quantity = in->quantity;
    if (in->has_priority) n->priority = (int)in->priority;
    if (in->has_year) n->year = (int)in->year;
    if (in->has_wanted_by) n->wanted_by = in->wanted_by && *in->wanted_by ? in->wanted_by : NULL;
    if (in->has_description) n->description = in->description;
    if (in->has_evidence) n->evidence = in->evidence;
}

/* ---- writes ---------------------------------------------------------------------- */

NeedResult need_create(Req *r, NeedInput *in, Need *out)
{
    if (!parse_typed(r, in)) return NEED_INVALID;
    if (!in->school || !valid_code(in->school)) {
        fail(in, "school", T(r, "is required: the code of a recipient school"));
        return NEED_INVALID;
    }
    Org o;
    int f = org_load(r->db, r->arena, in->school, &o);
    if (f < 0) return NEED_ERROR;
    if (!f || !can(r, CAP_DATA_READ, o.path)) return NEED_NOT_FOUND;
    if (!can(r, CAP_NEED_WRITE, o.path)) return NEED_FORBIDDEN;
    if (strcmp(o.kind, "school") || !o.is_recipient || !o.active) {
        fail(in, "school", T(r, "must be an active recipient school"));
        return NEED_INVALID;
    }
    if (!in->has_category) {
        fail(in, "category", T(r, "is required"));
        return NEED_INVALID;
    }
    if (!in->has_quantity) {
        fail(in, "quantity", T(r, "is required: a number greater than 0"));
        return NEED_INVALID;
    }
    Need n = {.school_id = o.id,
              .school_code = o.code,
              .school_name = o.name_zh,
              .school_name_en = o.name_en,
              .school_path = o.path,
              .year = need_this_year(),
              .subject = "",
              .unit = "",
              .description = "",
              .evidence = "",
              .priority = 3,
              .status = "open",
              .source = "filed",
              .created_by = r->auth.login};
    merge(in, &n);
    if (!check_need(r, in, &n)) return NEED_INVALID;
    if (db_begin(r->db) != DB_OK) return NEED_ERROR;
    int64_t now = now_s();
    DbStmt *s = db_q(r->db,
                     "INSERT INTO needs(school_id, year, category, subject, quantity, unit,"
                     " priority, wanted_by, description, evidence, status, source, created_by,"
                     " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,'open','filed',?,?,?)"
                     " RETURNING id",
                     "iissdsissssii", n.school_id, (int64_t)n.year, n.category, n.subject,
                     n.quantity, n.unit, (int64_t)n.priority, n.wanted_by, n.description,
                     n.evidence, n.created_by, now, now);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) n.id = db_col_int(s, 0);
    db_done(s);
    n.created_at = n.updated_at = now;
    rc = n.id ? DB_OK : DB_ERROR;
    if (rc == DB_OK) {
        json_t *after = need_audit_json(&n);
        rc = audit_log(r->db, r->auth.login, "need.create", "need",
                       arena_printf(r->arena, "%lld", (long long)n.id), n.school_path, NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return NEED_ERROR;
    }
    return need_load(r->db, r->arena, n.id, out) == 1 ? NEED_OK : NEED_ERROR;
}

/* "open, dismissed" — the statuses reachable from `from`, or a word for none. */
static const char *allowed_text(Req *r, const char *from)
{
    const char *next[8];
    int k = need_next_statuses(from, next, 8);
    if (!k) return T(r, "none: this status is final");
    const char *out = "";
    for (int i = 0; i < k; i++)
        out = arena_printf(r->arena, "%s%s%s", out, i ? ", " : "", next[i]);
    return out;
}

NeedResult need_update(Req *r, int64_t id, NeedInput *in, Need *out, const char **why)
{
    *why = NULL;
    if (!parse_typed(r, in)) return NEED_INVALID;
    Need old;
    int f = id ? need_load(r->db, r->arena, id, &old) : 0;
    if (f < 0) return NEED_ERROR;
    if (!f || !can(r, CAP_DATA_READ, old.school_path)) return NEED_NOT_FOUND;
    if (!can(r, CAP_NEED_WRITE, old.school_path)) return NEED_FORBIDDEN;
    Need n = old;
    merge(in, &n);
    if (!check_need(r, in, &n)) return NEED_INVALID;
    if (in->has_status && !need_status_ok(in->status)) {
        fail(in, "status",
             T(r, "must be one of proposed, open, matched, in_progress, met, closed, dismissed"));
        return NEED_INVALID;
    }
    int moving = in->has_status && strcmp(in->status, old.status) != 0;
    *out = old;
    if (moving && !need_status_allowed(old.status, in->status)) {
        *why =
            arena_printf(r->arena, "%s %s → %s; %s: %s", T(r, "A need cannot go from"), old.status,
                         in->status, T(r, "allowed from here"), allowed_text(r, old.status));
        return NEED_CONFLICT;
    }
    if (moving) n.status = in->status;
    json_t *before = need_audit_json(&old), *after = need_audit_json(&n);
    int changed = !json_equal(before, after);
    if (changed && !moving && !need_next_statuses(old.status, (const char *[8]){0}, 8)) {
        json_decref(before);
        json_decref(after);
        *why = arena_printf(r->arena, "%s (%s)",
                            T(r, "A need whose status is final cannot be changed"), old.status);
        return NEED_CONFLICT;
    }
    if (!changed) {
        json_decref(before);
        json_decref(after);
        return NEED_OK;
    }
    int rc = db_begin(r->db);
    int64_t hit = 0;
    if (rc == DB_OK) {
        /* the status guard makes a concurrent change of status lose, not overwrite */
        DbStmt *s = db_q(r->db,
                         "UPDATE needs SET category = ?, subject = ?, quantity = ?, unit = ?,"
                         " priority = ?, year = ?, wanted_by = ?, description = ?, evidence = ?,"
                         " status = ?, updated_at = ? WHERE id = ? AND status = ? RETURNING id",
                         "ssdsiissssiis", n.category, n.subject, n.quantity, n.unit,
                         (int64_t)n.priority, (int64_t)n.year, n.wanted_by, n.description,
                         n.evidence, n.status, now_s(), n.id, old.status);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = db_col_int(s, 0);
        db_done(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK && hit)
        rc = audit_log(r->db, r->auth.login, moving ? "need.status" : "need.update", "need",
                       arena_printf(r->arena, "%lld", (long long)n.id), n.school_path, before,
                       after);
    json_decref(before);
    json_decref(after);
    if (rc != DB_OK || !hit || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_OK && !hit) {
            *why = T(r, "The need was changed by someone else meanwhile; reload it and try again.");
            return NEED_CONFLICT;
        }
        return rc == DB_CONSTRAINT ? NEED_INVALID : NEED_ERROR;
    }
    return need_load(r->db, r->arena, n.id, out) == 1 ? NEED_OK : NEED_ERROR;
}

/* ---- list ------------------------------------------------------------------------ */

DbStmt *need_list_query(Req *r, const NeedFilter *f)
{
    return db_q(r->db,
                "SELECT " NEED_COLS
                " FROM needs n JOIN orgs o ON o.id = n.school_id WHERE " REACH_SQL(
                    "o.path") " AND (CAST(? AS TEXT) IS NULL OR substr(o.path, 1, length(CAST(? AS "
                              "TEXT))) = ?)"
                              " AND (CAST(? AS BIGINT) = 0 OR n.school_id = ?)"
                              " AND (CAST(? AS TEXT) IS NULL OR n.category = ?)"
                              " AND (CAST(? AS TEXT) IS NULL OR n.status = ?)"
                              " AND (CAST(? AS BIGINT) = 0 OR n.year = ?)"
                              " AND (CAST(? AS BIGINT) = 0 OR n.id < ?)"
                              " ORDER BY n.id DESC LIMIT ?",
                "issssiissssiiiii", REACH_ARGS(r, CAP_DATA_READ), f->org_path, f->org_path,
                f->org_path, f->school_id, f->school_id, f->category, f->category, f->status,
                f->status, f->year, f->year, f->before_id, f->before_id, f->limit + 1);
}

/* ---- API --------------------------------------------------------------------------- */

static void send_result(Req *r, NeedResult res, NeedInput *in, const Need *n, const char *why)
{
    switch (res) {
    case NEED_OK:
        break;
    case NEED_INVALID:
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", in->bad_field, in->why));
        break;
    case NEED_NOT_FOUND:
        req_not_found(r);
        break;
    case NEED_FORBIDDEN:
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        break;
    case NEED_CONFLICT: {
        const char *next[8];
        int k = n && n->status ? need_next_statuses(n->status, next, 8) : 0;
        json_t *allowed = json_array();
        for (int i = 0; i < k; i++)
            json_array_append_new(allowed, json_string(next[i]));
        json_t *e = json_pack("{s:s,s:s,s:o}", "code", "conflict", "message",
                              why ? why : T(r, "Conflict."), "allowed", allowed);
        req_send_json(r, 409, json_pack("{s:o}", "error", e));
        break;
    }
    default:
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    }
}

/* Reads a JSON body into in, checking types. 1, or 0 with in's bad_field set. */
static int input_from_json(Req *r, json_t *j, NeedInput *in)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        const char *field = arena_strdup(r->arena, key);
        const char *sv = json_is_string(v) ? arena_strdup(r->arena, json_string_value(v)) : NULL;
        if (!strcmp(key, "quantity")) {
            if (!json_is_number(v)) return fail(in, field, T(r, "must be a number greater than 0"));
            in->quantity = json_number_value(v);
            in->has_quantity = 1;
        } else if (!strcmp(key, "priority") || !strcmp(key, "year")) {
            if (!json_is_integer(v))
                return fail(in, field,
                            !strcmp(key, "year") ? T(r, "must be a year from 2020 to 2100")
                                                 : T(r, "must be a whole number from 1 to 5"));
            if (!strcmp(key, "year"))
                in->year = json_integer_value(v), in->has_year = 1;
            else
                in->priority = json_integer_value(v), in->has_priority = 1;
        } else if (!strcmp(key, "wanted_by")) {
            if (!sv && !json_is_null(v))
                return fail(in, field, T(r, "must be a real date written YYYY-MM-DD, or null"));
            in->wanted_by = sv;
            in->has_wanted_by = 1;
        } else {
            if (!sv) return fail(in, field, T(r, "must be a string"));
            if (!strcmp(key, "school"))
                in->school = sv;
            else if (!strcmp(key, "category"))
                in->category = sv, in->has_category = 1;
            else if (!strcmp(key, "subject"))
                in->subject = sv, in->has_subject = 1;
            else if (!strcmp(key, "unit"))
                in->unit = sv, in->has_unit = 1;
            else if (!strcmp(key, "description"))
                in->description = sv, in->has_description = 1;
            else if (!strcmp(key, "evidence"))
                in->evidence = sv, in->has_evidence = 1;
            else if (!strcmp(key, "status"))
                in->status = sv, in->has_status = 1;
        }
    }
    return 1;
}

static const char *const create_fields[] = {"school",      "year",     "category", "subject",
                                            "quantity",    "unit",     "priority", "wanted_by",
                                            "description", "evidence", NULL};
static const char *const patch_fields[] = {"year",     "category", "subject",   "quantity",
                                           "unit",     "priority", "wanted_by", "description",
                                           "evidence", "status",   NULL};

void need_api_create(Req *r)
{
    json_t *j = req_json_object(r, create_fields);
    if (!j) return;
    NeedInput in = {0};
    Need n;
    int ok = input_from_json(r, j, &in);
    json_decref(j);
    NeedResult res = ok ? need_create(r, &in, &n) : NEED_INVALID;
    if (res != NEED_OK) {
        send_result(r, res, &in, NULL, NULL);
        return;
    }
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/needs/%lld", (long long)n.id));
    req_send_json(r, 201, need_json(&n));
}

void need_api_patch(Req *r)
{
    json_t *j = req_json_object(r, patch_fields);
    if (!j) return;
    NeedInput in = {0};
    Need n = {0};
    const char *why = NULL;
    int ok = input_from_json(r, j, &in);
    json_decref(j);
    NeedResult res = ok ? need_update(r, need_id_param(r), &in, &n, &why) : NEED_INVALID;
    /* a bad field of a need out of reach must not tell that the need exists */
    if (res == NEED_INVALID && !ok) {
        Need chk;
        int64_t id = need_id_param(r);
        if (!id || need_load(r->db, r->arena, id, &chk) != 1 ||
            !can(r, CAP_DATA_READ, chk.school_path)) {
            req_not_found(r);
            return;
        }
    }
    if (res != NEED_OK) {
        send_result(r, res, &in, &n, why);
        return;
    }
    req_send_json(r, 200, need_json(&n));
}

void need_api_get(Req *r)
{
    Need n;
    int64_t id = need_id_param(r);
    int f = id ? need_load(r->db, r->arena, id, &n) : 0;
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, n.school_path)) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, need_json(&n));
}

int need_filter_from_query(Req *r, NeedFilter *f, int64_t default_limit)
{
    memset(f, 0, sizeof *f);
    f->limit = default_limit;
    const char *school = req_query(r, "school"), *org = req_query(r, "org"),
               *cat = req_query(r, "category"), *st = req_query(r, "status"),
               *year = req_query(r, "year"), *lim = req_query(r, "limit"),
               *cursor = req_query(r, "cursor");
    const char *why = NULL;
    if (lim && *lim && !parse_int(lim, 1, 500, &f->limit))
        why = T(r, "limit must be a whole number from 1 to 500.");
    else if (cat && *cat && !need_category_ok(cat))
        why = T(r, "category must be one of teachers, training, curriculum, equipment, "
                   "parent_education, community, funds, other.");
    else if (st && *st && !need_status_ok(st))
        why = T(r, "status must be one of proposed, open, matched, in_progress, met, closed, "
                   "dismissed.");
    else if (year && *year && !parse_int(year, 2000, 2100, &f->year))
        why = T(r, "year must be a year such as 2026.");
    else if (cursor && *cursor && !parse_int(cursor, 1, INT64_MAX / 2, &f->before_id))
        why = T(r, "cursor is not valid.");
    else if ((org && *org && !valid_code(org)) || (school && *school && !valid_code(school)))
        why = T(r, "org and school must be organisation codes.");
    if (why) {
        if (req_is_api(r))
            req_error(r, 400, "bad_param", why);
        else
            page_error(r, 400, why);
        return 0;
    }
    f->category = cat && *cat ? cat : NULL;
    f->status = st && *st ? st : NULL;
    const char *codes[2] = {org, school};
    for (int i = 0; i < 2; i++) {
        if (!codes[i] || !*codes[i]) continue;
        Org o;
        int found = org_load(r->db, r->arena, codes[i], &o);
        if (found != 1 || !can(r, CAP_DATA_READ, o.path)) {
            req_not_found(r);
            return 0;
        }
        if (i == 0)
            f->org_path = o.path;
        else
            f->school_id = o.id;
    }
    return 1;
}

void need_api_list(Req *r)
{
    NeedFilter f;
    if (!need_filter_from_query(r, &f, 50)) return;
    DbStmt *s = need_list_query(r, &f);
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
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
        Need nd;
        need_row(s, r->arena, &nd);
        json_array_append_new(items, need_json(&nd));
        last = nd.id;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    req_send_json(r, 200, out);
}
