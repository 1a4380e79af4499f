/* test_need.c — unit tests of the needs' pure logic (need.h): the status
 * transitions, the list of next statuses, and the date check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "need.h"

static void test_transitions(void **state)
{
    (void)state;
    /* the legal path of a derived need, and of a filed one */
    assert_true(need_status_allowed("proposed", "open"));
    assert_true(need_status_allowed("proposed", "dismissed"));
    assert_true(need_status_allowed("open", "matched"));
    assert_true(need_status_allowed("matched", "in_progress"));
    assert_true(need_status_allowed("in_progress", "met"));
    /* closed at any point after a person has confirmed the need */
    assert_true(need_status_allowed("open", "closed"));
    assert_true(need_status_allowed("matched", "closed"));
    assert_true(need_status_allowed("in_progress", "closed"));
    /* a match that fell through goes back to open */
    assert_true(need_status_allowed("matched", "open"));
    /* nothing skips a step, nothing leaves a final status, nothing goes nowhere */
    assert_false(need_status_allowed("open", "met"));
    assert_false(need_status_allowed("proposed", "matched"));
    assert_false(need_status_allowed("open", "dismissed"));
    assert_false(need_status_allowed("open", "proposed"));
    assert_false(need_status_allowed("in_progress", "open"));
    for (const char *const *f = (const char *const[]){"met", "closed", "dismissed", NULL}; *f; f++)
        for (const char *const *t = need_statuses; *t; t++)
            assert_false(need_status_allowed(*f, *t));
    for (const char *const *s = need_statuses; *s; s++)
        assert_false(need_status_allowed(*s, *s));
    assert_false(need_status_allowed("open", "nonsense"));
    assert_false(need_status_allowed("nonsense", "open"));
    assert_false(need_status_allowed(NULL, "open"));
    assert_false(need_status_allowed("open", NULL));
}

static void test_next_statuses(void **state)
{
    (void)state;
    const char *next[8];
    int n = need_next_statuses("proposed", next, 8);
    assert_int_equal(n, 2);
    assert_string_equal(next[0], "open");
    assert_string_equal(next[1], "dismissed");
    n = need_next_statuses("matched", next, 8);
    assert_int_equal(n, 3);
    assert_string_equal(next[0], "open");
    assert_string_equal(next[1], "in_progress");
    assert_string_equal(next[2], "closed");
    assert_int_equal(need_next_statuses("met", next, 8), 0);
    assert_int_equal(need_next_statuses("matched", next, 1), 1); /* never past max */
    /* every status and category the schema knows */
    assert_true(need_status_ok("in_progress"));
    assert_false(need_status_ok("done"));
    assert_true(need_category_ok("parent_education"));
    assert_false(need_category_ok("Teachers"));
    assert_false(need_category_ok(NULL));
}

static void test_dates(void **state)
{
    (void)state;
    assert_true(need_date_ok("2026-09-01"));
    assert_true(need_date_ok("2028-02-29"));  /* leap year */
    assert_true(need_date_ok("2000-02-29"));  /* divisible by 400 */
    assert_false(need_date_ok("2100-02-29")); /* divisible by 100 only */
    assert_false(need_date_ok("2026-02-29"));
    assert_false(need_date_ok("2026-04-31"));
    assert_false(need_date_ok("2026-13-01"));
    assert_false(need_date_ok("2026-00-10"));
    assert_false(need_date_ok("2026-1-01"));
    assert_false(need_date_ok("2026/09/01"));
    assert_false(need_date_ok("2026-09-01x"));
    assert_false(need_date_ok("1999-12-31"));
    assert_false(need_date_ok(""));
    assert_false(need_date_ok(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_next_statuses),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
