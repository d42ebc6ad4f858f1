/*
 * test_competitors.c — the competitor catalogue over real HTTP: create, read,
 * merge patch with If-Match, duplicate names in any case, search, pages,
 * archive and restore, validation, roles (analysts edit, everyone reads),
 * and other workspaces' ids answered 404.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define COMP	   "/api/v1/workspaces/acme/competitors"
#define COMP_OTHER "/api/v1/workspaces/other/competitors"

static struct harness *h;

/* Creates a competitor in acme as the analyst; returns its id. */
static int64_t
create(const char *body)
{
	json_t *j = hcall(h, "POST", COMP, U_ANALYST, body, NULL, 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));

	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* The path of competitor id plus suffix. */
static const char *
cpath(int64_t id, const char *suffix)
{
	static char path[256];

	snprintf(path, sizeof(path), COMP "/%lld%s", (long long)id, suffix ? suffix : "");
	return path;
}

/* The number of items of a list answer for query (after COMP). */
static size_t
count(const char *query)
{
	char path[512];
	json_t *j;
	size_t n;

	snprintf(path, sizeof(path), COMP "%s", query);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	n = json_array_size(json_object_get(j, "items"));
	json_decref(j);
	return n;
}

/* Asserts that a request answers 422 and names pointer. */
static void
expect_422(const char *method, const char *path, const char *body, const char *pointer)
{
	struct hresp r;

	assert_int_equal(hjson(h, method, path, U_ANALYST, body, &r), 422);
	if (!hresp_has_pointer(&r, pointer))
		fprintf(stderr, "# expected pointer %s in %s\n", pointer, r.body);
	assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
}

static void
test_create_get_patch(void **state)
{
	const char *const match1[] = {"If-Match: \"1\"", NULL};
	struct hresp r;
	char *loc, *etag;
	json_t *j;
	int64_t id;

	(void)state;
	assert_int_equal(hjson(h, "POST", COMP, U_ANALYST,
			       "{\"name\":\" ТехноСталь \",\"website\":\"https://steel.ru\","
			       "\"notes\":\"Дешевле на 5%\"}",
			       &r),
			 201);
	id = json_integer_value(json_object_get(r.json, "id"));
	loc = hresp_header(&r, "Location");
	etag = hresp_header(&r, "ETag");
	assert_string_equal(loc, cpath(id, NULL));
	assert_string_equal(etag, "\"1\"");
	assert_string_equal(json_string_value(json_object_get(r.json, "name")), "ТехноСталь");
	assert_true(json_is_null(json_object_get(r.json, "archived_at")));
	free(loc);
	free(etag);
	hresp_free(&r);
	j = hcall(h, "GET", cpath(id, NULL), U_VIEWER, NULL, NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "website")), "https://steel.ru");
	json_decref(j);
	j = hcall(h, "PATCH", cpath(id, NULL), U_OWNER, "{\"notes\":null,\"website\":\"steel.ru\"}",
		  match1, 200);
	assert_true(json_is_null(json_object_get(j, "notes")));
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	json_decref(hcall(h, "PATCH", cpath(id, NULL), U_OWNER, "{\"notes\":\"x\"}", match1, 412));
	json_decref(hcall(h, "DELETE", cpath(id, NULL), U_OWNER, NULL, match1, 412));
	json_decref(hcall(h, "GET", cpath(99999999, NULL), U_VIEWER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "PATCH", cpath(99999999, NULL), U_ANALYST, "{\"notes\":\"x\"}", NULL, 404));
}

