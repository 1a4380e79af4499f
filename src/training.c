/* training.c — see training.h: the rules, the teachers registry, training records,
 * the rule counts and figures, and their JSON API. */
#include "training.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "dataio.h"
#include "need.h"
#include "ui/i18n.h"

/* ---- pure logic ------------------------------------------------------------------ */

const char *const training_categories[] = {"ethnic_counselling", "it", "subject", "other", NULL};

int training_category_ok(const char *s)
{
    for (const char *const *c = training_categories; s && *c; c++)
        if (!strcmp(*c, s)) return 1;
    return 0;
}

const char *training_category_label(Req *r, const char *c)
{
    if (!c) return "";
    if (!strcmp(c, "ethnic_counselling")) return T(r, "Ethnic-unity education and counselling");
    if (!strcmp(c, "it")) return T(r, "IT teaching");
    if (!strcmp(c, "subject")) return T(r, "Subject teaching");
    if (!strcmp(c, "other")) return T(r, "Other");
    return c;
}

int training_hours_ok(double h)
{
    if (!isfinite(h) || !(h > 0) || h > 500) return 0;
    double t = h * 10;
    return fabs(t - nearbyint(t)) < 1e-6;
}

int training_hours_parse(const char *s, double *out)
{
    double v;
    if (!s || !io_parse_number(s, &v) || !training_hours_ok(v)) return 0;
    *out = nearbyint(v * 10) / 10;
    return 1;
}

int training_date_ok(const char *date, int year, const char *today)
{
    if (!need_date_ok(date) || atoi(date) != year) return 0;
    return !today || strcmp(date, today) <= 0;
}

int training_meets_ethnic(double hours)
{
    return llround(hours * 10) >= llround(TRAINING_ETHNIC_HOURS * 10);
}

int training_meets_it(double hours)
{
    return llround(hours * 10) >= llround(TRAINING_IT_HOURS * 10);
}

double training_share(int64_t meeting, int64_t total)
{
    return total > 0 ? 100.0 * (double)meeting / (double)total : 0;
}

TargetStatus training_share_status(int64_t meeting, int64_t total)
{
    if (total <= 0) return STATUS_NO_DATA;
    if (meeting >= total) return STATUS_ON_TRACK;
    return (double)meeting >= STATUS_MIN_TOLERANCE * (double)total ? STATUS_AT_RISK
                                                                   : STATUS_OFF_TRACK;
}

void training_today(char out[11])
{
    time_t t = (time_t)(now_s() + 8 * 3600); /* Asia/Shanghai, no daylight saving */
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[48];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    memcpy(out, buf, 10);
    out[10] = 0;
}

int training_this_year(void)
{
    char d[11];
    training_today(d);
    return atoi(d);
}

int training_name_ok(const char *s)
{
    if (!s || !valid_text(s, 200)) return 0;
    size_t chars = 0;
    int blank = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80) chars++;
        if (*p != ' ' && *p != '\t' && *p != '\n') blank = 0;
    }
    return !blank && chars >= 1 && chars <= 50;
}

/* ---- helpers shared with team.c and the pages ------------------------------------ */

int training_org_in_reach(Req *r, const char *code, Cap cap, Org *o)
{
    int f = code && valid_code(code) ? org_load(r->db, r->arena, code, o) : 0;
    if (f < 0) {
        training_db_error(r);
        return -1;
    }
    if (!f || !can(r, cap, o->path) || !strcmp(o->kind, "partner")) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

const char *training_top_unit(Req *r, Cap cap)
{
    const char *best = NULL;
    size_t len = 0;
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (!(role_caps(g->role) & CAPBIT(cap)) || !strcmp(g->org_kind, "partner")) continue;
        if (!best || strlen(g->org_path) < len) {
            best = g->org_code;
            len = strlen(g->org_path);
        }
    }
    return best;
}

