/*
 * portal_auth.h — who is calling a portal route (/api/v1/portal/…): the
 * portal session of the advocate_portal cookie, apart from staff sessions
 * (a staff cookie or API token is never accepted here, and the portal
 * cookie never on staff routes), and the CSRF check of its writes. Portal
 * routes are public routes of the route table that call portal_require
 * themselves.
 */
#ifndef ADV_API_PORTAL_AUTH_H
#define ADV_API_PORTAL_AUTH_H

#include "core/portal.h"
#include "http/http.h"

#define PORTAL_COOKIE "advocate_portal"

/* Where a person asks for a sign-in link by e-mail (named by the 401 of a dead link). */
#define PORTAL_LINK_REQUEST_PATH "/api/v1/portal/auth/link-request"

/*
 * Authenticates the portal cookie of r into *out (strings owned by r's
 * arena): the session's id, workspace (ws_id, ws_slug, ws_name), company
 * (account_id, account_name), person (portal_user_id, contact_id, name,
 * email, lang, has_password), csrf_token and expires_at; token is NULL.
 * A request whose method changes state (anything but GET, HEAD, OPTIONS)
 * must carry the session's X-CSRF-Token header. Errors, with the detail in
 * r->eb: ADV_EUNAUTH when the cookie is absent, malformed, unknown,
 * expired, revoked, or its person or company no longer has access;
 * ADV_EFORBIDDEN for a write without the right X-CSRF-Token; ADV_EUNAVAIL
 * and database errors.
 */
enum adv_err portal_require(struct req *r, struct portal_session *out);

#endif
