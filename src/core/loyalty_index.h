/*
 * loyalty_index.h — the arithmetic of the loyalty model (docs/loyalty.md),
 * with no database and no clock: rescaling scores to 0–100, the weighted
 * loyalty index with the weights of missing components redistributed and the
 * partial flag, calendar quarters and the index trend by quarter, the
 * summaries of the portfolio (mean, sample sd, t-based 95 % interval,
 * top-2-box share, median, histogram of ten bins).
 *
 * Dates are packed integers yyyymmdd (2026-02-28 is 20260228), so that they
 * compare as numbers the way their "YYYY-MM-DD" text compares as strings.
 * A missing score is NAN. Nothing here allocates; arrays belong to callers.
 */
#ifndef ADV_CORE_LOYALTY_INDEX_H
#define ADV_CORE_LOYALTY_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOYALTY_PARTIAL_SHARE 0.5 /* a known weight share below this flags the index */
#define LOYALTY_INDEX_MAX     100.0
#define LOYALTY_HIST_BINS     10 /* bins of width 10 over 0..100; the last includes 100 */
#define LOYALTY_DATE_TEXT     11 /* "YYYY-MM-DD" and its NUL */
#define LOYALTY_QUARTER_TEXT  8	 /* "2026-Q1" and its NUL */
#define LOYALTY_TOP2_BELOW    1	 /* top-2-box: scores ≥ score_max − this */

/* A calendar quarter: year and q in 1..4. */
struct loyalty_quarter {
	int year;
	int q;
};

/* The loyalty index of one client at one moment. */
struct loyalty_index {
	bool known;		   /* false: no index (value is then 0) */
	double value;		   /* 0..100 */
	double known_weight_share; /* Σ w(known) / Σ w(all); 0 when Σ w(all) is 0 */
	bool partial;		   /* known and known_weight_share < LOYALTY_PARTIAL_SHARE */
};

/* One score of a client's history, for the trend. */
struct loyalty_obs {
	int32_t date; /* yyyymmdd */
	size_t comp;  /* index into the caller's component arrays */
	double score;
};

/* One point of the trend: the index from the latest scores as of the quarter's last day. */
struct loyalty_trend_point {
	struct loyalty_quarter quarter;
	int32_t end; /* yyyymmdd of the quarter's last day */
	struct loyalty_index index;
};

/*
 * Running summary of a set of scores (Welford's algorithm): add values with
 * loyalty_acc_add, read the figures with loyalty_acc_stats. Zero-initialise.
 */
struct loyalty_acc {
	size_t n;
	double sum;
	double mean; /* running mean, for m2 */
	double m2;   /* Σ (x − mean)² */
	size_t top2; /* values ≥ the top-2-box threshold */
};

/* The figures of a set of scores; a figure that does not exist is flagged false. */
struct loyalty_stats {
	size_t n;
	bool has_mean;	     /* n ≥ 1 */
	double mean;	     /* Σ x / n */
	bool has_sd;	     /* n ≥ 2 */
	double sd;	     /* sample standard deviation: sqrt(Σ (x − mean)² / (n − 1)) */
	bool has_ci;	     /* n ≥ 2 */
	double ci_lo, ci_hi; /* mean ∓ t(0.975, n − 1) × sd / √n */
	bool has_top2;	     /* n ≥ 1 */
	double top2_share;   /* share of values ≥ score_max − 1 */
};

/*
 * A score s on the scale [lo, hi] rescaled to 0..100: 100 × (s − lo) / (hi − lo).
 * Requires lo < hi; s outside the scale gives a value outside 0..100.
 */
double loyalty_rescale(double s, double lo, double hi);

/*
 * The loyalty index from scores[0..n) (NAN = missing) with weights[0..n) on
 * the scale [lo, hi] (lo < hi), into *out:
 *   r_i = loyalty_rescale(s_i); value = Σ w_i·r_i / Σ w_i over the known i
 * (the weight of the missing components is thereby redistributed in
 * proportion); known_weight_share = Σ w(known) / Σ w(all) (0 when Σ w(all)
 * is 0); no known score, or a known weight of 0, gives known = false;
 * partial = known && known_weight_share < 0.5 (exactly 0.5 is not partial).
 * Weights must be ≥ 0.
 */
void loyalty_index_of(const double *weights, const double *scores, size_t n, double lo, double hi,
		      struct loyalty_index *out);

/* True when y-m-d is a real calendar day (years 1..9999). */
bool loyalty_date_ok(int y, int m, int d);

/*
 * Parses the n bytes at s, exactly "YYYY-MM-DD" of a real day, into a packed
 * yyyymmdd; 0 when it is anything else.
 */
int32_t loyalty_date_parse(const char *s, size_t n);

/* Writes packed date d as "YYYY-MM-DD" into out. */
void loyalty_date_text(int32_t d, char out[LOYALTY_DATE_TEXT]);

/*
 * The day `months` calendar months before date d, with the day of month kept
 * or, when that month is shorter, clamped to its last day (2026-03-31 minus
 * one month is 2026-02-28). Never earlier than 0001-01-01.
 */
int32_t loyalty_months_before(int32_t d, unsigned months);

/* The quarter that holds date d (months 1–3 are Q1, …). */
struct loyalty_quarter loyalty_quarter_of(int32_t d);

/* The last day of quarter q (yyyy0331, yyyy0630, yyyy0930 or yyyy1231). */
int32_t loyalty_quarter_end(struct loyalty_quarter q);

/* The quarter after q. */
struct loyalty_quarter loyalty_quarter_next(struct loyalty_quarter q);

/* The last day of the quarter before the one that holds d (2026-04-01 → 2026-03-31). */
int32_t loyalty_previous_quarter_end(int32_t d);

/* Writes q as "2026-Q1" into out. */
void loyalty_quarter_label(struct loyalty_quarter q, char out[LOYALTY_QUARTER_TEXT]);

/*
 * The number of trend points from the quarter of first to the quarter of
 * today, both included; 0 when first is 0 or after today.
 */
size_t loyalty_trend_len(int32_t first, int32_t today);

/*
 * The trend: for each quarter from the one of first to the one of today
 * (loyalty_trend_len points, written to out), the index from the latest
 * score of each component as of the quarter's last day, with weights[0..ncomp)
 * on the scale [lo, hi]. obs[0..nobs) must be sorted by date and, within a
 * date, in the order that makes the later one the latest (the order in which
 * the assessments were recorded); scratch holds ncomp doubles.
 */
void loyalty_trend(const struct loyalty_obs *obs, size_t nobs, const double *weights, size_t ncomp,
		   double lo, double hi, int32_t first, int32_t today, double *scratch,
		   struct loyalty_trend_point *out);

/* Adds value x to acc; x ≥ top2_min counts in the top-2-box. */
void loyalty_acc_add(struct loyalty_acc *acc, double x, double top2_min);

/* The figures of acc into *out (see struct loyalty_stats). */
void loyalty_acc_stats(const struct loyalty_acc *acc, struct loyalty_stats *out);

/* The 0.975 quantile of Student's t distribution with df ≥ 1 degrees of freedom. */
double loyalty_t975(size_t df);

/*
 * The median of v[0..n) (n ≥ 1): the middle value, or the mean of the two
 * middle values when n is even. Sorts v in place.
 */
double loyalty_median(double *v, size_t n);

/* The histogram bin of an index value: floor(v / 10), with 100 (and above) in bin 9. */
unsigned loyalty_hist_bin(double v);

#endif
