/* csvscan.c — see dataio.h: CSV records over libcsv, each with the line it starts
 * on, and malformed quoting reported at its line and byte column.
 *
 * libcsv gives no positions, so the text is fed to it one physical line at a
 * time: whatever it reports while line L is fed ends on line L, a record starts
 * on the line fed while the parser stands between records, and when csv_parse()
 * stops short the byte it stopped at is the column of the fault. Pure logic. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "dataio.h"

typedef struct Scan {
    CsvRowFn row;
    CsvErrFn err;
    void *cls;
    char (*store)[CSV_MAX_FIELD + 1]; /* CSV_MAX_FIELDS fields of the current record */
    char *fields[CSV_MAX_FIELDS];
    int nfields, bad;
    int64_t rec_line, nrows;
} Scan;

enum { ROW_NOT_BEGUN = 0 }; /* libcsv's pstate between records */

static void on_field(void *s, size_t len, void *data)
{
    Scan *sc = data;
    int i = sc->nfields++;
    if (i >= CSV_MAX_FIELDS || sc->bad) return;
    if (len > CSV_MAX_FIELD) {
        sc->err(sc->cls, sc->rec_line, i + 1, CSV_TOO_LONG);
        sc->bad = 1;
    } else if (len && memchr(s, 0, len)) {
        sc->err(sc->cls, sc->rec_line, i + 1, CSV_NUL_BYTE);
        sc->bad = 1;
    } else {
        if (len) memcpy(sc->store[i], s, len);
        sc->store[i][len] = 0;
    }
}

static void on_record(int c, void *data)
{
    (void)c;
    Scan *sc = data;
    int n = sc->nfields;
    sc->nfields = 0;
    if (sc->bad) {
        sc->bad = 0;
        return;
    }
    int blank = 1; /* a line of commas (",,,", as spreadsheets write) is blank too */
    for (int i = 0; i < n && i < CSV_MAX_FIELDS && blank; i++)
        blank = !sc->store[i][0];
    if (blank && n <= CSV_MAX_FIELDS) return;
    sc->nrows++;
    sc->row(sc->cls, sc->rec_line, n, sc->fields);
}

/* The 1-based byte column of the quote that opens a field still open at the end
 * of line [p, p+n), or 1 if none is found. */
static int open_quote_col(const char *p, size_t n)
{
    int in = 0, at_start = 1;
    size_t open = 0;
    for (size_t i = 0; i < n && p[i] != '\n'; i++) {
        char c = p[i];
        if (!in) {
            if (c == '"' && at_start) {
                in = 1;
                open = i;
            }
            at_start = c == ',' || ((c == ' ' || c == '\t') && at_start);
        } else if (c == '"') {
            if (i + 1 < n && p[i + 1] == '"') {
                i++;
            } else {
                in = 0;
                at_start = 0;
            }
        }
    }
    return in ? (int)open + 1 : 1;
}

static int parser_init(struct csv_parser *p)
{
    return csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
}

int64_t csv_scan(const char *data, size_t len, CsvRowFn row, CsvErrFn err, void *cls)
{
    Scan sc = {.row = row, .err = err, .cls = cls};
    sc.store = malloc(sizeof(*sc.store) * CSV_MAX_FIELDS);
    if (!sc.store) return -1;
    for (int i = 0; i < CSV_MAX_FIELDS; i++) {
        sc.fields[i] = sc.store[i];
        sc.store[i][0] = 0;
    }
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) data += 3, len -= 3;
    struct csv_parser p;
    if (parser_init(&p)) {
        free(sc.store);
        return -1;
    }
    int64_t line = 1;
    size_t pos = 0, rec_off = 0;
    int64_t result = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) + 1 : len - pos;
        if (p.pstate == ROW_NOT_BEGUN) {
            sc.rec_line = line;
            rec_off = pos;
        }
        size_t got = csv_parse(&p, data + pos, n, on_field, on_record, &sc);
        if (got < n) {
            if (csv_error(&p) == CSV_ENOMEM || csv_error(&p) == CSV_ETOOBIG) {
                result = -1;
                break;
            }
            err(cls, line, (int)got + 1, CSV_BAD_QUOTE);
            /* start afresh on the next line */
            csv_free(&p);
            if (parser_init(&p)) {
                free(sc.store);
                return -1;
            }
            sc.nfields = 0;
            sc.bad = 0;
        }
        pos += n;
        line++;
    }
    if (result == 0 && csv_fini(&p, on_field, on_record, &sc) != 0)
        err(cls, sc.rec_line, open_quote_col(data + rec_off, len - rec_off), CSV_OPEN_QUOTE);
    csv_free(&p);
    free(sc.store);
    return result < 0 ? -1 : sc.nrows;
}
