/*
 * test_studies.c — studies and their questionnaires over real HTTP
 * (docs/research.md, "Studies" and "Questionnaires"): studies created, read,
 * listed newest first with their filters, merge-patched with If-Match,
 * archived (hidden, their name free again) and restored (refused while the
 * name is taken); questions of every kind with the rules of each kind,
 * codes unique within the study, positions, order, retirement, a kind that
 * cannot change; every refusal naming its field (types, unknown fields,
 * lengths, NUL and invalid UTF-8, dates, per-kind fields, options); roles
 * (owners and analysts write, everyone reads); ids of another workspace or
 * another study answered 404 in the path and 422 in a body; audit entries;
 * nothing half-saved.
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
#define STUDIES	 WS "/studies"
#define BODY_MAX 8192

static struct harness *h;

/* Rows of audit_log with entity_type and action in acme (about entity id when id > 0). */
static int64_t
audit_count(const char *entity, const char *action, int64_t id)
{
	static struct db_sql sql = DB_SQL("SELECT COUNT(*) FROM audit_log WHERE workspace_id = ?1"
					  " AND entity_type = ?2 AND action = ?3"
					  " AND (?4 = 0 OR entity_id = ?4)");
	struct db_conn *c;
	struct db_stmt *st;
	int64_t n = -1;
	bool row;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	db_bind_int(st, 1, h->ws_acme);
	db_bind_text(st, 2, entity);
	db_bind_text(st, 3, action);
	db_bind_int(st, 4, id);
	if (db_step(st, &row) == ADV_OK && row) {
		n = db_col_int(st, 0);
		db_done(st);
	}
	db_release(h->db, c);
	return n;
}

/* The path of study sid. */
static const char *
spath(int64_t sid)
{
	return lf_pathf(STUDIES "/%lld", (long long)sid);
}

/* The path of the questions of study sid (question qid when qid > 0). */
static const char *
qpath(int64_t sid, int64_t qid)
{
	if (qid > 0)
		return lf_pathf(STUDIES "/%lld/questions/%lld", (long long)sid, (long long)qid);
	return lf_pathf(STUDIES "/%lld/questions", (long long)sid);
}

/* A new study of acme named name (kind survey); its id. */
static int64_t
study_new(const char *name)
{
	char body[512];

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"kind\":\"survey\"}", name);
	return lf_create(h, STUDIES, U_ANALYST, body);
}

/* A new question of study sid from the JSON body; its id. */
static int64_t
question_new(int64_t sid, const char *body)
{
	return lf_create(h, qpath(sid, 0), U_ANALYST, body);
}

/* The ids of the items of the list at path, in order, into ids; returns the count. */
static size_t
list_ids(const char *path, int64_t *ids, size_t max)
{
	json_t *j = hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200), *it;
	size_t i, n = 0;

	json_array_foreach(json_object_get(j, "items"), i, it)
	{
		if (n < max)
			ids[n++] = lf_jint(it, "id");
	}
	json_decref(j);
	return n;
}

/* The "questions" count of study sid. */
static int64_t
question_count(int64_t sid)
{
	json_t *j = hcall(h, "GET", spath(sid), U_VIEWER, NULL, NULL, 200);
	int64_t n = lf_jint(j, "questions");

	json_decref(j);
	return n;
}

