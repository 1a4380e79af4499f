/* fund_demo.c — the demo's funds (fund_demo_load, see fund.h).
 *
 * Funds of 2023–2026 by source and owner whose region-wide totals follow the
 * plan (data/plan-targets.csv: 416,666,667 yuan in 2023, 500,000,000 in 2024,
 * then +20 % a year: 600,000,000 and 720,000,000): the region's special fund and
 * reward fund, a foundation's donation, two enterprises' funds, a special fund
 * for every prefecture and for every county that has demo schools (shares by
 * its schools). Budget lines for every project under way or done (software about
 * half of each project's budget, per year of its time), expenditures spread over it —
 * approved (by two people from the fund's threshold on), a few rejected, the
 * latest ones of running projects pending. Fixed for the demo people: the
 * project of 6501020001 for 6531210001 draws on the funds of 疏附县 653121 and
 * 喀什地区 653100 and has pending expenditures for shufu/shufu2 and
 * kashgar/kashgar2 to decide on (one for a single approver, one awaiting its
 * first approval, one awaiting its second). Everything in one transaction, with
 * an audit record per line, expenditure and decision (and per fund with lines),
 * one for the load, and the record-fed figures (feed.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "core/util.h"
#include "feed.h"
#include "fund.h"

enum { FIRST_YEAR = 2023, LAST_YEAR = 2026, NYEARS = LAST_YEAR - FIRST_YEAR + 1 };
enum { MAX_UNITS = 512, MAX_FUNDS = 4096, MAX_PROJECTS = 8192 };

/* the plan's totals in fen, by year */
static const int64_t plan_total[NYEARS] = {INT64_C(41666666700), INT64_C(50000000000),
                                           INT64_C(60000000000), INT64_C(72000000000)};

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
static double u01(Rng *r)
{
    return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

/* ---- dates as days since 1970 (H. Hinnant's civil algorithms) ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil(int64_t z, char out[11])
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    snprintf(out, 11, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m, (int)d);
}

static int64_t parse_day(const char *s)
{
    return days_from_civil(atoi(s), atoi(s + 5), atoi(s + 8));
}

/* ---- the owners and their funds ---- */

typedef struct Unit {
    int64_t id, parent_id;
    char code[24], name[160], path[160], kind[16];
    int schools;
    int fund[NYEARS]; /* index into funds, or -1 */
} Unit;

typedef struct DFund {
    int64_t id, owner_id, amount, committed, threshold;
    int year, audited;
    const char *source, *owner_code, *owner_path;
    char name[240];
} DFund;

typedef struct Ctx {
    Db *db;
    Rng rng;
    char *err;
    size_t errlen;
    Unit *units;
    int nu;
    DFund *funds;
    int nf;
    int64_t now, today;
    int64_t audits, lines, exps;
} Ctx;

static int fail(Ctx *c, const char *what)
{
    snprintf(c->err, c->errlen, "demo funds: %s: %s", what, db_errmsg(c->db));
    return 1;
}

static Unit *unit_by_id(Ctx *c, int64_t id)
{
    for (int i = 0; i < c->nu; i++)
        if (c->units[i].id == id) return &c->units[i];
    return NULL;
}

static Unit *unit_by_code(Ctx *c, const char *code)
{
    for (int i = 0; i < c->nu; i++)
        if (!strcmp(c->units[i].code, code)) return &c->units[i];
    return NULL;
}

static int load_units(Ctx *c)
{
    DbStmt *s =
        db_q(c->db,
             "SELECT o.id, COALESCE(o.parent_id, 0), o.code, o.name_zh, o.path, o.kind,"
             " (SELECT count(*) FROM orgs k WHERE k.parent_id = o.id AND k.kind = 'school')"
             " FROM orgs o WHERE o.active = 1 AND (o.kind IN ('region','prefecture','county')"
             " OR o.code IN ('P0002','P0004','P0005')) ORDER BY o.path",
             "");
    int rc;
    while (s && (rc = db_step(s)) == DB_ROW && c->nu < MAX_UNITS) {
        Unit *u = &c->units[c->nu];
        memset(u, 0, sizeof *u);
        u->id = db_col_int(s, 0);
        u->parent_id = db_col_int(s, 1);
        snprintf(u->code, sizeof u->code, "%s", db_col_text(s, 2));
        snprintf(u->name, sizeof u->name, "%s", db_col_text(s, 3));
        snprintf(u->path, sizeof u->path, "%s", db_col_text(s, 4));
        snprintf(u->kind, sizeof u->kind, "%s", db_col_text(s, 5));
        u->schools = (int)db_col_int(s, 6);
        for (int y = 0; y < NYEARS; y++)
            u->fund[y] = -1;
        /* a county without demo schools has no fund of its own */
        if (strcmp(u->kind, "county") || u->schools > 0) c->nu++;
    }
    db_done(s);
    return s ? 0 : fail(c, "reading organisations");
}

static int audit_json(Ctx *c, const char *action, const char *kind, int64_t id, const char *path,
                      json_t *after)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    int rc = audit_log(c->db, "system", action, kind, key, path, NULL, after);
    json_decref(after);
    c->audits++;
    return rc == DB_OK ? 0 : fail(c, "audit");
}

