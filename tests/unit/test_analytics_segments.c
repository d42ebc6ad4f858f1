/*
 * test_analytics_segments.c — Jones & Sasser classes and k-means
 * (src/analytics/segments.c) against reference values computed independently
 * by tests/data/analytics/segments_make_refs.py from the fixed data in
 * tests/data/analytics/segments_{js,blobs,ties}.csv (carried, with the
 * references, in the generated segments_refs.h):
 *   Jones & Sasser — the rules of segments.h restated with numpy.select;
 *   k-means — the k-means++ seeding re-implemented in Python (same splitmix64
 *   draws, so the same initial rows), then Lloyd's algorithm by scikit-learn
 *   (KMeans(init=those centres, n_init=1, tol=0, algorithm="lloyd")) on the
 *   well separated blobs, and by an independent numpy Lloyd (numpy.argmin:
 *   lowest index on a tie) on the data with exact ties; standardising by
 *   sklearn StandardScaler; profiles by numpy means;
 *   silhouette — sklearn.metrics.silhouette_score on exact distances
 *   (scipy cdist, metric="precomputed").
 * Edge cases (n = 0, too few rows, identical rows, bad input) by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/segments.h"

#include "../data/analytics/segments_refs.h"

#define REL	 1e-9
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* got equals want to REL relative (absolute near 0); NAN equals NAN. */
static void
assert_close(double got, double want)
{
	double tol = REL * fmax(1, fabs(want));

	if (isnan(want) && isnan(got))
		return;
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.17g, want %.17g", got, want);
}

/* Reference: numpy.select on the rules of segments.h, default thresholds 4 and 9. */
static void
test_js_default(void **state)
{
	struct segments_js_params prm;
	struct segments_js_result r;
	enum segments_js row[JS_ROWS];

	(void)state;
	segments_js_params_default(&prm, 1, 5, 0, 10);
	assert_true(prm.sat_high == 4 && prm.int_high == 9);
	assert_int_equal(segments_js_classify(JS_SAT, JS_INTENT, JS_ROWS, &prm, row, &r, NULL),
			 ADV_OK);
	assert_int_equal(r.status, ANALYTICS_OK);
	assert_int_equal(r.n, JSD_N);
	assert_int_equal(r.n_missing, JS_ROWS - JSD_N);
	assert_false(r.small);
	for (int c = 0; c < SEGMENTS_JS__MAX; c++) {
		assert_int_equal(r.count[c], JSD_COUNT[c]);
		assert_close(r.share[c], (double)JSD_COUNT[c] / JSD_N);
	}
	for (size_t i = 0; i < JS_ROWS; i++)
		assert_int_equal(row[i], JSD_CLASS[i]);
}

/* Reference: as above with thresholds 5 (top box) and 7; without per-row output. */
static void
test_js_custom(void **state)
{
	struct segments_js_params prm = {1, 5, 5, 0, 10, 7};
	struct segments_js_result r;

	(void)state;
	assert_int_equal(segments_js_classify(JS_SAT, JS_INTENT, JS_ROWS, &prm, NULL, &r, NULL),
			 ADV_OK);
	for (int c = 0; c < SEGMENTS_JS__MAX; c++)
		assert_int_equal(r.count[c], JSC_COUNT[c]);
}

