/*
 * test_invitations.c — survey links and the public survey page over real
 * HTTP (docs/research.md, "Survey links"): invitations made with a link
 * each (only the token's SHA-256 stored), listed with their status, replaced
 * (the old link dies) unless submitted (409), revoked; refusals naming the
 * field (contacts of another workspace or archived, duplicates, a past
 * expiry), roles (viewers 403, managers only for their accounts), another
 * workspace's study 404; the page in Russian and English with the right
 * inputs and nothing of another client, its security headers; drafts saved
 * and shown again, a submission that becomes a response and an assessment
 * of the contact's account, a second one refused; answers outside the scale
 * shown again with a message; the same 404 page for unknown, malformed,
 * revoked and expired links and draft studies, 410 for a closed one; posts
 * from another site refused; rate limits per address and per link (429 with
 * Retry-After); the anonymous link giving each browser its own response
 * without a client. Requests name their client address in X-Forwarded-For
 * (the server trusts the loopback proxy) so that each test has its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/invitation.h"
#include "harness.h"
#include "loyalty_fixtures.h"

#define WS	   "/api/v1/workspaces/acme"
#define WS_OTHER   "/api/v1/workspaces/other"
#define BODY_MAX   4096
#define FORM_CTYPE "application/x-www-form-urlencoded"
#define RATE_LIMIT 30

static struct harness *h;

/* An open study of acme with its questionnaire, and two clients with a person each. */
struct fixture {
	int64_t sid;
	int64_t account, contact;   /* owned by the manager */
	int64_t account2, contact2; /* owned by nobody */
	int64_t factor;		    /* a factor of the factors question */
};

/* A client address of its own for each caller (10.0.x.y). */
static const char *
fresh_addr(void)
{
	static int n;

	n++;
	return lf_pathf("10.0.%d.%d", n / 250, n % 250 + 1);
}

/* The invitations path of study sid. */
static const char *
ipath(int64_t sid)
{
	return lf_pathf(WS "/studies/%lld/invitations", (long long)sid);
}

/*
 * Sends method url from client address addr with an optional cookie
 * ("name=value") and form body; returns the status, the answer in *out.
 */
static long
page(const char *method, const char *url, const char *addr, const char *cookie, const char *form,
     struct hresp *out, const char *extra)
{
	char xff[64], ck[256];
	const char *hdrs[4] = {NULL, NULL, NULL, NULL};
	int k = 0;

	snprintf(xff, sizeof(xff), "X-Forwarded-For: %s", addr);
	hdrs[k++] = xff;
	if (cookie != NULL) {
		snprintf(ck, sizeof(ck), "Cookie: %s", cookie);
		hdrs[k++] = ck;
	}
	if (extra != NULL)
		hdrs[k++] = extra;
	assert_int_equal(hreq(h, method, url, U__MAX, form ? FORM_CTYPE : NULL, form,
			      form ? strlen(form) : 0, hdrs, out),
			 0);
	return out->status;
}

/* GET url from addr: its status; the body in *out. */
static long
get_page(const char *url, const char *addr, struct hresp *out)
{
	return page("GET", url, addr, NULL, NULL, out, NULL);
}

/* POST form to url from addr: its status; the answer in *out. */
static long
post_page(const char *url, const char *addr, const char *form, struct hresp *out)
{
	return page("POST", url, addr, NULL, form, out, NULL);
}

