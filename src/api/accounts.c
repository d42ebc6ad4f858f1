/*
 * accounts.c — the client companies of a workspace over HTTP: list with
 * search, filters, sort and cursor pages; facets for the filters; create,
 * read, merge-patch, archive and restore one account; its audit history.
 * Managers change only the accounts they own; viewers read only.
 */
#include "api/accounts.h"

#include <stdio.h>
#include <string.h>

#include "api/jsonw.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/audit.h"
#include "core/inn.h"
#include "core/listing.h"
#include "util/str.h"

#define ACCOUNT_FILTER_MAX 300 /* characters of a search or filter value */
#define AUDIT_CURSOR_MAX   20  /* digits of an audit cursor */
#define AUDIT_ENTITY_MAX   32  /* characters of an entity type filter */
/* Bytes of one account in JSON, at most: every field at its longest, escaped. */
#define ACCOUNT_JSON_MAX (256u * 1024u)

static const char *const status_values[] = {"prospect", "active", "at_risk", "churned", NULL};

static const struct field_spec account_fields[] = {
    {"name", FIELD_STRING, true, false, 1, ACCOUNT_NAME_MAX, NULL, NULL},
    {"legal_name", FIELD_STRING, false, true, 0, ACCOUNT_TEXT_MAX, NULL, NULL},
    {"inn", FIELD_STRING, false, true, 0, INN_INDIVIDUAL_LEN, NULL, inn_valid},
    {"external_id", FIELD_STRING, false, true, 0, ACCOUNT_EXTERNAL_ID_MAX, NULL, NULL},
    {"status", FIELD_ENUM, false, false, 0, 0, status_values, NULL},
    {"churned_at", FIELD_DATE, false, true, 0, 0, NULL, NULL},
    {"churn_reason", FIELD_STRING, false, true, 0, ACCOUNT_TEXT_MAX, NULL, NULL},
    {"segment", FIELD_STRING, false, true, 0, ACCOUNT_TEXT_MAX, NULL, NULL},
    {"owner_email", FIELD_STRING, false, true, 0, IDENTITY_EMAIL_MAX, NULL, NULL},
    {"tags", FIELD_STRING_LIST, false, true, 1, ACCOUNT_TAG_MAX, NULL, NULL},
    {"industry", FIELD_STRING, false, true, 0, ACCOUNT_TEXT_MAX, NULL, NULL},
    {"region", FIELD_STRING, false, true, 0, ACCOUNT_TEXT_MAX, NULL, NULL},
    {"city", FIELD_STRING, false, true, 0, ACCOUNT_TEXT_MAX, NULL, NULL},
    {"website", FIELD_STRING, false, true, 0, ACCOUNT_WEBSITE_MAX, NULL, account_website_valid},
    {"employees", FIELD_STRING, false, true, 0, ACCOUNT_EMPLOYEES_MAX, NULL, NULL},
    {"revenue", FIELD_NUMBER, false, true, 0, ACCOUNT_REVENUE_MAX, NULL, NULL},
    {"revenue_currency", FIELD_STRING, false, true, 3, 3, NULL, NULL},
    {"description", FIELD_STRING, false, true, 0, ACCOUNT_DESCRIPTION_MAX, NULL, NULL},
};

#define ACCOUNT_NFIELDS (sizeof(account_fields) / sizeof(account_fields[0]))

