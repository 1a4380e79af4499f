/* org.c — capability 1: the organisation tree. Queries, API handlers and pages
 * together. Every read is scoped by REACH_SQL or can(); an organisation outside
 * the caller's reach answers exactly like one that does not exist. */
#include "org.h"

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

static const char *const kinds[] = {"region", "prefecture", "county", "school", "partner", NULL};
static const char *const partner_kinds[] = {"government", "enterprise", "community", "social",
                                            NULL};
static const char *const stages[] = {"primary",    "junior",    "senior",   "vocational",
                                     "university", "nine_year", "complete", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (strcmp(*list, s) == 0) return 1;
    return 0;
}

/* The message id naming a kind, stage or partner kind (for T()). */
static const char *label_of(const char *v)
{
    static const struct {
        const char *v, *label;
    } labels[] = {
        {"region", "Region"},
        {"prefecture", "Prefecture"},
        {"county", "County"},
        {"school", "School"},
        {"partner", "Partner organisation"},
        {"government", "Local government"},
        {"enterprise", "Enterprise"},
        {"community", "Community"},
        {"social", "Social organisation"},
        {"primary", "Primary"},
        {"junior", "Junior secondary"},
        {"senior", "Senior secondary"},
        {"vocational", "Vocational"},
        {"university", "University"},
        {"nine_year", "Nine-year school"},
        {"complete", "Complete secondary"},
    };
    for (size_t i = 0; v && i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].v, v) == 0) return labels[i].label;
    return v ? v : "";
}

#define ORG_COLS                                                                                  \
    "o.id, o.code, o.parent_id, p.code, o.path, o.depth, o.kind, o.partner_kind, o.name_zh,"      \
    " o.name_en, o.is_helper, o.is_recipient, o.stage, o.address, o.active,"                    \
    " (SELECT count(*) FROM orgs c WHERE c.parent_id = o.id)"

/* Fills o from a row selected with ORG_COLS. */
static void org_row(DbStmt *s, Arena *a, Org *o)
{
    memset(o, 0, sizeof *o);
    o->id = db_col_int(s, 0);
    o->code = arena_strdup(a, db_col_text(s, 1));
    o->parent_id = db_col_int(s, 2);
    o->parent_code = arena_strdup(a, db_col_text(s, 3));
    o->path = arena_strdup(a, db_col_text(s, 4));
    o->depth = (int)db_col_int(s, 5);
    o->kind = arena_strdup(a, db_col_text(s, 6));
    o->partner_kind = arena_strdup(a, db_col_text(s, 7));
    o->name_zh = arena_strdup(a, db_col_text(s, 8));
    o->name_en = arena_strdup(a, db_col_text(s, 9));
    o->is_helper = (int)db_col_int(s, 10);
    o->is_recipient = (int)db_col_int(s, 11);
    o->stage = arena_strdup(a, db_col_text(s, 12));
    o->address = arena_strdup(a, db_col_text(s, 13));
    o->active = (int)db_col_int(s, 14);
    o->children = db_col_int(s, 15);
}

int org_load(Db *db, Arena *a, const char *code, Org *o)
{
    DbStmt *s = db_q(db,
                     "SELECT " ORG_COLS " FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id"
                     " WHERE o.code = ?",
                     "s", code);
    if (!s) return -1;
    int rc = db_step(s), found = 0;
    if (rc == DB_ROW) {
        org_row(s, a, o);
        found = 1;
    } else if (rc != DB_DONE) {
        found = -1;
    }
    db_done(s);
    return found;
}

/* Loads an organisation the caller may read; 1 if so, 0 when it is missing or
 * out of reach (a 404 has then been sent), -1 on a database error (sent too). */
static int load_visible(Req *r, const char *code, Org *o)
{
    int f = valid_code(code) ? org_load(r->db, r->arena, code, o) : 0;
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return -1;
    }
    if (!f || !can(r, CAP_ORG_READ, o->path)) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

const char *org_name(Req *r, const Org *o)
{
    if (strcmp(r->lang, "en") == 0 && o->name_en && *o->name_en) return o->name_en;
    return o->name_zh;
}

/* The ancestor codes of a path ('/a/b/c/' → ["a","b","c"]). */
static json_t *path_json(const char *path)
{
    json_t *a = json_array();
    for (const char *p = path; p && *p;) {
        if (*p == '/') {
            p++;
            continue;
        }
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, n));
        p += n;
    }
    return a;
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

