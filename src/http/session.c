/* session.c — see session.h. Tokens are 256 random bits; the database keeps
 * only their BLAKE2b hash, so a stolen database holds no usable credential. */
#include "http/session.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "core/util.h"

int auth_load_user(Req *r, int64_t user_id)
{
    DbStmt *s = db_q(r->db, "SELECT login, name, lang FROM users WHERE id = ? AND active = 1",
                     "i", user_id);
    if (!s || db_step(s) != DB_ROW) {
        db_done(s);
        return 0;
    }
    Auth *a = &r->auth;
    a->user_id = user_id;
    a->login = arena_strdup(r->arena, db_col_text(s, 0));
    a->name = arena_strdup(r->arena, db_col_text(s, 1));
    a->lang = arena_strdup(r->arena, db_col_text(s, 2));
    db_done(s);
    int64_t n = 0;
    db_int(r->db, &n, "SELECT count(*) FROM grants WHERE user_id = ?", "i", user_id);
    a->grants = arena_alloc(r->arena, sizeof(Grant) * (size_t)(n + 1));
    a->ngrants = 0;
    a->caps = 0;
    s = db_q(r->db,
             "SELECT g.role, o.id, o.code, o.path, o.kind, o.name_zh FROM grants g"
             " JOIN orgs o ON o.id = g.org_id WHERE g.user_id = ? ORDER BY o.depth, o.code",
             "i", user_id);
    while (s && db_step(s) == DB_ROW && a->ngrants < n) {
        Role role = role_from_name(db_col_text(s, 0));
        if (!role) continue;
        Grant *g = &a->grants[a->ngrants++];
        g->role = role;
        g->org_id = db_col_int(s, 1);
        g->org_code = arena_strdup(r->arena, db_col_text(s, 2));
        g->org_path = arena_strdup(r->arena, db_col_text(s, 3));
        g->org_kind = arena_strdup(r->arena, db_col_text(s, 4));
        g->org_name = arena_strdup(r->arena, db_col_text(s, 5));
        a->caps |= role_caps(role);
    }
    db_done(s);
    return 1;
}

/* Looks the token up as a session; 1 and r->auth filled if it is alive, 0 if
 * not, -1 when the database could not be asked. */
static int resolve_session(Req *r, const char *hash, int via_cookie)
{
    DbStmt *s = db_q(r->db,
                     "SELECT user_id, csrf, created_at, seen_at FROM sessions WHERE token_hash = ?",
                     "s", hash);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc != DB_ROW) {
        db_done(s);
        return rc == DB_DONE ? 0 : -1;
    }
    int64_t uid = db_col_int(s, 0), created = db_col_int(s, 2), seen = db_col_int(s, 3);
    const char *csrf = arena_strdup(r->arena, db_col_text(s, 1));
    db_done(s);
    int64_t now = now_s();
    if (now - seen > r->conf->idle_timeout || now - created > r->conf->session_lifetime) {
        db_run(r->db, "DELETE FROM sessions WHERE token_hash = ?", "s", hash);
        return 0;
    }
    /* keep the write rate low: refresh at most every idle/30 seconds (≤ 60) */
    int64_t step = r->conf->idle_timeout / 30;
    if (step > 60) step = 60;
    if (now - seen >= step)
        db_run(r->db, "UPDATE sessions SET seen_at = ? WHERE token_hash = ?", "is", now, hash);
    if (!auth_load_user(r, uid)) return 0;
    r->auth.csrf = csrf;
    r->auth.session_hash = arena_strdup(r->arena, hash);
    r->auth.via_cookie = via_cookie;
    return 1;
}

/* Looks the token up as an API token; 1 and r->auth filled if valid, 0 if not,
 * -1 when the database could not be asked. */
static int resolve_api_token(Req *r, const char *hash)
{
    int64_t uid = 0;
    int found = db_int(r->db, &uid,
                       "SELECT user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL"
                       " AND (expires_at IS NULL OR expires_at > ?)",
                       "si", hash, now_s());
    if (found != 1) return found < 0 ? -1 : 0;
    if (!auth_load_user(r, uid)) return 0;
    r->auth.csrf = "";
    r->auth.via_cookie = 0;
    return 1;
}

