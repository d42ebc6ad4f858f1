/*
 * test_catalogue.c — the loyalty catalogue over real HTTP (docs/loyalty.md):
 * the seed's catalogue in a new workspace (four components, 29 factors in
 * Russian and English with their polarities) and in the fixtures'; settings
 * and the scale refused while stored scores fall outside it; components and
 * factors created, renamed, reweighted, moved, ordered, retired and brought
 * back; factors tied to journey stages and items and moved between
 * components until observed; validation naming the field; If-Match; roles
 * (analysts and owners edit, everyone reads); other workspaces' ids answered
 * 404; audit entries; nothing half-saved.
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
#include "loyalty_fixtures.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"
#define SET	 WS "/loyalty/settings"
#define COMP	 WS "/loyalty/components"
#define FACT	 WS "/loyalty/factors"
#define CAT	 WS "/loyalty/catalogue"

static struct harness *h;

/* The id of the component with code in acme (any state). */
static int64_t
component_id(const char *code)
{
	json_t *j = hcall(h, "GET", COMP "?include_retired=true", U_VIEWER, NULL, NULL, 200), *it;
	int64_t id = 0;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i,
			   it) if (strcmp(lf_jstr(it, "code"), code) == 0) id = lf_jint(it, "id");
	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* The ids of the items of a list answer at path, in order, into ids; returns the count. */
static size_t
list_ids(const char *path, int64_t *ids, size_t max)
{
	json_t *j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200), *it;
	size_t i, n = 0;

	json_array_foreach(json_object_get(j, "items"), i, it) if (n < max) ids[n++] =
	    lf_jint(it, "id");
	json_decref(j);
	return n;
}

/* Rows of audit_log with entity_type and action in acme. */
static int64_t
audit_count(const char *entity, const char *action)
{
	static struct db_sql sql = DB_SQL("SELECT COUNT(*) FROM audit_log WHERE workspace_id = ?1"
					  " AND entity_type = ?2 AND action = ?3");
	struct db_conn *c;
	struct db_stmt *st;
	int64_t n = -1;
	bool row;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	db_bind_int(st, 1, h->ws_acme);
	db_bind_text(st, 2, entity);
	db_bind_text(st, 3, action);
	if (db_step(st, &row) == ADV_OK && row) {
		n = db_col_int(st, 0);
		db_done(st);
	}
	db_release(h->db, c);
	return n;
}

/* Records in acme a current assessment of a new account on day with score for component. */
static void
store_score(const char *tag, int64_t component, double score, int64_t factor)
{
	char sql[2048], body[128];
	json_t *j;
	int64_t acc;

	snprintf(body, sizeof(body), "{\"name\":\"Клиент %s\"}", tag);
	j = hcall(h, "POST", WS "/accounts", U_ANALYST, body, NULL, 201);
	acc = lf_jint(j, "id");
	json_decref(j);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO assessments (workspace_id, account_id, series_id, version, current,"
		 " assessed_on, source, person, created_at) VALUES (%lld, %lld, 0, 1, 1,"
		 " '2026-01-15', 'manual', '%s', '2026-01-15T10:00:00Z');"
		 "UPDATE assessments SET series_id = id WHERE series_id = 0;"
		 "INSERT INTO assessment_scores (assessment_id, workspace_id, account_id,"
		 " component_id, assessed_on, current, score) SELECT id, workspace_id, account_id,"
		 " %lld, assessed_on, 1, %.17g FROM assessments WHERE person = '%s';",
		 (long long)h->ws_acme, (long long)acc, tag, (long long)component, score, tag);
	assert_int_equal(harness_sql_exec(h, sql), 0);
	if (factor > 0) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO assessment_factors (assessment_id, workspace_id, account_id,"
			 " factor_id, assessed_on, current) SELECT id, workspace_id, account_id,"
			 " %lld, assessed_on, 1 FROM assessments WHERE person = '%s';",
			 (long long)factor, tag);
		assert_int_equal(harness_sql_exec(h, sql), 0);
	}
}

/* The seed's polarities per component, in position order (DOMAIN.md §2). */
static const struct {
	const char *code, *ru, *en, *polarities;
} seed[] = {
    {"terms", "Условия работы", "Terms of cooperation", "---+0-0-+-+0-+"},
    {"service", "Сервис", "Service", "----+--0-"},
    {"prices", "Цены", "Prices", "--+-"},
    {"shipment", "Отгрузка", "Shipment", "--"},
};

