/* main.c — the huiju command: one binary for the web server and every
 * administrative verb, all on the same database (SQLite file or PostgreSQL URL). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "activity.h"
#include "agreement.h"
#include "audit.h"
#include "brand.h"
#include "core/util.h"
#include "dataio.h"
#include "files.h"
#include "db/db.h"
#include "demo.h"
#include "demo_values.h"
#include "evaluation.h"
#include "fund.h"
#include "http/router.h"
#include "http/server.h"
#include "indicator.h"
#include "match.h"
#include "need.h"
#include "openapi.h"
#include "progress.h"
#include "project.h"
#include "resource.h"
#include "supervision.h"
#include "target.h"
#include "training.h"
#include "user.h"
#include "volunteer.h"

static const char usage[] =
    "huiju " HUIJU_VERSION " — 学校访惠聚工作管理平台 (school-based assistance work platform)\n"
    "\n"
    "usage: huiju VERB [options]   (every verb takes --db PATH | --db postgres://…;\n"
    "                              default huiju.db)\n"
    "\n"
    "  serve [--listen ADDR:PORT] [--threads N] [--trust-proxy] [--tls]\n"
    "        [--idle-timeout SECONDS] [--session-lifetime SECONDS]\n"
    "                          serve the web interface and the API (default 127.0.0.1:8080)\n"
    "  init                    create or upgrade the database schema\n"
    "  demo [--schools N] [--seed S]\n"
    "                          load the demo region into an empty database\n"
    "  user add LOGIN --role ROLE --org CODE [--name NAME]\n"
    "                          add a person; the password is read from standard input\n"
    "  plan load FILE          load a plan template CSV (the columns of data/plan-targets.csv)\n"
    "                          as targets at the region root: all rows or none\n"
    "  import datavalues FILE [--dry-run]\n"
    "                          import values from CSV (org,indicator,period,value; empty value\n"
    "                          deletes): all rows or none; --dry-run checks and writes nothing\n"
    "  needs derive --org CODE [--year Y]\n"
    "                          propose needs from the portraits of the recipient schools under\n"
    "                          CODE where a need rule's threshold is crossed (default: this year)\n"
    "  match --scope CODE --year Y [--accept-all]\n"
    "                          match resources to the open needs under CODE (exact min-cost\n"
    "                          flow), print the proposals with their scores; accept them all\n"
    "  demo-logins             print the demo logins\n"
    "  check                   verify database integrity and the audit chain\n"
    "  backup FILE             write a copy of the database to FILE\n"
    "  routes                  print the route table as JSON\n"
    "  roles                   print each role's capabilities as JSON\n"
    "  --help, --version\n";

typedef struct Opts {
    const char *db;
    const char *listen;
    int threads, trust_proxy, tls;
    int64_t idle, lifetime, schools, seed;
    const char *role, *org, *name, *files;
    const char *pos[4];
    int npos;
} Opts;

static int fail(const char *msg, const char *arg)
{
    fprintf(stderr, "huiju: %s%s%s (see huiju --help)\n", msg, arg ? ": " : "", arg ? arg : "");
    return 2;
}

/* Takes the value after a flag; NULL if missing. */
static const char *value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) return NULL;
    return argv[++*i];
}

/* Parses the options of a verb. allowed lists the flags it takes. 0 on success. */
static int parse(int argc, char **argv, int start, const char *allowed, Opts *o)
{
    for (int i = start; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] != '-') {
            if (a[0] == '-') return fail("unknown option", a);
            if (o->npos >= 4) return fail("too many arguments", a);
            o->pos[o->npos++] = a;
            continue;
        }
        const char *name = a + 2;
        char key[40];
        snprintf(key, sizeof key, " %s ", name);
        if (strcmp(name, "db") != 0 && !strstr(allowed, key)) return fail("unknown option", a);
        const char *v = NULL;
        int flag = !strcmp(name, "trust-proxy") || !strcmp(name, "tls");
        if (!flag && !(v = value(argc, argv, &i))) return fail("option needs a value", a);
        if (!strcmp(name, "db")) o->db = v;
        else if (!strcmp(name, "listen")) o->listen = v;
        else if (!strcmp(name, "trust-proxy")) o->trust_proxy = 1;
        else if (!strcmp(name, "tls")) o->tls = 1;
        else if (!strcmp(name, "role")) o->role = v;
        else if (!strcmp(name, "org")) o->org = v;
        else if (!strcmp(name, "name")) o->name = v;
        else if (!strcmp(name, "files")) o->files = v;
        else {
            int64_t n;
            int64_t *dst = !strcmp(name, "threads")            ? NULL
                           : !strcmp(name, "idle-timeout")     ? &o->idle
                           : !strcmp(name, "session-lifetime") ? &o->lifetime
                           : !strcmp(name, "schools")          ? &o->schools
                                                               : &o->seed;
            if (!parse_int(v, 0, INT64_MAX / 2, &n)) return fail("not a whole number", v);
            if (dst)
                *dst = n;
            else if (n < 1 || n > 64)
                return fail("--threads wants 1 to 64", v);
            else
                o->threads = (int)n;
        }
    }
    return 0;
}

