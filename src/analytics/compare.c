/*
 * compare.c — the paired t-test, Welch's t-test, the pooled two-proportion
 * z-test and the wave-to-wave trend of a mean (see compare.h). Each test is
 * one pass of shifted sums; t and normal quantiles and tails come from GSL.
 */
#include "analytics/compare.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

/* Shifted sums of one variable: count, shift (its first value), Σ (x − shift), Σ (x − shift)². */
struct moments {
	size_t n;
	double shift, s1, s2;
};

/* The mean of m (n ≥ 1). */
static double
moments_mean(const struct moments *m)
{
	return m->shift + m->s1 / (double)m->n;
}

/* The sample variance of m (n ≥ 2); never < 0. */
static double
moments_var(const struct moments *m)
{
	return fmax(0, (m->s2 - m->s1 * m->s1 / (double)m->n) / (double)(m->n - 1));
}

/* The moments of x[0..n), NAN skipped. */
static struct moments
moments_of(const double *x, size_t n)
{
	struct moments m = {0, 0, 0, 0};
	size_t i = 0;

	while (i < n && isnan(x[i]))
		i++;
	if (i < n)
		m.shift = x[i];
	for (; i < n; i++) {
		double d = x[i] - m.shift;

		if (isnan(d))
			continue;
		m.s1 += d;
		m.s2 += d * d;
		m.n++;
	}
	return m;
}

/* The two-sided p-value of t with df degrees of freedom. */
static double
t_p2(double t, double df)
{
	return 2 * gsl_cdf_tdist_Q(fabs(t), df);
}

void
compare_paired(const double *a, const double *b, size_t n, struct compare_paired_result *out)
{
	struct moments m = {0, 0, 0, 0};
	double sa = 0, sb = 0, shift_a = 0, shift_b = 0, half;
	size_t i = 0;

	while (i < n && (isnan(a[i]) || isnan(b[i])))
		i++;
	if (i < n) {
		shift_a = a[i];
		shift_b = b[i];
		m.shift = a[i] - b[i];
	}
	for (; i < n; i++) {
		double d = a[i] - b[i] - m.shift;

		if (isnan(d))
			continue;
		sa += a[i] - shift_a;
		sb += b[i] - shift_b;
		m.s1 += d;
		m.s2 += d * d;
		m.n++;
	}
	out->n = m.n;
	out->small = m.n < ANALYTICS_SMALL_N;
	out->mean_a = out->mean_b = out->mean_diff = out->sd = out->se = NAN;
	out->ci_lo = out->ci_hi = out->df = out->t = out->p = NAN;
	out->significant = false;
	if (m.n == 0) {
		out->status = ANALYTICS_EMPTY;
		return;
	}
	out->mean_a = shift_a + sa / (double)m.n;
	out->mean_b = shift_b + sb / (double)m.n;
	out->mean_diff = moments_mean(&m);
	if (m.n == 1) {
		out->status = ANALYTICS_TOO_FEW;
		return;
	}
	out->df = (double)(m.n - 1);
	out->sd = sqrt(moments_var(&m));
	out->se = out->sd / sqrt((double)m.n);
	half = gsl_cdf_tdist_Pinv(ANALYTICS_Q, out->df) * out->se;
	out->ci_lo = out->mean_diff - half;
	out->ci_hi = out->mean_diff + half;
	if (!(out->se > 0)) {
		out->status = ANALYTICS_NO_VARIANCE;
		return;
	}
	out->status = ANALYTICS_OK;
	out->t = out->mean_diff / out->se;
	out->p = t_p2(out->t, out->df);
	out->significant = out->p < ANALYTICS_ALPHA;
}

