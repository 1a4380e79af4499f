/* progress_demo.c — the demo's milestones and progress reports
 * (progress_demo_load, see progress.h). For every approved, in-progress,
 * suspended, completed or accepted project of project_demo_load: up to six
 * quarterly milestones over its span and a report after each quarter that has
 * passed, the percentage rising with the time spent. One in five in-progress
 * projects is left with a late milestone and one in five has stopped reporting
 * four months ago, so that the dashboards have projects needing attention.
 * No evidence files: the loader runs from the command line, without a files
 * directory of a server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "core/util.h"
#include "progress.h"

enum { DEMO_MAX_MS = 6 };

/* splitmix64, as in demo.c: the same seed gives the same progress. */
typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static int below(Rng *r, int n)
{
    return n > 0 ? (int)(rng_next(r) % (uint64_t)n) : 0;
}

/* Noon in Asia/Shanghai of day d (days since 1970), in seconds. */
static int64_t noon(int64_t d)
{
    return d * 86400 + 4 * 3600;
}

static void date_of_day(int64_t d, char out[11])
{
    progress_date_of(noon(d), out);
}

static const char *const MS_TITLES[DEMO_MAX_MS] = {
    "需求调研完成，帮扶方案确定", "首轮送教与教师培训完成", "课程资源建设与上线",
    "中期检查与问题整改",         "特色活动与成果展示",     "总结评估，材料归档"};

static const char *const BODIES[] = {
    "本季度按计划开展送教活动，结对教师完成听评课，受援学校教师参与积极。",
    "组织专题培训和教研活动，完成阶段性任务；下一步重点是课程资源的本地化。",
    "开展家校共育活动，家长参与度提高；整理了过程材料和照片。",
    "完成阶段目标，存在的问题已与受援学校沟通并制定整改措施。",
};

typedef struct Proj {
    int64_t id;
    char status[16], start[11], end[11];
} Proj;

static int fail(char *err, size_t errlen, Db *db, const char *what)
{
    snprintf(err, errlen, "progress demo: %s: %s", what, db_errmsg(db));
    db_rollback(db);
    return 1;
}

/* The quarter ("2026Q3") holding day d. */
static void quarter_of(int64_t d, char q[8])
{
    char s[11];
    date_of_day(d, s);
    memcpy(q, s, 4);
    q[4] = 'Q';
    q[5] = (char)('1' + ((s[5] - '0') * 10 + (s[6] - '0') - 1) / 3);
    q[6] = 0;
}

/* The end day of the quarter holding day d. */
static int64_t quarter_end(int64_t d)
{
    char q[8], first[11], last[11];
    quarter_of(d, q);
    return progress_quarter_ok(q, first, last) ? progress_day_number(last) : d;
}

