/* progress.h — capability 8.3: quarterly milestones, progress reports with
 * figures and evidence files, and the lagging flag (进度跟踪).
 *
 * A milestone belongs to one project and one quarter ("2026Q3"); its due date
 * lies in that quarter and in the project's span. Milestones are added and
 * changed (marked done with done_on) by project.write reaching the project's
 * lead organisation while the project is approved, in progress or suspended.
 *
 * A progress report (in_progress or suspended projects only, else 409) carries a
 * text, figures (name → number, at most 20), the percent done — never below the
 * previous report's — and optionally the milestone it speaks of (it marks
 * nothing by itself). Writing one sets projects.percent_done and
 * projects.last_report_at in the same transaction, through ONE conditional
 * UPDATE, so two concurrent reports can never lower the percentage.
 *
 * Evidence files (PDF, images, video, audio, Office documents, plain text; at
 * most 10 MiB each) hang off a report; they are stored by hash (files.h) and
 * served only as downloads to those who may see the project.
 *
 * Lagging is PROJECT_LAGGING_SQL (project.h), computed at read time: the
 * project page, the dashboards and the school portrait show "projects needing
 * attention", and GET /api/v1/projects/lagging lists them with their reasons.
 *
 * Files: progress.c (model, validation), progress_api.c (JSON API), progress_lag.c (lagging: the
 * list, the dashboard panel), progress_page.c (the project-page section, its forms, downloads),
 * progress_demo.c (demo data). */
#ifndef HUIJU_PROGRESS_H
#define HUIJU_PROGRESS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/multipart.h"
#include "http/req.h"
#include "org.h"
#include "project.h"

enum {
    PROGRESS_MAX_FILE = 10 << 20, /* bytes per evidence file */
    PROGRESS_MAX_FIGURES = 20,
    PROGRESS_MAX_FIGURE_NAME = 40, /* characters */
    PROGRESS_MAX_FILES = 20,       /* per report */
    PROGRESS_BODY_MAX = 8000,      /* bytes */
};

typedef struct Milestone {
    int64_t id, project_id;
    const char *quarter, *title, *due_date, *done_on /* NULL: not done */, *created_by;
    int64_t created_at, updated_at;
} Milestone;

typedef struct Report {
    int64_t id, project_id, milestone_id; /* milestone_id 0: none */
    const char *reported_on, *body, *figures /* JSON object text */, *created_by;
    int percent_done;
    int64_t created_at;
} Report;

typedef struct Evidence {
    int64_t id, report_id, project_id;
    const char *name, *mime, *sha256, *created_by;
    int64_t size, created_at;
} Evidence;

/* ---- pure logic ---- */

/* Today in Asia/Shanghai as YYYY-MM-DD. */
void progress_today(char out[11]);
/* The date (Asia/Shanghai) of a time in seconds, YYYY-MM-DD. */
void progress_date_of(int64_t t, char out[11]);
/* Days since 1970-01-01 of a YYYY-MM-DD date. */
int64_t progress_day_number(const char *ymd);
/* Whether q is a quarter written like "2026Q3" (canonical); then first and
 * last receive its first and last day. */
int progress_quarter_ok(const char *q, char first[11], char last[11]);
/* "done", "late" (due before today, not done) or "due". */
const char *milestone_state(const Milestone *m, const char *today);
/* Checks figures (a JSON object of name → number): 1, or 0 with *why set
 * (static text to translate: the message after the field name). */
int progress_figures_ok(json_t *figures, const char **why);
/* Parses the form's figures, one "name: number" (or "name = number") per line,
 * into a new JSON object (*out, the caller decrefs). 1, or 0 with *why set
 * (arena text, naming the line). */
int progress_figures_parse(Req *r, const char *text, json_t **out, const char **why);
/* The statuses in which milestones may change / reports may be written /
 * evidence may be added. */
int progress_milestones_open(const char *status);
int progress_reports_open(const char *status);
int progress_files_open(const char *status);
/* The same as NULL-terminated lists (the "allowed" of a 409). */
extern const char *const progress_ms_open[], *const progress_rep_open[],
                                                 *const progress_file_open[];

/* The evidence types taken, in words (translated). */
const char *progress_allowed_types(Req *r);

/* ---- the store ---- */

typedef enum {
    PROG_OK,
    PROG_INVALID,   /* 422: *field and *why say what */
    PROG_NOT_FOUND, /* 404 */
    PROG_FORBIDDEN, /* 403 */
    PROG_CONFLICT,  /* 409: *why names the allowed statuses */
    PROG_TOO_LARGE, /* 413 */
    PROG_BAD_TYPE,  /* 415 */
    PROG_ERROR      /* 503 */
} ProgResult;

/* What a write carries; has_ flags say which fields were given. A problem is
 * reported in field / why. */
typedef struct MilestoneInput {
    const char *quarter, *title, *due_date, *done_on;
    int has_quarter, has_title, has_due_date, has_done_on;
    const char *field, *why;
} MilestoneInput;

typedef struct ReportInput {
    const char *body, *reported_on;
    json_t *figures; /* borrowed; NULL: {} */
    int64_t percent_done, milestone_id;
    int has_percent, has_milestone;
    const char *field, *why;
} ReportInput;

int milestone_load(Db *db, Arena *a, int64_t project_id, int64_t id, Milestone *out);
int report_load(Db *db, Arena *a, int64_t project_id, int64_t id, Report *out);
/* Evidence file `id` with its report's project id. 1, 0, -1. */
int evidence_load(Db *db, Arena *a, int64_t id, Evidence *out);

