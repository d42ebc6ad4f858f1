/*
 * response_import.c — the responses import (see response_io.h): the run
 * (transaction, report, the CSV reader), the header's mapping of columns to
 * questions and fixed names, and each row's turn into a submitted response
 * through response_create_in() (the study's context loaded once per
 * import) or, for a respondent_id the study has, response_update(). A .sav file is read by
 * core/response_sav.c into the same two calls.
 */
#include <string.h>

#include "core/account.h"
#include "core/contact.h"
#include "core/response_io_impl.h"
#include "util/date.h"
#include "util/num.h"
#include "util/str.h"

#define RIO_NAMES_LISTED 12 /* columns or codes named in one message */

static const char *const rio_col_names[RIO__MAX] = {
    [RIO_ID] = "id",
    [RIO_RESPONDENT_ID] = "respondent_id",
    [RIO_ACCOUNT_ID] = "account_id",
    [RIO_ACCOUNT_NAME] = "account_name",
    [RIO_CONTACT_ID] = "contact_id",
    [RIO_CONTACT_NAME] = "contact_name",
    [RIO_CHANNEL] = "channel",
    [RIO_STATUS] = "status",
    [RIO_SUBMITTED_AT] = "submitted_at",
    [RIO_LANG] = "lang",
    [RIO_ACCOUNT_EXTERNAL_ID] = "account_external_id",
    [RIO_INN] = "inn",
    [RIO_CONTACT_EXTERNAL_ID] = "contact_external_id",
    [RIO_CONTACT_EMAIL] = "contact_email",
};

/* Columns the export writes for people and the import passes over. */
static const bool rio_col_ignored[RIO__MAX] = {
    [RIO_ID] = true,	  [RIO_ACCOUNT_NAME] = true, [RIO_CONTACT_NAME] = true,
    [RIO_CHANNEL] = true, [RIO_STATUS] = true,
};

/* Longest text of the text columns, in characters. */
static const size_t rio_col_max[RIO__MAX] = {
    [RIO_RESPONDENT_ID] = RESPONSE_KEY_MAX,
    [RIO_ACCOUNT_EXTERNAL_ID] = ACCOUNT_EXTERNAL_ID_MAX,
    [RIO_INN] = ACCOUNT_TEXT_MAX,
    [RIO_CONTACT_EXTERNAL_ID] = CONTACT_EXTERNAL_ID_MAX,
    [RIO_CONTACT_EMAIL] = CONTACT_EMAIL_MAX,
};

/* The folded texts of a choice question's options (ru and en), for matching cells. */
struct rio_choice {
	const char **ru, **en;
};

/* One row as parsed: the identifying columns and the answers keyed by code. */
struct rio_parsed {
	const char *text[RIO__MAX]; /* the fixed columns' cells (NULL: empty or absent) */
	json_t *answers;	    /* code → value, null for an empty cell (updates) */
	int64_t account_id, contact_id;
	const char *account_field, *contact_field; /* the columns that named them */
	const char *submitted_at;
	const char *lang;
};

static struct db_sql sql_account_by_inn =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND inn = ?2 AND archived_at IS NULL"
	   " ORDER BY id LIMIT 2");
static struct db_sql sql_by_key =
    DB_SQL("SELECT id FROM responses WHERE workspace_id = ?1 AND study_id = ?2"
	   " AND respondent_key = ?3");

const char *
rio_col_name(enum rio_col col)
{
	return rio_col_names[col];
}

void
rio_sav_name(const char *code, char out[RIO_SAV_NAME_MAX + 1])
{
	size_t k = 0;

	if (code[0] >= '0' && code[0] <= '9')
		out[k++] = 'q';
	for (size_t i = 0; code[i] != '\0' && k < RIO_SAV_NAME_MAX; i++)
		out[k++] = code[i] == '-' ? '_' : code[i];
	out[k] = '\0';
}

