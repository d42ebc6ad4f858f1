/*
 * test_portfolio.c — the loyalty portfolio over real HTTP
 * (GET /loyalty/portfolio) on a small hand-made set of clients, against
 * values computed by hand: clients and assessed, the index's mean, median,
 * partial count and histogram, each component's n, mean, sd, 95 % interval
 * and top-2-box share, factor client counts within the window, the top
 * negative factors, the fallers since the previous quarter, corrections and
 * archived clients, retired entries, and the accounts list's filters.
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

/* The hand-made set: component and factor ids, accounts. */
static int64_t terms, service, prices, shipment;
static int64_t t1, t2, t3, t6, t10, t11, s6, p2;
static int64_t acc_a, acc_b, acc_c, acc_g, acc_d, acc_f, acc_e;

/* POSTs body to path as the owner, expects 201 and returns the new object's id. */
static int64_t
create(const char *path, const char *body)
{
	return lf_create(h, path, U_OWNER, body);
}

/* Records an assessment of acc on date d: components is the JSON array's text; returns its id. */
static int64_t
assess(int64_t acc, int32_t d, const char *components)
{
	char path[128], body[BODY_MAX];

	snprintf(path, sizeof(path), WS "/accounts/%lld/assessments", (long long)acc);
	snprintf(body, sizeof(body),
		 "{\"source\":\"survey\",\"assessed_on\":\"%s\",\"components\":%s}", lf_dtext(d),
		 components);
	return create(path, body);
}

/* A component entry's JSON: score (< 0: none) and up to three factors (0: none). */
static const char *
entry(char *buf, size_t n, int64_t cid, double score, int64_t f1, int64_t f2, int64_t f3)
{
	char fs[256] = "";
	int64_t f[3] = {f1, f2, f3};

	for (int i = 0; i < 3; i++)
		if (f[i] > 0)
			snprintf(fs + strlen(fs), sizeof(fs) - strlen(fs), "%s{\"factor_id\":%lld}",
				 fs[0] ? "," : "", (long long)f[i]);
	if (score >= 0)
		snprintf(buf, n, "{\"component_id\":%lld,\"score\":%g,\"factors\":[%s]}",
			 (long long)cid, score, fs);
	else
		snprintf(buf, n, "{\"component_id\":%lld,\"factors\":[%s]}", (long long)cid, fs);
	return buf;
}

/* The portfolio with query (may be ""), as the viewer. */
static json_t *
portfolio(const char *query)
{
	char path[512];

	snprintf(path, sizeof(path), WS "/loyalty/portfolio%s", query);
	return hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
}

/* A number member (NAN: must be null). */
static void
assert_num(json_t *obj, const char *key, double want)
{
	json_t *v = json_object_get(obj, key);

	if (isnan(want)) {
		if (!json_is_null(v))
			fail_msg("%s: want null", key);
		return;
	}
	if (!json_is_number(v))
		fail_msg("%s: not a number", key);
	lf_assert_near(json_number_value(v), want);
}

/* The entry of array member key whose id_key is id, or NULL. */
static json_t *
find(json_t *obj, const char *key, const char *id_key, int64_t id)
{
	json_t *arr = json_object_get(obj, key);

	for (size_t i = 0; i < json_array_size(arr); i++)
		if (json_integer_value(json_object_get(json_array_get(arr, i), id_key)) == id)
			return json_array_get(arr, i);
	return NULL;
}

/* Clients of factor fid in portfolio p (−1 when the factor is not listed). */
static int64_t
clients_of(json_t *p, int64_t fid)
{
	json_t *f = find(p, "factors", "factor_id", fid);

	return f ? json_integer_value(json_object_get(f, "clients")) : -1;
}

/*
 * The set (T today, P the previous quarter's end, O 13 months ago; weights 1,
 * scale 1–5; window 12 months):
 *   A  active, Крупные, VIP, owner manager@, Урал, Металлургия
 *      P: 5 5 5 5, factors t1 t2 s6 → 100;   T: 5 4 3 1 → corrected to 5 4 3 2, t1 t3
 *   B  active, Крупные, Урал   P: 3 3 – –, t2 s6 → 50;   T: 4 4 – –, t1 t6 s6 → 75
 *   C  at_risk, VIP, Сибирь    O: 2 – – –, t10 (outside the window) → 25 both
 *   G  at_risk, Средние        P: 4 → 75;   T: 3 → 50
 *   D  prospect                T: factors t1, p2 only (no index)
 *   F  prospect                nothing
 *   E  active, archived        T: 1, t1 (does not count)
 */
