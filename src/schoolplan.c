/* schoolplan.c — see schoolplan.h: loading a school's plan, its JSON, and the
 * list of recipient schools with their plans' counts (page and API).
 *
 * The plan reads the tables of issue 4 (needs, supplies, resources, packs,
 * pack_items) directly: a few indexed queries per plan, all bound to the school's
 * id and the year. */
#include "schoolplan.h"

#include <string.h>

#include "access.h"
#include "core/util.h"
#include "report.h"
#include "target.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* The statuses of a confirmed need, as an SQL list. */
#define CONFIRMED "('open','matched','in_progress','met')"

/* The key portrait figures of a plan. */
static const char *const FIG_CODES[PLAN_NFIG] = {"arts_teacher_gap", "teacher_qualification_rate",
                                                 "family_guidance_coverage",
                                                 "parent_participation_rate", "dropout_rate"};

/* ---- labels ----------------------------------------------------------------- */

typedef struct Label {
    const char *id, *label;
} Label;

static const Label categories[] = {
    {"teachers", "Teachers"},
    {"training", "Teacher training"},
    {"curriculum", "Curriculum and course packs"},
    {"equipment", "Equipment"},
    {"parent_education", "Parent education"},
    {"community", "Community activity"},
    {"funds", "Funds"},
    {"other", "Other"},
};
static const Label statuses[] = {
    {"proposed", "Proposed"}, {"open", "Open"}, {"matched", "Matched"},
    {"in_progress", "In progress"}, {"met", "Met"}, {"closed", "Closed"},
    {"dismissed", "Dismissed"},
};
static const Label pack_statuses[] = {
    {"draft", "Draft"}, {"delivered", "Delivered"}, {"received", "Received"}};
static const Label kinds[] = {
    {"teacher_secondment", "Teacher secondment"}, {"course_pack", "Course resource pack"},
    {"training", "Training programme"}, {"equipment", "Equipment"}, {"funds", "Funds"},
    {"volunteer_service", "Volunteer service"},
};

static const char *lookup(const Label *l, size_t n, const char *id)
{
    if (!id) return "";
    for (size_t i = 0; i < n; i++)
        if (!strcmp(l[i].id, id)) return l[i].label;
    return id;
}

const char *plan_category_label(const char *c)
{
    return lookup(categories, sizeof categories / sizeof *categories, c);
}
const char *plan_status_label(const char *s)
{
    return lookup(statuses, sizeof statuses / sizeof *statuses, s);
}
const char *plan_pack_label(const char *s)
{
    return lookup(pack_statuses, sizeof pack_statuses / sizeof *pack_statuses, s);
}
const char *plan_kind_label(const char *k)
{
    return lookup(kinds, sizeof kinds / sizeof *kinds, k);
}

/* ---- loading ------------------------------------------------------------------ */

/* Room for one more element in an arena array of *n elements (capacity *cap):
 * doubles it by copying when full. Returns the new element, zeroed. */
static void *grow(Arena *a, void **v, int *n, int *cap, size_t size)
{
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 8;
        void *nv = arena_alloc(a, size * (size_t)nc);
        if (*n) memcpy(nv, *v, size * (size_t)*n);
        *v = nv;
        *cap = nc;
    }
    return (char *)*v + size * (size_t)(*n)++;
}
#define GROW(a, arr, n, cap) ((__typeof__(arr))grow((a), (void **)&(arr), &(n), &(cap), sizeof *(arr)))

static const char *dup(Req *r, DbStmt *s, int i)
{
    const char *t = db_col_text(s, i);
    return arena_strdup(r->arena, t ? t : "");
}

/* A provider's name in the request's language (English only when there is one). */
static const char *pname(Req *r, DbStmt *s, int zh, int en)
{
    const char *e = db_col_text(s, en);
    if (!strcmp(r->lang, "en") && e && *e) return arena_strdup(r->arena, e);
    return dup(r, s, zh);
}