/* Appends name to the list in b (", " between), up to RIO_NAMES_LISTED of them. */
static void
rio_list_add(struct buf *b, size_t *count, const char *name)
{
	if (*count < RIO_NAMES_LISTED)
		buf_printf(b, "%s%s", *count > 0 ? ", " : "", name != NULL ? name : "");
	else if (*count == RIO_NAMES_LISTED)
		buf_puts(b, ", …");
	(*count)++;
}

/* The column a folded header names: RIO_QUESTION + i, an enum rio_col, or -1. */
static int
rio_header_column(const struct rio_import *im, const char *folded)
{
	char sav[RIO_SAV_NAME_MAX + 1];

	for (size_t i = 0; i < im->ctx.nquestions; i++) {
		const char *code = im->ctx.questions[i].code;

		rio_sav_name(code, sav);
		if (strcmp(folded, code) == 0 || str_ieq(folded, sav))
			return RIO_QUESTION + (int)i;
	}
	for (int k = 0; k < RIO__MAX; k++)
		if (strcmp(folded, rio_col_names[k]) == 0)
			return k;
	return -1;
}

/* Folds the options of the choice questions once, for rio_choice_value. */
static enum adv_err
rio_choices_init(struct rio_import *im)
{
	struct arena *a = im->run.a;

	im->choices = arena_zalloc(a, (im->ctx.nquestions + 1) * sizeof(*im->choices));
	if (im->choices == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < im->ctx.nquestions; i++) {
		const struct question *q = &im->ctx.questions[i];
		struct rio_choice *ch = &im->choices[i];

		if (q->kind != QK_CHOICE || q->noptions == 0)
			continue;
		ch->ru = arena_alloc(a, q->noptions * sizeof(*ch->ru));
		ch->en = arena_alloc(a, q->noptions * sizeof(*ch->en));
		if (ch->ru == NULL || ch->en == NULL)
			return ADV_ENOMEM;
		for (size_t k = 0; k < q->noptions; k++) {
			ch->ru[k] = str_fold(a, q->options[k].text.ru ? q->options[k].text.ru : "");
			ch->en[k] = str_fold(a, q->options[k].text.en ? q->options[k].text.en : "");
			if (ch->ru[k] == NULL || ch->en[k] == NULL)
				return ADV_ENOMEM;
		}
	}
	return ADV_OK;
}

/* Names the study's question codes in b, for messages. */
static void
rio_codes(const struct rio_import *im, struct buf *b)
{
	size_t count = 0;

	for (size_t i = 0; i < im->ctx.nquestions; i++)
		if (im->ctx.questions[i].active)
			rio_list_add(b, &count, im->ctx.questions[i].code);
	if (count == 0)
		buf_puts(b, "none: the study has no questions");
}

enum adv_err
rio_header(struct rio_import *im, size_t line, const char *const *names, size_t n)
{
	struct arena *a = im->run.a;
	struct buf unknown, codes;
	size_t nunknown = 0, nquestions = 0;
	enum adv_err rc = ADV_OK;

	buf_init(&unknown, 0);
	buf_init(&codes, 0);
	im->have_header = true;
	im->ncols = n;
	im->fixed = 0;
	if ((im->col = arena_alloc(a, (n + 1) * sizeof(*im->col))) == NULL ||
	    (rc = rio_choices_init(im)) != ADV_OK) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *folded;
		int col;

		im->col[i] = RIO_IGNORED;
		if (names[i][0] == '\0')
			continue;
		if ((folded = str_fold(a, names[i])) == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
		if ((col = rio_header_column(im, folded)) < 0) {
			rio_list_add(&unknown, &nunknown,
				     arena_printf(a, "'%s'", import_quote(a, names[i])));
			continue;
		}
		for (size_t k = 0; k < i; k++) {
			if (im->col[k] != col)
				continue;
			rc = adv_fail(im->run.eb, ADV_EINVAL, NULL,
				      "line %zu: columns %zu and %zu are both '%s'", line, k + 1,
				      i + 1, import_quote(a, names[i]));
			goto out;
		}
		im->col[i] = col;
		if (col >= RIO_QUESTION)
			nquestions++;
		else
			im->fixed |= 1u << col;
	}
	if (nunknown > 0 || nquestions == 0)
		rio_codes(im, &codes);
	if (nunknown > 0)
		rc = adv_fail(
		    im->run.eb, ADV_EINVAL, NULL,
		    "line %zu: %s %s %s neither a question of the study nor a known column; "
		    "the study's question codes: %s; other columns: respondent_id, "
		    "account_id, account_external_id, inn, contact_id, "
		    "contact_external_id, contact_email, submitted_at, lang",
		    line, nunknown == 1 ? "the column" : "the columns",
		    unknown.data ? unknown.data : "", nunknown == 1 ? "is" : "are",
		    codes.data ? codes.data : "");
	else if (nquestions == 0)
		rc = adv_fail(im->run.eb, ADV_EINVAL, NULL,
			      "line %zu: no column is a question of the study; name the columns by "
			      "the question codes: %s",
			      line, codes.data ? codes.data : "");
out:
	buf_release(&unknown);
	buf_release(&codes);
	return rc;
}

