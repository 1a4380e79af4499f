/* activity_feed.c — the figures computed from activities and bookings (see
 * activity.h for the definitions), written through feed.h in the transaction
 * of the write that changed them. Each cell is recomputed as a whole figure, so
 * writing it again is harmless. */
#include <stdio.h>
#include <string.h>

#include "activity.h"
#include "feed.h"

/* Whether the catalogue has indicator `code` (a fresh database may not). */
static int has_indicator(Db *db, const char *code)
{
    int64_t n = 0;
    return db_int(db, &n, "SELECT count(*) FROM indicators WHERE code = ?", "s", code) == 1 &&
           n > 0;
}

int feed_cells(Db *db, const char *actor, const FeedCell *cells, int n, const char *action,
               const char *key, const char *org_path)
{
    int any = 0;
    char known[16][48];
    int nknown = 0;
    int ok[64];
    for (int i = 0; i < n && i < 64; i++) {
        int hit = -1;
        for (int k = 0; k < nknown; k++)
            if (!strcmp(known[k], cells[i].code)) hit = k;
        ok[i] = 0;
        if (hit < 0 && nknown < 16) {
            if (!has_indicator(db, cells[i].code)) continue;
            snprintf(known[nknown++], sizeof known[0], "%s", cells[i].code);
        }
        ok[i] = 1;
        any = 1;
    }
    if (!any) return DB_OK;
    FeedBatch *f = feed_begin(db, actor);
    if (!f) return DB_ERROR;
    for (int i = 0; i < n && i < 64; i++)
        if (ok[i] && feed_put(f, cells[i].org_id, cells[i].code, cells[i].period, cells[i].value))
            break;
    char err[256];
    if (feed_end(f, action, key, org_path, err, sizeof err) != 0) {
        fprintf(stderr, "huiju: %s: %s\n", action, err);
        return DB_ERROR;
    }
    return DB_OK;
}

int64_t activity_first_attended(Db *db, int64_t user_id, int64_t from, int64_t to, int guided)
{
    int64_t t = 0;
    int rc = db_int(db, &t,
                    "SELECT COALESCE(MIN(a.starts_at), 0) FROM bookings b"
                    " JOIN activities a ON a.id = b.activity_id WHERE b.user_id = ?"
                    " AND b.status = 'attended' AND a.starts_at >= ? AND a.starts_at < ?"
                    " AND (CAST(? AS BIGINT) = 0 OR a.kind = 'guidance_day')",
                    "iiii", user_id, from, to, (int64_t)guided);
    return rc < 0 ? -1 : t;
}

int64_t activity_households_count(Db *db, int64_t school_id, int64_t yfrom, int64_t yto,
                                  int64_t from, int64_t to, int guided)
{
    int64_t n = 0;
    int rc = db_int(db, &n,
                    "SELECT count(*) FROM (SELECT b.user_id, MIN(a.starts_at) AS first"
                    " FROM grants g JOIN bookings b ON b.user_id = g.user_id"
                    " JOIN activities a ON a.id = b.activity_id"
                    " WHERE g.org_id = ? AND g.role = 'parent' AND b.status = 'attended'"
                    " AND a.starts_at >= ? AND a.starts_at < ?"
                    " AND (CAST(? AS BIGINT) = 0 OR a.kind = 'guidance_day')"
                    " GROUP BY b.user_id) f WHERE f.first >= ? AND f.first < ?",
                    "iiiiii", school_id, yfrom, yto, (int64_t)guided, from, to);
    return rc < 0 ? -1 : n;
}

static void period_of(int64_t t, char out[12])
{
    int y, m;
    activity_month_of(t, &y, &m, NULL, NULL);
    snprintf(out, 12, "%04d-%02d", y, m);
}

