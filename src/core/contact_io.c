/*
 * contact_io.c — the contacts CSV import and the CSV/XLSX export (see
 * contact_io.h).
 *
 * The file is read by the shared import run (core/import_common.c); this
 * file maps each record to a struct contact in the row's scratch arena,
 * finds its company and, by external id, the contact it updates, and writes
 * it through contact_create() / contact_update(), which join the import's
 * transaction in a savepoint each. A reports_to naming a person already
 * stored (or written by an earlier row) is set in the same write; the others
 * wait in a list for the second pass, after the last row, which sets them
 * or rejects their rows. With skip_invalid a row rejected in that pass has
 * been written already, so the pass marks it (and the rows whose manager it
 * would have created) for leaving out and asks for the file to be read again
 * in a new transaction without them.
 */
#include "core/contact_io.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account.h"
#include "core/contact.h"
#include "core/identity.h"

#define CONTACT_IO_REF_MAX  CONTACT_EMAIL_MAX	       /* characters of a reports_to cell */
#define CONTACT_IO_KEY_MAX  (ACCOUNT_TEXT_MAX * 4 + 1) /* bytes of a company key, with NUL */
#define EXPORT_LIST_SEP	    ", "
#define EXPORT_SHEET_RU	    "Контакты"
#define EXPORT_SHEET_EN	    "Contacts"
#define CONTACT_IO_NO_FIELD (-1) /* a column that sets no field of the contact itself */

/* The columns of the file, in export order. */
enum contact_io_col {
	CC_ACCOUNT_EXTERNAL_ID,
	CC_ACCOUNT_INN,
	CC_NAME,
	CC_POSITION,
	CC_DEPARTMENT,
	CC_EMAILS,
	CC_PHONES,
	CC_REPORTS_TO,
	CC_BUYING_ROLE,
	CC_ATTITUDE,
	CC_INFLUENCE,
	CC_RELATIONSHIP,
	CC_OWNER,
	CC_LAST_CONTACT,
	CC_LEFT,
	CC_NOTES,
	CC_EXTERNAL_ID,
	CC__MAX
};

#define CC_BIT(col) (1u << (col))

static const char *const cc_names[CC__MAX] = {
    [CC_ACCOUNT_EXTERNAL_ID] = "account_external_id",
    [CC_ACCOUNT_INN] = "account_inn",
    [CC_NAME] = "name",
    [CC_POSITION] = "position",
    [CC_DEPARTMENT] = "department",
    [CC_EMAILS] = "emails",
    [CC_PHONES] = "phones",
    [CC_REPORTS_TO] = "reports_to",
    [CC_BUYING_ROLE] = "buying_role",
    [CC_ATTITUDE] = "attitude",
    [CC_INFLUENCE] = "influence",
    [CC_RELATIONSHIP] = "relationship",
    [CC_OWNER] = "owner_email",
    [CC_LAST_CONTACT] = "last_contact_on",
    [CC_LEFT] = "left_on",
    [CC_NOTES] = "notes",
    [CC_EXTERNAL_ID] = "external_id",
};

/* The Russian headers (docs/account-map.md, "Import and export"). */
static const char *const cc_headers_ru[CC__MAX] = {
    [CC_ACCOUNT_EXTERNAL_ID] = "Компания (внешний ID)",
    [CC_ACCOUNT_INN] = "Компания (ИНН)",
    [CC_NAME] = "ФИО",
    [CC_POSITION] = "Должность",
    [CC_DEPARTMENT] = "Подразделение",
    [CC_EMAILS] = "E-mail",
    [CC_PHONES] = "Телефоны",
    [CC_REPORTS_TO] = "Подчиняется",
    [CC_BUYING_ROLE] = "Роль в закупке",
    [CC_ATTITUDE] = "Отношение",
    [CC_INFLUENCE] = "Влияние",
    [CC_RELATIONSHIP] = "Отношения с нами",
    [CC_OWNER] = "Ответственный",
    [CC_LAST_CONTACT] = "Последний контакт",
    [CC_LEFT] = "Ушёл",
    [CC_NOTES] = "Заметки",
    [CC_EXTERNAL_ID] = "Внешний ID",
};

/* The field of the contact each column sets (reports_to: once resolved). */
static const int cc_field[CC__MAX] = {
    [CC_ACCOUNT_EXTERNAL_ID] = CONTACT_IO_NO_FIELD,
    [CC_ACCOUNT_INN] = CONTACT_IO_NO_FIELD,
    [CC_NAME] = KF_NAME,
    [CC_POSITION] = KF_POSITION,
    [CC_DEPARTMENT] = KF_DEPARTMENT,
    [CC_EMAILS] = KF_EMAILS,
    [CC_PHONES] = KF_PHONES,
    [CC_REPORTS_TO] = KF_REPORTS_TO,
    [CC_BUYING_ROLE] = KF_BUYING_ROLE,
    [CC_ATTITUDE] = KF_ATTITUDE,
    [CC_INFLUENCE] = KF_INFLUENCE,
    [CC_RELATIONSHIP] = KF_RELATIONSHIP,
    [CC_OWNER] = KF_OWNER,
    [CC_LAST_CONTACT] = KF_LAST_CONTACT,
    [CC_LEFT] = KF_LEFT,
    [CC_NOTES] = KF_NOTES,
    [CC_EXTERNAL_ID] = KF_EXTERNAL_ID,
};

