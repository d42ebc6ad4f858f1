/*
 * test_portal.c — client access to the portal over real HTTP
 * (docs/portal.md): a contact invited by staff (the link shown once, the
 * audit entry in the account's history), the link redeemed for a portal
 * session and /portal/me; a link that works once, also when redeemed twice
 * at the same moment; expired, replaced, unknown and malformed links
 * answered alike; revoking that ends a live session and unused links at
 * once; the password set (CSRF, length) and signing in with it; a wrong
 * password, an unknown e-mail and an unknown workspace answered alike;
 * rate limits per address and per e-mail (429 with Retry-After); portal and
 * staff sessions each refused where the other belongs; roles; another
 * workspace's contacts, accounts and portal users 404; bad bodies naming
 * their field; archived companies and contacts shut out; idle and absolute
 * session expiry. Requests name their client address in X-Forwarded-For
 * (the server trusts the loopback proxy) so that each test has addresses of
 * its own.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/portal.h"
#include "harness.h"
#include "util/clock.h"

#define WS	     "/api/v1/workspaces/acme"
#define WS_OTHER     "/api/v1/workspaces/other"
#define PU	     WS "/portal-users"
#define LINK	     "/api/v1/portal/auth/link"
#define LOGIN	     "/api/v1/portal/auth/login"
#define LOGOUT	     "/api/v1/portal/auth/logout"
#define ME	     "/api/v1/portal/me"
#define PASSWORD     "/api/v1/portal/password"
#define GOOD_PW	     "долгий пароль 42"
#define TEXT_MAX     512
#define HDRS_MAX     6
#define RACERS	     6
#define LINK_WORDING "ask your manager at the supplier for a new invitation"

static struct harness *h;

/* A portal session as a browser keeps it: the cookie line and the CSRF token. */
struct browser {
	char cookie[TEXT_MAX]; /* "Cookie: advocate_portal=…", or "" */
	char csrf[TEXT_MAX];   /* the token, or "" */
	char addr[32];	       /* the client address it sends from */
};

/* A client address of its own for each caller (10.1.x.y). */
static void
fresh_addr(char *out, size_t n)
{
	static int k;

	k++;
	snprintf(out, n, "10.1.%d.%d", k / 250, k % 250 + 1);
}

/* A path made by printf, in one of four static buffers. */
static const char *
pathf(const char *fmt, ...)
{
	static char bufs[4][TEXT_MAX];
	static unsigned next;
	char *out = bufs[next++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, TEXT_MAX, fmt, ap);
	va_end(ap);
	return out;
}

/*
 * Sends method path with body (JSON text or NULL) from browser b (its
 * address, cookie and, when csrf, its CSRF token), plus one extra header
 * line (or NULL); returns the status, the answer in *out.
 */
static long
send_b(const struct browser *b, const char *method, const char *path, const char *body, bool csrf,
       const char *extra, struct hresp *out)
{
	char xff[64], tok[TEXT_MAX + 32];
	const char *hdrs[HDRS_MAX] = {NULL};
	int k = 0;

	snprintf(xff, sizeof(xff), "X-Forwarded-For: %s", b->addr);
	hdrs[k++] = xff;
	if (b->cookie[0])
		hdrs[k++] = b->cookie;
	if (csrf && b->csrf[0]) {
		snprintf(tok, sizeof(tok), "X-CSRF-Token: %s", b->csrf);
		hdrs[k++] = tok;
	}
	if (extra != NULL)
		hdrs[k++] = extra;
	assert_int_equal(hreq(h, method, path, U__MAX, body ? "application/json" : NULL, body,
			      body ? strlen(body) : 0, hdrs, out),
			 0);
	return out->status;
}

/* send_b that forgets the answer: the status. */
static long
status_b(const struct browser *b, const char *method, const char *path, const char *body, bool csrf)
{
	struct hresp r;
	long s = send_b(b, method, path, body, csrf, NULL, &r);

	hresp_free(&r);
	return s;
}

/* A browser with no session, from a fresh address. */
static void
browser_new(struct browser *b)
{
	memset(b, 0, sizeof(*b));
	fresh_addr(b->addr, sizeof(b->addr));
}

/* The detail of a problem answer (static storage until the next call), or "". */
static const char *
detail(const struct hresp *r)
{
	static char buf[TEXT_MAX];
	const char *d = json_string_value(json_object_get(r->json, "detail"));

	snprintf(buf, sizeof(buf), "%s", d ? d : "");
	return buf;
}

