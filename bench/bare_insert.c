/* bare_insert.c — the reference for the import rate: the same CSV rows that
 * `huiju import datavalues` takes, put into a bare SQLite table with one prepared
 * statement in one transaction, and nothing else — no validation, no roll-ups,
 * no audit, no foreign keys.
 *
 * The table has the columns, declared types and primary key of huiju's
 * datavalues (WITHOUT ROWID); the database file is fresh and opened with the
 * pragmas huiju's SQLite backend uses (src/db/sqlite.c: WAL, synchronous=NORMAL,
 * a 64 MiB page cache). Organisation and indicator codes are turned into the ids
 * of the huiju database REF (read before the clock starts); the timed part maps
 * the CSV, reads every line, binds, steps, commits and closes the database
 * (which checkpoints the WAL, as huiju's exit does).
 *
 * Usage: bare_insert REF.db IN.csv OUT.db
 * Prints one JSON object on stdout: rows, seconds (the timed part), rate, and
 * the split: insert_s (parse, bind, step), commit_s, close_s. Exit 1 on failure
 * (an unknown code, a malformed line, a database error). */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- code → id: open addressing over (pointer, length) keys ---------------- */

typedef struct Ent {
    char *code; /* malloc'd, NULL: empty slot */
    size_t len;
    int64_t id;
} Ent;

typedef struct Map {
    Ent *e;
    size_t cap; /* a power of two, at least twice the entries */
} Map;

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static Ent *slot(const Map *m, const char *s, size_t n)
{
    size_t j = hash(s, n) & (m->cap - 1);
    while (m->e[j].code && !(m->e[j].len == n && !memcmp(m->e[j].code, s, n)))
        j = (j + 1) & (m->cap - 1);
    return &m->e[j];
}

/* Loads "SELECT code, id FROM table" of ref into m; the number loaded or -1. */
static long load_map(sqlite3 *ref, const char *sql, Map *m)
{
    m->cap = 1 << 15;
    m->e = calloc(m->cap, sizeof *m->e);
    sqlite3_stmt *s;
    if (!m->e || sqlite3_prepare_v2(ref, sql, -1, &s, NULL) != SQLITE_OK) return -1;
    long n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(s, 0);
        size_t len = strlen(c);
        if ((size_t)(n + 1) * 2 > m->cap) break; /* more codes than the table holds */
        Ent *e = slot(m, c, len);
        if (!e->code) {
            e->code = strdup(c);
            e->len = len;
            e->id = sqlite3_column_int64(s, 1);
            n++;
        }
    }
    sqlite3_finalize(s);
    return n;
}

static void free_map(Map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->e[i].code);
    free(m->e);
}

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "bare_insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : "failed");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s REF.db IN.csv OUT.db\n", argv[0]);
        return 1;
    }
    sqlite3 *ref;
    if (sqlite3_open_v2(argv[1], &ref, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return fail(ref, argv[1]);
    Map orgs, inds;
    if (load_map(ref, "SELECT code, id FROM orgs", &orgs) < 0 ||
        load_map(ref, "SELECT code, id FROM indicators", &inds) < 0)
        return fail(ref, "reading codes");
    sqlite3_close(ref);

    unlink(argv[3]);
    sqlite3 *db;
    if (sqlite3_open_v2(argv[3], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     " PRAGMA cache_size=-65536;"
                     "CREATE TABLE bare (org_id BIGINT NOT NULL, indicator_id BIGINT NOT NULL,"
                     " period TEXT NOT NULL, value DOUBLE PRECISION NOT NULL,"
                     " entered_by TEXT NOT NULL, entered_at BIGINT NOT NULL,"
                     " PRIMARY KEY (org_id, indicator_id, period)) WITHOUT ROWID",
                     NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, argv[3]);

    /* ---- the timed part ---- */
    double t0 = now_s();
    int fd = open(argv[2], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) return fail(NULL, argv[2]);
    size_t len = (size_t)st.st_size;
    const char *data = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED) return fail(NULL, argv[2]);
    const char *p = memchr(data, '\n', len), *end = data + len; /* past the header */
    if (!p) return fail(NULL, "no header line");
    p++;

    sqlite3_stmt *ins;
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO bare VALUES (?,?,?,?,?,?)", -1, &ins, NULL) !=
            SQLITE_OK)
        return fail(db, "prepare");
    int64_t now = (int64_t)time(NULL);
    long long rows = 0, line = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        line++;
        if (nl == p) {
            p++;
            continue;
        }
        const char *f[4];
        size_t fl[4];
        const char *q = p;
        for (int k = 0; k < 4; k++) {
            const char *c = k < 3 ? memchr(q, ',', (size_t)(nl - q)) : nl;
            if (!c) {
                fprintf(stderr, "bare_insert: line %lld: too few fields\n", line);
                return 1;
            }
            f[k] = q;
            fl[k] = (size_t)(c - q);
            q = c + 1;
        }
        const Ent *o = slot(&orgs, f[0], fl[0]), *i = slot(&inds, f[1], fl[1]);
        char vbuf[64];
        if (!o->code || !i->code || fl[3] >= sizeof vbuf) {
            fprintf(stderr, "bare_insert: line %lld: unknown code or bad value\n", line);
            return 1;
        }
        memcpy(vbuf, f[3], fl[3]);
        vbuf[fl[3]] = 0;
        char *ve;
        double v = strtod(vbuf, &ve);
        if (ve == vbuf || *ve) {
            fprintf(stderr, "bare_insert: line %lld: bad value\n", line);
            return 1;
        }
        sqlite3_bind_int64(ins, 1, o->id);
        sqlite3_bind_int64(ins, 2, i->id);
        sqlite3_bind_text(ins, 3, f[2], (int)fl[2], SQLITE_STATIC);
        sqlite3_bind_double(ins, 4, v);
        sqlite3_bind_text(ins, 5, "cli", 3, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 6, now);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fprintf(stderr, "bare_insert: line %lld: %s\n", line, sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(ins);
        rows++;
        p = nl + 1;
    }
    sqlite3_finalize(ins);
    double t1 = now_s();
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return fail(db, "commit");
    double t2 = now_s();
    if (sqlite3_close(db) != SQLITE_OK) return fail(db, "close");
    double t3 = now_s();
    munmap((void *)data, len);
    free_map(&orgs);
    free_map(&inds);
    printf("{\"rows\":%lld,\"seconds\":%.3f,\"rate\":%.0f,\"insert_s\":%.3f,\"commit_s\":%.3f,"
           "\"close_s\":%.3f}\n",
           rows, t3 - t0, rows / (t3 - t0), t1 - t0, t2 - t1, t3 - t2);
    return 0;
}
