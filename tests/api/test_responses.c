/*
 * test_responses.c — the responses of a study over real HTTP
 * (docs/research.md, "Responses" and "Assessments from responses"):
 * interviews recorded as drafts, answers merged by code, submitted with
 * their required answers, and turned into an assessment of the client in
 * the same transaction (a correction storing a new version of it); every
 * refusal naming its field (values outside their scale, unknown codes,
 * codes of another study, factors of another component, unknown options,
 * channels staff may not record, clients that do not match, duplicate
 * respondent keys) with nothing stored; lists with filters and a cursor;
 * archive and restore; roles; ids of another workspace or study → 404.
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
#include "loyalty_fixtures.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"
#define BODY_MAX 4096

static struct harness *h;

/* A study of acme with its questionnaire, and a client with one person. */
struct fixture {
	int64_t sid, account, contact;
	int64_t terms, shipment, queue_factor, terms_factor;
};

/* The responses path of study sid, plus "/rid" when rid > 0. */
static const char *
rpath(int64_t sid, int64_t rid)
{
	if (rid > 0)
		return lf_pathf(WS "/studies/%lld/responses/%lld", (long long)sid, (long long)rid);
	return lf_pathf(WS "/studies/%lld/responses", (long long)sid);
}

/* Rows of responses in acme. */
static int64_t
response_rows(void)
{
	static struct db_sql sql = DB_SQL("SELECT COUNT(*) FROM responses WHERE workspace_id = ?1");
	struct db_conn *c;
	struct db_stmt *st;
	int64_t n = -1;
	bool row;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	db_bind_int(st, 1, h->ws_acme);
	if (db_step(st, &row) == ADV_OK && row) {
		n = db_col_int(st, 0);
		db_done(st);
	}
	db_release(h->db, c);
	return n;
}

/* Makes a study named name with the questionnaire every test uses. */
static void
fixture_make(struct fixture *f, const char *name)
{
	char body[BODY_MAX];

	memset(f, 0, sizeof(*f));
	f->terms = lf_comp(h, h->ws_acme, "terms");
	f->shipment = lf_comp(h, h->ws_acme, "shipment");
	f->queue_factor = lf_factor(h, h->ws_acme, "shipment", 1);
	f->terms_factor = lf_factor(h, h->ws_acme, "terms", 1);
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"kind\":\"csm_interview\"}", name);
	f->sid = lf_create(h, WS "/studies", U_ANALYST, body);
	lf_create(h, lf_pathf(WS "/studies/%lld/questions", (long long)f->sid), U_ANALYST,
		  "{\"kind\":\"recommend\",\"code\":\"nps\",\"required\":true,"
		  "\"text\":{\"ru\":\"Порекомендуете?\"}}");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"component\",\"code\":\"terms\",\"component_id\":%lld,"
		 "\"text\":{\"ru\":\"Условия\"}}",
		 (long long)f->terms);
	lf_create(h, lf_pathf(WS "/studies/%lld/questions", (long long)f->sid), U_ANALYST, body);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"component\",\"code\":\"terms2\",\"component_id\":%lld,"
		 "\"text\":{\"ru\":\"Условия ещё раз\"}}",
		 (long long)f->terms);
	lf_create(h, lf_pathf(WS "/studies/%lld/questions", (long long)f->sid), U_ANALYST, body);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"factors\",\"code\":\"why\",\"component_id\":%lld,"
		 "\"text\":{\"ru\":\"Что мешает?\"}}",
		 (long long)f->shipment);
	lf_create(h, lf_pathf(WS "/studies/%lld/questions", (long long)f->sid), U_ANALYST, body);
	lf_create(h, lf_pathf(WS "/studies/%lld/questions", (long long)f->sid), U_ANALYST,
		  "{\"kind\":\"choice\",\"code\":\"pick\",\"text\":{\"ru\":\"Выбор\"},"
		  "\"options\":[{\"code\":\"a\",\"text\":{\"ru\":\"А\"}},"
		  "{\"code\":\"b\",\"text\":{\"ru\":\"Б\"}}]}");
	lf_create(h, lf_pathf(WS "/studies/%lld/questions", (long long)f->sid), U_ANALYST,
		  "{\"kind\":\"text\",\"code\":\"comment\",\"text\":{\"ru\":\"Комментарий\"}}");
	snprintf(body, sizeof(body), "{\"name\":\"Клиент %s\"}", name);
	f->account = lf_create(h, WS "/accounts", U_ANALYST, body);
	f->contact = lf_create(h, lf_pathf(WS "/accounts/%lld/contacts", (long long)f->account),
			       U_ANALYST, "{\"name\":\"Иван Петров\"}");
}