/* The id of the first journey stage of workspace path ws as user (archived ones included). */
static int64_t
first_stage(const char *ws, int user)
{
	json_t *j = hcall(h, "GET", lf_pathf("%s/journey", ws), user, NULL, NULL, 200);
	int64_t id = lf_jint(json_array_get(json_object_get(j, "stages"), 0), "id");

	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* A string of n copies of c, NUL-terminated, malloc'ed. */
static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Asserts that method path with body answers 422 naming pointer. */
static void
expect_422(const char *method, const char *path, const char *body, const char *pointer)
{
	lf_expect_pointer(h, method, path, U_ANALYST, body, 422, pointer);
}

static void
test_study_lifecycle(void **state)
{
	const char *const match1[] = {"If-Match: \"1\"", NULL};
	const char *const match2[] = {"If-Match: \"2\"", NULL};
	struct hresp r;
	char *loc, *etag;
	json_t *j;
	int64_t id, again, created;

	(void)state;
	created = audit_count("study", "create", 0);
	assert_int_equal(
	    hjson(h, "POST", STUDIES, U_ANALYST,
		  "{\"name\":\"  Опрос удовлетворённости 2026 \",\"kind\":\"survey\","
		  "\"starts_on\":\"2026-03-01\",\"ends_on\":\"2026-04-30\","
		  "\"description\":\"Волна 1\",\"guide\":\"1. Знакомство\\n2. Сервис\"}",
		  &r),
	    201);
	id = lf_jint(r.json, "id");
	loc = hresp_header(&r, "Location");
	etag = hresp_header(&r, "ETag");
	assert_string_equal(loc, spath(id));
	assert_string_equal(etag, "\"1\"");
	assert_string_equal(lf_jstr(r.json, "name"), "Опрос удовлетворённости 2026");
	assert_string_equal(lf_jstr(r.json, "kind"), "survey");
	assert_string_equal(lf_jstr(r.json, "status"), "draft");
	assert_string_equal(lf_jstr(r.json, "starts_on"), "2026-03-01");
	assert_string_equal(lf_jstr(r.json, "ends_on"), "2026-04-30");
	assert_string_equal(lf_jstr(r.json, "description"), "Волна 1");
	assert_string_equal(lf_jstr(r.json, "guide"), "1. Знакомство\n2. Сервис");
	assert_int_equal(lf_jint(r.json, "questions"), 0);
	assert_int_equal(lf_jint(r.json, "version"), 1);
	assert_non_null(lf_jstr(r.json, "created_at"));
	assert_non_null(lf_jstr(r.json, "updated_at"));
	assert_true(json_is_null(json_object_get(r.json, "archived_at")));
	free(loc);
	free(etag);
	hresp_free(&r);
	assert_int_equal(audit_count("study", "create", 0), created + 1);

	/* Read back; then open it, clear the description, change the kind. */
	j = hcall(h, "GET", spath(id), U_VIEWER, NULL, NULL, 200);
	assert_string_equal(lf_jstr(j, "guide"), "1. Знакомство\n2. Сервис");
	json_decref(j);
	j = hcall(h, "PATCH", spath(id), U_OWNER,
		  "{\"status\":\"open\",\"description\":null,\"kind\":\"csm_interview\"}", match1,
		  200);
	assert_string_equal(lf_jstr(j, "status"), "open");
	assert_string_equal(lf_jstr(j, "kind"), "csm_interview");
	assert_true(json_is_null(json_object_get(j, "description")));
	assert_string_equal(lf_jstr(j, "name"), "Опрос удовлетворённости 2026");
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	assert_int_equal(audit_count("study", "update", id), 1);
	/* A stale If-Match: 412, nothing changed. */
	json_decref(hcall(h, "PATCH", spath(id), U_OWNER, "{\"status\":\"closed\"}", match1, 412));
	json_decref(hcall(h, "DELETE", spath(id), U_OWNER, NULL, match1, 412));
	json_decref(
	    hcall(h, "POST", lf_pathf("%s/restore", spath(id)), U_OWNER, NULL, match1, 412));
	/* A patch that changes nothing keeps the version and writes no audit entry. */
	j = hcall(h, "PATCH", spath(id), U_ANALYST, "{\"status\":\"open\"}", match2, 200);
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	assert_int_equal(audit_count("study", "update", id), 1);
	/* Every status change is allowed: back to draft, then closed. */
	j = hcall(h, "PATCH", spath(id), U_ANALYST, "{\"status\":\"draft\"}", NULL, 200);
	assert_string_equal(lf_jstr(j, "status"), "draft");
	json_decref(j);
	j = hcall(h, "PATCH", spath(id), U_ANALYST,
		  "{\"status\":\"closed\",\"starts_on\":null,\"ends_on\":\"2026-05-31\"}", NULL,
		  200);
	assert_string_equal(lf_jstr(j, "status"), "closed");
	assert_true(json_is_null(json_object_get(j, "starts_on")));
	assert_int_equal(lf_jint(j, "version"), 4);
	json_decref(j);

	/* Names are unique among live studies in any case. */
	lf_expect_pointer(h, "POST", STUDIES, U_ANALYST,
			  "{\"name\":\"ОПРОС УДОВЛЕТВОРЁННОСТИ 2026\",\"kind\":\"custdev\"}", 409,
			  "/name");
	again = study_new("Другой опрос");
	lf_expect_pointer(h, "PATCH", spath(again), U_ANALYST,
			  "{\"name\":\"опрос удовлетворённости 2026\"}", 409, "/name");

	/* Archive: 204, hidden from the list, in the archived list, still readable. */
	json_decref(hcall(h, "DELETE", spath(id), U_ANALYST, NULL, NULL, 204));
	j = hcall(h, "GET", spath(id), U_VIEWER, NULL, NULL, 200);
	assert_non_null(lf_jstr(j, "archived_at"));
	assert_int_equal(lf_jint(j, "version"), 5);
	json_decref(j);
	{
		int64_t ids[64];
		size_t n = list_ids(STUDIES, ids, 64), k;

		for (k = 0; k < n; k++)
			assert_true(ids[k] != id);
		n = list_ids(STUDIES "?archived=true", ids, 64);
		for (k = 0; k < n && ids[k] != id; k++)
			;
		assert_true(k < n);
	}
	/* Archiving again changes nothing. */
	json_decref(hcall(h, "DELETE", spath(id), U_ANALYST, NULL, NULL, 204));
	/* Its name is free for a live study now; restoring it is then refused. */
	j = hcall(h, "PATCH", spath(again), U_ANALYST,
		  "{\"name\":\"Опрос удовлетворённости 2026\"}", NULL, 200);
	json_decref(j);
	lf_expect_pointer(h, "POST", lf_pathf("%s/restore", spath(id)), U_ANALYST, NULL, 409,
			  "/name");
	json_decref(hcall(h, "PATCH", spath(again), U_ANALYST,
			  "{\"name\":\"Опрос удовлетворённости 2026 (копия)\"}", NULL, 200));
	j = hcall(h, "POST", lf_pathf("%s/restore", spath(id)), U_ANALYST, NULL, NULL, 200);
	assert_true(json_is_null(json_object_get(j, "archived_at")));
	assert_int_equal(lf_jint(j, "version"), 6);
	json_decref(j);
	assert_int_equal(audit_count("study", "archive", id), 1);
	assert_int_equal(audit_count("study", "restore", id), 1);
	json_decref(
	    hcall(h, "POST", lf_pathf("%s/restore", spath(id)), U_ANALYST, NULL, NULL, 200));
	assert_int_equal(audit_count("study", "restore", id), 1);
}

static void
test_study_list(void **state)
{
	int64_t ids[64], a, b, c, d, e;
	size_t n, k;
	json_t *j;

	(void)state;
	/* Newest first: studies without a start first (newest id first), then by start. */
	a = lf_create(h, STUDIES, U_ANALYST,
		      "{\"name\":\"Волна А\",\"kind\":\"survey\",\"starts_on\":\"2025-01-10\"}");
	b = lf_create(h, STUDIES, U_ANALYST,
		      "{\"name\":\"Волна Б\",\"kind\":\"exit_interview\","
		      "\"starts_on\":\"2025-09-01\",\"status\":\"open\"}");
	c = lf_create(h, STUDIES, U_ANALYST, "{\"name\":\"Без даты 1\",\"kind\":\"custdev\"}");
	d = lf_create(h, STUDIES, U_ANALYST, "{\"name\":\"Без даты 2\",\"kind\":\"custdev\"}");
	e = lf_create(h, STUDIES, U_ANALYST,
		      "{\"name\":\"Волна В\",\"kind\":\"survey\",\"starts_on\":\"2025-05-05\"}");
	n = list_ids(STUDIES, ids, 64);
	for (k = 0; k < n && ids[k] != d; k++)
		;
	assert_true(k + 1 < n);
	assert_int_equal(ids[k + 1], c);
	for (; k < n && ids[k] != b; k++)
		;
	assert_true(k + 2 < n);
	assert_int_equal(ids[k + 1], e);
	assert_int_equal(ids[k + 2], a);
	/* Filters. */
	n = list_ids(STUDIES "?kind=exit_interview", ids, 64);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], b);
	n = list_ids(STUDIES "?status=open&kind=exit_interview", ids, 64);
	assert_int_equal(n, 1);
	n = list_ids(STUDIES "?status=closed&kind=exit_interview", ids, 64);
	assert_int_equal(n, 0);
	n = list_ids(STUDIES "?kind=custdev", ids, 64);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], d);
	j = hcall(h, "GET", STUDIES "?status=bogus", U_VIEWER, NULL, NULL, 422);
	json_decref(j);
	json_decref(hcall(h, "GET", STUDIES "?kind=poll", U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", STUDIES "?archived=maybe", U_VIEWER, NULL, NULL, 422));
	/* Archived studies of acme only, and only with archived=true. */
	json_decref(hcall(h, "DELETE", spath(c), U_OWNER, NULL, NULL, 204));
	n = list_ids(STUDIES "?kind=custdev", ids, 64);
	assert_int_equal(n, 1);
	n = list_ids(STUDIES "?kind=custdev&archived=true", ids, 64);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], c);
}

