/* volunteer.h — capability 11: the volunteer registry (志愿者库).
 *
 * A volunteer belongs to one pool — the silver-age retired-teacher pool
 * (银龄教师库), a university student volunteer team, a community team, a parent
 * team — whose organising unit (volunteer_pools.org_id) approves them: whoever
 * holds volunteer.manage reaching that unit. Only what the work needs is kept:
 * a name, an optional mainland mobile number, affiliation, skills,
 * availability, and when and to which text the person consented.
 *
 * People come in three ways:
 *   - self sign-up on the public page /volunteers/signup: a pending record and
 *     an inactive account (users.active = 0) with the login they chose;
 *   - a logged-in person applies to a pool with their own account;
 *   - an organiser registers someone without an account (approved at once).
 * Status flow (volunteer_status_allowed):
 *     pending → approved | rejected | left,   approved → left;
 *     rejected and left are final for the record until the person applies again
 *     (which moves the record to the new pool, pending).
 * Approval activates the account and grants the volunteer role at the pool's
 * unit; leaving removes that grant. Nobody decides their own application.
 * Every change is audited in its own transaction, and the unit's figures
 * volunteers_registered, community_volunteers and student_volunteers_deployed
 * (feed.h) are recomputed in the same transaction.
 *
 * A record is visible to its own person and to volunteer.manage reaching the
 * pool's unit; one out of reach answers 404, exactly like a missing one.
 *
 * Files: volunteer.c (model, validation, sign-up, approval), volunteer_api.c
 * (the JSON API of pools and volunteers), volunteer_signup.c (the sign-up and
 * application pages), points.c and points_api.c (service hours, verification,
 * the points ledger, rewards, redemptions, totals; points.h), volunteer_page.c
 * and points_page.c (organisers' pages, Excel), volunteer_mobile.c (the
 * volunteer's phone pages),
 * volunteer_demo.c (the demo's pools, people, hours and rewards). */
#ifndef HUIJU_VOLUNTEER_H
#define HUIJU_VOLUNTEER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"

/* The version of the consent text people agree to (stored with each record). */
#define VOLUNTEER_CONSENT_VERSION "2026-01"
/* Sign-ups accepted from one client address per 15 minutes. */
#define VOLUNTEER_SIGNUP_LIMIT 10

typedef struct Pool {
    int64_t id, org_id;
    const char *code, *kind, *name_zh, *name_en;
    const char *org_code, *org_path, *org_name_zh, *org_name_en;
    double points_per_hour;
    int active;
    int64_t created_at;
} Pool;

typedef struct Volunteer {
    int64_t id, user_id; /* user_id 0: no account */
    const char *login;   /* the account's login, or NULL */
    const char *name, *phone, *affiliation, *skills, *availability, *status, *consent_version,
        *decided_by /* or NULL */;
    int64_t consent_at, decided_at, created_at, updated_at, points_balance;
    double hours_verified;
    Pool pool;
} Volunteer;

/* Results shared by volunteer.c and points.c. */
typedef enum {
    VOL_OK,
    VOL_INVALID,   /* 422: bad_field and why say what */
    VOL_NOT_FOUND, /* 404: missing or out of reach */
    VOL_FORBIDDEN, /* 403 (why may say more) */
    VOL_CONFLICT,  /* 409: why says what is allowed */
    VOL_THROTTLED, /* 429 */
    VOL_ERROR      /* database error or busy: 503 */
} VolResult;

/* ---- pure logic (tests/unit/test_points.c) ---- */

/* The pool kinds and volunteer statuses, NULL-terminated, in display order. */
extern const char *const volunteer_pool_kinds[];
extern const char *const volunteer_statuses[];
int volunteer_pool_kind_ok(const char *s);
int volunteer_status_ok(const char *s);
/* Whether a record may go from status `from` to `to`. */
int volunteer_status_allowed(const char *from, const char *to);
/* "approved, rejected, left" — the statuses reachable from `from` (static text),
 * or "" when none. */
