/*
 * copy.c — copying a whole deployment between databases (see copy.h).
 *
 * One table, copy_tabs, lists every table of the schema with its columns and
 * each column's type; the SQL that reads, writes, empties and checks each
 * table is generated from it once per process, so a column added by a
 * migration is added here and nowhere else (tests/api/test_copy.c compares
 * this table with the migrated schema). Values are read and bound with the
 * accessor of their type, never through text: SQLite's text form of a REAL
 * is not exact.
 *
 * The one dialect difference: after rows arrive with explicit ids,
 * PostgreSQL's identity sequences still stand at 1 and must be moved past
 * the largest id (setval); SQLite numbers from MAX(id) + 1 by itself.
 */
#include "core/copy.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "db/migrate.h"

#define COPY_COLS_MAX 40   /* columns of the widest table, with room to grow */
#define COPY_SQL_LEN  1024 /* bytes of one generated statement */
#define COPY_NUM_LEN  48   /* bytes of one encoded number in a row hash */

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME  0x100000001b3ULL

struct copy_col {
	const char *name;
	enum copy_type type;
};

struct copy_tab {
	const char *name;
	const char *key; /* the primary key, the order rows are read in */
	bool identity;	 /* has an "id" that PostgreSQL numbers from a sequence */
	struct copy_col cols[COPY_COLS_MAX]; /* ends at the first NULL name */
};

/* clang-format off */
#define CI(n) {n, COPY_INT}
#define CD(n) {n, COPY_DOUBLE}
#define CT(n) {n, COPY_TEXT}
/* clang-format on */