/* Asserts that the catalogue answer j is exactly the seed's. */
static void
assert_seed_catalogue(json_t *j)
{
	json_t *comps = json_object_get(j, "components"), *set = json_object_get(j, "settings");
	size_t total = 0;

	assert_int_equal(lf_jint(set, "score_min"), 1);
	assert_int_equal(lf_jint(set, "score_max"), 5);
	assert_int_equal(lf_jint(set, "factor_window_months"), 12);
	assert_int_equal(json_array_size(comps), 4);
	for (size_t c = 0; c < 4; c++) {
		json_t *comp = json_array_get(comps, c), *facts = json_object_get(comp, "factors");
		const char *pol = seed[c].polarities;

		assert_string_equal(lf_jstr(comp, "code"), seed[c].code);
		assert_string_equal(lf_jstr(comp, "name/ru"), seed[c].ru);
		assert_string_equal(lf_jstr(comp, "name/en"), seed[c].en);
		assert_non_null(lf_jstr(comp, "description/ru"));
		assert_non_null(lf_jstr(comp, "description/en"));
		assert_true(json_number_value(json_object_get(comp, "weight")) == 1.0);
		assert_int_equal(lf_jint(comp, "position"), (int64_t)c + 1);
		assert_true(json_is_true(json_object_get(comp, "active")));
		assert_int_equal(json_array_size(facts), strlen(pol));
		for (size_t f = 0; f < strlen(pol); f++) {
			json_t *fa = json_array_get(facts, f);
			char want[2] = {pol[f], '\0'};

			assert_string_equal(lf_jstr(fa, "polarity"), want);
			assert_int_equal(lf_jint(fa, "component_id"), lf_jint(comp, "id"));
			assert_int_equal(lf_jint(fa, "position"), (int64_t)f + 1);
			assert_true(strlen(lf_jstr(fa, "text/ru")) > 0);
			assert_true(strlen(lf_jstr(fa, "text/en")) > 0);
			assert_string_not_equal(lf_jstr(fa, "text/ru"), lf_jstr(fa, "text/en"));
			assert_true(json_is_null(json_object_get(fa, "stage_id")));
			assert_true(json_is_true(json_object_get(fa, "active")));
		}
		total += json_array_size(facts);
	}
	assert_int_equal(total, 29);
	/* Spot checks of the texts against DOMAIN.md. */
	assert_string_equal(
	    lf_jstr(json_array_get(json_object_get(json_array_get(comps, 3), "factors"), 0),
		    "text/ru"),
	    "Очереди при отгрузке");
	assert_string_equal(
	    lf_jstr(json_array_get(json_object_get(json_array_get(comps, 3), "factors"), 0),
		    "text/en"),
	    "Queues at shipment");
	assert_string_equal(
	    lf_jstr(json_array_get(json_object_get(json_array_get(comps, 1), "factors"), 5),
		    "text/en"),
	    "Account managers keep changing");
	assert_string_equal(
	    lf_jstr(json_array_get(json_object_get(json_array_get(comps, 0), "factors"), 10),
		    "text/en"),
	    "Sales system better than competitors'");
}

