/* resource.c — see resource.h. The library's queries, the capacity primitives,
 * validation of a resource (per kind) and the API handlers. The pages are in
 * resource_page.c, the demo library in resource_demo.c. */
#include "resource.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "resource_int.h"
#include "ui/i18n.h"

const char *const resource_kinds[] = {"teacher_secondment", "course_pack", "training",
                                      "equipment",          "funds",       "volunteer_service",
                                      NULL};
const char *const resource_categories[] = {"teachers",         "training",  "curriculum",
                                           "equipment",        "parent_education",
                                           "community",        "funds",     "other",
                                           NULL};
const char *const resource_stages[] = {"primary",    "junior",    "senior",   "vocational",
                                       "university", "nine_year", "complete", NULL};

/* The kind-specific attributes: what each kind must say about itself. */
const ResAttrDef resource_attr_defs[] = {
    {"teacher_secondment", "teachers", 'i', "Teachers"},
    {"teacher_secondment", "months", 'i', "Months"},
    {"course_pack", "stage", 'g', "Stage"},
    {"course_pack", "subject", 's', "Subject"},
    {"course_pack", "format", 's', "Format"},
    {"training", "hours", 'n', "Hours"},
    {"training", "category", 's', "Training category"},
    {"training", "seats", 'i', "Seats"},
    {"equipment", "kind", 's', "Equipment kind"},
    {"equipment", "value_fen", 'f', "Value (fen)"},
    {"funds", "amount_fen", 'F', "Amount (fen)"},
    {"volunteer_service", "hours", 'n', "Hours"},
    {NULL, NULL, 0, NULL},
};

int res_in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (strcmp(*list, s) == 0) return 1;
    return 0;
}

const char *resource_kind_label(const char *kind)
{
    static const struct {
        const char *v, *label;
    } labels[] = {
        {"teacher_secondment", "Teacher secondment"},
        {"course_pack", "Course pack"},
        {"training", "Training programme"},
        {"equipment", "Equipment"},
        {"funds", "Funds"},
        {"volunteer_service", "Volunteer service"},
    };
    for (size_t i = 0; kind && i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(labels[i].v, kind)) return labels[i].label;
    return kind ? kind : "";
}

const char *resource_category_label(const char *cat)
{
    static const struct {
        const char *v, *label;
    } labels[] = {
        {"teachers", "Teachers"},
        {"training", "Teacher training"},
        {"curriculum", "Curriculum and course packs"},
        {"equipment", "Equipment"},
        {"parent_education", "Parent education"},
        {"community", "Community activity"},
        {"funds", "Funds"},
        {"other", "Other"},
    };
    for (size_t i = 0; cat && i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(labels[i].v, cat)) return labels[i].label;
    return cat ? cat : "";
}

int res_valid_date(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
    return 1;
}

/* ---- capacity ------------------------------------------------------------ */

