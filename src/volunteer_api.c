/* volunteer_api.c — the JSON API of the registry (see volunteer.h): pools (and
 * the organisers' form that creates one), volunteers, their list and their
 * status changes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "org.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "volunteer.h"

#define S_(x) ((x) ? (x) : "")

static const char *id_text(Req *r, int64_t id)
{
    return arena_printf(r->arena, "%lld", (long long)id);
}

/* ---- pools ------------------------------------------------------------------- */

typedef struct PoolInput {
    const char *code, *kind, *name_zh, *name_en, *org, *pph_text;
    double pph;
    int active;
    int has_name_zh, has_name_en, has_pph, has_active;
    const char *bad_field, *why;
} PoolInput;

static int pfail(PoolInput *in, const char *field, const char *why)
{
    if (!in->bad_field) in->bad_field = field, in->why = why;
    return 0;
}

static int check_pool_fields(Req *r, PoolInput *in)
{
    if (in->pph_text) {
        char *end = NULL;
        double v = *in->pph_text ? strtod(in->pph_text, &end) : NAN;
        if (!end || *end || !isfinite(v))
            return pfail(in, "points_per_hour", T(r, "must be a number from 0 to 1000"));
        in->pph = v, in->has_pph = 1;
    }
    if (in->has_name_zh && (!in->name_zh || !*in->name_zh || !valid_text(in->name_zh, 200)))
        return pfail(in, "name_zh", T(r, "is required: at most 200 bytes"));
    if (in->has_name_en && (!in->name_en || !valid_text(in->name_en, 200)))
        return pfail(in, "name_en", T(r, "must be at most 200 bytes"));
    if (in->has_pph && (!(in->pph >= 0) || in->pph > 1000))
        return pfail(in, "points_per_hour", T(r, "must be a number from 0 to 1000"));
    return 1;
}

/* Creates a pool from in; VOL_OK with *out, or the reason. */
static VolResult pool_create(Req *r, PoolInput *in, Pool *out)
{
    if (!in->org || !valid_code(in->org)) {
        pfail(in, "org", T(r, "is required: the code of the organising unit"));
        return VOL_INVALID;
    }
    Org o;
    int f = org_load(r->db, r->arena, in->org, &o);
    if (f < 0) return VOL_ERROR;
    if (!f || !can(r, CAP_VOLUNTEER_MANAGE, o.path)) return VOL_NOT_FOUND;
    if (!in->code || !valid_code(in->code)) {
        pfail(in, "code", T(r, "is required: 2 to 32 of A-Z, a-z, 0-9 and '-'"));
        return VOL_INVALID;
    }
    if (!volunteer_pool_kind_ok(in->kind)) {
        pfail(in, "kind", T(r, "must be one of silver_teacher, student_team, community, parent"));
        return VOL_INVALID;
    }
    in->has_name_zh = 1;
    if (!check_pool_fields(r, in)) return VOL_INVALID;
    double pph = in->has_pph ? in->pph : 10;
    int rc = db_begin(r->db);
    int64_t id = 0, now = now_s();
    if (rc == DB_OK) {
        DbStmt *s = db_q(r->db,
                         "INSERT INTO volunteer_pools(code, kind, name_zh, name_en, org_id,"
                         " points_per_hour, active, created_at) VALUES (?,?,?,?,?,?,?,?)"
                         " RETURNING id",
                         "ssssidii", in->code, in->kind, in->name_zh, S_(in->name_en), o.id, pph,
                         (int64_t)(in->has_active ? in->active : 1), now);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) id = db_col_int(s, 0), rc = DB_OK;
        db_done(s);
    }
    if (rc == DB_CONSTRAINT) {
        db_rollback(r->db);
        pfail(in, "code", T(r, "is already taken by another pool"));
        return VOL_INVALID;
    }
    Pool p;
    if (rc == DB_OK && pool_load(r->db, r->arena, id, &p) != 1) rc = DB_ERROR;
    if (rc == DB_OK) {
        json_t *after = pool_json(&p);
        json_object_del(after, "created_at");
        rc = audit_log(r->db, r->auth.login, "volunteer_pool.create", "volunteer_pool", p.code,
                       o.path, NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return VOL_ERROR;
    }
    *out = p;
    return VOL_OK;
}

