/*
 * test_accounts.c — client companies over real HTTP: create, read, merge
 * patch, If-Match, archive and restore, validation (INN, churn, types,
 * unknown fields, UTF-8, sizes), search in any case and script, filters,
 * facets, keyset pages for every sort, the audit history, roles, and other
 * workspaces' ids answered 404.
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

#define ACC	  "/api/v1/workspaces/acme/accounts"
#define ACC_OTHER "/api/v1/workspaces/other/accounts"

static struct harness *h;

/* Creates an account as user from body; returns its id. */
static int64_t
create(int user, const char *body)
{
	json_t *j = hcall(h, "POST", ACC, user, body, NULL, 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));

	assert_true(id > 0);
	json_decref(j);
	return id;
}

/* The path of account id ("/api/v1/workspaces/acme/accounts/7" plus suffix). */
static const char *
apath(int64_t id, const char *suffix)
{
	static char path[256];

	snprintf(path, sizeof(path), ACC "/%lld%s", (long long)id, suffix ? suffix : "");
	return path;
}

/* The string member key of j, or NULL. */
static const char *
str(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

/* The integer member key of j. */
static int64_t
num(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

/* Asserts that a 422 answer names pointer. */
static void
expect_422(const char *method, const char *path, int user, const char *body, const char *pointer)
{
	struct hresp r;

	assert_int_equal(hjson(h, method, path, user, body, &r), 422);
	if (!hresp_has_pointer(&r, pointer))
		fprintf(stderr, "# expected pointer %s in %s\n", pointer, r.body);
	assert_true(hresp_has_pointer(&r, pointer));
	assert_non_null(strstr(r.headers, "application/problem+json"));
	hresp_free(&r);
}

/* The number of items of a list answer for query (after ACC). */
static size_t
count(int user, const char *query)
{
	char path[512];
	json_t *j;
	size_t n;

	snprintf(path, sizeof(path), ACC "%s", query);
	j = hcall(h, "GET", path, user, NULL, NULL, 200);
	n = json_array_size(json_object_get(j, "items"));
	json_decref(j);
	return n;
}

/* True when the JSON array arr holds the string s. */
static bool
contains(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

static void
test_create_and_get(void **state)
{
	struct hresp r;
	json_t *j;
	char *loc, *etag;
	int64_t id;

	(void)state;
	assert_int_equal(
	    hjson(h, "POST", ACC, U_ANALYST,
		  "{\"name\":\" ООО Вектор \",\"legal_name\":\"Общество Вектор\","
		  "\"inn\":\"7707083893\",\"external_id\":\"crm-1\",\"status\":\"active\","
		  "\"segment\":\"Key\",\"owner_email\":\"Manager@Example.test\","
		  "\"tags\":[\"VIP\",\"vip\",\"опт\"],\"industry\":\"Металлургия\","
		  "\"region\":\"Урал\",\"city\":\"Екатеринбург\",\"website\":\"https://vector.ru\","
		  "\"employees\":\"100-499\",\"revenue\":1234567.5,\"revenue_currency\":\"rub\","
		  "\"description\":\"line 1\\nline 2\"}",
		  &r),
	    201);
	loc = hresp_header(&r, "Location");
	etag = hresp_header(&r, "ETag");
	id = num(r.json, "id");
	assert_non_null(loc);
	assert_string_equal(loc, apath(id, NULL));
	assert_string_equal(etag, "\"1\"");
	assert_string_equal(str(r.json, "name"), "ООО Вектор");
	assert_string_equal(str(r.json, "owner_email"), "manager@example.test");
	assert_string_equal(str(r.json, "owner_name"), "manager@example.test");
	assert_int_equal(json_array_size(json_object_get(r.json, "tags")), 2);
	assert_string_equal(str(r.json, "revenue_currency"), "RUB");
	assert_true(json_number_value(json_object_get(r.json, "revenue")) == 1234567.5);
	assert_int_equal(num(r.json, "version"), 1);
	assert_true(json_is_null(json_object_get(r.json, "archived_at")));
	assert_true(json_is_null(json_object_get(r.json, "churned_at")));
	free(loc);
	free(etag);
	hresp_free(&r);

	assert_int_equal(hjson(h, "GET", apath(id, NULL), U_VIEWER, NULL, &r), 200);
	etag = hresp_header(&r, "ETag");
	assert_string_equal(etag, "\"1\"");
	assert_string_equal(str(r.json, "description"), "line 1\nline 2");
	assert_string_equal(str(r.json, "external_id"), "crm-1");
	free(etag);
	hresp_free(&r);

	j = hcall(h, "POST", ACC, U_OWNER, "{\"name\":\"Минимум\"}", NULL, 201);
	assert_string_equal(str(j, "status"), "prospect");
	assert_string_equal(str(j, "revenue_currency"), "RUB");
	assert_true(json_is_null(json_object_get(j, "legal_name")));
	assert_true(json_is_null(json_object_get(j, "owner_email")));
	assert_true(json_is_null(json_object_get(j, "revenue")));
	assert_int_equal(json_array_size(json_object_get(j, "tags")), 0);
	json_decref(j);

	assert_int_equal(hjson(h, "HEAD", apath(id, NULL), U_VIEWER, NULL, &r), 200);
	hresp_free(&r);
}

static void
test_validation(void **state)
{
	char body[4096], *p = body;

	(void)state;
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"bogus\":1}", "/bogus");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"revenue\":\"много\"}", "/revenue");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"revenue\":-1}", "/revenue");
	expect_422("POST", ACC, U_OWNER, "{\"name\":5}", "/name");
	expect_422("POST", ACC, U_OWNER, "{\"legal_name\":\"A\"}", "/name");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"   \"}", "/name");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"inn\":\"7707083894\"}", "/inn");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"inn\":\"77070838\"}", "/inn");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"inn\":\"77070838ab\"}", "/inn");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"status\":\"gone\"}", "/status");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"website\":\"javascript:alert(1)\"}",
		   "/website");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"website\":\"ftp://x.ru\"}", "/website");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"employees\":\"много\"}", "/employees");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"employees\":\"500-100\"}",
		   "/employees");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"revenue_currency\":\"RU\"}",
		   "/revenue_currency");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"revenue_currency\":\"R1B\"}",
		   "/revenue_currency");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"tags\":\"VIP\"}", "/tags");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"tags\":[\"a,b\"]}", "/tags");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"tags\":[1]}", "/tags/0");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"churned_at\":\"2024-02-30\"}",
		   "/churned_at");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"owner_email\":\"nobody@example.test\"}",
		   "/owner_email");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\",\"owner_email\":\"other@example.test\"}",
		   "/owner_email");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"A\\u0001B\"}", "/name");
	json_decref(hcall(h, "POST", ACC, U_OWNER, "[1,2]", NULL, 422));
	p += sprintf(p, "{\"name\":\"");
	for (int i = 0; i < 301; i++)
		p += sprintf(p, "я");
	sprintf(p, "\"}");
	expect_422("POST", ACC, U_OWNER, body, "/name");
	p = body + sprintf(body, "{\"name\":\"A\",\"tags\":[");
	for (int i = 0; i < 51; i++)
		p += sprintf(p, "%s\"t%d\"", i ? "," : "", i);
	sprintf(p, "]}");
	expect_422("POST", ACC, U_OWNER, body, "/tags");
	json_decref(hcall(h, "GET", ACC "?q=A%01", U_OWNER, NULL, NULL, 422));
	json_decref(hcall(h, "POST", ACC, U_OWNER,
			  "{\"name\":\"Инд\",\"inn\":\"500100732259\",\"employees\":\"1000+\"}",
			  NULL, 201));
}

