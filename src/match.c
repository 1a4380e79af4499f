/* match.c — match runs, proposals and their decisions, the API, the CLI verb;
 * the page is in match_page.c. See match.h. */
#include "match.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "audit.h"
#include "core/match.h"
#include "core/util.h"
#include "resource.h"
#include "ui/i18n.h"

/* ---- growing arrays (malloc'd, freed by the loader's caller) --------------- */

#define GROW(arr, n, cap)                                                                        \
    do {                                                                                         \
        if ((n) == (cap)) {                                                                      \
            size_t nc_ = (cap) ? 2 * (size_t)(cap) : 64;                                         \
            void *p_ = realloc((arr), nc_ * sizeof *(arr));                                      \
            if (!p_) goto oom;                                                                   \
            (arr) = p_;                                                                          \
            (cap) = (int)nc_;                                                                    \
        }                                                                                        \
    } while (0)

/* What a run sees: the solver's input and, beside it, what the store knows. */
typedef struct Inputs {
    MatchNeed *needs;
    int nn, capn;
    const char **need_school; /* school code per need */
    double *need_left;        /* quantity - met_quantity, as stored */
    MatchResource *res;
    int nr, capr;
    const char **res_provider;
    double *res_left;
    int64_t *reach;
    int nreach, capreach;
    MatchSupply *sup;
    int ns, caps;
} Inputs;

static void inputs_free(Inputs *in)
{
    free(in->needs);
    free(in->need_school);
    free(in->need_left);
    free(in->res);
    free(in->res_provider);
    free(in->res_left);
    free(in->reach);
    free(in->sup);
    memset(in, 0, sizeof *in);
}

/* Whole units of an amount: rounded down (a little slack for 2.9999…). */
static int64_t whole(double x) { return x > 0 ? (int64_t)floor(x + 1e-9) : 0; }

/* Today in China time (UTC+8), as days since 1970-01-01. */
static int32_t today_cn(void) { return (int32_t)((now_s() + 8 * 3600) / 86400); }

