/*
 * nps.c — the Net Promoter Score and its interval, weighted and not, the
 * latest answer per account and the wave-to-wave test (see nps.h). One pass
 * over the answers builds the counts (and weight sums) per score 0..10;
 * every figure is derived from those eleven cells.
 */
#include "analytics/nps.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

#define HASH_MIN_SLOTS 16
#define HASH_EMPTY     UINT32_MAX

/* The three categories of answers. */
enum category { DETRACTOR, PASSIVE, PROMOTER, CATEGORY__MAX };

/* The sufficient statistics of one pass: counts and weight sums per score. */
struct nps_sums {
	size_t count[NPS_SCORES];
	double wsum[NPS_SCORES]; /* Σ w per score; unused without weights */
	double w2;		 /* Σ w² */
};

/* True when w is a usable weight: finite and ≥ 0. */
static bool
weight_ok(double w)
{
	return w >= 0 && w <= DBL_MAX;
}

/* Sets every figure of out that needs a share to NAN. */
static void
set_missing(struct nps_result *out)
{
	for (size_t s = 0; s < NPS_SCORES; s++)
		out->share[s] = NAN;
	out->n_eff = out->p_promoters = out->p_passives = out->p_detractors = NAN;
	out->nps = out->se = out->ci_lo = out->ci_hi = NAN;
}

/* The category of answer s in 0..10. */
static enum category
category_of(size_t s)
{
	return s >= NPS_PROMOTER_MIN ? PROMOTER : s >= NPS_PASSIVE_MIN ? PASSIVE : DETRACTOR;
}

/* The figures of out from the sums of one pass (weighted when `weighted`). */
static void
finish(const struct nps_sums *sums, bool weighted, struct nps_result *out)
{
	double total = 0, cat[CATEGORY__MAX] = {0}, m, p, d, pa, da, ma, sea, z;
	size_t n = 0, ccount[CATEGORY__MAX] = {0};

	for (size_t s = 0; s < NPS_SCORES; s++) {
		double v = weighted ? sums->wsum[s] : (double)sums->count[s];

		out->count[s] = sums->count[s];
		n += sums->count[s];
		ccount[category_of(s)] += sums->count[s];
		cat[category_of(s)] += v;
		total += v;
	}
	out->n = n;
	out->detractors = ccount[DETRACTOR];
	out->passives = ccount[PASSIVE];
	out->promoters = ccount[PROMOTER];
	out->weight_sum = total;
	set_missing(out);
	out->status = n == 0 ? ANALYTICS_EMPTY : total > 0 ? ANALYTICS_OK : ANALYTICS_ZERO_WEIGHT;
	out->small = true;
	if (out->status != ANALYTICS_OK)
		return;
	for (size_t s = 0; s < NPS_SCORES; s++)
		out->share[s] = (weighted ? sums->wsum[s] : (double)sums->count[s]) / total;
	m = weighted ? total * total / sums->w2 : (double)n;
	out->n_eff = m;
	out->small = m < ANALYTICS_SMALL_N;
	out->p_detractors = d = cat[DETRACTOR] / total;
	out->p_passives = cat[PASSIVE] / total;
	out->p_promoters = p = cat[PROMOTER] / total;
	out->nps = NPS_MAX * (p - d);
	out->se = NPS_MAX * sqrt(fmax(0, p + d - (p - d) * (p - d)) / m);
	/* Adjusted Wald: unweighted p·m and d·m are exactly the counts. */
	ma = m + NPS_AW_ADD_N;
	pa = ((weighted ? p * m : (double)out->promoters) + NPS_AW_ADD_CATEGORY) / ma;
	da = ((weighted ? d * m : (double)out->detractors) + NPS_AW_ADD_CATEGORY) / ma;
	sea = sqrt((pa + da - (pa - da) * (pa - da)) / ma);
	z = gsl_cdf_ugaussian_Pinv(ANALYTICS_Q);
	out->ci_lo = fmax(-NPS_MAX, NPS_MAX * (pa - da) - z * NPS_MAX * sea);
	out->ci_hi = fmin(NPS_MAX, NPS_MAX * (pa - da) + z * NPS_MAX * sea);
}

enum adv_err
nps_of_int(const int *score, const double *weight, size_t n, struct nps_result *out,
	   struct adv_errbuf *eb)
{
	struct nps_sums sums = {{0}, {0}, 0};
	enum adv_err rc = ADV_OK;

	for (size_t i = 0; i < n; i++) {
		int s = score[i];

		if (s < 0)
			continue;
		if (s >= NPS_SCORES) {
			rc = adv_fail(eb, ADV_EINVAL, "score",
				      "answer %d at row %zu is outside 0..10", s, i);
			goto out;
		}
		sums.count[s]++;
		if (weight != NULL) {
			double w = weight[i];

			if (!weight_ok(w)) {
				rc = adv_fail(eb, ADV_EINVAL, "weight",
					      "weight at row %zu is negative or not finite", i);
				goto out;
			}
			sums.wsum[s] += w;
			sums.w2 += w * w;
		}
	}
	finish(&sums, weight != NULL, out);
out:
	return rc;
}

enum adv_err
nps_of_double(const double *score, const double *weight, size_t n, struct nps_result *out,
	      struct adv_errbuf *eb)
{
	struct nps_sums sums = {{0}, {0}, 0};
	enum adv_err rc = ADV_OK;

