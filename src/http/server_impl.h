/*
 * server_impl.h — the server's private state, shared by server.c, metrics.c
 * and sse.c only.
 */
#ifndef ADV_HTTP_SERVER_IMPL_H
#define ADV_HTTP_SERVER_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "http/cache.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/proxy.h"
#include "http/sse.h"

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
	struct sse_set *sse;	   /* the live event streams (sse.c) */
	/* The CSP of frameable answers (cfg.frame_ancestors); "" when they have the default. */
	char csp_frameable[FRAME_ANCESTORS_MAX + 256];
	pthread_mutex_t ext_mu; /* guards ext */
	struct {
		const void *key;
		void *obj;
		void (*release)(void *obj);
	} ext[SERVER_EXT_MAX]; /* server_ext's objects; key NULL = free */
};

#endif
