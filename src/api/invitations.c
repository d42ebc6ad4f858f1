/*
 * invitations.c — the survey links of a study over HTTP (docs/research.md,
 * "Survey links"): contacts invited (each link shown once, in the answer
 * that makes it), invitations listed with their status and the study's
 * anonymous link, revoked; the anonymous link made and revoked. Everyone in
 * the workspace reads; owners and analysts invite anyone, managers the
 * contacts of the accounts they may change; the anonymous link is for
 * owners and analysts.
 */
#include <stdio.h>
#include <string.h>

#include "api/accounts.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/invitation.h"
#include "core/listing.h"

#define NELEM(x)    (sizeof(x) / sizeof((x)[0]))
#define ID_MAX	    9007199254740992.0 /* the largest id a JSON number carries exactly */
#define POINTER_MAX 48

static const char *const lang_values[] = {"ru", "en", NULL};

/* The fields of a link's body beside contact_ids (checked on its own). */
static const struct field_spec link_fields[] = {
    {"lang", FIELD_ENUM, false, false, 0, 0, lang_values, NULL},
    {"expires_at", FIELD_STRING, false, true, 1, INVITATION_TIME_MAX, NULL, NULL},
};

/* "no such study" for a 404 from the study of the path. */
static enum adv_err
study_missing(struct req *r, enum adv_err rc, int64_t sid)
{
	if (rc == ADV_ENOTFOUND && r->eb.msg[0] == '\0')
		return adv_fail(&r->eb, rc, NULL, "no such study: %lld", (long long)sid);
	return rc;
}

/*
 * Checks body (contact_ids too when ids is not NULL) and reads the link's
 * parameters into *p and the contact ids into an arena array *ids of *n.
 * ADV_EINVAL with every problem in r->errors.
 */
static enum adv_err
link_body(struct req *r, json_t *body, struct invitation_params *p, int64_t **ids, size_t *n)
{
	json_t *rest = json_copy(body), *list, *v;
	char pointer[POINTER_MAX];
	size_t i;
	enum adv_err rc;

	if (rest == NULL)
		return ADV_ENOMEM;
	list = json_object_get(body, "contact_ids");
	if (ids != NULL)
		json_object_del(rest, "contact_ids");
	rc = validate_object(r, rest, link_fields, NELEM(link_fields), false);
	json_decref(rest);
	if (rc != ADV_OK && rc != ADV_EINVAL)
		return rc;
	p->lang = IL_RU;
	invitation_lang_parse(json_str(body, "lang"), &p->lang);
	p->expires_at = json_str(body, "expires_at");
	if (ids == NULL)
		return rc;
	*n = 0;
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > INVITATION_BATCH_MAX) {
		req_add_error(r, "/contact_ids", "contact_ids must be a list of 1–%d contact ids",
			      INVITATION_BATCH_MAX);
		return ADV_EINVAL;
	}
	if ((*ids = arena_alloc(&r->arena, json_array_size(list) * sizeof(**ids))) == NULL)
		return ADV_ENOMEM;
	json_array_foreach(list, i, v)
	{
		int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
		bool twice = false;

		snprintf(pointer, sizeof(pointer), "/contact_ids/%zu", i);
		for (size_t k = 0; k < *n && !twice; k++)
			twice = (*ids)[k] == id;
		if (id < 1 || (double)id > ID_MAX)
			req_add_error(r, arena_strdup(&r->arena, pointer),
				      "a contact id must be a positive whole number");
		else if (twice)
			req_add_error(r, arena_strdup(&r->arena, pointer),
				      "contact %lld is listed twice", (long long)id);
		(*ids)[(*n)++] = id;
	}
	if (r->errors != NULL && json_array_size(r->errors) > 0)
		return adv_fail(&r->eb, ADV_EINVAL, NULL, "the invitation is not valid");
	return rc;
}

/* ADV_EFORBIDDEN unless the caller may change account id (managers: their own). */
static enum adv_err
account_writable(struct req *r, int64_t id)
{
	struct account acc;

	if (r->ws.role >= ROLE_ANALYST)
		return ADV_OK;
	return accounts_load_writable(r, id, &acc);
}

