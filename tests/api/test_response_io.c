/*
 * test_response_io.c — POST …/studies/{sid}/imports/responses and GET
 * …/studies/{sid}/exports/responses over real HTTP, and `advocate
 * import|export responses` (docs/research.md, "Importing and exporting
 * responses"): CSV in UTF-8 with a BOM and ',' and in Windows-1251 with ';'
 * (Russian text answers, an option by its Russian text, a person by e-mail
 * within a company named by INN); every imported row a submitted response
 * with channel import that became an assessment of its client; dry runs
 * writing nothing; a value outside its scale named by line and column with
 * nothing written, or left out with skip_invalid; a re-import of a
 * respondent_id updating its response; files whose columns are no
 * questions, unknown columns and a "sav" that is none → 422; an SPSS .sav
 * written here with libreadstat (value labels on a choice) imported right;
 * the exports' CSV, XLSX and .sav (read back here with libreadstat, its
 * variable and value labels checked); round trips CSV → another study and
 * .sav → another study giving the same answers; another workspace's study
 * → 404; roles.
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
#include <readstat.h>

#include "harness.h"
#include "import_fixtures.h"
#include "loyalty_fixtures.h"

#define WS	 "/api/v1/workspaces/acme"
#define BODY_MAX 4096
#define SAV_MAX	 (1024 * 1024)

static struct harness *h;

/* The client every test names, and two factors of the shipment component. */
static int64_t account, contact, factor1, factor2;

/*
 * A new study of acme named name with the questionnaire the tests use: nps
 * (recommend), terms (component, on the scale 1..5), why (factors of
 * shipment), pick (choice a "Да"/"Yes", b "Нет"/"No"), comment (text).
 */
static int64_t
study_make(const char *name)
{
	char body[BODY_MAX];
	const char *q;
	int64_t sid;

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"kind\":\"survey\"}", name);
	sid = lf_create(h, WS "/studies", U_ANALYST, body);
	q = lf_pathf(WS "/studies/%lld/questions", (long long)sid);
	lf_create(
	    h, q, U_ANALYST,
	    "{\"kind\":\"recommend\",\"code\":\"nps\",\"text\":{\"ru\":\"Порекомендуете?\"}}");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"component\",\"code\":\"terms\",\"component_id\":%lld,"
		 "\"text\":{\"ru\":\"Условия работы\"}}",
		 (long long)lf_comp(h, h->ws_acme, "terms"));
	lf_create(h, q, U_ANALYST, body);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"factors\",\"code\":\"why\",\"component_id\":%lld,"
		 "\"text\":{\"ru\":\"Что мешает?\"}}",
		 (long long)lf_comp(h, h->ws_acme, "shipment"));
	lf_create(h, q, U_ANALYST, body);
	lf_create(h, q, U_ANALYST,
		  "{\"kind\":\"choice\",\"code\":\"pick\",\"text\":{\"ru\":\"Продлите?\"},"
		  "\"options\":[{\"code\":\"a\",\"text\":{\"ru\":\"Да\",\"en\":\"Yes\"}},"
		  "{\"code\":\"b\",\"text\":{\"ru\":\"Нет\",\"en\":\"No\"}}]}");
	lf_create(h, q, U_ANALYST,
		  "{\"kind\":\"text\",\"code\":\"comment\",\"text\":{\"ru\":\"Комментарий\"}}");
	return sid;
}

/* POSTs n bytes of body with content type ct to study sid's import, query q, as user. */
static long
post_file(int64_t sid, const char *q, int user, const char *ct, const void *body, size_t n,
	  struct hresp *r)
{
	const char *path = lf_pathf(WS "/studies/%lld/imports/responses%s%s", (long long)sid,
				    q ? "?" : "", q ? q : "");

	if (hreq(h, "POST", path, user, ct, body, n, NULL, r) != 0)
		return -1;
	return r->status;
}