/* Every table of the schema after sql/0010 (schema_migrations and the seed_* tables excepted). */
static const struct copy_tab copy_tabs[COPY_TABLE__MAX] = {
    [COPY_WORKSPACES] = {"workspaces",
			 "id",
			 true,
			 {CI("id"), CT("slug"), CT("name"), CT("created_at"), CI("data_version"),
			  CI("score_min"), CI("score_max"), CI("factor_window_months"),
			  CI("contact_stale_days")}},
    [COPY_USERS] = {"users",
		    "id",
		    true,
		    {CI("id"), CT("email"), CT("name"), CT("password_hash"), CI("is_admin"),
		     CI("disabled"), CT("created_at")}},
    [COPY_MEMBERSHIPS] = {"memberships",
			  "workspace_id, user_id",
			  false,
			  {CI("workspace_id"), CI("user_id"), CT("role"), CT("created_at")}},
    [COPY_SESSIONS] = {"sessions",
		       "id",
		       true,
		       {CI("id"), CT("token_hash"), CT("csrf_token"), CI("user_id"),
			CT("created_at"), CT("last_seen_at"), CT("expires_at"), CT("revoked_at")}},
    [COPY_API_TOKENS] = {"api_tokens",
			 "id",
			 true,
			 {CI("id"), CT("token_hash"), CI("user_id"), CT("label"), CT("created_at"),
			  CT("last_used_at"), CT("revoked_at")}},
    [COPY_LOGIN_THROTTLE] = {"login_throttle",
			     "throttle_key",
			     false,
			     {CT("throttle_key"), CI("failures"), CT("window_start"),
			      CT("locked_until")}},
    [COPY_ACCOUNTS] = {"accounts",
		       "id",
		       true,
		       {CI("id"),
			CI("workspace_id"),
			CT("name"),
			CT("legal_name"),
			CT("inn"),
			CT("external_id"),
			CT("status"),
			CT("churned_at"),
			CT("churn_reason"),
			CT("segment"),
			CI("owner_user_id"),
			CT("tags"),
			CT("industry"),
			CT("region"),
			CT("city"),
			CT("website"),
			CT("employees"),
			CD("revenue"),
			CT("revenue_currency"),
			CT("description"),
			CT("search_text"),
			CI("version"),
			CT("created_at"),
			CT("updated_at"),
			CT("archived_at")}},
    [COPY_ACCOUNT_TAGS] = {"account_tags",
			   "account_id, tag",
			   false,
			   {CI("workspace_id"), CI("account_id"), CT("tag")}},
    [COPY_COMPETITORS] = {"competitors",
			  "id",
			  true,
			  {CI("id"), CI("workspace_id"), CT("name"), CT("website"), CT("notes"),
			   CI("version"), CT("created_at"), CT("updated_at"), CT("archived_at"),
			   CT("search_text")}},
    [COPY_ACCOUNT_SUPPLIERS] = {"account_suppliers",
				"id",
				true,
				{CI("id"), CI("workspace_id"), CI("account_id"),
				 CI("competitor_id"), CD("share_pct"), CT("categories"),
				 CT("since"), CT("notes"), CI("version"), CT("created_at"),
				 CT("updated_at"), CT("archived_at")}},
    [COPY_JOURNEY_STAGES] = {"journey_stages",
			     "id",
			     true,
			     {CI("id"), CI("workspace_id"), CT("code"), CT("name_ru"),
			      CT("name_en"), CT("goal_ru"), CT("goal_en"), CT("questions_ru"),
			      CT("questions_en"), CI("position"), CI("version"), CT("created_at"),
			      CT("updated_at"), CT("archived_at")}},
    [COPY_JOURNEY_ITEMS] = {"journey_items",
			    "id",
			    true,
			    {CI("id"), CI("workspace_id"), CI("stage_id"), CT("kind"),
			     CT("name_ru"), CT("name_en"), CI("position"), CI("version"),
			     CT("created_at"), CT("updated_at"), CT("archived_at")}},
    [COPY_LOYALTY_COMPONENTS] = {"loyalty_components",
				 "id",
				 true,
				 {CI("id"), CI("workspace_id"), CT("code"), CT("name_ru"),
				  CT("name_en"), CT("description_ru"), CT("description_en"),
				  CD("weight"), CI("position"), CI("active"), CI("version"),
				  CT("created_at"), CT("updated_at")}},
    [COPY_LOYALTY_FACTORS] = {"loyalty_factors",
			      "id",
			      true,
			      {CI("id"), CI("workspace_id"), CI("component_id"), CT("text_ru"),
			       CT("text_en"), CI("polarity"), CI("position"), CI("active"),
			       CI("stage_id"), CI("item_id"), CI("version"), CT("created_at"),
			       CT("updated_at")}},
    [COPY_CONTACTS] = {"contacts",
		       "id",
		       true,
		       {CI("id"),	    CI("workspace_id"),	 CI("account_id"),
			CT("name"),	    CT("position"),	 CT("department"),
			CT("emails"),	    CT("phones"),	 CI("reports_to_id"),
			CT("buying_role"),  CT("attitude"),	 CT("influence"),
			CT("relationship"), CI("owner_user_id"), CT("last_contact_on"),
			CT("left_on"),	    CT("notes"),	 CT("external_id"),
			CI("version"),	    CT("created_at"),	 CT("updated_at"),
			CT("archived_at")}},
    [COPY_CONTACT_LINKS] = {"contact_links",
			    "id",
			    true,
			    {CI("id"), CI("workspace_id"), CI("account_id"), CI("from_contact_id"),
			     CI("to_contact_id"), CT("sign"), CT("note"), CI("version"),
			     CT("created_at"), CT("updated_at")}},
    [COPY_CONTACT_ACTIONS] = {"contact_actions",
			      "id",
			      true,
			      {CI("id"), CI("workspace_id"), CI("account_id"), CI("contact_id"),
			       CT("what"), CT("due_on"), CI("owner_user_id"), CT("status"),
			       CT("done_on"), CI("version"), CT("created_at"), CT("updated_at")}},
    [COPY_ASSESSMENTS] = {"assessments",
			  "id",
			  true,
			  {CI("id"), CI("workspace_id"), CI("account_id"), CI("series_id"),
			   CI("version"), CI("current"), CT("assessed_on"), CT("source"),
			   CI("author_user_id"), CT("person"), CT("summary"), CI("recommend"),
			   CI("stage_id"), CI("item_id"), CT("created_at"), CI("contact_id")}},
    [COPY_ASSESSMENT_SCORES] = {"assessment_scores",
				"assessment_id, component_id",
				false,
				{CI("assessment_id"), CI("workspace_id"), CI("account_id"),
				 CI("component_id"), CT("assessed_on"), CI("current"), CD("score"),
				 CT("comment")}},
    [COPY_ASSESSMENT_FACTORS] = {"assessment_factors",
				 "assessment_id, factor_id",
				 false,
				 {CI("assessment_id"), CI("workspace_id"), CI("account_id"),
				  CI("factor_id"), CT("assessed_on"), CI("current"),
				  CT("evidence")}},
    [COPY_STUDIES] = {"studies",
		      "id",
		      true,
		      {CI("id"), CI("workspace_id"), CT("name"), CT("name_key"), CT("kind"),
		       CT("status"), CT("starts_on"), CT("ends_on"), CT("description"), CT("guide"),
		       CI("version"), CT("created_at"), CT("updated_at"), CT("archived_at")}},
    [COPY_STUDY_QUESTIONS] = {"study_questions",
			      "id",
			      true,
			      {CI("id"), CI("workspace_id"), CI("study_id"), CT("code"), CT("kind"),
			       CT("text_ru"), CT("text_en"), CI("component_id"),
			       CI("competitor_id"), CT("options"), CI("required"), CI("position"),
			       CI("stage_id"), CI("active"), CI("version"), CT("created_at"),
			       CT("updated_at")}},
    [COPY_SURVEY_INVITATIONS] = {"survey_invitations",
				 "id",
				 true,
				 {CI("id"), CI("workspace_id"), CI("study_id"), CI("account_id"),
				  CI("contact_id"), CI("anonymous"), CT("token_hash"), CT("lang"),
				  CT("status"), CT("expires_at"), CT("sent_at"), CT("opened_at"),
				  CT("submitted_at"), CT("revoked_at"), CI("created_by"),
				  CI("version"), CT("created_at"), CT("updated_at")}},
    [COPY_RESPONSES] = {"responses",
			"id",
			true,
			{CI("id"),
			 CI("workspace_id"),
			 CI("study_id"),
			 CI("account_id"),
			 CI("contact_id"),
			 CI("invitation_id"),
			 CT("channel"),
			 CT("status"),
			 CT("answers"),
			 CI("interviewer_user_id"),
			 CT("notes"),
			 CT("transcript"),
			 CT("quotes"),
			 CT("lang"),
			 CT("respondent_key"),
			 CI("assessment_id"),
			 CT("submitted_at"),
			 CI("version"),
			 CI("created_by"),
			 CT("created_at"),
			 CT("updated_at"),
			 CT("archived_at")}},
    [COPY_PORTAL_USERS] = {"portal_users",
			   "id",
			   true,
			   {CI("id"), CI("workspace_id"), CI("account_id"), CI("contact_id"),
			    CT("email"), CT("name"), CT("password_hash"), CT("lang"),
			    CI("created_by"), CT("created_at"), CT("revoked_at"),
			    CT("last_login_at"), CI("version")}},
    [COPY_PORTAL_LINKS] = {"portal_links",
			   "id",
			   true,
			   {CI("id"), CI("workspace_id"), CI("portal_user_id"), CT("token_hash"),
			    CT("purpose"), CT("expires_at"), CT("used_at"), CT("revoked_at"),
			    CT("created_at")}},
    [COPY_PORTAL_SESSIONS] = {"portal_sessions",
			      "id",
			      true,
			      {CI("id"), CI("workspace_id"), CI("portal_user_id"), CI("account_id"),
			       CT("token_hash"), CT("csrf_token"), CT("created_at"),
			       CT("last_seen_at"), CT("expires_at"), CT("revoked_at")}},
    [COPY_REQUESTS] = {"requests",
		       "id",
		       true,
		       {CI("id"),
			CI("workspace_id"),
			CI("account_id"),
			CI("contact_id"),
			CI("portal_user_id"),
			CT("channel"),
			CT("kind"),
			CT("priority"),
			CT("subject"),
			CT("status"),
			CI("assignee_user_id"),
			CI("component_id"),
			CI("factor_id"),
			CI("stage_id"),
			CT("first_response_at"),
			CT("resolved_at"),
			CT("closed_at"),
			CI("reopened"),
			CI("messages"),
			CI("rating"),
			CT("rating_comment"),
			CT("rated_at"),
			CI("signal_assessment_id"),
			CT("first_response_due_at"),
			CT("resolution_due_at"),
			CT("escalated_at"),
			CT("reopen_until"),
			CI("suggested_component_id"),
			CI("suggested_factor_id"),
			CI("suggested_stage_id"),
			CT("suggestion_source"),
			CD("suggestion_confidence"),
			CT("last_message_at"),
			CI("created_by"),
			CI("version"),
			CT("created_at"),
			CT("updated_at"),
			CT("waiting_since"),
			CI("paused_minutes")}},
    [COPY_REQUEST_MESSAGES] = {"request_messages",
			       "id",
			       true,
			       {CI("id"), CI("workspace_id"), CI("request_id"), CT("author"),
				CI("user_id"), CI("portal_user_id"), CI("internal"), CT("body"),
				CI("helpful"), CT("created_at")}},
    [COPY_REQUEST_SETTINGS] = {"request_settings",
			       "workspace_id",
			       false,
			       {CI("workspace_id"), CT("settings"), CI("version"),
				CT("updated_at")}},
    [COPY_REQUEST_RULE_TURNS] = {"request_rule_turns",
				 "workspace_id, rule_index",
				 false,
				 {CI("workspace_id"), CI("rule_index"), CI("next_member")}},
    [COPY_REQUEST_MODELS] = {"request_models",
			     "workspace_id, target",
			     false,
			     {CI("workspace_id"), CT("target"), CT("model"), CI("documents"),
			      CI("version"), CT("updated_at")}},
    [COPY_REQUEST_ATTACHMENTS] = {"request_attachments",
				  "id",
				  true,
				  {CI("id"), CI("workspace_id"), CI("request_id"), CI("message_id"),
				   CT("uploader"), CI("user_id"), CI("portal_user_id"),
				   CI("internal"), CT("name"), CT("content_type"), CI("size"),
				   CT("sha256"), CT("created_at"), CT("data_base64")}},
    [COPY_AUDIT_LOG] = {"audit_log",
			"id",
			true,
			{CI("id"), CI("workspace_id"), CI("actor_user_id"), CT("entity_type"),
			 CI("entity_id"), CI("account_id"), CT("action"), CT("changes"),
			 CT("created_at")}},
    [COPY_EVENT_LOG] = {"event_log",
			"id",
			true,
			{CI("id"), CI("workspace_id"), CI("account_id"), CI("topic_id"),
			 CT("visibility"), CT("type"), CT("payload"), CT("created_at")}},
    [COPY_WEBHOOK_ENDPOINTS] = {"webhook_endpoints",
				"id",
				true,
				{CI("id"), CI("workspace_id"), CT("url"), CT("secret"),
				 CI("events"), CI("active"), CI("created_by"), CI("version"),
				 CT("created_at"), CT("updated_at")}},
    [COPY_WEBHOOK_DELIVERIES] = {"webhook_deliveries",
				 "id",
				 true,
				 {CI("id"), CI("workspace_id"), CI("endpoint_id"), CT("event_type"),
				  CT("payload"), CI("attempts"), CT("next_attempt_at"),
				  CT("last_attempt_at"), CI("last_status"), CT("last_error"),
				  CT("delivered_at"), CT("failed_at"), CT("created_at")}},
    [COPY_MAIL_OUTBOX] = {"mail_outbox",
			  "id",
			  true,
			  {CI("id"), CI("workspace_id"), CT("to_addr"), CT("subject"), CT("body"),
			   CI("attempts"), CT("next_attempt_at"), CT("last_attempt_at"),
			   CT("last_error"), CT("sent_at"), CT("failed_at"), CT("created_at")}},
};

