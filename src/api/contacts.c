/*
 * contacts.c — the people of one client company over HTTP
 * (docs/account-map.md): list, add, read with what the person told us (cx),
 * merge-patch, delete with the reports re-parented or detached, restore; and
 * the influence links between them. Whoever may change the account may
 * change its people (a manager: accounts they own).
 */
#include <string.h>

#include "api/accounts.h"
#include "api/contacts.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/assessment.h"
#include "core/loyalty_model.h"

/* The largest id a JSON number carries exactly (2^53). */
#define CONTACT_ID_MAX 9007199254740992.0

static const struct field_spec contact_fields[] = {
    {"name", FIELD_STRING, true, false, 1, CONTACT_NAME_MAX, NULL, NULL},
    {"position", FIELD_STRING, false, true, 0, CONTACT_TEXT_MAX, NULL, NULL},
    {"department", FIELD_STRING, false, true, 0, CONTACT_TEXT_MAX, NULL, NULL},
    {"emails", FIELD_STRING_LIST, false, true, 1, CONTACT_EMAIL_MAX, NULL, NULL},
    {"phones", FIELD_STRING_LIST, false, true, 1, CONTACT_PHONE_MAX, NULL, NULL},
    {"reports_to_id", FIELD_INT, false, true, 1, CONTACT_ID_MAX, NULL, NULL},
    {"buying_role", FIELD_ENUM, false, true, 0, 0, contact_role_values, NULL},
    {"attitude", FIELD_ENUM, false, false, 0, 0, contact_attitude_values, NULL},
    {"influence", FIELD_ENUM, false, false, 0, 0, contact_influence_values, NULL},
    {"relationship", FIELD_ENUM, false, false, 0, 0, contact_relationship_values, NULL},
    {"owner_email", FIELD_STRING, false, true, 1, CONTACT_EMAIL_MAX, NULL, NULL},
    {"last_contact_on", FIELD_DATE, false, true, 0, 0, NULL, NULL},
    {"left_on", FIELD_DATE, false, true, 0, 0, NULL, NULL},
    {"notes", FIELD_STRING, false, true, 0, CONTACT_NOTES_MAX, NULL, NULL},
    {"external_id", FIELD_STRING, false, true, 1, CONTACT_EXTERNAL_ID_MAX, NULL, NULL},
};

#define CONTACT_NFIELDS (sizeof(contact_fields) / sizeof(contact_fields[0]))

static const struct field_spec link_fields[] = {
    {"from_contact_id", FIELD_INT, true, false, 1, CONTACT_ID_MAX, NULL, NULL},
    {"to_contact_id", FIELD_INT, true, false, 1, CONTACT_ID_MAX, NULL, NULL},
    {"sign", FIELD_ENUM, true, false, 0, 0, contact_sign_values, NULL},
    {"note", FIELD_STRING, false, true, 0, CONTACT_LINK_NOTE_MAX, NULL, NULL},
};

#define LINK_NFIELDS (sizeof(link_fields) / sizeof(link_fields[0]))

/* The fields a link's patch may hold (its ends are fixed). */
static const struct field_spec link_patch_fields[] = {
    {"sign", FIELD_ENUM, false, false, 0, 0, contact_sign_values, NULL},
    {"note", FIELD_STRING, false, true, 0, CONTACT_LINK_NOTE_MAX, NULL, NULL},
};

#define LINK_PATCH_NFIELDS (sizeof(link_patch_fields) / sizeof(link_patch_fields[0]))

static const char *const reports_policies[REPORTS__MAX] = {
    [REPORTS_REFUSE] = "", [REPORTS_REPARENT] = "reparent", [REPORTS_DETACH] = "detach"};

/* A string list as a JSON array (new reference). */
static json_t *
strings_json(const char **v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, json_string(v[i]));
	return arr;
}

/* An id, or null for 0 (new reference). */
static json_t *
id_or_null(int64_t id)
{
	return id != 0 ? json_integer(id) : json_null();
}

