/* activity_demo_write.c — the activity demo's second half (see activity_demo.c):
 * the generated activities and bookings into the database, the demo people's own
 * bookings, the online parent school's courses and views, and every figure of the
 * records through one ValueWriter batch. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "activity_demo_int.h"
#include "core/buf.h"
#include "core/util.h"
#include "indicator.h"
#include "values.h"

#define PICK(list, i) ((list)[(i) % (sizeof(list) / sizeof((list)[0]))])

/* ---- writing ------------------------------------------------------------------------------ */

/* The activities, 40 rows a statement; their ids are read back in order. */
int ad_insert_activities(Ctx *c)
{
    int64_t before = 0;
    if (db_int(c->db, &before, "SELECT COALESCE(MAX(id), 0) FROM activities", "") != 1)
        return ad_fail(c, "activities");
    enum { ROWS = 40, COLS = 16 };
    for (int at = 0; at < c->nact; at += ROWS) {
        int n = c->nact - at < ROWS ? c->nact - at : ROWS;
        Buf sql;
        buf_init(&sql);
        buf_puts(&sql, "INSERT INTO activities(org_id, kind, title, description, place,"
                       " online_url, audience, starts_at, ends_at, capacity, booked,"
                       " booking_opens, booking_closes, cancel_until, checkin_code,"
                       " community_resource, status, created_by, created_at, updated_at) VALUES ");
        for (int i = 0; i < n; i++)
            buf_puts(&sql, i ? ",(?,?,?,'',?,?,?,?,?,?,?,?,?,?,?,?,?,'system',?,?)"
                             : "(?,?,?,'',?,?,?,?,?,?,?,?,?,?,?,?,?,'system',?,?)");
        DbStmt *s = db_prepare(c->db, sql.data);
        buf_free(&sql);
        if (!s) return ad_fail(c, "activities");
        for (int i = 0; i < n; i++) {
            const DAct *x = &c->act[at + i];
            int b = i * (COLS + 2);
            db_bind_int(s, b + 1, x->org_id);
            db_bind_text(s, b + 2, x->kind);
            db_bind_text(s, b + 3, x->title);
            db_bind_text(s, b + 4, x->place ? x->place : "");
            db_bind_text(s, b + 5, x->online ? x->online : "");
            db_bind_text(s, b + 6, x->audience);
            db_bind_int(s, b + 7, x->starts);
            db_bind_int(s, b + 8, x->ends);
            db_bind_int(s, b + 9, x->capacity);
            db_bind_int(s, b + 10, x->seats);
            db_bind_int(s, b + 11,
                        x->starts - 14 * 86400 < c->now - 86400 && !strcmp(x->status, "open")
                            ? c->now - 86400
                            : x->starts - 14 * 86400);
            db_bind_int(s, b + 12, x->starts - 3600);
            db_bind_int(s, b + 13, x->starts - 3 * 3600);
            db_bind_text(s, b + 14, x->code);
            db_bind_int(s, b + 15, x->community);
            db_bind_text(s, b + 16, x->status);
            db_bind_int(s, b + 17, x->starts - 15 * 86400);
            db_bind_int(s, b + 18,
                        !strcmp(x->status, "done") ? x->ends + 3600 : x->starts - 15 * 86400);
        }
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return ad_fail(c, "activities");
    }
    DbStmt *s = db_q(c->db, "SELECT id FROM activities WHERE id > ? ORDER BY id", "i", before);
    int k = 0;
    while (s && db_step(s) == DB_ROW && k < c->nact)
        c->act[k++].id = db_col_int(s, 0);
    db_done(s);
    return k == c->nact ? 0 : ad_fail(c, "activity ids");
}