/* Loads needs, resources, reach and supplies for scope and year. 0 or -1. */
static int inputs_load(Db *db, Arena *a, const Org *scope, int year, Inputs *in)
{
    memset(in, 0, sizeof *in);
    const char *like = arena_printf(a, "%s%%", scope->path);
    int capsch = 0, capleft = 0;
    int64_t *rid = NULL; /* resource id of each reach row */
    DbStmt *s = db_q(db,
                     "SELECT n.id, n.school_id, o.code, n.category, n.subject,"
                     " n.quantity - n.met_quantity, n.priority, n.wanted_by,"
                     " a1.id, a1.kind, a2.id, a2.kind, a3.id, a3.kind"
                     " FROM needs n JOIN orgs o ON o.id = n.school_id"
                     " LEFT JOIN orgs a1 ON a1.id = o.parent_id"
                     " LEFT JOIN orgs a2 ON a2.id = a1.parent_id"
                     " LEFT JOIN orgs a3 ON a3.id = a2.parent_id"
                     " WHERE n.year = ? AND n.status IN ('open','matched') AND o.is_recipient = 1"
                     " AND o.active = 1 AND o.path LIKE ? AND n.quantity - n.met_quantity >= 1"
                     " ORDER BY n.id",
                     "is", (int64_t)year, like);
    if (!s) return -1;
    while (db_step(s) == DB_ROW) {
        GROW(in->needs, in->nn, in->capn);
        if (in->nn >= capsch) {
            capsch = in->capn;
            const char **ns = realloc(in->need_school, (size_t)capsch * sizeof *ns);
            if (!ns) goto oom;
            in->need_school = ns;
        }
        if (in->nn >= capleft) {
            capleft = in->capn;
            double *nl = realloc(in->need_left, (size_t)capleft * sizeof *nl);
            if (!nl) goto oom;
            in->need_left = nl;
        }
        MatchNeed *n = &in->needs[in->nn];
        memset(n, 0, sizeof *n);
        n->id = db_col_int(s, 0);
        n->school_id = db_col_int(s, 1);
        in->need_school[in->nn] = arena_strdup(a, db_col_text(s, 2));
        n->category = arena_strdup(a, db_col_text(s, 3));
        n->subject = arena_strdup(a, db_col_text(s, 4));
        in->need_left[in->nn] = db_col_double(s, 5);
        n->quantity = whole(db_col_double(s, 5));
        n->priority = (int)db_col_int(s, 6);
        n->wanted_by = match_day(db_col_text(s, 7));
        for (int k = 0; k < 3; k++) {
            if (db_col_is_null(s, 8 + 2 * k)) continue;
            int64_t id = db_col_int(s, 8 + 2 * k);
            const char *kind = db_col_text(s, 9 + 2 * k);
            if (!kind) continue;
            if (!strcmp(kind, "county") && !n->county_id) n->county_id = id;
            else if (!strcmp(kind, "prefecture") && !n->prefecture_id) n->prefecture_id = id;
            else if (!strcmp(kind, "region") && !n->region_id) n->region_id = id;
        }
        in->nn++;
    }
    db_done(s);
    s = NULL;

    int capprov = 0, caprl = 0;
    s = db_q(db,
             "SELECT r.id, r.provider_id, p.code, r.category, r.subject, r.remaining,"
             " r.available_from, r.available_to FROM resources r JOIN orgs p ON p.id = r.provider_id"
             " WHERE r.active = 1 AND r.remaining >= 1 AND EXISTS (SELECT 1 FROM resource_reach rr"
             " JOIN orgs ro ON ro.id = rr.org_id WHERE rr.resource_id = r.id"
             " AND (CAST(? AS TEXT) LIKE ro.path || '%' OR ro.path LIKE ?)) ORDER BY r.id",
             "ss", scope->path, like);
    if (!s) goto fail;
    while (db_step(s) == DB_ROW) {
        GROW(in->res, in->nr, in->capr);
        if (in->nr >= capprov) {
            capprov = in->capr;
            const char **np = realloc(in->res_provider, (size_t)capprov * sizeof *np);
            if (!np) goto oom;
            in->res_provider = np;
        }
        if (in->nr >= caprl) {
            caprl = in->capr;
            double *nl = realloc(in->res_left, (size_t)caprl * sizeof *nl);
            if (!nl) goto oom;
            in->res_left = nl;
        }
        MatchResource *x = &in->res[in->nr];
        memset(x, 0, sizeof *x);
        x->id = db_col_int(s, 0);
        x->provider_id = db_col_int(s, 1);
        in->res_provider[in->nr] = arena_strdup(a, db_col_text(s, 2));
        x->category = arena_strdup(a, db_col_text(s, 3));
        x->subject = arena_strdup(a, db_col_text(s, 4));
        in->res_left[in->nr] = db_col_double(s, 5);
        x->capacity = whole(db_col_double(s, 5));
        x->from = match_day(db_col_text(s, 6));
        x->to = match_day(db_col_text(s, 7));
        in->nr++;
    }
    db_done(s);
    s = NULL;

    /* reach rows that matter here (ancestors of the scope or units inside it), by resource */
    int caprid = 0;
    s = db_q(db,
             "SELECT rr.resource_id, rr.org_id FROM resource_reach rr"
             " JOIN resources r ON r.id = rr.resource_id JOIN orgs ro ON ro.id = rr.org_id"
             " WHERE r.active = 1 AND r.remaining >= 1"
             " AND (CAST(? AS TEXT) LIKE ro.path || '%' OR ro.path LIKE ?)"
             " ORDER BY rr.resource_id, rr.org_id",
             "ss", scope->path, like);
    if (!s) goto fail;
    while (db_step(s) == DB_ROW) {
        GROW(in->reach, in->nreach, in->capreach);
        if (in->nreach >= caprid) {
            caprid = in->capreach;
            int64_t *nr = realloc(rid, (size_t)caprid * sizeof *nr);
            if (!nr) goto oom;
            rid = nr;
        }
        rid[in->nreach] = db_col_int(s, 0);
        in->reach[in->nreach++] = db_col_int(s, 1);
    }
    db_done(s);
    s = NULL;
    /* both lists are ordered by resource id: walk them together */
    for (int j = 0, k = 0; j < in->nr; j++) {
        while (k < in->nreach && rid[k] < in->res[j].id) k++;
        in->res[j].reach = in->reach + k;
        while (k < in->nreach && rid[k] == in->res[j].id) {
            k++;
            in->res[j].nreach++;
        }
    }
    free(rid);
    rid = NULL;

    s = db_q(db,
             "SELECT DISTINCT s.school_id, s.provider_id FROM supplies s JOIN orgs o ON o.id ="
             " s.school_id WHERE o.path LIKE ?",
             "s", like);
    if (!s) goto fail;
    while (db_step(s) == DB_ROW) {
        GROW(in->sup, in->ns, in->caps);
        in->sup[in->ns++] = (MatchSupply){db_col_int(s, 0), db_col_int(s, 1)};
    }
    db_done(s);
    return 0;
oom:
fail:
    db_done(s);
    free(rid);
    inputs_free(in);
    return -1;
}

static const char *level_name(char level)
{
    return level == MATCH_REACH_COUNTY       ? "county"
           : level == MATCH_REACH_PREFECTURE ? "prefecture"
                                             : "region";
}

/* The reasons of a pair: the score's parts in points (hundredths / 100). */
static json_t *reasons_json(const MatchPair *p)
{
    return json_pack("{s:f,s:f,s:f,s:s,s:f,s:f}", "priority", p->parts.priority / 100.0,
                     "continuity", p->parts.continuity / 100.0, "reach", p->parts.reach / 100.0,
                     "reach_level", level_name(p->parts.level), "date", p->parts.date / 100.0,
                     "score", p->weight / 100.0);
}

static json_t *params_json(const MatchParams *p)
{
    char day[16];
    int64_t t = (int64_t)p->today * 86400;
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    return json_pack("{s:s,s:f,s:f,s:f,s:f,s:f,s:i,s:s,s:s}", "today", day, "continuity",
                     p->continuity / 100.0, "reach_county", p->reach_county / 100.0,
                     "reach_prefecture", p->reach_prefecture / 100.0, "reach_region",
                     p->reach_region / 100.0, "date_max", p->date_max / 100.0, "date_horizon_days",
                     p->date_horizon, "units", "whole units: fractional amounts rounded down",
                     "solver", "min-cost flow (successive shortest paths), greedy baseline");
}

