/* util.c — see util.h. */
#include "util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t now_s(void) { return (int64_t)time(NULL); }

char *fmt_time(Arena *a, int64_t t)
{
    time_t local = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&local, &tm);
    return arena_printf(a, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min);
}

void hex_encode(char *out, const unsigned char *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = 0;
}

void random_token(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    hex_encode(out, b, sizeof b);
    sodium_memzero(b, sizeof b);
}

void hash_hex(char out[65], const char *s, size_t n)
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)s, n, NULL, 0);
    hex_encode(out, h, sizeof h);
}

int valid_code(const char *s)
{
    if (!s) return 0;
    size_t n = strlen(s);
    if (n < 2 || n > 32) return 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return 0;
    }
    return 1;
}

int valid_login(const char *s)
{
    if (!s) return 0;
    size_t n = strlen(s);
    if (n < 2 || n > 64) return 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (p == s || (c != '.' && c != '_' && c != '-'))) return 0;
    }
    return 1;
}

int valid_text(const char *s, size_t max)
{
    if (!s) return 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        unsigned c = *p;
        int len;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return 0;
            len = 1;
        } else if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
            len = 2;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
        } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
            len = 4;
        } else {
            return 0;
        }
        unsigned cp = len == 1 ? c : (c & (0x7f >> len));
        for (int i = 1; i < len; i++) {
            if ((p[i] & 0xc0) != 0x80) return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
            return 0;
        p += len;
        n += (size_t)len;
        if (n > max) return 0;
    }
    return 1;
}

int parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (!s || !*s) return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi) return 0;
    if ((s[0] < '0' || s[0] > '9') && s[0] != '-') return 0;
    *out = v;
    return 1;
}

char *url_encode(Arena *a, const char *s)
{
    static const char digits[] = "0123456789ABCDEF";
    if (!s) return arena_strdup(a, "");
    char *out = arena_alloc(a, strlen(s) * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = digits[c >> 4];
            *o++ = digits[c & 15];
        }
    }
    *o = 0;
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int url_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '+') {
            *o++ = ' ';
        } else if (*p == '%') {
            int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);
            if (h < 0 || l < 0) return 0;
            *o++ = (char)(h * 16 + l);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
    return 1;
}
