/*
 * test_public_url.c — the instance's public address: what is accepted, how
 * it is kept (trailing slashes dropped), what is refused without losing the
 * address kept before, and links joined onto it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/public_url.h"

static void
test_accepted(void **state)
{
	struct adv_errbuf eb = {{0}, {0}};

	(void)state;
	assert_int_equal(public_url_set("https://advocate.example", &eb), ADV_OK);
	assert_string_equal(public_url(), "https://advocate.example");
	assert_int_equal(public_url_set("http://127.0.0.1:8080/", &eb), ADV_OK);
	assert_string_equal(public_url(), "http://127.0.0.1:8080");
	assert_int_equal(public_url_set("https://supplier.example/advocate//", &eb), ADV_OK);
	assert_string_equal(public_url(), "https://supplier.example/advocate");
	assert_int_equal(public_url_set("http://[::1]:8080", &eb), ADV_OK);
	assert_string_equal(public_url(), "http://[::1]:8080");
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
	    "",
	    "advocate.example",
	    "ftp://advocate.example",
	    "https://",
	    "https:///path",
	    "https://user@advocate.example",
	    "https://advocate.example:",
	    "https://advocate.example:80a",
	    "https://advocate.example:123456",
	    "https://:8080",
	    "https://advocate.example/?a=1",
	    "https://advocate.example/#top",
	    "https://advocate .example",
	    "https://advocate.example/\xd0\xbf",
	    "https://advocate.example/\"x",
	};
	struct adv_errbuf eb = {{0}, {0}};
	char longer[PUBLIC_URL_MAX + 8];
	size_t i;

	(void)state;
	assert_int_equal(public_url_set("https://kept.example", &eb), ADV_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		adv_errbuf_clear(&eb);
		assert_int_equal(public_url_set(bad[i], &eb), ADV_EINVAL);
		assert_string_equal(eb.field, "--public-url");
		assert_true(eb.msg[0] != '\0');
		assert_string_equal(public_url(), "https://kept.example");
	}
	memcpy(longer, "https://a.example/", 18);
	memset(longer + 18, 'x', sizeof(longer) - 19);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(public_url_set(longer, &eb), ADV_EINVAL);
	assert_int_equal(public_url_set(NULL, &eb), ADV_EINVAL);
	assert_string_equal(public_url(), "https://kept.example");
}

static void
test_join(void **state)
{
	struct adv_errbuf eb = {{0}, {0}};
	char out[64], small[20];

	(void)state;
	assert_int_equal(public_url_set("https://a.example/", &eb), ADV_OK);
	assert_true(public_url_join("/portal/#/requests/7", out, sizeof(out)));
	assert_string_equal(out, "https://a.example/portal/#/requests/7");
	assert_false(public_url_join("/portal/#/requests/7", small, sizeof(small)));
	assert_string_equal(small, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
