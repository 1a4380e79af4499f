/* evaluation.c — see evaluation.h: the pure rules, labels, and the store of
 * rubrics and evaluations (audited writes inside the caller's transaction) and
 * the per-period summaries. The parties' rights and the request-level writes are
 * in evaluation_flow.c, the JSON handlers in evaluation_api.c. */
#include "evaluation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "core/util.h"
#include "ui/i18n.h"

/* ---- pure logic ------------------------------------------------------------ */

const char *const eval_parties[] = {"self", "feedback", "third_party", NULL};

int eval_party_index(const char *party)
{
    for (int i = 0; party && eval_parties[i]; i++)
        if (!strcmp(eval_parties[i], party)) return i;
    return -1;
}

int eval_period_parse(const char *s, EvalPeriod *p)
{
    memset(p, 0, sizeof *p);
    if (!s) return 0;
    size_t n = strlen(s);
    if (n != 4 && n != 6) return 0;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    p->year = atoi(s);
    if (p->year < 2020 || p->year > 2100) return 0;
    if (n == 6) {
        if (s[4] != 'H' || (s[5] != '1' && s[5] != '2')) return 0;
        p->half = s[5] - '0';
    }
    snprintf(p->text, sizeof p->text, "%s", s);
    snprintf(p->first, sizeof p->first, "%04d-%s", p->year, p->half == 2 ? "07-01" : "01-01");
    snprintf(p->last, sizeof p->last, "%04d-%s", p->year, p->half == 1 ? "06-30" : "12-31");
    return 1;
}

int eval_weights_ok(double ws, double wf, double wt)
{
    if (!isfinite(ws) || !isfinite(wf) || !isfinite(wt)) return 0;
    if (ws < 0 || wf < 0 || wt < 0) return 0;
    return fabs(ws + wf + wt - 1.0) <= 1e-9;
}

int eval_total(const double *weight, const double *score, const int *has, int n, double *out)
{
    if (n <= 0) return 0;
    double sw = 0, sum = 0;
    for (int i = 0; i < n; i++) {
        if (!has[i] || !(weight[i] > 0)) return 0;
        sw += weight[i];
        sum += weight[i] * score[i];
    }
    *out = sum / sw;
    return 1;
}

int eval_combine(double ws, double wf, double wt, const double total[3], const int locked[3],
                 double *out, int missing[3])
{
    int complete = 1;
    for (int i = 0; i < 3; i++) {
        if (missing) missing[i] = !locked[i];
        if (!locked[i]) complete = 0;
    }
    if (complete) *out = ws * total[0] + wf * total[1] + wt * total[2];
    return complete;
}

int eval_code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 32) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* ---- labels ------------------------------------------------------------------ */

const char *eval_party_label(Req *r, const char *party)
{
    if (!party) return "";
    if (!strcmp(party, "self")) return T(r, "Self-evaluation");
    if (!strcmp(party, "feedback")) return T(r, "Recipient school's feedback");
    if (!strcmp(party, "third_party")) return T(r, "Third-party assessment");
    return party;
}

const char *eval_status_label(Req *r, const char *status)
{
    if (!status) return "";
    if (!strcmp(status, "draft")) return T(r, "Draft, not locked");
    if (!strcmp(status, "locked")) return T(r, "Locked");
    return status;
}

const char *rubric_name(Req *r, const Rubric *rb)
{
    if (!strcmp(r->lang, "en") && rb->name_en && *rb->name_en) return rb->name_en;
    return rb->name_zh ? rb->name_zh : "";
}

const char *criterion_name(Req *r, const Criterion *c)
{
    if (!strcmp(r->lang, "en") && c->name_en && *c->name_en) return c->name_en;
    return c->name_zh ? c->name_zh : "";
}

/* ---- rubrics ------------------------------------------------------------------- */

#define S_(x) ((x) ? (x) : "")

static char *dup_col(Arena *a, DbStmt *s, int i)
{
    return db_col_is_null(s, i) ? NULL : arena_strdup(a, db_col_text(s, i));
}

