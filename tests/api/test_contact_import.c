/*
 * test_contact_import.c — POST …/imports/contacts and GET …/exports/contacts
 * over real HTTP, and `advocate import|export contacts`: encodings (UTF-8
 * with and without BOM, Windows-1251 with ';'), English and Russian headers
 * and values, the company by external id or INN (never another workspace's),
 * update by external id, reports_to by e-mail or external id with forward
 * references, rejected rows named by field (unknown company, bad e-mail,
 * unknown attitude, unknown manager, a cycle), all or nothing against
 * skip_invalid (a row rejected in the second pass leaves nothing behind),
 * dry runs, access, and the round trip export → import → export. What was
 * stored is read back through core.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/contact.h"
#include "harness.h"
#include "import_fixtures.h"

static struct harness *h;

/* POSTs body as a CSV file to …/imports/contacts of ws with the query q (may be NULL). */
static long
post_csv(const char *ws, const char *q, int user, const char *body, size_t len, struct hresp *r)
{
	return if_post(h, "contacts", ws, q, user, body, len, r);
}

/* post_csv of a NUL-terminated text into acme as the analyst. */
static long
post_text(const char *q, const char *text, struct hresp *r)
{
	return post_csv("acme", q, U_ANALYST, text, strlen(text), r);
}

/* GETs …/exports/contacts of ws with the query q as user. */
static long
get_export(const char *ws, const char *q, int user, struct hresp *r)
{
	char path[256];

	snprintf(path, sizeof(path), "/api/v1/workspaces/%s/exports/contacts%s%s", ws, q ? "?" : "",
		 q ? q : "");
	if (hreq(h, "GET", path, user, NULL, NULL, 0, NULL, r) != 0)
		return -1;
	return r->status;
}

/* Asserts that reject i has line and field. */
static void
assert_reject(const json_t *obj, size_t i, long long line, const char *field)
{
	const json_t *e = json_array_get(if_rejects(obj), i);

	assert_non_null(e);
	assert_int_equal(json_integer_value(json_object_get(e, "line")), line);
	assert_string_equal(json_string_value(json_object_get(e, "field")), field);
}

/* The id of the account of workspace ws with external id ext. */
static int64_t
account_id(int64_t ws, const char *ext)
{
	struct db_conn *c;
	int64_t id = 0;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(account_find_external(c, ws, ext, &id), ADV_OK);
	db_release(h->db, c);
	return id;
}

/*
 * Loads the live acme contact with external id ext (of account or
 * A-3) into out, strings in a; false when none.
 */
static int
load(struct arena *a, const char *ext, struct contact *out)
{
	static const char *const accounts[] = {"A-1", "A-2", "A-3"};
	struct db_conn *c;
	int64_t id = 0, acc[3];
	int ok = 0;

	for (size_t i = 0; i < 3; i++)
		acc[i] = account_id(h->ws_acme, accounts[i]);
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(contact_find(c, h->ws_acme, 0, ext, NULL, &id), ADV_OK);
	for (size_t i = 0; id != 0 && !ok && i < 3; i++)
		ok = contact_get(c, a, h->ws_acme, acc[i], id, out) == ADV_OK;
	db_release(h->db, c);
	return ok;
}

/* The id of the live acme contact with external id ext (0 when none). */
static int64_t
contact_id(const char *ext)
{
	struct db_conn *c;
	int64_t id = 0;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(contact_find(c, h->ws_acme, 0, ext, NULL, &id), ADV_OK);
	db_release(h->db, c);
	return id;
}

/* Imports accounts into ws as user (the contacts' companies). */
static void
seed_accounts(const char *ws, int user, const char *csv)
{
	struct hresp r;

	assert_int_equal(if_post(h, "accounts", ws, NULL, user, csv, strlen(csv), &r), 200);
	hresp_free(&r);
}

