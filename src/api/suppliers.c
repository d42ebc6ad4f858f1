/*
 * suppliers.c — the suppliers of one client company over HTTP: list with
 * the total share of wallet, add, merge-patch and archive. Whoever may
 * change the account may change its suppliers (a manager: accounts they own).
 */
#include <string.h>

#include "api/accounts.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/supplier.h"

/* The largest id a JSON number carries exactly (2^53). */
#define SUPPLIER_ID_MAX 9007199254740992.0

static const struct field_spec supplier_fields[] = {
    {"competitor_id", FIELD_INT, false, true, 1, SUPPLIER_ID_MAX, NULL, NULL},
    {"share_pct", FIELD_NUMBER, true, false, 0, SUPPLIER_SHARE_MAX, NULL, NULL},
    {"categories", FIELD_STRING_LIST, false, true, 1, SUPPLIER_CATEGORY_MAX, NULL, NULL},
    {"since", FIELD_DATE, false, true, 0, 0, NULL, NULL},
    {"notes", FIELD_STRING, false, true, 0, SUPPLIER_NOTES_MAX, NULL, NULL},
};

#define SUPPLIER_NFIELDS (sizeof(supplier_fields) / sizeof(supplier_fields[0]))

/* The supplier as the API shows it; NULL when out of memory. */
static json_t *
supplier_json(const struct supplier *x)
{
	json_t *cats = json_array();

	for (size_t i = 0; cats != NULL && i < x->ncategories; i++)
		json_array_append_new(cats, json_string(x->categories[i]));
	return json_pack(
	    "{s:I, s:I, s:o, s:s?, s:f, s:o, s:s?, s:s?, s:I, s:s, s:s, s:s?}", "id",
	    (json_int_t)x->id, "account_id", (json_int_t)x->account_id, "competitor_id",
	    x->competitor_id ? json_integer(x->competitor_id) : json_null(), "competitor_name",
	    x->competitor_name, "share_pct", x->share_pct, "categories", cats, "since", x->since,
	    "notes", x->notes, "version", (json_int_t)x->version, "created_at", x->created_at,
	    "updated_at", x->updated_at, "archived_at", x->archived_at);
}

/* Answers status with the supplier and its version as ETag. */
static enum adv_err
answer_supplier(struct req *r, int status, const struct supplier *x)
{
	const char *etag = arena_printf(&r->arena, "\"%lld\"", (long long)x->version);

	if (etag == NULL)
		return ADV_ENOMEM;
	resp_header(r, "ETag", etag);
	return resp_json(r, status, supplier_json(x));
}

/* Reads a validated body into x; each present field sets its bit in *mask (null clears). */
static enum adv_err
supplier_from_json(struct req *r, json_t *body, struct supplier *x, uint32_t *mask)
{
	json_t *v;

	memset(x, 0, sizeof(*x));
	*mask = 0;
	if ((v = json_object_get(body, "competitor_id")) != NULL) {
		*mask |= SF_BIT(SF_COMPETITOR);
		x->competitor_id = json_is_integer(v) ? json_integer_value(v) : 0;
	}
	if ((v = json_object_get(body, "share_pct")) != NULL) {
		*mask |= SF_BIT(SF_SHARE);
		x->share_pct = json_number_value(v);
	}
	if ((v = json_object_get(body, "categories")) != NULL) {
		*mask |= SF_BIT(SF_CATEGORIES);
		x->ncategories = json_array_size(v);
		if (x->ncategories > 0 &&
		    (x->categories =
			 arena_alloc(&r->arena, x->ncategories * sizeof(*x->categories))) == NULL)
			return ADV_ENOMEM;
		for (size_t i = 0; i < x->ncategories; i++)
			x->categories[i] = json_string_value(json_array_get(v, i));
	}
	if ((v = json_object_get(body, "since")) != NULL) {
		*mask |= SF_BIT(SF_SINCE);
		x->since = json_string_value(v);
	}
	if ((v = json_object_get(body, "notes")) != NULL) {
		*mask |= SF_BIT(SF_NOTES);
		x->notes = json_string_value(v);
	}
	return ADV_OK;
}

static enum adv_err
get_suppliers(struct req *r)
{
	struct supplier *items;
	double total;
	int64_t account_id;
	json_t *arr;
	size_t n;
	bool archived;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &account_id)) != ADV_OK ||
	    (rc = query_flag(r, "archived", &archived)) != ADV_OK)
		return rc;
	rc =
	    supplier_list(req_db(r), &r->arena, r->ws.id, account_id, archived, &items, &n, &total);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such account: %lld", (long long)account_id);
	if (rc != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, supplier_json(&items[i]));
	return resp_json(r, 200, json_pack("{s:o, s:f}", "items", arr, "total_share_pct", total));
}

/* Checks that the caller may change the suppliers of the account the path names. */
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
post_suppliers(struct req *r)
{
	struct supplier in, out;
	int64_t account_id;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, supplier_fields, SUPPLIER_NFIELDS, false)) != ADV_OK ||
	    (rc = supplier_from_json(r, body, &in, &mask)) != ADV_OK ||
	    (rc = supplier_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id,
				  &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/workspaces/%s/accounts/%lld/suppliers/%lld",
				 r->ws.slug, (long long)account_id, (long long)out.id));
	return answer_supplier(r, 201, &out);
}

static enum adv_err
patch_supplier(struct req *r)
{
	struct supplier in, out;
	int64_t account_id, id, version;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_param_id(r, "sid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, supplier_fields, SUPPLIER_NFIELDS, true)) != ADV_OK ||
	    (rc = supplier_from_json(r, body, &in, &mask)) != ADV_OK ||
	    (rc = supplier_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id, id,
				  version, &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_supplier(r, 200, &out);
}

static enum adv_err
delete_supplier(struct req *r)
{
	int64_t account_id, id, version;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_param_id(r, "sid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = supplier_archive(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id,
				   id, version, &r->eb)) != ADV_OK)
		return rc;
	return resp_empty(r, 204);
}

static enum adv_err
post_supplier_restore(struct req *r)
{
	struct supplier out;
	int64_t account_id, id, version;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_param_id(r, "sid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = supplier_restore(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id,
				   id, version, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_supplier(r, 200, &out);
}

API_ROUTES_DEFINE(suppliers,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/suppliers", get_suppliers,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/accounts/{id}/suppliers", post_suppliers,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/accounts/{id}/suppliers/{sid}",
		   patch_supplier, ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/accounts/{id}/suppliers/{sid}",
		   delete_supplier, ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/accounts/{id}/suppliers/{sid}/restore",
		   post_supplier_restore, ACCESS_WORKSPACE, ROLE_MANAGER, 0}, );
