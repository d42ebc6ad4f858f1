/*
 * outbound_worker.h — the delivery worker: a thread with a database
 * connection of its own that sends what the outbox (outbox.h) holds —
 * webhook deliveries as signed HTTP POSTs, e-mail through an SMTP server —
 * and retries failures with a growing pause (docs/webhooks.md).
 *
 * Any number of workers may run on one database (one per `advocate serve`
 * node): each claims a due row atomically and holds it for
 * OUTBOUND_LEASE_MS; on PostgreSQL claims skip rows another node holds (FOR
 * UPDATE SKIP LOCKED). A worker that dies while sending leaves the row due
 * again once the claim lapses, so a notification is delivered at least once;
 * receivers tell repeats apart by the delivery id.
 *
 * The worker sleeps up to poll_ms between passes over the queues; a commit
 * that queues something wakes it sooner (through the event bus when it has
 * one, and outbound_wake_all for changes made in this process).
 */
#ifndef ADV_CORE_OUTBOUND_WORKER_H
#define ADV_CORE_OUTBOUND_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

struct bus;

#define OUTBOUND_POLL_MS	    1000	  /* longest sleep between passes */
#define OUTBOUND_BACKOFF_BASE_MS    10000	  /* pause after the first failed attempt */
#define OUTBOUND_BACKOFF_CAP_MS	    3600000	  /* longest pause (before jitter) */
#define OUTBOUND_JITTER_PERCENT	    20		  /* random extra of up to this share */
#define OUTBOUND_ATTEMPTS_MAX	    10		  /* attempts before a row fails for good */
#define OUTBOUND_CONNECT_TIMEOUT_MS 5000	  /* to connect to a receiver or SMTP server */
#define OUTBOUND_TIMEOUT_MS	    10000	  /* for a whole webhook request */
#define OUTBOUND_MAIL_TIMEOUT_MS    30000	  /* for a whole SMTP conversation */
#define OUTBOUND_LEASE_MS	    60000	  /* how long a claim holds a row */
#define OUTBOUND_BATCH		    32		  /* rows of one queue per pass */
#define OUTBOUND_KEEP_S		    (30L * 86400) /* finished rows are kept this long */
#define OUTBOUND_PRUNE_EVERY_S	    3600	  /* how often a worker prunes and sweeps */
#define OUTBOUND_URL_MAX	    512		  /* bytes of an SMTP URL */

struct outbound_config {
	/* The database (as db_open takes it): the worker opens its own connection. */
	const char *db_url;
	/*
	 * The SMTP server, "smtp://host[:port]" or "smtps://…" (user and
	 * password may be in the URL), and the From address; NULL smtp_url:
	 * e-mail stays queued (the worker says so once on stderr).
	 */
	const char *smtp_url;
	const char *mail_from;
	struct bus *bus; /* wakes the worker when another node queues something; may be NULL */
	/* 0 for each: the OUTBOUND_* default. Tests set them low. */
	unsigned poll_ms;
	unsigned backoff_base_ms;
	unsigned backoff_cap_ms;
	unsigned attempts_max;
	bool quiet; /* no lines on stderr */
};

struct outbound_worker;

/*
 * Checks cfg (the SMTP URL's scheme and length, a valid From address when
 * an SMTP URL is given), opens the worker's connection and starts its
 * thread; *out owns the worker (outbound_worker_stop ends it). The strings
 * of cfg are copied; bus, when set, must outlive the worker. Errors:
 * ADV_EINVAL for a bad configuration, the database's errors, ADV_ENOMEM;
 * detail in eb.
 */
enum adv_err outbound_worker_start(const struct outbound_config *cfg, struct outbound_worker **out,
				   struct adv_errbuf *eb);

/*
 * Stops the worker: an attempt in progress is cut short and its row left
 * due again without counting it; joins the thread, closes the connection and
 * frees the worker. NULL is ignored.
 */
void outbound_worker_stop(struct outbound_worker *w);

/* Makes w start a pass now instead of at the end of its sleep. */
void outbound_worker_wake(struct outbound_worker *w);

/* outbound_worker_wake for every worker running in this process. */
void outbound_wake_all(void);

/*
 * How many passes over both queues w has completed since it started: a
 * test that waits until this grows by two knows that everything due before
 * has been looked at.
 */
uint64_t outbound_worker_passes(struct outbound_worker *w);

/*
 * The pause, in milliseconds before jitter, after the attempts-th failed
 * attempt (1 for the first) with base and cap (0: the defaults): base ×
 * 2^(attempts-1), at most cap.
 */
uint64_t outbound_backoff_ms(unsigned attempts, unsigned base_ms, unsigned cap_ms);

#endif
