/* brand_page.c — the brand pages (see brand.h): /brands (brand projects in reach
 * by level against the plan, and the share of running projects covered by
 * region-level media), the project page's brand and media section, and the
 * forms behind it. Complete without JavaScript, phone-first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "brand.h"
#include "core/util.h"
#include "supervision.h"
#include "target.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

const char *media_level_label(Req *r, const char *l)
{
    if (!l) return "";
    if (!strcmp(l, "school")) return T(r, "School");
    if (!strcmp(l, "county")) return T(r, "County");
    if (!strcmp(l, "prefecture")) return T(r, "Prefecture");
    if (!strcmp(l, "region")) return T(r, "Region");
    if (!strcmp(l, "national")) return T(r, "National");
    return l;
}

const char *brand_level_label(Req *r, const char *l)
{
    if (!l) return T(r, "Not a brand");
    if (!strcmp(l, "school")) return T(r, "School-level brand");
    if (!strcmp(l, "prefecture")) return T(r, "Prefecture-level brand");
    if (!strcmp(l, "region")) return T(r, "Region-level brand");
    return l;
}

static const char *name_of(Req *r, const char *zh, const char *en)
{
    return !strcmp(r->lang, "en") && en && *en ? en : zh;
}

static const char *v_or(const char *v, const char *d)
{
    return v ? v : d;
}

/* ---- /brands ------------------------------------------------------------------------- */

/* One row of the plan table: the level's count in reach against a target. */
static void plan_row(Req *r, const char *label, int64_t count, const char *target_code)
{
    Target t;
    int f = target_load(r->db, r->arena, target_code, &t);
    hf(r, "<tr><th scope=row>%s</th><td data-n>%lld</td>", label, (long long)count);
    if (f == 1 && t.has_target)
        hf(r, "<td data-n>%s</td><td>%s</td></tr>", arena_printf(r->arena, "%g", t.target),
           v_or(t.target_period, ""));
    else
        H(r, "<td>—</td><td>—</td></tr>");
}