static void
test_bad_bodies(void **state)
{
	static const char bad_utf8[] = "{\"name\":\"\xC3\x28\"}";
	struct hresp r;
	char *big;

	(void)state;
	assert_int_equal(hjson(h, "POST", ACC, U_OWNER, "{\"name\":", &r), 400);
	hresp_free(&r);
	assert_int_equal(hreq(h, "POST", ACC, U_OWNER, "application/json", bad_utf8,
			      sizeof(bad_utf8) - 1, NULL, &r),
			 0);
	assert_int_equal(r.status, 400);
	hresp_free(&r);
	assert_int_equal(
	    hreq(h, "POST", ACC, U_OWNER, "text/plain", "{\"name\":\"A\"}", 12, NULL, &r), 0);
	assert_int_equal(r.status, 400);
	hresp_free(&r);
	assert_int_equal(hjson(h, "POST", ACC, U_OWNER, "{\"name\":\"A\",\"name\":\"B\"}", &r),
			 400);
	hresp_free(&r);
	big = malloc(2u * 1024u * 1024u);
	assert_non_null(big);
	memset(big, ' ', 2u * 1024u * 1024u - 1);
	memcpy(big, "{\"name\":\"A\",\"description\":\"", 27);
	big[2u * 1024u * 1024u - 3] = '"';
	big[2u * 1024u * 1024u - 2] = '}';
	big[2u * 1024u * 1024u - 1] = '\0';
	assert_int_equal(hjson(h, "POST", ACC, U_OWNER, big, &r), 413);
	hresp_free(&r);
	free(big);
	assert_int_equal(hjson(h, "PUT", ACC, U_OWNER, "{}", &r), 405);
	big = hresp_header(&r, "Allow");
	assert_non_null(big);
	assert_non_null(strstr(big, "POST"));
	free(big);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", ACC, U__MAX, NULL, &r), 401);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", ACC "/0", U_OWNER, NULL, &r), 404);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", ACC "/abc", U_OWNER, NULL, &r), 404);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", ACC "/99999999", U_OWNER, NULL, &r), 404);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", "/api/v1/workspaces/nope/accounts", U_OWNER, NULL, &r),
			 404);
	hresp_free(&r);
}

