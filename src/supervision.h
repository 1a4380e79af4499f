/* supervision.h — capability 8 (督导, 约谈整改): supervision visits and
 * rectification orders.
 *
 * A supervisor (supervision.write reaching the unit) records a visit to a unit
 * (any organisation) and optionally to a project there (one whose lead or a
 * recipient school lies in the unit's subtree, visible to the supervisor):
 * date (not in the future), findings, rating (excellent, good, fair, poor). A
 * visit may carry rectification orders to that unit: a demand and a deadline
 * not before the visit. Order states (rectification_allowed):
 *     open → answered      the unit answers what it changed (data.write
 *                          reaching the unit: its leader or liaison, or an
 *                          official above)
 *     answered → closed    the supervisor accepts the answer
 *     answered → open      the supervisor reopens it with a new deadline
 *     closed is final. Any other move answers 409 naming the allowed ones.
 * An order is overdue when it is open and its deadline is before today
 * (Asia/Shanghai); overdue orders are listed up the tree, with counts by the
 * unit below. Visits and orders are visible to data.read reaching the unit;
 * one out of reach answers 404. Every write is audited in its transaction.
 *
 * Files: supervision.c (rules, store, writes, lists), supervision_api.c (JSON
 * API), supervision_page.c (pages), coop_demo.c (the demo). */
#ifndef HUIJU_SUPERVISION_H
#define HUIJU_SUPERVISION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"
#include "org.h"

/* An SQL condition true when the rectification with alias `x` is overdue.
 * Binds today as YYYY-MM-DD (s). */
#define RECTIFICATION_OVERDUE_SQL(x) "(" x ".status = 'open' AND " x ".deadline < ?)"

typedef struct Rectification {
    int64_t id, supervision_id, org_id;
    const char *org_code, *org_name_zh, *org_name_en, *org_path;
    const char *demand, *deadline, *status, *response, *responded_by, *closed_by, *created_by;
    int64_t responded_at, closed_at, created_at;
    int overdue; /* as of today */
} Rectification;

typedef struct Supervision {
    int64_t id, org_id, project_id; /* project_id 0: none */
    const char *org_code, *org_name_zh, *org_name_en, *org_path, *org_kind;
    const char *project_title; /* NULL without a project */
    const char *visited_on, *findings, *rating, *created_by;
    int64_t created_at;
    int norders;
    Rectification *orders;
} Supervision;

/* ---- pure logic ---- */

extern const char *const supervision_ratings[]; /* NULL-terminated */
extern const char *const rectification_statuses[];
int supervision_rating_ok(const char *s);
/* Whether an order may go from status `from` to `to`. */
int rectification_allowed(const char *from, const char *to);
/* The moves from `from` as API action names ("answer", "close", "reopen"),
 * written into out (at most max); returns how many. Static strings. */
int rectification_actions(const char *from, const char **out, int max);
/* Today in Asia/Shanghai as YYYY-MM-DD into out (11 bytes). */
void supervision_today(char out[11]);
const char *supervision_rating_label(Req *r, const char *rating);
const char *rectification_status_label(Req *r, const char *status);

/* ---- the store ---- */

/* Loads visit `id` with its orders (arena a). 1, 0 not found, -1 error. */
int supervision_load(Db *db, Arena *a, int64_t id, Supervision *out);
/* Loads order `id`. 1, 0, -1. */
int rectification_load(Db *db, Arena *a, int64_t id, Rectification *out);
json_t *supervision_json(const Supervision *s);
json_t *rectification_json(const Rectification *x);

/* The outcome of a write: status 0 (and the id) when done; else the HTTP status
 * with code and message (for 422 the message starts with the field; for 409
 * `allowed` lists the actions possible from where the order stands). */
typedef struct SupResult {
    int status;
    const char *code, *message;
    const char *allowed; /* space-separated action names, for 409 */
    int64_t id;
} SupResult;

/* What a new visit carries (form text or JSON strings). */
typedef struct VisitInput {
    const char *org, *project, *visited_on, *findings, *rating;
    int norders;
    struct {
        const char *demand, *deadline;
    } orders[10];
} VisitInput;

