/* audit.c — see audit.h.
 *
 * The chain head (last seq and hash) lives in the one-row table audit_head.
 * audit_log() updates that row first, which serialises concurrent writers on
 * PostgreSQL (row lock until commit) and is already serial on SQLite (one writer). */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* Canonical text of a JSON value (sorted keys, compact), or NULL. Caller frees. */
static char *canon(json_t *v)
{
    return v ? json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

/* The hash of one record: every field and the previous hash, separated by 0x1f. */
static void record_hash(char out[65], int64_t seq, int64_t at, const char *actor,
                        const char *action, const char *kind, const char *key,
                        const char *org_path, const char *before, const char *after,
                        const char *prev)
{
    Buf b;
    buf_init(&b);
    buf_appendf(&b, "%lld\x1f%lld\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", (long long)seq,
                (long long)at, actor, action, kind, key, org_path, before ? before : "\x01",
                after ? after : "\x01", prev);
    hash_hex(out, b.data, b.len);
    buf_free(&b);
}

int audit_log(Db *db, const char *actor, const char *action, const char *kind, const char *key,
              const char *org_path, json_t *before, json_t *after)
{
    DbStmt *s = db_q(db, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
                     "");
    if (!s) return DB_ERROR;
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_done(s);
        return rc == DB_DONE ? DB_ERROR : rc;
    }
    int64_t seq = db_col_int(s, 0);
    char prev[65];
    snprintf(prev, sizeof prev, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
    db_done(s);

    int64_t at = now_s();
    char *b = canon(before), *a = canon(after);
    char hash[65], root[64] = "";
    if (!org_path || !*org_path) {
        /* a record tied to no unit belongs to the whole region: the root's path */
        DbStmt *rs = db_q(db, "SELECT path FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", "");
        if (rs && db_step(rs) == DB_ROW) snprintf(root, sizeof root, "%s", db_col_text(rs, 0));
        db_done(rs);
        org_path = root;
    }
    record_hash(hash, seq, at, actor, action, kind, key, org_path, b, a, prev);
    rc = db_run(db,
                "INSERT INTO audit(seq, at, actor, action, object_kind, object_key, org_path,"
                " before_json, after_json, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                "iisssssssss", seq, at, actor, action, kind, key, org_path, b, a, prev, hash);
    free(b);
    free(a);
    if (rc != DB_OK) return rc;
    return db_run(db, "UPDATE audit_head SET hash = ? WHERE id = 1", "s", hash);
}

int audit_verify(Db *db, int64_t *checked, char *err, size_t errlen)
{
    *checked = 0;
    char prev[65] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    int64_t want_seq = 1;
    DbStmt *s = db_q(db,
                     "SELECT seq, at, actor, action, object_kind, object_key, org_path,"
                     " before_json, after_json, prev_hash, hash FROM audit ORDER BY seq",
                     "");
    if (!s) {
        snprintf(err, errlen, "cannot read the audit table: %s", db_errmsg(db));
        return 1;
    }
    int bad = 0, rc;
    while (!bad && (rc = db_step(s)) == DB_ROW) {
        int64_t seq = db_col_int(s, 0);
        const char *stored_prev = db_col_text(s, 9), *stored = db_col_text(s, 10);
        char h[65];
        record_hash(h, seq, db_col_int(s, 1), db_col_text(s, 2), db_col_text(s, 3),
                    db_col_text(s, 4), db_col_text(s, 5), db_col_text(s, 6), db_col_text(s, 7),
                    db_col_text(s, 8), prev);
        if (seq != want_seq) {
            snprintf(err, errlen, "audit record %lld: expected record %lld (a record is missing)",
                     (long long)seq, (long long)want_seq);
            bad = 1;
        } else if (!stored_prev || strcmp(stored_prev, prev) != 0) {
            snprintf(err, errlen, "audit record %lld: its link to record %lld is broken",
                     (long long)seq, (long long)seq - 1);
            bad = 1;
        } else if (!stored || strcmp(stored, h) != 0) {
            snprintf(err, errlen, "audit record %lld: its content does not match its hash",
                     (long long)seq);
            bad = 1;
        } else {
            memcpy(prev, stored, sizeof prev);
            want_seq++;
            (*checked)++;
        }
    }
    db_done(s);
    if (bad) return 1;
    int64_t head_seq = -1;
    s = db_q(db, "SELECT seq, hash FROM audit_head WHERE id = 1", "");
    if (s && db_step(s) == DB_ROW) {
        head_seq = db_col_int(s, 0);
        if (head_seq != want_seq - 1 || strcmp(db_col_text(s, 1), prev) != 0) {
            snprintf(err, errlen,
                     "audit record %lld: the chain head says %lld records; the newest were removed",
                     (long long)want_seq, (long long)head_seq);
            bad = 1;
        }
    } else {
        snprintf(err, errlen, "the audit chain head is missing");
        bad = 1;
    }
    db_done(s);
    return bad;
}

/* ---- reading it: API and page ----------------------------------------- */

/* Parses "kind:key" into its halves (arena copies); 0 if malformed. */
static int split_object(Req *r, const char *obj, const char **kind, const char **key)
{
    const char *colon = obj ? strchr(obj, ':') : NULL;
    if (!colon || colon == obj || !colon[1]) return 0;
    *kind = arena_strndup(r->arena, obj, (size_t)(colon - obj));
    *key = arena_strdup(r->arena, colon + 1);
    return 1;
}

#define AUDIT_QUERY                                                                               \
    "SELECT a.seq, a.at, a.actor, a.action, a.object_kind, a.object_key, a.before_json,"          \
    " a.after_json, a.hash FROM audit a WHERE " REACH_SQL("a.org_path")                         \
    " AND (CAST(? AS TEXT) IS NULL OR (a.object_kind = ? AND a.object_key = ?))"                              \
    " AND (CAST(? AS TEXT) IS NULL OR a.actor = ?) AND a.seq < ? ORDER BY a.seq DESC LIMIT ?"

/* Runs the scoped audit query; the arguments were validated by the caller. */
static DbStmt *audit_query(Req *r, const char *kind, const char *key, const char *actor,
                           int64_t before_seq, int64_t limit)
{
    return db_q(r->db, AUDIT_QUERY, "issssssii", REACH_ARGS(r, CAP_AUDIT_READ), kind, kind, key,
                actor, actor, before_seq, limit);
}

/* Reads limit/cursor/object/actor; sends 400 and returns 0 when one is bad. */
static int audit_args(Req *r, const char **kind, const char **key, const char **actor,
                      int64_t *cursor, int64_t *limit)
{
    *kind = *key = NULL;
    *actor = req_query(r, "actor");
    *cursor = INT64_MAX;
    *limit = 50;
    const char *l = req_query(r, "limit"), *c = req_query(r, "cursor"),
               *o = req_query(r, "object");
    if (l && !parse_int(l, 1, 500, limit)) {
        req_error(r, 400, "bad_param", T(r, "limit must be a whole number from 1 to 500."));
        return 0;
    }
    if (c && *c && !parse_int(c, 1, INT64_MAX, cursor)) {
        req_error(r, 400, "bad_param", T(r, "cursor is not valid."));
        return 0;
    }
    if (o && *o && !split_object(r, o, kind, key)) {
        req_error(r, 400, "bad_param", T(r, "object must be written KIND:KEY, e.g. org:653121."));
        return 0;
    }
    if (*actor && !**actor) *actor = NULL;
    return 1;
}

static json_t *parse_or_null(const char *s)
{
    if (!s) return json_null();
    json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);
    return v ? v : json_string(s);
}

void audit_api_list(Req *r)
{
    const char *kind, *key, *actor;
    int64_t cursor, limit;
    if (!audit_args(r, &kind, &key, &actor, &cursor, &limit)) return;
    DbStmt *s = audit_query(r, kind, key, actor, cursor, limit + 1);
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    json_t *items = json_array();
    int64_t n = 0, last = 0;
    int more = 0;
    while (db_step(s) == DB_ROW) {
        if (n == limit) {
            more = 1;
            break;
        }
        last = db_col_int(s, 0);
        json_array_append_new(
            items, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:s}", "seq", (json_int_t)last,
                             "at", (json_int_t)db_col_int(s, 1), "actor", db_col_text(s, 2),
                             "action", db_col_text(s, 3), "object_kind", db_col_text(s, 4),
                             "object_key", db_col_text(s, 5), "before",
                             parse_or_null(db_col_text(s, 6)), "after",
                             parse_or_null(db_col_text(s, 7)), "hash", db_col_text(s, 8)));
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    req_send_json(r, 200, out);
}

