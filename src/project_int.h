/* project_int.h — shared by the project module's files (project.c, project_flow.c,
 * project_page.c, project_demo.c) and nobody else: the input of a create or an
 * edit, the results of writes, the list filter. See project.h for the model. */
#ifndef HUIJU_PROJECT_INT_H
#define HUIJU_PROJECT_INT_H

#include "org.h"
#include "project.h"

enum { PROJECT_MAX_RECIPIENTS = 50, PROJECT_MAX_NEEDS = 100 };

/* What a create or a patch carries: the has_ flags say which fields were given. */
typedef struct ProjectInput {
    const char *title, *kind, *lead, *start_date, *end_date, *summary;
    const char *budget_text; /* a form's budget in yuan ("12,000.50") */
    int64_t budget_fen;
    const char *recipients[PROJECT_MAX_RECIPIENTS];
    int nrecipients;
    int64_t needs[PROJECT_MAX_NEEDS];
    int nneeds;
    int has_title, has_kind, has_lead, has_start, has_end, has_summary, has_budget, has_recipients,
        has_needs;
    const char *bad_field, *why; /* the first problem found (translated why) */
} ProjectInput;

typedef enum {
    PROJECT_OK,
    PROJECT_INVALID,   /* 422: in->bad_field and in->why say what */
    PROJECT_NOT_FOUND, /* 404: missing or out of reach */
    PROJECT_FORBIDDEN, /* 403: visible, but not the caller's to do */
    PROJECT_CONFLICT,  /* 409: *why says what and which actions are allowed */
    PROJECT_ERROR      /* database error or busy: 503 */
} ProjectResult;

/* Records `why` as the problem with `field` unless one is recorded; returns 0. */
int project_fail(ProjectInput *in, const char *field, const char *why);

/* Creates a draft from `in` for the caller (project.write reaching the lead);
 * audited. On PROJECT_OK *out is the new project. */
ProjectResult project_create(Req *r, ProjectInput *in, Project *out);
/* Applies the given fields to project `id` (draft or rejected only: 409
 * otherwise, *why saying so); audited with before and after. */
ProjectResult project_update(Req *r, int64_t id, ProjectInput *in, Project *out, const char **why);
/* Runs `action` with `comment` on project `id` (project_flow.c); audited, with a
 * project_decisions row for approve and reject, and project_feed for every year
 * the project spans. On PROJECT_CONFLICT *why names the allowed actions; on
 * PROJECT_INVALID in->bad_field is "action" or "comment". *out is the project
 * after (or as it stands, on a conflict). */
ProjectResult project_transition(Req *r, int64_t id, const char *action, const char *comment,
                                 ProjectInput *in, Project *out, const char **why);
/* Whether the caller may take `action` on p now (state and rights): the page's
 * buttons. Makes database reads for approve/reject/accept. */
int project_may(Req *r, const Project *p, const char *action);
/* Whether one of the caller's grants (never an evaluator's) holds c and reaches
 * path; with kind set, only grants at an organisation of that kind count. */
int project_grant_reaches(Req *r, Cap c, const char *path, const char *kind);

/* Sends the API answer for a failed write: 422 naming in's field, 404, 403, 409
 * with the allowed actions of p (and *why), or 503. */
void project_send_result(Req *r, ProjectResult res, const ProjectInput *in, const Project *p,
                         const char *why);

/* The list filter, checked (project.c). */
typedef struct ProjectFilter {
    const char *status, *kind;
    const char *org_path; /* lead or a recipient in this subtree; NULL any */
    int64_t lead_id;      /* 0 any */
    int64_t school_id;    /* a recipient; 0 any */
    int64_t year;         /* the span contains it; 0 any */
    int lagging;          /* 1: lagging only */
    int64_t before_id;    /* cursor: ids below it; 0 none */
    int64_t limit;
} ProjectFilter;
/* Reads the filter from the query (status, kind, org, lead, school, year,
 * lagging, limit, cursor). 1, or 0 with a 400 or 404 sent. */
int project_filter_from_query(Req *r, ProjectFilter *f, int64_t default_limit);
/* The scoped list query, newest first, limit+1 rows; read rows with
 * project_row(). NULL on error. */
DbStmt *project_list_query(Req *r, const ProjectFilter *f);
void project_row(DbStmt *s, Arena *a, Project *p);
/* Counts of the filtered list by status (ignoring f->status and the cursor), in
 * the order of project_statuses. 0, or -1. */
int project_count_by_status(Req *r, const ProjectFilter *f, int64_t counts[8]);

/* Recipients of p: codes and names (arena), at most max. The number, or -1. */
typedef struct ProjectSchool {
    int64_t id;
    const char *code, *name, *name_en, *path;
} ProjectSchool;
int project_recipients(Db *db, Arena *a, int64_t id, ProjectSchool *out, int max);

/* Today in Asia/Shanghai as YYYY-MM-DD. */
void project_today(char out[11]);
/* The first and last years p spans. */
int project_first_year(const Project *p);
int project_last_year(const Project *p);
/* The project's audit view (new reference). */
json_t *project_audit_json(Req *r, const Project *p);
/* The button label / past-tense word of an action (static text). */
const char *project_action_label(Req *r, const char *action);
const char *project_level_label(Req *r, const char *level);

#endif