/* Appends the account as the API shows it (every field; null when unset). */
static void
account_write(struct jsonw *w, const struct account *x)
{
	jsonw_raw(w, "{");
	JSONW_LIT(w, "\"id\":");
	jsonw_int(w, x->id);
	JSONW_LIT(w, ",\"name\":");
	jsonw_str(w, x->name);
	JSONW_LIT(w, ",\"legal_name\":");
	jsonw_str(w, x->legal_name);
	JSONW_LIT(w, ",\"inn\":");
	jsonw_str(w, x->inn);
	JSONW_LIT(w, ",\"external_id\":");
	jsonw_str(w, x->external_id);
	JSONW_LIT(w, ",\"status\":");
	jsonw_str(w, account_status_name(x->status));
	JSONW_LIT(w, ",\"churned_at\":");
	jsonw_str(w, x->churned_at);
	JSONW_LIT(w, ",\"churn_reason\":");
	jsonw_str(w, x->churn_reason);
	JSONW_LIT(w, ",\"segment\":");
	jsonw_str(w, x->segment);
	JSONW_LIT(w, ",\"owner_email\":");
	jsonw_str(w, x->owner_email);
	JSONW_LIT(w, ",\"owner_name\":");
	jsonw_str(w, x->owner_name);
	JSONW_LIT(w, ",\"tags\":");
	jsonw_raw(w, "[");
	for (size_t i = 0; i < x->ntags; i++) {
		if (i > 0)
			jsonw_raw(w, ",");
		jsonw_str(w, x->tags[i]);
	}
	jsonw_raw(w, "]");
	JSONW_LIT(w, ",\"industry\":");
	jsonw_str(w, x->industry);
	JSONW_LIT(w, ",\"region\":");
	jsonw_str(w, x->region);
	JSONW_LIT(w, ",\"city\":");
	jsonw_str(w, x->city);
	JSONW_LIT(w, ",\"website\":");
	jsonw_str(w, x->website);
	JSONW_LIT(w, ",\"employees\":");
	jsonw_str(w, x->employees);
	JSONW_LIT(w, ",\"revenue\":");
	if (x->has_revenue)
		jsonw_num(w, x->revenue);
	else
		jsonw_raw(w, "null");
	JSONW_LIT(w, ",\"revenue_currency\":");
	jsonw_str(w, x->revenue_currency);
	JSONW_LIT(w, ",\"description\":");
	jsonw_str(w, x->description);
	JSONW_LIT(w, ",\"version\":");
	jsonw_int(w, x->version);
	JSONW_LIT(w, ",\"created_at\":");
	jsonw_str(w, x->created_at);
	JSONW_LIT(w, ",\"updated_at\":");
	jsonw_str(w, x->updated_at);
	JSONW_LIT(w, ",\"archived_at\":");
	jsonw_str(w, x->archived_at);
	jsonw_raw(w, "}");
}

/* Answers status with the account and its version as ETag. */
static enum adv_err
answer_account(struct req *r, int status, const struct account *x)
{
	const char *etag = arena_printf(&r->arena, "\"%lld\"", (long long)x->version);
	struct jsonw w;
	enum adv_err rc;

	if (etag == NULL)
		return ADV_ENOMEM;
	jsonw_init(&w, ACCOUNT_JSON_MAX);
	account_write(&w, x);
	if ((rc = jsonw_answer(&w, r, status)) == ADV_OK)
		resp_header(r, "ETag", etag);
	jsonw_release(&w);
	return rc;
}

/*
 * Reads a validated body into x: each present field sets its bit in *mask
 * (null clears the field). Tags are copied into the request's arena.
 */
static enum adv_err
account_from_json(struct req *r, json_t *body, struct account *x, uint32_t *mask)
{
	const char **text[AF__MAX] = {
	    [AF_NAME] = &x->name,
	    [AF_LEGAL_NAME] = &x->legal_name,
	    [AF_INN] = &x->inn,
	    [AF_EXTERNAL_ID] = &x->external_id,
	    [AF_CHURNED_AT] = &x->churned_at,
	    [AF_CHURN_REASON] = &x->churn_reason,
	    [AF_SEGMENT] = &x->segment,
	    [AF_OWNER] = &x->owner_email,
	    [AF_INDUSTRY] = &x->industry,
	    [AF_REGION] = &x->region,
	    [AF_CITY] = &x->city,
	    [AF_WEBSITE] = &x->website,
	    [AF_EMPLOYEES] = &x->employees,
	    [AF_REVENUE_CURRENCY] = &x->revenue_currency,
	    [AF_DESCRIPTION] = &x->description,
	};

	memset(x, 0, sizeof(*x));
	*mask = 0;
	for (int f = 0; f < AF__MAX; f++) {
		json_t *v = json_object_get(body, account_field_name((enum account_field)f));

		if (v == NULL)
			continue;
		*mask |= AF_BIT(f);
		switch (f) {
		case AF_STATUS:
			x->status = account_status_parse(json_string_value(v));
			break;
		case AF_TAGS:
			x->ntags = json_array_size(v);
			if (x->ntags == 0)
				break;
			if ((x->tags = arena_alloc(&r->arena, x->ntags * sizeof(*x->tags))) == NULL)
				return ADV_ENOMEM;
			for (size_t i = 0; i < x->ntags; i++)
				x->tags[i] = json_string_value(json_array_get(v, i));
			break;
		case AF_REVENUE:
			x->has_revenue = json_is_number(v);
			x->revenue = x->has_revenue ? json_number_value(v) : 0;
			break;
		default:
			*text[f] = json_string_value(v);
			break;
		}
	}
	return ADV_OK;
}

