/*
 * requests.c — the staff side of the dialog window over HTTP
 * (docs/requests.md): the inbox with its filters, a request with its whole
 * thread (internal notes included), recording a request for a client,
 * merge-patching status, assignee, priority and classification (If-Match),
 * and replies and internal notes. Everyone in the workspace reads; whoever
 * may change the client company writes (a manager: the companies they own).
 */
#include "api/requests.h"

#include <string.h>

#include "api/accounts.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/account.h"
#include "core/identity.h"
#include "core/listing.h"

/* The largest id a JSON number carries exactly (2^53). */
#define REQ_ID_MAX 9007199254740992.0

static const char *const reply_status_values[] = {"open", "waiting", "resolved", NULL};

static const struct field_spec new_fields[] = {
    {"account_id", FIELD_INT, true, false, 1, REQ_ID_MAX, NULL, NULL},
    {"contact_id", FIELD_INT, false, true, 1, REQ_ID_MAX, NULL, NULL},
    {"kind", FIELD_ENUM, true, false, 0, 0, request_kind_values, NULL},
    {"priority", FIELD_ENUM, false, false, 0, 0, request_priority_values, NULL},
    {"subject", FIELD_STRING, true, false, 1, REQUEST_SUBJECT_MAX, NULL, NULL},
    {"body", FIELD_STRING, true, false, 1, REQUEST_BODY_MAX, NULL, NULL},
};

#define NEW_NFIELDS (sizeof(new_fields) / sizeof(new_fields[0]))

/* What a client's person writes: the company and person are theirs, the priority staff's. */
static const struct field_spec client_new_fields[] = {
    {"kind", FIELD_ENUM, true, false, 0, 0, request_kind_values, NULL},
    {"subject", FIELD_STRING, true, false, 1, REQUEST_SUBJECT_MAX, NULL, NULL},
    {"body", FIELD_STRING, true, false, 1, REQUEST_BODY_MAX, NULL, NULL},
};

static const struct field_spec patch_fields[] = {
    {"subject", FIELD_STRING, false, false, 1, REQUEST_SUBJECT_MAX, NULL, NULL},
    {"kind", FIELD_ENUM, false, false, 0, 0, request_kind_values, NULL},
    {"priority", FIELD_ENUM, false, false, 0, 0, request_priority_values, NULL},
    {"status", FIELD_ENUM, false, false, 0, 0, request_status_values, NULL},
    {"assignee_email", FIELD_STRING, false, true, 0, IDENTITY_EMAIL_MAX, NULL, NULL},
    {"component_id", FIELD_INT, false, true, 1, REQ_ID_MAX, NULL, NULL},
    {"factor_id", FIELD_INT, false, true, 1, REQ_ID_MAX, NULL, NULL},
    {"stage_id", FIELD_INT, false, true, 1, REQ_ID_MAX, NULL, NULL},
};

static const struct field_spec message_fields[] = {
    {"body", FIELD_STRING, true, false, 1, REQUEST_BODY_MAX, NULL, NULL},
    {"internal", FIELD_BOOL, false, false, 0, 0, NULL, NULL},
    {"status", FIELD_ENUM, false, false, 0, 0, reply_status_values, NULL},
};

#define NFIELDS(v) (sizeof(v) / sizeof((v)[0]))