static void
test_churn_rules(void **state)
{
	json_t *j;
	int64_t id;

	(void)state;
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"C1\",\"status\":\"churned\"}", "/churned_at");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"C1\",\"churned_at\":\"2024-01-01\"}",
		   "/churned_at");
	expect_422("POST", ACC, U_OWNER, "{\"name\":\"C1\",\"churn_reason\":\"цена\"}",
		   "/churn_reason");
	id =
	    create(U_OWNER, "{\"name\":\"C1\",\"status\":\"churned\",\"churned_at\":\"2024-01-01\","
			    "\"churn_reason\":\"цена\"}");
	expect_422("PATCH", apath(id, NULL), U_OWNER, "{\"churned_at\":null}", "/churned_at");
	j = hcall(h, "PATCH", apath(id, NULL), U_OWNER, "{\"status\":\"active\"}", NULL, 200);
	assert_true(json_is_null(json_object_get(j, "churned_at")));
	assert_true(json_is_null(json_object_get(j, "churn_reason")));
	json_decref(j);
	expect_422("PATCH", apath(id, NULL), U_OWNER, "{\"churn_reason\":\"x\"}", "/churn_reason");
	expect_422("PATCH", apath(id, NULL), U_OWNER, "{\"status\":\"churned\"}", "/churned_at");
	j = hcall(h, "PATCH", apath(id, NULL), U_OWNER,
		  "{\"status\":\"churned\",\"churned_at\":\"2025-03-01\"}", NULL, 200);
	assert_string_equal(str(j, "churned_at"), "2025-03-01");
	json_decref(j);
}

static void
test_external_id_unique(void **state)
{
	struct hresp r;
	int64_t id;

	(void)state;
	id = create(U_OWNER, "{\"name\":\"E1\",\"external_id\":\"crm-uniq\"}");
	assert_int_equal(
	    hjson(h, "POST", ACC, U_OWNER, "{\"name\":\"E2\",\"external_id\":\"crm-uniq\"}", &r),
	    409);
	assert_true(hresp_has_pointer(&r, "/external_id"));
	hresp_free(&r);
	json_decref(hcall(h, "DELETE", apath(id, NULL), U_OWNER, NULL, NULL, 204));
	assert_int_equal(
	    hjson(h, "POST", ACC, U_OWNER, "{\"name\":\"E2\",\"external_id\":\"crm-uniq\"}", &r),
	    409);
	hresp_free(&r);
	id = create(U_OWNER, "{\"name\":\"E3\",\"external_id\":\"crm-uniq-2\"}");
	assert_int_equal(
	    hjson(h, "PATCH", apath(id, NULL), U_OWNER, "{\"external_id\":\"crm-uniq\"}", &r), 409);
	hresp_free(&r);
	json_decref(hcall(h, "PATCH", apath(id, NULL), U_OWNER, "{\"external_id\":\"crm-uniq-2\"}",
			  NULL, 200));
	/* Another workspace may use the same external id. */
	json_decref(hcall(h, "POST", ACC_OTHER, U_OTHER,
			  "{\"name\":\"E\",\"external_id\":\"crm-uniq\"}", NULL, 201));
}

