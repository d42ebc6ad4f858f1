/*
 * response_io.h — the responses of a study in and out of files
 * (docs/research.md, "Importing and exporting responses"): the import of a
 * CSV file or an SPSS .sav file (`advocate import responses`, POST
 * …/studies/{sid}/imports/responses) and the export as CSV, XLSX or .sav
 * (`advocate export responses`, GET …/studies/{sid}/exports/responses).
 *
 * Import. One row (a .sav: one case) per respondent. Columns (variables)
 * are matched to the codes of the study's questions in any case; besides
 * them a file may have respondent_id (the response's respondent_key),
 * account_id, account_external_id or inn (the client company), contact_id,
 * contact_external_id or contact_email (the person; an e-mail needs the
 * company named too), submitted_at (a date or a date-time), lang (ru, en),
 * and the columns the export writes for people (id, account_name,
 * contact_name, channel, status), which the import ignores. A code of the
 * study wins over these names. Any other column makes the whole file
 * invalid, and so does a file none of whose columns is a question.
 * Values by the question's kind: recommend and the ratings a number
 * (decimal comma or point), factors catalogue factor ids separated by '|'
 * or ',' in the cell, choice an option's code or its text in Russian or
 * English (any case), text as it is; an empty cell is no answer. Every row
 * becomes a submitted response with channel import through
 * response_create() (a client's response becomes an assessment of that
 * client in the same transaction); a row whose respondent_id names a
 * response of the study already updates it through response_update()
 * instead: the answers to the file's questions are replaced by the row's
 * (an empty cell removes one) and the other columns given are set. A .sav
 * file's labelled values count by their label where the question wants
 * text: a choice's option is matched by its code, else by the label (its
 * code or text); numbers stay numbers for the ratings. CSV files are read
 * as for the other imports (encodings, delimiters: core/import_common.h);
 * a .sav is recognised by its magic ($FL2, $FL3), and its "lines" in the
 * report are case numbers plus one (line 1 being the variables).
 * Everything runs in one transaction; dry run, skip_invalid, progress and
 * the report as for the other imports.
 *
 * Export. The live responses of the study, oldest first, one row each: id,
 * respondent_id, account_id, account_name, contact_id, contact_name,
 * channel, status, submitted_at, lang, then one column per question (in
 * questionnaire order, retired ones too) named by its code: numbers for
 * recommend and the ratings, factor ids joined by '|', the option's code,
 * the text. A .sav has the same variables (a code that is not a valid SPSS
 * name is made one: '-' becomes '_', a leading digit gets a 'q'), the
 * question's text as each variable's label, choices as numbers 1..n with
 * the options' texts as value labels, and labels on 0 and 10 of
 * recommend questions.
 */
#ifndef ADV_CORE_RESPONSE_IO_H
#define ADV_CORE_RESPONSE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/import_common.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

#define RESPONSE_IO_SAV_BYTES_MAX (256u * 1024u * 1024u) /* size of a .sav export */

/* The formats of the export. */
enum response_format { RESPONSE_CSV, RESPONSE_XLSX, RESPONSE_SAV, RESPONSE_FORMAT__MAX };

/* "csv", "xlsx", "sav" (static storage); parse: false when s names none. */
const char *response_format_name(enum response_format f);
bool response_format_parse(const char *s, enum response_format *out);

/* The HTTP Content-Type of a file in format f (static storage). */
const char *response_format_content_type(enum response_format f);

/* True when the n bytes at data start like an SPSS .sav file ($FL2 or $FL3). */
bool response_sav_magic(const char *data, size_t n);

/*
 * Imports the n bytes at data (CSV in any supported encoding, or a .sav
 * file: told apart by response_sav_magic) as responses of study_id of
 * workspace ws_id over connection c, which must not be in a transaction.
 * The report (zeroed first) and its rejects are allocated in a, which the
 * caller owns; created counts new responses, updated and unchanged the
 * responses a respondent_id named.
 * Result: ADV_OK when the import went through (nothing written for a dry
 * run). Errors, nothing written: ADV_ENOTFOUND when the study is not the
 * workspace's; ADV_EINVAL a file that cannot be read (encoding, CSV syntax,
 * not a .sav, a column that is no question or known name, no question
 * column: rows_read 0 and no rejects), or rows with problems without
 * skip_invalid (rep->rows_rejected > 0, the problems in rep->rejects, each
 * naming its column); ADV_ETOOBIG; ADV_ENOMEM; ADV_EDB, ADV_EUNAVAIL;
 * detail in eb.
 */
enum adv_err import_responses(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
			      const char *data, size_t n, const struct import_opts *o,
			      struct import_report *rep, struct adv_errbuf *eb);

/*
 * Writes the live responses of study_id of ws_id as a file in format fmt and
 * appends it to out (owned by the caller; its maximum applies). *rows (when
 * not NULL) receives the number of responses written.
 * Errors: ADV_ENOTFOUND (the study), ADV_ETOOBIG, ADV_ENOMEM, ADV_EIO and
 * ADV_EINTERNAL from the writers, ADV_EDB; detail in eb.
 */
enum adv_err export_responses(struct db_conn *c, int64_t ws_id, int64_t study_id,
			      enum response_format fmt, struct buf *out, size_t *rows,
			      struct adv_errbuf *eb);

#endif
