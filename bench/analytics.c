/*
 * analytics.c — the research analytics benchmark (issue 6, "Benchmarks"):
 * generates N synthetic survey responses (bench/responses.h) into column
 * arrays (double, NAN = missing), then times the full analytics suite of
 * issue 6 item 6, computed by the engine's functions (src/analytics/), against
 * a bare C pass over the same columns, and prints the ratio (target ≤ 3), the
 * peak memory against the raw size of the columns (target ≤ 2) and, given the
 * figures of bench/analytics_pandas.py on the same data, the ratio of pandas'
 * time to the suite's (target ≥ 20) with the headline figures of both side by
 * side.
 *
 *   analytics [--responses N] [--runs R] [--seed S] [--pandas FILE]
 *
 * The suite, on all N responses:
 *   - NPS per respondent with its adjusted-Wald interval and distribution;
 *   - the latest answered response of each account: NPS per account and
 *     weighted by the account's revenue; the negative base — churned against
 *     retained accounts: Welch's test per component, the two-proportion test
 *     of their shares of promoters;
 *   - each component's mean with its t interval and top-2-box; Cronbach's
 *     alpha of the ten components;
 *   - key drivers of NPS on the ten components (Pearson, standardised OLS with
 *     p-values and R², relative weights, exact LMG) and the
 *     importance–performance quadrants (relative weight share × mean);
 *   - competitor gaps: the paired t-test of our and the competitor's rating
 *     of each component;
 *   - Jones & Sasser segments (satisfaction × intention to stay);
 *   - the trend across waves: NPS per wave and its change from each wave to
 *     the next, each component's mean per wave and Welch's test of its change;
 *   - k-means on the ten components, k chosen by silhouette in 2..8
 *     (KMEANS_SEED), each segment's profile and size.
 * The bare pass sums every column the suite reads in full (nps, sat, intent,
 * c1..c10, k1..k10, account) and its squares, skipping NAN, one loop per
 * column. Both are timed with CLOCK_MONOTONIC, alternating, the best of R runs
 * each, after one unmeasured run of each; the suite is reported with and
 * without k-means (its own best). The suite allocates scratch (about 3 × 8
 * bytes per response for the accounts, 4 for the k-means labels) and frees it;
 * malloc is told to keep freed memory (mallopt), as a long-running server's
 * heap does in its steady state, so that the runs do not measure the kernel's
 * page faults on fresh memory (very slow on some virtual machines): the time of
 * the first run, which does pay them, is printed too.
 *
 * --pandas FILE reads the "key value" lines of bench/analytics_pandas.py:
 * time_s (its computations, CSV reading excluded), time_kmeans_s, and the
 * same headline figures under the same keys, which are printed beside this
 * suite's and checked to agree (counts and labels exactly, numbers to
 * FIGURE_REL relative).
 *
 * The last line of the output is "summary key=value …" for bench/analytics.sh.
 * Exit status 0 when every target checked is met (and the figures agree), 1
 * when one is not or something failed, 2 for a usage error.
 */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytics/compare.h"
#include "analytics/describe.h"
#include "analytics/drivers.h"
#include "analytics/nps.h"
#include "analytics/segments.h"
#include "responses.h"

#define BENCH_RESPONSES 1000000
#define BENCH_RUNS	5
#define BENCH_RUNS_MAX	50
#define TARGET_BARE	3.0   /* suite / bare pass at most */
#define TARGET_MEMORY	2.0   /* peak memory / raw columns at most */
#define TARGET_PANDAS	20.0  /* pandas / suite at least */
#define KMEANS_SEED	1     /* the k-means++ seed; bench/analytics_pandas.py uses the same */
#define FIGURE_REL	1e-5  /* figures of C and pandas agree to this, relative */
#define FIGURE_ABS	1e-15 /* … or absolute, for figures that are zero up to rounding */
#define FIGURES_MAX	128
#define FIGURE_KEY_MAX	48
#define FIGURE_TEXT_MAX 32
#define TEXT_LINE_MAX	256	   /* a line of the pandas file or of /proc/self/status */
#define MALLOC_KEEP	(32 << 20) /* glibc's largest mmap threshold */
#define NC		RESPONSES_COMPONENTS
#define NW		RESPONSES_WAVES
#define BARE_COLUMNS	(4 + 2 * NC) /* account, nps, sat, intent, c1..c10, k1..k10 */

/* The timed sections of the suite, in the order they run. */
enum section {
	SEC_NPS,
	SEC_ACCOUNTS,
	SEC_COMPONENTS,
	SEC_DRIVERS,
	SEC_GAPS,
	SEC_JS,
	SEC_TREND,
	SEC_KMEANS,
	SEC__MAX
};

