/* volunteer.c — see volunteer.h: the status rule, validation, loading, the
 * unit's figures, and the writes: sign-up, application, decisions, changes. */
#include "volunteer.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "feed.h"
#include "org.h"
#include "ui/i18n.h"
#include "user.h"

/* ---- pure logic ------------------------------------------------------------- */

const char *const volunteer_pool_kinds[] = {"silver_teacher", "student_team", "community", "parent",
                                            NULL};
const char *const volunteer_statuses[] = {"pending", "approved", "rejected", "left", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

int volunteer_pool_kind_ok(const char *s)
{
    return in_list(volunteer_pool_kinds, s);
}

int volunteer_status_ok(const char *s)
{
    return in_list(volunteer_statuses, s);
}

static const struct {
    const char *from, *to, *text;
} vmoves[] = {
    {"pending", " approved rejected left ", "approved, rejected, left"},
    {"approved", " left ", "left"},
};

int volunteer_status_allowed(const char *from, const char *to)
{
    if (!from || !to || !volunteer_status_ok(to)) return 0;
    char key[24];
    snprintf(key, sizeof key, " %s ", to);
    for (size_t i = 0; i < sizeof vmoves / sizeof vmoves[0]; i++)
        if (!strcmp(vmoves[i].from, from)) return strstr(vmoves[i].to, key) != NULL;
    return 0;
}

const char *volunteer_next_text(const char *from)
{
    for (size_t i = 0; from && i < sizeof vmoves / sizeof vmoves[0]; i++)
        if (!strcmp(vmoves[i].from, from)) return vmoves[i].text;
    return "";
}

int volunteer_phone_ok(const char *s)
{
    if (!s) return 0;
    if (!*s) return 1;
    if (strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9') return 0;
    for (int i = 0; i < 11; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

int volunteer_password_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 10 && n <= 128 && valid_text(s, 128);
}

const char *volunteer_kind_label(Req *r, const char *k)
{
    if (!k) return "";
    if (!strcmp(k, "silver_teacher")) return T(r, "Silver-age teachers");
    if (!strcmp(k, "student_team")) return T(r, "University student team");
    if (!strcmp(k, "community")) return T(r, "Community volunteers");
    if (!strcmp(k, "parent")) return T(r, "Parent volunteers");
    return k;
}

const char *volunteer_status_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "pending")) return T(r, "Awaiting approval");
    if (!strcmp(s, "approved")) return T(r, "Approved");
    if (!strcmp(s, "rejected")) return T(r, "Not approved");
    if (!strcmp(s, "left")) return T(r, "Left");
    return s;
}

int volunteer_this_year(void)
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

/* ---- pools ------------------------------------------------------------------ */

/* Reads a pool from columns starting at `c` (POOL_COLS order). */
void pool_row(DbStmt *s, int c, Arena *a, Pool *p)
{
    memset(p, 0, sizeof *p);
    p->id = db_col_int(s, c);
    p->code = arena_strdup(a, db_col_text(s, c + 1));
    p->kind = arena_strdup(a, db_col_text(s, c + 2));
    p->name_zh = arena_strdup(a, db_col_text(s, c + 3));
    p->name_en = arena_strdup(a, db_col_text(s, c + 4));
    p->points_per_hour = db_col_double(s, c + 5);
    p->active = (int)db_col_int(s, c + 6);
    p->org_id = db_col_int(s, c + 7);
    p->org_code = arena_strdup(a, db_col_text(s, c + 8));
    p->org_path = arena_strdup(a, db_col_text(s, c + 9));
    p->org_name_zh = arena_strdup(a, db_col_text(s, c + 10));
    p->org_name_en = arena_strdup(a, db_col_text(s, c + 11));
    p->created_at = db_col_int(s, c + 12);
}

static int one_pool(DbStmt *s, Arena *a, Pool *out)
{
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        pool_row(s, 0, a, out);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    return f;
}