json_t *org_json(const Org *o)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:b,s:I}", "code", o->code, "name_zh",
                          o->name_zh, "name_en", o->name_en ? o->name_en : "", "kind", o->kind,
                          "is_helper", o->is_helper, "is_recipient", o->is_recipient, "address",
                          o->address ? o->address : "", "active", o->active, "children",
                          (json_int_t)o->children);
    json_object_set_new(j, "partner_kind", str_or_null(o->partner_kind));
    json_object_set_new(j, "stage", str_or_null(o->stage));
    json_object_set_new(j, "parent", str_or_null(o->parent_code));
    json_object_set_new(j, "path", path_json(o->path));
    return j;
}

/* The audit view of an organisation: its own fields without the child count. */
static json_t *org_audit_json(const Org *o)
{
    json_t *j = org_json(o);
    json_object_del(j, "children");
    return j;
}

int64_t org_insert(Db *db, const char *actor, const Org *o, const Org *parent, int *dbrc)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s/", parent ? parent->path : "/", o->code);
    int64_t now = now_s(), id = 0;
    DbStmt *s = db_q(db,
                     "INSERT INTO orgs(code, parent_id, path, depth, kind, partner_kind, name_zh,"
                     " name_en, is_helper, is_recipient, stage, address, active, created_at,"
                     " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,?) RETURNING id",
                     "sisissssiissii", o->code, parent ? parent->id : (int64_t)0, path,
                     (int64_t)(parent ? parent->depth + 1 : 0), o->kind, o->partner_kind,
                     o->name_zh, o->name_en ? o->name_en : "", (int64_t)o->is_helper,
                     (int64_t)o->is_recipient, o->stage, o->address ? o->address : "", now, now);
    /* the root has no parent: bind NULL rather than 0 */
    if (s && !parent) db_bind_null(s, 2);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    if (!id) {
        *dbrc = rc == DB_ROW ? DB_ERROR : rc;
        return 0;
    }
    Org copy = *o;
    copy.path = path;
    copy.parent_code = parent ? parent->code : NULL;
    copy.active = 1;
    json_t *after = org_audit_json(&copy);
    rc = audit_log(db, actor, "org.create", "org", o->code, path, NULL, after);
    json_decref(after);
    if (rc != DB_OK) {
        *dbrc = rc;
        return 0;
    }
    return id;
}

/* ---- input: one shape for JSON and forms -------------------------------- */

typedef struct OrgInput {
    Org o;
    const char *parent;
    /* which fields were given */
    int has_name_zh, has_name_en, has_kind, has_partner_kind, has_helper, has_recipient,
        has_stage, has_address, has_active;
    const char *bad_field; /* first field with a problem, and why */
    const char *why;
} OrgInput;

static int input_fail(OrgInput *in, const char *field, const char *why)
{
    if (!in->bad_field) {
        in->bad_field = field;
        in->why = why;
    }
    return 0;
}

/* Reads a JSON body into in, checking types. 1 on success; 0 with bad_field set. */
static int input_from_json(Req *r, json_t *j, OrgInput *in)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        int is_str = json_is_string(v), is_bool = json_is_boolean(v), is_null = json_is_null(v);
        const char *sv = json_string_value(v);
        /* the key dies with the JSON: a copy names the field in the answer */
        const char *field = arena_strdup(r->arena, key);
        if (!strcmp(key, "code")) {
            if (!is_str) return input_fail(in, field, T(r, "must be a string"));
            in->o.code = arena_strdup(r->arena, sv);
        } else if (!strcmp(key, "parent")) {
            if (!is_str) return input_fail(in, field, T(r, "must be a string"));
            in->parent = arena_strdup(r->arena, sv);
        } else if (!strcmp(key, "name_zh")) {
            if (!is_str) return input_fail(in, field, T(r, "must be a string"));
            in->o.name_zh = arena_strdup(r->arena, sv);
            in->has_name_zh = 1;
        } else if (!strcmp(key, "name_en")) {
            if (!is_str) return input_fail(in, field, T(r, "must be a string"));
            in->o.name_en = arena_strdup(r->arena, sv);
            in->has_name_en = 1;
        } else if (!strcmp(key, "kind")) {
            if (!is_str) return input_fail(in, field, T(r, "must be a string"));
            in->o.kind = arena_strdup(r->arena, sv);
            in->has_kind = 1;
        } else if (!strcmp(key, "partner_kind")) {
            if (!is_str && !is_null) return input_fail(in, field, T(r, "must be a string or null"));
            in->o.partner_kind = arena_strdup(r->arena, sv);
            in->has_partner_kind = 1;
        } else if (!strcmp(key, "stage")) {
            if (!is_str && !is_null) return input_fail(in, field, T(r, "must be a string or null"));
            in->o.stage = arena_strdup(r->arena, sv);
            in->has_stage = 1;
        } else if (!strcmp(key, "address")) {
            if (!is_str) return input_fail(in, field, T(r, "must be a string"));
            in->o.address = arena_strdup(r->arena, sv);
            in->has_address = 1;
        } else if (!strcmp(key, "is_helper")) {
            if (!is_bool) return input_fail(in, field, T(r, "must be true or false"));
            in->o.is_helper = json_is_true(v);
            in->has_helper = 1;
        } else if (!strcmp(key, "is_recipient")) {
            if (!is_bool) return input_fail(in, field, T(r, "must be true or false"));
            in->o.is_recipient = json_is_true(v);
            in->has_recipient = 1;
        } else if (!strcmp(key, "active")) {
            if (!is_bool) return input_fail(in, field, T(r, "must be true or false"));
            in->o.active = json_is_true(v);
            in->has_active = 1;
        }
    }
    return 1;
}

