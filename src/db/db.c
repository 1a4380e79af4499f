/* db.c — the backend-neutral half of the database layer: opening by URL,
 * the convenience binders, transactions and migrations. See db.h. */
#include "backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

Db *db_open(const char *url, char *err, size_t errlen)
{
    if (!url || !*url) {
        snprintf(err, errlen, "no database given");
        return NULL;
    }
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return db_pg_open(url, err, errlen);
    if (strncmp(url, "sqlite:", 7) == 0) url += 7;
    return db_sqlite_open(url, err, errlen);
}

void db_close(Db *db)
{
    if (db) db->ops->close(db);
}

DbKind db_kind(const Db *db) { return db->ops->kind; }
int db_alive(Db *db) { return !db->ops->alive || db->ops->alive(db); }

int db_idle(Db *db)
{
    int n = db->ops->reset_open ? db->ops->reset_open(db) : 0;
    if (db->in_tx) {
        fprintf(stderr, "huiju: a transaction was left open: rolled back\n");
        db_rollback(db);
        n++;
    }
    return n;
}
const char *db_errmsg(Db *db) { return db->ops->errmsg(db); }
DbStmt *db_prepare(Db *db, const char *sql) { return db->ops->prepare(db, sql); }
int db_bind_int(DbStmt *s, int idx, int64_t v) { return s->db->ops->bind_int(s, idx, v); }
int db_bind_text(DbStmt *s, int idx, const char *v) { return s->db->ops->bind_text(s, idx, v); }
int db_bind_null(DbStmt *s, int idx) { return s->db->ops->bind_null(s, idx); }
int db_bind_double(DbStmt *s, int idx, double v) { return s->db->ops->bind_double(s, idx, v); }
double db_col_double(DbStmt *s, int i) { return s->db->ops->col_double(s, i); }
int db_step(DbStmt *s) { return s->db->ops->step(s); }
int db_col_count(DbStmt *s) { return s->db->ops->col_count(s); }
int db_col_is_null(DbStmt *s, int i) { return s->db->ops->col_is_null(s, i); }
int64_t db_col_int(DbStmt *s, int i) { return s->db->ops->col_int(s, i); }
const char *db_col_text(DbStmt *s, int i) { return s->db->ops->col_text(s, i); }
int db_exec(Db *db, const char *sql) { return db->ops->exec(db, sql); }

void db_done(DbStmt *s)
{
    if (s) s->db->ops->done(s);
}

static DbStmt *vq(Db *db, const char *sql, const char *types, va_list ap)
{
    DbStmt *s = db_prepare(db, sql);
    if (!s) return NULL;
    /* a types string that does not match the placeholders is a programming error:
     * refuse before reading a single argument, rather than read the wrong ones */
    size_t nt = types ? strlen(types) : 0;
    if ((int)nt != db->ops->param_count(s)) {
        fprintf(stderr, "huiju: db_q: %zu parameter types for %d placeholders in: %.120s\n", nt,
                db->ops->param_count(s), sql);
        db_done(s);
        return NULL;
    }
    int idx = 1;
    for (const char *t = types ? types : ""; *t; t++, idx++) {
        int rc;
        switch (*t) {
        case 'i': rc = db_bind_int(s, idx, va_arg(ap, int64_t)); break;
        case 's': rc = db_bind_text(s, idx, va_arg(ap, const char *)); break;
        case 'd': rc = db_bind_double(s, idx, va_arg(ap, double)); break;
        default: rc = DB_ERROR; break;
        }
        if (rc != DB_OK) {
            db_done(s);
            return NULL;
        }
    }
    return s;
}

DbStmt *db_q_(Db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    DbStmt *s = vq(db, sql, types, ap);
    va_end(ap);
    return s;
}

int db_run_(Db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    DbStmt *s = vq(db, sql, types, ap);
    va_end(ap);
    if (!s) return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
    }
    db_done(s);
    return rc == DB_DONE ? DB_OK : rc;
}

int db_int_(Db *db, int64_t *out, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    DbStmt *s = vq(db, sql, types, ap);
    va_end(ap);
    if (!s) return -1;
    int rc = db_step(s), found = 0;
    if (rc == DB_ROW) {
        *out = db_col_int(s, 0);
        found = 1;
    } else if (rc != DB_DONE) {
        found = -1;
    }
    db_done(s);
    return found;
}

