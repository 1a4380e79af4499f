/* html.c — see html.h. hf() walks its format itself so that it can escape
 * each %s; other conversions are formatted by snprintf one at a time. */
#include "ui/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void html_escape(Buf *b, const char *s)
{
    if (!s) return;
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_append(b, run, (size_t)(p - run));
        buf_puts(b, rep);
        run = p + 1;
    }
    buf_puts(b, run);
}

void h_raw_(Req *r, const char *literal) { buf_puts(&r->out, literal); }
void h_text(Req *r, const char *s) { html_escape(&r->out, s); }

/* The conversions hf() hands to snprintf are cut from its own format, which the
 * compiler has already checked against the arguments at the call site. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void hf(Req *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Buf *b = &r->out;
    const char *p = fmt;
    while (*p) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            buf_puts(b, p);
            break;
        }
        buf_append(b, p, (size_t)(pct - p));
        /* one conversion: flags, width, precision, length, letter */
        const char *q = pct + 1;
        while (*q && strchr("-+ #0", *q)) q++;
        while (*q >= '0' && *q <= '9') q++;
        if (*q == '.') {
            q++;
            while (*q >= '0' && *q <= '9') q++;
        }
        int lng = 0, size = 0;
        while (*q == 'l') lng++, q++;
        if (*q == 'z') size = 1, q++;
        char spec[32];
        size_t sl = (size_t)(q - pct + 1);
        if (sl >= sizeof spec || !*q) break;
        memcpy(spec, pct, sl);
        spec[sl] = 0;
        char tmp[64];
        switch (*q) {
        case '%': buf_putc(b, '%'); break;
        case 's': html_escape(b, va_arg(ap, const char *)); break;
        case 'c': buf_putc(b, (char)va_arg(ap, int)); break;
        case 'd':
        case 'i':
        case 'u':
        case 'x':
            if (size)
                snprintf(tmp, sizeof tmp, spec, va_arg(ap, size_t));
            else if (lng >= 2)
                snprintf(tmp, sizeof tmp, spec, va_arg(ap, long long));
            else if (lng == 1)
                snprintf(tmp, sizeof tmp, spec, va_arg(ap, long));
            else
                snprintf(tmp, sizeof tmp, spec, va_arg(ap, int));
            buf_puts(b, tmp);
            break;
        case 'f':
        case 'g':
        case 'e':
            snprintf(tmp, sizeof tmp, spec, va_arg(ap, double));
            buf_puts(b, tmp);
            break;
        default: break; /* unsupported: the compiler's format check keeps us from here */
        }
        p = q + 1;
    }
    va_end(ap);
}
#pragma GCC diagnostic pop
