/*
 * err.c — names and HTTP statuses of enum adv_err, and the error buffer helpers.
 */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int status;
} err_table[ADV_ERR__MAX] = {
    [ADV_OK] = {"ok", 200},
    [ADV_ENOMEM] = {"out of memory", 500},
    [ADV_EINVAL] = {"invalid input", 422},
    [ADV_EBADREQ] = {"bad request", 400},
    [ADV_ENOTFOUND] = {"not found", 404},
    [ADV_ECONFLICT] = {"conflict", 409},
    [ADV_EPRECOND] = {"precondition failed", 412},
    [ADV_ETOOBIG] = {"too large", 413},
    [ADV_EUNAUTH] = {"unauthorized", 401},
    [ADV_EFORBIDDEN] = {"forbidden", 403},
    [ADV_ETHROTTLED] = {"too many requests", 429},
    [ADV_EDB] = {"database error", 500},
    [ADV_EUNAVAIL] = {"service unavailable", 503},
    [ADV_EIO] = {"input/output error", 500},
    [ADV_EINTERNAL] = {"internal error", 500},
};

const char *
adv_strerror(enum adv_err e)
{
	if ((unsigned)e >= ADV_ERR__MAX)
		return "unknown error";
	return err_table[e].name;
}

int
adv_err_http_status(enum adv_err e)
{
	if ((unsigned)e >= ADV_ERR__MAX)
		return 500;
	return err_table[e].status;
}

enum adv_err
adv_fail(struct adv_errbuf *eb, enum adv_err e, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (eb == NULL)
		return e;
	va_start(ap, fmt);
	vsnprintf(eb->msg, sizeof(eb->msg), fmt, ap);
	va_end(ap);
	if (field != NULL)
		snprintf(eb->field, sizeof(eb->field), "%s", field);
	else
		eb->field[0] = '\0';
	return e;
}

void
adv_errbuf_clear(struct adv_errbuf *eb)
{
	if (eb == NULL)
		return;
	eb->msg[0] = '\0';
	eb->field[0] = '\0';
}
