/*
 * assessments.c — the loyalty assessments of one client company over HTTP
 * (docs/loyalty.md, "Assessments"): list newest first with cursor pages,
 * record, read the current version, correct by PUT (a new version, If-Match
 * against the current one) and list the versions. Everyone in the workspace
 * reads; owners, analysts and managers record and correct (a manager: on the
 * accounts they own, as for every change to an account).
 */
#include <string.h>

#include "api/accounts.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/assessment.h"
#include "core/listing.h"
#include "util/str.h"

/* The largest id a JSON number carries exactly (2^53). */
#define ASSESSMENT_ID_MAX 9007199254740992.0
#define POINTER_MAX	  128

static const char *const source_values[] = {"interview", "survey", "manual",
					    "request",	 "import", NULL};

/* The fields of an assessment body beside "components" (checked on its own). */
static const struct field_spec assessment_fields[] = {
    {"assessed_on", FIELD_DATE, false, false, 0, 0, NULL, NULL},
    {"source", FIELD_ENUM, true, false, 0, 0, source_values, NULL},
    {"person", FIELD_STRING, false, true, 0, ASSESSMENT_PERSON_MAX, NULL, NULL},
    {"summary", FIELD_STRING, false, true, 0, ASSESSMENT_SUMMARY_MAX, NULL, NULL},
    {"recommend", FIELD_INT, false, true, 0, ASSESSMENT_RECOMMEND_MAX, NULL, NULL},
    {"stage_id", FIELD_INT, false, true, 1, ASSESSMENT_ID_MAX, NULL, NULL},
    {"contact_id", FIELD_INT, false, true, 1, ASSESSMENT_ID_MAX, NULL, NULL},
    {"item_id", FIELD_INT, false, true, 1, ASSESSMENT_ID_MAX, NULL, NULL},
};

#define ASSESSMENT_NFIELDS (sizeof(assessment_fields) / sizeof(assessment_fields[0]))

/* Keys of a component entry and of a factor entry. */
static const char *const component_keys[] = {"component_id", "score", "comment", "factors", NULL};
static const char *const factor_keys[] = {"factor_id", "evidence", NULL};

/* Adds an error for every key of obj (at pointer base) that is not in keys. */
static void
check_keys(struct req *r, const char *base, json_t *obj, const char *const *keys)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		bool known = false;

		for (const char *const *k = keys; *k != NULL && !known; k++)
			known = strcmp(*k, key) == 0;
		if (!known)
			req_add_error(r, arena_printf(&r->arena, "%s/%.100s", base, key),
				      "unknown field '%.100s'", key);
	}
}

/* Checks an id member key of obj: required (not null), a whole number 1..2^53. */
static void
check_id(struct req *r, const char *base, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	const char *p = arena_printf(&r->arena, "%s/%s", base, key);

	if (v == NULL || json_is_null(v))
		req_add_error(r, p, "%s is required", key);
	else if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		 (double)json_integer_value(v) > ASSESSMENT_ID_MAX)
		req_add_error(r, p, "%s must be a positive whole number", key);
}

/* Checks an optional text member key of obj: a string of at most max characters, or null. */
static void
check_text(struct req *r, const char *base, json_t *obj, const char *key, size_t max)
{
	json_t *v = json_object_get(obj, key);
	const char *p = arena_printf(&r->arena, "%s/%s", base, key);

	if (v == NULL || json_is_null(v))
		return;
	if (!json_is_string(v))
		req_add_error(r, p, "%s must be a string or null", key);
	else if (utf8_length(json_string_value(v), json_string_length(v)) > max)
		req_add_error(r, p, "%s must be at most %zu characters long", key, max);
}

/* Checks the factors of component entry i. */
static void
check_factors(struct req *r, const char *base, json_t *list)
{
	const char *p = arena_printf(&r->arena, "%s/factors", base);
	size_t j;
	json_t *f;

	if (list == NULL || json_is_null(list))
		return;
	if (!json_is_array(list)) {
		req_add_error(r, p, "factors must be a list");
		return;
	}
	if (json_array_size(list) > ASSESSMENT_FACTORS_MAX) {
		req_add_error(r, p, "at most %d factors per component", ASSESSMENT_FACTORS_MAX);
		return;
	}
	json_array_foreach(list, j, f)
	{
		const char *fp = arena_printf(&r->arena, "%s/%zu", p, j);

		if (!json_is_object(f)) {
			req_add_error(r, fp, "a factor must be an object {factor_id, evidence}");
			continue;
		}
		check_keys(r, fp, f, factor_keys);
		check_id(r, fp, f, "factor_id");
		check_text(r, fp, f, "evidence", ASSESSMENT_EVIDENCE_MAX);
	}
}

