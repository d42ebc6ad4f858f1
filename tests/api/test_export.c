/*
 * test_export.c — GET /api/v1/workspaces/{ws}/exports/accounts over real
 * HTTP: CSV with Russian or English headers, XLSX, filters, access, and the
 * round trip: an exported CSV imports back without changing anything, and
 * exporting again gives the same bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct harness *h;

/* Accounts of every kind of value: quotes, line breaks, formulas, tags, dates, revenue. */
static const char seed_csv[] =
    "name;legal_name;inn;external_id;status;churned_at;churn_reason;segment;owner_email;tags;"
    "industry;region;city;website;employees;revenue;revenue_currency;description\n"
    "Альфа;\"ООО \"\"Альфа\"\"\";7707083893;E-1;active;;;Ключевые;manager@example.test;металл, "
    "экспорт;Металлургия;Свердловская область;Екатеринбург;https://alfa.ru;100-499;1 234 "
    "567,89;RUB;\"Две строки;\nвторая\"\n"
    "Бета;;;E-2;churned;2024-03-05;Цена;Малые;;;;;;;;;;=SUM(A1)\n"
    "Гамма;;500100732259;E-3;at_risk;;;;owner@example.test;;АПК;;;;5000;0,5;USD;- минус\n"
    "Дельта;;;E-4;prospect;;;;;;;;;;;;;\n";

static long
get(const char *query, int user, struct hresp *r)
{
	char path[512];

	snprintf(path, sizeof(path), "/api/v1/workspaces/acme/exports/accounts%s%s",
		 query ? "?" : "", query ? query : "");
	if (hreq(h, "GET", path, user, NULL, NULL, 0, NULL, r) != 0)
		return -1;
	return r->status;
}

static long
import(const char *body, size_t len, struct hresp *r)
{
	if (hreq(h, "POST", "/api/v1/workspaces/acme/imports/accounts", U_ANALYST, "text/csv", body,
		 len, NULL, r) != 0)
		return -1;
	return r->status;
}

/* Lines of a text (CRLF or LF ends, a quoted line break not counted apart). */
static size_t
records(const char *s)
{
	size_t n = 0;
	int inq = 0;

	for (; *s; s++) {
		if (*s == '"')
			inq = !inq;
		else if (*s == '\n' && !inq)
			n++;
	}
	return n;
}

static int
setup(void **state)
{
	struct hresp r;

	(void)state;
	h = harness_start(0);
	assert_int_equal(import(seed_csv, strlen(seed_csv), &r), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "created")), 4);
	hresp_free(&r);
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
test_csv_russian(void **state)
{
	struct hresp r;
	char *ct, *cd;

	(void)state;
	assert_int_equal(get(NULL, U_VIEWER, &r), 200);
	ct = hresp_header(&r, "Content-Type");
	cd = hresp_header(&r, "Content-Disposition");
	assert_non_null(strstr(ct, "text/csv"));
	assert_non_null(strstr(cd, "attachment"));
	assert_non_null(strstr(cd, "accounts-acme-"));
	assert_non_null(strstr(cd, ".csv"));
	assert_memory_equal(r.body, "\xEF\xBB\xBF", 3);
	assert_int_equal(strncmp(r.body + 3, "Название;Юридическое название;ИНН;Внешний ID;Статус",
				 strlen("Название;Юридическое название;ИНН;Внешний ID;Статус")),
			 0);
	assert_int_equal(records(r.body), 5);
	/* Names, not ids: the owner's e-mail, the status value, tags joined. */
	assert_non_null(strstr(r.body, "manager@example.test"));
	assert_non_null(strstr(r.body, ";churned;2024-03-05;"));
	assert_non_null(strstr(r.body, "металл, экспорт"));
	assert_non_null(strstr(r.body, "1234567,89"));
	assert_non_null(strstr(r.body, "'=SUM(A1)"));
	free(ct);
	free(cd);
	hresp_free(&r);
}