#undef CI
#undef CD
#undef CT

/* The statements generated for each table. */
enum copy_stmt {
	COPY_SQL_SELECT, /* every column, in key order */
	COPY_SQL_INSERT, /* one row, every column bound */
	COPY_SQL_DELETE, /* every row */
	COPY_SQL_ANY,	 /* a row when there is one */
	COPY_SQL_SETVAL, /* PostgreSQL: the identity sequence past MAX(id) */
	COPY_SQL__MAX
};

static char copy_text[COPY_SQL__MAX][COPY_TABLE__MAX][COPY_SQL_LEN];
static struct db_sql copy_sql[COPY_SQL__MAX][COPY_TABLE__MAX];
static pthread_once_t copy_once = PTHREAD_ONCE_INIT;
static bool copy_sql_ready; /* every statement fitted its buffer */

/* Appends printf output to the statement text s (at *len); false when it does not fit. */
static bool __attribute__((format(printf, 3, 4)))
copy_cat(char *s, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s + *len, COPY_SQL_LEN - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= COPY_SQL_LEN - *len)
		return false;
	*len += (size_t)n;
	return true;
}

/* Writes the statements of table t into copy_text; false when one does not fit. */
static bool
copy_sql_build_table(enum copy_table t)
{
	const struct copy_tab *tab = &copy_tabs[t];
	char *sel = copy_text[COPY_SQL_SELECT][t], *ins = copy_text[COPY_SQL_INSERT][t];
	size_t ls = 0, li = 0, lx = 0;
	bool ok =
	    copy_cat(sel, &ls, "SELECT ") && copy_cat(ins, &li, "INSERT INTO %s (", tab->name);

	for (unsigned i = 0; ok && tab->cols[i].name != NULL; i++)
		ok = copy_cat(sel, &ls, "%s%s", i ? ", " : "", tab->cols[i].name) &&
		     copy_cat(ins, &li, "%s%s", i ? ", " : "", tab->cols[i].name);
	ok = ok && copy_cat(sel, &ls, " FROM %s ORDER BY %s", tab->name, tab->key) &&
	     copy_cat(ins, &li, ") VALUES (");
	for (unsigned i = 0; ok && tab->cols[i].name != NULL; i++)
		ok = copy_cat(ins, &li, "%s?%u", i ? ", " : "", i + 1);
	ok = ok && copy_cat(ins, &li, ")");
	ok = ok && copy_cat(copy_text[COPY_SQL_DELETE][t], &lx, "DELETE FROM %s", tab->name);
	lx = 0;
	ok = ok && copy_cat(copy_text[COPY_SQL_ANY][t], &lx, "SELECT 1 FROM %s LIMIT 1", tab->name);
	lx = 0;
	ok = ok && (!tab->identity || copy_cat(copy_text[COPY_SQL_SETVAL][t], &lx,
					       "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
					       "(SELECT COALESCE(MAX(id), 0) + 1 FROM %s), false)",
					       tab->name, tab->name));
	return ok;
}

