/*
 * research_figures.c — the figures of the responses over HTTP
 * (docs/research.md, "Analytics"): NPS per respondent, per account and
 * revenue-weighted, by grouping; component means with their intervals and
 * Cronbach's alpha; key drivers; importance–performance quadrants; competitor
 * gaps. The rows come from core/research_data.c, the statistics from
 * src/analytics; research.c reads the query and writes the answer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/drivers.h"
#include "api/research.h"

/* Temporary arrays of an NPS request, malloc'ed (they scale with the rows). */
struct nps_tmp {
	int *score;
	int64_t *account, *when;
	double *weight;
	size_t *keep, *pos;
};

static void
nps_tmp_free(struct nps_tmp *t)
{
	free(t->score);
	free(t->account);
	free(t->when);
	free(t->weight);
	free(t->keep);
	free(t->pos);
}

/* {"basis", "key", "label", …the NPS} appended to arr. */
static enum adv_err
nps_row(json_t *arr, const char *basis, const char *key, const char *label,
	const struct nps_result *x)
{
	json_t *row = json_pack("{s:s, s:s?, s:s?}", "basis", basis, "key", key, "label", label),
	       *fig = rj_nps(x);
	enum adv_err rc = ADV_ENOMEM;

	if (row != NULL && fig != NULL && json_object_update(row, fig) == 0)
		rc = rj_append(arr, json_incref(row));
	json_decref(row);
	json_decref(fig);
	return rc;
}

/* The NPS of the latest answer of each account, unweighted (*acc) and revenue-weighted (*rev). */
static enum adv_err
nps_accounts(struct req *r, const struct research_data *d, struct nps_tmp *t,
	     struct nps_result *acc, struct nps_result *rev)
{
	size_t m = 0, nkeep = 0, nw = 0;
	enum adv_err rc;

	for (size_t i = 0; i < d->n; i++)
		if (d->account[i] != 0 && !isnan(d->recommend[i])) {
			t->account[m] = d->account[i];
			t->when[m] = d->when[i];
			t->pos[m++] = i;
		}
	if ((rc = nps_latest_per_account(t->account, t->when, m, t->keep, &nkeep)) != ADV_OK)
		return rc;
	for (size_t k = 0; k < nkeep; k++)
		t->score[k] = (int)d->recommend[t->pos[t->keep[k]]];
	if ((rc = nps_of_int(t->score, NULL, nkeep, acc, &r->eb)) != ADV_OK)
		return rc;
	/* Revenue-weighted: the accounts whose revenue is known. */
	for (size_t k = 0; k < nkeep; k++) {
		double w = d->revenue[t->pos[t->keep[k]]];

		if (isfinite(w) && w >= 0) {
			t->score[nw] = (int)d->recommend[t->pos[t->keep[k]]];
			t->weight[nw++] = w;
		}
	}
	return nps_of_int(t->score, t->weight, nw, rev, &r->eb);
}

/* One NPS per group of d (counting sort of the answered rows by group) appended to rows. */
static enum adv_err
nps_groups(struct req *r, const struct research_data *d, enum research_by by, struct nps_tmp *t,
	   json_t *rows)
{
	size_t ng = d->ngroups + 1, *start, m = 0; /* slot ngroups: rows without a key */
	struct nps_result x;
	enum adv_err rc;

	if ((start = arena_zalloc(&r->arena, (ng + 1) * sizeof(*start))) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < d->n; i++)
		if (!isnan(d->recommend[i]))
			start[(d->group[i] < 0 ? d->ngroups : (size_t)d->group[i]) + 1]++;
	for (size_t g = 0; g < ng; g++)
		start[g + 1] += start[g];
	for (size_t i = 0; i < d->n; i++)
		if (!isnan(d->recommend[i])) {
			size_t g = d->group[i] < 0 ? d->ngroups : (size_t)d->group[i];

			t->score[start[g] + t->pos[g]++] = (int)d->recommend[i];
			m++;
		}
	for (size_t g = 0; g < ng; g++) {
		const char *key = g < d->ngroups ? d->group_keys[g] : NULL, *label = key;
		size_t len = start[g + 1] - start[g];

		if (g == d->ngroups && len == 0)
			continue;
		if (by == RB_STUDY && g < d->ngroups)
			label = d->studies[g].name;
		if ((rc = nps_of_int(t->score + start[g], NULL, len, &x, &r->eb)) != ADV_OK ||
		    (rc = nps_row(rows, "group", key, label, &x)) != ADV_OK)
			return rc;
	}
	return ADV_OK;
}