int training_year_param(Req *r, int64_t *year)
{
    const char *ys = req_query(r, "year");
    *year = training_this_year();
    if (ys && *ys && !parse_int(ys, 2020, training_this_year() + 1, year)) {
        req_error(r, 400, "bad_param", T(r, "year must be a year from 2020 to next year."));
        return 0;
    }
    return 1;
}

void training_invalid(Req *r, const char *field, const char *why)
{
    req_error(r, 422, "invalid", arena_printf(r->arena, "%s %s", field, why));
}

void training_db_error(Req *r)
{
    req_error(r, 500, "internal", db_errmsg(r->db));
}

/* ---- teachers ---------------------------------------------------------------------- */

void teacher_row(DbStmt *s, Arena *a, Teacher *t)
{
    memset(t, 0, sizeof *t);
    t->id = db_col_int(s, 0);
    t->school_id = db_col_int(s, 1);
    t->school_code = arena_strdup(a, db_col_text(s, 2));
    t->school_name = arena_strdup(a, db_col_text(s, 3));
    t->school_path = arena_strdup(a, db_col_text(s, 4));
    t->name = arena_strdup(a, db_col_text(s, 5));
    t->subject = arena_strdup(a, db_col_text(s, 6));
    t->active = (int)db_col_int(s, 7);
    t->created_by = arena_strdup(a, db_col_text(s, 8));
    t->created_at = db_col_int(s, 9);
    t->school_is_helper = (int)db_col_int(s, 10);
}

int teacher_load(Db *db, Arena *a, int64_t id, Teacher *out)
{
    DbStmt *s = db_q(db,
                     "SELECT " TEACHER_COLS " FROM teachers t JOIN orgs o ON o.id = t.school_id"
                     " WHERE t.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        teacher_row(s, a, out);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    return f;
}

json_t *teacher_json(const Teacher *t)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:s,s:I}", "id", (json_int_t)t->id, "school",
                     t->school_code, "school_name", t->school_name, "name", t->name, "subject",
                     t->subject, "active", t->active, "created_by", t->created_by, "created_at",
                     (json_int_t)t->created_at);
}

int64_t teacher_insert(Db *db, const char *actor, int64_t school_id, const char *school_path,
                       const char *name, const char *subject, int *dbrc)
{
    int64_t now = now_s(), id = 0;
    DbStmt *s =
        db_q(db,
             "INSERT INTO teachers(school_id, name, subject, active, created_by, created_at)"
             " VALUES (?,?,?,1,?,?) RETURNING id",
             "isssi", school_id, name, subject ? subject : "", actor, now);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    if (!id) {
        *dbrc = rc == DB_DONE || rc == DB_ROW ? DB_ERROR : rc;
        return 0;
    }
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    json_t *after =
        json_pack("{s:I,s:I,s:s,s:s}", "id", (json_int_t)id, "school_id", (json_int_t)school_id,
                  "name", name, "subject", subject ? subject : "");
    *dbrc = audit_log(db, actor, "teacher.create", "teacher", key, school_path, NULL, after);
    json_decref(after);
    return *dbrc == DB_OK ? id : 0;
}

int teacher_name_taken(Db *db, int64_t school_id, const char *name, int64_t self)
{
    int64_t n = 0;
    int f = db_int(db, &n,
                   "SELECT count(*) FROM teachers WHERE school_id = ? AND name = ? AND active = 1"
                   " AND id <> ?",
                   "isi", school_id, name, self);
    return f < 0 ? -1 : n > 0;
}

/* ---- records ----------------------------------------------------------------------- */

void record_row(DbStmt *s, Arena *a, TrainingRecord *t)
{
    memset(t, 0, sizeof *t);
    t->id = db_col_int(s, 0);
    t->teacher_id = db_col_int(s, 1);
    t->school_id = db_col_int(s, 2);
    t->teacher_name = arena_strdup(a, db_col_text(s, 3));
    t->school_code = arena_strdup(a, db_col_text(s, 4));
    t->school_path = arena_strdup(a, db_col_text(s, 5));
    t->year = (int)db_col_int(s, 6);
    t->category = arena_strdup(a, db_col_text(s, 7));
    t->hours = db_col_double(s, 8);
    t->title = arena_strdup(a, db_col_text(s, 9));
    t->provider = arena_strdup(a, db_col_text(s, 10));
    t->held_on = arena_strdup(a, db_col_text(s, 11));
    t->created_by = arena_strdup(a, db_col_text(s, 12));
    t->created_at = db_col_int(s, 13);
}