void
compare_welch_stats(size_t n_a, double mean_a, double var_a, size_t n_b, double mean_b,
		    double var_b, struct compare_welch_result *out)
{
	double ua, ub, half;

	out->n_a = n_a;
	out->n_b = n_b;
	out->small = n_a < ANALYTICS_SMALL_N || n_b < ANALYTICS_SMALL_N;
	out->mean_a = n_a > 0 ? mean_a : NAN;
	out->mean_b = n_b > 0 ? mean_b : NAN;
	out->var_a = n_a > 1 ? var_a : NAN;
	out->var_b = n_b > 1 ? var_b : NAN;
	out->diff = out->se = out->df = out->t = out->p = out->ci_lo = out->ci_hi = NAN;
	out->significant = false;
	if (n_a == 0 || n_b == 0) {
		out->status = ANALYTICS_EMPTY;
		return;
	}
	out->diff = mean_a - mean_b;
	if (n_a == 1 || n_b == 1) {
		out->status = ANALYTICS_TOO_FEW;
		return;
	}
	ua = var_a / (double)n_a;
	ub = var_b / (double)n_b;
	out->se = sqrt(ua + ub);
	if (!(out->se > 0)) {
		out->status = ANALYTICS_NO_VARIANCE;
		return;
	}
	out->status = ANALYTICS_OK;
	out->df =
	    (ua + ub) * (ua + ub) / (ua * ua / (double)(n_a - 1) + ub * ub / (double)(n_b - 1));
	out->t = out->diff / out->se;
	out->p = t_p2(out->t, out->df);
	out->significant = out->p < ANALYTICS_ALPHA;
	half = gsl_cdf_tdist_Pinv(ANALYTICS_Q, out->df) * out->se;
	out->ci_lo = out->diff - half;
	out->ci_hi = out->diff + half;
}

void
compare_welch(const double *a, size_t n_a, const double *b, size_t n_b,
	      struct compare_welch_result *out)
{
	struct moments ma = moments_of(a, n_a), mb = moments_of(b, n_b);

	compare_welch_stats(
	    ma.n, ma.n > 0 ? moments_mean(&ma) : NAN, ma.n > 1 ? moments_var(&ma) : NAN, mb.n,
	    mb.n > 0 ? moments_mean(&mb) : NAN, mb.n > 1 ? moments_var(&mb) : NAN, out);
}

enum adv_err
compare_prop(size_t x_a, size_t n_a, size_t x_b, size_t n_b, struct compare_prop_result *out,
	     struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;
	double pp;

	if (x_a > n_a || x_b > n_b) {
		rc = adv_fail(eb, ADV_EINVAL, "count", "a count exceeds its number of answers");
		goto out;
	}
	out->x_a = x_a;
	out->n_a = n_a;
	out->x_b = x_b;
	out->n_b = n_b;
	out->small = n_a < ANALYTICS_SMALL_N || n_b < ANALYTICS_SMALL_N;
	out->p_a = out->p_b = out->diff = out->p_pooled = out->se = out->z = out->p = NAN;
	out->significant = false;
	if (n_a == 0 || n_b == 0) {
		out->status = ANALYTICS_EMPTY;
		goto out;
	}
	out->p_a = (double)x_a / (double)n_a;
	out->p_b = (double)x_b / (double)n_b;
	out->diff = out->p_a - out->p_b;
	out->p_pooled = pp = (double)(x_a + x_b) / (double)(n_a + n_b);
	out->se = sqrt(pp * (1 - pp) * (1 / (double)n_a + 1 / (double)n_b));
	if (!(out->se > 0)) {
		out->status = ANALYTICS_NO_VARIANCE;
		goto out;
	}
	out->status = ANALYTICS_OK;
	out->z = out->diff / out->se;
	out->p = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
	out->significant = out->p < ANALYTICS_ALPHA;
out:
	return rc;
}

enum adv_err
compare_trend(const double *const *wave, const size_t *len, size_t k, double lo, double hi,
	      struct describe_result *stats, struct compare_welch_result *change,
	      struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;

	for (size_t w = 0; w < k; w++) {
		rc = describe_scale(wave[w], len[w], lo, hi, &stats[w], eb);
		if (rc != ADV_OK)
			goto out;
	}
	for (size_t w = 1; w < k; w++) {
		const struct describe_result *e = &stats[w - 1], *l = &stats[w];

		compare_welch_stats(l->n, l->mean, l->sd * l->sd, e->n, e->mean, e->sd * e->sd,
				    &change[w - 1]);
	}
out:
	return rc;
}
