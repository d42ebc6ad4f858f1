/*
 * test_outbound.c — outbound notifications over real sockets
 * (docs/webhooks.md): webhook endpoints over HTTP (registration with its
 * one-time secret, If-Match edits, validation with pointers, owners only,
 * other workspaces' ids not found); events queued with outbox_event inside
 * a transaction reach a local HTTP receiver the test runs, signed (the
 * signature recomputed here), only for subscribed and active endpoints and
 * only when the transaction commits; a failing receiver is retried with
 * growing pauses until it answers; a receiver that is down for good ends
 * failed after the last attempt; the delivery log, test deliveries and
 * retries; two workers on one database deliver each event once; and e-mail
 * through a local SMTP sink the test runs (RFC 5322 headers, an RFC 2047
 * UTF-8 subject, a base64 body), staying queued while no SMTP server is
 * configured. Every wait is for an outcome, with a deadline; no assertion
 * bounds a time from above. The receiver, the sink and the worker's test
 * settings are in outbound_fixtures.c, shared with test_request_notify.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/outbound_worker.h"
#include "core/outbox.h"
#include "harness.h"
#include "outbound_fixtures.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"

static struct harness *h;
static struct outbound_worker *worker;

/* Starts the test's worker: with the SMTP sink at smtp_url, or without mail (NULL). */
static struct outbound_worker *
worker_start(const char *smtp_url)
{
	return outbound_test_worker(h->dburl, smtp_url);
}

/* Registers an endpoint in workspace path ws for url and events (a JSON list); its JSON. */
static json_t *
endpoint_new(const char *ws, int user, const char *url, const char *events, bool active)
{
	char path[128], body[512];

	snprintf(path, sizeof(path), "%s/webhooks", ws);
	snprintf(body, sizeof(body), "{\"url\":\"%s\",\"events\":%s,\"active\":%s}", url, events,
		 active ? "true" : "false");
	return hcall(h, "POST", path, user, body, NULL, 201);
}

