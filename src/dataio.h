/* dataio.h — capability 4: getting values in and out in bulk: the data-entry form
 * per school and period, CSV import (web upload and `huiju import datavalues`)
 * with a dry run and errors by line and column, and DHIS2 dataValueSets JSON
 * import and export (matched by code).
 *
 * The public part is the CLI entry point and the route handlers. Below it is the
 * part shared by the files that implement it:
 *   iobatch.c   IoBatch — one all-or-nothing batch of rows: checks each row
 *               (organisation in reach, indicator, period, value), writes through
 *               the ValueWriter of values.h, attributes ratio disagreements to rows,
 *               and commits, or rolls back on any error or for a dry run
 *   ioparse.c   the pure parsers of numbers and periods
 *   csvscan.c   the CSV scanner over libcsv, with line and byte column (pure)
 *   import.c    CSV import: the CLI verb and the upload page
 *   entry.c     the data-entry form
 *   dhis2.c     DHIS2 dataValueSets import and export */
#ifndef HUIJU_DATAIO_H
#define HUIJU_DATAIO_H

#include <stddef.h>
#include <stdint.h>

#include "core/period.h"
#include "db/db.h"
#include "http/req.h"

/* `huiju import datavalues FILE [--dry-run]`: all rows or none; progress on stderr
 * when it is a terminal. FILE "-" reads standard input. Returns the exit status
 * (0 done, 1 errors or database failure, 2 unreadable file). */
int import_cli(Db *db, const char *path, int dry_run);

void entry_page(Req *r);       /* GET /orgs/{code}/data?period=&month= */
void entry_submit(Req *r);     /* POST /orgs/{code}/data */
void import_page(Req *r);      /* GET /import */
void import_submit(Req *r);    /* POST /import (multipart upload, dry run or real) */
void dhis2_api_import(Req *r); /* POST /api/v1/dataValueSets?dryRun= */
void dhis2_api_export(Req *r); /* GET /api/v1/dataValueSets?orgUnit=&period=&dataElement= */

/* ---- pure parsers (ioparse.c) --------------------------------------------- */

/* Parses a decimal number as people type it: optional sign, digits, optional
 * fraction and exponent; surrounding spaces, full-width digits (１２．５) and
 * thousands separators in their proper places ("1,200,000") are accepted; hex,
 * inf and nan are not. 1 on success with *out set, 0 otherwise. */
int io_parse_number(const char *s, double *out);
/* Parses a period as files write it: "2024", "2024Q1" (or q1), "2024-03",
 * "2024-3", "2024/03" and DHIS2's "202403". 1 on success. */
int io_parse_period(const char *s, Period *p);
/* Formats a value the shortest way that reads back exactly ("12", "0.1",
 * "1234567.25") into out (at least 32 bytes). */
void io_format_number(double v, char *out, size_t n);

/* ---- the CSV scanner (csvscan.c) -------------------------------------------- */

typedef enum {
    CSV_OK = 0,
    CSV_BAD_QUOTE,  /* a quote inside an unquoted field, or text after a closing quote */
    CSV_OPEN_QUOTE, /* a quoted field runs to the end of the file */
    CSV_NUL_BYTE,   /* a NUL byte inside a field */
    CSV_TOO_LONG,   /* a field over CSV_MAX_FIELD bytes */
} CsvErr;

enum { CSV_MAX_FIELDS = 8, CSV_MAX_FIELD = 1024 };

/* One record: its first line, the number of fields, the first CSV_MAX_FIELDS of
 * them (NUL-terminated, owned by the scanner, valid during the call). */
typedef void (*CsvRowFn)(void *cls, int64_t line, int nfields, char *const *fields);
/* One malformed spot: line, byte column (1-based, after any byte-order mark)
 * or field number for CSV_TOO_LONG / CSV_NUL_BYTE, and what is wrong. The scanner
 * goes on with the next line. */
