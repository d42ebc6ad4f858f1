/*
 * drivers.c — key driver analysis from the correlation matrix of the outcome
 * and the drivers (see drivers.h): correlations and their tests, standardised
 * OLS and Johnson's relative weights through one eigen-decomposition (GSL),
 * the exact LMG decomposition by a depth-first sweep over all subsets; and
 * the importance–performance quadrants.
 */
#include "analytics/drivers.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_vector.h>
#include <math.h>

#define DIM	   (DRIVERS_MAX + 1)	/* outcome + drivers */
#define C(a, i, j) ((a)[(i)*DIM + (j)]) /* entry of a DIM × DIM matrix */

/* Below e^LN_TINY (about 1e-304) a tail probability is taken as 0. */
#define LN_TINY (-700.0)

/*
 * The regularised incomplete beta function I_x(a, b) (GSL), with omx = 1 − x
 * computed by the caller without cancellation. Where the prefactor
 * x^a (1 − x)^b / B(a, b) is below e^LN_TINY, x lies far in a tail and the
 * result is 0 or 1 to double precision: it is returned without calling GSL,
 * whose default error handler would abort on the underflow.
 */
static double
beta_inc(double a, double b, double x, double omx)
{
	gsl_sf_result r;

	if (!(x > 0))
		return 0;
	if (!(omx > 0))
		return 1;
	if (a * log(x) + b * log(omx) - gsl_sf_lnbeta(a, b) < LN_TINY)
		return x < a / (a + b) ? 0 : 1;
	gsl_sf_beta_inc_e(a, b, x, &r);
	return r.val;
}

/*
 * The two-sided p-value of a t statistic with df degrees of freedom:
 *   p = I_{df / (df + t²)}(df / 2, 1 / 2) = 1 − I_{t² / (df + t²)}(1 / 2, df / 2),
 * the second form where t² < df (so that the argument keeps its precision).
 */
