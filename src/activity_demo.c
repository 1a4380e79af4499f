/* activity_demo.c — the demo's home–school–community records (activity_demo_load,
 * see activity.h), telling the story demo_values.c tells for the months before:
 *
 *   - for the last twelve months (demo_values_records_from), every school holds
 *     the activities the story gives it each month (demo_values_activity_plan),
 *     the story's number of them under 60 % participation, and its new
 *     participating households and guided families exactly, as distinct demo
 *     parent accounts (one account = one household) attending for the first time
 *     that year; 疏附县 stays on track, 和田县 off track;
 *   - each county holds a culture day or study tour a month, attended by
 *     parents who already took part that year (so the school figures stay as
 *     they are); the story's community resources used become that many done
 *     activities flagged community_resource in the county;
 *   - upcoming activities open for booking: one per school, a few per county and
 *     region; parent and parent2 have upcoming bookings, parent2 one on the
 *     waiting list of a full guidance day; both attended earlier this year;
 *   - 250+ micro-courses and lectures of the online parent school published over
 *     the twelve months, and their views by demo parents.
 *
 * The parent accounts are made in bulk: one INSERT … SELECT per school from a
 * counter, sharing the password hash of the demo login `parent` (no argon2 per
 * account). Bookings go in as ranges of account ids joined in one statement.
 * The figures are written through one ValueWriter batch. One transaction. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "audit.h"
#include "core/buf.h"
#include "core/util.h"
#include "demo_values.h"
#include "indicator.h"
#include "user.h"
#include "values.h"

/* ---- deterministic draws ------------------------------------------------------ */

static uint64_t sm64(uint64_t x)
{
    uint64_t z = x + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A number in [0, n) that depends only on its arguments. */
static uint32_t draw(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint32_t n)
{
    uint64_t h = sm64(seed ^ sm64(a ^ sm64(b * UINT64_C(0x100000001b3) ^ sm64(c))));
    return n ? (uint32_t)(h % n) : 0;
}

static void code_of(uint64_t seed, uint64_t a, uint64_t b, char out[7])
{
    static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 6; i++) out[i] = alphabet[draw(seed, a, b, 900 + (uint64_t)i, 31)];
    out[6] = 0;
}

/* ---- the records in memory -------------------------------------------------------- */

typedef struct DAct {
    int64_t org_id, id;
    int school, county; /* indices, -1 for none */
    const char *kind, *title, *place, *online, *audience, *status;
    int64_t starts, ends;
    int capacity, seats, attended, community, guidance;
    char code[7];
} DAct;

/* Accounts [lo, hi) of school `school` (indices into its accounts) at activity `act`. */
typedef struct DRange {
    int act, school, lo, hi, attended;
} DRange;

typedef struct County {
    int64_t id;
    char code[16], path[64];
} County;

typedef struct Ctx {
    Db *db;
    Arena *a;
    uint64_t seed;
    int64_t now;
    char *err;
    size_t errlen;
    DemoActivityPlan *plan;
    int nschools;
    const char **sname;  /* school names */
    int *nacc;           /* accounts per school */
    int64_t *base;       /* user id of each school's account 0 */
    int *scounty;        /* county index of each school */
    County *county;
    int ncounty;
    DAct *act;
    int nact, capact;
    DRange *rng;
    int nrng, caprng;
    int64_t region_id;
    char region_path[64];
    int npeople, people_school;
    int people_first[2][2]; /* parent, parent2: first attended month + 1, any / guided */
} Ctx;

static int fail(Ctx *c, const char *what)
{
    snprintf(c->err, c->errlen, "demo activities: %s: %s", what, db_errmsg(c->db));
    return 1;
}

static int grow(void **p, int *cap, int n, size_t size)
{
    if (n < *cap) return 0;
    int nc = *cap ? *cap * 2 : 1024;
    void *q = realloc(*p, (size_t)nc * size);
    if (!q) return -1;
    *p = q;
    *cap = nc;
    return 0;
}

static DAct *new_act(Ctx *c)
{
    if (grow((void **)&c->act, &c->capact, c->nact, sizeof *c->act)) return NULL;
    DAct *x = &c->act[c->nact++];
    memset(x, 0, sizeof *x);
    x->school = x->county = -1;
    return x;
}

static int add_range(Ctx *c, int act, int school, int lo, int hi, int attended)
{
    if (hi <= lo) return 0;
    if (grow((void **)&c->rng, &c->caprng, c->nrng, sizeof *c->rng)) return -1;
    c->rng[c->nrng++] = (DRange){act, school, lo, hi, attended};
    return 0;
}

/* ---- titles ------------------------------------------------------------------------ */

static const char *const class_topics[] = {
    "亲子沟通的方法", "好习惯怎样养成", "陪孩子读好一本书", "科学安排作息与睡眠",
    "家庭劳动教育",   "合理使用手机",   "孩子情绪的识别与疏导", "安全教育进家庭",
    "家校共育与作业辅导", "营养膳食与体育锻炼"};
static const char *const culture_topics[] = {"社区读书会", "传统节日文化活动", "亲子运动会",
                                             "社区科普日", "少儿书画展", "社区文艺汇演"};
static const char *const tour_topics[] = {"科技馆研学", "博物馆研学", "农业基地研学",
                                          "红色教育基地研学"};
static const char *const training_topics[] = {"家长志愿者培训", "家庭急救知识培训",
                                              "家庭教育讲师培训"};

#define PICK(list, i) ((list)[(i) % (sizeof(list) / sizeof((list)[0]))])

/* ---- loading what the records hang on ------------------------------------------------ */

