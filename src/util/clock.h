/*
 * clock.h — wall-clock time as the database stores it: RFC 3339 UTC text
 * ("2026-11-27T20:42:06Z"), which sorts correctly as a string.
 */
#ifndef ADV_UTIL_CLOCK_H
#define ADV_UTIL_CLOCK_H

#include <stdbool.h>
#include <time.h>

#define CLOCK_TEXT_MAX 32

/* Formats t as RFC 3339 UTC into out. */
void clock_format(time_t t, char out[CLOCK_TEXT_MAX]);

/* Now plus offset seconds (negative for the past), formatted. */
void clock_now_plus(long offset, char out[CLOCK_TEXT_MAX]);

/* Parses text that clock_format writes into *out; false when s is not such text. */
bool clock_parse(const char *s, time_t *out);

#endif
