/*
 * catalogue.c — the loyalty catalogue over HTTP (docs/loyalty.md): the
 * workspace's scale and factor window, components and factors (list,
 * create, read, merge-patch with If-Match, order), and the whole catalogue
 * at once for the catalogue page and the assessment form. Everyone in the
 * workspace reads; analysts and owners change. The body helpers are
 * loyalty_body.c's.
 */
#include <stdio.h>
#include <string.h>

#include "api/loyalty_body.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/catalogue.h"
#include "util/str.h"

static const char *const polarity_values[] = {"+", "-", "0", NULL};

/* The settings' fields, in the order of enum loyalty_settings_field. */
static const struct field_spec settings_fields[] = {
    [LS_SCORE_MIN] = {"score_min", FIELD_INT, false, false, 0, LOYALTY_SCORE_LIMIT, NULL, NULL},
    [LS_SCORE_MAX] = {"score_max", FIELD_INT, false, false, 0, LOYALTY_SCORE_LIMIT, NULL, NULL},
    [LS_WINDOW] = {"factor_window_months", FIELD_INT, false, false, LOYALTY_WINDOW_MIN,
		   LOYALTY_WINDOW_MAX, NULL, NULL},
};

/* A component's flat fields; "active" (last) only in patches. */
static const struct field_spec component_fields[] = {
    {"code", FIELD_STRING, false, false, 1, LOYALTY_CODE_MAX, NULL, loyalty_code_check},
    {"weight", FIELD_NUMBER, false, false, 0, LOYALTY_WEIGHT_MAX, NULL, NULL},
    {"position", FIELD_INT, false, false, 1, LOYALTY_POSITION_MAX, NULL, NULL},
    {"active", FIELD_BOOL, false, false, 0, 0, NULL, NULL},
};

static const struct body_member component_texts[] = {
    {"name", BODY_TEXT, true, false},
    {"description", BODY_TEXT, false, true},
};

/* A factor's flat fields; "active" (last) only in patches. */
static const struct field_spec factor_fields[] = {
    {"component_id", FIELD_INT, true, false, 1, LOYALTY_ID_MAX, NULL, NULL},
    {"polarity", FIELD_ENUM, true, false, 0, 0, polarity_values, NULL},
    {"position", FIELD_INT, false, false, 1, LOYALTY_POSITION_MAX, NULL, NULL},
    {"stage_id", FIELD_INT, false, true, 1, LOYALTY_ID_MAX, NULL, NULL},
    {"item_id", FIELD_INT, false, true, 1, LOYALTY_ID_MAX, NULL, NULL},
    {"active", FIELD_BOOL, false, false, 0, 0, NULL, NULL},
};

static const struct body_member factor_texts[] = {
    {"text", BODY_TEXT, true, false},
};

static const struct field_spec factor_order_fields[] = {
    {"component_id", FIELD_INT, true, false, 1, LOYALTY_ID_MAX, NULL, NULL},
};

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

/* The settings as the API shows them; new reference. */
static json_t *
settings_json(const struct loyalty_settings *s)
{
	return json_pack("{s:I, s:I, s:I}", "score_min", (json_int_t)s->score_min, "score_max",
			 (json_int_t)s->score_max, "factor_window_months",
			 (json_int_t)s->factor_window_months);
}

static enum adv_err
get_settings(struct req *r)
{
	struct loyalty_settings s;
	enum adv_err rc;

	if ((rc = loyalty_settings_get(req_db(r), r->ws.id, &s)) != ADV_OK)
		return rc;
	return resp_json(r, 200, settings_json(&s));
}

static enum adv_err
patch_settings(struct req *r)
{
	struct loyalty_settings in = {0}, out;
	uint32_t mask = 0;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, settings_fields, NELEM(settings_fields), true)) !=
		ADV_OK)
		return rc;
	for (int f = 0; f < LS__MAX; f++) {
		json_t *v = json_object_get(body, settings_fields[f].name);
		int64_t *dest[LS__MAX] = {&in.score_min, &in.score_max, &in.factor_window_months};

		if (v != NULL) {
			mask |= LOYALTY_BIT(f);
			*dest[f] = json_integer_value(v);
		}
	}
	if ((rc = loyalty_settings_update(req_db(r), r->ws.id, r->caller.user_id, &in, mask, &out,
					  &r->eb)) != ADV_OK)
		return rc;
	return resp_json(r, 200, settings_json(&out));
}

