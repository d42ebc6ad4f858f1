/*
 * test_contacts.c — the people of a client company over real HTTP: every
 * field with its rules, the reporting line (same company, no cycle),
 * deleting with the reports re-parented or detached, restoring, influence
 * links, what each person told us (assessments tied to a contact), the
 * history, roles, and other workspaces' and accounts' ids answered 404.
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

#include "harness.h"

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

/* A new account of acme named name, owned by user's creation; its id. */
static int64_t
account(int user, const char *name)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	return create(WS "/accounts", user, body);
}

/* The contacts path of account acc (in ws), plus "/cid" when cid > 0. */
static const char *
kpath(const char *ws, int64_t acc, int64_t cid)
{
	static char path[4][256];
	static int turn;
	char *p = path[turn++ % 4];

	if (cid > 0)
		snprintf(p, 256, "%s/accounts/%lld/contacts/%lld", ws, (long long)acc,
			 (long long)cid);
	else
		snprintf(p, 256, "%s/accounts/%lld/contacts", ws, (long long)acc);
	return p;
}

/* The links path of account acc (in acme), plus "/lid" when lid > 0. */
static const char *
lpath(int64_t acc, int64_t lid)
{
	static char path[2][256];
	static int turn;
	char *p = path[turn++ % 2];

	if (lid > 0)
		snprintf(p, 256, WS "/accounts/%lld/contact-links/%lld", (long long)acc,
			 (long long)lid);
	else
		snprintf(p, 256, WS "/accounts/%lld/contact-links", (long long)acc);
	return p;
}

/* A new person of account acc with name and reports_to manager (0: none). */
static int64_t
person(int64_t acc, const char *name, int64_t manager)
{
	char body[256];

	if (manager > 0)
		snprintf(body, sizeof(body), "{\"name\":\"%s\",\"reports_to_id\":%lld}", name,
			 (long long)manager);
	else
		snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	return create(kpath(WS, acc, 0), U_OWNER, body);
}

/* The contact as GET shows it (new reference). */
static json_t *
fetch(int64_t acc, int64_t cid)
{
	return hcall(h, "GET", kpath(WS, acc, cid), U_VIEWER, NULL, NULL, 200);
}

/* Integer member key of contact cid (0 for null). */
static int64_t
member_int(int64_t acc, int64_t cid, const char *key)
{
	json_t *j = fetch(acc, cid);
	int64_t v = json_integer_value(json_object_get(j, key));

	json_decref(j);
	return v;
}

/* The number of live (or deleted) people of account acc. */
static size_t
count(int64_t acc, bool archived)
{
	char path[300];
	json_t *j;
	size_t n;

	snprintf(path, sizeof(path), "%s%s", kpath(WS, acc, 0), archived ? "?archived=true" : "");
	j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
	n = json_array_size(json_object_get(j, "items"));
	json_decref(j);
	return n;
}

/* Asserts that method path with body answers status naming pointer (and text, when given). */
static void
expect_err(const char *method, const char *path, const char *body, long status, const char *pointer,
	   const char *text)
{
	struct hresp r;

	hjson(h, method, path, U_OWNER, body, &r);
	if (r.status != status || (pointer && !hresp_has_pointer(&r, pointer)) ||
	    (text && strstr(r.body, text) == NULL))
		fprintf(stderr, "# %s %s %s: %ld %s\n", method, path, body, r.status, r.body);
	assert_int_equal(r.status, status);
	if (pointer != NULL)
		assert_true(hresp_has_pointer(&r, pointer));
	if (text != NULL)
		assert_non_null(strstr(r.body, text));
	hresp_free(&r);
}

