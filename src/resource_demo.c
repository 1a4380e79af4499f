/* resource_demo.c — the demo's resource library (resource_demo_load, see
 * resource.h): about 300 offers by the demo's helping schools and partner
 * organisations. The south (喀什 653100, 和田 653200, 阿克苏 652900, 克州 653000)
 * is where most of them reach, as in the plan. Capacities are modest on
 * purpose: the region's needs can be met in part, not in whole, so that
 * matching has choices to make. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "core/util.h"
#include "resource_int.h"

enum { DEMO_RESOURCES = 300, MAX_PROVIDERS = 4096, MAX_COUNTIES = 128 };

/* splitmix64, as in demo.c: the same seed gives the same library. */
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

static uint32_t below(Rng *r, uint32_t n) { return (uint32_t)(rng_next(r) % n); }

typedef struct Org1 {
    int64_t id;
    char code[40], name[200];
    int partner;
} Org1;

static const char *const south[] = {"653100", "653200", "652900", "653000"};

/* subjects as the needs name them (need_derive.c): the plan's gap is 音体美 */
static const struct {
    const char *code, *zh;
    int weight;
} subjects[] = {
    {"音体美", "音体美", 4},   {"音乐", "音乐", 3},
    {"体育", "体育", 3},       {"美术", "美术", 3},
    {"国家通用语言文字", "国家通用语言文字", 2}, {"数学", "数学", 2},
    {"英语", "英语", 1},       {"科学", "科学", 1},
    {"信息技术", "信息技术", 2},
};

static const struct {
    const char *code, *zh;
} stages[] = {{"primary", "小学"}, {"junior", "初中"}, {"senior", "高中"}};

static const char *const formats[] = {"视频课程", "纸质教材", "在线平台", "混合式"};
static const char *const trainings[] = {"学科教学", "班主任工作", "教育信息化", "校长领导力",
                                        "心理健康教育", "家庭教育指导"};
static const struct {
    const char *zh, *subject;
    int64_t unit_fen;
} equipment[] = {{"多媒体教学设备", "", 1200000}, {"体育器材", "体育", 300000},
                 {"音乐器材", "音乐", 450000},     {"美术器材", "美术", 150000},
                 {"图书", "", 200000},             {"计算机", "信息技术", 500000},
                 {"科学实验器材", "科学", 600000}};

static int pick_subject(Rng *r)
{
    int total = 0;
    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) total += subjects[i].weight;
    int x = (int)below(r, (uint32_t)total);
    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
        x -= subjects[i].weight;
        if (x < 0) return (int)i;
    }
    return 0;
}

static int last_day(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

static int fail(char *err, size_t errlen, Db *db, const char *what)
{
    snprintf(err, errlen, "demo resources: %s: %s", what, db_errmsg(db));
    db_rollback(db);
    return 1;
}

/* Loads ids of orgs by a query with no parameters into out (at most max). */
static int load_orgs(Db *db, const char *sql, Org1 *out, int max)
{
    DbStmt *s = db_q(db, sql, "");
    if (!s) return -1;
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW && n < max) {
        out[n].id = db_col_int(s, 0);
        snprintf(out[n].code, sizeof out[n].code, "%s", db_col_text(s, 1));
        snprintf(out[n].name, sizeof out[n].name, "%s", db_col_text(s, 2));
        out[n].partner = (int)db_col_int(s, 3);
        n++;
    }
    db_done(s);
    return rc == DB_ROW || rc == DB_DONE ? n : -1;
}

static int64_t org_id(Db *db, const char *code)
{
    int64_t id = 0;
    return db_int(db, &id, "SELECT id FROM orgs WHERE code = ?", "s", code) == 1 ? id : 0;
}

