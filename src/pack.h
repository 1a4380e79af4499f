/* pack.h — capability 6: resource packs (资源包). A named bundle of resources
 * configured for one recipient school and year, each item taking its quantity
 * from the resource's capacity (resource_consume) in the transaction that
 * creates the pack; then its delivery (by a provider of its items) and its
 * receipt (by the school) are recorded, in that order: draft → delivered →
 * received.
 *
 * Who sees a pack: data.read reaching its school, or data.read reaching the
 * provider of one of its items. Who creates one: resource.write held at a
 * region, prefecture or county reaching the school (an official), or
 * resource.write reaching the provider of every item (a helping school's
 * leader bundling its own offers). */
#ifndef HUIJU_PACK_H
#define HUIJU_PACK_H

#include <jansson.h>

#include "http/req.h"

/* API: GET/POST /api/v1/packs, GET /api/v1/packs/{id},
 * POST /api/v1/packs/{id}/deliver, POST /api/v1/packs/{id}/receive. */
void pack_api_list(Req *r);
void pack_api_create(Req *r);
void pack_api_get(Req *r);
void pack_api_deliver(Req *r);
void pack_api_receive(Req *r);
/* Pages: /packs, /packs/{id}, and the deliver/receive buttons (CSRF forms). */
void pack_page_index(Req *r);
void pack_page_show(Req *r);
void pack_page_deliver(Req *r);
void pack_page_receive(Req *r);

/* The outcome of pack_create(): status 0 and the new id when created; otherwise
 * the HTTP status (404 school out of reach, 403, 409 capacity, 422 invalid with
 * the field first in the message, 503), an error code and a translated message,
 * all in the request's arena. Nothing is written unless status is 0. */
typedef struct PackResult {
    int status;
    const char *code, *message;
    int64_t id;
} PackResult;
/* Validates the API body j ({school, year, name, note, items[]}) and creates the
 * pack in one transaction (the same code as POST /api/v1/packs). j stays the
 * caller's. */
void pack_create(Req *r, json_t *j, PackResult *o);
/* Pages in pack_page.c: GET /packs/new?school=&year= (the form listing the
 * school's open and matched needs with the resources that can serve each) and
 * POST /packs (creates through pack_create, then redirects to /packs/{id}). */
void pack_page_new(Req *r);
void pack_page_create(Req *r);

#endif