static int
setup(void **state)
{
	(void)state;
	h = harness_start(0);
	seed_accounts("acme", U_ANALYST,
		      "name;external_id;inn\n"
		      "Альфа;A-1;7707083893\n"
		      "Бета;A-2;\n"
		      "Гамма;A-3;500100732259\n");
	seed_accounts("other", U_OTHER,
		      "name;external_id;inn\n"
		      "Чужая;O-1;\n"
		      "Омега;O-2;7707083893\n");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	harness_stop(h);
	return 0;
}

static void
test_utf8_english(void **state)
{
	static const char csv[] =
	    "account_external_id,name,position,department,emails,phones,buying_role,attitude,"
	    "influence,relationship,owner_email,last_contact_on,notes,external_id\n"
	    "A-1,Ирина Петрова,Директор по закупкам,Закупки,\"Petrova@Client.ru; i.p@client.ru\","
	    "\"+7 495 123-45-67, 8 800 100-00-00 доб. 12\",economic_buyer,supporter,high,working,"
	    "manager@example.test,02.11.2025,\"two\nlines\",K1-1\n";
	struct hresp r;
	struct arena a;
	struct contact k;
	struct audit_entry *items;
	struct db_conn *c;
	size_t n;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL, csv, &r), 200);
	assert_int_equal(if_rep_int(r.json, "rows_read"), 1);
	assert_int_equal(if_rep_int(r.json, "created"), 1);
	assert_int_equal(if_rep_int(r.json, "imported"), 1);
	assert_string_equal(json_string_value(json_object_get(r.json, "encoding")), "UTF-8");
	assert_string_equal(json_string_value(json_object_get(r.json, "delimiter")), ",");
	hresp_free(&r);
	assert_true(load(&a, "K1-1", &k));
	assert_int_equal(k.account_id, account_id(h->ws_acme, "A-1"));
	assert_string_equal(k.name, "Ирина Петрова");
	assert_string_equal(k.position, "Директор по закупкам");
	assert_string_equal(k.department, "Закупки");
	assert_int_equal(k.nemails, 2);
	assert_string_equal(k.emails[0], "petrova@client.ru");
	assert_string_equal(k.emails[1], "i.p@client.ru");
	assert_int_equal(k.nphones, 2);
	assert_string_equal(k.phones[0], "+7 495 123-45-67");
	assert_string_equal(k.phones[1], "8 800 100-00-00 доб. 12");
	assert_int_equal(k.buying_role, BUY_ECONOMIC_BUYER);
	assert_int_equal(k.attitude, ATT_SUPPORTER);
	assert_int_equal(k.influence, INF_HIGH);
	assert_int_equal(k.relationship, REL_WORKING);
	assert_string_equal(k.owner_email, "manager@example.test");
	assert_string_equal(k.last_contact_on, "2025-11-02");
	assert_null(k.left_on);
	assert_string_equal(k.notes, "two\nlines");
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(audit_list_account(c, &a, h->ws_acme, k.account_id, 0, 50, &items, &n),
			 ADV_OK);
	db_release(h->db, c);
	assert_true(n >= 1);
	assert_string_equal(items[0].entity_type, "contact");
	assert_int_equal(items[0].entity_id, k.id);
	assert_string_equal(items[0].action, "import");
	assert_int_equal(items[0].actor_user_id, h->user_id[U_ANALYST]);
	arena_free(&a);
}

