/* indicator.h — capability 4: indicator definitions (raw values and ratios of two
 * other indicators), their catalogue, API and page. The standard catalogue ships
 * in data/indicators.csv (compiled in) and is loaded by `huiju plan load` and
 * `huiju demo`. */
#ifndef HUIJU_INDICATOR_H
#define HUIJU_INDICATOR_H

#include <jansson.h>
#include <stdint.h>

#include "core/period.h"
#include "db/db.h"
#include "http/req.h"

typedef enum { AGG_SUM, AGG_LAST, AGG_NONE } TimeAgg;

typedef struct Indicator {
    int64_t id;
    const char *code, *name_zh, *name_en, *unit, *category, *direction, *kind;
    PeriodKind ptype;  /* the period its values are entered for */
    TimeAgg agg;       /* how its native periods add up to longer ones */
    int64_t num_id, den_id; /* ratio parts (kind "ratio"), else 0 */
    double factor;
    int has_min, has_max, integer_only;
    double min, max;
    int is_ratio;
} Indicator;

/* Loads one indicator by code (strings in a). 1 found, 0 not, -1 error. */
int indicator_load(Db *db, Arena *a, const char *code, Indicator *out);
/* Loads one indicator by id. 1 found, 0 not, -1 error. */
int indicator_load_id(Db *db, Arena *a, int64_t id, Indicator *out);
/* Loads the whole catalogue ordered by category then code into an arena array.
 * Returns the count, or -1 on error. */
int indicators_all(Db *db, Arena *a, Indicator **out);
/* Whether c is a valid indicator code: 2–64 of a-z, 0-9, '_'. */
int indicator_code_ok(const char *c);
/* The display name in the request's language. */
const char *indicator_name(Req *r, const Indicator *ind);
/* The message id of a category ("teachers" → "Teacher structure"). */
const char *category_label(const char *category);
json_t *indicator_json(Db *db, Arena *a, const Indicator *ind);

/* Loads the embedded data/indicators.csv into the database (definitions that
 * already exist by code are left alone). Runs in the caller's transaction;
 * audited as actor. Returns the number added, or -1 with err set. */
int indicators_load_standard(Db *db, const char *actor, char *err, size_t errlen);

void indicator_api_list(Req *r);
void indicator_api_create(Req *r);
void indicator_page_index(Req *r);

#endif