int resource_consume(Db *db, int64_t id, double qty)
{
    if (!(qty > 0) || !isfinite(qty)) return -1;
    DbStmt *s = db_q(db,
                     "UPDATE resources SET remaining = remaining - ? WHERE id = ? AND remaining >= ?"
                     " RETURNING remaining",
                     "did", qty, id, qty);
    if (!s) return -1;
    int rc = db_step(s);
    db_done(s);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int resource_release(Db *db, int64_t id, double qty)
{
    if (!(qty > 0) || !isfinite(qty)) return -1;
    DbStmt *s = db_q(db,
                     "UPDATE resources SET remaining = CASE WHEN remaining + ? > capacity"
                     " THEN capacity ELSE remaining + ? END WHERE id = ? RETURNING remaining",
                     "ddi", qty, qty, id);
    if (!s) return -1;
    int rc = db_step(s);
    db_done(s);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* ---- reading ------------------------------------------------------------- */

void res_row(DbStmt *s, Arena *a, Resource *x)
{
    memset(x, 0, sizeof *x);
    x->id = db_col_int(s, 0);
    x->provider_id = db_col_int(s, 1);
    x->kind = arena_strdup(a, db_col_text(s, 2));
    x->category = arena_strdup(a, db_col_text(s, 3));
    x->subject = arena_strdup(a, db_col_text(s, 4));
    x->stage = arena_strdup(a, db_col_text(s, 5));
    x->title = arena_strdup(a, db_col_text(s, 6));
    x->description = arena_strdup(a, db_col_text(s, 7));
    x->capacity = db_col_double(s, 8);
    x->remaining = db_col_double(s, 9);
    x->unit = arena_strdup(a, db_col_text(s, 10));
    x->available_from = arena_strdup(a, db_col_text(s, 11));
    x->available_to = arena_strdup(a, db_col_text(s, 12));
    x->attrs = arena_strdup(a, db_col_text(s, 13));
    x->active = (int)db_col_int(s, 14);
    x->created_by = arena_strdup(a, db_col_text(s, 15));
    x->created_at = db_col_int(s, 16);
    x->updated_at = db_col_int(s, 17);
    x->provider_code = arena_strdup(a, db_col_text(s, 18));
    x->provider_name = arena_strdup(a, db_col_text(s, 19));
    x->provider_path = arena_strdup(a, db_col_text(s, 20));
    x->provider_kind = arena_strdup(a, db_col_text(s, 21));
}

int resource_load(Db *db, Arena *a, int64_t id, Resource *out)
{
    DbStmt *s = db_q(db,
                     "SELECT " RES_COLS " FROM resources x JOIN orgs p ON p.id = x.provider_id"
                     " WHERE x.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s), found = 0;
    if (rc == DB_ROW) {
        res_row(s, a, out);
        found = 1;
    } else if (rc != DB_DONE) {
        found = -1;
    }
    db_done(s);
    return found;
}

int resource_reaches(Db *db, int64_t id, const char *org_path)
{
    int64_t one = 0;
    int rc = db_int(db, &one,
                    "SELECT 1 FROM resource_reach rr JOIN orgs o ON o.id = rr.org_id"
                    " WHERE rr.resource_id = ? AND substr(CAST(? AS TEXT), 1, length(o.path)) = o.path"
                    " LIMIT 1",
                    "is", id, org_path);
    return rc < 0 ? -1 : rc;
}

/* The codes of the organisations resource id reaches, ordered (new reference). */
static json_t *reach_json(Db *db, int64_t id)
{
    DbStmt *s = db_q(db,
                     "SELECT o.code FROM resource_reach rr JOIN orgs o ON o.id = rr.org_id"
                     " WHERE rr.resource_id = ? ORDER BY o.code",
                     "i", id);
    if (!s) return NULL;
    json_t *a = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) json_array_append_new(a, json_string(db_col_text(s, 0)));
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(a);
        return NULL;
    }
    return a;
}

json_t *resource_json(Db *db, const Resource *x)
{
    json_t *reach = reach_json(db, x->id);
    if (!reach) return NULL;
    json_t *attrs = json_loads(x->attrs ? x->attrs : "{}", 0, NULL);
    if (!attrs) attrs = json_object();
    json_t *j = json_pack(
        "{s:I,s:{s:s,s:s,s:s},s:s,s:s,s:s,s:s,s:s,s:s,s:f,s:f,s:f,s:s,s:s,s:s,s:o,s:o,s:b,s:s,"
        "s:I,s:I}",
        "id", (json_int_t)x->id, "provider", "code", x->provider_code, "name_zh",
        x->provider_name, "kind", x->provider_kind, "kind", x->kind, "category", x->category,
        "subject", x->subject, "stage", x->stage, "title", x->title, "description",
        x->description, "capacity", x->capacity, "remaining", x->remaining, "consumed",
        x->capacity - x->remaining, "unit", x->unit, "available_from", x->available_from,
        "available_to", x->available_to, "reach", reach, "attrs", attrs, "active", x->active,
        "created_by", x->created_by, "created_at", (json_int_t)x->created_at, "updated_at",
        (json_int_t)x->updated_at);
    return j;
}

/* ---- validation ---------------------------------------------------------- */

static void fail(ResSave *o, int status, const char *code, const char *field, const char *msg)
{
    if (o->status) return;
    o->status = status;
    o->code = code;
    o->field = field;
    o->message = msg;
}

static void bad(Req *r, ResSave *o, const char *field, const char *why)
{
    fail(o, 422, "invalid", field, arena_printf(r->arena, "%s %s", field, why));
}

/* A string member of j (copied to the arena), or NULL when absent. *ok = 0 and
 * o filled when present but not a valid text of at most max bytes. */
static const char *get_text(Req *r, json_t *j, const char *key, size_t max, ResSave *o)
{
    json_t *v = json_object_get(j, key);
    if (!v) return NULL;
    if (!json_is_string(v) || !valid_text(json_string_value(v), max)) {
        bad(r, o, key,
            arena_printf(r->arena, "%s: %d", T(r, "must be a text with no control characters, bytes at most"),
                         (int)max));
        return NULL;
    }
    return arena_strdup(r->arena, json_string_value(v));
}

/* A number member of j into *out: 1 when present and valid, 0 when absent,
 * -1 when not a number (o filled). */
static int get_number(Req *r, json_t *j, const char *key, double *out, ResSave *o)
{
    json_t *v = json_object_get(j, key);
    if (!v) return 0;
    if (!json_is_number(v) || !isfinite(json_number_value(v))) {
        bad(r, o, key, T(r, "must be a number"));
        return -1;
    }
    *out = json_number_value(v);
    return 1;
}

/* Resolves the reach list (an array of codes of the region, prefectures or
 * counties) into org ids in arena memory; *n gets the count. NULL on failure
 * (o filled, or a database error when o->status is 503). */
static int64_t *resolve_reach(Req *r, json_t *v, int *n, ResSave *o)
{
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 200) {
        bad(r, o, "reach",
            T(r, "must be a list of 1 to 200 codes of the region, prefectures or counties"));
        return NULL;
    }
    size_t cnt = json_array_size(v);
    int64_t *ids = arena_alloc(r->arena, cnt * sizeof *ids);
    for (size_t i = 0; i < cnt; i++) {
        const char *code = json_string_value(json_array_get(v, i));
        if (!code || !valid_code(code)) {
            bad(r, o, "reach", T(r, "must be a list of organisation codes"));
            return NULL;
        }
        int64_t id = 0;
        int f = db_int(r->db, &id,
                       "SELECT id FROM orgs WHERE code = ? AND kind IN ('region','prefecture',"
                       "'county')",
                       "s", code);
        if (f < 0) {
            fail(o, 503, "busy", NULL, T(r, "The service is busy. Please try again."));
            return NULL;
        }
        if (!f) {
            bad(r, o, "reach",
                arena_printf(r->arena, "%s: %s", T(r, "has no region, prefecture or county"),
                             code));
            return NULL;
        }
        for (size_t k = 0; k < i; k++)
            if (ids[k] == id) {
                bad(r, o, "reach", arena_printf(r->arena, "%s: %s", T(r, "names twice"), code));
                return NULL;
            }
        ids[i] = id;
    }
    *n = (int)cnt;
    return ids;
}

