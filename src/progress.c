/* progress.c — see progress.h: milestones, progress reports and evidence files:
 * the rules, the store and the JSON API. */
#include "progress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "audit.h"
#include "core/period.h"
#include "core/util.h"
#include "files.h"
#include "need.h"
#include "ui/i18n.h"

/* ---- pure logic ------------------------------------------------------------------ */

void progress_date_of(int64_t t, char out[11])
{
    time_t s = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&s, &tm);
    if (!strftime(out, 11, "%Y-%m-%d", &tm)) out[0] = 0;
}

void progress_today(char out[11])
{
    progress_date_of(now_s(), out);
}

int64_t progress_day_number(const char *d)
{
    int y = atoi(d), m = atoi(d + 5), dd = atoi(d + 8);
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d[m - 1] + (m == 2 && leap);
}

int progress_quarter_ok(const char *q, char first[11], char last[11])
{
    Period p;
    char canon[16], buf[32];
    if (!q || strlen(q) != 6 || !period_parse(q, &p) || p.kind != PERIOD_QUARTER) return 0;
    period_format(&p, canon, sizeof canon);
    if (strcmp(canon, q) || p.year < 2000 || p.year > 2100) return 0;
    int y1 = p.first / 12, m1 = p.first % 12 + 1, y2 = p.last / 12, m2 = p.last % 12 + 1;
    snprintf(buf, sizeof buf, "%04d-%02d-01", y1, m1);
    memcpy(first, buf, 11);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y2, m2, days_in(y2, m2));
    memcpy(last, buf, 11);
    return 1;
}

const char *milestone_state(const Milestone *m, const char *today)
{
    if (m->done_on) return "done";
    return strcmp(m->due_date, today) < 0 ? "late" : "due";
}

/* The number of UTF-8 characters of s. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Whether a figure's name is fit: 1–40 characters of one-line text, not blank. */
static int figure_name_ok(const char *k)
{
    if (!valid_text(k, 4 * PROGRESS_MAX_FIGURE_NAME) || strchr(k, '\n') || strchr(k, '\t'))
        return 0;
    size_t n = utf8_chars(k);
    if (n == 0 || n > PROGRESS_MAX_FIGURE_NAME) return 0;
    for (const char *c = k; *c; c++)
        if (*c != ' ') return 1;
    return 0;
}

int progress_figures_ok(json_t *figures, const char **why)
{
    if (!json_is_object(figures)) {
        *why = "must be an object of name → number";
        return 0;
    }
    if (json_object_size(figures) > PROGRESS_MAX_FIGURES) {
        *why = "must hold at most 20 figures";
        return 0;
    }
    const char *k;
    json_t *v;
    json_object_foreach(figures, k, v)
    {
        if (!figure_name_ok(k)) {
            *why = "names must be 1 to 40 characters of one-line text";
            return 0;
        }
        if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
            fabs(json_number_value(v)) > 1e15) {
            *why = "values must be numbers";
            return 0;
        }
    }
    return 1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

int progress_figures_parse(Req *r, const char *text, json_t **out, const char **why)
{
    *out = json_object();
    char *copy = arena_strdup(r->arena, text ? text : ""), *save = NULL;
    int line = 0;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        char *s = trim(l);
        if (!*s) continue;
        /* the value follows the last ':', '=' or '：' */
        char *sep = NULL;
        int seplen = 1;
        for (char *c = s; *c; c++) {
            if (*c == ':' || *c == '=')
                sep = c, seplen = 1;
            else if (!strncmp(c, "\xEF\xBC\x9A", 3))
                sep = c, seplen = 3;
        }
        const char *bad = NULL;
        double v = 0;
        if (!sep) {
            bad = T(r, "write name: number");
        } else {
            *sep = 0;
            char *name = trim(s), *val = trim(sep + seplen), *end = NULL;
            v = *val ? strtod(val, &end) : NAN;
            if (!figure_name_ok(name))
                bad = T(r, "the name must be 1 to 40 characters");
            else if (!end || *end || !isfinite(v) || fabs(v) > 1e15)
                bad = T(r, "the value must be a number");
            else if (json_object_get(*out, name))
                bad = T(r, "the name is given twice");
            else if (json_object_size(*out) >= PROGRESS_MAX_FIGURES)
                bad = T(r, "at most 20 figures");
            else
                json_object_set_new(*out, name,
                                    v == floor(v) && fabs(v) < 1e15 ? json_integer((json_int_t)v)
                                                                    : json_real(v));
        }
        if (bad) {
            *why = arena_printf(r->arena, "%s %d: %s", T(r, "line"), line, bad);
            json_decref(*out);
            *out = NULL;
            return 0;
        }
    }
    return 1;
}

