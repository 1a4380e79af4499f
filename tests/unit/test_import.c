/* test_import.c — the pure parts of getting values in: numbers as people type
 * them, periods as files write them, the shortest exact number format, the CSV
 * scanner's lines and byte columns; and IoBatch on a real SQLite file — row
 * checks by column, repeats, ratio parts attributed to their line, reach, dry
 * run and all-or-nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "access.h"
#include "core/period.h"
#include "dataio.h"
#include "db/db.h"
#include "indicator.h"
#include "org.h"

static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        double out;
    } good[] = {{"12", 12},
                {" 12.5 ", 12.5},
                {"-3", -3},
                {"+4", 4},
                {"0.25", 0.25},
                {".5", 0.5},
                {"5.", 5},
                {"1e3", 1000},
                {"1,200", 1200},
                {"1,234,567.5", 1234567.5},
                {"１２．５", 12.5},
                {"－７", -7},
                {"\xe3\x80\x80"
                 "8",
                 8},
                {"-0", 0}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double v = -99;
        assert_true(io_parse_number(good[i].in, &v));
        assert_true(v == good[i].out);
    }
    const char *bad[] = {"",    " ",   "abc",    "12a",  "0x10", "inf",   "nan",
                         "1e",  "1,2", "1,2345", ",123", "12,",  "1.2.3", "--1",
                         "1 2", "4%",  "1e999",  "¥5",   NULL};
    for (const char **b = bad; *b; b++) {
        double v;
        assert_false(io_parse_number(*b, &v));
    }
    double v;
    assert_false(io_parse_number(NULL, &v));
}

static void test_periods(void **state)
{
    (void)state;
    static const struct {
        const char *in, *canon;
    } good[] = {{"2024", "2024"},       {"2024Q1", "2024Q1"},  {"2024q4", "2024Q4"},
                {"2024-03", "2024-03"}, {"202403", "2024-03"}, {"2024-3", "2024-03"},
                {"2024/11", "2024-11"}, {"2024/7", "2024-07"}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        Period p;
        char c[12];
        assert_true(io_parse_period(good[i].in, &p));
        period_format(&p, c, sizeof c);
        assert_string_equal(c, good[i].canon);
    }
    const char *bad[] = {"",      "24",    "2024Q5", "2024-13", "202413", "2024-00",  "20240",
                         "2024-", "2024/", "abcd",   "1800",    "2024W1", "2024-123", NULL};
    for (const char **b = bad; *b; b++) {
        Period p;
        assert_false(io_parse_period(*b, &p));
    }
}

static void test_format(void **state)
{
    (void)state;
    char b[32];
    io_format_number(12, b, sizeof b);
    assert_string_equal(b, "12");
    io_format_number(-0.0, b, sizeof b);
    assert_string_equal(b, "0");
    io_format_number(0.1, b, sizeof b);
    assert_string_equal(b, "0.1");
    io_format_number(1234567.25, b, sizeof b);
    assert_string_equal(b, "1234567.25");
    double x = 1.0 / 3;
    io_format_number(x, b, sizeof b);
    assert_true(strtod(b, NULL) == x);
    io_format_number(1e20, b, sizeof b);
    assert_true(strtod(b, NULL) == 1e20);
}

/* ---- the scanner ------------------------------------------------------------ */

typedef struct Seen {
    char rows[16][160];
    int nrows;
    char errs[16][64];
    int nerrs;
} Seen;

static void seen_row(void *cls, int64_t line, int n, char *const *f)
{
    Seen *s = cls;
    if (s->nrows >= 16) return;
    char *o = s->rows[s->nrows++];
    int k = snprintf(o, 160, "%lld:%d", (long long)line, n);
    for (int i = 0; i < n && i < CSV_MAX_FIELDS; i++)
        k += snprintf(o + k, (size_t)(160 - k), "|%s", f[i]);
}

static void seen_err(void *cls, int64_t line, int col, CsvErr e)
{
    Seen *s = cls;
    if (s->nerrs < 16) snprintf(s->errs[s->nerrs++], 64, "%lld:%d:%d", (long long)line, col, e);
}

static Seen *scan(const char *text, size_t len)
{
    static Seen s;
    memset(&s, 0, sizeof s);
    int64_t n = csv_scan(text, len, seen_row, seen_err, &s);
    assert_int_equal(n, s.nrows);
    return &s;
}
#define SCAN(lit) scan(lit, sizeof lit - 1)

