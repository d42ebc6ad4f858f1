/*
 * cache.h — a bounded in-memory cache of answers for routes flagged
 * ROUTE_CACHEABLE. An entry is keyed by the route, the workspace, the
 * workspace's data version and the query parameters; a write to the
 * workspace raises its version, so entries of older versions are never
 * served again and are overwritten as new answers arrive. Thread-safe.
 */
#ifndef ADV_HTTP_CACHE_H
#define ADV_HTTP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define CACHE_SLOTS	128	   /* entries at most */
#define CACHE_ENTRY_MAX (1u << 20) /* larger answers are not cached */
#define CACHE_KEY_MAX	1024	   /* longer keys are not cached */

struct cache;

/* A new, empty cache; NULL when out of memory. Free with cache_free. */
struct cache *cache_new(void);

/* Frees the cache and its entries. NULL is ignored. */
void cache_free(struct cache *c);

/*
 * Looks key up. On a hit, *body is a malloc'ed copy (the caller frees it) of
 * *len bytes and *ctype the content type (static storage), and true is
 * returned.
 */
bool cache_get(struct cache *c, const char *key, char **body, size_t *len, const char **ctype);

/* Stores a copy of body under key (replacing whatever held its slot); ignores what is too large. */
void cache_put(struct cache *c, const char *key, const char *body, size_t len, const char *ctype);

/* Hits and misses since the start, for /metrics. */
void cache_stats(struct cache *c, uint64_t *hits, uint64_t *misses);

#endif
