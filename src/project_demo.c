/* project_demo.c — the demo's projects (project_demo_load, see project.h): about
 * one per four recipient schools (at least 40), in every state, across the
 * region; most serve one to three schools of one county, some reach across
 * prefectures (then the region approves). Each has the decisions its chain
 * (approval_rules) asks for. A few are fixed for the demo people:
 *   - 6501020001 (helper-leader) for 6531210001: one in progress, one draft,
 *     one completed and awaiting the region's acceptance;
 *   - a county partner of 疏附县 (added here when missing) for 6531210001: one
 *     awaiting shufu's county decision, one past the county awaiting kashgar's;
 *   - P0007 (和田地区) for 6532210001: one in progress.
 * Everything in one transaction, with one audit record for the load. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "core/util.h"
#include "org.h"
#include "project_int.h"

enum { MAX_SCHOOLS = 20000, MAX_LEADS = 8192, MAX_DEMO = 6000 };

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

typedef struct School {
    int64_t id, county_id;
    char code[24], name[160], path[160];
} School;

typedef struct Lead {
    int64_t id;
    char code[24], name[160], path[160];
    int partner;
} Lead;

typedef struct Ctx {
    Db *db;
    Arena *a;
    Rng rng;
    char *err;
    size_t errlen;
    School *schools;
    int ns;
    Lead *leads;
    int nl;
    ApprovalRule *rules;
    int nrules;
    int64_t now, today_days;
    int made, by_status[8];
} Ctx;

static int fail(Ctx *c, const char *what)
{
    snprintf(c->err, c->errlen, "demo projects: %s: %s", what, db_errmsg(c->db));
    return 1;
}

/* YYYY-MM-DD of day number d (days since 1970). */
static void day_text(int64_t d, char out[11])
{
    time_t t = (time_t)(d * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (!strftime(out, 11, "%Y-%m-%d", &tm)) out[0] = '\0';
}

/* ---- what the projects are about ------------------------------------------------ */

static const struct {
    const char *kind, *need_category;
    int64_t min_yuan, max_yuan;
    const char *topics[4];
} kinds[] = {
    {"teacher_support",
     "teachers",
     100000,
     1500000,
     {"音体美教师组团式帮扶", "国家通用语言文字教师帮扶", "数学学科骨干教师支教",
      "英语教师结对帮扶"}},
    {"training",
     "training",
     30000,
     400000,
     {"骨干教师能力提升培训", "班主任专业能力培训", "教育信息化应用培训", "校长领导力研修"}},
    {"curriculum",
     "curriculum",
     50000,
     600000,
     {"校本课程开发", "科学实验课程建设", "阅读课程资源包建设", "劳动教育课程开发"}},
    {"equipment",
     "equipment",
     80000,
     3000000,
     {"多媒体教室建设", "体育器材配备", "图书室升级改造", "计算机教室建设"}},
    {"parent_education",
     "parent_education",
     20000,
     200000,
     {"家长学校建设", "家庭教育指导讲座", "家校共育工作坊", "家长课堂进社区"}},
    {"community",
     "community",
     20000,
     300000,
     {"社区教育实践活动", "假期托管服务", "少年宫活动", "社区读书会"}},
    {"study_tour",
     "other",
     50000,
     500000,
     {"赴乌鲁木齐研学旅行", "“手拉手”交流研学", "红色教育研学", "科技馆研学"}},
    {"other",
     "other",
     20000,
     300000,
     {"校园文化建设", "心理健康教育中心建设", "食堂与宿舍管理提升", "学校管理结对帮扶"}},
};
enum { N_KINDS = (int)(sizeof kinds / sizeof kinds[0]) };

static const char *const approve_comments[] = {"同意。", "符合帮扶规划，同意立项。",
                                               "预算合理，同意。", "同意，请按计划实施。"};
static const char *const reject_comments[] = {
    "预算明细不清，请补充设备清单和报价后重新申报。",
    "项目内容与受援学校需求清单未对应，请关联需求后重报。",
    "实施周期过短，请调整进度安排后重新申报。"};

/* The login that decides at `level` for a scope path: the demo person there, if any. */
static const char *approver(const char *level, const char *scope_path)
{
    if (!strcmp(level, "region")) return "admin";
    if (!strcmp(level, "prefecture")) {
        if (strstr(scope_path, "/653100/")) return "kashgar";
        if (strstr(scope_path, "/652900/")) return "aksu";
    }
    if (!strcmp(level, "county")) {
        if (strstr(scope_path, "/653121/")) return "shufu";
        if (strstr(scope_path, "/653221/")) return "hotan";
    }
    return "system";
}

/* ---- one project ------------------------------------------------------------------- */

typedef struct Spec {
    const char *title, *kind, *status, *created_by, *summary;
    const Lead *lead;
    const School *rec[4];
    int nrec;
    int64_t budget_fen;
    int64_t start_day, end_day;
    int level_steps; /* submitted: levels already approved; rejected: the level that rejected */
    int resubmitted; /* submitted after an earlier rejection */
} Spec;

/* The scope of the spec: the organisation at the longest common path prefix. */
static int scope_of(Ctx *c, const Spec *sp, int64_t *id, const char **kind, const char **path)
{
    char common[160];
    snprintf(common, sizeof common, "%s", sp->lead->path);
    for (int i = 0; i < sp->nrec; i++) {
        size_t k = 0;
        while (common[k] && common[k] == sp->rec[i]->path[k])
            k++;
        common[k] = '\0';
    }
    size_t len = strlen(common);
    while (len > 0 && common[len - 1] != '/')
        len--;
    common[len] = '\0';
    DbStmt *s = db_q(c->db, "SELECT id, kind FROM orgs WHERE path = ?", "s", common);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        *id = db_col_int(s, 0);
        *kind = arena_strdup(c->a, db_col_text(s, 1));
        *path = arena_strdup(c->a, common);
    }
    db_done(s);
    return rc == DB_ROW ? 0 : fail(c, "scope");
}

