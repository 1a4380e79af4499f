/* agreement.h — capability 8 (校地企社): cooperation agreements between helping
 * schools, local governments, enterprises and community organisations, and the
 * long-term cooperation mechanism of the projects they cover.
 *
 * An agreement has a title, an owner (the unit that keeps it: its scope), two or
 * more parties (an organisation each, with its side — school, government,
 * enterprise, community, social — and what it supplies), a term (end after
 * start), a summary and the projects it covers. A project has a long-term
 * cooperation mechanism when an agreement linked to it runs at least three
 * calendar years: end_date ≥ start_date + 3 years (29 February + 3 years is
 * 1 March), so three years less a day is not long-term.
 *
 * Who sees an agreement: data.read reaching its owner or any of its parties.
 * Who creates and changes one: project.write reaching its owner. A linked
 * project must be visible to the caller (project.h), else 404. Every change is
 * audited in its own transaction, and recomputes the project figures
 * (project_feed) of every project whose link or mechanism it moved.
 *
 * Files: agreement.c (model, rules, API), agreement_page.c (pages), coop_demo.c
 * (the demo). */
#ifndef HUIJU_AGREEMENT_H
#define HUIJU_AGREEMENT_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"

/* An SQL condition true when the agreement with alias `a` runs at least three
 * calendar years (the rule above, on YYYY-MM-DD text). Binds nothing. */
#define AGREEMENT_LONG_TERM_SQL(a)                                                                 \
    "(" a ".end_date >= (CAST(CAST(substr(" a ".start_date, 1, 4) AS INTEGER) + 3 AS TEXT)"        \
    " || substr(" a ".start_date, 5)))"

/* An SQL condition true when the project with id column `col` is covered by a
 * long-term agreement. Binds nothing. */
#define PROJECT_LONG_TERM_SQL(col)                                                                 \
    "EXISTS (SELECT 1 FROM agreement_projects lap JOIN agreements la"                              \
    " ON la.id = lap.agreement_id WHERE lap.project_id = " col                                     \
    " AND " AGREEMENT_LONG_TERM_SQL("la") ")"

enum { AGREEMENT_MAX_PARTIES = 12, AGREEMENT_MAX_PROJECTS = 200 };

typedef struct AgreementParty {
    int64_t org_id;
    const char *code, *name_zh, *name_en, *kind, *path, *side, *supplies;
} AgreementParty;

typedef struct Agreement {
    int64_t id, owner_id;
    const char *title, *owner_code, *owner_name_zh, *owner_name_en, *owner_path, *owner_kind;
    const char *start_date, *end_date, *summary, *created_by;
    int64_t created_at, updated_at;
    int nparties;
    AgreementParty *parties;
    int nprojects;
    int64_t *projects; /* every linked project, visible or not */
} Agreement;

/* ---- pure logic (tests/unit/test_feed_projects.c) ---- */

/* Whether an agreement from start to end (YYYY-MM-DD) runs at least three
 * calendar years (the rule above). */
int agreement_long_term(const char *start, const char *end);
/* The party sides, NULL-terminated, in display order. */
extern const char *const agreement_sides[];
/* Whether side fits an organisation of this kind (and partner kind, or NULL):
 * school ↔ a school; government ↔ a region, prefecture or county, or a partner
 * of kind government; enterprise, community, social ↔ a partner of that kind. */
int agreement_side_fits(const char *side, const char *org_kind, const char *partner_kind);
/* A side's name in the request's language (static text). */
const char *agreement_side_label(Req *r, const char *side);

/* ---- the store ---- */

/* Loads agreement `id` with its parties and linked project ids (arena a).
 * 1 found, 0 not, -1 error. No scope check. */
int agreement_load(Db *db, Arena *a, int64_t id, Agreement *out);
/* Whether the caller may see it: data.read reaching the owner or a party. */
int agreement_visible(Req *r, const Agreement *ag);
/* The agreement as the API shows it (new reference): its fields, long_term,
 * parties, and the linked projects the caller can see (projects_hidden counts
 * the others). */
json_t *agreement_json(Req *r, const Agreement *ag);

/* What a create or a change carries; has_ flags say which fields were given.
 * projects replaces the visible links; link and unlink add and remove some. */
typedef struct AgreementInput {
    const char *title, *owner, *start_date, *end_date, *summary;
    int has_title, has_start, has_end, has_summary, has_parties, has_projects;
    int nparties;
    struct {
        const char *org, *side, *supplies;
    } parties[AGREEMENT_MAX_PARTIES];
    int nprojects, nlink, nunlink;
    int64_t projects[AGREEMENT_MAX_PROJECTS], link[AGREEMENT_MAX_PROJECTS],
        unlink[AGREEMENT_MAX_PROJECTS];
    const char *bad_field, *why; /* the first problem found (422) */
} AgreementInput;

/* The outcome of agreement_save(): status 0 (and the id) when saved; else the
 * HTTP status (400, 403, 404, 409, 422, 503) with code and message (arena text;
 * for 422 the message starts with the field). Nothing is written unless 0. */
typedef struct AgreementResult {
    int status;
    const char *code, *message;
    int64_t id;
} AgreementResult;

/* Creates (id 0) or changes agreement `id` from `in` for the caller, audited,
 * with the project figures recomputed. */
void agreement_save(Req *r, int64_t id, AgreementInput *in, AgreementResult *res);

/* The list filter: the owner or a party under org_path, a party org, a project,
 * long-term or not. */
typedef struct AgreementFilter {
    const char *org_path;
    int64_t party_id, project_id; /* 0: any; party -1: none (unknown code) */
    int long_term;                /* -1 any, 0 no, 1 yes */
    int64_t before_id, limit;
} AgreementFilter;
/* Reads the filter from the query (org, party, project, long_term, limit,
 * cursor). 1, or 0 with a 400 or a 404 sent. */
int agreement_filter_from_query(Req *r, AgreementFilter *f, int64_t default_limit);
/* The scoped list, newest first, at most limit+1 rows; NULL on error. Columns:
 * id, title, owner code, owner name_zh, owner name_en, start, end, long-term
 * (0/1), number of parties, number of linked projects. */
DbStmt *agreement_list_query(Req *r, const AgreementFilter *f);

/* The demo's agreements (after project_demo_load): between helping schools,
 * counties and prefectures, enterprises and community partners, covering
 * about 40 % of the running projects, most of them for three years or more.
 * Inside its own transaction. 0, or 1 with err set. */
int agreement_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);

/* ---- handlers ---- */

void agreement_api_list(Req *r);    /* GET /api/v1/agreements */
void agreement_api_create(Req *r);  /* POST /api/v1/agreements */
void agreement_api_get(Req *r);     /* GET /api/v1/agreements/{id} */
void agreement_api_patch(Req *r);   /* PATCH /api/v1/agreements/{id} */
void agreement_page_index(Req *r);  /* GET /agreements */
void agreement_page_new(Req *r);    /* GET /agreements/new?owner=&project= */
void agreement_page_create(Req *r); /* POST /agreements */
void agreement_page_show(Req *r);   /* GET /agreements/{id} */
void agreement_page_update(Req *r); /* POST /agreements/{id}: action edit, link, unlink */

/* Internal to agreement*.c: parses a positive id from path parameter "id". */
int64_t agreement_id_param(Req *r);

#endif
