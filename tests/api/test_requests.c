/*
 * test_requests.c — the staff side of the dialog window over real HTTP
 * (docs/requests.md): a request recorded for a client with its first
 * message; the inbox's filters (status, kind, company, assignee, component)
 * and its pages; replies that open a new request and stamp the first
 * response, internal notes, and a reply that waits for the client; status
 * changes allowed and refused; assignment and classification with their
 * checks; If-Match; every validation error with its pointer and nothing
 * half-saved; roles; and other workspaces' ids answered 404.
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

#include "core/request.h"
#include "harness.h"
#include "util/clock.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"

static struct harness *h;

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
	char path[128], body[256];

	snprintf(path, sizeof(path), "/api/v1/workspaces/%s/accounts", ws);
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	return create(path, user, body);
}

/* A new contact of account acc of workspace ws, made by user. */
static int64_t
contact(const char *ws, int64_t acc, int user, const char *name)
{
	char path[160], body[256];

	snprintf(path, sizeof(path), "/api/v1/workspaces/%s/accounts/%lld/contacts", ws,
		 (long long)acc);
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"emails\":[\"%s@client.test\"]}", name,
		 name);
	return create(path, user, body);
}

/* A request of account acc recorded by user in acme: kind, subject; its id. */
static int64_t
request(int64_t acc, int user, const char *kind, const char *subject)
{
	char body[512];

	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"kind\":\"%s\",\"subject\":\"%s\","
		 "\"body\":\"Текст обращения: %s\"}",
		 (long long)acc, kind, subject, subject);
	return create(WS "/requests", user, body);
}

/* GET of request id as user (status 200); the JSON. */
static json_t *
get(int64_t id, int user)
{
	char path[128];

	snprintf(path, sizeof(path), WS "/requests/%lld", (long long)id);
	return hcall(h, "GET", path, user, NULL, NULL, 200);
}

/* The string field name of request id. */
static char *
field(int64_t id, const char *name)
{
	json_t *j = get(id, U_VIEWER);
	const char *v = json_string_value(json_object_get(j, name));
	char *out = v ? strdup(v) : NULL;

	json_decref(j);
	return out;
}

/* Asserts request id has status s. */
static void
expect_status(int64_t id, const char *s)
{
	char *v = field(id, "status");

	assert_non_null(v);
	assert_string_equal(v, s);
	free(v);
}

/* Asserts that method on path with body as user answers code naming pointer (NULL: any). */
static void
expect_error(const char *method, const char *path, int user, const char *body, long code,
	     const char *pointer)
{
	struct hresp r;

	assert_int_equal(hjson(h, method, path, user, body, &r), code);
	if (pointer != NULL && !hresp_has_pointer(&r, pointer))
		fprintf(stderr, "# expected pointer %s in %s\n", pointer, r.body);
	if (pointer != NULL)
		assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
}

/* The number of requests GET WS/requests?query lists as the viewer. */
static size_t
count(const char *query)
{
	char path[300];
	json_t *j;
	size_t n;

	snprintf(path, sizeof(path), WS "/requests?%s", query);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	n = json_array_size(json_object_get(j, "items"));
	json_decref(j);
	return n;
}

static void
test_create_and_thread(void **state)
{
	int64_t acc = account("acme", U_OWNER, "Клиент (обращения)");
	int64_t k = contact("acme", acc, U_OWNER, "ivanov");
	char body[512], path[128];
	json_t *j, *thread;
	int64_t id;

	(void)state;
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"contact_id\":%lld,\"kind\":\"complaint\","
		 "\"priority\":\"high\",\"subject\":\"  Рекламация по партии  \","
		 "\"body\":\"Пришли повреждённые коробки\"}",
		 (long long)acc, (long long)k);
	j = hcall(h, "POST", WS "/requests", U_OWNER, body, NULL, 201);
	id = json_integer_value(json_object_get(j, "id"));
	assert_string_equal(json_string_value(json_object_get(j, "status")), "new");
	assert_string_equal(json_string_value(json_object_get(j, "subject")),
			    "Рекламация по партии");
	assert_string_equal(json_string_value(json_object_get(j, "priority")), "high");
	assert_string_equal(json_string_value(json_object_get(j, "channel")), "staff");
	assert_string_equal(json_string_value(json_object_get(j, "contact_name")), "ivanov");
	assert_int_equal(json_integer_value(json_object_get(j, "messages")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	assert_true(json_is_null(json_object_get(j, "first_response_at")));
	json_decref(j);

	/* An internal note: the status stays new, no first response. */
	snprintf(path, sizeof(path), WS "/requests/%lld/messages", (long long)id);
	j = hcall(h, "POST", path, U_OWNER, "{\"body\":\"Проверить склад\",\"internal\":true}",
		  NULL, 201);
	assert_true(json_is_true(json_object_get(json_object_get(j, "message"), "internal")));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "request"), "status")), "new");
	json_decref(j);
	/* The first public reply opens it and stamps the first response. */
	j = hcall(h, "POST", path, U_OWNER, "{\"body\":\"Заменим партию\"}", NULL, 201);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "request"), "status")), "open");
	assert_true(
	    json_is_string(json_object_get(json_object_get(j, "request"), "first_response_at")));
	json_decref(j);
	/* A reply that waits for the client. */
	json_decref(hcall(h, "POST", path, U_OWNER,
			  "{\"body\":\"Пришлите фото\",\"status\":\"waiting\"}", NULL, 201));
	expect_status(id, "waiting");

	j = get(id, U_VIEWER);
	thread = json_object_get(j, "thread");
	assert_int_equal(json_array_size(thread), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(thread, 0), "author")),
			    "client");
	assert_string_equal(json_string_value(json_object_get(json_array_get(thread, 0), "body")),
			    "Пришли повреждённые коробки");
	assert_true(json_is_true(json_object_get(json_array_get(thread, 1), "internal")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(thread, 2), "author")),
			    "staff");
	assert_int_equal(json_integer_value(json_object_get(j, "messages")), 4);
	json_decref(j);

	/* The account's history has the request. */
	snprintf(path, sizeof(path), WS "/accounts/%lld/audit", (long long)acc);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	{
		char *text = json_dumps(j, 0);

		assert_non_null(text);
		assert_non_null(strstr(text, "\"request\""));
		free(text);
	}
	json_decref(j);
}