static void
test_fields(void **state)
{
	const char *const stale[] = {"If-Match: \"1\"", NULL};
	const char *const fresh[] = {"If-Match: \"2\"", NULL};
	struct hresp r;
	char body[512], *loc;
	json_t *j;
	int64_t acc, cid;

	(void)state;
	acc = account(U_OWNER, "Карта");
	snprintf(body, sizeof(body),
		 "{\"name\":\" Ирина Петрова \",\"position\":\"Директор по закупкам\","
		 "\"department\":\"Закупки\",\"emails\":[\"Petrova@Client.RU\",\"ip@client.ru\"],"
		 "\"phones\":[\"+7 (495) 123-45-67 доб. 12\"],\"buying_role\":\"economic_buyer\","
		 "\"attitude\":\"supporter\",\"influence\":\"high\",\"relationship\":\"working\","
		 "\"owner_email\":\"Manager@example.test\",\"last_contact_on\":\"2026-01-15\","
		 "\"notes\":\"любит цифры\",\"external_id\":\"crm-1\"}");
	assert_int_equal(hjson(h, "POST", kpath(WS, acc, 0), U_OWNER, body, &r), 201);
	cid = json_integer_value(json_object_get(r.json, "id"));
	loc = hresp_header(&r, "Location");
	assert_string_equal(loc, kpath(WS, acc, cid));
	free(loc);
	assert_string_equal(json_string_value(json_object_get(r.json, "name")), "Ирина Петрова");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "emails"), 0)),
			    "petrova@client.ru");
	assert_string_equal(json_string_value(json_object_get(r.json, "owner_email")),
			    "manager@example.test");
	assert_string_equal(json_string_value(json_object_get(r.json, "buying_role")),
			    "economic_buyer");
	assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
	hresp_free(&r);
	/* Defaults. */
	j = hcall(h, "POST", kpath(WS, acc, 0), U_OWNER, "{\"name\":\"Без деталей\"}", NULL, 201);
	assert_string_equal(json_string_value(json_object_get(j, "attitude")), "neutral");
	assert_string_equal(json_string_value(json_object_get(j, "influence")), "medium");
	assert_string_equal(json_string_value(json_object_get(j, "relationship")), "none");
	assert_true(json_is_null(json_object_get(j, "buying_role")));
	assert_true(json_is_null(json_object_get(j, "reports_to_id")));
	assert_int_equal(json_array_size(json_object_get(j, "emails")), 0);
	json_decref(j);
	/* One, with what the person told us (nothing yet). */
	j = fetch(acc, cid);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "cx"), "assessments")), 0);
	assert_true(json_is_null(json_object_get(json_object_get(j, "cx"), "latest")));
	json_decref(j);
	assert_int_equal(count(acc, false), 2);
	/* Merge patch with If-Match; a patch that changes nothing keeps the version. */
	j = hcall(h, "PATCH", kpath(WS, acc, cid), U_OWNER,
		  "{\"attitude\":\"champion\",\"notes\":null,\"left_on\":\"2026-02-01\"}", stale,
		  200);
	assert_string_equal(json_string_value(json_object_get(j, "attitude")), "champion");
	assert_true(json_is_null(json_object_get(j, "notes")));
	assert_string_equal(json_string_value(json_object_get(j, "left_on")), "2026-02-01");
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	assert_string_equal(json_string_value(json_object_get(j, "position")),
			    "Директор по закупкам");
	json_decref(j);
	json_decref(hcall(h, "PATCH", kpath(WS, acc, cid), U_OWNER, "{\"attitude\":\"skeptic\"}",
			  stale, 412));
	j = hcall(h, "PATCH", kpath(WS, acc, cid), U_OWNER, "{\"attitude\":\"champion\"}", fresh,
		  200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	/* The account's history shows the changes. */
	snprintf(body, sizeof(body), WS "/accounts/%lld/audit", (long long)acc);
	j = hcall(h, "GET", body, U_VIEWER, NULL, NULL, 200);
	{
		json_t *first = json_array_get(json_object_get(j, "items"), 0);

		assert_string_equal(json_string_value(json_object_get(first, "entity_type")),
				    "contact");
		assert_string_equal(json_string_value(json_object_get(first, "action")), "update");
		assert_non_null(json_object_get(json_object_get(first, "changes"), "attitude"));
	}
	json_decref(j);
	/* One person's history: the account's entries about it alone, newest first. */
	snprintf(body, sizeof(body), WS "/accounts/%lld/audit?entity_type=contact&entity_id=%lld",
		 (long long)acc, (long long)cid);
	j = hcall(h, "GET", body, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(j, "items"), 1), "action")),
			    "create");
	assert_int_equal(json_integer_value(json_object_get(
			     json_array_get(json_object_get(j, "items"), 1), "entity_id")),
			 cid);
	json_decref(j);
	snprintf(body, sizeof(body), WS "/accounts/%lld/audit?entity_id=x", (long long)acc);
	json_decref(hcall(h, "GET", body, U_VIEWER, NULL, NULL, 422));
}

