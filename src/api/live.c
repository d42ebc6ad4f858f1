/*
 * live.c — the hub of live events (see live.h): one bus subscription per
 * server feeding its Server-Sent Events streams, each stream's source over
 * the event log, and the staff endpoint GET /api/v1/workspaces/{ws}/events.
 */
#include "api/live.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "api/portal_auth.h"
#include "api/query.h"
#include "api/routes.h"
#include "core/account.h"
#include "core/identity.h"
#include "core/portal.h"
#include "db/bus.h"
#include "http/auth.h"
#include "http/sse.h"

/* Payloads the hub holds before its thread hands them to the streams. */
#define LIVE_HUB_QUEUE_MAX 4096
/* Events its thread hands to the streams in one go. */
#define LIVE_HUB_BATCH 64
/*
 * Under load, the least time between two hand-overs: events that come
 * sooner wait and go together, so that each stream wakes once for them
 * (a lone event goes at once).
 */
#define LIVE_HUB_LINGER_NS 5000000L

/*
 * The hub of one server. The bus delivers on its own thread (PostgreSQL) or
 * on the committing thread (SQLite); the hub only copies the payload into
 * its queue there, so that a write does not wait for the streams, and its
 * thread hands the events to the streams in batches, at most one batch per
 * LIVE_HUB_LINGER_NS.
 */
struct live_hub {
	struct server *srv;
	struct bus *bus;
	unsigned sub;
	pthread_t thread;
	pthread_mutex_t mu; /* guards what follows */
	pthread_cond_t cv;
	char *q[LIVE_HUB_QUEUE_MAX]; /* payloads, malloc'ed */
	unsigned qhead, qlen;
	bool resync; /* payloads were dropped, or the bus had a gap */
	bool stop;
};

/* Bytes the checks of a stream's reader (stream_alive) may allocate. */
#define LIVE_CHECK_ARENA (64u * 1024u)

/*
 * What one stream reads: the filter and the pool to read the log with; and
 * how its reader signed in, to ask again whether they still may read it:
 * a staff member by session cookie or API token and the workspace's slug,
 * or a client's person by portal session cookie.
 */
struct live_stream {
	struct events_filter f;
	struct db *db;
	bool portal;	  /* a portal session, else a staff member */
	bool bearer;	  /* staff: credential is an API token, not a session cookie */
	unsigned idle_s;  /* staff sessions end after this many idle seconds */
	char *credential; /* the cookie's or token's text (malloc'ed, wiped when freed) */
	char *ws_slug;	  /* staff: the workspace the stream is of (malloc'ed) */
};

/* The key of the hub among a server's server_ext objects. */
static const char hub_key = 'L';

/* The bus's subscriber: queues a copy of the payload for the hub's thread. */
static void
hub_deliver(void *ctx, const char *payload)
{
	struct live_hub *hub = ctx;
	char *copy = NULL;

	if (strcmp(payload, BUS_RESYNC) != 0)
		copy = strdup(payload);
	pthread_mutex_lock(&hub->mu);
	if (copy == NULL || hub->qlen == LIVE_HUB_QUEUE_MAX) {
		/* A gap: every stream reads the log after what it sent. */
		hub->resync = true;
		free(copy);
	} else {
		hub->q[(hub->qhead + hub->qlen++) % LIVE_HUB_QUEUE_MAX] = copy;
	}
	pthread_cond_signal(&hub->cv);
	pthread_mutex_unlock(&hub->mu);
}

/* One payload as a live event for the streams: NULL when it is none or out of memory (*lost). */
static struct sse_event *
hub_event(const char *payload, bool *lost)
{
	struct event_row row, attr;
	struct sse_event *e;

	if (!events_parse(payload, &row))
		return NULL;
	/* What filters look at; the data travels as the event's own copy. */
	attr = row;
	attr.data = NULL;
	e = sse_event_new(row.event_id, row.type, row.data, &attr, sizeof(attr));
	if (e == NULL)
		*lost = true;
	return e;
}