enum adv_err
research_get_nps(struct req *r)
{
	struct research_query q;
	struct research_data d;
	struct nps_tmp t = {0};
	struct nps_result resp, acc, rev;
	json_t *doc = NULL, *rows = NULL, *groups = NULL;
	size_t n1;
	enum adv_err rc;

	if ((rc = research_load(r, true, &q, &d)) != ADV_OK)
		goto out;
	n1 = d.n + 1;
	if ((t.score = malloc(n1 * sizeof(*t.score))) == NULL ||
	    (t.account = malloc(n1 * sizeof(*t.account))) == NULL ||
	    (t.when = malloc(n1 * sizeof(*t.when))) == NULL ||
	    (t.weight = malloc(n1 * sizeof(*t.weight))) == NULL ||
	    (t.keep = malloc(n1 * sizeof(*t.keep))) == NULL ||
	    (t.pos = calloc(n1 > d.ngroups ? n1 : d.ngroups + 1, sizeof(*t.pos))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = nps_of_double(d.recommend, NULL, d.n, &resp, &r->eb)) != ADV_OK ||
	    (rc = nps_accounts(r, &d, &t, &acc, &rev)) != ADV_OK)
		goto out;
	rc = ADV_ENOMEM;
	if ((doc = json_pack("{s:I, s:b, s:s?}", "n", (json_int_t)d.n, "small",
			     d.n < ANALYTICS_SMALL_N, "by",
			     q.f.by == RB_NONE ? NULL : research_by_name(q.f.by))) == NULL ||
	    (rows = json_array()) == NULL || (groups = json_array()) == NULL ||
	    (rc = rj_set(doc, "respondents", rj_nps(&resp))) != ADV_OK ||
	    (rc = rj_set(doc, "accounts", rj_nps(&acc))) != ADV_OK ||
	    (rc = rj_set(doc, "revenue_weighted", rj_nps(&rev))) != ADV_OK ||
	    (rc = nps_row(rows, "respondents", NULL, NULL, &resp)) != ADV_OK ||
	    (rc = nps_row(rows, "accounts", NULL, NULL, &acc)) != ADV_OK ||
	    (rc = nps_row(rows, "revenue_weighted", NULL, NULL, &rev)) != ADV_OK)
		goto out;
	memset(t.pos, 0, (n1 > d.ngroups ? n1 : d.ngroups + 1) * sizeof(*t.pos));
	if (q.f.by != RB_NONE && (rc = nps_groups(r, &d, q.f.by, &t, groups)) != ADV_OK)
		goto out;
	for (size_t i = 0; i < json_array_size(groups); i++)
		if ((rc = rj_append(rows, json_incref(json_array_get(groups, i)))) != ADV_OK)
			goto out;
	if ((rc = rj_set(doc, "groups", groups)) != ADV_OK) {
		groups = NULL;
		goto out;
	}
	groups = NULL;
	rc = research_answer(r, &q, "nps", json_incref(doc), rows);
out:
	json_decref(doc);
	json_decref(rows);
	json_decref(groups);
	nps_tmp_free(&t);
	research_data_release(&d);
	return rc;
}

