/*
 * csv.c — streaming CSV reader on libcsv (see csv.h).
 *
 * libcsv does the quoting state machine; this file adds what it lacks: the
 * delimiter detection, physical line numbers, limits and records handed over
 * as arrays. Input is cut into segments that end at a line break, each given to
 * csv_parse() separately, so that whenever libcsv reports a field or a record
 * the line being parsed is known; a record starts on the line of the first
 * segment that has something other than white space in it while no record is
 * open. libcsv's field buffer cannot grow much past CSV_FIELD_MAX: its realloc
 * is capped, so one enormous field costs no more memory than the limit.
 */
#include "io/csv.h"

#include <csv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define CSV_PARSER_BLOCK 4096u /* step by which libcsv grows its field buffer */
#define CSV_BOM_LEN	 3

static const unsigned char csv_bom[CSV_BOM_LEN] = {0xEF, 0xBB, 0xBF};

/* Delimiter detection over the first record. */
struct csv_sniff {
	size_t seen; /* bytes examined */
	size_t semi, comma, tab;
	bool inq;     /* inside a quoted field */
	bool content; /* the first record has begun */
	bool done;    /* the first record has ended */
};

struct csv_reader {
	struct csv_parser parser;
	csv_row_fn fn;
	void *ctx;
	size_t max_field, max_fields;
	char delim;    /* 0 while undetected */
	bool started;  /* delimiter settled: input goes straight to the parser */
	bool finished; /* csv_reader_finish() was called */
	struct csv_sniff sniff;
	struct buf head;		  /* input held back until the delimiter is known */
	unsigned char first[CSV_BOM_LEN]; /* the first bytes, to recognise a BOM */
	size_t received;		  /* bytes fed before the start */
	struct buf data;		  /* the record being assembled, a NUL after each field */
	size_t *offs;			  /* offset of each field in data */
	size_t *lens;
	const char **fields;
	size_t nfields;
	bool nonempty;	 /* some field of the record is not empty */
	size_t line;	 /* physical line of the next segment */
	size_t row_line; /* line where the open record started; 0 when none is open */
	bool pending_cr; /* input ended with CR: the next byte tells whether it was CRLF */
	enum adv_err rc; /* first failure; repeated afterwards */
	struct adv_errbuf *eb;
};

/* libcsv's allocator: refuses to grow a field buffer beyond the hard field limit. */
static void *
csv_realloc_capped(void *p, size_t n)
{
	if (n > CSV_FIELD_MAX + CSV_PARSER_BLOCK)
		return NULL;
	return realloc(p, n);
}

/* Records failure e with a message in the caller's error buffer; returns e. */
static enum adv_err csv_fail(struct csv_reader *r, enum adv_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum adv_err
csv_fail(struct csv_reader *r, enum adv_err e, const char *fmt, ...)
{
	va_list ap;

	if (r->eb != NULL) {
		va_start(ap, fmt);
		vsnprintf(r->eb->msg, sizeof(r->eb->msg), fmt, ap);
		va_end(ap);
		r->eb->field[0] = '\0';
	}
	r->rc = e;
	return e;
}

/* libcsv's field callback: appends the field to the record being assembled. */
static void
csv_on_field(void *field, size_t len, void *data)
{
	struct csv_reader *r = data;

	if (r->rc != ADV_OK)
		return;
	if (r->nfields == r->max_fields) {
		csv_fail(r, ADV_EINVAL, "line %zu: more than %zu fields in one record", r->row_line,
			 r->max_fields);
		return;
	}
	if (len > r->max_field) {
		csv_fail(r, ADV_EINVAL, "line %zu: field %zu is longer than %zu bytes", r->row_line,
			 r->nfields + 1, r->max_field);
		return;
	}
	r->offs[r->nfields] = r->data.len;
	r->lens[r->nfields] = len;
	if (buf_append(&r->data, field, len + 1) != ADV_OK) {
		csv_fail(r, ADV_ENOMEM, "line %zu: out of memory", r->row_line);
		return;
	}
	r->nonempty = r->nonempty || len > 0;
	r->nfields++;
}

/* libcsv's record callback: delivers the record unless it is all empty. */
static void
csv_on_record(int c, void *data)
{
	struct csv_reader *r = data;
	struct csv_row row;

	(void)c;
	if (r->rc == ADV_OK && r->nonempty) {
		for (size_t i = 0; i < r->nfields; i++)
			r->fields[i] = r->data.data + r->offs[i];
		row.nfields = r->nfields;
		row.fields = r->fields;
		row.lens = r->lens;
		row.line = r->row_line;
		r->rc = r->fn(r->ctx, &row);
	}
	r->nfields = 0;
	r->nonempty = false;
	r->row_line = 0;
	buf_reset(&r->data);
}

/* True when the k bytes at p hold something that begins a record for libcsv. */
static bool
csv_has_content(const struct csv_reader *r, const char *p, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		char c = p[i];

		if (c != ' ' && c != '\r' && c != '\n' && (c != '\t' || r->delim == '\t'))
			return true;
	}
	return false;
}