static const char *const section_name[SEC__MAX] = {
    [SEC_NPS] = "NPS per respondent, distribution",
    [SEC_ACCOUNTS] = "latest per account: NPS, revenue-weighted, negative base",
    [SEC_COMPONENTS] = "component means, t intervals, top-2-box, Cronbach's alpha",
    [SEC_DRIVERS] = "key drivers of NPS (r, OLS, relative weights, LMG), IPA",
    [SEC_GAPS] = "competitor gaps (paired t per component)",
    [SEC_JS] = "Jones & Sasser segments",
    [SEC_TREND] = "trend across waves (NPS and component means)",
    [SEC_KMEANS] = "k-means, k by silhouette 2..8, profiles",
};

/* Everything the suite computes. */
struct suite {
	struct nps_result nps;	    /* per respondent */
	struct nps_result account;  /* the latest answer of each account */
	struct nps_result revenue;  /* the same weighted by revenue */
	struct nps_result churned;  /* the latest answers of churned accounts */
	struct nps_result retained; /* … and of retained ones */
	struct compare_welch_result neg[NC];
	struct compare_prop_result neg_promoters;
	struct describe_result comp[NC];
	struct describe_alpha_result alpha;
	struct drivers_result drivers;
	struct drivers_ipa_mid ipa_mid;
	enum drivers_quadrant ipa[NC];
	struct compare_paired_result gap[NC];
	struct segments_js_result js;
	size_t waves;
	struct nps_result wave_nps[NW];
	struct nps_diff_result wave_nps_change[NW - 1];
	struct describe_result wave_comp[NC][NW];
	struct compare_welch_result wave_comp_change[NC][NW - 1];
	struct segments_kmeans_result km;
};

/* What the bare pass computes: per column, the count, sum and sum of squares of its values. */
struct bare {
	size_t n[BARE_COLUMNS];
	double s1[BARE_COLUMNS], s2[BARE_COLUMNS];
};

/* One headline figure: a number, a count or a label, under its key. */
enum figure_kind { FIG_REAL, FIG_COUNT, FIG_TEXT };

struct figure {
	char key[FIGURE_KEY_MAX];
	enum figure_kind kind;
	double value;
	char text[FIGURE_TEXT_MAX];
};

struct figures {
	size_t n;
	struct figure f[FIGURES_MAX];
};

/* Seconds on a monotonic clock. */
static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * The latest answered response of each account: NPS unweighted and weighted
 * by revenue, and the negative base (churned against retained accounts).
 * The answered rows' accounts go to a scratch array for
 * nps_latest_per_account (rows are ordered by wave, so later in the array is
 * later); the kept rows' answers are gathered, churned accounts first, into
 * one scratch block. Errors: ADV_ENOMEM, or the engine's.
 */
static enum adv_err
suite_accounts(const struct responses *r, struct suite *s, struct adv_errbuf *eb)
{
	size_t n = r->n, m = 0, nk = 0, nch = 0, a = 0, b;
	size_t *row = malloc(n * sizeof(*row)), *keep = malloc(n * sizeof(*keep));
	int64_t *acc = malloc(n * sizeof(*acc));
	double *g = NULL, *g_nps, *g_rev, *g_comp[NC];
	enum adv_err rc = ADV_OK;

	if (row == NULL || keep == NULL || acc == NULL) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "no memory for the accounts");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!isnan(r->nps[i])) {
			row[m] = i;
			acc[m++] = r->account[i];
		}
	if ((rc = nps_latest_per_account(acc, NULL, m, keep, &nk)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "latest per account failed");
		goto out;
	}
	for (size_t t = 0; t < nk; t++)
		nch += r->churned[row[keep[t]]] != 0;
	g = malloc((NC + 2) * (nk ? nk : 1) * sizeof(*g));
	if (g == NULL) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "no memory for the accounts");
		goto out;
	}
	g_nps = g;
	g_rev = g + nk;
	for (size_t j = 0; j < NC; j++)
		g_comp[j] = g + (j + 2) * nk;
	b = nch;
	for (size_t t = 0; t < nk; t++) {
		size_t i = row[keep[t]], at = r->churned[i] != 0 ? a++ : b++;

		g_nps[at] = r->nps[i];
		g_rev[at] = r->revenue[i];
		for (size_t j = 0; j < NC; j++)
			g_comp[j][at] = r->comp[j][i];
	}
	if ((rc = nps_of_double(g_nps, NULL, nk, &s->account, eb)) != ADV_OK ||
	    (rc = nps_of_double(g_nps, g_rev, nk, &s->revenue, eb)) != ADV_OK ||
	    (rc = nps_of_double(g_nps, NULL, nch, &s->churned, eb)) != ADV_OK ||
	    (rc = nps_of_double(g_nps + nch, NULL, nk - nch, &s->retained, eb)) != ADV_OK ||
	    (rc = compare_prop(s->churned.promoters, s->churned.n, s->retained.promoters,
			       s->retained.n, &s->neg_promoters, eb)) != ADV_OK)
		goto out;
	for (size_t j = 0; j < NC; j++)
		compare_welch(g_comp[j], nch, g_comp[j] + nch, nk - nch, &s->neg[j]);
out:
	free(row);
	free(keep);
	free(acc);
	free(g);
	return rc;
}

/*
 * The trend across waves: rows are ordered by wave, so each wave is a slice,
 * found by binary search. Errors: the engine's.
 */
