/* volunteer_demo.c — the demo's volunteers (volunteer_demo_load, see
 * volunteer.h): a region silver-age teacher pool (银龄教师库), university student
 * teams under partner organisations, a community team per county with schools
 * and parent teams at a few schools; about 2,000 volunteers at full scale (1,200
 * schools, never fewer than 200), mostly without accounts; a monthly aggregate
 * of verified hours per volunteer for last year and this year so far (near
 * 500,000 hours a year at full scale), the ledger those hours and some
 * redemptions make, and rewards with stock. The demo people volunteer,
 * volunteer2 and volunteer3 get records of their own, with a few verified hours
 * and some awaiting verification by liaison (an activity of 6531210001) or
 * shufu.
 *
 * Everything is simulated in memory first (balances, stock, ids in insertion
 * order), then written with multi-row INSERTs in one transaction; the figures
 * (feed.h) go through one FeedBatch. */
#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/util.h"
#include "feed.h"
#include "points.h"
#include "volunteer.h"

/* splitmix64, as in demo.c: the same seed gives the same volunteers. */
typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint32_t below(Rng *r, uint32_t n)
{
    return n ? (uint32_t)(rng_next(r) % n) : 0;
}

typedef struct DOrg {
    int64_t id, parent_id;
    char code[24], path[96], name[128];
    int kind; /* 'r' region, 'p' prefecture, 'c' county, 's' school, 'x' partner */
    int recipient, schools;
} DOrg;

typedef struct DPool {
    const char *code, *kind, *name;
    int org; /* index into orgs */
    double pph;
    int64_t id;
} DPool;

typedef struct DVol {
    int pool, serve; /* serve: index of the org where they serve */
    int64_t user_id, created_at, balance, id;
    double hours;
    const char *name, *phone, *affiliation, *skills, *availability, *status;
} DVol;

typedef struct DHours {
    int vol, org;
    int64_t day, verified_at, activity_id, points, id;
    double hours;
    int verified;
} DHours;

typedef struct DReward {
    const char *kind, *name_zh, *name_en;
    int org;
    int64_t cost, stock, id;
} DReward;

typedef struct DRed {
    int vol, reward;
    int64_t at, points, id;
} DRed;

typedef struct DLedger {
    int vol, reason; /* 0 hours, 1 redemption */
    int ref;         /* index into hours or redemptions */
    int64_t delta, balance, at;
} DLedger;

typedef struct Ctx {
    Db *db;
    Arena *a;
    Rng rng;
    char *err;
    size_t errlen;
    DOrg *orgs;
    int norgs;
    DPool *pools;
    int npools, cpools;
    DVol *vols;
    int nvols, cvols;
    DHours *hours;
    int nhours, chours;
    DReward *rewards;
    int nrewards, crewards;
    DRed *reds;
    int nreds, creds;
    DLedger *ledger;
    int nledger, cledger;
} Ctx;

#define GROW(c, arr, n, cap)                                                                       \
    do {                                                                                           \
        if ((c)->n == (c)->cap) {                                                                  \
            (c)->cap = (c)->cap ? (c)->cap * 2 : 256;                                              \
            void *p_ = realloc((c)->arr, sizeof *(c)->arr * (size_t)(c)->cap);                     \
            if (!p_) abort();                                                                      \
            (c)->arr = p_;                                                                         \
        }                                                                                          \
    } while (0)

static int fail(Ctx *c, const char *what)
{
    snprintf(c->err, c->errlen, "demo volunteers: %s: %s", what, db_errmsg(c->db));
    return 1;
}

static int find_org(const Ctx *c, const char *code)
{
    for (int i = 0; i < c->norgs; i++)
        if (!strcmp(c->orgs[i].code, code)) return i;
    return -1;
}

/* ---- multi-row inserts ------------------------------------------------------------ */

typedef struct Val {
    char t;
    int64_t i;
    double d;
    const char *s;
} Val;

typedef struct Bulk {
    Db *db;
    const char *head; /* "INSERT INTO t(a, b, c) VALUES " */
    int ncols, n, rc;
    Val vals[1000 * 16];
} Bulk;

enum { BULK_ROWS = 1000 };

