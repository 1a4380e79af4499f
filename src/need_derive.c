/* need_derive.c — see need.h: the rules that turn a portrait gap into a proposed
 * need, the derivation itself (API and `huiju needs derive`) and the demo's needs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "indicator.h"
#include "need.h"
#include "org.h"
#include "report.h"
#include "ui/i18n.h"
#include "values.h"

/* The standard rules. Thresholds follow the plan's targets (data/plan-targets.csv).
 * quantity_from: "numerator" asks for the ratio's numerator (the vacant posts),
 * "shortfall" for what would bring the figure back to the threshold, "fixed"
 * for `quantity`. Descriptions are data, in Chinese like the catalogue. */
static const struct {
    const char *code, *indicator, *op;
    double threshold;
    const char *category, *subject;
    int priority;
    const char *unit, *quantity_from;
    double quantity;
    const char *description;
} standard_rules[] = {
    {"arts_teacher_gap_high", "arts_teacher_gap", "above", 15, "teachers", "音体美", 4, "teachers",
     "numerator", 1, "音体美专业教师缺口超过 15%：补足缺口岗位（支教或招聘）。"},
    {"family_guidance_low", "family_guidance_coverage", "below", 40, "parent_education", "", 3,
     "households", "shortfall", 1, "家庭教育指导覆盖率低于 40%：开展家庭教育指导，补足覆盖缺口。"},
    {"dropout_high", "dropout_rate", "above", 2, "other", "控辍保学", 5, "students", "numerator", 1,
     "辍学率超过 2%：控辍保学专项帮扶。"},
    {"teacher_qualification_low", "teacher_qualification_rate", "below", 80, "training", "", 4,
     "seats", "shortfall", 1, "教师学历达标率低于 80%：学历提升与专业培训。"},
    {"arts_science_low", "arts_science_participation", "below", 30, "curriculum", "艺术科技", 2,
     "packs", "fixed", 1, "学生参与艺术科技课外活动比例低于 30%：引入艺术科技课程资源包。"},
    {"parent_participation_low", "parent_participation_rate", "below", 35, "community", "", 2,
     "events", "fixed", 2, "家长参与率低于 35%：组织家校社区共育活动。"},
};

int need_rules_load_standard(Db *db, const char *actor, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int added = 0;
    for (size_t i = 0; i < sizeof standard_rules / sizeof standard_rules[0]; i++) {
        const __typeof__(standard_rules[0]) *sr = &standard_rules[i];
        Indicator ind;
        int f = indicator_load(db, a, sr->indicator, &ind);
        if (f < 0) goto fail;
        if (!f) continue; /* a catalogue without it: the rule has nothing to read */
        int64_t have = 0;
        if (db_int(db, &have, "SELECT count(*) FROM need_rules WHERE code = ?", "s", sr->code) < 0)
            goto fail;
        if (have) continue;
        if (db_run(db,
                   "INSERT INTO need_rules(code, indicator_id, op, threshold, category, subject,"
                   " priority, unit, description, quantity_from, quantity, active, created_at)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,1,?)",
                   "sisdssisssdi", sr->code, ind.id, sr->op, sr->threshold, sr->category,
                   sr->subject, (int64_t)sr->priority, sr->unit, sr->description, sr->quantity_from,
                   sr->quantity, now_s()) != DB_OK)
            goto fail;
        json_t *after =
            json_pack("{s:s,s:s,s:s,s:f,s:s,s:s,s:i,s:s,s:s,s:f}", "code", sr->code, "indicator",
                      sr->indicator, "op", sr->op, "threshold", sr->threshold, "category",
                      sr->category, "subject", sr->subject, "priority", sr->priority, "unit",
                      sr->unit, "quantity_from", sr->quantity_from, "quantity", sr->quantity);
        int rc = audit_log(db, actor, "need_rule.create", "need_rule", sr->code, "", NULL, after);
        json_decref(after);
        if (rc != DB_OK) goto fail;
        added++;
    }
    arena_free(a);
    return added;
fail:
    snprintf(err, errlen, "need rules: %s", db_errmsg(db));
    arena_free(a);
    return -1;
}

