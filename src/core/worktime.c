/*
 * worktime.c — working time of a workspace calendar (see worktime.h): the
 * local day of a moment, whether it is a working day, and walks over the
 * working windows of consecutive days.
 */
#include "core/worktime.h"

#define SECONDS_DAY 86400

/* floor(a / b) for b > 0. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* The local date (yyyymmdd) of local day number d (days since 1970-01-01). */
static int32_t
day_date(int64_t d)
{
	time_t t = (time_t)(d * SECONDS_DAY);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (int32_t)((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
}

/* Whether local day number d is a working day of cal (its weekday, and not a holiday). */
static bool
is_workday(const struct worktime_calendar *cal, int64_t d)
{
	unsigned weekday = (unsigned)((d % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
	int32_t date;
	size_t lo = 0, hi = cal->nholidays;

	if (!(cal->workdays & (1u << weekday)))
		return false;
	date = day_date(d);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->holidays[mid] == date)
			return false;
		if (cal->holidays[mid] < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return true;
}

bool
worktime_valid(const struct worktime_calendar *cal)
{
	return cal != NULL && cal->offset_min >= -WORKTIME_OFFSET_LIMIT &&
	       cal->offset_min <= WORKTIME_OFFSET_LIMIT && cal->day_start_min >= 0 &&
	       cal->day_start_min < cal->day_end_min && cal->day_end_min <= WORKTIME_MINUTES_DAY &&
	       (cal->workdays & 0x7fu) != 0 && (cal->nholidays == 0 || cal->holidays != NULL);
}

bool
worktime_add(const struct worktime_calendar *cal, time_t start, int64_t minutes, time_t *out)
{
	int64_t off, local, need;

	if (!worktime_valid(cal) || minutes < 0)
		return false;
	off = (int64_t)cal->offset_min * 60;
	local = (int64_t)start + off;
	need = minutes * 60;
	for (int i = 0; i < WORKTIME_DAYS_MAX; i++) {
		int64_t d = floor_div(local, SECONDS_DAY);
		int64_t day0 = d * SECONDS_DAY;

		if (is_workday(cal, d)) {
			int64_t from = day0 + (int64_t)cal->day_start_min * 60;
			int64_t to = day0 + (int64_t)cal->day_end_min * 60;
			int64_t cur = local > from ? local : from;

			if (cur < to) {
				if (need <= to - cur) {
					*out = (time_t)(cur + need - off);
					return true;
				}
				need -= to - cur;
			}
		}
		local = day0 + SECONDS_DAY;
	}
	return false;
}

bool
worktime_between(const struct worktime_calendar *cal, time_t from, time_t to, int64_t *out)
{
	int64_t off, local, end, sum = 0;

	if (!worktime_valid(cal))
		return false;
	off = (int64_t)cal->offset_min * 60;
	local = (int64_t)from + off;
	end = (int64_t)to + off;
	for (int i = 0; local < end; i++) {
		int64_t d = floor_div(local, SECONDS_DAY);
		int64_t day0 = d * SECONDS_DAY;

		if (i >= WORKTIME_DAYS_MAX)
			return false;
		if (is_workday(cal, d)) {
			int64_t a = day0 + (int64_t)cal->day_start_min * 60;
			int64_t b = day0 + (int64_t)cal->day_end_min * 60;

			if (a < local)
				a = local;
			if (b > end)
				b = end;
			if (b > a)
				sum += b - a;
		}
		local = day0 + SECONDS_DAY;
	}
	*out = sum;
	return true;
}
