/*
 * test_assessments.c — assessments of a client's loyalty over real HTTP:
 * recording with scores, comments and factors with evidence; validation with
 * the JSON pointer of the field at fault (scale, factor of another component,
 * another workspace's component or factor, retired entries, dates); nothing
 * half-saved; corrections as new versions with If-Match and the account's
 * history; pages; roles; other workspaces' and unknown ids answered 404.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/loyalty_index.h"
#include "harness.h"
#include "loyalty_fixtures.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"
#define BODY_MAX 4096

static struct harness *h;

static struct db_sql sql_rows = DB_SQL(
    "SELECT (SELECT COUNT(*) FROM assessments WHERE workspace_id = ?1 AND account_id = ?2)"
    " + (SELECT COUNT(*) FROM assessment_scores WHERE workspace_id = ?1 AND account_id = ?2)"
    " + (SELECT COUNT(*) FROM assessment_factors WHERE workspace_id = ?1 AND account_id = ?2)");

/* Rows of assessments, scores and factors stored for account acc. */
static int64_t
stored_rows(int64_t acc)
{
	struct db_conn *c;
	struct db_stmt *st;
	bool row;
	int64_t n = -1;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql_rows, &st), ADV_OK);
	db_bind_int(st, 1, h->ws_acme);
	db_bind_int(st, 2, acc);
	assert_int_equal(db_step(st, &row), ADV_OK);
	assert_true(row);
	n = db_col_int(st, 0);
	db_done(st);
	db_release(h->db, c);
	return n;
}

/* A new account of acme owned by owner_email (or the caller when NULL), made by user. */
static int64_t
account(const char *name, int user, const char *owner_email)
{
	char body[256];

	if (owner_email != NULL)
		snprintf(body, sizeof(body), "{\"name\":\"%s\",\"owner_email\":\"%s\"}", name,
			 owner_email);
	else
		snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	return lf_create(h, WS "/accounts", user, body);
}

/* The assessments path of account acc (of workspace prefix ws), plus "/id" and suffix. */
static const char *
apath(const char *ws, int64_t acc, int64_t id, const char *suffix)
{
	static char path[256];

	if (id > 0)
		snprintf(path, sizeof(path), "%s/accounts/%lld/assessments/%lld%s", ws,
			 (long long)acc, (long long)id, suffix ? suffix : "");
	else
		snprintf(path, sizeof(path), "%s/accounts/%lld/assessments", ws, (long long)acc);
	return path;
}

/* Asserts a 422 naming pointer for method body on path as the owner. */
static void
expect_422(const char *method, const char *path, const char *body, const char *pointer)
{
	lf_expect_pointer(h, method, path, U_OWNER, body, 422, pointer);
}

/* Today's date as YYYY-MM-DD (UTC, as the server sees it), shifted by months back. */
static void
date_months_ago(unsigned months, char out[LOYALTY_DATE_TEXT])
{
	char t[LOYALTY_DATE_TEXT];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(t, sizeof(t), "%Y-%m-%d", &tm);
	loyalty_date_text(loyalty_months_before(loyalty_date_parse(t, 10), months), out);
}