int pool_load(Db *db, Arena *a, int64_t id, Pool *out)
{
    return one_pool(db_q(db,
                         "SELECT " POOL_COLS
                         " FROM volunteer_pools p JOIN orgs o ON o.id = p.org_id"
                         " WHERE p.id = ?",
                         "i", id),
                    a, out);
}

int pool_find(Db *db, Arena *a, const char *key, Pool *out)
{
    int64_t id;
    if (!key || !*key) return 0;
    if (parse_int(key, 1, INT64_MAX / 2, &id)) return pool_load(db, a, id, out);
    if (!valid_code(key)) return 0;
    return one_pool(db_q(db,
                         "SELECT " POOL_COLS
                         " FROM volunteer_pools p JOIN orgs o ON o.id = p.org_id"
                         " WHERE p.code = ?",
                         "s", key),
                    a, out);
}

json_t *pool_json(const Pool *p)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:f,s:b,s:I}", "id", (json_int_t)p->id, "code",
                     p->code, "kind", p->kind, "name_zh", p->name_zh, "name_en", p->name_en, "org",
                     p->org_code, "org_name", p->org_name_zh, "points_per_hour", p->points_per_hour,
                     "active", p->active, "created_at", (json_int_t)p->created_at);
}

const char *pool_name(Req *r, const Pool *p)
{
    return !strcmp(r->lang, "en") && p->name_en && *p->name_en ? p->name_en : p->name_zh;
}

const char *pool_org_name(Req *r, const Pool *p)
{
    return !strcmp(r->lang, "en") && p->org_name_en && *p->org_name_en ? p->org_name_en
                                                                       : p->org_name_zh;
}

/* ---- volunteers ------------------------------------------------------------------ */

void volunteer_row(DbStmt *s, Arena *a, Volunteer *v)
{
    memset(v, 0, sizeof *v);
    v->id = db_col_int(s, 0);
    v->user_id = db_col_is_null(s, 1) ? 0 : db_col_int(s, 1);
    v->name = arena_strdup(a, db_col_text(s, 2));
    v->phone = arena_strdup(a, db_col_text(s, 3));
    v->affiliation = arena_strdup(a, db_col_text(s, 4));
    v->skills = arena_strdup(a, db_col_text(s, 5));
    v->availability = arena_strdup(a, db_col_text(s, 6));
    v->status = arena_strdup(a, db_col_text(s, 7));
    v->consent_at = db_col_int(s, 8);
    v->consent_version = arena_strdup(a, db_col_text(s, 9));
    v->points_balance = db_col_int(s, 10);
    v->hours_verified = db_col_double(s, 11);
    v->decided_by = db_col_is_null(s, 12) ? NULL : arena_strdup(a, db_col_text(s, 12));
    v->decided_at = db_col_is_null(s, 13) ? 0 : db_col_int(s, 13);
    v->created_at = db_col_int(s, 14);
    v->updated_at = db_col_int(s, 15);
    v->login = db_col_is_null(s, 16) ? NULL : arena_strdup(a, db_col_text(s, 16));
    pool_row(s, 17, a, &v->pool);
}

static int one_vol(DbStmt *s, Arena *a, Volunteer *out)
{
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        volunteer_row(s, a, out);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    return f;
}

int volunteer_load(Db *db, Arena *a, int64_t id, Volunteer *out)
{
    return one_vol(db_q(db, "SELECT " VOLUNTEER_COLS VOLUNTEER_FROM " WHERE v.id = ?", "i", id), a,
                   out);
}