static void
test_transitions(void **state)
{
	int64_t acc = account("acme", U_OWNER, "Клиент (статусы)");
	int64_t id = request(acc, U_OWNER, "question", "Статусы");
	char path[128], hdr[64];
	const char *hdrs[] = {hdr, NULL};
	struct hresp r;
	json_t *j;

	(void)state;
	snprintf(path, sizeof(path), WS "/requests/%lld", (long long)id);
	/* Nobody moves a request back to new; closing needs a resolution first. */
	expect_error("PATCH", path, U_OWNER, "{\"status\":\"closed\"}", 409, "/status");
	expect_status(id, "new");
	json_decref(hcall(h, "PATCH", path, U_OWNER, "{\"status\":\"open\"}", NULL, 200));
	expect_error("PATCH", path, U_OWNER, "{\"status\":\"new\"}", 409, "/status");
	j = hcall(h, "PATCH", path, U_OWNER, "{\"status\":\"resolved\"}", NULL, 200);
	assert_true(json_is_string(json_object_get(j, "resolved_at")));
	assert_true(json_is_true(json_object_get(j, "can_reopen")));
	json_decref(j);
	j = hcall(h, "PATCH", path, U_OWNER, "{\"status\":\"closed\"}", NULL, 200);
	assert_true(json_is_string(json_object_get(j, "closed_at")));
	json_decref(j);
	/* Staff reopen: counted, the stamps cleared. */
	j = hcall(h, "PATCH", path, U_OWNER, "{\"status\":\"open\"}", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "reopened")), 1);
	assert_true(json_is_null(json_object_get(j, "resolved_at")));
	assert_true(json_is_null(json_object_get(j, "closed_at")));
	json_decref(j);

	/* If-Match: a stale version is 412 and changes nothing. */
	snprintf(hdr, sizeof(hdr), "If-Match: \"1\"");
	assert_int_equal(hreq(h, "PATCH", path, U_OWNER, "application/json",
			      "{\"priority\":\"urgent\"}", 21, hdrs, &r),
			 0);
	assert_int_equal(r.status, 412);
	hresp_free(&r);
	j = get(id, U_VIEWER);
	assert_string_equal(json_string_value(json_object_get(j, "priority")), "normal");
	snprintf(hdr, sizeof(hdr), "If-Match: \"%lld\"",
		 (long long)json_integer_value(json_object_get(j, "version")));
	json_decref(j);
	json_decref(hcall(h, "PATCH", path, U_OWNER, "{\"priority\":\"urgent\"}", hdrs, 200));
	/* A patch that changes nothing keeps the version. */
	j = hcall(h, "PATCH", path, U_OWNER, "{\"priority\":\"urgent\"}", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 6);
	json_decref(j);
}

static void
test_assign_and_classify(void **state)
{
	int64_t acc = account("acme", U_OWNER, "Клиент (классификация)");
	int64_t id = request(acc, U_OWNER, "shipment_problem", "Классификация");
	int64_t comp, comp2, factor, stage;
	char path[128], body[256];
	json_t *j, *cat;

	(void)state;
	cat = hcall(h, "GET", WS "/loyalty/components", U_VIEWER, NULL, NULL, 200);
	comp = json_integer_value(
	    json_object_get(json_array_get(json_object_get(cat, "items"), 0), "id"));
	comp2 = json_integer_value(
	    json_object_get(json_array_get(json_object_get(cat, "items"), 1), "id"));
	json_decref(cat);
	snprintf(path, sizeof(path), WS "/loyalty/factors?component_id=%lld", (long long)comp2);
	cat = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	factor = json_integer_value(
	    json_object_get(json_array_get(json_object_get(cat, "items"), 0), "id"));
	json_decref(cat);
	cat = hcall(h, "GET", WS "/journey", U_VIEWER, NULL, NULL, 200);
	stage = json_integer_value(
	    json_object_get(json_array_get(json_object_get(cat, "stages"), 0), "id"));
	json_decref(cat);
	assert_true(comp > 0 && comp2 > 0 && factor > 0 && stage > 0);

	snprintf(path, sizeof(path), WS "/requests/%lld", (long long)id);
	/* A factor brings its component along. */
	snprintf(body, sizeof(body),
		 "{\"assignee_email\":\"%s\",\"factor_id\":%lld,\"stage_id\":%lld}",
		 h->email[U_MANAGER], (long long)factor, (long long)stage);
	j = hcall(h, "PATCH", path, U_OWNER, body, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "component_id")), comp2);
	assert_int_equal(json_integer_value(json_object_get(j, "factor_id")), factor);
	assert_int_equal(json_integer_value(json_object_get(j, "stage_id")), stage);
	assert_string_equal(json_string_value(json_object_get(j, "assignee_email")),
			    h->email[U_MANAGER]);
	json_decref(j);
	/* A factor of another component than the one named; unknown ids; a non-member. */
	snprintf(body, sizeof(body), "{\"component_id\":%lld,\"factor_id\":%lld}", (long long)comp,
		 (long long)factor);
	expect_error("PATCH", path, U_OWNER, body, 422, "/factor_id");
	expect_error("PATCH", path, U_OWNER, "{\"component_id\":999999}", 422, "/component_id");
	expect_error("PATCH", path, U_OWNER, "{\"stage_id\":999999}", 422, "/stage_id");
	expect_error("PATCH", path, U_OWNER, "{\"assignee_email\":\"nobody@example.test\"}", 422,
		     "/assignee_email");
	snprintf(body, sizeof(body), "{\"assignee_email\":\"%s\"}", h->email[U_OTHER]);
	expect_error("PATCH", path, U_OWNER, body, 422, "/assignee_email");
	/* Nothing of that was saved. */
	j = get(id, U_VIEWER);
	assert_int_equal(json_integer_value(json_object_get(j, "component_id")), comp2);
	assert_string_equal(json_string_value(json_object_get(j, "assignee_email")),
			    h->email[U_MANAGER]);
	json_decref(j);
	/* Filters: assignee, component; null clears. */
	snprintf(body, sizeof(body), "assignee=%s&component_id=%lld", h->email[U_MANAGER],
		 (long long)comp2);
	assert_int_equal(count(body), 1);
	j = hcall(h, "GET", WS "/requests?assignee=me", U_MANAGER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	json_decref(hcall(h, "PATCH", path, U_OWNER,
			  "{\"assignee_email\":null,\"factor_id\":null,\"component_id\":null}",
			  NULL, 200));
	assert_int_equal(count(body), 0);
}

