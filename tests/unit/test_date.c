/*
 * test_date.c — calendar dates in both notations, leap years, timestamps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"
#include "util/date.h"

static void
test_parse_accepted(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
	    {"2026-11-27", "2026-11-27"}, {"27.11.2026", "2026-11-27"},
	    {"1.2.2024", "2024-02-01"},	  {"01.2.2024", "2024-02-01"},
	    {"1.02.2024", "2024-02-01"},  {"2024-02-29", "2024-02-29"},
	    {"29.02.2024", "2024-02-29"}, {"2000-02-29", "2000-02-29"},
	    {"31.12.9999", "9999-12-31"}, {"0001-01-01", "0001-01-01"},
	    {"30.04.2025", "2025-04-30"}, {"31.01.2025", "2025-01-31"},
	};
	char out[DATE_TEXT_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!date_parse(ok[i].in, out))
			fail_msg("rejected \"%s\"", ok[i].in);
		assert_string_equal(out, ok[i].out);
	}
}

static void
test_parse_rejected(void **state)
{
	static const char *const bad[] = {
	    "",
	    "2024",
	    "2024-02-30",
	    "2023-02-29",
	    "1900-02-29",
	    "2100-02-29",
	    "2024-13-01",
	    "2024-00-10",
	    "2024-01-00",
	    "2024-04-31",
	    "0000-01-01",
	    "2024-1-01",
	    "2024-01-1",
	    " 2024-01-01",
	    "2024-01-01 ",
	    "2024-01-01T00:00:00Z",
	    "2024/01/01",
	    "32.01.2024",
	    "00.01.2024",
	    "01.00.2024",
	    "01.13.2024",
	    "31.04.2024",
	    "29.02.2023",
	    "01.01.24",
	    "01.01.02024",
	    "001.01.2024",
	    "01.001.2024",
	    "1..2024",
	    ".1.2024",
	    "01.01.2024.",
	    "01/01/2024",
	    "a1.01.2024",
	    "01.01.2O24",
	    "+1.01.2024",
	    "-1-01-01",
	    "2024-0a-01",
	    "27.11.2026 0:00:00",
	};
	char out[DATE_TEXT_SIZE] = "untouched!";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (date_parse(bad[i], out))
			fail_msg("accepted \"%s\"", bad[i]);
	assert_false(date_parse(NULL, out));
	assert_string_equal(out, "untouched!");
}

static void
test_valid_is_canonical_only(void **state)
{
	(void)state;
	assert_true(date_valid("2024-02-29"));
	assert_true(date_valid("1999-12-31"));
	assert_false(date_valid("2023-02-29"));
	assert_false(date_valid("29.02.2024"));
	assert_false(date_valid("2024-2-29"));
	assert_false(date_valid(NULL));
	assert_false(date_valid(""));
}

static void
test_every_day_of_a_leap_and_common_year(void **state)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	char s[48];

	(void)state;
	for (int y = 2023; y <= 2024; y++) {
		for (int m = 1; m <= 12; m++) {
			int last = mdays[m - 1] + (m == 2 && y == 2024);

			for (int d = 1; d <= 31; d++) {
				snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, d);
				assert_int_equal(date_valid(s), d <= last);
			}
		}
	}
}

static void
test_now(void **state)
{
	char out[CLOCK_TEXT_MAX];
	struct tm tm = {0};
	time_t before = time(NULL), after, t;
	const char *end;

	(void)state;
	clock_now_plus(0, out);
	after = time(NULL);
	assert_int_equal(strlen(out), 20);
	assert_int_equal(out[10], 'T');
	assert_int_equal(out[19], 'Z');
	end = strptime(out, "%Y-%m-%dT%H:%M:%SZ", &tm);
	assert_non_null(end);
	assert_int_equal(*end, '\0');
	t = timegm(&tm);
	assert_true(t >= before && t <= after);
	out[10] = '\0';
	assert_true(date_valid(out));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_accepted),
	    cmocka_unit_test(test_parse_rejected),
	    cmocka_unit_test(test_valid_is_canonical_only),
	    cmocka_unit_test(test_every_day_of_a_leap_and_common_year),
	    cmocka_unit_test(test_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
