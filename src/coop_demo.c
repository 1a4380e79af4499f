/* coop_demo.c — the demo's agreements (agreement.h), supervision visits with
 * rectification orders (supervision.h), media coverage and brands (brand.h),
 * loaded after the projects (project_demo_load). Each loader is one
 * transaction with one audit record; rows go in through prepared statements.
 * Figures scale with the number of projects and schools; the draws are fixed by
 * the seed. brand_demo_load ends by writing every project figure
 * (project_feed_all). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreement.h"
#include "audit.h"
#include "brand.h"
#include "core/util.h"
#include "supervision.h"

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

/* YYYY-MM-DD of a day count since 1970-01-01 (proleptic Gregorian). */
static void day_text(int64_t z, char out[11])
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m, (int)d);
    memcpy(out, tmp, 10);
    out[10] = 0;
}

static int64_t today_days(void)
{
    return (now_s() + 8 * 3600) / 86400;
}

static int fail(Db *db, char *err, size_t errlen, const char *what)
{
    if (!err[0]) snprintf(err, errlen, "%s: %s", what, db_errmsg(db));
    db_rollback(db);
    return 1;
}

/* ---- agreements ------------------------------------------------------------------- */

typedef struct Partner {
    int64_t id;
    char kind[16], path[64];
} Partner;

enum { MAX_PARTNERS = 64, MAX_GROUPS = 4096 };

/* One agreement in the making: a lead, a county, a kind (long or short), its projects. */
typedef struct Group {
    int64_t lead, county, prefecture;
    int long_term;
    char lead_kind[16], lead_pkind[16], lead_name[128], county_name[128], county_path[64],
        start[11];
    int nproj;
    int64_t proj[32];
} Group;

/* A partner of `kind` in the county's prefecture when there is one, else any. */
static const Partner *pick_partner(const Partner *ps, int np, const char *kind,
                                   const char *county_path, Rng *rng)
{
    const Partner *near = NULL, *any[MAX_PARTNERS];
    int nany = 0;
    for (int i = 0; i < np; i++) {
        if (strcmp(ps[i].kind, kind)) continue;
        any[nany++] = &ps[i];
        /* a partner sits under the region or a prefecture: '/650000/653100/P0006/' */
        size_t pl = strlen(ps[i].path);
        const char *slash = pl > 1 ? ps[i].path + pl - 2 : ps[i].path;
        while (slash > ps[i].path && *slash != '/')
            slash--;
        size_t parent = (size_t)(slash - ps[i].path) + 1;
        if (parent > 8 && !strncmp(county_path, ps[i].path, parent)) near = &ps[i];
    }
    if (near) return near;
    return nany ? any[below(rng, (uint32_t)nany)] : NULL;
}

static const char *side_of(const char *kind, const char *pkind)
{
    if (!strcmp(kind, "school")) return "school";
    if (!strcmp(kind, "partner")) return *pkind ? pkind : "social";
    return "government";
}

static const char *supplies_of(const char *side)
{
    if (!strcmp(side, "school")) return "选派骨干教师驻校支教，开展送教送培和集体教研";
    if (!strcmp(side, "government")) return "统筹场地、政策支持与配套经费，督促项目落实";
    if (!strcmp(side, "enterprise")) return "捐赠教学设备，设立奖助学金";
    if (!strcmp(side, "community")) return "提供社区活动场地，组织志愿者参与家校社共育";
    return "链接社会资源，组织志愿服务";
}