int progress_milestones_open(const char *s)
{
    return s && (!strcmp(s, "approved") || !strcmp(s, "in_progress") || !strcmp(s, "suspended"));
}
int progress_reports_open(const char *s)
{
    return s && (!strcmp(s, "in_progress") || !strcmp(s, "suspended"));
}
int progress_files_open(const char *s)
{
    return progress_reports_open(s) || (s && !strcmp(s, "completed"));
}

const char *const progress_ms_open[] = {"approved", "in_progress", "suspended", NULL};
const char *const progress_rep_open[] = {"in_progress", "suspended", NULL};
const char *const progress_file_open[] = {"in_progress", "suspended", "completed", NULL};
#define MS_OPEN progress_ms_open
#define REP_OPEN progress_rep_open
#define FILE_OPEN progress_file_open

/* ---- the store --------------------------------------------------------------------- */

static const char *dup_or_null(Arena *a, DbStmt *s, int i)
{
    return db_col_is_null(s, i) ? NULL : arena_strdup(a, db_col_text(s, i));
}

#define MS_COLS                                                                                    \
    "id, project_id, quarter, title, due_date, done_on, created_by, created_at, updated_at"

static void ms_row(DbStmt *s, Arena *a, Milestone *m)
{
    memset(m, 0, sizeof *m);
    m->id = db_col_int(s, 0);
    m->project_id = db_col_int(s, 1);
    m->quarter = arena_strdup(a, db_col_text(s, 2));
    m->title = arena_strdup(a, db_col_text(s, 3));
    m->due_date = arena_strdup(a, db_col_text(s, 4));
    m->done_on = dup_or_null(a, s, 5);
    m->created_by = arena_strdup(a, db_col_text(s, 6));
    m->created_at = db_col_int(s, 7);
    m->updated_at = db_col_int(s, 8);
}

#define REP_COLS                                                                                   \
    "id, project_id, milestone_id, reported_on, body, figures, percent_done, created_by,"          \
    " created_at"

static void rep_row(DbStmt *s, Arena *a, Report *rp)
{
    memset(rp, 0, sizeof *rp);
    rp->id = db_col_int(s, 0);
    rp->project_id = db_col_int(s, 1);
    rp->milestone_id = db_col_is_null(s, 2) ? 0 : db_col_int(s, 2);
    rp->reported_on = arena_strdup(a, db_col_text(s, 3));
    rp->body = arena_strdup(a, db_col_text(s, 4));
    rp->figures = arena_strdup(a, db_col_text(s, 5));
    rp->percent_done = (int)db_col_int(s, 6);
    rp->created_by = arena_strdup(a, db_col_text(s, 7));
    rp->created_at = db_col_int(s, 8);
}

#define EV_COLS                                                                                    \
    "e.id, e.report_id, pr.project_id, e.name, e.mime, e.size, e.sha256, e.created_by,"            \
    " e.created_at"

static void ev_row(DbStmt *s, Arena *a, Evidence *e)
{
    memset(e, 0, sizeof *e);
    e->id = db_col_int(s, 0);
    e->report_id = db_col_int(s, 1);
    e->project_id = db_col_int(s, 2);
    e->name = arena_strdup(a, db_col_text(s, 3));
    e->mime = arena_strdup(a, db_col_text(s, 4));
    e->size = db_col_int(s, 5);
    e->sha256 = arena_strdup(a, db_col_text(s, 6));
    e->created_by = arena_strdup(a, db_col_text(s, 7));
    e->created_at = db_col_int(s, 8);
}

