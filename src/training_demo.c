/* training_demo.c — the demo's training and team records (training_demo_load, see
 * training.h): 8–15 teachers at every school (a name and a subject), their
 * training records of last year and this year — most meet the 40 h / 30 h rules,
 * 疏附县 more of them, 和田县 fewer, and at every school at least one teacher falls
 * short —, a 1+N team at every helping school with a subject leader and 3–6
 * backbone teachers working at one or two recipient schools this year (some
 * members under 40 days), and three liaison officers at most recipient schools
 * (one or two at about one in eight, so that the shortfall shows).
 *
 * Fixed for the demo people: 乌鲁木齐市第一中学 (6501020001)'s team has the
 * teachers 帮扶团队学科带头人 (subject leader), 帮扶团队骨干教师（一）and（二）—
 * the logins team-lead, team1, team2 — and works at 疏附县第一小学 (6531210001),
 * whose liaison officers are the logins liaison, liaison2, liaison3 (和田县第一小学's
 * are hotan-liaison1–3).
 *
 * Rows go in by multi-row INSERTs (500 a statement) in one transaction; the
 * figures are written once at the end through one feed batch; one audit record
 * sums the load. Deterministic for a seed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/util.h"
#include "feed.h"
#include "team.h"
#include "training.h"

enum { BULK_ROWS = 500, BULK_COLS = 9, MAX_TEACHERS = 15 };

/* splitmix64, as in demo.c. */
typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t next(Rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static int below(Rng *r, int n)
{
    return n > 0 ? (int)(next(r) % (uint64_t)n) : 0;
}

static int chance(Rng *r, double p)
{
    return (double)(next(r) >> 11) / 9007199254740992.0 < p;
}

/* ---- many rows a statement ----------------------------------------------------------- */

typedef struct Cellv {
    int64_t i;
    double d;
    const char *s;
} Cellv;

typedef struct Bulk {
    Db *db;
    const char *head;  /* "INSERT INTO t(a, b) VALUES " */
    const char *types; /* one of i, d, s per column */
    int ncols, n, rc;
    int64_t rows;
    Cellv v[BULK_ROWS][BULK_COLS];
} Bulk;

static void bulk_flush(Bulk *b)
{
    if (!b->n || b->rc != DB_OK) return;
    Buf sql;
    buf_init(&sql);
    buf_puts(&sql, b->head);
    for (int r = 0; r < b->n; r++) {
        buf_puts(&sql, r ? ",(" : "(");
        for (int c = 0; c < b->ncols; c++)
            buf_puts(&sql, c ? ",?" : "?");
        buf_puts(&sql, ")");
    }
    DbStmt *s = db_prepare(b->db, sql.data);
    buf_free(&sql);
    if (!s) {
        b->rc = DB_ERROR;
        return;
    }
    for (int r = 0; r < b->n; r++)
        for (int c = 0; c < b->ncols; c++) {
            int idx = r * b->ncols + c + 1;
            const Cellv *v = &b->v[r][c];
            if (b->types[c] == 'i')
                db_bind_int(s, idx, v->i);
            else if (b->types[c] == 'd')
                db_bind_double(s, idx, v->d);
            else
                db_bind_text(s, idx, v->s);
        }
    int rc = db_step(s);
    db_done(s);
    b->rc = rc == DB_DONE || rc == DB_ROW ? DB_OK : rc;
    b->rows += b->n;
    b->n = 0;
}

/* The next row's cells (the caller fills ncols of them). */
static Cellv *bulk_row(Bulk *b)
{
    if (b->n == BULK_ROWS) bulk_flush(b);
    return b->v[b->n++];
}

/* ---- names and dates ----------------------------------------------------------------- */

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
                                       "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧"};
static const char *const given[] = {"静",   "敏",   "丽",   "强",   "磊",   "军",   "洋",   "勇",
                                    "艳",   "杰",   "娟",   "涛",   "明",   "超",   "秀英", "霞",
                                    "平",   "刚",   "桂英", "文",   "建华", "晓燕", "海燕", "志强",
                                    "玉兰", "春梅", "红",   "丹",   "俊",   "雪",   "晨",   "欣怡",
                                    "子涵", "宇航", "思远", "佳琪", "浩然", "雨萱", "梓萱", "博文"};