/* Validates attrs for kind, filling stage/subject of a course pack from the
 * resource's own columns when attrs leaves them out. Returns the canonical JSON
 * text (arena), or NULL with o filled. */
static const char *check_attrs(Req *r, const char *kind, json_t *attrs, const char *stage,
                               const char *subject, ResSave *o)
{
    if (attrs && !json_is_object(attrs)) {
        bad(r, o, "attrs", T(r, "must be an object"));
        return NULL;
    }
    json_t *a = attrs ? json_deep_copy(attrs) : json_object();
    if (!strcmp(kind, "course_pack")) {
        if (!json_object_get(a, "stage") && stage && *stage)
            json_object_set_new(a, "stage", json_string(stage));
        if (!json_object_get(a, "subject") && subject && *subject)
            json_object_set_new(a, "subject", json_string(subject));
    }
    const char *key;
    json_t *v;
    json_object_foreach(a, key, v)
    {
        int known = 0;
        for (const ResAttrDef *d = resource_attr_defs; d->kind && !known; d++)
            known = !strcmp(d->kind, kind) && !strcmp(d->name, key);
        if (!known) {
            bad(r, o, arena_printf(r->arena, "attrs.%s", key),
                arena_printf(r->arena, "%s %s", T(r, "is not an attribute of"),
                             T(r, resource_kind_label(kind))));
            json_decref(a);
            return NULL;
        }
    }
    for (const ResAttrDef *d = resource_attr_defs; d->kind; d++) {
        if (strcmp(d->kind, kind)) continue;
        const char *field = arena_printf(r->arena, "attrs.%s", d->name);
        v = json_object_get(a, d->name);
        const char *why = NULL;
        if (!v) {
            why = T(r, "is required for this kind");
        } else if (d->type == 'i') {
            if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 100000)
                why = T(r, "must be a whole number from 1 to 100000");
        } else if (d->type == 'f' || d->type == 'F') {
            json_int_t lo = d->type == 'F' ? 1 : 0;
            if (!json_is_integer(v) || json_integer_value(v) < lo ||
                json_integer_value(v) > (json_int_t)1000000000000LL)
                why = d->type == 'F' ? T(r, "must be a whole number of fen, more than 0")
                                     : T(r, "must be a whole number of fen, 0 or more");
        } else if (d->type == 'n') {
            if (!json_is_number(v) || !(json_number_value(v) > 0) ||
                json_number_value(v) > 100000)
                why = T(r, "must be a number more than 0 and at most 100000");
        } else if (d->type == 'g') {
            if (!json_is_string(v) || !res_in_list(resource_stages, json_string_value(v)))
                why = T(r, "must be primary, junior, senior, vocational, university, nine_year "
                           "or complete");
        } else {
            if (!json_is_string(v) || !*json_string_value(v) ||
                !valid_text(json_string_value(v), 100))
                why = T(r, "must be a text of 1 to 100 bytes");
        }
        if (why) {
            bad(r, o, field, why);
            json_decref(a);
            return NULL;
        }
    }
    char *text = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(a);
    const char *out = arena_strdup(r->arena, text ? text : "{}");
    free(text);
    return out;
}

