/* training.h — capability 13 (part one): teachers' training records against the
 * plan's rules (3.2): at least 40 hours a year of ethnic-unity education and
 * counselling (民族团结教育与心理辅导) and at least 30 hours a year of IT
 * training (信息化) per teacher.
 *
 * The teachers registry (table teachers) holds a school, a name and a subject —
 * nothing else about a person. A training record is one teacher's hours in one
 * category (ethnic_counselling, it, subject, other) for one year, with a title,
 * a provider and the day it was held (within the year, not in the future).
 *
 * The rules: for a school and a year, the share of the school's ACTIVE teachers
 * (every active teacher of the registry, with or without a record, so that the
 * share is honest) whose ethnic_counselling hours reach 40, and whose it hours
 * reach 30; for a unit, the same counts summed over the schools below it.
 *
 * Access: teachers and records are read with data.read reaching the teacher's
 * school and written with training.write reaching it; one out of reach answers
 * 404, exactly like a missing one. Every write is audited in its own transaction,
 * which also rewrites the school's figures (feed.h) for the year it touched:
 *     teachers_in_registry (active teachers), teachers_ethnic_40h, teachers_it_30h
 * whose ratios training_hours_ethnic_counselling and training_hours_it the plan's
 * targets read.
 *
 * Files: training.c (pure rules, registry, records, counts, figures), training_api.c
 * (the JSON API and the summary), training_import.c
 * (CSV import, all rows or none), training_page.c (pages, shortfalls, Excel),
 * training_demo.c (the demo's teachers, records, teams and liaison officers).
 * The 1+N teams and liaison officers are in team.h. */
#ifndef HUIJU_TRAINING_H
#define HUIJU_TRAINING_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "db/db.h"
#include "feed.h"
#include "http/req.h"
#include "org.h"

/* The plan's rules, per teacher and year. */
#define TRAINING_ETHNIC_HOURS 40.0
#define TRAINING_IT_HOURS 30.0

/* ---- pure logic (tests/unit/test_training.c) ---- */

/* The categories, NULL-terminated, in display order. */
extern const char *const training_categories[];
/* Whether s is one of them. */
int training_category_ok(const char *s);
/* A category's name in the request's language (static text). */
const char *training_category_label(Req *r, const char *category);
/* Whether h is a valid number of hours: above 0, at most 500, one decimal at most. */
int training_hours_ok(double h);
/* Parses hours as typed ("12", "12.5", full stop only): 1 with *out set when the
 * text is a number training_hours_ok() accepts, else 0. */
int training_hours_parse(const char *s, double *out);
/* Whether date is a real YYYY-MM-DD day of `year` and not after today (YYYY-MM-DD). */
int training_date_ok(const char *date, int year, const char *today);
/* Whether the hours of one teacher in a year meet the ethnic / the IT rule.
 * Hours are compared in tenths, so sums of one-decimal figures are exact. */
int training_meets_ethnic(double hours);
int training_meets_it(double hours);
/* The share meeting/total in percent (0 when total is 0). */
double training_share(int64_t meeting, int64_t total);
/* The status mark of a share of teachers meeting a rule: every teacher → on track,
 * at least 90 % (STATUS_MIN_TOLERANCE) → at risk, fewer → off track, no teacher
 * → no data. */
TargetStatus training_share_status(int64_t meeting, int64_t total);
/* Today in Asia/Shanghai as YYYY-MM-DD into out (11 bytes), and its year. */
void training_today(char out[11]);
int training_this_year(void);
/* Whether s is a teacher's or officer's name: 1–50 characters of text, not blank. */
int training_name_ok(const char *s);

/* ---- the store ---- */

typedef struct Teacher {
    int64_t id, school_id;
    const char *school_code, *school_name, *school_path, *name, *subject, *created_by;
    int active, school_is_helper;
    int64_t created_at;
} Teacher;

typedef struct TrainingRecord {
    int64_t id, teacher_id, school_id;
    const char *teacher_name, *school_code, *school_path, *category, *title, *provider, *held_on,
        *created_by;
    int year;
    double hours;
    int64_t created_at;
} TrainingRecord;

/* Loads teacher `id` with its school (strings in arena a). 1 found, 0 not, -1 error. */
int teacher_load(Db *db, Arena *a, int64_t id, Teacher *out);
json_t *teacher_json(const Teacher *t);
/* Loads record `id` with its teacher and school. 1 found, 0 not, -1 error. */
int training_record_load(Db *db, Arena *a, int64_t id, TrainingRecord *out);
json_t *training_record_json(const TrainingRecord *t);

