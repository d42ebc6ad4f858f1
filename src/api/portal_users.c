/*
 * portal_users.c — the staff side of portal access over HTTP
 * (docs/portal.md): inviting a person of a client company to the portal
 * (the invitation link is shown once, in the answer that makes it, and
 * e-mailed to the person on request),
 * listing the portal users of the workspace or of one company, reading one,
 * and revoking one. Everyone in the workspace reads; owners and analysts
 * invite and revoke anyone; managers the people of the accounts they may
 * change; viewers nothing.
 */

#include "api/accounts.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/listing.h"
#include "core/portal.h"
#include "core/portal_mail.h"

#define ID_MAX 9007199254740992.0 /* the largest id a JSON number carries exactly */

static const char *const lang_values[] = {"ru", "en", NULL};

static const struct field_spec invite_fields[] = {
    {"contact_id", FIELD_INT, true, false, 1, ID_MAX, NULL, NULL},
    {"lang", FIELD_ENUM, false, false, 0, 0, lang_values, NULL},
    {"send_email", FIELD_BOOL, false, false, 0, 0, NULL, NULL},
};

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

/* ADV_EFORBIDDEN unless the caller may change account id (managers: the accounts they own). */
static enum adv_err
account_writable(struct req *r, int64_t id)
{
	struct account acc;

	if (r->ws.role >= ROLE_ANALYST)
		return ADV_OK;
	return accounts_load_writable(r, id, &acc);
}

/* Loads portal user id of the path's workspace; ADV_ENOTFOUND "no such portal user". */
static enum adv_err
load(struct req *r, int64_t *id, struct portal_user *out)
{
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", id)) != ADV_OK)
		return rc;
	rc = portal_user_get(req_db(r), &r->arena, r->ws.id, *id, out);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such portal user: %lld", (long long)*id);
	return rc;
}

static enum adv_err
post_portal_user(struct req *r)
{
	struct portal_user out;
	enum portal_lang lang;
	bool has_lang, send;
	int64_t contact_id, account_id;
	json_t *body, *j;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, invite_fields, NELEM(invite_fields), false)) != ADV_OK)
		return rc;
	contact_id = json_integer_value(json_object_get(body, "contact_id"));
	has_lang = portal_lang_parse(json_str(body, "lang"), &lang);
	send = json_is_true(json_object_get(body, "send_email"));
	if ((rc = portal_contact_account(req_db(r), r->ws.id, contact_id, &account_id, &r->eb)) !=
		ADV_OK ||
	    (rc = account_writable(r, account_id)) != ADV_OK ||
	    (rc = portal_invite_send(req_db(r), &r->arena, r->ws.id, r->ws.slug, r->ws.name,
				     r->caller.user_id, contact_id, has_lang ? &lang : NULL, send,
				     &out, &r->eb)) != ADV_OK)
		return rc;
	if ((j = portal_user_json(&out)) == NULL ||
	    json_object_set_new(j, "email_queued", json_boolean(send)) != 0) {
		json_decref(j);
		return ADV_ENOMEM;
	}
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/workspaces/%s/portal-users/%lld", r->ws.slug,
				 (long long)out.id));
	resp_header(r, "Cache-Control", "no-store");
	return resp_json(r, 201, j);
}

static enum adv_err
get_portal_users(struct req *r)
{
	struct portal_user *v;
	const char *cursor, *next;
	unsigned limit;
	int64_t account_id;
	bool include_revoked;
	size_t n;
	json_t *arr;
	enum adv_err rc;

	if ((rc = query_id(r, "account_id", &account_id)) != ADV_OK ||
	    (rc = query_flag(r, "include_revoked", &include_revoked)) != ADV_OK ||
	    (rc = query_limit(r, PORTAL_LIST_LIMIT_DFLT, PORTAL_LIST_LIMIT_MAX, &limit)) !=
		ADV_OK ||
	    (rc = query_text(r, "cursor", LISTING_CURSOR_MAX, &cursor)) != ADV_OK ||
	    (rc = portal_user_list(req_db(r), &r->arena, r->ws.id, account_id, include_revoked,
				   limit, cursor, &v, &n, &next, &r->eb)) != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, portal_user_json(&v[i])) != 0) {
			json_decref(arr);
			return ADV_ENOMEM;
		}
	return resp_json(r, 200,
			 json_pack("{s:o, s:o}", "items", arr, "next_cursor",
				   next ? json_string(next) : json_null()));
}

static enum adv_err
get_portal_user(struct req *r)
{
	struct portal_user x;
	int64_t id;
	enum adv_err rc;

	if ((rc = load(r, &id, &x)) != ADV_OK)
		return rc;
	return resp_json(r, 200, portal_user_json(&x));
}

static enum adv_err
delete_portal_user(struct req *r)
{
	struct portal_user x;
	int64_t id;
	enum adv_err rc;

	if ((rc = load(r, &id, &x)) != ADV_OK ||
	    (rc = account_writable(r, x.account_id)) != ADV_OK ||
	    (rc = portal_revoke(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id, &r->eb)) !=
		ADV_OK)
		return rc;
	return resp_empty(r, 204);
}

API_ROUTES_DEFINE(portal_users,
		  {HTTP_POST, "/api/v1/workspaces/{ws}/portal-users", post_portal_user,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/portal-users", get_portal_users,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/portal-users/{id}", get_portal_user,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/portal-users/{id}", delete_portal_user,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0}, );
