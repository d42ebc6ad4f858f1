/*
 * test_portal_links.c — sign-in links by e-mail over real HTTP
 * (docs/portal.md, "Signing in"): POST /api/v1/portal/auth/link-request
 * answers the same 202 for a live person, an unknown e-mail or workspace, a
 * revoked person, an archived contact or company and a person of another
 * workspace, and queues exactly one message (read back from mail_outbox)
 * only for the live one, in their language or the one asked for, with the
 * full link and its lifetime; the mailed link signs in once, replaces the
 * earlier unused login link but not the invitation, works at 29 minutes
 * and not at 30; a dead link's 401 names the route to ask for a new one;
 * rate limits per address (shared with the other sign-ins) and per
 * workspace and e-mail answer 429 with Retry-After alike for everyone;
 * bad bodies name their field; staff invitations e-mailed on request
 * (send_email), in the person's language, and refused at /send_email for a
 * contact without a usable address with nothing written. Requests name
 * their client address in X-Forwarded-For (the server trusts the loopback
 * proxy) so that each test has addresses of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "api/portal_auth.h"
#include "core/portal.h"
#include "core/public_url.h"
#include "harness.h"
#include "util/clock.h"

#define WS	   "/api/v1/workspaces/acme"
#define PU	   WS "/portal-users"
#define LINK	   "/api/v1/portal/auth/link"
#define ASK	   PORTAL_LINK_REQUEST_PATH
#define ME	   "/api/v1/portal/me"
#define PUBLIC	   "https://cx.example.test"
#define MAIL_LINK  PUBLIC "/portal/?ws=acme#/link/"
#define TEXT_MAX   512
#define HDRS_MAX   4
#define TOKEN_SIZE (PORTAL_TOKEN_LEN + 1)

static struct harness *h;

/* A client as the tests drive it: the address it sends from and its portal cookie. */
struct browser {
	char addr[32];
	char cookie[TEXT_MAX]; /* "Cookie: advocate_portal=…", or "" */
};

/* A message of mail_outbox, its texts malloc'ed (mail_free). */
struct mail {
	int64_t id, ws_id;
	char *to, *subject, *body;
};

/* A client address of its own for each caller (10.2.x.y). */
static void
fresh_addr(char *out, size_t n)
{
	static int k;

	k++;
	snprintf(out, n, "10.2.%d.%d", k / 250, k % 250 + 1);
}

/* A client with no session, from a fresh address. */
static void
browser_new(struct browser *b)
{
	memset(b, 0, sizeof(*b));
	fresh_addr(b->addr, sizeof(b->addr));
}

/* A path or body made by printf, in one of four static buffers. */
static const char *
textf(const char *fmt, ...)
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

/* Sends method path with body (JSON text or NULL) from b; the status, the answer in *out. */
static long
send_b(struct browser *b, const char *method, const char *path, const char *body, struct hresp *out)
{
	char xff[64];
	const char *hdrs[HDRS_MAX] = {xff, NULL};

	snprintf(xff, sizeof(xff), "X-Forwarded-For: %s", b->addr);
	if (b->cookie[0])
		hdrs[1] = b->cookie;
	assert_int_equal(hreq(h, method, path, U__MAX, body ? "application/json" : NULL, body,
			      body ? strlen(body) : 0, hdrs, out),
			 0);
	return out->status;
}

/* Asks for a link for e-mail of workspace ws (extra: more members, or "") from b. */
static long
ask(struct browser *b, const char *ws, const char *email, const char *extra, struct hresp *out)
{
	return send_b(b, "POST", ASK,
		      textf("{\"workspace\":\"%s\",\"email\":\"%s\"%s}", ws, email, extra), out);
}

/* ask from a fresh address, expecting 202; the answer's body (malloc'ed). */
static char *
ask_fresh(const char *ws, const char *email, const char *extra)
{
	struct browser b;
	struct hresp r;
	char *body;

	browser_new(&b);
	if (ask(&b, ws, email, extra, &r) != 202)
		fprintf(stderr, "# %s %s: %ld %s\n", ws, email, r.status, r.body);
	assert_int_equal(r.status, 202);
	body = strdup(r.body);
	hresp_free(&r);
	return body;
}

