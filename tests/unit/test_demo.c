/* test_demo.c — the demo dataset (demo.h) on fresh SQLite databases: the tree it
 * builds, the spread of its schools, its people and their grants, determinism for
 * a seed, refusal of a second load, and the divisions CSV parser. One database
 * with 1,200 schools (seed 1) is loaded for the whole group; a few tests load
 * their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "audit.h"
#include "core/embedded.h"
#include "db/db.h"
#include "demo.h"
#include "user.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { N_SCHOOLS = 1200 };

/* A scratch database in its own temporary directory. */
typedef struct Scratch {
    Db *db;
    char dir[64];
} Scratch;

/* The group's loaded database and what its load cost. */
typedef struct Env {
    Scratch main;
    double load_s;  /* demo_load of N_SCHOOLS, wall clock */
    double hash_s;  /* one password_hash, wall clock */
    int64_t people; /* people the load created */
} Env;

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Opens a new, migrated SQLite database; 0 or -1. */
static int scratch_open(Scratch *s)
{
    char url[128], err[512];
    snprintf(s->dir, sizeof s->dir, "/tmp/test_demo.XXXXXX");
    if (!mkdtemp(s->dir)) return -1;
    snprintf(url, sizeof url, "sqlite:%s/huiju.db", s->dir);
    s->db = db_open(url, err, sizeof err);
    if (!s->db) {
        fprintf(stderr, "db_open: %s\n", err);
        return -1;
    }
    if (db_migrate(s->db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "db_migrate: %s\n", err);
        return -1;
    }
    return 0;
}

/* Closes the database and removes its directory. */
static void scratch_close(Scratch *s)
{
    static const char *const files[] = {"huiju.db", "huiju.db-wal", "huiju.db-shm",
                                        "huiju.db-journal"};
    db_close(s->db);
    s->db = NULL;
    if (!s->dir[0]) return;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", s->dir, files[i]);
        unlink(p);
    }
    rmdir(s->dir);
    s->dir[0] = '\0';
}

/* One integer from a query without parameters (fails the test otherwise). */
static int64_t q1(Db *db, const char *sql)
{
    int64_t v = -1;
    int rc = db_int(db, &v, sql, "");
    if (rc != 1) fail_msg("%s: %s", sql, db_errmsg(db));
    return v;
}

/* Rows of the tables a load writes, summed: for "nothing changed" checks. */
static int64_t row_total(Db *db)
{
    return q1(db, "SELECT (SELECT COUNT(*) FROM orgs) + (SELECT COUNT(*) FROM users) +"
                  " (SELECT COUNT(*) FROM grants) + (SELECT COUNT(*) FROM audit)");
}

/* FNV-1a over the ordered (code, name, is_helper, is_recipient, stage) of all schools. */
static uint64_t schools_hash(Db *db)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    DbStmt *s = db_q(db,
                     "SELECT code, name_zh, is_helper, is_recipient, stage FROM orgs"
                     " WHERE kind = 'school' ORDER BY code",
                     "");
    assert_non_null(s);
    while (db_step(s) == DB_ROW) {
        char row[512];
        snprintf(row, sizeof row, "%s|%s|%lld|%lld|%s\n", db_col_text(s, 0), db_col_text(s, 1),
                 (long long)db_col_int(s, 2), (long long)db_col_int(s, 3), db_col_text(s, 4));
        for (const char *p = row; *p; p++) {
            h ^= (unsigned char)*p;
            h *= UINT64_C(0x100000001b3);
        }
    }
    db_done(s);
    return h;
}

static int group_setup(void **state)
{
    Env *e = calloc(1, sizeof *e);
    if (!e) return -1;
    *state = e;
    if (scratch_open(&e->main) != 0) return -1;

    char hash[256];
    double t0 = now_mono();
    for (int i = 0; i < 3; i++)
        if (password_hash(hash, DEMO_PASSWORD) != 0) return -1;
    e->hash_s = (now_mono() - t0) / 3;

    char err[256] = "";
    t0 = now_mono();
    int rc = demo_load(e->main.db, N_SCHOOLS, 1, err, sizeof err);
    e->load_s = now_mono() - t0;
    if (rc != 0) {
        fprintf(stderr, "demo_load: %s\n", err);
        return -1;
    }
    e->people = q1(e->main.db, "SELECT COUNT(*) FROM users");
    return 0;
}

