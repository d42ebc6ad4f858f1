/*
 * test_live.c — live events over Server-Sent Events (src/api/live.c,
 * src/http/sse.c, src/core/events.c), on SQLite and on PostgreSQL: a change
 * made through the API appears on an open stream and another workspace's
 * never does; filters by account and topic; Last-Event-ID (header or query)
 * resumes exactly after the given event; a stream on node B sees a write
 * made through node A (PostgreSQL); 401 without a session, 404 for another
 * workspace and a foreign account; the heartbeat; the limit of streams
 * (503) and a departed client's slot coming back; a stream ending when its
 * reader signs out or loses access, staff or portal (whose stream shows the
 * company's public events only); a rolled-back write logs
 * and sends nothing; a resync of the bus makes streams read the log; an
 * event too large for the bus still arrives whole; a catch-up longer than a
 * backlog batch with live events arriving meanwhile keeps every event once,
 * in order; a slow client is ended with a resync; a stopping server ends its
 * streams; the log is pruned.
 *
 * The harness's servers have no event bus, so the streams here go to nodes
 * of this file's own: a server with a bus on the harness's pool (node A,
 * which sees every write through that pool, the harness's server included)
 * and, on PostgreSQL, a second pool with its own bus (node B).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cmocka.h>

#include "api/routes.h"
#include "core/events.h"
#include "core/identity.h"
#include "db/bus.h"
#include "harness.h"
#include "util/clock.h"

#define ACC		"/api/v1/workspaces/acme/accounts"
#define EVENTS		"/api/v1/workspaces/acme/events"
#define WAIT_MS		10000  /* deadline for something expected to arrive */
#define BULK_WAIT_MS	120000 /* the same for megabytes through a client that stalled */
#define SLOW_EVENTS	4000   /* 3 KB events: more than a stalled client's buffers hold */
#define CATCH_UP_EVENTS 600    /* 10 KB events of a backlog: as much (too large for the bus) */

static struct harness *h;

/* A node of this file: a server with an event bus. */
struct node {
	struct harness *hn; /* a copy of h addressing this node's server */
	struct db *db;
	struct bus *bus;
	struct server *srv;
	bool own_db;
};

static struct node node_a;

/*
 * Starts a node on h's database: on h's pool (own_pool false) or on a pool
 * of its own, with the given stream limit and heartbeat (0: defaults).
 */
static void
node_start(struct node *n, bool own_pool, unsigned streams_max, unsigned heartbeat_s)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct server_config cfg = h->cfg;
	const struct route *routes;
	unsigned nroutes;

	memset(n, 0, sizeof(*n));
	n->own_db = own_pool;
	if (own_pool)
		assert_int_equal(db_open(h->dburl, 4, &n->db, &eb), ADV_OK);
	else
		n->db = h->db;
	assert_int_equal(bus_open(n->db, h->dburl, &n->bus, &eb), ADV_OK);
	cfg.bus = n->bus;
	cfg.streams_max = streams_max;
	cfg.heartbeat_s = heartbeat_s;
	routes = api_routes(&nroutes);
	assert_int_equal(server_start(&cfg, n->db, routes, nroutes, &n->srv, &eb), ADV_OK);
	n->hn = malloc(sizeof(*n->hn));
	assert_non_null(n->hn);
	*n->hn = *h;
	n->hn->attached = true;
	n->hn->db = n->db;
	n->hn->srv = n->srv;
	n->hn->port = server_port(n->srv);
	snprintf(n->hn->base, sizeof(n->hn->base), "http://127.0.0.1:%u", n->hn->port);
}

/* Stops a node: its server (ending its streams), its bus, its own pool. */
static void
node_stop(struct node *n)
{
	if (n->srv == NULL)
		return;
	server_stop(n->srv, 2000);
	bus_close(n->bus);
	if (n->own_db)
		db_close(n->db);
	free(n->hn);
	memset(n, 0, sizeof(*n));
}

/* A stream client: libcurl on a thread of its own, everything received in buf. */
struct client {
	pthread_t t;
	char url[512];
	struct curl_slist *hdrs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf;
	size_t len, cap;
	long status;
	char ctype[128];
	bool headers; /* the answer's header block is complete */
	bool done;
	bool paused;	   /* the write callback waits: the client stops reading */
	bool small_rcvbuf; /* a tiny socket receive buffer (for the slow client) */
	atomic_int fd;
	atomic_int stop;
};

static size_t
client_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct client *c = ud;
	size_t n = size * nmemb;
	bool ok = true;

	pthread_mutex_lock(&c->mu);
	while (c->paused && !atomic_load(&c->stop))
		pthread_cond_wait(&c->cv, &c->mu);
	if (atomic_load(&c->stop)) {
		ok = false;
	} else if (c->len + n + 1 > c->cap) {
		/* doubling: megabytes arrive in small pieces */
		size_t cap = c->cap > 0 ? c->cap : 4096;
		char *grown;

		while (cap < c->len + n + 1)
			cap *= 2;
		if ((grown = realloc(c->buf, cap)) == NULL) {
			ok = false;
		} else {
			c->buf = grown;
			c->cap = cap;
		}
	}
	if (ok) {
		memcpy(c->buf + c->len, p, n);
		c->len += n;
		c->buf[c->len] = '\0';
	}
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return ok ? n : 0;
}

static size_t
client_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct client *c = ud;
	size_t n = size * nmemb;
	int code;

	pthread_mutex_lock(&c->mu);
	if (n > 9 && strncmp(p, "HTTP/", 5) == 0 && sscanf(p, "HTTP/%*s %d", &code) == 1)
		c->status = code;
	else if (n <= 2 && (p[0] == '\r' || p[0] == '\n'))
		c->headers = true;
	else if (n > 13 && strncasecmp(p, "Content-Type:", 13) == 0)
		snprintf(c->ctype, sizeof(c->ctype), "%.*s", (int)strcspn(p + 13, "\r\n"), p + 13);
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return n;
}

