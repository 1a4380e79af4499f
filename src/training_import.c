/* training_import.c — see training.h: the CSV import of training records, all
 * rows or none, every error with its line and column, and its two doors: the
 * API (text/csv body) and the upload form of the pages.
 *
 * The text is read with libcsv, fed one physical line at a time so that each
 * record knows the line it starts on (as csvscan.c does for values; this file
 * has nine columns, more than that scanner keeps). Every row is checked before
 * anything is written; then, in one transaction, teachers are found by (school,
 * name) among the active ones or created, the records inserted and audited, and
 * the touched schools' figures recomputed once each. A dry run does the same and
 * rolls back, so its counts are what a real import would do. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "http/multipart.h"
#include "need.h"
#include "training.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

enum { COLS = 9, MAX_FIELDS = 16, MAX_FIELD = 1024, MAX_ROWS = 20000 };

static const char *const columns[COLS] = {"school_code", "teacher_name", "subject",
                                          "year",        "category",     "hours",
                                          "title",       "provider",     "held_on"};
enum { C_SCHOOL, C_NAME, C_SUBJECT, C_YEAR, C_CATEGORY, C_HOURS, C_TITLE, C_PROVIDER, C_HELD };

/* One record of the file: the line it starts on and its fields (in the arena). */
typedef struct Rec {
    int64_t line;
    int n;
    const char *f[MAX_FIELDS];
} Rec;

typedef struct Scan {
    Req *r;
    Rec *recs;
    int nrecs, cap;
    const char *f[MAX_FIELDS];
    int nf, too_long;
    int64_t rec_line;
    TrainingImport *out;
} Scan;

/* Records an error (message copied into the arena). */
static void add_error(TrainingImport *out, Arena *a, int64_t line, int col, const char *field,
                      const char *msg)
{
    out->nerr_total++;
    if (out->nerr >= TRAINING_IMPORT_MAX_ERRORS) return;
    TrainingImportError *e = &out->err[out->nerr++];
    e->line = line;
    e->col = col;
    e->field = field;
    e->msg = arena_strdup(a, msg);
}

static void on_field(void *s, size_t len, void *data)
{
    Scan *sc = data;
    int i = sc->nf++;
    if (i >= MAX_FIELDS) return;
    if (len > MAX_FIELD || (len && memchr(s, 0, len))) {
        sc->too_long = i + 1;
        sc->f[i] = "";
        return;
    }
    sc->f[i] = arena_strndup(sc->r->arena, s, len);
}

static void on_record(int c, void *data)
{
    (void)c;
    Scan *sc = data;
    int n = sc->nf;
    sc->nf = 0;
    if (sc->too_long) {
        add_error(sc->out, sc->r->arena, sc->rec_line, sc->too_long, NULL,
                  T(sc->r, "the field is too long or contains a NUL byte"));
        sc->too_long = 0;
        return;
    }
    int blank = 1;
    for (int i = 0; i < n && i < MAX_FIELDS && blank; i++)
        blank = !sc->f[i][0];
    if (blank) return;
    if (sc->nrecs >= MAX_ROWS) {
        if (sc->nrecs == MAX_ROWS)
            add_error(sc->out, sc->r->arena, sc->rec_line, 0, NULL,
                      T(sc->r, "too many rows: at most 20000 in one file"));
        sc->nrecs++;
        return;
    }
    if (sc->nrecs == sc->cap) {
        int cap = sc->cap ? sc->cap * 2 : 256;
        Rec *bigger = arena_alloc(sc->r->arena, sizeof *bigger * (size_t)cap);
        if (sc->nrecs) memcpy(bigger, sc->recs, sizeof *bigger * (size_t)sc->nrecs);
        sc->recs = bigger;
        sc->cap = cap;
    }
    Rec *rec = &sc->recs[sc->nrecs++];
    rec->line = sc->rec_line;
    rec->n = n;
    for (int i = 0; i < n && i < MAX_FIELDS; i++)
        rec->f[i] = sc->f[i];
}

