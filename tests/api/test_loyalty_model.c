/*
 * test_loyalty_model.c — one client's current loyalty model over real HTTP
 * (GET /accounts/{id}/loyalty) against hand-computed values: the index with
 * missing components (weights redistributed, the partial flag), weights,
 * the latest score and its history, corrections (only current versions
 * count), the factor window's edges, retired factors and components, the
 * trend by quarter, the latest summary and recommend, and the portfolio
 * means of the radar chart as the workspace's data changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

#include <cmocka.h>

#include "core/loyalty_index.h"
#include "harness.h"
#include "loyalty_fixtures.h"

#define WS	 "/api/v1/workspaces/acme"
#define BODY_MAX 4096

static struct harness *h;

/* A new account of workspace prefix ws made by user. */
static int64_t
account(const char *ws, int user, const char *name)
{
	char path[128], body[256];

	snprintf(path, sizeof(path), "%s/accounts", ws);
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	return lf_create(h, path, user, body);
}

/*
 * Records an assessment of acc in ws (prefix) as user on date (YYYY-MM-DD)
 * with components (the JSON array's text, may be "[]") and extra top-level
 * JSON members (text starting with ',' or ""); returns its id.
 */
static int64_t
assess(const char *ws, int user, int64_t acc, const char *date, const char *components,
       const char *extra)
{
	char path[128], body[BODY_MAX];

	snprintf(path, sizeof(path), "%s/accounts/%lld/assessments", ws, (long long)acc);
	snprintf(body, sizeof(body),
		 "{\"source\":\"interview\",\"assessed_on\":\"%s\",\"components\":%s%s}", date,
		 components, extra);
	return lf_create(h, path, user, body);
}

/* The model of account acc of ws (prefix), as user. */
static json_t *
model(const char *ws, int user, int64_t acc)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/accounts/%lld/loyalty", ws, (long long)acc);
	return hcall(h, "GET", path, user, NULL, NULL, 200);
}

/* The model's entry of component id. */
static json_t *
mcomp(json_t *m, int64_t id)
{
	json_t *comps = json_object_get(m, "components");

	for (size_t i = 0; i < json_array_size(comps); i++)
		if (json_integer_value(json_object_get(json_array_get(comps, i), "component_id")) ==
		    id)
			return json_array_get(comps, i);
	return NULL;
}

/* The factor entry fid under component entry c, or NULL. */
static json_t *
mfactor(json_t *c, int64_t fid)
{
	json_t *fs = json_object_get(c, "factors");

	for (size_t i = 0; i < json_array_size(fs); i++)
		if (json_integer_value(json_object_get(json_array_get(fs, i), "factor_id")) == fid)
			return json_array_get(fs, i);
	return NULL;
}

/* Asserts the model's index: value (NAN: null), share, partial. */
static void
assert_index(json_t *m, double value, double share, bool partial)
{
	json_t *ix = json_object_get(m, "index");

	if (isnan(value))
		assert_true(json_is_null(json_object_get(ix, "value")));
	else
		lf_assert_near(json_number_value(json_object_get(ix, "value")), value);
	lf_assert_near(json_number_value(json_object_get(ix, "known_weight_share")), share);
	assert_int_equal(json_is_true(json_object_get(ix, "partial")), partial);
}