/* Records a visit with its orders for the caller. */
void supervision_create(Req *r, const VisitInput *in, SupResult *res);
/* Adds an order to visit `sid`. */
void rectification_create(Req *r, int64_t sid, const char *demand, const char *deadline,
                          SupResult *res);
/* Moves order `id`: action "answer" (text = what changed), "close", or
 * "reopen" (deadline = the new deadline, not before today). */
void rectification_move(Req *r, int64_t id, const char *action, const char *text,
                        const char *deadline, SupResult *res);

/* The order list filter. */
typedef struct RectFilter {
    const char *org_path; /* the unit's subtree, or NULL */
    const char *status;   /* or NULL */
    int overdue;
    int64_t supervision_id, project_id, before_id, limit;
} RectFilter;
/* The scoped order list (newest first, limit+1 rows; read with rect_row). */
DbStmt *rect_list_query(Req *r, const RectFilter *f, const char *today);
void rect_row(DbStmt *s, Arena *a, const char *today, Rectification *x);

/* The visit list filter. */
typedef struct VisitFilter {
    const char *org_path, *rating, *from, *to; /* each NULL: any */
    int64_t project_id, before_id, limit;
} VisitFilter;
/* The scoped visit list (newest first, limit+1 rows; read with visit_row). */
DbStmt *visit_list_query(Req *r, const VisitFilter *f, const char *today);
/* Reads a row of visit_list_query (without its orders) and its order counts. */
void visit_row(DbStmt *s, Arena *a, Supervision *v, int64_t *orders, int64_t *overdue);
/* Reads both filters from the query (org, project, rating, from, to, status,
 * overdue, limit, cursor, ocursor). *unit receives the org given, else the
 * caller's top unit (NULL when none). 1, or 0 with a 400 or 404 sent. */
int supervision_filters(Req *r, VisitFilter *vf, RectFilter *rf, int64_t default_limit, Org *unit,
                        int *have_unit);

/* Counts of the orders matching f (ignoring the cursor) by the unit below
 * `unit_id` containing each (the unit itself counts under its own code).
 * Rows: code, name_zh, name_en, count, ordered by count then code. */
DbStmt *rect_counts_query(Req *r, const RectFilter *f, int64_t unit_id, const char *today);

/* The demo: visits across the prefectures with orders, some open and overdue
 * (one for 6531210001 open and overdue, one answered). Own transaction. 0, or
 * 1 with err set. */
int supervision_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);

/* ---- handlers ---- */

void supervision_api_list(Req *r);      /* GET /api/v1/supervisions */
void supervision_api_create(Req *r);    /* POST /api/v1/supervisions */
void supervision_api_get(Req *r);       /* GET /api/v1/supervisions/{id} */
void supervision_api_order(Req *r);     /* POST /api/v1/supervisions/{id}/orders */
void rectification_api_list(Req *r);    /* GET /api/v1/rectifications */
void rectification_api_answer(Req *r);  /* POST /api/v1/rectifications/{id}/answer */
void rectification_api_close(Req *r);   /* POST /api/v1/rectifications/{id}/close */
void rectification_api_reopen(Req *r);  /* POST /api/v1/rectifications/{id}/reopen */
void supervision_page_index(Req *r);    /* GET /supervisions */
void supervision_page_new(Req *r);      /* GET /supervisions/new?org=&project= */
void supervision_page_create(Req *r);   /* POST /supervisions */
void supervision_page_show(Req *r);     /* GET /supervisions/{id} */
void supervision_page_order(Req *r);    /* POST /supervisions/{id}/orders */
void rectification_page_answer(Req *r); /* POST /rectifications/{id}/answer */
void rectification_page_close(Req *r);  /* POST /rectifications/{id}/close */
void rectification_page_reopen(Req *r); /* POST /rectifications/{id}/reopen */

/* Internal to supervision*.c: a positive id from path parameter "id", or 0. */
int64_t supervision_id_param(Req *r);
/* The caller's top unit for data.read (shortest path), or NULL. */
const char *supervision_top_unit(Req *r);

#endif
