/*
 * portal_auth.c — the portal's own sign-in over HTTP (docs/portal.md):
 * redeeming a one-time link (a dead one answered 401 with where to ask for
 * a new one), asking for a sign-in link by e-mail (202 alike whoever asks),
 * signing in with e-mail and password, signing out, the signed-in person
 * (me) and their password; and portal_require,
 * which every portal route uses to authenticate the advocate_portal cookie.
 * These routes are public in the route table: the staff session and API
 * tokens mean nothing here.
 */
#include "api/portal_auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/routes.h"
#include "api/validate.h"
#include "core/identity.h"

#define TOKEN_INPUT_MAX 256 /* characters of a link token as input: longer is not one */

/* The one answer for every link that does not work, so that nothing leaks. */
#define LINK_DEAD                                                                                  \
	"this sign-in link does not work: it has expired, has been used already or has been "      \
	"withdrawn. Ask for a new one by e-mail: \"Send me a new link\" on the portal's sign-in "  \
	"page (or POST your supplier's code and e-mail address to request_link); if you have no "  \
	"access any more, ask your manager at the supplier for a new invitation"

/* The one answer of a link request, whoever asked. */
#define LINK_ASKED                                                                                 \
	"if this e-mail address has access to the supplier's portal, a sign-in link is on its "    \
	"way to it; the link works once, for %d minutes"

static const struct field_spec link_fields[] = {
    {"token", FIELD_STRING, true, false, 1, TOKEN_INPUT_MAX, NULL, NULL},
};

static const char *const lang_values[] = {"ru", "en", NULL};

/* A workspace slug as field_spec check: the format only, never whether it exists. */
static bool
slug_check(const char *v, char *why, size_t whylen)
{
	if (identity_slug_valid(v))
		return true;
	snprintf(why, whylen, "the supplier's code is 2–%d characters of a-z, 0-9 and '-'",
		 IDENTITY_SLUG_MAX);
	return false;
}

/* An e-mail address as field_spec check: the format only. */
static bool
email_check(const char *v, char *why, size_t whylen)
{
	if (identity_email_valid(v))
		return true;
	snprintf(why, whylen, "this is not an e-mail address");
	return false;
}

static const struct field_spec link_request_fields[] = {
    {"workspace", FIELD_STRING, true, false, 1, IDENTITY_SLUG_MAX, NULL, slug_check},
    {"email", FIELD_STRING, true, false, 1, IDENTITY_EMAIL_MAX, NULL, email_check},
    {"lang", FIELD_ENUM, false, false, 0, 0, lang_values, NULL},
};

static const struct field_spec login_fields[] = {
    {"workspace", FIELD_STRING, true, false, 1, IDENTITY_SLUG_MAX, NULL, NULL},
    {"email", FIELD_STRING, true, false, 1, IDENTITY_EMAIL_MAX, NULL, NULL},
    {"password", FIELD_STRING, true, false, 1, PORTAL_PASSWORD_MAX, NULL, NULL},
};

static const struct field_spec password_fields[] = {
    {"password", FIELD_STRING, true, false, PORTAL_PASSWORD_MIN, PORTAL_PASSWORD_MAX, NULL, NULL},
};

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

/* True when the request's method changes state. */
static bool
is_write(const struct req *r)
{
	return r->method != HTTP_GET && r->method != HTTP_HEAD && r->method != HTTP_OPTIONS;
}