static void
test_bom_russian_headers_and_values(void **state)
{
	static const char csv[] =
	    "\xEF\xBB\xBF"
	    "Компания (внешний ID);ФИО;Роль в закупке;Отношение;Влияние;Отношения с нами;Ушёл;"
	    "Последний контакт;Ответственный;Внешний ID\r\n"
	    "A-2;Сергей Ёжиков;ЛПР;Чемпион;ВЫСОКОЕ;доверенный советник;01.02.2024;2024-01-15;"
	    "owner@example.test;K2-1\r\n"
	    "A-2;Анна Белова;экономический покупатель;противник;низкое;слабые;;;;K2-2\r\n"
	    "A-2;Пётр Ким;коуч;нейтрален;среднее;нет;;;;K2-3\r\n";
	struct hresp r;
	struct arena a;
	struct contact k;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL, csv, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "encoding")),
			    "UTF-8 with BOM");
	assert_string_equal(json_string_value(json_object_get(r.json, "delimiter")), ";");
	assert_int_equal(if_rep_int(r.json, "created"), 3);
	hresp_free(&r);
	assert_true(load(&a, "K2-1", &k));
	assert_string_equal(k.name, "Сергей Ёжиков");
	assert_int_equal(k.buying_role, BUY_DECISION_MAKER);
	assert_int_equal(k.attitude, ATT_CHAMPION);
	assert_int_equal(k.influence, INF_HIGH);
	assert_int_equal(k.relationship, REL_TRUSTED_ADVISOR);
	assert_string_equal(k.left_on, "2024-02-01");
	assert_string_equal(k.last_contact_on, "2024-01-15");
	assert_string_equal(k.owner_email, "owner@example.test");
	assert_true(load(&a, "K2-2", &k));
	assert_int_equal(k.buying_role, BUY_ECONOMIC_BUYER);
	assert_int_equal(k.attitude, ATT_OPPONENT);
	assert_int_equal(k.influence, INF_LOW);
	assert_int_equal(k.relationship, REL_WEAK);
	assert_true(load(&a, "K2-3", &k));
	assert_int_equal(k.buying_role, BUY_COACH);
	assert_int_equal(k.attitude, ATT_NEUTRAL);
	assert_int_equal(k.influence, INF_MEDIUM);
	assert_int_equal(k.relationship, REL_NONE);
	arena_free(&a);
}

static void
test_cp1251_semicolons_by_inn(void **state)
{
	static const char csv[] = "компания (инн);ФИО;Должность;Подразделение;e-mail;Телефоны;"
				  "ушел;Внешний ID\r\n"
				  "500100732259;Фёдор Щукин;Главный инженер;Цех № 1;"
				  "shchukin@gamma.ru;+7 343 000-00-00;;K3-1\r\n";
	struct hresp r;
	struct arena a;
	struct contact k;
	size_t n;
	char *body = if_cp1251(csv, &n);

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_csv("acme", NULL, U_ANALYST, body, n, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "encoding")), "Windows-1251");
	assert_string_equal(json_string_value(json_object_get(r.json, "delimiter")), ";");
	assert_int_equal(if_rep_int(r.json, "created"), 1);
	hresp_free(&r);
	assert_true(load(&a, "K3-1", &k));
	assert_int_equal(k.account_id, account_id(h->ws_acme, "A-3"));
	assert_string_equal(k.name, "Фёдор Щукин");
	assert_string_equal(k.department, "Цех № 1");
	assert_string_equal(k.emails[0], "shchukin@gamma.ru");
	free(body);
	arena_free(&a);
}

static void
test_dry_run_writes_nothing(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(post_text("dry_run=true",
				   "account_external_id;name;external_id;reports_to\n"
				   "A-1;Первый;K4-1;K4-2\n"
				   "A-1;Второй;K4-2;\n",
				   &r),
			 200);
	assert_true(json_is_true(json_object_get(r.json, "dry_run")));
	assert_int_equal(if_rep_int(r.json, "created"), 2);
	assert_int_equal(if_rep_int(r.json, "rows_rejected"), 0);
	hresp_free(&r);
	assert_int_equal(contact_id("K4-1"), 0);
	assert_int_equal(contact_id("K4-2"), 0);
}

