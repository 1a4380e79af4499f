/* i18n.c — see i18n.h. Reads the GNU .mo format: a header, then two tables
 * of (length, offset) pairs, originals sorted so we can search them. */
#include "ui/i18n.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "core/embedded.h"

typedef struct Catalogue {
    const unsigned char *data;
    size_t size;
    uint32_t n, orig, trans;
    int ok;
} Catalogue;

static uint32_t u32(const Catalogue *c, size_t off)
{
    uint32_t v;
    memcpy(&v, c->data + off, 4);
    return v;
}

static int load(Catalogue *c, const char *name)
{
    const EmbeddedFile *f = embedded_find(name);
    if (!f || f->size < 28) return 0;
    c->data = f->data;
    c->size = f->size;
    if (u32(c, 0) != 0x950412deu) return 0;
    c->n = u32(c, 8);
    c->orig = u32(c, 12);
    c->trans = u32(c, 16);
    if ((uint64_t)c->orig + 8ull * c->n > c->size || (uint64_t)c->trans + 8ull * c->n > c->size)
        return 0;
    for (uint32_t i = 0; i < c->n; i++) {
        for (int t = 0; t < 2; t++) {
            uint32_t base = t ? c->trans : c->orig;
            uint64_t len = u32(c, base + 8 * i), off = u32(c, base + 8 * i + 4);
            if (off + len >= c->size || c->data[off + len] != 0) return 0;
        }
    }
    return 1;
}

/* The catalogue is embedded and immutable; it is checked once, at first use. */
static Catalogue zh;
static pthread_once_t zh_once = PTHREAD_ONCE_INIT;

static void load_zh(void) { zh.ok = load(&zh, "po/zh_CN.mo"); }

static const Catalogue *zh_catalogue(void)
{
    pthread_once(&zh_once, load_zh);
    return &zh;
}

const char *i18n_get(const char *lang, const char *msgid)
{
    if (!msgid || !lang || strcmp(lang, "zh") != 0) return msgid;
    const Catalogue *c = zh_catalogue();
    if (!c->ok) return msgid;
    uint32_t lo = 0, hi = c->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *o = (const char *)c->data + u32(c, c->orig + 8 * mid + 4);
        int cmp = strcmp(msgid, o);
        if (cmp == 0) {
            const char *t = (const char *)c->data + u32(c, c->trans + 8 * mid + 4);
            return *t ? t : msgid;
        }
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return msgid;
}

const char *T(Req *r, const char *msgid) { return i18n_get(r->lang, msgid); }

const char *i18n_norm(const char *tag)
{
    if (!tag) return NULL;
    if (strncmp(tag, "zh", 2) == 0) return "zh";
    if (strncmp(tag, "en", 2) == 0) return "en";
    return NULL;
}

/* The first of zh/en in an Accept-Language list, or NULL. (Weights are not
 * weighed: browsers list their languages in order of preference.) */
static const char *from_accept(const char *al)
{
    if (!al) return NULL;
    for (const char *p = al; *p;) {
        while (*p == ' ' || *p == ',') p++;
        const char *l = i18n_norm(p);
        if (l) return l;
        p = strchr(p, ',');
        if (!p) break;
    }
    return NULL;
}

void i18n_choose(Req *r)
{
    const char *q = i18n_norm(req_query(r, "lang"));
    if (q && !req_is_api(r)) {
        req_add_header(r, "Set-Cookie",
                       strcmp(q, "en") == 0
                           ? "huiju_lang=en; Path=/; Max-Age=31536000; SameSite=Lax"
                           : "huiju_lang=zh; Path=/; Max-Age=31536000; SameSite=Lax");
    }
    const char *l = q;
    if (!l && r->auth.lang) l = i18n_norm(r->auth.lang);
    if (!l) l = i18n_norm(req_cookie(r, "huiju_lang"));
    if (!l) l = from_accept(req_header(r, "Accept-Language"));
    r->lang = l ? l : "zh";
}