/* post_file of a NUL-terminated CSV text as the analyst. */
static long
post_csv(int64_t sid, const char *q, const char *text, struct hresp *r)
{
	return post_file(sid, q, U_ANALYST, "text/csv", text, strlen(text), r);
}

/* GETs study sid's export in format fmt as user. */
static long
get_export(int64_t sid, const char *fmt, int user, struct hresp *r)
{
	if (hreq(h, "GET",
		 lf_pathf(WS "/studies/%lld/exports/responses?format=%s", (long long)sid, fmt),
		 user, NULL, NULL, 0, NULL, r) != 0)
		return -1;
	return r->status;
}

/* Study sid's live responses, oldest first (the list is newest first): a new reference. */
static json_t *
responses_of(int64_t sid)
{
	json_t *j = lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200,
			     WS "/studies/%lld/responses?limit=500", (long long)sid);
	json_t *items = json_object_get(j, "items"), *out = json_array();
	size_t n = json_array_size(items);

	for (size_t i = n; i > 0; i--)
		json_array_append(out, json_array_get(items, i - 1));
	json_decref(j);
	return out;
}

/* The number of study sid's responses. */
static size_t
count_of(int64_t sid)
{
	json_t *v = responses_of(sid);
	size_t n = json_array_size(v);

	json_decref(v);
	return n;
}

/* Asserts that reject i of the report in obj is at line and field. */
static void
assert_reject(const json_t *obj, size_t i, long long line, const char *field)
{
	const json_t *e = json_array_get(if_rejects(obj), i);

	assert_non_null(e);
	assert_int_equal(json_integer_value(json_object_get(e, "line")), line);
	assert_string_equal(json_string_value(json_object_get(e, "field")), field);
}

/* Asserts that the problem's detail contains s. */
static void
assert_detail_has(const struct hresp *r, const char *s)
{
	const char *d = json_string_value(json_object_get(r->json, "detail"));

	assert_non_null(d);
	if (strstr(d, s) == NULL)
		fail_msg("detail '%s' lacks '%s'", d, s);
}

static int
setup(void **state)
{
	(void)state;
	h = harness_start(0);
	account = lf_create(h, WS "/accounts", U_ANALYST,
			    "{\"name\":\"Альфа\",\"external_id\":\"A-1\",\"inn\":\"7707083893\"}");
	contact = lf_create(
	    h, lf_pathf(WS "/accounts/%lld/contacts", (long long)account), U_ANALYST,
	    "{\"name\":\"Ирина\",\"emails\":[\"irina@alfa.ru\"],\"external_id\":\"K-1\"}");
	factor1 = lf_factor(h, h->ws_acme, "shipment", 1);
	factor2 = lf_factor(h, h->ws_acme, "shipment", 2);
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
test_utf8_bom_comma(void **state)
{
	int64_t sid = study_make("UTF-8");
	char csv[BODY_MAX];
	struct hresp r;
	json_t *v, *x, *a;

	(void)state;
	snprintf(csv, sizeof(csv),
		 "\xEF\xBB\xBFrespondent_id,Account_External_ID,NPS,terms,why,pick,comment,"
		 "submitted_at,lang\n"
		 "r1,A-1,9,4,%lld|%lld,b,\"Всё хорошо, спасибо\",2026-03-04,ru\n"
		 "r2,,3,\"2,5\",,Yes,,2026-03-05 10:30,EN\n",
		 (long long)factor1, (long long)factor2);
	assert_int_equal(post_csv(sid, NULL, csv, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "encoding")),
			    "UTF-8 with BOM");
	assert_string_equal(json_string_value(json_object_get(r.json, "delimiter")), ",");
	assert_int_equal(if_rep_int(r.json, "rows_read"), 2);
	assert_int_equal(if_rep_int(r.json, "created"), 2);
	hresp_free(&r);
	v = responses_of(sid);
	assert_int_equal(json_array_size(v), 2);
	x = json_array_get(v, 0);
	assert_string_equal(lf_jstr(x, "channel"), "import");
	assert_string_equal(lf_jstr(x, "status"), "submitted");
	assert_string_equal(lf_jstr(x, "respondent_key"), "r1");
	assert_string_equal(lf_jstr(x, "lang"), "ru");
	assert_int_equal(lf_jint(x, "account_id"), account);
	assert_string_equal(lf_jstr(x, "submitted_at"), "2026-03-04T00:00:00Z");
	a = json_object_get(x, "answers");
	assert_int_equal(lf_jint(a, "nps"), 9);
	assert_int_equal(lf_jint(a, "terms"), 4);
	assert_int_equal(json_array_size(json_object_get(a, "why")), 2);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(a, "why"), 1)), factor2);
	assert_string_equal(lf_jstr(a, "pick"), "b");
	assert_string_equal(lf_jstr(a, "comment"), "Всё хорошо, спасибо");
	/* The client's response became an assessment of the client. */
	assert_true(lf_jint(x, "assessment_id") > 0);
	json_decref(lf_callf(h, "GET", U_VIEWER, NULL, NULL, 200,
			     WS "/accounts/%lld/assessments/%lld", (long long)account,
			     (long long)lf_jint(x, "assessment_id")));
	x = json_array_get(v, 1);
	assert_true(json_is_null(json_object_get(x, "account_id")));
	assert_string_equal(lf_jstr(x, "submitted_at"), "2026-03-05T10:30:00Z");
	assert_string_equal(lf_jstr(x, "lang"), "en");
	a = json_object_get(x, "answers");
	lf_assert_near(json_number_value(json_object_get(a, "terms")), 2.5);
	assert_string_equal(lf_jstr(a, "pick"), "a");
	assert_null(json_object_get(a, "comment"));
	json_decref(v);
}