int resource_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    static Org1 providers[MAX_PROVIDERS], counties[MAX_COUNTIES];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    int year = tm.tm_year + 1900;
    if (db_begin(db) != DB_OK) return fail(err, errlen, db, "begin");
    int np = load_orgs(db,
                       "SELECT id, code, name_zh, CASE WHEN kind = 'partner' THEN 1 ELSE 0 END"
                       " FROM orgs WHERE active = 1 AND ((kind = 'school' AND is_helper = 1)"
                       " OR kind = 'partner') ORDER BY code",
                       providers, MAX_PROVIDERS);
    int nc = load_orgs(db,
                       "SELECT c.id, c.code, c.name_zh, 0 FROM orgs c JOIN orgs p ON p.id = c.parent_id"
                       " WHERE c.kind = 'county' AND p.code IN ('653100','653200','652900','653000')"
                       " ORDER BY c.code",
                       counties, MAX_COUNTIES);
    if (np < 0 || nc < 0) return fail(err, errlen, db, "reading organisations");
    if (np == 0) {
        db_rollback(db);
        snprintf(err, errlen, "demo resources: no helping school or partner organisation");
        return 1;
    }
    int64_t region = org_id(db, "650000"), south_id[4];
    for (int i = 0; i < 4; i++) south_id[i] = org_id(db, south[i]);
    /* the helping school of the demo's helper-leader offers a few of its own */
    int featured = -1;
    for (int i = 0; i < np; i++)
        if (!strcmp(providers[i].code, "6501020001")) featured = i;
    Rng rng = {seed ^ UINT64_C(0x5245534f55524345)}; /* "RESOURCE" */
    int64_t now = now_s();
    int made = 0;
    for (int n = 0; n < DEMO_RESOURCES; n++) {
        const Org1 *p = featured >= 0 && n % 20 == 0 ? &providers[featured]
                                                     : &providers[below(&rng, (uint32_t)np)];
        /* partners offer money, equipment, volunteers and training; schools anything */
        static const char *const school_kinds[] = {
            "teacher_secondment", "teacher_secondment", "teacher_secondment", "teacher_secondment",
            "course_pack",        "course_pack",        "course_pack",        "training",
            "training",           "training",           "training",           "equipment",
            "equipment",          "funds",              "volunteer_service",  "volunteer_service"};
        static const char *const partner_kinds[] = {"funds",     "funds",    "equipment",
                                                    "equipment", "training", "volunteer_service",
                                                    "volunteer_service"};
        const char *kind = p->partner ? partner_kinds[below(&rng, 7)] : school_kinds[below(&rng, 16)];
        const char *category = "other", *subject = "", *stage = "", *unit = "";
        char title[300], attrs[400];
        double capacity = 1;
        int si = pick_subject(&rng);
        if (!strcmp(kind, "teacher_secondment")) {
            int teachers = 1 + (int)below(&rng, 4), months = (int[]){3, 6, 6, 12}[below(&rng, 4)];
            category = "teachers", subject = subjects[si].code, unit = "teachers";
            capacity = teachers;
            snprintf(title, sizeof title, "%s教师支教（%d人·%d个月）", subjects[si].zh, teachers,
                     months);
            snprintf(attrs, sizeof attrs, "{\"months\":%d,\"teachers\":%d}", months, teachers);
        } else if (!strcmp(kind, "course_pack")) {
            int st = (int)below(&rng, 3);
            const char *fmt = formats[below(&rng, 4)];
            category = "curriculum", subject = subjects[si].code, stage = stages[st].code;
            unit = "packs";
            capacity = 5 + below(&rng, 26);
            snprintf(title, sizeof title, "%s%s课程资源包（%s）", stages[st].zh, subjects[si].zh, fmt);
            snprintf(attrs, sizeof attrs, "{\"format\":\"%s\",\"stage\":\"%s\",\"subject\":\"%s\"}",
                     fmt, stage, subject);
        } else if (!strcmp(kind, "training")) {
            const char *tc = trainings[below(&rng, 6)];
            int hours = 8 * (1 + (int)below(&rng, 9)), seats = 10 + 5 * (int)below(&rng, 5);
            category = "training", unit = "seats";
            if (!strcmp(tc, "教育信息化")) subject = "信息技术";
            capacity = seats;
            snprintf(title, sizeof title, "%s培训（%d学时）", tc, hours);
            snprintf(attrs, sizeof attrs, "{\"category\":\"%s\",\"hours\":%d,\"seats\":%d}", tc,
                     hours, seats);
        } else if (!strcmp(kind, "equipment")) {
            int e = (int)below(&rng, 7), sets = 2 + (int)below(&rng, 19);
            category = "equipment", unit = "sets", subject = equipment[e].subject;
            capacity = sets;
            snprintf(title, sizeof title, "%s捐赠（%d台套）", equipment[e].zh, sets);
            snprintf(attrs, sizeof attrs, "{\"kind\":\"%s\",\"value_fen\":%" PRId64 "}",
                     equipment[e].zh, equipment[e].unit_fen * sets);
        } else if (!strcmp(kind, "funds")) {
            int wan = 5 + (int)below(&rng, 46); /* 5–50 万元 */
            category = "funds", unit = "yuan";
            capacity = wan * 10000.0;
            snprintf(title, sizeof title, "帮扶专项资金（%d万元）", wan);
            snprintf(attrs, sizeof attrs, "{\"amount_fen\":%" PRId64 "}", (int64_t)wan * 1000000);
        } else {
            /* counted in events, as the needs count them; each event some hours */
            uint32_t c = below(&rng, 20);
            int events = 2 + (int)below(&rng, 11), hours = events * (2 + (int)below(&rng, 3));
            category = c < 10 ? "parent_education" : c < 17 ? "community" : "other";
            unit = "events";
            capacity = events;
            snprintf(title, sizeof title, "%s（%d场）",
                     c < 10 ? "家庭教育志愿服务" : c < 17 ? "社区教育志愿服务" : "校园志愿服务", events);
            snprintf(attrs, sizeof attrs, "{\"hours\":%d}", hours);
        }
        int m0 = 1 + (int)below(&rng, 6), m1 = m0 + 5 + (int)below(&rng, (uint32_t)(8 - m0));
        if (m1 > 12) m1 = 12;
        char from[40], to[40], desc[400];
        snprintf(from, sizeof from, "%04d-%02d-01", year, m0);
        snprintf(to, sizeof to, "%04d-%02d-%02d", year, m1, last_day(year, m1));
        snprintf(desc, sizeof desc, "由%s提供。", p->name);
        int64_t id = 0;
        DbStmt *s = db_q(db,
                         "INSERT INTO resources(provider_id, kind, category, subject, stage, title,"
                         " description, capacity, remaining, unit, available_from, available_to,"
                         " attrs, active, created_by, created_at, updated_at)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1,'system',?,?) RETURNING id",
                         "issssssddssssii", p->id, kind, category, subject, stage, title, desc,
                         capacity, capacity, unit, from, to, attrs, now, now);
        if (s && db_step(s) == DB_ROW) id = db_col_int(s, 0);
        db_done(s);
        if (!id) return fail(err, errlen, db, "inserting a resource");
        /* reach: mostly one or two southern prefectures, some counties, some the region */
        int64_t reach[4];
        int nr = 0;
        uint32_t rr = below(&rng, 100);
        if (rr < 55 || (rr < 85 && nc == 0)) {
            reach[nr++] = south_id[below(&rng, 4)];
        } else if (rr < 70) {
            int a = (int)below(&rng, 4), b = (a + 1 + (int)below(&rng, 3)) % 4;
            reach[nr++] = south_id[a], reach[nr++] = south_id[b];
        } else if (rr < 85) {
            int k = 1 + (int)below(&rng, 3);
            for (int i = 0; i < k; i++) {
                int64_t c = counties[below(&rng, (uint32_t)nc)].id;
                int dup = 0;
                for (int j = 0; j < nr; j++) dup |= reach[j] == c;
                if (!dup) reach[nr++] = c;
            }
        } else {
            reach[nr++] = region;
        }
        for (int i = 0; i < nr; i++) {
            if (!reach[i]) continue;
            if (db_run(db, "INSERT INTO resource_reach(resource_id, org_id) VALUES (?, ?)", "ii",
                       id, reach[i]) != DB_OK)
                return fail(err, errlen, db, "inserting a resource's reach");
        }
        made++;
    }
    char key[40];
    snprintf(key, sizeof key, "seed-%" PRIu64, seed);
    json_t *summary = json_pack("{s:i,s:i,s:i}", "resources", made, "providers", np, "year", year);
    int rc = audit_log(db, "system", "resource.demo", "demo", key, "/650000/", NULL, summary);
    json_decref(summary);
    if (rc != DB_OK) return fail(err, errlen, db, "writing the audit record");
    if (db_commit(db) != DB_OK) return fail(err, errlen, db, "commit");
    return 0;
}
