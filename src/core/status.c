/* status.c — see status.h and docs/targets.md. */
#include "status.h"

#include <string.h>

double status_expected(const Trajectory *t, int month)
{
    if (!t->has_target) return 0;
    if (!t->has_baseline || t->deadline_month < 0) return t->target;
    int span = t->deadline_month - t->baseline_month;
    if (span <= 0) return month >= t->deadline_month ? t->target : t->baseline;
    if (month <= t->baseline_month) return t->baseline;
    if (month >= t->deadline_month) return t->target;
    double f = (double)(month - t->baseline_month) / (double)span;
    return t->baseline + (t->target - t->baseline) * f;
}

/* A floor or a ceiling X: on track beyond it, at risk within the tolerance. */
static TargetStatus threshold(int floor, double actual, double x)
{
    if (floor) {
        if (actual >= x) return STATUS_ON_TRACK;
        return actual >= STATUS_MIN_TOLERANCE * x ? STATUS_AT_RISK : STATUS_OFF_TRACK;
    }
    if (actual <= x) return STATUS_ON_TRACK;
    return actual <= STATUS_MAX_TOLERANCE * x ? STATUS_AT_RISK : STATUS_OFF_TRACK;
}

TargetStatus status_rule(const Trajectory *t, int has_actual, double actual, int month,
                         double *expected)
{
    double e = status_expected(t, month);
    if (expected) *expected = e;
    if (!t->has_target || !has_actual) return STATUS_NO_DATA;
    TargetDir d = t->dir;
    /* without a baseline there is no trajectory: the target is a floor or a ceiling */
    if (!t->has_baseline && d == DIR_UP) d = DIR_MIN;
    if (!t->has_baseline && d == DIR_DOWN) d = DIR_MAX;
    switch (d) {
    case DIR_MIN: return threshold(1, actual, e);
    case DIR_MAX: return threshold(0, actual, e);
    case DIR_UP:
        if (actual >= e || actual >= t->target) return STATUS_ON_TRACK;
        return actual - t->baseline >= STATUS_RISK_SHARE * (e - t->baseline) ? STATUS_AT_RISK
                                                                             : STATUS_OFF_TRACK;
    case DIR_DOWN:
        if (actual <= e || actual <= t->target) return STATUS_ON_TRACK;
        return t->baseline - actual >= STATUS_RISK_SHARE * (t->baseline - e) ? STATUS_AT_RISK
                                                                             : STATUS_OFF_TRACK;
    }
    return STATUS_NO_DATA;
}

TargetDir status_dir_from(const char *s, int *ok)
{
    static const char *const names[] = {"up", "down", "min", "max"};
    *ok = 0;
    for (int i = 0; s && i < 4; i++)
        if (!strcmp(s, names[i])) {
            *ok = 1;
            return (TargetDir)i;
        }
    return DIR_UP;
}

static const char *const names[] = {"no_data", "on_track", "at_risk", "off_track"};

const char *status_name(TargetStatus s)
{
    return (unsigned)s < 4 ? names[s] : "no_data";
}

int status_from_name(const char *s)
{
    for (int i = 0; s && i < 4; i++)
        if (!strcmp(s, names[i])) return i;
    return -1;
}

const char *status_label(TargetStatus s)
{
    switch (s) {
    case STATUS_ON_TRACK: return "On track";
    case STATUS_AT_RISK: return "At risk";
    case STATUS_OFF_TRACK: return "Off track";
    default: return "No data";
    }
}