/* Every kind of problem, named by field and line, in file order; nothing written. */
static void
test_rejected_rows_named(void **state)
{
	static const char csv[] =
	    "account_external_id;name;emails;attitude;reports_to;external_id\n"
	    "A-404;Нет компании;;;;K5-1\n"
	    "A-1;Плохой адрес;not-an-email;;;K5-2\n"
	    "A-1;Странный;;дружелюбный;;K5-3\n"
	    "A-1;Без начальника;;;nobody@client.ru;K5-4\n"
	    "A-1;Цикл один;;;K5-6;K5-5\n"
	    "A-1;Цикл два;;;K5-5;K5-6\n"
	    "O-1;Чужая компания;;;;K5-7\n"
	    "A-1;Годный;;;;K5-8\n";
	static const struct {
		long long line;
		const char *field;
	} want[] = {
	    {2, "account_external_id"}, {3, "emails"},	   {4, "attitude"},
	    {5, "reports_to"},		{6, "reports_to"}, {8, "account_external_id"},
	};
	const json_t *msg;
	struct hresp r;

	(void)state;
	assert_int_equal(post_text(NULL, csv, &r), 422);
	assert_int_equal(if_rep_int(r.json, "rows_read"), 8);
	assert_int_equal(if_rep_int(r.json, "rows_rejected"), 6);
	assert_int_equal(json_array_size(if_rejects(r.json)), 6);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_reject(r.json, i, want[i].line, want[i].field);
	msg = json_object_get(json_array_get(if_rejects(r.json), 2), "message");
	assert_non_null(strstr(json_string_value(msg), "дружелюбный"));
	assert_non_null(strstr(json_string_value(msg), "champion"));
	msg = json_object_get(json_array_get(if_rejects(r.json), 4), "message");
	assert_non_null(strstr(json_string_value(msg), "cycle"));
	hresp_free(&r);
	assert_int_equal(contact_id("K5-5"), 0);
	assert_int_equal(contact_id("K5-8"), 0);
}

/*
 * skip_invalid: the valid rows go in; rows rejected after their write (an
 * unknown manager, a manager that is itself rejected) leave nothing behind.
 */
static void
test_skip_invalid(void **state)
{
	static const char csv[] =
	    "account_external_id;name;emails;attitude;reports_to;external_id\n"
	    "A-1;Годный;;;;K6-1\n"
	    "A-1;Без начальника;;;nobody@client.ru;K6-2\n"
	    "A-1;Подчинённый;;;boss6@client.ru;K6-3\n"
	    "A-1;Начальник;Boss6@client.ru;;K6-1;K6-4\n"
	    "A-1;Плохое отношение;;ужасное;;K6-5\n"
	    "A-1;Зависимый;;;K6-7;K6-6\n"
	    "A-1;Тоже без начальника;;;K6-404;K6-7\n";
	struct hresp r;

	(void)state;
	assert_int_equal(post_text("skip_invalid=true", csv, &r), 200);
	assert_int_equal(if_rep_int(r.json, "rows_read"), 7);
	assert_int_equal(if_rep_int(r.json, "created"), 3);
	assert_int_equal(if_rep_int(r.json, "imported"), 3);
	assert_int_equal(if_rep_int(r.json, "rows_rejected"), 4);
	assert_reject(r.json, 0, 3, "reports_to");
	assert_reject(r.json, 1, 6, "attitude");
	assert_reject(r.json, 2, 7, "reports_to");
	assert_reject(r.json, 3, 8, "reports_to");
	hresp_free(&r);
	assert_true(contact_id("K6-1") != 0);
	assert_int_equal(contact_id("K6-2"), 0);
	assert_true(contact_id("K6-3") != 0);
	assert_true(contact_id("K6-4") != 0);
	assert_int_equal(contact_id("K6-5"), 0);
	assert_int_equal(contact_id("K6-6"), 0);
	assert_int_equal(contact_id("K6-7"), 0);
	{
		struct arena a;
		struct contact k;

		arena_init(&a, 0);
		assert_true(load(&a, "K6-3", &k));
		assert_int_equal(k.reports_to_id, contact_id("K6-4"));
		assert_true(load(&a, "K6-4", &k));
		assert_int_equal(k.reports_to_id, contact_id("K6-1"));
		arena_free(&a);
	}
}

