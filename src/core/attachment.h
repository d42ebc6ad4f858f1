/*
 * attachment.h — files attached to the requests of the dialog window
 * (core/request.h): what a client or staff member sends along with a
 * request, such as a scanned invoice, a photo of a damaged delivery or a
 * spreadsheet.
 *
 * A file is accepted only when its bytes are one of the allowed types
 * (enum attachment_type), recognised from the bytes themselves and never
 * from what the client says: PDF, PNG, JPEG, GIF, WebP, UTF-8 plain text or
 * CSV, and Office Open XML documents (DOCX, XLSX, PPTX; macro-enabled ones
 * are refused). The name is cleaned (no folders, no control or direction
 * characters, an extension that matches the content) and is what people see
 * and what a download is saved as. The bytes are kept in the database
 * (sql/0012_attachments.sql) with their size and SHA-256, within per-file
 * and per-request limits.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and touches only rows of that workspace;
 * the client side also passes its company (account_scope > 0) and never
 * reaches another company's request or a staff-only (internal) file.
 */
#ifndef ADV_CORE_ATTACHMENT_H
#define ADV_CORE_ATTACHMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/request.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define ATTACHMENT_FILE_MAX	     (10u * 1024u * 1024u) /* bytes of one file */
#define ATTACHMENT_FILES_MAX	     20			   /* files of one request */
#define ATTACHMENT_REQUEST_BYTES_MAX (50u * 1024u * 1024u) /* bytes of a request's files */
#define ATTACHMENT_NAME_MAX	     200		   /* characters of a cleaned name */
#define ATTACHMENT_NAME_IN_MAX	     1024		   /* bytes of the name as sent */
#define ATTACHMENT_ZIP_ENTRIES_MAX   10000 /* entries of an Office document looked at */
#define ATTACHMENT_SHA256_HEX	     64	   /* hex digits of a SHA-256 digest */

/*
 * The field names of refusals in the error buffer: "name" for the name as
 * sent; "file" for the bytes — ADV_EINVAL "file" means the content is not
 * an allowed type or not the type its name says (the API answers 415).
 */
#define ATTACHMENT_FIELD_NAME "name"
#define ATTACHMENT_FIELD_FILE "file"

/* The allowed kinds of content. */
enum attachment_type {
	AT_PDF,
	AT_PNG,
	AT_JPEG,
	AT_GIF,
	AT_WEBP,
	AT_TEXT, /* UTF-8 text without control characters other than tab and line breaks */
	AT_CSV,	 /* such text named .csv */
	AT_DOCX,
	AT_XLSX,
	AT_PPTX,
	AT__MAX /* none of them */
};

struct attachment {
	int64_t id, request_id;
	int64_t message_id; /* the message it was sent with; 0: attached to the request itself */
	bool from_client;   /* uploaded through the portal */
	bool internal;	    /* staff only */
	int64_t user_id, portal_user_id;
	const char *uploader_name; /* the member's or the client person's name, or NULL */
	const char *name;	   /* cleaned, with an extension that matches the content */
	const char *content_type;  /* the MIME type a download is served with */
	int64_t size;		   /* bytes */
	const char *sha256;	   /* ATTACHMENT_SHA256_HEX lowercase hex digits */
	const char *created_at;
};

/*
 * The allowed type the size bytes at data are, judged by their leading magic
 * numbers and structure only (a text must be valid UTF-8 without NUL or
 * control characters; an Office document a ZIP archive whose directory
 * holds "[Content_Types].xml" and the main part of exactly one of DOCX,
 * XLSX and PPTX, and no VBA project). AT_TEXT stands for CSV too. AT__MAX
 * when it is none of them, or size is 0. Pure; reads no more than size
 * bytes.
 */
enum attachment_type attachment_detect(const void *data, size_t size);

/* The MIME type files of type t are served with (static storage); NULL for AT__MAX. */
const char *attachment_type_mime(enum attachment_type t);

/* A short English label of type t for messages ("a PDF document"), static storage. */
const char *attachment_type_label(enum attachment_type t);

/*
 * Cleans raw, the file name a client sent, for a file whose content is of
 * type *type (from attachment_detect): drops any folders before the last
 * '/' or '\', replaces characters file systems or displays misread (<>:"|?*
 * and Unicode direction and zero-width marks) with '_', trims white space
 * and dots at either end, prefixes a Windows device name with '_', and cuts
 * the name to ATTACHMENT_NAME_MAX characters keeping the extension. The
 * extension decides between text and CSV (*type becomes AT_CSV for .csv);
 * a name without a known extension gets the type's own appended. *out is
 * an arena string. Errors: ADV_EINVAL "name" when raw is NULL or empty,
 * longer than ATTACHMENT_NAME_IN_MAX bytes, not valid UTF-8, or holds
 * control characters; ADV_EINVAL "file" when the extension belongs to
 * another allowed type than the content (a disguised file); ADV_ENOMEM.
 */
enum adv_err attachment_name_clean(struct arena *a, const char *raw, enum attachment_type *type,
				   const char **out, struct adv_errbuf *eb);

/*
 * Stores the size bytes at data, named raw_name, as a file of request
 * request_id sent by actor (a client: only within their company, never
 * internal; staff may mark it internal), attached to the request itself
 * (message_id 0). Checks in this order: size (0: ADV_EINVAL "file"; above
 * ATTACHMENT_FILE_MAX: ADV_ETOOBIG "file"), the type (ADV_EINVAL "file"),
 * the name (attachment_name_clean), the request in scope (ADV_ENOTFOUND),
 * a client writing to a resolved or closed request (ADV_ECONFLICT: reopen
 * first), and the request's limits (ATTACHMENT_FILES_MAX files,
 * ATTACHMENT_REQUEST_BYTES_MAX bytes: ADV_ETOOBIG). Nothing is written when
 * any fails. Runs in its own transaction unless one is open (then joins
 * it), audits the upload in the account's history ("request" action
 * "attach") and raises the request's event ("attachment"). *out is the
 * stored file; data is borrowed.
 */
enum adv_err attachment_store(struct db_conn *c, struct arena *a, int64_t ws_id,
			      const struct request_actor *actor, int64_t request_id,
			      const void *data, size_t size, const char *raw_name, bool internal,
			      struct attachment *out, struct adv_errbuf *eb);

/*
 * The files of request request_id, oldest first, into *items (an arena
 * array of *n, at most ATTACHMENT_FILES_MAX): account_scope > 0 limits them
 * to that company's request (the portal) and leaves out internal ones.
 * An unknown or out-of-scope request has none: check the request first to
 * tell it apart (request_get).
 */
enum adv_err attachment_list(struct db_conn *c, struct arena *a, int64_t ws_id,
			     int64_t account_scope, int64_t request_id, struct attachment **items,
			     size_t *n);

/*
 * File id of request request_id: its description into *meta and its bytes
 * into *data (malloc'ed, owned by the caller: free it, or hand it to
 * resp_take) of *size bytes. account_scope > 0 limits it as in
 * attachment_list. Errors: ADV_ENOTFOUND when there is no such file in
 * scope; ADV_EDB when the stored bytes do not decode to the recorded size;
 * ADV_ENOMEM.
 */
enum adv_err attachment_fetch(struct db_conn *c, struct arena *a, int64_t ws_id,
			      int64_t account_scope, int64_t request_id, int64_t id,
			      struct attachment *meta, char **data, size_t *size);

#endif