static enum adv_err
suite_trend(const struct responses *r, struct suite *s, struct adv_errbuf *eb)
{
	size_t start[NW + 1], len[NW];
	const double *slice[NW];
	enum adv_err rc = ADV_OK;

	s->waves = NW;
	for (size_t w = 0; w <= NW; w++) {
		size_t lo = 0, hi = r->n;

		while (lo < hi) { /* the first row of a wave > w */
			size_t mid = lo + (hi - lo) / 2;

			if (r->wave[mid] <= (int64_t)w)
				lo = mid + 1;
			else
				hi = mid;
		}
		start[w] = lo;
	}
	for (size_t w = 0; w < NW; w++) {
		len[w] = start[w + 1] - start[w];
		rc = nps_of_double(r->nps + start[w], NULL, len[w], &s->wave_nps[w], eb);
		if (rc != ADV_OK)
			goto out;
		if (w > 0)
			nps_diff(&s->wave_nps[w - 1], &s->wave_nps[w], &s->wave_nps_change[w - 1]);
	}
	for (size_t j = 0; j < NC; j++) {
		for (size_t w = 0; w < NW; w++)
			slice[w] = r->comp[j] + start[w];
		rc = compare_trend(slice, len, NW, RESPONSES_SCALE_LO, RESPONSES_SCALE_HI,
				   s->wave_comp[j], s->wave_comp_change[j], eb);
		if (rc != ADV_OK)
			goto out;
	}
out:
	return rc;
}

/* k-means on the ten components, k chosen by silhouette. Errors: ADV_ENOMEM, the engine's. */
static enum adv_err
suite_kmeans(const struct responses *r, struct suite *s, struct adv_errbuf *eb)
{
	struct segments_kmeans_params prm = {.seed = KMEANS_SEED};
	int32_t *label = malloc(r->n * sizeof(*label));
	enum adv_err rc = ADV_OK;

	if (label == NULL) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "no memory for the k-means labels");
		goto out;
	}
	rc = segments_kmeans((const double *const *)r->comp, NC, r->n, &prm, label, &s->km, eb);
out:
	free(label);
	return rc;
}

/*
 * The whole suite over *r into *s; each section's seconds into t[SEC_…].
 * Errors: ADV_ENOMEM, or the engine's (eb says which).
 */
static enum adv_err
suite_run(const struct responses *r, struct suite *s, double *t, struct adv_errbuf *eb)
{
	const double *const *comp = (const double *const *)r->comp;
	double imp[NC], perf[NC], t0 = now_s(), t1;
	struct segments_js_params js;
	enum adv_err rc;

	if ((rc = nps_of_double(r->nps, NULL, r->n, &s->nps, eb)) != ADV_OK)
		goto out;
	t1 = now_s();
	t[SEC_NPS] = t1 - t0;
	if ((rc = suite_accounts(r, s, eb)) != ADV_OK)
		goto out;
	t0 = now_s();
	t[SEC_ACCOUNTS] = t0 - t1;
	for (size_t j = 0; j < NC; j++)
		if ((rc = describe_scale(comp[j], r->n, RESPONSES_SCALE_LO, RESPONSES_SCALE_HI,
					 &s->comp[j], eb)) != ADV_OK)
			goto out;
	if ((rc = describe_alpha(comp, NC, r->n, &s->alpha, eb)) != ADV_OK)
		goto out;
	t1 = now_s();
	t[SEC_COMPONENTS] = t1 - t0;
	if ((rc = drivers_analyze(r->nps, comp, NC, r->n, &s->drivers, eb)) != ADV_OK)
		goto out;
	for (size_t j = 0; j < NC; j++) {
		imp[j] = s->drivers.item[j].rw_share;
		perf[j] = s->comp[j].mean;
	}
	if ((rc = drivers_ipa(imp, perf, NC, NULL, &s->ipa_mid, s->ipa, eb)) != ADV_OK)
		goto out;
	t0 = now_s();
	t[SEC_DRIVERS] = t0 - t1;
	for (size_t j = 0; j < NC; j++)
		compare_paired(r->comp[j], r->rival[j], r->n, &s->gap[j]);
	t1 = now_s();
	t[SEC_GAPS] = t1 - t0;
	segments_js_params_default(&js, RESPONSES_SCALE_LO, RESPONSES_SCALE_HI, RESPONSES_SCALE_LO,
				   RESPONSES_SCALE_HI);
	if ((rc = segments_js_classify(r->sat, r->intent, r->n, &js, NULL, &s->js, eb)) != ADV_OK)
		goto out;
	t0 = now_s();
	t[SEC_JS] = t0 - t1;
	if ((rc = suite_trend(r, s, eb)) != ADV_OK)
		goto out;
	t1 = now_s();
	t[SEC_TREND] = t1 - t0;
	if ((rc = suite_kmeans(r, s, eb)) != ADV_OK)
		goto out;
	t[SEC_KMEANS] = now_s() - t1;
out:
	return rc;
}

