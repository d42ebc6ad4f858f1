/*
 * cache.c — the answer cache (see cache.h): a fixed table of slots chosen by
 * the key's hash, each guarded by its own lock, so that lookups of different
 * keys do not wait on one another.
 */
#include "http/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct cache_slot {
	pthread_mutex_t mu;
	char *key;
	char *body;
	size_t len;
	const char *ctype;
};

struct cache {
	struct cache_slot slots[CACHE_SLOTS];
	atomic_ullong hits;
	atomic_ullong misses;
};

/* FNV-1a of s. */
static uint64_t
key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

struct cache *
cache_new(void)
{
	struct cache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		pthread_mutex_init(&c->slots[i].mu, NULL);
	atomic_init(&c->hits, 0);
	atomic_init(&c->misses, 0);
	return c;
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		free(c->slots[i].key);
		free(c->slots[i].body);
		pthread_mutex_destroy(&c->slots[i].mu);
	}
	free(c);
}

bool
cache_get(struct cache *c, const char *key, char **body, size_t *len, const char **ctype)
{
	struct cache_slot *s = &c->slots[key_hash(key) % CACHE_SLOTS];
	bool hit = false;

	pthread_mutex_lock(&s->mu);
	if (s->key != NULL && strcmp(s->key, key) == 0 && (*body = malloc(s->len + 1)) != NULL) {
		memcpy(*body, s->body, s->len);
		(*body)[s->len] = '\0';
		*len = s->len;
		*ctype = s->ctype;
		hit = true;
	}
	pthread_mutex_unlock(&s->mu);
	atomic_fetch_add_explicit(hit ? &c->hits : &c->misses, 1, memory_order_relaxed);
	return hit;
}

void
cache_put(struct cache *c, const char *key, const char *body, size_t len, const char *ctype)
{
	struct cache_slot *s = &c->slots[key_hash(key) % CACHE_SLOTS];
	char *k, *b;

	if (len > CACHE_ENTRY_MAX || strlen(key) >= CACHE_KEY_MAX)
		return;
	k = strdup(key);
	b = malloc(len ? len : 1);
	if (k == NULL || b == NULL) {
		free(k);
		free(b);
		return;
	}
	memcpy(b, body, len);
	pthread_mutex_lock(&s->mu);
	free(s->key);
	free(s->body);
	s->key = k;
	s->body = b;
	s->len = len;
	s->ctype = ctype;
	pthread_mutex_unlock(&s->mu);
}

void
cache_stats(struct cache *c, uint64_t *hits, uint64_t *misses)
{
	*hits = atomic_load(&c->hits);
	*misses = atomic_load(&c->misses);
}