int volunteer_load_user(Db *db, Arena *a, int64_t user_id, Volunteer *out)
{
    if (!user_id) return 0;
    return one_vol(
        db_q(db, "SELECT " VOLUNTEER_COLS VOLUNTEER_FROM " WHERE v.user_id = ?", "i", user_id), a,
        out);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *volunteer_json(const Volunteer *v)
{
    json_t *j = json_pack(
        "{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I,s:s,s:I,s:f,s:I,s:I}", "id",
        (json_int_t)v->id, "pool", v->pool.code, "pool_id", (json_int_t)v->pool.id, "pool_kind",
        v->pool.kind, "pool_name", v->pool.name_zh, "org", v->pool.org_code, "org_name",
        v->pool.org_name_zh, "name", v->name, "phone", v->phone, "affiliation", v->affiliation,
        "skills", v->skills, "availability", v->availability, "status", v->status, "has_account",
        v->user_id != 0, "consent_at", (json_int_t)v->consent_at, "consent_version",
        v->consent_version, "points_balance", (json_int_t)v->points_balance, "hours_verified",
        v->hours_verified, "created_at", (json_int_t)v->created_at, "updated_at",
        (json_int_t)v->updated_at);
    json_object_set_new(j, "login", str_or_null(v->login));
    json_object_set_new(j, "decided_by", str_or_null(v->decided_by));
    json_object_set_new(j, "decided_at",
                        v->decided_at ? json_integer((json_int_t)v->decided_at) : json_null());
    json_t *next = json_array();
    for (const char *const *s = volunteer_statuses; *s; s++)
        if (volunteer_status_allowed(v->status, *s)) json_array_append_new(next, json_string(*s));
    json_object_set_new(j, "next", next);
    return j;
}

/* The audit view: the record's own fields. */
static json_t *vol_audit_json(const Volunteer *v)
{
    json_t *j = volunteer_json(v);
    for (const char *const *k =
             (const char *const[]){"next", "pool_name", "org_name", "created_at", "updated_at",
                                   "points_balance", "hours_verified", NULL};
         *k; k++)
        json_object_del(j, *k);
    return j;
}

int volunteer_is_own(Req *r, const Volunteer *v)
{
    return r->auth.user_id && v->user_id == r->auth.user_id;
}

int volunteer_can_manage(Req *r, const Volunteer *v)
{
    return can(r, CAP_VOLUNTEER_MANAGE, v->pool.org_path);
}

int volunteer_can_see(Req *r, const Volunteer *v)
{
    return volunteer_is_own(r, v) || volunteer_can_manage(r, v);
}

int64_t volunteer_id_param(Req *r, const char *name)
{
    int64_t id;
    const char *s = req_param(r, name);
    return s && parse_int(s, 1, INT64_MAX / 2, &id) ? id : 0;
}

/* ---- the unit's figures ------------------------------------------------------------ */

int volunteer_feed_unit(Db *db, const char *actor, int64_t org_id, int year, char *err,
                        size_t errlen)
{
    int64_t all = 0, community = 0, students = 0;
    DbStmt *s = db_q(db,
                     "SELECT p.kind, count(*) FROM volunteers v JOIN volunteer_pools p"
                     " ON p.id = v.pool_id WHERE p.org_id = ? AND v.status = 'approved'"
                     " GROUP BY p.kind",
                     "i", org_id);
    int rc = s ? DB_ROW : DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        int64_t n = db_col_int(s, 1);
        const char *k = db_col_text(s, 0);
        all += n;
        if (!strcmp(k, "community")) community += n;
        if (!strcmp(k, "student_team")) students += n;
    }
    db_done(s);
    if (rc != DB_DONE) {
        snprintf(err, errlen, "%s", db_errmsg(db));
        return -1;
    }
    char period[8], key[32];
    snprintf(period, sizeof period, "%d", year);
    snprintf(key, sizeof key, "%lld", (long long)org_id);
    FeedBatch *f = feed_begin(db, actor);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    feed_put(f, org_id, "volunteers_registered", period, (double)all);
    feed_put(f, org_id, "community_volunteers", period, (double)community);
    feed_put(f, org_id, "student_volunteers_deployed", period, (double)students);
    /* the audit record of the figures belongs to the unit */
    const char *path = NULL;
    char pbuf[512] = "";
    DbStmt *o = db_q(db, "SELECT path FROM orgs WHERE id = ?", "i", org_id);
    if (o && db_step(o) == DB_ROW) snprintf(pbuf, sizeof pbuf, "%s", db_col_text(o, 0));
    db_done(o);
    if (*pbuf) path = pbuf;
    return feed_end(f, "feed.volunteers", key, path, err, errlen);
}