static int load_places(Ctx *c)
{
    c->sname = arena_alloc(c->a, sizeof *c->sname * (size_t)(c->nschools + 1));
    c->scounty = arena_alloc(c->a, sizeof *c->scounty * (size_t)(c->nschools + 1));
    c->nacc = arena_alloc(c->a, sizeof *c->nacc * (size_t)(c->nschools + 1));
    c->base = arena_alloc(c->a, sizeof *c->base * (size_t)(c->nschools + 1));
    DbStmt *s = db_q(c->db, "SELECT code, name_zh FROM orgs WHERE kind = 'school' ORDER BY code", "");
    int i = 0;
    while (s && db_step(s) == DB_ROW && i < c->nschools) {
        if (strcmp(db_col_text(s, 0), c->plan[i].code)) break;
        c->sname[i++] = arena_strdup(c->a, db_col_text(s, 1));
    }
    db_done(s);
    if (i != c->nschools) return fail(c, "school names");
    int64_t n = 0;
    if (db_int(c->db, &n, "SELECT count(*) FROM orgs WHERE kind = 'county'", "") != 1)
        return fail(c, "counties");
    c->county = arena_alloc(c->a, sizeof *c->county * (size_t)(n + 1));
    s = db_q(c->db, "SELECT id, code, path FROM orgs WHERE kind = 'county' ORDER BY code", "");
    while (s && db_step(s) == DB_ROW && c->ncounty < n) {
        County *k = &c->county[c->ncounty++];
        k->id = db_col_int(s, 0);
        snprintf(k->code, sizeof k->code, "%s", db_col_text(s, 1));
        snprintf(k->path, sizeof k->path, "%s", db_col_text(s, 2));
    }
    db_done(s);
    for (int j = 0; j < c->nschools; j++) {
        c->scounty[j] = -1;
        for (int k = 0; k < c->ncounty; k++)
            if (!strcmp(c->county[k].code, c->plan[j].county)) c->scounty[j] = k;
    }
    s = db_q(c->db, "SELECT id, path FROM orgs WHERE kind = 'region' AND parent_id IS NULL", "");
    if (s && db_step(s) == DB_ROW) {
        c->region_id = db_col_int(s, 0);
        snprintf(c->region_path, sizeof c->region_path, "%s", db_col_text(s, 1));
    }
    db_done(s);
    return c->region_id ? 0 : fail(c, "region");
}

/* One INSERT … SELECT of a school's parent accounts and one of their grants; the
 * ids must come out consecutive (checked). */
static int insert_accounts(Ctx *c, const char *pw_hash)
{
    for (int i = 0; i < c->nschools; i++) {
        int n = c->nacc[i];
        if (!n) continue;
        char prefix[48], hi[48];
        snprintf(prefix, sizeof prefix, "p%s-", c->plan[i].code);
        snprintf(hi, sizeof hi, "p%s-~", c->plan[i].code);
        int rc = db_run(c->db,
                        "INSERT INTO users(login, name, pw_hash, created_at, updated_at)"
                        " WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k"
                        " WHERE x < CAST(? AS BIGINT))"
                        " SELECT ? || CAST(x AS TEXT), ? || CAST(x AS TEXT), ?, ?, ? FROM k",
                        "isssii", (int64_t)n, prefix, "家长", pw_hash, c->now, c->now);
        if (rc != DB_OK) return fail(c, "parent accounts");
        int64_t lo = 0, top = 0, cnt = 0;
        DbStmt *s = db_q(c->db,
                         "SELECT min(id), max(id), count(*) FROM users WHERE login > ?"
                         " AND login < ?",
                         "ss", prefix, hi);
        if (s && db_step(s) == DB_ROW) {
            lo = db_col_int(s, 0);
            top = db_col_int(s, 1);
            cnt = db_col_int(s, 2);
        }
        db_done(s);
        int64_t first = 0;
        char login1[64];
        snprintf(login1, sizeof login1, "%s1", prefix);
        db_int(c->db, &first, "SELECT id FROM users WHERE login = ?", "s", login1);
        if (cnt != n || top - lo + 1 != n || first != lo) {
            snprintf(c->err, c->errlen, "demo activities: the accounts of %s are not consecutive",
                     c->plan[i].code);
            return 1;
        }
        c->base[i] = lo;
        rc = db_run(c->db,
                    "INSERT INTO grants(user_id, role, org_id) SELECT id, 'parent', ? FROM users"
                    " WHERE id >= ? AND id <= ?",
                    "iii", c->plan[i].id, lo, top);
        if (rc != DB_OK) return fail(c, "parent grants");
    }
    return 0;
}

/* ---- the monthly activities ----------------------------------------------------------- */

