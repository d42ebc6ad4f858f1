/*
 * import_common.h — what the spreadsheet imports and exports share (client
 * companies in core/import.c, their people in core/contact_io.c).
 *
 * For callers: the options and the report of an import, its limits, and the
 * language of export headers.
 *
 * For the importers themselves: the run of one import. import_file() turns
 * the file into UTF-8 once (io/encoding.h), streams its records through the
 * CSV reader (io/csv.h) inside one write transaction, maps the header row to
 * the kind's columns (the API field name or the Russian header, any case,
 * spaces around ignored; an unknown or doubled column makes the whole file
 * invalid, a column with an empty header is ignored while its cells are
 * empty), hands every record to the kind with a scratch arena reset per row,
 * and ends the transaction: committed when every row is valid or skip_invalid
 * is set, rolled back when a row is invalid without it, and always for a dry
 * run. Problems are recorded per row with the line where the row starts and
 * the field. The value helpers below parse cells the same way for every kind:
 * text within a limit, dates (DD.MM.YYYY or YYYY-MM-DD), lists split at ','
 * and ';', enumerated values in English or Russian, and the apostrophe the
 * export puts before text that spreadsheets would run as a formula.
 */
#ifndef ADV_CORE_IMPORT_COMMON_H
#define ADV_CORE_IMPORT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "io/csv.h"
#include "io/encoding.h"
#include "io/table_out.h"
#include "util/arena.h"
#include "util/err.h"

#define IMPORT_BYTES_MAX       (256u * 1024u * 1024u) /* size of a file once in UTF-8 */
#define IMPORT_REJECTS_LISTED  1000u /* problems listed in a report; later ones only counted */
#define IMPORT_PROGRESS_EVERY  5000u /* rows between two progress callbacks */
#define IMPORT_ROW_ARENA_LIMIT (4u * 1024u * 1024u) /* scratch memory of one row */
#define IMPORT_COLUMNS_MAX     32u  /* columns one kind of import may know (bits of a mask) */
#define IMPORT_NO_FIELD	       (-1) /* a column with an empty header */
#define EXPORT_ARENA_LIMIT     (256u * 1024u * 1024u)

/* One problem of one row. Strings are owned by the arena given to the import. */
struct import_reject {
	size_t line;	     /* physical line where the row starts (the header is line 1) */
	const char *field;   /* the API field name ("inn"), or "" for the row as a whole */
	const char *message; /* English, for people */
};

struct import_opts {
	bool dry_run;	   /* do everything, then roll back */
	bool skip_invalid; /* commit the valid rows even when some are invalid */
	int64_t actor;	   /* the user importing, for the audit log; 0 for the system (CLI) */
	/* Called every IMPORT_PROGRESS_EVERY rows with the rows read so far; may be NULL. */
	void (*progress)(void *ctx, size_t rows_read);
	void *progress_ctx;
};

struct import_report {
	enum enc_kind encoding;	       /* as detected */
	char delimiter;		       /* as detected; 0 when the file had no header */
	size_t rows_read;	       /* data rows (blank rows and the header not counted) */
	size_t created;		       /* rows that created (or, in a dry run, would create) one */
	size_t updated;		       /* rows that changed one */
	size_t unchanged;	       /* rows that matched one and changed nothing */
	size_t rows_rejected;	       /* rows left out because of a problem */
	struct import_reject *rejects; /* the problems, in file order (arena), at most … */
	size_t nrejects;	       /* … IMPORT_REJECTS_LISTED of them */
	bool committed;		       /* the changes were written */
};

/*
 * The signature every importer has (import_accounts, import_contacts): imports
 * the n bytes at data (the file as uploaded, any supported encoding) into
 * workspace ws_id over connection c, which must not be in a transaction; the
 * report (zeroed first) and its rejects are allocated in a, which the caller
 * owns. Results as import_file().
 */
typedef enum adv_err (*import_fn)(struct db_conn *c, struct arena *a, int64_t ws_id,
				  const char *data, size_t n, const struct import_opts *o,
				  struct import_report *rep, struct adv_errbuf *eb);

/* The language of export headers. */
enum export_lang { EXPORT_LANG_RU, EXPORT_LANG_EN, EXPORT_LANG__MAX };

/* The columns one kind of import reads and its export writes, in export order. */
struct import_columns {
	size_t n;		      /* 1..IMPORT_COLUMNS_MAX */
	const char *(*name)(int col); /* the API field name of a column ("inn") */
	const char *const *ru;	      /* the Russian header of each column ("ИНН") */
	const char *what;	      /* the rows, for messages: "client companies" */
	const char *hint; /* a few headers, for messages: "name or Название, …" */
};

struct import_run;

/* What one kind of import does with a file's rows. */
struct import_kind {
	const struct import_columns *cols;
	/*
	 * Called once the header row is mapped (run->col_field, run->present),
	 * at the start of every reading of the file: checks that the columns the
	 * kind needs are there (a file-level error goes to run->eb) and resets
	 * the kind's state. May be NULL.
	 */
	enum adv_err (*header)(struct import_run *run, size_t line);
	/*
	 * Imports one data record; run->row is empty and run->row_bad false.
	 * Problems of the row go through import_reject(); what is returned stops
	 * the import (ADV_ENOMEM, database failures, explained in run->eb).
	 */
	enum adv_err (*record)(struct import_run *run, const struct csv_row *row);
	/*
	 * Called after the last record, inside the transaction; may record more
	 * problems, and may set run->again to have the file read once more from
	 * the start in a new transaction (the report emptied but for the
	 * encoding and delimiter). May be NULL.
	 */
	enum adv_err (*finish)(struct import_run *run);
};

