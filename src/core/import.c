/*
 * import.c — the accounts CSV import and the CSV/XLSX export (see import.h).
 *
 * The reading of the file, its transaction and the report are shared with
 * the other imports (core/import_common.c): this file maps each record's
 * cells to a struct account in the row's scratch arena and hands it to
 * account_create_with() or account_update_with(), which prepare their
 * statements once per connection and join the open transaction. Owners are
 * looked up once per e-mail; a created account is audited briefly as "import"
 * (its fields are the account itself), a changed one with its diff, an
 * unchanged one not at all.
 */
#include "core/import.h"

#include <string.h>

#include "core/identity.h"
#include "util/num.h"
#include "util/str.h"

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
static const struct import_word import_status_ru[] = {
    {"потенциальный", ACCOUNT_PROSPECT},
    {"активный", ACCOUNT_ACTIVE},
    {"под угрозой", ACCOUNT_AT_RISK},
    {"ушел", ACCOUNT_CHURNED},
};

/* The English header of column f: the account's field name. */
static const char *
import_column_name(int f)
{
	return account_field_name((enum account_field)f);
}

static const struct import_columns import_columns = {
    AF__MAX,
    import_column_name,
    import_headers_ru,
    "client companies",
    "name or Название, inn or ИНН, external_id or Внешний ID, …",
};

/* The accounts import's own state besides the shared run. */
struct import_accounts_ctx {
	struct account_write w; /* how account writes are audited, with the owner cache */
	struct account_owners owners;
};

/* The header needs a column that identifies or names the accounts. */
static enum adv_err
import_header_check(struct import_run *run, size_t line)
{
	if (!(run->present & (AF_BIT(AF_NAME) | AF_BIT(AF_EXTERNAL_ID))))
		return adv_fail(run->eb, ADV_EINVAL, NULL,
				"line %zu: the file has neither a name (Название) nor an "
				"external_id (Внешний ID) column",
				line);
	return ADV_OK;
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
	const char *f;
	int st = import_word(a, s, import_status_ru,
			     sizeof(import_status_ru) / sizeof(import_status_ru[0]), &f);

	if (st >= 0)
		return (enum account_status)st;
	return f != NULL ? account_status_parse(f) : ACCOUNT_STATUS__MAX;
}

/*
 * Parses the non-empty value v (n bytes) of column col into the account obj.
 * Problems are recorded as rejects of the row; the result is only for ENOMEM.
 */
static enum adv_err
import_value(struct import_run *run, void *obj, int col, const char *v, size_t n, size_t line)
{
	struct account *acc = obj;
	enum account_field f = (enum account_field)col;
	const char *name = account_field_name(f);
	const char **slot = import_text_slot(acc, f);
	enum account_status st;

	if (slot != NULL)
		return import_text(run, line, name, v, n, import_text_max[f], slot);
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
		return import_date(run, line, name, v, &acc->churned_at);
	case AF_REVENUE:
		if (!num_parse_ru(v, &acc->revenue))
			return import_reject(run, line, name,
					     "'%s' is not a number: write it like 1 234 567,89",
					     import_quote(&run->row, v));
		acc->has_revenue = true;
		return ADV_OK;
	case AF_TAGS:
		return import_list(run, line, name, "tag", "tags", v, n, ACCOUNT_TAGS_MAX,
				   ACCOUNT_TAG_MAX, &acc->tags, &acc->ntags);
	default:
		return ADV_OK;
	}
}

/* Imports one data record. */
static enum adv_err
import_record(struct import_run *run, const struct csv_row *row)
{
	struct import_accounts_ctx *ia = run->ctx;
	struct account acc, out;
	struct adv_errbuf web = {{0}, {0}};
	uint32_t given = 0, cleared = 0, mask;
	int64_t id = 0;
	bool changed = false;
	enum adv_err rc;

	memset(&acc, 0, sizeof(acc));
	rc = import_values(run, row, import_value, &acc, &given);
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
		ia->w.external_id_free = acc.external_id != NULL;
		rc = account_create_with(run->c, &run->row, run->ws_id, run->o->actor, &acc, given,
					 &ia->w, &out, &web);
		if (rc == ADV_OK)
			run->rep->created++;
	} else {
		/* Columns present but empty clear their field; name, status and currency stay. */
		cleared = run->present & ~given &
			  ~(AF_BIT(AF_NAME) | AF_BIT(AF_STATUS) | AF_BIT(AF_REVENUE_CURRENCY));
		mask = (given | cleared) & ~AF_BIT(AF_EXTERNAL_ID);
		rc = account_update_with(run->c, &run->row, run->ws_id, run->o->actor, id, 0, &acc,
					 mask, &ia->w, &out, &changed, &web);
		if (rc == ADV_OK && changed)
			run->rep->updated++;
		else if (rc == ADV_OK)
			run->rep->unchanged++;
	}
	if (rc != ADV_OK)
		return import_write_failed(run, rc, &web, row->line);
	return ADV_OK;
}

static const struct import_kind import_accounts_kind = {
    &import_columns,
    import_header_check,
    import_record,
    NULL,
};

enum adv_err
import_accounts(struct db_conn *c, struct arena *a, int64_t ws_id, const char *data, size_t n,
		const struct import_opts *o, struct import_report *rep, struct adv_errbuf *eb)
{
	struct import_accounts_ctx *ia = arena_zalloc(a, sizeof(*ia));

	if (ia == NULL) {
		memset(rep, 0, sizeof(*rep));
		return ADV_ENOMEM;
	}
	ia->w.action = "import";
	ia->w.brief_create_audit = true;
	ia->w.in_batch = true;
	ia->owners.a = a;
	ia->w.owners = &ia->owners;
	return import_file(c, a, ws_id, data, n, o, &import_accounts_kind, ia, rep, eb);
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
	struct export_run run = {NULL, 0, ADV_OK};
	struct arena a;
	enum adv_err rc;

	arena_init(&a, EXPORT_ARENA_LIMIT);
	rc = export_open(&run.t, fmt, lang, &import_columns, "Компании", "Accounts", eb);
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
