/* sqlite.c — the SQLite backend of db.h: WAL, foreign keys, busy timeout, and
 * prepared statements cached per connection (keyed by their SQL text). */
#include "backend.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NBUCKET = 256 };

typedef struct SqlStmt {
    DbStmt base;
    sqlite3_stmt *st;
    char *sql;
    unsigned hash;
    struct SqlStmt *next; /* in the idle cache */
} SqlStmt;

typedef struct SqlDb {
    Db base;
    sqlite3 *h;
    SqlStmt *idle[NBUCKET];
    char err[256];
} SqlDb;

static int s_reset_open(Db *db);

static const DbOps ops;

static unsigned hash_sql(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static const char *s_errmsg(Db *db)
{
    SqlDb *d = (SqlDb *)db;
    if (d->err[0]) return d->err;
    return sqlite3_errmsg(d->h);
}

static void s_close(Db *db)
{
    SqlDb *d = (SqlDb *)db;
    for (int i = 0; i < NBUCKET; i++) {
        for (SqlStmt *s = d->idle[i], *n; s; s = n) {
            n = s->next;
            sqlite3_finalize(s->st);
            free(s->sql);
            free(s);
        }
    }
    sqlite3_close_v2(d->h);
    free(d);
}

static DbStmt *s_prepare(Db *db, const char *sql)
{
    SqlDb *d = (SqlDb *)db;
    d->err[0] = 0;
    unsigned h = hash_sql(sql);
    SqlStmt **pp = &d->idle[h % NBUCKET];
    for (; *pp; pp = &(*pp)->next) {
        if ((*pp)->hash == h && strcmp((*pp)->sql, sql) == 0) {
            SqlStmt *s = *pp;
            *pp = s->next;
            s->next = NULL;
            return &s->base;
        }
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->h, sql, -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    SqlStmt *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->base.db = db;
    s->st = st;
    s->sql = strdup(sql);
    if (!s->sql) abort();
    s->hash = h;
    return &s->base;
}

static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: return DB_OK;
    case SQLITE_ROW: return DB_ROW;
    case SQLITE_DONE: return DB_DONE;
    case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return DB_BUSY;
    default: return DB_ERROR;
    }
}

static int s_bind_int(DbStmt *st, int idx, int64_t v)
{
    return map_rc(sqlite3_bind_int64(((SqlStmt *)st)->st, idx, v));
}

static int s_bind_text(DbStmt *st, int idx, const char *v)
{
    SqlStmt *s = (SqlStmt *)st;
    if (!v) return map_rc(sqlite3_bind_null(s->st, idx));
    return map_rc(sqlite3_bind_text(s->st, idx, v, -1, SQLITE_TRANSIENT));
}

static int s_bind_double(DbStmt *st, int idx, double v)
{
    return map_rc(sqlite3_bind_double(((SqlStmt *)st)->st, idx, v));
}

static double s_col_double(DbStmt *st, int i) { return sqlite3_column_double(((SqlStmt *)st)->st, i); }

static int s_bind_null(DbStmt *st, int idx)
{
    return map_rc(sqlite3_bind_null(((SqlStmt *)st)->st, idx));
}

static int s_step(DbStmt *st)
{
    ((SqlDb *)st->db)->err[0] = 0;
    return map_rc(sqlite3_step(((SqlStmt *)st)->st));
}
static int s_col_count(DbStmt *st) { return sqlite3_column_count(((SqlStmt *)st)->st); }

static int s_col_is_null(DbStmt *st, int i)
{
    return sqlite3_column_type(((SqlStmt *)st)->st, i) == SQLITE_NULL;
}

static int64_t s_col_int(DbStmt *st, int i) { return sqlite3_column_int64(((SqlStmt *)st)->st, i); }

static const char *s_col_text(DbStmt *st, int i)
{
    return (const char *)sqlite3_column_text(((SqlStmt *)st)->st, i);
}

static void s_done(DbStmt *st)
{
    SqlStmt *s = (SqlStmt *)st;
    SqlDb *d = (SqlDb *)s->base.db;
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    SqlStmt **head = &d->idle[s->hash % NBUCKET];
    s->next = *head;
    *head = s;
}