static int bulk_flush(Bulk *b)
{
    if (!b->n || b->rc != DB_OK) return b->rc;
    Buf sql = {0};
    buf_puts(&sql, b->head);
    for (int r = 0; r < b->n; r++) {
        buf_puts(&sql, r ? ",(" : "(");
        for (int k = 0; k < b->ncols; k++)
            buf_puts(&sql, k ? ",?" : "?");
        buf_putc(&sql, ')');
    }
    DbStmt *s = db_prepare(b->db, sql.data);
    buf_free(&sql);
    int rc = s ? DB_OK : DB_ERROR;
    for (int i = 0; s && rc == DB_OK && i < b->n * b->ncols; i++) {
        const Val *v = &b->vals[i];
        rc = v->t == 'i'   ? db_bind_int(s, i + 1, v->i)
             : v->t == 'd' ? db_bind_double(s, i + 1, v->d)
             : v->t == 'n' ? db_bind_null(s, i + 1)
                           : db_bind_text(s, i + 1, v->s);
    }
    if (rc == DB_OK) rc = db_step(s) == DB_DONE ? DB_OK : DB_ERROR;
    db_done(s);
    b->n = 0;
    b->rc = rc;
    return rc;
}

/* Queues one row; types has one letter per column: i, d, s, n (NULL). */
static void bulk_row(Bulk *b, const char *types, ...)
{
    if (b->rc != DB_OK) return;
    va_list ap;
    va_start(ap, types);
    Val *v = &b->vals[b->n * b->ncols];
    for (int k = 0; k < b->ncols; k++) {
        v[k].t = types[k];
        if (types[k] == 'i')
            v[k].i = va_arg(ap, int64_t);
        else if (types[k] == 'd')
            v[k].d = va_arg(ap, double);
        else if (types[k] == 's')
            v[k].s = va_arg(ap, const char *);
    }
    va_end(ap);
    if (++b->n == BULK_ROWS) bulk_flush(b);
}

/* The ids of the rows of `table` above `after`, in insertion order, into ids[0..n). */
static int new_ids(Ctx *c, const char *sql, int64_t after, int64_t *ids, int n)
{
    DbStmt *s = db_q(c->db, sql, "i", after);
    int k = 0;
    while (s && k < n && db_step(s) == DB_ROW)
        ids[k++] = db_col_int(s, 0);
    db_done(s);
    return s && k == n ? 0 : -1;
}

static int64_t max_id(Ctx *c, const char *sql)
{
    int64_t m = 0;
    return db_int(c->db, &m, sql, "") == 1 ? m : 0;
}

/* ---- people's names and details ---------------------------------------------------- */

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
                                       "郑", "梁", "谢", "宋", "唐", "韩", "冯", "于", "董", "萧"};
static const char *const given[] = {"建国", "秀英", "桂兰", "志强", "丽娟", "海燕", "晓东", "文博",
                                    "雪梅", "宏伟", "思远", "欣怡", "子涵", "浩然", "佳琪", "梓萱",
                                    "国庆", "红霞", "明",   "静",   "磊",   "洋",   "艳",   "军"};
static const char *const names_x[] = {"阿依古丽", "古丽米拉", "艾力",     "热依拉", "迪丽娜尔",
                                      "努尔兰",   "阿迪力",   "米娜瓦尔", "库尔班", "帕丽达"};
static const char *const skills_by_kind[4][4] = {
    {"语文教学", "数学教学", "班主任经验", "课堂教学指导"},
    {"支教", "科普", "心理辅导", "文体活动"},
    {"社区服务", "文艺演出", "心理疏导", "家庭教育宣讲"},
    {"阅读陪伴", "手工", "体育", "安全护导"}};
static const char *const availability[] = {"周末", "寒暑假", "工作日下午", "每月一次", "随时"};
static const char *const universities[] = {"新疆大学",   "新疆师范大学", "石河子大学",
                                           "塔里木大学", "喀什大学",     "伊犁师范大学"};

static const char *person_name(Ctx *c)
{
    if (below(&c->rng, 100) < 30) return names_x[below(&c->rng, 10)];
    return arena_printf(c->a, "%s%s", surnames[below(&c->rng, 30)], given[below(&c->rng, 24)]);
}

static const char *phone(Ctx *c)
{
    if (below(&c->rng, 100) < 25) return "";
    static const char *const heads[] = {"138", "139", "135", "150", "186", "177", "199"};
    return arena_printf(c->a, "%s%08u", heads[below(&c->rng, 7)], below(&c->rng, 100000000));
}

static int kind_index(const char *kind)
{
    return !strcmp(kind, "silver_teacher") ? 0
           : !strcmp(kind, "student_team") ? 1
           : !strcmp(kind, "community")    ? 2
                                           : 3;
}

/* ---- loading the tree ------------------------------------------------------------- */