/* Redeems token from b: the status; on 200 b keeps the session cookie. */
static long
redeem(struct browser *b, const char *token, struct hresp *out)
{
	long s = send_b(b, "POST", LINK, textf("{\"token\":\"%s\"}", token), out);
	char *set;

	if (s == 200) {
		set = hresp_header(out, "Set-Cookie");
		assert_non_null(set);
		snprintf(b->cookie, sizeof(b->cookie), "Cookie: %.*s", (int)strcspn(set, ";"), set);
		free(set);
	}
	return s;
}

/* redeem from a fresh browser, forgetting the answer: the status. */
static long
redeem_status(const char *token)
{
	struct browser b;
	struct hresp r;
	long s;

	browser_new(&b);
	s = redeem(&b, token, &r);
	hresp_free(&r);
	return s;
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
	return create(textf("/api/v1/workspaces/%s/accounts", ws), user,
		      textf("{\"name\":\"%s\"}", name));
}

/* A new contact of account acc of workspace ws with e-mail email (NULL: none). */
static int64_t
contact(const char *ws, int user, int64_t acc, const char *name, const char *email)
{
	return create(textf("/api/v1/workspaces/%s/accounts/%lld/contacts", ws, (long long)acc),
		      user,
		      email ? textf("{\"name\":\"%s\",\"emails\":[\"%s\"]}", name, email)
			    : textf("{\"name\":\"%s\"}", name));
}

/* Invites contact cid of workspace ws as user with extra members; the portal user's id. */
static int64_t
invite(const char *ws, int user, int64_t cid, const char *extra)
{
	return create(textf("/api/v1/workspaces/%s/portal-users", ws), user,
		      textf("{\"contact_id\":%lld%s}", (long long)cid, extra));
}

/* A live person of a fresh acme account with e-mail email (lang: "" or ",\"lang\":…"). */
static int64_t
person(const char *company, const char *name, const char *email, const char *lang)
{
	int64_t acc = account("acme", U_OWNER, company);

	return invite("acme", U_OWNER, contact("acme", U_OWNER, acc, name, email), lang);
}

/* A copy of column i of st's row (NULL for NULL). */
static char *
col_dup(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? NULL : strdup(db_col_text(st, i));
}

/* How many messages mail_outbox holds. */
static int64_t
mail_count(void)
{
	static struct db_sql sql = DB_SQL("SELECT COUNT(*) FROM mail_outbox");
	struct db_conn *c;
	struct db_stmt *st;
	int64_t n = -1;
	bool row = false;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	assert_int_equal(db_step(st, &row), ADV_OK);
	assert_true(row);
	n = db_col_int(st, 0);
	db_done(st);
	db_release(h->db, c);
	return n;
}

/* The newest message of mail_outbox into *m. */
static void
mail_last(struct mail *m)
{
	static struct db_sql sql = DB_SQL("SELECT id, workspace_id, to_addr, subject, body"
					  " FROM mail_outbox ORDER BY id DESC LIMIT 1");
	struct db_conn *c;
	struct db_stmt *st;
	bool row = false;

	memset(m, 0, sizeof(*m));
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	assert_int_equal(db_step(st, &row), ADV_OK);
	assert_true(row);
	m->id = db_col_int(st, 0);
	m->ws_id = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
	m->to = col_dup(st, 2);
	m->subject = col_dup(st, 3);
	m->body = col_dup(st, 4);
	db_done(st);
	db_release(h->db, c);
}

/* Frees the texts of *m. */
static void
mail_free(struct mail *m)
{
	free(m->to);
	free(m->subject);
	free(m->body);
}

/* The token of the link after prefix in text into out; asserts there is one. */
static void
token_in(const char *text, const char *prefix, char out[TOKEN_SIZE])
{
	const char *p = strstr(text, prefix);

	if (p == NULL)
		fprintf(stderr, "# no %s in:\n%s\n", prefix, text);
	assert_non_null(p);
	p += strlen(prefix);
	assert_true(strlen(p) >= PORTAL_TOKEN_LEN);
	memcpy(out, p, PORTAL_TOKEN_LEN);
	out[PORTAL_TOKEN_LEN] = '\0';
	/* The URL ends with the token: a line break follows. */
	assert_true(p[PORTAL_TOKEN_LEN] == '\n');
}

