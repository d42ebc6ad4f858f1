/*
 * test_analytics_describe.c — the scale descriptives and Cronbach's alpha
 * (src/analytics/describe.c) against reference values computed independently
 * by tests/data/analytics/describe_make_refs.py from the fixed answers in
 * tests/data/analytics/describe_ratings.csv (carried, with the references, in
 * the generated describe_refs.h):
 *   n, mean, sd — pandas count/mean/std(ddof=1);
 *   se and the 95 % interval — scipy.stats.sem and scipy.stats.t.interval;
 *   top-2-box — pandas (x >= hi − 1).sum() / n;
 *   Cronbach's alpha — numpy, explicitly (pingouin is not installed), after
 *   pandas dropna (listwise deletion).
 * Edge cases (n = 0, n = 1, constant answers, bad input) are checked by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/describe.h"

#include "../data/analytics/describe_refs.h"

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

/* Checks r against one reference block of describe_refs.h. */
#define ASSERT_BLOCK(r, P)                                                                         \
	do {                                                                                       \
		assert_int_equal((r).status, ANALYTICS_OK);                                        \
		assert_int_equal((r).n, P##_N);                                                    \
		assert_false((r).small);                                                           \
		assert_close((r).mean, P##_MEAN);                                                  \
		assert_close((r).sd, P##_SD);                                                      \
		assert_close((r).se, P##_SE);                                                      \
		assert_close((r).ci_lo, P##_LO);                                                   \
		assert_close((r).ci_hi, P##_HI);                                                   \
		assert_int_equal((r).top2, P##_TOP2);                                              \
		assert_close((r).top2_share, P##_TOP2_SHARE);                                      \
	} while (0)

/* Reference: pandas and scipy.stats (describe_make_refs.py). */
static void
test_scale_1_5(void **state)
{
	struct describe_result r;

	(void)state;
	assert_int_equal(describe_scale(Q1, NELEM(Q1), 1, 5, &r, NULL), ADV_OK);
	ASSERT_BLOCK(r, Q1);
	assert_int_equal(describe_scale(Q4, NELEM(Q4), 1, 5, &r, NULL), ADV_OK);
	ASSERT_BLOCK(r, Q4);
}

/* Reference: as above, on 0..10 (top-2-box: 9 and 10). */
static void
test_scale_0_10(void **state)
{
	struct describe_result r;

	(void)state;
	assert_int_equal(describe_scale(R10, NELEM(R10), 0, 10, &r, NULL), ADV_OK);
	ASSERT_BLOCK(r, R10);
}

/* Reference: as above, on the row means of q1..q4 (fractional answers ≥ 4 count). */
static void
test_fractional(void **state)
{
	struct describe_result r;

	(void)state;
	assert_int_equal(describe_scale(QMEAN, NELEM(QMEAN), 1, 5, &r, NULL), ADV_OK);
	ASSERT_BLOCK(r, QM);
}

/* By hand: n = 0 (empty or all missing) and n = 1. */
static void
test_empty_and_one(void **state)
{
	const double miss[] = {NAN, NAN}, one[] = {NAN, 4, NAN};
	struct describe_result r;

	(void)state;
	assert_int_equal(describe_scale(miss, 0, 1, 5, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(describe_scale(miss, NELEM(miss), 1, 5, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(r.n, 0);
	assert_true(r.small);
	assert_int_equal(r.top2, 0);
	assert_true(isnan(r.mean) && isnan(r.sd) && isnan(r.se) && isnan(r.ci_lo) &&
		    isnan(r.ci_hi) && isnan(r.top2_share));
	assert_int_equal(describe_scale(one, NELEM(one), 1, 5, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_TOO_FEW);
	assert_int_equal(r.n, 1);
	assert_close(r.mean, 4);
	assert_close(r.top2_share, 1);
	assert_true(isnan(r.sd) && isnan(r.se) && isnan(r.ci_lo) && isnan(r.ci_hi));
}

/* By hand: constant answers give sd exactly 0 and the interval [mean, mean]. */
static void
test_constant(void **state)
{
	const double three[] = {3, NAN, 3, 3}, frac[] = {3.3, 3.3, 3.3, 3.3, 3.3};
	struct describe_result r;

	(void)state;
	assert_int_equal(describe_scale(three, NELEM(three), 1, 5, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_int_equal(r.n, 3);
	assert_close(r.mean, 3);
	assert_true(r.sd == 0 && r.se == 0);
	assert_close(r.ci_lo, 3);
	assert_close(r.ci_hi, 3);
	assert_close(r.top2_share, 0);
	assert_int_equal(describe_scale(frac, NELEM(frac), 1, 5, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_true(r.sd == 0);
	assert_close(r.mean, 3.3);
}

/* Answers outside the scale and bad scales. */
static void
test_bad_input(void **state)
{
	const double six[] = {1, 6}, low[] = {0.5}, inf[] = {INFINITY}, ok[] = {3};
	struct describe_result r;
	struct adv_errbuf eb;

	(void)state;
	assert_int_equal(describe_scale(six, NELEM(six), 1, 5, &r, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "score");
	assert_int_equal(describe_scale(low, NELEM(low), 1, 5, &r, NULL), ADV_EINVAL);
	assert_int_equal(describe_scale(inf, NELEM(inf), 1, 5, &r, NULL), ADV_EINVAL);
	assert_int_equal(describe_scale(ok, NELEM(ok), 5, 5, &r, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "scale");
	assert_int_equal(describe_scale(ok, NELEM(ok), 5, 1, &r, NULL), ADV_EINVAL);
	assert_int_equal(describe_scale(ok, NELEM(ok), NAN, 5, &r, NULL), ADV_EINVAL);
	assert_int_equal(describe_scale(ok, NELEM(ok), 1, INFINITY, &r, NULL), ADV_EINVAL);
}

/* Reference: numpy after listwise deletion (describe_make_refs.py). */
static void
test_alpha(void **state)
{
	const double *items[] = {Q1, Q2, Q3, Q4};
	struct describe_alpha_result r;

	(void)state;
	assert_int_equal(describe_alpha(items, 4, NELEM(Q1), &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_OK);
	assert_int_equal(r.n, A4_N);
	assert_int_equal(r.k, 4);
	assert_false(r.small);
	assert_close(r.alpha, A4_ALPHA);
	assert_int_equal(describe_alpha(items, 3, NELEM(Q1), &r, NULL), ADV_OK);
	assert_int_equal(r.n, A3_N);
	assert_close(r.alpha, A3_ALPHA);
	assert_int_equal(describe_alpha(items, 2, NELEM(Q1), &r, NULL), ADV_OK);
	assert_int_equal(r.n, A2_N);
	assert_close(r.alpha, A2_ALPHA);
}

/* By hand: identical items give 1; no, one complete row; constant totals; bad k. */
static void
test_alpha_edges(void **state)
{
	const double a[] = {1, 2, 3, NAN, 5}, b[] = {1, 2, 3, 4, NAN}, c[] = {NAN, NAN, 3, 2, 1};
	const double u[] = {1, 2, 3}, v[] = {3, 2, 1};
	const double *same[] = {a, b}, *one[] = {a, b, c}, *none[] = {a, b, c}, *flat[] = {u, v};
	const double *many[DESCRIBE_ALPHA_MAX_ITEMS + 1];
	struct describe_alpha_result r;
	struct adv_errbuf eb;

	(void)state;
	/* Rows 0..2 complete, a = b there: Σ var_i = 2v, var_total = 4v, alpha = 2 (1 − 1/2) = 1.
	 */
	assert_int_equal(describe_alpha(same, 2, 5, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_OK);
	assert_int_equal(r.n, 3);
	assert_true(r.small);
	assert_close(r.alpha, 1);
	/* Only row 2 has all three. */
	assert_int_equal(describe_alpha(one, 3, 5, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_TOO_FEW);
	assert_int_equal(r.n, 1);
	assert_true(isnan(r.alpha));
	assert_int_equal(describe_alpha(none, 3, 2, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(r.n, 0);
	assert_true(isnan(r.alpha));
	/* Every total is 4. */
	assert_int_equal(describe_alpha(flat, 2, 3, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_true(isnan(r.alpha));
	assert_int_equal(describe_alpha(same, 1, 5, &r, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "items");
	for (size_t j = 0; j < NELEM(many); j++)
		many[j] = a;
	assert_int_equal(describe_alpha(many, NELEM(many), 5, &r, NULL), ADV_EINVAL);
	assert_int_equal(describe_alpha(many, DESCRIBE_ALPHA_MAX_ITEMS, 5, &r, NULL), ADV_OK);
	assert_close(r.alpha, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scale_1_5),  cmocka_unit_test(test_scale_0_10),
	    cmocka_unit_test(test_fractional), cmocka_unit_test(test_empty_and_one),
	    cmocka_unit_test(test_constant),   cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_alpha),      cmocka_unit_test(test_alpha_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