/* Opens and migrates the database; NULL (message printed) on failure. */
static Db *open_db(const char *url, int migrate)
{
    char err[512];
    Db *db = db_open(url, err, sizeof err);
    if (!db) {
        fprintf(stderr, "huiju: %s\n", err);
        return NULL;
    }
    if (migrate && (db_migrate(db, err, sizeof err) != DB_OK || access_sync(db) != DB_OK)) {
        fprintf(stderr, "huiju: %s\n", err[0] ? err : db_errmsg(db));
        db_close(db);
        return NULL;
    }
    return db;
}

/* The plan part of the demo: the indicator catalogue, the plan's targets and
 * the schools' values. Each step runs in its own transaction. 0 or 1 (err set). */
/* With HUIJU_DEMO_TIMING set, prints how long each demo step took (stderr);
 * NULL starts the clock. */
static void demo_lap(const char *step)
{
    static struct timespec t0;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (step && getenv("HUIJU_DEMO_TIMING"))
        fprintf(stderr, "demo: %-12s %6.3f s\n", step,
                (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9);
    t0 = t;
}

static int demo_plan(Db *db, int schools, uint64_t seed, char *err, size_t errlen)
{
    (void)schools;
    (void)seed;
    demo_lap(NULL);
    if (db_begin(db) != DB_OK || indicators_load_standard(db, "system", err, errlen) < 0 ||
        db_commit(db) != DB_OK) {
        db_rollback(db);
        if (!err[0]) snprintf(err, errlen, "%s", db_errmsg(db));
        return 1;
    }
    /* the plan's targets (target.h, plan.c): data/plan-targets.csv at the region root */
    if (db_begin(db) != DB_OK || plan_load(db, "system", NULL, 0, err, errlen) < 0 ||
        db_commit(db) != DB_OK) {
        db_rollback(db);
        if (!err[0]) snprintf(err, errlen, "%s", db_errmsg(db));
        return 1;
    }
    /* the schools' values (demo_values.c): after the catalogue and the plan */
    if (demo_values_load(db, seed, err, errlen)) return 1;
    demo_lap("demo_values");
    /* the record-fed figures that change portraits come first, so that the needs derived
     * below see the final figures */
    /* teachers, training records, 1+N teams and their days, liaison officers (training.h) */
    if (training_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("training");
    /* activities, bookings, parent accounts, courses and views (activity.h): the last
     * twelve months' participation figures come from these records */
    if (activity_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("activity");
    /* the needs (need.h): standard rules, needs derived for this year, a few filed ones */
    if (need_demo_load(db, target_today_month() / 12, err, errlen)) return 1;
    demo_lap("need");
    /* the resource library (resource.h): ~300 offers by helping schools and partners */
    if (resource_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("resource");
    /* the projects (project.h): every state across the region, their approval chains */
    if (project_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("project");
    /* milestones and progress reports (progress.h), some in-progress projects lagging */
    if (progress_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("progress");
    /* the three-level evaluation (evaluation.h): the standard rubric, evaluations, evaluators */
    if (evaluation_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("evaluation");
    /* agreements (agreement.h): ~40 % of running projects, most of them long-term */
    if (agreement_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("agreement");
    /* supervision visits and rectification orders (supervision.h), some overdue */
    if (supervision_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("supervision");
    /* media coverage and brands (brand.h), then every project figure (project_feed) */
    if (brand_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("brand");
    /* funds, budget lines, expenditures (fund.h): the plan's funding, 2023–2026 */
    if (fund_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("fund");
    /* volunteers, hours, points, rewards (volunteer.h); keep it after the activities
     * (activity_demo_load): the demo volunteer's hours awaiting liaison name one of them */
    if (volunteer_demo_load(db, seed, err, errlen)) return 1;
    demo_lap("volunteer");
    /* ---- the demo loaders of issues 5 and 6 go above this line, one call each ---- */
    return 0;
}

static int cmd_serve(Opts *o)
{
    char err[256];
    if (router_check(err, sizeof err)) {
        fprintf(stderr, "huiju: %s\n", err);
        return 1;
    }
    Db *db = open_db(o->db, 1);
    if (!db) return 1;
    db_close(db);
    ServerConf conf = {
        .db_url = o->db,
        .trust_proxy = o->trust_proxy,
        .tls = o->tls,
        .idle_timeout = o->idle ? o->idle : 1800,
        .session_lifetime = o->lifetime ? o->lifetime : 43200,
        .max_body = 1 << 20,
        .max_upload = 32 << 20,
        .files_dir = files_dir_for(o->db, o->files),
    };
    return server_run(&conf, o->listen ? o->listen : "127.0.0.1:8080", o->threads ? o->threads : 4);
}

static int cmd_check(Opts *o)
{
    Db *db = open_db(o->db, 0);
    if (!db) return 1;
    char err[512];
    int64_t n = 0;
    int bad = db_integrity(db, err, sizeof err);
    if (bad) {
        printf("FAIL: database: %s\n", err);
    } else if ((bad = audit_verify(db, &n, err, sizeof err))) {
        printf("FAIL: %s\n", err);
    } else {
        printf("ok: database intact, %lld audit records verified\n", (long long)n);
    }
    db_close(db);
    return bad ? 1 : 0;
}

static int cmd_routes(void)
{
    json_t *a = json_array();
    for (int i = 0; i < n_routes; i++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}", "method", routes[i].method,
                                           "pattern", routes[i].pattern, "capability",
                                           cap_name(routes[i].cap) ? cap_name(routes[i].cap) : "",
                                           "api", strncmp(routes[i].pattern, "/api/", 5) == 0));
    char *s = json_dumps(a, JSON_INDENT(1));
    puts(s);
    free(s);
    json_decref(a);
    return 0;
}

static int cmd_roles(void)
{
    json_t *o = json_object();
    for (int r = 1; r < ROLE_COUNT; r++) {
        json_t *caps = json_array();
        for (int c = 1; c < CAP_COUNT; c++)
            if (role_caps((Role)r) & CAPBIT(c))
                json_array_append_new(caps, json_string(cap_name((Cap)c)));
        json_object_set_new(o, role_name((Role)r), caps);
    }
    char *s = json_dumps(o, JSON_INDENT(1));
    puts(s);
    free(s);
    json_decref(o);
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fputs("huiju: libsodium cannot start\n", stderr);
        return 1;
    }
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *verb = argv[1];
    if (!strcmp(verb, "--help") || !strcmp(verb, "-h") || !strcmp(verb, "help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(verb, "--version")) {
        puts("huiju " HUIJU_VERSION);
        return 0;
    }
    Opts o = {.db = "huiju.db"};
    if (!strcmp(verb, "serve")) {
        if (parse(argc, argv, 2,
                  " listen threads trust-proxy tls idle-timeout session-lifetime files ", &o))
            return 2;
        if (o.npos) return fail("serve takes no arguments", o.pos[0]);
        return cmd_serve(&o);
    }
    if (!strcmp(verb, "init")) {
        if (parse(argc, argv, 2, " ", &o)) return 2;
        if (o.npos) return fail("init takes no arguments", o.pos[0]);
        Db *db = open_db(o.db, 1);
        if (!db) return 1;
        printf("database ready (schema version %d)\n", db_schema_version(db));
        db_close(db);
        return 0;
    }
    if (!strcmp(verb, "demo")) {
        if (parse(argc, argv, 2, " schools seed ", &o)) return 2;
        if (o.npos) return fail("demo takes no arguments", o.pos[0]);
        int64_t schools = o.schools ? o.schools : 1200;
        if (schools < 1 || schools > 20000) return fail("--schools wants 1 to 20000", NULL);
        Db *db = open_db(o.db, 1);
        if (!db) return 1;
        char err[256];
        int rc = demo_load(db, (int)schools, (uint64_t)(o.seed ? o.seed : 1), err, sizeof err);
        if (!rc) rc = demo_plan(db, (int)schools, (uint64_t)(o.seed ? o.seed : 1), err, sizeof err);
        db_close(db);
        if (rc) {
            fprintf(stderr, "huiju: demo: %s\n", err);
            return 1;
        }
        printf("demo region loaded: %lld schools\n", (long long)schools);
        demo_print_logins(stdout);
        return 0;
    }
    if (!strcmp(verb, "user")) {
        if (argc < 3 || strcmp(argv[2], "add") != 0) return fail("user wants: user add LOGIN", NULL);
        if (parse(argc, argv, 3, " role org name ", &o)) return 2;
        if (o.npos != 1) return fail("user add wants one LOGIN", NULL);
        if (!o.role || !o.org) return fail("user add needs --role and --org", NULL);
        Db *db = open_db(o.db, 1);
        if (!db) return 1;
        int rc = user_cli_add(db, o.pos[0], o.role, o.org, o.name);
        db_close(db);
        return rc;
    }
    if (!strcmp(verb, "check")) {
        if (parse(argc, argv, 2, " ", &o)) return 2;
        if (o.npos) return fail("check takes no arguments", o.pos[0]);
        return cmd_check(&o);
    }
    if (!strcmp(verb, "backup")) {
        if (parse(argc, argv, 2, " ", &o)) return 2;
        if (o.npos != 1) return fail("backup wants one FILE", NULL);
        Db *db = open_db(o.db, 0);
        if (!db) return 1;
        char err[512];
        int rc = db_backup(db, o.db, o.pos[0], err, sizeof err);
        db_close(db);
        if (rc != DB_OK) {
            fprintf(stderr, "huiju: backup: %s\n", err);
            return 1;
        }
        printf("backup written to %s\n", o.pos[0]);
        return 0;
    }
    if (!strcmp(verb, "plan")) {
        if (argc < 3 || strcmp(argv[2], "load") != 0) return fail("plan wants: plan load FILE", NULL);
        if (parse(argc, argv, 3, " ", &o)) return 2;
        if (o.npos != 1) return fail("plan load wants one FILE", NULL);
        Db *db = open_db(o.db, 1);
        if (!db) return 1;
        int rc = plan_cli_load(db, o.pos[0]);
        db_close(db);
        return rc;
    }
    if (!strcmp(verb, "import")) {
        if (argc < 3 || strcmp(argv[2], "datavalues") != 0)
            return fail("import wants: import datavalues FILE [--dry-run]", NULL);
        /* --dry-run (a flag without a value) and "-" (standard input) are taken out
         * before parse(), which knows neither */
        int dry_run = 0, from_stdin = 0, n = 0;
        char **args = calloc((size_t)argc + 1, sizeof *args);
        if (!args) return 1;
        for (int i = 0; i < argc; i++) {
            if (i >= 3 && !strcmp(argv[i], "--dry-run")) dry_run = 1;
            else if (i >= 3 && !strcmp(argv[i], "-")) from_stdin++;
            else args[n++] = argv[i];
        }
        int bad = parse(n, args, 3, " ", &o);
        free(args);
        if (bad) return 2;
        if (o.npos + from_stdin != 1) return fail("import datavalues wants one FILE", NULL);
        if (from_stdin) o.pos[0] = "-";
        Db *db = open_db(o.db, 1);
        if (!db) return 1;
        int rc = import_cli(db, o.pos[0], dry_run);
        db_close(db);
        return rc;
    }
    if (!strcmp(verb, "needs")) {
        if (argc < 3 || strcmp(argv[2], "derive") != 0)
            return fail("needs wants: needs derive --org CODE [--year Y]", NULL);
        /* --year is taken out before parse(), which does not know it */
        const char *year = NULL;
        int n = 0;
        char **args = calloc((size_t)argc + 1, sizeof *args);
        if (!args) return 1;
        for (int i = 0; i < argc; i++) {
            if (i >= 3 && !strcmp(argv[i], "--year") && i + 1 < argc) year = argv[++i];
            else args[n++] = argv[i];
        }
        int bad = parse(n, args, 3, " org ", &o);
        free(args);
        if (bad) return 2;
        if (o.npos) return fail("needs derive takes no arguments", o.pos[0]);
        if (!o.org) return fail("needs derive needs --org CODE", NULL);
        Db *db = open_db(o.db, 1);
        if (!db) return 1;
        int rc = need_cli_derive(db, o.org, year);
        db_close(db);
        return rc;
    }
    if (!strcmp(verb, "match")) {
        /* --scope, --year and --accept-all are taken out before parse() */
        const char *scope = NULL, *year = NULL;
        int accept_all = 0, n = 0;
        char **args = calloc((size_t)argc + 1, sizeof *args);
        if (!args) return 1;
        for (int i = 0; i < argc; i++) {
            if (i >= 2 && !strcmp(argv[i], "--scope") && i + 1 < argc) scope = argv[++i];
            else if (i >= 2 && !strcmp(argv[i], "--year") && i + 1 < argc) year = argv[++i];
            else if (i >= 2 && !strcmp(argv[i], "--accept-all")) accept_all = 1;
            else args[n++] = argv[i];
        }
        int bad = parse(n, args, 2, " ", &o);
        free(args);
        if (bad) return 2;
        if (o.npos) return fail("match takes no arguments", o.pos[0]);
        if (!scope || !year) return fail("match needs --scope CODE --year Y", NULL);
        Db *db = open_db(o.db, 1);
        if (!db) return 1;
        int rc = match_cli(db, scope, year, accept_all);
        db_close(db);
        return rc;
    }
    if (!strcmp(verb, "demo-logins")) {
        demo_print_logins(stdout);
        return 0;
    }
    if (!strcmp(verb, "routes")) return parse(argc, argv, 2, " ", &o) ? 2 : cmd_routes();
    if (!strcmp(verb, "roles")) return parse(argc, argv, 2, " ", &o) ? 2 : cmd_roles();
    return fail("unknown verb", verb);
}
