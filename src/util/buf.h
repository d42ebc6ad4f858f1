/*
 * buf.h — a growable byte buffer with a hard maximum (curl's dynbuf idea).
 *
 * The buffer owns its heap memory (buf_release frees it). Appending past max
 * fails with ADV_ETOOBIG and leaves the content as it was, so callers answer
 * 413/422 instead of growing without bound. The content is always
 * NUL-terminated for convenience; len does not count the terminator.
 */
#ifndef ADV_UTIL_BUF_H
#define ADV_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/err.h"

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0 = unlimited */
};

/* An empty buffer that refuses to hold more than max bytes (0 = unlimited). */
void buf_init(struct buf *b, size_t max);

/* Frees the memory; the buffer is empty and reusable. */
void buf_release(struct buf *b);

/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Appends n bytes; ADV_ETOOBIG past max, ADV_ENOMEM when allocation fails. */
enum adv_err buf_append(struct buf *b, const void *p, size_t n);

/* Appends a NUL-terminated string. */
enum adv_err buf_puts(struct buf *b, const char *s);

/* Appends one byte. */
enum adv_err buf_putc(struct buf *b, char c);

/* Appends printf output. */
enum adv_err buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Takes the memory out of the buffer: the caller owns and must free() the result. */
char *buf_steal(struct buf *b, size_t *len);

#endif
