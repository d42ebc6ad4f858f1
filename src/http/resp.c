/*
 * resp.c — building answers: JSON, empty, raw bytes, extra headers and RFC
 * 9457 problem documents.
 */
#include "http/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char ctype_json[] = "application/json; charset=utf-8";
static const char ctype_problem[] = "application/problem+json; charset=utf-8";

/* Forgets any answer set before. */
static void
resp_clear(struct req *r)
{
	if (r->out_json != NULL) {
		json_decref(r->out_json);
		r->out_json = NULL;
	}
	free(r->out_owned);
	r->out_owned = NULL;
	r->out = NULL;
	r->out_len = 0;
}

enum adv_err
resp_json(struct req *r, int status, json_t *j)
{
	resp_clear(r);
	if (j == NULL)
		return ADV_ENOMEM;
	r->status = status;
	r->content_type = ctype_json;
	r->out_json = j;
	r->answered = true;
	return ADV_OK;
}

enum adv_err
resp_empty(struct req *r, int status)
{
	resp_clear(r);
	r->status = status;
	r->content_type = NULL;
	r->answered = true;
	return ADV_OK;
}

enum adv_err
resp_bytes(struct req *r, int status, const char *content_type, const void *p, size_t n)
{
	resp_clear(r);
	r->status = status;
	r->content_type = content_type;
	r->out = p;
	r->out_len = n;
	r->answered = true;
	return ADV_OK;
}

enum adv_err
resp_take(struct req *r, int status, const char *content_type, char *p, size_t n)
{
	resp_clear(r);
	r->status = status;
	r->content_type = content_type;
	r->out_owned = p;
	r->out = p;
	r->out_len = n;
	r->answered = true;
	return ADV_OK;
}

enum adv_err
resp_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders >= RESP_HEADERS_MAX)
		return ADV_ETOOBIG;
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = value;
	r->nheaders++;
	return ADV_OK;
}

void
req_add_error(struct req *r, const char *pointer, const char *fmt, ...)
{
	char msg[ADV_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->errors == NULL)
		r->errors = json_array();
	if (r->errors != NULL)
		json_array_append_new(r->errors,
				      json_pack("{s:s, s:s}", "pointer", pointer, "message", msg));
}

void
resp_problem(struct req *r, enum adv_err e)
{
	int status = adv_err_http_status(e);
	const char *detail = r->eb.msg[0] ? r->eb.msg : adv_strerror(e);
	json_t *j;

	if (status >= 500) {
		if (r->eb.msg[0])
			fprintf(stderr, "advocate: request %s failed: %s: %s\n", r->id,
				adv_strerror(e), r->eb.msg);
		detail = "the server could not complete the request; it has been logged";
		if (e == ADV_EUNAVAIL)
			detail = "the service is busy or a dependency is unavailable; try again";
	}
	j = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title", adv_strerror(e),
		      "status", status, "detail", detail, "request_id", r->id);
	if (j != NULL && status < 500) {
		if (r->errors == NULL && r->eb.field[0])
			req_add_error(r, r->eb.field, "%s", detail);
		if (r->errors != NULL)
			json_object_set(j, "errors", r->errors);
	}
	resp_clear(r);
	r->nheaders = 0;
	r->status = status;
	r->content_type = ctype_problem;
	r->out_json = j;
	r->answered = j != NULL;
	if (e == ADV_ETHROTTLED)
		resp_header(r, "Retry-After", "60");
	else if (e == ADV_EUNAVAIL)
		resp_header(r, "Retry-After", "1");
}