/* The bookings: the ranges into a temporary table, then one INSERT … SELECT. */
int ad_insert_bookings(Ctx *c)
{
    if (db_exec(c->db, "CREATE TEMP TABLE demo_booking_ranges (activity_id BIGINT NOT NULL,"
                       " lo BIGINT NOT NULL, hi BIGINT NOT NULL, status TEXT NOT NULL,"
                       " created_at BIGINT NOT NULL, checked_in_at BIGINT)") != DB_OK)
        return ad_fail(c, "booking ranges");
    enum { ROWS = 150 };
    for (int at = 0; at < c->nrng; at += ROWS) {
        int n = c->nrng - at < ROWS ? c->nrng - at : ROWS;
        Buf sql;
        buf_init(&sql);
        buf_puts(&sql, "INSERT INTO demo_booking_ranges VALUES ");
        for (int i = 0; i < n; i++)
            buf_puts(&sql, i ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)");
        DbStmt *s = db_prepare(c->db, sql.data);
        buf_free(&sql);
        if (!s) return ad_fail(c, "booking ranges");
        for (int i = 0; i < n; i++) {
            const DRange *g = &c->rng[at + i];
            const DAct *x = &c->act[g->act];
            int64_t base = c->base[g->school];
            db_bind_int(s, 6 * i + 1, x->id);
            db_bind_int(s, 6 * i + 2, base + g->lo);
            db_bind_int(s, 6 * i + 3, base + g->hi);
            db_bind_text(s, 6 * i + 4, g->attended ? "attended" : "booked");
            db_bind_int(s, 6 * i + 5, x->starts - 7 * 86400 + (int64_t)g->lo % 86400);
            if (g->attended)
                db_bind_int(s, 6 * i + 6, x->starts + 600);
            else
                db_bind_null(s, 6 * i + 6);
        }
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return ad_fail(c, "booking ranges");
    }
    int rc =
        db_exec(c->db, "INSERT INTO bookings(activity_id, user_id, status, arrival, created_at,"
                       " updated_at, checked_in_at, checked_in_by)"
                       " SELECT r.activity_id, u.id, r.status, u.id, r.created_at, r.created_at,"
                       " r.checked_in_at, CASE WHEN r.checked_in_at IS NULL THEN NULL"
                       " ELSE 'system' END FROM demo_booking_ranges r"
                       " JOIN users u ON u.id >= r.lo AND u.id < r.hi");
    if (rc != DB_OK) return ad_fail(c, "bookings");
    if (db_exec(c->db, "DROP TABLE demo_booking_ranges") != DB_OK)
        return ad_fail(c, "booking ranges");
    return 0;
}

/* parent and parent2: two past activities attended, upcoming bookings, and
 * parent2 on the waiting list of a full guidance day. */
