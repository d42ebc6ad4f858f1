/*
 * contact.c — the people of a client company (see contact.h): the field
 * checks, the reporting-line rules (a live contact of the same account, no
 * cycle), versioned edits, deleting with the reports re-parented or detached,
 * restoring, and an audit entry in the account's history for every change.
 * All SQL about the contacts table lives here; the influence links are in
 * contact_link.c.
 */
#include "core/contact.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/contact_impl.h"
#include "core/identity.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/date.h"
#include "util/str.h"

const char *const contact_role_values[] = {
    "decision_maker", "economic_buyer", "technical_buyer", "user_buyer",
    "influencer",     "gatekeeper",	"coach",	   NULL,
};
const char *const contact_attitude_values[] = {
    [ATT_CHAMPION] = "champion", [ATT_SUPPORTER] = "supporter", [ATT_NEUTRAL] = "neutral",
    [ATT_SKEPTIC] = "skeptic",	 [ATT_OPPONENT] = "opponent",	[ATT__MAX] = NULL,
};
const char *const contact_influence_values[] = {
    [INF_HIGH] = "high", [INF_MEDIUM] = "medium", [INF_LOW] = "low", [INF__MAX] = NULL};
const char *const contact_relationship_values[] = {
    [REL_NONE] = "none",
    [REL_WEAK] = "weak",
    [REL_WORKING] = "working",
    [REL_STRONG] = "strong",
    [REL_TRUSTED_ADVISOR] = "trusted_advisor",
    [REL__MAX] = NULL,
};
const char *const contact_sign_values[] = {
    [SIGN_SUPPORTS] = "supports", [SIGN_OPPOSES] = "opposes", [SIGN__MAX] = NULL};

static const char *const field_names[KF__MAX] = {
    [KF_NAME] = "name",
    [KF_POSITION] = "position",
    [KF_DEPARTMENT] = "department",
    [KF_EMAILS] = "emails",
    [KF_PHONES] = "phones",
    [KF_REPORTS_TO] = "reports_to_id",
    [KF_BUYING_ROLE] = "buying_role",
    [KF_ATTITUDE] = "attitude",
    [KF_INFLUENCE] = "influence",
    [KF_RELATIONSHIP] = "relationship",
    [KF_OWNER] = "owner_email",
    [KF_LAST_CONTACT] = "last_contact_on",
    [KF_LEFT] = "left_on",
    [KF_NOTES] = "notes",
    [KF_EXTERNAL_ID] = "external_id",
};

/* The columns read_contact() reads, in its order. */
enum contact_col {
	COL_ID,
	COL_ACCOUNT,
	COL_NAME,
	COL_POSITION,
	COL_DEPARTMENT,
	COL_EMAILS,
	COL_PHONES,
	COL_REPORTS_TO,
	COL_BUYING_ROLE,
	COL_ATTITUDE,
	COL_INFLUENCE,
	COL_RELATIONSHIP,
	COL_OWNER,
	COL_OWNER_EMAIL,
	COL_OWNER_NAME,
	COL_LAST_CONTACT,
	COL_LEFT,
	COL_NOTES,
	COL_EXTERNAL_ID,
	COL_REPORTS,
	COL_VERSION,
	COL_CREATED,
	COL_UPDATED,
	COL_ARCHIVED,
	COL__MAX
};

#define CONTACT_COLS                                                                               \
	"k.id, k.account_id, k.name, k.position, k.department, k.emails, k.phones,"                \
	" k.reports_to_id, k.buying_role, k.attitude, k.influence, k.relationship,"                \
	" k.owner_user_id, u.email, u.name, k.last_contact_on, k.left_on, k.notes,"                \
	" k.external_id, (SELECT COUNT(*) FROM contacts r WHERE r.workspace_id = k.workspace_id"   \
	" AND r.reports_to_id = k.id AND r.archived_at IS NULL), k.version, k.created_at,"         \
	" k.updated_at, k.archived_at FROM contacts k LEFT JOIN users u ON u.id = k.owner_user_id"

static struct db_sql sql_account_exists =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_list =
    DB_SQL("SELECT " CONTACT_COLS " WHERE k.workspace_id = ?1 AND k.account_id = ?2"
	   " AND k.archived_at IS NULL ORDER BY k.name, k.id LIMIT ?3");
static struct db_sql sql_list_archived =
    DB_SQL("SELECT " CONTACT_COLS " WHERE k.workspace_id = ?1 AND k.account_id = ?2"
	   " AND k.archived_at IS NOT NULL ORDER BY k.name, k.id LIMIT ?3");
static struct db_sql sql_get = DB_SQL("SELECT " CONTACT_COLS " WHERE k.workspace_id = ?1"
				      " AND k.account_id = ?2 AND k.id = ?3");
static struct db_sql sql_count =
    DB_SQL("SELECT COUNT(*) FROM contacts WHERE workspace_id = ?1 AND account_id = ?2"
	   " AND archived_at IS NULL");
static struct db_sql sql_manager =
    DB_SQL("SELECT reports_to_id FROM contacts WHERE workspace_id = ?1 AND account_id = ?2"
	   " AND id = ?3 AND archived_at IS NULL");
static struct db_sql sql_external_taken =
    DB_SQL("SELECT id FROM contacts WHERE workspace_id = ?1 AND external_id = ?2 AND id <> ?3");