/* The option of choice question qi that cell v (or its label) names: its code, or NULL. */
static const char *
rio_choice_value(struct rio_import *im, size_t qi, const char *v, const char *label)
{
	const struct question *q = &im->ctx.questions[qi];
	const struct rio_choice *ch = &im->choices[qi];
	const char *try[2] = {v, label};

	for (size_t t = 0; t < 2; t++) {
		const char *f;

		if (try[t] == NULL)
			continue;
		for (size_t k = 0; k < q->noptions; k++)
			if (str_ieq(try[t], q->options[k].code))
				return q->options[k].code;
		if ((f = str_fold(&im->run.row, try[t])) == NULL)
			return NULL;
		for (size_t k = 0; k < q->noptions; k++)
			if (strcmp(f, ch->ru[k]) == 0 || strcmp(f, ch->en[k]) == 0)
				return q->options[k].code;
	}
	return NULL;
}

/* Names the options of question q in b, for messages. */
static void
rio_options(const struct question *q, struct buf *b)
{
	size_t count = 0;

	for (size_t k = 0; k < q->noptions; k++)
		rio_list_add(b, &count, q->options[k].code);
}

/* A number as JSON: an integer when it is whole, else a real; NULL when out of memory. */
static json_t *
rio_number(double d)
{
	if (d >= -1e15 && d <= 1e15 && d == (double)(int64_t)d)
		return json_integer((json_int_t)d);
	return json_real(d);
}

/*
 * Turns the non-empty cell of question qi into its answer *out (a new
 * reference), or records a problem of the row at the question's code
 * (*out NULL). The result is only for ADV_ENOMEM.
 */
static enum adv_err
rio_answer(struct rio_import *im, size_t line, size_t qi, const struct rio_cell *cell, json_t **out)
{
	const struct question *q = &im->ctx.questions[qi];
	struct import_run *run = &im->run;
	const char *v = cell->v, *p, *code;
	struct buf opts;
	double d;
	int64_t id;
	enum adv_err rc;

	*out = NULL;
	switch (q->kind) {
	case QK_RECOMMEND:
	case QK_COMPONENT:
	case QK_COMPETITOR_COMPONENT:
	case QK_SATISFACTION:
	case QK_INTENTION:
		if (!num_parse_ru(v, &d))
			return import_reject(run, line, q->code, "'%s' is not a number",
					     import_quote(&run->row, v));
		*out = rio_number(d);
		break;
	case QK_FACTORS:
		if ((*out = json_array()) == NULL)
			return ADV_ENOMEM;
		for (p = v; *p != '\0';) {
			size_t len = strcspn(p, "|,"), tl;
			const char *t = str_trim(p, len, &tl);
			char *piece;

			p += len + (p[len] != '\0');
			if (tl == 0)
				continue;
			if ((piece = arena_strndup(&run->row, t, tl)) == NULL)
				return ADV_ENOMEM;
			if (!str_to_i64(piece, &id) || id <= 0) {
				json_decref(*out);
				*out = NULL;
				return import_reject(
				    run, line, q->code,
				    "'%s' is not a factor id: write the ids of the "
				    "catalogue's factors separated by '|'",
				    import_quote(&run->row, piece));
			}
			json_array_append_new(*out, json_integer((json_int_t)id));
		}
		break;
	case QK_CHOICE:
		if ((code = rio_choice_value(im, qi, v, cell->label)) == NULL) {
			buf_init(&opts, 0);
			rio_options(q, &opts);
			rc = import_reject(run, line, q->code,
					   "'%s' is not an option of the question: write one of %s",
					   import_quote(&run->row, cell->label ? cell->label : v),
					   opts.data ? opts.data : "");
			buf_release(&opts);
			return rc;
		}
		*out = json_string(code);
		break;
	default:
		*out = json_stringn(v, cell->n);
		break;
	}
	return *out != NULL ? ADV_OK : ADV_ENOMEM;
}