int training_record_load(Db *db, Arena *a, int64_t id, TrainingRecord *out)
{
    DbStmt *s = db_q(db,
                     "SELECT " RECORD_COLS " FROM training_records r"
                     " JOIN teachers t ON t.id = r.teacher_id JOIN orgs o ON o.id = t.school_id"
                     " WHERE r.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        record_row(s, a, out);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    return f;
}

json_t *training_record_json(const TrainingRecord *t)
{
    return json_pack("{s:I,s:I,s:s,s:s,s:i,s:s,s:f,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)t->id,
                     "teacher", (json_int_t)t->teacher_id, "teacher_name", t->teacher_name,
                     "school", t->school_code, "year", t->year, "category", t->category, "hours",
                     t->hours, "title", t->title, "provider", t->provider, "held_on", t->held_on,
                     "created_by", t->created_by, "created_at", (json_int_t)t->created_at);
}

int64_t training_record_insert(Db *db, const char *actor, const Teacher *t, int year,
                               const char *category, double hours, const char *title,
                               const char *provider, const char *held_on, int *dbrc)
{
    int64_t now = now_s(), id = 0;
    DbStmt *s = db_q(db,
                     "INSERT INTO training_records(teacher_id, year, category, hours, title,"
                     " provider, held_on, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)"
                     " RETURNING id",
                     "iisdssssi", t->id, (int64_t)year, category, hours, title,
                     provider ? provider : "", held_on, actor, now);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    if (!id) {
        *dbrc = rc == DB_DONE || rc == DB_ROW ? DB_ERROR : rc;
        return 0;
    }
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    json_t *after =
        json_pack("{s:I,s:I,s:i,s:s,s:f,s:s,s:s,s:s}", "id", (json_int_t)id, "teacher",
                  (json_int_t)t->id, "year", year, "category", category, "hours", hours, "title",
                  title, "provider", provider ? provider : "", "held_on", held_on);
    *dbrc = audit_log(db, actor, "training.create", "training", key, t->school_path, NULL, after);
    json_decref(after);
    return *dbrc == DB_OK ? id : 0;
}

/* ---- counts and figures ----------------------------------------------------------------- */

/* A teacher's hours of a category in tenths, as an SQL expression over teacher t and
 * the year bound at its place. The queries below start from the organisations
 * (CROSS JOIN keeps SQLite from scanning every teacher for one school's path). */
#define TENTHS(cat)                                                                                \
    "(SELECT COALESCE(sum(round(x.hours * 10)), 0) FROM training_records x"                        \
    " WHERE x.teacher_id = t.id AND x.year = ? AND x.category = '" cat "')"
#define E_TENTHS TENTHS("ethnic_counselling")
#define I_TENTHS TENTHS("it")
#define S_TENTHS TENTHS("subject")
#define O_TENTHS TENTHS("other")

int training_counts(Db *db, const char *path, int year, TrainingCounts *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *s = db_q(db,
                     "SELECT count(*), COALESCE(sum(CASE WHEN q.e >= 400 THEN 1 ELSE 0 END), 0),"
                     " COALESCE(sum(CASE WHEN q.i >= 300 THEN 1 ELSE 0 END), 0),"
                     " COALESCE(sum(CASE WHEN q.e >= 400 AND q.i >= 300 THEN 1 ELSE 0 END), 0)"
                     " FROM (SELECT t.id, " E_TENTHS " AS e, " I_TENTHS " AS i"
                     " FROM orgs o CROSS JOIN teachers t WHERE t.school_id = o.id"
                     " AND t.active = 1 AND substr(o.path, 1, length(CAST(? AS TEXT))) = ?) q",
                     "iiss", (int64_t)year, (int64_t)year, path, path);
    if (!s) return -1;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->teachers = db_col_int(s, 0);
        out->ethnic_ok = db_col_int(s, 1);
        out->it_ok = db_col_int(s, 2);
        out->both_ok = db_col_int(s, 3);
    }
    db_done(s);
    return rc == DB_ROW ? 0 : -1;
}

