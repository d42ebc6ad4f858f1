/*
 * outbound_fixtures.h — the peers of the outbound notification tests
 * (test_outbound.c, test_request_notify.c): a local HTTP receiver that
 * records the webhook deliveries it gets (answering 500 to the first ones
 * when asked, to exercise retries), a local SMTP sink that records the
 * messages a worker sends, the delivery worker with quick test settings,
 * and the checks both tests make — the signature of a delivery, the header
 * fields, subject and body of a message. Every wait is for an outcome, with
 * the WAIT_MS deadline; none bounds a time from above.
 */
#ifndef ADV_TESTS_OUTBOUND_FIXTURES_H
#define ADV_TESTS_OUTBOUND_FIXTURES_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/outbound_worker.h"

#define WAIT_MS	    60000 /* deadline of every wait for an outcome */
#define RX_MAX	    128	  /* requests one receiver records */
#define RX_HEAD_MAX 8192  /* bytes of a request's header block */
#define RX_BODY_MAX 65536 /* bytes of a request's body */
#define SINK_MAX    64	  /* messages the SMTP sink records */
#define SINK_DATA   65536 /* bytes of one message */

/* The worker's settings in the tests: quick polls, pauses of 200, 400, 800 ms, 4 attempts. */
#define T_POLL_MS     20
#define T_BASE_MS     200
#define T_CAP_MS      2000
#define T_ATTEMPTS    4
#define T_MAIL_FROM   "noreply@advocate.test"
#define T_CLOCK_SLACK 2 /* ms lost to next_attempt_at's millisecond text */

/* One request the receiver saw. */
struct rx_req {
	char head[RX_HEAD_MAX]; /* request line and header fields */
	char *body;		/* malloc'ed, NUL-terminated */
	size_t body_len;
	int64_t at_ms; /* when its header arrived */
	int answered;  /* the status sent back */
};

/* A local HTTP receiver: answers 500 to the first fail_first requests, then 200. */
struct receiver {
	int fd;
	unsigned port;
	pthread_t thread;
	atomic_bool stop;
	pthread_mutex_t mu;
	unsigned fail_first;
	unsigned n; /* requests recorded (under mu) */
	struct rx_req reqs[RX_MAX];
	char url[64];
};

/* One message the SMTP sink received. */
struct sink_msg {
	char from[256], rcpt[256];
	char *data; /* malloc'ed, without the final ".": the message as sent */
};

/* A local SMTP server speaking enough of RFC 5321 for libcurl. */
struct sink {
	int fd;
	unsigned port;
	pthread_t thread;
	atomic_bool stop;
	pthread_mutex_t mu;
	unsigned n;
	struct sink_msg msgs[SINK_MAX];
	char url[64];
};

/* Milliseconds of the wall clock, the one next_attempt_at is written in. */
int64_t now_ms(void);

void sleep_ms(unsigned ms);

/* A listening TCP socket on 127.0.0.1 with an ephemeral port into *port. */
int listen_local(unsigned *port);

/* A port on 127.0.0.1 where nothing listens (bound once, then closed). */
unsigned dead_port(void);

/* The value of header name in a header block (case-insensitive) into out; false when absent. */
bool head_value(const char *head, const char *name, char *out, size_t n);

/* Starts a receiver that answers 500 to the first fail_first requests, then 200. */
struct receiver *receiver_start(unsigned fail_first);

/* Stops rx and frees what it recorded. */
void receiver_stop(struct receiver *rx);

/* The requests rx has recorded. */
unsigned receiver_count(struct receiver *rx);

/* Waits (with the deadline) until rx has recorded at least n requests; asserts it did. */
void receiver_wait(struct receiver *rx, unsigned n);

/* Starts an SMTP sink on 127.0.0.1 (its URL in s->url). */
struct sink *sink_start(void);

/* Stops s and frees what it recorded. */
void sink_stop(struct sink *s);

/* The messages s has recorded. */
unsigned sink_count(struct sink *s);

/*
 * Waits (with the deadline) until s holds a message to rcpt (the bare
 * address) whose decoded Subject contains needle; asserts that one came and
 * returns it (owned by s, valid until sink_stop).
 */
const struct sink_msg *sink_wait_for(struct sink *s, const char *rcpt, const char *needle);

/*
 * Starts a delivery worker on the database at db_url with the T_* settings:
 * with the SMTP sink at smtp_url, or without mail (NULL). Asserts it started.
 */
struct outbound_worker *outbound_test_worker(const char *db_url, const char *smtp_url);

/* Asserts that the X-Advocate-Signature of q is the HMAC-SHA256 of "timestamp.body". */
void check_signature(const struct rx_req *q, const char *secret);

/* The decoded text of a Subject field's value (RFC 2047 B words, folded) into out. */
void subject_decode(const char *v, char *out, size_t n);

/* The unfolded value of header name in message into out. */
void mail_header(const char *msg, const char *name, char *out, size_t n);

/*
 * The body of message msg (base64, as the worker sends it) decoded, with
 * CRLF line breaks made LF: a malloc'ed string the caller frees.
 */
char *mail_body(const char *msg);

#endif
