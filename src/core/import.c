/*
 * import.c — the accounts CSV import and the CSV/XLSX export (see import.h).
 *
 * The import converts the file to UTF-8 once, then streams its records
 * through the CSV reader inside one write transaction: the header fixes which
 * account field each column holds, and every later record is parsed into a
 * struct account in a scratch arena (reset per row, keeping its memory, so
 * that memory does not grow with the file) and handed to account_create_with()
 * or account_update_with(), which prepare their statements once per connection
 * and join the open transaction. Owners are looked up once per e-mail; a
 * created account is audited briefly as "import" (its fields are the account
 * itself), a changed one with its diff, an unchanged one not at all.
 */
#include "core/import.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/identity.h"
#include "io/csv.h"
#include "util/date.h"
#include "util/num.h"
#include "util/str.h"

#define IMPORT_QUOTE_CHARS   40	  /* characters of a bad value repeated in a message */
#define IMPORT_NO_FIELD	     (-1) /* a column with an empty header */
#define EXPORT_TAGS_SEP	     ", "
#define EXPORT_TAGS_TEXT_MAX (ACCOUNT_TAGS_MAX * (ACCOUNT_TAG_MAX * 4 + 2) + 1)

/* The Russian column headers (API.md); the English ones are account_field_name(). */
static const char *const import_headers_ru[AF__MAX] = {
    [AF_NAME] = "Название",
    [AF_LEGAL_NAME] = "Юридическое название",
    [AF_INN] = "ИНН",
    [AF_EXTERNAL_ID] = "Внешний ID",
    [AF_STATUS] = "Статус",
    [AF_CHURNED_AT] = "Дата ухода",
    [AF_CHURN_REASON] = "Причина ухода",
    [AF_SEGMENT] = "Сегмент",
    [AF_OWNER] = "Ответственный",
    [AF_TAGS] = "Теги",
    [AF_INDUSTRY] = "Отрасль",
    [AF_REGION] = "Регион",
    [AF_CITY] = "Город",
    [AF_WEBSITE] = "Сайт",
    [AF_EMPLOYEES] = "Сотрудники",
    [AF_REVENUE] = "Выручка",
    [AF_REVENUE_CURRENCY] = "Валюта",
    [AF_DESCRIPTION] = "Описание",
};

/* Longest text of each text field, in characters (the API's limits). */
static const size_t import_text_max[AF__MAX] = {
    [AF_NAME] = ACCOUNT_NAME_MAX,
    [AF_LEGAL_NAME] = ACCOUNT_TEXT_MAX,
    [AF_INN] = ACCOUNT_TEXT_MAX,
    [AF_EXTERNAL_ID] = ACCOUNT_EXTERNAL_ID_MAX,
    [AF_CHURN_REASON] = ACCOUNT_TEXT_MAX,
    [AF_SEGMENT] = ACCOUNT_TEXT_MAX,
    [AF_OWNER] = IDENTITY_EMAIL_MAX,
    [AF_INDUSTRY] = ACCOUNT_TEXT_MAX,
    [AF_REGION] = ACCOUNT_TEXT_MAX,
    [AF_CITY] = ACCOUNT_TEXT_MAX,
    [AF_WEBSITE] = ACCOUNT_WEBSITE_MAX,
    [AF_EMPLOYEES] = ACCOUNT_EMPLOYEES_MAX,
    [AF_REVENUE_CURRENCY] = ACCOUNT_TEXT_MAX,
    [AF_DESCRIPTION] = ACCOUNT_DESCRIPTION_MAX,
};

/* Status words accepted besides the English values, already folded (ё → е). */
static const struct {
	const char *word;
	enum account_status status;
} import_status_ru[] = {
    {"потенциальный", ACCOUNT_PROSPECT},
    {"активный", ACCOUNT_ACTIVE},
    {"под угрозой", ACCOUNT_AT_RISK},
    {"ушел", ACCOUNT_CHURNED},
};

