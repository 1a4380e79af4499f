/* demo.c — the demo dataset (see demo.h).
 *
 * The region, prefectures and counties are the real ones, from the embedded
 * data/xinjiang-divisions.csv. The schools are synthetic and drawn from a
 * splitmix64 stream seeded by the caller, so a seed always gives the same region:
 *   - about 60 % of all schools lie in the four southern prefectures (Kashgar,
 *     Hotan, Aksu, Kizilsu), nearly all of them recipients;
 *   - helpers lie mostly in city units (Urumqi, Karamay, and county-level units
 *     whose name ends in 市 or 区);
 *   - with at least 96 schools every county has one;
 *   - three schools are fixed, because the demo people hang on them:
 *     6531210001 疏附县第一小学 (recipient primary), 6532210001 和田县第一小学
 *     (recipient primary) and 6501020001 乌鲁木齐市第一中学 (helping school).
 * Everything is written in one transaction through org_insert and user_insert,
 * which audit each row, plus one "demo.load" audit record for the whole load. */
#include "demo.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "core/arena.h"
#include "core/embedded.h"
#include "core/roles.h"
#include "core/util.h"
#include "org.h"
#include "user.h"

#define DIVISIONS_FILE "data/xinjiang-divisions.csv"
#define CSV_HEADER "code,name,level,parent_code"

enum {
    MAX_DIVISIONS = 512, /* the file has 111 */
    MAX_LINE = 256,
    MAX_SCHOOLS = 20000,
    MAX_PER_COUNTY = 9999, /* the four-digit sequence of a school code */
    SOUTH_PERCENT = 60,
};

/* The counties the demo people and fixed schools need. */
#define SHUFU "653121"    /* 疏附县, 喀什地区 */
#define HOTAN "653221"    /* 和田县, 和田地区 */
#define TIANSHAN "650102" /* 天山区, 乌鲁木齐市 */

/* ---- deterministic random numbers ------------------------------------- */

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit state, full period. */
typedef struct Rng {
    uint64_t s;
} Rng;

