/*
 * webhooks.c — the webhook endpoints of a workspace over HTTP
 * (docs/webhooks.md): register one (its secret is answered once), list,
 * read, merge-patch and delete them (If-Match), queue a test delivery, read
 * an endpoint's delivery log newest first, and retry a finished delivery.
 * Owners of the workspace only; another workspace's endpoint is not found.
 */
#include <stdio.h>
#include <string.h>

#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/outbox.h"

#define WEBHOOK_LOG_DEFAULT 50 /* deliveries a page of the log holds unless limit says */
#define WEBHOOK_EVENT_MAX   32 /* characters of an event type's name */

/* A field_spec check: s is one of the event types. */
static bool
event_check(const char *s, char *why, size_t whylen)
{
	if (outbox_event_parse(s) >= 0)
		return true;
	snprintf(why, whylen,
		 "unknown event type; the types are request.created, request.message, "
		 "request.resolved and request.rated");
	return false;
}

static const struct field_spec endpoint_fields[] = {
    {"url", FIELD_STRING, true, false, 1, OUTBOX_URL_MAX, NULL, outbox_url_valid},
    {"events", FIELD_STRING_LIST, true, false, 1, WEBHOOK_EVENT_MAX, NULL, event_check},
    {"active", FIELD_BOOL, false, false, 0, 0, NULL, NULL},
};

#define ENDPOINT_NFIELDS (sizeof(endpoint_fields) / sizeof(endpoint_fields[0]))

/* The endpoint as JSON (new reference, NULL when out of memory); its secret when set. */
static json_t *
endpoint_json(const struct outbox_endpoint *e)
{
	json_t *events = json_array(), *j;

	for (int i = 0; events != NULL && i < OUTBOX_EVENT__MAX; i++)
		if ((e->events & OUTBOX_EVENT_BIT(i)) &&
		    json_array_append_new(events, json_string(outbox_event_types[i])) != 0) {
			json_decref(events);
			return NULL;
		}
	if (events == NULL)
		return NULL;
	j = json_pack("{s:I, s:s, s:o, s:b, s:o, s:I, s:s?, s:s?}", "id", (json_int_t)e->id, "url",
		      e->url, "events", events, "active", e->active, "created_by",
		      e->created_by > 0 ? json_integer(e->created_by) : json_null(), "version",
		      (json_int_t)e->version, "created_at", e->created_at, "updated_at",
		      e->updated_at);
	if (j != NULL && e->secret != NULL &&
	    json_object_set_new(j, "secret", json_string(e->secret)) != 0) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

/* The delivery as JSON (new reference, NULL when out of memory). */
static json_t *
delivery_json(const struct outbox_delivery *d)
{
	json_t *payload = json_loads(d->payload ? d->payload : "{}", 0, NULL);

	if (payload == NULL)
		payload = json_object();
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s?, s:s?, s:o, s:s?, s:s?, s:s?, s:s?, s:o}",
			 "id", (json_int_t)d->id, "endpoint_id", (json_int_t)d->endpoint_id,
			 "event", d->event_type, "status", outbox_state_name(d->state), "attempts",
			 (json_int_t)d->attempts, "next_attempt_at", d->next_attempt_at,
			 "last_attempt_at", d->last_attempt_at, "last_status_code",
			 d->last_status > 0 ? json_integer(d->last_status) : json_null(),
			 "last_error", d->last_error, "delivered_at", d->delivered_at, "failed_at",
			 d->failed_at, "created_at", d->created_at, "payload", payload);
}

/* Answers status with the endpoint and its version as ETag. */
static enum adv_err
answer_endpoint(struct req *r, int status, const struct outbox_endpoint *e)
{
	const char *etag = arena_printf(&r->arena, "\"%lld\"", (long long)e->version);
	json_t *j;

	if (etag == NULL || (j = endpoint_json(e)) == NULL)
		return ADV_ENOMEM;
	resp_header(r, "ETag", etag);
	return resp_json(r, status, j);
}

/* Answers 202 with a delivery just queued. */
static enum adv_err
answer_delivery(struct req *r, const struct outbox_delivery *d)
{
	json_t *j = delivery_json(d);

	return j != NULL ? resp_json(r, 202, j) : ADV_ENOMEM;
}

/* Reads a validated body into e; each present field sets its bit in *mask. */
static void
endpoint_from_json(json_t *body, struct outbox_endpoint *e, uint32_t *mask)
{
	json_t *v, *item;
	size_t i;

	memset(e, 0, sizeof(*e));
	*mask = 0;
	if ((v = json_object_get(body, "url")) != NULL) {
		*mask |= OF_BIT(OF_URL);
		e->url = json_string_value(v);
	}
	if ((v = json_object_get(body, "events")) != NULL) {
		*mask |= OF_BIT(OF_EVENTS);
		json_array_foreach(v, i, item)
		{
			int t = outbox_event_parse(json_string_value(item));

			if (t >= 0)
				e->events |= OUTBOX_EVENT_BIT(t);
		}
	}
	if ((v = json_object_get(body, "active")) != NULL) {
		*mask |= OF_BIT(OF_ACTIVE);
		e->active = json_is_true(v);
	}
}

/* The endpoint id of the path; a message in r->eb when the workspace has no such endpoint. */
static enum adv_err
path_endpoint(struct req *r, int64_t *id)
{
	enum adv_err rc = req_param_id(r, "id", id);

	if (rc == ADV_ENOTFOUND)
		rc = adv_fail(&r->eb, rc, NULL, "no such webhook endpoint");
	return rc;
}

