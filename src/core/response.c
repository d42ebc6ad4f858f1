/*
 * response.c — the responses of a study (see response.h): who answered
 * (client, person, invitation, interviewer), the checks of each field, the
 * stored row with its answers keyed by question id, versioned edits,
 * archiving, the newest-first list, the audit entry of every change, and
 * the assessment a submitted response of a client becomes (built by
 * response_answers.c). All SQL about responses lives here.
 */
#include "core/response.h"

#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/entry.h"
#include "core/listing.h"
#include "core/response_impl.h"
#include "core/study.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/date.h"

#define RESPONSE_CURSOR_TAG "responses"
#define DATE_LEN	    10 /* YYYY-MM-DD */

static const char *const channel_names[RC__MAX] = {
    [RC_LINK] = "link",
    [RC_ANONYMOUS] = "anonymous",
    [RC_INTERVIEW] = "interview",
    [RC_IMPORT] = "import",
};

static const char *const status_names[RS__MAX] = {
    [RS_DRAFT] = "draft",
    [RS_SUBMITTED] = "submitted",
};

/* The columns read_response reads, in its order. */
enum response_col {
	COL_ID,
	COL_STUDY,
	COL_ACCOUNT,
	COL_ACCOUNT_NAME,
	COL_CONTACT,
	COL_CONTACT_NAME,
	COL_INVITATION,
	COL_CHANNEL,
	COL_STATUS,
	COL_ANSWERS,
	COL_INTERVIEWER,
	COL_INTERVIEWER_NAME,
	COL_NOTES,
	COL_TRANSCRIPT,
	COL_QUOTES,
	COL_LANG,
	COL_KEY,
	COL_ASSESSMENT,
	COL_SUBMITTED_AT,
	COL_VERSION,
	COL_CREATED_BY,
	COL_CREATED_AT,
	COL_UPDATED_AT,
	COL_ARCHIVED_AT
};

#define RESPONSE_SELECT                                                                            \
	"SELECT r.id, r.study_id, r.account_id, a.name, r.contact_id, ct.name, r.invitation_id,"   \
	" r.channel, r.status, r.answers, r.interviewer_user_id, u.name, r.notes, r.transcript,"   \
	" r.quotes, r.lang, r.respondent_key, r.assessment_id, r.submitted_at, r.version,"         \
	" r.created_by, r.created_at, r.updated_at, r.archived_at FROM responses r"                \
	" LEFT JOIN accounts a ON a.id = r.account_id AND a.workspace_id = r.workspace_id"         \
	" LEFT JOIN contacts ct ON ct.id = r.contact_id AND ct.workspace_id = r.workspace_id"      \
	" LEFT JOIN users u ON u.id = r.interviewer_user_id"

static struct db_sql sql_get = DB_SQL(RESPONSE_SELECT " WHERE r.workspace_id = ?1"
						      " AND r.study_id = ?2 AND r.id = ?3");
/* ?1 ws, ?2 study, ?3 archived 0/1, ?4 status, ?5 channel, ?6 account, ?7 contact, ?8 below id, ?9
 * limit */
static struct db_sql sql_list =
    DB_SQL(RESPONSE_SELECT " WHERE r.workspace_id = ?1 AND r.study_id = ?2"
			   " AND (CASE WHEN r.archived_at IS NULL THEN 0 ELSE 1 END) = ?3"
			   " AND (?4 IS NULL OR r.status = ?4) AND (?5 IS NULL OR r.channel = ?5)"
			   " AND (?6 = 0 OR r.account_id = ?6) AND (?7 = 0 OR r.contact_id = ?7)"
			   " AND (?8 = 0 OR r.id < ?8) ORDER BY r.id DESC LIMIT ?9");
static struct db_sql sql_insert = DB_SQL(
    "INSERT INTO responses (workspace_id, study_id, account_id, contact_id, invitation_id,"
    " channel, status, answers, interviewer_user_id, notes, transcript, quotes, lang,"
    " respondent_key, assessment_id, submitted_at, version, created_by, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 1, ?17,"
    " ?18, ?18) RETURNING id");