int training_counts_split(Db *db, const char *path, int year, const char *const *kids, int n,
                          TrainingCounts *per_kid, TrainingCounts *total)
{
    memset(total, 0, sizeof *total);
    for (int k = 0; k < n; k++) memset(&per_kid[k], 0, sizeof per_kid[k]);
    DbStmt *s = db_q(db,
                     "SELECT o.path, " E_TENTHS ", " I_TENTHS
                     " FROM orgs o CROSS JOIN teachers t WHERE t.school_id = o.id"
                     " AND t.active = 1 AND substr(o.path, 1, length(CAST(? AS TEXT))) = ?",
                     "iiss", (int64_t)year, (int64_t)year, path, path);
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *p = db_col_text(s, 0);
        int e = db_col_int(s, 1) >= 400, it = db_col_int(s, 2) >= 300;
        TrainingCounts *c[2] = {total, NULL};
        for (int k = 0; k < n && !c[1]; k++)
            if (!strncmp(p, kids[k], strlen(kids[k]))) c[1] = &per_kid[k];
        for (int j = 0; j < 2 && c[j]; j++) {
            c[j]->teachers++;
            c[j]->ethnic_ok += e;
            c[j]->it_ok += it;
            c[j]->both_ok += e && it;
        }
    }
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

int training_feed_school(FeedBatch *f, Db *db, int64_t school_id, int year)
{
    const char *path = NULL;
    char buf[256];
    DbStmt *s = db_q(db, "SELECT path FROM orgs WHERE id = ?", "i", school_id);
    if (s && db_step(s) == DB_ROW) {
        snprintf(buf, sizeof buf, "%s", db_col_text(s, 0));
        path = buf;
    }
    db_done(s);
    TrainingCounts c;
    if (!path || training_counts(db, path, year, &c) != 0) return -1;
    char period[8];
    snprintf(period, sizeof period, "%d", year);
    if (feed_put(f, school_id, "teachers_in_registry", period, (double)c.teachers) ||
        feed_put(f, school_id, "teachers_ethnic_40h", period, (double)c.ethnic_ok) ||
        feed_put(f, school_id, "teachers_it_30h", period, (double)c.it_ok))
        return -1;
    return 0;
}

int training_feed_all(FeedBatch *f, Db *db, int year)
{
    DbStmt *s =
        db_q(db,
             "SELECT o.id, count(q.id), COALESCE(sum(CASE WHEN q.e >= 400 THEN 1 ELSE 0"
             " END), 0), COALESCE(sum(CASE WHEN q.i >= 300 THEN 1 ELSE 0 END), 0)"
             " FROM orgs o LEFT JOIN (SELECT t.id, t.school_id, " E_TENTHS " AS e, " I_TENTHS
             " AS i FROM teachers t WHERE t.active = 1) q ON q.school_id = o.id"
             " WHERE o.kind = 'school' GROUP BY o.id",
             "ii", (int64_t)year, (int64_t)year);
    if (!s) return -1;
    char period[8];
    snprintf(period, sizeof period, "%d", year);
    int rc, bad = 0;
    while (!bad && (rc = db_step(s)) == DB_ROW) {
        int64_t id = db_col_int(s, 0);
        bad = feed_put(f, id, "teachers_in_registry", period, (double)db_col_int(s, 1)) ||
              feed_put(f, id, "teachers_ethnic_40h", period, (double)db_col_int(s, 2)) ||
              feed_put(f, id, "teachers_it_30h", period, (double)db_col_int(s, 3));
    }
    db_done(s);
    return bad || (rc != DB_DONE && rc != DB_ROW) ? -1 : 0;
}