/* The next 64 random bits. */
static uint64_t rng_next(Rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A uniform integer in [0, n), n > 0, without modulo bias. */
static uint32_t rng_below(Rng *r, uint32_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = rng_next(r);
    while (x >= limit);
    return (uint32_t)(x % n);
}

/* ---- static tables ------------------------------------------------------ */

/* English names of the region and its prefectures, by code. */
static const struct {
    const char *code, *en;
} english_names[] = {
    {"650000", "Xinjiang Uygur Autonomous Region"},
    {"650100", "Urumqi"},
    {"650200", "Karamay"},
    {"650400", "Turpan"},
    {"650500", "Hami"},
    {"652300", "Changji Hui Autonomous Prefecture"},
    {"652700", "Bortala Mongol Autonomous Prefecture"},
    {"652800", "Bayingolin Mongol Autonomous Prefecture"},
    {"652900", "Aksu Prefecture"},
    {"653000", "Kizilsu Kirghiz Autonomous Prefecture"},
    {"653100", "Kashgar Prefecture"},
    {"653200", "Hotan Prefecture"},
    {"654000", "Ili Kazakh Autonomous Prefecture"},
    {"654200", "Tacheng Prefecture"},
    {"654300", "Altay Prefecture"},
};

/* The four southern prefectures where most recipient schools are. */
static const char *const south_prefectures[] = {"653100", "653200", "652900", "653000"};
/* Prefecture-level cities whose every county-level unit counts as a city unit. */
static const char *const city_prefectures[] = {"650100", "650200"};

typedef struct Stage {
    const char *id;  /* orgs.stage */
    const char *zh;  /* the name's ending: 小学 */
    const char *en;  /* "Primary School" */
    uint32_t weight; /* share of schools, in percent */
} Stage;

enum { STAGE_PRIMARY, STAGE_JUNIOR, STAGE_COMPLETE, STAGE_SENIOR, STAGE_NINE, STAGE_VOC, N_STAGES };

static const Stage stages[N_STAGES] = {
    [STAGE_PRIMARY] = {"primary", "小学", "Primary School", 48},
    [STAGE_JUNIOR] = {"junior", "初级中学", "Junior Middle School", 14},
    [STAGE_COMPLETE] = {"complete", "中学", "Middle School", 12},
    [STAGE_SENIOR] = {"senior", "高级中学", "Senior High School", 8},
    [STAGE_NINE] = {"nine_year", "九年一贯制学校", "Nine-Year School", 12},
    [STAGE_VOC] = {"vocational", "职业技术学校", "Vocational and Technical School", 6},
};

/* Partner organisations (校地企社), with illustrative names. */
static const struct {
    const char *code, *parent, *kind, *zh, *en;
} partners[] = {
    {"P0001", "650000", "government", "自治区教育厅",
     "Education Department of Xinjiang Uygur Autonomous Region"},
    {"P0002", "650000", "social", "自治区青少年发展基金会",
     "Xinjiang Youth Development Foundation"},
    {"P0003", "650000", "social", "新疆教育评估研究院",
     "Xinjiang Institute of Education Evaluation"},
    {"P0004", "650100", "enterprise", "乌鲁木齐天山教育科技有限公司",
     "Urumqi Tianshan Education Technology Co., Ltd."},
    {"P0005", "650200", "enterprise", "克拉玛依晨光能源有限公司",
     "Karamay Chenguang Energy Co., Ltd."},
    {"P0006", "653100", "community", "喀什市社区教育服务中心",
     "Kashgar Community Education Service Centre"},
    {"P0007", "653200", "community", "和田地区家庭教育指导服务中心",
     "Hotan Family Education Guidance Service Centre"},
    {"P0008", "652900", "social", "阿克苏地区志愿者协会", "Aksu Volunteers Association"},
};
enum { N_PARTNERS = (int)(sizeof partners / sizeof partners[0]) };

/* The demo people. A person whose `suffix` is set is named after their place
 * ("疏附县第一小学" + "校长"). A required person's place always exists; an
 * extra person is skipped when their school was not drawn (very small loads). */
typedef struct DemoPerson {
    const char *login;
    const char *name;
    Role role;
    const char *place; /* org code */
    const char *label; /* the place, for demo_print_logins */
    int suffix;
    int extra;
} DemoPerson;

static const DemoPerson people[] = {
    {"admin", "自治区管理员", ROLE_REGION_ADMIN, "650000", "新疆维吾尔自治区", 0, 0},
    {"kashgar", "喀什地区教育局干部", ROLE_PREFECTURE_OFFICIAL, "653100", "喀什地区", 0, 0},
    {"shufu", "疏附县教育局干部", ROLE_COUNTY_OFFICIAL, SHUFU, "疏附县", 0, 0},
    {"hotan", "和田县教育局干部", ROLE_COUNTY_OFFICIAL, HOTAN, "和田县", 0, 0},
    {"auditor", "自治区审计员", ROLE_AUDITOR, "650000", "新疆维吾尔自治区", 0, 0},
    {"leader", "校长", ROLE_SCHOOL_LEADER, SHUFU "0001", "疏附县第一小学", 1, 0},
    {"liaison", "联络员", ROLE_LIAISON_OFFICER, SHUFU "0001", "疏附县第一小学", 1, 0},
    {"parent", "学生家长", ROLE_PARENT, SHUFU "0001", "疏附县第一小学", 1, 0},
    {"volunteer", "疏附县志愿者", ROLE_VOLUNTEER, SHUFU, "疏附县", 0, 0},
    {"evaluator", "第三方评估员", ROLE_EVALUATOR, "650000", "新疆维吾尔自治区", 0, 0},
    {"supervisor", "喀什地区督导员", ROLE_SUPERVISOR, "653100", "喀什地区", 0, 0},
    /* three liaison officers per recipient school (7.1), a 1+N team, a few more */
    {"liaison2", "联络员（二）", ROLE_LIAISON_OFFICER, SHUFU "0001", "疏附县第一小学", 1, 1},
    {"liaison3", "联络员（三）", ROLE_LIAISON_OFFICER, SHUFU "0001", "疏附县第一小学", 1, 1},
    {"parent2", "学生家长（二）", ROLE_PARENT, SHUFU "0001", "疏附县第一小学", 1, 1},
    {"hotan-leader", "校长", ROLE_SCHOOL_LEADER, HOTAN "0001", "和田县第一小学", 1, 1},
    {"hotan-liaison1", "联络员（一）", ROLE_LIAISON_OFFICER, HOTAN "0001", "和田县第一小学", 1, 1},
    {"hotan-liaison2", "联络员（二）", ROLE_LIAISON_OFFICER, HOTAN "0001", "和田县第一小学", 1, 1},
    {"hotan-liaison3", "联络员（三）", ROLE_LIAISON_OFFICER, HOTAN "0001", "和田县第一小学", 1, 1},
    {"helper-leader", "校长", ROLE_SCHOOL_LEADER, TIANSHAN "0001", "乌鲁木齐市第一中学", 1, 1},
    {"team-lead", "帮扶团队学科带头人", ROLE_TEAM_MEMBER, TIANSHAN "0001", "乌鲁木齐市第一中学", 1,
     1},
    {"team1", "帮扶团队骨干教师（一）", ROLE_TEAM_MEMBER, TIANSHAN "0001", "乌鲁木齐市第一中学", 1,
     1},
    {"team2", "帮扶团队骨干教师（二）", ROLE_TEAM_MEMBER, TIANSHAN "0001", "乌鲁木齐市第一中学", 1,
     1},
    {"aksu", "阿克苏地区教育局干部", ROLE_PREFECTURE_OFFICIAL, "652900", "阿克苏地区", 0, 1},
    {"volunteer2", "银龄志愿者", ROLE_VOLUNTEER, "650000", "新疆维吾尔自治区", 0, 1},
    {"volunteer3", "大学生志愿者", ROLE_VOLUNTEER, "P0002", "自治区青少年发展基金会", 0, 1},
    {"evaluator2", "评估专家", ROLE_EVALUATOR, "P0003", "新疆教育评估研究院", 0, 1},
    /* second approvers: an expenditure above a fund's threshold needs two people */
    {"shufu2", "疏附县教育局财务干部", ROLE_COUNTY_OFFICIAL, SHUFU, "疏附县", 0, 1},
    {"kashgar2", "喀什地区教育局财务干部", ROLE_PREFECTURE_OFFICIAL, "653100", "喀什地区", 0, 1},
};
enum { N_PEOPLE = (int)(sizeof people / sizeof people[0]) };

/* ---- the divisions file ------------------------------------------------- */

/* Whether s is exactly six ASCII digits. */
static int six_digits(const char *s)
{
    for (int i = 0; i < 6; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return s[6] == '\0';
}

/* The index of the division with this code among the first n, or -1. */
static int find_division(const DemoDivision *d, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (strcmp(d[i].code, code) == 0) return i;
    return -1;
}

/* Checks one data line (NUL-terminated, in a writable buffer) and fills *out.
 * The earlier divisions d[0..n) are there for the parent and duplicate checks.
 * Returns 0, or -1 with the reason (without the line number) in why. */
static int parse_line(char *line, const DemoDivision *d, int n, DemoDivision *out, char *why,
                      size_t whylen)
{
    int commas = 0;
    for (const char *p = line; *p; p++) {
        if (*p == '"') {
            snprintf(why, whylen, "quoted fields are not supported");
            return -1;
        }
        if (*p == ',') commas++;
    }
    if (commas != 3) {
        snprintf(why, whylen, "expected 4 fields, found %d", commas + 1);
        return -1;
    }
    char *f[4];
    f[0] = line;
    for (int i = 1; i < 4; i++) {
        char *c = strchr(f[i - 1], ',');
        *c = '\0';
        f[i] = c + 1;
    }
    const char *code = f[0], *name = f[1], *level = f[2], *parent = f[3];
    if (!six_digits(code)) {
        snprintf(why, whylen, "code is not six digits");
        return -1;
    }
    if (find_division(d, n, code) >= 0) {
        snprintf(why, whylen, "duplicate code %.6s", code);
        return -1;
    }
    if (!*name || strlen(name) >= sizeof out->name || !valid_text(name, sizeof out->name - 1) ||
        strchr(name, '\t')) {
        snprintf(why, whylen, "name is empty, too long or not valid text");
        return -1;
    }
    const char *want_parent; /* the parent's level */
    if (strcmp(level, "region") == 0)
        want_parent = NULL;
    else if (strcmp(level, "prefecture") == 0)
        want_parent = "region";
    else if (strcmp(level, "county") == 0)
        want_parent = "prefecture";
    else {
        snprintf(why, whylen, "level is not region, prefecture or county");
        return -1;
    }
    if (!want_parent && *parent) {
        snprintf(why, whylen, "a region has no parent");
        return -1;
    }
    if (want_parent) {
        int pi = six_digits(parent) ? find_division(d, n, parent) : -1;
        if (pi < 0) {
            snprintf(why, whylen, "parent_code is not a code listed above");
            return -1;
        }
        if (strcmp(d[pi].level, want_parent) != 0) {
            snprintf(why, whylen, "the parent of a %s must be a %s", level, want_parent);
            return -1;
        }
    }
    memset(out, 0, sizeof *out);
    memcpy(out->code, code, 7);
    memcpy(out->name, name, strlen(name) + 1);
    memcpy(out->level, level, strlen(level) + 1);
    memcpy(out->parent, parent, strlen(parent) + 1);
    return 0;
}

int demo_parse_divisions(const char *text, size_t n, DemoDivision **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!err) errlen = 0;
    DemoDivision *d = calloc(MAX_DIVISIONS, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int nd = 0, nregion = 0, lineno = 0;
    size_t pos = 0;
    while (pos < n) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - line) : n - pos;
        pos += len + (nl ? 1 : 0);
        lineno++;
        if (len && line[len - 1] == '\r') len--;
        char buf[MAX_LINE], why[128];
        if (len >= sizeof buf || memchr(line, '\0', len)) {
            snprintf(err, errlen, "%s line %d: line too long or not text", DIVISIONS_FILE, lineno);
            goto fail;
        }
        memcpy(buf, line, len);
        buf[len] = '\0';
        if (lineno == 1) {
            if (strcmp(buf, CSV_HEADER) != 0) {
                snprintf(err, errlen, "%s line 1: header is not %s", DIVISIONS_FILE, CSV_HEADER);
                goto fail;
            }
            continue;
        }
        if (len == 0) continue; /* blank lines, a final newline */
        if (nd == MAX_DIVISIONS) {
            snprintf(err, errlen, "%s line %d: more than %d divisions", DIVISIONS_FILE, lineno,
                     MAX_DIVISIONS);
            goto fail;
        }
        if (parse_line(buf, d, nd, &d[nd], why, sizeof why) != 0) {
            snprintf(err, errlen, "%s line %d: %s", DIVISIONS_FILE, lineno, why);
            goto fail;
        }
        if (strcmp(d[nd].level, "region") == 0) nregion++;
        nd++;
    }
    if (lineno == 0) {
        snprintf(err, errlen, "%s is empty", DIVISIONS_FILE);
        goto fail;
    }
    if (nregion != 1) {
        snprintf(err, errlen, "%s: expected one region, found %d", DIVISIONS_FILE, nregion);
        goto fail;
    }
    *out = d;
    return nd;
fail:
    free(d);
    return -1;
}

