/*
 * test_openapi.c — the OpenAPI document the server serves describes exactly
 * the routes the server has: every route is in it, and it names no route
 * that does not exist.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/routes.h"
#include "harness.h"

static struct harness *h;

static void
lower(const char *s, char *out, size_t n)
{
	size_t i = 0;

	for (; s[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

static void
test_every_route_documented(void **state)
{
	struct hresp r;
	unsigned n;
	const struct route *routes = api_routes(&n);
	json_t *paths;
	int missing = 0;

	(void)state;
	assert_int_equal(hjson(h, "GET", "/api/v1/openapi.json", U__MAX, NULL, &r), 200);
	assert_non_null(r.json);
	assert_string_equal(json_string_value(json_object_get(r.json, "openapi")), "3.1.0");
	paths = json_object_get(r.json, "paths");
	assert_non_null(paths);
	for (unsigned i = 0; i < n; i++) {
		char m[16];
		json_t *p = json_object_get(paths, routes[i].pattern);

		lower(http_method_name(routes[i].method), m, sizeof(m));
		if (p == NULL || json_object_get(p, m) == NULL) {
			fprintf(stderr, "# not in openapi.json: %s %s\n",
				http_method_name(routes[i].method), routes[i].pattern);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
	hresp_free(&r);
}

static void
test_no_phantom_routes(void **state)
{
	static const char *const methods[] = {"get", "post", "put", "patch", "delete"};
	struct hresp r;
	unsigned n;
	const struct route *routes = api_routes(&n);
	const char *path;
	json_t *item;
	int phantom = 0;

	(void)state;
	assert_int_equal(hjson(h, "GET", "/api/v1/openapi.json", U__MAX, NULL, &r), 200);
	json_object_foreach(json_object_get(r.json, "paths"), path, item)
	{
		for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
			int found = 0;

			if (json_object_get(item, methods[k]) == NULL)
				continue;
			for (unsigned i = 0; i < n && !found; i++) {
				char m[16];

				lower(http_method_name(routes[i].method), m, sizeof(m));
				found = strcmp(routes[i].pattern, path) == 0 &&
					strcmp(m, methods[k]) == 0;
			}
			if (!found) {
				fprintf(stderr, "# documented but not served: %s %s\n", methods[k],
					path);
				phantom++;
			}
		}
	}
	assert_int_equal(phantom, 0);
	hresp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_route_documented),
	    cmocka_unit_test(test_no_phantom_routes),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_openapi", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
