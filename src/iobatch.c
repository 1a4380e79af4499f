/* iobatch.c — see dataio.h: IoBatch, the one all-or-nothing path by which the CSV
 * import, the DHIS2 import and the data-entry form check and write rows. Writes go through the
 * ValueWriter of values.h only, so roll-ups stay exact and every batch is audited. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "dataio.h"
#include "indicator.h"
#include "ui/i18n.h"
#include "values.h"

/* ---- caches ---------------------------------------------------------------- */

/* A map from a code to an entry, in the batch's arena. */
typedef struct StrMap {
    const char **keys;
    void **vals;
    size_t cap, n;
} StrMap;

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void **map_slot(StrMap *m, Arena *a, const char *key, int *fresh)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 256;
        const char **nk = arena_alloc(a, ncap * sizeof *nk);
        void **nv = arena_alloc(a, ncap * sizeof *nv);
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i]) continue;
            size_t j = str_hash(m->keys[i]) & (ncap - 1);
            while (nk[j])
                j = (j + 1) & (ncap - 1);
            nk[j] = m->keys[i];
            nv[j] = m->vals[i];
        }
        m->keys = nk;
        m->vals = nv;
        m->cap = ncap;
    }
    size_t j = str_hash(key) & (m->cap - 1);
    while (m->keys[j] && strcmp(m->keys[j], key))
        j = (j + 1) & (m->cap - 1);
    *fresh = !m->keys[j];
    if (*fresh) {
        m->keys[j] = arena_strdup(a, key);
        m->n++;
    }
    return &m->vals[j];
}

typedef struct OrgEnt {
    int64_t id;
    const char *code, *path;
    int ok; /* exists and may be written */
} OrgEnt;

typedef struct IndEnt {
    Indicator ind;
    int found;
} IndEnt;

/* The (organisation, indicator, period) of every row so far, with its line, to
 * find repeats and to attribute ratio disagreements. Key 0 is an empty slot. */
typedef struct KeySet {
    uint64_t *keys;
    uint32_t *lines; /* 4 bytes: the table of a 12-million-row file stays near 200 MB */
    size_t cap, n;
} KeySet;

static uint64_t key_of(int64_t org, int64_t ind, int first)
{
    return ((uint64_t)org << 32) ^ ((uint64_t)ind << 16) ^ (uint64_t)first;
}

static size_t key_hash(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

static void keys_grow(KeySet *s, size_t ncap)
{
    uint64_t *nk = calloc(ncap, sizeof *nk);
    uint32_t *nl = calloc(ncap, sizeof *nl);
    if (!nk || !nl) abort();
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->keys[i]) continue;
        size_t j = key_hash(s->keys[i], ncap);
        while (nk[j])
            j = (j + 1) & (ncap - 1);
        nk[j] = s->keys[i];
        nl[j] = s->lines[i];
    }
    free(s->keys);
    free(s->lines);
    s->keys = nk;
    s->lines = nl;
    s->cap = ncap;
}

/* Adds key with line; returns the earlier line when the key was there, else 0. */
static int64_t keys_put(KeySet *s, uint64_t key, int64_t line)
{
    if ((s->n + 1) * 10 > s->cap * 7) keys_grow(s, s->cap ? s->cap * 2 : 1024);
    size_t j = key_hash(key, s->cap);
    while (s->keys[j] && s->keys[j] != key)
        j = (j + 1) & (s->cap - 1);
    if (s->keys[j]) return s->lines[j];
    s->keys[j] = key;
    s->lines[j] = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
    s->n++;
    return 0;
}

static int64_t keys_get(const KeySet *s, uint64_t key)
{
    if (!s->cap) return 0;
    size_t j = key_hash(key, s->cap);
    while (s->keys[j] && s->keys[j] != key)
        j = (j + 1) & (s->cap - 1);
    return s->keys[j] ? s->lines[j] : 0;
}

/* ---- the batch -------------------------------------------------------------- */

enum { SAMPLE_ROWS = 300 }; /* rows whose outcome is recorded as a sample */

struct IoBatch {
    Req *r;
    IoMayWrite may_write;
    ValueWriter *w;
    int64_t started, rows;
    StrMap orgs, inds;
    KeySet keys;
    IoError *err;
    int nerr;
    int64_t nerr_total;
    IoSample *sample;
    int nsample, per_kind[3];
    int failed, value_col, line_offset;
    const char *line_word;
    char common[512]; /* the longest path shared by every organisation written */
    int have_common;
};