/* Makes the fixture: a study named name, opened, with five questions and two clients. */
static void
fixture_make(struct fixture *f, const char *name)
{
	char body[BODY_MAX];
	const char *q = NULL;
	int64_t terms = lf_comp(h, h->ws_acme, "terms");
	int64_t shipment = lf_comp(h, h->ws_acme, "shipment");

	memset(f, 0, sizeof(*f));
	f->factor = lf_factor(h, h->ws_acme, "shipment", 1);
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"kind\":\"survey\"}", name);
	f->sid = lf_create(h, WS "/studies", U_ANALYST, body);
	q = lf_pathf(WS "/studies/%lld/questions", (long long)f->sid);
	lf_create(h, q, U_ANALYST,
		  "{\"kind\":\"recommend\",\"code\":\"nps\",\"required\":true,"
		  "\"text\":{\"ru\":\"Порекомендуете ли вы нас коллегам?\","
		  "\"en\":\"Would you recommend us to a colleague?\"}}");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"component\",\"code\":\"terms\",\"component_id\":%lld,"
		 "\"text\":{\"ru\":\"Оцените условия работы\",\"en\":\"Rate our terms\"}}",
		 (long long)terms);
	lf_create(h, q, U_ANALYST, body);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"factors\",\"code\":\"why\",\"component_id\":%lld,"
		 "\"text\":{\"ru\":\"Что мешает?\",\"en\":\"What gets in the way?\"}}",
		 (long long)shipment);
	lf_create(h, q, U_ANALYST, body);
	lf_create(h, q, U_ANALYST,
		  "{\"kind\":\"choice\",\"code\":\"pick\",\"text\":{\"ru\":\"Выбор\"},"
		  "\"options\":[{\"code\":\"a\",\"text\":{\"ru\":\"Первый\",\"en\":\"First\"}},"
		  "{\"code\":\"b\",\"text\":{\"ru\":\"Второй\",\"en\":\"Second\"}}]}");
	lf_create(h, q, U_ANALYST,
		  "{\"kind\":\"text\",\"code\":\"comment\",\"text\":{\"ru\":\"Комментарий\"}}");
	json_decref(lf_callf(h, "PATCH", U_ANALYST, "{\"status\":\"open\"}", NULL, 200,
			     WS "/studies/%lld", (long long)f->sid));
	snprintf(body, sizeof(body),
		 "{\"name\":\"Ромашка %s\",\"owner_email\":\"manager@example.test\"}", name);
	f->account = lf_create(h, WS "/accounts", U_ANALYST, body);
	f->contact =
	    lf_create(h, lf_pathf(WS "/accounts/%lld/contacts", (long long)f->account), U_ANALYST,
		      "{\"name\":\"Иван Петров\",\"emails\":[\"ivan@example.ru\"]}");
	snprintf(body, sizeof(body), "{\"name\":\"Чужая компания %s\"}", name);
	f->account2 = lf_create(h, WS "/accounts", U_ANALYST, body);
	f->contact2 = lf_create(h, lf_pathf(WS "/accounts/%lld/contacts", (long long)f->account2),
				U_ANALYST, "{\"name\":\"Пётр Сидоров\"}");
}

/* Invites contact of study sid as user (lang may be NULL); returns its url (malloc'ed). */
static char *
invite(int64_t sid, int64_t contact, const char *lang)
{
	char body[256];
	json_t *j;
	char *url;

	if (lang != NULL)
		snprintf(body, sizeof(body), "{\"contact_ids\":[%lld],\"lang\":\"%s\"}",
			 (long long)contact, lang);
	else
		snprintf(body, sizeof(body), "{\"contact_ids\":[%lld]}", (long long)contact);
	j = hcall(h, "POST", ipath(sid), U_ANALYST, body, NULL, 201);
	url = strdup(lf_jstr(json_array_get(json_object_get(j, "items"), 0), "url"));
	json_decref(j);
	return url;
}

/* The invitation of contact in study sid's list (a new reference), or NULL. */
static json_t *
listed(int64_t sid, int64_t contact)
{
	json_t *j = hcall(h, "GET", ipath(sid), U_VIEWER, NULL, NULL, 200), *it, *out = NULL;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, it)
	{
		if (lf_jint(it, "contact_id") == contact && out == NULL)
			out = json_incref(it);
	}
	json_decref(j);
	return out;
}

static struct db_sql sql_by_hash = DB_SQL("SELECT COUNT(*) FROM survey_invitations"
					  " WHERE workspace_id = ?1 AND token_hash = ?2");
static struct db_sql sql_audit = DB_SQL("SELECT COUNT(*) FROM audit_log WHERE workspace_id = ?1"
					" AND entity_type = 'survey_invitation' AND action = ?2");
static struct db_sql sql_anonymous =
    DB_SQL("SELECT COUNT(*) FROM responses WHERE study_id = ?1 AND channel = ?2"
	   " AND account_id IS NULL AND status = 'submitted'");