static int load_orgs(Ctx *c)
{
    int64_t n = 0;
    if (db_int(c->db, &n, "SELECT count(*) FROM orgs", "") != 1) return fail(c, "counting orgs");
    c->orgs = calloc((size_t)n + 1, sizeof *c->orgs);
    if (!c->orgs) abort();
    DbStmt *s = db_q(c->db,
                     "SELECT o.id, COALESCE(o.parent_id, 0), o.code, o.path, o.name_zh, o.kind,"
                     " o.is_recipient, (SELECT count(*) FROM orgs k WHERE k.parent_id = o.id AND"
                     " k.kind = 'school') FROM orgs o WHERE o.active = 1 ORDER BY o.path",
                     "");
    while (s && c->norgs < n && db_step(s) == DB_ROW) {
        DOrg *o = &c->orgs[c->norgs++];
        o->id = db_col_int(s, 0);
        o->parent_id = db_col_int(s, 1);
        snprintf(o->code, sizeof o->code, "%s", db_col_text(s, 2));
        snprintf(o->path, sizeof o->path, "%s", db_col_text(s, 3));
        snprintf(o->name, sizeof o->name, "%s", db_col_text(s, 4));
        const char *k = db_col_text(s, 5);
        o->kind = !strcmp(k, "region")       ? 'r'
                  : !strcmp(k, "prefecture") ? 'p'
                  : !strcmp(k, "county")     ? 'c'
                  : !strcmp(k, "school")     ? 's'
                                             : 'x';
        o->recipient = (int)db_col_int(s, 6);
        o->schools = (int)db_col_int(s, 7);
    }
    db_done(s);
    return s ? 0 : fail(c, "reading orgs");
}

static void add_pool(Ctx *c, const char *code, const char *kind, const char *name, int org,
                     double pph)
{
    GROW(c, pools, npools, cpools);
    c->pools[c->npools++] = (DPool){code, kind, name, org, pph, 0};
}

static void add_reward(Ctx *c, const char *org, const char *kind, const char *zh, const char *en,
                       int64_t cost, int64_t stock)
{
    int o = find_org(c, org);
    if (o < 0) return;
    GROW(c, rewards, nrewards, crewards);
    c->rewards[c->nrewards++] = (DReward){kind, zh, en, o, cost, stock, 0};
}

/* A recipient school of the south (or any school) for someone serving widely. */
static int some_school(Ctx *c, const char *prefix)
{
    for (int tries = 0; tries < 50; tries++) {
        int i = (int)below(&c->rng, (uint32_t)c->norgs);
        const DOrg *o = &c->orgs[i];
        if (o->kind == 's' && o->recipient && (!prefix || strstr(o->path, prefix))) return i;
    }
    for (int i = 0; i < c->norgs; i++)
        if (c->orgs[i].kind == 's') return i;
    return 0;
}

/* A school of county org (or the county itself when it has none). */
static int school_in(Ctx *c, int county)
{
    const DOrg *k = &c->orgs[county];
    if (!k->schools) return county;
    int pick = (int)below(&c->rng, (uint32_t)k->schools), seen = 0;
    for (int i = 0; i < c->norgs; i++)
        if (c->orgs[i].kind == 's' && c->orgs[i].parent_id == k->id && seen++ == pick) return i;
    return county;
}

/* ---- the simulation ----------------------------------------------------------------- */

static int64_t local_noon(int64_t day)
{
    return day * 86400 + 4 * 3600; /* 12:00 in Asia/Shanghai */
}

static void add_hours(Ctx *c, int vol, int org, int64_t day, double h, int verified,
                      int64_t activity, int64_t now)
{
    GROW(c, hours, nhours, chours);
    DVol *v = &c->vols[vol];
    int64_t at = local_noon(day) + 3 * 86400;
    if (at > now) at = now - 3600;
    DHours *x = &c->hours[c->nhours++];
    *x = (DHours){.vol = vol,
                  .org = org,
                  .day = day,
                  .hours = h,
                  .verified = verified,
                  .verified_at = verified ? at : 0,
                  .activity_id = activity};
    if (!verified) return;
    x->points = points_for_hours(h, c->pools[v->pool].pph);
    v->hours += h;
    v->balance += x->points;
    GROW(c, ledger, nledger, cledger);
    c->ledger[c->nledger++] =
        (DLedger){vol, 0, c->nhours - 1, x->points, v->balance, x->verified_at};
}

/* Sometimes a volunteer with enough points redeems a reward open to them. */
static void maybe_redeem(Ctx *c, int vol, int64_t at, int64_t now)
{
    if (below(&c->rng, 100) >= 5 || at + 86400 > now) return;
    DVol *v = &c->vols[vol];
    const char *path = c->orgs[c->pools[v->pool].org].path;
    int pick = -1, seen = 0;
    for (int i = 0; i < c->nrewards; i++) {
        DReward *w = &c->rewards[i];
        const char *wp = c->orgs[w->org].path;
        if (w->stock < 1 || w->cost > v->balance || strncmp(path, wp, strlen(wp))) continue;
        if (below(&c->rng, (uint32_t)++seen) == 0) pick = i;
    }
    if (pick < 0) return;
    DReward *w = &c->rewards[pick];
    w->stock--;
    v->balance -= w->cost;
    GROW(c, reds, nreds, creds);
    c->reds[c->nreds++] = (DRed){vol, pick, at + 86400, w->cost, 0};
    GROW(c, ledger, nledger, cledger);
    c->ledger[c->nledger++] = (DLedger){vol, 1, c->nreds - 1, -w->cost, v->balance, at + 86400};
}