static void
test_inbox_filters_and_pages(void **state)
{
	int64_t a1 = account("acme", U_OWNER, "Клиент (фильтры 1)");
	int64_t a2 = account("acme", U_OWNER, "Клиент (фильтры 2)");
	char q[128], path[256];
	const char *cursor;
	json_t *j;
	int64_t ids[7];
	size_t seen = 0;

	(void)state;
	for (int i = 0; i < 7; i++)
		ids[i] =
		    request(i % 2 ? a2 : a1, U_OWNER, i < 3 ? "praise" : "suggestion", "Фильтры");
	snprintf(q, sizeof(q), "account_id=%lld", (long long)a1);
	assert_int_equal(count(q), 4);
	snprintf(q, sizeof(q), "account_id=%lld&kind=praise", (long long)a2);
	assert_int_equal(count(q), 1);
	snprintf(path, sizeof(path), WS "/requests/%lld", (long long)ids[0]);
	json_decref(hcall(h, "PATCH", path, U_OWNER, "{\"status\":\"resolved\"}", NULL, 200));
	snprintf(q, sizeof(q), "account_id=%lld&status=new,open", (long long)a1);
	assert_int_equal(count(q), 3);
	snprintf(q, sizeof(q), "account_id=%lld&status=resolved&status=new", (long long)a1);
	assert_int_equal(count(q), 4);
	snprintf(q, sizeof(q), "account_id=%lld&assignee=none", (long long)a1);
	assert_int_equal(count(q), 4);

	/* Pages of two, newest activity first, each request once. */
	snprintf(path, sizeof(path), WS "/requests?account_id=%lld&limit=2", (long long)a2);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	for (;;) {
		json_t *items = json_object_get(j, "items");

		seen += json_array_size(items);
		cursor = json_string_value(json_object_get(j, "next_cursor"));
		if (cursor == NULL)
			break;
		snprintf(path, sizeof(path), WS "/requests?account_id=%lld&limit=2&cursor=%s",
			 (long long)a2, cursor);
		json_decref(j);
		j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	}
	json_decref(j);
	assert_int_equal(seen, 3);
	assert_int_equal(
	    json_integer_value(json_object_get(
		json_array_get(json_object_get((j = hcall(h, "GET", WS "/requests?limit=1",
							  U_VIEWER, NULL, NULL, 200)),
					       "items"),
			       0),
		"id")),
	    ids[6]);
	json_decref(j);

	/* Bad filters name the parameter. */
	expect_error("GET", WS "/requests?status=done", U_VIEWER, NULL, 422, NULL);
	expect_error("GET", WS "/requests?kind=spam", U_VIEWER, NULL, 422, NULL);
	expect_error("GET", WS "/requests?assignee=x@y.z", U_VIEWER, NULL, 422, NULL);
	expect_error("GET", WS "/requests?cursor=abc", U_VIEWER, NULL, 422, NULL);
	expect_error("GET", WS "/requests?limit=501", U_VIEWER, NULL, 422, NULL);
}

