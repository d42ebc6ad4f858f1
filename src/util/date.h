/*
 * date.h — calendar dates in the forms Advocate exchanges (timestamps are
 * util/clock.h).
 *
 * The API speaks "YYYY-MM-DD" dates; spreadsheets
 * from Russian users carry "DD.MM.YYYY". These helpers validate real calendar
 * dates (month lengths, leap years) and produce the canonical forms.
 */
#ifndef ADV_UTIL_DATE_H
#define ADV_UTIL_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define DATE_YEAR_MIN  1    /* earliest year accepted */
#define DATE_YEAR_MAX  9999 /* latest year accepted */
#define DATE_TEXT_SIZE 11   /* "YYYY-MM-DD" and its NUL */

/*
 * True when ymd is exactly a canonical "YYYY-MM-DD" naming a real calendar day
 * (Gregorian, leap years included) with a year in DATE_YEAR_MIN..DATE_YEAR_MAX.
 * ymd may be NULL (false).
 */
bool date_valid(const char *ymd);

/*
 * Parses s, either "YYYY-MM-DD" or the Russian "DD.MM.YYYY" (day and month may
 * also be written with one digit, "1.2.2024"), and writes the canonical
 * "YYYY-MM-DD" into out. Nothing else is accepted: no spaces, no time part.
 * Result: true on success; false (out untouched) when s is NULL, malformed or
 * not a real calendar day.
 */
bool date_parse(const char *s, char out[DATE_TEXT_SIZE]);

/*
 * The day number of ymd, a canonical date (date_valid): days since
 * 1970-01-01, negative before it, into *out; the difference of two day
 * numbers is the number of days between the dates. Result: false (*out
 * untouched) when ymd is NULL or not a valid date.
 */
bool date_days(const char *ymd, int64_t *out);

/* Today's date in UTC as "YYYY-MM-DD" into out. */
void date_today(char out[DATE_TEXT_SIZE]);

#endif
