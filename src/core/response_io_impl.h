/*
 * response_io_impl.h — what the files of the responses import and export
 * share (core/response_import.c, core/response_sav.c,
 * core/response_export.c): the fixed columns, the SPSS names of question
 * codes, and the import's state with the two calls every reader (CSV or
 * .sav) makes: the header once, then each row as cells of text.
 */
#ifndef ADV_CORE_RESPONSE_IO_IMPL_H
#define ADV_CORE_RESPONSE_IO_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/import_common.h"
#include "core/response.h"
#include "core/response_io.h"

/*
 * The columns besides the questions: the first RIO_EXPORTED are what the
 * export writes before the questions, in that order; the import reads some
 * of them, ignores the rest (rio_col_ignored) and knows a few more.
 */
enum rio_col {
	RIO_ID,
	RIO_RESPONDENT_ID,
	RIO_ACCOUNT_ID,
	RIO_ACCOUNT_NAME,
	RIO_CONTACT_ID,
	RIO_CONTACT_NAME,
	RIO_CHANNEL,
	RIO_STATUS,
	RIO_SUBMITTED_AT,
	RIO_LANG,
	RIO_ACCOUNT_EXTERNAL_ID,
	RIO_INN,
	RIO_CONTACT_EXTERNAL_ID,
	RIO_CONTACT_EMAIL,
	RIO__MAX
};

#define RIO_EXPORTED	 (RIO_LANG + 1)
#define RIO_IGNORED	 (-1)	  /* a column with an empty header */
#define RIO_QUESTION	 RIO__MAX /* col - RIO_QUESTION: the question's index in the context */
#define RIO_SAV_NAME_MAX 64	  /* bytes of an SPSS variable name */

/* The column's name in files ("respondent_id"; static storage). */
const char *rio_col_name(enum rio_col col);

/*
 * The SPSS variable name of a question code (RIO_SAV_NAME_MAX bytes at
 * most, with its NUL in out): '-' becomes '_', a code starting with a digit
 * gets a leading 'q'.
 */
void rio_sav_name(const char *code, char out[RIO_SAV_NAME_MAX + 1]);

/* One cell of a row: its text (trimmed, NUL-terminated) and, from a .sav, the value's label. */
struct rio_cell {
	const char *v; /* "" for an empty cell */
	size_t n;
	const char *label; /* NULL when none */
};

struct rio_choice; /* the folded options of a choice question */

/* The state of one responses import. */
struct rio_import {
	struct import_run run; /* the shared run's fields the value helpers use */
	int64_t study_id;
	struct response_context ctx;
	struct rio_choice *choices; /* per question (ctx.questions order) */
	bool have_header;
	size_t ncols;
	int *col;	/* per column: RIO_IGNORED, an enum rio_col, or RIO_QUESTION + index */
	uint32_t fixed; /* a bit per fixed column the header names */
	char *cached_key[RIO__MAX];  /* one cached lookup per identifying column: the key… */
	int64_t cached_id[RIO__MAX]; /* …and the id it named */
	int64_t cached_account;	     /* the company of the cached contact_email */
};

/*
 * Maps the header: names[0..n) (UTF-8, trimmed) at line. A file-level
 * problem (an unknown or doubled column, no question column) is
 * ADV_EINVAL in im->run.eb.
 */
enum adv_err rio_header(struct rio_import *im, size_t line, const char *const *names, size_t n);

/*
 * Imports one row of n cells starting at line (its problems go to the
 * report; what is returned stops the import, explained in im->run.eb).
 * The cells live in the row arena (im->run.row), which the caller resets
 * before making them. Counts the row; calls the progress callback every
 * IMPORT_PROGRESS_EVERY rows.
 */
enum adv_err rio_row(struct rio_import *im, size_t line, const struct rio_cell *cells, size_t n);

/* One response as the export writes it (strings valid during the callback). */
struct rio_out {
	int64_t id;
	const char *respondent_key; /* NULL when none, as the other optional texts */
	int64_t account_id;	    /* 0: none */
	const char *account_name;
	int64_t contact_id; /* 0: none */
	const char *contact_name;
	const char *channel, *status, *submitted_at, *lang;
	json_t *answers; /* keyed by question id (borrowed) */
};

/*
 * Calls fn(ctx, row) for each live response of study_id, oldest first;
 * stops at the first result other than ADV_OK and returns it. Scratch
 * memory of each row comes from a, reset per row.
 */
enum adv_err rio_each(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
		      enum adv_err (*fn)(void *ctx, const struct rio_out *row), void *ctx);

/*
 * The answer to question q in row (NULL when none), and as text for files
 * (*text: NULL when none, or for numbers, which go to *num with *is_num):
 * factors joined by '|', the option's code, the text itself; in a.
 */
json_t *rio_answer_of(const struct rio_out *row, const struct question *q, struct arena *a,
		      const char **text, double *num, bool *is_num);

/*
 * Writes the responses of ctx's study (rio_each) as a .sav file appended to
 * out: rows in *rows. Errors: ADV_ETOOBIG, ADV_ENOMEM, ADV_EINTERNAL (the
 * writer refused), ADV_EDB; detail in eb.
 */
enum adv_err rio_sav_write(struct db_conn *c, int64_t ws_id, const struct response_context *ctx,
			   struct buf *out, size_t *rows, struct adv_errbuf *eb);

/*
 * Reads the .sav file of n bytes at data, calling rio_header with its
 * variable names and rio_row for each case (cells formatted as text: whole
 * numbers without decimals, the value label beside). ADV_EINVAL when the
 * file cannot be parsed; what rio_row returned; detail in im->run.eb.
 */
enum adv_err rio_sav_read(struct rio_import *im, const char *data, size_t n);

#endif