/* Longest text of each text column, in characters (0: not a text column). */
static const size_t cc_text_max[CC__MAX] = {
    [CC_ACCOUNT_EXTERNAL_ID] = ACCOUNT_EXTERNAL_ID_MAX,
    [CC_ACCOUNT_INN] = ACCOUNT_TEXT_MAX,
    [CC_NAME] = CONTACT_NAME_MAX,
    [CC_POSITION] = CONTACT_TEXT_MAX,
    [CC_DEPARTMENT] = CONTACT_TEXT_MAX,
    [CC_REPORTS_TO] = CONTACT_IO_REF_MAX,
    [CC_OWNER] = IDENTITY_EMAIL_MAX,
    [CC_NOTES] = CONTACT_NOTES_MAX,
    [CC_EXTERNAL_ID] = CONTACT_EXTERNAL_ID_MAX,
};

/* Russian values of the enumerations (docs/account-map.md), already folded (ё → е). */
static const struct import_word cc_roles_ru[] = {
    {"лпр", BUY_DECISION_MAKER},
    {"экономический покупатель", BUY_ECONOMIC_BUYER},
    {"технический покупатель", BUY_TECHNICAL_BUYER},
    {"пользователь", BUY_USER_BUYER},
    {"влияющий", BUY_INFLUENCER},
    {"привратник", BUY_GATEKEEPER},
    {"коуч", BUY_COACH},
};
static const struct import_word cc_attitudes_ru[] = {
    {"чемпион", ATT_CHAMPION}, {"сторонник", ATT_SUPPORTER}, {"нейтрален", ATT_NEUTRAL},
    {"скептик", ATT_SKEPTIC},  {"противник", ATT_OPPONENT},
};
static const struct import_word cc_influences_ru[] = {
    {"высокое", INF_HIGH},
    {"среднее", INF_MEDIUM},
    {"низкое", INF_LOW},
};
static const struct import_word cc_relationships_ru[] = {
    {"нет", REL_NONE},
    {"слабые", REL_WEAK},
    {"рабочие", REL_WORKING},
    {"сильные", REL_STRONG},
    {"доверенный советник", REL_TRUSTED_ADVISOR},
};

/* An enumerated column: its Russian words, English names and what to say of a bad value. */
static const struct cc_enum {
	int col;
	const struct import_word *ru;
	size_t nru;
	const char *const *en; /* NULL-terminated; en[i] is the value first + i */
	int first;
	const char *what;
	const char *allowed;
} cc_enums[] = {
    {CC_BUYING_ROLE, cc_roles_ru, sizeof(cc_roles_ru) / sizeof(cc_roles_ru[0]), contact_role_values,
     BUY_DECISION_MAKER, "a buying role",
     "decision_maker, economic_buyer, technical_buyer, user_buyer, influencer, gatekeeper or "
     "coach (ЛПР, экономический покупатель, технический покупатель, пользователь, влияющий, "
     "привратник, коуч)"},
    {CC_ATTITUDE, cc_attitudes_ru, sizeof(cc_attitudes_ru) / sizeof(cc_attitudes_ru[0]),
     contact_attitude_values, ATT_CHAMPION, "an attitude",
     "champion, supporter, neutral, skeptic or opponent (чемпион, сторонник, нейтрален, "
     "скептик, противник)"},
    {CC_INFLUENCE, cc_influences_ru, sizeof(cc_influences_ru) / sizeof(cc_influences_ru[0]),
     contact_influence_values, INF_HIGH, "an influence",
     "high, medium or low (высокое, среднее, низкое)"},
    {CC_RELATIONSHIP, cc_relationships_ru,
     sizeof(cc_relationships_ru) / sizeof(cc_relationships_ru[0]), contact_relationship_values,
     REL_NONE, "a relationship",
     "none, weak, working, strong or trusted_advisor (нет, слабые, рабочие, сильные, "
     "доверенный советник)"},
};

/* The English header of a column: its field name. */
static const char *
cc_name(int col)
{
	return cc_names[col];
}

static const struct import_columns cc_columns = {
    CC__MAX,
    cc_name,
    cc_headers_ru,
    "contacts",
    "account_external_id or Компания (внешний ID), name or ФИО, emails or E-mail, "
    "external_id or Внешний ID, …",
};

