/*
 * num.h — parsing numbers the way people and Russian Excel write them.
 *
 * Imported spreadsheets carry amounts such as "1 234 567,89": a decimal comma,
 * thousands grouped by spaces or no-break spaces. num_parse_ru() turns those
 * (and plain "1234567.89") into a double and rejects everything else, so that
 * a typo never becomes a silently wrong revenue figure.
 */
#ifndef ADV_UTIL_NUM_H
#define ADV_UTIL_NUM_H

#include <stdbool.h>

/* Longest input, in bytes, that num_parse_ru() considers; longer strings are rejected. */
#define NUM_TEXT_MAX 64

/*
 * Parses the whole NUL-terminated UTF-8 string s as a decimal number:
 *   [sign] digits [mark digits]   or   [sign] mark digits
 * where sign is '+' or '-', mark is one ',' or '.', and the integer digits may be
 * grouped in threes by one space, U+00A0 (no-break space) or U+202F (narrow
 * no-break space) between groups ("1 234 567"). White space around the number
 * (ASCII and the two no-break spaces) is ignored.
 * Result: true and *out set on success; false, *out untouched, for anything else
 * (empty, letters, exponent, two decimal marks, misplaced separators, longer than
 * NUM_TEXT_MAX bytes). Expects the C numeric locale, which Advocate never changes.
 */
bool num_parse_ru(const char *s, double *out);

#endif