/* Cronbach's alpha of component c per study that rates it with several questions. */
static enum adv_err
component_alpha(struct req *r, const struct research_data *d, const struct research_component *c,
		json_t **out)
{
	const double *item[DESCRIBE_ALPHA_MAX_ITEMS];
	struct describe_alpha_result x;
	enum adv_err rc;

	if ((*out = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t s = 0; s < d->nstudies; s++) {
		size_t k = 0;

		for (size_t j = c->first_q; j < c->first_q + c->nq; j++)
			if (d->qcols[j].study_id == d->studies[s].id &&
			    k < DESCRIBE_ALPHA_MAX_ITEMS)
				item[k++] = d->qcols[j].col;
		if (k < 2)
			continue;
		if ((rc = describe_alpha(item, k, d->n, &x, &r->eb)) != ADV_OK)
			return rc;
		if ((rc = rj_append(*out, json_pack("{s:I, s:I, s:s, s:I, s:b, s:o}", "study_id",
						    (json_int_t)d->studies[s].id, "questions",
						    (json_int_t)k, "status", rj_status(x.status),
						    "n", (json_int_t)x.n, "small", x.small, "alpha",
						    rj_num(x.alpha)))) != ADV_OK)
			return rc;
	}
	return ADV_OK;
}

/* {"code": code, …the figures of x} appended to rows. */
static enum adv_err
describe_row(json_t *rows, const char *code, const struct describe_result *x)
{
	json_t *row = json_pack("{s:s}", "code", code), *fig = rj_describe(x);
	enum adv_err rc = ADV_ENOMEM;

	if (row != NULL && fig != NULL && json_object_update(row, fig) == 0)
		rc = rj_append(rows, json_incref(row));
	json_decref(row);
	json_decref(fig);
	return rc;
}

enum adv_err
research_get_components(struct req *r)
{
	struct research_query q;
	struct research_data d;
	struct describe_result x, sat, in;
	json_t *doc = NULL, *items = NULL, *rows = NULL, *it, *alpha;
	enum adv_err rc;

	if ((rc = research_load(r, false, &q, &d)) != ADV_OK)
		goto out;
	rc = ADV_ENOMEM;
	if ((items = json_array()) == NULL || (rows = json_array()) == NULL)
		goto out;
	for (size_t i = 0; i < d.ncomponents; i++) {
		const struct research_component *c = &d.components[i];

		if ((rc = describe_scale(c->col, d.n, d.score_min, d.score_max, &x, &r->eb)) !=
			ADV_OK ||
		    (rc = rj_append(items, it = rj_describe(&x))) != ADV_OK ||
		    (rc = rj_component(it, c)) != ADV_OK ||
		    (rc = component_alpha(r, &d, c, &alpha)) != ADV_OK ||
		    (rc = rj_set(it, "reliability", alpha)) != ADV_OK ||
		    (rc = rj_append(rows, json_deep_copy(it))) != ADV_OK)
			goto out;
	}
	if ((rc = describe_scale(d.satisfaction, d.n, d.score_min, d.score_max, &sat, &r->eb)) !=
		ADV_OK ||
	    (rc = describe_scale(d.intention, d.n, d.score_min, d.score_max, &in, &r->eb)) !=
		ADV_OK ||
	    (rc = describe_row(rows, "satisfaction", &sat)) != ADV_OK ||
	    (rc = describe_row(rows, "intention", &in)) != ADV_OK)
		goto out;
	doc = json_pack("{s:I, s:b, s:{s:i, s:i}, s:O, s:o, s:o}", "n", (json_int_t)d.n, "small",
			d.n < ANALYTICS_SMALL_N, "scale", "min", d.score_min, "max", d.score_max,
			"items", items, "satisfaction", rj_describe(&sat), "intention",
			rj_describe(&in));
	rc = research_answer(r, &q, "components", doc, rows);
out:
	json_decref(items);
	json_decref(rows);
	research_data_release(&d);
	return rc;
}

/* The outcome column named by ?target (recommend by default) into *y and *name. */
static enum adv_err
drivers_target(struct req *r, const struct research_data *d, const double **y, const char **name)
{
	const char *v = req_query(r, "target");

	*name = v == NULL || *v == '\0' ? "recommend" : v;
	if (strcmp(*name, "recommend") == 0)
		*y = d->recommend;
	else if (strcmp(*name, "satisfaction") == 0)
		*y = d->satisfaction;
	else
		return adv_fail(&r->eb, ADV_EINVAL, "target",
				"target must be recommend or satisfaction");
	return ADV_OK;
}

/*
 * Key drivers of the target over the components that have an answer: their
 * indices into idx[0..*p), the result into *out.
 */
static enum adv_err
drivers_run(struct req *r, const struct research_data *d, const char **target, size_t *idx,
	    size_t *p, struct drivers_result *out)
{
	const double *x[DRIVERS_MAX], *y = NULL;
	enum adv_err rc;

	*p = 0;
	memset(out, 0, sizeof(*out));
	out->status = ANALYTICS_EMPTY;
	if ((rc = drivers_target(r, d, &y, target)) != ADV_OK)
		return rc;
	for (size_t i = 0; i < d->ncomponents; i++) {
		bool any = false;

		for (size_t k = 0; k < d->n && !any; k++)
			any = !isnan(d->components[i].col[k]);
		if (!any)
			continue;
		if (*p == DRIVERS_MAX)
			return adv_fail(&r->eb, ADV_EINVAL, "study_id",
					"more than %d components are rated: choose fewer studies",
					DRIVERS_MAX);
		idx[*p] = i;
		x[(*p)++] = d->components[i].col;
	}
	if (*p == 0)
		return ADV_OK;
	return drivers_analyze(y, x, *p, d->n, out, &r->eb);
}

enum adv_err
research_get_drivers(struct req *r)
{
	struct research_query q;
	struct research_data d;
	struct drivers_result x;
	size_t idx[DRIVERS_MAX], p;
	const char *target;
	json_t *doc = NULL, *items = NULL, *it;
	enum adv_err rc;

	if ((rc = research_load(r, false, &q, &d)) != ADV_OK ||
	    (rc = drivers_run(r, &d, &target, idx, &p, &x)) != ADV_OK)
		goto out;
	rc = ADV_ENOMEM;
	if ((items = json_array()) == NULL)
		goto out;
	for (size_t j = 0; j < p; j++) {
		const struct drivers_item *e = &x.item[j];

		it = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "r",
			       rj_num(e->r), "r_p", rj_num(e->r_p), "beta", rj_num(e->beta),
			       "beta_se", rj_num(e->beta_se), "beta_t", rj_num(e->beta_t), "beta_p",
			       rj_num(e->beta_p), "rw", rj_num(e->rw), "rw_share",
			       rj_num(e->rw_share), "lmg", rj_num(e->lmg), "lmg_share",
			       rj_num(e->lmg_share));
		if ((rc = rj_append(items, it)) != ADV_OK ||
		    (rc = rj_component(it, &d.components[idx[j]])) != ADV_OK)
			goto out;
	}
	doc = json_pack("{s:s, s:s, s:I, s:b, s:I, s:I, s:o, s:o, s:O}", "target", target, "status",
			rj_status(x.status), "n", (json_int_t)x.n, "small", x.n < ANALYTICS_SMALL_N,
			"p", (json_int_t)p, "rank", (json_int_t)x.rank, "r2", rj_num(x.r2),
			"r2_adj", rj_num(x.r2_adj), "items", items);
	rc = research_answer(r, &q, "drivers", doc, items);
out:
	json_decref(items);
	research_data_release(&d);
	return rc;
}