/* The state of one import while the CSV reader calls back. */
struct import_run {
	struct db_conn *c;
	struct arena *a;  /* the report's */
	struct arena row; /* scratch of the current row */
	int64_t ws_id;
	const struct import_opts *o;
	struct account_write w; /* how account writes are audited, with the owner cache */
	struct account_owners owners;
	struct import_report *rep;
	struct adv_errbuf *eb; /* file-level failures */
	bool have_header;
	size_t ncols;
	int col_field[CSV_FIELDS_MAX]; /* enum account_field, or IMPORT_NO_FIELD */
	uint32_t present;	       /* fields that have a column */
	bool row_bad;		       /* the current row has a problem already */
};

/* The value of one cell, trimmed and NUL-terminated in the row arena. */
struct import_cell {
	const char *s;
	size_t n;
};

/* A copy of s cut to IMPORT_QUOTE_CHARS characters, for messages; "" on failure. */
static const char *
import_quote(struct arena *a, const char *s)
{
	size_t i = 0, chars = 0;
	const char *q;

	while (s[i] != '\0' && chars < IMPORT_QUOTE_CHARS) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	q = s[i] == '\0' ? s : arena_printf(a, "%.*s…", (int)i, s);
	return q != NULL ? q : "";
}

/*
 * Records a problem of the current row (line, field name or "" for the row).
 * Counts the row once however many problems it has; lists at most
 * IMPORT_REJECTS_LISTED problems. Returns ADV_ENOMEM when the report cannot grow.
 */
