/* team.h — capability 13 (part two), plan 7.1: the 1+N assistance teams and the
 * recipient schools' liaison officers.
 *
 * A team belongs to one helping school (orgs.is_helper) and one year: a name and
 * members, who are active teachers of that school (training.h), each a subject
 * leader or a backbone teacher. A team needs at least one of each; where it does
 * not, every view says so. A working day (team_days) is one member's day — or half
 * day — at a recipient school (orgs.is_recipient, not the helping school itself)
 * on a date of the team's year, not in the future; a teacher has at most one
 * working day per date (a second answers 409). The rule: at least 40 days a year
 * per member.
 *
 * Who sees a team: data.read reaching the helping school, or reaching a recipient
 * school the team has worked at. Who writes: training.write reaching the helping
 * school (its leader) changes the team, its members and its days anywhere; a
 * recipient school's leader (training.write reaching it) records days at their own
 * school for the teams they see — so the first day at a new school is recorded by
 * the helping school. Out of reach answers 404, like a missing team.
 *
 * Liaison officers: per recipient school a name, a phone (11-digit mainland number,
 * or none), since when, optionally the login holding liaison_officer at that school
 * who is this officer, and whether active. Written with training.write or user.write
 * reaching the school. The rule: at least 3 active officers per recipient school.
 *
 * Who falls short — members under 40 days, recipient schools under 3 officers — is
 * listed for a unit (GET /api/v1/teams/shortfalls, /training/shortfalls): the teams
 * whose helping school is under it or which worked at a school under it, and the
 * recipient schools under it. So the county of a recipient school sees the members
 * of every team that works there, and the helping school's own units see their team.
 *
 * Figures (feed.h), rewritten in each write's transaction: per helping school and
 * year team_members, team_members_40_days (ratio team_member_days) and
 * backbone_teachers_dispatched (backbone members with at least one working day);
 * per recipient school liaison_officers of this year (officers active now whose
 * `since` is not after the year's end).
 *
 * Files: team.c (model, rules, writes), team_api.c (the JSON API), liaison.c
 * (liaison officers: model and API), team_page.c
 * (pages and the team-days workbook). */
#ifndef HUIJU_TEAM_H
#define HUIJU_TEAM_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "feed.h"
#include "http/req.h"

#define TEAM_DAYS_MIN 40.0
#define LIAISON_MIN 3

/* ---- pure logic (tests/unit/test_training.c) ---- */

/* "subject_leader", "backbone"; NULL-terminated. */
extern const char *const team_roles[];
int team_role_ok(const char *s);
const char *team_role_label(Req *r, const char *role);
/* Whether d is a valid working day: 0.5 or 1. */
int team_days_ok(double d);
/* Whether a member's days of a year meet the rule (≥ 40). */
int team_days_meet(double days);
/* Whether s is empty or an 11-digit mainland mobile number (1[3-9] and 9 digits). */
int liaison_phone_ok(const char *s);

/* ---- the store ---- */

typedef struct Team {
    int64_t id, school_id;
    const char *school_code, *school_name, *school_path, *name, *created_by;
    int year;
    int64_t created_at;
} Team;

typedef struct TeamMember {
    int64_t teacher_id;
    const char *name, *subject, *role;
    double days; /* working days in the team's year */
    int active;
} TeamMember;

typedef struct TeamCounts {
    int64_t members, leaders, backbone, members_40, backbone_dispatched;
    double days;
} TeamCounts;

/* Loads team `id` with its helping school. 1 found, 0 not, -1 error. */
int team_load(Db *db, Arena *a, int64_t id, Team *out);
/* Whether the caller sees the team (see above). 1, 0, -1 error. */
int team_visible(Req *r, const Team *t);
/* The members with their days, subject leaders first, then by name. Array in a;
 * returns how many, -1 on error. */
int team_member_list(Db *db, Arena *a, int64_t team_id, TeamMember **out);
/* The team's counts. 0, or -1 on error. */
int team_counts(Db *db, int64_t team_id, TeamCounts *out);
/* The message id of what the team lacks, or NULL when it has a subject leader and
 * a backbone teacher. Translate with T(). */
const char *team_rule_problem(const TeamCounts *c);
/* The team as the API shows it, with its members and rules (new reference). */
json_t *team_json(Req *r, const Team *t, int with_members);

