/*
 * outbox.c — the outbox of notifications (see outbox.h): queuing events for
 * the endpoints subscribed to them and e-mail for the SMTP server, the
 * endpoints themselves (URL checks, secrets, versioned edits with an audit
 * entry), the delivery log, test deliveries and retries, and the signature
 * receivers check. The worker that sends what is queued lives in
 * outbound_worker.c; all other SQL about webhook_endpoints,
 * webhook_deliveries and mail_outbox lives here.
 */
#include "core/outbox.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/audit.h"
#include "core/identity.h"
#include "core/outbound_worker.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/str.h"

const char *const outbox_event_types[] = {
    [OUTBOX_REQUEST_CREATED] = "request.created",
    [OUTBOX_REQUEST_MESSAGE] = "request.message",
    [OUTBOX_REQUEST_RESOLVED] = "request.resolved",
    [OUTBOX_REQUEST_RATED] = "request.rated",
    [OUTBOX_EVENT__MAX] = NULL,
};

static const char *const state_names[OUTBOX_STATE__MAX] = {"pending", "delivered", "failed"};

/* What the bus carries when something was queued: wakes the workers of every node. */
#define OUTBOX_NOTIFY "{\"type\":\"outbox.queued\"}"

/* Columns of an endpoint (read_endpoint). */
#define ENDPOINT_COLS "id, url, events, active, created_by, version, created_at, updated_at"

/* Columns of a delivery (read_delivery). */
#define DELIVERY_COLS                                                                              \
	"id, endpoint_id, event_type, payload, attempts, next_attempt_at, last_attempt_at,"        \
	" last_status, last_error, delivered_at, failed_at, created_at"

static struct db_sql sql_event =
    DB_SQL("INSERT INTO webhook_deliveries (workspace_id, endpoint_id, event_type, payload,"
	   " attempts, next_attempt_at, created_at)"
	   " SELECT e.workspace_id, e.id, CAST(?2 AS TEXT), CAST(?3 AS TEXT), 0,"
	   " CAST(?4 AS TEXT), CAST(?5 AS TEXT) FROM webhook_endpoints e"
	   " WHERE e.workspace_id = ?1 AND e.active = 1 AND (e.events & ?6) <> 0");
static struct db_sql sql_mail =
    DB_SQL("INSERT INTO mail_outbox (workspace_id, to_addr, subject, body, attempts,"
	   " next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)");
static struct db_sql sql_list = DB_SQL("SELECT " ENDPOINT_COLS " FROM webhook_endpoints"
				       " WHERE workspace_id = ?1 ORDER BY id LIMIT ?2");
