/*
 * response_answers.c — what a response's answers are checked against and how
 * (see response.h): the study's questionnaire with the workspace's scale and
 * catalogue, the check of each value by its question's kind, the merge of a
 * patch onto stored answers, and the assessment a submitted response becomes.
 * No SQL of its own: the questionnaire and catalogue come through
 * core/question.h and core/loyalty_model.h.
 */
#include "core/response.h"
#include "core/response_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/study.h"
#include "core/text.h"

#define POINTER_MAX   (LOYALTY_CODE_MAX + 16)
#define RECOMMEND_MAX 10
#define QID_TEXT_MAX  24

enum adv_err
response_context_load(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
		      struct response_context *ctx)
{
	struct study s;
	enum adv_err rc;

	memset(ctx, 0, sizeof(*ctx));
	if ((rc = study_get(c, a, ws_id, study_id, &s)) != ADV_OK ||
	    (rc = question_list(c, a, ws_id, study_id, true, &ctx->questions, &ctx->nquestions)) !=
		ADV_OK ||
	    (rc = catview_read(c, a, ws_id, &ctx->cat)) != ADV_OK)
		return rc;
	ctx->study_id = study_id;
	ctx->status = (int)s.status;
	return ADV_OK;
}

const struct question *
response_question(const struct response_context *ctx, int64_t qid, const char *code)
{
	for (size_t i = 0; i < ctx->nquestions; i++) {
		const struct question *q = &ctx->questions[i];

		if (qid != 0 ? q->id == qid : strcasecmp(q->code, code) == 0)
			return q;
	}
	return NULL;
}

/* True when the kind of q rates on the workspace's scale. */
static bool
on_scale(enum question_kind k)
{
	return k == QK_COMPONENT || k == QK_COMPETITOR_COMPONENT || k == QK_SATISFACTION ||
	       k == QK_INTENTION;
}

/* Checks a factors answer v of q at ptr: distinct active factors (of q's component). */
static enum adv_err
factors_check(const struct response_context *ctx, const struct question *q, json_t *v,
	      const char *ptr, struct adv_errbuf *eb)
{
	size_t i, j;
	json_t *f;

	if (!json_is_array(v) || json_array_size(v) > ASSESSMENT_FACTORS_MAX)
		return adv_fail(eb, ADV_EINVAL, ptr,
				"the answer to %s must be a list of at most %d factor ids", q->code,
				ASSESSMENT_FACTORS_MAX);
	json_array_foreach(v, i, f)
	{
		const struct catview_factor *cf;

		if (!json_is_integer(f) ||
		    (cf = catview_factor(&ctx->cat, json_integer_value(f))) == NULL ||
		    !cf->active || (q->component_id != 0 && cf->component_id != q->component_id))
			return adv_fail(eb, ADV_EINVAL, ptr,
					"item %zu of the answer to %s is not an active factor%s", i,
					q->code,
					q->component_id ? " of the question's component" : "");
		for (j = 0; j < i; j++)
			if (json_integer_value(json_array_get(v, j)) == json_integer_value(f))
				return adv_fail(eb, ADV_EINVAL, ptr,
						"factor %lld is named twice in the answer to %s",
						(long long)json_integer_value(f), q->code);
	}
	return ADV_OK;
}

