/*
 * responses.c — the synthetic survey responses of the research benchmarks
 * and their CSV form (see responses.h). One splitmix64 stream drives
 * everything, normals by the Box–Muller transform; the latent model:
 *
 *   account a:   loyalty u_a ~ N(0, ACCOUNT_SD); revenue exp(N(0, 1)) in
 *                two decimals; churned with probability
 *                logistic(CHURN_BASE − CHURN_LOYALTY · u_a);
 *   respondent:  attitude g = u_a + WAVE_STEP · (wave − 1) + N(0, ATTITUDE_SD);
 *                component j: round(base_j + load_j · g + N(0, ITEM_SD)) in 1..5;
 *                competitor j: round(base_j + shift_j + RIVAL_FOLLOW · (ours_j −
 *                base_j) + N(0, ITEM_SD)) in 1..5;
 *                recommend: round(NPS_BASE + Σ_j weight_j (ours_j − base_j) +
 *                NPS_ATTITUDE · g + N(0, NPS_SD)) in 0..10;
 *                satisfaction: round(SAT_BASE + SAT_ITEMS · mean_j (ours_j −
 *                base_j) + SAT_ATTITUDE · g + N(0, SAT_SD)) in 1..5;
 *                intention: round(INT_BASE + INT_SAT · (sat − SAT_BASE) +
 *                INT_LOYALTY · u_a − INT_CHURNED · churned + N(0, INT_SD)) in 1..5;
 *   then each answer is dropped (NAN) with probability RESPONSES_MISSING.
 */
#include "responses.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNT_SD    0.5
#define CHURN_BASE    (-2.0)
#define CHURN_LOYALTY 2.0
#define WAVE_STEP     0.04
#define ATTITUDE_SD   0.8
#define ITEM_SD	      0.8
#define RIVAL_FOLLOW  0.5
#define NPS_BASE      7.7
#define NPS_ATTITUDE  0.3
#define NPS_SD	      2.0
#define SAT_BASE      3.6
#define SAT_ITEMS     0.6
#define SAT_ATTITUDE  0.4
#define SAT_SD	      0.6
#define INT_BASE      3.7
#define INT_SAT	      0.5
#define INT_LOYALTY   0.4
#define INT_CHURNED   0.3
#define INT_SD	      0.7
#define CSV_BUFFER    (1 << 20)

/* Per component: mean of the latent rating, loading on the attitude, competitor's shift. */
static const double base[RESPONSES_COMPONENTS] = {3.4, 3.7, 3.2, 3.9, 3.5, 3.8, 3.3, 4.0, 3.6, 3.5};
static const double load[RESPONSES_COMPONENTS] = {0.9, 0.8, 0.7, 0.8, 0.6, 0.7, 0.5, 0.6, 0.5, 0.6};
static const double shift[RESPONSES_COMPONENTS] = {-0.3, 0.2,  -0.1, -0.4, 0.3,
						   0.0,	 -0.2, 0.1,  -0.3, 0.15};
/* How much each component drives likelihood to recommend, in decreasing order. */
static const double weight[RESPONSES_COMPONENTS] = {0.9,  0.7, 0.55, 0.45, 0.35,
						    0.25, 0.2, 0.12, 0.06, 0.0};

/* The random stream: splitmix64 state and the spare normal of Box–Muller. */
struct rng {
	uint64_t state;
	double spare;
	bool has_spare;
};

/* The next 64 random bits of r (splitmix64). */
static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A uniform double in [0, 1) from the top 53 bits. */
static double
rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1p-53;
}

/* A standard normal (Box–Muller, two per pair of uniforms). */
static double
rng_normal(struct rng *r)
{
	double u, v, rad;

	if (r->has_spare) {
		r->has_spare = false;
		return r->spare;
	}
	u = 1.0 - rng_uniform(r); /* (0, 1]: log(u) is finite */
	v = rng_uniform(r);
	rad = sqrt(-2.0 * log(u));
	r->spare = rad * sin(2.0 * M_PI * v);
	r->has_spare = true;
	return rad * cos(2.0 * M_PI * v);
}