/* Keeps the session a sign-in answer r installed in b: cookie attributes checked. */
static void
keep_session(struct browser *b, const struct hresp *r)
{
	char *set = hresp_header(r, "Set-Cookie");
	const char *csrf = json_string_value(json_object_get(r->json, "csrf_token"));

	assert_non_null(set);
	assert_true(strncmp(set, "advocate_portal=", 16) == 0);
	assert_non_null(strstr(set, "HttpOnly"));
	assert_non_null(strstr(set, "SameSite=Lax"));
	assert_non_null(strstr(set, "Path=/"));
	snprintf(b->cookie, sizeof(b->cookie), "Cookie: %.*s", (int)strcspn(set, ";"), set);
	free(set);
	assert_non_null(csrf);
	snprintf(b->csrf, sizeof(b->csrf), "%s", csrf);
}

/* POSTs body to path as user, expects 201 and returns the new object's id. */
static int64_t
create(const char *path, int user, const char *body)
{
	json_t *j = hcall(h, "POST", path, user, body, NULL, 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));

	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* A new account of workspace ws made by user. */
static int64_t
account(const char *ws, int user, const char *name)
{
	return create(pathf("/api/v1/workspaces/%s/accounts", ws), user,
		      pathf("{\"name\":\"%s\"}", name));
}

/* A new contact of account acc of workspace ws with e-mail email (NULL: none). */
static int64_t
contact(const char *ws, int64_t acc, const char *name, const char *email)
{
	return create(pathf("/api/v1/workspaces/%s/accounts/%lld/contacts", ws, (long long)acc),
		      U_OWNER,
		      email ? pathf("{\"name\":\"%s\",\"emails\":[\"%s\"]}", name, email)
			    : pathf("{\"name\":\"%s\"}", name));
}

/*
 * Invites contact cid of acme as user, expecting 201: the token of the link
 * (malloc'ed) and the portal user's id in *id (may be NULL).
 */
static char *
invite(int user, int64_t cid, const char *extra, int64_t *id)
{
	json_t *j =
	    hcall(h, "POST", PU, user,
		  pathf("{\"contact_id\":%lld%s}", (long long)cid, extra ? extra : ""), NULL, 201);
	const char *link = json_string_value(json_object_get(j, "link"));
	char *token;

	assert_non_null(link);
	assert_true(strncmp(link, PORTAL_LINK_PREFIX, strlen(PORTAL_LINK_PREFIX)) == 0);
	assert_int_equal(strlen(link + strlen(PORTAL_LINK_PREFIX)), PORTAL_TOKEN_LEN);
	assert_non_null(json_object_get(j, "link_expires_at"));
	token = strdup(link + strlen(PORTAL_LINK_PREFIX));
	if (id != NULL)
		*id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	return token;
}

/* Redeems token from browser b: the status; on 200 b keeps the session. */
static long
redeem(struct browser *b, const char *token, struct hresp *out)
{
	long s = send_b(b, "POST", LINK, pathf("{\"token\":\"%s\"}", token), false, NULL, out);

	if (s == 200)
		keep_session(b, out);
	return s;
}

/* Signs in from b with workspace, e-mail and password: the status; on 200 b keeps it. */
static long
login(struct browser *b, const char *ws, const char *email, const char *password, struct hresp *out)
{
	long s = send_b(b, "POST", LOGIN,
			pathf("{\"workspace\":\"%s\",\"email\":\"%s\",\"password\":\"%s\"}", ws,
			      email, password),
			false, NULL, out);

	if (s == 200)
		keep_session(b, out);
	return s;
}

/* An invited contact of a fresh account signed in by its link in *b; ids out. */
static void
signed_in(const char *company, const char *email, struct browser *b, int64_t *acc, int64_t *cid,
	  int64_t *pid)
{
	struct hresp r;
	char *token;

	*acc = account("acme", U_OWNER, company);
	*cid = contact("acme", *acc, "Иван Петров", email);
	token = invite(U_OWNER, *cid, NULL, pid);
	browser_new(b);
	assert_int_equal(redeem(b, token, &r), 200);
	hresp_free(&r);
	free(token);
}

/* Asserts that r is the one 401 answer of a link that does not work. */
static void
assert_link_dead(const struct hresp *r)
{
	assert_int_equal(r->status, 401);
	assert_non_null(strstr(detail(r), LINK_WORDING));
}

