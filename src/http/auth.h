/*
 * auth.h — who is calling: the session cookie or an API bearer token, the
 * CSRF check for cookie-authenticated writes, and the caller's role in the
 * workspace a route names.
 */
#ifndef ADV_HTTP_AUTH_H
#define ADV_HTTP_AUTH_H

#include "http/http.h"

#define AUTH_COOKIE "advocate_session"

/*
 * Fills r->caller from the Authorization header or the session cookie. An
 * absent credential leaves the caller anonymous (ADV_OK); a bearer token that
 * is not valid is ADV_EUNAUTH; a stale cookie is treated as absent.
 */
enum adv_err auth_authenticate(struct req *r);

/* Refuses (ADV_EFORBIDDEN) a state-changing cookie request without the right X-CSRF-Token. */
enum adv_err auth_check_csrf(struct req *r);

/*
 * Resolves the {ws} parameter into r->ws: ADV_ENOTFOUND unless the caller is a
 * member (or admin); ADV_EFORBIDDEN when their role is below the route's.
 */
enum adv_err auth_workspace(struct req *r);

/* The Set-Cookie value that installs token (max_age seconds), in the arena. */
const char *auth_cookie_set(struct req *r, const char *token, unsigned max_age);

/* The Set-Cookie value that removes the session cookie, in the arena. */
const char *auth_cookie_clear(struct req *r);

#endif
