/* login.c — see login.h. */
#include "login.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "core/util.h"
#include "http/session.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "user.h"

/* The path of the first unit where the caller holds a role ("" if none): where
 * records about their own account belong. */
static const char *home_path(Req *r)
{
    return r->auth.ngrants ? r->auth.grants[0].org_path : "";
}

json_t *me_json(Req *r)
{
    json_t *roles = json_array();
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        json_array_append_new(roles, json_pack("{s:s,s:s,s:s}", "role", role_name(g->role), "org",
                                               g->org_code, "org_name", g->org_name));
    }
    json_t *caps = json_array();
    for (int c = CAP_LOGIN; c < CAP_COUNT; c++)
        if (r->auth.caps & CAPBIT(c)) json_array_append_new(caps, json_string(cap_name((Cap)c)));
    return json_pack("{s:s,s:s,s:s,s:o,s:o}", "login", r->auth.login, "name", r->auth.name,
                     "lang", r->auth.lang ? r->auth.lang : "", "roles", roles, "capabilities",
                     caps);
}

/* A local path to go to after login: must start with one '/', else "/". */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strchr(next, '\r') ||
        strchr(next, '\n'))
        return "/";
    return next;
}

static void login_form(Req *r, int status, const char *error, const char *login, const char *next)
{
    page_begin(r, T(r, "Log in"));
    r->status = status;
    hf(r, "<section class=card><h1>%s</h1><p class=lead>%s</p>", T(r, "Log in"),
       T(r, "School-based assistance work management platform"));
    if (error) page_notice(r, "error", error);
    hf(r,
       "<form method=post action=\"/login\"><input type=hidden name=next value=\"%s\">"
       "<label>%s<input name=login autocomplete=username autocapitalize=none required "
       "value=\"%s\"></label>"
       "<label>%s<input name=password type=password autocomplete=current-password "
       "required></label><button>%s</button></form></section>",
       next ? next : "/", T(r, "Login name"), login ? login : "", T(r, "Password"),
       T(r, "Log in"));
    page_end(r);
}

void login_page(Req *r)
{
    if (r->auth.user_id) {
        req_redirect(r, safe_next(req_query(r, "next")));
        return;
    }
    login_form(r, 200, NULL, NULL, safe_next(req_query(r, "next")));
}

void login_submit(Req *r)
{
    const char *login = req_form(r, "login"), *pw = req_form(r, "password");
    const char *next = safe_next(req_form(r, "next"));
    if (!login || !pw || !*login || !*pw || !valid_text(login, 64) || strlen(pw) > 1024) {
        login_form(r, 400, T(r, "Please enter your login name and password."), NULL, next);
        return;
    }
    char token[65];
    switch (session_login(r, login, pw, token)) {
    case LOGIN_OK:
        session_cookie(r, token);
        sodium_memzero(token, sizeof token);
        req_redirect(r, next);
        return;
    case LOGIN_BAD:
        login_form(r, 401, T(r, "The login name or password is wrong."), login, next);
        return;
    case LOGIN_THROTTLED:
        login_form(r, 429, T(r, "Too many failed attempts. Please wait 15 minutes and try again."),
                   login, next);
        return;
    default:
        login_form(r, 503, T(r, "The service is busy. Please try again."), login, next);
    }
}

void logout_submit(Req *r)
{
    session_logout(r);
    session_cookie(r, NULL);
    req_redirect(r, "/login");
}

void session_api_create(Req *r)
{
    static const char *const fields[] = {"login", "password", NULL};
    json_t *in = req_json_object(r, fields);
    if (!in) return;
    const char *login = json_string_value(json_object_get(in, "login"));
    const char *pw = json_string_value(json_object_get(in, "password"));
    if (!login || !pw || !*login || !valid_text(login, 64) || strlen(pw) > 1024) {
        json_decref(in);
        req_error(r, 422, "invalid", T(r, "login and password must be non-empty strings."));
        return;
    }
    char token[65];
    LoginResult lr = session_login(r, login, pw, token);
    json_decref(in);
    if (lr == LOGIN_BAD) {
        req_error(r, 401, "bad_credentials", T(r, "The login name or password is wrong."));
    } else if (lr == LOGIN_THROTTLED) {
        req_add_header(r, "Retry-After", "900");
        req_error(r, 429, "throttled",
                  T(r, "Too many failed attempts. Please wait 15 minutes and try again."));
    } else if (lr != LOGIN_OK) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
    } else {
        session_cookie(r, token);
        req_send_json(r, 200,
                      json_pack("{s:s,s:o,s:s}", "token", token, "user", me_json(r), "csrf",
                                r->auth.csrf));
        sodium_memzero(token, sizeof token);
    }
}