/* Steps s once: 1 with the row read by fn, 0 none, -1 error; gives s back. */
#define LOAD_ONE(s, fn, a, out)                                                                    \
    do {                                                                                           \
        if (!(s)) return -1;                                                                       \
        int rc_ = db_step(s), f_ = 0;                                                              \
        if (rc_ == DB_ROW) {                                                                       \
            fn((s), (a), (out));                                                                   \
            f_ = 1;                                                                                \
        } else if (rc_ != DB_DONE) {                                                               \
            f_ = -1;                                                                               \
        }                                                                                          \
        db_done(s);                                                                                \
        return f_;                                                                                 \
    } while (0)

int milestone_load(Db *db, Arena *a, int64_t project_id, int64_t id, Milestone *out)
{
    DbStmt *s = db_q(db, "SELECT " MS_COLS " FROM milestones WHERE id = ? AND project_id = ?", "ii",
                     id, project_id);
    LOAD_ONE(s, ms_row, a, out);
}

int report_load(Db *db, Arena *a, int64_t project_id, int64_t id, Report *out)
{
    DbStmt *s =
        db_q(db, "SELECT " REP_COLS " FROM progress_reports WHERE id = ? AND project_id = ?", "ii",
             id, project_id);
    LOAD_ONE(s, rep_row, a, out);
}

int evidence_load(Db *db, Arena *a, int64_t id, Evidence *out)
{
    DbStmt *s = db_q(db,
                     "SELECT " EV_COLS " FROM evidence_files e"
                     " JOIN progress_reports pr ON pr.id = e.report_id WHERE e.id = ?",
                     "i", id);
    LOAD_ONE(s, ev_row, a, out);
}

int milestones_each(Req *r, int64_t project_id, void (*fn)(Req *, const Milestone *, void *),
                    void *ctx)
{
    DbStmt *s = db_q(r->db,
                     "SELECT " MS_COLS " FROM milestones WHERE project_id = ?"
                     " ORDER BY due_date, id",
                     "i", project_id);
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        Milestone m;
        ms_row(s, r->arena, &m);
        fn(r, &m, ctx);
    }
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

int reports_each(Req *r, int64_t project_id, void (*fn)(Req *, const Report *, void *), void *ctx)
{
    DbStmt *s = db_q(r->db,
                     "SELECT " REP_COLS " FROM progress_reports WHERE project_id = ?"
                     " ORDER BY reported_on DESC, id DESC",
                     "i", project_id);
    if (!s) return -1;
    int rc, n = 0;
    Report *all = NULL;
    size_t cap = 0;
    /* read them all first: fn may run queries of its own */
    while ((rc = db_step(s)) == DB_ROW) {
        if ((size_t)n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            Report *b = arena_alloc(r->arena, sizeof *b * ncap);
            if (n) memcpy(b, all, sizeof *b * (size_t)n);
            all = b;
            cap = ncap;
        }
        rep_row(s, r->arena, &all[n++]);
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    for (int i = 0; i < n; i++)
        fn(r, &all[i], ctx);
    return 0;
}

int evidence_each(Req *r, int64_t report_id, void (*fn)(Req *, const Evidence *, void *), void *ctx)
{
    DbStmt *s = db_q(r->db,
                     "SELECT " EV_COLS " FROM evidence_files e"
                     " JOIN progress_reports pr ON pr.id = e.report_id WHERE e.report_id = ?"
                     " ORDER BY e.id",
                     "i", report_id);
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        Evidence e;
        ev_row(s, r->arena, &e);
        fn(r, &e, ctx);
    }
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *milestone_json(const Milestone *m, const char *today)
{
    json_t *j =
        json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:s,s:s,s:I,s:I}", "id", (json_int_t)m->id,
                  "project_id", (json_int_t)m->project_id, "quarter", m->quarter, "title", m->title,
                  "due_date", m->due_date, "done_on", str_or_null(m->done_on), "state",
                  milestone_state(m, today), "created_by", m->created_by, "created_at",
                  (json_int_t)m->created_at, "updated_at", (json_int_t)m->updated_at);
    return j;
}

