/*
 * metrics.c — Prometheus counters for the HTTP server (see metrics.h).
 */
#include "http/metrics.h"

#include "db/bus.h"

#include <stdio.h>
#include <stdlib.h>

static const int status_codes[METRICS_STATUS_SLOTS - 1] = {
    200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429, 500, 501, 503, 431};

static const double bucket_le[METRICS_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
						  0.05,	  0.1,	 0.25,	 0.5,	1,    2.5};

static unsigned
status_slot(int status)
{
	for (unsigned i = 0; i < METRICS_STATUS_SLOTS - 1; i++)
		if (status_codes[i] == status)
			return i;
	return METRICS_STATUS_SLOTS - 1;
}

enum adv_err
metrics_init(struct metrics *m, unsigned nroutes)
{
	m->nroutes = nroutes;
	m->count = calloc((size_t)(nroutes + 1) * METRICS_STATUS_SLOTS, sizeof(*m->count));
	for (unsigned i = 0; i <= METRICS_BUCKETS; i++)
		atomic_init(&m->bucket[i], 0);
	atomic_init(&m->sum_us, 0);
	atomic_init(&m->total, 0);
	return m->count == NULL ? ADV_ENOMEM : ADV_OK;
}

void
metrics_release(struct metrics *m)
{
	free(m->count);
	m->count = NULL;
}

void
metrics_observe(struct metrics *m, int route, int status, uint64_t dur_ns)
{
	unsigned r = route < 0 || (unsigned)route >= m->nroutes ? m->nroutes : (unsigned)route;
	double secs = (double)dur_ns / 1e9;
	unsigned b = 0;

	atomic_fetch_add_explicit(&m->count[r * METRICS_STATUS_SLOTS + status_slot(status)], 1,
				  memory_order_relaxed);
	while (b < METRICS_BUCKETS && secs > bucket_le[b])
		b++;
	atomic_fetch_add_explicit(&m->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us, dur_ns / 1000, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->total, 1, memory_order_relaxed);
}

enum adv_err
metrics_render(struct metrics *m, const struct route *routes, unsigned nroutes, struct db *db,
	       struct bus *bus, struct buf *out)
{
	enum adv_err rc = ADV_OK;
	unsigned long long cum = 0;

	rc = buf_puts(out, "# HELP advocate_http_requests_total HTTP requests by route, method "
			   "and status.\n# TYPE advocate_http_requests_total counter\n");
	for (unsigned r = 0; rc == ADV_OK && r <= nroutes; r++) {
		for (unsigned k = 0; rc == ADV_OK && k < METRICS_STATUS_SLOTS; k++) {
			unsigned long long v = atomic_load_explicit(
			    &m->count[r * METRICS_STATUS_SLOTS + k], memory_order_relaxed);
			char code[8];

			if (v == 0)
				continue;
			if (k < METRICS_STATUS_SLOTS - 1)
				snprintf(code, sizeof(code), "%d", status_codes[k]);
			else
				snprintf(code, sizeof(code), "other");
			rc = buf_printf(out,
					"advocate_http_requests_total{route=\"%s\",method=\"%s\","
					"status=\"%s\"} "
					"%llu\n",
					r < nroutes ? routes[r].pattern : "unmatched",
					r < nroutes ? http_method_name(routes[r].method) : "any",
					code, v);
		}
	}
	if (rc == ADV_OK)
		rc = buf_puts(out, "# HELP advocate_http_request_duration_seconds Time to answer "
				   "a request.\n# TYPE advocate_http_request_duration_seconds "
				   "histogram\n");
	for (unsigned b = 0; rc == ADV_OK && b <= METRICS_BUCKETS; b++) {
		cum += atomic_load_explicit(&m->bucket[b], memory_order_relaxed);
		if (b < METRICS_BUCKETS)
			rc = buf_printf(out,
					"advocate_http_request_duration_seconds_bucket{le=\"%g\"} "
					"%llu\n",
					bucket_le[b], cum);
		else
			rc =
			    buf_printf(out,
				       "advocate_http_request_duration_seconds_bucket{le=\"+Inf\"} "
				       "%llu\n",
				       cum);
	}
	if (rc == ADV_OK)
		rc = buf_printf(
		    out,
		    "advocate_http_request_duration_seconds_sum %.6f\n"
		    "advocate_http_request_duration_seconds_count %llu\n"
		    "# HELP advocate_db_pool_connections Database connections in the pool.\n"
		    "# TYPE advocate_db_pool_connections gauge\n"
		    "advocate_db_pool_connections %u\n"
		    "# HELP advocate_db_pool_busy Database connections in use.\n"
		    "# TYPE advocate_db_pool_busy gauge\n"
		    "advocate_db_pool_busy %u\n"
		    "# HELP advocate_build_info Build information.\n"
		    "# TYPE advocate_build_info gauge\n"
		    "advocate_build_info{version=\"%s\",db=\"%s\"} 1\n",
		    (double)atomic_load(&m->sum_us) / 1e6,
		    (unsigned long long)atomic_load(&m->total), db_pool_size(db), db_pool_busy(db),
		    ADVOCATE_VERSION, db_kind(db) == DB_PG ? "postgresql" : "sqlite");
	if (rc == ADV_OK && bus != NULL) {
		uint64_t events;
		bool connected;

		bus_stats(bus, &events, &connected);
		rc = buf_printf(
		    out,
		    "# HELP advocate_bus_events_total Events this node's bus delivered "
		    "(raised on any node).\n"
		    "# TYPE advocate_bus_events_total counter\n"
		    "advocate_bus_events_total %llu\n"
		    "# HELP advocate_bus_connected Whether the bus receives events now.\n"
		    "# TYPE advocate_bus_connected gauge\n"
		    "advocate_bus_connected %d\n",
		    (unsigned long long)events, connected ? 1 : 0);
	}
	return rc;
}
