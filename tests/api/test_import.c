/*
 * test_import.c — POST /api/v1/workspaces/{ws}/imports/accounts over real
 * HTTP: encodings (UTF-8 with and without BOM, Windows-1251), delimiters,
 * English and Russian headers, quoted fields with line breaks, upsert by
 * external id, dry runs, all-or-nothing against skip_invalid with line
 * numbers, file-level errors, limits and access. What was stored is read
 * back through core so that these tests do not depend on the accounts API.
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
#include "harness.h"
#include "import_fixtures.h"

static struct harness *h;

/* POSTs body as a CSV file to workspace ws with the query q (may be NULL) as user. */
static long
post_csv(const char *ws, const char *q, int user, const char *body, size_t len, struct hresp *r)
{
	return if_post(h, "accounts", ws, q, user, body, len, r);
}

/* post_csv of a NUL-terminated text into acme as the analyst. */
static long
post_text(const char *q, const char *text, struct hresp *r)
{
	return post_csv("acme", q, U_ANALYST, text, strlen(text), r);
}

/* Loads the acme account with external id ext into out (strings in a); false when none. */
static int
load(struct arena *a, const char *ext, struct account *out)
{
	struct db_conn *c;
	int64_t id;
	int ok;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	ok = account_find_external(c, h->ws_acme, ext, &id) == ADV_OK &&
	     account_get(c, a, h->ws_acme, id, out) == ADV_OK;
	db_release(h->db, c);
	return ok;
}

/* The first entry of the report's rejected list. */
static const json_t *
first_reject(const json_t *obj)
{
	return json_array_get(if_rejects(obj), 0);
}

static void
test_utf8_commas_english_headers(void **state)
{
	static const char csv[] =
	    "name,legal_name,inn,external_id,status,owner_email,tags,revenue,website,description\n"
	    "Alpha,\"ООО \"\"Альфа\"\"\",7707083893,T1-1,active,manager@example.test,\"big; "
	    "north, big\",1234567.5,alpha.ru,\"first line\nsecond line\"\n"
	    "Beta,,,T1-2,prospect,,,,,\n";
	struct hresp r;
	struct arena a;
	struct account acc;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL, csv, &r), 200);
	assert_int_equal(if_rep_int(r.json, "rows_read"), 2);
	assert_int_equal(if_rep_int(r.json, "created"), 2);
	assert_int_equal(if_rep_int(r.json, "imported"), 2);
	assert_string_equal(json_string_value(json_object_get(r.json, "delimiter")), ",");
	assert_string_equal(json_string_value(json_object_get(r.json, "encoding")), "UTF-8");
	assert_false(json_is_true(json_object_get(r.json, "dry_run")));
	hresp_free(&r);
	assert_true(load(&a, "T1-1", &acc));
	assert_string_equal(acc.name, "Alpha");
	assert_string_equal(acc.legal_name, "ООО \"Альфа\"");
	assert_string_equal(acc.inn, "7707083893");
	assert_string_equal(acc.owner_email, "manager@example.test");
	assert_int_equal(acc.ntags, 2);
	assert_string_equal(acc.tags[0], "big");
	assert_string_equal(acc.tags[1], "north");
	assert_true(acc.has_revenue);
	assert_true(acc.revenue == 1234567.5);
	assert_string_equal(acc.description, "first line\nsecond line");
	assert_true(load(&a, "T1-2", &acc));
	assert_int_equal(acc.status, ACCOUNT_PROSPECT);
	arena_free(&a);
}

static void
test_utf8_bom_semicolons_russian_headers(void **state)
{
	static const char csv[] =
	    "\xEF\xBB\xBF"
	    "Название;ИНН;Внешний ID;Статус;Дата ухода;Причина ухода;Выручка;Сегмент;Теги\r\n"
	    "Гамма;500100732259;T2-1;ушёл;05.03.2024;Ушли к конкуренту;1 234 567,89;Крупные;"
	    "металл, стройка\r\n";
	struct hresp r;
	struct arena a;
	struct account acc;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL, csv, &r), 200);
	assert_int_equal(if_rep_int(r.json, "created"), 1);
	assert_string_equal(json_string_value(json_object_get(r.json, "encoding")),
			    "UTF-8 with BOM");
	assert_string_equal(json_string_value(json_object_get(r.json, "delimiter")), ";");
	hresp_free(&r);
	assert_true(load(&a, "T2-1", &acc));
	assert_string_equal(acc.name, "Гамма");
	assert_int_equal(acc.status, ACCOUNT_CHURNED);
	assert_string_equal(acc.churned_at, "2024-03-05");
	assert_string_equal(acc.churn_reason, "Ушли к конкуренту");
	assert_true(acc.revenue > 1234567.88 && acc.revenue < 1234567.9);
	assert_string_equal(acc.segment, "Крупные");
	assert_int_equal(acc.ntags, 2);
	arena_free(&a);
}