/* The current version of assessment id of account acc. */
static json_t *
assessment_of(int64_t acc, int64_t id)
{
	return lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, WS "/accounts/%lld/assessments/%lld",
			(long long)acc, (long long)id);
}

/* The score of component comp in assessment a, or -1 when it has none. */
static double
score_of(json_t *a, int64_t comp)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(a, "components"), i, e)
	{
		if (lf_jint(e, "component_id") == comp &&
		    json_is_number(json_object_get(e, "score")))
			return json_number_value(json_object_get(e, "score"));
	}
	return -1;
}

static void
test_interview_becomes_assessment(void **state)
{
	struct fixture f;
	char body[BODY_MAX], etag[64];
	struct hresp res;
	json_t *j, *a;
	int64_t rid, aid;
	const char *hdr[2] = {etag, NULL};

	(void)state;
	fixture_make(&f, "Интервью CSM");
	snprintf(body, sizeof(body),
		 "{\"channel\":\"interview\",\"contact_id\":%lld,\"answers\":{\"terms\":4},"
		 "\"notes\":\"Клиент доволен условиями\",\"quotes\":[\"«Всё вовремя»\"]}",
		 (long long)f.contact);
	j = hcall(h, "POST", rpath(f.sid, 0), U_ANALYST, body, NULL, 201);
	rid = lf_jint(j, "id");
	assert_string_equal(lf_jstr(j, "status"), "draft");
	assert_string_equal(lf_jstr(j, "channel"), "interview");
	assert_int_equal(lf_jint(j, "account_id"), f.account);
	assert_true(json_is_null(json_object_get(j, "assessment_id")));
	assert_true(json_is_null(json_object_get(j, "submitted_at")));
	assert_string_equal(lf_jstr(j, "account_name"), "Клиент Интервью CSM");
	assert_string_equal(lf_jstr(j, "contact_name"), "Иван Петров");
	assert_true(json_is_integer(json_object_get(j, "interviewer_id")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "quotes"), 0)),
			    "«Всё вовремя»");
	json_decref(j);

	/* Submitting without the required answer names it; nothing changes. */
	lf_expect_pointer(h, "PATCH", rpath(f.sid, rid), U_ANALYST, "{\"status\":\"submitted\"}",
			  422, "/answers/nps");

	/* Answers merge by code; null removes one. */
	snprintf(body, sizeof(body),
		 "{\"answers\":{\"terms2\":5,\"pick\":\"b\",\"comment\":\"ok\",\"why\":[%lld]}}",
		 (long long)f.queue_factor);
	json_decref(hcall(h, "PATCH", rpath(f.sid, rid), U_ANALYST, body, NULL, 200));
	j = hcall(h, "PATCH", rpath(f.sid, rid), U_ANALYST, "{\"answers\":{\"comment\":null}}",
		  NULL, 200);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "answers"), "terms")), 4);
	assert_null(json_object_get(json_object_get(j, "answers"), "comment"));
	assert_string_equal(lf_jstr(j, "answers/pick"), "b");
	assert_int_equal(lf_jint(j, "version"), 3);
	json_decref(j);

	/* Submitted: an assessment of the client with the answers as scores and factors. */
	j = hcall(h, "PATCH", rpath(f.sid, rid), U_ANALYST,
		  "{\"status\":\"submitted\",\"answers\":{\"nps\":9}}", NULL, 200);
	assert_string_equal(lf_jstr(j, "status"), "submitted");
	assert_non_null(lf_jstr(j, "submitted_at"));
	aid = lf_jint(j, "assessment_id");
	assert_true(aid > 0);
	json_decref(j);
	a = assessment_of(f.account, aid);
	assert_string_equal(lf_jstr(a, "source"), "interview");
	assert_int_equal(lf_jint(a, "recommend"), 9);
	assert_int_equal(lf_jint(a, "contact_id"), f.contact);
	assert_string_equal(lf_jstr(a, "summary"), "Клиент доволен условиями");
	lf_assert_near(score_of(a, f.terms), 4.5);
	assert_string_equal(lf_jstr(a, "assessed_on"), lf_dtext(lf_today()));
	assert_int_equal(lf_jint(a, "version"), 1);
	json_decref(a);

	/* A correction stores a new version of that assessment. */
	assert_int_equal(hjson(h, "GET", rpath(f.sid, rid), U_VIEWER, NULL, &res), 200);
	{
		char *e = hresp_header(&res, "ETag");

		snprintf(etag, sizeof(etag), "If-Match: %s", e);
		free(e);
	}
	hresp_free(&res);
	j = hcall(h, "PATCH", rpath(f.sid, rid), U_ANALYST, "{\"answers\":{\"nps\":6}}", hdr, 200);
	assert_int_equal(lf_jint(j, "assessment_id"), aid);
	json_decref(j);
	a = assessment_of(f.account, aid);
	assert_int_equal(lf_jint(a, "recommend"), 6);
	assert_int_equal(lf_jint(a, "version"), 2);
	json_decref(a);

	/* The old version is stale now; a submitted response never goes back to draft. */
	json_decref(
	    hcall(h, "PATCH", rpath(f.sid, rid), U_ANALYST, "{\"answers\":{\"nps\":7}}", hdr, 412));
	lf_expect_pointer(h, "PATCH", rpath(f.sid, rid), U_ANALYST, "{\"status\":\"draft\"}", 422,
			  "/status");
	snprintf(body, sizeof(body), "{\"account_id\":%lld}",
		 (long long)lf_create(h, WS "/accounts", U_ANALYST, "{\"name\":\"Другой\"}"));
	lf_expect_pointer(h, "PATCH", rpath(f.sid, rid), U_ANALYST, body, 422, "/account_id");
}

