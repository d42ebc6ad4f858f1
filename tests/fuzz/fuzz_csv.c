/*
 * fuzz_csv.c — libFuzzer harness for the upload path: enc_to_utf8() then the
 * CSV reader, once over the whole text and once fed in small chunks.
 *
 * Besides memory errors (ASan) and undefined behaviour (UBSan) it checks that
 * every record respects the documented limits and NUL termination, that record
 * lines only increase, and that chunked input gives exactly the records and the
 * result of one-piece input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/encoding.h"

#define FUZZ_TEXT_MAX (1024u * 1024u) /* converted text the harness accepts */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A digest of the records seen, to compare two readings of one input. */
struct digest {
	uint64_t hash;
	size_t rows;
	size_t last_line;
};

static void
digest_bytes(struct digest *d, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		d->hash = (d->hash ^ s[i]) * 1099511628211u;
}

static enum adv_err
digest_row(void *ctx, const struct csv_row *row)
{
	struct digest *d = ctx;

	if (row->nfields == 0 || row->nfields > CSV_FIELDS_MAX || row->line <= d->last_line)
		abort();
	d->last_line = row->line;
	d->rows++;
	digest_bytes(d, &row->line, sizeof(row->line));
	digest_bytes(d, &row->nfields, sizeof(row->nfields));
	for (size_t i = 0; i < row->nfields; i++) {
		if (row->lens[i] > CSV_FIELD_MAX || row->fields[i][row->lens[i]] != '\0')
			abort();
		digest_bytes(d, &row->lens[i], sizeof(row->lens[i]));
		digest_bytes(d, row->fields[i], row->lens[i]);
	}
	return ADV_OK;
}

/* Reads text in chunks of step bytes; returns the reader's result. */
static enum adv_err
read_chunked(const char *text, size_t n, size_t step, struct digest *d, char *delim)
{
	struct csv_reader *r = NULL;
	struct adv_errbuf eb;
	enum adv_err rc = csv_reader_open(&r, NULL, digest_row, d, &eb);

	for (size_t off = 0; rc == ADV_OK && off < n; off += step)
		rc = csv_reader_feed(r, text + off, n - off < step ? n - off : step, &eb);
	if (rc == ADV_OK)
		rc = csv_reader_finish(r, &eb);
	*delim = r != NULL ? csv_reader_delim(r) : 0;
	csv_reader_free(r);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf text;
	struct adv_errbuf eb;
	struct digest whole = {.hash = 14695981039346656037u}, parts = whole;
	enum adv_err rc_whole, rc_parts;
	char delim_whole, delim_parts;
	size_t step = size > 0 ? (size_t)(data[0] % 13) + 1 : 1;

	buf_init(&text, FUZZ_TEXT_MAX);
	if (enc_to_utf8((const char *)data, size, 0, &text, NULL, &eb) != ADV_OK)
		goto out;
	rc_whole = csv_read_buf(text.data, text.len, NULL, digest_row, &whole, &delim_whole, &eb);
	rc_parts = read_chunked(text.data, text.len, step, &parts, &delim_parts);
	if (rc_whole != rc_parts || whole.rows != parts.rows)
		abort();
	if (rc_whole == ADV_OK && (whole.hash != parts.hash || delim_whole != delim_parts))
		abort();
out:
	buf_release(&text);
	return 0;
}
