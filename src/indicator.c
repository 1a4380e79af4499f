/* indicator.c — see indicator.h. */
#include "indicator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/embedded.h"
#include "core/util.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

static const char *const categories[] = {"teachers",    "academic",  "students",
                                         "home_school", "resources", "funds", NULL};

const char *category_label(const char *c)
{
    static const struct {
        const char *c, *label;
    } t[] = {{"teachers", "Teacher structure"},  {"academic", "Academic quality"},
             {"students", "Student development"}, {"home_school", "Home–school–community"},
             {"resources", "Resources"},          {"funds", "Funds"}};
    for (size_t i = 0; c && i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].c, c)) return t[i].label;
    return c ? c : "";
}

#define IND_COLS                                                                                  \
    "id, code, name_zh, name_en, unit, category, direction, kind, period_type, time_agg,"         \
    " numerator_id, denominator_id, factor, min_value, max_value, integer_only"

static void ind_row(DbStmt *s, Arena *a, Indicator *o)
{
    memset(o, 0, sizeof *o);
    o->id = db_col_int(s, 0);
    o->code = arena_strdup(a, db_col_text(s, 1));
    o->name_zh = arena_strdup(a, db_col_text(s, 2));
    o->name_en = arena_strdup(a, db_col_text(s, 3));
    o->unit = arena_strdup(a, db_col_text(s, 4));
    o->category = arena_strdup(a, db_col_text(s, 5));
    o->direction = arena_strdup(a, db_col_text(s, 6));
    o->kind = arena_strdup(a, db_col_text(s, 7));
    o->ptype = period_kind_from(db_col_text(s, 8));
    const char *agg = db_col_text(s, 9);
    o->agg = !strcmp(agg, "last") ? AGG_LAST : !strcmp(agg, "none") ? AGG_NONE : AGG_SUM;
    o->num_id = db_col_int(s, 10);
    o->den_id = db_col_int(s, 11);
    o->factor = db_col_double(s, 12);
    o->has_min = !db_col_is_null(s, 13);
    o->min = o->has_min ? db_col_double(s, 13) : 0;
    o->has_max = !db_col_is_null(s, 14);
    o->max = o->has_max ? db_col_double(s, 14) : 0;
    o->integer_only = (int)db_col_int(s, 15);
    o->is_ratio = !strcmp(o->kind, "ratio");
}

static int load_one(Db *db, Arena *a, DbStmt *s, Indicator *out)
{
    if (!s) return -1;
    int rc = db_step(s), f = 0;
    if (rc == DB_ROW) {
        ind_row(s, a, out);
        f = 1;
    } else if (rc != DB_DONE) {
        f = -1;
    }
    db_done(s);
    (void)db;
    return f;
}

int indicator_load(Db *db, Arena *a, const char *code, Indicator *out)
{
    return load_one(db, a, db_q(db, "SELECT " IND_COLS " FROM indicators WHERE code = ?", "s", code),
                    out);
}

int indicator_load_id(Db *db, Arena *a, int64_t id, Indicator *out)
{
    return load_one(db, a, db_q(db, "SELECT " IND_COLS " FROM indicators WHERE id = ?", "i", id),
                    out);
}

int indicators_all(Db *db, Arena *a, Indicator **out)
{
    int64_t n = 0;
    if (db_int(db, &n, "SELECT count(*) FROM indicators", "") < 0) return -1;
    *out = arena_alloc(a, sizeof(Indicator) * (size_t)(n + 1));
    DbStmt *s = db_q(db,
                     "SELECT " IND_COLS " FROM indicators ORDER BY CASE category"
                     " WHEN 'teachers' THEN 1 WHEN 'academic' THEN 2 WHEN 'students' THEN 3"
                     " WHEN 'home_school' THEN 4 WHEN 'resources' THEN 5 ELSE 6 END, id",
                     "");
    int i = 0;
    while (s && i < n && db_step(s) == DB_ROW) ind_row(s, a, &(*out)[i++]);
    db_done(s);
    return s ? i : -1;
}