/* Checks value v (not null) of question q, at ptr ("/answers/<code>"). */
static enum adv_err
value_check(const struct response_context *ctx, const struct question *q, json_t *v,
	    const char *ptr, struct adv_errbuf *eb)
{
	const struct catview_settings *s = &ctx->cat.settings;
	double x;

	if (q->kind == QK_RECOMMEND) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > RECOMMEND_MAX)
			return adv_fail(eb, ADV_EINVAL, ptr,
					"the answer to %s must be a whole number from 0 to 10",
					q->code);
		return ADV_OK;
	}
	if (on_scale(q->kind)) {
		x = json_number_value(v);
		if (!json_is_number(v) || !isfinite(x) || x < s->score_min || x > s->score_max)
			return adv_fail(eb, ADV_EINVAL, ptr,
					"the answer to %s must be a number from %d to %d", q->code,
					s->score_min, s->score_max);
		return ADV_OK;
	}
	if (q->kind == QK_FACTORS)
		return factors_check(ctx, q, v, ptr, eb);
	if (q->kind == QK_CHOICE) {
		for (size_t i = 0; json_is_string(v) && i < q->noptions; i++)
			if (strcmp(q->options[i].code, json_string_value(v)) == 0)
				return ADV_OK;
		return adv_fail(eb, ADV_EINVAL, ptr,
				"the answer to %s must be the code of one of its options", q->code);
	}
	if (!json_is_string(v))
		return adv_fail(eb, ADV_EINVAL, ptr, "the answer to %s must be text", q->code);
	return text_check(eb, ptr, q->code, json_string_value(v), true, RESPONSE_TEXT_ANSWER_MAX,
			  true);
}

/* Merges the answers of object answers (keyed by code) onto out (keyed by id). */
static enum adv_err
merge_answers(const struct response_context *ctx, json_t *answers, json_t *out,
	      struct adv_errbuf *eb)
{
	char ptr[POINTER_MAX], key[QID_TEXT_MAX];
	const char *code;
	json_t *v;
	enum adv_err rc;

	json_object_foreach(answers, code, v)
	{
		const struct question *q = response_question(ctx, 0, code);

		snprintf(ptr, sizeof(ptr), "/answers/%.*s", LOYALTY_CODE_MAX, code);
		if (q == NULL)
			return adv_fail(eb, ADV_EINVAL, ptr,
					"no question of this study has code %s",
					ptr + strlen("/answers/"));
		snprintf(key, sizeof(key), "%lld", (long long)q->id);
		if (json_is_null(v)) {
			json_object_del(out, key);
			continue;
		}
		if (!q->active)
			return adv_fail(eb, ADV_EINVAL, ptr, "question %s is retired", q->code);
		if ((rc = value_check(ctx, q, v, ptr, eb)) != ADV_OK)
			return rc;
		if (json_object_set(out, key, v) != 0)
			return ADV_ENOMEM;
	}
	return ADV_OK;
}

/* ADV_EINVAL at the first required active question of ctx that merged does not answer. */
static enum adv_err
required_check(const struct response_context *ctx, json_t *merged, struct adv_errbuf *eb)
{
	char key[QID_TEXT_MAX], ptr[POINTER_MAX];

	for (size_t i = 0; i < ctx->nquestions; i++) {
		const struct question *q = &ctx->questions[i];

		snprintf(key, sizeof(key), "%lld", (long long)q->id);
		if (!q->active || !q->required || json_object_get(merged, key) != NULL)
			continue;
		snprintf(ptr, sizeof(ptr), "/answers/%s", q->code);
		return adv_fail(eb, ADV_EINVAL, ptr, "question %s must be answered", q->code);
	}
	return ADV_OK;
}

enum adv_err
response_answers_check(const struct response_context *ctx, json_t *base, json_t *answers,
		       bool submit, json_t **out, struct adv_errbuf *eb)
{
	json_t *merged = base ? json_deep_copy(base) : json_object();
	enum adv_err rc = ADV_OK;

	*out = NULL;
	if (merged == NULL)
		return ADV_ENOMEM;
	if (answers != NULL && !json_is_object(answers)) {
		rc = adv_fail(eb, ADV_EINVAL, "/answers",
			      "answers must be an object of answers by question code");
		goto out;
	}
	if (answers != NULL && (rc = merge_answers(ctx, answers, merged, eb)) != ADV_OK)
		goto out;
	if (submit && (rc = required_check(ctx, merged, eb)) != ADV_OK)
		goto out;
	*out = merged;
	merged = NULL;
out:
	json_decref(merged);
	return rc;
}

