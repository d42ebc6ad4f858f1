/*
 * test_analytics_compare.c — the tests of differences (src/analytics/compare.c)
 * against reference values computed independently by
 * tests/data/analytics/compare_make_refs.py from the fixed data in
 * tests/data/analytics/compare_*.csv (carried, with the references, in the
 * generated compare_refs.h):
 *   paired t-test — scipy.stats.ttest_rel (t, p, df, confidence_interval);
 *   Welch — scipy.stats.ttest_ind(equal_var=False) for t and p,
 *     statsmodels CompareMeans(...).ttest_ind(usevar='unequal') for df,
 *     .tconfint_diff(usevar='unequal') for the interval;
 *   two proportions — statsmodels.stats.proportion.proportions_ztest;
 *   trend — per wave numpy/scipy.stats.t.interval, changes by Welch as above.
 * Edge cases (no pair, one pair, constant differences, a constant group,
 * shares of 0 or 1, bad counts) are checked by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/compare.h"

#include "../data/analytics/compare_refs.h"

#define REL	 1e-9
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* got equals want to REL relative (absolute near 0). */
static void
assert_close(double got, double want)
{
	double tol = REL * fmax(1, fabs(want));

	if (!(fabs(got - want) <= tol))
		fail_msg("got %.17g, want %.17g", got, want);
}

/* got equals want to REL relative, however small want is (tail probabilities). */
static void
assert_rel(double got, double want)
{
	if (!(fabs(got - want) <= REL * fabs(want)))
		fail_msg("got %.17g, want %.17g", got, want);
}

/* Reference: scipy.stats.ttest_rel on the rows with both answers. */
static void
test_paired(void **state)
{
	struct compare_paired_result r;

	(void)state;
	compare_paired(OURS, THEIRS, NELEM(OURS), &r);
	assert_int_equal(r.status, ANALYTICS_OK);
	assert_int_equal(r.n, PR_N);
	assert_false(r.small);
	assert_close(r.mean_a, PR_MEAN_A);
	assert_close(r.mean_b, PR_MEAN_B);
	assert_close(r.mean_diff, PR_MEAN_DIFF);
	assert_close(r.sd, PR_SD);
	assert_close(r.se, PR_SE);
	assert_close(r.df, PR_DF);
	assert_close(r.t, PR_T);
	assert_rel(r.p, PR_P);
	assert_close(r.ci_lo, PR_LO);
	assert_close(r.ci_hi, PR_HI);
	assert_true(r.significant); /* p = 0.033 */
}

/* By hand: no pair, one pair, constant differences. */
static void
test_paired_edges(void **state)
{
	const double a[] = {NAN, 4, 5, 3}, b[] = {2, NAN, 4, 2}, c[] = {3, 4, 5}, d[] = {2, 3, 4};
	struct compare_paired_result r;

	(void)state;
	compare_paired(a, b, 2, &r);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(r.n, 0);
	assert_true(isnan(r.mean_a) && isnan(r.mean_diff) && isnan(r.t) && isnan(r.p));
	assert_false(r.significant);
	compare_paired(a, b, 3, &r);
	assert_int_equal(r.status, ANALYTICS_TOO_FEW);
	assert_int_equal(r.n, 1);
	assert_close(r.mean_a, 5);
	assert_close(r.mean_b, 4);
	assert_close(r.mean_diff, 1);
	assert_true(isnan(r.sd) && isnan(r.se) && isnan(r.ci_lo) && isnan(r.df) && isnan(r.t) &&
		    isnan(r.p));
	/* Rows 2 and 3: d = 1 and 1. */
	compare_paired(a, b, 4, &r);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_int_equal(r.n, 2);
	assert_true(r.small);
	assert_close(r.mean_diff, 1);
	assert_true(r.sd == 0 && r.se == 0);
	assert_close(r.ci_lo, 1);
	assert_close(r.ci_hi, 1);
	assert_true(isnan(r.t) && isnan(r.p));
	assert_false(r.significant);
	compare_paired(c, c, 3, &r);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_close(r.mean_diff, 0);
	compare_paired(c, d, 3, &r);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_close(r.mean_a, 4);
	assert_close(r.mean_b, 3);
}