static void
test_what_makes_an_assessment(void **state)
{
	struct fixture f;
	char body[BODY_MAX];
	json_t *j, *a;

	(void)state;
	fixture_make(&f, "Только NPS");
	lf_sqlf(h, "UPDATE study_questions SET required = 0 WHERE study_id = %lld",
		(long long)f.sid);
	/* Likelihood to recommend alone is an assessment. */
	snprintf(body, sizeof(body),
		 "{\"channel\":\"import\",\"account_id\":%lld,\"status\":\"submitted\","
		 "\"submitted_at\":\"2026-03-04\",\"answers\":{\"nps\":3}}",
		 (long long)f.account);
	j = hcall(h, "POST", rpath(f.sid, 0), U_ANALYST, body, NULL, 201);
	assert_string_equal(lf_jstr(j, "submitted_at"), "2026-03-04T00:00:00Z");
	a = assessment_of(f.account, lf_jint(j, "assessment_id"));
	assert_string_equal(lf_jstr(a, "source"), "import");
	assert_string_equal(lf_jstr(a, "assessed_on"), "2026-03-04");
	assert_int_equal(lf_jint(a, "recommend"), 3);
	json_decref(a);
	json_decref(j);
	/* Texts and choices alone make none; an anonymous import makes none. */
	snprintf(body, sizeof(body),
		 "{\"channel\":\"import\",\"account_id\":%lld,\"status\":\"submitted\","
		 "\"answers\":{\"comment\":\"просто текст\",\"pick\":\"a\"}}",
		 (long long)f.account);
	j = hcall(h, "POST", rpath(f.sid, 0), U_ANALYST, body, NULL, 201);
	assert_true(json_is_null(json_object_get(j, "assessment_id")));
	json_decref(j);
	j = hcall(h, "POST", rpath(f.sid, 0), U_ANALYST,
		  "{\"channel\":\"import\",\"status\":\"submitted\",\"answers\":{\"nps\":10}}",
		  NULL, 201);
	assert_true(json_is_null(json_object_get(j, "account_id")));
	assert_true(json_is_null(json_object_get(j, "assessment_id")));
	json_decref(j);
	/* A factor of another component's question is refused, so is a retired question. */
	snprintf(body, sizeof(body), "{\"channel\":\"import\",\"answers\":{\"why\":[%lld]}}",
		 (long long)f.terms_factor);
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST, body, 422, "/answers/why");
	lf_sqlf(h, "UPDATE study_questions SET active = 0 WHERE study_id = %lld AND code = 'pick'",
		(long long)f.sid);
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"pick\":\"a\"}}", 422,
			  "/answers/pick");
}