/* Parses one segment (at most one line break, at its end). */
static enum adv_err
csv_parse_segment(struct csv_reader *r, const char *p, size_t k)
{
	size_t used;

	if (r->row_line == 0 && csv_has_content(r, p, k))
		r->row_line = r->line;
	used = csv_parse(&r->parser, p, k, csv_on_field, csv_on_record, r);
	if (r->rc != ADV_OK || used == k)
		return r->rc;
	switch (csv_error(&r->parser)) {
	case CSV_EPARSE:
		return csv_fail(r, ADV_EINVAL,
				"line %zu: misplaced double quote: a quoted field must be enclosed "
				"in double quotes as a whole, with each double quote inside it "
				"doubled",
				r->line);
	case CSV_ENOMEM:
		if (csv_get_buffer_size(&r->parser) >= CSV_FIELD_MAX)
			return csv_fail(r, ADV_EINVAL,
					"line %zu: field %zu is longer than %zu bytes", r->row_line,
					r->nfields + 1, r->max_field);
		return csv_fail(r, ADV_ENOMEM, "line %zu: out of memory", r->line);
	default:
		return csv_fail(r, ADV_EINTERNAL, "line %zu: libcsv: %s", r->line,
				csv_strerror(csv_error(&r->parser)));
	}
}

/* Cuts n bytes of input into segments ending at CR, LF or CRLF, counting lines. */
static enum adv_err
csv_feed_lines(struct csv_reader *r, const char *p, size_t n)
{
	enum adv_err rc = ADV_OK;

	while (n > 0 && rc == ADV_OK) {
		const char *nl, *cr;
		size_t lim, k;
		bool ends = true;

		if (r->pending_cr) {
			r->pending_cr = false;
			if (*p != '\n')
				r->line++;
		}
		nl = memchr(p, '\n', n);
		lim = nl != NULL ? (size_t)(nl - p) : n;
		cr = memchr(p, '\r', lim);
		if (cr != NULL && (size_t)(cr - p) + 1 < lim) {
			k = (size_t)(cr - p) + 1; /* a lone CR ends the line */
		} else if (nl != NULL) {
			k = lim + 1; /* LF or CRLF */
		} else if (cr != NULL) {
			k = lim; /* CR as the last byte so far */
			ends = false;
			r->pending_cr = true;
		} else {
			k = n;
			ends = false;
		}
		rc = csv_parse_segment(r, p, k);
		if (ends)
			r->line++;
		p += k;
		n -= k;
	}
	return rc;
}

/* Advances delimiter detection over n more bytes of the first record. */
static void
csv_sniff_feed(struct csv_sniff *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n && !s->done; i++, s->seen++) {
		unsigned char c = (unsigned char)p[i];

		if (s->seen < CSV_BOM_LEN && c == csv_bom[s->seen])
			continue;
		if (c == '"') {
			s->inq = !s->inq;
		} else if (s->inq) {
			continue;
		} else if (c == '\r' || c == '\n') {
			s->done = s->content;
			continue;
		} else if (c == ';') {
			s->semi++;
		} else if (c == ',') {
			s->comma++;
		} else if (c == '\t') {
			s->tab++;
		}
		if (c != ' ')
			s->content = true;
	}
}

/* The most frequent candidate of the first record; ';' on a tie or when none occurs. */
static char
csv_sniff_delim(const struct csv_sniff *s)
{
	if (s->tab > s->semi && s->tab > s->comma)
		return '\t';
	if (s->comma > s->semi)
		return ',';
	return ';';
}

/* Settles the delimiter, then parses the held-back input and the n bytes at p. */
static enum adv_err
csv_start(struct csv_reader *r, const char *p, size_t n)
{
	size_t skip = 0, skip_head;
	enum adv_err rc = ADV_OK;

	if (r->received >= CSV_BOM_LEN && memcmp(r->first, csv_bom, CSV_BOM_LEN) == 0)
		skip = CSV_BOM_LEN;
	if (r->delim == 0)
		r->delim = csv_sniff_delim(&r->sniff);
	csv_set_delim(&r->parser, (unsigned char)r->delim);
	r->started = true;
	skip_head = skip < r->head.len ? skip : r->head.len;
	if (r->head.len > skip_head)
		rc = csv_feed_lines(r, r->head.data + skip_head, r->head.len - skip_head);
	if (rc == ADV_OK && n > skip - skip_head)
		rc = csv_feed_lines(r, p + (skip - skip_head), n - (skip - skip_head));
	buf_release(&r->head);
	return rc;
}

