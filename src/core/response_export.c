/*
 * response_export.c — the responses export (see response_io.h): the rows
 * of a study's live responses with their client's names, written as CSV or
 * XLSX through io/table_out.h, or handed to core/response_sav.c for .sav;
 * and the names of the formats.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/response_io_impl.h"
#include "io/table_out.h"

#define RIO_FACTORS_SEP	    "|"
#define RIO_EXPORT_SHEET_RU "Ответы"
#define RIO_EXPORT_SHEET_EN "Responses"

static const char *const rio_format_names[RESPONSE_FORMAT__MAX] = {
    [RESPONSE_CSV] = "csv",
    [RESPONSE_XLSX] = "xlsx",
    [RESPONSE_SAV] = "sav",
};

static struct db_sql sql_each = DB_SQL(
    "SELECT r.id, r.respondent_key, r.account_id, a.name, r.contact_id, k.name, r.channel,"
    " r.status, r.submitted_at, r.lang, r.answers FROM responses r"
    " LEFT JOIN accounts a ON a.id = r.account_id AND a.workspace_id = r.workspace_id"
    " LEFT JOIN contacts k ON k.id = r.contact_id AND k.workspace_id = r.workspace_id"
    " WHERE r.workspace_id = ?1 AND r.study_id = ?2 AND r.archived_at IS NULL ORDER BY r.id");

const char *
response_format_name(enum response_format f)
{
	return f < RESPONSE_FORMAT__MAX ? rio_format_names[f] : rio_format_names[RESPONSE_CSV];
}

bool
response_format_parse(const char *s, enum response_format *out)
{
	for (int i = 0; s != NULL && i < RESPONSE_FORMAT__MAX; i++) {
		if (strcmp(s, rio_format_names[i]) == 0) {
			*out = (enum response_format)i;
			return true;
		}
	}
	return false;
}

const char *
response_format_content_type(enum response_format f)
{
	switch (f) {
	case RESPONSE_XLSX:
		return table_format_content_type(TABLE_XLSX);
	case RESPONSE_SAV:
		return "application/x-spss-sav";
	default:
		return table_format_content_type(TABLE_CSV);
	}
}

bool
response_sav_magic(const char *data, size_t n)
{
	return n >= 4 && (memcmp(data, "$FL2", 4) == 0 || memcmp(data, "$FL3", 4) == 0);
}

enum adv_err
rio_each(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
	 enum adv_err (*fn)(void *ctx, const struct rio_out *row), void *ctx)
{
	struct db_stmt *st;
	json_error_t jerr;
	enum adv_err rc;
	bool row, oom = false;

	if ((rc = db_prepare(c, &sql_each, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct rio_out r;

		arena_reset(a);
		r.id = db_col_int(st, 0);
		r.respondent_key = db_col_dup(st, a, 1, &oom);
		r.account_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
		r.account_name = db_col_dup(st, a, 3, &oom);
		r.contact_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
		r.contact_name = db_col_dup(st, a, 5, &oom);
		r.channel = db_col_dup(st, a, 6, &oom);
		r.status = db_col_dup(st, a, 7, &oom);
		r.submitted_at = db_col_dup(st, a, 8, &oom);
		r.lang = db_col_dup(st, a, 9, &oom);
		r.answers = json_loadb(db_col_text(st, 10), db_col_bytes(st, 10), 0, &jerr);
		if (oom || r.answers == NULL) {
			json_decref(r.answers);
			db_done(st);
			return oom ? ADV_ENOMEM : ADV_EDB;
		}
		rc = fn(ctx, &r);
		json_decref(r.answers);
		if (rc != ADV_OK) {
			db_done(st);
			return rc;
		}
	}
	return rc;
}

json_t *
rio_answer_of(const struct rio_out *row, const struct question *q, struct arena *a,
	      const char **text, double *num, bool *is_num)
{
	char key[24];
	json_t *v, *f;
	size_t i, len = 0;
	char *s;

	snprintf(key, sizeof(key), "%" PRId64, q->id);
	v = json_object_get(row->answers, key);
	*text = NULL;
	*is_num = json_is_number(v);
	if (*is_num)
		*num = json_number_value(v);
	else if (json_is_string(v))
		*text = json_string_value(v);
	else if (json_is_array(v) && json_array_size(v) > 0 &&
		 (s = arena_alloc(a, json_array_size(v) * 22)) != NULL) {
		json_array_foreach(v, i, f)
		{
			len += (size_t)sprintf(s + len, "%s%" PRId64, i > 0 ? RIO_FACTORS_SEP : "",
					       (int64_t)json_integer_value(f));
		}
		*text = s;
	}
	return v;
}

/* What the CSV/XLSX export's rows need. */
struct rio_table {
	struct table_out *t;
	const struct response_context *ctx;
	struct arena *a;
	size_t rows;
	enum adv_err table_rc; /* the table's first failure, explained by table_out_finish() */
};

