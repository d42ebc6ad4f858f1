/*
 * entry.c — the mechanics shared by the catalogue's and the journey map's
 * versioned, bilingual, ordered entries (see entry.h). No SQL of its own:
 * each kind's statements come in as arguments.
 */
#include "core/entry.h"

#include <string.h>

#include "core/audit.h"
#include "core/tx.h"
#include "util/clock.h"

#define CODE_TRIES 100 /* suffixes tried when the code made from an id is taken */

const char *
entry_col_text(struct db_stmt *st, int i, struct arena *a, bool *oom)
{
	char *s;

	if (db_col_null(st, i))
		return NULL;
	if ((s = arena_strdup(a, db_col_text(st, i))) == NULL)
		*oom = true;
	return s;
}

enum adv_err
entry_get(struct db_conn *c, struct arena *a, struct db_sql *sql, int64_t ws_id, int64_t id,
	  entry_read_fn read, void *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	rc = read(st, a, out);
	db_done(st);
	return rc;
}

enum adv_err
entry_list(struct db_stmt *st, struct arena *a, size_t size, entry_read_fn read, void **items,
	   size_t *n)
{
	char *v = NULL, *grown;
	size_t cap = 0, len = 0;
	enum adv_err rc;
	bool row;

	*items = NULL;
	*n = 0;
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		if ((grown = arena_array_room(a, v, &cap, len, size)) == NULL ||
		    read(st, a, grown + len * size) != ADV_OK) {
			db_done(st);
			return ADV_ENOMEM;
		}
		v = grown;
		len++;
	}
	if (rc != ADV_OK)
		return rc;
	*items = v;
	*n = len;
	return ADV_OK;
}

enum adv_err
entry_found(enum adv_err rc, struct adv_errbuf *eb, const char *noun, int64_t id)
{
	if (rc == ADV_ENOTFOUND)
		return adv_fail(eb, rc, NULL, "no such %s: %lld", noun, (long long)id);
	return rc;
}

enum adv_err
entry_version_check(struct adv_errbuf *eb, const char *noun, int64_t expect, int64_t version)
{
	if (expect == 0 || expect == version)
		return ADV_OK;
	return adv_fail(eb, ADV_EPRECOND, NULL,
			"the %s was changed by someone else (version %lld, not %lld); reload it "
			"and apply your change again",
			noun, (long long)version, (long long)expect);
}

/* *taken is true when an entry of kind other than self has code. */
static enum adv_err
code_taken(struct db_conn *c, const struct entry_code_kind *kind, int64_t ws_id, const char *code,
	   int64_t self, bool *taken)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*taken = false;
	if ((rc = db_prepare(c, kind->taken, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, code);
	db_bind_int(st, 3, self);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	db_done(st);
	*taken = true;
	return ADV_OK;
}

enum adv_err
entry_code_free(struct db_conn *c, const struct entry_code_kind *kind, int64_t ws_id,
		const char *code, int64_t self, struct adv_errbuf *eb)
{
	bool taken;
	enum adv_err rc = code_taken(c, kind, ws_id, code, self, &taken);

	if (rc == ADV_OK && taken)
		rc = adv_fail(eb, ADV_ECONFLICT, "/code", kind->taken_is, code);
	return rc;
}

enum adv_err
entry_code_make(struct db_conn *c, struct arena *a, const struct entry_code_kind *kind,
		int64_t ws_id, int64_t id, const char **code)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool taken = true;
	char *s = NULL;

	for (int i = 1; taken && i <= CODE_TRIES; i++) {
		s = i == 1 ? arena_printf(a, "%s%lld", kind->prefix, (long long)id)
			   : arena_printf(a, "%s%lld-%d", kind->prefix, (long long)id, i);
		if (s == NULL)
			return ADV_ENOMEM;
		if ((rc = code_taken(c, kind, ws_id, s, id, &taken)) != ADV_OK)
			return rc;
	}
	if (taken)
		return ADV_ECONFLICT;
	if ((rc = db_prepare(c, kind->set, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, s);
	*code = s;
	return db_exec(st);
}

enum adv_err
entry_slots(struct db_conn *c, struct arena *a, const struct catalogue_order_kind *kind,
	    int64_t ws_id, int64_t scope, const char *tag, struct catalogue_slot **rows, size_t *n)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, kind->slots, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	if (scope > 0)
		db_bind_int(st, 2, scope);
	if (tag != NULL)
		db_bind_text(st, 3, tag);
	return catalogue_order_load(st, a, rows, n);
}

enum adv_err
entry_place(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
	    const struct catalogue_order_kind *kind, int64_t scope, const char *tag, int64_t id,
	    int64_t position, int64_t *placed, const char *now)
{
	struct catalogue_slot *rows;
	size_t n;
	enum adv_err rc;

	if ((rc = entry_slots(c, a, kind, ws_id, scope, tag, &rows, &n)) != ADV_OK)
		return rc;
	catalogue_order_place(rows, &n, id, position);
	return catalogue_order_store(c, ws_id, actor, kind, rows, n, id, placed, now);
}

enum adv_err
entry_reorder(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
	      const struct catalogue_order_kind *kind, int64_t scope, const char *tag,
	      const int64_t *ids, size_t n, struct adv_errbuf *eb)
{
	struct catalogue_slot *rows;
	char now[CLOCK_TEXT_MAX];
	struct tx t;
	size_t nrows;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		return rc;
	clock_now_plus(0, now);
	if ((rc = entry_slots(c, a, kind, ws_id, scope, tag, &rows, &nrows)) == ADV_OK &&
	    (rc = catalogue_order_permute(a, rows, nrows, ids, n, eb)) == ADV_OK)
		rc = catalogue_order_store(c, ws_id, actor, kind, rows, nrows, 0, NULL, now);
	return tx_end(c, &t, rc);
}

enum adv_err
entry_audit(struct db_conn *c, int64_t ws_id, int64_t actor, const char *entity, int64_t id,
	    const char *action, json_t *before, json_t *after)
{
	json_t *changes = catalogue_diff(before, after);
	enum adv_err rc;

	if (changes == NULL)
		return ADV_ENOMEM;
	rc = audit_write(c, ws_id, actor, entity, id, 0, action, changes);
	json_decref(changes);
	return rc;
}
