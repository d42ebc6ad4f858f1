/*
 * attachments.h — what the portal's attachment endpoints
 * (portal_attachments.c) share with the staff ones (attachments.c): the
 * JSON of a file, the upload with its answers (201, 413, 415, 422), the
 * list, and the download with the headers that keep a browser from running
 * or sniffing what it receives.
 */
#ifndef ADV_API_ATTACHMENTS_H
#define ADV_API_ATTACHMENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/attachment.h"
#include "http/http.h"

/* The Content-Security-Policy of a download: nothing loads, nothing runs. */
#define ATTACHMENTS_CSP "default-src 'none'; sandbox"

/*
 * The JSON of file x (new reference, NULL when out of memory): url is the
 * path of the request's files it is downloaded under (".../attachments");
 * for_client leaves out "internal".
 */
json_t *attachments_json(const struct attachment *x, const char *url, bool for_client);

/*
 * The Content-Disposition of a download named name (UTF-8): attachment, an
 * ASCII fallback in filename and the exact name percent-encoded in
 * filename* (RFC 6266, RFC 8187). An arena string, NULL when out of memory.
 */
const char *attachments_disposition(struct arena *a, const char *name);

/*
 * Stores the request body as a file of request_id for actor in workspace
 * ws_id, named by the query parameter name, and answers 201 with it and its
 * Location (url: the path of the request's files). A body sent as a
 * multipart form is answered 415; an empty one 422 "file"; content of a type that is
 * not allowed or does not match the name 415 "file"; other refusals as
 * attachment_store returns them (413, 422 "name", 404, 409).
 */
enum adv_err attachments_upload(struct req *r, int64_t ws_id, const struct request_actor *actor,
				int64_t request_id, bool internal, const char *url);

/* Answers 200 with {"items":[…]}: the files of request_id in scope (see attachment_list). */
enum adv_err attachments_answer_list(struct req *r, int64_t ws_id, int64_t account_scope,
				     int64_t request_id, const char *url);

/*
 * Answers the file the path's {aid} names, of request_id in scope, as a
 * download: its stored Content-Type, Content-Disposition, ATTACHMENTS_CSP,
 * Cache-Control private, no-store and its SHA-256 as ETag (the server adds
 * X-Content-Type-Options: nosniff to every answer). 404 when there is no
 * such file in scope.
 */
enum adv_err attachments_download(struct req *r, int64_t ws_id, int64_t account_scope,
				  int64_t request_id);

#endif
