/*
 * journey.c — the customer journey map over HTTP (docs/loyalty.md): the map
 * with every stage's touchpoints, solutions and live figures; stages and
 * items created, merge-patched with If-Match (archiving hides them) and
 * ordered. Everyone in the workspace reads; analysts and owners change.
 */
#include <string.h>

#include "api/loyalty_body.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/journey.h"

static const char *const kind_values[] = {"touchpoint", "solution", NULL};

/* A stage's flat fields; "archived" (last) only in patches. */
static const struct field_spec stage_fields[] = {
    {"code", FIELD_STRING, false, false, 1, LOYALTY_CODE_MAX, NULL, loyalty_code_check},
    {"position", FIELD_INT, false, false, 1, LOYALTY_POSITION_MAX, NULL, NULL},
    {"archived", FIELD_BOOL, false, false, 0, 0, NULL, NULL},
};

static const struct body_member stage_texts[] = {
    {"name", BODY_TEXT, true, false},
    {"goal", BODY_TEXT, false, true},
    {"questions", BODY_TEXT, false, true},
};

/* An item's flat fields on create. */
static const struct field_spec item_create_fields[] = {
    {"kind", FIELD_ENUM, true, false, 0, 0, kind_values, NULL},
    {"position", FIELD_INT, false, false, 1, LOYALTY_POSITION_MAX, NULL, NULL},
};

/* An item's flat fields in a patch. */
static const struct field_spec item_patch_fields[] = {
    {"position", FIELD_INT, false, false, 1, LOYALTY_POSITION_MAX, NULL, NULL},
    {"archived", FIELD_BOOL, false, false, 0, 0, NULL, NULL},
};

static const struct body_member item_texts[] = {
    {"name", BODY_TEXT, true, false},
};

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

/* An item as the API shows it; new reference (NULL when out of memory). */
static json_t *
item_json(const struct journey_item *x)
{
	return json_pack("{s:I, s:I, s:s, s:o, s:I, s:b, s:I, s:s, s:s, s:I}", "id",
			 (json_int_t)x->id, "stage_id", (json_int_t)x->stage_id, "kind",
			 journey_kind_name(x->kind), "name", loyalty_text_json(&x->name),
			 "position", (json_int_t)x->position, "archived", x->archived, "version",
			 (json_int_t)x->version, "created_at", x->created_at, "updated_at",
			 x->updated_at, "signals", (json_int_t)x->signals);
}

/* The live figures of a stage; new reference. */
static json_t *
figures_json(const struct journey_figures *f)
{
	json_t *share =
	    f->signals > 0 ? json_real((double)f->negative / (double)f->signals) : json_null();
	json_t *mean =
	    f->component_n > 0 ? json_real(f->component_sum / (double)f->component_n) : json_null();

	return json_pack("{s:I, s:I, s:o, s:o, s:I}", "signals", (json_int_t)f->signals, "negative",
			 (json_int_t)f->negative, "negative_share", share, "component_mean", mean,
			 "component_n", (json_int_t)f->component_n);
}

/* A stage with its touchpoints, solutions and figures; new reference. */
static json_t *
stage_json(const struct journey_stage *x)
{
	json_t *tp = json_array(), *so = json_array(), *j;

	for (size_t i = 0; tp != NULL && so != NULL && i < x->nitems; i++)
		json_array_append_new(x->items[i].kind == JOURNEY_SOLUTION ? so : tp,
				      item_json(&x->items[i]));
	j = json_pack("{s:I, s:s, s:o, s:o, s:o, s:I, s:b, s:I, s:s, s:s, s:o, s:o, s:o}", "id",
		      (json_int_t)x->id, "code", x->code, "name", loyalty_text_json(&x->name),
		      "goal", loyalty_text_json(&x->goal), "questions",
		      loyalty_text_json(&x->questions), "position", (json_int_t)x->position,
		      "archived", x->archived, "version", (json_int_t)x->version, "created_at",
		      x->created_at, "updated_at", x->updated_at, "touchpoints", tp, "solutions",
		      so, "figures", figures_json(&x->fig));
	return j;
}