/* True when the caller is the member with e-mail email (compared as stored: folded). */
static bool
caller_is(struct req *r, const char *email)
{
	const char *folded = email ? str_fold(&r->arena, email) : NULL;

	return folded != NULL && r->caller.email != NULL && strcmp(folded, r->caller.email) == 0;
}

enum adv_err
accounts_load_writable(struct req *r, int64_t id, struct account *out)
{
	enum adv_err rc = account_get(req_db(r), &r->arena, r->ws.id, id, out);

	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such account: %lld", (long long)id);
	if (rc != ADV_OK)
		return rc;
	if (r->ws.role < ROLE_ANALYST && out->owner_user_id != r->caller.user_id)
		return adv_fail(&r->eb, ADV_EFORBIDDEN, NULL,
				"a manager may change only the accounts they own");
	return ADV_OK;
}

/* A manager may not give an account away: owner_email, when patched, must be theirs. */
static enum adv_err
check_owner_change(struct req *r, const struct account *x, uint32_t mask)
{
	if (r->ws.role >= ROLE_ANALYST || !(mask & AF_BIT(AF_OWNER)) ||
	    caller_is(r, x->owner_email))
		return ADV_OK;
	return adv_fail(&r->eb, ADV_EFORBIDDEN, NULL,
			"a manager may not make someone else (or nobody) the owner of an account");
}

/* Reads the list filter from the query; problems name the parameter. */
static enum adv_err
filter_from_query(struct req *r, struct account_filter *f)
{
	static const char *const texts[] = {"q",	"status", "segment", "owner",
					    "industry", "region", "tag",     "cursor"};
	const char **dest[] = {&f->q,	     &f->status, &f->segment, &f->owner_email,
			       &f->industry, &f->region, &f->tag,     &f->cursor};
	const char *sort = req_query(r, "sort");
	enum adv_err rc;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if ((rc = query_text(r, texts[i],
				     strcmp(texts[i], "cursor") == 0 ? LISTING_CURSOR_MAX
								     : ACCOUNT_FILTER_MAX,
				     dest[i])) != ADV_OK)
			return rc;
	if ((rc = query_limit(r, ACCOUNT_LIST_LIMIT_DFLT, ACCOUNT_LIST_LIMIT_MAX, &f->limit)) !=
		ADV_OK ||
	    (rc = query_flag(r, "archived", &f->archived)) != ADV_OK)
		return rc;
	if (f->status != NULL && account_status_parse(f->status) == ACCOUNT_STATUS__MAX)
		return adv_fail(&r->eb, ADV_EINVAL, "status",
				"status must be one of: prospect, active, at_risk, churned");
	f->sort = sort == NULL || *sort == '\0' ? ACCOUNT_SORT_NAME : account_sort_parse(sort);
	if (f->sort == ACCOUNT_SORT__MAX)
		return adv_fail(&r->eb, ADV_EINVAL, "sort",
				"sort must be one of: name, -name, updated_at, -updated_at, "
				"created_at, -created_at, revenue, -revenue");
	return ADV_OK;
}

