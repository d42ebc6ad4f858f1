/*
 * test_auth.c — sign-in, sessions, CSRF, throttling, bearer tokens, the
 * caller's workspaces and the system routes, over real HTTP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct harness *h;

/* Signs in email by cookie; fills cookie header line and CSRF header line. */
static void
login(const char *email, char *cookie, size_t clen, char *csrf, size_t slen)
{
	struct hresp r;
	char body[256];
	char *set;

	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email,
		 HARNESS_PASSWORD);
	assert_int_equal(hjson(h, "POST", "/api/v1/auth/login", U__MAX, body, &r), 200);
	set = hresp_header(&r, "Set-Cookie");
	assert_non_null(set);
	assert_non_null(strstr(set, "HttpOnly"));
	assert_non_null(strstr(set, "SameSite=Lax"));
	snprintf(cookie, clen, "Cookie: %.*s", (int)strcspn(set, ";"), set);
	snprintf(csrf, slen, "X-CSRF-Token: %s",
		 json_string_value(json_object_get(r.json, "csrf_token")));
	free(set);
	hresp_free(&r);
}

static void
test_healthz(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(hjson(h, "GET", "/healthz", U__MAX, NULL, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	hresp_free(&r);
}

static void
test_security_headers(void **state)
{
	struct hresp r;
	char *csp, *nosniff, *ref;

	(void)state;
	assert_int_equal(hjson(h, "GET", "/healthz", U__MAX, NULL, &r), 200);
	csp = hresp_header(&r, "Content-Security-Policy");
	nosniff = hresp_header(&r, "X-Content-Type-Options");
	ref = hresp_header(&r, "Referrer-Policy");
	assert_non_null(csp);
	assert_non_null(strstr(csp, "frame-ancestors 'none'"));
	assert_null(strstr(csp, "unsafe-inline"));
	assert_string_equal(nosniff, "nosniff");
	assert_non_null(ref);
	free(csp);
	free(nosniff);
	free(ref);
	hresp_free(&r);
}

static void
test_metrics(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(hjson(h, "GET", "/metrics", U__MAX, NULL, &r), 200);
	assert_non_null(strstr(r.body, "advocate_http_requests_total{route=\"/healthz\""));
	assert_non_null(strstr(r.body, "advocate_http_request_duration_seconds_bucket"));
	assert_non_null(strstr(r.body, "advocate_build_info"));
	assert_non_null(strstr(r.body, "advocate_db_pool_connections"));
	hresp_free(&r);
}

static void
test_unknown_route_and_method(void **state)
{
	struct hresp r;
	char *allow, *ct;

	(void)state;
	assert_int_equal(hjson(h, "GET", "/api/v1/nothing-here", U_OWNER, NULL, &r), 404);
	ct = hresp_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "application/problem+json"));
	free(ct);
	assert_int_equal(json_integer_value(json_object_get(r.json, "status")), 404);
	hresp_free(&r);
	assert_int_equal(hjson(h, "DELETE", "/api/v1/me", U_OWNER, NULL, &r), 405);
	allow = hresp_header(&r, "Allow");
	assert_non_null(allow);
	assert_non_null(strstr(allow, "GET"));
	free(allow);
	hresp_free(&r);
}

static void
test_login_wrong_password(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(hjson(h, "POST", "/api/v1/auth/login", U__MAX,
			       "{\"email\":\"analyst@example.test\",\"password\":\"nope-nope\"}",
			       &r),
			 401);
	assert_null(hresp_header(&r, "Set-Cookie"));
	hresp_free(&r);
	assert_int_equal(hjson(h, "POST", "/api/v1/auth/login", U__MAX,
			       "{\"email\":\"nobody@example.test\",\"password\":\"nope-nope\"}",
			       &r),
			 401);
	hresp_free(&r);
}

static void
test_login_validation(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(
	    hjson(h, "POST", "/api/v1/auth/login", U__MAX, "{\"email\":\"a@b.c\"}", &r), 422);
	assert_true(hresp_has_pointer(&r, "/password"));
	hresp_free(&r);
	assert_int_equal(hjson(h, "POST", "/api/v1/auth/login", U__MAX,
			       "{\"email\":\"a@b.c\",\"password\":\"x\",\"extra\":1}", &r),
			 422);
	assert_true(hresp_has_pointer(&r, "/extra"));
	hresp_free(&r);
	assert_int_equal(
	    hjson(h, "POST", "/api/v1/auth/login", U__MAX, "{\"email\":5,\"password\":\"x\"}", &r),
	    422);
	assert_true(hresp_has_pointer(&r, "/email"));
	hresp_free(&r);
	assert_int_equal(hjson(h, "POST", "/api/v1/auth/login", U__MAX, "{\"email\":", &r), 400);
	hresp_free(&r);
	assert_int_equal(hjson(h, "POST", "/api/v1/auth/login", U__MAX, "[1,2]", &r), 422);
	hresp_free(&r);
	assert_int_equal(
	    hreq(h, "POST", "/api/v1/auth/login", U__MAX, "text/plain", "{}", 2, NULL, &r), 0);
	assert_int_equal(r.status, 400);
	hresp_free(&r);
}