static struct db_sql sql_get = DB_SQL("SELECT " ENDPOINT_COLS " FROM webhook_endpoints"
				      " WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_count =
    DB_SQL("SELECT COUNT(*) FROM webhook_endpoints WHERE workspace_id = ?1");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO webhook_endpoints (workspace_id, url, secret, events, active,"
	   " created_by, version, created_at, updated_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7) RETURNING id");
static struct db_sql sql_update =
    DB_SQL("UPDATE webhook_endpoints SET url = ?3, events = ?4, active = ?5,"
	   " version = version + 1, updated_at = ?6"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?7");
static struct db_sql sql_fail_pending =
    DB_SQL("UPDATE webhook_deliveries SET failed_at = ?3, last_error = ?4"
	   " WHERE workspace_id = ?1 AND endpoint_id = ?2 AND delivered_at IS NULL"
	   " AND failed_at IS NULL");
static struct db_sql sql_delete_deliveries =
    DB_SQL("DELETE FROM webhook_deliveries WHERE workspace_id = ?1 AND endpoint_id = ?2");
static struct db_sql sql_delete =
    DB_SQL("DELETE FROM webhook_endpoints WHERE workspace_id = ?1 AND id = ?2 AND version = ?3");
static struct db_sql sql_ping =
    DB_SQL("INSERT INTO webhook_deliveries (workspace_id, endpoint_id, event_type, payload,"
	   " attempts, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)"
	   " RETURNING id");
static struct db_sql sql_log = DB_SQL("SELECT " DELIVERY_COLS " FROM webhook_deliveries"
				      " WHERE workspace_id = ?1 AND endpoint_id = ?2"
				      " AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?4");
static struct db_sql sql_delivery =
    DB_SQL("SELECT " DELIVERY_COLS " FROM webhook_deliveries"
	   " WHERE workspace_id = ?1 AND endpoint_id = ?2 AND id = ?3");
static struct db_sql sql_retry =
    DB_SQL("UPDATE webhook_deliveries SET attempts = 0, next_attempt_at = ?4,"
	   " delivered_at = NULL, failed_at = NULL WHERE workspace_id = ?1 AND endpoint_id = ?2"
	   " AND id = ?3 AND (delivered_at IS NOT NULL OR failed_at IS NOT NULL)");

int
outbox_event_parse(const char *s)
{
	for (int i = 0; s != NULL && i < OUTBOX_EVENT__MAX; i++)
		if (strcmp(outbox_event_types[i], s) == 0)
			return i;
	return -1;
}

const char *
outbox_state_name(enum outbox_state s)
{
	return (unsigned)s < OUTBOX_STATE__MAX ? state_names[s] : "pending";
}

void
outbox_time(int64_t offset_ms, char out[OUTBOX_TIME_MAX])
{
	struct timespec ts;
	struct tm tm;
	int64_t ms;
	time_t t;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + offset_ms;
	t = (time_t)(ms / 1000);
	gmtime_r(&t, &tm);
	n = strftime(out, OUTBOX_TIME_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, OUTBOX_TIME_MAX - n, ".%03dZ", (int)(ms % 1000));
}

bool
outbox_url_valid(const char *url, char *why, size_t whylen)
{
	CURLU *u = NULL;
	char *part = NULL;
	const char *problem = NULL;
	size_t n;
	char host;

	if (url == NULL || (n = strlen(url)) == 0) {
		problem = "url is required";
		goto out;
	}
	if (n > OUTBOX_URL_MAX) {
		problem = "url is too long";
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7F) {
			problem = "url may hold only printable ASCII without spaces "
				  "(percent-encode the rest)";
			goto out;
		}
	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0) {
		problem = "url must start with http:// or https://";
		goto out;
	}
	/* libcurl would read "http:///host" as "http://host": refuse an empty authority. */
	host = url[strncasecmp(url, "http://", 7) == 0 ? 7 : 8];
	if (host == '\0' || strchr("/?#", host) != NULL) {
		problem = "url must name a host";
		goto out;
	}
	if ((u = curl_url()) == NULL) {
		problem = "url cannot be checked now";
		goto out;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		problem = "url is not a valid URL";
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &part, 0) != CURLUE_OK || part == NULL ||
	    *part == '\0') {
		problem = "url must name a host";
		goto out;
	}
	curl_free(part);
	part = NULL;
	if (curl_url_get(u, CURLUPART_USER, &part, 0) != CURLUE_NO_USER ||
	    curl_url_get(u, CURLUPART_PASSWORD, &part, 0) != CURLUE_NO_PASSWORD) {
		problem = "url may not contain a user name or password";
		goto out;
	}
	if (curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) != CURLUE_NO_FRAGMENT) {
		problem = "url may not contain a fragment (#…)";
		goto out;
	}
out:
	curl_free(part);
	curl_url_cleanup(u);
	if (problem != NULL && why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", problem);
	return problem == NULL;
}

void
outbox_sign(const char *secret, const char *timestamp, const char *body, size_t len,
	    char out[OUTBOX_SIGNATURE_MAX])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, OUTBOX_SIGNATURE_MAX - 7, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