/* Checks the shape of "components" (the rules against the catalogue are core's). */
static void
check_components(struct req *r, json_t *list)
{
	size_t i;
	json_t *e;

	if (list == NULL || json_is_null(list))
		return;
	if (!json_is_array(list)) {
		req_add_error(r, "/components", "components must be a list");
		return;
	}
	if (json_array_size(list) > ASSESSMENT_COMPONENTS_MAX) {
		req_add_error(r, "/components", "at most %d components", ASSESSMENT_COMPONENTS_MAX);
		return;
	}
	json_array_foreach(list, i, e)
	{
		const char *p = arena_printf(&r->arena, "/components/%zu", i);
		json_t *score;

		if (p == NULL)
			return;
		if (!json_is_object(e)) {
			req_add_error(r, p,
				      "a component must be an object {component_id, score, "
				      "comment, factors}");
			continue;
		}
		check_keys(r, p, e, component_keys);
		check_id(r, p, e, "component_id");
		score = json_object_get(e, "score");
		if (score != NULL && !json_is_null(score) && !json_is_number(score))
			req_add_error(r, arena_printf(&r->arena, "%s/score", p),
				      "score must be a number or null");
		check_text(r, p, e, "comment", ASSESSMENT_COMMENT_MAX);
		check_factors(r, p, json_object_get(e, "factors"));
	}
}

/* Validates an assessment body: its fields, then its components. */
static enum adv_err
validate_assessment(struct req *r, json_t *body)
{
	json_t *top = json_copy(body);
	size_t before = r->errors ? json_array_size(r->errors) : 0, after;

	if (top == NULL)
		return ADV_ENOMEM;
	json_object_del(top, "components");
	validate_object(r, top, assessment_fields, ASSESSMENT_NFIELDS, false);
	json_decref(top);
	check_components(r, json_object_get(body, "components"));
	after = r->errors ? json_array_size(r->errors) : 0;
	if (after > before)
		return adv_fail(&r->eb, ADV_EINVAL, NULL, "%zu field%s of the request %s not valid",
				after - before, after - before == 1 ? "" : "s",
				after - before == 1 ? "is" : "are");
	return ADV_OK;
}

/* The id member key of obj (validated), or 0 when absent or null. */
static int64_t
id_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

/* Reads a validated body into x (strings borrowed from the body). */
static enum adv_err
assessment_from_json(struct req *r, json_t *body, struct assessment *x)
{
	json_t *list = json_object_get(body, "components"), *e, *rec;
	size_t i;

	memset(x, 0, sizeof(*x));
	x->assessed_on = json_str(body, "assessed_on");
	x->source = assessment_source_parse(json_str(body, "source"));
	x->person = json_str(body, "person");
	x->summary = json_str(body, "summary");
	rec = json_object_get(body, "recommend");
	x->has_recommend = json_is_integer(rec);
	x->recommend = x->has_recommend ? (int)json_integer_value(rec) : 0;
	x->stage_id = id_of(body, "stage_id");
	x->contact_id = id_of(body, "contact_id");
	x->item_id = id_of(body, "item_id");
	x->ncomponents = json_array_size(list);
	if (x->ncomponents > 0 && (x->components = arena_zalloc(
				       &r->arena, x->ncomponents * sizeof(*x->components))) == NULL)
		return ADV_ENOMEM;
	json_array_foreach(list, i, e)
	{
		struct assessment_component *c = &x->components[i];
		json_t *score = json_object_get(e, "score"), *fs = json_object_get(e, "factors"),
		       *f;
		size_t j;

		c->component_id = id_of(e, "component_id");
		c->has_score = json_is_number(score);
		c->score = c->has_score ? json_number_value(score) : 0;
		c->comment = json_str(e, "comment");
		c->nfactors = json_array_size(fs);
		if (c->nfactors > 0 && (c->factors = arena_alloc(
					    &r->arena, c->nfactors * sizeof(*c->factors))) == NULL)
			return ADV_ENOMEM;
		json_array_foreach(fs, j, f)
		{
			c->factors[j].factor_id = id_of(f, "factor_id");
			c->factors[j].evidence = json_str(f, "evidence");
		}
	}
	return ADV_OK;
}

/* The assessment as the API shows it; NULL when out of memory. */
static json_t *
assessment_json(const struct assessment *x)
{
	json_t *comps = json_array(), *author = json_null();

	for (size_t i = 0; comps != NULL && i < x->ncomponents; i++) {
		const struct assessment_component *e = &x->components[i];
		json_t *fs = json_array();

		for (size_t j = 0; fs != NULL && j < e->nfactors; j++)
			json_array_append_new(fs, json_pack("{s:I, s:s?}", "factor_id",
							    (json_int_t)e->factors[j].factor_id,
							    "evidence", e->factors[j].evidence));
		json_array_append_new(comps,
				      json_pack("{s:I, s:o, s:s?, s:o}", "component_id",
						(json_int_t)e->component_id, "score",
						e->has_score ? json_real(e->score) : json_null(),
						"comment", e->comment, "factors", fs));
	}
	if (x->author_id != 0)
		author = json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)x->author_id, "email",
				   x->author_email, "name", x->author_name);
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:o, s:o, s:s?, s:s?, s:o, s:o, s:o, s:o, "
			 "s:s?}",
			 "id", (json_int_t)x->id, "account_id", (json_int_t)x->account_id,
			 "version", (json_int_t)x->version, "assessed_on", x->assessed_on, "source",
			 assessment_source_name(x->source), "author", author, "contact_id",
			 x->contact_id ? json_integer(x->contact_id) : json_null(), "person",
			 x->person, "summary", x->summary, "recommend",
			 x->has_recommend ? json_integer(x->recommend) : json_null(), "stage_id",
			 x->stage_id ? json_integer(x->stage_id) : json_null(), "item_id",
			 x->item_id ? json_integer(x->item_id) : json_null(), "components", comps,
			 "created_at", x->created_at);
}