static void
test_invite_link_me(void **state)
{
	struct browser b;
	struct hresp r;
	int64_t acc, cid, pid;
	char *token, *loc;
	json_t *j, *items, *it;
	size_t i;
	bool audited = false;

	(void)state;
	acc = account("acme", U_OWNER, "Ромашка");
	cid = contact("acme", acc, "Ольга Смирнова", "Olga.Smirnova@Romashka.RU");
	assert_int_equal(hjson(h, "POST", PU, U_ANALYST,
			       pathf("{\"contact_id\":%lld,\"lang\":\"en\"}", (long long)cid), &r),
			 201);
	assert_string_equal(json_string_value(json_object_get(r.json, "email")),
			    "olga.smirnova@romashka.ru");
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "invited");
	assert_string_equal(json_string_value(json_object_get(r.json, "lang")), "en");
	assert_string_equal(json_string_value(json_object_get(r.json, "account_name")), "Ромашка");
	assert_false(json_boolean_value(json_object_get(r.json, "has_password")));
	pid = json_integer_value(json_object_get(r.json, "id"));
	loc = hresp_header(&r, "Location");
	assert_non_null(loc);
	assert_string_equal(loc, pathf(PU "/%lld", (long long)pid));
	free(loc);
	token =
	    strdup(json_string_value(json_object_get(r.json, "link")) + strlen(PORTAL_LINK_PREFIX));
	hresp_free(&r);

	/* The link is shown once: reading the user later has no link. */
	j = hcall(h, "GET", pathf(PU "/%lld", (long long)pid), U_VIEWER, NULL, NULL, 200);
	assert_null(json_object_get(j, "link"));
	json_decref(j);

	browser_new(&b);
	assert_int_equal(redeem(&b, token, &r), 200);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "person"), "name")),
	    "Ольга Смирнова");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "company"), "name")),
	    "Ромашка");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(r.json, "company"), "id")), acc);
	hresp_free(&r);
	assert_int_equal(send_b(&b, "GET", ME, NULL, false, NULL, &r), 200);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(r.json, "person"), "contact_id")),
	    cid);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "workspace"), "slug")),
	    "acme");
	assert_string_equal(json_string_value(json_object_get(r.json, "csrf_token")), b.csrf);
	hresp_free(&r);

	/* The link works once. */
	{
		struct browser b2;

		browser_new(&b2);
		redeem(&b2, token, &r);
		assert_link_dead(&r);
		hresp_free(&r);
	}

	/* Staff see the person active, in the list of the workspace and of the account. */
	j = hcall(h, "GET", pathf(PU "?account_id=%lld", (long long)acc), U_VIEWER, NULL, NULL,
		  200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "status")),
			    "active");
	assert_non_null(
	    json_string_value(json_object_get(json_array_get(items, 0), "last_login_at")));
	json_decref(j);
	j = hcall(h, "GET", PU "?limit=500", U_VIEWER, NULL, NULL, 200);
	assert_true(json_array_size(json_object_get(j, "items")) >= 1);
	json_decref(j);

	/* The invitation is in the account's history. */
	j = hcall(h, "GET", pathf(WS "/accounts/%lld/audit", (long long)acc), U_VIEWER, NULL, NULL,
		  200);
	json_array_foreach(json_object_get(j, "items"), i, it)
	{
		if (strcmp(json_string_value(json_object_get(it, "entity_type")), "portal_user") ==
			0 &&
		    strcmp(json_string_value(json_object_get(it, "action")), "invite") == 0)
			audited = true;
	}
	assert_true(audited);
	json_decref(j);
	free(token);
}

/* Redeems the same link from RACERS threads at once. */
struct racer {
	const char *token;
	long status;
	char addr[32];
};

static void *
race(void *arg)
{
	struct racer *x = arg;
	struct hresp r;
	char xff[64], body[128];
	const char *hdrs[] = {xff, NULL};

	snprintf(xff, sizeof(xff), "X-Forwarded-For: %s", x->addr);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", x->token);
	x->status = -1;
	if (hreq(h, "POST", LINK, U__MAX, "application/json", body, strlen(body), hdrs, &r) == 0) {
		x->status = r.status;
		hresp_free(&r);
	}
	return NULL;
}

static void
test_link_once_under_race(void **state)
{
	struct racer xs[RACERS];
	pthread_t t[RACERS];
	int64_t acc, cid;
	int ok = 0, dead = 0;
	char *token;

	(void)state;
	acc = account("acme", U_OWNER, "Гонка ссылок");
	cid = contact("acme", acc, "Пётр Гонщиков", "racer@example.ru");
	token = invite(U_OWNER, cid, NULL, NULL);
	for (int i = 0; i < RACERS; i++) {
		xs[i].token = token;
		fresh_addr(xs[i].addr, sizeof(xs[i].addr));
	}
	for (int i = 0; i < RACERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &xs[i]), 0);
	for (int i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < RACERS; i++) {
		ok += xs[i].status == 200;
		dead += xs[i].status == 401;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(dead, RACERS - 1);
	free(token);
}