static void
test_bad_input(void **state)
{
	struct fixture f, g;
	char body[BODY_MAX];
	int64_t before, other_acc, other_contact, rid;
	struct hresp res;
	static const char bad_utf8[] = "{\"channel\":\"import\",\"notes\":\"\xc3\x28\"}";

	(void)state;
	fixture_make(&f, "Проверки");
	fixture_make(&g, "Другое исследование");
	before = response_rows();
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"terms\":6}}", 422,
			  "/answers/terms");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"terms\":0.5}}", 422,
			  "/answers/terms");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"terms\":\"4\"}}", 422,
			  "/answers/terms");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"nps\":11}}", 422, "/answers/nps");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"nps\":7.5}}", 422,
			  "/answers/nps");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"zzz\":1}}", 422, "/answers/zzz");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"pick\":\"c\"}}", 422,
			  "/answers/pick");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"why\":[1,1]}}", 422,
			  "/answers/why");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"comment\":\"\"}}", 422,
			  "/answers/comment");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":[1]}", 422, "/answers");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"colour\":\"red\"}", 422, "/colour");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST, "{\"channel\":\"link\"}", 422,
			  "/channel");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST, "{\"answers\":{}}", 422,
			  "/channel");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST, "{\"channel\":\"interview\"}", 422,
			  "/account_id");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"quotes\":[\"a\",7]}", 422, "/quotes/1");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"status\":\"submitted\","
			  "\"submitted_at\":\"2999-01-01\"}",
			  422, "/submitted_at");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"status\":\"submitted\","
			  "\"submitted_at\":\"04.03.2026\"}",
			  422, "/submitted_at");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"lang\":\"de\"}", 422, "/lang");
	/* A person of another client, a client of another workspace, a stranger as interviewer. */
	snprintf(body, sizeof(body),
		 "{\"channel\":\"interview\",\"account_id\":%lld,"
		 "\"contact_id\":%lld}",
		 (long long)f.account, (long long)g.contact);
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST, body, 422, "/contact_id");
	json_t *j =
	    hcall(h, "POST", WS_OTHER "/accounts", U_OTHER, "{\"name\":\"Чужой\"}", NULL, 201);
	other_acc = lf_jint(j, "id");
	json_decref(j);
	other_contact =
	    lf_create(h, lf_pathf(WS_OTHER "/accounts/%lld/contacts", (long long)other_acc),
		      U_OTHER, "{\"name\":\"Чужой человек\"}");
	snprintf(body, sizeof(body), "{\"channel\":\"interview\",\"account_id\":%lld}",
		 (long long)other_acc);
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST, body, 422, "/account_id");
	snprintf(body, sizeof(body), "{\"channel\":\"interview\",\"contact_id\":%lld}",
		 (long long)other_contact);
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST, body, 422, "/contact_id");
	snprintf(body, sizeof(body),
		 "{\"channel\":\"interview\",\"account_id\":%lld,"
		 "\"interviewer_id\":%d}",
		 (long long)f.account, 999999);
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST, body, 422, "/interviewer_id");
	/* A code of another study's questionnaire is not this study's. */
	lf_sqlf(h,
		"UPDATE study_questions SET code = 'elsewhere' WHERE study_id = %lld"
		" AND code = 'comment'",
		(long long)g.sid);
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"answers\":{\"elsewhere\":\"x\"}}", 422,
			  "/answers/elsewhere");
	assert_int_equal(hreq(h, "POST", rpath(f.sid, 0), U_ANALYST, "application/json", bad_utf8,
			      sizeof(bad_utf8) - 1, NULL, &res),
			 0);
	assert_true(res.status == 400 || res.status == 422);
	hresp_free(&res);
	assert_int_equal(response_rows(), before);

	/* Respondent keys are unique within a study, not across studies. */
	rid = lf_create(h, rpath(f.sid, 0), U_ANALYST,
			"{\"channel\":\"import\",\"respondent_key\":\"R-1\"}");
	lf_expect_pointer(h, "POST", rpath(f.sid, 0), U_ANALYST,
			  "{\"channel\":\"import\",\"respondent_key\":\"R-1\"}", 409,
			  "/respondent_key");
	lf_create(h, rpath(g.sid, 0), U_ANALYST,
		  "{\"channel\":\"import\",\"respondent_key\":\"R-1\"}");
	assert_int_equal(response_rows(), before + 2);
	/* A failed correction leaves the response as it was. */
	lf_expect_pointer(h, "PATCH", rpath(f.sid, rid), U_ANALYST,
			  "{\"notes\":\"новое\",\"answers\":{\"terms\":9}}", 422, "/answers/terms");
	j = hcall(h, "GET", rpath(f.sid, rid), U_VIEWER, NULL, NULL, 200);
	assert_true(json_is_null(json_object_get(j, "notes")));
	assert_int_equal(lf_jint(j, "version"), 1);
	json_decref(j);
}