/* Date d moved by days. */
static int32_t
day_shift(int32_t d, int days)
{
	struct tm tm = {0};
	time_t t;

	tm.tm_year = d / 10000 - 1900;
	tm.tm_mon = d / 100 % 100 - 1;
	tm.tm_mday = d % 100 + days;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static void
test_index_missing(void **state)
{
	int64_t terms = lf_comp(h, h->ws_acme, "terms"),
		service = lf_comp(h, h->ws_acme, "service");
	int64_t prices = lf_comp(h, h->ws_acme, "prices"),
		shipment = lf_comp(h, h->ws_acme, "shipment");
	int64_t a1 = account(WS, U_OWNER, "Индекс 1"), a2 = account(WS, U_OWNER, "Индекс 2");
	int64_t a3 = account(WS, U_OWNER, "Индекс 3");
	char comps[512];
	json_t *m, *c;

	(void)state;
	/* Terms 5 → 100, prices 3 → 50; half the weight known: 75, not partial. */
	snprintf(comps, sizeof(comps),
		 "[{\"component_id\":%lld,\"score\":5,\"comment\":\"хорошо\"},"
		 "{\"component_id\":%lld,\"score\":3}]",
		 (long long)terms, (long long)prices);
	assess(WS, U_OWNER, a1, "2025-05-05", comps, "");
	m = model(WS, U_VIEWER, a1);
	assert_index(m, 75, 0.5, false);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(m, "scale"), "min")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(m, "scale"), "max")),
			 5);
	assert_int_equal(json_integer_value(json_object_get(m, "window_months")), 12);
	assert_string_equal(json_string_value(json_object_get(m, "as_of")), lf_dtext(lf_today()));
	assert_int_equal(json_array_size(json_object_get(m, "components")), 4);
	c = mcomp(m, terms);
	assert_string_equal(json_string_value(json_object_get(c, "code")), "terms");
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "name"), "ru")),
			    "Условия работы");
	assert_true(json_number_value(json_object_get(c, "score")) == 5);
	assert_string_equal(json_string_value(json_object_get(c, "assessed_on")), "2025-05-05");
	assert_string_equal(json_string_value(json_object_get(c, "comment")), "хорошо");
	c = mcomp(m, service);
	assert_true(json_is_null(json_object_get(c, "score")));
	assert_true(json_is_null(json_object_get(c, "assessed_on")));
	assert_int_equal(json_array_size(json_object_get(c, "history")), 0);
	json_decref(m);
	/* One of four: partial. */
	snprintf(comps, sizeof(comps), "[{\"component_id\":%lld,\"score\":2}]",
		 (long long)shipment);
	assess(WS, U_OWNER, a2, "2025-05-05", comps, "");
	m = model(WS, U_VIEWER, a2);
	assert_index(m, 25, 0.25, true);
	json_decref(m);
	/* No assessment: no index, no trend. */
	m = model(WS, U_VIEWER, a3);
	assert_index(m, NAN, 0, false);
	assert_int_equal(json_array_size(json_object_get(m, "trend")), 0);
	assert_true(json_is_null(json_object_get(m, "summary")));
	assert_true(json_is_null(json_object_get(m, "recommend")));
	json_decref(m);
	/* Weights: terms 3 → (3·100 + 50) / 4 = 87.5, share 4/6. */
	lf_sqlf(h, "UPDATE loyalty_components SET weight = 3 WHERE id = %lld", (long long)terms);
	m = model(WS, U_VIEWER, a1);
	assert_index(m, 87.5, 4.0 / 6.0, false);
	json_decref(m);
	/* A known weight of 0: no index. */
	lf_sqlf(h, "UPDATE loyalty_components SET weight = 0 WHERE id = %lld", (long long)shipment);
	m = model(WS, U_VIEWER, a2);
	assert_index(m, NAN, 0, false);
	json_decref(m);
	lf_sqlf(h, "UPDATE loyalty_components SET weight = 1 WHERE workspace_id = %lld",
		(long long)h->ws_acme);
	/* Another scale: 0–10 makes terms 5 → 50, prices 3 → 30: 40. */
	lf_sqlf(h, "UPDATE workspaces SET score_min = 0, score_max = 10 WHERE id = %lld",
		(long long)h->ws_acme);
	m = model(WS, U_VIEWER, a1);
	assert_index(m, 40, 0.5, false);
	json_decref(m);
	lf_sqlf(h, "UPDATE workspaces SET score_min = 1, score_max = 5 WHERE id = %lld",
		(long long)h->ws_acme);
}