/* Loads the rubric row selected by `s` (one row) and its criteria. */
static int rubric_finish(Db *db, Arena *a, DbStmt *s, Rubric *out)
{
    if (!s) return -1;
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_done(s);
        return rc == DB_DONE ? 0 : -1;
    }
    memset(out, 0, sizeof *out);
    out->id = db_col_int(s, 0);
    out->code = dup_col(a, s, 1);
    out->name_zh = dup_col(a, s, 2);
    out->name_en = dup_col(a, s, 3);
    out->w_self = db_col_double(s, 4);
    out->w_feedback = db_col_double(s, 5);
    out->w_third = db_col_double(s, 6);
    out->active = (int)db_col_int(s, 7);
    out->created_by = dup_col(a, s, 8);
    out->created_at = db_col_int(s, 9);
    db_done(s);
    DbStmt *c = db_q(db,
                     "SELECT id, code, name_zh, name_en, weight, position FROM rubric_criteria"
                     " WHERE rubric_id = ? ORDER BY position, id",
                     "i", out->id);
    if (!c) return -1;
    int cap = 8;
    out->crit = arena_alloc(a, sizeof *out->crit * (size_t)cap);
    while ((rc = db_step(c)) == DB_ROW) {
        if (out->ncrit == cap) {
            Criterion *more = arena_alloc(a, sizeof *more * (size_t)cap * 2);
            memcpy(more, out->crit, sizeof *more * (size_t)cap);
            out->crit = more;
            cap *= 2;
        }
        Criterion *k = &out->crit[out->ncrit++];
        k->id = db_col_int(c, 0);
        k->code = dup_col(a, c, 1);
        k->name_zh = dup_col(a, c, 2);
        k->name_en = dup_col(a, c, 3);
        k->weight = db_col_double(c, 4);
        k->position = (int)db_col_int(c, 5);
    }
    db_done(c);
    return rc == DB_DONE ? 1 : -1;
}

#define RUBRIC_COLS                                                                                \
    "id, code, name_zh, name_en, w_self, w_feedback, w_third, active, created_by, created_at"

int rubric_load(Db *db, Arena *a, int64_t id, Rubric *out)
{
    return rubric_finish(
        db, a, db_q(db, "SELECT " RUBRIC_COLS " FROM rubrics WHERE id = ?", "i", id), out);
}

int rubric_load_code(Db *db, Arena *a, const char *code, Rubric *out)
{
    return rubric_finish(
        db, a, db_q(db, "SELECT " RUBRIC_COLS " FROM rubrics WHERE code = ?", "s", code), out);
}

int rubric_default(Db *db, Arena *a, Rubric *out)
{
    return rubric_finish(
        db, a,
        db_q(db, "SELECT " RUBRIC_COLS " FROM rubrics WHERE active = 1 ORDER BY id LIMIT 1", ""),
        out);
}

json_t *rubric_json(const Rubric *rb)
{
    json_t *crit = json_array();
    for (int i = 0; i < rb->ncrit; i++) {
        const Criterion *c = &rb->crit[i];
        json_array_append_new(crit, json_pack("{s:I,s:s,s:s,s:s,s:f,s:i}", "id", (json_int_t)c->id,
                                              "code", S_(c->code), "name_zh", S_(c->name_zh),
                                              "name_en", S_(c->name_en), "weight", c->weight,
                                              "position", c->position));
    }
    return json_pack("{s:I,s:s,s:s,s:s,s:f,s:f,s:f,s:b,s:s,s:I,s:o}", "id", (json_int_t)rb->id,
                     "code", S_(rb->code), "name_zh", S_(rb->name_zh), "name_en", S_(rb->name_en),
                     "w_self", rb->w_self, "w_feedback", rb->w_feedback, "w_third", rb->w_third,
                     "active", rb->active, "created_by", S_(rb->created_by), "created_at",
                     (json_int_t)rb->created_at, "criteria", crit);
}

int rubric_in_use(Db *db, int64_t id)
{
    int64_t one = 0;
    int f = db_int(db, &one,
                   "SELECT 1 FROM evaluations WHERE rubric_id = ? AND status = 'locked' LIMIT 1",
                   "i", id);
    return f < 0 ? -1 : f;
}

/* The audit view of a rubric: its fields and criteria, without the row ids. */
static json_t *rubric_audit_json(const Rubric *rb)
{
    json_t *j = rubric_json(rb);
    json_object_del(j, "created_at");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(j, "criteria"), i, c) json_object_del(c, "id");
    return j;
}