/* Checks a Welch result against the WE_ references. */
static void
check_welch(const struct compare_welch_result *r)
{
	assert_int_equal(r->status, ANALYTICS_OK);
	assert_int_equal(r->n_a, WE_N_A);
	assert_int_equal(r->n_b, WE_N_B);
	assert_false(r->small);
	assert_close(r->mean_a, WE_MEAN_A);
	assert_close(r->mean_b, WE_MEAN_B);
	assert_close(r->var_a, WE_VAR_A);
	assert_close(r->var_b, WE_VAR_B);
	assert_close(r->diff, WE_DIFF);
	assert_close(r->se, WE_SE);
	assert_close(r->df, WE_DF);
	assert_close(r->t, WE_T);
	assert_rel(r->p, WE_P);
	assert_close(r->ci_lo, WE_LO);
	assert_close(r->ci_hi, WE_HI);
	assert_true(r->significant);
}

/* Reference: scipy.stats.ttest_ind(equal_var=False) and statsmodels CompareMeans. */
static void
test_welch(void **state)
{
	struct compare_welch_result r;

	(void)state;
	compare_welch(CHURNED, NELEM(CHURNED), RETAINED, NELEM(RETAINED), &r);
	check_welch(&r);
	compare_welch_stats(WE_N_A, WE_MEAN_A, WE_VAR_A, WE_N_B, WE_MEAN_B, WE_VAR_B, &r);
	check_welch(&r);
}

/* By hand: an empty group, a group of one, constant groups. */
static void
test_welch_edges(void **state)
{
	const double miss[] = {NAN, NAN}, three[] = {3}, b[] = {1, 2, 3}, two[] = {2, 2, NAN, 2};
	struct compare_welch_result r;

	(void)state;
	compare_welch(miss, NELEM(miss), b, NELEM(b), &r);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(r.n_a, 0);
	assert_int_equal(r.n_b, 3);
	assert_true(r.small);
	assert_true(isnan(r.mean_a) && isnan(r.var_a) && isnan(r.diff) && isnan(r.t));
	assert_close(r.mean_b, 2);
	assert_close(r.var_b, 1);
	compare_welch(b, 0, b, NELEM(b), &r);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	compare_welch(three, NELEM(three), b, NELEM(b), &r);
	assert_int_equal(r.status, ANALYTICS_TOO_FEW);
	assert_close(r.diff, 1);
	assert_true(isnan(r.var_a) && isnan(r.se) && isnan(r.df) && isnan(r.p) && isnan(r.ci_lo));
	/* a constant, b = 1, 2, 3: se² = 1/3, df = (1/3)² / ((1/3)² / 2) = 2, t = 0, p = 1. */
	compare_welch(two, NELEM(two), b, NELEM(b), &r);
	assert_int_equal(r.status, ANALYTICS_OK);
	assert_int_equal(r.n_a, 3);
	assert_close(r.var_a, 0);
	assert_close(r.se, sqrt(1.0 / 3));
	assert_close(r.df, 2);
	assert_close(r.t, 0);
	assert_close(r.p, 1);
	assert_false(r.significant);
	compare_welch(two, NELEM(two), three, 1, &r);
	assert_int_equal(r.status, ANALYTICS_TOO_FEW);
	compare_welch(two, NELEM(two), two, 2, &r);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_close(r.diff, 0);
	assert_close(r.se, 0);
	assert_true(isnan(r.df) && isnan(r.t) && isnan(r.p) && isnan(r.ci_lo) && isnan(r.ci_hi));
}

/* Reference: statsmodels proportions_ztest (pooled, two-sided). */
static void
test_prop(void **state)
{
	struct compare_prop_result r;

	(void)state;
	for (size_t i = 0; i < NELEM(PROPS); i++) {
		assert_int_equal(
		    compare_prop(PROPS[i].x_a, PROPS[i].n_a, PROPS[i].x_b, PROPS[i].n_b, &r, NULL),
		    ADV_OK);
		assert_int_equal(r.status, ANALYTICS_OK);
		assert_close(r.z, PROPS[i].z);
		assert_rel(r.p, PROPS[i].p);
		assert_true(r.significant == (PROPS[i].p < 0.05));
		assert_close(r.p_a, (double)PROPS[i].x_a / (double)PROPS[i].n_a);
		assert_close(r.diff, (double)PROPS[i].x_a / (double)PROPS[i].n_a -
					 (double)PROPS[i].x_b / (double)PROPS[i].n_b);
	}
}