/* reports_to by e-mail (further down the file) and by external id (either way). */
static void
test_reports_to_forward_and_back(void **state)
{
	static const char csv[] = "account_external_id;name;emails;reports_to;external_id\n"
				  "A-3;Инженер;;GLAVNY@gamma.ru;K7-1\n"
				  "A-3;Главный;glavny@gamma.ru;K7-3;K7-2\n"
				  "A-3;Директор;director@gamma.ru;;K7-3\n"
				  "A-3;Техник;;K7-1;K7-4\n";
	struct hresp r;
	struct arena a;
	struct contact k;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL, csv, &r), 200);
	assert_int_equal(if_rep_int(r.json, "created"), 4);
	assert_int_equal(if_rep_int(r.json, "rows_rejected"), 0);
	hresp_free(&r);
	assert_true(load(&a, "K7-1", &k));
	assert_int_equal(k.reports_to_id, contact_id("K7-2"));
	assert_true(load(&a, "K7-2", &k));
	assert_int_equal(k.reports_to_id, contact_id("K7-3"));
	assert_true(load(&a, "K7-3", &k));
	assert_int_equal(k.reports_to_id, 0);
	assert_int_equal(k.reports, 1);
	assert_true(load(&a, "K7-4", &k));
	assert_int_equal(k.reports_to_id, contact_id("K7-1"));
	/* A person of another company is not a manager, even by external id. */
	assert_int_equal(post_text(NULL,
				   "account_external_id;name;reports_to;external_id\n"
				   "A-1;Чужой начальник;K7-3;K7-5\n",
				   &r),
			 422);
	assert_reject(r.json, 0, 2, "reports_to");
	hresp_free(&r);
	arena_free(&a);
}

static void
test_update_by_external_id(void **state)
{
	struct hresp r;
	struct arena a;
	struct contact k;
	int64_t id;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL,
				   "account_external_id;name;position;department;attitude;"
				   "reports_to;external_id\n"
				   "A-2;Начальник 8;;;;;K8-0\n"
				   "A-2;Олег;Инженер;ОГТ;skeptic;K8-0;K8-1\n",
				   &r),
			 200);
	hresp_free(&r);
	assert_true(load(&a, "K8-1", &k));
	id = k.id;
	assert_int_equal(k.version, 1);
	/* An empty cell clears, an empty attitude keeps, a missing column is not touched. */
	assert_int_equal(post_text(NULL,
				   "account_external_id;name;position;department;attitude;"
				   "external_id\n"
				   "A-2;Олег Сидоров;Ведущий инженер;;;K8-1\n",
				   &r),
			 200);
	assert_int_equal(if_rep_int(r.json, "updated"), 1);
	assert_int_equal(if_rep_int(r.json, "created"), 0);
	hresp_free(&r);
	assert_true(load(&a, "K8-1", &k));
	assert_int_equal(k.id, id);
	assert_int_equal(k.version, 2);
	assert_string_equal(k.name, "Олег Сидоров");
	assert_string_equal(k.position, "Ведущий инженер");
	assert_null(k.department);
	assert_int_equal(k.attitude, ATT_SKEPTIC);
	assert_int_equal(k.reports_to_id, contact_id("K8-0"));
	/* The same file again changes nothing. */
	assert_int_equal(post_text(NULL,
				   "account_external_id;name;position;department;attitude;"
				   "external_id\n"
				   "A-2;Олег Сидоров;Ведущий инженер;;;K8-1\n",
				   &r),
			 200);
	assert_int_equal(if_rep_int(r.json, "unchanged"), 1);
	hresp_free(&r);
	/* An empty reports_to clears the manager; a later manager counts as an update. */
	assert_int_equal(post_text(NULL,
				   "account_external_id;reports_to;external_id\n"
				   "A-2;;K8-1\n",
				   &r),
			 200);
	assert_int_equal(if_rep_int(r.json, "updated"), 1);
	hresp_free(&r);
	assert_true(load(&a, "K8-1", &k));
	assert_int_equal(k.reports_to_id, 0);
	assert_int_equal(post_text(NULL,
				   "account_external_id;name;reports_to;external_id\n"
				   "A-2;Олег Сидоров;K8-2;K8-1\n"
				   "A-2;Новый начальник;;K8-2\n",
				   &r),
			 200);
	assert_int_equal(if_rep_int(r.json, "updated"), 1);
	assert_int_equal(if_rep_int(r.json, "created"), 1);
	assert_int_equal(if_rep_int(r.json, "unchanged"), 0);
	hresp_free(&r);
	assert_true(load(&a, "K8-1", &k));
	assert_int_equal(k.reports_to_id, contact_id("K8-2"));
	/* The external id of a person of another company: rejected, not moved. */
	assert_int_equal(post_text(NULL,
				   "account_external_id;name;external_id\n"
				   "A-1;Олег Сидоров;K8-1\n",
				   &r),
			 422);
	assert_reject(r.json, 0, 2, "external_id");
	hresp_free(&r);
	assert_true(load(&a, "K8-1", &k));
	assert_int_equal(k.account_id, account_id(h->ws_acme, "A-2"));
	arena_free(&a);
}

