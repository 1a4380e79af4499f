/* schoolplan_page.c — the views of a school's plan (schoolplan.h): the phone-first
 * page GET /plans/{school}/{year}, the printable view GET …/print (A4, no
 * navigation, a signature block for the school leader and the county official),
 * and the workbook GET /plans/{school}/{year}.xlsx (one sheet per section).
 *
 * The print view and the workbook are written from the same tables (report.h);
 * the page shows each need as a card with its supply and packs beneath, which
 * reads better on a phone than a wide table, and the same tables for the rest. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "report.h"
#include "schoolplan.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "xlsx.h"

/* Decimals to show a quantity with: none for a whole number. */
static int qdec(double v)
{
    return v == floor(v) ? 0 : 2;
}

static const char *qty(Req *r, double v)
{
    return fmt_num(r->arena, v, qdec(v));
}

/* A quantity with its unit, translated where the platform knows it ("3 人"). */
static const char *qu(Req *r, double v, const char *unit)
{
    return arena_printf(r->arena, "%s%s", qty(r, v), unit_suffix(r, unit));
}

/* "Teachers · music" — a need in words. */
static const char *need_label(Req *r, const PlanNeed *n)
{
    const char *c = T(r, plan_category_label(n->category));
    return *n->subject ? arena_printf(r->arena, "%s · %s", c, n->subject) : c;
}

static const PlanNeed *need_by_id(const Plan *p, int64_t id)
{
    for (int i = 0; i < p->nneeds; i++)
        if (p->needs[i].id == id) return &p->needs[i];
    return NULL;
}

static const char *when(Req *r, int64_t t)
{
    return t ? fmt_time(r->arena, t) : NULL;
}

static const char *plan_title(Req *r, const Plan *p)
{
    return arena_printf(r->arena, "%s · %d %s", org_name(r, &p->school), p->year,
                        T(r, "One school, one plan"));
}

/* ---- tables -------------------------------------------------------------------- */

/* A row of two texts (value NULL: an empty cell). */
static void kv_row(Req *r, Table *t, const char *key, const char *value)
{
    Cell *c = table_row(r->arena, t);
    cell_text(&c[0], key);
    cell_text(&c[1], value);
}

static Table *info_table(Req *r, const Plan *p)
{
    Table *t = table_new(r->arena, "school", T(r, "The school"), 2, T(r, "Item"), T(r, "Value"));
    kv_row(r, t, T(r, "School"), org_name(r, &p->school));
    kv_row(r, t, T(r, "Code"), p->school.code);
    kv_row(r, t, T(r, "County"), p->county ? org_name(r, p->county) : NULL);
    kv_row(r, t, T(r, "Prefecture"), p->prefecture ? org_name(r, p->prefecture) : NULL);
    kv_row(r, t, T(r, "Year"), arena_printf(r->arena, "%d", p->year));
    return t;
}

static Table *figures_table(Req *r, const Plan *p)
{
    Table *t = table_new(r->arena, "figures", T(r, "Key figures of the school's portrait"), 3,
                         T(r, "Indicator"), arena_printf(r->arena, "%d", p->year),
                         T(r, "Numerator / denominator"));
    t->note = T(r, "The figures of the year from the school portrait; a ratio is its parts "
                   "summed, never an average.");
    for (int i = 0; i < PLAN_NFIG; i++) {
        const PlanFigure *g = &p->figs[i];
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], g->found ? indicator_name(r, &g->ind) : g->code);
        if (!g->found || !g->fig.has) continue;
        cell_num(&c[1], g->fig.value, unit_decimals(g->ind.unit), unit_suffix(r, g->ind.unit));
        if (g->ind.is_ratio)
            cell_text(&c[2], arena_printf(r->arena, "%s / %s", fmt_num(r->arena, g->fig.num, 0),
                                          fmt_num(r->arena, g->fig.den, 0)));
    }
    return t;
}

