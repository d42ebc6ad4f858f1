/*
 * moments.c — one blocked pass over the columns building counts, means and
 * co-moments (see moments.h), merged block by block with the pairwise update.
 */
#include "analytics/moments.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define M2(m, j, k) ((m)->m2[(j)*MOMENTS_MAX_COLS + (k)])

enum adv_err
moments_init(struct moments *m, size_t p, struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;

	if (p == 0 || p > MOMENTS_MAX_COLS) {
		rc = adv_fail(eb, ADV_EINVAL, "columns", "moments take 1..%d columns",
			      MOMENTS_MAX_COLS);
		goto out;
	}
	m->p = p;
	m->n = 0;
	m->n_rows = 0;
	for (size_t j = 0; j < MOMENTS_MAX_COLS; j++)
		m->mean[j] = NAN;
	memset(m->m2, 0, sizeof(m->m2));
out:
	return rc;
}

void
moments_merge(struct moments *into, const struct moments *from)
{
	size_t p = into->p, na = into->n, nb = from->n, n = na + nb;
	double delta[MOMENTS_MAX_COLS], f;

	into->n_rows += from->n_rows;
	if (nb == 0)
		return;
	if (na == 0) {
		for (size_t j = 0; j < p; j++) {
			into->mean[j] = from->mean[j];
			for (size_t k = 0; k < p; k++)
				M2(into, j, k) = M2(from, j, k);
		}
		into->n = nb;
		return;
	}
	f = (double)na * (double)nb / (double)n;
	for (size_t j = 0; j < p; j++) {
		delta[j] = from->mean[j] - into->mean[j];
		into->mean[j] += delta[j] * ((double)nb / (double)n);
	}
	for (size_t j = 0; j < p; j++)
		for (size_t k = 0; k <= j; k++) {
			double v = M2(into, j, k) + M2(from, j, k) + delta[j] * delta[k] * f;

			M2(into, j, k) = v;
			M2(into, k, j) = v;
		}
	into->n = n;
}

/* Σ a[i]·b[i] over i < n, with four accumulators so that the sums pipeline. */
static double
dot(const double *a, const double *b, size_t n)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		s0 += a[i] * b[i];
		s1 += a[i + 1] * b[i + 1];
		s2 += a[i + 2] * b[i + 2];
		s3 += a[i + 3] * b[i + 3];
	}
	for (; i < n; i++)
		s0 += a[i] * b[i];
	return (s0 + s1) + (s2 + s3);
}

/* True when row i of the p columns holds an infinite value. */
static bool
row_infinite(const double *const *col, size_t p, size_t i)
{
	for (size_t j = 0; j < p; j++)
		if (isinf(col[j][i]))
			return true;
	return false;
}

/*
 * Rows [start, start + len) of the columns (len ≤ MOMENTS_BLOCK) as
 * deviations from shift[j] into buf (p × MOMENTS_BLOCK), incomplete rows as
 * zeros; returns the number of complete rows, or SIZE_MAX after reporting an
 * infinite value in eb. Inlined with len = MOMENTS_BLOCK for full blocks so
 * that the loops have a constant trip count and vectorise.
 */
static inline size_t
block_fill(const double *const *col, size_t p, size_t start, size_t len, const double *shift,
	   double *buf, struct adv_errbuf *eb)
{
	double t[MOMENTS_BLOCK] = {0};
	size_t bad[MOMENTS_BLOCK], nbad = 0;

	/* x · 0 is 0 for a finite x and NAN for NAN or ±inf. */
	for (size_t j = 0; j < p; j++) {
		const double *x = col[j] + start;

		for (size_t i = 0; i < len; i++)
			t[i] += x[i] * 0.0;
	}
	for (size_t i = 0; i < len; i++)
		if (t[i] != 0)
			bad[nbad++] = i;
	for (size_t b = 0; b < nbad; b++)
		if (row_infinite(col, p, start + bad[b])) {
			adv_fail(eb, ADV_EINVAL, "value", "an infinite value at row %zu",
				 start + bad[b]);
			return SIZE_MAX;
		}
	for (size_t j = 0; j < p; j++) {
		const double *x = col[j] + start;
		double *d = buf + j * MOMENTS_BLOCK, s = shift[j];

		for (size_t i = 0; i < len; i++)
			d[i] = x[i] - s;
		for (size_t b = 0; b < nbad; b++)
			d[bad[b]] = 0;
	}
	return len - nbad;
}