/* Asks for a link for email and expects one more message: its token into out, the mail in *m. */
static void
ask_mailed(const char *email, const char *extra, char out[TOKEN_SIZE], struct mail *m)
{
	int64_t before = mail_count();

	free(ask_fresh("acme", email, extra));
	assert_int_equal(mail_count(), before + 1);
	mail_last(m);
	token_in(m->body, MAIL_LINK, out);
}

/* Sets expires_at of the newest link of portal user pid to now plus offset seconds. */
static void
age_last_link(int64_t pid, long offset)
{
	char at[CLOCK_TEXT_MAX], sql[TEXT_MAX];

	clock_now_plus(offset, at);
	snprintf(sql, sizeof(sql),
		 "UPDATE portal_links SET expires_at = '%s' WHERE workspace_id = %lld AND id ="
		 " (SELECT MAX(id) FROM portal_links WHERE portal_user_id = %lld)",
		 at, (long long)h->ws_acme, (long long)pid);
	assert_int_equal(harness_sql_exec(h, sql), 0);
}

/* The purpose and lifetime in seconds of the newest link of portal user pid. */
static void
last_link(int64_t pid, char purpose[16], long *lifetime)
{
	static struct db_sql sql =
	    DB_SQL("SELECT purpose, created_at, expires_at FROM portal_links"
		   " WHERE workspace_id = ?1 AND portal_user_id = ?2 ORDER BY id DESC LIMIT 1");
	struct db_conn *c;
	struct db_stmt *st;
	time_t from, until;
	bool row = false;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	db_bind_int(st, 1, h->ws_acme);
	db_bind_int(st, 2, pid);
	assert_int_equal(db_step(st, &row), ADV_OK);
	assert_true(row);
	snprintf(purpose, 16, "%s", db_col_text(st, 0));
	assert_true(clock_parse(db_col_text(st, 1), &from));
	assert_true(clock_parse(db_col_text(st, 2), &until));
	*lifetime = (long)(until - from);
	db_done(st);
	db_release(h->db, c);
}

/* Asserts that method path with body from a fresh address answers status naming pointer. */
static void
expect_field(const char *body, long status, const char *pointer)
{
	struct browser b;
	struct hresp r;

	browser_new(&b);
	send_b(&b, "POST", ASK, body, &r);
	if (r.status != status || (pointer && !hresp_has_pointer(&r, pointer)))
		fprintf(stderr, "# %s: expected %ld at %s, got %ld %s\n", body, status,
			pointer ? pointer : "-", r.status, r.body);
	assert_int_equal(r.status, status);
	if (pointer != NULL)
		assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
}