static int64_t user_id(Ctx *c, const char *login)
{
    int64_t id = 0;
    return db_int(c->db, &id, "SELECT id FROM users WHERE login = ?", "s", login) == 1 ? id : 0;
}

static int simulate(Ctx *c, int64_t now)
{
    int64_t today = points_today();
    char tbuf[11];
    points_day_text(today, tbuf);
    int year = atoi(tbuf), month = atoi(tbuf + 5), mday = atoi(tbuf + 8);
    int region = find_org(c, "650000");
    if (region < 0) {
        snprintf(c->err, c->errlen, "demo volunteers: no region 650000");
        return 1;
    }
    int schools = 0;
    for (int i = 0; i < c->norgs; i++)
        schools += c->orgs[i].kind == 's';
    int nvol = (int)lround(2000.0 * schools / 1200);
    if (nvol < 200) nvol = 200;

    /* pools */
    add_pool(c, "VP-650000-SILVER", "silver_teacher", "自治区银龄教师库", region, 12);
    int students = c->npools;
    static const struct {
        const char *partner, *code, *name;
    } teams[] = {{"P0002", "VP-P0002-XJU", "新疆大学青年志愿者支教队"},
                 {"P0002", "VP-P0002-XJNU", "新疆师范大学支教服务队"},
                 {"P0008", "VP-P0008-TARIM", "塔里木大学志愿服务队"}};
    for (size_t i = 0; i < sizeof teams / sizeof teams[0]; i++) {
        int o = find_org(c, teams[i].partner);
        if (o >= 0) add_pool(c, teams[i].code, "student_team", teams[i].name, o, 10);
    }
    int nstudent = c->npools - students;
    int community = c->npools;
    for (int i = 0; i < c->norgs; i++) {
        const DOrg *o = &c->orgs[i];
        if (o->kind != 'c' ||
            (!o->schools && strcmp(o->code, "653121") && strcmp(o->code, "653221")))
            continue;
        add_pool(c, arena_printf(c->a, "VP-%s-C", o->code), "community",
                 arena_printf(c->a, "%s社区志愿服务队", o->name), i, 10);
    }
    int ncommunity = c->npools - community;
    int parents = c->npools;
    static const char *const parent_schools[] = {"6531210001", "6532210001", "6501020001"};
    for (size_t i = 0; i < sizeof parent_schools / sizeof parent_schools[0]; i++) {
        int o = find_org(c, parent_schools[i]);
        if (o >= 0)
            add_pool(c, arena_printf(c->a, "VP-%s-P", parent_schools[i]), "parent",
                     arena_printf(c->a, "%s家长志愿者队", c->orgs[o].name), o, 10);
    }
    /* and the first recipient school of two more southern counties */
    int64_t taken[4] = {0};
    for (int i = 0, extra = 0; i < c->norgs && extra < 2; i++) {
        const DOrg *o = &c->orgs[i];
        if (o->kind != 's' || !o->recipient || !strstr(o->path, "/653") ||
            strstr(o->path, "/653121/") || strstr(o->path, "/653221/"))
            continue;
        int dup = 0;
        for (int k = 0; k < extra; k++)
            dup |= taken[k] == o->parent_id;
        if (dup) continue;
        taken[extra++] = o->parent_id;
        add_pool(c, arena_printf(c->a, "VP-%s-P", o->code), "parent",
                 arena_printf(c->a, "%s家长志愿者队", o->name), i, 10);
    }
    int nparent = c->npools - parents;

    /* rewards: some open to everyone, some to a prefecture, a county */
    int64_t big = nvol;
    add_reward(c, "650000", "honour", "志愿服务纪念徽章", "Volunteer service badge", 300, big * 2);
    add_reward(c, "650000", "reward", "图书礼券（50元）", "Book voucher (50 yuan)", 1000, big);
    add_reward(c, "650000", "reward", "志愿者健康体检", "Health check for volunteers", 3000,
               big / 4 + 5);
    add_reward(c, "650000", "honour", "自治区优秀志愿者", "Outstanding volunteer of the region",
               5000, big / 50 + 5);
    add_reward(c, "653100", "honour", "喀什地区志愿服务荣誉证书",
               "Kashgar volunteer service certificate", 2000, 60);
    add_reward(c, "653121", "reward", "文具礼包", "Stationery pack", 100, 40);
    add_reward(c, "653121", "honour", "疏附县优秀志愿者", "Outstanding volunteer of Shufu", 1500,
               10);
    add_reward(c, "653121", "reward", "保温杯", "Vacuum flask", 200, 0);
    add_reward(c, "P0002", "reward", "支教纪念册", "Teaching memory book", 400, 80);

    /* the volunteers without accounts */
    int64_t start = points_day(arena_printf(c->a, "%04d-01-01", year - 1));
    for (int n = 0; n < nvol; n++) {
        uint32_t k = below(&c->rng, 100);
        int pool = k < 15                 ? 0
                   : k < 35 && nstudent   ? students + (int)below(&c->rng, (uint32_t)nstudent)
                   : k < 85 && ncommunity ? community + (int)below(&c->rng, (uint32_t)ncommunity)
                   : nparent              ? parents + (int)below(&c->rng, (uint32_t)nparent)
                                          : 0;
        const DPool *p = &c->pools[pool];
        int ki = kind_index(p->kind);
        int serve = ki == 0   ? some_school(c, "/653")
                    : ki == 1 ? some_school(c, "/653")
                    : ki == 2 ? school_in(c, p->org)
                              : p->org;
        const char *aff = ki == 0 ? arena_printf(c->a, "%s（退休教师）", c->orgs[serve].name)
                          : ki == 1 ? universities[below(&c->rng, 6)]
                          : ki == 2 ? arena_printf(c->a, "%s第%u社区", c->orgs[p->org].name,
                                                   1 + below(&c->rng, 9))
                                    : arena_printf(c->a, "%s学生家长", c->orgs[p->org].name);
        uint32_t st = below(&c->rng, 100);
        GROW(c, vols, nvols, cvols);
        c->vols[c->nvols++] = (DVol){
            .pool = pool,
            .serve = serve,
            .created_at = local_noon(start - 1 - below(&c->rng, 60)),
            .name = person_name(c),
            .phone = phone(c),
            .affiliation = aff,
            .skills = skills_by_kind[ki][below(&c->rng, 4)],
            .availability = availability[below(&c->rng, 5)],
            .status = st < 94   ? "approved"
                      : st < 97 ? "pending"
                                : "left",
        };
    }
    /* a year of monthly hours: about 500,000 h a year at full scale */
    int serving = 0;
    for (int i = 0; i < c->nvols; i++)
        serving += !strcmp(c->vols[i].status, "approved");
    double mean = 500000.0 * nvol / 2000 / (serving ? serving : 1) / 12;
    if (mean > 23) mean = 23;
    for (int i = 0; i < c->nvols; i++) {
        if (strcmp(c->vols[i].status, "approved")) continue;
        for (int y = year - 1; y <= year; y++)
            for (int m = 1; m <= 12; m++) {
                if (y == year && (m > month || (m == month && mday <= 10))) break;
                int64_t day = points_day(arena_printf(c->a, "%04d-%02d-10", y, m));
                double h = mean - 2 + below(&c->rng, 41) / 10.0;
                if (h > 24) h = 24;
                h = round(h * 10) / 10;
                /* the last month's hours partly await verification */
                int verified = !(day >= today - 30 && below(&c->rng, 100) < 25);
                add_hours(c, i, c->vols[i].serve, day, h, verified, 0, now);
                if (verified) maybe_redeem(c, i, c->hours[c->nhours - 1].verified_at, now);
            }
    }

    /* the demo people's own records */
    int shufu_pool = -1, school = find_org(c, "6531210001");
    for (int p = community; p < community + ncommunity; p++)
        if (!strcmp(c->pools[p].code, "VP-653121-C")) shufu_pool = p;
    static const struct {
        const char *login, *name, *aff, *skills;
        int kind; /* 0 silver, 1 student, 2 the 653121 community team */
    } me[] = {{"volunteer", "疏附县志愿者", "疏附县托克扎克镇社区", "家庭教育宣讲、文艺演出", 2},
              {"volunteer2", "银龄志愿者", "喀什市第二中学（退休教师）", "数学教学、班主任经验", 0},
              {"volunteer3", "大学生志愿者", "新疆大学", "支教、科普", 1}};
    int64_t activity = 0, act_day = 0;
    if (school >= 0) {
        /* the latest past activity of the school, one open to volunteers first */
        DbStmt *s = db_q(c->db,
                         "SELECT id, starts_at FROM activities WHERE org_id = ? AND status <> "
                         "'cancelled' AND starts_at < ? AND starts_at > ? ORDER BY CASE WHEN kind"
                         " = 'volunteer_service' OR audience <> 'parents' THEN 0 ELSE 1 END,"
                         " starts_at DESC LIMIT 1",
                         "iii", c->orgs[school].id, now - 3600, now - 60 * 86400);
        if (s && db_step(s) == DB_ROW) {
            activity = db_col_int(s, 0);
            act_day = (db_col_int(s, 1) + 8 * 3600) / 86400;
        }
        db_done(s);
    }
    for (size_t i = 0; i < sizeof me / sizeof me[0]; i++) {
        int64_t uid = user_id(c, me[i].login);
        int pool = me[i].kind == 0 ? 0 : me[i].kind == 1 ? (nstudent ? students : -1) : shufu_pool;
        if (!uid || pool < 0) continue;
        int serve = school >= 0 ? school : c->pools[pool].org;
        GROW(c, vols, nvols, cvols);
        int vi = c->nvols++;
        c->vols[vi] = (DVol){.pool = pool,
                             .serve = serve,
                             .user_id = uid,
                             .created_at = now - 120 * 86400,
                             .name = me[i].name,
                             .phone = "",
                             .affiliation = me[i].aff,
                             .skills = me[i].skills,
                             .availability = "周末",
                             .status = "approved"};
        /* 12 verified hours: 120 points at 10 per hour, 144 at 12 */
        add_hours(c, vi, serve, today - 50, 4.0, 1, 0, now);
        add_hours(c, vi, serve, today - 35, 3.5, 1, 0, now);
        add_hours(c, vi, serve, today - 20, 4.5, 1, 0, now);
        /* awaiting verification: by shufu (a service at the school), by liaison (an activity) */
        add_hours(c, vi, serve, today - 3, 2.5, 0, 0, now);
        if (i == 0 && activity && act_day <= today && act_day != today - 3)
            add_hours(c, vi, school, act_day, 2.0, 0, activity, now);
    }
    return 0;
}

