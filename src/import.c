/* import.c — see dataio.h: CSV import of values (columns org, indicator, period,
 * value; header required; an empty value deletes), from `huiju import datavalues`
 * and from the upload page. Every row goes through one IoBatch: all rows or none,
 * errors by line and column, a dry run that checks everything and writes nothing. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "core/util.h"
#include "dataio.h"
#include "http/multipart.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* ---- the import itself ----------------------------------------------------- */

typedef void (*ProgressFn)(void *cls, int64_t line, int64_t total);

static const char *const columns[4] = {"org", "indicator", "period", "value"};

typedef struct CsvImport {
    Req *r;
    IoBatch *b;
    int have_header, header_bad, nhdr;
    int pos[4]; /* the field index of org, indicator, period, value */
    int64_t total_lines, next_progress;
    ProgressFn progress;
    void *pcls;
} CsvImport;

/* Reads the header row: the four column names, in any order, each once. */
static void read_header(CsvImport *ci, int64_t line, int n, char *const *f)
{
    Req *r = ci->r;
    ci->have_header = 1;
    ci->nhdr = n;
    for (int k = 0; k < 4; k++)
        ci->pos[k] = -1;
    if (n > CSV_MAX_FIELDS) {
        io_error(ci->b, line, CSV_MAX_FIELDS + 1, NULL,
                 T(r, "the header has too many columns: it must be org,indicator,period,value"));
        ci->header_bad = 1;
        return;
    }
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < 4 && strcasecmp(f[i], columns[k]))
            k++;
        const char *why = NULL;
        if (k == 4)
            why = T(r,
                    "unknown column: the first line must be the header org,indicator,period,value");
        else if (ci->pos[k] >= 0)
            why = T(r, "this column is named twice");
        if (why) {
            io_error(ci->b, line, i + 1, f[i],
                     valid_text(f[i], 64) ? arena_printf(r->arena, "%s (%s)", why, f[i]) : why);
            ci->header_bad = 1;
        } else {
            ci->pos[k] = i;
        }
    }
    for (int k = 0; k < 4 && !ci->header_bad; k++) {
        if (ci->pos[k] >= 0) continue;
        io_error(ci->b, line, n + 1, columns[k],
                 arena_printf(r->arena, "%s: %s", T(r, "the header lacks a column"), columns[k]));
        ci->header_bad = 1;
    }
    io_set_value_col(ci->b, ci->pos[3] + 1);
}

static void on_row(void *cls, int64_t line, int n, char *const *f)
{
    CsvImport *ci = cls;
    Req *r = ci->r;
    if (ci->progress && line - 1 >= ci->next_progress) {
        ci->progress(ci->pcls, line - 1, ci->total_lines);
        ci->next_progress = line - 1 + 4096;
    }
    if (!ci->have_header) {
        read_header(ci, line, n, f);
        return;
    }
    if (ci->header_bad) return;
    if (n != ci->nhdr) {
        if (n > ci->nhdr)
            io_error(ci->b, line, ci->nhdr + 1, NULL,
                     arena_printf(r->arena, "%s (%d)", T(r, "more fields than the header has"),
                                  ci->nhdr));
        else
            io_error(ci->b, line, n + 1, NULL,
                     arena_printf(r->arena, "%s: %s", T(r, "missing field"),
                                  columns[ci->pos[0] == n   ? 0
                                          : ci->pos[1] == n ? 1
                                          : ci->pos[2] == n ? 2
                                                            : 3]));
        return;
    }
    IoRow row = {f[ci->pos[0]],
                 f[ci->pos[1]],
                 f[ci->pos[2]],
                 f[ci->pos[3]],
                 {ci->pos[0] + 1, ci->pos[1] + 1, ci->pos[2] + 1, ci->pos[3] + 1}};
    io_row(ci->b, line, &row);
}

static void on_bad(void *cls, int64_t line, int col, CsvErr e)
{
    CsvImport *ci = cls;
    Req *r = ci->r;
    const char *m = e == CSV_BAD_QUOTE
                        ? T(r, "malformed quoting: a quote inside an unquoted field, or text after "
                               "a closing quote")
                    : e == CSV_OPEN_QUOTE ? T(r, "a quoted field is not closed before the end of "
                                                 "the file")
                    : e == CSV_NUL_BYTE   ? T(r, "the field contains a NUL byte")
                                          : T(r, "the field is too long");
    io_error(ci->b, line, col, NULL, m);
}

