/*
 * test_suppliers.c — the suppliers of a client company over real HTTP: us
 * and competitors, share of wallet capped at 100 % in total, one entry per
 * supplier, merge patch with If-Match, archive, validation, the entries in
 * the account's history, roles, and other workspaces' ids answered 404.
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

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"

static struct harness *h;

/* POSTs body to path as user, expects 201 and returns the new object's id. */
static int64_t
create(const char *path, int user, const char *body)
{
	json_t *j = hcall(h, "POST", path, user, body, NULL, 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));

	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* The suppliers path of account id, plus "/sid" when sid > 0. */
static const char *
spath(int64_t id, int64_t sid)
{
	static char path[256];

	if (sid > 0)
		snprintf(path, sizeof(path), WS "/accounts/%lld/suppliers/%lld", (long long)id,
			 (long long)sid);
	else
		snprintf(path, sizeof(path), WS "/accounts/%lld/suppliers", (long long)id);
	return path;
}

/* The total share reported by the supplier list of account id. */
static double
total(int64_t id)
{
	json_t *j = hcall(h, "GET", spath(id, 0), U_VIEWER, NULL, NULL, 200);
	double t = json_number_value(json_object_get(j, "total_share_pct"));

	json_decref(j);
	return t;
}

/* Asserts a 422 naming pointer for POST body on account id. */
static void
expect_422(int64_t id, const char *body, const char *pointer)
{
	struct hresp r;

	assert_int_equal(hjson(h, "POST", spath(id, 0), U_OWNER, body, &r), 422);
	if (!hresp_has_pointer(&r, pointer))
		fprintf(stderr, "# expected pointer %s in %s\n", pointer, r.body);
	assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
}

