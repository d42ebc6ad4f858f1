/*
 * import_fixtures.h — helpers shared by the spreadsheet import tests
 * (accounts, contacts): uploading a CSV file, reading the report (the 200
 * answer or the "report" of a 422 problem), and making Windows-1251 bytes.
 */
#ifndef ADV_TESTS_IMPORT_FIXTURES_H
#define ADV_TESTS_IMPORT_FIXTURES_H

#include <stddef.h>

#include "harness.h"

/*
 * POSTs the n bytes at body as a CSV file to /api/v1/workspaces/WS/imports/KIND
 * with the query q (NULL for none) as user. Returns the status, or -1 when the
 * request could not be sent; the answer goes to *r (hresp_free).
 */
long if_post(struct harness *h, const char *kind, const char *ws, const char *q, int user,
	     const char *body, size_t n, struct hresp *r);

/* The integer member name of an import report: obj itself, or obj's "report". */
long long if_rep_int(const json_t *obj, const char *name);

/* The report's list of problems ("rejected"), of obj itself or obj's "report". */
const json_t *if_rejects(const json_t *obj);

/* utf8 converted to Windows-1251 (malloc'ed; the caller frees it), its length in *n. */
char *if_cp1251(const char *utf8, size_t *n);

#endif
