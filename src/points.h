/* points.h — capability 12: service hours, their verification, the points
 * ledger, rewards and redemptions, and the totals by pool and unit (see
 * volunteer.h for the registry).
 *
 * Hours are logged by the volunteer (an approved record of their own) or by an
 * organiser for them: per activity (activities, whose organiser unit is where
 * the service was given) or per service at a unit. They are verified or
 * rejected once — logged → verified | rejected, a conditional UPDATE on the
 * status, so a second decision answers 409 — by the activity's organiser
 * (activity.write reaching its unit) or, without an activity, by volunteer.manage
 * reaching the unit served; never by the volunteer themself, whatever they hold.
 * Verifying adds the hours and round(hours × the pool's points_per_hour) points
 * to the volunteer and a ledger row in the same transaction, and recomputes the
 * unit's volunteer_hours of that month (feed.h).
 *
 * A redemption is one transaction of two conditional UPDATEs — the balance
 * (WHERE points_balance >= cost) and the reward's stock (WHERE stock >= 1) —
 * with a ledger row carrying the balance after; either failing writes nothing
 * and answers 409 with the reason. Two server processes on one PostgreSQL
 * database can therefore never overspend (tests/http/points_concurrency). A
 * reward kept by a unit is open to the volunteers of the pools at that unit
 * and below.
 *
 * Files: points.c (rules, the store, permissions, the writes of hours and
 * redemptions), points_api.c (the JSON API, the writes of rewards, the totals);
 * their pages are in points_page.c (hours awaiting verification, rewards),
 * volunteer_page.c (totals, Excel) and volunteer_mobile.c (the volunteer's
 * phone). */
#ifndef HUIJU_POINTS_H
#define HUIJU_POINTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"
#include "org.h"
#include "volunteer.h"

/* How far back hours may be logged, in days. */
#define POINTS_MAX_DAYS_BACK 90

typedef struct ServiceHours {
    int64_t id, volunteer_id, volunteer_user_id /* 0: none */, activity_id /* 0: none */, org_id,
        verified_at, created_at;
    const char *volunteer_name, *pool_code, *pool_path /* the pool unit's path */, *org_code,
        *org_path, *org_name_zh, *org_name_en, *activity_title /* or NULL */,
        *activity_org_path /* or NULL */, *served_on, *description, *status,
        *verified_by /* or NULL */, *created_by;
    double hours, points_per_hour;
    int64_t points; /* the points credited when verified, else -1 */
} ServiceHours;

typedef struct Reward {
    int64_t id, org_id, points_cost, stock, created_at;
    const char *org_code, *org_path, *org_name_zh, *org_name_en, *kind, *name_zh, *name_en,
        *created_by;
    int active;
} Reward;

/* ---- pure logic (tests/unit/test_points.c) ---- */

/* round(hours × points_per_hour), halves away from zero, for hours of at most
 * one decimal (computed on tenths, so 0.3 h × 5 is 2 points, not 1). */
int64_t points_for_hours(double hours, double points_per_hour);
/* 0 < h <= 24 with at most one decimal. */
int points_hours_ok(double h);
/* Parses hours as typed ("2", "2.5", "2.50" is refused): 1 and *out, else 0. */
int points_hours_parse(const char *text, double *out);
/* Days since 1970-01-01 of a real date YYYY-MM-DD (2000–2100), or -1. */
int64_t points_day(const char *ymd);
/* The date of a day number as YYYY-MM-DD into out (11 bytes). */
void points_day_text(int64_t day, char out[11]);
/* Today's day number in Asia/Shanghai. */
int64_t points_today(void);
/* 0 when ymd may be a service date on day `today`; 1 not a date, 2 in the future,
 * 3 more than POINTS_MAX_DAYS_BACK days back. */
int points_served_on_check(const char *ymd, int64_t today);
/* The kinds of reward, NULL-terminated. */
extern const char *const reward_kinds[];
const char *reward_kind_label(Req *r, const char *kind);
const char *hours_status_label(Req *r, const char *status);

/* ---- the store, without request or permission (tests/unit/test_points.c) ---- */