static int group_teardown(void **state)
{
    Env *e = *state;
    if (!e) return 0;
    scratch_close(&e->main);
    free(e);
    return 0;
}

/* ---- the tree ------------------------------------------------------------ */

static void test_tree_counts(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'region'"), 1);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'region' AND code = '650000'"
                            " AND parent_id IS NULL AND path = '/650000/' AND depth = 0"),
                     1);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'prefecture'"), 14);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'county'"), 96);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'school'"), N_SCHOOLS);
    /* every prefecture under the region, every county under a prefecture */
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs o JOIN orgs p ON p.id = o.parent_id"
                            " WHERE o.kind = 'prefecture' AND p.kind = 'region'"),
                     14);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs o JOIN orgs p ON p.id = o.parent_id"
                            " WHERE o.kind = 'county' AND p.kind = 'prefecture'"
                            " AND o.path = p.path || o.code || '/'"),
                     96);
    /* English names for the region and all prefectures */
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE kind IN ('region', 'prefecture')"
                            " AND name_en = ''"),
                     0);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE code = '653100'"
                            " AND name_zh = '喀什地区' AND name_en = 'Kashgar Prefecture'"),
                     1);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE code = '650000'"
                            " AND name_en = 'Xinjiang Uygur Autonomous Region'"),
                     1);
}

static void test_partners(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    int64_t n = q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'partner'");
    assert_true(n >= 6 && n <= 10);
    /* each has a kind and hangs on the region or a prefecture */
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs o JOIN orgs p ON p.id = o.parent_id"
                            " WHERE o.kind = 'partner' AND o.partner_kind IS NOT NULL"
                            " AND p.kind IN ('region', 'prefecture')"),
                     n);
    /* all four kinds are there */
    assert_int_equal(q1(db, "SELECT COUNT(DISTINCT partner_kind) FROM orgs WHERE kind = 'partner'"),
                     4);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'partner'"
                            " AND name_zh = '自治区教育厅' AND partner_kind = 'government'"),
                     1);
}

static void test_every_county_has_school(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    assert_int_equal(q1(db,
                        "SELECT COUNT(*) FROM orgs c WHERE c.kind = 'county' AND NOT EXISTS"
                        " (SELECT 1 FROM orgs s WHERE s.parent_id = c.id AND s.kind = 'school')"),
                     0);
    /* and every school hangs on a county */
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs s JOIN orgs c ON c.id = s.parent_id"
                            " WHERE s.kind = 'school' AND c.kind = 'county'"),
                     N_SCHOOLS);
}

#define SOUTH "('653100', '653200', '652900', '653000')"
#define SCHOOL_COUNTY_PREF                                                                         \
    " FROM orgs s JOIN orgs c ON c.id = s.parent_id JOIN orgs p ON p.id = c.parent_id"             \
    " WHERE s.kind = 'school'"
#define CITY_UNIT "(p.code IN ('650100', '650200') OR c.name_zh LIKE '%市' OR c.name_zh LIKE '%区')"

static void test_recipients_in_south(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    int64_t rec = q1(db, "SELECT COUNT(*)" SCHOOL_COUNTY_PREF " AND s.is_recipient = 1");
    int64_t rec_south =
        q1(db, "SELECT COUNT(*)" SCHOOL_COUNTY_PREF " AND s.is_recipient = 1 AND p.code IN " SOUTH);
    int64_t south = q1(db, "SELECT COUNT(*)" SCHOOL_COUNTY_PREF " AND p.code IN " SOUTH);
    int64_t south_rec = q1(db, "SELECT COUNT(*)" SCHOOL_COUNTY_PREF " AND p.code IN " SOUTH
                               " AND s.is_recipient = 1");
    printf("    recipients %lld, of which in the south %lld (%.1f %%); schools in the south "
           "%lld (%.1f %%), recipients among them %.1f %%\n",
           (long long)rec, (long long)rec_south, 100.0 * (double)rec_south / (double)rec,
           (long long)south, 100.0 * (double)south / N_SCHOOLS,
           100.0 * (double)south_rec / (double)south);
    assert_true(rec > 0);
    assert_true(rec_south * 100 >= rec * 55);
    /* about 60 % of all schools in the south, nearly all recipients */
    assert_true(south * 100 >= N_SCHOOLS * 55 && south * 100 <= N_SCHOOLS * 65);
    assert_true(south_rec * 100 >= south * 90);
}

