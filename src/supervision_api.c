/* supervision_api.c — the JSON API of visits and rectification orders (see
 * supervision.h): bodies read and type-checked here, the rules and writes in
 * supervision.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "core/util.h"
#include "supervision.h"
#include "ui/i18n.h"

/* ---- API ---------------------------------------------------------------------------------- */

static void send_result(Req *r, const SupResult *res)
{
    if (res->status == 404) {
        req_not_found(r);
    } else if (res->status == 409 && res->allowed) {
        json_t *allowed = json_array();
        const char *p = res->allowed;
        while (*p) {
            const char *e = strchr(p, ' ');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            json_array_append_new(allowed, json_stringn(p, n));
            p += n;
            while (*p == ' ')
                p++;
        }
        json_t *e = json_pack("{s:s,s:s,s:o}", "code", "conflict", "message", res->message,
                              "allowed", allowed);
        req_send_json(r, 409, json_pack("{s:o}", "error", e));
    } else {
        req_error(r, res->status, res->code, res->message);
    }
}

static const char *jstr(Req *r, json_t *j, const char *key, int *bad)
{
    json_t *v = json_object_get(j, key);
    if (!v || json_is_null(v)) return NULL;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return arena_strdup(r->arena, json_string_value(v));
}

static const char *const visit_fields_allowed[] = {"org",    "project", "visited_on", "findings",
                                                   "rating", "orders",  NULL};

void supervision_api_create(Req *r)
{
    json_t *j = req_json_object(r, visit_fields_allowed);
    if (!j) return;
    VisitInput in = {0};
    const char *badf = NULL;
    int bad = 0;
    in.org = jstr(r, j, "org", &bad);
    if (bad) badf = "org";
    json_t *pj = json_object_get(j, "project");
    if (pj && !json_is_null(pj)) {
        if (!json_is_integer(pj) || json_integer_value(pj) < 1)
            badf = badf ? badf : "project";
        else
            in.project = arena_printf(r->arena, "%lld", (long long)json_integer_value(pj));
    }
    in.visited_on = jstr(r, j, "visited_on", &bad);
    if (bad && !badf) badf = "visited_on";
    in.findings = jstr(r, j, "findings", &bad);
    if (bad && !badf) badf = "findings";
    in.rating = jstr(r, j, "rating", &bad);
    if (bad && !badf) badf = "rating";
    json_t *orders = json_object_get(j, "orders");
    if (orders && !badf) {
        if (!json_is_array(orders) || json_array_size(orders) > 10) {
            badf = "orders";
        } else {
            size_t i;
            json_t *o;
            json_array_foreach(orders, i, o)
            {
                int b = 0;
                if (!json_is_object(o)) b = 1;
                in.orders[i].demand = jstr(r, o, "demand", &b);
                in.orders[i].deadline = jstr(r, o, "deadline", &b);
                if (b || json_object_size(o) > 2) {
                    badf = arena_printf(r->arena, "orders[%zu]", i);
                    break;
                }
                in.norders++;
            }
        }
    }
    json_decref(j);
    if (badf) {
        req_error(r, 422, "invalid",
                  arena_printf(r->arena, "%s %s", badf,
                               !strcmp(badf, "project")  ? T(r, "must be a project id or null")
                               : !strcmp(badf, "orders") ? T(r, "must be an array of at most 10 "
                                                                "orders {demand, deadline}")
                               : !strncmp(badf, "orders[", 7)
                                   ? T(r, "must be an object {demand, deadline} of strings")
                                   : T(r, "must be a string")));
        return;
    }
    SupResult res;
    supervision_create(r, &in, &res);
    if (res.status) {
        send_result(r, &res);
        return;
    }
    Supervision v;
    if (supervision_load(r->db, r->arena, res.id, &v) != 1) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_add_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/supervisions/%lld", (long long)res.id));
    req_send_json(r, 201, supervision_json(&v));
}

void supervision_api_get(Req *r)
{
    Supervision v;
    int64_t id = supervision_id_param(r);
    int f = id ? supervision_load(r->db, r->arena, id, &v) : 0;
    if (f < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, v.org_path)) {
        req_not_found(r);
        return;
    }
    req_send_json(r, 200, supervision_json(&v));
}

static const char *const order_fields[] = {"demand", "deadline", NULL};