/* ---- validation ------------------------------------------------------------------ */

static int fail(VolInput *in, const char *field, const char *why)
{
    if (!in->bad_field) {
        in->bad_field = field;
        in->why = why;
    }
    return 0;
}

/* Checks the contact fields that were given (name when required). 1, or 0 with
 * in's bad_field set. */
static int check_contact(Req *r, VolInput *in, int need_name)
{
    if ((need_name || in->has_name) &&
        (!in->name || !*in->name || !valid_text(in->name, 100) || strchr(in->name, '\n')))
        return fail(in, "name", T(r, "is required: at most 100 bytes on one line"));
    if (in->has_phone && !volunteer_phone_ok(in->phone))
        return fail(in, "phone",
                    T(r, "must be an 11-digit mobile number such as 13912345678, or "
                         "empty"));
    if (in->has_affiliation && (!in->affiliation || !valid_text(in->affiliation, 200)))
        return fail(in, "affiliation", T(r, "must be at most 200 bytes, no control characters"));
    if (in->has_skills && (!in->skills || !valid_text(in->skills, 500)))
        return fail(in, "skills", T(r, "must be at most 500 bytes, no control characters"));
    if (in->has_availability && (!in->availability || !valid_text(in->availability, 500)))
        return fail(in, "availability", T(r, "must be at most 500 bytes, no control characters"));
    return 1;
}

#define S_(x) ((x) ? (x) : "")

/* Finds the pool of an application. VOL_OK, VOL_INVALID (in) or VOL_ERROR. */
static VolResult find_pool(Req *r, VolInput *in, Pool *p)
{
    if (!in->pool || !*in->pool) {
        fail(in, "pool", T(r, "is required: the volunteer pool to join"));
        return VOL_INVALID;
    }
    int f = pool_find(r->db, r->arena, in->pool, p);
    if (f < 0) return VOL_ERROR;
    if (!f || !p->active) {
        fail(in, "pool", T(r, "must be an active volunteer pool"));
        return VOL_INVALID;
    }
    return VOL_OK;
}

/* Whether the sign-ups from this address are over the limit; counts this one. */
static int signup_throttled(Req *r)
{
    const char *key = arena_printf(r->arena, "signup:%s", r->client ? r->client : "?");
    int64_t now = now_s(), old = now - 900, n = 0;
    if (db_int(r->db, &n, "SELECT count FROM login_failures WHERE key = ? AND window_start > ?",
               "si", key, old) != 1)
        n = 0;
    if (n >= VOLUNTEER_SIGNUP_LIMIT) return 1;
    db_run(r->db,
           "INSERT INTO login_failures(key, window_start, count) VALUES (?, ?, 1)"
           " ON CONFLICT (key) DO UPDATE SET"
           " count = CASE WHEN login_failures.window_start <= ? THEN 1"
           "   ELSE login_failures.count + 1 END,"
           " window_start = CASE WHEN login_failures.window_start <= ?"
           "   THEN excluded.window_start ELSE login_failures.window_start END",
           "siii", key, now, old, old);
    return 0;
}

/* ---- writes ------------------------------------------------------------------------ */

enum { TRIES = 5 };

