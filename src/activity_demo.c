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
 * The figures are written through one ValueWriter batch. One transaction. This
 * file makes the accounts and the records in memory; activity_demo_write.c writes
 * them, the parent school and the figures (shared types: activity_demo_int.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "activity_demo_int.h"
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
uint32_t ad_draw(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint32_t n)
{
    uint64_t h = sm64(seed ^ sm64(a ^ sm64(b * UINT64_C(0x100000001b3) ^ sm64(c))));
    return n ? (uint32_t)(h % n) : 0;
}

void ad_code(uint64_t seed, uint64_t a, uint64_t b, char out[7])
{
    static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 6; i++)
        out[i] = alphabet[ad_draw(seed, a, b, 900 + (uint64_t)i, 31)];
    out[6] = 0;
}

int ad_fail(Ctx *c, const char *what)
{
    snprintf(c->err, c->errlen, "demo activities: %s: %s", what, db_errmsg(c->db));
    return 1;
}

int ad_grow(void **p, int *cap, int n, size_t size)
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
    if (ad_grow((void **)&c->act, &c->capact, c->nact, sizeof *c->act)) return NULL;
    DAct *x = &c->act[c->nact++];
    memset(x, 0, sizeof *x);
    x->school = x->county = -1;
    return x;
}

static int add_range(Ctx *c, int act, int school, int lo, int hi, int attended)
{
    if (hi <= lo) return 0;
    if (ad_grow((void **)&c->rng, &c->caprng, c->nrng, sizeof *c->rng)) return -1;
    c->rng[c->nrng++] = (DRange){act, school, lo, hi, attended};
    return 0;
}

/* The month index of t (Asia/Shanghai). */
int ad_month(int64_t t)
{
    int y, m;
    activity_month_of(t, &y, &m, NULL, NULL);
    return y * 12 + m - 1;
}

/* ---- titles ------------------------------------------------------------------------ */

static const char *const class_topics[] = {
    "亲子沟通的方法",     "好习惯怎样养成",    "陪孩子读好一本书",     "科学安排作息与睡眠",
    "家庭劳动教育",       "合理使用手机",      "孩子情绪的识别与疏导", "安全教育进家庭",
    "家校共育与作业辅导", "营养膳食与体育锻炼"};
static const char *const culture_topics[] = {"社区读书会", "传统节日文化活动", "亲子运动会",
                                             "社区科普日", "少儿书画展",       "社区文艺汇演"};
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
    DbStmt *s =
        db_q(c->db, "SELECT code, name_zh FROM orgs WHERE kind = 'school' ORDER BY code", "");
    int i = 0;
    while (s && db_step(s) == DB_ROW && i < c->nschools) {
        if (strcmp(db_col_text(s, 0), c->plan[i].code)) break;
        c->sname[i++] = arena_strdup(c->a, db_col_text(s, 1));
    }
    db_done(s);
    if (i != c->nschools) return ad_fail(c, "school names");
    int64_t n = 0;
    if (db_int(c->db, &n, "SELECT count(*) FROM orgs WHERE kind = 'county'", "") != 1)
        return ad_fail(c, "counties");
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
    return c->region_id ? 0 : ad_fail(c, "region");
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
        if (rc != DB_OK) return ad_fail(c, "parent accounts");
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
        if (rc != DB_OK) return ad_fail(c, "parent grants");
    }
    return 0;
}

/* ---- the monthly activities ----------------------------------------------------------- */

