/*
 * inn.c — INN check digits (see inn.h).
 */
#include "core/inn.h"

#include <stdio.h>
#include <string.h>

#define INN_CHECK_MOD 11

static const int inn_w10[INN_LEGAL_LEN - 1] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
static const int inn_w11[INN_INDIVIDUAL_LEN - 2] = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
static const int inn_w12[INN_INDIVIDUAL_LEN - 1] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};

/* The check digit of the first n digits of s under the weights w. */
static int
inn_check(const char *s, const int *w, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (s[i] - '0') * w[i];
	return sum % INN_CHECK_MOD % 10;
}

/* Writes reason into why (when given) and returns false. */
static bool
inn_reject(char *why, size_t whylen, const char *reason)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", reason);
	return false;
}

bool
inn_valid(const char *s, char *why, size_t whylen)
{
	size_t n;

	if (s == NULL)
		return inn_reject(why, whylen, "must be 10 or 12 digits");
	n = strnlen(s, INN_INDIVIDUAL_LEN + 1);
	if (n != INN_LEGAL_LEN && n != INN_INDIVIDUAL_LEN)
		return inn_reject(why, whylen, "must be 10 or 12 digits");
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return inn_reject(why, whylen, "must contain only digits");
	if (s[0] == '0' && s[1] == '0')
		return inn_reject(why, whylen, "region code 00 does not exist");
	if (n == INN_LEGAL_LEN) {
		if (inn_check(s, inn_w10, INN_LEGAL_LEN - 1) != s[9] - '0')
			return inn_reject(why, whylen, "check digit does not match");
	} else if (inn_check(s, inn_w11, INN_INDIVIDUAL_LEN - 2) != s[10] - '0' ||
		   inn_check(s, inn_w12, INN_INDIVIDUAL_LEN - 1) != s[11] - '0') {
		return inn_reject(why, whylen, "check digit does not match");
	}
	return true;
}