static void
test_validation(void **state)
{
	static const char bad_utf8[] = "{\"name\":\"\xff\xfe\"}";
	const char *p;
	struct hresp r;
	char body[256];
	int64_t acc, cid;

	(void)state;
	acc = account(U_OWNER, "Проверки");
	cid = person(acc, "Есть", 0);
	p = kpath(WS, acc, 0);
	expect_err("POST", p, "{\"position\":\"x\"}", 422, "/name", NULL);
	expect_err("POST", p, "{\"name\":\"   \"}", 422, "/name", NULL);
	expect_err("POST", p, "{\"name\":5}", 422, "/name", NULL);
	expect_err("POST", p, "{\"name\":\"A\",\"age\":40}", 422, "/age", NULL);
	expect_err("POST", p, "{\"name\":\"A\",\"attitude\":\"hostile\"}", 422, "/attitude",
		   "champion, supporter, neutral, skeptic, opponent");
	expect_err("POST", p, "{\"name\":\"A\",\"buying_role\":\"boss\"}", 422, "/buying_role",
		   "decision_maker");
	expect_err("POST", p, "{\"name\":\"A\",\"influence\":\"huge\"}", 422, "/influence",
		   "high, medium, low");
	expect_err("POST", p, "{\"name\":\"A\",\"relationship\":\"love\"}", 422, "/relationship",
		   "trusted_advisor");
	expect_err("POST", p, "{\"name\":\"A\",\"attitude\":null}", 422, "/attitude", NULL);
	expect_err("POST", p, "{\"name\":\"A\",\"emails\":[\"not-an-email\"]}", 422, "/emails/0",
		   NULL);
	expect_err("POST", p, "{\"name\":\"A\",\"emails\":[\"a@b.ru\",\"A@B.ru\"]}", 422,
		   "/emails/1", "twice");
	expect_err("POST", p, "{\"name\":\"A\",\"emails\":\"a@b.ru\"}", 422, "/emails", NULL);
	expect_err("POST", p, "{\"name\":\"A\",\"phones\":[\"call me\"]}", 422, "/phones/0", NULL);
	expect_err("POST", p,
		   "{\"name\":\"A\",\"phones\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\","
		   "\"9\",\"10\",\"11\"]}",
		   422, "/phones", NULL);
	expect_err("POST", p, "{\"name\":\"A\",\"last_contact_on\":\"2999-01-01\"}", 422,
		   "/last_contact_on", "future");
	expect_err("POST", p, "{\"name\":\"A\",\"last_contact_on\":\"2026-02-30\"}", 422,
		   "/last_contact_on", NULL);
	expect_err("POST", p, "{\"name\":\"A\",\"owner_email\":\"other@example.test\"}", 422,
		   "/owner_email", NULL);
	expect_err("POST", p, "{\"name\":\"A\",\"reports_to_id\":\"5\"}", 422, "/reports_to_id",
		   NULL);
	assert_int_equal(hjson(h, "POST", p, U_OWNER, "{\"name\":", &r), 400);
	hresp_free(&r);
	assert_int_equal(hreq(h, "POST", p, U_OWNER, "application/json", bad_utf8,
			      sizeof(bad_utf8) - 1, NULL, &r),
			 0);
	assert_int_equal(r.status, 400);
	hresp_free(&r);
	/* external_id is unique among the workspace's people. */
	json_decref(
	    hcall(h, "POST", p, U_OWNER, "{\"name\":\"B\",\"external_id\":\"dup\"}", NULL, 201));
	expect_err("POST", p, "{\"name\":\"C\",\"external_id\":\"dup\"}", 409, "/external_id",
		   NULL);
	expect_err("PATCH", kpath(WS, acc, cid), "{\"external_id\":\"dup\"}", 409, "/external_id",
		   NULL);
	expect_err("PATCH", kpath(WS, acc, cid), "{\"name\":null}", 422, "/name", NULL);
	expect_err("PATCH", kpath(WS, acc, cid), "{\"influence\":\"none\"}", 422, "/influence",
		   "high, medium, low");
	/* Nothing of the refused requests was stored. */
	assert_int_equal(count(acc, false), 2);
	assert_int_equal(member_int(acc, cid, "version"), 1);
	json_decref(hcall(h, "GET", kpath(WS, acc, 0), U_VIEWER, NULL, NULL, 200));
	snprintf(body, sizeof(body), "%s?archived=maybe", kpath(WS, acc, 0));
	json_decref(hcall(h, "GET", body, U_VIEWER, NULL, NULL, 422));
}

