/* match.h — capability 7: matching resources to needs (资源匹配).
 *
 * A match run, for a scope (a unit of the tree) and a year, loads the open needs
 * of the recipient schools in the scope (status open or matched, at least one
 * whole unit still wanted) and the active resources with at least one whole unit
 * left whose reach holds the scope, an ancestor of it or a unit inside it; solves
 * the assignment exactly (core/match.h: min-cost flow, and greedy for comparison;
 * amounts are whole units, fractions rounded down); and stores, in one
 * transaction with one audit record, the run (what it saw, its parameters, both
 * objectives) and its proposals (status proposed, score and its parts).
 *
 * A person with match.run reaching the scope then decides each proposal once:
 * accept (the resource's capacity is consumed with resource_consume(), the need's
 * met quantity rises and an open need becomes matched, a supplies row records
 * who supplies whom — all in one transaction with its audit record), reject, or
 * override (the same as accept, with another resource or quantity). Not enough
 * capacity or need left, or a proposal already decided → conflict (409), nothing
 * written. A run is visible to data.read reaching its scope; one outside reach
 * answers 404 like a missing one. */
#ifndef HUIJU_MATCH_H
#define HUIJU_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"
#include "org.h"

/* Runs the matcher for scope and year as actor (today = days since 1970 in
 * China time; 0 for the current day) and stores the run. 0 and *run_id on
 * success; -1 with err filled on a database error (nothing written). */
int match_run_create(Db *db, const char *actor, const Org *scope, int year, int32_t today,
                     int64_t *run_id, char *err, size_t errlen);

typedef enum {
    MATCH_OK = 0,
    MATCH_NOT_FOUND, /* no such proposal in that run */
    MATCH_INVALID,   /* 422: why says what */
    MATCH_CONFLICT,  /* 409: why says what */
    MATCH_ERROR,     /* database error */
} MatchStatus;

/* Decides proposal pid of run run_id: action "accept", "reject" or "override"
 * (then resource and quantity say what is given instead). One transaction with
 * its audit record. *why is a message id (English, for T()) on INVALID or
 * CONFLICT, the database error on ERROR. */
MatchStatus match_decide(Db *db, const char *actor, int64_t run_id, int64_t pid,
                         const char *action, int64_t resource, double quantity, const char **why);

/* The run as the API shows it, with its proposals and the inputs it saw when
 * asked (new reference;
 * NULL when missing or on error). */
json_t *match_run_json(Db *db, Arena *a, int64_t run_id, int with_proposals);

/* `huiju match --scope CODE --year Y [--accept-all]`: runs, prints the proposals
 * with their scores, accepts them all if asked. Exit status. */
int match_cli(Db *db, const char *scope, const char *year, int accept_all);

/* API */
void match_api_create(Req *r);
void match_api_list(Req *r);
void match_api_get(Req *r);
void match_api_compare(Req *r);
void match_api_accept(Req *r);
void match_api_reject(Req *r);
void match_api_override(Req *r);
/* Pages: GET /match, POST /match (run), POST /match/{id}/decide */
void match_page(Req *r);
void match_page_run(Req *r);
void match_page_decide(Req *r);

#endif
