/* money.h — amounts of money are integer fen (1 yuan = 100 fen) everywhere:
 * in the database, the API (fields ending in _fen) and computations. Only
 * display and form input convert. */
#ifndef HUIJU_MONEY_H
#define HUIJU_MONEY_H

#include <stdint.h>

#include "core/arena.h"

/* "12,345.60" for 1234560 fen, "-5.00" for -500 (arena text). */
const char *fen_text(Arena *a, int64_t fen);
/* Parses yuan as typed in a form ("1234", "1234.5", "1,234.56", " 12 "):
 * 1 with *out in fen, 0 when it is not a non-negative amount with at most two
 * decimals and at most 10^13 fen. */
int fen_parse(const char *s, int64_t *out);

#endif