void session_api_delete(Req *r)
{
    session_logout(r);
    session_cookie(r, NULL);
    r->status = 204;
    r->ctype = "application/json";
}

void me_api_get(Req *r)
{
    req_send_json(r, 200,
                  json_pack("{s:o,s:s}", "user", me_json(r), "csrf",
                            r->auth.csrf ? r->auth.csrf : ""));
}

/* Applies a language and/or password change for the caller. Returns NULL on
 * success or the (translated) reason it was refused. */
static const char *update_me(Req *r, const char *lang, const char *current, const char *pw)
{
    if (lang && *lang && !i18n_norm(lang)) return T(r, "Language must be zh or en.");
    if (pw) {
        if (!password_ok(pw)) return T(r, "The new password must be 8 to 128 characters long.");
        char stored[crypto_pwhash_STRBYTES] = "";
        DbStmt *s = db_q(r->db, "SELECT pw_hash FROM users WHERE id = ?", "i", r->auth.user_id);
        if (s && db_step(s) == DB_ROW) snprintf(stored, sizeof stored, "%s", db_col_text(s, 0));
        db_done(s);
        if (!current || crypto_pwhash_str_verify(stored, current, strlen(current)) != 0)
            return T(r, "The current password is wrong.");
    }
    char hash[crypto_pwhash_STRBYTES];
    if (pw && password_hash(hash, pw) != 0) return T(r, "The service is busy. Please try again.");
    if (db_begin(r->db) != DB_OK) return T(r, "The service is busy. Please try again.");
    int rc = DB_OK;
    json_t *after = json_object();
    if (lang && *lang) {
        rc = db_run(r->db, "UPDATE users SET lang = ?, updated_at = ? WHERE id = ?", "sii",
                    i18n_norm(lang), now_s(), r->auth.user_id);
        json_object_set_new(after, "lang", json_string(i18n_norm(lang)));
    }
    if (rc == DB_OK && pw) {
        rc = db_run(r->db, "UPDATE users SET pw_hash = ?, updated_at = ? WHERE id = ?", "sii",
                    hash, now_s(), r->auth.user_id);
        /* every other session of this person ends with the old password */
        if (rc == DB_OK)
            rc = db_run(r->db, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", "is",
                        r->auth.user_id, r->auth.session_hash ? r->auth.session_hash : "");
        json_object_set_new(after, "password", json_string("changed"));
    }
    if (rc == DB_OK)
        rc = audit_log(r->db, r->auth.login, "user.update_self", "user", r->auth.login,
                       home_path(r), NULL, after);
    json_decref(after);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return T(r, "The service is busy. Please try again.");
    }
    if (lang && *lang) r->auth.lang = i18n_norm(lang);
    return NULL;
}

void me_api_patch(Req *r)
{
    static const char *const fields[] = {"lang", "password", "current_password", NULL};
    json_t *in = req_json_object(r, fields);
    if (!in) return;
    json_t *jl = json_object_get(in, "lang"), *jp = json_object_get(in, "password"),
           *jc = json_object_get(in, "current_password");
    if ((jl && !json_is_string(jl)) || (jp && !json_is_string(jp)) ||
        (jc && !json_is_string(jc))) {
        json_decref(in);
        req_error(r, 422, "invalid", T(r, "lang, password and current_password are strings."));
        return;
    }
    const char *why = update_me(r, json_string_value(jl), json_string_value(jc),
                                json_string_value(jp));
    json_decref(in);
    if (why) {
        req_error(r, 422, "invalid", why);
        return;
    }
    me_api_get(r);
}

static void me_render(Req *r, const char *notice, const char *error)
{
    page_begin(r, T(r, "My account"));
    hf(r, "<h1>%s</h1>", T(r, "My account"));
    if (notice) page_notice(r, "ok", notice);
    if (error) page_notice(r, "error", error);
    hf(r, "<dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd><ul>",
       T(r, "Login name"), r->auth.login, T(r, "Name"), r->auth.name, T(r, "Roles"));
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        hf(r, "<li>%s · <a href=\"/orgs/%s\">%s</a></li>", T(r, role_label(g->role)),
           g->org_code, g->org_name);
    }
    H(r, "</ul></dd></dl><section class=card><form method=post action=\"/me\">");
    form_csrf(r);
    int en = r->auth.lang && strcmp(r->auth.lang, "en") == 0;
    hf(r,
       "<h2>%s</h2><label>%s<select name=lang><option value=zh%s>中文</option>"
       "<option value=en%s>English</option></select></label>",
       T(r, "Settings"), T(r, "Language"), en ? "" : " selected", en ? " selected" : "");
    hf(r,
       "<label>%s<input type=password name=current_password autocomplete=current-password>"
       "</label><label>%s<input type=password name=password autocomplete=new-password "
       "minlength=8></label><button>%s</button></form></section>",
       T(r, "Current password (only to change it)"), T(r, "New password"), T(r, "Save"));
    page_end(r);
}