static void
test_cp1251_semicolons_mixed_case_headers(void **state)
{
	static const char csv[] = " НАЗВАНИЕ ;внешний id;статус;Описание;Город\r\n"
				  "Дельта-Ёлка;T3-1;Под угрозой;\"Цех; склад\r\nи офис\";Пермь\r\n"
				  "Эпсилон;T3-2;потенциальный;;Екатеринбург\r\n";
	struct hresp r;
	struct arena a;
	struct account acc;
	size_t n;
	char *body = if_cp1251(csv, &n);

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_csv("acme", NULL, U_ANALYST, body, n, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "encoding")), "Windows-1251");
	assert_int_equal(if_rep_int(r.json, "created"), 2);
	hresp_free(&r);
	assert_true(load(&a, "T3-1", &acc));
	assert_string_equal(acc.name, "Дельта-Ёлка");
	assert_int_equal(acc.status, ACCOUNT_AT_RISK);
	assert_string_equal(acc.description, "Цех; склад\r\nи офис");
	assert_string_equal(acc.city, "Пермь");
	assert_true(load(&a, "T3-2", &acc));
	assert_int_equal(acc.status, ACCOUNT_PROSPECT);
	free(body);
	arena_free(&a);
}

static void
test_upsert_by_external_id(void **state)
{
	struct hresp r;
	struct arena a;
	struct account acc;
	int64_t id;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL,
				   "name;external_id;segment;city;status\n"
				   "Zeta;T4-1;Малые;Казань;active\n",
				   &r),
			 200);
	hresp_free(&r);
	assert_true(load(&a, "T4-1", &acc));
	id = acc.id;
	/* Same external id: an update; the empty segment clears, the empty status keeps. */
	assert_int_equal(post_text(NULL,
				   "name;external_id;segment;status\n"
				   "Zeta renamed;T4-1;;\n"
				   "Eta;;;\n",
				   &r),
			 200);
	assert_int_equal(if_rep_int(r.json, "updated"), 1);
	assert_int_equal(if_rep_int(r.json, "created"), 1);
	hresp_free(&r);
	assert_true(load(&a, "T4-1", &acc));
	assert_int_equal(acc.id, id);
	assert_string_equal(acc.name, "Zeta renamed");
	assert_null(acc.segment);
	assert_string_equal(acc.city, "Казань"); /* not a column of the second file */
	assert_int_equal(acc.status, ACCOUNT_ACTIVE);
	assert_int_equal(acc.version, 2);
	arena_free(&a);
}

static void
test_audit_entries(void **state)
{
	struct hresp r;
	struct arena a;
	struct account acc;
	struct audit_entry *items;
	struct db_conn *c;
	size_t n;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL, "name,external_id\nTheta,T5-1\n", &r), 200);
	hresp_free(&r);
	assert_true(load(&a, "T5-1", &acc));
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(audit_list_account(c, &a, h->ws_acme, acc.id, 0, 10, &items, &n), ADV_OK);
	db_release(h->db, c);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].actor_user_id, h->user_id[U_ANALYST]);
	assert_string_equal(items[0].action, "import");
	assert_string_equal(items[0].changes, "{}");
	arena_free(&a);
}

/* A row that changes nothing is counted as unchanged and writes nothing; a change is audited. */
static void
test_unchanged_rows(void **state)
{
	static const char csv[] = "name;external_id;city;tags\n"
				  "Omicron;T12-1;Казань;a, b\n"
				  "Pi;T12-2;Пермь;\n";
	struct hresp r;
	struct arena a;
	struct account acc, acc2;
	struct audit_entry *items;
	struct db_conn *c;
	size_t n;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL, csv, &r), 200);
	assert_int_equal(if_rep_int(r.json, "created"), 2);
	assert_int_equal(if_rep_int(r.json, "unchanged"), 0);
	hresp_free(&r);
	assert_int_equal(post_text(NULL, csv, &r), 200);
	assert_int_equal(if_rep_int(r.json, "created"), 0);
	assert_int_equal(if_rep_int(r.json, "updated"), 0);
	assert_int_equal(if_rep_int(r.json, "unchanged"), 2);
	assert_int_equal(if_rep_int(r.json, "imported"), 2);
	hresp_free(&r);
	assert_int_equal(post_text(NULL,
				   "name;external_id;city;tags\n"
				   "Omicron;T12-1;Казань;a, b\n"
				   "Pi;T12-2;Уфа;\n",
				   &r),
			 200);
	assert_int_equal(if_rep_int(r.json, "updated"), 1);
	assert_int_equal(if_rep_int(r.json, "unchanged"), 1);
	hresp_free(&r);
	assert_true(load(&a, "T12-1", &acc));
	assert_int_equal(acc.version, 1);
	assert_int_equal(acc.ntags, 2);
	assert_true(load(&a, "T12-2", &acc2));
	assert_int_equal(acc2.version, 2);
	assert_string_equal(acc2.city, "Уфа");
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(audit_list_account(c, &a, h->ws_acme, acc.id, 0, 10, &items, &n), ADV_OK);
	assert_int_equal(n, 1);
	assert_int_equal(audit_list_account(c, &a, h->ws_acme, acc2.id, 0, 10, &items, &n), ADV_OK);
	db_release(h->db, c);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].action, "import");
	assert_non_null(strstr(items[0].changes, "\"city\":{\"from\":\"Пермь\",\"to\":\"Уфа\"}"));
	assert_string_equal(items[1].changes, "{}");
	arena_free(&a);
}

