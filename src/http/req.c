/* req.c — reading requests and writing responses. See req.h. */
#include "http/req.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/multipart.h"
#include "ui/i18n.h"
#include "ui/layout.h"

const char *req_param(Req *r, const char *name)
{
    for (int i = 0; i < r->nparam; i++)
        if (strcmp(r->pname[i], name) == 0) return r->pval[i];
    return NULL;
}

const char *req_query(Req *r, const char *name)
{
    return r->conn ? MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name) : NULL;
}

const char *req_header(Req *r, const char *name)
{
    return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *req_cookie(Req *r, const char *name)
{
    return r->conn ? MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name) : NULL;
}

int req_is_api(const Req *r)
{
    return strncmp(r->path, "/api/", 5) == 0;
}

int req_is_upload(const Req *r)
{
    size_t n = strlen(r->path);
    int file = n > 6 && (!strcmp(r->path + n - 6, "/files") || !strcmp(r->path + n - 5, "/file"));
    return (!strcmp(r->method, "POST") &&
            (file || !strcmp(r->path, "/import") || !strcmp(r->path, "/api/v1/dataValueSets"))) ||
           (!strcmp(r->method, "PUT") && !strcmp(r->path, "/api/v1/datavalues"));
}

/* Splits the url-encoded body into r->fname/r->fval once. */
static void parse_form(Req *r)
{
    if (r->fname) return;
    if (multipart_is(r)) {
        multipart_fill_form(r);
        return;
    }
    const char *ct = req_header(r, "Content-Type");
    int n = 0;
    if (ct && strncmp(ct, "application/x-www-form-urlencoded", 33) == 0 && r->body.len) {
        for (const char *p = r->body.data; *p; p++) n += *p == '&';
        n++;
    }
    r->fname = arena_alloc(r->arena, sizeof(char *) * (size_t)(n + 1));
    r->fval = arena_alloc(r->arena, sizeof(char *) * (size_t)(n + 1));
    if (!n) return;
    char *copy = arena_strdup(r->arena, r->body.data), *save = NULL;
    for (char *tok = strtok_r(copy, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(tok, '=');
        char *val = eq ? eq + 1 : (char *)"";
        if (eq) *eq = 0;
        if (!url_decode(tok) || !url_decode(val)) continue;
        r->fname[r->nform] = tok;
        r->fval[r->nform] = val;
        r->nform++;
    }
}

const char *req_form(Req *r, const char *name)
{
    parse_form(r);
    for (int i = 0; i < r->nform; i++)
        if (strcmp(r->fname[i], name) == 0) return r->fval[i];
    return NULL;
}

json_t *req_json_object(Req *r, const char *const *allowed)
{
    if (r->body_too_large) {
        req_error(r, 413, "too_large", T(r, "The request body is too large."));
        return NULL;
    }
    json_error_t e;
    json_t *v = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &e);
    if (!v) {
        req_error(r, 400, "bad_json",
                  arena_printf(r->arena, "%s (%s %d, %s %d): %s", T(r, "Malformed JSON"),
                               T(r, "line"), e.line, T(r, "column"), e.column, e.text));
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        req_error(r, 400, "bad_json", T(r, "The body must be a JSON object."));
        return NULL;
    }
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++) ok = strcmp(*a, key) == 0;
        if (!ok) {
            req_error(r, 422, "unknown_field",
                      arena_printf(r->arena, "%s: %s", T(r, "Unknown field"), key));
            json_decref(v);
            return NULL;
        }
    }
    return v;
}

void req_add_header(Req *r, const char *name, const char *value)
{
    if (r->nheaders >= REQ_MAX_HEADERS) return;
    r->headers[r->nheaders].name = arena_strdup(r->arena, name);
    r->headers[r->nheaders].value = arena_strdup(r->arena, value);
    r->nheaders++;
}

void req_send_json(Req *r, int status, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(v);
    buf_reset(&r->out);
    if (s) {
        buf_puts(&r->out, s);
        free(s);
    }
    r->status = status;
    r->ctype = "application/json; charset=utf-8";
}

void req_error(Req *r, int status, const char *code, const char *message)
{
    if (!message) message = code;
    if (status >= 500 && status != 503) {
        /* an internal failure (a database error, say): the detail goes to the log, the
         * caller gets a plain "try again" that reveals nothing of the database */
        fprintf(stderr, "huiju: %s %s: %s\n", r->method, r->path, message);
        status = 503;
        code = "busy";
        message = T(r, "The service is busy. Please try again.");
    }
    if (req_is_api(r)) {
        req_send_json(r, status,
                      json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message));
        return;
    }
    buf_reset(&r->out);
    page_error(r, status, message);
}

void req_not_found(Req *r)
{
    req_error(r, 404, "not_found", T(r, "Not found."));
}

void req_redirect(Req *r, const char *location)
{
    buf_reset(&r->out);
    r->status = 303;
    r->ctype = "text/plain; charset=utf-8";
    req_add_header(r, "Location", location);
}
