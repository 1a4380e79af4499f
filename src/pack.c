/* pack.c — see pack.h. Creating a pack consumes its items' capacity through
 * resource_consume() in the same transaction as the pack, its items and its
 * audit record: either all of it happens or none. */
#include "pack.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "resource_int.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

typedef struct Pack {
    int64_t id, school_id, year, delivered_at, received_at, created_at, updated_at;
    const char *school_code, *school_name, *school_path, *name, *status, *note, *delivered_by,
        *received_by, *created_by;
} Pack;

#define PACK_COLS                                                                                 \
    "k.id, k.school_id, s.code, s.name_zh, s.path, k.year, k.name, k.status, k.note,"            \
    " k.delivered_at, k.delivered_by, k.received_at, k.received_by, k.created_by, k.created_at," \
    " k.updated_at"
/* A pack is visible through its school or through a provider of one of its items
 * (data.read either way). Binds REACH_ARGS twice. */
#define PACK_VISIBLE                                                                              \
    "(" REACH_SQL("s.path") " OR EXISTS (SELECT 1 FROM pack_items pi JOIN resources x"            \
    " ON x.id = pi.resource_id JOIN orgs po ON po.id = x.provider_id WHERE pi.pack_id = k.id"   \
    " AND " REACH_SQL("po.path") "))"

enum { PACK_TRIES = 5, PACK_MAX_ITEMS = 100 };

static const char *busy(Req *r) { return T(r, "The service is busy. Please try again."); }

static void pack_row(DbStmt *s, Arena *a, Pack *k)
{
    memset(k, 0, sizeof *k);
    k->id = db_col_int(s, 0);
    k->school_id = db_col_int(s, 1);
    k->school_code = arena_strdup(a, db_col_text(s, 2));
    k->school_name = arena_strdup(a, db_col_text(s, 3));
    k->school_path = arena_strdup(a, db_col_text(s, 4));
    k->year = db_col_int(s, 5);
    k->name = arena_strdup(a, db_col_text(s, 6));
    k->status = arena_strdup(a, db_col_text(s, 7));
    k->note = arena_strdup(a, db_col_text(s, 8));
    k->delivered_at = db_col_int(s, 9);
    k->delivered_by = arena_strdup(a, db_col_text(s, 10));
    k->received_at = db_col_int(s, 11);
    k->received_by = arena_strdup(a, db_col_text(s, 12));
    k->created_by = arena_strdup(a, db_col_text(s, 13));
    k->created_at = db_col_int(s, 14);
    k->updated_at = db_col_int(s, 15);
}

/* Loads pack id; 1 found, 0 not, -1 on error. */
static int pack_load(Db *db, Arena *a, int64_t id, Pack *k)
{
    DbStmt *s = db_q(db,
                     "SELECT " PACK_COLS " FROM packs k JOIN orgs s ON s.id = k.school_id"
                     " WHERE k.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) pack_row(s, a, k), f = 1;
    else if (rc != DB_DONE) f = -1;
    db_done(s);
    return f;
}

/* The providers' paths of a pack's items (arena array, NULL-terminated). */
static const char **provider_paths(Req *r, int64_t pack_id)
{
    DbStmt *s = db_q(r->db,
                     "SELECT DISTINCT p.path FROM pack_items pi JOIN resources x ON"
                     " x.id = pi.resource_id JOIN orgs p ON p.id = x.provider_id"
                     " WHERE pi.pack_id = ?",
                     "i", pack_id);
    int n = 0, cap = 8;
    const char **out = arena_alloc(r->arena, (size_t)(cap + 1) * sizeof *out);
    while (s && db_step(s) == DB_ROW) {
        if (n == cap) {
            const char **bigger = arena_alloc(r->arena, (size_t)(cap * 2 + 1) * sizeof *out);
            memcpy(bigger, out, (size_t)n * sizeof *out);
            out = bigger, cap *= 2;
        }
        out[n++] = arena_strdup(r->arena, db_col_text(s, 0));
    }
    db_done(s);
    out[n] = NULL;
    return out;
}

/* Whether the caller holds c reaching any of the paths. */
static int can_any(Req *r, Cap c, const char **paths)
{
    for (; paths && *paths; paths++)
        if (can(r, c, *paths)) return 1;
    return 0;
}

/* Whether the caller holds c reaching path through a role held above the
 * schools (an official's): a recipient school's own leader holds resource.write
 * for what the school itself offers, not to hand itself others' resources. */
static int official_can(Req *r, Cap c, const char *path)
{
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (!(role_caps(g->role) & CAPBIT(c))) continue;
        if (!strcmp(g->org_kind, "school") || !strcmp(g->org_kind, "partner")) continue;
        if (!strncmp(path, g->org_path, strlen(g->org_path))) return 1;
    }
    return 0;
}