const char *indicator_name(Req *r, const Indicator *ind)
{
    if (!strcmp(r->lang, "en") && ind->name_en && *ind->name_en) return ind->name_en;
    return ind->name_zh;
}

static const char *code_of(Db *db, Arena *a, int64_t id)
{
    if (!id) return NULL;
    DbStmt *s = db_q(db, "SELECT code FROM indicators WHERE id = ?", "i", id);
    const char *c = NULL;
    if (s && db_step(s) == DB_ROW) c = arena_strdup(a, db_col_text(s, 0));
    db_done(s);
    return c;
}

json_t *indicator_json(Db *db, Arena *a, const Indicator *ind)
{
    static const char *const aggs[] = {"sum", "last", "none"};
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:f,s:b}", "code", ind->code,
                          "name_zh", ind->name_zh, "name_en", ind->name_en, "unit", ind->unit,
                          "category", ind->category, "direction", ind->direction, "kind",
                          ind->kind, "period_type", period_kind_name(ind->ptype), "time_agg",
                          aggs[ind->agg], "factor", ind->factor, "integer", ind->integer_only);
    const char *num = code_of(db, a, ind->num_id), *den = code_of(db, a, ind->den_id);
    json_object_set_new(j, "numerator", num ? json_string(num) : json_null());
    json_object_set_new(j, "denominator", den ? json_string(den) : json_null());
    json_object_set_new(j, "min", ind->has_min ? json_real(ind->min) : json_null());
    json_object_set_new(j, "max", ind->has_max ? json_real(ind->max) : json_null());
    return j;
}

/* ---- creating ------------------------------------------------------------- */

int indicator_code_ok(const char *c)
{
    size_t n = c ? strlen(c) : 0;
    return n >= 2 && n <= 64 && strspn(c, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

typedef struct IndInput {
    const char *code, *name_zh, *name_en, *unit, *category, *direction, *kind, *period_type,
        *time_agg, *numerator, *denominator;
    double factor;
    int has_min, has_max, integer_only;
    double min, max;
} IndInput;

/* Checks and inserts one definition; returns the new id, 0 with why set when the
 * input is refused (*conflict set for a taken code), -1 on a database error. */
static int64_t insert_indicator(Db *db, Arena *a, const char *lang, const char *actor,
                                const IndInput *in, const char **why, int *conflict)
{
    *conflict = 0;
#define REFUSE(msg)                                                                               \
    do {                                                                                          \
        *why = i18n_get(lang, msg);                                                               \
        return 0;                                                                                 \
    } while (0)
    if (!indicator_code_ok(in->code)) REFUSE("code must be 2 to 64 of a-z, 0-9 and '_'");
    if (!in->name_zh || !*in->name_zh || !valid_text(in->name_zh, 200))
        REFUSE("name_zh is required, at most 200 bytes");
    if (in->name_en && !valid_text(in->name_en, 200)) REFUSE("name_en must be at most 200 bytes");
    if (in->unit && !valid_text(in->unit, 40)) REFUSE("unit must be at most 40 bytes");
    int cat_ok = 0;
    for (const char *const *c = categories; *c && in->category; c++) cat_ok |= !strcmp(*c, in->category);
    if (!cat_ok)
        REFUSE("category must be teachers, academic, students, home_school, resources or funds");
    if (!in->direction || (strcmp(in->direction, "up") && strcmp(in->direction, "down")))
        REFUSE("direction must be up or down");
    if (!in->kind || (strcmp(in->kind, "raw") && strcmp(in->kind, "ratio")))
        REFUSE("kind must be raw or ratio");
    if (!period_kind_from(in->period_type)) REFUSE("period_type must be year, quarter or month");
    const char *agg = in->time_agg ? in->time_agg : "sum";
    if (strcmp(agg, "sum") && strcmp(agg, "last") && strcmp(agg, "none"))
        REFUSE("time_agg must be sum, last or none");
    int64_t num = 0, den = 0;
    if (!strcmp(in->kind, "ratio")) {
        Indicator n, d;
        if (!in->numerator || !in->denominator || indicator_load(db, a, in->numerator, &n) != 1 ||
            indicator_load(db, a, in->denominator, &d) != 1 || n.is_ratio || d.is_ratio)
            REFUSE("a ratio needs numerator and denominator: codes of two raw indicators");
        if (!(in->factor > 0)) REFUSE("factor must be above 0");
        num = n.id;
        den = d.id;
    } else if (in->numerator || in->denominator) {
        REFUSE("only a ratio has a numerator and a denominator");
    }
    if (in->has_min && in->has_max && in->min > in->max) REFUSE("min must not exceed max");
#undef REFUSE
    int64_t now = now_s(), id = 0;
    DbStmt *s = db_q(db,
                     "INSERT INTO indicators(code, name_zh, name_en, unit, category, direction,"
                     " kind, period_type, time_agg, numerator_id, denominator_id, factor,"
                     " min_value, max_value, integer_only, created_at, updated_at)"
                     " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                     "sssssssssiidddiii", in->code, in->name_zh, in->name_en ? in->name_en : "",
                     in->unit ? in->unit : "", in->category, in->direction, in->kind,
                     in->period_type, agg, num, den, in->factor > 0 ? in->factor : 1.0, in->min,
                     in->max, (int64_t)in->integer_only, now, now);
    if (s && !in->has_min) db_bind_null(s, 13);
    if (s && !in->has_max) db_bind_null(s, 14);
    if (s && !num) db_bind_null(s, 10);
    if (s && !den) db_bind_null(s, 11);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) id = db_col_int(s, 0);
    db_done(s);
    if (rc == DB_CONSTRAINT) {
        *conflict = 1;
        *why = i18n_get(lang, "An indicator with this code already exists.");
        return 0;
    }
    if (!id) return -1;
    Indicator ind;
    if (indicator_load_id(db, a, id, &ind) != 1) return -1;
    json_t *after = indicator_json(db, a, &ind);
    rc = audit_log(db, actor, "indicator.create", "indicator", in->code, "", NULL, after);
    json_decref(after);
    return rc == DB_OK ? id : -1;
}

/* Splits one line of a simple CSV (no quotes) into at most max fields, in place. */
static int split_line(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = 0;
        p = c + 1;
    }
    return n;
}

