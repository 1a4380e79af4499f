/* target.h — capabilities 4 and 15: targets (baseline, target value, deadline per
 * indicator, scope and phase of the plan) with their status, the plan template
 * (data/plan-targets.csv), and the plan's timeline. The status rule is written
 * down in docs/targets.md. */
#ifndef HUIJU_TARGET_H
#define HUIJU_TARGET_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"
#include "values.h"

typedef enum { STATUS_NO_DATA = 0, STATUS_ON_TRACK, STATUS_AT_RISK, STATUS_OFF_TRACK } TargetStatus;

typedef struct Target {
    int64_t id, indicator_id, scope_org_id;
    const char *code, *name_zh, *name_en, *unit, *kind, *direction, *phase;
    const char *indicator_code, *scope_code, *scope_path;
    int has_baseline, has_target;
    double baseline, target;
    const char *baseline_period, *target_period; /* a period, "yearly" or "always" */
    const char *applies_to, *section;
} Target;

/* The status of a target given the figure measured now (pure; see docs/targets.md).
 * today_month is the month index (year*12 + month-1) of today. expected, when not
 * NULL, receives the value the trajectory asks for today. */
TargetStatus target_status(const Target *t, const Figure *actual, int today_month,
                           double *expected);
const char *target_status_name(TargetStatus s); /* "on_track", "at_risk", "off_track", "no_data" */
const char *target_status_label(TargetStatus s); /* message id for T() */

/* Loads targets whose scope is in reach... (all targets when scope_path is NULL).
 * Returns the count (array in a) or -1. */
int targets_load(Db *db, Arena *a, Target **out);
/* Evaluates one target at an organisation (its own scope unless org_id given):
 * reads the indicator's figure for the right period and computes the status. */
TargetStatus target_evaluate(Db *db, Arena *a, const Target *t, int64_t org_id, int today_month,
                             Figure *fig, double *expected);

/* Loads a plan template CSV (the columns of data/plan-targets.csv) as targets
 * scoped at the region root: existing codes are updated, new ones added, all in
 * the caller's transaction, audited as actor. text NULL loads the embedded
 * data/plan-targets.csv. Returns the number of rows, or -1 with err naming the
 * line and column. */
int plan_load(Db *db, const char *actor, const char *text, size_t len, char *err, size_t errlen);
/* `huiju plan load FILE` */
int plan_cli_load(Db *db, const char *path);

void target_api_list(Req *r);
void target_api_create(Req *r);
void target_page_index(Req *r);
void timeline_page(Req *r);

#endif