/* True when t is HH:MM or HH:MM:SS, optionally followed by 'Z', and nothing else. */
static bool
rio_clock(const char *t, unsigned *hh, unsigned *mm, unsigned *ss)
{
	const char *p = t + 5;

#define RIO_D(c) ((c) >= '0' && (c) <= '9')
	if (!RIO_D(t[0]) || !RIO_D(t[1]) || t[2] != ':' || !RIO_D(t[3]) || !RIO_D(t[4]))
		return false;
	*hh = (unsigned)(t[0] - '0') * 10 + (unsigned)(t[1] - '0');
	*mm = (unsigned)(t[3] - '0') * 10 + (unsigned)(t[4] - '0');
	if (p[0] == ':' && RIO_D(p[1]) && RIO_D(p[2])) {
		*ss = (unsigned)(p[1] - '0') * 10 + (unsigned)(p[2] - '0');
		p += 3;
	}
#undef RIO_D
	p += *p == 'Z';
	return *p == '\0' && *hh < 24 && *mm < 60 && *ss < 60;
}

/*
 * Parses submitted_at: a date (YYYY-MM-DD or DD.MM.YYYY), optionally
 * followed by ' ' or 'T' and HH:MM[:SS] and a 'Z' (UTC is assumed), into
 * an ISO-8601 UTC time in the row arena (*out), or records a problem.
 */
static enum adv_err
rio_time(struct import_run *run, size_t line, const char *v, const char **out)
{
	char date[DATE_TEXT_SIZE], day[DATE_TEXT_SIZE + 1];
	unsigned hh = 0, mm = 0, ss = 0;
	size_t dl = strcspn(v, " T");
	bool ok = dl < sizeof(day);

	if (ok) {
		memcpy(day, v, dl);
		day[dl] = '\0';
		ok = date_parse(day, date) &&
		     (v[dl] == '\0' || rio_clock(v + dl + 1, &hh, &mm, &ss));
	}
	if (!ok)
		return import_reject(run, line, rio_col_names[RIO_SUBMITTED_AT],
				     "'%s' is not a date or a date-time: write YYYY-MM-DD, "
				     "DD.MM.YYYY or YYYY-MM-DDTHH:MM:SSZ",
				     import_quote(&run->row, v));
	*out = arena_printf(&run->row, "%sT%02u:%02u:%02uZ", date, hh, mm, ss);
	return *out != NULL ? ADV_OK : ADV_ENOMEM;
}

/* Parses a fixed column's non-empty cell into r; problems are the row's. */
static enum adv_err
rio_fixed(struct rio_import *im, size_t line, enum rio_col col, const struct rio_cell *cell,
	  struct rio_parsed *r)
{
	struct import_run *run = &im->run;
	int64_t id;