static void
test_reports_to(void **state)
{
	char body[256];
	int64_t acc, acc2, ceo, cfo, buyer, stranger;
	json_t *j;

	(void)state;
	acc = account(U_OWNER, "Иерархия");
	acc2 = account(U_OWNER, "Другая компания");
	ceo = person(acc, "Генеральный", 0);
	cfo = person(acc, "Финансовый", ceo);
	buyer = person(acc, "Закупщик", cfo);
	stranger = person(acc2, "Чужой", 0);
	assert_int_equal(member_int(acc, ceo, "reports"), 1);
	assert_int_equal(member_int(acc, buyer, "reports_to_id"), cfo);
	/* Another company's person, oneself, a cycle, an unknown id: 422 at /reports_to_id. */
	snprintf(body, sizeof(body), "{\"name\":\"X\",\"reports_to_id\":%lld}",
		 (long long)stranger);
	expect_err("POST", kpath(WS, acc, 0), body, 422, "/reports_to_id", NULL);
	snprintf(body, sizeof(body), "{\"reports_to_id\":%lld}", (long long)ceo);
	expect_err("PATCH", kpath(WS, acc, ceo), body, 422, "/reports_to_id", "themselves");
	snprintf(body, sizeof(body), "{\"reports_to_id\":%lld}", (long long)buyer);
	expect_err("PATCH", kpath(WS, acc, ceo), body, 422, "/reports_to_id", "cycle");
	expect_err("PATCH", kpath(WS, acc, ceo), "{\"reports_to_id\":99999999}", 422,
		   "/reports_to_id", NULL);
	assert_int_equal(member_int(acc, ceo, "reports_to_id"), 0);
	/* Moving a person elsewhere in the chart is fine, and so is the top. */
	snprintf(body, sizeof(body), "{\"reports_to_id\":%lld}", (long long)ceo);
	j = hcall(h, "PATCH", kpath(WS, acc, buyer), U_OWNER, body, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "reports_to_id")), ceo);
	json_decref(j);
	assert_int_equal(member_int(acc, ceo, "reports"), 2);
	assert_int_equal(member_int(acc, cfo, "reports"), 0);
	j = hcall(h, "PATCH", kpath(WS, acc, buyer), U_OWNER, "{\"reports_to_id\":null}", NULL,
		  200);
	assert_true(json_is_null(json_object_get(j, "reports_to_id")));
	json_decref(j);
	/* A deleted person cannot be a manager. */
	json_decref(hcall(h, "DELETE", kpath(WS, acc, buyer), U_OWNER, NULL, NULL, 204));
	snprintf(body, sizeof(body), "{\"reports_to_id\":%lld}", (long long)buyer);
	expect_err("PATCH", kpath(WS, acc, cfo), body, 422, "/reports_to_id", NULL);
}