/* Reads the records of data into sc. 0, or -1 when out of memory. */
static int scan(Scan *sc, const char *data, size_t len)
{
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) data += 3, len -= 3;
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) return -1;
    int64_t line = 1;
    size_t pos = 0;
    int rc = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) + 1 : len - pos;
        if (p.pstate == 0) sc->rec_line = line; /* between records: one starts here */
        size_t got = csv_parse(&p, data + pos, n, on_field, on_record, sc);
        if (got < n) {
            if (csv_error(&p) == CSV_ENOMEM || csv_error(&p) == CSV_ETOOBIG) {
                rc = -1;
                break;
            }
            add_error(sc->out, sc->r->arena, line, (int)got + 1, NULL,
                      T(sc->r, "malformed quoting: a quote inside an unquoted field, or text "
                               "after a closing quote"));
            csv_free(&p);
            if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) return -1;
            sc->nf = 0;
        }
        pos += n;
        line++;
    }
    if (rc == 0 && csv_fini(&p, on_field, on_record, sc) != 0)
        add_error(sc->out, sc->r->arena, sc->rec_line, 1, NULL,
                  T(sc->r, "a quoted field is not closed before the end of the file"));
    csv_free(&p);
    return rc;
}

/* One checked row. */
typedef struct Row {
    int64_t line;
    const char *f[COLS];
    int64_t school_id;
    const char *school_path;
    int year;
    double hours;
    const char *key; /* school, name, category, title, day: for duplicates */
} Row;

/* A small cache of the schools the file names. */
typedef struct School {
    const char *code, *path;
    int64_t id;
    int state; /* 1 writable, 0 not found or out of reach, 2 read-only */
} School;

static const School *school_of(Req *r, School *cache, int *n, int max, const char *code)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp(cache[i].code, code)) return &cache[i];
    School s = {.code = arena_strdup(r->arena, code)};
    Org o;
    int f = valid_code(code) ? org_load(r->db, r->arena, code, &o) : 0;
    if (f == 1 && !strcmp(o.kind, "school") && can(r, CAP_DATA_READ, o.path)) {
        s.id = o.id;
        s.path = o.path;
        s.state = can(r, CAP_TRAINING_WRITE, o.path) ? 1 : 2;
    }
    if (*n < max) cache[(*n)++] = s;
    School *last = arena_alloc(r->arena, sizeof *last);
    *last = s;
    return last;
}

static int cmp_row_key(const void *a, const void *b)
{
    const Row *const *x = a, *const *y = b;
    int c = strcmp((*x)->key, (*y)->key);
    return c ? c : ((*x)->line < (*y)->line ? -1 : 1);
}

/* Checks one record's fields into row; errors into out. */
static void check_row(Req *r, TrainingImport *out, const int *pos, const Rec *rec, Row *row,
                      School *cache, int *ncache, const char *today)
{
    Arena *a = r->arena;
    row->line = rec->line;
    for (int c = 0; c < COLS; c++)
        row->f[c] = pos[c] < rec->n ? rec->f[pos[c]] : "";
#define E(c, msg) add_error(out, a, rec->line, pos[c] + 1, columns[c], (msg))
    const School *s = school_of(r, cache, ncache, 256, row->f[C_SCHOOL]);
    if (!s->state)
        E(C_SCHOOL, T(r, "no school with this code in your reach"));
    else if (s->state == 2)
        E(C_SCHOOL, T(r, "you may not write the training records of this school"));
    row->school_id = s->id;
    row->school_path = s->path;
    if (!training_name_ok(row->f[C_NAME])) E(C_NAME, T(r, "must be 1 to 50 characters"));
    if (!valid_text(row->f[C_SUBJECT], 100))
        E(C_SUBJECT, T(r, "must be at most 100 bytes, no control characters"));
    int64_t y = 0;
    if (!parse_int(row->f[C_YEAR], 2020, training_this_year(), &y))
        E(C_YEAR, T(r, "must be a year from 2020 to this year"));
    row->year = (int)y;
    if (!training_category_ok(row->f[C_CATEGORY]))
        E(C_CATEGORY, T(r, "must be one of ethnic_counselling, it, subject, other"));
    if (!training_hours_parse(row->f[C_HOURS], &row->hours))
        E(C_HOURS, T(r, "must be a number above 0 and at most 500, with one decimal at most"));
    if (!*row->f[C_TITLE] || !valid_text(row->f[C_TITLE], 200))
        E(C_TITLE, T(r, "is required: 1 to 200 bytes, no control characters"));
    if (!valid_text(row->f[C_PROVIDER], 200))
        E(C_PROVIDER, T(r, "must be at most 200 bytes, no control characters"));
    if (!need_date_ok(row->f[C_HELD]))
        E(C_HELD, T(r, "must be a real date written YYYY-MM-DD"));
    else if (y && !training_date_ok(row->f[C_HELD], (int)y, today))
        E(C_HELD, T(r, "must be a day of the record's year, not in the future"));
#undef E
    row->key = arena_printf(a, "%s\x1f%s\x1f%s\x1f%s\x1f%s", row->f[C_SCHOOL], row->f[C_NAME],
                            row->f[C_CATEGORY], row->f[C_TITLE], row->f[C_HELD]);
}