void me_page(Req *r) { me_render(r, NULL, NULL); }

void me_submit(Req *r)
{
    const char *pw = req_form(r, "password");
    if (pw && !*pw) pw = NULL;
    const char *why = update_me(r, req_form(r, "lang"), req_form(r, "current_password"), pw);
    if (why) {
        r->status = 422;
        me_render(r, NULL, why);
        r->status = 422;
        return;
    }
    r->lang = r->auth.lang && *r->auth.lang ? r->auth.lang : r->lang;
    me_render(r, T(r, "Saved."), NULL);
}

/* ---- API tokens for other systems -------------------------------------- */

void token_api_create(Req *r)
{
    static const char *const fields[] = {"name", "days", NULL};
    json_t *in = req_json_object(r, fields);
    if (!in) return;
    const char *name = json_string_value(json_object_get(in, "name"));
    json_t *jd = json_object_get(in, "days");
    int64_t days = jd ? json_integer_value(jd) : 90;
    if (!name || !*name || !valid_text(name, 100) || (jd && !json_is_integer(jd)) || days < 1 ||
        days > 3660) {
        json_decref(in);
        req_error(r, 422, "invalid",
                  T(r, "name must be a text of up to 100 bytes and days a whole number from 1 "
                       "to 3660."));
        return;
    }
    char token[65], hash[65];
    random_token(token);
    hash_hex(hash, token, 64);
    int64_t now = now_s(), exp = now + days * 86400, id = 0;
    int rc = db_begin(r->db);
    DbStmt *s = rc == DB_OK ? db_q(r->db,
                                   "INSERT INTO api_tokens(token_hash, user_id, name, created_at,"
                                   " expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                   "sisii", hash, r->auth.user_id, name, now, exp)
                            : NULL;
    if (s && db_step(s) == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    json_t *after = json_pack("{s:I,s:s,s:I}", "id", (json_int_t)id, "name", name, "expires_at",
                              (json_int_t)exp);
    if (id) rc = audit_log(r->db, r->auth.login, "token.create", "token",
                           arena_printf(r->arena, "%lld", (long long)id), home_path(r), NULL,
                           after);
    if (!id || rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        json_decref(after);
        json_decref(in);
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    json_object_set_new(after, "token", json_string(token));
    sodium_memzero(token, sizeof token);
    json_decref(in);
    req_send_json(r, 201, after);
}

void token_api_list(Req *r)
{
    DbStmt *s = db_q(r->db,
                     "SELECT id, name, created_at, expires_at, revoked_at FROM api_tokens"
                     " WHERE user_id = ? ORDER BY id",
                     "i", r->auth.user_id);
    json_t *items = json_array();
    while (s && db_step(s) == DB_ROW) {
        json_t *t = json_pack("{s:I,s:s,s:I,s:I}", "id", (json_int_t)db_col_int(s, 0), "name",
                              db_col_text(s, 1), "created_at", (json_int_t)db_col_int(s, 2),
                              "expires_at", (json_int_t)db_col_int(s, 3));
        json_object_set_new(t, "revoked_at",
                            db_col_is_null(s, 4) ? json_null()
                                                 : json_integer(db_col_int(s, 4)));
        json_array_append_new(items, t);
    }
    db_done(s);
    req_send_json(r, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

void token_api_delete(Req *r)
{
    int64_t id;
    if (!parse_int(req_param(r, "id"), 1, INT64_MAX, &id)) {
        req_not_found(r);
        return;
    }
    int64_t owner = 0;
    if (db_int(r->db, &owner,
               "SELECT user_id FROM api_tokens WHERE id = ? AND revoked_at IS NULL", "i",
               id) != 1 ||
        owner != r->auth.user_id) {
        req_not_found(r); /* someone else's token looks like no token */
        return;
    }
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = db_run(r->db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", "ii", now_s(), id);
    if (rc == DB_OK)
        rc = audit_log(r->db, r->auth.login, "token.revoke", "token", req_param(r, "id"),
                       home_path(r), NULL, NULL);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    r->status = 204;
    r->ctype = "application/json";
}
