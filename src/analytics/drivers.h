/*
 * drivers.h — key driver analysis of an outcome (an NPS answer or overall
 * satisfaction) on up to DRIVERS_MAX drivers (component scores), and the
 * importance–performance quadrants (DOMAIN.md, "Key driver analysis" and
 * "Importance–performance analysis").
 *
 * Everything derives from the one-pass statistics of moments.h over the
 * outcome and the drivers, listwise: a respondent counts only when the
 * outcome and every driver are answered, so every figure of one result has
 * the same n. Per driver:
 *   - Pearson r with the outcome and its two-sided p-value (t = r·sqrt((n − 2)
 *     / (1 − r²)) with n − 2 degrees of freedom);
 *   - the standardised OLS coefficient (the regression of the z-scored outcome
 *     on the z-scored drivers with an intercept): β = R⁻¹ r_xy with R the
 *     drivers' correlation matrix, se = sqrt((1 − R²) / (n − p − 1) · (R⁻¹)_jj),
 *     t = β / se, two-sided p with n − p − 1 degrees of freedom;
 *   - Johnson's (2000) relative weight: with R = V diag(λ) Vᵀ (GSL
 *     gsl_eigen_symmv), Λ = V diag(sqrt λ) Vᵀ, β* = Λ⁻¹ r_xy, weight_j =
 *     Σ_k Λ_jk² β*_k²; the weights sum to R²;
 *   - the exact Shapley value (LMG) of R²: with R²(S) = r_yS' R_SS⁻¹ r_yS for
 *     every subset S of the drivers,
 *       lmg_j = Σ_{S ∌ j} |S|! (p − |S| − 1)! / p! · (R²(S ∪ j) − R²(S)),
 *     summing to R². All 2^p subsets are visited depth first, each reached
 *     from its parent by one sweep of the (p + 1)² correlation matrix of the
 *     drivers and the outcome (O(2^p p²): about 5 ms for p = 15); in a
 *     subset's sweep a driver whose variance left unexplained by the subset
 *     is ≤ DRIVERS_COLLINEAR_TOL (as a share of its own variance) adds
 *     nothing: R²(S) is then the R² of the least-squares fit on S, the same as
 *     a pseudo-inverse (and statsmodels' OLS) gives, so LMG stays defined for
 *     collinear drivers and gives a driver that does not vary 0.
 * and the model's R², adjusted R², n and rank.
 */
#ifndef ADV_ANALYTICS_DRIVERS_H
#define ADV_ANALYTICS_DRIVERS_H

#include <stdbool.h>
#include <stddef.h>

#include "analytics/analytics.h"
#include "analytics/moments.h"
#include "util/err.h"

#define DRIVERS_MAX 15 /* the most drivers one analysis takes (2^15 subsets for LMG) */
/* A correlation matrix of the drivers with an eigenvalue ≤ this is singular (collinear). */
#define DRIVERS_COLLINEAR_TOL 1e-10

/* The figures of one driver; NAN where the result's status says so. */
struct drivers_item {
	double r;	  /* Pearson r with the outcome (NAN if the driver does not vary) */
	double r_p;	  /* its two-sided p-value (n ≥ 3) */
	double beta;	  /* standardised OLS coefficient */
	double beta_se;	  /* its standard error */
	double beta_t;	  /* beta / beta_se */
	double beta_p;	  /* two-sided p-value of beta_t, n − p − 1 df */
	double rw;	  /* Johnson's relative weight (a part of R²) */
	double rw_share;  /* rw / R² */
	double lmg;	  /* Shapley value (LMG) of R² */
	double lmg_share; /* lmg / R² */
};

/*
 * The result of one analysis. status, the first that applies:
 *   EMPTY        n = 0: every figure NAN;
 *   TOO_FEW      n < p + 2 (no residual degree of freedom): r given when
 *                n ≥ 2, r_p when n ≥ 3, everything else NAN;
 *   NO_VARIANCE  the outcome does not vary: every figure NAN;
 *   SINGULAR     the drivers are collinear (an eigenvalue of their
 *                correlation matrix ≤ DRIVERS_COLLINEAR_TOL, which includes a
 *                driver that does not vary): r, r_p, R², adjusted R² (with the
 *                rank for p), lmg and lmg_share given; beta…, rw, rw_share NAN;
 *   OK           everything given.
 * Shares are NAN when R² = 0.
 */
struct drivers_result {
	enum analytics_status status;
	size_t n;      /* complete respondents (listwise) */
	bool small;    /* n < ANALYTICS_SMALL_N */
	size_t p;      /* drivers */
	size_t rank;   /* independent drivers (p unless SINGULAR; 0 when not computed) */
	double r2;     /* R² of the full model */
	double r2_adj; /* 1 − (1 − R²)(n − 1) / (n − rank − 1) */
	struct drivers_item item[DRIVERS_MAX];
};

/*
 * Key driver analysis of the outcome y[0..n) on the drivers x[0..p), each an
 * array of n doubles of the caller's (NAN = missing, dropped listwise), into
 * *out. Allocates only GSL's eigen workspace, freed before it returns.
 * Errors: ADV_EINVAL when p = 0 or p > DRIVERS_MAX or a value is infinite;
 * ADV_ENOMEM.
 */
enum adv_err drivers_analyze(const double *y, const double *const *x, size_t p, size_t n,
			     struct drivers_result *out, struct adv_errbuf *eb);

/*
 * The same from statistics already computed: column 0 of *m is the outcome,
 * columns 1..m->p − 1 the drivers (so p = m->p − 1).
 * Errors: as drivers_analyze.
 */
enum adv_err drivers_from_moments(const struct moments *m, struct drivers_result *out,
				  struct adv_errbuf *eb);

/*
 * Importance–performance quadrants. A component is important when its
 * importance is ≥ the importance midpoint and strong when its performance
 * is ≥ the performance midpoint:
 *   FIX_FIRST          important and weak;
 *   KEEP_UP            important and strong;
 *   POSSIBLE_OVERKILL  not important and strong;
 *   LOW_PRIORITY       not important and weak.
 */
enum drivers_quadrant {
	DRIVERS_FIX_FIRST,
	DRIVERS_KEEP_UP,
	DRIVERS_POSSIBLE_OVERKILL,
	DRIVERS_LOW_PRIORITY,
	DRIVERS_QUADRANT__MAX
};

/* The midpoints the quadrants split at. */
struct drivers_ipa_mid {
	double importance;
	double performance;
};

/*
 * The API name of q: "fix_first", "keep_up", "possible_overkill",
 * "low_priority"; static storage; "unknown" for a value out of range.
 */
const char *drivers_quadrant_name(enum drivers_quadrant q);

/*
 * The quadrant of each of p components (1 ≤ p ≤ DRIVERS_MAX) into the
 * caller's quadrant[0..p), from importance[0..p) (derived importance: a
 * relative weight share or an LMG share) and performance[0..p) (the mean
 * score). The midpoints are *given when given is not NULL, else the means of
 * importance and of performance; the ones used go to *used (may be NULL).
 * Errors: ADV_EINVAL when p is out of range or a value or a midpoint is not
 * finite (eb names the component).
 */
enum adv_err drivers_ipa(const double *importance, const double *performance, size_t p,
			 const struct drivers_ipa_mid *given, struct drivers_ipa_mid *used,
			 enum drivers_quadrant *quadrant, struct adv_errbuf *eb);

#endif
