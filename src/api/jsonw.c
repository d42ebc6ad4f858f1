/*
 * jsonw.c — the streaming JSON writer (see jsonw.h). Each value reserves
 * its worst-case size once and is then written with plain stores: a page of
 * accounts is thousands of small values.
 */
#include "api/jsonw.h"

#include <inttypes.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSONW_INITIAL	4096
#define JSONW_ESCAPE	6    /* bytes of the longest escape, \u001f */
#define JSONW_DIGITS	24   /* room for any 64-bit integer */
#define JSONW_CENTS_MAX 1e13 /* below it, cents fit a double exactly */

static const char ctype_json[] = "application/json; charset=utf-8";

void
jsonw_init(struct jsonw *w, size_t max)
{
	w->data = NULL;
	w->len = 0;
	w->cap = 0;
	w->max = max;
	w->err = ADV_OK;
}

void
jsonw_release(struct jsonw *w)
{
	free(w->data);
	w->data = NULL;
	w->len = w->cap = 0;
}

/* Room for n more bytes: the write position, or NULL (error recorded) when there is none. */
static char *
reserve(struct jsonw *w, size_t n)
{
	size_t cap;
	char *p;

	if (w->err != ADV_OK)
		return NULL;
	if (n <= w->cap - w->len)
		return w->data + w->len;
	if (n > w->max || w->len > w->max - n) {
		w->err = ADV_ETOOBIG;
		return NULL;
	}
	for (cap = w->cap ? w->cap : JSONW_INITIAL; cap - w->len < n; cap *= 2)
		;
	if ((p = realloc(w->data, cap)) == NULL) {
		w->err = ADV_ENOMEM;
		return NULL;
	}
	w->data = p;
	w->cap = cap;
	return w->data + w->len;
}

/* Appends n bytes. */
static void
put(struct jsonw *w, const char *s, size_t n)
{
	char *p = reserve(w, n);

	if (p == NULL)
		return;
	memcpy(p, s, n);
	w->len += n;
}

void
jsonw_raw(struct jsonw *w, const char *s)
{
	put(w, s, strlen(s));
}

void
jsonw_raw_n(struct jsonw *w, const char *s, size_t n)
{
	put(w, s, n);
}

/*
 * True when one of the 8 bytes in v must be escaped in a JSON string: a
 * control byte (below 0x20), a quote or a backslash. Bytes from 0x80 up (UTF-8
 * sequences) never count.
 */
static bool
word_has_special(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t quote = v ^ (ones * '"'), slash = v ^ (ones * '\\');

	return (((v - ones * 0x20) & ~v) | ((quote - ones) & ~quote) | ((slash - ones) & ~slash)) &
	       highs;
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n, i = 0;
	char *p, *start;

	if (s == NULL) {
		put(w, "null", 4);
		return;
	}
	n = strlen(s);
	if (n > (SIZE_MAX - 2) / JSONW_ESCAPE || (p = reserve(w, n * JSONW_ESCAPE + 2)) == NULL)
		return;
	start = p;
	*p++ = '"';
	while (i < n) {
		unsigned char ch;
		uint64_t v;

		/* Eight plain bytes at a time: most text needs no escape at all. */
		if (n - i >= 8) {
			memcpy(&v, s + i, 8);
			if (!word_has_special(v)) {
				memcpy(p, s + i, 8);
				p += 8;
				i += 8;
				continue;
			}
		}
		ch = (unsigned char)s[i++];
		if (ch >= 0x20 && ch != '"' && ch != '\\') {
			*p++ = (char)ch;
		} else if (ch == '"' || ch == '\\') {
			*p++ = '\\';
			*p++ = (char)ch;
		} else if (ch == '\n') {
			*p++ = '\\';
			*p++ = 'n';
		} else if (ch == '\t') {
			*p++ = '\\';
			*p++ = 't';
		} else {
			memcpy(p, "\\u00", 4);
			p[4] = hex[ch >> 4];
			p[5] = hex[ch & 15];
			p += JSONW_ESCAPE;
		}
	}
	*p++ = '"';
	w->len += (size_t)(p - start);
}

/* Writes the decimal digits of v at the end of text[JSONW_DIGITS]; returns where they start. */
static char *
digits(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char text[JSONW_DIGITS];
	char *end = text + sizeof(text);
	char *p = digits(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, end);

	if (v < 0)
		*--p = '-';
	put(w, p, (size_t)(end - p));
}

void
jsonw_num(struct jsonw *w, double v)
{
	char text[JSONW_DIGITS + 8];
	char *end = text + sizeof(text), *p;
	long long cents;
	int n;

	/* Amounts in whole cents (most revenues) are written without printf. */
	if (v >= 0 && v < JSONW_CENTS_MAX && (double)(cents = llround(v * 100)) / 100.0 == v) {
		p = end;
		if (cents % 100 != 0) {
			if (cents % 10 != 0)
				*--p = (char)('0' + cents % 10);
			*--p = (char)('0' + cents / 10 % 10);
			*--p = '.';
		}
		p = digits((uint64_t)(cents / 100), p);
		put(w, p, (size_t)(end - p));
		return;
	}
	n = snprintf(text, sizeof(text), "%.15g", v);
	if (strtod(text, NULL) != v)
		n = snprintf(text, sizeof(text), "%.17g", v);
	put(w, text, (size_t)n);
}

enum adv_err
jsonw_answer(struct jsonw *w, struct req *r, int status)
{
	char *body;
	size_t len = w->len;

	if (w->err != ADV_OK)
		return w->err;
	if (w->data == NULL && (w->data = malloc(1)) == NULL)
		return ADV_ENOMEM;
	body = w->data;
	w->data = NULL;
	w->len = w->cap = 0;
	return resp_take(r, status, ctype_json, body, len);
}