/* Reads the header into pos (the field index of each column). 1, or 0 with errors. */
static int read_header(Req *r, TrainingImport *out, const Rec *h, int *pos)
{
    for (int c = 0; c < COLS; c++)
        pos[c] = -1;
    int ok = 1;
    for (int i = 0; i < h->n && i < MAX_FIELDS; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s", h->f[i]);
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        char *b = name, *e = name + strlen(name);
        while (*b == ' ')
            b++;
        while (e > b && e[-1] == ' ')
            *--e = 0;
        int found = -1;
        for (int c = 0; c < COLS; c++)
            if (!strcmp(b, columns[c])) found = c;
        if (found < 0) {
            add_error(out, r->arena, h->line, i + 1, NULL,
                      arena_printf(r->arena, "%s \"%s\"; %s %s", T(r, "unknown column"), h->f[i],
                                   T(r, "the header is"), TRAINING_CSV_HEADER));
            ok = 0;
        } else if (pos[found] >= 0) {
            add_error(out, r->arena, h->line, i + 1, columns[found], T(r, "column given twice"));
            ok = 0;
        } else {
            pos[found] = i;
        }
    }
    for (int c = 0; c < COLS; c++)
        if (pos[c] < 0) {
            add_error(out, r->arena, h->line, 0, columns[c],
                      arena_printf(r->arena, "%s; %s %s", T(r, "column missing from the header"),
                                   T(r, "the header is"), TRAINING_CSV_HEADER));
            ok = 0;
        }
    return ok;
}

/* Writes the checked rows in the open transaction. DB_OK, or an error code; row
 * errors found against the database (a record already there) go into out. */