static void
test_latest_and_versions(void **state)
{
	int64_t terms = lf_comp(h, h->ws_acme, "terms"), acc = account(WS, U_OWNER, "История");
	int64_t first, same1;
	char comps[256], path[256];
	json_t *m, *c, *hist;

	(void)state;
	snprintf(comps, sizeof(comps), "[{\"component_id\":%lld,\"score\":2}]", (long long)terms);
	first = assess(WS, U_OWNER, acc, "2025-01-10", comps,
		       ",\"summary\":\"первая\",\"recommend\":6");
	snprintf(comps, sizeof(comps), "[{\"component_id\":%lld,\"score\":4}]", (long long)terms);
	same1 = assess(WS, U_OWNER, acc, "2025-03-05", comps, ",\"recommend\":9");
	/* The same date, recorded later: it is the latest. */
	snprintf(comps, sizeof(comps), "[{\"component_id\":%lld,\"score\":3}]", (long long)terms);
	assess(WS, U_OWNER, acc, "2025-03-05", comps, ",\"summary\":\"вторая\"");
	/* An older date recorded last is not the latest. */
	snprintf(comps, sizeof(comps), "[{\"component_id\":%lld,\"score\":1}]", (long long)terms);
	assess(WS, U_OWNER, acc, "2024-12-31", comps, "");
	m = model(WS, U_VIEWER, acc);
	c = mcomp(m, terms);
	assert_true(json_number_value(json_object_get(c, "score")) == 3);
	assert_string_equal(json_string_value(json_object_get(c, "assessed_on")), "2025-03-05");
	hist = json_object_get(c, "history");
	assert_int_equal(json_array_size(hist), 4);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(hist, 0), "assessed_on")),
	    "2024-12-31");
	assert_true(json_number_value(json_object_get(json_array_get(hist, 1), "score")) == 2);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(hist, 1), "assessment_id")), first);
	/* The latest summary and recommend given. */
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(m, "summary"), "text")), "вторая");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(m, "summary"), "assessed_on")),
	    "2025-03-05");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(m, "recommend"), "value")), 9);
	json_decref(m);
	/* A correction replaces its version's score; the old version counts no more. */
	snprintf(path, sizeof(path), WS "/accounts/%lld/assessments/%lld", (long long)acc,
		 (long long)first);
	snprintf(comps, sizeof(comps),
		 "{\"source\":\"interview\",\"summary\":\"первая\",\"components\":"
		 "[{\"component_id\":%lld,\"score\":5}]}",
		 (long long)terms);
	json_decref(hcall(h, "PUT", path, U_OWNER, comps, NULL, 200));
	m = model(WS, U_VIEWER, acc);
	c = mcomp(m, terms);
	hist = json_object_get(c, "history");
	assert_int_equal(json_array_size(hist), 4);
	assert_true(json_number_value(json_object_get(json_array_get(hist, 1), "score")) == 5);
	assert_true(json_number_value(json_object_get(c, "score")) == 3);
	json_decref(m);
	/*
	 * Correcting the earlier of two assessments of one date stores it again:
	 * of the same date, the version stored last is the latest.
	 */
	snprintf(path, sizeof(path), WS "/accounts/%lld/assessments/%lld", (long long)acc,
		 (long long)same1);
	snprintf(comps, sizeof(comps),
		 "{\"source\":\"interview\",\"recommend\":9,\"components\":"
		 "[{\"component_id\":%lld,\"score\":4.5}]}",
		 (long long)terms);
	json_decref(hcall(h, "PUT", path, U_OWNER, comps, NULL, 200));
	m = model(WS, U_VIEWER, acc);
	assert_true(json_number_value(json_object_get(mcomp(m, terms), "score")) == 4.5);
	json_decref(m);
}

