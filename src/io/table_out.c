/*
 * table_out.c — CSV and XLSX export writer (see table_out.h).
 *
 * CSV is built in a struct buf. XLSX goes through libxlsxwriter in its
 * constant-memory mode (rows are streamed to temporary files, strings are
 * written inline): libxlsxwriter 1.1.4 can only write a workbook to a named
 * file, so the workbook is written to a mkstemp() file and read back.
 */
#include "io/table_out.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "util/date.h"
#include "util/str.h"

#define TABLE_CSV_BOM	       "\xEF\xBB\xBF"
#define TABLE_NUM_TEXT	       32 /* "%.15g" of any double */
#define TABLE_DATE_NUM_FORMAT  "dd.mm.yyyy"
#define TABLE_DATE_WIDTH       10
#define TABLE_XLSX_YEAR_MIN    1900 /* Excel dates start in 1900 */
#define TABLE_TMP_NAME	       "advocate-export-XXXXXX"
#define TABLE_WIDTH_PAD	       2 /* characters of room beside the widest cell */
#define TABLE_WIDTH_SCAN       (TABLE_XLSX_WIDTH_MAX * 4u) /* bytes looked at to size a column */
#define TABLE_READ_CHUNK       65536
#define TABLE_SHEET_NAME_BYTES (TABLE_SHEET_NAME_MAX * 4u + 1u)

struct table_out {
	enum table_format fmt;
	size_t ncols;
	size_t col;  /* cells written in the current row */
	size_t rows; /* data rows ended */
	bool finished;
	enum adv_err rc; /* first failure, repeated afterwards */
	struct adv_errbuf err;
	/* CSV */
	struct buf csv;
	char delim;
	char decimal;
	/* XLSX */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *date_fmt;
	unsigned *width; /* widest cell of each column, in characters */
	struct buf text; /* over-long text cut to Excel's limit */
	char tmpdir[PATH_MAX];
	char path[PATH_MAX]; /* the temporary workbook; "" when none */
};