/* Writes an id cell: a number, or empty for 0. */
static void
rio_table_id(struct table_out *t, int64_t id)
{
	if (id != 0)
		table_out_num(t, (double)id);
	else
		table_out_null(t);
}

/* Writes one response as a row. */
static enum adv_err
rio_table_row(void *p, const struct rio_out *r)
{
	struct rio_table *x = p;
	struct table_out *t = x->t;

	table_out_num(t, (double)r->id);
	table_out_str(t, r->respondent_key);
	rio_table_id(t, r->account_id);
	table_out_str(t, r->account_name);
	rio_table_id(t, r->contact_id);
	table_out_str(t, r->contact_name);
	table_out_str(t, r->channel);
	table_out_str(t, r->status);
	table_out_str(t, r->submitted_at);
	table_out_str(t, r->lang);
	for (size_t i = 0; i < x->ctx->nquestions; i++) {
		const char *text;
		double num = 0;
		bool is_num;

		rio_answer_of(r, &x->ctx->questions[i], x->a, &text, &num, &is_num);
		if (is_num)
			table_out_num(t, num);
		else
			table_out_str(t, text);
	}
	x->rows++;
	x->table_rc = table_out_end_row(t);
	return x->table_rc;
}

/* Writes the responses as CSV or XLSX into out. */
static enum adv_err
rio_table_write(struct db_conn *c, int64_t ws_id, const struct response_context *ctx,
		enum table_format fmt, struct buf *out, size_t *rows, struct arena *a,
		struct adv_errbuf *eb)
{
	struct rio_table x = {NULL, ctx, NULL, 0, ADV_OK};
	struct arena scratch;
	const char **headers;
	size_t ncols = RIO_EXPORTED + ctx->nquestions;
	enum adv_err rc;

	arena_init(&scratch, EXPORT_ARENA_LIMIT);
	x.a = &scratch;
	if ((headers = arena_alloc(a, ncols * sizeof(*headers))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (int i = 0; i < RIO_EXPORTED; i++)
		headers[i] = rio_col_name((enum rio_col)i);
	for (size_t i = 0; i < ctx->nquestions; i++)
		headers[RIO_EXPORTED + i] = ctx->questions[i].code;
	if ((rc = table_out_open(&x.t, fmt, RIO_EXPORT_SHEET_EN, headers, ncols, eb)) != ADV_OK)
		goto out;
	rc = rio_each(c, &scratch, ws_id, ctx->study_id, rio_table_row, &x);
	if (rc != ADV_OK && x.table_rc == ADV_OK) {
		adv_fail(eb, rc, NULL, "reading the responses to export failed: %s",
			 adv_strerror(rc));
		goto out;
	}
	if ((rc = table_out_finish(x.t, out, eb)) == ADV_OK)
		*rows = x.rows;
out:
	table_out_free(x.t);
	arena_free(&scratch);
	return rc;
}

enum adv_err
export_responses(struct db_conn *c, int64_t ws_id, int64_t study_id, enum response_format fmt,
		 struct buf *out, size_t *rows, struct adv_errbuf *eb)
{
	struct response_context ctx;
	struct arena a;
	size_t n = 0;
	enum adv_err rc;

	arena_init(&a, EXPORT_ARENA_LIMIT);
	if ((rc = db_begin_read(c)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot read the responses");
		goto out;
	}
	if ((rc = response_context_load(c, &a, ws_id, study_id, &ctx)) != ADV_OK) {
		adv_fail(eb, rc, NULL,
			 rc == ADV_ENOTFOUND ? "no such study" : "reading the study failed");
		goto out;
	}
	if (fmt == RESPONSE_SAV)
		rc = rio_sav_write(c, ws_id, &ctx, out, &n, eb);
	else
		rc = rio_table_write(c, ws_id, &ctx, fmt == RESPONSE_XLSX ? TABLE_XLSX : TABLE_CSV,
				     out, &n, &a, eb);
	if (rc == ADV_OK && rows != NULL)
		*rows = n;
out:
	if (db_in_tx(c))
		db_rollback(c);
	arena_free(&a);
	return rc;
}
