/*
 * loyalty.c — the loyalty model over HTTP (docs/loyalty.md): one client's
 * current model (GET /accounts/{id}/loyalty) and the portfolio over the
 * clients that match the accounts list's filters (GET /loyalty/portfolio).
 * Everyone in the workspace reads both. Both are computed as of today (UTC).
 */
#include <string.h>

#include "api/query.h"
#include "api/routes.h"
#include "core/account.h"
#include "core/assessment.h"
#include "core/loyalty_model.h"
#include "core/portfolio.h"

#define LOYALTY_FILTER_MAX 300 /* characters of a filter value */

/* {"ru": …, "en": …} */
static json_t *
text2_json(const char *ru, const char *en)
{
	return json_pack("{s:s?, s:s?}", "ru", ru, "en", en ? en : ru);
}

/* A date as "YYYY-MM-DD", or null for 0. */
static json_t *
date_json(int32_t d)
{
	char t[LOYALTY_DATE_TEXT];

	if (d == 0)
		return json_null();
	loyalty_date_text(d, t);
	return json_string(t);
}

/* A number, or null when it does not exist. */
static json_t *
num_json(bool has, double v)
{
	return has ? json_real(v) : json_null();
}

/* The index as {"value", "known_weight_share", "partial"}. */
static json_t *
index_json(const struct loyalty_index *ix)
{
	return json_pack("{s:o, s:f, s:b}", "value", num_json(ix->known, ix->value),
			 "known_weight_share", ix->known_weight_share, "partial", ix->partial);
}

/* One component of the client's model. */
static json_t *
model_component_json(const struct model_component *mc)
{
	const struct model_score *latest = mc->nhistory ? &mc->history[mc->nhistory - 1] : NULL;
	json_t *history = json_array(), *factors = json_array();

	for (size_t i = 0; history != NULL && i < mc->nhistory; i++)
		json_array_append_new(history, json_pack("{s:o, s:f, s:I}", "assessed_on",
							 date_json(mc->history[i].date), "score",
							 mc->history[i].score, "assessment_id",
							 (json_int_t)mc->history[i].assessment_id));
	for (size_t i = 0; factors != NULL && i < mc->nfactors; i++) {
		const struct model_factor *f = &mc->factors[i];

		json_array_append_new(
		    factors,
		    json_pack("{s:I, s:o, s:s, s:b, s:I, s:o, s:s?}", "factor_id",
			      (json_int_t)f->factor->id, "text",
			      text2_json(f->factor->text_ru, f->factor->text_en), "polarity",
			      catview_polarity_name(f->factor->polarity), "active",
			      f->factor->active, "count", (json_int_t)f->count, "last_seen",
			      date_json(f->last_seen), "evidence", f->evidence));
	}
	return json_pack("{s:I, s:s, s:o, s:f, s:o, s:o, s:s?, s:o, s:o}", "component_id",
			 (json_int_t)mc->component->id, "code", mc->component->code, "name",
			 text2_json(mc->component->name_ru, mc->component->name_en), "weight",
			 mc->component->weight, "score",
			 num_json(latest != NULL, latest ? latest->score : 0), "assessed_on",
			 date_json(latest ? latest->date : 0), "comment",
			 latest ? latest->comment : NULL, "history", history, "factors", factors);
}

/* The client's model as the API shows it. */
static json_t *
model_json(const struct loyalty_model *m)
{
	json_t *trend = json_array(), *comps = json_array(), *port = json_array();
	json_t *summary = json_null(), *recommend = json_null();

	for (size_t i = 0; trend != NULL && i < m->ntrend; i++) {
		const struct loyalty_trend_point *p = &m->trend[i];
		char q[LOYALTY_QUARTER_TEXT];

		loyalty_quarter_label(p->quarter, q);
		json_array_append_new(trend, json_pack("{s:s, s:o, s:o, s:b}", "quarter", q, "end",
						       date_json(p->end), "index",
						       num_json(p->index.known, p->index.value),
						       "partial", p->index.partial));
	}
	for (size_t k = 0; comps != NULL && port != NULL && k < m->ncomponents; k++) {
		const struct model_component *mc = &m->components[k];

		json_array_append_new(comps, model_component_json(mc));
		json_array_append_new(
		    port,
		    json_pack("{s:I, s:o, s:I}", "component_id", (json_int_t)mc->component->id,
			      "mean", num_json(mc->portfolio.has_mean, mc->portfolio.mean), "n",
			      (json_int_t)mc->portfolio.n));
	}
	if (m->summary != NULL)
		summary = json_pack("{s:s, s:o, s:I}", "text", m->summary, "assessed_on",
				    date_json(m->summary_date), "assessment_id",
				    (json_int_t)m->summary_id);
	if (m->has_recommend)
		recommend = json_pack("{s:i, s:o}", "value", m->recommend, "assessed_on",
				      date_json(m->recommend_date));
	return json_pack("{s:{s:i, s:i}, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "scale",
			 "min", m->settings.score_min, "max", m->settings.score_max,
			 "window_months", m->settings.window_months, "as_of", date_json(m->today),
			 "window_start", date_json(m->window_start), "summary", summary,
			 "recommend", recommend, "index", index_json(&m->index), "trend", trend,
			 "components", comps, "portfolio", port);
}

static enum adv_err
get_model(struct req *r)
{
	struct loyalty_model m;
	int64_t aid;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &aid)) != ADV_OK ||
	    (rc = loyalty_model_get(req_db(r), &r->arena, r->ws.id, aid, r->ws.data_version,
				    assessment_today(), &m, &r->eb)) != ADV_OK)
		return rc;
	return resp_json(r, 200, model_json(&m));
}