static const char *const table_content_types[TABLE_FORMAT__MAX] = {
    [TABLE_CSV] = "text/csv; charset=utf-8",
    [TABLE_CSV_COMMA] = "text/csv; charset=utf-8",
    [TABLE_XLSX] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

static const char *const table_exts[TABLE_FORMAT__MAX] = {
    [TABLE_CSV] = "csv",
    [TABLE_CSV_COMMA] = "csv",
    [TABLE_XLSX] = "xlsx",
};

const char *
table_format_content_type(enum table_format f)
{
	if ((unsigned)f >= TABLE_FORMAT__MAX)
		return "application/octet-stream";
	return table_content_types[f];
}

const char *
table_format_ext(enum table_format f)
{
	if ((unsigned)f >= TABLE_FORMAT__MAX)
		return "bin";
	return table_exts[f];
}

/* Makes e the table's failure (unless one came first) and returns the table's failure. */
static enum adv_err table_fail(struct table_out *t, enum adv_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum adv_err
table_fail(struct table_out *t, enum adv_err e, const char *fmt, ...)
{
	va_list ap;

	if (t->rc != ADV_OK)
		return t->rc;
	va_start(ap, fmt);
	vsnprintf(t->err.msg, sizeof(t->err.msg), fmt, ap);
	va_end(ap);
	t->err.field[0] = '\0';
	t->rc = e;
	return e;
}

/* Appends n bytes to the CSV, failing the table past its size limit. */
static enum adv_err
table_csv_put(struct table_out *t, const char *p, size_t n)
{
	enum adv_err rc = buf_append(&t->csv, p, n);

	if (rc == ADV_ETOOBIG)
		return table_fail(t, rc, "the CSV export exceeds %u bytes", TABLE_CSV_BYTES_MAX);
	if (rc != ADV_OK)
		return table_fail(t, rc, "out of memory writing the CSV export");
	return ADV_OK;
}

/* Writes s as one CSV field: quoted when it must be, apostrophe-guarded when asked. */
static enum adv_err
table_csv_text(struct table_out *t, const char *s, bool guard)
{
	size_t n = strlen(s);
	bool quote = n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
	bool apos = guard && n > 0 && strchr("=+-@\t\r", s[0]) != NULL;
	const char *q;
	enum adv_err rc = ADV_OK;

	quote = quote || strpbrk(s, "\"\r\n") != NULL || memchr(s, t->delim, n) != NULL;
	if (quote)
		rc = table_csv_put(t, "\"", 1);
	if (rc == ADV_OK && apos)
		rc = table_csv_put(t, "'", 1);
	while (rc == ADV_OK && quote && (q = strchr(s, '"')) != NULL) {
		rc = table_csv_put(t, s, (size_t)(q - s) + 1);
		if (rc == ADV_OK)
			rc = table_csv_put(t, "\"", 1);
		s = q + 1;
	}
	if (rc == ADV_OK)
		rc = table_csv_put(t, s, strlen(s));
	if (rc == ADV_OK && quote)
		rc = table_csv_put(t, "\"", 1);
	return rc;
}

/* Grows the recorded width of the current column to w characters. */
static void
table_widen(struct table_out *t, size_t w)
{
	if (w > TABLE_XLSX_WIDTH_MAX)
		w = TABLE_XLSX_WIDTH_MAX;
	if (w > t->width[t->col])
		t->width[t->col] = (unsigned)w;
}

/* Characters of s that count for its column width. */
static size_t
table_text_width(const char *s)
{
	size_t n = strnlen(s, TABLE_WIDTH_SCAN);

	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return utf8_length(s, n);
}

/*
 * Checks that one more cell fits in the row and writes the CSV delimiter before it.
 * Returns ADV_OK when the caller may write the cell's content.
 */
static enum adv_err
table_cell_begin(struct table_out *t)
{
	if (t->rc != ADV_OK)
		return t->rc;
	if (t->finished)
		return table_fail(t, ADV_EINTERNAL, "a cell was written after the table ended");
	if (t->col == t->ncols)
		return table_fail(t, ADV_EINTERNAL, "row %zu has more than %zu cells", t->rows + 1,
				  t->ncols);
	if (t->fmt == TABLE_XLSX && t->rows >= TABLE_ROWS_MAX)
		return table_fail(t, ADV_ETOOBIG, "an Excel sheet holds at most %u rows",
				  TABLE_ROWS_MAX);
	if (t->fmt != TABLE_XLSX && t->col > 0)
		return table_csv_put(t, &t->delim, 1);
	return ADV_OK;
}

/* Finishes a cell: on success moves to the next column. */
static enum adv_err
table_cell_end(struct table_out *t, lxw_error err)
{
	if (err != LXW_NO_ERROR)
		return table_fail(t, ADV_EINTERNAL, "row %zu, column %zu: libxlsxwriter: %s",
				  t->rows + 1, t->col + 1, lxw_strerror(err));
	if (t->rc == ADV_OK)
		t->col++;
	return t->rc;
}

/* The row index in the sheet of the current data row (the header is row 0). */
static lxw_row_t
table_xlsx_row(const struct table_out *t)
{
	return (lxw_row_t)(t->rows + 1);
}

enum adv_err
table_out_str(struct table_out *t, const char *s)
{
	enum adv_err rc = table_cell_begin(t);
	size_t n;

	if (rc != ADV_OK || s == NULL)
		return table_cell_end(t, LXW_NO_ERROR);
	if (t->fmt != TABLE_XLSX) {
		table_csv_text(t, s, true);
		return table_cell_end(t, LXW_NO_ERROR);
	}
	n = strlen(s);
	if (n > TABLE_XLSX_TEXT_MAX) {
		n = TABLE_XLSX_TEXT_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		buf_reset(&t->text);
		if (buf_append(&t->text, s, n) != ADV_OK)
			return table_fail(t, ADV_ENOMEM, "out of memory writing the workbook");
		s = t->text.data;
	}
	table_widen(t, table_text_width(s));
	return table_cell_end(
	    t, worksheet_write_string(t->ws, table_xlsx_row(t), (lxw_col_t)t->col, s, NULL));
}

enum adv_err
table_out_num(struct table_out *t, double v)
{
	enum adv_err rc = table_cell_begin(t);
	char text[TABLE_NUM_TEXT];
	char *dot;
	int n;

	if (rc != ADV_OK || !isfinite(v))
		return table_cell_end(t, LXW_NO_ERROR);
	if (v == 0)
		v = 0; /* no "-0" */
	n = snprintf(text, sizeof(text), "%.15g", v);
	if (t->fmt == TABLE_XLSX) {
		table_widen(t, (size_t)n);
		return table_cell_end(t, worksheet_write_number(t->ws, table_xlsx_row(t),
								(lxw_col_t)t->col, v, NULL));
	}
	dot = strchr(text, '.');
	if (dot != NULL)
		*dot = t->decimal;
	table_csv_put(t, text, (size_t)n);
	return table_cell_end(t, LXW_NO_ERROR);
}

enum adv_err
table_out_date(struct table_out *t, const char *ymd)
{
	enum adv_err rc = table_cell_begin(t);
	lxw_datetime dt = {0};

	if (rc != ADV_OK || ymd == NULL)
		return table_cell_end(t, LXW_NO_ERROR);
	if (!date_valid(ymd))
		return table_fail(t, ADV_EINVAL,
				  "row %zu, column %zu: \"%.16s\" is not a YYYY-MM-DD date",
				  t->rows + 1, t->col + 1, ymd);
	if (t->fmt != TABLE_XLSX) {
		table_csv_text(t, ymd, false);
		return table_cell_end(t, LXW_NO_ERROR);
	}
	dt.year = atoi(ymd);
	dt.month = atoi(ymd + 5);
	dt.day = atoi(ymd + 8);
	table_widen(t, TABLE_DATE_WIDTH);
	if (dt.year < TABLE_XLSX_YEAR_MIN)
		return table_cell_end(t, worksheet_write_string(t->ws, table_xlsx_row(t),
								(lxw_col_t)t->col, ymd, NULL));
	return table_cell_end(t, worksheet_write_datetime(t->ws, table_xlsx_row(t),
							  (lxw_col_t)t->col, &dt, t->date_fmt));
}

enum adv_err
table_out_null(struct table_out *t)
{
	table_cell_begin(t);
	return table_cell_end(t, LXW_NO_ERROR);
}

enum adv_err
table_out_end_row(struct table_out *t)
{
	if (t->rc != ADV_OK)
		return t->rc;
	if (t->finished)
		return table_fail(t, ADV_EINTERNAL, "a row was ended after the table ended");
	if (t->fmt == TABLE_XLSX && t->rows >= TABLE_ROWS_MAX)
		return table_fail(t, ADV_ETOOBIG, "an Excel sheet holds at most %u rows",
				  TABLE_ROWS_MAX);
	if (t->fmt != TABLE_XLSX) {
		for (; t->col < t->ncols && t->rc == ADV_OK; t->col++)
			if (t->col > 0)
				table_csv_put(t, &t->delim, 1);
		table_csv_put(t, "\r\n", 2);
	}
	t->col = 0;
	t->rows++;
	return t->rc;
}

/* A sheet name Excel accepts, made from name, into out (TABLE_SHEET_NAME_BYTES). */
static void
table_sheet_name(const char *name, char *out)
{
	size_t o = 0, chars = 0;

	if (name == NULL || *name == '\0')
		name = "Sheet1";
	for (; *name != '\0'; name++) {
		unsigned char c = (unsigned char)*name;

		if ((c & 0xC0) != 0x80 && chars++ == TABLE_SHEET_NAME_MAX)
			break;
		out[o++] = strchr(":\\/?*[]", c) != NULL ? '_' : (char)c;
	}
	out[o] = '\0';
	if (out[0] == '\'')
		out[0] = '_';
	if (out[o - 1] == '\'')
		out[o - 1] = '_';
}

/* Creates the temporary file and the workbook with its header row. */
static enum adv_err
table_xlsx_open(struct table_out *t, const char *sheet_name, const char *const *headers,
		struct adv_errbuf *eb)
{
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = t->tmpdir};
	char name[TABLE_SHEET_NAME_BYTES];
	const char *dir = getenv("TMPDIR");
	lxw_format *bold;
	lxw_error err;
	int fd, n;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	n = snprintf(t->path, sizeof(t->path), "%s/%s", dir, TABLE_TMP_NAME);
	if (n < 0 || (size_t)n >= sizeof(t->path)) {
		t->path[0] = '\0';
		return adv_fail(eb, ADV_EIO, NULL, "the temporary directory name is too long");
	}
	snprintf(t->tmpdir, sizeof(t->tmpdir), "%s", dir);
	fd = mkstemp(t->path);
	if (fd < 0) {
		t->path[0] = '\0';
		return adv_fail(eb, ADV_EIO, NULL, "cannot create a temporary file in %s: %s", dir,
				strerror(errno));
	}
	close(fd);
	t->wb = workbook_new_opt(t->path, &opts);
	if (t->wb == NULL)
		return adv_fail(eb, ADV_EINTERNAL, NULL, "libxlsxwriter cannot create a workbook");
	table_sheet_name(sheet_name, name);
	t->ws = workbook_add_worksheet(t->wb, name);
	bold = workbook_add_format(t->wb);
	t->date_fmt = workbook_add_format(t->wb);
	t->width = calloc(t->ncols, sizeof(*t->width));
	if (t->ws == NULL || bold == NULL || t->date_fmt == NULL || t->width == NULL)
		return adv_fail(eb, ADV_ENOMEM, NULL, "out of memory creating the workbook");
	format_set_bold(bold);
	format_set_num_format(t->date_fmt, TABLE_DATE_NUM_FORMAT);
	for (t->col = 0; t->col < t->ncols; t->col++) {
		const char *h = headers[t->col] != NULL ? headers[t->col] : "";

		table_widen(t, table_text_width(h));
		err = worksheet_write_string(t->ws, 0, (lxw_col_t)t->col, h, bold);
		if (err != LXW_NO_ERROR)
			return adv_fail(eb, ADV_EINTERNAL, NULL, "header %zu: libxlsxwriter: %s",
					t->col + 1, lxw_strerror(err));
	}
	t->col = 0;
	worksheet_freeze_panes(t->ws, 1, 0);
	return ADV_OK;
}

/* Starts the CSV with its byte order mark and header row. */
static enum adv_err
table_csv_open(struct table_out *t, const char *const *headers, struct adv_errbuf *eb)
{
	enum adv_err rc = table_csv_put(t, TABLE_CSV_BOM, strlen(TABLE_CSV_BOM));

	for (t->col = 0; rc == ADV_OK && t->col < t->ncols; t->col++) {
		if (t->col > 0)
			rc = table_csv_put(t, &t->delim, 1);
		if (rc == ADV_OK)
			rc =
			    table_csv_text(t, headers[t->col] != NULL ? headers[t->col] : "", true);
	}
	if (rc == ADV_OK)
		rc = table_csv_put(t, "\r\n", 2);
	t->col = 0;
	if (rc != ADV_OK)
		return adv_fail(eb, rc, NULL, "%s", t->err.msg);
	return ADV_OK;
}

enum adv_err
table_out_open(struct table_out **out, enum table_format fmt, const char *sheet_name,
	       const char *const *headers, size_t ncols, struct adv_errbuf *eb)
{
	struct table_out *t = NULL;
	enum adv_err rc;

	*out = NULL;
	if ((unsigned)fmt >= TABLE_FORMAT__MAX)
		return adv_fail(eb, ADV_EINVAL, NULL, "unknown table format %d", (int)fmt);
	if (ncols == 0 || ncols > TABLE_COLS_MAX)
		return adv_fail(eb, ADV_EINVAL, NULL, "a table has 1 to %u columns, not %zu",
				TABLE_COLS_MAX, ncols);
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return adv_fail(eb, ADV_ENOMEM, NULL, "out of memory");
	t->fmt = fmt;
	t->ncols = ncols;
	t->delim = fmt == TABLE_CSV_COMMA ? ',' : ';';
	t->decimal = fmt == TABLE_CSV_COMMA ? '.' : ',';
	buf_init(&t->csv, TABLE_CSV_BYTES_MAX);
	buf_init(&t->text, 0);
	if (fmt == TABLE_XLSX)
		rc = table_xlsx_open(t, sheet_name, headers, eb);
	else
		rc = table_csv_open(t, headers, eb);
	if (rc != ADV_OK)
		goto out;
	*out = t;
	t = NULL;
out:
	table_out_free(t);
	return rc;
}

/* Closes the workbook and appends the file's bytes to out. */
static enum adv_err
table_xlsx_finish(struct table_out *t, struct buf *out)
{
	char chunk[TABLE_READ_CHUNK];
	lxw_error err;
	FILE *f = NULL;
	size_t n;
	enum adv_err rc = ADV_OK;

	for (size_t c = 0; c < t->ncols; c++) {
		unsigned w = t->width[c] + TABLE_WIDTH_PAD;

		worksheet_set_column(t->ws, (lxw_col_t)c, (lxw_col_t)c,
				     w < TABLE_XLSX_WIDTH_MIN ? TABLE_XLSX_WIDTH_MIN : w, NULL);
	}
	worksheet_autofilter(t->ws, 0, 0, (lxw_row_t)t->rows, (lxw_col_t)(t->ncols - 1));
	err = workbook_close(t->wb);
	t->wb = NULL;
	if (err != LXW_NO_ERROR)
		return table_fail(t, ADV_EIO, "cannot write the workbook: libxlsxwriter: %s",
				  lxw_strerror(err));
	f = fopen(t->path, "rb");
	if (f == NULL)
		return table_fail(t, ADV_EIO, "cannot read the workbook back: %s", strerror(errno));
	while (rc == ADV_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_append(out, chunk, n);
	if (rc == ADV_OK && ferror(f))
		rc = ADV_EIO;
	fclose(f);
	if (rc != ADV_OK)
		return table_fail(t, rc, "cannot read the workbook back: %s", adv_strerror(rc));
	return ADV_OK;
}

/* Hands the CSV to out: its memory when out is empty, else a copy. */
static enum adv_err
table_csv_finish(struct table_out *t, struct buf *out)
{
	enum adv_err rc;

	if (out->len == 0 && (out->max == 0 || t->csv.len <= out->max)) {
		free(out->data);
		out->data = t->csv.data;
		out->len = t->csv.len;
		out->cap = t->csv.cap;
		buf_init(&t->csv, TABLE_CSV_BYTES_MAX);
		return ADV_OK;
	}
	rc = buf_append(out, t->csv.data, t->csv.len);
	if (rc != ADV_OK)
		return table_fail(t, rc, "the CSV export does not fit: %s", adv_strerror(rc));
	return ADV_OK;
}

enum adv_err
table_out_finish(struct table_out *t, struct buf *out, struct adv_errbuf *eb)
{
	size_t old_len = out->len;
	enum adv_err rc;

	if (t->rc == ADV_OK && t->finished)
		table_fail(t, ADV_EINTERNAL, "the table was finished twice");
	if (t->rc == ADV_OK && t->col > 0)
		table_out_end_row(t);
	rc = t->rc;
	if (rc == ADV_OK) {
		t->finished = true;
		rc = t->fmt == TABLE_XLSX ? table_xlsx_finish(t, out) : table_csv_finish(t, out);
	}
	if (rc != ADV_OK) {
		if (out->data != NULL) {
			out->len = old_len;
			out->data[old_len] = '\0';
		}
		return adv_fail(eb, rc, NULL, "%s", t->err.msg);
	}
	return ADV_OK;
}

void
table_out_free(struct table_out *t)
{
	if (t == NULL)
		return;
	if (t->wb != NULL)
		lxw_workbook_free(t->wb);
	if (t->path[0] != '\0')
		unlink(t->path);
	buf_release(&t->csv);
	buf_release(&t->text);
	free(t->width);
	free(t);
}