/* Checks the availability dates. 1 when fine. */
static int check_dates(Req *r, const char *from, const char *to, ResSave *o)
{
    if (!res_valid_date(from)) {
        bad(r, o, "available_from", T(r, "must be a date YYYY-MM-DD"));
        return 0;
    }
    if (!res_valid_date(to)) {
        bad(r, o, "available_to", T(r, "must be a date YYYY-MM-DD"));
        return 0;
    }
    if (strcmp(from, to) > 0) {
        bad(r, o, "available_to", T(r, "must not be before available_from"));
        return 0;
    }
    return 1;
}

/* Writes the reach rows of resource id (replacing any). DB_OK or the error. */
static int write_reach(Db *db, int64_t id, const int64_t *ids, int n)
{
    int rc = db_run(db, "DELETE FROM resource_reach WHERE resource_id = ?", "i", id);
    for (int i = 0; i < n && rc == DB_OK; i++)
        rc = db_run(db, "INSERT INTO resource_reach(resource_id, org_id) VALUES (?, ?)", "ii", id,
                    ids[i]);
    return rc;
}

/* The audit view of a resource (new reference, or NULL). */
static json_t *audit_view(Db *db, Arena *a, int64_t id)
{
    Resource x;
    if (resource_load(db, a, id, &x) != 1) return NULL;
    json_t *j = resource_json(db, &x);
    if (j) {
        json_object_del(j, "created_at");
        json_object_del(j, "updated_at");
    }
    return j;
}

static const char *const create_fields[] = {
    "provider", "kind",           "category",     "subject", "stage", "title", "description",
    "capacity", "unit",           "available_from", "available_to", "reach", "attrs", NULL};
static const char *const patch_fields[] = {"title", "description", "capacity", "available_from",
                                           "available_to", "reach", "active", NULL};

/* Runs a write transaction body up to five times while the database answers
 * DB_BUSY (a PostgreSQL deadlock or serialisation failure). */
#define RES_TRIES 5

