/* multipart.h — multipart/form-data bodies (file uploads from pages), read with
 * libmicrohttpd's own post processor fed the body that server.c has already
 * buffered in r->body. */
#ifndef HUIJU_MULTIPART_H
#define HUIJU_MULTIPART_H

#include <stddef.h>

#include "http/req.h"

/* One field of the form. All strings and data live in r->arena; data is
 * NUL-terminated (len does not count the NUL) and may itself hold NUL bytes.
 * filename is NULL for a field that is not a file. */
typedef struct Part {
    const char *name, *filename, *ctype;
    const char *data;
    size_t len;
} Part;

enum { MULTIPART_MAX_PARTS = 32 };

/* Whether the request's Content-Type is multipart/form-data. */
int multipart_is(Req *r);
/* Parses r->body. Returns the number of parts (array in r->arena, *parts set),
 * or -1 when the body is not multipart/form-data, is malformed or holds more than
 * MULTIPART_MAX_PARTS parts. */
int multipart_parse(Req *r, Part **parts);
/* The first part with this name, or NULL. */
const Part *multipart_get(const Part *parts, int n, const char *name);
/* Fills r->fname, r->fval and r->nform with the fields that are not files, so that
 * req_form() answers for a multipart body too (the router's CSRF check reads
 * _csrf through it). Meant to be called from req.c when the body is multipart. */
void multipart_fill_form(Req *r);

#endif