static double
t_two_sided_p(double t, double df)
{
	double t2 = t * t;

	if (isnan(t))
		return NAN;
	if (isinf(t2))
		return 0;
	if (t2 < df)
		return 1 - beta_inc(0.5, df / 2, t2 / (df + t2), df / (df + t2));
	return beta_inc(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

/* The two-sided p-value of a Pearson r over n ≥ 3 pairs (t with n − 2 df). */
static double
r_p_value(double r, size_t n)
{
	double one_minus = (1 - r) * (1 + r), df = (double)(n - 2);

	if (isnan(r))
		return NAN;
	if (!(one_minus > 0))
		return 0;
	return t_two_sided_p(r * sqrt(df / one_minus), df);
}

/* State of the walk over all subsets for LMG. */
struct lmg_walk {
	size_t p;
	double w[DRIVERS_MAX];	 /* w[s] = s! (p − s − 1)! / p! */
	double lmg[DRIVERS_MAX]; /* accumulated Shapley values */
	double r2_full;		 /* R² of all drivers */
	size_t rank;		 /* drivers that entered the full model */
};

/*
 * What driver j (matrix index j + 1) adds to R² given the subset whose
 * residual matrix is a: a_yj² / a_jj, or 0 when its residual variance is
 * ≤ DRIVERS_COLLINEAR_TOL (it lies in the span of the subset).
 */
static double
lmg_gain(const double *a, size_t j)
{
	double ajj = C(a, j + 1, j + 1);

	return ajj > DRIVERS_COLLINEAR_TOL ? C(a, 0, j + 1) * C(a, 0, j + 1) / ajj : 0;
}

/*
 * Visits the subset `mask` of `size` drivers with R² r2, of which `entered`
 * are independent; a is the residual covariance matrix (DIM × DIM, index 0
 * the outcome) of the outcome and the drivers given the subset. Adds the
 * subset's weighted gains to every driver outside it, then visits each
 * superset that adds one driver k ≥ next (so each subset once).
 */
static void
lmg_visit(struct lmg_walk *wk, const double *a, unsigned mask, size_t size, size_t next, double r2,
	  size_t entered)
{
	double b[DIM * DIM];
	size_t d = wk->p + 1;

	for (size_t j = 0; j < wk->p; j++)
		if (!(mask & (1u << j)))
			wk->lmg[j] += wk->w[size] * lmg_gain(a, j);
	if (size == wk->p) {
		wk->r2_full = r2;
		wk->rank = entered;
	}
	for (size_t k = next; k < wk->p; k++) {
		double akk = C(a, k + 1, k + 1);

		if (!(akk > DRIVERS_COLLINEAR_TOL)) {
			lmg_visit(wk, a, mask | (1u << k), size + 1, k + 1, r2, entered);
			continue;
		}
		for (size_t i = 0; i < d; i++) {
			double f = C(a, i, k + 1) / akk;

			for (size_t j = 0; j < d; j++)
				C(b, i, j) = C(a, i, j) - f * C(a, k + 1, j);
		}
		lmg_visit(wk, b, mask | (1u << k), size + 1, k + 1, r2 + lmg_gain(a, k),
			  entered + 1);
	}
}

/* Sets every figure of out to NAN (shares included). */
static void
result_clear(struct drivers_result *out)
{
	out->r2 = out->r2_adj = NAN;
	out->rank = 0;
	for (size_t j = 0; j < DRIVERS_MAX; j++) {
		struct drivers_item *it = &out->item[j];

		it->r = it->r_p = it->beta = it->beta_se = it->beta_t = it->beta_p = NAN;
		it->rw = it->rw_share = it->lmg = it->lmg_share = NAN;
	}
}

/* R² share of x: x / r2, NAN when r2 is 0. */
static double
share(double x, double r2)
{
	return r2 > 0 ? x / r2 : NAN;
}

/*
 * Betas with their tests and Johnson's relative weights of the p drivers
 * from the eigen-decomposition (eval[k], evec column k, all eval > 0) of
 * their correlation matrix and their correlations rxy with the outcome.
 */
static void
fill_regression(struct drivers_result *out, const double *eval, const double *evec,
		const double *rxy)
{
	size_t p = out->p;
	double vtr[DRIVERS_MAX], bstar[DRIVERS_MAX], df = (double)(out->n - p - 1);
	double s2 = fmax(0, 1 - out->r2) / df;

	for (size_t k = 0; k < p; k++) {
		vtr[k] = 0;
		for (size_t i = 0; i < p; i++)
			vtr[k] += evec[i * p + k] * rxy[i];
	}
	for (size_t j = 0; j < p; j++) {
		struct drivers_item *it = &out->item[j];
		double beta = 0, inv_jj = 0, bs = 0;

		for (size_t k = 0; k < p; k++) {
			double v = evec[j * p + k];

			beta += v * vtr[k] / eval[k];
			inv_jj += v * v / eval[k];
			bs += v * vtr[k] / sqrt(eval[k]);
		}
		it->beta = beta;
		it->beta_se = sqrt(s2 * inv_jj);
		it->beta_t = beta / it->beta_se;
		it->beta_p = t_two_sided_p(it->beta_t, df);
		bstar[j] = bs;
	}
	for (size_t j = 0; j < p; j++) {
		struct drivers_item *it = &out->item[j];
		double rw = 0;

		for (size_t k = 0; k < p; k++) {
			double lam = 0;

			for (size_t m = 0; m < p; m++)
				lam += evec[j * p + m] * sqrt(eval[m]) * evec[k * p + m];
			rw += lam * lam * bstar[k] * bstar[k];
		}
		it->rw = rw;
		it->rw_share = share(rw, out->r2);
	}
}

/*
 * The eigenvalues (ascending order not guaranteed) and eigenvectors (p × p,
 * column k for eval[k]) of the drivers' correlation matrix, index 1..p of c.
 * Errors: ADV_ENOMEM.
 */
static enum adv_err
drivers_eigen(const double *c, size_t p, double *eval, double *evec, struct adv_errbuf *eb)
{
	double a[DRIVERS_MAX * DRIVERS_MAX];
	gsl_matrix_view av = gsl_matrix_view_array(a, p, p), ev = gsl_matrix_view_array(evec, p, p);
	gsl_vector_view lv = gsl_vector_view_array(eval, p);
	gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(p);
	enum adv_err rc = ADV_OK;

	if (!ws) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "no memory for the eigen-decomposition");
		goto out;
	}
	for (size_t i = 0; i < p; i++)
		for (size_t j = 0; j < p; j++)
			a[i * p + j] = C(c, i + 1, j + 1);
	gsl_eigen_symmv(&av.matrix, &lv.vector, &ev.matrix, ws);
	gsl_eigen_symmv_free(ws);
out:
	return rc;
}

