/* resource_page.c — the resource library's pages: the filtered list, the form
 * for a new resource (every kind's fields grouped, no JavaScript: the server
 * reads only the chosen kind's group), a resource's page with its edit form.
 * Forms are turned into the API's JSON shape and saved by the same functions
 * as the API (resource.c), so both check exactly the same things. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "resource_int.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

/* A quantity without needless decimals (arena). */
static const char *num(Req *r, double v)
{
    return arena_printf(r->arena, "%.10g", v);
}

static void options(Req *r, const char *const *values, const char *cur, int blank,
                    const char *(*label)(const char *))
{
    if (blank) hf(r, "<option value=\"\">%s</option>", T(r, "All"));
    for (const char *const *v = values; *v; v++)
        hf(r, "<option value=\"%s\"%s>%s</option>", *v, cur && !strcmp(cur, *v) ? " selected" : "",
           T(r, label ? label(*v) : *v));
}

/* ---- the list ------------------------------------------------------------ */

void resource_page_index(Req *r)
{
    ResFilter f;
    if (!res_list_parse(r, &f, 200)) return;
    page_begin(r, T(r, "Resource library"));
    hf(r, "<h1>%s</h1>", T(r, "Resource library"));
    if (r->auth.caps & CAPBIT(CAP_RESOURCE_WRITE))
        hf(r, "<p><a class=button href=\"/resources/new\">%s</a> <a href=\"/packs\">%s</a></p>",
           T(r, "Offer a resource"), T(r, "Resource packs"));
    else hf(r, "<p><a href=\"/packs\">%s</a></p>", T(r, "Resource packs"));
    hf(r, "<form method=get action=\"/resources\" class=filters><label>%s<select name=kind>",
       T(r, "Kind"));
    options(r, resource_kinds, f.kind, 1, resource_kind_label);
    hf(r, "</select></label><label>%s<select name=category>", T(r, "Need category"));
    options(r, resource_categories, f.category, 1, resource_category_label);
    hf(r,
       "</select></label><label>%s<input name=subject maxlength=50 value=\"%s\"></label>"
       "<label>%s<input name=provider maxlength=32 value=\"%s\" placeholder=\"%s\"></label>"
       "<label>%s<input name=reach maxlength=32 value=\"%s\" placeholder=\"653121\"></label>"
       "<label>%s<input type=date name=available_on value=\"%s\"></label>"
       "<button>%s</button></form>",
       T(r, "Subject"), f.subject ? f.subject : "", T(r, "Provider code"),
       f.provider ? f.provider : "", T(r, "Code"), T(r, "Can reach (code)"),
       f.reach ? f.reach : "", T(r, "Available on"), f.available_on ? f.available_on : "",
       T(r, "Filter"));
    DbStmt *s = res_list_query(r, &f, f.limit + 1);
    hf(r,
       "<div class=scroll><table class=stack><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
       "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
       T(r, "Resource"), T(r, "Kind"), T(r, "Need category"), T(r, "Provider"),
       T(r, "Remaining / capacity"), T(r, "Available"));
    int n = 0, more = 0;
    int64_t last = 0;
    while (s && db_step(s) == DB_ROW) {
        if (n == f.limit) {
            more = 1;
            break;
        }
        Resource x;
        res_row(s, r->arena, &x);
        hf(r,
           "<tr%s><td><a href=\"/resources/%lld\">%s</a></td><td data-label=\"%s\">%s</td>"
           "<td data-label=\"%s\">%s%s%s</td><td data-label=\"%s\">%s</td>"
           "<td data-label=\"%s\">%s / %s %s</td><td data-label=\"%s\">%s – %s</td></tr>",
           x.active ? "" : " class=inactive", (long long)x.id, x.title, T(r, "Kind"),
           T(r, resource_kind_label(x.kind)), T(r, "Need category"),
           T(r, resource_category_label(x.category)), *x.subject ? " · " : "", x.subject,
           T(r, "Provider"), x.provider_name, T(r, "Remaining / capacity"), num(r, x.remaining),
           num(r, x.capacity), x.unit, T(r, "Available"), x.available_from, x.available_to);
        last = x.id;
        n++;
    }
    db_done(s);
    H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "Nothing found."));
    if (more) {
        /* the same filters, the next page */
        Buf q;
        buf_init(&q);
        const char *names[] = {"kind", "category", "subject", "provider", "reach", "available_on",
                               "active"};
        const char *vals[] = {f.kind, f.category, f.subject, f.provider, f.reach, f.available_on,
                              f.active};
        for (int i = 0; i < 7; i++)
            if (vals[i]) buf_appendf(&q, "%s=%s&", names[i], url_encode(r->arena, vals[i]));
        hf(r, "<p><a href=\"/resources?%scursor=%lld\">%s</a></p>", q.data, (long long)last,
           T(r, "More"));
        buf_free(&q);
    }
    page_end(r);
}