static void
test_study_validation(void **state)
{
	static const char bad_utf8[] = "{\"name\":\"\xff\xfe\",\"kind\":\"survey\"}";
	char *long_name = repeat('x', 301), *ok_name = repeat('y', 300);
	char *long_text = repeat('d', 10001), *long_guide = repeat('g', 50001);
	char *body = malloc(BODY_MAX * 8);
	struct hresp r;
	int64_t id;
	json_t *j;

	(void)state;
	assert_non_null(body);
	expect_422("POST", STUDIES, "{\"kind\":\"survey\"}", "/name");
	expect_422("POST", STUDIES, "{\"name\":\"   \",\"kind\":\"survey\"}", "/name");
	expect_422("POST", STUDIES, "{\"name\":5,\"kind\":\"survey\"}", "/name");
	expect_422("POST", STUDIES, "{\"name\":null,\"kind\":\"survey\"}", "/name");
	assert_int_equal(hjson(h, "POST", STUDIES, U_ANALYST,
			       "{\"name\":\"a\\u0000b\",\"kind\":\"survey\"}", &r),
			 400); /* NUL is not text: the parser refuses it */
	hresp_free(&r);
	expect_422("POST", STUDIES, "{\"name\":\"a\\tb\",\"kind\":\"survey\"}", "/name");
	snprintf(body, BODY_MAX * 8, "{\"name\":\"%s\",\"kind\":\"survey\"}", long_name);
	expect_422("POST", STUDIES, body, "/name");
	expect_422("POST", STUDIES, "{\"name\":\"A\"}", "/kind");
	expect_422("POST", STUDIES, "{\"name\":\"A\",\"kind\":\"poll\"}", "/kind");
	expect_422("POST", STUDIES, "{\"name\":\"A\",\"kind\":1}", "/kind");
	expect_422("POST", STUDIES, "{\"name\":\"A\",\"kind\":\"survey\",\"status\":\"done\"}",
		   "/status");
	expect_422("POST", STUDIES, "{\"name\":\"A\",\"kind\":\"survey\",\"status\":null}",
		   "/status");
	expect_422("POST", STUDIES,
		   "{\"name\":\"A\",\"kind\":\"survey\",\"starts_on\":\"2026-02-30\"}",
		   "/starts_on");
	expect_422("POST", STUDIES,
		   "{\"name\":\"A\",\"kind\":\"survey\",\"ends_on\":\"01.05.2026\"}", "/ends_on");
	expect_422("POST", STUDIES, "{\"name\":\"A\",\"kind\":\"survey\",\"starts_on\":20260101}",
		   "/starts_on");
	expect_422("POST", STUDIES,
		   "{\"name\":\"A\",\"kind\":\"survey\",\"starts_on\":\"2026-05-02\","
		   "\"ends_on\":\"2026-05-01\"}",
		   "/ends_on");
	snprintf(body, BODY_MAX * 8, "{\"name\":\"A\",\"kind\":\"survey\",\"description\":\"%s\"}",
		 long_text);
	expect_422("POST", STUDIES, body, "/description");
	snprintf(body, BODY_MAX * 8, "{\"name\":\"A\",\"kind\":\"survey\",\"guide\":\"%s\"}",
		 long_guide);
	expect_422("POST", STUDIES, body, "/guide");
	expect_422("POST", STUDIES, "{\"name\":\"A\",\"kind\":\"survey\",\"description\":5}",
		   "/description");
	expect_422("POST", STUDIES, "{\"name\":\"A\",\"kind\":\"survey\",\"colour\":\"red\"}",
		   "/colour");
	expect_422("POST", STUDIES, "{\"name\":\"A\",\"kind\":\"survey\",\"questions\":3}",
		   "/questions");
	assert_int_equal(hjson(h, "POST", STUDIES, U_ANALYST, "{\"name\":", &r), 400);
	hresp_free(&r);
	assert_int_equal(hjson(h, "POST", STUDIES, U_ANALYST, "[1]", &r), 422);
	hresp_free(&r);
	assert_int_equal(hreq(h, "POST", STUDIES, U_ANALYST, "application/json", bad_utf8,
			      sizeof(bad_utf8) - 1, NULL, &r),
			 0);
	assert_int_equal(r.status, 400);
	hresp_free(&r);

	/* The longest name and the longest guide are fine. */
	snprintf(body, BODY_MAX * 8, "{\"name\":\"%s\",\"kind\":\"survey\",\"guide\":\"%.50000s\"}",
		 ok_name, long_guide);
	id = lf_create(h, STUDIES, U_ANALYST, body);

	/* Patches: the same checks, and the period against the stored dates. */
	json_decref(hcall(h, "PATCH", spath(id), U_ANALYST,
			  "{\"starts_on\":\"2026-03-01\",\"ends_on\":\"2026-03-31\"}", NULL, 200));
	expect_422("PATCH", spath(id), "{\"ends_on\":\"2026-02-28\"}", "/ends_on");
	expect_422("PATCH", spath(id), "{\"starts_on\":\"2026-04-01\"}", "/ends_on");
	expect_422("PATCH", spath(id), "{\"name\":null}", "/name");
	expect_422("PATCH", spath(id), "{\"kind\":null}", "/kind");
	expect_422("PATCH", spath(id), "{\"name\":\"\"}", "/name");
	expect_422("PATCH", spath(id), "{\"id\":3}", "/id");
	expect_422("PATCH", spath(id), "{\"guide\":[\"a\"]}", "/guide");
	/* Nothing of a refused patch is saved. */
	expect_422("PATCH", spath(id), "{\"status\":\"open\",\"ends_on\":\"2025-01-01\"}",
		   "/ends_on");
	j = hcall(h, "GET", spath(id), U_VIEWER, NULL, NULL, 200);
	assert_string_equal(lf_jstr(j, "status"), "draft");
	assert_string_equal(lf_jstr(j, "ends_on"), "2026-03-31");
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	/* Both dates moved at once are checked together. */
	j = hcall(h, "PATCH", spath(id), U_ANALYST,
		  "{\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-01\"}", NULL, 200);
	assert_string_equal(lf_jstr(j, "ends_on"), "2026-06-01");
	json_decref(j);
	free(long_name);
	free(ok_name);
	free(long_text);
	free(long_guide);
	free(body);
}