static void
test_list_and_archive(void **state)
{
	struct fixture f;
	char body[BODY_MAX];
	int64_t ids[5];
	json_t *j;
	const char *next;
	size_t seen = 0;

	(void)state;
	fixture_make(&f, "Список");
	for (int i = 0; i < 5; i++) {
		snprintf(body, sizeof(body),
			 "{\"channel\":\"%s\",\"account_id\":%lld,\"status\":\"%s\","
			 "\"answers\":{\"nps\":%d}}",
			 i % 2 ? "import" : "interview", (long long)f.account,
			 i < 3 ? "submitted" : "draft", i);
		ids[i] = lf_create(h, rpath(f.sid, 0), U_ANALYST, body);
	}
	j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, "%s?status=draft", rpath(f.sid, 0));
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	assert_int_equal(lf_jint(json_array_get(json_object_get(j, "items"), 0), "id"), ids[4]);
	json_decref(j);
	j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, "%s?channel=import", rpath(f.sid, 0));
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	json_decref(j);
	j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, "%s?account_id=%lld", rpath(f.sid, 0),
		     (long long)f.account);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 5);
	json_decref(j);
	lf_expect_pointer(h, "GET", lf_pathf("%s?status=done", rpath(f.sid, 0)), U_VIEWER, NULL,
			  422, "status");
	/* Pages of two, newest first, through the cursor. */
	j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, "%s?limit=2", rpath(f.sid, 0));
	for (;;) {
		size_t i;
		json_t *it;

		json_array_foreach(json_object_get(j, "items"), i, it)
		{
			assert_int_equal(lf_jint(it, "id"), ids[4 - seen]);
			seen++;
		}
		if ((next = lf_jstr(j, "next_cursor")) == NULL)
			break;
		json_t *n = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, "%s?limit=2&cursor=%s",
				     rpath(f.sid, 0), next);
		json_decref(j);
		j = n;
	}
	json_decref(j);
	assert_int_equal(seen, 5);
	lf_expect_pointer(h, "GET", lf_pathf("%s?cursor=bogus", rpath(f.sid, 0)), U_VIEWER, NULL,
			  422, "cursor");

	/* Archived responses leave the list; restored ones come back. */
	json_decref(hcall(h, "DELETE", rpath(f.sid, ids[0]), U_ANALYST, NULL, NULL, 204));
	j = hcall(h, "GET", rpath(f.sid, 0), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 4);
	json_decref(j);
	j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200, "%s?archived=true", rpath(f.sid, 0));
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	j = lf_callf(h, "POST", U_ANALYST, NULL, NULL, 200, "%s/restore", rpath(f.sid, ids[0]));
	assert_true(json_is_null(json_object_get(j, "archived_at")));
	json_decref(j);
}

