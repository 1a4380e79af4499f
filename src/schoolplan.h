/* schoolplan.h — capability 5 of issue 4: one school, one plan (一校一策).
 *
 * For one recipient school and one year: the school, its confirmed needs (status
 * open, matched, in progress or met — never proposed, dismissed or closed), the
 * supply accepted for each (table supplies), the resource packs configured for
 * it with their delivery and receipt, the projects that deliver them (none yet:
 * there is no projects table), the gaps still open with their totals by
 * category and unit, and the school's key portrait figures for the year.
 *
 * The same plan is served as JSON, as a phone-first page, as a printable view
 * with a signature block, and as an Excel workbook (one sheet per section).
 * Every route needs data.read reaching the school; a school out of reach answers
 * 404, like one that does not exist or is not a recipient school.
 *
 * schoolplan.c loads the plan and serves the JSON and the lists; schoolplan_page.c
 * writes the page, the print view and the workbook from the same Plan. */
#ifndef HUIJU_SCHOOLPLAN_H
#define HUIJU_SCHOOLPLAN_H

#include <stdint.h>

#include "http/req.h"
#include "indicator.h"
#include "org.h"
#include "values.h"

void plan_api_get(Req *r);   /* GET /api/v1/plans/{school}/{year} */
void plan_api_list(Req *r);  /* GET /api/v1/plans?org=&year=&cursor= */
void plan_page(Req *r);      /* GET /plans/{school}/{year} */
void plan_print(Req *r);     /* GET /plans/{school}/{year}/print */
void plan_xlsx(Req *r);      /* GET /plans/{school}/{year}.xlsx */
void plan_page_list(Req *r); /* GET /plans?org=&year=&cursor= */

/* ---- the model, shared by schoolplan.c and schoolplan_page.c ------------------ */

/* One confirmed need. open = quantity − met_quantity, 0 for a need that is met
 * or more than covered: a need marked met has no gap left. */
typedef struct PlanNeed {
    int64_t id;
    const char *category, *subject, *unit, *wanted_by, *description, *status, *source;
    double quantity, met, open;
    int priority;
} PlanNeed;

/* One supply row: a resource of a provider given to one need. */
typedef struct PlanSupply {
    int64_t id, need_id, resource_id, created_at;
    const char *title, *kind, *unit, *prov_code, *prov_name;
    double quantity;
} PlanSupply;

/* One pack for the school and year, with its delivery and receipt. */
typedef struct PlanPack {
    int64_t id, delivered_at, received_at; /* 0 when not yet */
    const char *name, *status, *delivered_by, *received_by, *note;
} PlanPack;

/* One item of a pack (need_id 0 when it serves no particular need). */
typedef struct PlanItem {
    int64_t pack_id, need_id, resource_id;
    const char *title, *unit, *prov_code, *prov_name;
    double quantity;
} PlanItem;

/* The open gap of one category in one unit. */
typedef struct PlanTotal {
    const char *category, *unit;
    int64_t needs, open_needs;
    double quantity, met, open;
} PlanTotal;

/* One key portrait figure (found 0 when the indicator is not in the catalogue). */
typedef struct PlanFigure {
    const char *code;
    Indicator ind;
    int found;
    Figure fig;
} PlanFigure;

enum { PLAN_NFIG = 5 };

typedef struct Plan {
    Org school;
    const Org *county, *prefecture; /* NULL when the school lies elsewhere */
    Org anc[6];
    int nanc;
    int year;
    PlanNeed *needs;
    int nneeds;
    PlanSupply *supplies;
    int nsupplies;
    PlanPack *packs;
    int npacks;
    PlanItem *items;
    int nitems;
    PlanTotal *totals;
    int ntotals;
    PlanFigure figs[PLAN_NFIG];
} Plan;

/* Loads the plan named by the path parameters {school} and {year}. 1 when ready;
 * 0 when a response has been sent (400 for a bad year, 404 for a school that is
 * missing, out of reach or no recipient school, 500 on a database error).
 * Everything lives in r's arena. */
int plan_gather(Req *r, Plan *p);

/* Labels (message ids, translate with T) of a need category, a need status, a
 * pack status and a resource kind; the value itself when unknown. */
const char *plan_category_label(const char *c);
const char *plan_status_label(const char *s);
const char *plan_pack_label(const char *s);
const char *plan_kind_label(const char *k);

#endif