static int
setup(void **state)
{
	int32_t t = lf_today(), p = loyalty_previous_quarter_end(t),
		o = loyalty_months_before(t, 13);
	char e[4][256], list[1024], path[128], body[BODY_MAX];
	int64_t a2;

	(void)state;
	terms = lf_comp(h, h->ws_acme, "terms");
	service = lf_comp(h, h->ws_acme, "service");
	prices = lf_comp(h, h->ws_acme, "prices");
	shipment = lf_comp(h, h->ws_acme, "shipment");
	t1 = lf_factor(h, h->ws_acme, "terms", 1);
	t2 = lf_factor(h, h->ws_acme, "terms", 2);
	t3 = lf_factor(h, h->ws_acme, "terms", 3);
	t6 = lf_factor(h, h->ws_acme, "terms", 6);
	t10 = lf_factor(h, h->ws_acme, "terms", 10);
	t11 = lf_factor(h, h->ws_acme, "terms", 11);
	s6 = lf_factor(h, h->ws_acme, "service", 6);
	p2 = lf_factor(h, h->ws_acme, "prices", 2);
	acc_a = create(WS "/accounts",
		       "{\"name\":\"Клиент Alpha\",\"status\":\"active\",\"segment\":\"Крупные\","
		       "\"tags\":[\"VIP\"],\"owner_email\":\"manager@example.test\","
		       "\"region\":\"Урал\",\"industry\":\"Металлургия\"}");
	acc_b = create(WS "/accounts", "{\"name\":\"Клиент Bravo\",\"status\":\"active\","
				       "\"segment\":\"Крупные\",\"region\":\"Урал\"}");
	acc_c = create(WS "/accounts", "{\"name\":\"Клиент Charlie\",\"status\":\"at_risk\","
				       "\"tags\":[\"VIP\"],\"region\":\"Сибирь\"}");
	acc_g = create(WS "/accounts", "{\"name\":\"Клиент Golf\",\"status\":\"at_risk\","
				       "\"segment\":\"Средние\"}");
	acc_d = create(WS "/accounts", "{\"name\":\"Клиент Delta\",\"status\":\"prospect\"}");
	acc_f = create(WS "/accounts", "{\"name\":\"Клиент Foxtrot\",\"status\":\"prospect\"}");
	acc_e = create(WS "/accounts", "{\"name\":\"Клиент Echo\",\"status\":\"active\"}");
	/* A */
	snprintf(list, sizeof(list), "[%s,%s,%s,%s]", entry(e[0], 256, terms, 5, t1, t2, 0),
		 entry(e[1], 256, service, 5, s6, 0, 0), entry(e[2], 256, prices, 5, 0, 0, 0),
		 entry(e[3], 256, shipment, 5, 0, 0, 0));
	assess(acc_a, p, list);
	snprintf(list, sizeof(list), "[%s,%s,%s,%s]", entry(e[0], 256, terms, 5, t1, t3, 0),
		 entry(e[1], 256, service, 4, 0, 0, 0), entry(e[2], 256, prices, 3, 0, 0, 0),
		 entry(e[3], 256, shipment, 1, 0, 0, 0));
	a2 = assess(acc_a, t, list);
	snprintf(list, sizeof(list), "[%s,%s,%s,%s]", entry(e[0], 256, terms, 5, t1, t3, 0),
		 entry(e[1], 256, service, 4, 0, 0, 0), entry(e[2], 256, prices, 3, 0, 0, 0),
		 entry(e[3], 256, shipment, 2, 0, 0, 0));
	snprintf(path, sizeof(path), WS "/accounts/%lld/assessments/%lld", (long long)acc_a,
		 (long long)a2);
	snprintf(body, sizeof(body), "{\"source\":\"survey\",\"components\":%s}", list);
	json_decref(hcall(h, "PUT", path, U_OWNER, body, NULL, 200));
	/* B */
	snprintf(list, sizeof(list), "[%s,%s]", entry(e[0], 256, terms, 3, t2, 0, 0),
		 entry(e[1], 256, service, 3, s6, 0, 0));
	assess(acc_b, p, list);
	snprintf(list, sizeof(list), "[%s,%s]", entry(e[0], 256, terms, 4, t1, t6, 0),
		 entry(e[1], 256, service, 4, s6, 0, 0));
	assess(acc_b, t, list);
	/* C, G, D, E */
	snprintf(list, sizeof(list), "[%s]", entry(e[0], 256, terms, 2, t10, 0, 0));
	assess(acc_c, o, list);
	snprintf(list, sizeof(list), "[%s]", entry(e[0], 256, terms, 4, 0, 0, 0));
	assess(acc_g, p, list);
	snprintf(list, sizeof(list), "[%s]", entry(e[0], 256, terms, 3, 0, 0, 0));
	assess(acc_g, t, list);
	snprintf(list, sizeof(list), "[%s,%s]", entry(e[0], 256, terms, -1, t1, 0, 0),
		 entry(e[1], 256, prices, -1, p2, 0, 0));
	assess(acc_d, t, list);
	snprintf(list, sizeof(list), "[%s]", entry(e[0], 256, terms, 1, t1, 0, 0));
	assess(acc_e, t, list);
	snprintf(path, sizeof(path), WS "/accounts/%lld", (long long)acc_e);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
	return 0;
}