/* One active rule with its indicator (and the ratio's parts) loaded. */
typedef struct Rule {
    const char *code, *op, *category, *subject, *unit, *description, *quantity_from;
    double threshold, quantity;
    int priority;
    Indicator ind, num, den;
} Rule;

/* Loads the active rules into an arena array; count or -1. */
static int rules_load(Db *db, Arena *a, Rule **out)
{
    DbStmt *s = db_q(db,
                     "SELECT code, indicator_id, op, threshold, category, subject, priority, unit,"
                     " description, quantity_from, quantity FROM need_rules WHERE active = 1"
                     " ORDER BY code",
                     "");
    if (!s) return -1;
    int n = 0, cap = 8;
    Rule *rs = arena_alloc(a, sizeof *rs * (size_t)cap);
    int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)cap);
    while (db_step(s) == DB_ROW) {
        if (n == cap) {
            Rule *nr = arena_alloc(a, sizeof *nr * (size_t)cap * 2);
            int64_t *ni = arena_alloc(a, sizeof *ni * (size_t)cap * 2);
            memcpy(nr, rs, sizeof *rs * (size_t)n);
            memcpy(ni, ids, sizeof *ids * (size_t)n);
            rs = nr, ids = ni, cap *= 2;
        }
        Rule *r = &rs[n];
        memset(r, 0, sizeof *r);
        r->code = arena_strdup(a, db_col_text(s, 0));
        ids[n] = db_col_int(s, 1);
        r->op = arena_strdup(a, db_col_text(s, 2));
        r->threshold = db_col_double(s, 3);
        r->category = arena_strdup(a, db_col_text(s, 4));
        r->subject = arena_strdup(a, db_col_text(s, 5));
        r->priority = (int)db_col_int(s, 6);
        r->unit = arena_strdup(a, db_col_text(s, 7));
        r->description = arena_strdup(a, db_col_text(s, 8));
        r->quantity_from = arena_strdup(a, db_col_text(s, 9));
        r->quantity = db_col_double(s, 10);
        n++;
    }
    db_done(s);
    for (int i = 0; i < n; i++) {
        Rule *r = &rs[i];
        if (indicator_load_id(db, a, ids[i], &r->ind) != 1) return -1;
        if (r->ind.is_ratio && (indicator_load_id(db, a, r->ind.num_id, &r->num) != 1 ||
                                indicator_load_id(db, a, r->ind.den_id, &r->den) != 1))
            return -1;
    }
    *out = rs;
    return n;
}

/* How much the need asks for, by the rule's quantity_from; at least 1. */
static double rule_quantity(const Rule *r, const Figure *f)
{
    double q = r->quantity;
    if (!strcmp(r->quantity_from, "numerator")) {
        q = r->ind.is_ratio ? f->num : f->value;
    } else if (!strcmp(r->quantity_from, "shortfall")) {
        if (r->ind.is_ratio && r->ind.factor != 0) {
            double at = r->threshold / r->ind.factor * f->den;
            q = !strcmp(r->op, "above") ? f->num - at : at - f->num;
        } else {
            q = fabs(f->value - r->threshold);
        }
    }
    q = ceil(q - 1e-9);
    return q >= 1 ? q : 1;
}

/* The figure in words, for the need's description (data, in Chinese). */
static const char *describe(Arena *a, const Rule *r, const Figure *f, const char *period)
{
    const char *pct = !strcmp(r->ind.unit, "%") ? "%" : "";
    const char *parts = r->ind.is_ratio ? arena_printf(a, "（%s %.0f / %s %.0f）", r->num.name_zh,
                                                       f->num, r->den.name_zh, f->den)
                                        : "";
    if (strlen(period) == 4) period = arena_printf(a, "%s 年", period);
    return arena_printf(a, "%s %s为 %.1f%s%s，%s阈值 %.1f%s（规则 %s）。%s", r->ind.name_zh, period,
                        f->value, pct, parts, !strcmp(r->op, "above") ? "高于" : "低于",
                        r->threshold, pct, r->code, r->description);
}

