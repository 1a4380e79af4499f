/* buf.c — see buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(Buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *p = realloc(b->cap ? b->data : NULL, cap);
    if (!p) {
        fputs("huiju: out of memory\n", stderr);
        abort();
    }
    if (!b->cap) p[0] = 0;
    b->data = p;
    b->cap = cap;
}

void buf_init(Buf *b)
{
    b->data = "";
    b->len = b->cap = 0;
}

void buf_free(Buf *b)
{
    if (b->cap) free(b->data);
    buf_init(b);
}

void buf_reset(Buf *b)
{
    b->len = 0;
    if (b->cap) b->data[0] = 0;
}

void buf_append(Buf *b, const void *p, size_t n)
{
    if (n == 0) return;
    grow(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void buf_puts(Buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_putc(Buf *b, char c)
{
    buf_append(b, &c, 1);
}

void buf_vappendf(Buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0) return;
    grow(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_appendf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vappendf(b, fmt, ap);
    va_end(ap);
}

char *buf_take(Buf *b)
{
    char *p;
    if (b->cap) {
        p = b->data;
    } else {
        p = malloc(1);
        if (!p) abort();
        p[0] = 0;
    }
    buf_init(b);
    return p;
}
