/*
 * import_common.c — the run of one spreadsheet import and the cell helpers
 * every kind of import uses, and the header row of an export (see
 * import_common.h).
 */
#include "core/import_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/date.h"
#include "util/str.h"

#define IMPORT_QUOTE_CHARS 40 /* characters of a bad value repeated in a message */

const char *
import_quote(struct arena *a, const char *s)
{
	size_t i = 0, chars = 0;
	const char *q;

	if (s == NULL)
		return "";
	while (s[i] != '\0' && chars < IMPORT_QUOTE_CHARS) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	q = s[i] == '\0' ? s : arena_printf(a, "%.*s…", (int)i, s);
	return q != NULL ? q : "";
}

enum adv_err
import_reject(struct import_run *run, size_t line, const char *field, const char *fmt, ...)
{
	struct import_report *rep = run->rep;
	struct import_reject *rj;
	char msg[ADV_ERRMSG_MAX];
	va_list ap;

	if (!run->row_bad)
		rep->rows_rejected++;
	run->row_bad = true;
	if (rep->nrejects >= IMPORT_REJECTS_LISTED)
		return ADV_OK;
	if (rep->rejects == NULL &&
	    (rep->rejects = arena_alloc(run->a, IMPORT_REJECTS_LISTED * sizeof(*rj))) == NULL)
		return ADV_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rj = &rep->rejects[rep->nrejects];
	rj->line = line;
	rj->field = arena_strdup(run->a, field);
	rj->message = arena_strdup(run->a, msg);
	if (rj->field == NULL || rj->message == NULL)
		return ADV_ENOMEM;
	rep->nrejects++;
	return ADV_OK;
}

/* The column a header cell names; -1 when none. */
static int
import_header_column(struct arena *a, const struct import_columns *cols, const char *header)
{
	const char *h = str_fold(a, header);

	if (h == NULL)
		return -1;
	for (size_t i = 0; i < cols->n; i++) {
		const char *en = str_fold(a, cols->name((int)i));
		const char *ru = str_fold(a, cols->ru[i]);

		if ((en != NULL && strcmp(h, en) == 0) || (ru != NULL && strcmp(h, ru) == 0))
			return (int)i;
	}
	return -1;
}

/* Reads the header record: which column each field holds. File-level errors in run->eb. */
static enum adv_err
import_header(struct import_run *run, const struct csv_row *row)
{
	const struct import_columns *cols = run->kind->cols;
	size_t len;
	const char *h;

	run->have_header = true;
	run->ncols = row->nfields;
	run->present = 0;
	for (size_t i = 0; i < row->nfields; i++) {
		int f;

		h = str_trim(row->fields[i], row->lens[i], &len);
		if (len == 0) {
			run->col_field[i] = IMPORT_NO_FIELD;
			continue;
		}
		h = arena_strndup(run->a, h, len);
		if (h == NULL)
			return ADV_ENOMEM;
		f = import_header_column(run->a, cols, h);
		if (f < 0)
			return adv_fail(run->eb, ADV_EINVAL, NULL,
					"line %zu: column %zu, '%s', is not a field of %s; use the "
					"field names or the Russian headers of the export (%s)",
					row->line, i + 1, import_quote(run->a, h), cols->what,
					cols->hint);
		if (run->present & (1u << f)) {
			for (size_t k = 0; k < i; k++)
				if (run->col_field[k] == f)
					return adv_fail(run->eb, ADV_EINVAL, NULL,
							"line %zu: columns %zu and %zu both hold "
							"the field %s",
							row->line, k + 1, i + 1, cols->name(f));
		}
		run->col_field[i] = f;
		run->present |= 1u << f;
	}
	return run->kind->header != NULL ? run->kind->header(run, row->line) : ADV_OK;
}

/*
 * The cell of column i, with the export's formula-guard apostrophe removed and
 * white space trimmed: a pointer into the record when it still ends there (the
 * reader NUL-terminates fields; the record outlives the row's writes), else a
 * copy in the row arena; NULL when out of memory.
 */
static const char *
import_cell(struct import_run *run, const struct csv_row *row, size_t i, size_t *n)
{
	const char *s = row->fields[i], *end = row->fields[i] + row->lens[i];
	size_t len = row->lens[i];

	if (len >= 2 && s[0] == '\'' && strchr("=+-@\t\r", s[1]) != NULL) {
		s++;
		len--;
	}
	s = str_trim(s, len, &len);
	*n = len;
	if (s + len == end)
		return s;
	return arena_strndup(&run->row, s, len);
}