/* An id or JSON null for 0 (new reference). */
static json_t *
id_or_null(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

json_t *
requests_request_json(const struct request *x, bool for_client)
{
	json_t *j = json_pack(
	    "{s:I, s:I, s:s?, s:o, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:I, s:b, s:s?, s:I,"
	    " s:s, s:s}",
	    "id", (json_int_t)x->id, "account_id", (json_int_t)x->account_id, "account_name",
	    x->account_name, "contact_id", id_or_null(x->contact_id), "contact_name",
	    x->contact_name, "kind", request_kind_name(x->kind), "subject", x->subject, "status",
	    request_status_name(x->status), "first_response_at", x->first_response_at,
	    "resolved_at", x->resolved_at, "closed_at", x->closed_at, "last_message_at",
	    x->last_message_at, "messages", (json_int_t)x->messages, "can_reopen", x->can_reopen,
	    "reopen_until", x->reopen_until, "version", (json_int_t)x->version, "created_at",
	    x->created_at, "updated_at", x->updated_at);

	if (j != NULL &&
	    json_object_update_new(j, json_pack("{s:o, s:s?, s:s?}", "rating",
						x->rating ? json_integer(x->rating) : json_null(),
						"rating_comment", x->rating_comment, "rated_at",
						x->rated_at)) != 0) {
		json_decref(j);
		return NULL;
	}

	if (j == NULL || for_client)
		return j;
	if (json_object_update_new(
		j,
		json_pack("{s:s, s:s, s:s?, s:s?, s:o, s:o, s:o, s:I, s:o}", "channel",
			  x->from_portal ? "portal" : "staff", "priority",
			  request_priority_name(x->priority), "assignee_email", x->assignee_email,
			  "assignee_name", x->assignee_name, "component_id",
			  id_or_null(x->component_id), "factor_id", id_or_null(x->factor_id),
			  "stage_id", id_or_null(x->stage_id), "reopened", (json_int_t)x->reopened,
			  "signal_assessment_id", id_or_null(x->signal_assessment_id))) != 0 ||
	    json_object_update_new(
		j, json_pack("{s:s?, s:s?, s:b, s:b, s:s?, s:{s:o, s:o, s:o, s:s?, s:f}}",
			     "first_response_due_at", x->first_response_due_at, "resolution_due_at",
			     x->resolution_due_at, "first_response_breached",
			     x->first_response_breached, "resolution_breached",
			     x->resolution_breached, "escalated_at", x->escalated_at, "suggestion",
			     "component_id", id_or_null(x->suggested_component_id), "factor_id",
			     id_or_null(x->suggested_factor_id), "stage_id",
			     id_or_null(x->suggested_stage_id), "source", x->suggestion_source,
			     "confidence", x->suggestion_confidence)) != 0 ||
	    json_object_update_new(j, json_pack("{s:s?, s:I}", "waiting_since", x->waiting_since,
						"paused_minutes", (json_int_t)x->paused_minutes)) !=
		0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *
requests_message_json(const struct request_message *m, bool for_client)
{
	json_t *j = json_pack("{s:I, s:s, s:s?, s:s, s:s, s:o}", "id", (json_int_t)m->id, "author",
			      m->from_client ? "client" : "staff", "author_name", m->author_name,
			      "body", m->body, "created_at", m->created_at, "helpful",
			      m->helpful < 0 ? json_null() : json_boolean(m->helpful));

	if (j != NULL && !for_client &&
	    json_object_set_new(j, "internal", json_boolean(m->internal)) != 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

enum adv_err
requests_answer(struct req *r, int status, const struct request *x,
		const struct request_message *items, size_t n, bool for_client)
{
	const char *etag = arena_printf(&r->arena, "\"%lld\"", (long long)x->version);
	json_t *j, *arr;

	if (etag == NULL || (j = requests_request_json(x, for_client)) == NULL)
		return ADV_ENOMEM;
	if (items != NULL) {
		if ((arr = json_array()) == NULL || json_object_set_new(j, "thread", arr) != 0) {
			json_decref(j);
			return ADV_ENOMEM;
		}
		for (size_t i = 0; i < n; i++)
			if (json_array_append_new(
				arr, requests_message_json(&items[i], for_client)) != 0) {
				json_decref(j);
				return ADV_ENOMEM;
			}
	}
	resp_header(r, "ETag", etag);
	return resp_json(r, status, j);
}

enum adv_err
requests_read_new(struct req *r, bool staff, struct request_new *in)
{
	json_t *body, *v;
	enum adv_err rc;

	memset(in, 0, sizeof(*in));
	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = staff ? validate_object(r, body, new_fields, NEW_NFIELDS, false)
			: validate_object(r, body, client_new_fields, NFIELDS(client_new_fields),
					  false)) != ADV_OK)
		return rc;
	in->kind = request_kind_parse(json_str(body, "kind"));
	in->priority = RP_NORMAL;
	if ((v = json_object_get(body, "priority")) != NULL)
		in->priority = request_priority_parse(json_string_value(v));
	in->subject = json_str(body, "subject");
	in->body = json_str(body, "body");
	in->account_id = json_integer_value(json_object_get(body, "account_id"));
	in->contact_id = json_integer_value(json_object_get(body, "contact_id"));
	return ADV_OK;
}

/* The actor of a staff call. */
static struct request_actor
staff_actor(struct req *r)
{
	struct request_actor a = {.client = false, .user_id = r->caller.user_id};

	return a;
}

/* Loads request id in scope and checks the caller may change its company. */
static enum adv_err
writable_request(struct req *r, int64_t *id, struct request *x)
{
	struct account acc;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", id)) != ADV_OK)
		return rc;
	rc = request_get(req_db(r), &r->arena, r->ws.id, 0, *id, x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such request: %lld", (long long)*id);
	if (rc != ADV_OK)
		return rc;
	return accounts_load_writable(r, x->account_id, &acc);
}

/* The assignee filter: -1 any, 0 "none", the caller ("me") or a member by e-mail. */
static enum adv_err
assignee_filter(struct req *r, int64_t *out)
{
	const char *v;
	struct member m;
	enum adv_err rc;

	*out = -1;
	if ((rc = query_text(r, "assignee", IDENTITY_EMAIL_MAX, &v)) != ADV_OK || v == NULL)
		return rc;
	if (strcmp(v, "none") == 0) {
		*out = 0;
		return ADV_OK;
	}
	if (strcmp(v, "me") == 0) {
		*out = r->caller.user_id;
		return ADV_OK;
	}
	rc = identity_member_by_email(req_db(r), &r->arena, r->ws.id, v, &m);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, ADV_EINVAL, "assignee",
				"assignee must be me, none or the e-mail of a member of this "
				"workspace");
	if (rc == ADV_OK)
		*out = m.user_id;
	return rc;
}

/* One value of the status filter into the mask, or an error remembered in *bad. */
struct status_parse {
	unsigned mask;
	bool bad;
};

static void
status_each(void *cls, const char *value)
{
	struct status_parse *p = cls;
	const char *s = value;

	while (s != NULL && *s != '\0') {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		int i;

		for (i = 0; i < RS__MAX; i++)
			if (strlen(request_status_values[i]) == len &&
			    strncmp(request_status_values[i], s, len) == 0)
				break;
		if (i == RS__MAX)
			p->bad = true;
		else
			p->mask |= 1u << i;
		s = comma ? comma + 1 : NULL;
	}
}

/* Reads the list filters of the query into *f. */
static enum adv_err
read_filter(struct req *r, struct request_filter *f)
{
	struct status_parse sp = {0, false};
	const char *kind;
	enum adv_err rc;

	memset(f, 0, sizeof(*f));
	f->kind = -1;
	req_query_each(r, "status", status_each, &sp);
	if (sp.bad)
		return adv_fail(&r->eb, ADV_EINVAL, "status",
				"status must be a comma-separated list of: new, open, waiting, "
				"resolved, closed");
	f->status_mask = sp.mask;
	if ((rc = query_text(r, "kind", 32, &kind)) != ADV_OK ||
	    (rc = query_id(r, "account_id", &f->account_id)) != ADV_OK ||
	    (rc = query_id(r, "component_id", &f->component_id)) != ADV_OK ||
	    (rc = query_flag(r, "overdue", &f->overdue)) != ADV_OK ||
	    (rc = assignee_filter(r, &f->assignee)) != ADV_OK)
		return rc;
	if (kind != NULL && (f->kind = (int)request_kind_parse(kind)) == RK__MAX)
		return adv_fail(&r->eb, ADV_EINVAL, "kind",
				"kind must be one of: question, complaint, suggestion, praise, "
				"order_problem, shipment_problem, other");
	return ADV_OK;
}

static enum adv_err
get_requests(struct req *r)
{
	struct request_filter f;
	struct request *items;
	const char *cursor, *next;
	unsigned limit;
	json_t *arr;
	size_t n;
	enum adv_err rc;

	if ((rc = read_filter(r, &f)) != ADV_OK ||
	    (rc = query_limit(r, 50, REQUEST_LIST_MAX, &limit)) != ADV_OK ||
	    (rc = query_text(r, "cursor", LISTING_CURSOR_MAX, &cursor)) != ADV_OK)
		return rc;
	if ((rc = request_list(req_db(r), &r->arena, r->ws.id, &f, cursor, limit, &items, &n, &next,
			       &r->eb)) != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, requests_request_json(&items[i], false)) != 0) {
			json_decref(arr);
			return ADV_ENOMEM;
		}
	return resp_json(r, 200, json_pack("{s:o, s:s?}", "items", arr, "next_cursor", next));
}

static enum adv_err
get_request(struct req *r)
{
	struct request_message *items;
	struct request x;
	int64_t id;
	size_t n;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &id)) != ADV_OK)
		return rc;
	rc = request_get(req_db(r), &r->arena, r->ws.id, 0, id, &x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such request: %lld", (long long)id);
	if (rc != ADV_OK ||
	    (rc = request_thread(req_db(r), &r->arena, r->ws.id, id, true, &items, &n)) != ADV_OK)
		return rc;
	return requests_answer(r, 200, &x, items, n, false);
}

