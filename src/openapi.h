/* openapi.h — the OpenAPI 3.1 description of every route, built from the route table. */
#ifndef HUIJU_OPENAPI_H
#define HUIJU_OPENAPI_H

#include <jansson.h>

#include "http/req.h"

/* The whole document (new reference). */
json_t *openapi_document(void);
void openapi_get(Req *r);

#endif