static struct db_sql sql_update =
    DB_SQL("UPDATE responses SET account_id = ?3, contact_id = ?4, status = ?5, answers = ?6,"
	   " interviewer_user_id = ?7, notes = ?8, transcript = ?9, quotes = ?10, lang = ?11,"
	   " respondent_key = ?12, assessment_id = ?13, submitted_at = ?14,"
	   " version = version + 1, updated_at = ?15"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?16");
static struct db_sql sql_archive =
    DB_SQL("UPDATE responses SET archived_at = ?3, version = version + 1, updated_at = ?4"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?5");
static struct db_sql sql_contact_account =
    DB_SQL("SELECT account_id FROM contacts WHERE workspace_id = ?1 AND id = ?2"
	   " AND archived_at IS NULL");
static struct db_sql sql_account_live =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND id = ?2 AND archived_at IS NULL");
static struct db_sql sql_member =
    DB_SQL("SELECT user_id FROM memberships WHERE workspace_id = ?1 AND user_id = ?2");
static struct db_sql sql_key_taken =
    DB_SQL("SELECT id FROM responses WHERE workspace_id = ?1 AND study_id = ?2"
	   " AND respondent_key = ?3 AND id <> ?4");

const char *
response_channel_name(enum response_channel ch)
{
	return (unsigned)ch < RC__MAX ? channel_names[ch] : channel_names[RC_IMPORT];
}

bool
response_channel_parse(const char *s, enum response_channel *out)
{
	for (int k = 0; s != NULL && k < RC__MAX; k++)
		if (strcmp(s, channel_names[k]) == 0) {
			*out = (enum response_channel)k;
			return true;
		}
	return false;
}

const char *
response_status_name(enum response_status s)
{
	return (unsigned)s < RS__MAX ? status_names[s] : status_names[RS_DRAFT];
}

bool
response_status_parse(const char *s, enum response_status *out)
{
	for (int k = 0; s != NULL && k < RS__MAX; k++)
		if (strcmp(s, status_names[k]) == 0) {
			*out = (enum response_status)k;
			return true;
		}
	return false;
}

/* Reads the current row of st (RESPONSE_SELECT) into the struct response at entry. */
static enum adv_err
read_response(struct db_stmt *st, struct arena *a, void *entry)
{
	struct response *out = entry;
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, COL_ID);
	out->study_id = db_col_int(st, COL_STUDY);
	out->account_id = db_col_int(st, COL_ACCOUNT);
	out->account_name = entry_col_text(st, COL_ACCOUNT_NAME, a, &oom);
	out->contact_id = db_col_int(st, COL_CONTACT);
	out->contact_name = entry_col_text(st, COL_CONTACT_NAME, a, &oom);
	out->invitation_id = db_col_int(st, COL_INVITATION);
	if (!response_channel_parse(db_col_text(st, COL_CHANNEL), &out->channel))
		out->channel = RC_IMPORT;
	if (!response_status_parse(db_col_text(st, COL_STATUS), &out->status))
		out->status = RS_DRAFT;
	out->answers = entry_col_text(st, COL_ANSWERS, a, &oom);
	out->interviewer_id = db_col_int(st, COL_INTERVIEWER);
	out->interviewer_name = entry_col_text(st, COL_INTERVIEWER_NAME, a, &oom);
	out->notes = entry_col_text(st, COL_NOTES, a, &oom);
	out->transcript = entry_col_text(st, COL_TRANSCRIPT, a, &oom);
	out->quotes = entry_col_text(st, COL_QUOTES, a, &oom);
	out->lang = entry_col_text(st, COL_LANG, a, &oom);
	out->respondent_key = entry_col_text(st, COL_KEY, a, &oom);
	out->assessment_id = db_col_int(st, COL_ASSESSMENT);
	out->submitted_at = entry_col_text(st, COL_SUBMITTED_AT, a, &oom);
	out->version = db_col_int(st, COL_VERSION);
	out->created_by = db_col_int(st, COL_CREATED_BY);
	out->created_at = entry_col_text(st, COL_CREATED_AT, a, &oom);
	out->updated_at = entry_col_text(st, COL_UPDATED_AT, a, &oom);
	out->archived_at = entry_col_text(st, COL_ARCHIVED_AT, a, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

enum adv_err
response_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id, int64_t id,
	     struct response *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_get, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	db_bind_int(st, 3, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	rc = read_response(st, a, out);
	db_done(st);
	return rc;
}

enum adv_err
response_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
	      const struct response_filter *f, unsigned limit, const char *cursor,
	      struct response **items, size_t *n, const char **next_cursor, struct adv_errbuf *eb)
{
	struct study s;
	json_t *cur = NULL, *last = NULL;
	int64_t below = 0;
	struct db_stmt *st;
	enum adv_err rc;
	void *v;

	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (limit == 0 || limit > RESPONSE_LIST_LIMIT_MAX)
		return adv_fail(eb, ADV_EINVAL, "limit", "limit must be from 1 to %d",
				RESPONSE_LIST_LIMIT_MAX);
	if ((rc = study_get(c, a, ws_id, study_id, &s)) != ADV_OK)
		goto out;
	if (cursor != NULL &&
	    (rc = listing_cursor_decode(cursor, RESPONSE_CURSOR_TAG, 2, &cur, eb)) != ADV_OK)
		goto out;
	if (cur != NULL && (below = json_integer_value(json_array_get(cur, 1))) <= 0) {
		rc = adv_fail(eb, ADV_EINVAL, "cursor",
			      "cursor is not a cursor of this list; start again without it");
		goto out;
	}
	if ((rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	db_bind_int(st, 3, f->archived ? 1 : 0);
	db_bind_text(st, 4, f->by_status ? response_status_name(f->status) : NULL);
	db_bind_text(st, 5, f->by_channel ? response_channel_name(f->channel) : NULL);
	db_bind_int(st, 6, f->account_id);
	db_bind_int(st, 7, f->contact_id);
	db_bind_int(st, 8, below);
	db_bind_int(st, 9, (int64_t)limit + 1);
	if ((rc = entry_list(st, a, sizeof(**items), read_response, &v, n)) != ADV_OK)
		goto out;
	*items = v;
	if (*n > limit) {
		*n = limit;
		last = json_pack("[s, I]", RESPONSE_CURSOR_TAG, (json_int_t)(*items)[limit - 1].id);
		if (last == NULL || (*next_cursor = listing_cursor_encode(a, last)) == NULL)
			rc = ADV_ENOMEM;
	}
out:
	json_decref(cur);
	json_decref(last);
	return rc;
}

/* One id looked up by sql (?1 workspace, ?2 id): *found. */
static enum adv_err
id_exists(struct db_conn *c, struct db_sql *sql, int64_t ws_id, int64_t id, int64_t *col0,
	  bool *found)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, found)) != ADV_OK || !*found)
		return rc;
	if (col0 != NULL)
		*col0 = db_col_int(st, 0);
	db_done(st);
	return ADV_OK;
}