static void
test_patch_and_if_match(void **state)
{
	const char *const match1[] = {"If-Match: \"1\"", NULL};
	const char *const match2[] = {"If-Match: \"2\"", NULL};
	const char *const bad[] = {"If-Match: soon", NULL};
	struct hresp r;
	json_t *j;
	char *etag;
	int64_t id;

	(void)state;
	id = create(U_OWNER, "{\"name\":\"P1\",\"legal_name\":\"АО П1\",\"tags\":[\"a\"]}");
	j = hcall(h, "PATCH", apath(id, NULL), U_OWNER,
		  "{\"legal_name\":null,\"tags\":[\"b\",\"c\"]}", match1, 200);
	assert_true(json_is_null(json_object_get(j, "legal_name")));
	assert_int_equal(json_array_size(json_object_get(j, "tags")), 2);
	assert_int_equal(num(j, "version"), 2);
	json_decref(j);
	json_decref(hcall(h, "PATCH", apath(id, NULL), U_OWNER, "{\"name\":\"P1x\"}", match1, 412));
	json_decref(hcall(h, "PATCH", apath(id, NULL), U_OWNER, "{\"name\":\"P1x\"}", bad, 400));
	json_decref(hcall(h, "DELETE", apath(id, NULL), U_OWNER, NULL, match1, 412));
	expect_422("PATCH", apath(id, NULL), U_OWNER, "{\"name\":null}", "/name");
	expect_422("PATCH", apath(id, NULL), U_OWNER, "{\"version\":5}", "/version");
	/* A patch that changes nothing keeps the version. */
	j = hcall(h, "PATCH", apath(id, NULL), U_OWNER, "{\"name\":\"P1\"}", match2, 200);
	assert_int_equal(num(j, "version"), 2);
	json_decref(j);
	assert_int_equal(hjson(h, "PATCH", apath(id, NULL), U_OWNER, "{\"name\":\"P2\"}", &r), 200);
	etag = hresp_header(&r, "ETag");
	assert_string_equal(etag, "\"3\"");
	free(etag);
	hresp_free(&r);
	json_decref(hcall(h, "DELETE", apath(id, NULL), U_OWNER, NULL, match2, 412));
	json_decref(hcall(h, "POST", apath(id, "/restore"), U_OWNER, NULL, match2, 412));
	assert_int_equal(count(U_OWNER, "?tag=b&q=p2"), 1);
	assert_int_equal(count(U_OWNER, "?tag=a&q=p2"), 0);
}

static void
test_archive_restore(void **state)
{
	const char *const match[] = {"If-Match: \"1\"", NULL};
	json_t *j;
	int64_t id;

	(void)state;
	id = create(U_OWNER, "{\"name\":\"Архивная компания\"}");
	assert_int_equal(count(U_OWNER, "?q=архивная"), 1);
	json_decref(hcall(h, "DELETE", apath(id, NULL), U_OWNER, NULL, match, 204));
	assert_int_equal(count(U_OWNER, "?q=архивная"), 0);
	assert_int_equal(count(U_OWNER, "?q=архивная&archived=true"), 1);
	j = hcall(h, "GET", apath(id, NULL), U_VIEWER, NULL, NULL, 200);
	assert_non_null(str(j, "archived_at"));
	assert_int_equal(num(j, "version"), 2);
	json_decref(j);
	json_decref(hcall(h, "DELETE", apath(id, NULL), U_OWNER, NULL, NULL, 204));
	j = hcall(h, "POST", apath(id, "/restore"), U_OWNER, NULL, NULL, 200);
	assert_true(json_is_null(json_object_get(j, "archived_at")));
	assert_int_equal(num(j, "version"), 3);
	json_decref(j);
	assert_int_equal(count(U_OWNER, "?q=архивная"), 1);
	assert_int_equal(count(U_OWNER, "?q=архивная&archived=false"), 1);
	json_decref(hcall(h, "GET", ACC "?archived=maybe", U_OWNER, NULL, NULL, 422));
}

static void
test_search(void **state)
{
	(void)state;
	create(U_OWNER, "{\"name\":\"ООО Ромашка\",\"legal_name\":\"Общество Ромашка-Плюс\","
			"\"inn\":\"7728168971\",\"external_id\":\"SAP-0042\"}");
	create(U_OWNER, "{\"name\":\"Ёлочка\"}");
	create(U_OWNER, "{\"name\":\"100% Пром\"}");
	create(U_OWNER, "{\"name\":\"Snake_Case Ltd\"}");
	assert_int_equal(count(U_VIEWER, "?q=%D1%80%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0"), 1);
	assert_int_equal(count(U_VIEWER, "?q=%D0%A0%D0%9E%D0%9C%D0%90%D0%A8%D0%9A%D0%90"), 1);
	assert_int_equal(count(U_VIEWER, "?q=%D0%BF%D0%BB%D1%8E%D1%81"), 1);
	assert_int_equal(count(U_VIEWER, "?q=2816897"), 1);
	assert_int_equal(count(U_VIEWER, "?q=sap-00"), 1);
	assert_int_equal(count(U_VIEWER, "?q=%D0%B5%D0%BB%D0%BE%D1%87"), 1);
	assert_int_equal(count(U_VIEWER, "?q=100%25"), 1);
	assert_int_equal(count(U_VIEWER, "?q=e_c"), 1);
	assert_int_equal(count(U_VIEWER, "?q=e%25c"), 0);
	assert_int_equal(count(U_VIEWER, "?q=zzzz-nothing"), 0);
	json_decref(hcall(h, "GET", ACC "?q=%C3%28", U_VIEWER, NULL, NULL, 422));
}

