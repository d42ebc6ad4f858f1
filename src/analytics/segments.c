/*
 * segments.c — Jones & Sasser classes and deterministic k-means with the
 * choice of k by silhouette (see segments.h). k-means runs on a row-major
 * copy of the fit set; the refinement over all rows and the profiles read the
 * caller's columns directly, so no copy of the whole data is made.
 *
 * Lloyd's assignment step is Hamerly's: each row keeps a lower bound on its
 * distance to every centre but its own, lowered by the centres' moves; while
 * the exact squared distance to its own centre is below the bound's square
 * (with a relative slack that covers every rounding of the bounds and of
 * dist2), no other centre can be as near, so the row keeps its centre without
 * the other k − 1 distances. Rows that fail the test are compared with every
 * centre exactly as before, so the labels, the sums (still accumulated row by
 * row in order) and the inertia are bit-identical to plain Lloyd's.
 */
#include "analytics/segments.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/moments.h"

static const char *const js_names[SEGMENTS_JS__MAX] = {
    [SEGMENTS_JS_APOSTLE] = "apostle",	   [SEGMENTS_JS_LOYALIST] = "loyalist",
    [SEGMENTS_JS_MERCENARY] = "mercenary", [SEGMENTS_JS_HOSTAGE] = "hostage",
    [SEGMENTS_JS_DEFECTOR] = "defector",
};

const char *
segments_js_name(enum segments_js c)
{
	return c >= 0 && c < SEGMENTS_JS__MAX ? js_names[c] : "none";
}

void
segments_js_params_default(struct segments_js_params *prm, double sat_lo, double sat_hi,
			   double int_lo, double int_hi)
{
	prm->sat_lo = sat_lo;
	prm->sat_hi = sat_hi;
	prm->sat_high = sat_hi - 1;
	prm->int_lo = int_lo;
	prm->int_hi = int_hi;
	prm->int_high = int_hi - 1;
}

/* True when lo < high ≤ hi, all finite. */
static bool
scale_ok(double lo, double high, double hi)
{
	return isfinite(lo) && isfinite(hi) && isfinite(high) && lo < high && high <= hi;
}

enum adv_err
segments_js_classify(const double *sat, const double *intent, size_t n,
		     const struct segments_js_params *prm, enum segments_js *row,
		     struct segments_js_result *out, struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;

	if (!scale_ok(prm->sat_lo, prm->sat_high, prm->sat_hi) ||
	    !scale_ok(prm->int_lo, prm->int_high, prm->int_hi)) {
		rc = adv_fail(eb, ADV_EINVAL, "thresholds",
			      "each scale needs finite lo < threshold <= hi");
		goto out;
	}
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		double s = sat[i], t = intent[i];
		enum segments_js c;

		if (isnan(s) || isnan(t)) {
			out->n_missing++;
			if (row)
				row[i] = SEGMENTS_JS_NONE;
			continue;
		}
		if (!(s >= prm->sat_lo && s <= prm->sat_hi && t >= prm->int_lo &&
		      t <= prm->int_hi)) {
			rc = adv_fail(
			    eb, ADV_EINVAL, "score",
			    "row %zu: satisfaction %g or intention %g is outside its scale", i, s,
			    t);
			goto out;
		}
		if (s < prm->sat_high)
			c = t >= prm->int_high ? SEGMENTS_JS_HOSTAGE : SEGMENTS_JS_DEFECTOR;
		else if (t < prm->int_high)
			c = SEGMENTS_JS_MERCENARY;
		else if (s == prm->sat_hi && t == prm->int_hi)
			c = SEGMENTS_JS_APOSTLE;
		else
			c = SEGMENTS_JS_LOYALIST;
		out->count[c]++;
		out->n++;
		if (row)
			row[i] = c;
	}
	out->small = out->n < ANALYTICS_SMALL_N;
	out->status = out->n ? ANALYTICS_OK : ANALYTICS_EMPTY;
	for (int c = 0; c < SEGMENTS_JS__MAX; c++)
		out->share[c] = out->n ? (double)out->count[c] / (double)out->n : NAN;