VolResult volunteer_signup(Req *r, VolInput *in, Volunteer *out)
{
    if (signup_throttled(r)) return VOL_THROTTLED;
    Pool p;
    VolResult res = find_pool(r, in, &p);
    if (res != VOL_OK) return res;
    in->has_name = in->has_phone = in->has_affiliation = in->has_skills = in->has_availability = 1;
    if (!in->phone) in->phone = "";
    if (!in->affiliation) in->affiliation = "";
    if (!in->skills) in->skills = "";
    if (!in->availability) in->availability = "";
    if (!check_contact(r, in, 1)) return VOL_INVALID;
    if (!in->login || !valid_login(in->login)) {
        fail(in, "login",
             T(r, "must be 2 to 64 of a-z, 0-9, '.', '_' and '-', starting with a "
                  "letter or digit"));
        return VOL_INVALID;
    }
    if (!volunteer_password_ok(in->password)) {
        fail(in, "password", T(r, "must be 10 to 128 characters long"));
        return VOL_INVALID;
    }
    if (!in->consent) {
        fail(in, "consent",
             T(r, "must be ticked: we keep your contact data only with your consent"));
        return VOL_INVALID;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (password_hash(hash, in->password) != 0) return VOL_ERROR;
    for (int attempt = 0; attempt < TRIES; attempt++) {
        if (db_begin(r->db) != DB_OK) return VOL_ERROR;
        int64_t now = now_s(), uid = 0, vid = 0;
        DbStmt *s = db_q(r->db,
                         "INSERT INTO users(login, name, pw_hash, active, created_at, updated_at)"
                         " VALUES (?, ?, ?, 0, ?, ?) RETURNING id",
                         "sssii", in->login, in->name, hash, now, now);
        int rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) uid = db_col_int(s, 0), rc = DB_OK;
        db_done(s);
        if (rc == DB_CONSTRAINT) {
            db_rollback(r->db);
            sodium_memzero(hash, sizeof hash);
            fail(in, "login", T(r, "is already taken: please choose another"));
            return VOL_INVALID;
        }
        if (rc == DB_OK) {
            s = db_q(r->db,
                     "INSERT INTO volunteers(user_id, pool_id, name, phone, affiliation, skills,"
                     " availability, status, consent_at, consent_version, created_at, updated_at)"
                     " VALUES (?,?,?,?,?,?,?,'pending',?,?,?,?) RETURNING id",
                     "iisssssisii", uid, p.id, in->name, in->phone, in->affiliation, in->skills,
                     in->availability, now, VOLUNTEER_CONSENT_VERSION, now, now);
            rc = s ? db_step(s) : DB_ERROR;
            if (rc == DB_ROW) vid = db_col_int(s, 0), rc = DB_OK;
            db_done(s);
        }
        Volunteer v;
        if (rc == DB_OK && volunteer_load(r->db, r->arena, vid, &v) != 1) rc = DB_ERROR;
        if (rc == DB_OK) {
            json_t *after = vol_audit_json(&v);
            rc = audit_log(r->db, in->login, "volunteer.signup", "volunteer",
                           arena_printf(r->arena, "%lld", (long long)vid), p.org_path, NULL, after);
            json_decref(after);
        }
        if (rc == DB_OK && db_commit(r->db) == DB_OK) {
            sodium_memzero(hash, sizeof hash);
            *out = v;
            return VOL_OK;
        }
        db_rollback(r->db);
        if (rc != DB_BUSY) break;
    }
    sodium_memzero(hash, sizeof hash);
    return VOL_ERROR;
}

