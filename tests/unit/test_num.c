/*
 * test_num.c — num_parse_ru: the ways Russian Excel and people write numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "util/num.h"

#define NBSP  "\xC2\xA0"
#define NNBSP "\xE2\x80\xAF"

/* Fails the test unless v is want (within rounding). */
static void
check_close(const char *s, double v, double want)
{
	if (fabs(v - want) > 1e-12 * fmax(1, fabs(want)))
		fail_msg("\"%s\" gave %.17g, want %.17g", s, v, want);
}

static void
test_accepted(void **state)
{
	static const struct {
		const char *s;
		double v;
	} ok[] = {
	    {"0", 0},
	    {"42", 42},
	    {"-42", -42},
	    {"+42", 42},
	    {"1234567.89", 1234567.89},
	    {"1234567,89", 1234567.89},
	    {"1 234 567,89", 1234567.89},
	    {"1" NBSP "234" NBSP "567,89", 1234567.89},
	    {"1" NNBSP "234" NNBSP "567.89", 1234567.89},
	    {"-1 234,5", -1234.5},
	    {"12 345", 12345},
	    {"123 456", 123456},
	    {",5", 0.5},
	    {".25", 0.25},
	    {"-,5", -0.5},
	    {"  7,5  ", 7.5},
	    {NBSP "100" NBSP, 100},
	    {"\t3\r\n", 3},
	    {"0001", 1},
	    {"99999999999999999999", 1e20},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		double v = -1;

		if (!num_parse_ru(ok[i].s, &v))
			fail_msg("rejected \"%s\"", ok[i].s);
		check_close(ok[i].s, v, ok[i].v);
	}
}

static void
test_rejected(void **state)
{
	static const char *const bad[] = {
	    "",	   " ",	   "-",	       "+",	    ",",	"abc",	   "12a",  "1e5",
	    "1E5", "0x10", "1,234.56", "1.234.567", "1,2,3",	"5.",	   "5,",   "--5",
	    "+-5", "- 5",  "1  234",   "1 23",	    "1234 567", "12 3456", "1 ,5", "1, 5",
	    "inf", "nan",  "1_000",    "１２",	    "1'000",	"(5)",	   "5-",   "1 234,5 6",
	};
	double v = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (num_parse_ru(bad[i], &v))
			fail_msg("accepted \"%s\"", bad[i]);
	}
	check_close("untouched", v, 7);
}

/* Spaces after the last group are white space around the number, not a separator. */
static void
test_trailing_space_after_groups(void **state)
{
	double v = 0;

	(void)state;
	assert_true(num_parse_ru(" 1 234 ", &v));
	check_close(" 1 234 ", v, 1234);
	assert_true(num_parse_ru("1 234" NBSP, &v));
	check_close("1 234 NBSP", v, 1234);
}

static void
test_length_limit(void **state)
{
	char s[NUM_TEXT_MAX + 2];
	double v;

	(void)state;
	memset(s, '1', NUM_TEXT_MAX);
	s[NUM_TEXT_MAX] = '\0';
	assert_true(num_parse_ru(s, &v));
	s[NUM_TEXT_MAX] = '1';
	s[NUM_TEXT_MAX + 1] = '\0';
	assert_false(num_parse_ru(s, &v));
}

static void
test_negative_zero_and_precision(void **state)
{
	double v;

	(void)state;
	assert_true(num_parse_ru("-0,0", &v));
	assert_true(v == 0);
	assert_true(num_parse_ru("0,1", &v));
	assert_true(v == 0.1);
	assert_true(num_parse_ru("123 456 789,123456", &v));
	assert_true(v == 123456789.123456);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_rejected),
	    cmocka_unit_test(test_trailing_space_after_groups),
	    cmocka_unit_test(test_length_limit),
	    cmocka_unit_test(test_negative_zero_and_precision),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
