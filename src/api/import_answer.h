/*
 * import_answer.h — what every file import of the API shares (api/imports.c
 * for client companies and their people, api/response_io.c for the
 * responses of a study): the Content-Types an upload may come with, the 415
 * answer for others, the options from the query, and the answer with the
 * import's report (200, or 422 with the report under "report").
 */
#ifndef ADV_API_IMPORT_ANSWER_H
#define ADV_API_IMPORT_ANSWER_H

#include <stdbool.h>

#include "core/import.h"
#include "http/http.h"

/* True when Content-Type ct (parameters ignored) is name, in any case. */
bool import_ctype_is(const char *ct, const char *name);

/* True when ct is one a CSV upload comes with (browsers on Windows send Excel's). */
bool import_ctype_csv(const char *ct);

/* Answers 415 with detail (a message saying what to send); returns ADV_OK. */
enum adv_err import_unsupported(struct req *r, const char *detail);

/* Reads dry_run and skip_invalid from the query into *o, the caller as the actor. */
enum adv_err import_opts_read(struct req *r, struct import_opts *o);

/*
 * Answers the outcome rc of an import run with options o and report rep:
 * 200 with the report; for rows rejected without skip_invalid (ADV_EINVAL
 * with rows_rejected > 0) the 422 problem with the report under "report";
 * any other error is returned for the caller to answer. encoding names the
 * file's encoding in the report (the report's own when NULL).
 */
enum adv_err import_answer(struct req *r, enum adv_err rc, const struct import_opts *o,
			   const struct import_report *rep, const char *encoding);

#endif