/* ---- writing ----------------------------------------------------------------------------- */

static int write_all(Ctx *c, int64_t now)
{
    Bulk *b = calloc(1, sizeof *b);
    if (!b) abort();
    b->db = c->db;
    /* pools */
    int64_t before = max_id(c, "SELECT COALESCE(max(id), 0) FROM volunteer_pools");
    b->head = "INSERT INTO volunteer_pools(code, kind, name_zh, name_en, org_id, points_per_hour,"
              " active, created_at) VALUES ";
    b->ncols = 8;
    for (int i = 0; i < c->npools; i++) {
        const DPool *p = &c->pools[i];
        bulk_row(b, "ssssidii", p->code, p->kind, p->name, "", c->orgs[p->org].id, p->pph,
                 (int64_t)1, now - 400 * 86400);
    }
    int64_t *ids = malloc(sizeof *ids * (size_t)(c->nhours + c->nvols + c->npools + 16));
    if (!ids) abort();
    if (bulk_flush(b) != DB_OK ||
        new_ids(c, "SELECT id FROM volunteer_pools WHERE id > ? ORDER BY id", before, ids,
                c->npools))
        goto db_fail;
    for (int i = 0; i < c->npools; i++)
        c->pools[i].id = ids[i];
    /* rewards */
    before = max_id(c, "SELECT COALESCE(max(id), 0) FROM rewards");
    b->head = "INSERT INTO rewards(org_id, kind, name_zh, name_en, points_cost, stock, active,"
              " created_by, created_at) VALUES ";
    b->ncols = 9;
    for (int i = 0; i < c->nrewards; i++) {
        const DReward *w = &c->rewards[i];
        bulk_row(b, "isssiiisi", c->orgs[w->org].id, w->kind, w->name_zh, w->name_en, w->cost,
                 w->stock, (int64_t)1, "system", now - 300 * 86400);
    }
    if (bulk_flush(b) != DB_OK ||
        new_ids(c, "SELECT id FROM rewards WHERE id > ? ORDER BY id", before, ids, c->nrewards))
        goto db_fail;
    for (int i = 0; i < c->nrewards; i++)
        c->rewards[i].id = ids[i];
    /* volunteers, with the balances the simulation reached */
    before = max_id(c, "SELECT COALESCE(max(id), 0) FROM volunteers");
    b->head = "INSERT INTO volunteers(user_id, pool_id, name, phone, affiliation, skills,"
              " availability, status, consent_at, consent_version, points_balance,"
              " hours_verified, decided_by, decided_at, created_at, updated_at) VALUES ";
    b->ncols = 16;
    for (int i = 0; i < c->nvols; i++) {
        const DVol *v = &c->vols[i];
        int pending = !strcmp(v->status, "pending");
        double hv = round(v->hours * 10) / 10;
        if (v->user_id)
            bulk_row(b, "iissssssisidsiii", v->user_id, c->pools[v->pool].id, v->name, v->phone,
                     v->affiliation, v->skills, v->availability, v->status, v->created_at,
                     VOLUNTEER_CONSENT_VERSION, v->balance, hv, "system", v->created_at + 86400,
                     v->created_at, v->created_at + 86400);
        else if (pending)
            bulk_row(b, "nissssssisidnnii", c->pools[v->pool].id, v->name, v->phone, v->affiliation,
                     v->skills, v->availability, v->status, v->created_at,
                     VOLUNTEER_CONSENT_VERSION, v->balance, hv, v->created_at, v->created_at);
        else
            bulk_row(b, "nissssssisidsiii", c->pools[v->pool].id, v->name, v->phone, v->affiliation,
                     v->skills, v->availability, v->status, v->created_at,
                     VOLUNTEER_CONSENT_VERSION, v->balance, hv, "system", v->created_at + 86400,
                     v->created_at, v->created_at + 86400);
    }
    if (bulk_flush(b) != DB_OK ||
        new_ids(c, "SELECT id FROM volunteers WHERE id > ? ORDER BY id", before, ids, c->nvols))
        goto db_fail;
    for (int i = 0; i < c->nvols; i++)
        c->vols[i].id = ids[i];
    /* hours */
    before = max_id(c, "SELECT COALESCE(max(id), 0) FROM service_hours");
    b->head = "INSERT INTO service_hours(volunteer_id, activity_id, org_id, served_on, hours,"
              " description, status, verified_by, verified_at, created_by, created_at) VALUES ";
    b->ncols = 11;
    for (int i = 0; i < c->nhours; i++) {
        const DHours *h = &c->hours[i];
        char day[11];
        points_day_text(h->day, day);
        const char *d = arena_strdup(c->a, day);
        const char *what = h->activity_id ? "活动志愿服务" : "月度志愿服务（汇总）";
        if (c->vols[h->vol].user_id) what = "到校志愿服务";
        int64_t vid = c->vols[h->vol].id, org = c->orgs[h->org].id, at = local_noon(h->day) + 3600;
        if (h->verified && h->activity_id)
            bulk_row(b, "iiisdsssisi", vid, h->activity_id, org, d, h->hours, what, "verified",
                     "system", h->verified_at, "system", at);
        else if (h->verified)
            bulk_row(b, "inisdsssisi", vid, org, d, h->hours, what, "verified", "system",
                     h->verified_at, "system", at);
        else if (h->activity_id)
            bulk_row(b, "iiisdssnnsi", vid, h->activity_id, org, d, h->hours, what, "logged",
                     c->vols[h->vol].user_id ? "volunteer" : "system", at);
        else
            bulk_row(b, "inisdssnnsi", vid, org, d, h->hours, what, "logged",
                     c->vols[h->vol].user_id ? "volunteer" : "system", at);
    }
    if (bulk_flush(b) != DB_OK ||
        new_ids(c, "SELECT id FROM service_hours WHERE id > ? ORDER BY id", before, ids, c->nhours))
        goto db_fail;
    for (int i = 0; i < c->nhours; i++)
        c->hours[i].id = ids[i];
    /* redemptions */
    before = max_id(c, "SELECT COALESCE(max(id), 0) FROM redemptions");
    b->head = "INSERT INTO redemptions(reward_id, volunteer_id, points, status, created_by,"
              " created_at) VALUES ";
    b->ncols = 6;
    for (int i = 0; i < c->nreds; i++) {
        const DRed *d = &c->reds[i];
        bulk_row(b, "iiissi", c->rewards[d->reward].id, c->vols[d->vol].id, d->points, "done",
                 "system", d->at);
    }
    if (bulk_flush(b) != DB_OK ||
        new_ids(c, "SELECT id FROM redemptions WHERE id > ? ORDER BY id", before, ids, c->nreds))
        goto db_fail;
    for (int i = 0; i < c->nreds; i++)
        c->reds[i].id = ids[i];
    /* the ledger, in the order the simulation made it */
    b->head = "INSERT INTO points_ledger(volunteer_id, delta, reason, ref_id, balance_after,"
              " created_by, created_at) VALUES ";
    b->ncols = 7;
    for (int i = 0; i < c->nledger; i++) {
        const DLedger *l = &c->ledger[i];
        bulk_row(b, "iisiisi", c->vols[l->vol].id, l->delta, l->reason ? "redemption" : "hours",
                 l->reason ? c->reds[l->ref].id : c->hours[l->ref].id, l->balance, "system", l->at);
    }
    if (bulk_flush(b) != DB_OK) goto db_fail;
    free(ids);
    free(b);
    return 0;
db_fail:
    free(ids);
    free(b);
    return fail(c, "writing");
}

