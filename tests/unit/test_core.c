/* test_core.c — unit tests of the pure parts: arena, Buf, the HTML writer's
 * escaping, URL coding, text validation, roles and grants, the router's
 * matching, the i18n catalogue, and the audit chain on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "access.h"
#include "audit.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/roles.h"
#include "core/util.h"
#include "db/db.h"
#include "http/router.h"
#include "ui/html.h"
#include "ui/i18n.h"

static void test_arena(void **state)
{
    (void)state;
    Arena *a = arena_new();
    char *s = arena_strdup(a, "喀什地区");
    assert_string_equal(s, "喀什地区");
    char *big = arena_alloc(a, 100000); /* larger than a chunk */
    big[99999] = 'x';
    assert_int_equal(big[0], 0);
    assert_string_equal(arena_printf(a, "%d-%s", 7, "x"), "7-x");
    assert_null(arena_strdup(a, NULL));
    for (int i = 0; i < 1000; i++) assert_non_null(arena_alloc(a, 37));
    arena_free(a);
}

static void test_buf(void **state)
{
    (void)state;
    Buf b;
    buf_init(&b);
    assert_string_equal(b.data, "");
    for (int i = 0; i < 1000; i++) buf_appendf(&b, "%d,", i);
    assert_int_equal(b.len, strlen(b.data));
    assert_true(strncmp(b.data, "0,1,2,", 6) == 0);
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    buf_puts(&b, "abc");
    char *t = buf_take(&b);
    assert_string_equal(t, "abc");
    assert_int_equal(b.len, 0);
    free(t);
    buf_free(&b);
}

static void test_html_escapes_every_argument(void **state)
{
    (void)state;
    Req r = {0};
    r.arena = arena_new();
    buf_init(&r.out);
    hf(&r, "<a href=\"/orgs/%s\" title='%s'>%s</a> %d %lld %zu %5.1f%%", "x\"><script>",
       "it's", "<b>&", -3, (long long)1 << 40, (size_t)9, 2.25);
    assert_string_equal(r.out.data,
                        "<a href=\"/orgs/x&quot;&gt;&lt;script&gt;\" title='it&#39;s'>"
                        "&lt;b&gt;&amp;</a> -3 1099511627776 9   2.2%");
    buf_reset(&r.out);
    h_text(&r, NULL);
    H(&r, "<p>");
    h_text(&r, "a<b");
    assert_string_equal(r.out.data, "<p>a&lt;b");
    buf_free(&r.out);
    arena_free(r.arena);
}

static void test_url_and_text(void **state)
{
    (void)state;
    Arena *a = arena_new();
    assert_string_equal(url_encode(a, "喀什 a&b=c/"), "%E5%96%80%E4%BB%80%20a%26b%3Dc%2F");
    char s[] = "a+b%20c%E5%96%80";
    assert_true(url_decode(s));
    assert_string_equal(s, "a b c喀");
    char bad[] = "%G1";
    assert_false(url_decode(bad));
    assert_true(valid_text("疏附县第一小学", 100));
    assert_false(valid_text("a\x01z", 100));
    assert_false(valid_text("\xc3\x28", 100)); /* broken UTF-8 */
    assert_false(valid_text("\xed\xa0\x80", 100)); /* a surrogate */
    assert_false(valid_text("abcdef", 5));
    assert_true(valid_code("6531210001"));
    assert_false(valid_code("65_31"));
    assert_false(valid_code("6"));
    assert_true(valid_login("team-lead"));
    assert_false(valid_login("-x"));
    assert_false(valid_login("Admin"));
    int64_t v;
    assert_true(parse_int("500", 1, 500, &v));
    assert_int_equal(v, 500);
    assert_false(parse_int("501", 1, 500, &v));
    assert_false(parse_int("12x", 1, 500, &v));
    assert_false(parse_int(" 1", 1, 500, &v));
    assert_false(parse_int("", 1, 500, &v));
    char t1[65], t2[65];
    random_token(t1);
    random_token(t2);
    assert_int_equal(strlen(t1), 64);
    assert_string_not_equal(t1, t2);
    arena_free(a);
}