static void
test_dry_run_writes_nothing(void **state)
{
	struct hresp r;
	struct arena a;
	struct account acc;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text("dry_run=true", "name,external_id\nIota,T6-1\nKappa,T6-2\n", &r),
			 200);
	assert_true(json_is_true(json_object_get(r.json, "dry_run")));
	assert_int_equal(if_rep_int(r.json, "created"), 2);
	hresp_free(&r);
	assert_false(load(&a, "T6-1", &acc));
	assert_false(load(&a, "T6-2", &acc));
	arena_free(&a);
}

static void
test_all_or_nothing_and_skip_invalid(void **state)
{
	static const char csv[] = "name;inn;external_id;description\n"
				  "Lambda;7707083893;T7-1;\"two\nlines\"\n"
				  "Mu;7707083894;T7-2;\n"
				  "Nu;;T7-3;\n";
	struct hresp r;
	struct arena a;
	struct account acc;
	const json_t *rj;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL, csv, &r), 422);
	assert_int_equal(if_rep_int(r.json, "rows_read"), 3);
	assert_int_equal(if_rep_int(r.json, "rows_rejected"), 1);
	rj = first_reject(r.json);
	assert_non_null(rj);
	assert_int_equal(json_integer_value(json_object_get(rj, "line")), 4);
	assert_string_equal(json_string_value(json_object_get(rj, "field")), "inn");
	assert_non_null(strstr(json_string_value(json_object_get(rj, "message")), "check digit"));
	hresp_free(&r);
	assert_false(load(&a, "T7-1", &acc));
	assert_false(load(&a, "T7-3", &acc));
	assert_int_equal(post_text("skip_invalid=true", csv, &r), 200);
	assert_int_equal(if_rep_int(r.json, "imported"), 2);
	assert_int_equal(if_rep_int(r.json, "rows_rejected"), 1);
	assert_int_equal(json_integer_value(json_object_get(first_reject(r.json), "line")), 4);
	hresp_free(&r);
	assert_true(load(&a, "T7-1", &acc));
	assert_false(load(&a, "T7-2", &acc));
	assert_true(load(&a, "T7-3", &acc));
	arena_free(&a);
}

static void
test_bad_values_named(void **state)
{
	static const char csv[] = "name,external_id,status,churned_at,revenue,owner_email\n"
				  "Xi,T8-1,sleeping,,,\n"
				  "Omicron,T8-2,churned,31.02.2024,,\n"
				  "Pi,T8-3,,,12abc,\n"
				  "Rho,T8-4,,,,nobody@example.test\n"
				  ",T8-5,,,,\n";
	static const char *const fields[] = {"status", "churned_at", "revenue", "owner_email",
					     "name"};
	struct hresp r;
	const json_t *rej;

	(void)state;
	assert_int_equal(post_text(NULL, csv, &r), 422);
	assert_int_equal(if_rep_int(r.json, "rows_rejected"), 5);
	rej = json_object_get(json_object_get(r.json, "report"), "rejected");
	assert_int_equal(json_array_size(rej), 5);
	for (size_t i = 0; i < 5; i++) {
		const json_t *e = json_array_get(rej, i);

		assert_int_equal(json_integer_value(json_object_get(e, "line")), (long long)i + 2);
		assert_string_equal(json_string_value(json_object_get(e, "field")), fields[i]);
	}
	hresp_free(&r);
}

static void
test_unknown_and_doubled_columns(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(post_text(NULL, "Название;Телефон\nA;1\n", &r), 422);
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "Телефон"));
	assert_null(json_object_get(r.json, "report"));
	hresp_free(&r);
	assert_int_equal(post_text(NULL, "name;Название\nA;B\n", &r), 422);
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "both"));
	hresp_free(&r);
	assert_int_equal(post_text(NULL, "segment\nA\n", &r), 422);
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "name"));
	hresp_free(&r);
	assert_int_equal(post_text(NULL, "", &r), 422);
	hresp_free(&r);
}

