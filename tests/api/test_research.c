/*
 * test_research.c — the research analytics over real HTTP (docs/research.md,
 * "Analytics"): fixed responses recorded through the API, and the figures
 * checked against values computed by hand or with scipy/numpy from the same
 * data (stated beside each); every filter changes the set; grouping by
 * segment; CSV answers; n = 0; the small flag; a foreign study id and another
 * workspace's user answered 404; invalid parameters answered 422 naming them.
 *
 * The data: four accounts, two waves.
 *   A1 big/north revenue 300 (owner: manager), A2 big/south 100,
 *   A3 small/north no revenue (industry steel), A4 small/south 600 (at_risk).
 *   Wave 1 (starts 2026-01-01), questions nps, terms, terms2 (both rate
 *   "terms"), service, rival (Rival's terms), sat, int:
 *     r1 A1 02-01: 10 5 4 4 3 5 5     r2 A2 02-02: 9 4 4 3 4 4 3
 *     r3 A3 02-03:  6 2 3 2 3 2 4     r4 A4 02-04: 8 3 2 5 2 3 2
 *     r5 A1 02-10:  7 4 5 3 4 4 4
 *   Wave 2 (starts 2026-04-01), questions nps, terms, service, sat:
 *     r7 A2 05-01: 10 5 5 5    r8 A3 05-02: 9 4 4 4    r9 A4 05-03: 0 1 2 2
 */
#include <math.h>
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

#define WS  "/api/v1/workspaces/acme"
#define RES WS "/research"
#define EPS 1e-9

static struct harness *h;
static int64_t acc[5], wave1, wave2, foreign_study;

/* A new account of acme from the JSON body; its id. */
static int64_t
account_new(const char *body)
{
	return lf_create(h, WS "/accounts", U_OWNER, body);
}

/* A new question of study sid; its id. */
static void
question_new(int64_t sid, const char *code, const char *kind, const char *extra)
{
	char body[512], path[128];

	snprintf(body, sizeof(body), "{\"code\":\"%s\",\"kind\":\"%s\",\"text\":{\"ru\":\"%s\"}%s}",
		 code, kind, code, extra);
	snprintf(path, sizeof(path), WS "/studies/%lld/questions", (long long)sid);
	lf_create(h, path, U_ANALYST, body);
}

/* Records a submitted import response of account a in study sid on date with answers. */
static void
response_new(int64_t sid, int64_t a, const char *date, const char *answers)
{
	char body[512], path[128];

	snprintf(body, sizeof(body),
		 "{\"channel\":\"import\",\"account_id\":%lld,\"status\":\"submitted\","
		 "\"submitted_at\":\"%sT10:00:00Z\",\"answers\":%s}",
		 (long long)a, date, answers);
	snprintf(path, sizeof(path), WS "/studies/%lld/responses", (long long)sid);
	lf_create(h, path, U_ANALYST, body);
}

/* GET path as the viewer, expecting 200; the JSON. */
static json_t *
get(const char *path)
{
	return hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
}

