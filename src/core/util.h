/* util.h — small pure helpers shared by every module. */
#ifndef HUIJU_UTIL_H
#define HUIJU_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Seconds since 1970 UTC. */
int64_t now_s(void);
/* "2026-12-01 14:05" in Asia/Shanghai (UTC+8, no daylight saving), owned by a. */
char *fmt_time(Arena *a, int64_t t);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(char *out, const unsigned char *in, size_t n);
/* A new random token of 32 bytes as 64 hex characters (65 bytes with NUL). */
void random_token(char out[65]);
/* The BLAKE2b-256 (crypto_generichash) of s as 64 hex characters. */
void hash_hex(char out[65], const char *s, size_t n);
/* Whether s is a valid organisation code: 2–32 of [A-Za-z0-9-]. */
int valid_code(const char *s);
/* Whether s is a valid login: 2–64 of [a-z0-9._-], starting with a letter or digit. */
int valid_login(const char *s);
/* Whether s is valid UTF-8 with no control characters other than tab and newline,
 * and at most max bytes long. */
int valid_text(const char *s, size_t max);
/* Parses a whole decimal integer in [lo, hi]; 1 on success. */
int parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);
/* Percent-encodes s for a URL query value, owned by a. */
char *url_encode(Arena *a, const char *s);
/* Decodes %XX and '+' in place; returns 0 if an escape is malformed. */
int url_decode(char *s);

#endif