static void
test_invalid_encodings(void **state)
{
	/* Mostly UTF-8 with one stray byte: damaged, not Windows-1251. */
	static const char damaged[] = "name,external_id\nПривет,T9-1\nПока\xFF,T9-2\nЕщё,T9-3\n";
	/* 0x98 is the one byte Windows-1251 leaves undefined. */
	static const char undefined[] = "name,external_id\n\xCF\xF0\x98,T9-4\n";
	/* A NUL byte: a binary file. */
	static const char binary[] = "name\nA\0B\n";
	struct hresp r;

	(void)state;
	assert_int_equal(post_csv("acme", NULL, U_ANALYST, damaged, sizeof(damaged) - 1, &r), 422);
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "line 3"));
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "UTF-8"));
	hresp_free(&r);
	assert_int_equal(post_csv("acme", NULL, U_ANALYST, undefined, sizeof(undefined) - 1, &r),
			 422);
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "0x98"));
	hresp_free(&r);
	assert_int_equal(post_csv("acme", NULL, U_ANALYST, binary, sizeof(binary) - 1, &r), 422);
	hresp_free(&r);
}

static void
test_unclosed_quote(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(post_text(NULL, "name,external_id\n\"Sigma,T10-1\n", &r), 422);
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "line 2"));
	hresp_free(&r);
}

static void
test_export_guard_removed(void **state)
{
	struct hresp r;
	struct arena a;
	struct account acc;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(post_text(NULL, "name;external_id;description\nTau;T11-1;'=1+2\n", &r),
			 200);
	hresp_free(&r);
	assert_true(load(&a, "T11-1", &acc));
	assert_string_equal(acc.description, "=1+2");
	arena_free(&a);
}

static void
test_query_flags_and_content_type(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(post_text("dry_run=maybe", "name\nA\n", &r), 422);
	assert_true(hresp_has_pointer(&r, "dry_run"));
	hresp_free(&r);
	assert_int_equal(hreq(h, "POST", "/api/v1/workspaces/acme/imports/accounts", U_ANALYST,
			      "application/json", "{}", 2, NULL, &r),
			 0);
	assert_int_equal(r.status, 415);
	hresp_free(&r);
	assert_int_equal(hreq(h, "POST", "/api/v1/workspaces/acme/imports/accounts", U_ANALYST,
			      "application/octet-stream", "name\nUpsilon\n", 12, NULL, &r),
			 0);
	assert_int_equal(r.status, 200);
	hresp_free(&r);
}

static void
test_body_too_big(void **state)
{
	size_t n = 9u * 1024u * 1024u; /* the harness allows 8 MiB uploads */
	char *big = malloc(n);
	struct hresp r;

	(void)state;
	memset(big, 'a', n);
	memcpy(big, "name\n", 5);
	assert_int_equal(post_csv("acme", NULL, U_ANALYST, big, n, &r), 413);
	hresp_free(&r);
	free(big);
}

static void
test_access(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(post_csv("other", NULL, U_ANALYST, "name\nA\n", 7, &r), 404);
	hresp_free(&r);
	assert_int_equal(post_csv("acme", NULL, U_VIEWER, "name\nA\n", 7, &r), 403);
	hresp_free(&r);
	assert_int_equal(post_csv("acme", NULL, U_MANAGER, "name\nA\n", 7, &r), 403);
	hresp_free(&r);
	assert_int_equal(post_csv("acme", NULL, U__MAX, "name\nA\n", 7, &r), 401);
	hresp_free(&r);
	assert_int_equal(post_csv("acme", "dry_run=true", U_OWNER, "name\nA\n", 7, &r), 200);
	hresp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_commas_english_headers),
	    cmocka_unit_test(test_utf8_bom_semicolons_russian_headers),
	    cmocka_unit_test(test_cp1251_semicolons_mixed_case_headers),
	    cmocka_unit_test(test_upsert_by_external_id),
	    cmocka_unit_test(test_audit_entries),
	    cmocka_unit_test(test_unchanged_rows),
	    cmocka_unit_test(test_dry_run_writes_nothing),
	    cmocka_unit_test(test_all_or_nothing_and_skip_invalid),
	    cmocka_unit_test(test_bad_values_named),
	    cmocka_unit_test(test_unknown_and_doubled_columns),
	    cmocka_unit_test(test_invalid_encodings),
	    cmocka_unit_test(test_unclosed_quote),
	    cmocka_unit_test(test_export_guard_removed),
	    cmocka_unit_test(test_query_flags_and_content_type),
	    cmocka_unit_test(test_body_too_big),
	    cmocka_unit_test(test_access),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_import", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