static enum adv_err import_reject(struct import_run *run, size_t line, const char *field,
				  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum adv_err
import_reject(struct import_run *run, size_t line, const char *field, const char *fmt, ...)
{
	struct import_report *rep = run->rep;
	struct import_reject *rj;
	char msg[ADV_ERRMSG_MAX];
	va_list ap;

	if (!run->row_bad)
		rep->rows_rejected++;
	run->row_bad = true;
	if (rep->nrejects >= IMPORT_REJECTS_LISTED)
		return ADV_OK;
	if (rep->rejects == NULL &&
	    (rep->rejects = arena_alloc(run->a, IMPORT_REJECTS_LISTED * sizeof(*rj))) == NULL)
		return ADV_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rj = &rep->rejects[rep->nrejects];
	rj->line = line;
	rj->field = arena_strdup(run->a, field);
	rj->message = arena_strdup(run->a, msg);
	if (rj->field == NULL || rj->message == NULL)
		return ADV_ENOMEM;
	rep->nrejects++;
	return ADV_OK;
}

/* Finds the field a header cell names; AF__MAX when none. */
static enum account_field
import_header_field(struct arena *a, const char *header)
{
	const char *h = str_fold(a, header);

	if (h == NULL)
		return AF__MAX;
	for (int f = 0; f < AF__MAX; f++) {
		const char *en = str_fold(a, account_field_name((enum account_field)f));
		const char *ru = str_fold(a, import_headers_ru[f]);

		if ((en != NULL && strcmp(h, en) == 0) || (ru != NULL && strcmp(h, ru) == 0))
			return (enum account_field)f;
	}
	return AF__MAX;
}

/* Reads the header record: which field each column holds. File-level errors in run->eb. */
static enum adv_err
import_header(struct import_run *run, const struct csv_row *row)
{
	size_t len;
	const char *h;

	run->have_header = true;
	run->ncols = row->nfields;
	for (size_t i = 0; i < row->nfields; i++) {
		enum account_field f;

		h = str_trim(row->fields[i], row->lens[i], &len);
		if (len == 0) {
			run->col_field[i] = IMPORT_NO_FIELD;
			continue;
		}
		h = arena_strndup(run->a, h, len);
		if (h == NULL)
			return ADV_ENOMEM;
		f = import_header_field(run->a, h);
		if (f == AF__MAX)
			return adv_fail(run->eb, ADV_EINVAL, NULL,
					"line %zu: column %zu, '%s', is not a field of client "
					"companies; use the field names or the Russian headers of "
					"the export (name or Название, inn or ИНН, external_id or "
					"Внешний ID, …)",
					row->line, i + 1, import_quote(run->a, h));
		if (run->present & AF_BIT(f)) {
			for (size_t k = 0; k < i; k++)
				if (run->col_field[k] == (int)f)
					return adv_fail(run->eb, ADV_EINVAL, NULL,
							"line %zu: columns %zu and %zu both hold "
							"the field %s",
							row->line, k + 1, i + 1,
							account_field_name(f));
		}
		run->col_field[i] = (int)f;
		run->present |= AF_BIT(f);
	}
	if (!(run->present & (AF_BIT(AF_NAME) | AF_BIT(AF_EXTERNAL_ID))))
		return adv_fail(run->eb, ADV_EINVAL, NULL,
				"line %zu: the file has neither a name (Название) nor an "
				"external_id (Внешний ID) column",
				row->line);
	return ADV_OK;
}

/*
 * The cell of column i, with the export's formula-guard apostrophe removed and
 * white space trimmed: a pointer into the record when it still ends there (the
 * reader NUL-terminates fields; the record outlives the row's writes), else a
 * copy in the row arena; NULL when out of memory.
 */
static const char *
import_cell(struct import_run *run, const struct csv_row *row, size_t i, size_t *n)
{
	const char *s = row->fields[i], *end = row->fields[i] + row->lens[i];
	size_t len = row->lens[i];

	if (len >= 2 && s[0] == '\'' && strchr("=+-@\t\r", s[1]) != NULL) {
		s++;
		len--;
	}
	s = str_trim(s, len, &len);
	*n = len;
	if (s + len == end)
		return s;
	return arena_strndup(&run->row, s, len);
}

/* The address of the text member of acc that holds field f, or NULL for other kinds. */
static const char **
import_text_slot(struct account *acc, enum account_field f)
{
	switch (f) {
	case AF_NAME:
		return &acc->name;
	case AF_LEGAL_NAME:
		return &acc->legal_name;
	case AF_INN:
		return &acc->inn;
	case AF_EXTERNAL_ID:
		return &acc->external_id;
	case AF_CHURN_REASON:
		return &acc->churn_reason;
	case AF_SEGMENT:
		return &acc->segment;
	case AF_OWNER:
		return &acc->owner_email;
	case AF_INDUSTRY:
		return &acc->industry;
	case AF_REGION:
		return &acc->region;
	case AF_CITY:
		return &acc->city;
	case AF_WEBSITE:
		return &acc->website;
	case AF_EMPLOYEES:
		return &acc->employees;
	case AF_REVENUE_CURRENCY:
		return &acc->revenue_currency;
	case AF_DESCRIPTION:
		return &acc->description;
	default:
		return NULL;
	}
}

/* Parses a status in English or Russian, any case; ACCOUNT_STATUS__MAX when unknown. */
static enum account_status
import_status(struct arena *a, const char *s)
{
	const char *f = str_fold(a, s);

	if (f == NULL)
		return ACCOUNT_STATUS__MAX;
	for (size_t i = 0; i < sizeof(import_status_ru) / sizeof(import_status_ru[0]); i++)
		if (strcmp(f, import_status_ru[i].word) == 0)
			return import_status_ru[i].status;
	return account_status_parse(f);
}

/* Splits a tags cell at ',' and ';' into trimmed, distinct, non-empty tags. */
static enum adv_err
import_tags(struct import_run *run, const char *s, size_t n, struct account *acc, size_t line)
{
	size_t cap = 1, len;
	const char *p = s, *end = s + n, *t;

	for (size_t i = 0; i < n; i++)
		cap += s[i] == ',' || s[i] == ';';
	if ((acc->tags = arena_alloc(&run->row, cap * sizeof(*acc->tags))) == NULL)
		return ADV_ENOMEM;
	acc->ntags = 0;
	while (p <= end) {
		const char *sep = p;
		bool dup = false;

		while (sep < end && *sep != ',' && *sep != ';')
			sep++;
		t = str_trim(p, (size_t)(sep - p), &len);
		p = sep + 1;
		if (len == 0)
			continue;
		for (size_t k = 0; k < acc->ntags && !dup; k++)
			dup = strlen(acc->tags[k]) == len && memcmp(acc->tags[k], t, len) == 0;
		if (dup)
			continue;
		if (acc->ntags == ACCOUNT_TAGS_MAX)
			return import_reject(run, line, "tags", "more than %d tags",
					     ACCOUNT_TAGS_MAX);
		if (utf8_length(t, len) > ACCOUNT_TAG_MAX)
			return import_reject(
			    run, line, "tags", "the tag '%s' is longer than %d characters",
			    import_quote(&run->row, arena_strndup(&run->row, t, len)),
			    ACCOUNT_TAG_MAX);
		if ((acc->tags[acc->ntags] = arena_strndup(&run->row, t, len)) == NULL)
			return ADV_ENOMEM;
		acc->ntags++;
	}
	return ADV_OK;
}

/*
 * Parses the non-empty value v (n bytes) of field f into acc. Problems are
 * recorded as rejects of the row; the result is only for ENOMEM.
 */
static enum adv_err
import_value(struct import_run *run, enum account_field f, const char *v, size_t n,
	     struct account *acc, size_t line)
{
	const char *name = account_field_name(f);
	const char **slot = import_text_slot(acc, f);
	enum account_status st;
	char *date;

	if (slot != NULL) {
		if (utf8_length(v, n) > import_text_max[f])
			return import_reject(run, line, name, "longer than %zu characters",
					     import_text_max[f]);
		*slot = v;
		return ADV_OK;
	}
	switch (f) {
	case AF_STATUS:
		st = import_status(&run->row, v);
		if (st == ACCOUNT_STATUS__MAX)
			return import_reject(run, line, name,
					     "'%s' is not a status: write prospect, active, "
					     "at_risk or churned (потенциальный, активный, под "
					     "угрозой, ушёл)",
					     import_quote(&run->row, v));
		acc->status = st;
		return ADV_OK;
	case AF_CHURNED_AT:
		if ((date = arena_alloc(&run->row, DATE_TEXT_SIZE)) == NULL)
			return ADV_ENOMEM;
		if (!date_parse(v, date))
			return import_reject(run, line, name,
					     "'%s' is not a date: write DD.MM.YYYY or YYYY-MM-DD",
					     import_quote(&run->row, v));
		acc->churned_at = date;
		return ADV_OK;
	case AF_REVENUE:
		if (!num_parse_ru(v, &acc->revenue))
			return import_reject(run, line, name,
					     "'%s' is not a number: write it like 1 234 567,89",
					     import_quote(&run->row, v));
		acc->has_revenue = true;
		return ADV_OK;
	case AF_TAGS:
		return import_tags(run, v, n, acc, line);
	default:
		return ADV_OK;
	}
}

/* Turns an account_create/update failure into a reject of the row, or passes it on. */
static enum adv_err
import_write_failed(struct import_run *run, enum adv_err rc, const struct adv_errbuf *web,
		    size_t line)
{
	const char *field = web->field[0] == '/' ? web->field + 1 : web->field;

	if (rc != ADV_EINVAL && rc != ADV_ECONFLICT) {
		adv_fail(run->eb, rc, NULL, "line %zu: %s", line,
			 web->msg[0] ? web->msg : adv_strerror(rc));
		return rc;
	}
	return import_reject(run, line, field, "%s", web->msg[0] ? web->msg : adv_strerror(rc));
}

/* Imports one data record. */
static enum adv_err
import_record(struct import_run *run, const struct csv_row *row)
{
	struct account acc, out;
	struct adv_errbuf web = {{0}, {0}};
	uint32_t given = 0, cleared = 0, mask;
	int64_t id = 0;
	bool changed = false;
	enum adv_err rc = ADV_OK;

	arena_reset(&run->row);
	memset(&acc, 0, sizeof(acc));
	run->row_bad = false;
	for (size_t i = 0; i < row->nfields && rc == ADV_OK; i++) {
		size_t n;
		const char *v = import_cell(run, row, i, &n);
		enum account_field f;

		if (v == NULL)
			return ADV_ENOMEM;
		if (n == 0)
			continue;
		if (i >= run->ncols || run->col_field[i] == IMPORT_NO_FIELD) {
			rc = import_reject(run, row->line, "",
					   "column %zu has a value but no header naming its field",
					   i + 1);
			continue;
		}
		f = (enum account_field)run->col_field[i];
		given |= AF_BIT(f);
		rc = import_value(run, f, v, n, &acc, row->line);
	}
	if (rc != ADV_OK || run->row_bad)
		return rc;
	if (acc.external_id != NULL) {
		rc = account_find_external(run->c, run->ws_id, acc.external_id, &id);
		if (rc == ADV_ENOTFOUND)
			rc = ADV_OK;
		else if (rc != ADV_OK)
			return adv_fail(run->eb, rc, NULL,
					"line %zu: looking up external_id failed", row->line);
	}
	if (id == 0) {
		if (acc.name == NULL)
			return import_reject(run, row->line, "name",
					     "a new client company needs a name");
		run->w.external_id_free = acc.external_id != NULL;
		rc = account_create_with(run->c, &run->row, run->ws_id, run->o->actor, &acc, given,
					 &run->w, &out, &web);
		if (rc == ADV_OK)
			run->rep->created++;
	} else {
		/* Columns present but empty clear their field; name, status and currency stay. */
		cleared = run->present & ~given &
			  ~(AF_BIT(AF_NAME) | AF_BIT(AF_STATUS) | AF_BIT(AF_REVENUE_CURRENCY));
		mask = (given | cleared) & ~AF_BIT(AF_EXTERNAL_ID);
		rc = account_update_with(run->c, &run->row, run->ws_id, run->o->actor, id, 0, &acc,
					 mask, &run->w, &out, &changed, &web);
		if (rc == ADV_OK && changed)
			run->rep->updated++;
		else if (rc == ADV_OK)
			run->rep->unchanged++;
	}
	if (rc != ADV_OK)
		return import_write_failed(run, rc, &web, row->line);
	return ADV_OK;
}

/* The CSV reader's callback: the header first, then the records. */
static enum adv_err
import_row(void *ctx, const struct csv_row *row)
{
	struct import_run *run = ctx;
	enum adv_err rc;

	if (!run->have_header)
		return import_header(run, row);
	run->rep->rows_read++;
	rc = import_record(run, row);
	if (rc == ADV_ENOMEM)
		adv_fail(run->eb, rc, NULL, "line %zu: out of memory", row->line);
	if (run->o->progress != NULL && run->rep->rows_read % IMPORT_PROGRESS_EVERY == 0)
		run->o->progress(run->o->progress_ctx, run->rep->rows_read);
	return rc;
}

enum adv_err
import_accounts(struct db_conn *c, struct arena *a, int64_t ws_id, const char *data, size_t n,
		const struct import_opts *o, struct import_report *rep, struct adv_errbuf *eb)
{
	struct import_run *run = NULL;
	struct buf text;
	enum adv_err rc;

	memset(rep, 0, sizeof(*rep));
	buf_init(&text, IMPORT_BYTES_MAX);
	if (db_in_tx(c)) {
		rc = adv_fail(eb, ADV_EINTERNAL, NULL, "import started inside a transaction");
		goto out;
	}
	if ((rc = enc_to_utf8(data, n, IMPORT_BYTES_MAX, &text, &rep->encoding, eb)) != ADV_OK)
		goto out;
	if ((run = arena_zalloc(a, sizeof(*run))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	run->c = c;
	run->a = a;
	arena_init(&run->row, IMPORT_ROW_ARENA_LIMIT);
	run->ws_id = ws_id;
	run->o = o;
	run->w.action = "import";
	run->w.brief_create_audit = true;
	run->w.in_batch = true;
	run->owners.a = a;
	run->w.owners = &run->owners;
	run->rep = rep;
	run->eb = eb;
	if ((rc = db_begin(c)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot start the import's transaction");
		goto out;
	}
	rc = csv_read_buf(text.data, text.len, NULL, import_row, run, &rep->delimiter, eb);
	if (rc != ADV_OK)
		goto out;
	if (!run->have_header) {
		rc = adv_fail(eb, ADV_EINVAL, NULL,
			      "the file is empty: expected a header row naming the columns");
		goto out;
	}
	if (rep->rows_rejected > 0 && !o->skip_invalid) {
		rc = adv_fail(eb, ADV_EINVAL, NULL,
			      "%zu of %zu rows have problems, so nothing was imported; fix them or "
			      "skip the invalid rows",
			      rep->rows_rejected, rep->rows_read);
		goto out;
	}
	if (!o->dry_run) {
		if ((rc = db_commit(c)) != ADV_OK) {
			adv_fail(eb, rc, NULL, "the import could not be committed");
			goto out;
		}
		rep->committed = true;
	}
out:
	if (db_in_tx(c))
		db_rollback(c);
	if (run != NULL)
		arena_free(&run->row);
	buf_release(&text);
	return rc;
}

/* What the export's account_each() callback needs. */
struct export_run {
	struct table_out *t;
	size_t rows;
	enum adv_err table_rc; /* the table's first failure, explained by table_out_finish() */
};

/* Writes one account as a row, the columns in enum account_field order. */
static enum adv_err
export_row(void *ctx, const struct account *acc)
{
	struct export_run *run = ctx;
	struct table_out *t = run->t;
	char tags[EXPORT_TAGS_TEXT_MAX];
	size_t len = 0;

	for (size_t i = 0; i < acc->ntags; i++) {
		size_t k = strlen(acc->tags[i]);

		if (len + sizeof(EXPORT_TAGS_SEP) + k > sizeof(tags))
			break;
		if (i > 0) {
			memcpy(tags + len, EXPORT_TAGS_SEP, sizeof(EXPORT_TAGS_SEP) - 1);
			len += sizeof(EXPORT_TAGS_SEP) - 1;
		}
		memcpy(tags + len, acc->tags[i], k);
		len += k;
	}
	tags[len] = '\0';
	table_out_str(t, acc->name);
	table_out_str(t, acc->legal_name);
	table_out_str(t, acc->inn);
	table_out_str(t, acc->external_id);
	table_out_str(t, account_status_name(acc->status));
	table_out_date(t, acc->churned_at);
	table_out_str(t, acc->churn_reason);
	table_out_str(t, acc->segment);
	table_out_str(t, acc->owner_email);
	table_out_str(t, len > 0 ? tags : NULL);
	table_out_str(t, acc->industry);
	table_out_str(t, acc->region);
	table_out_str(t, acc->city);
	table_out_str(t, acc->website);
	table_out_str(t, acc->employees);
	if (acc->has_revenue)
		table_out_num(t, acc->revenue);
	else
		table_out_null(t);
	table_out_str(t, acc->revenue_currency);
	table_out_str(t, acc->description);
	run->rows++;
	run->table_rc = table_out_end_row(t);
	return run->table_rc;
}

enum adv_err
export_accounts(struct db_conn *c, int64_t ws_id, const struct account_filter *f,
		enum table_format fmt, enum export_lang lang, struct buf *out, size_t *rows,
		struct adv_errbuf *eb)
{
	const char *headers[AF__MAX];
	struct export_run run = {NULL, 0, ADV_OK};
	struct arena a;
	enum adv_err rc;

	arena_init(&a, EXPORT_ARENA_LIMIT);
	for (int i = 0; i < AF__MAX; i++)
		headers[i] = lang == EXPORT_LANG_EN ? account_field_name((enum account_field)i)
						    : import_headers_ru[i];
	rc = table_out_open(&run.t, fmt, lang == EXPORT_LANG_EN ? "Accounts" : "Компании", headers,
			    AF__MAX, eb);
	if (rc != ADV_OK)
		goto out;
	rc = account_each(c, &a, ws_id, f, export_row, &run);
	if (rc != ADV_OK && run.table_rc == ADV_OK) {
		adv_fail(eb, rc, NULL, "reading the accounts to export failed: %s",
			 adv_strerror(rc));
		goto out;
	}
	rc = table_out_finish(run.t, out, eb);
	if (rc == ADV_OK && rows != NULL)
		*rows = run.rows;
out:
	table_out_free(run.t);
	arena_free(&a);
	return rc;
}
