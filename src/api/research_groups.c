/*
 * research_groups.c — the research figures that compare groups, over HTTP
 * (docs/research.md, "Analytics"): behavioural segments (Jones & Sasser and
 * k-means), the trend across waves with the significance of each change,
 * and the negative base (churned against retained clients, and what the
 * exit interviews say). Statistics from src/analytics; research.c reads the
 * query and writes the answer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/segments.h"
#include "api/research.h"
#include "core/negative_base.h"

#define SEGMENTS_SEED 20260 /* the k-means++ seed: the same data give the same clusters */

/* {code: the mean of each component over the rows labelled which}; new reference or NULL. */
static json_t *
profile_json(const struct research_data *d, const int32_t *label, int32_t which)
{
	json_t *o = json_object();

	for (size_t i = 0; o != NULL && i < d->ncomponents; i++) {
		double s = 0;
		size_t n = 0;

		for (size_t k = 0; k < d->n; k++)
			if (label[k] == which && !isnan(d->components[i].col[k])) {
				s += d->components[i].col[k];
				n++;
			}
		if (rj_set(o, d->components[i].code, rj_num(n ? s / (double)n : NAN)) != ADV_OK) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

/* The Jones & Sasser part of the segments answer, its rows appended to rows. */
static enum adv_err
segments_js(struct req *r, const struct research_data *d, int32_t *label, json_t *rows,
	    json_t **out)
{
	struct segments_js_params prm;
	struct segments_js_result x;
	enum segments_js *cls;
	json_t *items;
	enum adv_err rc;

	segments_js_params_default(&prm, d->score_min, d->score_max, d->score_min, d->score_max);
	if ((rc = research_query_num(r, "sat_high", d->score_min, d->score_max, prm.sat_high,
				     &prm.sat_high)) != ADV_OK ||
	    (rc = research_query_num(r, "int_high", d->score_min, d->score_max, prm.int_high,
				     &prm.int_high)) != ADV_OK)
		return rc;
	if (prm.sat_high <= prm.sat_lo)
		return adv_fail(&r->eb, ADV_EINVAL, "sat_high", "sat_high must be above %d",
				d->score_min);
	if (prm.int_high <= prm.int_lo)
		return adv_fail(&r->eb, ADV_EINVAL, "int_high", "int_high must be above %d",
				d->score_min);
	if ((cls = malloc((d->n + 1) * sizeof(*cls))) == NULL)
		return ADV_ENOMEM;
	rc = segments_js_classify(d->satisfaction, d->intention, d->n, &prm, cls, &x, &r->eb);
	for (size_t k = 0; rc == ADV_OK && k < d->n; k++)
		label[k] = (int32_t)cls[k];
	free(cls);
	if (rc != ADV_OK)
		return rc;
	if ((items = json_array()) == NULL)
		return ADV_ENOMEM;
	for (int c = 0; c < SEGMENTS_JS__MAX; c++) {
		json_t *it =
		    json_pack("{s:s, s:s, s:I, s:o, s:o}", "method", "jones_sasser", "segment",
			      segments_js_name((enum segments_js)c), "size", (json_int_t)x.count[c],
			      "share", rj_num(x.share[c]), "profile", profile_json(d, label, c));

		if ((rc = rj_append(items, it)) != ADV_OK ||
		    (rc = rj_append(rows, json_incref(it))) != ADV_OK) {
			json_decref(items);
			return rc;
		}
	}
	*out = json_pack("{s:s, s:I, s:I, s:b, s:{s:f, s:f}, s:o}", "status", rj_status(x.status),
			 "n", (json_int_t)x.n, "n_missing", (json_int_t)x.n_missing, "small",
			 x.small, "thresholds", "satisfaction", prm.sat_high, "intention",
			 prm.int_high, "items", items);
	return *out ? ADV_OK : ADV_ENOMEM;
}

/* The k-means part of the segments answer, its rows appended to rows. */
static enum adv_err
segments_km(struct req *r, const struct research_data *d, int32_t *label, json_t *rows,
	    json_t **out)
{
	struct segments_kmeans_params prm = {.seed = SEGMENTS_SEED};
	struct segments_kmeans_result *x;
	const double *col[SEGMENTS_MAX_DIMS];
	size_t p = d->ncomponents < SEGMENTS_MAX_DIMS ? d->ncomponents : SEGMENTS_MAX_DIMS;
	json_t *items = NULL, *by_k = NULL, *comps = NULL;
	double k;
	enum adv_err rc;

	*out = NULL;
	if ((rc = research_query_num(r, "k", SEGMENTS_K_MIN, SEGMENTS_K_MAX, 0, &k)) != ADV_OK)
		return rc;
	if (k != floor(k))
		return adv_fail(&r->eb, ADV_EINVAL, "k", "k must be a whole number from %d to %d",
				SEGMENTS_K_MIN, SEGMENTS_K_MAX);
	prm.k = (size_t)k;
	if ((x = arena_zalloc(&r->arena, sizeof(*x))) == NULL || (items = json_array()) == NULL ||
	    (by_k = json_object()) == NULL || (comps = json_array()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	x->status = ANALYTICS_EMPTY;
	for (size_t j = 0; j < p; j++) {
		col[j] = d->components[j].col;
		if ((rc = rj_append(comps, json_object())) != ADV_OK ||
		    (rc = rj_component(json_array_get(comps, j), &d->components[j])) != ADV_OK)
			goto out;
	}
	if (p > 0 && (rc = segments_kmeans(col, p, d->n, &prm, label, x, &r->eb)) != ADV_OK)
		goto out;
	for (size_t kk = SEGMENTS_K_MIN; kk <= SEGMENTS_K_MAX; kk++) {
		char key[4];

		snprintf(key, sizeof(key), "%zu", kk);
		if (isfinite(x->silhouette_by_k[kk]) &&
		    (rc = rj_set(by_k, key, json_real(x->silhouette_by_k[kk]))) != ADV_OK)
			goto out;
	}
	for (size_t c = 0; c < x->k; c++) {
		json_t *prof = json_object(), *it;

		for (size_t j = 0; prof != NULL && j < p; j++)
			if (rj_set(prof, d->components[j].code, rj_num(x->profile[c][j])) !=
			    ADV_OK) {
				json_decref(prof);
				prof = NULL;
			}
		it = json_pack("{s:s, s:I, s:I, s:o, s:o}", "method", "kmeans", "cluster",
			       (json_int_t)c + 1, "size", (json_int_t)x->size[c], "share",
			       rj_num(x->share[c]), "profile", prof);
		if ((rc = rj_append(items, it)) != ADV_OK ||
		    (rc = rj_append(rows, json_incref(it))) != ADV_OK)
			goto out;
	}
	*out = json_pack("{s:s, s:I, s:b, s:I, s:b, s:I, s:o, s:O, s:o, s:I, s:O, s:O}", "status",
			 rj_status(x->status), "n", (json_int_t)x->n, "small", x->small, "k",
			 (json_int_t)x->k, "k_chosen", prm.k == 0, "seed", (json_int_t)prm.seed,
			 "silhouette", rj_num(x->silhouette), "silhouette_by_k", by_k, "inertia",
			 rj_num(x->inertia), "iterations", (json_int_t)x->iterations, "components",
			 comps, "items", items);
	rc = *out ? ADV_OK : ADV_ENOMEM;
out:
	json_decref(items);
	json_decref(by_k);
	json_decref(comps);
	return rc;
}

enum adv_err
research_get_segments(struct req *r)
{
	struct research_query q;
	struct research_data d;
	int32_t *label = NULL;
	json_t *rows = NULL, *js = NULL, *km = NULL, *doc;
	enum adv_err rc;

	if ((rc = research_load(r, false, &q, &d)) != ADV_OK)
		goto out;
	if ((label = malloc((d.n + 1) * sizeof(*label))) == NULL || (rows = json_array()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = segments_js(r, &d, label, rows, &js)) != ADV_OK ||
	    (rc = segments_km(r, &d, label, rows, &km)) != ADV_OK)
		goto out;
	doc = json_pack("{s:I, s:b, s:o, s:o}", "n", (json_int_t)d.n, "small",
			d.n < ANALYTICS_SMALL_N, "jones_sasser", js, "kmeans", km);
	js = km = NULL;
	rc = research_answer(r, &q, "segments", doc, rows);
out:
	json_decref(rows);
	json_decref(js);
	json_decref(km);
	free(label);
	research_data_release(&d);
	return rc;
}

/*
 * Gathers col's rows by wave into buf (start[w] the first of wave w) and
 * points wave[w] at each slice.
 */
static void
by_wave(const struct research_data *d, const double *col, const size_t *start, size_t *fill,
	double *buf, const double **wave)
{
	size_t w = 0;

	memcpy(fill, start, d->nstudies * sizeof(*fill));
	for (size_t k = 0; k < d->n; k++) {
		/* Rows of one study tend to come together: try the last one's wave first. */
		if (d->studies[w].id != d->study[k])
			for (w = 0; w + 1 < d->nstudies && d->studies[w].id != d->study[k]; w++)
				;
		buf[fill[w]++] = col[k];
	}
	for (size_t i = 0; i < d->nstudies; i++)
		wave[i] = buf + start[i];
}

/* The trend of one scale column: each wave's figures and change into waves[w] under key. */
static enum adv_err
trend_scale(struct req *r, const struct research_data *d, const double *col, const size_t *start,
	    size_t *fill, double *buf, json_t **waves, const char *key)
{
	size_t k = d->nstudies;
	const double **wave = arena_alloc(&r->arena, (k + 1) * sizeof(*wave));
	struct describe_result *st = arena_alloc(&r->arena, (k + 1) * sizeof(*st));
	struct compare_welch_result *ch = arena_alloc(&r->arena, (k + 1) * sizeof(*ch));
	enum adv_err rc;

	if (wave == NULL || st == NULL || ch == NULL)
		return ADV_ENOMEM;
	by_wave(d, col, start, fill, buf, wave);
	for (size_t w = 0; w < k; w++)
		if ((rc = describe_scale(wave[w], d->studies[w].n, d->score_min, d->score_max,
					 &st[w], &r->eb)) != ADV_OK)
			return rc;
	{
		size_t *len = arena_alloc(&r->arena, (k + 1) * sizeof(*len));

		if (len == NULL)
			return ADV_ENOMEM;
		for (size_t w = 0; w < k; w++)
			len[w] = d->studies[w].n;
		if ((rc = compare_trend(wave, len, k, d->score_min, d->score_max, st,
					k > 1 ? ch : NULL, &r->eb)) != ADV_OK)
			return rc;
	}
	for (size_t w = 0; w < k; w++) {
		json_t *fig = rj_describe(&st[w]);

		if ((rc = rj_set(fig, "change", w > 0 ? rj_welch(&ch[w - 1]) : json_null())) !=
			ADV_OK ||
		    (rc = rj_set(waves[w], key, fig)) != ADV_OK)
			return rc;
	}
	return ADV_OK;
}

enum adv_err
research_get_trend(struct req *r)
{
	struct research_query q;
	struct research_data d;
	struct nps_result *nps = NULL;
	struct nps_diff_result diff;
	size_t *start = NULL, *fill = NULL;
	double *buf = NULL;
	json_t **waves = NULL, *items = NULL, *rows = NULL, *comps, *doc;
	enum adv_err rc;

	if ((rc = research_load(r, false, &q, &d)) != ADV_OK)
		goto out;
	rc = ADV_ENOMEM;
	if ((start = arena_zalloc(&r->arena, (d.nstudies + 1) * sizeof(*start))) == NULL ||
	    (fill = arena_zalloc(&r->arena, (d.nstudies + 1) * sizeof(*fill))) == NULL ||
	    (nps = arena_zalloc(&r->arena, (d.nstudies + 1) * sizeof(*nps))) == NULL ||
	    (waves = arena_zalloc(&r->arena, (d.nstudies + 1) * sizeof(*waves))) == NULL ||
	    (buf = malloc((d.n + 1) * sizeof(*buf))) == NULL || (items = json_array()) == NULL ||
	    (rows = json_array()) == NULL)
		goto out;
	for (size_t w = 1; w < d.nstudies; w++)
		start[w] = start[w - 1] + d.studies[w - 1].n;
	for (size_t w = 0; w < d.nstudies; w++) {
		const struct research_study *s = &d.studies[w];

		if ((rc = rj_append(items, waves[w] = json_pack(
					       "{s:I, s:s, s:s?, s:I, s:b}", "study_id",
					       (json_int_t)s->id, "name", s->name, "starts_on",
					       s->starts_on, "n", (json_int_t)s->n, "small",
					       s->n < ANALYTICS_SMALL_N))) != ADV_OK)
			goto out;
	}
	/* NPS per wave and its change. */
	{
		const double **wave = arena_alloc(&r->arena, (d.nstudies + 1) * sizeof(*wave));

		if (wave == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
		by_wave(&d, d.recommend, start, fill, buf, wave);
		for (size_t w = 0; w < d.nstudies; w++) {
			json_t *fig;

			if ((rc = nps_of_double(wave[w], NULL, d.studies[w].n, &nps[w], &r->eb)) !=
			    ADV_OK)
				goto out;
			if (w > 0)
				nps_diff(&nps[w - 1], &nps[w], &diff);
			fig = rj_nps(&nps[w]);
			if ((rc = rj_set(fig, "change",
					 w > 0 ? rj_nps_diff(&diff) : json_null())) != ADV_OK ||
			    (rc = rj_set(waves[w], "nps", fig)) != ADV_OK)
				goto out;
		}
	}
	if ((rc = trend_scale(r, &d, d.satisfaction, start, fill, buf, waves, "satisfaction")) !=
	    ADV_OK)
		goto out;
	for (size_t w = 0; w < d.nstudies; w++)
		if ((rc = rj_set(waves[w], "components", json_object())) != ADV_OK)
			goto out;
	for (size_t i = 0; i < d.ncomponents; i++) {
		json_t **tmp = arena_alloc(&r->arena, (d.nstudies + 1) * sizeof(*tmp));

		if (tmp == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
		for (size_t w = 0; w < d.nstudies; w++)
			tmp[w] = json_object_get(waves[w], "components");
		if ((rc = trend_scale(r, &d, d.components[i].col, start, fill, buf, tmp,
				      d.components[i].code)) != ADV_OK)
			goto out;
	}
	for (size_t w = 0; w < d.nstudies; w++)
		if ((rc = rj_append(rows, json_deep_copy(waves[w]))) != ADV_OK)
			goto out;
	comps = json_array();
	for (size_t i = 0; comps != NULL && i < d.ncomponents; i++) {
		json_t *c = json_object();

		if (rj_append(comps, c) != ADV_OK || rj_component(c, &d.components[i]) != ADV_OK) {
			json_decref(comps);
			comps = NULL;
		}
	}
	doc = json_pack("{s:I, s:b, s:o, s:O}", "n", (json_int_t)d.n, "small",
			d.n < ANALYTICS_SMALL_N, "components", comps, "waves", items);
	rc = research_answer(r, &q, "trend", doc, rows);
out:
	json_decref(items);
	json_decref(rows);
	free(buf);
	research_data_release(&d);
	return rc;
}

/* The negative base's filter from the query (from/to: the churn period). */
static enum adv_err
nb_query(struct req *r, struct research_query *q, struct nb_filter *f)
{
	enum adv_err rc;

	if ((rc = research_query_read(r, false, q)) != ADV_OK)
		return rc;
	if (q->f.status != NULL && strcmp(q->f.status, "churned") == 0)
		return adv_fail(&r->eb, ADV_EINVAL, "status",
				"status narrows the retained clients: prospect, active or at_risk");
	*f = (struct nb_filter){q->f.from,   q->f.to,	  q->f.segment, q->f.industry,
				q->f.region, q->f.status, q->f.owner_id};
	return ADV_OK;
}

/* The churned and retained groups' sizes and NPS, and the test of promoters. */
static enum adv_err
nb_groups(struct req *r, const struct negative_base *nb, json_t *doc, json_t *rows)
{
	static const char *const names[NB__MAX] = {"churned", "retained"};
	struct nps_result x[NB__MAX];
	struct compare_prop_result pr;
	enum adv_err rc;

	for (int g = 0; g < NB__MAX; g++)
		if ((rc = nps_of_int(nb->recommend[g], NULL, nb->nrecommend[g], &x[g], &r->eb)) !=
			ADV_OK ||
		    (rc = rj_set(doc, names[g],
				 json_pack("{s:I, s:I, s:o}", "accounts",
					   (json_int_t)nb->accounts[g], "assessed",
					   (json_int_t)nb->assessed[g], "nps", rj_nps(&x[g])))) !=
			ADV_OK)
			return rc;
	if ((rc = compare_prop(x[NB_CHURNED].promoters, x[NB_CHURNED].n, x[NB_RETAINED].promoters,
			       x[NB_RETAINED].n, &pr, &r->eb)) != ADV_OK ||
	    (rc = rj_set(doc, "promoters", rj_prop(&pr))) != ADV_OK)
		return rc;
	{
		json_t *row = rj_prop(&pr);

		if ((rc = rj_set(row, "kind", json_string("promoters"))) != ADV_OK)
			return rc;
		return rj_append(rows, row);
	}
}

/* Per component the Welch test of the last scores; per factor the test of its frequency. */
static enum adv_err
nb_tests(struct req *r, const struct negative_base *nb, json_t *doc, json_t *rows)
{
	struct compare_welch_result w;
	struct compare_prop_result pr;
	json_t *comps = json_array(), *facts = json_array(), *it;
	enum adv_err rc = ADV_ENOMEM;

	if (comps == NULL || facts == NULL)
		goto out;
	for (size_t j = 0; j < nb->ncomponents; j++) {
		const struct nb_component *c = &nb->components[j];

		if (!c->component->active && c->n[NB_CHURNED] + c->n[NB_RETAINED] == 0)
			continue;
		compare_welch(c->score[NB_CHURNED], c->n[NB_CHURNED], c->score[NB_RETAINED],
			      c->n[NB_RETAINED], &w);
		it = rj_welch(&w);
		if ((rc = rj_set(it, "component_id", json_integer(c->component->id))) != ADV_OK ||
		    (rc = rj_set(it, "code", json_string(c->component->code))) != ADV_OK ||
		    (rc = rj_set(it, "name",
				 json_pack("{s:s, s:s}", "ru", c->component->name_ru, "en",
					   c->component->name_en))) != ADV_OK ||
		    (rc = rj_append(comps, it)) != ADV_OK)
			goto out;
		if ((it = json_deep_copy(it)) == NULL ||
		    (rc = rj_set(it, "kind", json_string("component"))) != ADV_OK ||
		    (rc = rj_append(rows, it)) != ADV_OK) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
	for (size_t j = 0; j < nb->nfactors; j++) {
		const struct nb_factor *f = &nb->factors[j];

		if (f->count[NB_CHURNED] + f->count[NB_RETAINED] == 0)
			continue;
		if ((rc = compare_prop(f->count[NB_CHURNED], nb->assessed[NB_CHURNED],
				       f->count[NB_RETAINED], nb->assessed[NB_RETAINED], &pr,
				       &r->eb)) != ADV_OK)
			goto out;
		it = rj_prop(&pr);
		if ((rc = rj_set(it, "factor_id", json_integer(f->factor->id))) != ADV_OK ||
		    (rc = rj_set(it, "component_id", json_integer(f->factor->component_id))) !=
			ADV_OK ||
		    (rc = rj_set(it, "text",
				 json_pack("{s:s, s:s}", "ru", f->factor->text_ru, "en",
					   f->factor->text_en))) != ADV_OK ||
		    (rc = rj_set(it, "polarity", json_integer(f->factor->polarity))) != ADV_OK ||
		    (rc = rj_append(facts, it)) != ADV_OK)
			goto out;
		if ((it = json_deep_copy(it)) == NULL ||
		    (rc = rj_set(it, "kind", json_string("factor"))) != ADV_OK ||
		    (rc = rj_append(rows, it)) != ADV_OK) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
	if ((rc = rj_set(doc, "components", json_incref(comps))) != ADV_OK)
		goto out;
	rc = rj_set(doc, "factors", json_incref(facts));
out:
	json_decref(comps);
	json_decref(facts);
	return rc;
}

/* NPS and component means of the exit interviews' responses (the account filters apply). */
static enum adv_err
nb_exit(struct req *r, const struct research_query *q, json_t *doc)
{
	struct research_filter f = q->f;
	struct research_data d;
	struct nps_result x;
	struct describe_result ds;
	json_t *comps = NULL, *it;
	enum adv_err rc;

	f.exit_only = true;
	f.from = f.to = NULL;
	f.status = NULL;
	if ((rc = research_data_load(req_db(r), &r->arena, r->ws.id, &f, &d, &r->eb)) != ADV_OK ||
	    (rc = nps_of_double(d.recommend, NULL, d.n, &x, &r->eb)) != ADV_OK)
		goto out;
	if ((comps = json_array()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < d.ncomponents; i++) {
		if ((rc = describe_scale(d.components[i].col, d.n, d.score_min, d.score_max, &ds,
					 &r->eb)) != ADV_OK ||
		    (rc = rj_append(comps, it = rj_describe(&ds))) != ADV_OK ||
		    (rc = rj_component(it, &d.components[i])) != ADV_OK)
			goto out;
	}
	rc = rj_set(doc, "exit_interviews",
		    json_pack("{s:I, s:I, s:b, s:o, s:O}", "studies", (json_int_t)d.nstudies, "n",
			      (json_int_t)d.n, "small", d.n < ANALYTICS_SMALL_N, "nps", rj_nps(&x),
			      "components", comps));
out:
	json_decref(comps);
	research_data_release(&d);
	return rc;
}

enum adv_err
research_get_negative_base(struct req *r)
{
	struct research_query q;
	struct nb_filter f;
	struct negative_base nb;
	json_t *doc = NULL, *rows = NULL;
	enum adv_err rc;

	if ((rc = nb_query(r, &q, &f)) != ADV_OK ||
	    (rc = negative_base_load(req_db(r), &r->arena, r->ws.id, &f, &nb)) != ADV_OK)
		goto out;
	if ((doc = json_pack("{s:{s:s?, s:s?}}", "period", "from", f.from, "to", f.to)) == NULL ||
	    (rows = json_array()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = nb_groups(r, &nb, doc, rows)) != ADV_OK ||
	    (rc = nb_tests(r, &nb, doc, rows)) != ADV_OK || (rc = nb_exit(r, &q, doc)) != ADV_OK)
		goto out;
	rc = research_answer(r, &q, "negative-base", json_incref(doc), rows);
out:
	json_decref(doc);
	json_decref(rows);
	return rc;
}
