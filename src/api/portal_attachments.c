/*
 * portal_attachments.c — the files of a request over HTTP, the client's
 * side (docs/requests.md, "The portal"): a client's person, signed in to the
 * portal (api/portal_auth.h, which also checks the CSRF token of writes),
 * uploads a file to a request of their company, lists the files they may
 * see (not the internal ones) and downloads one. Another company's request
 * or file answers 404, like an unknown one. The answers are those of the
 * staff side (api/attachments.h).
 */
#include <string.h>

#include "api/attachments.h"
#include "api/portal_auth.h"
#include "api/routes.h"

/*
 * Authenticates the portal session of r into *actor and *ws_id and loads
 * the request the path names, in the person's company (404 outside it),
 * into *id; *url is the path of its files.
 */
static enum adv_err
portal_request(struct req *r, struct request_actor *actor, int64_t *ws_id, int64_t *id,
	       const char **url)
{
	struct portal_session ps;
	struct request x;
	enum adv_err rc;

	if ((rc = portal_require(r, &ps)) != ADV_OK || (rc = req_param_id(r, "id", id)) != ADV_OK)
		goto out;
	memset(actor, 0, sizeof(*actor));
	actor->client = true;
	actor->portal_user_id = ps.portal_user_id;
	actor->contact_id = ps.contact_id;
	actor->account_id = ps.account_id;
	*ws_id = ps.ws_id;
	rc = request_get(req_db(r), &r->arena, *ws_id, actor->account_id, *id, &x);
	if (rc == ADV_ENOTFOUND)
		rc = adv_fail(&r->eb, rc, NULL, "no such request: %lld", (long long)*id);
	if (rc != ADV_OK)
		goto out;
	if ((*url = arena_printf(&r->arena, "/api/v1/portal/requests/%lld/attachments",
				 (long long)*id)) == NULL)
		rc = ADV_ENOMEM;
out:
	return rc;
}

static enum adv_err
post_attachment(struct req *r)
{
	struct request_actor actor;
	const char *url;
	int64_t ws_id, id;
	enum adv_err rc;

	if ((rc = portal_request(r, &actor, &ws_id, &id, &url)) == ADV_OK)
		rc = attachments_upload(r, ws_id, &actor, id, false, url);
	return rc;
}

static enum adv_err
get_attachments(struct req *r)
{
	struct request_actor actor;
	const char *url;
	int64_t ws_id, id;
	enum adv_err rc;

	if ((rc = portal_request(r, &actor, &ws_id, &id, &url)) == ADV_OK)
		rc = attachments_answer_list(r, ws_id, actor.account_id, id, url);
	return rc;
}

static enum adv_err
get_attachment(struct req *r)
{
	struct request_actor actor;
	const char *url;
	int64_t ws_id, id;
	enum adv_err rc;

	if ((rc = portal_request(r, &actor, &ws_id, &id, &url)) == ADV_OK)
		rc = attachments_download(r, ws_id, actor.account_id, id);
	return rc;
}

API_ROUTES_DEFINE(portal_attachments,
		  {HTTP_POST, "/api/v1/portal/requests/{id}/attachments", post_attachment,
		   ACCESS_PUBLIC, ROLE_NONE, ROUTE_RAW_BODY},
		  {HTTP_GET, "/api/v1/portal/requests/{id}/attachments", get_attachments,
		   ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_GET, "/api/v1/portal/requests/{id}/attachments/{aid}", get_attachment,
		   ACCESS_PUBLIC, ROLE_NONE, 0}, );
