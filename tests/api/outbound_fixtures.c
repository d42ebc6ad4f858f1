/*
 * outbound_fixtures.c — the local receiver, SMTP sink and worker of the
 * outbound notification tests, and their checks (see outbound_fixtures.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "outbound_fixtures.h"

/* Milliseconds of the wall clock, the one next_attempt_at is written in. */
int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* A listening TCP socket on 127.0.0.1 with an ephemeral port into *port. */
int
listen_local(unsigned *port)
{
	struct sockaddr_in a = {0};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* A port on 127.0.0.1 where nothing listens (bound once, then closed). */
unsigned
dead_port(void)
{
	unsigned port;

	close(listen_local(&port));
	return port;
}

/* Accepts one connection within 50 ms; -1 when none came. */
static int
accept_one(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	struct timeval tv = {10, 0};
	int c;

	if (poll(&p, 1, 50) <= 0)
		return -1;
	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c >= 0)
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return c;
}

static void
send_all(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t k = send(fd, s, n, MSG_NOSIGNAL);

		if (k <= 0)
			return;
		s += k;
		n -= (size_t)k;
	}
}

/* The value of header name in a header block (case-insensitive) into out; false when absent. */
bool
head_value(const char *head, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);

	for (const char *p = strstr(head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n")) {
		const char *v = p + 2;
		size_t len;

		if (strncasecmp(v, name, nl) != 0 || v[nl] != ':')
			continue;
		v += nl + 1;
		while (*v == ' ')
			v++;
		len = strcspn(v, "\r\n");
		if (len >= n)
			len = n - 1;
		memcpy(out, v, len);
		out[len] = '\0';
		return true;
	}
	return false;
}

/* Reads one HTTP request from c into q; false when the connection broke first. */
static bool
rx_read(int c, struct rx_req *q)
{
	size_t got = 0, want;
	char *end = NULL, len[32];

	while (end == NULL) {
		ssize_t k;

		if (got + 1 >= sizeof(q->head))
			return false;
		k = recv(c, q->head + got, sizeof(q->head) - 1 - got, 0);
		if (k <= 0)
			return false;
		got += (size_t)k;
		q->head[got] = '\0';
		end = strstr(q->head, "\r\n\r\n");
	}
	q->at_ms = now_ms();
	want = head_value(q->head, "Content-Length", len, sizeof(len)) ? strtoul(len, NULL, 10) : 0;
	if (want > RX_BODY_MAX || (q->body = calloc(1, want + 1)) == NULL)
		return false;
	q->body_len = got - (size_t)(end + 4 - q->head);
	if (q->body_len > want)
		q->body_len = want;
	memcpy(q->body, end + 4, q->body_len);
	end[2] = '\0'; /* the head keeps the CRLF of its last field */
	while (q->body_len < want) {
		ssize_t k = recv(c, q->body + q->body_len, want - q->body_len, 0);

		if (k <= 0)
			return false;
		q->body_len += (size_t)k;
	}
	return true;
}

static void *
receiver_main(void *arg)
{
	struct receiver *rx = arg;

	while (!atomic_load(&rx->stop)) {
		struct rx_req q;
		int c = accept_one(rx->fd);
		unsigned n;

		if (c < 0)
			continue;
		memset(&q, 0, sizeof(q));
		if (!rx_read(c, &q)) {
			free(q.body);
			close(c);
			continue;
		}
		pthread_mutex_lock(&rx->mu);
		n = rx->n;
		q.answered = n < rx->fail_first ? 500 : 200;
		if (n < RX_MAX) {
			rx->reqs[n] = q;
			rx->n++;
		} else {
			free(q.body);
		}
		pthread_mutex_unlock(&rx->mu);
		send_all(c,
			 q.answered == 200
			     ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
			     : "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n"
			       "Connection: close\r\n\r\nfail");
		close(c);
	}
	return NULL;
}

struct receiver *
receiver_start(unsigned fail_first)
{
	struct receiver *rx = calloc(1, sizeof(*rx));

	assert_non_null(rx);
	rx->fd = listen_local(&rx->port);
	rx->fail_first = fail_first;
	atomic_init(&rx->stop, false);
	pthread_mutex_init(&rx->mu, NULL);
	snprintf(rx->url, sizeof(rx->url), "http://127.0.0.1:%u/hook", rx->port);
	assert_int_equal(pthread_create(&rx->thread, NULL, receiver_main, rx), 0);
	return rx;
}

void
receiver_stop(struct receiver *rx)
{
	atomic_store(&rx->stop, true);
	pthread_join(rx->thread, NULL);
	close(rx->fd);
	for (unsigned i = 0; i < rx->n; i++)
		free(rx->reqs[i].body);
	pthread_mutex_destroy(&rx->mu);
	free(rx);
}

unsigned
receiver_count(struct receiver *rx)
{
	unsigned n;

	pthread_mutex_lock(&rx->mu);
	n = rx->n;
	pthread_mutex_unlock(&rx->mu);
	return n;
}