/* {"items": [...]} of n components; new reference (NULL when out of memory). */
static json_t *
components_json(const struct loyalty_component *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		if (json_array_append_new(arr, loyalty_component_json(&v[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	return arr ? json_pack("{s:o}", "items", arr) : NULL;
}

/* {"items": [...]} of n factors; new reference (NULL when out of memory). */
static json_t *
factors_json(const struct loyalty_factor *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		if (json_array_append_new(arr, loyalty_factor_json(&v[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	return arr ? json_pack("{s:o}", "items", arr) : NULL;
}

static enum adv_err
get_components(struct req *r)
{
	struct loyalty_component *v;
	bool all;
	size_t n;
	enum adv_err rc;

	if ((rc = query_flag(r, "include_retired", &all)) != ADV_OK ||
	    (rc = loyalty_component_list(req_db(r), &r->arena, r->ws.id, all, &v, &n)) != ADV_OK)
		return rc;
	return resp_json(r, 200, components_json(v, n));
}

/* Reads a checked component body into x; each present field sets its bit in *mask. */
static void
component_from_json(json_t *body, struct loyalty_component *x, uint32_t *mask)
{
	memset(x, 0, sizeof(*x));
	*mask = 0;
	if (loyalty_body_text(body, "name", &x->name))
		*mask |= LOYALTY_BIT(LC_NAME);
	if (loyalty_body_text(body, "description", &x->description))
		*mask |= LOYALTY_BIT(LC_DESCRIPTION);
	if (loyalty_body_string(body, "code", &x->code))
		*mask |= LOYALTY_BIT(LC_CODE);
	if (loyalty_body_number(body, "weight", &x->weight))
		*mask |= LOYALTY_BIT(LC_WEIGHT);
	if (loyalty_body_int(body, "position", &x->position))
		*mask |= LOYALTY_BIT(LC_POSITION);
	if (loyalty_body_bool(body, "active", &x->active))
		*mask |= LOYALTY_BIT(LC_ACTIVE);
}

static enum adv_err
post_components(struct req *r)
{
	struct loyalty_component in, out;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = loyalty_body_read(r, component_fields, NELEM(component_fields) - 1,
				    component_texts, NELEM(component_texts), false, &body)) !=
	    ADV_OK)
		return rc;
	component_from_json(body, &in, &mask);
	if ((rc = loyalty_component_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, &in,
					   mask, &out, &r->eb)) != ADV_OK)
		return rc;
	loyalty_location(r, "loyalty/components", out.id);
	return loyalty_answer(r, 201, out.version, loyalty_component_json(&out));
}

static enum adv_err
get_component(struct req *r)
{
	struct loyalty_component x;
	int64_t id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "cid", &id)) != ADV_OK)
		return rc;
	rc = loyalty_component_get(req_db(r), &r->arena, r->ws.id, id, &x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such component: %lld", (long long)id);
	if (rc != ADV_OK)
		return rc;
	return loyalty_answer(r, 200, x.version, loyalty_component_json(&x));
}

static enum adv_err
patch_component(struct req *r)
{
	struct loyalty_component in, out;
	int64_t id, version;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = loyalty_body_patch(r, "cid", &id, &version, component_fields,
				     NELEM(component_fields), component_texts,
				     NELEM(component_texts), &body)) != ADV_OK)
		return rc;
	component_from_json(body, &in, &mask);
	if ((rc = loyalty_component_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id,
					   version, &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return loyalty_answer(r, 200, out.version, loyalty_component_json(&out));
}

static enum adv_err
post_components_order(struct req *r)
{
	struct loyalty_component *v;
	int64_t *ids;
	json_t *body;
	size_t n;
	enum adv_err rc;

	if ((rc = loyalty_body_order(r, NULL, 0, &body, &ids, &n)) != ADV_OK ||
	    (rc = loyalty_component_order(req_db(r), &r->arena, r->ws.id, r->caller.user_id, ids, n,
					  &r->eb)) != ADV_OK ||
	    (rc = loyalty_component_list(req_db(r), &r->arena, r->ws.id, false, &v, &n)) != ADV_OK)
		return rc;
	return resp_json(r, 200, components_json(v, n));
}

static enum adv_err
get_factors(struct req *r)
{
	struct loyalty_factor *v;
	const char *comp;
	int64_t component_id = 0;
	bool all;
	size_t n;
	enum adv_err rc;

	if ((rc = query_flag(r, "include_retired", &all)) != ADV_OK ||
	    (rc = query_text(r, "component_id", 20, &comp)) != ADV_OK)
		return rc;
	if (comp != NULL && (!str_to_i64(comp, &component_id) || component_id < 1))
		return adv_fail(&r->eb, ADV_EINVAL, "component_id",
				"component_id must be the id of a component");
	if ((rc = loyalty_factor_list(req_db(r), &r->arena, r->ws.id, component_id, all, &v, &n)) !=
	    ADV_OK)
		return rc;
	return resp_json(r, 200, factors_json(v, n));
}

/* Reads a checked factor body into x; each present field sets its bit in *mask. */
static void
factor_from_json(json_t *body, struct loyalty_factor *x, uint32_t *mask)
{
	json_t *v;

	memset(x, 0, sizeof(*x));
	*mask = 0;
	if (loyalty_body_text(body, "text", &x->text))
		*mask |= LOYALTY_BIT(LF_TEXT);
	if (loyalty_body_id(body, "component_id", &x->component_id))
		*mask |= LOYALTY_BIT(LF_COMPONENT);
	if (loyalty_body_id(body, "stage_id", &x->stage_id))
		*mask |= LOYALTY_BIT(LF_STAGE);
	if (loyalty_body_id(body, "item_id", &x->item_id))
		*mask |= LOYALTY_BIT(LF_ITEM);
	if ((v = json_object_get(body, "polarity")) != NULL &&
	    loyalty_polarity_parse(json_string_value(v), &x->polarity))
		*mask |= LOYALTY_BIT(LF_POLARITY);
	if (loyalty_body_int(body, "position", &x->position))
		*mask |= LOYALTY_BIT(LF_POSITION);
	if (loyalty_body_bool(body, "active", &x->active))
		*mask |= LOYALTY_BIT(LF_ACTIVE);
}

static enum adv_err
post_factors(struct req *r)
{
	struct loyalty_factor in, out;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = loyalty_body_read(r, factor_fields, NELEM(factor_fields) - 1, factor_texts,
				    NELEM(factor_texts), false, &body)) != ADV_OK)
		return rc;
	factor_from_json(body, &in, &mask);
	if ((rc = loyalty_factor_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, &in,
					mask, &out, &r->eb)) != ADV_OK)
		return rc;
	loyalty_location(r, "loyalty/factors", out.id);
	return loyalty_answer(r, 201, out.version, loyalty_factor_json(&out));
}