json_t *evidence_json(const Evidence *e)
{
    char url[64];
    snprintf(url, sizeof url, "/api/v1/files/%lld", (long long)e->id);
    return json_pack("{s:I,s:I,s:I,s:s,s:s,s:I,s:s,s:s,s:I,s:s}", "id", (json_int_t)e->id,
                     "report_id", (json_int_t)e->report_id, "project_id", (json_int_t)e->project_id,
                     "name", e->name, "mime", e->mime, "size", (json_int_t)e->size, "sha256",
                     e->sha256, "created_by", e->created_by, "created_at",
                     (json_int_t)e->created_at, "url", url);
}

static void add_file(Req *r, const Evidence *e, void *ctx)
{
    (void)r;
    json_array_append_new(ctx, evidence_json(e));
}

/* The report's own fields (no files): the audit view too. */
static json_t *report_fields(const Report *rp)
{
    json_t *figs = json_loads(rp->figures ? rp->figures : "{}", 0, NULL);
    return json_pack("{s:I,s:I,s:o,s:s,s:s,s:o,s:i,s:s,s:I}", "id", (json_int_t)rp->id,
                     "project_id", (json_int_t)rp->project_id, "milestone_id",
                     rp->milestone_id ? json_integer(rp->milestone_id) : json_null(), "reported_on",
                     rp->reported_on, "body", rp->body, "figures", figs ? figs : json_object(),
                     "percent_done", rp->percent_done, "created_by", rp->created_by, "created_at",
                     (json_int_t)rp->created_at);
}

json_t *report_json(Req *r, const Report *rp)
{
    json_t *j = report_fields(rp), *files = json_array();
    evidence_each(r, rp->id, add_file, files);
    json_object_set_new(j, "files", files);
    return j;
}

/* ---- validation ---------------------------------------------------------------------- */

static int fail(const char **field, const char **why, const char *f, const char *w)
{
    if (!*field) {
        *field = f;
        *why = w;
    }
    return 0;
}
#define MFAIL(in, f, w) fail(&(in)->field, &(in)->why, (f), (w))

/* Whether s holds something other than spaces. */
static int has_text(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') return 1;
    return 0;
}

/* "in_progress, suspended" */
static const char *list_text(Req *r, const char *const *l)
{
    const char *out = "";
    for (int i = 0; l[i]; i++)
        out = arena_printf(r->arena, "%s%s%s", out, i ? ", " : "", l[i]);
    return out;
}

static const char *state_why(Req *r, const char *what, const Project *p, const char *const *ok)
{
    return arena_printf(r->arena, "%s (%s: %s); %s: %s", what, T(r, "the project is"), p->status,
                        T(r, "allowed while the project is"), list_text(r, ok));
}

/* Checks a whole milestone against its project. 1, or 0 with in's field set. */
static int check_milestone(Req *r, MilestoneInput *in, const Project *p, Milestone *m)
{
    char first[11], last[11], today[11];
    progress_today(today);
    if (!progress_quarter_ok(m->quarter, first, last))
        return MFAIL(in, "quarter", T(r, "must be a quarter written like 2026Q3"));
    if (!valid_text(m->title, 200) || !has_text(m->title))
        return MFAIL(in, "title", T(r, "must be 1 to 200 bytes of text, no control characters"));
    if (!m->due_date) m->due_date = arena_strdup(r->arena, last);
    if (!need_date_ok(m->due_date))
        return MFAIL(in, "due_date", T(r, "must be a real date written YYYY-MM-DD"));
    if (strcmp(m->due_date, first) < 0 || strcmp(m->due_date, last) > 0)
        return MFAIL(in, "due_date",
                     arena_printf(r->arena, "%s %s (%s – %s)", T(r, "must lie within the quarter"),
                                  m->quarter, first, last));
    if (strcmp(m->due_date, p->start_date) < 0 || strcmp(m->due_date, p->end_date) > 0)
        return MFAIL(in, "due_date",
                     arena_printf(r->arena, "%s (%s – %s)",
                                  T(r, "must lie within the project's span"), p->start_date,
                                  p->end_date));
    if (m->done_on) {
        if (!need_date_ok(m->done_on))
            return MFAIL(in, "done_on", T(r, "must be a real date written YYYY-MM-DD, or null"));
        if (strcmp(m->done_on, today) > 0)
            return MFAIL(in, "done_on", T(r, "must not be in the future"));
        if (strcmp(m->done_on, p->start_date) < 0)
            return MFAIL(in, "done_on",
                         arena_printf(r->arena, "%s (%s)",
                                      T(r, "must not be before the project's start"),
                                      p->start_date));
    }
    return 1;
}

