/*
 * str.c — UTF-8 validation, search folding, trimming, number parsing (see str.h).
 */
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool
utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;
		uint32_t cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			k = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += k + 1;
	}
	return true;
}

size_t
utf8_length(const char *s, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

/* Appends code point cp as UTF-8 at p; returns the bytes written. */
static size_t
utf8_put(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xC0 | (cp >> 6));
		p[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xE0 | (cp >> 12));
		p[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		p[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	p[0] = (char)(0xF0 | (cp >> 18));
	p[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	p[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	p[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static uint32_t
fold_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
		return cp + 32;
	if (cp >= 0x410 && cp <= 0x42F) /* А..Я */
		return cp + 32;
	if (cp == 0x451 || cp == 0x401) /* ё, Ё → е */
		return 0x435;
	if (cp >= 0x400 && cp <= 0x40F) /* Ѐ..Џ */
		return cp + 80;
	return cp;
}

char *
str_fold(struct arena *a, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0, o = 0;
	char *out = arena_alloc(a, n + 1);

	if (out == NULL)
		return NULL;
	while (i < n) {
		unsigned c = s[i];
		size_t k = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
		uint32_t cp = k == 0 ? c : k == 1 ? c & 0x1F : k == 2 ? c & 0x0F : c & 0x07;

		if (i + k >= n + (k == 0)) {
			out[o++] = (char)c; /* malformed tail: copy as is */
			i++;
			continue;
		}
		for (size_t j = 1; j <= k; j++)
			cp = (cp << 6) | (s[i + j] & 0x3F);
		o += utf8_put(out + o, fold_cp(cp));
		i += k + 1;
	}
	out[o] = '\0';
	return out;
}

const char *
str_trim(const char *s, size_t n, size_t *len)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

bool
str_ieq(const char *s, const char *t)
{
	while (*s && *t) {
		if (tolower((unsigned char)*s) != tolower((unsigned char)*t))
			return false;
		s++;
		t++;
	}
	return *s == *t;
}

bool
str_to_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}
