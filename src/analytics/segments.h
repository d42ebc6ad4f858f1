/*
 * segments.h — behavioural segments of respondents (DOMAIN.md, "Behavioural
 * segments"): Jones & Sasser's classification by satisfaction × intention
 * (to stay, repurchase or recommend), and data-driven clusters: k-means on
 * component profiles, k fixed or chosen by the mean silhouette.
 *
 * Jones & Sasser ("Why satisfied customers defect", HBR 1995). A respondent
 * with both answers is high on satisfaction when sat ≥ sat_high and high on
 * intention when intent ≥ int_high; the classes are disjoint:
 *   APOSTLE    both answers at the top of their scales (sat = sat_hi and
 *              intent = int_hi): the top subset of the loyalists, counted
 *              apart from them;
 *   LOYALIST   high satisfaction and high intention, not an apostle (so the
 *              loyalists in the wide sense are APOSTLE + LOYALIST);
 *   MERCENARY  high satisfaction, low intention;
 *   HOSTAGE    low satisfaction, high intention;
 *   DEFECTOR   low satisfaction, low intention.
 * The default thresholds are the top two points of each scale (hi − 1: 4 and
 * 5 on 1–5, as the top-2-box of describe.h; 9 and 10 on 0–10, as NPS
 * promoters).
 *
 * k-means, deterministic. Rows with any missing component are dropped
 * (listwise); the others are clustered on their components, optionally
 * standardised (z = (x − mean) / sd with the population sd over the clustered
 * rows, as scikit-learn's StandardScaler; a column that does not vary keeps
 * sd 1). Euclidean distance.
 *   - The fit set: all clustered rows when there are at most fit_sample of
 *     them, else the evenly spaced sample of fit_sample rows (row t of the
 *     sample is clustered row ⌊t·n / fit_sample⌋).
 *   - For each k tried (k fixed, or every k in 2..8 in turn), restarts runs
 *     on the fit set, each seeded by k-means++ (first centre uniform, each
 *     further one drawn with probability ∝ D², the squared distance to the
 *     nearest centre so far) from a splitmix64 generator seeded with
 *     seed + k and continuing over the restarts; each run is Lloyd's
 *     algorithm (assign every row to its nearest centre, the lowest index on
 *     a tie; move every centre to the mean of its rows, a centre left with no
 *     row stays where it is) until no assignment changes or
 *     SEGMENTS_MAX_ITER iterations (then the rows are assigned once more to
 *     the final centres). The run with the lowest inertia (sum of squared
 *     distances to the assigned centres) is kept, the first on a tie.
 *   - The mean silhouette of a kept run, s(i) = (b − a) / max(a, b) with a
 *     the mean distance of row i to the other rows of its cluster and b the
 *     least mean distance to the rows of another cluster (0 for a row alone
 *     in its cluster), is taken over the evenly spaced sample of at most
 *     sil_sample rows of the fit set (the silhouette is O(rows²)). With k
 *     chosen, the k of the highest silhouette wins (the smaller on a tie).
 *   - When the fit set is a sample, the kept run's centres are refined by
 *     Lloyd's algorithm over all clustered rows (same rules), and the
 *     silhouette is taken again with the final assignment.
 * Clusters keep the order of their seeds.
 */
#ifndef ADV_ANALYTICS_SEGMENTS_H
#define ADV_ANALYTICS_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analytics/analytics.h"
#include "util/err.h"

/* Jones & Sasser classes; NONE marks a respondent with a missing answer. */
enum segments_js {
	SEGMENTS_JS_NONE = -1,
	SEGMENTS_JS_APOSTLE,
	SEGMENTS_JS_LOYALIST,
	SEGMENTS_JS_MERCENARY,
	SEGMENTS_JS_HOSTAGE,
	SEGMENTS_JS_DEFECTOR,
	SEGMENTS_JS__MAX
};

/* The two scales and their thresholds (lo < high ≤ hi, all finite). */
struct segments_js_params {
	double sat_lo, sat_hi, sat_high; /* satisfaction ≥ sat_high is high */
	double int_lo, int_hi, int_high; /* intention ≥ int_high is high */
};

/* Counts and shares of the classes. status: OK, or EMPTY (n = 0: shares NAN). */
struct segments_js_result {
	enum analytics_status status;
	size_t n;			/* respondents classified (both answers given) */
	size_t n_missing;		/* respondents skipped for a missing answer */
	bool small;			/* n < ANALYTICS_SMALL_N */
	size_t count[SEGMENTS_JS__MAX]; /* respondents per class */
	double share[SEGMENTS_JS__MAX]; /* count / n */
};

/*
 * *prm for a satisfaction scale [sat_lo, sat_hi] and an intention scale
 * [int_lo, int_hi] with the default thresholds sat_hi − 1 and int_hi − 1.
 */
void segments_js_params_default(struct segments_js_params *prm, double sat_lo, double sat_hi,
				double int_lo, double int_hi);