typedef struct School {
    int64_t id;
    const char *code, *path;
} School;

int need_derive(Db *db, Arena *a, const char *actor, const char *scope_path, int year,
                NeedDeriveCounts *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    Rule *rules = NULL;
    int nrules = rules_load(db, a, &rules);
    if (nrules < 0) goto fail;
    c->rules = nrules;
    /* the schools first: no statement stays open across the writes below */
    DbStmt *s = db_q(db,
                     "SELECT id, code, path FROM orgs WHERE kind = 'school' AND is_recipient = 1"
                     " AND active = 1 AND substr(path, 1, length(CAST(? AS TEXT))) = ?"
                     " ORDER BY code",
                     "ss", scope_path, scope_path);
    if (!s) goto fail;
    int cap = 64, n = 0;
    School *sc = arena_alloc(a, sizeof *sc * (size_t)cap);
    while (db_step(s) == DB_ROW) {
        if (n == cap) {
            School *ns = arena_alloc(a, sizeof *ns * (size_t)cap * 2);
            memcpy(ns, sc, sizeof *sc * (size_t)n);
            sc = ns, cap *= 2;
        }
        sc[n].id = db_col_int(s, 0);
        sc[n].code = arena_strdup(a, db_col_text(s, 1));
        sc[n].path = arena_strdup(a, db_col_text(s, 2));
        n++;
    }
    db_done(s);
    c->schools = n;
    char ytext[12];
    snprintf(ytext, sizeof ytext, "%d", year);
    Period p;
    if (!period_parse(ytext, &p)) {
        snprintf(err, errlen, "year %d is not valid", year);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < nrules; k++) {
            const Rule *r = &rules[k];
            Figure f;
            if (figure_read(db, a, &r->ind, r->ind.is_ratio ? &r->num : NULL,
                            r->ind.is_ratio ? &r->den : NULL, sc[i].id, &p, &f))
                goto fail;
            if (!f.has) {
                c->no_data++;
                continue;
            }
            int crossed = !strcmp(r->op, "above") ? f.value > r->threshold : f.value < r->threshold;
            if (!crossed) {
                c->not_crossed++;
                continue;
            }
            int64_t have = 0;
            if (db_int(db, &have,
                       "SELECT count(*) FROM needs WHERE school_id = ? AND year = ?"
                       " AND rule_code = ?",
                       "iis", sc[i].id, (int64_t)year, r->code) < 0)
                goto fail;
            if (have) {
                c->existing++;
                continue;
            }
            const char *period = f.period[0] ? arena_strdup(a, f.period) : ytext;
            Need nd = {.school_id = sc[i].id,
                       .school_code = sc[i].code,
                       .school_path = sc[i].path,
                       .year = year,
                       .category = r->category,
                       .subject = r->subject,
                       .unit = r->unit,
                       .priority = r->priority,
                       .quantity = rule_quantity(r, &f),
                       .description = describe(a, r, &f, period),
                       .evidence = "",
                       .status = "proposed",
                       .source = "derived",
                       .rule_code = r->code,
                       .has_trigger = 1,
                       .trigger_value = f.value,
                       .trigger_period = period,
                       .created_by = actor};
            int64_t now = now_s();
            DbStmt *ins =
                db_q(db,
                     "INSERT INTO needs(school_id, year, category, subject, quantity,"
                     " unit, priority, description, status, source, rule_code,"
                     " trigger_value, trigger_period, created_by, created_at,"
                     " updated_at) VALUES (?,?,?,?,?,?,?,?,'proposed','derived',?,?,?,"
                     "?,?,?) RETURNING id",
                     "iissdsissdssii", nd.school_id, (int64_t)year, nd.category, nd.subject,
                     nd.quantity, nd.unit, (int64_t)nd.priority, nd.description, nd.rule_code,
                     nd.trigger_value, nd.trigger_period, actor, now, now);
            int rc = ins ? db_step(ins) : DB_ERROR;
            if (rc == DB_ROW) nd.id = db_col_int(ins, 0);
            db_done(ins);
            if (!nd.id) goto fail;
            json_t *after = need_json(&nd);
            json_object_del(after, "next");
            json_object_del(after, "created_at");
            json_object_del(after, "updated_at");
            json_object_del(after, "school_name");
            rc = audit_log(db, actor, "need.derive", "need",
                           arena_printf(a, "%lld", (long long)nd.id), nd.school_path, NULL, after);
            json_decref(after);
            if (rc != DB_OK) goto fail;
            c->proposed++;
        }
    }
    return 0;