/* x rounded to the nearest integer and clamped to [lo, hi]. */
static double
rating(double x, double lo, double hi)
{
	return fmin(hi, fmax(lo, round(x)));
}

/* v, or NAN with probability RESPONSES_MISSING. */
static double
maybe_missing(struct rng *r, double v)
{
	return rng_uniform(r) < RESPONSES_MISSING ? NAN : v;
}

/* An array of n doubles or int64s (both 8 bytes), malloc'd; NULL when out of memory. */
static void *
alloc_col(size_t n)
{
	return n <= SIZE_MAX / sizeof(double) ? malloc(n * sizeof(double)) : NULL;
}

void
responses_free(struct responses *r)
{
	free(r->account);
	free(r->wave);
	free(r->revenue);
	free(r->churned);
	free(r->nps);
	free(r->sat);
	free(r->intent);
	for (size_t j = 0; j < RESPONSES_COMPONENTS; j++) {
		free(r->comp[j]);
		free(r->rival[j]);
	}
	memset(r, 0, sizeof(*r));
}

/* Draws the loyalty, revenue and churn of accounts 1..na into index 0..na − 1 of each array. */
static void
gen_accounts(struct rng *g, size_t na, double *loyalty, double *revenue, double *churned)
{
	for (size_t a = 0; a < na; a++) {
		double u = ACCOUNT_SD * rng_normal(g), logit = CHURN_BASE - CHURN_LOYALTY * u;

		loyalty[a] = u;
		revenue[a] = fmax(1, round(exp(rng_normal(g)) * 100)) / 100;
		churned[a] = rng_uniform(g) < 1 / (1 + exp(-logit)) ? 1 : 0;
	}
}

/* Draws the answers of row i (account already set) of *out; u the account's loyalty. */
static void
gen_row(struct rng *g, struct responses *out, size_t i, double u)
{
	double att = u + WAVE_STEP * (double)(out->wave[i] - 1) + ATTITUDE_SD * rng_normal(g);
	double ours[RESPONSES_COMPONENTS], drive = 0, items = 0, nps, sat, intent;

	for (size_t j = 0; j < RESPONSES_COMPONENTS; j++) {
		double dev;

		ours[j] = rating(base[j] + load[j] * att + ITEM_SD * rng_normal(g),
				 RESPONSES_SCALE_LO, RESPONSES_SCALE_HI);
		dev = ours[j] - base[j];
		drive += weight[j] * dev;
		items += dev / RESPONSES_COMPONENTS;
		out->rival[j][i] = maybe_missing(
		    g, rating(base[j] + shift[j] + RIVAL_FOLLOW * dev + ITEM_SD * rng_normal(g),
			      RESPONSES_SCALE_LO, RESPONSES_SCALE_HI));
	}
	nps = rating(NPS_BASE + drive + NPS_ATTITUDE * att + NPS_SD * rng_normal(g), 0,
		     RESPONSES_NPS_HI);
	sat = rating(SAT_BASE + SAT_ITEMS * items + SAT_ATTITUDE * att + SAT_SD * rng_normal(g),
		     RESPONSES_SCALE_LO, RESPONSES_SCALE_HI);
	intent = rating(INT_BASE + INT_SAT * (sat - SAT_BASE) + INT_LOYALTY * u -
			    INT_CHURNED * out->churned[i] + INT_SD * rng_normal(g),
			RESPONSES_SCALE_LO, RESPONSES_SCALE_HI);
	for (size_t j = 0; j < RESPONSES_COMPONENTS; j++)
		out->comp[j][i] = maybe_missing(g, ours[j]);
	out->nps[i] = maybe_missing(g, nps);
	out->sat[i] = maybe_missing(g, sat);
	out->intent[i] = maybe_missing(g, intent);
}

