/* pack_page.c — building a resource pack (资源包) in the browser (see pack.h).
 * GET /packs/new?school=&year= lists the school's open and matched needs of the
 * year and, under each, the active resources that can serve it (same category,
 * reach covering the school, available in the year, something left), with a
 * quantity field per need and resource. POST /packs turns the form into the
 * API's JSON body and creates the pack through pack_create() — the very code of
 * POST /api/v1/packs: all or nothing, capacity consumed, audited. A refusal
 * re-renders the form with the message beside the item it concerns.
 * Phone-first (one card per need, stacked tables) and complete without JavaScript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "core/util.h"
#include "need.h"
#include "pack.h"
#include "report.h"
#include "resource_int.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

enum { PER_NEED = 10 }; /* resources offered under one need */

/* The school a pack is for; strings in the request's arena. */
typedef struct School {
    int64_t id;
    const char *code, *name, *path, *kind;
    int recipient;
} School;

/* What a refused POST tells the form: the message at the top, and per submitted
 * item (in form order, by its field name) the message beside it. */
typedef struct Refusal {
    const char *message; /* NULL when nothing was refused */
    const char *field;   /* "name", "note", "year" or NULL */
    int nitems;
    const char **item_field; /* q_<need>_<resource> of item i */
    const char **item_error; /* the message beside item i, or NULL */
} Refusal;

