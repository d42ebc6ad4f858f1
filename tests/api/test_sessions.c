/*
 * test_sessions.c — session expiry: a session ends after the idle timeout
 * without requests, and after the absolute lifetime even when it is used.
 * Runs against a server configured with lifetimes of a few seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct harness *h;

/* Signs in as email; fills the "Cookie: …" header line. */
static void
login(const char *email, char *cookie, size_t clen)
{
	struct hresp r;
	char body[256];
	char *set;

	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email,
		 HARNESS_PASSWORD);
	assert_int_equal(hjson(h, "POST", "/api/v1/auth/login", U__MAX, body, &r), 200);
	set = hresp_header(&r, "Set-Cookie");
	assert_non_null(set);
	snprintf(cookie, clen, "Cookie: %.*s", (int)strcspn(set, ";"), set);
	free(set);
	hresp_free(&r);
}

static long
me(const char *cookie)
{
	const char *headers[] = {cookie, NULL};
	struct hresp r;
	long status;

	assert_int_equal(hreq(h, "GET", "/api/v1/me", U__MAX, NULL, NULL, 0, headers, &r), 0);
	status = r.status;
	hresp_free(&r);
	return status;
}

static void
test_idle_expiry(void **state)
{
	char cookie[256];

	(void)state;
	harness_stop(h);
	h = harness_start_sessions(2, 3600);
	login("owner@example.test", cookie, sizeof(cookie));
	assert_int_equal(me(cookie), 200);
	sleep(4);
	assert_int_equal(me(cookie), 401);
}

static void
test_absolute_expiry(void **state)
{
	char cookie[256];

	(void)state;
	harness_stop(h);
	h = harness_start_sessions(3600, 5);
	login("analyst@example.test", cookie, sizeof(cookie));
	assert_int_equal(me(cookie), 200);
	sleep(1);
	assert_int_equal(me(cookie), 200);
	sleep(6);
	assert_int_equal(me(cookie), 401);
}

static void
test_new_login_rotates_session(void **state)
{
	char first[256], second[256];

	(void)state;
	login("viewer@example.test", first, sizeof(first));
	login("viewer@example.test", second, sizeof(second));
	assert_string_not_equal(first, second);
	assert_int_equal(me(first), 200);
	assert_int_equal(me(second), 200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_login_rotates_session),
	    cmocka_unit_test(test_idle_expiry),
	    cmocka_unit_test(test_absolute_expiry),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_sessions", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