static void test_roles(void **state)
{
    (void)state;
    for (int r = 1; r < ROLE_COUNT; r++) {
        assert_int_equal(role_from_name(role_name((Role)r)), r);
        assert_true(role_caps((Role)r) & CAPBIT(CAP_LOGIN));
    }
    assert_int_equal(role_from_name("root"), ROLE_NONE);
    assert_true(role_may_grant(ROLE_COUNTY_OFFICIAL, ROLE_SCHOOL_LEADER));
    assert_true(role_may_grant(ROLE_COUNTY_OFFICIAL, ROLE_COUNTY_OFFICIAL));
    assert_false(role_may_grant(ROLE_COUNTY_OFFICIAL, ROLE_PREFECTURE_OFFICIAL));
    assert_false(role_may_grant(ROLE_COUNTY_OFFICIAL, ROLE_REGION_ADMIN));
    assert_false(role_may_grant(ROLE_COUNTY_OFFICIAL, ROLE_AUDITOR)); /* audit.read is not theirs */
    assert_true(role_may_grant(ROLE_SCHOOL_LEADER, ROLE_LIAISON_OFFICER));
    assert_false(role_may_grant(ROLE_SCHOOL_LEADER, ROLE_COUNTY_OFFICIAL));
    assert_false(role_may_grant(ROLE_PARENT, ROLE_PARENT)); /* no user.write */
    assert_true(role_may_grant(ROLE_REGION_ADMIN, ROLE_AUDITOR));
    assert_true(role_fits_kind(ROLE_COUNTY_OFFICIAL, "county"));
    assert_false(role_fits_kind(ROLE_COUNTY_OFFICIAL, "school"));
    assert_true(role_fits_kind(ROLE_VOLUNTEER, "partner"));
    assert_int_equal(cap_from_name("org.read"), CAP_ORG_READ);
    assert_int_equal(cap_from_name("nope"), CAP_NONE);
}

static void test_can_checks_subtree(void **state)
{
    (void)state;
    Grant g[2] = {{.role = ROLE_COUNTY_OFFICIAL, .org_path = "/650000/653100/653121/"},
                  {.role = ROLE_PARENT, .org_path = "/650000/653200/653221/6532210001/"}};
    Req r = {0};
    r.auth.grants = g;
    r.auth.ngrants = 2;
    assert_true(can(&r, CAP_ORG_READ, "/650000/653100/653121/6531210001/"));
    assert_true(can(&r, CAP_ORG_WRITE, "/650000/653100/653121/"));
    assert_false(can(&r, CAP_ORG_READ, "/650000/653100/"));
    assert_false(can(&r, CAP_ORG_READ, "/650000/653100/6531210/")); /* a prefix but not a subtree */
    assert_false(can(&r, CAP_ORG_READ, "/650000/653200/653221/6532210001/")); /* parents lack it */
    assert_true(can_grant(&r, ROLE_SCHOOL_LEADER, "/650000/653100/653121/6531210001/"));
    assert_false(can_grant(&r, ROLE_SCHOOL_LEADER, "/650000/653200/653221/6532210001/"));
    assert_false(can_grant(&r, ROLE_AUDITOR, "/650000/653100/653121/"));
}

static void test_router(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(router_check(err, sizeof err), 0);
    for (int i = 0; i < n_routes; i++) assert_true(routes[i].cap > CAP_NONE);
    Req r = {0};
    r.arena = arena_new();
    int other = 0;
    const Route *rt = router_match(&r, "GET", "/api/v1/orgs/653121", &other);
    assert_non_null(rt);
    assert_string_equal(rt->pattern, "/api/v1/orgs/{code}");
    assert_string_equal(req_param(&r, "code"), "653121");
    rt = router_match(&r, "GET", "/dashboard/653121.xlsx", &other);
    assert_non_null(rt);
    assert_string_equal(rt->pattern, "/dashboard/{code}.xlsx");
    assert_string_equal(req_param(&r, "code"), "653121");
    rt = router_match(&r, "GET", "/dashboard/653121", &other);
    assert_string_equal(rt->pattern, "/dashboard/{code}");
    rt = router_match(&r, "GET", "/dashboard/.xlsx", &other); /* no code before the suffix */
    assert_string_equal(rt->pattern, "/dashboard/{code}");
    rt = router_match(&r, "GET", "/orgs/new", &other);
    assert_string_equal(rt->pattern, "/orgs/new");
    assert_null(router_match(&r, "DELETE", "/api/v1/orgs/653121", &other));
    assert_true(other);
    assert_null(router_match(&r, "GET", "/api/v1/orgs/a/b", &other)); /* one segment only */
    assert_null(router_match(&r, "GET", "/api/v1/orgs/", &other));
    assert_null(router_match(&r, "GET", "/nowhere", &other));
    assert_false(other);
    r.nparam = 0;
    arena_free(r.arena);
}

