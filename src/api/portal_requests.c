/*
 * portal_requests.c — the client's side of the dialog window over HTTP
 * (docs/requests.md, "The portal"): a client's person, signed in to the
 * portal (api/portal_auth.h), lists their company's requests, raises a new
 * one, reads a thread without the internal notes, writes in it, reopens or
 * closes a request, rates the result and marks replies helpful. Another
 * company's request answers 404, like an unknown one.
 */
#include <string.h>

#include "api/live.h"
#include "api/portal_auth.h"
#include "api/query.h"
#include "api/requests.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/listing.h"

static const struct field_spec message_fields[] = {
    {"body", FIELD_STRING, true, false, 1, REQUEST_BODY_MAX, NULL, NULL},
};

static const struct field_spec rating_fields[] = {
    {"rating", FIELD_INT, true, false, REQUEST_RATING_MIN, REQUEST_RATING_MAX, NULL, NULL},
    {"comment", FIELD_STRING, false, true, 0, REQUEST_COMMENT_MAX, NULL, NULL},
};

static const struct field_spec helpful_fields[] = {
    {"helpful", FIELD_BOOL, true, false, 0, 0, NULL, NULL},
};

#define NFIELDS(v) (sizeof(v) / sizeof((v)[0]))

/*
 * Authenticates the portal session of r into *actor and *ws_id: the
 * person's company scopes everything that follows.
 */
static enum adv_err
portal_actor(struct req *r, struct request_actor *actor, int64_t *ws_id)
{
	struct portal_session ps;
	enum adv_err rc;

	if ((rc = portal_require(r, &ps)) != ADV_OK)
		return rc;
	memset(actor, 0, sizeof(*actor));
	actor->client = true;
	actor->portal_user_id = ps.portal_user_id;
	actor->contact_id = ps.contact_id;
	actor->account_id = ps.account_id;
	*ws_id = ps.ws_id;
	return ADV_OK;
}

/* Loads the request the path names, in the person's company; 404 outside it. */
static enum adv_err
scoped_request(struct req *r, const struct request_actor *actor, int64_t ws_id, int64_t *id,
	       struct request *x)
{
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", id)) != ADV_OK)
		return rc;
	rc = request_get(req_db(r), &r->arena, ws_id, actor->account_id, *id, x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such request: %lld", (long long)*id);
	return rc;
}

static enum adv_err
get_requests(struct req *r)
{
	struct request_actor actor;
	struct request_filter f;
	struct request *items;
	const char *cursor, *next;
	unsigned limit;
	int64_t ws_id;
	json_t *arr;
	size_t n;
	enum adv_err rc;

	if ((rc = portal_actor(r, &actor, &ws_id)) != ADV_OK ||
	    (rc = query_limit(r, 50, REQUEST_LIST_MAX, &limit)) != ADV_OK ||
	    (rc = query_text(r, "cursor", LISTING_CURSOR_MAX, &cursor)) != ADV_OK)
		return rc;
	memset(&f, 0, sizeof(f));
	f.account_id = actor.account_id;
	f.kind = -1;
	f.assignee = -1;
	if ((rc = request_list(req_db(r), &r->arena, ws_id, &f, cursor, limit, &items, &n, &next,
			       &r->eb)) != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, requests_request_json(&items[i], true)) != 0) {
			json_decref(arr);
			return ADV_ENOMEM;
		}
	return resp_json(r, 200, json_pack("{s:o, s:s?}", "items", arr, "next_cursor", next));
}

