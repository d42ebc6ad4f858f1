/*
 * responses.c — the responses of a study over HTTP (docs/research.md,
 * "Responses"): listed newest first with filters and a cursor, recorded by
 * staff (interviews and single imported answers), read, merge-patched with
 * If-Match (answers merged by question code, a draft submitted), archived
 * and restored. Everyone in the workspace reads; owners and analysts
 * record anything; managers record the responses of the clients they may
 * change (api/accounts.h). The answers and quotes members are checked by
 * core/response.c; the flat fields here.
 */
#include <stdio.h>
#include <string.h>

#include "api/accounts.h"
#include "api/loyalty_body.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/response.h"

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

static const char *const langs[] = {"ru", "en", NULL};

/* A field_spec check: a channel staff may record (interview, import). */
static bool
staff_channel_check(const char *v, char *why, size_t whylen)
{
	enum response_channel ch;

	if (response_channel_parse(v, &ch) && (ch == RC_INTERVIEW || ch == RC_IMPORT))
		return true;
	snprintf(why, whylen,
		 "must be interview or import (survey answers come through survey links)");
	return false;
}

/* A field_spec check: a status of a response. */
static bool
status_check(const char *v, char *why, size_t whylen)
{
	enum response_status s;

	if (response_status_parse(v, &s))
		return true;
	snprintf(why, whylen, "must be draft or submitted");
	return false;
}

/* A response's flat fields; "channel" (first) only on create. */
static const struct field_spec response_fields[] = {
    {"channel", FIELD_STRING, true, false, 1, 32, NULL, staff_channel_check},
    {"account_id", FIELD_INT, false, true, 1, LOYALTY_ID_MAX, NULL, NULL},
    {"contact_id", FIELD_INT, false, true, 1, LOYALTY_ID_MAX, NULL, NULL},
    {"status", FIELD_STRING, false, false, 1, 32, NULL, status_check},
    {"interviewer_id", FIELD_INT, false, true, 1, LOYALTY_ID_MAX, NULL, NULL},
    {"notes", FIELD_STRING, false, true, 0, RESPONSE_NOTES_MAX, NULL, NULL},
    {"transcript", FIELD_STRING, false, true, 0, RESPONSE_TRANSCRIPT_MAX, NULL, NULL},
    {"lang", FIELD_ENUM, false, true, 0, 0, langs, NULL},
    {"respondent_key", FIELD_STRING, false, true, 1, RESPONSE_KEY_MAX, NULL, NULL},
    {"submitted_at", FIELD_STRING, false, true, 10, 20, NULL, NULL},
};

/*
 * Reads and checks a response body into *body (owned by the request): the
 * flat fields (channel only on create) are validated here, "answers" and
 * "quotes" only for their outer type (core checks their content).
 */
static enum adv_err
response_body(struct req *r, bool patch, json_t **body)
{
	json_t *rest, *v;
	enum adv_err rc;

	if ((rc = req_json(r, body)) != ADV_OK)
		return rc;
	if ((rest = json_copy(*body)) == NULL)
		return ADV_ENOMEM;
	json_object_del(rest, "answers");
	json_object_del(rest, "quotes");
	if ((v = json_object_get(*body, "answers")) != NULL && !json_is_object(v))
		req_add_error(r, "/answers",
			      "answers must be an object of answers by question code");
	if ((v = json_object_get(*body, "quotes")) != NULL && !json_is_array(v) && !json_is_null(v))
		req_add_error(r, "/quotes", "quotes must be a list of texts");
	rc = validate_object(r, rest, response_fields + (patch ? 1 : 0),
			     NELEM(response_fields) - (patch ? 1 : 0), patch);
	json_decref(rest);
	if (rc == ADV_OK && r->errors != NULL && json_array_size(r->errors) > 0)
		rc = adv_fail(&r->eb, ADV_EINVAL, NULL, "the request is not valid");
	return rc;
}