static int write_rows(Req *r, TrainingImport *out, Row *rows, int n)
{
    int rc = DB_OK;
    int64_t *touched_school = arena_alloc(r->arena, sizeof *touched_school * (size_t)(n + 1));
    int *touched_year = arena_alloc(r->arena, sizeof *touched_year * (size_t)(n + 1));
    int ntouched = 0;
    for (int i = 0; i < n && rc == DB_OK; i++) {
        Row *row = &rows[i];
        int64_t tid = 0;
        int f = db_int(r->db, &tid,
                       "SELECT id FROM teachers WHERE school_id = ? AND name = ? AND active = 1"
                       " ORDER BY id LIMIT 1",
                       "is", row->school_id, row->f[C_NAME]);
        if (f < 0) return DB_ERROR;
        if (!f) {
            tid = teacher_insert(r->db, r->auth.login, row->school_id, row->school_path,
                                 row->f[C_NAME], row->f[C_SUBJECT], &rc);
            if (!tid) break;
            out->teachers_added++;
        } else {
            int dup = training_record_exists(r->db, tid, row->f[C_CATEGORY], row->f[C_TITLE],
                                             row->f[C_HELD]);
            if (dup < 0) return DB_ERROR;
            if (dup) {
                add_error(out, r->arena, row->line, 0, NULL,
                          T(r, "this training (teacher, category, title and day) is already "
                               "recorded"));
                continue;
            }
        }
        Teacher t = {.id = tid, .school_id = row->school_id, .school_path = row->school_path};
        if (!training_record_insert(r->db, r->auth.login, &t, row->year, row->f[C_CATEGORY],
                                    row->hours, row->f[C_TITLE], row->f[C_PROVIDER], row->f[C_HELD],
                                    &rc))
            break;
        out->records_added++;
        int seen = 0;
        for (int k = 0; k < ntouched && !seen; k++)
            seen = touched_school[k] == row->school_id && touched_year[k] == row->year;
        if (!seen) {
            touched_school[ntouched] = row->school_id;
            touched_year[ntouched++] = row->year;
        }
    }
    if (rc != DB_OK || out->nerr_total) return rc;
    /* every touched school and year once, in one batch */
    FeedBatch *fb = feed_begin(r->db, r->auth.login);
    if (!fb) return DB_ERROR;
    for (int k = 0; k < ntouched; k++)
        if (training_feed_school(fb, r->db, touched_school[k], touched_year[k]) != 0) break;
    char err[256];
    if (feed_end(fb, "feed.training", "import", NULL, err, sizeof err) != 0) {
        fprintf(stderr, "huiju: training import figures: %s\n", err);
        return DB_ERROR;
    }
    json_t *after = json_pack("{s:I,s:I,s:I}", "rows", (json_int_t)out->rows, "records_added",
                              (json_int_t)out->records_added, "teachers_added",
                              (json_int_t)out->teachers_added);
    rc = audit_log(r->db, r->auth.login, "training.import", "training", "import", "", NULL, after);
    json_decref(after);
    return rc;
}

int training_import_csv(Req *r, const char *data, size_t len, int dry_run, TrainingImport *out)
{
    memset(out, 0, sizeof *out);
    out->err = arena_alloc(r->arena, sizeof *out->err * TRAINING_IMPORT_MAX_ERRORS);
    Scan sc = {.r = r, .out = out};
    if (scan(&sc, data, len) != 0) {
        add_error(out, r->arena, 0, 0, NULL, T(r, "out of memory"));
        return 0;
    }
    if (!sc.nrecs) {
        if (!out->nerr_total)
            add_error(out, r->arena, 1, 1, NULL,
                      arena_printf(r->arena, "%s %s",
                                   T(r, "the file is empty: the first line "
                                        "must be the header"),
                                   TRAINING_CSV_HEADER));
        return 0;
    }
    int pos[COLS];
    if (!read_header(r, out, &sc.recs[0], pos)) return 0;
    int n = sc.nrecs > MAX_ROWS ? MAX_ROWS : sc.nrecs;
    out->rows = n - 1;
    Row *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(n > 1 ? n - 1 : 1));
    School *cache = arena_alloc(r->arena, sizeof *cache * 256);
    int ncache = 0;
    char today[11];
    training_today(today);
    for (int i = 1; i < n; i++) {
        const Rec *rec = &sc.recs[i];
        if (rec->n > sc.recs[0].n)
            add_error(out, r->arena, rec->line, sc.recs[0].n + 1, NULL,
                      T(r, "more fields than the header has"));
        else if (rec->n < sc.recs[0].n)
            add_error(out, r->arena, rec->line, rec->n + 1, NULL,
                      T(r, "fewer fields than the header has"));
        check_row(r, out, pos, rec, &rows[i - 1], cache, &ncache, today);
    }
    /* the same record twice in the file */
    Row **by = arena_alloc(r->arena, sizeof *by * (size_t)(n > 1 ? n - 1 : 1));
    for (int i = 0; i < n - 1; i++)
        by[i] = &rows[i];
    qsort(by, (size_t)(n - 1), sizeof *by, cmp_row_key);
    for (int i = 1; i < n - 1; i++)
        if (!strcmp(by[i]->key, by[i - 1]->key))
            add_error(out, r->arena, by[i]->line, 0, NULL,
                      arena_printf(r->arena, "%s %lld", T(r, "the same record as line"),
                                   (long long)by[i - 1]->line));
    if (out->nerr_total || out->rows == 0) {
        if (!out->nerr_total)
            add_error(out, r->arena, 2, 0, NULL, T(r, "the file has a header but no rows"));
        return 0;
    }
    int rc = db_begin(r->db);
    if (rc == DB_OK) rc = write_rows(r, out, rows, n - 1);
    if (rc == DB_OK && !out->nerr_total && !dry_run) {
        rc = db_commit(r->db);
        if (rc == DB_OK) {
            out->written = 1;
            return 0;
        }
    }
    db_rollback(r->db);
    if (rc == DB_BUSY) {
        out->busy = 1;
        return 0;
    }
    return rc == DB_OK ? 0 : -1;
}

