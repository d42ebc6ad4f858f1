/*
 * sse.c — the live events benchmark (issue 7): one server node in this
 * process on a fresh SQLite database with a workspace, its event bus and a
 * 2-thread epoll pool; N clients (default 1,000) hold
 * GET /api/v1/workspaces/{ws}/events open on raw non-blocking sockets
 * watched with one epoll. Measured:
 *
 *   1. fan-out: R rounds (default 20) of one PATCH of an account, each timed
 *      from sending the PATCH until every client has received its event
 *      (the round's time; p50 and p99 over the rounds), and the time each
 *      client got it (p50 and p99 over all clients of all rounds);
 *   2. writes: PATCHes one after another on one keep-alive connection for S
 *      seconds (default 5), first with no stream open, then with the N
 *      streams open and drained by a reader thread; changes per second of
 *      each and their ratio.
 *
 *   sse DB_PATH [--clients N] [--rounds R] [--seconds S]
 *
 * DB_PATH is a SQLite file that does not exist yet. Raises RLIMIT_NOFILE to
 * fit the sockets of both ends. Prints the figures; exit status 0, 1 when
 * something failed (a client not served, an answer not 200), 2 for a usage
 * error. Not part of the test suite: run by bench/sse.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/routes.h"
#include "core/identity.h"
#include "db/bus.h"
#include "db/db.h"
#include "db/migrate.h"
#include "http/http.h"
#include "http/sse.h"
#include "util/arena.h"

#define BENCH_SLUG     "bench"
#define BENCH_EMAIL    "owner@bench.test"
#define BENCH_CLIENTS  1000
#define BENCH_ROUNDS   20
#define BENCH_SECONDS  5
#define BENCH_MAX      100000
#define BENCH_WAIT_S   30 /* deadline for the clients of one round, or to connect */
#define BENCH_READ_BUF 65536
#define NEEDLE	       "event: account.update\n"
#define NEEDLE_LEN     (sizeof(NEEDLE) - 1)

/* One stream client. */
struct client {
	int fd;
	bool ready;	       /* the stream's first bytes (the retry hint) came */
	unsigned seen;	       /* account.update events received */
	unsigned want;	       /* what seen must reach in the current round */
	char tail[NEEDLE_LEN]; /* the end of the last read, for a needle across reads */
	size_t tail_len;
	double got_at; /* when the current round's event came */
};

static struct client *clients;
static unsigned nclients;
static int ep = -1;
static char token[128];
static unsigned port;
static atomic_bool drain_stop;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of v[0..n), sorted here (nearest rank). */
static double
quantile(double *v, size_t n, double q)
{
	size_t i;

	qsort(v, n, sizeof(*v), cmp_double);
	i = (size_t)(q * (double)n + 0.999999);
	return v[i == 0 ? 0 : (i > n ? n - 1 : i - 1)];
}

/* A blocking TCP connection to the server, or -1. */
static int
dial(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Writes all of p or fails. */
static bool
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/*
 * Sends one request with a JSON body on the keep-alive connection fd and
 * reads its answer (Content-Length bodies only); returns the status, or -1.
 * The body goes to out (n bytes, NUL-terminated) when out is not NULL.
 */
static int
http_call(int fd, const char *method, const char *path, const char *body, char *out, size_t n)
{
	char req[1024], buf[16384];
	size_t len = 0, need = 0;
	int status = -1, k;
	char *end, *cl;

	k = snprintf(req, sizeof(req),
		     "%s %s HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer %s\r\n"
		     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
		     method, path, token, strlen(body), body);
	if (k < 0 || (size_t)k >= sizeof(req) || !send_all(fd, req, (size_t)k))
		return -1;
	for (;;) {
		ssize_t r = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);

		if (r <= 0)
			return -1;
		len += (size_t)r;
		buf[len] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) == NULL)
			continue;
		if (status < 0) {
			sscanf(buf, "HTTP/1.1 %d", &status);
			cl = strcasestr(buf, "\r\nContent-Length:");
			need = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
		}
		if (len >= need)
			break;
		if (len + 1 >= sizeof(buf))
			return -1;
	}
	if (out != NULL)
		snprintf(out, n, "%s", end + 4);
	return status;
}