/* ---- the new-resource form ----------------------------------------------- */

/* The value a field had in the submitted form (for re-rendering), or "". */
static const char *prev(Req *r, const char *name)
{
    if (strcmp(r->method, "POST")) return "";
    const char *v = req_form(r, name);
    return v ? v : "";
}

static void field_error(Req *r, const ResSave *o, const char *field)
{
    if (o && o->status == 422 && o->field && !strcmp(o->field, field))
        hf(r, "<span class=field-error>%s</span>", o->message);
}

/* Whether a reach checkbox with this code was ticked in the submitted form. */
static int ticked(Req *r, const char *name, const char *code)
{
    if (strcmp(r->method, "POST")) return 0;
    req_form(r, name); /* parses the form */
    for (int i = 0; i < r->nform; i++)
        if (!strcmp(r->fname[i], name) && !strcmp(r->fval[i], code)) return 1;
    return 0;
}

/* The reach choice: the region and its prefectures as boxes, counties as codes. */
static void reach_fields(Req *r, const ResSave *o, const char *extra)
{
    hf(r, "<fieldset><legend>%s</legend>", T(r, "Can reach"));
    DbStmt *s = db_q(r->db,
                     "SELECT code, name_zh FROM orgs WHERE kind IN ('region','prefecture')"
                     " ORDER BY depth, code",
                     "");
    while (s && db_step(s) == DB_ROW) {
        const char *code = db_col_text(s, 0);
        hf(r, "<label class=check><input type=checkbox name=reach value=\"%s\"%s> %s</label>",
           code, ticked(r, "reach", code) ? " checked" : "", db_col_text(s, 1));
    }
    db_done(s);
    hf(r,
       "<label>%s<input name=reach_codes maxlength=400 value=\"%s\" placeholder=\"653121 653122\">"
       "</label>",
       T(r, "Counties (codes, separated by spaces)"), extra ? extra : prev(r, "reach_codes"));
    field_error(r, o, "reach");
    H(r, "</fieldset>");
}

