/*
 * attachment.c — storing, listing and fetching the files of requests (see
 * attachment.h). All SQL about request_attachments lives here. The bytes
 * go into the database as base64 text (libsodium's codec) with their
 * SHA-256, inside the request's limits, which are checked in the same write
 * transaction as the insert (writers take turns: BEGIN IMMEDIATE on SQLite,
 * the write lock on PostgreSQL), so two uploads at once cannot both slip
 * under a limit.
 */
#include "core/attachment.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/events.h"
#include "core/tx.h"
#include "util/clock.h"

/* Columns of a file's description (read_meta), with who sent it: a member, or a portal user. */
#define ATT_COLS                                                                                   \
	"x.id, x.request_id, x.message_id, x.uploader, x.user_id, x.portal_user_id, x.internal,"   \
	" COALESCE(u.name, k.name, p.name), x.name, x.content_type, x.size, x.sha256, "            \
	"x.created_at"
#define ATT_NCOLS 13
/*
 * The files of ?1 workspace, ?2 request; ?3 > 0: only that company's
 * request and only what its people may see (not internal, not on an
 * internal note); ?4 > 0: only that file.
 */
#define ATT_FROM                                                                                   \
	" FROM request_attachments x JOIN requests r ON r.id = x.request_id"                       \
	" AND r.workspace_id = x.workspace_id"                                                     \
	" LEFT JOIN users u ON u.id = x.user_id"                                                   \
	" LEFT JOIN portal_users p ON p.id = x.portal_user_id AND p.workspace_id = x.workspace_id" \
	" LEFT JOIN contacts k ON k.id = p.contact_id AND k.workspace_id = x.workspace_id"         \
	" LEFT JOIN request_messages m ON m.id = x.message_id AND m.workspace_id = x.workspace_id" \
	" WHERE x.workspace_id = ?1 AND x.request_id = ?2"                                         \
	" AND (?3 = 0 OR (r.account_id = ?3 AND x.internal = 0 AND COALESCE(m.internal, 0) = 0))"  \
	" AND (?4 = 0 OR x.id = ?4)"

static struct db_sql sql_list = DB_SQL("SELECT " ATT_COLS ATT_FROM " ORDER BY x.id LIMIT ?5");
static struct db_sql sql_fetch = DB_SQL("SELECT " ATT_COLS ", x.data_base64" ATT_FROM);
static struct db_sql sql_usage =
    DB_SQL("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM request_attachments"
	   " WHERE workspace_id = ?1 AND request_id = ?2");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO request_attachments (workspace_id, request_id, message_id, uploader,"
	   " user_id, portal_user_id, internal, name, content_type, size, sha256, created_at,"
	   " data_base64) VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
	   " RETURNING id");

/* Reads the description columns (ATT_COLS) of the current row of st into out. */
static enum adv_err
read_meta(struct db_stmt *st, struct arena *a, struct attachment *out)
{
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->request_id = db_col_int(st, 1);
	out->message_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
	out->from_client = strcmp(db_col_text(st, 3), "client") == 0;
	out->user_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
	out->portal_user_id = db_col_null(st, 5) ? 0 : db_col_int(st, 5);
	out->internal = db_col_int(st, 6) != 0;
	out->uploader_name = db_col_dup(st, a, 7, &oom);
	out->name = db_col_dup(st, a, 8, &oom);
	out->content_type = db_col_dup(st, a, 9, &oom);
	out->size = db_col_int(st, 10);
	out->sha256 = db_col_dup(st, a, 11, &oom);
	out->created_at = db_col_dup(st, a, 12, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* Binds the filters of ATT_FROM: workspace, request, company scope (0: none), file (0: any). */
static void
bind_scope(struct db_stmt *st, int64_t ws_id, int64_t request_id, int64_t account_scope, int64_t id)
{
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, request_id);
	db_bind_int(st, 3, account_scope > 0 ? account_scope : 0);
	db_bind_int(st, 4, id > 0 ? id : 0);
}

enum adv_err
attachment_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_scope,
		int64_t request_id, struct attachment **items, size_t *n)
{
	struct attachment *v = NULL;
	struct db_stmt *st;
	size_t len = 0, cap = 0;
	enum adv_err rc;
	bool row;

	*items = NULL;
	*n = 0;
	if ((rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		goto out;
	bind_scope(st, ws_id, request_id, account_scope, 0);
	db_bind_int(st, 5, ATTACHMENT_FILES_MAX);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct attachment *room = arena_array_room(a, v, &cap, len, sizeof(*v));

		if (room == NULL || (rc = read_meta(st, a, &room[len])) != ADV_OK) {
			db_done(st);
			rc = room == NULL ? ADV_ENOMEM : rc;
			goto out;
		}
		v = room;
		len++;
	}
	if (rc != ADV_OK)
		goto out;
	*items = v;
	*n = len;
out:
	return rc;
}

/* The description of file id of request request_id (no scope) into *out; ADV_ENOTFOUND. */
static enum adv_err
read_one(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t request_id, int64_t id,
	 struct attachment *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		goto out;
	bind_scope(st, ws_id, request_id, 0, id);
	db_bind_int(st, 5, 1);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_ENOTFOUND;
		goto out;
	}
	rc = read_meta(st, a, out);
	db_done(st);
out:
	return rc;
}