static int load_needs(Req *r, Plan *p)
{
    int cap = 0;
    DbStmt *s = db_q(r->db,
                     "SELECT id, category, subject, unit, wanted_by, description, status, source,"
                     " quantity, met_quantity, priority FROM needs"
                     " WHERE school_id = ? AND year = ? AND status IN " CONFIRMED
                     " ORDER BY category, priority, id",
                     "ii", p->school.id, (int64_t)p->year);
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        PlanNeed *n = GROW(r->arena, p->needs, p->nneeds, cap);
        n->id = db_col_int(s, 0);
        n->category = dup(r, s, 1);
        n->subject = dup(r, s, 2);
        n->unit = dup(r, s, 3);
        n->wanted_by = db_col_is_null(s, 4) ? NULL : dup(r, s, 4);
        n->description = dup(r, s, 5);
        n->status = dup(r, s, 6);
        n->source = dup(r, s, 7);
        n->quantity = db_col_double(s, 8);
        n->met = db_col_double(s, 9);
        n->priority = (int)db_col_int(s, 10);
        n->open = strcmp(n->status, "met") && n->quantity > n->met ? n->quantity - n->met : 0;
    }
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

static int load_supplies(Req *r, Plan *p)
{
    int cap = 0;
    DbStmt *s = db_q(r->db,
                     "SELECT s.id, s.need_id, s.resource_id, s.created_at, s.quantity, rs.title,"
                     " rs.kind, rs.unit, pv.code, pv.name_zh, pv.name_en"
                     " FROM supplies s JOIN needs n ON n.id = s.need_id"
                     " JOIN resources rs ON rs.id = s.resource_id"
                     " JOIN orgs pv ON pv.id = s.provider_id"
                     " WHERE s.school_id = ? AND n.school_id = ? AND n.year = ?"
                     " AND n.status IN " CONFIRMED " ORDER BY s.need_id, s.id",
                     "iii", p->school.id, p->school.id, (int64_t)p->year);
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        PlanSupply *x = GROW(r->arena, p->supplies, p->nsupplies, cap);
        x->id = db_col_int(s, 0);
        x->need_id = db_col_int(s, 1);
        x->resource_id = db_col_int(s, 2);
        x->created_at = db_col_int(s, 3);
        x->quantity = db_col_double(s, 4);
        x->title = dup(r, s, 5);
        x->kind = dup(r, s, 6);
        x->unit = dup(r, s, 7);
        x->prov_code = dup(r, s, 8);
        x->prov_name = pname(r, s, 9, 10);
    }
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