static int64_t
num(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static const char *
str(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

/* The delivery log of endpoint id in acme (as the owner). */
static json_t *
deliveries(int64_t id)
{
	char path[160];

	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries", (long long)id);
	return hcall(h, "GET", path, U_OWNER, NULL, NULL, 200);
}

/* Delivery did of endpoint id from the log (a new reference), or NULL. */
static json_t *
delivery_find(int64_t id, int64_t did)
{
	json_t *log = deliveries(id), *item, *found = NULL;
	size_t i;

	json_array_foreach(json_object_get(log, "items"), i, item)
	{
		if (num(item, "id") == did)
			found = json_incref(item);
	}
	json_decref(log);
	return found;
}

/* Waits (with the deadline) until delivery did of endpoint id has status; returns it. */
static json_t *
delivery_wait(int64_t id, int64_t did, const char *status)
{
	int64_t until = now_ms() + WAIT_MS;
	json_t *d = NULL;

	for (;;) {
		d = delivery_find(id, did);
		if ((d != NULL && strcmp(str(d, "status"), status) == 0) || now_ms() >= until)
			break;
		json_decref(d);
		d = NULL;
		sleep_ms(20);
	}
	if (d == NULL || strcmp(str(d, "status"), status) != 0)
		fprintf(stderr, "# delivery %lld did not become %s\n", (long long)did, status);
	assert_non_null(d);
	assert_string_equal(str(d, "status"), status);
	return d;
}

/* Queues event type with payload in workspace ws_id in a transaction that commits or not. */
static void
queue_event(int64_t ws_id, const char *type, const char *payload, bool commit)
{
	struct db_conn *c;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_begin(c), ADV_OK);
	assert_int_equal(outbox_event(c, ws_id, type, payload), ADV_OK);
	if (commit)
		assert_int_equal(db_commit(c), ADV_OK);
	else
		db_rollback(c);
	db_release(h->db, c);
	if (commit)
		outbound_wake_all();
}

/* Asserts that method on path with body as the owner answers status naming pointer. */
static void
expect_error(const char *method, const char *path, const char *body, long status,
	     const char *pointer)
{
	struct hresp r;

	assert_int_equal(hjson(h, method, path, U_OWNER, body, &r), status);
	if (pointer != NULL && !hresp_has_pointer(&r, pointer))
		fprintf(stderr, "# %s %s %s: no %s in %s\n", method, path, body, pointer, r.body);
	if (pointer != NULL)
		assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
}

static void
test_endpoints(void **state)
{
	json_t *e, *j;
	struct hresp r;
	char path[128], etag[32], stale[32], *loc;
	const char *hdr_stale[2] = {stale, NULL}, *hdr_ok[2] = {etag, NULL};
	int64_t id;

	(void)state;
	assert_int_equal(hjson(h, "POST", WS "/webhooks", U_OWNER,
			       "{\"url\":\"https://hooks.example.test/advocate?x=1\","
			       "\"events\":[\"request.created\",\"request.rated\"]}",
			       &r),
			 201);
	e = json_incref(r.json);
	loc = hresp_header(&r, "Location");
	id = num(e, "id");
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
	assert_non_null(loc);
	assert_string_equal(loc, path);
	free(loc);
	hresp_free(&r);
	/* The secret is answered once, on registration. */
	assert_non_null(str(e, "secret"));
	assert_true(strncmp(str(e, "secret"), OUTBOX_SECRET_PREFIX, 6) == 0);
	assert_true(strlen(str(e, "secret")) > 40);
	assert_true(json_is_true(json_object_get(e, "active")));
	assert_int_equal(num(e, "version"), 1);
	assert_int_equal(num(e, "created_by"), h->user_id[U_OWNER]);
	assert_int_equal(json_array_size(json_object_get(e, "events")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "events"), 1)),
			    "request.rated");
	j = hcall(h, "GET", path, U_OWNER, NULL, NULL, 200);
	assert_null(json_object_get(j, "secret"));
	assert_string_equal(str(j, "url"), "https://hooks.example.test/advocate?x=1");
	json_decref(j);
	j = hcall(h, "GET", WS "/webhooks", U_OWNER, NULL, NULL, 200);
	assert_true(json_array_size(json_object_get(j, "items")) >= 1);
	for (size_t i = 0; i < json_array_size(json_object_get(j, "items")); i++)
		assert_null(
		    json_object_get(json_array_get(json_object_get(j, "items"), i), "secret"));
	json_decref(j);
	/* Edits with If-Match: a stale version is refused and changes nothing. */
	snprintf(stale, sizeof(stale), "If-Match: \"7\"");
	snprintf(etag, sizeof(etag), "If-Match: \"1\"");
	json_decref(hcall(h, "PATCH", path, U_OWNER, "{\"active\":false}", hdr_stale, 412));
	j = hcall(h, "PATCH", path, U_OWNER,
		  "{\"url\":\"http://hooks.example.test:8080/v2\",\"events\":[\"request.message\"],"
		  "\"active\":false}",
		  hdr_ok, 200);
	assert_int_equal(num(j, "version"), 2);
	assert_string_equal(str(j, "url"), "http://hooks.example.test:8080/v2");
	assert_false(json_is_true(json_object_get(j, "active")));
	assert_int_equal(json_array_size(json_object_get(j, "events")), 1);
	assert_null(json_object_get(j, "secret"));
	json_decref(j);
	/* A patch that changes nothing keeps the version. */
	j = hcall(h, "PATCH", path, U_OWNER, "{\"active\":false}", NULL, 200);
	assert_int_equal(num(j, "version"), 2);
	json_decref(j);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, hdr_ok, 412));
	snprintf(etag, sizeof(etag), "If-Match: \"2\"");
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, hdr_ok, 204));
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
	json_decref(e);
}

static void
test_validation(void **state)
{
	static const char *const bad_urls[] = {
	    "ftp://hooks.example.test/x",
	    "https://user:secret@hooks.example.test/x",
	    "https://token@hooks.example.test/x",
	    "http:///nohost",
	    "hooks.example.test/x",
	    "https://hooks.example.test/a b",
	    "https://hooks.example.test/#frag",
	    "javascript:alert(1)",
	    "",
	};
	char body[4096], path[128];
	json_t *e;
	int64_t id;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
		snprintf(body, sizeof(body), "{\"url\":\"%s\",\"events\":[\"request.created\"]}",
			 bad_urls[i]);
		expect_error("POST", WS "/webhooks", body, 422, "/url");
	}
	/* Too long. */
	snprintf(body, sizeof(body),
		 "{\"url\":\"https://hooks.example.test/%0*d\",\"events\":"
		 "[\"request.created\"]}",
		 OUTBOX_URL_MAX, 0);
	expect_error("POST", WS "/webhooks", body, 422, "/url");
	expect_error("POST", WS "/webhooks", "{\"events\":[\"request.created\"]}", 422, "/url");
	expect_error("POST", WS "/webhooks", "{\"url\":\"https://h.example.test/\"}", 422,
		     "/events");
	expect_error("POST", WS "/webhooks", "{\"url\":\"https://h.example.test/\",\"events\":[]}",
		     422, "/events");
	expect_error("POST", WS "/webhooks",
		     "{\"url\":\"https://h.example.test/\",\"events\":[\"request.created\","
		     "\"request.deleted\"]}",
		     422, "/events/1");
	expect_error("POST", WS "/webhooks",
		     "{\"url\":\"https://h.example.test/\",\"events\":\"request.created\"}", 422,
		     "/events");
	expect_error("POST", WS "/webhooks",
		     "{\"url\":\"https://h.example.test/\",\"events\":[\"request.created\"],"
		     "\"active\":\"yes\"}",
		     422, "/active");
	expect_error("POST", WS "/webhooks",
		     "{\"url\":\"https://h.example.test/\",\"events\":[\"request.created\"],"
		     "\"secret\":\"mine\"}",
		     422, "/secret");
	expect_error("POST", WS "/webhooks", "{\"url\":", 400, NULL);
	/* Patches are checked the same way, and a failed one changes nothing. */
	e = endpoint_new(WS, U_OWNER, "https://h.example.test/ok", "[\"request.created\"]", true);
	id = num(e, "id");
	json_decref(e);
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
	expect_error("PATCH", path, "{\"url\":\"https://a:b@h.example.test/\"}", 422, "/url");
	expect_error("PATCH", path, "{\"events\":[]}", 422, "/events");
	expect_error("PATCH", path, "{\"url\":null}", 422, "/url");
	expect_error("PATCH", path, "{\"events\":[\"ping\"]}", 422, "/events/0");
	e = hcall(h, "GET", path, U_OWNER, NULL, NULL, 200);
	assert_int_equal(num(e, "version"), 1);
	assert_string_equal(str(e, "url"), "https://h.example.test/ok");
	json_decref(e);
	/* The log's limit. */
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries?limit=0", (long long)id);
	expect_error("GET", path, NULL, 422, NULL);
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries?limit=501", (long long)id);
	expect_error("GET", path, NULL, 422, NULL);
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries?cursor=x", (long long)id);
	expect_error("GET", path, NULL, 422, NULL);
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
}

