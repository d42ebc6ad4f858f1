/*
 * loyalty_body.c — the request bodies of the loyalty catalogue and the
 * journey map (src/api/catalogue.c, src/api/journey.c): texts in two
 * languages and lists of ids checked besides validate_object's flat fields,
 * members read into the core's structs, the reading of a create, patch or
 * order request, and the answer of one versioned object with its ETag.
 */
#include <stdio.h>
#include <string.h>

#include "api/loyalty_body.h"
#include "api/validate.h"
#include "core/catalogue.h"

static const struct body_member order_ids[] = {
    {"ids", BODY_IDS, true, false},
};

/* A field_spec check: a code of a-z 0-9 _ - (catalogue_code_valid); why says what is wrong. */
bool
loyalty_code_check(const char *v, char *why, size_t whylen)
{
	if (catalogue_code_valid(v))
		return true;
	snprintf(why, whylen, "a code is 1 to %d characters of a-z, 0-9, '_' and '-'",
		 LOYALTY_CODE_MAX);
	return false;
}

#define BODY_POINTER_MAX 160

/* Checks one text member v (present) of spec m; adds errors. */
static void
check_text(struct req *r, const struct body_member *m, json_t *v, bool patch)
{
	char ptr[BODY_POINTER_MAX];
	const char *key;
	json_t *lang;

	snprintf(ptr, sizeof(ptr), "/%s", m->name);
	if (!json_is_object(v)) {
		req_add_error(r, ptr, "%s must be an object {\"ru\": \"…\", \"en\": \"…\"}",
			      m->name);
		return;
	}
	json_object_foreach(v, key, lang)
	{
		bool ru = strcmp(key, "ru") == 0, en = strcmp(key, "en") == 0;

		snprintf(ptr, sizeof(ptr), "/%s/%.100s", m->name, key);
		if (!ru && !en)
			req_add_error(r, ptr, "unknown field '%.100s' (a text has ru and en)", key);
		else if (json_is_null(lang) && ru)
			req_add_error(r, ptr, "%s/ru may not be null", m->name);
		else if (!json_is_string(lang) && !json_is_null(lang))
			req_add_error(r, ptr, "%s/%s must be a string", m->name, key);
	}
	snprintf(ptr, sizeof(ptr), "/%s/ru", m->name);
	if (!patch && json_object_get(v, "ru") == NULL)
		req_add_error(r, ptr, "%s/ru is required: the Russian text comes first", m->name);
}

/* Checks one ids member v (present); adds errors. */
static void
check_ids(struct req *r, const struct body_member *m, json_t *v)
{
	char ptr[BODY_POINTER_MAX];
	size_t i;
	json_t *id;

	snprintf(ptr, sizeof(ptr), "/%s", m->name);
	if (!json_is_array(v)) {
		req_add_error(r, ptr, "%s must be a list of ids", m->name);
		return;
	}
	if (json_array_size(v) > LOYALTY_ORDER_MAX) {
		req_add_error(r, ptr, "%s may have at most %d ids", m->name, LOYALTY_ORDER_MAX);
		return;
	}
	json_array_foreach(v, i, id)
	{
		snprintf(ptr, sizeof(ptr), "/%s/%zu", m->name, i);
		if (!json_is_integer(id) || json_integer_value(id) < 1 ||
		    (double)json_integer_value(id) > LOYALTY_ID_MAX)
			req_add_error(r, ptr, "%s must hold ids (positive whole numbers)", m->name);
	}
}

/* Checks body against specs and members (loyalty_body.h); ADV_EINVAL when any is wrong. */
enum adv_err
loyalty_body_check(struct req *r, json_t *body, const struct field_spec *specs, size_t n,
		   const struct body_member *members, size_t nm, bool patch)
{
	size_t before = r->errors ? json_array_size(r->errors) : 0, after;
	json_t *rest = json_object(), *v;
	char ptr[BODY_POINTER_MAX];
	const char *key;

	if (rest == NULL)
		return ADV_ENOMEM;
	json_object_foreach(body, key, v)
	{
		const struct body_member *m = NULL;

		for (size_t i = 0; i < nm && m == NULL; i++)
			if (strcmp(members[i].name, key) == 0)
				m = &members[i];
		if (m == NULL) {
			json_object_set(rest, key, v);
			continue;
		}
		if (json_is_null(v)) {
			snprintf(ptr, sizeof(ptr), "/%s", m->name);
			if (!m->nullable || m->required)
				req_add_error(r, ptr, "%s may not be null", m->name);
			continue;
		}
		if (m->kind == BODY_TEXT)
			check_text(r, m, v, patch);
		else
			check_ids(r, m, v);
	}
	for (size_t i = 0; i < nm && !patch; i++) {
		snprintf(ptr, sizeof(ptr), "/%s", members[i].name);
		if (members[i].required && json_object_get(body, members[i].name) == NULL)
			req_add_error(r, ptr, "%s is required", members[i].name);
	}
	validate_object(r, rest, specs, n, patch);
	json_decref(rest);
	after = r->errors ? json_array_size(r->errors) : 0;
	if (after > before)
		return adv_fail(&r->eb, ADV_EINVAL, NULL, "%zu field%s of the request %s not valid",
				after - before, after - before == 1 ? "" : "s",
				after - before == 1 ? "is" : "are");
	return ADV_OK;
}