static void
test_create_read(void **state)
{
	char body[BODY_MAX], *loc, *etag, expect[256];
	int64_t acc, terms = lf_comp(h, h->ws_acme, "terms"),
		     service = lf_comp(h, h->ws_acme, "service"),
		     queue = lf_factor(h, h->ws_acme, "shipment", 1),
		     volumes = lf_factor(h, h->ws_acme, "terms", 1),
		     individual = lf_factor(h, h->ws_acme, "terms", 4), id;
	struct hresp r;
	json_t *j, *comps, *c0, *fs;

	(void)state;
	acc = account("Оценщик", U_OWNER, NULL);
	/* Given out of catalogue order: shipment's factor, then service, then terms. */
	snprintf(body, sizeof(body),
		 "{\"assessed_on\":\"2025-06-10\",\"source\":\"interview\","
		 "\"person\":\" Главный инженер И. Петров \","
		 "\"summary\":\"Лоялен, но недоволен отгрузкой\",\"recommend\":8,"
		 "\"components\":["
		 "{\"component_id\":%lld,\"factors\":[{\"factor_id\":%lld,"
		 "\"evidence\":\"«очереди по 3 часа»\"}]},"
		 "{\"component_id\":%lld,\"score\":3,\"comment\":\"  \"},"
		 "{\"component_id\":%lld,\"score\":4.5,\"comment\":\"стабильно\","
		 "\"factors\":[{\"factor_id\":%lld},{\"factor_id\":%lld,\"evidence\":null}]}]}",
		 (long long)lf_comp(h, h->ws_acme, "shipment"), (long long)queue,
		 (long long)service, (long long)terms, (long long)individual, (long long)volumes);
	assert_int_equal(hjson(h, "POST", apath(WS, acc, 0, NULL), U_ANALYST, body, &r), 201);
	id = json_integer_value(json_object_get(r.json, "id"));
	assert_true(id > 0);
	loc = hresp_header(&r, "Location");
	assert_string_equal(loc, apath(WS, acc, id, NULL));
	free(loc);
	etag = hresp_header(&r, "ETag");
	assert_string_equal(etag, "\"1\"");
	free(etag);
	j = r.json;
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "account_id")), acc);
	assert_string_equal(json_string_value(json_object_get(j, "person")),
			    "Главный инженер И. Петров");
	assert_string_equal(json_string_value(json_object_get(j, "source")), "interview");
	assert_int_equal(json_integer_value(json_object_get(j, "recommend")), 8);
	assert_true(json_is_null(json_object_get(j, "stage_id")));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "author"), "email")),
	    h->email[U_ANALYST]);
	comps = json_object_get(j, "components");
	assert_int_equal(json_array_size(comps), 3);
	/* Catalogue order: terms, service, shipment; factors in the catalogue's order too. */
	c0 = json_array_get(comps, 0);
	assert_int_equal(json_integer_value(json_object_get(c0, "component_id")), terms);
	assert_true(json_number_value(json_object_get(c0, "score")) == 4.5);
	assert_string_equal(json_string_value(json_object_get(c0, "comment")), "стабильно");
	fs = json_object_get(c0, "factors");
	assert_int_equal(json_array_size(fs), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fs, 0), "factor_id")),
			 volumes);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fs, 1), "factor_id")),
			 individual);
	assert_true(json_is_null(json_object_get(json_array_get(fs, 1), "evidence")));
	/* A blank comment is none. */
	assert_true(json_is_null(json_object_get(json_array_get(comps, 1), "comment")));
	assert_true(json_is_null(json_object_get(json_array_get(comps, 2), "score")));
	assert_string_equal(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(json_array_get(comps, 2), "factors"), 0),
		"evidence")),
	    "«очереди по 3 часа»");
	hresp_free(&r);
	/* Read back: the same. */
	j = hcall(h, "GET", apath(WS, acc, id, NULL), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "components")), 3);
	assert_string_equal(json_string_value(json_object_get(j, "assessed_on")), "2025-06-10");
	json_decref(j);
	/* Today by default; a summary alone is an assessment. */
	j = hcall(h, "POST", apath(WS, acc, 0, NULL), U_OWNER,
		  "{\"source\":\"manual\",\"summary\":\"Заметка\"}", NULL, 201);
	date_months_ago(0, expect);
	assert_string_equal(json_string_value(json_object_get(j, "assessed_on")), expect);
	assert_int_equal(json_array_size(json_object_get(j, "components")), 0);
	json_decref(j);
	j = hcall(h, "GET", apath(WS, acc, 0, NULL), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	/* Newest first. */
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(j, "items"), 0), "assessed_on")),
			    expect);
	assert_true(json_is_null(json_object_get(j, "next_cursor")));
	json_decref(j);
}