static void
test_validation(void **state)
{
	int64_t acc = account("acme", U_OWNER, "Клиент (проверки)");
	int64_t other_acc = account("other", U_OTHER, "Чужой клиент (проверки)");
	int64_t k_other = contact("other", other_acc, U_OTHER, "stranger");
	int64_t id = request(acc, U_OWNER, "other", "Проверки");
	char body[512], path[128], big[REQUEST_BODY_MAX + 64];
	json_t *j;

	(void)state;
	expect_error("POST", WS "/requests", U_OWNER,
		     "{\"account_id\":1,\"kind\":\"question\",\"subject\":\"x\"}", 422, "/body");
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"kind\":\"spam\",\"subject\":\"x\",\"body\":\"y\"}",
		 (long long)acc);
	expect_error("POST", WS "/requests", U_OWNER, body, 422, "/kind");
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"kind\":\"question\",\"subject\":\"   \",\"body\":\"y\"}",
		 (long long)acc);
	expect_error("POST", WS "/requests", U_OWNER, body, 422, "/subject");
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"kind\":\"question\",\"subject\":\"x\",\"body\":\"y\","
		 "\"colour\":\"red\"}",
		 (long long)acc);
	expect_error("POST", WS "/requests", U_OWNER, body, 422, "/colour");
	snprintf(body, sizeof(body),
		 "{\"account_id\":\"%lld\",\"kind\":\"question\",\"subject\":\"x\",\"body\":\"y\"}",
		 (long long)acc);
	expect_error("POST", WS "/requests", U_OWNER, body, 422, "/account_id");
	/* Another workspace's company or person. */
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"kind\":\"question\",\"subject\":\"x\",\"body\":\"y\"}",
		 (long long)other_acc);
	expect_error("POST", WS "/requests", U_OWNER, body, 422, "/account_id");
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"contact_id\":%lld,\"kind\":\"question\",\"subject\":"
		 "\"x\",\"body\":\"y\"}",
		 (long long)acc, (long long)k_other);
	expect_error("POST", WS "/requests", U_OWNER, body, 422, "/contact_id");
	/* Invalid UTF-8 and a body over its limit. */
	expect_error("POST", WS "/requests", U_OWNER,
		     "{\"account_id\":1,\"kind\":\"question\",\"subject\":\"\xff\",\"body\":\"y\"}",
		     400, NULL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "{\"body\":\"", 9);
	memcpy(big + sizeof(big) - 3, "\"}", 2);
	snprintf(path, sizeof(path), WS "/requests/%lld/messages", (long long)id);
	expect_error("POST", path, U_OWNER, big, 422, "/body");
	/* A note that would change the status; a status a reply cannot set. */
	expect_error("POST", path, U_OWNER,
		     "{\"body\":\"x\",\"internal\":true,\"status\":\"waiting\"}", 422, "/status");
	expect_error("POST", path, U_OWNER, "{\"body\":\"x\",\"status\":\"closed\"}", 422,
		     "/status");
	expect_error("POST", path, U_OWNER, "{\"body\":\"x\",\"internal\":\"yes\"}", 422,
		     "/internal");
	/* Nothing of that was saved. */
	j = get(id, U_VIEWER);
	assert_int_equal(json_integer_value(json_object_get(j, "messages")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "new");
	json_decref(j);
}

static void
test_roles_and_foreign_ids(void **state)
{
	int64_t mine = account("acme", U_MANAGER, "Клиент менеджера (обращения)");
	int64_t theirs = account("acme", U_MANAGER2, "Клиент другого (обращения)");
	int64_t other_acc = account("other", U_OTHER, "Чужой клиент (обращения)");
	int64_t id_mine = request(mine, U_MANAGER, "question", "Свой");
	int64_t id_theirs = request(theirs, U_MANAGER2, "question", "Не свой");
	int64_t id_other;
	char path[160], body[256];

	(void)state;
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"kind\":\"question\",\"subject\":\"x\",\"body\":\"y\"}",
		 (long long)other_acc);
	id_other = create(WS_OTHER "/requests", U_OTHER, body);
	/* A manager writes to their companies' requests only; a viewer reads. */
	snprintf(path, sizeof(path), WS "/requests/%lld/messages", (long long)id_theirs);
	expect_error("POST", path, U_MANAGER, "{\"body\":\"x\"}", 403, NULL);
	snprintf(path, sizeof(path), WS "/requests/%lld/messages", (long long)id_mine);
	json_decref(hcall(h, "POST", path, U_MANAGER, "{\"body\":\"Ответ\"}", NULL, 201));
	expect_error("POST", path, U_VIEWER, "{\"body\":\"x\"}", 403, NULL);
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"kind\":\"question\",\"subject\":\"x\",\"body\":\"y\"}",
		 (long long)theirs);
	expect_error("POST", WS "/requests", U_MANAGER, body, 403, NULL);
	expect_error("POST", WS "/requests", U_VIEWER, body, 403, NULL);

	/* Another workspace's request is not found by any route. */
	snprintf(path, sizeof(path), WS "/requests/%lld", (long long)id_other);
	expect_error("GET", path, U_OWNER, NULL, 404, NULL);
	expect_error("PATCH", path, U_OWNER, "{\"priority\":\"low\"}", 404, NULL);
	snprintf(path, sizeof(path), WS "/requests/%lld/messages", (long long)id_other);
	expect_error("POST", path, U_OWNER, "{\"body\":\"x\"}", 404, NULL);
	snprintf(path, sizeof(path), WS_OTHER "/requests/%lld", (long long)id_mine);
	expect_error("GET", path, U_OTHER, NULL, 404, NULL);
	expect_error("GET", WS_OTHER "/requests", U_OWNER, NULL, 404, NULL);
	expect_error("GET", WS "/requests/abc", U_OWNER, NULL, 404, NULL);
	/* The other workspace's inbox does not list acme's requests. */
	{
		json_t *j = hcall(h, "GET", WS_OTHER "/requests", U_OTHER, NULL, NULL, 200);

		assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
		json_decref(j);
	}
	expect_error("GET", WS "/requests", U__MAX, NULL, 401, NULL);
}