static void
test_seeded_catalogue(void **state)
{
	json_t *j;

	(void)state;
	/* A workspace made over the API gets the seed inside its creating transaction. */
	json_decref(hcall(h, "POST", "/api/v1/workspaces", U_ADMIN,
			  "{\"slug\":\"seeded\",\"name\":\"Seeded\"}", NULL, 201));
	j = hcall(h, "GET", "/api/v1/workspaces/seeded/loyalty/catalogue", U_ADMIN, NULL, NULL,
		  200);
	assert_seed_catalogue(j);
	json_decref(j);
	/* So did the fixtures, made by the core function outside any transaction. */
	j = hcall(h, "GET", WS_OTHER "/loyalty/catalogue", U_OTHER, NULL, NULL, 200);
	assert_seed_catalogue(j);
	json_decref(j);
	j = hcall(h, "GET", CAT, U_VIEWER, NULL, NULL, 200);
	assert_seed_catalogue(j);
	json_decref(j);
	/* A slug that is taken leaves nothing behind: the seed is not copied twice. */
	json_decref(hcall(h, "POST", "/api/v1/workspaces", U_ADMIN,
			  "{\"slug\":\"seeded\",\"name\":\"Again\"}", NULL, 409));
	j = hcall(h, "GET", "/api/v1/workspaces/seeded/loyalty/components", U_ADMIN, NULL, NULL,
		  200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 4);
	json_decref(j);
	j = hcall(h, "GET", "/api/v1/workspaces/seeded/loyalty/factors", U_ADMIN, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 29);
	json_decref(j);
	j = hcall(h, "GET", FACT "?component_id=999999999", U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
}

static void
test_component_lifecycle(void **state)
{
	const char *const match1[] = {"If-Match: \"1\"", NULL};
	const char *const match2[] = {"If-Match: \"2\"", NULL};
	int64_t ids[16], id, terms = component_id("terms"), before;
	struct hresp r;
	char *loc, *etag, body[256];
	json_t *j;
	size_t n;

	(void)state;
	before = audit_count("loyalty_component", "create");
	assert_int_equal(hjson(h, "POST", COMP, U_ANALYST,
			       "{\"name\":{\"ru\":\" Рекламации \"},\"weight\":2,"
			       "\"description\":{\"ru\":\"Претензии\\nи возвраты\"}}",
			       &r),
			 201);
	id = lf_jint(r.json, "id");
	loc = hresp_header(&r, "Location");
	etag = hresp_header(&r, "ETag");
	snprintf(body, sizeof(body), COMP "/%lld", (long long)id);
	assert_string_equal(loc, body);
	assert_string_equal(etag, "\"1\"");
	snprintf(body, sizeof(body), "c%lld", (long long)id);
	assert_string_equal(lf_jstr(r.json, "code"), body);
	assert_string_equal(lf_jstr(r.json, "name/ru"), "Рекламации");
	assert_string_equal(lf_jstr(r.json, "name/en"), "Рекламации");
	assert_string_equal(lf_jstr(r.json, "description/en"), "Претензии\nи возвраты");
	assert_true(json_number_value(json_object_get(r.json, "weight")) == 2.0);
	assert_int_equal(lf_jint(r.json, "position"), 5);
	free(loc);
	free(etag);
	hresp_free(&r);
	assert_int_equal(audit_count("loyalty_component", "create"), before + 1);

	/* Rename in English only: Russian kept; then Russian again: English stays its own. */
	j = lf_callf(h, "PATCH", U_OWNER, "{\"name\":{\"en\":\"Complaints\"},\"weight\":0.5}",
		     match1, 200, COMP "/%lld", (long long)id);
	assert_string_equal(lf_jstr(j, "name/ru"), "Рекламации");
	assert_string_equal(lf_jstr(j, "name/en"), "Complaints");
	assert_true(json_number_value(json_object_get(j, "weight")) == 0.5);
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	json_decref(lf_callf(h, "PATCH", U_OWNER, "{\"weight\":3}", match1, 412, COMP "/%lld",
			     (long long)id));
	j = lf_callf(h, "PATCH", U_ANALYST,
		     "{\"name\":{\"ru\":\"Претензии\"},\"description\":null}", match2, 200,
		     COMP "/%lld", (long long)id);
	assert_string_equal(lf_jstr(j, "name/ru"), "Претензии");
	assert_string_equal(lf_jstr(j, "name/en"), "Complaints");
	assert_true(json_is_null(json_object_get(j, "description")));
	json_decref(j);
	/* A patch that changes nothing keeps the version. */
	j = lf_callf(h, "PATCH", U_ANALYST, "{\"name\":{\"ru\":\"Претензии\"}}", NULL, 200,
		     COMP "/%lld", (long long)id);
	assert_int_equal(lf_jint(j, "version"), 3);
	json_decref(j);

	/* Move it first: the others move down by one and get a new version. */
	j = lf_callf(h, "PATCH", U_ANALYST, "{\"position\":1,\"code\":\"complaints\"}", NULL, 200,
		     COMP "/%lld", (long long)id);
	assert_int_equal(lf_jint(j, "position"), 1);
	assert_string_equal(lf_jstr(j, "code"), "complaints");
	json_decref(j);
	n = list_ids(COMP, ids, 16);
	assert_int_equal(n, 5);
	assert_int_equal(ids[0], id);
	assert_int_equal(ids[1], terms);
	j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, COMP "/%lld", (long long)terms);
	assert_int_equal(lf_jint(j, "position"), 2);
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	assert_true(audit_count("loyalty_component", "reorder") >= 4);

	/* Codes are unique. */
	lf_expect_pointer(h, "POST", COMP, U_ANALYST,
			  "{\"name\":{\"ru\":\"x\"},\"code\":\"terms\"}", 409, "/code");
	snprintf(body, sizeof(body), COMP "/%lld", (long long)id);
	lf_expect_pointer(h, "PATCH", body, U_ANALYST, "{\"code\":\"prices\"}", 409, "/code");

	/* Order: reversed; a list that is not every active id once is refused. */
	snprintf(body, sizeof(body), "{\"ids\":[%lld,%lld,%lld,%lld,%lld]}", (long long)ids[4],
		 (long long)ids[3], (long long)ids[2], (long long)ids[1], (long long)ids[0]);
	j = hcall(h, "POST", COMP "/order", U_OWNER, body, NULL, 200);
	assert_int_equal(lf_jint(json_array_get(json_object_get(j, "items"), 0), "id"), ids[4]);
	assert_int_equal(lf_jint(json_array_get(json_object_get(j, "items"), 4), "id"), id);
	assert_int_equal(lf_jint(json_array_get(json_object_get(j, "items"), 4), "position"), 5);
	json_decref(j);
	snprintf(body, sizeof(body), "{\"ids\":[%lld,%lld,%lld,%lld]}", (long long)ids[4],
		 (long long)ids[3], (long long)ids[2], (long long)ids[1]);
	lf_expect_pointer(h, "POST", COMP "/order", U_OWNER, body, 422, "/ids");
	snprintf(body, sizeof(body), "{\"ids\":[%lld,%lld,%lld,%lld,%lld]}", (long long)ids[4],
		 (long long)ids[4], (long long)ids[2], (long long)ids[1], (long long)ids[0]);
	lf_expect_pointer(h, "POST", COMP "/order", U_OWNER, body, 422, "/ids");
	lf_expect_pointer(h, "POST", COMP "/order", U_OWNER, "{\"ids\":[1,\"x\"]}", 422, "/ids/1");
	lf_expect_pointer(h, "POST", COMP "/order", U_OWNER, "{}", 422, "/ids");

	/* Retire: out of the active list, kept with include_retired; order then skips it. */
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"Долгий разбор\"},\"polarity\":\"-\"}",
		 (long long)id);
	json_decref(hcall(h, "POST", FACT, U_ANALYST, body, NULL, 201));
	j = lf_callf(h, "PATCH", U_ANALYST, "{\"active\":false}", NULL, 200, COMP "/%lld",
		     (long long)id);
	assert_true(json_is_false(json_object_get(j, "active")));
	json_decref(j);
	assert_int_equal(list_ids(COMP, ids, 16), 4);
	assert_int_equal(list_ids(COMP "?include_retired=true", ids, 16), 5);
	snprintf(body, sizeof(body), "{\"ids\":[%lld,%lld,%lld,%lld,%lld]}", (long long)id,
		 (long long)terms, (long long)component_id("service"),
		 (long long)component_id("prices"), (long long)component_id("shipment"));
	lf_expect_pointer(h, "POST", COMP "/order", U_OWNER, body, 422, "/ids");
	snprintf(body, sizeof(body), "{\"ids\":[%lld,%lld,%lld,%lld]}", (long long)terms,
		 (long long)component_id("service"), (long long)component_id("prices"),
		 (long long)component_id("shipment"));
	json_decref(hcall(h, "POST", COMP "/order", U_OWNER, body, NULL, 200));
	j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, COMP "/%lld", (long long)id);
	assert_int_equal(lf_jint(j, "position"), 5); /* the retired one kept its place, last */
	json_decref(j);
	n = list_ids(COMP, ids, 16);
	assert_int_equal(n, 4);
	assert_int_equal(ids[0], terms);
	/* Its active factor left the active list with it, and comes back with it. */
	snprintf(body, sizeof(body), FACT "?component_id=%lld", (long long)id);
	assert_int_equal(list_ids(body, ids, 16), 0);
	snprintf(body, sizeof(body), FACT "?component_id=%lld&include_retired=true", (long long)id);
	assert_int_equal(list_ids(body, ids, 16), 1);
	j = lf_callf(h, "PATCH", U_ANALYST, "{\"active\":true}", NULL, 200, COMP "/%lld",
		     (long long)id);
	assert_true(json_is_true(json_object_get(j, "active")));
	json_decref(j);
	assert_int_equal(list_ids(COMP, ids, 16), 5);
	snprintf(body, sizeof(body), FACT "?component_id=%lld", (long long)id);
	assert_int_equal(list_ids(body, ids, 16), 1);
}