static void
test_file_errors(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(post_text(NULL, "name;external_id\nA;B\n", &r), 422);
	assert_non_null(
	    strstr(json_string_value(json_object_get(r.json, "detail")), "account_external_id"));
	assert_null(json_object_get(r.json, "report"));
	hresp_free(&r);
	assert_int_equal(post_text(NULL, "account_external_id;ФИО;Телефон\nA-1;B;1\n", &r), 422);
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "Телефон"));
	hresp_free(&r);
	assert_int_equal(post_text(NULL, "account_inn;position\n7707083893;X\n", &r), 422);
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "ФИО"));
	hresp_free(&r);
	/* By INN: unknown, and a workspace's INN is not another's. */
	assert_int_equal(post_text(NULL, "account_inn;name\n7736050003;A\n", &r), 422);
	assert_reject(r.json, 0, 2, "account_inn");
	hresp_free(&r);
	assert_int_equal(post_text(NULL, "account_external_id;account_inn;name\n;;A\n", &r), 422);
	assert_reject(r.json, 0, 2, "account_external_id");
	hresp_free(&r);
}

static void
test_access(void **state)
{
	static const char csv[] = "account_external_id;name\nA-1;Кто-то\n";
	struct hresp r;

	(void)state;
	assert_int_equal(post_csv("acme", NULL, U_VIEWER, csv, strlen(csv), &r), 403);
	hresp_free(&r);
	assert_int_equal(post_csv("acme", NULL, U_MANAGER, csv, strlen(csv), &r), 403);
	hresp_free(&r);
	assert_int_equal(post_csv("other", NULL, U_ANALYST, csv, strlen(csv), &r), 404);
	hresp_free(&r);
	assert_int_equal(post_csv("acme", NULL, U__MAX, csv, strlen(csv), &r), 401);
	hresp_free(&r);
	assert_int_equal(hreq(h, "POST", "/api/v1/workspaces/acme/imports/contacts", U_ANALYST,
			      "application/json", "{}", 2, NULL, &r),
			 0);
	assert_int_equal(r.status, 415);
	hresp_free(&r);
	assert_int_equal(post_text("skip_invalid=perhaps", csv, &r), 422);
	assert_true(hresp_has_pointer(&r, "skip_invalid"));
	hresp_free(&r);
	assert_int_equal(get_export("acme", NULL, U_VIEWER, &r), 200);
	hresp_free(&r);
	assert_int_equal(get_export("other", NULL, U_VIEWER, &r), 404);
	hresp_free(&r);
	assert_int_equal(get_export("acme", "format=pdf", U_VIEWER, &r), 422);
	hresp_free(&r);
	assert_int_equal(get_export("acme", NULL, U__MAX, &r), 401);
	hresp_free(&r);
}

/* Data rows of a CSV text (quoted line breaks not counted apart), the header excluded. */
static size_t
data_rows(const char *s)
{
	size_t n = 0;
	int inq = 0;

	for (; *s; s++) {
		if (*s == '"')
			inq = !inq;
		else if (*s == '\n' && !inq)
			n++;
	}
	return n - 1;
}