enum adv_err
import_values(struct import_run *run, const struct csv_row *row,
	      enum adv_err (*fn)(struct import_run *run, void *obj, int col, const char *v,
				 size_t n, size_t line),
	      void *obj, uint32_t *given)
{
	enum adv_err rc = ADV_OK;

	*given = 0;
	for (size_t i = 0; i < row->nfields && rc == ADV_OK; i++) {
		size_t n;
		const char *v = import_cell(run, row, i, &n);

		if (v == NULL)
			return ADV_ENOMEM;
		if (n == 0)
			continue;
		if (i >= run->ncols || run->col_field[i] == IMPORT_NO_FIELD) {
			rc = import_reject(run, row->line, "",
					   "column %zu has a value but no header naming its field",
					   i + 1);
			continue;
		}
		*given |= 1u << run->col_field[i];
		rc = fn(run, obj, run->col_field[i], v, n, row->line);
	}
	return rc;
}

enum adv_err
import_write_failed(struct import_run *run, enum adv_err rc, const struct adv_errbuf *web,
		    size_t line)
{
	const char *field = web->field[0] == '/' ? web->field + 1 : web->field;
	size_t n = strcspn(field, "/");

	if (rc != ADV_EINVAL && rc != ADV_ECONFLICT) {
		adv_fail(run->eb, rc, NULL, "line %zu: %s", line,
			 web->msg[0] ? web->msg : adv_strerror(rc));
		return rc;
	}
	if (field[n] == '/' && (field = arena_strndup(&run->row, field, n)) == NULL)
		return ADV_ENOMEM;
	return import_reject(run, line, field, "%s", web->msg[0] ? web->msg : adv_strerror(rc));
}

enum adv_err
import_text(struct import_run *run, size_t line, const char *field, const char *v, size_t n,
	    size_t max, const char **out)
{
	if (utf8_length(v, n) > max)
		return import_reject(run, line, field, "longer than %zu characters", max);
	*out = v;
	return ADV_OK;
}

enum adv_err
import_date(struct import_run *run, size_t line, const char *field, const char *v, const char **out)
{
	char *date = arena_alloc(&run->row, DATE_TEXT_SIZE);

	if (date == NULL)
		return ADV_ENOMEM;
	if (!date_parse(v, date))
		return import_reject(run, line, field,
				     "'%s' is not a date: write DD.MM.YYYY or YYYY-MM-DD",
				     import_quote(&run->row, v));
	*out = date;
	return ADV_OK;
}

enum adv_err
import_list(struct import_run *run, size_t line, const char *field, const char *one,
	    const char *many, const char *v, size_t n, size_t max, size_t item_max,
	    const char ***out, size_t *count)
{
	size_t cap = 1, len;
	const char *p = v, *end = v + n, *t;
	const char **items;

	for (size_t i = 0; i < n; i++)
		cap += v[i] == ',' || v[i] == ';';
	if ((items = arena_alloc(&run->row, cap * sizeof(*items))) == NULL)
		return ADV_ENOMEM;
	*out = items;
	*count = 0;
	while (p <= end) {
		const char *sep = p;
		bool dup = false;

		while (sep < end && *sep != ',' && *sep != ';')
			sep++;
		t = str_trim(p, (size_t)(sep - p), &len);
		p = sep + 1;
		if (len == 0)
			continue;
		for (size_t k = 0; k < *count && !dup; k++)
			dup = strlen(items[k]) == len && memcmp(items[k], t, len) == 0;
		if (dup)
			continue;
		if (*count == max)
			return import_reject(run, line, field, "more than %zu %s", max, many);
		if (utf8_length(t, len) > item_max)
			return import_reject(
			    run, line, field, "the %s '%s' is longer than %zu characters", one,
			    import_quote(&run->row, arena_strndup(&run->row, t, len)), item_max);
		if ((items[*count] = arena_strndup(&run->row, t, len)) == NULL)
			return ADV_ENOMEM;
		(*count)++;
	}
	return ADV_OK;
}

int
import_word(struct arena *a, const char *v, const struct import_word *words, size_t n,
	    const char **folded)
{
	const char *f = str_fold(a, v);

	if (folded != NULL)
		*folded = f;
	if (f == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(f, words[i].word) == 0)
			return words[i].value;
	return -1;
}