static int visible(Req *r, const Pack *k)
{
    return can(r, CAP_DATA_READ, k->school_path) ||
           can_any(r, CAP_DATA_READ, provider_paths(r, k->id));
}

static json_t *nullable_str(const char *s) { return s ? json_string(s) : json_null(); }
static json_t *nullable_time(int64_t t) { return t ? json_integer(t) : json_null(); }

/* The API view of a pack with its items (new reference, NULL on error). */
static json_t *pack_json(Db *db, const Pack *k)
{
    json_t *items = json_array();
    DbStmt *s = db_q(db,
                     "SELECT pi.id, pi.resource_id, x.title, x.kind, x.unit, p.code, p.name_zh,"
                     " pi.need_id, pi.quantity FROM pack_items pi JOIN resources x ON"
                     " x.id = pi.resource_id JOIN orgs p ON p.id = x.provider_id"
                     " WHERE pi.pack_id = ? ORDER BY pi.id",
                     "i", k->id);
    int rc = s ? DB_OK : DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        json_t *it = json_pack("{s:I,s:{s:I,s:s,s:s,s:s,s:{s:s,s:s}},s:f}", "id",
                               (json_int_t)db_col_int(s, 0), "resource", "id",
                               (json_int_t)db_col_int(s, 1), "title", db_col_text(s, 2), "kind",
                               db_col_text(s, 3), "unit", db_col_text(s, 4), "provider", "code",
                               db_col_text(s, 5), "name_zh", db_col_text(s, 6), "quantity",
                               db_col_double(s, 8));
        json_object_set_new(it, "need",
                            db_col_is_null(s, 7) ? json_null() : json_integer(db_col_int(s, 7)));
        json_array_append_new(items, it);
    }
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(items);
        return NULL;
    }
    json_t *j = json_pack("{s:I,s:{s:s,s:s},s:I,s:s,s:s,s:s,s:o,s:s,s:I,s:I}", "id",
                          (json_int_t)k->id, "school", "code", k->school_code, "name_zh",
                          k->school_name, "year", (json_int_t)k->year, "name", k->name, "status",
                          k->status, "note", k->note, "items", items, "created_by", k->created_by,
                          "created_at", (json_int_t)k->created_at, "updated_at",
                          (json_int_t)k->updated_at);
    json_object_set_new(j, "delivered_at", nullable_time(k->delivered_at));
    json_object_set_new(j, "delivered_by", nullable_str(k->delivered_by));
    json_object_set_new(j, "received_at", nullable_time(k->received_at));
    json_object_set_new(j, "received_by", nullable_str(k->received_by));
    return j;
}

/* The audit view (no timestamps of its own row). */
static json_t *audit_view(Db *db, Arena *a, int64_t id)
{
    Pack k;
    if (pack_load(db, a, id, &k) != 1) return NULL;
    json_t *j = pack_json(db, &k);
    if (j) json_object_del(j, "updated_at");
    return j;
}

/* ---- create -------------------------------------------------------------- */

typedef struct Item {
    int64_t resource, need;
    double qty;
    Resource x;
} Item;

typedef struct Out {
    int status;
    const char *code, *message;
    int64_t id;
} Out;

static void out_fail(Out *o, int status, const char *code, const char *msg)
{
    if (o->status) return;
    o->status = status, o->code = code, o->message = msg;
}

static void invalid(Req *r, Out *o, const char *field, const char *why)
{
    out_fail(o, 422, "invalid", arena_printf(r->arena, "%s %s", field, why));
}