/* Number member path "a/b" of j (NAN when absent or null). */
static double
jnum(json_t *j, const char *path)
{
	char buf[128], *save, *tok;
	json_t *v = j;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok != NULL && v != NULL;
	     tok = strtok_r(NULL, "/", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(tok))
				     : json_object_get(v, tok);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The respondents' NPS and n of the nps endpoint with query qs. */
static void
expect_nps(const char *qs, double nps, int64_t n)
{
	char path[256];
	json_t *j;

	snprintf(path, sizeof(path), RES "/nps%s", qs);
	j = get(path);
	if (isnan(nps))
		assert_true(
		    json_is_null(json_object_get(json_object_get(j, "respondents"), "nps")));
	else
		lf_assert_near(jnum(j, "respondents/nps"), nps);
	assert_int_equal((int64_t)jnum(j, "respondents/n"), n);
	json_decref(j);
}

/* Builds the fixed data once. */
static int
setup(void **state)
{
	char extra[128], body[256];
	int64_t rival, terms = lf_comp(h, h->ws_acme, "terms"),
		       service = lf_comp(h, h->ws_acme, "service");

	(void)state;
	acc[1] = account_new("{\"name\":\"A1\",\"segment\":\"big\",\"region\":\"north\","
			     "\"revenue\":300,\"owner_email\":\"manager@example.test\"}");
	acc[2] = account_new("{\"name\":\"A2\",\"segment\":\"big\",\"region\":\"south\","
			     "\"revenue\":100}");
	acc[3] = account_new("{\"name\":\"A3\",\"segment\":\"small\",\"region\":\"north\","
			     "\"industry\":\"steel\"}");
	acc[4] = account_new("{\"name\":\"A4\",\"segment\":\"small\",\"region\":\"south\","
			     "\"revenue\":600,\"status\":\"at_risk\"}");
	rival = lf_create(h, WS "/competitors", U_OWNER, "{\"name\":\"Rival\"}");
	wave2 = lf_create(h, WS "/studies", U_ANALYST,
			  "{\"name\":\"Wave 2\",\"kind\":\"survey\",\"starts_on\":\"2026-04-01\"}");
	wave1 = lf_create(h, WS "/studies", U_ANALYST,
			  "{\"name\":\"Wave 1\",\"kind\":\"survey\",\"starts_on\":\"2026-01-01\"}");
	snprintf(extra, sizeof(extra), ",\"component_id\":%lld", (long long)terms);
	question_new(wave1, "nps", "recommend", "");
	question_new(wave1, "terms", "component", extra);
	question_new(wave1, "terms2", "component", extra);
	question_new(wave2, "nps", "recommend", "");
	question_new(wave2, "terms", "component", extra);
	snprintf(extra, sizeof(extra), ",\"component_id\":%lld,\"competitor_id\":%lld",
		 (long long)terms, (long long)rival);
	question_new(wave1, "rival", "competitor_component", extra);
	snprintf(extra, sizeof(extra), ",\"component_id\":%lld", (long long)service);
	question_new(wave1, "service", "component", extra);
	question_new(wave2, "service", "component", extra);
	question_new(wave1, "sat", "satisfaction", "");
	question_new(wave2, "sat", "satisfaction", "");
	question_new(wave1, "int", "intention", "");
#define W1(a, d, n, t, t2, s, r, sa, in)                                                           \
	snprintf(body, sizeof(body),                                                               \
		 "{\"nps\":%d,\"terms\":%d,\"terms2\":%d,\"service\":%d,\"rival\":%d,\"sat\":%d,"  \
		 "\"int\":%d}",                                                                    \
		 n, t, t2, s, r, sa, in);                                                          \
	response_new(wave1, acc[a], d, body)
#define W2(a, d, n, t, s, sa)                                                                      \
	snprintf(body, sizeof(body), "{\"nps\":%d,\"terms\":%d,\"service\":%d,\"sat\":%d}", n, t,  \
		 s, sa);                                                                           \
	response_new(wave2, acc[a], d, body)
	W1(1, "2026-02-01", 10, 5, 4, 4, 3, 5, 5);
	W1(2, "2026-02-02", 9, 4, 4, 3, 4, 4, 3);
	W1(3, "2026-02-03", 6, 2, 3, 2, 3, 2, 4);
	W1(4, "2026-02-04", 8, 3, 2, 5, 2, 3, 2);
	W1(1, "2026-02-10", 7, 4, 5, 3, 4, 4, 4);
	W2(2, "2026-05-01", 10, 5, 5, 5);
	W2(3, "2026-05-02", 9, 4, 4, 4);
	W2(4, "2026-05-03", 0, 1, 2, 2);
	foreign_study = lf_create(h, "/api/v1/workspaces/other/studies", U_OTHER,
				  "{\"name\":\"Elsewhere\",\"kind\":\"survey\"}");
	return 0;
}

/* NPS per respondent, per account and revenue-weighted, with the interval and distribution. */
static void
test_nps(void **state)
{
	json_t *j = get(RES "/nps");

	(void)state;
	/* 8 answers: promoters 10 9 10 9, detractors 6 0 → 100 (4 − 2) / 8 = 25 (by hand). */
	assert_int_equal((int64_t)jnum(j, "n"), 8);
	assert_true(json_is_true(json_object_get(j, "small")));
	lf_assert_near(jnum(j, "respondents/nps"), 25);
	/* Adjusted Wald: p' = 4.75/11, d' = 2.75/11, ±z(0.975)·100·se' (python, scipy.stats.norm).
	 */
	assert_true(fabs(jnum(j, "respondents/ci_lo") - -29.416750307134418) < EPS);
	assert_true(fabs(jnum(j, "respondents/ci_hi") - 65.78038667077078) < EPS);
	assert_int_equal((int64_t)jnum(j, "respondents/distribution/10"), 2);
	assert_int_equal((int64_t)jnum(j, "respondents/distribution/0"), 1);
	assert_int_equal((int64_t)jnum(j, "respondents/distribution/5"), 0);
	/* Each account's latest: A1 7, A2 10, A3 9, A4 0 → 100 (2 − 1) / 4 = 25 (by hand). */
	assert_int_equal((int64_t)jnum(j, "accounts/n"), 4);
	lf_assert_near(jnum(j, "accounts/nps"), 25);
	assert_int_equal((int64_t)jnum(j, "accounts/passives"), 1);
	/* Revenue-weighted, A3 without revenue left out: (100 − 600) / 1000 · 100 = −50. */
	assert_int_equal((int64_t)jnum(j, "revenue_weighted/n"), 3);
	lf_assert_near(jnum(j, "revenue_weighted/nps"), -50);
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 0);
	json_decref(j);
}

