/*
 * outbound_worker.c — the delivery worker (see outbound_worker.h): a thread
 * that claims due rows of webhook_deliveries and mail_outbox one at a time,
 * sends each with libcurl (a signed POST; an SMTP conversation), and records
 * the outcome: delivered or sent, due again after a growing pause, or failed
 * after the last attempt. Claims and outcomes are single statements in
 * autocommit, fenced by the attempt count, so a worker whose claim lapsed
 * cannot overwrite the outcome of the one that took the row over. These
 * queues span every workspace: the worker's statements are the only ones
 * about them that do not filter by one.
 */
#include "core/outbound_worker.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/outbound_mail.h"
#include "core/outbox.h"
#include "db/bus.h"
#include "db/db.h"
#include "util/buf.h"
#include "util/clock.h"

#define WORKER_BODY_MAX	  (OUTBOX_PAYLOAD_MAX + 4096) /* bytes of a webhook body */
#define WORKER_MAIL_MAX	  (2 * OUTBOX_MAIL_BODY_MAX)  /* bytes of a composed message */
#define WORKER_HEADER_MAX 160			      /* bytes of one request header line */
#define WORKER_ADDR_MAX	  (OUTBOX_MAIL_TO_MAX + 3)    /* "<address>" */
#define WORKER_AGENT	  "Advocate-Webhooks/" ADVOCATE_VERSION

/* The claim of one due delivery: attempts + 1, held for the lease (?2) from now (?1). */
#define CLAIM_DELIVERY(lock)                                                                       \
	"UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?2,"             \
	" last_attempt_at = ?3 WHERE id = (SELECT d.id FROM webhook_deliveries d"                  \
	" JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.workspace_id = d.workspace_id"    \
	" WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= ?1"        \
	" AND d.attempts < ?4 AND e.active = 1 ORDER BY d.next_attempt_at LIMIT 1" lock ")"        \
	" AND delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1"                \
	" RETURNING id, workspace_id, endpoint_id, event_type, payload, attempts, created_at"
#define CLAIM_MAIL(lock)                                                                           \
	"UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ?2,"                    \
	" last_attempt_at = ?3 WHERE id = (SELECT id FROM mail_outbox WHERE sent_at IS NULL"       \
	" AND failed_at IS NULL AND next_attempt_at <= ?1 AND attempts < ?4"                       \
	" ORDER BY next_attempt_at LIMIT 1" lock ")"                                               \
	" AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1"                     \
	" RETURNING id, to_addr, subject, body, attempts"

static struct db_sql sql_claim_delivery[DB_KIND__MAX] = {
    [DB_SQLITE] = DB_SQL(CLAIM_DELIVERY("")),
    [DB_PG] = DB_SQL(CLAIM_DELIVERY(" FOR UPDATE OF d SKIP LOCKED")),
};
static struct db_sql sql_claim_mail[DB_KIND__MAX] = {
    [DB_SQLITE] = DB_SQL(CLAIM_MAIL("")),
    [DB_PG] = DB_SQL(CLAIM_MAIL(" FOR UPDATE SKIP LOCKED")),
};
static struct db_sql sql_any_delivery =
    DB_SQL("SELECT id FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL"
	   " AND next_attempt_at <= ?1 LIMIT 1");
static struct db_sql sql_any_mail =
    DB_SQL("SELECT id FROM mail_outbox WHERE sent_at IS NULL"
	   " AND failed_at IS NULL AND next_attempt_at <= ?1 LIMIT 1");
static struct db_sql sql_target =
    DB_SQL("SELECT e.url, e.secret, w.slug FROM webhook_endpoints e"
	   " JOIN workspaces w ON w.id = e.workspace_id WHERE e.workspace_id = ?1 AND e.id = ?2");
static struct db_sql sql_finish_delivery =
    DB_SQL("UPDATE webhook_deliveries SET delivered_at = ?4, failed_at = ?5,"
	   " next_attempt_at = ?6, last_status = ?7, last_error = ?8"
	   " WHERE workspace_id = ?1 AND id = ?2 AND attempts = ?3 AND delivered_at IS NULL"
	   " AND failed_at IS NULL");