static void
test_delete_and_restore(void **state)
{
	const char *const *any = NULL;
	char path[320], body[256];
	struct hresp r;
	int64_t acc, top, mid, a, b, link;
	json_t *j;

	(void)state;
	acc = account(U_OWNER, "Удаления");
	top = person(acc, "Верх", 0);
	mid = person(acc, "Середина", top);
	a = person(acc, "Подчинённый А", mid);
	b = person(acc, "Подчинённый Б", mid);
	snprintf(body, sizeof(body),
		 "{\"from_contact_id\":%lld,\"to_contact_id\":%lld,"
		 "\"sign\":\"supports\"}",
		 (long long)a, (long long)mid);
	link = create(lpath(acc, 0), U_OWNER, body);
	assert_true(link > 0);
	/* Not silently: 409 naming the reports. */
	assert_int_equal(hreq(h, "DELETE", kpath(WS, acc, mid), U_OWNER, NULL, NULL, 0, any, &r),
			 0);
	assert_int_equal(r.status, 409);
	assert_int_equal(json_array_size(json_object_get(r.json, "reports")), 2);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(r.json, "reports"), 0), "name")),
			    "Подчинённый А");
	hresp_free(&r);
	assert_int_equal(count(acc, false), 4);
	snprintf(path, sizeof(path), "%s?reports=sideways", kpath(WS, acc, mid));
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, any, 422));
	/* Re-parent: they go under the deleted person's manager; its links go. */
	snprintf(path, sizeof(path), "%s?reports=reparent", kpath(WS, acc, mid));
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, any, 204));
	assert_int_equal(member_int(acc, a, "reports_to_id"), top);
	assert_int_equal(member_int(acc, b, "reports_to_id"), top);
	assert_int_equal(member_int(acc, a, "version"), 2);
	j = hcall(h, "GET", lpath(acc, 0), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
	assert_int_equal(count(acc, false), 3);
	assert_int_equal(count(acc, true), 1);
	/* Kept: still readable, marked deleted. */
	j = fetch(acc, mid);
	assert_false(json_is_null(json_object_get(j, "archived_at")));
	json_decref(j);
	json_decref(hcall(h, "PATCH", kpath(WS, acc, mid), U_OWNER, "{\"name\":\"x\"}", any, 404));
	/* Detach: to the top. */
	snprintf(path, sizeof(path), "%s?reports=detach", kpath(WS, acc, top));
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, any, 204));
	assert_int_equal(member_int(acc, a, "reports_to_id"), 0);
	assert_int_equal(member_int(acc, b, "reports_to_id"), 0);
	/* Restore: its manager is gone, so it comes back at the top. */
	snprintf(path, sizeof(path), "%s/restore", kpath(WS, acc, mid));
	j = hcall(h, "POST", path, U_OWNER, NULL, any, 200);
	assert_true(json_is_null(json_object_get(j, "archived_at")));
	assert_true(json_is_null(json_object_get(j, "reports_to_id")));
	json_decref(j);
	/* Restoring a live one changes nothing. */
	j = hcall(h, "POST", path, U_OWNER, NULL, any, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")),
			 member_int(acc, mid, "version"));
	json_decref(j);
	json_decref(hcall(h, "DELETE", kpath(WS, acc, a), U_OWNER, NULL,
			  (const char *const[]){"If-Match: \"1\"", NULL}, 412));
	assert_int_equal(count(acc, false), 3);
}