/* The state of one import, shared by import_file() and the kind's callbacks. */
struct import_run {
	struct db_conn *c;
	struct arena *a;  /* the report's: lives as long as the import */
	struct arena row; /* scratch of the current row, reset before each */
	int64_t ws_id;
	const struct import_opts *o;
	const struct import_kind *kind;
	void *ctx; /* the kind's own state */
	struct import_report *rep;
	struct adv_errbuf *eb; /* file-level failures */
	bool have_header;
	size_t ncols;
	int col_field[CSV_FIELDS_MAX]; /* the column each field holds, or IMPORT_NO_FIELD */
	uint32_t present;	       /* a bit per column the header names */
	bool row_bad;		       /* the current row has a problem already */
	bool again;		       /* set by finish: read the file once more */
};

/*
 * Runs an import of kind k (see the top of this file), ctx being the kind's
 * state (run->ctx). Arguments and report as for import_fn.
 * Result: ADV_OK when the import went through (rows may have been skipped
 * with skip_invalid; nothing is written for a dry run: rep->committed false).
 * Errors, the transaction rolled back and nothing written:
 *   ADV_EINVAL a file that cannot be read (encoding, CSV syntax, a header
 *              with an unknown, doubled or missing column: rows_read 0 and no
 *              rejects), or rows with problems without skip_invalid
 *              (rep->rows_rejected > 0, the problems in rep->rejects);
 *   ADV_ETOOBIG past IMPORT_BYTES_MAX; ADV_ENOMEM; ADV_EDB, ADV_EUNAVAIL
 *   (database busy); whatever a callback returned — detail in eb.
 */
enum adv_err import_file(struct db_conn *c, struct arena *a, int64_t ws_id, const char *data,
			 size_t n, const struct import_opts *o, const struct import_kind *k,
			 void *ctx, struct import_report *rep, struct adv_errbuf *eb);

/* A copy of s cut to a few dozen characters for messages, in a; "" when out of memory. */
const char *import_quote(struct arena *a, const char *s);

/*
 * Records a problem of the row starting at line (field: the API field name,
 * "" for the row as a whole). Counts the row once however many problems it
 * has (run->row_bad); lists at most IMPORT_REJECTS_LISTED problems.
 * Returns ADV_ENOMEM when the report cannot grow, else ADV_OK.
 */
enum adv_err import_reject(struct import_run *run, size_t line, const char *field, const char *fmt,
			   ...) __attribute__((format(printf, 4, 5)));

/*
 * Calls fn(run, obj, col, v, n, line) for every non-empty cell of row, v
 * being the cell trimmed, without the export's formula guard, NUL-terminated
 * (valid until the row arena is reset), col the column its header names; a
 * value under a column without a header is a problem of the row. Stops at
 * the first result other than ADV_OK and returns it. *given receives a bit
 * per column that had a value.
 */
enum adv_err import_values(struct import_run *run, const struct csv_row *row,
			   enum adv_err (*fn)(struct import_run *run, void *obj, int col,
					      const char *v, size_t n, size_t line),
			   void *obj, uint32_t *given);

/*
 * Turns the failure of a write (account_create, contact_update…) into a
 * problem of the row at line, blaming the field web names ("/emails/1" →
 * "emails"), when rc is ADV_EINVAL or ADV_ECONFLICT; other codes are passed
 * on with the detail in run->eb.
 */
enum adv_err import_write_failed(struct import_run *run, enum adv_err rc,
				 const struct adv_errbuf *web, size_t line);

/*
 * Value helpers for the kinds' cell parsers: each stores the parsed value in
 * *out (memory of the row arena, or v itself) or records a problem of the
 * row at field; the result is only for ADV_ENOMEM.
 *   import_text: v of n bytes at most max characters;
 *   import_date: a date DD.MM.YYYY or YYYY-MM-DD, stored as YYYY-MM-DD;
 *   import_list: the distinct, trimmed, non-empty pieces of v between ','
 *                and ';' (*out an array of *count strings), at most max of
 *                them, each of at most item_max characters; one and many
 *                name a piece and the pieces in messages ("tag", "tags").
 */
enum adv_err import_text(struct import_run *run, size_t line, const char *field, const char *v,
			 size_t n, size_t max, const char **out);
enum adv_err import_date(struct import_run *run, size_t line, const char *field, const char *v,
			 const char **out);
enum adv_err import_list(struct import_run *run, size_t line, const char *field, const char *one,
			 const char *many, const char *v, size_t n, size_t max, size_t item_max,
			 const char ***out, size_t *count);

/* A word of an enumeration in another language, already folded (str_fold: ё → е). */
struct import_word {
	const char *word;
	int value;
};

/*
 * The value of v among words[0..n), compared folded (any case, ё and е
 * alike); -1 when none. *folded (when not NULL) receives v folded, for
 * parsing the English names next (NULL when out of memory), in a.
 */
int import_word(struct arena *a, const char *v, const struct import_word *words, size_t n,
		const char **folded);

/*
 * Opens an export table of cols with headers in lang (the field names, or
 * the Russian headers), the sheet named sheet_ru or sheet_en. As
 * table_out_open().
 */
enum adv_err export_open(struct table_out **t, enum table_format fmt, enum export_lang lang,
			 const struct import_columns *cols, const char *sheet_ru,
			 const char *sheet_en, struct adv_errbuf *eb);

#endif
