/* dhis2.c — see dataio.h: DHIS2's dataValueSets JSON, the international
 * convention for aggregate data, matched by code (DHIS2's idScheme=CODE):
 * dataElement = indicator code, orgUnit = organisation code.
 *
 * Import answers an ImportSummary in DHIS2's shape and is all or nothing;
 * export writes the raw values of an organisation (and its subtree with
 * children=true) for every native period inside the period asked for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "dataio.h"
#include "indicator.h"
#include "org.h"
#include "ui/i18n.h"

static int may_write(Req *r, const char *path)
{
    return can(r, CAP_DATA_WRITE, path);
}

/* A string member of o, or the fallback when it is absent or null. *bad is set
 * when it is there with another type. */
static const char *str_member(json_t *o, const char *key, const char *fallback, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return fallback;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

static json_t *summary(const char *status, const char *description, const IoResult *res,
                       int64_t nvalues, int dry_run)
{
    int ok = !strcmp(status, "SUCCESS");
    json_t *conflicts = json_array();
    for (int i = 0; res && i < res->nerr; i++) {
        const IoError *e = &res->err[i];
        json_t *c = json_pack("{s:s,s:s}", "object", e->object ? e->object : "", "value", e->msg);
        if (e->line > 0)
            json_object_set_new(c, "indexes", json_pack("[I]", (json_int_t)(e->line - 1)));
        json_array_append_new(conflicts, c);
    }
    json_int_t imported = ok && res ? res->added : 0, updated = ok && res ? res->changed : 0,
               deleted = ok && res ? res->deleted : 0,
               ignored = ok && res ? res->unchanged : (json_int_t)nvalues;
    return json_pack("{s:s,s:s,s:s,s:{s:I,s:I,s:I,s:I},s:o,s:b}", "responseType", "ImportSummary",
                     "status", status, "description", description, "importCount", "imported",
                     imported, "updated", updated, "ignored", ignored, "deleted", deleted,
                     "conflicts", conflicts, "dryRun", dry_run);
}

void dhis2_api_import(Req *r)
{
    if (r->body_too_large) {
        req_error(r, 413, "too_large", T(r, "The request body is too large."));
        return;
    }
    const char *dr = req_query(r, "dryRun");
    if (dr && strcmp(dr, "true") && strcmp(dr, "false")) {
        req_error(r, 400, "bad_param", T(r, "dryRun must be true or false."));
        return;
    }
    int dry_run = dr && !strcmp(dr, "true");
    json_error_t e;
    json_t *set = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &e);
    if (!set) {
        req_error(r, 400, "bad_json",
                  arena_printf(r->arena, "%s (%s %d, %s %d): %s", T(r, "Malformed JSON"),
                               T(r, "line"), e.line, T(r, "column"), e.column, e.text));
        return;
    }
    json_t *values = json_is_object(set) ? json_object_get(set, "dataValues") : NULL;
    int bad = 0;
    const char *def_ou = json_is_object(set) ? str_member(set, "orgUnit", NULL, &bad) : NULL;
    const char *def_pe = json_is_object(set) ? str_member(set, "period", NULL, &bad) : NULL;
    if (!json_is_array(values) || bad) {
        json_decref(set);
        req_error(r, 400, "bad_json",
                  T(r,
                    "The body must be a DHIS2 data value set: {\"dataValues\": [{\"dataElement\", "
                    "\"period\", \"orgUnit\", \"value\"}, …]}."));
        return;
    }
    size_t n = json_array_size(values);
    IoBatch *b = io_begin(r, may_write, (int64_t)n);
    if (!b) {
        json_decref(set);
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    io_set_line_word(b, "dataValue", 1);
    size_t i;
    json_t *dv;
    json_array_foreach(values, i, dv)
    {
        int64_t line = (int64_t)i + 1;
        if (!json_is_object(dv)) {
            io_error(b, line, 0, "dataValues", T(r, "each data value must be an object"));
            continue;
        }
        int wrong = 0;
        const char *de = str_member(dv, "dataElement", NULL, &wrong);
        const char *pe = str_member(dv, "period", def_pe, &wrong);
        const char *ou = str_member(dv, "orgUnit", def_ou, &wrong);
        json_t *jv = json_object_get(dv, "value"), *jdel = json_object_get(dv, "deleted");
        const char *value = NULL;
        char num[32];
        if (!jv || json_is_null(jv))
            value = NULL;
        else if (json_is_string(jv))
            value = json_string_value(jv);
        else if (json_is_integer(jv))
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(jv)), value = num;
        else if (json_is_real(jv))
            io_format_number(json_real_value(jv), num, sizeof num), value = num;
        else
            wrong = 1;
        if (jdel && !json_is_boolean(jdel)) wrong = 1;
        if (wrong || !de || !pe || !ou) {
            io_error(b, line, 0,
                     !de   ? "dataElement"
                     : !pe ? "period"
                     : !ou ? "orgUnit"
                           : "value",
                     T(r, "a data value needs dataElement, period and orgUnit as strings, and a "
                          "value as a string or number"));
            continue;
        }
        if (json_is_true(jdel)) value = NULL;
        IoRow row = {ou, de, pe, value, {0, 0, 0, 0}};
        io_row(b, line, &row);
    }
    IoResult res;
    io_end(b, dry_run, "datavalues.dhis2", "dataValueSets", &res);
    json_decref(set);
    if (res.failed) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (res.nerr_total) {
        req_send_json(r, 409,
                      summary("ERROR",
                              T(r, "Nothing was imported: the data value set has conflicts."), &res,
                              (int64_t)n, dry_run));
        return;
    }
    req_send_json(r, 200,
                  summary("SUCCESS",
                          dry_run ? T(r, "Dry run: the data value set is valid; nothing written.")
                                  : T(r, "Import done."),
                          &res, (int64_t)n, dry_run));
}