static struct db_sql sql_find_external =
    DB_SQL("SELECT id FROM contacts WHERE workspace_id = ?1 AND external_id = ?2"
	   " AND archived_at IS NULL");
static struct db_sql sql_find_email =
    DB_SQL("SELECT id, emails FROM contacts WHERE workspace_id = ?1 AND account_id = ?2"
	   " AND archived_at IS NULL AND emails LIKE ?3 ORDER BY id");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO contacts (workspace_id, account_id, name, position, department, emails,"
	   " phones, reports_to_id, buying_role, attitude, influence, relationship,"
	   " owner_user_id, last_contact_on, left_on, notes, external_id, version, created_at,"
	   " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	   " ?15, ?16, ?17, 1, ?18, ?18) RETURNING id");
static struct db_sql sql_update =
    DB_SQL("UPDATE contacts SET name = ?3, position = ?4, department = ?5, emails = ?6,"
	   " phones = ?7, reports_to_id = ?8, buying_role = ?9, attitude = ?10, influence = ?11,"
	   " relationship = ?12, owner_user_id = ?13, last_contact_on = ?14, left_on = ?15,"
	   " notes = ?16, external_id = ?17, version = version + 1, updated_at = ?18"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?19");
static struct db_sql sql_reports =
    DB_SQL("SELECT " CONTACT_COLS " WHERE k.workspace_id = ?1 AND k.account_id = ?2"
	   " AND k.reports_to_id = ?3 AND k.archived_at IS NULL ORDER BY k.name, k.id LIMIT ?4");
static struct db_sql sql_archive =
    DB_SQL("UPDATE contacts SET archived_at = ?3, version = version + 1, updated_at = ?3"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?4");
static struct db_sql sql_restore =
    DB_SQL("UPDATE contacts SET archived_at = NULL, reports_to_id = ?3, version = version + 1,"
	   " updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2 AND version = ?5");

/* The name at v of a NULL-terminated table, or NULL when v is out of it. */
static const char *
value_name(const char *const *table, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? table[v] : NULL;
}

/* The index of s in a NULL-terminated table, or n when it is not there. */
static int
value_parse(const char *const *table, size_t n, const char *s)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(table[i], s) == 0)
			return (int)i;
	return (int)n;
}

const char *
contact_role_name(enum contact_role v)
{
	return v == BUY_NONE ? NULL : value_name(contact_role_values, BUY__MAX - 1, (int)v - 1);
}

enum contact_role
contact_role_parse(const char *s)
{
	int i = value_parse(contact_role_values, BUY__MAX - 1, s);

	return i == BUY__MAX - 1 ? BUY__MAX : (enum contact_role)(i + 1);
}

const char *
contact_attitude_name(enum contact_attitude v)
{
	return value_name(contact_attitude_values, ATT__MAX, (int)v);
}

enum contact_attitude
contact_attitude_parse(const char *s)
{
	return (enum contact_attitude)value_parse(contact_attitude_values, ATT__MAX, s);
}

const char *
contact_influence_name(enum contact_influence v)
{
	return value_name(contact_influence_values, INF__MAX, (int)v);
}

enum contact_influence
contact_influence_parse(const char *s)
{
	return (enum contact_influence)value_parse(contact_influence_values, INF__MAX, s);
}

const char *
contact_relationship_name(enum contact_relationship v)
{
	return value_name(contact_relationship_values, REL__MAX, (int)v);
}

enum contact_relationship
contact_relationship_parse(const char *s)
{
	return (enum contact_relationship)value_parse(contact_relationship_values, REL__MAX, s);
}

const char *
contact_sign_name(enum contact_sign v)
{
	return value_name(contact_sign_values, SIGN__MAX, (int)v);
}

enum contact_sign
contact_sign_parse(const char *s)
{
	return (enum contact_sign)value_parse(contact_sign_values, SIGN__MAX, s);
}

const char *
contact_field_name(enum contact_field f)
{
	return f < KF__MAX ? field_names[f] : NULL;
}

/* True when phone is 3..40 characters of digits, spaces, + ( ) - . # and "доб."/"ext". */
static bool
phone_valid(const char *phone)
{
	static const char *const words[] = {"доб.", "доб", "ext.", "ext", "x"};
	size_t len = strlen(phone), digits = 0;

	if (len < CONTACT_PHONE_MIN || len > CONTACT_PHONE_MAX)
		return false;
	for (const char *p = phone; *p != '\0';) {
		size_t w, i;

		if ((*p >= '0' && *p <= '9') || strchr(" +()-.#", *p) != NULL) {
			digits += *p >= '0' && *p <= '9';
			p++;
			continue;
		}
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strncmp(p, words[i], (w = strlen(words[i]))) == 0)
				break;
		if (i == sizeof(words) / sizeof(words[0]))
			return false;
		p += w;
	}
	return digits >= CONTACT_PHONE_MIN;
}