/* Reads a form into in. Checkboxes are present or absent. */
static void input_from_form(Req *r, OrgInput *in, int creating)
{
    const char *v;
    in->o.code = req_form(r, "code");
    in->parent = req_form(r, "parent");
    if ((v = req_form(r, "name_zh"))) in->o.name_zh = v, in->has_name_zh = 1;
    if ((v = req_form(r, "name_en"))) in->o.name_en = v, in->has_name_en = 1;
    if ((v = req_form(r, "kind"))) in->o.kind = v, in->has_kind = 1;
    if ((v = req_form(r, "partner_kind"))) in->o.partner_kind = *v ? v : NULL,
                                           in->has_partner_kind = 1;
    if ((v = req_form(r, "stage"))) in->o.stage = *v ? v : NULL, in->has_stage = 1;
    if ((v = req_form(r, "address"))) in->o.address = v, in->has_address = 1;
    in->o.is_helper = req_form(r, "is_helper") != NULL;
    in->o.is_recipient = req_form(r, "is_recipient") != NULL;
    in->has_helper = in->has_recipient = 1;
    if (!creating) {
        in->o.active = req_form(r, "active") != NULL;
        in->has_active = 1;
    }
}

/* Checks the finished organisation (after merging a patch). 1 if valid. */
static int check_org(Req *r, OrgInput *in, const Org *o)
{
    if (!valid_code(o->code))
        return input_fail(in, "code", T(r, "must be 2 to 32 letters, digits or '-'"));
    if (!o->name_zh || !*o->name_zh || !valid_text(o->name_zh, 200))
        return input_fail(in, "name_zh", T(r, "is required, at most 200 bytes, no control characters"));
    if (o->name_en && !valid_text(o->name_en, 200))
        return input_fail(in, "name_en", T(r, "must be at most 200 bytes, no control characters"));
    if (!in_list(kinds, o->kind))
        return input_fail(in, "kind", T(r, "must be region, prefecture, county, school or partner"));
    int partner = strcmp(o->kind, "partner") == 0, school = strcmp(o->kind, "school") == 0;
    if (partner && !in_list(partner_kinds, o->partner_kind))
        return input_fail(in, "partner_kind",
                          T(r, "must be government, enterprise, community or social"));
    if (!partner && o->partner_kind)
        return input_fail(in, "partner_kind", T(r, "applies only to partner organisations"));
    if (o->stage && !in_list(stages, o->stage))
        return input_fail(in, "stage", T(r, "must be primary, junior, senior, vocational, "
                                            "university, nine_year or complete"));
    if (!school && o->stage) return input_fail(in, "stage", T(r, "applies only to schools"));
    if (!school && (o->is_helper || o->is_recipient))
        return input_fail(in, o->is_helper ? "is_helper" : "is_recipient",
                          T(r, "applies only to schools"));
    if (o->address && !valid_text(o->address, 300))
        return input_fail(in, "address", T(r, "must be at most 300 bytes, no control characters"));
    return 1;
}

/* Whether a child of kind `kind` may hang under a parent of kind `pk`. */
static int kind_fits(const char *kind, const char *pk)
{
    if (strcmp(kind, "partner") == 0) return strcmp(pk, "partner") != 0;
    return (strcmp(kind, "prefecture") == 0 && strcmp(pk, "region") == 0) ||
           (strcmp(kind, "county") == 0 && strcmp(pk, "prefecture") == 0) ||
           (strcmp(kind, "school") == 0 && strcmp(pk, "county") == 0);
}

typedef enum { SAVE_OK, SAVE_INVALID, SAVE_NOT_FOUND, SAVE_FORBIDDEN, SAVE_CONFLICT, SAVE_ERROR } SaveResult;

