/*
 * test_analytics_nps.c — the NPS module (src/analytics/nps.c) against
 * reference values computed independently by
 * tests/data/analytics/nps_make_refs.py from the fixed answers in
 * tests/data/analytics/nps_wave1.csv and nps_wave2.csv (both carried, with
 * the references, in the generated nps_refs.h):
 *   counts and shares — pandas value_counts;
 *   NPS and SE — numpy mean and var(ddof=0) of v = ±100/0 per answer;
 *   weighted — statsmodels DescrStatsW mean/var with Kish's n_eff;
 *   adjusted-Wald interval — Sauro's formula with scipy.stats.norm.ppf(0.975);
 *   latest per account — pandas sort_values + groupby().tail(1);
 *   change between waves — z with scipy.stats.norm.sf.
 * Edge cases (n = 0, n = 1, one category, zero weights, bad input) are
 * checked against the same script's values or by hand where stated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/nps.h"

#include "../data/analytics/nps_refs.h"

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

/* Checks the unweighted figures of r against one reference block. */
#define ASSERT_BLOCK(r, P)                                                                         \
	do {                                                                                       \
		assert_int_equal((r).status, ANALYTICS_OK);                                        \
		assert_int_equal((r).n, P##_N);                                                    \
		assert_close((r).n_eff, P##_N);                                                    \
		assert_int_equal((r).promoters, P##_PROMOTERS);                                    \
		assert_int_equal((r).passives, P##_PASSIVES);                                      \
		assert_int_equal((r).detractors, P##_DETRACTORS);                                  \
		assert_close((r).p_promoters, P##_P);                                              \
		assert_close((r).p_passives, P##_PAS);                                             \
		assert_close((r).p_detractors, P##_D);                                             \
		assert_close((r).nps, P##_NPS);                                                    \
		assert_close((r).se, P##_SE);                                                      \
		assert_close((r).ci_lo, P##_LO);                                                   \
		assert_close((r).ci_hi, P##_HI);                                                   \
		for (size_t s_ = 0; s_ < NPS_SCORES; s_++) {                                       \
			assert_int_equal((r).count[s_], P##_COUNTS[s_]);                           \
			assert_close((r).share[s_], P##_SHARES[s_]);                               \
		}                                                                                  \
	} while (0)

static void
test_wave1_double(void **state)
{
	struct nps_result r;

	(void)state;
	assert_int_equal(nps_of_double(W1_SCORE, NULL, NELEM(W1_SCORE), &r, NULL), ADV_OK);
	ASSERT_BLOCK(r, R1);
	assert_false(r.small);
	assert_close(r.weight_sum, R1_N);
}

static void
test_wave1_int(void **state)
{
	struct nps_result r;

	(void)state;
	assert_int_equal(nps_of_int(W1_SCORE_INT, NULL, NELEM(W1_SCORE_INT), &r, NULL), ADV_OK);
	ASSERT_BLOCK(r, R1);
}

static void
test_wave2(void **state)
{
	struct nps_result r;

	(void)state;
	assert_int_equal(nps_of_double(W2_SCORE, NULL, NELEM(W2_SCORE), &r, NULL), ADV_OK);
	ASSERT_BLOCK(r, R2);
}

/* Reference: DescrStatsW(v, weights=revenue) and Kish's n_eff (nps_make_refs.py). */
static void
test_weighted(void **state)
{
	struct nps_result r, ri;

	(void)state;
	assert_int_equal(nps_of_double(W1_SCORE, W1_REVENUE, NELEM(W1_SCORE), &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_OK);
	assert_int_equal(r.n, RW_N);
	assert_int_equal(r.promoters, R1_PROMOTERS); /* counts stay unweighted */
	assert_close(r.weight_sum, RW_WSUM);
	assert_close(r.n_eff, RW_NEFF);
	assert_close(r.p_promoters, RW_P);
	assert_close(r.p_passives, RW_PAS);
	assert_close(r.p_detractors, RW_D);
	assert_close(r.nps, RW_NPS);
	assert_close(r.se, RW_SE);
	assert_close(r.ci_lo, RW_LO);
	assert_close(r.ci_hi, RW_HI);
	for (size_t s = 0; s < NPS_SCORES; s++)
		assert_close(r.share[s], RW_SHARES[s]);
	assert_int_equal(nps_of_int(W1_SCORE_INT, W1_REVENUE, NELEM(W1_SCORE_INT), &ri, NULL),
			 ADV_OK);
	assert_close(ri.nps, RW_NPS);
	assert_close(ri.ci_hi, RW_HI);
}

/* Reference: pandas groupby(account).tail(1) after sorting by (account, date, row). */
static void
test_latest_per_account(void **state)
{
	size_t keep[NELEM(W1_ANSWERED_SCORE)], nkeep;
	double scores[NELEM(W1_ANSWERED_SCORE)];
	struct nps_result r;

	(void)state;
	assert_int_equal(nps_latest_per_account(W1_ANSWERED_ACCOUNT, W1_ANSWERED_DATE,
						NELEM(W1_ANSWERED_ACCOUNT), keep, &nkeep),
			 ADV_OK);
	assert_int_equal(nkeep, NELEM(W1_LATEST_ROWS));
	for (size_t i = 0; i < nkeep; i++) {
		assert_int_equal(keep[i], W1_LATEST_ROWS[i]);
		scores[i] = W1_ANSWERED_SCORE[keep[i]];
	}
	assert_int_equal(nps_of_double(scores, NULL, nkeep, &r, NULL), ADV_OK);
	ASSERT_BLOCK(r, RA);
}

/* By hand: equal dates go to the later row; without dates the later row wins; too many rows. */
static void
test_latest_ties_and_order(void **state)
{
	const int64_t acc[] = {5, 9, 5, 5, 9, -3};
	const int64_t date[] = {20250301, 20250101, 20250301, 20250201, 20241231, 7};
	size_t keep[NELEM(acc)], nkeep;

	(void)state;
	assert_int_equal(nps_latest_per_account(acc, date, NELEM(acc), keep, &nkeep), ADV_OK);
	assert_int_equal(nkeep, 3);
	assert_int_equal(keep[0], 1); /* 9: 20250101 beats 20241231 */
	assert_int_equal(keep[1], 2); /* 5: the second of the two 20250301 */
	assert_int_equal(keep[2], 5);
	assert_int_equal(nps_latest_per_account(acc, NULL, NELEM(acc), keep, &nkeep), ADV_OK);
	assert_int_equal(nkeep, 3);
	assert_int_equal(keep[0], 3);
	assert_int_equal(keep[1], 4);
	assert_int_equal(keep[2], 5);
	assert_int_equal(nps_latest_per_account(acc, date, 0, keep, &nkeep), ADV_OK);
	assert_int_equal(nkeep, 0);
	/* Refused before any row is read. */
	assert_int_equal(nps_latest_per_account(acc, date, UINT32_MAX, keep, &nkeep), ADV_ETOOBIG);
	assert_int_equal(nkeep, 0);
}

/* Reference: nps_make_refs.py (normal z test with scipy.stats.norm.sf). */
static void
test_diff(void **state)
{
	struct nps_result a, b;
	struct nps_diff_result d;

	(void)state;
	assert_int_equal(nps_of_double(W1_SCORE, NULL, NELEM(W1_SCORE), &a, NULL), ADV_OK);
	assert_int_equal(nps_of_double(W2_SCORE, NULL, NELEM(W2_SCORE), &b, NULL), ADV_OK);
	nps_diff(&a, &b, &d);
	assert_int_equal(d.status, ANALYTICS_OK);
	assert_close(d.diff, RD_DIFF);
	assert_close(d.se, RD_SE);
	assert_close(d.z, RD_Z);
	assert_close(d.p, RD_P);
	assert_close(d.ci_lo, RD_LO);
	assert_close(d.ci_hi, RD_HI);
	assert_false(d.significant);
	assert_false(d.small);
}

/* Reference: nps_make_refs.py, 50 tens and 50 zeros against 80 nines and 20 eights. */
static void
test_diff_significant(void **state)
{
	int e[100], l[100];
	struct nps_result a, b;
	struct nps_diff_result d;

	(void)state;
	for (int i = 0; i < 100; i++) {
		e[i] = i < 50 ? 10 : 0;
		l[i] = i < 80 ? 9 : 8;
	}
	assert_int_equal(nps_of_int(e, NULL, 100, &a, NULL), ADV_OK);
	assert_int_equal(nps_of_int(l, NULL, 100, &b, NULL), ADV_OK);
	nps_diff(&a, &b, &d);
	assert_int_equal(d.status, ANALYTICS_OK);
	assert_close(d.diff, RS_DIFF);
	assert_close(d.se, RS_SE);
	assert_close(d.z, RS_Z);
	assert_rel(d.p, RS_P);
	assert_true(d.significant);
}

static void
assert_all_nan(const struct nps_result *r)
{
	assert_true(isnan(r->nps) && isnan(r->se) && isnan(r->ci_lo) && isnan(r->ci_hi));
	assert_true(isnan(r->p_promoters) && isnan(r->p_passives) && isnan(r->p_detractors));
	assert_true(isnan(r->n_eff));
	for (size_t s = 0; s < NPS_SCORES; s++)
		assert_true(isnan(r->share[s]));
}

/* n = 0: an empty array and an array of missing answers. */
static void
test_empty(void **state)
{
	const double miss[] = {NAN, -1, NAN};
	const int imiss[] = {-1, -5};
	struct nps_result r;

	(void)state;
	assert_int_equal(nps_of_double(miss, NULL, 0, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(r.n, 0);
	assert_true(r.small);
	assert_all_nan(&r);
	assert_int_equal(nps_of_double(miss, NULL, NELEM(miss), &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(nps_of_int(imiss, NULL, NELEM(imiss), &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	for (size_t s = 0; s < NPS_SCORES; s++)
		assert_int_equal(r.count[s], 0);
	assert_all_nan(&r);
}

/* One, two and fifty tens: NPS 100, SE 0, the adjusted interval defined (nps_make_refs.py). */
static void
test_only_promoters(void **state)
{
	const double one[] = {NAN, 10}, two[] = {10, 10};
	double fifty[50];
	struct nps_result r;

	(void)state;
	assert_int_equal(nps_of_double(one, NULL, NELEM(one), &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_OK);
	assert_int_equal(r.n, 1);
	assert_true(r.small);
	assert_close(r.nps, 100);
	assert_close(r.se, E1_SE);
	assert_close(r.ci_lo, E1_LO);
	assert_close(r.ci_hi, E1_HI);
	assert_int_equal(nps_of_double(two, NULL, NELEM(two), &r, NULL), ADV_OK);
	assert_close(r.se, E2_SE);
	assert_close(r.ci_lo, E2_LO);
	assert_close(r.ci_hi, E2_HI); /* clamped at 100 */
	for (size_t i = 0; i < NELEM(fifty); i++)
		fifty[i] = 10;
	assert_int_equal(nps_of_double(fifty, NULL, NELEM(fifty), &r, NULL), ADV_OK);
	assert_false(r.small);
	assert_close(r.nps, 100);
	assert_close(r.p_promoters, 1);
	assert_close(r.share[10], 1);
	assert_close(r.se, E50_SE);
	assert_close(r.ci_lo, E50_LO);
	assert_close(r.ci_hi, E50_HI);
}

/* By hand: both waves all promoters, so se = 0; an empty wave gives EMPTY. */
static void
test_diff_degenerate(void **state)
{
	const double tens[] = {10, 10, 9}, none[] = {NAN};
	struct nps_result a, b, e;
	struct nps_diff_result d;

	(void)state;
	assert_int_equal(nps_of_double(tens, NULL, NELEM(tens), &a, NULL), ADV_OK);
	assert_int_equal(nps_of_double(tens, NULL, 2, &b, NULL), ADV_OK);
	nps_diff(&a, &b, &d);
	assert_int_equal(d.status, ANALYTICS_NO_VARIANCE);
	assert_close(d.diff, 0);
	assert_close(d.se, 0);
	assert_true(isnan(d.z) && isnan(d.p) && isnan(d.ci_lo) && isnan(d.ci_hi));
	assert_false(d.significant);
	assert_true(d.small);
	assert_int_equal(nps_of_double(none, NULL, NELEM(none), &e, NULL), ADV_OK);
	nps_diff(&a, &e, &d);
	assert_int_equal(d.status, ANALYTICS_EMPTY);
	assert_true(isnan(d.diff) && isnan(d.se) && isnan(d.p));
	nps_diff(&e, &a, &d);
	assert_int_equal(d.status, ANALYTICS_EMPTY);
}

/* By hand: all weights of answered rows 0 → ZERO_WEIGHT with counts; a zero weight drops a row. */
static void
test_zero_weights(void **state)
{
	const double s[] = {10, 3, NAN, 8}, w0[] = {0, 0, 5, 0}, w1[] = {2, 0, NAN, 0};
	struct nps_result r;

	(void)state;
	assert_int_equal(nps_of_double(s, w0, NELEM(s), &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_ZERO_WEIGHT);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.promoters, 1);
	assert_int_equal(r.detractors, 1);
	assert_int_equal(r.count[8], 1);
	assert_close(r.weight_sum, 0);
	assert_true(r.small);
	assert_all_nan(&r);
	/* Only the ten weighs: NPS 100 with n_eff = 2² / 2² = 1; the NAN weight is of a missing
	 * answer and ignored. */
	assert_int_equal(nps_of_double(s, w1, NELEM(s), &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_OK);
	assert_int_equal(r.n, 3);
	assert_close(r.n_eff, 1);
	assert_close(r.nps, 100);
	assert_close(r.ci_lo, E1_LO);
	assert_close(r.ci_hi, E1_HI);
}

/* Scores outside 0..10, fractional scores, bad weights. */
static void
test_bad_input(void **state)
{
	const double big[] = {3, 11}, frac[] = {7.5}, inf[] = {INFINITY}, ok[] = {1, 2};
	const double wneg[] = {1, -1}, wnan[] = {NAN, 1}, winf[] = {1, INFINITY};
	const int ibig[] = {0, 10, 11};
	struct nps_result r;
	struct adv_errbuf eb;

	(void)state;
	assert_int_equal(nps_of_double(big, NULL, NELEM(big), &r, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "score");
	assert_int_equal(nps_of_double(frac, NULL, NELEM(frac), &r, NULL), ADV_EINVAL);
	assert_int_equal(nps_of_double(inf, NULL, NELEM(inf), &r, NULL), ADV_EINVAL);
	assert_int_equal(nps_of_int(ibig, NULL, NELEM(ibig), &r, &eb), ADV_EINVAL);
	assert_int_equal(nps_of_double(ok, wneg, NELEM(ok), &r, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "weight");
	assert_int_equal(nps_of_double(ok, wnan, NELEM(ok), &r, NULL), ADV_EINVAL);
	assert_int_equal(nps_of_double(ok, winf, NELEM(ok), &r, NULL), ADV_EINVAL);
	assert_int_equal(nps_of_int((const int[]){1, 2}, winf, 2, &r, NULL), ADV_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wave1_double),
	    cmocka_unit_test(test_wave1_int),
	    cmocka_unit_test(test_wave2),
	    cmocka_unit_test(test_weighted),
	    cmocka_unit_test(test_latest_per_account),
	    cmocka_unit_test(test_latest_ties_and_order),
	    cmocka_unit_test(test_diff),
	    cmocka_unit_test(test_diff_significant),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_only_promoters),
	    cmocka_unit_test(test_diff_degenerate),
	    cmocka_unit_test(test_zero_weights),
	    cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