int ad_demo_people(Ctx *c)
{
    int64_t parent = 0, parent2 = 0;
    db_int(c->db, &parent, "SELECT id FROM users WHERE login = 'parent'", "");
    db_int(c->db, &parent2, "SELECT id FROM users WHERE login = 'parent2'", "");
    int school = -1;
    for (int i = 0; i < c->nschools; i++)
        if (!strcmp(c->plan[i].code, "6531210001")) school = i;
    if (!parent || school < 0) return 0;
    /* two done activities of the school this year, one of them a guidance day */
    int year;
    activity_month_of(c->now, &year, NULL, NULL, NULL);
    int64_t yfrom = activity_local_time(year, 1, 1, 0, 0);
    int picked[2] = {-1, -1};
    for (int a = 0; a < c->nact; a++) {
        const DAct *x = &c->act[a];
        if (x->school != school || strcmp(x->status, "done") || x->starts < yfrom) continue;
        if (x->guidance && picked[0] < 0) picked[0] = a;
        if (!x->guidance && picked[1] < 0 && x->seats < x->capacity) picked[1] = a;
    }
    int64_t users[2] = {parent, parent2};
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < 2; k++) {
            if (picked[k] < 0 || !users[p]) continue;
            DAct *x = &c->act[picked[k]];
            if (x->seats >= x->capacity) x->capacity++;
            if (db_run(c->db,
                       "INSERT INTO bookings(activity_id, user_id, status, arrival, created_at,"
                       " updated_at, checked_in_at, checked_in_by)"
                       " VALUES (?,?,'attended',?,?,?,?,'system')",
                       "iiiiii", x->id, users[p], users[p], x->starts - 86400, x->starts - 86400,
                       x->starts + 600) != DB_OK ||
                db_run(c->db,
                       "UPDATE activities SET booked = booked + 1, capacity = ? WHERE id = ?", "ii",
                       (int64_t)x->capacity, x->id) != DB_OK)
                return ad_fail(c, "demo parents' attendance");
            x->seats++;
            x->attended++;
            int m = ad_month(x->starts) + 1;
            for (int kind = 0; kind < 1 + x->guidance; kind++)
                if (!c->people_first[p][kind] || c->people_first[p][kind] > m)
                    c->people_first[p][kind] = m;
        }
    c->npeople = parent2 ? 2 : 1;
    c->people_school = school;
    /* upcoming: a parent class with room (both booked), a full guidance day (parent2 waits) */
    char code1[7], code2[7];
    ad_code(c->seed, 6531210001u, 1, code1);
    ad_code(c->seed, 6531210001u, 2, code2);
    int64_t t1 = c->now - c->now % 3600 + 3 * 86400 + 2 * 3600, t2 = t1 + 3 * 86400;
    int full = c->nacc[school] < 20 ? c->nacc[school] : 20;
    if (full < 1) full = 1;
    int64_t ids[2] = {0, 0};
    struct {
        const char *kind, *title, *code;
        int64_t t;
        int cap, seats;
    } up[2] = {{"parent_class", "家长课堂：如何陪伴孩子阅读", code1, t1, 40, 2},
               {"guidance_day", "家庭教育指导日：与青春期的孩子沟通", code2, t2, full, full}};
    for (int k = 0; k < 2; k++) {
        DbStmt *s = db_q(c->db,
                         "INSERT INTO activities(org_id, kind, title, description, place,"
                         " online_url, audience, starts_at, ends_at, capacity, booked,"
                         " booking_opens, booking_closes, cancel_until, checkin_code,"
                         " community_resource, status, created_by, created_at, updated_at)"
                         " VALUES (?,?,?,'',?,'','parents',?,?,?,?,?,?,?,?,0,'open','system',?,?)"
                         " RETURNING id",
                         "isssiiiiiiisii", c->plan[school].id, up[k].kind, up[k].title,
                         arena_printf(c->a, "%s多功能厅", c->sname[school]), up[k].t, up[k].t + DUR,
                         (int64_t)up[k].cap, (int64_t)up[k].seats, c->now - 86400, up[k].t - 3600,
                         up[k].t - 3 * 3600, up[k].code, c->now - 86400, c->now - 86400);
        if (s && db_step(s) == DB_ROW) ids[k] = db_col_int(s, 0);
        db_done(s);
        if (!ids[k]) return ad_fail(c, "demo parents' activities");
    }
    int64_t top = 0;
    db_int(c->db, &top, "SELECT COALESCE(MAX(id), 0) FROM users", "");
    int rc = db_run(c->db,
                    "INSERT INTO bookings(activity_id, user_id, status, arrival, created_at,"
                    " updated_at) VALUES (?,?,'booked',1,?,?)",
                    "iiii", ids[0], parent, c->now - 3600, c->now - 3600);
    if (rc == DB_OK && parent2)
        rc = db_run(c->db,
                    "INSERT INTO bookings(activity_id, user_id, status, arrival, created_at,"
                    " updated_at) VALUES (?,?,'booked',2,?,?)",
                    "iiii", ids[0], parent2, c->now - 1800, c->now - 1800);
    if (rc == DB_OK && c->nacc[school])
        rc = db_run(c->db,
                    "INSERT INTO bookings(activity_id, user_id, status, arrival, created_at,"
                    " updated_at) SELECT ?, id, 'booked', id, ?, ? FROM users"
                    " WHERE id >= ? AND id < ?",
                    "iiiii", ids[1], c->now - 7200, c->now - 7200, c->base[school],
                    c->base[school] + full);
    if (rc == DB_OK && parent2)
        rc = db_run(c->db,
                    "INSERT INTO bookings(activity_id, user_id, status, arrival, created_at,"
                    " updated_at) VALUES (?,?,'waiting',?,?,?)",
                    "iiiii", ids[1], parent2, top + 1, c->now - 600, c->now - 600);
    return rc == DB_OK ? 0 : ad_fail(c, "demo parents' bookings");
}