int agreement_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    err[0] = 0;
    Rng rng = {seed ^ UINT64_C(0x41475245454d4e54)}; /* "AGREEMNT" */
    Partner ps[MAX_PARTNERS];
    int np = 0;
    Group *gs = calloc(MAX_GROUPS, sizeof *gs);
    if (!gs) {
        snprintf(err, errlen, "demo agreements: out of memory");
        return 1;
    }
    int ng = 0, nagr = 0, nlinks = 0;
    if (db_begin(db) != DB_OK) {
        free(gs);
        return fail(db, err, errlen, "demo agreements: begin");
    }
    DbStmt *s = db_q(db,
                     "SELECT id, COALESCE(partner_kind, 'social'), path FROM orgs"
                     " WHERE kind = 'partner' AND active = 1 ORDER BY code",
                     "");
    while (s && db_step(s) == DB_ROW && np < MAX_PARTNERS) {
        ps[np].id = db_col_int(s, 0);
        snprintf(ps[np].kind, sizeof ps[np].kind, "%s", db_col_text(s, 1));
        snprintf(ps[np].path, sizeof ps[np].path, "%s", db_col_text(s, 2));
        np++;
    }
    db_done(s);
    /* the running projects with their lead and the county of their first school */
    s = db_q(db,
             "SELECT p.id, p.lead_org_id, lo.kind, COALESCE(lo.partner_kind, ''), lo.name_zh,"
             " c.id, c.name_zh, c.path, c.parent_id, p.start_date, p.status,"
             " (SELECT count(*) FROM project_recipients x JOIN orgs xs ON xs.id = x.school_id"
             "  WHERE x.project_id = p.id AND xs.code = '6531210001'), p.end_date"
             " FROM projects p JOIN orgs lo ON lo.id = p.lead_org_id"
             " JOIN orgs c ON c.id = (SELECT sc.parent_id FROM project_recipients pr"
             "  JOIN orgs sc ON sc.id = pr.school_id WHERE pr.project_id = p.id"
             "  ORDER BY sc.code LIMIT 1)"
             " WHERE p.status IN " PROJECT_RUNNING_SQL " ORDER BY p.id",
             "");
    /* shares kept exact by error diffusion, separately for the projects running this
     * year (what the dashboards show now) and the others: 40 % long-term, 12 % short */
    double acc_long[2], acc_short[2];
    for (int k = 0; k < 2; k++) {
        acc_long[k] = (double)below(&rng, 1000) / 1000.0;
        acc_short[k] = (double)below(&rng, 1000) / 1000.0;
    }
    char ty[11], y0[16], y1[16];
    day_text(today_days(), ty);
    snprintf(y0, sizeof y0, "%.4s-01-01", ty);
    snprintf(y1, sizeof y1, "%.4s-12-31", ty);
    while (s && db_step(s) == DB_ROW) {
        int fixed = db_col_int(s, 11) > 0 && !strcmp(db_col_text(s, 10), "in_progress");
        const char *start = db_col_text(s, 9), *stop = db_col_text(s, 12);
        int now_running = strcmp(start, y1) <= 0 && strcmp(stop, y0) >= 0;
        int bucket = -1; /* 1 long, 0 short, -1 none */
        acc_long[now_running] += 0.40;
        if (fixed || acc_long[now_running] >= 1.0) {
            bucket = 1;
            acc_long[now_running] -= 1.0;
        } else if ((acc_short[now_running] += 0.12 / 0.60) >= 1.0) {
            bucket = 0;
            acc_short[now_running] -= 1.0;
        }
        if (bucket < 0) continue;
        int64_t lead = db_col_int(s, 1), county = db_col_int(s, 5);
        Group *g = NULL;
        for (int i = 0; i < ng && !g; i++)
            if (gs[i].lead == lead && gs[i].county == county && gs[i].long_term == bucket &&
                gs[i].nproj < 32)
                g = &gs[i];
        if (!g && ng < MAX_GROUPS) {
            g = &gs[ng++];
            g->lead = lead;
            g->county = county;
            g->prefecture = db_col_int(s, 8);
            g->long_term = bucket;
            snprintf(g->lead_kind, sizeof g->lead_kind, "%s", db_col_text(s, 2));
            snprintf(g->lead_pkind, sizeof g->lead_pkind, "%s", db_col_text(s, 3));
            snprintf(g->lead_name, sizeof g->lead_name, "%s", db_col_text(s, 4));
            snprintf(g->county_name, sizeof g->county_name, "%s", db_col_text(s, 6));
            snprintf(g->county_path, sizeof g->county_path, "%s", db_col_text(s, 7));
            snprintf(g->start, sizeof g->start, "%.8s01", db_col_text(s, 9));
        }
        if (g) g->proj[g->nproj++] = db_col_int(s, 0);
    }
    db_done(s);
    if (!s) {
        free(gs);
        return fail(db, err, errlen, "demo agreements: projects");
    }
    int64_t now = now_s();
    for (int i = 0; i < ng; i++) {
        Group *g = &gs[i];
        char end[11];
        int y = atoi(g->start);
        if (g->long_term)
            snprintf(end, sizeof end, "%04d-12-31", y + 3 + (int)below(&rng, 3));
        else
            snprintf(end, sizeof end, "%04d-12-31", y + (int)below(&rng, 2));
        char t[400];
        snprintf(t, sizeof t, g->long_term ? "%s与%s校地企社长期合作协议" : "%s与%s帮扶合作备忘录",
                 g->lead_name, g->county_name);
        char summary[600];
        snprintf(summary, sizeof summary,
                 g->long_term ? "各方约定在协议期内共建共享优质教育资源，建立定期会商、联合督导"
                                "和年度评估机制，形成长效合作。"
                              : "双方约定在本学年内开展结对帮扶，按学期回顾进展。");
        int64_t aid = 0;
        s = db_q(
            db,
            "INSERT INTO agreements(title, owner_org_id, start_date, end_date, summary,"
            " created_by, created_at, updated_at) VALUES (?,?,?,?,?,'system',?,?) RETURNING id",
            "sisssii", t, g->lead, g->start, end, summary, now, now);
        if (s && db_step(s) == DB_ROW) aid = db_col_int(s, 0);
        db_done(s);
        if (!aid) {
            free(gs);
            return fail(db, err, errlen, "demo agreements: insert");
        }
        nagr++;
        /* the parties: the lead, the county, and a partner (an enterprise for a long
         * one, a community organisation for a short one); a long one also the prefecture */
        int64_t pid[4];
        const char *pside[4];
        int k = 0;
        pid[k] = g->lead, pside[k++] = side_of(g->lead_kind, g->lead_pkind);
        pid[k] = g->county, pside[k++] = "government";
        const Partner *pp =
            pick_partner(ps, np, g->long_term ? "enterprise" : "community", g->county_path, &rng);
        if (pp && pp->id != g->lead) pid[k] = pp->id, pside[k++] = pp->kind;
        if (g->long_term && g->prefecture) pid[k] = g->prefecture, pside[k++] = "government";
        int rc = DB_OK;
        for (int j = 0; j < k && rc == DB_OK; j++)
            rc = db_run(db,
                        "INSERT INTO agreement_parties(agreement_id, org_id, side, supplies)"
                        " VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                        "iiss", aid, pid[j], pside[j], supplies_of(pside[j]));
        for (int j = 0; j < g->nproj && rc == DB_OK; j++, nlinks++)
            rc = db_run(db, "INSERT INTO agreement_projects(agreement_id, project_id) VALUES (?,?)",
                        "ii", aid, g->proj[j]);
        if (rc != DB_OK) {
            free(gs);
            return fail(db, err, errlen, "demo agreements: parties");
        }
    }
    free(gs);
    json_t *sum = json_pack("{s:i,s:i}", "agreements", nagr, "links", nlinks);
    char key[32];
    snprintf(key, sizeof key, "%" PRIu64, seed);
    int rc = audit_log(db, "system", "agreement.demo", "demo", key, "", NULL, sum);
    json_decref(sum);
    if (rc != DB_OK || db_commit(db) != DB_OK) return fail(db, err, errlen, "demo agreements");
    return 0;
}

