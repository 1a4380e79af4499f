/* user.c — capability 2: people, their roles and accounts. Queries, API
 * handlers, pages and the `huiju user add` command together.
 *
 * Rules: a person is visible to whoever holds user.read reaching one of their
 * roles; a person can be changed only by someone who could have granted every
 * one of their roles (so nobody edits a person above or beside them); a role is
 * granted only inside the granter's reach and never above their own. */
#include "user.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "org.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

int password_hash(char *out, const char *password)
{
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

int password_ok(const char *pw)
{
    size_t n = pw ? strlen(pw) : 0;
    return n >= 8 && n <= 128 && valid_text(pw, 128);
}

/* One person as loaded for display and checks. */
typedef struct Person {
    int64_t id;
    const char *login, *name, *lang, *phone, *email;
    int active;
    int ngrants;
    struct {
        Role role;
        const char *org_code, *org_path, *org_name, *org_kind;
    } grants[32];
} Person;

/* Loads a person and their roles; 1 if found, 0 if not, -1 on error. */
static int person_load(Db *db, Arena *a, const char *login, Person *p)
{
    memset(p, 0, sizeof *p);
    DbStmt *s = db_q(db, "SELECT id, login, name, lang, phone, email, active FROM users"
                         " WHERE login = ?",
                     "s", login);
    if (!s) return -1;
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_done(s);
        return rc == DB_DONE ? 0 : -1;
    }
    p->id = db_col_int(s, 0);
    p->login = arena_strdup(a, db_col_text(s, 1));
    p->name = arena_strdup(a, db_col_text(s, 2));
    p->lang = arena_strdup(a, db_col_text(s, 3));
    p->phone = arena_strdup(a, db_col_text(s, 4));
    p->email = arena_strdup(a, db_col_text(s, 5));
    p->active = (int)db_col_int(s, 6);
    db_done(s);
    s = db_q(db,
             "SELECT g.role, o.code, o.path, o.name_zh, o.kind FROM grants g JOIN orgs o"
             " ON o.id = g.org_id WHERE g.user_id = ? ORDER BY o.depth, o.code, g.role",
             "i", p->id);
    while (s && db_step(s) == DB_ROW && p->ngrants < 32) {
        int i = p->ngrants++;
        p->grants[i].role = role_from_name(db_col_text(s, 0));
        p->grants[i].org_code = arena_strdup(a, db_col_text(s, 1));
        p->grants[i].org_path = arena_strdup(a, db_col_text(s, 2));
        p->grants[i].org_name = arena_strdup(a, db_col_text(s, 3));
        p->grants[i].org_kind = arena_strdup(a, db_col_text(s, 4));
    }
    db_done(s);
    return 1;
}

static int person_visible(Req *r, const Person *p)
{
    if (p->id == r->auth.user_id) return 1;
    for (int i = 0; i < p->ngrants; i++)
        if (can(r, CAP_USER_READ, p->grants[i].org_path)) return 1;
    return 0;
}

/* Whether the caller could have granted every role the person holds. */
static int person_manageable(Req *r, const Person *p)
{
    if (!p->ngrants) return 0;
    for (int i = 0; i < p->ngrants; i++)
        if (!can_grant(r, p->grants[i].role, p->grants[i].org_path)) return 0;
    return 1;
}

static json_t *person_json(const Person *p, int with_contact)
{
    json_t *roles = json_array();
    for (int i = 0; i < p->ngrants; i++)
        json_array_append_new(roles, json_pack("{s:s,s:s,s:s}", "role",
                                               role_name(p->grants[i].role), "org",
                                               p->grants[i].org_code, "org_name",
                                               p->grants[i].org_name));
    json_t *j = json_pack("{s:s,s:s,s:s,s:b,s:o}", "login", p->login, "name", p->name, "lang",
                          p->lang ? p->lang : "", "active", p->active, "roles", roles);
    if (with_contact) {
        json_object_set_new(j, "phone", json_string(p->phone ? p->phone : ""));
        json_object_set_new(j, "email", json_string(p->email ? p->email : ""));
    }
    return j;
}

/* The org path an audit record about this person belongs to: their first role's. */
static const char *person_path(const Person *p)
{
    return p->ngrants ? p->grants[0].org_path : "";
}

