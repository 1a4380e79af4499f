/* ioparse.c — see dataio.h: numbers as people type them, periods as files write
 * them, and the shortest exact text of a number. Pure logic. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataio.h"

/* Copies s into out as ASCII: full-width digits, signs, point, comma and space
 * become their ASCII forms. 0 when it does not fit or holds other bytes >= 0x80. */
static int ascii_fold(const char *s, char *out, size_t n)
{
    size_t j = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        char c;
        if (*p < 0x80) {
            c = (char)*p++;
        } else if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x8B && p[2] <= 0x99) {
            c = (char)(p[2] - 0x8B + '+'); /* U+FF0B..FF19: + , - . / 0-9 */
            p += 3;
        } else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            c = ' '; /* ideographic space */
            p += 3;
        } else {
            return 0;
        }
        if (j + 1 >= n) return 0;
        out[j++] = c;
    }
    out[j] = 0;
    return 1;
}

int io_parse_number(const char *s, double *out)
{
    char buf[80], clean[80];
    if (!s || !ascii_fold(s, buf, sizeof buf)) return 0;
    char *p = buf, *e = buf + strlen(buf);
    while (*p == ' ' || *p == '\t')
        p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *e = 0;
    /* thousands separators only between groups of three digits before the point */
    size_t j = 0;
    const char *q = p;
    if (*q == '+' || *q == '-') clean[j++] = *q++;
    const char *intpart = q;
    while (*q >= '0' && *q <= '9')
        q++;
    if (*q == ',') {
        if (q - intpart < 1 || q - intpart > 3) return 0;
        memcpy(clean + j, intpart, (size_t)(q - intpart));
        j += (size_t)(q - intpart);
        while (*q == ',') {
            for (int k = 1; k <= 3; k++)
                if (q[k] < '0' || q[k] > '9') return 0;
            memcpy(clean + j, q + 1, 3);
            j += 3;
            q += 4;
        }
        if (*q >= '0' && *q <= '9') return 0;
        snprintf(clean + j, sizeof clean - j, "%s", q);
        p = clean;
    }
    /* the strict shape: digits with an optional fraction and exponent */
    q = p;
    if (*q == '+' || *q == '-') q++;
    int digits = 0;
    while (*q >= '0' && *q <= '9')
        q++, digits++;
    if (*q == '.') {
        q++;
        while (*q >= '0' && *q <= '9')
            q++, digits++;
    }
    if (!digits) return 0;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-') q++;
        if (*q < '0' || *q > '9') return 0;
        while (*q >= '0' && *q <= '9')
            q++;
    }
    if (*q) return 0;
    double v = strtod(p, NULL);
    if (!isfinite(v)) return 0;
    *out = v == 0 ? 0 : v; /* no negative zero */
    return 1;
}

int io_parse_period(const char *s, Period *p)
{
    char c[12];
    size_t n = s ? strlen(s) : 0;
    if (n < 4 || n > 8) return 0;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    const char *rest = s + 4;
    int all_digits = strspn(rest, "0123456789") == strlen(rest);
    if (!*rest) {
        snprintf(c, sizeof c, "%.4s", s);
    } else if ((rest[0] == 'Q' || rest[0] == 'q') && rest[1] && !rest[2]) {
        snprintf(c, sizeof c, "%.4sQ%c", s, rest[1]);
    } else if (all_digits && strlen(rest) == 2) { /* DHIS2 202403 */
        snprintf(c, sizeof c, "%.4s-%s", s, rest);
    } else if ((rest[0] == '-' || rest[0] == '/') && strlen(rest + 1) >= 1 &&
               strlen(rest + 1) <= 2 && strspn(rest + 1, "0123456789") == strlen(rest + 1)) {
        snprintf(c, sizeof c, "%.4s-%s%s", s, rest[2] ? "" : "0", rest + 1);
    } else {
        return 0;
    }
    return period_parse(c, p);
}

void io_format_number(double v, char *out, size_t n)
{
    if (v == 0) v = 0; /* -0 prints as 0 */
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, n, "%.0f", v);
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, n, "%.*g", prec, v);
        if (strtod(out, NULL) == v) return;
    }
}