static void
test_shares(void **state)
{
	const char *const match1[] = {"If-Match: \"1\"", NULL};
	struct hresp r;
	char body[128], *loc;
	json_t *j, *items;
	int64_t acc, comp, comp2, us, them;

	(void)state;
	acc = create(WS "/accounts", U_OWNER, "{\"name\":\"Закупщик\"}");
	comp = create(WS "/competitors", U_ANALYST, "{\"name\":\"Соперник\"}");
	comp2 = create(WS "/competitors", U_ANALYST, "{\"name\":\"Соперник 2\"}");
	assert_int_equal(
	    hjson(h, "POST", spath(acc, 0), U_OWNER,
		  "{\"share_pct\":60,\"categories\":[\"цемент\",\" Цемент \",\"песок\"],"
		  "\"since\":\"2019-04-01\",\"notes\":\"основной\"}",
		  &r),
	    201);
	us = json_integer_value(json_object_get(r.json, "id"));
	loc = hresp_header(&r, "Location");
	assert_string_equal(loc, spath(acc, us));
	free(loc);
	assert_true(json_is_null(json_object_get(r.json, "competitor_id")));
	assert_int_equal(json_array_size(json_object_get(r.json, "categories")), 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "account_id")), acc);
	hresp_free(&r);
	snprintf(body, sizeof(body), "{\"competitor_id\":%lld,\"share_pct\":45}", (long long)comp);
	assert_int_equal(hjson(h, "POST", spath(acc, 0), U_OWNER, body, &r), 422);
	assert_true(hresp_has_pointer(&r, "/share_pct"));
	assert_non_null(strstr(r.body, "60 %"));
	hresp_free(&r);
	snprintf(body, sizeof(body), "{\"competitor_id\":%lld,\"share_pct\":40}", (long long)comp);
	j = hcall(h, "POST", spath(acc, 0), U_OWNER, body, NULL, 201);
	them = json_integer_value(json_object_get(j, "id"));
	assert_string_equal(json_string_value(json_object_get(j, "competitor_name")), "Соперник");
	json_decref(j);
	assert_true(total(acc) == 100);
	/* One entry per supplier. */
	json_decref(hcall(h, "POST", spath(acc, 0), U_OWNER,
			  "{\"competitor_id\":null,\"share_pct\":0}", NULL, 409));
	snprintf(body, sizeof(body), "{\"competitor_id\":%lld,\"share_pct\":0}", (long long)comp);
	json_decref(hcall(h, "POST", spath(acc, 0), U_OWNER, body, NULL, 409));
	snprintf(body, sizeof(body), "{\"competitor_id\":%lld,\"share_pct\":0}", (long long)comp2);
	json_decref(hcall(h, "POST", spath(acc, 0), U_OWNER, body, NULL, 201));
	/* Patches keep the total within 100 %. */
	json_decref(
	    hcall(h, "PATCH", spath(acc, them), U_OWNER, "{\"share_pct\":41}", match1, 422));
	j = hcall(h, "PATCH", spath(acc, them), U_OWNER,
		  "{\"share_pct\":30,\"categories\":[\"щебень\"]}", match1, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	json_decref(
	    hcall(h, "PATCH", spath(acc, them), U_OWNER, "{\"share_pct\":20}", match1, 412));
	snprintf(body, sizeof(body), "{\"competitor_id\":%lld}", (long long)comp2);
	json_decref(hcall(h, "PATCH", spath(acc, them), U_OWNER, body, NULL, 409));
	json_decref(hcall(h, "PATCH", spath(acc, us), U_OWNER, "{\"share_pct\":70}", NULL, 200));
	assert_true(total(acc) == 100);
	json_decref(hcall(h, "PATCH", spath(acc, us), U_OWNER, "{\"share_pct\":null}", NULL, 422));
	/* Archiving frees the share. */
	json_decref(hcall(h, "DELETE", spath(acc, them), U_OWNER, NULL, match1, 412));
	json_decref(hcall(h, "DELETE", spath(acc, them), U_OWNER, NULL, NULL, 204));
	json_decref(hcall(h, "DELETE", spath(acc, them), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", spath(acc, them), U_OWNER, "{\"share_pct\":1}", NULL, 404));
	assert_true(total(acc) == 70);
	j = hcall(h, "GET", spath(acc, 0), U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_true(json_is_null(json_object_get(json_array_get(items, 0), "competitor_id")));
	json_decref(j);
	snprintf(body, sizeof(body), "{\"competitor_id\":%lld,\"share_pct\":30}", (long long)comp);
	json_decref(hcall(h, "POST", spath(acc, 0), U_OWNER, body, NULL, 201));
	assert_true(total(acc) == 100);
}

static void
test_validation(void **state)
{
	char body[128];
	int64_t acc, archived, foreign;
	json_t *j;

	(void)state;
	acc = create(WS "/accounts", U_OWNER, "{\"name\":\"Проверка поставщиков\"}");
	expect_422(acc, "{}", "/share_pct");
	expect_422(acc, "{\"share_pct\":\"10\"}", "/share_pct");
	expect_422(acc, "{\"share_pct\":101}", "/share_pct");
	expect_422(acc, "{\"share_pct\":-1}", "/share_pct");
	expect_422(acc, "{\"share_pct\":1,\"since\":\"2023-02-30\"}", "/since");
	expect_422(acc, "{\"share_pct\":1,\"categories\":[\"\"]}", "/categories/0");
	expect_422(acc, "{\"share_pct\":1,\"categories\":\"a\"}", "/categories");
	expect_422(acc, "{\"share_pct\":1,\"competitor_id\":\"1\"}", "/competitor_id");
	expect_422(acc, "{\"share_pct\":1,\"competitor_id\":0}", "/competitor_id");
	expect_422(acc, "{\"share_pct\":1,\"competitor_id\":99999999}", "/competitor_id");
	expect_422(acc, "{\"share_pct\":1,\"vendor\":\"x\"}", "/vendor");
	archived = create(WS "/competitors", U_ANALYST, "{\"name\":\"Бывший\"}");
	snprintf(body, sizeof(body), WS "/competitors/%lld", (long long)archived);
	json_decref(hcall(h, "DELETE", body, U_ANALYST, NULL, NULL, 204));
	snprintf(body, sizeof(body), "{\"share_pct\":1,\"competitor_id\":%lld}",
		 (long long)archived);
	expect_422(acc, body, "/competitor_id");
	j = hcall(h, "POST", WS_OTHER "/competitors", U_OTHER, "{\"name\":\"Чужой\"}", NULL, 201);
	foreign = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	snprintf(body, sizeof(body), "{\"share_pct\":1,\"competitor_id\":%lld}",
		 (long long)foreign);
	expect_422(acc, body, "/competitor_id");
	{
		struct hresp r;

		assert_int_equal(hjson(h, "POST", spath(acc, 0), U_OWNER, "{\"share_pct\":", &r),
				 400);
		hresp_free(&r);
		assert_int_equal(hjson(h, "PUT", spath(acc, 0), U_OWNER, "{}", &r), 405);
		hresp_free(&r);
		assert_int_equal(hjson(h, "GET", spath(acc, 0), U__MAX, NULL, &r), 401);
		hresp_free(&r);
	}
	json_decref(hcall(h, "GET", spath(99999999, 0), U_VIEWER, NULL, NULL, 404));
}

static void
test_audit_entries(void **state)
{
	char path[256];
	json_t *j, *e;
	int64_t acc, sid;

	(void)state;
	acc = create(WS "/accounts", U_OWNER, "{\"name\":\"История поставщиков\"}");
	sid = create(spath(acc, 0), U_ANALYST, "{\"share_pct\":25}");
	json_decref(hcall(h, "PATCH", spath(acc, sid), U_OWNER, "{\"share_pct\":35}", NULL, 200));
	json_decref(hcall(h, "DELETE", spath(acc, sid), U_OWNER, NULL, NULL, 204));
	snprintf(path, sizeof(path), WS "/accounts/%lld/audit", (long long)acc);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 4);
	e = json_array_get(json_object_get(j, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "entity_type")), "supplier");
	assert_string_equal(json_string_value(json_object_get(e, "action")), "archive");
	assert_int_equal(json_integer_value(json_object_get(e, "entity_id")), sid);
	e = json_array_get(json_object_get(j, "items"), 1);
	assert_string_equal(json_string_value(json_object_get(e, "action")), "update");
	assert_true(json_number_value(json_object_get(
			json_object_get(json_object_get(e, "changes"), "share_pct"), "to")) == 35);
	e = json_array_get(json_object_get(j, "items"), 2);
	assert_string_equal(json_string_value(json_object_get(e, "action")), "create");
	assert_string_equal(json_string_value(json_object_get(e, "actor_email")),
			    "analyst@example.test");
	json_decref(j);
}