/* ADV_OK when payload is the text of a JSON object of at most OUTBOX_PAYLOAD_MAX bytes. */
static enum adv_err
payload_check(const char *payload)
{
	json_t *j;
	enum adv_err rc = ADV_EINVAL;

	if (payload == NULL)
		goto out;
	if (strlen(payload) > OUTBOX_PAYLOAD_MAX) {
		rc = ADV_ETOOBIG;
		goto out;
	}
	j = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	if (json_is_object(j))
		rc = ADV_OK;
	json_decref(j);
out:
	return rc;
}

enum adv_err
outbox_event(struct db_conn *c, int64_t ws_id, const char *type, const char *payload_json)
{
	char due[OUTBOX_TIME_MAX], now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	int t = outbox_event_parse(type);
	enum adv_err rc;

	if (t < 0) {
		rc = ADV_EINVAL;
		goto out;
	}
	if ((rc = payload_check(payload_json)) != ADV_OK)
		goto out;
	outbox_time(0, due);
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_event, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, outbox_event_types[t]);
	db_bind_text(st, 3, payload_json);
	db_bind_text(st, 4, due);
	db_bind_text(st, 5, now);
	db_bind_int(st, 6, (int64_t)OUTBOX_EVENT_BIT(t));
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if (db_changes(st) > 0)
		rc = db_notify(c, OUTBOX_NOTIFY);
out:
	return rc;
}

bool
outbox_mail_address_valid(const char *to)
{
	if (to == NULL || strlen(to) > OUTBOX_MAIL_TO_MAX || !identity_email_valid(to))
		return false;
	for (const char *p = to; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F ||
		    strchr("<>\"(),:;[]\\", *p) != NULL)
			return false;
	return true;
}

enum adv_err
outbox_mail(struct db_conn *c, int64_t ws_id, const char *to, const char *subject, const char *body)
{
	char due[OUTBOX_TIME_MAX], now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	enum adv_err rc = ADV_EINVAL;

	if (!outbox_mail_address_valid(to) ||
	    text_check(NULL, "/subject", "subject", subject, true, OUTBOX_MAIL_SUBJECT_MAX,
		       false) != ADV_OK ||
	    body == NULL)
		goto out;
	if (strlen(body) > OUTBOX_MAIL_BODY_MAX) {
		rc = ADV_ETOOBIG;
		goto out;
	}
	if ((rc = text_check(NULL, "/body", "body", body, false, OUTBOX_MAIL_BODY_MAX, true)) !=
	    ADV_OK)
		goto out;
	outbox_time(0, due);
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_mail, &st)) != ADV_OK)
		goto out;
	db_bind_id(st, 1, ws_id);
	db_bind_text(st, 2, to);
	db_bind_text(st, 3, subject);
	db_bind_text(st, 4, body);
	db_bind_text(st, 5, due);
	db_bind_text(st, 6, now);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	rc = db_notify(c, OUTBOX_NOTIFY);
out:
	return rc;
}