/* ---- names --------------------------------------------------------------- */

/* Writes v (1..9999) in Chinese numerals into out: 1 一, 10 十, 12 十二, 20 二十,
 * 105 一百零五, 110 一百一十, 1010 一千零一十. */
static void chinese_number(char *out, size_t outlen, int v)
{
    static const char *const digit[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    static const char *const unit[] = {"千", "百", "十", ""};
    int part[4] = {v / 1000 % 10, v / 100 % 10, v / 10 % 10, v % 10};
    int started = 0, zero = 0;
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < 4; i++) {
        if (part[i] == 0) {
            if (started) zero = 1;
            continue;
        }
        const char *d = (i == 2 && part[i] == 1 && !started) ? "" : digit[part[i]];
        int w = snprintf(out + len, outlen - len, "%s%s%s", zero ? "零" : "", d, unit[i]);
        if (w < 0 || (size_t)w >= outlen - len) return;
        len += (size_t)w;
        zero = 0;
        started = 1;
    }
}

/* Whether a UTF-8 name ends with the given suffix. */
static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Whether code is one of the n codes in list. */
static int in_list(const char *code, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(code, list[i]) == 0) return 1;
    return 0;
}

/* The English name of the region or a prefecture, or NULL. */
static const char *english_name(const char *code)
{
    for (size_t i = 0; i < sizeof english_names / sizeof english_names[0]; i++)
        if (strcmp(english_names[i].code, code) == 0) return english_names[i].en;
    return NULL;
}