/*
 * Checks who x says answered: a live contact names its account (another
 * account_id is "/contact_id"), a live account, a member as interviewer.
 * Fills x->account_id from the contact.
 */
static enum adv_err
respondent_check(struct db_conn *c, int64_t ws_id, struct response *x, struct adv_errbuf *eb)
{
	int64_t account = 0;
	bool found;
	enum adv_err rc;

	if (x->contact_id != 0) {
		if ((rc = id_exists(c, &sql_contact_account, ws_id, x->contact_id, &account,
				    &found)) != ADV_OK)
			return rc;
		if (!found)
			return adv_fail(eb, ADV_EINVAL, "/contact_id",
					"no such person in this workspace: %lld",
					(long long)x->contact_id);
		if (x->account_id != 0 && x->account_id != account)
			return adv_fail(eb, ADV_EINVAL, "/contact_id",
					"person %lld is not of account %lld",
					(long long)x->contact_id, (long long)x->account_id);
		x->account_id = account;
	}
	if (x->account_id != 0) {
		if ((rc = id_exists(c, &sql_account_live, ws_id, x->account_id, NULL, &found)) !=
		    ADV_OK)
			return rc;
		if (!found)
			return adv_fail(eb, ADV_EINVAL, "/account_id",
					"no such account in this workspace: %lld",
					(long long)x->account_id);
	}
	if (x->interviewer_id != 0) {
		if ((rc = id_exists(c, &sql_member, ws_id, x->interviewer_id, NULL, &found)) !=
		    ADV_OK)
			return rc;
		if (!found)
			return adv_fail(eb, ADV_EINVAL, "/interviewer_id",
					"user %lld is not a member of this workspace",
					(long long)x->interviewer_id);
	}
	if (x->channel == RC_ANONYMOUS && x->account_id != 0)
		return adv_fail(eb, ADV_EINVAL, "/account_id",
				"an anonymous response names no client");
	if ((x->channel == RC_INTERVIEW || x->channel == RC_LINK) && x->account_id == 0)
		return adv_fail(eb, ADV_EINVAL, "/account_id",
				"%s responses need the client: account_id or contact_id",
				response_channel_name(x->channel));
	return ADV_OK;
}