/* A working day as given. */
typedef struct TeamDayInput {
    int64_t teacher_id;
    const char *school; /* the recipient school's code */
    const char *worked_on;
    double days;
    const char *note;
} TeamDayInput;

/* Checks a working day for team t against the database: the teacher a member, the
 * school a recipient school other than the helping school, the date a day of the
 * team's year not after today (YYYY-MM-DD), days 0.5 or 1, a note of at most 500
 * bytes. NULL when fine (*school_id and *school_path set, path in a), else the
 * field at fault with *why its English message id; "" with *why NULL on a database
 * error. */
const char *team_day_check(Db *db, Arena *a, const Team *t, const TeamDayInput *in,
                           const char *today, int64_t *school_id, const char **school_path,
                           const char **why);
/* Inserts a checked day, audits it as actor and rewrites the helping school's
 * figures, inside the caller's transaction. The new id, or 0 with *dbrc set
 * (DB_CONSTRAINT: the teacher already has a working day on that date). */
int64_t team_day_insert(Db *db, const char *actor, const Team *t, const TeamDayInput *in,
                        int64_t school_id, const char *school_path, int *dbrc);

/* Queues the helping school's team figures of `year` into f. 0, or -1. */
int team_feed_school(FeedBatch *f, Db *db, int64_t school_id, int year);
/* Rewrites them in the caller's transaction. DB_OK or an error code. */
int team_refeed(Db *db, const char *actor, int64_t school_id, const char *school_path, int year);
/* Queues the recipient school's liaison_officers of `year` into f. 0, or -1. */
int liaison_feed_school(FeedBatch *f, Db *db, int64_t school_id, int year);
/* The same for every recipient school at once (one query): for the demo. */
int liaison_feed_all(FeedBatch *f, Db *db, int year);

/* One member's days, for the shortfall lists and the workbook. */
typedef struct MemberDays {
    int64_t team_id, teacher_id;
    const char *team_name, *school_code, *school_name, *name, *subject, *role;
    double days;
} MemberDays;
/* The members of the teams seen through the unit with path unit_path (above) in
 * year, only those under 40 days when short_only; by helping school, team, name.
 * At most max into an array in a; returns how many (*more when there were more),
 * -1 on error. */
int team_member_days(Db *db, Arena *a, const char *unit_path, int year, int short_only, int max,
                     MemberDays **out, int *more);
/* How many such members there are, and how many are under 40 days. 0, or -1. */
int team_member_counts(Db *db, const char *unit_path, int year, int64_t *members,
                       int64_t *short_members);

/* One recipient school's active officers. */
typedef struct LiaisonCount {
    int64_t school_id, active;
    const char *code, *name;
} LiaisonCount;
/* The active recipient schools under unit_path with their active officers, only
 * those under 3 when short_only, by code. As team_member_days. */
int liaison_school_counts(Db *db, Arena *a, const char *unit_path, int short_only, int max,
                          LiaisonCount **out, int *more);
/* How many recipient schools there are under the unit, and how many are under 3. */
int liaison_counts(Db *db, const char *unit_path, int64_t *schools, int64_t *short_schools);

/* One liaison officer. login is NULL when no account is linked. */
typedef struct Liaison {
    int64_t id, school_id, user_id;
    const char *school_code, *school_name, *school_path, *name, *phone, *since, *login, *created_by;
    int active;
    int64_t created_at;
} Liaison;
/* The officers of a school, active first, then by name. Array in a; how many, or -1. */
int liaison_list_school(Db *db, Arena *a, int64_t school_id, Liaison **out);
json_t *liaison_json(const Liaison *l);

/* The members (only those under 40 days when short_only) of the teams seen through
 * the unit, and the recipient schools under it with their officers (only those
 * under 3), as report tables (report.h) for the pages and the workbooks; at most
 * max rows. NULL on a database error. (team_page.c) */
struct Table;
struct Table *team_members_table(Req *r, const char *unit_path, int year, int short_only, int max);
struct Table *liaison_table(Req *r, const char *unit_path, int short_only, int max);

/* ---- writes shared by the API and the pages ---- */

typedef enum {
    TEAM_OK,
    TEAM_INVALID,   /* 422: field and why */
    TEAM_NOT_FOUND, /* 404 */
    TEAM_FORBIDDEN, /* 403 */
    TEAM_CONFLICT,  /* 409: why */
    TEAM_ERROR      /* 503 */
} TeamResult;