	if (rio_col_ignored[col])
		return ADV_OK;
	switch (col) {
	case RIO_ACCOUNT_ID:
	case RIO_CONTACT_ID:
		if (!str_to_i64(cell->v, &id) || id <= 0)
			return import_reject(run, line, rio_col_names[col], "'%s' is not an id",
					     import_quote(&run->row, cell->v));
		r->text[col] = cell->v;
		return ADV_OK;
	case RIO_SUBMITTED_AT:
		return rio_time(run, line, cell->v, &r->submitted_at);
	case RIO_LANG:
		if (!str_ieq(cell->v, "ru") && !str_ieq(cell->v, "en"))
			return import_reject(run, line, rio_col_names[col],
					     "'%s' is not a language: write ru or en",
					     import_quote(&run->row, cell->v));
		r->lang = str_ieq(cell->v, "ru") ? "ru" : "en";
		return ADV_OK;
	default:
		return import_text(run, line, rio_col_names[col], cell->v, cell->n,
				   rio_col_max[col], &r->text[col]);
	}
}

/* The one live account with INN inn: *id, 0 when none, -1 when several. */
static enum adv_err
rio_account_by_inn(struct db_conn *c, int64_t ws_id, const char *inn, int64_t *id)
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
 * Looks key of identifying column col up (account_external_id, inn,
 * contact_external_id, contact_email within account_id) into *id (0: none,
 * -1: several), with a cache of the last key per column.
 */
static enum adv_err
rio_lookup(struct rio_import *im, enum rio_col col, const char *key, int64_t account_id,
	   int64_t *id)
{
	struct import_run *run = &im->run;
	enum adv_err rc;

	if (im->cached_key[col] != NULL && strcmp(im->cached_key[col], key) == 0 &&
	    (col != RIO_CONTACT_EMAIL || im->cached_account == account_id)) {
		*id = im->cached_id[col];
		return ADV_OK;
	}
	*id = 0;
	switch (col) {
	case RIO_ACCOUNT_EXTERNAL_ID:
		rc = account_find_external(run->c, run->ws_id, key, id);
		if (rc == ADV_ENOTFOUND)
			rc = ADV_OK;
		break;
	case RIO_INN:
		rc = rio_account_by_inn(run->c, run->ws_id, key, id);
		break;
	case RIO_CONTACT_EXTERNAL_ID:
		rc = contact_find(run->c, run->ws_id, 0, key, NULL, id);
		break;
	default:
		rc = contact_find(run->c, run->ws_id, account_id, NULL, key, id);
		im->cached_account = account_id;
		break;
	}
	if (rc != ADV_OK)
		return adv_fail(run->eb, rc, NULL, "looking up %s '%s' failed", rio_col_names[col],
				import_quote(&run->row, key));
	if ((im->cached_key[col] = arena_strdup(run->a, key)) == NULL)
		return ADV_ENOMEM;
	im->cached_id[col] = *id;
	return ADV_OK;
}