/* ts plus ns nanoseconds. */
static struct timespec
ts_plus(struct timespec ts, long ns)
{
	ts.tv_nsec += ns;
	while (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* The hub's thread: takes the queued payloads in batches and offers them to the streams. */
static void *
hub_run(void *arg)
{
	struct live_hub *hub = arg;
	struct timespec next = {0, 0}, now;

	pthread_mutex_lock(&hub->mu);
	for (;;) {
		struct sse_event *ev[LIVE_HUB_BATCH];
		char *batch[LIVE_HUB_BATCH];
		unsigned n = 0, nev = 0;
		bool resync;

		while (!hub->stop && hub->qlen == 0 && !hub->resync)
			pthread_cond_wait(&hub->cv, &hub->mu);
		/* Soon after the last hand-over: let more come and go with it. */
		clock_gettime(CLOCK_REALTIME, &now);
		while (!hub->stop && hub->qlen < LIVE_HUB_BATCH &&
		       (now.tv_sec < next.tv_sec ||
			(now.tv_sec == next.tv_sec && now.tv_nsec < next.tv_nsec))) {
			pthread_cond_timedwait(&hub->cv, &hub->mu, &next);
			clock_gettime(CLOCK_REALTIME, &now);
		}
		if (hub->stop)
			break;
		next = ts_plus(now, LIVE_HUB_LINGER_NS);
		for (; hub->qlen > 0 && n < LIVE_HUB_BATCH; hub->qlen--) {
			batch[n++] = hub->q[hub->qhead];
			hub->qhead = (hub->qhead + 1) % LIVE_HUB_QUEUE_MAX;
		}
		resync = hub->resync && hub->qlen == 0;
		if (resync)
			hub->resync = false;
		pthread_mutex_unlock(&hub->mu);
		for (unsigned i = 0; i < n; i++) {
			if ((ev[nev] = hub_event(batch[i], &resync)) != NULL)
				nev++;
			free(batch[i]);
		}
		sse_publish_many(hub->srv, ev, nev);
		for (unsigned i = 0; i < nev; i++)
			sse_event_release(ev[i]);
		/* After the events queued before the gap, so that a stream reads the log once. */
		if (resync)
			sse_resync(hub->srv);
		pthread_mutex_lock(&hub->mu);
	}
	pthread_mutex_unlock(&hub->mu);
	return NULL;
}

/* Frees a hub whose thread is not running. */
static void
hub_free(struct live_hub *hub)
{
	for (unsigned i = 0; i < hub->qlen; i++)
		free(hub->q[(hub->qhead + i) % LIVE_HUB_QUEUE_MAX]);
	pthread_cond_destroy(&hub->cv);
	pthread_mutex_destroy(&hub->mu);
	free(hub);
}

/* Stops the hub's thread and waits for it. */
static void
hub_stop(struct live_hub *hub)
{
	pthread_mutex_lock(&hub->mu);
	hub->stop = true;
	pthread_cond_signal(&hub->cv);
	pthread_mutex_unlock(&hub->mu);
	pthread_join(hub->thread, NULL);
}

/* server_ext's maker: starts the thread and subscribes to the server's bus; NULL without one. */
static void *
hub_make(struct server *s, void *arg)
{
	struct bus *bus = server_config(s)->bus;
	struct live_hub *hub;

	(void)arg;
	if (bus == NULL || (hub = calloc(1, sizeof(*hub))) == NULL)
		return NULL;
	hub->srv = s;
	hub->bus = bus;
	pthread_mutex_init(&hub->mu, NULL);
	pthread_cond_init(&hub->cv, NULL);
	if (pthread_create(&hub->thread, NULL, hub_run, hub) != 0) {
		hub_free(hub);
		return NULL;
	}
	if (bus_subscribe(bus, hub_deliver, hub, &hub->sub) != ADV_OK) {
		hub_stop(hub);
		hub_free(hub);
		return NULL;
	}
	return hub;
}

/* server_ext's release: unsubscribes (no delivery runs after), stops the thread, frees. */
static void
hub_release(void *obj)
{
	struct live_hub *hub = obj;

	bus_unsubscribe(hub->bus, hub->sub);
	hub_stop(hub);
	hub_free(hub);
}

static enum adv_err
stream_head(void *ctx, int64_t *id)
{
	struct live_stream *ls = ctx;
	struct db_conn *c = NULL;
	enum adv_err rc;

	if ((rc = db_acquire(ls->db, &c)) != ADV_OK)
		goto out;
	rc = events_head(c, ls->f.ws_id, id);
out:
	db_release(ls->db, c);
	return rc;
}

/* events_read's callback: one row into the stream's batch. */
static enum adv_err
stream_emit_row(void *ctx, const struct event_row *r)
{
	return sse_emit(ctx, r->event_id, r->type, r->data);
}

static enum adv_err
stream_backlog(void *ctx, int64_t after_id, unsigned max, struct sse_batch *b)
{
	struct live_stream *ls = ctx;
	struct db_conn *c = NULL;
	enum adv_err rc;
	unsigned n;

	if ((rc = db_acquire(ls->db, &c)) != ADV_OK)
		goto out;
	rc = events_read(c, &ls->f, after_id, max, stream_emit_row, b, &n);
out:
	db_release(ls->db, c);
	return rc;
}

static bool
stream_match(void *ctx, const struct sse_event *e)
{
	const struct live_stream *ls = ctx;

	return e->attr != NULL && events_match(&ls->f, e->attr);
}

/*
 * sse_source.alive: whether the stream's reader is still signed in and may
 * still read it — a live portal session of the same company, or a live
 * staff session or API token of a member of the workspace. Only a definite
 * no is false: a database that cannot answer now is asked again later.
 */
static bool
stream_alive(void *ctx)
{
	struct live_stream *ls = ctx;
	struct db_conn *c = NULL;
	struct arena a;
	enum adv_err rc;

	arena_init(&a, LIVE_CHECK_ARENA);
	if ((rc = db_acquire(ls->db, &c)) != ADV_OK)
		goto out;
	if (ls->portal) {
		struct portal_session ps;

		rc = portal_session_lookup(c, &a, ls->credential, &ps);
		if (rc == ADV_OK && (ps.ws_id != ls->f.ws_id || ps.account_id != ls->f.account_id))
			rc = ADV_EUNAUTH;
	} else {
		struct session sess;
		struct workspace w;
		struct user u;

		if (ls->bearer) {
			rc = identity_token_lookup(c, &a, ls->credential, &u);
		} else {
			rc = identity_session_lookup(c, &a, ls->credential, ls->idle_s, &sess);
			u = sess.user;
		}
		if (rc == ADV_OK)
			rc = identity_workspace_for(c, &a, ls->ws_slug, &u, &w);
		if (rc == ADV_OK && w.id != ls->f.ws_id)
			rc = ADV_ENOTFOUND;
	}
out:
	db_release(ls->db, c);
	arena_free(&a);
	return rc != ADV_EUNAUTH && rc != ADV_ENOTFOUND && rc != ADV_EFORBIDDEN;
}

static void
stream_release(void *ctx)
{
	struct live_stream *ls = ctx;

	if (ls->credential != NULL) {
		sodium_memzero(ls->credential, strlen(ls->credential));
		free(ls->credential);
	}
	free(ls->ws_slug);
	free(ls);
}

static const struct sse_source live_source = {
    .head = stream_head,
    .backlog = stream_backlog,
    .match = stream_match,
    .alive = stream_alive,
    .release = stream_release,
};

enum adv_err
live_stream_start(struct req *r, const struct events_filter *f)
{
	const char *authz, *credential;
	struct live_stream *ls;
	int64_t last_id;
	enum adv_err rc;

	if ((rc = sse_last_event_id(r, &last_id)) != ADV_OK)
		goto out;
	if (server_ext(r->srv, &hub_key, hub_make, NULL, hub_release) == NULL) {
		rc = adv_fail(&r->eb, ADV_EUNAVAIL, NULL,
			      "live events are not available: this server has no event bus");
		goto out;
	}
	if ((ls = calloc(1, sizeof(*ls))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	ls->f = *f;
	ls->db = server_db(r->srv);
	ls->idle_s = server_config(r->srv)->session_idle;
	if (r->caller.user_id != 0) {
		authz = req_header(r, "Authorization");
		ls->bearer = !r->caller.via_cookie && authz != NULL;
		credential = ls->bearer ? authz + 7 : req_cookie(r, AUTH_COOKIE);
		ls->ws_slug = r->ws.slug != NULL ? strdup(r->ws.slug) : NULL;
	} else {
		ls->portal = true;
		credential = req_cookie(r, PORTAL_COOKIE);
	}
	if (credential != NULL)
		ls->credential = strdup(credential);
	if (ls->credential == NULL || (!ls->portal && ls->ws_slug == NULL)) {
		stream_release(ls);
		rc = credential == NULL ? ADV_EINTERNAL : ADV_ENOMEM;
		goto out;
	}
	rc = sse_start(r, &live_source, ls, last_id);
out:
	return rc;
}

/* GET /api/v1/workspaces/{ws}/events[?account_id=&topic_id=&last_event_id=] */
static enum adv_err
get_events(struct req *r)
{
	struct events_filter f = {
	    .ws_id = r->ws.id,
	    .visibility = EVENTS_SEE_STAFF | EVENTS_SEE_PUBLIC,
	};
	struct account acc;
	struct db_conn *c;
	enum adv_err rc;

	if ((rc = query_id(r, "account_id", &f.account_id)) != ADV_OK ||
	    (rc = query_id(r, "topic_id", &f.topic_id)) != ADV_OK)
		goto out;
	if (f.account_id > 0) {
		if ((c = req_db(r)) == NULL) {
			rc = ADV_EUNAVAIL;
			goto out;
		}
		rc = account_get(c, &r->arena, r->ws.id, f.account_id, &acc);
		if (rc == ADV_ENOTFOUND)
			adv_fail(&r->eb, rc, NULL, "no account %lld in this workspace",
				 (long long)f.account_id);
		if (rc != ADV_OK)
			goto out;
	}
	rc = live_stream_start(r, &f);
out:
	return rc;
}

API_ROUTES_DEFINE(live, {HTTP_GET, "/api/v1/workspaces/{ws}/events", get_events, ACCESS_WORKSPACE,
			 ROLE_VIEWER, 0});