/* ---- export ------------------------------------------------------------------ */

/* Appends s as a JSON string. */
static void json_str(Buf *b, const char *s)
{
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)*p);
        } else if (*p < 0x20) {
            buf_appendf(b, "\\u%04x", *p);
        } else {
            buf_putc(b, (char)*p);
        }
    }
    buf_putc(b, '"');
}

/* The native periods of each kind inside p, as text ranges; an empty range is
 * ("1", "0"), which nothing lies between. */
static void ranges(const Period *p, char lo[3][12], char hi[3][12])
{
    Period a = period_month(p->first), z = period_month(p->last);
    period_format(&a, lo[0], 12);
    period_format(&z, hi[0], 12);
    strcpy(lo[1], "1"), strcpy(hi[1], "0");
    strcpy(lo[2], "1"), strcpy(hi[2], "0");
    if (p->kind != PERIOD_MONTH) {
        a = period_quarter_of(p->first);
        z = period_quarter_of(p->last);
        period_format(&a, lo[1], 12);
        period_format(&z, hi[1], 12);
    }
    if (p->kind == PERIOD_YEAR) {
        period_format(p, lo[2], 12);
        period_format(p, hi[2], 12);
    }
}

enum { EXPORT_MAX_ELEMENTS = 64 };

void dhis2_api_export(Req *r)
{
    const char *ou = req_query(r, "orgUnit"), *pe = req_query(r, "period"),
               *des = req_query(r, "dataElement"), *ch = req_query(r, "children"),
               *pf = req_query(r, "periodFormat");
    Period p;
    if (!ou || !pe || !io_parse_period(pe, &p)) {
        req_error(r, 400, "bad_param",
                  T(r, "orgUnit (a code) and period (2024, 2024Q1, 2024-03 or 202403) are "
                       "required."));
        return;
    }
    if ((ch && strcmp(ch, "true") && strcmp(ch, "false")) ||
        (pf && strcmp(pf, "dhis2") && strcmp(pf, "iso"))) {
        req_error(r, 400, "bad_param",
                  T(r, "children must be true or false, and periodFormat dhis2 or iso."));
        return;
    }
    int children = ch && !strcmp(ch, "true"), dhis2 = pf && !strcmp(pf, "dhis2");
    Org o;
    int f = valid_code(ou) ? org_load(r->db, r->arena, ou, &o) : 0;
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, o.path)) {
        req_not_found(r);
        return;
    }
    /* the data elements asked for, each a raw indicator */
    const char *codes[EXPORT_MAX_ELEMENTS];
    int ncodes = 0;
    if (des) {
        char *list = arena_strdup(r->arena, des), *save = NULL;
        for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
            Indicator ind;
            if (ncodes >= EXPORT_MAX_ELEMENTS) {
                req_error(r, 400, "bad_param", T(r, "At most 64 data elements at a time."));
                return;
            }
            if (!indicator_code_ok(c) || indicator_load(r->db, r->arena, c, &ind) != 1) {
                req_error(r, 400, "bad_param",
                          arena_printf(r->arena, "%s: %s", T(r, "no such indicator"),
                                       valid_text(c, 64) ? c : ""));
                return;
            }
            if (ind.is_ratio) {
                req_error(r, 400, "bad_param",
                          arena_printf(r->arena, "%s: %s", c,
                                       T(r, "a ratio is computed from its parts: export its "
                                            "numerator and denominator instead")));
                return;
            }
            codes[ncodes++] = c;
        }
        if (!ncodes) {
            req_error(r, 400, "bad_param", T(r, "dataElement must list indicator codes."));
            return;
        }
    }
    Buf sql;
    buf_init(&sql);
    buf_puts(&sql,
             "SELECT o.code, i.code, v.period, v.value FROM datavalues v"
             " JOIN orgs o ON o.id = v.org_id JOIN indicators i ON i.id = v.indicator_id WHERE ");
    buf_puts(&sql, children ? "o.path LIKE ?" : "o.id = ?");
    buf_puts(&sql, " AND ((i.period_type = 'month' AND v.period BETWEEN ? AND ?)"
                   " OR (i.period_type = 'quarter' AND v.period BETWEEN ? AND ?)"
                   " OR (i.period_type = 'year' AND v.period BETWEEN ? AND ?))");
    if (ncodes) {
        buf_puts(&sql, " AND i.code IN (");
        for (int k = 0; k < ncodes; k++)
            buf_puts(&sql, k ? ", ?" : "?");
        buf_puts(&sql, ")");
    }
    buf_puts(&sql, " ORDER BY o.code, i.code, v.period");
    DbStmt *s = db_prepare(r->db, sql.data);
    buf_free(&sql);
    char lo[3][12], hi[3][12];
    ranges(&p, lo, hi);
    int k = 1;
    if (s) {
        if (children)
            db_bind_text(s, k++, arena_printf(r->arena, "%s%%", o.path));
        else
            db_bind_int(s, k++, o.id);
        for (int j = 0; j < 3; j++) {
            db_bind_text(s, k++, lo[j]);
            db_bind_text(s, k++, hi[j]);
        }
        for (int j = 0; j < ncodes; j++)
            db_bind_text(s, k++, codes[j]);
    }
    buf_reset(&r->out);
    buf_puts(&r->out, "{\"dataValues\":[");
    int rc = s ? DB_ROW : DB_ERROR, first = 1;
    while (s && (rc = db_step(s)) == DB_ROW) {
        char per[12], val[32];
        snprintf(per, sizeof per, "%s", db_col_text(s, 2));
        if (dhis2 && per[4] == '-') memmove(per + 4, per + 5, strlen(per + 5) + 1);
        io_format_number(db_col_double(s, 3), val, sizeof val);
        buf_puts(&r->out, first ? "{\"dataElement\":" : ",{\"dataElement\":");
        first = 0;
        json_str(&r->out, db_col_text(s, 1));
        buf_puts(&r->out, ",\"period\":");
        json_str(&r->out, per);
        buf_puts(&r->out, ",\"orgUnit\":");
        json_str(&r->out, db_col_text(s, 0));
        buf_puts(&r->out, ",\"value\":");
        json_str(&r->out, val);
        buf_putc(&r->out, '}');
    }
    db_done(s);
    if (rc != DB_DONE) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    buf_puts(&r->out, "]}");
    r->status = 200;
    r->ctype = "application/json; charset=utf-8";
}