int64_t user_insert(Db *db, const char *actor, const char *login, const char *name,
                    const char *password, Role role, int64_t org_id, const char *phone,
                    const char *email, int *dbrc)
{
    char hash[crypto_pwhash_STRBYTES];
    if (password_hash(hash, password) != 0) {
        *dbrc = DB_ERROR;
        return 0;
    }
    int64_t now = now_s(), id = 0;
    DbStmt *s = db_q(db,
                     "INSERT INTO users(login, name, pw_hash, phone, email, created_at,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     "sssssii", login, name, hash, phone ? phone : "", email ? email : "", now,
                     now);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    if (!id) {
        *dbrc = rc == DB_ROW ? DB_ERROR : rc;
        return 0;
    }
    rc = db_run(db, "INSERT INTO grants(user_id, role, org_id) VALUES (?, ?, ?)", "isi", id,
                role_name(role), org_id);
    const char *path = "", *code = "";
    DbStmt *o = db_q(db, "SELECT path, code FROM orgs WHERE id = ?", "i", org_id);
    char pbuf[512] = "", cbuf[64] = "";
    if (o && db_step(o) == DB_ROW) {
        snprintf(pbuf, sizeof pbuf, "%s", db_col_text(o, 0));
        snprintf(cbuf, sizeof cbuf, "%s", db_col_text(o, 1));
        path = pbuf;
        code = cbuf;
    }
    db_done(o);
    if (rc == DB_OK) {
        json_t *after = json_pack("{s:s,s:s,s:b,s:[{s:s,s:s}],s:s,s:s}", "login", login, "name",
                                  name, "active", 1, "roles", "role", role_name(role), "org",
                                  code, "phone", phone ? phone : "", "email", email ? email : "");
        rc = audit_log(db, actor, "user.create", "user", login, path, NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK) {
        *dbrc = rc;
        return 0;
    }
    return id;
}

/* ---- input checks shared by API, pages and CLI ---------------------------- */

typedef enum { U_OK, U_INVALID, U_NOT_FOUND, U_FORBIDDEN, U_CONFLICT, U_ERROR } UResult;

typedef struct UserInput {
    const char *login, *name, *password, *role, *org, *phone, *email, *lang;
    int has_active, active;
    const char *add_role, *add_org, *remove_role, *remove_org;
    const char *bad_field, *why;
} UserInput;

static int ufail(UserInput *in, const char *field, const char *why)
{
    if (!in->bad_field) in->bad_field = field, in->why = why;
    return 0;
}

static int check_contact(Req *r, UserInput *in)
{
    if (in->name && (!*in->name || !valid_text(in->name, 100)))
        return ufail(in, "name", T(r, "is required, at most 100 bytes, no control characters"));
    if (in->phone && !valid_text(in->phone, 32))
        return ufail(in, "phone", T(r, "must be at most 32 characters"));
    if (in->email && (!valid_text(in->email, 120) || (*in->email && !strchr(in->email, '@'))))
        return ufail(in, "email", T(r, "must be an e-mail address"));
    if (in->lang && *in->lang && !i18n_norm(in->lang))
        return ufail(in, "lang", T(r, "must be zh or en"));
    if (in->password && !password_ok(in->password))
        return ufail(in, "password", T(r, "must be 8 to 128 characters long"));
    return 1;
}

/* Checks that role may be granted at org by the caller; fills *o. */
static UResult check_grant(Req *r, UserInput *in, const char *role_s, const char *org_code,
                           Role *role, Org *o, const char *field)
{
    *role = role_from_name(role_s);
    if (!*role) {
        ufail(in, field, T(r, "names no known role"));
        return U_INVALID;
    }
    int f = valid_code(org_code) ? org_load(r->db, r->arena, org_code, o) : 0;
    if (f < 0) return U_ERROR;
    if (!f || !(can(r, CAP_USER_READ, o->path) || can(r, CAP_ORG_READ, o->path)))
        return U_NOT_FOUND;
    /* a role above the caller's is refused as such, wherever it was asked for */
    if (!can_grant(r, *role, o->path)) return U_FORBIDDEN;
    if (!role_fits_kind(*role, o->kind)) {
        ufail(in, field, T(r, "this role cannot be held at an organisation of this kind"));
        return U_INVALID;
    }
    return U_OK;
}

static UResult create_user(Req *r, UserInput *in)
{
    if (!valid_login(in->login)) {
        ufail(in, "login", T(r, "must be 2 to 64 of a-z, 0-9, '.', '_' or '-'"));
        return U_INVALID;
    }
    if (!in->name) in->name = "";
    if (!in->password) in->password = "";
    if (!check_contact(r, in)) return U_INVALID;
    Role role;
    Org o;
    UResult ur = check_grant(r, in, in->role ? in->role : "", in->org, &role, &o, "role");
    if (ur != U_OK) return ur;
    if (db_begin(r->db) != DB_OK) return U_ERROR;
    int rc = DB_OK;
    if (!user_insert(r->db, r->auth.login, in->login, in->name, in->password, role, o.id,
                     in->phone, in->email, &rc) ||
        db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return rc == DB_CONSTRAINT ? U_CONFLICT : U_ERROR;
    }
    return U_OK;
}

static UResult update_user(Req *r, const char *login, UserInput *in)
{
    Person p;
    int f = valid_login(login) ? person_load(r->db, r->arena, login, &p) : 0;
    if (f < 0) return U_ERROR;
    if (!f || !person_visible(r, &p)) return U_NOT_FOUND;
    if (!person_manageable(r, &p)) return U_FORBIDDEN;
    if (!check_contact(r, in)) return U_INVALID;
    Role add = ROLE_NONE, rem = ROLE_NONE;
    Org addo, remo;
    if (in->add_role) {
        UResult ur = check_grant(r, in, in->add_role, in->add_org, &add, &addo, "add_role");
        if (ur != U_OK) return ur;
    }
    if (in->remove_role) {
        UResult ur = check_grant(r, in, in->remove_role, in->remove_org, &rem, &remo,
                                 "remove_role");
        if (ur != U_OK) return ur;
        int held = 0;
        for (int i = 0; i < p.ngrants; i++)
            held |= p.grants[i].role == rem && strcmp(p.grants[i].org_code, remo.code) == 0;
        if (!held) return ufail(in, "remove_role", T(r, "the person does not hold this role")),
                          U_INVALID;
        if (p.ngrants == 1 && !in->add_role)
            return ufail(in, "remove_role", T(r, "a person keeps at least one role")), U_INVALID;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (in->password && password_hash(hash, in->password) != 0) return U_ERROR;
    json_t *before = person_json(&p, 1);
    if (db_begin(r->db) != DB_OK) {
        json_decref(before);
        return U_ERROR;
    }
    int64_t now = now_s();
    int rc = db_run(r->db,
                    "UPDATE users SET name = COALESCE(?, name), phone = COALESCE(?, phone),"
                    " email = COALESCE(?, email), lang = COALESCE(?, lang), updated_at = ?"
                    " WHERE id = ?",
                    "ssssii", in->name, in->phone, in->email,
                    in->lang ? (*in->lang ? i18n_norm(in->lang) : "") : NULL, now, p.id);
    if (rc == DB_OK && in->has_active)
        rc = db_run(r->db, "UPDATE users SET active = ? WHERE id = ?", "ii", (int64_t)in->active,
                    p.id);
    if (rc == DB_OK && in->password)
        rc = db_run(r->db, "UPDATE users SET pw_hash = ? WHERE id = ?", "si", hash, p.id);
    /* a new password or a deactivation ends the person's sessions */
    if (rc == DB_OK && (in->password || (in->has_active && !in->active)))
        rc = db_run(r->db, "DELETE FROM sessions WHERE user_id = ?", "i", p.id);
    if (rc == DB_OK && add)
        rc = db_run(r->db,
                    "INSERT INTO grants(user_id, role, org_id) VALUES (?, ?, ?)"
                    " ON CONFLICT (user_id, role, org_id) DO NOTHING",
                    "isi", p.id, role_name(add), addo.id);
    if (rc == DB_OK && rem)
        rc = db_run(r->db, "DELETE FROM grants WHERE user_id = ? AND role = ? AND org_id = ?",
                    "isi", p.id, role_name(rem), remo.id);
    Person np;
    if (rc == DB_OK && person_load(r->db, r->arena, p.login, &np) != 1) rc = DB_ERROR;
    if (rc == DB_OK) {
        json_t *after = person_json(&np, 1);
        if (in->password) json_object_set_new(after, "password", json_string("changed"));
        rc = audit_log(r->db, r->auth.login, "user.update", "user", p.login, person_path(&p),
                       before, after);
        json_decref(after);
    }
    json_decref(before);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return U_ERROR;
    }
    return U_OK;
}

static void send_uerror(Req *r, UResult ur, const UserInput *in)
{
    switch (ur) {
    case U_INVALID:
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", in->bad_field, in->why));
        break;
    case U_NOT_FOUND: req_not_found(r); break;
    case U_FORBIDDEN:
        req_error(r, 403, "forbidden",
                  T(r, "You cannot grant or change a role above your own or outside your reach."));
        break;
    case U_CONFLICT:
        req_error(r, 409, "conflict", T(r, "This login name is taken."));
        break;
    default: req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    }
}

/* ---- API ----------------------------------------------------------------- */

#define USER_LIST_SQL                                                                             \
    "SELECT u.login FROM users u WHERE EXISTS (SELECT 1 FROM grants ug JOIN orgs uo"              \
    " ON uo.id = ug.org_id WHERE ug.user_id = u.id AND " REACH_SQL("uo.path")                     \
    " AND (CAST(? AS TEXT) IS NULL OR substr(uo.path, 1, length(?)) = ?)"                       \
    " AND (CAST(? AS TEXT) IS NULL OR ug.role = ?))"                                            \
    " AND (CAST(? AS TEXT) IS NULL OR u.login LIKE ? ESCAPE '!' OR u.name LIKE ? ESCAPE '!')"   \
    " AND u.login > ? ORDER BY u.login LIMIT ?"

/* Parsed list arguments; 0 (and an error sent) when one is bad. */
typedef struct UserQuery {
    const char *org_path, *role, *q, *cursor;
    int64_t limit;
} UserQuery;

static int user_query_args(Req *r, UserQuery *uq)
{
    memset(uq, 0, sizeof *uq);
    uq->limit = 50;
    const char *org = req_query(r, "org"), *role = req_query(r, "role"), *q = req_query(r, "q"),
               *cursor = req_query(r, "cursor"), *lim = req_query(r, "limit");
    if (lim && !parse_int(lim, 1, 500, &uq->limit)) {
        req_error(r, 400, "bad_param", T(r, "limit must be a whole number from 1 to 500."));
        return 0;
    }
    if (role && *role) {
        if (!role_from_name(role)) {
            req_error(r, 400, "bad_param", T(r, "role names no known role."));
            return 0;
        }
        uq->role = role;
    }
    if (q && *q) {
        if (!valid_text(q, 100)) {
            req_error(r, 400, "bad_param", T(r, "q or cursor is not valid."));
            return 0;
        }
        char *like = arena_alloc(r->arena, strlen(q) * 2 + 3), *o = like;
        *o++ = '%';
        for (const char *p = q; *p; p++) {
            if (*p == '%' || *p == '_' || *p == '!') *o++ = '!';
            *o++ = *p;
        }
        *o++ = '%';
        uq->q = like;
    }
    if (cursor && *cursor) {
        if (!valid_login(cursor)) {
            req_error(r, 400, "bad_param", T(r, "q or cursor is not valid."));
            return 0;
        }
        uq->cursor = cursor;
    }
    if (org && *org) {
        Org o;
        int f = valid_code(org) ? org_load(r->db, r->arena, org, &o) : 0;
        if (f != 1 || !(can(r, CAP_USER_READ, o.path) || can(r, CAP_ORG_READ, o.path))) {
            req_not_found(r);
            return 0;
        }
        uq->org_path = o.path;
    }
    return 1;
}

static DbStmt *user_list_query(Req *r, const UserQuery *uq, int64_t limit)
{
    return db_q(r->db, USER_LIST_SQL, "issssssssssi", REACH_ARGS(r, CAP_USER_READ), uq->org_path,
                uq->org_path, uq->org_path, uq->role, uq->role, uq->q, uq->q, uq->q,
                uq->cursor ? uq->cursor : "", limit);
}

void user_api_list(Req *r)
{
    UserQuery uq;
    if (!user_query_args(r, &uq)) return;
    DbStmt *s = user_list_query(r, &uq, uq.limit + 1);
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    /* collect logins first: person_load runs its own statements */
    const char **logins = arena_alloc(r->arena, sizeof(char *) * (size_t)(uq.limit + 1));
    int n = 0, more = 0;
    while (db_step(s) == DB_ROW) {
        if (n == uq.limit) {
            more = 1;
            break;
        }
        logins[n++] = arena_strdup(r->arena, db_col_text(s, 0));
    }
    db_done(s);
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        Person p;
        if (person_load(r->db, r->arena, logins[i], &p) == 1)
            json_array_append_new(items, person_json(&p, 1));
    }
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor", more && n ? json_string(logins[n - 1]) : json_null());
    req_send_json(r, 200, out);
}

