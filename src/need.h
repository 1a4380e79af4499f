/* need.h — capability 5: the needs list (需求清单).
 *
 * A need belongs to one recipient school and one year. It is filed by a person
 * (source "filed", status open) or proposed from the school's portrait by a
 * rule of table need_rules (source "derived", status proposed, with the figure
 * that crossed the rule's threshold) for a person to confirm or dismiss.
 * Status flow (need_status_allowed):
 *     proposed → open | dismissed
 *     open → matched | closed,  matched → in_progress | open | closed,
 *     in_progress → met | closed;  met, closed, dismissed are final.
 * Every change is audited with before and after in its own transaction. A need
 * is visible to data.read reaching its school and changed by need.write there;
 * one out of reach answers 404, exactly like a missing one.
 *
 * Files: need.c (model, validation, API), need_derive.c (rules, derivation,
 * `huiju needs derive`), need_page.c (pages and the summary). */
#ifndef HUIJU_NEED_H
#define HUIJU_NEED_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"

typedef struct Need {
    int64_t id, school_id;
    const char *school_code, *school_name, *school_name_en, *school_path;
    int year;
    const char *category, *subject, *unit, *wanted_by /* NULL or YYYY-MM-DD */, *description,
        *evidence, *status, *source, *rule_code, *trigger_period, *created_by;
    double quantity, met_quantity;
    int priority;
    int has_trigger;
    double trigger_value;
    int64_t created_at, updated_at;
} Need;

/* ---- pure logic (tests/unit/test_need.c) ---- */

/* The need categories and statuses, NULL-terminated, in display order. */
extern const char *const need_categories[];
extern const char *const need_statuses[];
/* Whether s is one of them. */
int need_category_ok(const char *s);
int need_status_ok(const char *s);
/* Whether a need may go from status `from` to `to` (both valid names). */
int need_status_allowed(const char *from, const char *to);
/* The statuses reachable from `from`, written into out (at most max, in the
 * order of need_statuses); returns how many. Static strings. */
int need_next_statuses(const char *from, const char **out, int max);
/* Whether s is a real calendar date written YYYY-MM-DD (years 2000–2100). */
int need_date_ok(const char *s);
/* A category's / a status's name in the request's language (static text). */
const char *need_category_label(Req *r, const char *category);
const char *need_status_label(Req *r, const char *status);

/* ---- the store ---- */

/* Loads need `id` with its school (strings in arena a). 1 found, 0 not, -1 error. */
int need_load(Db *db, Arena *a, int64_t id, Need *out);
/* The need as the API shows it (new reference), with `next` = its next statuses. */
json_t *need_json(const Need *n);

/* What a create or a patch carries: the has_ flags say which fields were given. */
typedef struct NeedInput {
    const char *school, *category, *subject, *unit, *wanted_by, *description, *evidence, *status;
    const char *quantity_text, *priority_text, *year_text; /* as typed in a form */
    double quantity;
    int64_t priority, year;
    int has_category, has_subject, has_unit, has_wanted_by, has_description, has_evidence,
        has_status, has_quantity, has_priority, has_year;
    const char *bad_field, *why; /* the first problem found */
} NeedInput;

typedef enum {
    NEED_OK,
    NEED_INVALID,   /* 422: in->bad_field and in->why say what */
    NEED_NOT_FOUND, /* 404: missing or out of reach */
    NEED_FORBIDDEN, /* 403 */
    NEED_CONFLICT,  /* 409: an illegal status change (allowed statuses in the message) */
    NEED_ERROR      /* database error or busy */
} NeedResult;

/* Files a need from `in` for the caller (need.write reaching a recipient
 * school); audited. On NEED_OK *out is the new need. */
NeedResult need_create(Req *r, NeedInput *in, Need *out);
/* Applies the given fields and/or status to need `id`; audited with before and
 * after. On NEED_CONFLICT *why names the allowed statuses (arena text). */
NeedResult need_update(Req *r, int64_t id, NeedInput *in, Need *out, const char **why);
/* Parses a need id from a path parameter; 0 when it is not a positive integer. */
int64_t need_id_param(Req *r);

/* ---- derived needs (need_derive.c) ---- */

/* Adds the standard rules (arts_teacher_gap above 15 % → teachers, …) whose
 * indicator exists and whose code is not there yet. Runs in the caller's
 * transaction; audited as actor. Returns the number added, or -1 with err set. */
int need_rules_load_standard(Db *db, const char *actor, char *err, size_t errlen);

typedef struct NeedDeriveCounts {
    int64_t schools, rules, proposed, existing, no_data, not_crossed;
} NeedDeriveCounts;

/* Evaluates every active rule for every active recipient school under the
 * organisation with path scope_path, for year `year`, and proposes a need where
 * the threshold is crossed and no need of that rule exists for the school and
 * year. Runs in the caller's transaction; each new need is audited as actor.
 * 0 with *c filled, or -1 with err set. */
int need_derive(Db *db, Arena *a, const char *actor, const char *scope_path, int year,
                NeedDeriveCounts *c, char *err, size_t errlen);

/* `huiju needs derive --org CODE --year Y`: prints the counts. Exit status. */
int need_cli_derive(Db *db, const char *org, const char *year);

/* The demo's needs: the standard rules, the derived needs of `year` for the
 * whole region and a handful of filed needs for 6531210001 and 6532210001.
 * Its own transaction. 0, or 1 with err set. */
int need_demo_load(Db *db, int year, char *err, size_t errlen);

/* ---- handlers ---- */

void need_api_list(Req *r);     /* GET /api/v1/needs */
void need_api_create(Req *r);   /* POST /api/v1/needs */
void need_api_get(Req *r);      /* GET /api/v1/needs/{id} */
void need_api_patch(Req *r);    /* PATCH /api/v1/needs/{id} */
void need_api_derive(Req *r);   /* POST /api/v1/needs/derive?org=&year= */
void need_page_index(Req *r);   /* GET /needs */
void need_page_new(Req *r);     /* GET /needs/new?school= */
void need_page_create(Req *r);  /* POST /needs */
void need_page_show(Req *r);    /* GET /needs/{id} */
void need_page_status(Req *r);  /* POST /needs/{id}/status */
void need_page_summary(Req *r); /* GET /needs/summary?org=&year= */

/* Internal to the need_*.c files: the list filter, checked. */
typedef struct NeedFilter {
    const char *org_path; /* subtree, or NULL */
    int64_t school_id;    /* 0: any */
    const char *category, *status;
    int64_t year;      /* 0: any */
    int64_t before_id; /* cursor: ids below it; 0 none */
    int64_t limit;
} NeedFilter;
/* Runs the scoped list query (newest first, limit+1 rows); NULL on error.
 * Read rows with need_row(). */
DbStmt *need_list_query(Req *r, const NeedFilter *f);
void need_row(DbStmt *s, Arena *a, Need *n);
/* Reads and checks the filter from the query (school, org, category, status,
 * year, limit, cursor). 1, or 0 with a 400 or a 404 (org out of reach) sent. */
int need_filter_from_query(Req *r, NeedFilter *f, int64_t default_limit);
/* The current year in Asia/Shanghai. */
int need_this_year(void);

#endif