/* ---- the load ------------------------------------------------------------ */

typedef struct Ctx {
    Db *db;
    Arena *arena; /* the loaded Orgs' strings */
    char *err;
    size_t errlen;
    Rng rng;
    DemoDivision *div;
    int ndiv;
    Org *org;               /* org[i]: division i as loaded after its insert */
    int *nschools;          /* schools to draw per division (counties only) */
    int (*named)[N_STAGES]; /* per naming division and stage: schools named so far */
    int south[MAX_DIVISIONS];
    int city[MAX_DIVISIONS];
    int schools, people;
} Ctx;

/* Writes "what key: <database message>" into the error buffer; returns 1. */
static int db_fail(Ctx *c, const char *what, const char *key)
{
    snprintf(c->err, c->errlen, "%s %s: %s", what, key, db_errmsg(c->db));
    return 1;
}

/* Inserts o under parent (NULL for the root) and loads it back into *loaded when
 * given (the Org a child's insert needs, with the path org_insert computed).
 * Returns the new id, or 0 with the reason in the error buffer. */
static int64_t insert_org(Ctx *c, Org *o, const Org *parent, Org *loaded)
{
    int rc = DB_OK;
    if (parent) {
        o->parent_id = parent->id;
        o->parent_code = parent->code;
    }
    o->active = 1;
    int64_t id = org_insert(c->db, "system", o, parent, &rc);
    if (!id) {
        db_fail(c, "inserting organisation", o->code);
        return 0;
    }
    if (loaded && org_load(c->db, c->arena, o->code, loaded) != 1) {
        db_fail(c, "loading organisation", o->code);
        return 0;
    }
    return id;
}