/* ---- the online parent school ---------------------------------------------------------- */

static const char *const course_topics[] = {"亲子沟通", "习惯养成", "阅读陪伴", "心理健康",
                                            "安全教育", "劳动教育", "学业规划", "体育与健康",
                                            "网络素养", "家校合作"};
static const char *const course_titles[] = {
    "三分钟学会倾听孩子", "睡前半小时做什么",   "怎样和孩子谈学习", "家庭作业的陪伴之道",
    "孩子发脾气时怎么办", "一起制定家庭规则",   "让孩子爱上阅读",   "假期作息安排",
    "手机使用的约定",     "夸奖孩子的正确方式", "培养孩子的责任心", "和孩子一起做家务",
    "升学前的心理准备",   "家庭中的安全小常识", "亲子运动小游戏"};
static const char *const stages[] = {"preschool", "primary", "primary", "junior",
                                     "senior",    "all",     "all"};

/* 250+ micro-courses and 40 lectures over the covered months, mostly by the
 * region, some by counties with schools; their views by demo parents. */
int ad_courses(Ctx *c, int first_month, int last_month)
{
    int months = last_month - first_month + 1, n = 0;
    int ncourse = 290;
    int64_t before = 0;
    if (db_int(c->db, &before, "SELECT COALESCE(MAX(id), 0) FROM courses", "") != 1)
        return ad_fail(c, "courses");
    int64_t *org = arena_alloc(c->a, sizeof *org * (size_t)ncourse);
    int *cty = arena_alloc(c->a, sizeof *cty * (size_t)ncourse);
    int64_t *pub = arena_alloc(c->a, sizeof *pub * (size_t)ncourse);
    for (int k = 0; k < ncourse; k++) {
        int micro = k % 7 != 6;
        int month = first_month + k * months / ncourse;
        int y = month / 12, mo = month % 12 + 1;
        int day = 1 + (int)ad_draw(c->seed, 31, (uint64_t)k, 1, (uint32_t)ad_days_in(y, mo));
        int64_t t = activity_local_time(y, mo, day, 9, 0);
        if (t > c->now) t = c->now - 3600;
        pub[k] = t;
        int by_county = c->ncounty && ad_draw(c->seed, 31, (uint64_t)k, 2, 10) < 3;
        cty[k] = -1;
        org[k] = c->region_id;
        if (by_county) {
            int i = (int)ad_draw(c->seed, 31, (uint64_t)k, 3, (uint32_t)c->nschools);
            if (c->scounty[i] >= 0) {
                cty[k] = c->scounty[i];
                org[k] = c->county[cty[k]].id;
            }
        }
        char day_text[16];
        snprintf(day_text, sizeof day_text, "%.10s", activity_time_input(c->a, t));
        const char *title =
            micro ? PICK(course_titles, (uint64_t)k)
                  : arena_printf(c->a, "专家讲座：%s", PICK(course_topics, (uint64_t)k / 7));
        int rc = db_run(c->db,
                        "INSERT INTO courses(org_id, title, stage, topic, kind, duration_min, url,"
                        " published_on, views, active, created_by, created_at)"
                        " VALUES (?,?,?,?,?,?,?,?,0,1,'system',?)",
                        "issssissi", org[k], arena_printf(c->a, "%s（第%d讲）", title, k / 15 + 1),
                        PICK(stages, (uint64_t)k), PICK(course_topics, (uint64_t)k),
                        micro ? "micro_course" : "lecture",
                        (int64_t)(micro ? 5 + ad_draw(c->seed, 31, (uint64_t)k, 4, 16)
                                        : 40 + ad_draw(c->seed, 31, (uint64_t)k, 4, 50)),
                        arena_printf(c->a, "https://example.org/huiju/parent-school/%d", k + 1),
                        day_text, t);
        if (rc != DB_OK) return ad_fail(c, "courses");
        n++;
    }
    /* views: schools/4 + 10 openings a course on average, by parents of schools near it */
    enum { ROWS = 300 };
    int per = c->nschools / 4 + 10;
    Buf sql;
    buf_init(&sql);
    int64_t cid = before;
    DbStmt *q = db_q(c->db, "SELECT id FROM courses WHERE id > ? ORDER BY id", "i", before);
    int64_t *ids = arena_alloc(c->a, sizeof *ids * (size_t)ncourse);
    int k = 0;
    while (q && db_step(q) == DB_ROW && k < ncourse)
        ids[k++] = db_col_int(q, 0);
    db_done(q);
    if (k != ncourse) return ad_fail(c, "course ids");
    (void)cid;
    int64_t rows[ROWS][3];
    int nr = 0;
    for (int j = 0; j <= ncourse; j++) {
        int views =
            j < ncourse ? per / 2 + (int)ad_draw(c->seed, 37, (uint64_t)j, 1, (uint32_t)per) : 0;
        for (int v = 0; v <= views; v++) {
            int flush = (j == ncourse && v == views) || nr == ROWS;
            if (flush && nr) {
                buf_reset(&sql);
                buf_puts(&sql, "INSERT INTO course_views(course_id, user_id, viewed_at) VALUES ");
                for (int i = 0; i < nr; i++)
                    buf_puts(&sql, i ? ",(?,?,?)" : "(?,?,?)");
                DbStmt *s = db_prepare(c->db, sql.data);
                if (!s) {
                    buf_free(&sql);
                    return ad_fail(c, "course views");
                }
                for (int i = 0; i < nr; i++)
                    for (int f = 0; f < 3; f++)
                        db_bind_int(s, 3 * i + f + 1, rows[i][f]);
                int rc = db_step(s);
                db_done(s);
                if (rc != DB_DONE) {
                    buf_free(&sql);
                    return ad_fail(c, "course views");
                }
                nr = 0;
            }
            if (j == ncourse || v == views) continue;
            /* a parent of a school near the course */
            int i = -1;
            for (int tries = 0; tries < 8 && i < 0; tries++) {
                int s = (int)ad_draw(c->seed, 37, (uint64_t)j, 1000 + (uint64_t)(v * 8 + tries),
                                     (uint32_t)c->nschools);
                if (c->nacc[s] && (cty[j] < 0 || c->scounty[s] == cty[j])) i = s;
            }
            if (i < 0) continue;
            int acc =
                (int)ad_draw(c->seed, 37, (uint64_t)j, 2000 + (uint64_t)v, (uint32_t)c->nacc[i]);
            int64_t span = c->now - pub[j];
            rows[nr][0] = ids[j];
            rows[nr][1] = c->base[i] + acc;
            rows[nr][2] = pub[j] + (span > 0 ? (int64_t)ad_draw(c->seed, 37, (uint64_t)j,
                                                                3000 + (uint64_t)v, (uint32_t)span)
                                             : 0);
            nr++;
        }
    }
    buf_free(&sql);
    if (db_run(c->db,
               "UPDATE courses SET views = (SELECT count(*) FROM course_views v"
               " WHERE v.course_id = courses.id) WHERE id > ?",
               "i", before) != DB_OK)
        return ad_fail(c, "course views");
    return n ? 0 : 1;
}