static int add_fund(Ctx *c, Unit *u, int yi, const char *source, const char *name, int64_t amount,
                    int64_t threshold)
{
    if (c->nf == MAX_FUNDS || amount <= 0) return 0;
    DFund *f = &c->funds[c->nf];
    memset(f, 0, sizeof *f);
    f->owner_id = u->id;
    f->owner_code = u->code;
    f->owner_path = u->path;
    f->year = FIRST_YEAR + yi;
    f->source = source;
    f->amount = amount;
    f->threshold = threshold;
    snprintf(f->name, sizeof f->name, "%s", name);
    int64_t at = (days_from_civil(f->year, 1, 10) + below(&c->rng, 20)) * 86400 + 3 * 3600;
    DbStmt *s =
        db_q(c->db,
             "INSERT INTO funds(source, name, owner_org_id, year, amount_fen,"
             " dual_approval_fen, created_by, created_at, updated_at)"
             " VALUES (?,?,?,?,?,?,'system',?,?) RETURNING id",
             "ssiiiiii", source, f->name, u->id, (int64_t)f->year, amount, threshold, at, at);
    if (s && db_step(s) == DB_ROW) f->id = db_col_int(s, 0);
    db_done(s);
    if (!f->id) return fail(c, "inserting a fund");
    if (!strcmp(source, "government") && u->fund[yi] < 0) u->fund[yi] = c->nf;
    c->nf++;
    return 0;
}

/* The fund's own audit record, written before its first line so that its chain
 * reads in order; a fund without lines is covered by the load's record. */
static int audit_fund(Ctx *c, DFund *f)
{
    if (f->audited) return 0;
    f->audited = 1;
    return audit_json(c, "fund.create", "fund", f->id, f->owner_path,
                      json_pack("{s:I,s:s,s:s,s:s,s:i,s:I,s:I}", "id", (json_int_t)f->id, "source",
                                f->source, "name", f->name, "owner", f->owner_code, "year", f->year,
                                "amount_fen", (json_int_t)f->amount, "dual_approval_fen",
                                (json_int_t)f->threshold));
}

/* Whole yuan. */
static int64_t yuan_round(double fen)
{
    return (int64_t)(fen / 100.0 + 0.5) * 100;
}