static void test_helpers_in_cities(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    int64_t help = q1(db, "SELECT COUNT(*)" SCHOOL_COUNTY_PREF " AND s.is_helper = 1");
    int64_t help_city =
        q1(db, "SELECT COUNT(*)" SCHOOL_COUNTY_PREF " AND s.is_helper = 1 AND " CITY_UNIT);
    int64_t both =
        q1(db, "SELECT COUNT(*)" SCHOOL_COUNTY_PREF " AND s.is_helper = 1 AND s.is_recipient = 1");
    printf("    helpers %lld, of which in city units %lld (%.1f %%); both %lld\n", (long long)help,
           (long long)help_city, 100.0 * (double)help_city / (double)help, (long long)both);
    assert_true(help > 0);
    assert_true(help_city * 100 >= help * 60);
    /* a few schools both, and none neither */
    assert_true(both > 0 && both * 10 < N_SCHOOLS);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'school'"
                            " AND is_helper = 0 AND is_recipient = 0"),
                     0);
}

static void test_school_codes(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    assert_int_equal(q1(db, "SELECT COUNT(DISTINCT code) FROM orgs WHERE kind = 'school'"),
                     N_SCHOOLS);
    /* county code + four-digit sequence, path under the county */
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs s JOIN orgs c ON c.id = s.parent_id"
                            " WHERE s.kind = 'school' AND length(s.code) = 10"
                            " AND substr(s.code, 1, 6) = c.code"
                            " AND substr(s.code, 7, 4) GLOB '[0-9][0-9][0-9][0-9]'"
                            " AND s.path = c.path || s.code || '/' AND s.depth = c.depth + 1"),
                     N_SCHOOLS);
    /* sequences run 0001..n within each county */
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs c WHERE c.kind = 'county' AND"
                            " (SELECT COUNT(*) FROM orgs s WHERE s.parent_id = c.id) <>"
                            " (SELECT COALESCE(MAX(CAST(substr(s.code, 7, 4) AS INTEGER)), 0)"
                            "  FROM orgs s WHERE s.parent_id = c.id)"),
                     0);
}

/* Whether s ends with suffix. */
static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void test_stage_matches_name(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    DbStmt *s = db_q(db, "SELECT code, name_zh, stage FROM orgs WHERE kind = 'school'", "");
    assert_non_null(s);
    int n = 0, stages_seen[6] = {0};
    static const char *const ids[6] = {"primary",  "junior",    "senior",
                                       "complete", "nine_year", "vocational"};
    while (db_step(s) == DB_ROW) {
        const char *code = db_col_text(s, 0), *name = db_col_text(s, 1), *stage = db_col_text(s, 2);
        assert_non_null(stage);
        int ok;
        if (strcmp(stage, "primary") == 0)
            ok = ends_with(name, "小学");
        else if (strcmp(stage, "junior") == 0)
            ok = ends_with(name, "初级中学");
        else if (strcmp(stage, "senior") == 0)
            ok = ends_with(name, "高级中学");
        else if (strcmp(stage, "complete") == 0)
            ok = ends_with(name, "中学") && !ends_with(name, "初级中学") &&
                 !ends_with(name, "高级中学");
        else if (strcmp(stage, "nine_year") == 0)
            ok = ends_with(name, "九年一贯制学校");
        else if (strcmp(stage, "vocational") == 0)
            ok = ends_with(name, "职业技术学校");
        else
            ok = 0;
        if (!ok) fail_msg("school %s %s has stage %s", code, name, stage);
        for (int i = 0; i < 6; i++)
            if (strcmp(stage, ids[i]) == 0) stages_seen[i]++;
        n++;
    }
    db_done(s);
    assert_int_equal(n, N_SCHOOLS);
    for (int i = 0; i < 6; i++)
        if (!stages_seen[i]) fail_msg("no %s school", ids[i]);
    /* Chinese numerals, and names after the city for districts */
    assert_true(q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'school'"
                       " AND name_zh LIKE '乌鲁木齐市第十_中学'") >= 1 ||
                q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'school'"
                       " AND name_zh LIKE '乌鲁木齐市第十_小学'") >= 1);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE kind = 'school'"
                            " AND (name_zh GLOB '*[0-9]*' OR name_en = '')"),
                     0);
    /* the same name twice would confuse people */
    assert_int_equal(q1(db, "SELECT COUNT(DISTINCT name_zh) FROM orgs WHERE kind = 'school'"),
                     N_SCHOOLS);
}

