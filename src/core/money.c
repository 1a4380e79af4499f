/* money.c — fen to text and back. See money.h. */
#include "money.h"

#include <stdio.h>
#include <string.h>

const char *fen_text(Arena *a, int64_t fen)
{
    int neg = fen < 0;
    uint64_t v = neg ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    char digits[32];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)(v / 100));
    size_t n = strlen(digits);
    char out[48], *o = out;
    if (neg) *o++ = '-';
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) *o++ = ',';
        *o++ = digits[i];
    }
    snprintf(o, sizeof out - (size_t)(o - out), ".%02u", (unsigned)(v % 100));
    return arena_strdup(a, out);
}

int fen_parse(const char *s, int64_t *out)
{
    if (!s) return 0;
    while (*s == ' ') s++;
    uint64_t whole = 0;
    int nd = 0, frac = 0, nf = 0, commas_ok = 1;
    const char *p = s;
    for (; *p && *p != '.' && *p != ' '; p++) {
        if (*p == ',') {
            if (!nd) commas_ok = 0;
            continue;
        }
        if (*p < '0' || *p > '9') return 0;
        whole = whole * 10 + (uint64_t)(*p - '0');
        if (++nd > 11) return 0;
    }
    if (!nd || !commas_ok) return 0;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            if (++nf > 2) return 0;
            frac = frac * 10 + (*p - '0');
        }
        if (!nf) return 0;
        if (nf == 1) frac *= 10;
    }
    while (*p == ' ') p++;
    if (*p) return 0;
    uint64_t fen = whole * 100 + (uint64_t)frac;
    if (fen > 10000000000000ULL) return 0;
    *out = (int64_t)fen;
    return 1;
}