static int load_packs(Req *r, Plan *p)
{
    int cap = 0;
    DbStmt *s = db_q(r->db,
                     "SELECT id, name, status, delivered_at, delivered_by, received_at, received_by,"
                     " note FROM packs WHERE school_id = ? AND year = ? ORDER BY id",
                     "ii", p->school.id, (int64_t)p->year);
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        PlanPack *k = GROW(r->arena, p->packs, p->npacks, cap);
        k->id = db_col_int(s, 0);
        k->name = dup(r, s, 1);
        k->status = dup(r, s, 2);
        k->delivered_at = db_col_is_null(s, 3) ? 0 : db_col_int(s, 3);
        k->delivered_by = db_col_is_null(s, 4) ? NULL : dup(r, s, 4);
        k->received_at = db_col_is_null(s, 5) ? 0 : db_col_int(s, 5);
        k->received_by = db_col_is_null(s, 6) ? NULL : dup(r, s, 6);
        k->note = dup(r, s, 7);
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    cap = 0;
    s = db_q(r->db,
             "SELECT pi.pack_id, pi.need_id, pi.resource_id, pi.quantity, rs.title, rs.unit,"
             " pv.code, pv.name_zh, pv.name_en"
             " FROM pack_items pi JOIN packs pk ON pk.id = pi.pack_id"
             " JOIN resources rs ON rs.id = pi.resource_id"
             " JOIN orgs pv ON pv.id = rs.provider_id"
             " WHERE pk.school_id = ? AND pk.year = ? ORDER BY pi.pack_id, pi.id",
             "ii", p->school.id, (int64_t)p->year);
    if (!s) return -1;
    while ((rc = db_step(s)) == DB_ROW) {
        PlanItem *it = GROW(r->arena, p->items, p->nitems, cap);
        it->pack_id = db_col_int(s, 0);
        it->need_id = db_col_is_null(s, 1) ? 0 : db_col_int(s, 1);
        it->resource_id = db_col_int(s, 2);
        it->quantity = db_col_double(s, 3);
        it->title = dup(r, s, 4);
        it->unit = dup(r, s, 5);
        it->prov_code = dup(r, s, 6);
        it->prov_name = pname(r, s, 7, 8);
    }
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

/* The totals by category and unit, in the needs' order (they are sorted by category). */
static void sum_totals(Req *r, Plan *p)
{
    int cap = 0;
    for (int i = 0; i < p->nneeds; i++) {
        const PlanNeed *n = &p->needs[i];
        PlanTotal *t = NULL;
        for (int k = 0; k < p->ntotals && !t; k++)
            if (!strcmp(p->totals[k].category, n->category) && !strcmp(p->totals[k].unit, n->unit))
                t = &p->totals[k];
        if (!t) {
            t = GROW(r->arena, p->totals, p->ntotals, cap);
            t->category = n->category;
            t->unit = n->unit;
        }
        t->needs++;
        t->quantity += n->quantity;
        t->met += n->met;
        t->open += n->open;
        if (n->open > 0) t->open_needs++;
    }
}

/* The year of the path, or 0 after a 400 has been sent. */
static int year_param(Req *r, const char *s)
{
    int64_t y;
    if (s && parse_int(s, 2000, 2100, &y)) return (int)y;
    const char *why = T(r, "year must be a year between 2000 and 2100, such as 2025.");
    if (req_is_api(r))
        req_error(r, 400, "bad_param", why);
    else
        page_error(r, 400, why);
    return 0;
}

int plan_gather(Req *r, Plan *p)
{
    memset(p, 0, sizeof *p);
    if (!(p->year = year_param(r, req_param(r, "year")))) return 0;
    const char *code = req_param(r, "school");
    int f = valid_code(code) ? org_load(r->db, r->arena, code, &p->school) : 0;
    if (f < 0) goto fail;
    if (!f || !can(r, CAP_DATA_READ, p->school.path) || strcmp(p->school.kind, "school") ||
        !p->school.is_recipient) {
        req_not_found(r);
        return 0;
    }
    if ((p->nanc = org_ancestors(r, &p->school, p->anc, 6)) < 0) goto fail;
    for (int i = 0; i < p->nanc; i++) {
        if (!strcmp(p->anc[i].kind, "county")) p->county = &p->anc[i];
        if (!strcmp(p->anc[i].kind, "prefecture")) p->prefecture = &p->anc[i];
    }
    if (load_needs(r, p) || load_supplies(r, p) || load_packs(r, p)) goto fail;
    sum_totals(r, p);
    char ys[8];
    snprintf(ys, sizeof ys, "%d", p->year);
    Period per;
    period_parse(ys, &per);
    for (int i = 0; i < PLAN_NFIG; i++) {
        PlanFigure *g = &p->figs[i];
        g->code = FIG_CODES[i];
        int k = indicator_load(r->db, r->arena, g->code, &g->ind);
        if (k < 0) goto fail;
        g->found = k;
        if (k && value_read(r->db, r->arena, &g->ind, p->school.id, &per, &g->fig)) goto fail;
    }
    return 1;
fail:
    req_error(r, 500, "internal", db_errmsg(r->db));
    return 0;
}

/* ---- JSON ----------------------------------------------------------------------- */

static json_t *ref_json(const Org *o, Req *r)
{
    if (!o) return json_null();
    return json_pack("{s:s,s:s}", "code", o->code, "name", org_name(r, o));
}

static json_t *num_or_null(int has, double v)
{
    return has ? json_real(v) : json_null();
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *pack_json(const PlanPack *k)
{
    return json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:s}", "id", (json_int_t)k->id, "name",
                     k->name, "status", k->status, "delivered_at",
                     k->delivered_at ? json_integer(k->delivered_at) : json_null(),
                     "delivered_by", text_or_null(k->delivered_by), "received_at",
                     k->received_at ? json_integer(k->received_at) : json_null(), "received_by",
                     text_or_null(k->received_by), "note", k->note);
}