enum adv_err
attachment_fetch(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_scope,
		 int64_t request_id, int64_t id, struct attachment *meta, char **data, size_t *size)
{
	struct db_stmt *st;
	const char *b64;
	char *bin = NULL;
	size_t b64_len, bin_len = 0;
	enum adv_err rc;
	bool row;

	*data = NULL;
	*size = 0;
	if ((rc = db_prepare(c, &sql_fetch, &st)) != ADV_OK)
		goto out;
	bind_scope(st, ws_id, request_id, account_scope, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_ENOTFOUND;
		goto out;
	}
	if ((rc = read_meta(st, a, meta)) != ADV_OK)
		goto done;
	b64 = db_col_text(st, ATT_NCOLS);
	b64_len = db_col_bytes(st, ATT_NCOLS);
	if (meta->size <= 0 || meta->size > (int64_t)ATTACHMENT_FILE_MAX || b64 == NULL) {
		rc = ADV_EDB;
		goto done;
	}
	if ((bin = malloc((size_t)meta->size)) == NULL) {
		rc = ADV_ENOMEM;
		goto done;
	}
	if (sodium_base642bin((unsigned char *)bin, (size_t)meta->size, b64, b64_len, NULL,
			      &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    bin_len != (size_t)meta->size) {
		rc = ADV_EDB;
		goto done;
	}
	*data = bin;
	*size = bin_len;
	bin = NULL;
done:
	db_done(st);
out:
	free(bin);
	return rc;
}

/* Checks the bytes and the name of a file before anything is read or written. */
static enum adv_err
check_file(struct arena *a, const void *data, size_t size, const char *raw_name,
	   enum attachment_type *type, const char **name, struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;

	if (size == 0)
		rc = adv_fail(eb, ADV_EINVAL, ATTACHMENT_FIELD_FILE, "the file is empty");
	else if (size > ATTACHMENT_FILE_MAX)
		rc = adv_fail(eb, ADV_ETOOBIG, ATTACHMENT_FIELD_FILE,
			      "a file may be at most %u MiB; this one is %zu bytes",
			      ATTACHMENT_FILE_MAX / (1024u * 1024u), size);
	else if ((*type = attachment_detect(data, size)) == AT__MAX)
		rc = adv_fail(eb, ADV_EINVAL, ATTACHMENT_FIELD_FILE,
			      "files may be PDF documents, PNG, JPEG, GIF or WebP images, UTF-8 "
			      "text or CSV, or Word, Excel or PowerPoint documents (DOCX, XLSX, "
			      "PPTX, without macros); this file is none of them");
	else
		rc = attachment_name_clean(a, raw_name, type, name, eb);
	return rc;
}

/* Checks that one more file of size bytes keeps request_id within its limits. */
static enum adv_err
check_room(struct db_conn *c, int64_t ws_id, int64_t request_id, size_t size, struct adv_errbuf *eb)
{
	struct db_stmt *st;
	int64_t files = 0, bytes = 0;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_usage, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, request_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (row) {
		files = db_col_int(st, 0);
		bytes = db_col_int(st, 1);
		db_done(st);
	}
	if (files >= ATTACHMENT_FILES_MAX)
		rc = adv_fail(eb, ADV_ETOOBIG, ATTACHMENT_FIELD_FILE,
			      "a request may have at most %d files", ATTACHMENT_FILES_MAX);
	else if (bytes + (int64_t)size > (int64_t)ATTACHMENT_REQUEST_BYTES_MAX)
		rc = adv_fail(eb, ADV_ETOOBIG, ATTACHMENT_FIELD_FILE,
			      "the files of a request may hold at most %u MiB in all; %lld bytes "
			      "are taken",
			      ATTACHMENT_REQUEST_BYTES_MAX / (1024u * 1024u), (long long)bytes);
out:
	return rc;
}

/* Inserts the file; its id into *id. b64 is the bytes' base64 text. */
static enum adv_err
insert_file(struct db_conn *c, int64_t ws_id, int64_t request_id, const struct request_actor *actor,
	    bool internal, const char *name, enum attachment_type type, size_t size,
	    const char *sha256, const char *now, const char *b64, int64_t *id)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, request_id);
	db_bind_text(st, 3, actor->client ? "client" : "staff");
	db_bind_id(st, 4, actor->client ? 0 : actor->user_id);
	db_bind_id(st, 5, actor->client ? actor->portal_user_id : 0);
	db_bind_int(st, 6, internal ? 1 : 0);
	db_bind_text(st, 7, name);
	db_bind_text(st, 8, attachment_type_mime(type));
	db_bind_int(st, 9, (int64_t)size);
	db_bind_text(st, 10, sha256);
	db_bind_text(st, 11, now);
	/* b64 outlives the statement: it is reset by db_done below before the caller frees it. */
	db_bind_text_ref(st, 12, b64);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EDB;
		goto out;
	}
	*id = db_col_int(st, 0);
	db_done(st);