static void
test_csv_english_and_filters(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(get("lang=en", U_VIEWER, &r), 200);
	assert_int_equal(strncmp(r.body + 3, "name;legal_name;inn;external_id;status;churned_at",
				 strlen("name;legal_name;inn;external_id;status;churned_at")),
			 0);
	hresp_free(&r);
	assert_int_equal(get("status=churned", U_VIEWER, &r), 200);
	assert_int_equal(records(r.body), 2);
	assert_non_null(strstr(r.body, "Бета"));
	hresp_free(&r);
	assert_int_equal(get("owner=manager%40example.test", U_VIEWER, &r), 200);
	assert_int_equal(records(r.body), 2);
	assert_non_null(strstr(r.body, "Альфа"));
	hresp_free(&r);
	assert_int_equal(get("tag=%D1%8D%D0%BA%D1%81%D0%BF%D0%BE%D1%80%D1%82", U_VIEWER, &r), 200);
	assert_int_equal(records(r.body), 2);
	hresp_free(&r);
	assert_int_equal(get("status=sleeping", U_VIEWER, &r), 422);
	assert_true(hresp_has_pointer(&r, "status"));
	hresp_free(&r);
	assert_int_equal(get("format=pdf", U_VIEWER, &r), 422);
	hresp_free(&r);
	assert_int_equal(get("lang=de", U_VIEWER, &r), 422);
	hresp_free(&r);
}

static void
test_xlsx(void **state)
{
	struct hresp r;
	char *ct, *cd;

	(void)state;
	assert_int_equal(get("format=xlsx", U_ANALYST, &r), 200);
	ct = hresp_header(&r, "Content-Type");
	cd = hresp_header(&r, "Content-Disposition");
	assert_string_equal(ct,
			    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_non_null(strstr(cd, ".xlsx"));
	assert_true(r.len > 1000);
	assert_memory_equal(r.body, "PK\x03\x04", 4);
	free(ct);
	free(cd);
	hresp_free(&r);
}

/* Exports in format query q, imports the file back, and checks that nothing changed. */
static void
round_trip(const char *q)
{
	struct hresp first, again, imp;

	assert_int_equal(get(q, U_ANALYST, &first), 200);
	assert_int_equal(import(first.body, first.len, &imp), 200);
	assert_int_equal(json_integer_value(json_object_get(imp.json, "rows_read")), 4);
	assert_int_equal(json_integer_value(json_object_get(imp.json, "created")), 0);
	assert_int_equal(json_integer_value(json_object_get(imp.json, "updated")), 0);
	assert_int_equal(json_integer_value(json_object_get(imp.json, "unchanged")), 4);
	assert_int_equal(json_integer_value(json_object_get(imp.json, "rows_rejected")), 0);
	hresp_free(&imp);
	assert_int_equal(get(q, U_ANALYST, &again), 200);
	assert_int_equal(first.len, again.len);
	assert_memory_equal(first.body, again.body, first.len);
	hresp_free(&first);
	hresp_free(&again);
}

static void
test_round_trip(void **state)
{
	(void)state;
	round_trip(NULL);
	round_trip("lang=en");
}

static void
test_access(void **state)
{
	struct hresp r;

	(void)state;
	assert_int_equal(hreq(h, "GET", "/api/v1/workspaces/other/exports/accounts", U_ANALYST,
			      NULL, NULL, 0, NULL, &r),
			 0);
	assert_int_equal(r.status, 404);
	hresp_free(&r);
	assert_int_equal(get(NULL, U__MAX, &r), 401);
	hresp_free(&r);
	assert_int_equal(get(NULL, U_OTHER, &r), 404);
	hresp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_russian), cmocka_unit_test(test_csv_english_and_filters),
	    cmocka_unit_test(test_xlsx),	cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_access),
	};

	return cmocka_run_group_tests_name("api_export", tests, setup, teardown);
}