static Table *needs_table(Req *r, const Plan *p)
{
    Table *t = table_new(r->arena, "needs", T(r, "Confirmed needs"), 10, T(r, "Category"),
                         T(r, "Subject"), T(r, "Quantity"), T(r, "Met"), T(r, "Open"),
                         T(r, "Unit"), T(r, "Priority"), T(r, "Wanted by"), T(r, "Status"),
                         T(r, "Description"));
    t->note = T(r, "Needs filed by the school or confirmed from its portrait: open, matched, in "
                   "progress or met.");
    for (int i = 0; i < p->nneeds; i++) {
        const PlanNeed *n = &p->needs[i];
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], T(r, plan_category_label(n->category)));
        cell_text(&c[1], *n->subject ? n->subject : NULL);
        cell_num(&c[2], n->quantity, qdec(n->quantity), NULL);
        cell_num(&c[3], n->met, qdec(n->met), NULL);
        cell_num(&c[4], n->open, qdec(n->open), NULL);
        cell_text(&c[5], n->unit);
        cell_num(&c[6], n->priority, 0, NULL);
        cell_text(&c[7], n->wanted_by);
        cell_text(&c[8], T(r, plan_status_label(n->status)));
        cell_text(&c[9], *n->description ? n->description : NULL);
    }
    return t;
}

static Table *supply_table(Req *r, const Plan *p)
{
    Table *t = table_new(r->arena, "supply", T(r, "Matched resources"), 6, T(r, "Need"),
                         T(r, "Resource"), T(r, "Kind"), T(r, "Provider"), T(r, "Quantity"),
                         T(r, "Unit"));
    t->note = T(r, "Supply accepted from the matching, by need.");
    for (int i = 0; i < p->nsupplies; i++) {
        const PlanSupply *x = &p->supplies[i];
        const PlanNeed *n = need_by_id(p, x->need_id);
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], n ? need_label(r, n) : NULL);
        cell_text(&c[1], x->title);
        cell_text(&c[2], T(r, plan_kind_label(x->kind)));
        cell_text(&c[3], x->prov_name);
        cell_num(&c[4], x->quantity, qdec(x->quantity), NULL);
        cell_text(&c[5], x->unit);
    }
    return t;
}

static Table *packs_table(Req *r, const Plan *p)
{
    Table *t = table_new(r->arena, "packs", T(r, "Resource packs"), 7, T(r, "Pack"),
                         T(r, "Status"), T(r, "Delivered"), T(r, "Delivered by"), T(r, "Received"),
                         T(r, "Received by"), T(r, "Note"));
    for (int i = 0; i < p->npacks; i++) {
        const PlanPack *k = &p->packs[i];
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], k->name);
        cell_text(&c[1], T(r, plan_pack_label(k->status)));
        cell_text(&c[2], when(r, k->delivered_at));
        cell_text(&c[3], k->delivered_by);
        cell_text(&c[4], when(r, k->received_at));
        cell_text(&c[5], k->received_by);
        cell_text(&c[6], *k->note ? k->note : NULL);
    }
    return t;
}

static const PlanPack *pack_of(const Plan *p, int64_t id)
{
    for (int i = 0; i < p->npacks; i++)
        if (p->packs[i].id == id) return &p->packs[i];
    return NULL;
}

static Table *items_table(Req *r, const Plan *p)
{
    Table *t = table_new(r->arena, "pack-items", T(r, "What each pack holds"), 6, T(r, "Pack"),
                         T(r, "Resource"), T(r, "Provider"), T(r, "For need"), T(r, "Quantity"),
                         T(r, "Unit"));
    for (int i = 0; i < p->nitems; i++) {
        const PlanItem *it = &p->items[i];
        const PlanPack *k = pack_of(p, it->pack_id);
        const PlanNeed *n = it->need_id ? need_by_id(p, it->need_id) : NULL;
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], k ? k->name : NULL);
        cell_text(&c[1], it->title);
        cell_text(&c[2], it->prov_name);
        cell_text(&c[3], n ? need_label(r, n) : NULL);
        cell_num(&c[4], it->quantity, qdec(it->quantity), NULL);
        cell_text(&c[5], it->unit);
    }
    return t;
}

static Table *projects_table(Req *r)
{
    Table *t = table_new(r->arena, "projects", T(r, "Projects"), 3, T(r, "Project"),
                         T(r, "Delivers"), T(r, "Status"));
    t->note = T(r, "Projects are not recorded in the platform yet; once they are, the projects "
                   "that deliver these needs and packs are listed here.");
    return t;
}