static void ms_merge(const MilestoneInput *in, Milestone *m)
{
    if (in->has_quarter) m->quarter = in->quarter;
    if (in->has_title) m->title = in->title;
    if (in->has_due_date) m->due_date = in->due_date && *in->due_date ? in->due_date : NULL;
    if (in->has_done_on) m->done_on = in->done_on && *in->done_on ? in->done_on : NULL;
}

static json_t *ms_audit_json(const Milestone *m)
{
    json_t *j = milestone_json(m, "");
    json_object_del(j, "state");
    json_object_del(j, "created_at");
    json_object_del(j, "updated_at");
    return j;
}

/* Locks the project's row for the transaction when its status is one of `ok`
 * (a transition waits for us, or we for it). 1 locked, 0 the status is not one
 * of them, -1 error. */
static int lock_open(Req *r, int64_t project_id, const char *const *ok)
{
    const char *s[3] = {ok[0], ok[1] ? ok[1] : ok[0], ok[1] && ok[2] ? ok[2] : ok[0]};
    int64_t hit = 0;
    int rc = db_int(r->db, &hit,
                    "UPDATE projects SET percent_done = percent_done WHERE id = ?"
                    " AND status IN (?, ?, ?) RETURNING id",
                    "isss", project_id, s[0], s[1], s[2]);
    return rc < 0 ? -1 : rc;
}

ProgResult milestone_create(Req *r, const Project *p, MilestoneInput *in, Milestone *out,
                            const char **why)
{
    *why = NULL;
    if (!project_can(r, CAP_PROJECT_WRITE, p, "lead")) return PROG_FORBIDDEN;
    if (!progress_milestones_open(p->status)) {
        *why = state_why(r, T(r, "Milestones cannot be added now"), p, MS_OPEN);
        return PROG_CONFLICT;
    }
    if (!in->has_quarter) {
        MFAIL(in, "quarter", T(r, "is required: a quarter such as 2026Q3"));
        return PROG_INVALID;
    }
    if (!in->has_title) {
        MFAIL(in, "title", T(r, "is required"));
        return PROG_INVALID;
    }
    Milestone m = {.project_id = p->id, .created_by = r->auth.login};
    ms_merge(in, &m);
    if (!check_milestone(r, in, p, &m)) return PROG_INVALID;
    int64_t now = now_s();
    if (db_begin(r->db) != DB_OK) return PROG_ERROR;
    int lk = lock_open(r, p->id, MS_OPEN);
    int rc = lk == 1 ? DB_OK : DB_ERROR;
    if (rc == DB_OK) {
        DbStmt *s =
            db_q(r->db,
                 "INSERT INTO milestones(project_id, quarter, title, due_date, done_on,"
                 " created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
                 "isssssii", m.project_id, m.quarter, m.title, m.due_date, m.done_on, m.created_by,
                 now, now);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) m.id = db_col_int(s, 0);
        db_done(s);
        rc = m.id ? DB_OK : DB_ERROR;
    }
    m.created_at = m.updated_at = now;
    if (rc == DB_OK) {
        json_t *after = ms_audit_json(&m);
        rc = audit_log(r->db, r->auth.login, "milestone.create", "milestone",
                       arena_printf(r->arena, "%lld", (long long)m.id), p->lead_path, NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (lk == 0) {
            *why = state_why(r, T(r, "Milestones cannot be added now"), p, MS_OPEN);
            return PROG_CONFLICT;
        }
        return PROG_ERROR;
    }
    *out = m;
    return PROG_OK;
}