static int insert_criterion(Db *db, int64_t rubric_id, Criterion *c)
{
    DbStmt *s = db_q(
        db,
        "INSERT INTO rubric_criteria(rubric_id, code, name_zh, name_en, weight, position)"
        " VALUES (?,?,?,?,?,?) RETURNING id",
        "isssdi", rubric_id, c->code, c->name_zh, S_(c->name_en), c->weight, (int64_t)c->position);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) c->id = db_col_int(s, 0);
    db_done(s);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
}

int rubric_insert(Db *db, const char *actor, Rubric *rb)
{
    int64_t now = now_s();
    DbStmt *s =
        db_q(db,
             "INSERT INTO rubrics(code, name_zh, name_en, w_self, w_feedback, w_third, active,"
             " created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
             "sssdddisi", rb->code, rb->name_zh, S_(rb->name_en), rb->w_self, rb->w_feedback,
             rb->w_third, (int64_t)(rb->active ? 1 : 0), actor, now);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) rb->id = db_col_int(s, 0);
    db_done(s);
    if (rc != DB_ROW) return rc == DB_DONE ? DB_ERROR : rc;
    rb->created_by = actor;
    rb->created_at = now;
    for (int i = 0; i < rb->ncrit; i++) {
        rc = insert_criterion(db, rb->id, &rb->crit[i]);
        if (rc != DB_OK) return rc;
    }
    json_t *after = rubric_audit_json(rb);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)rb->id);
    rc = audit_log(db, actor, "rubric.create", "rubric", key, "", NULL, after);
    json_decref(after);
    return rc;
}

/* Recomputes the total of evaluation `id` from its scores on rubric rb. */
static int recompute_total(Db *db, int64_t id, const Rubric *rb)
{
    int n = rb->ncrit;
    double w[64], sc[64];
    int has[64];
    if (n > 64) return DB_ERROR;
    for (int i = 0; i < n; i++) {
        w[i] = rb->crit[i].weight;
        sc[i] = 0;
        has[i] = 0;
    }
    DbStmt *s = db_q(
        db, "SELECT criterion_id, score FROM evaluation_scores WHERE evaluation_id = ?", "i", id);
    int rc;
    while (s && (rc = db_step(s)) == DB_ROW) {
        int64_t cid = db_col_int(s, 0);
        for (int i = 0; i < n; i++)
            if (rb->crit[i].id == cid) {
                has[i] = 1;
                sc[i] = db_col_double(s, 1);
            }
    }
    db_done(s);
    if (!s) return DB_ERROR;
    double total = 0;
    int complete = eval_total(w, sc, has, n, &total);
    return db_run(db,
                  "UPDATE evaluations SET total = CASE WHEN CAST(? AS BIGINT) = 1 THEN"
                  " CAST(? AS DOUBLE PRECISION) ELSE NULL END WHERE id = ?",
                  "idi", (int64_t)complete, total, id);
}

