/*
 * date.c — calendar date validation and formatting (see date.h).
 */
#include "util/date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Reads exactly n ASCII digits at s into *v; false when any is not a digit. */
static bool
date_digits(const char *s, size_t n, int *v)
{
	int x = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

static bool
date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* True when y-m-d is a real day in the accepted year range. */
static bool
date_ok(int y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && date_is_leap(y));
}

/* Parses the canonical form; true and the parts on success. */
static bool
date_parse_iso(const char *s, int *y, int *m, int *d)
{
	return strlen(s) == DATE_TEXT_SIZE - 1 && s[4] == '-' && s[7] == '-' &&
	       date_digits(s, 4, y) && date_digits(s + 5, 2, m) && date_digits(s + 8, 2, d) &&
	       date_ok(*y, *m, *d);
}

/* Parses "D.M.YYYY" with one or two digits for day and month. */
static bool
date_parse_ru(const char *s, int *y, int *m, int *d)
{
	const char *dot1 = strchr(s, '.'), *dot2;
	size_t dl, ml;

	if (dot1 == NULL)
		return false;
	dot2 = strchr(dot1 + 1, '.');
	if (dot2 == NULL)
		return false;
	dl = (size_t)(dot1 - s);
	ml = (size_t)(dot2 - dot1 - 1);
	return dl >= 1 && dl <= 2 && ml >= 1 && ml <= 2 && strlen(dot2 + 1) == 4 &&
	       date_digits(s, dl, d) && date_digits(dot1 + 1, ml, m) &&
	       date_digits(dot2 + 1, 4, y) && date_ok(*y, *m, *d);
}

bool
date_valid(const char *ymd)
{
	int y, m, d;

	return ymd != NULL && date_parse_iso(ymd, &y, &m, &d);
}

bool
date_parse(const char *s, char out[DATE_TEXT_SIZE])
{
	int y, m, d;

	if (s == NULL || !(date_parse_iso(s, &y, &m, &d) || date_parse_ru(s, &y, &m, &d)))
		return false;
	snprintf(out, DATE_TEXT_SIZE, "%04d-%02d-%02d", y, m, d);
	return true;
}

bool
date_days(const char *ymd, int64_t *out)
{
	int y, m, d;
	int64_t era, yoe, doy, doe;

	if (ymd == NULL || !date_parse_iso(ymd, &y, &m, &d))
		return false;
	/* Days from civil (proleptic Gregorian), with March as the first month. */
	if (m <= 2)
		y--;
	era = y / 400; /* y >= 0: DATE_YEAR_MIN is 1 */
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*out = era * 146097 + doe - 719468;
	return true;
}

void
date_today(char out[DATE_TEXT_SIZE])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	if (strftime(out, DATE_TEXT_SIZE, "%Y-%m-%d", &tm) != DATE_TEXT_SIZE - 1)
		memcpy(out, "1970-01-01", DATE_TEXT_SIZE);
}
