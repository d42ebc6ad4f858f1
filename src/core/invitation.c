/*
 * invitation.c — the survey links of a study (see invitation.h): tokens and
 * their hashes, invitations made, replaced, listed and revoked, the
 * anonymous link, the lookup of a link by its token for the public page,
 * and the marks it leaves (opened, submitted). All SQL about survey
 * invitations lives here.
 */
#include "core/invitation.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/catalogue.h"
#include "core/entry.h"
#include "core/listing.h"
#include "core/study.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/date.h"
#include "util/str.h"

#define TOKEN_BYTES  32
#define CURSOR_TAG   "invitations"
#define URL_PREFIX   "/s/"
#define SECONDS_DAY  86400
#define OFFSET_LIMIT (24 * 60) /* minutes of a time zone offset */

static const char *const status_names[IS__MAX] = {
    [IS_SENT] = "sent",
    [IS_OPENED] = "opened",
    [IS_SUBMITTED] = "submitted",
};

static const char *const lang_names[IL__MAX] = {
    [IL_RU] = "ru",
    [IL_EN] = "en",
};

#define INV_COLS                                                                                   \
	"i.id, i.workspace_id, i.study_id, i.anonymous, i.account_id, a.name, i.contact_id,"       \
	" k.name, k.emails, i.lang, i.status, i.expires_at, i.sent_at, i.opened_at,"               \
	" i.submitted_at, i.revoked_at,"                                                           \
	" (SELECT MIN(r.id) FROM responses r WHERE r.invitation_id = i.id"                         \
	" AND r.channel = 'link'),"                                                                \
	" CASE WHEN i.anonymous = 1 THEN (SELECT COUNT(*) FROM responses r"                        \
	" WHERE r.workspace_id = i.workspace_id AND r.study_id = i.study_id"                       \
	" AND r.invitation_id = i.id AND r.channel = 'anonymous' AND r.status = 'submitted'"       \
	" AND r.archived_at IS NULL) ELSE 0 END,"                                                  \
	" i.created_by, i.version, i.created_at, i.updated_at"                                     \
	" FROM survey_invitations i LEFT JOIN accounts a ON a.id = i.account_id"                   \
	" LEFT JOIN contacts k ON k.id = i.contact_id"

static struct db_sql sql_get =
    DB_SQL("SELECT " INV_COLS " WHERE i.workspace_id = ?1 AND i.id = ?2");
/* ?3 include revoked, ?4 status or '', ?5 contact, ?6 account, ?7 below id, ?8 limit. */
static struct db_sql sql_list =
    DB_SQL("SELECT " INV_COLS " WHERE i.workspace_id = ?1 AND i.study_id = ?2"
	   " AND i.anonymous = 0 AND (?3 = 1 OR i.revoked_at IS NULL)"
	   " AND (?4 = '' OR i.status = ?4) AND (?5 = 0 OR i.contact_id = ?5)"
	   " AND (?6 = 0 OR i.account_id = ?6) AND (?7 = 0 OR i.id < ?7)"
	   " ORDER BY i.id DESC LIMIT ?8");
static struct db_sql sql_anonymous =
    DB_SQL("SELECT " INV_COLS " WHERE i.workspace_id = ?1 AND i.study_id = ?2"
	   " AND i.anonymous = 1 AND i.revoked_at IS NULL ORDER BY i.id DESC LIMIT 1");
static struct db_sql sql_by_token = DB_SQL("SELECT " INV_COLS " WHERE i.token_hash = ?1");
static struct db_sql sql_contact =
    DB_SQL("SELECT account_id FROM contacts WHERE workspace_id = ?1 AND id = ?2"
	   " AND archived_at IS NULL");