/* Counts the needle in what client c just read (data, n bytes), across reads. */
static void
client_scan(struct client *c, const char *data, size_t n)
{
	char joined[NEEDLE_LEN * 2];
	size_t head = n < NEEDLE_LEN - 1 ? n : NEEDLE_LEN - 1;
	const char *p;

	/* a needle split between the previous read and this one */
	memcpy(joined, c->tail, c->tail_len);
	memcpy(joined + c->tail_len, data, head);
	for (p = joined; (size_t)(p - joined) + NEEDLE_LEN <= c->tail_len + head; p++)
		if (memcmp(p, NEEDLE, NEEDLE_LEN) == 0 && (size_t)(p - joined) < c->tail_len)
			c->seen++;
	for (p = data; (p = memmem(p, n - (size_t)(p - data), NEEDLE, NEEDLE_LEN)) != NULL; p++)
		c->seen++;
	if (!c->ready && memmem(data, n, "retry:", 6) != NULL)
		c->ready = true;
	if (n >= NEEDLE_LEN - 1) {
		c->tail_len = NEEDLE_LEN - 1;
		memcpy(c->tail, data + n - c->tail_len, c->tail_len);
	} else {
		size_t keep = c->tail_len + n > NEEDLE_LEN - 1 ? NEEDLE_LEN - 1 - n : c->tail_len;

		memmove(c->tail, c->tail + c->tail_len - keep, keep);
		memcpy(c->tail + keep, data, n);
		c->tail_len = keep + n;
	}
}

/*
 * Reads whatever the clients have for up to ms; returns how many clients
 * were read. A client whose connection ended is counted as gone (fd -1).
 */
static unsigned
clients_poll(int ms)
{
	struct epoll_event evs[256];
	static char buf[BENCH_READ_BUF];
	int n = epoll_wait(ep, evs, 256, ms);

	for (int i = 0; i < n; i++) {
		struct client *c = &clients[evs[i].data.u32];

		for (;;) {
			ssize_t r = recv(c->fd, buf, sizeof(buf), 0);

			if (r > 0) {
				unsigned before = c->seen;

				client_scan(c, buf, (size_t)r);
				if (c->seen > before && c->got_at == 0)
					c->got_at = now_s();
				continue;
			}
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (r < 0 && errno == EINTR)
				continue;
			epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
			close(c->fd);
			c->fd = -1;
			break;
		}
	}
	return n > 0 ? (unsigned)n : 0;
}

/* Opens the N streams; false when not all of them are served within the deadline. */
static bool
clients_open(void)
{
	char req[512];
	int k = snprintf(req, sizeof(req),
			 "GET /api/v1/workspaces/" BENCH_SLUG "/events HTTP/1.1\r\nHost: bench\r\n"
			 "Authorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n",
			 token);
	double until = now_s() + BENCH_WAIT_S;
	unsigned ready = 0;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return false;
	for (unsigned i = 0; i < nclients; i++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
		struct client *c = &clients[i];

		if ((c->fd = dial()) < 0 || !send_all(c->fd, req, (size_t)k)) {
			fprintf(stderr, "sse: client %u cannot connect: %s\n", i, strerror(errno));
			return false;
		}
		if (fcntl(c->fd, F_SETFL, O_NONBLOCK) != 0 ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
			return false;
		if (i % 64 == 63)
			clients_poll(0);
	}
	while (now_s() < until) {
		ready = 0;
		for (unsigned i = 0; i < nclients; i++)
			ready += clients[i].ready && clients[i].fd >= 0;
		if (ready == nclients)
			return true;
		clients_poll(100);
	}
	fprintf(stderr, "sse: only %u of %u streams were served\n", ready, nclients);
	return false;
}

/* The drain thread: reads the streams while the writer measures. */
static void *
drain(void *arg)
{
	(void)arg;
	while (!atomic_load(&drain_stop))
		clients_poll(50);
	return NULL;
}

/* PATCHes account id on fd for seconds; the changes per second, or -1 on a failure. */
static double
write_rate(int fd, int64_t id, double seconds)
{
	char path[128], body[96];
	double t0 = now_s(), t;
	unsigned n = 0;

	snprintf(path, sizeof(path), "/api/v1/workspaces/" BENCH_SLUG "/accounts/%lld",
		 (long long)id);
	do {
		snprintf(body, sizeof(body), "{\"city\":\"rate %u\"}", n);
		if (http_call(fd, "PATCH", path, body, NULL, 0) != 200)
			return -1;
		n++;
		t = now_s();
	} while (t - t0 < seconds);
	return (double)n / (t - t0);
}

/* Migrates the database and adds the workspace, its owner and the owner's token. */
static bool
prepare(struct db *db)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct db_conn *c = NULL;
	struct arena a;
	const char *tok = NULL;
	int64_t ws, user;
	unsigned applied;
	bool ok = false;

	arena_init(&a, 0);
	if (migrate_apply(db, &applied, &eb) != ADV_OK || db_acquire(db, &c) != ADV_OK)
		goto out;
	if (identity_workspace_add(c, BENCH_SLUG, "Bench", &ws, &eb) != ADV_OK ||
	    identity_user_add(c, BENCH_EMAIL, "Bench", "bench-password", false, &user, &eb) !=
		ADV_OK ||
	    identity_membership_set(c, ws, user, ROLE_OWNER) != ADV_OK ||
	    identity_token_create(c, &a, BENCH_EMAIL, "bench", &tok, &eb) != ADV_OK)
		goto out;
	snprintf(token, sizeof(token), "%s", tok);
	ok = true;
out:
	if (!ok)
		fprintf(stderr, "sse: preparing the database: %s\n", eb.msg);
	db_release(db, c);
	arena_free(&a);
	return ok;
}

