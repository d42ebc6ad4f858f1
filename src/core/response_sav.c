/*
 * response_sav.c — SPSS .sav files of responses, through libreadstat
 * (Debian's libreadstat-dev): reading an uploaded file from memory into the
 * import's header and rows (core/response_import.c), value labels beside
 * the values; and writing a study's responses with variable labels (the
 * questions' texts) and value labels (choices, the ends of recommend).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readstat.h>

#include "core/response_io_impl.h"
#include "util/str.h"

#define SAV_VARS_MAX	    CSV_FIELDS_MAX /* variables of a file read */
#define SAV_NUM_TEXT	    32		   /* bytes of a number as text */
#define SAV_STRING_MAX	    32767u	   /* bytes of a string variable written */
#define SAV_VAR_LABEL_MAX   255u	   /* bytes of a variable label written */
#define SAV_VALUE_LABEL_MAX 120u	   /* bytes of a value label written */
#define SAV_RECOMMEND_LOW   "0 — точно не порекомендую / not at all likely"
#define SAV_RECOMMEND_HIGH  "10 — точно порекомендую / extremely likely"

/* The uploaded file, read by libreadstat through these handlers. */
struct sav_mem {
	const char *p;
	size_t n, pos;
};

/* One value label of a file read. */
struct sav_label {
	const char *set; /* the label set's name */
	bool is_string;
	double num;
	const char *str;
	const char *label;
};

/* The reading of one file. */
struct sav_read {
	struct rio_import *im;
	struct arena *a; /* the report's: lives through the import */
	size_t nvars;
	const char **names; /* per variable */
	const char **sets;  /* per variable: its label set's name, or NULL */
	bool *is_string;    /* per variable */
	struct sav_label *labels;
	size_t nlabels, cap_labels;
	struct rio_cell *cells; /* of the current case, in the row arena */
	enum adv_err rc;	/* the first failure, which aborts the parse */
	char error[ADV_ERRMSG_MAX];
};

static int
sav_mem_open(const char *path, void *io_ctx)
{
	(void)path;
	((struct sav_mem *)io_ctx)->pos = 0;
	return 0;
}

static int
sav_mem_close(void *io_ctx)
{
	(void)io_ctx;
	return 0;
}

static readstat_off_t
sav_mem_seek(readstat_off_t offset, readstat_io_flags_t whence, void *io_ctx)
{
	struct sav_mem *m = io_ctx;
	readstat_off_t base = whence == READSTAT_SEEK_SET   ? 0
			      : whence == READSTAT_SEEK_CUR ? (readstat_off_t)m->pos
							    : (readstat_off_t)m->n;

	if (base + offset < 0 || base + offset > (readstat_off_t)m->n)
		return -1;
	m->pos = (size_t)(base + offset);
	return (readstat_off_t)m->pos;
}

