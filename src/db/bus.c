/*
 * bus.c — the event bus (see bus.h): subscribers in a fixed table under one
 * mutex, fed either by the pool's in-process hook (SQLite) or by a listener
 * thread that LISTENs on its own PostgreSQL connection and reconnects with a
 * growing pause when the server goes away.
 */
#include "db/bus.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUS_RECONNECT_MIN_MS 100
#define BUS_RECONNECT_MAX_MS 2000

struct bus_sub {
	unsigned id; /* 0 = free slot */
	bus_fn fn;
	void *ctx;
};

struct bus {
	struct db *db;
	pthread_mutex_t mu;
	struct bus_sub subs[BUS_SUBS_MAX];
	unsigned next_id;
	/* PostgreSQL only */
	char *url;
	PGconn *pg;
	pthread_t listener;
	bool listening;
	int wake[2]; /* a byte on wake[1] stops the listener */
	atomic_uint_fast64_t delivered;
	atomic_bool connected;
};

/* Hands payload to every subscriber. */
static void
bus_deliver(void *arg, const char *payload)
{
	struct bus *b = arg;

	atomic_fetch_add_explicit(&b->delivered, 1, memory_order_relaxed);
	pthread_mutex_lock(&b->mu);
	for (unsigned i = 0; i < BUS_SUBS_MAX; i++)
		if (b->subs[i].id != 0)
			b->subs[i].fn(b->subs[i].ctx, payload);
	pthread_mutex_unlock(&b->mu);
}

/* Drops the server's notices: a lost connection is handled, not printed. */
static void
bus_ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Connects and LISTENs; false (connection closed) when the server is not there. */
static bool
bus_listen(struct bus *b)
{
	static const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *vals[] = {"5", "advocate-bus", b->url, NULL};
	PGresult *res;
	bool ok;

	b->pg = PQconnectdbParams(keys, vals, 1);
	if (b->pg == NULL || PQstatus(b->pg) != CONNECTION_OK)
		goto fail;
	PQsetNoticeProcessor(b->pg, bus_ignore_notice, NULL);
	res = PQexec(b->pg, "LISTEN " DB_NOTIFY_CHANNEL);
	ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (ok && PQsetnonblocking(b->pg, 1) == 0) {
		atomic_store(&b->connected, true);
		return true;
	}
fail:
	atomic_store(&b->connected, false);
	PQfinish(b->pg);
	b->pg = NULL;
	return false;
}

/* Waits up to ms for the listener socket (or -1: none) or a stop; true when asked to stop. */
static bool
bus_wait(struct bus *b, int sock, int ms)
{
	struct pollfd p[2] = {{b->wake[0], POLLIN, 0}, {sock, POLLIN, 0}};
	int n = poll(p, sock >= 0 ? 2 : 1, ms);

	return n > 0 && (p[0].revents & POLLIN) != 0;
}

/* Delivers every notification that has arrived; false when the connection broke. */
static bool
bus_drain(struct bus *b)
{
	PGnotify *n;

	if (PQconsumeInput(b->pg) == 0)
		return false;
	while ((n = PQnotifies(b->pg)) != NULL) {
		bus_deliver(b, n->extra);
		PQfreemem(n);
	}
	return PQstatus(b->pg) == CONNECTION_OK;
}

/* The listener thread: listen, deliver, and after a loss reconnect and announce a resync. */
static void *
bus_listener(void *arg)
{
	struct bus *b = arg;
	int pause = BUS_RECONNECT_MIN_MS;

	for (;;) {
		if (b->pg == NULL) {
			if (!bus_listen(b)) {
				if (bus_wait(b, -1, pause))
					break;
				pause = pause * 2 > BUS_RECONNECT_MAX_MS ? BUS_RECONNECT_MAX_MS
									 : pause * 2;
				continue;
			}
			pause = BUS_RECONNECT_MIN_MS;
			bus_deliver(b, BUS_RESYNC);
		}
		if (bus_wait(b, PQsocket(b->pg), -1))
			break;
		if (!bus_drain(b)) {
			atomic_store(&b->connected, false);
			PQfinish(b->pg);
			b->pg = NULL;
		}
	}
	return NULL;
}

enum adv_err
bus_open(struct db *db, const char *url, struct bus **out, struct adv_errbuf *eb)
{
	struct bus *b = calloc(1, sizeof(*b));
	enum adv_err rc = ADV_OK;

	*out = NULL;
	if (b == NULL)
		return ADV_ENOMEM;
	b->db = db;
	b->wake[0] = b->wake[1] = -1;
	pthread_mutex_init(&b->mu, NULL);
	atomic_init(&b->delivered, 0);
	atomic_init(&b->connected, false);
	if (!db_notify_is_shared(db)) {
		atomic_store(&b->connected, true);
		db_set_notify_hook(db, bus_deliver, b);
		goto out;
	}
	if ((b->url = strdup(url)) == NULL || pipe(b->wake) != 0) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if (!bus_listen(b)) {
		rc = adv_fail(eb, ADV_EUNAVAIL, NULL,
			      "the event bus cannot listen on the database: %s",
			      b->pg ? PQerrorMessage(b->pg) : "cannot connect");
		goto out;
	}
	if (pthread_create(&b->listener, NULL, bus_listener, b) != 0) {
		rc = ADV_ENOMEM;
		goto out;
	}
	b->listening = true;
out:
	if (rc != ADV_OK) {
		bus_close(b);
		b = NULL;
	}
	*out = b;
	return rc;
}

void
bus_close(struct bus *b)
{
	if (b == NULL)
		return;
	if (b->listening) {
		while (write(b->wake[1], "x", 1) < 0 && errno == EINTR)
			;
		pthread_join(b->listener, NULL);
	} else if (!db_notify_is_shared(b->db)) {
		db_set_notify_hook(b->db, NULL, NULL);
	}
	PQfinish(b->pg);
	if (b->wake[0] >= 0) {
		close(b->wake[0]);
		close(b->wake[1]);
	}
	pthread_mutex_destroy(&b->mu);
	free(b->url);
	free(b);
}

enum adv_err
bus_subscribe(struct bus *b, bus_fn fn, void *ctx, unsigned *id)
{
	enum adv_err rc = ADV_ETOOBIG;

	pthread_mutex_lock(&b->mu);
	for (unsigned i = 0; i < BUS_SUBS_MAX; i++) {
		if (b->subs[i].id == 0) {
			b->subs[i] = (struct bus_sub){++b->next_id, fn, ctx};
			*id = b->subs[i].id;
			rc = ADV_OK;
			break;
		}
	}
	pthread_mutex_unlock(&b->mu);
	return rc;
}

void
bus_unsubscribe(struct bus *b, unsigned id)
{
	pthread_mutex_lock(&b->mu);
	for (unsigned i = 0; i < BUS_SUBS_MAX; i++)
		if (b->subs[i].id == id)
			b->subs[i].id = 0;
	pthread_mutex_unlock(&b->mu);
}

void
bus_stats(struct bus *b, uint64_t *events, bool *connected)
{
	*events = atomic_load_explicit(&b->delivered, memory_order_relaxed);
	*connected = atomic_load(&b->connected);
}