/* ---- the figures --------------------------------------------------------------------- */

typedef struct Cell {
    int64_t org_id;
    const char *path;
    int ind;    /* index into the indicator list */
    int period; /* month index, or the year for yearly figures */
    double v;
} Cell;

typedef struct Cells {
    Cell *c;
    int n, cap;
} Cells;

/* Adds v to the cell (org, ind, period), creating it. */
static int cell_add(Cells *cs, int64_t org, const char *path, int ind, int period, double v)
{
    for (int i = cs->n - 1; i >= 0 && i >= cs->n - 64; i--)
        if (cs->c[i].org_id == org && cs->c[i].ind == ind && cs->c[i].period == period) {
            cs->c[i].v += v;
            return 0;
        }
    if (ad_grow((void **)&cs->c, &cs->cap, cs->n, sizeof *cs->c)) return -1;
    cs->c[cs->n++] = (Cell){org, path, ind, period, v};
    return 0;
}

static int cell_cmp(const void *a, const void *b)
{
    const Cell *x = a, *y = b;
    if (x->org_id != y->org_id) return x->org_id < y->org_id ? -1 : 1;
    if (x->ind != y->ind) return x->ind - y->ind;
    return x->period - y->period;
}

enum { I_HELD, I_LOW, I_PART, I_GUIDED, I_USED, I_MICRO, I_VIEWS, N_IND };
static const char *const ind_codes[N_IND] = {
    "activities_held", "activities_low_participation", "parent_households_participating",
    "families_guided", "community_resources_used",     "parent_micro_courses",
    "course_views"};