/* Inserts a teacher of school_id (school_path for the audit) and audits it as
 * actor, inside the caller's transaction. The new id, or 0 with *dbrc set. */
int64_t teacher_insert(Db *db, const char *actor, int64_t school_id, const char *school_path,
                       const char *name, const char *subject, int *dbrc);
/* Inserts a record for teacher t and audits it, inside the caller's transaction.
 * The new id, or 0 with *dbrc set. */
int64_t training_record_insert(Db *db, const char *actor, const Teacher *t, int year,
                               const char *category, double hours, const char *title,
                               const char *provider, const char *held_on, int *dbrc);

/* The rule counts over the active teachers of the schools under `path` (a school's
 * own path included) for a year. */
typedef struct TrainingCounts {
    int64_t teachers, ethnic_ok, it_ok, both_ok;
} TrainingCounts;
/* 0 with *out filled, -1 on a database error. */
int training_counts(Db *db, const char *path, int year, TrainingCounts *out);
/* The same counts for the unit at `path` (total) and for each of the units below it
 * whose paths are kids[0..n) (per_kid[k]), in one pass over the unit's teachers.
 * 0, or -1 on a database error. */
int training_counts_split(Db *db, const char *path, int year, const char *const *kids, int n,
                          TrainingCounts *per_kid, TrainingCounts *total);

/* Queues the school's three training figures for `year` (see above) into f.
 * 0, or -1 on a database error or a refused value. */
int training_feed_school(FeedBatch *f, Db *db, int64_t school_id, int year);
/* The same for every school at once (one query): for the demo and rebuilds. */
int training_feed_all(FeedBatch *f, Db *db, int year);
/* The years whose figures a change of the school's registry touches: every year
 * with a record of one of its teachers, and this year. At most max into out;
 * returns how many, -1 on error. */
int training_years_of_school(Db *db, int64_t school_id, int *out, int max);

/* ---- writes shared by the API and the pages (training_api.c) ---- */

/* The outcome of a write: status 201 (id set), 403, 409 (why), 422 (field, why)
 * or 503. Texts are translated, in r's arena. */
typedef struct TrainingOutcome {
    int status;
    const char *field, *why;
    int64_t id;
} TrainingOutcome;

/* Adds a teacher to a school's registry (training.write reaching it; the name not
 * taken by another active teacher of the school, else 409). */
void training_teacher_create(Req *r, const char *school, const char *name, const char *subject,
                             TrainingOutcome *out);

/* A training record as given: hours as a number (has_hours) or, from a form, as
 * text (hours_text); year defaults to held_on's. */
typedef struct TrainingInput {
    int64_t teacher, year;
    int has_year, has_hours;
    double hours;
    const char *hours_text, *category, *title, *provider, *held_on;
} TrainingInput;
/* Adds a record (training.write reaching the teacher's school; the same teacher,
 * category, title and day twice → 409). */
void training_record_create(Req *r, const TrainingInput *in, TrainingOutcome *out);
/* Sends the API error of an outcome other than 201. */
void training_send_outcome(Req *r, const TrainingOutcome *out);

/* ---- internal to the training_*.c and team*.c files ---- */

/* The columns teacher_row() / record_row() read, over teachers t, orgs o (the
 * school) and training_records r. */
#define TEACHER_COLS                                                                               \
    "t.id, t.school_id, o.code, o.name_zh, o.path, t.name, t.subject, t.active, t.created_by,"     \
    " t.created_at, o.is_helper"
#define RECORD_COLS                                                                                \
    "r.id, r.teacher_id, t.school_id, t.name, o.code, o.path, r.year, r.category, r.hours,"        \
    " r.title, r.provider, r.held_on, r.created_by, r.created_at"
void teacher_row(DbStmt *s, Arena *a, Teacher *t);
void record_row(DbStmt *s, Arena *a, TrainingRecord *t);
/* Whether another active teacher of the school (not `self`) has this name.
 * 1 yes, 0 no, -1 error. */
int teacher_name_taken(Db *db, int64_t school_id, const char *name, int64_t self);
/* Whether the same record (teacher, category, title, day) exists. 1, 0, -1 error. */
int training_record_exists(Db *db, int64_t teacher, const char *category, const char *title,
                           const char *held_on);
/* Rewrites the school's training figures for the given years in the caller's
 * transaction (feed.h); actor for the audit. DB_OK or an error code. */
int training_refeed(Db *db, const char *actor, int64_t school_id, const char *school_path,
                    const int *years, int nyears);

