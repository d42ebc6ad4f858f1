/*
 * describe.h — the figures of a rating on a scale (DOMAIN.md, "Component
 * scores" and "Scale reliability"): n, mean, sample standard deviation, the
 * 95 % t interval of the mean, the top-2-box share; and Cronbach's alpha of
 * several questions that measure one component.
 *
 * Pure functions over the caller's columns (NAN = missing), one pass each,
 * no allocation. Sums are taken of deviations from the first answer (a shift
 * that keeps one-pass variances exact for integer answers and makes constant
 * answers give exactly 0).
 */
#ifndef ADV_ANALYTICS_DESCRIBE_H
#define ADV_ANALYTICS_DESCRIBE_H

#include <stdbool.h>
#include <stddef.h>

#include "analytics/analytics.h"
#include "util/err.h"

#define DESCRIBE_TOP2_BELOW	 1.0 /* top-2-box: answers ≥ hi − this */
#define DESCRIBE_ALPHA_MAX_ITEMS 64  /* the most questions Cronbach's alpha takes */

/*
 * The figures of one rating. status: OK; EMPTY (n = 0: every figure NAN);
 * TOO_FEW (n = 1: mean and top-2-box given, sd, se and interval NAN);
 * NO_VARIANCE (n ≥ 2, all answers equal: sd = se = 0 and the interval
 * collapses to [mean, mean]).
 */
struct describe_result {
	enum analytics_status status;
	size_t n;	     /* answers counted (missing ones skipped) */
	bool small;	     /* n < ANALYTICS_SMALL_N */
	double mean;	     /* Σ x / n */
	double sd;	     /* sqrt(Σ (x − mean)² / (n − 1)) */
	double se;	     /* sd / sqrt(n) */
	double ci_lo, ci_hi; /* mean ∓ t(0.975, n − 1) · se, t from GSL */
	size_t top2;	     /* answers ≥ hi − 1 */
	double top2_share;   /* top2 / n */
};

/* Cronbach's alpha of k questions. */
struct describe_alpha_result {
	/* OK; EMPTY (no complete row); TOO_FEW (one complete row); NO_VARIANCE
	 * (the total of the items does not vary): alpha NAN unless OK. */
	enum analytics_status status;
	size_t n;     /* complete rows used (listwise deletion) */
	size_t k;     /* questions */
	bool small;   /* n < ANALYTICS_SMALL_N */
	double alpha; /* k / (k − 1) · (1 − Σ var_i / var_total) */
};

/*
 * The figures of the answers x[0..n) (NAN = missing) on the scale [lo, hi]
 * (lo < hi, both finite) into *out (see struct describe_result).
 * Top-2-box counts answers ≥ hi − 1: on an integer scale the two highest
 * points (4 and 5 on 1–5, 9 and 10 on 0–10); a fractional answer (a mean of
 * sub-questions) counts when it reaches that threshold.
 * Errors: ADV_EINVAL for lo ≥ hi or an answer outside [lo, hi] (eb names the
 * row); *out is then undefined.
 */
enum adv_err describe_scale(const double *x, size_t n, double lo, double hi,
			    struct describe_result *out, struct adv_errbuf *eb);

/*
 * Cronbach's alpha of the k questions item[0..k), each a column of n answers
 * (NAN = missing), into *out: a row is used only when all k answers are
 * present (listwise deletion); var_i is the sample variance of question i and
 * var_total that of the row totals over the used rows, and
 *   alpha = k / (k − 1) · (1 − Σ var_i / var_total)
 * (see struct describe_alpha_result for the statuses).
 * Errors: ADV_EINVAL when k < 2 or k > DESCRIBE_ALPHA_MAX_ITEMS.
 */
enum adv_err describe_alpha(const double *const *item, size_t k, size_t n,
			    struct describe_alpha_result *out, struct adv_errbuf *eb);

#endif