static void
test_factor_lifecycle(void **state)
{
	int64_t service = component_id("service"), prices = component_id("prices"), ids[64], id,
		first, stage, item, other_item;
	char body[512], path[256];
	json_t *j, *st;
	size_t n, total;

	(void)state;
	total = list_ids(FACT, ids, 64);
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"Долгая доставка\",\"en\":\"Slow "
		 "delivery\"},\"polarity\":\"-\"}",
		 (long long)service);
	j = hcall(h, "POST", FACT, U_ANALYST, body, NULL, 201);
	id = lf_jint(j, "id");
	assert_int_equal(lf_jint(j, "position"), 10);
	assert_string_equal(lf_jstr(j, "polarity"), "-");
	assert_string_equal(lf_jstr(j, "text/en"), "Slow delivery");
	json_decref(j);
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"Удобный портал\"},\"polarity\":\"+\","
		 "\"position\":1}",
		 (long long)service);
	j = hcall(h, "POST", FACT, U_ANALYST, body, NULL, 201);
	first = lf_jint(j, "id");
	assert_int_equal(lf_jint(j, "position"), 1);
	json_decref(j);
	snprintf(path, sizeof(path), FACT "?component_id=%lld", (long long)service);
	n = list_ids(path, ids, 64);
	assert_int_equal(n, 11);
	assert_int_equal(ids[0], first);
	assert_int_equal(ids[10], id);

	/* Retired: out of the active list, kept with include_retired. */
	json_decref(lf_callf(h, "PATCH", U_ANALYST, "{\"active\":false,\"polarity\":\"0\"}", NULL,
			     200, FACT "/%lld", (long long)id));
	assert_int_equal(list_ids(path, ids, 64), 10);
	snprintf(path, sizeof(path), FACT "?component_id=%lld&include_retired=true",
		 (long long)service);
	assert_int_equal(list_ids(path, ids, 64), 11);
	assert_int_equal(list_ids(FACT, ids, 64), total + 1);
	assert_int_equal(list_ids(FACT "?include_retired=1", ids, 64), total + 2);
	j = hcall(h, "GET", CAT, U_VIEWER, NULL, NULL, 200);
	n = 0;
	for (size_t c = 0; c < json_array_size(json_object_get(j, "components")); c++)
		n += json_array_size(json_object_get(
		    json_array_get(json_object_get(j, "components"), c), "factors"));
	assert_int_equal(n, total + 2);
	json_decref(j);

	/* Order of the active ones; the retired one keeps its place. */
	snprintf(path, sizeof(path), FACT "?component_id=%lld", (long long)service);
	n = list_ids(path, ids, 64);
	{
		int64_t t = ids[0];

		ids[0] = ids[n - 1];
		ids[n - 1] = t;
	}
	n = (size_t)snprintf(body, sizeof(body), "{\"component_id\":%lld,\"ids\":[",
			     (long long)service);
	for (size_t i = 0; i < 10; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%s%lld", i ? "," : "",
				      (long long)ids[i]);
	snprintf(body + n, sizeof(body) - n, "]}");
	j = hcall(h, "POST", FACT "/order", U_ANALYST, body, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 10);
	assert_int_equal(lf_jint(json_array_get(json_object_get(j, "items"), 9), "id"), first);
	json_decref(j);
	snprintf(body, sizeof(body), "{\"component_id\":%lld,\"ids\":[%lld]}", (long long)prices,
		 (long long)first);
	lf_expect_pointer(h, "POST", FACT "/order", U_ANALYST, body, 422, "/ids");
	lf_expect_pointer(h, "POST", FACT "/order", U_ANALYST,
			  "{\"component_id\":99999999,\"ids\":[]}", 422, "/component_id");

	/* Moving to another component while unobserved: last there, gone from here. */
	snprintf(body, sizeof(body), "{\"component_id\":%lld}", (long long)prices);
	j = lf_callf(h, "PATCH", U_ANALYST, body, NULL, 200, FACT "/%lld", (long long)first);
	assert_int_equal(lf_jint(j, "component_id"), prices);
	assert_int_equal(lf_jint(j, "position"), 5);
	json_decref(j);
	snprintf(path, sizeof(path), FACT "?component_id=%lld", (long long)service);
	n = list_ids(path, ids, 64);
	assert_int_equal(n, 9);
	for (size_t i = 0; i < n; i++) {
		j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, FACT "/%lld", (long long)ids[i]);
		assert_int_equal(lf_jint(j, "position"), (int64_t)i + 1);
		json_decref(j);
	}
	/* Observed: it stays. */
	store_score("observed", prices, 4, first);
	snprintf(body, sizeof(body), "{\"component_id\":%lld}", (long long)service);
	snprintf(path, sizeof(path), FACT "/%lld", (long long)first);
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, body, 409, "/component_id");

	/* Ties to the journey: an item of the stage, an item alone brings its stage. */
	j = hcall(h, "GET", WS "/journey", U_VIEWER, NULL, NULL, 200);
	st = json_array_get(json_object_get(j, "stages"), 2);
	stage = lf_jint(st, "id");
	item = lf_jint(json_array_get(json_object_get(st, "touchpoints"), 0), "id");
	other_item = lf_jint(
	    json_array_get(
		json_object_get(json_array_get(json_object_get(j, "stages"), 0), "solutions"), 0),
	    "id");
	json_decref(j);
	snprintf(body, sizeof(body), "{\"item_id\":%lld}", (long long)item);
	j = hcall(h, "PATCH", path, U_ANALYST, body, NULL, 200);
	assert_int_equal(lf_jint(j, "stage_id"), stage);
	assert_int_equal(lf_jint(j, "item_id"), item);
	json_decref(j);
	snprintf(body, sizeof(body), "{\"item_id\":%lld}", (long long)other_item);
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, body, 422, "/item_id");
	snprintf(body, sizeof(body), "{\"stage_id\":%lld,\"item_id\":%lld}", (long long)stage,
		 (long long)other_item);
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, body, 422, "/item_id");
	j = hcall(h, "PATCH", path, U_ANALYST, "{\"stage_id\":null}", NULL, 200);
	assert_true(json_is_null(json_object_get(j, "stage_id")));
	assert_true(json_is_null(json_object_get(j, "item_id")));
	json_decref(j);
	snprintf(body, sizeof(body), "{\"stage_id\":%lld}", (long long)stage);
	j = hcall(h, "PATCH", path, U_ANALYST, body, NULL, 200);
	assert_int_equal(lf_jint(j, "stage_id"), stage);
	assert_true(json_is_null(json_object_get(j, "item_id")));
	json_decref(j);
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"Сайт неудобен\"},\"polarity\":\"-\","
		 "\"stage_id\":%lld,\"item_id\":%lld}",
		 (long long)prices, (long long)stage, (long long)item);
	j = hcall(h, "POST", FACT, U_ANALYST, body, NULL, 201);
	assert_int_equal(lf_jint(j, "item_id"), item);
	json_decref(j);
	assert_true(audit_count("loyalty_factor", "update") >= 5);
}

