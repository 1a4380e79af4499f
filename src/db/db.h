/* db.h — the backend-neutral database API.
 *
 * One Db is one connection, used by one thread at a time. It is opened by URL:
 * a path (or "sqlite:PATH") for SQLite, "postgres://…" or "postgresql://…" for
 * PostgreSQL through libpq. SQL is written once, with '?' placeholders, in the
 * subset both engines share; the PostgreSQL backend rewrites '?' to $1, $2, …
 * Backend differences live in sqlite.c and pg.c and nowhere else.
 *
 * Usage:
 *     DbStmt *s = db_q(db, "SELECT id, name_zh FROM orgs WHERE code = ?", "s", code);
 *     while (s && db_step(s) == DB_ROW) use(db_col_int(s, 0), db_col_text(s, 1));
 *     db_done(s);
 * Every DbStmt returned must be given back with db_done(), which may be passed NULL.
 * Do not step a statement again after DB_DONE.
 *
 * Parameters carry no declared type. Where PostgreSQL cannot infer one from the
 * context (a parameter standing alone, as in "? IS NULL"), write CAST(? AS TEXT)
 * or CAST(? AS BIGINT). */
#ifndef HUIJU_DB_H
#define HUIJU_DB_H

#include <stdint.h>
#include <stddef.h>

typedef struct Db Db;
typedef struct DbStmt DbStmt;

typedef enum { DB_SQLITE = 1, DB_PG = 2 } DbKind;

/* Results of db_step() and the other calls. */
enum {
    DB_OK = 0,
    DB_ROW = 100,      /* a row is ready to be read */
    DB_DONE = 101,     /* the statement has finished */
    DB_ERROR = 1,      /* any other failure; db_errmsg() says which */
    DB_CONSTRAINT = 2, /* a UNIQUE, CHECK, NOT NULL or foreign key was violated */
    DB_BUSY = 3,       /* lock timeout, deadlock or serialisation failure: retry the transaction */
};

/* Opens a connection. On failure returns NULL and writes a one-line reason into err. */
Db *db_open(const char *url, char *err, size_t errlen);
/* Closes the connection and frees every statement it cached. NULL is allowed. */
void db_close(Db *db);
DbKind db_kind(const Db *db);
/* Whether the connection still works; 0 after the server dropped it (then close
 * it and open a new one). Always 1 for SQLite. */
int db_alive(Db *db);
/* Between two uses of a connection (a server thread's requests): resets every
 * statement left running and rolls back a transaction left open, logging each
 * (each is a bug of the code that left it). Returns how many it found. */
int db_idle(Db *db);
/* The last error message of this connection; owned by the connection. */
const char *db_errmsg(Db *db);

/* Prepares sql (which must outlive nothing: it is copied). NULL on error. */
DbStmt *db_prepare(Db *db, const char *sql);
/* Parameters are numbered from 1. Text is copied at bind time; NULL text binds NULL. */
int db_bind_int(DbStmt *s, int idx, int64_t v);
int db_bind_text(DbStmt *s, int idx, const char *v);
int db_bind_null(DbStmt *s, int idx);
int db_bind_double(DbStmt *s, int idx, double v);
/* Runs the statement or advances it: DB_ROW, DB_DONE, DB_CONSTRAINT, DB_BUSY or DB_ERROR. */
int db_step(DbStmt *s);
/* Columns are numbered from 0 and valid after DB_ROW until the next db_step()/db_done(). */
int db_col_count(DbStmt *s);
int db_col_is_null(DbStmt *s, int i);
int64_t db_col_int(DbStmt *s, int i);
double db_col_double(DbStmt *s, int i);
/* Text of a column, NULL for SQL NULL; owned by the statement. */
const char *db_col_text(DbStmt *s, int i);
/* Gives the statement back (to the connection's cache or freed). NULL is allowed. */
void db_done(DbStmt *s);

/* Prepare and bind in one call. types has one letter per parameter:
 * 'i' int64_t, 'd' double, 's' const char * (a NULL pointer binds SQL NULL).
 * Returns NULL on error (db_errmsg says why). */
DbStmt *db_q_(Db *db, const char *sql, const char *types, ...);
/* Runs a statement that returns no rows; DB_OK or an error code. */
int db_run_(Db *db, const char *sql, const char *types, ...);
/* Runs a query expected to give one integer (first column of the first row).
 * Returns 1 and sets *out if there was a row, 0 if none, -1 on error. */
int db_int_(Db *db, int64_t *out, const char *sql, const char *types, ...);

/* The three are called through these macros, which refuse to compile when the
 * types string (a literal) and the number of arguments differ. The number of
 * placeholders in the SQL is checked when the statement is prepared. */
#define DB_NARGS_(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17,  \
                  _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, N, ...)         \
    N
#define DB_NARGS(...)                                                                             \
    DB_NARGS_(__VA_ARGS__, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13,  \
              12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define DB_CHECK_TYPES(types, ...)                                                                \
    (void)sizeof(struct {                                                                         \
        _Static_assert(sizeof(types) - 1 == DB_NARGS(0, ##__VA_ARGS__),                           \
                       "db_q/db_run/db_int: the types string and the arguments differ in number"); \
        int ok_;                                                                                  \
    })
#define db_q(db, sql, types, ...)                                                                 \
    (DB_CHECK_TYPES(types, ##__VA_ARGS__), db_q_((db), (sql), (types), ##__VA_ARGS__))
#define db_run(db, sql, types, ...)                                                               \
    (DB_CHECK_TYPES(types, ##__VA_ARGS__), db_run_((db), (sql), (types), ##__VA_ARGS__))
#define db_int(db, out, sql, types, ...)                                                          \
    (DB_CHECK_TYPES(types, ##__VA_ARGS__), db_int_((db), (out), (sql), (types), ##__VA_ARGS__))

/* Executes SQL without parameters, possibly several statements. DB_OK or error. */
int db_exec(Db *db, const char *sql);
/* A write transaction (SQLite: BEGIN IMMEDIATE). Transactions do not nest. */
int db_begin(Db *db);
int db_commit(Db *db);
/* Rolls back; harmless when no transaction is open. */
void db_rollback(Db *db);

/* Brings the schema up to the newest version in migrations.c; DB_OK or error (err filled). */
int db_migrate(Db *db, char *err, size_t errlen);
/* The schema version now in the database (0 when uninitialised). */
int db_schema_version(Db *db);
/* Copies the whole database into file path (SQLite: VACUUM INTO; PostgreSQL: pg_dump). */
int db_backup(Db *db, const char *url, const char *path, char *err, size_t errlen);
/* Checks the storage itself (SQLite: integrity_check and foreign_key_check). 0 = fine;
 * otherwise err holds the first problem. */
int db_integrity(Db *db, char *err, size_t errlen);

#endif