static void
test_endpoint_limit(void **state)
{
	json_t *list, *item;
	int64_t ids[OUTBOX_ENDPOINTS_MAX];
	unsigned n = 0;
	size_t i;
	char path[128];

	(void)state;
	/* Workspace "other" is used by nothing else here. */
	list = hcall(h, "GET", WS_OTHER "/webhooks", U_OTHER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
	json_decref(list);
	for (; n < OUTBOX_ENDPOINTS_MAX; n++) {
		json_t *e = endpoint_new(WS_OTHER, U_OTHER, "https://h.example.test/many",
					 "[\"request.created\"]", true);

		ids[n] = num(e, "id");
		json_decref(e);
	}
	json_decref(hcall(h, "POST", WS_OTHER "/webhooks", U_OTHER,
			  "{\"url\":\"https://h.example.test/one-more\",\"events\":"
			  "[\"request.created\"]}",
			  NULL, 409));
	list = hcall(h, "GET", WS_OTHER "/webhooks", U_OTHER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(list, "items")), OUTBOX_ENDPOINTS_MAX);
	json_array_foreach(json_object_get(list, "items"), i, item)
	    assert_int_equal(num(item, "id"), ids[i]);
	json_decref(list);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), WS_OTHER "/webhooks/%lld", (long long)ids[i]);
		json_decref(hcall(h, "DELETE", path, U_OTHER, NULL, NULL, 204));
	}
}

static void
test_roles(void **state)
{
	static const int refused[] = {U_ANALYST, U_MANAGER, U_VIEWER};
	const char *body =
	    "{\"url\":\"https://h.example.test/r\",\"events\":[\"request.created\"]}";
	char path[160], url[64];
	json_t *e;
	int64_t id, did;

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/roles", dead_port());
	e = endpoint_new(WS, U_OWNER, url, "[\"request.created\"]", false);
	id = num(e, "id");
	json_decref(e);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int u = refused[i];

		json_decref(hcall(h, "GET", WS "/webhooks", u, NULL, NULL, 403));
		json_decref(hcall(h, "POST", WS "/webhooks", u, body, NULL, 403));
		snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
		json_decref(hcall(h, "GET", path, u, NULL, NULL, 403));
		json_decref(hcall(h, "PATCH", path, u, "{\"active\":true}", NULL, 403));
		json_decref(hcall(h, "DELETE", path, u, NULL, NULL, 403));
		snprintf(path, sizeof(path), WS "/webhooks/%lld/test", (long long)id);
		json_decref(hcall(h, "POST", path, u, NULL, NULL, 403));
		snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries", (long long)id);
		json_decref(hcall(h, "GET", path, u, NULL, NULL, 403));
		snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries/1/retry", (long long)id);
		json_decref(hcall(h, "POST", path, u, NULL, NULL, 403));
	}
	/* Without a session or token: 401; a member of another workspace: not found. */
	json_decref(hcall(h, "GET", WS "/webhooks", U__MAX, NULL, NULL, 401));
	json_decref(hcall(h, "GET", WS "/webhooks", U_OTHER, NULL, NULL, 404));
	/* Instance admins act as owners. */
	json_decref(hcall(h, "GET", WS "/webhooks", U_ADMIN, NULL, NULL, 200));
	/* An inactive endpoint takes no test delivery; nothing was queued by the refusals. */
	snprintf(path, sizeof(path), WS "/webhooks/%lld/test", (long long)id);
	json_decref(hcall(h, "POST", path, U_OWNER, NULL, NULL, 409));
	e = deliveries(id);
	assert_int_equal(json_array_size(json_object_get(e, "items")), 0);
	json_decref(e);
	/* Activated, it takes one (the worker may try it; nothing listens there). */
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
	json_decref(hcall(h, "PATCH", path, U_OWNER, "{\"active\":true}", NULL, 200));
	snprintf(path, sizeof(path), WS "/webhooks/%lld/test", (long long)id);
	e = hcall(h, "POST", path, U_ADMIN, NULL, NULL, 202);
	did = num(e, "id");
	assert_true(did > 0);
	assert_string_equal(str(e, "event"), "ping");
	json_decref(e);
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
}

