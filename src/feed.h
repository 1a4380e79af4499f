/* feed.h — figures computed from the programme's records (projects, agreements,
 * media coverage, funds, volunteers, activities, courses, training, teams) and
 * written as indicator values, so that portraits, dashboards and targets read
 * them like any entered value, with the same exact roll-up (values.h).
 *
 * A module recomputes the figures its write changed, inside the write's own
 * transaction, and hands them to one FeedBatch:
 *     FeedBatch *f = feed_begin(db, actor);
 *     feed_put(f, org_id, "projects_running", "2026", 12);   ... more
 *     if (feed_end(f, "feed.projects", key, org_path) != 0) → roll back
 * The value written is the whole figure for that organisation and period (not a
 * delta): recomputing is idempotent. A figure of 0 is written as 0, so that a
 * ratio's denominator is known; pass FEED_DELETE to remove a value. */
#ifndef HUIJU_FEED_H
#define HUIJU_FEED_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

typedef struct FeedBatch FeedBatch;

#define FEED_DELETE (-INFINITY) /* remove the value */

/* A batch writing through a ValueWriter as actor. NULL when out of memory. */
FeedBatch *feed_begin(Db *db, const char *actor);
/* Queues the figure of indicator `code` (a raw indicator of the catalogue) at
 * organisation org_id for period (of the indicator's own period type: "2026",
 * "2026-03"). Indicators and org paths are looked up once per batch. 0, or -1
 * when the indicator or organisation is unknown or the value is refused (the
 * reason is kept for feed_end). */
int feed_put(FeedBatch *f, int64_t org_id, const char *code, const char *period, double value);
/* Applies the batch (roll-ups, one audit record `action` on object_key at
 * org_path, NULL for the root) and frees it. 0, or -1 with the first problem in
 * err (err may be NULL). Always frees f; the caller rolls back on -1. */
int feed_end(FeedBatch *f, const char *action, const char *object_key, const char *org_path,
             char *err, size_t errlen);

#endif
