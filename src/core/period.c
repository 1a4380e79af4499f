/* period.c — see period.h. */
#include "period.h"

#include <stdio.h>
#include <string.h>

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

int period_parse(const char *s, Period *p)
{
    memset(p, 0, sizeof *p);
    if (!s || !digits(s, 4)) return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (y < 1900 || y > 2199) return 0;
    size_t n = strlen(s);
    if (n == 4) {
        p->kind = PERIOD_YEAR;
        p->first = y * 12;
        p->last = y * 12 + 11;
    } else if (n == 6 && s[4] == 'Q' && s[5] >= '1' && s[5] <= '4') {
        int q = s[5] - '1';
        p->kind = PERIOD_QUARTER;
        p->first = y * 12 + q * 3;
        p->last = p->first + 2;
    } else if (n == 7 && s[4] == '-' && digits(s + 5, 2)) {
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        if (m < 1 || m > 12) return 0;
        p->kind = PERIOD_MONTH;
        p->first = p->last = y * 12 + m - 1;
    } else {
        return 0;
    }
    p->year = y;
    return 1;
}

void period_format(const Period *p, char *out, size_t n)
{
    switch (p->kind) {
    case PERIOD_YEAR: snprintf(out, n, "%04d", p->year); break;
    case PERIOD_QUARTER: snprintf(out, n, "%04dQ%d", p->year, (p->first % 12) / 3 + 1); break;
    case PERIOD_MONTH: snprintf(out, n, "%04d-%02d", p->year, p->first % 12 + 1); break;
    default: snprintf(out, n, "?");
    }
}

Period period_month(int index)
{
    Period p = {PERIOD_MONTH, index / 12, index, index};
    return p;
}

Period period_quarter_of(int index)
{
    int first = index - index % 3;
    Period p = {PERIOD_QUARTER, index / 12, first, first + 2};
    return p;
}

Period period_year_of(int index)
{
    int first = index - index % 12;
    Period p = {PERIOD_YEAR, index / 12, first, first + 11};
    return p;
}

int period_within(const Period *inner, const Period *outer)
{
    return inner->first >= outer->first && inner->last <= outer->last;
}

const char *period_kind_name(PeriodKind k)
{
    return k == PERIOD_YEAR ? "year" : k == PERIOD_QUARTER ? "quarter" : k == PERIOD_MONTH ? "month" : NULL;
}

PeriodKind period_kind_from(const char *s)
{
    if (!s) return PERIOD_NONE;
    if (!strcmp(s, "year")) return PERIOD_YEAR;
    if (!strcmp(s, "quarter")) return PERIOD_QUARTER;
    if (!strcmp(s, "month")) return PERIOD_MONTH;
    return PERIOD_NONE;
}