enum { DUR = 2 * 3600 };

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return d[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* Sets times and status: done when it ended before now. */
static void times(Ctx *c, DAct *x, int y, int mo, int day, int hour, int minute)
{
    x->starts = activity_local_time(y, mo, day, hour, minute);
    x->ends = x->starts + DUR;
    x->status = x->ends < c->now ? "done" : "open";
}

/* Capacity for `att` attendees and `seats` seats held: under 60 % when low,
 * else at least 60 %. May lower *noshow so the seats fit. */
static int capacity_for(uint64_t seed, uint64_t key, int att, int *noshow, int low)
{
    if (low || att == 0) {
        int cap = att * 100 / 60 + 1 + (int)draw(seed, key, 7, 1, 12);
        return cap < att + *noshow ? att + *noshow : cap;
    }
    int hi = att * 100 / 60; /* the largest capacity with att ≥ 60 % of it */
    int want = att + att * (int)draw(seed, key, 7, 2, 35) / 100;
    if (want > hi) want = hi;
    if (att + *noshow > want) *noshow = want - att > 0 ? want - att : 0;
    return want < att ? att : want;
}

/* The activities of school i for the covered months, with their attendance.
 * np_end[j] receives the accounts that have attended by the end of month j. */
static int school_months(Ctx *c, int i, int *np_end)
{
    const DemoActivityPlan *p = &c->plan[i];
    enum { MAX_SEG = 16 };
    typedef struct Seg {
        int lo, hi;
    } Seg;
    Seg seg[MAX_SEG]; /* this year's participants not yet guided */
    int np = 0, nseg = 0;
    uint64_t key = (uint64_t)p->id;
    for (int j = 0; j < p->n_months; j++) {
        int month = p->first_month + j, y = month / 12, mo = month % 12 + 1;
        if (j == 0 || mo == 1) np = nseg = 0;
        int P = p->participating[j], G = p->guided[j], H = p->held[j], L = p->low[j];
        if (np + P > c->nacc[i]) P = c->nacc[i] - np;
        /* the guided: this month's new participants first, then earlier ones not yet
         * guided this year (the open segments), so most guided families need no second
         * booking */
        int gm = G < P ? G : P, extra = G - gm;
        int glo[8], ghi[8], ng_seg = 0;
        if (gm > 0) glo[ng_seg] = np, ghi[ng_seg++] = np + gm;
        while (extra > 0 && nseg > 0 && ng_seg < 8) {
            Seg *q = &seg[nseg - 1];
            int take = q->hi - q->lo < extra ? q->hi - q->lo : extra;
            glo[ng_seg] = q->hi - take, ghi[ng_seg++] = q->hi;
            q->hi -= take;
            extra -= take;
            if (q->hi <= q->lo) nseg--;
        }
        int g = 0;
        for (int k = 0; k < ng_seg; k++) g += ghi[k] - glo[k];
        int rest_lo = np + gm, rest_hi = np + P;
        if (rest_hi > rest_lo && nseg < MAX_SEG) seg[nseg++] = (Seg){rest_lo, rest_hi};
        int ngd = g > 0 ? 1 + (g - 1) / 80 : 0;
        int no = H - ngd;
        if (rest_hi > rest_lo && no < 1) no = 1;
        if (no < 0) no = 0;
        int T = ngd + no, dim = days_in(y, mo), done_np = np;
        if (L > T) L = T;
        /* weights of the other activities' shares of the new participants */
        uint32_t wsum = 0, w[64];
        for (int t = 0; t < no && t < 64; t++) wsum += w[t] = 1 + draw(c->seed, key, month, (uint64_t)t, 3);
        int given = rest_lo;
        uint32_t wacc = 0;
        for (int t = 0; t < T; t++) {
            DAct *x = new_act(c);
            if (!x) return 1;
            int ai = c->nact - 1;
            x->org_id = p->id;
            x->school = i;
            int day = 1 + (int)(((int64_t)t * dim + draw(c->seed, key, month, 50 + (uint64_t)t, (uint32_t)dim)) / T);
            if (day > dim) day = dim;
            times(c, x, y, mo, day, 15 + t % 3, t % 60);
            code_of(c->seed, key, (uint64_t)(month * 64 + t), x->code);
            int lo = 0, hi = 0;
            if (t < ngd) {
                x->kind = "guidance_day";
                x->guidance = 1;
                x->audience = "parents";
                x->title = "家庭教育指导日";
                /* its share [g·t/ngd, g·(t+1)/ngd) of the guided, over the segments */
                int from = g * t / ngd, to = g * (t + 1) / ngd, off = 0;
                for (int k = 0; k < ng_seg; k++) {
                    int a0 = off, a1 = off + ghi[k] - glo[k];
                    int s0 = from > a0 ? from : a0, s1 = to < a1 ? to : a1;
                    if (s1 > s0 && add_range(c, ai, i, glo[k] + s0 - a0, glo[k] + s1 - a0,
                                             !strcmp(x->status, "done")))
                        return 1;
                    off = a1;
                }
                int n_att = to - from, noshow0 = 0;
                int done0 = !strcmp(x->status, "done");
                int low0 = (int)((int64_t)(t + 1) * L / (T ? T : 1)) > (int)((int64_t)t * L / (T ? T : 1));
                x->capacity = done0 ? capacity_for(c->seed, key * 131 + (uint64_t)ai, n_att, &noshow0, low0)
                                    : n_att + 5 + (int)draw(c->seed, key, month, 300 + (uint64_t)t, 15);
                x->seats = n_att;
                x->attended = done0 ? n_att : 0;
                x->place = arena_printf(c->a, "%s多功能厅", c->sname[i]);
                if (done0 && gm > 0 && np + gm > done_np) done_np = np + gm;
                continue;
            } else {
                int o = t - ngd, k = (int)draw(c->seed, key, month, 100 + (uint64_t)t, 20);
                x->kind = k < 11 ? "parent_class" : k < 15 ? "culture_day" : k < 17 ? "study_tour" : "training";
                x->audience = k < 11 || k >= 17 ? "parents" : "all";
                const char *topic = k < 11   ? PICK(class_topics, (uint64_t)month + (uint64_t)o)
                                    : k < 15 ? PICK(culture_topics, (uint64_t)month + (uint64_t)o)
                                    : k < 17 ? PICK(tour_topics, (uint64_t)month)
                                             : PICK(training_topics, (uint64_t)month);
                x->title = k < 11 ? arena_printf(c->a, "家长课堂：%s", topic) : topic;
                wacc += o < 64 ? w[o] : 1;
                lo = given;
                hi = o == no - 1 ? rest_hi
                                 : rest_lo + (int)((int64_t)(rest_hi - rest_lo) * wacc / (wsum ? wsum : 1));
                if (hi > rest_hi) hi = rest_hi;
                if (hi < lo) hi = lo;
                given = hi;
            }
            x->place = x->kind[0] == 's' ? "研学基地" : arena_printf(c->a, "%s多功能厅", c->sname[i]);
            int att = hi - lo, ret = 0, ret_lo = 0;
            if (att == 0 && done_np > 0) {
                ret = done_np < 6 ? done_np : 6;
                ret_lo = (int)draw(c->seed, key, month, 200 + (uint64_t)t, (uint32_t)(done_np - ret + 1));
            }
            int low = (int)((int64_t)(t + 1) * L / (T ? T : 1)) > (int)((int64_t)t * L / (T ? T : 1));
            int noshow = (att + ret) / 15;
            if (hi + noshow > c->nacc[i]) noshow = c->nacc[i] - hi > 0 ? c->nacc[i] - hi : 0;
            int done = !strcmp(x->status, "done");
            x->capacity = done ? capacity_for(c->seed, key * 131 + (uint64_t)ai, att + ret, &noshow, low)
                               : att + ret + noshow + 5 + (int)draw(c->seed, key, month, 300 + (uint64_t)t, 15);
            if (x->capacity < 1) x->capacity = 1;
            x->seats = att + ret + noshow;
            x->attended = done ? att + ret : 0;
            if (add_range(c, ai, i, lo, hi, done) || add_range(c, ai, i, ret_lo, ret_lo + ret, done) ||
                add_range(c, ai, i, hi, hi + noshow, 0))
                return 1;
            if (done && hi > done_np) done_np = hi;
        }
        np = rest_hi;
        np_end[j] = done_np;
    }
    return 0;
}

/* The community resources the story uses become flagged done activities of the
 * school's year (spread over them). */
static void flag_community(Ctx *c, int first_act, int last_act, int i)
{
    const DemoActivityPlan *p = &c->plan[i];
    for (int k = 0; k < 2; k++) {
        int year = p->first_month / 12 + k, n = 0;
        int64_t from = activity_local_time(year, 1, 1, 0, 0), to = activity_local_time(year + 1, 1, 1, 0, 0);
        for (int a = first_act; a < last_act; a++)
            if (!strcmp(c->act[a].status, "done") && c->act[a].starts >= from && c->act[a].starts < to)
                n++;
        int want = p->resources_used[k] < n ? p->resources_used[k] : n, seen = 0;
        for (int a = first_act; a < last_act && want > 0; a++) {
            DAct *x = &c->act[a];
            if (strcmp(x->status, "done") || x->starts < from || x->starts >= to) continue;
            x->community = (int)((int64_t)(seen + 1) * want / n) > (int)((int64_t)seen * want / n);
            seen++;
        }
    }
}

/* A county's monthly culture day or study tour, attended by up to 8 parents per
 * school of the county who took part already that month or before. */
static int county_months(Ctx *c, int k, int **np_end)
{
    const DemoActivityPlan *p0 = NULL;
    for (int i = 0; i < c->nschools && !p0; i++)
        if (c->scounty[i] == k) p0 = &c->plan[i];
    if (!p0) return 0;
    uint64_t key = (uint64_t)c->county[k].id;
    for (int j = 0; j < p0->n_months; j++) {
        int month = p0->first_month + j, y = month / 12, mo = month % 12 + 1;
        DAct *x = new_act(c);
        if (!x) return 1;
        int ai = c->nact - 1;
        x->org_id = c->county[k].id;
        x->county = k;
        int tour = draw(c->seed, key, month, 1, 4) == 0;
        x->kind = tour ? "study_tour" : "culture_day";
        x->audience = "all";
        x->title = tour ? PICK(tour_topics, (uint64_t)month + 1) : PICK(culture_topics, (uint64_t)month + 3);
        x->place = tour ? "研学基地" : "县文化馆";
        times(c, x, y, mo, 20, 10, k % 60);
        code_of(c->seed, key, (uint64_t)month, x->code);
        int done = !strcmp(x->status, "done"), att = 0, held = 0, low = 0;
        for (int i = 0; i < c->nschools; i++) {
            if (c->scounty[i] != k) continue;
            int n = np_end[i][j] < 8 ? np_end[i][j] : 8;
            if (add_range(c, ai, i, 0, n, done)) return 1;
            att += n;
            held += c->plan[i].held[j];
            low += c->plan[i].low[j];
        }
        int noshow = 0;
        int is_low = held && (int)draw(c->seed, key, month, 2, (uint32_t)held) < low;
        x->capacity = done ? capacity_for(c->seed, key * 977 + (uint64_t)month, att, &noshow, is_low)
                           : att + 20;
        x->seats = att;
        x->attended = done ? att : 0;
    }
    return 0;
}

/* Upcoming activities open for booking: one per school, a volunteer service and
 * a culture day per county with schools, an online lecture of the region. */
static int upcoming(Ctx *c)
{
    for (int i = 0; i < c->nschools; i++) {
        DAct *x = new_act(c);
        if (!x) return 1;
        int ai = c->nact - 1;
        uint64_t key = (uint64_t)c->plan[i].id;
        x->org_id = c->plan[i].id;
        x->school = i;
        x->kind = "parent_class";
        x->audience = "parents";
        x->title = arena_printf(c->a, "家长课堂：%s", PICK(class_topics, key));
        x->place = arena_printf(c->a, "%s多功能厅", c->sname[i]);
        x->starts = c->now - c->now % 3600 + (int64_t)(3 + draw(c->seed, key, 1, 1, 18)) * 86400;
        x->ends = x->starts + DUR;
        x->status = "open";
        code_of(c->seed, key, 99991, x->code);
        int n = c->nacc[i] < 6 ? c->nacc[i] : 6;
        x->capacity = 30;
        x->seats = n;
        if (add_range(c, ai, i, 0, n, 0)) return 1;
    }
    for (int k = 0; k < c->ncounty; k++) {
        int has = 0;
        for (int i = 0; i < c->nschools && !has; i++) has = c->scounty[i] == k;
        if (!has) continue;
        for (int v = 0; v < 2; v++) {
            DAct *x = new_act(c);
            if (!x) return 1;
            x->org_id = c->county[k].id;
            x->county = k;
            x->kind = v ? "volunteer_service" : "culture_day";
            x->audience = v ? "volunteers" : "all";
            x->title = v ? "志愿服务：社区课后托管" : "社区文化日：邻里亲子阅读";
            x->place = v ? "社区教育服务驿站" : "县文化馆";
            x->starts = c->now - c->now % 3600 + (int64_t)(5 + 4 * v + k % 5) * 86400;
            x->ends = x->starts + DUR;
            x->status = "open";
            x->capacity = v ? 20 : 80;
            code_of(c->seed, (uint64_t)c->county[k].id, 77 + (uint64_t)v, x->code);
        }
    }
    DAct *x = new_act(c);
    if (!x) return 1;
    x->org_id = c->region_id;
    x->kind = "parent_class";
    x->audience = "parents";
    x->title = "自治区线上家长讲座：与青春期的孩子一起成长";
    x->place = "";
    x->online = "https://example.org/huiju/parent-school/live";
    x->starts = c->now - c->now % 3600 + 5 * 86400;
    x->ends = x->starts + DUR;
    x->status = "open";
    x->capacity = 2000;
    code_of(c->seed, (uint64_t)c->region_id, 5, x->code);
    return 0;
}

/* ---- writing ------------------------------------------------------------------------------ */

/* The activities, 40 rows a statement; their ids are read back in order. */
static int insert_activities(Ctx *c)
{
    int64_t before = 0;
    if (db_int(c->db, &before, "SELECT COALESCE(MAX(id), 0) FROM activities", "") != 1)
        return fail(c, "activities");
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
        if (!s) return fail(c, "activities");
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
            db_bind_int(s, b + 11, x->starts - 14 * 86400 < c->now - 86400 && !strcmp(x->status, "open")
                                       ? c->now - 86400
                                       : x->starts - 14 * 86400);
            db_bind_int(s, b + 12, x->starts - 3600);
            db_bind_int(s, b + 13, x->starts - 3 * 3600);
            db_bind_text(s, b + 14, x->code);
            db_bind_int(s, b + 15, x->community);
            db_bind_text(s, b + 16, x->status);
            db_bind_int(s, b + 17, x->starts - 15 * 86400);
            db_bind_int(s, b + 18, !strcmp(x->status, "done") ? x->ends + 3600 : x->starts - 15 * 86400);
        }
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return fail(c, "activities");
    }
    DbStmt *s = db_q(c->db, "SELECT id FROM activities WHERE id > ? ORDER BY id", "i", before);
    int k = 0;
    while (s && db_step(s) == DB_ROW && k < c->nact) c->act[k++].id = db_col_int(s, 0);
    db_done(s);
    return k == c->nact ? 0 : fail(c, "activity ids");
}