/* t as RFC 3339 UTC text in seconds into out. */
static void
utc_text(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* text (RFC 3339 UTC) plus minutes, into out. */
static void
plus_minutes(const char *text, int minutes, char out[32])
{
	struct tm tm = {0};
	time_t t;

	assert_non_null(strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm));
	t = timegm(&tm) + (time_t)minutes * 60;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The string field name of j (borrowed), or "" when absent or null. */
static const char *
str(json_t *j, const char *name)
{
	const char *v = json_string_value(json_object_get(j, name));

	return v ? v : "";
}

static void
test_service_levels_and_rules(void **state)
{
	int64_t acc = account("acme", U_OWNER, "Клиент (уровни сервиса)");
	char body[2048], path[128], due[32], hdr[64];
	const char *hdrs[] = {hdr, NULL};
	int64_t comp, ids[3], q;
	json_t *j, *cat;

	(void)state;
	j = hcall(h, "GET", WS "/request-settings", U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "reopen_days")), 14);
	assert_string_equal(str(json_object_get(j, "calendar"), "day_start"), "09:00");
	assert_int_equal(json_integer_value(
			     json_object_get(json_object_get(j, "calendar"), "utc_offset_minutes")),
			 180);
	json_decref(j);
	cat = hcall(h, "GET", WS "/loyalty/components", U_VIEWER, NULL, NULL, 200);
	comp = json_integer_value(
	    json_object_get(json_array_get(json_object_get(cat, "items"), 2), "id"));
	json_decref(cat);

	/* Every problem names its place; only owners change the settings. */
	expect_error("PUT", WS "/request-settings", U_OWNER,
		     "{\"calendar\":{\"day_start\":\"25:00\"}}", 422, "/calendar/day_start");
	expect_error("PUT", WS "/request-settings", U_OWNER,
		     "{\"calendar\":{\"day_start\":\"18:00\",\"day_end\":\"09:00\"}}", 422,
		     "/calendar/day_end");
	expect_error("PUT", WS "/request-settings", U_OWNER,
		     "{\"calendar\":{\"workdays\":[\"mon\",\"funday\"]}}", 422,
		     "/calendar/workdays/1");
	expect_error("PUT", WS "/request-settings", U_OWNER,
		     "{\"calendar\":{\"holidays\":[\"2027-02-30\"]}}", 422, "/calendar/holidays/0");
	expect_error("PUT", WS "/request-settings", U_OWNER, "{\"colour\":1}", 422, "/colour");
	expect_error("PUT", WS "/request-settings", U_OWNER,
		     "{\"service_levels\":[{\"kind\":\"spam\"}]}", 422, "/service_levels/0/kind");
	expect_error("PUT", WS "/request-settings", U_OWNER,
		     "{\"service_levels\":[{\"first_response_minutes\":0}]}", 422,
		     "/service_levels/0/first_response_minutes");
	expect_error("PUT", WS "/request-settings", U_OWNER,
		     "{\"service_levels\":[{\"kind\":null},{\"priority\":null}]}", 422,
		     "/service_levels/1");
	snprintf(body, sizeof(body), "{\"assignment_rules\":[{\"members\":[\"%s\"]}]}",
		 h->email[U_OTHER]);
	expect_error("PUT", WS "/request-settings", U_OWNER, body, 422,
		     "/assignment_rules/0/members/0");
	expect_error("PUT", WS "/request-settings", U_OWNER,
		     "{\"assignment_rules\":[{\"component_id\":999999,\"members\":[]}]}", 422,
		     "/assignment_rules/0/component_id");
	expect_error("PUT", WS "/request-settings", U_ANALYST, "{}", 403, NULL);
	j = hcall(h, "GET", WS "/request-settings", U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 0);
	json_decref(j);

	/* Round the clock in UTC, so deadlines are the creation plus the minutes. */
	snprintf(
	    body, sizeof(body),
	    "{\"calendar\":{\"utc_offset_minutes\":0,\"day_start\":\"00:00\",\"day_end\":"
	    "\"24:00\",\"workdays\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]},"
	    "\"reopen_days\":0,"
	    "\"service_levels\":[{\"first_response_minutes\":60,\"resolution_minutes\":480},"
	    "{\"kind\":\"complaint\",\"priority\":\"urgent\",\"first_response_minutes\":15,"
	    "\"resolution_minutes\":120},{\"kind\":\"complaint\",\"resolution_minutes\":240}],"
	    "\"assignment_rules\":[{\"kind\":\"complaint\",\"members\":[\"%s\",\"%s\"]},"
	    "{\"component_id\":%lld,\"members\":[\"%s\"]}]}",
	    h->email[U_MANAGER], h->email[U_MANAGER2], (long long)comp, h->email[U_ANALYST]);
	j = hcall(h, "PUT", WS "/request-settings", U_OWNER, body, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	assert_string_equal(
	    json_string_value(json_array_get(
		json_object_get(json_array_get(json_object_get(j, "assignment_rules"), 0),
				"members"),
		1)),
	    h->email[U_MANAGER2]);
	json_decref(j);
	snprintf(hdr, sizeof(hdr), "If-Match: \"7\"");
	{
		struct hresp r;

		assert_int_equal(hreq(h, "PUT", WS "/request-settings", U_OWNER, "application/json",
				      "{}", 2, hdrs, &r),
				 0);
		assert_int_equal(r.status, 412);
		hresp_free(&r);
	}

	/* The most specific level sets the deadlines; complaints go round the team. */
	for (int i = 0; i < 3; i++) {
		snprintf(body, sizeof(body),
			 "{\"account_id\":%lld,\"kind\":\"complaint\",\"priority\":\"%s\","
			 "\"subject\":\"Сроки %d\",\"body\":\"Жалоба\"}",
			 (long long)acc, i == 0 ? "urgent" : "normal", i);
		j = hcall(h, "POST", WS "/requests", U_OWNER, body, NULL, 201);
		ids[i] = json_integer_value(json_object_get(j, "id"));
		assert_string_equal(str(j, "assignee_email"),
				    h->email[i == 1 ? U_MANAGER2 : U_MANAGER]);
		if (i == 0) {
			plus_minutes(str(j, "created_at"), 15, due);
			assert_string_equal(str(j, "first_response_due_at"), due);
			plus_minutes(str(j, "created_at"), 120, due);
			assert_string_equal(str(j, "resolution_due_at"), due);
		} else {
			assert_true(json_is_null(json_object_get(j, "first_response_due_at")));
			plus_minutes(str(j, "created_at"), 240, due);
			assert_string_equal(str(j, "resolution_due_at"), due);
		}
		assert_false(json_is_true(json_object_get(j, "first_response_breached")));
		json_decref(j);
	}
	/* A priority change moves the deadlines. */
	snprintf(path, sizeof(path), WS "/requests/%lld", (long long)ids[1]);
	j = hcall(h, "PATCH", path, U_OWNER, "{\"priority\":\"urgent\"}", NULL, 200);
	plus_minutes(str(j, "created_at"), 15, due);
	assert_string_equal(str(j, "first_response_due_at"), due);
	json_decref(j);

	/* A question matches no rule until it is classified under the rule's component. */
	q = request(acc, U_OWNER, "question", "Сроки вопроса");
	j = get(q, U_VIEWER);
	assert_true(json_is_null(json_object_get(j, "assignee_email")));
	plus_minutes(str(j, "created_at"), 60, due);
	assert_string_equal(str(j, "first_response_due_at"), due);
	json_decref(j);
	snprintf(path, sizeof(path), WS "/requests/%lld", (long long)q);
	snprintf(body, sizeof(body), "{\"component_id\":%lld}", (long long)comp);
	j = hcall(h, "PATCH", path, U_OWNER, body, NULL, 200);
	assert_string_equal(str(j, "assignee_email"), h->email[U_ANALYST]);
	json_decref(j);

	/* Past its deadline it is overdue and breached; a late answer stays breached. */
	snprintf(
	    body, sizeof(body),
	    "UPDATE requests SET first_response_due_at = '2020-01-01T00:00:00Z' WHERE id = %lld",
	    (long long)q);
	assert_int_equal(harness_sql_exec(h, body), 0);
	snprintf(body, sizeof(body), "account_id=%lld&overdue=true", (long long)acc);
	assert_int_equal(count(body), 1);
	j = get(q, U_VIEWER);
	assert_true(json_is_true(json_object_get(j, "first_response_breached")));
	json_decref(j);
	snprintf(path, sizeof(path), WS "/requests/%lld/messages", (long long)q);
	json_decref(hcall(h, "POST", path, U_OWNER, "{\"body\":\"Поздний ответ\"}", NULL, 201));
	snprintf(body, sizeof(body), "account_id=%lld&overdue=true", (long long)acc);
	assert_int_equal(count(body), 0);
	j = get(q, U_VIEWER);
	assert_true(json_is_true(json_object_get(j, "first_response_breached")));
	assert_false(json_is_true(json_object_get(j, "resolution_breached")));
	json_decref(j);

	/* With no reopening days, a resolved request cannot be reopened by the client. */
	snprintf(path, sizeof(path), WS "/requests/%lld", (long long)q);
	j = hcall(h, "PATCH", path, U_OWNER, "{\"status\":\"resolved\"}", NULL, 200);
	assert_false(json_is_true(json_object_get(j, "can_reopen")));
	json_decref(j);

	/* Past its deadline, the sweep escalates it once to the company's owner. */
	{
		struct db_conn *c;
		unsigned n;
		int64_t mine = account("acme", U_MANAGER, "Клиент менеджера (эскалация)");
		int64_t e = request(mine, U_MANAGER, "praise", "Эскалация");

		snprintf(body, sizeof(body),
			 "UPDATE requests SET first_response_due_at = '2020-01-01T00:00:00Z'"
			 " WHERE id = %lld",
			 (long long)e);
		assert_int_equal(harness_sql_exec(h, body), 0);
		assert_int_equal(db_acquire(h->db, &c), ADV_OK);
		assert_int_equal(request_escalate_due(c, time(NULL), 1000, &n), ADV_OK);
		assert_true(n >= 1);
		assert_int_equal(request_escalate_due(c, time(NULL), 1000, &n), ADV_OK);
		assert_int_equal(n, 0);
		db_release(h->db, c);
		j = get(e, U_VIEWER);
		assert_true(json_is_string(json_object_get(j, "escalated_at")));
		assert_string_equal(str(j, "assignee_email"), h->email[U_MANAGER]);
		assert_true(json_is_true(
		    json_object_get(json_array_get(json_object_get(j, "thread"), 1), "internal")));
		json_decref(j);
	}

	/*
	 * Waiting for the client stops the resolution clock: not overdue nor breached
	 * while it waits past its deadline, and the deadline moves by the time waited.
	 */
	{
		char was[64], since[64], created[32], deadline[32];
		int64_t w = request(acc, U_OWNER, "question", "Ожидание клиента");
		time_t base;

		j = get(w, U_VIEWER);
		snprintf(was, sizeof(was), "%s", str(j, "resolution_due_at"));
		assert_int_equal(json_integer_value(json_object_get(j, "paused_minutes")), 0);
		assert_true(json_is_null(json_object_get(j, "waiting_since")));
		json_decref(j);
		snprintf(path, sizeof(path), WS "/requests/%lld", (long long)w);
		j = hcall(h, "PATCH", path, U_OWNER, "{\"status\":\"waiting\"}", NULL, 200);
		assert_true(json_is_string(json_object_get(j, "waiting_since")));
		json_decref(j);
		/* made 18 hours ago, it began to wait 10 hours ago at its deadline: past due now */
		base = time(NULL) - 18 * 3600;
		utc_text(base, created);
		utc_text(base + 8 * 3600, deadline);
		snprintf(body, sizeof(body),
			 "UPDATE requests SET waiting_since = '%s', created_at = '%s',"
			 " first_response_at = '%s', resolution_due_at = '%s' WHERE id = %lld",
			 deadline, created, created, deadline, (long long)w);
		assert_int_equal(harness_sql_exec(h, body), 0);
		snprintf(body, sizeof(body), "account_id=%lld&overdue=true", (long long)acc);
		assert_int_equal(count(body), 0);
		j = get(w, U_VIEWER);
		assert_false(json_is_true(json_object_get(j, "resolution_breached")));
		snprintf(since, sizeof(since), "%s", str(j, "waiting_since"));
		json_decref(j);
		{
			struct db_conn *c;
			unsigned n;

			assert_int_equal(db_acquire(h->db, &c), ADV_OK);
			assert_int_equal(request_escalate_due(c, time(NULL), 1000, &n), ADV_OK);
			db_release(h->db, c);
			j = get(w, U_VIEWER);
			assert_true(json_is_null(json_object_get(j, "escalated_at")));
			json_decref(j);
		}
		/* back to work: the deadline is later by the minutes waited, round the clock */
		j = hcall(h, "PATCH", path, U_OWNER, "{\"status\":\"open\"}", NULL, 200);
		assert_true(json_is_null(json_object_get(j, "waiting_since")));
		{
			time_t t0, t1, due_t;
			int64_t paused = json_integer_value(json_object_get(j, "paused_minutes"));

			assert_true(clock_parse(since, &t0));
			assert_true(clock_parse(str(j, "updated_at"), &t1));
			assert_true(clock_parse(str(j, "resolution_due_at"), &due_t));
			assert_true(paused >= (t1 - t0) / 60 - 1 && paused <= (t1 - t0) / 60);
			assert_int_equal((int64_t)due_t, (int64_t)base + 8 * 3600 + paused * 60);
			/* a kind change recomputes from creation and keeps the delay */
			json_decref(j);
			j = hcall(h, "PATCH", path, U_OWNER, "{\"kind\":\"other\"}", NULL, 200);
			plus_minutes(created, 480 + (int)paused, due);
			assert_string_equal(str(j, "resolution_due_at"), due);
			assert_int_equal(json_integer_value(json_object_get(j, "paused_minutes")),
					 paused);
		}
		json_decref(j);
		(void)was;
	}

	/* Back to the defaults for the other tests. */
	json_decref(hcall(h, "PUT", WS "/request-settings", U_OWNER, "{}", NULL, 200));
}