static void
test_index(void **state)
{
	json_t *p = portfolio(""), *ix, *hist;
	const int64_t bins[10] = {0, 0, 1, 0, 0, 1, 1, 1, 0, 0};
	int32_t t = lf_today();

	(void)state;
	assert_int_equal(json_integer_value(json_object_get(p, "clients")), 6);
	assert_int_equal(json_integer_value(json_object_get(p, "assessed")), 4);
	assert_string_equal(json_string_value(json_object_get(p, "as_of")), lf_dtext(t));
	assert_string_equal(json_string_value(json_object_get(p, "previous_end")),
			    lf_dtext(loyalty_previous_quarter_end(t)));
	assert_string_equal(json_string_value(json_object_get(p, "window_start")),
			    lf_dtext(loyalty_months_before(t, 12)));
	ix = json_object_get(p, "index");
	/* A 62.5, B 75, C 25 (partial), G 50 (partial). */
	assert_num(ix, "mean", 212.5 / 4);
	assert_num(ix, "median", (50 + 62.5) / 2);
	assert_int_equal(json_integer_value(json_object_get(ix, "partial")), 2);
	hist = json_object_get(ix, "histogram");
	assert_int_equal(json_array_size(hist), 10);
	for (int b = 0; b < 10; b++) {
		json_t *x = json_array_get(hist, (size_t)b);

		assert_int_equal(json_integer_value(json_object_get(x, "from")), b * 10);
		assert_int_equal(json_integer_value(json_object_get(x, "to")), b * 10 + 10);
		assert_int_equal(json_integer_value(json_object_get(x, "count")), bins[b]);
	}
	json_decref(p);
}

static void
test_components(void **state)
{
	json_t *p = portfolio(""), *c, *ci;
	double sd = sqrt(5.0 / 3.0), half = loyalty_t975(3) * sd / 2;

	(void)state;
	assert_int_equal(json_array_size(json_object_get(p, "components")), 4);
	/* Terms: 5, 4, 2, 3 → mean 3.5, squared deviations 5, sd √(5/3); top-2: 2 of 4. */
	c = find(p, "components", "component_id", terms);
	assert_string_equal(json_string_value(json_object_get(c, "code")), "terms");
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "name"), "en")),
			    "Terms of cooperation");
	assert_int_equal(json_integer_value(json_object_get(c, "n")), 4);
	assert_num(c, "mean", 3.5);
	assert_num(c, "sd", sd);
	ci = json_object_get(c, "ci95");
	assert_int_equal(json_array_size(ci), 2);
	lf_assert_near(json_number_value(json_array_get(ci, 0)), 3.5 - half);
	lf_assert_near(json_number_value(json_array_get(ci, 1)), 3.5 + half);
	assert_num(c, "top2_share", 0.5);
	/* Service: 4, 4 (A's corrected value, B's latest). */
	c = find(p, "components", "component_id", service);
	assert_int_equal(json_integer_value(json_object_get(c, "n")), 2);
	assert_num(c, "mean", 4);
	assert_num(c, "sd", 0);
	ci = json_object_get(c, "ci95");
	lf_assert_near(json_number_value(json_array_get(ci, 0)), 4);
	lf_assert_near(json_number_value(json_array_get(ci, 1)), 4);
	assert_num(c, "top2_share", 1);
	/* Prices: one score; no spread, no interval. */
	c = find(p, "components", "component_id", prices);
	assert_int_equal(json_integer_value(json_object_get(c, "n")), 1);
	assert_num(c, "mean", 3);
	assert_num(c, "sd", NAN);
	assert_true(json_is_null(json_object_get(c, "ci95")));
	assert_num(c, "top2_share", 0);
	/* Shipment: the correction (2), not the first version (1). */
	c = find(p, "components", "component_id", shipment);
	assert_num(c, "mean", 2);
	json_decref(p);
}