static void
test_answers_alike(void **state)
{
	struct mail m;
	int64_t acc, cid, opid, before;
	char *first, *body, token[TOKEN_SIZE];
	const char *quiet[][2] = {
	    {"acme", "nobody.at.all@example.ru"},	 /* unknown e-mail */
	    {"no-such-ws", "maria.pochtova@example.ru"}, /* unknown workspace */
	    {"acme", "revoked.links@example.ru"},	 /* revoked person */
	    {"acme", "left.links@example.ru"},		 /* archived contact */
	    {"acme", "closed.links@example.ru"},	 /* archived company */
	    {"acme", "elsewhere.links@example.ru"},	 /* a person of another workspace */
	    {"acme", "пётр@пример.рф"},			 /* a person mail cannot reach */
	};

	(void)state;
	person("Почтовая", "Мария Почтова", "Maria.Pochtova@Example.RU", "");
	json_decref(hcall(h, "DELETE",
			  textf(PU "/%lld", (long long)person("Отозванная", "Отозванный",
							      "revoked.links@example.ru", "")),
			  U_OWNER, NULL, NULL, 204));
	acc = account("acme", U_OWNER, "Ушедший контакт");
	cid = contact("acme", U_OWNER, acc, "Ушедший", "left.links@example.ru");
	invite("acme", U_OWNER, cid, "");
	json_decref(hcall(h, "DELETE",
			  textf(WS "/accounts/%lld/contacts/%lld", (long long)acc, (long long)cid),
			  U_OWNER, NULL, NULL, 204));
	acc = account("acme", U_OWNER, "Закрытая компания");
	invite("acme", U_OWNER,
	       contact("acme", U_OWNER, acc, "Закрытый", "closed.links@example.ru"), "");
	json_decref(hcall(h, "DELETE", textf(WS "/accounts/%lld", (long long)acc), U_OWNER, NULL,
			  NULL, 204));
	acc = account("other", U_OTHER, "Чужая");
	opid = invite("other", U_OTHER,
		      contact("other", U_OTHER, acc, "Чужой", "elsewhere.links@example.ru"), "");
	assert_true(opid > 0);
	person("Без почты", "Пётр", "пётр@пример.рф", "");

	/* The live person, the address in another case: one message. */
	before = mail_count();
	first = ask_fresh("acme", "MARIA.POCHTOVA@example.ru", "");
	assert_int_equal(mail_count(), before + 1);
	mail_last(&m);
	assert_string_equal(m.to, "maria.pochtova@example.ru");
	assert_int_equal(m.ws_id, h->ws_acme);
	assert_non_null(strstr(m.subject, "Ссылка для входа"));
	assert_non_null(strstr(m.body, "Здравствуйте, Мария Почтова!"));
	assert_non_null(strstr(m.body, "действует 30 минут (до "));
	assert_non_null(strstr(m.body, "Прислать новую ссылку"));
	token_in(m.body, MAIL_LINK, token);
	mail_free(&m);

	/* Everyone else: the same answer, byte for byte, and no message. */
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		before = mail_count();
		body = ask_fresh(quiet[i][0], quiet[i][1], "");
		assert_string_equal(body, first);
		assert_int_equal(mail_count(), before);
		free(body);
	}
	/* The other workspace's person is live there. */
	before = mail_count();
	free(ask_fresh("other", "elsewhere.links@example.ru", ""));
	assert_int_equal(mail_count(), before + 1);
	mail_last(&m);
	assert_non_null(strstr(m.body, PUBLIC "/portal/?ws=other#/link/"));
	mail_free(&m);
	{
		json_t *j = json_loads(first, 0, NULL);

		assert_non_null(j);
		assert_string_equal(json_string_value(json_object_get(j, "status")), "accepted");
		assert_int_equal(json_integer_value(json_object_get(j, "link_lifetime_seconds")),
				 PORTAL_LOGIN_LINK_SECONDS);
		json_decref(j);
	}
	free(first);
}

static void
test_language(void **state)
{
	struct mail m;
	char token[TOKEN_SIZE];

	(void)state;
	/* A person invited in English gets English; Russian when the page asks for it. */
	person("Английская", "John Smith", "john.smith@example.com", ",\"lang\":\"en\"");
	ask_mailed("john.smith@example.com", "", token, &m);
	assert_non_null(strstr(m.subject, "Your sign-in link"));
	assert_non_null(strstr(m.body, "Hello, John Smith,"));
	assert_non_null(strstr(m.body, "works once, for 30 minutes (until "));
	assert_non_null(strstr(m.body, "Send me a new link"));
	mail_free(&m);
	ask_mailed("john.smith@example.com", ",\"lang\":\"ru\"", token, &m);
	assert_non_null(strstr(m.body, "действует 30 минут"));
	mail_free(&m);
	/* A Russian person asking from an English page. */
	person("Русская", "Анна Русская", "anna.russkaya@example.ru", "");
	ask_mailed("anna.russkaya@example.ru", ",\"lang\":\"en\"", token, &m);
	assert_non_null(strstr(m.body, "for 30 minutes"));
	mail_free(&m);
}