enum adv_err
portal_require(struct req *r, struct portal_session *out)
{
	const char *cookie = req_cookie(r, PORTAL_COOKIE), *h;
	struct db_conn *c;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	if (cookie == NULL) {
		rc = adv_fail(&r->eb, ADV_EUNAUTH, NULL,
			      "sign in to the portal: open your invitation link, or sign in with "
			      "your e-mail and password");
		goto out;
	}
	if ((c = req_db(r)) == NULL) {
		rc = ADV_EUNAVAIL;
		goto out;
	}
	rc = portal_session_lookup(c, &r->arena, cookie, out);
	if (rc == ADV_EUNAUTH)
		rc = adv_fail(&r->eb, rc, NULL, "your portal session has ended; sign in again");
	if (rc != ADV_OK || !is_write(r))
		goto out;
	h = req_header(r, "X-CSRF-Token");
	if (h == NULL || out->csrf_token == NULL || strlen(h) != strlen(out->csrf_token) ||
	    sodium_memcmp(h, out->csrf_token, strlen(h)) != 0)
		rc = adv_fail(&r->eb, ADV_EFORBIDDEN, NULL,
			      "a portal request that changes something must send the X-CSRF-Token "
			      "header that sign-in returned");
out:
	if (rc != ADV_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* The Set-Cookie value that installs token, or (token NULL) removes the cookie; in the arena. */
static const char *
cookie_value(struct req *r, const char *token)
{
	return arena_printf(&r->arena, "%s=%s; Path=/; Max-Age=%u; HttpOnly; SameSite=Lax%s",
			    PORTAL_COOKIE, token ? token : "",
			    token ? (unsigned)PORTAL_SESSION_MAX_SECONDS : 0u,
			    server_config(r->srv)->tls ? "; Secure" : "");
}

/* Answers 429 with detail and the Retry-After of the rate limit. */
static enum adv_err
answer_throttled(struct req *r, unsigned retry_after)
{
	const char *v = arena_printf(&r->arena, "%u", retry_after > 0 ? retry_after : 1);

	if (v == NULL)
		return ADV_ENOMEM;
	adv_fail(&r->eb, ADV_ETHROTTLED, NULL, "too many sign-in attempts; try again in %s seconds",
		 v);
	resp_problem(r, ADV_ETHROTTLED);
	for (unsigned i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, "Retry-After") == 0)
			r->headers[i].value = v;
	return ADV_OK;
}

/*
 * Answers the 401 of a link that does not work: LINK_DEAD, and where to ask
 * for a new link ("request_link", a path of this API).
 */
static enum adv_err
answer_link_dead(struct req *r)
{
	adv_fail(&r->eb, ADV_EUNAUTH, NULL, LINK_DEAD);
	resp_problem(r, ADV_EUNAUTH);
	if (r->out_json == NULL || json_object_set_new(r->out_json, "request_link",
						       json_string(PORTAL_LINK_REQUEST_PATH)) != 0)
		return ADV_ENOMEM;
	return ADV_OK;
}

/*
 * Ends the portal session the request came with, if any is live (sign-in
 * rotates sessions); failures to find one are no failure.
 */
static enum adv_err
end_previous(struct req *r)
{
	const char *cookie = req_cookie(r, PORTAL_COOKIE);
	struct portal_session old;
	enum adv_err rc = ADV_OK;

	if (cookie != NULL && portal_session_lookup(req_db(r), &r->arena, cookie, &old) == ADV_OK)
		rc = portal_session_end(req_db(r), old.ws_id, old.id);
	return rc;
}

/* Answers 200 with the new session s and its cookie. */
static enum adv_err
answer_signed_in(struct req *r, const struct portal_session *s)
{
	enum adv_err rc;

	if ((rc = end_previous(r)) != ADV_OK)
		return rc;
	resp_header(r, "Set-Cookie", cookie_value(r, s->token));
	resp_header(r, "Cache-Control", "no-store");
	return resp_json(r, 200, portal_session_json(s));
}

static enum adv_err
post_link(struct req *r)
{
	struct portal_session s;
	unsigned retry = 0;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, link_fields, NELEM(link_fields), false)) != ADV_OK)
		return rc;
	if (req_db(r) == NULL)
		return ADV_EUNAVAIL;
	rc = portal_link_redeem(req_db(r), &r->arena, json_str(body, "token"), r->ip, &s, &retry);
	if (rc == ADV_ETHROTTLED)
		return answer_throttled(r, retry);
	if (rc == ADV_EUNAUTH)
		return answer_link_dead(r);
	if (rc != ADV_OK)
		return rc;
	return answer_signed_in(r, &s);
}