/* Every filter changes the set (values by hand from the table above). */
static void
test_filters(void **state)
{
	char qs[128];

	(void)state;
	expect_nps("?segment=big", 75, 4);	      /* 10 9 7 10 */
	expect_nps("?region=south", 25, 4);	      /* 9 8 10 0 */
	expect_nps("?industry=steel", 0, 2);	      /* 6 9 */
	expect_nps("?status=at_risk", -50, 2);	      /* 8 0 */
	expect_nps("?from=2026-05-01", 100.0 / 3, 3); /* 10 9 0 */
	expect_nps("?to=2026-02-03", 100.0 / 3, 3);   /* 10 9 6 */
	snprintf(qs, sizeof(qs), "?owner_id=%lld", (long long)h->user_id[U_MANAGER]);
	expect_nps(qs, 50, 2); /* 10 7 */
	snprintf(qs, sizeof(qs), "?study_id=%lld", (long long)wave1);
	expect_nps(qs, 20, 5); /* 10 9 6 8 7 */
	snprintf(qs, sizeof(qs), "?study_id=%lld,%lld", (long long)wave1, (long long)wave2);
	expect_nps(qs, 25, 8);
	snprintf(qs, sizeof(qs), "?study_id=%lld&study_id=%lld&segment=small", (long long)wave1,
		 (long long)wave2);
	expect_nps(qs, -25, 4); /* 6 8 9 0 */
	/* Nothing matches: an empty answer, not an error. */
	expect_nps("?from=2030-01-01", NAN, 0);
}

/* by=segment: one row per group; by=study labels the waves. */
static void
test_by(void **state)
{
	json_t *j = get(RES "/nps?by=segment"), *g;

	(void)state;
	g = json_object_get(j, "groups");
	assert_int_equal(json_array_size(g), 2);
	assert_string_equal(lf_jstr(json_array_get(g, 0), "key"), "big");
	lf_assert_near(jnum(g, "0/nps"), 75);
	assert_string_equal(lf_jstr(json_array_get(g, 1), "key"), "small");
	lf_assert_near(jnum(g, "1/nps"), -25);
	json_decref(j);
	j = get(RES "/nps?by=study");
	g = json_object_get(j, "groups");
	assert_int_equal(json_array_size(g), 2);
	assert_string_equal(lf_jstr(json_array_get(g, 0), "label"), "Wave 1");
	lf_assert_near(jnum(g, "0/nps"), 20);
	json_decref(j);
}

/* Component means with their t interval, top-2-box and Cronbach's alpha. */
static void
test_components(void **state)
{
	json_t *j = get(RES "/components"), *it;

	(void)state;
	it = json_array_get(json_object_get(j, "items"), 0);
	assert_string_equal(lf_jstr(it, "code"), "terms");
	/* terms per row: 4.5 4 2.5 2.5 4.5 5 4 1 (terms and terms2 averaged in wave 1). */
	assert_int_equal(lf_jint(it, "n"), 8);
	lf_assert_near(jnum(it, "mean"), 3.5);
	/* scipy.stats.t.ppf(0.975, 7) · sd / sqrt(8) around the mean. */
	assert_true(fabs(jnum(it, "ci_lo") - 2.360695528355926) < EPS);
	assert_true(fabs(jnum(it, "ci_hi") - 4.639304471644074) < EPS);
	lf_assert_near(jnum(it, "top2_share"), 5.0 / 8);
	/* Alpha of terms and terms2 in wave 1: 2 (1 − (1.3 + 1.3) / 4.2 … ) = 0.76190476 (numpy).
	 */
	assert_int_equal(json_array_size(json_object_get(it, "reliability")), 1);
	assert_true(fabs(jnum(it, "reliability/0/alpha") - 0.7619047619047616) < EPS);
	assert_int_equal((int64_t)jnum(it, "reliability/0/n"), 5);
	lf_assert_near(jnum(j, "satisfaction/mean"), 29.0 / 8);
	json_decref(j);
}