typedef enum {
    PT_OK,
    PT_NOT_FOUND,
    PT_CONFLICT,  /* the hours are not logged any more: status holds what they are */
    PT_NO_POINTS, /* balance below the cost: balance and cost hold both */
    PT_NO_STOCK,  /* the reward is out of stock or withdrawn */
    PT_CHANGED,   /* the reward's cost changed meanwhile */
    PT_ERROR      /* database error, or still busy after retries */
} PtResult;

typedef struct PtOutcome {
    int64_t points, balance, cost, redemption_id, ledger_id;
    char status[16];
    PtResult result; /* what the store call answered (reward_redeem) */
} PtOutcome;

/* Verifies logged hours: status, the volunteer's hours and balance, the ledger,
 * the audit record and the unit's volunteer_hours, in one transaction (retried
 * when busy). */
PtResult points_verify(Db *db, const char *actor, int64_t hours_id, PtOutcome *o);
/* Rejects logged hours (reason into the audit record; may be NULL). */
PtResult points_reject(Db *db, const char *actor, int64_t hours_id, const char *reason,
                       PtOutcome *o);
/* Redeems reward_id for volunteer_id at the reward's current cost. */
PtResult points_redeem(Db *db, const char *actor, int64_t volunteer_id, int64_t reward_id,
                       PtOutcome *o);
/* Recomputes the volunteer_hours of unit org_id for month "YYYY-MM" from its
 * verified hours, inside the caller's transaction. 0, or -1 with err. */
int points_feed_hours(Db *db, const char *actor, int64_t org_id, const char *month, char *err,
                      size_t errlen);

/* ---- loading and showing ---- */

int hours_load(Db *db, Arena *a, int64_t id, ServiceHours *out);
json_t *hours_json(const ServiceHours *h);
/* Whether the caller may see the hours: their own, volunteer.manage reaching the
 * pool or the unit served, activity.write reaching the unit served. */
int hours_can_see(Req *r, const ServiceHours *h);
/* VOL_OK when the caller may verify or reject them, else VOL_FORBIDDEN with *why. */
VolResult hours_may_decide(Req *r, const ServiceHours *h, const char **why);
const char *hours_org_name(Req *r, const ServiceHours *h);

int reward_load(Db *db, Arena *a, int64_t id, Reward *out);
json_t *reward_json(const Reward *w);
const char *reward_name(Req *r, const Reward *w);
/* Whether reward w is open to volunteer v (kept at v's pool unit or above). */
int reward_open_to(const Reward *w, const Volunteer *v);

/* The columns and joins of a ServiceHours row, and the reader of one. */
#define HOURS_COLS                                                                                 \
    "h.id, h.volunteer_id, v.user_id, h.activity_id, h.org_id, h.verified_at, h.created_at,"       \
    " v.name, p.code, po.path, o.code, o.path, o.name_zh, o.name_en, a.title, ao.path,"            \
    " h.served_on, h.description, h.status, h.verified_by, h.created_by, h.hours,"                 \
    " p.points_per_hour, (SELECT l.delta FROM points_ledger l WHERE l.volunteer_id ="              \
    " h.volunteer_id AND l.reason = 'hours' AND l.ref_id = h.id)"
#define HOURS_FROM                                                                                 \
    " FROM service_hours h JOIN volunteers v ON v.id = h.volunteer_id"                             \
    " JOIN volunteer_pools p ON p.id = v.pool_id JOIN orgs po ON po.id = p.org_id"                 \
    " JOIN orgs o ON o.id = h.org_id LEFT JOIN activities a ON a.id = h.activity_id"               \
    " LEFT JOIN orgs ao ON ao.id = a.org_id"
void hours_row(DbStmt *s, Arena *a, ServiceHours *h);
#define REWARD_COLS                                                                                \
    "w.id, w.org_id, w.points_cost, w.stock, w.created_at, o.code, o.path, o.name_zh,"             \
    " o.name_en, w.kind, w.name_zh, w.name_en, w.created_by, w.active"
void reward_row(DbStmt *s, Arena *a, Reward *w);

/* The rewards open to volunteer v (active ones only when active_only), cheapest
 * first; read with reward_row(). NULL on error. */
DbStmt *rewards_open_query(Db *db, const Volunteer *v, int active_only);
/* The newest ledger rows of a volunteer (id, delta, reason, ref_id,
 * balance_after, created_by, created_at), ids below before_id when it is not 0. */