static int cmp_item(const void *a, const void *b)
{
    const Item *x = *(Item *const *)a, *y = *(Item *const *)b;
    return x->resource < y->resource ? -1 : x->resource > y->resource;
}

/* Reads items[] from j into an arena array; 0 with o filled on a bad shape. */
static Item *read_items(Req *r, json_t *ji, int *n, Out *o)
{
    if (!json_is_array(ji) || json_array_size(ji) < 1 || json_array_size(ji) > PACK_MAX_ITEMS) {
        invalid(r, o, "items", T(r, "must be a list of 1 to 100 items"));
        return NULL;
    }
    int cnt = (int)json_array_size(ji);
    Item *items = arena_alloc(r->arena, (size_t)cnt * sizeof *items);
    for (int i = 0; i < cnt; i++) {
        json_t *it = json_array_get(ji, (size_t)i);
        const char *pfx = arena_printf(r->arena, "items[%d]", i);
        if (!json_is_object(it)) {
            invalid(r, o, pfx, T(r, "must be an object {resource, need, quantity}"));
            return NULL;
        }
        const char *key;
        json_t *v;
        json_object_foreach(it, key, v)
        {
            if (strcmp(key, "resource") && strcmp(key, "need") && strcmp(key, "quantity")) {
                invalid(r, o, arena_printf(r->arena, "%s.%s", pfx, key), T(r, "is not a field of an item"));
                return NULL;
            }
        }
        json_t *jr = json_object_get(it, "resource"), *jn = json_object_get(it, "need"),
               *jq = json_object_get(it, "quantity");
        if (!json_is_integer(jr) || json_integer_value(jr) < 1) {
            invalid(r, o, arena_printf(r->arena, "%s.resource", pfx), T(r, "must be a resource id"));
            return NULL;
        }
        if (jn && !json_is_null(jn) && (!json_is_integer(jn) || json_integer_value(jn) < 1)) {
            invalid(r, o, arena_printf(r->arena, "%s.need", pfx), T(r, "must be a need id or null"));
            return NULL;
        }
        if (!json_is_number(jq) || !(json_number_value(jq) > 0) || json_number_value(jq) > 1e12) {
            invalid(r, o, arena_printf(r->arena, "%s.quantity", pfx),
                    T(r, "must be a number more than 0"));
            return NULL;
        }
        items[i].resource = json_integer_value(jr);
        items[i].need = jn && json_is_integer(jn) ? json_integer_value(jn) : 0;
        items[i].qty = json_number_value(jq);
    }
    *n = cnt;
    return items;
}

/* The create transaction; 1 done (o->id), 0 refused (o filled), -1 DB_BUSY. */
static int create_tx(Req *r, int64_t school_id, int64_t year, const char *name, const char *note,
                     Item *items, int n, const char *school_path, Out *o)
{
    if (db_begin(r->db) != DB_OK) return -1;
    int64_t now = now_s(), id = 0;
    DbStmt *s = db_q(r->db,
                     "INSERT INTO packs(school_id, year, name, status, note, created_by,"
                     " created_at, updated_at) VALUES (?,?,?,'draft',?,?,?,?) RETURNING id",
                     "iisssii", school_id, year, name, note, r->auth.login, now, now);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0), rc = DB_OK;
    db_done(s);
    /* consume in resource order, so that two packs never wait on each other */
    Item **order = arena_alloc(r->arena, (size_t)n * sizeof *order);
    for (int i = 0; i < n; i++) order[i] = &items[i];
    qsort(order, (size_t)n, sizeof *order, cmp_item);
    for (int i = 0; i < n && rc == DB_OK; i++) {
        int c = resource_consume(r->db, order[i]->resource, order[i]->qty);
        if (c == 0) {
            db_rollback(r->db);
            Resource now_x;
            double left = order[i]->x.remaining;
            if (resource_load(r->db, r->arena, order[i]->resource, &now_x) == 1) left = now_x.remaining;
            out_fail(o, 409, "capacity",
                     arena_printf(r->arena, "%s %lld «%s»: %g %s, %g %s", T(r, "Not enough left of resource"),
                                  (long long)order[i]->resource, order[i]->x.title, left,
                                  T(r, "remaining"), order[i]->qty, T(r, "wanted")));
            return 0;
        }
        if (c < 0) rc = DB_BUSY; /* the statement failed: usually a deadlock or lock timeout */
    }
    for (int i = 0; i < n && rc == DB_OK; i++) {
        if (items[i].need)
            rc = db_run(r->db,
                        "INSERT INTO pack_items(pack_id, resource_id, need_id, quantity)"
                        " VALUES (?,?,?,?)",
                        "iiid", id, items[i].resource, items[i].need, items[i].qty);
        else
            rc = db_run(r->db,
                        "INSERT INTO pack_items(pack_id, resource_id, need_id, quantity)"
                        " VALUES (?,?,NULL,?)",
                        "iid", id, items[i].resource, items[i].qty);
    }
    json_t *after = rc == DB_OK ? audit_view(r->db, r->arena, id) : NULL;
    if (rc == DB_OK && !after) rc = DB_ERROR;
    if (rc == DB_OK)
        rc = audit_log(r->db, r->auth.login, "pack.create", "pack",
                       arena_printf(r->arena, "%lld", (long long)id), school_path, NULL, after);
    json_decref(after);
    if (rc == DB_OK && db_commit(r->db) == DB_OK) {
        o->id = id;
        return 1;
    }
    db_rollback(r->db);
    return rc == DB_BUSY ? -1 : (out_fail(o, 503, "busy", busy(r)), 0);
}

