/* pg.c — the PostgreSQL backend of db.h, through libpq.
 *
 * SQL arrives with '?' placeholders and is rewritten to $1, $2, … once, when a
 * connection first sees that text; it is then prepared on the server under a
 * generated name ("s1", "s2", …) and the name is cached per connection, keyed
 * by the original SQL text. Every db_prepare() returns a fresh statement
 * object, so statements of the same SQL may be open at once. Parameters are
 * sent as text and typed by the server; a statement runs at its first
 * db_step(), and its rows are then read one by one from the whole result. */
#include "backend.h"
#include "../core/buf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

enum { NBUCKET = 256 };

/* A statement prepared on the server. Lives in the connection's cache until
 * db_close(); only ever created after PQprepare succeeded. */
typedef struct PgPrep {
    struct PgPrep *next;
    unsigned hash;
    int nparams;
    char *sql; /* the original text, with '?' */
    char name[24];
} PgPrep;

typedef struct PgStmt {
    DbStmt base;
    const PgPrep *prep;
    PGresult *res; /* after the first db_step, if it succeeded */
    int ran;       /* db_step has executed the statement */
    int rc;        /* the error of that execution, or 0 */
    int row, nrows;
    char *vals[]; /* prep->nparams bound values, NULL = SQL NULL; owned */
} PgStmt;

typedef struct PgDb {
    Db base;
    PGconn *c;
    PgPrep *cache[NBUCKET];
    unsigned nprep; /* statement names issued so far */
    char err[512];
} PgDb;

static const DbOps ops;
static int p_alive(Db *db);

static unsigned hash_sql(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Copies msg into out as one line: newlines and tabs become spaces and
 * trailing white space is dropped. */
static void one_line(char *out, size_t outlen, const char *msg)
{
    if (!outlen) return;
    size_t n = 0;
    for (const char *p = msg ? msg : ""; *p && n + 1 < outlen; p++)
        out[n++] = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = 0;
    if (!n) snprintf(out, outlen, "unknown PostgreSQL error");
}

static int map_sqlstate(const char *st)
{
    if (!st) return DB_ERROR;
    if (st[0] == '2' && st[1] == '3') return DB_CONSTRAINT; /* integrity_constraint_violation */
    if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0)
        return DB_BUSY; /* serialization_failure, deadlock_detected, lock_not_available */
    return DB_ERROR;
}

/* Records the error of res (or of the connection when res is NULL or says
 * nothing) as the connection's last error and returns its DB_ code. Does not
 * clear res. */
static int set_err(PgDb *d, const PGresult *res)
{
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg || !*msg) msg = PQerrorMessage(d->c);
    one_line(d->err, sizeof d->err, msg);
    return map_sqlstate(res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
}

static const char *p_errmsg(Db *db)
{
    return ((PgDb *)db)->err;
}

static void p_close(Db *db)
{
    PgDb *d = (PgDb *)db;
    for (int i = 0; i < NBUCKET; i++) {
        for (PgPrep *p = d->cache[i], *n; p; p = n) {
            n = p->next;
            free(p->sql);
            free(p);
        }
    }
    PQfinish(d->c); /* the server drops the session's prepared statements */
    free(d);
}