void user_api_get(Req *r)
{
    Person p;
    const char *login = req_param(r, "login");
    int f = valid_login(login) ? person_load(r->db, r->arena, login, &p) : 0;
    if (f != 1 || !person_visible(r, &p)) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, person_json(&p, 1));
}

/* Reads a string member; 0 (and the field marked) if present but not a string. */
static int jstr(json_t *j, const char *key, const char **out, UserInput *in, Req *r)
{
    json_t *v = json_object_get(j, key);
    if (!v) return 1;
    if (!json_is_string(v)) return ufail(in, key, T(r, "must be a string"));
    *out = arena_strdup(r->arena, json_string_value(v));
    return 1;
}

/* Reads {"role","org"} into role/org; 0 if malformed. */
static int jrole(json_t *j, const char *key, const char **role, const char **org, UserInput *in,
                 Req *r)
{
    json_t *v = json_object_get(j, key);
    if (!v) return 1;
    const char *ro = json_string_value(json_object_get(v, "role"));
    const char *og = json_string_value(json_object_get(v, "org"));
    if (!json_is_object(v) || !ro || !og || json_object_size(v) != 2)
        return ufail(in, key, T(r, "must be an object {\"role\", \"org\"}"));
    *role = arena_strdup(r->arena, ro);
    *org = arena_strdup(r->arena, og);
    return 1;
}