out:
	return rc;
}

/*
 * Rows to cluster: the fit set (row-major z-scores in buf) or, when buf is
 * NULL, the caller's columns, transformed on the fly (z_j = (x_j − mean_j) ·
 * inv_j) and skipped when incomplete.
 */
struct km_src {
	const double *buf;
	const double *const *col;
	size_t n, p;
	const double *mean, *inv;
};

/* Row i of s in z-scores (in tmp, p doubles, or in s's buffer); NULL when incomplete. */
static const double *
src_row(const struct km_src *s, size_t i, double *tmp)
{
	if (s->buf)
		return s->buf + i * s->p;
	for (size_t j = 0; j < s->p; j++) {
		double v = s->col[j][i];

		if (isnan(v))
			return NULL;
		tmp[j] = (v - s->mean[j]) * s->inv[j];
	}
	return tmp;
}

/*
 * Relative slack of the bounds: far above the relative rounding error of dist2
 * (below (SEGMENTS_MAX_DIMS + 3) · 2⁻⁵³), of sqrt and of the bound updates.
 */
#define KM_SLACK 1e-9
/* A lower bound at most this small is not trusted (squares near underflow). */
#define KM_TINY 1e-100
/* Rows per block of the pass that counts the complete rows. */
#define KM_BLOCK 256

/* Σ_j (a_j − b_j)², summed in order of j. */
static double
dist2(const double *a, const double *b, size_t p)
{
	double s = 0;

	for (size_t j = 0; j < p; j++) {
		double d = a[j] - b[j];

		s += d * d;
	}
	return s;
}

/*
 * How far the centres moved since the rows' lower bounds were taken (upper
 * bounds): the largest move far, by centre who (−1: none), and the largest
 * move of the other centres next.
 */
struct km_move {
	double far, next;
	int32_t who;
};

/*
 * The nearest of the k centres (k × p, row-major) to z, the lowest index on a
 * tie, its squared distance into *bd; when lb is not NULL, a lower bound on
 * the distance to every other centre into *lb.
 */
static int32_t
km_nearest(const double *z, const double *centre, size_t k, size_t p, double *lb, double *bd)
{
	double b = dist2(z, centre, p), second = INFINITY;
	int32_t best = 0;

	for (size_t c = 1; c < k; c++) {
		double d = dist2(z, centre + c * p, p);

		if (d < b) {
			second = b;
			b = d;
			best = (int32_t)c;
		} else if (d < second) {
			second = d;
		}
	}
	if (lb)
		*lb = sqrt(second) * (1 - KM_SLACK);
	*bd = b;
	return best;
}

/*
 * True when row z, labelled a (−1: none yet) with the lower bound *lb taken
 * before the centres moved by *mv, is provably still nearest to centre a (all
 * others strictly farther in dist2 as computed): then its squared distance to
 * a is in *bd and *lb is the lowered bound.
 */
static bool
km_keep(const double *z, const double *centre, size_t p, int32_t a, double *lb,
	const struct km_move *mv, double *bd)
{
	double l;

	if (a < 0)
		return false;
	l = *lb - (a == mv->who ? mv->next : mv->far);
	if (!(l > KM_TINY))
		return false;
	l *= 1 - KM_SLACK;
	*lb = l;
	*bd = dist2(z, centre + (size_t)a * p, p);
	return *bd < l * l * (1 - KM_SLACK);
}

/*
 * Assigns each row of s to its nearest of the k centres (k × p, row-major;
 * the lowest index on a tie) into label, summing each cluster's rows into
 * sum (k × p) and counting them into cnt; *inertia gets Σ squared distances.
 * With lb (a bound per complete row, in order) the rows whose bounds after
 * the moves *mv prove their label are not compared with the other centres,
 * and lb is kept up to date; lb NULL compares every row with every centre.
 * Returns how many labels changed.
 */