json_t *
contacts_contact_json(struct req *r, const struct contact *k)
{
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:s?, s:s?, s:o, s:o, s:o, s:s?, s:s, s:s, s:s, s:s?, s:s?}", "id",
	    (json_int_t)k->id, "account_id", (json_int_t)k->account_id, "name", k->name, "position",
	    k->position, "department", k->department, "emails", strings_json(k->emails, k->nemails),
	    "phones", strings_json(k->phones, k->nphones), "reports_to_id",
	    id_or_null(k->reports_to_id), "buying_role", contact_role_name(k->buying_role),
	    "attitude", contact_attitude_name(k->attitude), "influence",
	    contact_influence_name(k->influence), "relationship",
	    contact_relationship_name(k->relationship), "owner_email", k->owner_email, "owner_name",
	    k->owner_name);

	(void)r;
	if (o != NULL &&
	    json_object_update_new(
		o,
		json_pack("{s:s?, s:s?, s:s?, s:s?, s:I, s:I, s:s, s:s, s:s?}", "last_contact_on",
			  k->last_contact_on, "left_on", k->left_on, "notes", k->notes,
			  "external_id", k->external_id, "reports", (json_int_t)k->reports,
			  "version", (json_int_t)k->version, "created_at", k->created_at,
			  "updated_at", k->updated_at, "archived_at", k->archived_at)) != 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

json_t *
contacts_link_json(const struct contact_link *l)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:s, s:s?, s:I, s:s, s:s}", "id", (json_int_t)l->id,
			 "account_id", (json_int_t)l->account_id, "from_contact_id",
			 (json_int_t)l->from_contact_id, "to_contact_id",
			 (json_int_t)l->to_contact_id, "sign", contact_sign_name(l->sign), "note",
			 l->note, "version", (json_int_t)l->version, "created_at", l->created_at,
			 "updated_at", l->updated_at);
}

/* Answers status with json and version as ETag. */
static enum adv_err
answer_versioned(struct req *r, int status, int64_t version, json_t *json)
{
	const char *etag = arena_printf(&r->arena, "\"%lld\"", (long long)version);

	if (etag == NULL || json == NULL) {
		json_decref(json);
		return ADV_ENOMEM;
	}
	resp_header(r, "ETag", etag);
	return resp_json(r, status, json);
}

/* Reads the strings of JSON array v into an arena array *out of *n. */
static enum adv_err
strings_from_json(struct req *r, json_t *v, const char ***out, size_t *n)
{
	*n = json_array_size(v);
	*out = NULL;
	if (*n > 0 && (*out = arena_alloc(&r->arena, *n * sizeof(**out))) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = json_string_value(json_array_get(v, i));
	return ADV_OK;
}

/* Reads a validated body into k; each present field sets its bit in *mask (null clears). */
static enum adv_err
contact_from_json(struct req *r, json_t *body, struct contact *k, uint32_t *mask)
{
	json_t *v;
	enum adv_err rc;

	memset(k, 0, sizeof(*k));
	*mask = 0;
	for (int f = 0; f < KF__MAX; f++)
		if (json_object_get(body, contact_field_name((enum contact_field)f)) != NULL)
			*mask |= KF_BIT(f);
	k->name = json_str(body, "name");
	k->position = json_str(body, "position");
	k->department = json_str(body, "department");
	if ((rc = strings_from_json(r, json_object_get(body, "emails"), &k->emails, &k->nemails)) !=
		ADV_OK ||
	    (rc = strings_from_json(r, json_object_get(body, "phones"), &k->phones, &k->nphones)) !=
		ADV_OK)
		return rc;
	v = json_object_get(body, "reports_to_id");
	k->reports_to_id = json_is_integer(v) ? json_integer_value(v) : 0;
	v = json_object_get(body, "buying_role");
	k->buying_role = json_is_string(v) ? contact_role_parse(json_string_value(v)) : BUY_NONE;
	k->attitude = contact_attitude_parse(json_str(body, "attitude"));
	k->influence = contact_influence_parse(json_str(body, "influence"));
	k->relationship = contact_relationship_parse(json_str(body, "relationship"));
	k->owner_email = json_str(body, "owner_email");
	k->last_contact_on = json_str(body, "last_contact_on");
	k->left_on = json_str(body, "left_on");
	k->notes = json_str(body, "notes");
	k->external_id = json_str(body, "external_id");
	return ADV_OK;
}

/* The path's account id after checking that the caller may change that account. */
static enum adv_err
writable_account(struct req *r, int64_t *account_id)
{
	struct account acc;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", account_id)) != ADV_OK)
		return rc;
	return accounts_load_writable(r, *account_id, &acc);
}

static enum adv_err
get_contacts(struct req *r)
{
	struct contact *items;
	int64_t account_id;
	json_t *arr;
	size_t n;
	bool archived;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &account_id)) != ADV_OK ||
	    (rc = query_flag(r, "archived", &archived)) != ADV_OK)
		return rc;
	rc = contact_list(req_db(r), &r->arena, r->ws.id, account_id, archived, &items, &n);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such account: %lld", (long long)account_id);
	if (rc != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, contacts_contact_json(r, &items[i]));
	return resp_json(r, 200, json_pack("{s:o}", "items", arr));
}

static enum adv_err
post_contacts(struct req *r)
{
	struct contact in, out;
	int64_t account_id;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, contact_fields, CONTACT_NFIELDS, false)) != ADV_OK ||
	    (rc = contact_from_json(r, body, &in, &mask)) != ADV_OK ||
	    (rc = contact_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id, &in,
				 mask, NULL, &out, &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/workspaces/%s/accounts/%lld/contacts/%lld",
				 r->ws.slug, (long long)account_id, (long long)out.id));
	return answer_versioned(r, 201, out.version, contacts_contact_json(r, &out));
}

