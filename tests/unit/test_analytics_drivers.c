/*
 * test_analytics_drivers.c — the one-pass moments (src/analytics/moments.c),
 * key driver analysis and importance–performance quadrants
 * (src/analytics/drivers.c) against reference values computed independently
 * by tests/data/analytics/drivers_make_refs.py from the fixed data in
 * tests/data/analytics/drivers_{main,singular,wide}.csv (carried, with the
 * references, in the generated drivers_refs.h), all after listwise deletion
 * (pandas dropna):
 *   moments — numpy mean, numpy.cov(ddof=1), numpy.corrcoef;
 *   Pearson r and p — scipy.stats.pearsonr;
 *   standardised betas, se, t, p, R², adjusted R², n — statsmodels OLS on
 *   z-scored data with a constant;
 *   Johnson's relative weights — an independent numpy implementation of
 *   Johnson (2000) in the script (no packaged one is installed);
 *   LMG — an independent brute force over statsmodels OLS R² of every subset
 *   (on collinear drivers statsmodels' pseudo-inverse fit);
 *   quadrants — the rule restated with numpy on the references above.
 * Edge cases (n = 0, n = 1, too few rows, constant outcome, constant driver,
 * collinear drivers, bad input) are checked by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <time.h>

#include "analytics/drivers.h"
#include "analytics/moments.h"

#include "../data/analytics/drivers_refs.h"

#define REL	 1e-9
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* got equals want to REL relative (absolute near 0); NAN equals NAN. */
static void
assert_close(double got, double want)
{
	double tol = REL * fmax(1, fabs(want));

	if (isnan(want) && isnan(got))
		return;
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.17g, want %.17g", got, want);
}

static const double *const main_cols[] = {MAIN_Y,  MAIN_X1, MAIN_X2, MAIN_X3,
					  MAIN_X4, MAIN_X5, MAIN_X6};

/* Reference: numpy mean, cov(ddof=1), corrcoef after dropna. */
static void
test_moments(void **state)
{
	struct moments m, a, b;
	const double *half[NELEM(main_cols)];
	size_t p = NELEM(main_cols), cut = 101;

	(void)state;
	assert_int_equal(moments_compute(main_cols, p, MAIN_ROWS, &m, NULL), ADV_OK);
	assert_int_equal(m.n, MOM_N);
	assert_int_equal(m.n_rows, MAIN_ROWS);
	for (size_t j = 0; j < p; j++) {
		assert_close(m.mean[j], MOM_MEAN[j]);
		for (size_t k = 0; k < p; k++) {
			assert_close(moments_cov(&m, j, k), MOM_COV[j * p + k]);
			assert_close(moments_corr(&m, j, k), MOM_CORR[j * p + k]);
		}
	}
	/* The same from two chunks added one after the other, and from two merged halves. */
	assert_int_equal(moments_compute(main_cols, p, cut, &a, NULL), ADV_OK);
	for (size_t j = 0; j < p; j++)
		half[j] = main_cols[j] + cut;
	assert_int_equal(moments_add(&a, half, MAIN_ROWS - cut, NULL), ADV_OK);
	assert_int_equal(moments_compute(main_cols, p, cut, &b, NULL), ADV_OK);
	assert_int_equal(moments_compute(half, p, MAIN_ROWS - cut, &m, NULL), ADV_OK);
	moments_merge(&b, &m);
	for (const struct moments *x = &a; x; x = x == &a ? &b : NULL) {
		assert_int_equal(x->n, MOM_N);
		assert_int_equal(x->n_rows, MAIN_ROWS);
		for (size_t j = 0; j < p; j++) {
			assert_close(x->mean[j], MOM_MEAN[j]);
			for (size_t k = 0; k < p; k++)
				assert_close(moments_cov(x, j, k), MOM_COV[j * p + k]);
		}
	}
}