/* Reads the current row of st (ENDPOINT_COLS) into out. */
static enum adv_err
read_endpoint(struct db_stmt *st, struct arena *a, struct outbox_endpoint *out)
{
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->url = db_col_dup(st, a, 1, &oom);
	out->events = (uint32_t)db_col_int(st, 2) & OUTBOX_EVENTS_ALL;
	out->active = db_col_int(st, 3) != 0;
	out->created_by = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
	out->version = db_col_int(st, 5);
	out->created_at = db_col_dup(st, a, 6, &oom);
	out->updated_at = db_col_dup(st, a, 7, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* Reads the current row of st (DELIVERY_COLS) into out. */
static enum adv_err
read_delivery(struct db_stmt *st, struct arena *a, struct outbox_delivery *out)
{
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->endpoint_id = db_col_int(st, 1);
	out->event_type = db_col_dup(st, a, 2, &oom);
	out->payload = db_col_dup(st, a, 3, &oom);
	out->attempts = db_col_int(st, 4);
	out->next_attempt_at = db_col_dup(st, a, 5, &oom);
	out->last_attempt_at = db_col_dup(st, a, 6, &oom);
	out->last_status = db_col_null(st, 7) ? 0 : (int)db_col_int(st, 7);
	out->last_error = db_col_dup(st, a, 8, &oom);
	out->delivered_at = db_col_dup(st, a, 9, &oom);
	out->failed_at = db_col_dup(st, a, 10, &oom);
	out->created_at = db_col_dup(st, a, 11, &oom);
	out->state = out->delivered_at != NULL ? OUTBOX_DELIVERED
		     : out->failed_at != NULL  ? OUTBOX_FAILED
					       : OUTBOX_PENDING;
	if (out->state != OUTBOX_PENDING)
		out->next_attempt_at = NULL;
	return oom ? ADV_ENOMEM : ADV_OK;
}

enum adv_err
outbox_endpoint_list(struct db_conn *c, struct arena *a, int64_t ws_id,
		     struct outbox_endpoint **items, size_t *n)
{
	struct outbox_endpoint *v = NULL;
	struct db_stmt *st;
	size_t len = 0, cap = 0;
	enum adv_err rc;
	bool row;

	*items = NULL;
	*n = 0;
	if ((rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, OUTBOX_ENDPOINTS_MAX);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct outbox_endpoint *room = arena_array_room(a, v, &cap, len, sizeof(*v));

		if (room == NULL || (rc = read_endpoint(st, a, &room[len])) != ADV_OK) {
			db_done(st);
			rc = room == NULL ? ADV_ENOMEM : rc;
			goto out;
		}
		v = room;
		len++;
	}
	if (rc != ADV_OK)
		goto out;
	*items = v;
	*n = len;
out:
	return rc;
}

enum adv_err
outbox_endpoint_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		    struct outbox_endpoint *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_get, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_ENOTFOUND;
		goto out;
	}
	rc = read_endpoint(st, a, out);
	db_done(st);
out:
	return rc;
}

/* Checks the fields in mask of in: the URL and the set of events. */
static enum adv_err
endpoint_check(const struct outbox_endpoint *in, uint32_t mask, struct adv_errbuf *eb)
{
	char why[128];
	enum adv_err rc = ADV_OK;

	if ((mask & OF_BIT(OF_URL)) && !outbox_url_valid(in->url, why, sizeof(why)))
		rc = adv_fail(eb, ADV_EINVAL, "/url", "%s", why);
	else if ((mask & OF_BIT(OF_EVENTS)) &&
		 (in->events == 0 || (in->events & ~OUTBOX_EVENTS_ALL) != 0))
		rc = adv_fail(eb, ADV_EINVAL, "/events",
			      "events must list at least one of: request.created, "
			      "request.message, request.resolved, request.rated");
	return rc;
}