static int status_index(const char *s)
{
    for (int i = 0; project_statuses[i]; i++)
        if (!strcmp(project_statuses[i], s)) return i;
    return 0;
}

static int decide(Ctx *c, int64_t id, const char *level, const char *decision, const char *comment,
                  const char *scope_path, int64_t at)
{
    return db_run(c->db,
                  "INSERT INTO project_decisions(project_id, level, decision, comment, decided_by,"
                  " decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                  "issssi", id, level, decision, comment, approver(level, scope_path), at) != DB_OK
               ? fail(c, "decision")
               : 0;
}

static int insert_project(Ctx *c, const Spec *sp)
{
    int64_t scope_id = 0;
    const char *scope_kind = NULL, *scope_path = NULL;
    if (scope_of(c, sp, &scope_id, &scope_kind, &scope_path)) return 1;
    const char *top = approval_rule_top(c->rules, c->nrules, scope_kind, sp->budget_fen);
    const char *chain[4];
    int nchain = top ? project_chain(scope_kind, top, chain) : 0;
    if (!nchain) {
        snprintf(c->err, c->errlen, "demo projects: no approval rule for %s", scope_kind);
        return 1;
    }
    char start[11], end[11];
    day_text(sp->start_day, start);
    day_text(sp->end_day, end);
    const char *st = sp->status;
    int pre = !strcmp(st, "draft");
    /* timeline: created two months before the start, submitted a week later,
     * one decision a week; the start, completion and acceptance on their dates */
    int64_t created = (sp->start_day - 60) * 86400 + 10 * 3600;
    if (created > c->now - 86400) created = c->now - 86400 * (2 + below(&c->rng, 20));
    int64_t submitted = created + 5 * 86400;
    if (submitted > created + (c->now - created) / 3) submitted = created + (c->now - created) / 3;
    if (pre) submitted = 0;
    int64_t t = submitted;
    const char *level_done = NULL, *top_level = pre ? NULL : top;
    int64_t accepted = 0, updated = created;
    int pct = 0;
    if (!strcmp(st, "submitted")) {
        int k = sp->level_steps < nchain ? sp->level_steps : nchain - 1;
        if (k > 0) level_done = chain[k - 1];
    } else if (!strcmp(st, "rejected")) {
        int k = sp->level_steps < nchain ? sp->level_steps : nchain - 1;
        if (k > 0) level_done = chain[k - 1];
    } else if (!pre) {
        level_done = top;
    }
    if (!strcmp(st, "in_progress") || !strcmp(st, "suspended")) pct = 10 + (int)below(&c->rng, 75);
    if (!strcmp(st, "completed") || !strcmp(st, "accepted")) pct = 100;
    DbStmt *s =
        db_q(c->db,
             "INSERT INTO projects(title, kind, lead_org_id, scope_org_id, summary,"
             " start_date, end_date, budget_fen, status, top_level, level_done,"
             " percent_done, created_by, submitted_at, accepted_at, created_at, updated_at)"
             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,"
             " CASE WHEN CAST(? AS BIGINT) = 0 THEN NULL ELSE CAST(? AS BIGINT) END,"
             " NULL, ?, ?) RETURNING id",
             "ssiisssisssisiiii", sp->title, sp->kind, sp->lead->id, scope_id,
             sp->summary ? sp->summary : "", start, end, sp->budget_fen, st, top_level, level_done,
             (int64_t)pct, sp->created_by, submitted, submitted, created, created);
    int64_t id = 0;
    if (s && db_step(s) == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    if (!id) return fail(c, "insert");
    for (int i = 0; i < sp->nrec; i++)
        if (db_run(c->db, "INSERT INTO project_recipients(project_id, school_id) VALUES (?, ?)",
                   "ii", id, sp->rec[i]->id) != DB_OK)
            return fail(c, "recipient");
    /* the needs it answers: up to two live needs of each school, its own category first */
    const char *cat = "other";
    for (int k = 0; k < N_KINDS; k++)
        if (!strcmp(kinds[k].kind, sp->kind)) cat = kinds[k].need_category;
    for (int i = 0; i < sp->nrec; i++) {
        int64_t needs[2];
        int nn = 0;
        s = db_q(c->db,
                 "SELECT id FROM needs WHERE school_id = ? AND status IN ('open','matched',"
                 "'in_progress','met') ORDER BY CASE WHEN category = ? THEN 0 ELSE 1 END, id"
                 " LIMIT 2",
                 "is", sp->rec[i]->id, cat);
        while (s && db_step(s) == DB_ROW && nn < 2)
            needs[nn++] = db_col_int(s, 0);
        db_done(s);
        for (int k = 0; k < nn; k++)
            if (db_run(c->db,
                       "INSERT INTO project_needs(project_id, need_id) VALUES (?, ?)"
                       " ON CONFLICT DO NOTHING",
                       "ii", id, needs[k]) != DB_OK)
                return fail(c, "need");
    }
    /* the decisions of its chain, a week apart (closer when that would pass today) */
    int approvals = 0;
    if (!strcmp(st, "submitted") || !strcmp(st, "rejected"))
        approvals = sp->level_steps < nchain ? sp->level_steps : nchain - 1;
    else if (!pre)
        approvals = nchain;
    int steps = approvals + 2;
    int64_t step = 7 * 86400;
    if (!pre && submitted + step * steps > c->now - 3600)
        step = (c->now - 3600 - submitted) / (steps + 1);
    if (sp->resubmitted) { /* an earlier round, rejected at the first level */
        t += step;
        if (decide(c, id, chain[0], "reject", reject_comments[below(&c->rng, 3)], scope_path, t))
            return 1;
        t += step / 2;
        submitted = t; /* submitted again */
    }
    for (int k = 0; k < approvals; k++) {
        t += step;
        if (decide(c, id, chain[k], "approve", approve_comments[below(&c->rng, 4)], scope_path, t))
            return 1;
    }
    if (!strcmp(st, "rejected")) {
        t += step;
        if (decide(c, id, chain[approvals], "reject", reject_comments[below(&c->rng, 3)],
                   scope_path, t))
            return 1;
    }
    updated = t ? t : created;
    int64_t start_s = sp->start_day * 86400 + 9 * 3600, end_s = sp->end_day * 86400 + 17 * 3600;
    if (!strcmp(st, "in_progress") || !strcmp(st, "suspended")) updated = start_s;
    if (!strcmp(st, "suspended")) updated = c->now - 86400 * (10 + below(&c->rng, 40));
    if (!strcmp(st, "completed") || !strcmp(st, "accepted")) updated = end_s;
    if (!strcmp(st, "accepted")) accepted = updated = end_s + 86400 * (10 + below(&c->rng, 30));
    if (updated > c->now) updated = c->now - 3600;
    if (accepted > c->now) accepted = updated;
    if (db_run(c->db,
               "UPDATE projects SET updated_at = ?, accepted_at = CASE WHEN CAST(? AS BIGINT) = 0"
               " THEN NULL ELSE CAST(? AS BIGINT) END, submitted_at = CASE WHEN"
               " CAST(? AS BIGINT) = 0 THEN NULL ELSE CAST(? AS BIGINT) END WHERE id = ?",
               "iiiiii", updated, accepted, accepted, submitted, submitted, id) != DB_OK)
        return fail(c, "times");
    c->made++;
    c->by_status[status_index(st)]++;
    return 0;
}

/* ---- loading ------------------------------------------------------------------------ */

static int load_schools(Ctx *c)
{
    DbStmt *s = db_q(c->db,
                     "SELECT id, parent_id, code, name_zh, path FROM orgs WHERE kind = 'school'"
                     " AND is_recipient = 1 AND active = 1 ORDER BY code",
                     "");
    int rc;
    while (s && (rc = db_step(s)) == DB_ROW && c->ns < MAX_SCHOOLS) {
        School *x = &c->schools[c->ns++];
        x->id = db_col_int(s, 0);
        x->county_id = db_col_int(s, 1);
        snprintf(x->code, sizeof x->code, "%s", db_col_text(s, 2));
        snprintf(x->name, sizeof x->name, "%s", db_col_text(s, 3));
        snprintf(x->path, sizeof x->path, "%s", db_col_text(s, 4));
    }
    db_done(s);
    if (!s) return fail(c, "schools");
    s = db_q(c->db,
             "SELECT id, code, name_zh, path, CASE WHEN kind = 'partner' THEN 1 ELSE 0 END"
             " FROM orgs WHERE active = 1 AND ((kind = 'school' AND is_helper = 1)"
             " OR kind = 'partner') ORDER BY code",
             "");
    while (s && db_step(s) == DB_ROW && c->nl < MAX_LEADS) {
        Lead *x = &c->leads[c->nl++];
        x->id = db_col_int(s, 0);
        snprintf(x->code, sizeof x->code, "%s", db_col_text(s, 1));
        snprintf(x->name, sizeof x->name, "%s", db_col_text(s, 2));
        snprintf(x->path, sizeof x->path, "%s", db_col_text(s, 3));
        x->partner = (int)db_col_int(s, 4);
    }
    db_done(s);
    if (!s) return fail(c, "leads");
    return 0;
}

static const School *school_by_code(Ctx *c, const char *code)
{
    for (int i = 0; i < c->ns; i++)
        if (!strcmp(c->schools[i].code, code)) return &c->schools[i];
    return NULL;
}
static const Lead *lead_by_code(Ctx *c, const char *code)
{
    for (int i = 0; i < c->nl; i++)
        if (!strcmp(c->leads[i].code, code)) return &c->leads[i];
    return NULL;
}

#define COUNTY_PARTNER "P0653121"

/* The community partner of 疏附县 the fixed county projects are led by: added under
 * 653121 when it is not there. 0, or 1 with err set. */
static int county_partner(Ctx *c, Lead *out)
{
    DbStmt *s =
        db_q(c->db, "SELECT id, code, name_zh, path FROM orgs WHERE code = ?", "s", COUNTY_PARTNER);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        out->id = db_col_int(s, 0);
        snprintf(out->code, sizeof out->code, "%s", db_col_text(s, 1));
        snprintf(out->name, sizeof out->name, "%s", db_col_text(s, 2));
        snprintf(out->path, sizeof out->path, "%s", db_col_text(s, 3));
        out->partner = 1;
    }
    db_done(s);
    if (rc == DB_ROW) return 0;
    if (rc != DB_DONE) return fail(c, "county partner");
    Org parent;
    if (org_load(c->db, c->a, "653121", &parent) != 1) return 0; /* no 疏附县: none */
    Org o = {0};
    o.code = COUNTY_PARTNER;
    o.kind = "partner";
    o.partner_kind = "community";
    o.name_zh = "疏附县家庭教育指导服务中心";
    o.name_en = "Shufu County Family Education Guidance Centre";
    int dbrc = DB_OK;
    out->id = org_insert(c->db, "system", &o, &parent, &dbrc);
    if (!out->id) return fail(c, "county partner");
    snprintf(out->code, sizeof out->code, "%s", o.code);
    snprintf(out->name, sizeof out->name, "%s", o.name_zh);
    snprintf(out->path, sizeof out->path, "%s%s/", parent.path, o.code);
    out->partner = 1;
    return 0;
}

static int64_t budget_for(Ctx *c, int k)
{
    int64_t lo = kinds[k].min_yuan / 1000, hi = kinds[k].max_yuan / 1000;
    /* skewed towards the small end: most projects are modest */
    uint64_t x = below(&c->rng, 1000), y = below(&c->rng, 1000);
    uint64_t u = x < y ? x : y;
    return (lo + (int64_t)((uint64_t)(hi - lo) * u / 1000)) * 1000 * 100;
}

/* The fixed projects of the demo people. */
static int fixed_projects(Ctx *c)
{
    const School *shufu1 = school_by_code(c, "6531210001"),
                 *hotan1 = school_by_code(c, "6532210001");
    const Lead *helper = lead_by_code(c, "6501020001"), *p7 = lead_by_code(c, "P0007");
    int64_t d = c->today_days;
    if (helper && shufu1) {
        Spec a = {.title = "乌鲁木齐市第一中学组团帮扶疏附县第一小学音体美教学",
                  .kind = "teacher_support",
                  .status = "in_progress",
                  .created_by = "helper-leader",
                  .summary = "选派音乐、体育、美术骨干教师各1名驻校一学年，开展示范课、集体教研"
                             "和社团活动，帮助受援学校开齐开足音体美课程。",
                  .lead = helper,
                  .rec = {shufu1},
                  .nrec = 1,
                  .budget_fen = 38000000,
                  .start_day = d - 150,
                  .end_day = d + 215};
        Spec b = {.title = "疏附县第一小学信息技术教师培训",
                  .kind = "training",
                  .status = "draft",
                  .created_by = "helper-leader",
                  .summary = "面向受援学校信息技术和学科教师开展为期两周的教育信息化应用培训。",
                  .lead = helper,
                  .rec = {shufu1},
                  .nrec = 1,
                  .budget_fen = 6500000,
                  .start_day = d + 45,
                  .end_day = d + 120};
        Spec e = {.title = "疏附县第一小学图书室升级改造",
                  .kind = "equipment",
                  .status = "completed",
                  .created_by = "helper-leader",
                  .summary = "捐赠图书5000册，配备书架与阅览桌椅，建成开放式阅览区。",
                  .lead = helper,
                  .rec = {shufu1},
                  .nrec = 1,
                  .budget_fen = 26000000,
                  .start_day = d - 330,
                  .end_day = d - 20};
        if (insert_project(c, &a) || insert_project(c, &b) || insert_project(c, &e)) return 1;
    }
    Lead cp = {0};
    if (shufu1 && county_partner(c, &cp)) return 1;
    if (shufu1 && cp.id) {
        Spec a = {.title = "疏附县第一小学家长学校建设",
                  .kind = "parent_education",
                  .status = "submitted",
                  .created_by = "shufu2",
                  .summary = "建设家长学校，每月开展一次家庭教育指导讲座和亲子活动。",
                  .lead = &cp,
                  .rec = {shufu1},
                  .nrec = 1,
                  .budget_fen = 12000000,
                  .start_day = d + 30,
                  .end_day = d + 395};
        Spec b = {.title = "疏附县第一小学多媒体教室建设",
                  .kind = "equipment",
                  .status = "submitted",
                  .created_by = "shufu2",
                  .level_steps = 1,
                  .summary = "为受援学校12间教室配备交互式多媒体教学设备，并培训教师使用。",
                  .lead = &cp,
                  .rec = {shufu1},
                  .nrec = 1,
                  .budget_fen = 86000000,
                  .start_day = d + 60,
                  .end_day = d + 240};
        if (insert_project(c, &a) || insert_project(c, &b)) return 1;
    }
    if (p7 && hotan1) {
        Spec a = {.title = "和田县第一小学家庭教育指导",
                  .kind = "parent_education",
                  .status = "in_progress",
                  .created_by = "system",
                  .summary = "组织家庭教育指导师入校，开展家长课堂和入户指导。",
                  .lead = p7,
                  .rec = {hotan1},
                  .nrec = 1,
                  .budget_fen = 9000000,
                  .start_day = d - 60,
                  .end_day = d + 300};
        if (insert_project(c, &a)) return 1;
    }
    return 0;
}

static const char *draw_status(Ctx *c, int i)
{
    if (i < 8) return project_statuses[i]; /* every state at least once */
    static const struct {
        const char *s;
        int w;
    } w[] = {{"draft", 10},       {"submitted", 12}, {"approved", 8},  {"rejected", 7},
             {"in_progress", 32}, {"suspended", 4},  {"completed", 9}, {"accepted", 18}};
    int x = (int)below(&c->rng, 100);
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++) {
        if (x < w[k].w) return w[k].s;
        x -= w[k].w;
    }
    return "in_progress";
}