/* Inserts the region, prefectures and counties in file order (parents first). */
static int insert_divisions(Ctx *c)
{
    const char *region_name = "";
    const char *pref_name[MAX_DIVISIONS] = {0};
    for (int i = 0; i < c->ndiv; i++) {
        const DemoDivision *d = &c->div[i];
        int pi = d->parent[0] ? find_division(c->div, i, d->parent) : -1;
        char en[32], address[320];
        Org o = {0};
        o.code = d->code;
        o.kind = d->level;
        o.name_zh = d->name;
        o.address = "";
        if (strcmp(d->level, "county") == 0) {
            (void)en; /* no English names for counties: the Chinese proper name is shown */
            o.name_en = "";
            snprintf(address, sizeof address, "%s%s%s", region_name, pref_name[pi], d->name);
            o.address = address;
        } else {
            const char *e = english_name(d->code);
            o.name_en = e ? e : "";
            if (strcmp(d->level, "region") == 0) region_name = d->name;
            pref_name[i] = d->name;
        }
        if (!insert_org(c, &o, pi >= 0 ? &c->org[pi] : NULL, &c->org[i])) return 1;
    }
    return 0;
}

/* Inserts the partner organisations under the region or their prefecture. */
static int insert_partners(Ctx *c)
{
    for (int i = 0; i < N_PARTNERS; i++) {
        int pi = find_division(c->div, c->ndiv, partners[i].parent);
        if (pi < 0) {
            snprintf(c->err, c->errlen, "partner %s: no organisation %s", partners[i].code,
                     partners[i].parent);
            return 1;
        }
        Org o = {0};
        o.code = partners[i].code;
        o.kind = "partner";
        o.partner_kind = partners[i].kind;
        o.name_zh = partners[i].zh;
        o.name_en = partners[i].en;
        o.address = "";
        if (!insert_org(c, &o, &c->org[pi], NULL)) return 1;
    }
    return 0;
}

