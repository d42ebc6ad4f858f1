/*
 * num.c — Russian-Excel-style decimal number parsing (see num.h).
 *
 * The input is rewritten into a plain C-locale literal ("-1234567.89") after
 * its grammar has been checked here, and only then handed to strtod().
 */
#include "util/num.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define NUM_GROUP_DIGITS 3 /* digits in every thousands group after the first */

/* Bytes taken by a thousands separator at p (space, U+00A0, U+202F), or 0. */
static size_t
num_sep_len(const unsigned char *p, const unsigned char *end)
{
	if (p < end && p[0] == ' ')
		return 1;
	if (end - p >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	if (end - p >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF)
		return 3;
	return 0;
}

/* Bytes of white space (ASCII or a no-break space) at p, or 0. */
static size_t
num_space_len(const unsigned char *p, const unsigned char *end)
{
	if (p < end && (*p == '\t' || *p == '\n' || *p == '\v' || *p == '\f' || *p == '\r'))
		return 1;
	return num_sep_len(p, end);
}

/* True when the k bytes before end are white space as num_space_len() sees it. */
static bool
num_space_before(const unsigned char *start, const unsigned char *end, size_t k)
{
	return end - start >= (ptrdiff_t)k && num_space_len(end - k, end) == k;
}

static bool
num_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

bool
num_parse_ru(const char *s, double *out)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	char clean[NUM_TEXT_MAX + 1];
	size_t n = strnlen(s, NUM_TEXT_MAX + 1), o = 0, k, int_digits = 0, frac_digits = 0;
	size_t group_len = 0, groups = 0;
	bool mark = false;
	char *stop;
	double v;

	if (n > NUM_TEXT_MAX)
		return false;
	end = p + n;
	while ((k = num_space_len(p, end)) > 0)
		p += k;
	while (end > p) {
		if (num_space_before(p, end, 1))
			end -= 1;
		else if (num_space_before(p, end, 2))
			end -= 2;
		else if (num_space_before(p, end, 3))
			end -= 3;
		else
			break;
	}
	if (p < end && (*p == '+' || *p == '-')) {
		if (*p == '-')
			clean[o++] = '-';
		p++;
	}
	while (p < end) {
		if (num_is_digit(*p)) {
			clean[o++] = (char)*p++;
			group_len++;
			int_digits++;
		} else if (group_len > 0 && (k = num_sep_len(p, end)) > 0) {
			if ((groups == 0 && group_len > NUM_GROUP_DIGITS) ||
			    (groups > 0 && group_len != NUM_GROUP_DIGITS))
				return false;
			groups++;
			group_len = 0;
			p += k;
		} else {
			break;
		}
	}
	if (groups > 0 && group_len != NUM_GROUP_DIGITS)
		return false;
	if (p < end && (*p == ',' || *p == '.')) {
		mark = true;
		clean[o++] = '.';
		p++;
		while (p < end && num_is_digit(*p)) {
			clean[o++] = (char)*p++;
			frac_digits++;
		}
	}
	if (p != end || (int_digits == 0 && frac_digits == 0) || (mark && frac_digits == 0))
		return false;
	clean[o] = '\0';
	v = strtod(clean, &stop);
	if (stop != clean + o || !isfinite(v))
		return false;
	*out = v;
	return true;
}