/* Start and end days fitting the status. */
static void draw_dates(Ctx *c, const char *st, int64_t *start, int64_t *end)
{
    int64_t d = c->today_days, len = 120 + below(&c->rng, 600);
    if (!strcmp(st, "draft") || !strcmp(st, "submitted") || !strcmp(st, "rejected") ||
        !strcmp(st, "approved")) {
        *start = d + 10 + below(&c->rng, 120);
    } else if (!strcmp(st, "in_progress") || !strcmp(st, "suspended")) {
        *start = d - 30 - below(&c->rng, 500);
        if (*start + len < d + 20) len = d - *start + 20 + below(&c->rng, 300);
    } else { /* completed, accepted: ended */
        int64_t stop = d - 15 - below(&c->rng, 600);
        *start = stop - len;
        if (*start < 19358) *start = 19358; /* 2023-01-01 */
        *end = stop;
        return;
    }
    *end = *start + len;
}

int project_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    Ctx c = {.db = db, .err = err, .errlen = errlen};
    c.rng.s = seed ^ UINT64_C(0x50524f4a45435453); /* "PROJECTS" */
    c.a = arena_new();
    c.schools = calloc(MAX_SCHOOLS, sizeof *c.schools);
    c.leads = calloc(MAX_LEADS, sizeof *c.leads);
    c.now = now_s();
    c.today_days = (c.now + 8 * 3600) / 86400;
    int rc = 1;
    if (!c.schools || !c.leads) {
        snprintf(err, errlen, "demo projects: out of memory");
        goto out;
    }
    if (db_begin(db) != DB_OK) {
        fail(&c, "begin");
        goto out;
    }
    if (approval_rules_load_standard(db, "system", err, errlen) < 0) goto rollback;
    c.nrules = approval_rules_load(db, c.a, &c.rules);
    if (c.nrules < 0) {
        fail(&c, "rules");
        goto rollback;
    }
    if (load_schools(&c)) goto rollback;
    if (!c.ns || !c.nl) { /* nothing to build on: no projects */
        rc = db_commit(db) == DB_OK ? 0 : fail(&c, "commit");
        goto out;
    }
    if (fixed_projects(&c)) goto rollback;
    int target = c.ns / 4 > 40 ? c.ns / 4 : 40;
    if (target > MAX_DEMO) target = MAX_DEMO;
    for (int i = 0; c.made < target; i++) {
        Spec sp = {0};
        sp.status = draw_status(&c, i);
        /* the schools: mostly one to three of one county, sometimes across prefectures */
        const School *first = &c.schools[below(&c.rng, (uint32_t)c.ns)];
        sp.rec[sp.nrec++] = first;
        int want = 1 + (below(&c.rng, 10) >= 6) + (below(&c.rng, 10) >= 8);
        for (int tries = 0; sp.nrec < want && tries < 40; tries++) {
            const School *x = &c.schools[below(&c.rng, (uint32_t)c.ns)];
            int dup = 0;
            for (int k = 0; k < sp.nrec; k++)
                if (sp.rec[k] == x) dup = 1;
            if (!dup && x->county_id == first->county_id) sp.rec[sp.nrec++] = x;
        }
        if (below(&c.rng, 100) < 8) {
            for (int tries = 0; tries < 40; tries++) {
                const School *x = &c.schools[below(&c.rng, (uint32_t)c.ns)];
                if (strncmp(x->path, first->path, 15)) { /* another prefecture */
                    sp.rec[sp.nrec++] = x;
                    break;
                }
            }
        }
        /* the lead: a helping school, a partner now and then */
        sp.lead = &c.leads[below(&c.rng, (uint32_t)c.nl)];
        if (below(&c.rng, 2)) { /* half the time a helper of the same prefecture, if any */
            int n = 0;
            for (int l = 0; l < c.nl; l++)
                if (!strncmp(c.leads[l].path, first->path, 15) && n++ == 0) {
                    int pick = (int)below(&c.rng, 4);
                    for (int m = l; m < c.nl && pick >= 0; m++)
                        if (!strncmp(c.leads[m].path, first->path, 15) && pick-- == 0)
                            sp.lead = &c.leads[m];
                }
        }
        int k = (int)below(&c.rng, N_KINDS);
        if (sp.lead->partner && below(&c.rng, 2))
            k = (int)(below(&c.rng, 2) ? 4 : 3); /* partners: parent education, equipment */
        sp.kind = kinds[k].kind;
        const char *topic = kinds[k].topics[below(&c.rng, 4)];
        sp.title = sp.nrec == 1 ? arena_printf(c.a, "%s%s", first->name, topic)
                                : arena_printf(c.a, "%s等%d所学校%s", first->name, sp.nrec, topic);
        sp.summary = arena_printf(c.a, "%s牵头，面向受援学校开展%s。", sp.lead->name, topic);
        sp.budget_fen = budget_for(&c, k);
        sp.created_by = "system";
        draw_dates(&c, sp.status, &sp.start_day, &sp.end_day);
        sp.level_steps = (int)below(&c.rng, 3);
        sp.resubmitted = !strcmp(sp.status, "submitted") && below(&c.rng, 4) == 0;
        if (insert_project(&c, &sp)) goto rollback;
    }
    /* the record-fed figures of every lead and year touched, once each */
    DbStmt *s = db_q(db,
                     "SELECT DISTINCT lead_org_id, CAST(substr(start_date, 1, 4) AS INTEGER),"
                     " CAST(substr(end_date, 1, 4) AS INTEGER) FROM projects ORDER BY 1",
                     "");
    int cap = c.made * 4 + 16, nly = 0;
    int64_t(*ly)[2] = arena_alloc(c.a, sizeof *ly * (size_t)cap);
    while (s && db_step(s) == DB_ROW) {
        int64_t lead = db_col_int(s, 0);
        for (int64_t y = db_col_int(s, 1); y <= db_col_int(s, 2) && nly < cap; y++) {
            int seen = 0;
            for (int i = nly - 1; i >= 0 && ly[i][0] == lead && !seen; i--)
                seen = ly[i][1] == y;
            if (!seen) ly[nly][0] = lead, ly[nly][1] = y, nly++;
        }
    }
    db_done(s);
    if (!s) {
        fail(&c, "leads and years");
        goto rollback;
    }
    for (int i = 0; i < nly; i++)
        if (project_feed(db, "system", ly[i][0], (int)ly[i][1]) != 0) {
            fail(&c, "project figures");
            goto rollback;
        }
    json_t *summary = json_pack("{s:i}", "projects", c.made);
    for (int i = 0; project_statuses[i]; i++)
        json_object_set_new(summary, project_statuses[i], json_integer(c.by_status[i]));
    char key[32];
    snprintf(key, sizeof key, "%" PRIu64, seed);
    int arc = audit_log(db, "system", "project.demo", "demo", key, "", NULL, summary);
    json_decref(summary);
    if (arc != DB_OK) {
        fail(&c, "audit");
        goto rollback;
    }
    if (db_commit(db) != DB_OK) {
        fail(&c, "commit");
        goto rollback;
    }
    rc = 0;
    goto out;
rollback:
    db_rollback(db);
out:
    free(c.schools);
    free(c.leads);
    arena_free(c.a);
    return rc;
}