/* Draws `k` counties from the group (south or not) by weight and adds a school
 * to each. A city unit outside the south weighs 3, every other county 1. */
static void draw_counties(Ctx *c, int south, int k)
{
    uint32_t total = 0;
    for (int i = 0; i < c->ndiv; i++)
        if (strcmp(c->div[i].level, "county") == 0 && c->south[i] == south)
            total += (!south && c->city[i]) ? 3 : 1;
    if (total == 0) return;
    for (; k > 0; k--) {
        uint32_t r = rng_below(&c->rng, total);
        for (int i = 0; i < c->ndiv; i++) {
            if (strcmp(c->div[i].level, "county") != 0 || c->south[i] != south) continue;
            uint32_t w = (!south && c->city[i]) ? 3 : 1;
            if (r < w) {
                c->nschools[i]++;
                break;
            }
            r -= w;
        }
    }
}

/* Decides how many schools each county gets: one each for the fixed schools, one
 * for every county when there are enough, then SOUTH_PERCENT of all in the south
 * and the rest elsewhere, drawn by weight. */
static int allocate_schools(Ctx *c, int n, int shufu, int hotan)
{
    int ncounty = 0, nsouth = 0, assigned = 0, in_south = 0;
    for (int i = 0; i < c->ndiv; i++) {
        if (strcmp(c->div[i].level, "county") != 0) continue;
        ncounty++;
        nsouth += c->south[i];
    }
    c->nschools[shufu] = 1;
    if (n >= 2) c->nschools[hotan] = 1;
    if (n >= ncounty)
        for (int i = 0; i < c->ndiv; i++)
            if (strcmp(c->div[i].level, "county") == 0 && !c->nschools[i]) c->nschools[i] = 1;
    for (int i = 0; i < c->ndiv; i++) {
        assigned += c->nschools[i];
        if (c->south[i]) in_south += c->nschools[i];
    }
    int rest = n - assigned;
    int south = (n * SOUTH_PERCENT + 50) / 100 - in_south;
    if (south < 0) south = 0;
    if (south > rest) south = rest;
    if (nsouth == ncounty) south = rest; /* nowhere else to go */
    draw_counties(c, 1, south);
    draw_counties(c, 0, rest - south);
    for (int i = 0; i < c->ndiv; i++)
        if (c->nschools[i] > MAX_PER_COUNTY) {
            snprintf(c->err, c->errlen, "county %s would get more than %d schools", c->div[i].code,
                     MAX_PER_COUNTY);
            return 1;
        }
    return 0;
}

/* Draws a stage by the weights in `stages`. */
static int draw_stage(Ctx *c)
{
    uint32_t r = rng_below(&c->rng, 100);
    for (int s = 0; s < N_STAGES; s++) {
        if (r < stages[s].weight) return s;
        r -= stages[s].weight;
    }
    return STAGE_PRIMARY;
}

/* Draws helper/recipient for a school in county i: the south's schools are nearly
 * all recipients, city units mostly helpers, the countryside mostly recipients. */
static void draw_role(Ctx *c, int i, int *helper, int *recipient)
{
    uint32_t r = rng_below(&c->rng, 100);
    /* percentages of helper-only and of both; the rest are recipients only */
    static const uint32_t only_helper_pct[2][2] = {{22, 75}, {0, 15}}; /* [south][city] */
    static const uint32_t both_pct[2][2] = {{6, 12}, {3, 10}};
    uint32_t only_helper = only_helper_pct[c->south[i]][c->city[i]];
    uint32_t both = both_pct[c->south[i]][c->city[i]];
    *helper = r < only_helper + both;
    *recipient = r >= only_helper;
}

/* Inserts the drawn schools, county by county in file order. A district (区)
 * names its schools after its city ("乌鲁木齐市第十二中学"), with one numbering per
 * city; every other county after itself ("疏附县第一小学"). */