static int ident_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* sql with each '?' placeholder replaced by $1, $2, …; *nparams gets their
 * number. A '?' inside a string literal ('…', E'…'), a quoted identifier, a
 * dollar-quoted body or a comment is left alone. (PostgreSQL operators that
 * contain '?', such as jsonb's, cannot be written in this dialect.) Caller frees. */
static char *rewrite(const char *sql, int *nparams)
{
    Buf b;
    buf_init(&b);
    int n = 0;
    const char *p = sql;
    while (*p) {
        const char *start = p;
        if (*p == '\'') {
            int backslash = p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
                            (p - 1 == sql || !ident_char((unsigned char)p[-2]));
            for (p++; *p; p++) {
                if (backslash && *p == '\\' && p[1]) {
                    p++;
                } else if (*p == '\'') {
                    if (p[1] != '\'') break;
                    p++;
                }
            }
            if (*p) p++;
        } else if (*p == '"') {
            for (p++; *p; p++) {
                if (*p == '"') {
                    if (p[1] != '"') break;
                    p++;
                }
            }
            if (*p) p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            int depth = 0;
            while (*p) {
                if (p[0] == '/' && p[1] == '*') {
                    depth++;
                    p += 2;
                } else if (p[0] == '*' && p[1] == '/') {
                    p += 2;
                    if (--depth == 0) break;
                } else {
                    p++;
                }
            }
        } else if (*p == '$' && (p == sql || !ident_char((unsigned char)p[-1]))) {
            /* $tag$ … $tag$, where tag is empty or an identifier not starting
             * with a digit ($1 is a parameter, not a quote). */
            const char *q = p + 1;
            if (isalpha((unsigned char)*q) || *q == '_' || (unsigned char)*q >= 0x80)
                while (ident_char((unsigned char)*q) && *q != '$')
                    q++;
            if (*q == '$') {
                size_t taglen = (size_t)(q - p) + 1;
                const char *body = q + 1, *end = body;
                while ((end = strchr(end, '$')) && strncmp(end, p, taglen) != 0)
                    end++;
                p = end ? end + taglen : body + strlen(body);
            } else {
                p++;
            }
        } else if (*p == '?') {
            buf_appendf(&b, "$%d", ++n);
            p++;
            continue;
        } else {
            p++;
        }
        buf_append(&b, start, (size_t)(p - start));
    }
    *nparams = n;
    return buf_take(&b);
}

/* Finds sql in the connection's cache, or rewrites and prepares it on the
 * server and caches it. NULL (error recorded) if the server refuses it; a
 * failed prepare leaves nothing in the cache. The entry is owned by the cache. */
static const PgPrep *lookup(PgDb *d, const char *sql)
{
    unsigned h = hash_sql(sql);
    PgPrep **head = &d->cache[h % NBUCKET];
    for (PgPrep *p = *head; p; p = p->next)
        if (p->hash == h && strcmp(p->sql, sql) == 0) return p;

    PgPrep *p = calloc(1, sizeof *p);
    if (!p) abort();
    snprintf(p->name, sizeof p->name, "s%u", ++d->nprep);
    char *text = rewrite(sql, &p->nparams);
    PGresult *r = PQprepare(d->c, p->name, text, 0, NULL);
    free(text);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        set_err(d, r);
        PQclear(r);
        free(p);
        return NULL;
    }
    PQclear(r);
    p->hash = h;
    p->sql = strdup(sql);
    if (!p->sql) abort();
    p->next = *head;
    *head = p;
    return p;
}

static DbStmt *p_prepare(Db *db, const char *sql)
{
    PgDb *d = (PgDb *)db;
    const PgPrep *p = lookup(d, sql);
    if (!p) return NULL;
    PgStmt *s = calloc(1, sizeof *s + (size_t)p->nparams * sizeof s->vals[0]);
    if (!s) abort();
    s->base.db = db;
    s->prep = p;
    s->row = -1;
    return &s->base;
}

/* Stores v (copied; NULL = SQL NULL) as parameter idx. */
static int set_param(PgStmt *s, int idx, const char *v)
{
    PgDb *d = (PgDb *)s->base.db;
    if (s->ran) {
        snprintf(d->err, sizeof d->err, "cannot bind parameter %d: statement already run", idx);
        return DB_ERROR;
    }
    if (idx < 1 || idx > s->prep->nparams) {
        snprintf(d->err, sizeof d->err, "parameter %d out of range (statement has %d)", idx,
                 s->prep->nparams);
        return DB_ERROR;
    }
    char *copy = NULL;
    if (v && !(copy = strdup(v))) abort();
    free(s->vals[idx - 1]);
    s->vals[idx - 1] = copy;
    return DB_OK;
}

static int p_bind_int(DbStmt *st, int idx, int64_t v)
{
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%" PRId64, v);
    return set_param((PgStmt *)st, idx, tmp);
}

static int p_bind_double(DbStmt *st, int idx, double v)
{
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.17g", v);
    return set_param((PgStmt *)st, idx, tmp);
}

static int p_bind_text(DbStmt *st, int idx, const char *v)
{
    return set_param((PgStmt *)st, idx, v);
}
static int p_bind_null(DbStmt *st, int idx)
{
    return set_param((PgStmt *)st, idx, NULL);
}

/* The first call executes the statement (unbound parameters are NULL); every
 * call then moves to the next row. An execution error is returned again by
 * any later call. */