enum { NS = 30, NG = 40, NCOMBO = NS * NG };

static const char *const subjects[] = {"语文", "数学",     "英语",       "物理", "化学",
                                       "生物", "历史",     "地理",       "音乐", "体育",
                                       "美术", "信息技术", "道德与法治", "科学"};
enum { NSUBJ = (int)(sizeof subjects / sizeof subjects[0]) };

static const char *const ethnic_titles[] = {"民族团结进步教育专题培训",
                                            "中华民族共同体意识教育讲座", "学生心理健康辅导培训",
                                            "班主任心理辅导能力提升班", "民族团结教育课例研修"};
static const char *const it_titles[] = {"信息化教学能力提升培训", "智慧课堂应用研修",
                                        "国家中小学智慧教育平台应用培训", "多媒体课件制作实训"};
static const char *const subject_titles[] = {"学科教学能力提升研修", "新课标解读培训",
                                             "优质课观摩研讨", "校本教研专题培训"};
static const char *const other_titles[] = {"教师职业道德专题培训", "安全教育培训",
                                           "家庭教育指导培训"};
static const char *const providers[] = {"自治区教育厅", "地区教师培训中心", "县教师发展中心",
                                        "国家中小学智慧教育平台", "帮扶学校"};

/* The days of `year` from 1 January up to last_doy (0-based, inclusive), as
 * YYYY-MM-DD into out (11 bytes each); weekdays only when weekdays. Returns how many. */
static int days_of(int year, int last_doy, int weekdays, char (*out)[11], int max)
{
    struct tm jan1 = {.tm_year = year - 1900, .tm_mon = 0, .tm_mday = 1, .tm_hour = 12};
    time_t t0 = timegm(&jan1);
    int n = 0;
    for (int d = 0; d <= last_doy && n < max; d++) {
        time_t t = t0 + (time_t)d * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        if (tm.tm_year + 1900 != year) break;
        if (weekdays && (tm.tm_wday == 0 || tm.tm_wday == 6)) continue;
        char buf[48];
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        memcpy(out[n], buf, 11);
        n++;
    }
    return n;
}

/* ---- the load -------------------------------------------------------------------------- */

typedef struct School {
    int64_t id;
    char code[40], path[200];
    int helper, recipient;
    int nteachers;
    int64_t teacher[MAX_TEACHERS];
    char name[MAX_TEACHERS][64];
} School;

typedef struct Load {
    Db *db;
    Arena *a;
    Rng rng;
    School *schools;
    int nschools;
    int this_year, today_doy;
    char today[11];
    int64_t now;
    int64_t teachers, records, teams, members, days, officers;
} Load;

static int fail(Load *l, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "demo training: %s: %s", what, db_errmsg(l->db));
    db_rollback(l->db);
    return 1;
}

/* How likely a teacher of this county meets a rule: 疏附县 better, 和田县 worse. */
static double quality(const School *s)
{
    if (!strncmp(s->code, "653121", 6)) return 0.94;
    if (!strncmp(s->code, "653221", 6)) return 0.55;
    return 0.84;
}