static json_t *inputs_json(const Inputs *in)
{
    json_t *needs = json_array(), *res = json_array();
    for (int i = 0; i < in->nn; i++) {
        const MatchNeed *n = &in->needs[i];
        json_array_append_new(needs,
                              json_pack("{s:I,s:s,s:s,s:s,s:f,s:I,s:i,s:i}", "id", (json_int_t)n->id,
                                        "school", in->need_school[i], "category", n->category,
                                        "subject", n->subject ? n->subject : "", "left",
                                        in->need_left[i], "units", (json_int_t)n->quantity,
                                        "priority", n->priority, "wanted_by_day", (int)n->wanted_by));
    }
    for (int j = 0; j < in->nr; j++) {
        const MatchResource *x = &in->res[j];
        json_t *reach = json_array();
        for (int k = 0; k < x->nreach; k++) json_array_append_new(reach, json_integer(x->reach[k]));
        json_array_append_new(
            res, json_pack("{s:I,s:s,s:s,s:s,s:f,s:I,s:i,s:i,s:o}", "id", (json_int_t)x->id,
                           "provider", in->res_provider[j], "category", x->category, "subject",
                           x->subject ? x->subject : "", "left", in->res_left[j], "units",
                           (json_int_t)x->capacity, "from_day", (int)x->from, "to_day",
                           (int)x->to, "reach_org_ids", reach));
    }
    return json_pack("{s:o,s:o,s:i}", "needs", needs, "resources", res, "continuity_pairs", in->ns);
}