const char *volunteer_next_text(const char *from);
/* An 11-digit mainland mobile number (1[3-9] and nine digits), or "". */
int volunteer_phone_ok(const char *s);
/* A sign-up password: 10 to 128 bytes of valid text. */
int volunteer_password_ok(const char *s);
/* Labels in the request's language (static text). */
const char *volunteer_kind_label(Req *r, const char *kind);
const char *volunteer_status_label(Req *r, const char *status);

/* ---- the store ---- */

/* Loads a pool by id; 1 found, 0 not, -1 error (strings in a). */
int pool_load(Db *db, Arena *a, int64_t id, Pool *out);
/* Loads a pool given as its id ("12") or its code. 1, 0 or -1. */
int pool_find(Db *db, Arena *a, const char *id_or_code, Pool *out);
json_t *pool_json(const Pool *p);
const char *pool_name(Req *r, const Pool *p);
const char *pool_org_name(Req *r, const Pool *p);

/* The columns and joins of a pool row and of a volunteer row (with its pool). */
#define POOL_COLS                                                                                  \
    "p.id, p.code, p.kind, p.name_zh, p.name_en, p.points_per_hour, p.active, p.org_id, o.code,"   \
    " o.path, o.name_zh, o.name_en, p.created_at"
#define VOLUNTEER_COLS                                                                             \
    "v.id, v.user_id, v.name, v.phone, v.affiliation, v.skills, v.availability, v.status,"         \
    " v.consent_at, v.consent_version, v.points_balance, v.hours_verified, v.decided_by,"          \
    " v.decided_at, v.created_at, v.updated_at, u.login, " POOL_COLS
#define VOLUNTEER_FROM                                                                             \
    " FROM volunteers v JOIN volunteer_pools p ON p.id = v.pool_id"                                \
    " JOIN orgs o ON o.id = p.org_id LEFT JOIN users u ON u.id = v.user_id"
/* Reads a row of POOL_COLS starting at column c / of VOLUNTEER_COLS. */
void pool_row(DbStmt *s, int c, Arena *a, Pool *p);
void volunteer_row(DbStmt *s, Arena *a, Volunteer *v);

/* Loads volunteer `id` with its pool; 1, 0 or -1. */
int volunteer_load(Db *db, Arena *a, int64_t id, Volunteer *out);
/* Loads the record of the person with this account; 1, 0 or -1. */
int volunteer_load_user(Db *db, Arena *a, int64_t user_id, Volunteer *out);
json_t *volunteer_json(const Volunteer *v);
/* Whether the caller is the volunteer / may see the record / manages its pool. */
int volunteer_is_own(Req *r, const Volunteer *v);
int volunteer_can_see(Req *r, const Volunteer *v);
int volunteer_can_manage(Req *r, const Volunteer *v);

/* Recomputes volunteers_registered, community_volunteers and
 * student_volunteers_deployed of the unit org_id for `year` from the approved
 * records of its pools, inside the caller's transaction. 0, or -1 with err. */
int volunteer_feed_unit(Db *db, const char *actor, int64_t org_id, int year, char *err,
                        size_t errlen);
/* The current year in Asia/Shanghai. */
int volunteer_this_year(void);

/* What a sign-up, an application or a change carries; has_ flags say which
 * fields were given. */
typedef struct VolInput {
    const char *pool, *name, *phone, *affiliation, *skills, *availability, *login, *password;
    int consent; /* ticked / true */
    int has_name, has_phone, has_affiliation, has_skills, has_availability;
    const char *bad_field, *why; /* the first problem found */
} VolInput;

/* The public sign-up: a new inactive account and a pending record (throttled
 * per client address). On VOL_OK *out is the record. */
VolResult volunteer_signup(Req *r, VolInput *in, Volunteer *out);
/* A logged-in person applies to a pool with their own account (self), or an
 * organiser registers a person without one (approved at once). *why on 403/409. */