static void
test_foreign_ids(void **state)
{
	struct receiver *rx = receiver_start(0);
	json_t *e, *d;
	int64_t theirs, mine, did;
	char path[200];

	(void)state;
	e = endpoint_new(WS_OTHER, U_OTHER, rx->url, "[\"request.created\"]", true);
	theirs = num(e, "id");
	json_decref(e);
	snprintf(path, sizeof(path), WS_OTHER "/webhooks/%lld/test", (long long)theirs);
	d = hcall(h, "POST", path, U_OTHER, NULL, NULL, 202);
	did = num(d, "id");
	json_decref(d);
	e = endpoint_new(WS, U_OWNER, rx->url, "[\"request.created\"]", true);
	mine = num(e, "id");
	json_decref(e);
	/* Their endpoint through acme: not found, whatever the method. */
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)theirs);
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", path, U_OWNER, "{\"active\":false}", NULL, 404));
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 404));
	snprintf(path, sizeof(path), WS "/webhooks/%lld/test", (long long)theirs);
	json_decref(hcall(h, "POST", path, U_OWNER, NULL, NULL, 404));
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries", (long long)theirs);
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries/%lld/retry", (long long)theirs,
		 (long long)did);
	json_decref(hcall(h, "POST", path, U_OWNER, NULL, NULL, 404));
	/* Their delivery through my endpoint: not found either. */
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries/%lld/retry", (long long)mine,
		 (long long)did);
	json_decref(hcall(h, "POST", path, U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "POST", WS "/webhooks/99999999/test", U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", WS "/webhooks/abc", U_OWNER, NULL, NULL, 404));
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries/x/retry", (long long)mine);
	json_decref(hcall(h, "POST", path, U_OWNER, NULL, NULL, 404));
	/* Their endpoint is unchanged and its test delivery went only to its URL. */
	receiver_wait(rx, 1);
	snprintf(path, sizeof(path), WS_OTHER "/webhooks/%lld", (long long)theirs);
	e = hcall(h, "GET", path, U_OTHER, NULL, NULL, 200);
	assert_true(json_is_true(json_object_get(e, "active")));
	json_decref(e);
	json_decref(hcall(h, "DELETE", path, U_OTHER, NULL, NULL, 204));
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)mine);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
	receiver_stop(rx);
}