/* The API name of c: "apostle", "loyalist", …, "none"; static storage. */
const char *segments_js_name(enum segments_js c);

/*
 * Classifies respondents 0..n with satisfaction sat[i] and intention
 * intent[i] (NAN = missing) into *out and, when row is not NULL, each one's
 * class into the caller's row[0..n) (SEGMENTS_JS_NONE when an answer is
 * missing). No allocation.
 * Errors: ADV_EINVAL for parameters that are not finite with lo < high ≤ hi,
 * or an answer outside its scale (eb names the row); *out is then undefined.
 */
enum adv_err segments_js_classify(const double *sat, const double *intent, size_t n,
				  const struct segments_js_params *prm, enum segments_js *row,
				  struct segments_js_result *out, struct adv_errbuf *eb);

#define SEGMENTS_K_MIN	    2	  /* the smallest k chosen by silhouette */
#define SEGMENTS_K_MAX	    8	  /* the largest k, chosen or fixed */
#define SEGMENTS_MAX_DIMS   32	  /* the most components a profile has */
#define SEGMENTS_MAX_ITER   100	  /* Lloyd iterations per run at most */
#define SEGMENTS_RESTARTS   4	  /* k-means++ restarts per k by default */
#define SEGMENTS_FIT_SAMPLE 10000 /* rows the restarts run on at most, by default */
#define SEGMENTS_SIL_SAMPLE 2000  /* rows the silhouette is taken on at most, by default */

/* How to cluster; a zeroed struct chooses k, does not standardise, seed 0, defaults. */
struct segments_kmeans_params {
	size_t k;	   /* 0: choose in SEGMENTS_K_MIN..SEGMENTS_K_MAX; else 2..SEGMENTS_K_MAX */
	bool standardise;  /* cluster on z-scores */
	uint64_t seed;	   /* of the k-means++ draws */
	size_t restarts;   /* 0: SEGMENTS_RESTARTS */
	size_t fit_sample; /* 0: SEGMENTS_FIT_SAMPLE */
	size_t sil_sample; /* 0: SEGMENTS_SIL_SAMPLE; at least 2 */
};

/*
 * The clustering. status, the first that applies:
 *   EMPTY        no complete row;
 *   TOO_FEW      fewer complete rows than k (with k chosen: than 3, as the
 *                silhouette needs 2 ≤ k < rows);
 *   NO_VARIANCE  the rows have fewer distinct profiles than k (k chosen:
 *                than 2);
 *   OK.
 * Unless OK, k = 0 and nothing but n, p and the samples' sizes is given.
 * Cluster c (c < k) has size[c] rows, share[c] = size[c] / n, and its
 * profile: the mean of each component over its rows, on the components'
 * own scales (NAN for a cluster that Lloyd's algorithm left empty).
 * On an error *out is undefined.
 */
struct segments_kmeans_result {
	enum analytics_status status;
	size_t n;	   /* complete rows clustered */
	bool small;	   /* n < ANALYTICS_SMALL_N */
	size_t p;	   /* components */
	size_t k;	   /* clusters */
	size_t fit_n;	   /* rows of the fit set */
	size_t sil_n;	   /* rows of the silhouette sample */
	double inertia;	   /* Σ squared distance to the own centre (z-scores if standardised) */
	double silhouette; /* mean silhouette of the result (NAN with one cluster on the sample) */
	/* the mean silhouette of the kept run of each k tried, on the fit set; NAN otherwise */
	double silhouette_by_k[SEGMENTS_K_MAX + 1];
	size_t iterations;		 /* Lloyd iterations of the final run */
	size_t init_row[SEGMENTS_K_MAX]; /* the caller's rows the kept run was seeded with */
	size_t size[SEGMENTS_K_MAX];
	double share[SEGMENTS_K_MAX];
	double profile[SEGMENTS_K_MAX][SEGMENTS_MAX_DIMS];
};

/*
 * k-means of the rows 0..n of the components col[0..p) (each an array of n
 * doubles of the caller's, NAN = missing) into *out, and each row's cluster
 * into the caller's label[0..n) (−1 for a dropped row, or for every row
 * unless OK). Allocates scratch of about fit_sample × (p + 3) + sil_sample ×
 * (p + 35) doubles, and one double (a distance bound) per complete row,
 * freed before it returns; no copy of all rows.
 * Time: the restarts and the silhouettes run on the fit set; the moments
 * (for the standardisation), the refinement and the profiles are passes over
 * all rows.
 * Errors: ADV_EINVAL for p = 0 or p > SEGMENTS_MAX_DIMS, k out of range,
 * fit_sample below 2 × SEGMENTS_K_MAX, sil_sample = 1, or an infinite value;
 * ADV_ENOMEM.
 */
enum adv_err segments_kmeans(const double *const *col, size_t p, size_t n,
			     const struct segments_kmeans_params *prm, int32_t *label,
			     struct segments_kmeans_result *out, struct adv_errbuf *eb);

#endif
