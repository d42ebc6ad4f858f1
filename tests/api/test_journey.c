/*
 * test_journey.c — the customer journey map over real HTTP (docs/loyalty.md):
 * the seed's map (five stages with goals, questions, touchpoints and
 * solutions in both languages); stages and items created, renamed, moved,
 * ordered, archived and restored with If-Match; validation naming the field;
 * roles; other workspaces' ids answered 404 on every {sid} and {iid} route;
 * and the live figures computed exactly on a hand-made set of observations
 * (signals through factor and assessment ties counted once, the negative
 * share, the mean of the related components' latest scores, items' signals,
 * old versions and archived clients left out, and the window's edges: an
 * observation on the window's first day counts, one a day earlier does not),
 * then moved by an assessment recorded through the assessments API.
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

#include "harness.h"
#include "loyalty_fixtures.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"
#define MAP	 WS "/journey"
#define STAGES	 WS "/journey/stages"
#define ITEMS	 WS "/journey/items"

static struct harness *h;

/* The stage with code in a map answer (borrowed), or NULL. */
static json_t *
stage_of(json_t *map, const char *code)
{
	json_t *st;
	size_t i;

	json_array_foreach(json_object_get(map, "stages"), i,
			   st) if (strcmp(lf_jstr(st, "code"), code) == 0) return st;
	return NULL;
}

/* The ids of the stages of the map of workspace path, in order; returns the count. */
static size_t
stage_ids(const char *path, int user, int64_t *ids, size_t max)
{
	json_t *j = hcall(h, "GET", path, user, NULL, NULL, 200), *st;
	size_t i, n = 0;

	json_array_foreach(json_object_get(j, "stages"), i, st) if (n < max) ids[n++] =
	    lf_jint(st, "id");
	json_decref(j);
	return n;
}

/* The seed's stages: code, names, touchpoints and solutions (DOMAIN.md §6). */
static const struct {
	const char *code, *ru, *en;
	size_t touchpoints, solutions;
	const char *first_touchpoint_en;
} seed[] = {
    {"search", "Поиск", "Search", 2, 3, "Search engines"},
    {"choice", "Выбор", "Choice", 3, 4, "Forums"},
    {"purchase", "Покупка", "Purchase", 2, 2, "Website"},
    {"retention", "Удержание", "Retention", 3, 3, "Support"},
    {"loyalty", "Лояльность", "Loyalty", 2, 3, "Customer success"},
};

/* Asserts that the map answer j is exactly the seed's, with no signals. */
static void
assert_seed_map(json_t *j)
{
	json_t *stages = json_object_get(j, "stages");

	assert_int_equal(lf_jint(j, "window_months"), 12);
	assert_int_equal(json_array_size(stages), 5);
	for (size_t s = 0; s < 5; s++) {
		json_t *st = json_array_get(stages, s), *tp = json_object_get(st, "touchpoints"),
		       *so = json_object_get(st, "solutions"),
		       *fig = json_object_get(st, "figures");

		assert_string_equal(lf_jstr(st, "code"), seed[s].code);
		assert_string_equal(lf_jstr(st, "name/ru"), seed[s].ru);
		assert_string_equal(lf_jstr(st, "name/en"), seed[s].en);
		assert_true(strlen(lf_jstr(st, "goal/ru")) > 0);
		assert_true(strlen(lf_jstr(st, "goal/en")) > 0);
		assert_true(strlen(lf_jstr(st, "questions/ru")) > 0);
		assert_true(strlen(lf_jstr(st, "questions/en")) > 0);
		assert_int_equal(lf_jint(st, "position"), (int64_t)s + 1);
		assert_int_equal(json_array_size(tp), seed[s].touchpoints);
		assert_int_equal(json_array_size(so), seed[s].solutions);
		assert_string_equal(lf_jstr(json_array_get(tp, 0), "name/en"),
				    seed[s].first_touchpoint_en);
		for (size_t i = 0; i < json_array_size(tp); i++) {
			assert_string_equal(lf_jstr(json_array_get(tp, i), "kind"), "touchpoint");
			assert_int_equal(lf_jint(json_array_get(tp, i), "position"),
					 (int64_t)i + 1);
			assert_int_equal(lf_jint(json_array_get(tp, i), "stage_id"),
					 lf_jint(st, "id"));
		}
		for (size_t i = 0; i < json_array_size(so); i++)
			assert_string_equal(lf_jstr(json_array_get(so, i), "kind"), "solution");
		assert_int_equal(lf_jint(fig, "signals"), 0);
		assert_true(json_is_null(json_object_get(fig, "negative_share")));
		assert_true(json_is_null(json_object_get(fig, "component_mean")));
		assert_int_equal(lf_jint(fig, "component_n"), 0);
	}
	assert_string_equal(
	    lf_jstr(json_array_get(json_object_get(json_array_get(stages, 0), "solutions"), 1),
		    "name/ru"),
	    "Контекстная реклама (PPC)");
	assert_string_equal(lf_jstr(json_array_get(stages, 1), "goal/en"),
			    "Choose the service with the best price and quality");
}