/* The bookings: the ranges into a temporary table, then one INSERT … SELECT. */
static int insert_bookings(Ctx *c)
{
    if (db_exec(c->db, "CREATE TEMP TABLE demo_booking_ranges (activity_id BIGINT NOT NULL,"
                       " lo BIGINT NOT NULL, hi BIGINT NOT NULL, status TEXT NOT NULL,"
                       " created_at BIGINT NOT NULL, checked_in_at BIGINT)") != DB_OK)
        return fail(c, "booking ranges");
    enum { ROWS = 150 };
    for (int at = 0; at < c->nrng; at += ROWS) {
        int n = c->nrng - at < ROWS ? c->nrng - at : ROWS;
        Buf sql;
        buf_init(&sql);
        buf_puts(&sql, "INSERT INTO demo_booking_ranges VALUES ");
        for (int i = 0; i < n; i++) buf_puts(&sql, i ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)");
        DbStmt *s = db_prepare(c->db, sql.data);
        buf_free(&sql);
        if (!s) return fail(c, "booking ranges");
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
        if (rc != DB_DONE) return fail(c, "booking ranges");
    }
    int rc = db_exec(c->db,
                     "INSERT INTO bookings(activity_id, user_id, status, arrival, created_at,"
                     " updated_at, checked_in_at, checked_in_by)"
                     " SELECT r.activity_id, u.id, r.status, u.id, r.created_at, r.created_at,"
                     " r.checked_in_at, CASE WHEN r.checked_in_at IS NULL THEN NULL"
                     " ELSE 'system' END FROM demo_booking_ranges r"
                     " JOIN users u ON u.id >= r.lo AND u.id < r.hi");
    if (rc != DB_OK) return fail(c, "bookings");
    if (db_exec(c->db, "DROP TABLE demo_booking_ranges") != DB_OK) return fail(c, "booking ranges");
    return 0;
}