/* The whole map; new reference. */
static json_t *
map_json(const struct journey_map *m)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < m->n; i++)
		if (json_array_append_new(arr, stage_json(&m->stages[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	return arr ? json_pack("{s:I, s:s, s:o}", "window_months", (json_int_t)m->window_months,
			       "window_start", m->window_start, "stages", arr)
		   : NULL;
}

/* Answers status with stage id as the map shows it (archived or not), ETag its version. */
static enum adv_err
answer_stage(struct req *r, int status, int64_t id)
{
	struct journey_map m;
	enum adv_err rc;

	if ((rc = journey_load(req_db(r), &r->arena, r->ws.id, true, NULL, &m)) != ADV_OK)
		return rc;
	for (size_t i = 0; i < m.n; i++)
		if (m.stages[i].id == id)
			return loyalty_answer(r, status, m.stages[i].version,
					      stage_json(&m.stages[i]));
	return adv_fail(&r->eb, ADV_ENOTFOUND, NULL, "no such journey stage: %lld", (long long)id);
}

/* Answers status with item id (its signals counted), ETag its version. */
static enum adv_err
answer_item(struct req *r, int status, int64_t id)
{
	struct journey_map m;
	enum adv_err rc;

	if ((rc = journey_load(req_db(r), &r->arena, r->ws.id, true, NULL, &m)) != ADV_OK)
		return rc;
	for (size_t s = 0; s < m.n; s++)
		for (size_t i = 0; i < m.stages[s].nitems; i++)
			if (m.stages[s].items[i].id == id)
				return loyalty_answer(r, status, m.stages[s].items[i].version,
						      item_json(&m.stages[s].items[i]));
	return adv_fail(&r->eb, ADV_ENOTFOUND, NULL, "no such touchpoint or solution: %lld",
			(long long)id);
}

static enum adv_err
get_journey(struct req *r)
{
	struct journey_map m;
	bool all;
	enum adv_err rc;

	if ((rc = query_flag(r, "include_archived", &all)) != ADV_OK ||
	    (rc = journey_load(req_db(r), &r->arena, r->ws.id, all, NULL, &m)) != ADV_OK)
		return rc;
	return resp_json(r, 200, map_json(&m));
}

/* Reads a checked stage body into x; each present field sets its bit in *mask. */
static void
stage_from_json(json_t *body, struct journey_stage *x, uint32_t *mask)
{
	memset(x, 0, sizeof(*x));
	*mask = 0;
	if (loyalty_body_text(body, "name", &x->name))
		*mask |= LOYALTY_BIT(JS_NAME);
	if (loyalty_body_text(body, "goal", &x->goal))
		*mask |= LOYALTY_BIT(JS_GOAL);
	if (loyalty_body_text(body, "questions", &x->questions))
		*mask |= LOYALTY_BIT(JS_QUESTIONS);
	if (loyalty_body_string(body, "code", &x->code))
		*mask |= LOYALTY_BIT(JS_CODE);
	if (loyalty_body_int(body, "position", &x->position))
		*mask |= LOYALTY_BIT(JS_POSITION);
	if (loyalty_body_bool(body, "archived", &x->archived))
		*mask |= LOYALTY_BIT(JS_ARCHIVED);
}

static enum adv_err
post_stages(struct req *r)
{
	struct journey_stage in, out;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = loyalty_body_read(r, stage_fields, NELEM(stage_fields) - 1, stage_texts,
				    NELEM(stage_texts), false, &body)) != ADV_OK)
		return rc;
	stage_from_json(body, &in, &mask);
	if ((rc = journey_stage_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, &in, mask,
				       &out, &r->eb)) != ADV_OK)
		return rc;
	loyalty_location(r, "journey/stages", out.id);
	return answer_stage(r, 201, out.id);
}

static enum adv_err
get_stage(struct req *r)
{
	int64_t id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &id)) != ADV_OK)
		return rc;
	return answer_stage(r, 200, id);
}

static enum adv_err
patch_stage(struct req *r)
{
	struct journey_stage in, out;
	int64_t id, version;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = loyalty_body_patch(r, "sid", &id, &version, stage_fields, NELEM(stage_fields),
				     stage_texts, NELEM(stage_texts), &body)) != ADV_OK)
		return rc;
	stage_from_json(body, &in, &mask);
	if ((rc = journey_stage_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id,
				       version, &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_stage(r, 200, id);
}

static enum adv_err
post_stages_order(struct req *r)
{
	struct journey_map m;
	int64_t *ids;
	json_t *body;
	size_t n;
	enum adv_err rc;

	if ((rc = loyalty_body_order(r, NULL, 0, &body, &ids, &n)) != ADV_OK ||
	    (rc = journey_stage_order(req_db(r), &r->arena, r->ws.id, r->caller.user_id, ids, n,
				      &r->eb)) != ADV_OK ||
	    (rc = journey_load(req_db(r), &r->arena, r->ws.id, false, NULL, &m)) != ADV_OK)
		return rc;
	return resp_json(r, 200, map_json(&m));
}

/* Reads a checked item body into x; each present field sets its bit in *mask. */
static void
item_from_json(json_t *body, struct journey_item *x, uint32_t *mask)
{
	json_t *v;

	memset(x, 0, sizeof(*x));
	*mask = 0;
	if (loyalty_body_text(body, "name", &x->name))
		*mask |= LOYALTY_BIT(JI_NAME);
	if ((v = json_object_get(body, "kind")) != NULL)
		journey_kind_parse(json_string_value(v), &x->kind);
	if (loyalty_body_int(body, "position", &x->position))
		*mask |= LOYALTY_BIT(JI_POSITION);
	if (loyalty_body_bool(body, "archived", &x->archived))
		*mask |= LOYALTY_BIT(JI_ARCHIVED);
}

static enum adv_err
post_stage_items(struct req *r)
{
	struct journey_item in, out;
	int64_t sid;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = loyalty_body_read(r, item_create_fields, NELEM(item_create_fields), item_texts,
				    NELEM(item_texts), false, &body)) != ADV_OK)
		return rc;
	item_from_json(body, &in, &mask);
	if ((rc = journey_item_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, sid, &in,
				      mask, &out, &r->eb)) != ADV_OK)
		return rc;
	loyalty_location(r, "journey/items", out.id);
	return answer_item(r, 201, out.id);
}

static enum adv_err
get_item(struct req *r)
{
	int64_t id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "iid", &id)) != ADV_OK)
		return rc;
	return answer_item(r, 200, id);
}

static enum adv_err
patch_item(struct req *r)
{
	struct journey_item in, out;
	int64_t id, version;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = loyalty_body_patch(r, "iid", &id, &version, item_patch_fields,
				     NELEM(item_patch_fields), item_texts, NELEM(item_texts),
				     &body)) != ADV_OK)
		return rc;
	item_from_json(body, &in, &mask);
	if ((rc = journey_item_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id,
				      version, &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_item(r, 200, id);
}

API_ROUTES_DEFINE(journey,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/journey", get_journey, ACCESS_WORKSPACE,
		   ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/journey/stages", post_stages,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/journey/stages/order", post_stages_order,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/journey/stages/{sid}", get_stage,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/journey/stages/{sid}", patch_stage,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/journey/stages/{sid}/items",
		   post_stage_items, ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/journey/items/{iid}", get_item,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/journey/items/{iid}", patch_item,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0}, );