static void
test_signed_delivery(void **state)
{
	struct receiver *rx = receiver_start(0);
	json_t *e, *log, *d, *body, *it;
	char secret[OUTBOX_SECRET_MAX], value[256], path[128];
	const struct rx_req *q;
	int64_t id;

	(void)state;
	e = endpoint_new(WS, U_OWNER, rx->url, "[\"request.created\",\"request.rated\"]", true);
	id = num(e, "id");
	snprintf(secret, sizeof(secret), "%s", str(e, "secret"));
	json_decref(e);
	/* Not subscribed: nothing is queued. Subscribed: one delivery, signed. */
	queue_event(h->ws_acme, "request.message", "{\"request\":{\"id\":1}}", true);
	queue_event(h->ws_acme, "request.created",
		    "{\"request\":{\"id\":42,\"subject\":\"Сломался станок\"}}", true);
	receiver_wait(rx, 1);
	q = &rx->reqs[0];
	assert_true(strncmp(q->head, "POST /hook HTTP/1.1\r\n", 21) == 0);
	assert_true(head_value(q->head, "Content-Type", value, sizeof(value)));
	assert_string_equal(value, "application/json");
	assert_true(head_value(q->head, "X-Advocate-Event", value, sizeof(value)));
	assert_string_equal(value, "request.created");
	assert_true(head_value(q->head, "X-Advocate-Delivery", value, sizeof(value)));
	check_signature(q, secret);
	body = json_loads(q->body, 0, NULL);
	assert_non_null(body);
	assert_int_equal(num(body, "id"), strtoll(value, NULL, 10));
	assert_string_equal(str(body, "type"), "request.created");
	assert_string_equal(str(body, "workspace"), "acme");
	assert_non_null(str(body, "created_at"));
	it = json_object_get(json_object_get(body, "data"), "request");
	assert_int_equal(num(it, "id"), 42);
	assert_string_equal(str(it, "subject"), "Сломался станок");
	/* The log says so: one delivery, delivered on the first attempt. */
	d = delivery_wait(id, num(body, "id"), "delivered");
	assert_int_equal(num(d, "attempts"), 1);
	assert_int_equal(num(d, "last_status_code"), 200);
	assert_true(json_is_null(json_object_get(d, "last_error")));
	assert_true(json_is_null(json_object_get(d, "next_attempt_at")));
	assert_non_null(str(d, "delivered_at"));
	assert_string_equal(str(d, "event"), "request.created");
	assert_int_equal(num(json_object_get(json_object_get(d, "payload"), "request"), "id"), 42);
	json_decref(d);
	json_decref(body);
	log = deliveries(id);
	assert_int_equal(json_array_size(json_object_get(log, "items")), 1);
	json_decref(log);
	/* A second event: the log lists the newest first and pages with limit and cursor. */
	queue_event(h->ws_acme, "request.rated", "{\"request\":{\"id\":42},\"rating\":5}", true);
	receiver_wait(rx, 2);
	check_signature(&rx->reqs[1], secret);
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries?limit=1", (long long)id);
	log = hcall(h, "GET", path, U_OWNER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(log, "items")), 1);
	it = json_array_get(json_object_get(log, "items"), 0);
	assert_string_equal(str(it, "event"), "request.rated");
	assert_non_null(str(log, "next_cursor"));
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries?limit=1&cursor=%s",
		 (long long)id, str(log, "next_cursor"));
	json_decref(log);
	log = hcall(h, "GET", path, U_OWNER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(log, "items")), 1);
	assert_string_equal(str(json_array_get(json_object_get(log, "items"), 0), "event"),
			    "request.created");
	json_decref(log);
	/* Bad input to outbox_event. */
	{
		struct db_conn *c;

		assert_int_equal(db_acquire(h->db, &c), ADV_OK);
		assert_int_equal(outbox_event(c, h->ws_acme, "request.deleted", "{}"), ADV_EINVAL);
		assert_int_equal(outbox_event(c, h->ws_acme, "request.created", "[1]"), ADV_EINVAL);
		assert_int_equal(outbox_event(c, h->ws_acme, "request.created", "{"), ADV_EINVAL);
		assert_int_equal(outbox_event(c, h->ws_acme, "request.created", NULL), ADV_EINVAL);
		db_release(h->db, c);
	}
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
	receiver_stop(rx);
}

static void
test_inactive_and_rollback(void **state)
{
	struct receiver *on = receiver_start(0), *off = receiver_start(0);
	json_t *e, *log;
	int64_t on_id, off_id;
	char path[128], value[64];
	uint64_t passes;

	(void)state;
	e = endpoint_new(WS, U_OWNER, on->url, "[\"request.resolved\"]", true);
	on_id = num(e, "id");
	json_decref(e);
	e = endpoint_new(WS, U_OWNER, off->url, "[\"request.resolved\"]", false);
	off_id = num(e, "id");
	json_decref(e);
	/* Rolled back: nothing exists; committed: one delivery, to the active endpoint only. */
	queue_event(h->ws_acme, "request.resolved", "{\"request\":{\"id\":1},\"rolled\":true}",
		    false);
	queue_event(h->ws_acme, "request.resolved", "{\"request\":{\"id\":2}}", true);
	receiver_wait(on, 1);
	/* Two full passes of the worker after the commit: everything due has been seen. */
	passes = outbound_worker_passes(worker);
	while (outbound_worker_passes(worker) < passes + 2)
		sleep_ms(5);
	assert_int_equal(receiver_count(on), 1);
	assert_int_equal(receiver_count(off), 0);
	assert_null(strstr(on->reqs[0].body, "rolled"));
	assert_true(head_value(on->reqs[0].head, "X-Advocate-Event", value, sizeof(value)));
	assert_string_equal(value, "request.resolved");
	log = deliveries(on_id);
	assert_int_equal(json_array_size(json_object_get(log, "items")), 1);
	json_decref(log);
	log = deliveries(off_id);
	assert_int_equal(json_array_size(json_object_get(log, "items")), 0);
	json_decref(log);
	/* Another workspace's events never reach acme's endpoints. */
	queue_event(h->ws_other, "request.resolved", "{\"request\":{\"id\":3}}", true);
	passes = outbound_worker_passes(worker);
	while (outbound_worker_passes(worker) < passes + 2)
		sleep_ms(5);
	assert_int_equal(receiver_count(on), 1);
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)on_id);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)off_id);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
	receiver_stop(on);
	receiver_stop(off);
}