static void test_fixed_schools(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE code = '6531210001'"
                            " AND name_zh = '疏附县第一小学' AND stage = 'primary'"
                            " AND is_recipient = 1 AND is_helper = 0"),
                     1);
    assert_true(q1(db, "SELECT COUNT(*) FROM orgs s JOIN orgs c ON c.id = s.parent_id"
                       " WHERE c.code = '653221' AND s.is_recipient = 1") >= 1);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM orgs WHERE code = '6501020001'"
                            " AND name_zh = '乌鲁木齐市第一中学' AND is_helper = 1"),
                     1);
}

/* ---- people -------------------------------------------------------------- */

static const struct {
    const char *login, *role, *org;
} logins[] = {
    {"admin", "region_admin", "650000"},
    {"kashgar", "prefecture_official", "653100"},
    {"shufu", "county_official", "653121"},
    {"hotan", "county_official", "653221"},
    {"auditor", "auditor", "650000"},
    {"leader", "school_leader", "6531210001"},
    {"liaison", "liaison_officer", "6531210001"},
    {"parent", "parent", "6531210001"},
    {"volunteer", "volunteer", "653121"},
    {"evaluator", "evaluator", "650000"},
    {"supervisor", "supervisor", "653100"},
};

/* Checks that every demo login exists, active, with exactly its one grant. */
static void check_logins(Db *db)
{
    for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
        int64_t n = -1;
        assert_int_equal(db_int(db, &n,
                                "SELECT COUNT(*) FROM users u JOIN grants g ON g.user_id = u.id"
                                " JOIN orgs o ON o.id = g.org_id"
                                " WHERE u.login = ? AND g.role = ? AND o.code = ? AND u.active = 1",
                                "sss", logins[i].login, logins[i].role, logins[i].org),
                         1);
        if (n != 1)
            fail_msg("login %s: no grant %s at %s", logins[i].login, logins[i].role, logins[i].org);
        assert_int_equal(db_int(db, &n,
                                "SELECT COUNT(*) FROM users u JOIN grants g ON g.user_id = u.id"
                                " WHERE u.login = ?",
                                "s", logins[i].login),
                         1);
        assert_int_equal(n, 1);
    }
}

static void test_logins(void **state)
{
    Env *e = *state;
    Db *db = e->main.db;
    check_logins(db);
    /* Chinese display names, the demo password */
    DbStmt *s = db_q(db, "SELECT name, pw_hash FROM users WHERE login = ?", "s", "leader");
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "疏附县第一小学校长");
    assert_int_equal(
        crypto_pwhash_str_verify(db_col_text(s, 1), DEMO_PASSWORD, strlen(DEMO_PASSWORD)), 0);
    db_done(s);
    /* a few extra people, not hundreds; three liaison officers at the demo school */
    assert_true(e->people >= 11 && e->people <= 31);
    assert_true(q1(db, "SELECT COUNT(*) FROM grants g JOIN orgs o ON o.id = g.org_id"
                       " WHERE o.code = '6531210001' AND g.role = 'liaison_officer'") >= 3);
    /* every grant fits its place's kind */
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM grants g JOIN orgs o ON o.id = g.org_id"
                            " WHERE g.role IN ('school_leader', 'liaison_officer', 'team_member',"
                            " 'parent') AND o.kind <> 'school'"),
                     0);
    /* nobody lacks a grant */
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM users u WHERE NOT EXISTS"
                            " (SELECT 1 FROM grants g WHERE g.user_id = u.id)"),
                     0);
}