int match_run_create(Db *db, const char *actor, const Org *scope, int year, int32_t today,
                     int64_t *run_id, char *err, size_t errlen)
{
    Arena *a = arena_new();
    Inputs in;
    MatchResult exact = {0}, greedy = {0};
    int rc = -1;
    *run_id = 0;
    if (!today) today = today_cn();
    MatchParams p = match_params_default(today);
    if (inputs_load(db, a, scope, year, &in)) {
        snprintf(err, errlen, "loading the inputs: %s", db_errmsg(db));
        arena_free(a);
        return -1;
    }
    MatchInput mi = {in.needs, in.nn, in.res, in.nr, in.sup, in.ns};
    if (match_solve(&mi, &p, &exact) || match_greedy(&mi, &p, &greedy)) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    json_t *params = params_json(&p), *inputs = inputs_json(&in);
    char *ptext = json_dumps(params, JSON_COMPACT), *itext = json_dumps(inputs, JSON_COMPACT);
    json_decref(params);
    json_decref(inputs);
    int64_t now = now_s(), id = 0;
    if (db_begin(db) != DB_OK) {
        free(ptext);
        free(itext);
        snprintf(err, errlen, "%s", db_errmsg(db));
        goto out;
    }
    DbStmt *s = db_q(db,
                     "INSERT INTO match_runs(scope_org_id, year, params, inputs, objective,"
                     " greedy_objective, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)"
                     " RETURNING id",
                     "iissddsi", scope->id, (int64_t)year, ptext, itext, exact.objective / 100.0,
                     greedy.objective / 100.0, actor, now);
    free(ptext);
    free(itext);
    if (s && db_step(s) == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    int ok = id != 0;
    for (int k = 0; ok && k < exact.npairs; k++) {
        const MatchPair *x = &exact.pairs[k];
        json_t *why = reasons_json(x);
        char *wt = json_dumps(why, JSON_COMPACT);
        json_decref(why);
        ok = db_run(db,
                    "INSERT INTO match_proposals(run_id, need_id, resource_id, quantity, score,"
                    " reasons, status) VALUES (?,?,?,?,?,?,'proposed')",
                    "iiidds", id, in.needs[x->need].id, in.res[x->resource].id,
                    (double)x->quantity, x->weight / 100.0, wt) == DB_OK;
        free(wt);
    }
    if (ok) {
        json_t *after = json_pack("{s:I,s:s,s:i,s:i,s:i,s:i,s:f,s:f}", "id", (json_int_t)id,
                                  "scope", scope->code, "year", year, "needs", in.nn, "resources",
                                  in.nr, "proposals", exact.npairs, "objective",
                                  exact.objective / 100.0, "greedy_objective",
                                  greedy.objective / 100.0);
        ok = audit_log(db, actor, "match.run", "match_run", arena_printf(a, "%lld", (long long)id),
                       scope->path, NULL, after) == DB_OK;
        json_decref(after);
    }
    if (!ok || db_commit(db) != DB_OK) {
        snprintf(err, errlen, "%s", db_errmsg(db));
        db_rollback(db);
        goto out;
    }
    *run_id = id;
    rc = 0;
out:
    match_result_free(&exact);
    match_result_free(&greedy);
    inputs_free(&in);
    arena_free(a);
    return rc;
}

/* ---- deciding a proposal ----------------------------------------------------- */

typedef struct Prop {
    int64_t id, need_id, resource_id, school_id;
    double quantity;
    const char *status, *school_path, *category, *subject;
} Prop;

/* 1 found, 0 not, -1 error. */
static int prop_load(Db *db, Arena *a, int64_t run_id, int64_t pid, Prop *p)
{
    DbStmt *s = db_q(db,
                     "SELECT mp.id, mp.need_id, mp.resource_id, mp.quantity, mp.status, n.school_id,"
                     " o.path, n.category, n.subject FROM match_proposals mp"
                     " JOIN needs n ON n.id = mp.need_id JOIN orgs o ON o.id = n.school_id"
                     " WHERE mp.id = ? AND mp.run_id = ?",
                     "ii", pid, run_id);
    if (!s) return -1;
    int rc = db_step(s), found = 0;
    if (rc == DB_ROW) {
        p->id = db_col_int(s, 0);
        p->need_id = db_col_int(s, 1);
        p->resource_id = db_col_int(s, 2);
        p->quantity = db_col_double(s, 3);
        p->status = arena_strdup(a, db_col_text(s, 4));
        p->school_id = db_col_int(s, 5);
        p->school_path = arena_strdup(a, db_col_text(s, 6));
        p->category = arena_strdup(a, db_col_text(s, 7));
        p->subject = arena_strdup(a, db_col_text(s, 8));
        found = 1;
    } else if (rc != DB_DONE) {
        found = -1;
    }
    db_done(s);
    return found;
}

/* One attempt of the decision's transaction. */
static MatchStatus decide_once(Db *db, Arena *a, const char *actor, int64_t run_id, int64_t pid,
                               const char *action, int64_t resource, double quantity,
                               const char **why)
{
    Prop p;
    int f = prop_load(db, a, run_id, pid, &p);
    if (f < 0) {
        *why = db_errmsg(db);
        return MATCH_ERROR;
    }
    if (!f) return MATCH_NOT_FOUND;
    int reject = !strcmp(action, "reject"), override = !strcmp(action, "override");
    int64_t rid = p.resource_id;
    double qty = p.quantity;
    if (override) {
        Resource res;
        int rf = resource_load(db, a, resource, &res);
        if (rf < 0) {
            *why = db_errmsg(db);
            return MATCH_ERROR;
        }
        if (!rf || !res.active) {
            *why = "resource: no such active resource";
            return MATCH_INVALID;
        }
        if (strcmp(res.category, p.category) != 0) {
            *why = "resource: it serves another category than the need";
            return MATCH_INVALID;
        }
        if (*res.subject && *p.subject && strcmp(res.subject, p.subject) != 0) {
            *why = "resource: it is for another subject than the need";
            return MATCH_INVALID;
        }
        int reach = resource_reaches(db, resource, p.school_path);
        if (reach < 0) {
            *why = db_errmsg(db);
            return MATCH_ERROR;
        }
        if (!reach) {
            *why = "resource: it does not reach the need's school";
            return MATCH_INVALID;
        }
        rid = resource;
        qty = quantity;
    }
    if (strcmp(p.status, "proposed") != 0) {
        *why = "This proposal has already been decided.";
        return MATCH_CONFLICT;
    }
    if (db_begin(db) != DB_OK) {
        *why = db_errmsg(db);
        return MATCH_ERROR;
    }
    const char *status = reject ? "rejected" : override ? "overridden" : "accepted";
    int64_t now = now_s();
    DbStmt *s = db_q(db,
                     "UPDATE match_proposals SET status = ?, decided_by = ?, decided_at = ?,"
                     " override_resource_id = ?, override_quantity = ?"
                     " WHERE id = ? AND status = 'proposed' RETURNING id",
                     "ssiidi", status, actor, now, override ? rid : (int64_t)0,
                     override ? qty : 0.0, pid);
    if (s && !override) {
        db_bind_null(s, 4);
        db_bind_null(s, 5);
    }
    int rc = s ? db_step(s) : DB_ERROR;
    db_done(s);
    if (rc == DB_DONE) {
        db_rollback(db);
        *why = "This proposal has already been decided.";
        return MATCH_CONFLICT;
    }
    if (rc != DB_ROW) goto dberr;
    json_t *after = json_pack("{s:s,s:I,s:I,s:f}", "status", status, "need", (json_int_t)p.need_id,
                              "resource", (json_int_t)rid, "quantity", qty);
    if (!reject) {
        int c = resource_consume(db, rid, qty);
        if (c < 0) {
            json_decref(after);
            goto dberr;
        }
        if (c == 0) {
            json_decref(after);
            db_rollback(db);
            *why = "Not enough capacity is left on this resource.";
            return MATCH_CONFLICT;
        }
        s = db_q(db,
                 "UPDATE needs SET met_quantity = met_quantity + ?, status = CASE WHEN status ="
                 " 'open' THEN 'matched' ELSE status END, updated_at = ?"
                 " WHERE id = ? AND status IN ('open','matched') AND met_quantity + ? <= quantity"
                 " + 0.000001 RETURNING met_quantity, status",
                 "diid", qty, now, p.need_id, qty);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) {
            json_object_set_new(after, "need_met_quantity", json_real(db_col_double(s, 0)));
            json_object_set_new(after, "need_status", json_string(db_col_text(s, 1)));
        }
        db_done(s);
        if (rc == DB_DONE) {
            json_decref(after);
            db_rollback(db);
            *why = "The need is no longer open, or less of it is left than this quantity.";
            return MATCH_CONFLICT;
        }
        if (rc != DB_ROW) {
            json_decref(after);
            goto dberr;
        }
        if (db_run(db,
                   "INSERT INTO supplies(need_id, resource_id, school_id, provider_id, quantity,"
                   " proposal_id, created_by, created_at) SELECT ?, r.id, ?, r.provider_id, ?, ?,"
                   " ?, ? FROM resources r WHERE r.id = ?",
                   "iidisii", p.need_id, p.school_id, qty, pid, actor, now, rid) != DB_OK) {
            json_decref(after);
            goto dberr;
        }
    }
    json_t *before = json_pack("{s:s,s:I,s:f}", "status", "proposed", "resource",
                               (json_int_t)p.resource_id, "quantity", p.quantity);
    rc = audit_log(db, actor, arena_printf(a, "match.%s", action), "match_proposal",
                   arena_printf(a, "%lld", (long long)pid), p.school_path, before, after);
    json_decref(before);
    json_decref(after);
    if (rc != DB_OK || db_commit(db) != DB_OK) goto dberr;
    return MATCH_OK;
dberr:
    *why = arena_strdup(a, db_errmsg(db));
    db_rollback(db);
    return MATCH_ERROR;
}