/* By hand: n = 0, n = 1, a constant column, values far from zero, bad input. */
static void
test_moments_edges(void **state)
{
	const double none[] = {NAN, NAN}, one[] = {NAN, 2.5}, flat[] = {0.1, 0.1, 0.1},
		     var[] = {1, 2, 4}, inf[] = {1, INFINITY, 3};
	const double *c2[] = {none, one}, *c3[] = {flat, var}, *bad[] = {var, inf};
	const double *many[MOMENTS_MAX_COLS + 1];
	static double big[1000];
	const double *cbig[] = {big};
	struct adv_errbuf eb;
	struct moments m;

	(void)state;
	assert_int_equal(moments_compute(c2, 2, 2, &m, NULL), ADV_OK);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.n_rows, 2);
	assert_true(isnan(m.mean[0]));
	assert_true(isnan(moments_cov(&m, 0, 1)));
	assert_true(isnan(moments_corr(&m, 0, 1)));
	assert_int_equal(moments_compute(c2 + 1, 1, 2, &m, NULL), ADV_OK);
	assert_int_equal(m.n, 1);
	assert_close(m.mean[0], 2.5);
	assert_true(isnan(moments_cov(&m, 0, 0)));
	/* A constant column: exactly zero variance, no correlation. */
	assert_int_equal(moments_compute(c3, 2, 3, &m, NULL), ADV_OK);
	assert_true(m.mean[0] == 0.1);
	assert_true(moments_m2(&m, 0, 0) == 0);
	assert_true(moments_cov(&m, 0, 1) == 0);
	assert_true(isnan(moments_corr(&m, 0, 1)));
	assert_true(isnan(moments_corr(&m, 0, 0)));
	assert_close(moments_corr(&m, 1, 1), 1);
	assert_close(moments_cov(&m, 1, 1), 7.0 / 3);
	/* Far from zero: 1e9 + (i mod 2) over 1000 rows (8 blocks), m2 = 1000 / 4 exactly. */
	for (size_t i = 0; i < NELEM(big); i++)
		big[i] = 1e9 + (double)(i % 2);
	assert_int_equal(moments_compute(cbig, 1, NELEM(big), &m, NULL), ADV_OK);
	assert_close(m.mean[0], 1e9 + 0.5);
	assert_close(moments_m2(&m, 0, 0), 250);
	assert_int_equal(moments_compute(bad, 2, 3, &m, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "value");
	assert_int_equal(moments_compute(c3, 0, 3, &m, &eb), ADV_EINVAL);
	for (size_t j = 0; j < NELEM(many); j++)
		many[j] = var;
	assert_int_equal(moments_compute(many, NELEM(many), 3, &m, NULL), ADV_EINVAL);
	assert_int_equal(moments_compute(many, MOMENTS_MAX_COLS, 3, &m, NULL), ADV_OK);
	assert_close(moments_corr(&m, 0, MOMENTS_MAX_COLS - 1), 1);
}