static void test_audit_record(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM audit WHERE action = 'demo.load'"), 1);
    DbStmt *s = db_q(db,
                     "SELECT actor, object_kind, object_key, org_path, after_json FROM audit"
                     " WHERE action = 'demo.load'",
                     "");
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "system");
    assert_string_equal(db_col_text(s, 1), "demo");
    assert_string_equal(db_col_text(s, 2), "seed-1");
    assert_string_equal(db_col_text(s, 3), "/650000/"); /* the whole region */
    const char *after = db_col_text(s, 4);
    assert_non_null(after);
    assert_non_null(strstr(after, "\"schools\""));
    assert_non_null(strstr(after, "1200"));
    assert_non_null(strstr(after, "\"partners\""));
    assert_non_null(strstr(after, "\"people\""));
    db_done(s);
    /* the chain holds */
    int64_t checked = 0;
    char err[256] = "";
    if (audit_verify(db, &checked, err, sizeof err) != 0) fail_msg("audit_verify: %s", err);
    assert_int_equal(checked, q1(db, "SELECT COUNT(*) FROM audit"));
    /* every organisation and person audited by org_insert / user_insert too */
    assert_true(q1(db, "SELECT COUNT(*) FROM audit WHERE action = 'org.create'") ==
                q1(db, "SELECT COUNT(*) FROM orgs"));
}

/* ---- determinism, refusal, arguments -------------------------------------- */

static void test_same_seed_same_schools(void **state)
{
    Env *e = *state;
    uint64_t h1 = schools_hash(e->main.db);
    Scratch a = {0}, b = {0};
    char err[256] = "";
    assert_int_equal(scratch_open(&a), 0);
    assert_int_equal(demo_load(a.db, N_SCHOOLS, 1, err, sizeof err), 0);
    assert_int_equal(scratch_open(&b), 0);
    assert_int_equal(demo_load(b.db, N_SCHOOLS, 2, err, sizeof err), 0);
    uint64_t ha = schools_hash(a.db), hb = schools_hash(b.db);
    assert_true(h1 == ha);
    assert_true(h1 != hb);
    /* the other seed still keeps the promises */
    assert_int_equal(q1(b.db, "SELECT COUNT(*) FROM orgs WHERE kind = 'school'"), N_SCHOOLS);
    check_logins(b.db);
    scratch_close(&a);
    scratch_close(&b);
}

static void test_second_load_refused(void **state)
{
    Db *db = ((Env *)*state)->main.db;
    int64_t before = row_total(db);
    uint64_t h = schools_hash(db);
    char err[256] = "";
    assert_int_equal(demo_load(db, N_SCHOOLS, 1, err, sizeof err), 1);
    assert_string_equal(err, "database already has organisations");
    assert_int_equal(demo_load(db, 50, 7, err, sizeof err), 1);
    assert_int_equal(row_total(db), before);
    assert_true(schools_hash(db) == h);
    /* the connection is usable afterwards: no transaction left open */
    assert_int_equal(db_begin(db), DB_OK);
    db_rollback(db);
}

static void test_bad_school_counts(void **state)
{
    (void)state;
    Scratch s = {0};
    assert_int_equal(scratch_open(&s), 0);
    char err[256] = "";
    assert_int_equal(demo_load(s.db, 0, 1, err, sizeof err), 1);
    assert_non_null(strstr(err, "1..20000"));
    assert_int_equal(demo_load(s.db, 20001, 1, err, sizeof err), 1);
    assert_int_equal(demo_load(s.db, -5, 1, err, sizeof err), 1);
    assert_int_equal(row_total(s.db), 0);
    scratch_close(&s);
}

static void test_small_loads(void **state)
{
    (void)state;
    char err[256] = "";
    /* 96: exactly one school per county */
    Scratch s = {0};
    assert_int_equal(scratch_open(&s), 0);
    assert_int_equal(demo_load(s.db, 96, 3, err, sizeof err), 0);
    assert_int_equal(q1(s.db, "SELECT COUNT(*) FROM orgs c WHERE c.kind = 'county' AND"
                              " (SELECT COUNT(*) FROM orgs s WHERE s.parent_id = c.id) <> 1"),
                     0);
    check_logins(s.db);
    scratch_close(&s);
    /* 1: the demo school alone; the logins still work */
    assert_int_equal(scratch_open(&s), 0);
    assert_int_equal(demo_load(s.db, 1, 3, err, sizeof err), 0);
    assert_int_equal(q1(s.db, "SELECT COUNT(*) FROM orgs WHERE kind = 'school'"), 1);
    assert_int_equal(q1(s.db, "SELECT COUNT(*) FROM orgs WHERE code = '6531210001'"), 1);
    check_logins(s.db);
    scratch_close(&s);
}

