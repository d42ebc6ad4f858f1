/*
 * req.c — reading a request: the database connection, query, headers,
 * cookies, route parameters, the JSON body and If-Match.
 */
#include "http/http.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "http/router.h"
#include "util/str.h"

/*
 * The connection of a GET or HEAD request holds one read transaction from its
 * first statement to the end of the request: one snapshot, one set of locks.
 * NULL when the database cannot be reached (the request answers 503).
 */
struct db_conn *
req_db(struct req *r)
{
	if (r->db == NULL) {
		if (db_acquire(server_db(r->srv), &r->db) != ADV_OK) {
			r->db = NULL;
		} else if ((r->method == HTTP_GET || r->method == HTTP_HEAD) &&
			   db_begin_read(r->db) != ADV_OK) {
			db_release(server_db(r->srv), r->db);
			r->db = NULL;
		}
	}
	return r->db;
}

const char *
req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* What req_query_each hands to libmicrohttpd's iterator. */
struct query_each {
	const char *name;
	void (*fn)(void *cls, const char *value);
	void *cls;
};

/* libmicrohttpd's iterator over the query: passes the values of one name on. */
static enum MHD_Result
query_each_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_each *e = cls;

	(void)kind;
	if (key != NULL && strcmp(key, e->name) == 0)
		e->fn(e->cls, value);
	return MHD_YES;
}

void
req_query_each(struct req *r, const char *name, void (*fn)(void *cls, const char *value), void *cls)
{
	struct query_each e = {name, fn, cls};

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_each_one, &e);
}

const char *
req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *
req_param(struct req *r, const char *name)
{
	char pname[32];

	if (r->route == NULL)
		return NULL;
	for (unsigned i = 0; i < ROUTE_PARAMS_MAX; i++) {
		router_param_name(r->route->pattern, i, pname, sizeof(pname));
		if (pname[0] == '\0')
			return NULL;
		if (strcmp(pname, name) == 0)
			return r->params[i];
	}
	return NULL;
}

enum adv_err
req_param_id(struct req *r, const char *name, int64_t *id)
{
	const char *v = req_param(r, name);

	if (v == NULL || !str_to_i64(v, id) || *id <= 0)
		return adv_fail(&r->eb, ADV_ENOTFOUND, NULL, "no such %s: %s", name,
				v ? v : "(none)");
	return ADV_OK;
}

enum adv_err
req_json(struct req *r, json_t **out)
{
	json_error_t jerr;
	json_t *j;
	const char *ct = req_header(r, "Content-Type");

	*out = NULL;
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0) {
		adv_fail(&r->eb, ADV_EBADREQ, NULL,
			 "the body must be JSON sent with Content-Type: application/json");
		return ADV_EBADREQ;
	}
	if (r->body.len == 0)
		return adv_fail(&r->eb, ADV_EBADREQ, "", "the request body is empty");
	if (!utf8_valid(r->body.data, r->body.len))
		return adv_fail(&r->eb, ADV_EBADREQ, "", "the body is not valid UTF-8");
	j = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		return adv_fail(&r->eb, ADV_EBADREQ, "", "malformed JSON at line %d, column %d: %s",
				jerr.line, jerr.column, jerr.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return adv_fail(&r->eb, ADV_EINVAL, "", "the body must be a JSON object");
	}
	if (r->in_json != NULL)
		json_decref(r->in_json);
	r->in_json = j;
	*out = j;
	return ADV_OK;
}

enum adv_err
req_if_match(struct req *r, int64_t *version)
{
	const char *h = req_header(r, "If-Match");
	char tmp[32];
	size_t n;

	*version = 0;
	if (h == NULL)
		return ADV_OK;
	n = strlen(h);
	if (n >= 2 && h[0] == 'W' && h[1] == '/') {
		h += 2;
		n -= 2;
	}
	if (n >= 2 && h[0] == '"' && h[n - 1] == '"') {
		h++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(tmp))
		goto bad;
	memcpy(tmp, h, n);
	tmp[n] = '\0';
	if (!str_to_i64(tmp, version) || *version <= 0)
		goto bad;
	return ADV_OK;
bad:
	return adv_fail(&r->eb, ADV_EBADREQ, NULL,
			"If-Match must be the object's version in quotes, such as \"3\"");
}