static int insert_schools(Ctx *c)
{
    for (int i = 0; i < c->ndiv; i++) {
        const DemoDivision *d = &c->div[i];
        if (strcmp(d->level, "county") != 0) continue;
        int pi = find_division(c->div, c->ndiv, d->parent);
        int unit = ends_with(d->name, "区") ? pi : i; /* whose name and numbering */
        const char *unit_zh = c->div[unit].name;
        char unit_en[128];
        if (unit == pi && english_name(c->div[pi].code))
            snprintf(unit_en, sizeof unit_en, "%s", english_name(c->div[pi].code));
        else
            snprintf(unit_en, sizeof unit_en, "%s", unit_zh);
        for (int seq = 1; seq <= c->nschools[i]; seq++) {
            int stage = draw_stage(c), helper, recipient;
            draw_role(c, i, &helper, &recipient);
            if (seq == 1 && (strcmp(d->code, SHUFU) == 0 || strcmp(d->code, HOTAN) == 0))
                stage = STAGE_PRIMARY, helper = 0, recipient = 1;
            else if (seq == 1 && strcmp(d->code, TIANSHAN) == 0)
                stage = STAGE_COMPLETE, helper = 1, recipient = 0;
            int k = ++c->named[unit][stage];
            char num[64], code[24], zh[256], en[256];
            chinese_number(num, sizeof num, k);
            snprintf(code, sizeof code, "%s%04d", d->code, seq);
            if (stage == STAGE_VOC && k == 1) {
                snprintf(zh, sizeof zh, "%s%s", unit_zh, stages[stage].zh);
                snprintf(en, sizeof en, "%s %s", unit_en, stages[stage].en);
            } else {
                snprintf(zh, sizeof zh, "%s第%s%s", unit_zh, num, stages[stage].zh);
                snprintf(en, sizeof en, "%s No. %d %s", unit_en, k, stages[stage].en);
            }
            Org o = {0};
            o.code = code;
            o.kind = "school";
            o.name_zh = zh;
            o.name_en = en;
            o.stage = stages[stage].id;
            o.address = c->org[i].address ? c->org[i].address : "";
            o.is_helper = helper;
            o.is_recipient = recipient;
            if (!insert_org(c, &o, &c->org[i], NULL)) return 1;
            c->schools++;
        }
    }
    return 0;
}

/* Creates the demo people; extra people whose school was not drawn are skipped. */
static int insert_people(Ctx *c)
{
    for (int i = 0; i < N_PEOPLE; i++) {
        const DemoPerson *p = &people[i];
        DbStmt *s = db_q(c->db, "SELECT id, name_zh FROM orgs WHERE code = ?", "s", p->place);
        int rc = s ? db_step(s) : DB_ERROR;
        if (rc != DB_ROW) {
            if (rc == DB_DONE && p->extra) {
                db_done(s);
                continue;
            }
            if (rc == DB_DONE)
                snprintf(c->err, c->errlen, "demo login %s: no organisation %s", p->login,
                         p->place);
            else
                db_fail(c, "finding organisation", p->place);
            db_done(s);
            return 1;
        }
        int64_t org_id = db_col_int(s, 0);
        char name[256];
        snprintf(name, sizeof name, "%s%s", p->suffix ? db_col_text(s, 1) : "", p->name);
        db_done(s);
        int urc = DB_OK;
        if (!user_insert(c->db, "system", p->login, name, DEMO_PASSWORD, p->role, org_id, "", "",
                         &urc)) {
            if (urc == DB_CONSTRAINT)
                snprintf(c->err, c->errlen, "demo login %s: already taken", p->login);
            else
                db_fail(c, "creating demo login", p->login);
            return 1;
        }
        c->people++;
    }
    return 0;
}

