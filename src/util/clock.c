/*
 * clock.c — RFC 3339 UTC timestamps (see clock.h).
 */
#include "util/clock.h"

void
clock_format(time_t t, char out[CLOCK_TEXT_MAX])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, CLOCK_TEXT_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
clock_now_plus(long offset, char out[CLOCK_TEXT_MAX])
{
	clock_format(time(NULL) + offset, out);
}

bool
clock_parse(const char *s, time_t *out)
{
	struct tm tm = {0};
	const char *end;

	if (s == NULL || (end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL || *end != '\0')
		return false;
	*out = timegm(&tm);
	return true;
}