void user_api_create(Req *r)
{
    static const char *const fields[] = {"login", "name",  "password", "role",
                                         "org",   "phone", "email",    NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    UserInput in = {0};
    int ok = jstr(j, "login", &in.login, &in, r) && jstr(j, "name", &in.name, &in, r) &&
             jstr(j, "password", &in.password, &in, r) && jstr(j, "role", &in.role, &in, r) &&
             jstr(j, "org", &in.org, &in, r) && jstr(j, "phone", &in.phone, &in, r) &&
             jstr(j, "email", &in.email, &in, r);
    json_decref(j);
    UResult ur = ok ? create_user(r, &in) : U_INVALID;
    if (ur != U_OK) {
        send_uerror(r, ur, &in);
        return;
    }
    Person p;
    person_load(r->db, r->arena, in.login, &p);
    req_add_header(r, "Location", arena_printf(r->arena, "/api/v1/users/%s", in.login));
    req_send_json(r, 201, person_json(&p, 1));
}

void user_api_patch(Req *r)
{
    static const char *const fields[] = {"name",  "password", "active",   "lang",        "phone",
                                         "email", "add_role", "remove_role", NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    UserInput in = {0};
    int ok = jstr(j, "name", &in.name, &in, r) && jstr(j, "password", &in.password, &in, r) &&
             jstr(j, "lang", &in.lang, &in, r) && jstr(j, "phone", &in.phone, &in, r) &&
             jstr(j, "email", &in.email, &in, r) &&
             jrole(j, "add_role", &in.add_role, &in.add_org, &in, r) &&
             jrole(j, "remove_role", &in.remove_role, &in.remove_org, &in, r);
    json_t *ja = json_object_get(j, "active");
    if (ok && ja) {
        if (!json_is_boolean(ja))
            ok = ufail(&in, "active", T(r, "must be true or false"));
        else
            in.has_active = 1, in.active = json_is_true(ja);
    }
    json_decref(j);
    const char *login = req_param(r, "login");
    UResult ur = ok ? update_user(r, login, &in) : U_INVALID;
    if (ur != U_OK) {
        send_uerror(r, ur, &in);
        return;
    }
    Person p;
    person_load(r->db, r->arena, login, &p);
    req_send_json(r, 200, person_json(&p, 1));
}

/* ---- pages --------------------------------------------------------------- */

void user_page_index(Req *r)
{
    UserQuery uq;
    if (!user_query_args(r, &uq)) return;
    page_begin(r, T(r, "People"));
    hf(r, "<h1>%s</h1>", T(r, "People"));
    const char *org = req_query(r, "org"), *q = req_query(r, "q"), *role = req_query(r, "role");
    hf(r,
       "<form method=get action=\"/users\" class=filters><label>%s <input name=q value=\"%s\">"
       "</label> <label>%s <input name=org value=\"%s\" size=10></label> <label>%s <select "
       "name=role><option value=\"\">—</option>",
       T(r, "Search"), q ? q : "", T(r, "Organisation code"), org ? org : "", T(r, "Role"));
    for (int ro = 1; ro < ROLE_COUNT; ro++)
        hf(r, "<option value=\"%s\"%s>%s</option>", role_name((Role)ro),
           role && strcmp(role, role_name((Role)ro)) == 0 ? " selected" : "",
           T(r, role_label((Role)ro)));
    hf(r, "</select></label> <button>%s</button></form>", T(r, "Filter"));
    if (r->auth.caps & CAPBIT(CAP_USER_WRITE))
        hf(r, "<p><a class=button href=\"/users/new%s%s\">%s</a></p>", org ? "?org=" : "",
           org ? url_encode(r->arena, org) : "", T(r, "Add a person"));
    DbStmt *s = user_list_query(r, &uq, uq.limit + 1);
    const char **logins = arena_alloc(r->arena, sizeof(char *) * (size_t)(uq.limit + 1));
    int n = 0, more = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == uq.limit) {
            more = 1;
            break;
        }
        logins[n++] = arena_strdup(r->arena, db_col_text(s, 0));
    }
    db_done(s);
    hf(r,
       "<div class=scroll><table><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
       "<tbody>",
       T(r, "Name"), T(r, "Login name"), T(r, "Roles"));
    for (int i = 0; i < n; i++) {
        Person p;
        if (person_load(r->db, r->arena, logins[i], &p) != 1) continue;
        hf(r, "<tr%s><td><a href=\"/users/%s\">%s</a></td><td>%s</td><td>",
           p.active ? "" : " class=inactive", p.login, p.name, p.login);
        for (int k = 0; k < p.ngrants; k++)
            hf(r, "%s%s · %s", k ? "<br>" : "", T(r, role_label(p.grants[k].role)),
               p.grants[k].org_name);
        H(r, "</td></tr>");
    }
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "Nothing found."));
    if (more)
        hf(r, "<p><a href=\"/users?cursor=%s&amp;org=%s&amp;role=%s&amp;q=%s\">%s</a></p>",
           logins[n - 1], url_encode(r->arena, org), url_encode(r->arena, role),
           url_encode(r->arena, q), T(r, "More"));
    page_end(r);
}