/* The figures every status but EMPTY, TOO_FEW, NO_VARIANCE has, against the references P_*. */
#define ASSERT_KDA(r, P)                                                                           \
	do {                                                                                       \
		assert_int_equal((r).n, P##_N);                                                    \
		assert_int_equal((r).p, P##_P);                                                    \
		assert_int_equal((r).rank, P##_RANK);                                              \
		assert_close((r).r2, P##_R2);                                                      \
		assert_close((r).r2_adj, P##_R2_ADJ);                                              \
		for (size_t j_ = 0; j_ < P##_P; j_++) {                                            \
			const struct drivers_item *it_ = &(r).item[j_];                            \
			assert_close(it_->r, P##_R[j_]);                                           \
			assert_close(it_->r_p, P##_R_P[j_]);                                       \
			assert_close(it_->lmg, P##_LMG[j_]);                                       \
			assert_close(it_->lmg_share, P##_LMG_SHARE[j_]);                           \
		}                                                                                  \
	} while (0)

/* ASSERT_KDA and the regression figures, for an OK result. */
#define ASSERT_KDA_FULL(r, P)                                                                      \
	do {                                                                                       \
		ASSERT_KDA(r, P);                                                                  \
		assert_full(&(r), P##_BETA, P##_BETA_SE, P##_BETA_T, P##_BETA_P, P##_RW,           \
			    P##_RW_SHARE, P##_Z_R2, P##_Z_R2_ADJ, P##_Z_NOBS);                     \
	} while (0)

/* The regression figures of r against statsmodels (z-scores) and the numpy relative weights. */
static void
assert_full(const struct drivers_result *r, const double *beta, const double *se, const double *t,
	    const double *pv, const double *rw, const double *rw_share, double z_r2,
	    double z_r2_adj, size_t z_nobs)
{
	double sum_rw = 0, sum_lmg = 0;

	assert_int_equal(r->status, ANALYTICS_OK);
	assert_int_equal(r->n, z_nobs);
	assert_close(r->r2, z_r2);
	assert_close(r->r2_adj, z_r2_adj);
	for (size_t j = 0; j < r->p; j++) {
		assert_close(r->item[j].beta, beta[j]);
		assert_close(r->item[j].beta_se, se[j]);
		assert_close(r->item[j].beta_t, t[j]);
		assert_close(r->item[j].beta_p, pv[j]);
		assert_close(r->item[j].rw, rw[j]);
		assert_close(r->item[j].rw_share, rw_share[j]);
		sum_rw += r->item[j].rw;
		sum_lmg += r->item[j].lmg;
	}
	assert_close(sum_rw, r->r2);
	assert_close(sum_lmg, r->r2);
}

/* References: scipy.stats.pearsonr, statsmodels OLS, numpy Johnson, brute-force LMG. */
static void
test_kda_main(void **state)
{
	struct drivers_result r;
	struct moments m;

	(void)state;
	assert_int_equal(drivers_analyze(MAIN_Y, main_cols + 1, 6, MAIN_ROWS, &r, NULL), ADV_OK);
	assert_false(r.small);
	ASSERT_KDA_FULL(r, KDA);
	/* The same from moments computed beforehand. */
	assert_int_equal(moments_compute(main_cols, 7, MAIN_ROWS, &m, NULL), ADV_OK);
	assert_int_equal(drivers_from_moments(&m, &r, NULL), ADV_OK);
	ASSERT_KDA_FULL(r, KDA);
}

/* Fifteen drivers (2^15 subsets for LMG): the same references, and well under a second. */
static void
test_kda_wide(void **state)
{
	const double *x[] = {WIDE_X1,  WIDE_X2,	 WIDE_X3,  WIDE_X4,  WIDE_X5,
			     WIDE_X6,  WIDE_X7,	 WIDE_X8,  WIDE_X9,  WIDE_X10,
			     WIDE_X11, WIDE_X12, WIDE_X13, WIDE_X14, WIDE_X15};
	struct drivers_result r;
	struct timespec t0, t1;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(drivers_analyze(WIDE_Y, x, NELEM(x), WIDE_ROWS, &r, NULL), ADV_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_KDA_FULL(r, WIDE);
	/* Generous for sanitizer builds; about 10 ms optimised. */
	assert_true((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9 <
		    1.0);
}

/* s = a + b: SINGULAR; r, R², rank and LMG still given (statsmodels pinv), betas NAN. */
static void
test_kda_collinear(void **state)
{
	const double *x[] = {SING_A, SING_B, SING_S, SING_D};
	struct drivers_result r;

	(void)state;
	assert_int_equal(drivers_analyze(SING_Y, x, NELEM(x), SING_ROWS, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_SINGULAR);
	ASSERT_KDA(r, COL);
	for (size_t j = 0; j < NELEM(x); j++) {
		assert_true(isnan(r.item[j].beta));
		assert_true(isnan(r.item[j].beta_p));
		assert_true(isnan(r.item[j].rw));
		assert_true(isnan(r.item[j].rw_share));
	}
}

/* c does not vary: SINGULAR, its r NAN and its LMG 0. */
static void
test_kda_constant_driver(void **state)
{
	const double *x[] = {SING_A, SING_C, SING_D};
	struct drivers_result r;

	(void)state;
	assert_int_equal(drivers_analyze(SING_Y, x, NELEM(x), SING_ROWS, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_SINGULAR);
	ASSERT_KDA(r, CONST);
	assert_true(isnan(r.item[1].r));
	assert_true(r.item[1].lmg == 0);
	assert_true(isnan(r.item[0].beta));
}

/* By hand: n = 0, n = 1, too few rows, constant outcome, one driver, extreme p, bad input. */
static void
test_kda_edges(void **state)
{
	const double y[] = {NAN, 1, 2, 3, 5}, x1[] = {4, 2, NAN, 1, 7}, x2[] = {1, 1, 3, 2, 0};
	const double flat[] = {2, 2, 2, 2, 2}, ys[] = {3, 1, 4, 1, 5}, xs[] = {2, 7, 1, 8, 2};
	const double line[] = {1, 2, 3, 4, 5}, hill[] = {1, 2, 3, 2, 1};
	static double nx[2000], ny[2000];
	const double *x[] = {x1, x2}, *many[DRIVERS_MAX + 1];
	struct drivers_result r;
	struct adv_errbuf eb;
	struct moments m;
	double rr;

	(void)state;
	/* n = 0 (the only rows with y lack x1 or are cut), then n = 1. */
	assert_int_equal(drivers_analyze(y, x, 2, 1, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(r.n, 0);
	assert_true(r.small);
	assert_true(isnan(r.item[0].r) && isnan(r.r2) && isnan(r.item[1].lmg));
	assert_int_equal(drivers_analyze(y, x, 2, 2, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_TOO_FEW);
	assert_int_equal(r.n, 1);
	assert_true(isnan(r.item[0].r));
	/* n = 3 < p + 2: r and its p-value given, the regression not. */
	assert_int_equal(drivers_analyze(y, x, 2, 5, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_TOO_FEW);
	assert_int_equal(r.n, 3);
	assert_false(isnan(r.item[0].r));
	assert_false(isnan(r.item[0].r_p));
	assert_true(isnan(r.item[0].beta) && isnan(r.r2) && isnan(r.item[0].lmg));
	/* The outcome does not vary. */
	assert_int_equal(drivers_analyze(flat, x + 1, 1, 5, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_true(isnan(r.item[0].r) && isnan(r.r2));
	/* One driver: beta = r, relative weight = LMG = R² = r² (by hand). */
	assert_int_equal(drivers_analyze(ys, (const double *const[]){xs}, 1, 5, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_OK);
	rr = r.item[0].r;
	assert_close(r.item[0].beta, rr);
	assert_close(r.r2, rr * rr);
	assert_close(r.item[0].rw, rr * rr);
	assert_close(r.item[0].lmg, rr * rr);
	assert_close(r.item[0].lmg_share, 1);
	assert_close(r.item[0].beta_p, r.item[0].r_p);
	/* r = 0: p = 1; an almost perfect fit: p underflows to 0 (GSL's handler not reached). */
	assert_int_equal(drivers_analyze(hill, (const double *const[]){line}, 1, 5, &r, NULL),
			 ADV_OK);
	assert_close(r.item[0].r, 0);
	assert_close(r.item[0].r_p, 1);
	for (size_t i = 0; i < NELEM(ny); i++) {
		nx[i] = (double)i;
		ny[i] = (double)i + 0.001 * (double)(i % 3);
	}
	assert_int_equal(drivers_analyze(ny, (const double *const[]){nx}, 1, NELEM(ny), &r, NULL),
			 ADV_OK);
	assert_true(r.item[0].r_p == 0);
	assert_true(r.item[0].beta_p == 0);
	/* Bad input. */
	assert_int_equal(drivers_analyze(y, x, 0, 5, &r, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "drivers");
	for (size_t j = 0; j < NELEM(many); j++)
		many[j] = x2;
	assert_int_equal(drivers_analyze(y, many, NELEM(many), 5, &r, NULL), ADV_EINVAL);
	assert_int_equal(moments_compute((const double *const[]){y}, 1, 5, &m, NULL), ADV_OK);
	assert_int_equal(drivers_from_moments(&m, &r, NULL), ADV_EINVAL);
}

/* Reference: the quadrant rule restated with numpy on the relative weight shares and means. */
static void
test_ipa(void **state)
{
	enum drivers_quadrant q[6];
	struct drivers_ipa_mid used, given = {0.5, 0};
	const double imp[] = {0.1, 0.3, 0.3, 0.1}, perf[] = {4, 4, 3, 3}, bad[] = {0.1, NAN};
	struct adv_errbuf eb;

	(void)state;
	assert_int_equal(drivers_ipa(KDA_RW_SHARE, KDA_PERF, 6, NULL, &used, q, NULL), ADV_OK);
	assert_close(used.importance, KDA_IMP_MID);
	assert_close(used.performance, KDA_PERF_MID);
	for (size_t j = 0; j < 6; j++)
		assert_int_equal(q[j], KDA_QUADRANT[j]);
	/* By hand: midpoints 0.2 and 3.5 from the means. */
	assert_int_equal(drivers_ipa(imp, perf, 4, NULL, NULL, q, NULL), ADV_OK);
	assert_int_equal(q[0], DRIVERS_POSSIBLE_OVERKILL);
	assert_int_equal(q[1], DRIVERS_KEEP_UP);
	assert_int_equal(q[2], DRIVERS_FIX_FIRST);
	assert_int_equal(q[3], DRIVERS_LOW_PRIORITY);
	/* Given midpoints; a value on a midpoint counts as high. */
	given.performance = 3;
	assert_int_equal(drivers_ipa(imp, perf, 4, &given, &used, q, NULL), ADV_OK);
	assert_close(used.importance, 0.5);
	assert_int_equal(q[2], DRIVERS_POSSIBLE_OVERKILL);
	assert_int_equal(q[3], DRIVERS_POSSIBLE_OVERKILL);
	assert_string_equal(drivers_quadrant_name(DRIVERS_FIX_FIRST), "fix_first");
	assert_string_equal(drivers_quadrant_name(DRIVERS_KEEP_UP), "keep_up");
	assert_string_equal(drivers_quadrant_name(DRIVERS_POSSIBLE_OVERKILL), "possible_overkill");
	assert_string_equal(drivers_quadrant_name(DRIVERS_LOW_PRIORITY), "low_priority");
	assert_string_equal(drivers_quadrant_name(DRIVERS_QUADRANT__MAX), "unknown");
	assert_int_equal(drivers_ipa(bad, perf, 2, NULL, NULL, q, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "components");
	assert_int_equal(drivers_ipa(imp, perf, 0, NULL, NULL, q, NULL), ADV_EINVAL);
	given.importance = NAN;
	assert_int_equal(drivers_ipa(imp, perf, 4, &given, NULL, q, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "midpoint");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_moments),	  cmocka_unit_test(test_moments_edges),
	    cmocka_unit_test(test_kda_main),	  cmocka_unit_test(test_kda_wide),
	    cmocka_unit_test(test_kda_collinear), cmocka_unit_test(test_kda_constant_driver),
	    cmocka_unit_test(test_kda_edges),	  cmocka_unit_test(test_ipa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