static void
test_cp1251_semicolon(void **state)
{
	int64_t sid = study_make("Windows-1251");
	char *body;
	size_t n;
	struct hresp r;
	json_t *v, *a;

	(void)state;
	body = if_cp1251("inn;contact_email;nps;pick;comment\r\n"
			 "7707083893;Irina@Alfa.ru;10;нет;\"Доставка; сроки — ок\"\r\n",
			 &n);
	assert_int_equal(
	    post_file(sid, NULL, U_OWNER, "text/csv; charset=windows-1251", body, n, &r), 200);
	free(body);
	assert_string_equal(json_string_value(json_object_get(r.json, "encoding")), "Windows-1251");
	assert_string_equal(json_string_value(json_object_get(r.json, "delimiter")), ";");
	hresp_free(&r);
	v = responses_of(sid);
	assert_int_equal(json_array_size(v), 1);
	assert_int_equal(lf_jint(json_array_get(v, 0), "account_id"), account);
	assert_int_equal(lf_jint(json_array_get(v, 0), "contact_id"), contact);
	a = json_object_get(json_array_get(v, 0), "answers");
	assert_string_equal(lf_jstr(a, "pick"), "b");
	assert_string_equal(lf_jstr(a, "comment"), "Доставка; сроки — ок");
	assert_int_equal(lf_jint(a, "nps"), 10);
	json_decref(v);
}

static void
test_dry_run(void **state)
{
	int64_t sid = study_make("Dry run");
	struct hresp r;

	(void)state;
	assert_int_equal(post_csv(sid, "dry_run=true", "nps,terms\n7,3\n8,4\n", &r), 200);
	assert_true(json_is_true(json_object_get(r.json, "dry_run")));
	assert_int_equal(if_rep_int(r.json, "created"), 2);
	hresp_free(&r);
	assert_int_equal(count_of(sid), 0);
}