static void role_select(Req *r, const char *name, const char *current)
{
    hf(r, "<select name=%s>", name);
    for (int ro = 1; ro < ROLE_COUNT; ro++)
        hf(r, "<option value=\"%s\"%s>%s</option>", role_name((Role)ro),
           current && strcmp(current, role_name((Role)ro)) == 0 ? " selected" : "",
           T(r, role_label((Role)ro)));
    H(r, "</select>");
}

static void uerr(Req *r, const UserInput *in, const char *field)
{
    if (in && in->bad_field && strcmp(in->bad_field, field) == 0)
        hf(r, "<span class=field-error>%s</span>", in->why);
}

static void new_form(Req *r, const UserInput *in, int status)
{
    page_begin(r, T(r, "Add a person"));
    r->status = status;
    hf(r, "<h1>%s</h1>", T(r, "Add a person"));
    if (in && in->bad_field)
        page_notice(r, "error", arena_printf(r->arena, "%s: %s", T(r, "Not saved"), in->why));
    H(r, "<form method=post action=\"/users\" class=card>");
    form_csrf(r);
    hf(r, "<label>%s<input name=login required maxlength=64 autocapitalize=none value=\"%s\">",
       T(r, "Login name"), in && in->login ? in->login : "");
    uerr(r, in, "login");
    hf(r, "</label><label>%s<input name=name required maxlength=100 value=\"%s\">", T(r, "Name"),
       in && in->name ? in->name : "");
    uerr(r, in, "name");
    hf(r, "</label><label>%s<input name=password type=password required minlength=8 "
          "autocomplete=new-password>",
       T(r, "Password"));
    uerr(r, in, "password");
    hf(r, "</label><label>%s", T(r, "Role"));
    role_select(r, "role", in ? in->role : NULL);
    uerr(r, in, "role");
    hf(r, "</label><label>%s<input name=org required maxlength=32 value=\"%s\">",
       T(r, "Organisation code"), in && in->org ? in->org : (req_query(r, "org") ? req_query(r, "org") : ""));
    uerr(r, in, "org");
    hf(r, "</label><label>%s<input name=phone type=tel maxlength=32 value=\"%s\">",
       T(r, "Phone (optional)"), in && in->phone ? in->phone : "");
    uerr(r, in, "phone");
    hf(r, "</label><label>%s<input name=email type=email maxlength=120 value=\"%s\">",
       T(r, "E-mail (optional)"), in && in->email ? in->email : "");
    uerr(r, in, "email");
    hf(r, "</label><button>%s</button></form>", T(r, "Save"));
    page_end(r);
}