static void
test_validation(void **state)
{
	char body[BODY_MAX], future[LOYALTY_DATE_TEXT];
	int64_t acc = account("Проверка", U_OWNER, NULL), before;
	int64_t terms = lf_comp(h, h->ws_acme, "terms"),
		service = lf_comp(h, h->ws_acme, "service");
	int64_t other_terms = lf_comp(h, h->ws_other, "terms");
	int64_t queue = lf_factor(h, h->ws_acme, "shipment", 1);
	int64_t other_factor = lf_factor(h, h->ws_other, "terms", 1);
	const char *path = apath(WS, acc, 0, NULL);
	char p[256];
	time_t tomorrow = time(NULL) + 86400 * 2;
	struct tm tm;

	(void)state;
	snprintf(p, sizeof(p), "%s", path);
	gmtime_r(&tomorrow, &tm);
	strftime(future, sizeof(future), "%Y-%m-%d", &tm);
	before = stored_rows(acc);
	/* A score outside the scale. */
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"components\":[{\"component_id\":%lld,\"score\":4},"
		 "{\"component_id\":%lld,\"score\":6}]}",
		 (long long)terms, (long long)service);
	expect_422("POST", p, body, "/components/1/score");
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"components\":[{\"component_id\":%lld,\"score\":0}]}",
		 (long long)terms);
	expect_422("POST", p, body, "/components/0/score");
	/* A factor of another component. */
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"components\":[{\"component_id\":%lld,\"score\":4},"
		 "{\"component_id\":%lld,\"score\":3,\"factors\":[{\"factor_id\":%lld}]}]}",
		 (long long)terms, (long long)service, (long long)queue);
	expect_422("POST", p, body, "/components/1/factors/0/factor_id");
	/* Another workspace's component and factor: references in a body, so 422. */
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"components\":[{\"component_id\":%lld,\"score\":4}]}",
		 (long long)other_terms);
	expect_422("POST", p, body, "/components/0/component_id");
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"components\":[{\"component_id\":%lld,"
		 "\"factors\":[{\"factor_id\":%lld}]}]}",
		 (long long)terms, (long long)other_factor);
	expect_422("POST", p, body, "/components/0/factors/0/factor_id");
	/* Unknown component; a component twice; a factor twice. */
	expect_422("POST", p,
		   "{\"source\":\"survey\",\"components\":[{\"component_id\":999999,\"score\":3}]}",
		   "/components/0/component_id");
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"components\":[{\"component_id\":%lld,\"score\":4},"
		 "{\"component_id\":%lld,\"score\":3}]}",
		 (long long)terms, (long long)terms);
	expect_422("POST", p, body, "/components/1/component_id");
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"components\":[{\"component_id\":%lld,"
		 "\"factors\":[{\"factor_id\":%lld},{\"factor_id\":%lld}]}]}",
		 (long long)lf_comp(h, h->ws_acme, "shipment"), (long long)queue, (long long)queue);
	expect_422("POST", p, body, "/components/0/factors/1/factor_id");
	/* A comment needs a score. */
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"components\":[{\"component_id\":%lld,"
		 "\"comment\":\"без оценки\",\"factors\":[{\"factor_id\":%lld}]}]}",
		 (long long)lf_comp(h, h->ws_acme, "shipment"), (long long)queue);
	expect_422("POST", p, body, "/components/0/comment");
	/* Nothing recorded. */
	expect_422("POST", p, "{\"source\":\"survey\"}", "/components");
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"summary\":\"  \",\"components\":[{\"component_id\":%lld,"
		 "\"score\":null}]}",
		 (long long)terms);
	expect_422("POST", p, body, "/components");
	/* Dates, source, recommend, types, unknown fields. */
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"summary\":\"x\",\"assessed_on\":\"%s\"}", future);
	expect_422("POST", p, body, "/assessed_on");
	expect_422("POST", p,
		   "{\"source\":\"survey\",\"summary\":\"x\",\"assessed_on\":\"2025-02-30\"}",
		   "/assessed_on");
	expect_422("POST", p,
		   "{\"source\":\"survey\",\"summary\":\"x\",\"assessed_on\":\"1969-12-31\"}",
		   "/assessed_on");
	expect_422("POST", p, "{\"summary\":\"x\"}", "/source");
	expect_422("POST", p, "{\"source\":\"rumour\",\"summary\":\"x\"}", "/source");
	expect_422("POST", p, "{\"source\":\"survey\",\"summary\":\"x\",\"recommend\":11}",
		   "/recommend");
	expect_422("POST", p, "{\"source\":\"survey\",\"summary\":\"x\",\"recommend\":7.5}",
		   "/recommend");
	expect_422("POST", p, "{\"source\":\"survey\",\"summary\":\"x\",\"colour\":\"red\"}",
		   "/colour");
	expect_422("POST", p, "{\"source\":\"survey\",\"components\":{}}", "/components");
	expect_422("POST", p, "{\"source\":\"survey\",\"components\":[5]}", "/components/0");
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"components\":[{\"component_id\":%lld,\"score\":\"4\","
		 "\"weight\":2}]}",
		 (long long)terms);
	expect_422("POST", p, body, "/components/0/score");
	expect_422("POST", p, body, "/components/0/weight");
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"components\":[{\"component_id\":%lld,"
		 "\"factors\":[{\"factor_id\":%lld,\"note\":1}]}]}",
		 (long long)lf_comp(h, h->ws_acme, "shipment"), (long long)queue);
	expect_422("POST", p, body, "/components/0/factors/0/note");
	expect_422("POST", p, "{\"source\":\"survey\",\"components\":[{\"score\":3}]}",
		   "/components/0/component_id");
	expect_422("POST", p, "{\"source\":\"survey\",\"summary\":\"x\",\"stage_id\":999999}",
		   "/stage_id");
	expect_422("POST", p, "{\"source\":\"survey\",\"summary\":\"x\",\"item_id\":999999}",
		   "/item_id");
	/* Nothing of it was stored. */
	assert_int_equal(stored_rows(acc), before);
	json_decref(hcall(h, "POST", p, U_OWNER, "{not json", NULL, 400));
}