static struct db_sql sql_live_of_contact =
    DB_SQL("SELECT id, status, account_id FROM survey_invitations WHERE workspace_id = ?1"
	   " AND study_id = ?2 AND contact_id = ?3 AND revoked_at IS NULL");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO survey_invitations (workspace_id, study_id, account_id, contact_id,"
	   " anonymous, token_hash, lang, status, expires_at, sent_at, created_by, version,"
	   " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'sent', ?8, ?9, ?10, 1,"
	   " ?9, ?9) RETURNING id");
static struct db_sql sql_revoke =
    DB_SQL("UPDATE survey_invitations SET revoked_at = ?3, version = version + 1,"
	   " updated_at = ?3 WHERE workspace_id = ?1 AND id = ?2 AND revoked_at IS NULL");
static struct db_sql sql_opened =
    DB_SQL("UPDATE survey_invitations SET opened_at = ?3, updated_at = ?3,"
	   " status = CASE WHEN status = 'sent' THEN 'opened' ELSE status END"
	   " WHERE workspace_id = ?1 AND id = ?2 AND opened_at IS NULL");
static struct db_sql sql_submitted =
    DB_SQL("UPDATE survey_invitations SET status = 'submitted', submitted_at = ?3,"
	   " opened_at = COALESCE(opened_at, ?3), updated_at = ?3"
	   " WHERE workspace_id = ?1 AND id = ?2 AND anonymous = 0");
static struct db_sql sql_response_of_link =
    DB_SQL("SELECT id, status FROM responses WHERE invitation_id = ?2 AND channel = 'link'"
	   " AND workspace_id = ?1");
static struct db_sql sql_response_of_key =
    DB_SQL("SELECT id, status FROM responses WHERE workspace_id = ?1 AND study_id = ?2"
	   " AND respondent_key = ?3");

const char *
invitation_status_name(enum invitation_status s)
{
	return (unsigned)s < IS__MAX ? status_names[s] : status_names[IS_SENT];
}

bool
invitation_status_parse(const char *s, enum invitation_status *out)
{
	for (int k = 0; s != NULL && k < IS__MAX; k++)
		if (strcmp(s, status_names[k]) == 0) {
			*out = (enum invitation_status)k;
			return true;
		}
	return false;
}

const char *
invitation_lang_name(enum invitation_lang l)
{
	return (unsigned)l < IL__MAX ? lang_names[l] : lang_names[IL_RU];
}

bool
invitation_lang_parse(const char *s, enum invitation_lang *out)
{
	for (int k = 0; s != NULL && k < IL__MAX; k++)
		if (strcmp(s, lang_names[k]) == 0) {
			*out = (enum invitation_lang)k;
			return true;
		}
	return false;
}