	for (size_t i = 0; i < n; i++) {
		double x = score[i];
		int s;

		if (!(x >= 0)) /* NAN or negative: missing */
			continue;
		if (x >= NPS_SCORES || x != (double)(int)x) {
			rc = adv_fail(eb, ADV_EINVAL, "score",
				      "answer %g at row %zu is not an integer 0..10", x, i);
			goto out;
		}
		s = (int)x;
		sums.count[s]++;
		if (weight != NULL) {
			double w = weight[i];

			if (!weight_ok(w)) {
				rc = adv_fail(eb, ADV_EINVAL, "weight",
					      "weight at row %zu is negative or not finite", i);
				goto out;
			}
			sums.wsum[s] += w;
			sums.w2 += w * w;
		}
	}
	finish(&sums, weight != NULL, out);
out:
	return rc;
}

void
nps_diff(const struct nps_result *earlier, const struct nps_result *later,
	 struct nps_diff_result *out)
{
	double half;

	out->diff = out->se = out->ci_lo = out->ci_hi = out->z = out->p = NAN;
	out->significant = false;
	out->small = earlier->small || later->small;
	if (earlier->status != ANALYTICS_OK || later->status != ANALYTICS_OK) {
		out->status = ANALYTICS_EMPTY;
		return;
	}
	out->diff = later->nps - earlier->nps;
	out->se = sqrt(earlier->se * earlier->se + later->se * later->se);
	if (!(out->se > 0)) {
		out->status = ANALYTICS_NO_VARIANCE;
		return;
	}
	out->status = ANALYTICS_OK;
	out->z = out->diff / out->se;
	out->p = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
	out->significant = out->p < ANALYTICS_ALPHA;
	half = gsl_cdf_ugaussian_Pinv(ANALYTICS_Q) * out->se;
	out->ci_lo = out->diff - half;
	out->ci_hi = out->diff + half;
}

/* A well-mixed 64-bit hash of an account id (the splitmix64 finaliser). */
static uint64_t
hash_id(int64_t id)
{
	uint64_t x = (uint64_t)id;

	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/*
 * The account table: open addressing with linear probing, at most half full;
 * a slot holds the index of the latest response so far of one account
 * (whose id is account[index]), or HASH_EMPTY.
 */
struct table {
	uint32_t *slot;
	size_t mask; /* slots − 1, slots a power of two */
	size_t used;
};

/* The slot of t that holds account id, or the free slot where it would go. */
static uint32_t *
slot_of(const struct table *t, const int64_t *account, int64_t id)
{
	size_t s = (size_t)hash_id(id) & t->mask;

	while (t->slot[s] != HASH_EMPTY && account[t->slot[s]] != id)
		s = (s + 1) & t->mask;
	return &t->slot[s];
}

/* Makes t an empty table of `slots` slots (a power of two). Errors: ADV_ENOMEM. */
static enum adv_err
table_init(struct table *t, size_t slots)
{
	t->slot = slots <= SIZE_MAX / sizeof(*t->slot) ? malloc(slots * sizeof(*t->slot)) : NULL;
	if (t->slot == NULL)
		return ADV_ENOMEM;
	for (size_t s = 0; s < slots; s++)
		t->slot[s] = HASH_EMPTY;
	t->mask = slots - 1;
	t->used = 0;
	return ADV_OK;
}

/* Doubles the slots of t, keeping its entries. Errors: ADV_ENOMEM (t unchanged). */
static enum adv_err
table_grow(struct table *t, const int64_t *account)
{
	struct table bigger;
	enum adv_err rc = ADV_OK;

	if (t->mask + 1 > SIZE_MAX / 2) {
		rc = ADV_ENOMEM;
		goto out;
	}
	rc = table_init(&bigger, 2 * (t->mask + 1));
	if (rc != ADV_OK)
		goto out;
	for (size_t s = 0; s <= t->mask; s++)
		if (t->slot[s] != HASH_EMPTY)
			*slot_of(&bigger, account, account[t->slot[s]]) = t->slot[s];
	bigger.used = t->used;
	free(t->slot);
	*t = bigger;
out:
	return rc;
}

enum adv_err
nps_latest_per_account(const int64_t *account, const int64_t *order, size_t n, size_t *keep,
		       size_t *nkeep)
{
	struct table t = {NULL, 0, 0};
	size_t k = 0;
	enum adv_err rc;

	*nkeep = 0;
	if (n >= HASH_EMPTY) {
		rc = ADV_ETOOBIG;
		goto out;
	}
	rc = table_init(&t, HASH_MIN_SLOTS);
	if (rc != ADV_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		uint32_t *s = slot_of(&t, account, account[i]);

		if (*s == HASH_EMPTY) {
			if (2 * (t.used + 1) > t.mask + 1) {
				rc = table_grow(&t, account);
				if (rc != ADV_OK)
					goto out;
				s = slot_of(&t, account, account[i]);
			}
			t.used++;
		} else if (order != NULL && order[i] < order[*s]) {
			continue;
		}
		*s = (uint32_t)i;
	}
	/* keep as marks, then compacted in place: keep[k] with k ≤ i was already read. */
	for (size_t i = 0; i < n; i++)
		keep[i] = 0;
	for (size_t s = 0; s <= t.mask; s++)
		if (t.slot[s] != HASH_EMPTY)
			keep[t.slot[s]] = 1;
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			keep[k++] = i;
	*nkeep = k;
out:
	free(t.slot);
	return rc;
}