static void
test_mailed_link(void **state)
{
	struct browser b;
	struct hresp r;
	struct mail m;
	char t1[TOKEN_SIZE], t2[TOKEN_SIZE], t3[TOKEN_SIZE], t4[TOKEN_SIZE], purpose[16];
	long lifetime = 0;
	int64_t pid;

	(void)state;
	pid = person("Однократная", "Ольга Однократная", "once.links@example.ru", "");
	ask_mailed("once.links@example.ru", "", t1, &m);
	mail_free(&m);
	last_link(pid, purpose, &lifetime);
	assert_string_equal(purpose, "login");
	assert_int_equal(lifetime, PORTAL_LOGIN_LINK_SECONDS);

	/* It signs in, once. */
	browser_new(&b);
	assert_int_equal(redeem(&b, t1, &r), 200);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "person"), "email")),
	    "once.links@example.ru");
	hresp_free(&r);
	assert_int_equal(send_b(&b, "GET", ME, NULL, &r), 200);
	hresp_free(&r);
	assert_int_equal(redeem_status(t1), 401);

	/* A newer link replaces an unused one. */
	ask_mailed("once.links@example.ru", "", t2, &m);
	mail_free(&m);
	ask_mailed("once.links@example.ru", "", t3, &m);
	mail_free(&m);
	assert_int_equal(redeem_status(t2), 401);
	/* At 29 minutes it still works… */
	age_last_link(pid, 60);
	assert_int_equal(redeem_status(t3), 200);
	/* …at 30 it does not. */
	ask_mailed("once.links@example.ru", "", t4, &m);
	mail_free(&m);
	age_last_link(pid, -1);
	assert_int_equal(redeem_status(t4), 401);
}

static void
test_invitation_stays(void **state)
{
	struct mail m;
	char token[TOKEN_SIZE], login[TOKEN_SIZE];
	json_t *j;
	int64_t acc, cid;

	(void)state;
	acc = account("acme", U_OWNER, "Приглашённая");
	cid = contact("acme", U_OWNER, acc, "Ирина Приглашённая", "invited.links@example.ru");
	j = hcall(h, "POST", PU, U_OWNER, textf("{\"contact_id\":%lld}", (long long)cid), NULL,
		  201);
	snprintf(token, sizeof(token), "%s",
		 json_string_value(json_object_get(j, "link")) + strlen(PORTAL_LINK_PREFIX));
	json_decref(j);
	/* A login link asked for meanwhile leaves the invitation link good, and both work. */
	ask_mailed("invited.links@example.ru", "", login, &m);
	mail_free(&m);
	assert_int_equal(redeem_status(token), 200);
	assert_int_equal(redeem_status(login), 200);
}