static Table *gaps_table(Req *r, const Plan *p)
{
    Table *t = table_new(r->arena, "gaps", T(r, "Needs with an open gap"), 6, T(r, "Category"),
                         T(r, "Subject"), T(r, "Open"), T(r, "Unit"), T(r, "Priority"),
                         T(r, "Status"));
    t->note = T(r, "Open is the quantity needed less the quantity met; a need marked met has no "
                   "gap left.");
    for (int i = 0; i < p->nneeds; i++) {
        const PlanNeed *n = &p->needs[i];
        if (n->open <= 0) continue;
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], T(r, plan_category_label(n->category)));
        cell_text(&c[1], *n->subject ? n->subject : NULL);
        cell_num(&c[2], n->open, qdec(n->open), NULL);
        cell_text(&c[3], n->unit);
        cell_num(&c[4], n->priority, 0, NULL);
        cell_text(&c[5], T(r, plan_status_label(n->status)));
    }
    return t;
}

static Table *totals_table(Req *r, const Plan *p)
{
    Table *t = table_new(r->arena, "gap-totals", T(r, "Open gaps by category"), 7,
                         T(r, "Category"), T(r, "Unit"), T(r, "Needs"), T(r, "With an open gap"),
                         T(r, "Needed"), T(r, "Met"), T(r, "Open"));
    t->note = T(r, "Quantities are added only within one unit.");
    for (int i = 0; i < p->ntotals; i++) {
        const PlanTotal *g = &p->totals[i];
        Cell *c = table_row(r->arena, t);
        cell_text(&c[0], T(r, plan_category_label(g->category)));
        cell_text(&c[1], g->unit);
        cell_num(&c[2], (double)g->needs, 0, NULL);
        cell_num(&c[3], (double)g->open_needs, 0, NULL);
        cell_num(&c[4], g->quantity, qdec(g->quantity), NULL);
        cell_num(&c[5], g->met, qdec(g->met), NULL);
        cell_num(&c[6], g->open, qdec(g->open), NULL);
        if (g->open > 0) c[6].cls = "gap-bad";
    }
    return t;
}

/* ---- the page ------------------------------------------------------------------- */

/* One need as a card: what, how much is met, its supply and its packs. */
static void need_card(Req *r, const Plan *p, const PlanNeed *n)
{
    hf(r, "<article class=need id=\"need-%lld\"><h3>%s</h3>", (long long)n->id, need_label(r, n));
    hf(r, "<p class=kv><span class=\"tag st-%s\">%s</span> · %s %d", n->status,
       T(r, plan_status_label(n->status)), T(r, "Priority"), n->priority);
    if (n->wanted_by) hf(r, " · %s %s", T(r, "Wanted by"), n->wanted_by);
    if (!strcmp(n->source, "derived")) hf(r, " · %s", T(r, "from the portrait"));
    H(r, "</p>");
    hf(r, "<p><meter min=0 max=\"%s\" value=\"%s\"></meter> %s %s / %s",
       arena_printf(r->arena, "%.12g", n->quantity), arena_printf(r->arena, "%.12g", n->met),
       T(r, "Met"), qty(r, n->met), qu(r, n->quantity, n->unit));
    if (n->open > 0)
        hf(r, " · <b class=open>%s %s</b>", T(r, "Open"), qu(r, n->open, n->unit));
    H(r, "</p>");
    if (*n->description) hf(r, "<p>%s</p>", n->description);
    int any = 0;
    for (int k = 0; k < p->nsupplies; k++) {
        const PlanSupply *x = &p->supplies[k];
        if (x->need_id != n->id) continue;
        if (!any++) hf(r, "<h4>%s</h4><ul class=supply>", T(r, "Matched resources"));
        hf(r, "<li>%s <span class=kv>(%s)</span> — %s · %s</li>", x->title,
           T(r, plan_kind_label(x->kind)), x->prov_name, qu(r, x->quantity, x->unit));
    }
    if (any) H(r, "</ul>");
    else hf(r, "<p class=kv>%s</p>", T(r, "No resource matched yet."));
    any = 0;
    for (int k = 0; k < p->nitems; k++) {
        const PlanItem *it = &p->items[k];
        const PlanPack *pk = it->need_id == n->id ? pack_of(p, it->pack_id) : NULL;
        if (!pk) continue;
        if (!any++) hf(r, "<h4>%s</h4><ul class=supply>", T(r, "Resource packs"));
        hf(r, "<li>%s: %s %s — %s", pk->name, it->title, qu(r, it->quantity, it->unit),
           T(r, plan_pack_label(pk->status)));
        if (pk->delivered_at)
            hf(r, " · %s %s %s", T(r, "Delivered"), when(r, pk->delivered_at),
               pk->delivered_by ? pk->delivered_by : "");
        if (pk->received_at)
            hf(r, " · %s %s %s", T(r, "Received"), when(r, pk->received_at),
               pk->received_by ? pk->received_by : "");
        H(r, "</li>");
    }
    if (any) H(r, "</ul>");
    H(r, "</article>");
}

