/* xlsx.h — Excel export of report tables (report.h) with libxlsxwriter.
 *
 * A workbook is a list of sheets, each a list of tables written one under the
 * other (title in bold, heading row, rows; numbers as numbers). The file is
 * built in a private temporary file, read back into the response and removed:
 *     Book *b = book_new(r);
 *     book_sheet(b, "教师结构", tables, n);   ... one call per sheet
 *     book_send(b, "portrait-6531210001.xlsx", "疏附县第一小学-数字画像.xlsx");
 * Everything is in the request's arena; book_send() sends the response (200
 * with the workbook, or 500 when it could not be written). */
#ifndef HUIJU_XLSX_H
#define HUIJU_XLSX_H

#include "http/req.h"
#include "report.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

typedef struct Book Book;

Book *book_new(Req *r);
/* Adds a sheet (name at most 31 characters; []:*?/\ are replaced) holding the
 * tables in order. The tables must live until book_send(). */
void book_sheet(Book *b, const char *name, Table *const *tables, int n);
/* Writes the workbook and sends it as an attachment: ascii_name is the plain
 * filename, utf8_name (may be NULL) the filename* for browsers that take one. */
void book_send(Book *b, const char *ascii_name, const char *utf8_name);

#endif