/* What a row did to its contact. */
enum cc_outcome { CC_CREATED, CC_UPDATED, CC_UNCHANGED };

/* A row with a reports_to, for the second pass. */
struct cc_pending {
	size_t line;
	int64_t account_id;
	int64_t id;	    /* the contact the row wrote */
	int64_t version;    /* its version after that write */
	int64_t manager_id; /* 0 until resolved */
	const char *ref;    /* the reports_to cell (the report's arena) */
	enum cc_outcome outcome;
	bool rejected;
};

/* A row to leave out when the file is read again, with the problem to report. */
struct cc_excluded {
	size_t line;
	const char *field;
	const char *message;
};

/* The contacts import's own state besides the shared run (the report's arena). */
struct contact_import {
	struct cc_pending *pending;
	size_t npending, cap_pending;
	struct cc_excluded *excluded; /* by line */
	size_t nexcluded, cap_excluded;
	size_t next_excluded; /* the first one not passed yet in this reading */
	int cached_col;	      /* the company column last looked up, -1: none */
	char cached_key[CONTACT_IO_KEY_MAX];
	int64_t cached_id;
};

/* One record as parsed: the contact's fields, the company's key and the manager's. */
struct cc_row {
	struct contact k;
	const char *account_external_id;
	const char *account_inn;
	const char *reports_to;
};

static struct db_sql sql_account_by_inn =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND inn = ?2 AND archived_at IS NULL"
	   " ORDER BY id LIMIT 2");

/* The contact fields that the columns in cols set. */
static uint32_t
cc_fields(uint32_t cols)
{
	uint32_t mask = 0;

	for (int i = 0; i < CC__MAX; i++)
		if ((cols & CC_BIT(i)) && cc_field[i] != CONTACT_IO_NO_FIELD)
			mask |= KF_BIT(cc_field[i]);
	return mask;
}

/* The address of the text member of r that column col holds, or NULL for other kinds. */
static const char **
cc_text_slot(struct cc_row *r, int col)
{
	switch (col) {
	case CC_ACCOUNT_EXTERNAL_ID:
		return &r->account_external_id;
	case CC_ACCOUNT_INN:
		return &r->account_inn;
	case CC_NAME:
		return &r->k.name;
	case CC_POSITION:
		return &r->k.position;
	case CC_DEPARTMENT:
		return &r->k.department;
	case CC_REPORTS_TO:
		return &r->reports_to;
	case CC_OWNER:
		return &r->k.owner_email;
	case CC_NOTES:
		return &r->k.notes;
	case CC_EXTERNAL_ID:
		return &r->k.external_id;
	default:
		return NULL;
	}
}

/* Parses an enumerated value of column e->col into r; a bad one is a problem of the row. */
static enum adv_err
cc_enum_value(struct import_run *run, const struct cc_enum *e, const char *v, struct cc_row *r,
	      size_t line)
{
	const char *folded;
	int value = import_word(&run->row, v, e->ru, e->nru, &folded);

	if (folded == NULL)
		return ADV_ENOMEM;
	for (int i = 0; value < 0 && e->en[i] != NULL; i++)
		if (strcmp(folded, e->en[i]) == 0)
			value = e->first + i;
	if (value < 0)
		return import_reject(run, line, cc_names[e->col], "'%s' is not %s: write %s",
				     import_quote(&run->row, v), e->what, e->allowed);
	switch (e->col) {
	case CC_BUYING_ROLE:
		r->k.buying_role = (enum contact_role)value;
		break;
	case CC_ATTITUDE:
		r->k.attitude = (enum contact_attitude)value;
		break;
	case CC_INFLUENCE:
		r->k.influence = (enum contact_influence)value;
		break;
	default:
		r->k.relationship = (enum contact_relationship)value;
		break;
	}
	return ADV_OK;
}

/*
 * Parses the non-empty value v (n bytes) of column col into the row obj.
 * Problems are recorded as rejects of the row; the result is only for ENOMEM.
 */
static enum adv_err
cc_value(struct import_run *run, void *obj, int col, const char *v, size_t n, size_t line)
{
	struct cc_row *r = obj;
	const char **slot = cc_text_slot(r, col);

	if (slot != NULL)
		return import_text(run, line, cc_names[col], v, n, cc_text_max[col], slot);
	for (size_t i = 0; i < sizeof(cc_enums) / sizeof(cc_enums[0]); i++)
		if (cc_enums[i].col == col)
			return cc_enum_value(run, &cc_enums[i], v, r, line);
	switch (col) {
	case CC_EMAILS:
		return import_list(run, line, cc_names[col], "e-mail", "e-mails", v, n,
				   CONTACT_LIST_MAX, CONTACT_EMAIL_MAX, &r->k.emails,
				   &r->k.nemails);
	case CC_PHONES:
		return import_list(run, line, cc_names[col], "phone", "phones", v, n,
				   CONTACT_LIST_MAX, CONTACT_PHONE_MAX, &r->k.phones,
				   &r->k.nphones);
	case CC_LAST_CONTACT:
		return import_date(run, line, cc_names[col], v, &r->k.last_contact_on);
	case CC_LEFT:
		return import_date(run, line, cc_names[col], v, &r->k.left_on);
	default:
		return ADV_OK;
	}
}