static void
test_window_edges(void **state)
{
	int64_t shipment = lf_comp(h, h->ws_acme, "shipment"), acc = account(WS, U_OWNER, "Окно");
	int64_t queue = lf_factor(h, h->ws_acme, "shipment", 1),
		equip = lf_factor(h, h->ws_acme, "shipment", 2);
	int32_t t = lf_today(), start = loyalty_months_before(t, 12), before = day_shift(start, -1);
	char comps[512];
	json_t *m, *c, *f;

	(void)state;
	/* On the window's first day: counts. */
	snprintf(comps, sizeof(comps),
		 "[{\"component_id\":%lld,\"factors\":[{\"factor_id\":%lld,"
		 "\"evidence\":\"на границе\"}]}]",
		 (long long)shipment, (long long)queue);
	assess(WS, U_OWNER, acc, lf_dtext(start), comps, "");
	/* The day before: does not. */
	snprintf(comps, sizeof(comps),
		 "[{\"component_id\":%lld,\"factors\":[{\"factor_id\":%lld},"
		 "{\"factor_id\":%lld,\"evidence\":\"вне окна\"}]}]",
		 (long long)shipment, (long long)queue, (long long)equip);
	assess(WS, U_OWNER, acc, lf_dtext(before), comps, "");
	/* Seen again later without evidence: the latest evidence given stays. */
	snprintf(comps, sizeof(comps),
		 "[{\"component_id\":%lld,\"score\":2,\"factors\":[{\"factor_id\":%lld}]}]",
		 (long long)shipment, (long long)queue);
	assess(WS, U_OWNER, acc, lf_dtext(t), comps, "");
	m = model(WS, U_VIEWER, acc);
	assert_string_equal(json_string_value(json_object_get(m, "window_start")), lf_dtext(start));
	c = mcomp(m, shipment);
	assert_int_equal(json_array_size(json_object_get(c, "factors")), 1);
	f = mfactor(c, queue);
	assert_non_null(f);
	assert_int_equal(json_integer_value(json_object_get(f, "count")), 2);
	assert_string_equal(json_string_value(json_object_get(f, "last_seen")), lf_dtext(t));
	assert_string_equal(json_string_value(json_object_get(f, "evidence")), "на границе");
	assert_string_equal(json_string_value(json_object_get(f, "polarity")), "-");
	assert_true(json_is_true(json_object_get(f, "active")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(f, "text"), "en")),
			    "Queues at shipment");
	assert_null(mfactor(c, equip));
	json_decref(m);
	/* A longer window takes the older observations in. */
	lf_sqlf(h, "UPDATE workspaces SET factor_window_months = 13 WHERE id = %lld",
		(long long)h->ws_acme);
	m = model(WS, U_VIEWER, acc);
	c = mcomp(m, shipment);
	assert_int_equal(json_integer_value(json_object_get(mfactor(c, queue), "count")), 3);
	assert_string_equal(json_string_value(json_object_get(mfactor(c, equip), "evidence")),
			    "вне окна");
	json_decref(m);
	lf_sqlf(h, "UPDATE workspaces SET factor_window_months = 12 WHERE id = %lld",
		(long long)h->ws_acme);
}

static void
test_retired(void **state)
{
	int64_t terms = lf_comp(h, h->ws_acme, "terms"),
		shipment = lf_comp(h, h->ws_acme, "shipment");
	int64_t prepay = lf_factor(h, h->ws_acme, "terms", 6), acc = account(WS, U_OWNER, "Архив");
	char comps[512];
	json_t *m, *f;

	(void)state;
	snprintf(comps, sizeof(comps),
		 "[{\"component_id\":%lld,\"score\":5,\"factors\":[{\"factor_id\":%lld,"
		 "\"evidence\":\"неудобно\"}]},{\"component_id\":%lld,\"score\":1}]",
		 (long long)terms, (long long)prepay, (long long)shipment);
	assess(WS, U_OWNER, acc, lf_dtext(lf_today()), comps, "");
	m = model(WS, U_VIEWER, acc);
	assert_index(m, 50, 0.5, false);
	json_decref(m);
	/* A retired factor stays in the model; a retired component leaves it and the index. */
	lf_sqlf(h, "UPDATE loyalty_factors SET active = 0 WHERE id = %lld", (long long)prepay);
	lf_sqlf(h, "UPDATE loyalty_components SET active = 0 WHERE id = %lld", (long long)shipment);
	m = model(WS, U_VIEWER, acc);
	f = mfactor(mcomp(m, terms), prepay);
	assert_non_null(f);
	assert_false(json_is_true(json_object_get(f, "active")));
	assert_int_equal(json_integer_value(json_object_get(f, "count")), 1);
	assert_null(mcomp(m, shipment));
	assert_int_equal(json_array_size(json_object_get(m, "components")), 3);
	assert_index(m, 100, 1.0 / 3.0, true);
	json_decref(m);
	lf_sqlf(h, "UPDATE loyalty_factors SET active = 1 WHERE id = %lld", (long long)prepay);
	lf_sqlf(h, "UPDATE loyalty_components SET active = 1 WHERE id = %lld", (long long)shipment);
}