static enum adv_err
get_accounts(struct req *r)
{
	struct account_filter f;
	struct account *items;
	const char *next;
	struct jsonw w;
	size_t n;
	enum adv_err rc;

	if ((rc = filter_from_query(r, &f)) != ADV_OK ||
	    (rc = account_list(req_db(r), &r->arena, r->ws.id, &f, &items, &n, &next, &r->eb)) !=
		ADV_OK)
		return rc;
	jsonw_init(&w, (n + 1) * ACCOUNT_JSON_MAX);
	jsonw_raw(&w, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			jsonw_raw(&w, ",");
		account_write(&w, &items[i]);
	}
	jsonw_raw(&w, "],\"next_cursor\":");
	jsonw_str(&w, next);
	jsonw_raw(&w, "}");
	rc = jsonw_answer(&w, r, 200);
	jsonw_release(&w);
	return rc;
}

static enum adv_err
get_facets(struct req *r)
{
	static const char *const kinds[] = {"segment", "industry", "region", "tag"};
	json_t *out = json_object(), *status = json_array();
	enum adv_err rc = ADV_ENOMEM;

	if (out == NULL || status == NULL || json_object_set_new(out, "status", status) != 0)
		goto out;
	for (int s = 0; s < ACCOUNT_STATUS__MAX; s++)
		json_array_append_new(status, json_string(account_status_name(s)));
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const char **values;
		json_t *arr = json_array();
		size_t n;

		if (arr == NULL || json_object_set_new(out, kinds[k], arr) != 0) {
			rc = ADV_ENOMEM;
			goto out;
		}
		if ((rc = account_facet(req_db(r), &r->arena, r->ws.id, kinds[k], &values, &n)) !=
		    ADV_OK)
			goto out;
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_string(values[i]));
	}
	rc = resp_json(r, 200, out);
	out = NULL;
out:
	json_decref(out);
	return rc;
}

/* The Location of account id in the request's workspace, in the arena. */
static const char *
account_location(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "/api/v1/workspaces/%s/accounts/%lld", r->ws.slug,
			    (long long)id);
}

static enum adv_err
post_accounts(struct req *r)
{
	struct account in, out;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, account_fields, ACCOUNT_NFIELDS, false)) != ADV_OK ||
	    (rc = account_from_json(r, body, &in, &mask)) != ADV_OK)
		return rc;
	if (r->ws.role < ROLE_ANALYST) {
		if (in.owner_email != NULL && !caller_is(r, in.owner_email))
			return adv_fail(&r->eb, ADV_EFORBIDDEN, NULL,
					"a manager may create only accounts they own: leave "
					"owner_email out or give your own");
		in.owner_email = r->caller.email;
		mask |= AF_BIT(AF_OWNER);
	}
	if ((rc = account_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, &in, mask, &out,
				 &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Location", account_location(r, out.id));
	return answer_account(r, 201, &out);
}

static enum adv_err
get_account(struct req *r)
{
	struct account x;
	int64_t id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &id)) != ADV_OK)
		return rc;
	rc = account_get(req_db(r), &r->arena, r->ws.id, id, &x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such account: %lld", (long long)id);
	if (rc != ADV_OK)
		return rc;
	return answer_account(r, 200, &x);
}

/*
 * The id, If-Match version and current state of the account a write names,
 * once the caller's right to change it is checked. A manager's write is
 * pinned to the version whose owner was checked when If-Match is absent.
 */
static enum adv_err
load_for_write(struct req *r, int64_t *id, int64_t *version, struct account *cur)
{
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", id)) != ADV_OK ||
	    (rc = req_if_match(r, version)) != ADV_OK ||
	    (rc = accounts_load_writable(r, *id, cur)) != ADV_OK)
		return rc;
	if (*version == 0 && r->ws.role < ROLE_ANALYST)
		*version = cur->version;
	return ADV_OK;
}