static void
test_retry_backoff(void **state)
{
	struct receiver *rx = receiver_start(T_ATTEMPTS - 1);
	json_t *e, *d;
	int64_t id, did;
	char path[128], first[32], value[32];

	(void)state;
	e = endpoint_new(WS, U_OWNER, rx->url, "[\"request.created\"]", true);
	id = num(e, "id");
	json_decref(e);
	snprintf(path, sizeof(path), WS "/webhooks/%lld/test", (long long)id);
	d = hcall(h, "POST", path, U_OWNER, NULL, NULL, 202);
	did = num(d, "id");
	assert_string_equal(str(d, "status"), "pending");
	assert_int_equal(num(d, "attempts"), 0);
	assert_int_equal(num(json_object_get(d, "payload"), "endpoint_id"), id);
	json_decref(d);
	/* Three failures, then success on the last attempt allowed. */
	receiver_wait(rx, T_ATTEMPTS);
	d = delivery_wait(id, did, "delivered");
	assert_int_equal(num(d, "attempts"), T_ATTEMPTS);
	assert_int_equal(num(d, "last_status_code"), 200);
	json_decref(d);
	/* The pauses grow: at least 200, 400 and 800 ms between attempts. */
	for (unsigned i = 1; i < T_ATTEMPTS; i++) {
		int64_t gap = rx->reqs[i].at_ms - rx->reqs[i - 1].at_ms;
		int64_t least = (int64_t)outbound_backoff_ms(i, T_BASE_MS, T_CAP_MS);

		if (gap < least - T_CLOCK_SLACK)
			fprintf(stderr, "# attempt %u came %lld ms after the one before\n", i + 1,
				(long long)gap);
		assert_true(gap >= least - T_CLOCK_SLACK);
		assert_int_equal(rx->reqs[i - 1].answered, 500);
	}
	assert_int_equal(outbound_backoff_ms(2, T_BASE_MS, T_CAP_MS), 2 * T_BASE_MS);
	assert_int_equal(outbound_backoff_ms(30, T_BASE_MS, T_CAP_MS), T_CAP_MS);
	assert_int_equal(outbound_backoff_ms(1, 0, 0), OUTBOUND_BACKOFF_BASE_MS);
	/* Every attempt carried the same delivery id, each with a fresh valid signature. */
	assert_true(head_value(rx->reqs[0].head, "X-Advocate-Delivery", first, sizeof(first)));
	for (unsigned i = 0; i < T_ATTEMPTS; i++) {
		assert_true(
		    head_value(rx->reqs[i].head, "X-Advocate-Delivery", value, sizeof(value)));
		assert_string_equal(value, first);
		assert_true(head_value(rx->reqs[i].head, "X-Advocate-Event", value, sizeof(value)));
		assert_string_equal(value, "ping");
	}
	assert_int_equal(strtoll(first, NULL, 10), did);
	/* A delivered delivery may be sent again by hand. */
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries/%lld/retry", (long long)id,
		 (long long)did);
	d = hcall(h, "POST", path, U_OWNER, NULL, NULL, 202);
	assert_int_equal(num(d, "attempts"), 0);
	json_decref(d);
	receiver_wait(rx, T_ATTEMPTS + 1);
	d = delivery_wait(id, did, "delivered");
	assert_int_equal(num(d, "attempts"), 1);
	json_decref(d);
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
	receiver_stop(rx);
}