static void new_form(Req *r, const ResSave *o)
{
    hf(r, "<form method=post action=\"/resources\" class=card><h2>%s</h2>", T(r, "Offer a resource"));
    form_csrf(r);
    hf(r, "<label>%s<select name=provider required>", T(r, "Provider"));
    DbStmt *s = db_q(r->db,
                     "SELECT o.code, o.name_zh FROM orgs o WHERE ((o.kind = 'school' AND"
                     " o.is_helper = 1) OR o.kind = 'partner') AND o.active = 1 AND "
                     REACH_SQL("o.path") " ORDER BY o.kind DESC, o.code LIMIT 500",
                     "is", REACH_ARGS(r, CAP_RESOURCE_WRITE));
    const char *pv = prev(r, "provider");
    while (s && db_step(s) == DB_ROW)
        hf(r, "<option value=\"%s\"%s>%s</option>", db_col_text(s, 0),
           !strcmp(pv, db_col_text(s, 0)) ? " selected" : "", db_col_text(s, 1));
    db_done(s);
    H(r, "</select>");
    field_error(r, o, "provider");
    hf(r, "</label><label>%s<select name=kind>", T(r, "Kind"));
    options(r, resource_kinds, prev(r, "kind"), 0, resource_kind_label);
    H(r, "</select>");
    field_error(r, o, "kind");
    hf(r, "</label><label>%s<select name=category>", T(r, "Need category it serves"));
    options(r, resource_categories, prev(r, "category"), 0, resource_category_label);
    H(r, "</select>");
    field_error(r, o, "category");
    hf(r,
       "</label><label>%s<input name=title required maxlength=200 value=\"%s\">",
       T(r, "Title"), prev(r, "title"));
    field_error(r, o, "title");
    hf(r, "</label><label>%s<input name=subject maxlength=50 value=\"%s\">", T(r, "Subject"),
       prev(r, "subject"));
    field_error(r, o, "subject");
    hf(r, "</label><label>%s<select name=stage><option value=\"\">—</option>", T(r, "Stage"));
    options(r, resource_stages, prev(r, "stage"), 0, NULL);
    H(r, "</select>");
    field_error(r, o, "stage");
    hf(r,
       "</label><label>%s<input name=capacity required inputmode=decimal value=\"%s\">",
       T(r, "Capacity"), prev(r, "capacity"));
    field_error(r, o, "capacity");
    hf(r, "</label><label>%s<input name=unit maxlength=20 value=\"%s\" placeholder=\"%s\">",
       T(r, "Unit"), prev(r, "unit"), T(r, "teachers, seats, hours, sets, yuan…"));
    field_error(r, o, "unit");
    hf(r, "</label><label>%s<input type=date name=available_from required value=\"%s\">",
       T(r, "Available from"), prev(r, "available_from"));
    field_error(r, o, "available_from");
    hf(r, "</label><label>%s<input type=date name=available_to required value=\"%s\">",
       T(r, "Available to"), prev(r, "available_to"));
    field_error(r, o, "available_to");
    hf(r, "</label><label>%s<input name=description maxlength=4000 value=\"%s\">",
       T(r, "Description"), prev(r, "description"));
    H(r, "</label>");
    reach_fields(r, o, NULL);
    hf(r, "<p class=lead>%s</p>", T(r, "Fill in only the group of the kind chosen above."));
    const char *kind = NULL;
    for (const ResAttrDef *d = resource_attr_defs; d->kind; d++) {
        if (!kind || strcmp(kind, d->kind)) {
            if (kind) H(r, "</fieldset>");
            kind = d->kind;
            hf(r, "<fieldset><legend>%s</legend>", T(r, resource_kind_label(kind)));
        }
        const char *name = arena_printf(r->arena, "a_%s_%s", d->kind, d->name);
        const char *label = d->type == 'f' || d->type == 'F'
                                ? (d->type == 'F' ? T(r, "Amount (yuan)") : T(r, "Value (yuan)"))
                                : T(r, d->label);
        if (d->type == 'g') {
            hf(r, "<label>%s<select name=\"%s\"><option value=\"\">—</option>", label, name);
            options(r, resource_stages, prev(r, name), 0, NULL);
            H(r, "</select>");
        } else {
            hf(r, "<label>%s<input name=\"%s\" maxlength=100%s value=\"%s\">", label, name,
               d->type == 's' ? "" : " inputmode=decimal", prev(r, name));
        }
        field_error(r, o, arena_printf(r->arena, "attrs.%s", d->name));
        H(r, "</label>");
    }
    if (kind) H(r, "</fieldset>");
    hf(r, "<button>%s</button></form>", T(r, "Save"));
}

void resource_page_new(Req *r)
{
    page_begin(r, T(r, "Offer a resource"));
    hf(r, "<p class=crumbs><a href=\"/resources\">%s</a></p>", T(r, "Resource library"));
    new_form(r, NULL);
    page_end(r);
}

/* A form value as a JSON number when it parses as one (a string otherwise, so
 * that validation names the field); NULL when empty. */
static json_t *form_number(const char *v)
{
    if (!v || !*v) return NULL;
    char *end;
    double d = strtod(v, &end);
    if (*end || end == v || !isfinite(d)) return json_string(v);
    return json_real(d);
}

/* Whole numbers as integers; yuan (fen=1) as whole fen. */
static json_t *form_integer(const char *v, int yuan)
{
    if (!v || !*v) return NULL;
    char *end;
    double d = strtod(v, &end);
    if (*end || end == v || !isfinite(d) || fabs(d) > 1e13) return json_string(v);
    if (yuan) d *= 100;
    double rd = round(d);
    if (fabs(d - rd) > 1e-6) return json_string(v);
    return json_integer((json_int_t)rd);
}

/* Adds the whitespace/comma-separated codes of s to the array a. */
static void add_codes(json_t *a, const char *s)
{
    while (s && *s) {
        while (*s == ' ' || *s == ',' || *s == '\t' || *s == '\n' || *s == '\r') s++;
        const char *e = s;
        while (*e && *e != ' ' && *e != ',' && *e != '\t' && *e != '\n' && *e != '\r') e++;
        if (e > s) json_array_append_new(a, json_stringn(s, (size_t)(e - s)));
        s = e;
    }
}

/* The reach of a submitted form: ticked boxes and typed codes. */
static json_t *form_reach(Req *r)
{
    json_t *a = json_array();
    req_form(r, "reach");
    for (int i = 0; i < r->nform; i++)
        if (!strcmp(r->fname[i], "reach") && *r->fval[i])
            json_array_append_new(a, json_string(r->fval[i]));
    add_codes(a, req_form(r, "reach_codes"));
    return a;
}

