/*
 * server_impl.h — the server's private state, shared by server.c and
 * metrics.c only.
 */
#ifndef ADV_HTTP_SERVER_IMPL_H
#define ADV_HTTP_SERVER_IMPL_H

#include <stdatomic.h>
#include <stdbool.h>

#include "http/cache.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/proxy.h"

struct MHD_Daemon;

struct server {
	struct server_config cfg;
	struct db *db;
	const struct route *routes;
	unsigned nroutes;
	struct MHD_Daemon *daemon;
	unsigned port;
	unsigned instance_tag;
	atomic_ullong req_seq;
	atomic_int in_flight;
	atomic_bool draining;
	struct metrics metrics;
	struct cache *cache;
	struct proxy_list proxies; /* parsed cfg.trusted_proxy */
};

#endif