json_t *milestone_json(const Milestone *m, const char *today);
/* The report with its files (new reference). */
json_t *report_json(Req *r, const Report *rp);
json_t *evidence_json(const Evidence *e);

/* Each checks the caller (project.write reaching the lead: else PROG_FORBIDDEN),
 * the project's status (PROG_CONFLICT with *why), the fields (PROG_INVALID);
 * writes and audits in one transaction. p must be visible to the caller. */
ProgResult milestone_create(Req *r, const Project *p, MilestoneInput *in, Milestone *out,
                            const char **why);
ProgResult milestone_update(Req *r, const Project *p, int64_t id, MilestoneInput *in,
                            Milestone *out, const char **why);
ProgResult report_create(Req *r, const Project *p, ReportInput *in, Report *out, const char **why);
/* Checks an uploaded file's presence, size and type without storing it: PROG_OK
 * with *mime (static text), or the refusal with *why. */
ProgResult evidence_check(Req *r, const Part *file, const char **mime, const char **why);
/* Stores `file` (a part of a multipart body; NULL: missing) as evidence of
 * report rid of project p. On PROG_TOO_LARGE / PROG_BAD_TYPE / PROG_INVALID *why
 * holds the message. */
ProgResult evidence_add(Req *r, const Project *p, int64_t rid, const Part *file, Evidence *out,
                        const char **why);

/* Calls fn for each milestone / report (newest first) / file of a report. 0, or -1
 * on a database error. */
int milestones_each(Req *r, int64_t project_id, void (*fn)(Req *, const Milestone *, void *),
                    void *ctx);
int reports_each(Req *r, int64_t project_id, void (*fn)(Req *, const Report *, void *), void *ctx);
int evidence_each(Req *r, int64_t report_id, void (*fn)(Req *, const Evidence *, void *),
                  void *ctx);

/* ---- lagging (progress_lag.c) ---- */

typedef struct LagReason {
    const char *kind; /* "milestone_late" or "reports_stopped" */
    int64_t milestone_id;
    const char *title, *date; /* the milestone's title and due date; or the last report's date */
} LagReason;

typedef struct LagProject {
    int64_t id;
    const char *title, *lead_code, *lead_name_zh, *lead_name_en;
    int percent_done;
    const char *overdue_since; /* the earliest date a reason began */
    const char *late_due;      /* the earliest late milestone's due date, or NULL */
    const char *quiet_since;   /* the last report's date when reports stopped, or NULL */
    int days_overdue;
    LagReason *reasons;
    int nreasons;
} LagProject;

/* The lagging projects the caller can see whose lead or a recipient school lies
 * under org_path (NULL: anywhere), most overdue first; *out in r's arena. The
 * first `with_reasons` of them get their reasons (every late milestone, the
 * stopped reports). Returns the count, or -1 on a database error. */
int progress_lagging(Req *r, const char *org_path, int with_reasons, LagProject **out);
/* The reasons of one lagging project into lp (see above). 0, or -1. */
int progress_lag_reasons(Req *r, LagProject *lp);
/* The reason in words ("milestone X due D not done" / "no report since D"). */
const char *lag_reason_text(Req *r, const LagReason *why);
/* The rectification orders of units under org_path still open past their
 * deadline; -1 on a database error. */
int64_t progress_overdue_rectifications(Req *r, const char *org_path);

/* The "Projects needing attention" panel of a dashboard or portrait: a section
 * with the counts and the ten most overdue projects. Writes nothing on error. */
void progress_attention_section(Req *r, const Org *unit);
/* The same as JSON (new reference), or JSON null on a database error. */
json_t *progress_attention_json(Req *r, const Org *unit);

/* ---- demo (progress_demo.c) ---- */

/* Milestones and reports for the demo's approved, in-progress, suspended,
 * completed and accepted projects (project_demo_load runs first), some
 * in-progress projects deliberately lagging. Its own transaction; deterministic
 * for a seed. 0, or 1 with err set. */
int progress_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);

/* ---- handlers ---- */

void milestone_api_list(Req *r);   /* GET /api/v1/projects/{id}/milestones */
void milestone_api_create(Req *r); /* POST /api/v1/projects/{id}/milestones */
void milestone_api_patch(Req *r);  /* PATCH /api/v1/projects/{id}/milestones/{mid} */
void report_api_list(Req *r);      /* GET /api/v1/projects/{id}/reports */
void report_api_create(Req *r);    /* POST /api/v1/projects/{id}/reports */
void report_api_get(Req *r);       /* GET /api/v1/projects/{id}/reports/{rid} */
void evidence_api_upload(Req *r);  /* POST /api/v1/projects/{id}/reports/{rid}/files */
void evidence_api_get(Req *r);     /* GET /api/v1/files/{fid} */
void lagging_api_list(Req *r);     /* GET /api/v1/projects/lagging?org= */

void milestone_page_create(Req *r); /* POST /projects/{id}/milestones */
void milestone_page_done(Req *r);   /* POST /projects/{id}/milestones/done */
void report_page_create(Req *r);    /* POST /projects/{id}/reports */
void evidence_page_upload(Req *r);  /* POST /projects/{id}/reports/{rid}/files */
void evidence_page_get(Req *r);     /* GET /projects/{id}/files/{fid} */

#endif
