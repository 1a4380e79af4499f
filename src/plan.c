/* plan.c — the plan template: a CSV file with the columns of
 * data/plan-targets.csv, parsed with libcsv, checked whole, then written as
 * targets (plan_load in target.h) — all rows or none. `huiju plan load FILE`. */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/util.h"
#include "indicator.h"
#include "target.h"

enum { PLAN_MAX_FIELDS = 32, PLAN_MAX_BYTES = 8 << 20 };

/* One field as read, with the physical line it starts on. */
typedef struct Cell {
    const char *s;
    int line;
} Cell;

typedef struct Row {
    Cell c[PLAN_MAX_FIELDS];
    int n, line;
} Row;

/* The parse state shared with libcsv's callbacks. */
typedef struct Ctx {
    Arena *a;
    Row *rows;
    int nrows, cap;
    Row cur;
    int line;       /* physical line of the byte being fed */
    int field_line; /* physical line where the current field began */
    int fired;      /* a callback ran while feeding this byte */
    int too_many;   /* line of a row with more than PLAN_MAX_FIELDS fields, or 0 */
} Ctx;

static void on_field(void *s, size_t len, void *data)
{
    Ctx *c = data;
    c->fired = 1;
    if (c->cur.n == 0) c->cur.line = c->field_line;
    if (c->cur.n >= PLAN_MAX_FIELDS) {
        if (!c->too_many) c->too_many = c->cur.line;
        return;
    }
    Cell *cell = &c->cur.c[c->cur.n++];
    cell->s = arena_strndup(c->a, s ? (const char *)s : "", s ? len : 0);
    cell->line = c->field_line;
}

static void on_row(int term, void *data)
{
    (void)term;
    Ctx *c = data;
    c->fired = 1;
    if (c->nrows == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        Row *nr = arena_alloc(c->a, sizeof *nr * (size_t)c->cap);
        if (c->nrows) memcpy(nr, c->rows, sizeof *nr * (size_t)c->nrows);
        c->rows = nr;
    }
    c->rows[c->nrows++] = c->cur;
    memset(&c->cur, 0, sizeof c->cur);
}

/* Parses text into c->rows. 0, or -1 with err naming the line and column. */
static int parse_csv(Ctx *c, const char *text, size_t len, char *err, size_t errlen)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) text += 3, len -= 3; /* a spreadsheet's BOM */
    c->line = c->field_line = 1;
    int pending = 1, rc = 0;
    /* fed one byte at a time, so that every field knows the line it starts on */
    for (size_t i = 0; i < len && !rc; i++) {
        unsigned char b = (unsigned char)text[i];
        if (pending) {
            c->field_line = c->line;
            if (b != '\r' && b != '\n') pending = 0;
        }
        c->fired = 0;
        if (csv_parse(&p, text + i, 1, on_field, on_row, c) != 1) {
            snprintf(err, errlen, "line %d, column %d: %s", c->line, c->cur.n + 1,
                     csv_error(&p) == CSV_EPARSE
                         ? "malformed quoting: a quote inside an unquoted field, or text after "
                           "a closing quote"
                         : csv_strerror(csv_error(&p)));
            rc = -1;
        }
        if (b == '\n') c->line++;
        if (c->fired) pending = 1;
    }
    if (!rc && csv_fini(&p, on_field, on_row, c) != 0) {
        snprintf(err, errlen, "line %d, column %d: a quoted field is not closed", c->field_line,
                 c->cur.n + 1);
        rc = -1;
    }
    csv_free(&p);
    if (!rc && c->too_many) {
        snprintf(err, errlen, "line %d: more than %d fields", c->too_many, PLAN_MAX_FIELDS);
        rc = -1;
    }
    return rc;
}

/* The columns a template may have; the first nine are required. */
static const char *const columns[] = {"key",     "name_zh",         "unit",
                                      "kind",    "direction",       "baseline",
                                      "baseline_period", "target",  "target_period",
                                      "name_en", "applies_to",      "seed_section",
                                      "indicator", "scope",         NULL};
enum { N_REQUIRED = 9 };

/* The column holding a TargetInput field named by target_check(). */
static const char *column_of_field(const char *field)
{
    if (!strcmp(field, "code")) return "key";
    if (!strcmp(field, "section")) return "seed_section";
    return field;
}