/* Reads a checked body into x; each present member sets its bit in *mask. */
static void
response_from_json(json_t *body, struct response *x, uint32_t *mask)
{
	static const struct {
		const char *name;
		enum response_field f;
	} members[] = {
	    {"account_id", RF_ACCOUNT},
	    {"contact_id", RF_CONTACT},
	    {"answers", RF_ANSWERS},
	    {"status", RF_STATUS},
	    {"interviewer_id", RF_INTERVIEWER},
	    {"notes", RF_NOTES},
	    {"transcript", RF_TRANSCRIPT},
	    {"quotes", RF_QUOTES},
	    {"lang", RF_LANG},
	    {"respondent_key", RF_RESPONDENT_KEY},
	    {"submitted_at", RF_SUBMITTED_AT},
	};
	json_t *v;

	memset(x, 0, sizeof(*x));
	*mask = 0;
	for (size_t i = 0; i < NELEM(members); i++)
		if (json_object_get(body, members[i].name) != NULL)
			*mask |= RF_BIT(members[i].f);
	response_channel_parse(json_str(body, "channel"), &x->channel);
	response_status_parse(json_str(body, "status"), &x->status);
	x->account_id = (v = json_object_get(body, "account_id")) ? json_integer_value(v) : 0;
	x->contact_id = (v = json_object_get(body, "contact_id")) ? json_integer_value(v) : 0;
	x->interviewer_id =
	    (v = json_object_get(body, "interviewer_id")) ? json_integer_value(v) : 0;
	x->answers_in = json_object_get(body, "answers");
	x->quotes_in =
	    json_is_array(json_object_get(body, "quotes")) ? json_object_get(body, "quotes") : NULL;
	x->notes = json_str(body, "notes");
	x->transcript = json_str(body, "transcript");
	x->lang = json_str(body, "lang");
	x->respondent_key = json_str(body, "respondent_key");
	x->submitted_at = json_str(body, "submitted_at");
}

/*
 * Managers may record only the responses of clients they may change: the
 * account (account_id, which they must name) is checked as for assessments.
 * Others pass. ADV_EINVAL "/account_id" for an account that is not the
 * workspace's; ADV_EFORBIDDEN.
 */
static enum adv_err
manager_may(struct req *r, int64_t account_id)
{
	struct account acc;
	enum adv_err rc;

	if (r->ws.role != ROLE_MANAGER)
		return ADV_OK;
	if (account_id == 0)
		return adv_fail(&r->eb, ADV_EFORBIDDEN, NULL,
				"managers record responses of the clients they own; name the "
				"account (account_id)");
	rc = accounts_load_writable(r, account_id, &acc);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, ADV_EINVAL, "/account_id",
				"no such account in this workspace: %lld", (long long)account_id);
	return rc;
}

/* The study's questionnaire for the answers' codes; "no such study" for a 404. */
static enum adv_err
context_of(struct req *r, int64_t sid, struct response_context *ctx)
{
	enum adv_err rc = response_context_load(req_db(r), &r->arena, r->ws.id, sid, ctx);

	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such study: %lld", (long long)sid);
	return rc;
}

/* Answers status with response x (ETag from its version). */
static enum adv_err
answer_response(struct req *r, int status, int64_t sid, const struct response *x)
{
	struct response_context ctx;
	enum adv_err rc;

	if ((rc = context_of(r, sid, &ctx)) != ADV_OK)
		return rc;
	return loyalty_answer(r, status, x->version, response_json(x, &ctx));
}

static enum adv_err
get_responses(struct req *r)
{
	struct response_filter f = {0};
	struct response_context ctx;
	struct response *v;
	const char *status, *channel, *cursor, *next;
	unsigned limit;
	int64_t sid;
	json_t *items;
	size_t n;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = query_flag(r, "archived", &f.archived)) != ADV_OK ||
	    (rc = query_text(r, "status", 32, &status)) != ADV_OK ||
	    (rc = query_text(r, "channel", 32, &channel)) != ADV_OK ||
	    (rc = query_id(r, "account_id", &f.account_id)) != ADV_OK ||
	    (rc = query_id(r, "contact_id", &f.contact_id)) != ADV_OK ||
	    (rc = query_text(r, "cursor", 512, &cursor)) != ADV_OK ||
	    (rc = query_limit(r, RESPONSE_LIST_LIMIT_DFLT, RESPONSE_LIST_LIMIT_MAX, &limit)) !=
		ADV_OK)
		return rc;
	if (status != NULL && !(f.by_status = response_status_parse(status, &f.status)))
		return adv_fail(&r->eb, ADV_EINVAL, "status", "status must be draft or submitted");
	if (channel != NULL && !(f.by_channel = response_channel_parse(channel, &f.channel)))
		return adv_fail(&r->eb, ADV_EINVAL, "channel",
				"channel must be link, anonymous, interview or import");
	if ((rc = context_of(r, sid, &ctx)) != ADV_OK ||
	    (rc = response_list(req_db(r), &r->arena, r->ws.id, sid, &f, limit, cursor, &v, &n,
				&next, &r->eb)) != ADV_OK)
		return rc;
	if ((items = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(items, response_json(&v[i], &ctx)) != 0) {
			json_decref(items);
			return ADV_ENOMEM;
		}
	return resp_json(r, 200, json_pack("{s:o, s:s?}", "items", items, "next_cursor", next));
}

