/*
 * test_loyalty_index.c — the loyalty model's arithmetic against values
 * computed by hand: rescaling, the weighted index with missing components
 * and the partial flag, zero weights, dates and quarters, the trend by
 * quarter, t quantiles, the portfolio summaries, median and histogram bins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/loyalty_index.h"

#define EPS 1e-9

static void
assert_near(double got, double want, double eps)
{
	if (fabs(got - want) > eps)
		fail_msg("got %.12g, want %.12g", got, want);
}

static void
test_rescale(void **state)
{
	(void)state;
	assert_near(loyalty_rescale(1, 1, 5), 0, EPS);
	assert_near(loyalty_rescale(5, 1, 5), 100, EPS);
	assert_near(loyalty_rescale(3, 1, 5), 50, EPS);
	assert_near(loyalty_rescale(7, 0, 10), 70, EPS);
	assert_near(loyalty_rescale(3.5, 1, 5), 62.5, EPS);
}

static void
test_index_missing(void **state)
{
	/* Scale 1–5, weights 2,1,1,1, scores 5,3,–,1: r = 100, 50, –, 0;
	 * Σ w·r = 2·100 + 50 + 0 = 250 over Σ w(known) = 4 → 62.5; share 4/5. */
	const double w[] = {2, 1, 1, 1}, s[] = {5, 3, NAN, 1};
	struct loyalty_index ix;

	(void)state;
	loyalty_index_of(w, s, 4, 1, 5, &ix);
	assert_true(ix.known);
	assert_near(ix.value, 62.5, EPS);
	assert_near(ix.known_weight_share, 0.8, EPS);
	assert_false(ix.partial);
}

static void
test_index_all_missing(void **state)
{
	const double w[] = {1, 1, 1, 1}, s[] = {NAN, NAN, NAN, NAN};
	struct loyalty_index ix;

	(void)state;
	loyalty_index_of(w, s, 4, 1, 5, &ix);
	assert_false(ix.known);
	assert_near(ix.known_weight_share, 0, EPS);
	assert_false(ix.partial);
	loyalty_index_of(w, s, 0, 1, 5, &ix);
	assert_false(ix.known);
}

static void
test_index_partial_edge(void **state)
{
	/* Half the weight known exactly: not partial. (4 → 75, 2 → 25) → 50. */
	const double w1[] = {1, 1, 1, 1}, s1[] = {4, 2, NAN, NAN};
	/* 49 of 100: partial. */
	const double w2[] = {49, 51}, s2[] = {3, NAN};
	/* 1 of 3: partial. */
	const double w3[] = {1, 1, 1}, s3[] = {NAN, 5, NAN};
	struct loyalty_index ix;

	(void)state;
	loyalty_index_of(w1, s1, 4, 1, 5, &ix);
	assert_true(ix.known);
	assert_near(ix.value, 50, EPS);
	assert_true(ix.known_weight_share == 0.5);
	assert_false(ix.partial);
	loyalty_index_of(w2, s2, 2, 1, 5, &ix);
	assert_true(ix.known);
	assert_near(ix.value, 50, EPS);
	assert_near(ix.known_weight_share, 0.49, EPS);
	assert_true(ix.partial);
	loyalty_index_of(w3, s3, 3, 1, 5, &ix);
	assert_near(ix.value, 100, EPS);
	assert_true(ix.partial);
}