/* Checks one list of e-mails or phones at its field: count, shape, no repeats. */
static enum adv_err
list_check(const char *field, const char **v, size_t n, bool emails, struct adv_errbuf *eb)
{
	char pointer[ADV_ERRFIELD_MAX];
	enum adv_err rc;

	if (n > CONTACT_LIST_MAX)
		return adv_fail(eb, ADV_EINVAL, field, "%s may hold at most %d entries", field + 1,
				CONTACT_LIST_MAX);
	for (size_t i = 0; i < n; i++) {
		snprintf(pointer, sizeof(pointer), "%s/%zu", field, i);
		if (v[i] == NULL)
			return adv_fail(eb, ADV_EINVAL, pointer, "%s may not hold null", field + 1);
		if ((rc = text_check(eb, pointer, emails ? "an e-mail" : "a phone", v[i], true,
				     emails ? CONTACT_EMAIL_MAX : CONTACT_PHONE_MAX, false)) !=
		    ADV_OK)
			return rc;
		if (emails && !identity_email_valid(v[i]))
			return adv_fail(eb, ADV_EINVAL, pointer,
					"%s is not an e-mail address (name@domain.tld)", v[i]);
		if (!emails && !phone_valid(v[i]))
			return adv_fail(
			    eb, ADV_EINVAL, pointer,
			    "%s is not a phone number: 3-40 characters of digits, spaces "
			    "and + ( ) - . #, with \"доб.\" or \"ext\" for an extension",
			    v[i]);
		for (size_t j = 0; j < i; j++)
			if (v[j] != NULL && str_ieq(v[i], v[j]))
				return adv_fail(eb, ADV_EINVAL, pointer, "%s is listed twice",
						v[i]);
	}
	return ADV_OK;
}

/* Checks date d of field (may be NULL): a real date, not after today. */
static enum adv_err
past_date_check(const char *field, const char *d, struct adv_errbuf *eb)
{
	char today[DATE_TEXT_SIZE];

	if (d == NULL)
		return ADV_OK;
	if (!date_valid(d))
		return adv_fail(eb, ADV_EINVAL, field, "%s must be a real date written YYYY-MM-DD",
				field + 1);
	date_today(today);
	if (strcmp(d, today) > 0)
		return adv_fail(eb, ADV_EINVAL, field, "%s may not be in the future (today is %s)",
				field + 1, today);
	return ADV_OK;
}

enum adv_err
contact_check(const struct contact *in, uint32_t mask, struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;

	if ((mask & KF_BIT(KF_NAME)) && (rc = text_check(eb, "/name", "name", in->name, true,
							 CONTACT_NAME_MAX, false)) != ADV_OK)
		return rc;
	if ((mask & KF_BIT(KF_POSITION)) &&
	    (rc = text_check(eb, "/position", "position", in->position, false, CONTACT_TEXT_MAX,
			     false)) != ADV_OK)
		return rc;
	if ((mask & KF_BIT(KF_DEPARTMENT)) &&
	    (rc = text_check(eb, "/department", "department", in->department, false,
			     CONTACT_TEXT_MAX, false)) != ADV_OK)
		return rc;
	if ((mask & KF_BIT(KF_EMAILS)) &&
	    (rc = list_check("/emails", in->emails, in->nemails, true, eb)) != ADV_OK)
		return rc;
	if ((mask & KF_BIT(KF_PHONES)) &&
	    (rc = list_check("/phones", in->phones, in->nphones, false, eb)) != ADV_OK)
		return rc;
	if ((mask & KF_BIT(KF_REPORTS_TO)) && in->reports_to_id < 0)
		return adv_fail(eb, ADV_EINVAL, "/reports_to_id",
				"reports_to_id must be a contact's id, or null");
	if ((mask & KF_BIT(KF_BUYING_ROLE)) &&
	    ((int)in->buying_role < 0 || in->buying_role >= BUY__MAX))
		return adv_fail(eb, ADV_EINVAL, "/buying_role", "unknown buying_role");
	if ((mask & KF_BIT(KF_ATTITUDE)) && ((int)in->attitude < 0 || in->attitude >= ATT__MAX))
		return adv_fail(eb, ADV_EINVAL, "/attitude", "unknown attitude");
	if ((mask & KF_BIT(KF_INFLUENCE)) && ((int)in->influence < 0 || in->influence >= INF__MAX))
		return adv_fail(eb, ADV_EINVAL, "/influence", "unknown influence");
	if ((mask & KF_BIT(KF_RELATIONSHIP)) &&
	    ((int)in->relationship < 0 || in->relationship >= REL__MAX))
		return adv_fail(eb, ADV_EINVAL, "/relationship", "unknown relationship");
	if ((mask & KF_BIT(KF_LAST_CONTACT)) &&
	    (rc = past_date_check("/last_contact_on", in->last_contact_on, eb)) != ADV_OK)
		return rc;
	if ((mask & KF_BIT(KF_LEFT)) &&
	    (rc = past_date_check("/left_on", in->left_on, eb)) != ADV_OK)
		return rc;
	if ((mask & KF_BIT(KF_NOTES)) && (rc = text_check(eb, "/notes", "notes", in->notes, false,
							  CONTACT_NOTES_MAX, true)) != ADV_OK)
		return rc;
	if ((mask & KF_BIT(KF_EXTERNAL_ID)) &&
	    (rc = text_check(eb, "/external_id", "external_id", in->external_id, false,
			     CONTACT_EXTERNAL_ID_MAX, false)) != ADV_OK)
		return rc;
	return ADV_OK;
}