/* The number the count query sql answers with ?1 a1 and ?2 a2. */
static int64_t
count_of(struct db_sql *sql, int64_t a1, const char *a2)
{
	struct db_conn *c;
	struct db_stmt *st;
	int64_t n = -1;
	bool row;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, sql, &st), ADV_OK);
	db_bind_int(st, 1, a1);
	db_bind_text(st, 2, a2);
	if (db_step(st, &row) == ADV_OK && row) {
		n = db_col_int(st, 0);
		db_done(st);
	}
	db_release(h->db, c);
	return n;
}

/* True when the body of r contains s. */
static bool
has(const struct hresp *r, const char *s)
{
	return r->body != NULL && strstr(r->body, s) != NULL;
}

static void
test_invite_and_list(void **state)
{
	struct fixture f;
	struct hresp r = {0};
	char hash[65], *url, *url2;
	json_t *j, *it;
	const char *addr = fresh_addr();

	(void)state;
	fixture_make(&f, "links-a");
	j = hcall(h, "POST", ipath(f.sid), U_ANALYST,
		  "{\"contact_ids\":[0],\"lang\":\"de\",\"bogus\":1}", NULL, 422);
	json_decref(j);
	j = hcall(
	    h, "POST", ipath(f.sid), U_ANALYST,
	    lf_pathf("{\"contact_ids\":[%lld,%lld]}", (long long)f.contact, (long long)f.contact),
	    NULL, 422);
	json_decref(j);
	lf_expect_pointer(
	    h, "POST", ipath(f.sid), U_ANALYST,
	    lf_pathf("{\"contact_ids\":[%lld],\"expires_at\":\"2001-01-01T00:00:00Z\"}",
		     (long long)f.contact),
	    422, "/expires_at");
	lf_expect_pointer(h, "POST", ipath(f.sid), U_ANALYST, "{\"contact_ids\":[]}", 422,
			  "/contact_ids");
	j = hcall(h, "POST", ipath(f.sid), U_ANALYST,
		  lf_pathf("{\"contact_ids\":[%lld],\"lang\":\"en\","
			   "\"expires_at\":\"2999-01-01T03:00:00+03:00\"}",
			   (long long)f.contact),
		  NULL, 201);
	it = json_array_get(json_object_get(j, "items"), 0);
	url = strdup(lf_jstr(it, "url"));
	assert_int_equal(strncmp(url, "/s/", 3), 0);
	assert_int_equal(strlen(url), 3 + INVITATION_TOKEN_LEN);
	assert_string_equal(lf_jstr(it, "status"), "sent");
	assert_string_equal(lf_jstr(it, "lang"), "en");
	assert_string_equal(lf_jstr(it, "expires_at"), "2999-01-01T00:00:00Z");
	assert_string_equal(lf_jstr(it, "contact_name"), "Иван Петров");
	assert_string_equal(lf_jstr(it, "contact_email"), "ivan@example.ru");
	assert_int_equal(lf_jint(it, "account_id"), f.account);
	json_decref(j);
	/* Only the SHA-256 of the token is stored. */
	invitation_hash(url + 3, hash);
	assert_int_equal(count_of(&sql_by_hash, h->ws_acme, hash), 1);
	assert_int_equal(count_of(&sql_by_hash, h->ws_acme, url + 3), 0);
	/* The list shows it without the url; opening the page marks it opened. */
	it = listed(f.sid, f.contact);
	assert_non_null(it);
	assert_null(json_object_get(it, "url"));
	assert_string_equal(lf_jstr(it, "account_name"), "Ромашка links-a");
	json_decref(it);
	assert_int_equal(get_page(url, addr, &r), 200);
	hresp_free(&r);
	it = listed(f.sid, f.contact);
	assert_string_equal(lf_jstr(it, "status"), "opened");
	assert_true(json_is_string(json_object_get(it, "opened_at")));
	json_decref(it);
	/* Inviting again replaces the link: the old one dies. */
	url2 = invite(f.sid, f.contact, NULL);
	assert_string_not_equal(url, url2);
	assert_int_equal(get_page(url, addr, &r), 404);
	hresp_free(&r);
	assert_int_equal(get_page(url2, addr, &r), 200);
	hresp_free(&r);
	j = hcall(h, "GET", lf_pathf("%s?include_revoked=true", ipath(f.sid)), U_VIEWER, NULL, NULL,
		  200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	assert_true(json_is_null(json_object_get(j, "anonymous_link")));
	json_decref(j);
	j = hcall(h, "GET", lf_pathf("%s?status=opened", ipath(f.sid)), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	j = hcall(h, "GET", lf_pathf("%s?status=sent", ipath(f.sid)), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
	json_decref(
	    hcall(h, "GET", lf_pathf("%s?status=bogus", ipath(f.sid)), U_VIEWER, NULL, NULL, 422));
	assert_int_equal(count_of(&sql_audit, h->ws_acme, "revoke"), 1);
	/* Roles, foreign ids. */
	json_decref(hcall(h, "POST", ipath(f.sid), U_VIEWER,
			  lf_pathf("{\"contact_ids\":[%lld]}", (long long)f.contact), NULL, 403));
	json_decref(hcall(h, "POST", ipath(f.sid), U_MANAGER,
			  lf_pathf("{\"contact_ids\":[%lld]}", (long long)f.contact2), NULL, 403));
	json_decref(hcall(h, "POST", ipath(f.sid), U_MANAGER,
			  lf_pathf("{\"contact_ids\":[%lld]}", (long long)f.contact), NULL, 201));
	json_decref(hcall(h, "POST", ipath(999999), U_ANALYST,
			  lf_pathf("{\"contact_ids\":[%lld]}", (long long)f.contact), NULL, 404));
	json_decref(hcall(h, "GET",
			  lf_pathf(WS_OTHER "/studies/%lld/invitations", (long long)f.sid), U_OTHER,
			  NULL, NULL, 404));
	{
		int64_t oacc = lf_create(h, WS_OTHER "/accounts", U_OTHER, "{\"name\":\"Other\"}");
		int64_t ocontact =
		    lf_create(h, lf_pathf(WS_OTHER "/accounts/%lld/contacts", (long long)oacc),
			      U_OTHER, "{\"name\":\"Someone\"}");

		lf_expect_pointer(h, "POST", ipath(f.sid), U_ANALYST,
				  lf_pathf("{\"contact_ids\":[%lld,%lld]}", (long long)f.contact2,
					   (long long)ocontact),
				  422, "/contact_ids/1");
	}
	json_decref(hcall(h, "DELETE",
			  lf_pathf(WS "/accounts/%lld/contacts/%lld", (long long)f.account2,
				   (long long)f.contact2),
			  U_ANALYST, NULL, NULL, 204));
	lf_expect_pointer(h, "POST", ipath(f.sid), U_ANALYST,
			  lf_pathf("{\"contact_ids\":[%lld]}", (long long)f.contact2), 422,
			  "/contact_ids/0");
	free(url);
	free(url2);
}

static void
test_page_languages(void **state)
{
	struct fixture f;
	struct hresp r = {0};
	char *url, *csp, *xfo, *ref, *cc;
	const char *addr = fresh_addr();

	(void)state;
	fixture_make(&f, "links-b");
	url = invite(f.sid, f.contact, NULL);
	assert_int_equal(get_page(url, addr, &r), 200);
	assert_true(has(&r, "Порекомендуете ли вы нас коллегам?"));
	assert_false(has(&r, "Would you recommend"));
	assert_true(has(&r, "links-b"));
	assert_true(has(&r, "name=\"a.nps\" value=\"10\""));
	assert_true(has(&r, "name=\"a.terms\" value=\"5\""));
	assert_false(has(&r, "name=\"a.terms\" value=\"6\""));
	assert_true(has(
	    &r, lf_pathf("type=\"checkbox\" name=\"a.why\" value=\"%lld\"", (long long)f.factor)));
	assert_true(has(&r, "name=\"a.pick\" value=\"b\""));
	assert_true(has(&r, "<textarea name=\"a.comment\""));
	assert_true(has(&r, "name=\"viewport\""));
	/* Nothing of anybody else: not even the respondent's own company. */
	assert_false(has(&r, "Пётр Сидоров"));
	assert_false(has(&r, "Чужая компания"));
	assert_false(has(&r, "Ромашка"));
	assert_false(has(&r, "<script"));
	csp = hresp_header(&r, "Content-Security-Policy");
	xfo = hresp_header(&r, "X-Frame-Options");
	ref = hresp_header(&r, "Referrer-Policy");
	cc = hresp_header(&r, "Cache-Control");
	assert_non_null(csp);
	assert_non_null(strstr(csp, "script-src 'self'"));
	assert_string_equal(xfo, "DENY");
	assert_string_equal(ref, "no-referrer");
	assert_string_equal(cc, "no-store");
	free(csp);
	free(xfo);
	free(ref);
	free(cc);
	hresp_free(&r);
	assert_int_equal(get_page(lf_pathf("%s?lang=en", url), addr, &r), 200);
	assert_true(has(&r, "Would you recommend us to a colleague?"));
	assert_true(has(&r, "Second"));
	assert_true(has(&r, "<html lang=\"en\">"));
	hresp_free(&r);
	free(url);
	url = invite(f.sid, f.contact2, "en");
	assert_int_equal(get_page(url, addr, &r), 200);
	assert_true(has(&r, "Rate our terms"));
	hresp_free(&r);
	assert_int_equal(get_page("/s/assets/survey.css", addr, &r), 200);
	assert_true(has(&r, ".scale"));
	hresp_free(&r);
	free(url);
}

static void
test_draft_and_submit(void **state)
{
	struct fixture f;
	struct hresp r = {0};
	char *url, *loc;
	json_t *j, *it, *resp;
	const char *addr = fresh_addr();
	int64_t rid;

	(void)state;
	fixture_make(&f, "links-c");
	url = invite(f.sid, f.contact, NULL);
	/* A draft: saved, shown again. */
	assert_int_equal(
	    post_page(url, addr,
		      lf_pathf("action=save&lang=ru&a.nps=9&a.terms=&a.why=%lld"
			       "&a.comment=%%D0%%9F%%D1%%80%%D0%%B8%%D0%%B2%%D0%%B5%%D1%%82+"
			       "%%3Cb%%3E",
			       (long long)f.factor),
		      &r),
	    303);
	loc = hresp_header(&r, "Location");
	assert_non_null(loc);
	assert_non_null(strstr(loc, "saved=1"));
	free(loc);
	hresp_free(&r);
	assert_int_equal(get_page(lf_pathf("%s?saved=1", url), addr, &r), 200);
	assert_true(has(&r, "name=\"a.nps\" value=\"9\" checked"));
	assert_true(has(&r, lf_pathf("value=\"%lld\" checked", (long long)f.factor)));
	assert_true(has(&r, "Привет &lt;b&gt;</textarea>"));
	assert_true(has(&r, "class=\"notice\""));
	hresp_free(&r);
	it = listed(f.sid, f.contact);
	rid = lf_jint(it, "response_id");
	assert_true(rid > 0);
	assert_string_equal(lf_jstr(it, "status"), "opened");
	json_decref(it);
	resp = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, WS "/studies/%lld/responses/%lld",
			(long long)f.sid, (long long)rid);
	assert_string_equal(lf_jstr(resp, "status"), "draft");
	assert_string_equal(lf_jstr(resp, "channel"), "link");
	assert_int_equal(lf_jint(resp, "contact_id"), f.contact);
	json_decref(resp);
	/* A rating outside the scale: the form again, the answers kept, the message beside it. */
	assert_int_equal(post_page(url, addr, "action=submit&a.nps=7&a.terms=99", &r), 422);
	assert_true(has(&r, "name=\"a.nps\" value=\"7\" checked"));
	assert_true(has(&r, "class=\"err\""));
	assert_true(has(&r, "Выберите один из предложенных вариантов."));
	hresp_free(&r);
	/* A required question left empty on submit. */
	assert_int_equal(post_page(url, addr, "action=submit&lang=en&a.terms=4", &r), 422);
	assert_true(has(&r, "Please answer this question."));
	hresp_free(&r);
	/* An option that does not exist. */
	assert_int_equal(post_page(url, addr, "action=save&a.pick=zzz", &r), 422);
	hresp_free(&r);
	assert_int_equal(post_page(url, addr, "action=nonsense", &r), 400);
	hresp_free(&r);
	assert_int_equal(post_page(url, addr, "action=save&a.nps=%ZZ", &r), 400);
	hresp_free(&r);
	/* Submitted: a response and an assessment of the contact's account. */
	assert_int_equal(post_page(url, addr, "action=submit&a.nps=9&a.terms=4&a.pick=b", &r), 303);
	hresp_free(&r);
	assert_int_equal(get_page(url, addr, &r), 200);
	assert_true(has(&r, "Спасибо!"));
	assert_false(has(&r, "<form"));
	hresp_free(&r);
	assert_int_equal(post_page(url, addr, "action=submit&a.nps=1&a.terms=1", &r), 409);
	assert_true(has(&r, "Ответы уже отправлены"));
	hresp_free(&r);
	it = listed(f.sid, f.contact);
	assert_string_equal(lf_jstr(it, "status"), "submitted");
	assert_int_equal(lf_jint(it, "response_id"), rid);
	json_decref(it);
	resp = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, WS "/studies/%lld/responses/%lld",
			(long long)f.sid, (long long)rid);
	assert_string_equal(lf_jstr(resp, "status"), "submitted");
	assert_int_equal(lf_jint(json_object_get(resp, "answers"), "nps"), 9);
	assert_true(lf_jint(resp, "assessment_id") > 0);
	json_decref(resp);
	j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, WS "/accounts/%lld/assessments",
		     (long long)f.account);
	it = json_array_get(json_object_get(j, "items"), 0);
	assert_non_null(it);
	assert_int_equal(lf_jint(it, "recommend"), 9);
	json_decref(j);
	/* A submitted invitation is not replaced. */
	lf_expect_pointer(h, "POST", ipath(f.sid), U_ANALYST,
			  lf_pathf("{\"contact_ids\":[%lld]}", (long long)f.contact), 409,
			  "/contact_ids/0");
	free(url);
}

