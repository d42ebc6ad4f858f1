/*
 * describe.c — mean, sd, t interval and top-2-box of a rating, and Cronbach's
 * alpha (see describe.h): one pass of shifted sums, figures derived from them;
 * the t quantile comes from GSL.
 */
#include "analytics/describe.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

/* The sample variance from n shifted values with sums s1 = Σ d, s2 = Σ d² (n ≥ 2); never < 0. */
static double
shifted_var(size_t n, double s1, double s2)
{
	return fmax(0, (s2 - s1 * s1 / (double)n) / (double)(n - 1));
}

enum adv_err
describe_scale(const double *x, size_t n, double lo, double hi, struct describe_result *out,
	       struct adv_errbuf *eb)
{
	double shift = 0, s1 = 0, s2 = 0, thr = hi - DESCRIBE_TOP2_BELOW, var, half;
	size_t cnt = 0, top2 = 0, i = 0;
	enum adv_err rc = ADV_OK;

	if (!(lo < hi) || !isfinite(lo) || !isfinite(hi)) {
		rc = adv_fail(eb, ADV_EINVAL, "scale", "the scale needs finite lo < hi");
		goto out;
	}
	while (i < n && isnan(x[i]))
		i++;
	if (i < n)
		shift = x[i];
	for (; i < n; i++) {
		double v = x[i], d;

		if (!(v >= lo && v <= hi)) {
			if (isnan(v))
				continue;
			rc = adv_fail(eb, ADV_EINVAL, "score",
				      "answer %g at row %zu is outside the scale %g..%g", v, i, lo,
				      hi);
			goto out;
		}
		d = v - shift;
		s1 += d;
		s2 += d * d;
		cnt++;
		top2 += v >= thr;
	}
	out->n = cnt;
	out->small = cnt < ANALYTICS_SMALL_N;
	out->top2 = top2;
	out->mean = out->top2_share = out->sd = out->se = out->ci_lo = out->ci_hi = NAN;
	if (cnt == 0) {
		out->status = ANALYTICS_EMPTY;
		goto out;
	}
	out->mean = shift + s1 / (double)cnt;
	out->top2_share = (double)top2 / (double)cnt;
	if (cnt == 1) {
		out->status = ANALYTICS_TOO_FEW;
		goto out;
	}
	var = shifted_var(cnt, s1, s2);
	out->status = var > 0 ? ANALYTICS_OK : ANALYTICS_NO_VARIANCE;
	out->sd = sqrt(var);
	out->se = out->sd / sqrt((double)cnt);
	half = gsl_cdf_tdist_Pinv(ANALYTICS_Q, (double)(cnt - 1)) * out->se;
	out->ci_lo = out->mean - half;
	out->ci_hi = out->mean + half;
out:
	return rc;
}

/* True when row r has an answer to every one of the k items. */
static bool
row_complete(const double *const *item, size_t k, size_t r)
{
	for (size_t j = 0; j < k; j++)
		if (isnan(item[j][r]))
			return false;
	return true;
}

enum adv_err
describe_alpha(const double *const *item, size_t k, size_t n, struct describe_alpha_result *out,
	       struct adv_errbuf *eb)
{
	double shift[DESCRIBE_ALPHA_MAX_ITEMS], s1[DESCRIBE_ALPHA_MAX_ITEMS] = {0},
						s2[DESCRIBE_ALPHA_MAX_ITEMS] = {0}, t1 = 0, t2 = 0,
						sum_var = 0, var_total;
	size_t cnt = 0, r = 0;
	enum adv_err rc = ADV_OK;

	if (k < 2 || k > DESCRIBE_ALPHA_MAX_ITEMS) {
		rc = adv_fail(eb, ADV_EINVAL, "items", "Cronbach's alpha takes 2..%d questions",
			      DESCRIBE_ALPHA_MAX_ITEMS);
		goto out;
	}
	while (r < n && !row_complete(item, k, r))
		r++;
	for (size_t j = 0; j < k; j++)
		shift[j] = r < n ? item[j][r] : 0;
	for (; r < n; r++) {
		double t = 0;

		if (!row_complete(item, k, r))
			continue;
		for (size_t j = 0; j < k; j++) {
			double d = item[j][r] - shift[j];

			s1[j] += d;
			s2[j] += d * d;
			t += d;
		}
		t1 += t;
		t2 += t * t;
		cnt++;
	}
	out->n = cnt;
	out->k = k;
	out->small = cnt < ANALYTICS_SMALL_N;
	out->alpha = NAN;
	if (cnt < 2) {
		out->status = cnt == 0 ? ANALYTICS_EMPTY : ANALYTICS_TOO_FEW;
		goto out;
	}
	var_total = shifted_var(cnt, t1, t2);
	if (!(var_total > 0)) {
		out->status = ANALYTICS_NO_VARIANCE;
		goto out;
	}
	for (size_t j = 0; j < k; j++)
		sum_var += shifted_var(cnt, s1[j], s2[j]);
	out->status = ANALYTICS_OK;
	out->alpha = (double)k / (double)(k - 1) * (1 - sum_var / var_total);
out:
	return rc;
}
