/*
 * worktime.h — working time of a workspace calendar, for the service levels
 * of the dialog window (docs/requests.md, "Service levels"): working days of
 * the week, working hours in the workspace's time zone (a fixed UTC offset),
 * and holidays. Pure functions over time_t seconds; no I/O, no allocation.
 */
#ifndef ADV_CORE_WORKTIME_H
#define ADV_CORE_WORKTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define WORKTIME_DAYS_MAX     3660	/* days a computation walks at most (ten years) */
#define WORKTIME_OFFSET_LIMIT (14 * 60) /* minutes of a UTC offset, either way */
#define WORKTIME_MINUTES_DAY  (24 * 60)

struct worktime_calendar {
	int offset_min;		 /* the time zone: minutes east of UTC (Moscow: 180) */
	int day_start_min;	 /* working hours: from this minute of the day… */
	int day_end_min;	 /* …to this one (exclusive), day_start_min < day_end_min */
	unsigned workdays;	 /* bit 0 Monday … bit 6 Sunday */
	const int32_t *holidays; /* yyyymmdd of local days off, sorted ascending; may be NULL */
	size_t nholidays;
};

/* Whether cal can be used: offset within limits, hours 0 <= start < end <= 1440, a workday. */
bool worktime_valid(const struct worktime_calendar *cal);

/*
 * The moment at which minutes working minutes have passed since start
 * (minutes 0: start itself, or the next start of working hours when start
 * is outside them). *out is set; false when cal is not valid or the walk
 * passes WORKTIME_DAYS_MAX days (a calendar of nothing but holidays).
 */
bool worktime_add(const struct worktime_calendar *cal, time_t start, int64_t minutes, time_t *out);

/*
 * The working seconds between from and to (0 when to <= from), in *out;
 * false when cal is not valid or the span exceeds WORKTIME_DAYS_MAX days.
 */
bool worktime_between(const struct worktime_calendar *cal, time_t from, time_t to, int64_t *out);

#endif