static void
test_bad_line_all_or_nothing(void **state)
{
	int64_t sid = study_make("Bad line");
	static const char csv[] = "account_id;nps;terms;pick;why\n"
				  ";7;3;a;\n"
				  ";11;3;a;\n"
				  ";5;9;zz;\n"
				  "999999;5;3;;\n"
				  ";5;3;;x\n";
	struct hresp r;

	(void)state;
	assert_int_equal(post_csv(sid, NULL, csv, &r), 422);
	assert_int_equal(if_rep_int(r.json, "rows_read"), 5);
	assert_int_equal(if_rep_int(r.json, "rows_rejected"), 4);
	assert_reject(r.json, 0, 3, "nps");
	/* Line 4: the option is checked while reading, the rating by the response's check. */
	assert_reject(r.json, 1, 4, "pick");
	assert_reject(r.json, 2, 5, "account_id");
	assert_reject(r.json, 3, 6, "why");
	hresp_free(&r);
	assert_int_equal(count_of(sid), 0);
	/* The rating outside the scale alone is named too. */
	assert_int_equal(post_csv(sid, NULL, "nps;terms\n5;9\n", &r), 422);
	assert_reject(r.json, 0, 2, "terms");
	hresp_free(&r);
	assert_int_equal(count_of(sid), 0);
}

static void
test_skip_invalid(void **state)
{
	int64_t sid = study_make("Skip invalid");
	struct hresp r;

	(void)state;
	assert_int_equal(post_csv(sid, "skip_invalid=true", "nps;terms\n7;3\n11;3\n6;2\n", &r),
			 200);
	assert_int_equal(if_rep_int(r.json, "created"), 2);
	assert_int_equal(if_rep_int(r.json, "rows_rejected"), 1);
	assert_reject(r.json, 0, 3, "nps");
	hresp_free(&r);
	assert_int_equal(count_of(sid), 2);
}

static void
test_reimport_updates(void **state)
{
	int64_t sid = study_make("Re-import");
	struct hresp r;
	json_t *v;

	(void)state;
	assert_int_equal(
	    post_csv(sid, NULL, "respondent_id;account_id;nps;comment\nk1;;7;раз\n", &r), 200);
	hresp_free(&r);
	assert_int_equal(post_csv(sid, NULL, "respondent_id;nps;comment\nk1;8;\nk1;8;\n", &r), 200);
	assert_int_equal(if_rep_int(r.json, "created"), 0);
	assert_int_equal(if_rep_int(r.json, "updated"), 1);
	assert_int_equal(if_rep_int(r.json, "unchanged"), 1);
	hresp_free(&r);
	v = responses_of(sid);
	assert_int_equal(json_array_size(v), 1);
	assert_int_equal(lf_jint(json_object_get(json_array_get(v, 0), "answers"), "nps"), 8);
	assert_null(json_object_get(json_object_get(json_array_get(v, 0), "answers"), "comment"));
	json_decref(v);
}

static void
test_bad_files(void **state)
{
	int64_t sid = study_make("Bad files");
	static const char not_sav[] = "$FL? this is not an SPSS file";
	struct hresp r;

	(void)state;
	assert_int_equal(post_csv(sid, NULL, "name;score\nX;1\n", &r), 422);
	assert_detail_has(&r, "'name', 'score'");
	assert_detail_has(&r, "nps");
	assert_null(json_object_get(r.json, "report"));
	hresp_free(&r);
	assert_int_equal(post_csv(sid, NULL, "account_id;INN\n1;1\n", &r), 422);
	assert_detail_has(&r, "no column is a question");
	hresp_free(&r);
	assert_int_equal(post_csv(sid, NULL, "nps;typo\n1;1\n", &r), 422);
	assert_detail_has(&r, "'typo'");
	hresp_free(&r);
	assert_int_equal(post_csv(sid, NULL, "nps;NPS\n1;1\n", &r), 422);
	hresp_free(&r);
	assert_int_equal(post_file(sid, NULL, U_ANALYST, "application/x-spss-sav", not_sav,
				   sizeof(not_sav) - 1, &r),
			 422);
	assert_detail_has(&r, ".sav");
	hresp_free(&r);
	/* The magic alone does not make a file: the parser refuses it, no crash. */
	assert_int_equal(post_file(sid, NULL, U_ANALYST, "application/octet-stream",
				   "$FL2garbagegarbagegarbage", 25, &r),
			 422);
	hresp_free(&r);
	assert_int_equal(post_file(sid, NULL, U_ANALYST, "application/json", "{}", 2, &r), 415);
	hresp_free(&r);
	assert_int_equal(count_of(sid), 0);
}

