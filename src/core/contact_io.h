/*
 * contact_io.h — the people of client companies in and out of spreadsheets:
 * the CSV import (`advocate import contacts`, POST …/imports/contacts) and
 * the CSV/XLSX export (`advocate export contacts`, GET …/exports/contacts);
 * docs/account-map.md, "Import and export", and docs/import-export.md.
 *
 * Import. The file is read as the accounts import reads it (encodings,
 * delimiters, the header by field name or Russian header, all or nothing,
 * skip_invalid, dry run, the report: core/import_common.h). Columns:
 * account_external_id (Компания (внешний ID)) or account_inn (Компания
 * (ИНН)), name (ФИО), position (Должность), department (Подразделение),
 * emails (E-mail), phones (Телефоны), reports_to (Подчиняется), buying_role
 * (Роль в закупке), attitude (Отношение), influence (Влияние), relationship
 * (Отношения с нами), owner_email (Ответственный), last_contact_on (Последний
 * контакт), left_on (Ушёл), notes (Заметки), external_id (Внешний ID). Each
 * row is one person:
 *   - the company is the account of the workspace with account_external_id
 *     (archived or not) or, when that cell is empty, the one live account
 *     with account_inn; a row naming no known company is rejected at that
 *     field;
 *   - a row whose external_id names a live contact of that company updates
 *     it with the file's columns (an empty cell clears the field, except
 *     name, attitude, influence and relationship, which it leaves as they
 *     are); one naming a contact of another company is rejected; any other
 *     row creates a contact (name required);
 *   - enumerated values are English or Russian (ЛПР, сторонник, высокое,
 *     рабочие…), any case, ё and е alike; e-mails and phones are separated by
 *     ',' or ';' in the cell; dates are DD.MM.YYYY or YYYY-MM-DD;
 *   - reports_to is an e-mail of another person of the same company or a
 *     contact's external id: stored or anywhere in the file. It is resolved
 *     at once when the person is known already, else in a second pass after
 *     every row is written (same transaction); an unknown person, one of
 *     another company or a cycle rejects the row at "reports_to". With
 *     skip_invalid, rows rejected in that second pass (and the rows that
 *     depend on a person they would have created) are left out by reading
 *     the file again without them, so that what is committed is exactly the
 *     valid rows;
 *   - every write is audited with the action "import"; a row that changes
 *     nothing writes nothing and counts as unchanged.
 *
 * Export. The live contacts of live accounts (people who left included),
 * ordered by company name, then name: the same columns, the company by its
 * external id and INN, e-mails and phones joined with ", ", reports_to as the
 * manager's external id, else the manager's first e-mail, else empty, the
 * enumerations as their English values.
 */
#ifndef ADV_CORE_CONTACT_IO_H
#define ADV_CORE_CONTACT_IO_H

#include <stddef.h>
#include <stdint.h>

#include "core/import_common.h"
#include "db/db.h"
#include "io/table_out.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * Imports the n bytes at data (a CSV file in any supported encoding) into
 * workspace ws_id over connection c, which must not be in a transaction; the
 * report (zeroed first) and its rejects are allocated in a, which the caller
 * owns. Results and errors as import_file() in core/import_common.h.
 */
enum adv_err import_contacts(struct db_conn *c, struct arena *a, int64_t ws_id, const char *data,
			     size_t n, const struct import_opts *o, struct import_report *rep,
			     struct adv_errbuf *eb);

/*
 * Writes the live contacts of the live accounts of ws_id as a table in format
 * fmt with headers in lang, and appends the finished file to out (owned by
 * the caller; its maximum applies). *rows (when not NULL) receives the number
 * of contacts written.
 * Errors: ADV_ETOOBIG (out's maximum or the format's limits), ADV_ENOMEM,
 * ADV_EIO and ADV_EINTERNAL from the table writer, ADV_EDB; detail in eb.
 */
enum adv_err export_contacts(struct db_conn *c, int64_t ws_id, enum table_format fmt,
			     enum export_lang lang, struct buf *out, size_t *rows,
			     struct adv_errbuf *eb);

#endif