typedef struct Cell2 {
    int org, month; /* month index y*12+m-1 */
    double hours;
} Cell2;

static int cmp_cell(const void *x, const void *y)
{
    const Cell2 *a = x, *b = y;
    if (a->org != b->org) return a->org < b->org ? -1 : 1;
    return (a->month > b->month) - (a->month < b->month);
}

/* The figures: registered volunteers per pool unit (last year and this), and the
 * verified hours per unit served and month. */
static int write_figures(Ctx *c, int year)
{
    FeedBatch *f = feed_begin(c->db, "system");
    if (!f) abort();
    for (int p = 0; p < c->npools; p++) {
        int org = c->pools[p].org, first = 1;
        for (int q = 0; q < p; q++)
            first &= c->pools[q].org != org;
        if (!first) continue;
        int64_t all = 0, comm = 0, stud = 0;
        for (int i = 0; i < c->nvols; i++) {
            const DPool *vp = &c->pools[c->vols[i].pool];
            if (vp->org != org || strcmp(c->vols[i].status, "approved")) continue;
            all++;
            comm += !strcmp(vp->kind, "community");
            stud += !strcmp(vp->kind, "student_team");
        }
        for (int y = year - 1; y <= year; y++) {
            char period[8];
            snprintf(period, sizeof period, "%d", y);
            feed_put(f, c->orgs[org].id, "volunteers_registered", period, (double)all);
            feed_put(f, c->orgs[org].id, "community_volunteers", period, (double)comm);
            feed_put(f, c->orgs[org].id, "student_volunteers_deployed", period, (double)stud);
        }
    }
    Cell2 *cells = malloc(sizeof *cells * (size_t)(c->nhours + 1));
    if (!cells) abort();
    int n = 0;
    for (int i = 0; i < c->nhours; i++) {
        if (!c->hours[i].verified) continue;
        char d[11];
        points_day_text(c->hours[i].day, d);
        cells[n++] = (Cell2){c->hours[i].org, atoi(d) * 12 + atoi(d + 5) - 1, c->hours[i].hours};
    }
    qsort(cells, (size_t)n, sizeof *cells, cmp_cell);
    for (int i = 0; i < n;) {
        double sum = 0;
        int j = i;
        for (; j < n && cells[j].org == cells[i].org && cells[j].month == cells[i].month; j++)
            sum += cells[j].hours;
        char period[24];
        snprintf(period, sizeof period, "%04d-%02d", cells[i].month / 12, cells[i].month % 12 + 1);
        feed_put(f, c->orgs[cells[i].org].id, "volunteer_hours", period, round(sum * 10) / 10);
        i = j;
    }
    free(cells);
    return feed_end(f, "feed.volunteers", "demo", NULL, c->err, c->errlen) ? 1 : 0;
}

