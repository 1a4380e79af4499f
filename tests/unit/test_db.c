/* test_db.c — the backend-neutral database API (db.h) against SQLite, always,
 * and against PostgreSQL when HUIJU_TEST_PG holds a postgres:// URL (whose
 * schema "public" is dropped and recreated first). The same tests run on both;
 * a few at the end are PostgreSQL-only. Without HUIJU_TEST_PG the PostgreSQL
 * group is reported as skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Env {
    Db *db;
    char url[1024]; /* what db_open was given */
    char dir[256];  /* a scratch directory, removed afterwards */
} Env;

/* The group's connection, or skips the test when the group has none. */
static Db *need(void **state)
{
    Env *e = *state;
    if (!e->db) skip();
    return e->db;
}

static int open_and_migrate(Env *e)
{
    char err[512];
    e->db = db_open(e->url, err, sizeof err);
    if (!e->db) {
        fprintf(stderr, "db_open: %s\n", err);
        return -1;
    }
    if (db_kind(e->db) == DB_PG &&
        db_exec(e->db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public") != DB_OK) {
        fprintf(stderr, "resetting schema: %s\n", db_errmsg(e->db));
        return -1;
    }
    if (db_migrate(e->db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "db_migrate: %s\n", err);
        return -1;
    }
    return 0;
}

/* A private directory for the group's files, removed by teardown. */
static int scratch_dir(Env *e)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(e->dir, sizeof e->dir, "%s/test_db.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(e->dir)) return 0;
    e->dir[0] = 0;
    return -1;
}

static int sqlite_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    if (!e) return -1;
    *state = e;
    if (scratch_dir(e) != 0) return -1;
    snprintf(e->url, sizeof e->url, "sqlite:%s/huiju.db", e->dir);
    return open_and_migrate(e);
}

static int pg_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    if (!e) return -1;
    *state = e;
    const char *url = getenv("HUIJU_TEST_PG");
    if (!url || !*url) return 0; /* every test skips */
    snprintf(e->url, sizeof e->url, "%s", url);
    if (scratch_dir(e) != 0) return -1;
    return open_and_migrate(e);
}

static int teardown(void **state)
{
    Env *e = *state;
    if (!e) return 0;
    db_close(e->db);
    if (e->dir[0]) {
        const char *names[] = {"huiju.db", "huiju.db-wal", "huiju.db-shm", "backup.db",
                               "backup.sql"};
        char path[300];
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            snprintf(path, sizeof path, "%s/%s", e->dir, names[i]);
            unlink(path);
        }
        rmdir(e->dir);
    }
    free(e);
    return 0;
}

/* After each test: a test that failed midway may have left a transaction open. */
static int end_test(void **state)
{
    Env *e = *state;
    if (e && e->db) db_rollback(e->db);
    return 0;
}

static int64_t count(Db *db, const char *table_where)
{
    char sql[256];
    int64_t n = -1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table_where);
    assert_int_equal(db_int(db, &n, sql, ""), 1);
    return n;
}

static const char *INSERT_ORG = "INSERT INTO orgs(code, parent_id, path, depth, kind, name_zh,"
                                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/* Inserts a region (parent NULL when parent is 0); returns db_run's code. */
static int add_org(Db *db, const char *code, int64_t parent, const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "/%s/", code);
    if (parent)
        return db_run(db, INSERT_ORG, "sisissii", code, parent, path, (int64_t)1, "county", name,
                      (int64_t)1700000000, (int64_t)1700000000);
    return db_run(db, INSERT_ORG, "sssissii", code, (const char *)NULL, path, (int64_t)0, "region", name,
                  (int64_t)1700000000, (int64_t)1700000000);
}

static int64_t org_id(Db *db, const char *code)
{
    int64_t id = 0;
    assert_int_equal(db_int(db, &id, "SELECT id FROM orgs WHERE code = ?", "s", code), 1);
    return id;
}

/* ---- tests on both backends ------------------------------------------- */

static void t_migrate(void **state)
{
    Db *db = need(state);
    char err[512] = "";
    int64_t newest = 0;
    assert_int_equal(db_int(db, &newest, "SELECT max(version) FROM schema_migrations", ""), 1);
    assert_true(newest >= 1);
    assert_int_equal(db_schema_version(db), newest);
    assert_int_equal(db_migrate(db, err, sizeof err), DB_OK); /* again: nothing to do */
    assert_int_equal(db_schema_version(db), newest);
    assert_int_equal(count(db, "schema_migrations"), newest);
    assert_int_equal(count(db, "audit_head"), 1);
    assert_int_equal(db_integrity(db, err, sizeof err), 0);
}