/* ---- the two doors ----------------------------------------------------------------- */

/* "line 3, column 6 (hours): why" for one error, in r's arena. */
static const char *error_text(Req *r, const TrainingImportError *e)
{
    const char *at = "";
    if (e->line && e->col)
        at = arena_printf(r->arena, "%s %lld, %s %d", T(r, "line"), (long long)e->line,
                          T(r, "column"), e->col);
    else if (e->line)
        at = arena_printf(r->arena, "%s %lld", T(r, "line"), (long long)e->line);
    if (e->field) at = arena_printf(r->arena, "%s%s(%s)", at, *at ? " " : "", e->field);
    return arena_printf(r->arena, "%s%s%s", at, *at ? ": " : "", e->msg);
}

void training_api_import(Req *r)
{
    if (r->body_too_large) {
        req_error(r, 413, "too_large", T(r, "The request body is too large."));
        return;
    }
    const char *dr = req_query(r, "dry_run");
    int dry_run = dr && *dr && strcmp(dr, "0") != 0;
    TrainingImport res;
    if (training_import_csv(r, r->body.data ? r->body.data : "", r->body.len, dry_run, &res) != 0) {
        training_db_error(r);
        return;
    }
    if (res.busy) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (res.nerr_total) {
        json_t *errs = json_array();
        for (int i = 0; i < res.nerr; i++) {
            const TrainingImportError *e = &res.err[i];
            json_t *ej = json_pack("{s:I,s:i,s:s}", "line", (json_int_t)e->line, "column", e->col,
                                   "message", error_text(r, e));
            json_object_set_new(ej, "field", e->field ? json_string(e->field) : json_null());
            json_array_append_new(errs, ej);
        }
        json_t *body = json_pack("{s:{s:s,s:s,s:o,s:I}}", "error", "code", "invalid", "message",
                                 arena_printf(r->arena, "%s %s", error_text(r, &res.err[0]),
                                              T(r, "(nothing was imported)")),
                                 "errors", errs, "total", (json_int_t)res.nerr_total);
        req_send_json(r, 422, body);
        return;
    }
    req_send_json(r, 200,
                  json_pack("{s:I,s:I,s:I,s:b,s:b}", "rows", (json_int_t)res.rows, "records_added",
                            (json_int_t)res.records_added, "teachers_added",
                            (json_int_t)res.teachers_added, "dry_run", dry_run, "written",
                            res.written));
}