static void
test_validation(void **state)
{
	int64_t terms = component_id("terms"), foreign_comp;
	char body[256], path[128];
	struct hresp r;
	json_t *j;

	(void)state;
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":{\"ru\":\"\"}}", 422, "/name/ru");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":{\"ru\":\"   \"}}", 422,
			  "/name/ru");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":{\"en\":\"Only English\"}}", 422,
			  "/name/ru");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":{\"ru\":null}}", 422, "/name/ru");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{}", 422, "/name");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":\"Просто строка\"}", 422, "/name");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":{\"ru\":\"x\",\"de\":\"y\"}}", 422,
			  "/name/de");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":{\"ru\":\"x\"},\"weight\":-1}",
			  422, "/weight");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":{\"ru\":\"x\"},\"weight\":\"1\"}",
			  422, "/weight");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST,
			  "{\"name\":{\"ru\":\"x\"},\"colour\":\"red\"}", 422, "/colour");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST,
			  "{\"name\":{\"ru\":\"x\"},\"code\":\"Bad Code\"}", 422, "/code");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":{\"ru\":\"x\"},\"position\":0}",
			  422, "/position");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":{\"ru\":\"x\"},\"active\":false}",
			  422, "/active");
	lf_expect_pointer(h, "POST", COMP, U_ANALYST, "{\"name\":{\"ru\":\"x\\u0001\"}}", 422,
			  "/name/ru");
	snprintf(path, sizeof(path), COMP "/%lld", (long long)terms);
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"weight\":-0.5}", 422, "/weight");
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"name\":null}", 422, "/name");
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"name\":{\"ru\":\"\"}}", 422, "/name/ru");
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"description\":{\"en\":5}}", 422,
			  "/description/en");
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"active\":\"no\"}", 422, "/active");
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"id\":7}", 422, "/id");
	assert_int_equal(hjson(h, "PATCH", path, U_ANALYST, "{\"weight\":", &r), 400);
	hresp_free(&r);
	assert_int_equal(hjson(h, "PATCH", path, U_ANALYST, "[1]", &r), 422);
	hresp_free(&r);
	/* Nothing of a refused patch is saved. */
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"weight\":7,\"name\":{\"ru\":\" \"}}",
			  422, "/name/ru");
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	assert_true(json_number_value(json_object_get(j, "weight")) == 1.0);
	json_decref(j);

	/* Factors. */
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"x\"},\"polarity\":\"x\"}",
		 (long long)terms);
	lf_expect_pointer(h, "POST", FACT, U_ANALYST, body, 422, "/polarity");
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"x\"},\"polarity\":\"−\"}",
		 (long long)terms);
	lf_expect_pointer(h, "POST", FACT, U_ANALYST, body, 422, "/polarity");
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"x\"},\"polarity\":1}",
		 (long long)terms);
	lf_expect_pointer(h, "POST", FACT, U_ANALYST, body, 422, "/polarity");
	lf_expect_pointer(h, "POST", FACT, U_ANALYST,
			  "{\"text\":{\"ru\":\"x\"},\"polarity\":\"+\"}", 422, "/component_id");
	lf_expect_pointer(h, "POST", FACT, U_ANALYST,
			  "{\"component_id\":99999999,\"text\":{\"ru\":\"x\"},\"polarity\":\"+\"}",
			  422, "/component_id");
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"\"},\"polarity\":\"+\"}",
		 (long long)terms);
	lf_expect_pointer(h, "POST", FACT, U_ANALYST, body, 422, "/text/ru");
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"x\"},\"polarity\":\"+\",\"stage_id\":"
		 "99999999}",
		 (long long)terms);
	lf_expect_pointer(h, "POST", FACT, U_ANALYST, body, 422, "/stage_id");
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"x\"},\"polarity\":\"+\",\"item_id\":0}",
		 (long long)terms);
	lf_expect_pointer(h, "POST", FACT, U_ANALYST, body, 422, "/item_id");
	/* A component of another workspace is not one of this workspace's: 422 like unknown. */
	j = hcall(h, "GET", WS_OTHER "/loyalty/components", U_OTHER, NULL, NULL, 200);
	foreign_comp = lf_jint(json_array_get(json_object_get(j, "items"), 0), "id");
	json_decref(j);
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"x\"},\"polarity\":\"+\"}",
		 (long long)foreign_comp);
	lf_expect_pointer(h, "POST", FACT, U_ANALYST, body, 422, "/component_id");
	snprintf(body, sizeof(body), "{\"component_id\":%lld,\"ids\":[]}", (long long)foreign_comp);
	lf_expect_pointer(h, "POST", FACT "/order", U_ANALYST, body, 422, "/component_id");
	json_decref(hcall(h, "GET", FACT "?component_id=abc", U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", COMP "?include_retired=maybe", U_VIEWER, NULL, NULL, 422));

	/* Settings. */
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"score_min\":5}", 422, "/score_min");
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"score_max\":1}", 422, "/score_max");
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"score_max\":101}", 422, "/score_max");
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"score_min\":-1}", 422, "/score_min");
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"factor_window_months\":0}", 422,
			  "/factor_window_months");
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"factor_window_months\":121}", 422,
			  "/factor_window_months");
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"score_min\":1.5}", 422, "/score_min");
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"scale\":10}", 422, "/scale");
}