int rubric_update(Db *db, const char *actor, const Rubric *before, Rubric *after)
{
    /* the rubric's row first: a concurrent lock (eval_lock_row) waits for it */
    int rc = db_run(db,
                    "UPDATE rubrics SET name_zh = ?, name_en = ?, w_self = ?, w_feedback = ?,"
                    " w_third = ?, active = ? WHERE id = ?",
                    "ssdddii", after->name_zh, S_(after->name_en), after->w_self, after->w_feedback,
                    after->w_third, (int64_t)(after->active ? 1 : 0), before->id);
    /* criteria gone: their draft scores go with them */
    for (int i = 0; i < before->ncrit && rc == DB_OK; i++) {
        int kept = 0;
        for (int j = 0; j < after->ncrit; j++)
            if (!strcmp(before->crit[i].code, after->crit[j].code)) kept = 1;
        if (kept) continue;
        rc = db_run(db, "DELETE FROM evaluation_scores WHERE criterion_id = ?", "i",
                    before->crit[i].id);
        if (rc == DB_OK)
            rc = db_run(db, "DELETE FROM rubric_criteria WHERE id = ?", "i", before->crit[i].id);
    }
    for (int j = 0; j < after->ncrit && rc == DB_OK; j++) {
        /* after->crit may be before->crit itself (criteria not changed): find, then set */
        Criterion *c = &after->crit[j];
        int64_t id = 0;
        for (int i = 0; i < before->ncrit; i++)
            if (!strcmp(before->crit[i].code, c->code)) id = before->crit[i].id;
        c->id = id;
        if (c->id)
            rc =
                db_run(db,
                       "UPDATE rubric_criteria SET name_zh = ?, name_en = ?, weight = ?,"
                       " position = ? WHERE id = ?",
                       "ssdii", c->name_zh, S_(c->name_en), c->weight, (int64_t)c->position, c->id);
        else
            rc = insert_criterion(db, before->id, c);
    }
    /* the drafts' totals follow the new criteria (ids read first, then written) */
    if (rc == DB_OK) {
        Arena *a = arena_new();
        int64_t *ids = NULL;
        int n = 0, cap = 0;
        DbStmt *s = db_q(db,
                         "SELECT id FROM evaluations WHERE rubric_id = ? AND status = 'draft'"
                         " ORDER BY id",
                         "i", before->id);
        if (!s) rc = DB_ERROR;
        while (s && db_step(s) == DB_ROW) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                int64_t *more = arena_alloc(a, sizeof *more * (size_t)cap);
                if (n) memcpy(more, ids, sizeof *more * (size_t)n);
                ids = more;
            }
            ids[n++] = db_col_int(s, 0);
        }
        db_done(s);
        for (int i = 0; i < n && rc == DB_OK; i++)
            rc = recompute_total(db, ids[i], after);
        arena_free(a);
    }
    if (rc != DB_OK) return rc;
    after->id = before->id;
    after->created_by = before->created_by;
    after->created_at = before->created_at;
    json_t *b = rubric_audit_json(before), *a = rubric_audit_json(after);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)before->id);
    rc = audit_log(db, actor, "rubric.update", "rubric", key, "", b, a);
    json_decref(b);
    json_decref(a);
    return rc;
}

/* ---- evaluations ----------------------------------------------------------------- */

int eval_load(Db *db, Arena *a, int64_t id, Evaluation *out)
{
    DbStmt *s =
        db_q(db,
             "SELECT e.id, e.project_id, p.title, p.status, sc.path, e.period, e.party,"
             " e.status, e.comment, e.author, e.locked_by, e.total, e.locked_at,"
             " e.created_at, e.updated_at, e.rubric_id FROM evaluations e"
             " JOIN projects p ON p.id = e.project_id JOIN orgs sc ON sc.id = p.scope_org_id"
             " WHERE e.id = ?",
             "i", id);
    if (!s) return -1;
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_done(s);
        return rc == DB_DONE ? 0 : -1;
    }
    memset(out, 0, sizeof *out);
    out->id = db_col_int(s, 0);
    out->project_id = db_col_int(s, 1);
    out->project_title = dup_col(a, s, 2);
    out->project_status = dup_col(a, s, 3);
    out->scope_path = dup_col(a, s, 4);
    out->period = dup_col(a, s, 5);
    out->party = dup_col(a, s, 6);
    out->status = dup_col(a, s, 7);
    out->comment = dup_col(a, s, 8);
    out->author = dup_col(a, s, 9);
    out->locked_by = dup_col(a, s, 10);
    out->has_total = !db_col_is_null(s, 11);
    out->total = db_col_double(s, 11);
    out->locked_at = db_col_is_null(s, 12) ? 0 : db_col_int(s, 12);
    out->created_at = db_col_int(s, 13);
    out->updated_at = db_col_int(s, 14);
    int64_t rubric_id = db_col_int(s, 15);
    db_done(s);
    if (rubric_load(db, a, rubric_id, &out->rubric) != 1) return -1;
    int n = out->rubric.ncrit;
    out->has = arena_alloc(a, sizeof *out->has * (size_t)(n + 1));
    out->score = arena_alloc(a, sizeof *out->score * (size_t)(n + 1));
    out->note = arena_alloc(a, sizeof *out->note * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        out->has[i] = 0;
        out->score[i] = 0;
        out->note[i] = "";
    }
    s = db_q(db,
             "SELECT criterion_id, score, comment FROM evaluation_scores WHERE evaluation_id = ?",
             "i", id);
    if (!s) return -1;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t cid = db_col_int(s, 0);
        for (int i = 0; i < n; i++)
            if (out->rubric.crit[i].id == cid) {
                out->has[i] = 1;
                out->score[i] = db_col_double(s, 1);
                out->note[i] = dup_col(a, s, 2);
            }
    }
    db_done(s);
    return rc == DB_DONE ? 1 : -1;
}