/* Writes the one audit record of the whole load. */
static int audit_load(Ctx *c, uint64_t seed)
{
    char key[32];
    snprintf(key, sizeof key, "seed-%" PRIu64, seed);
    json_t *summary = json_pack("{s:i,s:i,s:i}", "schools", c->schools, "partners", N_PARTNERS,
                                "people", c->people);
    if (!summary) {
        snprintf(c->err, c->errlen, "out of memory");
        return 1;
    }
    int rc = audit_log(c->db, "system", "demo.load", "demo", key, "", NULL, summary);
    json_decref(summary);
    if (rc != DB_OK) return db_fail(c, "writing audit record", key);
    return 0;
}

/* Everything after the divisions are parsed, inside the open transaction. */
static int load_all(Ctx *c, int schools, uint64_t seed)
{
    int64_t norgs = 0;
    int rc = db_int(c->db, &norgs, "SELECT COUNT(*) FROM orgs", "");
    if (rc < 0) return db_fail(c, "counting", "organisations");
    if (norgs > 0) {
        snprintf(c->err, c->errlen, "database already has organisations");
        return 1;
    }
    int shufu = find_division(c->div, c->ndiv, SHUFU);
    int hotan = find_division(c->div, c->ndiv, HOTAN);
    if (shufu < 0 || hotan < 0 || strcmp(c->div[shufu].level, "county") != 0 ||
        strcmp(c->div[hotan].level, "county") != 0) {
        snprintf(c->err, c->errlen, "%s lacks the counties %s and %s", DIVISIONS_FILE, SHUFU,
                 HOTAN);
        return 1;
    }
    for (int i = 0; i < c->ndiv; i++) {
        const char *parent = c->div[i].parent;
        c->south[i] = in_list(parent, south_prefectures, 4);
        c->city[i] = strcmp(c->div[i].level, "county") == 0 &&
                     (in_list(parent, city_prefectures, 2) || ends_with(c->div[i].name, "市") ||
                      ends_with(c->div[i].name, "区"));
    }
    if (insert_divisions(c) || insert_partners(c) || allocate_schools(c, schools, shufu, hotan) ||
        insert_schools(c) || insert_people(c) || audit_load(c, seed))
        return 1;
    return 0;
}

int demo_load(Db *db, int schools, uint64_t seed, char *err, size_t errlen)
{
    if (!err) errlen = 0;
    if (schools < 1 || schools > MAX_SCHOOLS) {
        snprintf(err, errlen, "schools must be 1..%d", MAX_SCHOOLS);
        return 1;
    }
    const EmbeddedFile *f = embedded_find(DIVISIONS_FILE);
    if (!f) {
        snprintf(err, errlen, "%s is not embedded in this binary", DIVISIONS_FILE);
        return 1;
    }
    Ctx c = {.db = db, .err = err, .errlen = errlen, .rng = {seed}};
    c.ndiv = demo_parse_divisions((const char *)f->data, f->size, &c.div, err, errlen);
    if (c.ndiv < 0) return 1;
    c.org = calloc((size_t)c.ndiv, sizeof *c.org);
    c.nschools = calloc((size_t)c.ndiv, sizeof *c.nschools);
    c.named = calloc((size_t)c.ndiv, sizeof *c.named);
    c.arena = arena_new();
    int ret = 1;
    if (!c.org || !c.nschools || !c.named) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (db_begin(db) != DB_OK) {
        db_fail(&c, "starting", "transaction");
        goto out;
    }
    if (load_all(&c, schools, seed) != 0) {
        db_rollback(db);
        goto out;
    }
    if (db_commit(db) != DB_OK) {
        db_fail(&c, "committing", "demo data");
        db_rollback(db);
        goto out;
    }
    ret = 0;
out:
    arena_free(c.arena);
    free(c.named);
    free(c.nschools);
    free(c.org);
    free(c.div);
    return ret;
}

void demo_print_logins(FILE *f)
{
    fprintf(f, "Demo logins, all with password %s:\n", DEMO_PASSWORD);
    for (int i = 0; i < N_PEOPLE; i++) {
        if (people[i].extra && !people[i - 1].extra)
            fprintf(f, "More demo people (same password):\n");
        fprintf(f, "  %-15s %-20s %s %s\n", people[i].login, role_name(people[i].role),
                people[i].place, people[i].label);
    }
}
