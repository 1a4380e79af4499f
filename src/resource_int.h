/* resource_int.h — what resource.c shares with resource_page.c, pack.c and
 * resource_demo.c and nobody else: the vocabularies, the row reader, the save
 * functions behind both the API and the forms, and the list filter. */
#ifndef HUIJU_RESOURCE_INT_H
#define HUIJU_RESOURCE_INT_H

#include "resource.h"

/* NULL-terminated vocabularies. */
extern const char *const resource_kinds[];
extern const char *const resource_categories[];
extern const char *const resource_stages[];

/* One kind-specific attribute. type: 'i' whole number ≥ 1, 'n' number > 0,
 * 'f' whole fen ≥ 0, 'F' whole fen ≥ 1, 's' text, 'g' a school stage. */
typedef struct ResAttrDef {
    const char *kind, *name;
    char type;
    const char *label; /* message id */
} ResAttrDef;
extern const ResAttrDef resource_attr_defs[]; /* ends with a NULL kind */

int res_in_list(const char *const *list, const char *s);
/* Whether s is a real date YYYY-MM-DD in 2000–2100. */
int res_valid_date(const char *s);
/* The message id naming a need category. */
const char *resource_category_label(const char *cat);

/* The columns res_row() reads, from resources x JOIN orgs p (the provider). */
#define RES_COLS                                                                                  \
    "x.id, x.provider_id, x.kind, x.category, x.subject, x.stage, x.title, x.description,"       \
    " x.capacity, x.remaining, x.unit, x.available_from, x.available_to, x.attrs, x.active,"     \
    " x.created_by, x.created_at, x.updated_at, p.code, p.name_zh, p.path, p.kind"
void res_row(DbStmt *s, Arena *a, Resource *x);

/* The outcome of a save: status 0 and the id when saved; otherwise the HTTP
 * status, error code, the bad field (422) and a translated message. Nothing is
 * written unless status is 0. Strings are in the request's arena. */
typedef struct ResSave {
    int status;
    const char *code, *field, *message;
    int64_t id;
} ResSave;

/* Creates a resource from the object j (the API body, or a form turned into
 * the same shape), checking reach, kind attributes and the caller's
 * resource.write over the provider; one transaction with its audit record. */
void resource_save_create(Req *r, json_t *j, ResSave *o);
/* Applies j (title, description, capacity, available_from/to, reach, active)
 * to resource id; capacity never below what is consumed. Audited. */
void resource_save_patch(Req *r, int64_t id, json_t *j, ResSave *o);
/* Sends the API error for a failed save. */
void res_send_error(Req *r, const ResSave *o);

/* The list filter from the query string. */
typedef struct ResFilter {
    const char *kind, *category, *subject, *provider, *reach, *available_on, *active;
    const char *reach_path; /* the path of `reach` */
    int64_t limit, after;
} ResFilter;
/* Reads and checks the filter; 0 after sending a 400 naming the parameter. */
int res_list_parse(Req *r, ResFilter *f, int64_t max_limit);
/* The filtered list, ordered by id, after f->after, at most limit rows. */
DbStmt *res_list_query(Req *r, const ResFilter *f, int64_t limit);
/* The {id} path parameter as a positive id, or 0. */
int64_t res_param_id(Req *r);

#endif