/* The month index of t (Asia/Shanghai). */
static int month_index(int64_t t)
{
    int y, m;
    activity_month_of(t, &y, &m, NULL, NULL);
    return y * 12 + m - 1;
}

/* parent and parent2: two past activities attended, upcoming bookings, and
 * parent2 on the waiting list of a full guidance day. */
static int demo_people(Ctx *c, int **first_month_of)
{
    (void)first_month_of;
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
                       "UPDATE activities SET booked = booked + 1, capacity = ? WHERE id = ?",
                       "ii", (int64_t)x->capacity, x->id) != DB_OK)
                return fail(c, "demo parents' attendance");
            x->seats++;
            x->attended++;
            int m = month_index(x->starts) + 1;
            for (int kind = 0; kind < 1 + x->guidance; kind++)
                if (!c->people_first[p][kind] || c->people_first[p][kind] > m)
                    c->people_first[p][kind] = m;
        }
    c->npeople = parent2 ? 2 : 1;
    c->people_school = school;
    /* upcoming: a parent class with room (both booked), a full guidance day (parent2 waits) */
    char code1[7], code2[7];
    code_of(c->seed, 6531210001u, 1, code1);
    code_of(c->seed, 6531210001u, 2, code2);
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
                         arena_printf(c->a, "%s多功能厅", c->sname[school]), up[k].t,
                         up[k].t + DUR, (int64_t)up[k].cap, (int64_t)up[k].seats, c->now - 86400,
                         up[k].t - 3600, up[k].t - 3 * 3600, up[k].code, c->now - 86400,
                         c->now - 86400);
        if (s && db_step(s) == DB_ROW) ids[k] = db_col_int(s, 0);
        db_done(s);
        if (!ids[k]) return fail(c, "demo parents' activities");
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
    return rc == DB_OK ? 0 : fail(c, "demo parents' bookings");
}