VolResult volunteer_apply(Req *r, VolInput *in, int self, Volunteer *out, const char **why)
{
    *why = NULL;
    Pool p;
    VolResult res = find_pool(r, in, &p);
    if (res != VOL_OK) return res;
    if (!self && !can(r, CAP_VOLUNTEER_MANAGE, p.org_path)) {
        *why = T(r, "Only the pool's organisers can register a volunteer without an account.");
        return VOL_FORBIDDEN;
    }
    if (self && !in->has_name) in->name = r->auth.name, in->has_name = 1;
    if (!check_contact(r, in, 1)) return VOL_INVALID;
    if (!in->consent) {
        fail(in, "consent",
             T(r, "must be true: the person's consent to keeping their contact "
                  "data is recorded"));
        return VOL_INVALID;
    }
    Volunteer old;
    int had = self ? volunteer_load_user(r->db, r->arena, r->auth.user_id, &old) : 0;
    if (had < 0) return VOL_ERROR;
    if (had && (!strcmp(old.status, "pending") || !strcmp(old.status, "approved"))) {
        *why =
            arena_printf(r->arena, "%s %s (%s). %s", T(r, "You are already registered in the pool"),
                         pool_name(r, &old.pool), volunteer_status_label(r, old.status),
                         T(r, "Leave that pool first to apply to another."));
        return VOL_CONFLICT;
    }
    const char *phone = in->has_phone ? in->phone : had ? old.phone : "";
    const char *aff = in->has_affiliation ? in->affiliation : had ? old.affiliation : "";
    const char *skills = in->has_skills ? in->skills : had ? old.skills : "";
    const char *avail = in->has_availability ? in->availability : had ? old.availability : "";
    const char *status = self ? "pending" : "approved";
    for (int attempt = 0; attempt < TRIES; attempt++) {
        if (db_begin(r->db) != DB_OK) return VOL_ERROR;
        int64_t now = now_s(), vid = 0;
        DbStmt *s;
        if (had) {
            /* a new application moves the record; the status guard loses to a concurrent one */
            s = db_q(r->db,
                     "UPDATE volunteers SET pool_id = ?, name = ?, phone = ?, affiliation = ?,"
                     " skills = ?, availability = ?, status = 'pending', consent_at = ?,"
                     " consent_version = ?, decided_by = NULL, decided_at = NULL, updated_at = ?"
                     " WHERE id = ? AND status = ? RETURNING id",
                     "isssssisiis", p.id, in->name, phone, aff, skills, avail, now,
                     VOLUNTEER_CONSENT_VERSION, now, old.id, old.status);
        } else {
            s = db_q(r->db,
                     "INSERT INTO volunteers(user_id, pool_id, name, phone, affiliation, skills,"
                     " availability, status, consent_at, consent_version, decided_by,"
                     " decided_at, created_at, updated_at)"
                     " VALUES (NULLIF(CAST(? AS BIGINT), 0),?,?,?,?,?,?,?,?,?,?,"
                     " NULLIF(CAST(? AS BIGINT), 0),?,?) RETURNING id",
                     "iissssssissiii", self ? r->auth.user_id : 0, p.id, in->name, phone, aff,
                     skills, avail, status, now, VOLUNTEER_CONSENT_VERSION,
                     self ? NULL : r->auth.login, self ? 0 : now, now, now);
        }
        int rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) vid = db_col_int(s, 0), rc = DB_OK;
        db_done(s);
        if (rc == DB_DONE) {
            db_rollback(r->db);
            *why =
                T(r, "The record was changed by someone else meanwhile; reload it and try again.");
            return VOL_CONFLICT;
        }
        if (rc == DB_CONSTRAINT) {
            /* the person's own record appeared meanwhile (user_id is unique) */
            db_rollback(r->db);
            *why = T(r, "You are already registered as a volunteer.");
            return VOL_CONFLICT;
        }
        Volunteer v;
        if (rc == DB_OK && volunteer_load(r->db, r->arena, vid, &v) != 1) rc = DB_ERROR;
        if (rc == DB_OK) {
            json_t *before = had ? vol_audit_json(&old) : NULL, *after = vol_audit_json(&v);
            rc = audit_log(r->db, r->auth.login, self ? "volunteer.apply" : "volunteer.register",
                           "volunteer", arena_printf(r->arena, "%lld", (long long)vid), p.org_path,
                           before, after);
            json_decref(before);
            json_decref(after);
        }
        char err[256] = "";
        if (rc == DB_OK && !self &&
            volunteer_feed_unit(r->db, r->auth.login, p.org_id, volunteer_this_year(), err,
                                sizeof err) != 0)
            rc = DB_ERROR;
        if (rc == DB_OK && db_commit(r->db) == DB_OK) {
            *out = v;
            return VOL_OK;
        }
        db_rollback(r->db);
        if (rc != DB_BUSY) break;
    }
    return VOL_ERROR;
}