MatchStatus match_decide(Db *db, const char *actor, int64_t run_id, int64_t pid,
                         const char *action, int64_t resource, double quantity, const char **why)
{
    static __thread char msg[256];
    msg[0] = 0;
    *why = NULL;
    if (strcmp(action, "accept") && strcmp(action, "reject") && strcmp(action, "override")) {
        *why = "action: accept, reject or override";
        return MATCH_INVALID;
    }
    if (!strcmp(action, "override") && (!(quantity > 0) || !isfinite(quantity) || quantity > 1e12)) {
        *why = "quantity: a number above zero";
        return MATCH_INVALID;
    }
    MatchStatus st = MATCH_ERROR;
    for (int attempt = 0; attempt < 3; attempt++) {
        Arena *a = arena_new();
        st = decide_once(db, a, actor, run_id, pid, action, resource, quantity, why);
        if (st == MATCH_ERROR && *why) {
            snprintf(msg, sizeof msg, "%s", *why);
            *why = msg;
        }
        arena_free(a);
        /* a deadlock or serialisation failure on PostgreSQL: try once more */
        if (st != MATCH_ERROR || (!strstr(msg, "deadlock") && !strstr(msg, "serializ"))) break;
    }
    return st;
}

/* ---- reading runs ------------------------------------------------------------ */

typedef struct RunHead {
    int64_t id, scope_id;
    const char *scope_code, *scope_path, *scope_name;
    int year;
} RunHead;

/* 1 found, 0 not, -1 error. */
static int run_head(Db *db, Arena *a, int64_t id, RunHead *h)
{
    DbStmt *s = db_q(db,
                     "SELECT r.id, o.id, o.code, o.path, o.name_zh, r.year FROM match_runs r"
                     " JOIN orgs o ON o.id = r.scope_org_id WHERE r.id = ?",
                     "i", id);
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        h->id = db_col_int(s, 0);
        h->scope_id = db_col_int(s, 1);
        h->scope_code = arena_strdup(a, db_col_text(s, 2));
        h->scope_path = arena_strdup(a, db_col_text(s, 3));
        h->scope_name = arena_strdup(a, db_col_text(s, 4));
        h->year = (int)db_col_int(s, 5);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    return f;
}

#define RUN_COLS                                                                                  \
    "r.id, o.code, o.name_zh, r.year, r.objective, r.greedy_objective, r.created_by,"           \
    " r.created_at, (SELECT count(*) FROM match_proposals p WHERE p.run_id = r.id),"             \
    " (SELECT count(*) FROM match_proposals p WHERE p.run_id = r.id AND p.status = 'proposed')"

static json_t *run_row_json(DbStmt *s)
{
    double obj = db_col_double(s, 4), gr = db_col_double(s, 5);
    return json_pack("{s:I,s:s,s:s,s:i,s:f,s:f,s:f,s:s,s:I,s:I,s:I}", "id",
                     (json_int_t)db_col_int(s, 0), "scope", db_col_text(s, 1), "scope_name",
                     db_col_text(s, 2), "year", (int)db_col_int(s, 3), "objective", obj,
                     "greedy_objective", gr, "gap_percent", gr > 0 ? (obj - gr) * 100.0 / gr : 0.0,
                     "created_by", db_col_text(s, 6), "created_at", (json_int_t)db_col_int(s, 7),
                     "proposals", (json_int_t)db_col_int(s, 8), "undecided",
                     (json_int_t)db_col_int(s, 9));
}