static void
test_dead_links_alike(void **state)
{
	struct browser b;
	struct hresp r;
	int64_t acc, cid, pid, xpid;
	char *old, *fresh, *expired, *first = NULL;
	const char *tokens[4];

	(void)state;
	acc = account("acme", U_OWNER, "Мёртвые ссылки");
	cid = contact("acme", acc, "Анна Сроков", "anna@example.ru");
	/* Inviting again replaces the unused link. */
	old = invite(U_OWNER, cid, NULL, &pid);
	fresh = invite(U_OWNER, cid, NULL, NULL);
	/* An expired link: its row aged behind the server's back. */
	expired =
	    invite(U_OWNER, contact("acme", acc, "Олег Истёкший", "oleg@example.ru"), NULL, &xpid);
	{
		char sql[TEXT_MAX];

		snprintf(sql, sizeof(sql),
			 "UPDATE portal_links SET expires_at = '2001-01-01T00:00:00Z'"
			 " WHERE portal_user_id = %lld AND workspace_id = %lld",
			 (long long)xpid, (long long)h->ws_acme);
		assert_int_equal(harness_sql_exec(h, sql), 0);
	}
	tokens[0] = old;
	tokens[1] = expired;
	tokens[2] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"; /* unknown */
	tokens[3] = "short";					   /* malformed */
	for (int i = 0; i < 4; i++) {
		browser_new(&b);
		redeem(&b, tokens[i], &r);
		assert_link_dead(&r);
		if (first == NULL)
			first = strdup(detail(&r));
		else
			assert_string_equal(first, detail(&r));
		assert_null(hresp_header(&r, "Set-Cookie"));
		hresp_free(&r);
	}
	browser_new(&b);
	assert_int_equal(redeem(&b, fresh, &r), 200);
	hresp_free(&r);
	free(first);
	free(old);
	free(fresh);
	free(expired);
}

static void
test_revoke(void **state)
{
	struct browser b, b2;
	struct hresp r;
	int64_t acc, cid, pid, mine, mcid;
	char *unused, *again;
	json_t *j;

	(void)state;
	signed_in("Отзыв", "revoked@example.ru", &b, &acc, &cid, &pid);
	assert_int_equal(status_b(&b, "PUT", PASSWORD, "{\"password\":\"" GOOD_PW "\"}", true),
			 200);
	unused = invite(U_OWNER, cid, NULL, NULL); /* a second, unused link */
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 200);
	/* Roles: a viewer may not, a manager only for the accounts they own. */
	json_decref(
	    hcall(h, "DELETE", pathf(PU "/%lld", (long long)pid), U_VIEWER, NULL, NULL, 403));
	json_decref(
	    hcall(h, "DELETE", pathf(PU "/%lld", (long long)pid), U_MANAGER, NULL, NULL, 403));
	json_decref(hcall(h, "POST", PU, U_MANAGER, pathf("{\"contact_id\":%lld}", (long long)cid),
			  NULL, 403));
	json_decref(hcall(h, "POST", PU, U_VIEWER, pathf("{\"contact_id\":%lld}", (long long)cid),
			  NULL, 403));
	mine = account("acme", U_MANAGER, "Счёт менеджера");
	mcid = contact("acme", mine, "Клиент менеджера", "managed@example.ru");
	free(invite(U_MANAGER, mcid, NULL, NULL));

	/* Revoking ends the live session and the unused link at once. */
	json_decref(
	    hcall(h, "DELETE", pathf(PU "/%lld", (long long)pid), U_OWNER, NULL, NULL, 204));
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 401);
	browser_new(&b2);
	redeem(&b2, unused, &r);
	assert_link_dead(&r);
	hresp_free(&r);
	assert_int_equal(login(&b2, "acme", "revoked@example.ru", GOOD_PW, &r), 401);
	hresp_free(&r);
	j = hcall(h, "GET", pathf(PU "/%lld", (long long)pid), U_VIEWER, NULL, NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "revoked");
	json_decref(j);
	/* Revoked people are listed only on request. */
	j = hcall(h, "GET", pathf(PU "?account_id=%lld", (long long)acc), U_VIEWER, NULL, NULL,
		  200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
	j = hcall(h, "GET", pathf(PU "?account_id=%lld&include_revoked=true", (long long)acc),
		  U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	/* Revoking again changes nothing. */
	json_decref(
	    hcall(h, "DELETE", pathf(PU "/%lld", (long long)pid), U_OWNER, NULL, NULL, 204));

	/* Invited again: the same portal user, live, its old password forgotten. */
	again = invite(U_OWNER, cid, NULL, NULL);
	j = hcall(h, "GET", pathf(PU "/%lld", (long long)pid), U_VIEWER, NULL, NULL, 200);
	assert_null(json_string_value(json_object_get(j, "revoked_at")));
	assert_false(json_boolean_value(json_object_get(j, "has_password")));
	json_decref(j);
	assert_int_equal(login(&b2, "acme", "revoked@example.ru", GOOD_PW, &r), 401);
	hresp_free(&r);
	assert_int_equal(redeem(&b2, again, &r), 200);
	hresp_free(&r);
	free(again);
	free(unused);
}

static void
test_password_and_login(void **state)
{
	struct browser a, b, c;
	struct hresp r, r2;
	int64_t acc, cid, pid;
	json_t *j;

	(void)state;
	signed_in("Пароли", "Pw.User@Example.RU", &a, &acc, &cid, &pid);
	/* Writes need the session's CSRF token. */
	assert_int_equal(status_b(&a, "PUT", PASSWORD, "{\"password\":\"" GOOD_PW "\"}", false),
			 403);
	assert_int_equal(send_b(&a, "PUT", PASSWORD, "{\"password\":\"" GOOD_PW "\"}", false,
				"X-CSRF-Token: wrong", &r),
			 403);
	hresp_free(&r);
	assert_int_equal(send_b(&a, "PUT", PASSWORD, "{\"password\":\"короткий\"}", true, NULL, &r),
			 422);
	assert_true(hresp_has_pointer(&r, "/password"));
	hresp_free(&r);
	assert_int_equal(
	    send_b(&a, "PUT", PASSWORD, "{\"password\":\"" GOOD_PW "\"}", true, NULL, &r), 200);
	assert_true(
	    json_boolean_value(json_object_get(json_object_get(r.json, "person"), "has_password")));
	hresp_free(&r);
	j = hcall(h, "GET", pathf(PU "/%lld", (long long)pid), U_VIEWER, NULL, NULL, 200);
	assert_true(json_boolean_value(json_object_get(j, "has_password")));
	json_decref(j);

	/* Signing in with it (the e-mail in any case), twice: two sessions. */
	browser_new(&b);
	assert_int_equal(login(&b, "acme", "PW.USER@example.ru", GOOD_PW, &r), 200);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(r.json, "company"), "id")), acc);
	hresp_free(&r);
	browser_new(&c);
	assert_int_equal(login(&c, "acme", "pw.user@example.ru", GOOD_PW, &r), 200);
	hresp_free(&r);
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 200);
	assert_int_equal(status_b(&c, "GET", ME, NULL, false), 200);

	/* A wrong password, an unknown e-mail and an unknown workspace answer alike. */
	assert_int_equal(login(&b, "acme", "pw.user@example.ru", "не тот пароль", &r), 401);
	assert_int_equal(login(&b, "acme", "nobody@example.ru", GOOD_PW, &r2), 401);
	assert_string_equal(detail(&r), detail(&r2));
	hresp_free(&r2);
	assert_int_equal(login(&b, "no-such-ws", "pw.user@example.ru", GOOD_PW, &r2), 401);
	assert_string_equal(detail(&r), detail(&r2));
	hresp_free(&r2);
	assert_int_equal(login(&b, "other", "pw.user@example.ru", GOOD_PW, &r2), 401);
	assert_string_equal(detail(&r), detail(&r2));
	hresp_free(&r2);
	hresp_free(&r);

	/* Changing the password ends the person's other sessions. */
	assert_int_equal(status_b(&c, "PUT", PASSWORD, "{\"password\":\"новый пароль 43\"}", true),
			 200);
	assert_int_equal(status_b(&c, "GET", ME, NULL, false), 200);
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 401);
	assert_int_equal(status_b(&a, "GET", ME, NULL, false), 401);

	/* Signing out needs the CSRF token, ends the session and clears the cookie. */
	assert_int_equal(status_b(&c, "POST", LOGOUT, NULL, false), 403);
	assert_int_equal(send_b(&c, "POST", LOGOUT, NULL, true, NULL, &r), 204);
	{
		char *set = hresp_header(&r, "Set-Cookie");

		assert_non_null(set);
		assert_non_null(strstr(set, "Max-Age=0"));
		free(set);
	}
	hresp_free(&r);
	assert_int_equal(status_b(&c, "GET", ME, NULL, false), 401);
	assert_int_equal(status_b(&c, "POST", LOGOUT, NULL, true), 204);
}