/* Generates every statement once per process (pthread_once). */
static void
copy_sql_build(void)
{
	bool ok = true;

	for (int t = 0; t < COPY_TABLE__MAX; t++)
		ok = ok && copy_sql_build_table((enum copy_table)t);
	for (int k = 0; k < COPY_SQL__MAX; k++)
		for (int t = 0; t < COPY_TABLE__MAX; t++)
			copy_sql[k][t].text = copy_text[k][t];
	copy_sql_ready = ok;
}

/* Makes sure the statements exist; ADV_EINTERNAL when the table outgrew COPY_SQL_LEN. */
static enum adv_err
copy_sql_init(struct adv_errbuf *eb)
{
	pthread_once(&copy_once, copy_sql_build);
	if (!copy_sql_ready)
		return adv_fail(eb, ADV_EINTERNAL, NULL, "a copy statement exceeds %d bytes",
				COPY_SQL_LEN);
	return ADV_OK;
}

const char *
copy_table_name(enum copy_table t)
{
	return copy_tabs[t].name;
}

const char *
copy_column(enum copy_table t, unsigned i, enum copy_type *type)
{
	if (i >= COPY_COLS_MAX || copy_tabs[t].cols[i].name == NULL)
		return NULL;
	if (type != NULL)
		*type = copy_tabs[t].cols[i].type;
	return copy_tabs[t].cols[i].name;
}