void resource_save_create(Req *r, json_t *j, ResSave *o)
{
    memset(o, 0, sizeof *o);
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        int ok = 0;
        for (const char *const *a = create_fields; *a && !ok; a++) ok = !strcmp(*a, k);
        if (!ok) {
            const char *key = arena_strdup(r->arena, k);
            fail(o, 422, "unknown_field", key,
                 arena_printf(r->arena, "%s: %s", T(r, "Unknown field"), key));
            return;
        }
    }
    /* the provider first: one out of reach answers 404 whatever else is wrong */
    const char *provider = get_text(r, j, "provider", 32, o);
    if (o->status) return;
    if (!provider || !valid_code(provider)) {
        bad(r, o, "provider", T(r, "is required: the code of a helping school or partner"));
        return;
    }
    int64_t pid = 0, is_helper = 0;
    const char *ppath = NULL, *pkind = NULL;
    DbStmt *s = db_q(r->db, "SELECT id, path, kind, is_helper FROM orgs WHERE code = ?", "s",
                     provider);
    if (s && db_step(s) == DB_ROW) {
        pid = db_col_int(s, 0);
        ppath = arena_strdup(r->arena, db_col_text(s, 1));
        pkind = arena_strdup(r->arena, db_col_text(s, 2));
        is_helper = db_col_int(s, 3);
    }
    db_done(s);
    if (!s) {
        fail(o, 503, "busy", NULL, T(r, "The service is busy. Please try again."));
        return;
    }
    if (!pid || !can(r, CAP_RESOURCE_WRITE, ppath)) {
        fail(o, 404, "not_found", NULL, NULL);
        return;
    }
    if (!(!strcmp(pkind, "partner") || (!strcmp(pkind, "school") && is_helper))) {
        bad(r, o, "provider", T(r, "must be a helping school or a partner organisation"));
        return;
    }
    const char *kind = get_text(r, j, "kind", 40, o);
    if (o->status) return;
    if (!res_in_list(resource_kinds, kind)) {
        bad(r, o, "kind", T(r, "must be teacher_secondment, course_pack, training, equipment, "
                               "funds or volunteer_service"));
        return;
    }
    const char *category = get_text(r, j, "category", 40, o);
    if (o->status) return;
    if (!res_in_list(resource_categories, category)) {
        bad(r, o, "category", T(r, "must be teachers, training, curriculum, equipment, "
                                   "parent_education, community, funds or other"));
        return;
    }
    const char *subject = get_text(r, j, "subject", 50, o);
    const char *stage = o->status ? NULL : get_text(r, j, "stage", 20, o);
    if (o->status) return;
    if (stage && *stage && !res_in_list(resource_stages, stage)) {
        bad(r, o, "stage", T(r, "must be primary, junior, senior, vocational, university, "
                                "nine_year or complete"));
        return;
    }
    if (!strcmp(kind, "teacher_secondment") && (!subject || !*subject)) {
        bad(r, o, "subject", T(r, "is required for a teacher secondment"));
        return;
    }
    const char *title = get_text(r, j, "title", 200, o);
    if (o->status) return;
    if (!title || !*title) {
        bad(r, o, "title", T(r, "is required, at most 200 bytes"));
        return;
    }
    const char *description = get_text(r, j, "description", 4000, o);
    const char *unit = o->status ? NULL : get_text(r, j, "unit", 20, o);
    if (o->status) return;
    double capacity = 0;
    int hc = get_number(r, j, "capacity", &capacity, o);
    if (hc < 0) return;
    if (!hc || !(capacity > 0) || capacity > 1e12) {
        bad(r, o, "capacity", T(r, "is required: a number more than 0"));
        return;
    }
    const char *from = get_text(r, j, "available_from", 10, o);
    const char *to = o->status ? NULL : get_text(r, j, "available_to", 10, o);
    if (o->status || !check_dates(r, from, to, o)) return;
    json_t *jreach = json_object_get(j, "reach");
    int nreach = 0;
    int64_t *reach = resolve_reach(r, jreach, &nreach, o);
    if (!reach) return;
    const char *attrs = check_attrs(r, kind, json_object_get(j, "attrs"), stage, subject, o);
    if (!attrs) return;
    /* a course pack's stage and subject columns follow its attributes */
    if (!strcmp(kind, "course_pack")) {
        json_t *a = json_loads(attrs, 0, NULL);
        if ((!stage || !*stage) && a)
            stage = arena_strdup(r->arena, json_string_value(json_object_get(a, "stage")));
        if ((!subject || !*subject) && a)
            subject = arena_strdup(r->arena, json_string_value(json_object_get(a, "subject")));
        json_decref(a);
    }
    for (int attempt = 0; attempt < RES_TRIES; attempt++) {
        if (db_begin(r->db) != DB_OK) break;
        int64_t now = now_s(), id = 0;
        s = db_q(r->db,
                 "INSERT INTO resources(provider_id, kind, category, subject, stage, title,"
                 " description, capacity, remaining, unit, available_from, available_to, attrs,"
                 " active, created_by, created_at, updated_at)"
                 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?,?) RETURNING id",
                 "issssssddssssiii", pid, kind, category, subject ? subject : "",
                 stage ? stage : "", title, description ? description : "", capacity, capacity,
                 unit ? unit : "", from, to, attrs, r->auth.login, now, now);
        int rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) id = db_col_int(s, 0);
        db_done(s);
        rc = id ? write_reach(r->db, id, reach, nreach) : (rc == DB_ROW ? DB_ERROR : rc);
        json_t *after = rc == DB_OK ? audit_view(r->db, r->arena, id) : NULL;
        if (rc == DB_OK && !after) rc = DB_ERROR;
        if (rc == DB_OK)
            rc = audit_log(r->db, r->auth.login, "resource.create", "resource",
                           arena_printf(r->arena, "%lld", (long long)id), ppath, NULL, after);
        json_decref(after);
        if (rc == DB_OK && db_commit(r->db) == DB_OK) {
            o->id = id;
            return;
        }
        db_rollback(r->db);
        if (rc != DB_BUSY) break;
    }
    fail(o, 503, "busy", NULL, T(r, "The service is busy. Please try again."));
}