static int load_schools(Load *l)
{
    int64_t n = 0;
    if (db_int(l->db, &n, "SELECT count(*) FROM orgs WHERE kind = 'school' AND active = 1", "") < 0)
        return -1;
    l->schools = arena_alloc(l->a, sizeof *l->schools * (size_t)(n + 1));
    DbStmt *s = db_q(l->db,
                     "SELECT id, code, path, is_helper, is_recipient FROM orgs"
                     " WHERE kind = 'school' AND active = 1 ORDER BY code",
                     "");
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW && l->nschools < n) {
        School *sc = &l->schools[l->nschools++];
        memset(sc, 0, sizeof *sc);
        sc->id = db_col_int(s, 0);
        snprintf(sc->code, sizeof sc->code, "%s", db_col_text(s, 1));
        snprintf(sc->path, sizeof sc->path, "%s", db_col_text(s, 2));
        sc->helper = (int)db_col_int(s, 3);
        sc->recipient = (int)db_col_int(s, 4);
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

static School *school_by_code(Load *l, const char *code)
{
    for (int i = 0; i < l->nschools; i++)
        if (!strcmp(l->schools[i].code, code)) return &l->schools[i];
    return NULL;
}

static int cmp_school_id(const void *a, const void *b)
{
    const School *const *x = a, *const *y = b;
    return (*x)->id < (*y)->id ? -1 : (*x)->id > (*y)->id;
}

/* The teachers of every school; the named team of 6501020001 first in its list. */
static int add_teachers(Load *l)
{
    static const char *const team_names[] = {"帮扶团队学科带头人", "帮扶团队骨干教师（一）",
                                             "帮扶团队骨干教师（二）"};
    Bulk *b = arena_alloc(l->a, sizeof *b);
    *b = (Bulk){.db = l->db,
                .head = "INSERT INTO teachers(school_id, name, subject, active, created_by,"
                        " created_at) VALUES ",
                .types = "issisi",
                .ncols = 6};
    for (int i = 0; i < l->nschools; i++) {
        School *s = &l->schools[i];
        s->nteachers = 8 + below(&l->rng, 8);
        int start = below(&l->rng, NCOMBO), named = !strcmp(s->code, "6501020001") ? 3 : 0;
        for (int k = 0; k < s->nteachers; k++) {
            if (k < named) {
                snprintf(s->name[k], sizeof s->name[k], "%s", team_names[k]);
            } else {
                int c = (start + k * 31) % NCOMBO; /* 31 is prime to NCOMBO: all distinct */
                snprintf(s->name[k], sizeof s->name[k], "%s%s", surnames[c % NS], given[c / NS]);
            }
            Cellv *v = bulk_row(b);
            v[0].i = s->id;
            v[1].s = s->name[k];
            v[2].s = subjects[below(&l->rng, NSUBJ)];
            v[3].i = 1;
            v[4].s = "demo";
            v[5].i = l->now;
        }
    }
    bulk_flush(b);
    if (b->rc != DB_OK) return -1;
    l->teachers = b->rows;
    /* their ids, matched by school and name (names are unique within a school) */
    School **by_id = arena_alloc(l->a, sizeof *by_id * (size_t)(l->nschools + 1));
    for (int i = 0; i < l->nschools; i++)
        by_id[i] = &l->schools[i];
    qsort(by_id, (size_t)l->nschools, sizeof *by_id, cmp_school_id);
    DbStmt *q =
        db_q(l->db, "SELECT id, school_id, name FROM teachers WHERE created_by = 'demo'", "");
    if (!q) return -1;
    while (db_step(q) == DB_ROW) {
        School key = {.id = db_col_int(q, 1)}, *kp = &key;
        School **hit = bsearch(&kp, by_id, (size_t)l->nschools, sizeof *by_id, cmp_school_id);
        if (!hit) continue;
        for (int k = 0; k < (*hit)->nteachers; k++)
            if (!strcmp((*hit)->name[k], db_col_text(q, 2))) (*hit)->teacher[k] = db_col_int(q, 0);
    }
    db_done(q);
    for (int i = 0; i < l->nschools; i++)
        for (int k = 0; k < l->schools[i].nteachers; k++)
            if (!l->schools[i].teacher[k]) return -1;
    return 0;
}

/* Sessions of one category adding up to about `total` hours, at days of the year. */
static void add_sessions(Load *l, Bulk *b, int64_t teacher, int year, const char *category,
                         double total, const char *const *titles, int ntitles, char (*days)[11],
                         int ndays)
{
    double left = total;
    while (left > 0.05 && ndays > 0) {
        static const double sizes[] = {12, 16, 20, 24, 24, 32, 8.5};
        double h = sizes[below(&l->rng, 7)];
        if (h > left) h = left;
        h = (double)(int64_t)(h * 10 + 0.5) / 10;
        if (h <= 0) break;
        Cellv *v = bulk_row(b);
        v[0].i = teacher;
        v[1].i = year;
        v[2].s = category;
        v[3].d = h;
        v[4].s = titles[below(&l->rng, ntitles)];
        v[5].s = providers[below(&l->rng, 5)];
        v[6].s = days[below(&l->rng, ndays)];
        v[7].s = "demo";
        v[8].i = l->now;
        left -= h;
    }
}

static int add_records(Load *l)
{
    Bulk *b = arena_alloc(l->a, sizeof *b);
    *b = (Bulk){.db = l->db,
                .head = "INSERT INTO training_records(teacher_id, year, category, hours, title,"
                        " provider, held_on, created_by, created_at) VALUES ",
                .types = "iisdssssi",
                .ncols = 9};
    char(*days)[11] = arena_alloc(l->a, sizeof *days * 370);
    for (int y = l->this_year - 1; y <= l->this_year; y++) {
        int nd = days_of(y, y == l->this_year ? l->today_doy : 366, 0, days, 370);
        for (int i = 0; i < l->nschools; i++) {
            const School *s = &l->schools[i];
            double q = quality(s) - (y < l->this_year ? 0.05 : 0);
            for (int k = 0; k < s->nteachers; k++) {
                /* at every school someone is short of the IT rule this year */
                int force_short = y == l->this_year && k == s->nteachers - 1;
                double e = chance(&l->rng, q) ? 40 + below(&l->rng, 13) : 8 + below(&l->rng, 30);
                double it = !force_short && chance(&l->rng, q) ? 30 + below(&l->rng, 11)
                                                               : 4 + below(&l->rng, 24);
                add_sessions(l, b, s->teacher[k], y, "ethnic_counselling", e, ethnic_titles, 5,
                             days, nd);
                add_sessions(l, b, s->teacher[k], y, "it", it, it_titles, 4, days, nd);
                add_sessions(l, b, s->teacher[k], y, "subject", 8 * below(&l->rng, 4),
                             subject_titles, 4, days, nd);
                if (chance(&l->rng, 0.3))
                    add_sessions(l, b, s->teacher[k], y, "other", 4, other_titles, 3, days, nd);
            }
        }
    }
    bulk_flush(b);
    l->records = b->rows;
    return b->rc == DB_OK ? 0 : -1;
}

/* A recipient school other than s, or NULL when there seems to be none. */
static const School *pick_recipient(Load *l, const School **r, int nr, const School *s)
{
    for (int tries = 0; tries < 16; tries++) {
        const School *c = r[below(&l->rng, nr)];
        if (c->id != s->id) return c;
    }
    for (int i = 0; i < nr; i++)
        if (r[i]->id != s->id) return r[i];
    return NULL;
}

static int add_teams(Load *l)
{
    const School **recipients = arena_alloc(l->a, sizeof *recipients * (size_t)(l->nschools + 1));
    int nr = 0;
    for (int i = 0; i < l->nschools; i++)
        if (l->schools[i].recipient) recipients[nr++] = &l->schools[i];
    if (!nr) return 0;
    const School *fixed = school_by_code(l, "6531210001");
    char(*days)[11] = arena_alloc(l->a, sizeof *days * 370);
    int nd = days_of(l->this_year, l->today_doy, 1, days, 370);
    int *order = arena_alloc(l->a, sizeof *order * 370);
    Bulk *m = arena_alloc(l->a, sizeof *m), *d = arena_alloc(l->a, sizeof *d);
    *m = (Bulk){.db = l->db,
                .head = "INSERT INTO team_members(team_id, teacher_id, role) VALUES ",
                .types = "iis",
                .ncols = 3};
    *d = (Bulk){.db = l->db,
                .head = "INSERT INTO team_days(team_id, teacher_id, school_id, worked_on, days,"
                        " note, created_by, created_at) VALUES ",
                .types = "iiisdssi",
                .ncols = 8};
    for (int i = 0; i < l->nschools; i++) {
        School *s = &l->schools[i];
        if (!s->helper) continue;
        char name[160];
        snprintf(name, sizeof name, "%d年帮扶团队", l->this_year);
        int64_t team = 0;
        DbStmt *q = db_q(l->db,
                         "INSERT INTO teams(helping_school_id, year, name, created_by, created_at)"
                         " VALUES (?,?,?,'demo',?) RETURNING id",
                         "iisi", s->id, (int64_t)l->this_year, name, l->now);
        if (q && db_step(q) == DB_ROW) team = db_col_int(q, 0);
        db_done(q);
        if (!team) return -1;
        l->teams++;
        int featured = !strcmp(s->code, "6501020001");
        int nm = featured ? 4 + below(&l->rng, 3) : 4 + below(&l->rng, 4); /* 1 + 3–6 */
        if (nm > s->nteachers) nm = s->nteachers;
        /* where the team works: one or two recipient schools other than itself */
        const School *at[2] = {
            featured && fixed && fixed->id != s->id ? fixed : pick_recipient(l, recipients, nr, s),
            pick_recipient(l, recipients, nr, s)};
        if (!at[0] || !at[1]) continue;
        for (int k = 0; k < nm; k++) {
            Cellv *v = bulk_row(m);
            v[0].i = team;
            v[1].i = s->teacher[k];
            v[2].s = k == 0 ? "subject_leader" : "backbone";
            l->members++;
            /* days: most members reach 40, some do not; team2 of the demo falls short */
            double want = featured                ? (k == 0   ? 46
                                                     : k == 1 ? 42
                                                     : k == 2 ? 27
                                                              : 30 + below(&l->rng, 20))
                          : chance(&l->rng, 0.72) ? 40 + below(&l->rng, 25)
                                                  : 6 + below(&l->rng, 33);
            for (int j = 0; j < nd; j++)
                order[j] = j;
            double sum = 0;
            for (int j = 0; j < nd && sum < want; j++) {
                int pick = j + below(&l->rng, nd - j), tmp = order[j];
                order[j] = order[pick];
                order[pick] = tmp;
                double len = chance(&l->rng, 0.08) ? 0.5 : 1;
                Cellv *w = bulk_row(d);
                w[0].i = team;
                w[1].i = s->teacher[k];
                w[2].i = at[chance(&l->rng, 0.7) ? 0 : 1]->id;
                w[3].s = days[order[j]];
                w[4].d = len;
                w[5].s = "";
                w[6].s = "demo";
                w[7].i = l->now;
                sum += len;
                l->days++;
            }
        }
    }
    bulk_flush(m);
    bulk_flush(d);
    return m->rc == DB_OK && d->rc == DB_OK ? 0 : -1;
}

static int add_liaison(Load *l)
{
    static const struct {
        const char *school, *login[3], *name[3];
    } linked[] = {
        {"6531210001",
         {"liaison", "liaison2", "liaison3"},
         {"联络员", "联络员（二）", "联络员（三）"}},
        {"6532210001",
         {"hotan-liaison1", "hotan-liaison2", "hotan-liaison3"},
         {"联络员（一）", "联络员（二）", "联络员（三）"}},
    };
    Bulk *b = arena_alloc(l->a, sizeof *b);
    *b = (Bulk){.db = l->db,
                .head = "INSERT INTO liaison_officers(school_id, name, phone, since, active,"
                        " created_by, created_at) VALUES ",
                .types = "isssisi",
                .ncols = 7};
    char(*since)[11] = arena_alloc(l->a, sizeof *since * 370);
    int nsince = days_of(l->this_year - 1, 366, 1, since, 370);
    for (int i = 0; i < l->nschools; i++) {
        const School *s = &l->schools[i];
        if (!s->recipient) continue;
        int fixed = -1;
        for (int k = 0; k < 2; k++)
            if (!strcmp(linked[k].school, s->code)) fixed = k;
        int n = fixed >= 0 ? 3 : chance(&l->rng, 0.12) ? 1 + below(&l->rng, 2) : 3;
        for (int k = 0; k < n; k++) {
            int c = below(&l->rng, NCOMBO);
            Cellv *v = bulk_row(b);
            v[0].i = s->id;
            v[1].s = fixed >= 0 ? linked[fixed].name[k]
                                : arena_printf(l->a, "%s%s", surnames[c % NS], given[c / NS]);
            v[2].s =
                arena_printf(l->a, "13%d%08d", 5 + below(&l->rng, 5), below(&l->rng, 100000000));
            v[3].s = since[below(&l->rng, nsince)];
            v[4].i = 1;
            v[5].s = "demo";
            v[6].i = l->now;
        }
    }
    bulk_flush(b);
    l->officers = b->rows;
    if (b->rc != DB_OK) return -1;
    /* the demo's liaison logins are these officers */
    for (int k = 0; k < 2; k++) {
        const School *s = school_by_code(l, linked[k].school);
        if (!s) continue;
        for (int j = 0; j < 3; j++)
            if (db_run(l->db,
                       "UPDATE liaison_officers SET user_id = (SELECT u.id FROM users u"
                       " JOIN grants g ON g.user_id = u.id WHERE u.login = ?"
                       " AND g.role = 'liaison_officer' AND g.org_id = ?)"
                       " WHERE school_id = ? AND name = ?",
                       "siis", linked[k].login[j], s->id, s->id, linked[k].name[j]) != DB_OK)
                return -1;
    }
    return 0;
}

/* Every figure the records feed, in one batch. */
static int feed_all(Load *l, char *err, size_t errlen)
{
    FeedBatch *f = feed_begin(l->db, "demo");
    if (!f) return -1;
    int bad = 0;
    for (int y = l->this_year - 1; y <= l->this_year && !bad; y++)
        bad = training_feed_all(f, l->db, y) || liaison_feed_all(f, l->db, y);
    for (int i = 0; i < l->nschools && !bad; i++)
        if (l->schools[i].helper)
            bad = team_feed_school(f, l->db, l->schools[i].id, l->this_year) != 0;
    return feed_end(f, "feed.demo", "training", NULL, err, errlen) != 0 || bad ? -1 : 0;
}

int training_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    Load l = {.db = db, .a = arena_new(), .rng = {seed ^ UINT64_C(0x545241494e494e47)}};
    if (!l.a) {
        snprintf(err, errlen, "demo training: out of memory");
        return 1;
    }
    training_today(l.today);
    l.this_year = atoi(l.today);
    struct tm tm = {0};
    tm.tm_year = l.this_year - 1900;
    tm.tm_mon = atoi(l.today + 5) - 1;
    tm.tm_mday = atoi(l.today + 8);
    timegm(&tm); /* fills tm_yday */
    l.today_doy = tm.tm_yday;
    l.now = now_s();
    int rc = 1;
    if (db_begin(db) != DB_OK)
        rc = fail(&l, err, errlen, "begin");
    else if (load_schools(&l) != 0)
        rc = fail(&l, err, errlen, "reading the schools");
    else if (add_teachers(&l) != 0)
        rc = fail(&l, err, errlen, "teachers");
    else if (add_records(&l) != 0)
        rc = fail(&l, err, errlen, "training records");
    else if (add_teams(&l) != 0)
        rc = fail(&l, err, errlen, "teams");
    else if (add_liaison(&l) != 0)
        rc = fail(&l, err, errlen, "liaison officers");
    else if (feed_all(&l, err, errlen) != 0) {
        char why[256];
        snprintf(why, sizeof why, "%s", err);
        db_rollback(db);
        snprintf(err, errlen, "demo training: figures: %s", why[0] ? why : db_errmsg(db));
    } else {
        json_t *after =
            json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "teachers", (json_int_t)l.teachers,
                      "training_records", (json_int_t)l.records, "teams", (json_int_t)l.teams,
                      "team_members", (json_int_t)l.members, "team_days", (json_int_t)l.days,
                      "liaison_officers", (json_int_t)l.officers);
        int arc = audit_log(db, "system", "training.demo", "training", "demo", "", NULL, after);
        json_decref(after);
        if (arc != DB_OK || db_commit(db) != DB_OK)
            rc = fail(&l, err, errlen, "commit");
        else
            rc = 0;
    }
    arena_free(l.a);
    return rc;
}