/* By hand: every class, names, n = 0, bad input. */
static void
test_js_edges(void **state)
{
	const double sat[] = {5, 5, 4, 5, 2, 3, NAN, 1}, intent[] = {10, 9, 10, 3, 9, 8, 10, NAN};
	const enum segments_js want[] = {
	    SEGMENTS_JS_APOSTLE, SEGMENTS_JS_LOYALIST, SEGMENTS_JS_LOYALIST, SEGMENTS_JS_MERCENARY,
	    SEGMENTS_JS_HOSTAGE, SEGMENTS_JS_DEFECTOR, SEGMENTS_JS_NONE,     SEGMENTS_JS_NONE};
	const double out_of_scale[] = {6};
	struct segments_js_params prm, bad;
	struct segments_js_result r;
	enum segments_js row[8];
	struct adv_errbuf eb;

	(void)state;
	segments_js_params_default(&prm, 1, 5, 0, 10);
	assert_int_equal(segments_js_classify(sat, intent, 8, &prm, row, &r, NULL), ADV_OK);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(row[i], want[i]);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.n_missing, 2);
	assert_true(r.small);
	assert_int_equal(r.count[SEGMENTS_JS_LOYALIST], 2);
	assert_close(r.share[SEGMENTS_JS_APOSTLE], 1.0 / 6);
	assert_string_equal(segments_js_name(SEGMENTS_JS_APOSTLE), "apostle");
	assert_string_equal(segments_js_name(SEGMENTS_JS_LOYALIST), "loyalist");
	assert_string_equal(segments_js_name(SEGMENTS_JS_MERCENARY), "mercenary");
	assert_string_equal(segments_js_name(SEGMENTS_JS_HOSTAGE), "hostage");
	assert_string_equal(segments_js_name(SEGMENTS_JS_DEFECTOR), "defector");
	assert_string_equal(segments_js_name(SEGMENTS_JS_NONE), "none");
	/* n = 0: no row, and only missing rows. */
	assert_int_equal(segments_js_classify(sat, intent, 0, &prm, NULL, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_true(isnan(r.share[0]));
	assert_int_equal(segments_js_classify(sat + 6, intent + 6, 2, &prm, NULL, &r, NULL),
			 ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(r.n_missing, 2);
	/* Bad input. */
	assert_int_equal(segments_js_classify(out_of_scale, intent, 1, &prm, NULL, &r, &eb),
			 ADV_EINVAL);
	assert_string_equal(eb.field, "score");
	bad = prm;
	bad.sat_high = 6;
	assert_int_equal(segments_js_classify(sat, intent, 8, &bad, NULL, &r, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "thresholds");
	bad = prm;
	bad.int_lo = NAN;
	assert_int_equal(segments_js_classify(sat, intent, 8, &bad, NULL, &r, &eb), ADV_EINVAL);
}

static const double *const blobs[] = {BLOBS_C1, BLOBS_C2, BLOBS_C3, BLOBS_C4};
static const double *const ties[] = {TIES_X, TIES_Y};

/* Every figure of r and the labels against the references P_*. */
#define ASSERT_KM(r, label, P)                                                                     \
	assert_km(&(r), label, P##_K, P##_N, P##_FIT_N, P##_SIL_N, P##_ITER, P##_INERTIA, P##_SIL, \
		  P##_SIL_BY_K, P##_INIT_ROW, P##_SIZE, P##_PROFILE, P##_LABEL, NELEM(P##_LABEL))

static void
assert_km(const struct segments_kmeans_result *r, const int32_t *label, size_t k, size_t n,
	  size_t fit_n, size_t sil_n, size_t iter, double inertia, double sil,
	  const double *sil_by_k, const size_t *init_row, const size_t *size, const double *profile,
	  const int32_t *want_label, size_t rows)
{
	assert_int_equal(r->status, ANALYTICS_OK);
	assert_int_equal(r->k, k);
	assert_int_equal(r->n, n);
	assert_int_equal(r->fit_n, fit_n);
	assert_int_equal(r->sil_n, sil_n);
	assert_int_equal(r->iterations, iter);
	assert_close(r->inertia, inertia);
	assert_close(r->silhouette, sil);
	for (size_t j = 0; j <= SEGMENTS_K_MAX; j++)
		assert_close(r->silhouette_by_k[j], sil_by_k[j]);
	for (size_t c = 0; c < k; c++) {
		assert_int_equal(r->init_row[c], init_row[c]);
		assert_int_equal(r->size[c], size[c]);
		assert_close(r->share[c], (double)size[c] / (double)n);
		for (size_t j = 0; j < r->p; j++)
			assert_close(r->profile[c][j], profile[c * r->p + j]);
	}
	for (size_t i = 0; i < rows; i++)
		assert_int_equal(label[i], want_label[i]);
}

/* Reference: replicated k-means++ seeds, sklearn Lloyd, silhouette_score; k = 3 raw. */
static void
test_kmeans_fixed(void **state)
{
	struct segments_kmeans_params prm = {.k = 3, .seed = 7};
	struct segments_kmeans_result r;
	int32_t label[BLOBS_ROWS];

	(void)state;
	assert_int_equal(segments_kmeans(blobs, 4, BLOBS_ROWS, &prm, label, &r, NULL), ADV_OK);
	ASSERT_KM(r, label, KM3);
}

/* Reference: as above, k chosen by silhouette in 2..8 on z-scores (StandardScaler). */
static void
test_kmeans_choose(void **state)
{
	struct segments_kmeans_params prm = {.standardise = true, .seed = 11};
	struct segments_kmeans_result r, again;
	int32_t label[BLOBS_ROWS];

	(void)state;
	assert_int_equal(segments_kmeans(blobs, 4, BLOBS_ROWS, &prm, label, &r, NULL), ADV_OK);
	ASSERT_KM(r, label, KMA);
	/* Deterministic: the same call gives the same result. */
	assert_int_equal(segments_kmeans(blobs, 4, BLOBS_ROWS, &prm, label, &again, NULL), ADV_OK);
	assert_memory_equal(&r, &again, sizeof(r));
}

/* Reference: the fit set a 60-row sample, the silhouette on 40, refined on all rows. */
static void
test_kmeans_sampled(void **state)
{
	struct segments_kmeans_params prm = {
	    .standardise = true, .seed = 5, .fit_sample = 60, .sil_sample = 40};
	struct segments_kmeans_result r;
	int32_t label[BLOBS_ROWS];

	(void)state;
	assert_int_equal(segments_kmeans(blobs, 4, BLOBS_ROWS, &prm, label, &r, NULL), ADV_OK);
	ASSERT_KM(r, label, KMS);
}

/* Reference: numpy Lloyd with ties to the lowest index, from the replicated seeds. */
static void
test_kmeans_ties(void **state)
{
	struct segments_kmeans_params p2 = {.k = 2, .seed = 3}, p3 = {.k = 3, .seed = 1},
				      pa = {.seed = 2, .restarts = 2};
	struct segments_kmeans_result r;
	int32_t label[TIES_ROWS];

	(void)state;
	assert_int_equal(segments_kmeans(ties, 2, TIES_ROWS, &p2, label, &r, NULL), ADV_OK);
	ASSERT_KM(r, label, KT2);
	assert_int_equal(segments_kmeans(ties, 2, TIES_ROWS, &p3, label, &r, NULL), ADV_OK);
	ASSERT_KM(r, label, KT3);
	/* Six distinct rows: k = 7 and 8 cannot be seeded, so 2..6 are tried. */
	assert_int_equal(segments_kmeans(ties, 2, TIES_ROWS, &pa, label, &r, NULL), ADV_OK);
	ASSERT_KM(r, label, KTA);
}

/* By hand: n = 0, too few rows, identical rows, missing rows, bad input. */
static void
test_kmeans_edges(void **state)
{
	const double a[] = {NAN, 1, 1, 1, 1, 5}, b[] = {2, 2, 2, 2, NAN, 2}, inf[] = {1, INFINITY};
	const double *cols[] = {a, b}, *bad[] = {inf}, *many[SEGMENTS_MAX_DIMS + 1];
	struct segments_kmeans_params prm = {0}, k2 = {.k = 2}, k3 = {.k = 3};
	struct segments_kmeans_result r;
	struct adv_errbuf eb;
	int32_t label[6];

	(void)state;
	/* n = 0: no row, then only incomplete rows. */
	assert_int_equal(segments_kmeans(cols, 2, 0, &prm, label, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(segments_kmeans(cols, 2, 1, &prm, label, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_EMPTY);
	assert_int_equal(label[0], -1);
	/* Two complete rows: too few to choose k (the silhouette needs 3), enough for k = 2. */
	assert_int_equal(segments_kmeans(cols, 2, 3, &prm, label, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_TOO_FEW);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.k, 0);
	assert_int_equal(segments_kmeans(cols, 2, 3, &k3, label, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_TOO_FEW);
	/* Identical rows: no two clusters. */
	assert_int_equal(segments_kmeans(cols, 2, 4, &k2, label, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	assert_int_equal(label[1], -1);
	assert_int_equal(segments_kmeans(cols, 2, 4, &prm, label, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	/* Rows 1, 2, 3, 5 complete with two distinct profiles: k = 2 only. */
	assert_int_equal(segments_kmeans(cols, 2, 6, &prm, label, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_OK);
	assert_int_equal(r.k, 2);
	assert_int_equal(r.n, 4);
	assert_true(isnan(r.silhouette_by_k[3]));
	assert_close(r.silhouette, 0.75); /* by hand: (1 + 1 + 1 + 0) / 4 */
	assert_close(r.inertia, 0);
	assert_int_equal(label[0], -1);
	assert_int_equal(label[4], -1);
	assert_int_equal(label[1], label[2]);
	assert_true(label[1] != label[5]);
	assert_int_equal(r.size[label[1]], 3);
	assert_close(r.profile[label[5]][0], 5);
	assert_close(r.profile[label[1]][1], 2);
	assert_int_equal(segments_kmeans(cols, 2, 6, &k3, label, &r, NULL), ADV_OK);
	assert_int_equal(r.status, ANALYTICS_NO_VARIANCE);
	/* Bad input. */
	k3.k = SEGMENTS_K_MAX + 1;
	assert_int_equal(segments_kmeans(cols, 2, 6, &k3, label, &r, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "k");
	k3.k = 1;
	assert_int_equal(segments_kmeans(cols, 2, 6, &k3, label, &r, NULL), ADV_EINVAL);
	assert_int_equal(segments_kmeans(cols, 0, 6, &prm, label, &r, NULL), ADV_EINVAL);
	for (size_t j = 0; j < NELEM(many); j++)
		many[j] = a;
	assert_int_equal(segments_kmeans(many, NELEM(many), 6, &prm, label, &r, NULL), ADV_EINVAL);
	assert_int_equal(segments_kmeans(bad, 1, 2, &prm, label, &r, &eb), ADV_EINVAL);
	assert_string_equal(eb.field, "value");
	prm.fit_sample = 3;
	assert_int_equal(segments_kmeans(cols, 2, 6, &prm, label, &r, NULL), ADV_EINVAL);
	prm.fit_sample = 0;
	prm.sil_sample = 1;
	assert_int_equal(segments_kmeans(cols, 2, 6, &prm, label, &r, NULL), ADV_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_js_default),	  cmocka_unit_test(test_js_custom),
	    cmocka_unit_test(test_js_edges),	  cmocka_unit_test(test_kmeans_fixed),
	    cmocka_unit_test(test_kmeans_choose), cmocka_unit_test(test_kmeans_sampled),
	    cmocka_unit_test(test_kmeans_ties),	  cmocka_unit_test(test_kmeans_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