void resource_save_patch(Req *r, int64_t id, json_t *j, ResSave *o)
{
    memset(o, 0, sizeof *o);
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        int ok = 0;
        for (const char *const *a = patch_fields; *a && !ok; a++) ok = !strcmp(*a, k);
        if (!ok) {
            const char *key = arena_strdup(r->arena, k);
            fail(o, 422, "unknown_field", key,
                 arena_printf(r->arena, "%s: %s", T(r, "Unknown field"), key));
            return;
        }
    }
    Resource old;
    int f = resource_load(r->db, r->arena, id, &old);
    if (f < 0) {
        fail(o, 503, "busy", NULL, T(r, "The service is busy. Please try again."));
        return;
    }
    if (!f) {
        fail(o, 404, "not_found", NULL, NULL);
        return;
    }
    /* the library is shared, so the resource is no secret: 403 rather than 404 */
    if (!can(r, CAP_RESOURCE_WRITE, old.provider_path)) {
        fail(o, 403, "forbidden", NULL, T(r, "You do not have permission to do this."));
        return;
    }
    Resource x = old;
    const char *t;
    if ((t = get_text(r, j, "title", 200, o))) x.title = t;
    if (o->status) return;
    if (json_object_get(j, "title") && !*x.title) {
        bad(r, o, "title", T(r, "is required, at most 200 bytes"));
        return;
    }
    if ((t = get_text(r, j, "description", 4000, o))) x.description = t;
    if (o->status) return;
    double capacity = old.capacity;
    int hc = get_number(r, j, "capacity", &capacity, o);
    if (hc < 0) return;
    if (hc && (!(capacity > 0) || capacity > 1e12)) {
        bad(r, o, "capacity", T(r, "must be a number more than 0"));
        return;
    }
    if ((t = get_text(r, j, "available_from", 10, o))) x.available_from = t;
    if (o->status) return;
    if ((t = get_text(r, j, "available_to", 10, o))) x.available_to = t;
    if (o->status || !check_dates(r, x.available_from, x.available_to, o)) return;
    json_t *ja = json_object_get(j, "active");
    if (ja) {
        if (!json_is_boolean(ja)) {
            bad(r, o, "active", T(r, "must be true or false"));
            return;
        }
        x.active = json_is_true(ja);
    }
    int nreach = 0;
    int64_t *reach = NULL;
    if (json_object_get(j, "reach")) {
        reach = resolve_reach(r, json_object_get(j, "reach"), &nreach, o);
        if (!reach) return;
    }
    for (int attempt = 0; attempt < RES_TRIES; attempt++) {
        if (db_begin(r->db) != DB_OK) break;
        json_t *before = audit_view(r->db, r->arena, id);
        int rc = before ? DB_OK : DB_ERROR;
        if (rc == DB_OK) {
            /* capacity and remaining move together, and never below what is consumed:
             * one statement, so that a concurrent consumption cannot slip between */
            DbStmt *s = db_q(r->db,
                             "UPDATE resources SET title = ?, description = ?, available_from = ?,"
                             " available_to = ?, active = ?, updated_at = ?,"
                             " remaining = ? - (capacity - remaining), capacity = ?"
                             " WHERE id = ? AND ? >= capacity - remaining RETURNING remaining",
                             "ssssiiddid", x.title, x.description, x.available_from,
                             x.available_to, (int64_t)x.active, now_s(), capacity, capacity, id,
                             capacity);
            rc = s ? db_step(s) : DB_ERROR;
            db_done(s);
            if (rc == DB_DONE) {
                db_rollback(r->db);
                json_decref(before);
                Resource now;
                double consumed = old.capacity - old.remaining;
                if (resource_load(r->db, r->arena, id, &now) == 1)
                    consumed = now.capacity - now.remaining;
                bad(r, o, "capacity",
                    arena_printf(r->arena, "%s (%g)",
                                 T(r, "must not be below what is already consumed"), consumed));
                o->status = 422;
                return;
            }
            rc = rc == DB_ROW ? DB_OK : rc;
        }
        if (rc == DB_OK && reach) rc = write_reach(r->db, id, reach, nreach);
        json_t *after = rc == DB_OK ? audit_view(r->db, r->arena, id) : NULL;
        if (rc == DB_OK && !after) rc = DB_ERROR;
        if (rc == DB_OK)
            rc = audit_log(r->db, r->auth.login, "resource.update", "resource",
                           arena_printf(r->arena, "%lld", (long long)id), old.provider_path,
                           before, after);
        json_decref(before);
        json_decref(after);
        if (rc == DB_OK && db_commit(r->db) == DB_OK) {
            o->id = id;
            return;
        }
        db_rollback(r->db);
        if (rc != DB_BUSY) break;
    }
    fail(o, 503, "busy", NULL, T(r, "The service is busy. Please try again."));
}