int progress_demo_load(Db *db, uint64_t seed, char *err, size_t errlen)
{
    Rng rng = {seed ^ UINT64_C(0x70726f6772657373)};
    char today_s[11];
    progress_today(today_s);
    int64_t today = progress_day_number(today_s);
    if (db_begin(db) != DB_OK) return fail(err, errlen, db, "begin");
    int64_t n = 0;
    if (db_int(db, &n,
               "SELECT count(*) FROM projects WHERE status IN ('approved', 'in_progress',"
               " 'suspended', 'completed', 'accepted')",
               "") < 0)
        return fail(err, errlen, db, "count");
    Proj *ps = n ? calloc((size_t)n, sizeof *ps) : NULL;
    if (n && !ps) return fail(err, errlen, db, "memory");
    DbStmt *s = db_q(db,
                     "SELECT id, status, start_date, end_date FROM projects WHERE status IN"
                     " ('approved', 'in_progress', 'suspended', 'completed', 'accepted')"
                     " ORDER BY id",
                     "");
    int np = 0, rc = s ? DB_OK : DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW && np < n) {
        Proj *p = &ps[np++];
        p->id = db_col_int(s, 0);
        snprintf(p->status, sizeof p->status, "%s", db_col_text(s, 1));
        snprintf(p->start, sizeof p->start, "%s", db_col_text(s, 2));
        snprintf(p->end, sizeof p->end, "%s", db_col_text(s, 3));
    }
    db_done(s);
    if (rc != DB_DONE && rc != DB_ROW) {
        free(ps);
        return fail(err, errlen, db, "projects");
    }
    int64_t nms = 0, nrep = 0, nlate = 0, nquiet = 0, running = 0;
    for (int i = 0; i < np; i++) {
        const Proj *p = &ps[i];
        int64_t S = progress_day_number(p->start), E = progress_day_number(p->end);
        int in_progress = !strcmp(p->status, "in_progress");
        int finished = !strcmp(p->status, "completed") || !strcmp(p->status, "accepted");
        int approved = !strcmp(p->status, "approved");
        /* which lagging, if any: one in five late, one in five quiet */
        int mode = in_progress ? (int)(running++ % 5) : 2; /* 0 late, 1 quiet, else on time */
        /* the quarters of the span, at most six of them, always the last */
        int64_t dues[DEMO_MAX_MS];
        char quarters[DEMO_MAX_MS][8];
        int nq = 0;
        for (int64_t d = S; d <= E; d = quarter_end(d) + 1)
            nq++;
        int step = (nq + DEMO_MAX_MS - 1) / DEMO_MAX_MS, k = 0, m = 0;
        for (int64_t d = S; d <= E && m < DEMO_MAX_MS; d = quarter_end(d) + 1, k++) {
            int64_t qe = quarter_end(d);
            if (k % step && qe < E) continue;
            dues[m] = qe < E ? qe : E;
            quarter_of(d, quarters[m]);
            m++;
        }
        /* the late one: the last milestone already due */
        int late = -1;
        if (mode == 0)
            for (int j = 0; j < m; j++)
                if (dues[j] < today) late = j;
        if (mode == 0 && late < 0) mode = 2;
        nlate += late >= 0;
        /* reports stop four months or more ago (not before the start) */
        int64_t stop = today;
        if (mode == 1) {
            stop = today - 120 - below(&rng, 60);
            if (stop < S + 10) mode = 2, stop = today;
        }
        int64_t ms_ids[DEMO_MAX_MS] = {0};
        for (int j = 0; j < m; j++) {
            char due[11], done[11];
            date_of_day(dues[j], due);
            int is_done = !approved && (finished || (dues[j] < today && j != late));
            int64_t dd = dues[j] - below(&rng, 12);
            if (dd > today) dd = today;
            if (dd < S) dd = S;
            date_of_day(dd, done);
            const char *title = MS_TITLES[m < DEMO_MAX_MS ? j * DEMO_MAX_MS / m : j];
            DbStmt *q = db_q(db,
                             "INSERT INTO milestones(project_id, quarter, title, due_date, done_on,"
                             " created_by, created_at, updated_at) VALUES (?,?,?,?,?,'system',?,?)"
                             " RETURNING id",
                             "issssii", p->id, quarters[j], title, due, is_done ? done : NULL,
                             noon(S), is_done ? noon(dd) : noon(S));
            if (q && db_step(q) == DB_ROW) ms_ids[j] = db_col_int(q, 0);
            db_done(q);
            if (!ms_ids[j]) {
                free(ps);
                return fail(err, errlen, db, "milestone");
            }
            nms++;
        }
        if (approved) continue;
        /* a report a few days after each quarter's milestone, up to `stop` (today for those on
         * time, the project's end for finished ones), then one recent report */
        int64_t limit = finished ? (E < today ? E : today) : stop;
        int pct = 0;
        int64_t last_at = 0;
        for (int j = 0; j <= m; j++) {
            int64_t d;
            int64_t mid = 0;
            if (j < m) {
                d = dues[j] + below(&rng, 8);
                mid = ms_ids[j];
            } else if (finished) {
                /* the closing report */
                if (pct >= 100) break;
                d = limit;
            } else {
                /* the latest report: recent for projects on time */
                if (mode != 2) break;
                d = today - 3 - below(&rng, 45);
            }
            if (d > limit || d < S) continue;
            if (last_at && noon(d) <= last_at) continue;
            int want = E > S ? (int)(100 * (d - S) / (E - S)) : 100;
            if (finished && (j >= m - 1 || d == limit)) want = 100;
            if (!finished && want > 95) want = 95;
            if (want < pct) want = pct;
            if (want < 5) want = 5;
            pct = want;
            char on[11], figs[160];
            date_of_day(d, on);
            snprintf(figs, sizeof figs, "{\"参训教师(人次)\":%d,\"送教课时\":%d,\"受益学生\":%d}",
                     8 + below(&rng, 40), 4 + below(&rng, 30), 50 + below(&rng, 400));
            DbStmt *q = db_q(db,
                             "INSERT INTO progress_reports(project_id, milestone_id, reported_on,"
                             " body, figures, percent_done, created_by, created_at)"
                             " VALUES (?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, 'system', ?)"
                             " RETURNING id",
                             "iisssii", p->id, mid, on, BODIES[below(&rng, 4)], figs, (int64_t)pct,
                             noon(d));
            int ok = q && db_step(q) == DB_ROW;
            db_done(q);
            if (!ok) {
                free(ps);
                return fail(err, errlen, db, "report");
            }
            last_at = noon(d);
            nrep++;
        }
        nquiet += mode == 1 && last_at;
        if (last_at &&
            db_run(db, "UPDATE projects SET percent_done = ?, last_report_at = ? WHERE id = ?",
                   "iii", (int64_t)pct, last_at, p->id) != DB_OK) {
            free(ps);
            return fail(err, errlen, db, "project");
        }
    }
    free(ps);
    json_t *summary = json_pack("{s:I,s:I,s:I,s:I,s:I}", "projects", (json_int_t)np, "milestones",
                                (json_int_t)nms, "reports", (json_int_t)nrep, "late_milestone",
                                (json_int_t)nlate, "reports_stopped", (json_int_t)nquiet);
    rc = audit_log(db, "system", "progress.demo", "demo", "progress", "/650000/", NULL, summary);
    json_decref(summary);
    if (rc != DB_OK) return fail(err, errlen, db, "audit");
    if (db_commit(db) != DB_OK) return fail(err, errlen, db, "commit");
    return 0;
}