static void t_insert_select(void **state)
{
    Db *db = need(state);
    assert_int_equal(add_org(db, "650000", 0, "新疆维吾尔自治区"), DB_OK);
    int64_t root = org_id(db, "650000");
    assert_true(root > 0);
    assert_int_equal(add_org(db, "653121", root, "疏附县"), DB_OK);

    DbStmt *s = db_q(db,
                     "SELECT id, code, parent_id, depth, name_zh, name_en FROM orgs"
                     " WHERE parent_id = ? ORDER BY code",
                     "i", root);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_int_equal(db_col_count(s), 6);
    assert_true(db_col_int(s, 0) > root);
    assert_string_equal(db_col_text(s, 1), "653121");
    assert_int_equal(db_col_int(s, 2), root);
    assert_int_equal(db_col_int(s, 3), 1);
    assert_string_equal(db_col_text(s, 4), "疏附县");
    assert_string_equal(db_col_text(s, 5), ""); /* the column default */
    assert_false(db_col_is_null(s, 5));
    assert_int_equal(db_step(s), DB_DONE);
    db_done(s);

    int64_t n = -1;
    assert_int_equal(db_int(db, &n, "SELECT count(*) FROM orgs WHERE code LIKE ?", "s", "65%"), 1);
    assert_int_equal(n, 2);
    assert_int_equal(db_int(db, &n, "SELECT id FROM orgs WHERE code = ?", "s", "nope"), 0);
    assert_int_equal(db_run(db, "UPDATE orgs SET name_en = ? WHERE id = ?", "si", "Xinjiang", root),
                     DB_OK);
    s = db_q(db, "SELECT name_en FROM orgs WHERE id = ?", "i", root);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "Xinjiang");
    db_done(s);
    db_done(NULL);
}

static void t_int64(void **state)
{
    Db *db = need(state);
    const int64_t vals[] = {INT64_MAX, INT64_MIN, -1, 0, 4102444800};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        assert_int_equal(db_run(db,
                                "INSERT INTO login_failures(key, window_start, count)"
                                " VALUES (?, ?, ?)",
                                "sii", "int64", vals[i], (int64_t)i),
                         DB_OK);
        int64_t got = 0;
        assert_int_equal(
            db_int(db, &got, "SELECT window_start FROM login_failures WHERE key = ?", "s", "int64"),
            1);
        assert_true(got == vals[i]);
        assert_int_equal(db_run(db, "DELETE FROM login_failures WHERE key = ?", "s", "int64"),
                         DB_OK);
    }
}

static void t_null(void **state)
{
    Db *db = need(state);
    int64_t now = 1700000000;
    assert_int_equal(db_run(db,
                            "INSERT INTO users(login, name, pw_hash, created_at, updated_at)"
                            " VALUES (?, ?, ?, ?, ?)",
                            "sssii", "nulltest", "N", "x", now, now),
                     DB_OK);
    int64_t uid = 0;
    assert_int_equal(db_int(db, &uid, "SELECT id FROM users WHERE login = ?", "s", "nulltest"), 1);
    /* 's' with NULL and db_bind_null both bind SQL NULL. */
    assert_int_equal(db_run(db,
                            "INSERT INTO api_tokens(token_hash, user_id, name, created_at,"
                            " expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
                            "sisiss", "t1", uid, "one", now, (const char *)NULL,
                            (const char *)NULL),
                     DB_OK);
    DbStmt *s = db_prepare(db, "INSERT INTO api_tokens(token_hash, user_id, name, created_at,"
                               " expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)");
    assert_non_null(s);
    assert_int_equal(db_bind_text(s, 1, "t2"), DB_OK);
    assert_int_equal(db_bind_int(s, 2, uid), DB_OK);
    assert_int_equal(db_bind_text(s, 3, "two"), DB_OK);
    assert_int_equal(db_bind_int(s, 4, now), DB_OK);
    assert_int_equal(db_bind_int(s, 5, 42), DB_OK);
    assert_int_equal(db_bind_null(s, 5), DB_OK); /* rebinding replaces */
    assert_int_equal(db_bind_null(s, 6), DB_OK);
    assert_int_equal(db_step(s), DB_DONE);
    db_done(s);

    assert_int_equal(count(db, "api_tokens WHERE expires_at IS NULL AND revoked_at IS NULL"), 2);
    s = db_q(db, "SELECT expires_at, revoked_at, name FROM api_tokens WHERE token_hash = ?", "s",
             "t1");
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_true(db_col_is_null(s, 0));
    assert_true(db_col_is_null(s, 1));
    assert_null(db_col_text(s, 0));
    assert_int_equal(db_col_int(s, 0), 0);
    assert_false(db_col_is_null(s, 2));
    db_done(s);
    /* NULL compares as unknown: no row matches "= NULL". */
    assert_int_equal(count(db, "api_tokens WHERE expires_at = NULL"), 0);
    assert_int_equal(
        db_int(db, &uid, "SELECT id FROM api_tokens WHERE name = ?", "s", (const char *)NULL), 0);
}