static struct db_sql sql_release_delivery =
    DB_SQL("UPDATE webhook_deliveries SET attempts = attempts - 1, next_attempt_at = ?4"
	   " WHERE workspace_id = ?1 AND id = ?2 AND attempts = ?3 AND delivered_at IS NULL"
	   " AND failed_at IS NULL");
static struct db_sql sql_finish_mail =
    DB_SQL("UPDATE mail_outbox SET sent_at = ?3, failed_at = ?4, next_attempt_at = ?5,"
	   " last_error = ?6 WHERE id = ?1 AND attempts = ?2 AND sent_at IS NULL"
	   " AND failed_at IS NULL");
static struct db_sql sql_release_mail =
    DB_SQL("UPDATE mail_outbox SET attempts = attempts - 1, next_attempt_at = ?3"
	   " WHERE id = ?1 AND attempts = ?2 AND sent_at IS NULL AND failed_at IS NULL");
static struct db_sql sql_sweep_deliveries =
    DB_SQL("UPDATE webhook_deliveries SET failed_at = ?2,"
	   " last_error = 'no outcome was recorded for the last attempt'"
	   " WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1"
	   " AND attempts >= ?3");
static struct db_sql sql_sweep_mail =
    DB_SQL("UPDATE mail_outbox SET failed_at = ?2,"
	   " last_error = 'no outcome was recorded for the last attempt'"
	   " WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1"
	   " AND attempts >= ?3");
static struct db_sql sql_prune_deliveries =
    DB_SQL("DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries"
	   " WHERE (delivered_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < ?1"
	   " ORDER BY id LIMIT ?2)");
static struct db_sql sql_prune_mail =
    DB_SQL("DELETE FROM mail_outbox WHERE id IN (SELECT id FROM mail_outbox"
	   " WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < ?1"
	   " ORDER BY id LIMIT ?2)");

#define WORKER_PRUNE_BATCH 5000 /* finished rows of each queue deleted per prune */

struct outbound_worker {
	struct outbound_config cfg; /* strings point at the copies below */
	char *db_url, *smtp_url, *mail_from;
	struct db *db;
	CURL *curl; /* reused, so connections to a receiver are kept */
	pthread_t thread;
	bool running;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* on CLOCK_MONOTONIC */
	bool woken;	   /* under mu */
	atomic_bool stopping;
	atomic_uint_fast64_t passes;
	unsigned bus_sub;
	time_t last_prune;
	struct outbound_worker *next; /* in the registry of this process */
};

/* The workers of this process, for outbound_wake_all. */
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static struct outbound_worker *registry;

/* What one attempt came to. */
enum attempt_outcome { ATTEMPT_OK, ATTEMPT_FAILED, ATTEMPT_STOPPED };

uint64_t
outbound_backoff_ms(unsigned attempts, unsigned base_ms, unsigned cap_ms)
{
	uint64_t base = base_ms ? base_ms : OUTBOUND_BACKOFF_BASE_MS;
	uint64_t cap = cap_ms ? cap_ms : OUTBOUND_BACKOFF_CAP_MS;
	uint64_t d = base;

	for (unsigned i = 1; i < attempts && d < cap; i++)
		d *= 2;
	return d < cap ? d : cap;
}

/* The pause after the attempts-th failure, with its random extra. */
static uint64_t
backoff_jittered(const struct outbound_config *cfg, unsigned attempts)
{
	uint64_t d = outbound_backoff_ms(attempts, cfg->backoff_base_ms, cfg->backoff_cap_ms);
	uint64_t spread = d * OUTBOUND_JITTER_PERCENT / 100;

	if (spread > 0 && spread < UINT32_MAX)
		d += randombytes_uniform((uint32_t)spread + 1);
	return d;
}

