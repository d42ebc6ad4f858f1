/*
 * compare.h — tests of differences (DOMAIN.md, "Competitor gaps"; issue 6,
 * the negative base and the trend across waves): the paired t-test of our
 * and a competitor's ratings by the same respondents, Welch's two-sample
 * t-test (churned against retained clients), the pooled two-proportion z-test
 * (how often a factor is named in two groups), and the change of a mean from
 * each wave to the next.
 *
 * Pure functions over the caller's columns (NAN = missing; every other
 * answer must be finite, which the callers' scale checks ensure), one pass
 * each, no allocation. Every interval is 95 % (ANALYTICS_LEVEL), every p-value
 * two-sided, every test significant at p < ANALYTICS_ALPHA; t quantiles and
 * tails come from GSL.
 */
#ifndef ADV_ANALYTICS_COMPARE_H
#define ADV_ANALYTICS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "analytics/analytics.h"
#include "analytics/describe.h"
#include "util/err.h"

/*
 * The paired comparison of a and b (d = a − b per respondent). status: OK;
 * EMPTY (no pair: every figure NAN); TOO_FEW (one pair: the means and
 * mean_diff given, the rest NAN); NO_VARIANCE (every d equal: sd = 0, the
 * interval collapses to [mean_diff, mean_diff], t and p NAN).
 */
struct compare_paired_result {
	enum analytics_status status;
	size_t n;	     /* pairs with both answers */
	bool small;	     /* n < ANALYTICS_SMALL_N */
	double mean_a;	     /* mean of a over the pairs */
	double mean_b;	     /* mean of b over the pairs */
	double mean_diff;    /* mean of d = mean_a − mean_b */
	double sd;	     /* sample sd of d (n − 1) */
	double se;	     /* sd / sqrt(n) */
	double ci_lo, ci_hi; /* mean_diff ∓ t(0.975, n − 1) · se */
	double df;	     /* n − 1 */
	double t;	     /* mean_diff / se */
	double p;	     /* 2 P(T_{n−1} > |t|) */
	bool significant;    /* p < ANALYTICS_ALPHA */
};

/*
 * Welch's comparison of the means of two independent groups a and b. status:
 * OK; EMPTY (a group has no answer: every figure NAN except the counts and the
 * mean of the other group); TOO_FEW (a group has one answer: means and diff
 * given, the rest NAN); NO_VARIANCE (both groups constant: se = 0, so df, t,
 * p and the interval are NAN).
 */
struct compare_welch_result {
	enum analytics_status status;
	size_t n_a, n_b; /* answers in each group */
	bool small;	 /* either group below ANALYTICS_SMALL_N */
	double mean_a, mean_b;
	double var_a, var_b; /* sample variances (n − 1) */
	double diff;	     /* mean_a − mean_b */
	double se;	     /* sqrt(var_a / n_a + var_b / n_b) */
	/* Welch–Satterthwaite: se⁴ / ((var_a/n_a)²/(n_a − 1) + (var_b/n_b)²/(n_b − 1)) */
	double df;
	double t;	     /* diff / se */
	double p;	     /* 2 P(T_df > |t|) */
	double ci_lo, ci_hi; /* diff ∓ t(0.975, df) · se */
	bool significant;    /* p < ANALYTICS_ALPHA */
};

/*
 * The pooled two-proportion z-test of x_a of n_a against x_b of n_b. status:
 * OK; EMPTY (n_a or n_b is 0: every figure NAN); NO_VARIANCE (the pooled share
 * is 0 or 1: shares and diff given, se 0, z and p NAN).
 */
struct compare_prop_result {
	enum analytics_status status;
	size_t x_a, n_a, x_b, n_b;
	bool small;	  /* n_a or n_b below ANALYTICS_SMALL_N */
	double p_a, p_b;  /* x_a / n_a, x_b / n_b */
	double diff;	  /* p_a − p_b */
	double p_pooled;  /* (x_a + x_b) / (n_a + n_b) */
	double se;	  /* sqrt(p_pooled (1 − p_pooled) (1/n_a + 1/n_b)) */
	double z;	  /* diff / se */
	double p;	  /* 2 (1 − Φ(|z|)) */
	bool significant; /* p < ANALYTICS_ALPHA */
};

/*
 * The paired comparison of a[0..n) and b[0..n), answers of the same
 * respondents in the same rows (ours and a competitor's rating); a row where
 * either is NAN is dropped. Fills *out (see struct compare_paired_result); the
 * same test as scipy.stats.ttest_rel(a, b). Never fails.
 */
void compare_paired(const double *a, const double *b, size_t n, struct compare_paired_result *out);

/*
 * Welch's t-test of a[0..n_a) against b[0..n_b) (NAN skipped in each) into
 * *out (see struct compare_welch_result); the same test as
 * scipy.stats.ttest_ind(a, b, equal_var=False). Never fails.
 */
void compare_welch(const double *a, size_t n_a, const double *b, size_t n_b,
		   struct compare_welch_result *out);

/*
 * Welch's t-test from the summaries of two groups: n, mean and sample
 * variance of each (var ignored when n < 2), into *out as compare_welch.
 */
void compare_welch_stats(size_t n_a, double mean_a, double var_a, size_t n_b, double mean_b,
			 double var_b, struct compare_welch_result *out);

/*
 * The pooled two-proportion z-test of x_a successes of n_a against x_b of n_b
 * into *out (see struct compare_prop_result); the same test as
 * statsmodels.stats.proportion.proportions_ztest([x_a, x_b], [n_a, n_b]).
 * Errors: ADV_EINVAL when x_a > n_a or x_b > n_b.
 */
enum adv_err compare_prop(size_t x_a, size_t n_a, size_t x_b, size_t n_b,
			  struct compare_prop_result *out, struct adv_errbuf *eb);

/*
 * The trend of a mean across k waves: wave[w][0..len[w]) the answers of wave
 * w (NAN = missing) on the scale [lo, hi], oldest first. Writes each wave's
 * figures to stats[0..k) (describe_scale) and, for each w in 1..k−1, Welch's
 * test of the change from wave w − 1 to wave w to change[w − 1]
 * (diff = mean of wave w − mean of wave w − 1). change holds k − 1 results
 * and may be NULL when k < 2.
 * Errors: as describe_scale (eb names the row; stats and change are then
 * undefined).
 */
enum adv_err compare_trend(const double *const *wave, const size_t *len, size_t k, double lo,
			   double hi, struct describe_result *stats,
			   struct compare_welch_result *change, struct adv_errbuf *eb);

#endif