static void t_constraint(void **state)
{
    Db *db = need(state);
    assert_int_equal(add_org(db, "659000", 0, "自治区直辖县级行政区划"), DB_OK);
    /* UNIQUE */
    assert_int_equal(add_org(db, "659000", 0, "again"), DB_CONSTRAINT);
    assert_true(strlen(db_errmsg(db)) > 0);
    assert_null(strchr(db_errmsg(db), '\n'));
    /* NOT NULL */
    assert_int_equal(add_org(db, "659001", 0, NULL), DB_CONSTRAINT);
    /* CHECK */
    assert_int_equal(db_run(db, INSERT_ORG, "sssissii", "659002", (const char *)NULL, "/659002/", (int64_t)0, "planet",
                            "x", (int64_t)1, (int64_t)1),
                     DB_CONSTRAINT);
    /* FOREIGN KEY */
    assert_int_equal(add_org(db, "659003", 999999, "orphan"), DB_CONSTRAINT);
    assert_int_equal(count(db, "orgs WHERE code LIKE '6590%'"), 1);
    /* A plain error is not a constraint. */
    assert_null(db_prepare(db, "SELECT no_such_column FROM orgs"));
    assert_true(strlen(db_errmsg(db)) > 0);
    assert_null(strchr(db_errmsg(db), '\n'));
    assert_int_equal(db_run(db, "SELEKT 1", ""), DB_ERROR);
}

static void t_transactions(void **state)
{
    Db *db = need(state);
    int64_t before = count(db, "orgs");
    /* A rolled-back write is gone. */
    assert_int_equal(db_begin(db), DB_OK);
    assert_int_equal(add_org(db, "652300", 0, "昌吉回族自治州"), DB_OK);
    assert_int_equal(count(db, "orgs"), before + 1); /* visible inside the transaction */
    db_rollback(db);
    assert_int_equal(count(db, "orgs"), before);
    db_rollback(db); /* harmless with no transaction */

    /* A committed one stays. */
    assert_int_equal(db_begin(db), DB_OK);
    assert_int_equal(add_org(db, "652300", 0, "昌吉回族自治州"), DB_OK);
    assert_int_equal(db_commit(db), DB_OK);
    assert_int_equal(count(db, "orgs"), before + 1);

    /* A failed statement, then rollback: nothing of the transaction remains,
     * and the connection is usable again. */
    assert_int_equal(db_begin(db), DB_OK);
    assert_int_equal(add_org(db, "652800", 0, "巴音郭楞蒙古自治州"), DB_OK);
    assert_int_equal(add_org(db, "652300", 0, "duplicate"), DB_CONSTRAINT);
    db_rollback(db);
    assert_int_equal(count(db, "orgs"), before + 1);
    assert_int_equal(count(db, "orgs WHERE code = '652800'"), 0);
}