void plan_page(Req *r)
{
    Plan p;
    if (!plan_gather(r, &p)) return;
    const char *name = org_name(r, &p.school);
    page_begin(r, plan_title(r, &p));
    report_styles(r);
    H(r, "<link rel=stylesheet href=\"/assets/plan.css\">");
    report_crumbs(r, p.anc, p.nanc, &p.school);
    hf(r, "<h1>%s <small>%d %s</small></h1>", name, p.year, T(r, "One school, one plan"));
    hf(r, "<p class=kv>%s %s", T(r, "Code"), p.school.code);
    if (p.county) hf(r, " · %s", org_name(r, p.county));
    if (p.prefecture) hf(r, " · %s", org_name(r, p.prefecture));
    H(r, "</p><p class=actions>");
    hf(r, "<a href=\"/plans/%s/%d/print\">%s</a>", p.school.code, p.year, T(r, "Print view"));
    hf(r, "<a href=\"/plans/%s/%d.xlsx\" download>%s</a>", p.school.code, p.year,
       T(r, "Export to Excel"));
    hf(r, "<a href=\"/orgs/%s/portrait\">%s</a>", p.school.code, T(r, "School portrait"));
    hf(r, "<a href=\"/plans/%s/%d\">%d</a>", p.school.code, p.year - 1, p.year - 1);
    hf(r, "<a href=\"/plans/%s/%d\">%d</a>", p.school.code, p.year + 1, p.year + 1);
    H(r, "</p>");
    hf(r, "<ul class=sections aria-label=\"%s\">", T(r, "Sections"));
    hf(r, "<li><a href=\"#sec-figures\">%s</a></li>", T(r, "Key figures"));
    hf(r, "<li><a href=\"#sec-needs\">%s</a></li>", T(r, "Confirmed needs"));
    hf(r, "<li><a href=\"#sec-packs\">%s</a></li>", T(r, "Resource packs"));
    hf(r, "<li><a href=\"#sec-projects\">%s</a></li>", T(r, "Projects"));
    hf(r, "<li><a href=\"#sec-gaps\">%s</a></li></ul>", T(r, "Open gaps"));

    /* the summary first: what a liaison officer wants to see on arrival */
    int open_needs = 0, met = 0;
    for (int i = 0; i < p.nneeds; i++) {
        open_needs += p.needs[i].open > 0;
        met += !strcmp(p.needs[i].status, "met");
    }
    hf(r, "<ul class=stats><li><b>%d</b> %s</li><li><b>%d</b> %s</li><li><b>%d</b> %s</li>"
          "<li><b>%d</b> %s</li></ul>",
       p.nneeds, T(r, "confirmed needs"), met, T(r, "met"), open_needs,
       T(r, "with an open gap"), p.npacks, T(r, "resource packs"));

    hf(r, "<section id=sec-figures><h2>%s</h2>", T(r, "Key figures"));
    table_html(r, figures_table(r, &p));
    H(r, "</section>");

    hf(r, "<section id=sec-needs><h2>%s</h2>", T(r, "Confirmed needs"));
    if (!p.nneeds)
        hf(r, "<p class=empty>%s</p>", T(r, "No confirmed need for this year yet."));
    for (int i = 0; i < p.nneeds; i++)
        need_card(r, &p, &p.needs[i]);
    H(r, "</section>");

    hf(r, "<section id=sec-packs><h2>%s</h2>", T(r, "Resource packs"));
    table_html(r, packs_table(r, &p));
    if (p.nitems) table_html(r, items_table(r, &p));
    H(r, "</section>");

    hf(r, "<section id=sec-projects><h2>%s</h2>", T(r, "Projects"));
    table_html(r, projects_table(r));
    H(r, "</section>");

    hf(r, "<section id=sec-gaps><h2>%s</h2>", T(r, "Open gaps"));
    table_html(r, totals_table(r, &p));
    table_html(r, gaps_table(r, &p));
    H(r, "</section>");
    page_end(r);
}