IoBatch *io_begin(Req *r, IoMayWrite may_write, int64_t expect_rows)
{
    if (db_begin(r->db) != DB_OK) return NULL;
    IoBatch *b = arena_alloc(r->arena, sizeof *b);
    b->r = r;
    b->may_write = may_write;
    b->started = now_s();
    b->w = vw_new(r->db, r->auth.login ? r->auth.login : "system");
    b->err = arena_alloc(r->arena, sizeof(IoError) * IO_MAX_ERRORS);
    b->sample = arena_alloc(r->arena, sizeof(IoSample) * IO_MAX_SAMPLES * 3);
    b->line_word = "line";
    size_t cap = 1024;
    while (expect_rows > 0 && cap * 7 < (size_t)expect_rows * 10 && cap < ((size_t)1 << 40))
        cap *= 2;
    keys_grow(&b->keys, cap);
    return b;
}

void io_set_value_col(IoBatch *b, int col)
{
    b->value_col = col;
}

void io_set_line_word(IoBatch *b, const char *msgid, int offset)
{
    b->line_word = msgid;
    b->line_offset = offset;
}

int64_t io_errors(const IoBatch *b)
{
    return b->nerr_total;
}

void io_error(IoBatch *b, int64_t line, int col, const char *object, const char *msg)
{
    b->nerr_total++;
    if (b->nerr >= IO_MAX_ERRORS) return;
    IoError *e = &b->err[b->nerr++];
    e->line = line;
    e->col = col;
    e->object = object ? arena_strdup(b->r->arena, object) : NULL;
    e->msg = arena_strdup(b->r->arena, msg);
}

/* The value of a field fit to quote in a message, or "" (not text, or too long). */
static const char *shown(const char *s)
{
    return s && valid_text(s, 64) ? s : "";
}

