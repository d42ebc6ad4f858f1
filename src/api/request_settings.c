/*
 * request_settings.c — the service settings of the dialog window over HTTP
 * (docs/requests.md, "Service levels" and "Assignment"): every member reads
 * them; owners replace them as a whole (If-Match).
 */
#include "core/request_settings.h"

#include "api/routes.h"

/* Answers status with the settings and their version as ETag. */
static enum adv_err
answer(struct req *r, int status, const struct request_settings *s)
{
	const char *etag = arena_printf(&r->arena, "\"%lld\"", (long long)s->version);
	json_t *j;

	if (etag == NULL || (j = request_settings_json(s)) == NULL)
		return ADV_ENOMEM;
	resp_header(r, "ETag", etag);
	return resp_json(r, status, j);
}

static enum adv_err
get_settings(struct req *r)
{
	struct request_settings s;
	enum adv_err rc;

	if ((rc = request_settings_load(req_db(r), &r->arena, r->ws.id, &s)) != ADV_OK)
		return rc;
	return answer(r, 200, &s);
}

static enum adv_err
put_settings(struct req *r)
{
	struct request_settings s;
	int64_t version;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_if_match(r, &version)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = request_settings_put(req_db(r), &r->arena, r->ws.id, r->caller.user_id, version,
				       body, &s, &r->eb)) != ADV_OK)
		return rc;
	return answer(r, 200, &s);
}

API_ROUTES_DEFINE(request_settings,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/request-settings", get_settings,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PUT, "/api/v1/workspaces/{ws}/request-settings", put_settings,
		   ACCESS_WORKSPACE, ROLE_OWNER, 0}, );