static void
test_question_lifecycle(void **state)
{
	const char *const match1[] = {"If-Match: \"1\"", NULL};
	int64_t sid = study_new("Анкета NPS"), other_sid = study_new("Анкета 2");
	int64_t terms = lf_comp(h, h->ws_acme, "terms"),
		service = lf_comp(h, h->ws_acme, "service");
	int64_t stage = first_stage(WS, U_VIEWER), rival, q[8], ids[16], before;
	char body[BODY_MAX], *loc;
	struct hresp r;
	json_t *j, *opts;
	size_t n;

	(void)state;
	rival = lf_create(h, WS "/competitors", U_ANALYST, "{\"name\":\"Сталь-Трейд\"}");
	before = audit_count("study_question", "create", 0);

	/* One of every kind. */
	assert_int_equal(
	    hjson(h, "POST", qpath(sid, 0), U_ANALYST,
		  "{\"kind\":\"recommend\",\"code\":\"nps\",\"required\":true,"
		  "\"text\":{\"ru\":\"Насколько вероятно, что вы порекомендуете нас?\","
		  "\"en\":\"How likely are you to recommend us?\"}}",
		  &r),
	    201);
	q[0] = lf_jint(r.json, "id");
	loc = hresp_header(&r, "Location");
	assert_string_equal(loc, qpath(sid, q[0]));
	free(loc);
	loc = hresp_header(&r, "ETag");
	assert_string_equal(loc, "\"1\"");
	free(loc);
	assert_int_equal(lf_jint(r.json, "study_id"), sid);
	assert_string_equal(lf_jstr(r.json, "code"), "nps");
	assert_string_equal(lf_jstr(r.json, "kind"), "recommend");
	assert_string_equal(lf_jstr(r.json, "text/en"), "How likely are you to recommend us?");
	assert_true(json_is_true(json_object_get(r.json, "required")));
	assert_true(json_is_true(json_object_get(r.json, "active")));
	assert_int_equal(lf_jint(r.json, "position"), 1);
	assert_true(json_is_null(json_object_get(r.json, "component_id")));
	assert_true(json_is_null(json_object_get(r.json, "competitor_id")));
	assert_true(json_is_null(json_object_get(r.json, "options")));
	assert_true(json_is_null(json_object_get(r.json, "stage_id")));
	assert_int_equal(lf_jint(r.json, "version"), 1);
	hresp_free(&r);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"component\",\"component_id\":%lld,\"text\":{\"ru\":\"Оцените "
		 "условия работы\"}}",
		 (long long)terms);
	j = hcall(h, "POST", qpath(sid, 0), U_ANALYST, body, NULL, 201);
	q[1] = lf_jint(j, "id");
	assert_string_equal(lf_jstr(j, "code"), lf_pathf("q%lld", (long long)q[1]));
	assert_string_equal(lf_jstr(j, "text/en"), "Оцените условия работы");
	assert_int_equal(lf_jint(j, "component_id"), terms);
	assert_true(json_is_false(json_object_get(j, "required")));
	assert_int_equal(lf_jint(j, "position"), 2);
	json_decref(j);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"competitor_component\",\"component_id\":%lld,\"competitor_id\":%lld,"
		 "\"text\":{\"ru\":\"Условия работы у Сталь-Трейд\"}}",
		 (long long)terms, (long long)rival);
	j = hcall(h, "POST", qpath(sid, 0), U_ANALYST, body, NULL, 201);
	q[2] = lf_jint(j, "id");
	assert_int_equal(lf_jint(j, "competitor_id"), rival);
	json_decref(j);
	q[3] = question_new(sid, "{\"kind\":\"satisfaction\",\"text\":{\"ru\":\"В целом\"}}");
	q[4] = question_new(sid, "{\"kind\":\"intention\",\"text\":{\"ru\":\"Продолжите?\"},"
				 "\"component_id\":null,\"options\":null}");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"factors\",\"component_id\":%lld,\"text\":{\"ru\":\"Что мешает?\"}}",
		 (long long)service);
	q[5] = question_new(sid, body);
	j = hcall(
	    h, "POST", qpath(sid, 0), U_ANALYST,
	    "{\"kind\":\"choice\",\"code\":\"channel\",\"text\":{\"ru\":\"Канал\"},"
	    "\"options\":[{\"code\":\"site\",\"text\":{\"ru\":\" Сайт \",\"en\":\"Website\"}},"
	    "{\"code\":\"call\",\"text\":{\"ru\":\"Звонок\"}}]}",
	    NULL, 201);
	q[6] = lf_jint(j, "id");
	opts = json_object_get(j, "options");
	assert_int_equal(json_array_size(opts), 2);
	assert_string_equal(lf_jstr(json_array_get(opts, 0), "code"), "site");
	assert_string_equal(lf_jstr(json_array_get(opts, 0), "text/ru"), "Сайт");
	assert_string_equal(lf_jstr(json_array_get(opts, 0), "text/en"), "Website");
	assert_string_equal(lf_jstr(json_array_get(opts, 1), "text/en"), "Звонок");
	json_decref(j);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"text\",\"text\":{\"ru\":\"Что улучшить?\\nОпишите.\"},"
		 "\"stage_id\":%lld}",
		 (long long)stage);
	j = hcall(h, "POST", qpath(sid, 0), U_ANALYST, body, NULL, 201);
	q[7] = lf_jint(j, "id");
	assert_int_equal(lf_jint(j, "stage_id"), stage);
	assert_string_equal(lf_jstr(j, "text/ru"), "Что улучшить?\nОпишите.");
	json_decref(j);
	assert_int_equal(audit_count("study_question", "create", 0), before + 8);
	assert_int_equal(question_count(sid), 8);
	n = list_ids(qpath(sid, 0), ids, 16);
	assert_int_equal(n, 8);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(ids[i], q[i]);
	j = hcall(h, "GET", qpath(sid, q[6]), U_VIEWER, NULL, NULL, 200);
	assert_string_equal(lf_jstr(j, "code"), "channel");
	assert_int_equal(lf_jint(j, "position"), 7);
	json_decref(j);

	/* Edits: text, required, options replaced, If-Match. */
	j = hcall(h, "PATCH", qpath(sid, q[0]), U_OWNER,
		  "{\"text\":{\"ru\":\"Порекомендуете ли вы нас?\"},\"required\":false}", match1,
		  200);
	assert_string_equal(lf_jstr(j, "text/ru"), "Порекомендуете ли вы нас?");
	assert_string_equal(lf_jstr(j, "text/en"), "How likely are you to recommend us?");
	assert_true(json_is_false(json_object_get(j, "required")));
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	json_decref(
	    hcall(h, "PATCH", qpath(sid, q[0]), U_OWNER, "{\"required\":true}", match1, 412));
	j = hcall(h, "PATCH", qpath(sid, q[0]), U_OWNER, "{\"kind\":\"recommend\"}", NULL, 200);
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	expect_422("PATCH", qpath(sid, q[0]), "{\"kind\":\"satisfaction\"}", "/kind");
	j = hcall(h, "PATCH", qpath(sid, q[6]), U_ANALYST,
		  "{\"options\":[{\"code\":\"a\",\"text\":{\"ru\":\"А\"}},{\"code\":\"b\","
		  "\"text\":{\"ru\":\"Б\"}},{\"code\":\"c\",\"text\":{\"ru\":\"В\"}}]}",
		  NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "options")), 3);
	json_decref(j);
	snprintf(body, sizeof(body), "{\"component_id\":%lld}", (long long)service);
	j = hcall(h, "PATCH", qpath(sid, q[1]), U_ANALYST, body, NULL, 200);
	assert_int_equal(lf_jint(j, "component_id"), service);
	json_decref(j);
	j = hcall(h, "PATCH", qpath(sid, q[5]), U_ANALYST,
		  "{\"component_id\":null,\"stage_id\":null}", NULL, 200);
	assert_true(json_is_null(json_object_get(j, "component_id")));
	json_decref(j);
	snprintf(body, sizeof(body), "{\"stage_id\":%lld}", (long long)stage);
	j = hcall(h, "PATCH", qpath(sid, q[3]), U_ANALYST, body, NULL, 200);
	assert_int_equal(lf_jint(j, "stage_id"), stage);
	json_decref(j);

	/* Codes: unique within the study, free in another one. */
	lf_expect_pointer(h, "POST", qpath(sid, 0), U_ANALYST,
			  "{\"kind\":\"text\",\"code\":\"nps\",\"text\":{\"ru\":\"x\"}}", 409,
			  "/code");
	lf_expect_pointer(h, "PATCH", qpath(sid, q[3]), U_ANALYST, "{\"code\":\"channel\"}", 409,
			  "/code");
	lf_expect_pointer(h, "PATCH", qpath(sid, q[3]), U_ANALYST,
			  lf_pathf("{\"code\":\"q%lld\"}", (long long)q[1]), 409, "/code");
	question_new(other_sid,
		     "{\"kind\":\"recommend\",\"code\":\"nps\",\"text\":{\"ru\":\"x\"}}");
	j = hcall(h, "PATCH", qpath(sid, q[3]), U_ANALYST, "{\"code\":\"csat\"}", NULL, 200);
	assert_string_equal(lf_jstr(j, "code"), "csat");
	json_decref(j);
	/* Positions: inserted first, the others move down by one and get a new version. */
	j = hcall(h, "POST", qpath(sid, 0), U_ANALYST,
		  "{\"kind\":\"text\",\"text\":{\"ru\":\"Представьтесь\"},\"position\":1}", NULL,
		  201);
	ids[15] = lf_jint(j, "id");
	assert_int_equal(lf_jint(j, "position"), 1);
	json_decref(j);
	j = hcall(h, "GET", qpath(sid, q[7]), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(lf_jint(j, "position"), 9);
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
	assert_true(audit_count("study_question", "reorder", q[7]) == 1);
	/* Moved last by a patch. */
	j = hcall(h, "PATCH", qpath(sid, ids[15]), U_ANALYST, "{\"position\":100}", NULL, 200);
	assert_int_equal(lf_jint(j, "position"), 9);
	json_decref(j);
	n = list_ids(qpath(sid, 0), ids, 15);
	assert_int_equal(n, 9);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(ids[i], q[i]);

	/* Order: reversed; a list that is not every active id once is refused. */
	{
		int64_t all[9];
		size_t len = 0;

		memcpy(all, ids, sizeof(all));
		len = (size_t)snprintf(body, sizeof(body), "{\"ids\":[");
		for (size_t i = 0; i < 9; i++)
			len += (size_t)snprintf(body + len, sizeof(body) - len, "%s%lld",
						i ? "," : "", (long long)all[8 - i]);
		snprintf(body + len, sizeof(body) - len, "]}");
		j = hcall(h, "POST", lf_pathf("%s/order", qpath(sid, 0)), U_OWNER, body, NULL, 200);
		assert_int_equal(json_array_size(json_object_get(j, "items")), 9);
		assert_int_equal(lf_jint(json_array_get(json_object_get(j, "items"), 0), "id"),
				 all[8]);
		assert_int_equal(lf_jint(json_array_get(json_object_get(j, "items"), 8), "id"),
				 q[0]);
		assert_int_equal(
		    lf_jint(json_array_get(json_object_get(j, "items"), 8), "position"), 9);
		json_decref(j);
		assert_true(audit_count("study_question", "reorder", q[0]) >= 1);
		snprintf(body, sizeof(body), "{\"ids\":[%lld,%lld]}", (long long)q[0],
			 (long long)q[1]);
		lf_expect_pointer(h, "POST", lf_pathf("%s/order", qpath(sid, 0)), U_OWNER, body,
				  422, "/ids");
		lf_expect_pointer(h, "POST", lf_pathf("%s/order", qpath(sid, 0)), U_OWNER,
				  "{\"ids\":[1,\"x\"]}", 422, "/ids/1");
		lf_expect_pointer(h, "POST", lf_pathf("%s/order", qpath(sid, 0)), U_OWNER, "{}",
				  422, "/ids");
		lf_expect_pointer(h, "POST", lf_pathf("%s/order", qpath(sid, 0)), U_OWNER,
				  "{\"ids\":[],\"extra\":1}", 422, "/extra");
	}

	/* Retire: out of the list and the count, kept with include_retired; order skips it. */
	j = hcall(h, "PATCH", qpath(sid, q[4]), U_ANALYST, "{\"active\":false}", NULL, 200);
	assert_true(json_is_false(json_object_get(j, "active")));
	json_decref(j);
	assert_int_equal(question_count(sid), 8);
	n = list_ids(qpath(sid, 0), ids, 16);
	assert_int_equal(n, 8);
	{
		int64_t all[16];

		assert_int_equal(
		    list_ids(lf_pathf("%s?include_retired=true", qpath(sid, 0)), all, 16), 9);
	}
	{
		size_t len = (size_t)snprintf(body, sizeof(body), "{\"ids\":[");

		for (size_t i = 0; i < n; i++)
			len += (size_t)snprintf(body + len, sizeof(body) - len, "%s%lld",
						i ? "," : "", (long long)ids[i]);
		snprintf(body + len, sizeof(body) - len, ",%lld]}", (long long)q[4]);
		lf_expect_pointer(h, "POST", lf_pathf("%s/order", qpath(sid, 0)), U_OWNER, body,
				  422, "/ids");
		len = (size_t)snprintf(body, sizeof(body), "{\"ids\":[");
		for (size_t i = 0; i < n; i++)
			len += (size_t)snprintf(body + len, sizeof(body) - len, "%s%lld",
						i ? "," : "", (long long)ids[n - 1 - i]);
		snprintf(body + len, sizeof(body) - len, "]}");
		json_decref(hcall(h, "POST", lf_pathf("%s/order", qpath(sid, 0)), U_OWNER, body,
				  NULL, 200));
	}
	j = hcall(h, "GET", lf_pathf("%s?include_retired=1", qpath(sid, 0)), U_VIEWER, NULL, NULL,
		  200);
	for (size_t i = 0; i < json_array_size(json_object_get(j, "items")); i++)
		assert_int_equal(
		    lf_jint(json_array_get(json_object_get(j, "items"), i), "position"),
		    (int64_t)i + 1);
	json_decref(j);
	j = hcall(h, "PATCH", qpath(sid, q[4]), U_ANALYST, "{\"active\":true}", NULL, 200);
	assert_true(json_is_true(json_object_get(j, "active")));
	json_decref(j);
	assert_int_equal(question_count(sid), 9);
	assert_true(audit_count("study_question", "update", q[4]) == 2);
	json_decref(hcall(h, "GET", qpath(sid, 99999999), U_VIEWER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", lf_pathf("%s/abc", qpath(sid, 0)), U_VIEWER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", qpath(sid, 0), U_VIEWER, NULL, NULL, 200));
	json_decref(hcall(h, "GET", lf_pathf("%s?include_retired=maybe", qpath(sid, 0)), U_VIEWER,
			  NULL, NULL, 422));
	/* Questions of an archived study stay readable. */
	json_decref(hcall(h, "DELETE", spath(other_sid), U_ANALYST, NULL, NULL, 204));
	assert_int_equal(list_ids(qpath(other_sid, 0), ids, 16), 1);
}