static void
test_figures(void **state)
{
	int64_t acc = account("acme", U_OWNER, "Клиент (цифры)");
	int64_t other_acc = account("other", U_OTHER, "Чужой клиент (цифры)");
	int64_t ids[3];
	char path[160];
	json_t *j;

	(void)state;
	ids[0] = request(acc, U_OWNER, "complaint", "Цифры 1");
	ids[1] = request(acc, U_OWNER, "complaint", "Цифры 2");
	ids[2] = request(acc, U_OWNER, "praise", "Цифры 3");
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), WS "/requests/%lld/messages", (long long)ids[i]);
		json_decref(hcall(h, "POST", path, U_OWNER,
				  i == 0 ? "{\"body\":\"Решено\",\"status\":\"resolved\"}"
					 : "{\"body\":\"Смотрим\"}",
				  NULL, 201));
	}
	snprintf(path, sizeof(path), WS "/request-figures?account_id=%lld", (long long)acc);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 3);
	assert_true(json_is_true(json_object_get(j, "small_sample")));
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "by_kind"), "complaint")), 2);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "by_status"), "new")), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "by_status"), "resolved")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "by_company")), 1);
	assert_int_equal(json_integer_value(json_object_get(
			     json_array_get(json_object_get(j, "by_company"), 0), "n")),
			 3);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "first_response"), "n")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "resolution"), "n")),
			 1);
	assert_true(json_is_number(json_object_get(
	    json_object_get(json_object_get(j, "first_response"), "hours"), "p50")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "ratings"), "n")),
			 0);
	assert_true(json_is_null(json_object_get(json_object_get(j, "ratings"), "mean")));
	json_decref(j);
	/* The workspace's figures hold at least these; a period without them, none. */
	j = hcall(h, "GET", WS "/request-figures", U_VIEWER, NULL, NULL, 200);
	assert_true(json_integer_value(json_object_get(j, "n")) >= 3);
	json_decref(j);
	snprintf(path, sizeof(path),
		 WS "/request-figures?account_id=%lld&from=2020-01-01&to=2020-12-31",
		 (long long)acc);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 0);
	json_decref(j);
	expect_error("GET", WS "/request-figures?from=2020-13-01", U_VIEWER, NULL, 422, NULL);
	expect_error("GET", WS "/request-figures?from=2021-01-01&to=2020-01-01", U_VIEWER, NULL,
		     422, NULL);
	snprintf(path, sizeof(path), WS "/request-figures?account_id=%lld", (long long)other_acc);
	expect_error("GET", path, U_VIEWER, NULL, 404, NULL);
	expect_error("GET", WS_OTHER "/request-figures", U_VIEWER, NULL, 404, NULL);
}