static int this_year(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

/* Loads the organisation with this code; 1 found, 0 not, -1 on error. */
static int school_load(Req *r, const char *code, School *s)
{
    memset(s, 0, sizeof *s);
    if (!code || !valid_code(code)) return 0;
    DbStmt *q = db_q(r->db, "SELECT id, code, name_zh, path, kind, is_recipient FROM orgs"
                            " WHERE code = ?",
                     "s", code);
    if (!q) return -1;
    int rc = db_step(q), f = 0;
    if (rc == DB_ROW) {
        s->id = db_col_int(q, 0);
        s->code = arena_strdup(r->arena, db_col_text(q, 1));
        s->name = arena_strdup(r->arena, db_col_text(q, 2));
        s->path = arena_strdup(r->arena, db_col_text(q, 3));
        s->kind = arena_strdup(r->arena, db_col_text(q, 4));
        s->recipient = (int)db_col_int(q, 5);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(q);
    return f;
}

/* Whether the caller may build packs for this school here: the school must be in
 * reach (data.read or resource.write); others get the same 404 as a missing one. */
static int school_in_reach(Req *r, const School *s)
{
    return can(r, CAP_DATA_READ, s->path) || can(r, CAP_RESOURCE_WRITE, s->path);
}

/* The value a field had in the submitted form, or def. */
static const char *prev(Req *r, const char *name, const char *def)
{
    if (strcmp(r->method, "POST")) return def;
    const char *v = req_form(r, name);
    return v ? v : def;
}

/* The message beside the item with this field name, or NULL. */
static const char *item_error(const Refusal *f, const char *field)
{
    for (int i = 0; f && i < f->nitems; i++)
        if (f->item_error[i] && !strcmp(f->item_field[i], field)) return f->item_error[i];
    return NULL;
}

static void field_error(Req *r, const Refusal *f, const char *field)
{
    if (f && f->message && f->field && !strcmp(f->field, field))
        hf(r, "<span class=field-error>%s</span>", f->message);
}

/* The resources that can serve one need: a stacked table with a quantity field
 * per resource. Returns how many were listed (-1 on a database error). */
static int need_resources(Req *r, const School *sc, int64_t year, int64_t need_id,
                          const char *category, const char *subject, const Refusal *f)
{
    char y0[16], y1[16];
    snprintf(y0, sizeof y0, "%04d-01-01", (int)year);
    snprintf(y1, sizeof y1, "%04d-12-31", (int)year);
    /* the reach test is resource_reaches()'s, for every candidate at once */
    DbStmt *s = db_q(r->db,
                     "SELECT " RES_COLS " FROM resources x JOIN orgs p ON p.id = x.provider_id"
                     " WHERE x.active = 1 AND x.category = ? AND x.remaining > 0"
                     " AND x.available_from <= ? AND x.available_to >= ?"
                     " AND EXISTS (SELECT 1 FROM resource_reach rr JOIN orgs o ON"
                     " o.id = rr.org_id WHERE rr.resource_id = x.id AND"
                     " substr(CAST(? AS TEXT), 1, length(o.path)) = o.path)"
                     " ORDER BY CASE WHEN x.subject = ? THEN 0 WHEN x.subject = '' THEN 1"
                     " ELSE 2 END, x.remaining DESC, x.id LIMIT ?",
                     "sssssi", category, y1, y0, sc->path, subject, (int64_t)PER_NEED);
    if (!s) return -1;
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        Resource x;
        res_row(s, r->arena, &x);
        if (!n)
            hf(r,
               "<div class=scroll><table class=stack><thead><tr><th>%s</th><th>%s</th>"
               "<th>%s</th><th>%s</th></tr></thead><tbody>",
               T(r, "Resource"), T(r, "Provider"), T(r, "Remaining"), T(r, "Quantity"));
        const char *field =
            arena_printf(r->arena, "q_%lld_%lld", (long long)need_id, (long long)x.id);
        const char *err = item_error(f, field);
        hf(r,
           "<tr%s><td><a href=\"/resources/%lld\">%s</a>%s%s</td><td data-label=\"%s\">%s</td>"
           "<td data-label=\"%s\">%s %s</td><td data-label=\"%s\"><input id=\"%s\""
           " aria-label=\"%s\" name=\"%s\" inputmode=decimal size=6"
           " maxlength=20 value=\"%s\" placeholder=\"0\">",
           err ? " class=error" : "", (long long)x.id, x.title, *x.subject ? " · " : "",
           x.subject, T(r, "Provider"), x.provider_name, T(r, "Remaining"),
           fmt_num(r->arena, x.remaining, x.remaining == (double)(int64_t)x.remaining ? 0 : 1),
           x.unit, T(r, "Quantity"), field, T(r, "Quantity"), field,
           prev(r, field, ""));
        if (err) hf(r, "<span class=field-error>%s</span>", err);
        H(r, "</td></tr>");
        n++;
    }
    db_done(s);
    if (n) H(r, "</tbody></table></div>");
    return rc == DB_DONE ? n : -1;
}

/* The whole form page for school sc and year; status 200, or the refusal's. */
static void render(Req *r, const School *sc, int64_t year, const Refusal *f, int status)
{
    page_begin(r, T(r, "Build a resource pack"));
    r->status = status;
    hf(r, "<p class=crumbs><a href=\"/packs\">%s</a></p><h1>%s</h1><p>%s · %lld</p>",
       T(r, "Resource packs"), T(r, "Build a resource pack"), sc->name, (long long)year);
    if (f && f->message)
        page_notice(r, "error", arena_printf(r->arena, "%s: %s", T(r, "Not saved"), f->message));
    hf(r,
       "<form method=get action=\"/packs/new\" class=filters><label>%s<input name=school"
       " maxlength=32 value=\"%s\"></label><label>%s<input name=year size=6 maxlength=4"
       " inputmode=numeric value=\"%lld\"></label><button>%s</button></form>",
       T(r, "School code"), sc->code, T(r, "Year"), (long long)year, T(r, "Show"));
    H(r, "<form method=post action=\"/packs\" class=card>");
    form_csrf(r);
    hf(r, "<input type=hidden name=school value=\"%s\"><input type=hidden name=year value=\"%lld\">",
       sc->code, (long long)year);
    const char *defname =
        arena_printf(r->arena, "%s %lld %s", sc->name, (long long)year, T(r, "resource pack"));
    hf(r, "<label>%s<input name=name required maxlength=200 value=\"%s\"></label>",
       T(r, "Pack name"), prev(r, "name", defname));
    field_error(r, f, "name");
    hf(r, "<label>%s<textarea name=note maxlength=2000 rows=2>%s</textarea></label>",
       T(r, "Note"), prev(r, "note", ""));
    field_error(r, f, "note");
    DbStmt *s = db_q(r->db,
                     "SELECT id, category, subject, quantity, met_quantity, unit, priority,"
                     " status, description FROM needs WHERE school_id = ? AND year = ?"
                     " AND status IN ('open','matched') ORDER BY priority DESC, id LIMIT 100",
                     "ii", sc->id, year);
    /* read the needs first: the resource query runs per need */
    typedef struct N {
        int64_t id;
        const char *category, *subject, *unit, *status, *description;
        double qty, met;
        int64_t priority;
    } N;
    N *needs = arena_alloc(r->arena, 100 * sizeof *needs);
    int nn = 0, rc = s ? DB_OK : DB_ERROR;
    while (s && nn < 100 && (rc = db_step(s)) == DB_ROW) {
        N *d = &needs[nn++];
        d->id = db_col_int(s, 0);
        d->category = arena_strdup(r->arena, db_col_text(s, 1));
        d->subject = arena_strdup(r->arena, db_col_text(s, 2));
        d->qty = db_col_double(s, 3);
        d->met = db_col_double(s, 4);
        d->unit = arena_strdup(r->arena, db_col_text(s, 5));
        d->priority = db_col_int(s, 6);
        d->status = arena_strdup(r->arena, db_col_text(s, 7));
        d->description = arena_strdup(r->arena, db_col_text(s, 8));
    }
    db_done(s);
    if (rc != DB_DONE && rc != DB_ROW)
        page_notice(r, "error", T(r, "The service is busy. Please try again."));
    int offered = 0;
    for (int i = 0; i < nn; i++) {
        const N *d = &needs[i];
        hf(r,
           "<fieldset class=need-pick><legend><a href=\"/needs/%lld\">#%lld</a> %s%s%s · %s%s"
           " · %s %lld · <span class=\"tag need-%s\">%s</span></legend>",
           (long long)d->id, (long long)d->id, need_category_label(r, d->category),
           *d->subject ? " · " : "", d->subject,
           fmt_num(r->arena, d->qty, d->qty == (double)(int64_t)d->qty ? 0 : 1),
           *d->unit ? unit_suffix(r, d->unit) : "", T(r, "Priority"), (long long)d->priority,
           d->status, need_status_label(r, d->status));
        if (*d->description) hf(r, "<p class=hint>%s</p>", d->description);
        int k = need_resources(r, sc, year, d->id, d->category, d->subject, f);
        if (k < 0) page_notice(r, "error", T(r, "The service is busy. Please try again."));
        else if (!k)
            hf(r, "<p class=empty>%s</p>",
               T(r, "No resource of this category can reach the school this year."));
        else offered += k;
        H(r, "</fieldset>");
    }
    if (!nn)
        hf(r, "<p class=empty>%s <a href=\"/needs/new?school=%s\">%s</a></p>",
           T(r, "This school has no open or matched needs this year."), sc->code,
           T(r, "File a need"));
    if (offered)
        hf(r, "<p class=hint>%s</p><button>%s</button>",
           T(r, "Enter a quantity for each resource to put in the pack; leave the others empty."),
           T(r, "Build the pack"));
    H(r, "</form>");
    page_end(r);
}

/* Reads school and year from the query (GET) or form (POST); 0 after sending
 * the error page (400 bad parameter, 404 missing or out of reach). */
static int read_target(Req *r, School *sc, int64_t *year, int post)
{
    const char *code = post ? req_form(r, "school") : req_query(r, "school");
    const char *yt = post ? req_form(r, "year") : req_query(r, "year");
    *year = this_year();
    if (!code || !*code) {
        page_error(r, 400, T(r, "school: the code of a recipient school is required."));
        return 0;
    }
    if (yt && *yt && !parse_int(yt, 2000, 2100, year)) {
        page_error(r, post ? 422 : 400, T(r, "year must be a whole number from 2000 to 2100."));
        return 0;
    }
    int f = school_load(r, code, sc);
    if (f < 0) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return 0;
    }
    if (!f || !school_in_reach(r, sc)) {
        req_not_found(r);
        return 0;
    }
    if (strcmp(sc->kind, "school") || !sc->recipient) {
        page_error(r, post ? 422 : 400, T(r, "school must be a recipient school."));
        return 0;
    }
    return 1;
}