enum adv_err
export_open(struct table_out **t, enum table_format fmt, enum export_lang lang,
	    const struct import_columns *cols, const char *sheet_ru, const char *sheet_en,
	    struct adv_errbuf *eb)
{
	const char *headers[IMPORT_COLUMNS_MAX];

	for (size_t i = 0; i < cols->n; i++)
		headers[i] = lang == EXPORT_LANG_EN ? cols->name((int)i) : cols->ru[i];
	return table_out_open(t, fmt, lang == EXPORT_LANG_EN ? sheet_en : sheet_ru, headers,
			      cols->n, eb);
}

/* The CSV reader's callback: the header first, then the records. */
static enum adv_err
import_row(void *ctx, const struct csv_row *row)
{
	struct import_run *run = ctx;
	enum adv_err rc;

	if (!run->have_header)
		return import_header(run, row);
	run->rep->rows_read++;
	arena_reset(&run->row);
	run->row_bad = false;
	rc = run->kind->record(run, row);
	if (rc == ADV_ENOMEM)
		adv_fail(run->eb, rc, NULL, "line %zu: out of memory", row->line);
	if (run->o->progress != NULL && run->rep->rows_read % IMPORT_PROGRESS_EVERY == 0)
		run->o->progress(run->o->progress_ctx, run->rep->rows_read);
	return rc;
}

/* Empties the report for another reading of the file (the encoding and delimiter stay). */
static void
import_report_restart(struct import_report *rep)
{
	rep->rows_read = 0;
	rep->created = 0;
	rep->updated = 0;
	rep->unchanged = 0;
	rep->rows_rejected = 0;
	rep->nrejects = 0;
}

enum adv_err
import_file(struct db_conn *c, struct arena *a, int64_t ws_id, const char *data, size_t n,
	    const struct import_opts *o, const struct import_kind *k, void *ctx,
	    struct import_report *rep, struct adv_errbuf *eb)
{
	struct import_run *run = NULL;
	struct buf text;
	enum adv_err rc;

	memset(rep, 0, sizeof(*rep));
	buf_init(&text, IMPORT_BYTES_MAX);
	if (db_in_tx(c)) {
		rc = adv_fail(eb, ADV_EINTERNAL, NULL, "import started inside a transaction");
		goto out;
	}
	if ((rc = enc_to_utf8(data, n, IMPORT_BYTES_MAX, &text, &rep->encoding, eb)) != ADV_OK)
		goto out;
	if ((run = arena_zalloc(a, sizeof(*run))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	run->c = c;
	run->a = a;
	arena_init(&run->row, IMPORT_ROW_ARENA_LIMIT);
	run->ws_id = ws_id;
	run->o = o;
	run->kind = k;
	run->ctx = ctx;
	run->rep = rep;
	run->eb = eb;
	for (;;) {
		if ((rc = db_begin(c)) != ADV_OK) {
			adv_fail(eb, rc, NULL, "cannot start the import's transaction");
			goto out;
		}
		rc = csv_read_buf(text.data, text.len, NULL, import_row, run, &rep->delimiter, eb);
		if (rc != ADV_OK)
			goto out;
		if (!run->have_header) {
			rc =
			    adv_fail(eb, ADV_EINVAL, NULL,
				     "the file is empty: expected a header row naming the columns");
			goto out;
		}
		if (k->finish != NULL && (rc = k->finish(run)) != ADV_OK)
			goto out;
		if (!run->again)
			break;
		db_rollback(c);
		import_report_restart(rep);
		run->again = false;
		run->have_header = false;
	}
	if (rep->rows_rejected > 0 && !o->skip_invalid) {
		rc = adv_fail(eb, ADV_EINVAL, NULL,
			      "%zu of %zu rows have problems, so nothing was imported; fix them or "
			      "skip the invalid rows",
			      rep->rows_rejected, rep->rows_read);
		goto out;
	}
	if (!o->dry_run) {
		if ((rc = db_commit(c)) != ADV_OK) {
			adv_fail(eb, rc, NULL, "the import could not be committed");
			goto out;
		}
		rep->committed = true;
	}
out:
	if (db_in_tx(c))
		db_rollback(c);
	if (run != NULL)
		arena_free(&run->row);
	buf_release(&text);
	return rc;
}