static void
test_down_for_good(void **state)
{
	json_t *e, *d;
	int64_t id, did, pending;
	char url[64], path[160];

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/gone", dead_port());
	e = endpoint_new(WS, U_OWNER, url, "[\"request.created\"]", true);
	id = num(e, "id");
	json_decref(e);
	snprintf(path, sizeof(path), WS "/webhooks/%lld/test", (long long)id);
	d = hcall(h, "POST", path, U_OWNER, NULL, NULL, 202);
	did = num(d, "id");
	json_decref(d);
	d = delivery_wait(id, did, "failed");
	assert_int_equal(num(d, "attempts"), T_ATTEMPTS);
	assert_true(json_is_null(json_object_get(d, "last_status_code")));
	assert_non_null(str(d, "last_error"));
	assert_true(strlen(str(d, "last_error")) < OUTBOX_ERROR_MAX);
	assert_null(strstr(str(d, "last_error"), "127.0.0.1"));
	assert_non_null(str(d, "failed_at"));
	assert_true(json_is_null(json_object_get(d, "next_attempt_at")));
	json_decref(d);
	/* Retried by hand: pending again with a fresh count; retrying a pending one is refused. */
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries/%lld/retry", (long long)id,
		 (long long)did);
	d = hcall(h, "POST", path, U_OWNER, NULL, NULL, 202);
	assert_string_equal(str(d, "status"), "pending");
	assert_int_equal(num(d, "attempts"), 0);
	json_decref(d);
	json_decref(hcall(h, "POST", path, U_OWNER, NULL, NULL, 409));
	/* Deactivating the endpoint fails what is pending at once. */
	snprintf(path, sizeof(path), WS "/webhooks/%lld/test", (long long)id);
	d = hcall(h, "POST", path, U_OWNER, NULL, NULL, 202);
	pending = num(d, "id");
	json_decref(d);
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
	json_decref(hcall(h, "PATCH", path, U_OWNER, "{\"active\":false}", NULL, 200));
	d = delivery_find(id, pending);
	assert_string_equal(str(d, "status"), "failed");
	assert_string_equal(str(d, "last_error"), "the endpoint was deactivated");
	json_decref(d);
	d = delivery_find(id, did);
	assert_string_equal(str(d, "status"), "failed");
	json_decref(d);
	/* An inactive endpoint's deliveries are not retried. */
	snprintf(path, sizeof(path), WS "/webhooks/%lld/deliveries/%lld/retry", (long long)id,
		 (long long)did);
	json_decref(hcall(h, "POST", path, U_OWNER, NULL, NULL, 409));
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
}

static void
test_two_workers(void **state)
{
	struct outbound_worker *second = worker_start(NULL);
	struct receiver *rx = receiver_start(0);
	char ids[20][32];
	json_t *e, *log;
	int64_t id;
	char path[128];
	enum { N = 20 };

	(void)state;
	e = endpoint_new(WS, U_OWNER, rx->url, "[\"request.message\"]", true);
	id = num(e, "id");
	json_decref(e);
	for (int i = 0; i < N; i++)
		queue_event(h->ws_acme, "request.message", "{\"message\":{\"id\":1}}", true);
	receiver_wait(rx, N);
	outbound_worker_stop(second);
	/* Each delivery arrived once. */
	assert_int_equal(receiver_count(rx), N);
	for (int i = 0; i < N; i++) {
		assert_true(head_value(rx->reqs[i].head, "X-Advocate-Delivery", ids[i], 32));
		for (int k = 0; k < i; k++)
			assert_string_not_equal(ids[i], ids[k]);
	}
	log = deliveries(id);
	assert_int_equal(json_array_size(json_object_get(log, "items")), N);
	for (int i = 0; i < N; i++) {
		json_t *d = json_array_get(json_object_get(log, "items"), (size_t)i);

		assert_string_equal(str(d, "status"), "delivered");
		assert_int_equal(num(d, "attempts"), 1);
	}
	json_decref(log);
	snprintf(path, sizeof(path), WS "/webhooks/%lld", (long long)id);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
	receiver_stop(rx);
}

/* The state of mail row id: sent_at set, attempts; false when there is no such row. */
static bool
mail_row(int64_t id, bool *sent, int64_t *attempts)
{
	static struct db_sql sql =
	    DB_SQL("SELECT sent_at, attempts FROM mail_outbox WHERE id = ?1");
	struct db_conn *c;
	struct db_stmt *st;
	bool row = false;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st, &row), ADV_OK);
	if (row) {
		*sent = !db_col_null(st, 0);
		*attempts = db_col_int(st, 1);
		db_done(st);
	}
	db_release(h->db, c);
	return row;
}

/* The id of the newest mail row. */
static int64_t
mail_last(void)
{
	static struct db_sql sql = DB_SQL("SELECT MAX(id) FROM mail_outbox");
	struct db_conn *c;
	struct db_stmt *st;
	int64_t id = 0;
	bool row;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	assert_int_equal(db_step(st, &row), ADV_OK);
	if (row) {
		id = db_col_null(st, 0) ? 0 : db_col_int(st, 0);
		db_done(st);
	}
	db_release(h->db, c);
	return id;
}