static size_t
km_assign(const struct km_src *s, size_t k, const double *centre, int32_t *label, double *lb,
	  const struct km_move *mv, double *sum, size_t *cnt, double *inertia)
{
	double tmp[SEGMENTS_MAX_DIMS], in = 0;
	size_t p = s->p, changed = 0, o = 0;

	memset(sum, 0, k * p * sizeof(*sum));
	memset(cnt, 0, k * sizeof(*cnt));
	for (size_t i = 0; i < s->n; i++) {
		const double *z = src_row(s, i, tmp);
		double bd;
		int32_t best;

		if (!z)
			continue;
		if (lb && km_keep(z, centre, p, label[i], lb + o, mv, &bd))
			best = label[i];
		else
			best = km_nearest(z, centre, k, p, lb ? lb + o : NULL, &bd);
		o++;
		changed += label[i] != best;
		label[i] = best;
		in += bd;
		cnt[best]++;
		for (size_t j = 0; j < p; j++)
			sum[(size_t)best * p + j] += z[j];
	}
	*inertia = in;
	return changed;
}

/*
 * Moves each of the k centres (k × p) with rows to the mean of its rows
 * (sum / cnt), recording into *mv upper bounds on the moves.
 */
static void
km_move(double *centre, const double *sum, const size_t *cnt, size_t k, size_t p,
	struct km_move *mv)
{
	double now[SEGMENTS_MAX_DIMS];

	*mv = (struct km_move){.far = 0, .next = 0, .who = -1};
	for (size_t c = 0; c < k; c++) {
		double d;

		if (!cnt[c])
			continue;
		for (size_t j = 0; j < p; j++)
			now[j] = sum[c * p + j] / (double)cnt[c];
		d = sqrt(dist2(centre + c * p, now, p)) * (1 + KM_SLACK);
		memcpy(centre + c * p, now, p * sizeof(*now));
		if (d > mv->far) {
			mv->next = mv->far;
			mv->far = d;
			mv->who = (int32_t)c;
		} else if (d > mv->next) {
			mv->next = d;
		}
	}
}

/*
 * Lloyd's algorithm over the rows of s from the k centres (in/out), labels
 * into label[0..s->n) (−1 for skipped rows): until no label changes or
 * SEGMENTS_MAX_ITER iterations, then a last assignment to the final centres.
 * lb holds a double of scratch per complete row of s. Returns the
 * iterations; *inertia as km_assign.
 */
static size_t
km_lloyd(const struct km_src *s, size_t k, double *centre, int32_t *label, double *lb,
	 double *inertia)
{
	double sum[SEGMENTS_K_MAX * SEGMENTS_MAX_DIMS];
	size_t cnt[SEGMENTS_K_MAX], it;
	struct km_move mv = {.far = 0, .next = 0, .who = -1};

	for (size_t i = 0; i < s->n; i++)
		label[i] = -1;
	for (it = 0; it < SEGMENTS_MAX_ITER; it++) {
		if (km_assign(s, k, centre, label, lb, &mv, sum, cnt, inertia) == 0)
			return it + 1;
		km_move(centre, sum, cnt, k, s->p, &mv);
	}
	km_assign(s, k, centre, label, lb, &mv, sum, cnt, inertia);
	return it;
}