static void
test_seeded_map(void **state)
{
	json_t *j;

	(void)state;
	j = hcall(h, "GET", MAP, U_VIEWER, NULL, NULL, 200);
	assert_seed_map(j);
	json_decref(j);
	j = hcall(h, "GET", WS_OTHER "/journey", U_OTHER, NULL, NULL, 200);
	assert_seed_map(j);
	json_decref(j);
	json_decref(hcall(h, "POST", "/api/v1/workspaces", U_ADMIN,
			  "{\"slug\":\"mapped\",\"name\":\"Mapped\"}", NULL, 201));
	j = hcall(h, "GET", "/api/v1/workspaces/mapped/journey", U_ADMIN, NULL, NULL, 200);
	assert_seed_map(j);
	json_decref(j);
}

static void
test_stage_lifecycle(void **state)
{
	const char *const match1[] = {"If-Match: \"1\"", NULL};
	int64_t ids[16], id, search;
	char body[256], path[128], *loc;
	struct hresp r;
	json_t *j;
	size_t n;

	(void)state;
	assert_int_equal(hjson(h, "POST", STAGES, U_ANALYST,
			       "{\"name\":{\"ru\":\"Возврат\",\"en\":\"Win-back\"},"
			       "\"goal\":{\"ru\":\"Вернуть клиента\"}}",
			       &r),
			 201);
	id = lf_jint(r.json, "id");
	loc = hresp_header(&r, "Location");
	snprintf(body, sizeof(body), STAGES "/%lld", (long long)id);
	assert_string_equal(loc, body);
	free(loc);
	snprintf(body, sizeof(body), "s%lld", (long long)id);
	assert_string_equal(lf_jstr(r.json, "code"), body);
	assert_int_equal(lf_jint(r.json, "position"), 6);
	assert_string_equal(lf_jstr(r.json, "goal/en"), "Вернуть клиента");
	assert_true(json_is_null(json_object_get(r.json, "questions")));
	assert_int_equal(json_array_size(json_object_get(r.json, "touchpoints")), 0);
	assert_int_equal(lf_jint(json_object_get(r.json, "figures"), "signals"), 0);
	hresp_free(&r);
	json_decref(lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, STAGES "/%lld", (long long)id));

	/* Patch with If-Match; a stale version is refused. */
	j = lf_callf(
	    h, "PATCH", U_OWNER,
	    "{\"name\":{\"ru\":\"Возврат клиента\"},\"questions\":{\"ru\":\"Почему ушли?\","
	    "\"en\":\"Why did they leave?\"},\"code\":\"winback\"}",
	    match1, 200, STAGES "/%lld", (long long)id);
	assert_string_equal(lf_jstr(j, "name/en"), "Win-back");
	assert_string_equal(lf_jstr(j, "questions/en"), "Why did they leave?");
	assert_string_equal(lf_jstr(j, "code"), "winback");
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	json_decref(lf_callf(h, "PATCH", U_OWNER, "{\"goal\":null}", match1, 412, STAGES "/%lld",
			     (long long)id));
	lf_expect_pointer(h, "POST", STAGES, U_ANALYST,
			  "{\"name\":{\"ru\":\"x\"},\"code\":\"search\"}", 409, "/code");

	/* Move it first, then put the order back. */
	j = lf_callf(h, "PATCH", U_ANALYST, "{\"position\":1}", NULL, 200, STAGES "/%lld",
		     (long long)id);
	assert_int_equal(lf_jint(j, "position"), 1);
	json_decref(j);
	n = stage_ids(MAP, U_VIEWER, ids, 16);
	assert_int_equal(n, 6);
	assert_int_equal(ids[0], id);
	search = ids[1];
	j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, STAGES "/%lld", (long long)search);
	assert_int_equal(lf_jint(j, "position"), 2);
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	snprintf(body, sizeof(body), "{\"ids\":[%lld,%lld,%lld,%lld,%lld,%lld]}", (long long)ids[1],
		 (long long)ids[2], (long long)ids[3], (long long)ids[4], (long long)ids[5],
		 (long long)ids[0]);
	j = hcall(h, "POST", STAGES "/order", U_OWNER, body, NULL, 200);
	assert_string_equal(lf_jstr(json_array_get(json_object_get(j, "stages"), 0), "code"),
			    "search");
	assert_string_equal(lf_jstr(json_array_get(json_object_get(j, "stages"), 5), "code"),
			    "winback");
	json_decref(j);
	snprintf(body, sizeof(body), "{\"ids\":[%lld,%lld]}", (long long)ids[1], (long long)ids[0]);
	lf_expect_pointer(h, "POST", STAGES "/order", U_OWNER, body, 422, "/ids");
	lf_expect_pointer(h, "POST", STAGES "/order", U_OWNER, "{\"ids\":5}", 422, "/ids");
	lf_expect_pointer(h, "POST", STAGES "/order", U_OWNER, "{\"ids\":[0]}", 422, "/ids/0");

	/* Archive: hidden from the map, shown with include_archived; order skips it. */
	j = lf_callf(h, "PATCH", U_ANALYST, "{\"archived\":true}", NULL, 200, STAGES "/%lld",
		     (long long)id);
	assert_true(json_is_true(json_object_get(j, "archived")));
	json_decref(j);
	assert_int_equal(stage_ids(MAP, U_VIEWER, ids, 16), 5);
	assert_int_equal(stage_ids(MAP "?include_archived=true", U_VIEWER, ids, 16), 6);
	/* No new factor ties to an archived stage. */
	j = hcall(h, "GET", WS "/loyalty/factors", U_VIEWER, NULL, NULL, 200);
	snprintf(path, sizeof(path), WS "/loyalty/factors/%lld",
		 (long long)lf_jint(json_array_get(json_object_get(j, "items"), 0), "id"));
	json_decref(j);
	snprintf(body, sizeof(body), "{\"stage_id\":%lld}", (long long)id);
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, body, 422, "/stage_id");
	n = stage_ids(MAP, U_VIEWER, ids, 16);
	snprintf(body, sizeof(body), "{\"ids\":[%lld,%lld,%lld,%lld,%lld]}", (long long)ids[0],
		 (long long)ids[1], (long long)ids[2], (long long)ids[3], (long long)ids[4]);
	json_decref(hcall(h, "POST", STAGES "/order", U_OWNER, body, NULL, 200));
	j = lf_callf(h, "PATCH", U_ANALYST, "{\"archived\":false}", NULL, 200, STAGES "/%lld",
		     (long long)id);
	assert_true(json_is_false(json_object_get(j, "archived")));
	assert_int_equal(lf_jint(j, "position"), 6);
	json_decref(j);
	assert_int_equal(stage_ids(MAP, U_VIEWER, ids, 16), 6);
	(void)n;
}

