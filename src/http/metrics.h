/*
 * metrics.h — request counters by route and status and a latency histogram,
 * updated with atomics from every server thread and rendered as Prometheus
 * text for GET /metrics.
 */
#ifndef ADV_HTTP_METRICS_H
#define ADV_HTTP_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "http/http.h"

enum { METRICS_STATUS_SLOTS = 20, METRICS_BUCKETS = 12 };

struct metrics {
	unsigned nroutes;     /* routes; slot nroutes counts unmatched requests */
	atomic_ullong *count; /* [(nroutes + 1) * METRICS_STATUS_SLOTS] */
	atomic_ullong bucket[METRICS_BUCKETS + 1]; /* cumulative at render time; last is +Inf */
	atomic_ullong sum_us;
	atomic_ullong total;
};

/* Prepares counters for nroutes routes. */
enum adv_err metrics_init(struct metrics *m, unsigned nroutes);

/* Frees the counters. */
void metrics_release(struct metrics *m);

/* Counts one finished request: route index (-1 when none matched), status, duration. */
void metrics_observe(struct metrics *m, int route, int status, uint64_t dur_ns);

/* Appends the Prometheus exposition of m, the pool, the event bus (may be NULL) and the build to
 * out. */
enum adv_err metrics_render(struct metrics *m, const struct route *routes, unsigned nroutes,
			    struct db *db, struct bus *bus, struct buf *out);

#endif
