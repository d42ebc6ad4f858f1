/*
 * plan.c — the relationship plan of a client company over HTTP: list the
 * actions towards its contacts, add one, merge-patch one (If-Match), and the
 * workspace's overdue actions per owner. Everyone in the workspace reads;
 * whoever may change the account changes its plan (a manager: accounts they
 * own). Overdue is judged against today in UTC.
 */
#include "api/plan.h"

#include <string.h>

#include "api/accounts.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/identity.h"
#include "util/date.h"

/* The largest id a JSON number carries exactly (2^53). */
#define PLAN_ID_MAX 9007199254740992.0

static const struct field_spec action_fields[] = {
    {"contact_id", FIELD_INT, true, false, 1, PLAN_ID_MAX, NULL, NULL},
    {"what", FIELD_STRING, true, false, 1, PLAN_WHAT_MAX, NULL, NULL},
    {"due_on", FIELD_DATE, true, false, 0, 0, NULL, NULL},
    {"owner_email", FIELD_STRING, false, true, 0, IDENTITY_EMAIL_MAX, NULL, NULL},
    {"status", FIELD_ENUM, false, false, 0, 0, plan_status_values, NULL},
};

#define ACTION_NFIELDS (sizeof(action_fields) / sizeof(action_fields[0]))

json_t *
plan_action_json(const struct plan_action *x)
{
	return json_pack(
	    "{s:I, s:I, s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:s?, s:b, s:I, s:s?,"
	    " s:s?}",
	    "id", (json_int_t)x->id, "account_id", (json_int_t)x->account_id, "contact_id",
	    (json_int_t)x->contact_id, "contact_name", x->contact_name, "what", x->what, "due_on",
	    x->due_on, "owner_email", x->owner_email, "owner_name", x->owner_name, "status",
	    plan_status_name(x->status), "done_on", x->done_on, "overdue", x->overdue, "version",
	    (json_int_t)x->version, "created_at", x->created_at, "updated_at", x->updated_at);
}

/* Answers status with the action and its version as ETag. */
static enum adv_err
answer_action(struct req *r, int status, const struct plan_action *x)
{
	const char *etag = arena_printf(&r->arena, "\"%lld\"", (long long)x->version);
	json_t *j;

	if (etag == NULL || (j = plan_action_json(x)) == NULL)
		return ADV_ENOMEM;
	resp_header(r, "ETag", etag);
	return resp_json(r, status, j);
}

/* Reads a validated body into x; each present field sets its bit in *mask (null clears). */
static void
action_from_json(json_t *body, struct plan_action *x, uint32_t *mask)
{
	json_t *v;

	memset(x, 0, sizeof(*x));
	*mask = 0;
	if ((v = json_object_get(body, "contact_id")) != NULL) {
		*mask |= PF_BIT(PF_CONTACT);
		x->contact_id = json_integer_value(v);
	}
	if ((v = json_object_get(body, "what")) != NULL) {
		*mask |= PF_BIT(PF_WHAT);
		x->what = json_string_value(v);
	}
	if ((v = json_object_get(body, "due_on")) != NULL) {
		*mask |= PF_BIT(PF_DUE);
		x->due_on = json_string_value(v);
	}
	if ((v = json_object_get(body, "owner_email")) != NULL) {
		*mask |= PF_BIT(PF_OWNER);
		x->owner_email = json_string_value(v);
	}
	if ((v = json_object_get(body, "status")) != NULL) {
		*mask |= PF_BIT(PF_STATUS);
		x->status = plan_status_parse(json_string_value(v));
	}
}