static void
test_settings_and_scale(void **state)
{
	int64_t shipment = component_id("shipment");
	json_t *j;

	(void)state;
	j = hcall(h, "GET", SET, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(lf_jint(j, "score_min"), 1);
	assert_int_equal(lf_jint(j, "score_max"), 5);
	assert_int_equal(lf_jint(j, "factor_window_months"), 12);
	json_decref(j);
	j = hcall(h, "PATCH", SET, U_OWNER,
		  "{\"score_min\":0,\"score_max\":10,\"factor_window_months\":6}", NULL, 200);
	assert_int_equal(lf_jint(j, "score_min"), 0);
	assert_int_equal(lf_jint(j, "score_max"), 10);
	assert_int_equal(lf_jint(j, "factor_window_months"), 6);
	json_decref(j);
	assert_true(audit_count("loyalty_settings", "update") >= 1);
	/* Stored scores 2 and 7: a scale they fall outside of is refused, naming the bound. */
	store_score("scale-2", shipment, 2, 0);
	store_score("scale-7", shipment, 7, 0);
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"score_max\":5}", 409, "/score_max");
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"score_min\":3}", 409, "/score_min");
	lf_expect_pointer(h, "PATCH", SET, U_ANALYST, "{\"score_min\":1,\"score_max\":6}", 409,
			  "/score_max");
	j = hcall(h, "GET", SET, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(lf_jint(j, "score_min"), 0);
	assert_int_equal(lf_jint(j, "score_max"), 10);
	json_decref(j);
	/* A scale that holds them is fine, and so is a window change alone. */
	j = hcall(h, "PATCH", SET, U_ANALYST, "{\"score_min\":2,\"score_max\":7}", NULL, 200);
	assert_int_equal(lf_jint(j, "score_min"), 2);
	assert_int_equal(lf_jint(j, "score_max"), 7);
	json_decref(j);
	json_decref(hcall(h, "PATCH", SET, U_ANALYST, "{\"factor_window_months\":12}", NULL, 200));
	/* Back to the default for the other tests (the scores stay inside 1–10). */
	json_decref(
	    hcall(h, "PATCH", SET, U_ANALYST, "{\"score_min\":1,\"score_max\":10}", NULL, 200));
}