static void
test_versions(void **state)
{
	const char *const match1[] = {"If-Match: \"1\"", NULL};
	const char *const match2[] = {"If-Match: \"2\"", NULL};
	char body[BODY_MAX], body2[BODY_MAX];
	int64_t acc = account("Версии", U_OWNER, NULL), id, terms = lf_comp(h, h->ws_acme, "terms");
	int64_t prices = lf_comp(h, h->ws_acme, "prices"),
		cheap = lf_factor(h, h->ws_acme, "prices", 3);
	json_t *j, *items, *audit;
	struct hresp r;
	char *etag;
	int found = 0;

	(void)state;
	snprintf(body, sizeof(body),
		 "{\"assessed_on\":\"2025-03-01\",\"source\":\"interview\",\"components\":["
		 "{\"component_id\":%lld,\"score\":2}]}",
		 (long long)terms);
	id = lf_create(h, apath(WS, acc, 0, NULL), U_OWNER, body);
	snprintf(body2, sizeof(body2),
		 "{\"source\":\"interview\",\"summary\":\"исправлено\",\"components\":["
		 "{\"component_id\":%lld,\"score\":3},{\"component_id\":%lld,\"score\":5,"
		 "\"factors\":[{\"factor_id\":%lld,\"evidence\":\"дешевле всех\"}]}]}",
		 (long long)terms, (long long)prices, (long long)cheap);
	assert_int_equal(hreq(h, "PUT", apath(WS, acc, id, NULL), U_ANALYST, "application/json",
			      body2, strlen(body2), match1, &r),
			 0);
	assert_int_equal(r.status, 200);
	etag = hresp_header(&r, "ETag");
	assert_string_equal(etag, "\"2\"");
	free(etag);
	assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "id")), id);
	/* The date stays when the correction leaves it out. */
	assert_string_equal(json_string_value(json_object_get(r.json, "assessed_on")),
			    "2025-03-01");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "author"), "email")),
	    h->email[U_ANALYST]);
	hresp_free(&r);
	/* A stale version is refused and changes nothing. */
	json_decref(hcall(h, "PUT", apath(WS, acc, id, NULL), U_OWNER, body, match1, 412));
	j = hcall(h, "GET", apath(WS, acc, id, NULL), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	assert_int_equal(json_array_size(json_object_get(j, "components")), 2);
	json_decref(j);
	/* The same content again stores nothing new. */
	j = hcall(h, "PUT", apath(WS, acc, id, NULL), U_OWNER, body2, match2, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	/* The list shows the current version only; versions lists both, newest first. */
	j = hcall(h, "GET", apath(WS, acc, 0, NULL), U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "version")),
			 2);
	json_decref(j);
	j = hcall(h, "GET", apath(WS, acc, id, "/versions"), U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "version")),
			 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "version")),
			 1);
	assert_true(json_number_value(json_object_get(
			json_array_get(json_object_get(json_array_get(items, 1), "components"), 0),
			"score")) == 2);
	json_decref(j);
	/* Without If-Match a correction applies to whatever is current. */
	j = hcall(h, "PUT", apath(WS, acc, id, NULL), U_OWNER, body, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 3);
	json_decref(j);
	/* Each version is in the account's history. */
	j = hcall(h, "GET", WS "/accounts/0/audit", U_VIEWER, NULL, NULL, 404);
	json_decref(j);
	{
		char path[128];

		snprintf(path, sizeof(path), WS "/accounts/%lld/audit", (long long)acc);
		j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	}
	audit = json_object_get(j, "items");
	for (size_t i = 0; i < json_array_size(audit); i++) {
		json_t *e = json_array_get(audit, i);

		if (strcmp(json_string_value(json_object_get(e, "entity_type")), "assessment") != 0)
			continue;
		assert_int_equal(json_integer_value(json_object_get(e, "entity_id")), id);
		found++;
		if (strcmp(json_string_value(json_object_get(e, "action")), "create") == 0)
			assert_non_null(
			    json_object_get(json_object_get(e, "changes"), "components"));
	}
	assert_int_equal(found, 3);
	json_decref(j);
	/* A bad correction stores nothing. */
	snprintf(body, sizeof(body),
		 "{\"source\":\"interview\",\"components\":[{\"component_id\":%lld,\"score\":9}]}",
		 (long long)terms);
	expect_422("PUT", apath(WS, acc, id, NULL), body, "/components/0/score");
	j = hcall(h, "GET", apath(WS, acc, id, NULL), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 3);
	json_decref(j);
}