/* FNV-1a 64 of n bytes at p, continuing from h. */
static uint64_t
copy_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= FNV64_PRIME;
	}
	return h;
}

/*
 * The hash of the current row of st (columns as in table t): FNV-1a 64 over
 * "N" for NULL, "I<decimal>;", "D<%.17g>;" and "T<bytes>:<text>" per column,
 * then a final avalanche (MurmurHash3's fmix64) so that summing row hashes
 * mixes every bit.
 */
static uint64_t
copy_row_hash(struct db_stmt *st, const struct copy_tab *tab)
{
	uint64_t h = FNV64_OFFSET;
	char num[COPY_NUM_LEN];
	const char *s;
	int n = 0;

	for (int i = 0; tab->cols[i].name != NULL; i++) {
		if (db_col_null(st, i)) {
			h = copy_fnv(h, "N", 1);
			continue;
		}
		switch (tab->cols[i].type) {
		case COPY_INT:
			n = snprintf(num, sizeof(num), "I%lld;", (long long)db_col_int(st, i));
			h = copy_fnv(h, num, (size_t)n);
			break;
		case COPY_DOUBLE:
			n = snprintf(num, sizeof(num), "D%.17g;", db_col_double(st, i));
			h = copy_fnv(h, num, (size_t)n);
			break;
		case COPY_TEXT:
			s = db_col_text(st, i);
			n = snprintf(num, sizeof(num), "T%zu:", db_col_bytes(st, i));
			h = copy_fnv(h, num, (size_t)n);
			h = copy_fnv(h, s, db_col_bytes(st, i));
			break;
		}
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* Binds the current row of from (columns of tab) to the parameters of to, each by its type. */
static enum adv_err
copy_bind_row(struct db_stmt *from, struct db_stmt *to, const struct copy_tab *tab)
{
	enum adv_err rc = ADV_OK;

	for (int i = 0; rc == ADV_OK && tab->cols[i].name != NULL; i++) {
		if (db_col_null(from, i)) {
			rc = db_bind_null(to, i + 1);
			continue;
		}
		switch (tab->cols[i].type) {
		case COPY_INT:
			rc = db_bind_int(to, i + 1, db_col_int(from, i));
			break;
		case COPY_DOUBLE:
			rc = db_bind_double(to, i + 1, db_col_double(from, i));
			break;
		case COPY_TEXT:
			/* valid until from steps again, which is after the insert */
			rc = db_bind_text_ref(to, i + 1, db_col_text(from, i));
			break;
		}
	}
	return rc;
}

/*
 * Reads every row of table t on c; with to != NULL inserts each into the
 * database of to. Adds the rows and their hashes to *sum.
 */
static enum adv_err
copy_table_rows(struct db_conn *c, struct db_conn *to, enum copy_table t, struct copy_sum *sum,
		struct adv_errbuf *eb)
{
	const struct copy_tab *tab = &copy_tabs[t];
	struct db_stmt *sel = NULL, *ins = NULL;
	enum adv_err rc;
	bool row = false;

	*sum = (struct copy_sum){0, 0};
	if ((rc = db_prepare(c, &copy_sql[COPY_SQL_SELECT][t], &sel)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot read table %s", tab->name);
		goto out;
	}
	while ((rc = db_step(sel, &row)) == ADV_OK && row) {
		sum->rows++;
		sum->checksum += copy_row_hash(sel, tab);
		if (to == NULL)
			continue;
		if ((rc = db_prepare(to, &copy_sql[COPY_SQL_INSERT][t], &ins)) != ADV_OK ||
		    (rc = copy_bind_row(sel, ins, tab)) != ADV_OK ||
		    (rc = db_exec(ins)) != ADV_OK) {
			adv_fail(eb, rc, NULL, "cannot write row %lld of table %s: %s",
				 (long long)sum->rows, tab->name, adv_strerror(rc));
			goto out;
		}
	}
	if (rc != ADV_OK)
		adv_fail(eb, rc, NULL, "cannot read table %s: %s", tab->name, adv_strerror(rc));
out:
	if (rc != ADV_OK && sel != NULL && row)
		db_done(sel);
	return rc;
}

enum adv_err
copy_checksums(struct db *db, struct copy_sum *out, struct adv_errbuf *eb)
{
	struct db_conn *c = NULL;
	enum adv_err rc;

	if ((rc = copy_sql_init(eb)) != ADV_OK)
		goto out;
	if ((rc = db_acquire(db, &c)) != ADV_OK || (rc = db_begin_read(c)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot start reading the database: %s", adv_strerror(rc));
		goto out;
	}
	for (int t = 0; rc == ADV_OK && t < COPY_TABLE__MAX; t++)
		rc = copy_table_rows(c, NULL, (enum copy_table)t, &out[t], eb);
out:
	db_release(db, c);
	return rc;
}

/* Runs statement kind k of table t on c to completion. */
static enum adv_err
copy_run_stmt(struct db_conn *c, enum copy_stmt k, enum copy_table t)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, &copy_sql[k][t], &st)) != ADV_OK)
		return rc;
	return db_exec(st);
}