/* Imports data[0..len) as r's batch (see dataio.h), audited under the file's
 * name; fills *out. 0, or -1 when the database is busy before anything started. */
static int import_csv(Req *r, IoMayWrite may, const char *data, size_t len, int dry_run,
                      const char *name, ProgressFn progress, void *pcls, IoResult *out)
{
    int64_t lines = 0;
    for (const char *p = data, *e = data + len; p < e && (p = memchr(p, '\n', (size_t)(e - p)));
         p++)
        lines++;
    if (len && data[len - 1] != '\n') lines++;
    /* progress counts the rows under the header */
    CsvImport ci = {
        .r = r, .total_lines = lines > 1 ? lines - 1 : 0, .progress = progress, .pcls = pcls};
    ci.b = io_begin(r, may, lines);
    if (!ci.b) return -1;
    if (csv_scan(data, len, on_row, on_bad, &ci) < 0)
        io_error(ci.b, 0, 0, NULL, T(r, "out of memory"));
    if (!ci.have_header && !io_errors(ci.b))
        io_error(ci.b, 1, 1, NULL,
                 T(r, "the file is empty: the first line must be the header "
                      "org,indicator,period,value"));
    if (progress) progress(pcls, ci.total_lines, ci.total_lines);
    io_end(ci.b, dry_run, "datavalues.import", name, out);
    return 0;
}

/* ---- the command line --------------------------------------------------------- */

static int cli_may(Req *r, const char *path)
{
    (void)r;
    (void)path;
    return 1;
}

typedef struct Bar {
    int shown, last_pct;
    const char *label; /* "rows", translated */
} Bar;