void user_page_new(Req *r) { new_form(r, NULL, 200); }

void user_page_create(Req *r)
{
    UserInput in = {0};
    in.login = req_form(r, "login");
    in.name = req_form(r, "name");
    in.password = req_form(r, "password");
    in.role = req_form(r, "role");
    in.org = req_form(r, "org");
    in.phone = req_form(r, "phone");
    in.email = req_form(r, "email");
    UResult ur = create_user(r, &in);
    if (ur == U_OK) {
        req_redirect(r, arena_printf(r->arena, "/users/%s", in.login));
        return;
    }
    if (ur == U_CONFLICT) ufail(&in, "login", T(r, "This login name is taken."));
    if (ur == U_NOT_FOUND) ufail(&in, "org", T(r, "No such organisation in your reach."));
    if (ur == U_FORBIDDEN)
        ufail(&in, "role", T(r, "You cannot grant a role above your own or outside your reach."));
    if (ur == U_ERROR) {
        send_uerror(r, ur, &in);
        return;
    }
    new_form(r, &in, ur == U_FORBIDDEN ? 403 : 422);
}

static void show_person(Req *r, const Person *p, const UserInput *in, const char *notice,
                        int status)
{
    page_begin(r, p->name);
    r->status = status;
    hf(r, "<h1>%s</h1>", p->name);
    if (notice) page_notice(r, "ok", notice);
    if (in && in->bad_field)
        page_notice(r, "error", arena_printf(r->arena, "%s: %s", T(r, "Not saved"), in->why));
    hf(r, "<dl class=facts><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>", T(r, "Login name"),
       p->login, T(r, "Status"), p->active ? T(r, "Active") : T(r, "Inactive"));
    if (p->phone && *p->phone) hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Phone"), p->phone);
    if (p->email && *p->email) hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "E-mail"), p->email);
    hf(r, "<dt>%s</dt><dd><ul>", T(r, "Roles"));
    int manage = person_manageable(r, p);
    for (int i = 0; i < p->ngrants; i++) {
        hf(r, "<li>%s · <a href=\"/orgs/%s\">%s</a>", T(r, role_label(p->grants[i].role)),
           p->grants[i].org_code, p->grants[i].org_name);
        if (manage && p->ngrants > 1) {
            hf(r, " <form method=post action=\"/users/%s\" class=inline>", p->login);
            form_csrf(r);
            hf(r,
               "<input type=hidden name=action value=remove_role><input type=hidden "
               "name=remove_role value=\"%s\"><input type=hidden name=remove_org value=\"%s\">"
               "<button class=link>%s</button></form>",
               role_name(p->grants[i].role), p->grants[i].org_code, T(r, "Remove"));
        }
        H(r, "</li>");
    }
    H(r, "</ul></dd></dl>");
    if (manage) {
        hf(r, "<form method=post action=\"/users/%s\" class=card><h2>%s</h2>", p->login,
           T(r, "Edit"));
        form_csrf(r);
        hf(r,
           "<input type=hidden name=action value=update><label>%s<input name=name required "
           "maxlength=100 value=\"%s\">",
           T(r, "Name"), p->name);
        uerr(r, in, "name");
        hf(r, "</label><label>%s<input name=phone type=tel maxlength=32 value=\"%s\">",
           T(r, "Phone (optional)"), p->phone);
        uerr(r, in, "phone");
        hf(r, "</label><label>%s<input name=email type=email maxlength=120 value=\"%s\">",
           T(r, "E-mail (optional)"), p->email);
        uerr(r, in, "email");
        hf(r,
           "</label><label>%s<input name=password type=password minlength=8 "
           "autocomplete=new-password></label>",
           T(r, "New password (leave empty to keep)"));
        uerr(r, in, "password");
        hf(r, "<label class=check><input type=checkbox name=active%s> %s</label>",
           p->active ? " checked" : "", T(r, "Active"));
        hf(r, "<button>%s</button></form>", T(r, "Save"));
        hf(r, "<form method=post action=\"/users/%s\" class=card><h2>%s</h2>", p->login,
           T(r, "Grant a role"));
        form_csrf(r);
        hf(r, "<input type=hidden name=action value=add_role><label>%s", T(r, "Role"));
        role_select(r, "add_role", NULL);
        uerr(r, in, "add_role");
        hf(r,
           "</label><label>%s<input name=add_org required maxlength=32></label>"
           "<button>%s</button></form>",
           T(r, "Organisation code"), T(r, "Grant"));
    }
    page_end(r);
}

