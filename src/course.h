/* course.h — capability 12: the online parent school (线上家长学校).
 *
 * A course is a micro-course or a recorded lecture (title, stage, topic,
 * duration, a link and/or an uploaded file) published by a unit: activity.write
 * reaching it. The catalogue follows the near rule of activities (activity.h):
 * a parent sees the courses of their school and of every unit above it, so the
 * region's courses reach everyone.
 *
 * A view is one opening of the course page (or POST …/views) by someone who is
 * not its publisher: one course_views row per opening and courses.views + 1 in
 * the same transaction; a parent's own history is on /m/courses. Uploaded files
 * (at most 30 MiB; MP4, MP3 or PDF as sniffed by files_sniff) are stored by
 * content hash and served as downloads (files.h).
 *
 * Figures (feed.h, in the transaction of the write): parent_micro_courses — the
 * active micro-courses a unit published in a year (at publication);
 * course_views — the views of a unit's courses in a month (at each view). */
#ifndef HUIJU_COURSE_H
#define HUIJU_COURSE_H

#include <stdint.h>

#include "db/db.h"
#include "http/req.h"

typedef struct Course {
    int64_t id, org_id;
    const char *org_code, *org_name, *org_name_en, *org_path;
    const char *title, *stage, *topic, *kind, *url, *file_sha256, *file_name, *file_mime,
        *published_on, *created_by;
    int64_t duration_min, file_size, views, created_at;
    int active;
} Course;

#define COURSE_MAX_FILE (30u << 20) /* bytes */

extern const char *const course_stages[]; /* preschool … all, NULL-terminated */
extern const char *const course_kinds[];  /* micro_course, lecture */
const char *course_stage_label(Req *r, const char *stage);
const char *course_kind_label(Req *r, const char *kind);
/* Whether a sniffed type may be a course file: video/mp4, audio/mpeg, application/pdf. */
int course_mime_ok(const char *mime);

/* Loads course id with its publisher (strings in a): 1, 0, -1. */
int course_load(Db *db, Arena *a, int64_t id, Course *out);
/* The columns course_row reads, from courses c JOIN orgs o. */
#define COURSE_COLS                                                                                \
    "c.id, c.org_id, o.code, o.name_zh, o.name_en, o.path, c.title, c.stage, c.topic, c.kind,"     \
    " c.url, c.file_sha256, c.file_name, c.file_mime, c.published_on, c.created_by,"               \
    " c.duration_min, c.file_size, c.views, c.created_at, c.active"
void course_row(DbStmt *s, Arena *a, Course *c);
/* Records one view of course c by user_id (courses.views + 1, a course_views
 * row, the course_views figure) in one transaction. DB_OK or an error code. */
int course_view(Db *db, Arena *a, const Course *c, int64_t user_id, const char *actor, int64_t now);
/* Whether the caller sees / publishes courses of the unit with this path. */
int course_visible(Req *r, const Course *c);
int course_manager(Req *r, const Course *c);

void course_api_list(Req *r);    /* GET /api/v1/courses */
void course_api_create(Req *r);  /* POST /api/v1/courses */
void course_api_get(Req *r);     /* GET /api/v1/courses/{id} */
void course_api_view(Req *r);    /* POST /api/v1/courses/{id}/views */
void course_api_upload(Req *r);  /* POST /api/v1/courses/{id}/file (multipart, field "file") */
void course_api_file(Req *r);    /* GET /api/v1/courses/{id}/file */
void course_page_index(Req *r);  /* GET /courses */
void course_page_new(Req *r);    /* GET /courses/new */
void course_page_create(Req *r); /* POST /courses */
void course_page_show(Req *r);   /* GET /courses/{id}: counts a view */
void course_page_upload(Req *r); /* POST /courses/{id}/file (multipart form) */

#endif