static void test_scan_lines(void **state)
{
    (void)state;
    Seen *s = SCAN("org,indicator\n\na,b\r\n\"multi\nline\",x\n,,,\nlast,\"q\"\"uote\"");
    assert_int_equal(s->nerrs, 0);
    assert_int_equal(s->nrows, 4);
    assert_string_equal(s->rows[0], "1:2|org|indicator");
    assert_string_equal(s->rows[1], "3:2|a|b");
    assert_string_equal(s->rows[2], "4:2|multi\nline|x"); /* a record starts on its first line */
    assert_string_equal(s->rows[3], "7:2|last|q\"uote");  /* ",,," is blank; no final newline */
    s = SCAN("\xEF\xBB\xBForg,value\n");
    assert_string_equal(s->rows[0], "1:2|org|value");
    s = SCAN("a,b,c,d,e,f,g,h,i,j\n");
    assert_string_equal(s->rows[0], "1:10|a|b|c|d|e|f|g|h");
    s = SCAN("");
    assert_int_equal(s->nrows, 0);
}

static void test_scan_errors(void **state)
{
    (void)state;
    /* a quote in an unquoted field: byte column of the quote; the scan goes on */
    Seen *s = SCAN("h1,h2\nab,c\"d\nx,y\n");
    assert_int_equal(s->nerrs, 1);
    assert_string_equal(s->errs[0], "2:5:1");
    assert_int_equal(s->nrows, 2);
    assert_string_equal(s->rows[1], "3:2|x|y");
    /* text after a closing quote */
    s = SCAN("h\n\"ab\"c,d\n");
    assert_string_equal(s->errs[0], "2:5:1");
    /* columns count bytes, after a byte-order mark */
    s = SCAN("\xEF\xBB\xBF"
             "é,\"x\"y\n");
    assert_string_equal(s->errs[0], "1:7:1");
    /* a quote never closed: the line the record starts on, the column of its quote */
    s = SCAN("h\nok,1\nab,\"open\nmore\n");
    assert_int_equal(s->nerrs, 1);
    assert_string_equal(s->errs[0], "3:4:2");
    /* NUL bytes and overlong fields: the field number */
    s = scan("a,b\0c\n", 6);
    assert_string_equal(s->errs[0], "1:2:3");
    assert_int_equal(s->nrows, 0);
    char big[CSV_MAX_FIELD + 20];
    memset(big, 'x', sizeof big);
    memcpy(big, "a,", 2);
    big[sizeof big - 1] = '\n';
    s = scan(big, sizeof big);
    assert_string_equal(s->errs[0], "1:2:4");
}

/* ---- the batch, on a real database ---------------------------------------------- */

typedef struct Env {
    Db *db;
    Arena *a;
    char path[64];
} Env;

static int64_t add_org(Db *db, Arena *a, const char *code, const char *kind, const char *parent)
{
    Org o = {0}, par;
    o.code = code;
    o.kind = kind;
    o.name_zh = code;
    int rc;
    if (parent) assert_int_equal(org_load(db, a, parent, &par), 1);
    return org_insert(db, "test", &o, parent ? &par : NULL, &rc);
}

static int setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    snprintf(e->path, sizeof e->path, "/tmp/test_import.%d.db", (int)getpid());
    unlink(e->path);
    char err[256];
    e->db = db_open(e->path, err, sizeof err);
    e->a = arena_new();
    if (!e->db || db_migrate(e->db, err, sizeof err) != DB_OK || access_sync(e->db) != DB_OK)
        return -1;
    assert_int_equal(db_begin(e->db), DB_OK);
    assert_true(indicators_load_standard(e->db, "test", err, sizeof err) > 10);
    add_org(e->db, e->a, "650000", "region", NULL);
    add_org(e->db, e->a, "653100", "prefecture", "650000");
    add_org(e->db, e->a, "653121", "county", "653100");
    add_org(e->db, e->a, "653221", "county", "653100");
    add_org(e->db, e->a, "6531210001", "school", "653121");
    add_org(e->db, e->a, "6532210001", "school", "653221");
    assert_int_equal(db_commit(e->db), DB_OK);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    Env *e = *state;
    db_close(e->db);
    arena_free(e->a);
    unlink(e->path);
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", e->path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", e->path);
    unlink(wal);
    free(e);
    return 0;
}

/* Only the county 653121 may be written. */
static int only_653121(Req *r, const char *path)
{
    (void)r;
    return strstr(path, "/653121/") != NULL;
}

static Req req_for(Env *e)
{
    Req r = {0};
    r.arena = e->a;
    r.db = e->db;
    r.lang = "en";
    r.path = "";
    r.auth.login = "unit";
    return r;
}

static int64_t count_values(Db *db)
{
    int64_t n = -1;
    db_int(db, &n, "SELECT count(*) FROM datavalues", "");
    return n;
}

static void row(IoBatch *b, int64_t line, const char *org, const char *ind, const char *per,
                const char *val)
{
    IoRow r = {org, ind, per, val, {1, 2, 3, 4}};
    io_row(b, line, &r);
}

