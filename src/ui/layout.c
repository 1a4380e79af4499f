/* layout.c — see layout.h. Pages are plain HTML with one small stylesheet:
 * they work without JavaScript and at phone width. */
#include "ui/layout.h"

#include <string.h>

#include "ui/html.h"
#include "ui/i18n.h"

/* The navigation: each entry shows only to those who hold its capability. */
static const struct {
    Cap cap;
    const char *path;
    const char *label;
} nav[] = {
    {CAP_LOGIN, "/", "Home"},
    {CAP_DATA_READ, "/dashboard", "Dashboard"},
    {CAP_ORG_READ, "/orgs", "Organisations"},
    {CAP_DATA_READ, "/targets", "Targets"},
    {CAP_DATA_READ, "/needs", "Needs"},
    {CAP_DATA_READ, "/resources", "Resources"},
    {CAP_MATCH_RUN, "/match", "Matching"},
    {CAP_DATA_READ, "/plans", "One school, one plan"},
    {CAP_DATA_READ, "/projects", "Projects"},
    {CAP_DATA_READ, "/agreements", "Agreements"},
    {CAP_DATA_READ, "/brands", "Brands"},
    {CAP_DATA_READ, "/funds", "Funds"},
    {CAP_DATA_READ, "/supervisions", "Supervision"},
    {CAP_EVALUATE, "/evaluations", "Evaluations"},
    {CAP_ACTIVITY_BOOK, "/activities", "Activities"},
    {CAP_ACTIVITY_BOOK, "/courses", "Parent school"},
    {CAP_VOLUNTEER_MANAGE, "/volunteers", "Volunteers"},
    {CAP_ACTIVITY_BOOK, "/m", "My phone page"},
    {CAP_DATA_READ, "/training", "Training and teams"},
    {CAP_DATA_WRITE, "/import", "Import values"},
    {CAP_USER_READ, "/users", "People"},
    {CAP_AUDIT_READ, "/audit", "Audit trail"},
    {CAP_LOGIN, "/me", "My account"},
};

void form_csrf(Req *r)
{
    hf(r, "<input type=hidden name=_csrf value=\"%s\">", r->auth.csrf ? r->auth.csrf : "");
}

/* The link to the same page in the other language. */
static void lang_switch(Req *r)
{
    int zh = strcmp(r->lang, "zh") == 0;
    hf(r, "<a class=lang href=\"?lang=%s\" hreflang=\"%s\">%s</a>", zh ? "en" : "zh",
       zh ? "en" : "zh-CN", zh ? "English" : "中文");
}

void page_begin(Req *r, const char *title)
{
    r->status = 200;
    r->ctype = "text/html; charset=utf-8";
    hf(r,
       "<!doctype html><html lang=\"%s\"><head><meta charset=utf-8>"
       "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
       "<title>%s · %s</title><link rel=stylesheet href=\"/assets/style.css\">"
       "<link rel=icon href=\"data:,\"></head><body><header class=top>",
       strcmp(r->lang, "zh") == 0 ? "zh-CN" : "en", title, T(r, "Huiju"));
    hf(r, "<a class=brand href=\"/\">%s</a>", T(r, "Huiju"));
    if (r->auth.user_id) {
        H(r, "<nav>");
        for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
            if (nav[i].cap != CAP_LOGIN && !(r->auth.caps & CAPBIT(nav[i].cap))) continue;
            int here = strcmp(r->path, nav[i].path) == 0 ||
                       (strlen(nav[i].path) > 1 &&
                        strncmp(r->path, nav[i].path, strlen(nav[i].path)) == 0);
            hf(r, "<a href=\"%s\"%s>%s</a>", nav[i].path, here ? " aria-current=page" : "",
               T(r, nav[i].label));
        }
        H(r, "</nav><div class=who>");
        hf(r, "<span>%s</span>", r->auth.name);
        H(r, "<form method=post action=\"/logout\">");
        form_csrf(r);
        hf(r, "<button class=link>%s</button></form>", T(r, "Log out"));
        lang_switch(r);
        H(r, "</div>");
    } else {
        H(r, "<div class=who>");
        lang_switch(r);
        H(r, "</div>");
    }
    H(r, "</header><main>");
}

void page_end(Req *r)
{
    hf(r, "</main><footer>%s · Huiju</footer></body></html>",
       T(r, "School-based assistance work management platform"));
}

void page_notice(Req *r, const char *cls, const char *text)
{
    hf(r, "<p class=\"notice %s\" role=status>%s</p>", cls, text);
}

void page_error(Req *r, int status, const char *message)
{
    page_begin(r, T(r, "Error"));
    r->status = status;
    hf(r, "<h1>%d</h1><p class=error>%s</p><p><a href=\"/\">%s</a></p>", status, message,
       T(r, "Back to the start page"));
    page_end(r);
}