static int make_funds(Ctx *c)
{
    Unit *region = NULL;
    int nprefs = 0, schools = 0;
    for (int i = 0; i < c->nu; i++) {
        if (!strcmp(c->units[i].kind, "region")) region = &c->units[i];
        if (!strcmp(c->units[i].kind, "prefecture")) nprefs++;
        if (!strcmp(c->units[i].kind, "county")) schools += c->units[i].schools;
    }
    if (!region) {
        snprintf(c->err, c->errlen, "demo funds: no region");
        return 1;
    }
    /* each prefecture's weight: its schools in counties with funds, plus one */
    for (int yi = 0; yi < NYEARS; yi++) {
        int y = FIRST_YEAR + yi;
        int64_t total = plan_total[yi], given = 0;
        char name[240];
        /* the prefectures 28 %, the counties 30 %, partners 8 %, the region the rest */
        int64_t pref_pool = total * 28 / 100, county_pool = total * 30 / 100;
        for (int i = 0; i < c->nu; i++) {
            Unit *u = &c->units[i];
            if (!strcmp(u->kind, "prefecture")) {
                int ps = 0;
                for (int k = 0; k < c->nu; k++)
                    if (c->units[k].parent_id == u->id) ps += c->units[k].schools;
                double w = (1.0 + ps) / (double)(nprefs + (schools ? schools : 1));
                int64_t a = yuan_round((double)pref_pool * w * (0.9 + 0.2 * u01(&c->rng)));
                snprintf(name, sizeof name, "%s教育帮扶专项资金（%d年）", u->name, y);
                if (add_fund(c, u, yi, "government", name, a, 5000000)) return 1;
                given += a;
            } else if (!strcmp(u->kind, "county")) {
                double w = (double)u->schools / (double)(schools ? schools : 1);
                int64_t a = yuan_round((double)county_pool * w * (0.9 + 0.2 * u01(&c->rng)));
                snprintf(name, sizeof name, "%s教育帮扶专项资金（%d年）", u->name, y);
                if (add_fund(c, u, yi, "government", name, a, 3000000)) return 1;
                given += a;
            }
        }
        static const struct {
            const char *code, *source, *what;
            int permille;
            int64_t threshold;
        } partners[] = {{"P0004", "enterprise", "帮扶资金", 30, 5000000},
                        {"P0005", "enterprise", "帮扶资金", 25, 5000000},
                        {"P0002", "donation", "社会捐赠", 25, 3000000}};
        for (size_t k = 0; k < sizeof partners / sizeof partners[0]; k++) {
            Unit *u = unit_by_code(c, partners[k].code);
            if (!u) continue;
            int64_t a = yuan_round((double)total * partners[k].permille / 1000.0 *
                                   (0.85 + 0.3 * u01(&c->rng)));
            snprintf(name, sizeof name, "%s%s（%d年）", u->name, partners[k].what, y);
            if (add_fund(c, u, yi, partners[k].source, name, a, partners[k].threshold)) return 1;
            given += a;
        }
        int64_t reward = yuan_round((double)total * 0.02);
        snprintf(name, sizeof name, "自治区学校访惠聚工作奖励资金（%d年）", y);
        if (add_fund(c, region, yi, "reward", name, reward, 10000000)) return 1;
        given += reward;
        /* the region's special fund makes the year's total exactly the plan's */
        snprintf(name, sizeof name, "自治区学校访惠聚专项经费（%d年）", y);
        if (add_fund(c, region, yi, "government", name, total - given, 10000000)) return 1;
    }
    return 0;
}

/* ---- lines and expenditures ---- */

typedef struct DProject {
    int64_t id, lead_id, budget, county_id;
    char status[16], kind[24], lead_code[24], start[11], end[11];
} DProject;

static const char *approver(const char *owner, int second)
{
    if (!strcmp(owner, "653121")) return second ? "shufu2" : "shufu";
    if (!strcmp(owner, "653100")) return second ? "kashgar2" : "kashgar";
    if (!strcmp(owner, "652900")) return second ? "system-review" : "aksu";
    if (!strcmp(owner, "653221")) return second ? "system-review" : "hotan";
    if (!strcmp(owner, "650000")) return second ? "system-review" : "admin";
    return second ? "system-review" : "system";
}

static const char *payee(Ctx *c, const char *category)
{
    static const char *const hw[] = {"新疆天山教学设备有限公司", "新华书店", "喀什市文体用品商店",
                                     "乌鲁木齐市电子科技有限公司"};
    static const char *const sw[] = {"新疆教师发展中心", "自治区教育科学研究院",
                                     "新疆师范大学继续教育学院", "乌鲁木齐天山教育科技有限公司"};
    static const char *const pe[] = {"支教教师生活补助", "帮扶教师交通补助", "驻校教师劳务费",
                                     "培训讲师劳务费"};
    static const char *const ot[] = {"会务与场地租赁", "资料印刷费", "活动组织费", "差旅费"};
    const char *const *list = !strcmp(category, "hardware")    ? hw
                              : !strcmp(category, "software")  ? sw
                              : !strcmp(category, "personnel") ? pe
                                                               : ot;
    return list[below(&c->rng, 4)];
}

/* Records one expenditure: status approved, pending or rejected; approvals by
 * the fund's owner (two from its threshold on; `first_only` stops a pending
 * one after its first). Returns 0 or 1. */
