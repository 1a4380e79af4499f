/* buf.h — one growable byte string, always NUL-terminated.
 *
 * A Buf owns its heap memory; buf_free() releases it. b->data is never NULL
 * after buf_init(), so it can be used as a C string at any time. */
#ifndef HUIJU_BUF_H
#define HUIJU_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct Buf {
    char *data;
    size_t len, cap;
} Buf;

void buf_init(Buf *b);
void buf_free(Buf *b);
/* Empties the buffer, keeping its memory. */
void buf_reset(Buf *b);
void buf_append(Buf *b, const void *p, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_putc(Buf *b, char c);
void buf_appendf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vappendf(Buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Hands the memory to the caller (who frees it with free()) and re-initialises b. */
char *buf_take(Buf *b);

#endif
