/* sqlcount.c — an LD_PRELOAD shim that counts what a huiju process asks of
 * SQLite, to see where a page's time goes: every execution of a prepared
 * statement (a sqlite3_step() on a statement not already running), every step,
 * and the time spent inside sqlite3_step(), per distinct SQL text; sqlite3_exec()
 * calls are counted as executions of their text too.
 *
 * At exit it writes one JSON object to the file named by BENCH_SQLCOUNT_OUT:
 *   {"execs": N, "steps": N, "step_s": S,
 *    "stmts": [{"sql": "...", "execs": N, "steps": N, "s": S}, …]}
 * (statements in order of total time). bench/values.sh runs a server twice with
 * it, with few and with many requests, and takes the difference per request.
 *
 * Build: cc -O2 -shared -fPIC -o sqlcount.so sqlcount.c -ldl -lpthread
 * Thread-safe (one mutex); costs two clock reads per step, so figures from a run
 * under it are for counting, not for timing the pages. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { NSLOT = 4096, SQL_MAX = 400 };

typedef struct Slot {
    uint64_t hash;
    char *sql; /* the first SQL_MAX bytes, malloc'd; NULL: empty */
    long long execs, steps;
    double s;
} Slot;

static Slot slots[NSLOT];
static long long total_execs, total_steps;
static double total_s;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int (*real_step)(sqlite3_stmt *);
static int (*real_exec)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *,
                        char **);

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t hash_sql(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; s[i] && i < SQL_MAX; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h ? h : 1;
}

/* Adds one record for sql under the mutex. */
static void record(const char *sql, int exec, double s)
{
    if (!sql) sql = "?";
    uint64_t h = hash_sql(sql);
    pthread_mutex_lock(&mu);
    total_steps++;
    total_execs += exec;
    total_s += s;
    size_t j = h & (NSLOT - 1);
    for (size_t probe = 0; probe < NSLOT; probe++, j = (j + 1) & (NSLOT - 1)) {
        Slot *sl = &slots[j];
        if (!sl->sql) {
            sl->hash = h;
            sl->sql = strndup(sql, SQL_MAX);
        } else if (sl->hash != h || strncmp(sl->sql, sql, SQL_MAX)) {
            continue;
        }
        sl->steps++;
        sl->execs += exec;
        sl->s += s;
        break;
    }
    pthread_mutex_unlock(&mu);
}

int sqlite3_step(sqlite3_stmt *st)
{
    if (!real_step) real_step = (int (*)(sqlite3_stmt *))dlsym(RTLD_NEXT, "sqlite3_step");
    int fresh = !sqlite3_stmt_busy(st);
    double t0 = now_s();
    int rc = real_step(st);
    double t = now_s() - t0;
    record(sqlite3_sql(st), fresh, t);
    return rc;
}

int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg,
                 char **err)
{
    if (!real_exec)
        real_exec = (int (*)(sqlite3 *, const char *, int (*)(void *, int, char **, char **),
                             void *, char **))dlsym(RTLD_NEXT, "sqlite3_exec");
    double t0 = now_s();
    int rc = real_exec(db, sql, cb, arg, err);
    record(sql, 1, now_s() - t0);
    return rc;
}

static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fputc(' ', f);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static int by_time(const void *a, const void *b)
{
    const Slot *x = a, *y = b;
    if (!x->sql || !y->sql) return !x->sql - !y->sql;
    return (x->s < y->s) - (x->s > y->s);
}

__attribute__((destructor)) static void dump(void)
{
    const char *path = getenv("BENCH_SQLCOUNT_OUT");
    if (!path) return;
    FILE *f = fopen(path, "w");
    if (!f) return;
    pthread_mutex_lock(&mu);
    qsort(slots, NSLOT, sizeof slots[0], by_time);
    fprintf(f, "{\"execs\":%lld,\"steps\":%lld,\"step_s\":%.6f,\"stmts\":[", total_execs,
            total_steps, total_s);
    for (size_t i = 0; i < NSLOT && slots[i].sql; i++) {
        fprintf(f, "%s{\"sql\":", i ? "," : "");
        put_json_string(f, slots[i].sql);
        fprintf(f, ",\"execs\":%lld,\"steps\":%lld,\"s\":%.6f}", slots[i].execs, slots[i].steps,
                slots[i].s);
    }
    fprintf(f, "]}\n");
    pthread_mutex_unlock(&mu);
    fclose(f);
}