/* Resolves the client company and the person the row names; problems are the row's. */
static enum adv_err
rio_client(struct rio_import *im, size_t line, struct rio_parsed *r)
{
	static const enum rio_col accounts[] = {RIO_ACCOUNT_EXTERNAL_ID, RIO_INN};
	static const enum rio_col contacts[] = {RIO_CONTACT_EXTERNAL_ID, RIO_CONTACT_EMAIL};
	struct import_run *run = &im->run;
	enum adv_err rc;
	int64_t id;

	if (r->text[RIO_ACCOUNT_ID] != NULL) {
		str_to_i64(r->text[RIO_ACCOUNT_ID], &r->account_id);
		r->account_field = rio_col_names[RIO_ACCOUNT_ID];
	}
	for (size_t i = 0; r->account_id == 0 && i < 2; i++) {
		const char *key = r->text[accounts[i]], *name = rio_col_names[accounts[i]];

		if (key == NULL)
			continue;
		if ((rc = rio_lookup(im, accounts[i], key, 0, &id)) != ADV_OK)
			return rc;
		if (id <= 0)
			return import_reject(
			    run, line, name,
			    id == 0 ? "no client company of this workspace has the %s '%s'"
				    : "several client companies have the %s '%s': name the company "
				      "by account_id or account_external_id",
			    accounts[i] == RIO_INN ? "INN" : "external id",
			    import_quote(&run->row, key));
		r->account_id = id;
		r->account_field = name;
	}
	if (r->text[RIO_CONTACT_ID] != NULL) {
		str_to_i64(r->text[RIO_CONTACT_ID], &r->contact_id);
		r->contact_field = rio_col_names[RIO_CONTACT_ID];
	}
	for (size_t i = 0; r->contact_id == 0 && i < 2; i++) {
		const char *key = r->text[contacts[i]], *name = rio_col_names[contacts[i]];

		if (key == NULL)
			continue;
		if (contacts[i] == RIO_CONTACT_EMAIL && r->account_id == 0)
			return import_reject(run, line, name,
					     "a person named by e-mail needs the client company "
					     "too: give account_id, account_external_id or inn");
		if ((rc = rio_lookup(im, contacts[i], key, r->account_id, &id)) != ADV_OK)
			return rc;
		if (id == 0)
			return import_reject(
			    run, line, name,
			    contacts[i] == RIO_CONTACT_EMAIL
				? "no person of this client company has the e-mail "
				  "'%s'"
				: "no person of this workspace has the external id "
				  "'%s'",
			    import_quote(&run->row, key));
		r->contact_id = id;
		r->contact_field = name;
	}
	return ADV_OK;
}