static void
test_dead_link_points_to_request(void **state)
{
	struct browser b;
	struct hresp r;
	const char *tokens[] = {"CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "short"};
	const char *detail;
	char *first = NULL;

	(void)state;
	/* An unknown and a malformed link (used, expired and replaced ones: above and test_portal).
	 */
	for (size_t i = 0; i < 2; i++) {
		browser_new(&b);
		assert_int_equal(redeem(&b, tokens[i], &r), 401);
		assert_string_equal(json_string_value(json_object_get(r.json, "request_link")),
				    "/api/v1/portal/auth/link-request");
		detail = json_string_value(json_object_get(r.json, "detail"));
		assert_non_null(detail);
		assert_non_null(strstr(detail, "Send me a new link"));
		assert_non_null(strstr(detail, "request_link"));
		assert_non_null(
		    strstr(detail, "ask your manager at the supplier for a new invitation"));
		if (first == NULL)
			first = strdup(detail);
		else
			assert_string_equal(first, detail);
		hresp_free(&r);
	}
	free(first);
}

static void
test_rate_limits(void **state)
{
	struct browser b;
	struct hresp r;
	char *retry;
	int64_t before;
	/* Each address in two cases: they count as one. */
	const char *who[][2] = {{"brute.links@example.ru", "Brute.Links@Example.RU"},
				{"nobody.brute@example.ru", "NOBODY.brute@example.ru"}};

	(void)state;
	/* Per address, shared with the other sign-ins, whatever the e-mail. */
	browser_new(&b);
	for (int i = 0; i < PORTAL_RATE_PER_ADDRESS; i++) {
		assert_int_equal(ask(&b, "acme", textf("many%d@example.ru", i), "", &r), 202);
		hresp_free(&r);
	}
	assert_int_equal(ask(&b, "acme", "one.more@example.ru", "", &r), 429);
	retry = hresp_header(&r, "Retry-After");
	assert_non_null(retry);
	assert_true(atoi(retry) >= 1 && atoi(retry) <= PORTAL_RATE_WINDOW);
	free(retry);
	hresp_free(&r);
	assert_int_equal(redeem(&b, "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", &r), 429);
	hresp_free(&r);

	/* Per workspace and e-mail from any address: alike for a live person and nobody. */
	person("Перебор ссылок", "Борис", "brute.links@example.ru", "");
	for (size_t k = 0; k < 2; k++) {
		before = mail_count();
		for (int i = 0; i < PORTAL_RATE_LINK_REQUESTS; i++)
			free(ask_fresh("acme", who[k][i % 2], ""));
		assert_int_equal(mail_count(), before + (k == 0 ? PORTAL_RATE_LINK_REQUESTS : 0));
		browser_new(&b);
		assert_int_equal(ask(&b, "acme", who[k][0], "", &r), 429);
		retry = hresp_header(&r, "Retry-After");
		assert_non_null(retry);
		assert_true(atoi(retry) >= 1 && atoi(retry) <= PORTAL_RATE_WINDOW);
		free(retry);
		hresp_free(&r);
		assert_int_equal(mail_count(), before + (k == 0 ? PORTAL_RATE_LINK_REQUESTS : 0));
	}
}

static void
test_bad_bodies(void **state)
{
	static const char bad_utf8[] = "{\"workspace\":\"acme\",\"email\":\"\xff\xfe@example.ru\"}";

	(void)state;
	expect_field("{}", 422, "/workspace");
	expect_field("{}", 422, "/email");
	expect_field("{\"workspace\":\"acme\"}", 422, "/email");
	expect_field("{\"workspace\":\"acme\",\"email\":5}", 422, "/email");
	expect_field("{\"workspace\":\"acme\",\"email\":\"not an address\"}", 422, "/email");
	expect_field("{\"workspace\":\"ACME!\",\"email\":\"a@example.ru\"}", 422, "/workspace");
	expect_field("{\"workspace\":[],\"email\":\"a@example.ru\"}", 422, "/workspace");
	expect_field("{\"workspace\":\"acme\",\"email\":\"a@example.ru\",\"lang\":\"de\"}", 422,
		     "/lang");
	expect_field("{\"workspace\":\"acme\",\"email\":\"a@example.ru\",\"password\":\"x\"}", 422,
		     "/password");
	expect_field("[1]", 422, NULL);
	expect_field("{\"workspace\":", 400, NULL);
	expect_field(bad_utf8, 400, NULL);
}

static void
test_invite_send_email(void **state)
{
	struct hresp r;
	struct mail m;
	char token[TOKEN_SIZE];
	int64_t acc, cid, before, mine;
	json_t *j;

	(void)state;
	acc = account("acme", U_OWNER, "Приглашение письмом");
	/* Russian by default: the mail carries the answer's link, 7 days. */
	cid = contact("acme", U_OWNER, acc, "Вера Письмова", "Vera.Pismova@example.ru");
	before = mail_count();
	j = hcall(h, "POST", PU, U_ANALYST,
		  textf("{\"contact_id\":%lld,\"send_email\":true}", (long long)cid), NULL, 201);
	assert_true(json_is_true(json_object_get(j, "email_queued")));
	assert_int_equal(mail_count(), before + 1);
	mail_last(&m);
	assert_string_equal(m.to, "vera.pismova@example.ru");
	assert_int_equal(m.ws_id, h->ws_acme);
	assert_non_null(strstr(m.subject, "Приглашение в окно диалога"));
	assert_non_null(strstr(m.body, "Здравствуйте, Вера Письмова!"));
	assert_non_null(strstr(m.body, "действует 7 дней (до "));
	token_in(m.body, MAIL_LINK, token);
	assert_string_equal(token, json_string_value(json_object_get(j, "link")) +
				       strlen(PORTAL_LINK_PREFIX));
	mail_free(&m);
	json_decref(j);
	assert_int_equal(redeem_status(token), 200);

	/* In English when staff say so. */
	cid = contact("acme", U_OWNER, acc, "Victor Mailer", "victor.mailer@example.com");
	j = hcall(
	    h, "POST", PU, U_OWNER,
	    textf("{\"contact_id\":%lld,\"lang\":\"en\",\"send_email\":true}", (long long)cid),
	    NULL, 201);
	json_decref(j);
	mail_last(&m);
	assert_non_null(strstr(m.subject, "Invitation to the dialog window"));
	assert_non_null(strstr(m.body, "works once, for 7 days (until "));
	mail_free(&m);

	/* Without send_email (or false) nothing is mailed and the answer says so. */
	before = mail_count();
	j = hcall(h, "POST", PU, U_OWNER,
		  textf("{\"contact_id\":%lld,\"send_email\":false}", (long long)cid), NULL, 201);
	assert_true(json_is_false(json_object_get(j, "email_queued")));
	json_decref(j);
	j = hcall(h, "POST", PU, U_OWNER, textf("{\"contact_id\":%lld}", (long long)cid), NULL,
		  201);
	assert_true(json_is_false(json_object_get(j, "email_queued")));
	json_decref(j);
	assert_int_equal(mail_count(), before);

	/* No address, or one mail cannot reach: 422 at /send_email, nothing written. */
	cid = contact("acme", U_OWNER, acc, "Без адреса", NULL);
	assert_int_equal(hjson(h, "POST", PU, U_OWNER,
			       textf("{\"contact_id\":%lld,\"send_email\":true}", (long long)cid),
			       &r),
			 422);
	assert_true(hresp_has_pointer(&r, "/send_email"));
	hresp_free(&r);
	cid = contact("acme", U_OWNER, acc, "Юникод", "юникод@пример.рф");
	assert_int_equal(hjson(h, "POST", PU, U_OWNER,
			       textf("{\"contact_id\":%lld,\"send_email\":true}", (long long)cid),
			       &r),
			 422);
	assert_true(hresp_has_pointer(&r, "/send_email"));
	hresp_free(&r);
	j = hcall(h, "GET", textf(PU "?account_id=%lld", (long long)acc), U_VIEWER, NULL, NULL,
		  200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	json_decref(j);
	assert_int_equal(
	    hjson(h, "POST", PU, U_OWNER,
		  textf("{\"contact_id\":%lld,\"send_email\":\"yes\"}", (long long)cid), &r),
	    422);
	assert_true(hresp_has_pointer(&r, "/send_email"));
	hresp_free(&r);
	/* A manager only for the accounts they own; a viewer not at all. */
	cid = contact("acme", U_OWNER, acc, "Чужой менеджеру", "not.managers@example.ru");
	json_decref(hcall(h, "POST", PU, U_MANAGER,
			  textf("{\"contact_id\":%lld,\"send_email\":true}", (long long)cid), NULL,
			  403));
	json_decref(hcall(h, "POST", PU, U_VIEWER,
			  textf("{\"contact_id\":%lld,\"send_email\":true}", (long long)cid), NULL,
			  403));
	assert_int_equal(mail_count(), before);
	mine = account("acme", U_MANAGER, "Счёт менеджера письмом");
	cid = contact("acme", U_MANAGER, mine, "Свой клиент", "managers.own@example.ru");
	j = hcall(h, "POST", PU, U_MANAGER,
		  textf("{\"contact_id\":%lld,\"send_email\":true}", (long long)cid), NULL, 201);
	json_decref(j);
	assert_int_equal(mail_count(), before + 1);
}

static int
setup(void **state)
{
	struct adv_errbuf eb = {{0}, {0}};

	(void)state;
	h = harness_start_proxy("127.0.0.1");
	if (public_url_set(PUBLIC "/", &eb) != ADV_OK) {
		fprintf(stderr, "# public_url_set: %s\n", eb.msg);
		return -1;
	}
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
	    cmocka_unit_test(test_answers_alike),
	    cmocka_unit_test(test_language),
	    cmocka_unit_test(test_mailed_link),
	    cmocka_unit_test(test_invitation_stays),
	    cmocka_unit_test(test_dead_link_points_to_request),
	    cmocka_unit_test(test_rate_limits),
	    cmocka_unit_test(test_bad_bodies),
	    cmocka_unit_test(test_invite_send_email),
	};

	return cmocka_run_group_tests_name(harness_engine(), tests, setup, teardown);
}
