/*
 * import_fixtures.c — helpers shared by the spreadsheet import tests (see
 * import_fixtures.h).
 */
#include "import_fixtures.h"

#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

long
if_post(struct harness *h, const char *kind, const char *ws, const char *q, int user,
	const char *body, size_t n, struct hresp *r)
{
	char path[256];

	snprintf(path, sizeof(path), "/api/v1/workspaces/%s/imports/%s%s%s", ws, kind, q ? "?" : "",
		 q ? q : "");
	if (hreq(h, "POST", path, user, "text/csv", body, n, NULL, r) != 0)
		return -1;
	return r->status;
}

/* The report: obj itself, or obj's "report" when obj is a problem document. */
static const json_t *
if_report(const json_t *obj)
{
	return json_object_get(obj, "report") ? json_object_get(obj, "report") : obj;
}

long long
if_rep_int(const json_t *obj, const char *name)
{
	return json_integer_value(json_object_get(if_report(obj), name));
}

const json_t *
if_rejects(const json_t *obj)
{
	return json_object_get(if_report(obj), "rejected");
}

char *
if_cp1251(const char *utf8, size_t *n)
{
	iconv_t cd = iconv_open("WINDOWS-1251", "UTF-8");
	size_t il = strlen(utf8), ol = il + 1;
	char *out = malloc(ol), *ip = (char *)utf8, *op = out;

	assert_true(cd != (iconv_t)-1);
	assert_non_null(out);
	assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	iconv_close(cd);
	*n = (size_t)(op - out);
	return out;
}