/* Count, sum and sum of squares of x[0..n), NAN skipped, into column c of *b. */
static void
bare_column(const double *x, size_t n, size_t c, struct bare *b)
{
	double s1 = 0, s2 = 0;
	size_t cnt = 0;

	for (size_t i = 0; i < n; i++) {
		double v = x[i];

		if (isnan(v))
			continue;
		s1 += v;
		s2 += v * v;
		cnt++;
	}
	b->n[c] = cnt;
	b->s1[c] = s1;
	b->s2[c] = s2;
}

/* The bare pass: every column the suite reads in full, one loop each, into *b. */
static void
bare_run(const struct responses *r, struct bare *b)
{
	int64_t s1 = 0, s2 = 0;
	size_t c = 0;

	for (size_t i = 0; i < r->n; i++) {
		int64_t v = r->account[i];

		s1 += v;
		s2 += v * v;
	}
	b->n[c] = r->n;
	b->s1[c] = (double)s1;
	b->s2[c++] = (double)s2;
	bare_column(r->nps, r->n, c++, b);
	bare_column(r->sat, r->n, c++, b);
	bare_column(r->intent, r->n, c++, b);
	for (size_t j = 0; j < NC; j++) {
		bare_column(r->comp[j], r->n, c++, b);
		bare_column(r->rival[j], r->n, c++, b);
	}
}

/* The peak resident memory of this process in kB (VmHWM), or 0 when unknown. */
static long
peak_kb(void)
{
	char line[TEXT_LINE_MAX];
	long kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		goto out;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
out:
	return kb;
}

