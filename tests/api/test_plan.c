/*
 * test_plan.c — the relationship plan of a client company over real HTTP
 * (docs/account-map.md, "The relationship plan"): actions towards contacts
 * created, listed by due date and merge-patched with If-Match; done_on kept
 * in step with the status; every validation error with its pointer and
 * nothing half-saved; overdue computed against today; the workspace's
 * overdue list per owner (owner=email and owner=me); roles; and other
 * workspaces' or accounts' ids answered 404.
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

#include "harness.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"
#define DAY_S	 86400

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

/* A new account of workspace ws ("acme" or "other") made by user. */
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
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"position\":\"Инженер\"}", name);
	return create(path, user, body);
}

/* Deletes (archives) contact cid of account acc in acme. */
static void
contact_delete(int64_t acc, int64_t cid)
{
	char path[160];

	snprintf(path, sizeof(path), WS "/accounts/%lld/contacts/%lld", (long long)acc,
		 (long long)cid);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
}

/* The actions path of account acc in acme, plus "/xid" when xid > 0 (static buffer). */
static const char *
apath(int64_t acc, int64_t xid)
{
	static char path[256];

	if (xid > 0)
		snprintf(path, sizeof(path), WS "/accounts/%lld/actions/%lld", (long long)acc,
			 (long long)xid);
	else
		snprintf(path, sizeof(path), WS "/accounts/%lld/actions", (long long)acc);
	return path;
}

/* The date offset days from today (UTC), YYYY-MM-DD, in one of four static buffers. */
static const char *
day(int offset)
{
	static char bufs[4][16];
	static unsigned next;
	char *out = bufs[next++ % 4];
	time_t t = time(NULL) + (time_t)offset * DAY_S;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
	return out;
}

/* A POST body for an action: contact, what, due date, and extra fields (",..." or ""). */
static const char *
abody(int64_t cid, const char *what, const char *due, const char *extra)
{
	static char body[2048];

	snprintf(body, sizeof(body), "{\"contact_id\":%lld,\"what\":\"%s\",\"due_on\":\"%s\"%s}",
		 (long long)cid, what, due, extra);
	return body;
}

/* Asserts that method on path with body as the owner answers 422 naming pointer. */
static void
expect_422(const char *method, const char *path, const char *body, const char *pointer)
{
	struct hresp r;

	assert_int_equal(hjson(h, method, path, U_OWNER, body, &r), 422);
	if (!hresp_has_pointer(&r, pointer))
		fprintf(stderr, "# expected pointer %s in %s\n", pointer, r.body);
	assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
}

/* The number of actions account acc lists (with query, e.g. "?status=open", or ""). */
static size_t
count(int64_t acc, const char *query)
{
	char path[300];
	json_t *j;
	size_t n;

	snprintf(path, sizeof(path), "%s%s", apath(acc, 0), query);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	n = json_array_size(json_object_get(j, "items"));
	json_decref(j);
	return n;
}