static int p_step(DbStmt *st)
{
    PgStmt *s = (PgStmt *)st;
    PgDb *d = (PgDb *)s->base.db;
    if (!s->ran) {
        s->ran = 1;
        PGresult *r = PQexecPrepared(d->c, s->prep->name, s->prep->nparams,
                                     (const char *const *)s->vals, NULL, NULL, 0);
        switch (PQresultStatus(r)) {
        case PGRES_TUPLES_OK:
            s->nrows = PQntuples(r);
            break;
        case PGRES_COMMAND_OK:
        case PGRES_EMPTY_QUERY:
            s->nrows = 0;
            break;
        default:
            s->rc = set_err(d, r);
            PQclear(r);
            return s->rc;
        }
        s->res = r;
    }
    if (s->rc) return s->rc;
    if (s->row < s->nrows) s->row++;
    return s->row < s->nrows ? DB_ROW : DB_DONE;
}

static int p_col_count(DbStmt *st)
{
    PgStmt *s = (PgStmt *)st;
    return s->res ? PQnfields(s->res) : 0;
}

/* Whether column i of the current row exists. */
static int on_row(const PgStmt *s, int i)
{
    return s->res && s->row >= 0 && s->row < s->nrows && i >= 0 && i < PQnfields(s->res);
}

static int p_col_is_null(DbStmt *st, int i)
{
    PgStmt *s = (PgStmt *)st;
    return !on_row(s, i) || PQgetisnull(s->res, s->row, i);
}

/* The column's text as an integer; NULL and non-numbers give 0, and a boolean
 * gives 1 or 0 as an SQLite comparison would. */
static int64_t p_col_int(DbStmt *st, int i)
{
    PgStmt *s = (PgStmt *)st;
    if (!on_row(s, i) || PQgetisnull(s->res, s->row, i)) return 0;
    const char *v = PQgetvalue(s->res, s->row, i);
    if (v[0] == 't' && v[1] == 0) return 1;
    return (int64_t)strtoll(v, NULL, 10);
}

static double p_col_double(DbStmt *st, int i)
{
    PgStmt *s = (PgStmt *)st;
    if (!on_row(s, i) || PQgetisnull(s->res, s->row, i)) return 0;
    return strtod(PQgetvalue(s->res, s->row, i), NULL);
}

static const char *p_col_text(DbStmt *st, int i)
{
    PgStmt *s = (PgStmt *)st;
    if (!on_row(s, i) || PQgetisnull(s->res, s->row, i)) return NULL;
    return PQgetvalue(s->res, s->row, i);
}

/* Frees the statement, its bound values and its result; the server-side
 * statement stays cached on the connection. */
static void p_done(DbStmt *st)
{
    PgStmt *s = (PgStmt *)st;
    for (int i = 0; i < s->prep->nparams; i++)
        free(s->vals[i]);
    PQclear(s->res);
    free(s);
}

/* Whether sql is the single word w (any case), maybe with ';' and white space. */
static int is_only(const char *sql, const char *w)
{
    size_t n = strlen(w);
    while (isspace((unsigned char)*sql))
        sql++;
    if (strncasecmp(sql, w, n) != 0) return 0;
    for (sql += n; *sql; sql++)
        if (!isspace((unsigned char)*sql) && *sql != ';') return 0;
    return 1;
}

static int p_exec(Db *db, const char *sql)
{
    PgDb *d = (PgDb *)db;
    /* After a failed COMMIT the server has already ended the transaction;
     * a ROLLBACK then would only draw a warning. */
    if (PQtransactionStatus(d->c) == PQTRANS_IDLE && is_only(sql, "ROLLBACK")) return DB_OK;
    PGresult *r = PQexec(d->c, sql);
    int rc = DB_OK;
    switch (PQresultStatus(r)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
        /* PostgreSQL answers COMMIT of a failed transaction with "ROLLBACK". */
        if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0 &&
            (is_only(sql, "COMMIT") || is_only(sql, "END"))) {
            snprintf(d->err, sizeof d->err,
                     "COMMIT failed: the transaction had an error and was rolled back");
            rc = DB_ERROR;
        }
        break;
    default:
        rc = set_err(d, r);
        break;
    }
    PQclear(r);
    return rc;
}

/* Runs pg_dump (found on PATH) into path and waits for it. A failed dump's
 * partial file is removed. */