static int add_exp(Ctx *c, const DFund *f, int64_t line_id, int64_t project_id,
                   const char *category, int64_t amount, int64_t day, const char *status,
                   const char *recorder, const char *first, int n)
{
    char on[11], voucher[48];
    civil(day, on);
    snprintf(voucher, sizeof voucher, "PZ%d-%06" PRId64 "-%02d", atoi(on), line_id, n);
    int64_t created = day * 86400 + 10 * 3600 + below(&c->rng, 6 * 3600);
    int64_t a1 = created + (1 + below(&c->rng, 4)) * 86400,
            a2 = a1 + (1 + below(&c->rng, 3)) * 86400;
    if (a1 > c->now) a1 = c->now;
    if (a2 > c->now) a2 = c->now;
    int two = fund_needs_two(amount, f->threshold);
    const char *ap1 = NULL, *ap2 = NULL, *rej = NULL, *reason = NULL;
    if (!strcmp(status, "approved")) {
        ap1 = approver(f->owner_code, 0);
        ap2 = two ? approver(f->owner_code, 1) : NULL;
    } else if (!strcmp(status, "rejected")) {
        rej = approver(f->owner_code, 0);
        static const char *const why[] = {"发票与合同金额不符，请核对后重新报送",
                                          "支出不属于本预算科目，请改列相应科目",
                                          "缺少验收单，请补充附件"};
        reason = why[below(&c->rng, 3)];
    } else if (first) {
        ap1 = first;
    }
    int64_t id = 0;
    DbStmt *s =
        db_q(c->db,
             "INSERT INTO expenditures(line_id, project_id, category, amount_fen, spent_on,"
             " payee, voucher, note, status, approver1, approved1_at, approver2,"
             " approved2_at, rejected_by, rejected_at, reject_reason, created_by,"
             " created_at, updated_at) VALUES (?,?,?,?,?,?,?,'',?,?,NULLIF(?, 0),?,NULLIF(?, 0),?,"
             "NULLIF(?, 0),?,?,?,?)"
             " RETURNING id",
             "iisisssssisisissii", line_id, project_id, category, amount, on, payee(c, category),
             voucher, status, ap1, ap1 ? a1 : (int64_t)0, ap2, ap2 ? a2 : (int64_t)0, rej,
             rej ? a1 : (int64_t)0, reason, recorder, created,
             ap2          ? a2
             : ap1 || rej ? a1
                          : created);
    if (s && db_step(s) == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    if (!id) return fail(c, "inserting an expenditure");
    c->exps++;
    json_t *after = json_pack("{s:I,s:I,s:I,s:s,s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "line",
                              (json_int_t)line_id, "project", (json_int_t)project_id, "category",
                              category, "amount_fen", (json_int_t)amount, "spent_on", on, "voucher",
                              voucher, "status", "pending");
    if (audit_json(c, "expenditure.create", "expenditure", id, f->owner_path, after)) return 1;
    if (ap1 && (ap2 || strcmp(status, "approved")) &&
        audit_json(c, "expenditure.approve1", "expenditure", id, f->owner_path,
                   json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "status", "pending",
                             "approver1", ap1)))
        return 1;
    if (!strcmp(status, "approved") &&
        audit_json(c, "expenditure.approve", "expenditure", id, f->owner_path,
                   json_pack("{s:I,s:s,s:s,s:s?}", "id", (json_int_t)id, "status", "approved",
                             "approver1", ap1, "approver2", ap2)))
        return 1;
    if (rej && audit_json(c, "expenditure.reject", "expenditure", id, f->owner_path,
                          json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "status", "rejected",
                                    "rejected_by", rej, "reject_reason", reason)))
        return 1;
    return 0;
}

typedef struct DLine {
    DFund *fund;
    const char *category;
    int64_t amount, spent, id;
} DLine;