/* Key drivers of recommend, and the quadrants. */
static void
test_drivers(void **state)
{
	json_t *j = get(RES "/drivers");

	(void)state;
	assert_string_equal(lf_jstr(j, "target"), "recommend");
	assert_int_equal(lf_jint(j, "n"), 8);
	/* numpy.linalg.lstsq of nps on terms and service with an intercept. */
	assert_true(fabs(jnum(j, "r2") - 0.8293666094149813) < 1e-9);
	/* scipy.stats.pearsonr(terms, nps) = 0.8596917042664125, p 0.0061991450755827454. */
	assert_true(fabs(jnum(j, "items/0/r") - 0.8596917042664125) < 1e-9);
	assert_true(fabs(jnum(j, "items/0/r_p") - 0.0061991450755827454) < 1e-9);
	/* LMG of two drivers: (R²_j + R² − R²_other) / 2. */
	assert_true(fabs(jnum(j, "items/0/lmg") - 0.5336416116394385) < 1e-9);
	assert_true(fabs(jnum(j, "items/1/lmg") - 0.2957249977755428) < 1e-9);
	json_decref(j);
	j = get(RES "/quadrants?target=satisfaction");
	assert_string_equal(lf_jstr(j, "target"), "satisfaction");
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	assert_non_null(lf_jstr(json_array_get(json_object_get(j, "items"), 0), "quadrant"));
	json_decref(j);
}

/* Competitor gaps: paired differences by the same respondents. */
static void
test_competitors(void **state)
{
	json_t *j = get(RES "/competitors"), *it;

	(void)state;
	it = json_array_get(json_object_get(j, "items"), 0);
	assert_string_equal(lf_jstr(it, "competitor_name"), "Rival");
	assert_string_equal(lf_jstr(it, "code"), "terms");
	assert_int_equal(lf_jint(it, "n"), 5);
	/* ours 4.5 4 2.5 2.5 4.5 against 3 4 3 2 4: scipy.stats.ttest_rel → diff 0.4, p 0.29426. */
	lf_assert_near(jnum(it, "diff"), 0.4);
	assert_true(fabs(jnum(it, "p") - 0.29425636802442634) < 1e-9);
	json_decref(j);
}

/* Jones & Sasser with the default thresholds, and k-means with a fixed k. */
static void
test_segments(void **state)
{
	json_t *j = get(RES "/segments?k=2"), *items;

	(void)state;
	/* sat × int of wave 1 (wave 2 has no intention): apostle, mercenary, hostage, defector,
	 * loyalist — one each (by hand, thresholds 4). */
	assert_int_equal((int64_t)jnum(j, "jones_sasser/n"), 5);
	assert_int_equal((int64_t)jnum(j, "jones_sasser/n_missing"), 3);
	items = json_object_get(json_object_get(j, "jones_sasser"), "items");
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(lf_jint(json_array_get(items, i), "size"), 1);
	assert_int_equal((int64_t)jnum(j, "kmeans/k"), 2);
	assert_int_equal((int64_t)jnum(j, "kmeans/n"), 8);
	assert_int_equal(jnum(j, "kmeans/items/0/size") + jnum(j, "kmeans/items/1/size"), 8);
	json_decref(j);
}

/* The trend: waves in order of their start, with the change of NPS. */
static void
test_trend(void **state)
{
	json_t *j = get(RES "/trend"), *w;

	(void)state;
	w = json_object_get(j, "waves");
	assert_int_equal(json_array_size(w), 2);
	assert_int_equal(lf_jint(json_array_get(w, 0), "study_id"), wave1);
	lf_assert_near(jnum(w, "0/nps/nps"), 20);
	lf_assert_near(jnum(w, "1/nps/nps"), 100.0 / 3);
	assert_true(
	    json_is_null(json_object_get(json_object_get(json_array_get(w, 0), "nps"), "change")));
	/* z = 13.33 / sqrt(se1² + se2²), unadjusted SEs; p from scipy.stats.norm. */
	assert_true(fabs(jnum(w, "1/nps/change/p") - 0.8347092369357865) < 1e-9);
	lf_assert_near(jnum(w, "1/components/terms/mean"), 10.0 / 3);
	json_decref(j);
}

/* ?format=csv: a BOM, a header row, the figures. */
static void
test_csv(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(hjson(h, "GET", RES "/nps?format=csv&by=segment", U_VIEWER, NULL, &r),
			 200);
	assert_memory_equal(r.body, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(r.body, "basis,key,label,status,n,"));
	assert_non_null(strstr(r.body, "respondents,,,ok,8,"));
	assert_non_null(strstr(r.body, "group,big,big,ok,4,"));
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", RES "/components?format=csv", U_VIEWER, NULL, &r), 200);
	assert_non_null(strstr(r.body, "terms"));
	hresp_free(&r);
	assert_int_equal(
	    hjson(h, "GET", RES "/drivers?format=csv&from=2030-01-01", U_VIEWER, NULL, &r), 200);
	assert_memory_equal(r.body, "\xEF\xBB\xBF", 3);
	hresp_free(&r);
}