enum adv_err
research_get_quadrants(struct req *r)
{
	struct research_query q;
	struct research_data d;
	struct drivers_result x;
	struct drivers_ipa_mid mid = {NAN, NAN};
	struct describe_result perf[DRIVERS_MAX];
	enum drivers_quadrant quad[DRIVERS_MAX];
	double imp[DRIVERS_MAX], mean[DRIVERS_MAX];
	size_t idx[DRIVERS_MAX], p;
	const char *target, *basis = NULL;
	bool placed = false;
	json_t *doc = NULL, *items = NULL, *it;
	enum adv_err rc;

	if ((rc = research_load(r, false, &q, &d)) != ADV_OK ||
	    (rc = drivers_run(r, &d, &target, idx, &p, &x)) != ADV_OK)
		goto out;
	basis = x.status == ANALYTICS_SINGULAR ? "lmg" : "relative_weight";
	placed = p > 0 && (x.status == ANALYTICS_OK || x.status == ANALYTICS_SINGULAR);
	for (size_t j = 0; j < p; j++) {
		if ((rc = describe_scale(d.components[idx[j]].col, d.n, d.score_min, d.score_max,
					 &perf[j], &r->eb)) != ADV_OK)
			goto out;
		imp[j] = x.status == ANALYTICS_SINGULAR ? x.item[j].lmg_share : x.item[j].rw_share;
		mean[j] = perf[j].mean;
		placed = placed && isfinite(imp[j]) && isfinite(mean[j]);
	}
	if (placed && (rc = drivers_ipa(imp, mean, p, NULL, &mid, quad, &r->eb)) != ADV_OK)
		goto out;
	rc = ADV_ENOMEM;
	if ((items = json_array()) == NULL)
		goto out;
	for (size_t j = 0; j < p; j++) {
		it = json_pack("{s:I, s:o, s:o, s:s?}", "n", (json_int_t)perf[j].n, "importance",
			       rj_num(imp[j]), "performance", rj_num(mean[j]), "quadrant",
			       placed ? drivers_quadrant_name(quad[j]) : NULL);
		if ((rc = rj_append(items, it)) != ADV_OK ||
		    (rc = rj_component(it, &d.components[idx[j]])) != ADV_OK)
			goto out;
	}
	doc = json_pack("{s:s, s:s, s:I, s:b, s:s, s:{s:o, s:o}, s:O}", "target", target, "status",
			rj_status(x.status), "n", (json_int_t)x.n, "small", x.n < ANALYTICS_SMALL_N,
			"importance", basis, "mid", "importance", rj_num(mid.importance),
			"performance", rj_num(mid.performance), "items", items);
	rc = research_answer(r, &q, "quadrants", doc, items);
out:
	json_decref(items);
	research_data_release(&d);
	return rc;
}