/* ---- the CSV parser ------------------------------------------------------- */

/* Parses text and expects failure with `want` in the message. */
static void expect_bad(const char *text, const char *want)
{
    DemoDivision *d = (DemoDivision *)1;
    char err[256] = "";
    assert_int_equal(demo_parse_divisions(text, strlen(text), &d, err, sizeof err), -1);
    assert_null(d);
    if (!strstr(err, want)) fail_msg("for %s: got \"%s\", want \"%s\"", text, err, want);
}

static void test_parse_divisions(void **state)
{
    (void)state;
    const EmbeddedFile *f = embedded_find("data/xinjiang-divisions.csv");
    assert_non_null(f);
    DemoDivision *d = NULL;
    char err[256] = "";
    int n = demo_parse_divisions((const char *)f->data, f->size, &d, err, sizeof err);
    assert_int_equal(n, 111);
    int levels[3] = {0};
    for (int i = 0; i < n; i++)
        levels[strcmp(d[i].level, "region") == 0       ? 0
               : strcmp(d[i].level, "prefecture") == 0 ? 1
                                                       : 2]++;
    assert_int_equal(levels[0], 1);
    assert_int_equal(levels[1], 14);
    assert_int_equal(levels[2], 96);
    assert_string_equal(d[0].code, "650000");
    free(d);

    const char *ok = "code,name,level,parent_code\r\n650000,新疆,region,\r\n"
                     "650100,乌鲁木齐市,prefecture,650000\r\n650102,天山区,county,650100\r\n";
    n = demo_parse_divisions(ok, strlen(ok), &d, err, sizeof err);
    assert_int_equal(n, 3);
    assert_string_equal(d[2].name, "天山区");
    assert_string_equal(d[2].parent, "650100");
    free(d);

#define H "code,name,level,parent_code\n"
    expect_bad("code,name,level\n", "line 1");
    expect_bad("", "empty");
    expect_bad(H "650000,新疆,region,\n650100,乌鲁木齐市,prefecture\n", "line 3: expected 4");
    expect_bad(H "650000,新疆,region,\n650100,乌鲁木齐市,prefecture,650000,x\n", "line 3");
    expect_bad(H "65000,新疆,region,\n", "line 2: code");
    expect_bad(H "650000,新疆,region,\n650000,新疆,region,\n", "line 3: duplicate");
    expect_bad(H "650000,,region,\n", "line 2: name");
    expect_bad(H "650000,\"新疆\",region,\n", "line 2: quoted");
    expect_bad(H "650000,新疆,province,\n", "line 2: level");
    expect_bad(H "650000,新疆,region,\n650102,天山区,county,650100\n", "line 3: parent");
    expect_bad(H "650000,新疆,region,\n650102,天山区,county,650000\n", "line 3: the parent");
    expect_bad(H "650100,乌鲁木齐市,prefecture,650000\n", "line 2: parent");
    expect_bad(H "650000,新疆,region,\n\n650001,又一个,region,\n", "one region");
    expect_bad(H "650000,新疆,region,650000\n", "line 2");
    expect_bad(H "650000,\xff\xfe,region,\n", "line 2: name");
#undef H
}

static void test_print_logins(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    demo_print_logins(f);
    fclose(f);
    assert_non_null(strstr(buf, DEMO_PASSWORD));
    for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
        assert_non_null(strstr(buf, logins[i].login));
        assert_non_null(strstr(buf, logins[i].role));
    }
    free(buf);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_counts),
        cmocka_unit_test(test_partners),
        cmocka_unit_test(test_every_county_has_school),
        cmocka_unit_test(test_recipients_in_south),
        cmocka_unit_test(test_helpers_in_cities),
        cmocka_unit_test(test_school_codes),
        cmocka_unit_test(test_stage_matches_name),
        cmocka_unit_test(test_fixed_schools),
        cmocka_unit_test(test_logins),
        cmocka_unit_test(test_audit_record),
        cmocka_unit_test(test_second_load_refused),
        cmocka_unit_test(test_same_seed_same_schools),
        cmocka_unit_test(test_bad_school_counts),
        cmocka_unit_test(test_small_loads),
        cmocka_unit_test(test_parse_divisions),
        cmocka_unit_test(test_print_logins),
    };
    return cmocka_run_group_tests_name("demo", tests, group_setup, group_teardown);
}
