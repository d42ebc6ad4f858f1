/*
 * test_portal_requests.c — the client's side of the dialog window over real
 * HTTP (docs/requests.md): a client's person signed in to the portal raises
 * a request, reads the thread without staff's internal notes, writes in it
 * (a waiting request opens again, a resolved one must be reopened first),
 * rates the result and marks replies helpful — which becomes an assessment
 * of the company on the classified component; reopening within the
 * workspace's days and not after; another company's request answers 404 by
 * every route, staff credentials are refused on portal routes and portal
 * ones on staff routes; bad bodies name the field and change nothing.
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

#include "core/portal.h"
#include "harness.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"
#define PORTAL	 "/api/v1/portal/requests"
#define TEXT_MAX 512
#define HDRS_MAX 6

static struct harness *h;

/* A portal session as a browser keeps it. */
struct browser {
	char cookie[TEXT_MAX]; /* "Cookie: advocate_portal=…" */
	char csrf[TEXT_MAX];
	char addr[32];
};

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

/* Sends method path with body from b (with its CSRF token when csrf); the status, *out the answer.
 */
static long
send_b(const struct browser *b, const char *method, const char *path, const char *body, bool csrf,
       struct hresp *out)
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
	assert_int_equal(hreq(h, method, path, U__MAX, body ? "application/json" : NULL, body,
			      body ? strlen(body) : 0, hdrs, out),
			 0);
	return out->status;
}

/* send_b with the CSRF token, asserting status; the answer's JSON (new reference) or NULL. */
static json_t *
call_b(const struct browser *b, const char *method, const char *path, const char *body, long status)
{
	struct hresp r;
	json_t *j;

	send_b(b, method, path, body, true, &r);
	if (r.status != status)
		fprintf(stderr, "# %s %s: %ld, wanted %ld: %s\n", method, path, r.status, status,
			r.body);
	assert_int_equal(r.status, status);
	j = r.json ? json_incref(r.json) : NULL;
	hresp_free(&r);
	return j;
}

