/*
 * test_concurrency.c — edits that race: many clients PATCH one account with
 * the same If-Match at once, and exactly one wins while every other gets 412;
 * many clients add suppliers to one account at once, and the shares never
 * exceed 100 % in total. Real threads, real HTTP, one SQLite file.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define RACERS 8
#define ACC    "/api/v1/workspaces/acme/accounts"

static struct harness *h;

struct racer {
	const char *method;
	char path[128];
	char body[128];
	const char *headers[2];
	long status;
};

static void *
race(void *arg)
{
	struct racer *x = arg;
	struct hresp r;

	x->status = -1;
	if (hreq(h, x->method, x->path, U_OWNER, "application/json", x->body, strlen(x->body),
		 x->headers, &r) == 0) {
		x->status = r.status;
		hresp_free(&r);
	}
	return NULL;
}

/* Runs every racer in its own thread at once and waits for all. */
static void
run_all(struct racer *xs, int n)
{
	pthread_t t[RACERS];

	for (int i = 0; i < n; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &xs[i]), 0);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

static void
test_one_patch_wins(void **state)
{
	struct racer xs[RACERS];
	json_t *j;
	int64_t id;
	int ok = 0, conflict = 0;

	(void)state;
	j = hcall(h, "POST", ACC, U_OWNER, "{\"name\":\"Гонка\"}", NULL, 201);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	for (int i = 0; i < RACERS; i++) {
		xs[i].method = "PATCH";
		snprintf(xs[i].path, sizeof(xs[i].path), ACC "/%lld", (long long)id);
		snprintf(xs[i].body, sizeof(xs[i].body), "{\"city\":\"Город %d\"}", i);
		xs[i].headers[0] = "If-Match: \"1\"";
		xs[i].headers[1] = NULL;
	}
	run_all(xs, RACERS);
	for (int i = 0; i < RACERS; i++) {
		ok += xs[i].status == 200;
		conflict += xs[i].status == 412;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(conflict, RACERS - 1);
	j = hcall(h, "GET", xs[0].path, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
}

static void
test_shares_stay_within_100(void **state)
{
	struct racer xs[RACERS];
	json_t *j;
	int64_t id;
	int created = 0;

	(void)state;
	j = hcall(h, "POST", ACC, U_OWNER, "{\"name\":\"Гонка поставщиков\"}", NULL, 201);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	for (int i = 0; i < RACERS; i++) {
		char comp[96];
		int64_t cid;

		snprintf(comp, sizeof(comp), "{\"name\":\"Соперник гонки %d\"}", i);
		j = hcall(h, "POST", "/api/v1/workspaces/acme/competitors", U_ANALYST, comp, NULL,
			  201);
		cid = json_integer_value(json_object_get(j, "id"));
		json_decref(j);
		xs[i].method = "POST";
		snprintf(xs[i].path, sizeof(xs[i].path), ACC "/%lld/suppliers", (long long)id);
		snprintf(xs[i].body, sizeof(xs[i].body),
			 "{\"competitor_id\":%lld,\"share_pct\":30}", (long long)cid);
		xs[i].headers[0] = NULL;
	}
	run_all(xs, RACERS);
	for (int i = 0; i < RACERS; i++) {
		assert_true(xs[i].status == 201 || xs[i].status == 422);
		created += xs[i].status == 201;
	}
	assert_int_equal(created, 3);
	j = hcall(h, "GET", xs[0].path, U_VIEWER, NULL, NULL, 200);
	assert_true(json_number_value(json_object_get(j, "total_share_pct")) == 90);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_patch_wins),
	    cmocka_unit_test(test_shares_stay_within_100),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_concurrency", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