/* Export, import and export again in workspace "other": nothing changes. */
static void
test_round_trip(void **state)
{
	static const char seed[] =
	    "account_external_id;account_inn;name;position;department;emails;phones;reports_to;"
	    "buying_role;attitude;influence;relationship;owner_email;last_contact_on;left_on;"
	    "notes;external_id\n"
	    "O-2;;Яков Директор;Генеральный директор;;ya@omega.ru;+7 999 000-00-01;;"
	    "decision_maker;champion;high;strong;other@example.test;2025-06-01;;=1+2;R-1\n"
	    "O-2;;Борис Зам;Заместитель;\"Отдел; продаж\";b@omega.ru, b2@omega.ru;;ya@omega.ru;"
	    "influencer;skeptic;medium;weak;;;2025-01-31;\"две\nстроки\";R-2\n"
	    ";7707083893;Вера Инженер;;;;;R-2;;opponent;low;none;;;;- минус;R-3\n"
	    "O-1;;Аркадий;;;;;;;;;;;;;;R-4\n";
	static const char *const langs[] = {"lang=ru", "lang=en"};
	struct hresp r, r2;

	(void)state;
	assert_int_equal(post_csv("other", NULL, U_OTHER, seed, strlen(seed), &r), 200);
	assert_int_equal(if_rep_int(r.json, "created"), 4);
	hresp_free(&r);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(get_export("other", langs[i], U_OTHER, &r), 200);
		assert_memory_equal(r.body, "\xEF\xBB\xBF", 3);
		if (i == 0)
			assert_int_equal(
			    strncmp(r.body + 3, "Компания (внешний ID);Компания (ИНН);ФИО",
				    strlen("Компания (внешний ID);Компания (ИНН);ФИО")),
			    0);
		else
			assert_int_equal(strncmp(r.body + 3, "account_external_id;account_inn;name",
						 strlen("account_external_id;account_inn;name")),
					 0);
		assert_int_equal(data_rows(r.body), 4);
		/* By company (Омега, Чужая), then name; reports_to by external id. */
		assert_true(strstr(r.body, "Борис Зам") < strstr(r.body, "Вера Инженер"));
		assert_true(strstr(r.body, "Вера Инженер") < strstr(r.body, "Яков Директор"));
		assert_true(strstr(r.body, "Яков Директор") < strstr(r.body, "Аркадий"));
		assert_non_null(strstr(r.body, ";R-1;influencer;skeptic;"));
		assert_non_null(strstr(r.body, "b@omega.ru, b2@omega.ru"));
		assert_non_null(strstr(r.body, "'=1+2"));
		assert_non_null(strstr(r.body, "O-2;7707083893;Вера Инженер"));
		assert_int_equal(post_csv("other", NULL, U_OTHER, r.body, r.len, &r2), 200);
		assert_int_equal(if_rep_int(r2.json, "rows_read"), 4);
		assert_int_equal(if_rep_int(r2.json, "unchanged"), 4);
		assert_int_equal(if_rep_int(r2.json, "created"), 0);
		assert_int_equal(if_rep_int(r2.json, "updated"), 0);
		hresp_free(&r2);
		assert_int_equal(get_export("other", langs[i], U_OTHER, &r2), 200);
		assert_int_equal(r2.len, r.len);
		assert_memory_equal(r2.body, r.body, r.len);
		hresp_free(&r2);
		hresp_free(&r);
	}
}