void user_page_show(Req *r)
{
    Person p;
    const char *login = req_param(r, "login");
    int f = valid_login(login) ? person_load(r->db, r->arena, login, &p) : 0;
    if (f != 1 || !person_visible(r, &p)) {
        req_not_found(r);
        return;
    }
    show_person(r, &p, NULL, NULL, 200);
}

void user_page_update(Req *r)
{
    const char *login = req_param(r, "login"), *action = req_form(r, "action");
    UserInput in = {0};
    if (action && strcmp(action, "add_role") == 0) {
        in.add_role = req_form(r, "add_role");
        in.add_org = req_form(r, "add_org");
        if (!in.add_role || !in.add_org) ufail(&in, "add_role", T(r, "names no known role"));
    } else if (action && strcmp(action, "remove_role") == 0) {
        in.remove_role = req_form(r, "remove_role");
        in.remove_org = req_form(r, "remove_org");
        if (!in.remove_role || !in.remove_org)
            ufail(&in, "remove_role", T(r, "names no known role"));
    } else {
        in.name = req_form(r, "name");
        in.phone = req_form(r, "phone");
        in.email = req_form(r, "email");
        in.password = req_form(r, "password");
        if (in.password && !*in.password) in.password = NULL;
        in.has_active = 1;
        in.active = req_form(r, "active") != NULL;
    }
    UResult ur = in.bad_field ? U_INVALID : update_user(r, login, &in);
    Person p;
    int f = valid_login(login) ? person_load(r->db, r->arena, login, &p) : 0;
    if (ur == U_NOT_FOUND || f != 1 || !person_visible(r, &p)) {
        req_not_found(r);
        return;
    }
    if (ur == U_OK) {
        show_person(r, &p, NULL, T(r, "Saved."), 200);
        return;
    }
    if (ur == U_FORBIDDEN || ur == U_ERROR) {
        send_uerror(r, ur, &in);
        return;
    }
    show_person(r, &p, &in, NULL, 422);
}

