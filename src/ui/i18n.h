/* i18n.h — translations from standard gettext catalogues.
 *
 * Message ids are English; po/zh_CN.po translates them. The build compiles it
 * with msgfmt and embeds the .mo file, so the server needs no system locale and
 * serves Chinese and English at once on different threads. Simplified Chinese
 * is the default. */
#ifndef HUIJU_I18N_H
#define HUIJU_I18N_H

#include "http/req.h"

/* The translation of msgid into lang ("zh" or "en"); msgid itself when there is
 * none. The result is static or msgid: never freed. */
const char *i18n_get(const char *lang, const char *msgid);
/* msgid in the request's language. Marked for xgettext as T:2. */
const char *T(Req *r, const char *msgid);
/* Sets r->lang: ?lang= (remembered in a cookie), the user's setting, the
 * huiju_lang cookie, Accept-Language, then "zh". */
void i18n_choose(Req *r);
/* "zh" or "en" for a language tag, or NULL if it is neither. */
const char *i18n_norm(const char *tag);

#endif