static void
test_retired(void **state)
{
	char body[BODY_MAX], sql[256];
	int64_t acc = account("Ретро", U_OWNER, NULL), id;
	int64_t terms = lf_comp(h, h->ws_acme, "terms"),
		prepay = lf_factor(h, h->ws_acme, "terms", 6);
	int64_t planning = lf_factor(h, h->ws_acme, "terms", 5);

	(void)state;
	snprintf(body, sizeof(body),
		 "{\"source\":\"interview\",\"components\":[{\"component_id\":%lld,\"score\":3,"
		 "\"factors\":[{\"factor_id\":%lld,\"evidence\":\"до\"}]}]}",
		 (long long)terms, (long long)prepay);
	id = lf_create(h, apath(WS, acc, 0, NULL), U_OWNER, body);
	snprintf(sql, sizeof(sql), "UPDATE loyalty_factors SET active = 0 WHERE id = %lld",
		 (long long)prepay);
	assert_int_equal(harness_sql_exec(h, sql), 0);
	/* Refused in a new assessment. */
	expect_422("POST", apath(WS, acc, 0, NULL), body, "/components/0/factors/0/factor_id");
	/* A correction may keep it (the assessment had it) … */
	snprintf(body, sizeof(body),
		 "{\"source\":\"interview\",\"components\":[{\"component_id\":%lld,\"score\":4,"
		 "\"factors\":[{\"factor_id\":%lld,\"evidence\":\"после\"},"
		 "{\"factor_id\":%lld}]}]}",
		 (long long)terms, (long long)prepay, (long long)planning);
	json_decref(hcall(h, "PUT", apath(WS, acc, id, NULL), U_OWNER, body, NULL, 200));
	/* … but another assessment may not add it. */
	id = lf_create(h, apath(WS, acc, 0, NULL), U_OWNER,
		       "{\"source\":\"manual\",\"summary\":\"s\"}");
	snprintf(body, sizeof(body),
		 "{\"source\":\"manual\",\"summary\":\"s\",\"components\":[{\"component_id\":%lld,"
		 "\"factors\":[{\"factor_id\":%lld}]}]}",
		 (long long)terms, (long long)prepay);
	expect_422("PUT", apath(WS, acc, id, NULL), body, "/components/0/factors/0/factor_id");
	snprintf(sql, sizeof(sql), "UPDATE loyalty_factors SET active = 1 WHERE id = %lld",
		 (long long)prepay);
	assert_int_equal(harness_sql_exec(h, sql), 0);
	/* A retired component likewise. */
	snprintf(sql, sizeof(sql), "UPDATE loyalty_components SET active = 0 WHERE id = %lld",
		 (long long)lf_comp(h, h->ws_acme, "prices"));
	assert_int_equal(harness_sql_exec(h, sql), 0);
	snprintf(body, sizeof(body),
		 "{\"source\":\"manual\",\"components\":[{\"component_id\":%lld,\"score\":3}]}",
		 (long long)lf_comp(h, h->ws_acme, "prices"));
	expect_422("POST", apath(WS, acc, 0, NULL), body, "/components/0/component_id");
	snprintf(sql, sizeof(sql), "UPDATE loyalty_components SET active = 1 WHERE id = %lld",
		 (long long)lf_comp(h, h->ws_acme, "prices"));
	assert_int_equal(harness_sql_exec(h, sql), 0);
}