static void
test_invalid_utf8(void **state)
{
	static const char bad[] = "{\"email\":\"\xff\xfe@example.test\",\"password\":\"x\"}";
	struct hresp r;

	(void)state;
	assert_int_equal(hreq(h, "POST", "/api/v1/auth/login", U__MAX, "application/json", bad,
			      sizeof(bad) - 1, NULL, &r),
			 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "UTF-8"));
	hresp_free(&r);
}

static void
test_body_too_big(void **state)
{
	size_t n = 2u * 1024u * 1024u;
	char *big = malloc(n);
	struct hresp r;

	(void)state;
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	assert_int_equal(
	    hreq(h, "POST", "/api/v1/auth/login", U__MAX, "application/json", big, n, NULL, &r), 0);
	assert_int_equal(r.status, 413);
	hresp_free(&r);
	free(big);
}

static void
test_session_cookie_and_csrf(void **state)
{
	char cookie[256], csrf[256];
	const char *only_cookie[] = {cookie, NULL};
	const char *both[] = {cookie, csrf, NULL};
	struct hresp r;

	(void)state;
	login("owner@example.test", cookie, sizeof(cookie), csrf, sizeof(csrf));
	assert_int_equal(hreq(h, "GET", "/api/v1/me", U__MAX, NULL, NULL, 0, only_cookie, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "user"), "email")),
	    "owner@example.test");
	assert_non_null(json_object_get(r.json, "csrf_token"));
	hresp_free(&r);
	/* A write by cookie without the CSRF header is refused. */
	assert_int_equal(
	    hreq(h, "POST", "/api/v1/auth/logout", U__MAX, NULL, NULL, 0, only_cookie, &r), 0);
	assert_int_equal(r.status, 403);
	hresp_free(&r);
	/* With it, sign-out works and the session is gone afterwards. */
	assert_int_equal(hreq(h, "POST", "/api/v1/auth/logout", U__MAX, NULL, NULL, 0, both, &r),
			 0);
	assert_int_equal(r.status, 204);
	hresp_free(&r);
	assert_int_equal(hreq(h, "GET", "/api/v1/me", U__MAX, NULL, NULL, 0, only_cookie, &r), 0);
	assert_int_equal(r.status, 401);
	hresp_free(&r);
}

static void
test_wrong_csrf_token(void **state)
{
	char cookie[256], csrf[256];
	const char *bad[] = {cookie, "X-CSRF-Token: forged", NULL};
	struct hresp r;

	(void)state;
	login("viewer@example.test", cookie, sizeof(cookie), csrf, sizeof(csrf));
	assert_int_equal(hreq(h, "POST", "/api/v1/auth/logout", U__MAX, NULL, NULL, 0, bad, &r), 0);
	assert_int_equal(r.status, 403);
	hresp_free(&r);
}

static void
test_no_auth(void **state)
{
	struct hresp r;
	const char *bad[] = {"Authorization: Bearer adv_not-a-token", NULL};
	const char *basic[] = {"Authorization: Basic Zm9vOmJhcg==", NULL};

	(void)state;
	assert_int_equal(hjson(h, "GET", "/api/v1/me", U__MAX, NULL, &r), 401);
	hresp_free(&r);
	assert_int_equal(hreq(h, "GET", "/api/v1/me", U__MAX, NULL, NULL, 0, bad, &r), 0);
	assert_int_equal(r.status, 401);
	hresp_free(&r);
	assert_int_equal(hreq(h, "GET", "/api/v1/me", U__MAX, NULL, NULL, 0, basic, &r), 0);
	assert_int_equal(r.status, 401);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", "/api/v1/workspaces/acme", U__MAX, NULL, &r), 401);
	hresp_free(&r);
}

static void
test_login_throttle(void **state)
{
	struct hresp r;
	long last = 0;
	char *retry;

	(void)state;
	for (int i = 0; i < LOGIN_MAX_PER_ACCOUNT + 1; i++) {
		last = hjson(
		    h, "POST", "/api/v1/auth/login", U__MAX,
		    "{\"email\":\"manager2@example.test\",\"password\":\"wrong-password\"}", &r);
		hresp_free(&r);
	}
	assert_int_equal(last, 429);
	/* Locked: even the right password is refused for now. */
	assert_int_equal(
	    hjson(h, "POST", "/api/v1/auth/login", U__MAX,
		  "{\"email\":\"manager2@example.test\",\"password\":\"" HARNESS_PASSWORD "\"}",
		  &r),
	    429);
	retry = hresp_header(&r, "Retry-After");
	assert_non_null(retry);
	free(retry);
	hresp_free(&r);
}