static void
test_trend(void **state)
{
	int64_t terms = lf_comp(h, h->ws_acme, "terms"),
		service = lf_comp(h, h->ws_acme, "service");
	int64_t prices = lf_comp(h, h->ws_acme, "prices"), acc = account(WS, U_OWNER, "Тренд");
	int32_t t = lf_today(), e1 = loyalty_previous_quarter_end(t),
		e2 = loyalty_previous_quarter_end(e1), e3 = loyalty_previous_quarter_end(e2),
		e4 = loyalty_previous_quarter_end(e3);
	int32_t ends[5] = {e4, e3, e2, e1, loyalty_quarter_end(loyalty_quarter_of(t))};
	/*
	 * Q−4: a summary only → no index. Q−3 (its last day): terms 5, service 1 →
	 * (100 + 0) / 2 = 50, half the weight: not partial. Q−2: nothing → 50.
	 * Q−1 (its first day): prices 4 → (100 + 0 + 75) / 3 = 58.33…. Q0 (today):
	 * terms 1 → (0 + 0 + 75) / 3 = 25.
	 */
	const double want[5] = {NAN, 50, 50, 175.0 / 3.0, 25};
	char comps[512], label[LOYALTY_QUARTER_TEXT];
	json_t *m, *trend;

	(void)state;
	assess(WS, U_OWNER, acc, lf_dtext(day_shift(e4, -5)), "[]", ",\"summary\":\"начало\"");
	snprintf(comps, sizeof(comps),
		 "[{\"component_id\":%lld,\"score\":5},{\"component_id\":%lld,\"score\":1}]",
		 (long long)terms, (long long)service);
	assess(WS, U_OWNER, acc, lf_dtext(e3), comps, "");
	snprintf(comps, sizeof(comps), "[{\"component_id\":%lld,\"score\":4}]", (long long)prices);
	assess(WS, U_OWNER, acc, lf_dtext(day_shift(e2, 1)), comps, "");
	snprintf(comps, sizeof(comps), "[{\"component_id\":%lld,\"score\":1}]", (long long)terms);
	assess(WS, U_OWNER, acc, lf_dtext(t), comps, "");
	m = model(WS, U_VIEWER, acc);
	trend = json_object_get(m, "trend");
	assert_int_equal(json_array_size(trend), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *p = json_array_get(trend, i);

		loyalty_quarter_label(loyalty_quarter_of(ends[i]), label);
		assert_string_equal(json_string_value(json_object_get(p, "quarter")), label);
		assert_string_equal(json_string_value(json_object_get(p, "end")),
				    lf_dtext(ends[i]));
		if (isnan(want[i]))
			assert_true(json_is_null(json_object_get(p, "index")));
		else
			lf_assert_near(json_number_value(json_object_get(p, "index")), want[i]);
		assert_false(json_is_true(json_object_get(p, "partial")));
	}
	assert_index(m, 25, 0.75, false);
	json_decref(m);
}