static void
test_rate_limits(void **state)
{
	struct browser b;
	struct hresp r;
	char *retry;
	int64_t acc, cid, pid;

	(void)state;
	/* Per address, whatever the link. */
	browser_new(&b);
	for (int i = 0; i < PORTAL_RATE_PER_ADDRESS; i++) {
		redeem(&b, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", &r);
		assert_int_equal(r.status, 401);
		hresp_free(&r);
	}
	assert_int_equal(redeem(&b, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", &r), 429);
	retry = hresp_header(&r, "Retry-After");
	assert_non_null(retry);
	assert_true(atoi(retry) >= 1 && atoi(retry) <= PORTAL_RATE_WINDOW);
	free(retry);
	hresp_free(&r);
	/* The address is spent for password sign-ins too. */
	assert_int_equal(login(&b, "acme", "x@example.ru", "whatever-password", &r), 429);
	hresp_free(&r);

	/* Per workspace and e-mail, from many addresses. */
	signed_in("Перебор", "brute@example.ru", &b, &acc, &cid, &pid);
	assert_int_equal(status_b(&b, "PUT", PASSWORD, "{\"password\":\"" GOOD_PW "\"}", true),
			 200);
	for (int i = 0; i < PORTAL_RATE_PER_ACCOUNT; i++) {
		browser_new(&b);
		assert_int_equal(login(&b, "acme", "brute@example.ru", "guess-number-x", &r), 401);
		hresp_free(&r);
	}
	browser_new(&b);
	assert_int_equal(login(&b, "acme", "BRUTE@example.ru", GOOD_PW, &r), 429);
	retry = hresp_header(&r, "Retry-After");
	assert_non_null(retry);
	free(retry);
	hresp_free(&r);
}

static void
test_sessions_apart(void **state)
{
	struct browser p, s;
	struct hresp r;
	int64_t acc, cid, pid;
	char *set, line[TEXT_MAX];
	const char *hdrs[2] = {line, NULL};

	(void)state;
	signed_in("Раздельно", "apart@example.ru", &p, &acc, &cid, &pid);
	/* A portal session is no staff session. */
	assert_int_equal(status_b(&p, "GET", "/api/v1/me", NULL, false), 401);
	assert_int_equal(status_b(&p, "GET", WS "/accounts", NULL, false), 401);
	assert_int_equal(status_b(&p, "GET", PU, NULL, false), 401);
	/* …nor is its token when sent as the staff cookie. */
	snprintf(line, sizeof(line), "Cookie: advocate_session=%s",
		 p.cookie + strlen("Cookie: advocate_portal="));
	assert_int_equal(hreq(h, "GET", "/api/v1/me", U__MAX, NULL, NULL, 0, hdrs, &r), 0);
	assert_int_equal(r.status, 401);
	hresp_free(&r);

	/* A staff session is no portal session, nor is an API token. */
	browser_new(&s);
	assert_int_equal(send_b(&s, "POST", "/api/v1/auth/login",
				"{\"email\":\"owner@example.test\",\"password\":\"" HARNESS_PASSWORD
				"\"}",
				false, NULL, &r),
			 200);
	set = hresp_header(&r, "Set-Cookie");
	assert_non_null(set);
	snprintf(s.cookie, sizeof(s.cookie), "Cookie: %.*s", (int)strcspn(set, ";"), set);
	snprintf(s.csrf, sizeof(s.csrf), "%s",
		 json_string_value(json_object_get(r.json, "csrf_token")));
	free(set);
	hresp_free(&r);
	assert_int_equal(status_b(&s, "GET", "/api/v1/me", NULL, false), 200);
	assert_int_equal(status_b(&s, "GET", ME, NULL, false), 401);
	assert_int_equal(status_b(&s, "PUT", PASSWORD, "{\"password\":\"" GOOD_PW "\"}", true),
			 401);
	snprintf(line, sizeof(line), "Cookie: advocate_portal=%s",
		 s.cookie + strlen("Cookie: advocate_session="));
	assert_int_equal(hreq(h, "GET", ME, U__MAX, NULL, NULL, 0, hdrs, &r), 0);
	assert_int_equal(r.status, 401);
	hresp_free(&r);
	assert_int_equal(hreq(h, "GET", ME, U_OWNER, NULL, NULL, 0, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	hresp_free(&r);
	/* The portal session still works beside them. */
	assert_int_equal(status_b(&p, "GET", ME, NULL, false), 200);
}

static void
test_foreign_ids(void **state)
{
	int64_t oacc, ocid, opid, acc, cid;
	json_t *j;
	char *token;

	(void)state;
	oacc = account("other", U_OTHER, "Чужой клиент");
	ocid = create(pathf(WS_OTHER "/accounts/%lld/contacts", (long long)oacc), U_OTHER,
		      "{\"name\":\"Чужой\",\"emails\":[\"foreign@example.ru\"]}");
	j = hcall(h, "POST", WS_OTHER "/portal-users", U_OTHER,
		  pathf("{\"contact_id\":%lld}", (long long)ocid), NULL, 201);
	opid = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	/* Another workspace's contact, portal user and account: 404 from acme. */
	json_decref(hcall(h, "POST", PU, U_OWNER, pathf("{\"contact_id\":%lld}", (long long)ocid),
			  NULL, 404));
	json_decref(hcall(h, "POST", PU, U_OWNER, "{\"contact_id\":999999999}", NULL, 404));
	json_decref(hcall(h, "GET", pathf(PU "/%lld", (long long)opid), U_OWNER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "DELETE", pathf(PU "/%lld", (long long)opid), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", pathf(PU "?account_id=%lld", (long long)oacc), U_OWNER, NULL,
			  NULL, 404));
	/* Nobody of another workspace reaches acme's portal users. */
	json_decref(hcall(h, "GET", PU, U_OTHER, NULL, NULL, 404));
	/* The other workspace's person is still live there. */
	j = hcall(h, "GET", pathf(WS_OTHER "/portal-users/%lld", (long long)opid), U_OTHER, NULL,
		  NULL, 200);
	assert_null(json_string_value(json_object_get(j, "revoked_at")));
	json_decref(j);
	/* One e-mail address is one person of a workspace, but may be in two workspaces. */
	acc = account("acme", U_OWNER, "Тот же адрес");
	cid = contact("acme", acc, "Тёзка", "foreign@example.ru");
	token = invite(U_OWNER, cid, NULL, NULL);
	free(token);
	cid = contact("acme", acc, "Двойник", "foreign@example.ru");
	json_decref(hcall(h, "POST", PU, U_OWNER, pathf("{\"contact_id\":%lld}", (long long)cid),
			  NULL, 409));
}

/* Asserts that method path with body (as user, or from a fresh browser when user is U__MAX) answers
 * status naming pointer. */
static void
expect_field(const char *method, const char *path, int user, const char *body, long status,
	     const char *pointer)
{
	struct browser b;
	struct hresp r;

	if (user == U__MAX) {
		browser_new(&b);
		send_b(&b, method, path, body, false, NULL, &r);
	} else {
		hjson(h, method, path, user, body, &r);
	}
	if (r.status != status || (pointer && !hresp_has_pointer(&r, pointer)))
		fprintf(stderr, "# %s %s %s: expected %ld at %s, got %ld %s\n", method, path, body,
			status, pointer ? pointer : "-", r.status, r.body);
	assert_int_equal(r.status, status);
	if (pointer != NULL)
		assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
}

static void
test_bad_bodies(void **state)
{
	struct browser b;
	struct hresp r;
	int64_t acc, cid, pid, bare, gone;
	static const char bad_utf8[] = "{\"token\":\"\xff\xfe\"}";

	(void)state;
	acc = account("acme", U_OWNER, "Плохие тела");
	bare = contact("acme", acc, "Без почты", NULL);
	gone = contact("acme", acc, "Ушедший", "gone@example.ru");
	json_decref(hcall(h, "DELETE",
			  pathf(WS "/accounts/%lld/contacts/%lld", (long long)acc, (long long)gone),
			  U_OWNER, NULL, NULL, 204));
	expect_field("POST", PU, U_OWNER, "{}", 422, "/contact_id");
	expect_field("POST", PU, U_OWNER, "{\"contact_id\":\"7\"}", 422, "/contact_id");
	expect_field("POST", PU, U_OWNER, "{\"contact_id\":0}", 422, "/contact_id");
	expect_field("POST", PU, U_OWNER,
		     pathf("{\"contact_id\":%lld,\"extra\":1}", (long long)bare), 422, "/extra");
	expect_field("POST", PU, U_OWNER,
		     pathf("{\"contact_id\":%lld,\"lang\":\"de\"}", (long long)bare), 422, "/lang");
	expect_field("POST", PU, U_OWNER, pathf("{\"contact_id\":%lld}", (long long)bare), 422,
		     "/contact_id");
	expect_field("POST", PU, U_OWNER, pathf("{\"contact_id\":%lld}", (long long)gone), 422,
		     "/contact_id");
	expect_field("POST", PU, U_OWNER, "[1]", 422, NULL);
	expect_field("POST", PU, U_OWNER, "{\"contact_id\":", 400, NULL);
	expect_field("GET", PU "?account_id=x", U_OWNER, NULL, 422, "account_id");
	expect_field("GET", PU "?limit=0", U_OWNER, NULL, 422, "limit");
	expect_field("GET", PU "?cursor=nonsense", U_OWNER, NULL, 422, "cursor");

	expect_field("POST", LINK, U__MAX, "{}", 422, "/token");
	expect_field("POST", LINK, U__MAX, "{\"token\":5}", 422, "/token");
	expect_field("POST", LINK, U__MAX, "{\"token\":\"abc\",\"more\":true}", 422, "/more");
	expect_field("POST", LINK, U__MAX, "{\"token\":\"a\\u0000b\"}", 400, NULL);
	expect_field("POST", LINK, U__MAX, bad_utf8, 400, NULL);
	expect_field("POST", LOGIN, U__MAX, "{\"workspace\":\"acme\",\"email\":\"a@b.ru\"}", 422,
		     "/password");
	expect_field("POST", LOGIN, U__MAX,
		     "{\"workspace\":1,\"email\":\"a@b.ru\",\"password\":\"xxxxxxxxxxxx\"}", 422,
		     "/workspace");

	signed_in("Плохие тела 2", "bodies@example.ru", &b, &acc, &cid, &pid);
	assert_int_equal(send_b(&b, "PUT", PASSWORD, "{}", true, NULL, &r), 422);
	assert_true(hresp_has_pointer(&r, "/password"));
	hresp_free(&r);
	assert_int_equal(
	    send_b(&b, "PUT", PASSWORD, "{\"password\":\"" GOOD_PW "\",\"x\":1}", true, NULL, &r),
	    422);
	assert_true(hresp_has_pointer(&r, "/x"));
	hresp_free(&r);
	assert_int_equal(send_b(&b, "PUT", PASSWORD, "{\"password\":[]}", true, NULL, &r), 422);
	assert_true(hresp_has_pointer(&r, "/password"));
	hresp_free(&r);
}

static void
test_archived_shut_out(void **state)
{
	struct browser b, c;
	struct hresp r;
	int64_t acc, cid, pid, cid2;
	char *unused;

	(void)state;
	/* An archived company: sessions, passwords and links stop working. */
	signed_in("Архивная", "archived@example.ru", &b, &acc, &cid, &pid);
	assert_int_equal(status_b(&b, "PUT", PASSWORD, "{\"password\":\"" GOOD_PW "\"}", true),
			 200);
	cid2 = contact("acme", acc, "Второй архивный", "archived2@example.ru");
	unused = invite(U_OWNER, cid2, NULL, NULL);
	json_decref(hcall(h, "DELETE", pathf(WS "/accounts/%lld", (long long)acc), U_OWNER, NULL,
			  NULL, 204));
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 401);
	browser_new(&c);
	assert_int_equal(login(&c, "acme", "archived@example.ru", GOOD_PW, &r), 401);
	hresp_free(&r);
	redeem(&c, unused, &r);
	assert_link_dead(&r);
	hresp_free(&r);
	json_decref(hcall(h, "POST", PU, U_OWNER, pathf("{\"contact_id\":%lld}", (long long)cid),
			  NULL, 422));
	free(unused);

	/* An archived contact alike. */
	signed_in("Живая", "leaver@example.ru", &b, &acc, &cid, &pid);
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 200);
	json_decref(hcall(h, "DELETE",
			  pathf(WS "/accounts/%lld/contacts/%lld", (long long)acc, (long long)cid),
			  U_OWNER, NULL, NULL, 204));
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 401);
}

/* Sets column col of the portal sessions of person pid to the time offset seconds from now. */
static void
age_sessions(int64_t pid, const char *col, long offset)
{
	char at[CLOCK_TEXT_MAX], sql[TEXT_MAX];

	clock_now_plus(offset, at);
	snprintf(sql, sizeof(sql),
		 "UPDATE portal_sessions SET %s = '%s' WHERE portal_user_id = %lld"
		 " AND workspace_id = %lld",
		 col, at, (long long)pid, (long long)h->ws_acme);
	assert_int_equal(harness_sql_exec(h, sql), 0);
}

static void
test_session_expiry(void **state)
{
	struct browser b;
	struct hresp r;
	int64_t acc, cid, pid;
	char *token;

	(void)state;
	/* Idle: a session unused for less than the idle limit lives on, beyond it ends. */
	signed_in("Сроки", "expiry@example.ru", &b, &acc, &cid, &pid);
	age_sessions(pid, "last_seen_at", -(PORTAL_SESSION_IDLE_SECONDS - 3600));
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 200);
	/* That request noted the session as seen now: a row still seen long ago would end here. */
	{
		char before[CLOCK_TEXT_MAX], sql[TEXT_MAX];

		clock_now_plus(-3600, before);
		snprintf(sql, sizeof(sql),
			 "UPDATE portal_sessions SET revoked_at = '2001-01-01T00:00:00Z'"
			 " WHERE portal_user_id = %lld AND workspace_id = %lld"
			 " AND last_seen_at < '%s'",
			 (long long)pid, (long long)h->ws_acme, before);
		assert_int_equal(harness_sql_exec(h, sql), 0);
	}
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 200);
	age_sessions(pid, "last_seen_at", -(PORTAL_SESSION_IDLE_SECONDS + 60));
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 401);
	/* Absolute: a session in use still ends at its expiry. */
	token = invite(U_OWNER, cid, NULL, NULL);
	browser_new(&b);
	assert_int_equal(redeem(&b, token, &r), 200);
	hresp_free(&r);
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 200);
	age_sessions(pid, "expires_at", -1);
	assert_int_equal(status_b(&b, "GET", ME, NULL, false), 401);
	free(token);
}

static int
setup(void **state)
{
	(void)state;
	h = harness_start_proxy("127.0.0.1");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	harness_stop(h);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_invite_link_me),     cmocka_unit_test(test_link_once_under_race),
	    cmocka_unit_test(test_dead_links_alike),   cmocka_unit_test(test_revoke),
	    cmocka_unit_test(test_password_and_login), cmocka_unit_test(test_rate_limits),
	    cmocka_unit_test(test_sessions_apart),     cmocka_unit_test(test_foreign_ids),
	    cmocka_unit_test(test_bad_bodies),	       cmocka_unit_test(test_archived_shut_out),
	    cmocka_unit_test(test_session_expiry),
	};

	return cmocka_run_group_tests_name(harness_engine(), tests, setup, teardown);
}