enum adv_err
responses_generate(size_t n, uint64_t seed, struct responses *out, struct adv_errbuf *eb)
{
	struct rng g = {seed, 0, false};
	double *loyalty = NULL, *revenue = NULL, *churned = NULL;
	size_t na = n / RESPONSES_PER_ACCOUNT ? n / RESPONSES_PER_ACCOUNT : 1;
	bool ok;
	enum adv_err rc = ADV_OK;

	memset(out, 0, sizeof(*out));
	if (n == 0) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "no responses to generate");
		goto out;
	}
	ok = (loyalty = alloc_col(na)) && (revenue = alloc_col(na)) && (churned = alloc_col(na)) &&
	     (out->account = alloc_col(n)) && (out->wave = alloc_col(n)) &&
	     (out->revenue = alloc_col(n)) && (out->churned = alloc_col(n)) &&
	     (out->nps = alloc_col(n)) && (out->sat = alloc_col(n)) && (out->intent = alloc_col(n));
	for (size_t j = 0; ok && j < RESPONSES_COMPONENTS; j++)
		ok = (out->comp[j] = alloc_col(n)) && (out->rival[j] = alloc_col(n));
	if (!ok) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "no memory for %zu responses", n);
		goto out;
	}
	out->n = n;
	out->accounts = na;
	gen_accounts(&g, na, loyalty, revenue, churned);
	for (size_t i = 0; i < n; i++) {
		size_t a = (size_t)(rng_uniform(&g) * (double)na);

		out->account[i] = (int64_t)a + 1;
		out->wave[i] = (int64_t)(i * RESPONSES_WAVES / n) + 1;
		out->revenue[i] = revenue[a];
		out->churned[i] = churned[a];
		gen_row(&g, out, i, loyalty[a]);
	}
out:
	free(loyalty);
	free(revenue);
	free(churned);
	return rc;
}

/* Writes answer x (an integer, or NAN for missing) and a separator to f. */
static void
put_answer(FILE *f, double x, char sep)
{
	if (!isnan(x))
		fprintf(f, "%d", (int)x);
	fputc(sep, f);
}

enum adv_err
responses_write_csv(const struct responses *r, const char *path, struct adv_errbuf *eb)
{
	FILE *f = fopen(path, "w");
	enum adv_err rc = ADV_OK;

	if (f == NULL) {
		rc = adv_fail(eb, ADV_EIO, NULL, "%s: %s", path, strerror(errno));
		goto out;
	}
	setvbuf(f, NULL, _IOFBF, CSV_BUFFER);
	fputs("respondent_id,account_id,wave,revenue,churned,nps,sat,intent", f);
	for (size_t j = 0; j < RESPONSES_COMPONENTS; j++)
		fprintf(f, ",c%zu", j + 1);
	for (size_t j = 0; j < RESPONSES_COMPONENTS; j++)
		fprintf(f, ",k%zu", j + 1);
	fputc('\n', f);
	for (size_t i = 0; i < r->n; i++) {
		fprintf(f, "%zu,%lld,%lld,%.2f,%d,", i + 1, (long long)r->account[i],
			(long long)r->wave[i], r->revenue[i], (int)r->churned[i]);
		put_answer(f, r->nps[i], ',');
		put_answer(f, r->sat[i], ',');
		put_answer(f, r->intent[i], ',');
		for (size_t j = 0; j < RESPONSES_COMPONENTS; j++)
			put_answer(f, r->comp[j][i], ',');
		for (size_t j = 0; j < RESPONSES_COMPONENTS; j++)
			put_answer(f, r->rival[j][i], j + 1 < RESPONSES_COMPONENTS ? ',' : '\n');
	}
	if (ferror(f)) {
		rc = adv_fail(eb, ADV_EIO, NULL, "%s: write failed", path);
		goto out;
	}
out:
	if (f != NULL && fclose(f) != 0 && rc == ADV_OK)
		rc = adv_fail(eb, ADV_EIO, NULL, "%s: %s", path, strerror(errno));
	return rc;
}