static const char *
str(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static int64_t
num(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static void
test_create_list_patch(void **state)
{
	const char *const match1[] = {"If-Match: \"1\"", NULL};
	const char *const match2[] = {"If-Match: \"2\"", NULL};
	struct hresp r;
	char *hdr, path[300];
	json_t *j, *items, *e;
	int64_t acc, c1, c2, x1, x2, x3;

	(void)state;
	acc = account("acme", U_OWNER, "Планируемый клиент");
	c1 = contact("acme", acc, U_OWNER, "Ирина Петрова");
	c2 = contact("acme", acc, U_OWNER, "Олег Смирнов");
	/* Defaults: the caller owns it, open, not overdue; what is trimmed. */
	assert_int_equal(hjson(h, "POST", apath(acc, 0), U_OWNER,
			       abody(c1, "  Пригласить на завод  ", day(3), ""), &r),
			 201);
	x1 = num(r.json, "id");
	hdr = hresp_header(&r, "Location");
	assert_string_equal(hdr, apath(acc, x1));
	free(hdr);
	hdr = hresp_header(&r, "ETag");
	assert_string_equal(hdr, "\"1\"");
	free(hdr);
	assert_int_equal(num(r.json, "account_id"), acc);
	assert_int_equal(num(r.json, "contact_id"), c1);
	assert_string_equal(str(r.json, "contact_name"), "Ирина Петрова");
	assert_string_equal(str(r.json, "what"), "Пригласить на завод");
	assert_string_equal(str(r.json, "due_on"), day(3));
	assert_string_equal(str(r.json, "owner_email"), "owner@example.test");
	assert_non_null(str(r.json, "owner_name"));
	assert_string_equal(str(r.json, "status"), "open");
	assert_true(json_is_null(json_object_get(r.json, "done_on")));
	assert_true(json_is_false(json_object_get(r.json, "overdue")));
	assert_int_equal(num(r.json, "version"), 1);
	assert_non_null(str(r.json, "created_at"));
	assert_non_null(str(r.json, "updated_at"));
	hresp_free(&r);
	/* Due yesterday and open: overdue; owner null: nobody. */
	j = hcall(h, "POST", apath(acc, 0), U_OWNER,
		  abody(c2, "Отправить КП", day(-1), ",\"owner_email\":null"), NULL, 201);
	x2 = num(j, "id");
	assert_true(json_is_true(json_object_get(j, "overdue")));
	assert_true(json_is_null(json_object_get(j, "owner_email")));
	assert_true(json_is_null(json_object_get(j, "owner_name")));
	json_decref(j);
	/* Another member as owner, by e-mail in any case. */
	j = hcall(
	    h, "POST", apath(acc, 0), U_ANALYST,
	    abody(c1, "Обсудить условия", day(0), ",\"owner_email\":\"MANAGER@example.test\""),
	    NULL, 201);
	x3 = num(j, "id");
	assert_string_equal(str(j, "owner_email"), "manager@example.test");
	assert_true(json_is_false(json_object_get(j, "overdue"))); /* due today: not yet */
	json_decref(j);
	/* By due date. */
	j = hcall(h, "GET", apath(acc, 0), U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_int_equal(num(json_array_get(items, 0), "id"), x2);
	assert_int_equal(num(json_array_get(items, 1), "id"), x3);
	assert_int_equal(num(json_array_get(items, 2), "id"), x1);
	json_decref(j);
	assert_int_equal(count(acc, "?status=open"), 3);
	assert_int_equal(count(acc, "?status=done"), 0);
	snprintf(path, sizeof(path), "%s?status=later", apath(acc, 0));
	assert_int_equal(hjson(h, "GET", path, U_VIEWER, NULL, &r), 422);
	assert_true(hresp_has_pointer(&r, "status"));
	hresp_free(&r);
	/* Done: done_on is today, no longer overdue; a stale If-Match is refused. */
	assert_int_equal(hjson(h, "PATCH", apath(acc, x2), U_OWNER, "{\"status\":\"done\"}", &r),
			 200);
	hresp_free(&r);
	json_decref(
	    hcall(h, "PATCH", apath(acc, x2), U_OWNER, "{\"status\":\"open\"}", match1, 412));
	{
		const char *patch = "{\"what\":\"Отправить КП повторно\"}";

		assert_int_equal(hreq(h, "PATCH", apath(acc, x2), U_OWNER, "application/json",
				      patch, strlen(patch), match2, &r),
				 0);
		assert_int_equal(r.status, 200);
	}
	assert_int_equal(num(r.json, "version"), 3);
	assert_string_equal(str(r.json, "status"), "done");
	assert_string_equal(str(r.json, "done_on"), day(0));
	assert_true(json_is_false(json_object_get(r.json, "overdue")));
	hdr = hresp_header(&r, "ETag");
	assert_string_equal(hdr, "\"3\"");
	free(hdr);
	hresp_free(&r);
	json_decref(
	    hcall(h, "PATCH", apath(acc, x2), U_OWNER, "{\"status\":\"open\"}", match2, 412));
	assert_int_equal(count(acc, "?status=done"), 1);
	assert_int_equal(count(acc, "?status=open"), 2);
	/* Back to open: done_on cleared, overdue again. */
	j = hcall(h, "PATCH", apath(acc, x2), U_OWNER, "{\"status\":\"open\"}", NULL, 200);
	assert_true(json_is_null(json_object_get(j, "done_on")));
	assert_true(json_is_true(json_object_get(j, "overdue")));
	assert_int_equal(num(j, "version"), 4);
	json_decref(j);
	/* Cancelled: not overdue. */
	j = hcall(h, "PATCH", apath(acc, x2), U_OWNER, "{\"status\":\"cancelled\"}", NULL, 200);
	assert_true(json_is_false(json_object_get(j, "overdue")));
	assert_true(json_is_null(json_object_get(j, "done_on")));
	json_decref(j);
	assert_int_equal(count(acc, "?status=cancelled"), 1);
	/* Another contact, another owner, another date; merge patch keeps the rest. */
	{
		char body[256];

		snprintf(body, sizeof(body),
			 "{\"contact_id\":%lld,\"owner_email\":null,\"due_on\":\"%s\"}",
			 (long long)c2, day(10));
		j = hcall(h, "PATCH", apath(acc, x1), U_ANALYST, body, match1, 200);
	}
	assert_int_equal(num(j, "contact_id"), c2);
	assert_string_equal(str(j, "contact_name"), "Олег Смирнов");
	assert_true(json_is_null(json_object_get(j, "owner_email")));
	assert_string_equal(str(j, "due_on"), day(10));
	assert_string_equal(str(j, "what"), "Пригласить на завод");
	assert_int_equal(num(j, "version"), 2);
	json_decref(j);
	/* A patch that changes nothing writes nothing. */
	j = hcall(h, "PATCH", apath(acc, x1), U_OWNER, "{\"what\":\"Пригласить на завод\"}", NULL,
		  200);
	assert_int_equal(num(j, "version"), 2);
	json_decref(j);
	/* Created done: done_on today. */
	j = hcall(h, "POST", apath(acc, 0), U_OWNER,
		  abody(c1, "Провели встречу", day(-2), ",\"status\":\"done\""), NULL, 201);
	assert_string_equal(str(j, "done_on"), day(0));
	assert_true(json_is_false(json_object_get(j, "overdue")));
	json_decref(j);
	/* An instance admin who is not a member creates with nobody as the owner. */
	j = hcall(h, "POST", apath(acc, 0), U_ADMIN, abody(c1, "Проверка", day(1), ""), NULL, 201);
	assert_true(json_is_null(json_object_get(j, "owner_email")));
	json_decref(j);
	/* The account's history shows every change as a contact_action. */
	snprintf(path, sizeof(path), WS "/accounts/%lld/audit", (long long)acc);
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	e = json_array_get(items, 0);
	assert_string_equal(str(e, "entity_type"), "contact_action");
	assert_string_equal(str(e, "action"), "create");
	e = json_array_get(items, 2);
	assert_string_equal(str(e, "entity_type"), "contact_action");
	assert_string_equal(str(e, "action"), "update");
	assert_int_equal(num(e, "entity_id"), x1);
	assert_int_equal(num(json_object_get(json_object_get(e, "changes"), "contact_id"), "to"),
			 c2);
	json_decref(j);
}

static void
test_validation(void **state)
{
	char body[2048], what[1102];
	int64_t acc, acc2, c1, foreign_c, deleted, gone, x, other_acc;
	json_t *j;
	struct hresp r;

	(void)state;
	acc = account("acme", U_OWNER, "Проверка плана");
	acc2 = account("acme", U_OWNER, "Соседний клиент плана");
	c1 = contact("acme", acc, U_OWNER, "Анна Кузнецова");
	foreign_c = contact("acme", acc2, U_OWNER, "Чужой контакт");
	other_acc = account("other", U_OTHER, "Клиент чужого пространства");
	gone = contact("other", other_acc, U_OTHER, "Контакт чужого пространства");
	deleted = contact("acme", acc, U_OWNER, "Уволенный");
	contact_delete(acc, deleted);
	/* Required fields. */
	snprintf(body, sizeof(body), "{\"contact_id\":%lld,\"due_on\":\"%s\"}", (long long)c1,
		 day(1));
	expect_422("POST", apath(acc, 0), body, "/what");
	snprintf(body, sizeof(body), "{\"contact_id\":%lld,\"what\":\"x\"}", (long long)c1);
	expect_422("POST", apath(acc, 0), body, "/due_on");
	snprintf(body, sizeof(body), "{\"what\":\"x\",\"due_on\":\"%s\"}", day(1));
	expect_422("POST", apath(acc, 0), body, "/contact_id");
	expect_422("POST", apath(acc, 0), "{}", "/what");
	/* what: not blank, at most 1000 characters. */
	expect_422("POST", apath(acc, 0), abody(c1, "   ", day(1), ""), "/what");
	expect_422("POST", apath(acc, 0), abody(c1, "", day(1), ""), "/what");
	memset(what, 'a', 1001);
	what[1001] = '\0';
	expect_422("POST", apath(acc, 0), abody(c1, what, day(1), ""), "/what");
	expect_422("POST", apath(acc, 0), abody(c1, "x\\u0001y", day(1), ""), "/what");
	/* due_on a real date. */
	expect_422("POST", apath(acc, 0), abody(c1, "x", "2023-02-30", ""), "/due_on");
	expect_422("POST", apath(acc, 0), abody(c1, "x", "завтра", ""), "/due_on");
	expect_422("POST", apath(acc, 0), abody(c1, "x", "01.02.2026", ""), "/due_on");
	/* Status: a known one, not null. */
	expect_422("POST", apath(acc, 0), abody(c1, "x", day(1), ",\"status\":\"later\""),
		   "/status");
	expect_422("POST", apath(acc, 0), abody(c1, "x", day(1), ",\"status\":null"), "/status");
	/* Unknown fields and wrong types. */
	expect_422("POST", apath(acc, 0), abody(c1, "x", day(1), ",\"priority\":1"), "/priority");
	expect_422("POST", apath(acc, 0), abody(c1, "x", day(1), ",\"overdue\":true"), "/overdue");
	snprintf(body, sizeof(body), "{\"contact_id\":\"%lld\",\"what\":\"x\",\"due_on\":\"%s\"}",
		 (long long)c1, day(1));
	expect_422("POST", apath(acc, 0), body, "/contact_id");
	snprintf(body, sizeof(body), "{\"contact_id\":%lld,\"what\":5,\"due_on\":\"%s\"}",
		 (long long)c1, day(1));
	expect_422("POST", apath(acc, 0), body, "/what");
	snprintf(body, sizeof(body), "{\"contact_id\":%lld,\"what\":\"x\",\"due_on\":20260101}",
		 (long long)c1);
	expect_422("POST", apath(acc, 0), body, "/due_on");
	expect_422("POST", apath(acc, 0), abody(c1, "x", day(1), ",\"owner_email\":5"),
		   "/owner_email");
	expect_422("POST", apath(acc, 0), abody(c1, "x", day(1), ",\"status\":1"), "/status");
	expect_422("POST", apath(acc, 0), abody(0, "x", day(1), ""), "/contact_id");
	expect_422("POST", apath(acc, 0), abody(-3, "x", day(1), ""), "/contact_id");
	/* The owner: a member of this workspace. */
	expect_422("POST", apath(acc, 0),
		   abody(c1, "x", day(1), ",\"owner_email\":\"other@example.test\""),
		   "/owner_email");
	expect_422("POST", apath(acc, 0),
		   abody(c1, "x", day(1), ",\"owner_email\":\"nobody@example.test\""),
		   "/owner_email");
	expect_422("POST", apath(acc, 0), abody(c1, "x", day(1), ",\"owner_email\":\"not-mail\""),
		   "/owner_email");
	/* The contact: a live one of this account. */
	expect_422("POST", apath(acc, 0), abody(foreign_c, "x", day(1), ""), "/contact_id");
	expect_422("POST", apath(acc, 0), abody(gone, "x", day(1), ""), "/contact_id");
	expect_422("POST", apath(acc, 0), abody(deleted, "x", day(1), ""), "/contact_id");
	expect_422("POST", apath(acc, 0), abody(99999999, "x", day(1), ""), "/contact_id");
	/* Bad JSON, not an object, wrong method, no authentication. */
	assert_int_equal(hjson(h, "POST", apath(acc, 0), U_OWNER, "{\"what\":", &r), 400);
	hresp_free(&r);
	assert_int_equal(hjson(h, "POST", apath(acc, 0), U_OWNER, "[]", &r), 422);
	hresp_free(&r);
	assert_int_equal(hjson(h, "PUT", apath(acc, 0), U_OWNER, "{}", &r), 405);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", apath(acc, 0), U__MAX, NULL, &r), 401);
	hresp_free(&r);
	/* Nothing was saved by any of those. */
	assert_int_equal(count(acc, ""), 0);
	/* The same rules on PATCH, and nothing half-saved. */
	x = create(apath(acc, 0), U_OWNER, abody(c1, "Созвон", day(5), ""));
	expect_422("PATCH", apath(acc, x), "{\"what\":null}", "/what");
	expect_422("PATCH", apath(acc, x), "{\"due_on\":null}", "/due_on");
	expect_422("PATCH", apath(acc, x), "{\"contact_id\":null}", "/contact_id");
	expect_422("PATCH", apath(acc, x), "{\"status\":null}", "/status");
	expect_422("PATCH", apath(acc, x), "{\"status\":\"archived\"}", "/status");
	expect_422("PATCH", apath(acc, x), "{\"due_on\":\"2026-13-01\"}", "/due_on");
	expect_422("PATCH", apath(acc, x), "{\"what\":\" \"}", "/what");
	expect_422("PATCH", apath(acc, x), "{\"done_on\":\"2026-01-01\"}", "/done_on");
	expect_422("PATCH", apath(acc, x), "{\"version\":3}", "/version");
	snprintf(body, sizeof(body), "{\"what\":\"Новое\",\"contact_id\":%lld}",
		 (long long)foreign_c);
	expect_422("PATCH", apath(acc, x), body, "/contact_id");
	snprintf(body, sizeof(body), "{\"status\":\"done\",\"contact_id\":%lld}",
		 (long long)deleted);
	expect_422("PATCH", apath(acc, x), body, "/contact_id");
	snprintf(body, sizeof(body), "{\"what\":\"Новое\",\"contact_id\":%lld}", (long long)gone);
	expect_422("PATCH", apath(acc, x), body, "/contact_id");
	expect_422("PATCH", apath(acc, x),
		   "{\"status\":\"done\",\"owner_email\":\"other@example.test\"}", "/owner_email");
	j = hcall(h, "GET", apath(acc, 0), U_VIEWER, NULL, NULL, 200);
	{
		json_t *it = json_array_get(json_object_get(j, "items"), 0);

		assert_string_equal(str(it, "what"), "Созвон");
		assert_string_equal(str(it, "status"), "open");
		assert_int_equal(num(it, "contact_id"), c1);
		assert_string_equal(str(it, "owner_email"), "owner@example.test");
		assert_int_equal(num(it, "version"), 1);
	}
	json_decref(j);
	/* A contact deleted later keeps its actions in the plan. */
	contact_delete(acc, c1);
	assert_int_equal(count(acc, ""), 1);
	json_decref(
	    hcall(h, "PATCH", apath(acc, x), U_OWNER, "{\"status\":\"cancelled\"}", NULL, 200));
}

/* Finds the action with id in the overdue answer j; NULL when it is not there. */
static json_t *
overdue_find(json_t *j, int64_t id)
{
	json_t *items = json_object_get(j, "items"), *it;
	size_t i;

	json_array_foreach(items, i, it) if (num(it, "id") == id) return it;
	return NULL;
}

/* The overdue count of owner email (NULL: no owner) in the answer j; -1 when not listed. */
static int64_t
owner_count(json_t *j, const char *email)
{
	json_t *owners = json_object_get(j, "owners"), *o;
	size_t i;

	json_array_foreach(owners, i, o)
	{
		const char *e = str(o, "owner_email");

		if ((email == NULL && e == NULL) || (email != NULL && e && strcmp(e, email) == 0))
			return num(o, "overdue");
	}
	return -1;
}

static void
test_overdue(void **state)
{
	const char *m2 = ",\"owner_email\":\"manager2@example.test\"";
	int64_t acc, acc2, c1, c2, c3, a_old, a_new, a_done, a_today, a_future, a_none, a_other,
	    a_gone, a_archived;
	json_t *j, *items, *it, *prev = NULL;
	char path[256];
	size_t i;
	int64_t total = 0;

	(void)state;
	acc = account("acme", U_OWNER, "Просроченный клиент");
	acc2 = account("acme", U_OWNER, "Архивный клиент");
	c1 = contact("acme", acc, U_OWNER, "Пётр Волков");
	c2 = contact("acme", acc, U_OWNER, "Елена Морозова");
	c3 = contact("acme", acc2, U_OWNER, "Дмитрий Лебедев");
	a_new = create(apath(acc, 0), U_OWNER, abody(c1, "Позвонить", day(-1), m2));
	a_old = create(apath(acc, 0), U_OWNER, abody(c2, "Письмо", day(-10), m2));
	a_done = create(apath(acc, 0), U_OWNER, abody(c1, "Встреча", day(-3), m2));
	json_decref(
	    hcall(h, "PATCH", apath(acc, a_done), U_OWNER, "{\"status\":\"done\"}", NULL, 200));
	a_today = create(apath(acc, 0), U_OWNER, abody(c1, "Сегодня", day(0), m2));
	a_future = create(apath(acc, 0), U_OWNER, abody(c2, "Потом", day(7), m2));
	a_none =
	    create(apath(acc, 0), U_OWNER, abody(c2, "Ничьё", day(-2), ",\"owner_email\":null"));
	a_other =
	    create(apath(acc, 0), U_OWNER,
		   abody(c1, "Аналитику", day(-4), ",\"owner_email\":\"analyst@example.test\""));
	a_gone = create(apath(acc, 0), U_OWNER, abody(c2, "Удалённому", day(-5), m2));
	a_archived = create(apath(acc2, 0), U_OWNER, abody(c3, "Архив", day(-5), m2));
	(void)a_gone;

	/* The whole workspace: every item open and overdue, by owner then due date. */
	j = hcall(h, "GET", WS "/actions/overdue", U_VIEWER, NULL, NULL, 200);
	items = json_object_get(j, "items");
	json_array_foreach(items, i, it)
	{
		assert_string_equal(str(it, "status"), "open");
		assert_true(json_is_true(json_object_get(it, "overdue")));
		assert_true(strcmp(str(it, "due_on"), day(0)) < 0);
		assert_non_null(str(it, "account_name"));
		if (prev != NULL && str(prev, "owner_email") != NULL && str(it, "owner_email") &&
		    strcmp(str(prev, "owner_email"), str(it, "owner_email")) == 0)
			assert_true(strcmp(str(prev, "due_on"), str(it, "due_on")) <= 0);
		if (prev != NULL && str(prev, "owner_email") == NULL)
			assert_null(str(it, "owner_email")); /* no owner comes last */
		prev = it;
	}
	json_array_foreach(json_object_get(j, "owners"), i, it) total += num(it, "overdue");
	assert_int_equal(total, (int64_t)json_array_size(items));
	assert_non_null(overdue_find(j, a_new));
	assert_non_null(overdue_find(j, a_old));
	assert_non_null(overdue_find(j, a_none));
	assert_non_null(overdue_find(j, a_other));
	assert_non_null(overdue_find(j, a_archived));
	assert_null(overdue_find(j, a_done));
	assert_null(overdue_find(j, a_today));
	assert_null(overdue_find(j, a_future));
	assert_string_equal(str(overdue_find(j, a_new), "account_name"), "Просроченный клиент");
	assert_int_equal(owner_count(j, "manager2@example.test"), 4);
	assert_true(owner_count(j, NULL) >= 1);
	assert_true(owner_count(j, "analyst@example.test") >= 1);
	json_decref(j);

	/* One owner, by e-mail: oldest first. */
	j = hcall(h, "GET", WS "/actions/overdue?owner=manager2@example.test", U_VIEWER, NULL, NULL,
		  200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 4);
	assert_int_equal(num(json_array_get(items, 0), "id"), a_old);
	assert_int_equal(num(json_array_get(items, 3), "id"), a_new);
	assert_int_equal(json_array_size(json_object_get(j, "owners")), 1);
	assert_int_equal(owner_count(j, "manager2@example.test"), 4);
	assert_non_null(str(json_array_get(json_object_get(j, "owners"), 0), "owner_name"));
	json_decref(j);
	/* owner=me is the caller. */
	j = hcall(h, "GET", WS "/actions/overdue?owner=me", U_MANAGER2, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 4);
	json_decref(j);
	j = hcall(h, "GET", WS "/actions/overdue?owner=me", U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "owners")), 0);
	json_decref(j);
	json_decref(hcall(h, "GET", WS "/actions/overdue?owner=nobody@example.test", U_VIEWER, NULL,
			  NULL, 422));
	json_decref(hcall(h, "GET", WS "/actions/overdue?owner=other@example.test", U_VIEWER, NULL,
			  NULL, 422));

	/* Done, cancelled, postponed: out of the list; reopened: back. */
	json_decref(
	    hcall(h, "PATCH", apath(acc, a_new), U_OWNER, "{\"status\":\"done\"}", NULL, 200));
	{
		char body[64];

		snprintf(body, sizeof(body), "{\"due_on\":\"%s\"}", day(2));
		json_decref(hcall(h, "PATCH", apath(acc, a_old), U_OWNER, body, NULL, 200));
	}
	json_decref(
	    hcall(h, "PATCH", apath(acc, a_done), U_OWNER, "{\"status\":\"open\"}", NULL, 200));
	/* A deleted contact's and an archived account's actions leave the list. */
	contact_delete(acc, c2);
	snprintf(path, sizeof(path), WS "/accounts/%lld", (long long)acc2);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
	j = hcall(h, "GET", WS "/actions/overdue?owner=manager2@example.test", U_VIEWER, NULL, NULL,
		  200);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(num(json_array_get(items, 0), "id"), a_done);
	assert_int_equal(owner_count(j, "manager2@example.test"), 1);
	json_decref(j);
	/* The account's own list still has them all. */
	assert_int_equal(count(acc, ""), 8);
	j = hcall(h, "GET", apath(acc, 0), U_VIEWER, NULL, NULL, 200);
	json_array_foreach(json_object_get(j, "items"), i, it) if (num(it, "id") == a_none)
	    assert_true(json_is_true(json_object_get(it, "overdue")));
	json_decref(j);
}

static void
test_roles(void **state)
{
	int64_t mine, theirs, cm, ct, xm, xt;

	(void)state;
	mine = account("acme", U_MANAGER, "Клиент менеджера (план)");
	theirs = account("acme", U_MANAGER2, "Клиент другого менеджера (план)");
	cm = contact("acme", mine, U_MANAGER, "Свой контакт");
	ct = contact("acme", theirs, U_MANAGER2, "Не свой контакт");
	/* A manager changes the plan of their own accounts only. */
	xm = create(apath(mine, 0), U_MANAGER, abody(cm, "Свой план", day(1), ""));
	json_decref(
	    hcall(h, "PATCH", apath(mine, xm), U_MANAGER, "{\"status\":\"done\"}", NULL, 200));
	json_decref(hcall(h, "POST", apath(theirs, 0), U_MANAGER, abody(ct, "Чужой", day(1), ""),
			  NULL, 403));
	xt = create(apath(theirs, 0), U_MANAGER2, abody(ct, "Его план", day(1), ""));
	json_decref(
	    hcall(h, "PATCH", apath(theirs, xt), U_MANAGER, "{\"what\":\"Моё\"}", NULL, 403));
	json_decref(hcall(h, "GET", apath(theirs, 0), U_MANAGER, NULL, NULL, 200));
	/* A viewer reads only. */
	json_decref(hcall(h, "POST", apath(mine, 0), U_VIEWER, abody(cm, "Зритель", day(1), ""),
			  NULL, 403));
	json_decref(
	    hcall(h, "PATCH", apath(mine, xm), U_VIEWER, "{\"what\":\"Зритель\"}", NULL, 403));
	json_decref(hcall(h, "GET", apath(mine, 0), U_VIEWER, NULL, NULL, 200));
	json_decref(hcall(h, "GET", WS "/actions/overdue", U_VIEWER, NULL, NULL, 200));
	/* Analysts and owners change any account's plan. */
	json_decref(
	    hcall(h, "PATCH", apath(theirs, xt), U_ANALYST, "{\"what\":\"Аналитик\"}", NULL, 200));
	json_decref(
	    hcall(h, "PATCH", apath(theirs, xt), U_OWNER, "{\"what\":\"Владелец\"}", NULL, 200));
	create(apath(theirs, 0), U_ANALYST, abody(ct, "От аналитика", day(1), ""));
	/* Nothing was changed by the refused requests. */
	assert_int_equal(count(theirs, ""), 2);
	assert_int_equal(count(mine, ""), 1);
}

static void
test_foreign_ids(void **state)
{
	int64_t acc, cid, xid, mine, cmine, xmine;
	json_t *j;
	char path[256];

	(void)state;
	acc = account("other", U_OTHER, "Чужой клиент плана");
	cid = contact("other", acc, U_OTHER, "Чужой человек");
	snprintf(path, sizeof(path), WS_OTHER "/accounts/%lld/actions", (long long)acc);
	xid = create(path, U_OTHER, abody(cid, "Чужое дело", day(-1), ""));
	/* Another workspace's account and action, through acme: not found. */
	json_decref(hcall(h, "GET", apath(acc, 0), U_OWNER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "POST", apath(acc, 0), U_OWNER, abody(cid, "x", day(1), ""), NULL, 404));
	json_decref(hcall(h, "PATCH", apath(acc, xid), U_OWNER, "{\"what\":\"x\"}", NULL, 404));
	/* An action reached through another account of the right workspace: not found. */
	mine = account("acme", U_OWNER, "Свой клиент плана");
	cmine = contact("acme", mine, U_OWNER, "Свой человек");
	xmine = create(apath(mine, 0), U_OWNER, abody(cmine, "Своё дело", day(1), ""));
	json_decref(hcall(h, "PATCH", apath(mine, xid), U_OWNER, "{\"what\":\"x\"}", NULL, 404));
	{
		int64_t mine2 = account("acme", U_OWNER, "Второй свой клиент плана");

		json_decref(
		    hcall(h, "PATCH", apath(mine2, xmine), U_OWNER, "{\"what\":\"x\"}", NULL, 404));
	}
	json_decref(
	    hcall(h, "PATCH", apath(mine, 99999999), U_OWNER, "{\"what\":\"x\"}", NULL, 404));
	json_decref(hcall(h, "GET", apath(99999999, 0), U_VIEWER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", WS "/accounts/abc/actions", U_VIEWER, NULL, NULL, 404));
	/* A member of another workspace sees nothing of acme. */
	json_decref(hcall(h, "GET", apath(mine, 0), U_OTHER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", WS "/actions/overdue", U_OTHER, NULL, NULL, 404));
	/* Each workspace's overdue list holds only its own actions. */
	j = hcall(h, "GET", WS_OTHER "/actions/overdue", U_OTHER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	assert_int_equal(num(json_array_get(json_object_get(j, "items"), 0), "id"), xid);
	assert_int_equal(owner_count(j, "other@example.test"), 1);
	json_decref(j);
	j = hcall(h, "GET", WS "/actions/overdue", U_OWNER, NULL, NULL, 200);
	assert_null(overdue_find(j, xid));
	json_decref(j);
	/* A PATCH on the collection is not a route. */
	json_decref(hcall(h, "PATCH", apath(mine, 0), U_OWNER, "{\"what\":\"x\"}", NULL, 405));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_list_patch), cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_overdue),	      cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_foreign_ids),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_plan", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