static int p_backup(Db *db, const char *url, const char *path, char *err, size_t errlen)
{
    (void)db;
    if (!url || !path || !*path) {
        snprintf(err, errlen, "backup: no database URL or file given");
        return DB_ERROR;
    }
    Buf file, dbname;
    buf_init(&file);
    buf_init(&dbname);
    buf_appendf(&file, "--file=%s", path);
    buf_appendf(&dbname, "--dbname=%s", url);
    char *argv[] = {(char *)"pg_dump", (char *)"--no-owner", (char *)"--format=plain",
                    file.data,         dbname.data,          NULL};
    int rc = DB_ERROR, pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "backup: pipe: %s", strerror(errno));
        goto out;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "backup: fork: %s", strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        goto out;
    }
    if (pid == 0) {
        /* Only async-signal-safe calls here. The pipe closes itself on a
         * successful exec; otherwise the parent is told why. */
        execvp(argv[0], argv);
        int e = errno;
        ssize_t w = write(pfd[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    close(pfd[1]);
    int exec_errno = 0;
    ssize_t got;
    while ((got = read(pfd[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
    }
    close(pfd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(err, errlen, "backup: waitpid: %s", strerror(errno));
            goto out;
        }
    }
    if (got == (ssize_t)sizeof exec_errno) {
        snprintf(err, errlen, "backup: cannot run pg_dump: %s", strerror(exec_errno));
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        rc = DB_OK;
    } else {
        if (WIFEXITED(status))
            snprintf(err, errlen, "backup: pg_dump failed with exit status %d",
                     WEXITSTATUS(status));
        else
            snprintf(err, errlen, "backup: pg_dump killed by signal %d", WTERMSIG(status));
        unlink(path);
    }
out:
    buf_free(&file);
    buf_free(&dbname);
    return rc;
}

/* A query that must give one row; 0 if it did, else 1 with err filled. */
static int check_query(PgDb *d, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(d->c, sql);
    int bad = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        set_err(d, r);
        snprintf(err, errlen, "%s: %s", sql, d->err);
        bad = 1;
    } else if (PQntuples(r) != 1) {
        snprintf(err, errlen, "%s: gave %d rows", sql, PQntuples(r));
        bad = 1;
    }
    PQclear(r);
    return bad;
}

/* The server keeps its own storage consistent; this only checks that the
 * connection works and the schema is there. */
static int p_integrity(Db *db, char *err, size_t errlen)
{
    PgDb *d = (PgDb *)db;
    return check_query(d, "SELECT 1", err, errlen) ||
           check_query(d, "SELECT count(*) FROM schema_migrations", err, errlen);
}

static int p_param_count(DbStmt *st) { return ((PgStmt *)st)->prep->nparams; }

static const DbOps ops = {
    .kind = DB_PG,
    .id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .without_rowid = "",
    .close = p_close,
    .errmsg = p_errmsg,
    .prepare = p_prepare,
    .bind_int = p_bind_int,
    .bind_text = p_bind_text,
    .bind_null = p_bind_null,
    .step = p_step,
    .col_count = p_col_count,
    .col_is_null = p_col_is_null,
    .col_int = p_col_int,
    .col_text = p_col_text,
    .done = p_done,
    .exec = p_exec,
    .begin_sql = "BEGIN",
    .migrate_lock_sql = "SELECT pg_advisory_xact_lock(72011)",
    .backup = p_backup,
    .integrity = p_integrity,
    .alive = p_alive,
    .bind_double = p_bind_double,
    .col_double = p_col_double,
    .param_count = p_param_count,
};

/* A connection the server dropped (a restart, an idle timeout) reads as bad
 * after the first failed call. */
static int p_alive(Db *db)
{
    return PQstatus(((PgDb *)db)->c) == CONNECTION_OK;
}

/* The message never contains the URL, which may hold a password. */
Db *db_pg_open(const char *url, char *err, size_t errlen)
{
    PGconn *c = PQconnectdb(url);
    if (!c) {
        snprintf(err, errlen, "cannot connect to PostgreSQL: out of memory");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[512];
        one_line(msg, sizeof msg, PQerrorMessage(c));
        snprintf(err, errlen, "cannot connect to PostgreSQL: %s", msg);
        PQfinish(c);
        return NULL;
    }
    PgDb *d = calloc(1, sizeof *d);
    if (!d) abort();
    d->base.ops = &ops;
    d->c = c;
    if (p_exec(&d->base, "SET client_min_messages = warning; SET TIME ZONE 'UTC'") != DB_OK) {
        snprintf(err, errlen, "cannot set up PostgreSQL connection: %s", d->err);
        p_close(&d->base);
        return NULL;
    }
    return &d->base;
}
