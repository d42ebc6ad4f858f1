/*
 * import.h — client companies in and out of spreadsheets: the CSV import
 * (`advocate import accounts`, POST …/imports/accounts) and the CSV/XLSX
 * export (`advocate export accounts`, GET …/exports/accounts).
 *
 * Import. The file is UTF-8 (with or without a byte order mark), UTF-16 with
 * a BOM, or Windows-1251 (see io/encoding.h); fields are separated by ';', ','
 * or tabs, detected from the header (see io/csv.h). The header names the
 * columns by the API's field name or its Russian header (API.md, "Client
 * companies: field names"), in any case and with spaces around. A column whose
 * name is none of those makes the whole file invalid (a typo must not drop a
 * column silently); a column with an empty header is ignored as long as its
 * cells are empty too (Excel's trailing ';'). Each row is one account:
 *   - a row whose external_id names an account of the workspace updates it
 *     (archived or not) with the columns the file has; an empty cell clears
 *     the field, except name, status and revenue_currency, which an empty
 *     cell leaves as they are;
 *   - any other row creates an account from its non-empty cells (name is then
 *     required);
 *   - the audit log gets one "import" entry per created account (changes {}:
 *     the account holds what was imported) and per changed account (changes
 *     field by field); a row that changes nothing writes nothing;
 *   - status is English (active) or Russian (активный, потенциальный,
 *     под угрозой, ушёл/ушел); dates are DD.MM.YYYY or YYYY-MM-DD; revenue may
 *     have a decimal comma and grouped thousands; tags are separated by ',' or
 *     ';' inside the cell; the owner is the e-mail of a workspace member;
 *   - an apostrophe that the export put before text starting with = + - @ (so
 *     that spreadsheets do not run it as a formula) is removed again, so that
 *     an exported file imports back unchanged.
 * Everything runs in one transaction: committed when every row is valid, or
 * when skip_invalid is set (invalid rows are then left out); rolled back when
 * a row is invalid without skip_invalid, and always for a dry run, which
 * reports exactly what a real run would do.
 *
 * Export. Live accounts matching a filter, ordered by name, one row each, the
 * columns in the API.md order with Russian or English headers: the owner as an
 * e-mail, tags joined with ", ", the status as its value ("active"), dates as
 * dates and revenue as a number.
 *
 * The options, the report and the reading of the file are shared with the
 * other imports (core/import_common.h).
 */
#ifndef ADV_CORE_IMPORT_H
#define ADV_CORE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/account.h"
#include "core/import_common.h"
#include "db/db.h"
#include "io/table_out.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * Imports the n bytes at data (the file as uploaded, any supported encoding)
 * into workspace ws_id over connection c, which must not be in a transaction.
 * The report (zeroed first) and its rejects are allocated in a, which the
 * caller owns; each row is parsed in a scratch arena of its own, reset for the
 * next row.
 * Result: ADV_OK when the import went through (rows may have been skipped
 * with skip_invalid; nothing is written for a dry run: rep->committed false).
 * Errors, the transaction rolled back and nothing written:
 *   ADV_EINVAL a file that cannot be read (encoding, CSV syntax, a header
 *              with an unknown, doubled or missing column: rows_read 0 and no
 *              rejects), or rows with problems without skip_invalid
 *              (rep->rows_rejected > 0, the problems in rep->rejects);
 *   ADV_ETOOBIG past IMPORT_BYTES_MAX; ADV_ENOMEM; ADV_EDB, ADV_EUNAVAIL
 *   (database busy) — detail in eb.
 */
enum adv_err import_accounts(struct db_conn *c, struct arena *a, int64_t ws_id, const char *data,
			     size_t n, const struct import_opts *o, struct import_report *rep,
			     struct adv_errbuf *eb);

/*
 * Writes the live accounts of ws_id that match f (its sort is used, its limit
 * and cursor ignored) as a table in format fmt with headers in lang, and
 * appends the finished file to out (owned by the caller; its maximum applies).
 * *rows (when not NULL) receives the number of accounts written.
 * Errors: ADV_EINVAL for a filter value account_each() refuses, ADV_ETOOBIG
 * (out's maximum or the format's limits), ADV_ENOMEM, ADV_EIO and
 * ADV_EINTERNAL from the table writer, ADV_EDB; detail in eb.
 */
enum adv_err export_accounts(struct db_conn *c, int64_t ws_id, const struct account_filter *f,
			     enum table_format fmt, enum export_lang lang, struct buf *out,
			     size_t *rows, struct adv_errbuf *eb);

#endif