static void
test_filters_and_facets(void **state)
{
	json_t *j, *st;

	(void)state;
	create(U_OWNER, "{\"name\":\"F1\",\"status\":\"at_risk\",\"segment\":\"Сегмент-Ф\","
			"\"industry\":\"Химия-Ф\",\"region\":\"Регион-Ф\",\"tags\":[\"тег-ф\"],"
			"\"owner_email\":\"manager2@example.test\"}");
	create(U_OWNER, "{\"name\":\"F2\",\"status\":\"at_risk\",\"segment\":\"Сегмент-Ф\","
			"\"industry\":\"Химия-Ф\",\"region\":\"Регион-Г\"}");
	assert_int_equal(
	    count(U_VIEWER, "?segment=%D0%A1%D0%B5%D0%B3%D0%BC%D0%B5%D0%BD%D1%82-%D0%A4"), 2);
	assert_int_equal(count(U_VIEWER,
			       "?segment=%D0%A1%D0%B5%D0%B3%D0%BC%D0%B5%D0%BD%D1%82-%D0%A4"
			       "&region=%D0%A0%D0%B5%D0%B3%D0%B8%D0%BE%D0%BD-%D0%93"),
			 1);
	assert_int_equal(count(U_VIEWER, "?industry=%D0%A5%D0%B8%D0%BC%D0%B8%D1%8F-%D0%A4"
					 "&status=at_risk"),
			 2);
	assert_int_equal(count(U_VIEWER, "?tag=%D1%82%D0%B5%D0%B3-%D1%84"), 1);
	assert_int_equal(count(U_VIEWER, "?owner=manager2@example.test"), 1);
	assert_int_equal(count(U_VIEWER, "?owner=MANAGER2@example.test&status=active"), 0);
	json_decref(hcall(h, "GET", ACC "?status=gone", U_VIEWER, NULL, NULL, 422));
	j = hcall(h, "GET", ACC "/facets", U_VIEWER, NULL, NULL, 200);
	st = json_object_get(j, "status");
	assert_int_equal(json_array_size(st), 4);
	assert_string_equal(json_string_value(json_array_get(st, 2)), "at_risk");
	assert_true(contains(json_object_get(j, "segment"), "Сегмент-Ф"));
	assert_true(contains(json_object_get(j, "tag"), "тег-ф"));
	assert_true(json_array_size(json_object_get(j, "tag")) >= 1);
	assert_true(json_array_size(json_object_get(j, "industry")) >= 1);
	assert_true(json_array_size(json_object_get(j, "region")) >= 2);
	json_decref(j);
	j = hcall(h, "GET", ACC_OTHER "/facets", U_OTHER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "segment")), 0);
	json_decref(j);
}

/* Walks every page of query with page size limit; checks no duplicates and returns the count. */
static size_t
walk(const char *query, unsigned limit, int64_t *seen, size_t cap, const char *key, bool descending)
{
	char path[4096], cursor[2048] = "";
	size_t n = 0;
	json_t *prev = NULL;

	for (int pages = 0; pages < 1000; pages++) {
		json_t *j, *items, *it;
		const char *next;
		size_t i;

		snprintf(path, sizeof(path), ACC "?%s&limit=%u%s%s", query, limit,
			 cursor[0] ? "&cursor=" : "", cursor);
		j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
		items = json_object_get(j, "items");
		assert_true(json_array_size(items) <= limit);
		json_array_foreach(items, i, it)
		{
			int64_t id = num(it, "id");
			json_t *k = json_object_get(it, key);

			for (size_t s = 0; s < n; s++)
				assert_true(seen[s] != id);
			assert_true(n < cap);
			seen[n++] = id;
			if (prev != NULL && key != NULL) {
				/* Keys move one way; nulls (no revenue) first ascending, last
				 * descending. */
				int order = 0;

				if (json_is_null(prev) && !json_is_null(k))
					order = -1;
				else if (!json_is_null(prev) && json_is_null(k))
					order = 1;
				else if (json_is_string(k))
					order =
					    strcmp(json_string_value(prev), json_string_value(k));
				else if (json_is_number(k))
					order = json_number_value(prev) < json_number_value(k) ? -1
						: json_number_value(prev) > json_number_value(k)
						    ? 1
						    : 0;
				assert_true(descending ? order >= 0 : order <= 0);
			}
			json_decref(prev);
			prev = json_incref(k);
		}
		next = str(j, "next_cursor");
		if (next == NULL) {
			json_decref(j);
			break;
		}
		assert_int_equal(json_array_size(items), limit);
		snprintf(cursor, sizeof(cursor), "%s", next);
		json_decref(j);
	}
	json_decref(prev);
	return n;
}

