/* html.h — the page writer. Everything is escaped unless it is a string literal.
 *
 *   H(r, "<p class=note>");                 literal markup, written as it is
 *   hf(r, "<a href=\"/orgs/%s\">%s</a>", code, name);
 *                                           every %s argument is HTML-escaped
 *                                           (safe in text and in quoted attributes)
 *   h_text(r, s);                           one escaped string
 *
 * H() accepts only a string literal (it will not compile otherwise), so no value
 * can reach the page unescaped. The format of hf() must itself be a literal:
 * -Wformat=2 -Werror enforce it. URLs built from values go through url_encode()
 * first, then %s. */
#ifndef HUIJU_HTML_H
#define HUIJU_HTML_H

#include "http/req.h"

void h_raw_(Req *r, const char *literal);
#define H(r, lit) h_raw_((r), "" lit "")
void h_text(Req *r, const char *s);
void hf(Req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends the HTML-escaped form of s to b. */
void html_escape(Buf *b, const char *s);

#endif
