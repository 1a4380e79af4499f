/* values.h — capability 4: data values and their exact roll-up up the tree.
 *
 * A value belongs to one organisation, one raw indicator and one period of the
 * indicator's own period type. Every write also adjusts table `rollups`, which
 * holds for each organisation the sum and count of the values of everything
 * below it, so a figure for any unit and period is read from a handful of rows,
 * and a write shows on the very next request.
 *
 * The value of an indicator at an organisation for a period is its own value
 * plus its roll-up. For a period longer than the indicator's own, native periods
 * are combined by the indicator's time rule (sum, or the last one reported);
 * for a shorter one, the containing native period is used. A ratio is the sum of
 * its numerators over the sum of its denominators, times its factor — never an
 * average of percentages. */
#ifndef HUIJU_VALUES_H
#define HUIJU_VALUES_H

#include <stdint.h>

#include "core/period.h"
#include "db/db.h"
#include "http/req.h"
#include "indicator.h"

/* A figure as read: has is 0 when nothing was reported. For a ratio, num and den
 * are the summed parts; n counts the values that contributed. */
typedef struct Figure {
    int has;
    double value, num, den;
    int64_t n;
    char period[12]; /* the native period the figure ends in, for AGG_LAST */
} Figure;

/* Reads the figure of ind at the organisation (id and path) for period p. For a
 * ratio, its parts are loaded by id. 0 on success (has may be 0), -1 on error. */
int value_read(Db *db, Arena *a, const Indicator *ind, int64_t org_id, const Period *p,
               Figure *out);

/* A batch of writes: caches ancestors, accumulates roll-up changes and applies
 * them in vw_finish(). Use inside one transaction:
 *     db_begin(db); ValueWriter *w = vw_new(db, actor);
 *     vw_put(w, ...)...; rc = vw_finish(w); rc == 0 ? db_commit(db) : db_rollback(db);
 * vw_finish() always frees the writer. */
typedef struct ValueWriter ValueWriter;

ValueWriter *vw_new(Db *db, const char *actor);
/* Validates and writes one value (value == NULL deletes it); new values are queued
 * and inserted 200 at a time, so the writes of a batch are complete only after
 * vw_check_ratios(), vw_counts() or vw_finish(). Returns 0, or 1 with
 * a translated reason in err (lang "zh"/"en") when the value is refused — nothing
 * written then — or -1 on a database error. */
int vw_put(ValueWriter *w, const char *lang, int64_t org_id, const char *org_path,
           const Indicator *ind, const char *period, const double *value, char *err,
           size_t errlen);
/* Checks that the parts of every percentage ratio touched by this batch agree
 * (a part never exceeds its whole, e.g. vacant posts ≤ posts needed). 0 when
 * they do, 1 with the first disagreement in err, -1 on a database error. */
int vw_check_ratios(ValueWriter *w, const char *lang, char *err, size_t errlen);
/* Rows written, changed and deleted so far. */
void vw_counts(ValueWriter *w, int64_t *added, int64_t *changed, int64_t *deleted);
/* Applies the roll-up changes and writes one audit record (action, with the
 * counts and, for small batches, every change); frees w. 0 or a DB error code. */
int vw_finish(ValueWriter *w, const char *action, const char *object_key, const char *org_path);
/* Frees w without applying anything (the caller rolls back). */
void vw_abandon(ValueWriter *w);

/* Recomputes every roll-up from the raw values (for `huiju check` and after bulk
 * loads that bypass the writer). 0 or a DB error code. */
int rollups_rebuild(Db *db);

void values_api_put(Req *r);   /* PUT /api/v1/datavalues */
void values_api_get(Req *r);   /* GET /api/v1/values */

#endif