static void
test_pages(void **state)
{
	int64_t acc = account("Страницы", U_OWNER, NULL);
	const char *const dates[] = {"2024-01-10", "2024-05-10", "2024-05-10", "2023-12-31",
				     "2025-01-01"};
	char body[256], path[512];
	const char *cursor;
	json_t *j, *items;
	int64_t ids[5];

	(void)state;
	for (int i = 0; i < 5; i++) {
		snprintf(body, sizeof(body),
			 "{\"source\":\"manual\",\"summary\":\"№%d\",\"assessed_on\":\"%s\"}", i,
			 dates[i]);
		ids[i] = lf_create(h, apath(WS, acc, 0, NULL), U_OWNER, body);
	}
	snprintf(path, sizeof(path), "%s?limit=2", apath(WS, acc, 0, NULL));
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")),
			 ids[4]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "id")),
			 ids[2]); /* the same date: the later id first */
	cursor = json_string_value(json_object_get(j, "next_cursor"));
	assert_non_null(cursor);
	snprintf(path, sizeof(path), "%s?limit=2&cursor=%s", apath(WS, acc, 0, NULL), cursor);
	json_decref(j);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")),
			 ids[1]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "id")),
			 ids[0]);
	cursor = json_string_value(json_object_get(j, "next_cursor"));
	snprintf(path, sizeof(path), "%s?limit=2&cursor=%s", apath(WS, acc, 0, NULL), cursor);
	json_decref(j);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")),
			 ids[3]);
	assert_true(json_is_null(json_object_get(j, "next_cursor")));
	json_decref(j);
	snprintf(path, sizeof(path), "%s?limit=0", apath(WS, acc, 0, NULL));
	json_decref(hcall(h, "GET", path, U_VIEWER, NULL, NULL, 422));
	snprintf(path, sizeof(path), "%s?cursor=bogus", apath(WS, acc, 0, NULL));
	json_decref(hcall(h, "GET", path, U_VIEWER, NULL, NULL, 422));
}