/* One component's figures in the portfolio. */
static json_t *
portfolio_component_json(const struct portfolio_component *pc)
{
	const struct loyalty_stats *s = &pc->stats;

	return json_pack("{s:I, s:s, s:o, s:I, s:o, s:o, s:o, s:o}", "component_id",
			 (json_int_t)pc->component->id, "code", pc->component->code, "name",
			 text2_json(pc->component->name_ru, pc->component->name_en), "n",
			 (json_int_t)s->n, "mean", num_json(s->has_mean, s->mean), "sd",
			 num_json(s->has_sd, s->sd), "ci95",
			 s->has_ci ? json_pack("[f, f]", s->ci_lo, s->ci_hi) : json_null(),
			 "top2_share", num_json(s->has_top2, s->top2_share));
}

/* The portfolio as the API shows it. */
static json_t *
portfolio_json(const struct portfolio *p)
{
	json_t *hist = json_array(), *comps = json_array(), *factors = json_array();
	json_t *top = json_array(), *fallers = json_array();

	for (unsigned b = 0; hist != NULL && b < LOYALTY_HIST_BINS; b++)
		json_array_append_new(hist, json_pack("{s:i, s:i, s:I}", "from", (int)b * 10, "to",
						      (int)b * 10 + 10, "count",
						      (json_int_t)p->histogram[b]));
	for (size_t k = 0; comps != NULL && top != NULL && k < p->ncomponents; k++) {
		const struct portfolio_component *pc = &p->components[k];
		json_t *neg = json_array();

		json_array_append_new(comps, portfolio_component_json(pc));
		for (size_t i = 0; neg != NULL && i < pc->ntop_negative; i++) {
			const struct portfolio_factor *pf = &p->factors[pc->top_negative[i]];

			json_array_append_new(neg, json_pack("{s:I, s:I}", "factor_id",
							     (json_int_t)pf->factor->id, "clients",
							     (json_int_t)pf->clients));
		}
		json_array_append_new(top,
				      json_pack("{s:I, s:o}", "component_id",
						(json_int_t)pc->component->id, "factors", neg));
	}
	for (size_t i = 0; factors != NULL && i < p->nfactors; i++) {
		const struct portfolio_factor *pf = &p->factors[i];

		json_array_append_new(
		    factors,
		    json_pack("{s:I, s:I, s:o, s:s, s:b, s:I}", "factor_id",
			      (json_int_t)pf->factor->id, "component_id",
			      (json_int_t)pf->factor->component_id, "text",
			      text2_json(pf->factor->text_ru, pf->factor->text_en), "polarity",
			      catview_polarity_name(pf->factor->polarity), "active",
			      pf->factor->active, "clients", (json_int_t)pf->clients));
	}
	for (size_t i = 0; fallers != NULL && i < p->nfallers; i++) {
		const struct portfolio_faller *f = &p->fallers[i];

		json_array_append_new(fallers, json_pack("{s:I, s:s?, s:f, s:f, s:f}", "account_id",
							 (json_int_t)f->account_id, "name", f->name,
							 "index", f->index, "previous", f->previous,
							 "change", f->change));
	}
	return json_pack("{s:I, s:I, s:o, s:o, s:o, s:{s:o, s:o, s:I, s:o}, s:o, s:o, s:o, s:o}",
			 "clients", (json_int_t)p->clients, "assessed", (json_int_t)p->assessed,
			 "as_of", date_json(p->today), "window_start", date_json(p->window_start),
			 "previous_end", date_json(p->previous_end), "index", "mean",
			 num_json(p->has_index, p->index_mean), "median",
			 num_json(p->has_index, p->index_median), "partial", (json_int_t)p->partial,
			 "histogram", hist, "components", comps, "factors", factors, "top_negative",
			 top, "fallers", fallers);
}

/* Reads the accounts list's filters from the query; problems name the parameter. */
static enum adv_err
filter_from_query(struct req *r, struct portfolio_filter *f)
{
	static const char *const names[] = {"q",	"status", "segment", "owner",
					    "industry", "region", "tag"};
	const char **dest[] = {&f->q,	     &f->status, &f->segment, &f->owner_email,
			       &f->industry, &f->region, &f->tag};
	const char *owner_email;
	enum adv_err rc;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((rc = query_text(r, names[i], LOYALTY_FILTER_MAX, dest[i])) != ADV_OK)
			return rc;
	/* owner_email is the field's name; the accounts list calls the filter owner. */
	if ((rc = query_text(r, "owner_email", LOYALTY_FILTER_MAX, &owner_email)) != ADV_OK)
		return rc;
	if (f->owner_email == NULL)
		f->owner_email = owner_email;
	if (f->status != NULL && account_status_parse(f->status) == ACCOUNT_STATUS__MAX)
		return adv_fail(&r->eb, ADV_EINVAL, "status",
				"status must be one of: prospect, active, at_risk, churned");
	return ADV_OK;
}

static enum adv_err
get_portfolio(struct req *r)
{
	struct portfolio_filter f;
	struct portfolio p;
	enum adv_err rc;

	if ((rc = filter_from_query(r, &f)) != ADV_OK ||
	    (rc = portfolio_compute(req_db(r), &r->arena, r->ws.id, &f, assessment_today(), &p,
				    &r->eb)) != ADV_OK)
		return rc;
	return resp_json(r, 200, portfolio_json(&p));
}

API_ROUTES_DEFINE(loyalty,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/loyalty", get_model,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/loyalty/portfolio", get_portfolio,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0}, );