/* Notes the socket so that client_close can cut it; shrinks its receive buffer if asked. */
static int
client_sockopt(void *ud, curl_socket_t fd, curlsocktype purpose)
{
	struct client *c = ud;

	(void)purpose;
	atomic_store(&c->fd, (int)fd);
	if (c->small_rcvbuf) {
		int size = 4096;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	return CURL_SOCKOPT_OK;
}

static void *
client_run(void *arg)
{
	struct client *c = arg;
	CURL *curl = curl_easy_init();

	if (curl != NULL) {
		curl_easy_setopt(curl, CURLOPT_URL, c->url);
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, c->hdrs);
		curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, client_write);
		curl_easy_setopt(curl, CURLOPT_WRITEDATA, c);
		curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, client_header);
		curl_easy_setopt(curl, CURLOPT_HEADERDATA, c);
		curl_easy_setopt(curl, CURLOPT_SOCKOPTFUNCTION, client_sockopt);
		curl_easy_setopt(curl, CURLOPT_SOCKOPTDATA, c);
		curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
		curl_easy_perform(curl);
		curl_easy_cleanup(curl);
	}
	pthread_mutex_lock(&c->mu);
	c->done = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Waits until pred(c, arg) holds or ms pass; true when it held. c->mu is taken here. */
static bool
client_until(struct client *c, bool (*pred)(struct client *c, void *arg), void *arg, int ms)
{
	struct timespec until;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->mu);
	while (!(ok = pred(c, arg)) && pthread_cond_timedwait(&c->cv, &c->mu, &until) == 0)
		;
	pthread_mutex_unlock(&c->mu);
	return ok;
}

static bool
has_status(struct client *c, void *arg)
{
	(void)arg;
	return (c->status != 0 && c->headers) || c->done;
}

static bool
is_done(struct client *c, void *arg)
{
	(void)arg;
	return c->done;
}

/*
 * Opens GET path on node n as user (U__MAX: nobody) with an extra header
 * line (or NULL), paused or not, and waits for the answer's status.
 */
static struct client *
client_open_ex(struct harness *n, const char *path, int user, const char *header, bool slow)
{
	struct client *c = calloc(1, sizeof(*c));
	char line[160];

	assert_non_null(c);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	atomic_init(&c->fd, -1);
	atomic_init(&c->stop, 0);
	c->paused = slow;
	c->small_rcvbuf = slow;
	snprintf(c->url, sizeof(c->url), "%s%s", n->base, path);
	if (user < U__MAX) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", n->token[user]);
		c->hdrs = curl_slist_append(c->hdrs, line);
	}
	if (header != NULL)
		c->hdrs = curl_slist_append(c->hdrs, header);
	assert_int_equal(pthread_create(&c->t, NULL, client_run, c), 0);
	assert_true(client_until(c, has_status, NULL, WAIT_MS));
	return c;
}

static struct client *
client_open(struct harness *n, const char *path, int user, const char *header)
{
	return client_open_ex(n, path, user, header, false);
}