/* Answers status with the assessment and its version as ETag. */
static enum adv_err
answer_assessment(struct req *r, int status, const struct assessment *x)
{
	const char *etag = arena_printf(&r->arena, "\"%lld\"", (long long)x->version);

	if (etag == NULL)
		return ADV_ENOMEM;
	resp_header(r, "ETag", etag);
	return resp_json(r, status, assessment_json(x));
}

/* Assessments as a JSON array; NULL when out of memory. */
static json_t *
assessments_json(const struct assessment *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, assessment_json(&v[i]));
	return arr;
}

static enum adv_err
get_assessments(struct req *r)
{
	struct assessment *items;
	const char *cursor, *next;
	unsigned limit;
	int64_t aid;
	size_t n;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &aid)) != ADV_OK ||
	    (rc = query_limit(r, ASSESSMENT_LIST_LIMIT_DFLT, ASSESSMENT_LIST_LIMIT_MAX, &limit)) !=
		ADV_OK ||
	    (rc = query_text(r, "cursor", LISTING_CURSOR_MAX, &cursor)) != ADV_OK ||
	    (rc = assessment_list(req_db(r), &r->arena, r->ws.id, aid, limit, cursor, &items, &n,
				  &next, &r->eb)) != ADV_OK)
		return rc;
	return resp_json(
	    r, 200,
	    json_pack("{s:o, s:s?}", "items", assessments_json(items, n), "next_cursor", next));
}

static enum adv_err
post_assessments(struct req *r)
{
	struct assessment in, out;
	struct account acc;
	int64_t aid;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &aid)) != ADV_OK ||
	    (rc = accounts_load_writable(r, aid, &acc)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK || (rc = validate_assessment(r, body)) != ADV_OK ||
	    (rc = assessment_from_json(r, body, &in)) != ADV_OK ||
	    (rc = assessment_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, aid, &in,
				    &out, &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/workspaces/%s/accounts/%lld/assessments/%lld",
				 r->ws.slug, (long long)aid, (long long)out.id));
	return answer_assessment(r, 201, &out);
}

static enum adv_err
get_assessment(struct req *r)
{
	struct assessment x;
	int64_t aid, id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &aid)) != ADV_OK ||
	    (rc = req_param_id(r, "sid", &id)) != ADV_OK)
		return rc;
	rc = assessment_get(req_db(r), &r->arena, r->ws.id, aid, id, &x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such assessment: %lld", (long long)id);
	if (rc != ADV_OK)
		return rc;
	return answer_assessment(r, 200, &x);
}

static enum adv_err
put_assessment(struct req *r)
{
	struct assessment in, out;
	struct account acc;
	int64_t aid, id, version;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &aid)) != ADV_OK ||
	    (rc = req_param_id(r, "sid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = accounts_load_writable(r, aid, &acc)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK || (rc = validate_assessment(r, body)) != ADV_OK ||
	    (rc = assessment_from_json(r, body, &in)) != ADV_OK ||
	    (rc = assessment_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, aid, id,
				    version, &in, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_assessment(r, 200, &out);
}

static enum adv_err
get_versions(struct req *r)
{
	struct assessment *items;
	int64_t aid, id;
	size_t n;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &aid)) != ADV_OK ||
	    (rc = req_param_id(r, "sid", &id)) != ADV_OK)
		return rc;
	rc = assessment_versions(req_db(r), &r->arena, r->ws.id, aid, id, &items, &n);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such assessment: %lld", (long long)id);
	if (rc != ADV_OK)
		return rc;
	return resp_json(r, 200, json_pack("{s:o}", "items", assessments_json(items, n)));
}

API_ROUTES_DEFINE(assessments,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/assessments", get_assessments,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/accounts/{id}/assessments", post_assessments,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/assessments/{sid}",
		   get_assessment, ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PUT, "/api/v1/workspaces/{ws}/accounts/{id}/assessments/{sid}",
		   put_assessment, ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/assessments/{sid}/versions",
		   get_versions, ACCESS_WORKSPACE, ROLE_VIEWER, 0}, );
