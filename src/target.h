/* target.h — capabilities 4 and 15: targets (baseline, target value, deadline per
 * indicator, scope and phase of the plan) with their status, the plan template
 * (data/plan-targets.csv), and the plan's timeline. The status rule is written
 * down in docs/targets.md. */
#ifndef HUIJU_TARGET_H
#define HUIJU_TARGET_H

#include <jansson.h>
#include <stdint.h>

#include "core/status.h"
#include "db/db.h"
#include "http/req.h"
#include "values.h"

/* TargetStatus (STATUS_NO_DATA, STATUS_ON_TRACK, STATUS_AT_RISK, STATUS_OFF_TRACK)
 * and the pure rule live in core/status.h. */

typedef struct Target {
    int64_t id, indicator_id, scope_org_id;
    const char *code, *name_zh, *name_en, *unit, *kind, *direction, *phase;
    const char *indicator_code, *scope_code, *scope_path;
    int has_baseline, has_target;
    double baseline, target;
    const char *baseline_period, *target_period; /* a period, "yearly" or "always" */
    const char *applies_to, *section;
    /* +1 when the target counts the gain of its indicator since the baseline
     * period ("points of increase": current − baseline-period value), -1 when the
     * indicator is better lower (a rank: baseline-period value − current), 0 when
     * the target is the indicator's value itself. */
    int gain;
    int64_t updated_at;
} Target;

/* One target evaluated at one organisation. */
typedef struct TargetEval {
    TargetStatus status;
    int has_actual;
    double actual;      /* the figure compared (for a gain target: the gain) */
    double expected;    /* what the trajectory asks for at `month` (0 without a target) */
    double current;     /* the indicator's figure itself (for a gain target) */
    double base_value;  /* the indicator's figure in the baseline period (gain targets) */
    int has_base_value;
    char period[12];    /* the period whose figure was used ("2026"), "" when none */
    int month;          /* the month index the trajectory was read at */
} TargetEval;

/* The status of a target given the figure measured now (pure; see docs/targets.md).
 * today_month is the month index (year*12 + month-1) of today. expected, when not
 * NULL, receives the value the trajectory asks for today. */
TargetStatus target_status(const Target *t, const Figure *actual, int today_month,
                           double *expected);
const char *target_status_name(TargetStatus s); /* "on_track", "at_risk", "off_track", "no_data" */
const char *target_status_label(TargetStatus s); /* message id for T() */
/* Writes the status as a coloured label with its text (class "status st-on_track"
 * etc.): the colour never carries the meaning alone. */
void target_status_html(Req *r, TargetStatus s);

/* The message id of a phase ("Base period 2024", …) and its years. */
const char *target_phase_label(const char *phase);
/* The phase of a deadline: a year ≤ 2024 base, 2025–2026 deepening, 2027 on
 * consolidation; "yearly"/"always" (or NULL) the phase containing today_month. */
const char *target_phase_of(const char *target_period, int today_month);
/* Today's month index (year*12 + month-1) in Asia/Shanghai. */
int target_today_month(void);

/* Loads every target, ordered by phase then code, into an array in a (strings in
 * a). Returns the count or -1 on a database error. */
int targets_load(Db *db, Arena *a, Target **out);
/* Loads the targets that apply to the organisation with this path: those scoped
 * at it or at one of its ancestors (all targets when scope_path is NULL). Same
 * order and ownership as targets_load(). */
int targets_load_for(Db *db, Arena *a, const char *scope_path, Target **out);
/* Loads one target by code: 1 found, 0 not, -1 error. */
int target_load(Db *db, Arena *a, const char *code, Target *out);

/* Evaluates one target at an organisation (its own scope when org_id is 0):
 * reads the indicator's figure for the period docs/targets.md names (the year
 * of today_month, or the last complete year for a figure that accumulates over
 * the year) and applies the status rule. fig and expected may be NULL; fig
 * receives the indicator's figure with fig->value set to the value compared
 * (the gain, for a gain target). STATUS_NO_DATA also on a database error. */
TargetStatus target_evaluate(Db *db, Arena *a, const Target *t, int64_t org_id, int today_month,
                             Figure *fig, double *expected);
/* The same with everything the evaluation used. period NULL picks the period as
 * above; a given period (a year, quarter or month) is read instead and the
 * trajectory taken at its last month (not after today). 0, or -1 on a database
 * error (ev->status is then STATUS_NO_DATA). */
int target_evaluate_full(Db *db, Arena *a, const Target *t, int64_t org_id, int today_month,
                         const char *period, TargetEval *ev);
/* Whether the evaluated figure reaches the target value itself (not just the
 * trajectory): ≥ target for up/min, ≤ target for down/max. 0 without data. */
int target_met(const Target *t, const TargetEval *ev);
/* The milestone state of a target with a dated deadline, for the timeline:
 * "done" (met), "late" (deadline passed, not met) or "upcoming". */
const char *target_milestone(const Target *t, const TargetEval *ev, int today_month);
/* The target as the API shows it (new reference); ev may be NULL (no status). */
json_t *target_json(const Target *t, const TargetEval *ev);
/* The display name in the request's language. */
const char *target_name(Req *r, const Target *t);
/* The caller's top unit for a capability: the organisation of the grant with
 * the shortest path that carries c, or NULL (owned by r). */
const Grant *target_top_grant(Req *r, Cap c);

/* A target as given by a client or a plan template row: strings may be NULL
 * (absent); scope and indicator are codes. */
typedef struct TargetInput {
    const char *code, *name_zh, *name_en, *unit, *kind, *direction, *indicator, *scope, *phase;
    int has_baseline, has_target;
    double baseline, target;
    const char *baseline_period, *target_period, *applies_to, *section;
} TargetInput;

/* Checks the input on its own (no database): NULL when fine, else the message id
 * of the first problem with *field naming the field. Fills in defaults first:
 * kind from the unit, phase from the deadline (today_month), applies_to "region". */
const char *target_check(TargetInput *in, int today_month, const char **field);
/* Inserts (or, when update is set and the code exists, updates) a checked target
 * scoped at scope_org_id, with the indicator id (0 for none), audited as actor
 * (target.create / target.update) inside the caller's transaction. Returns 1
 * written, 0 unchanged, -1 on a database error, -2 when the code exists and
 * update is 0. */
int target_save(Db *db, Arena *a, const char *actor, const TargetInput *in, int64_t scope_org_id,
                int64_t indicator_id, int update);

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
