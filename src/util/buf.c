/*
 * buf.c — growable byte buffer with a maximum (see buf.h).
 */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static enum adv_err
buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > (size_t)-1 - b->len - 1)
		return ADV_ETOOBIG;
	need = b->len + extra + 1;
	if (b->max != 0 && need - 1 > b->max)
		return ADV_ETOOBIG;
	if (need <= b->cap)
		return ADV_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > (size_t)-1 / 2)
			return ADV_ETOOBIG;
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (p == NULL)
		return ADV_ENOMEM;
	b->data = p;
	b->cap = cap;
	return ADV_OK;
}

enum adv_err
buf_append(struct buf *b, const void *p, size_t n)
{
	enum adv_err rc = buf_reserve(b, n);

	if (rc != ADV_OK)
		return rc;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return ADV_OK;
}

enum adv_err
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum adv_err
buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

enum adv_err
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	enum adv_err rc;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ADV_EINVAL;
	rc = buf_reserve(b, (size_t)n);
	if (rc != ADV_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return ADV_OK;
}

char *
buf_steal(struct buf *b, size_t *len)
{
	char *p = b->data;

	if (len != NULL)
		*len = b->len;
	if (p == NULL)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