/* The names of the events in mask as a JSON array (new reference, NULL when out of memory). */
static json_t *
events_json(uint32_t mask)
{
	json_t *arr = json_array();

	for (int i = 0; arr != NULL && i < OUTBOX_EVENT__MAX; i++)
		if ((mask & OUTBOX_EVENT_BIT(i)) &&
		    json_array_append_new(arr, json_string(outbox_event_types[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	return arr;
}

/*
 * The audit changes from before (NULL: created) to after: url, events and
 * active where they differ (or, on create, all three); *out a new reference.
 */
static enum adv_err
endpoint_diff(const struct outbox_endpoint *before, const struct outbox_endpoint *after,
	      json_t **out)
{
	json_t *changes = json_object();
	enum adv_err rc = ADV_ENOMEM;

	*out = NULL;
	if (changes == NULL)
		goto out;
	if ((before == NULL || strcmp(before->url, after->url) != 0) &&
	    json_object_set_new(changes, "url",
				json_pack("{s:s?, s:s}", "from", before ? before->url : NULL, "to",
					  after->url)) != 0)
		goto out;
	if ((before == NULL || before->events != after->events) &&
	    json_object_set_new(changes, "events",
				json_pack("{s:o, s:o}", "from",
					  before ? events_json(before->events) : json_null(), "to",
					  events_json(after->events))) != 0)
		goto out;
	if ((before == NULL || before->active != after->active) &&
	    json_object_set_new(changes, "active",
				json_pack("{s:o, s:b}", "from",
					  before ? json_boolean(before->active) : json_null(), "to",
					  after->active)) != 0)
		goto out;
	*out = changes;
	changes = NULL;
	rc = ADV_OK;
out:
	json_decref(changes);
	return rc;
}

/* A fresh secret (OUTBOX_SECRET_PREFIX and base64url of random bytes) into out. */
static void
secret_new(char out[OUTBOX_SECRET_MAX])
{
	unsigned char raw[OUTBOX_SECRET_BYTES];
	size_t plen = strlen(OUTBOX_SECRET_PREFIX);

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, OUTBOX_SECRET_PREFIX, plen);
	sodium_bin2base64(out + plen, OUTBOX_SECRET_MAX - plen, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

/* The number of endpoints of the workspace into *n. */
static enum adv_err
endpoint_count(struct db_conn *c, int64_t ws_id, int64_t *n)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*n = 0;
	if ((rc = db_prepare(c, &sql_count, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (row) {
		*n = db_col_int(st, 0);
		db_done(st);
	}
out:
	return rc;
}

enum adv_err
outbox_endpoint_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		       const struct outbox_endpoint *in, uint32_t mask, struct outbox_endpoint *out,
		       struct adv_errbuf *eb)
{
	struct outbox_endpoint x = {0};
	char now[CLOCK_TEXT_MAX], secret[OUTBOX_SECRET_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	int64_t count;
	bool row, began = false;
	enum adv_err rc;

	if (!(mask & OF_BIT(OF_URL))) {
		rc = adv_fail(eb, ADV_EINVAL, "/url", "url is required");
		goto out;
	}
	if (!(mask & OF_BIT(OF_EVENTS))) {
		rc = adv_fail(eb, ADV_EINVAL, "/events", "events is required");
		goto out;
	}
	if ((rc = endpoint_check(in, mask, eb)) != ADV_OK)
		goto out;
	x.url = arena_strdup(a, in->url);
	x.events = in->events;
	x.active = (mask & OF_BIT(OF_ACTIVE)) ? in->active : true;
	x.created_by = actor;
	x.version = 1;
	secret_new(secret);
	clock_now_plus(0, now);
	if (x.url == NULL || (x.secret = arena_strdup(a, secret)) == NULL ||
	    (x.created_at = x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = endpoint_count(c, ws_id, &count)) != ADV_OK)
		goto out;
	if (count >= OUTBOX_ENDPOINTS_MAX) {
		rc = adv_fail(eb, ADV_ECONFLICT, NULL,
			      "a workspace may have at most %d webhook endpoints",
			      OUTBOX_ENDPOINTS_MAX);
		goto out;
	}
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, x.url);
	db_bind_text(st, 3, secret);
	db_bind_int(st, 4, x.events);
	db_bind_int(st, 5, x.active ? 1 : 0);
	db_bind_id(st, 6, actor);
	db_bind_text(st, 7, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EDB;
		goto out;
	}
	x.id = db_col_int(st, 0);
	db_done(st);
	if ((rc = endpoint_diff(NULL, &x, &changes)) != ADV_OK ||
	    (rc = audit_write(c, ws_id, actor, "webhook_endpoint", x.id, 0, "create", changes)) !=
		ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	sodium_memzero(secret, sizeof(secret));
	json_decref(changes);
	return rc;
}

/*
 * Loads endpoint id into *cur for a change at expect_version (0 = any):
 * ADV_ENOTFOUND or ADV_EPRECOND with a message in eb otherwise.
 */
static enum adv_err
endpoint_for_change(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		    int64_t expect_version, struct outbox_endpoint *cur, struct adv_errbuf *eb)
{
	enum adv_err rc = outbox_endpoint_get(c, a, ws_id, id, cur);

	if (rc == ADV_ENOTFOUND)
		rc = adv_fail(eb, rc, NULL, "no such webhook endpoint: %lld", (long long)id);
	else if (rc == ADV_OK && expect_version != 0 && expect_version != cur->version)
		rc = adv_fail(eb, ADV_EPRECOND, NULL,
			      "the endpoint was changed by someone else (version %lld, not %lld); "
			      "reload it and apply your change again",
			      (long long)cur->version, (long long)expect_version);
	return rc;
}

enum adv_err
outbox_endpoint_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
		       int64_t expect_version, const struct outbox_endpoint *patch, uint32_t mask,
		       struct outbox_endpoint *out, struct adv_errbuf *eb)
{
	struct outbox_endpoint cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = endpoint_check(patch, mask, eb)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = endpoint_for_change(c, a, ws_id, id, expect_version, &cur, eb)) != ADV_OK)
		goto out;
	x = cur;
	if ((mask & OF_BIT(OF_URL)) && (x.url = arena_strdup(a, patch->url)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if (mask & OF_BIT(OF_EVENTS))
		x.events = patch->events;
	if (mask & OF_BIT(OF_ACTIVE))
		x.active = patch->active;
	if ((rc = endpoint_diff(&cur, &x, &changes)) != ADV_OK)
		goto out;
	*out = cur;
	if (json_object_size(changes) == 0)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, x.url);
	db_bind_int(st, 4, x.events);
	db_bind_int(st, 5, x.active ? 1 : 0);
	db_bind_text(st, 6, now);
	db_bind_int(st, 7, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if (db_changes(st) != 1) {
		rc = adv_fail(eb, ADV_EPRECOND, NULL,
			      "the endpoint was changed by someone else meanwhile; reload it and "
			      "apply your change again");
		goto out;
	}
	if (cur.active && !x.active) {
		if ((rc = db_prepare(c, &sql_fail_pending, &st)) != ADV_OK)
			goto out;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, id);
		db_bind_text(st, 3, now);
		db_bind_text(st, 4, "the endpoint was deactivated");
		if ((rc = db_exec(st)) != ADV_OK)
			goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "webhook_endpoint", id, 0, "update", changes)) !=
	    ADV_OK)
		goto out;
	x.version = cur.version + 1;
	if ((x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

enum adv_err
outbox_endpoint_delete(struct db_conn *c, int64_t ws_id, int64_t actor, int64_t id,
		       int64_t expect_version, struct adv_errbuf *eb)
{
	struct outbox_endpoint cur;
	struct arena a;
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	arena_init(&a, 0);
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = endpoint_for_change(c, &a, ws_id, id, expect_version, &cur, eb)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_delete_deliveries, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_exec(st)) != ADV_OK || (rc = db_prepare(c, &sql_delete, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if (db_changes(st) != 1) {
		rc = adv_fail(eb, ADV_EPRECOND, NULL,
			      "the endpoint was changed by someone else meanwhile; reload it");
		goto out;
	}
	changes = json_pack("{s:{s:s, s:n}}", "url", "from", cur.url, "to");
	if (changes == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	rc = audit_write(c, ws_id, actor, "webhook_endpoint", id, 0, "delete", changes);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	arena_free(&a);
	return rc;
}

/* Delivery did of endpoint id into *out; ADV_ENOTFOUND when there is none. */
static enum adv_err
delivery_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id, int64_t did,
	     struct outbox_delivery *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_delivery, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, did);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_ENOTFOUND;
		goto out;
	}
	rc = read_delivery(st, a, out);
	db_done(st);
out:
	return rc;
}

/* Loads endpoint id and refuses (ADV_ECONFLICT) an inactive one; messages in eb. */
static enum adv_err
endpoint_active(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		struct adv_errbuf *eb)
{
	struct outbox_endpoint e;
	enum adv_err rc = outbox_endpoint_get(c, a, ws_id, id, &e);

	if (rc == ADV_ENOTFOUND)
		rc = adv_fail(eb, rc, NULL, "no such webhook endpoint: %lld", (long long)id);
	else if (rc == ADV_OK && !e.active)
		rc = adv_fail(eb, ADV_ECONFLICT, NULL,
			      "the endpoint is inactive: activate it first (\"active\": true)");
	return rc;
}

enum adv_err
outbox_ping(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
	    struct outbox_delivery *out, struct adv_errbuf *eb)
{
	char due[OUTBOX_TIME_MAX], now[CLOCK_TEXT_MAX];
	const char *payload;
	struct db_stmt *st;
	struct tx t;
	int64_t did = 0;
	bool row, began = false;
	enum adv_err rc;

	payload = arena_printf(a,
			       "{\"endpoint_id\":%lld,\"message\":\"A test delivery from Advocate: "
			       "the endpoint is reachable.\"}",
			       (long long)id);
	if (payload == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = endpoint_active(c, a, ws_id, id, eb)) != ADV_OK)
		goto out;
	outbox_time(0, due);
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_ping, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, OUTBOX_PING);
	db_bind_text(st, 4, payload);
	db_bind_text(st, 5, due);
	db_bind_text(st, 6, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EDB;
		goto out;
	}
	did = db_col_int(st, 0);
	db_done(st);
	if ((rc = db_notify(c, OUTBOX_NOTIFY)) != ADV_OK)
		goto out;
	rc = delivery_get(c, a, ws_id, id, did, out);
out:
	if (began && (rc = tx_end(c, &t, rc)) == ADV_OK && t.own)
		outbound_wake_all();
	return rc;
}

enum adv_err
outbox_delivery_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		     int64_t before_id, unsigned limit, struct outbox_delivery **items, size_t *n)
{
	struct outbox_endpoint e;
	struct outbox_delivery *v = NULL;
	struct db_stmt *st;
	size_t len = 0, cap = 0;
	enum adv_err rc;
	bool row;

	*items = NULL;
	*n = 0;
	if ((rc = outbox_endpoint_get(c, a, ws_id, id, &e)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_log, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, before_id > 0 ? before_id : 0);
	db_bind_int(st, 4, limit < 1 ? 1 : limit > OUTBOX_LOG_MAX ? OUTBOX_LOG_MAX : limit);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct outbox_delivery *room = arena_array_room(a, v, &cap, len, sizeof(*v));

		if (room == NULL || (rc = read_delivery(st, a, &room[len])) != ADV_OK) {
			db_done(st);
			rc = room == NULL ? ADV_ENOMEM : rc;
			goto out;
		}
		v = room;
		len++;
	}
	if (rc != ADV_OK)
		goto out;
	*items = v;
	*n = len;
out:
	return rc;
}

enum adv_err
outbox_delivery_retry(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id, int64_t did,
		      struct outbox_delivery *out, struct adv_errbuf *eb)
{
	struct outbox_delivery cur;
	char due[OUTBOX_TIME_MAX];
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = endpoint_active(c, a, ws_id, id, eb)) != ADV_OK)
		goto out;
	if ((rc = delivery_get(c, a, ws_id, id, did, &cur)) == ADV_ENOTFOUND)
		rc = adv_fail(eb, rc, NULL, "no such delivery: %lld", (long long)did);
	if (rc != ADV_OK)
		goto out;
	if (cur.state == OUTBOX_PENDING) {
		rc =
		    adv_fail(eb, ADV_ECONFLICT, NULL,
			     "the delivery is still pending: it will be attempted again by itself");
		goto out;
	}
	outbox_time(0, due);
	if ((rc = db_prepare(c, &sql_retry, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, did);
	db_bind_text(st, 4, due);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if (db_changes(st) != 1) {
		rc = adv_fail(eb, ADV_ECONFLICT, NULL, "the delivery changed meanwhile; reload it");
		goto out;
	}
	if ((rc = db_notify(c, OUTBOX_NOTIFY)) != ADV_OK)
		goto out;
	rc = delivery_get(c, a, ws_id, id, did, out);
out:
	if (began && (rc = tx_end(c, &t, rc)) == ADV_OK && t.own)
		outbound_wake_all();
	return rc;
}