/* Asserts that b's method on path with body answers status naming pointer (NULL: any). */
static void
expect_b(const struct browser *b, const char *method, const char *path, const char *body,
	 long status, const char *pointer)
{
	struct hresp r;

	send_b(b, method, path, body, true, &r);
	if (r.status != status || (pointer && !hresp_has_pointer(&r, pointer)))
		fprintf(stderr, "# %s %s: %ld, wanted %ld %s: %s\n", method, path, r.status, status,
			pointer ? pointer : "", r.body);
	assert_int_equal(r.status, status);
	if (pointer != NULL)
		assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
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

/*
 * A fresh company of acme with a person invited to the portal and signed in
 * by the link in *b: the company's id into *acc.
 */
static void
client(const char *company, const char *email, struct browser *b, int64_t *acc)
{
	static int addr;
	struct hresp r;
	int64_t cid;
	json_t *j;
	char *set;
	const char *link;

	*acc = create(WS "/accounts", U_OWNER, pathf("{\"name\":\"%s\"}", company));
	cid = create(pathf(WS "/accounts/%lld/contacts", (long long)*acc), U_OWNER,
		     pathf("{\"name\":\"Клиент %s\",\"emails\":[\"%s\"]}", company, email));
	j = hcall(h, "POST", WS "/portal-users", U_OWNER,
		  pathf("{\"contact_id\":%lld}", (long long)cid), NULL, 201);
	link = json_string_value(json_object_get(j, "link"));
	assert_non_null(link);
	memset(b, 0, sizeof(*b));
	snprintf(b->addr, sizeof(b->addr), "10.7.%d.%d", addr / 250, addr % 250 + 1);
	addr++;
	assert_int_equal(send_b(b, "POST", "/api/v1/portal/auth/link",
				pathf("{\"token\":\"%s\"}", link + strlen(PORTAL_LINK_PREFIX)),
				false, &r),
			 200);
	json_decref(j);
	set = hresp_header(&r, "Set-Cookie");
	assert_non_null(set);
	snprintf(b->cookie, sizeof(b->cookie), "Cookie: %.*s", (int)strcspn(set, ";"), set);
	free(set);
	snprintf(b->csrf, sizeof(b->csrf), "%s",
		 json_string_value(json_object_get(r.json, "csrf_token")));
	hresp_free(&r);
}

/* The staff view of request id. */
static json_t *
staff_get(int64_t id)
{
	return hcall(h, "GET", pathf(WS "/requests/%lld", (long long)id), U_VIEWER, NULL, NULL,
		     200);
}

/* The string field name of j, or "". */
static const char *
str(json_t *j, const char *name)
{
	const char *v = json_string_value(json_object_get(j, name));

	return v ? v : "";
}

static void
test_client_flow(void **state)
{
	struct browser b;
	int64_t acc, id, reply_id, note_id, comp;
	json_t *j, *thread, *cat;
	size_t i;

	(void)state;
	client("ООО Портал-поток", "flow@client.test", &b, &acc);
	j = call_b(&b, "POST", PORTAL,
		   "{\"kind\":\"complaint\",\"subject\":\"Сломанный поддон\",\"body\":\"Привезли "
		   "сломанный поддон <script>alert(1)</script>\"}",
		   201);
	id = json_integer_value(json_object_get(j, "id"));
	assert_string_equal(str(j, "status"), "new");
	/* The client's view has nothing of staff's. */
	assert_null(json_object_get(j, "priority"));
	assert_null(json_object_get(j, "assignee_email"));
	assert_null(json_object_get(j, "suggestion"));
	json_decref(j);
	j = staff_get(id);
	assert_string_equal(str(j, "channel"), "portal");
	assert_string_equal(str(j, "contact_name"), "Клиент ООО Портал-поток");
	json_decref(j);

	/* Staff answer, note and wait; the client sees the answer only. */
	j = hcall(h, "POST", pathf(WS "/requests/%lld/messages", (long long)id), U_OWNER,
		  "{\"body\":\"Внутренняя заметка: проверить водителя\",\"internal\":true}", NULL,
		  201);
	note_id = json_integer_value(json_object_get(json_object_get(j, "message"), "id"));
	json_decref(j);
	j = hcall(h, "POST", pathf(WS "/requests/%lld/messages", (long long)id), U_OWNER,
		  "{\"body\":\"Пришлите фото, пожалуйста\",\"status\":\"waiting\"}", NULL, 201);
	reply_id = json_integer_value(json_object_get(json_object_get(j, "message"), "id"));
	json_decref(j);
	j = call_b(&b, "GET", pathf(PORTAL "/%lld", (long long)id), NULL, 200);
	thread = json_object_get(j, "thread");
	assert_int_equal(json_array_size(thread), 2);
	for (i = 0; i < json_array_size(thread); i++) {
		assert_null(json_object_get(json_array_get(thread, i), "internal"));
		assert_null(strstr(str(json_array_get(thread, i), "body"), "Внутренняя"));
	}
	assert_string_equal(str(j, "status"), "waiting");
	json_decref(j);

	/* The client's answer opens it again; rating before resolution is refused. */
	j = call_b(&b, "POST", pathf(PORTAL "/%lld/messages", (long long)id),
		   "{\"body\":\"Фото во вложении\"}", 201);
	assert_string_equal(str(json_object_get(j, "request"), "status"), "open");
	json_decref(j);
	expect_b(&b, "PUT", pathf(PORTAL "/%lld/rating", (long long)id), "{\"rating\":5}", 409,
		 "/rating");
	json_decref(hcall(h, "PATCH", pathf(WS "/requests/%lld", (long long)id), U_OWNER,
			  "{\"status\":\"resolved\"}", NULL, 200));
	expect_b(&b, "POST", pathf(PORTAL "/%lld/messages", (long long)id), "{\"body\":\"Ещё\"}",
		 409, "/status");

	/* Classified, rated and marked: an assessment of the company on that component. */
	cat = hcall(h, "GET", WS "/loyalty/components", U_VIEWER, NULL, NULL, 200);
	comp = json_integer_value(
	    json_object_get(json_array_get(json_object_get(cat, "items"), 3), "id"));
	json_decref(cat);
	json_decref(hcall(h, "PATCH", pathf(WS "/requests/%lld", (long long)id), U_OWNER,
			  pathf("{\"component_id\":%lld}", (long long)comp), NULL, 200));
	j = call_b(&b, "PUT", pathf(PORTAL "/%lld/rating", (long long)id),
		   "{\"rating\":4,\"comment\":\"Решили за день\"}", 200);
	assert_int_equal(json_integer_value(json_object_get(j, "rating")), 4);
	json_decref(j);
	j = call_b(&b, "PUT",
		   pathf(PORTAL "/%lld/messages/%lld/helpful", (long long)id, (long long)reply_id),
		   "{\"helpful\":true}", 200);
	assert_true(json_is_true(json_object_get(j, "helpful")));
	json_decref(j);
	/* Only staff's public replies can be marked. */
	expect_b(&b, "PUT",
		 pathf(PORTAL "/%lld/messages/%lld/helpful", (long long)id, (long long)note_id),
		 "{\"helpful\":true}", 404, NULL);
	j = staff_get(id);
	assert_true(json_integer_value(json_object_get(j, "signal_assessment_id")) > 0);
	{
		int64_t aid = json_integer_value(json_object_get(j, "signal_assessment_id"));
		json_t *as = hcall(
		    h, "GET",
		    pathf(WS "/accounts/%lld/assessments/%lld", (long long)acc, (long long)aid),
		    U_VIEWER, NULL, NULL, 200);
		char *text = json_dumps(as, 0);

		assert_string_equal(str(as, "source"), "request");
		assert_non_null(text);
		assert_non_null(strstr(text, "Решили за день"));
		free(text);
		json_decref(as);
	}
	json_decref(j);

	/* The client closes it and reopens it within the window. */
	j = call_b(&b, "POST", pathf(PORTAL "/%lld/close", (long long)id), NULL, 200);
	assert_string_equal(str(j, "status"), "closed");
	assert_true(json_is_true(json_object_get(j, "can_reopen")));
	json_decref(j);
	j = call_b(&b, "POST", pathf(PORTAL "/%lld/reopen", (long long)id), NULL, 200);
	assert_string_equal(str(j, "status"), "open");
	json_decref(j);
	j = staff_get(id);
	assert_int_equal(json_integer_value(json_object_get(j, "reopened")), 1);
	json_decref(j);
	expect_b(&b, "POST", pathf(PORTAL "/%lld/close", (long long)id), NULL, 409, "/status");

	/* The list holds the company's request. */
	j = call_b(&b, "GET", PORTAL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
}

static void
test_other_company_and_credentials(void **state)
{
	struct browser a, b;
	int64_t acc_a, acc_b, id, staff_id, other_id, other_acc;
	const char *bearer[] = {NULL, NULL};
	char auth[128];
	json_t *j;

	(void)state;
	client("ООО Портал-А", "a@client.test", &a, &acc_a);
	client("ООО Портал-Б", "b@client.test", &b, &acc_b);
	j = call_b(&a, "POST", PORTAL,
		   "{\"kind\":\"question\",\"subject\":\"Вопрос А\",\"body\":\"Текст\"}", 201);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	staff_id = create(WS "/requests", U_OWNER,
			  pathf("{\"account_id\":%lld,\"kind\":\"other\",\"subject\":\"Для А\","
				"\"body\":\"От менеджера\"}",
				(long long)acc_a));
	other_acc = create(WS_OTHER "/accounts", U_OTHER, "{\"name\":\"Чужой (портал)\"}");
	other_id = create(WS_OTHER "/requests", U_OTHER,
			  pathf("{\"account_id\":%lld,\"kind\":\"other\",\"subject\":\"x\","
				"\"body\":\"y\"}",
				(long long)other_acc));

	/* B reaches none of A's requests, by any route. */
	for (int k = 0; k < 3; k++) {
		int64_t rid = k == 0 ? id : k == 1 ? staff_id : other_id;

		expect_b(&b, "GET", pathf(PORTAL "/%lld", (long long)rid), NULL, 404, NULL);
		expect_b(&b, "POST", pathf(PORTAL "/%lld/messages", (long long)rid),
			 "{\"body\":\"x\"}", 404, NULL);
		expect_b(&b, "POST", pathf(PORTAL "/%lld/reopen", (long long)rid), NULL, 404, NULL);
		expect_b(&b, "POST", pathf(PORTAL "/%lld/close", (long long)rid), NULL, 404, NULL);
		expect_b(&b, "PUT", pathf(PORTAL "/%lld/rating", (long long)rid), "{\"rating\":3}",
			 404, NULL);
		expect_b(&b, "PUT", pathf(PORTAL "/%lld/messages/1/helpful", (long long)rid),
			 "{\"helpful\":true}", 404, NULL);
	}
	j = call_b(&b, "GET", PORTAL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
	/* A sees their company's requests, also those staff recorded for it. */
	j = call_b(&a, "GET", PORTAL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	json_decref(j);

	/* Staff credentials are not portal ones, and the reverse. */
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", h->token[U_OWNER]);
	bearer[0] = auth;
	{
		struct hresp r;

		assert_int_equal(hreq(h, "GET", PORTAL, U__MAX, NULL, NULL, 0, bearer, &r), 0);
		assert_int_equal(r.status, 401);
		hresp_free(&r);
		assert_int_equal(send_b(&a, "GET", WS "/requests", NULL, true, &r), 401);
		hresp_free(&r);
		/* A write without the CSRF token, and no session at all. */
		assert_int_equal(send_b(&a, "POST", PORTAL,
					"{\"kind\":\"other\",\"subject\":\"x\",\"body\":\"y\"}",
					false, &r),
				 403);
		hresp_free(&r);
	}
	{
		struct browser none;

		memset(&none, 0, sizeof(none));
		snprintf(none.addr, sizeof(none.addr), "10.9.0.1");
		expect_b(&none, "GET", PORTAL, NULL, 401, NULL);
	}
}

static void
test_bad_input(void **state)
{
	struct browser b;
	int64_t acc, id;
	char big[24000];
	json_t *j;

	(void)state;
	client("ООО Портал-проверки", "checks@client.test", &b, &acc);
	expect_b(&b, "POST", PORTAL, "{\"kind\":\"question\",\"subject\":\"x\"}", 422, "/body");
	expect_b(&b, "POST", PORTAL, "{\"kind\":\"spam\",\"subject\":\"x\",\"body\":\"y\"}", 422,
		 "/kind");
	expect_b(&b, "POST", PORTAL,
		 "{\"kind\":\"question\",\"subject\":\"x\",\"body\":\"y\",\"priority\":\"urgent\"}",
		 422, "/priority");
	expect_b(&b, "POST", PORTAL,
		 "{\"kind\":\"question\",\"subject\":\"x\",\"body\":\"y\",\"account_id\":1}", 422,
		 "/account_id");
	expect_b(&b, "POST", PORTAL, "{\"kind\":\"question\",\"subject\":\"\xc3\",\"body\":\"y\"}",
		 400, NULL);
	expect_b(&b, "POST", PORTAL, "[1]", 422, NULL);
	j = call_b(&b, "POST", PORTAL, "{\"kind\":\"question\",\"subject\":\"x\",\"body\":\"y\"}",
		   201);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "{\"body\":\"", 9);
	memcpy(big + sizeof(big) - 3, "\"}", 2);
	expect_b(&b, "POST", pathf(PORTAL "/%lld/messages", (long long)id), big, 422, "/body");
	expect_b(&b, "POST", pathf(PORTAL "/%lld/messages", (long long)id),
		 "{\"body\":\"x\",\"internal\":true}", 422, "/internal");
	json_decref(hcall(h, "PATCH", pathf(WS "/requests/%lld", (long long)id), U_OWNER,
			  "{\"status\":\"resolved\"}", NULL, 200));
	expect_b(&b, "PUT", pathf(PORTAL "/%lld/rating", (long long)id), "{\"rating\":6}", 422,
		 "/rating");
	expect_b(&b, "PUT", pathf(PORTAL "/%lld/rating", (long long)id), "{\"rating\":\"5\"}", 422,
		 "/rating");
	expect_b(&b, "PUT", pathf(PORTAL "/%lld/rating", (long long)id), "{\"rating\":0}", 422,
		 "/rating");
	expect_b(&b, "PUT", pathf(PORTAL "/%lld/messages/1/helpful", (long long)id),
		 "{\"helpful\":1}", 422, "/helpful");
	/* Nothing of that was saved. */
	j = staff_get(id);
	assert_int_equal(json_integer_value(json_object_get(j, "messages")), 1);
	assert_true(json_is_null(json_object_get(j, "rating")));
	json_decref(j);
}

static void
test_reopen_window(void **state)
{
	struct browser b;
	int64_t acc, id;
	json_t *j;

	(void)state;
	client("ООО Портал-окно", "window@client.test", &b, &acc);
	json_decref(
	    hcall(h, "PUT", WS "/request-settings", U_OWNER, "{\"reopen_days\":0}", NULL, 200));
	j = call_b(&b, "POST", PORTAL, "{\"kind\":\"question\",\"subject\":\"x\",\"body\":\"y\"}",
		   201);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	json_decref(hcall(h, "PATCH", pathf(WS "/requests/%lld", (long long)id), U_OWNER,
			  "{\"status\":\"resolved\"}", NULL, 200));
	j = call_b(&b, "GET", pathf(PORTAL "/%lld", (long long)id), NULL, 200);
	assert_false(json_is_true(json_object_get(j, "can_reopen")));
	json_decref(j);
	expect_b(&b, "POST", pathf(PORTAL "/%lld/reopen", (long long)id), NULL, 409, "/status");
	json_decref(hcall(h, "PUT", WS "/request-settings", U_OWNER, "{}", NULL, 200));
	j = staff_get(id);
	assert_string_equal(str(j, "status"), "resolved");
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_client_flow),
	    cmocka_unit_test(test_other_company_and_credentials),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_reopen_window),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_portal_requests", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