/* Creates the organisation described by in. */
static SaveResult create_org(Req *r, OrgInput *in, Org *created)
{
    Org parent;
    if (!in->parent || !valid_code(in->parent)) {
        input_fail(in, "parent", T(r, "is required: the code of the parent organisation"));
        return SAVE_INVALID;
    }
    int f = org_load(r->db, r->arena, in->parent, &parent);
    if (f < 0) return SAVE_ERROR;
    if (!f || !can(r, CAP_ORG_READ, parent.path)) return SAVE_NOT_FOUND;
    if (!can(r, CAP_ORG_WRITE, parent.path)) return SAVE_FORBIDDEN;
    if (!in->o.kind) in->o.kind = "";
    if (!check_org(r, in, &in->o)) return SAVE_INVALID;
    if (!kind_fits(in->o.kind, parent.kind)) {
        input_fail(in, "kind",
                   T(r, "does not fit under the parent: prefecture under region, county under "
                        "prefecture, school under county, partner under any but a partner"));
        return SAVE_INVALID;
    }
    if (db_begin(r->db) != DB_OK) return SAVE_ERROR;
    int rc = DB_OK;
    if (!org_insert(r->db, r->auth.login, &in->o, &parent, &rc) || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return rc == DB_CONSTRAINT ? SAVE_CONFLICT : SAVE_ERROR;
    }
    if (org_load(r->db, r->arena, in->o.code, created) != 1) return SAVE_ERROR;
    return SAVE_OK;
}

/* Applies the fields given in `in` to the organisation `code`. */
static SaveResult update_org(Req *r, const char *code, OrgInput *in, Org *updated)
{
    Org old;
    int f = valid_code(code) ? org_load(r->db, r->arena, code, &old) : 0;
    if (f < 0) return SAVE_ERROR;
    if (!f || !can(r, CAP_ORG_READ, old.path)) return SAVE_NOT_FOUND;
    if (!can(r, CAP_ORG_WRITE, old.path)) return SAVE_FORBIDDEN;
    Org o = old;
    if (in->has_name_zh) o.name_zh = in->o.name_zh;
    if (in->has_name_en) o.name_en = in->o.name_en;
    if (in->has_partner_kind) o.partner_kind = in->o.partner_kind;
    if (in->has_stage) o.stage = in->o.stage;
    if (in->has_address) o.address = in->o.address;
    if (in->has_helper) o.is_helper = in->o.is_helper;
    if (in->has_recipient) o.is_recipient = in->o.is_recipient;
    if (in->has_active) o.active = in->o.active;
    if (!check_org(r, in, &o)) return SAVE_INVALID;
    if (db_begin(r->db) != DB_OK) return SAVE_ERROR;
    int rc = db_run(r->db,
                    "UPDATE orgs SET name_zh = ?, name_en = ?, partner_kind = ?, stage = ?,"
                    " address = ?, is_helper = ?, is_recipient = ?, active = ?, updated_at = ?"
                    " WHERE id = ?",
                    "sssssiiiii", o.name_zh, o.name_en ? o.name_en : "", o.partner_kind, o.stage,
                    o.address ? o.address : "", (int64_t)o.is_helper, (int64_t)o.is_recipient,
                    (int64_t)o.active, now_s(), o.id);
    json_t *before = org_audit_json(&old), *after = org_audit_json(&o);
    if (rc == DB_OK)
        rc = audit_log(r->db, r->auth.login, "org.update", "org", o.code, o.path, before, after);
    json_decref(before);
    json_decref(after);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return rc == DB_CONSTRAINT ? SAVE_CONFLICT : SAVE_ERROR;
    }
    *updated = o;
    return SAVE_OK;
}

/* Sends the API answer for a failed save. */
static void send_save_error(Req *r, SaveResult sr, OrgInput *in)
{
    switch (sr) {
    case SAVE_INVALID:
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", in->bad_field, in->why));
        break;
    case SAVE_NOT_FOUND: req_not_found(r); break;
    case SAVE_FORBIDDEN:
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        break;
    case SAVE_CONFLICT:
        req_error(r, 409, "conflict", T(r, "An organisation with this code already exists."));
        break;
    default: req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    }
}

/* ---- API ----------------------------------------------------------------- */

/* The LIKE pattern matching s anywhere, with its wildcards escaped (by '!'). */
static const char *like_pattern(Arena *a, const char *s)
{
    char *out = arena_alloc(a, strlen(s) * 2 + 3), *o = out;
    *o++ = '%';
    for (const char *p = s; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '!') *o++ = '!';
        *o++ = *p;
    }
    *o++ = '%';
    *o = 0;
    return out;
}

/* Two shapes of the list query, so that each can use its index: the children of
 * one parent (orgs_parent), or a search over the whole reach (ordered by code). */