VolResult volunteer_apply(Req *r, VolInput *in, int self, Volunteer *out, const char **why);
/* Moves record id to status `to` (approved, rejected, left), audited; reason is
 * kept in the audit record (may be NULL). *why names the allowed moves on 409. */
VolResult volunteer_decide(Req *r, int64_t id, const char *to, const char *reason, Volunteer *out,
                           const char **why);
/* Changes the given contact fields of record id (its person or an organiser). */
VolResult volunteer_update(Req *r, int64_t id, VolInput *in, Volunteer *out);
/* The list filter of GET /api/v1/volunteers and /volunteers. */
typedef struct VolFilter {
    int64_t pool_id;                   /* 0: any */
    const char *status, *org_path, *q; /* NULL: any */
    int64_t before_id, limit;
} VolFilter;
/* Reads pool, status, org, q, limit and cursor from the query. 1, or 0 with a 400
 * or a 404 (pool or org out of reach) sent. */
int volunteer_filter_from_query(Req *r, VolFilter *f, int64_t default_limit);
/* The records in the caller's volunteer.manage reach, newest first (limit+1
 * rows, read with volunteer_row()). NULL on error. */
DbStmt *volunteer_list_query(Req *r, const VolFilter *f);

/* A positive id from path parameter `name`, or 0. */
int64_t volunteer_id_param(Req *r, const char *name);
/* Sends the error answer of a result (API). */
void volunteer_send_result(Req *r, VolResult res, const char *bad_field, const char *why);

/* The demo's pools, volunteers, hours, points and rewards (volunteer_demo.c):
 * about 2,000 volunteers at full scale (1,200 schools), at least 200, with a
 * year of verified hours near 500,000 at full scale. Its own transaction. 0, or 1
 * with err set. */
int volunteer_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);

/* ---- handlers ---- */

void pool_api_list(Req *r);           /* GET /api/v1/volunteer-pools */
void pool_api_create(Req *r);         /* POST /api/v1/volunteer-pools */
void pool_api_patch(Req *r);          /* PATCH /api/v1/volunteer-pools/{id} */
void volunteer_api_list(Req *r);      /* GET /api/v1/volunteers */
void volunteer_api_create(Req *r);    /* POST /api/v1/volunteers */
void volunteer_api_me(Req *r);        /* GET /api/v1/volunteers/me */
void volunteer_api_get(Req *r);       /* GET /api/v1/volunteers/{id} */
void volunteer_api_patch(Req *r);     /* PATCH /api/v1/volunteers/{id} */
void volunteer_api_approve(Req *r);   /* POST /api/v1/volunteers/{id}/approve */
void volunteer_api_reject(Req *r);    /* POST /api/v1/volunteers/{id}/reject */
void volunteer_api_leave(Req *r);     /* POST /api/v1/volunteers/{id}/leave */
void volunteer_signup_page(Req *r);   /* GET /volunteers/signup */
void volunteer_signup_submit(Req *r); /* POST /volunteers/signup (public) */
void volunteer_apply_submit(Req *r);  /* POST /volunteers/apply (logged in) */

void volunteer_page_index(Req *r);   /* GET /volunteers */
void volunteer_page_show(Req *r);    /* GET /volunteers/{id} */
void volunteer_page_approve(Req *r); /* POST /volunteers/{id}/approve */
void volunteer_page_reject(Req *r);  /* POST /volunteers/{id}/reject */
void volunteer_page_leave(Req *r);   /* POST /volunteers/{id}/leave */
void volunteer_page_pool(Req *r);    /* POST /volunteers/pools */
void volunteer_hours_xlsx(Req *r);   /* GET /volunteers/hours.xlsx */
void volunteer_points_xlsx(Req *r);  /* GET /volunteers/points.xlsx */

void volunteer_m_hours(Req *r);        /* GET /m/hours */
void volunteer_m_hours_submit(Req *r); /* POST /m/hours */
void volunteer_m_points(Req *r);       /* GET /m/points */
void volunteer_m_redeem(Req *r);       /* POST /m/points/redeem */

#endif