static json_t *num_or_null(int has, double v)
{
    return has ? json_real(v) : json_null();
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *eval_json(const Evaluation *e)
{
    json_t *scores = json_array(), *missing = json_array();
    for (int i = 0; i < e->rubric.ncrit; i++) {
        const Criterion *c = &e->rubric.crit[i];
        json_t *x =
            json_pack("{s:s,s:s,s:s,s:f,s:s}", "criterion", S_(c->code), "name_zh", S_(c->name_zh),
                      "name_en", S_(c->name_en), "weight", c->weight, "comment", S_(e->note[i]));
        json_object_set_new(x, "score", num_or_null(e->has[i], e->score[i]));
        json_array_append_new(scores, x);
        if (!e->has[i]) json_array_append_new(missing, json_string(S_(c->code)));
    }
    json_t *j = json_pack(
        "{s:I,s:{s:I,s:s,s:s},s:s,s:s,s:s,s:{s:I,s:s,s:s},s:s,s:s,s:I,s:I,s:o,s:o}", "id",
        (json_int_t)e->id, "project", "id", (json_int_t)e->project_id, "title",
        S_(e->project_title), "status", S_(e->project_status), "period", S_(e->period), "party",
        S_(e->party), "status", S_(e->status), "rubric", "id", (json_int_t)e->rubric.id, "code",
        S_(e->rubric.code), "name_zh", S_(e->rubric.name_zh), "comment", S_(e->comment), "author",
        S_(e->author), "created_at", (json_int_t)e->created_at, "updated_at",
        (json_int_t)e->updated_at, "scores", scores, "missing", missing);
    json_object_set_new(j, "total", num_or_null(e->has_total, e->total));
    json_object_set_new(j, "locked_by", str_or_null(e->locked_by));
    json_object_set_new(j, "locked_at", e->locked_at ? json_integer(e->locked_at) : json_null());
    return j;
}

/* The audit view: what was scored, by criterion code. */
static json_t *eval_audit_json(const Evaluation *e)
{
    json_t *j = eval_json(e);
    json_object_del(j, "created_at");
    json_object_del(j, "updated_at");
    json_t *p = json_object_get(j, "project");
    json_object_del(p, "status");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(j, "scores"), i, c)
    {
        json_object_del(c, "name_zh");
        json_object_del(c, "name_en");
    }
    return j;
}

static const char *id_key(char buf[24], int64_t id)
{
    snprintf(buf, 24, "%lld", (long long)id);
    return buf;
}

int eval_insert(Db *db, const char *actor, int64_t project_id, const char *scope_path,
                const char *period, const char *party, int64_t rubric_id, int64_t *id)
{
    int64_t now = now_s();
    DbStmt *s =
        db_q(db,
             "INSERT INTO evaluations(project_id, period, rubric_id, party, status, comment,"
             " author, created_at, updated_at) VALUES (?,?,?,?,'draft','',?,?,?)"
             " ON CONFLICT (project_id, period, party) DO NOTHING RETURNING id",
             "isissii", project_id, period, rubric_id, party, actor, now, now);
    int rc = s ? db_step(s) : DB_ERROR;
    *id = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (rc == DB_DONE) return DB_CONSTRAINT; /* that party has one for the period */
    if (rc != DB_ROW) return rc;
    json_t *after = json_pack("{s:I,s:I,s:s,s:s,s:I,s:s,s:s}", "id", (json_int_t)*id, "project",
                              (json_int_t)project_id, "period", period, "party", party, "rubric",
                              (json_int_t)rubric_id, "status", "draft", "author", actor);
    char key[24];
    rc = audit_log(db, actor, "evaluation.create", "evaluation", id_key(key, *id), S_(scope_path),
                   NULL, after);
    json_decref(after);
    return rc;
}

