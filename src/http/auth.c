/*
 * auth.c — authentication of each request, CSRF and workspace membership
 * checks (see auth.h). The lookups themselves are in core/identity.c.
 */
#include "http/auth.h"

#include <sodium.h>
#include <string.h>

static void
caller_from_user(struct caller *cl, const struct user *u)
{
	cl->user_id = u->id;
	cl->email = u->email;
	cl->name = u->name;
	cl->is_admin = u->is_admin;
}

enum adv_err
auth_authenticate(struct req *r)
{
	const char *authz = req_header(r, "Authorization");
	const char *cookie;
	struct db_conn *c;
	enum adv_err rc;

	if (r->route->access == ACCESS_PUBLIC && authz == NULL &&
	    req_cookie(r, AUTH_COOKIE) == NULL)
		return ADV_OK;
	if ((c = req_db(r)) == NULL)
		return ADV_EUNAVAIL;
	if (authz != NULL) {
		struct user u;

		if (strncasecmp(authz, "Bearer ", 7) != 0)
			return adv_fail(&r->eb, ADV_EUNAUTH, NULL,
					"Authorization must be 'Bearer TOKEN'");
		rc = identity_token_lookup(c, &r->arena, authz + 7, &u);
		if (rc == ADV_EUNAUTH)
			return adv_fail(&r->eb, rc, NULL, "the API token is not valid");
		if (rc != ADV_OK)
			return rc;
		caller_from_user(&r->caller, &u);
		return ADV_OK;
	}
	cookie = req_cookie(r, AUTH_COOKIE);
	if (cookie != NULL) {
		struct session s;

		rc = identity_session_lookup(c, &r->arena, cookie,
					     server_config(r->srv)->session_idle, &s);
		if (rc == ADV_EUNAUTH)
			return ADV_OK;
		if (rc != ADV_OK)
			return rc;
		caller_from_user(&r->caller, &s.user);
		r->caller.via_cookie = true;
		r->caller.session_id = s.id;
		r->caller.csrf_token = s.csrf_token;
	}
	return ADV_OK;
}

enum adv_err
auth_check_csrf(struct req *r)
{
	const char *h;

	if (!r->caller.via_cookie || r->route->access == ACCESS_PUBLIC || r->method == HTTP_GET ||
	    r->method == HTTP_HEAD || r->method == HTTP_OPTIONS)
		return ADV_OK;
	h = req_header(r, "X-CSRF-Token");
	if (h == NULL || strlen(h) != strlen(r->caller.csrf_token) ||
	    sodium_memcmp(h, r->caller.csrf_token, strlen(h)) != 0)
		return adv_fail(&r->eb, ADV_EFORBIDDEN, NULL,
				"a request signed in by cookie must send the X-CSRF-Token header "
				"that sign-in returned");
	return ADV_OK;
}

enum adv_err
auth_workspace(struct req *r)
{
	const char *slug = req_param(r, "ws");
	struct user u = {r->caller.user_id, r->caller.email, r->caller.name, r->caller.is_admin};
	struct workspace w;
	struct db_conn *c = req_db(r);
	enum adv_err rc;

	if (c == NULL)
		return ADV_EUNAVAIL;
	rc = identity_workspace_for(c, &r->arena, slug, &u, &w);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such workspace: %s", slug);
	if (rc != ADV_OK)
		return rc;
	r->ws.id = w.id;
	r->ws.slug = w.slug;
	r->ws.name = w.name;
	r->ws.role = w.role;
	r->ws.data_version = w.data_version;
	if (w.role < r->route->min_role)
		return adv_fail(&r->eb, ADV_EFORBIDDEN, NULL,
				"your role in this workspace (%s) may not do this; %s or higher "
				"is needed",
				role_name(w.role), role_name(r->route->min_role));
	return ADV_OK;
}

const char *
auth_cookie_set(struct req *r, const char *token, unsigned max_age)
{
	return arena_printf(&r->arena, "%s=%s; Path=/; Max-Age=%u; HttpOnly; SameSite=Lax%s",
			    AUTH_COOKIE, token, max_age,
			    server_config(r->srv)->tls ? "; Secure" : "");
}

const char *
auth_cookie_clear(struct req *r)
{
	return arena_printf(&r->arena, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
			    AUTH_COOKIE, server_config(r->srv)->tls ? "; Secure" : "");
}