/* The text member name of a checked body in *out; true when present. */
bool
loyalty_body_text(json_t *body, const char *name, struct loyalty_text *out)
{
	json_t *v = json_object_get(body, name), *en;

	memset(out, 0, sizeof(*out));
	if (v == NULL)
		return false;
	if (json_is_null(v)) {
		out->is_null = true;
		return true;
	}
	en = json_object_get(v, "en");
	out->ru = json_string_value(json_object_get(v, "ru"));
	out->en = json_string_value(en);
	out->en_null = en != NULL && json_is_null(en);
	return true;
}

/* The ids member name of a checked body in *ids (the arena's), *n of them. */
enum adv_err
loyalty_body_ids(struct req *r, json_t *body, const char *name, int64_t **ids, size_t *n)
{
	json_t *v = json_object_get(body, name), *id;
	char ptr[BODY_POINTER_MAX];
	size_t i;

	*ids = NULL;
	*n = 0;
	snprintf(ptr, sizeof(ptr), "/%s", name);
	if (!json_is_array(v))
		return adv_fail(&r->eb, ADV_EINVAL, ptr, "%s is required", name);
	if ((*ids = arena_alloc(&r->arena, (json_array_size(v) + 1) * sizeof(**ids))) == NULL)
		return ADV_ENOMEM;
	json_array_foreach(v, i, id)(*ids)[i] = json_integer_value(id);
	*n = json_array_size(v);
	return ADV_OK;
}

/* The id member name of a checked body in *id (0 for null); true when present. */
bool
loyalty_body_id(json_t *body, const char *name, int64_t *id)
{
	json_t *v = json_object_get(body, name);

	*id = json_is_integer(v) ? json_integer_value(v) : 0;
	return v != NULL;
}

/* Answers status with j (stolen) and the ETag of version. */
enum adv_err
loyalty_answer(struct req *r, int status, int64_t version, json_t *j)
{
	const char *etag = arena_printf(&r->arena, "\"%lld\"", (long long)version);

	if (etag == NULL) {
		json_decref(j);
		return ADV_ENOMEM;
	}
	resp_header(r, "ETag", etag);
	return resp_json(r, status, j);
}

/* The whole-number member name of a checked body in *out; true when present. */
bool
loyalty_body_int(json_t *body, const char *name, int64_t *out)
{
	json_t *v = json_object_get(body, name);

	if (v != NULL)
		*out = json_integer_value(v);
	return v != NULL;
}

/* The number member name of a checked body in *out; true when present. */
bool
loyalty_body_number(json_t *body, const char *name, double *out)
{
	json_t *v = json_object_get(body, name);

	if (v != NULL)
		*out = json_number_value(v);
	return v != NULL;
}

/* The boolean member name of a checked body in *out; true when present. */
bool
loyalty_body_bool(json_t *body, const char *name, bool *out)
{
	json_t *v = json_object_get(body, name);

	if (v != NULL)
		*out = json_is_true(v);
	return v != NULL;
}

/* The string member name of a checked body in *out (borrowed from body); true when present. */
bool
loyalty_body_string(json_t *body, const char *name, const char **out)
{
	json_t *v = json_object_get(body, name);

	if (v != NULL)
		*out = json_string_value(v);
	return v != NULL;
}

/* Reads the request's body into *body and checks it with loyalty_body_check. */
enum adv_err
loyalty_body_read(struct req *r, const struct field_spec *specs, size_t n,
		  const struct body_member *members, size_t nm, bool patch, json_t **body)
{
	enum adv_err rc;

	if ((rc = req_json(r, body)) != ADV_OK)
		return rc;
	return loyalty_body_check(r, *body, specs, n, members, nm, patch);
}

/* Reads a patch: the path's id param, If-Match's version, and the checked body. */
enum adv_err
loyalty_body_patch(struct req *r, const char *param, int64_t *id, int64_t *version,
		   const struct field_spec *specs, size_t n, const struct body_member *members,
		   size_t nm, json_t **body)
{
	enum adv_err rc;

	if ((rc = req_param_id(r, param, id)) != ADV_OK ||
	    (rc = req_if_match(r, version)) != ADV_OK)
		return rc;
	return loyalty_body_read(r, specs, n, members, nm, true, body);
}

/* Reads an order request: "ids" plus specs[0..n) checked, the ids in *ids (the arena's). */
enum adv_err
loyalty_body_order(struct req *r, const struct field_spec *specs, size_t n, json_t **body,
		   int64_t **ids, size_t *nids)
{
	enum adv_err rc;

	if ((rc = loyalty_body_read(r, specs, n, order_ids,
				    sizeof(order_ids) / sizeof(order_ids[0]), false, body)) !=
	    ADV_OK)
		return rc;
	return loyalty_body_ids(r, *body, "ids", ids, nids);
}

/* Sets Location to /api/v1/workspaces/{ws}/collection/id. */
void
loyalty_location(struct req *r, const char *collection, int64_t id)
{
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/workspaces/%s/%s/%lld", r->ws.slug, collection,
				 (long long)id));
}