static json_t *proposals_json(Db *db, int64_t run_id)
{
    DbStmt *s = db_q(db,
                     "SELECT p.id, p.need_id, so.code, so.name_zh, n.category, n.subject, n.unit,"
                     " n.quantity, n.met_quantity, n.priority, n.wanted_by, n.status,"
                     " p.resource_id, r.title, po.code, po.name_zh, r.remaining,"
                     " p.quantity, p.score, p.reasons, p.status, p.decided_by, p.decided_at,"
                     " p.override_resource_id, p.override_quantity"
                     " FROM match_proposals p JOIN needs n ON n.id = p.need_id"
                     " JOIN orgs so ON so.id = n.school_id JOIN resources r ON r.id = p.resource_id"
                     " JOIN orgs po ON po.id = r.provider_id WHERE p.run_id = ?"
                     " ORDER BY so.code, p.need_id, p.id",
                     "i", run_id);
    if (!s) return NULL;
    json_t *out = json_array();
    while (db_step(s) == DB_ROW) {
        json_t *need = json_pack(
            "{s:I,s:s,s:s,s:s,s:s,s:s,s:f,s:f,s:i,s:s?,s:s}", "id", (json_int_t)db_col_int(s, 1),
            "school", db_col_text(s, 2), "school_name", db_col_text(s, 3), "category",
            db_col_text(s, 4), "subject", db_col_text(s, 5), "unit", db_col_text(s, 6), "quantity",
            db_col_double(s, 7), "met_quantity", db_col_double(s, 8), "priority",
            (int)db_col_int(s, 9), "wanted_by", db_col_text(s, 10), "status", db_col_text(s, 11));
        json_t *res = json_pack("{s:I,s:s,s:s,s:s,s:f}", "id", (json_int_t)db_col_int(s, 12),
                                "title", db_col_text(s, 13), "provider", db_col_text(s, 14),
                                "provider_name", db_col_text(s, 15), "remaining",
                                db_col_double(s, 16));
        json_t *reasons = json_loads(db_col_text(s, 19), 0, NULL);
        json_t *p = json_pack("{s:I,s:o,s:o,s:f,s:f,s:o,s:s}", "id", (json_int_t)db_col_int(s, 0),
                              "need", need, "resource", res, "quantity", db_col_double(s, 17),
                              "score", db_col_double(s, 18), "reasons",
                              reasons ? reasons : json_object(), "status", db_col_text(s, 20));
        json_object_set_new(p, "decided_by",
                            db_col_is_null(s, 21) ? json_null() : json_string(db_col_text(s, 21)));
        json_object_set_new(p, "decided_at",
                            db_col_is_null(s, 22) ? json_null() : json_integer(db_col_int(s, 22)));
        json_object_set_new(p, "override_resource",
                            db_col_is_null(s, 23) ? json_null() : json_integer(db_col_int(s, 23)));
        json_object_set_new(p, "override_quantity",
                            db_col_is_null(s, 24) ? json_null() : json_real(db_col_double(s, 24)));
        json_array_append_new(out, p);
    }
    db_done(s);
    return out;
}

json_t *match_run_json(Db *db, Arena *a, int64_t run_id, int with_proposals)
{
    (void)a;
    DbStmt *s = db_q(db,
                     "SELECT " RUN_COLS ", r.params, r.inputs FROM match_runs r JOIN orgs o ON o.id ="
                     " r.scope_org_id WHERE r.id = ?",
                     "i", run_id);
    if (!s) return NULL;
    json_t *j = NULL;
    if (db_step(s) == DB_ROW) {
        j = run_row_json(s);
        json_t *params = json_loads(db_col_text(s, 10), 0, NULL);
        json_object_set_new(j, "params", params ? params : json_object());
        if (with_proposals) {
            json_t *inputs = json_loads(db_col_text(s, 11), 0, NULL);
            json_object_set_new(j, "inputs", inputs ? inputs : json_object());
        }
    }
    db_done(s);
    if (j && with_proposals) {
        json_t *p = proposals_json(db, run_id);
        if (!p) {
            json_decref(j);
            return NULL;
        }
        json_object_set_new(j, "proposals", p);
    }
    return j;
}

/* ---- API --------------------------------------------------------------------- */

/* Parses a positive id path parameter. */
static int64_t id_param(Req *r, const char *name)
{
    int64_t v = 0;
    const char *s = req_param(r, name);
    return s && parse_int(s, 1, INT64_MAX / 2, &v) ? v : 0;
}

/* The run in the path, visible to the caller (data.read reaching its scope).
 * 1 when so; otherwise a response has been sent. */
static int visible_run(Req *r, const char *param, RunHead *h)
{
    int64_t id = id_param(r, param);
    int f = id ? run_head(r->db, r->arena, id, h) : 0;
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return 0;
    }
    if (!f || !can(r, CAP_DATA_READ, h->scope_path)) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

