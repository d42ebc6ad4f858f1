/*
 * competitors.c — the workspace's competitor catalogue over HTTP: list with
 * search and cursor pages, create, read, merge-patch, archive and restore.
 * Everyone in the workspace reads it; analysts and owners change it.
 */
#include <string.h>

#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/account.h"
#include "core/competitor.h"
#include "core/listing.h"

static const struct field_spec competitor_fields[] = {
    {"name", FIELD_STRING, true, false, 1, COMPETITOR_NAME_MAX, NULL, NULL},
    {"website", FIELD_STRING, false, true, 0, COMPETITOR_WEBSITE_MAX, NULL, account_website_valid},
    {"notes", FIELD_STRING, false, true, 0, COMPETITOR_NOTES_MAX, NULL, NULL},
};

#define COMPETITOR_NFIELDS (sizeof(competitor_fields) / sizeof(competitor_fields[0]))

/* The competitor as the API shows it; NULL when out of memory. */
static json_t *
competitor_json(const struct competitor *x)
{
	return json_pack("{s:I, s:s, s:s?, s:s?, s:I, s:s, s:s, s:s?}", "id", (json_int_t)x->id,
			 "name", x->name, "website", x->website, "notes", x->notes, "version",
			 (json_int_t)x->version, "created_at", x->created_at, "updated_at",
			 x->updated_at, "archived_at", x->archived_at);
}

/* Answers status with the competitor and its version as ETag. */
static enum adv_err
answer_competitor(struct req *r, int status, const struct competitor *x)
{
	const char *etag = arena_printf(&r->arena, "\"%lld\"", (long long)x->version);

	if (etag == NULL)
		return ADV_ENOMEM;
	resp_header(r, "ETag", etag);
	return resp_json(r, status, competitor_json(x));
}

/* Reads a validated body into x; each present field sets its bit in *mask. */
static void
competitor_from_json(json_t *body, struct competitor *x, uint32_t *mask)
{
	const char **dest[CF__MAX] = {&x->name, &x->website, &x->notes};

	memset(x, 0, sizeof(*x));
	*mask = 0;
	for (int f = 0; f < CF__MAX; f++) {
		json_t *v = json_object_get(body, competitor_fields[f].name);

		if (v != NULL) {
			*mask |= CF_BIT(f);
			*dest[f] = json_string_value(v);
		}
	}
}

static enum adv_err
get_competitors(struct req *r)
{
	struct competitor_filter f = {0};
	struct competitor *items;
	const char *next;
	json_t *arr;
	size_t n;
	enum adv_err rc;

	if ((rc = query_text(r, "q", COMPETITOR_QUERY_MAX, &f.q)) != ADV_OK ||
	    (rc = query_text(r, "cursor", LISTING_CURSOR_MAX, &f.cursor)) != ADV_OK ||
	    (rc = query_flag(r, "archived", &f.archived)) != ADV_OK ||
	    (rc = query_limit(r, COMPETITOR_LIST_LIMIT_DFLT, COMPETITOR_LIST_LIMIT_MAX,
			      &f.limit)) != ADV_OK ||
	    (rc = competitor_list(req_db(r), &r->arena, r->ws.id, &f, &items, &n, &next, &r->eb)) !=
		ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, competitor_json(&items[i]));
	return resp_json(r, 200, json_pack("{s:o, s:s?}", "items", arr, "next_cursor", next));
}

static enum adv_err
post_competitors(struct req *r)
{
	struct competitor in, out;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, competitor_fields, COMPETITOR_NFIELDS, false)) != ADV_OK)
		return rc;
	competitor_from_json(body, &in, &mask);
	if ((rc = competitor_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, &in, &out,
				    &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Location",
		    arena_printf(&r->arena, "/api/v1/workspaces/%s/competitors/%lld", r->ws.slug,
				 (long long)out.id));
	return answer_competitor(r, 201, &out);
}

static enum adv_err
get_competitor(struct req *r)
{
	struct competitor x;
	int64_t id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &id)) != ADV_OK)
		return rc;
	rc = competitor_get(req_db(r), &r->arena, r->ws.id, id, &x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such competitor: %lld", (long long)id);
	if (rc != ADV_OK)
		return rc;
	return answer_competitor(r, 200, &x);
}

static enum adv_err
patch_competitor(struct req *r)
{
	struct competitor in, out;
	int64_t id, version;
	json_t *body;
	uint32_t mask;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, competitor_fields, COMPETITOR_NFIELDS, true)) != ADV_OK)
		return rc;
	competitor_from_json(body, &in, &mask);
	if ((rc = competitor_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id, version,
				    &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return answer_competitor(r, 200, &out);
}

/* Archives (DELETE) or restores (POST …/restore) the competitor the path names. */
static enum adv_err
archive_competitor(struct req *r, bool archive)
{
	struct competitor out;
	int64_t id, version;
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = competitor_archive(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id, version,
				     archive, &out, &r->eb)) != ADV_OK)
		return rc;
	return archive ? resp_empty(r, 204) : answer_competitor(r, 200, &out);
}

static enum adv_err
delete_competitor(struct req *r)
{
	return archive_competitor(r, true);
}

static enum adv_err
post_competitor_restore(struct req *r)
{
	return archive_competitor(r, false);
}

API_ROUTES_DEFINE(competitors,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/competitors", get_competitors,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/competitors", post_competitors,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/competitors/{id}", get_competitor,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/competitors/{id}", patch_competitor,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/competitors/{id}", delete_competitor,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/competitors/{id}/restore",
		   post_competitor_restore, ACCESS_WORKSPACE, ROLE_ANALYST, 0}, );