int indicators_load_standard(Db *db, const char *actor, char *err, size_t errlen)
{
    const EmbeddedFile *f = embedded_find("data/indicators.csv");
    if (!f) {
        snprintf(err, errlen, "the standard indicator catalogue is not compiled in");
        return -1;
    }
    Arena *a = arena_new();
    char *text = arena_strndup(a, (const char *)f->data, f->size), *save = NULL;
    int added = 0, lineno = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (++lineno == 1) continue; /* header */
        line[strcspn(line, "\r")] = 0;
        char *c[15];
        if (split_line(line, c, 15) != 15) {
            snprintf(err, errlen, "data/indicators.csv line %d: expected 15 fields", lineno);
            arena_free(a);
            return -1;
        }
        Indicator exists;
        if (indicator_load(db, a, c[0], &exists) == 1) continue;
        IndInput in = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8],
                       *c[9] ? c[9] : NULL, *c[10] ? c[10] : NULL, *c[11] ? atof(c[11]) : 1,
                       *c[12] != 0, *c[13] != 0, atoi(c[14]), atof(c[12]), atof(c[13])};
        const char *why = NULL;
        int conflict;
        int64_t id = insert_indicator(db, a, "en", actor, &in, &why, &conflict);
        if (id <= 0) {
            snprintf(err, errlen, "data/indicators.csv line %d: %s", lineno,
                     why ? why : db_errmsg(db));
            arena_free(a);
            return -1;
        }
        added++;
    }
    arena_free(a);
    return added;
}

/* ---- API and page ----------------------------------------------------------- */