static void send_pool_result(Req *r, VolResult res, PoolInput *in)
{
    volunteer_send_result(r, res, in->bad_field, in->why);
}

/* Reads a pool body; 1, or 0 with in's bad_field set. */
static int pool_input_json(Req *r, json_t *j, PoolInput *in)
{
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        const char *key = arena_strdup(r->arena, k);
        if (!strcmp(k, "points_per_hour")) {
            if (!json_is_number(v)) return pfail(in, key, T(r, "must be a number from 0 to 1000"));
            in->pph = json_number_value(v), in->has_pph = 1;
        } else if (!strcmp(k, "active")) {
            if (!json_is_boolean(v)) return pfail(in, key, T(r, "must be true or false"));
            in->active = json_is_true(v), in->has_active = 1;
        } else {
            if (!json_is_string(v)) return pfail(in, key, T(r, "must be a string"));
            const char *sv = arena_strdup(r->arena, json_string_value(v));
            if (!strcmp(k, "code"))
                in->code = sv;
            else if (!strcmp(k, "kind"))
                in->kind = sv;
            else if (!strcmp(k, "org"))
                in->org = sv;
            else if (!strcmp(k, "name_zh"))
                in->name_zh = sv, in->has_name_zh = 1;
            else if (!strcmp(k, "name_en"))
                in->name_en = sv, in->has_name_en = 1;
        }
    }
    return 1;
}