static enum adv_err
patch_account(struct req *r)
{
	struct account cur, in, out;
	int64_t id, version;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = load_for_write(r, &id, &version, &cur)) != ADV_OK ||
	    (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, account_fields, ACCOUNT_NFIELDS, true)) != ADV_OK ||
	    (rc = account_from_json(r, body, &in, &mask)) != ADV_OK ||
	    (rc = check_owner_change(r, &in, mask)) != ADV_OK ||
	    (rc = account_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id, version,
				 &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_account(r, 200, &out);
}

static enum adv_err
delete_account(struct req *r)
{
	struct account cur, out;
	int64_t id, version;
	enum adv_err rc;

	if ((rc = load_for_write(r, &id, &version, &cur)) != ADV_OK ||
	    (rc = account_archive(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id, version,
				  true, &out, &r->eb)) != ADV_OK)
		return rc;
	return resp_empty(r, 204);
}

static enum adv_err
post_restore(struct req *r)
{
	struct account cur, out;
	int64_t id, version;
	enum adv_err rc;

	if ((rc = load_for_write(r, &id, &version, &cur)) != ADV_OK ||
	    (rc = account_archive(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id, version,
				  false, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_account(r, 200, &out);
}

/* An audit entry as the API shows it; NULL when out of memory. */
static json_t *
audit_json(const struct audit_entry *e)
{
	json_t *changes = json_loads(e->changes, 0, NULL);

	return json_pack("{s:I, s:s, s:s?, s:s?, s:s, s:s, s:I, s:o}", "id", (json_int_t)e->id,
			 "at", e->at, "actor_email", e->actor_email, "actor_name", e->actor_name,
			 "action", e->action, "entity_type", e->entity_type, "entity_id",
			 (json_int_t)e->entity_id, "changes",
			 changes != NULL ? changes : json_object());
}

static enum adv_err
get_audit(struct req *r)
{
	struct account acc;
	struct audit_entry *items;
	const char *cursor, *entity_type;
	int64_t id, before = 0, entity_id = 0;
	unsigned limit;
	json_t *arr;
	size_t n;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &id)) != ADV_OK)
		return rc;
	rc = account_get(req_db(r), &r->arena, r->ws.id, id, &acc);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such account: %lld", (long long)id);
	if (rc != ADV_OK ||
	    (rc = query_limit(r, ACCOUNT_LIST_LIMIT_DFLT, ACCOUNT_LIST_LIMIT_MAX, &limit)) !=
		ADV_OK ||
	    (rc = query_text(r, "cursor", AUDIT_CURSOR_MAX, &cursor)) != ADV_OK ||
	    (rc = query_text(r, "entity_type", AUDIT_ENTITY_MAX, &entity_type)) != ADV_OK ||
	    (rc = query_id(r, "entity_id", &entity_id)) != ADV_OK)
		return rc;
	if (cursor != NULL && (!str_to_i64(cursor, &before) || before <= 0))
		return adv_fail(&r->eb, ADV_EINVAL, "cursor",
				"cursor must be the next_cursor of a previous page");
	if ((rc = audit_list_entity(req_db(r), &r->arena, r->ws.id, id, entity_type, entity_id,
				    before, limit + 1, &items, &n)) != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n && i < limit; i++)
		json_array_append_new(arr, audit_json(&items[i]));
	cursor = n > limit ? arena_printf(&r->arena, "%lld", (long long)items[limit - 1].id) : NULL;
	return resp_json(r, 200, json_pack("{s:o, s:s?}", "items", arr, "next_cursor", cursor));
}

API_ROUTES_DEFINE(accounts,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts", get_accounts, ACCESS_WORKSPACE,
		   ROLE_VIEWER, ROUTE_CACHEABLE},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/accounts", post_accounts, ACCESS_WORKSPACE,
		   ROLE_MANAGER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/facets", get_facets,
		   ACCESS_WORKSPACE, ROLE_VIEWER, ROUTE_CACHEABLE},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}", get_account, ACCESS_WORKSPACE,
		   ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/accounts/{id}", patch_account,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/accounts/{id}", delete_account,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/accounts/{id}/restore", post_restore,
		   ACCESS_WORKSPACE, ROLE_MANAGER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/audit", get_audit,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0}, );