/* The new-resource form in the API's shape (new reference). */
static json_t *form_to_json(Req *r)
{
    json_t *j = json_object();
    static const char *const texts[] = {"provider", "kind",           "category",
                                        "subject",  "stage",          "title",
                                        "description", "unit",        "available_from",
                                        "available_to", NULL};
    for (const char *const *f = texts; *f; f++) {
        const char *v = req_form(r, *f);
        if (v && *v) json_object_set_new(j, *f, json_string(v));
    }
    json_t *cap = form_number(req_form(r, "capacity"));
    if (cap) json_object_set_new(j, "capacity", cap);
    json_object_set_new(j, "reach", form_reach(r));
    const char *kind = req_form(r, "kind");
    json_t *attrs = json_object();
    for (const ResAttrDef *d = resource_attr_defs; d->kind && kind; d++) {
        if (strcmp(d->kind, kind)) continue;
        const char *v = req_form(r, arena_printf(r->arena, "a_%s_%s", d->kind, d->name));
        json_t *jv = NULL;
        if (d->type == 'i') jv = form_integer(v, 0);
        else if (d->type == 'f' || d->type == 'F') jv = form_integer(v, 1);
        else if (d->type == 'n') jv = form_number(v);
        else if (v && *v) jv = json_string(v);
        if (jv) json_object_set_new(attrs, d->name, jv);
    }
    json_object_set_new(j, "attrs", attrs);
    return j;
}

void resource_page_create(Req *r)
{
    json_t *j = form_to_json(r);
    ResSave o;
    resource_save_create(r, j, &o);
    json_decref(j);
    if (!o.status) {
        req_redirect(r, arena_printf(r->arena, "/resources/%lld", (long long)o.id));
        return;
    }
    if (o.status != 422) {
        if (o.status == 404) req_not_found(r);
        else page_error(r, o.status, o.message ? o.message : T(r, "Not saved"));
        return;
    }
    page_begin(r, T(r, "Offer a resource"));
    r->status = 422;
    page_notice(r, "error", arena_printf(r->arena, "%s: %s", T(r, "Not saved"), o.message));
    new_form(r, &o);
    page_end(r);
}

/* ---- one resource -------------------------------------------------------- */

/* The reach codes of x separated by spaces (arena). */
static const char *reach_text(Req *r, const Resource *x, int names)
{
    Buf b;
    buf_init(&b);
    DbStmt *s = db_q(r->db,
                     "SELECT o.code, o.name_zh FROM resource_reach rr JOIN orgs o ON"
                     " o.id = rr.org_id WHERE rr.resource_id = ? ORDER BY o.code",
                     "i", x->id);
    while (s && db_step(s) == DB_ROW) {
        if (b.len) buf_puts(&b, names ? "、" : " ");
        buf_puts(&b, db_col_text(s, names ? 1 : 0));
    }
    db_done(s);
    const char *out = arena_strdup(r->arena, b.data);
    buf_free(&b);
    return out;
}