#define LIST_FILTERS                                                                              \
    " AND (CAST(? AS TEXT) IS NULL OR o.kind = ?)"                                              \
    " AND (CAST(? AS TEXT) IS NULL OR o.name_zh LIKE ? ESCAPE '!'"                              \
    "  OR lower(o.name_en) LIKE lower(?) ESCAPE '!' OR o.code LIKE ? ESCAPE '!')"               \
    " AND o.code > ? ORDER BY o.code LIMIT ?"
#define LIST_SQL_CHILDREN                                                                         \
    "SELECT " ORG_COLS " FROM orgs o JOIN orgs p ON p.id = o.parent_id"                         \
    " WHERE o.parent_id = (SELECT id FROM orgs WHERE code = ?) AND " REACH_SQL("o.path")        \
    LIST_FILTERS
#define LIST_SQL_ANY                                                                              \
    "SELECT " ORG_COLS " FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id WHERE "             \
    REACH_SQL("o.path") LIST_FILTERS

/* Runs the scoped list query. Arguments are validated by the caller. */
static DbStmt *list_query(Req *r, const char *parent, const char *kind, const char *q,
                          const char *after, int64_t limit)
{
    const char *like = q ? like_pattern(r->arena, q) : NULL;
    if (parent)
        return db_q(r->db, LIST_SQL_CHILDREN, "sissssssssi", parent, REACH_ARGS(r, CAP_ORG_READ),
                    kind, kind, like, like, like, like, after ? after : "", limit);
    return db_q(r->db, LIST_SQL_ANY, "issssssssi", REACH_ARGS(r, CAP_ORG_READ), kind, kind, like,
                like, like, like, after ? after : "", limit);
}

void org_api_list(Req *r)
{
    const char *parent = req_query(r, "parent"), *kind = req_query(r, "kind"),
               *q = req_query(r, "q"), *cursor = req_query(r, "cursor"),
               *lim = req_query(r, "limit");
    int64_t limit = 50;
    if (lim && !parse_int(lim, 1, 500, &limit)) {
        req_error(r, 400, "bad_param", T(r, "limit must be a whole number from 1 to 500."));
        return;
    }
    if (parent && !*parent) parent = NULL;
    if (kind && !*kind) kind = NULL;
    if (q && !*q) q = NULL;
    if (cursor && !*cursor) cursor = NULL;
    if (kind && !in_list(kinds, kind)) {
        req_error(r, 400, "bad_param",
                  T(r, "kind must be region, prefecture, county, school or partner."));
        return;
    }
    if ((q && !valid_text(q, 100)) || (cursor && !valid_code(cursor))) {
        req_error(r, 400, "bad_param", T(r, "q or cursor is not valid."));
        return;
    }
    if (parent) {
        Org p;
        if (load_visible(r, parent, &p) != 1) return;
    }
    DbStmt *s = list_query(r, parent, kind, q, cursor, limit + 1);
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    json_t *items = json_array();
    int n = 0;
    const char *last = NULL;
    int more = 0;
    while (db_step(s) == DB_ROW) {
        if (n == limit) {
            more = 1;
            break;
        }
        Org o;
        org_row(s, r->arena, &o);
        json_array_append_new(items, org_json(&o));
        last = o.code;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor", more && last ? json_string(last) : json_null());
    req_send_json(r, 200, out);
}

void org_api_get(Req *r)
{
    Org o;
    if (load_visible(r, req_param(r, "code"), &o) != 1) return;
    req_send_json(r, 200, org_json(&o));
}

static const char *const create_fields[] = {"code",         "name_zh",    "name_en",   "kind",
                                            "parent",       "partner_kind", "is_helper",
                                            "is_recipient", "stage",      "address",   NULL};
static const char *const patch_fields[] = {"name_zh",      "name_en", "is_helper", "is_recipient",
                                           "stage",        "address", "active",    "partner_kind",
                                           NULL};

void org_api_create(Req *r)
{
    json_t *j = req_json_object(r, create_fields);
    if (!j) return;
    OrgInput in = {0};
    Org created;
    int ok = input_from_json(r, j, &in);
    json_decref(j);
    SaveResult sr = ok ? create_org(r, &in, &created) : SAVE_INVALID;
    if (sr != SAVE_OK) {
        send_save_error(r, sr, &in);
        return;
    }
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/orgs/%s", created.code));
    req_send_json(r, 201, org_json(&created));
}

void org_api_patch(Req *r)
{
    json_t *j = req_json_object(r, patch_fields);
    if (!j) return;
    OrgInput in = {0};
    Org updated;
    int ok = input_from_json(r, j, &in);
    json_decref(j);
    SaveResult sr = ok ? update_org(r, req_param(r, "code"), &in, &updated) : SAVE_INVALID;
    if (sr != SAVE_OK) {
        send_save_error(r, sr, &in);
        return;
    }
    Org fresh;
    if (org_load(r->db, r->arena, updated.code, &fresh) == 1) updated = fresh;
    req_send_json(r, 200, org_json(&updated));
}

/* ---- pages --------------------------------------------------------------- */

/* A table of organisations from a running list statement; returns the count. */
static int org_table(Req *r, DbStmt *s, int limit, const char **last, int *more)
{
    int n = 0;
    *more = 0;
    hf(r,
       "<div class=scroll><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
       "</tr></thead><tbody>",
       T(r, "Name"), T(r, "Code"), T(r, "Kind"), T(r, "Role in the programme"));
    while (s && db_step(s) == DB_ROW) {
        if (n == limit) {
            *more = 1;
            break;
        }
        Org o;
        org_row(s, r->arena, &o);
        hf(r, "<tr%s><td><a href=\"/orgs/%s\">%s</a>", o.active ? "" : " class=inactive", o.code,
           org_name(r, &o));
        if (o.children) hf(r, " <span class=count>(%lld)</span>", (long long)o.children);
        hf(r, "</td><td>%s</td><td>%s</td><td>", o.code,
           T(r, label_of(o.partner_kind ? o.partner_kind : o.kind)));
        if (o.is_helper) hf(r, "<span class=\"tag helper\">%s</span> ", T(r, "Helping school"));
        if (o.is_recipient)
            hf(r, "<span class=\"tag recipient\">%s</span> ", T(r, "Recipient school"));
        if (o.stage) hf(r, "%s", T(r, label_of(o.stage)));
        H(r, "</td></tr>");
        *last = o.code;
        n++;
    }
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "Nothing found."));
    return n;
}

