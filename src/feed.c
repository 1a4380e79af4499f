/* feed.c — record-derived figures written as indicator values. See feed.h. */
#include "feed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "indicator.h"
#include "values.h"

#define FEED_CACHE 32

struct FeedBatch {
    Db *db;
    Arena *a;
    ValueWriter *w;
    int n_ind;
    Indicator ind[FEED_CACHE];
    int64_t last_org;
    const char *last_path;
    int failed;
    char err[256];
};

FeedBatch *feed_begin(Db *db, const char *actor)
{
    FeedBatch *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->db = db;
    f->a = arena_new();
    f->w = vw_new(db, actor);
    if (!f->a || !f->w) {
        if (f->w) vw_abandon(f->w);
        arena_free(f->a);
        free(f);
        return NULL;
    }
    return f;
}

static const Indicator *indicator(FeedBatch *f, const char *code)
{
    for (int i = 0; i < f->n_ind; i++)
        if (!strcmp(f->ind[i].code, code)) return &f->ind[i];
    Indicator ind;
    int rc = indicator_load(f->db, f->a, code, &ind);
    if (rc <= 0) {
        snprintf(f->err, sizeof f->err, "%s",
                 rc < 0 ? db_errmsg(f->db) : "feed: no such indicator");
        if (rc == 0) snprintf(f->err, sizeof f->err, "feed: no indicator \"%s\"", code);
        return NULL;
    }
    if (f->n_ind == FEED_CACHE) f->n_ind = 0; /* a batch rarely touches this many */
    f->ind[f->n_ind] = ind;
    return &f->ind[f->n_ind++];
}

static const char *org_path(FeedBatch *f, int64_t org_id)
{
    if (org_id == f->last_org && f->last_path) return f->last_path;
    DbStmt *s = db_q(f->db, "SELECT path FROM orgs WHERE id = ?", "i", org_id);
    const char *p = NULL;
    if (s && db_step(s) == DB_ROW) p = arena_strdup(f->a, db_col_text(s, 0));
    db_done(s);
    if (!p) {
        snprintf(f->err, sizeof f->err, "feed: no organisation %lld", (long long)org_id);
        return NULL;
    }
    f->last_org = org_id;
    f->last_path = p;
    return p;
}

int feed_put(FeedBatch *f, int64_t org_id, const char *code, const char *period, double value)
{
    if (f->failed) return -1;
    const Indicator *ind = indicator(f, code);
    const char *path = ind ? org_path(f, org_id) : NULL;
    if (!path) {
        f->failed = 1;
        return -1;
    }
    int del = isinf(value) && value < 0;
    char why[200] = "";
    int rc = vw_put(f->w, "en", org_id, path, ind, period, del ? NULL : &value, why, sizeof why);
    if (rc != 0) {
        snprintf(f->err, sizeof f->err, "feed %s %s: %s", code, period,
                 rc > 0 ? why : db_errmsg(f->db));
        f->failed = 1;
        return -1;
    }
    return 0;
}

int feed_end(FeedBatch *f, const char *action, const char *object_key, const char *org_path_,
             char *err, size_t errlen)
{
    int rc = -1;
    if (f->failed) {
        vw_abandon(f->w);
    } else {
        rc = vw_finish(f->w, action, object_key, org_path_ ? org_path_ : "") == DB_OK ? 0 : -1;
        if (rc) snprintf(f->err, sizeof f->err, "%s", db_errmsg(f->db));
    }
    if (rc && err && errlen) snprintf(err, errlen, "%s", f->err);
    arena_free(f->a);
    free(f);
    return rc;
}