/* A growing byte buffer for libreadstat's writer. */
struct membuf {
	char *p;
	size_t n;
};

static ssize_t
membuf_write(const void *data, size_t len, void *ctx)
{
	struct membuf *m = ctx;

	assert_true(m->n + len <= SAV_MAX);
	memcpy(m->p + m->n, data, len);
	m->n += len;
	return (ssize_t)len;
}

/*
 * A .sav of two cases: respondent_id (string), NPS (numeric), pick (numeric
 * 1/2 labelled "Да"/"Нет"), comment (string); the second case's pick is
 * labelled by the option's code.
 */
static struct membuf
sav_make(void)
{
	struct membuf m = {malloc(SAV_MAX), 0};
	readstat_writer_t *w = readstat_writer_init();
	readstat_label_set_t *set;
	readstat_variable_t *key, *nps, *pick, *comment;

	assert_non_null(m.p);
	readstat_set_data_writer(w, membuf_write);
	set = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "picks");
	readstat_label_double_value(set, 1, "Да");
	readstat_label_double_value(set, 2, "b");
	key = readstat_add_variable(w, "respondent_id", READSTAT_TYPE_STRING, 8);
	nps = readstat_add_variable(w, "NPS", READSTAT_TYPE_DOUBLE, 0);
	pick = readstat_add_variable(w, "pick", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label_set(pick, set);
	comment = readstat_add_variable(w, "comment", READSTAT_TYPE_STRING, 40);
	assert_int_equal(readstat_begin_writing_sav(w, &m, 2), READSTAT_OK);
	readstat_begin_row(w);
	readstat_insert_string_value(w, key, "s1");
	readstat_insert_double_value(w, nps, 10);
	readstat_insert_double_value(w, pick, 1);
	readstat_insert_string_value(w, comment, "Отлично");
	readstat_end_row(w);
	readstat_begin_row(w);
	readstat_insert_string_value(w, key, "s2");
	readstat_insert_double_value(w, nps, 4);
	readstat_insert_double_value(w, pick, 2);
	readstat_insert_missing_value(w, comment);
	readstat_end_row(w);
	assert_int_equal(readstat_end_writing(w), READSTAT_OK);
	readstat_writer_free(w);
	return m;
}

static void
test_sav_import(void **state)
{
	int64_t sid = study_make("SPSS in");
	struct membuf m = sav_make();
	struct hresp r;
	json_t *v, *a;

	(void)state;
	assert_int_equal(post_file(sid, NULL, U_ANALYST, "application/x-spss-sav", m.p, m.n, &r),
			 200);
	assert_int_equal(if_rep_int(r.json, "created"), 2);
	hresp_free(&r);
	v = responses_of(sid);
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(lf_jstr(json_array_get(v, 0), "respondent_key"), "s1");
	a = json_object_get(json_array_get(v, 0), "answers");
	assert_int_equal(lf_jint(a, "nps"), 10);
	assert_string_equal(lf_jstr(a, "pick"), "a");
	assert_string_equal(lf_jstr(a, "comment"), "Отлично");
	a = json_object_get(json_array_get(v, 1), "answers");
	assert_int_equal(lf_jint(a, "nps"), 4);
	assert_string_equal(lf_jstr(a, "pick"), "b");
	assert_null(json_object_get(a, "comment"));
	json_decref(v);
	/* A damaged .sav (cut in the middle) is refused as a whole: 422, nothing written. */
	assert_int_equal(
	    post_file(sid, NULL, U_ANALYST, "application/x-spss-sav", m.p, m.n / 2, &r), 422);
	hresp_free(&r);
	assert_int_equal(count_of(sid), 2);
	free(m.p);
}