static const char *const create_fields[] = {"school", "year", "name", "note", "items", NULL};

/* Validates and creates a pack from j. o->status 0 on success. */
static void create_pack(Req *r, json_t *j, Out *o)
{
    memset(o, 0, sizeof *o);
    json_t *js = json_object_get(j, "school");
    const char *code = json_string_value(js);
    if (!code || !valid_code(code)) {
        invalid(r, o, "school", T(r, "is required: the code of a recipient school"));
        return;
    }
    int64_t school_id = 0, is_recipient = 0;
    const char *spath = NULL, *skind = NULL;
    DbStmt *s = db_q(r->db, "SELECT id, path, kind, is_recipient FROM orgs WHERE code = ?", "s",
                     code);
    if (s && db_step(s) == DB_ROW) {
        school_id = db_col_int(s, 0);
        spath = arena_strdup(r->arena, db_col_text(s, 1));
        skind = arena_strdup(r->arena, db_col_text(s, 2));
        is_recipient = db_col_int(s, 3);
    }
    db_done(s);
    if (!s) {
        out_fail(o, 503, "busy", busy(r));
        return;
    }
    if (!school_id) {
        out_fail(o, 404, "not_found", NULL);
        return;
    }
    int n = 0;
    Item *items = read_items(r, json_object_get(j, "items"), &n, o);
    if (!items) return;
    int all_providers = 1;
    for (int i = 0; i < n; i++) {
        int f = resource_load(r->db, r->arena, items[i].resource, &items[i].x);
        if (f < 0) {
            out_fail(o, 503, "busy", busy(r));
            return;
        }
        if (!f) {
            invalid(r, o, arena_printf(r->arena, "items[%d].resource", i),
                    arena_printf(r->arena, "%s %lld", T(r, "names no resource:"),
                                 (long long)items[i].resource));
            return;
        }
        all_providers &= can(r, CAP_RESOURCE_WRITE, items[i].x.provider_path);
    }
    if (!official_can(r, CAP_RESOURCE_WRITE, spath) && !all_providers) {
        if (can(r, CAP_DATA_READ, spath))
            out_fail(o, 403, "forbidden", T(r, "You do not have permission to do this."));
        else out_fail(o, 404, "not_found", NULL);
        return;
    }
    if (strcmp(skind, "school") || !is_recipient) {
        invalid(r, o, "school", T(r, "must be a recipient school"));
        return;
    }
    json_t *jy = json_object_get(j, "year");
    if (!json_is_integer(jy) || json_integer_value(jy) < 2000 || json_integer_value(jy) > 2100) {
        invalid(r, o, "year", T(r, "must be a year from 2000 to 2100"));
        return;
    }
    int64_t year = json_integer_value(jy);
    const char *name = json_string_value(json_object_get(j, "name"));
    if (!name || !*name || !valid_text(name, 200)) {
        invalid(r, o, "name", T(r, "is required, at most 200 bytes, no control characters"));
        return;
    }
    json_t *jn = json_object_get(j, "note");
    const char *note = jn ? json_string_value(jn) : "";
    if (!note || !valid_text(note, 2000)) {
        invalid(r, o, "note", T(r, "must be a text of at most 2000 bytes"));
        return;
    }
    name = arena_strdup(r->arena, name);
    note = arena_strdup(r->arena, note);
    char y0[16], y1[16];
    snprintf(y0, sizeof y0, "%04d-01-01", (int)year);
    snprintf(y1, sizeof y1, "%04d-12-31", (int)year);
    for (int i = 0; i < n; i++) {
        const Resource *x = &items[i].x;
        const char *f = arena_printf(r->arena, "items[%d].resource", i);
        if (!x->active) {
            invalid(r, o, f, T(r, "is no longer offered (inactive)"));
            return;
        }
        int reach = resource_reaches(r->db, x->id, spath);
        if (reach < 0) {
            out_fail(o, 503, "busy", busy(r));
            return;
        }
        if (!reach) {
            invalid(r, o, f, T(r, "does not reach this school"));
            return;
        }
        if (strcmp(x->available_from, y1) > 0 || strcmp(x->available_to, y0) < 0) {
            invalid(r, o, f, T(r, "is not available in this year"));
            return;
        }
        if (items[i].need) {
            int64_t one = 0;
            int nf = db_int(r->db, &one, "SELECT 1 FROM needs WHERE id = ? AND school_id = ?", "ii",
                            items[i].need, school_id);
            if (nf < 0) {
                out_fail(o, 503, "busy", busy(r));
                return;
            }
            if (!nf) {
                invalid(r, o, arena_printf(r->arena, "items[%d].need", i),
                        T(r, "is not a need of this school"));
                return;
            }
        }
    }
    for (int attempt = 0; attempt < PACK_TRIES; attempt++) {
        int rc = create_tx(r, school_id, year, name, note, items, n, spath, o);
        if (rc >= 0) return;
    }
    out_fail(o, 503, "busy", busy(r));
}