static const PlanPack *pack_by_id(const Plan *p, int64_t id)
{
    for (int i = 0; i < p->npacks; i++)
        if (p->packs[i].id == id) return &p->packs[i];
    return NULL;
}

static json_t *plan_json(Req *r, const Plan *p)
{
    json_t *school = json_pack("{s:s,s:s,s:s,s:o,s:o}", "code", p->school.code, "name",
                               org_name(r, &p->school), "name_zh", p->school.name_zh, "county",
                               ref_json(p->county, r), "prefecture", ref_json(p->prefecture, r));
    json_t *needs = json_array();
    for (int i = 0; i < p->nneeds; i++) {
        const PlanNeed *n = &p->needs[i];
        json_t *sup = json_array(), *packs = json_array();
        for (int k = 0; k < p->nsupplies; k++) {
            const PlanSupply *x = &p->supplies[k];
            if (x->need_id != n->id) continue;
            json_array_append_new(
                sup, json_pack("{s:I,s:{s:I,s:s,s:s,s:s},s:{s:s,s:s},s:f,s:I}", "id",
                               (json_int_t)x->id, "resource", "id", (json_int_t)x->resource_id,
                               "title", x->title, "kind", x->kind, "unit", x->unit, "provider",
                               "code", x->prov_code, "name", x->prov_name, "quantity",
                               x->quantity, "created_at", (json_int_t)x->created_at));
        }
        for (int k = 0; k < p->nitems; k++) {
            const PlanItem *it = &p->items[k];
            const PlanPack *pk = it->need_id == n->id ? pack_by_id(p, it->pack_id) : NULL;
            if (!pk) continue;
            json_t *j = pack_json(pk);
            json_object_set_new(j, "quantity", json_real(it->quantity));
            json_object_set_new(j, "resource_id", json_integer(it->resource_id));
            json_array_append_new(packs, j);
        }
        json_array_append_new(
            needs, json_pack("{s:I,s:s,s:s,s:f,s:f,s:f,s:s,s:i,s:o,s:s,s:s,s:s,s:o,s:o}", "id",
                             (json_int_t)n->id, "category", n->category, "subject", n->subject,
                             "quantity", n->quantity, "met_quantity", n->met, "open_quantity",
                             n->open, "unit", n->unit, "priority", n->priority, "wanted_by",
                             text_or_null(n->wanted_by), "status", n->status, "source",
                             n->source, "description", n->description, "supplies", sup,
                             "packs", packs));
    }
    json_t *packs = json_array();
    for (int i = 0; i < p->npacks; i++) {
        json_t *j = pack_json(&p->packs[i]), *items = json_array();
        for (int k = 0; k < p->nitems; k++) {
            const PlanItem *it = &p->items[k];
            if (it->pack_id != p->packs[i].id) continue;
            json_array_append_new(
                items, json_pack("{s:{s:I,s:s,s:s},s:{s:s,s:s},s:o,s:f}", "resource", "id",
                                 (json_int_t)it->resource_id, "title", it->title, "unit",
                                 it->unit, "provider", "code", it->prov_code, "name",
                                 it->prov_name, "need_id",
                                 it->need_id ? json_integer(it->need_id) : json_null(),
                                 "quantity", it->quantity));
        }
        json_object_set_new(j, "items", items);
        json_array_append_new(packs, j);
    }
    json_t *open = json_array(), *totals = json_array();
    double all_open = 0;
    for (int i = 0; i < p->nneeds; i++) {
        const PlanNeed *n = &p->needs[i];
        if (n->open <= 0) continue;
        all_open += n->open;
        json_array_append_new(open, json_pack("{s:I,s:s,s:s,s:f,s:s,s:i,s:s}", "need_id",
                                              (json_int_t)n->id, "category", n->category,
                                              "subject", n->subject, "open_quantity", n->open,
                                              "unit", n->unit, "priority", n->priority,
                                              "status", n->status));
    }
    for (int i = 0; i < p->ntotals; i++) {
        const PlanTotal *t = &p->totals[i];
        json_array_append_new(
            totals, json_pack("{s:s,s:s,s:I,s:I,s:f,s:f,s:f}", "category", t->category, "unit",
                              t->unit, "needs", (json_int_t)t->needs, "open_needs",
                              (json_int_t)t->open_needs, "quantity", t->quantity,
                              "met_quantity", t->met, "open_quantity", t->open));
    }
    json_t *figs = json_array();
    for (int i = 0; i < PLAN_NFIG; i++) {
        const PlanFigure *g = &p->figs[i];
        int has = g->found && g->fig.has;
        json_array_append_new(
            figs, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "indicator", g->code, "name",
                            g->found ? indicator_name(r, &g->ind) : g->code, "unit",
                            g->found ? g->ind.unit : "", "value", num_or_null(has, g->fig.value),
                            "numerator",
                            num_or_null(has && g->ind.is_ratio, g->fig.num), "denominator",
                            num_or_null(has && g->ind.is_ratio, g->fig.den)));
    }
    return json_pack("{s:o,s:i,s:o,s:o,s:o,s:{s:o,s:o,s:i,s:f},s:o}", "school", school, "year",
                     p->year, "needs", needs, "packs", packs,
                     /* there is no projects table yet: once projects exist, the
                      * projects delivering these needs and packs are listed here */
                     "projects", json_array(), "gaps", "items", open, "by_category", totals,
                     "open_needs", (int)json_array_size(open), "open_quantity", all_open,
                     "figures", figs);
}

