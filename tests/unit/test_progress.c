/* test_progress.c — unit tests of the progress module's pure logic (progress.h):
 * quarters and their days, a milestone's state, figures as JSON and as typed in
 * the form, day numbers and dates in Asia/Shanghai, and which statuses allow what. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "progress.h"

static void test_quarters(void **state)
{
    (void)state;
    char first[11], last[11];
    assert_true(progress_quarter_ok("2026Q3", first, last));
    assert_string_equal(first, "2026-07-01");
    assert_string_equal(last, "2026-09-30");
    assert_true(progress_quarter_ok("2028Q1", first, last));
    assert_string_equal(last, "2028-03-31");
    assert_true(progress_quarter_ok("2025Q4", first, last));
    assert_string_equal(first, "2025-10-01");
    assert_string_equal(last, "2025-12-31");
    assert_true(progress_quarter_ok("2024Q2", first, last));
    assert_string_equal(last, "2024-06-30");
    for (const char *const *q =
             (const char *const[]){"2026Q5", "2026Q0", "2026q3", "2026-07", "2026", "26Q3",
                                   "2026Q3 ", "1999Q4", "", NULL};
         *q; q++)
        assert_false(progress_quarter_ok(*q, first, last));
    assert_false(progress_quarter_ok(NULL, first, last));
}

static void test_milestone_state(void **state)
{
    (void)state;
    Milestone m = {.due_date = "2026-09-30"};
    assert_string_equal(milestone_state(&m, "2026-09-30"), "due"); /* due today is not late */
    assert_string_equal(milestone_state(&m, "2026-10-01"), "late");
    assert_string_equal(milestone_state(&m, "2026-01-01"), "due");
    m.done_on = "2026-10-05";
    assert_string_equal(milestone_state(&m, "2027-01-01"), "done");
}

static void test_figures_ok(void **state)
{
    (void)state;
    const char *why = NULL;
    json_t *f = json_pack("{s:i,s:f}", "参训教师", 12, "课时", 8.5);
    assert_true(progress_figures_ok(f, &why));
    json_decref(f);
    f = json_object();
    assert_true(progress_figures_ok(f, &why)); /* none is fine */
    for (int i = 0; i < 20; i++) {
        char k[16];
        snprintf(k, sizeof k, "f%d", i);
        json_object_set_new(f, k, json_integer(i));
    }
    assert_true(progress_figures_ok(f, &why));
    json_object_set_new(f, "one more", json_integer(1));
    assert_false(progress_figures_ok(f, &why));
    json_decref(f);
    /* 40 characters is the limit, counted as characters, not bytes */
    char name[4 * 41 + 1] = "";
    for (int i = 0; i < 40; i++)
        strcat(name, "名");
    f = json_object();
    json_object_set_new(f, name, json_integer(1));
    assert_true(progress_figures_ok(f, &why));
    json_decref(f);
    strcat(name, "名");
    f = json_object();
    json_object_set_new(f, name, json_integer(1));
    assert_false(progress_figures_ok(f, &why));
    json_decref(f);
    f = json_pack("{s:s}", "教师", "12");
    assert_false(progress_figures_ok(f, &why));
    json_decref(f);
    f = json_pack("{s:i}", "  ", 1);
    assert_false(progress_figures_ok(f, &why));
    json_decref(f);
    f = json_pack("{s:i}", "line\nbreak", 1);
    assert_false(progress_figures_ok(f, &why));
    json_decref(f);
    f = json_pack("[i]", 1);
    assert_false(progress_figures_ok(f, &why));
    json_decref(f);
}

static void test_figures_parse(void **state)
{
    (void)state;
    Req r = {.arena = arena_new(), .lang = "en"};
    json_t *out = NULL;
    const char *why = NULL;
    assert_true(progress_figures_parse(&r, "参训教师: 15\r\n\n送教课时 = 6.5\n受益学生：200\n",
                                       &out, &why));
    assert_int_equal(json_object_size(out), 3);
    assert_int_equal(json_integer_value(json_object_get(out, "参训教师")), 15);
    assert_true(json_real_value(json_object_get(out, "送教课时")) == 6.5);
    assert_int_equal(json_integer_value(json_object_get(out, "受益学生")), 200);
    json_decref(out);
    assert_true(progress_figures_parse(&r, "", &out, &why));
    assert_int_equal(json_object_size(out), 0);
    json_decref(out);
    assert_true(progress_figures_parse(&r, NULL, &out, &why));
    json_decref(out);
    /* each refusal names its line */
    assert_false(progress_figures_parse(&r, "a: 1\nb 2\n", &out, &why));
    assert_null(out);
    assert_non_null(strstr(why, "line 2"));
    assert_false(progress_figures_parse(&r, "a: x", &out, &why));
    assert_non_null(strstr(why, "line 1"));
    assert_false(progress_figures_parse(&r, "a: 1\na: 2", &out, &why));
    assert_non_null(strstr(why, "line 2"));
    assert_false(progress_figures_parse(&r, ": 5", &out, &why));
    assert_false(progress_figures_parse(&r, "a: 1e999", &out, &why));
    char many[400] = "";
    for (int i = 0; i < 21; i++) {
        char l[16];
        snprintf(l, sizeof l, "f%d: %d\n", i, i);
        strcat(many, l);
    }
    assert_false(progress_figures_parse(&r, many, &out, &why));
    assert_non_null(strstr(why, "line 21"));
    arena_free(r.arena);
}

static void test_days(void **state)
{
    (void)state;
    assert_int_equal(progress_day_number("1970-01-01"), 0);
    assert_int_equal(progress_day_number("2000-03-01"), 11017);
    assert_int_equal(progress_day_number("2026-01-01") - progress_day_number("2025-01-01"), 365);
    assert_int_equal(progress_day_number("2024-03-01") - progress_day_number("2024-02-28"), 2);
    char d[11];
    progress_date_of(1767196800, d); /* 2025-12-31 16:00 UTC is New Year in Beijing time */
    assert_string_equal(d, "2026-01-01");
    progress_date_of(1767196799, d);
    assert_string_equal(d, "2025-12-31");
}

static void test_statuses(void **state)
{
    (void)state;
    assert_true(progress_milestones_open("approved"));
    assert_true(progress_milestones_open("in_progress"));
    assert_true(progress_milestones_open("suspended"));
    assert_false(progress_milestones_open("draft"));
    assert_false(progress_milestones_open("completed"));
    assert_false(progress_reports_open("approved"));
    assert_true(progress_reports_open("in_progress"));
    assert_true(progress_reports_open("suspended"));
    assert_false(progress_reports_open("completed"));
    assert_true(progress_files_open("completed"));
    assert_false(progress_files_open("accepted"));
    assert_false(progress_files_open(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quarters),   cmocka_unit_test(test_milestone_state),
        cmocka_unit_test(test_figures_ok), cmocka_unit_test(test_figures_parse),
        cmocka_unit_test(test_days),       cmocka_unit_test(test_statuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