/* Answers {"items": [...]} from n actions; extra (may be NULL) names each one's account. */
static json_t *
actions_json(const struct plan_action *items, const char *const *account_names, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++) {
		json_t *j = plan_action_json(&items[i]);

		if (j == NULL ||
		    (account_names != NULL &&
		     json_object_set_new(j, "account_name",
					 account_names[i] ? json_string(account_names[i])
							  : json_null()) != 0) ||
		    json_array_append_new(arr, j) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static enum adv_err
get_actions(struct req *r)
{
	struct plan_action *items;
	char today[DATE_TEXT_SIZE];
	const char *status_text;
	int64_t account_id;
	int status = -1;
	json_t *arr;
	size_t n;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &account_id)) != ADV_OK ||
	    (rc = query_text(r, "status", 32, &status_text)) != ADV_OK)
		return rc;
	if (status_text != NULL && (status = (int)plan_status_parse(status_text)) == PLAN__MAX)
		return adv_fail(&r->eb, ADV_EINVAL, "status",
				"status must be one of: open, done, cancelled");
	date_today(today);
	rc = plan_list(req_db(r), &r->arena, r->ws.id, account_id, status, today, &items, &n);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such account: %lld", (long long)account_id);
	if (rc != ADV_OK)
		return rc;
	if ((arr = actions_json(items, NULL, n)) == NULL)
		return ADV_ENOMEM;
	return resp_json(r, 200, json_pack("{s:o}", "items", arr));
}

/* Checks that the caller may change the plan of the account the path names. */
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
post_action(struct req *r)
{
	struct plan_action in, out;
	char today[DATE_TEXT_SIZE];
	int64_t account_id;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, action_fields, ACTION_NFIELDS, false)) != ADV_OK)
		return rc;
	action_from_json(body, &in, &mask);
	date_today(today);
	if ((rc = plan_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id, &in,
			      mask, today, &out, &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/workspaces/%s/accounts/%lld/actions/%lld",
				 r->ws.slug, (long long)account_id, (long long)out.id));
	return answer_action(r, 201, &out);
}

static enum adv_err
patch_action(struct req *r)
{
	struct plan_action in, out;
	char today[DATE_TEXT_SIZE];
	int64_t account_id, id, version;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = writable_account(r, &account_id)) != ADV_OK ||
	    (rc = req_param_id(r, "xid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, action_fields, ACTION_NFIELDS, true)) != ADV_OK)
		return rc;
	action_from_json(body, &in, &mask);
	date_today(today);
	if ((rc = plan_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, account_id, id,
			      version, &in, mask, today, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_action(r, 200, &out);
}

/* The owner filter of the overdue list: 0 (everyone), the caller ("me") or a member by e-mail. */
static enum adv_err
owner_filter(struct req *r, int64_t *owner)
{
	const char *v;
	struct member m;
	enum adv_err rc;

	*owner = 0;
	if ((rc = query_text(r, "owner", IDENTITY_EMAIL_MAX, &v)) != ADV_OK || v == NULL)
		return rc;
	if (strcmp(v, "me") == 0) {
		*owner = r->caller.user_id;
		return ADV_OK;
	}
	rc = identity_member_by_email(req_db(r), &r->arena, r->ws.id, v, &m);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, ADV_EINVAL, "owner",
				"owner must be me or the e-mail of a member of this workspace");
	if (rc == ADV_OK)
		*owner = m.user_id;
	return rc;
}

static enum adv_err
get_overdue(struct req *r)
{
	struct plan_action *items;
	struct plan_owner *owners;
	const char **account_names;
	char today[DATE_TEXT_SIZE];
	int64_t owner;
	json_t *arr, *own;
	size_t n, nowners;
	enum adv_err rc;

	if ((rc = owner_filter(r, &owner)) != ADV_OK)
		return rc;
	date_today(today);
	if ((rc = plan_overdue(req_db(r), &r->arena, r->ws.id, owner, today, &items, &account_names,
			       &n, &owners, &nowners)) != ADV_OK)
		return rc;
	if ((own = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < nowners; i++)
		if (json_array_append_new(own, json_pack("{s:s?, s:s?, s:I}", "owner_email",
							 owners[i].email, "owner_name",
							 owners[i].name, "overdue",
							 (json_int_t)owners[i].overdue)) != 0) {
			json_decref(own);
			return ADV_ENOMEM;
		}
	if ((arr = actions_json(items, account_names, n)) == NULL) {
		json_decref(own);
		return ADV_ENOMEM;
	}
	return resp_json(r, 200, json_pack("{s:o, s:o}", "items", arr, "owners", own));
}

API_ROUTES_DEFINE(plan,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/actions", get_actions,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/accounts/{id}/actions", post_action,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/accounts/{id}/actions/{xid}", patch_action,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/actions/overdue", get_overdue,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0}, );