void brand_page_index(Req *r)
{
    int64_t by[3] = {0}; /* region, prefecture, school */
    DbStmt *s =
        db_q(r->db,
             "SELECT p.brand_level, count(*) FROM projects p WHERE p.brand_level IS NOT NULL"
             " AND " PROJECT_REACH_SQL("p.id") " GROUP BY p.brand_level",
             PROJECT_REACH_TYPES, PROJECT_REACH_ARGS(r, CAP_DATA_READ));
    while (s && db_step(s) == DB_ROW) {
        const char *l = db_col_text(s, 0);
        int i = !strcmp(l, "region") ? 0 : !strcmp(l, "prefecture") ? 1 : 2;
        by[i] += db_col_int(s, 1);
    }
    db_done(s);
    if (!s) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    /* the running projects of this year in reach and those with region-level media */
    char today[11], y0[16], y1[16];
    supervision_today(today);
    snprintf(y0, sizeof y0, "%.4s-01-01", today);
    snprintf(y1, sizeof y1, "%.4s-12-31", today);
    int64_t running = 0, media = 0;
    s = db_q(r->db,
             "SELECT count(*), COALESCE(sum(CASE WHEN EXISTS (SELECT 1 FROM media_coverage m"
             " WHERE m.project_id = p.id AND m.level IN ('region','national')) THEN 1 ELSE 0 END),"
             " 0) FROM projects p WHERE p.status IN " PROJECT_RUNNING_SQL
             " AND p.start_date <= ? AND p.end_date >= ? AND " PROJECT_REACH_SQL("p.id"),
             "ss" PROJECT_REACH_TYPES, y1, y0, PROJECT_REACH_ARGS(r, CAP_DATA_READ));
    if (s && db_step(s) == DB_ROW) running = db_col_int(s, 0), media = db_col_int(s, 1);
    db_done(s);

    page_begin(r, T(r, "Brand projects and media coverage"));
    hf(r, "<h1>%s</h1>", T(r, "Brand projects and media coverage"));
    hf(r, "<p class=lead>%s</p>",
       T(r, "One school, one brand: projects designated brands at school, prefecture "
            "or region level, counted in your reach, against the plan."));
    hf(r,
       "<div class=scroll><table id=brand-plan><thead><tr><th scope=col>%s</th>"
       "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Level"), T(r, "Brand projects"), T(r, "Plan target"), T(r, "Deadline"));
    plan_row(r, T(r, "Region-level brands"), by[0], "region_brand_projects");
    plan_row(r, T(r, "Region-level brands (first stage)"), by[0], "region_brand_projects_2026");
    hf(r, "<tr><th scope=row>%s</th><td data-n>%lld</td><td>—</td><td>—</td></tr>",
       T(r, "Prefecture-level brands"), (long long)by[1]);
    plan_row(r, T(r, "School-level brands"), by[2], "school_brand_projects");
    H(r, "</tbody></table></div>");
    Target mt;
    int hasmt = target_load(r->db, r->arena, "region_media_share", &mt) == 1;
    hf(r, "<h2>%s</h2>", T(r, "Projects covered by region-level media"));
    hf(r,
       "<ul class=stats id=media-share><li><b>%lld</b> %s</li><li><b>%lld</b> %s</li>"
       "<li><b>%s %%</b> %s</li></ul>",
       (long long)running, T(r, "projects running this year"), (long long)media,
       T(r, "with region-level or national coverage"),
       running ? arena_printf(r->arena, "%.1f", 100.0 * (double)media / (double)running) : "—",
       T(r, "share"));
    if (hasmt && mt.has_baseline)
        hf(r, "<p class=note>%s %s %% (%s)</p>", T(r, "Plan baseline:"),
           arena_printf(r->arena, "%g", mt.baseline), v_or(mt.baseline_period, ""));

    hf(r, "<h2>%s</h2>", T(r, "Brand projects"));
    s = db_q(r->db,
             "SELECT p.id, p.title, p.status, p.brand_level, lo.name_zh, lo.name_en, p.brand_by,"
             " (SELECT count(*) FROM media_coverage m WHERE m.project_id = p.id)"
             " FROM projects p JOIN orgs lo ON lo.id = p.lead_org_id"
             " WHERE p.brand_level IS NOT NULL AND " PROJECT_REACH_SQL(
                 "p.id") " ORDER BY CASE p.brand_level WHEN 'region' THEN 0 WHEN 'prefecture' THEN "
                         "1 ELSE 2"
                         " END, p.id LIMIT 500",
             PROJECT_REACH_TYPES, PROJECT_REACH_ARGS(r, CAP_DATA_READ));
    hf(r,
       "<div class=scroll><table id=brands><thead><tr><th scope=col>%s</th><th scope=col>%s"
       "</th><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
       T(r, "Level"), T(r, "Project"), T(r, "Lead"), T(r, "Status"), T(r, "Media items"));
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        int64_t id = db_col_int(s, 0);
        hf(r,
           "<tr><td>%s</td><td><a href=\"/projects/%lld#brand\">#%lld %s</a></td><td>%s</td>"
           "<td>%s</td><td data-n>%lld</td></tr>",
           brand_level_label(r, db_col_text(s, 3)), (long long)id, (long long)id, db_col_text(s, 1),
           name_of(r, db_col_text(s, 4), db_col_text(s, 5)),
           project_status_label(r, db_col_text(s, 2)), (long long)db_col_int(s, 7));
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "No brand project in your reach yet."));
    hf(r, "<p><a href=\"/agreements\">%s</a></p>", T(r, "Cooperation agreements"));
    page_end(r);
}

/* ---- the project page's section ----------------------------------------------------------- */

static const char *const brand_levels[] = {"school", "prefecture", "region", NULL};
static const char *const media_levels[] = {"school", "county",   "prefecture",
                                           "region", "national", NULL};

