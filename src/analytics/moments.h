/*
 * moments.h — the one-pass sufficient statistics of several numeric columns:
 * the number of complete rows, the means and the matrix of co-moments
 * Σ (x_j − mean_j)(x_k − mean_k), from which covariances and Pearson
 * correlations follow. Key driver analysis (drivers.h) and the
 * standardisation of k-means (segments.h) derive everything from these.
 *
 * Missing answers (NAN) are dropped listwise: a row counts only when every
 * chosen column has a value in it, so that all the figures of one struct
 * moments describe the same respondents.
 *
 * The pass runs over blocks of MOMENTS_BLOCK rows: each block is copied into
 * a small buffer as deviations from the running means (from its first
 * complete row while there are none yet), incomplete rows as zeros, and its
 * sums and cross-products, turned into the block's own means and
 * co-moments, are merged into the running totals with Chan, Golub and
 * LeVeque's pairwise update. Deviations from a mean that is already close
 * keep the one-pass sums free of cancellation (the block-wise pairwise
 * scheme is close to a two-pass algorithm in accuracy), and a constant column gives exactly zero
 * variance. No allocation; O(p²) work per row and the loops have fixed trip counts so that they
 * vectorise; memory O(p²).
 */
#ifndef ADV_ANALYTICS_MOMENTS_H
#define ADV_ANALYTICS_MOMENTS_H

#include <stddef.h>

#include "util/err.h"

#define MOMENTS_MAX_COLS 32  /* the most columns one struct moments takes */
#define MOMENTS_BLOCK	 128 /* rows per block of the pass */

/*
 * Sufficient statistics of p columns over the complete rows seen so far.
 * m2 is p × p (row-major with stride MOMENTS_MAX_COLS), symmetric, with the
 * sums of squared deviations on its diagonal. mean is NAN while n = 0.
 */
struct moments {
	size_t p;      /* columns */
	size_t n;      /* complete rows accumulated */
	size_t n_rows; /* rows seen, complete or not */
	double mean[MOMENTS_MAX_COLS];
	double m2[MOMENTS_MAX_COLS * MOMENTS_MAX_COLS];
};

/*
 * Empties *m for p columns (n = 0).
 * Errors: ADV_EINVAL when p = 0 or p > MOMENTS_MAX_COLS.
 */
enum adv_err moments_init(struct moments *m, size_t p, struct adv_errbuf *eb);

/*
 * Adds rows 0..n of the columns col[0..m->p) (each an array of n doubles of
 * the caller's, NAN = missing) to *m: a row with any NAN is counted in n_rows
 * only. Can be called again with further chunks of the same columns.
 * Errors: ADV_EINVAL when a value is infinite (eb names the row of the
 * chunk); *m is then unusable. Uses about 45 KB of stack.
 */
enum adv_err moments_add(struct moments *m, const double *const *col, size_t n,
			 struct adv_errbuf *eb);

/* moments_init then moments_add: the statistics of p columns of n rows into *out. */
enum adv_err moments_compute(const double *const *col, size_t p, size_t n, struct moments *out,
			     struct adv_errbuf *eb);

/*
 * Merges the statistics *from into *into (same p; the caller's to check):
 * afterwards *into describes the rows of both.
 */
void moments_merge(struct moments *into, const struct moments *from);

/* The co-moment of columns j and k (j, k < m->p). */
double moments_m2(const struct moments *m, size_t j, size_t k);

/* The sample covariance of columns j and k (divisor n − 1); NAN when n < 2. */
double moments_cov(const struct moments *m, size_t j, size_t k);

/*
 * The Pearson correlation of columns j and k; NAN when n < 2 or when either
 * column does not vary. Clamped to [−1, 1]; exactly 1 when j = k.
 */
double moments_corr(const struct moments *m, size_t j, size_t k);

#endif