/* splitmix64: the next 64 random bits of state *st. */
static uint64_t
rng_next(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A uniform double in [0, 1) from the top 53 bits. */
static double
rng_uniform(uint64_t *st)
{
	return (double)(rng_next(st) >> 11) * 0x1p-53;
}

/*
 * k-means++ seeds for the m rows of the row-major fit set buf (p columns):
 * the chosen rows into pick[0..k) and their values into centre (k × p); d2
 * holds m doubles of scratch. Returns false when fewer than k distinct rows
 * exist (every remaining D² is 0).
 */
static bool
km_seed(const double *buf, size_t m, size_t p, size_t k, uint64_t *st, double *d2, size_t *pick,
	double *centre)
{
	pick[0] = (size_t)(rng_uniform(st) * (double)m);
	memcpy(centre, buf + pick[0] * p, p * sizeof(*centre));
	for (size_t i = 0; i < m; i++)
		d2[i] = dist2(buf + i * p, centre, p);
	for (size_t c = 1; c < k; c++) {
		double total = 0, r, acc = 0;
		size_t chosen = m;

		for (size_t i = 0; i < m; i++)
			total += d2[i];
		if (!(total > 0))
			return false;
		r = rng_uniform(st) * total;
		for (size_t i = 0; i < m && chosen == m; i++) {
			acc += d2[i];
			if (acc > r)
				chosen = i;
		}
		for (size_t i = m; chosen == m && i-- > 0;)
			if (d2[i] > 0)
				chosen = i;
		pick[c] = chosen;
		memcpy(centre + c * p, buf + chosen * p, p * sizeof(*centre));
		for (size_t i = 0; i < m; i++)
			d2[i] = fmin(d2[i], dist2(buf + i * p, centre + c * p, p));
	}
	return true;
}

/*
 * The mean silhouettes of nl labellings of the s rows of sbuf (row-major, p
 * columns) at once, in one pass over the pairs: labelling q is slab[q·s ..
 * q·s + s) into kq[q] clusters, its mean into res[q] (NAN when fewer than
 * two clusters occur in it). Each labelling's sums are accumulated in the
 * order of the pairs, as for it alone. acc holds s × Σ kq doubles of scratch.
 */
static void
km_silhouette(const double *sbuf, size_t s, size_t p, size_t nl, const int32_t *slab,
	      const size_t *kq, double *acc, double *res)
{
	double *aq[SEGMENTS_K_MAX];
	size_t cnt[SEGMENTS_K_MAX][SEGMENTS_K_MAX] = {{0}}, used = 0, live[SEGMENTS_K_MAX],
	       nlive = 0;

	for (size_t q = 0; q < nl; q++) {
		size_t present = 0;

		aq[q] = acc + used;
		used += s * kq[q];
		for (size_t t = 0; t < s; t++)
			cnt[q][(size_t)slab[q * s + t]]++;
		for (size_t c = 0; c < kq[q]; c++)
			present += cnt[q][c] > 0;
		res[q] = NAN;
		if (present >= 2)
			live[nlive++] = q;
	}
	memset(acc, 0, used * sizeof(*acc));
	for (size_t t = 0; t < s; t++) {
		for (size_t u = t + 1; u < s; u++) {
			double d = sqrt(dist2(sbuf + t * p, sbuf + u * p, p));

			for (size_t v = 0; v < nlive; v++) {
				size_t q = live[v], k = kq[q];
				const int32_t *lab = slab + q * s;

				aq[q][t * k + (size_t)lab[u]] += d;
				aq[q][u * k + (size_t)lab[t]] += d;
			}
		}
	}
	for (size_t v = 0; v < nlive; v++) {
		size_t q = live[v], k = kq[q];
		double total = 0;

		for (size_t t = 0; t < s; t++) {
			size_t own = (size_t)slab[q * s + t];
			double a, b = INFINITY;

			if (cnt[q][own] < 2)
				continue;
			a = aq[q][t * k + own] / (double)(cnt[q][own] - 1);
			for (size_t c = 0; c < k; c++)
				if (c != own && cnt[q][c])
					b = fmin(b, aq[q][t * k + c] / (double)cnt[q][c]);
			if (fmax(a, b) > 0)
				total += (b - a) / fmax(a, b);
		}
		res[q] = total / (double)s;
	}
}

/* The number of values of k tried at most. */
#define KM_NK (SEGMENTS_K_MAX - SEGMENTS_K_MIN + 1)

/* Scratch of one clustering, owned by segments_kmeans. */
struct km_work {
	double *buf;	/* fit set, m × p z-scores */
	size_t *idx;	/* the caller's row of each fit row */
	int32_t *label; /* fit set labels */
	double *d2;	/* k-means++ D² */
	double *lb;	/* Hamerly's lower bounds, one per complete row */
	double *sbuf;	/* the silhouette sample, s × p */
	int32_t *slab;	/* its labels, KM_NK × s */
	double *sil;	/* silhouette sums, s × Σ k */
	size_t m, p, s; /* fit rows, columns, silhouette rows */
};

/* The kept run of one k. */
struct km_run {
	size_t k;
	double centre[SEGMENTS_K_MAX * SEGMENTS_MAX_DIMS];
	size_t pick[SEGMENTS_K_MAX];
	size_t iterations;
	double inertia;
};

/*
 * restarts seeded Lloyd runs with k clusters on the fit set, the one of the
 * lowest inertia into *best (its labels left in w->label). Returns false when
 * the fit set has fewer than k distinct rows.
 */
static bool
km_fit(struct km_work *w, size_t k, uint64_t seed, size_t restarts, struct km_run *best)
{
	struct km_src src = {.buf = w->buf, .n = w->m, .p = w->p};
	struct km_run run = {.k = k};
	uint64_t st = seed + k;
	double sum[SEGMENTS_K_MAX * SEGMENTS_MAX_DIMS];
	size_t cnt[SEGMENTS_K_MAX];

	best->k = 0;
	for (size_t r = 0; r < restarts; r++) {
		if (!km_seed(w->buf, w->m, w->p, k, &st, w->d2, run.pick, run.centre))
			return false;
		run.iterations = km_lloyd(&src, k, run.centre, w->label, w->lb, &run.inertia);
		if (best->k == 0 || run.inertia < best->inertia)
			*best = run;
	}
	km_assign(&src, k, best->centre, w->label, NULL, NULL, sum, cnt, &best->inertia);
	return true;
}

/* The labels of the silhouette sample rows of w's fit set into w->slab + q · w->s. */
static void
km_sample_labels(struct km_work *w, size_t q)
{
	for (size_t t = 0; t < w->s; t++)
		w->slab[q * w->s + t] = w->label[t * w->m / w->s];
}

/* Frees the scratch of w. */
static void
km_work_free(struct km_work *w)
{
	free(w->buf);
	free(w->idx);
	free(w->label);
	free(w->d2);
	free(w->lb);
	free(w->sbuf);
	free(w->slab);
	free(w->sil);
}

/*
 * Builds the fit set of w (w->m rows of the nc complete ones, evenly spaced)
 * and its silhouette sample of s rows from the columns of src.
 * Errors: ADV_ENOMEM.
 */
static enum adv_err
km_work_init(struct km_work *w, const struct km_src *src, size_t nc, size_t s,
	     struct adv_errbuf *eb)
{
	double tmp[SEGMENTS_MAX_DIMS];
	size_t m = w->m, p = w->p, t = 0, ord = 0;
	enum adv_err rc = ADV_OK;

	w->s = s;
	w->buf = malloc(m * p * sizeof(*w->buf));
	w->idx = malloc(m * sizeof(*w->idx));
	w->label = malloc(m * sizeof(*w->label));
	w->d2 = malloc(m * sizeof(*w->d2));
	w->lb = malloc(nc * sizeof(*w->lb));
	w->sbuf = malloc(s * p * sizeof(*w->sbuf));
	w->slab = malloc(s * KM_NK * sizeof(*w->slab));
	w->sil = malloc(s * KM_NK * (SEGMENTS_K_MIN + SEGMENTS_K_MAX) / 2 * sizeof(*w->sil));
	if (!w->buf || !w->idx || !w->label || !w->d2 || !w->lb || !w->sbuf || !w->slab ||
	    !w->sil) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "no memory for k-means");
		goto out;
	}
	for (size_t i = 0; i < src->n && t < m; i++) {
		const double *z = src_row(src, i, tmp);

		if (!z)
			continue;
		if (ord++ != t * nc / m)
			continue;
		memcpy(w->buf + t * p, z, p * sizeof(*z));
		w->idx[t++] = i;
	}
	for (size_t u = 0; u < s; u++)
		memcpy(w->sbuf + u * p, w->buf + u * m / s * p, p * sizeof(*w->sbuf));