/* Inserts a line (spent 0: the expenditures add to it), committing it on its fund. */
static int add_line(Ctx *c, const DProject *p, DLine *l)
{
    int64_t at = (parse_day(p->start) - 20) * 86400 + 4 * 3600;
    if (at > c->now) at = c->now;
    if (audit_fund(c, l->fund)) return 1;
    DbStmt *s = db_q(c->db,
                     "INSERT INTO budget_lines(fund_id, project_id, category, amount_fen, note,"
                     " created_by, created_at, updated_at) VALUES (?,?,?,?,'','system',?,?)"
                     " RETURNING id",
                     "iisiii", l->fund->id, p->id, l->category, l->amount, at, at);
    l->id = 0;
    if (s && db_step(s) == DB_ROW) l->id = db_col_int(s, 0);
    db_done(s);
    if (!l->id) return fail(c, "inserting a budget line");
    l->fund->committed += l->amount;
    c->lines++;
    return audit_json(c, "budget_line.create", "budget_line", l->id, l->fund->owner_path,
                      json_pack("{s:I,s:I,s:I,s:s,s:I}", "id", (json_int_t)l->id, "fund",
                                (json_int_t)l->fund->id, "project", (json_int_t)p->id, "category",
                                l->category, "amount_fen", (json_int_t)l->amount));
}

/* The fund a project's lines draw on in year index yi: its county's, its
 * prefecture's, the region's or a partner's — one with room for `need`. */
static DFund *pick_fund(Ctx *c, const DProject *p, int yi, int64_t need)
{
    Unit *county = unit_by_id(c, p->county_id);
    Unit *pref = county ? unit_by_id(c, county->parent_id) : NULL;
    Unit *region = unit_by_code(c, "650000");
    uint32_t x = below(&c->rng, 100);
    Unit *first = x < 45 ? county : x < 75 ? pref : x < 92 ? region : NULL;
    if (!first) { /* a partner's fund of the year */
        int k = (int)below(&c->rng, 3);
        Unit *u = unit_by_code(c, k == 0 ? "P0004" : k == 1 ? "P0005" : "P0002");
        for (int i = 0; u && i < c->nf; i++)
            if (c->funds[i].owner_id == u->id && c->funds[i].year == FIRST_YEAR + yi &&
                c->funds[i].amount - c->funds[i].committed >= need)
                return &c->funds[i];
    }
    Unit *order[3] = {first, pref, region};
    for (int i = 0; i < 3; i++) {
        if (!order[i] || order[i]->fund[yi] < 0) continue;
        DFund *f = &c->funds[order[i]->fund[yi]];
        if (f->amount - f->committed >= need) return f;
    }
    return NULL;
}

/* The lines of one project for one year fy of its time (its budget for the year
 * `budget`), with the year's spending: a share `share` of each line, spent between
 * the days from and to. */