static enum adv_err
post_responses(struct req *r)
{
	struct response in, out;
	uint32_t mask;
	int64_t sid;
	json_t *body;
	const char *collection;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = response_body(r, false, &body)) != ADV_OK)
		return rc;
	response_from_json(body, &in, &mask);
	if (in.channel == RC_INTERVIEW && !(mask & RF_BIT(RF_INTERVIEWER))) {
		in.interviewer_id = r->caller.user_id;
		mask |= RF_BIT(RF_INTERVIEWER);
	}
	if ((rc = manager_may(r, in.account_id)) != ADV_OK ||
	    (rc = response_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, sid, &in, mask,
				  &out, &r->eb)) != ADV_OK)
		return rc;
	if ((collection = arena_printf(&r->arena, "studies/%lld/responses", (long long)sid)) !=
	    NULL)
		loyalty_location(r, collection, out.id);
	return answer_response(r, 201, sid, &out);
}

static enum adv_err
get_response(struct req *r)
{
	struct response x;
	int64_t sid, id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = req_param_id(r, "rid", &id)) != ADV_OK)
		return rc;
	rc = response_get(req_db(r), &r->arena, r->ws.id, sid, id, &x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such response in study %lld: %lld",
				(long long)sid, (long long)id);
	if (rc != ADV_OK)
		return rc;
	return answer_response(r, 200, sid, &x);
}

/* Loads the response of the path for a change by the caller (managers: their clients'). */
static enum adv_err
load_changeable(struct req *r, int64_t *sid, int64_t *id, int64_t *version)
{
	struct response cur;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", sid)) != ADV_OK ||
	    (rc = req_param_id(r, "rid", id)) != ADV_OK ||
	    (rc = req_if_match(r, version)) != ADV_OK)
		return rc;
	if (r->ws.role != ROLE_MANAGER)
		return ADV_OK;
	rc = response_get(req_db(r), &r->arena, r->ws.id, *sid, *id, &cur);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such response in study %lld: %lld",
				(long long)*sid, (long long)*id);
	if (rc != ADV_OK)
		return rc;
	if (cur.account_id == 0)
		return adv_fail(&r->eb, ADV_EFORBIDDEN, NULL,
				"managers change only the responses of the clients they own");
	return accounts_load_writable(r, cur.account_id, &(struct account){0});
}

static enum adv_err
patch_response(struct req *r)
{
	struct response in, out;
	int64_t sid, id, version;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = load_changeable(r, &sid, &id, &version)) != ADV_OK ||
	    (rc = response_body(r, true, &body)) != ADV_OK)
		return rc;
	response_from_json(body, &in, &mask);
	if ((mask & RF_BIT(RF_ACCOUNT)) && (rc = manager_may(r, in.account_id)) != ADV_OK)
		return rc;
	if ((rc = response_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, sid, id,
				  version, &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_response(r, 200, sid, &out);
}

/* Archives (DELETE) or restores (POST …/restore) the response the path names. */
static enum adv_err
archive_response(struct req *r, bool archive)
{
	struct response out;
	int64_t sid, id, version;
	enum adv_err rc;

	if ((rc = load_changeable(r, &sid, &id, &version)) != ADV_OK ||
	    (rc = response_archive(req_db(r), &r->arena, r->ws.id, r->caller.user_id, sid, id,
				   version, archive, &out, &r->eb)) != ADV_OK)
		return rc;
	return archive ? resp_empty(r, 204) : answer_response(r, 200, sid, &out);
}

static enum adv_err
delete_response(struct req *r)
{
	return archive_response(r, true);
}

static enum adv_err
post_response_restore(struct req *r)
{
	return archive_response(r, false);
}

API_ROUTES_DEFINE(responses,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/studies/{sid}/responses", get_responses,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/studies/{sid}/responses", post_responses,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/studies/{sid}/responses/{rid}", get_response,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/studies/{sid}/responses/{rid}",
		   patch_response, ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/studies/{sid}/responses/{rid}",
		   delete_response, ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/studies/{sid}/responses/{rid}/restore",
		   post_response_restore, ACCESS_WORKSPACE, ROLE_MANAGER, 0}, );
