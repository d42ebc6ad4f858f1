/*
 * loyalty_index.c — the loyalty model's arithmetic (see loyalty_index.h):
 * pure functions over the caller's arrays; the t quantile comes from GSL.
 */
#include "core/loyalty_index.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define DATE_YEAR_FACTOR  10000u
#define DATE_MONTH_FACTOR 100u
#define MONTHS_PER_YEAR	  12
#define MONTHS_PER_Q	  3
#define QUARTERS_PER_YEAR 4
#define DATE_EARLIEST	  10101 /* 0001-01-01 */
#define T_QUANTILE	  0.975

double
loyalty_rescale(double s, double lo, double hi)
{
	return LOYALTY_INDEX_MAX * (s - lo) / (hi - lo);
}

void
loyalty_index_of(const double *weights, const double *scores, size_t n, double lo, double hi,
		 struct loyalty_index *out)
{
	double all = 0, known = 0, sum = 0;

	for (size_t i = 0; i < n; i++) {
		all += weights[i];
		if (isnan(scores[i]))
			continue;
		known += weights[i];
		sum += weights[i] * loyalty_rescale(scores[i], lo, hi);
	}
	out->known = known > 0;
	out->value = out->known ? sum / known : 0;
	out->known_weight_share = all > 0 ? known / all : 0;
	out->partial = out->known && out->known_weight_share < LOYALTY_PARTIAL_SHARE;
}

/* Days in month m of year y. */
static int
month_days(int y, int m)
{
	static const int mdays[MONTHS_PER_YEAR] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mdays[m - 1] + (m == 2 && leap);
}

bool
loyalty_date_ok(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= MONTHS_PER_YEAR && d >= 1 &&
	       d <= month_days(y, m);
}

int32_t
loyalty_date_parse(const char *s, size_t n)
{
	int v[3] = {0, 0, 0};
	static const size_t start[3] = {0, 5, 8}, len[3] = {4, 2, 2};

	if (s == NULL || n != LOYALTY_DATE_TEXT - 1 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int k = 0; k < 3; k++)
		for (size_t i = start[k]; i < start[k] + len[k]; i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			v[k] = v[k] * 10 + (s[i] - '0');
		}
	if (!loyalty_date_ok(v[0], v[1], v[2]))
		return 0;
	return v[0] * DATE_YEAR_FACTOR + v[1] * DATE_MONTH_FACTOR + v[2];
}

void
loyalty_date_text(int32_t d, char out[LOYALTY_DATE_TEXT])
{
	uint32_t u = (uint32_t)d;

	snprintf(out, LOYALTY_DATE_TEXT, "%04u-%02u-%02u", u / DATE_YEAR_FACTOR % DATE_YEAR_FACTOR,
		 u / DATE_MONTH_FACTOR % DATE_MONTH_FACTOR, u % DATE_MONTH_FACTOR);
}

int32_t
loyalty_months_before(int32_t d, unsigned months)
{
	long total = (long)(d / DATE_YEAR_FACTOR) * MONTHS_PER_YEAR +
		     (d / DATE_MONTH_FACTOR % DATE_MONTH_FACTOR - 1) - (long)months;
	int y, m, day = d % DATE_MONTH_FACTOR;

	if (total < MONTHS_PER_YEAR) /* before year 1 */
		return DATE_EARLIEST;
	y = (int)(total / MONTHS_PER_YEAR);
	m = (int)(total % MONTHS_PER_YEAR) + 1;
	if (day > month_days(y, m))
		day = month_days(y, m);
	return y * DATE_YEAR_FACTOR + m * DATE_MONTH_FACTOR + day;
}

struct loyalty_quarter
loyalty_quarter_of(int32_t d)
{
	struct loyalty_quarter q = {d / DATE_YEAR_FACTOR,
				    (d / DATE_MONTH_FACTOR % DATE_MONTH_FACTOR - 1) / MONTHS_PER_Q +
					1};

	return q;
}

int32_t
loyalty_quarter_end(struct loyalty_quarter q)
{
	int m = q.q * MONTHS_PER_Q;

	return q.year * DATE_YEAR_FACTOR + m * DATE_MONTH_FACTOR + month_days(q.year, m);
}

