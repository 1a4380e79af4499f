/* project.h — capability 8: assistance projects from application to acceptance
 * (项目申报 → 审批 → 实施 → 验收), and the contract the other project modules
 * (progress.c, agreement.c, brand.c, supervision.c, evaluation.c, fund.c) build on.
 *
 * A project is led by a helping school or a partner (lead_org) and serves one or
 * more recipient schools; scope_org is the lowest unit holding all of them, and
 * the approval levels come from table approval_rules by the scope's kind and the
 * budget. States:
 *     draft → submitted → approved → in_progress ⇄ suspended → completed → accepted
 *     submitted → rejected → (edited) → submitted again;  draft/rejected are the
 *     author's to edit. Any other change answers 409 naming the allowed ones.
 *
 * Visibility: a project is visible to data.read reaching its lead organisation or
 * any of its recipient schools — except that a third-party evaluator sees only the
 * projects assigned to them (table evaluation_assignments): grants of the
 * evaluator role never give reach over projects. One out of reach answers 404,
 * exactly like a missing one.
 *
 * Files: project.c (model, rules, API), project_flow.c (transitions and the
 * approval chain), project_page.c (pages). */
#ifndef HUIJU_PROJECT_H
#define HUIJU_PROJECT_H

#include <jansson.h>
#include <stdint.h>

#include "core/roles.h"
#include "db/db.h"
#include "http/req.h"

typedef struct Project {
    int64_t id;
    const char *title, *kind, *summary, *start_date, *end_date, *status;
    const char *top_level, *level_done; /* NULL until submitted / first approval */
    const char *brand_level;            /* NULL, "school", "prefecture", "region" */
    int64_t lead_id, scope_id;
    const char *lead_code, *lead_name, *lead_path, *scope_path;
    int64_t budget_fen;
    int lagging, percent_done;
    const char *created_by;
    int64_t created_at, updated_at, submitted_at, accepted_at, last_report_at;
    const char *scope_code, *scope_kind; /* the scope's code and kind */
    const char *lead_kind;               /* the lead's kind: school or partner */
} Project;

/* Loads project `id` (strings in arena a). 1 found, 0 not, -1 error. No scope check. */
int project_load(Db *db, Arena *a, int64_t id, Project *out);

/* Loads project `id` if the caller may see it (see above). 1 visible, 0 missing or
 * out of reach (answer 404), -1 database error (answer 503). */
int project_get_visible(Req *r, int64_t id, Project *out);

/* Whether the caller holds capability c reaching the project's lead organisation
 * (side "lead"), or one of its recipient schools (side "recipient"), or either
 * (side NULL). Evaluator grants never count. */
int project_can(Req *r, Cap c, const Project *p, const char *side);

/* An SQL condition true when the project with id column `col` is visible to the
 * caller for capability cap. Binds, in this order: user id, cap name, user id,
 * cap name, user id — use PROJECT_REACH_ARGS(r, cap). */
#define PROJECT_REACH_SQL(col)                                                                    \
    "(EXISTS (SELECT 1 FROM projects pv JOIN orgs lo ON lo.id = pv.lead_org_id"                   \
    "  JOIN grants g ON g.user_id = ? JOIN orgs go ON go.id = g.org_id"                           \
    "  JOIN role_caps rc ON rc.role = g.role AND rc.cap = ?"                                      \
    "  WHERE pv.id = " col " AND g.role <> 'evaluator'"                                           \
    "  AND substr(lo.path, 1, length(go.path)) = go.path)"                                        \
    " OR EXISTS (SELECT 1 FROM project_recipients pr JOIN orgs ro ON ro.id = pr.school_id"        \
    "  JOIN grants g ON g.user_id = ? JOIN orgs go ON go.id = g.org_id"                           \
    "  JOIN role_caps rc ON rc.role = g.role AND rc.cap = ?"                                      \
    "  WHERE pr.project_id = " col " AND g.role <> 'evaluator'"                                   \
    "  AND substr(ro.path, 1, length(go.path)) = go.path)"                                        \
    " OR EXISTS (SELECT 1 FROM evaluation_assignments ea"                                         \
    "  WHERE ea.project_id = " col " AND ea.user_id = ?))"
#define PROJECT_REACH_ARGS(r, c)                                                                  \
    (r)->auth.user_id, cap_name(c), (r)->auth.user_id, cap_name(c), (r)->auth.user_id
#define PROJECT_REACH_TYPES "isisi"

/* Lagging (capability 8.3): a project in progress with a milestone past its due
 * date and not done, or whose last progress report (or, before the first, its
 * last change of state) is more than 90 days old. Computed at read time, because
 * time alone makes a project lag. `p` is the projects alias; binds, in this
 * order: today as YYYY-MM-DD (s) and now − 90 days in seconds (i) — use
 * PROJECT_LAGGING_ARGS(today, now). */
#define PROJECT_LAGGING_SQL(p)                                                                    \
    "(" p ".status = 'in_progress' AND (EXISTS (SELECT 1 FROM milestones lm"                      \
    " WHERE lm.project_id = " p ".id AND lm.done_on IS NULL AND lm.due_date < ?)"                 \
    " OR COALESCE(" p ".last_report_at, " p ".updated_at) < ?))"
#define PROJECT_LAGGING_ARGS(today, now) (today), (int64_t)((now)-90 * 86400)
#define PROJECT_LAGGING_TYPES "si"

/* Parses a positive id from path parameter `name`; 0 when it is not one. */
int64_t project_id_param(Req *r, const char *name);

