/*
 * csv.h — a streaming CSV reader for imports (on libcsv).
 *
 * Input is UTF-8 text (see encoding.h) in one piece or in chunks. The reader
 * detects the delimiter of files saved by Excel (';' in Russian locales, ','
 * elsewhere, tab for "text" exports) from the header record, follows RFC 4180
 * quoting (delimiters, doubled quotes and line breaks inside quoted fields), and
 * hands each record to a callback together with the physical line on which it
 * starts, so that import reports can point at the line a user sees in an
 * editor. Records are delivered from reused buffers: no allocation per record.
 */
#ifndef ADV_IO_CSV_H
#define ADV_IO_CSV_H

#include <stddef.h>

#include "util/err.h"

#define CSV_FIELD_MAX  (64u * 1024u) /* bytes in one field */
#define CSV_FIELDS_MAX 512u	     /* fields in one record */
#define CSV_SNIFF_MAX  (64u * 1024u) /* bytes examined at most to detect the delimiter */

/* One record, valid only during the callback that receives it. */
struct csv_row {
	size_t nfields;
	const char **fields; /* each NUL-terminated; may also contain NUL bytes, see lens */
	const size_t *lens;  /* byte length of each field */
	size_t line;	     /* 1-based physical line on which the record starts */
};

/*
 * Receives one record. Returning anything but ADV_OK stops the reader, which
 * then returns that code from the feed or finish call in progress.
 */
typedef enum adv_err (*csv_row_fn)(void *ctx, const struct csv_row *row);

struct csv_opts {
	char delim;	   /* ';', ',' or '\t'; 0 = detect from the first record */
	size_t max_field;  /* bytes per field, 1..CSV_FIELD_MAX; 0 = CSV_FIELD_MAX */
	size_t max_fields; /* fields per record, 1..CSV_FIELDS_MAX; 0 = CSV_FIELDS_MAX */
};

struct csv_reader;

/*
 * Creates a reader that calls fn(ctx, row) for every record. opts may be NULL
 * for the defaults. Unquoted fields lose surrounding spaces and tabs (unless tab
 * is the delimiter); records that are blank or whose fields are all empty (as
 * Excel writes for empty rows: ";;;") are skipped; a UTF-8 byte order mark at
 * the start is ignored. Detection counts ';', ',' and tabs outside quotes in the
 * first non-blank record (within CSV_SNIFF_MAX bytes) and picks the most
 * frequent, ';' on a tie or when there is none.
 * Result: *r, owned by the caller and released with csv_reader_free().
 * Errors: ADV_EINVAL for an unsupported delimiter or a limit out of range,
 * ADV_ENOMEM.
 */
enum adv_err csv_reader_open(struct csv_reader **r, const struct csv_opts *opts, csv_row_fn fn,
			     void *ctx, struct adv_errbuf *eb);

/*
 * Parses the next n bytes of input; records completed by them are delivered
 * before it returns (those whose delimiter is still being detected, later).
 * Errors (the reader then refuses further input and repeats the code):
 *   ADV_EINVAL  a misplaced double quote, a field longer than max_field or a
 *               record with more than max_fields fields: the message starts
 *               with "line N:";
 *   ADV_ENOMEM; ADV_EINTERNAL when called after csv_reader_finish();
 *   whatever fn returned (eb then holds whatever fn left in it).
 */
enum adv_err csv_reader_feed(struct csv_reader *r, const char *p, size_t n, struct adv_errbuf *eb);

/*
 * Ends the input: delivers the last record even without a final line break.
 * Errors: as csv_reader_feed(), plus ADV_EINVAL for a quoted field still open
 * at the end of the input ("line N: unterminated quoted field", N being the
 * line where its record starts).
 */
enum adv_err csv_reader_finish(struct csv_reader *r, struct adv_errbuf *eb);

/* The delimiter in use: the one given or detected, 0 while detection still waits for input. */
char csv_reader_delim(const struct csv_reader *r);

/* Releases the reader; r may be NULL. */
void csv_reader_free(struct csv_reader *r);

/*
 * Convenience: opens a reader, feeds the n bytes at p, finishes and frees it.
 * *delim_out (when not NULL) receives the delimiter used (0 if none was
 * settled because of an early error). Errors as the functions above.
 */
enum adv_err csv_read_buf(const char *p, size_t n, const struct csv_opts *opts, csv_row_fn fn,
			  void *ctx, char *delim_out, struct adv_errbuf *eb);

#endif