void res_send_error(Req *r, const ResSave *o)
{
    if (o->status == 404) req_not_found(r);
    else req_error(r, o->status, o->code, o->message);
}

/* ---- listing ------------------------------------------------------------- */

int res_list_parse(Req *r, ResFilter *f, int64_t max_limit)
{
    memset(f, 0, sizeof *f);
    f->limit = 50;
    const char *v;
    struct {
        const char *name, **dst;
    } texts[] = {{"kind", &f->kind},         {"category", &f->category},
                 {"subject", &f->subject},   {"provider", &f->provider},
                 {"reach", &f->reach},       {"available_on", &f->available_on},
                 {"active", &f->active}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        v = req_query(r, texts[i].name);
        *texts[i].dst = v && *v ? v : NULL;
    }
    const char *why = NULL;
    if (f->kind && !res_in_list(resource_kinds, f->kind)) why = "kind";
    else if (f->category && !res_in_list(resource_categories, f->category)) why = "category";
    else if (f->subject && !valid_text(f->subject, 50)) why = "subject";
    else if (f->provider && !valid_code(f->provider)) why = "provider";
    else if (f->reach && !valid_code(f->reach)) why = "reach";
    else if (f->available_on && !res_valid_date(f->available_on)) why = "available_on";
    else if (f->active && strcmp(f->active, "1") && strcmp(f->active, "0")) why = "active";
    if (!why && (v = req_query(r, "limit")) && *v && !parse_int(v, 1, max_limit, &f->limit))
        why = "limit";
    if (!why && (v = req_query(r, "cursor")) && *v && !parse_int(v, 0, INT64_MAX, &f->after))
        why = "cursor";
    if (!why && f->reach) {
        int64_t one = 0;
        DbStmt *s = db_q(r->db, "SELECT path FROM orgs WHERE code = ?", "s", f->reach);
        if (s && db_step(s) == DB_ROW) f->reach_path = arena_strdup(r->arena, db_col_text(s, 0));
        db_done(s);
        (void)one;
        if (!f->reach_path) why = "reach";
    }
    if (why) {
        req_error(r, 400, "bad_param",
                  arena_printf(r->arena, "%s: %s", why, T(r, "is not valid")));
        return 0;
    }
    return 1;
}

