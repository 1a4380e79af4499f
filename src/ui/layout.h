/* layout.h — the frame around every page: head, navigation by capability,
 * language switch, footer; and the shared error page. */
#ifndef HUIJU_LAYOUT_H
#define HUIJU_LAYOUT_H

#include "http/req.h"

/* Starts an HTML page (status 200) titled title (escaped). */
void page_begin(Req *r, const char *title);
/* Ends the page begun by page_begin(). */
void page_end(Req *r);
/* A whole page with status and message (escaped). */
void page_error(Req *r, int status, const char *message);
/* The hidden CSRF field for a form that changes state. */
void form_csrf(Req *r);
/* A small notice (escaped) at the top of the page content, e.g. after a save. */
void page_notice(Req *r, const char *cls, const char *text);

#endif