static void
test_items(void **state)
{
	const char *const match1[] = {"If-Match: \"1\"", NULL};
	int64_t stage, id, first;
	char path[256], *loc;
	struct hresp r;
	json_t *j, *st;

	(void)state;
	j = hcall(h, "GET", MAP, U_VIEWER, NULL, NULL, 200);
	stage = lf_jint(stage_of(j, "retention"), "id");
	json_decref(j);
	snprintf(path, sizeof(path), STAGES "/%lld/items", (long long)stage);
	assert_int_equal(hjson(h, "POST", path, U_ANALYST,
			       "{\"kind\":\"touchpoint\",\"name\":{\"ru\":\"Вебинары\","
			       "\"en\":\"Webinars\"}}",
			       &r),
			 201);
	id = lf_jint(r.json, "id");
	loc = hresp_header(&r, "Location");
	snprintf(path, sizeof(path), ITEMS "/%lld", (long long)id);
	assert_string_equal(loc, path);
	free(loc);
	assert_int_equal(lf_jint(r.json, "position"), 4);
	assert_int_equal(lf_jint(r.json, "stage_id"), stage);
	assert_string_equal(lf_jstr(r.json, "kind"), "touchpoint");
	assert_int_equal(lf_jint(r.json, "signals"), 0);
	hresp_free(&r);
	snprintf(path, sizeof(path), STAGES "/%lld/items", (long long)stage);
	j = hcall(h, "POST", path, U_ANALYST,
		  "{\"kind\":\"solution\",\"name\":{\"ru\":\"Клуб клиентов\"},\"position\":1}",
		  NULL, 201);
	first = lf_jint(j, "id");
	assert_int_equal(lf_jint(j, "position"), 1);
	json_decref(j);
	j = hcall(h, "GET", MAP, U_VIEWER, NULL, NULL, 200);
	st = stage_of(j, "retention");
	assert_int_equal(json_array_size(json_object_get(st, "touchpoints")), 4);
	assert_int_equal(json_array_size(json_object_get(st, "solutions")), 4);
	assert_int_equal(lf_jint(json_array_get(json_object_get(st, "solutions"), 0), "id"), first);
	assert_int_equal(lf_jint(json_array_get(json_object_get(st, "solutions"), 1), "position"),
			 2);
	json_decref(j);

	/* Patch with If-Match; archive hides it. */
	j = lf_callf(h, "PATCH", U_OWNER, "{\"name\":{\"en\":\"Customer club\"},\"position\":3}",
		     match1, 200, ITEMS "/%lld", (long long)first);
	assert_string_equal(lf_jstr(j, "name/en"), "Customer club");
	assert_string_equal(lf_jstr(j, "name/ru"), "Клуб клиентов");
	assert_int_equal(lf_jint(j, "position"), 3);
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	json_decref(lf_callf(h, "PATCH", U_OWNER, "{\"archived\":true}", match1, 412, ITEMS "/%lld",
			     (long long)first));
	json_decref(lf_callf(h, "PATCH", U_OWNER, "{\"archived\":true}", NULL, 200, ITEMS "/%lld",
			     (long long)id));
	j = hcall(h, "GET", MAP, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(stage_of(j, "retention"), "touchpoints")),
			 3);
	json_decref(j);
	j = hcall(h, "GET", MAP "?include_archived=true", U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(stage_of(j, "retention"), "touchpoints")),
			 4);
	json_decref(j);
	j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, ITEMS "/%lld", (long long)id);
	assert_true(json_is_true(json_object_get(j, "archived")));
	json_decref(j);

	/* Validation. */
	snprintf(path, sizeof(path), STAGES "/%lld/items", (long long)stage);
	lf_expect_pointer(h, "POST", path, U_ANALYST, "{\"kind\":\"door\",\"name\":{\"ru\":\"x\"}}",
			  422, "/kind");
	lf_expect_pointer(h, "POST", path, U_ANALYST, "{\"name\":{\"ru\":\"x\"}}", 422, "/kind");
	lf_expect_pointer(h, "POST", path, U_ANALYST,
			  "{\"kind\":\"solution\",\"name\":{\"ru\":\"\"}}", 422, "/name/ru");
	lf_expect_pointer(h, "POST", path, U_ANALYST, "{\"kind\":\"solution\"}", 422, "/name");
	lf_expect_pointer(h, "POST", path, U_ANALYST,
			  "{\"kind\":\"solution\",\"name\":{\"ru\":\"x\"},\"archived\":true}", 422,
			  "/archived");
	snprintf(path, sizeof(path), ITEMS "/%lld", (long long)first);
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"kind\":\"touchpoint\"}", 422, "/kind");
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"position\":0}", 422, "/position");
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"name\":{\"ru\":\" \"}}", 422,
			  "/name/ru");
	lf_expect_pointer(h, "PATCH", path, U_ANALYST, "{\"archived\":1}", 422, "/archived");
	lf_expect_pointer(h, "POST", STAGES, U_ANALYST, "{\"name\":{\"ru\":\"\"}}", 422,
			  "/name/ru");
	lf_expect_pointer(h, "POST", STAGES, U_ANALYST, "{\"name\":{\"ru\":\"x\"},\"goal\":\"y\"}",
			  422, "/goal");
	lf_expect_pointer(h, "POST", STAGES, U_ANALYST, "{\"name\":{\"ru\":\"x\"},\"code\":\"A\"}",
			  422, "/code");
	lf_expect_pointer(h, "POST", STAGES, U_ANALYST,
			  "{\"name\":{\"ru\":\"x\"},\"archived\":true}", 422, "/archived");
	json_decref(hcall(h, "GET", MAP "?include_archived=perhaps", U_VIEWER, NULL, NULL, 422));
}

