/* router.c — matching, and the deny-by-default gate in front of every handler. */
#include "http/router.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "http/session.h"
#include "ui/i18n.h"

int method_writes(const char *m)
{
    return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0 ||
           strcmp(m, "DELETE") == 0;
}

/* Matches one pattern against path; on success records the parameters in r.
 * A parameter runs to the end of its path segment, less any literal that
 * follows it in the pattern's segment ("{code}.xlsx" takes "653121.xlsx" as
 * code 653121). */
static int match_pattern(Req *r, const char *pat, const char *path)
{
    int np = 0;
    const char *p = pat, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *se = strchr(s, '/');
            if (!se) se = s + strlen(s);
            /* the literal after the parameter, up to the end of the pattern's segment */
            const char *lit = pe + 1, *le = strchr(lit, '/');
            if (!le) le = lit + strlen(lit);
            size_t ln = (size_t)(le - lit);
            if ((size_t)(se - s) <= ln || np >= REQ_MAX_PARAMS) return 0;
            const char *ve = se - ln;
            if (ln && strncmp(ve, lit, ln) != 0) return 0;
            if (r) {
                r->pname[np] = arena_strndup(r->arena, p + 1, (size_t)(pe - p - 1));
                /* libmicrohttpd has already decoded the path: a parameter is taken as it is */
                r->pval[np] = arena_strndup(r->arena, s, (size_t)(ve - s));
            }
            np++;
            p = le;
            s = se;
        } else {
            if (*p != *s) return 0;
            p++;
            s++;
        }
    }
    if (*p || *s) return 0;
    if (r) r->nparam = np;
    return 1;
}

const Route *router_match(Req *r, const char *method, const char *path, int *other_method)
{
    *other_method = 0;
    if (strcmp(method, "HEAD") == 0) method = "GET";
    for (int i = 0; i < n_routes; i++) {
        const Route *rt = &routes[i];
        if (!match_pattern(NULL, rt->pattern, path)) continue;
        if (strcmp(rt->method, method) != 0) {
            *other_method = 1;
            continue;
        }
        match_pattern(r, rt->pattern, path);
        return rt;
    }
    return NULL;
}

int router_check(char *err, size_t errlen)
{
    for (int i = 0; i < n_routes; i++) {
        const Route *a = &routes[i];
        if (a->cap <= CAP_NONE || a->cap >= CAP_COUNT) {
            snprintf(err, errlen, "route %s %s names no capability", a->method, a->pattern);
            return 1;
        }
        if (!a->handler || !a->summary || a->pattern[0] != '/') {
            snprintf(err, errlen, "route %s %s is incomplete", a->method, a->pattern);
            return 1;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(a->method, routes[j].method) == 0 &&
                strcmp(a->pattern, routes[j].pattern) == 0) {
                snprintf(err, errlen, "route %s %s is listed twice", a->method, a->pattern);
                return 1;
            }
        }
    }
    return 0;
}

/* Whether the request carries the session's CSRF token (header for the API, the
 * _csrf field for forms). Compared in constant time. */
static int csrf_ok(Req *r)
{
    const char *want = r->auth.csrf;
    const char *got = req_is_api(r) ? req_header(r, "X-CSRF-Token") : req_form(r, "_csrf");
    if (!want || !*want || !got || strlen(got) != strlen(want)) return 0;
    return sodium_memcmp(got, want, strlen(want)) == 0;
}

void router_dispatch(Req *r)
{
    int other = 0;
    const Route *rt = router_match(r, r->method, r->path, &other);
    int lost = session_resolve(r) < 0;
    i18n_choose(r);
    if (lost) {
        /* the session could not be looked up (the database is away): not a logout */
        req_error(r, 503, "unavailable", T(r, "The service is busy. Please try again."));
        return;
    }
    if (!rt) {
        if (other) {
            req_error(r, 405, "method_not_allowed", T(r, "This method is not allowed here."));
        } else {
            req_not_found(r);
        }
        return;
    }
    r->route = rt;
    if (rt->cap == CAP_PUBLIC) {
        rt->handler(r);
        return;
    }
    if (!r->auth.user_id) {
        if (req_is_api(r)) {
            req_error(r, 401, "unauthenticated", T(r, "Please log in first."));
        } else {
            req_redirect(r, arena_printf(r->arena, "/login?next=%s",
                                         url_encode(r->arena, r->path)));
        }
        return;
    }
    if (rt->cap != CAP_LOGIN && !(r->auth.caps & CAPBIT(rt->cap))) {
        req_error(r, 403, "forbidden", T(r, "You do not have permission to do this."));
        return;
    }
    if (method_writes(r->method) && r->auth.via_cookie && !csrf_ok(r)) {
        req_error(r, 403, "csrf",
                  T(r, "The form has expired or did not come from this site. Please try again."));
        return;
    }
    rt->handler(r);
}