/* rows done / total and the percentage, redrawn in place when it changes. */
static void cli_progress(void *cls, int64_t line, int64_t total)
{
    Bar *b = cls;
    int pct = total > 0 ? (int)(line * 100 / total) : 100;
    if (pct > 100) pct = 100;
    if (b->shown && pct == b->last_pct && line < total) return;
    b->shown = 1;
    b->last_pct = pct;
    char bar[41];
    int fill = pct * 40 / 100;
    for (int i = 0; i < 40; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[40] = 0;
    fprintf(stderr, "\r[%s] %3d%%  %lld / %lld %s", bar, pct, (long long)line, (long long)total,
            b->label);
    if (line >= total) fputc('\n', stderr);
    fflush(stderr);
}

/* Reads the whole of standard input into a malloc'd buffer; NULL on failure. */
static char *read_stdin(size_t *len)
{
    Buf b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        buf_append(&b, chunk, n);
    if (ferror(stdin)) {
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return buf_take(&b);
}

enum { PROGRESS_MIN_LINES = 10000 };

int import_cli(Db *db, const char *path, int dry_run)
{
    size_t len = 0;
    char *heap = NULL;
    const char *data = NULL;
    void *map = NULL;
    if (!strcmp(path, "-")) {
        data = heap = read_stdin(&len);
        if (!heap) {
            fprintf(stderr, "huiju: import: cannot read standard input\n");
            return 2;
        }
    } else {
        int fd = open(path, O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            fprintf(stderr, "huiju: import: cannot read %s\n", path);
            if (fd >= 0) close(fd);
            return 2;
        }
        len = (size_t)st.st_size;
        if (len) {
            map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
            if (map == MAP_FAILED) {
                close(fd);
                fprintf(stderr, "huiju: import: cannot read %s\n", path);
                return 2;
            }
            data = map;
        } else {
            data = "";
        }
        close(fd);
    }
    const char *env = getenv("LANG");
    Arena *a = arena_new();
    Req r = {0};
    r.arena = a;
    r.db = db;
    r.method = "CLI";
    r.path = "";
    r.lang = env && !strncmp(env, "zh", 2) ? "zh" : "en";
    r.auth.login = "cli";
    int tty = isatty(2), lines_big = 0;
    for (size_t i = 0, n = 0; i < len && !lines_big; i++)
        if (data[i] == '\n' && ++n >= PROGRESS_MIN_LINES) lines_big = 1;
    Bar bar = {.label = T(&r, "rows")};
    IoResult res;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int rc = import_csv(&r, cli_may, data, len, dry_run, valid_text(base, 200) ? base : "csv",
                        tty && lines_big ? cli_progress : NULL, &bar, &res);
    int status = 0;
    if (rc < 0 || res.failed) {
        fprintf(stderr, "huiju: import: the database is busy or failed (%s); nothing written\n",
                db_errmsg(db));
        status = 1;
    } else if (res.nerr_total) {
        for (int i = 0; i < res.nerr; i++) {
            const IoError *e = &res.err[i];
            if (e->line && e->col)
                fprintf(stderr, "%s: %s %lld, %s %d: %s\n", path, T(&r, "line"), (long long)e->line,
                        T(&r, "column"), e->col, e->msg);
            else if (e->line)
                fprintf(stderr, "%s: %s %lld: %s\n", path, T(&r, "line"), (long long)e->line,
                        e->msg);
            else
                fprintf(stderr, "%s: %s\n", path, e->msg);
        }
        if (res.nerr_total > res.nerr)
            fprintf(stderr, "%s: … %lld %s\n", path, (long long)(res.nerr_total - res.nerr),
                    T(&r, "more errors"));
        fprintf(stderr, "huiju: import: %lld %s; %s\n", (long long)res.nerr_total,
                res.nerr_total == 1 ? T(&r, "error") : T(&r, "errors"), T(&r, "nothing written"));
        status = 1;
    } else {
        printf("%s%s: %lld %s, %lld %s, %lld %s, %lld %s, %lld %s%s\n",
               dry_run ? T(&r, "dry run, ") : "", path, (long long)res.rows, T(&r, "rows"),
               (long long)res.added, dry_run ? T(&r, "would be added") : T(&r, "added"),
               (long long)res.changed, dry_run ? T(&r, "would be changed") : T(&r, "changed"),
               (long long)res.deleted, dry_run ? T(&r, "would be deleted") : T(&r, "deleted"),
               (long long)res.unchanged, T(&r, "unchanged"),
               dry_run ? T(&r, "; nothing written") : "");
    }
    arena_free(a);
    if (map) munmap(map, len);
    free(heap);
    return status;
}

/* ---- the upload page ------------------------------------------------------------ */

static int web_may(Req *r, const char *path)
{
    return can(r, CAP_DATA_WRITE, path);
}

void io_render_errors(Req *r, const IoResult *res)
{
    hf(r, "<h2>%s (%lld)</h2><ul class=errors>", T(r, "Problems found"),
       (long long)res->nerr_total);
    for (int i = 0; i < res->nerr; i++) {
        const IoError *e = &res->err[i];
        H(r, "<li>");
        if (e->line && e->col)
            hf(r, "<b>%s %lld, %s %d:</b> ", T(r, "line"), (long long)e->line, T(r, "column"),
               e->col);
        else if (e->line)
            hf(r, "<b>%s %lld:</b> ", T(r, "line"), (long long)e->line);
        hf(r, "%s</li>", e->msg);
    }
    H(r, "</ul>");
    if (res->nerr_total > res->nerr)
        hf(r, "<p>… %lld %s</p>", (long long)(res->nerr_total - res->nerr), T(r, "more errors"));
}

void io_render_summary(Req *r, const IoResult *res, int dry_run)
{
    hf(r,
       "<ul class=stats><li><b>%lld</b>%s</li><li><b>%lld</b>%s</li><li><b>%lld</b>%s</li>"
       "<li><b>%lld</b>%s</li><li><b>%lld</b>%s</li></ul>",
       (long long)res->rows, T(r, "rows"), (long long)res->added,
       dry_run ? T(r, "would be added") : T(r, "added"), (long long)res->changed,
       dry_run ? T(r, "would be changed") : T(r, "changed"), (long long)res->deleted,
       dry_run ? T(r, "would be deleted") : T(r, "deleted"), (long long)res->unchanged,
       T(r, "unchanged"));
    if (!res->nsample) return;
    hf(r,
       "<div class=scroll><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
       "<th>%s</th><th>%s</th></tr></thead><tbody>",
       T(r, "line"), T(r, "Change"), T(r, "Organisation"), T(r, "Indicator"), T(r, "Period"),
       T(r, "Value"));
    for (int i = 0; i < res->nsample; i++) {
        const IoSample *s = &res->sample[i];
        const char *what = s->what == 'a' ? (dry_run ? T(r, "would be added") : T(r, "added"))
                           : s->what == 'c'
                               ? (dry_run ? T(r, "would be changed") : T(r, "changed"))
                               : (dry_run ? T(r, "would be deleted") : T(r, "deleted"));
        hf(r, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
           (long long)s->line, what, s->org, s->indicator, s->period, s->value ? s->value : "—");
    }
    H(r, "</tbody></table></div>");
    if (res->added + res->changed + res->deleted > res->nsample)
        hf(r, "<p class=empty>%s</p>",
           T(r, "The first changes of each kind among the first 300 rows are shown."));
}

/* The largest upload the server takes, in KiB. */
static size_t max_kib(Req *r)
{
    return (r->conf ? r->conf->max_upload : (size_t)32 << 20) / 1024;
}

static void upload_form(Req *r)
{
    hf(r,
       "<form method=post action=\"/import\" enctype=\"multipart/form-data\" class=card>"
       "<h2>%s</h2>",
       T(r, "Upload a CSV file"));
    form_csrf(r);
    hf(r,
       "<label>%s<input type=file name=file accept=\".csv,text/csv,text/plain\" required></label>"
       "<label class=check><input type=checkbox name=dry_run value=1> %s</label>"
       "<button>%s</button></form>",
       T(r, "CSV file"), T(r, "Dry run: check everything, write nothing"), T(r, "Import"));
    hf(r,
       "<h2>%s</h2><p>%s</p><pre>org,indicator,period,value\n6531210001,teachers_total,2025,48\n"
       "6531210001,training_hours,2025-03,120\n6531210001,funds_received,2025-03,</pre><p>%s</p>"
       "<p>%s %zu KiB.</p><p><a href=\"/indicators\">%s</a></p>",
       T(r, "File format"),
       T(r, "One value per line under the header org,indicator,period,value: the organisation's "
            "code, the indicator's code, the period (2025, 2025Q1 or 2025-03; DHIS2's 202503 "
            "too) and the value. An empty value deletes the stored one. UTF-8."),
       T(r, "The file is imported whole or not at all: if any line is wrong, nothing is written "
            "and every problem is listed with its line and column."),
       T(r, "The largest file taken:"), max_kib(r), T(r, "Indicator codes"));
}

void import_page(Req *r)
{
    page_begin(r, T(r, "Import values"));
    hf(r, "<h1>%s</h1>", T(r, "Import values"));
    upload_form(r);
    page_end(r);
}

void import_submit(Req *r)
{
    Part *parts = NULL;
    int n = r->body_too_large ? -1 : multipart_parse(r, &parts);
    const Part *file = n > 0 ? multipart_get(parts, n, "file") : NULL;
    int dry_run = n > 0 && multipart_get(parts, n, "dry_run") != NULL;
    if (r->body_too_large) {
        page_error(r, 413,
                   arena_printf(r->arena, "%s (%s %zu KiB).", T(r, "The file is too large"),
                                T(r, "at most"), max_kib(r)));
        return;
    }
    if (!file || !file->filename) {
        page_begin(r, T(r, "Import values"));
        r->status = 400;
        hf(r, "<h1>%s</h1>", T(r, "Import values"));
        page_notice(r, "error", T(r, "Choose a CSV file to upload."));
        upload_form(r);
        page_end(r);
        return;
    }
    IoResult res;
    int rc =
        import_csv(r, web_may, file->data, file->len, dry_run,
                   valid_text(file->filename, 200) ? file->filename : "upload", NULL, NULL, &res);
    page_begin(r, T(r, "Import values"));
    hf(r, "<h1>%s</h1><p class=lead>%s</p>", T(r, "Import values"),
       valid_text(file->filename, 200) ? file->filename : "");
    if (rc < 0 || res.failed) {
        r->status = 503;
        page_notice(r, "error", T(r, "The service is busy. Please try again."));
    } else if (res.nerr_total) {
        r->status = 422;
        page_notice(r, "error", T(r, "Nothing was imported: the file has problems."));
        io_render_errors(r, &res);
    } else {
        page_notice(r, "ok",
                    dry_run ? T(r, "Dry run: the file is valid. Nothing was written; upload it "
                                   "again without the dry run to import it.")
                            : T(r, "Imported."));
        io_render_summary(r, &res, dry_run);
    }
    upload_form(r);
    page_end(r);
}