void supervision_api_order(Req *r)
{
    /* a visit out of reach answers 404 before its body is looked at */
    Supervision v;
    int64_t sid = supervision_id_param(r);
    int f = sid ? supervision_load(r->db, r->arena, sid, &v) : 0;
    if (f < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, v.org_path)) {
        req_not_found(r);
        return;
    }
    json_t *j = req_json_object(r, order_fields);
    if (!j) return;
    int bad = 0;
    const char *demand = jstr(r, j, "demand", &bad);
    const char *field = bad ? "demand" : NULL;
    const char *deadline = jstr(r, j, "deadline", &bad);
    if (bad && !field) field = "deadline";
    json_decref(j);
    if (field) {
        req_error(r, 422, "invalid",
                  arena_printf(r->arena, "%s %s", field, T(r, "must be a string")));
        return;
    }
    SupResult res;
    rectification_create(r, sid, demand, deadline, &res);
    if (res.status) {
        send_result(r, &res);
        return;
    }
    Rectification x;
    if (rectification_load(r->db, r->arena, res.id, &x) != 1) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_send_json(r, 201, rectification_json(&x));
}

/* The move of the path's order with the body's fields. */
static void api_move(Req *r, const char *action)
{
    int64_t id = supervision_id_param(r);
    Rectification x;
    int f = id ? rectification_load(r->db, r->arena, id, &x) : 0;
    if (f < 0) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    if (!f || !can(r, CAP_DATA_READ, x.org_path)) {
        req_not_found(r);
        return;
    }
    static const char *const answer_fields[] = {"response", NULL};
    static const char *const reopen_fields[] = {"deadline", NULL};
    static const char *const close_fields[] = {NULL};
    const char *const *allowed = !strcmp(action, "answer")   ? answer_fields
                                 : !strcmp(action, "reopen") ? reopen_fields
                                                             : close_fields;
    const char *text = NULL, *deadline = NULL;
    if (r->body.len) {
        json_t *j = req_json_object(r, allowed);
        if (!j) return;
        int bad = 0;
        text = jstr(r, j, "response", &bad);
        deadline = jstr(r, j, "deadline", &bad);
        json_decref(j);
        if (bad) {
            req_error(r, 422, "invalid",
                      arena_printf(r->arena, "%s %s", allowed[0] ? allowed[0] : "body",
                                   T(r, "must be a string")));
            return;
        }
    }
    SupResult res;
    rectification_move(r, id, action, text, deadline, &res);
    if (res.status) {
        send_result(r, &res);
        return;
    }
    if (rectification_load(r->db, r->arena, id, &x) != 1) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_send_json(r, 200, rectification_json(&x));
}

void rectification_api_answer(Req *r)
{
    api_move(r, "answer");
}
void rectification_api_close(Req *r)
{
    api_move(r, "close");
}
void rectification_api_reopen(Req *r)
{
    api_move(r, "reopen");
}

void supervision_api_list(Req *r)
{
    VisitFilter vf;
    RectFilter rf;
    Org unit;
    int have;
    if (!supervision_filters(r, &vf, &rf, 50, &unit, &have)) return;
    char today[11];
    supervision_today(today);
    DbStmt *s = visit_list_query(r, &vf, today);
    if (!s) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0;
    int64_t last = 0;
    while (db_step(s) == DB_ROW) {
        if (n == vf.limit) {
            more = 1;
            break;
        }
        Supervision v;
        int64_t no = 0, nd = 0;
        visit_row(s, r->arena, &v, &no, &nd);
        json_t *j = supervision_json(&v);
        json_object_del(j, "orders");
        json_object_set_new(j, "orders", json_integer(no));
        json_object_set_new(j, "overdue_orders", json_integer(nd));
        json_array_append_new(items, j);
        last = v.id;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    req_send_json(r, 200, out);
}

void rectification_api_list(Req *r)
{
    VisitFilter vf;
    RectFilter rf;
    Org unit;
    int have;
    if (!supervision_filters(r, &vf, &rf, 50, &unit, &have)) return;
    /* the API's cursor pages the orders */
    rf.before_id = vf.before_id;
    char today[11];
    supervision_today(today);
    DbStmt *s = rect_list_query(r, &rf, today);
    if (!s) {
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    json_t *items = json_array();
    int n = 0, more = 0;
    int64_t last = 0;
    while (db_step(s) == DB_ROW) {
        if (n == rf.limit) {
            more = 1;
            break;
        }
        Rectification x;
        rect_row(s, r->arena, today, &x);
        json_array_append_new(items, rectification_json(&x));
        last = x.id;
        n++;
    }
    db_done(s);
    json_t *out = json_pack("{s:o}", "items", items);
    json_object_set_new(out, "next_cursor",
                        more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
                             : json_null());
    if (have) {
        json_t *by = json_array();
        s = rect_counts_query(r, &rf, unit.id, today);
        while (s && db_step(s) == DB_ROW)
            json_array_append_new(by, json_pack("{s:s,s:s,s:I}", "org", db_col_text(s, 0), "name",
                                                db_col_text(s, 1), "count",
                                                (json_int_t)db_col_int(s, 3)));
        db_done(s);
        json_object_set_new(out, "unit", json_string(unit.code));
        json_object_set_new(out, "by_unit", by);
    }
    req_send_json(r, 200, out);
}