/* ---- supervision -------------------------------------------------------------------- */

typedef struct Unit {
    int64_t id;
    char path[64];
} Unit;

/* Inserts one visit; its id, or 0 on error. project 0: none. */
static int64_t add_visit(Db *db, int64_t org, int64_t project, const char *on, const char *findings,
                         const char *rating, const char *by, int64_t now)
{
    char pbuf[24];
    snprintf(pbuf, sizeof pbuf, "%lld", (long long)project);
    DbStmt *s = db_q(db,
                     "INSERT INTO supervisions(org_id, project_id, visited_on, findings, rating,"
                     " created_by, created_at) VALUES (?,?,?,?,?,?,?) RETURNING id",
                     "isssssi", org, project ? pbuf : NULL, on, findings, rating, by, now);
    int64_t id = s && db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return id;
}

/* Inserts one order in `status` (answered and closed ones with an answer). */
static int add_order(Db *db, int64_t sid, int64_t org, const char *demand, const char *deadline,
                     const char *status, const char *by, const char *responder, int64_t now)
{
    DbStmt *s = db_q(db,
                     "INSERT INTO rectifications(supervision_id, org_id, demand, deadline, status,"
                     " created_by, created_at) VALUES (?,?,?,?,'open',?,?) RETURNING id",
                     "iisssi", sid, org, demand, deadline, by, now);
    int64_t id = s && db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (!id) return DB_ERROR;
    if (!strcmp(status, "open")) return DB_OK;
    int rc = db_run(db,
                    "UPDATE rectifications SET status = 'answered', response = ?,"
                    " responded_by = ?, responded_at = ? WHERE id = ?",
                    "ssii", "已制定整改方案并完成整改，相关材料已归档备查。", responder, now, id);
    if (rc == DB_OK && !strcmp(status, "closed"))
        rc = db_run(db,
                    "UPDATE rectifications SET status = 'closed', closed_by = ?, closed_at = ?"
                    " WHERE id = ?",
                    "sii", by, now, id);
    return rc;
}