/* The school (or unit) of ?school= / ?org= / a path parameter by code, visible to
 * the caller with cap. 1 with *o filled, 0 when missing, malformed or out of reach
 * (404 sent), -1 on a database error (503 sent). */
int training_org_in_reach(Req *r, const char *code, Cap cap, Org *o);
/* The caller's top unit: the organisation of their first grant carrying cap. */
const char *training_top_unit(Req *r, Cap cap);
/* ?year=: the year asked for (2020 … this year + 1), this year when absent.
 * 1, or 0 with a 400 sent. */
int training_year_param(Req *r, int64_t *year);
/* "FIELD why" into a 422, the shape every module answers invalid input with. */
void training_invalid(Req *r, const char *field, const char *why);
/* Sends 503 for DB_BUSY, else the database error (logged, shown as 503). */
void training_db_error(Req *r);

/* One teacher's hours in a year, by rule, for the shortfall lists. */
typedef struct TeacherHours {
    int64_t id;
    const char *name, *subject, *school_code, *school_name;
    double ethnic, it, subject_h, other;
    int ethnic_ok, it_ok;
} TeacherHours;
/* The active teachers of the schools under path with their hours of year; only
 * those missing a rule when short_only. Ordered by school code, then name. At most
 * max rows into an array in a (*out); returns how many, -1 on error. *more is set
 * when there were more. */
int training_teacher_hours(Db *db, Arena *a, const char *path, int year, int short_only, int max,
                           TeacherHours **out, int *more);

/* ---- the CSV import (training_import.c) ---- */

/* The counts of an import; errors as "line L, column C (name): why". */
typedef struct TrainingImportError {
    int64_t line;
    int col;
    const char *field, *msg;
} TrainingImportError;

typedef struct TrainingImport {
    int64_t rows, records_added, teachers_added;
    int nerr;
    int64_t nerr_total;
    TrainingImportError *err;
    int written, busy;
} TrainingImport;

enum { TRAINING_IMPORT_MAX_ERRORS = 100 };
/* The header the file must carry (its columns may come in any order). */
#define TRAINING_CSV_HEADER                                                                        \
    "school_code,teacher_name,subject,year,category,hours,title,provider,held_on"

/* Checks and, unless dry_run or any row is wrong, writes every row of the CSV text
 * data[0..len) for the caller (training.write reaching each row's school), in one
 * transaction: teachers are found or created by (school, name), records added,
 * the touched schools' figures recomputed. All rows or none. 0 with *out filled
 * (out->busy when the database was busy: nothing written), -1 on a database
 * error. */
int training_import_csv(Req *r, const char *data, size_t len, int dry_run, TrainingImport *out);
/* The upload form of the import (posts to /trainings/import), for the pages;
 * school (may be NULL) is the code the result page links back to. */
void training_import_form(Req *r, const char *school);

/* ---- the demo (training_demo.c) ---- */

/* Teachers for every school, training records of the last two years, a team for
 * every helping school with working days this year, liaison officers for the
 * recipient schools, and every figure they feed. Its own transaction; one audit
 * record. 0, or 1 with err set (nothing written then). */
int training_demo_load(Db *db, uint64_t seed, char *err, size_t errlen);

/* ---- handlers ---- */

void teacher_api_list(Req *r);          /* GET /api/v1/teachers */
void teacher_api_create(Req *r);        /* POST /api/v1/teachers */
void teacher_api_patch(Req *r);         /* PATCH /api/v1/teachers/{id} */
void training_api_list(Req *r);         /* GET /api/v1/trainings */
void training_api_create(Req *r);       /* POST /api/v1/trainings */
void training_api_delete(Req *r);       /* DELETE /api/v1/trainings/{id} */
void training_api_summary(Req *r);      /* GET /api/v1/trainings/summary?org=&year= */
void training_api_import(Req *r);       /* POST /api/v1/trainings/import?dry_run= (text/csv) */
void training_page_import(Req *r);      /* POST /trainings/import (multipart upload) */
void training_page_index(Req *r);       /* GET /training?org=&year= */
void training_page_school(Req *r);      /* GET /training/school/{code}?year= */
void training_page_add_teacher(Req *r); /* POST /training/school/{code}/teachers */
void training_page_add_record(Req *r);  /* POST /training/school/{code}/records */
void training_page_shortfalls(Req *r);  /* GET /training/shortfalls?org=&year= */
void training_xlsx(Req *r);             /* GET /training.xlsx?org=&year= */
void training_shortfalls_xlsx(Req *r);  /* GET /training/shortfalls.xlsx?org=&year= */

#endif