/*
 * The statistics of the complete rows among [start, start + len) (len ≤
 * MOMENTS_BLOCK) of the columns into *b (initialised for p columns), taken
 * as deviations from shift (the running means, close to the block's); buf
 * holds p × MOMENTS_BLOCK doubles of scratch.
 * Errors: ADV_EINVAL for an infinite value.
 */
static enum adv_err
block_stats(const double *const *col, size_t p, size_t start, size_t len, const double *shift,
	    double *buf, struct moments *b, struct adv_errbuf *eb)
{
	double s[MOMENTS_MAX_COLS];
	size_t m = len == MOMENTS_BLOCK ? block_fill(col, p, start, MOMENTS_BLOCK, shift, buf, eb)
					: block_fill(col, p, start, len, shift, buf, eb);
	enum adv_err rc = ADV_OK;

	if (m == SIZE_MAX) {
		rc = ADV_EINVAL;
		goto out;
	}
	b->n_rows = len;
	b->n = m;
	if (m == 0)
		goto out;
	for (size_t j = 0; j < p; j++) {
		const double *d = buf + j * MOMENTS_BLOCK;
		double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
		size_t i = 0;

		for (; i + 4 <= len; i += 4) {
			s0 += d[i];
			s1 += d[i + 1];
			s2 += d[i + 2];
			s3 += d[i + 3];
		}
		for (; i < len; i++)
			s0 += d[i];
		s[j] = (s0 + s1) + (s2 + s3);
		b->mean[j] = shift[j] + s[j] / (double)m;
	}
	for (size_t j = 0; j < p; j++)
		for (size_t k = 0; k <= j; k++) {
			double v = dot(buf + j * MOMENTS_BLOCK, buf + k * MOMENTS_BLOCK, len) -
				   s[j] * s[k] / (double)m;

			M2(b, j, k) = v;
			M2(b, k, j) = v;
		}
out:
	return rc;
}

/*
 * The first value of each column in a complete row among [start, start +
 * len) into shift; false when there is none.
 */
static bool
first_complete(const double *const *col, size_t p, size_t start, size_t len, double *shift)
{
	for (size_t i = start; i < start + len; i++) {
		size_t j = 0;

		while (j < p && isfinite(col[j][i]))
			j++;
		if (j < p)
			continue;
		for (j = 0; j < p; j++)
			shift[j] = col[j][i];
		return true;
	}
	return false;
}

enum adv_err
moments_add(struct moments *m, const double *const *col, size_t n, struct adv_errbuf *eb)
{
	double buf[MOMENTS_MAX_COLS * MOMENTS_BLOCK], shift[MOMENTS_MAX_COLS];
	struct moments b;
	enum adv_err rc = ADV_OK;

	b.p = m->p;
	for (size_t start = 0; start < n; start += MOMENTS_BLOCK) {
		size_t len = n - start < MOMENTS_BLOCK ? n - start : MOMENTS_BLOCK;

		if (m->n > 0)
			memcpy(shift, m->mean, m->p * sizeof(*shift));
		else if (!first_complete(col, m->p, start, len, shift))
			for (size_t j = 0; j < m->p; j++)
				shift[j] = 0;
		if ((rc = block_stats(col, m->p, start, len, shift, buf, &b, eb)) != ADV_OK)
			goto out;
		moments_merge(m, &b);
	}
out:
	return rc;
}

enum adv_err
moments_compute(const double *const *col, size_t p, size_t n, struct moments *out,
		struct adv_errbuf *eb)
{
	enum adv_err rc;

	if ((rc = moments_init(out, p, eb)) != ADV_OK)
		goto out;
	rc = moments_add(out, col, n, eb);
out:
	return rc;
}

double
moments_m2(const struct moments *m, size_t j, size_t k)
{
	return M2(m, j, k);
}

double
moments_cov(const struct moments *m, size_t j, size_t k)
{
	return m->n < 2 ? NAN : M2(m, j, k) / (double)(m->n - 1);
}

double
moments_corr(const struct moments *m, size_t j, size_t k)
{
	double sjj = M2(m, j, j), skk = M2(m, k, k);

	if (m->n < 2 || !(sjj > 0) || !(skk > 0))
		return NAN;
	if (j == k)
		return 1;
	return fmax(-1, fmin(1, M2(m, j, k) / sqrt(sjj * skk)));
}