static void
test_index_zero_weights(void **state)
{
	const double w1[] = {0, 1}, s1[] = {5, NAN};
	const double w2[] = {0, 0}, s2[] = {5, 5};
	const double w3[] = {0, 1}, s3[] = {5, 1};
	const double w4[] = {0, 3, 1}, s4[] = {1, 5, 3}; /* (3·100 + 50) / 4 */
	struct loyalty_index ix;

	(void)state;
	loyalty_index_of(w1, s1, 2, 1, 5, &ix); /* only a weightless score is known */
	assert_false(ix.known);
	assert_near(ix.known_weight_share, 0, EPS);
	loyalty_index_of(w2, s2, 2, 1, 5, &ix); /* no weight at all */
	assert_false(ix.known);
	assert_near(ix.known_weight_share, 0, EPS);
	assert_false(ix.partial);
	loyalty_index_of(w3, s3, 2, 1, 5, &ix); /* the weightless 5 does not count */
	assert_true(ix.known);
	assert_near(ix.value, 0, EPS);
	assert_near(ix.known_weight_share, 1, EPS);
	loyalty_index_of(w4, s4, 3, 1, 5, &ix);
	assert_near(ix.value, 87.5, EPS);
}

static void
test_index_other_scale(void **state)
{
	/* Scale 0–10, weights 1,3: 7 → 70, 2 → 20; (70 + 60) / 4 = 32.5. */
	const double w[] = {1, 3}, s[] = {7, 2};
	struct loyalty_index ix;

	(void)state;
	loyalty_index_of(w, s, 2, 0, 10, &ix);
	assert_near(ix.value, 32.5, EPS);
	assert_near(ix.known_weight_share, 1, EPS);
}

static void
test_dates(void **state)
{
	char t[LOYALTY_DATE_TEXT];

	(void)state;
	assert_int_equal(loyalty_date_parse("2026-02-28", 10), 20260228);
	assert_int_equal(loyalty_date_parse("2024-02-29", 10), 20240229);
	assert_int_equal(loyalty_date_parse("2026-02-29", 10), 0);
	assert_int_equal(loyalty_date_parse("2026-13-01", 10), 0);
	assert_int_equal(loyalty_date_parse("2026-1-01", 9), 0);
	assert_int_equal(loyalty_date_parse("2026/01/01", 10), 0);
	assert_int_equal(loyalty_date_parse(NULL, 10), 0);
	loyalty_date_text(20260105, t);
	assert_string_equal(t, "2026-01-05");
	assert_int_equal(loyalty_months_before(20260331, 1), 20260228);
	assert_int_equal(loyalty_months_before(20240331, 1), 20240229);
	assert_int_equal(loyalty_months_before(20260115, 12), 20250115);
	assert_int_equal(loyalty_months_before(20240229, 12), 20230228);
	assert_int_equal(loyalty_months_before(20260531, 3), 20260228);
	assert_int_equal(loyalty_months_before(20260110, 1), 20251210);
	assert_int_equal(loyalty_months_before(20260710, 120), 20160710);
	assert_int_equal(loyalty_months_before(10201, 5), 10101);
}

static void
test_quarters(void **state)
{
	struct loyalty_quarter q;
	char t[LOYALTY_QUARTER_TEXT];

	(void)state;
	q = loyalty_quarter_of(20260228);
	assert_int_equal(q.year, 2026);
	assert_int_equal(q.q, 1);
	assert_int_equal(loyalty_quarter_end(q), 20260331);
	q = loyalty_quarter_of(20260331);
	assert_int_equal(q.q, 1);
	q = loyalty_quarter_of(20260401);
	assert_int_equal(q.q, 2);
	assert_int_equal(loyalty_quarter_end(q), 20260630);
	loyalty_quarter_label(q, t);
	assert_string_equal(t, "2026-Q2");
	q = loyalty_quarter_of(20261231);
	assert_int_equal(q.q, 4);
	assert_int_equal(loyalty_quarter_end(q), 20261231);
	q = loyalty_quarter_next(q);
	assert_int_equal(q.year, 2027);
	assert_int_equal(q.q, 1);
	assert_int_equal(loyalty_quarter_end(loyalty_quarter_of(20260815)), 20260930);
	assert_int_equal(loyalty_previous_quarter_end(20260401), 20260331);
	assert_int_equal(loyalty_previous_quarter_end(20260331), 20251231);
	assert_int_equal(loyalty_previous_quarter_end(20260228), 20251231);
	assert_int_equal(loyalty_previous_quarter_end(20261001), 20260930);
	assert_int_equal(loyalty_previous_quarter_end(20260701), 20260630);
	assert_int_equal(loyalty_trend_len(20250210, 20260105), 5);
	assert_int_equal(loyalty_trend_len(20260101, 20260331), 1);
	assert_int_equal(loyalty_trend_len(20251231, 20260101), 2);
	assert_int_equal(loyalty_trend_len(0, 20260101), 0);
	assert_int_equal(loyalty_trend_len(20260102, 20260101), 0);
}