static void search_form(Req *r, const char *q)
{
    hf(r,
       "<form method=get action=\"/orgs\" class=search role=search><input type=search name=q "
       "value=\"%s\" placeholder=\"%s\" aria-label=\"%s\"><button>%s</button></form>",
       q ? q : "", T(r, "Name or code"), T(r, "Search"), T(r, "Search"));
}

void org_page_index(Req *r)
{
    const char *q = req_query(r, "q"), *cursor = req_query(r, "cursor");
    if (q && !*q) q = NULL;
    if ((q && !valid_text(q, 100)) || (cursor && *cursor && !valid_code(cursor))) {
        req_error(r, 400, "bad_param", T(r, "q or cursor is not valid."));
        return;
    }
    page_begin(r, T(r, "Organisations"));
    hf(r, "<h1>%s</h1>", T(r, "Organisations"));
    search_form(r, q);
    int more = 0;
    const char *last = NULL;
    if (q) {
        hf(r, "<h2>%s</h2>", T(r, "Search results"));
        DbStmt *s = list_query(r, NULL, NULL, q, cursor, 101);
        org_table(r, s, 100, &last, &more);
        db_done(s);
        if (more && last)
            hf(r, "<p><a href=\"/orgs?q=%s&amp;cursor=%s\">%s</a></p>", url_encode(r->arena, q),
               last, T(r, "More"));
    } else {
        /* the top of the caller's reach: each organisation where they hold a role */
        for (int i = 0; i < r->auth.ngrants; i++) {
            const Grant *g = &r->auth.grants[i];
            if (!(role_caps(g->role) & CAPBIT(CAP_ORG_READ))) continue;
            int dup = 0;
            for (int k = 0; k < i; k++) dup |= strcmp(r->auth.grants[k].org_code, g->org_code) == 0;
            if (dup) continue;
            hf(r, "<h2><a href=\"/orgs/%s\">%s</a></h2>", g->org_code, g->org_name);
            DbStmt *s = list_query(r, g->org_code, NULL, NULL, NULL, 201);
            org_table(r, s, 200, &last, &more);
            db_done(s);
            if (more) hf(r, "<p><a href=\"/orgs/%s\">%s</a></p>", g->org_code, T(r, "More"));
        }
    }
    page_end(r);
}

/* Breadcrumbs from the top of the caller's reach down to o. */
static void breadcrumbs(Req *r, const Org *o)
{
    H(r, "<nav class=crumbs aria-label=breadcrumbs>");
    json_t *codes = path_json(o->path);
    size_t i;
    json_t *c;
    json_array_foreach(codes, i, c)
    {
        const char *code = json_string_value(c);
        if (strcmp(code, o->code) == 0) break;
        Org a;
        if (org_load(r->db, r->arena, code, &a) == 1 && can(r, CAP_ORG_READ, a.path))
            hf(r, "<a href=\"/orgs/%s\">%s</a> › ", a.code, org_name(r, &a));
    }
    json_decref(codes);
    hf(r, "<span>%s</span></nav>", org_name(r, o));
}

