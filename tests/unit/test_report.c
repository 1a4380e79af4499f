/* test_report.c — unit tests of the report tables (report.c) shared by the
 * portrait and the dashboards: number formatting, units, the direction of a
 * gap, and the HTML a table writes (escaped, with the hooks charts.js reads). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "report.h"

static void test_fmt_num(void **state)
{
    (void)state;
    Arena *a = arena_new();
    assert_string_equal(fmt_num(a, 12.345, 1), "12.3");
    assert_string_equal(fmt_num(a, 9999, 0), "9999");
    assert_string_equal(fmt_num(a, 416666667, 0), "416,666,667");
    assert_string_equal(fmt_num(a, -12345.67, 1), "-12,345.7");
    assert_string_equal(fmt_num(a, 100000, 2), "100,000.00");
    assert_string_equal(fmt_num(a, -0.01, 1), "0.0"); /* never "-0.0" */
    assert_string_equal(fmt_num(a, 0.0 / 0.0, 1), "—");
    arena_free(a);
}

static void test_units_and_direction(void **state)
{
    (void)state;
    assert_int_equal(unit_decimals("%"), 1);
    assert_int_equal(unit_decimals("points"), 1);
    assert_int_equal(unit_decimals("people"), 0);
    /* above what was expected: good for "up" and "min", bad for "down" and "max" */
    assert_true(diff_is_good("up", 2));
    assert_true(diff_is_good("min", 0));
    assert_false(diff_is_good("up", -0.5));
    assert_true(diff_is_good("down", -3));
    assert_false(diff_is_good("down", 1));
    assert_false(diff_is_good("max", 0.2));
}

static void test_table_html(void **state)
{
    (void)state;
    Req r = {0};
    r.arena = arena_new();
    r.lang = "en";
    buf_init(&r.out);
    Table *t = table_new(r.arena, "hist-x", "A <b>title</b>", 2, "Year", "Rate");
    for (int i = 0; i < 20; i++) { /* grows past the first allocation */
        Cell *c = table_row(r.arena, t);
        cell_text(&c[0], arena_printf(r.arena, "%d", 2000 + i));
        cell_num(&c[1], i * 1.5, 1, "%");
        c[1].x = c[0].text;
        c[1].series = "S\"1";
    }
    Cell *last = table_row(r.arena, t);
    cell_text(&last[0], "2020");
    assert_int_equal(t->nrows, 21);
    assert_string_equal(t->cells[19 * 2].text, "2019");
    t->chart = "line";
    t->unit = "%";
    t->has_mark = 1;
    t->mark = 15;
    table_html(&r, t);
    const char *h = r.out.data;
    assert_non_null(strstr(h, "<figure class=chart data-chart=\"line\""));
    assert_non_null(strstr(h, "A &lt;b&gt;title&lt;/b&gt;"));
    assert_null(strstr(h, "<b>title"));
    assert_non_null(strstr(h, "data-x=\"2003\" data-s=\"S&quot;1\" data-v=\"4.5\">4.5%</td>"));
    assert_non_null(strstr(h, "data-mark=\"15\""));
    assert_non_null(strstr(h, "class=chart-box"));
    assert_non_null(strstr(h, " hidden>"));
    /* an empty cell says so */
    assert_non_null(strstr(h, "<span class=nodata>—</span>"));
    buf_free(&r.out);
    arena_free(r.arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_num),
        cmocka_unit_test(test_units_and_direction),
        cmocka_unit_test(test_table_html),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