/* ADV_ECONFLICT "/respondent_key" when another response of the study has key. */
static enum adv_err
key_free(struct db_conn *c, int64_t ws_id, int64_t study_id, int64_t self, const char *key,
	 struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	int64_t other;
	bool row;

	if (key == NULL)
		return ADV_OK;
	if ((rc = db_prepare(c, &sql_key_taken, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	db_bind_text(st, 3, key);
	db_bind_int(st, 4, self);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	other = db_col_int(st, 0);
	db_done(st);
	return adv_fail(eb, ADV_ECONFLICT, "/respondent_key",
			"response %lld of this study has respondent key %s", (long long)other, key);
}

/* Checks quotes (a list of strings, or NULL) and writes them as JSON text into *out. */
static enum adv_err
quotes_take(struct arena *a, json_t *quotes, const char **out, struct adv_errbuf *eb)
{
	char ptr[32];
	size_t i;
	json_t *q, *clean = json_array();
	char *text = NULL;
	bool oom = false;
	enum adv_err rc = ADV_OK;

	if (clean == NULL)
		return ADV_ENOMEM;
	if (quotes != NULL &&
	    (!json_is_array(quotes) || json_array_size(quotes) > RESPONSE_QUOTES_MAX)) {
		rc = adv_fail(eb, ADV_EINVAL, "/quotes",
			      "quotes must be a list of at most %d texts", RESPONSE_QUOTES_MAX);
		goto out;
	}
	json_array_foreach(quotes, i, q)
	{
		const char *t;

		snprintf(ptr, sizeof(ptr), "/quotes/%zu", i);
		if (!json_is_string(q)) {
			rc = adv_fail(eb, ADV_EINVAL, ptr, "a quote must be text");
			goto out;
		}
		if ((rc = text_check(eb, ptr, "quote", json_string_value(q), true,
				     RESPONSE_QUOTE_MAX, true)) != ADV_OK)
			goto out;
		t = text_trimmed(a, json_string_value(q), &oom);
		if (oom || json_array_append_new(clean, json_string(t)) != 0) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
	if ((text = json_dumps(clean, JSON_COMPACT)) == NULL ||
	    (*out = arena_strdup(a, text)) == NULL)
		rc = ADV_ENOMEM;
out:
	free(text);
	json_decref(clean);
	return rc;
}

/*
 * Checks a submission time t: "YYYY-MM-DD" (midnight UTC) or
 * "YYYY-MM-DDTHH:MM:SSZ", not in the future; *out the stored form.
 */
static enum adv_err
submitted_take(struct arena *a, const char *t, const char *now, const char **out,
	       struct adv_errbuf *eb)
{
	struct tm tm;
	const char *end;
	char day[DATE_LEN + 1];

	if (t == NULL) {
		*out = arena_strdup(a, now);
		return *out ? ADV_OK : ADV_ENOMEM;
	}
	memset(&tm, 0, sizeof(tm));
	snprintf(day, sizeof(day), "%s", t);
	if (strlen(t) == DATE_LEN && date_valid(t))
		*out = arena_printf(a, "%sT00:00:00Z", t);
	else if (strlen(t) == strlen("YYYY-MM-DDTHH:MM:SSZ") && date_valid(day) &&
		 (end = strptime(t + DATE_LEN, "T%H:%M:%SZ", &tm)) != NULL && *end == '\0')
		*out = arena_strdup(a, t);
	else
		return adv_fail(eb, ADV_EINVAL, "/submitted_at",
				"submitted_at must be a date YYYY-MM-DD or a UTC time "
				"YYYY-MM-DDTHH:MM:SSZ");
	if (*out == NULL)
		return ADV_ENOMEM;
	if (strcmp(*out, now) > 0 || strcmp(day, ASSESSMENT_DATE_MIN) < 0)
		return adv_fail(eb, ADV_EINVAL, "/submitted_at",
				"submitted_at may not be in the future or before %s",
				ASSESSMENT_DATE_MIN);
	return ADV_OK;
}

/* Checks the plain fields in mask of in and copies them over x (trimmed). */
static enum adv_err
fields_take(struct arena *a, const struct response *in, uint32_t mask, struct response *x,
	    struct adv_errbuf *eb)
{
	bool oom = false;
	enum adv_err rc;

	if ((mask & RF_BIT(RF_NOTES)) && (rc = text_check(eb, "/notes", "notes", in->notes, false,
							  RESPONSE_NOTES_MAX, true)) != ADV_OK)
		return rc;
	if ((mask & RF_BIT(RF_TRANSCRIPT)) &&
	    (rc = text_check(eb, "/transcript", "transcript", in->transcript, false,
			     RESPONSE_TRANSCRIPT_MAX, true)) != ADV_OK)
		return rc;
	if ((mask & RF_BIT(RF_RESPONDENT_KEY)) &&
	    (rc = text_check(eb, "/respondent_key", "respondent_key", in->respondent_key, false,
			     RESPONSE_KEY_MAX, false)) != ADV_OK)
		return rc;
	if ((mask & RF_BIT(RF_LANG)) && in->lang != NULL && strcmp(in->lang, "ru") != 0 &&
	    strcmp(in->lang, "en") != 0)
		return adv_fail(eb, ADV_EINVAL, "/lang", "lang must be ru or en");
	if ((mask & RF_BIT(RF_QUOTES)) &&
	    (rc = quotes_take(a, in->quotes_in, &x->quotes, eb)) != ADV_OK)
		return rc;
	if (mask & RF_BIT(RF_ACCOUNT))
		x->account_id = in->account_id;
	if (mask & RF_BIT(RF_CONTACT))
		x->contact_id = in->contact_id;
	if (mask & RF_BIT(RF_INTERVIEWER))
		x->interviewer_id = in->interviewer_id;
	if (mask & RF_BIT(RF_NOTES))
		x->notes = text_trimmed(a, in->notes, &oom);
	if (mask & RF_BIT(RF_TRANSCRIPT))
		x->transcript = text_trimmed(a, in->transcript, &oom);
	if (mask & RF_BIT(RF_RESPONDENT_KEY))
		x->respondent_key = text_trimmed(a, in->respondent_key, &oom);
	if (mask & RF_BIT(RF_LANG))
		x->lang = in->lang;
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* What the audit keeps of x: the fields a change may touch; new reference. */
static json_t *
response_fields(const struct response *x)
{
	json_t *answers = json_loads(x->answers ? x->answers : "{}", 0, NULL);
	json_t *quotes = json_loads(x->quotes ? x->quotes : "[]", 0, NULL);

	if (answers == NULL || quotes == NULL) {
		json_decref(answers);
		json_decref(quotes);
		return NULL;
	}
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:s?, s:s?, s:s?, s:s?}", "study_id",
			 (json_int_t)x->study_id, "channel", response_channel_name(x->channel),
			 "status", response_status_name(x->status), "answers", answers, "quotes",
			 quotes, "notes", x->notes, "transcript", x->transcript, "respondent_key",
			 x->respondent_key, "submitted_at", x->submitted_at);
}

/*
 * Stores or corrects the assessment of submitted response x (answers keyed
 * by id) as actor: a new one when x has none, else a new version of it.
 * Sets x->assessment_id. A response that holds nothing for an assessment
 * makes none (and leaves an existing one as it is). The caller holds the
 * write scope, in which ctx was loaded (its catalogue serves the new one).
 */
static enum adv_err
assessment_sync(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		const struct response_context *ctx, json_t *answers, struct response *x,
		struct adv_errbuf *eb)
{
	struct assessment in, out;
	bool any;
	enum adv_err rc;

	if (x->status != RS_SUBMITTED || x->account_id == 0)
		return ADV_OK;
	if ((rc = response_assessment(a, ctx, answers, x, &in, &any)) != ADV_OK || !any)
		return rc;
	if (x->assessment_id == 0)
		return assessment_create_in(c, a, ws_id, actor, x->account_id, &ctx->cat, &in,
					    &x->assessment_id, eb);
	rc = assessment_update(c, a, ws_id, actor, x->account_id, x->assessment_id, 0, &in, &out,
			       eb);
	if (rc == ADV_OK)
		x->assessment_id = out.id;
	return rc;
}

/* The JSON text of answers (keys sorted) into *out, an arena string. */
static enum adv_err
answers_text(struct arena *a, json_t *answers, const char **out)
{
	char *text = json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS);

	*out = text ? arena_strdup(a, text) : NULL;
	free(text);
	return *out ? ADV_OK : ADV_ENOMEM;
}

/*
 * The body of response_create and response_create_in, in its own write
 * scope: ctx is the study's context when the caller loaded it (else it is
 * loaded here, ADV_ENOTFOUND when the study is not the workspace's); *id
 * gets the new response's id, and *out (unless NULL) the stored row read
 * back.
 */
static enum adv_err
create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t study_id,
       const struct response_context *given, const struct response *in, uint32_t mask, int64_t *id,
       struct response *out, struct adv_errbuf *eb)
{
	struct response_context loaded;
	const struct response_context *ctx = given;
	struct response x = {0};
	char now[CLOCK_TEXT_MAX];
	json_t *answers = NULL, *after = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false, row;
	enum adv_err rc;

	if ((unsigned)in->channel >= RC__MAX || (unsigned)in->status >= RS__MAX) {
		rc = adv_fail(eb, ADV_EINVAL,
			      (unsigned)in->channel >= RC__MAX ? "/channel" : "/status",
			      "unknown channel or status");
		goto out;
	}
	x.study_id = study_id;
	x.channel = in->channel;
	x.status = in->status;
	x.invitation_id = in->invitation_id;
	x.created_by = actor;
	x.quotes = "[]";
	if ((rc = fields_take(a, in, mask, &x, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if (x.status == RS_SUBMITTED &&
	    (rc = submitted_take(a, (mask & RF_BIT(RF_SUBMITTED_AT)) ? in->submitted_at : NULL, now,
				 &x.submitted_at, eb)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if (ctx == NULL) {
		if ((rc = response_context_load(c, a, ws_id, study_id, &loaded)) != ADV_OK)
			goto out;
		ctx = &loaded;
	}
	if ((x.channel == RC_LINK || x.channel == RC_ANONYMOUS) && ctx->status != STUDY_OPEN) {
		rc = adv_fail(eb, ADV_ECONFLICT, "/study_id", "the study is not open for answers");
		goto out;
	}
	if ((rc = respondent_check(c, ws_id, &x, eb)) != ADV_OK ||
	    (rc = key_free(c, ws_id, study_id, 0, x.respondent_key, eb)) != ADV_OK ||
	    (rc = response_answers_check(ctx, NULL, in->answers_in, x.status == RS_SUBMITTED,
					 &answers, eb)) != ADV_OK ||
	    (rc = assessment_sync(c, a, ws_id, actor, ctx, answers, &x, eb)) != ADV_OK ||
	    (rc = answers_text(a, answers, &x.answers)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	db_bind_id(st, 3, x.account_id);
	db_bind_id(st, 4, x.contact_id);
	db_bind_id(st, 5, x.invitation_id);
	db_bind_text(st, 6, response_channel_name(x.channel));
	db_bind_text(st, 7, response_status_name(x.status));
	db_bind_text(st, 8, x.answers);
	db_bind_id(st, 9, x.interviewer_id);
	db_bind_text(st, 10, x.notes);
	db_bind_text(st, 11, x.transcript);
	db_bind_text(st, 12, x.quotes);
	db_bind_text(st, 13, x.lang);
	db_bind_text(st, 14, x.respondent_key);
	db_bind_id(st, 15, x.assessment_id);
	db_bind_text(st, 16, x.submitted_at);
	db_bind_id(st, 17, actor);
	db_bind_text(st, 18, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	if ((after = response_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "response", x.id, x.account_id, "create", after)) !=
	    ADV_OK)
		goto out;
	*id = x.id;
	if (out != NULL)
		rc = response_get(c, a, ws_id, study_id, x.id, out);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(answers);
	json_decref(after);
	return rc;
}

enum adv_err
response_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t study_id,
		const struct response *in, uint32_t mask, struct response *out,
		struct adv_errbuf *eb)
{
	int64_t id;

	return create(c, a, ws_id, actor, study_id, NULL, in, mask, &id, out, eb);
}

enum adv_err
response_create_in(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		   const struct response_context *ctx, const struct response *in, uint32_t mask,
		   int64_t *id, struct adv_errbuf *eb)
{
	return create(c, a, ws_id, actor, ctx->study_id, ctx, in, mask, id, NULL, eb);
}

/* Loads response id of study_id for a write at expect_version (0 = any): 404 and 412. */
static enum adv_err
load_for_write(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id, int64_t id,
	       int64_t expect_version, struct response *cur, struct adv_errbuf *eb)
{
	enum adv_err rc = response_get(c, a, ws_id, study_id, id, cur);

	if (rc == ADV_ENOTFOUND)
		return adv_fail(eb, rc, NULL, "no such response in study %lld: %lld",
				(long long)study_id, (long long)id);
	if (rc != ADV_OK)
		return rc;
	return entry_version_check(eb, "response", expect_version, cur->version);
}

/* Checks the status and client changes of patch (mask) on cur into x. */
static enum adv_err
transition_check(const struct response *cur, const struct response *patch, uint32_t mask,
		 struct response *x, struct adv_errbuf *eb)
{
	if (mask & RF_BIT(RF_STATUS)) {
		if ((unsigned)patch->status >= RS__MAX ||
		    (cur->status == RS_SUBMITTED && patch->status == RS_DRAFT))
			return adv_fail(eb, ADV_EINVAL, "/status",
					"a submitted response cannot become a draft again");
		x->status = patch->status;
	}
	if (cur->status == RS_SUBMITTED &&
	    (x->account_id != cur->account_id || x->contact_id != cur->contact_id))
		return adv_fail(eb, ADV_EINVAL,
				x->account_id != cur->account_id ? "/account_id" : "/contact_id",
				"the client of a submitted response cannot change");
	return ADV_OK;
}

enum adv_err
response_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t study_id,
		int64_t id, int64_t expect_version, const struct response *patch, uint32_t mask,
		struct response *out, struct adv_errbuf *eb)
{
	struct response_context ctx;
	struct response cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *base = NULL, *answers = NULL, *before = NULL, *after = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, study_id, id, expect_version, &cur, eb)) != ADV_OK)
		goto out;
	x = cur;
	if (x.contact_id != 0 && (mask & RF_BIT(RF_ACCOUNT)) && !(mask & RF_BIT(RF_CONTACT))) {
		x.contact_id = 0;
		mask |= RF_BIT(RF_CONTACT);
	}
	if ((rc = fields_take(a, patch, mask, &x, eb)) != ADV_OK ||
	    (rc = transition_check(&cur, patch, mask, &x, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if (x.status == RS_SUBMITTED &&
	    (cur.status == RS_DRAFT || (mask & RF_BIT(RF_SUBMITTED_AT))) &&
	    (rc = submitted_take(a, (mask & RF_BIT(RF_SUBMITTED_AT)) ? patch->submitted_at : NULL,
				 now, &x.submitted_at, eb)) != ADV_OK)
		goto out;
	if ((rc = response_context_load(c, a, ws_id, study_id, &ctx)) != ADV_OK)
		goto out;
	if ((x.channel == RC_LINK || x.channel == RC_ANONYMOUS) && actor == 0 &&
	    ctx.status != STUDY_OPEN) {
		rc = adv_fail(eb, ADV_ECONFLICT, "/study_id", "the study is not open for answers");
		goto out;
	}
	if ((base = json_loads(cur.answers ? cur.answers : "{}", 0, NULL)) == NULL) {
		rc = ADV_EINTERNAL;
		goto out;
	}
	if ((rc = respondent_check(c, ws_id, &x, eb)) != ADV_OK ||
	    (rc = key_free(c, ws_id, study_id, id, x.respondent_key, eb)) != ADV_OK ||
	    (rc = response_answers_check(&ctx, base,
					 (mask & RF_BIT(RF_ANSWERS)) ? patch->answers_in : NULL,
					 x.status == RS_SUBMITTED, &answers, eb)) != ADV_OK ||
	    (rc = answers_text(a, answers, &x.answers)) != ADV_OK)
		goto out;
	if ((before = response_fields(&cur)) == NULL || (after = response_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = cur;
	if (json_equal(before, after) && x.account_id == cur.account_id &&
	    x.contact_id == cur.contact_id && x.interviewer_id == cur.interviewer_id &&
	    (x.lang == cur.lang || (x.lang && cur.lang && strcmp(x.lang, cur.lang) == 0)))
		goto out;
	if ((rc = assessment_sync(c, a, ws_id, actor, &ctx, answers, &x, eb)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_id(st, 3, x.account_id);
	db_bind_id(st, 4, x.contact_id);
	db_bind_text(st, 5, response_status_name(x.status));
	db_bind_text(st, 6, x.answers);
	db_bind_id(st, 7, x.interviewer_id);
	db_bind_text(st, 8, x.notes);
	db_bind_text(st, 9, x.transcript);
	db_bind_text(st, 10, x.quotes);
	db_bind_text(st, 11, x.lang);
	db_bind_text(st, 12, x.respondent_key);
	db_bind_id(st, 13, x.assessment_id);
	db_bind_text(st, 14, x.submitted_at);
	db_bind_text(st, 15, now);
	db_bind_int(st, 16, cur.version);
	if ((rc = db_exec(st)) != ADV_OK ||
	    (rc = audit_write(c, ws_id, actor, "response", id, x.account_id,
			      cur.status == RS_DRAFT && x.status == RS_SUBMITTED ? "submit"
										 : "update",
			      after)) != ADV_OK)
		goto out;
	rc = response_get(c, a, ws_id, study_id, id, out);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(base);
	json_decref(answers);
	json_decref(before);
	json_decref(after);
	return rc;
}

enum adv_err
response_archive(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t study_id,
		 int64_t id, int64_t expect_version, bool archive, struct response *out,
		 struct adv_errbuf *eb)
{
	struct response cur;
	char now[CLOCK_TEXT_MAX];
	json_t *change = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, study_id, id, expect_version, &cur, eb)) != ADV_OK)
		goto out;
	*out = cur;
	if (archive == (cur.archived_at != NULL))
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_archive, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, archive ? now : NULL);
	db_bind_text(st, 4, now);
	db_bind_int(st, 5, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((change = json_pack("{s:{s:s?, s:s?}}", "archived_at", "from", cur.archived_at, "to",
				archive ? now : NULL)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "response", id, cur.account_id,
			      archive ? "archive" : "restore", change)) != ADV_OK)
		goto out;
	rc = response_get(c, a, ws_id, study_id, id, out);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(change);
	return rc;
}

/* answers (JSON text keyed by question id) re-keyed by the codes of ctx; new reference. */
static json_t *
answers_by_code(const char *answers, const struct response_context *ctx)
{
	json_t *by_id = json_loads(answers ? answers : "{}", 0, NULL), *out = json_object(), *v;
	const char *key;

	if (by_id == NULL || out == NULL)
		goto fail;
	json_object_foreach(by_id, key, v)
	{
		const struct question *q = response_question(ctx, strtoll(key, NULL, 10), NULL);

		if (q != NULL && json_object_set(out, q->code, v) != 0)
			goto fail;
	}
	json_decref(by_id);
	return out;
fail:
	json_decref(by_id);
	json_decref(out);
	return NULL;
}

/* A JSON integer of id, or null when 0; new reference. */
static json_t *
id_or_null(int64_t id)
{
	return id != 0 ? json_integer(id) : json_null();
}

json_t *
response_json(const struct response *r, const struct response_context *ctx)
{
	json_t *answers = answers_by_code(r->answers, ctx);
	json_t *quotes = json_loads(r->quotes ? r->quotes : "[]", 0, NULL);

	if (answers == NULL || quotes == NULL) {
		json_decref(answers);
		json_decref(quotes);
		return NULL;
	}
	return json_pack(
	    "{s:I, s:I, s:o, s:s?, s:o, s:s?, s:o, s:s, s:s, s:o, s:o, s:s?, s:s?,"
	    " s:s?, s:o, s:s?, s:s?, s:o, s:s?, s:I, s:s, s:s, s:s?}",
	    "id", (json_int_t)r->id, "study_id", (json_int_t)r->study_id, "account_id",
	    id_or_null(r->account_id), "account_name", r->account_name, "contact_id",
	    id_or_null(r->contact_id), "contact_name", r->contact_name, "invitation_id",
	    id_or_null(r->invitation_id), "channel", response_channel_name(r->channel), "status",
	    response_status_name(r->status), "answers", answers, "interviewer_id",
	    id_or_null(r->interviewer_id), "interviewer_name", r->interviewer_name, "notes",
	    r->notes, "transcript", r->transcript, "quotes", quotes, "lang", r->lang,
	    "respondent_key", r->respondent_key, "assessment_id", id_or_null(r->assessment_id),
	    "submitted_at", r->submitted_at, "version", (json_int_t)r->version, "created_at",
	    r->created_at, "updated_at", r->updated_at, "archived_at", r->archived_at);
}