/* Raises the open-file limit to the hard limit; false when it stays below need. */
static bool
raise_nofile(rlim_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return false;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need;
}

/* A whole-number option value from 1 to max into *out; false when malformed. */
static bool
opt_num(const char *v, unsigned max, unsigned *out)
{
	char *end;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;

	if (v == NULL || *end != '\0' || n == 0 || n > max)
		return false;
	*out = (unsigned)n;
	return true;
}

int
main(int argc, char **argv)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct server_config cfg = {
	    .listen = "127.0.0.1:0",
	    .threads = 2,
	    .body_max = HTTP_BODY_MAX_DEFAULT,
	    .body_raw_max = HTTP_BODY_MAX_DEFAULT,
	    .conn_timeout = 60,
	    .conn_memory = 64 * 1024,
	    .session_idle = 3600,
	    .session_max = 86400,
	};
	unsigned rounds = BENCH_ROUNDS, seconds = BENCH_SECONDS, nroutes, bad = 0;
	struct db *db = NULL;
	struct bus *bus = NULL;
	struct server *srv = NULL;
	const struct route *routes;
	double *round_s = NULL, *client_s = NULL, rate0, rate_n;
	size_t nclient_s = 0;
	pthread_t drainer;
	char answer[4096], path[128];
	int64_t account = 0;
	int wfd = -1, status = 1;

	nclients = BENCH_CLIENTS;
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: sse DB_PATH [--clients N] [--rounds R] [--seconds S]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool ok = strcmp(argv[i], "--clients") == 0   ? opt_num(v, BENCH_MAX, &nclients)
			  : strcmp(argv[i], "--rounds") == 0  ? opt_num(v, BENCH_MAX, &rounds)
			  : strcmp(argv[i], "--seconds") == 0 ? opt_num(v, 3600, &seconds)
							      : false;

		if (!ok) {
			fprintf(stderr, "sse: bad option %s (--clients N --rounds R --seconds S)\n",
				argv[i]);
			return 2;
		}
		i++;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!raise_nofile((rlim_t)nclients * 2 + 256)) {
		fprintf(stderr, "sse: the open-file limit is below the %u needed\n",
			nclients * 2 + 256);
		return 1;
	}
	clients = calloc(nclients, sizeof(*clients));
	round_s = calloc(rounds, sizeof(*round_s));
	client_s = calloc((size_t)rounds * nclients, sizeof(*client_s));
	if (clients == NULL || round_s == NULL || client_s == NULL)
		goto out;
	for (unsigned i = 0; i < nclients; i++)
		clients[i].fd = -1;
	cfg.conn_limit = nclients + 256;
	cfg.per_ip_limit = nclients + 256;
	cfg.streams_max = nclients + 16;
	if (db_open(argv[1], cfg.threads + 2, &db, &eb) != ADV_OK || !prepare(db) ||
	    bus_open(db, argv[1], &bus, &eb) != ADV_OK)
		goto out;
	cfg.bus = bus;
	routes = api_routes(&nroutes);
	if (server_start(&cfg, db, routes, nroutes, &srv, &eb) != ADV_OK)
		goto out;
	port = server_port(srv);
	if ((wfd = dial()) < 0 ||
	    http_call(wfd, "POST", "/api/v1/workspaces/" BENCH_SLUG "/accounts",
		      "{\"name\":\"Bench client\"}", answer, sizeof(answer)) != 201 ||
	    strstr(answer, "\"id\":") == NULL) {
		fprintf(stderr, "sse: cannot create the account\n");
		goto out;
	}
	account = strtoll(strstr(answer, "\"id\":") + 5, NULL, 10);
	snprintf(path, sizeof(path), "/api/v1/workspaces/" BENCH_SLUG "/accounts/%lld",
		 (long long)account);

	printf("== live events: 1 node on SQLite, 2 server threads, %u streams, %u rounds, "
	       "%u s of writes\n",
	       nclients, rounds, seconds);
	fflush(stdout);
	if ((rate0 = write_rate(wfd, account, seconds)) < 0)
		goto out;
	printf("  writes with 0 streams open: %.0f changes/s\n", rate0);
	fflush(stdout);

	if (!clients_open())
		goto out;
	printf("  %u streams open (the server holds %u)\n", nclients, sse_count(srv));
	for (unsigned k = 0; k < rounds; k++) {
		char body[64];
		double t0, until, last = 0;
		unsigned done = 0;

		clients_poll(0);
		for (unsigned i = 0; i < nclients; i++) {
			clients[i].got_at = 0;
			clients[i].want = clients[i].seen + 1;
		}
		snprintf(body, sizeof(body), "{\"city\":\"round %u\"}", k);
		t0 = now_s();
		if (http_call(wfd, "PATCH", path, body, NULL, 0) != 200)
			goto out;
		until = t0 + BENCH_WAIT_S;
		while (now_s() < until) {
			done = 0;
			for (unsigned i = 0; i < nclients; i++)
				done += clients[i].fd >= 0 && clients[i].seen >= clients[i].want;
			if (done == nclients)
				break;
			clients_poll(5);
		}
		if (done < nclients) {
			fprintf(stderr, "sse: round %u: only %u of %u clients got the event\n", k,
				done, nclients);
			bad++;
			goto out;
		}
		for (unsigned i = 0; i < nclients; i++) {
			double d = clients[i].got_at - t0;

			client_s[nclient_s++] = d;
			if (d > last)
				last = d;
		}
		round_s[k] = last;
	}
	atomic_store(&drain_stop, false);
	if (pthread_create(&drainer, NULL, drain, NULL) != 0)
		goto out;
	rate_n = write_rate(wfd, account, seconds);
	atomic_store(&drain_stop, true);
	pthread_join(drainer, NULL);
	if (rate_n < 0)
		goto out;
	for (unsigned i = 0; i < nclients; i++)
		bad += clients[i].fd < 0;
	printf("  writes with %u streams open: %.0f changes/s (streams dropped meanwhile: %u)\n",
	       nclients, rate_n, bad);
	printf("== results\n");
	printf("  a change reaching all %u clients: p50 %.2f ms, p99 %.2f ms (over %u rounds)\n",
	       nclients, quantile(round_s, rounds, 0.5) * 1e3,
	       quantile(round_s, rounds, 0.99) * 1e3, rounds);
	printf(
	    "  a change reaching one client:     p50 %.2f ms, p99 %.2f ms (over %zu deliveries)\n",
	    quantile(client_s, nclient_s, 0.5) * 1e3, quantile(client_s, nclient_s, 0.99) * 1e3,
	    nclient_s);
	printf("  changes/s with %u streams / with 0: %.0f / %.0f = %.2f\n", nclients, rate_n,
	       rate0, rate_n / rate0);
	status = bad == 0 ? 0 : 1;
out:
	if (status != 0 && eb.msg[0] != '\0')
		fprintf(stderr, "sse: %s\n", eb.msg);
	for (unsigned i = 0; clients != NULL && i < nclients; i++)
		if (clients[i].fd >= 0)
			close(clients[i].fd);
	if (wfd >= 0)
		close(wfd);
	if (ep >= 0)
		close(ep);
	server_stop(srv, 2000);
	bus_close(bus);
	db_close(db);
	free(clients);
	free(round_s);
	free(client_s);
	return status;
}
