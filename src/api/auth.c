/*
 * auth.c — sign-in, sign-out, the caller (me), the caller's workspaces, and
 * the members of a workspace.
 */
#include <string.h>

#include "api/routes.h"
#include "api/validate.h"
#include "http/auth.h"

/* {"id","email","name","is_admin"} of the caller. */
static json_t *
user_json(const struct caller *cl)
{
	return json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)cl->user_id, "email", cl->email,
			 "name", cl->name, "is_admin", cl->is_admin);
}

/* The caller's workspaces as a JSON array. */
static enum adv_err
workspaces_json(struct req *r, json_t **out)
{
	struct user u = {r->caller.user_id, r->caller.email, r->caller.name, r->caller.is_admin};
	struct workspace *ws;
	size_t n;
	enum adv_err rc;
	json_t *arr;

	if ((rc = identity_workspaces_of(req_db(r), &r->arena, &u, &ws, &n)) != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    arr, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)ws[i].id, "slug",
				   ws[i].slug, "name", ws[i].name, "role", role_name(ws[i].role)));
	*out = arr;
	return ADV_OK;
}

/* The body of login and me: user, workspaces and (for cookie sessions) the CSRF token. */
static enum adv_err
answer_me(struct req *r, int status)
{
	json_t *ws = NULL, *j;
	enum adv_err rc;

	if ((rc = workspaces_json(r, &ws)) != ADV_OK)
		return rc;
	j = json_pack("{s:o, s:o}", "user", user_json(&r->caller), "workspaces", ws);
	if (j != NULL && r->caller.csrf_token != NULL)
		json_object_set_new(j, "csrf_token", json_string(r->caller.csrf_token));
	return resp_json(r, status, j);
}

static const struct field_spec login_fields[] = {
    {"email", FIELD_STRING, true, false, 1, IDENTITY_EMAIL_MAX, NULL, NULL},
    {"password", FIELD_STRING, true, false, 1, IDENTITY_PASSWORD_MAX, NULL, NULL},
};

static enum adv_err
post_login(struct req *r)
{
	const struct server_config *cfg = server_config(r->srv);
	struct session s;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK)
		return rc;
	if ((rc = validate_object(r, body, login_fields, 2, false)) != ADV_OK)
		return rc;
	rc = identity_login(req_db(r), &r->arena, json_string_value(json_object_get(body, "email")),
			    json_string_value(json_object_get(body, "password")), r->ip,
			    cfg->session_max, &s, &r->eb);
	if (rc != ADV_OK)
		return rc;
	if (r->caller.via_cookie)
		identity_session_revoke(req_db(r), r->caller.session_id);
	r->caller.user_id = s.user.id;
	r->caller.email = s.user.email;
	r->caller.name = s.user.name;
	r->caller.is_admin = s.user.is_admin;
	r->caller.via_cookie = true;
	r->caller.session_id = s.id;
	r->caller.csrf_token = s.csrf_token;
	resp_header(r, "Set-Cookie", auth_cookie_set(r, s.token, cfg->session_max));
	return answer_me(r, 200);
}

static enum adv_err
post_logout(struct req *r)
{
	enum adv_err rc;

	if (r->caller.via_cookie &&
	    (rc = identity_session_revoke(req_db(r), r->caller.session_id)) != ADV_OK)
		return rc;
	resp_header(r, "Set-Cookie", auth_cookie_clear(r));
	return resp_empty(r, 204);
}

static enum adv_err
get_me(struct req *r)
{
	return answer_me(r, 200);
}

static enum adv_err
get_workspaces(struct req *r)
{
	json_t *ws = NULL;
	enum adv_err rc;

	if ((rc = workspaces_json(r, &ws)) != ADV_OK)
		return rc;
	return resp_json(r, 200, json_pack("{s:o, s:n}", "items", ws, "next_cursor"));
}

static const struct field_spec workspace_fields[] = {
    {"slug", FIELD_STRING, true, false, 2, IDENTITY_SLUG_MAX, NULL, NULL},
    {"name", FIELD_STRING, true, false, 1, IDENTITY_NAME_MAX, NULL, NULL},
};

static enum adv_err
post_workspaces(struct req *r)
{
	const char *slug, *name;
	struct db_conn *c = req_db(r);
	json_t *body;
	int64_t id;
	enum adv_err rc;

	if (!r->caller.is_admin)
		return adv_fail(&r->eb, ADV_EFORBIDDEN, NULL,
				"only an instance admin may create workspaces");
	if ((rc = req_json(r, &body)) != ADV_OK)
		return rc;
	if ((rc = validate_object(r, body, workspace_fields, 2, false)) != ADV_OK)
		return rc;
	slug = json_string_value(json_object_get(body, "slug"));
	name = json_string_value(json_object_get(body, "name"));
	if ((rc = db_begin(c)) != ADV_OK)
		return rc;
	if ((rc = identity_workspace_add(c, slug, name, &id, &r->eb)) != ADV_OK ||
	    (rc = identity_membership_set(c, id, r->caller.user_id, ROLE_OWNER)) != ADV_OK) {
		db_rollback(c);
		return rc;
	}
	if ((rc = db_commit(c)) != ADV_OK)
		return rc;
	resp_header(r, "Location", arena_printf(&r->arena, "/api/v1/workspaces/%s", slug));
	return resp_json(r, 201,
			 json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "slug", slug,
				   "name", name, "role", "owner"));
}

static enum adv_err
get_workspace(struct req *r)
{
	return resp_json(r, 200,
			 json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)r->ws.id, "slug",
				   r->ws.slug, "name", r->ws.name, "role", role_name(r->ws.role)));
}

static enum adv_err
get_members(struct req *r)
{
	struct member *m;
	size_t n;
	enum adv_err rc;
	json_t *arr;

	if ((rc = identity_members(req_db(r), &r->arena, r->ws.id, &m, &n)) != ADV_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr,
				      json_pack("{s:I, s:s, s:s, s:s}", "user_id",
						(json_int_t)m[i].user_id, "email", m[i].email,
						"name", m[i].name, "role", role_name(m[i].role)));
	return resp_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

API_ROUTES_DEFINE(auth, {HTTP_POST, "/api/v1/auth/login", post_login, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_POST, "/api/v1/auth/logout", post_logout, ACCESS_USER, ROLE_NONE, 0},
		  {HTTP_GET, "/api/v1/me", get_me, ACCESS_USER, ROLE_NONE, 0},
		  {HTTP_GET, "/api/v1/workspaces", get_workspaces, ACCESS_USER, ROLE_NONE, 0},
		  {HTTP_POST, "/api/v1/workspaces", post_workspaces, ACCESS_USER, ROLE_NONE, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}", get_workspace, ACCESS_WORKSPACE,
		   ROLE_VIEWER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/members", get_members, ACCESS_WORKSPACE,
		   ROLE_VIEWER, 0}, );