ProgResult milestone_update(Req *r, const Project *p, int64_t id, MilestoneInput *in,
                            Milestone *out, const char **why)
{
    *why = NULL;
    if (!project_can(r, CAP_PROJECT_WRITE, p, "lead")) return PROG_FORBIDDEN;
    Milestone old;
    int f = id ? milestone_load(r->db, r->arena, p->id, id, &old) : 0;
    if (f < 0) return PROG_ERROR;
    if (!f) return PROG_NOT_FOUND;
    if (!progress_milestones_open(p->status)) {
        *why = state_why(r, T(r, "Milestones cannot be changed now"), p, MS_OPEN);
        return PROG_CONFLICT;
    }
    Milestone m = old;
    ms_merge(in, &m);
    if (in->has_due_date && !m.due_date) {
        MFAIL(in, "due_date", T(r, "must be a real date written YYYY-MM-DD"));
        return PROG_INVALID;
    }
    if (!check_milestone(r, in, p, &m)) return PROG_INVALID;
    json_t *before = ms_audit_json(&old), *after = ms_audit_json(&m);
    if (json_equal(before, after)) {
        json_decref(before);
        json_decref(after);
        *out = old;
        return PROG_OK;
    }
    int64_t now = now_s();
    int rc = db_begin(r->db), lk = -1;
    if (rc == DB_OK) {
        lk = lock_open(r, p->id, MS_OPEN);
        rc = lk == 1 ? DB_OK : DB_ERROR;
    }
    if (rc == DB_OK)
        rc = db_run(r->db,
                    "UPDATE milestones SET quarter = ?, title = ?, due_date = ?, done_on = ?,"
                    " updated_at = ? WHERE id = ? AND project_id = ?",
                    "ssssiii", m.quarter, m.title, m.due_date, m.done_on, now, m.id, p->id);
    if (rc == DB_OK)
        rc = audit_log(r->db, r->auth.login,
                       m.done_on && !old.done_on ? "milestone.done" : "milestone.update",
                       "milestone", arena_printf(r->arena, "%lld", (long long)m.id), p->lead_path,
                       before, after);
    json_decref(before);
    json_decref(after);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (lk == 0) {
            *why = state_why(r, T(r, "Milestones cannot be changed now"), p, MS_OPEN);
            return PROG_CONFLICT;
        }
        return PROG_ERROR;
    }
    m.updated_at = now;
    *out = m;
    return PROG_OK;
}