/* The answer of ctx's question q in answers (keyed by id), or NULL. */
static json_t *
answer_of(json_t *answers, const struct question *q)
{
	char key[QID_TEXT_MAX];

	snprintf(key, sizeof(key), "%lld", (long long)q->id);
	return json_object_get(answers, key);
}

/*
 * Fills entry e for component cc from answers: the mean of the component
 * questions that rate it, the active factors of it chosen in factors
 * questions (each once). *used is whether the entry holds anything.
 */
static enum adv_err
component_entry(struct arena *a, const struct response_context *ctx, json_t *answers,
		const struct catview_component *cc, struct assessment_component *e, bool *used)
{
	double sum = 0;
	size_t nscores = 0, cap = 0, i, j;
	json_t *v, *f;

	memset(e, 0, sizeof(*e));
	e->component_id = cc->id;
	for (i = 0; i < ctx->nquestions; i++) {
		const struct question *q = &ctx->questions[i];

		if ((v = answer_of(answers, q)) == NULL)
			continue;
		if (q->kind == QK_COMPONENT && q->component_id == cc->id && json_is_number(v)) {
			sum += json_number_value(v);
			nscores++;
		}
		if (q->kind != QK_FACTORS)
			continue;
		json_array_foreach(v, j, f)
		{
			const struct catview_factor *cf =
			    catview_factor(&ctx->cat, json_integer_value(f));
			bool seen = false;

			if (cf == NULL || !cf->active || cf->component_id != cc->id)
				continue;
			for (size_t k = 0; k < e->nfactors; k++)
				seen = seen || e->factors[k].factor_id == cf->id;
			if (seen)
				continue;
			e->factors =
			    arena_array_room(a, e->factors, &cap, e->nfactors, sizeof(*e->factors));
			if (e->factors == NULL)
				return ADV_ENOMEM;
			e->factors[e->nfactors++] = (struct assessment_factor){cf->id, NULL};
		}
	}
	if (nscores > 0) {
		e->has_score = true;
		e->score = sum / (double)nscores;
	}
	*used = e->has_score || e->nfactors > 0;
	return ADV_OK;
}

enum adv_err
response_assessment(struct arena *a, const struct response_context *ctx, json_t *answers,
		    const struct response *r, struct assessment *as, bool *any)
{
	static const enum assessment_source sources[RC__MAX] = {
	    [RC_LINK] = SOURCE_SURVEY,
	    [RC_ANONYMOUS] = SOURCE_SURVEY,
	    [RC_INTERVIEW] = SOURCE_INTERVIEW,
	    [RC_IMPORT] = SOURCE_IMPORT,
	};
	size_t cap = 0;
	bool used;
	json_t *v;
	enum adv_err rc;

	memset(as, 0, sizeof(*as));
	as->source = sources[r->channel];
	as->contact_id = r->contact_id;
	as->summary = r->notes;
	if (r->submitted_at != NULL &&
	    (as->assessed_on = arena_strndup(a, r->submitted_at, strlen("YYYY-MM-DD"))) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < ctx->nquestions && !as->has_recommend; i++)
		if (ctx->questions[i].kind == QK_RECOMMEND &&
		    (v = answer_of(answers, &ctx->questions[i])) != NULL) {
			as->has_recommend = true;
			as->recommend = (int)json_integer_value(v);
		}
	for (size_t i = 0; i < ctx->cat.ncomponents; i++) {
		const struct catview_component *cc = &ctx->cat.components[i];
		struct assessment_component e;

		if (!cc->active)
			continue;
		if ((rc = component_entry(a, ctx, answers, cc, &e, &used)) != ADV_OK)
			return rc;
		if (!used)
			continue;
		as->components = arena_array_room(a, as->components, &cap, as->ncomponents,
						  sizeof(*as->components));
		if (as->components == NULL)
			return ADV_ENOMEM;
		as->components[as->ncomponents++] = e;
	}
	*any = as->has_recommend || as->ncomponents > 0 || as->summary != NULL;
	return ADV_OK;
}
