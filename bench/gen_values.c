/* gen_values.c — writes the benchmark's large CSV of values for `huiju import
 * datavalues`: every school of a huiju SQLite database (kind 'school', in id
 * order) × NIND monthly indicators bench_m01… × the 60 months 2021-01…2025-12,
 * one line `org,indicator,period,value` each, under the header. Rows come in the
 * order of the datavalues primary key (organisation, indicator, period), as a
 * data export would write them.
 *
 * Values are whole numbers 0…999 from a hash of (school, indicator, month, seed),
 * so every sum is exact in a double and the roll-ups can be checked to the unit.
 *
 * Usage: gen_values DB OUT.csv [NIND] [SEED]
 * Prints one JSON object on stdout: rows, schools, indicators, months, bytes,
 * seconds, existing_values (the rows datavalues held already), and the expected
 * region totals the bench checks the import against:
 * {"check": [{"indicator", "period", "total"}, …]}. Exit 1 on any failure. */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { YEAR0 = 2021, MONTHS = 60, MAX_IND = 99, OUTBUF = 1 << 20 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A value 0…999 for one (school, indicator, month): splitmix64 of the key. */
static unsigned value_of(uint64_t school, unsigned ind, unsigned month, uint64_t seed)
{
    uint64_t z = seed * 0x9e3779b97f4a7c15ULL + (school << 20) + ((uint64_t)ind << 8) + month;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (unsigned)(z % 1000);
}

/* Writes v in decimal at p; returns the end. */
static char *put_uint(char *p, unsigned v)
{
    char t[12];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = t[--n];
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DB OUT.csv [NIND] [SEED]\n", argv[0]);
        return 1;
    }
    int nind = argc > 3 ? atoi(argv[3]) : 40;
    uint64_t seed = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
    if (nind < 1 || nind > MAX_IND) {
        fprintf(stderr, "gen_values: NIND must be 1…%d\n", MAX_IND);
        return 1;
    }
    double t0 = now_s();

    /* the school codes, in id order */
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "gen_values: cannot open %s: %s\n", argv[1], sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT code FROM orgs WHERE kind = 'school' ORDER BY id", -1, &s,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "gen_values: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    size_t ns = 0, cap = 8192;
    char(*codes)[24] = malloc(cap * sizeof *codes);
    while (codes && sqlite3_step(s) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(s, 0);
        if (ns == cap) codes = realloc(codes, (cap *= 2) * sizeof *codes);
        if (!codes || !c || strlen(c) >= sizeof codes[0]) break;
        strcpy(codes[ns++], c);
    }
    sqlite3_finalize(s);
    long long existing = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM datavalues", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW) existing = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    if (!codes || !ns) {
        fprintf(stderr, "gen_values: no schools in %s\n", argv[1]);
        return 1;
    }

    FILE *out = fopen(argv[2], "w");
    char *buf = malloc(OUTBUF + 4096);
    if (!out || !buf) {
        fprintf(stderr, "gen_values: cannot write %s\n", argv[2]);
        return 1;
    }
    /* the periods, pre-formatted */
    char period[MONTHS][8];
    for (int m = 0; m < MONTHS; m++)
        snprintf(period[m], sizeof period[m], "%04d-%02d", YEAR0 + m / 12, m % 12 + 1);
    /* region totals checked afterwards: the first indicator's last month, and the
     * last indicator's last year (the sum of its 12 months) */
    uint64_t check_month = 0, check_year = 0;
    size_t bytes = 0;
    char *p = buf;
    p += sprintf(p, "org,indicator,period,value\n");
    for (size_t i = 0; i < ns; i++) {
        size_t cl = strlen(codes[i]);
        for (int k = 1; k <= nind; k++) {
            char ind[16];
            int il = snprintf(ind, sizeof ind, "bench_m%02d", k);
            for (int m = 0; m < MONTHS; m++) {
                unsigned v = value_of(i, (unsigned)k, (unsigned)m, seed);
                if (k == 1 && m == MONTHS - 1) check_month += v;
                if (k == nind && m >= MONTHS - 12) check_year += v;
                memcpy(p, codes[i], cl);
                p += cl;
                *p++ = ',';
                memcpy(p, ind, (size_t)il);
                p += il;
                *p++ = ',';
                memcpy(p, period[m], 7);
                p += 7;
                *p++ = ',';
                p = put_uint(p, v);
                *p++ = '\n';
                if (p - buf >= OUTBUF) {
                    if (fwrite(buf, 1, (size_t)(p - buf), out) != (size_t)(p - buf)) goto werr;
                    bytes += (size_t)(p - buf);
                    p = buf;
                }
            }
        }
    }
    if (fwrite(buf, 1, (size_t)(p - buf), out) != (size_t)(p - buf)) goto werr;
    bytes += (size_t)(p - buf);
    if (fclose(out) != 0) goto werr;
    printf("{\"rows\":%zu,\"schools\":%zu,\"indicators\":%d,\"months\":%d,\"bytes\":%zu,"
           "\"seconds\":%.3f,\"existing_values\":%lld,\"check\":[{\"indicator\":\"bench_m01\","
           "\"period\":\"%s\","
           "\"total\":%llu},{\"indicator\":\"bench_m%02d\",\"period\":\"%d\",\"total\":%llu}]}\n",
           ns * (size_t)nind * MONTHS, ns, nind, MONTHS, bytes, now_s() - t0, existing,
           period[MONTHS - 1], (unsigned long long)check_month, nind, YEAR0 + MONTHS / 12 - 1,
           (unsigned long long)check_year);
    free(buf);
    free(codes);
    return 0;
werr:
    fprintf(stderr, "gen_values: cannot write %s\n", argv[2]);
    return 1;
}