out:
	return rc;
}

/* Records the upload in the account's history and raises the request's event. */
static enum adv_err
note_upload(struct db_conn *c, int64_t ws_id, const struct request_actor *actor,
	    const struct request *x, bool internal, const char *name)
{
	struct event e = {.ws_id = ws_id,
			  .entity = "request",
			  .id = x->id,
			  .account_id = x->account_id,
			  .topic_id = x->id,
			  .action = "attachment",
			  .visibility = internal ? EVENT_STAFF : EVENT_PUBLIC,
			  .extra = NULL};
	json_t *changes = json_pack("{s:{s:n, s:s}}", "attachment", "from", "to", name);
	enum adv_err rc;

	if (changes == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor->client ? 0 : actor->user_id, "request", x->id,
			      x->account_id, "attach", changes)) != ADV_OK)
		goto out;
	rc = events_raise_ex(c, &e);
out:
	json_decref(changes);
	return rc;
}

enum adv_err
attachment_store(struct db_conn *c, struct arena *a, int64_t ws_id,
		 const struct request_actor *actor, int64_t request_id, const void *data,
		 size_t size, const char *raw_name, bool internal, struct attachment *out,
		 struct adv_errbuf *eb)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char sha256[ATTACHMENT_SHA256_HEX + 1], now[CLOCK_TEXT_MAX];
	enum attachment_type type = AT__MAX;
	const char *name = NULL;
	struct request x;
	char *b64 = NULL;
	size_t b64_cap;
	int64_t id = 0;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = check_file(a, data, size, raw_name, &type, &name, eb)) != ADV_OK)
		goto out;
	if (actor->client && internal) {
		rc = adv_fail(eb, ADV_EINVAL, "internal", "a client's files are never internal");
		goto out;
	}
	crypto_hash_sha256(digest, data, size);
	sodium_bin2hex(sha256, sizeof(sha256), digest, sizeof(digest));
	b64_cap = sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL);
	if ((b64 = malloc(b64_cap)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	sodium_bin2base64(b64, b64_cap, data, size, sodium_base64_VARIANT_ORIGINAL);
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	rc = request_get(c, a, ws_id, actor->client ? actor->account_id : 0, request_id, &x);
	if (rc == ADV_ENOTFOUND) {
		rc = adv_fail(eb, rc, NULL, "no such request: %lld", (long long)request_id);
		goto out;
	}
	if (rc != ADV_OK)
		goto out;
	if (actor->client && (x.status == RS_RESOLVED || x.status == RS_CLOSED)) {
		rc = adv_fail(eb, ADV_ECONFLICT, NULL,
			      "the request is %s: reopen it to send files again",
			      request_status_name(x.status));
		goto out;
	}
	clock_now_plus(0, now);
	if ((rc = check_room(c, ws_id, request_id, size, eb)) != ADV_OK ||
	    (rc = insert_file(c, ws_id, request_id, actor, internal, name, type, size, sha256, now,
			      b64, &id)) != ADV_OK ||
	    (rc = note_upload(c, ws_id, actor, &x, internal, name)) != ADV_OK)
		goto out;
	rc = tx_end(c, &t, ADV_OK);
	began = false;
	if (rc != ADV_OK)
		goto out;
	/* Read back through the list's query: the uploader's name comes from its joins. */
	if ((rc = read_one(c, a, ws_id, request_id, id, out)) == ADV_ENOTFOUND)
		rc = ADV_EINTERNAL;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	free(b64);
	return rc;
}