enum adv_err
drivers_from_moments(const struct moments *m, struct drivers_result *out, struct adv_errbuf *eb)
{
	double c[DIM * DIM], eval[DRIVERS_MAX], evec[DRIVERS_MAX * DRIVERS_MAX], rxy[DRIVERS_MAX];
	double lam_min = INFINITY;
	struct lmg_walk wk = {0};
	size_t p = m->p - 1, n = m->n;
	enum adv_err rc = ADV_OK;

	if (m->p < 2 || p > DRIVERS_MAX) {
		rc = adv_fail(eb, ADV_EINVAL, "drivers", "driver analysis takes 1..%d drivers",
			      DRIVERS_MAX);
		goto out;
	}
	out->n = n;
	out->small = n < ANALYTICS_SMALL_N;
	out->p = p;
	result_clear(out);
	if (n == 0) {
		out->status = ANALYTICS_EMPTY;
		goto out;
	}
	for (size_t j = 0; j < p; j++) {
		out->item[j].r = moments_corr(m, 0, j + 1);
		if (n >= 3)
			out->item[j].r_p = r_p_value(out->item[j].r, n);
	}
	if (n < p + 2) {
		out->status = ANALYTICS_TOO_FEW;
		goto out;
	}
	if (!(moments_m2(m, 0, 0) > 0)) {
		out->status = ANALYTICS_NO_VARIANCE;
		goto out;
	}
	/* The correlation matrix, a driver that does not vary as a zero row and column. */
	for (size_t i = 0; i <= p; i++)
		for (size_t j = 0; j <= p; j++) {
			double v = moments_corr(m, i, j);

			C(c, i, j) = isnan(v) ? 0 : v;
		}
	wk.p = p;
	wk.w[0] = 1.0 / (double)p;
	for (size_t s = 1; s < p; s++)
		wk.w[s] = wk.w[s - 1] * (double)s / (double)(p - s);
	lmg_visit(&wk, c, 0, 0, 0, 0, 0);
	out->r2 = wk.r2_full;
	out->rank = wk.rank;
	out->r2_adj = 1 - (1 - wk.r2_full) * (double)(n - 1) / (double)(n - wk.rank - 1);
	for (size_t j = 0; j < p; j++) {
		out->item[j].lmg = wk.lmg[j];
		out->item[j].lmg_share = share(wk.lmg[j], out->r2);
		rxy[j] = C(c, 0, j + 1);
	}
	if ((rc = drivers_eigen(c, p, eval, evec, eb)) != ADV_OK)
		goto out;
	for (size_t k = 0; k < p; k++)
		lam_min = fmin(lam_min, eval[k]);
	if (!(lam_min > DRIVERS_COLLINEAR_TOL)) {
		out->status = ANALYTICS_SINGULAR;
		goto out;
	}
	fill_regression(out, eval, evec, rxy);
	out->status = ANALYTICS_OK;
out:
	return rc;
}

enum adv_err
drivers_analyze(const double *y, const double *const *x, size_t p, size_t n,
		struct drivers_result *out, struct adv_errbuf *eb)
{
	const double *col[DIM];
	struct moments m;
	enum adv_err rc = ADV_OK;

	if (p == 0 || p > DRIVERS_MAX) {
		rc = adv_fail(eb, ADV_EINVAL, "drivers", "driver analysis takes 1..%d drivers",
			      DRIVERS_MAX);
		goto out;
	}
	col[0] = y;
	for (size_t j = 0; j < p; j++)
		col[j + 1] = x[j];
	if ((rc = moments_compute(col, p + 1, n, &m, eb)) != ADV_OK)
		goto out;
	rc = drivers_from_moments(&m, out, eb);
out:
	return rc;
}

static const char *const quadrant_names[DRIVERS_QUADRANT__MAX] = {
    [DRIVERS_FIX_FIRST] = "fix_first",
    [DRIVERS_KEEP_UP] = "keep_up",
    [DRIVERS_POSSIBLE_OVERKILL] = "possible_overkill",
    [DRIVERS_LOW_PRIORITY] = "low_priority",
};

const char *
drivers_quadrant_name(enum drivers_quadrant q)
{
	return (unsigned)q < DRIVERS_QUADRANT__MAX ? quadrant_names[q] : "unknown";
}

enum adv_err
drivers_ipa(const double *importance, const double *performance, size_t p,
	    const struct drivers_ipa_mid *given, struct drivers_ipa_mid *used,
	    enum drivers_quadrant *quadrant, struct adv_errbuf *eb)
{
	struct drivers_ipa_mid mid = {0, 0};
	enum adv_err rc = ADV_OK;

	if (p == 0 || p > DRIVERS_MAX) {
		rc = adv_fail(eb, ADV_EINVAL, "components", "quadrants take 1..%d components",
			      DRIVERS_MAX);
		goto out;
	}
	for (size_t j = 0; j < p; j++) {
		if (!isfinite(importance[j]) || !isfinite(performance[j])) {
			rc = adv_fail(eb, ADV_EINVAL, "components",
				      "component %zu has no importance or performance", j);
			goto out;
		}
		mid.importance += importance[j];
		mid.performance += performance[j];
	}
	mid.importance /= (double)p;
	mid.performance /= (double)p;
	if (given)
		mid = *given;
	if (!isfinite(mid.importance) || !isfinite(mid.performance)) {
		rc = adv_fail(eb, ADV_EINVAL, "midpoint", "the midpoints must be finite");
		goto out;
	}
	for (size_t j = 0; j < p; j++) {
		bool important = importance[j] >= mid.importance;
		bool strong = performance[j] >= mid.performance;

		quadrant[j] = important
				  ? (strong ? DRIVERS_KEEP_UP : DRIVERS_FIX_FIRST)
				  : (strong ? DRIVERS_POSSIBLE_OVERKILL : DRIVERS_LOW_PRIORITY);
	}
	if (used)
		*used = mid;
out:
	return rc;
}