out:
	return rc;
}

/* True when row i of the p columns holds an infinite value. */
static bool
km_row_infinite(const double *const *col, size_t p, size_t i)
{
	for (size_t j = 0; j < p; j++)
		if (isinf(col[j][i]))
			return true;
	return false;
}

/*
 * The number of complete rows of the p columns (n rows) into *nc, block by
 * block (x · 0 is 0 for a finite x, NAN for NAN or ±inf).
 * Errors: ADV_EINVAL for an infinite value (eb names the first row).
 */
static enum adv_err
km_count(const double *const *col, size_t p, size_t n, size_t *nc, struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;

	*nc = 0;
	for (size_t start = 0; start < n; start += KM_BLOCK) {
		size_t len = n - start < KM_BLOCK ? n - start : KM_BLOCK;
		double t[KM_BLOCK] = {0};

		for (size_t j = 0; j < p; j++) {
			const double *x = col[j] + start;

			for (size_t i = 0; i < len; i++)
				t[i] += x[i] * 0.0;
		}
		for (size_t i = 0; i < len; i++) {
			if (t[i] == 0) {
				(*nc)++;
			} else if (km_row_infinite(col, p, start + i)) {
				rc = adv_fail(eb, ADV_EINVAL, "value",
					      "an infinite value at row %zu", start + i);
				goto out;
			}
		}
	}
out:
	return rc;
}

