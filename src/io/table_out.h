/*
 * table_out.h — writing a table for export, as CSV or as an Excel workbook.
 *
 * Exports (accounts, contacts, responses…) are written cell by cell, row by
 * row, through one interface, whatever the format the user asked for:
 *   - CSV the way Russian Excel opens it with a double click: UTF-8 with a byte
 *     order mark, ';' between fields and a decimal comma (or ',' and a decimal
 *     point for TABLE_CSV_COMMA), CRLF line ends, RFC 4180 quoting, and text
 *     that Excel would take for a formula defused by a leading apostrophe;
 *   - XLSX through libxlsxwriter: a bold, frozen header row with an autofilter,
 *     real numbers and real dates, column widths that fit the content.
 * The finished file is returned in memory.
 *
 * Errors are sticky: after one, every later call returns the same code, and
 * table_out_finish() explains it, so callers may check the cell calls or only
 * the finish.
 */
#ifndef ADV_IO_TABLE_OUT_H
#define ADV_IO_TABLE_OUT_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

enum table_format {
	TABLE_CSV,	 /* ';' and decimal comma: Russian Excel */
	TABLE_CSV_COMMA, /* ',' and decimal point */
	TABLE_XLSX,	 /* Office Open XML workbook */
	TABLE_FORMAT__MAX
};

#define TABLE_COLS_MAX	     16384u		    /* columns (Excel's limit) */
#define TABLE_ROWS_MAX	     1048575u		    /* data rows under the header (Excel's limit) */
#define TABLE_CSV_BYTES_MAX  (512u * 1024u * 1024u) /* size of a CSV export */
#define TABLE_XLSX_TEXT_MAX  32767u		    /* bytes of text in one cell (Excel's limit) */
#define TABLE_XLSX_WIDTH_MIN 8u			    /* column width, in characters */
#define TABLE_XLSX_WIDTH_MAX 60u
#define TABLE_SHEET_NAME_MAX 31u /* characters in a sheet name (Excel's limit) */

struct table_out;

/* The HTTP Content-Type of files in format f; static storage. */
const char *table_format_content_type(enum table_format f);

/* The file name extension of format f without the dot ("csv", "xlsx"); static storage. */
const char *table_format_ext(enum table_format f);

/*
 * Starts a table of ncols columns (1..TABLE_COLS_MAX); headers holds ncols
 * UTF-8 column titles (a NULL entry gives an empty one), written at once as
 * the first row. sheet_name names the XLSX sheet
 * (ignored for CSV; NULL or empty gives "Sheet1"); characters that Excel forbids
 * in sheet names (: \ / ? * [ ]) become '_' and it is cut to
 * TABLE_SHEET_NAME_MAX characters. An XLSX table is assembled in a temporary
 * file under $TMPDIR (or /tmp), removed by table_out_finish() or
 * table_out_free().
 * Result: *t, owned by the caller, released with table_out_free().
 * Errors: ADV_EINVAL (bad format or column count), ADV_ENOMEM, ADV_EIO (the
 * temporary file), ADV_EINTERNAL (libxlsxwriter refused).
 */
enum adv_err table_out_open(struct table_out **t, enum table_format fmt, const char *sheet_name,
			    const char *const *headers, size_t ncols, struct adv_errbuf *eb);

/*
 * Writes a text cell: s is UTF-8, NULL for an empty cell. CSV text that starts
 * with = + - @ tab or CR is prefixed with an apostrophe so that spreadsheets do
 * not run it as a formula. XLSX text longer than TABLE_XLSX_TEXT_MAX bytes is
 * cut there, at a character boundary.
 * Errors: ADV_EINTERNAL (more cells than columns), ADV_ETOOBIG (the CSV
 * exceeds TABLE_CSV_BYTES_MAX), ADV_ENOMEM, or an earlier failure.
 */
enum adv_err table_out_str(struct table_out *t, const char *s);

/*
 * Writes a number cell (an empty cell for NaN or infinity). CSV writes up to 15
 * significant digits with the format's decimal mark and no apostrophe guard.
 * Errors: as table_out_str().
 */
enum adv_err table_out_num(struct table_out *t, double v);

/*
 * Writes a date cell from "YYYY-MM-DD" (NULL for an empty cell): a real date
 * formatted dd.mm.yyyy in XLSX (text for years before 1900, which Excel cannot
 * represent), the text as it is in CSV.
 * Errors: ADV_EINVAL when ymd is not a valid date; otherwise as table_out_str().
 */
enum adv_err table_out_date(struct table_out *t, const char *ymd);

/* Writes an empty cell. Errors: as table_out_str(). */
enum adv_err table_out_null(struct table_out *t);

/*
 * Ends the current row; missing cells at its end are left empty.
 * Errors: ADV_ETOOBIG past TABLE_ROWS_MAX rows, or an earlier failure.
 */
enum adv_err table_out_end_row(struct table_out *t);

/*
 * Ends the table (and a row left open) and appends the whole file to out, which
 * the caller owns (its maximum applies). The table accepts nothing afterwards
 * but table_out_free().
 * Errors: the first failure of any earlier call, explained in eb; ADV_ETOOBIG
 * when out's maximum is too small; ADV_EIO or ADV_EINTERNAL when the workbook
 * cannot be written or read back; ADV_EINTERNAL when called twice.
 */
enum adv_err table_out_finish(struct table_out *t, struct buf *out, struct adv_errbuf *eb);

/* Releases the table and removes its temporary file; t may be NULL. */
void table_out_free(struct table_out *t);

#endif