static void
test_mail(void **state)
{
	static const char subject[] =
	    "Запрос №42 решён: пожалуйста, оцените ответ службы поддержки";
	static const char body[] = "Здравствуйте!\nВаш запрос решён.\n\n.точка в начале строки\n";
	struct sink *s = sink_start();
	struct db_conn *c;
	struct sink_msg *m;
	char value[512], *text;
	unsigned char *decoded;
	size_t dlen = 0, k = 0;
	uint64_t passes;
	int64_t id, attempts = -1;
	bool sent = true;

	(void)state;
	/* Refused input. */
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(outbox_mail(c, h->ws_acme, "not an address", "s", "b"), ADV_EINVAL);
	assert_int_equal(
	    outbox_mail(c, h->ws_acme, "a@example.test\r\nBcc: x@example.test", "s", "b"),
	    ADV_EINVAL);
	assert_int_equal(outbox_mail(c, h->ws_acme, "<a@example.test>", "s", "b"), ADV_EINVAL);
	assert_int_equal(outbox_mail(c, h->ws_acme, "a@example.test", "s\r\nBcc: x", "b"),
			 ADV_EINVAL);
	assert_int_equal(outbox_mail(c, h->ws_acme, "a@example.test", " ", "b"), ADV_EINVAL);
	assert_int_equal(outbox_mail(c, h->ws_acme, "a@example.test", "s", "\x01"), ADV_EINVAL);
	db_release(h->db, c);
	/* The test's worker has no SMTP server: the mail stays queued. */
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_begin(c), ADV_OK);
	assert_int_equal(outbox_mail(c, h->ws_acme, "client@example.test", subject, body), ADV_OK);
	assert_int_equal(db_commit(c), ADV_OK);
	db_release(h->db, c);
	id = mail_last();
	outbound_wake_all();
	passes = outbound_worker_passes(worker);
	while (outbound_worker_passes(worker) < passes + 2)
		sleep_ms(5);
	assert_true(mail_row(id, &sent, &attempts));
	assert_false(sent);
	assert_int_equal(attempts, 0);
	/* A worker with the SMTP sink sends it. */
	outbound_worker_stop(worker);
	worker = worker_start(s->url);
	{
		int64_t until = now_ms() + WAIT_MS;

		while (sink_count(s) < 1 && now_ms() < until)
			sleep_ms(10);
	}
	assert_int_equal(sink_count(s), 1);
	m = &s->msgs[0];
	assert_string_equal(m->from, "<" T_MAIL_FROM ">");
	assert_string_equal(m->rcpt, "<client@example.test>");
	mail_header(m->data, "From", value, sizeof(value));
	assert_string_equal(value, T_MAIL_FROM);
	mail_header(m->data, "To", value, sizeof(value));
	assert_string_equal(value, "client@example.test");
	mail_header(m->data, "Date", value, sizeof(value));
	assert_true(strlen(value) > 20 && strstr(value, "+0000") != NULL);
	mail_header(m->data, "Message-ID", value, sizeof(value));
	assert_true(value[0] == '<' && strstr(value, "@advocate.test>") != NULL);
	mail_header(m->data, "MIME-Version", value, sizeof(value));
	assert_string_equal(value, "1.0");
	mail_header(m->data, "Content-Type", value, sizeof(value));
	assert_string_equal(value, "text/plain; charset=utf-8");
	mail_header(m->data, "Content-Transfer-Encoding", value, sizeof(value));
	assert_string_equal(value, "base64");
	mail_header(m->data, "Subject", value, sizeof(value));
	assert_true(strncmp(value, "=?UTF-8?B?", 10) == 0);
	{
		char decoded_subject[512];

		subject_decode(value, decoded_subject, sizeof(decoded_subject));
		assert_string_equal(decoded_subject, subject);
	}
	/* Every header line stays within 78 characters; the body decodes to the text, CRLF. */
	for (const char *p = m->data; p < strstr(m->data, "\r\n\r\n"); p = strstr(p, "\r\n") + 2)
		assert_true(strstr(p, "\r\n") - p <= 78);
	text = strstr(m->data, "\r\n\r\n") + 4;
	decoded = calloc(1, strlen(text) + 1);
	assert_non_null(decoded);
	assert_int_equal(sodium_base642bin(decoded, strlen(text), text, strlen(text), "\r\n", &dlen,
					   NULL, sodium_base64_VARIANT_ORIGINAL),
			 0);
	decoded[dlen] = '\0';
	{
		char want[256];

		for (const char *p = body; *p != '\0'; p++) {
			if (*p == '\n')
				want[k++] = '\r';
			want[k++] = *p;
		}
		want[k] = '\0';
		assert_string_equal((char *)decoded, want);
	}
	free(decoded);
	{
		int64_t until = now_ms() + WAIT_MS;

		while (mail_row(id, &sent, &attempts) && !sent && now_ms() < until)
			sleep_ms(10);
	}
	assert_true(sent);
	assert_int_equal(attempts, 1);
	sink_stop(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_endpoints),
	    cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_endpoint_limit),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_foreign_ids),
	    cmocka_unit_test(test_signed_delivery),
	    cmocka_unit_test(test_inactive_and_rollback),
	    cmocka_unit_test(test_retry_backoff),
	    cmocka_unit_test(test_down_for_good),
	    cmocka_unit_test(test_two_workers),
	    cmocka_unit_test(test_mail),
	};
	int failed;

	if (sodium_init() < 0)
		return 1;
	h = harness_start(0);
	worker = worker_start(NULL);
	failed = cmocka_run_group_tests_name("api_outbound", tests, NULL, NULL);
	outbound_worker_stop(worker);
	harness_stop(h);
	return failed;
}