enum adv_err
research_get_competitors(struct req *r)
{
	struct research_query q;
	struct research_data d;
	struct compare_paired_result x;
	json_t *doc = NULL, *items = NULL, *it;
	enum adv_err rc;

	if ((rc = research_load(r, false, &q, &d)) != ADV_OK)
		goto out;
	rc = ADV_ENOMEM;
	if ((items = json_array()) == NULL)
		goto out;
	for (size_t i = 0; i < d.nrivals; i++) {
		const struct research_rival *v = &d.rivals[i];

		compare_paired(d.components[v->component].col, v->col, d.n, &x);
		it = json_pack("{s:I, s:s, s:s, s:I, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
			       " s:o, s:o, s:b}",
			       "competitor_id", (json_int_t)v->competitor_id, "competitor_name",
			       v->competitor_name, "status", rj_status(x.status), "n",
			       (json_int_t)x.n, "small", x.small, "ours", rj_num(x.mean_a),
			       "theirs", rj_num(x.mean_b), "diff", rj_num(x.mean_diff), "sd",
			       rj_num(x.sd), "se", rj_num(x.se), "ci_lo", rj_num(x.ci_lo), "ci_hi",
			       rj_num(x.ci_hi), "df", rj_num(x.df), "t", rj_num(x.t), "p",
			       rj_num(x.p), "significant", x.significant);
		if ((rc = rj_append(items, it)) != ADV_OK ||
		    (rc = rj_component(it, &d.components[v->component])) != ADV_OK)
			goto out;
	}
	doc = json_pack("{s:I, s:b, s:O}", "n", (json_int_t)d.n, "small", d.n < ANALYTICS_SMALL_N,
			"items", items);
	rc = research_answer(r, &q, "competitors", doc, items);
out:
	json_decref(items);
	research_data_release(&d);
	return rc;
}