static ssize_t
sav_mem_read(void *buf, size_t nbyte, void *io_ctx)
{
	struct sav_mem *m = io_ctx;
	size_t k = m->n - m->pos < nbyte ? m->n - m->pos : nbyte;

	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

static readstat_error_t
sav_mem_update(long file_size, readstat_progress_handler progress_handler, void *user_ctx,
	       void *io_ctx)
{
	(void)file_size;
	(void)progress_handler;
	(void)user_ctx;
	(void)io_ctx;
	return READSTAT_OK;
}

/* Stops the parse with rc (the first failure is kept). */
static int
sav_abort(struct sav_read *s, enum adv_err rc)
{
	if (s->rc == ADV_OK)
		s->rc = rc;
	return READSTAT_HANDLER_ABORT;
}

static int
sav_on_metadata(readstat_metadata_t *md, void *ctx)
{
	struct sav_read *s = ctx;
	int n = readstat_get_var_count(md);

	if (n <= 0 || (size_t)n > SAV_VARS_MAX) {
		snprintf(s->error, sizeof(s->error), "the file has %d variables (at most %u)", n,
			 SAV_VARS_MAX);
		return sav_abort(s, ADV_EINVAL);
	}
	s->nvars = (size_t)n;
	s->names = arena_zalloc(s->a, s->nvars * sizeof(*s->names));
	s->sets = arena_zalloc(s->a, s->nvars * sizeof(*s->sets));
	s->is_string = arena_zalloc(s->a, s->nvars * sizeof(*s->is_string));
	if (s->names == NULL || s->sets == NULL || s->is_string == NULL)
		return sav_abort(s, ADV_ENOMEM);
	return READSTAT_HANDLER_OK;
}

static int
sav_on_variable(int index, readstat_variable_t *v, const char *val_labels, void *ctx)
{
	struct sav_read *s = ctx;

	if (index < 0 || (size_t)index >= s->nvars)
		return sav_abort(s, ADV_EINVAL);
	s->names[index] = arena_strdup(s->a, readstat_variable_get_name(v));
	s->sets[index] = val_labels != NULL ? arena_strdup(s->a, val_labels) : NULL;
	s->is_string[index] = readstat_variable_get_type_class(v) == READSTAT_TYPE_CLASS_STRING;
	if (s->names[index] == NULL || (val_labels != NULL && s->sets[index] == NULL))
		return sav_abort(s, ADV_ENOMEM);
	return READSTAT_HANDLER_OK;
}

static int
sav_on_value_label(const char *val_labels, readstat_value_t value, const char *label, void *ctx)
{
	struct sav_read *s = ctx;
	struct sav_label *l;

	l = arena_array_room(s->a, s->labels, &s->cap_labels, s->nlabels, sizeof(*l));
	if (l == NULL)
		return sav_abort(s, ADV_ENOMEM);
	s->labels = l;
	l = &s->labels[s->nlabels];
	memset(l, 0, sizeof(*l));
	l->set = arena_strdup(s->a, val_labels);
	l->label = arena_strdup(s->a, label != NULL ? label : "");
	l->is_string = readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING;
	if (l->is_string)
		l->str = arena_strdup(
		    s->a, readstat_string_value(value) ? readstat_string_value(value) : "");
	else
		l->num = readstat_double_value(value);
	if (l->set == NULL || l->label == NULL || (l->is_string && l->str == NULL))
		return sav_abort(s, ADV_ENOMEM);
	s->nlabels++;
	return READSTAT_HANDLER_OK;
}

/* The label of the value (numeric num or string str) in label set set, or NULL. */
static const char *
sav_label_of(const struct sav_read *s, const char *set, bool is_string, double num, const char *str)
{
	for (size_t i = 0; set != NULL && i < s->nlabels; i++) {
		const struct sav_label *l = &s->labels[i];

		if (l->is_string != is_string || strcmp(l->set, set) != 0)
			continue;
		if (is_string ? strcmp(l->str, str) == 0 : l->num == num)
			return l->label;
	}
	return NULL;
}

/* The header, once: the variables' names. */
static enum adv_err
sav_header(struct sav_read *s)
{
	struct rio_import *im = s->im;

	if (s->nvars == 0)
		return adv_fail(im->run.eb, ADV_EINVAL, NULL, "the .sav file has no variables");
	return rio_header(im, 1, s->names, s->nvars);
}

static int
sav_on_value(int obs_index, readstat_variable_t *v, readstat_value_t value, void *ctx)
{
	struct sav_read *s = ctx;
	struct rio_import *im = s->im;
	int i = readstat_variable_get_index(v);
	struct rio_cell *cell;
	char buf[SAV_NUM_TEXT];
	const char *text = "", *t;
	enum adv_err rc;
	double num = 0;
	size_t len;

	if (i < 0 || (size_t)i >= s->nvars)
		return sav_abort(s, ADV_EINVAL);
	if (!im->have_header && (rc = sav_header(s)) != ADV_OK)
		return sav_abort(s, rc);
	if (i == 0) {
		arena_reset(&im->run.row);
		if ((s->cells = arena_zalloc(&im->run.row, s->nvars * sizeof(*s->cells))) == NULL)
			return sav_abort(s, ADV_ENOMEM);
	}
	if (s->cells == NULL)
		return sav_abort(s, ADV_EINVAL);
	cell = &s->cells[i];
	if (!readstat_value_is_missing(value, v)) {
		if (s->is_string[i]) {
			text = readstat_string_value(value) ? readstat_string_value(value) : "";
		} else {
			num = readstat_double_value(value);
			snprintf(buf, sizeof(buf), "%.15g", num);
			text = buf;
		}
		cell->label = sav_label_of(s, s->sets[i], s->is_string[i], num, text);
	}
	t = str_trim(text, strlen(text), &len);
	if ((cell->v = arena_strndup(&im->run.row, t, len)) == NULL)
		return sav_abort(s, ADV_ENOMEM);
	cell->n = len;
	if ((size_t)i + 1 < s->nvars)
		return READSTAT_HANDLER_OK;
	rc = rio_row(im, (size_t)obs_index + 2, s->cells, s->nvars);
	s->cells = NULL;
	return rc == ADV_OK ? READSTAT_HANDLER_OK : sav_abort(s, rc);
}

static void
sav_on_error(const char *msg, void *ctx)
{
	struct sav_read *s = ctx;

	if (s->error[0] == '\0')
		snprintf(s->error, sizeof(s->error), "%s", msg);
}

enum adv_err
rio_sav_read(struct rio_import *im, const char *data, size_t n)
{
	struct sav_mem mem = {data, n, 0};
	struct sav_read s;
	readstat_parser_t *p;
	readstat_error_t err;
	enum adv_err rc;

	memset(&s, 0, sizeof(s));
	s.im = im;
	s.a = im->run.a;
	if ((p = readstat_parser_init()) == NULL)
		return ADV_ENOMEM;
	readstat_set_open_handler(p, sav_mem_open);
	readstat_set_close_handler(p, sav_mem_close);
	readstat_set_seek_handler(p, sav_mem_seek);
	readstat_set_read_handler(p, sav_mem_read);
	readstat_set_update_handler(p, sav_mem_update);
	readstat_set_io_ctx(p, &mem);
	readstat_set_metadata_handler(p, sav_on_metadata);
	readstat_set_variable_handler(p, sav_on_variable);
	readstat_set_value_label_handler(p, sav_on_value_label);
	readstat_set_value_handler(p, sav_on_value);
	readstat_set_error_handler(p, sav_on_error);
	err = readstat_parse_sav(p, "upload.sav", &s);
	readstat_parser_free(p);
	if (s.rc != ADV_OK) {
		rc = s.rc;
		if (rc == ADV_EINVAL && im->run.eb->msg[0] == '\0')
			adv_fail(im->run.eb, rc, NULL, "the .sav file cannot be read: %s",
				 s.error[0] ? s.error : "it is damaged");
		return rc;
	}
	if (err != READSTAT_OK)
		return adv_fail(im->run.eb, ADV_EINVAL, NULL,
				"the file is not a readable SPSS .sav file: %s",
				s.error[0] ? s.error : readstat_error_message(err));
	if (!im->have_header)
		return sav_header(&s);
	return ADV_OK;
}

/* The writing of one file: the variables, their string widths, the output. */
struct sav_write {
	const struct response_context *ctx;
	readstat_writer_t *w;
	struct buf *out;
	readstat_variable_t **vars; /* RIO_EXPORTED + nquestions */
	size_t *width;		    /* per variable: the longest string, in bytes (pass 1) */
	struct arena *a;
	size_t rows;
	enum adv_err rc;
	char error[ADV_ERRMSG_MAX];
};

/* Whether the export writes question q as a string variable. */
static bool
sav_q_string(const struct question *q)
{
	return q->kind == QK_FACTORS || q->kind == QK_TEXT;
}

/* The fixed columns written as numbers (ids). */
static bool
sav_fixed_numeric(int col)
{
	return col == RIO_ID || col == RIO_ACCOUNT_ID || col == RIO_CONTACT_ID;
}

/* The fixed column col's text in row r (NULL when none, or for the numeric ones). */
static const char *
sav_fixed_text(const struct rio_out *r, int col)
{
	switch (col) {
	case RIO_RESPONDENT_ID:
		return r->respondent_key;
	case RIO_ACCOUNT_NAME:
		return r->account_name;
	case RIO_CONTACT_NAME:
		return r->contact_name;
	case RIO_CHANNEL:
		return r->channel;
	case RIO_STATUS:
		return r->status;
	case RIO_SUBMITTED_AT:
		return r->submitted_at;
	case RIO_LANG:
		return r->lang;
	default:
		return NULL;
	}
}

/* Notes the longest string of each string variable (the first pass). */
static enum adv_err
sav_measure(void *ctx, const struct rio_out *r)
{
	struct sav_write *x = ctx;

	for (int i = 0; i < RIO_EXPORTED; i++) {
		const char *t = sav_fixed_text(r, i);

		if (t != NULL && strlen(t) > x->width[i])
			x->width[i] = strlen(t);
	}
	for (size_t i = 0; i < x->ctx->nquestions; i++) {
		const char *text;
		double num;
		bool is_num;

		if (!sav_q_string(&x->ctx->questions[i]))
			continue;
		rio_answer_of(r, &x->ctx->questions[i], x->a, &text, &num, &is_num);
		if (text != NULL && strlen(text) > x->width[RIO_EXPORTED + i])
			x->width[RIO_EXPORTED + i] = strlen(text);
	}
	x->rows++;
	return ADV_OK;
}

/* s cut to at most max bytes at a character boundary, in a (s itself when it fits). */
static const char *
sav_cut(struct arena *a, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return s;
	while (n > max || (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80))
		n--;
	return arena_strndup(a, s, n);
}

static ssize_t
sav_data_writer(const void *data, size_t len, void *ctx)
{
	struct sav_write *x = ctx;

	if (buf_append(x->out, data, len) != ADV_OK) {
		x->rc = ADV_ETOOBIG;
		return -1;
	}
	return (ssize_t)len;
}

static void
sav_write_error(const char *msg, void *ctx)
{
	struct sav_write *x = ctx;

	if (x->error[0] == '\0')
		snprintf(x->error, sizeof(x->error), "%s", msg);
}

/* The value labels of question q (NULL when it has none). */
static readstat_label_set_t *
sav_labels(struct sav_write *x, const struct question *q, const char *name)
{
	readstat_label_set_t *set;

	if (q->kind != QK_CHOICE && q->kind != QK_RECOMMEND)
		return NULL;
	if ((set = readstat_add_label_set(x->w, READSTAT_TYPE_DOUBLE, name)) == NULL)
		return NULL;
	if (q->kind == QK_RECOMMEND) {
		readstat_label_double_value(set, 0, SAV_RECOMMEND_LOW);
		readstat_label_double_value(set, 10, SAV_RECOMMEND_HIGH);
		return set;
	}
	for (size_t k = 0; k < q->noptions; k++) {
		const char *text = q->options[k].text.ru;

		/* A text too long for a value label is named by its code, which imports alike. */
		if (text == NULL || strlen(text) > SAV_VALUE_LABEL_MAX)
			text = q->options[k].code;
		readstat_label_double_value(set, (double)(k + 1), text);
	}
	return set;
}

/* Declares the variables (after the first pass measured the strings). */
static enum adv_err
sav_variables(struct sav_write *x)
{
	const struct response_context *ctx = x->ctx;

	for (int i = 0; i < RIO_EXPORTED; i++) {
		bool num = sav_fixed_numeric(i);
		size_t width = x->width[i] > 0 ? x->width[i] : 1;

		x->vars[i] = readstat_add_variable(
		    x->w, rio_col_name((enum rio_col)i),
		    num ? READSTAT_TYPE_DOUBLE : READSTAT_TYPE_STRING, num ? 0 : width);
		if (x->vars[i] == NULL)
			return ADV_ENOMEM;
		readstat_variable_set_measure(x->vars[i], READSTAT_MEASURE_NOMINAL);
	}
	for (size_t i = 0; i < ctx->nquestions; i++) {
		const struct question *q = &ctx->questions[i];
		size_t k = RIO_EXPORTED + i, width = x->width[k] > 0 ? x->width[k] : 1;
		char name[RIO_SAV_NAME_MAX + 1];
		readstat_variable_t *v;
		readstat_label_set_t *set;
		const char *label;

		rio_sav_name(q->code, name);
		if (width > SAV_STRING_MAX)
			width = SAV_STRING_MAX;
		v = readstat_add_variable(
		    x->w, name, sav_q_string(q) ? READSTAT_TYPE_STRING : READSTAT_TYPE_DOUBLE,
		    sav_q_string(q) ? width : 0);
		if ((x->vars[k] = v) == NULL)
			return ADV_ENOMEM;
		if ((label = sav_cut(x->a, q->text.ru ? q->text.ru : q->code, SAV_VAR_LABEL_MAX)) ==
		    NULL)
			return ADV_ENOMEM;
		readstat_variable_set_label(v, label);
		readstat_variable_set_measure(v, sav_q_string(q) || q->kind == QK_CHOICE
						     ? READSTAT_MEASURE_NOMINAL
						     : READSTAT_MEASURE_SCALE);
		if ((set = sav_labels(x, q, name)) != NULL)
			readstat_variable_set_label_set(v, set);
	}
	return ADV_OK;
}

/* The number of choice question q's option code (1-based), or 0 when none. */
static double
sav_option_number(const struct question *q, const char *code)
{
	for (size_t k = 0; code != NULL && k < q->noptions; k++)
		if (strcmp(q->options[k].code, code) == 0)
			return (double)(k + 1);
	return 0;
}

/* Inserts a string value, or a missing one for NULL. */
static readstat_error_t
sav_put_string(struct sav_write *x, size_t k, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return readstat_insert_missing_value(x->w, x->vars[k]);
	if ((s = sav_cut(x->a, s, SAV_STRING_MAX)) == NULL)
		return READSTAT_ERROR_MALLOC;
	return readstat_insert_string_value(x->w, x->vars[k], s);
}

/* Writes one response as a case (the second pass). */
static enum adv_err
sav_case(void *ctx, const struct rio_out *r)
{
	struct sav_write *x = ctx;
	const int64_t ids[RIO_EXPORTED] = {
	    [RIO_ID] = r->id, [RIO_ACCOUNT_ID] = r->account_id, [RIO_CONTACT_ID] = r->contact_id};
	readstat_error_t err = readstat_begin_row(x->w);

	for (int i = 0; i < RIO_EXPORTED && err == READSTAT_OK; i++) {
		if (!sav_fixed_numeric(i))
			err = sav_put_string(x, (size_t)i, sav_fixed_text(r, i));
		else if (ids[i] != 0)
			err = readstat_insert_double_value(x->w, x->vars[i], (double)ids[i]);
		else
			err = readstat_insert_missing_value(x->w, x->vars[i]);
	}
	for (size_t i = 0; i < x->ctx->nquestions && err == READSTAT_OK; i++) {
		const struct question *q = &x->ctx->questions[i];
		size_t k = RIO_EXPORTED + i;
		const char *text;
		double num = 0;
		bool is_num;

		rio_answer_of(r, q, x->a, &text, &num, &is_num);
		if (sav_q_string(q))
			err = sav_put_string(x, k, text);
		else if (q->kind == QK_CHOICE && sav_option_number(q, text) > 0)
			err = readstat_insert_double_value(x->w, x->vars[k],
							   sav_option_number(q, text));
		else if (is_num)
			err = readstat_insert_double_value(x->w, x->vars[k], num);
		else
			err = readstat_insert_missing_value(x->w, x->vars[k]);
	}
	if (err == READSTAT_OK)
		err = readstat_end_row(x->w);
	if (err == READSTAT_OK)
		return ADV_OK;
	if (x->rc == ADV_OK)
		x->rc = ADV_EINTERNAL;
	if (x->error[0] == '\0')
		snprintf(x->error, sizeof(x->error), "%s", readstat_error_message(err));
	return x->rc;
}

enum adv_err
rio_sav_write(struct db_conn *c, int64_t ws_id, const struct response_context *ctx, struct buf *out,
	      size_t *rows, struct adv_errbuf *eb)
{
	struct sav_write x;
	struct arena a;
	size_t nvars = RIO_EXPORTED + ctx->nquestions, mark = out->len;
	readstat_error_t err;
	enum adv_err rc;

	memset(&x, 0, sizeof(x));
	arena_init(&a, EXPORT_ARENA_LIMIT);
	x.ctx = ctx;
	x.out = out;
	x.a = &a;
	x.vars = calloc(nvars, sizeof(*x.vars));
	x.width = calloc(nvars, sizeof(*x.width));
	if (x.vars == NULL || x.width == NULL || (x.w = readstat_writer_init()) == NULL) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = rio_each(c, &a, ws_id, ctx->study_id, sav_measure, &x)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "reading the responses to export failed: %s",
			 adv_strerror(rc));
		goto out;
	}
	*rows = x.rows;
	arena_reset(&a);
	readstat_set_data_writer(x.w, sav_data_writer);
	readstat_writer_set_error_handler(x.w, sav_write_error);
	readstat_writer_set_file_label(x.w, "Advocate responses");
	if ((rc = sav_variables(&x)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "out of memory");
		goto out;
	}
	if ((err = readstat_begin_writing_sav(x.w, &x, (long)x.rows)) != READSTAT_OK) {
		rc = adv_fail(eb, x.rc != ADV_OK ? x.rc : ADV_EINTERNAL, NULL,
			      "the .sav file cannot be written: %s",
			      x.error[0] ? x.error : readstat_error_message(err));
		goto out;
	}
	if ((rc = rio_each(c, &a, ws_id, ctx->study_id, sav_case, &x)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "the .sav file cannot be written: %s",
			 x.error[0] ? x.error : adv_strerror(rc));
		goto out;
	}
	if ((err = readstat_end_writing(x.w)) != READSTAT_OK) {
		rc = adv_fail(eb, x.rc != ADV_OK ? x.rc : ADV_EINTERNAL, NULL,
			      "the .sav file cannot be written: %s",
			      x.error[0] ? x.error : readstat_error_message(err));
		goto out;
	}
out:
	if (rc != ADV_OK)
		out->len = mark;
	if (x.w != NULL)
		readstat_writer_free(x.w);
	free(x.vars);
	free(x.width);
	arena_free(&a);
	return rc;
}