static int fund_project_year(Ctx *c, const DProject *p, int fy, int64_t budget, int64_t from,
                             int64_t to, double share, int fixed)
{
    int yi = fy - FIRST_YEAR;
    double soft = 0.45 + 0.10 * u01(&c->rng);
    const char *main = !strcmp(p->kind, "equipment")         ? "hardware"
                       : !strcmp(p->kind, "teacher_support") ? "personnel"
                       : below(&c->rng, 2)                   ? "personnel"
                                                             : "hardware";
    DLine ls[3] = {{.category = "software"}, {.category = main}, {.category = "other"}};
    ls[0].amount = yuan_round((double)budget * soft);
    ls[1].amount = yuan_round((double)(budget - ls[0].amount) * (0.6 + 0.3 * u01(&c->rng)));
    ls[2].amount = budget - ls[0].amount - ls[1].amount;
    int nl = ls[2].amount >= 100000 ? 3 : 2; /* an "other" line from 1,000 yuan */
    if (nl == 2) ls[1].amount += ls[2].amount;
    DFund *f = pick_fund(c, p, yi, budget);
    if (fixed) { /* 疏附县 for software and personnel, 喀什地区 for hardware */
        Unit *county = unit_by_code(c, "653121"), *pref = unit_by_code(c, "653100");
        if (!county || !pref || county->fund[yi] < 0 || pref->fund[yi] < 0) fixed = 0;
        if (fixed) {
            ls[0].category = "software", ls[1].category = "personnel", ls[2].category = "hardware";
            ls[2].amount = yuan_round((double)budget * 0.3);
            ls[1].amount = budget - ls[0].amount - ls[2].amount;
            nl = 3;
            ls[0].fund = ls[1].fund = &c->funds[county->fund[yi]];
            ls[2].fund = &c->funds[pref->fund[yi]];
            if (ls[0].fund->amount - ls[0].fund->committed < ls[0].amount + ls[1].amount ||
                ls[2].fund->amount - ls[2].fund->committed < ls[2].amount)
                fixed = 0;
        }
    }
    if (!fixed) {
        if (!f) return 0; /* no fund with room: the project goes without */
        for (int i = 0; i < nl; i++)
            ls[i].fund = f;
    }
    for (int i = 0; i < nl; i++)
        if (ls[i].amount <= 0 || add_line(c, p, &ls[i])) return ls[i].amount <= 0 ? 0 : 1;

    /* spending: in one to three rounds */
    if (fixed) share = 0.25;
    const char *recorder = !strcmp(p->lead_code, "6501020001") ? "helper-leader" : "system";
    int running = !strcmp(p->status, "in_progress");
    if (share > 0 && to >= from) {
        int rounds = 1 + (int)below(&c->rng, 3);
        int pend_last = running && !fixed && below(&c->rng, 100) < 35;
        for (int k = 0; k < rounds; k++) {
            int64_t day =
                from + (to - from) * (k + 1) / (rounds + 1) + (int64_t)below(&c->rng, 5) - 2;
            if (day < from) day = from;
            if (day > to) day = to;
            const char *st = pend_last && k == rounds - 1 ? "pending" : "approved";
            for (int i = 0; i < nl; i++) {
                if (fixed && i == 2) continue; /* room on 653100's line for kashgar's decisions */
                int64_t part = yuan_round((double)ls[i].amount * share / rounds);
                if (part <= 0 || ls[i].spent + part > ls[i].amount) continue;
                /* now and then a claim refused, recorded beside the right one */
                if (below(&c->rng, 100) < 4 &&
                    add_exp(c, ls[i].fund, ls[i].id, p->id, ls[i].category, part, day, "rejected",
                            recorder, NULL, 90 + k * 3 + i))
                    return 1;
                const char *first = !strcmp(st, "pending") &&
                                            fund_needs_two(part, ls[i].fund->threshold) &&
                                            below(&c->rng, 2)
                                        ? approver(ls[i].fund->owner_code, 0)
                                        : NULL;
                if (add_exp(c, ls[i].fund, ls[i].id, p->id, ls[i].category, part, day, st, recorder,
                            first, 1 + k * 3 + i))
                    return 1;
                if (!strcmp(st, "approved")) ls[i].spent += part;
            }
        }
    }
    if (fixed) {
        /* for shufu/shufu2 on 653121's software line, kashgar/kashgar2 on 653100's hardware */
        int64_t day = c->today - 3 < from ? from : c->today - 3;
        for (int i = 0; i < 3; i += 2) {
            DLine *l = &ls[i];
            int64_t left = l->amount - l->spent, th = l->fund->threshold;
            int64_t small = yuan_round((double)(th < left / 6 ? th : left / 6) * 0.4);
            int64_t big = th > left / 3 ? th : yuan_round((double)left / 3);
            const char *second_first = approver(l->fund->owner_code, 1);
            if (small > 0 && small < th && small <= left &&
                add_exp(c, l->fund, l->id, p->id, l->category, small, day, "pending", recorder,
                        NULL, 71))
                return 1;
            if (small + big <= left && add_exp(c, l->fund, l->id, p->id, l->category, big, day,
                                               "pending", recorder, second_first, 72))
                return 1;
            if (small + 2 * big <= left && add_exp(c, l->fund, l->id, p->id, l->category, big, day,
                                                   "pending", recorder, NULL, 73))
                return 1;
        }
    }
    for (int i = 0; i < nl; i++)
        if (ls[i].spent && db_run(c->db, "UPDATE budget_lines SET spent_fen = ? WHERE id = ?", "ii",
                                  ls[i].spent, ls[i].id) != DB_OK)
            return fail(c, "spending a line");
    return 0;
}

/* The lines of one project: for each year of its time within 2023–2026 (the
 * last one for a project not started yet), its budget for the year on a fund of
 * that year; the years done are spent almost in full, the running one by the
 * project's state. */