/* The model's portfolio entry of component id: its mean (NAN when null) and n. */
static void
assert_mean(json_t *m, int64_t id, double mean, int64_t n)
{
	json_t *port = json_object_get(m, "portfolio");

	for (size_t i = 0; i < json_array_size(port); i++) {
		json_t *e = json_array_get(port, i);

		if (json_integer_value(json_object_get(e, "component_id")) != id)
			continue;
		if (isnan(mean))
			assert_true(json_is_null(json_object_get(e, "mean")));
		else
			lf_assert_near(json_number_value(json_object_get(e, "mean")), mean);
		assert_int_equal(json_integer_value(json_object_get(e, "n")), n);
		return;
	}
	fail_msg("component %lld is not in the portfolio", (long long)id);
}

static void
test_portfolio_means(void **state)
{
	const char *ws = "/api/v1/workspaces/radar";
	int64_t ws_id, terms, service, prices, a, b, c;
	char comps[256], path[128];
	json_t *j, *m;

	(void)state;
	j = hcall(h, "POST", "/api/v1/workspaces", U_ADMIN,
		  "{\"slug\":\"radar\",\"name\":\"Радар\"}", NULL, 201);
	ws_id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	terms = lf_comp(h, ws_id, "terms");
	service = lf_comp(h, ws_id, "service");
	prices = lf_comp(h, ws_id, "prices");
	a = account(ws, U_ADMIN, "А");
	b = account(ws, U_ADMIN, "Б");
	snprintf(comps, sizeof(comps), "[{\"component_id\":%lld,\"score\":4}]", (long long)terms);
	assess(ws, U_ADMIN, a, "2025-01-01", comps, "");
	snprintf(comps, sizeof(comps),
		 "[{\"component_id\":%lld,\"score\":2},{\"component_id\":%lld,\"score\":5}]",
		 (long long)terms, (long long)service);
	assess(ws, U_ADMIN, b, "2025-01-01", comps, "");
	m = model(ws, U_ADMIN, a);
	assert_mean(m, terms, 3, 2);
	assert_mean(m, service, 5, 1);
	assert_mean(m, prices, NAN, 0);
	json_decref(m);
	/* A new assessment changes the workspace's data: the means follow. */
	c = account(ws, U_ADMIN, "В");
	snprintf(comps, sizeof(comps), "[{\"component_id\":%lld,\"score\":5}]", (long long)terms);
	assess(ws, U_ADMIN, c, "2025-01-01", comps, "");
	m = model(ws, U_ADMIN, a);
	assert_mean(m, terms, 11.0 / 3.0, 3);
	json_decref(m);
	/* An archived client leaves the portfolio. */
	snprintf(path, sizeof(path), "%s/accounts/%lld", ws, (long long)b);
	json_decref(hcall(h, "DELETE", path, U_ADMIN, NULL, NULL, 204));
	m = model(ws, U_ADMIN, a);
	assert_mean(m, terms, 4.5, 2);
	assert_mean(m, service, NAN, 0);
	json_decref(m);
	/* The archived client's own model still reads: (25 + 100) / 2. */
	m = model(ws, U_ADMIN, b);
	assert_index(m, 62.5, 0.5, false);
	json_decref(m);
}

static void
test_access(void **state)
{
	int64_t acc = account(WS, U_OWNER, "Доступ");
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), WS "/accounts/%lld/loyalty", (long long)acc);
	json_decref(hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200));
	json_decref(hcall(h, "GET", path, U__MAX, NULL, NULL, 401));
	json_decref(hcall(h, "GET", path, U_OTHER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", WS "/accounts/999999/loyalty", U_VIEWER, NULL, NULL, 404));
	snprintf(path, sizeof(path), "/api/v1/workspaces/other/accounts/%lld/loyalty",
		 (long long)acc);
	json_decref(hcall(h, "GET", path, U_OTHER, NULL, NULL, 404));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_index_missing), cmocka_unit_test(test_latest_and_versions),
	    cmocka_unit_test(test_window_edges),  cmocka_unit_test(test_retired),
	    cmocka_unit_test(test_trend),	  cmocka_unit_test(test_portfolio_means),
	    cmocka_unit_test(test_access),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_loyalty_model", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