/* What went wrong (translated, in r's arena), or the new object's id. */
typedef struct TeamOutcome {
    const char *field, *why;
    int64_t id;
} TeamOutcome;

/* Creates the team of a helping school (code) for year. */
TeamResult team_create(Req *r, const char *school, int64_t year, const char *name,
                       TeamOutcome *out);
/* Adds teacher (id) to team t with role. */
TeamResult team_add_member(Req *r, const Team *t, int64_t teacher, const char *role,
                           TeamOutcome *out);
/* Records a working day of team t for the caller. */
TeamResult team_add_day(Req *r, const Team *t, const TeamDayInput *in, TeamOutcome *out);

/* A liaison officer as written; has_ flags say which fields were given. */
typedef struct LiaisonInput {
    const char *school, *name, *phone, *since, *login;
    int active, has_name, has_phone, has_since, has_login, has_active;
} LiaisonInput;
/* Adds an officer to a recipient school. */
TeamResult liaison_create(Req *r, const LiaisonInput *in, TeamOutcome *out);
/* Sends the API error of a result other than TEAM_OK. */
void team_send_error(Req *r, TeamResult res, const TeamOutcome *out);
/* Parses a positive id from text; 0 when it is not one. */
int64_t team_id_text(const char *s);

/* ---- internal to the team*.c files ---- */

#define TEAM_COLS                                                                                  \
    "tm.id, tm.helping_school_id, h.code, h.name_zh, h.path, tm.name, tm.created_by, tm.year,"     \
    " tm.created_at"

/* Visible to the caller (binds REACH_ARGS twice): through the helping school or a
 * recipient school the team has worked at. */
#define TEAM_SEEN_SQL                                                                              \
    "(" REACH_SQL("h.path") " OR EXISTS (SELECT 1 FROM team_days vd JOIN orgs vo"                  \
                            " ON vo.id = vd.school_id WHERE vd.team_id = tm.id AND " REACH_SQL(    \
                                "vo.path") "))"

/* Seen through the unit with path ? (binds the year and the path four times). */
#define TEAM_UNIT_SQL                                                                              \
    "tm.year = ? AND (substr(h.path, 1, length(CAST(? AS TEXT))) = ? OR EXISTS (SELECT 1"          \
    " FROM team_days ud JOIN orgs uo ON uo.id = ud.school_id WHERE ud.team_id = tm.id"             \
    " AND substr(uo.path, 1, length(CAST(? AS TEXT))) = ?))"

/* Reads a row of TEAM_COLS (teams tm, orgs h the helping school). */
void team_row(DbStmt *s, Arena *a, Team *t);
/* Commits when rc is DB_OK, else rolls back: TEAM_OK or TEAM_ERROR. */
TeamResult team_commit_or(Req *r, int rc);

/* ---- handlers ---- */

void team_api_list(Req *r);          /* GET /api/v1/teams?org=&year= */
void team_api_create(Req *r);        /* POST /api/v1/teams */
void team_api_get(Req *r);           /* GET /api/v1/teams/{id} */
void team_api_patch(Req *r);         /* PATCH /api/v1/teams/{id} */
void team_api_add_member(Req *r);    /* POST /api/v1/teams/{id}/members */
void team_api_remove_member(Req *r); /* DELETE /api/v1/teams/{id}/members?teacher= */
void team_api_days(Req *r);          /* GET /api/v1/teams/{id}/days */
void team_api_add_day(Req *r);       /* POST /api/v1/teams/{id}/days */
void team_api_shortfalls(Req *r);    /* GET /api/v1/teams/shortfalls?org=&year= */
void liaison_api_list(Req *r);       /* GET /api/v1/liaison-officers */
void liaison_api_create(Req *r);     /* POST /api/v1/liaison-officers */
void liaison_api_patch(Req *r);      /* PATCH /api/v1/liaison-officers/{id} */
void team_page_index(Req *r);        /* GET /teams?org=&year= */
void team_page_create(Req *r);       /* POST /teams */
void team_page_show(Req *r);         /* GET /teams/{id} */
void team_page_add_member(Req *r);   /* POST /teams/{id}/members */
void team_page_add_day(Req *r);      /* POST /teams/{id}/days */
void liaison_page_create(Req *r);    /* POST /training/school/{code}/liaison */
void teams_xlsx(Req *r);             /* GET /teams.xlsx?org=&year= */

#endif