/* ---- the print view --------------------------------------------------------------- */

/* One signature box: who signs, the signature line and the date line. */
static void sign_box(Req *r, const char *who, const char *unit)
{
    hf(r, "<div class=sign-box><p><b>%s</b></p><p>%s</p>", who, unit ? unit : "");
    hf(r, "<p class=sign-line>%s</p>", T(r, "Signature:"));
    hf(r, "<p class=sign-line>%s</p></div>", T(r, "Date:"));
}

void plan_print(Req *r)
{
    Plan p;
    if (!plan_gather(r, &p)) return;
    r->status = 200;
    r->ctype = "text/html; charset=utf-8";
    const char *title = plan_title(r, &p);
    /* a document of its own: no header, no navigation, only the plan */
    hf(r,
       "<!doctype html><html lang=\"%s\"><head><meta charset=utf-8>"
       "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
       "<title>%s</title><link rel=stylesheet href=\"/assets/style.css\">"
       "<link rel=stylesheet href=\"/assets/dashboard.css\">"
       "<link rel=stylesheet href=\"/assets/plan.css\"><link rel=icon href=\"data:,\"></head>"
       "<body class=plan-print><main>",
       strcmp(r->lang, "zh") == 0 ? "zh-CN" : "en", title);
    hf(r, "<p class=screen-only><a href=\"/plans/%s/%d\">%s</a> · %s</p>", p.school.code, p.year,
       T(r, "Back to the plan"), T(r, "Print this page from the browser (A4)."));
    hf(r, "<h1>%s</h1><p class=subtitle>%d %s</p>", org_name(r, &p.school), p.year,
       T(r, "One school, one plan"));
    table_html(r, info_table(r, &p));
    table_html(r, figures_table(r, &p));
    table_html(r, needs_table(r, &p));
    table_html(r, supply_table(r, &p));
    table_html(r, packs_table(r, &p));
    if (p.nitems) table_html(r, items_table(r, &p));
    table_html(r, projects_table(r));
    table_html(r, totals_table(r, &p));
    table_html(r, gaps_table(r, &p));
    hf(r, "<section class=signatures aria-label=\"%s\">", T(r, "Signatures"));
    sign_box(r, T(r, "School leader"), org_name(r, &p.school));
    sign_box(r, T(r, "County education official"), p.county ? org_name(r, p.county) : NULL);
    H(r, "</section>");
    hf(r, "<p class=printed>%s %s</p>", T(r, "Printed"), fmt_time(r->arena, now_s()));
    H(r, "</main></body></html>");
}

/* ---- the workbook ------------------------------------------------------------------ */

/* One sheet of one or two tables. */
static void sheet(Req *r, Book *b, const char *name, Table *a, Table *c)
{
    Table **t = arena_alloc(r->arena, sizeof *t * 2);
    t[0] = a;
    t[1] = c;
    book_sheet(b, name, t, c ? 2 : 1);
}

void plan_xlsx(Req *r)
{
    Plan p;
    if (!plan_gather(r, &p)) return;
    Book *b = book_new(r);
    sheet(r, b, T(r, "The school"), info_table(r, &p), figures_table(r, &p));
    sheet(r, b, T(r, "Confirmed needs"), needs_table(r, &p), NULL);
    sheet(r, b, T(r, "Matched resources"), supply_table(r, &p), NULL);
    sheet(r, b, T(r, "Resource packs"), packs_table(r, &p), items_table(r, &p));
    sheet(r, b, T(r, "Projects"), projects_table(r), NULL);
    sheet(r, b, T(r, "Open gaps"), totals_table(r, &p), gaps_table(r, &p));
    book_send(b, arena_printf(r->arena, "plan-%s-%d.xlsx", p.school.code, p.year),
              arena_printf(r->arena, "%s-%d-%s.xlsx", org_name(r, &p.school), p.year,
                           T(r, "One school, one plan")));
}
