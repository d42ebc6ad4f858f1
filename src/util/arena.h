/*
 * arena.h — a region allocator: many allocations, one free.
 *
 * Each HTTP request and each import owns one arena; everything allocated while
 * serving it comes from the arena and is released at once by arena_free().
 * Allocation failure returns NULL (never aborts); an arena may be given a byte
 * limit so that one request cannot exhaust the process.
 */
#ifndef ADV_UTIL_ARENA_H
#define ADV_UTIL_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* newest block; older ones chained behind it */
	size_t used_total;	  /* bytes handed out plus block overhead */
	size_t limit;		  /* 0 = unlimited */
};

/* Prepares an empty arena that will refuse to grow past limit bytes (0 = no limit). */
void arena_init(struct arena *a, size_t limit);

/* Releases every block; the arena is empty and reusable afterwards. */
void arena_free(struct arena *a);

/*
 * Empties the arena for reuse but keeps its largest block (freeing the
 * others), so that a loop that fills and empties an arena once per item (an
 * import's rows) calls malloc only when an item outgrows that block. Every
 * pointer handed out before is invalid afterwards; the limit still counts
 * the kept block. An arena that never allocated stays empty.
 */
void arena_reset(struct arena *a);

/* n bytes aligned for any type, owned by the arena; NULL when out of memory or over the limit. */
void *arena_alloc(struct arena *a, size_t n);

/* As arena_alloc, zero-filled. */
void *arena_zalloc(struct arena *a, size_t n);

/*
 * Room for element number len of an arena array of size-byte elements: while
 * len < *cap the array itself is returned; otherwise a new array of twice the
 * capacity (8 at first) is allocated, the len elements copied into it, *cap
 * updated, and the new array returned. array may be NULL when *cap is 0.
 * NULL when out of memory (the old array stays valid).
 */
void *arena_array_room(struct arena *a, void *array, size_t *cap, size_t len, size_t size);

/* A NUL-terminated copy of the first n bytes of s, owned by the arena; NULL on failure. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* A NUL-terminated copy of s (NULL gives NULL), owned by the arena. */
char *arena_strdup(struct arena *a, const char *s);

/* printf into a new arena string; NULL on failure. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
