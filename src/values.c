/* values.c — see values.h. The write path keeps `rollups` exact; the read path
 * combines own values and roll-ups over the periods asked for. */
#include "values.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "core/util.h"
#include "ui/i18n.h"

/* ---- reading -------------------------------------------------------------- */

/* Native periods of kind k that lie in [first, last] months, as a text range
 * (lo, hi) usable with BETWEEN: months and quarters sort as text. */
static void native_range(PeriodKind k, const Period *p, char *lo, char *hi, size_t n)
{
    Period a, b;
    if (k == PERIOD_MONTH) {
        a = period_month(p->first);
        b = period_month(p->last);
    } else if (k == PERIOD_QUARTER) {
        a = period_quarter_of(p->first);
        b = period_quarter_of(p->last);
    } else {
        a = period_year_of(p->first);
        b = period_year_of(p->last);
    }
    period_format(&a, lo, n);
    period_format(&b, hi, n);
}

/* The figure of a raw indicator (sum or last). */
static int read_raw(Db *db, const Indicator *ind, int64_t org_id, const Period *asked,
                    Figure *out)
{
    memset(out, 0, sizeof *out);
    /* a shorter period than the indicator's own reads the containing native period */
    Period p = *asked;
    if (ind->ptype == PERIOD_YEAR && p.kind != PERIOD_YEAR) p = period_year_of(p.first);
    if (ind->ptype == PERIOD_QUARTER && p.kind == PERIOD_MONTH) p = period_quarter_of(p.first);
    char lo[12], hi[12];
    native_range(ind->ptype, &p, lo, hi, sizeof lo);
    /* own value and the roll-up below, per native period, newest first */
    DbStmt *s = db_q(db,
                     "SELECT period, sum(total), sum(n) FROM ("
                     " SELECT period, value AS total, 1 AS n FROM datavalues"
                     "  WHERE org_id = ? AND indicator_id = ? AND period BETWEEN ? AND ?"
                     " UNION ALL SELECT period, total, n FROM rollups"
                     "  WHERE org_id = ? AND indicator_id = ? AND period BETWEEN ? AND ? AND n > 0"
                     ") x GROUP BY period ORDER BY period DESC",
                     "iissiiss", org_id, ind->id, lo, hi, org_id, ind->id, lo, hi);
    if (!s) return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        double v = db_col_double(s, 1);
        int64_t n = db_col_int(s, 2);
        if (!out->has) snprintf(out->period, sizeof out->period, "%s", db_col_text(s, 0));
        if (ind->agg == AGG_SUM) {
            out->value += v;
            out->n += n;
            out->has = 1;
        } else { /* AGG_LAST and AGG_NONE: the newest native period only */
            out->value = v;
            out->n = n;
            out->has = 1;
            break;
        }
    }
    db_done(s);
    if (rc != DB_ROW && rc != DB_DONE) return -1;
    /* a value that is not summed has no meaning above one organisation */
    if (ind->agg == AGG_NONE && out->n > 1) out->has = 0;
    out->num = out->value;
    return 0;
}

int value_read(Db *db, Arena *a, const Indicator *ind, int64_t org_id, const Period *p,
               Figure *out)
{
    if (!ind->is_ratio) return read_raw(db, ind, org_id, p, out);
    memset(out, 0, sizeof *out);
    Indicator num, den;
    if (indicator_load_id(db, a, ind->num_id, &num) != 1 ||
        indicator_load_id(db, a, ind->den_id, &den) != 1)
        return -1;
    Figure fn, fd;
    if (read_raw(db, &num, org_id, p, &fn) || read_raw(db, &den, org_id, p, &fd)) return -1;
    out->num = fn.value;
    out->den = fd.value;
    out->n = fn.n < fd.n ? fn.n : fd.n;
    snprintf(out->period, sizeof out->period, "%s", fn.period);
    if (fn.has && fd.has && fd.value != 0) {
        out->has = 1;
        out->value = fn.value / fd.value * ind->factor;
    }
    return 0;
}

/* ---- writing -------------------------------------------------------------- */

typedef struct Delta {
    int64_t org_id, ind_id;
    char period[12];
    double total;
    int64_t n;
    int used;
} Delta;

typedef struct AncCache {
    int64_t org_id;
    int n;
    int64_t anc[8];
    int used;
} AncCache;

enum { LOG_MAX = 500, PENDING_MAX = 200, TOUCH_MAX = 2000 };