static void
test_question_validation(void **state)
{
	int64_t sid = study_new("Проверки вопросов"), terms = lf_comp(h, h->ws_acme, "terms");
	int64_t retired_comp, archived_rival, archived_stage, rival, choice, comp_q, stage;
	static const char bad_utf8[] = "{\"kind\":\"text\",\"text\":{\"ru\":\"\xc3\x28\"}}";
	char body[BODY_MAX], *long_text = repeat('t', 2001);
	const char *p = qpath(sid, 0);
	struct hresp r;
	size_t len;
	json_t *j;

	(void)state;
	p = strcpy(malloc(strlen(p) + 1), p);
	rival = lf_create(h, WS "/competitors", U_ANALYST, "{\"name\":\"Металл-Сервис\"}");
	archived_rival = lf_create(h, WS "/competitors", U_ANALYST, "{\"name\":\"Бывший\"}");
	json_decref(hcall(h, "DELETE", lf_pathf(WS "/competitors/%lld", (long long)archived_rival),
			  U_ANALYST, NULL, NULL, 204));
	retired_comp =
	    lf_create(h, WS "/loyalty/components", U_ANALYST, "{\"name\":{\"ru\":\"Старое\"}}");
	json_decref(hcall(h, "PATCH",
			  lf_pathf(WS "/loyalty/components/%lld", (long long)retired_comp),
			  U_ANALYST, "{\"active\":false}", NULL, 200));
	archived_stage =
	    lf_create(h, WS "/journey/stages", U_ANALYST, "{\"name\":{\"ru\":\"Архивный этап\"}}");
	json_decref(hcall(h, "PATCH",
			  lf_pathf(WS "/journey/stages/%lld", (long long)archived_stage), U_ANALYST,
			  "{\"archived\":true}", NULL, 200));
	stage = first_stage(WS, U_VIEWER);

	/* The flat fields and the text. */
	expect_422("POST", p, "{\"text\":{\"ru\":\"x\"}}", "/kind");
	expect_422("POST", p, "{\"kind\":\"poll\",\"text\":{\"ru\":\"x\"}}", "/kind");
	expect_422("POST", p, "{\"kind\":null,\"text\":{\"ru\":\"x\"}}", "/kind");
	expect_422("POST", p, "{\"kind\":\"text\"}", "/text");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":\"просто строка\"}", "/text");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"  \"}}", "/text/ru");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"en\":\"Only English\"}}", "/text/ru");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"x\",\"de\":\"y\"}}",
		   "/text/de");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"x\",\"en\":5}}", "/text/en");
	assert_int_equal(hjson(h, "POST", p, U_ANALYST,
			       "{\"kind\":\"text\",\"text\":{\"ru\":\"a\\u0000b\"}}", &r),
			 400);
	hresp_free(&r);
	assert_int_equal(hreq(h, "POST", p, U_ANALYST, "application/json", bad_utf8,
			      sizeof(bad_utf8) - 1, NULL, &r),
			 0);
	assert_int_equal(r.status, 400);
	hresp_free(&r);
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"a\\u0007b\"}}", "/text/ru");
	snprintf(body, sizeof(body), "{\"kind\":\"text\",\"text\":{\"ru\":\"%s\"}}", long_text);
	expect_422("POST", p, body, "/text/ru");
	snprintf(body, sizeof(body), "{\"kind\":\"text\",\"text\":{\"ru\":\"x\",\"en\":\"%s\"}}",
		 long_text);
	expect_422("POST", p, body, "/text/en");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"code\":\"Bad Code\"}",
		   "/code");
	expect_422("POST", p,
		   "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"code\":\"a234567890123456789012345"
		   "6789012x\"}",
		   "/code");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"colour\":\"red\"}",
		   "/colour");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"active\":false}",
		   "/active");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"position\":0}",
		   "/position");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"required\":\"yes\"}",
		   "/required");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"stage_id\":\"1\"}",
		   "/stage_id");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"stage_id\":0}",
		   "/stage_id");

	/* What each kind needs and allows. */
	expect_422("POST", p, "{\"kind\":\"component\",\"text\":{\"ru\":\"x\"}}", "/component_id");
	expect_422("POST", p,
		   "{\"kind\":\"component\",\"text\":{\"ru\":\"x\"},\"component_id\":null}",
		   "/component_id");
	snprintf(
	    body, sizeof(body),
	    "{\"kind\":\"competitor_component\",\"text\":{\"ru\":\"x\"},\"component_id\":%lld}",
	    (long long)terms);
	expect_422("POST", p, body, "/competitor_id");
	snprintf(
	    body, sizeof(body),
	    "{\"kind\":\"competitor_component\",\"text\":{\"ru\":\"x\"},\"competitor_id\":%lld}",
	    (long long)rival);
	expect_422("POST", p, body, "/component_id");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"recommend\",\"text\":{\"ru\":\"x\"},\"component_id\":%lld}",
		 (long long)terms);
	expect_422("POST", p, body, "/component_id");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"satisfaction\",\"text\":{\"ru\":\"x\"},\"competitor_id\":%lld}",
		 (long long)rival);
	expect_422("POST", p, body, "/competitor_id");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"factors\",\"text\":{\"ru\":\"x\"},\"component_id\":%lld,"
		 "\"competitor_id\":%lld}",
		 (long long)terms, (long long)rival);
	expect_422("POST", p, body, "/competitor_id");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"component\",\"text\":{\"ru\":\"x\"},\"component_id\":%lld,"
		 "\"competitor_id\":%lld}",
		 (long long)terms, (long long)rival);
	expect_422("POST", p, body, "/competitor_id");
	expect_422("POST", p,
		   "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"options\":[{\"code\":\"a\","
		   "\"text\":{\"ru\":\"А\"}},{\"code\":\"b\",\"text\":{\"ru\":\"Б\"}}]}",
		   "/options");
	expect_422("POST", p,
		   "{\"kind\":\"intention\",\"text\":{\"ru\":\"x\"},\"options\":[{\"code\":\"a\","
		   "\"text\":{\"ru\":\"А\"}},{\"code\":\"b\",\"text\":{\"ru\":\"Б\"}}]}",
		   "/options");

	/* The ids a question names: active, live, of this workspace. */
	snprintf(body, sizeof(body),
		 "{\"kind\":\"component\",\"text\":{\"ru\":\"x\"},\"component_id\":%lld}",
		 (long long)retired_comp);
	expect_422("POST", p, body, "/component_id");
	expect_422("POST", p,
		   "{\"kind\":\"component\",\"text\":{\"ru\":\"x\"},\"component_id\":99999999}",
		   "/component_id");
	expect_422("POST", p,
		   "{\"kind\":\"component\",\"text\":{\"ru\":\"x\"},\"component_id\":\"1\"}",
		   "/component_id");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"competitor_component\",\"text\":{\"ru\":\"x\"},\"component_id\":%lld,"
		 "\"competitor_id\":%lld}",
		 (long long)terms, (long long)archived_rival);
	expect_422("POST", p, body, "/competitor_id");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"competitor_component\",\"text\":{\"ru\":\"x\"},\"component_id\":%lld,"
		 "\"competitor_id\":99999999}",
		 (long long)terms);
	expect_422("POST", p, body, "/competitor_id");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"stage_id\":%lld}",
		 (long long)archived_stage);
	expect_422("POST", p, body, "/stage_id");
	expect_422("POST", p, "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"stage_id\":99999999}",
		   "/stage_id");

	/* Options. */
	expect_422("POST", p, "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"}}", "/options");
	expect_422("POST", p, "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":null}",
		   "/options");
	expect_422("POST", p, "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[]}",
		   "/options");
	expect_422("POST", p, "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":\"a,b\"}",
		   "/options");
	expect_422("POST", p,
		   "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[{\"code\":\"a\","
		   "\"text\":{\"ru\":\"А\"}}]}",
		   "/options");
	expect_422("POST", p,
		   "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[{\"code\":\"a\","
		   "\"text\":{\"ru\":\"А\"}},{\"code\":\"a\",\"text\":{\"ru\":\"Б\"}}]}",
		   "/options/1/code");
	expect_422("POST", p,
		   "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[{\"code\":\"A B\","
		   "\"text\":{\"ru\":\"А\"}},{\"code\":\"b\",\"text\":{\"ru\":\"Б\"}}]}",
		   "/options/0/code");
	expect_422("POST", p,
		   "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[{\"code\":\"a\"},"
		   "{\"code\":\"b\",\"text\":{\"ru\":\"Б\"}}]}",
		   "/options/0/text");
	expect_422("POST", p,
		   "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[{\"text\":{\"ru\":"
		   "\"А\"}},{\"code\":\"b\",\"text\":{\"ru\":\"Б\"}}]}",
		   "/options/0/code");
	expect_422("POST", p,
		   "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[{\"code\":\"a\","
		   "\"text\":{\"ru\":\"А\"}},{\"code\":\"b\",\"text\":{\"ru\":\" \"}}]}",
		   "/options/1/text/ru");
	expect_422(
	    "POST", p,
	    "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[{\"code\":\"a\","
	    "\"text\":{\"ru\":\"А\"},\"score\":1},{\"code\":\"b\",\"text\":{\"ru\":\"Б\"}}]}",
	    "/options/0/score");
	expect_422(
	    "POST", p,
	    "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[\"a\",{\"code\":\"b\","
	    "\"text\":{\"ru\":\"Б\"}}]}",
	    "/options/0");
	expect_422("POST", p,
		   "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[{\"code\":\"a\","
		   "\"text\":{\"ru\":\"А\\u0001\"}},{\"code\":\"b\",\"text\":{\"ru\":\"Б\"}}]}",
		   "/options/0/text/ru");
	len = (size_t)snprintf(body, sizeof(body),
			       "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[");
	for (int i = 0; i < 51; i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
					"%s{\"code\":\"o%d\",\"text\":{\"ru\":\"%d\"}}",
					i ? "," : "", i, i);
	snprintf(body + len, sizeof(body) - len, "]}");
	expect_422("POST", p, body, "/options");
	/* Fifty are fine. */
	len = (size_t)snprintf(body, sizeof(body),
			       "{\"kind\":\"choice\",\"text\":{\"ru\":\"x\"},\"options\":[");
	for (int i = 0; i < 50; i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
					"%s{\"code\":\"o%d\",\"text\":{\"ru\":\"%d\"}}",
					i ? "," : "", i, i);
	snprintf(body + len, sizeof(body) - len, "]}");
	choice = question_new(sid, body);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"component\",\"text\":{\"ru\":\"x\"},\"component_id\":%lld}",
		 (long long)terms);
	comp_q = question_new(sid, body);
	/* Nothing refused was stored. */
	assert_int_equal(question_count(sid), 2);

	/* Patches by the same rules; stored ids are not checked again. */
	expect_422("PATCH", qpath(sid, comp_q), "{\"component_id\":null}", "/component_id");
	snprintf(body, sizeof(body), "{\"competitor_id\":%lld}", (long long)rival);
	expect_422("PATCH", qpath(sid, comp_q), body, "/competitor_id");
	expect_422("PATCH", qpath(sid, comp_q),
		   "{\"options\":[{\"code\":\"a\",\"text\":{\"ru\":\"А\"}},{\"code\":\"b\","
		   "\"text\":{\"ru\":\"Б\"}}]}",
		   "/options");
	snprintf(body, sizeof(body), "{\"component_id\":%lld}", (long long)retired_comp);
	expect_422("PATCH", qpath(sid, comp_q), body, "/component_id");
	expect_422("PATCH", qpath(sid, comp_q), "{\"kind\":\"factors\"}", "/kind");
	expect_422("PATCH", qpath(sid, comp_q), "{\"text\":null}", "/text");
	expect_422("PATCH", qpath(sid, comp_q), "{\"text\":{\"ru\":\"\"}}", "/text/ru");
	expect_422("PATCH", qpath(sid, comp_q), "{\"active\":\"no\"}", "/active");
	expect_422("PATCH", qpath(sid, comp_q), "{\"study_id\":3}", "/study_id");
	expect_422("PATCH", qpath(sid, choice), "{\"options\":null}", "/options");
	expect_422("PATCH", qpath(sid, choice),
		   "{\"options\":[{\"code\":\"a\",\"text\":{\"ru\":\"А\"}}]}", "/options");
	snprintf(body, sizeof(body), "{\"stage_id\":%lld}", (long long)archived_stage);
	expect_422("PATCH", qpath(sid, choice), body, "/stage_id");
	/* Nothing of a refused patch is saved. */
	expect_422("PATCH", qpath(sid, choice),
		   "{\"text\":{\"ru\":\"Новое\"},\"required\":true,\"options\":[]}", "/options");
	j = hcall(h, "GET", qpath(sid, choice), U_VIEWER, NULL, NULL, 200);
	assert_string_equal(lf_jstr(j, "text/ru"), "x");
	assert_true(json_is_false(json_object_get(j, "required")));
	assert_int_equal(json_array_size(json_object_get(j, "options")), 50);
	assert_int_equal(lf_jint(j, "version"), 1);
	json_decref(j);
	/*
	 * A question inserted first whose code turns out to be taken: the others had moved
	 * down already, and are back where they were.
	 */
	snprintf(body, sizeof(body),
		 "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"position\":1,\"stage_id\":%lld,"
		 "\"code\":\"q%lld\"}",
		 (long long)stage, (long long)comp_q);
	lf_expect_pointer(h, "POST", p, U_ANALYST, body, 409, "/code");
	assert_int_equal(question_count(sid), 2);
	j = hcall(h, "GET", qpath(sid, choice), U_VIEWER, NULL, NULL, 200);
	assert_int_equal(lf_jint(j, "position"), 1);
	assert_int_equal(lf_jint(j, "version"), 1);
	json_decref(j);
	/* A component retired after the question was made stays with it through other edits. */
	json_decref(hcall(h, "PATCH", lf_pathf(WS "/loyalty/components/%lld", (long long)terms),
			  U_ANALYST, "{\"active\":false}", NULL, 200));
	j = hcall(h, "PATCH", qpath(sid, comp_q), U_ANALYST, "{\"required\":true}", NULL, 200);
	assert_int_equal(lf_jint(j, "component_id"), terms);
	json_decref(j);
	json_decref(hcall(h, "PATCH", lf_pathf(WS "/loyalty/components/%lld", (long long)terms),
			  U_ANALYST, "{\"active\":true}", NULL, 200));
	free(long_text);
	free((void *)p);
}

