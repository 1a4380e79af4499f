/* xlsx.c — see xlsx.h. The workbook is only assembled in book_send(), so a
 * handler simply lists its sheets; libxlsxwriter then writes a temporary file
 * (it has no in-memory output in this version) that is read back and removed. */
#include "xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "ui/i18n.h"

enum { BOOK_MAX_SHEETS = 16 };

typedef struct Sheet {
    const char *name;
    Table *const *tables;
    int n;
} Sheet;

struct Book {
    Req *r;
    Sheet sheets[BOOK_MAX_SHEETS];
    int nsheets;
};

Book *book_new(Req *r)
{
    Book *b = arena_alloc(r->arena, sizeof *b);
    b->r = r;
    return b;
}

void book_sheet(Book *b, const char *name, Table *const *tables, int n)
{
    if (b->nsheets >= BOOK_MAX_SHEETS) return;
    b->sheets[b->nsheets++] = (Sheet){name, tables, n};
}

/* A valid, unique sheet name from name: at most 31 characters (UTF-8 aware),
 * none of []:*?/\, not empty; a number is appended when it is taken. */
static const char *sheet_name(Arena *a, lxw_workbook *wb, const char *name, int index)
{
    char buf[128];
    size_t o = 0, chars = 0;
    for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p && chars < 28;) {
        size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : 4;
        if (o + len >= sizeof buf - 8) break;
        if (len == 1 && strchr("[]:*?/\\'", *p)) {
            buf[o++] = '_';
            p++;
        } else {
            for (size_t i = 0; i < len && p[i]; i++)
                buf[o++] = (char)p[i];
            p += len;
        }
        chars++;
    }
    buf[o] = 0;
    if (!o) snprintf(buf, sizeof buf, "Sheet%d", index + 1);
    const char *s = arena_strdup(a, buf);
    for (int k = 2; workbook_get_worksheet_by_name(wb, s) && k < 100; k++)
        s = arena_printf(a, "%s %d", buf, k);
    return s;
}

typedef struct Formats {
    lxw_format *title, *head, *note, *num[3], *pct[3], *text;
} Formats;

static void make_formats(lxw_workbook *wb, Formats *f)
{
    static const char *const nums[3] = {"#,##0", "#,##0.0", "#,##0.00"};
    static const char *const pcts[3] = {"0\"%\"", "0.0\"%\"", "0.00\"%\""};
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 13);
    f->head = workbook_add_format(wb);
    format_set_bold(f->head);
    format_set_bg_color(f->head, 0xEEF0F3);
    format_set_border(f->head, LXW_BORDER_THIN);
    format_set_text_wrap(f->head);
    f->note = workbook_add_format(wb);
    format_set_italic(f->note);
    format_set_font_color(f->note, 0x555566);
    for (int i = 0; i < 3; i++) {
        f->num[i] = workbook_add_format(wb);
        format_set_num_format(f->num[i], nums[i]);
        f->pct[i] = workbook_add_format(wb);
        format_set_num_format(f->pct[i], pcts[i]);
    }
    f->text = workbook_add_format(wb);
    format_set_text_wrap(f->text);
}

/* Writes one table from row `row`; returns the next free row. */
static lxw_row_t write_table(lxw_worksheet *ws, const Formats *f, const Table *t, lxw_row_t row)
{
    worksheet_write_string(ws, row++, 0, t->title ? t->title : "", f->title);
    if (t->note) worksheet_write_string(ws, row++, 0, t->note, f->note);
    for (int i = 0; i < t->ncols; i++)
        worksheet_write_string(ws, row, (lxw_col_t)i, t->head[i] ? t->head[i] : "", f->head);
    row++;
    for (int rr = 0; rr < t->nrows; rr++, row++) {
        for (int i = 0; i < t->ncols; i++) {
            const Cell *c = &t->cells[(size_t)rr * (size_t)t->ncols + (size_t)i];
            int d = c->decimals < 0 ? 0 : c->decimals > 2 ? 2 : c->decimals;
            if (c->has_num)
                worksheet_write_number(ws, row, (lxw_col_t)i, c->num,
                                       c->suffix && !strcmp(c->suffix, "%") ? f->pct[d]
                                                                            : f->num[d]);
            else if (c->text && *c->text)
                worksheet_write_string(ws, row, (lxw_col_t)i, c->text, f->text);
        }
    }
    return row + 1; /* a blank row between tables */
}

/* The RFC 5987 form of a UTF-8 file name (for filename*=UTF-8''…). */
static const char *ext_value(Arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = arena_alloc(a, n * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = 0;
    return out;
}

/* Reads the whole file into r->out; 0 on success. */
static int slurp(Req *r, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_append(&r->out, chunk, got);
    int bad = ferror(fp);
    fclose(fp);
    return bad ? -1 : 0;
}

void book_send(Book *b, const char *ascii_name, const char *utf8_name)
{
    Req *r = b->r;
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/huiju-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        req_error(r, 500, "internal", T(r, "The spreadsheet could not be written."));
        return;
    }
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    int ok = wb != NULL;
    if (ok) {
        lxw_doc_properties props = {0};
        props.title = (char *)(utf8_name ? utf8_name : ascii_name);
        props.author = (char *)T(r, "Huiju");
        props.company = (char *)T(r, "School-based assistance work management platform");
        workbook_set_properties(wb, &props);
        Formats f;
        make_formats(wb, &f);
        for (int s = 0; s < b->nsheets; s++) {
            const Sheet *sh = &b->sheets[s];
            lxw_worksheet *ws = workbook_add_worksheet(wb, sheet_name(r->arena, wb, sh->name, s));
            if (!ws) continue;
            worksheet_set_column(ws, 0, 0, 30, NULL);
            worksheet_set_column(ws, 1, 12, 15, NULL);
            lxw_row_t row = 0;
            for (int i = 0; i < sh->n; i++)
                row = write_table(ws, &f, sh->tables[i], row);
        }
        if (!b->nsheets) workbook_add_worksheet(wb, NULL);
        ok = workbook_close(wb) == LXW_NO_ERROR;
    }
    buf_reset(&r->out);
    if (!ok || slurp(r, path) != 0) {
        unlink(path);
        buf_reset(&r->out);
        req_error(r, 500, "internal", T(r, "The spreadsheet could not be written."));
        return;
    }
    unlink(path);
    r->status = 200;
    r->ctype = XLSX_TYPE;
    const char *cd =
        utf8_name ? arena_printf(r->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
                                 ascii_name, ext_value(r->arena, utf8_name))
                  : arena_printf(r->arena, "attachment; filename=\"%s\"", ascii_name);
    req_add_header(r, "Content-Disposition", cd);
}