ProgResult report_create(Req *r, const Project *p, ReportInput *in, Report *out, const char **why)
{
    *why = NULL;
    if (!project_can(r, CAP_PROJECT_WRITE, p, "lead")) return PROG_FORBIDDEN;
    if (!progress_reports_open(p->status)) {
        *why = state_why(r, T(r, "Progress reports cannot be written now"), p, REP_OPEN);
        return PROG_CONFLICT;
    }
    char today[11];
    progress_today(today);
    const char *fw = NULL;
    if (!in->body || !has_text(in->body) || !valid_text(in->body, PROGRESS_BODY_MAX)) {
        MFAIL(in, "body", T(r, "is required: 1 to 8000 bytes of text, no control characters"));
        return PROG_INVALID;
    }
    if (in->figures && !progress_figures_ok(in->figures, &fw)) {
        MFAIL(in, "figures", T(r, fw));
        return PROG_INVALID;
    }
    if (!in->has_percent || in->percent_done < 0 || in->percent_done > 100) {
        MFAIL(in, "percent_done", T(r, "is required: a whole number from 0 to 100"));
        return PROG_INVALID;
    }
    const char *on = in->reported_on && *in->reported_on ? in->reported_on : today;
    if (!need_date_ok(on)) {
        MFAIL(in, "reported_on", T(r, "must be a real date written YYYY-MM-DD"));
        return PROG_INVALID;
    }
    if (strcmp(on, today) > 0) {
        MFAIL(in, "reported_on", T(r, "must not be in the future"));
        return PROG_INVALID;
    }
    if (in->has_milestone && in->milestone_id) {
        Milestone m;
        int f = milestone_load(r->db, r->arena, p->id, in->milestone_id, &m);
        if (f < 0) return PROG_ERROR;
        if (!f) {
            MFAIL(in, "milestone_id", T(r, "must be a milestone of this project"));
            return PROG_INVALID;
        }
    }
    const char *low = T(r, "must not be lower than the previous report's");
    if (in->percent_done < p->percent_done) {
        MFAIL(in, "percent_done", arena_printf(r->arena, "%s (%d)", low, p->percent_done));
        return PROG_INVALID;
    }
    char *figs = json_dumps(in->figures ? in->figures : json_object(), JSON_COMPACT);
    if (!figs) return PROG_ERROR;
    Report rp = {.project_id = p->id,
                 .milestone_id = in->has_milestone ? in->milestone_id : 0,
                 .reported_on = arena_strdup(r->arena, on),
                 .body = in->body,
                 .figures = arena_strdup(r->arena, figs),
                 .percent_done = (int)in->percent_done,
                 .created_by = r->auth.login};
    free(figs);
    int64_t now = now_s(), hit = 0;
    int rc = db_begin(r->db);
    /* ONE conditional UPDATE: the status still allows reports and the percentage does not
     * fall, whatever another writer committed meanwhile */
    if (rc == DB_OK) {
        int f = db_int(r->db, &hit,
                       "UPDATE projects SET percent_done = ?, last_report_at = ? WHERE id = ?"
                       " AND status IN ('in_progress', 'suspended') AND percent_done <= ?"
                       " RETURNING id",
                       "iiii", (int64_t)rp.percent_done, now, p->id, (int64_t)rp.percent_done);
        rc = f < 0 ? DB_ERROR : DB_OK;
    }
    if (rc == DB_OK && hit) {
        DbStmt *s = db_q(r->db,
                         "INSERT INTO progress_reports(project_id, milestone_id, reported_on, body,"
                         " figures, percent_done, created_by, created_at)"
                         " VALUES (?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?) RETURNING id",
                         "iisssisi", rp.project_id, rp.milestone_id, rp.reported_on, rp.body,
                         rp.figures, (int64_t)rp.percent_done, rp.created_by, now);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) rp.id = db_col_int(s, 0);
        db_done(s);
        rc = rp.id ? DB_OK : DB_ERROR;
    }
    rp.created_at = now;
    if (rc == DB_OK && hit) {
        json_t *after = report_fields(&rp);
        rc = audit_log(r->db, r->auth.login, "progress.report", "progress_report",
                       arena_printf(r->arena, "%lld", (long long)rp.id), p->lead_path, NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK || !hit || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc != DB_OK) return PROG_ERROR;
        /* refused by the guard: say which of its conditions failed */
        DbStmt *s =
            db_q(r->db, "SELECT status, percent_done FROM projects WHERE id = ?", "i", p->id);
        int st = s ? db_step(s) : DB_ERROR;
        const char *status = st == DB_ROW ? arena_strdup(r->arena, db_col_text(s, 0)) : NULL;
        int64_t pct = st == DB_ROW ? db_col_int(s, 1) : 0;
        db_done(s);
        if (!status) return st == DB_DONE ? PROG_NOT_FOUND : PROG_ERROR;
        if (!progress_reports_open(status)) {
            Project q = *p;
            q.status = status;
            *why = state_why(r, T(r, "Progress reports cannot be written now"), &q, REP_OPEN);
            return PROG_CONFLICT;
        }
        if (!hit) {
            MFAIL(in, "percent_done", arena_printf(r->arena, "%s (%lld)", low, (long long)pct));
            return PROG_INVALID;
        }
        return PROG_ERROR;
    }
    *out = rp;
    return PROG_OK;
}

/* Whether a text file is markup a browser would render (HTML, SVG, XML): refused
 * even though it sniffs as text. */
static int looks_like_markup(const char *data, size_t n, const char *name)
{
    static const char *const ext[] = {".htm", ".html", ".xhtml", ".shtml", ".svg", ".xml",
                                      ".js",  ".mjs",  ".hta",   ".php",   NULL};
    size_t ln = name ? strlen(name) : 0;
    for (int i = 0; ext[i]; i++) {
        size_t k = strlen(ext[i]);
        if (ln >= k && !strcasecmp(name + ln - k, ext[i])) return 1;
    }
    size_t i = 0;
    if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) i = 3;
    while (i < n && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return i < n && data[i] == '<';
}