/* By hand: empty groups, pooled shares 0 and 1, counts above n. */
static void
test_prop_edges(void **state)
{
	struct compare_prop_result r;
	struct adv_errbuf eb;

	(void)state;
	assert_int_equal(compare_prop(0, 0, 3, 10, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_true(isnan(r.p_a) && isnan(r.p_b) && isnan(r.z) && isnan(r.p));
	assert_true(r.small);
	assert_int_equal(compare_prop(0, 10, 0, 20, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_close(r.diff, 0);
	assert_close(r.se, 0);
	assert_true(isnan(r.z) && isnan(r.p));
	assert_false(r.significant);
	assert_int_equal(compare_prop(40, 40, 30, 30, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_close(r.p_pooled, 1);
	assert_false(r.small);
	assert_int_equal(compare_prop(11, 10, 0, 20, &r, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "count");
	assert_int_equal(compare_prop(1, 10, 21, 20, &r, NULL), ADV_EINVAL);
}

/* Reference: per wave numpy/scipy, changes by scipy/statsmodels Welch (a = later wave). */
static void
test_trend(void **state)
{
	const double *waves[] = {WAVE0, WAVE1, WAVE2, WAVE3};
	const size_t lens[] = {NELEM(WAVE0), NELEM(WAVE1), NELEM(WAVE2), NELEM(WAVE3)};
	struct describe_result stats[4];
	struct compare_welch_result change[3];

	(void)state;
	assert_int_equal(compare_trend(waves, lens, 4, 1, 5, stats, change, NULL), ADV_OK);
	for (size_t w = 0; w < 4; w++) {
		assert_int_equal(stats[w].status, ANALYTICS_OK);
		assert_int_equal(stats[w].n, WAVE_STATS[w].n);
		assert_close(stats[w].mean, WAVE_STATS[w].mean);
		assert_close(stats[w].sd, WAVE_STATS[w].sd);
		assert_close(stats[w].ci_lo, WAVE_STATS[w].lo);
		assert_close(stats[w].ci_hi, WAVE_STATS[w].hi);
	}
	for (size_t c = 0; c < 3; c++) {
		assert_int_equal(change[c].status, ANALYTICS_OK);
		assert_int_equal(change[c].n_a, WAVE_STATS[c + 1].n);
		assert_int_equal(change[c].n_b, WAVE_STATS[c].n);
		assert_close(change[c].diff, WAVE_CHANGE[c].diff);
		assert_close(change[c].se, WAVE_CHANGE[c].se);
		assert_close(change[c].df, WAVE_CHANGE[c].df);
		assert_close(change[c].t, WAVE_CHANGE[c].t);
		assert_rel(change[c].p, WAVE_CHANGE[c].p);
		assert_close(change[c].ci_lo, WAVE_CHANGE[c].lo);
		assert_close(change[c].ci_hi, WAVE_CHANGE[c].hi);
		assert_true(change[c].significant == (WAVE_CHANGE[c].p < 0.05));
	}
}

/* By hand: no wave, one wave, an empty wave, an answer outside the scale. */
static void
test_trend_edges(void **state)
{
	const double w0[] = {3, 4, 5}, w1[] = {NAN}, bad[] = {3, 6};
	const double *waves[] = {w0, w1, w0}, *bads[] = {w0, bad};
	const size_t lens[] = {3, 1, 3};
	struct describe_result stats[3];
	struct compare_welch_result change[2];
	struct adv_errbuf eb;

	(void)state;
	assert_int_equal(compare_trend(waves, lens, 0, 1, 5, stats, NULL, NULL), ADV_OK);
	assert_int_equal(compare_trend(waves, lens, 1, 1, 5, stats, NULL, NULL), ADV_OK);
	assert_close(stats[0].mean, 4);
	assert_int_equal(compare_trend(waves, lens, 3, 1, 5, stats, change, NULL), ADV_OK);
	assert_int_equal(stats[1].status, ANALYTICS_EMPTY);
	assert_int_equal(change[0].status, ANALYTICS_EMPTY);
	assert_int_equal(change[0].n_a, 0);
	assert_int_equal(change[0].n_b, 3);
	assert_int_equal(change[1].status, ANALYTICS_EMPTY);
	assert_int_equal(compare_trend(bads, (const size_t[]){3, 2}, 2, 1, 5, stats, change, &eb),
			 ADV_EINVAL);
	assert_string_equal(eb.field, "score");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paired), cmocka_unit_test(test_paired_edges),
	    cmocka_unit_test(test_welch),  cmocka_unit_test(test_welch_edges),
	    cmocka_unit_test(test_prop),   cmocka_unit_test(test_prop_edges),
	    cmocka_unit_test(test_trend),  cmocka_unit_test(test_trend_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