static void
test_links(void **state)
{
	const char *const *any = NULL;
	char body[256];
	int64_t acc, acc2, a, b, stranger, lid;
	json_t *j;

	(void)state;
	acc = account(U_OWNER, "Связи");
	acc2 = account(U_OWNER, "Связи 2");
	a = person(acc, "Главный инженер", 0);
	b = person(acc, "Начальник лаборатории", 0);
	stranger = person(acc2, "Посторонний", 0);
	snprintf(body, sizeof(body),
		 "{\"from_contact_id\":%lld,\"to_contact_id\":%lld,\"sign\":\"supports\","
		 "\"note\":\"прислушивается\"}",
		 (long long)b, (long long)a);
	j = hcall(h, "POST", lpath(acc, 0), U_OWNER, body, NULL, 201);
	lid = json_integer_value(json_object_get(j, "id"));
	assert_string_equal(json_string_value(json_object_get(j, "sign")), "supports");
	json_decref(j);
	expect_err("POST", lpath(acc, 0), body, 409, "/to_contact_id", NULL);
	snprintf(body, sizeof(body),
		 "{\"from_contact_id\":%lld,\"to_contact_id\":%lld,\"sign\":\"opposes\"}",
		 (long long)a, (long long)a);
	expect_err("POST", lpath(acc, 0), body, 422, "/to_contact_id", "themselves");
	snprintf(body, sizeof(body),
		 "{\"from_contact_id\":%lld,\"to_contact_id\":%lld,\"sign\":\"opposes\"}",
		 (long long)a, (long long)stranger);
	expect_err("POST", lpath(acc, 0), body, 422, "/to_contact_id", NULL);
	snprintf(body, sizeof(body),
		 "{\"from_contact_id\":%lld,\"to_contact_id\":%lld,\"sign\":\"hates\"}",
		 (long long)a, (long long)b);
	expect_err("POST", lpath(acc, 0), body, 422, "/sign", "supports, opposes");
	expect_err("POST", lpath(acc, 0), "{\"sign\":\"opposes\"}", 422, "/from_contact_id", NULL);
	/* The reverse direction is another link. */
	snprintf(body, sizeof(body),
		 "{\"from_contact_id\":%lld,\"to_contact_id\":%lld,\"sign\":\"opposes\"}",
		 (long long)a, (long long)b);
	json_decref(hcall(h, "POST", lpath(acc, 0), U_OWNER, body, NULL, 201));
	j = hcall(h, "PATCH", lpath(acc, lid), U_OWNER, "{\"sign\":\"opposes\",\"note\":null}",
		  (const char *const[]){"If-Match: \"1\"", NULL}, 200);
	assert_string_equal(json_string_value(json_object_get(j, "sign")), "opposes");
	assert_true(json_is_null(json_object_get(j, "note")));
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	json_decref(hcall(h, "PATCH", lpath(acc, lid), U_OWNER, "{\"sign\":\"supports\"}",
			  (const char *const[]){"If-Match: \"1\"", NULL}, 412));
	expect_err("PATCH", lpath(acc, lid), "{\"from_contact_id\":1}", 422, "/from_contact_id",
		   NULL);
	j = hcall(h, "GET", lpath(acc, 0), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	json_decref(j);
	json_decref(hcall(h, "DELETE", lpath(acc, lid), U_OWNER, NULL, any, 204));
	json_decref(hcall(h, "DELETE", lpath(acc, lid), U_OWNER, NULL, any, 404));
	/* A link under another account's path is not found. */
	json_decref(hcall(h, "DELETE", lpath(acc2, lid + 1), U_OWNER, NULL, any, 404));
}

/* The id of the first active component and of one of its factors, from the catalogue. */
static void
first_component(int64_t *component, int64_t *factor)
{
	json_t *j = hcall(h, "GET", WS "/loyalty/catalogue", U_VIEWER, NULL, NULL, 200);
	json_t *c = json_array_get(json_object_get(j, "components"), 0);

	*component = json_integer_value(json_object_get(c, "id"));
	*factor = json_integer_value(
	    json_object_get(json_array_get(json_object_get(c, "factors"), 0), "id"));
	json_decref(j);
	assert_true(*component > 0 && *factor > 0);
}

static void
test_cx(void **state)
{
	char path[256], body[512];
	int64_t acc, acc2, who, stranger, comp, factor;
	json_t *j, *cx, *latest;

	(void)state;
	acc = account(U_OWNER, "Голос клиента");
	acc2 = account(U_OWNER, "Голос другого");
	who = person(acc, "Технический директор", 0);
	stranger = person(acc2, "Чужой голос", 0);
	first_component(&comp, &factor);
	snprintf(path, sizeof(path), WS "/accounts/%lld/assessments", (long long)acc);
	snprintf(body, sizeof(body),
		 "{\"source\":\"interview\",\"assessed_on\":\"2026-03-01\",\"contact_id\":%lld,"
		 "\"recommend\":6,\"components\":[{\"component_id\":%lld,\"score\":2}]}",
		 (long long)who, (long long)comp);
	j = hcall(h, "POST", path, U_OWNER, body, NULL, 201);
	assert_int_equal(json_integer_value(json_object_get(j, "contact_id")), who);
	assert_string_equal(json_string_value(json_object_get(j, "person")),
			    "Технический директор");
	json_decref(j);
	snprintf(
	    body, sizeof(body),
	    "{\"source\":\"interview\",\"assessed_on\":\"2026-04-01\",\"contact_id\":%lld,"
	    "\"person\":\"по телефону\",\"recommend\":9,\"components\":[{\"component_id\":%lld,"
	    "\"score\":4,\"factors\":[{\"factor_id\":%lld}]}]}",
	    (long long)who, (long long)comp, (long long)factor);
	j = hcall(h, "POST", path, U_OWNER, body, NULL, 201);
	assert_string_equal(json_string_value(json_object_get(j, "person")), "по телефону");
	json_decref(j);
	/* One of another company, or unknown: 422 at /contact_id; nothing stored. */
	snprintf(body, sizeof(body),
		 "{\"source\":\"interview\",\"contact_id\":%lld,\"summary\":\"x\"}",
		 (long long)stranger);
	expect_err("POST", path, body, 422, "/contact_id", NULL);
	expect_err("POST", path,
		   "{\"source\":\"interview\",\"contact_id\":\"a\",\"summary\":\"x\"}", 422,
		   "/contact_id", NULL);
	j = fetch(acc, who);
	cx = json_object_get(j, "cx");
	assert_int_equal(json_integer_value(json_object_get(cx, "assessments")), 2);
	latest = json_object_get(cx, "latest");
	assert_string_equal(json_string_value(json_object_get(latest, "assessed_on")),
			    "2026-04-01");
	assert_int_equal(json_integer_value(json_object_get(latest, "recommend")), 9);
	assert_string_equal(json_string_value(json_object_get(latest, "nps_group")), "promoter");
	assert_true(json_number_value(json_object_get(
			json_array_get(json_object_get(latest, "scores"), 0), "score")) == 4);
	assert_int_equal(json_integer_value(json_object_get(
			     json_array_get(json_object_get(latest, "factors"), 0), "factor_id")),
			 factor);
	assert_non_null(json_object_get(
	    json_object_get(json_array_get(json_object_get(latest, "factors"), 0), "text"), "ru"));
	json_decref(j);
	j = fetch(acc2, stranger);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "cx"), "assessments")), 0);
	json_decref(j);
}