void pool_api_create(Req *r)
{
    static const char *const fields[] = {
        "code", "kind", "name_zh", "name_en", "org", "points_per_hour", "active", NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    PoolInput in = {0};
    int ok = pool_input_json(r, j, &in);
    json_decref(j);
    Pool p;
    VolResult res = ok ? pool_create(r, &in, &p) : VOL_INVALID;
    if (res != VOL_OK) {
        send_pool_result(r, res, &in);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/volunteer-pools/%lld", (long long)p.id));
    req_send_json(r, 201, pool_json(&p));
}

void pool_api_patch(Req *r)
{
    static const char *const fields[] = {"name_zh", "name_en", "points_per_hour", "active", NULL};
    Pool old;
    int64_t id = volunteer_id_param(r, "id");
    int f = id ? pool_load(r->db, r->arena, id, &old) : 0;
    if (f < 0) {
        volunteer_send_result(r, VOL_ERROR, NULL, NULL);
        return;
    }
    if (!f || !can(r, CAP_VOLUNTEER_MANAGE, old.org_path)) {
        req_not_found(r);
        return;
    }
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    PoolInput in = {0};
    int ok = pool_input_json(r, j, &in) && check_pool_fields(r, &in);
    json_decref(j);
    if (!ok) {
        send_pool_result(r, VOL_INVALID, &in);
        return;
    }
    Pool p = old;
    if (in.has_name_zh) p.name_zh = in.name_zh;
    if (in.has_name_en) p.name_en = in.name_en;
    if (in.has_pph) p.points_per_hour = in.pph;
    if (in.has_active) p.active = in.active;
    json_t *before = pool_json(&old), *after = pool_json(&p);
    int rc = DB_OK;
    if (!json_equal(before, after)) {
        rc = db_begin(r->db);
        if (rc == DB_OK)
            rc = db_run(r->db,
                        "UPDATE volunteer_pools SET name_zh = ?, name_en = ?, points_per_hour = ?,"
                        " active = ? WHERE id = ?",
                        "ssdii", p.name_zh, p.name_en, p.points_per_hour, (int64_t)p.active, id);
        if (rc == DB_OK)
            rc = audit_log(r->db, r->auth.login, "volunteer_pool.update", "volunteer_pool", p.code,
                           p.org_path, before, after);
        if (rc == DB_OK) rc = db_commit(r->db);
        if (rc != DB_OK) db_rollback(r->db);
    }
    json_decref(before);
    json_decref(after);
    if (rc != DB_OK || pool_load(r->db, r->arena, id, &p) != 1) {
        volunteer_send_result(r, VOL_ERROR, NULL, NULL);
        return;
    }
    req_send_json(r, 200, pool_json(&p));
}

void pool_api_list(Req *r)
{
    const char *org = req_query(r, "org"), *kind = req_query(r, "kind"),
               *active = req_query(r, "active");
    if (kind && *kind && !volunteer_pool_kind_ok(kind)) {
        req_error(r, 400, "bad_param",
                  T(r, "kind must be one of silver_teacher, student_team, community, parent."));
        return;
    }
    if (active && *active && strcmp(active, "0") && strcmp(active, "1")) {
        req_error(r, 400, "bad_param", T(r, "active must be 0 or 1."));
        return;
    }
    const char *path = NULL;
    if (org && *org) {
        Org o;
        if (!valid_code(org) || org_load(r->db, r->arena, org, &o) != 1) {
            req_not_found(r);
            return;
        }
        path = o.path;
    }
    int64_t act = active && *active ? atoi(active) : -1;
    DbStmt *s = db_q(r->db,
                     "SELECT p.id FROM volunteer_pools p JOIN orgs o ON o.id = p.org_id"
                     " WHERE (CAST(? AS TEXT) IS NULL OR substr(o.path, 1, length(CAST(? AS TEXT)))"
                     " = ?) AND (CAST(? AS TEXT) IS NULL OR p.kind = ?)"
                     " AND (CAST(? AS BIGINT) < 0 OR p.active = ?) ORDER BY o.path, p.code",
                     "sssssii", path, path, path, kind && *kind ? kind : NULL,
                     kind && *kind ? kind : NULL, act, act);
    int64_t ids[2000];
    int n = 0;
    while (s && db_step(s) == DB_ROW && n < 2000)
        ids[n++] = db_col_int(s, 0);
    db_done(s);
    if (!s) {
        volunteer_send_result(r, VOL_ERROR, NULL, NULL);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        Pool p;
        if (pool_load(r->db, r->arena, ids[i], &p) != 1) continue;
        json_t *j = pool_json(&p);
        json_object_set_new(j, "can_manage",
                            json_boolean(can(r, CAP_VOLUNTEER_MANAGE, p.org_path)));
        json_array_append_new(items, j);
    }
    req_send_json(r, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

/* POST /volunteers/pools: the organisers' form to open a pool. */
void volunteer_page_pool(Req *r)
{
    PoolInput in = {0};
    in.code = req_form(r, "code");
    in.kind = req_form(r, "kind");
    in.org = req_form(r, "org");
    in.name_zh = req_form(r, "name_zh");
    in.name_en = req_form(r, "name_en");
    in.pph_text = req_form(r, "points_per_hour");
    if (in.pph_text && !*in.pph_text) in.pph_text = NULL;
    Pool p;
    VolResult res = pool_create(r, &in, &p);
    if (res == VOL_OK) {
        req_redirect(r, arena_printf(r->arena, "/volunteers?pool=%s&created=1",
                                     url_encode(r->arena, p.code)));
    } else if (res == VOL_NOT_FOUND) {
        req_not_found(r);
    } else if (res == VOL_INVALID) {
        page_error(r, 422,
                   arena_printf(r->arena, "%s: %s %s", T(r, "The pool was not opened"),
                                S_(in.bad_field), S_(in.why)));
    } else {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}

/* ---- volunteers -------------------------------------------------------------------- */

DbStmt *volunteer_list_query(Req *r, const VolFilter *f)
{
    const char *like = NULL;
    if (f->q) {
        /* the text is matched literally: %, _ and \ lose their LIKE meaning */
        Buf b = {0};
        buf_puts(&b, "%");
        for (const char *p = f->q; *p; p++) {
            if (*p == '%' || *p == '_' || *p == '\\') buf_putc(&b, '\\');
            buf_putc(&b, *p);
        }
        buf_puts(&b, "%");
        like = arena_strdup(r->arena, b.data);
        buf_free(&b);
    }
    return db_q(
        r->db,
        "SELECT " VOLUNTEER_COLS VOLUNTEER_FROM " WHERE " REACH_SQL(
            "o.path") " AND (CAST(? AS BIGINT) = 0 OR v.pool_id = ?)"
                      " AND (CAST(? AS TEXT) IS NULL OR v.status = ?)"
                      " AND (CAST(? AS TEXT) IS NULL OR substr(o.path, 1, length(CAST(? AS TEXT))) "
                      "= ?)"
                      " AND (CAST(? AS TEXT) IS NULL OR v.name LIKE ? ESCAPE '\\'"
                      "   OR v.affiliation LIKE ? ESCAPE '\\' OR v.skills LIKE ? ESCAPE '\\'"
                      "   OR v.phone LIKE ? ESCAPE '\\')"
                      " AND (CAST(? AS BIGINT) = 0 OR v.id < ?)"
                      " ORDER BY v.id DESC LIMIT ?",
        "isiissssssssssiii", REACH_ARGS(r, CAP_VOLUNTEER_MANAGE), f->pool_id, f->pool_id, f->status,
        f->status, f->org_path, f->org_path, f->org_path, like, like, like, like, like,
        f->before_id, f->before_id, f->limit + 1);
}

int volunteer_filter_from_query(Req *r, VolFilter *f, int64_t default_limit)
{
    memset(f, 0, sizeof *f);
    f->limit = default_limit;
    const char *pool = req_query(r, "pool"), *st = req_query(r, "status"),
               *org = req_query(r, "org"), *q = req_query(r, "q"), *lim = req_query(r, "limit"),
               *cursor = req_query(r, "cursor");
    const char *why = NULL;
    if (lim && *lim && !parse_int(lim, 1, 500, &f->limit))
        why = T(r, "limit must be a whole number from 1 to 500.");
    else if (st && *st && !volunteer_status_ok(st))
        why = T(r, "status must be one of pending, approved, rejected, left.");
    else if (cursor && *cursor && !parse_int(cursor, 1, INT64_MAX / 2, &f->before_id))
        why = T(r, "cursor is not valid.");
    else if (org && *org && !valid_code(org))
        why = T(r, "org must be an organisation code.");
    else if (q && (!valid_text(q, 100) || strchr(q, '\n')))
        why = T(r, "q must be at most 100 bytes on one line.");
    if (why) {
        if (req_is_api(r))
            req_error(r, 400, "bad_param", why);
        else
            page_error(r, 400, why);
        return 0;
    }
    f->status = st && *st ? st : NULL;
    f->q = q && *q ? q : NULL;
    if (pool && *pool) {
        Pool p;
        if (pool_find(r->db, r->arena, pool, &p) != 1 ||
            !can(r, CAP_VOLUNTEER_MANAGE, p.org_path)) {
            req_not_found(r);
            return 0;
        }
        f->pool_id = p.id;
    }
    if (org && *org) {
        Org o;
        if (org_load(r->db, r->arena, org, &o) != 1 || !can(r, CAP_VOLUNTEER_MANAGE, o.path)) {
            req_not_found(r);
            return 0;
        }
        f->org_path = o.path;
    }
    return 1;
}

void volunteer_api_list(Req *r)
{
    VolFilter f;
    if (!volunteer_filter_from_query(r, &f, 50)) return;
    DbStmt *s = volunteer_list_query(r, &f);
    if (!s) {
        volunteer_send_result(r, VOL_ERROR, NULL, NULL);
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
        Volunteer v;
        volunteer_row(s, r->arena, &v);
        json_array_append_new(items, volunteer_json(&v));
        last = v.id;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor", more ? json_string(id_text(r, last)) : json_null());
    req_send_json(r, 200, out);
}

/* Reads the contact fields of a volunteer body into in. 1, or 0 with bad_field. */
static int vol_input_json(Req *r, json_t *j, VolInput *in, int *self)
{
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        const char *key = arena_strdup(r->arena, k);
        if (!in->bad_field && !strcmp(k, "consent")) {
            if (!json_is_boolean(v)) {
                in->bad_field = key, in->why = T(r, "must be true or false");
                return 0;
            }
            in->consent = json_is_true(v);
        } else if (!strcmp(k, "self")) {
            if (!json_is_boolean(v)) {
                in->bad_field = key, in->why = T(r, "must be true or false");
                return 0;
            }
            if (self) *self = json_is_true(v);
        } else if (!strcmp(k, "pool") && json_is_integer(v)) {
            in->pool = id_text(r, (int64_t)json_integer_value(v));
        } else {
            if (!json_is_string(v)) {
                in->bad_field = key, in->why = T(r, "must be a string");
                return 0;
            }
            const char *sv = arena_strdup(r->arena, json_string_value(v));
            if (!strcmp(k, "pool"))
                in->pool = sv;
            else if (!strcmp(k, "name"))
                in->name = sv, in->has_name = 1;
            else if (!strcmp(k, "phone"))
                in->phone = sv, in->has_phone = 1;
            else if (!strcmp(k, "affiliation"))
                in->affiliation = sv, in->has_affiliation = 1;
            else if (!strcmp(k, "skills"))
                in->skills = sv, in->has_skills = 1;
            else if (!strcmp(k, "availability"))
                in->availability = sv, in->has_availability = 1;
        }
    }
    return 1;
}

void volunteer_api_create(Req *r)
{
    static const char *const fields[] = {
        "pool", "name", "phone", "affiliation", "skills", "availability", "consent", "self", NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    VolInput in = {0};
    int self = 1;
    int ok = vol_input_json(r, j, &in, &self);
    json_decref(j);
    Volunteer v;
    const char *why = NULL;
    VolResult res = ok ? volunteer_apply(r, &in, self, &v, &why) : VOL_INVALID;
    if (res != VOL_OK) {
        volunteer_send_result(r, res, in.bad_field, why ? why : in.why);
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/volunteers/%lld", (long long)v.id));
    req_send_json(r, 201, volunteer_json(&v));
}

void volunteer_api_me(Req *r)
{
    Volunteer v;
    int f = volunteer_load_user(r->db, r->arena, r->auth.user_id, &v);
    if (f < 0) {
        volunteer_send_result(r, VOL_ERROR, NULL, NULL);
        return;
    }
    if (!f) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, volunteer_json(&v));
}

void volunteer_api_get(Req *r)
{
    Volunteer v;
    int64_t id = volunteer_id_param(r, "id");
    int f = id ? volunteer_load(r->db, r->arena, id, &v) : 0;
    if (f < 0) {
        volunteer_send_result(r, VOL_ERROR, NULL, NULL);
        return;
    }
    if (!f || !volunteer_can_see(r, &v)) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, volunteer_json(&v));
}

void volunteer_api_patch(Req *r)
{
    static const char *const fields[] = {"name",   "phone",        "affiliation",
                                         "skills", "availability", NULL};
    /* a record out of reach answers 404 whatever the body says */
    Volunteer chk;
    int64_t id = volunteer_id_param(r, "id");
    int f = id ? volunteer_load(r->db, r->arena, id, &chk) : 0;
    if (f < 0) {
        volunteer_send_result(r, VOL_ERROR, NULL, NULL);
        return;
    }
    if (!f || !volunteer_can_see(r, &chk)) {
        req_not_found(r);
        return;
    }
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    VolInput in = {0};
    int ok = vol_input_json(r, j, &in, NULL);
    json_decref(j);
    Volunteer v;
    VolResult res = ok ? volunteer_update(r, id, &in, &v) : VOL_INVALID;
    if (res != VOL_OK) {
        volunteer_send_result(r, res, in.bad_field, in.why);
        return;
    }
    req_send_json(r, 200, volunteer_json(&v));
}

/* The three status changes: an optional body {"reason": "..."}. */
static void decide(Req *r, const char *to)
{
    const char *reason = NULL;
    if (r->body.len) {
        static const char *const fields[] = {"reason", NULL};
        json_t *j = req_json_object(r, fields);
        if (!j) return;
        json_t *x = json_object_get(j, "reason");
        if (x && (!json_is_string(x) || !valid_text(json_string_value(x), 500))) {
            json_decref(j);
            req_error(
                r, 422, "invalid",
                arena_printf(r->arena, "reason %s", T(r, "must be text of at most 500 bytes")));
            return;
        }
        reason = x ? arena_strdup(r->arena, json_string_value(x)) : NULL;
        json_decref(j);
    }
    Volunteer v;
    const char *why = NULL;
    VolResult res = volunteer_decide(r, volunteer_id_param(r, "id"), to, reason, &v, &why);
    if (res != VOL_OK) {
        volunteer_send_result(r, res, NULL, why);
        return;
    }
    req_send_json(r, 200, volunteer_json(&v));
}

void volunteer_api_approve(Req *r)
{
    decide(r, "approved");
}

void volunteer_api_reject(Req *r)
{
    decide(r, "rejected");
}

void volunteer_api_leave(Req *r)
{
    decide(r, "left");
}