static int token_shape_ok(const char *t)
{
    if (!t || strlen(t) != 64) return 0;
    for (const char *p = t; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
    return 1;
}

int session_resolve(Req *r)
{
    memset(&r->auth, 0, sizeof r->auth);
    char hash[65];
    const char *authz = req_header(r, "Authorization");
    if (authz && strncmp(authz, "Bearer ", 7) == 0) {
        const char *t = authz + 7;
        if (!token_shape_ok(t)) return 0;
        hash_hex(hash, t, strlen(t));
        int rc = resolve_session(r, hash, 0);
        if (rc == 0) rc = resolve_api_token(r, hash);
        return rc < 0 ? -1 : 0;
    }
    const char *c = req_cookie(r, "huiju_session");
    if (!token_shape_ok(c)) return 0;
    hash_hex(hash, c, strlen(c));
    return resolve_session(r, hash, 1) < 0 ? -1 : 0;
}

void session_cookie(Req *r, const char *token)
{
    const char *secure = r->conf->tls ? "; Secure" : "";
    if (token)
        req_add_header(r, "Set-Cookie",
                       arena_printf(r->arena,
                                    "huiju_session=%s; Path=/; Max-Age=%lld; HttpOnly; "
                                    "SameSite=Lax%s",
                                    token, (long long)r->conf->session_lifetime, secure));
    else
        req_add_header(r, "Set-Cookie",
                       arena_printf(r->arena,
                                    "huiju_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
                                    secure));
}

/* A hash to verify against when the login does not exist, so that a wrong
 * login costs as much time as a wrong password. Made once. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[65];
    random_token(pw);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = 0;
}

/* Current failure count under key within the window. */
static int64_t failures(Db *db, const char *key)
{
    int64_t n = 0;
    if (db_int(db, &n, "SELECT count FROM login_failures WHERE key = ? AND window_start > ?", "si",
               key, now_s() - THROTTLE_WINDOW) != 1)
        return 0;
    return n;
}

static void count_failure(Db *db, const char *key)
{
    int64_t now = now_s(), old = now - THROTTLE_WINDOW;
    db_run(db,
           "INSERT INTO login_failures(key, window_start, count) VALUES (?, ?, 1)"
           " ON CONFLICT (key) DO UPDATE SET"
           " count = CASE WHEN login_failures.window_start <= ? THEN 1"
           "   ELSE login_failures.count + 1 END,"
           " window_start = CASE WHEN login_failures.window_start <= ?"
           "   THEN excluded.window_start ELSE login_failures.window_start END",
           "siii", key, now, old, old);
}

LoginResult session_login(Req *r, const char *login, const char *password, char token[65])
{
    const char *kl = arena_printf(r->arena, "login:%s", login);
    const char *ka = arena_printf(r->arena, "addr:%s", r->client ? r->client : "?");
    if (failures(r->db, kl) >= THROTTLE_LOGIN || failures(r->db, ka) >= THROTTLE_ADDR)
        return LOGIN_THROTTLED;

    int64_t uid = 0;
    char stored[crypto_pwhash_STRBYTES] = "";
    DbStmt *s = db_q(r->db, "SELECT id, pw_hash FROM users WHERE login = ? AND active = 1", "s",
                     login);
    if (s && db_step(s) == DB_ROW) {
        uid = db_col_int(s, 0);
        snprintf(stored, sizeof stored, "%s", db_col_text(s, 1));
    }
    db_done(s);
    int ok;
    if (uid) {
        ok = crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
    } else {
        pthread_once(&dummy_once, make_dummy);
        if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0) uid = 0;
        ok = 0;
    }
    if (!ok) {
        count_failure(r->db, kl);
        count_failure(r->db, ka);
        return LOGIN_BAD;
    }

    char csrf[65], hash[65];
    random_token(token);
    random_token(csrf);
    hash_hex(hash, token, 64);
    int64_t now = now_s();
    if (db_begin(r->db) != DB_OK) return LOGIN_ERROR;
    /* rotation: the session this request arrived with (if any) ends here */
    const char *old = req_cookie(r, "huiju_session");
    if (token_shape_ok(old)) {
        char oh[65];
        hash_hex(oh, old, 64);
        db_run(r->db, "DELETE FROM sessions WHERE token_hash = ?", "s", oh);
    }
    int rc = db_run(r->db,
                    "INSERT INTO sessions(token_hash, user_id, csrf, created_at, seen_at, client)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    "sisiis", hash, uid, csrf, now, now, r->client ? r->client : "");
    if (rc == DB_OK) rc = db_run(r->db, "DELETE FROM login_failures WHERE key = ?", "s", kl);
    if (rc == DB_OK) {
        /* the record belongs where the person holds their first role */
        char home[512] = "";
        DbStmt *hs = db_q(r->db,
                          "SELECT o.path FROM grants g JOIN orgs o ON o.id = g.org_id"
                          " WHERE g.user_id = ? ORDER BY o.depth, o.code LIMIT 1",
                          "i", uid);
        if (hs && db_step(hs) == DB_ROW) snprintf(home, sizeof home, "%s", db_col_text(hs, 0));
        db_done(hs);
        rc = audit_log(r->db, login, "session.login", "user", login, home, NULL, NULL);
    }
    if (rc == DB_OK) rc = db_run(r->db, "DELETE FROM sessions WHERE user_id = ? AND "
                                        "(seen_at < ? OR created_at < ?)",
                                 "iii", uid, now - r->conf->idle_timeout,
                                 now - r->conf->session_lifetime);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return LOGIN_ERROR;
    }
    if (!auth_load_user(r, uid)) return LOGIN_ERROR;
    r->auth.csrf = arena_strdup(r->arena, csrf);
    r->auth.session_hash = arena_strdup(r->arena, hash);
    return LOGIN_OK;
}

void session_logout(Req *r)
{
    if (r->auth.session_hash)
        db_run(r->db, "DELETE FROM sessions WHERE token_hash = ?", "s", r->auth.session_hash);
}