static void t_nested(void **state)
{
    Db *db = need(state);
    const char *sql = "SELECT code FROM orgs WHERE code LIKE ? ORDER BY code";
    for (int i = 0; i < 3; i++) {
        char code[16];
        snprintf(code, sizeof code, "71000%d", i);
        assert_int_equal(add_org(db, code, 0, "nest"), DB_OK);
    }
    int outer = 0, inner = 0;
    DbStmt *a = db_q(db, sql, "s", "71000%");
    assert_non_null(a);
    while (db_step(a) == DB_ROW) {
        char want[16];
        snprintf(want, sizeof want, "71000%d", outer);
        assert_string_equal(db_col_text(a, 0), want);
        /* The same SQL again while a is open, bound differently. */
        DbStmt *b = db_q(db, sql, "s", db_col_text(a, 0));
        assert_non_null(b);
        assert_true(b != a);
        while (db_step(b) == DB_ROW) {
            assert_string_equal(db_col_text(b, 0), db_col_text(a, 0));
            inner++;
        }
        db_done(b);
        outer++;
    }
    db_done(a);
    assert_int_equal(outer, 3);
    assert_int_equal(inner, 3);
    /* Both given back, the cached statement is reused with fresh bindings. */
    assert_int_equal(count(db, "orgs WHERE code LIKE '71000%'"), 3);
    a = db_q(db, sql, "s", "710002");
    assert_non_null(a);
    assert_int_equal(db_step(a), DB_ROW);
    assert_string_equal(db_col_text(a, 0), "710002");
    assert_int_equal(db_step(a), DB_DONE);
    db_done(a);
}

static void t_literal_question(void **state)
{
    Db *db = need(state);
    /* One real placeholder; the '?' in literals, identifiers and comments are text. */
    DbStmt *s = db_q(db,
                     "SELECT '?' AS \"a?\", ? AS b, 'it''s ? really' AS \"c\"\"?\" -- ?\n"
                     " /* ? */",
                     "s", "bound");
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_int_equal(db_col_count(s), 3);
    assert_string_equal(db_col_text(s, 0), "?");
    assert_string_equal(db_col_text(s, 1), "bound");
    assert_string_equal(db_col_text(s, 2), "it's ? really");
    db_done(s);
    /* Writing and finding a value with '?' in it. */
    assert_int_equal(db_run(db,
                            "INSERT INTO orgs(code, path, depth, kind, name_zh, created_at,"
                            " updated_at) VALUES (?, '/?/', 0, 'school', '学校?', ?, ?)",
                            "sii", "q?1", (int64_t)1, (int64_t)2),
                     DB_OK);
    int64_t n = 0;
    assert_int_equal(
        db_int(db, &n, "SELECT updated_at FROM orgs WHERE path = '/?/' AND code = ?", "s", "q?1"),
        1);
    assert_int_equal(n, 2);
    /* Binding past the last parameter fails. */
    s = db_prepare(db, "SELECT '?' WHERE 1 = ?");
    assert_non_null(s);
    assert_int_equal(db_bind_int(s, 1, 1), DB_OK);
    assert_int_not_equal(db_bind_int(s, 2, 1), DB_OK);
    db_done(s);
}

static void t_audit_append_only(void **state)
{
    Db *db = need(state);
    assert_int_equal(db_run(db,
                            "INSERT INTO audit(seq, at, actor, action, object_kind,"
                            " object_key, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            "iissssss", (int64_t)1, (int64_t)1700000000, "admin", "create", "org",
                            "650000", "00", "ab"),
                     DB_OK);
    int rc = db_run(db, "UPDATE audit SET actor = ? WHERE seq = ?", "si", "mallory", (int64_t)1);
    assert_true(rc == DB_CONSTRAINT || rc == DB_ERROR);
    assert_non_null(strstr(db_errmsg(db), "append-only"));
    rc = db_run(db, "DELETE FROM audit WHERE seq = ?", "i", (int64_t)1);
    assert_true(rc == DB_CONSTRAINT || rc == DB_ERROR);
    assert_non_null(strstr(db_errmsg(db), "append-only"));
    DbStmt *s = db_q(db, "SELECT actor FROM audit WHERE seq = ?", "i", (int64_t)1);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "admin");
    db_done(s);
    assert_int_equal(count(db, "audit"), 1);
}

static void t_backup(void **state)
{
    Db *db = need(state);
    Env *e = *state;
    char path[300], err[512] = "";
    snprintf(path, sizeof path, "%s/%s", e->dir,
             db_kind(db) == DB_SQLITE ? "backup.db" : "backup.sql");
    assert_int_equal(db_backup(db, e->url, path, err, sizeof err), DB_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 0);
    if (db_kind(db) == DB_SQLITE) {
        /* The copy is a database with the same rows. */
        char url[320];
        snprintf(url, sizeof url, "sqlite:%s", path);
        Db *copy = db_open(url, err, sizeof err);
        assert_non_null(copy);
        assert_int_equal(db_schema_version(copy), db_schema_version(db));
        assert_int_equal(count(copy, "orgs"), count(db, "orgs"));
        db_close(copy);
    } else {
        unlink(path);
        /* A failing dump is reported with pg_dump's exit status. */
        assert_int_not_equal(db_backup(db, e->url, "/nonexistent-dir/x.sql", err, sizeof err),
                             DB_OK);
        assert_non_null(strstr(err, "exit status"));
    }
}