void audit_page(Req *r)
{
    const char *kind, *key, *actor;
    int64_t cursor, limit;
    if (!audit_args(r, &kind, &key, &actor, &cursor, &limit)) return;
    page_begin(r, T(r, "Audit trail"));
    hf(r, "<h1>%s</h1>", T(r, "Audit trail"));
    hf(r,
       "<form method=get action=\"/audit\" class=filters><label>%s <input name=object "
       "value=\"%s\" placeholder=\"org:653121\"></label> <label>%s <input name=actor "
       "value=\"%s\"></label> <button>%s</button></form>",
       T(r, "Object"), req_query(r, "object") ? req_query(r, "object") : "", T(r, "Who"),
       actor ? actor : "", T(r, "Filter"));
    DbStmt *s = audit_query(r, kind, key, actor, cursor, limit + 1);
    hf(r,
       "<div class=scroll><table><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th>"
       "<th>%s</th><th>%s</th></tr></thead><tbody>",
       T(r, "When"), T(r, "Who"), T(r, "Action"), T(r, "Object"), T(r, "Change"));
    int64_t n = 0, last = 0;
    int more = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == limit) {
            more = 1;
            break;
        }
        last = db_col_int(s, 0);
        const char *b = db_col_text(s, 6), *a = db_col_text(s, 7);
        hf(r, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td>%s:%s</td><td>",
           (long long)last, fmt_time(r->arena, db_col_int(s, 1)), db_col_text(s, 2),
           db_col_text(s, 3), db_col_text(s, 4), db_col_text(s, 5));
        if (b) hf(r, "<details><summary>%s</summary><code>%s</code></details>", T(r, "before"), b);
        if (a) hf(r, "<details><summary>%s</summary><code>%s</code></details>", T(r, "after"), a);
        H(r, "</td></tr>");
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No records."));
    if (more)
        hf(r, "<p><a href=\"/audit?cursor=%lld&amp;object=%s&amp;actor=%s\">%s</a></p>",
           (long long)last, url_encode(r->arena, req_query(r, "object")),
           url_encode(r->arena, actor), T(r, "Older records"));
    page_end(r);
}