/* Sizes, shares and profiles (means of the raw columns) of the k clusters of label. */
static void
km_profiles(const double *const *col, size_t p, size_t n, const int32_t *label,
	    struct segments_kmeans_result *out)
{
	memset(out->size, 0, sizeof(out->size));
	memset(out->profile, 0, sizeof(out->profile));
	for (size_t i = 0; i < n; i++) {
		if (label[i] < 0)
			continue;
		out->size[label[i]]++;
		for (size_t j = 0; j < p; j++)
			out->profile[label[i]][j] += col[j][i];
	}
	for (size_t c = 0; c < out->k; c++) {
		out->share[c] = (double)out->size[c] / (double)out->n;
		for (size_t j = 0; j < p; j++)
			out->profile[c][j] /= (double)out->size[c];
	}
}

/* Checks the parameters of segments_kmeans. Errors: ADV_EINVAL. */
static enum adv_err
km_check(size_t p, const struct segments_kmeans_params *prm, struct adv_errbuf *eb)
{
	if (p == 0 || p > SEGMENTS_MAX_DIMS)
		return adv_fail(eb, ADV_EINVAL, "components", "k-means takes 1..%d components",
				SEGMENTS_MAX_DIMS);
	if (prm->k != 0 && (prm->k < 2 || prm->k > SEGMENTS_K_MAX))
		return adv_fail(eb, ADV_EINVAL, "k", "k must be 2..%d (or 0 to choose)",
				SEGMENTS_K_MAX);
	if (prm->fit_sample != 0 && prm->fit_sample < 2 * SEGMENTS_K_MAX)
		return adv_fail(eb, ADV_EINVAL, "fit_sample", "the fit sample needs %d rows",
				2 * SEGMENTS_K_MAX);
	if (prm->sil_sample == 1)
		return adv_fail(eb, ADV_EINVAL, "sil_sample", "the silhouette needs 2 rows");
	return ADV_OK;
}

enum adv_err
segments_kmeans(const double *const *col, size_t p, size_t n,
		const struct segments_kmeans_params *prm, int32_t *label,
		struct segments_kmeans_result *out, struct adv_errbuf *eb)
{
	double mean[SEGMENTS_MAX_DIMS], inv[SEGMENTS_MAX_DIMS], sil_k[KM_NK];
	struct km_work w = {0};
	struct km_src all = {.col = col, .n = n, .p = p, .mean = mean, .inv = inv};
	struct km_run runs[KM_NK], *best = NULL;
	struct moments mo;
	size_t restarts = prm->restarts ? prm->restarts : SEGMENTS_RESTARTS;
	size_t fit = prm->fit_sample ? prm->fit_sample : SEGMENTS_FIT_SAMPLE;
	size_t sil = prm->sil_sample ? prm->sil_sample : SEGMENTS_SIL_SAMPLE;
	size_t k_lo = prm->k ? prm->k : SEGMENTS_K_MIN, k_hi = prm->k ? prm->k : SEGMENTS_K_MAX;
	size_t nc = 0, nk = 0, kq[KM_NK] = {0};
	double best_sil = NAN;
	enum adv_err rc;