static void test_batch_errors(void **state)
{
    Env *e = *state;
    Req r = req_for(e);
    IoBatch *b = io_begin(&r, only_653121, 10);
    assert_non_null(b);
    io_set_value_col(b, 4);
    row(b, 2, "6531210001", "teachers_total", "2024", "40");    /* fine */
    row(b, 3, "6532210001", "teachers_total", "2024", "40");    /* out of reach */
    row(b, 4, "9999999999", "teachers_total", "2024", "40");    /* unknown */
    row(b, 5, "6531210001", "no_such", "2024", "40");           /* indicator */
    row(b, 6, "6531210001", "arts_teacher_gap", "2024", "40");  /* a ratio */
    row(b, 7, "6531210001", "training_hours", "2024", "40");    /* wrong period kind */
    row(b, 8, "6531210001", "teachers_total", "2024", "4.5");   /* not whole */
    row(b, 9, "6531210001", "teachers_total", "2025", "-1");    /* below min */
    row(b, 10, "6531210001", "teachers_total", "2024", "41");   /* repeat of line 2 */
    row(b, 11, "6531210001", "training_hours", "2024-13", "x"); /* two at once */
    IoResult res;
    io_end(b, 0, "test", "t", &res);
    assert_false(res.written);
    assert_int_equal(res.nerr_total, 10);
    static const struct {
        int64_t line;
        int col;
        const char *has;
    } want[] = {{3, 1, "no such organisation in your reach"},
                {4, 1, "no such organisation in your reach"},
                {5, 2, "no such indicator"},
                {6, 2, "ratio"},
                {7, 3, "entered per"},
                {8, 4, "whole number"},
                {9, 4, "lie within"},
                {10, 1, "as line 2"},
                {11, 3, "period"},
                {11, 4, "number"}};
    for (int i = 0; i < 10; i++) {
        assert_int_equal(res.err[i].line, want[i].line);
        assert_int_equal(res.err[i].col, want[i].col);
        assert_non_null(strstr(res.err[i].msg, want[i].has));
    }
    /* out of reach and unknown are worded the same */
    assert_int_equal(strncmp(res.err[0].msg, res.err[1].msg, 30), 0);
    assert_int_equal(count_values(e->db), 0);
}

static void test_batch_ratio_and_dry_run(void **state)
{
    Env *e = *state;
    Req r = req_for(e);
    /* the parts of a percentage disagree: the numerator's line is named */
    IoBatch *b = io_begin(&r, only_653121, 0);
    io_set_value_col(b, 4);
    row(b, 2, "6531210001", "arts_posts_needed", "2024", "3");
    row(b, 3, "6531210001", "arts_posts_vacant", "2024", "5");
    IoResult res;
    io_end(b, 0, "test", "t", &res);
    assert_int_equal(res.nerr_total, 1);
    assert_int_equal(res.err[0].line, 3);
    assert_int_equal(res.err[0].col, 4);
    assert_non_null(strstr(res.err[0].msg, "arts_posts_vacant"));
    assert_int_equal(count_values(e->db), 0);
    /* a dry run counts and writes nothing */
    b = io_begin(&r, only_653121, 0);
    row(b, 2, "6531210001", "arts_posts_needed", "2024", "5");
    row(b, 3, "6531210001", "arts_posts_vacant", "2024", "3");
    row(b, 4, "6531210001", "training_hours", "202403", "1,250.5");
    io_end(b, 1, "test", "t", &res);
    assert_int_equal(res.nerr_total, 0);
    assert_int_equal(res.added, 3);
    assert_false(res.written);
    assert_int_equal(count_values(e->db), 0);
    /* for real, then a change, a delete and an unchanged row */
    b = io_begin(&r, only_653121, 0);
    row(b, 2, "6531210001", "arts_posts_needed", "2024", "5");
    row(b, 3, "6531210001", "arts_posts_vacant", "2024", "3");
    io_end(b, 0, "test", "t", &res);
    assert_true(res.written);
    assert_int_equal(count_values(e->db), 2);
    b = io_begin(&r, only_653121, 0);
    row(b, 2, "6531210001", "arts_posts_needed", "2024", "6");
    row(b, 3, "6531210001", "arts_posts_vacant", "2024", "");
    row(b, 4, "6531210001", "teachers_total", "2024", NULL); /* deleting nothing */
    io_end(b, 0, "test", "t", &res);
    assert_true(res.written);
    assert_int_equal(res.changed, 1);
    assert_int_equal(res.deleted, 1);
    assert_int_equal(res.unchanged, 1);
    assert_int_equal(res.nsample, 2);
    assert_int_equal(res.sample[0].what, 'c');
    assert_string_equal(res.sample[0].value, "6");
    assert_int_equal(count_values(e->db), 1);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_numbers),     cmocka_unit_test(test_periods),
        cmocka_unit_test(test_format),      cmocka_unit_test(test_scan_lines),
        cmocka_unit_test(test_scan_errors),
    };
    const struct CMUnitTest batch[] = {
        cmocka_unit_test(test_batch_errors),
        cmocka_unit_test(test_batch_ratio_and_dry_run),
    };
    int failed = cmocka_run_group_tests_name("import: pure", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("import: batch", batch, setup, teardown);
    return failed;
}