struct loyalty_quarter
loyalty_quarter_next(struct loyalty_quarter q)
{
	struct loyalty_quarter n = {q.year, q.q + 1};

	if (n.q > QUARTERS_PER_YEAR) {
		n.year++;
		n.q = 1;
	}
	return n;
}

int32_t
loyalty_previous_quarter_end(int32_t d)
{
	struct loyalty_quarter q = loyalty_quarter_of(d);

	if (q.q == 1)
		return (q.year - 1) * DATE_YEAR_FACTOR + 1231;
	q.q--;
	return loyalty_quarter_end(q);
}

void
loyalty_quarter_label(struct loyalty_quarter q, char out[LOYALTY_QUARTER_TEXT])
{
	snprintf(out, LOYALTY_QUARTER_TEXT, "%04u-Q%u", (unsigned)q.year % DATE_YEAR_FACTOR,
		 (unsigned)q.q % 10u);
}

/* A quarter as one running number, for counting. */
static long
quarter_number(struct loyalty_quarter q)
{
	return (long)q.year * QUARTERS_PER_YEAR + (q.q - 1);
}

size_t
loyalty_trend_len(int32_t first, int32_t today)
{
	if (first <= 0 || first > today)
		return 0;
	return (size_t)(quarter_number(loyalty_quarter_of(today)) -
			quarter_number(loyalty_quarter_of(first)) + 1);
}

void
loyalty_trend(const struct loyalty_obs *obs, size_t nobs, const double *weights, size_t ncomp,
	      double lo, double hi, int32_t first, int32_t today, double *scratch,
	      struct loyalty_trend_point *out)
{
	size_t len = loyalty_trend_len(first, today), next = 0;
	struct loyalty_quarter q = loyalty_quarter_of(first);

	for (size_t c = 0; c < ncomp; c++)
		scratch[c] = NAN;
	for (size_t p = 0; p < len; p++, q = loyalty_quarter_next(q)) {
		int32_t end = loyalty_quarter_end(q);

		for (; next < nobs && obs[next].date <= end; next++)
			if (obs[next].comp < ncomp)
				scratch[obs[next].comp] = obs[next].score;
		out[p].quarter = q;
		out[p].end = end;
		loyalty_index_of(weights, scratch, ncomp, lo, hi, &out[p].index);
	}
}

void
loyalty_acc_add(struct loyalty_acc *acc, double x, double top2_min)
{
	double delta = x - acc->mean;

	acc->n++;
	acc->sum += x;
	acc->mean += delta / (double)acc->n;
	acc->m2 += delta * (x - acc->mean);
	if (x >= top2_min)
		acc->top2++;
}

double
loyalty_t975(size_t df)
{
	return gsl_cdf_tdist_Pinv(T_QUANTILE, (double)df);
}

void
loyalty_acc_stats(const struct loyalty_acc *acc, struct loyalty_stats *out)
{
	double n = (double)acc->n;

	out->n = acc->n;
	out->has_mean = out->has_top2 = acc->n >= 1;
	out->mean = out->has_mean ? acc->sum / n : 0;
	out->top2_share = out->has_top2 ? (double)acc->top2 / n : 0;
	out->has_sd = out->has_ci = acc->n >= 2;
	out->sd = out->has_sd ? sqrt(acc->m2 / (n - 1)) : 0;
	if (out->has_ci) {
		double half = loyalty_t975(acc->n - 1) * out->sd / sqrt(n);

		out->ci_lo = out->mean - half;
		out->ci_hi = out->mean + half;
	} else {
		out->ci_lo = out->ci_hi = 0;
	}
}

/* qsort order of doubles. */
static int
double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
loyalty_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), double_cmp);
	if (n % 2 == 1)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2;
}

unsigned
loyalty_hist_bin(double v)
{
	double b = floor(v / (LOYALTY_INDEX_MAX / LOYALTY_HIST_BINS));

	if (!(b > 0)) /* also NAN */
		return 0;
	if (b >= LOYALTY_HIST_BINS)
		return LOYALTY_HIST_BINS - 1;
	return (unsigned)b;
}