static void
test_pagination_every_sort(void **state)
{
	static const struct {
		const char *sort;
		const char *key;
		bool desc;
	} sorts[] = {
	    {"name", "name", false},
	    {"-name", "name", true},
	    {"updated_at", "updated_at", false},
	    {"-updated_at", "updated_at", true},
	    {"created_at", "created_at", false},
	    {"-created_at", "created_at", true},
	    {"revenue", "revenue", false},
	    {"-revenue", "revenue", true},
	};
	int64_t seen[256];
	char body[256], query[128];
	size_t total;
	json_t *j;

	(void)state;
	for (int i = 0; i < 23; i++) {
		if (i % 4 == 0)
			snprintf(body, sizeof(body),
				 "{\"name\":\"Страница %d\",\"segment\":\"pages\"}", i % 3);
		else
			snprintf(body, sizeof(body),
				 "{\"name\":\"Страница %d\",\"segment\":\"pages\",\"revenue\":%d}",
				 i % 3, (i % 5) * 1000);
		create(U_OWNER, body);
	}
	j = hcall(h, "GET", ACC "?segment=pages&limit=500", U_VIEWER, NULL, NULL, 200);
	total = json_array_size(json_object_get(j, "items"));
	assert_int_equal(total, 23);
	assert_true(json_is_null(json_object_get(j, "next_cursor")));
	json_decref(j);
	for (size_t s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++)
		for (unsigned limit = 1; limit <= 7; limit += 3) {
			snprintf(query, sizeof(query), "segment=pages&sort=%s", sorts[s].sort);
			assert_int_equal(walk(query, limit, seen, 256, sorts[s].key, sorts[s].desc),
					 total);
		}
	/* The whole workspace, default order, pages of 10. */
	j = hcall(h, "GET", ACC "?limit=500", U_VIEWER, NULL, NULL, 200);
	total = json_array_size(json_object_get(j, "items"));
	json_decref(j);
	assert_int_equal(walk("sort=name", 10, seen, 256, "name", false), total);
}