void indicator_api_list(Req *r)
{
    Indicator *all;
    int n = indicators_all(r->db, r->arena, &all);
    if (n < 0) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(items, indicator_json(r->db, r->arena, &all[i]));
    req_send_json(r, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

void indicator_api_create(Req *r)
{
    static const char *const fields[] = {"code",      "name_zh",     "name_en",  "unit",
                                         "category",  "direction",   "kind",     "period_type",
                                         "time_agg",  "numerator",   "denominator", "factor",
                                         "min",       "max",         "integer",  NULL};
    json_t *j = req_json_object(r, fields);
    if (!j) return;
    IndInput in = {0};
    const char *bad = NULL;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        const char **dst = !strcmp(key, "code")          ? &in.code
                           : !strcmp(key, "name_zh")     ? &in.name_zh
                           : !strcmp(key, "name_en")     ? &in.name_en
                           : !strcmp(key, "unit")        ? &in.unit
                           : !strcmp(key, "category")    ? &in.category
                           : !strcmp(key, "direction")   ? &in.direction
                           : !strcmp(key, "kind")        ? &in.kind
                           : !strcmp(key, "period_type") ? &in.period_type
                           : !strcmp(key, "time_agg")    ? &in.time_agg
                           : !strcmp(key, "numerator")   ? &in.numerator
                           : !strcmp(key, "denominator") ? &in.denominator
                                                         : NULL;
        if (dst) {
            if (json_is_null(v) && (dst == &in.numerator || dst == &in.denominator)) continue;
            if (!json_is_string(v)) bad = arena_strdup(r->arena, key);
            else *dst = arena_strdup(r->arena, json_string_value(v));
        } else if (!strcmp(key, "integer")) {
            if (!json_is_boolean(v)) bad = arena_strdup(r->arena, key);
            else in.integer_only = json_is_true(v);
        } else if (!json_is_null(v)) {
            if (!json_is_number(v)) bad = arena_strdup(r->arena, key);
            else if (!strcmp(key, "factor")) in.factor = json_number_value(v);
            else if (!strcmp(key, "min")) in.has_min = 1, in.min = json_number_value(v);
            else in.has_max = 1, in.max = json_number_value(v);
        }
        if (bad) break;
    }
    json_decref(j);
    if (bad) {
        req_error(r, 422, "invalid", arena_printf(r->arena, "%s: %s", bad, T(r, "wrong type")));
        return;
    }
    if (db_begin(r->db) != DB_OK) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    const char *why = NULL;
    int conflict = 0;
    int64_t id = insert_indicator(r->db, r->arena, r->lang, r->auth.login, &in, &why, &conflict);
    if (id <= 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (id == 0)
            req_error(r, conflict ? 409 : 422, conflict ? "conflict" : "invalid", why);
        else
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    Indicator ind;
    indicator_load_id(r->db, r->arena, id, &ind);
    req_send_json(r, 201, indicator_json(r->db, r->arena, &ind));
}

void indicator_page_index(Req *r)
{
    Indicator *all;
    int n = indicators_all(r->db, r->arena, &all);
    page_begin(r, T(r, "Indicators"));
    hf(r, "<h1>%s</h1>", T(r, "Indicators"));
    const char *cat = NULL;
    for (int i = 0; i < n; i++) {
        const Indicator *d = &all[i];
        if (!cat || strcmp(cat, d->category)) {
            if (cat) H(r, "</tbody></table></div>");
            cat = d->category;
            hf(r,
               "<h2>%s</h2><div class=scroll><table><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
               "<th>%s</th><th>%s</th></tr></thead><tbody>",
               T(r, category_label(cat)), T(r, "Name"), T(r, "Code"), T(r, "Unit"),
               T(r, "Period"), T(r, "Definition"));
        }
        hf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>", indicator_name(r, d),
           d->code, d->unit, T(r, period_kind_name(d->ptype)));
        if (d->is_ratio)
            hf(r, "%s / %s × %g", code_of(r->db, r->arena, d->num_id),
               code_of(r->db, r->arena, d->den_id), d->factor);
        else
            hf(r, "%s", T(r, d->agg == AGG_LAST ? "latest value" : d->agg == AGG_SUM ? "sum" : "not summed"));
        H(r, "</td></tr>");
    }
    if (cat) H(r, "</tbody></table></div>");
    if (!n) hf(r, "<p class=empty>%s</p>", T(r, "Nothing found."));
    page_end(r);
}