VolResult volunteer_decide(Req *r, int64_t id, const char *to, const char *reason, Volunteer *out,
                           const char **why)
{
    *why = NULL;
    Volunteer old;
    int f = id ? volunteer_load(r->db, r->arena, id, &old) : 0;
    if (f < 0) return VOL_ERROR;
    if (!f || !volunteer_can_see(r, &old)) return VOL_NOT_FOUND;
    *out = old;
    int own = volunteer_is_own(r, &old), manage = volunteer_can_manage(r, &old);
    if (strcmp(to, "left") != 0) {
        if (!manage) return VOL_FORBIDDEN;
        if (own) {
            *why = T(r, "Nobody decides their own application: another organiser must.");
            return VOL_FORBIDDEN;
        }
    } else if (!manage && !own) {
        return VOL_FORBIDDEN;
    }
    if (!volunteer_status_allowed(old.status, to)) {
        const char *next = volunteer_next_text(old.status);
        *why = arena_printf(r->arena, "%s %s → %s; %s: %s", T(r, "A volunteer cannot go from"),
                            old.status, to, T(r, "allowed from here"),
                            *next ? next : T(r, "none: apply again to a pool"));
        return VOL_CONFLICT;
    }
    const char *action = !strcmp(to, "approved")   ? "volunteer.approve"
                         : !strcmp(to, "rejected") ? "volunteer.reject"
                                                   : "volunteer.leave";
    int figures = !strcmp(to, "approved") || !strcmp(old.status, "approved");
    for (int attempt = 0; attempt < TRIES; attempt++) {
        if (db_begin(r->db) != DB_OK) return VOL_ERROR;
        int64_t now = now_s(), hit = 0;
        DbStmt *s = db_q(r->db,
                         "UPDATE volunteers SET status = ?, decided_by = ?, decided_at = ?,"
                         " updated_at = ? WHERE id = ? AND status = ? RETURNING id",
                         "ssiiis", to, r->auth.login, now, now, id, old.status);
        int rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) hit = db_col_int(s, 0), rc = DB_OK;
        db_done(s);
        if (rc == DB_DONE) {
            db_rollback(r->db);
            *why =
                T(r, "The record was changed by someone else meanwhile; reload it and try again.");
            return VOL_CONFLICT;
        }
        if (rc == DB_OK && old.user_id && !strcmp(to, "approved")) {
            /* the account of a sign-up opens, with the volunteer role at the pool's unit */
            rc = db_run(r->db, "UPDATE users SET active = 1, updated_at = ? WHERE id = ?", "ii",
                        now, old.user_id);
            if (rc == DB_OK)
                rc = db_run(r->db,
                            "INSERT INTO grants(user_id, role, org_id) VALUES (?, 'volunteer', ?)"
                            " ON CONFLICT (user_id, role, org_id) DO NOTHING",
                            "ii", old.user_id, old.pool.org_id);
        }
        if (rc == DB_OK && old.user_id && !strcmp(to, "left"))
            rc = db_run(
                r->db, "DELETE FROM grants WHERE user_id = ? AND role = 'volunteer' AND org_id = ?",
                "ii", old.user_id, old.pool.org_id);
        Volunteer v;
        if (rc == DB_OK && volunteer_load(r->db, r->arena, hit, &v) != 1) rc = DB_ERROR;
        if (rc == DB_OK) {
            json_t *before = vol_audit_json(&old), *after = vol_audit_json(&v);
            if (reason && *reason) json_object_set_new(after, "reason", json_string(reason));
            if (old.user_id && !strcmp(to, "approved"))
                json_object_set_new(
                    after, "granted",
                    json_pack("{s:s,s:s}", "role", "volunteer", "org", old.pool.org_code));
            rc = audit_log(r->db, r->auth.login, action, "volunteer",
                           arena_printf(r->arena, "%lld", (long long)id), old.pool.org_path, before,
                           after);
            json_decref(before);
            json_decref(after);
        }
        char err[256] = "";
        if (rc == DB_OK && figures &&
            volunteer_feed_unit(r->db, r->auth.login, old.pool.org_id, volunteer_this_year(), err,
                                sizeof err) != 0)
            rc = DB_ERROR;
        if (rc == DB_OK && db_commit(r->db) == DB_OK) {
            *out = v;
            return VOL_OK;
        }
        db_rollback(r->db);
        if (rc != DB_BUSY) break;
    }
    return VOL_ERROR;
}