/* The project as the API shows it (new reference): fields, lead, recipients,
 * needs, approval decisions, next statuses. */
json_t *project_json(Req *r, const Project *p);

/* The kind's / status's name in the request's language (static text). */
const char *project_kind_label(Req *r, const char *kind);
const char *project_status_label(Req *r, const char *status);

/* Money is integer fen: see core/money.h (fen_text, fen_parse). */

/* ---- sections of the project page, each written by its own module ----
 * project_page.c calls them in this order after its own part; each writes a
 * <section> (with its forms for those who may use them) or nothing. */
void progress_section(Req *r, const Project *p);    /* progress.c */
void agreement_section(Req *r, const Project *p);   /* agreement.c */
void brand_section(Req *r, const Project *p);       /* brand.c */
void supervision_section(Req *r, const Project *p); /* supervision.c */
void evaluation_section(Req *r, const Project *p);  /* evaluation.c */
void fund_section(Req *r, const Project *p);        /* fund.c */

/* Recomputes the project figures of lead organisation lead_id for `year`
 * (projects_running, projects_long_term, projects_region_media,
 * region_brand_projects, school_brand_projects: feed.h) inside the caller's
 * transaction. Called after every change that can move them (a transition, an
 * agreement, a media item, a brand). 0, or -1 (roll back). Written in brand.c. */
int project_feed(Db *db, const char *actor, int64_t lead_id, int year);

/* ---- the project module's own: rules, flow, pages, demo (project*.c) ---- */

/* Kinds, statuses, approval levels (school < county < prefecture < region) and
 * actions, NULL-terminated, in display order. */
extern const char *const project_kinds[];
extern const char *const project_statuses[];
extern const char *const project_levels[];
extern const char *const project_actions[];
int project_kind_ok(const char *s);
int project_status_ok(const char *s);
/* The rank of an approval level (school 0 … region 3), or -1. */
int project_level_rank(const char *level);

/* The state machine (pure): the status action `a` leads to from `status`, or NULL
 * when it is illegal there. "approve" keeps a submitted project submitted until
 * the last level (the flow decides); here it answers "approved". */
const char *project_action_target(const char *status, const char *action);
/* The actions legal from `status`, in the order of project_actions; how many. */
int project_actions_from(const char *status, const char **out, int max);
/* The approval chain: every level from scope_kind up to top_level (static
 * strings into out, at most 4). 0 when either is not a level or top < scope. */
int project_chain(const char *scope_kind, const char *top_level, const char **out);
/* The level awaiting a decision: the one after level_done (NULL: the first) in
 * the chain, or NULL when the chain is done or invalid. */
const char *project_next_level(const char *scope_kind, const char *top_level,
                               const char *level_done);

/* One approval rule: projects whose scope is of kind scope_kind and whose budget
 * is in [min_fen, max_fen) (max_fen < 0: no upper bound) go up to top_level. */
typedef struct ApprovalRule {
    int64_t id;
    const char *scope_kind, *top_level;
    int64_t min_fen, max_fen;
} ApprovalRule;
/* The top level for a scope kind and budget from rules (the first whose band
 * holds it, lowest min_fen first), or NULL. */
const char *approval_rule_top(const ApprovalRule *rules, int n, const char *scope_kind,
                              int64_t budget_fen);
/* Checks a rule set: levels valid, min < max, top ≥ scope, no two bands of one
 * scope overlapping. 1, or 0 with *index the bad rule (0-based) and *why an
 * English message id naming the field. */
int approval_rules_check(const ApprovalRule *rules, int n, int *index, const char **why);
/* Adds the standard rules when no rule exists (school: < 50,000 yuan school,
 * < 500,000 county, else prefecture; county: < 500,000 county, < 2,000,000
 * prefecture, else region; prefecture: < 2,000,000 prefecture, else region;
 * region: region). In the caller's transaction, audited as actor. Returns the
 * number added, or -1 with err set. */
int approval_rules_load_standard(Db *db, const char *actor, char *err, size_t errlen);
/* Loads the active rules (arena a, lowest min first per scope) into *out. The
 * number, or -1. */
int approval_rules_load(Db *db, Arena *a, ApprovalRule **out);

/* The demo's projects in every state across the region (about one per four
 * recipient schools, at least 40), with decisions consistent with their chains,
 * and the standard approval rules. Its own transaction. 0, or 1 with err set. */
int project_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);

/* ---- handlers ---- */
void project_api_list(Req *r);        /* GET /api/v1/projects */
void project_api_create(Req *r);      /* POST /api/v1/projects */
void project_api_get(Req *r);         /* GET /api/v1/projects/{id} */
void project_api_patch(Req *r);       /* PATCH /api/v1/projects/{id} */
void project_api_transition(Req *r);  /* POST /api/v1/projects/{id}/transitions */
void approval_rules_api_get(Req *r);  /* GET /api/v1/approval-rules */
void approval_rules_api_put(Req *r);  /* PUT /api/v1/approval-rules */
void project_page_index(Req *r);      /* GET /projects */
void project_page_xlsx(Req *r);       /* GET /projects.xlsx */
void project_page_new(Req *r);        /* GET /projects/new */
void project_page_create(Req *r);     /* POST /projects */
void project_page_show(Req *r);       /* GET /projects/{id} */
void project_page_update(Req *r);     /* POST /projects/{id} */
void project_page_transition(Req *r); /* POST /projects/{id}/transition */

#endif
