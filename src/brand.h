/* brand.h — capability 8 (一校一品): brand projects and media coverage, and the
 * project figures every dashboard reads (project_feed, declared in project.h).
 *
 * Brand: a project is designated a brand at school, prefecture or region level
 * by someone holding project.approve through a grant at an organisation of that
 * kind whose subtree contains the project's lead (school level: the lead
 * school's leader; prefecture: an official of a prefecture above the lead;
 * region: the region's administrator). Changing or removing a level also needs
 * the right for the old level or a higher one (the region may replace a school
 * brand; a school leader never removes a region brand). Only approved, in_progress,
 * completed and accepted projects can be brands (else 409). Audited.
 *
 * Media coverage: outlet, level (school, county, prefecture, region, national),
 * published_on (a date not in the future), url (http or https, may be empty)
 * and title; added and deleted by project.write reaching the project's lead,
 * seen by whoever sees the project. Audited.
 *
 * Figures (feed.h): for a lead organisation and a year, projects_running
 * counts its projects in approved, in_progress, suspended, completed or
 * accepted whose span includes the year; of those, projects_long_term those
 * covered by a long-term agreement (agreement.h), projects_region_media those
 * with region or national coverage, region_brand_projects and
 * school_brand_projects those of that brand level. The ratios
 * long_term_project_share and region_media_share (data/indicators.csv) are
 * computed over them. */
#ifndef HUIJU_BRAND_H
#define HUIJU_BRAND_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "feed.h"
#include "http/req.h"
#include "project.h"

/* The statuses counted as running, as an SQL list. */
#define PROJECT_RUNNING_SQL "('approved','in_progress','suspended','completed','accepted')"

/* ---- pure logic (tests/unit/test_feed_projects.c) ---- */

/* Whether s is a brand level (school, prefecture, region) / a media level. */
int brand_level_ok(const char *s);
int media_level_ok(const char *s);
/* Whether a project in this status can be (or stop being) a brand. */
int brand_status_ok(const char *status);
/* Whether url is empty or an absolute http:// or https:// URL with a host, no
 * spaces or control characters, at most 500 bytes. */
int media_url_ok(const char *url);
/* The years a project from start to end (YYYY-MM-DD) spans, clamped to
 * 2000–2100: *first and *last; 0 when the dates are unusable. */
int project_span_years(const char *start, const char *end, int *first, int *last);

/* ---- figures ---- */

/* Queues the five figures of lead_id for `year` into f (reads the records
 * through db). 0, or -1 (feed_end will say why). */
int project_feed_put(FeedBatch *f, Db *db, int64_t lead_id, int year);
/* Recomputes the figures of every lead and year spanned by the projects with
 * these ids, in one batch inside the caller's transaction. 0, or -1. */
int project_feed_projects(Db *db, const char *actor, const int64_t *ids, int n);
/* Recomputes the figures of every lead and year of every project (the demo;
 * a repair), computed in one pass, inside the caller's transaction. 0, or -1
 * with err set. */
int project_feed_all(Db *db, const char *actor, char *err, size_t errlen);

/* The demo's coverage and brands (after the agreements): media coverage for
 * about a fifth of the running projects, 3–4 region-level and some
 * school-level brands; then the figures of every lead and year. Its own
 * transaction. 0, or 1 with err set. */
int brand_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);

/* ---- writes (brand.c; the API and the pages share them) ---- */

/* The outcome of a write: status 0 (and the new id) when done; else the HTTP
 * status with code and message (for 422 the message starts with `field`). */
typedef struct BrandResult {
    int status;
    const char *code, *message, *field;
    int64_t id;
} BrandResult;

/* Whether the caller may move project p from its brand level to `level` (NULL:
 * none): the right for the old level or a higher one, and for the new one. */
int brand_may_set(Req *r, const Project *p, const char *level);
/* Sets (or, level NULL, removes) p's brand level for the caller; audited, with
 * the figures recomputed. Setting the level it has is no change (status 0). */
void brand_set(Req *r, const Project *p, const char *level, BrandResult *res);

/* A media item as typed (NULL: absent). */
typedef struct MediaInput {
    const char *outlet, *level, *published_on, *url, *title;
} MediaInput;
/* Adds a media item to p (project.write reaching the lead); audited, figures
 * recomputed. res->id is the new item. */
void media_add(Req *r, const Project *p, const MediaInput *in, BrandResult *res);
/* Deletes media item mid of p (404 when it is not p's); audited, figures recomputed. */
void media_remove(Req *r, const Project *p, int64_t mid, BrandResult *res);
/* A media row (id, project_id, outlet, level, published_on, url, title,
 * created_by, created_at) as the API shows it (new reference). */
json_t *media_json(DbStmt *s);
/* A media level's / brand level's name in the request's language (static). */
const char *media_level_label(Req *r, const char *level);
const char *brand_level_label(Req *r, const char *level);

/* ---- handlers ---- */

void brand_api_set(Req *r);     /* POST /api/v1/projects/{id}/brand {level} */
void media_api_list(Req *r);    /* GET /api/v1/projects/{id}/media */
void media_api_create(Req *r);  /* POST /api/v1/projects/{id}/media */
void media_api_delete(Req *r);  /* DELETE /api/v1/projects/{id}/media/{mid} */
void brand_page_index(Req *r);  /* GET /brands */
void brand_page_set(Req *r);    /* POST /projects/{id}/brand (form) */
void media_page_create(Req *r); /* POST /projects/{id}/media (form) */
void media_page_delete(Req *r); /* POST /projects/{id}/media/{mid}/delete (form) */

#endif