/*
 * Inside the write transaction open on c: refuses a target with rows
 * (ADV_ECONFLICT) unless replace, then deletes them, children first.
 */
static enum adv_err
copy_target_clear(struct db_conn *c, bool replace, struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;
	struct db_stmt *st;
	int full = -1;
	bool row = false;

	for (int t = 0; full < 0 && t < COPY_TABLE__MAX; t++) {
		if ((rc = db_prepare(c, &copy_sql[COPY_SQL_ANY][t], &st)) != ADV_OK ||
		    (rc = db_step(st, &row)) != ADV_OK) {
			adv_fail(eb, rc, NULL, "cannot read the target's table %s",
				 copy_tabs[t].name);
			goto out;
		}
		if (row) {
			db_done(st);
			full = t;
		}
	}
	if (full < 0)
		goto out;
	if (!replace) {
		rc = adv_fail(eb, ADV_ECONFLICT, NULL,
			      "the target database is not empty (table %s has rows); add --replace "
			      "to delete everything in it and copy over it",
			      copy_tabs[full].name);
		goto out;
	}
	for (int t = COPY_TABLE__MAX - 1; rc == ADV_OK && t >= 0; t--)
		if ((rc = copy_run_stmt(c, COPY_SQL_DELETE, (enum copy_table)t)) != ADV_OK)
			adv_fail(eb, rc, NULL, "cannot empty the target's table %s: %s",
				 copy_tabs[t].name, adv_strerror(rc));
out:
	return rc;
}