int volunteer_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    Ctx c = {.db = db,
             .a = arena_new(),
             .rng = {seed ^ UINT64_C(0x564f4c554e544545)},
             .err = err,
             .errlen = errlen};
    int64_t now = now_s();
    int rc = 1;
    if (db_begin(db) != DB_OK) {
        fail(&c, "begin");
        goto out;
    }
    if (load_orgs(&c) || simulate(&c, now) || write_all(&c, now) ||
        write_figures(&c, volunteer_this_year()))
        goto roll;
    double total = 0;
    for (int i = 0; i < c.nhours; i++)
        total += c.hours[i].verified ? c.hours[i].hours : 0;
    char key[40];
    snprintf(key, sizeof key, "seed-%" PRIu64, seed);
    json_t *summary = json_pack("{s:i,s:i,s:i,s:i,s:f,s:i}", "pools", c.npools, "volunteers",
                                c.nvols, "hours_rows", c.nhours, "redemptions", c.nreds,
                                "hours_verified", round(total), "rewards", c.nrewards);
    int arc = audit_log(db, "system", "volunteer.demo", "demo", key, "/650000/", NULL, summary);
    json_decref(summary);
    if (arc != DB_OK) {
        fail(&c, "writing the audit record");
        goto roll;
    }
    if (db_commit(db) != DB_OK) {
        fail(&c, "commit");
        goto roll;
    }
    rc = 0;
    goto out;
roll:
    db_rollback(db);
out:
    free(c.orgs);
    free(c.pools);
    free(c.vols);
    free(c.hours);
    free(c.rewards);
    free(c.reds);
    free(c.ledger);
    arena_free(c.a);
    return rc;
}