/* A field's error message beside it, when it is the bad one. */
static void field_error(Req *r, const OrgInput *in, const char *field)
{
    if (in && in->bad_field && strcmp(in->bad_field, field) == 0)
        hf(r, "<span class=field-error>%s</span>", in->why);
}

static void select_options(Req *r, const char *const *values, const char *current, int blank)
{
    if (blank) hf(r, "<option value=\"\">%s</option>", "—");
    for (const char *const *v = values; *v; v++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *v,
           current && strcmp(current, *v) == 0 ? " selected" : "", T(r, label_of(*v)));
}

/* The form for a new organisation (parent given) or an existing one (o given). */
static void org_form(Req *r, const Org *o, const Org *parent, const OrgInput *in)
{
    const Org *v = in ? &in->o : o;
    int creating = o == NULL;
    if (creating)
        hf(r, "<form method=post action=\"/orgs\" class=card><h2>%s</h2>",
           T(r, "New organisation"));
    else
        hf(r, "<form method=post action=\"/orgs/%s\" class=card><h2>%s</h2>", o->code,
           T(r, "Edit"));
    form_csrf(r);
    if (creating) {
        hf(r, "<input type=hidden name=parent value=\"%s\">", parent->code);
        hf(r, "<label>%s<input name=code required maxlength=32 value=\"%s\">", T(r, "Code"),
           v && v->code ? v->code : "");
        field_error(r, in, "code");
        hf(r, "</label><label>%s<select name=kind>", T(r, "Kind"));
        static const char *const child_kinds[] = {"prefecture", "county", "school", "partner",
                                                  NULL};
        select_options(r, child_kinds, v ? v->kind : NULL, 0);
        H(r, "</select>");
        field_error(r, in, "kind");
        H(r, "</label>");
    }
    hf(r, "<label>%s<input name=name_zh required maxlength=200 value=\"%s\">", T(r, "Chinese name"),
       v && v->name_zh ? v->name_zh : "");
    field_error(r, in, "name_zh");
    hf(r, "</label><label>%s<input name=name_en maxlength=200 value=\"%s\">", T(r, "English name"),
       v && v->name_en ? v->name_en : "");
    field_error(r, in, "name_en");
    int school = creating || strcmp(o->kind, "school") == 0;
    int partner = creating || strcmp(o->kind, "partner") == 0;
    H(r, "</label>");
    if (partner) {
        hf(r, "<label>%s<select name=partner_kind>", T(r, "Partner kind"));
        select_options(r, partner_kinds, v ? v->partner_kind : NULL, 1);
        H(r, "</select>");
        field_error(r, in, "partner_kind");
        H(r, "</label>");
    }
    if (school) {
        hf(r, "<label>%s<select name=stage>", T(r, "Stage"));
        select_options(r, stages, v ? v->stage : NULL, 1);
        H(r, "</select>");
        field_error(r, in, "stage");
        hf(r,
           "</label><label class=check><input type=checkbox name=is_helper%s> %s</label>"
           "<label class=check><input type=checkbox name=is_recipient%s> %s</label>",
           v && v->is_helper ? " checked" : "", T(r, "Helping school"),
           v && v->is_recipient ? " checked" : "", T(r, "Recipient school"));
        field_error(r, in, "is_helper");
        field_error(r, in, "is_recipient");
    }
    hf(r, "<label>%s<input name=address maxlength=300 value=\"%s\">", T(r, "Address"),
       v && v->address ? v->address : "");
    field_error(r, in, "address");
    H(r, "</label>");
    if (!creating)
        hf(r, "<label class=check><input type=checkbox name=active%s> %s</label>",
           v->active ? " checked" : "", T(r, "Active"));
    hf(r, "<button>%s</button></form>", T(r, "Save"));
}

