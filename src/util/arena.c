/*
 * arena.c — block-chained region allocator (see arena.h).
 *
 * Blocks grow geometrically from 4 KiB to 1 MiB; an allocation larger than a
 * block gets a block of its own. Nothing is ever freed individually.
 */
#include "util/arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_MIN (4u * 1024u)
#define ARENA_BLOCK_MAX (1024u * 1024u)

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes in data[] */
	size_t off;  /* first free byte */
	alignas(max_align_t) unsigned char data[];
};

void
arena_init(struct arena *a, size_t limit)
{
	a->head = NULL;
	a->used_total = 0;
	a->limit = limit;
}

void
arena_free(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	while (b != NULL) {
		next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used_total = 0;
}

void
arena_reset(struct arena *a)
{
	struct arena_block *keep = a->head, *b, *next;

	if (keep == NULL)
		return;
	for (b = keep->next; b != NULL; b = b->next)
		if (b->size > keep->size)
			keep = b;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (b != keep)
			free(b);
	}
	keep->next = NULL;
	keep->off = 0;
	a->head = keep;
	a->used_total = keep->size + sizeof(*keep);
}

static struct arena_block *
arena_grow(struct arena *a, size_t need)
{
	size_t size = a->head ? a->head->size * 2 : ARENA_BLOCK_MIN, room;
	struct arena_block *b;

	if (need > SIZE_MAX - sizeof(*b))
		return NULL;
	if (size > ARENA_BLOCK_MAX)
		size = ARENA_BLOCK_MAX;
	if (size < need)
		size = need;
	if (a->limit != 0) {
		room = a->limit > a->used_total ? a->limit - a->used_total : 0;
		if (size + sizeof(*b) > room) {
			if (need + sizeof(*b) > room)
				return NULL;
			size = need;
		}
	}
	b = malloc(sizeof(*b) + size);
	if (b == NULL)
		return NULL;
	b->size = size;
	b->off = 0;
	b->next = a->head;
	a->head = b;
	a->used_total += size + sizeof(*b);
	return b;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t off;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - align)
		return NULL;
	n = (n + align - 1) & ~(align - 1);
	if (b == NULL || b->size - b->off < n) {
		b = arena_grow(a, n);
		if (b == NULL)
			return NULL;
	}
	off = b->off;
	b->off += n;
	return b->data + off;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void *
arena_array_room(struct arena *a, void *array, size_t *cap, size_t len, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 8;
	void *p;

	if (len < *cap)
		return array;
	if (size == 0 || ncap > SIZE_MAX / size || (p = arena_alloc(a, ncap * size)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(p, array, len * size);
	*cap = ncap;
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = n < SIZE_MAX ? arena_alloc(a, n + 1) : NULL;

	if (p == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
