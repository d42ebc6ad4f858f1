/*
 * test_inn.c — INN validation: real numbers, check digits, lengths, reasons.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/inn.h"

static void
test_known_valid(void **state)
{
	static const char *const valid[] = {
	    "7707083893",   /* Sberbank */
	    "7736207543",   /* Yandex */
	    "7830002293",   /* a 10-digit legal entity */
	    "500100732259", /* an individual */
	    "773370857141", /* an individual */
	};
	char why[64] = "";

	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		assert_true(inn_valid(valid[i], why, sizeof(why)));
		assert_true(inn_valid(valid[i], NULL, 0));
	}
	assert_string_equal(why, "");
}

/* Every other value of a check digit is refused. */
static void
test_wrong_check_digit(void **state)
{
	static const char *const valid[] = {"7707083893", "500100732259"};
	char s[16], why[64];

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(valid[i]);

		for (size_t pos = n - (n == 12 ? 2 : 1); pos < n; pos++) {
			for (char d = '0'; d <= '9'; d++) {
				strcpy(s, valid[i]);
				if (s[pos] == d)
					continue;
				s[pos] = d;
				assert_false(inn_valid(s, why, sizeof(why)));
				assert_string_equal(why, "check digit does not match");
			}
		}
	}
}

static void
test_body_typo(void **state)
{
	char why[64];

	(void)state;
	assert_false(inn_valid("7707083983", why, sizeof(why))); /* two digits swapped */
	assert_string_equal(why, "check digit does not match");
	assert_false(inn_valid("500100723259", why, sizeof(why)));
	assert_string_equal(why, "check digit does not match");
}

static void
test_lengths(void **state)
{
	static const char *const bad[] = {
	    "", "770708389", "77070838931", "5001007322591", "7707083893 ", " 7707083893"};
	char why[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(inn_valid(bad[i], why, sizeof(why)));
		assert_string_equal(why, "must be 10 or 12 digits");
	}
	assert_false(inn_valid(NULL, why, sizeof(why)));
	assert_string_equal(why, "must be 10 or 12 digits");
}

static void
test_non_digits(void **state)
{
	char why[64];

	(void)state;
	assert_false(inn_valid("77070838a3", why, sizeof(why)));
	assert_string_equal(why, "must contain only digits");
	assert_false(inn_valid("-707083893", why, sizeof(why)));
	assert_string_equal(why, "must contain only digits");
	assert_false(inn_valid("７707083893", why, sizeof(why))); /* fullwidth digit: 12 bytes */
	assert_string_equal(why, "must contain only digits");
}

static void
test_region_zero(void **state)
{
	char why[64];

	(void)state;
	assert_false(inn_valid("0000000000", why, sizeof(why)));
	assert_string_equal(why, "region code 00 does not exist");
	assert_false(inn_valid("000000000000", why, sizeof(why)));
	assert_string_equal(why, "region code 00 does not exist");
}

static void
test_reason_truncated(void **state)
{
	char why[6];

	(void)state;
	assert_false(inn_valid("123", why, sizeof(why)));
	assert_string_equal(why, "must ");
	assert_false(inn_valid("123", why, 0)); /* no room: nothing written */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_valid),	     cmocka_unit_test(test_wrong_check_digit),
	    cmocka_unit_test(test_body_typo),	     cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_non_digits),	     cmocka_unit_test(test_region_zero),
	    cmocka_unit_test(test_reason_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
