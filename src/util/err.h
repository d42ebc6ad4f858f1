/*
 * err.h — the one result code that travels through every call in Advocate.
 *
 * Functions that can fail return an enum adv_err; ADV_OK is zero so that
 * `if ((rc = f()) != ADV_OK) goto out;` reads naturally. Detail for humans
 * goes into a caller-supplied struct adv_errbuf, which also names the input
 * field at fault (a JSON pointer or a CSV column) when there is one.
 */
#ifndef ADV_UTIL_ERR_H
#define ADV_UTIL_ERR_H

#include <stddef.h>

enum adv_err {
	ADV_OK = 0,
	ADV_ENOMEM,	/* allocation failed */
	ADV_EINVAL,	/* input is malformed or out of range (422) */
	ADV_EBADREQ,	/* request cannot be parsed at all (400) */
	ADV_ENOTFOUND,	/* no such object in this workspace (404) */
	ADV_ECONFLICT,	/* unique key or rule violated (409) */
	ADV_EPRECOND,	/* If-Match no longer matches (412) */
	ADV_ETOOBIG,	/* a size limit was hit (413) */
	ADV_EUNAUTH,	/* not authenticated (401) */
	ADV_EFORBIDDEN, /* authenticated but not allowed (403) */
	ADV_ETHROTTLED, /* too many attempts (429) */
	ADV_EDB,	/* the database failed (500) */
	ADV_EUNAVAIL,	/* a dependency is not available right now (503) */
	ADV_EIO,	/* a file or stream failed */
	ADV_EINTERNAL,	/* a bug: an invariant did not hold */
	ADV_ERR__MAX
};

#define ADV_ERRMSG_MAX	 512
#define ADV_ERRFIELD_MAX 128

/* Where a failing function explains itself: message for people, field it blames. */
struct adv_errbuf {
	char msg[ADV_ERRMSG_MAX];
	char field[ADV_ERRFIELD_MAX];
};

/* A short English name of the code ("not found"); static storage, never NULL. */
const char *adv_strerror(enum adv_err e);

/* The HTTP status that answers a request failing with e. */
int adv_err_http_status(enum adv_err e);

/*
 * Records msg (printf-style) and, when field is not NULL, the field at fault in eb,
 * and returns e so that callers can write `return adv_fail(eb, ADV_EINVAL, "/name", "...")`.
 * eb may be NULL, in which case only e is returned.
 */
enum adv_err adv_fail(struct adv_errbuf *eb, enum adv_err e, const char *field, const char *fmt,
		      ...) __attribute__((format(printf, 4, 5)));

/* Empties eb. */
void adv_errbuf_clear(struct adv_errbuf *eb);

#endif
