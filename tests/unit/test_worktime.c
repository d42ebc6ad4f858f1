/*
 * test_worktime.c — working time of a workspace calendar: deadlines that
 * skip nights, weekends and holidays in the workspace's time zone, the
 * working seconds between two moments, invalid calendars, and the property
 * that the working time between a start and its deadline is exactly what
 * was added, over many starts and calendars.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "core/worktime.h"

#define MON_FRI 0x1fu

/* The moment of a UTC date and time. */
static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm);
}

/* Moscow office hours, 09:00–18:00 on weekdays, with optional holidays. */
static struct worktime_calendar
moscow(const int32_t *holidays, size_t n)
{
	struct worktime_calendar c = {180, 9 * 60, 18 * 60, MON_FRI, holidays, n};

	return c;
}

static void
test_deadlines(void **state)
{
	struct worktime_calendar cal = moscow(NULL, 0);
	static const int32_t monday_off[] = {20261130};
	time_t out;

	(void)state;
	/* Friday 2026-11-27 17:00 MSK + 2 h → Monday 10:00 MSK (07:00 UTC). */
	assert_true(worktime_add(&cal, utc(2026, 11, 27, 14, 0), 120, &out));
	assert_int_equal(out, utc(2026, 11, 30, 7, 0));
	/* Saturday noon + 30 min → Monday 09:30 MSK. */
	assert_true(worktime_add(&cal, utc(2026, 11, 28, 9, 0), 30, &out));
	assert_int_equal(out, utc(2026, 11, 30, 6, 30));
	/* Zero minutes at night: the next start of working hours; in hours: itself. */
	assert_true(worktime_add(&cal, utc(2026, 11, 25, 20, 0), 0, &out));
	assert_int_equal(out, utc(2026, 11, 26, 6, 0));
	assert_true(worktime_add(&cal, utc(2026, 11, 25, 8, 15), 0, &out));
	assert_int_equal(out, utc(2026, 11, 25, 8, 15));
	/* Exactly the rest of the day ends at 18:00, not the next morning. */
	assert_true(worktime_add(&cal, utc(2026, 11, 25, 14, 0), 60, &out));
	assert_int_equal(out, utc(2026, 11, 25, 15, 0));
	/* A Monday holiday moves Friday's deadline to Tuesday. */
	cal = moscow(monday_off, 1);
	assert_true(worktime_add(&cal, utc(2026, 11, 27, 14, 0), 120, &out));
	assert_int_equal(out, utc(2026, 12, 1, 7, 0));
	/* Three working days of 9 hours from Wednesday 09:00 → Friday 18:00. */
	cal = moscow(NULL, 0);
	assert_true(worktime_add(&cal, utc(2026, 11, 25, 6, 0), 27 * 60, &out));
	assert_int_equal(out, utc(2026, 11, 27, 15, 0));
}

static void
test_between(void **state)
{
	struct worktime_calendar cal = moscow(NULL, 0);
	int64_t s;

	(void)state;
	assert_true(worktime_between(&cal, utc(2026, 11, 27, 14, 0), utc(2026, 11, 30, 7, 0), &s));
	assert_int_equal(s, 2 * 3600);
	assert_true(worktime_between(&cal, utc(2026, 11, 28, 0, 0), utc(2026, 11, 29, 23, 0), &s));
	assert_int_equal(s, 0);
	assert_true(worktime_between(&cal, utc(2026, 11, 30, 7, 0), utc(2026, 11, 27, 14, 0), &s));
	assert_int_equal(s, 0);
	/* A whole week: five days of nine hours. */
	assert_true(worktime_between(&cal, utc(2026, 11, 23, 0, 0), utc(2026, 11, 30, 0, 0), &s));
	assert_int_equal(s, 5 * 9 * 3600);
}

static void
test_invalid(void **state)
{
	struct worktime_calendar cal = moscow(NULL, 0);
	time_t out;
	int64_t s;

	(void)state;
	cal.workdays = 0;
	assert_false(worktime_valid(&cal));
	assert_false(worktime_add(&cal, 0, 10, &out));
	cal = moscow(NULL, 0);
	cal.day_end_min = cal.day_start_min;
	assert_false(worktime_valid(&cal));
	cal = moscow(NULL, 0);
	cal.offset_min = 15 * 60;
	assert_false(worktime_valid(&cal));
	cal = moscow(NULL, 0);
	assert_false(worktime_add(&cal, 0, -1, &out));
	/* More than ten years of work never ends within the walk. */
	assert_false(worktime_add(&cal, 0, (int64_t)WORKTIME_DAYS_MAX * 9 * 60, &out));
	assert_false(worktime_between(&cal, 0, (time_t)WORKTIME_DAYS_MAX * 2 * 86400, &s));
}

static void
test_round_trip(void **state)
{
	static const int32_t holidays[] = {20260101, 20260102, 20260107, 20260309, 20260501};
	struct worktime_calendar cals[3] = {
	    {180, 9 * 60, 18 * 60, MON_FRI, holidays, 5},
	    {-300, 0, 24 * 60, 0x7fu, NULL, 0},
	    {330, 10 * 60, 14 * 60 + 30, 0x15u, holidays, 5},
	};
	uint64_t x = 88172645463325252ull;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		const struct worktime_calendar *cal = &cals[i % 3];
		time_t start, end;
		int64_t minutes, s;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		start = utc(2025, 12, 1, 0, 0) + (time_t)(x % (400ull * 86400));
		minutes = (int64_t)((x >> 32) % 20000);
		assert_true(worktime_add(cal, start, minutes, &end));
		assert_true(end >= start);
		assert_true(worktime_between(cal, start, end, &s));
		assert_int_equal(s, minutes * 60);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deadlines),
	    cmocka_unit_test(test_between),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests_name("worktime", tests, NULL, NULL);
}