static void
test_roles_and_foreign_ids(void **state)
{
	struct fixture f, g;
	char body[BODY_MAX];
	int64_t mine, rid, other_sid;
	json_t *j;

	(void)state;
	fixture_make(&f, "Роли");
	fixture_make(&g, "Роли два");
	mine = lf_create(h, WS "/accounts", U_MANAGER, "{\"name\":\"Клиент менеджера\"}");
	snprintf(body, sizeof(body), "{\"channel\":\"interview\",\"account_id\":%lld}",
		 (long long)mine);
	rid = lf_create(h, rpath(f.sid, 0), U_MANAGER, body);
	json_decref(
	    hcall(h, "PATCH", rpath(f.sid, rid), U_MANAGER, "{\"notes\":\"записал\"}", NULL, 200));
	json_decref(
	    hcall(h, "PATCH", rpath(f.sid, rid), U_MANAGER2, "{\"notes\":\"чужое\"}", NULL, 403));
	snprintf(body, sizeof(body), "{\"channel\":\"interview\",\"account_id\":%lld}",
		 (long long)f.account);
	json_decref(hcall(h, "POST", rpath(f.sid, 0), U_MANAGER, body, NULL, 403));
	json_decref(
	    hcall(h, "POST", rpath(f.sid, 0), U_MANAGER, "{\"channel\":\"import\"}", NULL, 403));
	json_decref(hcall(h, "POST", rpath(f.sid, 0), U_VIEWER, body, NULL, 403));
	json_decref(hcall(h, "DELETE", rpath(f.sid, rid), U_VIEWER, NULL, NULL, 403));
	j = hcall(h, "GET", rpath(f.sid, rid), U_VIEWER, NULL, NULL, 200);
	assert_string_equal(lf_jstr(j, "notes"), "записал");
	json_decref(j);

	/* Another study's response, another workspace's study, a stranger: 404. */
	json_decref(hcall(h, "GET", rpath(g.sid, rid), U_VIEWER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "PATCH", rpath(g.sid, rid), U_ANALYST, "{\"notes\":\"x\"}", NULL, 404));
	json_decref(hcall(h, "DELETE", rpath(g.sid, rid), U_ANALYST, NULL, NULL, 404));
	json_decref(hcall(h, "GET", rpath(999999, 0), U_VIEWER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "POST", rpath(999999, 0), U_ANALYST, "{\"channel\":\"import\"}", NULL, 404));
	j = hcall(h, "POST", WS_OTHER "/studies", U_OTHER,
		  "{\"name\":\"Чужое\",\"kind\":\"survey\"}", NULL, 201);
	other_sid = lf_jint(j, "id");
	json_decref(j);
	json_decref(hcall(h, "GET", rpath(other_sid, 0), U_OWNER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "POST", rpath(other_sid, 0), U_OWNER, "{\"channel\":\"import\"}", NULL, 404));
	json_decref(lf_callf(h, "GET", U_OTHER, NULL, NULL, 404,
			     WS_OTHER "/studies/%lld/responses/%lld", (long long)other_sid,
			     (long long)rid));
	json_decref(hcall(h, "GET", rpath(f.sid, rid), U_OTHER, NULL, NULL, 404));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_interview_becomes_assessment),
	    cmocka_unit_test(test_what_makes_an_assessment),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_list_and_archive),
	    cmocka_unit_test(test_roles_and_foreign_ids),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_responses", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