static void
test_roles(void **state)
{
	char body[256];
	int64_t mine, theirs, sid;

	(void)state;
	mine = create(WS "/accounts", U_MANAGER, "{\"name\":\"Менеджерская\"}");
	theirs = create(WS "/accounts", U_MANAGER2, "{\"name\":\"Не моя\"}");
	sid = create(spath(mine, 0), U_MANAGER, "{\"share_pct\":50}");
	json_decref(
	    hcall(h, "PATCH", spath(mine, sid), U_MANAGER, "{\"share_pct\":55}", NULL, 200));
	json_decref(hcall(h, "POST", spath(theirs, 0), U_MANAGER, "{\"share_pct\":50}", NULL, 403));
	sid = create(spath(theirs, 0), U_MANAGER2, "{\"share_pct\":50}");
	json_decref(
	    hcall(h, "PATCH", spath(theirs, sid), U_MANAGER, "{\"share_pct\":5}", NULL, 403));
	json_decref(hcall(h, "DELETE", spath(theirs, sid), U_MANAGER, NULL, NULL, 403));
	json_decref(hcall(h, "GET", spath(theirs, 0), U_MANAGER, NULL, NULL, 200));
	json_decref(hcall(h, "POST", spath(mine, 0), U_VIEWER, "{\"share_pct\":1}", NULL, 403));
	json_decref(
	    hcall(h, "PATCH", spath(theirs, sid), U_VIEWER, "{\"share_pct\":1}", NULL, 403));
	json_decref(hcall(h, "DELETE", spath(theirs, sid), U_VIEWER, NULL, NULL, 403));
	json_decref(hcall(h, "GET", spath(mine, 0), U_VIEWER, NULL, NULL, 200));
	json_decref(
	    hcall(h, "PATCH", spath(theirs, sid), U_ANALYST, "{\"share_pct\":5}", NULL, 200));
	/* A supplier is reached only through its own account. */
	snprintf(body, sizeof(body), "%s", spath(mine, sid));
	json_decref(hcall(h, "PATCH", body, U_ANALYST, "{\"share_pct\":5}", NULL, 404));
	json_decref(hcall(h, "DELETE", body, U_ANALYST, NULL, NULL, 404));
	json_decref(hcall(h, "GET", spath(mine, 0), U_OTHER, NULL, NULL, 404));
}