static int fund_project(Ctx *c, const DProject *p, int fixed)
{
    int64_t start = parse_day(p->start), end = parse_day(p->end);
    int64_t budget = p->budget > 0 ? p->budget : 10000000;
    int y0 = atoi(p->start), y1 = atoi(p->end);
    if (y0 < FIRST_YEAR) y0 = FIRST_YEAR;
    if (y1 > LAST_YEAR) y1 = LAST_YEAR;
    if (y0 > y1) y0 = y1 = y0 > LAST_YEAR ? LAST_YEAR : FIRST_YEAR;
    if (fixed) y0 = y1; /* the demo people's project: this year's funds only */
    int64_t total = 0, given = 0;
    for (int y = y0; y <= y1; y++) {
        int64_t a = start > days_from_civil(y, 1, 1) ? start : days_from_civil(y, 1, 1);
        int64_t b = end < days_from_civil(y, 12, 31) ? end : days_from_civil(y, 12, 31);
        total += b >= a ? b - a + 1 : 0;
    }
    for (int y = y0; y <= y1; y++) {
        int64_t from = start > days_from_civil(y, 1, 1) ? start : days_from_civil(y, 1, 1);
        int64_t to = end < days_from_civil(y, 12, 31) ? end : days_from_civil(y, 12, 31);
        int64_t part = y == y1 ? budget - given
                       : total > 0 && to >= from
                           ? yuan_round((double)budget * (double)(to - from + 1) / (double)total)
                           : 0;
        if (part < 100000) continue; /* under 1,000 yuan for the year: folded into the next */
        given += part;
        if (to > c->today) to = c->today;
        int done = to < c->today - 30 && to < end;
        double share = !strcmp(p->status, "approved") ? 0
                       : done || !strcmp(p->status, "completed") || !strcmp(p->status, "accepted")
                           ? 0.85 + 0.15 * u01(&c->rng)
                       : !strcmp(p->status, "suspended") ? 0.2 + 0.3 * u01(&c->rng)
                                                         : 0.3 + 0.5 * u01(&c->rng);
        if (fund_project_year(c, p, y, part, from, to, share, fixed)) return 1;
    }
    return 0;
}

static int make_lines(Ctx *c, DProject *ps)
{
    DbStmt *s = db_q(c->db,
                     "SELECT p.id, p.lead_org_id, p.budget_fen, p.status, p.kind, lo.code,"
                     " p.start_date, p.end_date, COALESCE((SELECT o.parent_id FROM"
                     " project_recipients pr JOIN orgs o ON o.id = pr.school_id"
                     " WHERE pr.project_id = p.id ORDER BY pr.school_id LIMIT 1), 0)"
                     " FROM projects p JOIN orgs lo ON lo.id = p.lead_org_id"
                     " WHERE p.status IN ('approved','in_progress','suspended','completed',"
                     "'accepted') ORDER BY p.id",
                     "");
    int n = 0;
    while (s && db_step(s) == DB_ROW && n < MAX_PROJECTS) {
        DProject *p = &ps[n++];
        memset(p, 0, sizeof *p);
        p->id = db_col_int(s, 0);
        p->lead_id = db_col_int(s, 1);
        p->budget = db_col_int(s, 2);
        snprintf(p->status, sizeof p->status, "%s", db_col_text(s, 3));
        snprintf(p->kind, sizeof p->kind, "%s", db_col_text(s, 4));
        snprintf(p->lead_code, sizeof p->lead_code, "%s", db_col_text(s, 5));
        snprintf(p->start, sizeof p->start, "%.10s", db_col_text(s, 6));
        snprintf(p->end, sizeof p->end, "%.10s", db_col_text(s, 7));
        p->county_id = db_col_int(s, 8);
    }
    db_done(s);
    if (!s) return fail(c, "reading projects");
    /* the fixed project: 6501020001's running one for 6531210001 */
    int fixed = -1;
    for (int i = 0; i < n && fixed < 0; i++) {
        Unit *county = unit_by_id(c, ps[i].county_id);
        if (!strcmp(ps[i].lead_code, "6501020001") && !strcmp(ps[i].status, "in_progress") &&
            county && !strcmp(county->code, "653121"))
            fixed = i;
    }
    for (int i = 0; i < n; i++)
        if (fund_project(c, &ps[i], i == fixed)) return 1;
    for (int i = 0; i < c->nf; i++)
        if (c->funds[i].committed &&
            db_run(c->db, "UPDATE funds SET committed_fen = ? WHERE id = ?", "ii",
                   c->funds[i].committed, c->funds[i].id) != DB_OK)
            return fail(c, "committing a fund");
    return 0;
}

/* ---- the figures ---- */