/* Answers a list of invitations as {"items": [...]} plus extra members (stolen) when given. */
static enum adv_err
answer_list(struct req *r, int status, const struct invitation *v, size_t n, json_t *extra)
{
	json_t *arr = json_array(), *j = NULL;

	for (size_t i = 0; arr != NULL && i < n; i++)
		if (json_array_append_new(arr, invitation_json(&v[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	if (arr != NULL)
		j = json_pack("{s:o}", "items", arr);
	if (j != NULL && extra != NULL && json_object_update(j, extra) != 0) {
		json_decref(j);
		j = NULL;
	}
	json_decref(extra);
	return resp_json(r, status, j);
}

static enum adv_err
get_invitations(struct req *r)
{
	struct invitation_filter f = {0};
	struct invitation *v, anon;
	const char *status, *cursor, *next;
	unsigned limit;
	int64_t sid;
	size_t n;
	json_t *extra;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = query_text(r, "status", 32, &status)) != ADV_OK ||
	    (rc = query_id(r, "contact_id", &f.contact_id)) != ADV_OK ||
	    (rc = query_id(r, "account_id", &f.account_id)) != ADV_OK ||
	    (rc = query_flag(r, "include_revoked", &f.include_revoked)) != ADV_OK ||
	    (rc = query_limit(r, INVITATION_LIST_LIMIT_DFLT, INVITATION_LIST_LIMIT_MAX, &limit)) !=
		ADV_OK ||
	    (rc = query_text(r, "cursor", LISTING_CURSOR_MAX, &cursor)) != ADV_OK)
		return rc;
	if (status != NULL && !(f.by_status = invitation_status_parse(status, &f.status)))
		return adv_fail(&r->eb, ADV_EINVAL, "status",
				"status must be sent, opened or submitted");
	if ((rc = invitation_list(req_db(r), &r->arena, r->ws.id, sid, &f, limit, cursor, &v, &n,
				  &next, &r->eb)) != ADV_OK)
		return study_missing(r, rc, sid);
	rc = invitation_anonymous_get(req_db(r), &r->arena, r->ws.id, sid, &anon);
	if (rc != ADV_OK && rc != ADV_ENOTFOUND)
		return rc;
	extra = json_pack("{s:o, s:o}", "next_cursor", next ? json_string(next) : json_null(),
			  "anonymous_link", rc == ADV_OK ? invitation_json(&anon) : json_null());
	if (extra == NULL)
		return ADV_ENOMEM;
	return answer_list(r, 200, v, n, extra);
}

static enum adv_err
post_invitations(struct req *r)
{
	struct invitation_params p;
	struct invitation *out;
	int64_t sid, *ids = NULL, *accounts;
	size_t n = 0;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = link_body(r, body, &p, &ids, &n)) != ADV_OK ||
	    (rc = invitation_params_check(&r->arena, &p, &r->eb)) != ADV_OK)
		return rc;
	if ((accounts = arena_alloc(&r->arena, n * sizeof(*accounts))) == NULL)
		return ADV_ENOMEM;
	if ((rc = invitation_contact_accounts(req_db(r), r->ws.id, ids, n, accounts, &r->eb)) !=
	    ADV_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if ((rc = account_writable(r, accounts[i])) != ADV_OK)
			return rc;
	if ((rc = invitation_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, sid, ids, n,
				    &p, &out, &r->eb)) != ADV_OK)
		return study_missing(r, rc, sid);
	return answer_list(r, 201, out, n, NULL);
}

static enum adv_err
delete_invitation(struct req *r)
{
	struct invitation x;
	int64_t sid, id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = req_param_id(r, "iid", &id)) != ADV_OK)
		return rc;
	rc = invitation_get(req_db(r), &r->arena, r->ws.id, sid, id, &x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such invitation in study %lld: %lld",
				(long long)sid, (long long)id);
	if (rc != ADV_OK || (rc = account_writable(r, x.account_id)) != ADV_OK ||
	    (rc = invitation_revoke(req_db(r), &r->arena, r->ws.id, r->caller.user_id, sid, id,
				    &r->eb)) != ADV_OK)
		return rc;
	return resp_empty(r, 204);
}

static enum adv_err
post_anonymous_link(struct req *r)
{
	struct invitation_params p = {IL_RU, NULL};
	struct invitation out;
	int64_t sid;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK)
		return rc;
	if (r->body.len > 0 && ((rc = req_json(r, &body)) != ADV_OK ||
				(rc = link_body(r, body, &p, NULL, NULL)) != ADV_OK))
		return rc;
	if ((rc = invitation_params_check(&r->arena, &p, &r->eb)) != ADV_OK)
		return rc;
	if ((rc = invitation_anonymous_make(req_db(r), &r->arena, r->ws.id, r->caller.user_id, sid,
					    &p, &out, &r->eb)) != ADV_OK)
		return study_missing(r, rc, sid);
	return resp_json(r, 201, invitation_json(&out));
}

static enum adv_err
delete_anonymous_link(struct req *r)
{
	int64_t sid;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK)
		return rc;
	if ((rc = invitation_anonymous_revoke(req_db(r), &r->arena, r->ws.id, r->caller.user_id,
					      sid, &r->eb)) != ADV_OK)
		return study_missing(r, rc, sid);
	return resp_empty(r, 204);
}

API_ROUTES_DEFINE(invitations,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/studies/{sid}/invitations", get_invitations,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/studies/{sid}/invitations", post_invitations,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/studies/{sid}/invitations/{iid}",
		   delete_invitation, ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/studies/{sid}/anonymous-link",
		   post_anonymous_link, ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/studies/{sid}/anonymous-link",
		   delete_anonymous_link, ACCESS_WORKSPACE, ROLE_ANALYST, 0}, );