static enum adv_err
get_endpoints(struct req *r)
{
	struct outbox_endpoint *items;
	json_t *arr;
	size_t n;
	enum adv_err rc;

	if ((rc = outbox_endpoint_list(req_db(r), &r->arena, r->ws.id, &items, &n)) != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, endpoint_json(&items[i])) != 0) {
			json_decref(arr);
			return ADV_ENOMEM;
		}
	return resp_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

static enum adv_err
post_endpoint(struct req *r)
{
	struct outbox_endpoint in, out;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, endpoint_fields, ENDPOINT_NFIELDS, false)) != ADV_OK)
		return rc;
	endpoint_from_json(body, &in, &mask);
	if ((rc = outbox_endpoint_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, &in,
					 mask, &out, &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/workspaces/%s/webhooks/%lld", r->ws.slug,
				 (long long)out.id));
	return answer_endpoint(r, 201, &out);
}

static enum adv_err
get_endpoint(struct req *r)
{
	struct outbox_endpoint e;
	int64_t id;
	enum adv_err rc;

	if ((rc = path_endpoint(r, &id)) != ADV_OK)
		return rc;
	rc = outbox_endpoint_get(req_db(r), &r->arena, r->ws.id, id, &e);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such webhook endpoint: %lld", (long long)id);
	if (rc != ADV_OK)
		return rc;
	return answer_endpoint(r, 200, &e);
}

static enum adv_err
patch_endpoint(struct req *r)
{
	struct outbox_endpoint in, out;
	int64_t id, version;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = path_endpoint(r, &id)) != ADV_OK || (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, endpoint_fields, ENDPOINT_NFIELDS, true)) != ADV_OK)
		return rc;
	endpoint_from_json(body, &in, &mask);
	if ((rc = outbox_endpoint_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id,
					 version, &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_endpoint(r, 200, &out);
}

static enum adv_err
delete_endpoint(struct req *r)
{
	int64_t id, version;
	enum adv_err rc;

	if ((rc = path_endpoint(r, &id)) != ADV_OK || (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = outbox_endpoint_delete(req_db(r), r->ws.id, r->caller.user_id, id, version,
					 &r->eb)) != ADV_OK)
		return rc;
	return resp_empty(r, 204);
}

static enum adv_err
post_test(struct req *r)
{
	struct outbox_delivery d;
	int64_t id;
	enum adv_err rc;

	if ((rc = path_endpoint(r, &id)) != ADV_OK ||
	    (rc = outbox_ping(req_db(r), &r->arena, r->ws.id, id, &d, &r->eb)) != ADV_OK)
		return rc;
	return answer_delivery(r, &d);
}

static enum adv_err
get_deliveries(struct req *r)
{
	struct outbox_delivery *items;
	unsigned limit;
	int64_t id, before;
	json_t *arr, *next;
	size_t n;
	enum adv_err rc;

	if ((rc = path_endpoint(r, &id)) != ADV_OK ||
	    (rc = query_limit(r, WEBHOOK_LOG_DEFAULT, OUTBOX_LOG_MAX, &limit)) != ADV_OK ||
	    (rc = query_id(r, "cursor", &before)) != ADV_OK)
		return rc;
	rc = outbox_delivery_list(req_db(r), &r->arena, r->ws.id, id, before, limit, &items, &n);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such webhook endpoint: %lld", (long long)id);
	if (rc != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, delivery_json(&items[i])) != 0) {
			json_decref(arr);
			return ADV_ENOMEM;
		}
	next = n == limit && n > 0 ? json_sprintf("%lld", (long long)items[n - 1].id) : json_null();
	return resp_json(r, 200, json_pack("{s:o, s:o}", "items", arr, "next_cursor", next));
}

static enum adv_err
post_retry(struct req *r)
{
	struct outbox_delivery d;
	int64_t id, did;
	enum adv_err rc;

	if ((rc = path_endpoint(r, &id)) != ADV_OK)
		return rc;
	if ((rc = req_param_id(r, "did", &did)) != ADV_OK)
		return adv_fail(&r->eb, rc, NULL, "no such delivery");
	if ((rc = outbox_delivery_retry(req_db(r), &r->arena, r->ws.id, id, did, &d, &r->eb)) !=
	    ADV_OK)
		return rc;
	return answer_delivery(r, &d);
}

API_ROUTES_DEFINE(webhooks,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/webhooks", get_endpoints, ACCESS_WORKSPACE,
		   ROLE_OWNER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/webhooks", post_endpoint, ACCESS_WORKSPACE,
		   ROLE_OWNER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/webhooks/{id}", get_endpoint,
		   ACCESS_WORKSPACE, ROLE_OWNER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/webhooks/{id}", patch_endpoint,
		   ACCESS_WORKSPACE, ROLE_OWNER, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/webhooks/{id}", delete_endpoint,
		   ACCESS_WORKSPACE, ROLE_OWNER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/webhooks/{id}/test", post_test,
		   ACCESS_WORKSPACE, ROLE_OWNER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/webhooks/{id}/deliveries", get_deliveries,
		   ACCESS_WORKSPACE, ROLE_OWNER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/webhooks/{id}/deliveries/{did}/retry",
		   post_retry, ACCESS_WORKSPACE, ROLE_OWNER, 0}, );