static enum adv_err
post_request(struct req *r)
{
	struct request_actor actor;
	struct request_new in;
	struct request out;
	int64_t ws_id;
	enum adv_err rc;

	if ((rc = portal_actor(r, &actor, &ws_id)) != ADV_OK ||
	    (rc = requests_read_new(r, false, &in)) != ADV_OK ||
	    (rc = request_create(req_db(r), &r->arena, ws_id, &actor, &in, &out, &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/portal/requests/%lld", (long long)out.id));
	return requests_answer(r, 201, &out, NULL, 0, true);
}

static enum adv_err
get_request(struct req *r)
{
	struct request_actor actor;
	struct request_message *items;
	struct request x;
	int64_t ws_id, id;
	size_t n;
	enum adv_err rc;

	if ((rc = portal_actor(r, &actor, &ws_id)) != ADV_OK ||
	    (rc = scoped_request(r, &actor, ws_id, &id, &x)) != ADV_OK ||
	    (rc = request_thread(req_db(r), &r->arena, ws_id, id, false, &items, &n)) != ADV_OK)
		return rc;
	return requests_answer(r, 200, &x, items, n, true);
}

static enum adv_err
post_message(struct req *r)
{
	struct request_actor actor;
	struct request_message msg;
	struct request x, out;
	int64_t ws_id, id;
	json_t *body, *j;
	enum adv_err rc;

	if ((rc = portal_actor(r, &actor, &ws_id)) != ADV_OK ||
	    (rc = scoped_request(r, &actor, ws_id, &id, &x)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, message_fields, NFIELDS(message_fields), false)) !=
		ADV_OK)
		return rc;
	memset(&msg, 0, sizeof(msg));
	if ((rc = request_reply(req_db(r), &r->arena, ws_id, &actor, id, json_str(body, "body"),
				false, -1, &msg, &out, &r->eb)) != ADV_OK)
		return rc;
	if ((j = json_pack("{s:o, s:o}", "message", requests_message_json(&msg, true), "request",
			   requests_request_json(&out, true))) == NULL)
		return ADV_ENOMEM;
	return resp_json(r, 201, j);
}

/* Moves the request the path names to status to on the client's word. */
static enum adv_err
client_move(struct req *r, enum request_status to)
{
	struct request_actor actor;
	struct request x, out;
	int64_t ws_id, id;
	enum adv_err rc;

	if ((rc = portal_actor(r, &actor, &ws_id)) != ADV_OK ||
	    (rc = scoped_request(r, &actor, ws_id, &id, &x)) != ADV_OK ||
	    (rc = request_client_move(req_db(r), &r->arena, ws_id, &actor, id, to, &out, &r->eb)) !=
		ADV_OK)
		return rc;
	return requests_answer(r, 200, &out, NULL, 0, true);
}

static enum adv_err
post_reopen(struct req *r)
{
	return client_move(r, RS_OPEN);
}

static enum adv_err
post_close(struct req *r)
{
	return client_move(r, RS_CLOSED);
}

static enum adv_err
put_rating(struct req *r)
{
	struct request_actor actor;
	struct request x, out;
	int64_t ws_id, id;
	json_t *body;
	enum adv_err rc;

	if ((rc = portal_actor(r, &actor, &ws_id)) != ADV_OK ||
	    (rc = scoped_request(r, &actor, ws_id, &id, &x)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, rating_fields, NFIELDS(rating_fields), false)) != ADV_OK)
		return rc;
	if ((rc = request_rate(req_db(r), &r->arena, ws_id, &actor, id,
			       (int)json_integer_value(json_object_get(body, "rating")),
			       json_str(body, "comment"), &out, &r->eb)) != ADV_OK)
		return rc;
	return requests_answer(r, 200, &out, NULL, 0, true);
}

static enum adv_err
put_helpful(struct req *r)
{
	struct request_actor actor;
	struct request_message msg;
	struct request x;
	int64_t ws_id, id, mid;
	json_t *body;
	enum adv_err rc;

	if ((rc = portal_actor(r, &actor, &ws_id)) != ADV_OK ||
	    (rc = scoped_request(r, &actor, ws_id, &id, &x)) != ADV_OK ||
	    (rc = req_param_id(r, "mid", &mid)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, helpful_fields, NFIELDS(helpful_fields), false)) !=
		ADV_OK)
		return rc;
	if ((rc = request_mark_helpful(req_db(r), &r->arena, ws_id, &actor, id, mid,
				       json_is_true(json_object_get(body, "helpful")), &msg,
				       &r->eb)) != ADV_OK)
		return rc;
	return resp_json(r, 200, requests_message_json(&msg, true));
}

/*
 * The live events of the person's company that the portal may see — new
 * requests, messages (never internal notes), status changes, ratings —
 * optionally of one request (topic_id, 404 outside the company), over
 * Server-Sent Events with Last-Event-ID (api/live.h).
 */
static enum adv_err
get_events(struct req *r)
{
	struct request_actor actor;
	struct events_filter f;
	struct request x;
	int64_t ws_id, topic;
	enum adv_err rc;

	if ((rc = portal_actor(r, &actor, &ws_id)) != ADV_OK ||
	    (rc = query_id(r, "topic_id", &topic)) != ADV_OK)
		return rc;
	if (topic > 0) {
		rc = request_get(req_db(r), &r->arena, ws_id, actor.account_id, topic, &x);
		if (rc == ADV_ENOTFOUND)
			return adv_fail(&r->eb, rc, NULL, "no such request: %lld",
					(long long)topic);
		if (rc != ADV_OK)
			return rc;
	}
	memset(&f, 0, sizeof(f));
	f.ws_id = ws_id;
	f.account_id = actor.account_id;
	f.topic_id = topic;
	f.visibility = EVENTS_SEE_PUBLIC;
	return live_stream_start(r, &f);
}

API_ROUTES_DEFINE(
    portal_requests, {HTTP_GET, "/api/v1/portal/events", get_events, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_GET, "/api/v1/portal/requests", get_requests, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_POST, "/api/v1/portal/requests", post_request, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_GET, "/api/v1/portal/requests/{id}", get_request, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_POST, "/api/v1/portal/requests/{id}/messages", post_message, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_POST, "/api/v1/portal/requests/{id}/reopen", post_reopen, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_POST, "/api/v1/portal/requests/{id}/close", post_close, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_PUT, "/api/v1/portal/requests/{id}/rating", put_rating, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_PUT, "/api/v1/portal/requests/{id}/messages/{mid}/helpful", put_helpful, ACCESS_PUBLIC,
     ROLE_NONE, 0}, );