int ad_days_in(int y, int m)
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
        int cap = att * 100 / 60 + 1 + (int)ad_draw(seed, key, 7, 1, 12);
        return cap < att + *noshow ? att + *noshow : cap;
    }
    int hi = att * 100 / 60; /* the largest capacity with att ≥ 60 % of it */
    int want = att + att * (int)ad_draw(seed, key, 7, 2, 35) / 100;
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
        for (int k = 0; k < ng_seg; k++)
            g += ghi[k] - glo[k];
        int rest_lo = np + gm, rest_hi = np + P;
        if (rest_hi > rest_lo && nseg < MAX_SEG) seg[nseg++] = (Seg){rest_lo, rest_hi};
        int ngd = g > 0 ? 1 + (g - 1) / 80 : 0;
        int no = H - ngd;
        if (rest_hi > rest_lo && no < 1) no = 1;
        if (no < 0) no = 0;
        int T = ngd + no, dim = ad_days_in(y, mo), done_np = np;
        if (L > T) L = T;
        /* weights of the other activities' shares of the new participants */
        uint32_t wsum = 0, w[64];
        for (int t = 0; t < no && t < 64; t++)
            wsum += w[t] = 1 + ad_draw(c->seed, key, month, (uint64_t)t, 3);
        int given = rest_lo;
        uint32_t wacc = 0;
        for (int t = 0; t < T; t++) {
            DAct *x = new_act(c);
            if (!x) return 1;
            int ai = c->nact - 1;
            x->org_id = p->id;
            x->school = i;
            int day = 1 + (int)(((int64_t)t * dim +
                                 ad_draw(c->seed, key, month, 50 + (uint64_t)t, (uint32_t)dim)) /
                                T);
            if (day > dim) day = dim;
            times(c, x, y, mo, day, 15 + t % 3, t % 60);
            ad_code(c->seed, key, (uint64_t)(month * 64 + t), x->code);
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
                int low0 =
                    (int)((int64_t)(t + 1) * L / (T ? T : 1)) > (int)((int64_t)t * L / (T ? T : 1));
                x->capacity =
                    done0 ? capacity_for(c->seed, key * 131 + (uint64_t)ai, n_att, &noshow0, low0)
                          : n_att + 5 + (int)ad_draw(c->seed, key, month, 300 + (uint64_t)t, 15);
                x->seats = n_att;
                x->attended = done0 ? n_att : 0;
                x->place = arena_printf(c->a, "%s多功能厅", c->sname[i]);
                if (done0 && gm > 0 && np + gm > done_np) done_np = np + gm;
                continue;
            } else {
                int o = t - ngd, k = (int)ad_draw(c->seed, key, month, 100 + (uint64_t)t, 20);
                x->kind = k < 11   ? "parent_class"
                          : k < 15 ? "culture_day"
                          : k < 17 ? "study_tour"
                                   : "training";
                x->audience = k < 11 || k >= 17 ? "parents" : "all";
                const char *topic = k < 11   ? PICK(class_topics, (uint64_t)month + (uint64_t)o)
                                    : k < 15 ? PICK(culture_topics, (uint64_t)month + (uint64_t)o)
                                    : k < 17 ? PICK(tour_topics, (uint64_t)month)
                                             : PICK(training_topics, (uint64_t)month);
                x->title = k < 11 ? arena_printf(c->a, "家长课堂：%s", topic) : topic;
                wacc += o < 64 ? w[o] : 1;
                lo = given;
                hi = o == no - 1
                         ? rest_hi
                         : rest_lo + (int)((int64_t)(rest_hi - rest_lo) * wacc / (wsum ? wsum : 1));
                if (hi > rest_hi) hi = rest_hi;
                if (hi < lo) hi = lo;
                given = hi;
            }
            x->place =
                x->kind[0] == 's' ? "研学基地" : arena_printf(c->a, "%s多功能厅", c->sname[i]);
            int att = hi - lo, ret = 0, ret_lo = 0;
            if (att == 0 && done_np > 0) {
                ret = done_np < 6 ? done_np : 6;
                ret_lo = (int)ad_draw(c->seed, key, month, 200 + (uint64_t)t,
                                      (uint32_t)(done_np - ret + 1));
            }
            int low =
                (int)((int64_t)(t + 1) * L / (T ? T : 1)) > (int)((int64_t)t * L / (T ? T : 1));
            int noshow = (att + ret) / 15;
            if (hi + noshow > c->nacc[i]) noshow = c->nacc[i] - hi > 0 ? c->nacc[i] - hi : 0;
            int done = !strcmp(x->status, "done");
            x->capacity =
                done ? capacity_for(c->seed, key * 131 + (uint64_t)ai, att + ret, &noshow, low)
                     : att + ret + noshow + 5 +
                           (int)ad_draw(c->seed, key, month, 300 + (uint64_t)t, 15);
            if (x->capacity < 1) x->capacity = 1;
            x->seats = att + ret + noshow;
            x->attended = done ? att + ret : 0;
            if (add_range(c, ai, i, lo, hi, done) ||
                add_range(c, ai, i, ret_lo, ret_lo + ret, done) ||
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
        int64_t from = activity_local_time(year, 1, 1, 0, 0),
                to = activity_local_time(year + 1, 1, 1, 0, 0);
        for (int a = first_act; a < last_act; a++)
            if (!strcmp(c->act[a].status, "done") && c->act[a].starts >= from &&
                c->act[a].starts < to)
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
        int tour = ad_draw(c->seed, key, month, 1, 4) == 0;
        x->kind = tour ? "study_tour" : "culture_day";
        x->audience = "all";
        x->title = tour ? PICK(tour_topics, (uint64_t)month + 1)
                        : PICK(culture_topics, (uint64_t)month + 3);
        x->place = tour ? "研学基地" : "县文化馆";
        times(c, x, y, mo, 20, 10, k % 60);
        ad_code(c->seed, key, (uint64_t)month, x->code);
        int done = !strcmp(x->status, "done"), att = 0, held = 0, low = 0;
        for (int i = 0; i < c->nschools; i++) {
            if (c->scounty[i] != k) continue;
            int n = np_end[i][j] < 5 ? np_end[i][j] : 5;
            if (add_range(c, ai, i, 0, n, done)) return 1;
            att += n;
            held += c->plan[i].held[j];
            low += c->plan[i].low[j];
        }
        int noshow = 0;
        int is_low = held && (int)ad_draw(c->seed, key, month, 2, (uint32_t)held) < low;
        x->capacity = done
                          ? capacity_for(c->seed, key * 977 + (uint64_t)month, att, &noshow, is_low)
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
        x->starts = c->now - c->now % 3600 + (int64_t)(3 + ad_draw(c->seed, key, 1, 1, 18)) * 86400;
        x->ends = x->starts + DUR;
        x->status = "open";
        ad_code(c->seed, key, 99991, x->code);
        int n = c->nacc[i] < 6 ? c->nacc[i] : 6;
        x->capacity = 30;
        x->seats = n;
        if (add_range(c, ai, i, 0, n, 0)) return 1;
    }
    for (int k = 0; k < c->ncounty; k++) {
        int has = 0;
        for (int i = 0; i < c->nschools && !has; i++)
            has = c->scounty[i] == k;
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
            ad_code(c->seed, (uint64_t)c->county[k].id, 77 + (uint64_t)v, x->code);
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
    ad_code(c->seed, (uint64_t)c->region_id, 5, x->code);
    return 0;
}