fail:
    snprintf(err, errlen, "deriving needs: %s", db_errmsg(db));
    return -1;
}

static json_t *counts_json(const char *org, int year, const NeedDeriveCounts *c)
{
    return json_pack("{s:s,s:i,s:I,s:I,s:I,s:I,s:I,s:I}", "org", org, "year", year, "schools",
                     (json_int_t)c->schools, "rules", (json_int_t)c->rules, "proposed",
                     (json_int_t)c->proposed, "existing", (json_int_t)c->existing, "no_data",
                     (json_int_t)c->no_data, "not_crossed", (json_int_t)c->not_crossed);
}

void need_api_derive(Req *r)
{
    const char *code = req_query(r, "org"), *ys = req_query(r, "year");
    int64_t year = need_this_year();
    if (!code || !valid_code(code) || (ys && *ys && !parse_int(ys, 2020, 2100, &year))) {
        req_error(r, 400, "bad_param",
                  T(r, "org (an organisation code) is required; year must be a year from 2020 "
                       "to 2100."));
        return;
    }
    Org o;
    int f = org_load(r->db, r->arena, code, &o);
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, o.path)) {
        req_not_found(r);
        return;
    }
    if (!can(r, CAP_NEED_WRITE, o.path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    char err[256] = "";
    NeedDeriveCounts c;
    if (db_begin(r->db) != DB_OK) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (need_derive(r->db, r->arena, r->auth.login, o.path, (int)year, &c, err, sizeof err) ||
        db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        /* a concurrent derivation of the same needs loses on the unique index */
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_send_json(r, 200, counts_json(o.code, (int)year, &c));
}

int need_cli_derive(Db *db, const char *org, const char *ys)
{
    int64_t year = need_this_year();
    if (!org || !valid_code(org)) {
        fprintf(stderr, "huiju: needs derive wants --org CODE\n");
        return 2;
    }
    if (ys && !parse_int(ys, 2020, 2100, &year)) {
        fprintf(stderr, "huiju: needs derive: --year wants a year from 2020 to 2100: %s\n", ys);
        return 2;
    }
    Arena *a = arena_new();
    Org o;
    int f = org_load(db, a, org, &o);
    if (f != 1) {
        fprintf(stderr, "huiju: needs derive: %s: %s\n", org,
                f < 0 ? db_errmsg(db) : "no such organisation");
        arena_free(a);
        return 1;
    }
    char err[256] = "";
    NeedDeriveCounts c;
    if (db_begin(db) != DB_OK ||
        need_derive(db, a, "cli", o.path, (int)year, &c, err, sizeof err) ||
        db_commit(db) != DB_OK) {
        db_rollback(db);
        fprintf(stderr, "huiju: needs derive: %s; nothing was written\n",
                err[0] ? err : db_errmsg(db));
        arena_free(a);
        return 1;
    }
    json_t *j = counts_json(o.code, (int)year, &c);
    char *s = json_dumps(j, JSON_COMPACT);
    printf("%s\n", s);
    free(s);
    json_decref(j);
    arena_free(a);
    return 0;
}

/* ---- the demo ---------------------------------------------------------------------- */

static const struct {
    const char *school, *category, *subject;
    double quantity;
    const char *unit;
    int priority;
    const char *wanted_by; /* month-day, in the demo year */
    const char *description, *evidence, *status;
} demo_needs[] = {
    {"6531210001", "teachers", "音乐", 2, "teachers", 4, "09-01",
     "音乐专任教师两名，承担一至六年级音乐课和合唱队。", "2025 学年课表：音乐课由语文教师兼任。",
     "open"},
    {"6531210001", "training", "信息技术", 20, "seats", 3, "07-15",
     "教师信息技术应用能力提升培训（智慧课堂、国家中小学智慧教育平台）。", "", "open"},
    {"6531210001", "equipment", "科学", 1, "sets", 3, "10-01",
     "小学科学实验室器材一套（分组实验用）。", "实验室现有器材清单，缺口 40%。", "open"},
    {"6531210001", "parent_education", "", 6, "events", 2, "12-31",
     "家长学校专题讲座六场：习惯养成、亲子阅读、安全教育。", "", "closed"},
    {"6532210001", "teachers", "体育", 2, "teachers", 5, "09-01",
     "体育教师两名，开足体育课并组建校队。", "体育课开课率 70%。", "open"},
    {"6532210001", "curriculum", "国家通用语言文字", 1, "packs", 4, "09-01",
     "国家通用语言文字教学课程资源包（一至三年级）。", "", "open"},
    {"6532210001", "funds", "", 50000, "yuan", 3, "06-30", "图书室改造经费（书架、阅读角）。",
     "改造方案及预算。", "open"},
    {"6532210001", "community", "", 4, "events", 2, "11-30", "社区共育活动四场（周末文体活动）。",
     "", "open"},
};

int need_demo_load(Db *db, int year, char *err, size_t errlen)
{
    Arena *a = arena_new();
    NeedDeriveCounts c;
    Org root;
    int rc = db_begin(db);
    if (rc != DB_OK || need_rules_load_standard(db, "system", err, errlen) < 0) goto fail;
    if (org_load(db, a, "650000", &root) == 1 &&
        need_derive(db, a, "system", root.path, year, &c, err, errlen))
        goto fail;
    for (size_t i = 0; i < sizeof demo_needs / sizeof demo_needs[0]; i++) {
        Org o;
        int f = org_load(db, a, demo_needs[i].school, &o);
        if (f < 0) goto fail;
        if (!f) continue; /* a smaller demo without this school */
        Need n = {.school_id = o.id,
                  .school_code = o.code,
                  .school_path = o.path,
                  .year = year,
                  .category = demo_needs[i].category,
                  .subject = demo_needs[i].subject,
                  .quantity = demo_needs[i].quantity,
                  .unit = demo_needs[i].unit,
                  .priority = demo_needs[i].priority,
                  .wanted_by = arena_printf(a, "%04d-%s", year, demo_needs[i].wanted_by),
                  .description = demo_needs[i].description,
                  .evidence = demo_needs[i].evidence,
                  .status = demo_needs[i].status,
                  .source = "filed",
                  .created_by = "liaison"};
        int64_t now = now_s();
        DbStmt *s = db_q(db,
                         "INSERT INTO needs(school_id, year, category, subject, quantity, unit,"
                         " priority, wanted_by, description, evidence, status, source,"
                         " created_by, created_at, updated_at)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,'filed',?,?,?) RETURNING id",
                         "iissdsisssssii", n.school_id, (int64_t)n.year, n.category, n.subject,
                         n.quantity, n.unit, (int64_t)n.priority, n.wanted_by, n.description,
                         n.evidence, n.status, n.created_by, now, now);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) n.id = db_col_int(s, 0);
        db_done(s);
        if (!n.id) goto fail;
        json_t *after = need_json(&n);
        json_object_del(after, "next");
        json_object_del(after, "created_at");
        json_object_del(after, "updated_at");
        json_object_del(after, "school_name");
        rc = audit_log(db, "system", "need.create", "need",
                       arena_printf(a, "%lld", (long long)n.id), n.school_path, NULL, after);
        json_decref(after);
        if (rc != DB_OK) goto fail;
    }
    if (db_commit(db) != DB_OK) goto fail;
    arena_free(a);
    return 0;
fail:
    db_rollback(db);
    if (!err[0]) snprintf(err, errlen, "demo needs: %s", db_errmsg(db));
    arena_free(a);
    return 1;
}
