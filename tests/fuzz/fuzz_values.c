/*
 * fuzz_values.c — libFuzzer harness for the field validators of imports:
 * num_parse_ru(), date_parse()/date_valid() and inn_valid().
 *
 * Checks properties as well as memory safety: a parsed number is finite; a
 * parsed date is canonical, valid and parses to itself; the INN verdict does
 * not depend on whether a reason was asked for.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/inn.h"
#include "util/date.h"
#include "util/num.h"

#define FUZZ_VALUE_MAX 256 /* bytes of input used as one value */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[FUZZ_VALUE_MAX + 1], ymd[DATE_TEXT_SIZE], again[DATE_TEXT_SIZE], why[64];
	size_t n = size < FUZZ_VALUE_MAX ? size : FUZZ_VALUE_MAX;
	double v;

	memcpy(s, data, n);
	s[n] = '\0';
	if (num_parse_ru(s, &v) && !isfinite(v))
		abort();
	if (date_parse(s, ymd)) {
		if (strlen(ymd) != DATE_TEXT_SIZE - 1 || !date_valid(ymd) ||
		    !date_parse(ymd, again) || strcmp(ymd, again) != 0)
			abort();
	}
	if (date_valid(s) && (!date_parse(s, ymd) || strcmp(s, ymd) != 0))
		abort();
	if (inn_valid(s, why, sizeof(why)) != inn_valid(s, NULL, 0))
		abort();
	return 0;
}
