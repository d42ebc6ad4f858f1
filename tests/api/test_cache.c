/*
 * test_cache.c — cached answers of list routes: a repeated list is served
 * from the cache, and any write to the workspace (by the API or by another
 * process on the same database) makes the next list fresh. Workspaces never
 * see each other's cached answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define LIST "/api/v1/workspaces/acme/accounts?limit=50"

static struct harness *h;

/* GETs path as user; returns whether the answer came from the cache, and the body's JSON. */
static int
get_list(const char *path, int user, json_t **out)
{
	struct hresp r;
	char *hit;
	int cached;

	assert_int_equal(hjson(h, "GET", path, user, NULL, &r), 200);
	hit = hresp_header(&r, "X-Cache");
	cached = hit != NULL && strcmp(hit, "hit") == 0;
	free(hit);
	*out = json_incref(r.json);
	hresp_free(&r);
	return cached;
}

/* The name of the first item of a list answer. */
static const char *
first_name(json_t *j)
{
	return json_string_value(
	    json_object_get(json_array_get(json_object_get(j, "items"), 0), "name"));
}

static void
test_repeat_is_cached_and_write_refreshes(void **state)
{
	struct hresp r;
	json_t *a, *b, *c;
	long long id;
	char path[128];

	(void)state;
	assert_int_equal(hjson(h, "POST", "/api/v1/workspaces/acme/accounts", U_OWNER,
			       "{\"name\":\"ААА Первая\"}", &r),
			 201);
	id = json_integer_value(json_object_get(r.json, "id"));
	hresp_free(&r);
	assert_false(get_list(LIST, U_OWNER, &a));
	assert_true(get_list(LIST, U_VIEWER, &b));
	assert_true(json_equal(a, b));
	assert_string_equal(first_name(a), "ААА Первая");
	snprintf(path, sizeof(path), "/api/v1/workspaces/acme/accounts/%lld", id);
	assert_int_equal(hjson(h, "PATCH", path, U_OWNER, "{\"name\":\"ААА Переименована\"}", &r),
			 200);
	hresp_free(&r);
	assert_false(get_list(LIST, U_OWNER, &c));
	assert_string_equal(first_name(c), "ААА Переименована");
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static void
test_query_is_part_of_the_key(void **state)
{
	json_t *a, *b;

	(void)state;
	get_list(LIST, U_OWNER, &a);
	assert_false(get_list(LIST "&sort=-name", U_OWNER, &b));
	assert_false(json_equal(a, b) && json_array_size(json_object_get(a, "items")) > 1);
	json_decref(a);
	json_decref(b);
}

static void
test_write_by_another_process(void **state)
{
	json_t *a, *b;
	char sql[512];

	(void)state;
	get_list(LIST, U_OWNER, &a);
	assert_true(get_list(LIST, U_OWNER, &b));
	json_decref(b);
	/*
	 * What `advocate import` in another process does: write and raise the
	 * version, in SQL valid on both engines, without going through core.
	 */
	snprintf(sql, sizeof(sql),
		 "BEGIN;"
		 "UPDATE accounts SET name = 'ААА Снаружи' WHERE workspace_id = %lld"
		 " AND name = 'ААА Переименована';"
		 "UPDATE workspaces SET data_version = data_version + 1 WHERE id = %lld;"
		 "COMMIT;",
		 (long long)h->ws_acme, (long long)h->ws_acme);
	assert_int_equal(harness_sql_exec(h, sql), 0);
	assert_false(get_list(LIST, U_OWNER, &b));
	assert_string_equal(first_name(b), "ААА Снаружи");
	json_decref(a);
	json_decref(b);
}

static void
test_workspaces_do_not_share(void **state)
{
	struct hresp r;
	json_t *a, *b;

	(void)state;
	assert_int_equal(hjson(h, "POST", "/api/v1/workspaces/other/accounts", U_OTHER,
			       "{\"name\":\"ААА Чужая\"}", &r),
			 201);
	hresp_free(&r);
	get_list(LIST, U_OWNER, &a);
	assert_false(get_list("/api/v1/workspaces/other/accounts?limit=50", U_OTHER, &b));
	assert_string_equal(first_name(b), "ААА Чужая");
	assert_string_not_equal(first_name(a), "ААА Чужая");
	/* A non-member still gets 404, cache or not. */
	assert_int_equal(hjson(h, "GET", LIST, U_OTHER, NULL, &r), 404);
	hresp_free(&r);
	json_decref(a);
	json_decref(b);
}

static void
test_metrics_count_hits(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(hjson(h, "GET", "/metrics", U__MAX, NULL, &r), 200);
	assert_non_null(strstr(r.body, "advocate_cache_requests_total{result=\"hit\"}"));
	assert_null(strstr(r.body, "advocate_cache_requests_total{result=\"hit\"} 0\n"));
	hresp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_repeat_is_cached_and_write_refreshes),
	    cmocka_unit_test(test_query_is_part_of_the_key),
	    cmocka_unit_test(test_write_by_another_process),
	    cmocka_unit_test(test_workspaces_do_not_share),
	    cmocka_unit_test(test_metrics_count_hits),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_cache", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