/* Waits (with the deadline) until rx has recorded at least n requests. */
void
receiver_wait(struct receiver *rx, unsigned n)
{
	int64_t until = now_ms() + WAIT_MS;

	while (receiver_count(rx) < n && now_ms() < until)
		sleep_ms(10);
	if (receiver_count(rx) < n)
		fprintf(stderr, "# the receiver saw %u requests, not %u\n", receiver_count(rx), n);
	assert_true(receiver_count(rx) >= n);
}

/* A line reader over a socket. */
struct lines {
	int fd;
	char buf[4096];
	size_t len;
};

/* The next line without its CRLF into out (n bytes); false when the connection ended. */
static bool
line_read(struct lines *l, char *out, size_t n)
{
	for (;;) {
		char *eol = memchr(l->buf, '\n', l->len);
		ssize_t k;

		if (eol != NULL) {
			size_t len = (size_t)(eol - l->buf) + 1, copy = len;

			while (copy > 0 && (l->buf[copy - 1] == '\n' || l->buf[copy - 1] == '\r'))
				copy--;
			if (copy >= n)
				copy = n - 1;
			memcpy(out, l->buf, copy);
			out[copy] = '\0';
			memmove(l->buf, l->buf + len, l->len - len);
			l->len -= len;
			return true;
		}
		if (l->len == sizeof(l->buf))
			return false;
		k = recv(l->fd, l->buf + l->len, sizeof(l->buf) - l->len, 0);
		if (k <= 0)
			return false;
		l->len += (size_t)k;
	}
}

/* Serves one SMTP connection. */
static void
sink_session(struct sink *s, int c)
{
	struct lines l = {.fd = c};
	struct sink_msg m;
	char line[1024];

	memset(&m, 0, sizeof(m));
	send_all(c, "220 sink.test ESMTP ready\r\n");
	while (line_read(&l, line, sizeof(line))) {
		if (strncasecmp(line, "EHLO", 4) == 0) {
			send_all(c, "250-sink.test\r\n250 8BITMIME\r\n");
		} else if (strncasecmp(line, "HELO", 4) == 0 || strncasecmp(line, "NOOP", 4) == 0 ||
			   strncasecmp(line, "RSET", 4) == 0) {
			send_all(c, "250 OK\r\n");
		} else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
			snprintf(m.from, sizeof(m.from), "%s", line + 10);
			send_all(c, "250 OK\r\n");
		} else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
			snprintf(m.rcpt, sizeof(m.rcpt), "%s", line + 8);
			send_all(c, "250 OK\r\n");
		} else if (strncasecmp(line, "DATA", 4) == 0) {
			size_t len = 0;

			send_all(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
			if ((m.data = calloc(1, SINK_DATA)) == NULL)
				break;
			while (line_read(&l, line, sizeof(line)) && strcmp(line, ".") != 0) {
				const char *t = line[0] == '.' ? line + 1 : line;

				len += (size_t)snprintf(m.data + len, SINK_DATA - len, "%s\r\n", t);
				if (len >= SINK_DATA)
					len = SINK_DATA - 1;
			}
			pthread_mutex_lock(&s->mu);
			if (s->n < SINK_MAX)
				s->msgs[s->n++] = m;
			else
				free(m.data);
			pthread_mutex_unlock(&s->mu);
			memset(&m, 0, sizeof(m));
			send_all(c, "250 OK: queued\r\n");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			send_all(c, "221 Bye\r\n");
			break;
		} else {
			send_all(c, "502 Command not implemented\r\n");
		}
	}
	free(m.data);
}

static void *
sink_main(void *arg)
{
	struct sink *s = arg;

	while (!atomic_load(&s->stop)) {
		int c = accept_one(s->fd);

		if (c < 0)
			continue;
		sink_session(s, c);
		close(c);
	}
	return NULL;
}

struct sink *
sink_start(void)
{
	struct sink *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->fd = listen_local(&s->port);
	atomic_init(&s->stop, false);
	pthread_mutex_init(&s->mu, NULL);
	snprintf(s->url, sizeof(s->url), "smtp://127.0.0.1:%u", s->port);
	assert_int_equal(pthread_create(&s->thread, NULL, sink_main, s), 0);
	return s;
}

void
sink_stop(struct sink *s)
{
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	close(s->fd);
	for (unsigned i = 0; i < s->n; i++)
		free(s->msgs[i].data);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

unsigned
sink_count(struct sink *s)
{
	unsigned n;

	pthread_mutex_lock(&s->mu);
	n = s->n;
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* Asserts that the X-Advocate-Signature of q is the HMAC-SHA256 of "timestamp.body". */
void
check_signature(const struct rx_req *q, const char *secret)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char stamp[32], sig[128], want[128] = "sha256=";

	assert_true(head_value(q->head, "X-Advocate-Timestamp", stamp, sizeof(stamp)));
	assert_true(head_value(q->head, "X-Advocate-Signature", sig, sizeof(sig)));
	assert_true(strtoll(stamp, NULL, 10) > 1700000000);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)stamp, strlen(stamp));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)q->body, q->body_len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(want + 7, sizeof(want) - 7, mac, sizeof(mac));
	assert_string_equal(sig, want);
}