/* ---- CLI ----------------------------------------------------------------- */

int user_cli_add(Db *db, const char *login, const char *role_s, const char *org_code,
                 const char *name)
{
    Role role = role_from_name(role_s);
    if (!valid_login(login)) {
        fprintf(stderr, "huiju: user add: login must be 2 to 64 of a-z, 0-9, '.', '_', '-'\n");
        return 2;
    }
    if (!role) {
        fprintf(stderr, "huiju: user add: unknown role %s\n", role_s ? role_s : "(none)");
        return 2;
    }
    Arena *a = arena_new();
    Org o;
    int f = valid_code(org_code) ? org_load(db, a, org_code, &o) : 0;
    if (f != 1) {
        fprintf(stderr, "huiju: user add: no organisation with code %s\n",
                org_code ? org_code : "(none)");
        arena_free(a);
        return 2;
    }
    if (!role_fits_kind(role, o.kind)) {
        fprintf(stderr, "huiju: user add: a %s cannot be held at a %s\n", role_s, o.kind);
        arena_free(a);
        return 2;
    }
    char pw[256];
    if (!fgets(pw, sizeof pw, stdin)) pw[0] = 0;
    pw[strcspn(pw, "\r\n")] = 0;
    if (!password_ok(pw)) {
        fprintf(stderr, "huiju: user add: the password (one line on standard input) must be 8 "
                        "to 128 characters\n");
        sodium_memzero(pw, sizeof pw);
        arena_free(a);
        return 2;
    }
    int rc = db_begin(db);
    int64_t id = rc == DB_OK ? user_insert(db, "cli", login, name ? name : login, pw, role, o.id,
                                           NULL, NULL, &rc)
                             : 0;
    sodium_memzero(pw, sizeof pw);
    if (!id || db_commit(db) != DB_OK) {
        db_rollback(db);
        fprintf(stderr, "huiju: user add: %s\n",
                rc == DB_CONSTRAINT ? "this login name is taken" : db_errmsg(db));
        arena_free(a);
        return 1;
    }
    printf("added %s as %s at %s\n", login, role_s, o.code);
    arena_free(a);
    return 0;
}