/* The add-media form, with in's values after a refused submission. */
static void media_form(Req *r, const Project *p, const MediaInput *in, const BrandResult *res)
{
    char today[11];
    supervision_today(today);
    hf(r, "<form method=post action=\"/projects/%lld/media\" class=card><h3>%s</h3>",
       (long long)p->id, T(r, "Add media coverage"));
    form_csrf(r);
    const char *bad = res ? res->field : NULL;
#define ERR(f)                                                                                     \
    if (bad && !strcmp(bad, f)) hf(r, "<span class=field-error>%s</span>", res->message)
    hf(r, "<label>%s<input name=outlet required maxlength=200 value=\"%s\">", T(r, "Outlet"),
       v_or(in ? in->outlet : NULL, ""));
    ERR("outlet");
    hf(r, "</label><label>%s<select name=level>", T(r, "Level"));
    for (const char *const *l = media_levels; *l; l++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *l,
           in && in->level && !strcmp(in->level, *l) ? " selected" : "", media_level_label(r, *l));
    H(r, "</select>");
    ERR("level");
    hf(r, "</label><label>%s<input name=published_on type=date required value=\"%s\" max=\"%s\">",
       T(r, "Published on"), v_or(in ? in->published_on : NULL, today), today);
    ERR("published_on");
    hf(r,
       "</label><label>%s<input name=url type=url maxlength=500 value=\"%s\" "
       "placeholder=\"https://\">",
       T(r, "Link"), v_or(in ? in->url : NULL, ""));
    ERR("url");
    hf(r, "</label><label>%s<input name=title maxlength=300 value=\"%s\">", T(r, "Headline"),
       v_or(in ? in->title : NULL, ""));
    ERR("title");
#undef ERR
    hf(r, "</label><button>%s</button></form>", T(r, "Add"));
}

void brand_section(Req *r, const Project *p)
{
    hf(r, "<section id=brand><h2>%s</h2><p><b>%s</b>", T(r, "Brand and media coverage"),
       brand_level_label(r, p->brand_level));
    DbStmt *s = db_q(r->db, "SELECT brand_by, brand_at FROM projects WHERE id = ?", "i", p->id);
    if (p->brand_level && s && db_step(s) == DB_ROW && !db_col_is_null(s, 0))
        hf(r, " <small>%s, %s</small>", db_col_text(s, 0), fmt_time(r->arena, db_col_int(s, 1)));
    db_done(s);
    H(r, "</p>");
    if (brand_status_ok(p->status)) {
        int any = 0;
        for (const char *const *l = brand_levels; *l; l++)
            any |= brand_may_set(r, p, *l);
        int may_remove = p->brand_level && brand_may_set(r, p, NULL);
        if (any || may_remove) {
            hf(r, "<form method=post action=\"/projects/%lld/brand\" class=filters>",
               (long long)p->id);
            form_csrf(r);
            hf(r, "<label>%s<select name=level>", T(r, "Brand level"));
            if (may_remove || !p->brand_level)
                hf(r, "<option value=\"\"%s>%s</option>", p->brand_level ? "" : " selected",
                   T(r, "Not a brand"));
            for (const char *const *l = brand_levels; *l; l++)
                if (brand_may_set(r, p, *l) || (p->brand_level && !strcmp(p->brand_level, *l)))
                    hf(r, "<option value=\"%s\"%s>%s</option>", *l,
                       p->brand_level && !strcmp(p->brand_level, *l) ? " selected" : "",
                       brand_level_label(r, *l));
            hf(r, "</select></label><button>%s</button></form>", T(r, "Save the brand level"));
        }
    }
    int may_write = project_can(r, CAP_PROJECT_WRITE, p, "lead");
    s = db_q(r->db,
             "SELECT id, project_id, outlet, level, published_on, url, title, created_by,"
             " created_at FROM media_coverage WHERE project_id = ?"
             " ORDER BY published_on DESC, id DESC",
             "i", p->id);
    int n = 0;
    while (s && db_step(s) == DB_ROW) {
        if (!n)
            hf(r,
               "<div class=scroll><table id=media><thead><tr><th scope=col>%s</th>"
               "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
               "<th scope=col></th></tr></thead><tbody>",
               T(r, "Published on"), T(r, "Outlet"), T(r, "Level"), T(r, "Headline"));
        const char *url = db_col_text(s, 5), *title = db_col_text(s, 6);
        hf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", db_col_text(s, 4), db_col_text(s, 2),
           media_level_label(r, db_col_text(s, 3)));
        if (*url)
            hf(r, "<a href=\"%s\" rel=\"noopener noreferrer nofollow\">%s</a>", url,
               *title ? title : url);
        else
            hf(r, "%s", *title ? title : "—");
        H(r, "</td><td>");
        if (may_write) {
            hf(r, "<form method=post action=\"/projects/%lld/media/%lld/delete\" class=inline>",
               (long long)p->id, (long long)db_col_int(s, 0));
            form_csrf(r);
            hf(r, "<button class=link>%s</button></form>", T(r, "Delete"));
        }
        H(r, "</td></tr>");
        n++;
    }
    db_done(s);
    if (n)
        H(r, "</tbody></table></div>");
    else
        hf(r, "<p class=empty>%s</p>", T(r, "No media coverage recorded."));
    if (may_write) media_form(r, p, NULL, NULL);
    H(r, "</section>");
}