/* The id of the component with code in workspace path ws (…/loyalty/components). */
static int64_t
component_by_code(const char *ws, int user, const char *code)
{
	char path[128];
	json_t *j, *items, *it;
	int64_t id = 0;
	size_t i;

	snprintf(path, sizeof(path), "%s/loyalty/components", ws);
	j = hcall(h, "GET", path, user, NULL, NULL, 200);
	items = json_object_get(j, "items");
	json_array_foreach(items, i, it) if (strcmp(str(it, "code"), code) == 0) id =
	    json_integer_value(json_object_get(it, "id"));
	json_decref(j);
	assert_true(id > 0);
	return id;
}

static void
test_classification(void **state)
{
	static const char *const late[] = {
	    "Отгрузка задерживается, машина не приехала", "Доставка сорвана второй раз",
	    "Машина с товаром опоздала на два дня",	  "Отгрузку перенесли, склад не успевает",
	    "Задержка отгрузки, очередь на складе",	  "Грузовик не приехал к сроку"};
	static const char *const price[] = {
	    "Цена в счёте выше согласованной",	       "Скидка не применена к заказу",
	    "Прайс вырос без предупреждения",	       "Счёт выставлен по старой цене",
	    "Просим пересчитать стоимость со скидкой", "Цены выросли на десять процентов"};
	int64_t acc = account("acme", U_OWNER, "Клиент (классификатор)");
	int64_t other_acc = account("other", U_OTHER, "Чужой клиент (классификатор)");
	int64_t shipment = component_by_code(WS, U_VIEWER, "shipment");
	int64_t prices = component_by_code(WS, U_VIEWER, "prices");
	int64_t id, first = 0, ship_factor;
	char path[128], body[256];
	json_t *j, *sug;

	(void)state;
	/* Staff classify: every confirmation teaches the workspace's model. */
	for (int i = 0; i < 6; i++)
		for (int k = 0; k < 2; k++) {
			id = request(acc, U_OWNER, "complaint", k ? price[i] : late[i]);
			if (first == 0)
				first = id;
			snprintf(path, sizeof(path), WS "/requests/%lld", (long long)id);
			snprintf(body, sizeof(body), "{\"component_id\":%lld}",
				 (long long)(k ? prices : shipment));
			json_decref(hcall(h, "PATCH", path, U_OWNER, body, NULL, 200));
		}
	/* A correction moves a request from one label to the other and back. */
	snprintf(path, sizeof(path), WS "/requests/%lld", (long long)first);
	snprintf(body, sizeof(body), "{\"component_id\":%lld}", (long long)prices);
	json_decref(hcall(h, "PATCH", path, U_OWNER, body, NULL, 200));
	snprintf(body, sizeof(body), "{\"component_id\":%lld}", (long long)shipment);
	json_decref(hcall(h, "PATCH", path, U_OWNER, body, NULL, 200));

	/* A new request like the late ones is suggested their component by the model. */
	id = request(acc, U_OWNER, "question", "Машина опять не приехала, отгрузка задерживается");
	j = get(id, U_VIEWER);
	sug = json_object_get(j, "suggestion");
	assert_string_equal(str(sug, "source"), "model");
	assert_int_equal(json_integer_value(json_object_get(sug, "component_id")), shipment);
	assert_true(json_real_value(json_object_get(sug, "confidence")) >= 0.5);
	json_decref(j);
	id = request(acc, U_OWNER, "question", "Скидка не применена, цена в счёте выше");
	j = get(id, U_VIEWER);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "suggestion"), "component_id")),
	    prices);
	json_decref(j);

	/*
	 * Only the late ones were given a factor (one of shipment): a request about prices
	 * is not suggested that factor beside the component prices, and a factor suggested
	 * alone brings its component.
	 */
	snprintf(path, sizeof(path), WS "/loyalty/factors?component_id=%lld", (long long)shipment);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	ship_factor = json_integer_value(
	    json_object_get(json_array_get(json_object_get(j, "items"), 0), "id"));
	json_decref(j);
	assert_true(ship_factor > 0);
	for (int i = 0; i < 6; i++) {
		id = request(acc, U_OWNER, "complaint", late[i]);
		snprintf(path, sizeof(path), WS "/requests/%lld", (long long)id);
		snprintf(body, sizeof(body), "{\"component_id\":%lld,\"factor_id\":%lld}",
			 (long long)shipment, (long long)ship_factor);
		json_decref(hcall(h, "PATCH", path, U_OWNER, body, NULL, 200));
	}
	id = request(acc, U_OWNER, "question",
		     "Цена в счёте выше согласованной, скидка не применена, стоимость выросла, "
		     "прайс по старой цене; машина");
	j = get(id, U_VIEWER);
	sug = json_object_get(j, "suggestion");
	assert_int_equal(json_integer_value(json_object_get(sug, "component_id")), prices);
	if (!json_is_null(json_object_get(sug, "factor_id"))) {
		int64_t f = json_integer_value(json_object_get(sug, "factor_id"));
		json_t *fj;

		assert_int_not_equal(f, ship_factor);
		snprintf(path, sizeof(path), WS "/loyalty/factors/%lld", (long long)f);
		fj = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
		assert_int_equal(json_integer_value(json_object_get(fj, "component_id")), prices);
		json_decref(fj);
	}
	json_decref(j);
	id = request(acc, U_OWNER, "question", "Машина не приехала, отгрузка задерживается");
	j = get(id, U_VIEWER);
	sug = json_object_get(j, "suggestion");
	assert_int_equal(json_integer_value(json_object_get(sug, "component_id")), shipment);
	assert_int_equal(json_integer_value(json_object_get(sug, "factor_id")), ship_factor);
	json_decref(j);

	/* Another workspace has learnt nothing: its catalogue's words answer. */
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"kind\":\"question\",\"subject\":\"Цены\","
		 "\"body\":\"Просим гибкую ценовую политику: цены и ценообразование\"}",
		 (long long)other_acc);
	id = create(WS_OTHER "/requests", U_OTHER, body);
	snprintf(path, sizeof(path), WS_OTHER "/requests/%lld", (long long)id);
	j = hcall(h, "GET", path, U_OTHER, NULL, NULL, 200);
	sug = json_object_get(j, "suggestion");
	assert_string_equal(str(sug, "source"), "keywords");
	assert_int_equal(json_integer_value(json_object_get(sug, "component_id")),
			 component_by_code(WS_OTHER, U_OTHER, "prices"));
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_and_thread),
	    cmocka_unit_test(test_transitions),
	    cmocka_unit_test(test_assign_and_classify),
	    cmocka_unit_test(test_inbox_filters_and_pages),
	    cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_roles_and_foreign_ids),
	    cmocka_unit_test(test_service_levels_and_rules),
	    cmocka_unit_test(test_figures),
	    cmocka_unit_test(test_classification),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_requests", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