static enum adv_err
get_factor(struct req *r)
{
	struct loyalty_factor x;
	int64_t id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "fid", &id)) != ADV_OK)
		return rc;
	rc = loyalty_factor_get(req_db(r), &r->arena, r->ws.id, id, &x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such factor: %lld", (long long)id);
	if (rc != ADV_OK)
		return rc;
	return loyalty_answer(r, 200, x.version, loyalty_factor_json(&x));
}

static enum adv_err
patch_factor(struct req *r)
{
	struct loyalty_factor in, out;
	int64_t id, version;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = loyalty_body_patch(r, "fid", &id, &version, factor_fields, NELEM(factor_fields),
				     factor_texts, NELEM(factor_texts), &body)) != ADV_OK)
		return rc;
	factor_from_json(body, &in, &mask);
	if ((rc = loyalty_factor_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id,
					version, &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return loyalty_answer(r, 200, out.version, loyalty_factor_json(&out));
}

static enum adv_err
post_factors_order(struct req *r)
{
	struct loyalty_factor *v;
	int64_t *ids, component_id;
	json_t *body;
	size_t n;
	enum adv_err rc;

	if ((rc = loyalty_body_order(r, factor_order_fields, NELEM(factor_order_fields), &body,
				     &ids, &n)) != ADV_OK)
		return rc;
	loyalty_body_id(body, "component_id", &component_id);
	if ((rc = loyalty_factor_order(req_db(r), &r->arena, r->ws.id, r->caller.user_id,
				       component_id, ids, n, &r->eb)) != ADV_OK ||
	    (rc = loyalty_factor_list(req_db(r), &r->arena, r->ws.id, component_id, false, &v,
				      &n)) != ADV_OK)
		return rc;
	return resp_json(r, 200, factors_json(v, n));
}

static enum adv_err
get_catalogue(struct req *r)
{
	struct loyalty_settings s;
	struct loyalty_component *comps;
	struct loyalty_factor *facts;
	size_t nc, nf, f = 0;
	json_t *arr, *j;
	enum adv_err rc;

	if ((rc = loyalty_settings_get(req_db(r), r->ws.id, &s)) != ADV_OK ||
	    (rc = loyalty_component_list(req_db(r), &r->arena, r->ws.id, true, &comps, &nc)) !=
		ADV_OK ||
	    (rc = loyalty_factor_list(req_db(r), &r->arena, r->ws.id, 0, true, &facts, &nf)) !=
		ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	/* Both lists come in component order: each component takes its run of factors. */
	for (size_t i = 0; i < nc; i++) {
		json_t *fa = json_array();

		for (; fa != NULL && f < nf && facts[f].component_id == comps[i].id; f++)
			json_array_append_new(fa, loyalty_factor_json(&facts[f]));
		j = loyalty_component_json(&comps[i]);
		if (fa == NULL || j == NULL || json_object_set_new(j, "factors", fa) != 0 ||
		    json_array_append_new(arr, j) != 0) {
			json_decref(arr);
			return ADV_ENOMEM;
		}
	}
	return resp_json(r, 200,
			 json_pack("{s:o, s:o}", "settings", settings_json(&s), "components", arr));
}

API_ROUTES_DEFINE(catalogue,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/loyalty/settings", get_settings,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/loyalty/settings", patch_settings,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/loyalty/components", get_components,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/loyalty/components", post_components,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/loyalty/components/order",
		   post_components_order, ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/loyalty/components/{cid}", get_component,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/loyalty/components/{cid}", patch_component,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/loyalty/factors", get_factors,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/loyalty/factors", post_factors,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/loyalty/factors/order", post_factors_order,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/loyalty/factors/{fid}", get_factor,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/loyalty/factors/{fid}", patch_factor,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/loyalty/catalogue", get_catalogue,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0}, );