/* Plan rows whose indicator has another code. */
static const char *indicator_alias(const char *code)
{
    static const char *const map[][2] = {
        {"parent_participation_rate_long", "parent_participation_rate"},
        {"regional_rank_gain", "regional_rank"},
        {"region_brand_projects_2026", "region_brand_projects"},
        {"liaison_officers_per_school", "liaison_officers"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i][0], code)) return map[i][1];
    return code;
}

/* Parses a number field: 1 given, 0 empty, -1 not a number. */
static int number(const char *s, double *out)
{
    if (!s || !*s) return 0;
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return *end || errno || end == s ? -1 : 1;
}

typedef struct PlanRow {
    TargetInput in;
    int64_t scope_id, indicator_id;
} PlanRow;

/* Loads and checks every row, then writes them. See plan_load(). */
static int plan_load_counted(Db *db, const char *actor, const char *text, size_t len,
                             int *added, int *changed, char *err, size_t errlen)
{
    *added = *changed = 0;
    const char *name = "data/plan-targets.csv";
    if (!text) {
        const EmbeddedFile *f = embedded_find(name);
        if (!f) {
            snprintf(err, errlen, "the plan template is not compiled in");
            return -1;
        }
        text = (const char *)f->data;
        len = f->size;
    }
    Arena *a = arena_new();
    Ctx c = {.a = a};
    int rc = -1;
#define FAIL(...)                                                                                 \
    do {                                                                                          \
        snprintf(err, errlen, __VA_ARGS__);                                                       \
        goto out;                                                                                 \
    } while (0)
    if (parse_csv(&c, text, len, err, errlen)) goto out;
    if (c.nrows < 1) FAIL("line 1: the file is empty (a header line is needed)");
    /* the header: which column holds which field */
    const Row *h = &c.rows[0];
    int at[16];
    for (int k = 0; columns[k]; k++) at[k] = -1;
    for (int i = 0; i < h->n; i++) {
        int k = 0;
        while (columns[k] && strcmp(columns[k], h->c[i].s)) k++;
        if (!columns[k])
            FAIL("line %d, column %d: unknown column \"%s\" (expected key, name_zh, name_en, "
                 "unit, kind, direction, baseline, baseline_period, target, target_period, "
                 "applies_to, seed_section, indicator, scope)",
                 h->line, i + 1, h->c[i].s);
        if (at[k] >= 0)
            FAIL("line %d, column %d: the column \"%s\" appears twice", h->line, i + 1, columns[k]);
        at[k] = i;
    }
    for (int k = 0; k < N_REQUIRED; k++)
        if (at[k] < 0) FAIL("line %d: the column \"%s\" is missing", h->line, columns[k]);
    int64_t root = 0;
    if (db_int(db, &root,
               "SELECT id FROM orgs WHERE parent_id IS NULL AND kind = 'region' ORDER BY id LIMIT 1",
               "") != 1)
        FAIL("there is no region (the organisation without a parent): load the divisions first");
    int today = target_today_month();
    PlanRow *pr = arena_alloc(a, sizeof *pr * (size_t)c.nrows);
    for (int ri = 1; ri < c.nrows; ri++) {
        const Row *row = &c.rows[ri];
        PlanRow *p = &pr[ri];
        if (row->n != h->n)
            FAIL("line %d: %d fields, but the header has %d", row->line, row->n, h->n);
        const char *v[16];
        for (int k = 0; columns[k]; k++) v[k] = at[k] >= 0 ? row->c[at[k]].s : NULL;
#define COL(k) at[k] + 1, columns[k]
        TargetInput *in = &p->in;
        in->code = v[0], in->name_zh = v[1], in->unit = v[2], in->kind = v[3];
        in->direction = v[4], in->baseline_period = v[6], in->target_period = v[8];
        in->name_en = v[9], in->applies_to = v[10], in->section = v[11];
        int nb = number(v[5], &in->baseline), nt = number(v[7], &in->target);
        if (nb < 0) FAIL("line %d, column %d: %s must be a number", row->line, COL(5));
        if (nt < 0) FAIL("line %d, column %d: %s must be a number", row->line, COL(7));
        in->has_baseline = nb > 0;
        in->has_target = nt > 0;
        const char *field = NULL;
        const char *why = target_check(in, today, &field);
        if (why) {
            const char *col = column_of_field(field);
            int k = 0;
            while (columns[k] && strcmp(columns[k], col)) k++;
            if (columns[k] && at[k] >= 0)
                FAIL("line %d, column %d: %s %s", row->line, COL(k), why);
            FAIL("line %d: %s %s", row->line, field, why);
        }
        for (int rj = 1; rj < ri; rj++)
            if (!strcmp(pr[rj].in.code, in->code))
                FAIL("line %d, column %d: the key \"%s\" appears twice (first on line %d)",
                     row->line, at[0] + 1, in->code, c.rows[rj].line);
        /* the indicator: the column when given, else the one with the row's code */
        Indicator ind;
        const char *ic = v[12] && *v[12] ? v[12] : indicator_alias(in->code);
        int f = indicator_code_ok(ic) ? indicator_load(db, a, ic, &ind) : 0;
        if (f < 0) FAIL("%s", db_errmsg(db));
        if (!f && v[12] && *v[12])
            FAIL("line %d, column %d: %s: no indicator with the code \"%s\"", row->line, COL(12),
                 v[12]);
        p->indicator_id = f ? ind.id : 0;
        p->scope_id = root;
        if (v[13] && *v[13]) {
            if (!valid_code(v[13]) ||
                db_int(db, &p->scope_id, "SELECT id FROM orgs WHERE code = ?", "s", v[13]) != 1)
                FAIL("line %d, column %d: %s: no organisation with the code \"%s\"", row->line,
                     COL(13), v[13]);
        }
#undef COL
    }
    for (int ri = 1; ri < c.nrows; ri++) {
        Target old;
        int existed = target_load(db, a, pr[ri].in.code, &old);
        int w = existed < 0 ? -1
                            : target_save(db, a, actor, &pr[ri].in, pr[ri].scope_id,
                                          pr[ri].indicator_id, 1);
        if (w < 0) FAIL("line %d: %s", c.rows[ri].line, db_errmsg(db));
        if (w > 0) ++*(existed ? changed : added);
    }
    rc = c.nrows - 1;
#undef FAIL
out:
    arena_free(a);
    return rc;
}