static enum adv_err
post_request(struct req *r)
{
	struct request_actor actor = staff_actor(r);
	struct request_new in;
	struct request out;
	struct account acc;
	enum adv_err rc;

	if ((rc = requests_read_new(r, true, &in)) != ADV_OK)
		return rc;
	rc = accounts_load_writable(r, in.account_id, &acc);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, ADV_EINVAL, "/account_id",
				"account_id %lld is not a client company of this workspace",
				(long long)in.account_id);
	if (rc != ADV_OK || (rc = request_create(req_db(r), &r->arena, r->ws.id, &actor, &in, &out,
						 &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/workspaces/%s/requests/%lld", r->ws.slug,
				 (long long)out.id));
	return requests_answer(r, 201, &out, NULL, 0, false);
}

/* Reads a validated patch body into x; each present field sets its bit in *mask. */
static void
patch_from_json(json_t *body, struct request *x, uint32_t *mask)
{
	static const enum request_field id_fields[] = {RF_COMPONENT, RF_FACTOR, RF_STAGE};
	json_t *v;

	memset(x, 0, sizeof(*x));
	*mask = 0;
	if ((v = json_object_get(body, "subject")) != NULL) {
		*mask |= RF_BIT(RF_SUBJECT);
		x->subject = json_string_value(v);
	}
	if ((v = json_object_get(body, "kind")) != NULL) {
		*mask |= RF_BIT(RF_KIND);
		x->kind = request_kind_parse(json_string_value(v));
	}
	if ((v = json_object_get(body, "priority")) != NULL) {
		*mask |= RF_BIT(RF_PRIORITY);
		x->priority = request_priority_parse(json_string_value(v));
	}
	if ((v = json_object_get(body, "status")) != NULL) {
		*mask |= RF_BIT(RF_STATUS);
		x->status = request_status_parse(json_string_value(v));
	}
	if ((v = json_object_get(body, "assignee_email")) != NULL) {
		*mask |= RF_BIT(RF_ASSIGNEE);
		x->assignee_email = json_string_value(v);
	}
	for (size_t i = 0; i < NFIELDS(id_fields); i++) {
		static const char *const names[] = {"component_id", "factor_id", "stage_id"};
		int64_t *dest[] = {&x->component_id, &x->factor_id, &x->stage_id};

		if ((v = json_object_get(body, names[i])) != NULL) {
			*mask |= RF_BIT(id_fields[i]);
			*dest[i] = json_is_integer(v) ? json_integer_value(v) : 0;
		}
	}
}