static void
test_trend(void **state)
{
	/*
	 * Three components, weights 1, 1, 2, scale 1–5; first assessment
	 * 2025-02-10, today 2026-01-05: quarters 2025-Q1 … 2026-Q1.
	 *   Q1 2025: c0 = 5 (100) only → 100, share 1/4 → partial.
	 *   Q2 2025: nothing new (a gap) → the same.
	 *   Q3 2025: c1 = 1 on 09-30, the quarter's last day (counts) → (100+0)/2 = 50,
	 *            share 2/4 → not partial.
	 *   Q4 2025: c2 = 4 then c2 = 2 on the same day (the later one wins) →
	 *            (100 + 0 + 2·25) / 4 = 37.5; c0 = 3 on 10-01 → (50 + 0 + 50) / 4 = 25.
	 *   Q1 2026: nothing new → 25.
	 */
	const struct loyalty_obs obs[] = {
	    {20250210, 0, 5}, {20250930, 1, 1}, {20251001, 0, 3},
	    {20251115, 2, 4}, {20251115, 2, 2},
	};
	const double w[] = {1, 1, 2};
	double scratch[3];
	struct loyalty_trend_point p[5];
	const double want[] = {100, 100, 50, 25, 25};
	const bool partial[] = {true, true, false, false, false};
	const int32_t ends[] = {20250331, 20250630, 20250930, 20251231, 20260331};
	char label[LOYALTY_QUARTER_TEXT];

	(void)state;
	assert_int_equal(loyalty_trend_len(20250210, 20260105), 5);
	loyalty_trend(obs, 5, w, 3, 1, 5, 20250210, 20260105, scratch, p);
	for (int i = 0; i < 5; i++) {
		assert_true(p[i].index.known);
		assert_near(p[i].index.value, want[i], EPS);
		assert_int_equal(p[i].index.partial, partial[i]);
		assert_int_equal(p[i].end, ends[i]);
	}
	loyalty_quarter_label(p[0].quarter, label);
	assert_string_equal(label, "2025-Q1");
	loyalty_quarter_label(p[4].quarter, label);
	assert_string_equal(label, "2026-Q1");
	assert_near(p[3].index.known_weight_share, 1, EPS);
}

static void
test_trend_starts_empty(void **state)
{
	/* The first assessment scored nothing: its quarter has no index. */
	const struct loyalty_obs obs[] = {{20250501, 0, 4}};
	const double w[] = {1};
	double scratch[1];
	struct loyalty_trend_point p[2];

	(void)state;
	loyalty_trend(obs, 1, w, 1, 1, 5, 20250301, 20250401, scratch, p);
	assert_false(p[0].index.known);
	assert_false(p[0].index.partial);
	assert_true(p[1].index.known);
	assert_near(p[1].index.value, 75, EPS);
}

static void
test_t_quantiles(void **state)
{
	(void)state;
	assert_near(loyalty_t975(1), 12.7062047362, 1e-8);
	assert_near(loyalty_t975(2), 4.30265272975, 1e-8);
	assert_near(loyalty_t975(3), 3.18244630528, 1e-8);
	assert_near(loyalty_t975(4), 2.77644510520, 1e-8);
	assert_near(loyalty_t975(9), 2.26215716280, 1e-8);
	assert_near(loyalty_t975(29), 2.04522964213, 1e-8);
	assert_near(loyalty_t975(1000), 1.96233908082, 1e-8);
}

