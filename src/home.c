/* home.c — see home.h. */
#include "home.h"

#include <string.h>

#include "access.h"
#include "core/embedded.h"
#include "core/util.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"

void healthz(Req *r)
{
    int64_t v = 0;
    if (db_int(r->db, &v, "SELECT count(*) FROM schema_migrations", "") != 1) {
        req_send_json(r, 503, json_pack("{s:s}", "status", "database unavailable"));
        return;
    }
    req_send_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void asset_get(Req *r)
{
    const char *name = req_param(r, "name");
    const char *path = arena_printf(r->arena, "assets/%s", name ? name : "");
    const EmbeddedFile *f = strchr(name ? name : "/", '/') ? NULL : embedded_find(path);
    if (!f) {
        req_not_found(r);
        return;
    }
    const char *dot = strrchr(name, '.');
    r->ctype = !dot                       ? "application/octet-stream"
               : strcmp(dot, ".css") == 0 ? "text/css; charset=utf-8"
               : strcmp(dot, ".js") == 0  ? "text/javascript; charset=utf-8"
               : strcmp(dot, ".svg") == 0 ? "image/svg+xml"
                                          : "application/octet-stream";
    /* the compressed copy made at build time, when the client takes gzip */
    const char *ae = req_header(r, "Accept-Encoding");
    const EmbeddedFile *gz =
        ae && strstr(ae, "gzip") ? embedded_find(arena_printf(r->arena, "%s.gz", path)) : NULL;
    if (gz && gz->size < f->size) {
        f = gz;
        req_add_header(r, "Content-Encoding", "gzip");
    }
    buf_append(&r->out, f->data, f->size);
    r->status = 200;
    req_add_header(r, "Vary", "Accept-Encoding");
    req_add_header(r, "Cache-Control", "public, max-age=86400");
}

/* Counts for the start page, within the caller's reach. */
static int64_t count_kind(Req *r, const char *kind)
{
    int64_t n = 0;
    db_int(r->db, &n,
           "SELECT count(*) FROM orgs o WHERE o.kind = ? AND o.active = 1 AND " REACH_SQL("o.path"),
           "sis", kind, REACH_ARGS(r, CAP_ORG_READ));
    return n;
}

void home_page(Req *r)
{
    page_begin(r, T(r, "Home"));
    hf(r, "<h1>%s</h1><p class=lead>%s, %s.</p>",
       T(r, "School-based assistance work management platform"), T(r, "Welcome"), r->auth.name);
    if (r->auth.caps & CAPBIT(CAP_ORG_READ)) {
        int64_t helpers = 0, recipients = 0;
        db_int(r->db, &helpers,
               "SELECT count(*) FROM orgs o WHERE o.kind = 'school' AND o.is_helper = 1 AND "
               REACH_SQL("o.path"), "is", REACH_ARGS(r, CAP_ORG_READ));
        db_int(r->db, &recipients,
               "SELECT count(*) FROM orgs o WHERE o.kind = 'school' AND o.is_recipient = 1 AND "
               REACH_SQL("o.path"), "is", REACH_ARGS(r, CAP_ORG_READ));
        hf(r,
           "<ul class=stats><li><b>%lld</b> %s</li><li><b>%lld</b> %s</li><li><b>%lld</b> %s</li>"
           "<li><b>%lld</b> %s</li><li><b>%lld</b> %s</li></ul>",
           (long long)count_kind(r, "prefecture"), T(r, "prefectures"),
           (long long)count_kind(r, "county"), T(r, "counties"),
           (long long)count_kind(r, "school"), T(r, "schools"), (long long)helpers,
           T(r, "helping schools"), (long long)recipients, T(r, "recipient schools"));
    }
    H(r, "<ul class=tiles>");
    if (r->auth.caps & CAPBIT(CAP_ORG_READ))
        hf(r, "<li><a href=\"/orgs\">%s</a></li>", T(r, "Organisations"));
    if (r->auth.caps & CAPBIT(CAP_USER_READ))
        hf(r, "<li><a href=\"/users\">%s</a></li>", T(r, "People"));
    if (r->auth.caps & CAPBIT(CAP_AUDIT_READ))
        hf(r, "<li><a href=\"/audit\">%s</a></li>", T(r, "Audit trail"));
    hf(r, "<li><a href=\"/me\">%s</a></li></ul>", T(r, "My account"));
    page_end(r);
}
