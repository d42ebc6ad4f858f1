/*
 * nps.h — the Net Promoter Score of 0–10 "how likely to recommend" answers
 * (DOMAIN.md, "Metrics users expect"): counts and shares of promoters (9–10),
 * passives (7–8) and detractors (0–6), the distribution over 0..10, the NPS,
 * its standard error, the 95 % adjusted-Wald interval, the revenue-weighted
 * variant, the latest answer per account, and the test of the change between
 * two independent NPS (wave to wave).
 *
 * Pure functions over the caller's arrays, one pass each; nothing here keeps
 * state. Only nps_latest_per_account allocates (a hash table it frees itself).
 */
#ifndef ADV_ANALYTICS_NPS_H
#define ADV_ANALYTICS_NPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analytics/analytics.h"
#include "util/err.h"

#define NPS_SCORES	    11	  /* the answers 0..10 */
#define NPS_PROMOTER_MIN    9	  /* 9 and 10 are promoters */
#define NPS_PASSIVE_MIN	    7	  /* 7 and 8 are passives; 0..6 detractors */
#define NPS_MAX		    100.0 /* NPS lies in [−100, 100] */
#define NPS_AW_ADD_N	    3.0	  /* adjusted Wald: added to n */
#define NPS_AW_ADD_CATEGORY 0.75  /* adjusted Wald: added to promoters and to detractors */

/*
 * The NPS of a set of answers. Shares are fractions in [0, 1]; with weights
 * they are weighted shares (Σ w over the category / Σ w), without they are
 * counts / n.
 *
 *   nps   = 100 (p − d)
 *   se    = 100 sqrt((p + d − (p − d)²) / m)                     (DOMAIN.md)
 *   adjusted Wald (Sauro & Lewis, MeasuringU):
 *         p' = (p·m + 0.75) / (m + 3),  d' = (d·m + 0.75) / (m + 3)
 *         se' = sqrt((p' + d' − (p' − d')²) / (m + 3))
 *         ci  = 100 (p' − d') ∓ z(0.975) · 100 se', clamped to [−100, 100]
 *
 * where m = n unweighted (so p·m and d·m are the counts P and D) and m =
 * n_eff = (Σ w)² / Σ w² (Kish's effective sample size) weighted.
 */
struct nps_result {
	/* OK, EMPTY (n = 0) or ZERO_WEIGHT (Σ w = 0) */
	enum analytics_status status;
	/* answers counted: missing ones skipped, answers of weight 0 included */
	size_t n;
	double n_eff;		  /* m above: n, or Kish's n_eff with weights; NAN if none */
	bool small;		  /* n_eff < ANALYTICS_SMALL_N (true when there is none) */
	double weight_sum;	  /* Σ w of the counted answers, or n without weights */
	size_t count[NPS_SCORES]; /* answers per score 0..10 (not weighted) */
	double share[NPS_SCORES]; /* share per score (weighted with weights); NAN if none */
	size_t promoters, passives, detractors; /* counts (not weighted) */
	/* the shares p, of passives, and d; NAN if none */
	double p_promoters, p_passives, p_detractors;
	double nps;	     /* 100 (p − d); NAN if none */
	double se;	     /* standard error of nps (0 when all answers are one category) */
	double ci_lo, ci_hi; /* adjusted-Wald 95 % interval */
};

/* The change from one NPS to another, independent one (e.g. wave to wave). */
struct nps_diff_result {
	/* OK; EMPTY if either NPS is missing; NO_VARIANCE if se = 0 */
	enum analytics_status status;
	double diff;	     /* later.nps − earlier.nps */
	double se;	     /* sqrt(se_earlier² + se_later²), the unadjusted SEs */
	double ci_lo, ci_hi; /* diff ∓ z(0.975) se; NAN when se = 0 */
	double z;	     /* diff / se; NAN when se = 0 */
	double p;	     /* two-sided normal p-value 2 (1 − Φ(|z|)); NAN when se = 0 */
	bool significant;    /* p < ANALYTICS_ALPHA */
	bool small;	     /* either NPS is small */
};

/*
 * The NPS of score[0..n): integers 0..10, negative = missing. weight is NULL
 * (each answer counts once) or weight[0..n) revenue weights, finite and ≥ 0
 * (the weight of a missing answer is ignored). Fills *out (see struct
 * nps_result); with no answer the status is EMPTY and every figure NAN (counts
 * 0); when all counted weights are 0 the status is ZERO_WEIGHT, counts are
 * given and every other figure is NAN.
 * Per account, "each account once": the caller passes one answer per account
 * (see nps_latest_per_account).
 * Errors: ADV_EINVAL (eb says which row) for a score above 10 or a negative
 * or non-finite weight; *out is then undefined.
 */
enum adv_err nps_of_int(const int *score, const double *weight, size_t n, struct nps_result *out,
			struct adv_errbuf *eb);

/*
 * As nps_of_int for score[0..n) as doubles: NAN or negative = missing, else
 * it must be one of the integers 0..10 (ADV_EINVAL otherwise).
 */
enum adv_err nps_of_double(const double *score, const double *weight, size_t n,
			   struct nps_result *out, struct adv_errbuf *eb);

/*
 * The test of the change from earlier to later, two NPS of independent
 * samples, into *out: diff = later − earlier, se = sqrt(se1² + se2²) from the
 * unadjusted standard errors, z = diff / se, p two-sided from the standard
 * normal, significant when p < 0.05. If either status is not OK, out->status
 * is EMPTY and every figure NAN (diff too); if se = 0 (both samples of one
 * category), diff is given and z, p and the interval are NAN with status
 * NO_VARIANCE.
 */
void nps_diff(const struct nps_result *earlier, const struct nps_result *later,
	      struct nps_diff_result *out);

/*
 * Keeps the latest response of each account: account[0..n) the account of
 * each response (in any order), order[0..n) when each was given (a date as
 * yyyymmdd, a timestamp, a sequence: larger is later) or NULL for "later in
 * the array is later"; between equal orders of one account the one later in
 * the array wins. Writes to keep[0..*nkeep) (keep holds n) the indices of the
 * kept responses, ascending. Pass only answered responses: the choice does
 * not look at answers. O(n) expected: one pass into an open-addressing hash
 * table of account → index of its latest response, then the kept indices are
 * marked in keep and compacted in place.
 * Allocation: the table, 4-byte slots at most half full (about 2 to 4 slots
 * per distinct account, doubled as it fills), malloc'd and freed before
 * returning. Errors: ADV_ETOOBIG when n ≥ 2³² − 1, ADV_ENOMEM (*nkeep is
 * then 0 and keep undefined).
 */
enum adv_err nps_latest_per_account(const int64_t *account, const int64_t *order, size_t n,
				    size_t *keep, size_t *nkeep);

#endif