static void
test_roles(void **state)
{
	const char *const *any = NULL;
	int64_t mine, theirs, cid;

	(void)state;
	mine = account(U_MANAGER, "Моя карта");
	theirs = account(U_MANAGER2, "Чужая карта");
	cid = create(kpath(WS, mine, 0), U_MANAGER, "{\"name\":\"Мой контакт\"}");
	json_decref(hcall(h, "PATCH", kpath(WS, mine, cid), U_MANAGER, "{\"influence\":\"low\"}",
			  any, 200));
	json_decref(
	    hcall(h, "POST", kpath(WS, theirs, 0), U_MANAGER, "{\"name\":\"Нет\"}", NULL, 403));
	cid = create(kpath(WS, theirs, 0), U_MANAGER2, "{\"name\":\"Их контакт\"}");
	json_decref(
	    hcall(h, "PATCH", kpath(WS, theirs, cid), U_MANAGER, "{\"name\":\"x\"}", any, 403));
	json_decref(hcall(h, "DELETE", kpath(WS, theirs, cid), U_MANAGER, NULL, any, 403));
	json_decref(hcall(h, "GET", kpath(WS, theirs, cid), U_MANAGER, NULL, NULL, 200));
	json_decref(
	    hcall(h, "POST", kpath(WS, theirs, 0), U_VIEWER, "{\"name\":\"Нет\"}", NULL, 403));
	json_decref(
	    hcall(h, "POST", kpath(WS, theirs, 0), U_ANALYST, "{\"name\":\"Да\"}", NULL, 201));
}

