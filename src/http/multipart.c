/* multipart.c — see multipart.h. */
#include "http/multipart.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct Collect {
    Req *r;
    Part *parts;
    Buf data[MULTIPART_MAX_PARTS];
    int n, overflow;
} Collect;

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    (void)kind;
    (void)transfer_encoding;
    Collect *c = cls;
    Part *cur = c->n ? &c->parts[c->n - 1] : NULL;
    int fresh =
        !cur || (off == 0 && (strcmp(cur->name, key ? key : "") != 0 || c->data[c->n - 1].len > 0));
    if (fresh) {
        if (c->n >= MULTIPART_MAX_PARTS) {
            c->overflow = 1;
            return MHD_NO;
        }
        cur = &c->parts[c->n];
        cur->name = arena_strdup(c->r->arena, key ? key : "");
        cur->filename = filename ? arena_strdup(c->r->arena, filename) : NULL;
        cur->ctype = content_type ? arena_strdup(c->r->arena, content_type) : NULL;
        buf_init(&c->data[c->n]);
        c->n++;
    }
    if (size) buf_append(&c->data[c->n - 1], data, size);
    return MHD_YES;
}

int multipart_is(Req *r)
{
    const char *ct = req_header(r, "Content-Type");
    return ct && strncasecmp(ct, "multipart/form-data", 19) == 0;
}

int multipart_parse(Req *r, Part **parts)
{
    *parts = NULL;
    if (!r->conn || !multipart_is(r)) return -1;
    Collect c = {.r = r};
    c.parts = arena_alloc(r->arena, sizeof(Part) * MULTIPART_MAX_PARTS);
    struct MHD_PostProcessor *pp = MHD_create_post_processor(r->conn, 64 * 1024, on_part, &c);
    if (!pp) return -1;
    int ok = 1;
    if (r->body.len) ok = MHD_post_process(pp, r->body.data, r->body.len) == MHD_YES;
    if (MHD_destroy_post_processor(pp) != MHD_YES) ok = 0;
    for (int i = 0; i < c.n; i++) {
        c.parts[i].len = c.data[i].len;
        char *d = arena_alloc(r->arena, c.data[i].len + 1);
        memcpy(d, c.data[i].data, c.data[i].len);
        c.parts[i].data = d;
        buf_free(&c.data[i]);
    }
    if (!ok || c.overflow) return -1;
    *parts = c.parts;
    return c.n;
}

const Part *multipart_get(const Part *parts, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(parts[i].name, name)) return &parts[i];
    return NULL;
}

void multipart_fill_form(Req *r)
{
    Part *parts;
    int n = multipart_parse(r, &parts);
    r->fname = arena_alloc(r->arena, sizeof(char *) * (size_t)(n > 0 ? n + 1 : 1));
    r->fval = arena_alloc(r->arena, sizeof(char *) * (size_t)(n > 0 ? n + 1 : 1));
    r->nform = 0;
    for (int i = 0; i < n; i++) {
        if (parts[i].filename || memchr(parts[i].data, 0, parts[i].len)) continue;
        r->fname[r->nform] = parts[i].name;
        r->fval[r->nform] = parts[i].data;
        r->nform++;
    }
}