static void errorf(IoBatch *b, int64_t line, int col, const char *object, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void errorf(IoBatch *b, int64_t line, int col, const char *object, const char *fmt, ...)
{
    if (b->nerr >= IO_MAX_ERRORS) {
        b->nerr_total++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *m = arena_vprintf(b->r->arena, fmt, ap);
    va_end(ap);
    io_error(b, line, col, object, m);
}

static OrgEnt *org_get(IoBatch *b, const char *code)
{
    if (!valid_code(code)) return NULL;
    int fresh;
    void **slot = map_slot(&b->orgs, b->r->arena, code, &fresh);
    if (fresh) {
        OrgEnt *o = arena_alloc(b->r->arena, sizeof *o);
        o->code = arena_strdup(b->r->arena, code);
        DbStmt *s = db_q(b->r->db, "SELECT id, path FROM orgs WHERE code = ?", "s", code);
        if (!s) {
            b->failed = 1;
        } else if (db_step(s) == DB_ROW) {
            o->id = db_col_int(s, 0);
            o->path = arena_strdup(b->r->arena, db_col_text(s, 1));
            o->ok = b->may_write(b->r, o->path);
        }
        db_done(s);
        *slot = o;
    }
    return *slot;
}

static IndEnt *ind_get(IoBatch *b, const char *code)
{
    if (!indicator_code_ok(code)) return NULL;
    int fresh;
    void **slot = map_slot(&b->inds, b->r->arena, code, &fresh);
    if (fresh) {
        IndEnt *e = arena_alloc(b->r->arena, sizeof *e);
        int f = indicator_load(b->r->db, b->r->arena, code, &e->ind);
        if (f < 0) b->failed = 1;
        e->found = f == 1;
        *slot = e;
    }
    return ((IndEnt *)*slot)->found ? *slot : NULL;
}

/* Shortens b->common to the part of path it shares, at a '/' boundary. */
static void common_path(IoBatch *b, const char *path)
{
    if (!b->have_common) {
        snprintf(b->common, sizeof b->common, "%s", path);
        b->have_common = 1;
        return;
    }
    size_t i = 0, last = 0;
    while (b->common[i] && b->common[i] == path[i]) {
        if (b->common[i] == '/') last = i + 1;
        i++;
    }
    if (b->common[i]) b->common[last] = 0;
}

static void add_sample(IoBatch *b, int64_t line, char what, const OrgEnt *o, const Indicator *ind,
                       const char *period, const double *value)
{
    int k = what == 'a' ? 0 : what == 'c' ? 1 : 2;
    if (b->per_kind[k] >= IO_MAX_SAMPLES) return;
    b->per_kind[k]++;
    Arena *a = b->r->arena;
    IoSample *s = &b->sample[b->nsample++];
    s->line = line;
    s->what = what;
    s->org = o->code;
    s->indicator = ind->code;
    s->period = arena_strdup(a, period);
    s->value = NULL;
    if (value) {
        char text[32];
        io_format_number(*value, text, sizeof text);
        s->value = arena_strdup(a, text);
    }
}

void io_row(IoBatch *b, int64_t line, const IoRow *in)
{
    Req *r = b->r;
    b->rows++;
    int64_t before = b->nerr_total;
    OrgEnt *o = org_get(b, in->org);
    if (!o || !o->ok)
        errorf(b, line, in->col[0], in->org, "%s: %s", T(r, "no such organisation in your reach"),
               shown(in->org));
    IndEnt *ie = ind_get(b, in->indicator);
    const Indicator *ind = ie ? &ie->ind : NULL;
    if (!ind)
        errorf(b, line, in->col[1], in->indicator, "%s: %s", T(r, "no such indicator"),
               shown(in->indicator));
    else if (ind->is_ratio)
        errorf(b, line, in->col[1], in->indicator, "%s: %s", ind->code,
               T(r, "a ratio is computed from its parts: enter its numerator and denominator "
                    "instead"));
    Period p;
    char canon[12] = "";
    if (!io_parse_period(in->period, &p)) {
        errorf(b, line, in->col[2], in->period, "%s: %s",
               T(r, "the period must be written 2024, 2024Q1 or 2024-03"), shown(in->period));
    } else {
        period_format(&p, canon, sizeof canon);
        if (ind && !ind->is_ratio && p.kind != ind->ptype)
            errorf(b, line, in->col[2], in->period, "%s: %s %s (%s)", ind->code,
                   T(r, "this indicator is entered per"), T(r, period_kind_name(ind->ptype)),
                   canon);
    }
    double v = 0;
    const double *vp = NULL;
    if (in->value && *in->value) {
        if (!io_parse_number(in->value, &v)) {
            errorf(b, line, in->col[3], in->value, "%s: %s", T(r, "the value must be a number"),
                   shown(in->value));
        } else if (ind && !ind->is_ratio) {
            if (ind->integer_only && v != floor(v))
                errorf(b, line, in->col[3], in->value, "%s: %s",
                       T(r, "the value must be a whole number"), shown(in->value));
            else if ((ind->has_min && v < ind->min) || (ind->has_max && v > ind->max))
                errorf(b, line, in->col[3], in->value, "%s %g – %g: %s",
                       T(r, "the value must lie within"), ind->has_min ? ind->min : -INFINITY,
                       ind->has_max ? ind->max : INFINITY, shown(in->value));
        }
        vp = &v;
    }
    if (b->nerr_total > before || b->failed) return;
    int64_t prev = 0;
    if (o->id < ((int64_t)1 << 31) && ind->id < (1 << 15))
        prev = keys_put(&b->keys, key_of(o->id, ind->id, p.first), line);
    if (prev) {
        errorf(b, line, in->col[0], in->org, "%s %s %lld",
               T(r, "the same organisation, indicator and period as"), T(r, b->line_word),
               (long long)(prev - b->line_offset));
        return;
    }
    if (b->nerr_total) return; /* nothing will be written: only go on checking */
    /* vw_counts() completes the writer's queued inserts, so what each row did is
     * only asked for the first SAMPLE_ROWS rows: a large file keeps the writer's
     * batching, and the samples come from its beginning */
    int classify = b->rows <= SAMPLE_ROWS;
    int64_t a0 = 0, c0 = 0, d0 = 0, a1, c1, d1;
    if (classify) vw_counts(b->w, &a0, &c0, &d0);
    char why[256];
    int rc = vw_put(b->w, r->lang, o->id, o->path, ind, canon, vp, why, sizeof why);
    if (rc < 0) {
        b->failed = 1;
        return;
    }
    if (rc > 0) {
        io_error(b, line, in->col[3], in->value, why);
        return;
    }
    common_path(b, o->path);
    if (!classify) return;
    vw_counts(b->w, &a1, &c1, &d1);
    char what = a1 > a0 ? 'a' : c1 > c0 ? 'c' : d1 > d0 ? 'd' : 0;
    if (what) add_sample(b, line, what, o, ind, canon, vp);
}

/* After vw_check_ratios found a disagreement: one error per disagreeing pair of
 * parts written by this batch, on the line of the numerator (or else of the
 * denominator). Returns the number found, -1 on a database error. */
static int ratio_errors(IoBatch *b)
{
    Req *r = b->r;
    DbStmt *s = db_q(r->db,
                     "SELECT n.id, n.code, d.id, d.code FROM indicators x"
                     " JOIN indicators n ON n.id = x.numerator_id"
                     " JOIN indicators d ON d.id = x.denominator_id"
                     " WHERE x.kind = 'ratio' AND x.unit = '%' AND n.period_type = d.period_type"
                     " ORDER BY x.id",
                     "");
    if (!s) return -1;
    struct Pair {
        int64_t n, d;
        const char *ncode, *dcode;
    } pairs[64];
    int np = 0, found = 0;
    while (np < 64 && db_step(s) == DB_ROW) {
        pairs[np].n = db_col_int(s, 0);
        pairs[np].ncode = arena_strdup(r->arena, db_col_text(s, 1));
        pairs[np].d = db_col_int(s, 2);
        pairs[np].dcode = arena_strdup(r->arena, db_col_text(s, 3));
        np++;
    }
    db_done(s);
    const char *actor = r->auth.login ? r->auth.login : "system";
    for (int i = 0; i < np; i++) {
        DbStmt *q = db_q(r->db,
                         "SELECT a.org_id, o.code, a.period, a.value, b.value FROM datavalues a"
                         " JOIN datavalues b ON b.org_id = a.org_id AND b.period = a.period"
                         "  AND b.indicator_id = ?"
                         " JOIN orgs o ON o.id = a.org_id"
                         " WHERE a.indicator_id = ? AND a.value > b.value"
                         " AND ((a.entered_by = ? AND a.entered_at >= ?)"
                         "  OR (b.entered_by = ? AND b.entered_at >= ?))"
                         " ORDER BY o.code, a.period LIMIT 100",
                         "iisisi", pairs[i].d, pairs[i].n, actor, b->started, actor, b->started);
        if (!q) return -1;
        while (db_step(q) == DB_ROW) {
            Period p;
            period_parse(db_col_text(q, 2), &p);
            int64_t org = db_col_int(q, 0);
            int64_t line = keys_get(&b->keys, key_of(org, pairs[i].n, p.first));
            if (!line) line = keys_get(&b->keys, key_of(org, pairs[i].d, p.first));
            char nv[32], dv[32];
            io_format_number(db_col_double(q, 3), nv, sizeof nv);
            io_format_number(db_col_double(q, 4), dv, sizeof dv);
            errorf(b, line, line ? b->value_col : 0, pairs[i].ncode, "%s %s %s: %s (%s) %s %s (%s)",
                   db_col_text(q, 1), db_col_text(q, 2), T(r, "parts disagree"), pairs[i].ncode, nv,
                   T(r, "exceeds"), pairs[i].dcode, dv);
            found++;
        }
        db_done(q);
    }
    return found;
}

static int cmp_err(const void *x, const void *y)
{
    const IoError *a = x, *b = y;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    return (a->col > b->col) - (a->col < b->col);
}

void io_end(IoBatch *b, int dry_run, const char *action, const char *object_key, IoResult *out)
{
    Req *r = b->r;
    memset(out, 0, sizeof *out);
    if (!b->failed && !b->nerr_total && b->rows) {
        char why[300];
        int rc = vw_check_ratios(b->w, r->lang, why, sizeof why);
        if (rc < 0) {
            b->failed = 1;
        } else if (rc > 0) {
            int n = ratio_errors(b);
            if (n < 0) b->failed = 1;
            if (n <= 0) io_error(b, 0, 0, NULL, why);
            /* the query lists pair by pair: put them in file order */
            qsort(b->err, (size_t)b->nerr, sizeof *b->err, cmp_err);
        }
    }
    vw_counts(b->w, &out->added, &out->changed, &out->deleted);
    out->rows = b->rows;
    out->unchanged = b->rows - out->added - out->changed - out->deleted;
    if (b->failed || b->nerr_total || dry_run) {
        vw_abandon(b->w);
        db_rollback(r->db);
    } else if (vw_finish(b->w, action, object_key, b->have_common ? b->common : "") != DB_OK ||
               db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        b->failed = 1;
    } else {
        out->written = 1;
    }
    out->failed = b->failed;
    out->nerr = b->nerr;
    out->nerr_total = b->nerr_total;
    out->err = b->err;
    out->nsample = b->nsample;
    out->sample = b->sample;
    if (b->failed) out->written = 0;
    free(b->keys.keys);
    free(b->keys.lines);
    b->keys.keys = NULL;
}