static void
test_validation(void **state)
{
	static const char bad_utf8[] = "{\"name\":\"\xFF\"}";
	struct hresp r;

	(void)state;
	expect_422("POST", COMP, "{\"website\":\"a.ru\"}", "/name");
	expect_422("POST", COMP, "{\"name\":\"  \"}", "/name");
	expect_422("POST", COMP, "{\"name\":\"A\",\"colour\":\"red\"}", "/colour");
	expect_422("POST", COMP, "{\"name\":\"A\",\"website\":\"not a site\"}", "/website");
	expect_422("POST", COMP, "{\"name\":\"A\",\"notes\":5}", "/notes");
	expect_422("POST", COMP, "{\"name\":null}", "/name");
	assert_int_equal(hjson(h, "POST", COMP, U_ANALYST, "{\"name\":", &r), 400);
	hresp_free(&r);
	assert_int_equal(hreq(h, "POST", COMP, U_ANALYST, "application/json", bad_utf8,
			      sizeof(bad_utf8) - 1, NULL, &r),
			 0);
	assert_int_equal(r.status, 400);
	hresp_free(&r);
	assert_int_equal(hjson(h, "PUT", COMP, U_ANALYST, "{}", &r), 405);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", COMP, U__MAX, NULL, &r), 401);
	hresp_free(&r);
	json_decref(hcall(h, "GET", COMP "?limit=0", U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", COMP "?cursor=zzz", U_VIEWER, NULL, NULL, 422));
}

static void
test_duplicates_and_restore(void **state)
{
	struct hresp r;
	int64_t first, second;

	(void)state;
	first = create("{\"name\":\"Ромашка-Трейд\"}");
	assert_int_equal(hjson(h, "POST", COMP, U_ANALYST, "{\"name\":\"РОМАШКА-трейд \"}", &r),
			 409);
	assert_true(hresp_has_pointer(&r, "/name"));
	hresp_free(&r);
	second = create("{\"name\":\"Ромашка-Опт\"}");
	json_decref(hcall(h, "PATCH", cpath(second, NULL), U_ANALYST,
			  "{\"name\":\"ромашка-трейд\"}", NULL, 409));
	json_decref(hcall(h, "DELETE", cpath(first, NULL), U_ANALYST, NULL, NULL, 204));
	assert_int_equal(count("?q=%D1%82%D1%80%D0%B5%D0%B9%D0%B4"), 0);
	assert_int_equal(count("?q=%D1%82%D1%80%D0%B5%D0%B9%D0%B4&archived=true"), 1);
	/* The name is free again while the first is archived. */
	json_decref(hcall(h, "PATCH", cpath(second, NULL), U_ANALYST,
			  "{\"name\":\"Ромашка-Трейд\"}", NULL, 200));
	json_decref(hcall(h, "POST", cpath(first, "/restore"), U_ANALYST, NULL, NULL, 409));
	json_decref(hcall(h, "PATCH", cpath(second, NULL), U_ANALYST, "{\"name\":\"Ромашка-Опт\"}",
			  NULL, 200));
	json_decref(hcall(h, "POST", cpath(first, "/restore"), U_ANALYST, NULL, NULL, 200));
	assert_int_equal(count("?q=%D1%82%D1%80%D0%B5%D0%B9%D0%B4"), 1);
	assert_int_equal(count("?q=%D0%A0%D0%9E%D0%9C%D0%90%D0%A8%D0%9A%D0%90"), 2);
}

static void
test_pages(void **state)
{
	char body[128], path[512], cursor[1024] = "";
	int64_t seen[64];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 9; i++) {
		snprintf(body, sizeof(body), "{\"name\":\"Страничный %d\"}", (i * 7) % 9);
		create(body);
	}
	for (int pages = 0; pages < 20; pages++) {
		json_t *j, *items, *it;
		size_t i;

		snprintf(path, sizeof(path),
			 COMP "?q=%%D1%%81%%D1%%82%%D1%%80%%D0%%B0%%D0%%BD"
			      "&limit=2%s%s",
			 cursor[0] ? "&cursor=" : "", cursor);
		j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
		items = json_object_get(j, "items");
		json_array_foreach(items, i, it)
		{
			int64_t id = json_integer_value(json_object_get(it, "id"));

			for (size_t s = 0; s < n; s++)
				assert_true(seen[s] != id);
			seen[n++] = id;
		}
		if (json_is_null(json_object_get(j, "next_cursor"))) {
			json_decref(j);
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s",
			 json_string_value(json_object_get(j, "next_cursor")));
		json_decref(j);
	}
	assert_int_equal(n, 9);
}

static void
test_roles(void **state)
{
	int64_t id;

	(void)state;
	id = create("{\"name\":\"Ролевой\"}");
	json_decref(hcall(h, "POST", COMP, U_MANAGER, "{\"name\":\"M\"}", NULL, 403));
	json_decref(hcall(h, "POST", COMP, U_VIEWER, "{\"name\":\"V\"}", NULL, 403));
	json_decref(hcall(h, "PATCH", cpath(id, NULL), U_MANAGER, "{\"name\":\"M\"}", NULL, 403));
	json_decref(hcall(h, "DELETE", cpath(id, NULL), U_MANAGER, NULL, NULL, 403));
	json_decref(hcall(h, "POST", cpath(id, "/restore"), U_VIEWER, NULL, NULL, 403));
	json_decref(hcall(h, "GET", cpath(id, NULL), U_MANAGER, NULL, NULL, 200));
	json_decref(hcall(h, "GET", COMP, U_VIEWER, NULL, NULL, 200));
	json_decref(
	    hcall(h, "PATCH", cpath(id, NULL), U_OWNER, "{\"name\":\"Ролевой 2\"}", NULL, 200));
	json_decref(hcall(h, "DELETE", cpath(id, NULL), U_ADMIN, NULL, NULL, 204));
	json_decref(hcall(h, "GET", COMP, U_OTHER, NULL, NULL, 404));
}

static void
test_foreign_ids(void **state)
{
	json_t *j;
	int64_t foreign;

	(void)state;
	j = hcall(h, "POST", COMP_OTHER, U_OTHER, "{\"name\":\"Чужой конкурент\"}", NULL, 201);
	foreign = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	json_decref(hcall(h, "GET", cpath(foreign, NULL), U_OWNER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "PATCH", cpath(foreign, NULL), U_OWNER, "{\"name\":\"x\"}", NULL, 404));
	json_decref(hcall(h, "DELETE", cpath(foreign, NULL), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "POST", cpath(foreign, "/restore"), U_OWNER, NULL, NULL, 404));
	assert_int_equal(count("?q=%D1%87%D1%83%D0%B6%D0%BE%D0%B9"), 0);
	/* The same name is free in another workspace. */
	create("{\"name\":\"Чужой конкурент\"}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_get_patch),
	    cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_duplicates_and_restore),
	    cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_foreign_ids),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_competitors", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