int db_begin(Db *db)
{
    int rc = db_exec(db, db->ops->begin_sql);
    if (rc == DB_OK) db->in_tx = 1;
    return rc;
}

int db_commit(Db *db)
{
    int rc = db_exec(db, "COMMIT");
    if (rc != DB_OK) db_rollback(db);
    db->in_tx = 0;
    return rc;
}

void db_rollback(Db *db)
{
    if (db->in_tx) db_exec(db, "ROLLBACK");
    db->in_tx = 0;
}

int db_backup(Db *db, const char *url, const char *path, char *err, size_t errlen)
{
    return db->ops->backup(db, url, path, err, errlen);
}

int db_integrity(Db *db, char *err, size_t errlen)
{
    return db->ops->integrity(db, err, errlen);
}

/* ---- migrations -------------------------------------------------------- */

/* sql with every occurrence of token replaced by with. Caller frees. */
static char *replace_all(const char *sql, const char *token, const char *with)
{
    size_t n = strlen(sql), tn = strlen(token), wn = strlen(with), cap = n + 1;
    for (const char *p = sql; (p = strstr(p, token)); p += tn) cap += wn;
    char *out = malloc(cap), *o = out;
    if (!out) abort();
    for (const char *p = sql; *p;) {
        if (strncmp(p, token, tn) == 0) {
            memcpy(o, with, wn);
            o += wn;
            p += tn;
        } else {
            *o++ = *p++;
        }
    }
    *o = 0;
    return out;
}

/* sql with the backend's words for @ID@ and @WITHOUT_ROWID@. Caller frees. */
static char *expand(const char *sql, const DbOps *ops)
{
    char *a = replace_all(sql, "@ID@", ops->id_column);
    char *b = replace_all(a, "@WITHOUT_ROWID@", ops->without_rowid);
    free(a);
    return b;
}

int db_schema_version(Db *db)
{
    int64_t v = 0;
    DbStmt *s = db_prepare(db, "SELECT max(version) FROM schema_migrations");
    if (!s) return 0; /* no table yet */
    if (db_step(s) == DB_ROW) v = db_col_int(s, 0);
    db_done(s);
    return (int)v;
}

static int run_sql(Db *db, const char *sql, char *err, size_t errlen, int version)
{
    if (!sql) return DB_OK;
    char *x = expand(sql, db->ops);
    int rc = db_exec(db, x);
    free(x);
    if (rc != DB_OK) snprintf(err, errlen, "migration %d: %s", version, db_errmsg(db));
    return rc;
}

int db_migrate(Db *db, char *err, size_t errlen)
{
    /* the table is made under the same lock as the migrations, so that two
     * processes starting on a fresh database do not race to create it */
    if (db_begin(db) != DB_OK ||
        (db->ops->migrate_lock_sql && db_exec(db, db->ops->migrate_lock_sql) != DB_OK) ||
        db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)") != DB_OK ||
        db_commit(db) != DB_OK) {
        snprintf(err, errlen, "cannot create schema_migrations: %s", db_errmsg(db));
        db_rollback(db);
        return DB_ERROR;
    }
    for (int i = 0; i < db_n_migrations; i++) {
        const Migration *m = &db_migrations[i];
        if (db_begin(db) != DB_OK) {
            snprintf(err, errlen, "cannot begin migration: %s", db_errmsg(db));
            return DB_ERROR;
        }
        if (db->ops->migrate_lock_sql && db_exec(db, db->ops->migrate_lock_sql) != DB_OK) {
            snprintf(err, errlen, "cannot lock for migration: %s", db_errmsg(db));
            db_rollback(db);
            return DB_ERROR;
        }
        if (db_schema_version(db) >= m->version) {
            db_rollback(db);
            continue;
        }
        const char *own = db->ops->kind == DB_SQLITE ? m->sqlite : m->pg;
        if (run_sql(db, m->common, err, errlen, m->version) != DB_OK ||
            run_sql(db, own, err, errlen, m->version) != DB_OK) {
            db_rollback(db);
            return DB_ERROR;
        }
        if (db_run(db, "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)", "ii",
                   (int64_t)m->version, (int64_t)time(NULL)) != DB_OK ||
            db_commit(db) != DB_OK) {
            snprintf(err, errlen, "migration %d: %s", m->version, db_errmsg(db));
            db_rollback(db);
            return DB_ERROR;
        }
    }
    return DB_OK;
}