static int feed_all(Ctx *c)
{
    FeedBatch *fb = feed_begin(c->db, "system");
    if (!fb) return fail(c, "feed");
    int bad = 0;
    char period[16];
    DbStmt *s = db_q(c->db,
                     "SELECT owner_org_id, year, SUM(amount_fen) FROM funds"
                     " GROUP BY owner_org_id, year",
                     "");
    while (s && db_step(s) == DB_ROW && !bad) {
        snprintf(period, sizeof period, "%d", (int)db_col_int(s, 1));
        bad = feed_put(fb, db_col_int(s, 0), "funding_total", period,
                       (double)db_col_int(s, 2) / 100.0) != 0;
    }
    db_done(s);
    bad |= !s;
    int64_t root = 0, prev = 0;
    int prev_year = 0;
    if (!bad && db_int(c->db, &root,
                       "SELECT id FROM orgs WHERE parent_id IS NULL AND kind = 'region'", "") != 1)
        bad = 1;
    s = bad ? NULL
            : db_q(c->db, "SELECT year, SUM(amount_fen) FROM funds GROUP BY year ORDER BY year",
                   "");
    while (s && db_step(s) == DB_ROW && !bad) {
        int y = (int)db_col_int(s, 0);
        int64_t cur = db_col_int(s, 1);
        double pct;
        if (prev_year == y - 1 && cur > 0 && fund_growth_pct(prev, cur, &pct) && pct <= 10000) {
            snprintf(period, sizeof period, "%d", y);
            bad = feed_put(fb, root, "funding_growth", period, (double)llround(pct * 100) / 100.0);
        }
        prev = cur, prev_year = y;
    }
    db_done(s);
    bad |= !s;
    s = bad ? NULL
            : db_q(c->db,
                   "SELECT p.lead_org_id, substr(e.spent_on, 1, 4), SUM(e.amount_fen),"
                   " SUM(CASE WHEN e.category = 'software' THEN e.amount_fen ELSE 0 END)"
                   " FROM expenditures e JOIN projects p ON p.id = e.project_id"
                   " WHERE e.status = 'approved' GROUP BY p.lead_org_id, substr(e.spent_on, 1, 4)",
                   "");
    while (s && db_step(s) == DB_ROW && !bad) {
        bad = feed_put(fb, db_col_int(s, 0), "spending_total", db_col_text(s, 1),
                       (double)db_col_int(s, 2) / 100.0) ||
              feed_put(fb, db_col_int(s, 0), "spending_software", db_col_text(s, 1),
                       (double)db_col_int(s, 3) / 100.0);
    }
    db_done(s);
    bad |= !s;
    if (bad) {
        feed_end(fb, "feed.funds", "demo", NULL, c->err, c->errlen);
        if (!c->err[0]) fail(c, "figures");
        return 1;
    }
    if (feed_end(fb, "feed.funds", "demo", NULL, c->err, c->errlen)) return 1;
    return 0;
}

int fund_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    Ctx c = {.db = db, .err = err, .errlen = errlen};
    c.rng.s = seed ^ UINT64_C(0x46554e44534d4f4e); /* "FUNDSMON" */
    c.now = now_s();
    c.today = (c.now + 8 * 3600) / 86400;
    c.units = calloc(MAX_UNITS, sizeof *c.units);
    c.funds = calloc(MAX_FUNDS, sizeof *c.funds);
    DProject *ps = calloc(MAX_PROJECTS, sizeof *ps);
    int rc = 1;
    err[0] = 0;
    if (!c.units || !c.funds || !ps) {
        snprintf(err, errlen, "demo funds: out of memory");
        goto out;
    }
    if (db_begin(db) != DB_OK) {
        fail(&c, "begin");
        goto out;
    }
    if (load_units(&c) || make_funds(&c) || make_lines(&c, ps) || feed_all(&c)) goto rollback;
    json_t *summary =
        json_pack("{s:i,s:I,s:I,s:I}", "funds", c.nf, "lines", (json_int_t)c.lines, "expenditures",
                  (json_int_t)c.exps, "records", (json_int_t)c.audits);
    char key[32];
    snprintf(key, sizeof key, "%" PRIu64, seed);
    int arc = audit_log(db, "system", "fund.demo", "demo", key, "", NULL, summary);
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
    free(c.units);
    free(c.funds);
    free(ps);
    return rc;
}