/* ---- PostgreSQL only ---------------------------------------------------- */

static Db *need_pg(void **state)
{
    Db *db = need(state);
    assert_int_equal(db_kind(db), DB_PG);
    return db;
}

static void t_pg_quoting(void **state)
{
    Db *db = need_pg(state);
    DbStmt *s = db_q(db, "SELECT $$?$$, $tag$ '?' $$ ? $tag$, E'\\'?', ?::bigint + 1, 'a'||?", "is",
                     (int64_t)41, "b");
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "?");
    assert_string_equal(db_col_text(s, 1), " '?' $$ ? ");
    assert_string_equal(db_col_text(s, 2), "'?");
    assert_int_equal(db_col_int(s, 3), 42);
    assert_string_equal(db_col_text(s, 4), "ab");
    db_done(s);
    /* A boolean reads as 1/0, as an SQLite comparison would. */
    int64_t v = -1;
    assert_int_equal(db_int(db, &v, "SELECT 2 > ?", "i", (int64_t)1), 1);
    assert_int_equal(v, 1);
}

static void t_pg_failed_tx(void **state)
{
    Db *db = need_pg(state);
    int64_t before = count(db, "orgs");
    assert_int_equal(db_begin(db), DB_OK);
    assert_int_equal(add_org(db, "654000", 0, "伊犁哈萨克自治州"), DB_OK);
    assert_int_equal(add_org(db, "654000", 0, "dup"), DB_CONSTRAINT);
    /* Everything now fails, and a failed prepare does not poison the cache. */
    const char *sql = "SELECT count(*) FROM orgs WHERE depth = ?";
    assert_null(db_q(db, sql, "i", (int64_t)0));
    /* COMMIT of a failed transaction is an error, not a silent rollback. */
    assert_int_not_equal(db_commit(db), DB_OK);
    assert_int_equal(count(db, "orgs"), before);
    int64_t n = -1;
    assert_int_equal(db_int(db, &n, sql, "i", (int64_t)0), 1);
    assert_true(n >= 1);
}

static void t_pg_busy(void **state)
{
    Db *db = need_pg(state);
    Env *e = *state;
    char err[512];
    Db *other = db_open(e->url, err, sizeof err);
    assert_non_null(other);
    assert_int_equal(add_org(db, "655000", 0, "lock"), DB_OK);
    assert_int_equal(db_begin(db), DB_OK);
    assert_int_equal(db_run(db, "UPDATE orgs SET depth = 0 WHERE code = ?", "s", "655000"), DB_OK);
    assert_int_equal(db_begin(other), DB_OK);
    assert_int_equal(
        db_run(other, "SELECT id FROM orgs WHERE code = ? FOR UPDATE NOWAIT", "s", "655000"),
        DB_BUSY);
    db_rollback(other);
    db_rollback(db);
    db_close(other);
}

static void t_pg_bad_url(void **state)
{
    need_pg(state);
    char err[512] = "";
    Db *db = db_open("postgres://nobody:secret@127.0.0.1:1/none", err, sizeof err);
    assert_null(db);
    assert_true(strlen(err) > 0);
    assert_null(strchr(err, '\n'));
    assert_null(strstr(err, "secret"));
}

#define T(f) cmocka_unit_test_teardown(f, end_test)
#define BOTH()                                                                                     \
    T(t_migrate), T(t_insert_select), T(t_int64), T(t_null), T(t_constraint), T(t_transactions),   \
        T(t_nested), T(t_literal_question), T(t_audit_append_only), T(t_backup)

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {BOTH()};
    const struct CMUnitTest pg_tests[] = {
        BOTH(), T(t_pg_quoting), T(t_pg_failed_tx), T(t_pg_busy), T(t_pg_bad_url),
    };
    int failed = cmocka_run_group_tests_name("sqlite", sqlite_tests, sqlite_setup, teardown);
    failed += cmocka_run_group_tests_name("postgresql", pg_tests, pg_setup, teardown);
    return failed ? 1 : 0;
}
