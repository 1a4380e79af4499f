/* period.h — reporting periods: a year "2024", a quarter "2024Q1", a month
 * "2024-03". Pure logic. A period is kept as its kind and a month range, so
 * that "does this month fall in that quarter" is one comparison. */
#ifndef HUIJU_PERIOD_H
#define HUIJU_PERIOD_H

#include <stddef.h>

typedef enum { PERIOD_NONE = 0, PERIOD_YEAR, PERIOD_QUARTER, PERIOD_MONTH } PeriodKind;

typedef struct Period {
    PeriodKind kind;
    int year;
    int first, last; /* months counted from year 0: year * 12 + (month - 1) */
} Period;

/* Parses "2024", "2024Q3" or "2024-07" (years 1900–2199). 1 on success. */
int period_parse(const char *s, Period *p);
/* Writes the canonical text of p into out (at least 8 bytes). */
void period_format(const Period *p, char *out, size_t n);
/* The month with this index (year*12 + month-1). */
Period period_month(int index);
/* The quarter / year that contains the month index. */
Period period_quarter_of(int index);
Period period_year_of(int index);
/* Whether inner lies wholly within outer. */
int period_within(const Period *inner, const Period *outer);
/* "year", "quarter", "month" — and back. */
const char *period_kind_name(PeriodKind k);
PeriodKind period_kind_from(const char *s);

#endif