typedef void (*CsvErrFn)(void *cls, int64_t line, int col, CsvErr e);

/* Scans data[0..len) (a UTF-8 byte-order mark is skipped) and calls row for every
 * record that is not blank, err for every malformed spot. Blank lines are
 * skipped. Returns the number of records passed to row, or -1 when out of memory. */
int64_t csv_scan(const char *data, size_t len, CsvRowFn row, CsvErrFn err, void *cls);

/* ---- one batch of rows (iobatch.c) ------------------------------------------ */

enum { IO_MAX_ERRORS = 100, IO_MAX_SAMPLES = 20 };

/* One problem. line is the CSV line, the DHIS2 dataValues index, or the form
 * field's number; 0 when it belongs to no row. col is the CSV field number or byte
 * column (0: none). object is the offending value or NULL. msg is translated.
 * All strings live in the request's arena. */
typedef struct IoError {
    int64_t line;
    int col;
    const char *object, *msg;
} IoError;

/* One row that changes something: 'a' added, 'c' changed, 'd' deleted. */
typedef struct IoSample {
    int64_t line;
    char what;
    const char *org, *indicator, *period, *value;
} IoSample;

/* The outcome of a batch (io_end). Arrays live in the request's arena. */
typedef struct IoResult {
    int64_t rows, added, changed, deleted, unchanged;
    int nerr;           /* errors kept, at most IO_MAX_ERRORS, in the order found */
    int64_t nerr_total; /* errors found */
    IoError *err;
    int nsample; /* the first IO_MAX_SAMPLES changes of each kind */
    IoSample *sample;
    int written; /* committed (not a dry run, no error) */
    int failed;  /* a database failure or contention: nothing written */
} IoResult;

/* One row as read: codes and texts as given (value NULL or "" deletes the value).
 * col[0..3] are the columns of org, indicator, period and value for messages. */
typedef struct IoRow {
    const char *org, *indicator, *period, *value;
    int col[4];
} IoRow;

/* Whether the batch may write values of the organisation with this path. */
typedef int (*IoMayWrite)(Req *r, const char *org_path);

typedef struct IoBatch IoBatch;

/* Opens a write transaction and a ValueWriter for r (r->db, r->arena, r->lang and
 * r->auth.login as the actor). expect_rows sizes the duplicate check. Returns
 * NULL when the database is busy. The batch is freed by io_end(). */
IoBatch *io_begin(Req *r, IoMayWrite may_write, int64_t expect_rows);
/* Checks one row and, while no error has been found, writes it. Errors are
 * recorded in the batch (see IoError). */
void io_row(IoBatch *b, int64_t line, const IoRow *row);
/* Records an error found by the caller (the message is copied). */
void io_error(IoBatch *b, int64_t line, int col, const char *object, const char *msg);
/* The number of errors recorded so far. */
int64_t io_errors(const IoBatch *b);
/* The column of the value, for errors attributed after the fact (ratio parts). */
void io_set_value_col(IoBatch *b, int col);
/* The message id naming what io's line numbers count ("line" by default) and the
 * offset subtracted from a line number to print it, used in "the same … as line 3"
 * (DHIS2 passes line = index + 1 and prints the 0-based index). */
void io_set_line_word(IoBatch *b, const char *msgid, int offset);
/* Checks the ratio parts (vw_check_ratios), then commits when there was no error
 * and it is not a dry run; otherwise rolls back. The audit record is written with
 * action (e.g. "datavalues.import") and object key. Fills *out and frees b. */
void io_end(IoBatch *b, int dry_run, const char *action, const char *object_key, IoResult *out);

/* Pages (import.c): the problems of a result as a list ("line 3, column 4: …"),
 * and the counts with the first changes as a summary. Everything is escaped. */
void io_render_errors(Req *r, const IoResult *res);
void io_render_summary(Req *r, const IoResult *res, int dry_run);

#endif