static void
test_foreign_ids(void **state)
{
	const char *const *any = NULL;
	char path[320], body[256];
	int64_t acc, acc2, foreign, cid, fcid, lid;

	(void)state;
	acc = account(U_OWNER, "Своя");
	acc2 = account(U_OWNER, "Своя другая");
	foreign = create(WS_OTHER "/accounts", U_OTHER, "{\"name\":\"Чужая\"}");
	fcid = create(kpath(WS_OTHER, foreign, 0), U_OTHER, "{\"name\":\"Чужой человек\"}");
	cid = person(acc, "Свой человек", 0);
	lid = 0;
	{
		int64_t other = person(acc, "Второй", 0);

		snprintf(body, sizeof(body),
			 "{\"from_contact_id\":%lld,\"to_contact_id\":%lld,\"sign\":\"supports\"}",
			 (long long)cid, (long long)other);
		lid = create(lpath(acc, 0), U_OWNER, body);
	}
	/* Another workspace's account, in acme's path: 404 everywhere. */
	json_decref(hcall(h, "GET", kpath(WS, foreign, 0), U_OWNER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "POST", kpath(WS, foreign, 0), U_OWNER, "{\"name\":\"x\"}", NULL, 404));
	json_decref(hcall(h, "GET", kpath(WS, foreign, fcid), U_OWNER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "PATCH", kpath(WS, foreign, fcid), U_OWNER, "{\"name\":\"x\"}", any, 404));
	json_decref(hcall(h, "DELETE", kpath(WS, foreign, fcid), U_OWNER, NULL, any, 404));
	snprintf(path, sizeof(path), "%s/restore", kpath(WS, foreign, fcid));
	json_decref(hcall(h, "POST", path, U_OWNER, NULL, any, 404));
	snprintf(path, sizeof(path), WS "/accounts/%lld/contact-links", (long long)foreign);
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
	/* Another workspace's person under our account's path: 404. */
	json_decref(hcall(h, "GET", kpath(WS, acc, fcid), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", kpath(WS, acc, fcid), U_OWNER, "{\"name\":\"x\"}", any, 404));
	/* Our person under another account's path: 404. */
	json_decref(hcall(h, "GET", kpath(WS, acc2, cid), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", kpath(WS, acc2, cid), U_OWNER, "{\"name\":\"x\"}", any, 404));
	json_decref(hcall(h, "DELETE", kpath(WS, acc2, cid), U_OWNER, NULL, any, 404));
	json_decref(hcall(h, "PATCH", lpath(acc2, lid), U_OWNER, "{\"note\":\"x\"}", any, 404));
	/* Someone of another workspace reading ours: 404. */
	json_decref(hcall(h, "GET", kpath(WS, acc, cid), U_OTHER, NULL, NULL, 404));
	/* Another workspace's person as a manager: 422, like an unknown one. */
	snprintf(body, sizeof(body), "{\"reports_to_id\":%lld}", (long long)fcid);
	expect_err("PATCH", kpath(WS, acc, cid), body, 422, "/reports_to_id", NULL);
	/* And the foreign one is untouched. */
	{
		json_t *j =
		    hcall(h, "GET", kpath(WS_OTHER, foreign, fcid), U_OTHER, NULL, NULL, 200);

		assert_string_equal(json_string_value(json_object_get(j, "name")), "Чужой человек");
		assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
		json_decref(j);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields),     cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_reports_to), cmocka_unit_test(test_delete_and_restore),
	    cmocka_unit_test(test_links),      cmocka_unit_test(test_cx),
	    cmocka_unit_test(test_roles),      cmocka_unit_test(test_foreign_ids),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_contacts", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