/* The NPS group of a 0..10 answer. */
static const char *
nps_group(int recommend)
{
	return recommend >= 9 ? "promoter" : recommend >= 7 ? "passive" : "detractor";
}

/* The latest assessment x given by a person as the API's "latest" (new reference). */
static json_t *
cx_latest_json(const struct catview *cat, const struct assessment *x)
{
	json_t *scores = json_array(), *factors = json_array();

	for (size_t i = 0; scores != NULL && factors != NULL && i < x->ncomponents; i++) {
		const struct assessment_component *e = &x->components[i];

		for (size_t ci = 0; e->has_score && ci < cat->ncomponents; ci++)
			if (cat->components[ci].id == e->component_id)
				json_array_append_new(
				    scores,
				    json_pack("{s:I, s:s, s:{s:s, s:s}, s:f}", "component_id",
					      (json_int_t)e->component_id, "code",
					      cat->components[ci].code, "name", "ru",
					      cat->components[ci].name_ru, "en",
					      cat->components[ci].name_en, "score", e->score));
		for (size_t j = 0; j < e->nfactors; j++)
			for (size_t fi = 0; fi < cat->nfactors; fi++)
				if (cat->factors[fi].id == e->factors[j].factor_id)
					json_array_append_new(
					    factors,
					    json_pack("{s:I, s:{s:s, s:s}, s:s}", "factor_id",
						      (json_int_t)cat->factors[fi].id, "text", "ru",
						      cat->factors[fi].text_ru, "en",
						      cat->factors[fi].text_en, "polarity",
						      cat->factors[fi].polarity > 0   ? "+"
						      : cat->factors[fi].polarity < 0 ? "-"
										      : "0"));
	}
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o}", "assessment_id", (json_int_t)x->id,
			 "assessed_on", x->assessed_on, "recommend",
			 x->has_recommend ? json_integer(x->recommend) : json_null(), "nps_group",
			 x->has_recommend ? json_string(nps_group(x->recommend)) : json_null(),
			 "scores", scores ? scores : json_null(), "factors",
			 factors ? factors : json_null());
}

/* What the person k told us, as the API's "cx" (new reference in *out). */
static enum adv_err
contact_cx_json(struct req *r, const struct contact *k, json_t **out)
{
	struct assessment latest;
	struct catview cat;
	int64_t count;
	bool found;
	enum adv_err rc;

	*out = NULL;
	if ((rc = assessment_latest_of_contact(req_db(r), &r->arena, r->ws.id, k->account_id, k->id,
					       &count, &latest, &found)) != ADV_OK)
		return rc;
	if (found && (rc = catview_read(req_db(r), &r->arena, r->ws.id, &cat)) != ADV_OK)
		return rc;
	*out = json_pack("{s:I, s:o}", "assessments", (json_int_t)count, "latest",
			 found ? cx_latest_json(&cat, &latest) : json_null());
	return *out != NULL ? ADV_OK : ADV_ENOMEM;
}

/* Loads the path's contact of the path's account; 404 naming what is missing. */
static enum adv_err
path_contact(struct req *r, struct contact *k)
{
	int64_t account_id, id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &account_id)) != ADV_OK ||
	    (rc = req_param_id(r, "cid", &id)) != ADV_OK)
		return rc;
	rc = contact_get(req_db(r), &r->arena, r->ws.id, account_id, id, k);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such person: %lld", (long long)id);
	return rc;
}

static enum adv_err
get_contact(struct req *r)
{
	struct contact k;
	json_t *o, *cx;
	enum adv_err rc;

	if ((rc = path_contact(r, &k)) != ADV_OK || (rc = contact_cx_json(r, &k, &cx)) != ADV_OK)
		return rc;
	if ((o = contacts_contact_json(r, &k)) == NULL || json_object_set_new(o, "cx", cx) != 0) {
		json_decref(o);
		return ADV_ENOMEM;
	}
	return answer_versioned(r, 200, k.version, o);
}