/* One line on stderr unless the worker is quiet. */
static void __attribute__((format(printf, 2, 3)))
worker_log(const struct outbound_worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->cfg.quiet)
		return;
	va_start(ap, fmt);
	fputs("advocate: outbound: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void
outbound_worker_wake(struct outbound_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->woken = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
outbound_wake_all(void)
{
	pthread_mutex_lock(&registry_mu);
	for (struct outbound_worker *w = registry; w != NULL; w = w->next)
		outbound_worker_wake(w);
	pthread_mutex_unlock(&registry_mu);
}

uint64_t
outbound_worker_passes(struct outbound_worker *w)
{
	return atomic_load(&w->passes);
}

/* The bus subscriber: something was queued somewhere. */
static void
on_bus(void *ctx, const char *payload)
{
	if (strncmp(payload, "{\"type\":\"outbox.", 16) == 0 || strcmp(payload, BUS_RESYNC) == 0)
		outbound_worker_wake(ctx);
}

/* Sleeps up to ms or until woken or stopped. */
static void
worker_sleep(struct outbound_worker *w, unsigned ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->mu);
	while (!w->woken && !atomic_load(&w->stopping))
		if (pthread_cond_timedwait(&w->cv, &w->mu, &until) != 0)
			break;
	w->woken = false;
	pthread_mutex_unlock(&w->mu);
}

/* libcurl's progress callback: cuts a transfer short when the worker stops. */
static int
on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct outbound_worker *w = ctx;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return atomic_load(&w->stopping) ? 1 : 0;
}

/* libcurl's write callback: the receiver's answer is not kept. */
static size_t
on_discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* A short reason for a transfer that failed, without addresses or other internals. */
static const char *
transfer_error(CURLcode res)
{
	switch (res) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return "the host name could not be resolved";
	case CURLE_COULDNT_CONNECT:
		return "the connection was refused or could not be made";
	case CURLE_OPERATION_TIMEDOUT:
		return "no answer in time";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
		return "the TLS handshake failed";
	case CURLE_GOT_NOTHING:
		return "the server closed the connection without an answer";
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return "the connection broke";
	case CURLE_UNSUPPORTED_PROTOCOL:
		return "the URL's scheme is not allowed";
	case CURLE_LOGIN_DENIED:
		return "the server refused the login";
	case CURLE_FILESIZE_EXCEEDED:
		return "the server refused the message size";
	default:
		return "the transfer failed";
	}
}

/* Options every transfer of w gets. */
static void
curl_common(struct outbound_worker *w, long total_ms)
{
	curl_easy_reset(w->curl);
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)OUTBOUND_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, total_ms);
	curl_easy_setopt(w->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(w->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(w->curl, CURLOPT_XFERINFODATA, w);
}

/* A delivery as claimed, with what sending it needs. */
struct claimed_delivery {
	int64_t id, ws_id, endpoint_id, attempts;
	const char *event_type, *payload, *created_at;
	const char *url, *secret, *slug;
};

/*
 * The body of a delivery: {"id","type","created_at","workspace","data"}; a
 * malloc'ed string into *body (free it), its length into *len.
 */
static enum adv_err
delivery_body(const struct claimed_delivery *d, char **body, size_t *len)
{
	json_t *data = json_loads(d->payload, 0, NULL), *j = NULL;
	enum adv_err rc = ADV_ENOMEM;

	*body = NULL;
	if (data == NULL) {
		rc = ADV_EINVAL;
		goto out;
	}
	j = json_pack("{s:I, s:s, s:s, s:s, s:O}", "id", (json_int_t)d->id, "type", d->event_type,
		      "created_at", d->created_at, "workspace", d->slug, "data", data);
	if (j == NULL || (*body = json_dumps(j, JSON_COMPACT)) == NULL)
		goto out;
	*len = strlen(*body);
	rc = ADV_OK;
out:
	json_decref(data);
	json_decref(j);
	return rc;
}

/*
 * POSTs delivery d; *status the HTTP status (0 without an answer), error a
 * short reason when it failed.
 */
static enum attempt_outcome
webhook_post(struct outbound_worker *w, const struct claimed_delivery *d, long *status,
	     char error[OUTBOX_ERROR_MAX])
{
	struct curl_slist *hdrs = NULL, *more;
	char line[WORKER_HEADER_MAX], stamp[32], sig[OUTBOX_SIGNATURE_MAX];
	char *body = NULL;
	size_t len = 0;
	enum attempt_outcome outcome = ATTEMPT_FAILED;
	CURLcode res;

	*status = 0;
	if (delivery_body(d, &body, &len) != ADV_OK) {
		snprintf(error, OUTBOX_ERROR_MAX, "the payload could not be prepared");
		goto out;
	}
	snprintf(stamp, sizeof(stamp), "%lld", (long long)time(NULL));
	outbox_sign(d->secret, stamp, body, len, sig);
	{
		const char *lines[] = {
		    "Content-Type: application/json", "Expect:", NULL, NULL, NULL, NULL};
		char ev[WORKER_HEADER_MAX], id[WORKER_HEADER_MAX], ts[WORKER_HEADER_MAX];

		snprintf(ev, sizeof(ev), "X-Advocate-Event: %s", d->event_type);
		snprintf(id, sizeof(id), "X-Advocate-Delivery: %lld", (long long)d->id);
		snprintf(ts, sizeof(ts), "X-Advocate-Timestamp: %s", stamp);
		snprintf(line, sizeof(line), "X-Advocate-Signature: %s", sig);
		lines[2] = ev;
		lines[3] = id;
		lines[4] = ts;
		lines[5] = line;
		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
			if ((more = curl_slist_append(hdrs, lines[i])) == NULL) {
				snprintf(error, OUTBOX_ERROR_MAX, "out of memory");
				goto out;
			}
			hdrs = more;
		}
	}
	curl_common(w, OUTBOUND_TIMEOUT_MS);
	curl_easy_setopt(w->curl, CURLOPT_URL, d->url);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(w->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(w->curl, CURLOPT_USERAGENT, WORKER_AGENT);
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, on_discard);
	res = curl_easy_perform(w->curl);
	if (res == CURLE_ABORTED_BY_CALLBACK && atomic_load(&w->stopping)) {
		outcome = ATTEMPT_STOPPED;
		goto out;
	}
	if (res != CURLE_OK) {
		snprintf(error, OUTBOX_ERROR_MAX, "%s", transfer_error(res));
		goto out;
	}
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, status);
	if (*status >= 200 && *status <= 299)
		outcome = ATTEMPT_OK;
	else
		snprintf(error, OUTBOX_ERROR_MAX, "the receiver answered HTTP %ld", *status);