int eval_put(Db *db, const char *actor, const Evaluation *old, const EvalScoreIn *in, int n,
             const char *comment)
{
    const Rubric *rb = &old->rubric;
    int nc = rb->ncrit;
    Evaluation e = *old;
    Arena *a = arena_new();
    e.has = arena_alloc(a, sizeof *e.has * (size_t)(nc + 1));
    e.score = arena_alloc(a, sizeof *e.score * (size_t)(nc + 1));
    e.note = arena_alloc(a, sizeof *e.note * (size_t)(nc + 1));
    double *w = arena_alloc(a, sizeof *w * (size_t)(nc + 1));
    for (int i = 0; i < nc; i++) {
        e.has[i] = 0;
        e.score[i] = 0;
        e.note[i] = "";
        w[i] = rb->crit[i].weight;
    }
    for (int k = 0; k < n; k++) {
        e.has[in[k].crit] = 1;
        e.score[in[k].crit] = in[k].score;
        e.note[in[k].crit] = S_(in[k].comment);
    }
    e.comment = S_(comment);
    e.has_total = eval_total(w, e.score, e.has, nc, &e.total);
    e.updated_at = now_s();
    DbStmt *s = db_q(db,
                     "UPDATE evaluations SET comment = ?, total = CASE WHEN CAST(? AS BIGINT) = 1"
                     " THEN CAST(? AS DOUBLE PRECISION) ELSE NULL END, updated_at = ?"
                     " WHERE id = ? AND status = 'draft' RETURNING id",
                     "sidii", e.comment, (int64_t)e.has_total, e.has_total ? e.total : 0.0,
                     e.updated_at, old->id);
    int rc = s ? db_step(s) : DB_ERROR;
    db_done(s);
    if (rc == DB_ROW)
        rc = db_run(db, "DELETE FROM evaluation_scores WHERE evaluation_id = ?", "i", old->id);
    else if (rc == DB_DONE)
        rc = DB_DONE; /* no longer a draft */
    for (int k = 0; k < n && rc == DB_OK; k++)
        rc = db_run(db,
                    "INSERT INTO evaluation_scores(evaluation_id, criterion_id, score, comment)"
                    " VALUES (?,?,?,?)",
                    "iids", old->id, rb->crit[in[k].crit].id, in[k].score, S_(in[k].comment));
    if (rc == DB_OK) {
        json_t *before = eval_audit_json(old), *after = eval_audit_json(&e);
        char key[24];
        rc = audit_log(db, actor, "evaluation.update", "evaluation", id_key(key, old->id),
                       S_(old->scope_path), before, after);
        json_decref(before);
        json_decref(after);
    }
    arena_free(a);
    return rc;
}

int eval_lock_row(Db *db, const char *actor, int64_t id)
{
    Arena *a = arena_new();
    Evaluation before, after;
    int rc = eval_load(db, a, id, &before) == 1 ? DB_OK : DB_ERROR;
    /* the rubric's row first: a concurrent change of its criteria waits, or sees this lock */
    if (rc == DB_OK)
        rc = db_run(db, "UPDATE rubrics SET active = active WHERE id = ?", "i", before.rubric.id);
    if (rc == DB_OK) {
        int64_t now = now_s();
        DbStmt *s = db_q(db,
                         "UPDATE evaluations SET status = 'locked', locked_by = ?, locked_at = ?,"
                         " updated_at = ? WHERE id = ? AND status = 'draft' AND total IS NOT NULL"
                         " RETURNING id",
                         "siii", actor, now, now, id);
        rc = s ? db_step(s) : DB_ERROR;
        db_done(s);
        rc = rc == DB_ROW ? DB_OK : rc;
    }
    if (rc == DB_OK) rc = eval_load(db, a, id, &after) == 1 ? DB_OK : DB_ERROR;
    if (rc == DB_OK) {
        json_t *b = eval_audit_json(&before), *j = eval_audit_json(&after);
        char key[24];
        rc = audit_log(db, actor, "evaluation.lock", "evaluation", id_key(key, id),
                       S_(after.scope_path), b, j);
        json_decref(b);
        json_decref(j);
    }
    arena_free(a);
    return rc;
}

/* ---- summaries per period ------------------------------------------------------------ */