VolResult volunteer_update(Req *r, int64_t id, VolInput *in, Volunteer *out)
{
    Volunteer old;
    int f = id ? volunteer_load(r->db, r->arena, id, &old) : 0;
    if (f < 0) return VOL_ERROR;
    if (!f || !volunteer_can_see(r, &old)) return VOL_NOT_FOUND;
    if (!check_contact(r, in, 0)) return VOL_INVALID;
    Volunteer v = old;
    if (in->has_name) v.name = in->name;
    if (in->has_phone) v.phone = in->phone;
    if (in->has_affiliation) v.affiliation = in->affiliation;
    if (in->has_skills) v.skills = in->skills;
    if (in->has_availability) v.availability = in->availability;
    json_t *before = vol_audit_json(&old), *after = vol_audit_json(&v);
    int changed = !json_equal(before, after);
    *out = old;
    if (!changed) {
        json_decref(before);
        json_decref(after);
        return VOL_OK;
    }
    int rc = DB_ERROR;
    for (int attempt = 0; attempt < TRIES; attempt++) {
        if ((rc = db_begin(r->db)) != DB_OK) break;
        rc = db_run(r->db,
                    "UPDATE volunteers SET name = ?, phone = ?, affiliation = ?, skills = ?,"
                    " availability = ?, updated_at = ? WHERE id = ?",
                    "sssssii", v.name, v.phone, v.affiliation, v.skills, v.availability, now_s(),
                    id);
        if (rc == DB_OK)
            rc = audit_log(r->db, r->auth.login, "volunteer.update", "volunteer",
                           arena_printf(r->arena, "%lld", (long long)id), old.pool.org_path, before,
                           after);
        if (rc == DB_OK && (rc = db_commit(r->db)) == DB_OK) break;
        db_rollback(r->db);
        if (rc != DB_BUSY) break;
    }
    json_decref(before);
    json_decref(after);
    if (rc != DB_OK) return VOL_ERROR;
    return volunteer_load(r->db, r->arena, id, out) == 1 ? VOL_OK : VOL_ERROR;
}

void volunteer_send_result(Req *r, VolResult res, const char *bad_field, const char *why)
{
    switch (res) {
    case VOL_OK:
        break;
    case VOL_INVALID:
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", S_(bad_field), S_(why)));
        break;
    case VOL_NOT_FOUND:
        req_not_found(r);
        break;
    case VOL_FORBIDDEN:
        req_error(r, 403, "forbidden", why ? why : T(r, "You do not have permission to do this."));
        break;
    case VOL_CONFLICT:
        req_error(r, 409, "conflict", why ? why : T(r, "Conflict."));
        break;
    case VOL_THROTTLED:
        req_add_header(r, "Retry-After", "900");
        req_error(
            r, 429, "throttled",
            T(r, "Too many sign-ups from this address. Please wait 15 minutes and try again."));
        break;
    default:
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    }
}