/* ---- the online parent school ---------------------------------------------------------- */

static const char *const course_topics[] = {"亲子沟通", "习惯养成", "阅读陪伴", "心理健康",
                                            "安全教育", "劳动教育", "学业规划", "体育与健康",
                                            "网络素养", "家校合作"};
static const char *const course_titles[] = {
    "三分钟学会倾听孩子",     "睡前半小时做什么",     "怎样和孩子谈学习",
    "家庭作业的陪伴之道",     "孩子发脾气时怎么办",   "一起制定家庭规则",
    "让孩子爱上阅读",         "假期作息安排",         "手机使用的约定",
    "夸奖孩子的正确方式",     "培养孩子的责任心",     "和孩子一起做家务",
    "升学前的心理准备",       "家庭中的安全小常识",   "亲子运动小游戏"};
static const char *const stages[] = {"preschool", "primary", "primary", "junior",
                                     "senior",    "all",     "all"};

/* 250+ micro-courses and 40 lectures over the covered months, mostly by the
 * region, some by counties with schools; their views by demo parents. */
static int courses(Ctx *c, int first_month, int last_month)
{
    int months = last_month - first_month + 1, n = 0;
    int ncourse = 290;
    int64_t before = 0;
    if (db_int(c->db, &before, "SELECT COALESCE(MAX(id), 0) FROM courses", "") != 1)
        return fail(c, "courses");
    int64_t *org = arena_alloc(c->a, sizeof *org * (size_t)ncourse);
    int *cty = arena_alloc(c->a, sizeof *cty * (size_t)ncourse);
    int64_t *pub = arena_alloc(c->a, sizeof *pub * (size_t)ncourse);
    for (int k = 0; k < ncourse; k++) {
        int micro = k % 7 != 6;
        int month = first_month + k * months / ncourse;
        int y = month / 12, mo = month % 12 + 1;
        int day = 1 + (int)draw(c->seed, 31, (uint64_t)k, 1, (uint32_t)days_in(y, mo));
        int64_t t = activity_local_time(y, mo, day, 9, 0);
        if (t > c->now) t = c->now - 3600;
        pub[k] = t;
        int by_county = c->ncounty && draw(c->seed, 31, (uint64_t)k, 2, 10) < 3;
        cty[k] = -1;
        org[k] = c->region_id;
        if (by_county) {
            int i = (int)draw(c->seed, 31, (uint64_t)k, 3, (uint32_t)c->nschools);
            if (c->scounty[i] >= 0) {
                cty[k] = c->scounty[i];
                org[k] = c->county[cty[k]].id;
            }
        }
        char day_text[16];
        snprintf(day_text, sizeof day_text, "%.10s", activity_time_input(c->a, t));
        const char *title = micro ? PICK(course_titles, (uint64_t)k)
                                  : arena_printf(c->a, "专家讲座：%s",
                                                 PICK(course_topics, (uint64_t)k / 7));
        int rc = db_run(c->db,
                        "INSERT INTO courses(org_id, title, stage, topic, kind, duration_min, url,"
                        " published_on, views, active, created_by, created_at)"
                        " VALUES (?,?,?,?,?,?,?,?,0,1,'system',?)",
                        "issssissi", org[k],
                        arena_printf(c->a, "%s（第%d讲）", title, k / 15 + 1),
                        PICK(stages, (uint64_t)k), PICK(course_topics, (uint64_t)k),
                        micro ? "micro_course" : "lecture",
                        (int64_t)(micro ? 5 + draw(c->seed, 31, (uint64_t)k, 4, 16)
                                        : 40 + draw(c->seed, 31, (uint64_t)k, 4, 50)),
                        arena_printf(c->a, "https://example.org/huiju/parent-school/%d", k + 1),
                        day_text, t);
        if (rc != DB_OK) return fail(c, "courses");
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
    while (q && db_step(q) == DB_ROW && k < ncourse) ids[k++] = db_col_int(q, 0);
    db_done(q);
    if (k != ncourse) return fail(c, "course ids");
    (void)cid;
    int64_t rows[ROWS][3];
    int nr = 0;
    for (int j = 0; j <= ncourse; j++) {
        int views = j < ncourse ? per / 2 + (int)draw(c->seed, 37, (uint64_t)j, 1, (uint32_t)per) : 0;
        for (int v = 0; v <= views; v++) {
            int flush = (j == ncourse && v == views) || nr == ROWS;
            if (flush && nr) {
                buf_reset(&sql);
                buf_puts(&sql, "INSERT INTO course_views(course_id, user_id, viewed_at) VALUES ");
                for (int i = 0; i < nr; i++) buf_puts(&sql, i ? ",(?,?,?)" : "(?,?,?)");
                DbStmt *s = db_prepare(c->db, sql.data);
                if (!s) {
                    buf_free(&sql);
                    return fail(c, "course views");
                }
                for (int i = 0; i < nr; i++)
                    for (int f = 0; f < 3; f++) db_bind_int(s, 3 * i + f + 1, rows[i][f]);
                int rc = db_step(s);
                db_done(s);
                if (rc != DB_DONE) {
                    buf_free(&sql);
                    return fail(c, "course views");
                }
                nr = 0;
            }
            if (j == ncourse || v == views) continue;
            /* a parent of a school near the course */
            int i = -1;
            for (int tries = 0; tries < 8 && i < 0; tries++) {
                int s = (int)draw(c->seed, 37, (uint64_t)j, 1000 + (uint64_t)(v * 8 + tries),
                                  (uint32_t)c->nschools);
                if (c->nacc[s] && (cty[j] < 0 || c->scounty[s] == cty[j])) i = s;
            }
            if (i < 0) continue;
            int acc = (int)draw(c->seed, 37, (uint64_t)j, 2000 + (uint64_t)v, (uint32_t)c->nacc[i]);
            int64_t span = c->now - pub[j];
            rows[nr][0] = ids[j];
            rows[nr][1] = c->base[i] + acc;
            rows[nr][2] = pub[j] + (span > 0 ? (int64_t)draw(c->seed, 37, (uint64_t)j, 3000 + (uint64_t)v, (uint32_t)span) : 0);
            nr++;
        }
    }
    buf_free(&sql);
    if (db_run(c->db,
               "UPDATE courses SET views = (SELECT count(*) FROM course_views v"
               " WHERE v.course_id = courses.id) WHERE id > ?",
               "i", before) != DB_OK)
        return fail(c, "course views");
    return n ? 0 : 1;
}

/* ---- the figures --------------------------------------------------------------------- */

typedef struct Cell {
    int64_t org_id;
    const char *path;
    int ind; /* index into the indicator list */
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
    if (grow((void **)&cs->c, &cs->cap, cs->n, sizeof *cs->c)) return -1;
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
static int write_figures(Ctx *c, int first_month, int last_month)
{
    Indicator ind[N_IND];
    int have[N_IND];
    for (int i = 0; i < N_IND; i++) {
        int f = indicator_load(c->db, c->a, ind_codes[i], &ind[i]);
        if (f < 0) return fail(c, "indicators");
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
        int m = month_index(x->starts);
        const char *path = x->school >= 0 ? c->plan[x->school].path
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
     * activity; guidance days for the guided), tallied from the ranges */
    int y0 = first_month / 12;
    for (int i = 0; i < c->nschools && !rc; i++) {
        int n = c->nacc[i];
        if (!n) continue;
        int *first = calloc((size_t)n * 4, sizeof *first); /* [year 0/1][any/guided][account] */
        if (!first) return fail(c, "figures");
        for (int r = 0; r < c->nrng; r++) {
            const DRange *g = &c->rng[r];
            if (g->school != i || !g->attended) continue;
            const DAct *x = &c->act[g->act];
            int m = month_index(x->starts), yk = m / 12 - y0;
            if (yk < 0 || yk > 1) continue;
            for (int kind = 0; kind < 1 + x->guidance; kind++) {
                int *f = first + ((size_t)yk * 2 + (size_t)kind) * (size_t)n;
                for (int k = g->lo; k < g->hi; k++)
                    if (!f[k] || f[k] > m + 1) f[k] = m + 1;
            }
        }
        for (int yk = 0; yk < 2 && !rc; yk++)
            for (int kind = 0; kind < 2 && !rc; kind++) {
                const int *f = first + ((size_t)yk * 2 + (size_t)kind) * (size_t)n;
                for (int k = 0; k < n && !rc; k++)
                    if (f[k])
                        rc = cell_add(&cs, c->plan[i].id, c->plan[i].path,
                                      kind ? I_GUIDED : I_PART, f[k] - 1, 1);
            }
        free(first);
    }
    /* and the demo people's own attendance (demo_people) */
    for (int p = 0; p < c->npeople && !rc; p++)
        for (int kind = 0; kind < 2 && !rc; kind++)
            if (c->people_first[p][kind])
                rc = cell_add(&cs, c->plan[c->people_school].id, c->plan[c->people_school].path,
                              kind ? I_GUIDED : I_PART, c->people_first[p][kind] - 1, 1);
    /* the parent school */
    DbStmt *s = db_q(c->db,
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
                      month_index(db_col_int(s, 2)), 1);
    db_done(s);
    if (rc) {
        free(cs.c);
        return fail(c, "figures");
    }
    qsort(cs.c, (size_t)cs.n, sizeof *cs.c, cell_cmp);
    ValueWriter *w = vw_new(c->db, "system");
    if (!w) {
        free(cs.c);
        return fail(c, "figures");
    }
    for (int i = 0; i < cs.n && !rc; i++) {
        Cell *x = &cs.c[i];
        if (!have[x->ind]) continue;
        /* merge duplicates left by the short look-back of cell_add */
        double v = x->v;
        while (i + 1 < cs.n && !cell_cmp(&cs.c[i + 1], x)) v += cs.c[++i].v;
        char period[24];
        if (ind[x->ind].ptype == PERIOD_YEAR)
            snprintf(period, sizeof period, "%04d", x->period);
        else
            snprintf(period, sizeof period, "%04d-%02d", x->period / 12, x->period % 12 + 1);
        char why[200];
        int r = vw_put(w, "en", x->org_id, x->path, &ind[x->ind], period, &v, why, sizeof why);
        if (r) {
            snprintf(c->err, c->errlen, "demo activities: %s %s = %g: %s", ind_codes[x->ind], period,
                     v, r > 0 ? why : db_errmsg(c->db));
            rc = 1;
        }
    }
    free(cs.c);
    if (rc) {
        vw_abandon(w);
        return 1;
    }
    if (vw_finish(w, "demo.activities", "demo", c->region_path) != DB_OK)
        return fail(c, "figures");
    return 0;
}

/* ---- the load ----------------------------------------------------------------------------- */

#include <time.h>
static double tnow(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + ts.tv_nsec / 1e9; }
static double tcpu(void) { struct timespec ts; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); return ts.tv_sec + ts.tv_nsec / 1e9; }
#define TSTEP(name) if (getenv("HUIJU_DEMO_TIMING")) fprintf(stderr, "%-12s %.3f cpu %.3f\n", name, tnow() - t0, tcpu() - c0)
int activity_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    double t0 = tnow(), c0 = tcpu();
    err[0] = 0;
    Ctx c = {.db = db, .a = arena_new(), .seed = seed, .now = now_s(), .err = err, .errlen = errlen};
    int last = demo_values_this_month();
    int first = demo_values_records_from(last);
    int rc = 0;
    c.nschools = demo_values_activity_plan(db, c.a, seed, last, &c.plan);
    if (c.nschools < 0) rc = fail(&c, "plan");
    char pw[256] = "";
    if (!rc) {
        DbStmt *s = db_q(db, "SELECT pw_hash FROM users WHERE login = 'parent'", "");
        if (s && db_step(s) == DB_ROW) snprintf(pw, sizeof pw, "%s", db_col_text(s, 0));
        db_done(s);
        if (!pw[0] && password_hash(pw, "huiju-demo-2026") != 0) rc = fail(&c, "password");
    }
    if (!rc && db_begin(db) != DB_OK) rc = fail(&c, "begin");
    if (!rc) rc = load_places(&c);
    int **np_end = NULL;
    if (!rc) {
        /* accounts: the most households any covered year needs, and a few more */
        for (int i = 0; i < c.nschools; i++) {
            int most = 0, sum = 0;
            for (int j = 0; j < c.plan[i].n_months; j++) {
                if (j && (c.plan[i].first_month + j) % 12 == 0) sum = 0;
                sum += c.plan[i].participating[j];
                if (sum > most) most = sum;
            }
            c.nacc[i] = most + 6;
        }
        rc = insert_accounts(&c, pw);
        TSTEP("accounts");
    }
    if (!rc) {
        np_end = arena_alloc(c.a, sizeof *np_end * (size_t)(c.nschools + 1));
        for (int i = 0; i < c.nschools && !rc; i++) {
            np_end[i] = arena_alloc(c.a, sizeof **np_end * 12);
            memset(np_end[i], 0, sizeof **np_end * 12);
            int from = c.nact;
            rc = school_months(&c, i, np_end[i]);
            if (!rc) flag_community(&c, from, c.nact, i);
        }
        for (int k = 0; k < c.ncounty && !rc; k++) rc = county_months(&c, k, np_end);
        if (!rc) rc = upcoming(&c);
    }
    TSTEP("generate");
    if (!rc) rc = insert_activities(&c);
    TSTEP("activities");
    if (!rc) rc = insert_bookings(&c);
    TSTEP("bookings");
    if (!rc) rc = demo_people(&c, NULL);
    if (!rc) rc = courses(&c, first, last);
    TSTEP("courses");
    if (!rc) rc = write_figures(&c, first, last);
    TSTEP("figures");
    if (!rc) {
        int64_t users = 0, bookings = 0;
        for (int i = 0; i < c.nschools; i++) users += c.nacc[i];
        db_int(db, &bookings, "SELECT count(*) FROM bookings", "");
        char key[32];
        snprintf(key, sizeof key, "seed-%" PRIu64, seed);
        json_t *sum = json_pack("{s:I,s:I,s:I}", "activities", (json_int_t)c.nact,
                                "parent_accounts", (json_int_t)users, "bookings",
                                (json_int_t)bookings);
        if (audit_log(db, "system", "demo.activities", "demo", key, c.region_path, NULL, sum) !=
            DB_OK)
            rc = fail(&c, "audit");
        json_decref(sum);
    }
    if (!rc && db_commit(db) != DB_OK) rc = fail(&c, "commit");
    TSTEP("commit");
    if (rc) db_rollback(db);
    free(c.act);
    free(c.rng);
    arena_free(c.a);
    return rc;
}