/* The header needs the company and a column that names or identifies the person. */
static enum adv_err
cc_header(struct import_run *run, size_t line)
{
	struct contact_import *ci = run->ctx;

	ci->npending = 0;
	ci->next_excluded = 0;
	ci->cached_col = -1;
	if (!(run->present & (CC_BIT(CC_ACCOUNT_EXTERNAL_ID) | CC_BIT(CC_ACCOUNT_INN))))
		return adv_fail(run->eb, ADV_EINVAL, NULL,
				"line %zu: the file has no account_external_id (Компания (внешний "
				"ID)) or account_inn (Компания (ИНН)) column naming each person's "
				"client company",
				line);
	if (!(run->present & (CC_BIT(CC_NAME) | CC_BIT(CC_EXTERNAL_ID))))
		return adv_fail(run->eb, ADV_EINVAL, NULL,
				"line %zu: the file has neither a name (ФИО) nor an external_id "
				"(Внешний ID) column",
				line);
	return ADV_OK;
}

/* The one live account with INN inn: *id, or 0 when none, -1 when several. */
static enum adv_err
cc_account_by_inn(struct db_conn *c, int64_t ws_id, const char *inn, int64_t *id)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*id = 0;
	if ((rc = db_prepare(c, &sql_account_by_inn, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, inn);
	while ((rc = db_step(st, &row)) == ADV_OK && row)
		*id = *id == 0 ? db_col_int(st, 0) : -1;
	return rc;
}

/*
 * The company of row r: *id, or 0 with a problem of the row recorded when the
 * row names none, an unknown one, or (by INN) several.
 */
static enum adv_err
cc_account(struct import_run *run, const struct cc_row *r, size_t line, int64_t *id)
{
	struct contact_import *ci = run->ctx;
	int col = r->account_external_id != NULL ? CC_ACCOUNT_EXTERNAL_ID : CC_ACCOUNT_INN;
	const char *key = col == CC_ACCOUNT_EXTERNAL_ID ? r->account_external_id : r->account_inn;
	enum adv_err rc;

	*id = 0;
	if (key == NULL)
		return import_reject(
		    run, line,
		    cc_names[(run->present & CC_BIT(CC_ACCOUNT_EXTERNAL_ID))
				 ? CC_ACCOUNT_EXTERNAL_ID
				 : CC_ACCOUNT_INN],
		    "the person's client company is missing: give its account_external_id or "
		    "account_inn");
	if (ci->cached_col == col && strcmp(ci->cached_key, key) == 0) {
		*id = ci->cached_id;
		return ADV_OK;
	}
	if (col == CC_ACCOUNT_EXTERNAL_ID) {
		rc = account_find_external(run->c, run->ws_id, key, id);
		if (rc == ADV_ENOTFOUND)
			return import_reject(run, line, cc_names[col],
					     "no client company of this workspace has the external "
					     "id '%s'",
					     import_quote(&run->row, key));
	} else {
		rc = cc_account_by_inn(run->c, run->ws_id, key, id);
		if (rc == ADV_OK && *id <= 0) {
			rc = import_reject(run, line, cc_names[col],
					   *id == 0 ? "no client company of this workspace has the "
						      "INN '%s'"
						    : "several client companies have the INN '%s': "
						      "name the company by account_external_id",
					   import_quote(&run->row, key));
			*id = 0;
			return rc;
		}
	}
	if (rc != ADV_OK)
		return adv_fail(run->eb, rc, NULL, "line %zu: looking up the client company failed",
				line);
	ci->cached_col = col;
	snprintf(ci->cached_key, sizeof(ci->cached_key), "%s", key);
	ci->cached_id = *id;
	return ADV_OK;
}

/* The person with e-mail or external id ref in account_id (0 when none). */
static enum adv_err
cc_find_manager(struct import_run *run, int64_t account_id, const char *ref, size_t line,
		int64_t *id)
{
	enum adv_err rc = contact_find(run->c, run->ws_id, account_id, ref,
				       strchr(ref, '@') != NULL ? ref : NULL, id);

	if (rc != ADV_OK)
		return adv_fail(run->eb, rc, NULL, "line %zu: looking up reports_to failed", line);
	return ADV_OK;
}

/*
 * Why contact_create/update refused manager for contact self (0: a new one)
 * of account_id, in words for the report (*why, static): the person itself,
 * a person of another company, or a cycle.
 */
static enum adv_err
cc_manager_why(struct import_run *run, int64_t account_id, int64_t self, int64_t manager,
	       size_t line, const char **why)
{
	struct contact m;
	enum adv_err rc = ADV_OK;

	*why = "they report (directly or not) to this person already, so this would make a cycle";
	if (manager == self)
		*why = "a person cannot report to themselves";
	else if ((rc = contact_get(run->c, &run->row, run->ws_id, account_id, manager, &m)) ==
		 ADV_ENOTFOUND)
		*why = "that person belongs to another client company";
	else if (rc != ADV_OK)
		return adv_fail(run->eb, rc, NULL, "line %zu: reading the manager failed", line);
	return ADV_OK;
}

/* As import_write_failed(), explaining a manager that cannot be one at reports_to. */
static enum adv_err
cc_write_failed(struct import_run *run, enum adv_err rc, const struct adv_errbuf *web, size_t line,
		const char *ref, int64_t account_id, int64_t self, int64_t manager)
{
	const char *why;

	if (rc != ADV_EINVAL || strcmp(web->field, "/reports_to_id") != 0)
		return import_write_failed(run, rc, web, line);
	if ((rc = cc_manager_why(run, account_id, self, manager, line, &why)) != ADV_OK)
		return rc;
	return import_reject(run, line, cc_names[CC_REPORTS_TO],
			     "'%s' cannot be this person's manager: %s",
			     import_quote(&run->row, ref), why);
}

/* Remembers a row whose reports_to is set, for the second pass. */
static enum adv_err
cc_pend(struct import_run *run, const struct cc_pending *p)
{
	struct contact_import *ci = run->ctx;
	struct cc_pending *grown;

	grown =
	    arena_array_room(run->a, ci->pending, &ci->cap_pending, ci->npending, sizeof(*grown));
	if (grown == NULL)
		return ADV_ENOMEM;
	ci->pending = grown;
	ci->pending[ci->npending] = *p;
	if ((ci->pending[ci->npending].ref = arena_strdup(run->a, p->ref)) == NULL)
		return ADV_ENOMEM;
	ci->npending++;
	return ADV_OK;
}

/* The problem recorded for line when it is to be left out in this reading, else NULL. */
static const struct cc_excluded *
cc_left_out(struct contact_import *ci, size_t line)
{
	while (ci->next_excluded < ci->nexcluded && ci->excluded[ci->next_excluded].line < line)
		ci->next_excluded++;
	if (ci->next_excluded < ci->nexcluded && ci->excluded[ci->next_excluded].line == line)
		return &ci->excluded[ci->next_excluded];
	return NULL;
}

/* Counts a row's outcome (+1) or takes it back (-1). */
static void
cc_count(struct import_report *rep, enum cc_outcome o, int d)
{
	size_t *n = o == CC_CREATED   ? &rep->created
		    : o == CC_UPDATED ? &rep->updated
				      : &rep->unchanged;

	*n = d > 0 ? *n + 1 : *n - 1;
}

/* Imports one data record (the first pass). */
static enum adv_err
cc_record(struct import_run *run, const struct csv_row *row)
{
	struct contact_import *ci = run->ctx;
	const struct cc_excluded *ex = cc_left_out(ci, row->line);
	struct cc_row r;
	struct contact old, out;
	struct adv_errbuf web = {{0}, {0}};
	uint32_t given = 0, mask, keep;
	int64_t account_id, id = 0, manager = 0;
	enum cc_outcome outcome;
	enum adv_err rc;

	if (ex != NULL)
		return import_reject(run, row->line, ex->field, "%s", ex->message);
	memset(&r, 0, sizeof(r));
	rc = import_values(run, row, cc_value, &r, &given);
	if (rc != ADV_OK || run->row_bad)
		return rc;
	if ((rc = cc_account(run, &r, row->line, &account_id)) != ADV_OK || account_id == 0)
		return rc;
	mask = cc_fields(given) & ~KF_BIT(KF_REPORTS_TO);
	if (r.k.external_id != NULL) {
		if ((rc = contact_find(run->c, run->ws_id, 0, r.k.external_id, NULL, &id)) !=
		    ADV_OK)
			return adv_fail(run->eb, rc, NULL,
					"line %zu: looking up external_id failed", row->line);
		rc = id != 0 ? contact_get(run->c, &run->row, run->ws_id, account_id, id, &old)
			     : ADV_OK;
		if (rc == ADV_ENOTFOUND)
			return import_reject(run, row->line, cc_names[CC_EXTERNAL_ID],
					     "the person with the external id '%s' belongs to "
					     "another client company",
					     import_quote(&run->row, r.k.external_id));
		if (rc != ADV_OK)
			return adv_fail(run->eb, rc, NULL, "line %zu: reading the person failed",
					row->line);
	}
	if (r.reports_to != NULL) {
		if ((rc = cc_find_manager(run, account_id, r.reports_to, row->line, &manager)) !=
		    ADV_OK)
			return rc;
		r.k.reports_to_id = manager;
		mask |= manager != 0 ? KF_BIT(KF_REPORTS_TO) : 0;
	}
	if (id == 0) {
		if (r.k.name == NULL)
			return import_reject(run, row->line, cc_names[CC_NAME],
					     "a new person needs a name");
		rc = contact_create(run->c, &run->row, run->ws_id, run->o->actor, account_id, &r.k,
				    mask, "import", &out, &web);
		outcome = CC_CREATED;
	} else {
		/* Columns present but empty clear their field; these stay as they are. */
		keep = KF_BIT(KF_NAME) | KF_BIT(KF_ATTITUDE) | KF_BIT(KF_INFLUENCE) |
		       KF_BIT(KF_RELATIONSHIP) | KF_BIT(KF_EXTERNAL_ID);
		mask |= cc_fields(run->present & ~given) & ~keep;
		mask &= ~KF_BIT(KF_EXTERNAL_ID);
		rc = contact_update(run->c, &run->row, run->ws_id, run->o->actor, account_id, id, 0,
				    &r.k, mask, "import", &out, &web);
		outcome = rc == ADV_OK && out.version != old.version ? CC_UPDATED : CC_UNCHANGED;
	}
	if (rc != ADV_OK)
		return cc_write_failed(run, rc, &web, row->line, r.reports_to, account_id, id,
				       manager);
	cc_count(run->rep, outcome, 1);
	if (r.reports_to == NULL)
		return ADV_OK;
	return cc_pend(run, &(struct cc_pending){row->line, account_id, out.id, out.version,
						 manager, r.reports_to, outcome, false});
}

/*
 * Rejects pending row p after its write (the second pass): the problem goes
 * to the report, the row's count is taken back, and with skip_invalid the row
 * is marked to be left out of the next reading.
 */
static enum adv_err cc_late_reject(struct import_run *run, struct cc_pending *p, const char *fmt,
				   ...) __attribute__((format(printf, 3, 4)));

static enum adv_err
cc_late_reject(struct import_run *run, struct cc_pending *p, const char *fmt, ...)
{
	struct contact_import *ci = run->ctx;
	struct cc_excluded *grown;
	char msg[ADV_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->rejected = true;
	cc_count(run->rep, p->outcome, -1);
	run->row_bad = false;
	if (import_reject(run, p->line, cc_names[CC_REPORTS_TO], "%s", msg) != ADV_OK)
		return ADV_ENOMEM;
	if (!run->o->skip_invalid)
		return ADV_OK;
	grown = arena_array_room(run->a, ci->excluded, &ci->cap_excluded, ci->nexcluded,
				 sizeof(*grown));
	if (grown == NULL)
		return ADV_ENOMEM;
	ci->excluded = grown;
	grown[ci->nexcluded].line = p->line;
	grown[ci->nexcluded].field = cc_names[CC_REPORTS_TO];
	if ((grown[ci->nexcluded].message = arena_strdup(run->a, msg)) == NULL)
		return ADV_ENOMEM;
	ci->nexcluded++;
	return ADV_OK;
}

/* Resolves and sets the manager of pending row p (the second pass). */
static enum adv_err
cc_resolve(struct import_run *run, struct cc_pending *p)
{
	struct contact patch, out;
	struct adv_errbuf web = {{0}, {0}};
	const char *why;
	int64_t manager;
	enum adv_err rc;

	arena_reset(&run->row);
	if ((rc = cc_find_manager(run, p->account_id, p->ref, p->line, &manager)) != ADV_OK)
		return rc;
	if (manager == 0)
		return cc_late_reject(run, p,
				      "no person of this client company has the e-mail or external "
				      "id '%s', neither stored nor on a valid row of the file",
				      import_quote(&run->row, p->ref));
	memset(&patch, 0, sizeof(patch));
	patch.reports_to_id = manager;
	rc = contact_update(run->c, &run->row, run->ws_id, run->o->actor, p->account_id, p->id, 0,
			    &patch, KF_BIT(KF_REPORTS_TO), "import", &out, &web);
	if (rc == ADV_EINVAL && strcmp(web.field, "/reports_to_id") == 0) {
		if ((rc = cc_manager_why(run, p->account_id, p->id, manager, p->line, &why)) !=
		    ADV_OK)
			return rc;
		return cc_late_reject(run, p, "'%s' cannot be this person's manager: %s",
				      import_quote(&run->row, p->ref), why);
	}
	if (rc == ADV_EINVAL || rc == ADV_ECONFLICT)
		return cc_late_reject(run, p, "%s", web.msg[0] ? web.msg : adv_strerror(rc));
	if (rc != ADV_OK)
		return adv_fail(run->eb, rc, NULL, "line %zu: %s", p->line,
				web.msg[0] ? web.msg : adv_strerror(rc));
	p->manager_id = manager;
	if (out.version != p->version && p->outcome == CC_UNCHANGED) {
		cc_count(run->rep, CC_UNCHANGED, -1);
		cc_count(run->rep, CC_UPDATED, 1);
		p->outcome = CC_UPDATED;
	}
	return ADV_OK;
}

/* A pending row by its manager, for finding who reports to a left-out person. */
struct cc_by_manager {
	int64_t manager_id;
	size_t i;
};

static int
cc_by_manager_cmp(const void *x, const void *y)
{
	const struct cc_by_manager *a = x, *b = y;

	return a->manager_id < b->manager_id ? -1 : a->manager_id > b->manager_id;
}

static int
cc_excluded_cmp(const void *x, const void *y)
{
	const struct cc_excluded *a = x, *b = y;

	return a->line < b->line ? -1 : a->line > b->line;
}

/*
 * With skip_invalid, after the second pass rejected some rows: also rejects
 * the rows whose manager one of them created (and so on down the chart),
 * since that person will not exist once they are left out.
 */
static enum adv_err
cc_reject_dependents(struct import_run *run)
{
	struct contact_import *ci = run->ctx;
	struct cc_by_manager *by = NULL;
	size_t *stack = NULL, top = 0, n = 0;
	enum adv_err rc = ADV_OK;
	struct arena tmp;

	arena_init(&tmp, 0);
	if ((by = arena_alloc(&tmp, (ci->npending + 1) * sizeof(*by))) == NULL ||
	    (stack = arena_alloc(&tmp, (ci->npending + 1) * sizeof(*stack))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < ci->npending; i++) {
		if (ci->pending[i].manager_id != 0)
			by[n++] = (struct cc_by_manager){ci->pending[i].manager_id, i};
		if (ci->pending[i].rejected && ci->pending[i].outcome == CC_CREATED)
			stack[top++] = i;
	}
	qsort(by, n, sizeof(*by), cc_by_manager_cmp);
	while (top > 0 && rc == ADV_OK) {
		const struct cc_pending *gone = &ci->pending[stack[--top]];
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (by[mid].manager_id < gone->id)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n && by[lo].manager_id == gone->id && rc == ADV_OK; lo++) {
			struct cc_pending *p = &ci->pending[by[lo].i];

			if (p->rejected)
				continue;
			rc = cc_late_reject(run, p,
					    "reports to the person of line %zu, which is left out",
					    gone->line);
			if (p->outcome == CC_CREATED)
				stack[top++] = by[lo].i;
		}
	}
out:
	arena_free(&tmp);
	return rc;
}

/* Puts the report's problems in file order (stable: a row's problems keep their order). */
static void
cc_sort_rejects(struct import_report *rep)
{
	for (size_t i = 1; i < rep->nrejects; i++) {
		struct import_reject x = rep->rejects[i];
		size_t k = i;

		for (; k > 0 && rep->rejects[k - 1].line > x.line; k--)
			rep->rejects[k] = rep->rejects[k - 1];
		rep->rejects[k] = x;
	}
}

/* The second pass: the managers not known during the first. */
static enum adv_err
cc_finish(struct import_run *run)
{
	struct contact_import *ci = run->ctx;
	size_t rejected = run->rep->rows_rejected;
	enum adv_err rc = ADV_OK;

	for (size_t i = 0; i < ci->npending && rc == ADV_OK; i++)
		if (ci->pending[i].manager_id == 0)
			rc = cc_resolve(run, &ci->pending[i]);
	if (rc != ADV_OK) {
		if (rc == ADV_ENOMEM)
			adv_fail(run->eb, rc, NULL, "out of memory");
		return rc;
	}
	if (run->rep->rows_rejected == rejected)
		return ADV_OK;
	if (!run->o->skip_invalid) {
		cc_sort_rejects(run->rep);
		return ADV_OK;
	}
	if ((rc = cc_reject_dependents(run)) != ADV_OK)
		return adv_fail(run->eb, rc, NULL, "out of memory");
	qsort(ci->excluded, ci->nexcluded, sizeof(*ci->excluded), cc_excluded_cmp);
	run->again = true;
	return ADV_OK;
}

static const struct import_kind cc_kind = {&cc_columns, cc_header, cc_record, cc_finish};

enum adv_err
import_contacts(struct db_conn *c, struct arena *a, int64_t ws_id, const char *data, size_t n,
		const struct import_opts *o, struct import_report *rep, struct adv_errbuf *eb)
{
	struct contact_import *ci = arena_zalloc(a, sizeof(*ci));

	if (ci == NULL) {
		memset(rep, 0, sizeof(*rep));
		return ADV_ENOMEM;
	}
	ci->cached_col = -1;
	return import_file(c, a, ws_id, data, n, o, &cc_kind, ci, rep, eb);
}

/* What the export's account_each() callback needs. */
struct cc_export {
	struct db_conn *c;
	int64_t ws_id;
	struct table_out *t;
	struct arena scratch; /* the contacts of one account */
	size_t rows;
	enum adv_err table_rc; /* the table's first failure, explained by table_out_finish() */
};

/* A list joined with ", " in a; NULL for an empty one or when out of memory. */
static const char *
cc_join(struct arena *a, const char *const *v, size_t n)
{
	size_t len = 0;
	char *s, *p;

	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + sizeof(EXPORT_LIST_SEP) - 1;
	if ((s = p = arena_alloc(a, len + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(v[i]);

		if (i > 0) {
			memcpy(p, EXPORT_LIST_SEP, sizeof(EXPORT_LIST_SEP) - 1);
			p += sizeof(EXPORT_LIST_SEP) - 1;
		}
		memcpy(p, v[i], k);
		p += k;
	}
	*p = '\0';
	return s;
}

/* How the file names k's manager among the account's people: external id, else first e-mail. */
static const char *
cc_manager_ref(const struct contact *k, const struct contact *items, size_t n)
{
	for (size_t i = 0; k->reports_to_id != 0 && i < n; i++) {
		if (items[i].id != k->reports_to_id)
			continue;
		if (items[i].external_id != NULL)
			return items[i].external_id;
		return items[i].nemails > 0 ? items[i].emails[0] : NULL;
	}
	return NULL;
}

/* Writes the people of one account as rows, the columns in enum contact_io_col order. */
static enum adv_err
cc_export_account(void *ctx, const struct account *acc)
{
	struct cc_export *x = ctx;
	struct table_out *t = x->t;
	struct contact *items;
	size_t n;
	enum adv_err rc;

	arena_reset(&x->scratch);
	if ((rc = contact_list(x->c, &x->scratch, x->ws_id, acc->id, false, &items, &n)) != ADV_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct contact *k = &items[i];
		const char *emails = cc_join(&x->scratch, k->emails, k->nemails);
		const char *phones = cc_join(&x->scratch, k->phones, k->nphones);

		if ((emails == NULL && k->nemails > 0) || (phones == NULL && k->nphones > 0))
			return ADV_ENOMEM;
		table_out_str(t, acc->external_id);
		table_out_str(t, acc->inn);
		table_out_str(t, k->name);
		table_out_str(t, k->position);
		table_out_str(t, k->department);
		table_out_str(t, emails);
		table_out_str(t, phones);
		table_out_str(t, cc_manager_ref(k, items, n));
		table_out_str(t, contact_role_name(k->buying_role));
		table_out_str(t, contact_attitude_name(k->attitude));
		table_out_str(t, contact_influence_name(k->influence));
		table_out_str(t, contact_relationship_name(k->relationship));
		table_out_str(t, k->owner_email);
		table_out_date(t, k->last_contact_on);
		table_out_date(t, k->left_on);
		table_out_str(t, k->notes);
		table_out_str(t, k->external_id);
		x->rows++;
		if ((x->table_rc = table_out_end_row(t)) != ADV_OK)
			return x->table_rc;
	}
	return ADV_OK;
}

enum adv_err
export_contacts(struct db_conn *c, int64_t ws_id, enum table_format fmt, enum export_lang lang,
		struct buf *out, size_t *rows, struct adv_errbuf *eb)
{
	struct account_filter f = {.sort = ACCOUNT_SORT_NAME, .limit = ACCOUNT_LIST_LIMIT_MAX};
	struct cc_export x = {c, ws_id, NULL, {NULL, 0, 0}, 0, ADV_OK};
	struct arena a;
	enum adv_err rc;

	arena_init(&a, EXPORT_ARENA_LIMIT);
	arena_init(&x.scratch, EXPORT_ARENA_LIMIT);
	rc = export_open(&x.t, fmt, lang, &cc_columns, EXPORT_SHEET_RU, EXPORT_SHEET_EN, eb);
	if (rc != ADV_OK)
		goto out;
	rc = account_each(c, &a, ws_id, &f, cc_export_account, &x);
	if (rc != ADV_OK && x.table_rc == ADV_OK) {
		adv_fail(eb, rc, NULL, "reading the contacts to export failed: %s",
			 adv_strerror(rc));
		goto out;
	}
	rc = table_out_finish(x.t, out, eb);
	if (rc == ADV_OK && rows != NULL)
		*rows = x.rows;
out:
	table_out_free(x.t);
	arena_free(&x.scratch);
	arena_free(&a);
	return rc;
}