void pack_create(Req *r, json_t *j, PackResult *res)
{
    Out o;
    create_pack(r, j, &o);
    res->status = o.status, res->code = o.code, res->message = o.message, res->id = o.id;
}

static void send_out_error(Req *r, const Out *o)
{
    if (o->status == 404) req_not_found(r);
    else req_error(r, o->status, o->code, o->message);
}

/* ---- deliver and receive ------------------------------------------------- */

/* Moves pack id from `from` to `to`, recording who and when. check says who may:
 * 'd' a provider of its items (resource.write), 'r' the school (need.write). */
static void advance(Req *r, int64_t id, char which, Out *o)
{
    memset(o, 0, sizeof *o);
    Pack k;
    int f = id ? pack_load(r->db, r->arena, id, &k) : 0;
    if (f < 0) {
        out_fail(o, 503, "busy", busy(r));
        return;
    }
    if (!f || !visible(r, &k)) {
        out_fail(o, 404, "not_found", NULL);
        return;
    }
    int allowed = which == 'd' ? can_any(r, CAP_RESOURCE_WRITE, provider_paths(r, id))
                               : can(r, CAP_NEED_WRITE, k.school_path);
    if (!allowed) {
        out_fail(o, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    const char *from = which == 'd' ? "draft" : "delivered";
    for (int attempt = 0; attempt < PACK_TRIES; attempt++) {
        if (db_begin(r->db) != DB_OK) break;
        json_t *before = audit_view(r->db, r->arena, id);
        int64_t now = now_s();
        DbStmt *s = db_q(r->db,
                         which == 'd'
                             ? "UPDATE packs SET status = 'delivered', delivered_at = ?,"
                               " delivered_by = ?, updated_at = ? WHERE id = ? AND status = ?"
                               " RETURNING id"
                             : "UPDATE packs SET status = 'received', received_at = ?,"
                               " received_by = ?, updated_at = ? WHERE id = ? AND status = ?"
                               " RETURNING id",
                         "isiis", now, r->auth.login, now, id, from);
        int rc = s ? db_step(s) : DB_ERROR;
        db_done(s);
        if (rc == DB_DONE) {
            db_rollback(r->db);
            json_decref(before);
            Pack cur;
            const char *st = pack_load(r->db, r->arena, id, &cur) == 1 ? cur.status : k.status;
            out_fail(o, 409, "conflict",
                     arena_printf(r->arena, "%s (%s: %s)",
                                  which == 'd' ? T(r, "Only a draft pack can be delivered")
                                               : T(r, "Only a delivered pack can be received"),
                                  T(r, "status"), st));
            return;
        }
        rc = rc == DB_ROW && before ? DB_OK : (rc == DB_ROW ? DB_ERROR : rc);
        json_t *after = rc == DB_OK ? audit_view(r->db, r->arena, id) : NULL;
        if (rc == DB_OK && !after) rc = DB_ERROR;
        if (rc == DB_OK)
            rc = audit_log(r->db, r->auth.login, which == 'd' ? "pack.deliver" : "pack.receive",
                           "pack", arena_printf(r->arena, "%lld", (long long)id), k.school_path,
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
    out_fail(o, 503, "busy", busy(r));
}

/* ---- API ----------------------------------------------------------------- */

/* The pack list's filter. */
typedef struct PackFilter {
    const char *school, *status;
    int64_t year, limit, after;
} PackFilter;

static int parse_filter(Req *r, PackFilter *f)
{
    memset(f, 0, sizeof *f);
    f->limit = 50;
    const char *v, *why = NULL;
    f->school = (v = req_query(r, "school")) && *v ? v : NULL;
    f->status = (v = req_query(r, "status")) && *v ? v : NULL;
    if (f->school && !valid_code(f->school)) why = "school";
    else if (f->status && strcmp(f->status, "draft") && strcmp(f->status, "delivered") &&
             strcmp(f->status, "received"))
        why = "status";
    else if ((v = req_query(r, "year")) && *v && !parse_int(v, 2000, 2100, &f->year)) why = "year";
    else if ((v = req_query(r, "limit")) && *v && !parse_int(v, 1, 500, &f->limit)) why = "limit";
    else if ((v = req_query(r, "cursor")) && *v && !parse_int(v, 0, INT64_MAX, &f->after))
        why = "cursor";
    if (why) {
        req_error(r, 400, "bad_param", arena_printf(r->arena, "%s: %s", why, T(r, "is not valid")));
        return 0;
    }
    return 1;
}

static DbStmt *list_query(Req *r, const PackFilter *f, int64_t limit)
{
    return db_q(r->db,
                "SELECT " PACK_COLS " FROM packs k JOIN orgs s ON s.id = k.school_id WHERE "
                PACK_VISIBLE
                " AND (CAST(? AS TEXT) IS NULL OR s.code = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR k.status = ?)"
                " AND (CAST(? AS BIGINT) = 0 OR k.year = ?)"
                " AND k.id > ? ORDER BY k.id LIMIT ?",
                "isisssssiiii", REACH_ARGS(r, CAP_DATA_READ), REACH_ARGS(r, CAP_DATA_READ),
                f->school, f->school, f->status, f->status, f->year, f->year, f->after, limit);
}

void pack_api_list(Req *r)
{
    PackFilter f;
    if (!parse_filter(r, &f)) return;
    DbStmt *s = list_query(r, &f, f.limit + 1);
    if (!s) {
        req_error(r, 503, "busy", busy(r));
        return;
    }
    Pack *rows = arena_alloc(r->arena, (size_t)(f.limit + 1) * sizeof *rows);
    int n = 0, more = 0;
    while (db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        pack_row(s, r->arena, &rows[n++]);
    }
    db_done(s);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        json_t *j = pack_json(r->db, &rows[i]);
        if (!j) {
            json_decref(list);
            req_error(r, 503, "busy", busy(r));
            return;
        }
        json_array_append_new(list, j);
    }
    json_t *out = json_pack("{s:o}", "items", list);
    json_object_set_new(out, "next_cursor",
                        more && n ? json_sprintf("%lld", (long long)rows[n - 1].id) : json_null());
    req_send_json(r, 200, out);
}

/* Sends the pack as JSON with this status. */
static void send_pack(Req *r, int64_t id, int status)
{
    Pack k;
    json_t *j = pack_load(r->db, r->arena, id, &k) == 1 ? pack_json(r->db, &k) : NULL;
    if (!j) {
        req_error(r, 503, "busy", busy(r));
        return;
    }
    if (status == 201)
        req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/packs/%lld", (long long)id));
    req_send_json(r, status, j);
}

void pack_api_create(Req *r)
{
    json_t *j = req_json_object(r, create_fields);
    if (!j) return;
    Out o;
    create_pack(r, j, &o);
    json_decref(j);
    if (o.status) send_out_error(r, &o);
    else send_pack(r, o.id, 201);
}

void pack_api_get(Req *r)
{
    Pack k;
    int64_t id = res_param_id(r);
    int f = id ? pack_load(r->db, r->arena, id, &k) : 0;
    if (f < 0) {
        req_error(r, 503, "busy", busy(r));
        return;
    }
    if (!f || !visible(r, &k)) {
        req_not_found(r);
        return;
    }
    send_pack(r, id, 200);
}

static void api_advance(Req *r, char which)
{
    Out o;
    advance(r, res_param_id(r), which, &o);
    if (o.status) send_out_error(r, &o);
    else send_pack(r, o.id, 200);
}

void pack_api_deliver(Req *r) { api_advance(r, 'd'); }
void pack_api_receive(Req *r) { api_advance(r, 'r'); }

/* ---- pages --------------------------------------------------------------- */

static const char *status_label(const char *st)
{
    if (!strcmp(st, "draft")) return "Being prepared";
    if (!strcmp(st, "delivered")) return "Delivered";
    if (!strcmp(st, "received")) return "Received";
    return st;
}

void pack_page_index(Req *r)
{
    PackFilter f;
    if (!parse_filter(r, &f)) return;
    page_begin(r, T(r, "Resource packs"));
    hf(r, "<p class=crumbs><a href=\"/resources\">%s</a></p><h1>%s</h1>", T(r, "Resource library"),
       T(r, "Resource packs"));
    hf(r,
       "<form method=get action=\"/packs\" class=filters><label>%s<input name=school maxlength=32"
       " value=\"%s\"></label><label>%s<select name=status><option value=\"\">%s</option>",
       T(r, "School code"), f.school ? f.school : "", T(r, "Status"), T(r, "All"));
    static const char *const sts[] = {"draft", "delivered", "received", NULL};
    for (const char *const *st = sts; *st; st++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *st,
           f.status && !strcmp(f.status, *st) ? " selected" : "", T(r, status_label(*st)));
    hf(r, "</select></label><button>%s</button></form>", T(r, "Filter"));
    if (r->auth.caps & CAPBIT(CAP_RESOURCE_WRITE))
        hf(r,
           "<form method=get action=\"/packs/new\" class=filters><label>%s<input name=school"
           " maxlength=32 required value=\"%s\" placeholder=\"6531210001\"></label>"
           "<button>%s</button></form>",
           T(r, "School code"), f.school ? f.school : "", T(r, "Build a resource pack"));
    DbStmt *s = list_query(r, &f, f.limit + 1);
    hf(r,
       "<div class=scroll><table class=stack><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
       "<th>%s</th></tr></thead><tbody>",
       T(r, "Pack"), T(r, "School"), T(r, "Year"), T(r, "Status"));
    int n = 0, more = 0;
    int64_t last = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        Pack k;
        pack_row(s, r->arena, &k);
        hf(r,
           "<tr><td><a href=\"/packs/%lld\">%s</a></td><td data-label=\"%s\">%s</td>"
           "<td data-label=\"%s\">%lld</td><td data-label=\"%s\">%s</td></tr>",
           (long long)k.id, k.name, T(r, "School"), k.school_name, T(r, "Year"), (long long)k.year,
           T(r, "Status"), T(r, status_label(k.status)));
        last = k.id, n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "Nothing found."));
    if (more)
        hf(r, "<p><a href=\"/packs?school=%s&amp;status=%s&amp;cursor=%lld\">%s</a></p>",
           f.school ? f.school : "", f.status ? f.status : "", (long long)last, T(r, "More"));
    page_end(r);
}

static void show(Req *r, const Pack *k, const char *error, int status)
{
    page_begin(r, k->name);
    r->status = status;
    hf(r, "<p class=crumbs><a href=\"/packs\">%s</a></p><h1>%s</h1>", T(r, "Resource packs"),
       k->name);
    if (error) page_notice(r, "error", error);
    hf(r,
       "<dl class=facts><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%s</dd>",
       T(r, "School"), k->school_name, T(r, "Year"), (long long)k->year, T(r, "Status"),
       T(r, status_label(k->status)));
    if (k->delivered_at)
        hf(r, "<dt>%s</dt><dd>%s · %s</dd>", T(r, "Delivered"), fmt_time(r->arena, k->delivered_at),
           k->delivered_by);
    if (k->received_at)
        hf(r, "<dt>%s</dt><dd>%s · %s</dd>", T(r, "Received"), fmt_time(r->arena, k->received_at),
           k->received_by);
    if (*k->note) hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Note"), k->note);
    hf(r, "<dt>%s</dt><dd>%s · %s</dd></dl>", T(r, "Created"), fmt_time(r->arena, k->created_at),
       k->created_by);
    hf(r,
       "<h2>%s</h2><div class=scroll><table class=stack><thead><tr><th>%s</th><th>%s</th>"
       "<th>%s</th></tr></thead><tbody>",
       T(r, "Contents"), T(r, "Resource"), T(r, "Provider"), T(r, "Quantity"));
    DbStmt *s = db_q(r->db,
                     "SELECT x.id, x.title, p.name_zh, pi.quantity, x.unit FROM pack_items pi"
                     " JOIN resources x ON x.id = pi.resource_id JOIN orgs p ON"
                     " p.id = x.provider_id WHERE pi.pack_id = ? ORDER BY pi.id",
                     "i", k->id);
    while (s && db_step(s) == DB_ROW)
        hf(r,
           "<tr><td><a href=\"/resources/%lld\">%s</a></td><td data-label=\"%s\">%s</td>"
           "<td data-label=\"%s\">%s %s</td></tr>",
           (long long)db_col_int(s, 0), db_col_text(s, 1), T(r, "Provider"), db_col_text(s, 2),
           T(r, "Quantity"), arena_printf(r->arena, "%.10g", db_col_double(s, 3)),
           db_col_text(s, 4));
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!strcmp(k->status, "draft") && can_any(r, CAP_RESOURCE_WRITE, provider_paths(r, k->id))) {
        hf(r, "<form method=post action=\"/packs/%lld/deliver\" class=card>", (long long)k->id);
        form_csrf(r);
        hf(r, "<p>%s</p><button>%s</button></form>",
           T(r, "Record that this pack has been delivered to the school."), T(r, "Mark delivered"));
    }
    if (!strcmp(k->status, "delivered") && can(r, CAP_NEED_WRITE, k->school_path)) {
        hf(r, "<form method=post action=\"/packs/%lld/receive\" class=card>", (long long)k->id);
        form_csrf(r);
        hf(r, "<p>%s</p><button>%s</button></form>",
           T(r, "Confirm that the school has received this pack."), T(r, "Confirm receipt"));
    }
    page_end(r);
}

void pack_page_show(Req *r)
{
    Pack k;
    int64_t id = res_param_id(r);
    if (!id || pack_load(r->db, r->arena, id, &k) != 1 || !visible(r, &k)) {
        req_not_found(r);
        return;
    }
    show(r, &k, NULL, 200);
}

static void page_advance(Req *r, char which)
{
    Out o;
    int64_t id = res_param_id(r);
    advance(r, id, which, &o);
    if (!o.status) {
        req_redirect(r, arena_printf(r->arena, "/packs/%lld", (long long)id));
        return;
    }
    Pack k;
    if (o.status == 404 || pack_load(r->db, r->arena, id, &k) != 1) {
        req_not_found(r);
        return;
    }
    if (o.status == 409) show(r, &k, o.message, 409);
    else page_error(r, o.status, o.message);
}

void pack_page_deliver(Req *r) { page_advance(r, 'd'); }
void pack_page_receive(Req *r) { page_advance(r, 'r'); }