static void
test_dead_links(void **state)
{
	struct fixture f;
	struct hresp r = {0};
	char *urls[5], *first = NULL;
	const char *addr = fresh_addr();
	int64_t iid;
	json_t *it;
	size_t nurls = 0;

	(void)state;
	fixture_make(&f, "links-d");
	urls[nurls++] = strdup("/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	urls[nurls++] = strdup("/s/short");
	/* Revoked. */
	urls[nurls] = invite(f.sid, f.contact, NULL);
	it = listed(f.sid, f.contact);
	iid = lf_jint(it, "id");
	json_decref(it);
	json_decref(hcall(h, "DELETE", lf_pathf("%s/%lld", ipath(f.sid), (long long)iid), U_VIEWER,
			  NULL, NULL, 403));
	json_decref(hcall(h, "DELETE", lf_pathf("%s/%lld", ipath(f.sid), (long long)iid), U_MANAGER,
			  NULL, NULL, 204));
	json_decref(
	    hcall(h, "DELETE", lf_pathf("%s/999999", ipath(f.sid)), U_ANALYST, NULL, NULL, 404));
	nurls++;
	/* Expired. */
	urls[nurls] = invite(f.sid, f.contact2, NULL);
	lf_sqlf(h,
		"UPDATE survey_invitations SET expires_at = '2001-01-01T00:00:00Z'"
		" WHERE contact_id = %lld",
		(long long)f.contact2);
	nurls++;
	for (size_t i = 0; i < nurls; i++) {
		assert_int_equal(get_page(urls[i], addr, &r), 404);
		if (first == NULL)
			first = strdup(r.body);
		else
			assert_string_equal(first, r.body);
		hresp_free(&r);
		assert_int_equal(post_page(urls[i], addr, "action=save&a.nps=1", &r), 404);
		assert_string_equal(first, r.body);
		hresp_free(&r);
	}
	/* A study back in draft answers the same page; a closed one says so. */
	{
		char *url = invite(f.sid, f.contact, NULL);

		json_decref(lf_callf(h, "PATCH", U_ANALYST, "{\"status\":\"draft\"}", NULL, 200,
				     WS "/studies/%lld", (long long)f.sid));
		assert_int_equal(get_page(url, addr, &r), 404);
		assert_string_equal(first, r.body);
		hresp_free(&r);
		json_decref(lf_callf(h, "PATCH", U_ANALYST, "{\"status\":\"closed\"}", NULL, 200,
				     WS "/studies/%lld", (long long)f.sid));
		assert_int_equal(get_page(url, addr, &r), 410);
		hresp_free(&r);
		assert_int_equal(post_page(url, addr, "action=save&a.nps=1", &r), 410);
		hresp_free(&r);
		free(url);
	}
	for (size_t i = 0; i < nurls; i++)
		free(urls[i]);
	free(first);
}

static void
test_cross_site_and_size(void **state)
{
	struct fixture f;
	struct hresp r = {0};
	const char *addr = fresh_addr();
	char *url, *big;
	char origin[128];

	(void)state;
	fixture_make(&f, "links-e");
	url = invite(f.sid, f.contact, NULL);
	assert_int_equal(page("POST", url, addr, NULL, "action=save&a.nps=1", &r,
			      "Origin: https://evil.example"),
			 403);
	hresp_free(&r);
	assert_int_equal(page("POST", url, addr, NULL, "action=save&a.nps=1", &r,
			      "Referer: https://evil.example/page"),
			 403);
	hresp_free(&r);
	assert_int_equal(page("POST", url, addr, NULL, "action=save&a.nps=1", &r, "Origin: null"),
			 303);
	hresp_free(&r);
	snprintf(origin, sizeof(origin), "Origin: %s", h->base);
	assert_int_equal(page("POST", url, addr, NULL, "action=save&a.nps=2", &r, origin), 303);
	hresp_free(&r);
	big = malloc(70000);
	memset(big, 'x', 69999);
	memcpy(big, "action=save&a.comment=", 22);
	big[69999] = '\0';
	assert_int_equal(post_page(url, addr, big, &r), 413);
	hresp_free(&r);
	free(big);
	free(url);
}

static void
test_rate_limits(void **state)
{
	struct fixture f;
	struct hresp r = {0};
	const char *addr = fresh_addr();
	char *retry, *url;

	(void)state;
	fixture_make(&f, "links-f");
	/* Per address, known link or not. */
	for (int i = 0; i < RATE_LIMIT; i++) {
		assert_int_equal(
		    get_page("/s/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", addr, &r), 404);
		hresp_free(&r);
	}
	assert_int_equal(get_page("/s/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", addr, &r), 429);
	retry = hresp_header(&r, "Retry-After");
	assert_non_null(retry);
	assert_true(atoi(retry) >= 1 && atoi(retry) <= 60);
	assert_true(has(&r, "Too many requests"));
	free(retry);
	hresp_free(&r);
	/* Per personal link, from many addresses. */
	url = invite(f.sid, f.contact, NULL);
	for (int i = 0; i < RATE_LIMIT; i++) {
		assert_int_equal(get_page(url, fresh_addr(), &r), 200);
		hresp_free(&r);
	}
	assert_int_equal(get_page(url, fresh_addr(), &r), 429);
	hresp_free(&r);
	free(url);
}

/* The value of cookie name from the Set-Cookie header of r (malloc'ed "name=value"), or NULL. */
static char *
cookie_of(const struct hresp *r, const char *name)
{
	char *set = hresp_header(r, "Set-Cookie"), *semi;

	if (set == NULL)
		return NULL;
	if (strncmp(set, name, strlen(name)) != 0) {
		free(set);
		return NULL;
	}
	if ((semi = strchr(set, ';')) != NULL)
		*semi = '\0';
	return set;
}

static void
test_anonymous_link(void **state)
{
	struct fixture f;
	struct hresp r = {0};
	const char *addr = fresh_addr();
	char *url, *ck1, *ck2, *set;
	json_t *j;

	(void)state;
	fixture_make(&f, "links-g");
	json_decref(hcall(h, "POST", lf_pathf(WS "/studies/%lld/anonymous-link", (long long)f.sid),
			  U_MANAGER, NULL, NULL, 403));
	json_decref(hcall(h, "DELETE",
			  lf_pathf(WS "/studies/%lld/anonymous-link", (long long)f.sid), U_ANALYST,
			  NULL, NULL, 404));
	j = hcall(h, "POST", lf_pathf(WS "/studies/%lld/anonymous-link", (long long)f.sid),
		  U_ANALYST, "{\"lang\":\"en\"}", NULL, 201);
	url = strdup(lf_jstr(j, "url"));
	assert_true(json_is_true(json_object_get(j, "anonymous")));
	json_decref(j);
	j = hcall(h, "GET", ipath(f.sid), U_VIEWER, NULL, NULL, 200);
	assert_true(json_is_object(json_object_get(j, "anonymous_link")));
	assert_null(json_object_get(json_object_get(j, "anonymous_link"), "url"));
	json_decref(j);
	/* Two browsers: each its own cookie and response. */
	assert_int_equal(get_page(url, addr, &r), 200);
	assert_true(has(&r, "Would you recommend"));
	ck1 = cookie_of(&r, "advocate_respondent=");
	assert_non_null(ck1);
	set = hresp_header(&r, "Set-Cookie");
	assert_non_null(strstr(set, "HttpOnly"));
	assert_non_null(strstr(set, "SameSite=Lax"));
	assert_non_null(strstr(set, "Path=/s/"));
	free(set);
	hresp_free(&r);
	assert_int_equal(page("POST", url, addr, ck1, "action=save&a.nps=3", &r, NULL), 303);
	hresp_free(&r);
	assert_int_equal(page("GET", url, addr, ck1, NULL, &r, NULL), 200);
	assert_true(has(&r, "name=\"a.nps\" value=\"3\" checked"));
	assert_null(hresp_header(&r, "Set-Cookie"));
	hresp_free(&r);
	assert_int_equal(page("POST", url, addr, ck1, "action=submit&a.nps=3", &r, NULL), 303);
	hresp_free(&r);
	assert_int_equal(page("GET", url, addr, NULL, NULL, &r, NULL), 200);
	ck2 = cookie_of(&r, "advocate_respondent=");
	assert_non_null(ck2);
	assert_string_not_equal(ck1, ck2);
	assert_false(has(&r, "value=\"3\" checked"));
	hresp_free(&r);
	assert_int_equal(page("POST", url, addr, ck2, "action=submit&a.nps=10", &r, NULL), 303);
	hresp_free(&r);
	assert_int_equal(page("GET", url, addr, ck1, NULL, &r, NULL), 200);
	assert_true(has(&r, "Thank you!"));
	hresp_free(&r);
	assert_int_equal(page("POST", url, addr, ck1, "action=submit&a.nps=1", &r, NULL), 409);
	hresp_free(&r);
	assert_int_equal(count_of(&sql_anonymous, f.sid, "anonymous"), 2);
	j = hcall(h, "GET", ipath(f.sid), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(lf_jint(json_object_get(j, "anonymous_link"), "responses"), 2);
	json_decref(j);
	/* Replaced, then revoked: the old link dies each time. */
	j = hcall(h, "POST", lf_pathf(WS "/studies/%lld/anonymous-link", (long long)f.sid), U_OWNER,
		  NULL, NULL, 201);
	assert_int_equal(get_page(url, addr, &r), 404);
	hresp_free(&r);
	free(url);
	url = strdup(lf_jstr(j, "url"));
	json_decref(j);
	assert_int_equal(get_page(url, addr, &r), 200);
	hresp_free(&r);
	json_decref(hcall(h, "DELETE",
			  lf_pathf(WS "/studies/%lld/anonymous-link", (long long)f.sid), U_ANALYST,
			  NULL, NULL, 204));
	assert_int_equal(get_page(url, addr, &r), 404);
	hresp_free(&r);
	free(url);
	free(ck1);
	free(ck2);
}

static int
setup(void **state)
{
	(void)state;
	h = harness_start_proxy("127.0.0.1");
	return h == NULL;
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
	    cmocka_unit_test(test_invite_and_list),	cmocka_unit_test(test_page_languages),
	    cmocka_unit_test(test_draft_and_submit),	cmocka_unit_test(test_dead_links),
	    cmocka_unit_test(test_cross_site_and_size), cmocka_unit_test(test_rate_limits),
	    cmocka_unit_test(test_anonymous_link),
	};

	return cmocka_run_group_tests_name("api_invitations", tests, setup, teardown);
}