static enum adv_err
patch_contact(struct req *r)
{
	struct contact in, out;
	int64_t account_id, id, version;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_param_id(r, "cid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, contact_fields, CONTACT_NFIELDS, true)) != ADV_OK ||
	    (rc = contact_from_json(r, body, &in, &mask)) != ADV_OK ||
	    (rc = contact_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id, id,
				 version, &in, mask, NULL, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_versioned(r, 200, out.version, contacts_contact_json(r, &out));
}

/* The reports query parameter: absent → REPORTS_REFUSE; 422 for an unknown value. */
static enum adv_err
query_reports(struct req *r, enum contact_reports_policy *out)
{
	const char *v;
	enum adv_err rc;

	*out = REPORTS_REFUSE;
	if ((rc = query_text(r, "reports", 16, &v)) != ADV_OK || v == NULL)
		return rc;
	for (int p = REPORTS_REPARENT; p < REPORTS__MAX; p++)
		if (strcmp(v, reports_policies[p]) == 0) {
			*out = (enum contact_reports_policy)p;
			return ADV_OK;
		}
	return adv_fail(&r->eb, ADV_EINVAL, "reports",
			"reports must be reparent (move them under this person's manager) or "
			"detach (move them to the top)");
}

static enum adv_err
delete_contact(struct req *r)
{
	enum contact_reports_policy policy;
	struct contact *reports;
	int64_t account_id, id, version;
	size_t n;
	json_t *list;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_param_id(r, "cid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = query_reports(r, &policy)) != ADV_OK)
		return rc;
	rc = contact_delete(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id, id,
			    version, policy, &reports, &n, &r->eb);
	if (rc == ADV_ECONFLICT && n > 0) {
		if ((list = json_array()) == NULL)
			return ADV_ENOMEM;
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, json_pack("{s:I, s:s}", "id",
							      (json_int_t)reports[i].id, "name",
							      reports[i].name));
		resp_problem(r, rc);
		if (r->out_json != NULL)
			json_object_set_new(r->out_json, "reports", list);
		else
			json_decref(list);
		return ADV_OK;
	}
	if (rc != ADV_OK)
		return rc;
	return resp_empty(r, 204);
}

static enum adv_err
post_contact_restore(struct req *r)
{
	struct contact out;
	int64_t account_id, id, version;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_param_id(r, "cid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = contact_restore(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id, id,
				  version, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_versioned(r, 200, out.version, contacts_contact_json(r, &out));
}

static enum adv_err
get_links(struct req *r)
{
	struct contact_link *items;
	int64_t account_id;
	json_t *arr;
	size_t n;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &account_id)) != ADV_OK)
		return rc;
	rc = contact_link_list(req_db(r), &r->arena, r->ws.id, account_id, &items, &n);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such account: %lld", (long long)account_id);
	if (rc != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, contacts_link_json(&items[i]));
	return resp_json(r, 200, json_pack("{s:o}", "items", arr));
}

static enum adv_err
post_links(struct req *r)
{
	struct contact_link in = {0}, out;
	int64_t account_id;
	json_t *body;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, link_fields, LINK_NFIELDS, false)) != ADV_OK)
		return rc;
	in.from_contact_id = json_integer_value(json_object_get(body, "from_contact_id"));
	in.to_contact_id = json_integer_value(json_object_get(body, "to_contact_id"));
	in.sign = contact_sign_parse(json_str(body, "sign"));
	in.note = json_str(body, "note");
	if ((rc = contact_link_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id,
				      &in, &out, &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Location",
		    arena_printf(&r->arena,
				 "/api/v1/workspaces/%s/accounts/%lld/contact-links/%lld",
				 r->ws.slug, (long long)account_id, (long long)out.id));
	return answer_versioned(r, 201, out.version, contacts_link_json(&out));
}

static enum adv_err
patch_link(struct req *r)
{
	struct contact_link out;
	int64_t account_id, id, version;
	json_t *body;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_param_id(r, "lid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, link_patch_fields, LINK_PATCH_NFIELDS, true)) !=
		ADV_OK ||
	    (rc = contact_link_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id,
				      id, version, json_object_get(body, "sign") != NULL,
				      contact_sign_parse(json_str(body, "sign")),
				      json_object_get(body, "note") != NULL, json_str(body, "note"),
				      &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_versioned(r, 200, out.version, contacts_link_json(&out));
}

static enum adv_err
delete_link(struct req *r)
{
	int64_t account_id, id, version;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_param_id(r, "lid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = contact_link_delete(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id,
				      id, version, &r->eb)) != ADV_OK)
		return rc;
	return resp_empty(r, 204);
}

API_ROUTES_DEFINE(contacts,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/contacts", get_contacts,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/accounts/{id}/contacts", post_contacts,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/contacts/{cid}", get_contact,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/accounts/{id}/contacts/{cid}",
		   patch_contact, ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/accounts/{id}/contacts/{cid}",
		   delete_contact, ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/accounts/{id}/contacts/{cid}/restore",
		   post_contact_restore, ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/contact-links", get_links,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/accounts/{id}/contact-links", post_links,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/accounts/{id}/contact-links/{lid}",
		   patch_link, ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/accounts/{id}/contact-links/{lid}",
		   delete_link, ACCESS_WORKSPACE, ROLE_MANAGER, 0}, );