struct ValueWriter {
    Db *db;
    char actor[80];
    Delta *d;
    size_t dcap, dused;
    AncCache *ac;
    size_t acap;
    int64_t added, changed, deleted;
    json_t *log; /* the changes, while the batch is small */
    int any_delete;
    int64_t started;
    /* new values waiting to go in as one multi-row INSERT (see flush()) */
    struct Pending {
        int64_t org_id, ind_id;
        char code[72], period[12];
        double value;
        int nanc;
        int64_t anc[8];
        int inserted;
    } pending[PENDING_MAX];
    int npending;
    /* what the batch wrote, for checking ratio parts by key (small batches only) */
    struct Touched {
        int64_t org_id, ind_id;
        char period[12];
    } touched[TOUCH_MAX];
    int ntouched, touch_overflow;
    /* the indicators the batch wrote, kept for every batch size */
    int64_t touched_ind[64];
    int ntouched_ind, ind_overflow;
};

ValueWriter *vw_new(Db *db, const char *actor)
{
    ValueWriter *w = calloc(1, sizeof *w);
    if (!w) abort();
    w->db = db;
    snprintf(w->actor, sizeof w->actor, "%s", actor);
    w->dcap = 1024;
    w->d = calloc(w->dcap, sizeof *w->d);
    w->acap = 8192;
    w->ac = calloc(w->acap, sizeof *w->ac);
    if (!w->d || !w->ac) abort();
    w->log = json_array();
    w->started = now_s();
    return w;
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static uint64_t delta_hash(int64_t org, int64_t ind, const char *period)
{
    uint64_t h = mix((uint64_t)org * 1000003u + (uint64_t)ind);
    for (const char *p = period; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h;
}

static void delta_add(ValueWriter *w, int64_t org, int64_t ind, const char *period, double dv,
                      int64_t dn)
{
    if (w->dused * 2 >= w->dcap) { /* grow and rehash */
        size_t ncap = w->dcap * 2;
        Delta *nd = calloc(ncap, sizeof *nd);
        if (!nd) abort();
        for (size_t i = 0; i < w->dcap; i++) {
            if (!w->d[i].used) continue;
            size_t j = delta_hash(w->d[i].org_id, w->d[i].ind_id, w->d[i].period) & (ncap - 1);
            while (nd[j].used) j = (j + 1) & (ncap - 1);
            nd[j] = w->d[i];
        }
        free(w->d);
        w->d = nd;
        w->dcap = ncap;
    }
    size_t j = delta_hash(org, ind, period) & (w->dcap - 1);
    while (w->d[j].used &&
           !(w->d[j].org_id == org && w->d[j].ind_id == ind && !strcmp(w->d[j].period, period)))
        j = (j + 1) & (w->dcap - 1);
    Delta *d = &w->d[j];
    if (!d->used) {
        d->used = 1;
        d->org_id = org;
        d->ind_id = ind;
        snprintf(d->period, sizeof d->period, "%s", period);
        w->dused++;
    }
    d->total += dv;
    d->n += dn;
}

/* The ids of the organisation's ancestors (not itself), from its path. */
static const AncCache *ancestors(ValueWriter *w, int64_t org_id, const char *path)
{
    size_t j = mix((uint64_t)org_id) & (w->acap - 1);
    for (size_t probe = 0; probe < w->acap; probe++, j = (j + 1) & (w->acap - 1)) {
        if (w->ac[j].used && w->ac[j].org_id == org_id) return &w->ac[j];
        if (!w->ac[j].used) break;
    }
    if (!w->ac[j].used) {
        /* a full cache simply starts over */
    } else {
        memset(w->ac, 0, w->acap * sizeof *w->ac);
        j = mix((uint64_t)org_id) & (w->acap - 1);
    }
    AncCache *c = &w->ac[j];
    c->used = 1;
    c->org_id = org_id;
    c->n = 0;
    /* every code in the path but the last names an ancestor */
    const char *p = path;
    while (p && *p && c->n < 8) {
        if (*p == '/') {
            p++;
            continue;
        }
        const char *e = strchr(p, '/');
        if (!e || !e[1]) break; /* the last segment is the organisation itself */
        char code[40];
        size_t n = (size_t)(e - p);
        if (n >= sizeof code) break;
        memcpy(code, p, n);
        code[n] = 0;
        int64_t id;
        if (db_int(w->db, &id, "SELECT id FROM orgs WHERE code = ?", "s", code) == 1)
            c->anc[c->n++] = id;
        p = e;
    }
    return c;
}

static void log_change(ValueWriter *w, int64_t org, const char *code, const char *period,
                       const double *before, const double *after)
{
    if (json_array_size(w->log) >= LOG_MAX) return;
    json_t *e = json_pack("{s:I,s:s,s:s}", "org_id", (json_int_t)org, "indicator", code,
                          "period", period);
    json_object_set_new(e, "before", before ? json_real(*before) : json_null());
    json_object_set_new(e, "after", after ? json_real(*after) : json_null());
    json_array_append_new(w->log, e);
}

static int flush(ValueWriter *w);
static int store_value(ValueWriter *w, int64_t org_id, const int64_t *anc, int nanc,
                       int64_t ind_id, const char *code, const char *canon, const double *value,
                       int64_t now);

int vw_put(ValueWriter *w, const char *lang, int64_t org_id, const char *org_path,
           const Indicator *ind, const char *period, const double *value, char *err,
           size_t errlen)
{
    Period p;
    if (!period_parse(period, &p)) {
        snprintf(err, errlen, "%s", i18n_get(lang, "the period must be written 2024, 2024Q1 or 2024-03"));
        return 1;
    }
    if (p.kind != ind->ptype) {
        snprintf(err, errlen, "%s: %s", i18n_get(lang, "this indicator is entered per"),
                 i18n_get(lang, period_kind_name(ind->ptype)));
        return 1;
    }
    if (ind->is_ratio) {
        snprintf(err, errlen, "%s",
                 i18n_get(lang, "a ratio is computed from its parts: enter its numerator and "
                                "denominator instead"));
        return 1;
    }
    char canon[12];
    period_format(&p, canon, sizeof canon);
    if (value) {
        double v = *value;
        if (!isfinite(v)) {
            snprintf(err, errlen, "%s", i18n_get(lang, "the value must be a number"));
            return 1;
        }
        if (ind->integer_only && v != floor(v)) {
            snprintf(err, errlen, "%s", i18n_get(lang, "the value must be a whole number"));
            return 1;
        }
        if ((ind->has_min && v < ind->min) || (ind->has_max && v > ind->max)) {
            snprintf(err, errlen, "%s %g – %g", i18n_get(lang, "the value must lie within"),
                     ind->has_min ? ind->min : -INFINITY, ind->has_max ? ind->max : INFINITY);
            return 1;
        }
    }
    int64_t now = now_s();
    int seen = 0;
    for (int i = 0; i < w->ntouched_ind && !seen; i++) seen = w->touched_ind[i] == ind->id;
    if (!seen) {
        if (w->ntouched_ind < 64)
            w->touched_ind[w->ntouched_ind++] = ind->id;
        else
            w->ind_overflow = 1;
    }
    if (w->ntouched < TOUCH_MAX) {
        struct Touched *t = &w->touched[w->ntouched++];
        t->org_id = org_id;
        t->ind_id = ind->id;
        snprintf(t->period, sizeof t->period, "%s", canon);
    } else {
        w->touch_overflow = 1;
    }
    if (value) {
        /* a value is first queued as a new one; flush() inserts a batch in one
         * statement and sends the keys that already existed down the path below */
        if (w->npending == PENDING_MAX && flush(w)) return -1;
        struct Pending *q = &w->pending[w->npending++];
        q->org_id = org_id;
        q->ind_id = ind->id;
        snprintf(q->code, sizeof q->code, "%s", ind->code);
        snprintf(q->period, sizeof q->period, "%s", canon);
        q->value = *value;
        const AncCache *c = ancestors(w, org_id, org_path);
        q->nanc = c->n;
        memcpy(q->anc, c->anc, sizeof q->anc);
        q->inserted = 0;
        return 0;
    }
    if (flush(w)) return -1; /* a delete must see every queued value */
    const AncCache *c = ancestors(w, org_id, org_path);
    return store_value(w, org_id, c->anc, c->n, ind->id, ind->code, canon, value, now);
}

/* The slow path: reads the old value, then updates or deletes it, and records
 * the roll-up change. 0 or -1. */
static int store_value(ValueWriter *w, int64_t org_id, const int64_t *anc, int nanc,
                       int64_t ind_id, const char *code, const char *canon, const double *value,
                       int64_t now)
{
    Db *db = w->db;
    double old = 0;
    int had = 0;
    DbStmt *s = db_q(db,
                     "SELECT value FROM datavalues WHERE org_id = ? AND indicator_id = ? AND"
                     " period = ?",
                     "iis", org_id, ind_id, canon);
    if (!s) return -1;
    if (db_step(s) == DB_ROW) {
        had = 1;
        old = db_col_double(s, 0);
    }
    db_done(s);
    if (!value) {
        if (!had) return 0;
        if (db_run(db, "DELETE FROM datavalues WHERE org_id = ? AND indicator_id = ? AND period = ?",
                   "iis", org_id, ind_id, canon) != DB_OK)
            return -1;
        w->deleted++;
        w->any_delete = 1;
        log_change(w, org_id, code, canon, &old, NULL);
    } else {
        if (old == *value) return 0;
        if (db_run(db,
                   "UPDATE datavalues SET value = ?, entered_by = ?, entered_at = ?"
                   " WHERE org_id = ? AND indicator_id = ? AND period = ?",
                   "dsiiis", *value, w->actor, now, org_id, ind_id, canon) != DB_OK)
            return -1;
        w->changed++;
        log_change(w, org_id, code, canon, &old, value);
    }

    double dv = (value ? *value : 0) - (had ? old : 0);
    int64_t dn = (value ? 1 : 0) - (had ? 1 : 0);
    for (int i = 0; i < nanc; i++) delta_add(w, anc[i], ind_id, canon, dv, dn);
    return 0;
}

/* Inserts the queued values in one statement (ON CONFLICT DO NOTHING RETURNING
 * the keys that went in); the keys that already had a value take the slow path.
 * 0 or -1. The SQL text depends only on the number of rows. */
static int flush(ValueWriter *w)
{
    int n = w->npending;
    if (!n) return 0;
    w->npending = 0;
    Buf sql;
    buf_init(&sql);
    buf_puts(&sql, "INSERT INTO datavalues(org_id, indicator_id, period, value, entered_by,"
                   " entered_at) VALUES ");
    for (int i = 0; i < n; i++) buf_puts(&sql, i ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)");
    buf_puts(&sql, " ON CONFLICT (org_id, indicator_id, period) DO NOTHING"
                   " RETURNING org_id, indicator_id, period");
    DbStmt *s = db_prepare(w->db, sql.data);
    buf_free(&sql);
    if (!s) return -1;
    int64_t now = now_s();
    for (int i = 0; i < n; i++) {
        struct Pending *q = &w->pending[i];
        db_bind_int(s, 6 * i + 1, q->org_id);
        db_bind_int(s, 6 * i + 2, q->ind_id);
        db_bind_text(s, 6 * i + 3, q->period);
        db_bind_double(s, 6 * i + 4, q->value);
        db_bind_text(s, 6 * i + 5, w->actor);
        db_bind_int(s, 6 * i + 6, now);
    }
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t org = db_col_int(s, 0), ind = db_col_int(s, 1);
        const char *per = db_col_text(s, 2);
        /* the first queued row with that key and not yet matched went in */
        for (int i = 0; i < n; i++) {
            struct Pending *q = &w->pending[i];
            if (!q->inserted && q->org_id == org && q->ind_id == ind && !strcmp(q->period, per)) {
                q->inserted = 1;
                break;
            }
        }
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    for (int i = 0; i < n; i++) {
        struct Pending *q = &w->pending[i];
        if (q->inserted) {
            w->added++;
            log_change(w, q->org_id, q->code, q->period, NULL, &q->value);
            for (int k = 0; k < q->nanc; k++) delta_add(w, q->anc[k], q->ind_id, q->period, q->value, 1);
        } else if (store_value(w, q->org_id, q->anc, q->nanc, q->ind_id, q->code, q->period,
                               &q->value, now)) {
            return -1;
        }
    }
    return 0;
}

void vw_counts(ValueWriter *w, int64_t *added, int64_t *changed, int64_t *deleted)
{
    flush(w); /* an error here shows again, and is reported, at vw_finish */
    *added = w->added;
    *changed = w->changed;
    *deleted = w->deleted;
}

void vw_abandon(ValueWriter *w)
{
    if (!w) return;
    json_decref(w->log);
    free(w->d);
    free(w->ac);
    free(w);
}

/* Adds n roll-up changes in one statement. DB_OK or an error code. */
static int upsert_rollups(Db *db, const Delta *const *d, int n)
{
    Buf sql;
    buf_init(&sql);
    buf_puts(&sql, "INSERT INTO rollups(org_id, indicator_id, period, total, n) VALUES ");
    for (int i = 0; i < n; i++) buf_puts(&sql, i ? ",(?,?,?,?,?)" : "(?,?,?,?,?)");
    buf_puts(&sql, " ON CONFLICT (org_id, indicator_id, period) DO UPDATE SET"
                   " total = rollups.total + excluded.total, n = rollups.n + excluded.n");
    DbStmt *s = db_prepare(db, sql.data);
    buf_free(&sql);
    if (!s) return DB_ERROR;
    for (int i = 0; i < n; i++) {
        db_bind_int(s, 5 * i + 1, d[i]->org_id);
        db_bind_int(s, 5 * i + 2, d[i]->ind_id);
        db_bind_text(s, 5 * i + 3, d[i]->period);
        db_bind_double(s, 5 * i + 4, d[i]->total);
        db_bind_int(s, 5 * i + 5, d[i]->n);
    }
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? DB_OK : rc;
}

int vw_finish(ValueWriter *w, const char *action, const char *object_key, const char *org_path)
{
    int rc = flush(w) ? DB_ERROR : DB_OK;
    /* the roll-up changes, 200 keys a statement (keys are unique in the map) */
    const Delta *batch[PENDING_MAX];
    int nb = 0;
    for (size_t i = 0; i <= w->dcap && rc == DB_OK; i++) {
        const Delta *d = i < w->dcap ? &w->d[i] : NULL;
        if (d && (!d->used || (d->total == 0 && d->n == 0))) continue;
        if (d) batch[nb++] = d;
        if (nb == PENDING_MAX || (!d && nb)) {
            rc = upsert_rollups(w->db, batch, nb);
            nb = 0;
        }
    }
    if (rc == DB_OK && w->any_delete) rc = db_run(w->db, "DELETE FROM rollups WHERE n <= 0", "");
    if (rc == DB_OK && (w->added || w->changed || w->deleted)) {
        json_t *after = json_pack("{s:I,s:I,s:I}", "added", (json_int_t)w->added, "changed",
                                  (json_int_t)w->changed, "deleted", (json_int_t)w->deleted);
        if (w->added + w->changed + w->deleted <= LOG_MAX)
            json_object_set(after, "changes", w->log);
        rc = audit_log(w->db, w->actor, action, "datavalues", object_key, org_path, NULL, after);
        json_decref(after);
    }
    vw_abandon(w);
    return rc;
}

int vw_check_ratios(ValueWriter *w, const char *lang, char *err, size_t errlen)
{
    if (flush(w)) return -1;
    /* every percentage ratio whose parts share a period type: part ≤ whole */
    DbStmt *s = db_q(w->db,
                     "SELECT r.code, n.id, n.code, d.id, d.code FROM indicators r"
                     " JOIN indicators n ON n.id = r.numerator_id"
                     " JOIN indicators d ON d.id = r.denominator_id"
                     " WHERE r.kind = 'ratio' AND r.unit = '%' AND n.period_type = d.period_type",
                     "");
    if (!s) return -1;
    struct {
        int64_t n, d;
        char ncode[72], dcode[72];
    } pairs[64];
    int np = 0;
    while (db_step(s) == DB_ROW && np < 64) {
        pairs[np].n = db_col_int(s, 1);
        snprintf(pairs[np].ncode, sizeof pairs[np].ncode, "%s", db_col_text(s, 2));
        pairs[np].d = db_col_int(s, 3);
        snprintf(pairs[np].dcode, sizeof pairs[np].dcode, "%s", db_col_text(s, 4));
        np++;
    }
    db_done(s);
    if (!w->touch_overflow) {
        /* a small batch: look at exactly the keys it wrote, by primary key */
        for (int i = 0; i < np; i++) {
            for (int k = 0; k < w->ntouched; k++) {
                const struct Touched *t = &w->touched[k];
                if (t->ind_id != pairs[i].n && t->ind_id != pairs[i].d) continue;
                DbStmt *q = db_q(w->db,
                                 "SELECT o.code, a.value, b.value FROM datavalues a"
                                 " JOIN datavalues b ON b.org_id = a.org_id AND b.period = a.period"
                                 "  AND b.indicator_id = ?"
                                 " JOIN orgs o ON o.id = a.org_id"
                                 " WHERE a.org_id = ? AND a.indicator_id = ? AND a.period = ?"
                                 " AND a.value > b.value",
                                 "iiis", pairs[i].d, t->org_id, pairs[i].n, t->period);
                if (!q) return -1;
                int bad = 0;
                if (db_step(q) == DB_ROW) {
                    snprintf(err, errlen, "%s %s %s: %s (%g) %s %s (%g)", db_col_text(q, 0),
                             t->period, i18n_get(lang, "parts disagree"), pairs[i].ncode,
                             db_col_double(q, 1), i18n_get(lang, "exceeds"), pairs[i].dcode,
                             db_col_double(q, 2));
                    bad = 1;
                }
                db_done(q);
                if (bad) return 1;
            }
        }
        return 0;
    }
    for (int i = 0; i < np; i++) {
        /* a pair neither of whose parts the batch wrote cannot have changed */
        int touched = w->ind_overflow;
        for (int k = 0; k < w->ntouched_ind && !touched; k++)
            touched = w->touched_ind[k] == pairs[i].n || w->touched_ind[k] == pairs[i].d;
        if (!touched) continue;
        /* only the values this batch wrote (by this actor since it began) are checked */
        DbStmt *q = db_q(w->db,
                         "SELECT o.code, a.period, a.value, b.value FROM datavalues a"
                         " JOIN datavalues b ON b.org_id = a.org_id AND b.period = a.period"
                         "  AND b.indicator_id = ?"
                         " JOIN orgs o ON o.id = a.org_id"
                         " WHERE a.indicator_id = ? AND a.value > b.value"
                         " AND ((a.entered_by = ? AND a.entered_at >= ?)"
                         "  OR (b.entered_by = ? AND b.entered_at >= ?)) LIMIT 1",
                         "iisisi", pairs[i].d, pairs[i].n, w->actor, w->started, w->actor,
                         w->started);
        if (!q) return -1;
        int bad = 0;
        if (db_step(q) == DB_ROW) {
            snprintf(err, errlen, "%s %s %s: %s (%g) %s %s (%g)", db_col_text(q, 0),
                     db_col_text(q, 1), i18n_get(lang, "parts disagree"), pairs[i].ncode,
                     db_col_double(q, 2), i18n_get(lang, "exceeds"), pairs[i].dcode,
                     db_col_double(q, 3));
            bad = 1;
        }
        db_done(q);
        if (bad) return 1;
    }
    return 0;
}

int rollups_rebuild(Db *db)
{
    /* each value counts once for every proper ancestor: a path prefix shorter than its own */
    int rc = db_run(db, "DELETE FROM rollups", "");
    if (rc == DB_OK)
        rc = db_run(db,
                    "INSERT INTO rollups(org_id, indicator_id, period, total, n)"
                    " SELECT a.id, v.indicator_id, v.period, sum(v.value), count(*)"
                    " FROM datavalues v JOIN orgs o ON o.id = v.org_id"
                    " JOIN orgs a ON a.depth < o.depth AND substr(o.path, 1, length(a.path)) = a.path"
                    " GROUP BY a.id, v.indicator_id, v.period",
                    "");
    return rc;
}

/* ---- API ---------------------------------------------------------------- */

#include "org.h"

static json_t *num_or_null(int has, double v) { return has ? json_real(v) : json_null(); }

void values_api_get(Req *r)
{
    const char *ic = req_query(r, "indicator"), *oc = req_query(r, "org"),
               *pc = req_query(r, "period");
    Indicator ind;
    Period p;
    if (!indicator_code_ok(ic) || !period_parse(pc, &p)) {
        req_error(r, 400, "bad_param",
                  T(r, "indicator (a code), org (a code) and period (2024, 2024Q1 or 2024-03) "
                       "are required."));
        return;
    }
    Org o;
    int f = valid_code(oc) ? org_load(r->db, r->arena, oc, &o) : 0;
    if (f != 1 || !can(r, CAP_DATA_READ, o.path) || indicator_load(r->db, r->arena, ic, &ind) != 1) {
        req_not_found(r);
        return;
    }
    Figure fig;
    if (value_read(r->db, r->arena, &ind, o.id, &p, &fig)) {
        req_error(r, 500, "internal", db_errmsg(r->db));
        return;
    }
    char canon[12];
    period_format(&p, canon, sizeof canon);
    json_t *j = json_pack("{s:s,s:s,s:s,s:o,s:I}", "org", o.code, "indicator", ind.code, "period",
                          canon, "value", num_or_null(fig.has, fig.value), "reported",
                          (json_int_t)fig.n);
    if (ind.is_ratio) {
        json_object_set_new(j, "numerator", num_or_null(fig.n > 0, fig.num));
        json_object_set_new(j, "denominator", num_or_null(fig.n > 0, fig.den));
    }
    json_object_set_new(j, "latest_period", fig.has ? json_string(fig.period) : json_null());
    req_send_json(r, 200, j);
}

enum { PUT_MAX_ROWS = 50000 };

void values_api_put(Req *r)
{
    if (r->body_too_large) {
        req_error(r, 413, "too_large", T(r, "The request body is too large."));
        return;
    }
    json_error_t e;
    json_t *rows = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &e);
    if (!rows) {
        req_error(r, 400, "bad_json",
                  arena_printf(r->arena, "%s (%s %d, %s %d): %s", T(r, "Malformed JSON"),
                               T(r, "line"), e.line, T(r, "column"), e.column, e.text));
        return;
    }
    if (!json_is_array(rows) || json_array_size(rows) > PUT_MAX_ROWS) {
        json_decref(rows);
        req_error(r, 400, "bad_json",
                  T(r, "The body must be a JSON array of {org, indicator, period, value}, at "
                       "most 50000 rows."));
        return;
    }
    if (db_begin(r->db) != DB_OK) {
        json_decref(rows);
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    ValueWriter *w = vw_new(r->db, r->auth.login);
    size_t i;
    json_t *row;
    char err[256];
    const char *why = NULL;
    int status = 422;
    const char *last_org = NULL;
    Org o;
    json_array_foreach(rows, i, row)
    {
        const char *oc = json_string_value(json_object_get(row, "org"));
        const char *ic = json_string_value(json_object_get(row, "indicator"));
        const char *pc = json_string_value(json_object_get(row, "period"));
        json_t *jv = json_object_get(row, "value");
        if (!json_is_object(row) || json_object_size(row) != 4 || !oc || !ic || !pc || !jv ||
            !(json_is_number(jv) || json_is_null(jv))) {
            why = T(r, "each row is {\"org\", \"indicator\", \"period\", \"value\"} with a number "
                       "or null as value");
            break;
        }
        if (!last_org || strcmp(last_org, oc) != 0) {
            int f = valid_code(oc) ? org_load(r->db, r->arena, oc, &o) : 0;
            if (f != 1 || !can(r, CAP_DATA_WRITE, o.path)) {
                why = T(r, "no such organisation in your reach");
                break;
            }
            last_org = o.code;
        }
        Indicator ind;
        if (!indicator_code_ok(ic) || indicator_load(r->db, r->arena, ic, &ind) != 1) {
            why = T(r, "no such indicator");
            break;
        }
        double v = json_number_value(jv);
        int rc = vw_put(w, r->lang, o.id, o.path, &ind, pc, json_is_null(jv) ? NULL : &v, err,
                        sizeof err);
        if (rc) {
            why = rc > 0 ? arena_strdup(r->arena, err) : NULL;
            status = rc > 0 ? 422 : 503;
            break;
        }
    }
    if (!why && status == 422) {
        int rc = vw_check_ratios(w, r->lang, err, sizeof err);
        if (rc) {
            why = rc > 0 ? arena_strdup(r->arena, err) : NULL;
            status = rc > 0 ? 422 : 503;
            i = json_array_size(rows);
        }
    }
    size_t nrows = json_array_size(rows);
    json_decref(rows);
    if (why || status != 422) {
        vw_abandon(w);
        db_rollback(r->db);
        if (status == 503)
            req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        else if (i < nrows)
            req_error(r, 422, "invalid",
                      arena_printf(r->arena, "%s %zu: %s", T(r, "row"), i + 1, why));
        else
            req_error(r, 422, "invalid", why);
        return;
    }
    int64_t added, changed, deleted;
    vw_counts(w, &added, &changed, &deleted);
    if (vw_finish(w, "datavalues.put", "batch", last_org ? o.path : "") != DB_OK ||
        db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        req_error(r, 503, "busy", T(r, "The service is busy. Please try again."));
        return;
    }
    req_send_json(r, 200,
                  json_pack("{s:I,s:I,s:I,s:I}", "rows", (json_int_t)nrows, "added",
                            (json_int_t)added, "changed", (json_int_t)changed, "deleted",
                            (json_int_t)deleted));
}