/* The created_at orders are the id orders: creation order, newest first when descending. */
static void
test_created_order_is_id_order(void **state)
{
	int64_t ids[5], prev;
	json_t *j, *items;

	(void)state;
	for (int i = 0; i < 5; i++)
		ids[i] = create(U_OWNER, "{\"name\":\"Created order\",\"segment\":\"created\"}");
	j = hcall(h, "GET", ACC "?segment=created&sort=created_at&limit=500", U_VIEWER, NULL, NULL,
		  200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(num(json_array_get(items, i), "id"), ids[i]);
	json_decref(j);
	j = hcall(h, "GET", ACC "?segment=created&sort=-created_at&limit=500", U_VIEWER, NULL, NULL,
		  200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(num(json_array_get(items, i), "id"), ids[4 - i]);
	json_decref(j);
	/* Over the whole workspace too, where other tests' accounts come first. */
	j = hcall(h, "GET", ACC "?sort=created_at&limit=500", U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	prev = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		assert_true(num(json_array_get(items, i), "id") > prev);
		prev = num(json_array_get(items, i), "id");
	}
	json_decref(j);
}

static void
test_list_parameters(void **state)
{
	json_t *j;
	char path[2048];

	(void)state;
	create(U_OWNER, "{\"name\":\"L1\"}");
	create(U_OWNER, "{\"name\":\"L2\"}");
	json_decref(hcall(h, "GET", ACC "?limit=0", U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", ACC "?limit=501", U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", ACC "?limit=ten", U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", ACC "?sort=size", U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", ACC "?cursor=garbage!", U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", ACC "?cursor=WyJuYW1lIiwiQSJd", U_VIEWER, NULL, NULL, 422));
	j = hcall(h, "GET", ACC "?limit=1", U_VIEWER, NULL, NULL, 200);
	assert_non_null(str(j, "next_cursor"));
	snprintf(path, sizeof(path), ACC "?limit=1&sort=-revenue&cursor=%s", str(j, "next_cursor"));
	json_decref(hcall(h, "GET", path, U_VIEWER, NULL, NULL, 422));
	snprintf(path, sizeof(path), ACC "?limit=1&cursor=%s", str(j, "next_cursor"));
	json_decref(j);
	json_decref(hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200));
	j = hcall(h, "GET", ACC, U_VIEWER, NULL, NULL, 200);
	assert_true(json_array_size(json_object_get(j, "items")) <= 50);
	json_decref(j);
	{
		struct hresp r;

		assert_int_equal(hjson(h, "GET", ACC "?limit=0", U_VIEWER, NULL, &r), 422);
		assert_true(hresp_has_pointer(&r, "limit"));
		hresp_free(&r);
	}
}

static void
test_audit(void **state)
{
	json_t *j, *items, *e;
	char path[1024];
	int64_t id;

	(void)state;
	id = create(U_ANALYST, "{\"name\":\"Аудит\",\"tags\":[\"x\"]}");
	json_decref(hcall(h, "PATCH", apath(id, NULL), U_OWNER,
			  "{\"name\":\"Аудит 2\",\"revenue\":10.5,\"tags\":[]}", NULL, 200));
	json_decref(hcall(h, "DELETE", apath(id, NULL), U_OWNER, NULL, NULL, 204));
	json_decref(hcall(h, "POST", apath(id, "/restore"), U_ANALYST, NULL, NULL, 200));
	j = hcall(h, "GET", apath(id, "/audit"), U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 4);
	assert_true(json_is_null(json_object_get(j, "next_cursor")));
	e = json_array_get(items, 0);
	assert_string_equal(str(e, "action"), "restore");
	assert_string_equal(str(e, "actor_email"), "analyst@example.test");
	assert_string_equal(str(e, "entity_type"), "account");
	assert_int_equal(num(e, "entity_id"), id);
	assert_non_null(str(e, "at"));
	assert_string_equal(str(json_array_get(items, 1), "action"), "archive");
	e = json_array_get(items, 2);
	assert_string_equal(str(e, "action"), "update");
	assert_string_equal(str(e, "actor_email"), "owner@example.test");
	assert_string_equal(str(json_object_get(json_object_get(e, "changes"), "name"), "from"),
			    "Аудит");
	assert_string_equal(str(json_object_get(json_object_get(e, "changes"), "name"), "to"),
			    "Аудит 2");
	assert_true(json_number_value(json_object_get(
			json_object_get(json_object_get(e, "changes"), "revenue"), "to")) == 10.5);
	assert_int_equal(json_array_size(json_object_get(
			     json_object_get(json_object_get(e, "changes"), "tags"), "to")),
			 0);
	assert_null(json_object_get(json_object_get(e, "changes"), "status"));
	e = json_array_get(items, 3);
	assert_string_equal(str(e, "action"), "create");
	assert_string_equal(str(json_object_get(json_object_get(e, "changes"), "name"), "to"),
			    "Аудит");
	json_decref(j);

	j = hcall(h, "GET", apath(id, "/audit?limit=3"), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 3);
	assert_non_null(str(j, "next_cursor"));
	snprintf(path, sizeof(path), ACC "/%lld/audit?limit=3&cursor=%.400s", (long long)id,
		 str(j, "next_cursor"));
	json_decref(j);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	assert_string_equal(str(json_array_get(json_object_get(j, "items"), 0), "action"),
			    "create");
	assert_true(json_is_null(json_object_get(j, "next_cursor")));
	json_decref(j);
	json_decref(hcall(h, "GET", apath(id, "/audit?cursor=x"), U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", apath(id, "/audit?limit=0"), U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", apath(99999999, "/audit"), U_VIEWER, NULL, NULL, 404));
}

static void
test_roles(void **state)
{
	json_t *j;
	int64_t mine, theirs, nobody;

	(void)state;
	/* Viewers read only. */
	json_decref(hcall(h, "POST", ACC, U_VIEWER, "{\"name\":\"V\"}", NULL, 403));
	nobody = create(U_OWNER, "{\"name\":\"Ничья\"}");
	json_decref(hcall(h, "GET", apath(nobody, NULL), U_VIEWER, NULL, NULL, 200));
	json_decref(
	    hcall(h, "PATCH", apath(nobody, NULL), U_VIEWER, "{\"name\":\"V\"}", NULL, 403));
	json_decref(hcall(h, "DELETE", apath(nobody, NULL), U_VIEWER, NULL, NULL, 403));
	json_decref(hcall(h, "POST", apath(nobody, "/restore"), U_VIEWER, NULL, NULL, 403));
	/* Managers create accounts they own, and change only those. */
	j = hcall(h, "POST", ACC, U_MANAGER, "{\"name\":\"Моя\"}", NULL, 201);
	mine = num(j, "id");
	assert_string_equal(str(j, "owner_email"), "manager@example.test");
	json_decref(j);
	json_decref(hcall(h, "POST", ACC, U_MANAGER,
			  "{\"name\":\"Чужая\",\"owner_email\":\"manager2@example.test\"}", NULL,
			  403));
	json_decref(hcall(h, "POST", ACC, U_MANAGER,
			  "{\"name\":\"Моя 2\",\"owner_email\":\"MANAGER@example.test\"}", NULL,
			  201));
	theirs = create(U_MANAGER2, "{\"name\":\"Его\"}");
	json_decref(
	    hcall(h, "PATCH", apath(mine, NULL), U_MANAGER, "{\"segment\":\"S\"}", NULL, 200));
	json_decref(
	    hcall(h, "PATCH", apath(theirs, NULL), U_MANAGER, "{\"segment\":\"S\"}", NULL, 403));
	json_decref(
	    hcall(h, "PATCH", apath(nobody, NULL), U_MANAGER, "{\"segment\":\"S\"}", NULL, 403));
	json_decref(hcall(h, "DELETE", apath(theirs, NULL), U_MANAGER, NULL, NULL, 403));
	json_decref(hcall(h, "POST", apath(theirs, "/restore"), U_MANAGER, NULL, NULL, 403));
	json_decref(hcall(h, "PATCH", apath(mine, NULL), U_MANAGER,
			  "{\"owner_email\":\"manager2@example.test\"}", NULL, 403));
	json_decref(
	    hcall(h, "PATCH", apath(mine, NULL), U_MANAGER, "{\"owner_email\":null}", NULL, 403));
	json_decref(hcall(h, "DELETE", apath(mine, NULL), U_MANAGER, NULL, NULL, 204));
	json_decref(hcall(h, "POST", apath(mine, "/restore"), U_MANAGER, NULL, NULL, 200));
	json_decref(hcall(h, "GET", apath(theirs, "/audit"), U_MANAGER, NULL, NULL, 200));
	/* Analysts and owners change everything, owners included. */
	j = hcall(h, "PATCH", apath(theirs, NULL), U_ANALYST,
		  "{\"owner_email\":\"manager@example.test\"}", NULL, 200);
	assert_string_equal(str(j, "owner_email"), "manager@example.test");
	json_decref(j);
	json_decref(
	    hcall(h, "PATCH", apath(theirs, NULL), U_MANAGER, "{\"segment\":\"S\"}", NULL, 200));
	json_decref(
	    hcall(h, "PATCH", apath(theirs, NULL), U_ADMIN, "{\"owner_email\":null}", NULL, 200));
	json_decref(
	    hcall(h, "PATCH", apath(theirs, NULL), U_MANAGER, "{\"segment\":\"T\"}", NULL, 403));
	/* Not a member of acme: the workspace does not exist for them. */
	json_decref(hcall(h, "GET", ACC, U_OTHER, NULL, NULL, 404));
}

static void
test_foreign_ids(void **state)
{
	json_t *j;
	int64_t foreign;
	char path[256];

	(void)state;
	j = hcall(h, "POST", ACC_OTHER, U_OTHER, "{\"name\":\"Чужое пространство\"}", NULL, 201);
	foreign = num(j, "id");
	json_decref(j);
	json_decref(hcall(h, "GET", apath(foreign, NULL), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", apath(foreign, NULL), U_ADMIN, NULL, NULL, 404));
	json_decref(
	    hcall(h, "PATCH", apath(foreign, NULL), U_OWNER, "{\"name\":\"x\"}", NULL, 404));
	json_decref(hcall(h, "DELETE", apath(foreign, NULL), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "POST", apath(foreign, "/restore"), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", apath(foreign, "/audit"), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", apath(foreign, "/suppliers"), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "POST", apath(foreign, "/suppliers"), U_OWNER, "{\"share_pct\":10}",
			  NULL, 404));
	json_decref(hcall(h, "PATCH", apath(foreign, "/suppliers/1"), U_OWNER, "{\"share_pct\":10}",
			  NULL, 404));
	json_decref(hcall(h, "DELETE", apath(foreign, "/suppliers/1"), U_OWNER, NULL, NULL, 404));
	assert_int_equal(count(U_OWNER, "?q=%D1%87%D1%83%D0%B6%D0%BE%D0%B5"), 0);
	snprintf(path, sizeof(path), ACC_OTHER "/%lld", (long long)foreign);
	json_decref(hcall(h, "GET", path, U_OTHER, NULL, NULL, 200));
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_and_get),
	    cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_bad_bodies),
	    cmocka_unit_test(test_churn_rules),
	    cmocka_unit_test(test_external_id_unique),
	    cmocka_unit_test(test_patch_and_if_match),
	    cmocka_unit_test(test_archive_restore),
	    cmocka_unit_test(test_search),
	    cmocka_unit_test(test_filters_and_facets),
	    cmocka_unit_test(test_pagination_every_sort),
	    cmocka_unit_test(test_list_parameters),
	    cmocka_unit_test(test_created_order_is_id_order),
	    cmocka_unit_test(test_audit),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_foreign_ids),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_accounts", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