int plan_load(Db *db, const char *actor, const char *text, size_t len, char *err, size_t errlen)
{
    int added, changed;
    return plan_load_counted(db, actor, text, len, &added, &changed, err, errlen);
}

/* Reads a whole file (at most PLAN_MAX_BYTES) into a malloc'ed buffer the caller
 * frees. NULL with err set on failure. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(PLAN_MAX_BYTES + 1);
    if (!buf) abort();
    *len = fread(buf, 1, PLAN_MAX_BYTES + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || *len > PLAN_MAX_BYTES) {
        snprintf(err, errlen, "%s: %s", path, bad ? "cannot be read" : "larger than 8 MiB");
        free(buf);
        return NULL;
    }
    return buf;
}

int plan_cli_load(Db *db, const char *path)
{
    char err[512] = "";
    size_t len = 0;
    char *text = read_file(path, &len, err, sizeof err);
    if (!text) {
        fprintf(stderr, "huiju: plan load: %s\n", err);
        return 1;
    }
    int added = 0, changed = 0, n = -1;
    if (db_begin(db) != DB_OK) {
        snprintf(err, sizeof err, "%s", db_errmsg(db));
    } else if (indicators_load_standard(db, "cli", err, sizeof err) >= 0) {
        /* the standard indicators first, so that the targets find theirs */
        n = plan_load_counted(db, "cli", text, len, &added, &changed, err, sizeof err);
    }
    free(text);
    if (n < 0 || db_commit(db) != DB_OK) {
        db_rollback(db);
        fprintf(stderr, "huiju: plan load: %s: %s\n", path, err[0] ? err : db_errmsg(db));
        fprintf(stderr, "huiju: plan load: nothing was loaded\n");
        return 1;
    }
    printf("plan loaded from %s: %d targets (%d new, %d changed, %d unchanged)\n", path, n,
           added, changed, n - added - changed);
    return 0;
}
