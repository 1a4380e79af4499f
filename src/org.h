/* org.h — capability 1: the organisation tree (region > prefecture > county >
 * school, and partner organisations), its API, its pages. */
#ifndef HUIJU_ORG_H
#define HUIJU_ORG_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"

typedef struct Org {
    int64_t id, parent_id;
    const char *code, *parent_code, *path, *kind, *partner_kind, *name_zh, *name_en, *stage,
        *address;
    int depth, is_helper, is_recipient, active;
    int64_t children;
} Org;

/* Loads the organisation with this code into *o (strings in arena a).
 * Returns 1 if found, 0 if not, -1 on a database error. */
int org_load(Db *db, Arena *a, const char *code, Org *o);
/* The organisation as the API shows it (new reference). */
json_t *org_json(const Org *o);
/* The display name in the request's language. */
const char *org_name(Req *r, const Org *o);
/* Inserts an organisation under parent (NULL for the region root), computing its
 * path and depth; audited as actor. Inside the caller's transaction. Returns the
 * new id, or 0 on error (*dbrc holds the database code). */
int64_t org_insert(Db *db, const char *actor, const Org *o, const Org *parent, int *dbrc);

void org_api_list(Req *r);
void org_api_get(Req *r);
void org_api_create(Req *r);
void org_api_patch(Req *r);
void org_page_index(Req *r);
void org_page_show(Req *r);
void org_page_new(Req *r);
void org_page_create(Req *r);
void org_page_update(Req *r);

#endif