int activity_feed_checkin(Db *db, const char *actor, const Activity *a, int64_t user_id,
                          int64_t prev_first, int64_t prev_guided)
{
    int year;
    activity_month_of(a->starts_at, &year, NULL, NULL, NULL);
    int64_t yfrom = activity_local_time(year, 1, 1, 0, 0),
            yto = activity_local_time(year + 1, 1, 1, 0, 0);
    /* the months whose figure may move: the new attendance's, and the month of the
     * first attendance before it when the new one comes earlier */
    int64_t months[2][2];
    int nm[2] = {0, 0};
    int guided_too = !strcmp(a->kind, "guidance_day");
    for (int g = 0; g < 1 + guided_too; g++) {
        int64_t prev = g ? prev_guided : prev_first;
        if (prev && prev <= a->starts_at) continue; /* counted already: nothing moves */
        months[g][nm[g]++] = a->starts_at;
        char pa[12], pp[12];
        period_of(a->starts_at, pa);
        if (prev) period_of(prev, pp);
        if (prev && strcmp(pa, pp)) months[g][nm[g]++] = prev;
    }
    if (!nm[0] && !nm[1]) return DB_OK;
    DbStmt *s = db_q(db,
                     "SELECT g.org_id FROM grants g JOIN orgs o ON o.id = g.org_id"
                     " WHERE g.user_id = ? AND g.role = 'parent' AND o.kind = 'school'",
                     "i", user_id);
    if (!s) return DB_ERROR;
    int64_t schools[8];
    int ns = 0;
    while (ns < 8 && db_step(s) == DB_ROW)
        schools[ns++] = db_col_int(s, 0);
    db_done(s);
    FeedCell cells[32];
    int n = 0;
    for (int i = 0; i < ns; i++)
        for (int g = 0; g < 2; g++)
            for (int k = 0; k < nm[g]; k++) {
                int64_t from, to;
                activity_month_of(months[g][k], NULL, NULL, &from, &to);
                int64_t c = activity_households_count(db, schools[i], yfrom, yto, from, to, g);
                if (c < 0) return DB_ERROR;
                FeedCell *x = &cells[n++];
                x->org_id = schools[i];
                x->code = g ? "families_guided" : "parent_households_participating";
                period_of(months[g][k], x->period);
                x->value = (double)c;
            }
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)a->id);
    return feed_cells(db, actor, cells, n, "feed.activities", key, a->org_path);
}

int activity_feed_close(Db *db, const char *actor, const Activity *a)
{
    FeedCell cells[3];
    int n = 0;
    int64_t from, to, held = 0, low = 0;
    activity_month_of(a->starts_at, NULL, NULL, &from, &to);
    DbStmt *s = db_q(db,
                     "SELECT count(*), COALESCE(SUM(CASE WHEN (SELECT count(*) FROM bookings b"
                     " WHERE b.activity_id = x.id AND b.status = 'attended') * 100"
                     " < x.capacity * 60 THEN 1 ELSE 0 END), 0)"
                     " FROM activities x WHERE x.org_id = ? AND x.status = 'done'"
                     " AND x.starts_at >= ? AND x.starts_at < ?",
                     "iii", a->org_id, from, to);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        held = db_col_int(s, 0);
        low = db_col_int(s, 1);
    }
    db_done(s);
    if (rc != DB_ROW) return rc == DB_DONE ? DB_ERROR : rc;
    cells[n] = (FeedCell){.org_id = a->org_id, .code = "activities_held", .value = (double)held};
    period_of(a->starts_at, cells[n++].period);
    cells[n] = (FeedCell){
        .org_id = a->org_id, .code = "activities_low_participation", .value = (double)low};
    period_of(a->starts_at, cells[n++].period);
    /* the county holding the organiser (or being it) */
    int64_t county = 0;
    char cpath[256] = "";
    s = db_q(db,
             "SELECT id, path FROM orgs WHERE kind = 'county'"
             " AND substr(CAST(? AS TEXT), 1, length(path)) = path",
             "s", a->org_path);
    if (s && db_step(s) == DB_ROW) {
        county = db_col_int(s, 0);
        snprintf(cpath, sizeof cpath, "%s", db_col_text(s, 1));
    }
    db_done(s);
    if (county && a->community_resource) {
        int year;
        activity_month_of(a->starts_at, &year, NULL, NULL, NULL);
        int64_t used = 0;
        const char *path = cpath;
        if (db_int(db, &used,
                   "SELECT count(*) FROM activities x JOIN orgs o ON o.id = x.org_id"
                   " WHERE x.status = 'done' AND x.community_resource = 1"
                   " AND substr(o.path, 1, length(CAST(? AS TEXT))) = ?"
                   " AND x.starts_at >= ? AND x.starts_at < ?",
                   "ssii", path, path, activity_local_time(year, 1, 1, 0, 0),
                   activity_local_time(year + 1, 1, 1, 0, 0)) != 1)
            return DB_ERROR;
        cells[n] =
            (FeedCell){.org_id = county, .code = "community_resources_used", .value = (double)used};
        snprintf(cells[n++].period, sizeof cells[0].period, "%04d", year);
    }
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)a->id);
    return feed_cells(db, actor, cells, n, "feed.activities", key, a->org_path);
}