/* ---- the forms behind it -------------------------------------------------------------------- */

/* Loads the path's project for a page; 1, or 0 with 404/503 sent. */
static int load_project(Req *r, Project *p)
{
    int f = project_get_visible(r, project_id_param(r, "id"), p);
    if (f < 0) page_error(r, 503, T(r, "The service is busy. Please try again."));
    if (!f) req_not_found(r);
    return f == 1;
}

static void fail_page(Req *r, const BrandResult *res)
{
    if (res->status == 404)
        req_not_found(r);
    else if (res->status == 403)
        page_error(r, 403, res->message);
    else
        page_error(r, res->status, res->message);
}

void brand_page_set(Req *r)
{
    Project p;
    if (!load_project(r, &p)) return;
    const char *level = req_form(r, "level");
    BrandResult res;
    brand_set(r, &p, level && *level ? level : NULL, &res);
    if (res.status) {
        fail_page(r, &res);
        return;
    }
    req_redirect(r, arena_printf(r->arena, "/projects/%lld#brand", (long long)p.id));
}

void media_page_create(Req *r)
{
    Project p;
    if (!load_project(r, &p)) return;
    MediaInput in = {req_form(r, "outlet"), req_form(r, "level"), req_form(r, "published_on"),
                     req_form(r, "url"), req_form(r, "title")};
    BrandResult res;
    media_add(r, &p, &in, &res);
    if (!res.status) {
        req_redirect(r, arena_printf(r->arena, "/projects/%lld#brand", (long long)p.id));
        return;
    }
    if (res.status != 422) {
        fail_page(r, &res);
        return;
    }
    page_begin(r, T(r, "Add media coverage"));
    r->status = 422;
    hf(r, "<nav class=crumbs><a href=\"/projects/%lld#brand\">#%lld %s</a></nav>", (long long)p.id,
       (long long)p.id, p.title);
    page_notice(r, "error", arena_printf(r->arena, "%s: %s", T(r, "Not saved"), res.message));
    media_form(r, &p, &in, &res);
    page_end(r);
}

void media_page_delete(Req *r)
{
    Project p;
    if (!load_project(r, &p)) return;
    int64_t mid = project_id_param(r, "mid");
    BrandResult res = {.status = 404};
    if (mid) media_remove(r, &p, mid, &res);
    if (res.status) {
        fail_page(r, &res);
        return;
    }
    req_redirect(r, arena_printf(r->arena, "/projects/%lld#brand", (long long)p.id));
}