/* Foreign ids, another workspace's user, invalid parameters. */
static void
test_refusals(void **state)
{
	static const char *const bad[][2] = {
	    {"/nps?study_id=abc", "study_id"},
	    {"/nps?study_id=1,,2", "study_id"},
	    {"/nps?from=2026-13-01", "from"},
	    {"/nps?from=2026-02-01&to=2026-01-01", "to"},
	    {"/nps?status=gone", "status"},
	    {"/nps?owner_id=x", "owner_id"},
	    {"/nps?by=colour", "by"},
	    {"/nps?format=xml", "format"},
	    {"/drivers?target=price", "target"},
	    {"/segments?k=9", "k"},
	    {"/segments?sat_high=9", "sat_high"},
	    {"/negative-base?status=churned", "status"},
	};
	char path[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), RES "%s", bad[i][0]);
		lf_expect_pointer(h, "GET", path, U_VIEWER, NULL, 422, bad[i][1]);
	}
	snprintf(path, sizeof(path), RES "/nps?study_id=%lld", (long long)foreign_study);
	json_decref(hcall(h, "GET", path, U_VIEWER, NULL, NULL, 404));
	snprintf(path, sizeof(path), RES "/trend?study_id=%lld,%lld", (long long)wave1,
		 (long long)foreign_study);
	json_decref(hcall(h, "GET", path, U_VIEWER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", RES "/nps", U_OTHER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", RES "/nps", U__MAX, NULL, NULL, 401));
}

/* The negative base: A3 churns; its last scores and recommend against the others'. */
static void
test_negative_base(void **state)
{
	char body[128];
	json_t *j;

	(void)state;
	snprintf(body, sizeof(body), "{\"status\":\"churned\",\"churned_at\":\"2026-06-01\"}");
	json_decref(
	    lf_callf(h, "PATCH", U_OWNER, body, NULL, 200, WS "/accounts/%lld", (long long)acc[3]));
	j = get(RES "/negative-base?from=2026-06-01&to=2026-06-30");
	assert_int_equal((int64_t)jnum(j, "churned/accounts"), 1);
	assert_int_equal((int64_t)jnum(j, "retained/accounts"), 3);
	/* Last recommends: churned A3 9; retained A1 7, A2 10, A4 0 (the latest assessments). */
	assert_int_equal((int64_t)jnum(j, "promoters/x_a"), 1);
	assert_int_equal((int64_t)jnum(j, "promoters/n_a"), 1);
	assert_int_equal((int64_t)jnum(j, "promoters/x_b"), 1);
	assert_int_equal((int64_t)jnum(j, "promoters/n_b"), 3);
	json_decref(j);
	/* Outside the period nobody churned. */
	j = get(RES "/negative-base?to=2026-05-31");
	assert_int_equal((int64_t)jnum(j, "churned/accounts"), 0);
	json_decref(j);
}

/* 30 answers in a study of their own: no longer small. */
static void
test_small(void **state)
{
	char path[128];
	int64_t sid =
	    lf_create(h, WS "/studies", U_ANALYST, "{\"name\":\"Big wave\",\"kind\":\"survey\"}");

	(void)state;
	question_new(sid, "nps", "recommend", "");
	for (int i = 0; i < 30; i++)
		response_new(sid, acc[1 + i % 4], "2026-07-01",
			     i % 2 ? "{\"nps\":10}" : "{\"nps\":0}");
	snprintf(path, sizeof(path), RES "/nps?study_id=%lld", (long long)sid);
	{
		json_t *j = get(path);

		assert_false(json_is_true(json_object_get(j, "small")));
		assert_false(
		    json_is_true(json_object_get(json_object_get(j, "respondents"), "small")));
		lf_assert_near(jnum(j, "respondents/nps"), 0);
		json_decref(j);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nps),
	    cmocka_unit_test(test_filters),
	    cmocka_unit_test(test_by),
	    cmocka_unit_test(test_components),
	    cmocka_unit_test(test_drivers),
	    cmocka_unit_test(test_competitors),
	    cmocka_unit_test(test_segments),
	    cmocka_unit_test(test_trend),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_negative_base),
	    cmocka_unit_test(test_small),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_research", tests, setup, NULL);
	harness_stop(h);
	return failed;
}
