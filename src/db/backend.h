/* backend.h — what a database backend provides to db.c. Only db.c, sqlite.c and
 * pg.c include this file. */
#ifndef HUIJU_DB_BACKEND_H
#define HUIJU_DB_BACKEND_H

#include "db.h"

typedef struct DbOps {
    DbKind kind;
    /* Type used for a surrogate key column in migrations: replaces @ID@. */
    const char *id_column;
    /* Table option for a table clustered on its primary key: replaces @WITHOUT_ROWID@. */
    const char *without_rowid;
    void (*close)(Db *db);
    const char *(*errmsg)(Db *db);
    DbStmt *(*prepare)(Db *db, const char *sql);
    int (*bind_int)(DbStmt *s, int idx, int64_t v);
    int (*bind_text)(DbStmt *s, int idx, const char *v);
    int (*bind_null)(DbStmt *s, int idx);
    int (*bind_double)(DbStmt *s, int idx, double v);
    int (*step)(DbStmt *s);
    /* How many parameters the statement has. */
    int (*param_count)(DbStmt *s);
    int (*col_count)(DbStmt *s);
    int (*col_is_null)(DbStmt *s, int i);
    int64_t (*col_int)(DbStmt *s, int i);
    double (*col_double)(DbStmt *s, int i);
    const char *(*col_text)(DbStmt *s, int i);
    void (*done)(DbStmt *s);
    int (*exec)(Db *db, const char *sql);
    const char *begin_sql;
    /* Run first in the migration transaction so that two processes never migrate at once. */
    const char *migrate_lock_sql;
    int (*backup)(Db *db, const char *url, const char *path, char *err, size_t errlen);
    int (*integrity)(Db *db, char *err, size_t errlen);
    /* Whether the connection still works (NULL: always). */
    int (*alive)(Db *db);
    /* Resets statements left running; returns how many (NULL: none to reset). */
    int (*reset_open)(Db *db);
} DbOps;

/* Every backend's connection struct starts with this. */
struct Db {
    const DbOps *ops;
    int in_tx;
};

/* Every backend's statement struct starts with this. */
struct DbStmt {
    Db *db;
};

Db *db_sqlite_open(const char *path, char *err, size_t errlen);
Db *db_pg_open(const char *url, char *err, size_t errlen);

/* One migration: SQL shared by both backends, then SQL for one backend only
 * (either may be NULL). Statements are separated by ';' at line ends. */
typedef struct Migration {
    int version;
    const char *common;
    const char *sqlite;
    const char *pg;
} Migration;

extern const Migration db_migrations[];
extern const int db_n_migrations;

#endif