json_t *eval_summary_json(const EvalSummary *s)
{
    json_t *parts = json_object(), *missing = json_array(), *assigned = json_array();
    for (int i = 0; i < EVAL_NPARTY; i++) {
        const EvalPart *p = &s->part[i];
        json_t *x = json_null();
        if (p->id) {
            x = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)p->id, "status", S_(p->status),
                          "author", S_(p->author));
            json_object_set_new(x, "total", num_or_null(p->has_total, p->total));
        }
        json_object_set_new(parts, eval_parties[i], x);
        if (s->missing[i]) json_array_append_new(missing, json_string(eval_parties[i]));
    }
    for (int i = 0; s->assigned && s->assigned[i]; i++)
        json_array_append_new(assigned, json_string(s->assigned[i]));
    json_t *j = json_pack("{s:s,s:o,s:{s:f,s:f,s:f},s:o,s:o}", "period", S_(s->period), "parts",
                          parts, "weights", "self", s->w[0], "feedback", s->w[1], "third_party",
                          s->w[2], "missing", missing, "evaluators", assigned);
    json_object_set_new(j, "rubric",
                        s->rubric_id ? json_pack("{s:I,s:s}", "id", (json_int_t)s->rubric_id,
                                                 "code", S_(s->rubric_code))
                                     : json_null());
    json_object_set_new(j, "combined", num_or_null(s->has_combined, s->combined));
    json_object_set_new(j, "complete", json_boolean(s->has_combined));
    return j;
}

enum { MAX_PERIODS = 64 };

int eval_summaries(Db *db, Arena *a, int64_t project_id, EvalSummary **out)
{
    *out = NULL;
    const char *periods[MAX_PERIODS];
    int np = 0;
    DbStmt *s = db_q(db,
                     "SELECT period FROM evaluations WHERE project_id = ? UNION"
                     " SELECT period FROM evaluation_assignments WHERE project_id = ?"
                     " ORDER BY 1 DESC",
                     "ii", project_id, project_id);
    if (!s) return -1;
    while (db_step(s) == DB_ROW && np < MAX_PERIODS)
        periods[np++] = dup_col(a, s, 0);
    db_done(s);
    if (!np) return 0;
    Rubric dflt = {0};
    int hd = rubric_default(db, a, &dflt);
    if (hd < 0) return -1;
    EvalSummary *sum = arena_alloc(a, sizeof *sum * (size_t)np);
    for (int k = 0; k < np; k++) {
        EvalSummary *x = &sum[k];
        memset(x, 0, sizeof *x);
        x->period = periods[k];
        if (hd) {
            x->w[0] = dflt.w_self, x->w[1] = dflt.w_feedback, x->w[2] = dflt.w_third;
        }
        s = db_q(db,
                 "SELECT e.id, e.party, e.status, e.author, e.total, r.id, r.code, r.w_self,"
                 " r.w_feedback, r.w_third FROM evaluations e JOIN rubrics r ON r.id = e.rubric_id"
                 " WHERE e.project_id = ? AND e.period = ?",
                 "is", project_id, x->period);
        if (!s) return -1;
        while (db_step(s) == DB_ROW) {
            int i = eval_party_index(db_col_text(s, 1));
            if (i < 0) continue;
            EvalPart *p = &x->part[i];
            p->id = db_col_int(s, 0);
            p->status = dup_col(a, s, 2);
            p->author = dup_col(a, s, 3);
            p->has_total = !db_col_is_null(s, 4);
            p->total = db_col_double(s, 4);
            x->rubric_id = db_col_int(s, 5);
            x->rubric_code = dup_col(a, s, 6);
            x->w[0] = db_col_double(s, 7);
            x->w[1] = db_col_double(s, 8);
            x->w[2] = db_col_double(s, 9);
        }
        db_done(s);
        double total[3];
        int locked[3];
        for (int i = 0; i < 3; i++) {
            total[i] = x->part[i].total;
            locked[i] = x->part[i].id && x->part[i].has_total && x->part[i].status &&
                        !strcmp(x->part[i].status, "locked");
        }
        x->has_combined =
            eval_combine(x->w[0], x->w[1], x->w[2], total, locked, &x->combined, x->missing);
        s = db_q(db,
                 "SELECT u.login FROM evaluation_assignments ea JOIN users u ON u.id = ea.user_id"
                 " WHERE ea.project_id = ? AND ea.period = ? ORDER BY u.login",
                 "is", project_id, x->period);
        if (!s) return -1;
        const char *logins[32];
        int nl = 0;
        while (db_step(s) == DB_ROW && nl < 31)
            logins[nl++] = dup_col(a, s, 0);
        db_done(s);
        x->assigned = arena_alloc(a, sizeof *x->assigned * (size_t)(nl + 1));
        for (int i = 0; i < nl; i++)
            x->assigned[i] = logins[i];
        x->assigned[nl] = NULL;
    }
    *out = sum;
    return np;
}