/* What the test's reading of an exported .sav found. */
struct sav_seen {
	int nvars;
	char names[32][65];
	char labels[32][256];
	char value_labels[16][128];
	int nvalue_labels;
	double nps[8];
	char comment[8][64];
	int pick_index, nps_index, comment_index, rows;
};

static int
seen_variable(int index, readstat_variable_t *v, const char *val_labels, void *ctx)
{
	struct sav_seen *s = ctx;

	(void)val_labels;
	if (index < 32) {
		snprintf(s->names[index], sizeof(s->names[0]), "%s", readstat_variable_get_name(v));
		snprintf(s->labels[index], sizeof(s->labels[0]), "%s",
			 readstat_variable_get_label(v) ? readstat_variable_get_label(v) : "");
		if (strcmp(s->names[index], "nps") == 0)
			s->nps_index = index;
		if (strcmp(s->names[index], "comment") == 0)
			s->comment_index = index;
		if (strcmp(s->names[index], "pick") == 0)
			s->pick_index = index;
	}
	s->nvars = index + 1;
	return READSTAT_HANDLER_OK;
}

static int
seen_value_label(const char *set, readstat_value_t value, const char *label, void *ctx)
{
	struct sav_seen *s = ctx;

	(void)set;
	if (s->nvalue_labels < 16)
		snprintf(s->value_labels[s->nvalue_labels++], sizeof(s->value_labels[0]), "%g=%s",
			 readstat_double_value(value), label);
	return READSTAT_HANDLER_OK;
}

static int
seen_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx)
{
	struct sav_seen *s = ctx;
	int i = readstat_variable_get_index(v);

	if (obs >= 8)
		return READSTAT_HANDLER_OK;
	if (obs + 1 > s->rows)
		s->rows = obs + 1;
	if (i == s->nps_index)
		s->nps[obs] =
		    readstat_value_is_missing(value, v) ? -1 : readstat_double_value(value);
	if (i == s->comment_index)
		snprintf(s->comment[obs], sizeof(s->comment[0]), "%s",
			 readstat_string_value(value) ? readstat_string_value(value) : "");
	return READSTAT_HANDLER_OK;
}

/* Reads the .sav of n bytes at p (written to a file under the harness's folder) into *s. */
static void
sav_read_back(const char *p, size_t n, struct sav_seen *s)
{
	char path[512];
	FILE *f;
	readstat_parser_t *parser = readstat_parser_init();

	memset(s, 0, sizeof(*s));
	s->pick_index = s->nps_index = s->comment_index = -1;
	snprintf(path, sizeof(path), "%s/export.sav", h->dir);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
	readstat_set_variable_handler(parser, seen_variable);
	readstat_set_value_label_handler(parser, seen_value_label);
	readstat_set_value_handler(parser, seen_value);
	assert_int_equal(readstat_parse_sav(parser, path, s), READSTAT_OK);
	readstat_parser_free(parser);
}

/* Imports study from's export in fmt into study to and compares their responses. */
static void
round_trip(int64_t from, int64_t to, const char *fmt, const char *ct)
{
	struct hresp file, r;
	json_t *a, *b;

	assert_int_equal(get_export(from, fmt, U_VIEWER, &file), 200);
	assert_int_equal(post_file(to, NULL, U_ANALYST, ct, file.body, file.len, &r), 200);
	hresp_free(&r);
	hresp_free(&file);
	a = responses_of(from);
	b = responses_of(to);
	assert_int_equal(json_array_size(a), json_array_size(b));
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *x = json_array_get(a, i), *y = json_array_get(b, i);

		if (!json_equal(json_object_get(x, "answers"), json_object_get(y, "answers")))
			fail_msg("%s round trip: answers of response %zu differ", fmt, i);
		assert_true(
		    json_equal(json_object_get(x, "account_id"), json_object_get(y, "account_id")));
		assert_true(json_equal(json_object_get(x, "respondent_key"),
				       json_object_get(y, "respondent_key")));
		assert_true(json_equal(json_object_get(x, "submitted_at"),
				       json_object_get(y, "submitted_at")));
	}
	json_decref(a);
	json_decref(b);
}