static void
test_stats(void **state)
{
	/*
	 * 4, 5, 3, 5 on a 1–5 scale: mean 17/4 = 4.25; squared deviations
	 * 0.0625 + 0.5625 + 1.5625 + 0.5625 = 2.75, sd = √(2.75/3); the interval
	 * 4.25 ∓ t(0.975, 3) · sd / 2; top-2-box (≥ 4): 3 of 4.
	 */
	const double x[] = {4, 5, 3, 5};
	struct loyalty_acc acc = {0};
	struct loyalty_stats st;
	double sd = sqrt(2.75 / 3), half = 3.18244630528 * sd / 2;

	(void)state;
	for (int i = 0; i < 4; i++)
		loyalty_acc_add(&acc, x[i], 4);
	loyalty_acc_stats(&acc, &st);
	assert_int_equal(st.n, 4);
	assert_true(st.has_mean && st.has_sd && st.has_ci && st.has_top2);
	assert_true(st.mean == 4.25);
	assert_near(st.sd, sd, 1e-12);
	assert_near(st.ci_lo, 4.25 - half, 1e-8);
	assert_near(st.ci_hi, 4.25 + half, 1e-8);
	assert_true(st.top2_share == 0.75);
	/* One value: a mean and a share, no spread. */
	memset(&acc, 0, sizeof(acc));
	loyalty_acc_add(&acc, 3, 4);
	loyalty_acc_stats(&acc, &st);
	assert_true(st.has_mean && !st.has_sd && !st.has_ci && st.has_top2);
	assert_true(st.mean == 3);
	assert_true(st.top2_share == 0);
	/* None: nothing. */
	memset(&acc, 0, sizeof(acc));
	loyalty_acc_stats(&acc, &st);
	assert_false(st.has_mean || st.has_sd || st.has_ci || st.has_top2);
	/* Two equal values: sd 0, the interval collapses to the mean. */
	memset(&acc, 0, sizeof(acc));
	loyalty_acc_add(&acc, 2, 4);
	loyalty_acc_add(&acc, 2, 4);
	loyalty_acc_stats(&acc, &st);
	assert_true(st.sd == 0 && st.ci_lo == 2 && st.ci_hi == 2);
}

static void
test_median_and_bins(void **state)
{
	double odd[] = {3, 1, 2}, even[] = {4, 1, 3, 2}, one[] = {7};

	(void)state;
	assert_true(loyalty_median(odd, 3) == 2);
	assert_true(loyalty_median(even, 4) == 2.5);
	assert_true(loyalty_median(one, 1) == 7);
	assert_int_equal(loyalty_hist_bin(0), 0);
	assert_int_equal(loyalty_hist_bin(9.99), 0);
	assert_int_equal(loyalty_hist_bin(10), 1);
	assert_int_equal(loyalty_hist_bin(62.5), 6);
	assert_int_equal(loyalty_hist_bin(99.9), 9);
	assert_int_equal(loyalty_hist_bin(100), 9);
	assert_int_equal(loyalty_hist_bin(-1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rescale),
	    cmocka_unit_test(test_index_missing),
	    cmocka_unit_test(test_index_all_missing),
	    cmocka_unit_test(test_index_partial_edge),
	    cmocka_unit_test(test_index_zero_weights),
	    cmocka_unit_test(test_index_other_scale),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_quarters),
	    cmocka_unit_test(test_trend),
	    cmocka_unit_test(test_trend_starts_empty),
	    cmocka_unit_test(test_t_quantiles),
	    cmocka_unit_test(test_stats),
	    cmocka_unit_test(test_median_and_bins),
	};

	return cmocka_run_group_tests_name("loyalty_index", tests, NULL, NULL);
}