/* Computes every figure of the records from the database, as the live feeds
 * define them, and writes them through one ValueWriter batch. */
int ad_write_figures(Ctx *c, int first_month, int last_month)
{
    Indicator ind[N_IND];
    int have[N_IND];
    for (int i = 0; i < N_IND; i++) {
        int f = indicator_load(c->db, c->a, ind_codes[i], &ind[i]);
        if (f < 0) return ad_fail(c, "indicators");
        have[i] = f;
    }
    Cells cs = {0};
    int rc = 0;
    /* every school: every covered month of its four monthly figures, 0 included */
    for (int i = 0; i < c->nschools && !rc; i++)
        for (int m = first_month; m <= last_month && !rc; m++)
            for (int k = I_HELD; k <= I_GUIDED && !rc; k++)
                rc = cell_add(&cs, c->plan[i].id, c->plan[i].path, k, m, 0);
    /* every county with schools: community resources of the covered years */
    for (int i = 0; i < c->nschools && !rc; i++)
        if (c->scounty[i] >= 0)
            for (int y = first_month / 12; y <= last_month / 12 && !rc; y++)
                rc = cell_add(&cs, c->county[c->scounty[i]].id, c->county[c->scounty[i]].path,
                              I_USED, y, 0);
    /* held and low per organiser and month; community resources per county and year */
    for (int a = 0; a < c->nact && !rc; a++) {
        const DAct *x = &c->act[a];
        if (strcmp(x->status, "done")) continue;
        int m = ad_month(x->starts);
        const char *path = x->school >= 0   ? c->plan[x->school].path
                           : x->county >= 0 ? c->county[x->county].path
                                            : c->region_path;
        rc = cell_add(&cs, x->org_id, path, I_HELD, m, 1) ||
             cell_add(&cs, x->org_id, path, I_LOW, m,
                      activity_low_participation(x->attended, x->capacity));
        int k = x->school >= 0 ? c->scounty[x->school] : x->county;
        if (!rc && x->community && k >= 0)
            rc = cell_add(&cs, c->county[k].id, c->county[k].path, I_USED, m / 12, 1);
    }
    /* households: the first attended month of each account in each covered year (any
     * activity; guidance days for the guided), tallied from the ranges in one pass */
    int y0 = first_month / 12;
    int **first = calloc((size_t)c->nschools + 1, sizeof *first); /* [year][kind][account] */
    if (!first) return ad_fail(c, "figures");
    for (int i = 0; i < c->nschools && !rc; i++)
        if (c->nacc[i] && !(first[i] = calloc((size_t)c->nacc[i] * 4, sizeof **first))) rc = 1;
    for (int r = 0; r < c->nrng && !rc; r++) {
        const DRange *g = &c->rng[r];
        const DAct *x = &c->act[g->act];
        if (!g->attended || !first[g->school]) continue;
        int m = ad_month(x->starts), yk = m / 12 - y0, n = c->nacc[g->school];
        if (yk < 0 || yk > 1) continue;
        for (int kind = 0; kind < 1 + x->guidance; kind++) {
            int *f = first[g->school] + ((size_t)yk * 2 + (size_t)kind) * (size_t)n;
            for (int k = g->lo; k < g->hi; k++)
                if (!f[k] || f[k] > m + 1) f[k] = m + 1;
        }
    }
    for (int i = 0; i < c->nschools && !rc; i++) {
        int n = c->nacc[i];
        for (int yk = 0; yk < 2 && !rc && first[i]; yk++)
            for (int kind = 0; kind < 2 && !rc; kind++) {
                const int *f = first[i] + ((size_t)yk * 2 + (size_t)kind) * (size_t)n;
                for (int k = 0; k < n && !rc; k++)
                    if (f[k])
                        rc = cell_add(&cs, c->plan[i].id, c->plan[i].path, kind ? I_GUIDED : I_PART,
                                      f[k] - 1, 1);
            }
    }
    for (int i = 0; i < c->nschools; i++)
        free(first[i]);
    free(first);
    /* and the demo people's own attendance (demo_people) */
    for (int p = 0; p < c->npeople && !rc; p++)
        for (int kind = 0; kind < 2 && !rc; kind++)
            if (c->people_first[p][kind])
                rc = cell_add(&cs, c->plan[c->people_school].id, c->plan[c->people_school].path,
                              kind ? I_GUIDED : I_PART, c->people_first[p][kind] - 1, 1);
    /* the parent school */
    DbStmt *s =
        db_q(c->db,
             "SELECT c.org_id, o.path, substr(c.published_on, 1, 4), count(*) FROM courses c"
             " JOIN orgs o ON o.id = c.org_id WHERE c.kind = 'micro_course' AND c.active = 1"
             " GROUP BY c.org_id, o.path, substr(c.published_on, 1, 4)",
             "");
    while (!rc && s && db_step(s) == DB_ROW)
        rc = cell_add(&cs, db_col_int(s, 0), arena_strdup(c->a, db_col_text(s, 1)), I_MICRO,
                      atoi(db_col_text(s, 2)), (double)db_col_int(s, 3));
    db_done(s);
    s = db_q(c->db,
             "SELECT c.org_id, o.path, v.viewed_at FROM course_views v JOIN courses c"
             " ON c.id = v.course_id JOIN orgs o ON o.id = c.org_id ORDER BY c.org_id",
             "");
    while (!rc && s && db_step(s) == DB_ROW)
        rc = cell_add(&cs, db_col_int(s, 0), arena_strdup(c->a, db_col_text(s, 1)), I_VIEWS,
                      ad_month(db_col_int(s, 2)), 1);
    db_done(s);
    if (rc) {
        free(cs.c);
        return ad_fail(c, "figures");
    }
    qsort(cs.c, (size_t)cs.n, sizeof *cs.c, cell_cmp);
    ValueWriter *w = vw_new(c->db, "system");
    if (!w) {
        free(cs.c);
        return ad_fail(c, "figures");
    }
    for (int i = 0; i < cs.n && !rc; i++) {
        Cell *x = &cs.c[i];
        if (!have[x->ind]) continue;
        /* merge duplicates left by the short look-back of cell_add */
        double v = x->v;
        while (i + 1 < cs.n && !cell_cmp(&cs.c[i + 1], x))
            v += cs.c[++i].v;
        char period[24];
        if (ind[x->ind].ptype == PERIOD_YEAR)
            snprintf(period, sizeof period, "%04d", x->period);
        else
            snprintf(period, sizeof period, "%04d-%02d", x->period / 12, x->period % 12 + 1);
        char why[200];
        int r = vw_put(w, "en", x->org_id, x->path, &ind[x->ind], period, &v, why, sizeof why);
        if (r) {
            snprintf(c->err, c->errlen, "demo activities: %s %s = %g: %s", ind_codes[x->ind],
                     period, v, r > 0 ? why : db_errmsg(c->db));
            rc = 1;
        }
    }
    free(cs.c);
    if (rc) {
        vw_abandon(w);
        return 1;
    }
    if (vw_finish(w, "demo.activities", "demo", c->region_path) != DB_OK)
        return ad_fail(c, "figures");
    return 0;
}