void plan_api_get(Req *r)
{
    Plan p;
    if (!plan_gather(r, &p)) return;
    req_send_json(r, 200, plan_json(r, &p));
}

/* ---- the list of recipient schools ----------------------------------------------- */

typedef struct ListArgs {
    Org org;
    int year;
    const char *cursor;
} ListArgs;

/* Reads ?org= (default: the caller's top unit), ?year= (default: this year) and
 * ?cursor=. 1, or 0 after sending 400 or 404. */
static int list_args(Req *r, ListArgs *a)
{
    memset(a, 0, sizeof *a);
    const char *y = req_query(r, "year");
    if (y && *y) {
        if (!(a->year = year_param(r, y))) return 0;
    } else {
        a->year = target_today_month() / 12;
    }
    a->cursor = req_query(r, "cursor");
    if (a->cursor && !*a->cursor) a->cursor = NULL;
    if (a->cursor && !valid_code(a->cursor)) {
        const char *why = T(r, "cursor is not valid.");
        if (req_is_api(r))
            req_error(r, 400, "bad_param", why);
        else
            page_error(r, 400, why);
        return 0;
    }
    const char *code = req_query(r, "org");
    if (!code || !*code) {
        const Grant *g = target_top_grant(r, CAP_DATA_READ);
        code = g ? g->org_code : NULL;
    }
    int f = code && valid_code(code) ? org_load(r->db, r->arena, code, &a->org) : 0;
    if (f != 1 || !can(r, CAP_DATA_READ, a->org.path)) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

enum { LIST_PAGE = 100 };

/* The recipient schools under a->org in reach, from the cursor on, by code,
 * with their counts for the year: code, name_zh, name_en, needs, met, open gaps. */
static DbStmt *list_query(Req *r, const ListArgs *a)
{
    return db_q(r->db,
                "SELECT o.code, o.name_zh, o.name_en, COUNT(n.id),"
                " SUM(CASE WHEN n.status = 'met' THEN 1 ELSE 0 END),"
                " SUM(CASE WHEN n.status <> 'met' AND n.quantity > n.met_quantity THEN 1 ELSE 0 END)"
                " FROM orgs o LEFT JOIN needs n ON n.school_id = o.id AND n.year = ?"
                " AND n.status IN " CONFIRMED
                " WHERE o.kind = 'school' AND o.is_recipient = 1"
                " AND substr(o.path, 1, length(CAST(? AS TEXT))) = ?"
                " AND (CAST(? AS TEXT) IS NULL OR o.code > ?) AND " REACH_SQL("o.path")
                " GROUP BY o.id, o.code, o.name_zh, o.name_en ORDER BY o.code LIMIT ?",
                "issssisi", (int64_t)a->year, a->org.path, a->org.path, a->cursor, a->cursor,
                REACH_ARGS(r, CAP_DATA_READ), (int64_t)(LIST_PAGE + 1));
}

static const char *row_name(Req *r, DbStmt *s)
{
    const char *e = db_col_text(s, 2);
    return !strcmp(r->lang, "en") && e && *e ? e : db_col_text(s, 1);
}

void plan_api_list(Req *r)
{
    ListArgs a;
    if (!list_args(r, &a)) return;
    DbStmt *s = list_query(r, &a);
    if (!s) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    json_t *items = json_array();
    int n = 0, rc;
    const char *last = NULL;
    while ((rc = db_step(s)) == DB_ROW) {
        if (++n > LIST_PAGE) break;
        last = arena_strdup(r->arena, db_col_text(s, 0));
        json_array_append_new(
            items, json_pack("{s:s,s:s,s:I,s:I,s:I,s:s}", "code", last, "name", row_name(r, s),
                             "needs", (json_int_t)db_col_int(s, 3), "met",
                             (json_int_t)db_col_int(s, 4), "open_gaps",
                             (json_int_t)db_col_int(s, 5), "plan",
                             arena_printf(r->arena, "/api/v1/plans/%s/%d", last, a.year)));
    }
    db_done(s);
    if (rc != DB_ROW && rc != DB_DONE) {
        json_decref(items);
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    req_send_json(r, 200,
                  json_pack("{s:s,s:i,s:o,s:o}", "org", a.org.code, "year", a.year, "items", items,
                            "next_cursor", n > LIST_PAGE && last ? json_string(last) : json_null()));
}

void plan_page_list(Req *r)
{
    ListArgs a;
    if (!list_args(r, &a)) return;
    DbStmt *s = list_query(r, &a);
    if (!s) {
        page_error(r, 500, db_errmsg(r->db));
        return;
    }
    const char *name = org_name(r, &a.org);
    page_begin(r, arena_printf(r->arena, "%s · %s", T(r, "One school, one plan"), name));
    H(r, "<link rel=stylesheet href=\"/assets/dashboard.css\">");
    hf(r, "<h1>%s <small>%s · %d</small></h1>", T(r, "One school, one plan"), name, a.year);
    hf(r, "<form class=period-form method=get action=\"/plans\"><input type=hidden name=org "
          "value=\"%s\"><label>%s <input name=year inputmode=numeric size=6 value=\"%d\"></label>"
          "<button>%s</button></form>",
       a.org.code, T(r, "Year"), a.year, T(r, "Show"));
    hf(r, "<p class=note>%s</p>",
       T(r, "Recipient schools in your reach, with their confirmed needs, how many are met and "
            "how many still have an open gap."));
    hf(r, "<div class=scroll><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
          "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "School"), T(r, "Code"), T(r, "Needs"), T(r, "Met"), T(r, "Open gaps"));
    int n = 0, rc;
    const char *last = NULL;
    while ((rc = db_step(s)) == DB_ROW) {
        if (++n > LIST_PAGE) break;
        last = arena_strdup(r->arena, db_col_text(s, 0));
        hf(r, "<tr><th scope=row><a href=\"/plans/%s/%d\">%s</a></th><td>%s</td>", last, a.year,
           row_name(r, s), last);
        hf(r, "<td data-n>%lld</td><td data-n>%lld</td><td data-n>%lld</td></tr>",
           (long long)db_col_int(s, 3), (long long)db_col_int(s, 4), (long long)db_col_int(s, 5));
    }
    db_done(s);
    if (!n)
        hf(r, "<tr><td colspan=5 class=empty>%s</td></tr>",
           T(r, "No recipient school in this unit."));
    H(r, "</tbody></table></div>");
    if (n > LIST_PAGE && last)
        hf(r, "<p><a href=\"/plans?org=%s&amp;year=%d&amp;cursor=%s\">%s</a></p>", a.org.code,
           a.year, last, T(r, "More"));
    if (rc != DB_ROW && rc != DB_DONE) page_notice(r, "error", db_errmsg(r->db));
    page_end(r);
}