DbStmt *res_list_query(Req *r, const ResFilter *f, int64_t limit)
{
    int64_t active = f->active ? (int64_t)atoi(f->active) : -1;
    return db_q(r->db,
                "SELECT " RES_COLS " FROM resources x JOIN orgs p ON p.id = x.provider_id"
                " WHERE (CAST(? AS TEXT) IS NULL OR x.kind = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR x.category = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR x.subject = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR p.code = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM resource_reach rr"
                "  JOIN orgs ro ON ro.id = rr.org_id WHERE rr.resource_id = x.id"
                "  AND substr(CAST(? AS TEXT), 1, length(ro.path)) = ro.path))"
                " AND (CAST(? AS TEXT) IS NULL OR (x.available_from <= ? AND x.available_to >= ?))"
                " AND (CAST(? AS BIGINT) < 0 OR x.active = ?)"
                " AND x.id > ? ORDER BY x.id LIMIT ?",
                "sssssssssssssiiii", f->kind, f->kind, f->category, f->category, f->subject,
                f->subject, f->provider, f->provider, f->reach_path, f->reach_path,
                f->available_on, f->available_on, f->available_on, active, active, f->after,
                limit);
}

/* ---- API ----------------------------------------------------------------- */

void resource_api_list(Req *r)
{
    ResFilter f;
    if (!res_list_parse(r, &f, 500)) return;
    DbStmt *s = res_list_query(r, &f, f.limit + 1);
    if (!s) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    /* rows first, reach lists after: one statement open at a time */
    Resource *rows = arena_alloc(r->arena, (size_t)(f.limit + 1) * sizeof *rows);
    int n = 0, more = 0;
    while (db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        res_row(s, r->arena, &rows[n++]);
    }
    db_done(s);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        json_t *j = resource_json(r->db, &rows[i]);
        if (!j) {
            json_decref(list);
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
            return;
        }
        json_array_append_new(list, j);
    }
    json_t *out = json_pack("{s:o}", "items", list);
    json_object_set_new(out, "next_cursor",
                        more && n ? json_sprintf("%lld", (long long)rows[n - 1].id) : json_null());
    req_send_json(r, 200, out);
}

int64_t res_param_id(Req *r)
{
    int64_t id = 0;
    const char *v = req_param(r, "id");
    if (!v || !parse_int(v, 1, INT64_MAX, &id)) return 0;
    return id;
}

void resource_api_get(Req *r)
{
    Resource x;
    int64_t id = res_param_id(r);
    int f = id ? resource_load(r->db, r->arena, id, &x) : 0;
    if (f < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (!f) {
        req_not_found(r);
        return;
    }
    json_t *j = resource_json(r->db, &x);
    if (!j) req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    else req_send_json(r, 200, j);
}

/* Answers 201/200 with the saved resource. */
static void send_saved(Req *r, int64_t id, int status)
{
    Resource x;
    json_t *j = resource_load(r->db, r->arena, id, &x) == 1 ? resource_json(r->db, &x) : NULL;
    if (!j) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (status == 201)
        req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/resources/%lld", (long long)id));
    req_send_json(r, status, j);
}

void resource_api_create(Req *r)
{
    json_t *j = req_json_object(r, create_fields);
    if (!j) return;
    ResSave o;
    resource_save_create(r, j, &o);
    json_decref(j);
    if (o.status) res_send_error(r, &o);
    else send_saved(r, o.id, 201);
}

void resource_api_patch(Req *r)
{
    int64_t id = res_param_id(r);
    if (!id) {
        req_not_found(r);
        return;
    }
    json_t *j = req_json_object(r, patch_fields);
    if (!j) return;
    ResSave o;
    resource_save_patch(r, id, j, &o);
    json_decref(j);
    if (o.status) res_send_error(r, &o);
    else send_saved(r, id, 200);
}
