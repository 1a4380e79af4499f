/* resource.h — capability 6: the resource library (资源库). What helping schools
 * and partner organisations offer — teacher secondment, course packs, training,
 * equipment, funds, volunteer services — with a capacity, the dates it is
 * available, the places (prefectures, counties or the region) it can reach and
 * its provider. The library is shared: everyone with data.read sees all of it;
 * only resource.write reaching the provider changes a resource.
 *
 * Capacity is consumed by accepted matches (match.c) and by resource packs
 * (pack.c) through resource_consume(), never by a read-modify-write, so that
 * `remaining` never goes below zero however many requests race for it. */
#ifndef HUIJU_RESOURCE_H
#define HUIJU_RESOURCE_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"

/* One resource as stored, with its provider. Strings belong to the arena it was
 * loaded into. attrs is the kind-specific JSON object as text. */
typedef struct Resource {
    int64_t id, provider_id;
    const char *provider_code, *provider_name, *provider_path, *provider_kind;
    const char *kind, *category, *subject, *stage, *title, *description, *unit;
    double capacity, remaining;
    const char *available_from, *available_to; /* YYYY-MM-DD, inclusive */
    const char *attrs;
    int active;
    const char *created_by;
    int64_t created_at, updated_at;
} Resource;

/* Takes qty (> 0) units of resource id's remaining capacity, in one statement:
 *     UPDATE resources SET remaining = remaining - ? WHERE id = ? AND remaining >= ?
 * Returns 1 when consumed, 0 when less than qty is left or the resource does not
 * exist (nothing changed), -1 on a database error (db_errmsg; DB_BUSY on a
 * PostgreSQL deadlock or serialisation failure — retry the transaction).
 * Call it inside the caller's write transaction, which also writes the audit
 * record of the change (this function audits nothing). Under concurrency it is
 * safe on both databases: SQLite's write lock serialises transactions, and on
 * PostgreSQL the UPDATE takes the row lock and re-checks `remaining >= qty` on
 * the newest row version, so two server processes can never overdraw it.
 * Inactivity and dates are not checked here: the caller decides what may be
 * consumed. */
int resource_consume(Db *db, int64_t id, double qty);

/* Gives back qty (> 0) units (an accepted match undone, a pack withdrawn):
 * remaining grows by qty but never past capacity. Same transaction rules as
 * resource_consume(). Returns 1 when the resource exists, 0 when not, -1 on error. */
int resource_release(Db *db, int64_t id, double qty);

/* Loads resource id into *out (strings in arena a). 1 found, 0 not, -1 error. */
int resource_load(Db *db, Arena *a, int64_t id, Resource *out);

/* Whether resource id can reach the organisation with this path ('/650000/653100/
 * 653121/6531210001/'): one of its reach organisations is that one or an
 * ancestor. 1 yes, 0 no, -1 on a database error. */
int resource_reaches(Db *db, int64_t id, const char *org_path);

/* The API view of a resource, with its reach codes (new reference; NULL on a
 * database error). */
json_t *resource_json(Db *db, const Resource *res);

/* The message id naming a resource kind ("Teacher secondment"), for T(). */
const char *resource_kind_label(const char *kind);

/* The demo's library: about 300 resources offered by the helping schools and
 * partner organisations already in the database, across kinds and categories,
 * reaching mostly the four southern prefectures or the whole region, available
 * within the current year. Deterministic for the seed (and the year). One
 * transaction with one audit record. Returns 0, or 1 with a reason in err. */
int resource_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);

/* API: GET/POST /api/v1/resources, GET/PATCH /api/v1/resources/{id}. */
void resource_api_list(Req *r);
void resource_api_create(Req *r);
void resource_api_get(Req *r);
void resource_api_patch(Req *r);
/* Pages: /resources, /resources/new, POST /resources, /resources/{id},
 * POST /resources/{id} (the edit form). */
void resource_page_index(Req *r);
void resource_page_new(Req *r);
void resource_page_create(Req *r);
void resource_page_show(Req *r);
void resource_page_update(Req *r);

#endif