/* The decoded text of a Subject field's value (RFC 2047 B words, folded) into out. */
void
subject_decode(const char *v, char *out, size_t n)
{
	size_t len = 0;

	while (*v != '\0') {
		const char *start = strstr(v, "=?UTF-8?B?"), *end;
		unsigned char raw[128];
		size_t rawlen = 0;

		if (start == NULL)
			break;
		start += 10;
		end = strstr(start, "?=");
		assert_non_null(end);
		assert_int_equal(sodium_base642bin(raw, sizeof(raw), start, (size_t)(end - start),
						   NULL, &rawlen, NULL,
						   sodium_base64_VARIANT_ORIGINAL),
				 0);
		assert_true(len + rawlen < n);
		memcpy(out + len, raw, rawlen);
		len += rawlen;
		v = end + 2;
	}
	out[len] = '\0';
}

/* The unfolded value of header name in message into out. */
void
mail_header(const char *msg, const char *name, char *out, size_t n)
{
	const char *end = strstr(msg, "\r\n\r\n"), *p = msg;
	size_t nl = strlen(name), len = 0;

	assert_non_null(end);
	while (p < end && !(strncasecmp(p, name, nl) == 0 && p[nl] == ':'))
		p = strstr(p, "\r\n") + 2;
	assert_true(p < end);
	p += nl + 1;
	while (*p == ' ')
		p++;
	while (p < end && len + 1 < n) {
		if (p[0] == '\r' && p[1] == '\n') {
			if (p[2] != ' ' && p[2] != '\t')
				break;
			p += 3;
			continue;
		}
		out[len++] = *p++;
	}
	out[len] = '\0';
}

/* The decoded Subject of message msg into out: encoded-words decoded, plain text as it is. */
static void
subject_of(const char *msg, char *out, size_t n)
{
	char value[1024];

	mail_header(msg, "Subject", value, sizeof(value));
	if (strncmp(value, "=?UTF-8?B?", 10) == 0)
		subject_decode(value, out, n);
	else
		snprintf(out, n, "%s", value);
}

const struct sink_msg *
sink_wait_for(struct sink *s, const char *rcpt, const char *needle)
{
	int64_t until = now_ms() + WAIT_MS;
	char want[300], subject[1024];
	unsigned seen = 0;

	snprintf(want, sizeof(want), "<%s>", rcpt);
	for (;;) {
		unsigned n = sink_count(s);

		/* Recorded messages never change: read them without the lock. */
		for (unsigned i = 0; i < n; i++) {
			const struct sink_msg *m = &s->msgs[i];

			if (strcmp(m->rcpt, want) != 0)
				continue;
			subject_of(m->data, subject, sizeof(subject));
			if (strstr(subject, needle) != NULL)
				return m;
		}
		if (now_ms() >= until)
			break;
		seen = n;
		sleep_ms(10);
	}
	fprintf(stderr, "# no message to %s about \"%s\" among %u\n", rcpt, needle, seen);
	fail();
	return NULL;
}

struct outbound_worker *
outbound_test_worker(const char *db_url, const char *smtp_url)
{
	struct outbound_config cfg = {
	    .db_url = db_url,
	    .smtp_url = smtp_url,
	    .mail_from = T_MAIL_FROM,
	    .poll_ms = T_POLL_MS,
	    .backoff_base_ms = T_BASE_MS,
	    .backoff_cap_ms = T_CAP_MS,
	    .attempts_max = T_ATTEMPTS,
	    .quiet = true,
	};
	struct adv_errbuf eb = {{0}, {0}};
	struct outbound_worker *w = NULL;

	if (outbound_worker_start(&cfg, &w, &eb) != ADV_OK)
		fprintf(stderr, "# worker: %s\n", eb.msg);
	assert_non_null(w);
	return w;
}

char *
mail_body(const char *msg)
{
	const char *text = strstr(msg, "\r\n\r\n");
	unsigned char *decoded;
	size_t dlen = 0, k = 0;

	assert_non_null(text);
	text += 4;
	decoded = calloc(1, strlen(text) + 1);
	assert_non_null(decoded);
	assert_int_equal(sodium_base642bin(decoded, strlen(text), text, strlen(text), "\r\n", &dlen,
					   NULL, sodium_base64_VARIANT_ORIGINAL),
			 0);
	for (size_t i = 0; i < dlen; i++)
		if (decoded[i] != '\r')
			decoded[k++] = decoded[i];
	decoded[k] = '\0';
	return (char *)decoded;
}