/* Appends a figure to *fs (silently ignored past FIGURES_MAX: the list below is shorter). */
static void fig_add(struct figures *fs, enum figure_kind kind, double value, const char *text,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
fig_add(struct figures *fs, enum figure_kind kind, double value, const char *text, const char *fmt,
	...)
{
	struct figure *f;
	va_list ap;

	if (fs->n == FIGURES_MAX)
		return;
	f = &fs->f[fs->n++];
	va_start(ap, fmt);
	vsnprintf(f->key, sizeof(f->key), fmt, ap);
	va_end(ap);
	f->kind = kind;
	f->value = value;
	snprintf(f->text, sizeof(f->text), "%s", text ? text : "");
}

/* The one-letter code of an importance–performance quadrant. */
static char
quadrant_letter(enum drivers_quadrant q)
{
	static const char letter[DRIVERS_QUADRANT__MAX] = {
	    [DRIVERS_FIX_FIRST] = 'F',
	    [DRIVERS_KEEP_UP] = 'K',
	    [DRIVERS_POSSIBLE_OVERKILL] = 'O',
	    [DRIVERS_LOW_PRIORITY] = 'L',
	};

	return q < DRIVERS_QUADRANT__MAX ? letter[q] : '?';
}

/* The headline figures of *s (the keys bench/analytics_pandas.py prints) into *fs. */
static void
figures_of(const struct responses *r, const struct suite *s, struct figures *fs)
{
	static const size_t comp_shown[] = {0, 5, 9}; /* c1, c6, c10 */
	char quad[NC + 1];

	fs->n = 0;
	fig_add(fs, FIG_COUNT, (double)r->n, NULL, "rows");
	fig_add(fs, FIG_COUNT, (double)s->nps.n, NULL, "nps.n");
	fig_add(fs, FIG_REAL, s->nps.nps, NULL, "nps.value");
	fig_add(fs, FIG_REAL, s->nps.ci_lo, NULL, "nps.ci_lo");
	fig_add(fs, FIG_REAL, s->nps.ci_hi, NULL, "nps.ci_hi");
	fig_add(fs, FIG_REAL, s->nps.share[10], NULL, "nps.share10");
	fig_add(fs, FIG_REAL, s->nps.share[0], NULL, "nps.share0");
	fig_add(fs, FIG_COUNT, (double)s->account.n, NULL, "account.n");
	fig_add(fs, FIG_REAL, s->account.nps, NULL, "account.nps");
	fig_add(fs, FIG_REAL, s->account.ci_lo, NULL, "account.ci_lo");
	fig_add(fs, FIG_REAL, s->account.ci_hi, NULL, "account.ci_hi");
	fig_add(fs, FIG_REAL, s->revenue.nps, NULL, "revenue.nps");
	fig_add(fs, FIG_REAL, s->revenue.n_eff, NULL, "revenue.n_eff");
	fig_add(fs, FIG_REAL, s->revenue.ci_lo, NULL, "revenue.ci_lo");
	fig_add(fs, FIG_REAL, s->revenue.ci_hi, NULL, "revenue.ci_hi");
	for (size_t t = 0; t < sizeof(comp_shown) / sizeof(comp_shown[0]); t++) {
		size_t j = comp_shown[t];

		fig_add(fs, FIG_COUNT, (double)s->comp[j].n, NULL, "c%zu.n", j + 1);
		fig_add(fs, FIG_REAL, s->comp[j].mean, NULL, "c%zu.mean", j + 1);
		fig_add(fs, FIG_REAL, s->comp[j].ci_lo, NULL, "c%zu.ci_lo", j + 1);
		fig_add(fs, FIG_REAL, s->comp[j].ci_hi, NULL, "c%zu.ci_hi", j + 1);
		fig_add(fs, FIG_REAL, s->comp[j].top2_share, NULL, "c%zu.top2", j + 1);
	}
	fig_add(fs, FIG_COUNT, (double)s->alpha.n, NULL, "alpha.n");
	fig_add(fs, FIG_REAL, s->alpha.alpha, NULL, "alpha");
	fig_add(fs, FIG_COUNT, (double)s->drivers.n, NULL, "drivers.n");
	fig_add(fs, FIG_REAL, s->drivers.r2, NULL, "drivers.r2");
	fig_add(fs, FIG_REAL, s->drivers.r2_adj, NULL, "drivers.r2_adj");
	for (size_t t = 0; t < sizeof(comp_shown) / sizeof(comp_shown[0]); t++) {
		size_t j = comp_shown[t];
		const struct drivers_item *it = &s->drivers.item[j];

		fig_add(fs, FIG_REAL, it->r, NULL, "drivers.c%zu.r", j + 1);
		fig_add(fs, FIG_REAL, it->beta, NULL, "drivers.c%zu.beta", j + 1);
		fig_add(fs, FIG_REAL, it->beta_se, NULL, "drivers.c%zu.beta_se", j + 1);
		fig_add(fs, FIG_REAL, it->beta_p, NULL, "drivers.c%zu.beta_p", j + 1);
		fig_add(fs, FIG_REAL, it->rw_share, NULL, "drivers.c%zu.rw_share", j + 1);
		fig_add(fs, FIG_REAL, it->lmg_share, NULL, "drivers.c%zu.lmg_share", j + 1);
	}
	for (size_t j = 0; j < NC; j++)
		quad[j] = quadrant_letter(s->ipa[j]);
	quad[NC] = '\0';
	fig_add(fs, FIG_TEXT, 0, quad, "ipa.quadrants");
	for (size_t t = 0; t < sizeof(comp_shown) / sizeof(comp_shown[0]); t++) {
		size_t j = comp_shown[t];

		fig_add(fs, FIG_COUNT, (double)s->gap[j].n, NULL, "gap.c%zu.n", j + 1);
		fig_add(fs, FIG_REAL, s->gap[j].mean_diff, NULL, "gap.c%zu.diff", j + 1);
		fig_add(fs, FIG_REAL, s->gap[j].ci_lo, NULL, "gap.c%zu.ci_lo", j + 1);
		fig_add(fs, FIG_REAL, s->gap[j].t, NULL, "gap.c%zu.t", j + 1);
		fig_add(fs, FIG_REAL, s->gap[j].p, NULL, "gap.c%zu.p", j + 1);
	}
	fig_add(fs, FIG_COUNT, (double)s->js.n, NULL, "js.n");
	for (int c = 0; c < SEGMENTS_JS__MAX; c++)
		fig_add(fs, FIG_REAL, s->js.share[c], NULL, "js.%s",
			segments_js_name((enum segments_js)c));
	fig_add(fs, FIG_COUNT, (double)s->churned.n, NULL, "neg.churned_n");
	fig_add(fs, FIG_COUNT, (double)s->retained.n, NULL, "neg.retained_n");
	fig_add(fs, FIG_REAL, s->neg[0].diff, NULL, "neg.c1.diff");
	fig_add(fs, FIG_REAL, s->neg[0].df, NULL, "neg.c1.df");
	fig_add(fs, FIG_REAL, s->neg[0].t, NULL, "neg.c1.t");
	fig_add(fs, FIG_REAL, s->neg[0].p, NULL, "neg.c1.p");
	fig_add(fs, FIG_REAL, s->neg[NC - 1].t, NULL, "neg.c10.t");
	fig_add(fs, FIG_REAL, s->neg[NC - 1].p, NULL, "neg.c10.p");
	fig_add(fs, FIG_REAL, s->neg_promoters.diff, NULL, "neg.promoters.diff");
	fig_add(fs, FIG_REAL, s->neg_promoters.z, NULL, "neg.promoters.z");
	fig_add(fs, FIG_REAL, s->neg_promoters.p, NULL, "neg.promoters.p");
	for (size_t w = 1; w < s->waves; w++) {
		fig_add(fs, FIG_REAL, s->wave_nps_change[w - 1].diff, NULL, "trend.nps.w%zu.diff",
			w + 1);
		fig_add(fs, FIG_REAL, s->wave_nps_change[w - 1].p, NULL, "trend.nps.w%zu.p", w + 1);
	}
	fig_add(fs, FIG_REAL, s->wave_comp_change[0][NW - 2].diff, NULL, "trend.c1.w%d.diff", NW);
	fig_add(fs, FIG_REAL, s->wave_comp_change[0][NW - 2].t, NULL, "trend.c1.w%d.t", NW);
	fig_add(fs, FIG_REAL, s->wave_comp_change[0][NW - 2].p, NULL, "trend.c1.w%d.p", NW);
	fig_add(fs, FIG_COUNT, (double)s->km.n, NULL, "kmeans.n");
	for (size_t k = SEGMENTS_K_MIN; k <= SEGMENTS_K_MAX; k++)
		fig_add(fs, FIG_REAL, s->km.silhouette_by_k[k], NULL, "kmeans.silhouette.k%zu", k);
	fig_add(fs, FIG_COUNT, (double)s->km.k, NULL, "kmeans.k");
	fig_add(fs, FIG_REAL, s->km.silhouette, NULL, "kmeans.silhouette");
	fig_add(fs, FIG_REAL, s->km.inertia, NULL, "kmeans.inertia");
	for (size_t c = 0; c < s->km.k; c++) {
		fig_add(fs, FIG_COUNT, (double)s->km.size[c], NULL, "kmeans.size%zu", c);
		fig_add(fs, FIG_REAL, s->km.profile[c][0], NULL, "kmeans.profile%zu.c1", c);
	}
}

/* The pandas side: its times and figures. */
struct pandas {
	double time_s, time_kmeans_s;
	struct figures fig;
};

/*
 * Reads the "key value" lines of path into *pd (time_s and time_kmeans_s
 * apart). Errors: ADV_EIO (cannot open), ADV_EINVAL (a line without a value,
 * or no time_s).
 */
static enum adv_err
pandas_read(const char *path, struct pandas *pd, struct adv_errbuf *eb)
{
	char line[TEXT_LINE_MAX], key[FIGURE_KEY_MAX], val[FIGURE_TEXT_MAX];
	FILE *f = fopen(path, "r");
	enum adv_err rc = ADV_OK;

	pd->time_s = pd->time_kmeans_s = NAN;
	pd->fig.n = 0;
	if (f == NULL) {
		rc = adv_fail(eb, ADV_EIO, NULL, "%s: %s", path, strerror(errno));
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		char *end;
		double v;

		if (sscanf(line, "%47s %31s", key, val) != 2) {
			rc = adv_fail(eb, ADV_EINVAL, NULL, "%s: a line without a value: %s", path,
				      line);
			goto out;
		}
		v = strtod(val, &end);
		if (strcmp(key, "time_s") == 0)
			pd->time_s = v;
		else if (strcmp(key, "time_kmeans_s") == 0)
			pd->time_kmeans_s = v;
		else
			fig_add(&pd->fig, *end ? FIG_TEXT : FIG_REAL, *end ? NAN : v, val, "%s",
				key);
	}
	if (isnan(pd->time_s))
		rc = adv_fail(eb, ADV_EINVAL, NULL, "%s: no time_s", path);
out:
	if (f != NULL)
		fclose(f);
	return rc;
}

/* True when C's figure a and pandas' b agree (counts and labels exactly, NAN with NAN). */
static bool
figure_agrees(const struct figure *a, const struct figure *b)
{
	if (a->kind == FIG_TEXT || b->kind == FIG_TEXT)
		return strcmp(a->text, b->text) == 0;
	if (isnan(a->value) || isnan(b->value))
		return isnan(a->value) && isnan(b->value);
	if (a->kind == FIG_COUNT)
		return a->value == b->value;
	return fabs(a->value - b->value) <=
	       FIGURE_REL * fmax(fabs(a->value), fabs(b->value)) + FIGURE_ABS;
}

/*
 * Prints C's figures beside pandas' (the keys of both) and returns how many
 * disagree, or are missing on pandas' side.
 */
static size_t
figures_compare(const struct figures *c, const struct figures *p)
{
	size_t bad = 0;

	printf("  %-28s %22s %22s  %9s\n", "figure", "C (engine)", "pandas", "rel. diff");
	for (size_t i = 0; i < c->n; i++) {
		const struct figure *a = &c->f[i], *b = NULL;
		char ca[FIGURE_TEXT_MAX], cb[FIGURE_TEXT_MAX], rel[FIGURE_TEXT_MAX] = "";
		bool ok;

		for (size_t k = 0; k < p->n && b == NULL; k++)
			if (strcmp(p->f[k].key, a->key) == 0)
				b = &p->f[k];
		if (a->kind == FIG_TEXT)
			snprintf(ca, sizeof(ca), "%s", a->text);
		else
			snprintf(ca, sizeof(ca), a->kind == FIG_COUNT ? "%.0f" : "%.12g", a->value);
		if (b == NULL)
			snprintf(cb, sizeof(cb), "(missing)");
		else if (b->kind == FIG_TEXT)
			snprintf(cb, sizeof(cb), "%s", b->text);
		else
			snprintf(cb, sizeof(cb), a->kind == FIG_COUNT ? "%.0f" : "%.12g", b->value);
		if (b != NULL && a->kind == FIG_REAL && b->kind == FIG_REAL && a->value != b->value)
			snprintf(rel, sizeof(rel), "%.1e",
				 fabs(a->value - b->value) / fmax(fabs(a->value), fabs(b->value)));
		ok = b != NULL && figure_agrees(a, b);
		bad += !ok;
		printf("  %-28s %22s %22s  %9s  %s\n", a->key, ca, cb, rel,
		       ok ? "agree" : "DIFFER");
	}
	return bad;
}

/* Prints what the suite found, briefly, so that a reader sees the structure is real. */
static void
suite_print(const struct suite *s)
{
	printf("  NPS %.1f [%.1f, %.1f] n=%zu; per account %.1f [%.1f, %.1f] n=%zu;"
	       " revenue-weighted %.1f (n_eff %.0f)\n",
	       s->nps.nps, s->nps.ci_lo, s->nps.ci_hi, s->nps.n, s->account.nps, s->account.ci_lo,
	       s->account.ci_hi, s->account.n, s->revenue.nps, s->revenue.n_eff);
	printf("  drivers of NPS: R² %.3f n=%zu; LMG shares:", s->drivers.r2, s->drivers.n);
	for (size_t j = 0; j < NC; j++)
		printf(" c%zu %.3f", j + 1, s->drivers.item[j].lmg_share);
	printf("\n  quadrants (F fix first, K keep up, O overkill, L low priority):");
	for (size_t j = 0; j < NC; j++)
		printf(" c%zu %c", j + 1, quadrant_letter(s->ipa[j]));
	printf("\n  alpha %.3f; gaps (ours − competitor):", s->alpha.alpha);
	for (size_t j = 0; j < NC; j++)
		printf(" %+.2f", s->gap[j].mean_diff);
	printf("\n  negative base: %zu churned vs %zu retained accounts, c1 diff %.3f (p %.2g),"
	       " promoters %.3f (p %.2g)\n",
	       s->churned.n, s->retained.n, s->neg[0].diff, s->neg[0].p, s->neg_promoters.diff,
	       s->neg_promoters.p);
	printf("  NPS by wave:");
	for (size_t w = 0; w < s->waves; w++)
		printf(" %.1f", s->wave_nps[w].nps);
	printf("; k-means: k=%zu silhouette %.3f, sizes", s->km.k, s->km.silhouette);
	for (size_t c = 0; c < s->km.k; c++)
		printf(" %zu", s->km.size[c]);
	printf("\n");
}

/* Parses a positive decimal integer; false when s is not one. */
static bool
parse_count(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		return false;
	*out = v;
	return true;
}

/* The minimum of v[0..n). */
static double
best_of(const double *v, size_t n)
{
	double m = v[0];

	for (size_t i = 1; i < n; i++)
		m = fmin(m, v[i]);
	return m;
}

int
main(int argc, char **argv)
{
	static struct suite s;
	static struct figures cf;
	static struct pandas pd;
	uint64_t n = BENCH_RESPONSES, runs = BENCH_RUNS, seed = RESPONSES_SEED;
	double t_suite[BENCH_RUNS_MAX], t_nokm[BENCH_RUNS_MAX], t_bare[BENCH_RUNS_MAX];
	double t_sec[SEC__MAX], best_sec[SEC__MAX], t0, t_first, suite, nokm, bare, mem_ratio,
	    sink = 0;
	struct responses r = {0};
	struct bare b;
	struct adv_errbuf eb = {{0}, {0}};
	const char *pandas_path = NULL;
	long peak, raw_kb;
	size_t disagree = 0;
	bool bad = false, met;
	enum adv_err rc;
	int status = 1;

	for (int i = 1; i < argc; i++) {
		uint64_t *opt = strcmp(argv[i], "--responses") == 0 ? &n
				: strcmp(argv[i], "--runs") == 0    ? &runs
				: strcmp(argv[i], "--seed") == 0    ? &seed
								    : NULL;

		if (opt != NULL && i + 1 < argc)
			bad |= !parse_count(argv[++i], opt);
		else if (strcmp(argv[i], "--pandas") == 0 && i + 1 < argc)
			pandas_path = argv[++i];
		else
			bad = true;
	}
	if (bad || n < 2 * SEGMENTS_K_MAX || n > SIZE_MAX / 8 || runs < 1 ||
	    runs > BENCH_RUNS_MAX) {
		fprintf(stderr,
			"usage: analytics [--responses N] [--runs R (1..%d)] [--seed S]"
			" [--pandas FILE]\n",
			BENCH_RUNS_MAX);
		status = 2;
		goto out;
	}
	gsl_set_error_handler_off();
	/* Freed scratch stays in the heap for the next run, as in a long-running server. */
	mallopt(M_MMAP_THRESHOLD, MALLOC_KEEP);
	mallopt(M_TRIM_THRESHOLD, INT_MAX);
	if (pandas_path != NULL && (rc = pandas_read(pandas_path, &pd, &eb)) != ADV_OK) {
		fprintf(stderr, "analytics: %s\n", eb.msg);
		goto out;
	}
	t0 = now_s();
	if ((rc = responses_generate((size_t)n, seed, &r, &eb)) != ADV_OK) {
		fprintf(stderr, "analytics: %s: %s\n", adv_strerror(rc), eb.msg);
		goto out;
	}
	raw_kb = (long)(r.n * RESPONSES_COLUMNS * sizeof(double) / 1024);
	printf("analytics: %zu responses of %zu accounts, %d components, %d waves,"
	       " %d columns (%.0f MB raw), generated in %.1f s\n",
	       r.n, r.accounts, NC, NW, RESPONSES_COLUMNS, (double)raw_kb / 1024, now_s() - t0);
	for (size_t k = 0; k < SEC__MAX; k++)
		best_sec[k] = INFINITY;
	/* One of each to warm up, then the measured runs, alternating. */
	bare_run(&r, &b);
	t0 = now_s();
	if ((rc = suite_run(&r, &s, t_sec, &eb)) != ADV_OK) {
		fprintf(stderr, "analytics: the suite failed: %s: %s\n", adv_strerror(rc), eb.msg);
		goto out;
	}
	t_first = now_s() - t0;
	for (size_t i = 0; i < runs; i++) {
		t0 = now_s();
		bare_run(&r, &b);
		t_bare[i] = now_s() - t0;
		for (size_t c = 0; c < BARE_COLUMNS; c++) /* every result used: no loop is dead */
			sink += (double)b.n[c] + b.s1[c] + b.s2[c];
		t0 = now_s();
		if ((rc = suite_run(&r, &s, t_sec, &eb)) != ADV_OK) {
			fprintf(stderr, "analytics: the suite failed: %s: %s\n", adv_strerror(rc),
				eb.msg);
			goto out;
		}
		t_suite[i] = now_s() - t0;
		t_nokm[i] = t_suite[i] - t_sec[SEC_KMEANS];
		for (size_t k = 0; k < SEC__MAX; k++)
			best_sec[k] = fmin(best_sec[k], t_sec[k]);
	}
	suite = best_of(t_suite, runs);
	nokm = best_of(t_nokm, runs);
	bare = best_of(t_bare, runs);
	suite_print(&s);
	printf("  sections (best of %" PRIu64 " runs each):\n", runs);
	for (size_t k = 0; k < SEC__MAX; k++)
		printf("    %-60s %8.1f ms\n", section_name[k], best_sec[k] * 1e3);
	printf("  bare pass (sum and squares of %d columns, NAN skipped): %.1f ms%s\n",
	       BARE_COLUMNS, bare * 1e3, sink == 0 ? " (read nothing?)" : "");
	printf(
	    "  suite:                %8.1f ms, ratio to the bare pass %.2f (target <= %.1f): %s\n",
	    suite * 1e3, suite / bare, TARGET_BARE, suite / bare <= TARGET_BARE ? "ok" : "MISSED");
	printf("  (the first, unmeasured run, on fresh scratch memory: %.1f ms)\n", t_first * 1e3);
	printf("  suite without k-means: %7.1f ms, ratio to the bare pass %.2f\n", nokm * 1e3,
	       nokm / bare);
	peak = peak_kb();
	mem_ratio = (double)peak / (double)raw_kb;
	printf(
	    "  peak memory %.0f MB (VmHWM), raw columns %.0f MB: ratio %.2f (target <= %.1f): %s\n",
	    (double)peak / 1024, (double)raw_kb / 1024, mem_ratio, TARGET_MEMORY,
	    mem_ratio <= TARGET_MEMORY ? "ok" : "MISSED");
	met = suite / bare <= TARGET_BARE && mem_ratio <= TARGET_MEMORY;
	if (pandas_path != NULL) {
		figures_of(&r, &s, &cf);
		printf("  headline figures, C and pandas side by side:\n");
		disagree = figures_compare(&cf, &pd.fig);
		printf("  figures: %zu of %zu agree%s\n", cf.n - disagree, cf.n,
		       disagree ? " — the comparison is NOT like for like" : "");
		printf(
		    "  pandas: %.3f s (k-means %.3f s); ratio pandas / C %.1f (target >= %.0f): %s;"
		    " without k-means %.1f\n",
		    pd.time_s, pd.time_kmeans_s, pd.time_s / suite, TARGET_PANDAS,
		    pd.time_s / suite >= TARGET_PANDAS ? "ok" : "MISSED",
		    (pd.time_s - pd.time_kmeans_s) / nokm);
		met = met && disagree == 0 && pd.time_s / suite >= TARGET_PANDAS;
	}
	printf("summary n=%zu suite_s=%.6f suite_nokm_s=%.6f kmeans_s=%.6f bare_s=%.6f"
	       " peak_kb=%ld raw_kb=%ld",
	       r.n, suite, nokm, best_sec[SEC_KMEANS], bare, peak, raw_kb);
	if (pandas_path != NULL)
		printf(" pandas_s=%.6f pandas_nokm_s=%.6f figures=%zu disagree=%zu", pd.time_s,
		       pd.time_s - pd.time_kmeans_s, cf.n, disagree);
	printf("\n");
	status = met ? 0 : 1;
out:
	responses_free(&r);
	return status;
}