/* The organisation page; in/notice are set after a form submission. */
static void show(Req *r, const Org *o, const OrgInput *in, const char *notice, int status)
{
    page_begin(r, org_name(r, o));
    r->status = status;
    breadcrumbs(r, o);
    hf(r, "<h1>%s</h1>", org_name(r, o));
    if (notice) page_notice(r, "ok", notice);
    if (in && in->bad_field)
        page_notice(r, "error", arena_printf(r->arena, "%s: %s", T(r, "Not saved"), in->why));
    hf(r, "<dl class=facts><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>", T(r, "Code"), o->code,
       T(r, "Kind"), T(r, label_of(o->partner_kind ? o->partner_kind : o->kind)));
    if (o->name_en && *o->name_en && strcmp(r->lang, "zh") == 0)
        hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "English name"), o->name_en);
    if (strcmp(o->kind, "school") == 0) {
        hf(r, "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>", T(r, "Stage"),
           o->stage ? T(r, label_of(o->stage)) : "—", T(r, "Role in the programme"));
        if (o->is_helper) hf(r, "<span class=\"tag helper\">%s</span> ", T(r, "Helping school"));
        if (o->is_recipient)
            hf(r, "<span class=\"tag recipient\">%s</span>", T(r, "Recipient school"));
        if (!o->is_helper && !o->is_recipient) H(r, "—");
        H(r, "</dd>");
    }
    if (o->address && *o->address) hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Address"), o->address);
    if (!o->active) hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Status"), T(r, "Inactive"));
    H(r, "</dl>");
    H(r, "<p class=links>");
    if (can(r, CAP_DATA_READ, o->path)) {
        if (!strcmp(o->kind, "school"))
            hf(r, "<a href=\"/orgs/%s/portrait\">%s</a> · ", o->code, T(r, "School portrait"));
        else if (strcmp(o->kind, "partner"))
            hf(r, "<a href=\"/dashboard/%s\">%s</a> · ", o->code, T(r, "Dashboard"));
    }
    if (can(r, CAP_DATA_WRITE, o->path) && strcmp(o->kind, "partner"))
        hf(r, "<a href=\"/orgs/%s/data\">%s</a> · ", o->code, T(r, "Enter data"));
    if (can(r, CAP_USER_READ, o->path))
        hf(r, "<a href=\"/users?org=%s\">%s</a>", o->code, T(r, "People here"));
    H(r, "</p>");
    if (o->children) {
        hf(r, "<h2>%s</h2>", T(r, "Under this organisation"));
        const char *cursor = req_query(r, "cursor"), *last = NULL;
        if (cursor && !valid_code(cursor)) cursor = NULL;
        int more = 0;
        DbStmt *s = list_query(r, o->code, NULL, NULL, cursor, 201);
        org_table(r, s, 200, &last, &more);
        db_done(s);
        if (more && last)
            hf(r, "<p><a href=\"/orgs/%s?cursor=%s\">%s</a></p>", o->code, last, T(r, "More"));
    }
    if (can(r, CAP_ORG_WRITE, o->path)) {
        if (strcmp(o->kind, "school") != 0 && strcmp(o->kind, "partner") != 0)
            hf(r, "<p><a class=button href=\"/orgs/new?parent=%s\">%s</a></p>", o->code,
               T(r, "Add an organisation under this one"));
        org_form(r, o, NULL, in);
    }
    page_end(r);
}

void org_page_show(Req *r)
{
    Org o;
    if (load_visible(r, req_param(r, "code"), &o) != 1) return;
    show(r, &o, NULL, NULL, 200);
}

void org_page_new(Req *r)
{
    Org parent;
    if (load_visible(r, req_query(r, "parent"), &parent) != 1) return;
    if (!can(r, CAP_ORG_WRITE, parent.path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    page_begin(r, T(r, "New organisation"));
    breadcrumbs(r, &parent);
    org_form(r, NULL, &parent, NULL);
    page_end(r);
}

void org_page_create(Req *r)
{
    OrgInput in = {0};
    input_from_form(r, &in, 1);
    Org created;
    SaveResult sr = create_org(r, &in, &created);
    if (sr == SAVE_OK) {
        req_redirect(r, arena_printf(r->arena, "/orgs/%s", created.code));
        return;
    }
    Org parent;
    if (sr == SAVE_NOT_FOUND || sr == SAVE_FORBIDDEN || sr == SAVE_ERROR ||
        org_load(r->db, r->arena, in.parent, &parent) != 1) {
        send_save_error(r, sr, &in);
        return;
    }
    if (sr == SAVE_CONFLICT)
        input_fail(&in, "code", T(r, "An organisation with this code already exists."));
    page_begin(r, T(r, "New organisation"));
    r->status = 422;
    breadcrumbs(r, &parent);
    page_notice(r, "error", arena_printf(r->arena, "%s: %s", T(r, "Not saved"), in.why));
    org_form(r, NULL, &parent, &in);
    page_end(r);
}

void org_page_update(Req *r)
{
    OrgInput in = {0};
    input_from_form(r, &in, 0);
    Org updated;
    SaveResult sr = update_org(r, req_param(r, "code"), &in, &updated);
    if (sr == SAVE_OK) {
        Org fresh;
        if (org_load(r->db, r->arena, updated.code, &fresh) == 1) updated = fresh;
        show(r, &updated, NULL, T(r, "Saved."), 200);
        return;
    }
    Org o;
    if (sr != SAVE_INVALID || org_load(r->db, r->arena, req_param(r, "code"), &o) != 1) {
        send_save_error(r, sr, &in);
        return;
    }
    in.o.code = o.code;
    in.o.kind = o.kind;
    show(r, &o, &in, NULL, 422);
}