static void
test_roles(void **state)
{
	int64_t terms = component_id("terms");
	char path[128], fpath[128], body[256];
	json_t *j;
	int64_t fid;

	(void)state;
	j = hcall(h, "GET", FACT, U_VIEWER, NULL, NULL, 200);
	fid = lf_jint(json_array_get(json_object_get(j, "items"), 0), "id");
	json_decref(j);
	snprintf(path, sizeof(path), COMP "/%lld", (long long)terms);
	snprintf(fpath, sizeof(fpath), FACT "/%lld", (long long)fid);
	snprintf(body, sizeof(body),
		 "{\"component_id\":%lld,\"text\":{\"ru\":\"x\"},\"polarity\":\"+\"}",
		 (long long)terms);
	for (int u = U_MANAGER; u <= U_VIEWER; u++) {
		json_decref(hcall(h, "PATCH", SET, u, "{\"factor_window_months\":3}", NULL, 403));
		json_decref(hcall(h, "POST", COMP, u, "{\"name\":{\"ru\":\"M\"}}", NULL, 403));
		json_decref(hcall(h, "PATCH", path, u, "{\"weight\":2}", NULL, 403));
		json_decref(hcall(h, "POST", COMP "/order", u, "{\"ids\":[]}", NULL, 403));
		json_decref(hcall(h, "POST", FACT, u, body, NULL, 403));
		json_decref(hcall(h, "PATCH", fpath, u, "{\"polarity\":\"0\"}", NULL, 403));
		json_decref(hcall(h, "POST", FACT "/order", u, "{\"component_id\":1,\"ids\":[]}",
				  NULL, 403));
		json_decref(hcall(h, "GET", SET, u, NULL, NULL, 200));
		json_decref(hcall(h, "GET", COMP, u, NULL, NULL, 200));
		json_decref(hcall(h, "GET", path, u, NULL, NULL, 200));
		json_decref(hcall(h, "GET", FACT, u, NULL, NULL, 200));
		json_decref(hcall(h, "GET", fpath, u, NULL, NULL, 200));
		json_decref(hcall(h, "GET", CAT, u, NULL, NULL, 200));
	}
	json_decref(hcall(h, "GET", CAT, U_OTHER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", CAT, U__MAX, NULL, NULL, 401));
	json_decref(hcall(h, "PATCH", path, U_ADMIN, "{\"weight\":1}", NULL, 200));
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	assert_true(json_number_value(json_object_get(j, "weight")) == 1.0);
	json_decref(j);
}

static void
test_foreign_ids(void **state)
{
	char path[128];
	json_t *j;
	int64_t comp, fact;

	(void)state;
	j = hcall(h, "GET", WS_OTHER "/loyalty/catalogue", U_OTHER, NULL, NULL, 200);
	comp = lf_jint(json_array_get(json_object_get(j, "components"), 0), "id");
	fact = lf_jint(
	    json_array_get(
		json_object_get(json_array_get(json_object_get(j, "components"), 0), "factors"), 0),
	    "id");
	json_decref(j);
	snprintf(path, sizeof(path), COMP "/%lld", (long long)comp);
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", path, U_OWNER, "{\"weight\":2}", NULL, 404));
	snprintf(path, sizeof(path), FACT "/%lld", (long long)fact);
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", path, U_OWNER, "{\"polarity\":\"0\"}", NULL, 404));
	json_decref(hcall(h, "GET", COMP "/99999999", U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", FACT "/99999999", U_OWNER, "{}", NULL, 404));
	json_decref(hcall(h, "GET", COMP "/abc", U_OWNER, NULL, NULL, 404));
	/* The foreign entries are untouched. */
	j = hcall(h, "GET", WS_OTHER "/loyalty/catalogue", U_OTHER, NULL, NULL, 200);
	assert_seed_catalogue(j);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seeded_catalogue),
	    cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_foreign_ids),
	    cmocka_unit_test(test_component_lifecycle),
	    cmocka_unit_test(test_factor_lifecycle),
	    cmocka_unit_test(test_settings_and_scale),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_catalogue", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
