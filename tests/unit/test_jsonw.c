/*
 * test_jsonw.c — the JSON writer of list answers: every string it writes
 * parses back (with jansson) to exactly the string given, whatever mix of
 * quotes, backslashes, control bytes and UTF-8 it holds and wherever they
 * fall relative to the eight-byte fast path; numbers round-trip too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "api/jsonw.h"

/* Writes s with jsonw_str and asserts that the text parses back to s. */
static void
round_trip(const char *s)
{
	struct jsonw w;
	json_t *j;
	json_error_t err;

	jsonw_init(&w, 1u << 20);
	jsonw_str(&w, s);
	j = json_loadb(w.data, w.len, JSON_DECODE_ANY, &err);
	if (j == NULL)
		fail_msg("not JSON: %.*s (%s)", (int)w.len, w.data, err.text);
	assert_true(json_is_string(j));
	assert_string_equal(json_string_value(j), s);
	json_decref(j);
	jsonw_release(&w);
}

static void
test_fixed_strings(void **state)
{
	static const char *const cases[] = {
	    "",
	    "plain ascii text longer than eight bytes",
	    "ООО «Ромашка», г. Москва — ёлка",
	    "\"quoted\" and back\\slash",
	    "tab\there\nnewline\rcr\x01\x1f end",
	    "12345678\"",
	    "1234567\\",
	    "\x7f delete is not a control in JSON",
	    "0123456789abcdef0123456789abcdef\x02",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		round_trip(cases[i]);
}

static void
test_every_position(void **state)
{
	static const char specials[] = {'"', '\\', '\n', '\t', 0x01, 0x1f};
	char s[40];

	(void)state;
	for (size_t k = 0; k < sizeof(specials); k++) {
		for (size_t pos = 0; pos < 24; pos++) {
			memset(s, 'a', 24);
			s[24] = '\0';
			s[pos] = specials[k];
			round_trip(s);
		}
	}
}

static void
test_random_mix(void **state)
{
	static const char *const pieces[] = {"a",  "Ж",	   "ё", "\"", "\\",
					     "\n", "\x03", " ", "€",  "7"};
	uint64_t x = 88172645463325252ull;
	char s[512];

	(void)state;
	for (int round = 0; round < 2000; round++) {
		size_t len = 0;

		s[0] = '\0';
		for (int k = (int)(x % 60); k > 0; k--) {
			const char *p;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p = pieces[x % (sizeof(pieces) / sizeof(pieces[0]))];
			if (len + strlen(p) + 1 > sizeof(s))
				break;
			memcpy(s + len, p, strlen(p) + 1);
			len += strlen(p);
		}
		round_trip(s);
	}
}

static void
test_null_and_numbers(void **state)
{
	static const double nums[] = {0, 1, 0.5, 1234567.89, 1e15, 0.1, -3.25, 1e-7};
	struct jsonw w;

	(void)state;
	jsonw_init(&w, 4096);
	jsonw_str(&w, NULL);
	assert_int_equal(w.len, 4);
	assert_memory_equal(w.data, "null", 4);
	jsonw_release(&w);
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		json_t *j;

		jsonw_init(&w, 4096);
		jsonw_num(&w, nums[i]);
		j = json_loadb(w.data, w.len, JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		assert_true(json_number_value(j) == nums[i]);
		json_decref(j);
		jsonw_release(&w);
	}
	jsonw_init(&w, 4096);
	jsonw_int(&w, INT64_MIN);
	assert_memory_equal(w.data, "-9223372036854775808", w.len);
	jsonw_release(&w);
}

static void
test_limit(void **state)
{
	struct jsonw w;

	(void)state;
	jsonw_init(&w, 16);
	jsonw_str(&w, "this string is longer than the limit");
	assert_int_equal(w.err, ADV_ETOOBIG);
	jsonw_release(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixed_strings), cmocka_unit_test(test_every_position),
	    cmocka_unit_test(test_random_mix),	  cmocka_unit_test(test_null_and_numbers),
	    cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