void pack_page_new(Req *r)
{
    School sc;
    int64_t year;
    if (!read_target(r, &sc, &year, 0)) return;
    render(r, &sc, year, NULL, 200);
}

/* Parses "q_<need>_<resource>"; 1 when it has that shape. */
static int pair_of(const char *name, int64_t *need, int64_t *res)
{
    long long a = 0, b = 0;
    int used = 0;
    if (sscanf(name, "q_%lld_%lld%n", &a, &b, &used) != 2 || name[used] || a < 1 || b < 1)
        return 0;
    *need = a, *res = b;
    return 1;
}

void pack_page_create(Req *r)
{
    School sc;
    int64_t year;
    if (!read_target(r, &sc, &year, 1)) return;
    Refusal f = {0};
    f.item_field = arena_alloc(r->arena, (size_t)(r->nform + 1) * sizeof *f.item_field);
    f.item_error = arena_alloc(r->arena, (size_t)(r->nform + 1) * sizeof *f.item_error);
    int64_t *res_of = arena_alloc(r->arena, (size_t)(r->nform + 1) * sizeof *res_of);
    double *qty_of = arena_alloc(r->arena, (size_t)(r->nform + 1) * sizeof *qty_of);
    json_t *items = json_array();
    for (int i = 0; i < r->nform; i++) {
        int64_t need = 0, res = 0;
        if (!pair_of(r->fname[i], &need, &res)) continue;
        const char *v = r->fval[i];
        while (*v == ' ') v++;
        if (!*v) continue;
        char *end = NULL;
        double q = strtod(v, &end);
        while (end && *end == ' ') end++;
        int k = f.nitems++;
        f.item_field[k] = r->fname[i];
        f.item_error[k] = NULL;
        res_of[k] = res, qty_of[k] = q;
        if (!end || *end || q != q || q < 0 || q > 1e12) {
            f.item_error[k] = T(r, "Quantity must be a number more than 0");
            if (!f.message)
                f.message = arena_printf(r->arena, "%s: %s", r->fname[i],
                                         T(r, "Quantity must be a number more than 0"));
            continue;
        }
        if (q == 0) {
            f.nitems--; /* 0 means not in the pack */
            continue;
        }
        json_array_append_new(items, json_pack("{s:I,s:I,s:f}", "resource", (json_int_t)res,
                                               "need", (json_int_t)need, "quantity", q));
    }
    if (!f.message && !json_array_size(items))
        f.message = T(r, "Enter a quantity for at least one resource.");
    if (f.message) {
        json_decref(items);
        render(r, &sc, year, &f, 422);
        return;
    }
    const char *name = req_form(r, "name"), *note = req_form(r, "note");
    json_t *j = json_pack("{s:s,s:I,s:s,s:s,s:o}", "school", sc.code, "year", (json_int_t)year,
                          "name", name ? name : "", "note", note ? note : "", "items", items);
    PackResult o;
    pack_create(r, j, &o);
    json_decref(j);
    if (!o.status) {
        req_redirect(r, arena_printf(r->arena, "/packs/%lld", (long long)o.id));
        return;
    }
    if (o.status == 404) {
        req_not_found(r);
        return;
    }
    if (o.status != 409 && o.status != 422) {
        page_error(r, o.status, o.message ? o.message : T(r, "Not saved"));
        return;
    }
    f.message = o.message ? o.message : T(r, "Not saved");
    if (o.status == 422) {
        int idx = -1, used = 0;
        if (sscanf(f.message, "items[%d]%n", &idx, &used) == 1 && used && idx >= 0 &&
            idx < f.nitems)
            f.item_error[idx] = f.message;
        else if (!strncmp(f.message, "name ", 5)) f.field = "name";
        else if (!strncmp(f.message, "note ", 5)) f.field = "note";
    } else {
        /* not enough left: beside every item of a resource asked for more than remains */
        for (int i = 0; i < f.nitems; i++) {
            double asked = 0;
            for (int k = 0; k < f.nitems; k++)
                if (res_of[k] == res_of[i]) asked += qty_of[k];
            Resource x;
            if (resource_load(r->db, r->arena, res_of[i], &x) == 1 && asked > x.remaining)
                f.item_error[i] = arena_printf(r->arena, "%s: %s %s", T(r, "Not enough left"),
                                               fmt_num(r->arena, x.remaining, x.remaining ==
                                                       (double)(int64_t)x.remaining ? 0 : 1),
                                               x.unit);
        }
    }
    render(r, &sc, year, &f, o.status);
}