static void
test_roles(void **state)
{
	const char *body = "{\"source\":\"manual\",\"summary\":\"роль\"}";
	int64_t mine = account("Моя", U_MANAGER, NULL), theirs = account("Чужая", U_OWNER, NULL);
	int64_t id;

	(void)state;
	json_decref(hcall(h, "POST", apath(WS, mine, 0, NULL), U_VIEWER, body, NULL, 403));
	id = lf_create(h, apath(WS, mine, 0, NULL), U_MANAGER, body);
	json_decref(hcall(h, "PUT", apath(WS, mine, id, NULL), U_MANAGER,
			  "{\"source\":\"manual\",\"summary\":\"роль 2\"}", NULL, 200));
	json_decref(hcall(h, "PUT", apath(WS, mine, id, NULL), U_VIEWER, body, NULL, 403));
	json_decref(hcall(h, "PUT", apath(WS, mine, id, NULL), U_MANAGER2, body, NULL, 403));
	/* A manager records only on the accounts they own; analysts and owners on any. */
	json_decref(hcall(h, "POST", apath(WS, theirs, 0, NULL), U_MANAGER, body, NULL, 403));
	json_decref(hcall(h, "POST", apath(WS, theirs, 0, NULL), U_ANALYST, body, NULL, 201));
	json_decref(hcall(h, "POST", apath(WS, mine, 0, NULL), U_OWNER, body, NULL, 201));
	/* Everyone reads. */
	json_decref(hcall(h, "GET", apath(WS, mine, 0, NULL), U_VIEWER, NULL, NULL, 200));
	json_decref(hcall(h, "GET", apath(WS, mine, id, NULL), U_VIEWER, NULL, NULL, 200));
	json_decref(hcall(h, "GET", apath(WS, mine, id, "/versions"), U_VIEWER, NULL, NULL, 200));
	json_decref(hcall(h, "GET", apath(WS, mine, 0, NULL), U__MAX, NULL, NULL, 401));
	/* Not a member of acme. */
	json_decref(hcall(h, "GET", apath(WS, mine, 0, NULL), U_OTHER, NULL, NULL, 404));
}

static void
test_foreign_ids(void **state)
{
	const char *body = "{\"source\":\"manual\",\"summary\":\"чужое\"}";
	int64_t acc = account("Своя", U_OWNER, NULL), other_acc, id, other_id;
	char path[256];
	json_t *j;

	(void)state;
	j = hcall(h, "POST", WS_OTHER "/accounts", U_OTHER, "{\"name\":\"Не ваша\"}", NULL, 201);
	other_acc = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	other_id = lf_create(h, apath(WS_OTHER, other_acc, 0, NULL), U_OTHER, body);
	id = lf_create(h, apath(WS, acc, 0, NULL), U_OWNER, body);
	/* Another workspace's account in the URL. */
	json_decref(hcall(h, "GET", apath(WS, other_acc, 0, NULL), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "POST", apath(WS, other_acc, 0, NULL), U_OWNER, body, NULL, 404));
	json_decref(
	    hcall(h, "GET", apath(WS, other_acc, other_id, NULL), U_OWNER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "PUT", apath(WS, other_acc, other_id, NULL), U_OWNER, body, NULL, 404));
	json_decref(
	    hcall(h, "GET", apath(WS, other_acc, other_id, "/versions"), U_OWNER, NULL, NULL, 404));
	snprintf(path, sizeof(path), WS "/accounts/%lld/loyalty", (long long)other_acc);
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
	/* Another workspace's assessment under one's own account. */
	json_decref(hcall(h, "GET", apath(WS, acc, other_id, NULL), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PUT", apath(WS, acc, other_id, NULL), U_OWNER, body, NULL, 404));
	json_decref(
	    hcall(h, "GET", apath(WS, acc, other_id, "/versions"), U_OWNER, NULL, NULL, 404));
	/* One's own assessment under another account of one's own. */
	{
		int64_t acc2 = account("Другая своя", U_OWNER, NULL);

		json_decref(hcall(h, "GET", apath(WS, acc2, id, NULL), U_OWNER, NULL, NULL, 404));
		json_decref(hcall(h, "PUT", apath(WS, acc2, id, NULL), U_OWNER, body, NULL, 404));
	}
	/* Ids that cannot exist. */
	json_decref(hcall(h, "GET", apath(WS, 999999, 0, NULL), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", WS "/accounts/abc/assessments", U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", apath(WS, acc, 999999, NULL), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", WS "/accounts/1/assessments/0", U_OWNER, NULL, NULL, 404));
	/* The other workspace's owner sees theirs, not ours. */
	json_decref(
	    hcall(h, "GET", apath(WS_OTHER, other_acc, other_id, NULL), U_OTHER, NULL, NULL, 200));
	json_decref(hcall(h, "GET", apath(WS_OTHER, acc, id, NULL), U_OTHER, NULL, NULL, 404));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_read), cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_versions),	cmocka_unit_test(test_retired),
	    cmocka_unit_test(test_pages),	cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_foreign_ids),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_assessments", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