static void show(Req *r, const Resource *x, const ResSave *o, const char *notice)
{
    page_begin(r, x->title);
    if (o && o->status) r->status = o->status;
    hf(r, "<p class=crumbs><a href=\"/resources\">%s</a></p><h1>%s</h1>", T(r, "Resource library"),
       x->title);
    if (notice) page_notice(r, "ok", notice);
    if (o && o->status)
        page_notice(r, "error", arena_printf(r->arena, "%s: %s", T(r, "Not saved"), o->message));
    hf(r,
       "<dl class=facts><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
       T(r, "Kind"), T(r, resource_kind_label(x->kind)), T(r, "Need category"),
       T(r, resource_category_label(x->category)), T(r, "Provider"), x->provider_name);
    if (*x->subject) hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Subject"), x->subject);
    if (*x->stage) hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Stage"), x->stage);
    hf(r,
       "<dt>%s</dt><dd>%s %s</dd><dt>%s</dt><dd>%s %s</dd><dt>%s</dt><dd>%s – %s</dd>"
       "<dt>%s</dt><dd>%s</dd>",
       T(r, "Capacity"), num(r, x->capacity), x->unit, T(r, "Remaining"), num(r, x->remaining),
       x->unit, T(r, "Available"), x->available_from, x->available_to, T(r, "Can reach"),
       reach_text(r, x, 1));
    json_t *attrs = json_loads(x->attrs, 0, NULL);
    for (const ResAttrDef *d = resource_attr_defs; d->kind && attrs; d++) {
        if (strcmp(d->kind, x->kind)) continue;
        json_t *v = json_object_get(attrs, d->name);
        if (!v) continue;
        if (d->type == 'f' || d->type == 'F')
            hf(r, "<dt>%s</dt><dd>%s</dd>", d->type == 'F' ? T(r, "Amount (yuan)") : T(r, "Value (yuan)"),
               arena_printf(r->arena, "%.2f", (double)json_integer_value(v) / 100.0));
        else if (json_is_string(v))
            hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, d->label), json_string_value(v));
        else hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, d->label), num(r, json_number_value(v)));
    }
    json_decref(attrs);
    if (*x->description) hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Description"), x->description);
    if (!x->active) hf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Status"), T(r, "Inactive"));
    H(r, "</dl>");
    if (can(r, CAP_RESOURCE_WRITE, x->provider_path)) {
        hf(r, "<form method=post action=\"/resources/%lld\" class=card><h2>%s</h2>",
           (long long)x->id, T(r, "Edit"));
        form_csrf(r);
        int post = o != NULL;
        hf(r, "<label>%s<input name=title required maxlength=200 value=\"%s\">", T(r, "Title"),
           post ? prev(r, "title") : x->title);
        field_error(r, o, "title");
        hf(r, "</label><label>%s<input name=capacity inputmode=decimal value=\"%s\">",
           T(r, "Capacity"), post ? prev(r, "capacity") : num(r, x->capacity));
        field_error(r, o, "capacity");
        hf(r, "</label><label>%s<input type=date name=available_from value=\"%s\">",
           T(r, "Available from"), post ? prev(r, "available_from") : x->available_from);
        field_error(r, o, "available_from");
        hf(r, "</label><label>%s<input type=date name=available_to value=\"%s\">",
           T(r, "Available to"), post ? prev(r, "available_to") : x->available_to);
        field_error(r, o, "available_to");
        hf(r,
           "</label><label>%s<input name=reach_codes maxlength=400 value=\"%s\"></label>",
           T(r, "Can reach (codes, separated by spaces)"),
           post ? prev(r, "reach_codes") : reach_text(r, x, 0));
        field_error(r, o, "reach");
        hf(r, "<label>%s<input name=description maxlength=4000 value=\"%s\"></label>",
           T(r, "Description"), post ? prev(r, "description") : x->description);
        hf(r, "<label class=check><input type=checkbox name=active%s> %s</label>",
           (post ? req_form(r, "active") != NULL : x->active) ? " checked" : "", T(r, "Active"));
        hf(r, "<button>%s</button></form>", T(r, "Save"));
    }
    page_end(r);
}

/* Loads the {id} resource for a page; 0 after sending the 404. */
static int load_page(Req *r, Resource *x)
{
    int64_t id = res_param_id(r);
    if (!id || resource_load(r->db, r->arena, id, x) != 1) {
        req_not_found(r);
        return 0;
    }
    return 1;
}

void resource_page_show(Req *r)
{
    Resource x;
    if (load_page(r, &x)) show(r, &x, NULL, NULL);
}

void resource_page_update(Req *r)
{
    Resource x;
    if (!load_page(r, &x)) return;
    json_t *j = json_object();
    static const char *const texts[] = {"title", "description", "available_from", "available_to",
                                        NULL};
    for (const char *const *f = texts; *f; f++) {
        const char *v = req_form(r, *f);
        if (v) json_object_set_new(j, *f, json_string(v));
    }
    json_t *cap = form_number(req_form(r, "capacity"));
    if (cap) json_object_set_new(j, "capacity", cap);
    if (req_form(r, "reach_codes")) {
        json_t *a = json_array();
        add_codes(a, req_form(r, "reach_codes"));
        json_object_set_new(j, "reach", a);
    }
    json_object_set_new(j, "active", json_boolean(req_form(r, "active") != NULL));
    ResSave o;
    resource_save_patch(r, x.id, j, &o);
    json_decref(j);
    if (o.status == 404) {
        req_not_found(r);
        return;
    }
    if (o.status && o.status != 422) {
        page_error(r, o.status, o.message ? o.message : T(r, "Not saved"));
        return;
    }
    Resource fresh;
    if (!o.status && resource_load(r->db, r->arena, x.id, &fresh) == 1) x = fresh;
    show(r, &x, o.status ? &o : NULL, o.status ? NULL : T(r, "Saved."));
}