static enum adv_err
post_link_request(struct req *r)
{
	enum portal_lang lang;
	unsigned retry = 0;
	bool has_lang;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, link_request_fields, NELEM(link_request_fields),
				  false)) != ADV_OK)
		return rc;
	if (req_db(r) == NULL)
		return ADV_EUNAVAIL;
	has_lang = portal_lang_parse(json_str(body, "lang"), &lang);
	rc = portal_link_request(req_db(r), &r->arena, json_str(body, "workspace"),
				 json_str(body, "email"), has_lang ? &lang : NULL, r->ip, &retry,
				 &r->eb);
	if (rc == ADV_ETHROTTLED)
		return answer_throttled(r, retry);
	if (rc != ADV_OK)
		return rc;
	resp_header(r, "Cache-Control", "no-store");
	return resp_json(
	    r, 202,
	    json_pack("{s:s, s:i, s:s}", "status", "accepted", "link_lifetime_seconds",
		      PORTAL_LOGIN_LINK_SECONDS, "detail",
		      arena_printf(&r->arena, LINK_ASKED, PORTAL_LOGIN_LINK_SECONDS / 60)));
}

static enum adv_err
post_login(struct req *r)
{
	struct portal_session s;
	unsigned retry = 0;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, login_fields, NELEM(login_fields), false)) != ADV_OK)
		return rc;
	if (req_db(r) == NULL)
		return ADV_EUNAVAIL;
	rc =
	    portal_login(req_db(r), &r->arena, json_str(body, "workspace"), json_str(body, "email"),
			 json_str(body, "password"), r->ip, &s, &retry, &r->eb);
	if (rc == ADV_ETHROTTLED)
		return answer_throttled(r, retry);
	if (rc != ADV_OK)
		return rc;
	return answer_signed_in(r, &s);
}

static enum adv_err
post_logout(struct req *r)
{
	struct portal_session s;
	enum adv_err rc = portal_require(r, &s);

	/* Signing out without a live session only clears the cookie. */
	if (rc == ADV_EUNAUTH)
		rc = ADV_OK;
	else if (rc == ADV_OK)
		rc = portal_session_end(req_db(r), s.ws_id, s.id);
	if (rc != ADV_OK)
		return rc;
	adv_errbuf_clear(&r->eb);
	resp_header(r, "Set-Cookie", cookie_value(r, NULL));
	return resp_empty(r, 204);
}

static enum adv_err
get_me(struct req *r)
{
	struct portal_session s;
	enum adv_err rc;

	if ((rc = portal_require(r, &s)) != ADV_OK)
		return rc;
	resp_header(r, "Cache-Control", "no-store");
	return resp_json(r, 200, portal_session_json(&s));
}

static enum adv_err
put_password(struct req *r)
{
	struct portal_session s;
	json_t *body;
	enum adv_err rc;

	if ((rc = portal_require(r, &s)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, password_fields, NELEM(password_fields), false)) !=
		ADV_OK ||
	    (rc = portal_password_set(req_db(r), &s, json_str(body, "password"), &r->eb)) != ADV_OK)
		return rc;
	resp_header(r, "Cache-Control", "no-store");
	return resp_json(r, 200, portal_session_json(&s));
}

API_ROUTES_DEFINE(
    portal_auth, {HTTP_POST, "/api/v1/portal/auth/link", post_link, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_POST, PORTAL_LINK_REQUEST_PATH, post_link_request, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_POST, "/api/v1/portal/auth/login", post_login, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_POST, "/api/v1/portal/auth/logout", post_logout, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_GET, "/api/v1/portal/me", get_me, ACCESS_PUBLIC, ROLE_NONE, 0},
    {HTTP_PUT, "/api/v1/portal/password", put_password, ACCESS_PUBLIC, ROLE_NONE, 0}, );