static void
test_factors(void **state)
{
	json_t *p = portfolio(""), *top, *neg;

	(void)state;
	assert_int_equal(json_array_size(json_object_get(p, "factors")), 29);
	assert_int_equal(clients_of(p, t1), 3); /* A (twice), B, D; not archived E */
	assert_int_equal(clients_of(p, t2), 2);
	assert_int_equal(clients_of(p, t3), 1);
	assert_int_equal(clients_of(p, t6), 1);
	assert_int_equal(clients_of(p, t10), 0); /* C's is older than the window */
	assert_int_equal(clients_of(p, s6), 2);	 /* A once, B twice */
	assert_int_equal(clients_of(p, p2), 1);
	assert_string_equal(
	    json_string_value(json_object_get(find(p, "factors", "factor_id", t1), "polarity")),
	    "-");
	top = json_object_get(p, "top_negative");
	assert_int_equal(json_array_size(top), 4);
	/* Terms: t1 (3), t2 (2), then t3 and t6 (1 each): the catalogue's order decides. */
	neg = json_object_get(find(p, "top_negative", "component_id", terms), "factors");
	assert_int_equal(json_array_size(neg), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(neg, 0), "factor_id")),
			 t1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(neg, 0), "clients")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(neg, 1), "factor_id")),
			 t2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(neg, 2), "factor_id")),
			 t3);
	neg = json_object_get(find(p, "top_negative", "component_id", service), "factors");
	assert_int_equal(json_array_size(neg), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(neg, 0), "factor_id")),
			 s6);
	neg = json_object_get(find(p, "top_negative", "component_id", shipment), "factors");
	assert_int_equal(json_array_size(neg), 0);
	json_decref(p);
	/* A retired factor stays while clients show it; one nobody shows leaves the list. */
	lf_sqlf(h, "UPDATE loyalty_factors SET active = 0 WHERE id IN (%lld, %lld)", (long long)t3,
		(long long)t11);
	p = portfolio("");
	assert_int_equal(json_array_size(json_object_get(p, "factors")), 28);
	assert_int_equal(clients_of(p, t3), 1);
	assert_false(json_is_true(json_object_get(find(p, "factors", "factor_id", t3), "active")));
	assert_int_equal(clients_of(p, t11), -1);
	json_decref(p);
	lf_sqlf(h, "UPDATE loyalty_factors SET active = 1 WHERE id IN (%lld, %lld)", (long long)t3,
		(long long)t11);
}

static void
test_fallers(void **state)
{
	json_t *p = portfolio(""), *f, *x;

	(void)state;
	f = json_object_get(p, "fallers");
	/* A 100 → 62.5, G 75 → 50; B rose, C stayed. */
	assert_int_equal(json_array_size(f), 2);
	x = json_array_get(f, 0);
	assert_int_equal(json_integer_value(json_object_get(x, "account_id")), acc_a);
	assert_string_equal(json_string_value(json_object_get(x, "name")), "Клиент Alpha");
	assert_num(x, "index", 62.5);
	assert_num(x, "previous", 100);
	assert_num(x, "change", -37.5);
	x = json_array_get(f, 1);
	assert_int_equal(json_integer_value(json_object_get(x, "account_id")), acc_g);
	assert_num(x, "change", -25);
	json_decref(p);
}