/* How many times needle occurs in what the stream received; c->mu held. */
static unsigned
count_locked(struct client *c, const char *needle)
{
	unsigned n = 0;

	for (const char *p = c->buf; p != NULL && (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* How many times needle occurs in what the stream received. */
static unsigned
client_count(struct client *c, const char *needle)
{
	unsigned n;

	pthread_mutex_lock(&c->mu);
	n = count_locked(c, needle);
	pthread_mutex_unlock(&c->mu);
	return n;
}

/* A wait for n occurrences of needle, counted as the bytes come (not rescanned each time). */
struct count_arg {
	const char *needle;
	unsigned n;
	unsigned seen; /* occurrences before from */
	size_t from;   /* where the next scan starts */
};

static bool
has_count(struct client *c, void *arg)
{
	struct count_arg *x = arg;
	size_t nl = strlen(x->needle);
	const char *p;

	if (c->buf == NULL)
		return false;
	for (p = c->buf + x->from; (p = strstr(p, x->needle)) != NULL; p++)
		x->seen++;
	/* a needle that starts in the last nl - 1 bytes is not complete yet */
	if (c->len >= nl && c->len - nl + 1 > x->from)
		x->from = c->len - nl + 1;
	return x->seen >= x->n;
}

/* True when the stream received needle n times (or more) within ms. */
static bool
client_wait_count(struct client *c, const char *needle, unsigned n, int ms)
{
	struct count_arg x = {needle, n, 0, 0};

	return client_until(c, has_count, &x, ms);
}

/* True when the stream received needle within ms. */
static bool
client_wait(struct client *c, const char *needle, int ms)
{
	return client_wait_count(c, needle, 1, ms);
}

/* Where needle first occurs in what the stream received (-1: nowhere). */
static long
client_find(struct client *c, const char *needle)
{
	long at = -1;
	const char *p;

	pthread_mutex_lock(&c->mu);
	if (c->buf != NULL && (p = strstr(c->buf, needle)) != NULL)
		at = p - c->buf;
	pthread_mutex_unlock(&c->mu);
	return at;
}

/* Lets a client opened paused read again, at full speed. */
static void
client_resume(struct client *c)
{
	int size = 4 * 1024 * 1024;

	setsockopt(atomic_load(&c->fd), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	pthread_mutex_lock(&c->mu);
	c->paused = false;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* Cuts the connection, joins the thread and frees the client. */
static void
client_close(struct client *c)
{
	int fd = atomic_load(&c->fd);

	atomic_store(&c->stop, 1);
	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	pthread_mutex_lock(&c->mu);
	c->paused = false;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->t, NULL);
	curl_slist_free_all(c->hdrs);
	free(c->buf);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
}

/* Creates an account named name through node n; returns its id. */
static int64_t
create_account(struct harness *n, const char *name)
{
	char body[160];
	json_t *j;
	int64_t id;

	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	j = hcall(n, "POST", ACC, U_OWNER, body, NULL, 201);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* Sets account id's city through node n. */
static void
patch_city(struct harness *n, int64_t id, const char *city)
{
	char path[96], body[128];
	json_t *j;

	snprintf(path, sizeof(path), ACC "/%lld", (long long)id);
	snprintf(body, sizeof(body), "{\"city\":\"%s\"}", city);
	j = hcall(n, "PATCH", path, U_OWNER, body, NULL, 200);
	json_decref(j);
}

/* The text streams send for an update of account id. */
static const char *
update_needle(int64_t id)
{
	static char needle[160];

	snprintf(needle, sizeof(needle),
		 "\"type\":\"account.update\",\"workspace_id\":%lld,\"entity\":\"account\","
		 "\"id\":%lld,",
		 (long long)h->ws_acme, (long long)id);
	return needle;
}

/*
 * The event_id of the last event in the stream whose data has needle
 * (0: none), read from the data line.
 */
static int64_t
event_id_of(struct client *c, const char *needle)
{
	int64_t id = 0;
	const char *p, *last = NULL;

	pthread_mutex_lock(&c->mu);
	for (p = c->buf; p != NULL && (p = strstr(p, needle)) != NULL; p++)
		last = p;
	if (last != NULL && (p = strstr(last, "\"event_id\":")) != NULL)
		id = strtoll(p + 11, NULL, 10);
	pthread_mutex_unlock(&c->mu);
	return id;
}

/* "\nid: N\n": the id line of event N as it starts a block. */
static const char *
id_line(int64_t id)
{
	static char line[4][40];
	static int i;

	i = (i + 1) % 4;
	snprintf(line[i], sizeof(line[i]), "\nid: %lld\n", (long long)id);
	return line[i];
}

/* Rows of event_log of the given type. */
static int64_t
log_count(const char *type)
{
	static struct db_sql sql = DB_SQL("SELECT COUNT(*) FROM event_log WHERE type = ?1");
	struct db_conn *c;
	struct db_stmt *st;
	int64_t n = -1;
	bool row;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	db_bind_text(st, 1, type);
	assert_int_equal(db_step(st, &row), ADV_OK);
	if (row) {
		n = db_col_int(st, 0);
		db_done(st);
	}
	db_release(h->db, c);
	return n;
}

/* Raises e in a transaction of its own through h's pool, committed or rolled back. */
static enum adv_err
raise_one(const struct event *e, bool commit)
{
	struct db_conn *c;
	enum adv_err rc;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_begin(c), ADV_OK);
	rc = events_raise_ex(c, e);
	if (rc == ADV_OK && commit)
		assert_int_equal(db_commit(c), ADV_OK);
	else
		db_rollback(c);
	db_release(h->db, c);
	return rc;
}

static int
setup(void **state)
{
	(void)state;
	h = harness_start(0);
	node_start(&node_a, false, 0, 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	node_stop(&node_a);
	harness_stop(h);
	return 0;
}

static void
test_change_appears_on_stream(void **state)
{
	int64_t id = create_account(node_a.hn, "Поток");
	struct client *c;
	char line[96];
	int64_t eid;

	(void)state;
	c = client_open(node_a.hn, EVENTS, U_VIEWER, NULL);
	assert_int_equal(c->status, 200);
	assert_non_null(strstr(c->ctype, "text/event-stream"));
	assert_true(client_wait(c, "retry: ", WAIT_MS));
	patch_city(node_a.hn, id, "Тула");
	assert_true(client_wait(c, update_needle(id), WAIT_MS));
	eid = event_id_of(c, update_needle(id));
	assert_true(eid > 0);
	snprintf(line, sizeof(line), "id: %lld\nevent: account.update\ndata: {", (long long)eid);
	assert_true(client_find(c, line) >= 0);
	assert_int_equal(client_count(c, update_needle(id)), 1);

	/* a write through the harness's own server (the same pool) reaches the stream too */
	patch_city(h, id, "Орёл");
	assert_true(client_wait_count(c, update_needle(id), 2, WAIT_MS));
	assert_int_equal(client_count(c, update_needle(id)), 2);
	client_close(c);

	/* every member role may open the stream */
	for (int u = U_OWNER; u <= U_VIEWER; u++) {
		c = client_open(node_a.hn, EVENTS, u, NULL);
		assert_int_equal(c->status, 200);
		client_close(c);
	}
}

static void
test_foreign_workspace_never_appears(void **state)
{
	int64_t id = create_account(node_a.hn, "Своя");
	struct client *c = client_open(node_a.hn, EVENTS, U_VIEWER, NULL);
	char needle[64];
	json_t *j;

	(void)state;
	assert_int_equal(c->status, 200);
	j = hcall(node_a.hn, "POST", "/api/v1/workspaces/other/accounts", U_OTHER,
		  "{\"name\":\"Чужая\"}", NULL, 201);
	json_decref(j);
	patch_city(node_a.hn, id, "Маркер");
	assert_true(client_wait(c, update_needle(id), WAIT_MS));
	snprintf(needle, sizeof(needle), "\"workspace_id\":%lld", (long long)h->ws_other);
	assert_int_equal(client_count(c, needle), 0);
	assert_int_equal(client_count(c, "Чужая"), 0);
	client_close(c);
}

static void
test_filters_by_account_and_topic(void **state)
{
	int64_t x = create_account(node_a.hn, "Икс"), y = create_account(node_a.hn, "Игрек");
	struct event e = {.ws_id = h->ws_acme,
			  .entity = "request",
			  .action = "message",
			  .visibility = EVENT_PUBLIC};
	char path[160];
	struct client *c;

	(void)state;
	snprintf(path, sizeof(path), EVENTS "?account_id=%lld", (long long)x);
	c = client_open(node_a.hn, path, U_MANAGER, NULL);
	assert_int_equal(c->status, 200);
	patch_city(node_a.hn, y, "Не та");
	patch_city(node_a.hn, x, "Та");
	assert_true(client_wait(c, update_needle(x), WAIT_MS));
	assert_int_equal(client_count(c, update_needle(y)), 0);
	client_close(c);

	/* a topic, public visibility and extra fields (events_raise_ex) */
	c = client_open(node_a.hn, EVENTS "?topic_id=7", U_VIEWER, NULL);
	assert_int_equal(c->status, 200);
	e.id = 70;
	e.account_id = x;
	e.topic_id = 8;
	e.extra = "{\"status\":\"other topic\"}";
	assert_int_equal(raise_one(&e, true), ADV_OK);
	e.id = 71;
	e.topic_id = 7;
	e.extra = "{\"status\":\"open\",\"n\":[1,2]}";
	assert_int_equal(raise_one(&e, true), ADV_OK);
	assert_true(client_wait(c,
				"\"topic_id\":7,\"visibility\":\"public\",\"status\":\"open\","
				"\"n\":[1,2],\"event_id\":",
				WAIT_MS));
	assert_true(client_find(c, "event: request.message\n") >= 0);
	assert_int_equal(client_count(c, "other topic"), 0);
	client_close(c);

	/* names the payload owns, extras that are not objects, bad names: refused */
	e.extra = "{\"type\":\"x\"}";
	assert_int_equal(raise_one(&e, true), ADV_EINVAL);
	e.extra = "[1]";
	assert_int_equal(raise_one(&e, true), ADV_EINVAL);
	e.extra = NULL;
	e.entity = "bad name";
	assert_int_equal(raise_one(&e, true), ADV_EINVAL);
}

static void
test_last_event_id_resumes_exactly(void **state)
{
	int64_t id = create_account(node_a.hn, "Возобновление"), e[6];
	const char *cities[] = {"c1", "c2", "c3", "c4", "c5"};
	char hdr[64], path[128];
	struct client *c;
	struct hresp r;

	(void)state;
	c = client_open(node_a.hn, EVENTS, U_VIEWER, NULL);
	for (int i = 0; i < 3; i++) {
		patch_city(node_a.hn, id, cities[i]);
		assert_true(client_wait_count(c, update_needle(id), (unsigned)i + 1, WAIT_MS));
		assert_int_equal(client_count(c, update_needle(id)), i + 1);
		e[i] = event_id_of(c, update_needle(id));
	}
	assert_true(e[0] < e[1] && e[1] < e[2]);
	client_close(c);

	/* a change while nobody listens, then a resume after the first event */
	patch_city(node_a.hn, id, cities[3]);
	snprintf(hdr, sizeof(hdr), "Last-Event-ID: %lld", (long long)e[0]);
	c = client_open(node_a.hn, EVENTS, U_VIEWER, hdr);
	assert_int_equal(c->status, 200);
	assert_true(client_wait_count(c, update_needle(id), 3, WAIT_MS));
	assert_int_equal(client_count(c, update_needle(id)), 3);
	e[3] = event_id_of(c, update_needle(id));
	assert_true(e[3] > e[2]);
	assert_int_equal(client_count(c, id_line(e[0])), 0);
	assert_int_equal(client_count(c, id_line(e[1])), 1);
	assert_int_equal(client_count(c, id_line(e[2])), 1);
	assert_int_equal(client_count(c, id_line(e[3])), 1);
	assert_true(client_find(c, id_line(e[1])) < client_find(c, id_line(e[2])));
	assert_true(client_find(c, id_line(e[2])) < client_find(c, id_line(e[3])));

	/* then the live feed, nothing twice */
	patch_city(node_a.hn, id, cities[4]);
	assert_true(client_wait_count(c, update_needle(id), 4, WAIT_MS));
	assert_int_equal(client_count(c, update_needle(id)), 4);
	e[4] = event_id_of(c, update_needle(id));
	assert_int_equal(client_count(c, id_line(e[3])), 1);
	assert_int_equal(client_count(c, id_line(e[4])), 1);
	client_close(c);

	/* the query parameter does the same */
	snprintf(path, sizeof(path), EVENTS "?last_event_id=%lld", (long long)e[2]);
	c = client_open(node_a.hn, path, U_VIEWER, NULL);
	assert_true(client_wait_count(c, update_needle(id), 2, WAIT_MS));
	assert_int_equal(client_count(c, update_needle(id)), 2);
	assert_int_equal(client_count(c, id_line(e[2])), 0);
	assert_int_equal(client_count(c, id_line(e[3])), 1);
	assert_int_equal(client_count(c, id_line(e[4])), 1);
	client_close(c);

	/* a malformed one is refused */
	assert_int_equal(hjson(node_a.hn, "GET", EVENTS "?last_event_id=abc", U_VIEWER, NULL, &r),
			 422);
	assert_true(hresp_has_pointer(&r, "last_event_id") || strstr(r.body, "Last-Event-ID"));
	hresp_free(&r);
}

static void
test_two_nodes(void **state)
{
	struct node b;
	struct client *c;
	int64_t id, first;
	char hdr[64];

	(void)state;
	if (strcmp(harness_engine(), "postgres") != 0) {
		fprintf(stderr, "# two nodes: PostgreSQL only (SQLite is one process)\n");
		return;
	}
	node_start(&b, true, 0, 0);
	id = create_account(node_a.hn, "Два узла");
	c = client_open(b.hn, EVENTS, U_VIEWER, NULL);
	assert_int_equal(c->status, 200);
	patch_city(node_a.hn, id, "Через A");
	assert_true(client_wait(c, update_needle(id), WAIT_MS));
	first = event_id_of(c, update_needle(id));
	client_close(c);

	/* resuming on B after an event seen there, of a write made through A */
	patch_city(node_a.hn, id, "Снова через A");
	snprintf(hdr, sizeof(hdr), "Last-Event-ID: %lld", (long long)first);
	c = client_open(b.hn, EVENTS, U_VIEWER, hdr);
	assert_true(client_wait(c, update_needle(id), WAIT_MS));
	assert_int_equal(client_count(c, id_line(first)), 0);
	assert_int_equal(client_count(c, update_needle(id)), 1);
	client_close(c);
	node_stop(&b);
}

static void
test_who_may_listen(void **state)
{
	int64_t foreign;
	char path[128];
	struct hresp r;
	json_t *j;

	(void)state;
	/* no session or token: 401, also on a server without a bus */
	assert_int_equal(hjson(node_a.hn, "GET", EVENTS, U__MAX, NULL, &r), 401);
	hresp_free(&r);
	assert_int_equal(hjson(h, "GET", EVENTS, U__MAX, NULL, &r), 401);
	hresp_free(&r);
	/* another workspace's slug: 404 both ways */
	assert_int_equal(hjson(node_a.hn, "GET", EVENTS, U_OTHER, NULL, &r), 404);
	hresp_free(&r);
	assert_int_equal(
	    hjson(node_a.hn, "GET", "/api/v1/workspaces/other/events", U_VIEWER, NULL, &r), 404);
	hresp_free(&r);
	/* a foreign or unknown account: 404; a malformed one: 422 */
	j = hcall(node_a.hn, "POST", "/api/v1/workspaces/other/accounts", U_OTHER,
		  "{\"name\":\"Чужой клиент\"}", NULL, 201);
	foreign = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	snprintf(path, sizeof(path), EVENTS "?account_id=%lld", (long long)foreign);
	assert_int_equal(hjson(node_a.hn, "GET", path, U_VIEWER, NULL, &r), 404);
	hresp_free(&r);
	assert_int_equal(hjson(node_a.hn, "GET", EVENTS "?account_id=99999999", U_VIEWER, NULL, &r),
			 404);
	hresp_free(&r);
	assert_int_equal(hjson(node_a.hn, "GET", EVENTS "?account_id=abc", U_VIEWER, NULL, &r),
			 422);
	hresp_free(&r);
	/* a server without an event bus cannot stream: 503 */
	assert_int_equal(hjson(h, "GET", EVENTS, U_VIEWER, NULL, &r), 503);
	hresp_free(&r);
}

static void
test_heartbeat_and_stream_limit(void **state)
{
	struct client *c1, *c2, *c3 = NULL;
	struct node n;
	struct hresp r;
	char *ra;

	(void)state;
	/* a pool of its own: on SQLite a pool feeds one bus, node A's */
	node_start(&n, true, 2, 1);
	c1 = client_open(n.hn, EVENTS, U_VIEWER, NULL);
	c2 = client_open(n.hn, EVENTS, U_VIEWER, NULL);
	assert_int_equal(c1->status, 200);
	assert_int_equal(c2->status, 200);
	assert_true(client_wait(c1, "\n: heartbeat\n\n", WAIT_MS));
	assert_true(client_wait(c2, "\n: heartbeat\n\n", WAIT_MS));

	/* a third stream is refused while two are open */
	assert_int_equal(hjson(n.hn, "GET", EVENTS, U_VIEWER, NULL, &r), 503);
	ra = hresp_header(&r, "Retry-After");
	assert_non_null(ra);
	free(ra);
	hresp_free(&r);

	/* a client that leaves frees its slot once a heartbeat finds it gone */
	client_close(c1);
	for (int i = 0; i < 100; i++) {
		c3 = client_open(n.hn, EVENTS, U_VIEWER, NULL);
		if (c3->status == 200)
			break;
		client_close(c3);
		c3 = NULL;
		client_wait(c2, "\x01", 100);
	}
	assert_non_null(c3);
	client_close(c3);

	/* a stopping server ends its streams */
	node_stop(&n);
	assert_true(client_until(c2, is_done, NULL, WAIT_MS));
	client_close(c2);
}

/* Sends method path with body on node n with header lines hdrs (NULL-terminated); the status. */
static long
send_hdrs(struct harness *n, const char *method, const char *path, const char *body,
	  const char *const *hdrs, struct hresp *out)
{
	assert_int_equal(hreq(n, method, path, U__MAX, body ? "application/json" : NULL, body,
			      body ? strlen(body) : 0, hdrs, out),
			 0);
	return out->status;
}

/* The "Cookie: name=value" line of r's Set-Cookie into line; the JSON string csrf_token into csrf.
 */
static void
cookie_of(const struct hresp *r, char *line, size_t n, char *csrf, size_t cn)
{
	char *set = hresp_header(r, "Set-Cookie");

	assert_non_null(set);
	snprintf(line, n, "Cookie: %.*s", (int)strcspn(set, ";"), set);
	snprintf(csrf, cn, "X-CSRF-Token: %s",
		 json_string_value(json_object_get(r->json, "csrf_token")));
	free(set);
}

/* True once c's stream ended because its reader may no longer read it. */
static bool
ended_unauthorized(struct client *c, int ms)
{
	return client_wait(c, "event: resync\ndata: {\"reason\":\"unauthorized\"}", ms) &&
	       client_until(c, is_done, NULL, ms);
}

/*
 * A stream asks again whether its reader may read it, once per heartbeat,
 * and ends when not: a staff session signed out, an API token revoked, a
 * portal person revoked; a stream whose reader keeps access stays. The
 * portal stream shows the company's public events, never internal notes,
 * 401 without a session and 404 for another company's request.
 */
static void
test_stream_ends_with_access(void **state)
{
	struct client *by_cookie, *by_token, *kept, *portal;
	char cookie[512], csrf[256], pcookie[512], pcsrf[256], body[256], hdr[160];
	const char *hdrs[4] = {NULL};
	const char *tok = NULL, *link;
	struct adv_errbuf eb = {{0}, {0}};
	struct db_conn *conn;
	struct arena a;
	struct hresp r;
	struct node n;
	int64_t acc, other, contact, person, req, foreign;
	json_t *j;

	(void)state;
	node_start(&n, true, 0, 1);

	/* staff: a session cookie, an API token, and a token that stays valid */
	snprintf(body, sizeof(body), "{\"email\":\"viewer@example.test\",\"password\":\"%s\"}",
		 HARNESS_PASSWORD);
	assert_int_equal(hjson(n.hn, "POST", "/api/v1/auth/login", U__MAX, body, &r), 200);
	cookie_of(&r, cookie, sizeof(cookie), csrf, sizeof(csrf));
	hresp_free(&r);
	by_cookie = client_open(n.hn, EVENTS, U__MAX, cookie);
	assert_int_equal(by_cookie->status, 200);
	arena_init(&a, 64 * 1024);
	assert_int_equal(db_acquire(n.db, &conn), ADV_OK);
	assert_int_equal(
	    identity_token_create(conn, &a, "viewer@example.test", "stream-revoked", &tok, &eb),
	    ADV_OK);
	db_release(n.db, conn);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", tok);
	by_token = client_open(n.hn, EVENTS, U__MAX, hdr);
	assert_int_equal(by_token->status, 200);
	kept = client_open(n.hn, EVENTS, U_VIEWER, NULL);
	assert_int_equal(kept->status, 200);

	hdrs[0] = cookie;
	hdrs[1] = csrf;
	assert_int_equal(send_hdrs(n.hn, "POST", "/api/v1/auth/logout", NULL, hdrs, &r), 204);
	hresp_free(&r);
	assert_true(ended_unauthorized(by_cookie, WAIT_MS));
	assert_int_equal(harness_sql_exec(h, "UPDATE api_tokens SET revoked_at = "
					     "'2026-01-01T00:00:00.000Z' WHERE label = "
					     "'stream-revoked'"),
			 0);
	assert_true(ended_unauthorized(by_token, WAIT_MS));
	/* the reconnection is refused */
	assert_int_equal(hjson(n.hn, "GET", EVENTS, U__MAX, NULL, &r), 401);
	hresp_free(&r);

	/* portal: a person of one company, a request of another */
	acc = create_account(n.hn, "Поток портала");
	other = create_account(n.hn, "Чужая компания потока");
	snprintf(body, sizeof(body),
		 "{\"name\":\"Ольга Поток\",\"emails\":[\"olga.stream@client.test\"]}");
	snprintf(hdr, sizeof(hdr), ACC "/%lld/contacts", (long long)acc);
	j = hcall(n.hn, "POST", hdr, U_OWNER, body, NULL, 201);
	contact = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	snprintf(body, sizeof(body), "{\"contact_id\":%lld}", (long long)contact);
	j = hcall(n.hn, "POST", "/api/v1/workspaces/acme/portal-users", U_OWNER, body, NULL, 201);
	person = json_integer_value(json_object_get(j, "id"));
	link = json_string_value(json_object_get(j, "link"));
	assert_non_null(link);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", strrchr(link, '/') + 1);
	json_decref(j);
	hdrs[0] = "X-Forwarded-For: 10.9.8.7";
	hdrs[1] = NULL;
	assert_int_equal(send_hdrs(n.hn, "POST", "/api/v1/portal/auth/link", body, hdrs, &r), 200);
	cookie_of(&r, pcookie, sizeof(pcookie), pcsrf, sizeof(pcsrf));
	hresp_free(&r);
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"kind\":\"question\",\"subject\":\"Чужой\",\"body\":\"x\"}",
		 (long long)other);
	j = hcall(n.hn, "POST", "/api/v1/workspaces/acme/requests", U_OWNER, body, NULL, 201);
	foreign = json_integer_value(json_object_get(j, "id"));
	json_decref(j);

	assert_int_equal(hjson(n.hn, "GET", "/api/v1/portal/events", U__MAX, NULL, &r), 401);
	hresp_free(&r);
	hdrs[0] = pcookie;
	snprintf(hdr, sizeof(hdr), "/api/v1/portal/events?topic_id=%lld", (long long)foreign);
	assert_int_equal(send_hdrs(n.hn, "GET", hdr, NULL, hdrs, &r), 404);
	hresp_free(&r);
	portal = client_open(n.hn, "/api/v1/portal/events", U__MAX, pcookie);
	assert_int_equal(portal->status, 200);

	hdrs[1] = pcsrf;
	assert_int_equal(send_hdrs(n.hn, "POST", "/api/v1/portal/requests",
				   "{\"kind\":\"question\",\"subject\":\"Поток\",\"body\":\"Где "
				   "счёт?\"}",
				   hdrs, &r),
			 201);
	req = json_integer_value(json_object_get(r.json, "id"));
	hresp_free(&r);
	assert_true(client_wait(portal, "event: request.create\n", WAIT_MS));
	snprintf(hdr, sizeof(hdr), "/api/v1/workspaces/acme/requests/%lld/messages",
		 (long long)req);
	json_decref(hcall(n.hn, "POST", hdr, U_OWNER, "{\"body\":\"заметка\",\"internal\":true}",
			  NULL, 201));
	json_decref(hcall(n.hn, "POST", hdr, U_OWNER, "{\"body\":\"Счёт отправлен\"}", NULL, 201));
	assert_true(client_wait(portal, "event: request.message\n", WAIT_MS));
	assert_int_equal(client_count(portal, "request.note"), 0);
	assert_int_equal(client_count(portal, "Чужой"), 0);

	snprintf(hdr, sizeof(hdr), "/api/v1/workspaces/acme/portal-users/%lld", (long long)person);
	assert_int_equal(hjson(n.hn, "DELETE", hdr, U_OWNER, NULL, &r), 204);
	hresp_free(&r);
	assert_true(ended_unauthorized(portal, WAIT_MS));

	/* the stream whose reader kept access is still there, beating */
	assert_false(kept->done);
	assert_int_equal(client_count(kept, "unauthorized"), 0);
	assert_true(client_wait_count(kept, ": heartbeat\n", 2, WAIT_MS));
	assert_false(kept->done);

	client_close(by_cookie);
	client_close(by_token);
	client_close(kept);
	client_close(portal);
	arena_free(&a);
	node_stop(&n);
}

static void
test_rolled_back_write_sends_nothing(void **state)
{
	int64_t id = create_account(node_a.hn, "Откат");
	struct event e = {.ws_id = h->ws_acme,
			  .entity = "account",
			  .id = id,
			  .account_id = id,
			  .action = "rolled_back",
			  .visibility = EVENT_STAFF};
	struct client *c = client_open(node_a.hn, EVENTS, U_VIEWER, NULL);
	char path[96];
	json_t *j;

	(void)state;
	assert_int_equal(raise_one(&e, false), ADV_OK);
	/* a refused edit writes nothing either */
	snprintf(path, sizeof(path), ACC "/%lld", (long long)id);
	j = hcall(node_a.hn, "PATCH", path, U_OWNER, "{\"status\":\"nonsense\"}", NULL, 422);
	json_decref(j);
	patch_city(node_a.hn, id, "После отката");
	assert_true(client_wait(c, update_needle(id), WAIT_MS));
	assert_int_equal(client_count(c, "rolled_back"), 0);
	assert_int_equal(client_count(c, update_needle(id)), 1);
	assert_int_equal(log_count("account.rolled_back"), 0);
	client_close(c);
}

static void
test_resync_reads_the_log(void **state)
{
	struct client *c = client_open(node_a.hn, EVENTS, U_VIEWER, NULL);
	char sql[512], now[CLOCK_TEXT_MAX];
	struct db_conn *conn;

	(void)state;
	assert_int_equal(c->status, 200);
	/* an event logged behind the bus's back reaches nobody … */
	clock_now_plus(0, now);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO event_log (workspace_id, visibility, type, payload, created_at)"
		 " VALUES (%lld, 'staff', 'note.quiet', '{\"type\":\"note.quiet\",\"workspace_id\":"
		 "%lld,\"visibility\":\"staff\"}', '%s')",
		 (long long)h->ws_acme, (long long)h->ws_acme, now);
	assert_int_equal(harness_sql_exec(h, sql), 0);
	/* … until the bus says events may have been lost: streams read the log */
	assert_int_equal(db_acquire(h->db, &conn), ADV_OK);
	assert_int_equal(db_notify(conn, BUS_RESYNC), ADV_OK);
	db_release(h->db, conn);
	assert_true(client_wait(c, "event: note.quiet\ndata: {\"type\":\"note.quiet\"", WAIT_MS));
	assert_int_equal(client_count(c, "note.quiet\""), 1);
	client_close(c);
}

static void
test_large_event_arrives_whole(void **state)
{
	struct event e = {.ws_id = h->ws_acme,
			  .entity = "note",
			  .id = 1,
			  .action = "large",
			  .visibility = EVENT_STAFF};
	struct client *c = client_open(node_a.hn, EVENTS, U_VIEWER, NULL);
	char *extra = malloc(DB_NOTIFY_MAX + 200);
	size_t n = 0;

	(void)state;
	assert_non_null(extra);
	n += (size_t)sprintf(extra, "{\"text\":\"");
	for (int i = 0; i < DB_NOTIFY_MAX; i++)
		extra[n++] = (char)('a' + i % 26);
	strcpy(extra + n, "end\"}");
	e.extra = extra;
	assert_int_equal(raise_one(&e, true), ADV_OK);
	/* too large for a notification: the stream reads it from the log */
	assert_true(client_wait(c, "end\",\"event_id\":", WAIT_MS));
	assert_int_equal(client_count(c, "event: note.large"), 1);
	free(extra);
	client_close(c);
}

/* Raises n events like e (ids from first) in transactions of EVENTS_TX_MAX. */
static void
raise_many(struct event *e, int first, int n)
{
	for (int i = 0; i < n; i += EVENTS_TX_MAX) {
		struct db_conn *conn;

		assert_int_equal(db_acquire(h->db, &conn), ADV_OK);
		assert_int_equal(db_begin(conn), ADV_OK);
		for (int k = 0; k < EVENTS_TX_MAX && i + k < n; k++) {
			e->id = first + i + k;
			assert_int_equal(events_raise_ex(conn, e), ADV_OK);
		}
		assert_int_equal(db_commit(conn), ADV_OK);
		db_release(h->db, conn);
	}
}

/* True when the ids of c's events grow strictly from start to end. */
static bool
ids_increase(struct client *c)
{
	long long last = 0;
	bool ok = true;

	pthread_mutex_lock(&c->mu);
	for (const char *p = c->buf; p != NULL && (p = strstr(p, "\nid: ")) != NULL; p++) {
		long long id = strtoll(p + 5, NULL, 10);

		if (id <= last)
			ok = false;
		last = id;
	}
	pthread_mutex_unlock(&c->mu);
	return ok;
}

static void
test_long_catch_up_then_live(void **state)
{
	struct event e = {
	    .ws_id = h->ws_acme, .entity = "note", .action = "catchup", .visibility = EVENT_PUBLIC};
	static char extra[10000];
	struct db_conn *conn;
	struct client *c;
	char hdr[64];
	int64_t head;

	(void)state;
	memset(extra, 'y', sizeof(extra));
	memcpy(extra, "{\"pad\":\"", 8);
	strcpy(extra + sizeof(extra) - 3, "\"}");
	e.extra = extra;
	assert_int_equal(db_acquire(h->db, &conn), ADV_OK);
	assert_int_equal(events_head(conn, h->ws_acme, &head), ADV_OK);
	db_release(h->db, conn);
	/*
	 * many batches of the backlog, more than a stalled client's buffers hold
	 * (large events, so that they are few) …
	 */
	raise_many(&e, 1, CATCH_UP_EVENTS);
	snprintf(hdr, sizeof(hdr), "Last-Event-ID: %lld", (long long)head);
	c = client_open_ex(node_a.hn, EVENTS, U_VIEWER, hdr, true);
	assert_int_equal(c->status, 200);
	/* … and live events (carried by the bus) while it is still catching up, its client stalled
	 */
	e.extra = "{\"pad\":\"live\"}";
	raise_many(&e, CATCH_UP_EVENTS + 1, 100);
	client_resume(c);
	if (!client_wait_count(c, "event: note.catchup\n", CATCH_UP_EVENTS + 100, BULK_WAIT_MS))
		fprintf(stderr, "# catch-up: %u of %d events, done %d, last bytes: %.200s\n",
			client_count(c, "event: note.catchup\n"), CATCH_UP_EVENTS + 100, c->done,
			c->len > 200 ? c->buf + c->len - 200 : c->buf);
	assert_int_equal(client_count(c, "event: note.catchup\n"), CATCH_UP_EVENTS + 100);
	assert_true(ids_increase(c));
	client_close(c);
}

static void
test_slow_client_gets_resync(void **state)
{
	struct event e = {.ws_id = h->ws_acme,
			  .entity = "note",
			  .id = 1,
			  .action = "bulk",
			  .visibility = EVENT_STAFF};
	char extra[3100];
	struct client *c = client_open_ex(node_a.hn, EVENTS, U_VIEWER, NULL, true);

	(void)state;
	assert_int_equal(c->status, 200);
	memset(extra, 'x', sizeof(extra));
	memcpy(extra, "{\"pad\":\"", 8);
	strcpy(extra + sizeof(extra) - 3, "\"}");
	e.extra = extra;
	raise_many(&e, 1, SLOW_EVENTS);
	/* the client reads again: what was sent, then the resync, then the end */
	client_resume(c);
	assert_true(client_wait(c, "event: resync\ndata: {\"reason\":\"overflow\"}", BULK_WAIT_MS));
	assert_true(client_until(c, is_done, NULL, WAIT_MS));
	assert_true(client_count(c, "event: note.bulk") < SLOW_EVENTS);
	client_close(c);
}

static void
test_prune(void **state)
{
	static struct db_sql sql_left =
	    DB_SQL("SELECT COUNT(*) FROM event_log WHERE type = 'note.old'");
	char before[CLOCK_TEXT_MAX], sql[512];
	int64_t left = -1, id = create_account(node_a.hn, "Свежая");
	struct db_conn *c;
	struct db_stmt *st;
	unsigned deleted;
	bool row;

	(void)state;
	for (int i = 0; i < 3; i++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO event_log (workspace_id, visibility, type, payload,"
			 " created_at) VALUES (%lld, 'staff', 'note.old', '{}',"
			 " '2001-01-0%dT00:00:00Z')",
			 (long long)h->ws_acme, i + 1);
		assert_int_equal(harness_sql_exec(h, sql), 0);
	}
	clock_now_plus(-EVENTS_RETENTION_S, before);
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	/* the old rows go, but the newest row of the log stays (ids never restart) */
	assert_int_equal(events_prune(c, before, &deleted), ADV_OK);
	assert_int_equal(deleted, 2);
	assert_int_equal(db_prepare(c, &sql_left, &st), ADV_OK);
	assert_int_equal(db_step(st, &row), ADV_OK);
	left = db_col_int(st, 0);
	db_done(st);
	assert_int_equal(left, 1);
	assert_true(log_count("account.create") > 0);
	db_release(h->db, c);
	/* once a newer event exists, the last old one goes too */
	patch_city(node_a.hn, id, "Новая");
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(events_prune(c, before, &deleted), ADV_OK);
	assert_int_equal(deleted, 1);
	db_release(h->db, c);
	assert_int_equal(log_count("note.old"), 0);
	assert_true(log_count("account.update") > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    /* first: the prune looks at the oldest rows only, and later tests add thousands */
	    cmocka_unit_test(test_prune),
	    cmocka_unit_test(test_change_appears_on_stream),
	    cmocka_unit_test(test_foreign_workspace_never_appears),
	    cmocka_unit_test(test_filters_by_account_and_topic),
	    cmocka_unit_test(test_last_event_id_resumes_exactly),
	    cmocka_unit_test(test_two_nodes),
	    cmocka_unit_test(test_who_may_listen),
	    cmocka_unit_test(test_heartbeat_and_stream_limit),
	    cmocka_unit_test(test_stream_ends_with_access),
	    cmocka_unit_test(test_rolled_back_write_sends_nothing),
	    cmocka_unit_test(test_resync_reads_the_log),
	    cmocka_unit_test(test_large_event_arrives_whole),
	    cmocka_unit_test(test_long_catch_up_then_live),
	    cmocka_unit_test(test_slow_client_gets_resync),
	};

	return cmocka_run_group_tests_name("live", tests, setup, teardown);
}