static const char *const findings_text[] = {
    "帮扶教师按计划到岗，课堂教学规范；校本教研活动记录不完整，部分学科尚未开齐开足。",
    "项目资金使用与预算一致，台账清晰；设备使用率偏低，教师培训需跟进。",
    "家校共育活动开展较好，家长参与度高；活动档案和过程性材料需补充。",
    "结对帮扶机制运转正常，受援学校教学质量有所提升；个别项目进度滞后于计划。",
};
static const char *const demands_text[] = {
    "完善校本教研制度，按周记录教研活动并报县教育局备案。",
    "制定设备使用培训计划，一个月内完成全体教师轮训。",
    "补齐项目过程性档案，按月上传进展报告和佐证材料。",
    "调整课程安排，开齐开足音体美课程。",
};

int supervision_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    err[0] = 0;
    Rng rng = {seed ^ UINT64_C(0x5355504552564953)}; /* "SUPERVIS" */
    int64_t d = today_days(), now = now_s();
    char today[11];
    day_text(d, today);
    if (db_begin(db) != DB_OK) return fail(db, err, errlen, "demo supervision: begin");
    /* the prefectures, and the recipient schools grouped under them */
    Unit pref[32];
    int npref = 0;
    DbStmt *s = db_q(db, "SELECT id, path FROM orgs WHERE kind = 'prefecture' ORDER BY code", "");
    while (s && db_step(s) == DB_ROW && npref < 32) {
        pref[npref].id = db_col_int(s, 0);
        snprintf(pref[npref].path, sizeof pref[npref].path, "%s", db_col_text(s, 1));
        npref++;
    }
    db_done(s);
    int64_t nschools = 0;
    if (db_int(db, &nschools,
               "SELECT count(*) FROM orgs WHERE kind = 'school' AND is_recipient = 1", "") < 0)
        return fail(db, err, errlen, "demo supervision: schools");
    Unit *sch = calloc((size_t)nschools + 1, sizeof *sch);
    if (!sch) return fail(db, err, errlen, "demo supervision: out of memory");
    int ns = 0;
    s = db_q(db,
             "SELECT id, path FROM orgs WHERE kind = 'school' AND is_recipient = 1 ORDER BY code",
             "");
    while (s && db_step(s) == DB_ROW && ns < nschools) {
        sch[ns].id = db_col_int(s, 0);
        snprintf(sch[ns].path, sizeof sch[ns].path, "%s", db_col_text(s, 1));
        ns++;
    }
    db_done(s);
    int nvisits = ns / 5 > 8 ? ns / 5 : 8, made = 0, orders = 0, rc = DB_OK;
    for (int v = 0; v < nvisits * 4 && made < nvisits && rc == DB_OK && npref; v++) {
        const Unit *pf = &pref[v % npref];
        /* a recipient school of that prefecture */
        int cand[64], nc = 0;
        for (int i = 0; i < ns && nc < 64; i++)
            if (!strncmp(sch[i].path, pf->path, strlen(pf->path)) && below(&rng, 3) == 0)
                cand[nc++] = i;
        if (!nc) continue;
        const Unit *u = &sch[cand[below(&rng, (uint32_t)nc)]];
        int64_t project = 0;
        if (below(&rng, 2)) {
            int got = db_int(db, &project,
                             "SELECT min(pr.project_id) FROM project_recipients pr JOIN projects p"
                             " ON p.id = pr.project_id WHERE pr.school_id = ? AND p.status "
                             "IN " PROJECT_RUNNING_SQL,
                             "i", u->id);
            if (got < 0) rc = DB_ERROR;
        }
        char on[11];
        int64_t vday = d - 10 - below(&rng, 290);
        day_text(vday, on);
        static const char *const ratings[] = {"excellent", "good", "good", "fair", "fair", "poor"};
        const char *by = strstr(pf->path, "/653100/")   ? "supervisor"
                         : strstr(pf->path, "/652900/") ? "aksu"
                                                        : "admin";
        int64_t sid = rc == DB_OK ? add_visit(db, u->id, project, on, findings_text[below(&rng, 4)],
                                              ratings[below(&rng, 6)], by, now)
                                  : 0;
        if (!sid) rc = DB_ERROR;
        int k = (int)below(&rng, 3);
        for (int j = 0; j < k && rc == DB_OK; j++) {
            char dl[11];
            int64_t dday = vday + 15 + below(&rng, 60);
            day_text(dday, dl);
            uint32_t x = below(&rng, 4);
            const char *st = dday < d ? (x < 2    ? "closed"
                                         : x == 2 ? "answered"
                                                  : "open")
                                      : (x < 3 ? "open" : "answered");
            rc = add_order(db, sid, u->id, demands_text[below(&rng, 4)], dl, st, by, "system", now);
            orders++;
        }
        made++;
    }
    free(sch);
    /* the fixed ones: 6531210001 with one order overdue and one answered; 6532210001 with
     * one open in time */
    int64_t shufu1 = 0, hotan1 = 0, proj = 0;
    if (rc == DB_OK &&
        (db_int(db, &shufu1, "SELECT id FROM orgs WHERE code = '6531210001'", "") < 0 ||
         db_int(db, &hotan1, "SELECT id FROM orgs WHERE code = '6532210001'", "") < 0))
        rc = DB_ERROR;
    if (rc == DB_OK && shufu1 &&
        db_int(db, &proj,
               "SELECT min(p.id) FROM projects p JOIN project_recipients pr ON pr.project_id = p.id"
               " WHERE pr.school_id = ? AND p.status = 'in_progress'",
               "i", shufu1) < 0)
        rc = DB_ERROR;
    if (rc == DB_OK && shufu1) {
        char on[11], d1[11], d2[11];
        day_text(d - 40, on);
        day_text(d - 10, d1);
        day_text(d - 20, d2);
        int64_t sid = add_visit(db, shufu1, proj, on,
                                "音体美课程已按帮扶计划开设，但美术课时仍不足，教研记录不完整。",
                                "fair", "supervisor", now);
        rc = sid ? DB_OK : DB_ERROR;
        if (rc == DB_OK)
            rc = add_order(db, sid, shufu1, "补足美术课时，调整课表并报县教育局备案。", d1, "open",
                           "supervisor", NULL, now);
        if (rc == DB_OK)
            rc = add_order(db, sid, shufu1, "建立每周集体教研记录制度。", d2, "answered",
                           "supervisor", "leader", now);
        orders += 2;
    }
    if (rc == DB_OK && hotan1) {
        char on[11], d1[11];
        day_text(d - 25, on);
        day_text(d + 20, d1);
        int64_t sid = add_visit(db, hotan1, 0, on, "家长课堂按月开展，入户指导记录需规范。", "good",
                                "admin", now);
        rc = sid ? DB_OK : DB_ERROR;
        if (rc == DB_OK)
            rc = add_order(db, sid, hotan1, "规范入户指导记录，统一使用记录表。", d1, "open",
                           "admin", NULL, now);
        orders++;
    }
    if (rc != DB_OK) return fail(db, err, errlen, "demo supervision");
    json_t *sum = json_pack("{s:i,s:i}", "visits", made + 2, "orders", orders);
    char key[32];
    snprintf(key, sizeof key, "%" PRIu64, seed);
    rc = audit_log(db, "system", "supervision.demo", "demo", key, "", NULL, sum);
    json_decref(sum);
    if (rc != DB_OK || db_commit(db) != DB_OK) return fail(db, err, errlen, "demo supervision");
    return 0;
}