static void
test_exports_and_round_trips(void **state)
{
	int64_t sid = study_make("Export"), csv_to = study_make("From CSV"),
		sav_to = study_make("From SAV");
	char csv[BODY_MAX];
	struct sav_seen seen;
	struct hresp r;
	char *cd;
	bool low = false, yes = false;

	(void)state;
	snprintf(csv, sizeof(csv),
		 "respondent_id;account_id;contact_external_id;nps;terms;why;pick;comment;"
		 "submitted_at\n"
		 "e1;%lld;K-1;9;4,5;%lld|%lld;a;\"=1+1, «кавычки»\";2026-02-01T08:00:00Z\n"
		 "e2;;;0;1;;b;\"-минус\";2026-02-02\n"
		 "e3;;;;;;;;2026-02-03\n",
		 (long long)account, (long long)factor1, (long long)factor2);
	assert_int_equal(post_csv(sid, NULL, csv, &r), 200);
	hresp_free(&r);

	assert_int_equal(get_export(sid, "csv", U_VIEWER, &r), 200);
	cd = hresp_header(&r, "Content-Disposition");
	assert_non_null(strstr(cd, ".csv"));
	free(cd);
	assert_non_null(strstr(r.body, "id;respondent_id;account_id;account_name;contact_id;"
				       "contact_name;channel;status;submitted_at;lang;nps;terms;"
				       "why;pick;comment"));
	assert_non_null(strstr(r.body, "e1;"));
	assert_non_null(strstr(r.body, ";Альфа;"));
	assert_non_null(strstr(r.body, ";Ирина;import;submitted;2026-02-01T08:00:00Z;;9;4,5;"));
	assert_non_null(strstr(r.body, "'=1+1"));
	hresp_free(&r);

	assert_int_equal(get_export(sid, "xlsx", U_VIEWER, &r), 200);
	assert_true(r.len > 4 && memcmp(r.body, "PK", 2) == 0);
	hresp_free(&r);

	assert_int_equal(get_export(sid, "sav", U_VIEWER, &r), 200);
	assert_true(r.len > 4 && memcmp(r.body, "$FL2", 4) == 0);
	sav_read_back(r.body, r.len, &seen);
	hresp_free(&r);
	assert_int_equal(seen.nvars, 15);
	assert_string_equal(seen.names[0], "id");
	assert_string_equal(seen.names[1], "respondent_id");
	assert_true(seen.nps_index == 10 && seen.pick_index == 13 && seen.comment_index == 14);
	assert_string_equal(seen.labels[seen.nps_index], "Порекомендуете?");
	assert_string_equal(seen.labels[11], "Условия работы");
	for (int i = 0; i < seen.nvalue_labels; i++) {
		low = low || strncmp(seen.value_labels[i], "0=0 —", 5) == 0;
		yes = yes || strcmp(seen.value_labels[i], "1=Да") == 0;
	}
	assert_true(low && yes);
	assert_int_equal(seen.rows, 3);
	lf_assert_near(seen.nps[0], 9);
	lf_assert_near(seen.nps[1], 0);
	lf_assert_near(seen.nps[2], -1);
	assert_string_equal(seen.comment[1], "-минус");

	assert_int_equal(get_export(sid, "pdf", U_VIEWER, &r), 422);
	hresp_free(&r);

	round_trip(sid, csv_to, "csv", "text/csv");
	round_trip(sid, sav_to, "sav", "application/octet-stream");
}