static void
test_roles(void **state)
{
	int64_t sid = study_new("Роли"), qid;
	char sp[256], qp[256], qlist[256];
	json_t *j;

	(void)state;
	qid = question_new(sid, "{\"kind\":\"recommend\",\"text\":{\"ru\":\"x\"}}");
	snprintf(sp, sizeof(sp), "%s", spath(sid));
	snprintf(qlist, sizeof(qlist), "%s", qpath(sid, 0));
	snprintf(qp, sizeof(qp), "%s", qpath(sid, qid));
	for (int u = U_MANAGER; u <= U_VIEWER; u++) {
		json_decref(hcall(h, "POST", STUDIES, u, "{\"name\":\"M\",\"kind\":\"survey\"}",
				  NULL, 403));
		json_decref(hcall(h, "PATCH", sp, u, "{\"status\":\"open\"}", NULL, 403));
		json_decref(hcall(h, "DELETE", sp, u, NULL, NULL, 403));
		json_decref(hcall(h, "POST", lf_pathf("%s/restore", sp), u, NULL, NULL, 403));
		json_decref(hcall(h, "POST", qlist, u,
				  "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"}}", NULL, 403));
		json_decref(hcall(h, "PATCH", qp, u, "{\"required\":true}", NULL, 403));
		json_decref(
		    hcall(h, "POST", lf_pathf("%s/order", qlist), u, "{\"ids\":[]}", NULL, 403));
		json_decref(hcall(h, "GET", STUDIES, u, NULL, NULL, 200));
		json_decref(hcall(h, "GET", sp, u, NULL, NULL, 200));
		json_decref(hcall(h, "GET", qlist, u, NULL, NULL, 200));
		json_decref(hcall(h, "GET", qp, u, NULL, NULL, 200));
	}
	json_decref(hcall(h, "GET", STUDIES, U_OTHER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", STUDIES, U__MAX, NULL, NULL, 401));
	/* Owners and analysts write (the instance admin too). */
	j = hcall(h, "PATCH", sp, U_OWNER, "{\"status\":\"open\"}", NULL, 200);
	json_decref(j);
	json_decref(hcall(h, "PATCH", qp, U_ADMIN, "{\"required\":true}", NULL, 200));
	j = hcall(h, "GET", sp, U_VIEWER, NULL, NULL, 200);
	assert_string_equal(lf_jstr(j, "status"), "open");
	assert_int_equal(lf_jint(j, "version"), 2);
	json_decref(j);
}

static void
test_foreign_ids(void **state)
{
	int64_t foreign_study, foreign_q, sid = study_new("Чужие"), sid2 = study_new("Соседняя");
	int64_t q, q2, foreign_comp = lf_comp(h, h->ws_other, "terms");
	int64_t terms = lf_comp(h, h->ws_acme, "terms"), foreign_rival, foreign_stage;
	char body[1024], fp[256];
	json_t *j;

	(void)state;
	foreign_study =
	    lf_create(h, WS_OTHER "/studies", U_OTHER, "{\"name\":\"Чужие\",\"kind\":\"survey\"}");
	foreign_q =
	    lf_create(h, lf_pathf(WS_OTHER "/studies/%lld/questions", (long long)foreign_study),
		      U_OTHER, "{\"kind\":\"recommend\",\"text\":{\"ru\":\"x\"}}");
	foreign_rival =
	    lf_create(h, WS_OTHER "/competitors", U_OTHER, "{\"name\":\"Чужой конкурент\"}");
	foreign_stage = first_stage(WS_OTHER, U_OTHER);
	q = question_new(sid, "{\"kind\":\"recommend\",\"text\":{\"ru\":\"x\"}}");
	q2 = question_new(sid2, "{\"kind\":\"satisfaction\",\"text\":{\"ru\":\"y\"}}");

	/* A study of "other" in acme's path. */
	snprintf(fp, sizeof(fp), "%s", spath(foreign_study));
	json_decref(hcall(h, "GET", fp, U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", fp, U_OWNER, "{\"status\":\"open\"}", NULL, 404));
	json_decref(hcall(h, "DELETE", fp, U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "POST", lf_pathf("%s/restore", fp), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", qpath(foreign_study, 0), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "POST", qpath(foreign_study, 0), U_OWNER,
			  "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"}}", NULL, 404));
	snprintf(body, sizeof(body), "{\"ids\":[%lld]}", (long long)foreign_q);
	json_decref(hcall(h, "POST", lf_pathf("%s/order", qpath(foreign_study, 0)), U_OWNER, body,
			  NULL, 404));
	json_decref(hcall(h, "GET", qpath(foreign_study, foreign_q), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", qpath(foreign_study, foreign_q), U_OWNER,
			  "{\"required\":true}", NULL, 404));
	/* Its question under an acme study's path. */
	json_decref(hcall(h, "GET", qpath(sid, foreign_q), U_OWNER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "PATCH", qpath(sid, foreign_q), U_OWNER, "{\"required\":true}", NULL, 404));
	/* A question of another study under this study's path. */
	json_decref(hcall(h, "GET", qpath(sid, q2), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "PATCH", qpath(sid, q2), U_OWNER, "{\"required\":true}", NULL, 404));
	json_decref(hcall(h, "GET", qpath(sid2, q), U_OWNER, NULL, NULL, 404));
	/* An order naming another study's question. */
	snprintf(body, sizeof(body), "{\"ids\":[%lld]}", (long long)q2);
	lf_expect_pointer(h, "POST", lf_pathf("%s/order", qpath(sid, 0)), U_OWNER, body, 422,
			  "/ids");
	json_decref(hcall(h, "GET", spath(99999999), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", qpath(99999999, 0), U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", STUDIES "/abc", U_OWNER, NULL, NULL, 404));

	/* Another workspace's component, competitor and stage in a body: 422 at the field. */
	snprintf(body, sizeof(body),
		 "{\"kind\":\"component\",\"text\":{\"ru\":\"x\"},\"component_id\":%lld}",
		 (long long)foreign_comp);
	lf_expect_pointer(h, "POST", qpath(sid, 0), U_ANALYST, body, 422, "/component_id");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"competitor_component\",\"text\":{\"ru\":\"x\"},\"component_id\":%lld,"
		 "\"competitor_id\":%lld}",
		 (long long)terms, (long long)foreign_rival);
	lf_expect_pointer(h, "POST", qpath(sid, 0), U_ANALYST, body, 422, "/competitor_id");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"text\",\"text\":{\"ru\":\"x\"},\"stage_id\":%lld}",
		 (long long)foreign_stage);
	lf_expect_pointer(h, "POST", qpath(sid, 0), U_ANALYST, body, 422, "/stage_id");
	snprintf(body, sizeof(body), "{\"stage_id\":%lld}", (long long)foreign_stage);
	lf_expect_pointer(h, "PATCH", qpath(sid, q), U_ANALYST, body, 422, "/stage_id");

	/* The foreign entries are untouched. */
	j = hcall(h, "GET", lf_pathf(WS_OTHER "/studies/%lld", (long long)foreign_study), U_OTHER,
		  NULL, NULL, 200);
	assert_int_equal(lf_jint(j, "version"), 1);
	assert_int_equal(lf_jint(j, "questions"), 1);
	assert_true(json_is_null(json_object_get(j, "archived_at")));
	json_decref(j);
	j = hcall(h, "GET",
		  lf_pathf(WS_OTHER "/studies/%lld/questions/%lld", (long long)foreign_study,
			   (long long)foreign_q),
		  U_OTHER, NULL, NULL, 200);
	assert_int_equal(lf_jint(j, "version"), 1);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_study_lifecycle),	cmocka_unit_test(test_study_list),
	    cmocka_unit_test(test_study_validation),	cmocka_unit_test(test_question_lifecycle),
	    cmocka_unit_test(test_question_validation), cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_foreign_ids),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_studies", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