	if ((rc = km_check(p, prm, eb)) != ADV_OK)
		goto out;
	for (size_t i = 0; i < n; i++)
		label[i] = -1;
	if (prm->standardise)
		rc = moments_compute(col, p, n, &mo, eb);
	else
		rc = km_count(col, p, n, &nc, eb);
	if (rc != ADV_OK)
		goto out;
	if (prm->standardise)
		nc = mo.n;
	memset(out, 0, sizeof(*out));
	out->n = nc;
	out->small = nc < ANALYTICS_SMALL_N;
	out->p = p;
	out->inertia = out->silhouette = NAN;
	for (size_t k = 0; k <= SEGMENTS_K_MAX; k++)
		out->silhouette_by_k[k] = NAN;
	for (size_t j = 0; j < p; j++) {
		double sd = prm->standardise && nc ? sqrt(moments_m2(&mo, j, j) / (double)nc) : 0;

		mean[j] = prm->standardise ? mo.mean[j] : 0;
		inv[j] = sd > 0 ? 1 / sd : 1;
	}
	w.p = p;
	w.m = nc < fit ? nc : fit;
	out->fit_n = w.m;
	out->sil_n = w.m < sil ? w.m : sil;
	if (nc == 0 || nc < (prm->k ? prm->k : 3)) {
		out->status = nc ? ANALYTICS_TOO_FEW : ANALYTICS_EMPTY;
		goto out;
	}
	if ((rc = km_work_init(&w, &all, nc, out->sil_n, eb)) != ADV_OK)
		goto out;
	if (!prm->k && k_hi > w.m - 1)
		k_hi = w.m - 1;
	for (size_t k = k_lo; k <= k_hi; k++) {
		if (!km_fit(&w, k, prm->seed, restarts, &runs[nk]))
			break;
		km_sample_labels(&w, nk);
		kq[nk++] = k;
	}
	if (nk > 0)
		km_silhouette(w.sbuf, w.s, p, nk, w.slab, kq, w.sil, sil_k);
	for (size_t q = 0; q < nk; q++) {
		double s = sil_k[q];

		out->silhouette_by_k[kq[q]] = s;
		if (!best || (isnan(best_sil) ? !isnan(s) : s > best_sil)) {
			best = &runs[q];
			best_sil = s;
		}
	}
	if (!best) {
		out->status = ANALYTICS_NO_VARIANCE;
		goto out;
	}
	out->k = best->k;
	for (size_t c = 0; c < best->k; c++)
		out->init_row[c] = w.idx[best->pick[c]];
	if (w.m < nc) {
		out->iterations = km_lloyd(&all, best->k, best->centre, label, w.lb, &out->inertia);
		for (size_t t = 0; t < w.m; t++)
			w.label[t] = label[w.idx[t]];
	} else {
		struct km_src src = {.buf = w.buf, .n = w.m, .p = p};
		double sum[SEGMENTS_K_MAX * SEGMENTS_MAX_DIMS];
		size_t cnt[SEGMENTS_K_MAX];

		km_assign(&src, best->k, best->centre, w.label, NULL, NULL, sum, cnt,
			  &out->inertia);
		out->iterations = best->iterations;
		for (size_t t = 0; t < w.m; t++)
			label[w.idx[t]] = w.label[t];
	}
	km_sample_labels(&w, 0);
	km_silhouette(w.sbuf, w.s, p, 1, w.slab, &best->k, w.sil, &out->silhouette);
	km_profiles(col, p, n, label, out);
	out->status = ANALYTICS_OK;
out:
	km_work_free(&w);
	return rc;
}