/* ---- the load ----------------------------------------------------------------------------- */

int activity_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    err[0] = 0;
    Ctx c = {
        .db = db, .a = arena_new(), .seed = seed, .now = now_s(), .err = err, .errlen = errlen};
    int last = demo_values_this_month();
    int first = demo_values_records_from(last);
    int rc = 0;
    c.nschools = demo_values_activity_plan(db, c.a, seed, last, &c.plan);
    if (c.nschools < 0) rc = ad_fail(&c, "plan");
    char pw[256] = "";
    if (!rc) {
        DbStmt *s = db_q(db, "SELECT pw_hash FROM users WHERE login = 'parent'", "");
        if (s && db_step(s) == DB_ROW) snprintf(pw, sizeof pw, "%s", db_col_text(s, 0));
        db_done(s);
        if (!pw[0] && password_hash(pw, "huiju-demo-2026") != 0) rc = ad_fail(&c, "password");
    }
    if (!rc && db_begin(db) != DB_OK) rc = ad_fail(&c, "begin");
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
        for (int k = 0; k < c.ncounty && !rc; k++)
            rc = county_months(&c, k, np_end);
        if (!rc) rc = upcoming(&c);
    }
    if (!rc) rc = ad_insert_activities(&c);
    if (!rc) rc = ad_insert_bookings(&c);
    if (!rc) rc = ad_demo_people(&c);
    if (!rc) rc = ad_courses(&c, first, last);
    if (!rc) rc = ad_write_figures(&c, first, last);
    if (!rc) {
        int64_t users = 0, bookings = 0;
        for (int i = 0; i < c.nschools; i++)
            users += c.nacc[i];
        db_int(db, &bookings, "SELECT count(*) FROM bookings", "");
        char key[32];
        snprintf(key, sizeof key, "seed-%" PRIu64, seed);
        json_t *sum =
            json_pack("{s:I,s:I,s:I}", "activities", (json_int_t)c.nact, "parent_accounts",
                      (json_int_t)users, "bookings", (json_int_t)bookings);
        if (audit_log(db, "system", "demo.activities", "demo", key, c.region_path, NULL, sum) !=
            DB_OK)
            rc = ad_fail(&c, "audit");
        json_decref(sum);
    }
    if (!rc && db_commit(db) != DB_OK) rc = ad_fail(&c, "commit");
    if (rc) db_rollback(db);
    free(c.act);
    free(c.rng);
    arena_free(c.a);
    return rc;
}