void
invitation_hash(const char *text, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

char *
invitation_token_new(struct arena *a)
{
	unsigned char raw[TOKEN_BYTES];
	char text[INVITATION_TOKEN_LEN + 1];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(text, sizeof(text), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return arena_strdup(a, text);
}

bool
invitation_token_valid(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (n >= INVITATION_TOKEN_LEN ||
		    !((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') || s[n] == '-' || s[n] == '_'))
			return false;
	return n == INVITATION_TOKEN_LEN;
}

/* The first e-mail address of a contact's emails column (a JSON list), in the arena, or NULL. */
static const char *
first_email(struct arena *a, const char *emails, bool *oom)
{
	json_t *j = emails ? json_loads(emails, 0, NULL) : NULL;
	const char *s = json_string_value(json_array_get(j, 0)), *out = NULL;

	if (s != NULL && (out = arena_strdup(a, s)) == NULL)
		*oom = true;
	json_decref(j);
	return out;
}

/* Reads the current row of st (INV_COLS) into the struct invitation at entry. */
static enum adv_err
read_invitation(struct db_stmt *st, struct arena *a, void *entry)
{
	struct invitation *x = entry;
	bool oom = false;

	memset(x, 0, sizeof(*x));
	x->id = db_col_int(st, 0);
	x->ws_id = db_col_int(st, 1);
	x->study_id = db_col_int(st, 2);
	x->anonymous = db_col_int(st, 3) != 0;
	x->account_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
	x->account_name = entry_col_text(st, 5, a, &oom);
	x->contact_id = db_col_null(st, 6) ? 0 : db_col_int(st, 6);
	x->contact_name = entry_col_text(st, 7, a, &oom);
	x->contact_email = first_email(a, db_col_null(st, 8) ? NULL : db_col_text(st, 8), &oom);
	if (!invitation_lang_parse(db_col_text(st, 9), &x->lang))
		x->lang = IL_RU;
	if (!invitation_status_parse(db_col_text(st, 10), &x->status))
		x->status = IS_SENT;
	x->expires_at = entry_col_text(st, 11, a, &oom);
	x->sent_at = entry_col_text(st, 12, a, &oom);
	x->opened_at = entry_col_text(st, 13, a, &oom);
	x->submitted_at = entry_col_text(st, 14, a, &oom);
	x->revoked_at = entry_col_text(st, 15, a, &oom);
	x->response_id = db_col_null(st, 16) ? 0 : db_col_int(st, 16);
	x->responses = db_col_int(st, 17);
	x->created_by = db_col_null(st, 18) ? 0 : db_col_int(st, 18);
	x->version = db_col_int(st, 19);
	x->created_at = entry_col_text(st, 20, a, &oom);
	x->updated_at = entry_col_text(st, 21, a, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* Two decimal digits at s as a number, or -1. */
static int
two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * Parses an RFC 3339 date-time ("YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)")
 * into *t; false when s is not one or names no real moment.
 */
static bool
rfc3339_parse(const char *s, time_t *t)
{
	struct tm tm = {0};
	char day[DATE_TEXT_SIZE];
	const char *p = s + 19;
	int hh, mm, ss, oh, om, sign = 0;

	if (strlen(s) < 20 || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
		return false;
	memcpy(day, s, 10);
	day[10] = '\0';
	hh = two_digits(s + 11);
	mm = two_digits(s + 14);
	ss = two_digits(s + 17);
	if (!date_valid(day) || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
		return false;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		oh = om = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		sign = *p == '-' ? -1 : 1;
		oh = two_digits(p + 1);
		om = two_digits(p + 4);
		if (oh < 0 || om < 0 || oh * 60 + om >= OFFSET_LIMIT || om > 59)
			return false;
	} else {
		return false;
	}
	tm.tm_year = atoi(day) - 1900;
	tm.tm_mon = two_digits(day + 5) - 1;
	tm.tm_mday = two_digits(day + 8);
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	*t = timegm(&tm) - (time_t)sign * (oh * 3600 + om * 60);
	return true;
}

enum adv_err
invitation_params_check(struct arena *a, struct invitation_params *p, struct adv_errbuf *eb)
{
	char text[CLOCK_TEXT_MAX];
	time_t t;

	if ((unsigned)p->lang >= IL__MAX)
		return adv_fail(eb, ADV_EINVAL, "/lang", "lang must be ru or en");
	if (p->expires_at == NULL)
		return ADV_OK;
	if (!rfc3339_parse(p->expires_at, &t))
		return adv_fail(eb, ADV_EINVAL, "/expires_at",
				"expires_at must be an RFC 3339 date-time such as "
				"2026-05-01T10:00:00Z");
	if (t <= time(NULL))
		return adv_fail(eb, ADV_EINVAL, "/expires_at", "expires_at must be in the future");
	clock_format(t, text);
	return (p->expires_at = arena_strdup(a, text)) ? ADV_OK : ADV_ENOMEM;
}

/* The account of live contact id of the workspace into *account; *account 0 when none. */
static enum adv_err
contact_account(struct db_conn *c, int64_t ws_id, int64_t id, int64_t *account)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*account = 0;
	if ((rc = db_prepare(c, &sql_contact, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	*account = db_col_int(st, 0);
	db_done(st);
	return ADV_OK;
}

enum adv_err
invitation_contact_accounts(struct db_conn *c, int64_t ws_id, const int64_t *ids, size_t n,
			    int64_t *accounts, struct adv_errbuf *eb)
{
	char pointer[48];
	enum adv_err rc;

	for (size_t i = 0; i < n; i++) {
		if ((rc = contact_account(c, ws_id, ids[i], &accounts[i])) != ADV_OK)
			return rc;
		if (accounts[i] == 0) {
			snprintf(pointer, sizeof(pointer), "/contact_ids/%zu", i);
			return adv_fail(eb, ADV_EINVAL, pointer,
					"no such live contact in this workspace: %lld",
					(long long)ids[i]);
		}
	}
	return ADV_OK;
}

/* Audits a change of invitation id (account_id's history) from before to after. */
static enum adv_err
audit(struct db_conn *c, int64_t ws_id, int64_t actor, int64_t id, int64_t account_id,
      const char *action, json_t *before, json_t *after)
{
	json_t *changes = catalogue_diff(before, after);
	enum adv_err rc;

	if (changes == NULL)
		return ADV_ENOMEM;
	rc = audit_write(c, ws_id, actor, "survey_invitation", id, account_id, action, changes);
	json_decref(changes);
	return rc;
}

/* Revokes live invitation id (of account_id, 0 for none) now, audited as actor. */
static enum adv_err
revoke_row(struct db_conn *c, int64_t ws_id, int64_t actor, int64_t id, int64_t account_id)
{
	char now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	json_t *before = NULL, *after = NULL;
	enum adv_err rc;

	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_revoke, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, now);
	if ((rc = db_exec(st)) != ADV_OK || db_changes(st) == 0)
		return rc;
	before = json_pack("{s:n}", "revoked_at");
	after = json_pack("{s:s}", "revoked_at", now);
	rc = before && after ? audit(c, ws_id, actor, id, account_id, "revoke", before, after)
			     : ADV_ENOMEM;
	json_decref(before);
	json_decref(after);
	return rc;
}

/*
 * Stores a new link of study_id (of contact_id and account_id, or the
 * anonymous link when contact_id is 0) with a fresh token, audited, and
 * reads it back into *out with its url.
 */
static enum adv_err
insert_link(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t study_id,
	    int64_t contact_id, int64_t account_id, const struct invitation_params *p,
	    struct invitation *out)
{
	char now[CLOCK_TEXT_MAX], hash[65];
	const char *token = invitation_token_new(a);
	struct db_stmt *st;
	json_t *after = NULL;
	int64_t id;
	enum adv_err rc;
	bool row;

	if (token == NULL)
		return ADV_ENOMEM;
	invitation_hash(token, hash);
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	if (account_id > 0)
		db_bind_int(st, 3, account_id);
	else
		db_bind_null(st, 3);
	if (contact_id > 0)
		db_bind_int(st, 4, contact_id);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, contact_id > 0 ? 0 : 1);
	db_bind_text(st, 6, hash);
	db_bind_text(st, 7, invitation_lang_name(p->lang));
	db_bind_text(st, 8, p->expires_at);
	db_bind_text(st, 9, now);
	if (actor > 0)
		db_bind_int(st, 10, actor);
	else
		db_bind_null(st, 10);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_EDB;
	id = db_col_int(st, 0);
	db_done(st);
	after = json_pack("{s:I, s:o?, s:b, s:s, s:s?}", "study_id", (json_int_t)study_id,
			  "contact_id", contact_id > 0 ? json_integer(contact_id) : NULL,
			  "anonymous", contact_id == 0, "lang", invitation_lang_name(p->lang),
			  "expires_at", p->expires_at);
	if (after == NULL)
		return ADV_ENOMEM;
	rc = audit(c, ws_id, actor, id, account_id, "create", NULL, after);
	json_decref(after);
	if (rc != ADV_OK)
		return rc;
	if ((rc = entry_get(c, a, &sql_get, ws_id, id, read_invitation, out)) != ADV_OK)
		return rc;
	return (out->url = arena_printf(a, URL_PREFIX "%s", token)) ? ADV_OK : ADV_ENOMEM;
}

/* ADV_ENOTFOUND "no such study" unless study_id is the workspace's. */
static enum adv_err
study_exists(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
	     struct adv_errbuf *eb)
{
	struct study s;

	return entry_found(study_get(c, a, ws_id, study_id, &s), eb, "study", study_id);
}

/*
 * Replaces contact i's live invitation of study_id (ADV_ECONFLICT when it
 * was submitted) and makes the new one into *out.
 */
static enum adv_err
invite_one(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t study_id,
	   size_t i, int64_t contact_id, const struct invitation_params *p, struct invitation *out,
	   struct adv_errbuf *eb)
{
	struct db_stmt *st;
	int64_t account_id, live = 0, live_account = 0;
	bool submitted = false, row;
	char pointer[48];
	enum adv_err rc;

	snprintf(pointer, sizeof(pointer), "/contact_ids/%zu", i);
	if ((rc = contact_account(c, ws_id, contact_id, &account_id)) != ADV_OK)
		return rc;
	if (account_id == 0)
		return adv_fail(eb, ADV_EINVAL, pointer,
				"no such live contact in this workspace: %lld",
				(long long)contact_id);
	if ((rc = db_prepare(c, &sql_live_of_contact, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	db_bind_int(st, 3, contact_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (row) {
		live = db_col_int(st, 0);
		submitted = strcmp(db_col_text(st, 1), status_names[IS_SUBMITTED]) == 0;
		live_account = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
		db_done(st);
	}
	if (submitted)
		return adv_fail(eb, ADV_ECONFLICT, pointer,
				"contact %lld has submitted this study's survey already; revoke "
				"that invitation (%lld) to invite them again",
				(long long)contact_id, (long long)live);
	if (live > 0 && (rc = revoke_row(c, ws_id, actor, live, live_account)) != ADV_OK)
		return rc;
	return insert_link(c, a, ws_id, actor, study_id, contact_id, account_id, p, out);
}

enum adv_err
invitation_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		  int64_t study_id, const int64_t *ids, size_t n, const struct invitation_params *p,
		  struct invitation **out, struct adv_errbuf *eb)
{
	struct invitation *v = NULL;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	*out = NULL;
	if (n == 0 || n > INVITATION_BATCH_MAX) {
		rc = adv_fail(eb, ADV_EINVAL, "/contact_ids", "contact_ids must list 1–%d contacts",
			      INVITATION_BATCH_MAX);
		goto out;
	}
	if ((v = arena_zalloc(a, n * sizeof(*v))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = study_exists(c, a, ws_id, study_id, eb)) != ADV_OK)
		goto out;
	for (size_t i = 0; i < n && rc == ADV_OK; i++)
		rc = invite_one(c, a, ws_id, actor, study_id, i, ids[i], p, &v[i], eb);
	if (rc == ADV_OK)
		*out = v;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	if (rc != ADV_OK)
		*out = NULL;
	return rc;
}

enum adv_err
invitation_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id, int64_t id,
	       struct invitation *out)
{
	enum adv_err rc = entry_get(c, a, &sql_get, ws_id, id, read_invitation, out);

	if (rc == ADV_OK && (out->study_id != study_id || out->anonymous))
		rc = ADV_ENOTFOUND;
	return rc;
}

enum adv_err
invitation_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
		const struct invitation_filter *f, unsigned limit, const char *cursor,
		struct invitation **items, size_t *n, const char **next_cursor,
		struct adv_errbuf *eb)
{
	struct db_stmt *st;
	json_t *key = NULL;
	int64_t below = 0;
	enum adv_err rc;
	void *v;

	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if ((rc = study_exists(c, a, ws_id, study_id, eb)) != ADV_OK)
		goto out;
	if (cursor != NULL) {
		if ((rc = listing_cursor_decode(cursor, CURSOR_TAG, 2, &key, eb)) != ADV_OK)
			goto out;
		below = json_integer_value(json_array_get(key, 1));
		if (below <= 0) {
			rc = adv_fail(eb, ADV_EINVAL, "cursor", "the cursor is not valid");
			goto out;
		}
	}
	if ((rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	db_bind_int(st, 3, f->include_revoked ? 1 : 0);
	db_bind_text(st, 4, f->by_status ? invitation_status_name(f->status) : "");
	db_bind_int(st, 5, f->contact_id);
	db_bind_int(st, 6, f->account_id);
	db_bind_int(st, 7, below);
	db_bind_int(st, 8, (int64_t)limit + 1);
	if ((rc = entry_list(st, a, sizeof(**items), read_invitation, &v, n)) != ADV_OK)
		goto out;
	*items = v;
	if (*n > limit) {
		json_t *next;

		*n = limit;
		next = json_pack("[s, I]", CURSOR_TAG, (json_int_t)(*items)[limit - 1].id);
		if (next == NULL || (*next_cursor = listing_cursor_encode(a, next)) == NULL)
			rc = ADV_ENOMEM;
		json_decref(next);
	}
out:
	json_decref(key);
	return rc;
}

enum adv_err
invitation_revoke(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		  int64_t study_id, int64_t id, struct adv_errbuf *eb)
{
	struct invitation x;
	struct tx t;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		return rc;
	rc = entry_found(invitation_get(c, a, ws_id, study_id, id, &x), eb, "invitation", id);
	if (rc == ADV_OK && x.revoked_at == NULL)
		rc = revoke_row(c, ws_id, actor, id, x.account_id);
	return tx_end(c, &t, rc);
}

enum adv_err
invitation_anonymous_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
			 struct invitation *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_anonymous, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	rc = read_invitation(st, a, out);
	db_done(st);
	return rc;
}

enum adv_err
invitation_anonymous_make(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			  int64_t study_id, const struct invitation_params *p,
			  struct invitation *out, struct adv_errbuf *eb)
{
	struct invitation old;
	struct tx t;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		return rc;
	if ((rc = study_exists(c, a, ws_id, study_id, eb)) != ADV_OK)
		goto out;
	rc = invitation_anonymous_get(c, a, ws_id, study_id, &old);
	if (rc == ADV_OK)
		rc = revoke_row(c, ws_id, actor, old.id, 0);
	else if (rc == ADV_ENOTFOUND)
		rc = ADV_OK;
	if (rc == ADV_OK)
		rc = insert_link(c, a, ws_id, actor, study_id, 0, 0, p, out);
out:
	return tx_end(c, &t, rc);
}

enum adv_err
invitation_anonymous_revoke(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			    int64_t study_id, struct adv_errbuf *eb)
{
	struct invitation old;
	struct tx t;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		return rc;
	if ((rc = study_exists(c, a, ws_id, study_id, eb)) != ADV_OK)
		goto out;
	rc = invitation_anonymous_get(c, a, ws_id, study_id, &old);
	if (rc == ADV_ENOTFOUND)
		rc =
		    adv_fail(eb, rc, NULL, "study %lld has no anonymous link", (long long)study_id);
	else if (rc == ADV_OK)
		rc = revoke_row(c, ws_id, actor, old.id, 0);
out:
	return tx_end(c, &t, rc);
}

enum adv_err
invitation_resolve(struct db_conn *c, struct arena *a, const char *token, struct invitation *out)
{
	char hash[65], now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if (token == NULL || !invitation_token_valid(token))
		return ADV_ENOTFOUND;
	invitation_hash(token, hash);
	if ((rc = db_prepare(c, &sql_by_token, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, hash);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	rc = read_invitation(st, a, out);
	db_done(st);
	if (rc != ADV_OK)
		return rc;
	clock_now_plus(0, now);
	if (out->revoked_at != NULL ||
	    (out->expires_at != NULL && strcmp(out->expires_at, now) <= 0))
		return ADV_ENOTFOUND;
	return ADV_OK;
}

/* Runs a mark (sql_opened, sql_submitted) on invitation id now. */
static enum adv_err
mark(struct db_conn *c, struct db_sql *sql, int64_t ws_id, int64_t id)
{
	char now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	enum adv_err rc;

	clock_now_plus(0, now);
	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, now);
	return db_exec(st);
}

enum adv_err
invitation_mark_opened(struct db_conn *c, int64_t ws_id, int64_t id)
{
	return mark(c, &sql_opened, ws_id, id);
}

enum adv_err
invitation_mark_submitted(struct db_conn *c, int64_t ws_id, int64_t id)
{
	return mark(c, &sql_submitted, ws_id, id);
}

enum adv_err
invitation_response_find(struct db_conn *c, int64_t ws_id, int64_t study_id, int64_t invitation_id,
			 const char *respondent_key, int64_t *id, bool *submitted)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*id = 0;
	*submitted = false;
	if ((rc = db_prepare(c, respondent_key ? &sql_response_of_key : &sql_response_of_link,
			     &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	if (respondent_key != NULL) {
		db_bind_int(st, 2, study_id);
		db_bind_text(st, 3, respondent_key);
	} else {
		db_bind_int(st, 2, invitation_id);
	}
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	*id = db_col_int(st, 0);
	*submitted = strcmp(db_col_text(st, 1), "submitted") == 0;
	db_done(st);
	return ADV_OK;
}

/* A nullable text member: the string, or null. */
static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* An id member: the number, or null for 0. */
static json_t *
id_or_null(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

json_t *
invitation_json(const struct invitation *x)
{
	json_t *j =
	    json_pack("{s:I, s:I, s:b, s:s, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:s}", "id",
		      (json_int_t)x->id, "study_id", (json_int_t)x->study_id, "anonymous",
		      x->anonymous, "lang", invitation_lang_name(x->lang), "expires_at",
		      str_or_null(x->expires_at), "sent_at", str_or_null(x->sent_at), "opened_at",
		      str_or_null(x->opened_at), "created_by", id_or_null(x->created_by), "version",
		      (json_int_t)x->version, "created_at", str_or_null(x->created_at),
		      "updated_at", str_or_null(x->updated_at), "url", x->url ? x->url : "");

	if (j == NULL)
		return NULL;
	if (x->url == NULL)
		json_object_del(j, "url");
	if (x->anonymous) {
		if (json_object_set_new(j, "responses", json_integer(x->responses)) != 0)
			goto fail;
		return j;
	}
	if (json_object_set_new(j, "contact_id", id_or_null(x->contact_id)) != 0 ||
	    json_object_set_new(j, "contact_name", str_or_null(x->contact_name)) != 0 ||
	    json_object_set_new(j, "contact_email", str_or_null(x->contact_email)) != 0 ||
	    json_object_set_new(j, "account_id", id_or_null(x->account_id)) != 0 ||
	    json_object_set_new(j, "account_name", str_or_null(x->account_name)) != 0 ||
	    json_object_set_new(j, "status", json_string(invitation_status_name(x->status))) != 0 ||
	    json_object_set_new(j, "submitted_at", str_or_null(x->submitted_at)) != 0 ||
	    json_object_set_new(j, "revoked_at", str_or_null(x->revoked_at)) != 0 ||
	    json_object_set_new(j, "response_id", id_or_null(x->response_id)) != 0)
		goto fail;
	return j;
fail:
	json_decref(j);
	return NULL;
}