int training_years_of_school(Db *db, int64_t school_id, int *out, int max)
{
    int n = 0, this_year = training_this_year();
    DbStmt *s = db_q(db,
                     "SELECT DISTINCT r.year FROM training_records r JOIN teachers t"
                     " ON t.id = r.teacher_id WHERE t.school_id = ? ORDER BY r.year",
                     "i", school_id);
    if (!s) return -1;
    int rc, have_now = 0;
    while ((rc = db_step(s)) == DB_ROW && n < max - 1) {
        out[n] = (int)db_col_int(s, 0);
        have_now |= out[n] == this_year;
        n++;
    }
    db_done(s);
    if (rc != DB_ROW && rc != DB_DONE) return -1;
    if (!have_now && n < max) out[n++] = this_year;
    return n;
}

int training_teacher_hours(Db *db, Arena *a, const char *path, int year, int short_only, int max,
                           TeacherHours **out, int *more)
{
    *more = 0;
    *out = arena_alloc(a, sizeof **out * (size_t)(max > 0 ? max : 1));
    DbStmt *s = db_q(db,
                     "SELECT q.id, q.name, q.subject, q.code, q.name_zh, q.e, q.i, q.s, q.o FROM"
                     " (SELECT t.id, t.name, t.subject, o.code, o.name_zh, " E_TENTHS
                     " AS e, " I_TENTHS " AS i, " S_TENTHS " AS s, " O_TENTHS " AS o"
                     " FROM orgs o CROSS JOIN teachers t WHERE t.school_id = o.id"
                     " AND t.active = 1 AND substr(o.path, 1, length(CAST(? AS TEXT))) = ?) q"
                     " WHERE CAST(? AS BIGINT) = 0 OR q.e < 400 OR q.i < 300"
                     " ORDER BY q.code, q.name, q.id LIMIT ?",
                     "iiiissii", (int64_t)year, (int64_t)year, (int64_t)year, (int64_t)year, path,
                     path, (int64_t)short_only, (int64_t)max + 1);
    if (!s) return -1;
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == max) {
            *more = 1;
            break;
        }
        TeacherHours *h = &(*out)[n++];
        h->id = db_col_int(s, 0);
        h->name = arena_strdup(a, db_col_text(s, 1));
        h->subject = arena_strdup(a, db_col_text(s, 2));
        h->school_code = arena_strdup(a, db_col_text(s, 3));
        h->school_name = arena_strdup(a, db_col_text(s, 4));
        h->ethnic = db_col_double(s, 5) / 10;
        h->it = db_col_double(s, 6) / 10;
        h->subject_h = db_col_double(s, 7) / 10;
        h->other = db_col_double(s, 8) / 10;
        h->ethnic_ok = training_meets_ethnic(h->ethnic);
        h->it_ok = training_meets_it(h->it);
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? n : -1;
}

int training_refeed(Db *db, const char *actor, int64_t school_id, const char *school_path,
                    const int *years, int nyears)
{
    FeedBatch *f = feed_begin(db, actor);
    if (!f) return DB_ERROR;
    for (int i = 0; i < nyears; i++)
        if (training_feed_school(f, db, school_id, years[i]) != 0) break;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)school_id);
    char err[256];
    if (feed_end(f, "feed.training", key, school_path, err, sizeof err) != 0) {
        fprintf(stderr, "huiju: training figures: %s\n", err);
        return DB_ERROR;
    }
    return DB_OK;
}

int training_record_exists(Db *db, int64_t teacher, const char *category, const char *title,
                           const char *held_on)
{
    int64_t n = 0;
    int f = db_int(db, &n,
                   "SELECT count(*) FROM training_records WHERE teacher_id = ? AND category = ?"
                   " AND title = ? AND held_on = ?",
                   "isss", teacher, category, title, held_on);
    return f < 0 ? -1 : n > 0;
}