static void
test_roles_and_foreign_ids(void **state)
{
	int64_t stage, item, fstage, fitem;
	char spath[128], ipath[128], itemsp[128];
	json_t *j;

	(void)state;
	j = hcall(h, "GET", MAP, U_VIEWER, NULL, NULL, 200);
	stage = lf_jint(stage_of(j, "search"), "id");
	item =
	    lf_jint(json_array_get(json_object_get(stage_of(j, "search"), "touchpoints"), 0), "id");
	json_decref(j);
	snprintf(spath, sizeof(spath), STAGES "/%lld", (long long)stage);
	snprintf(ipath, sizeof(ipath), ITEMS "/%lld", (long long)item);
	snprintf(itemsp, sizeof(itemsp), STAGES "/%lld/items", (long long)stage);
	for (int u = U_MANAGER; u <= U_VIEWER; u++) {
		json_decref(hcall(h, "POST", STAGES, u, "{\"name\":{\"ru\":\"x\"}}", NULL, 403));
		json_decref(hcall(h, "PATCH", spath, u, "{\"name\":{\"ru\":\"x\"}}", NULL, 403));
		json_decref(hcall(h, "POST", STAGES "/order", u, "{\"ids\":[]}", NULL, 403));
		json_decref(hcall(h, "POST", itemsp, u,
				  "{\"kind\":\"solution\",\"name\":{\"ru\":\"x\"}}", NULL, 403));
		json_decref(hcall(h, "PATCH", ipath, u, "{\"archived\":true}", NULL, 403));
		json_decref(hcall(h, "GET", MAP, u, NULL, NULL, 200));
		json_decref(hcall(h, "GET", spath, u, NULL, NULL, 200));
		json_decref(hcall(h, "GET", ipath, u, NULL, NULL, 200));
	}
	json_decref(hcall(h, "GET", MAP, U_OTHER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", MAP, U__MAX, NULL, NULL, 401));

	/* Another workspace's stage and item: 404 on every route that names them. */
	j = hcall(h, "GET", WS_OTHER "/journey", U_OTHER, NULL, NULL, 200);
	fstage = lf_jint(stage_of(j, "choice"), "id");
	fitem =
	    lf_jint(json_array_get(json_object_get(stage_of(j, "choice"), "solutions"), 0), "id");
	json_decref(j);
	snprintf(spath, sizeof(spath), STAGES "/%lld", (long long)fstage);
	snprintf(ipath, sizeof(ipath), ITEMS "/%lld", (long long)fitem);
	snprintf(itemsp, sizeof(itemsp), STAGES "/%lld/items", (long long)fstage);
	json_decref(hcall(h, "GET", spath, U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", spath, U_OWNER, "{\"name\":{\"ru\":\"x\"}}", NULL, 404));
	json_decref(hcall(h, "POST", itemsp, U_OWNER,
			  "{\"kind\":\"solution\",\"name\":{\"ru\":\"x\"}}", NULL, 404));
	json_decref(hcall(h, "GET", ipath, U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", ipath, U_OWNER, "{\"archived\":true}", NULL, 404));
	json_decref(hcall(h, "PATCH", STAGES "/99999999", U_OWNER, "{}", NULL, 404));
	json_decref(hcall(h, "PATCH", ITEMS "/x", U_OWNER, "{}", NULL, 404));
	/* Nor may an order name them, nor a factor tie to them. */
	{
		int64_t ids[8];
		char body[256];
		size_t count = stage_ids(MAP, U_VIEWER, ids, 8), n;

		assert_true(count >= 5);
		/* The first of ours replaced by theirs. */
		n = (size_t)snprintf(body, sizeof(body), "{\"ids\":[%lld", (long long)fstage);
		for (size_t i = 1; i < count; i++)
			n += (size_t)snprintf(body + n, sizeof(body) - n, ",%lld",
					      (long long)ids[i]);
		snprintf(body + n, sizeof(body) - n, "]}");
		lf_expect_pointer(h, "POST", STAGES "/order", U_OWNER, body, 422, "/ids");
	}
	j = hcall(h, "GET", WS "/loyalty/factors", U_VIEWER, NULL, NULL, 200);
	snprintf(spath, sizeof(spath), WS "/loyalty/factors/%lld",
		 (long long)lf_jint(json_array_get(json_object_get(j, "items"), 0), "id"));
	json_decref(j);
	snprintf(ipath, sizeof(ipath), "{\"stage_id\":%lld}", (long long)fstage);
	lf_expect_pointer(h, "PATCH", spath, U_OWNER, ipath, 422, "/stage_id");
	snprintf(ipath, sizeof(ipath), "{\"item_id\":%lld}", (long long)fitem);
	lf_expect_pointer(h, "PATCH", spath, U_OWNER, ipath, 422, "/item_id");
	/* Theirs are untouched. */
	j = hcall(h, "GET", WS_OTHER "/journey", U_OTHER, NULL, NULL, 200);
	assert_seed_map(j);
	json_decref(j);
}

/* Date d (YYYY-MM-DD) shifted by days, into out. */
static void
date_shift(const char *d, int days, char out[11])
{
	struct tm tm = {0};
	time_t t;

	assert_int_equal(sscanf(d, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday), 3);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 12;
	t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Records an assessment in workspace ws: tag names it (person); see test_figures. */
struct obs {
	const char *tag;
	int64_t account;
	const char *day;
	int current;
	int64_t stage, item; /* 0: none */
	int64_t comps[3];    /* components scored … */
	double scores[3];    /* … with these scores */
	int64_t factors[3];  /* factors observed */
};

static void
store(int64_t ws, const struct obs *o)
{
	char sql[4096], ids[2][32];
	size_t n;

	snprintf(ids[0], sizeof(ids[0]), "%lld", (long long)o->stage);
	snprintf(ids[1], sizeof(ids[1]), "%lld", (long long)o->item);
	if (o->stage == 0)
		snprintf(ids[0], sizeof(ids[0]), "NULL");
	if (o->item == 0)
		snprintf(ids[1], sizeof(ids[1]), "NULL");
	n = (size_t)snprintf(
	    sql, sizeof(sql),
	    "INSERT INTO assessments (workspace_id, account_id, series_id, version, current,"
	    " assessed_on, source, person, stage_id, item_id, created_at) VALUES (%lld, %lld, 0,"
	    " 1, %d, '%s', 'manual', '%s', %s, %s, '2026-01-01T00:00:00Z');"
	    "UPDATE assessments SET series_id = id WHERE series_id = 0;",
	    (long long)ws, (long long)o->account, o->current, o->day, o->tag, ids[0], ids[1]);
	for (int i = 0; i < 3 && o->comps[i] > 0; i++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n,
				      "INSERT INTO assessment_scores (assessment_id, workspace_id,"
				      " account_id, component_id, assessed_on, current, score)"
				      " SELECT id, workspace_id, account_id, %lld, assessed_on,"
				      " current, %.17g FROM assessments WHERE person = '%s';",
				      (long long)o->comps[i], o->scores[i], o->tag);
	for (int i = 0; i < 3 && o->factors[i] > 0; i++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n,
				      "INSERT INTO assessment_factors (assessment_id, workspace_id,"
				      " account_id, factor_id, assessed_on, current)"
				      " SELECT id, workspace_id, account_id, %lld, assessed_on,"
				      " current FROM assessments WHERE person = '%s';",
				      (long long)o->factors[i], o->tag);
	assert_true(n < sizeof(sql));
	assert_int_equal(harness_sql_exec(h, sql), 0);
}

/* The workspace id of slug, read from the database. */
static int64_t
workspace_id(const char *slug)
{
	static struct db_sql sql = DB_SQL("SELECT id FROM workspaces WHERE slug = ?1");
	struct db_conn *c;
	struct db_stmt *st;
	int64_t id = 0;
	bool row;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	db_bind_text(st, 1, slug);
	if (db_step(st, &row) == ADV_OK && row) {
		id = db_col_int(st, 0);
		db_done(st);
	}
	db_release(h->db, c);
	assert_true(id > 0);
	return id;
}

#define FIG "/api/v1/workspaces/figures"

/* The id of the stage with code in the map of workspace path ws (as the admin). */
static int64_t
jint_stage(const char *ws, const char *code)
{
	char path[256];
	json_t *j;
	int64_t id;

	snprintf(path, sizeof(path), "%s/journey", ws);
	j = hcall(h, "GET", path, U_ADMIN, NULL, NULL, 200);
	id = lf_jint(stage_of(j, code), "id");
	json_decref(j);
	return id;
}

/* A new account of the figures workspace. */
static int64_t
account(const char *name)
{
	char body[128];
	json_t *j;
	int64_t id;

	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	j = hcall(h, "POST", FIG "/accounts", U_ADMIN, body, NULL, 201);
	id = lf_jint(j, "id");
	json_decref(j);
	return id;
}

/* Asserts a stage's figures; share and mean < 0 mean null. */
static void
assert_figures(json_t *st, int64_t signals, int64_t negative, double share, double mean, int64_t n)
{
	json_t *f = json_object_get(st, "figures");

	assert_int_equal(lf_jint(f, "signals"), signals);
	assert_int_equal(lf_jint(f, "negative"), negative);
	if (share < 0)
		assert_true(json_is_null(json_object_get(f, "negative_share")));
	else
		assert_true(json_real_value(json_object_get(f, "negative_share")) == share ||
			    json_number_value(json_object_get(f, "negative_share")) == share);
	if (mean < 0)
		assert_true(json_is_null(json_object_get(f, "component_mean")));
	else
		assert_true(json_number_value(json_object_get(f, "component_mean")) == mean);
	assert_int_equal(lf_jint(f, "component_n"), n);
}

/* Signals of the item of stage st with English name en. */
static int64_t
item_signals(json_t *st, const char *en)
{
	const char *kinds[] = {"touchpoints", "solutions"};
	json_t *it;
	size_t i;

	for (int k = 0; k < 2; k++)
		json_array_foreach(json_object_get(st, kinds[k]), i,
				   it) if (strcmp(lf_jstr(it, "name/en"), en) ==
					   0) return lf_jint(it, "signals");
	fail_msg("no item %s", en);
	return -1;
}

/*
 * The hand-made set (W the window's first day, T today):
 *  A1 acc1 on W:        factors F_neg, F_pos; shipment 2, prices 4
 *  A2 acc3 on W - 1:    factor F_neg; shipment 5                  (outside)
 *  A3 acc2 on T, tied to purchase / "Website": F_neg, F_neu; shipment 3, terms 4
 *  A4 acc2 on T - 10, an old version: F_neg; shipment 1              (not current)
 *  A5 acc4 on T, the client archived: F_neg; shipment 1              (not live)
 *  A6 acc3 on W + 1, tied to choice: F_neu; prices 2, service 5
 *  A7 acc3 on T - 1:    prices 5                                   (acc3's latest prices)
 * F_neg (shipment, −) is tied to purchase / "Call centre", F_pos (prices, +) to choice,
 * F_neu (terms, 0) to nothing.
 */
static void
test_figures(void **state)
{
	int64_t ws, acc[5], comp[4], f_neg, f_pos, f_neu, purchase, choice, website, callcentre;
	char today[11], w[11], w_minus[11], w_plus[11], t_minus1[11], t_minus10[11], body[256];
	struct tm tm;
	time_t now = time(NULL);
	json_t *j, *comps, *st;

	(void)state;
	json_decref(hcall(h, "POST", "/api/v1/workspaces", U_ADMIN,
			  "{\"slug\":\"figures\",\"name\":\"Figures\"}", NULL, 201));
	ws = workspace_id("figures");
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	/* Twelve months back: the same day a year earlier (29 February becomes the 28th). */
	snprintf(w, sizeof(w), "%04d-%02d-%02d", tm.tm_year + 1900 - 1, tm.tm_mon + 1,
		 tm.tm_mon == 1 && tm.tm_mday == 29 ? 28 : tm.tm_mday);
	date_shift(w, -1, w_minus);
	date_shift(w, 1, w_plus);
	date_shift(today, -1, t_minus1);
	date_shift(today, -10, t_minus10);

	j = hcall(h, "GET", FIG "/loyalty/catalogue", U_ADMIN, NULL, NULL, 200);
	comps = json_object_get(j, "components");
	for (int c = 0; c < 4; c++)
		comp[c] = lf_jint(json_array_get(comps, (size_t)c),
				  "id"); /* terms service prices shipment */
	f_neu =
	    lf_jint(json_array_get(json_object_get(json_array_get(comps, 0), "factors"), 4), "id");
	f_pos =
	    lf_jint(json_array_get(json_object_get(json_array_get(comps, 2), "factors"), 2), "id");
	f_neg =
	    lf_jint(json_array_get(json_object_get(json_array_get(comps, 3), "factors"), 0), "id");
	json_decref(j);
	j = hcall(h, "GET", FIG "/journey", U_ADMIN, NULL, NULL, 200);
	assert_string_equal(lf_jstr(j, "window_start"), w);
	purchase = lf_jint(stage_of(j, "purchase"), "id");
	choice = lf_jint(stage_of(j, "choice"), "id");
	website = lf_jint(
	    json_array_get(json_object_get(stage_of(j, "purchase"), "touchpoints"), 0), "id");
	callcentre = lf_jint(
	    json_array_get(json_object_get(stage_of(j, "purchase"), "touchpoints"), 1), "id");
	json_decref(j);
	snprintf(body, sizeof(body), "{\"stage_id\":%lld,\"item_id\":%lld}", (long long)purchase,
		 (long long)callcentre);
	json_decref(lf_callf(h, "PATCH", U_ADMIN, body, NULL, 200, FIG "/loyalty/factors/%lld",
			     (long long)f_neg));
	snprintf(body, sizeof(body), "{\"stage_id\":%lld}", (long long)choice);
	json_decref(lf_callf(h, "PATCH", U_ADMIN, body, NULL, 200, FIG "/loyalty/factors/%lld",
			     (long long)f_pos));
	for (int i = 0; i < 4; i++) {
		char name[32];

		snprintf(name, sizeof(name), "Клиент %d", i + 1);
		acc[i] = account(name);
	}
	{
		const struct obs set[] = {
		    {"A1", acc[0], w, 1, 0, 0, {comp[3], comp[2]}, {2, 4}, {f_neg, f_pos}},
		    {"A2", acc[2], w_minus, 1, 0, 0, {comp[3]}, {5}, {f_neg}},
		    {"A3",
		     acc[1],
		     today,
		     1,
		     purchase,
		     website,
		     {comp[3], comp[0]},
		     {3, 4},
		     {f_neg, f_neu}},
		    {"A4", acc[1], t_minus10, 0, 0, 0, {comp[3]}, {1}, {f_neg}},
		    {"A5", acc[3], today, 1, 0, 0, {comp[3]}, {1}, {f_neg}},
		    {"A6", acc[2], w_plus, 1, choice, 0, {comp[2], comp[1]}, {2, 5}, {f_neu}},
		    {"A7", acc[2], t_minus1, 1, 0, 0, {comp[2]}, {5}, {0}},
		};

		for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
			store(ws, &set[i]);
	}
	json_decref(lf_callf(h, "DELETE", U_ADMIN, NULL, NULL, 204, FIG "/accounts/%lld",
			     (long long)acc[3]));

	j = hcall(h, "GET", FIG "/journey", U_ADMIN, NULL, NULL, 200);
	/* purchase: A1/F_neg, A3/F_neg (both ties, once), A3/F_neu; shipment {2, 3}, terms {4}. */
	st = stage_of(j, "purchase");
	assert_figures(st, 3, 2, 2.0 / 3.0, 3.0, 3);
	assert_int_equal(item_signals(st, "Call centre"), 2); /* A1, A3 through F_neg */
	assert_int_equal(item_signals(st, "Website"), 2);     /* A3's two observations */
	/* choice: A1/F_pos, A6/F_neu; prices {4 (acc1), 5 (acc3's latest)}, service {5}. */
	st = stage_of(j, "choice");
	assert_figures(st, 2, 0, 0.0, 14.0 / 3.0, 3);
	assert_int_equal(item_signals(st, "Forums"), 0);
	assert_figures(stage_of(j, "search"), 0, 0, -1, -1, 0);
	assert_figures(stage_of(j, "loyalty"), 0, 0, -1, -1, 0);
	json_decref(j);

	/* A retired factor's observations still count; its tie no longer relates its component. */
	json_decref(lf_callf(h, "PATCH", U_ADMIN, "{\"active\":false}", NULL, 200,
			     FIG "/loyalty/factors/%lld", (long long)f_pos));
	j = hcall(h, "GET", FIG "/journey", U_ADMIN, NULL, NULL, 200);
	/* choice keeps prices through A6's scores: the same figures. */
	assert_figures(stage_of(j, "choice"), 2, 0, 0.0, 14.0 / 3.0, 3);
	json_decref(j);
	/* A retired component leaves the means. */
	json_decref(lf_callf(h, "PATCH", U_ADMIN, "{\"active\":false}", NULL, 200,
			     FIG "/loyalty/components/%lld", (long long)comp[0]));
	j = hcall(h, "GET", FIG "/journey", U_ADMIN, NULL, NULL, 200);
	assert_figures(stage_of(j, "purchase"), 3, 2, 2.0 / 3.0, 2.5, 2);
	json_decref(j);
	/* A shorter window: only A3 (today) and A7 (yesterday) remain for purchase and choice. */
	json_decref(hcall(h, "PATCH", FIG "/loyalty/settings", U_ADMIN,
			  "{\"factor_window_months\":1}", NULL, 200));
	j = hcall(h, "GET", FIG "/journey", U_ADMIN, NULL, NULL, 200);
	assert_int_equal(lf_jint(j, "window_months"), 1);
	assert_figures(stage_of(j, "purchase"), 2, 1, 0.5, 3.0, 1);
	assert_figures(stage_of(j, "choice"), 0, 0, -1, -1, 0);
	json_decref(j);

	/*
	 * Through the assessments API: acc1 today, tied to loyalty, shipment 4 with F_neg.
	 * purchase gains the observation through F_neg's tie, loyalty through the assessment's;
	 * shipment's latest scores are now acc1 4 and acc2 3.
	 */
	snprintf(body, sizeof(body),
		 "{\"source\":\"interview\",\"stage_id\":%lld,\"components\":[{\"component_id\":"
		 "%lld,\"score\":4,\"factors\":[{\"factor_id\":%lld,\"evidence\":\"очереди\"}]}]}",
		 (long long)jint_stage(FIG, "loyalty"), (long long)comp[3], (long long)f_neg);
	json_decref(lf_callf(h, "POST", U_ADMIN, body, NULL, 201, FIG "/accounts/%lld/assessments",
			     (long long)acc[0]));
	j = hcall(h, "GET", FIG "/journey", U_ADMIN, NULL, NULL, 200);
	st = stage_of(j, "purchase");
	assert_figures(st, 3, 2, 2.0 / 3.0, 3.5, 2);
	assert_int_equal(item_signals(st, "Call centre"), 2); /* A3 and the new one */
	assert_figures(stage_of(j, "loyalty"), 1, 1, 1.0, 3.5, 2);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seeded_map),	    cmocka_unit_test(test_roles_and_foreign_ids),
	    cmocka_unit_test(test_stage_lifecycle), cmocka_unit_test(test_items),
	    cmocka_unit_test(test_figures),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_journey", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