/* Checks that src has the schema this program copies; ADV_EINVAL otherwise. */
static enum adv_err
copy_check_source(struct db *src, struct adv_errbuf *eb)
{
	unsigned version = 0;
	enum adv_err rc;

	if ((rc = migrate_current(src, &version, eb)) != ADV_OK)
		goto out;
	if (version < migrate_latest())
		rc = adv_fail(eb, ADV_EINVAL, NULL,
			      "the source has schema version %u, this program's is %u; run "
			      "advocate migrate on the source first",
			      version, migrate_latest());
	else if (version > migrate_latest())
		rc = adv_fail(eb, ADV_EINVAL, NULL,
			      "the source has schema version %u, newer than this program's %u; "
			      "upgrade advocate",
			      version, migrate_latest());
out:
	return rc;
}

/* Compares both sides of rep; ADV_EDB naming the first table that differs. */
static enum adv_err
copy_compare(const struct copy_report *rep, struct adv_errbuf *eb)
{
	for (int t = 0; t < COPY_TABLE__MAX; t++) {
		const struct copy_sum *a = &rep->src[t], *b = &rep->dst[t];

		if (a->rows != b->rows || a->checksum != b->checksum)
			return adv_fail(eb, ADV_EDB, NULL,
					"the target differs from the source in table %s: %lld rows "
					"(checksum %016" PRIx64 ") against %lld (%016" PRIx64 ")",
					copy_tabs[t].name, (long long)b->rows, b->checksum,
					(long long)a->rows, a->checksum);
	}
	return ADV_OK;
}

enum adv_err
copy_run(struct db *src, struct db *dst, bool replace, struct copy_report *rep,
	 struct adv_errbuf *eb)
{
	struct db_conn *sc = NULL, *dc = NULL;
	unsigned applied = 0;
	enum adv_err rc;

	memset(rep, 0, sizeof(*rep));
	if ((rc = copy_sql_init(eb)) != ADV_OK || (rc = copy_check_source(src, eb)) != ADV_OK)
		goto out;
	if ((rc = migrate_apply(dst, &applied, eb)) != ADV_OK)
		goto out;
	if ((rc = db_acquire(dst, &dc)) != ADV_OK || (rc = db_begin(dc)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot start writing the target: %s", adv_strerror(rc));
		goto out;
	}
	if ((rc = copy_target_clear(dc, replace, eb)) != ADV_OK)
		goto out;
	if ((rc = db_acquire(src, &sc)) != ADV_OK || (rc = db_begin_read(sc)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot start reading the source: %s", adv_strerror(rc));
		goto out;
	}
	for (int t = 0; t < COPY_TABLE__MAX; t++)
		if ((rc = copy_table_rows(sc, dc, (enum copy_table)t, &rep->src[t], eb)) != ADV_OK)
			goto out;
	for (int t = 0; db_kind(dst) == DB_PG && t < COPY_TABLE__MAX; t++) {
		if (!copy_tabs[t].identity)
			continue;
		if ((rc = copy_run_stmt(dc, COPY_SQL_SETVAL, (enum copy_table)t)) != ADV_OK) {
			adv_fail(eb, rc, NULL, "cannot advance the id sequence of %s: %s",
				 copy_tabs[t].name, adv_strerror(rc));
			goto out;
		}
	}
	if ((rc = db_commit(dc)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot commit the copy: %s", adv_strerror(rc));
		goto out;
	}
	db_release(dst, dc);
	dc = NULL;
	db_release(src, sc);
	sc = NULL;
	if ((rc = copy_checksums(dst, rep->dst, eb)) != ADV_OK)
		goto out;
	rep->verified = true;
	rc = copy_compare(rep, eb);
out:
	db_release(src, sc);
	db_release(dst, dc);
	return rc;
}
