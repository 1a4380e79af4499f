/* status.h — the status rule of a target (on track, at risk, off track, no
 * data), as written down in docs/targets.md. Pure logic: no I/O, no database.
 *
 * A target runs from a baseline (a value at the end of a period) to a target
 * value at the end of its deadline period. The value the plan asks for at a
 * given month is the straight line between the two, clamped to the baseline
 * before it starts and to the target after the deadline. */
#ifndef HUIJU_STATUS_H
#define HUIJU_STATUS_H

typedef enum { STATUS_NO_DATA = 0, STATUS_ON_TRACK, STATUS_AT_RISK, STATUS_OFF_TRACK } TargetStatus;

/* Direction of a target: higher is better ("up"), lower is better ("down"), a
 * floor to stay above ("min", e.g. at least 40 hours a year), a ceiling to stay
 * under ("max", e.g. a dropout rate of at most 1 %). */
typedef enum { DIR_UP = 0, DIR_DOWN, DIR_MIN, DIR_MAX } TargetDir;

/* The shape of one target, all months as indices year*12 + (month - 1). */
typedef struct Trajectory {
    TargetDir dir;
    int has_baseline, has_target;
    double baseline, target;
    int baseline_month; /* last month of the baseline period (when has_baseline) */
    int deadline_month; /* last month of the deadline period; -1 for "yearly"/"always" */
} Trajectory;

/* The fraction of an "up"/"down" target's expected gain that still counts as at
 * risk, and the tolerance of "min"/"max" rules. */
#define STATUS_RISK_SHARE 0.8
#define STATUS_MIN_TOLERANCE 0.9
#define STATUS_MAX_TOLERANCE 1.1

/* The value the trajectory asks for at month `month`: the linear interpolation
 * between (baseline_month, baseline) and (deadline_month, target), clamped at
 * both ends. Without a baseline or a dated deadline it is the target itself;
 * with a zero or negative span it is the target from the deadline on and the
 * baseline before. Undefined (0) without a target value. */
double status_expected(const Trajectory *t, int month);

/* The status of actual (measured at `month`) against the trajectory. has_actual 0
 * or no target value gives STATUS_NO_DATA. When expected is not NULL it receives
 * status_expected(t, month) (0 without a target). See docs/targets.md. */
TargetStatus status_rule(const Trajectory *t, int has_actual, double actual, int month,
                         double *expected);

/* "up", "down", "min", "max" → TargetDir; 0 with *ok = 0 for anything else. */
TargetDir status_dir_from(const char *s, int *ok);
/* "on_track", "at_risk", "off_track", "no_data". */
const char *status_name(TargetStatus s);
/* The status with that name; -1 for an unknown one. */
int status_from_name(const char *s);
/* The English message id of the status's label (translate with T()). */
const char *status_label(TargetStatus s);

#endif