static void
test_filters(void **state)
{
	struct {
		const char *query;
		int64_t clients, assessed;
		double mean; /* NAN: null */
	} cases[] = {
	    {"?status=at_risk", 2, 2, 37.5},
	    {"?status=active", 2, 2, 68.75},
	    {"?tag=VIP", 2, 2, 43.75},
	    {"?owner=manager@example.test", 1, 1, 62.5},
	    {"?owner_email=MANAGER@example.test", 1, 1, 62.5},
	    {"?segment=%D0%9A%D1%80%D1%83%D0%BF%D0%BD%D1%8B%D0%B5", 2, 2, 68.75},
	    {"?region=%D0%A3%D1%80%D0%B0%D0%BB&industry=%D0%9C%D0%B5%D1%82%D0%B0%D0%BB%D0%BB%D1%83"
	     "%D1%80%D0%B3%D0%B8%D1%8F",
	     1, 1, 62.5},
	    {"?status=active&tag=VIP", 1, 1, 62.5},
	    {"?status=prospect", 2, 0, NAN},
	    {"?q=golf", 1, 1, 50},
	    {"?tag=none", 0, 0, NAN},
	};
	json_t *p, *c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = portfolio(cases[i].query);
		if (json_integer_value(json_object_get(p, "clients")) != cases[i].clients)
			fail_msg("%s: %lld clients", cases[i].query,
				 (long long)json_integer_value(json_object_get(p, "clients")));
		assert_int_equal(json_integer_value(json_object_get(p, "assessed")),
				 cases[i].assessed);
		assert_num(json_object_get(p, "index"), "mean", cases[i].mean);
		json_decref(p);
	}
	/* The filtered set's figures: C and G. */
	p = portfolio("?status=at_risk");
	c = find(p, "components", "component_id", terms);
	assert_int_equal(json_integer_value(json_object_get(c, "n")), 2);
	assert_num(c, "mean", 2.5);
	assert_int_equal(json_integer_value(
			     json_object_get(find(p, "components", "component_id", service), "n")),
			 0);
	assert_num(find(p, "components", "component_id", service), "mean", NAN);
	assert_int_equal(clients_of(p, t1), 0);
	assert_int_equal(json_array_size(json_object_get(p, "fallers")), 1);
	json_decref(p);
	/* Only D shows p2; prospects have no index. */
	p = portfolio("?status=prospect");
	assert_int_equal(clients_of(p, p2), 1);
	assert_int_equal(clients_of(p, t1), 1);
	assert_num(json_object_get(p, "index"), "median", NAN);
	json_decref(p);
	json_decref(
	    hcall(h, "GET", WS "/loyalty/portfolio?status=gone", U_VIEWER, NULL, NULL, 422));
}

static void
test_retired_component(void **state)
{
	json_t *p, *ix;

	(void)state;
	/* Without shipment: A (100 + 75 + 50) / 3 = 75; B 75, C 25, G 50. */
	lf_sqlf(h, "UPDATE loyalty_components SET active = 0 WHERE id = %lld", (long long)shipment);
	p = portfolio("");
	assert_int_equal(json_array_size(json_object_get(p, "components")), 3);
	assert_null(find(p, "components", "component_id", shipment));
	ix = json_object_get(p, "index");
	assert_num(ix, "mean", 225.0 / 4);
	json_decref(p);
	lf_sqlf(h, "UPDATE loyalty_components SET active = 1 WHERE id = %lld", (long long)shipment);
}

static void
test_empty_and_access(void **state)
{
	json_t *p;

	(void)state;
	p = hcall(h, "GET", "/api/v1/workspaces/other/loyalty/portfolio", U_OTHER, NULL, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(p, "clients")), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "assessed")), 0);
	assert_num(json_object_get(p, "index"), "mean", NAN);
	assert_int_equal(json_array_size(json_object_get(json_object_get(p, "index"), "histogram")),
			 10);
	assert_int_equal(json_array_size(json_object_get(p, "components")), 4);
	assert_num(json_array_get(json_object_get(p, "components"), 0), "mean", NAN);
	assert_int_equal(json_array_size(json_object_get(p, "fallers")), 0);
	json_decref(p);
	json_decref(hcall(h, "GET", WS "/loyalty/portfolio", U__MAX, NULL, NULL, 401));
	json_decref(hcall(h, "GET", WS "/loyalty/portfolio", U_OTHER, NULL, NULL, 404));
	(void)acc_f;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_index),
	    cmocka_unit_test(test_components),
	    cmocka_unit_test(test_factors),
	    cmocka_unit_test(test_fallers),
	    cmocka_unit_test(test_filters),
	    cmocka_unit_test(test_retired_component),
	    cmocka_unit_test(test_empty_and_access),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_portfolio", tests, setup, NULL);
	harness_stop(h);
	return failed;
}