static int s_exec(Db *db, const char *sql)
{
    SqlDb *d = (SqlDb *)db;
    char *msg = NULL;
    d->err[0] = 0;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
    if (msg) {
        snprintf(d->err, sizeof d->err, "%s", msg);
        sqlite3_free(msg);
    }
    return map_rc(rc);
}

static int s_backup(Db *db, const char *url, const char *path, char *err, size_t errlen)
{
    (void)url;
    DbStmt *s = s_prepare(db, "VACUUM INTO ?");
    if (!s) {
        snprintf(err, errlen, "%s", s_errmsg(db));
        return DB_ERROR;
    }
    s_bind_text(s, 1, path);
    int rc = s_step(s);
    if (rc != DB_DONE) snprintf(err, errlen, "%s", s_errmsg(db));
    s_done(s);
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

static int s_integrity(Db *db, char *err, size_t errlen)
{
    int bad = 0;
    DbStmt *s = s_prepare(db, "PRAGMA integrity_check");
    if (!s) {
        snprintf(err, errlen, "%s", s_errmsg(db));
        return 1;
    }
    if (s_step(s) == DB_ROW) {
        const char *t = s_col_text(s, 0);
        if (!t || strcmp(t, "ok") != 0) {
            snprintf(err, errlen, "integrity_check: %s", t ? t : "?");
            bad = 1;
        }
    }
    s_done(s);
    if (bad) return 1;
    s = s_prepare(db, "PRAGMA foreign_key_check");
    if (s && s_step(s) == DB_ROW) {
        snprintf(err, errlen, "foreign key violated in table %s, row %lld", s_col_text(s, 0),
                 (long long)s_col_int(s, 1));
        bad = 1;
    }
    s_done(s);
    return bad;
}

static int s_param_count(DbStmt *st)
{
    return sqlite3_bind_parameter_count(((SqlStmt *)st)->st);
}

static const DbOps ops = {
    .kind = DB_SQLITE,
    .id_column = "INTEGER PRIMARY KEY",
    .without_rowid = " WITHOUT ROWID",
    .close = s_close,
    .errmsg = s_errmsg,
    .prepare = s_prepare,
    .bind_int = s_bind_int,
    .bind_text = s_bind_text,
    .bind_null = s_bind_null,
    .step = s_step,
    .col_count = s_col_count,
    .col_is_null = s_col_is_null,
    .col_int = s_col_int,
    .col_text = s_col_text,
    .done = s_done,
    .exec = s_exec,
    .begin_sql = "BEGIN IMMEDIATE",
    .migrate_lock_sql = NULL,
    .backup = s_backup,
    .integrity = s_integrity,
    .bind_double = s_bind_double,
    .col_double = s_col_double,
    .param_count = s_param_count,
    .reset_open = s_reset_open,
};

/* A statement stepped but never reset keeps a read snapshot open, and a later
 * write on this connection would fail at once with SQLITE_BUSY_SNAPSHOT. */
static int s_reset_open(Db *db)
{
    sqlite3 *h = ((SqlDb *)db)->h;
    int n = 0;
    for (sqlite3_stmt *st = sqlite3_next_stmt(h, NULL); st; st = sqlite3_next_stmt(h, st)) {
        if (!sqlite3_stmt_busy(st)) continue;
        fprintf(stderr, "huiju: a statement was left open: %.200s\n", sqlite3_sql(st));
        sqlite3_reset(st);
        n++;
    }
    return n;
}

Db *db_sqlite_open(const char *path, char *err, size_t errlen)
{
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path, h ? sqlite3_errmsg(h) : "out of memory");
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h, 10000);
    SqlDb *d = calloc(1, sizeof *d);
    if (!d) abort();
    d->base.ops = &ops;
    d->h = h;
    if (s_exec(&d->base, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                         "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536") != DB_OK) {
        snprintf(err, errlen, "cannot set up %s: %s", path, s_errmsg(&d->base));
        s_close(&d->base);
        return NULL;
    }
    return &d->base;
}