enum adv_err
csv_reader_open(struct csv_reader **out, const struct csv_opts *opts, csv_row_fn fn, void *ctx,
		struct adv_errbuf *eb)
{
	struct csv_opts o = {0};
	struct csv_reader *r = NULL;
	enum adv_err rc = ADV_OK;

	*out = NULL;
	if (opts != NULL)
		o = *opts;
	if (o.delim != 0 && o.delim != ';' && o.delim != ',' && o.delim != '\t')
		return adv_fail(eb, ADV_EINVAL, NULL, "unsupported CSV delimiter 0x%02X",
				(unsigned)(unsigned char)o.delim);
	if (o.max_field > CSV_FIELD_MAX || o.max_fields > CSV_FIELDS_MAX)
		return adv_fail(eb, ADV_EINVAL, NULL,
				"CSV limits may not exceed %u bytes per field and %u fields",
				CSV_FIELD_MAX, CSV_FIELDS_MAX);
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "out of memory");
		goto out;
	}
	r->max_field = o.max_field != 0 ? o.max_field : CSV_FIELD_MAX;
	r->max_fields = o.max_fields != 0 ? o.max_fields : CSV_FIELDS_MAX;
	r->offs = calloc(r->max_fields, sizeof(*r->offs));
	r->lens = calloc(r->max_fields, sizeof(*r->lens));
	r->fields = calloc(r->max_fields, sizeof(*r->fields));
	if (r->offs == NULL || r->lens == NULL || r->fields == NULL) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "out of memory");
		goto out;
	}
	csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_realloc_func(&r->parser, csv_realloc_capped);
	csv_set_blk_size(&r->parser, CSV_PARSER_BLOCK);
	buf_init(&r->head, 0);
	buf_init(&r->data, 0);
	r->fn = fn;
	r->ctx = ctx;
	r->delim = o.delim;
	r->line = 1;
	*out = r;
	r = NULL;
out:
	csv_reader_free(r);
	return rc;
}

enum adv_err
csv_reader_feed(struct csv_reader *r, const char *p, size_t n, struct adv_errbuf *eb)
{
	r->eb = eb;
	if (r->rc != ADV_OK)
		return r->rc;
	if (r->finished)
		return csv_fail(r, ADV_EINTERNAL, "CSV input arrived after its end");
	if (n == 0)
		return ADV_OK;
	if (r->started)
		return csv_feed_lines(r, p, n);
	for (size_t i = 0; i < n && r->received + i < CSV_BOM_LEN; i++)
		r->first[r->received + i] = (unsigned char)p[i];
	r->received += n;
	if (r->delim == 0)
		csv_sniff_feed(&r->sniff, p, n);
	if ((r->delim != 0 && r->received >= CSV_BOM_LEN) || r->sniff.done ||
	    r->received >= CSV_SNIFF_MAX)
		return csv_start(r, p, n);
	if (buf_append(&r->head, p, n) != ADV_OK)
		return csv_fail(r, ADV_ENOMEM, "out of memory");
	return ADV_OK;
}

enum adv_err
csv_reader_finish(struct csv_reader *r, struct adv_errbuf *eb)
{
	enum adv_err rc;

	r->eb = eb;
	if (r->rc != ADV_OK)
		return r->rc;
	if (r->finished)
		return csv_fail(r, ADV_EINTERNAL, "CSV input was finished twice");
	r->finished = true;
	if (!r->started && (rc = csv_start(r, NULL, 0)) != ADV_OK)
		return rc;
	if (csv_fini(&r->parser, csv_on_field, csv_on_record, r) != 0)
		return csv_fail(r, ADV_EINVAL,
				"line %zu: unterminated quoted field: its closing double quote is "
				"missing",
				r->row_line);
	return r->rc;
}

char
csv_reader_delim(const struct csv_reader *r)
{
	return r->delim;
}

void
csv_reader_free(struct csv_reader *r)
{
	if (r == NULL)
		return;
	csv_free(&r->parser);
	buf_release(&r->head);
	buf_release(&r->data);
	free(r->offs);
	free(r->lens);
	free(r->fields);
	free(r);
}

enum adv_err
csv_read_buf(const char *p, size_t n, const struct csv_opts *opts, csv_row_fn fn, void *ctx,
	     char *delim_out, struct adv_errbuf *eb)
{
	struct csv_reader *r = NULL;
	enum adv_err rc;

	if (delim_out != NULL)
		*delim_out = 0;
	rc = csv_reader_open(&r, opts, fn, ctx, eb);
	if (rc != ADV_OK)
		goto out;
	rc = csv_reader_feed(r, p, n, eb);
	if (rc == ADV_OK)
		rc = csv_reader_finish(r, eb);
	if (delim_out != NULL)
		*delim_out = csv_reader_delim(r);
out:
	csv_reader_free(r);
	return rc;
}