/* A manager without an external id is named by the first e-mail; XLSX is a workbook. */
static void
test_export_email_ref_and_xlsx(void **state)
{
	struct hresp r;
	char *ct, *cd;

	(void)state;
	assert_int_equal(post_text(NULL,
				   "account_external_id;name;emails;reports_to;external_id\n"
				   "A-3;Без ID;first@gamma.ru, second@gamma.ru;;\n"
				   "A-3;Подчинённый без ID начальника;;second@gamma.ru;K9-1\n",
				   &r),
			 200);
	hresp_free(&r);
	assert_int_equal(get_export("acme", "lang=en", U_VIEWER, &r), 200);
	assert_non_null(strstr(r.body, "Подчинённый без ID начальника;;;;;first@gamma.ru;"));
	cd = hresp_header(&r, "Content-Disposition");
	assert_non_null(strstr(cd, "contacts-acme-"));
	assert_non_null(strstr(cd, ".csv"));
	free(cd);
	hresp_free(&r);
	assert_int_equal(get_export("acme", "format=xlsx", U_VIEWER, &r), 200);
	assert_true(r.len > 100);
	assert_memory_equal(r.body, "PK", 2);
	ct = hresp_header(&r, "Content-Type");
	assert_non_null(strstr(ct, "spreadsheetml"));
	free(ct);
	hresp_free(&r);
}

/* `advocate import contacts` and `advocate export contacts` on the harness's database. */
static void
test_cli(void **state)
{
	static const char csv[] = "Компания (внешний ID);ФИО;Подчиняется;Внешний ID\n"
				  "A-1;Через CLI;K10-2;K10-1\n"
				  "A-1;Начальник CLI;;K10-2\n";
	const char *bin = getenv("ADVOCATE_BIN");
	char path[512], *out;
	FILE *f;

	(void)state;
	if (bin == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/contacts.csv", h->dir);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(csv, 1, sizeof(csv) - 1, f), sizeof(csv) - 1);
	fclose(f);
	assert_int_equal(hrun(&out, "%s import contacts %s --workspace acme --db '%s' --dry-run",
			      bin, path, h->dburl),
			 0);
	assert_non_null(strstr(out, "2 rows read"));
	assert_non_null(strstr(out, "dry run"));
	free(out);
	assert_int_equal(contact_id("K10-1"), 0);
	assert_int_equal(
	    hrun(&out, "%s import contacts %s --workspace acme --db '%s'", bin, path, h->dburl), 0);
	assert_non_null(strstr(out, "2 imported (2 created, 0 updated, 0 unchanged)"));
	free(out);
	assert_true(contact_id("K10-1") != 0);
	assert_int_equal(
	    hrun(&out, "%s export contacts --workspace acme --db '%s' --lang en", bin, h->dburl),
	    0);
	assert_non_null(strstr(out, "account_external_id;account_inn;name"));
	assert_non_null(strstr(out, "A-1;7707083893;Через CLI;;;;;K10-2;"));
	free(out);
	assert_int_equal(hrun(&out,
			      "%s export contacts --workspace acme --db '%s' --format xlsx --out "
			      "%s/c.xlsx 2>&1 && head -c 2 %s/c.xlsx",
			      bin, h->dburl, h->dir, h->dir),
			 0);
	assert_non_null(strstr(out, "contacts written"));
	assert_non_null(strstr(out, "PK"));
	free(out);
	assert_int_equal(hrun(&out,
			      "printf 'account_external_id;name;attitude\\nA-1;X;bad\\n' | "
			      "%s import contacts - --workspace acme --db '%s' 2>&1",
			      bin, h->dburl),
			 1);
	assert_non_null(strstr(out, "line 2: attitude:"));
	assert_non_null(strstr(out, "nothing was written"));
	free(out);
	assert_int_equal(
	    hrun(&out, "%s import people x.csv --workspace acme --db '%s' 2>&1", bin, h->dburl), 2);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_english),
	    cmocka_unit_test(test_bom_russian_headers_and_values),
	    cmocka_unit_test(test_cp1251_semicolons_by_inn),
	    cmocka_unit_test(test_dry_run_writes_nothing),
	    cmocka_unit_test(test_rejected_rows_named),
	    cmocka_unit_test(test_skip_invalid),
	    cmocka_unit_test(test_reports_to_forward_and_back),
	    cmocka_unit_test(test_update_by_external_id),
	    cmocka_unit_test(test_file_errors),
	    cmocka_unit_test(test_access),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_export_email_ref_and_xlsx),
	    cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests_name("api_contact_import", tests, setup, teardown);
}