/* Runs last: it locks the test client's address out of signing in. */
static void
test_login_throttle_by_address(void **state)
{
	char body[128];
	struct hresp r;
	long last = 0;

	(void)state;
	for (int i = 0; i < LOGIN_MAX_PER_ADDRESS + 1; i++) {
		snprintf(body, sizeof(body),
			 "{\"email\":\"nobody%d@example.test\",\"password\":\"wrong-password\"}",
			 i);
		last = hjson(h, "POST", "/api/v1/auth/login", U__MAX, body, &r);
		hresp_free(&r);
	}
	assert_int_equal(last, 429);
	assert_int_equal(
	    hjson(h, "POST", "/api/v1/auth/login", U__MAX,
		  "{\"email\":\"analyst@example.test\",\"password\":\"" HARNESS_PASSWORD "\"}", &r),
	    429);
	hresp_free(&r);
	/* API tokens are not affected. */
	assert_int_equal(hjson(h, "GET", "/api/v1/me", U_ANALYST, NULL, &r), 200);
	hresp_free(&r);
}

static void
test_header_too_large(void **state)
{
	size_t n = 100u * 1024u;
	char *line = malloc(n + 16);
	const char *headers[] = {line, NULL};
	struct hresp r;

	(void)state;
	memcpy(line, "X-Big: ", 7);
	memset(line + 7, 'a', n);
	line[n + 7] = '\0';
	if (hreq(h, "GET", "/healthz", U__MAX, NULL, NULL, 0, headers, &r) == 0) {
		assert_true(r.status == 431 || r.status == 413);
		hresp_free(&r);
	}
	free(line);
	/* The server still answers afterwards. */
	assert_int_equal(hjson(h, "GET", "/healthz", U__MAX, NULL, &r), 200);
	hresp_free(&r);
}

static void
test_workspaces(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(hjson(h, "GET", "/api/v1/workspaces", U_ANALYST, NULL, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(r.json, "items"), 0), "role")),
			    "analyst");
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", "/api/v1/workspaces", U_ADMIN, NULL, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", "/api/v1/workspaces/acme", U_VIEWER, NULL, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "role")), "viewer");
	hresp_free(&r);
	/* Another workspace's slug is not found, not forbidden. */
	assert_int_equal(hjson(h, "GET", "/api/v1/workspaces/other", U_OWNER, NULL, &r), 404);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", "/api/v1/workspaces/acme/members", U_OTHER, NULL, &r),
			 404);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", "/api/v1/workspaces/acme/members", U_VIEWER, NULL, &r),
			 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 5);
	hresp_free(&r);
}

static void
test_workspace_create(void **state)
{
	struct hresp r;
	char *loc;

	(void)state;
	assert_int_equal(hjson(h, "POST", "/api/v1/workspaces", U_OWNER,
			       "{\"slug\":\"new-one\",\"name\":\"New\"}", &r),
			 403);
	hresp_free(&r);
	assert_int_equal(hjson(h, "POST", "/api/v1/workspaces", U_ADMIN,
			       "{\"slug\":\"new-one\",\"name\":\"Новое пространство\"}", &r),
			 201);
	loc = hresp_header(&r, "Location");
	assert_string_equal(loc, "/api/v1/workspaces/new-one");
	free(loc);
	hresp_free(&r);
	assert_int_equal(hjson(h, "POST", "/api/v1/workspaces", U_ADMIN,
			       "{\"slug\":\"new-one\",\"name\":\"Again\"}", &r),
			 409);
	assert_true(hresp_has_pointer(&r, "/slug"));
	hresp_free(&r);
	assert_int_equal(hjson(h, "POST", "/api/v1/workspaces", U_ADMIN,
			       "{\"slug\":\"Bad Slug\",\"name\":\"X\"}", &r),
			 422);
	assert_true(hresp_has_pointer(&r, "/slug"));
	hresp_free(&r);
}

static void
test_ui_served(void **state)
{
	struct hresp r;
	char *ct;

	(void)state;
	assert_int_equal(hjson(h, "GET", "/", U__MAX, NULL, &r), 200);
	ct = hresp_header(&r, "Content-Type");
	assert_non_null(strstr(ct, "text/html"));
	assert_null(strstr(r.body, "<script>"));
	free(ct);
	hresp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthz),
	    cmocka_unit_test(test_security_headers),
	    cmocka_unit_test(test_metrics),
	    cmocka_unit_test(test_unknown_route_and_method),
	    cmocka_unit_test(test_login_wrong_password),
	    cmocka_unit_test(test_login_validation),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_body_too_big),
	    cmocka_unit_test(test_session_cookie_and_csrf),
	    cmocka_unit_test(test_wrong_csrf_token),
	    cmocka_unit_test(test_no_auth),
	    cmocka_unit_test(test_login_throttle),
	    cmocka_unit_test(test_workspaces),
	    cmocka_unit_test(test_workspace_create),
	    cmocka_unit_test(test_ui_served),
	    cmocka_unit_test(test_header_too_large),
	    cmocka_unit_test(test_login_throttle_by_address),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_auth", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