static void test_i18n(void **state)
{
    (void)state;
    assert_string_equal(i18n_get("zh", "Huiju"), "惠聚");
    assert_string_equal(i18n_get("en", "Huiju"), "Huiju");
    assert_string_equal(i18n_get("zh", "no such message id"), "no such message id");
    assert_string_equal(i18n_get("zh", "Organisations"), "组织机构");
    assert_string_equal(i18n_norm("en-US"), "en");
    assert_string_equal(i18n_norm("zh-Hans-CN"), "zh");
    assert_null(i18n_norm("ug"));
}

/* The chain on a real database: intact, then each kind of tampering found. */
static void test_audit_chain(void **state)
{
    (void)state;
    char path[] = "/tmp/huiju-audit-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[256];
    Db *db = db_open(path, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(db_migrate(db, err, sizeof err), DB_OK);
    json_t *after = json_pack("{s:s}", "name_zh", "疏附县");
    assert_int_equal(db_begin(db), DB_OK);
    for (int i = 0; i < 5; i++)
        assert_int_equal(audit_log(db, "tester", "org.update", "org", "653121", "/650000/",
                                   i ? after : NULL, after),
                         DB_OK);
    assert_int_equal(db_commit(db), DB_OK);
    int64_t n = 0;
    assert_int_equal(audit_verify(db, &n, err, sizeof err), 0);
    assert_int_equal(n, 5);
    /* a rolled-back write leaves no record and no gap */
    assert_int_equal(db_begin(db), DB_OK);
    assert_int_equal(audit_log(db, "tester", "x", "org", "1", "", NULL, NULL), DB_OK);
    db_rollback(db);
    assert_int_equal(audit_verify(db, &n, err, sizeof err), 0);
    assert_int_equal(n, 5);
    /* the table refuses changes */
    assert_int_not_equal(db_exec(db, "UPDATE audit SET actor = 'x' WHERE seq = 3"), DB_OK);
    assert_int_not_equal(db_exec(db, "DELETE FROM audit WHERE seq = 5"), DB_OK);
    /* past the trigger, a changed record is named */
    assert_int_equal(db_exec(db, "DROP TRIGGER audit_no_update"), DB_OK);
    assert_int_equal(db_exec(db, "UPDATE audit SET actor = 'mallory' WHERE seq = 3"), DB_OK);
    assert_int_equal(audit_verify(db, &n, err, sizeof err), 1);
    assert_non_null(strstr(err, "audit record 3"));
    assert_int_equal(db_exec(db, "UPDATE audit SET actor = 'tester' WHERE seq = 3"), DB_OK);
    assert_int_equal(audit_verify(db, &n, err, sizeof err), 0);
    /* a removed newest record is noticed through the head */
    assert_int_equal(db_exec(db, "DROP TRIGGER audit_no_delete"), DB_OK);
    assert_int_equal(db_exec(db, "DELETE FROM audit WHERE seq = 5"), DB_OK);
    assert_int_equal(audit_verify(db, &n, err, sizeof err), 1);
    assert_non_null(strstr(err, "audit record 5"));
    json_decref(after);
    db_close(db);
    unlink(path);
    char side[300];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_html_escapes_every_argument),
        cmocka_unit_test(test_url_and_text),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_can_checks_subtree),
        cmocka_unit_test(test_router),
        cmocka_unit_test(test_i18n),
        cmocka_unit_test(test_audit_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
