/* router.h — the route table and the one place where access is decided.
 *
 * Every route names the capability it needs. router_check() refuses to start
 * a server whose table has a route without one, a duplicate, or a bad pattern. */
#ifndef HUIJU_ROUTER_H
#define HUIJU_ROUTER_H

#include <stddef.h>

#include "http/req.h"

typedef void (*Handler)(Req *r);

typedef struct Route {
    const char *method;  /* GET, POST, PUT, PATCH, DELETE */
    const char *pattern; /* literal segments and {name} parameters: /api/v1/orgs/{code} */
    Handler handler;
    Cap cap;             /* what the caller needs; CAP_PUBLIC for anyone */
    const char *summary; /* one line for the OpenAPI document */
    const char *query;   /* comma-separated query parameters it reads, or NULL */
    const char *body;    /* name of its request body schema in openapi.c, or NULL */
    const char *errors;  /* comma-separated error statuses it can answer, e.g. "400,404,422" */
} Route;

/* The table, in routes.c. */
extern const Route routes[];
extern const int n_routes;

/* Validates the table; 0 when fine, otherwise err names the first bad route. */
int router_check(char *err, size_t errlen);
/* Finds the route for method and path and fills r's path parameters.
 * NULL when none; *other_method is set when the path exists for another method. */
const struct Route *router_match(Req *r, const char *method, const char *path, int *other_method);
/* Matches, authenticates, checks capability and CSRF, and runs the handler.
 * Always leaves a response in r. */
void router_dispatch(Req *r);
/* Whether a method changes state (POST, PUT, PATCH, DELETE). */
int method_writes(const char *method);

#endif