/* The response of the study with respondent key key: *id, 0 when none. */
static enum adv_err
rio_by_key(struct rio_import *im, const char *key, int64_t *id)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*id = 0;
	if ((rc = db_prepare(im->run.c, &sql_by_key, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, im->run.ws_id);
	db_bind_int(st, 2, im->study_id);
	db_bind_text(st, 3, key);
	if ((rc = db_step(st, &row)) == ADV_OK && row) {
		*id = db_col_int(st, 0);
		db_done(st);
	}
	return rc;
}

/*
 * Turns the refusal of response_create/update into a problem of the row,
 * naming the column ("/answers/nps" → "nps", "/account_id" → the column that
 * named the company); other codes stop the import.
 */
static enum adv_err
rio_write_failed(struct rio_import *im, enum adv_err rc, const struct adv_errbuf *web, size_t line,
		 const struct rio_parsed *r)
{
	const char *f = web->field, *field = "";
	const char *msg = web->msg[0] ? web->msg : adv_strerror(rc);

	if (rc != ADV_EINVAL && rc != ADV_ECONFLICT) {
		adv_fail(im->run.eb, rc, NULL, "line %zu: %s", line, msg);
		return rc;
	}
	if (strncmp(f, "/answers/", 9) == 0)
		field = f + 9;
	else if (strcmp(f, "/account_id") == 0 && r->account_field != NULL)
		field = r->account_field;
	else if (strcmp(f, "/contact_id") == 0 && r->contact_field != NULL)
		field = r->contact_field;
	else if (strcmp(f, "/respondent_key") == 0)
		field = rio_col_names[RIO_RESPONDENT_ID];
	else if (strcmp(f, "/submitted_at") == 0 || strcmp(f, "/lang") == 0)
		field = f + 1;
	return import_reject(&im->run, line, field, "%s", msg);
}

/* The response fields a row sets besides the answers, in *in and *mask. */
static void
rio_fields(const struct rio_parsed *r, struct response *in, uint32_t *mask)
{
	if (r->account_id != 0) {
		in->account_id = r->account_id;
		*mask |= RF_BIT(RF_ACCOUNT);
	}
	if (r->contact_id != 0) {
		in->contact_id = r->contact_id;
		*mask |= RF_BIT(RF_CONTACT);
	}
	if (r->lang != NULL) {
		in->lang = r->lang;
		*mask |= RF_BIT(RF_LANG);
	}
	if (r->submitted_at != NULL) {
		in->submitted_at = r->submitted_at;
		*mask |= RF_BIT(RF_SUBMITTED_AT);
	}
}

/* Writes the parsed row: a new response, or the update of the one its respondent_id names. */
static enum adv_err
rio_write(struct rio_import *im, size_t line, struct rio_parsed *r)
{
	struct import_run *run = &im->run;
	struct adv_errbuf web = {{0}, {0}};
	struct response in, old, out;
	const char *key = r->text[RIO_RESPONDENT_ID], *code;
	uint32_t mask = RF_BIT(RF_ANSWERS);
	int64_t id = 0;
	json_t *v;
	void *tmp;
	enum adv_err rc;

	memset(&in, 0, sizeof(in));
	if (key != NULL && (rc = rio_by_key(im, key, &id)) != ADV_OK)
		return adv_fail(run->eb, rc, NULL, "line %zu: looking up respondent_id failed",
				line);
	rio_fields(r, &in, &mask);
	in.answers_in = r->answers;
	in.status = RS_SUBMITTED;
	if (id == 0) {
		json_object_foreach_safe(r->answers, tmp, code, v)
		{
			if (json_is_null(v))
				json_object_del(r->answers, code);
		}
		in.channel = RC_IMPORT;
		in.respondent_key = key;
		mask |= RF_BIT(RF_STATUS) | (key != NULL ? RF_BIT(RF_RESPONDENT_KEY) : 0);
		rc = response_create_in(run->c, &run->row, run->ws_id, run->o->actor, &im->ctx, &in,
					mask, &id, &web);
		if (rc == ADV_OK)
			run->rep->created++;
	} else {
		if ((rc = response_get(run->c, &run->row, run->ws_id, im->study_id, id, &old)) !=
		    ADV_OK)
			return adv_fail(run->eb, rc, NULL, "line %zu: reading the response failed",
					line);
		if (old.status != RS_SUBMITTED)
			mask |= RF_BIT(RF_STATUS);
		rc = response_update(run->c, &run->row, run->ws_id, run->o->actor, im->study_id, id,
				     0, &in, mask, &out, &web);
		if (rc == ADV_OK && out.version != old.version)
			run->rep->updated++;
		else if (rc == ADV_OK)
			run->rep->unchanged++;
	}
	if (rc != ADV_OK)
		return rio_write_failed(im, rc, &web, line, r);
	return ADV_OK;
}

/* Parses the cells of one row into r; problems are the row's. */
static enum adv_err
rio_parse(struct rio_import *im, size_t line, const struct rio_cell *cells, size_t n,
	  struct rio_parsed *r)
{
	struct import_run *run = &im->run;
	enum adv_err rc = ADV_OK;

	for (size_t i = 0; i < n && rc == ADV_OK; i++) {
		int col = i < im->ncols ? im->col[i] : RIO_IGNORED;
		json_t *v;

		if (col == RIO_IGNORED && cells[i].n > 0)
			rc = import_reject(run, line, "",
					   "column %zu has a value but no header naming it", i + 1);
		else if (col >= RIO_QUESTION && cells[i].n == 0)
			rc = json_object_set_new(r->answers,
						 im->ctx.questions[col - RIO_QUESTION].code,
						 json_null()) == 0
				 ? ADV_OK
				 : ADV_ENOMEM;
		else if (col >= RIO_QUESTION) {
			rc = rio_answer(im, line, (size_t)(col - RIO_QUESTION), &cells[i], &v);
			if (v != NULL &&
			    json_object_set_new(r->answers,
						im->ctx.questions[col - RIO_QUESTION].code, v) != 0)
				rc = ADV_ENOMEM;
		} else if (col != RIO_IGNORED && cells[i].n > 0)
			rc = rio_fixed(im, line, (enum rio_col)col, &cells[i], r);
	}
	return rc;
}

enum adv_err
rio_row(struct rio_import *im, size_t line, const struct rio_cell *cells, size_t n)
{
	struct import_run *run = &im->run;
	struct rio_parsed r;
	enum adv_err rc;

	run->rep->rows_read++;
	run->row_bad = false;
	memset(&r, 0, sizeof(r));
	if ((r.answers = json_object()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = rio_parse(im, line, cells, n, &r)) != ADV_OK || run->row_bad)
		goto out;
	if ((rc = rio_client(im, line, &r)) != ADV_OK || run->row_bad)
		goto out;
	rc = rio_write(im, line, &r);
out:
	json_decref(r.answers);
	if (rc == ADV_ENOMEM)
		adv_fail(run->eb, rc, NULL, "line %zu: out of memory", line);
	if (rc == ADV_OK && run->o->progress != NULL &&
	    run->rep->rows_read % IMPORT_PROGRESS_EVERY == 0)
		run->o->progress(run->o->progress_ctx, run->rep->rows_read);
	return rc;
}

/* The CSV reader's callback: the header first, then the rows. */
static enum adv_err
rio_csv_row(void *ctx, const struct csv_row *row)
{
	struct rio_import *im = ctx;
	struct rio_cell *cells;
	const char **names;

	arena_reset(&im->run.row);
	if ((cells = arena_alloc(&im->run.row, (row->nfields + 1) * sizeof(*cells))) == NULL ||
	    (names = arena_alloc(&im->run.row, (row->nfields + 1) * sizeof(*names))) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < row->nfields; i++) {
		const char *s = row->fields[i];
		size_t len = row->lens[i];

		/* The export's apostrophe before text a spreadsheet would run as a formula. */
		if (len >= 2 && s[0] == '\'' && strchr("=+-@\t\r", s[1]) != NULL) {
			s++;
			len--;
		}
		s = str_trim(s, len, &len);
		if ((names[i] = arena_strndup(&im->run.row, s, len)) == NULL)
			return ADV_ENOMEM;
		cells[i] = (struct rio_cell){names[i], len, NULL};
	}
	if (!im->have_header)
		return rio_header(im, row->line, names, row->nfields);
	return rio_row(im, row->line, cells, row->nfields);
}

/* Reads the CSV file of n bytes at data through the rows. */
static enum adv_err
rio_csv_read(struct rio_import *im, const char *data, size_t n)
{
	struct buf text;
	enum adv_err rc;

	buf_init(&text, IMPORT_BYTES_MAX);
	rc = enc_to_utf8(data, n, IMPORT_BYTES_MAX, &text, &im->run.rep->encoding, im->run.eb);
	if (rc == ADV_OK)
		rc = csv_read_buf(text.data, text.len, NULL, rio_csv_row, im,
				  &im->run.rep->delimiter, im->run.eb);
	buf_release(&text);
	return rc;
}

enum adv_err
import_responses(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
		 const char *data, size_t n, const struct import_opts *o, struct import_report *rep,
		 struct adv_errbuf *eb)
{
	struct rio_import *im;
	bool sav = response_sav_magic(data, n);
	enum adv_err rc;

	memset(rep, 0, sizeof(*rep));
	if ((im = arena_zalloc(a, sizeof(*im))) == NULL)
		return ADV_ENOMEM;
	im->run.c = c;
	im->run.a = a;
	arena_init(&im->run.row, IMPORT_ROW_ARENA_LIMIT);
	im->run.ws_id = ws_id;
	im->run.o = o;
	im->run.rep = rep;
	im->run.eb = eb;
	im->study_id = study_id;
	if (db_in_tx(c)) {
		rc = adv_fail(eb, ADV_EINTERNAL, NULL, "import started inside a transaction");
		goto out;
	}
	if ((rc = db_begin(c)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot start the import's transaction");
		goto out;
	}
	if ((rc = response_context_load(c, a, ws_id, study_id, &im->ctx)) != ADV_OK) {
		adv_fail(eb, rc, NULL,
			 rc == ADV_ENOTFOUND ? "no such study"
					     : "reading the study "
					       "failed");
		goto out;
	}
	rc = sav ? rio_sav_read(im, data, n) : rio_csv_read(im, data, n);
	if (rc != ADV_OK)
		goto out;
	if (!im->have_header) {
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
	arena_free(&im->run.row);
	return rc;
}