/* The upload form (the school's code, when known, for the link back). */
static void upload_form(Req *r, const char *school)
{
    hf(r,
       "<form method=post action=\"/trainings/import\" enctype=\"multipart/form-data\" "
       "class=card><h2>%s</h2>",
       T(r, "Import training records (CSV)"));
    form_csrf(r);
    if (school) hf(r, "<input type=hidden name=school value=\"%s\">", school);
    hf(r,
       "<label>%s<input type=file name=file accept=\".csv,text/csv,text/plain\" required></label>"
       "<label class=check><input type=checkbox name=dry_run value=1> %s</label>"
       "<button>%s</button>",
       T(r, "CSV file"), T(r, "Dry run: check everything, write nothing"), T(r, "Import"));
    char day[11];
    training_today(day);
    hf(r,
       "<p>%s</p><div class=scroll><pre>%s\n%s,%s,%s,%d,ethnic_counselling,8,%s,%s,%s</pre></div>"
       "<p>%s</p></form>",
       T(r, "One training per line under this header (columns in any order; UTF-8; at most "
            "1 MiB):"),
       TRAINING_CSV_HEADER, school ? school : "6531210001", T(r, "Teacher Zhang"),
       T(r, "Chinese language"), atoi(day), T(r, "Ethnic-unity education lecture"),
       T(r, "County teacher training centre"), day,
       T(r, "category is ethnic_counselling, it, subject or other; hours above 0, at most 500, "
            "one decimal. A teacher not yet in the school's registry is added. The file is "
            "imported whole or not at all: every problem is listed with its line and column."));
}

void training_page_import(Req *r)
{
    Part *parts = NULL;
    int n = r->body_too_large ? -1 : multipart_parse(r, &parts);
    const Part *file = n > 0 ? multipart_get(parts, n, "file") : NULL;
    const Part *sp = n > 0 ? multipart_get(parts, n, "school") : NULL;
    const char *school = sp && valid_code(sp->data) ? sp->data : NULL;
    int dry_run = n > 0 && multipart_get(parts, n, "dry_run") != NULL;
    if (r->body_too_large) {
        page_error(r, 413, T(r, "The file is too large (at most 1 MiB)."));
        return;
    }
    page_begin(r, T(r, "Import training records"));
    hf(r, "<nav class=crumbs><a href=\"/training\">%s</a>", T(r, "Training and teams"));
    if (school) hf(r, " › <a href=\"/training/school/%s\">%s</a>", school, school);
    hf(r, "</nav><h1>%s</h1>", T(r, "Import training records"));
    if (!file || !file->filename) {
        r->status = 400;
        page_notice(r, "error", T(r, "Choose a CSV file to upload."));
        upload_form(r, school);
        page_end(r);
        return;
    }
    TrainingImport res;
    int rc = training_import_csv(r, file->data, file->len, dry_run, &res);
    if (rc < 0 || res.busy) {
        r->status = 503;
        page_notice(r, "error", T(r, "The service is busy. Please try again."));
    } else if (res.nerr_total) {
        r->status = 422;
        page_notice(r, "error", T(r, "Nothing was imported: the file has problems."));
        hf(r, "<h2>%s (%lld)</h2><ul class=errors>", T(r, "Problems found"),
           (long long)res.nerr_total);
        for (int i = 0; i < res.nerr; i++)
            hf(r, "<li>%s</li>", error_text(r, &res.err[i]));
        H(r, "</ul>");
        if (res.nerr_total > res.nerr)
            hf(r, "<p>… %lld %s</p>", (long long)(res.nerr_total - res.nerr), T(r, "more errors"));
    } else {
        page_notice(r, "ok",
                    dry_run ? T(r, "Dry run: the file is valid. Nothing was written; upload it "
                                   "again without the dry run to import it.")
                            : T(r, "Imported."));
        hf(r,
           "<ul class=stats><li><b>%lld</b>%s</li><li><b>%lld</b>%s</li><li><b>%lld</b>%s</li>"
           "</ul>",
           (long long)res.rows, T(r, "rows"), (long long)res.records_added,
           dry_run ? T(r, "records would be added") : T(r, "records added"),
           (long long)res.teachers_added,
           dry_run ? T(r, "teachers would be added") : T(r, "teachers added"));
    }
    upload_form(r, school);
    page_end(r);
}

void training_import_form(Req *r, const char *school)
{
    upload_form(r, school);
}