DbStmt *ledger_query(Db *db, int64_t volunteer_id, int64_t before_id, int64_t limit);
const char *ledger_reason_label(Req *r, const char *reason);

/* ---- writes with permission ---- */

typedef struct HoursInput {
    const char *org, *served_on, *description, *hours_text;
    double hours;
    int64_t volunteer, activity; /* 0: not given */
    int has_hours;
    const char *bad_field, *why;
} HoursInput;

/* Logs hours for the caller's own record (in->volunteer 0) or, as an organiser,
 * for another's. *why on 403/409. */
VolResult hours_log(Req *r, HoursInput *in, ServiceHours *out, const char **why);
/* Verifies (verify 1) or rejects hours id; *o gets the points and balance. */
VolResult hours_decide(Req *r, int64_t id, int verify, const char *reason, ServiceHours *out,
                       PtOutcome *o, const char **why);
/* Redeems reward_id for the caller's own approved record; *why on 404/409. */
VolResult reward_redeem(Req *r, int64_t reward_id, PtOutcome *o, const char **why);

typedef struct RewardInput {
    const char *org, *kind, *name_zh, *name_en, *cost_text, *stock_text;
    int64_t points_cost, stock;
    int active;
    int has_kind, has_name_zh, has_name_en, has_cost, has_stock, has_active;
    const char *bad_field, *why;
} RewardInput;

VolResult reward_create(Req *r, RewardInput *in, Reward *out);
/* Changes a reward; a stock change is refused (409) when redemptions changed the
 * stock meanwhile (the form sends the stock it showed as expected_stock). */
VolResult reward_update(Req *r, int64_t id, RewardInput *in, int64_t expected_stock, Reward *out,
                        const char **why);

/* ---- totals by pool and by unit ---- */

typedef struct PoolTotal {
    Pool pool;
    int64_t approved, pending, points_issued, points_redeemed;
    double hours;
} PoolTotal;

typedef struct UnitTotal {
    const char *code, *kind, *name_zh, *name_en;
    int self; /* the unit itself, not one below it */
    int64_t pools, approved, pending, points_issued, points_redeemed;
    double hours;
} UnitTotal;

typedef struct Summary {
    int year;
    Org unit;
    PoolTotal *pools;
    int npools;
    UnitTotal *units;
    int nunits;
    PoolTotal total;
} Summary;

/* Totals of the pools under unit for a year (hours by service date, points by
 * ledger time in Asia/Shanghai). 0, or -1 on a database error. */
int points_summary(Db *db, Arena *a, const Org *unit, int year, Summary *out);
/* Reads ?org= (default: the caller's first unit with volunteer.manage) and
 * ?year= (default this year). 1, or 0 with a 400/404 sent. */
int points_summary_params(Req *r, Org *unit, int *year);
/* The first and the after-last second of a year in Asia/Shanghai. */
void points_year_bounds(int year, int64_t *from, int64_t *to);

/* ---- handlers ---- */

void hours_api_list(Req *r);        /* GET /api/v1/service-hours */
void hours_api_create(Req *r);      /* POST /api/v1/service-hours */
void hours_api_get(Req *r);         /* GET /api/v1/service-hours/{id} */
void hours_api_verify(Req *r);      /* POST /api/v1/service-hours/{id}/verify */
void hours_api_reject(Req *r);      /* POST /api/v1/service-hours/{id}/reject */
void ledger_api_get(Req *r);        /* GET /api/v1/volunteers/{id}/ledger */
void reward_api_list(Req *r);       /* GET /api/v1/rewards */
void reward_api_create(Req *r);     /* POST /api/v1/rewards */
void reward_api_patch(Req *r);      /* PATCH /api/v1/rewards/{id} */
void redemption_api_create(Req *r); /* POST /api/v1/redemptions */
void summary_api_get(Req *r);       /* GET /api/v1/volunteers/summary */

void hours_page_index(Req *r);   /* GET /service-hours */
void hours_page_verify(Req *r);  /* POST /service-hours/{id}/verify */
void hours_page_reject(Req *r);  /* POST /service-hours/{id}/reject */
void reward_page_index(Req *r);  /* GET /rewards */
void reward_page_create(Req *r); /* POST /rewards */
void reward_page_update(Req *r); /* POST /rewards/{id} */

#endif