/* An arena copy of list v[0..n), trimmed, blanks dropped, e-mails lower-cased. */
static const char **
list_normalize(struct arena *a, const char **v, size_t n, bool lower, size_t *out_n, bool *oom)
{
	const char **out = arena_zalloc(a, (n ? n : 1) * sizeof(*out));
	size_t len = 0;

	if (out == NULL) {
		*oom = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *t = text_trimmed(a, v[i], oom);

		if (t == NULL)
			continue;
		if (lower && (t = str_fold(a, t)) == NULL) {
			*oom = true;
			return NULL;
		}
		out[len++] = t;
	}
	*out_n = len;
	return out;
}

/* Copies the fields in mask of in onto out, text trimmed. */
static enum adv_err
contact_normalize(struct arena *a, const struct contact *in, uint32_t mask, struct contact *out)
{
	bool oom = false;

	if (mask & KF_BIT(KF_NAME))
		out->name = text_trimmed(a, in->name, &oom);
	if (mask & KF_BIT(KF_POSITION))
		out->position = text_trimmed(a, in->position, &oom);
	if (mask & KF_BIT(KF_DEPARTMENT))
		out->department = text_trimmed(a, in->department, &oom);
	if (mask & KF_BIT(KF_EMAILS))
		out->emails = list_normalize(a, in->emails, in->nemails, true, &out->nemails, &oom);
	if (mask & KF_BIT(KF_PHONES))
		out->phones =
		    list_normalize(a, in->phones, in->nphones, false, &out->nphones, &oom);
	if (mask & KF_BIT(KF_REPORTS_TO))
		out->reports_to_id = in->reports_to_id;
	if (mask & KF_BIT(KF_BUYING_ROLE))
		out->buying_role = in->buying_role;
	if (mask & KF_BIT(KF_ATTITUDE))
		out->attitude = in->attitude;
	if (mask & KF_BIT(KF_INFLUENCE))
		out->influence = in->influence;
	if (mask & KF_BIT(KF_RELATIONSHIP))
		out->relationship = in->relationship;
	if (mask & KF_BIT(KF_OWNER))
		out->owner_email = text_trimmed(a, in->owner_email, &oom);
	if (mask & KF_BIT(KF_LAST_CONTACT))
		out->last_contact_on = text_trimmed(a, in->last_contact_on, &oom);
	if (mask & KF_BIT(KF_LEFT))
		out->left_on = text_trimmed(a, in->left_on, &oom);
	if (mask & KF_BIT(KF_NOTES))
		out->notes = text_trimmed(a, in->notes, &oom);
	if (mask & KF_BIT(KF_EXTERNAL_ID))
		out->external_id = text_trimmed(a, in->external_id, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* A list as a JSON array of strings (new reference; NULL when out of memory). */
static json_t *
list_json(const char **v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, json_string(v[i]));
	return arr;
}

/* Parses a stored list (a JSON array of strings) into an arena array. */
static enum adv_err
list_parse(struct arena *a, const char *text, const char ***v, size_t *n)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	size_t len = json_array_size(j);
	enum adv_err rc = ADV_OK;

	*v = NULL;
	*n = 0;
	if (len == 0)
		goto out;
	if ((*v = arena_alloc(a, len * sizeof(**v))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < len; i++) {
		const char *s = json_string_value(json_array_get(j, i));

		if (s != NULL && ((*v)[(*n)++] = arena_strdup(a, s)) == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
out:
	json_decref(j);
	return rc;
}

/* Reads the current row of st (CONTACT_COLS) into out. */
static enum adv_err
contact_read_row(struct db_stmt *st, struct arena *a, struct contact *out)
{
	bool oom = false;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, COL_ID);
	out->account_id = db_col_int(st, COL_ACCOUNT);
	out->name = db_col_dup(st, a, COL_NAME, &oom);
	out->position = db_col_dup(st, a, COL_POSITION, &oom);
	out->department = db_col_dup(st, a, COL_DEPARTMENT, &oom);
	out->reports_to_id = db_col_null(st, COL_REPORTS_TO) ? 0 : db_col_int(st, COL_REPORTS_TO);
	out->buying_role = db_col_null(st, COL_BUYING_ROLE)
			       ? BUY_NONE
			       : contact_role_parse(db_col_text(st, COL_BUYING_ROLE));
	out->attitude = contact_attitude_parse(db_col_text(st, COL_ATTITUDE));
	out->influence = contact_influence_parse(db_col_text(st, COL_INFLUENCE));
	out->relationship = contact_relationship_parse(db_col_text(st, COL_RELATIONSHIP));
	out->owner_user_id = db_col_null(st, COL_OWNER) ? 0 : db_col_int(st, COL_OWNER);
	out->owner_email = db_col_dup(st, a, COL_OWNER_EMAIL, &oom);
	out->owner_name = db_col_dup(st, a, COL_OWNER_NAME, &oom);
	out->last_contact_on = db_col_dup(st, a, COL_LAST_CONTACT, &oom);
	out->left_on = db_col_dup(st, a, COL_LEFT, &oom);
	out->notes = db_col_dup(st, a, COL_NOTES, &oom);
	out->external_id = db_col_dup(st, a, COL_EXTERNAL_ID, &oom);
	out->reports = db_col_int(st, COL_REPORTS);
	out->version = db_col_int(st, COL_VERSION);
	out->created_at = db_col_dup(st, a, COL_CREATED, &oom);
	out->updated_at = db_col_dup(st, a, COL_UPDATED, &oom);
	out->archived_at = db_col_dup(st, a, COL_ARCHIVED, &oom);
	if (oom)
		return ADV_ENOMEM;
	if ((rc = list_parse(a, db_col_text(st, COL_EMAILS), &out->emails, &out->nemails)) !=
	    ADV_OK)
		return rc;
	return list_parse(a, db_col_text(st, COL_PHONES), &out->phones, &out->nphones);
}

enum adv_err
contact_account_exists(struct db_conn *c, int64_t ws_id, int64_t account_id, struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_account_exists, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return adv_fail(eb, ADV_ENOTFOUND, NULL, "no such account: %lld",
				(long long)account_id);
	db_done(st);
	return ADV_OK;
}

/* Reads up to max rows of st (bound) into an arena array. */
static enum adv_err
read_rows(struct db_stmt *st, struct arena *a, size_t max, struct contact **items, size_t *n)
{
	struct contact *v = NULL, *grown;
	enum adv_err rc = ADV_OK;
	size_t len = 0, cap = 0;
	bool row;

	while (len < max && (rc = db_step(st, &row)) == ADV_OK && row) {
		if ((grown = arena_array_room(a, v, &cap, len, sizeof(*v))) == NULL) {
			rc = ADV_ENOMEM;
			break;
		}
		v = grown;
		if ((rc = contact_read_row(st, a, &v[len++])) != ADV_OK)
			break;
	}
	if (rc != ADV_OK || len == max)
		db_done(st);
	*items = v;
	*n = len;
	return rc;
}

enum adv_err
contact_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, bool archived,
	     struct contact **items, size_t *n)
{
	struct db_stmt *st;
	enum adv_err rc;

	*items = NULL;
	*n = 0;
	if ((rc = contact_account_exists(c, ws_id, account_id, NULL)) != ADV_OK ||
	    (rc = db_prepare(c, archived ? &sql_list_archived : &sql_list, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, CONTACTS_PER_ACCOUNT_MAX);
	return read_rows(st, a, CONTACTS_PER_ACCOUNT_MAX, items, n);
}

enum adv_err
contact_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, int64_t id,
	    struct contact *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_get, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	rc = contact_read_row(st, a, out);
	db_done(st);
	return rc;
}

/* True when the stored e-mail list text holds email exactly (both lower-case). */
static bool
emails_hold(const char *text, const char *email)
{
	json_t *j = json_loads(text, 0, NULL);
	bool found = false;

	for (size_t i = 0; !found && i < json_array_size(j); i++) {
		const char *s = json_string_value(json_array_get(j, i));

		found = s != NULL && strcmp(s, email) == 0;
	}
	json_decref(j);
	return found;
}

enum adv_err
contact_find(struct db_conn *c, int64_t ws_id, int64_t account_id, const char *external_id,
	     const char *email, int64_t *id)
{
	struct arena a;
	struct db_stmt *st;
	const char *folded, *pattern;
	enum adv_err rc;
	bool row;

	*id = 0;
	if (external_id != NULL) {
		if ((rc = db_prepare(c, &sql_find_external, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_text(st, 2, external_id);
		if ((rc = db_step(st, &row)) != ADV_OK)
			return rc;
		if (row) {
			*id = db_col_int(st, 0);
			db_done(st);
			return ADV_OK;
		}
	}
	if (email == NULL || account_id == 0)
		return ADV_OK;
	arena_init(&a, 0);
	rc = ADV_ENOMEM;
	if ((folded = str_fold(&a, email)) == NULL ||
	    (pattern = arena_printf(&a, "%%\"%s\"%%", folded)) == NULL)
		goto out;
	if ((rc = db_prepare(c, &sql_find_email, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_text(st, 3, pattern);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		if (emails_hold(db_col_text(st, 1), folded)) {
			*id = db_col_int(st, 0);
			db_done(st);
			break;
		}
	}
out:
	arena_free(&a);
	return rc;
}

/*
 * Checks that manager (0: none) may be x's manager: a live contact of
 * account_id other than self whose own chain of managers does not reach self.
 */
static enum adv_err
manager_check(struct db_conn *c, int64_t ws_id, int64_t account_id, int64_t self, int64_t manager,
	      struct adv_errbuf *eb)
{
	struct db_stmt *st;
	int64_t at = manager;
	enum adv_err rc;
	bool row;

	if (manager == 0)
		return ADV_OK;
	if (manager == self)
		return adv_fail(eb, ADV_EINVAL, "/reports_to_id",
				"reports_to_id: a person cannot report to themselves");
	for (size_t steps = 0; at != 0 && steps <= CONTACTS_PER_ACCOUNT_MAX; steps++) {
		if ((rc = db_prepare(c, &sql_manager, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, account_id);
		db_bind_int(st, 3, at);
		if ((rc = db_step(st, &row)) != ADV_OK)
			return rc;
		if (!row) {
			if (at == manager)
				return adv_fail(eb, ADV_EINVAL, "/reports_to_id",
						"reports_to_id %lld is not a current person of "
						"this company",
						(long long)manager);
			return ADV_OK;
		}
		at = db_col_null(st, 0) ? 0 : db_col_int(st, 0);
		db_done(st);
		if (self != 0 && at == self)
			return adv_fail(eb, ADV_EINVAL, "/reports_to_id",
					"reports_to_id: %lld already reports (directly or not) to "
					"this person, so this would make a cycle",
					(long long)manager);
	}
	return ADV_OK;
}

/* Resolves x->owner_email to a member, filling owner_user_id, owner_email and owner_name. */
static enum adv_err
owner_resolve(struct db_conn *c, struct arena *a, int64_t ws_id, struct contact *x,
	      struct adv_errbuf *eb)
{
	struct member m;
	enum adv_err rc;

	x->owner_user_id = 0;
	x->owner_name = NULL;
	if (x->owner_email == NULL)
		return ADV_OK;
	rc = identity_member_by_email(c, a, ws_id, x->owner_email, &m);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(eb, ADV_EINVAL, "/owner_email",
				"owner_email: no member of this workspace has the e-mail %s",
				x->owner_email);
	if (rc != ADV_OK)
		return rc;
	x->owner_user_id = m.user_id;
	x->owner_email = m.email;
	x->owner_name = m.name;
	return ADV_OK;
}

/* ADV_ECONFLICT "/external_id" when another contact of the workspace (than self) has x's. */
static enum adv_err
external_id_free(struct db_conn *c, int64_t ws_id, int64_t self, const struct contact *x,
		 struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if (x->external_id == NULL)
		return ADV_OK;
	if ((rc = db_prepare(c, &sql_external_taken, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, x->external_id);
	db_bind_int(st, 3, self);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_OK;
	db_done(st);
	return adv_fail(eb, ADV_ECONFLICT, "/external_id",
			"external_id %s belongs to another person already", x->external_id);
}

/* ADV_EINVAL when account_id already has CONTACTS_PER_ACCOUNT_MAX live contacts. */
static enum adv_err
room_check(struct db_conn *c, int64_t ws_id, int64_t account_id, struct adv_errbuf *eb)
{
	struct db_stmt *st;
	int64_t n = 0;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_count, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (row) {
		n = db_col_int(st, 0);
		db_done(st);
	}
	if (n >= CONTACTS_PER_ACCOUNT_MAX)
		return adv_fail(eb, ADV_EINVAL, "/name", "a company may have at most %d people",
				CONTACTS_PER_ACCOUNT_MAX);
	return ADV_OK;
}

/* Binds the stored fields of x at 3..17 (name .. external_id), as insert and update share. */
static enum adv_err
bind_fields(struct db_stmt *st, const struct contact *x)
{
	json_t *emails = list_json(x->emails, x->nemails),
	       *phones = list_json(x->phones, x->nphones);
	char *etext = emails ? json_dumps(emails, JSON_COMPACT) : NULL;
	char *ptext = phones ? json_dumps(phones, JSON_COMPACT) : NULL;
	enum adv_err rc = ADV_ENOMEM;

	if (etext == NULL || ptext == NULL)
		goto out;
	db_bind_text(st, 3, x->name);
	db_bind_text(st, 4, x->position);
	db_bind_text(st, 5, x->department);
	db_bind_text(st, 6, etext);
	db_bind_text(st, 7, ptext);
	if (x->reports_to_id != 0)
		db_bind_int(st, 8, x->reports_to_id);
	else
		db_bind_null(st, 8);
	db_bind_text(st, 9, contact_role_name(x->buying_role));
	db_bind_text(st, 10, contact_attitude_name(x->attitude));
	db_bind_text(st, 11, contact_influence_name(x->influence));
	db_bind_text(st, 12, contact_relationship_name(x->relationship));
	if (x->owner_user_id != 0)
		db_bind_int(st, 13, x->owner_user_id);
	else
		db_bind_null(st, 13);
	db_bind_text(st, 14, x->last_contact_on);
	db_bind_text(st, 15, x->left_on);
	db_bind_text(st, 16, x->notes);
	rc = db_bind_text(st, 17, x->external_id);
out:
	free(etext);
	free(ptext);
	json_decref(emails);
	json_decref(phones);
	return rc;
}

/* A string or null (new reference). */
static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* The value of field f of x as JSON (new reference). */
static json_t *
field_json(const struct contact *x, enum contact_field f)
{
	switch (f) {
	case KF_NAME:
		return str_or_null(x->name);
	case KF_POSITION:
		return str_or_null(x->position);
	case KF_DEPARTMENT:
		return str_or_null(x->department);
	case KF_EMAILS:
		return list_json(x->emails, x->nemails);
	case KF_PHONES:
		return list_json(x->phones, x->nphones);
	case KF_REPORTS_TO:
		return x->reports_to_id ? json_integer(x->reports_to_id) : json_null();
	case KF_BUYING_ROLE:
		return str_or_null(contact_role_name(x->buying_role));
	case KF_ATTITUDE:
		return str_or_null(contact_attitude_name(x->attitude));
	case KF_INFLUENCE:
		return str_or_null(contact_influence_name(x->influence));
	case KF_RELATIONSHIP:
		return str_or_null(contact_relationship_name(x->relationship));
	case KF_OWNER:
		return str_or_null(x->owner_email);
	case KF_LAST_CONTACT:
		return str_or_null(x->last_contact_on);
	case KF_LEFT:
		return str_or_null(x->left_on);
	case KF_NOTES:
		return str_or_null(x->notes);
	case KF_EXTERNAL_ID:
	case KF__MAX:
		break;
	}
	return str_or_null(x->external_id);
}

/*
 * The audit changes from before (NULL: created, then every field that is
 * set) to after, field by field; *out is a new reference.
 */
static enum adv_err
contact_diff(const struct contact *before, const struct contact *after, json_t **out)
{
	json_t *changes = json_object();
	enum adv_err rc = ADV_ENOMEM;

	*out = NULL;
	if (changes == NULL)
		return ADV_ENOMEM;
	for (int f = 0; f < KF__MAX; f++) {
		json_t *from = before ? field_json(before, (enum contact_field)f) : json_null();
		json_t *to = field_json(after, (enum contact_field)f);
		bool ok = from != NULL && to != NULL;
		bool empty = json_is_null(to) || (json_is_array(to) && json_array_size(to) == 0);
		bool changed = ok && (before != NULL ? !json_equal(from, to) : !empty);

		if (changed)
			ok = json_object_set_new(changes, field_names[f],
						 json_pack("{s:O, s:O}", "from", from, "to", to)) ==
			     0;
		json_decref(from);
		json_decref(to);
		if (!ok)
			goto out;
	}
	*out = changes;
	changes = NULL;
	rc = ADV_OK;
out:
	json_decref(changes);
	return rc;
}

enum adv_err
contact_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t account_id,
	       const struct contact *in, uint32_t mask, const char *audit_action,
	       struct contact *out, struct adv_errbuf *eb)
{
	struct contact x = {.attitude = ATT_NEUTRAL, .influence = INF_MEDIUM};
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool row, began = false;
	enum adv_err rc;

	if (!(mask & KF_BIT(KF_NAME)) || in->name == NULL) {
		rc = adv_fail(eb, ADV_EINVAL, "/name", "name is required");
		goto out;
	}
	if ((rc = contact_check(in, mask, eb)) != ADV_OK ||
	    (rc = contact_normalize(a, in, mask, &x)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = contact_account_exists(c, ws_id, account_id, eb)) != ADV_OK ||
	    (rc = room_check(c, ws_id, account_id, eb)) != ADV_OK ||
	    (rc = manager_check(c, ws_id, account_id, 0, x.reports_to_id, eb)) != ADV_OK ||
	    (rc = owner_resolve(c, a, ws_id, &x, eb)) != ADV_OK ||
	    (rc = external_id_free(c, ws_id, 0, &x, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	if ((rc = bind_fields(st, &x)) != ADV_OK)
		goto out;
	db_bind_text(st, 18, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	x.account_id = account_id;
	x.version = 1;
	if ((x.created_at = x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = contact_diff(NULL, &x, &changes)) != ADV_OK ||
	    (rc = audit_write(c, ws_id, actor, "contact", x.id, account_id,
			      audit_action ? audit_action : "create", changes)) != ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

/*
 * Loads contact id of account_id at expect_version (0 = any) into cur, inside
 * the caller's write scope: a live one, or a deleted one too with archived_too.
 */
static enum adv_err
load_for_write(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, int64_t id,
	       int64_t expect_version, bool archived_too, struct contact *cur,
	       struct adv_errbuf *eb)
{
	enum adv_err rc;

	if ((rc = contact_account_exists(c, ws_id, account_id, eb)) != ADV_OK)
		return rc;
	rc = contact_get(c, a, ws_id, account_id, id, cur);
	if (rc == ADV_ENOTFOUND || (rc == ADV_OK && cur->archived_at != NULL && !archived_too))
		return adv_fail(eb, ADV_ENOTFOUND, NULL, "no such person: %lld", (long long)id);
	if (rc == ADV_OK && expect_version != 0 && expect_version != cur->version)
		return adv_fail(eb, ADV_EPRECOND, NULL,
				"the person was changed by someone else (version %lld, not "
				"%lld); reload and apply your change again",
				(long long)cur->version, (long long)expect_version);
	return rc;
}

/* Writes x (loaded at cur's version) and its audit entry; x gets the new version. */
static enum adv_err
store_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
	     const struct contact *cur, struct contact *x, const char *action, json_t *changes)
{
	char now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	enum adv_err rc;

	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_update, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, cur->id);
	if ((rc = bind_fields(st, x)) != ADV_OK)
		return rc;
	db_bind_text(st, 18, now);
	db_bind_int(st, 19, cur->version);
	if ((rc = db_exec(st)) != ADV_OK)
		return rc;
	if (db_changes(st) != 1)
		return ADV_EPRECOND;
	if ((rc = audit_write(c, ws_id, actor, "contact", cur->id, cur->account_id, action,
			      changes)) != ADV_OK)
		return rc;
	x->version = cur->version + 1;
	if ((x->updated_at = arena_strdup(a, now)) == NULL)
		return ADV_ENOMEM;
	return ADV_OK;
}

enum adv_err
contact_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t account_id,
	       int64_t id, int64_t expect_version, const struct contact *patch, uint32_t mask,
	       const char *audit_action, struct contact *out, struct adv_errbuf *eb)
{
	struct contact cur, x;
	json_t *changes = NULL;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((mask & KF_BIT(KF_NAME)) && patch->name == NULL) {
		rc = adv_fail(eb, ADV_EINVAL, "/name", "name may not be cleared");
		goto out;
	}
	if ((rc = contact_check(patch, mask, eb)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, account_id, id, expect_version, false, &cur, eb)) !=
	    ADV_OK)
		goto out;
	x = cur;
	if ((rc = contact_normalize(a, patch, mask, &x)) != ADV_OK)
		goto out;
	if (x.reports_to_id != cur.reports_to_id &&
	    (rc = manager_check(c, ws_id, account_id, id, x.reports_to_id, eb)) != ADV_OK)
		goto out;
	if ((mask & KF_BIT(KF_OWNER)) && (rc = owner_resolve(c, a, ws_id, &x, eb)) != ADV_OK)
		goto out;
	if ((mask & KF_BIT(KF_EXTERNAL_ID)) &&
	    (rc = external_id_free(c, ws_id, id, &x, eb)) != ADV_OK)
		goto out;
	if ((rc = contact_diff(&cur, &x, &changes)) != ADV_OK)
		goto out;
	*out = cur;
	if (json_object_size(changes) == 0)
		goto out;
	if ((rc = store_update(c, a, ws_id, actor, &cur, &x, audit_action ? audit_action : "update",
			       changes)) != ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

/* Moves report r under manager (0: the top), versioned and audited as "update". */
static enum adv_err
move_report(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
	    const struct contact *r, int64_t manager)
{
	struct contact x = *r;
	json_t *changes;
	enum adv_err rc;

	x.reports_to_id = manager;
	if ((changes =
		 json_pack("{s:{s:I, s:o}}", "reports_to_id", "from", (json_int_t)r->reports_to_id,
			   "to", manager ? json_integer(manager) : json_null())) == NULL)
		return ADV_ENOMEM;
	rc = store_update(c, a, ws_id, actor, r, &x, "update", changes);
	json_decref(changes);
	return rc;
}

enum adv_err
contact_delete(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t account_id,
	       int64_t id, int64_t expect_version, enum contact_reports_policy policy,
	       struct contact **reports, size_t *nreports, struct adv_errbuf *eb)
{
	struct contact cur, *v = NULL;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	size_t n = 0, links = 0;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if (reports != NULL) {
		*reports = NULL;
		*nreports = 0;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, account_id, id, expect_version, false, &cur, eb)) !=
		ADV_OK ||
	    (rc = db_prepare(c, &sql_reports, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, id);
	db_bind_int(st, 4, CONTACTS_PER_ACCOUNT_MAX);
	if ((rc = read_rows(st, a, CONTACTS_PER_ACCOUNT_MAX, &v, &n)) != ADV_OK)
		goto out;
	if (n > 0 && policy == REPORTS_REFUSE) {
		if (reports != NULL) {
			*reports = v;
			*nreports = n;
		}
		rc = adv_fail(eb, ADV_ECONFLICT, NULL,
			      "%zu %s report to %s: say whether to move them under this "
			      "person's manager (reports=reparent) or to the top of the chart "
			      "(reports=detach)",
			      n, n == 1 ? "person" : "people", cur.name);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if ((rc = move_report(c, a, ws_id, actor, &v[i],
				      policy == REPORTS_REPARENT ? cur.reports_to_id : 0)) !=
		    ADV_OK)
			goto out;
	if ((rc = contact_links_drop(c, ws_id, actor, account_id, id, &links)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_archive, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, now);
	db_bind_int(st, 4, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((changes = json_pack("{s:{s:n, s:s}, s:{s:s, s:n}}", "archived_at", "from", "to", now,
				 "name", "from", cur.name, "to")) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if (n > 0 && json_object_set_new(
			 changes, "reports",
			 json_pack("{s:I, s:s}", "moved", (json_int_t)n, "policy",
				   policy == REPORTS_REPARENT ? "reparent" : "detach")) != 0) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if (links > 0 &&
	    json_object_set_new(changes, "links_removed", json_integer((json_int_t)links)) != 0) {
		rc = ADV_ENOMEM;
		goto out;
	}
	rc = audit_write(c, ws_id, actor, "contact", id, account_id, "archive", changes);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

enum adv_err
contact_restore(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		int64_t account_id, int64_t id, int64_t expect_version, struct contact *out,
		struct adv_errbuf *eb)
{
	struct contact cur;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	int64_t manager;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, account_id, id, expect_version, true, &cur, eb)) !=
	    ADV_OK)
		goto out;
	if (cur.archived_at == NULL) {
		*out = cur;
		goto out;
	}
	if ((rc = external_id_free(c, ws_id, id, &cur, eb)) != ADV_OK ||
	    (rc = room_check(c, ws_id, account_id, eb)) != ADV_OK)
		goto out;
	manager = cur.reports_to_id;
	if (manager != 0 && manager_check(c, ws_id, account_id, id, manager, NULL) != ADV_OK)
		manager = 0;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_restore, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if (manager != 0)
		db_bind_int(st, 3, manager);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, now);
	db_bind_int(st, 5, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((changes = json_pack("{s:{s:s, s:n}}", "archived_at", "from", cur.archived_at, "to")) ==
		NULL ||
	    (manager != cur.reports_to_id &&
	     json_object_set_new(
		 changes, "reports_to_id",
		 json_pack("{s:I, s:n}", "from", (json_int_t)cur.reports_to_id, "to")) != 0)) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "contact", id, account_id, "restore", changes)) !=
	    ADV_OK)
		goto out;
	rc = contact_get(c, a, ws_id, account_id, id, out);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}