const char *progress_allowed_types(Req *r)
{
    return T(r, "PDF, PNG, JPEG, MP4 video, MP3 audio, Word (.docx), Excel (.xlsx), "
                "PowerPoint (.pptx) or plain text (UTF-8)");
}

ProgResult evidence_check(Req *r, const Part *file, const char **mime, const char **why)
{
    if (r->body_too_large || (file && file->len > PROGRESS_MAX_FILE)) {
        *why = T(r, "file must be at most 10 MiB");
        return PROG_TOO_LARGE;
    }
    if (!file || !file->filename) {
        *why = T(r, "file is required: send multipart/form-data with the file in a field named "
                    "file");
        return PROG_INVALID;
    }
    if (!file->len) {
        *why = T(r, "file is empty");
        return PROG_INVALID;
    }
    *mime = files_sniff(file->data, file->len, file->filename);
    if (!*mime || (!strncmp(*mime, "text/plain", 10) &&
                   looks_like_markup(file->data, file->len, file->filename))) {
        *why = arena_printf(r->arena, "%s %s", T(r, "file must be one of these types:"),
                            progress_allowed_types(r));
        return PROG_BAD_TYPE;
    }
    return PROG_OK;
}

ProgResult evidence_add(Req *r, const Project *p, int64_t rid, const Part *file, Evidence *out,
                        const char **why)
{
    *why = NULL;
    Report rp;
    int f = rid ? report_load(r->db, r->arena, p->id, rid, &rp) : 0;
    if (f < 0) return PROG_ERROR;
    if (!f) return PROG_NOT_FOUND;
    if (!project_can(r, CAP_PROJECT_WRITE, p, "lead")) return PROG_FORBIDDEN;
    if (!progress_files_open(p->status)) {
        *why = state_why(r, T(r, "Evidence cannot be added now"), p, FILE_OPEN);
        return PROG_CONFLICT;
    }
    const char *mime = NULL;
    ProgResult chk = evidence_check(r, file, &mime, why);
    if (chk != PROG_OK) return chk;
    int64_t count = 0;
    if (db_int(r->db, &count, "SELECT count(*) FROM evidence_files WHERE report_id = ?", "i", rid) <
        0)
        return PROG_ERROR;
    if (count >= PROGRESS_MAX_FILES) {
        *why = T(r, "file: a report holds at most 20 files");
        return PROG_INVALID;
    }
    Evidence e = {.report_id = rid,
                  .project_id = p->id,
                  .name = files_clean_name(r, file->filename),
                  .mime = mime,
                  .size = (int64_t)file->len,
                  .created_by = r->auth.login};
    char sha[65];
    if (files_store(r, file->data, file->len, sha)) return PROG_ERROR;
    e.sha256 = arena_strdup(r->arena, sha);
    int64_t now = now_s();
    int rc = db_begin(r->db), lk = -1;
    if (rc == DB_OK) {
        lk = lock_open(r, p->id, FILE_OPEN);
        rc = lk == 1 ? DB_OK : DB_ERROR;
    }
    if (rc == DB_OK) {
        DbStmt *s =
            db_q(r->db,
                 "INSERT INTO evidence_files(report_id, name, mime, size, sha256,"
                 " created_by, created_at) VALUES (?,?,?,?,?,?,?) RETURNING id",
                 "ississi", e.report_id, e.name, e.mime, e.size, e.sha256, e.created_by, now);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) e.id = db_col_int(s, 0);
        db_done(s);
        rc = e.id ? DB_OK : DB_ERROR;
    }
    e.created_at = now;
    if (rc == DB_OK) {
        json_t *after = evidence_json(&e);
        json_object_del(after, "url");
        rc = audit_log(r->db, r->auth.login, "evidence.add", "evidence_file",
                       arena_printf(r->arena, "%lld", (long long)e.id), p->lead_path, NULL, after);
        json_decref(after);
    }
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (lk == 0) {
            *why = state_why(r, T(r, "Evidence cannot be added now"), p, FILE_OPEN);
            return PROG_CONFLICT;
        }
        return PROG_ERROR;
    }
    *out = e;
    return PROG_OK;
}