/* ---- media coverage and brands ------------------------------------------------------- */

/* Days since 1970 of a YYYY-MM-DD text. */
static int64_t text_day(const char *s)
{
    int y = atoi(s), m = atoi(s + 5), dd = atoi(s + 8);
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

typedef struct DemoProject {
    int64_t id;
    char status[16], lead_kind[16], start[11], title[256];
    int covered_region, branded;
} DemoProject;

int brand_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    err[0] = 0;
    Rng rng = {seed ^ UINT64_C(0x4252414e44534d45)}; /* "BRANDSME" */
    int64_t d = today_days(), now = now_s();
    if (db_begin(db) != DB_OK) return fail(db, err, errlen, "demo media: begin");
    int64_t n = 0;
    if (db_int(db, &n, "SELECT count(*) FROM projects WHERE status IN " PROJECT_RUNNING_SQL, "") <
        0)
        return fail(db, err, errlen, "demo media: projects");
    DemoProject *ps = calloc((size_t)n + 1, sizeof *ps);
    if (!ps) return fail(db, err, errlen, "demo media: out of memory");
    int np = 0;
    DbStmt *s = db_q(db,
                     "SELECT p.id, p.status, lo.kind, p.start_date, p.title FROM projects p"
                     " JOIN orgs lo ON lo.id = p.lead_org_id WHERE p.status IN " PROJECT_RUNNING_SQL
                     " ORDER BY p.id",
                     "");
    while (s && db_step(s) == DB_ROW && np < n) {
        DemoProject *p = &ps[np++];
        p->id = db_col_int(s, 0);
        snprintf(p->status, sizeof p->status, "%s", db_col_text(s, 1));
        snprintf(p->lead_kind, sizeof p->lead_kind, "%s", db_col_text(s, 2));
        snprintf(p->start, sizeof p->start, "%s", db_col_text(s, 3));
        snprintf(p->title, sizeof p->title, "%s", db_col_text(s, 4));
    }
    db_done(s);
    static const struct {
        const char *level, *outlets[3];
    } media[] = {
        {"school", {"学校微信公众号", "学校网站", "学校微信公众号"}},
        {"county", {"县融媒体中心", "县教育局微信公众号", "县融媒体中心"}},
        {"prefecture", {"地区日报", "地区广播电视台", "地区教育局微信公众号"}},
        {"region", {"新疆日报", "天山网", "新疆广播电视台"}},
        {"national", {"中国教育报", "人民网", "新华网"}},
    };
    int rc = DB_OK, items = 0, covered = 0;
    /* about a fifth of the running projects, a little over half of those in region-level
     * or national media: shares kept by error diffusion */
    double acc = (double)below(&rng, 1000) / 1000.0, acc_region = 0.5;
    for (int i = 0; i < np && rc == DB_OK; i++) {
        DemoProject *p = &ps[i];
        if ((acc += 0.21) < 1.0) continue;
        acc -= 1.0;
        covered++;
        int region_first = (acc_region += 0.6) >= 1.0;
        if (region_first) acc_region -= 1.0;
        int k = 1 + (int)below(&rng, 3);
        int64_t first = text_day(p->start);
        if (first > d) first = d;
        for (int j = 0; j < k && rc == DB_OK; j++) {
            uint32_t x = below(&rng, 100);
            /* the first item reaches region-level media a little over half the time */
            int lv = j == 0 && region_first ? (x < 85 ? 3 : 4) : (int)below(&rng, 3);
            if (lv >= 3) p->covered_region = 1;
            char on[11];
            day_text(first + (int64_t)below(&rng, (uint32_t)(d - first + 1)), on);
            char url[128], title[400];
            snprintf(url, sizeof url, "https://www.example.com/%s/%.4s%.2s%.2s/%lld-%d.html",
                     media[lv].level, on, on + 5, on + 8, (long long)p->id, j + 1);
            snprintf(title, sizeof title, j ? "%s：帮扶成效初显" : "%s启动实施", p->title);
            rc = db_run(db,
                        "INSERT INTO media_coverage(project_id, outlet, level, published_on, url,"
                        " title, created_by, created_at) VALUES (?,?,?,?,?,?,'system',?)",
                        "isssssi", p->id, media[lv].outlets[below(&rng, 3)], media[lv].level, on,
                        url, title, now);
            items++;
        }
    }
    /* brands: 3–4 region-level (covered by region-level media first), 2–3 prefecture-level,
     * and school-level ones for about a tenth of the school-led projects */
    int want_region = 3 + (int)(seed & 1), want_pref = 2 + (int)below(&rng, 2);
    int nb[3] = {0};
    for (int pass = 0; pass < 2 && rc == DB_OK; pass++)
        for (int i = 0; i < np && rc == DB_OK && nb[0] < want_region; i++) {
            DemoProject *p = &ps[i];
            if (strcmp(p->status, "in_progress") && strcmp(p->status, "completed") &&
                strcmp(p->status, "accepted"))
                continue;
            if (pass == 0 && !p->covered_region) continue;
            if (p->branded) continue;
            rc = db_run(db,
                        "UPDATE projects SET brand_level = 'region', brand_by = 'system',"
                        " brand_at = ? WHERE id = ? AND brand_level IS NULL",
                        "ii", now, p->id);
            p->branded = 1;
            nb[0]++;
        }
    int want_school = np / 8 > 2 ? np / 8 : 2;
    for (int i = np - 1; i >= 0 && rc == DB_OK; i--) {
        DemoProject *p = &ps[i];
        if (p->branded || !strcmp(p->status, "suspended")) continue;
        const char *level = NULL;
        if (nb[1] < want_pref && below(&rng, 4) == 0)
            level = "prefecture", nb[1]++;
        else if (nb[2] < want_school && !strcmp(p->lead_kind, "school") && below(&rng, 2) == 0)
            level = "school", nb[2]++;
        if (!level) continue;
        rc = db_run(db,
                    "UPDATE projects SET brand_level = ?, brand_by = 'system', brand_at = ?"
                    " WHERE id = ? AND brand_level IS NULL",
                    "sii", level, now, p->id);
        p->branded = 1;
    }
    free(ps);
    if (rc != DB_OK) return fail(db, err, errlen, "demo media");
    json_t *sum =
        json_pack("{s:i,s:i,s:i,s:i,s:i}", "media", items, "covered", covered, "region_brands",
                  nb[0], "prefecture_brands", nb[1], "school_brands", nb[2]);
    char key[32];
    snprintf(key, sizeof key, "%" PRIu64, seed);
    rc = audit_log(db, "system", "brand.demo", "demo", key, "", NULL, sum);
    json_decref(sum);
    if (rc != DB_OK) return fail(db, err, errlen, "demo media: audit");
    /* every project figure, now that agreements, media and brands are in */
    if (project_feed_all(db, "system", err, errlen) != 0)
        return fail(db, err, errlen, "demo figures");
    if (db_commit(db) != DB_OK) return fail(db, err, errlen, "demo media: commit");
    return 0;
}