void match_api_create(Req *r)
{
    static const char *const fields[] = {"scope", "year", NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    const char *code = json_string_value(json_object_get(j, "scope"));
    json_t *y = json_object_get(j, "year");
    if (!code || !valid_code(code)) {
        json_decref(j);
        req_error(r, 422, "invalid", T(r, "scope: the code of a unit of the tree is required."));
        return;
    }
    if (!json_is_integer(y) || json_integer_value(y) < 2000 || json_integer_value(y) > 2100) {
        json_decref(j);
        req_error(r, 422, "invalid", T(r, "year: a whole number from 2000 to 2100 is required."));
        return;
    }
    int year = (int)json_integer_value(y);
    Org scope;
    int f = org_load(r->db, r->arena, code, &scope);
    json_decref(j);
    if (f < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    if (!f || (!can(r, CAP_DATA_READ, scope.path) && !can(r, CAP_MATCH_RUN, scope.path))) {
        req_not_found(r);
        return;
    }
    if (!can(r, CAP_MATCH_RUN, scope.path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    int64_t id;
    char err[256];
    if (match_run_create(r->db, r->auth.login, &scope, year, 0, &id, err, sizeof err)) {
        req_error(r, 500, "internal", err);
        return;
    }
    json_t *out = match_run_json(r->db, r->arena, id, 1);
    if (!out) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    req_send_json(r, 201, out);
}

void match_api_list(Req *r)
{
    const char *code = req_query(r, "scope"), *ytext = req_query(r, "year");
    int64_t year = 0;
    if (ytext && !parse_int(ytext, 2000, 2100, &year)) {
        req_error(r, 400, "bad_param", T(r, "year must be a whole number from 2000 to 2100."));
        return;
    }
    const char *like = "/%";
    if (code) {
        Org scope;
        int f = valid_code(code) ? org_load(r->db, r->arena, code, &scope) : 0;
        if (f < 0) {
            req_error(r, 500, "internal", db_errmsg(r->db));
            return;
        }
        if (!f || !can(r, CAP_DATA_READ, scope.path)) {
            req_not_found(r);
            return;
        }
        like = arena_printf(r->arena, "%s%%", scope.path);
    }
    DbStmt *s = db_q(r->db,
                     "SELECT " RUN_COLS " FROM match_runs r JOIN orgs o ON o.id = r.scope_org_id"
                     " WHERE o.path LIKE ? AND (CAST(? AS BIGINT) = 0 OR r.year = ?) AND " REACH_SQL(
                         "o.path") " ORDER BY r.id DESC LIMIT 100",
                     "siiis", like, year, year, REACH_ARGS(r, CAP_DATA_READ));
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    json_t *items = json_array();
    while (db_step(s) == DB_ROW) json_array_append_new(items, run_row_json(s));
    db_done(s);
    req_send_json(r, 200, json_pack("{s:o}", "items", items));
}

void match_api_get(Req *r)
{
    RunHead h;
    if (!visible_run(r, "id", &h)) return;
    json_t *out = match_run_json(r->db, r->arena, h.id, 1);
    if (!out) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    req_send_json(r, 200, out);
}

/* The proposals of a run keyed "need:resource" → {quantity, score, status}. */
static json_t *pair_map(Db *db, int64_t run_id)
{
    DbStmt *s = db_q(db,
                     "SELECT need_id, resource_id, quantity, score, status FROM match_proposals"
                     " WHERE run_id = ? ORDER BY need_id, resource_id",
                     "i", run_id);
    if (!s) return NULL;
    json_t *m = json_object();
    while (db_step(s) == DB_ROW) {
        char key[48];
        snprintf(key, sizeof key, "%lld:%lld", (long long)db_col_int(s, 0),
                 (long long)db_col_int(s, 1));
        json_object_set_new(m, key,
                            json_pack("{s:I,s:I,s:f,s:f,s:s}", "need", (json_int_t)db_col_int(s, 0),
                                      "resource", (json_int_t)db_col_int(s, 1), "quantity",
                                      db_col_double(s, 2), "score", db_col_double(s, 3), "status",
                                      db_col_text(s, 4)));
    }
    db_done(s);
    return m;
}

void match_api_compare(Req *r)
{
    RunHead a, b;
    if (!visible_run(r, "id", &a) || !visible_run(r, "other", &b)) return;
    json_t *ma = pair_map(r->db, a.id), *mb = pair_map(r->db, b.id);
    if (!ma || !mb) {
        json_decref(ma);
        json_decref(mb);
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    json_t *added = json_array(), *removed = json_array(), *changed = json_array();
    const char *k;
    json_t *v;
    int same = 0;
    json_object_foreach(ma, k, v) {
        json_t *w = json_object_get(mb, k);
        if (!w) {
            json_array_append(removed, v);
            continue;
        }
        double qa = json_real_value(json_object_get(v, "quantity")),
               qb = json_real_value(json_object_get(w, "quantity")),
               sa = json_real_value(json_object_get(v, "score")),
               sb = json_real_value(json_object_get(w, "score"));
        if (fabs(qa - qb) > 1e-9 || fabs(sa - sb) > 1e-9)
            json_array_append_new(
                changed, json_pack("{s:O,s:O,s:f,s:f,s:f,s:f}", "need", json_object_get(v, "need"),
                                   "resource", json_object_get(v, "resource"), "quantity_before",
                                   qa, "quantity_after", qb, "score_before", sa, "score_after", sb));
        else
            same++;
    }
    json_object_foreach(mb, k, v) {
        if (!json_object_get(ma, k)) json_array_append(added, v);
    }
    json_decref(ma);
    json_decref(mb);
    req_send_json(r, 200,
                  json_pack("{s:I,s:I,s:o,s:o,s:o,s:i}", "run", (json_int_t)a.id, "other",
                            (json_int_t)b.id, "added", added, "removed", removed, "changed",
                            changed, "unchanged", same));
}

/* Answers a decision's outcome for the API. */
static void send_decision(Req *r, MatchStatus st, const char *why, int64_t run_id)
{
    switch (st) {
    case MATCH_OK: {
        json_t *out = match_run_json(r->db, r->arena, run_id, 1);
        if (!out) req_error(r, 500, "internal", db_errmsg(r->db));
        else req_send_json(r, 200, out);
        return;
    }
    case MATCH_NOT_FOUND: req_not_found(r); return;
    case MATCH_INVALID: req_error(r, 422, "invalid", T(r, why)); return;
    case MATCH_CONFLICT: req_error(r, 409, "conflict", T(r, why)); return;
    default: req_error(r, 500, "internal", why); return;
    }
}

/* Shared head of accept / reject / override: the run visible, match.run there. */
static int decidable_run(Req *r, RunHead *h, int64_t *pid)
{
    if (!visible_run(r, "id", h)) return 0;
    if (!can(r, CAP_MATCH_RUN, h->scope_path)) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return 0;
    }
    *pid = id_param(r, "pid");
    if (!*pid) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

static void decide_api(Req *r, const char *action)
{
    RunHead h;
    int64_t pid;
    if (!decidable_run(r, &h, &pid)) return;
    int64_t resource = 0;
    double qty = 0;
    if (!strcmp(action, "override")) {
        static const char *const fields[] = {"resource", "quantity", NULL};
        json_t *j = req_json_object(r, fields);
        if (!j) return;
        json_t *res = json_object_get(j, "resource"), *q = json_object_get(j, "quantity");
        if (!json_is_integer(res) || json_integer_value(res) < 1) {
            json_decref(j);
            req_error(r, 422, "invalid", T(r, "resource: the id of a resource is required."));
            return;
        }
        if (!json_is_number(q)) {
            json_decref(j);
            req_error(r, 422, "invalid", T(r, "quantity: a number above zero is required."));
            return;
        }
        resource = json_integer_value(res);
        qty = json_number_value(q);
        json_decref(j);
    } else if (r->body.len) {
        static const char *const none[] = {NULL};
        json_t *j = req_json_object(r, none);
        if (!j) return;
        json_decref(j);
    }
    const char *why;
    MatchStatus st = match_decide(r->db, r->auth.login, h.id, pid, action, resource, qty, &why);
    send_decision(r, st, why, h.id);
}

void match_api_accept(Req *r) { decide_api(r, "accept"); }
void match_api_reject(Req *r) { decide_api(r, "reject"); }
void match_api_override(Req *r) { decide_api(r, "override"); }

/* ---- CLI ---------------------------------------------------------------------- */

int match_cli(Db *db, const char *code, const char *ytext, int accept_all)
{
    Arena *a = arena_new();
    Org scope;
    int64_t year = 0;
    int rc = 1;
    if (!code || !ytext || !parse_int(ytext, 2000, 2100, &year)) {
        fprintf(stderr, "huiju match: --scope CODE and --year YYYY (2000–2100) are required\n");
        goto out;
    }
    int f = valid_code(code) ? org_load(db, a, code, &scope) : 0;
    if (f != 1) {
        fprintf(stderr, "huiju match: %s\n", f < 0 ? db_errmsg(db) : "no such unit");
        goto out;
    }
    int64_t id;
    char err[256];
    if (match_run_create(db, "cli", &scope, (int)year, 0, &id, err, sizeof err)) {
        fprintf(stderr, "huiju match: %s\n", err);
        goto out;
    }
    json_t *run = match_run_json(db, a, id, 1);
    if (!run) {
        fprintf(stderr, "huiju match: %s\n", db_errmsg(db));
        goto out;
    }
    printf("run %lld: %s %s, year %d — objective %.2f, greedy %.2f, %d proposals\n",
           (long long)id, scope.code, scope.name_zh, (int)year,
           json_real_value(json_object_get(run, "objective")),
           json_real_value(json_object_get(run, "greedy_objective")),
           (int)json_array_size(json_object_get(run, "proposals")));
    printf("%-8s %-12s %-16s %-8s %-9s %-10s %8s %6s  %s\n", "proposal", "school", "category",
           "subject", "need", "resource", "quantity", "score", "why (priority+continuity+reach+date)");
    size_t i;
    json_t *p;
    int failed = 0;
    json_array_foreach(json_object_get(run, "proposals"), i, p) {
        json_t *n = json_object_get(p, "need"), *x = json_object_get(p, "resource"),
               *why = json_object_get(p, "reasons");
        printf("%-8lld %-12s %-16s %-8s %-9lld %-10lld %8g %6.2f  %.2f+%.2f+%.2f(%s)+%.2f\n",
               (long long)json_integer_value(json_object_get(p, "id")),
               json_string_value(json_object_get(n, "school")),
               json_string_value(json_object_get(n, "category")),
               json_string_value(json_object_get(n, "subject")),
               (long long)json_integer_value(json_object_get(n, "id")),
               (long long)json_integer_value(json_object_get(x, "id")),
               json_real_value(json_object_get(p, "quantity")),
               json_real_value(json_object_get(p, "score")),
               json_real_value(json_object_get(why, "priority")),
               json_real_value(json_object_get(why, "continuity")),
               json_real_value(json_object_get(why, "reach")),
               json_string_value(json_object_get(why, "reach_level")),
               json_real_value(json_object_get(why, "date")));
        if (accept_all) {
            const char *msg;
            MatchStatus st = match_decide(db, "cli", id,
                                          json_integer_value(json_object_get(p, "id")), "accept", 0,
                                          0, &msg);
            if (st != MATCH_OK) {
                fprintf(stderr, "huiju match: proposal %lld not accepted: %s\n",
                        (long long)json_integer_value(json_object_get(p, "id")), msg ? msg : "");
                failed++;
            }
        }
    }
    if (accept_all)
        printf("accepted %d of %d proposals\n",
               (int)json_array_size(json_object_get(run, "proposals")) - failed,
               (int)json_array_size(json_object_get(run, "proposals")));
    json_decref(run);
    rc = failed ? 1 : 0;
out:
    arena_free(a);
    return rc;
}
