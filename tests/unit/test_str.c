/*
 * test_str.c — UTF-8 validation, search folding, trimming, integer parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/str.h"

#define VALID(s)   assert_true(utf8_valid(s, sizeof(s) - 1))
#define INVALID(s) assert_false(utf8_valid(s, sizeof(s) - 1))

static void
test_utf8_valid(void **state)
{
	(void)state;
	VALID("");
	VALID("plain ascii");
	VALID("Привет, Ёжик");
	VALID("\xC2\x80");	   /* U+0080, smallest two-byte */
	VALID("\xDF\xBF");	   /* U+07FF */
	VALID("\xE0\xA0\x80");	   /* U+0800 */
	VALID("\xED\x9F\xBF");	   /* U+D7FF, just below the surrogates */
	VALID("\xEE\x80\x80");	   /* U+E000, just above */
	VALID("\xEF\xBF\xBF");	   /* U+FFFF */
	VALID("\xF0\x90\x80\x80"); /* U+10000 */
	VALID("\xF0\x9F\x98\x80"); /* an emoji */
	VALID("\xF4\x8F\xBF\xBF"); /* U+10FFFF */
}

static void
test_utf8_invalid(void **state)
{
	(void)state;
	INVALID("\xC0\x80");	     /* overlong NUL */
	INVALID("\xC1\xBF");	     /* overlong two-byte */
	INVALID("\xE0\x80\x80");     /* overlong three-byte */
	INVALID("\xE0\x9F\xBF");     /* overlong U+07FF */
	INVALID("\xF0\x80\x80\x80"); /* overlong four-byte */
	INVALID("\xF0\x8F\xBF\xBF"); /* overlong U+FFFF */
	INVALID("\xED\xA0\x80");     /* U+D800 surrogate */
	INVALID("\xED\xBF\xBF");     /* U+DFFF surrogate */
	INVALID("\xF4\x90\x80\x80"); /* U+110000 */
	INVALID("\xF5\x80\x80\x80"); /* lead byte past the range */
	INVALID("\xFF");
	INVALID("\x80"); /* stray continuation */
	INVALID("a\xBF");
	INVALID("\xD0");	 /* truncated two-byte */
	INVALID("\xE2\x82");	 /* truncated three-byte */
	INVALID("\xF0\x9F\x98"); /* truncated four-byte */
	INVALID("\xD0\x41");	 /* continuation missing */
	INVALID("\xE2\x28\xA1");
	INVALID("ab\0cd");		     /* NUL is refused */
	INVALID("\xCF\xF0\xE8\xE2\xE5\xF2"); /* "Привет" in Windows-1251 */
}

/* A valid sequence cut anywhere is invalid: the length is respected. */
static void
test_utf8_truncation_by_length(void **state)
{
	const char *s = "Ж\xF0\x9F\x98\x80";

	(void)state;
	assert_true(utf8_valid(s, 6));
	assert_false(utf8_valid(s, 1));
	assert_true(utf8_valid(s, 2));
	for (size_t n = 3; n < 6; n++)
		assert_false(utf8_valid(s, n));
}

static void
test_utf8_length(void **state)
{
	(void)state;
	assert_int_equal(utf8_length("", 0), 0);
	assert_int_equal(utf8_length("abc", 3), 3);
	assert_int_equal(utf8_length("Ёжик", strlen("Ёжик")), 4);
	assert_int_equal(utf8_length("a\xF0\x9F\x98\x80z", 6), 3);
}

static void
test_fold(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a, 0);
	assert_string_equal(str_fold(&a, "ООО РОМАШКА"), "ооо ромашка");
	assert_string_equal(str_fold(&a, "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"),
			    "абвгдежзийклмнопрстуфхцчшщъыьэюя");
	assert_string_equal(str_fold(&a, "Hello World"), "hello world");
	assert_string_equal(str_fold(&a, "ÀÉÎÕÜ×"), "àéîõü×"); /* × (U+00D7) is not a letter */
	assert_string_equal(str_fold(&a, "ЃЄЅІЇЈЉЊЋЌЎЏ"), "ѓєѕіїјљњћќўџ");
	assert_string_equal(str_fold(&a, "ёлка"), "елка");
	assert_string_equal(str_fold(&a, "Ёлка"), "елка");
	assert_string_equal(str_fold(&a, "ЁЛКА"), str_fold(&a, "ёлка"));
	assert_string_equal(str_fold(&a, "数字 ✓ \xF0\x9F\x98\x80"), "数字 ✓ \xF0\x9F\x98\x80");
	assert_string_equal(str_fold(&a, ""), "");
	arena_free(&a);
}

/* Malformed input must not be read past its end. */
static void
test_fold_malformed_tail(void **state)
{
	struct arena a;
	char *s;

	(void)state;
	arena_init(&a, 0);
	s = str_fold(&a, "AB\xD0");
	assert_non_null(s);
	assert_int_equal(strlen(s), 3);
	assert_memory_equal(s, "ab\xD0", 3);
	s = str_fold(&a, "\xF0\x9F");
	assert_non_null(s);
	assert_int_equal(strlen(s), 2);
	arena_free(&a);
}

static void
test_trim(void **state)
{
	const char *s = "  \t hello world \r\n";
	const char *p;
	size_t len;

	(void)state;
	p = str_trim(s, strlen(s), &len);
	assert_int_equal(len, 11);
	assert_memory_equal(p, "hello world", 11);
	p = str_trim("   ", 3, &len);
	assert_int_equal(len, 0);
	p = str_trim("x", 1, &len);
	assert_int_equal(len, 1);
	assert_int_equal(*p, 'x');
}

static void
test_ieq(void **state)
{
	(void)state;
	assert_true(str_ieq("Name", "nAME"));
	assert_true(str_ieq("", ""));
	assert_false(str_ieq("name", "names"));
	assert_false(str_ieq("names", "name"));
	assert_false(str_ieq("abc", "abd"));
}

static void
test_to_i64(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_true(str_to_i64("0", &v));
	assert_int_equal(v, 0);
	assert_true(str_to_i64("-42", &v));
	assert_int_equal(v, -42);
	assert_true(str_to_i64("9223372036854775807", &v));
	assert_true(v == INT64_MAX);
	assert_true(str_to_i64("-9223372036854775808", &v));
	assert_true(v == INT64_MIN);
	v = 5;
	assert_false(str_to_i64("9223372036854775808", &v));
	assert_false(str_to_i64("", &v));
	assert_false(str_to_i64(NULL, &v));
	assert_false(str_to_i64(" 1", &v));
	assert_false(str_to_i64("1 ", &v));
	assert_false(str_to_i64("1.5", &v));
	assert_false(str_to_i64("12abc", &v));
	assert_int_equal(v, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_utf8_invalid),
	    cmocka_unit_test(test_utf8_truncation_by_length),
	    cmocka_unit_test(test_utf8_length),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_fold_malformed_tail),
	    cmocka_unit_test(test_trim),
	    cmocka_unit_test(test_ieq),
	    cmocka_unit_test(test_to_i64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
