/*
 * inn.h — validation of the Russian taxpayer number (ИНН).
 *
 * A legal entity has a 10-digit INN with one check digit; an individual (or a
 * sole proprietor) has 12 digits with two. Accounts carry the INN, and a
 * mistyped one is caught here instead of corrupting deduplication.
 */
#ifndef ADV_CORE_INN_H
#define ADV_CORE_INN_H

#include <stdbool.h>
#include <stddef.h>

#define INN_LEGAL_LEN	   10 /* digits in a legal entity's INN */
#define INN_INDIVIDUAL_LEN 12 /* digits in an individual's INN */

/*
 * True when s (NUL-terminated, nothing around the digits) is a well-formed INN:
 * exactly 10 or 12 ASCII digits, a region code other than 00, and matching check
 * digits (each the weighted digit sum mod 11, mod 10).
 * On false, when why is not NULL, a short English reason is written into why
 * (whylen bytes, always NUL-terminated): "must be 10 or 12 digits",
 * "must contain only digits", "region code 00 does not exist",
 * "check digit does not match". s may be NULL (false).
 */
bool inn_valid(const char *s, char *why, size_t whylen);

#endif