static void
test_access(void **state)
{
	int64_t sid = study_make("Access"), foreign;
	json_t *j;
	struct hresp r;

	(void)state;
	j = hcall(h, "POST", "/api/v1/workspaces/other/studies", U_OTHER,
		  "{\"name\":\"Чужое\",\"kind\":\"survey\"}", NULL, 201);
	foreign = lf_jint(j, "id");
	json_decref(j);
	assert_int_equal(post_csv(foreign, NULL, "nps\n5\n", &r), 404);
	hresp_free(&r);
	assert_int_equal(post_csv(999999, NULL, "nps\n5\n", &r), 404);
	hresp_free(&r);
	assert_int_equal(get_export(foreign, "csv", U_VIEWER, &r), 404);
	hresp_free(&r);
	assert_int_equal(post_file(sid, NULL, U_VIEWER, "text/csv", "nps\n5\n", 6, &r), 403);
	hresp_free(&r);
	assert_int_equal(post_file(sid, NULL, U_MANAGER, "text/csv", "nps\n5\n", 6, &r), 403);
	hresp_free(&r);
	assert_int_equal(post_file(sid, NULL, U_OTHER, "text/csv", "nps\n5\n", 6, &r), 404);
	hresp_free(&r);
	assert_int_equal(post_file(sid, NULL, U_OWNER, "text/csv", "nps\n5\n", 6, &r), 200);
	hresp_free(&r);
	assert_int_equal(get_export(sid, "csv", U_OTHER, &r), 404);
	hresp_free(&r);
	assert_int_equal(count_of(sid), 1);
}

static void
test_cli(void **state)
{
	int64_t sid = study_make("CLI");
	const char *bin = getenv("ADVOCATE_BIN");
	char path[512], *out = NULL;
	FILE *f;

	(void)state;
	if (bin == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/cli.csv", h->dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("nps;comment\n6;из командной строки\n", f);
	fclose(f);
	assert_int_equal(hrun(&out,
			      "%s import responses --study 999999 %s --workspace acme "
			      "--db '%s' 2>&1",
			      bin, path, h->dburl),
			 1);
	free(out);
	assert_int_equal(hrun(&out, "%s import responses %s --workspace acme --db '%s' 2>&1", bin,
			      path, h->dburl),
			 2);
	free(out);
	assert_int_equal(hrun(&out,
			      "%s import responses --study %lld %s --workspace acme --db "
			      "'%s'",
			      bin, (long long)sid, path, h->dburl),
			 0);
	assert_non_null(strstr(out, "1 imported"));
	free(out);
	assert_int_equal(count_of(sid), 1);
	assert_int_equal(hrun(&out, "%s export responses --study %lld --workspace acme --db '%s'",
			      bin, (long long)sid, h->dburl),
			 0);
	assert_non_null(strstr(out, "из командной строки"));
	free(out);
	snprintf(path, sizeof(path), "%s/cli.sav", h->dir);
	assert_int_equal(hrun(&out,
			      "%s export responses --study %lld --format sav --out %s "
			      "--workspace acme --db '%s' 2>&1",
			      bin, (long long)sid, path, h->dburl),
			 0);
	free(out);
	assert_int_equal(hrun(&out, "head -c 4 %s", path), 0);
	assert_string_equal(out, "$FL2");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_bom_comma),
	    cmocka_unit_test(test_cp1251_semicolon),
	    cmocka_unit_test(test_dry_run),
	    cmocka_unit_test(test_bad_line_all_or_nothing),
	    cmocka_unit_test(test_skip_invalid),
	    cmocka_unit_test(test_reimport_updates),
	    cmocka_unit_test(test_bad_files),
	    cmocka_unit_test(test_sav_import),
	    cmocka_unit_test(test_exports_and_round_trips),
	    cmocka_unit_test(test_access),
	    cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests_name(harness_engine(), tests, setup, teardown);
}