static enum adv_err
patch_request(struct req *r)
{
	struct request cur, in, out;
	int64_t id, version;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = writable_request(r, &id, &cur)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, patch_fields, NFIELDS(patch_fields), true)) != ADV_OK)
		return rc;
	patch_from_json(body, &in, &mask);
	if ((rc = request_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id, version,
				 &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return requests_answer(r, 200, &out, NULL, 0, false);
}

static enum adv_err
post_message(struct req *r)
{
	struct request_actor actor = staff_actor(r);
	struct request_message msg;
	struct request cur, out;
	const char *status;
	json_t *body, *j;
	int64_t id;
	enum adv_err rc;

	if ((rc = writable_request(r, &id, &cur)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, message_fields, NFIELDS(message_fields), false)) !=
		ADV_OK)
		return rc;
	status = json_str(body, "status");
	memset(&msg, 0, sizeof(msg));
	if ((rc = request_reply(req_db(r), &r->arena, r->ws.id, &actor, id, json_str(body, "body"),
				json_is_true(json_object_get(body, "internal")),
				status ? (int)request_status_parse(status) : -1, &msg, &out,
				&r->eb)) != ADV_OK)
		return rc;
	if ((j = json_pack("{s:o, s:o}", "message", requests_message_json(&msg, false), "request",
			   requests_request_json(&out, false))) == NULL)
		return ADV_ENOMEM;
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/workspaces/%s/requests/%lld", r->ws.slug,
				 (long long)id));
	return resp_json(r, 201, j);
}

API_ROUTES_DEFINE(requests,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/requests", get_requests, ACCESS_WORKSPACE,
		   ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/requests", post_request, ACCESS_WORKSPACE,
		   ROLE_MANAGER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/requests/{id}", get_request, ACCESS_WORKSPACE,
		   ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/requests/{id}", patch_request,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/requests/{id}/messages", post_message,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0}, );