static void
test_foreign_ids(void **state)
{
	char path[256];
	json_t *j;
	int64_t acc, sid, mine;

	(void)state;
	j = hcall(h, "POST", WS_OTHER "/accounts", U_OTHER, "{\"name\":\"Чужой клиент\"}", NULL,
		  201);
	acc = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	snprintf(path, sizeof(path), WS_OTHER "/accounts/%lld/suppliers", (long long)acc);
	sid = create(path, U_OTHER, "{\"share_pct\":10}");
	json_decref(hcall(h, "GET", spath(acc, 0), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "POST", spath(acc, 0), U_OWNER, "{\"share_pct\":10}", NULL, 404));
	json_decref(hcall(h, "PATCH", spath(acc, sid), U_OWNER, "{\"share_pct\":10}", NULL, 404));
	json_decref(hcall(h, "DELETE", spath(acc, sid), U_OWNER, NULL, NULL, 404));
	mine = create(WS "/accounts", U_OWNER, "{\"name\":\"Свой клиент\"}");
	json_decref(hcall(h, "PATCH", spath(mine, sid), U_OWNER, "{\"share_pct\":10}", NULL, 404));
	json_decref(hcall(h, "DELETE", spath(mine, sid), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", spath(mine, 0), U_OWNER, "{\"share_pct\":10}", NULL, 405));
}

/* The restore path of supplier sid of account id. */
static const char *
rpath(int64_t id, int64_t sid)
{
	static char path[300];

	snprintf(path, sizeof(path), "%s/restore", spath(id, sid));
	return path;
}

static void
test_restore(void **state)
{
	const char *const stale[] = {"If-Match: \"1\"", NULL};
	char body[128], path[320];
	json_t *j;
	int64_t acc, comp, them, again;

	(void)state;
	acc = create(WS "/accounts", U_MANAGER, "{\"name\":\"Восстановление\"}");
	comp = create(WS "/competitors", U_ANALYST, "{\"name\":\"Возвращенец\"}");
	snprintf(body, sizeof(body), "{\"competitor_id\":%lld,\"share_pct\":40}", (long long)comp);
	them = create(spath(acc, 0), U_MANAGER, body);
	json_decref(hcall(h, "DELETE", spath(acc, them), U_MANAGER, NULL, NULL, 204));
	assert_true(total(acc) == 0);
	/* The archived entry is listed apart, with when it was archived. */
	snprintf(path, sizeof(path), "%s?archived=true", spath(acc, 0));
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	assert_int_equal(json_integer_value(
			     json_object_get(json_array_get(json_object_get(j, "items"), 0), "id")),
			 them);
	assert_true(json_is_string(
	    json_object_get(json_array_get(json_object_get(j, "items"), 0), "archived_at")));
	json_decref(j);
	snprintf(path, sizeof(path), "%s?archived=maybe", spath(acc, 0));
	json_decref(hcall(h, "GET", path, U_VIEWER, NULL, NULL, 422));
	/* Stale version, another manager, a viewer: refused; the entry stays archived. */
	json_decref(hcall(h, "POST", rpath(acc, them), U_MANAGER, NULL, stale, 412));
	json_decref(hcall(h, "POST", rpath(acc, them), U_MANAGER2, NULL, NULL, 403));
	json_decref(hcall(h, "POST", rpath(acc, them), U_VIEWER, NULL, NULL, 403));
	assert_true(total(acc) == 0);
	/* Its share would break 100 %: refused until room is made. */
	json_decref(hcall(h, "POST", spath(acc, 0), U_MANAGER, "{\"share_pct\":70}", NULL, 201));
	json_decref(hcall(h, "POST", rpath(acc, them), U_MANAGER, NULL, NULL, 422));
	assert_true(total(acc) == 70);
	/* A new entry for the same competitor blocks it too. */
	snprintf(body, sizeof(body), "{\"competitor_id\":%lld,\"share_pct\":0}", (long long)comp);
	again = create(spath(acc, 0), U_MANAGER, body);
	json_decref(hcall(h, "POST", rpath(acc, them), U_MANAGER, NULL, NULL, 409));
	json_decref(hcall(h, "DELETE", spath(acc, again), U_MANAGER, NULL, NULL, 204));
	j = hcall(h, "GET", spath(acc, 0), U_VIEWER, NULL, NULL, 200);
	json_decref(hcall(h, "PATCH",
			  spath(acc, json_integer_value(json_object_get(
					 json_array_get(json_object_get(j, "items"), 0), "id"))),
			  U_MANAGER, "{\"share_pct\":60}", NULL, 200));
	json_decref(j);
	j = hcall(h, "POST", rpath(acc, them), U_MANAGER, NULL, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 3);
	assert_true(json_is_null(json_object_get(j, "archived_at")));
	json_decref(j);
	assert_true(total(acc) == 100);
	snprintf(path, sizeof(path), "%s?archived=true", spath(acc, 0));
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	assert_true(json_number_value(json_object_get(j, "total_share_pct")) == 100);
	json_decref(j);
	/* Restoring a live entry changes nothing. */
	j = hcall(h, "POST", rpath(acc, them), U_MANAGER, NULL, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 3);
	json_decref(j);
	/* The account's history shows it. */
	snprintf(body, sizeof(body), WS "/accounts/%lld/audit", (long long)acc);
	j = hcall(h, "GET", body, U_VIEWER, NULL, NULL, 200);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(j, "items"), 0), "action")),
			    "restore");
	json_decref(j);
	/* Another workspace's entry, or one under another account, is not found. */
	json_decref(hcall(h, "POST", rpath(acc, them), U_OTHER, NULL, NULL, 404));
	json_decref(hcall(h, "POST", rpath(acc, 999999), U_MANAGER, NULL, NULL, 404));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shares),	  cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_audit_entries), cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_foreign_ids),	  cmocka_unit_test(test_restore),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_suppliers", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