out:
	/* The handle keeps pointers to these until its next reset. */
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(hdrs);
	free(body);
	return outcome;
}

/* True when a row of sql may be due now (a read, so that idle passes take no write lock). */
static bool
any_due(struct db_conn *c, struct db_sql *sql, const char *now)
{
	struct db_stmt *st;
	bool row = false;

	if (db_prepare(c, sql, &st) != ADV_OK)
		return false;
	db_bind_text(st, 1, now);
	if (db_step(st, &row) != ADV_OK)
		return false;
	if (row)
		db_done(st);
	return row;
}

/* Claims one due delivery into *d (arena a); *got false when none is due. */
static enum adv_err
claim_delivery(struct outbound_worker *w, struct db_conn *c, struct arena *a,
	       struct claimed_delivery *d, bool *got)
{
	char now[OUTBOX_TIME_MAX], lease[OUTBOX_TIME_MAX], at[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	enum adv_err rc;
	bool row, oom = false;

	*got = false;
	memset(d, 0, sizeof(*d));
	outbox_time(0, now);
	outbox_time(OUTBOUND_LEASE_MS, lease);
	clock_now_plus(0, at);
	if ((rc = db_prepare(c, &sql_claim_delivery[db_conn_kind(c)], &st)) != ADV_OK)
		goto out;
	db_bind_text(st, 1, now);
	db_bind_text(st, 2, lease);
	db_bind_text(st, 3, at);
	db_bind_int(st, 4, w->cfg.attempts_max);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		goto out;
	d->id = db_col_int(st, 0);
	d->ws_id = db_col_int(st, 1);
	d->endpoint_id = db_col_int(st, 2);
	d->event_type = db_col_dup(st, a, 3, &oom);
	d->payload = db_col_dup(st, a, 4, &oom);
	d->attempts = db_col_int(st, 5);
	d->created_at = db_col_dup(st, a, 6, &oom);
	db_done(st);
	if (oom) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = db_prepare(c, &sql_target, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, d->ws_id);
	db_bind_int(st, 2, d->endpoint_id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		goto out; /* the endpoint went away with its deliveries */
	d->url = db_col_dup(st, a, 0, &oom);
	d->secret = db_col_dup(st, a, 1, &oom);
	d->slug = db_col_dup(st, a, 2, &oom);
	db_done(st);
	rc = oom ? ADV_ENOMEM : ADV_OK;
	*got = rc == ADV_OK;
out:
	return rc;
}

/* Records the outcome of delivery d's attempt. */
static enum adv_err
finish_delivery(struct outbound_worker *w, struct db_conn *c, const struct claimed_delivery *d,
		enum attempt_outcome outcome, long status, const char *error)
{
	char now[OUTBOX_TIME_MAX], next[OUTBOX_TIME_MAX], at[CLOCK_TEXT_MAX];
	bool last = d->attempts >= (int64_t)w->cfg.attempts_max;
	struct db_stmt *st;
	enum adv_err rc;

	outbox_time(0, now);
	clock_now_plus(0, at);
	if (outcome == ATTEMPT_STOPPED) {
		if ((rc = db_prepare(c, &sql_release_delivery, &st)) != ADV_OK)
			goto out;
		db_bind_int(st, 1, d->ws_id);
		db_bind_int(st, 2, d->id);
		db_bind_int(st, 3, d->attempts);
		db_bind_text(st, 4, now);
		rc = db_exec(st);
		goto out;
	}
	outbox_time((int64_t)backoff_jittered(&w->cfg, (unsigned)d->attempts), next);
	if ((rc = db_prepare(c, &sql_finish_delivery, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, d->ws_id);
	db_bind_int(st, 2, d->id);
	db_bind_int(st, 3, d->attempts);
	db_bind_text(st, 4, outcome == ATTEMPT_OK ? at : NULL);
	db_bind_text(st, 5, outcome != ATTEMPT_OK && last ? at : NULL);
	db_bind_text(st, 6, outcome != ATTEMPT_OK && !last ? next : now);
	db_bind_id(st, 7, status);
	db_bind_text(st, 8, outcome == ATTEMPT_OK ? NULL : error);
	rc = db_exec(st);
out:
	return rc;
}

/* A mail as claimed. */
struct claimed_mail {
	int64_t id, attempts;
	const char *to, *subject, *body;
};

/* Feeds the composed message to libcurl. */
struct mail_reader {
	const char *p;
	size_t left;
};

/* libcurl's read callback: the next bytes of the message. */
static size_t
on_read_mail(char *dest, size_t size, size_t n, void *ctx)
{
	struct mail_reader *r = ctx;
	size_t room = size * n, k = r->left < room ? r->left : room;

	memcpy(dest, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

/* Sends mail m through the SMTP server; error a short reason when it failed. */
static enum attempt_outcome
mail_send(struct outbound_worker *w, const struct claimed_mail *m, char error[OUTBOX_ERROR_MAX])
{
	struct curl_slist *rcpt = NULL;
	char from[WORKER_ADDR_MAX], to[WORKER_ADDR_MAX];
	struct mail_reader reader;
	struct buf msg;
	enum attempt_outcome outcome = ATTEMPT_FAILED;
	CURLcode res;

	buf_init(&msg, WORKER_MAIL_MAX);
	if (outbound_mail_message(w->mail_from, m->to, m->subject, m->body, time(NULL), &msg) !=
	    ADV_OK) {
		snprintf(error, OUTBOX_ERROR_MAX, "the message could not be composed");
		goto out;
	}
	snprintf(from, sizeof(from), "<%s>", w->mail_from);
	snprintf(to, sizeof(to), "<%s>", m->to);
	if ((rcpt = curl_slist_append(NULL, to)) == NULL) {
		snprintf(error, OUTBOX_ERROR_MAX, "out of memory");
		goto out;
	}
	reader.p = msg.data;
	reader.left = msg.len;
	curl_common(w, OUTBOUND_MAIL_TIMEOUT_MS);
	curl_easy_setopt(w->curl, CURLOPT_URL, w->smtp_url);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(w->curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(w->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(w->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(w->curl, CURLOPT_READFUNCTION, on_read_mail);
	curl_easy_setopt(w->curl, CURLOPT_READDATA, &reader);
	curl_easy_setopt(w->curl, CURLOPT_UPLOAD, 1L);
	res = curl_easy_perform(w->curl);
	if (res == CURLE_ABORTED_BY_CALLBACK && atomic_load(&w->stopping)) {
		outcome = ATTEMPT_STOPPED;
	} else if (res == CURLE_OK) {
		outcome = ATTEMPT_OK;
	} else {
		long code = 0;

		curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &code);
		if (code >= 400)
			snprintf(error, OUTBOX_ERROR_MAX, "the SMTP server answered %ld", code);
		else
			snprintf(error, OUTBOX_ERROR_MAX, "%s", transfer_error(res));
	}
	curl_easy_setopt(w->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(w->curl, CURLOPT_READDATA, NULL);
out:
	curl_slist_free_all(rcpt);
	buf_release(&msg);
	return outcome;
}

/* Claims one due mail into *m (arena a); *got false when none is due. */
static enum adv_err
claim_mail(struct outbound_worker *w, struct db_conn *c, struct arena *a, struct claimed_mail *m,
	   bool *got)
{
	char now[OUTBOX_TIME_MAX], lease[OUTBOX_TIME_MAX], at[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	enum adv_err rc;
	bool row, oom = false;

	*got = false;
	memset(m, 0, sizeof(*m));
	outbox_time(0, now);
	outbox_time(OUTBOUND_LEASE_MS, lease);
	clock_now_plus(0, at);
	if ((rc = db_prepare(c, &sql_claim_mail[db_conn_kind(c)], &st)) != ADV_OK)
		goto out;
	db_bind_text(st, 1, now);
	db_bind_text(st, 2, lease);
	db_bind_text(st, 3, at);
	db_bind_int(st, 4, w->cfg.attempts_max);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		goto out;
	m->id = db_col_int(st, 0);
	m->to = db_col_dup(st, a, 1, &oom);
	m->subject = db_col_dup(st, a, 2, &oom);
	m->body = db_col_dup(st, a, 3, &oom);
	m->attempts = db_col_int(st, 4);
	db_done(st);
	rc = oom ? ADV_ENOMEM : ADV_OK;
	*got = rc == ADV_OK;
out:
	return rc;
}

/* Records the outcome of mail m's attempt. */
static enum adv_err
finish_mail(struct outbound_worker *w, struct db_conn *c, const struct claimed_mail *m,
	    enum attempt_outcome outcome, const char *error)
{
	char now[OUTBOX_TIME_MAX], next[OUTBOX_TIME_MAX], at[CLOCK_TEXT_MAX];
	bool last = m->attempts >= (int64_t)w->cfg.attempts_max;
	struct db_stmt *st;
	enum adv_err rc;

	outbox_time(0, now);
	clock_now_plus(0, at);
	if (outcome == ATTEMPT_STOPPED) {
		if ((rc = db_prepare(c, &sql_release_mail, &st)) != ADV_OK)
			goto out;
		db_bind_int(st, 1, m->id);
		db_bind_int(st, 2, m->attempts);
		db_bind_text(st, 3, now);
		rc = db_exec(st);
		goto out;
	}
	outbox_time((int64_t)backoff_jittered(&w->cfg, (unsigned)m->attempts), next);
	if ((rc = db_prepare(c, &sql_finish_mail, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, m->id);
	db_bind_int(st, 2, m->attempts);
	db_bind_text(st, 3, outcome == ATTEMPT_OK ? at : NULL);
	db_bind_text(st, 4, outcome != ATTEMPT_OK && last ? at : NULL);
	db_bind_text(st, 5, outcome != ATTEMPT_OK && !last ? next : now);
	db_bind_text(st, 6, outcome == ATTEMPT_OK ? NULL : error);
	rc = db_exec(st);
out:
	return rc;
}

/* Runs one statement of the hourly upkeep with a time (?1), and a time or number (?2, ?3). */
static void
upkeep_run(struct db_conn *c, struct db_sql *sql, const char *t1, const char *t2, int64_t n)
{
	struct db_stmt *st;

	if (db_prepare(c, sql, &st) != ADV_OK)
		return;
	db_bind_text(st, 1, t1);
	if (t2 != NULL) {
		db_bind_text(st, 2, t2);
		db_bind_int(st, 3, n);
	} else {
		db_bind_int(st, 2, n);
	}
	db_exec(st);
}

/*
 * Once per OUTBOUND_PRUNE_EVERY_S: fails rows whose last attempt began but
 * never ended (a worker died) and deletes finished rows older than
 * OUTBOUND_KEEP_S.
 */
static void
upkeep(struct outbound_worker *w, struct db_conn *c)
{
	char now[OUTBOX_TIME_MAX], at[CLOCK_TEXT_MAX], cutoff[CLOCK_TEXT_MAX];
	time_t t = time(NULL);

	if (w->last_prune != 0 && t - w->last_prune < OUTBOUND_PRUNE_EVERY_S)
		return;
	w->last_prune = t;
	outbox_time(0, now);
	clock_now_plus(0, at);
	clock_now_plus(-OUTBOUND_KEEP_S, cutoff);
	upkeep_run(c, &sql_sweep_deliveries, now, at, w->cfg.attempts_max);
	upkeep_run(c, &sql_sweep_mail, now, at, w->cfg.attempts_max);
	upkeep_run(c, &sql_prune_deliveries, cutoff, NULL, WORKER_PRUNE_BATCH);
	upkeep_run(c, &sql_prune_mail, cutoff, NULL, WORKER_PRUNE_BATCH);
}

/* Sends up to OUTBOUND_BATCH due deliveries; the number handled. */
static unsigned
pass_deliveries(struct outbound_worker *w, struct db_conn *c, struct arena *a)
{
	char now[OUTBOX_TIME_MAX];
	unsigned done = 0;

	outbox_time(0, now);
	if (!any_due(c, &sql_any_delivery, now))
		return 0;
	while (done < OUTBOUND_BATCH && !atomic_load(&w->stopping)) {
		struct claimed_delivery d;
		char error[OUTBOX_ERROR_MAX] = "";
		enum attempt_outcome outcome;
		long status;
		bool got;

		arena_reset(a);
		if (claim_delivery(w, c, a, &d, &got) != ADV_OK || !got)
			break;
		outcome = webhook_post(w, &d, &status, error);
		if (finish_delivery(w, c, &d, outcome, status, error) != ADV_OK)
			worker_log(w, "the outcome of delivery %lld could not be recorded",
				   (long long)d.id);
		done++;
	}
	return done;
}

/* Sends up to OUTBOUND_BATCH due mails; the number handled. */
static unsigned
pass_mail(struct outbound_worker *w, struct db_conn *c, struct arena *a)
{
	char now[OUTBOX_TIME_MAX];
	unsigned done = 0;

	if (w->smtp_url == NULL)
		return 0;
	outbox_time(0, now);
	if (!any_due(c, &sql_any_mail, now))
		return 0;
	while (done < OUTBOUND_BATCH && !atomic_load(&w->stopping)) {
		struct claimed_mail m;
		char error[OUTBOX_ERROR_MAX] = "";
		enum attempt_outcome outcome;
		bool got;

		arena_reset(a);
		if (claim_mail(w, c, a, &m, &got) != ADV_OK || !got)
			break;
		outcome = mail_send(w, &m, error);
		if (finish_mail(w, c, &m, outcome, error) != ADV_OK)
			worker_log(w, "the outcome of mail %lld could not be recorded",
				   (long long)m.id);
		done++;
	}
	return done;
}

/* The worker thread: passes over both queues, sleeping between them when idle. */
static void *
worker_main(void *arg)
{
	struct outbound_worker *w = arg;
	struct arena a;

	arena_init(&a, 0);
	while (!atomic_load(&w->stopping)) {
		struct db_conn *c = NULL;
		unsigned done = 0;

		if (db_acquire(w->db, &c) == ADV_OK) {
			upkeep(w, c);
			done = pass_deliveries(w, c, &a);
			done += pass_mail(w, c, &a);
			db_release(w->db, c);
		}
		atomic_fetch_add(&w->passes, 1);
		if (done == 0)
			worker_sleep(w, w->cfg.poll_ms);
	}
	arena_free(&a);
	return NULL;
}

/* A malloc'ed copy of s in *out (NULL for NULL); false when out of memory. */
static bool
copy_opt(const char *s, char **out)
{
	*out = s != NULL ? strdup(s) : NULL;
	return s == NULL || *out != NULL;
}

/* Checks the SMTP settings of cfg. */
static enum adv_err
check_mail_config(const struct outbound_config *cfg, struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;

	if (cfg->smtp_url == NULL)
		goto out;
	if (strlen(cfg->smtp_url) > OUTBOUND_URL_MAX ||
	    (strncasecmp(cfg->smtp_url, "smtp://", 7) != 0 &&
	     strncasecmp(cfg->smtp_url, "smtps://", 8) != 0)) {
		rc = adv_fail(eb, ADV_EINVAL, NULL,
			      "the SMTP URL must be smtp://HOST[:PORT] or smtps://HOST[:PORT]");
		goto out;
	}
	if (cfg->mail_from == NULL || !outbox_mail_address_valid(cfg->mail_from))
		rc = adv_fail(eb, ADV_EINVAL, NULL,
			      "sending mail needs a From address (--mail-from or "
			      "ADVOCATE_MAIL_FROM) such as advocate@example.com");
out:
	return rc;
}

enum adv_err
outbound_worker_start(const struct outbound_config *cfg, struct outbound_worker **out,
		      struct adv_errbuf *eb)
{
	struct outbound_worker *w = NULL;
	pthread_condattr_t ca;
	enum adv_err rc;

	*out = NULL;
	if ((rc = check_mail_config(cfg, eb)) != ADV_OK)
		goto out;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		rc = adv_fail(eb, ADV_EINTERNAL, NULL, "the crypto or HTTP library cannot start");
		goto out;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		curl_global_cleanup();
		rc = ADV_ENOMEM;
		goto out;
	}
	w->cfg = *cfg;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&w->stopping, false);
	atomic_init(&w->passes, 0);
	if (!copy_opt(cfg->db_url, &w->db_url) || !copy_opt(cfg->smtp_url, &w->smtp_url) ||
	    !copy_opt(cfg->mail_from, &w->mail_from) || (w->curl = curl_easy_init()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	w->cfg.db_url = w->db_url;
	w->cfg.smtp_url = w->smtp_url;
	w->cfg.mail_from = w->mail_from;
	if (w->cfg.poll_ms == 0)
		w->cfg.poll_ms = OUTBOUND_POLL_MS;
	if (w->cfg.attempts_max == 0)
		w->cfg.attempts_max = OUTBOUND_ATTEMPTS_MAX;
	if ((rc = db_open(w->db_url, 1, &w->db, eb)) != ADV_OK)
		goto out;
	if (w->cfg.bus != NULL &&
	    (rc = bus_subscribe(w->cfg.bus, on_bus, w, &w->bus_sub)) != ADV_OK)
		goto out;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		rc = ADV_ENOMEM;
		goto out;
	}
	w->running = true;
	pthread_mutex_lock(&registry_mu);
	w->next = registry;
	registry = w;
	pthread_mutex_unlock(&registry_mu);
	if (w->smtp_url == NULL)
		worker_log(w, "no SMTP server is configured (--smtp-url or ADVOCATE_SMTP_URL): "
			      "e-mail stays queued");
out:
	if (rc != ADV_OK) {
		outbound_worker_stop(w);
		w = NULL;
	}
	*out = w;
	return rc;
}

void
outbound_worker_stop(struct outbound_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&registry_mu);
	for (struct outbound_worker **p = &registry; *p != NULL; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			break;
		}
	pthread_mutex_unlock(&registry_mu);
	if (w->bus_sub != 0)
		bus_unsubscribe(w->cfg.bus, w->bus_sub);
	atomic_store(&w->stopping, true);
	outbound_worker_wake(w);
	if (w->running)
		pthread_join(w->thread, NULL);
	if (w->curl != NULL)
		curl_easy_cleanup(w->curl);
	db_close(w->db);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->db_url);
	free(w->smtp_url);
	free(w->mail_from);
	free(w);
	curl_global_cleanup();
}
