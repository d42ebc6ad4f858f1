/*
 * entry.h — the mechanics shared by the versioned, bilingual, ordered
 * entries of the loyalty catalogue (components, factors) and the journey
 * map (stages, items): reading a row by id or a list of rows, the unique
 * code of an entry, the 404 and 412 answers of an edit, moving an entry in
 * its ordered list, reordering a list, and auditing an edit. The SQL of each
 * kind stays with its module; these take it as arguments.
 */
#ifndef ADVOCATE_CORE_ENTRY_H
#define ADVOCATE_CORE_ENTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/catalogue.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

/* Reads the current row of st into the entry *out (a struct of the caller's kind). */
typedef enum adv_err (*entry_read_fn)(struct db_stmt *st, struct arena *a, void *out);

/* An arena copy of text column i of st, or NULL for NULL; sets *oom when copying fails. */
const char *entry_col_text(struct db_stmt *st, int i, struct arena *a, bool *oom);

/*
 * Reads the one row of sql (?1 workspace, ?2 id) with read into out.
 * ADV_ENOTFOUND when there is none; ADV_ENOMEM; database errors.
 */
enum adv_err entry_get(struct db_conn *c, struct arena *a, struct db_sql *sql, int64_t ws_id,
		       int64_t id, entry_read_fn read, void *out);

/*
 * Reads every row of the prepared and bound statement st with read into an
 * arena array *items of *n entries of size bytes. ADV_ENOMEM; database errors.
 */
enum adv_err entry_list(struct db_stmt *st, struct arena *a, size_t size, entry_read_fn read,
			void **items, size_t *n);

/*
 * ADV_ENOTFOUND from a load becomes "no such <noun>: <id>" in eb; any other
 * rc passes through.
 */
enum adv_err entry_found(enum adv_err rc, struct adv_errbuf *eb, const char *noun, int64_t id);

/*
 * ADV_OK when expect is 0 (no check) or the stored version; else the 412
 * answer (ADV_EPRECOND) saying the <noun> was changed by someone else.
 */
enum adv_err entry_version_check(struct adv_errbuf *eb, const char *noun, int64_t expect,
				 int64_t version);

/* How the unique code of one kind of entry is checked and made. */
struct entry_code_kind {
	struct db_sql *taken; /* ?1 workspace, ?2 code, ?3 self: a row when another has code */
	struct db_sql *set;   /* ?1 workspace, ?2 id, ?3 code */
	const char *prefix;   /* of the made code: prefix<id> */
	const char *taken_is; /* the conflict message, a format with one %s for the code */
};

/* ADV_ECONFLICT "/code" (kind->taken_is) when an entry other than self has code. */
enum adv_err entry_code_free(struct db_conn *c, const struct entry_code_kind *kind, int64_t ws_id,
			     const char *code, int64_t self, struct adv_errbuf *eb);

/*
 * Gives the new entry id the code "<prefix><id>" (or "<prefix><id>-N" when
 * taken) and stores it; *code is the result, an arena string. ADV_ECONFLICT
 * when every suffix tried is taken.
 */
enum adv_err entry_code_make(struct db_conn *c, struct arena *a, const struct entry_code_kind *kind,
			     int64_t ws_id, int64_t id, const char **code);

/*
 * The ordered list of kind (kind->slots: ?1 workspace, ?2 scope when scope
 * > 0, ?3 tag when tag is not NULL), as catalogue_order_load.
 */
enum adv_err entry_slots(struct db_conn *c, struct arena *a,
			 const struct catalogue_order_kind *kind, int64_t ws_id, int64_t scope,
			 const char *tag, struct catalogue_slot **rows, size_t *n);

/*
 * Moves entry id (0: one being created) to position (0: last) in the list
 * of kind at (scope, tag), renumbering the others (catalogue_order_store);
 * the entry's own new position goes to *placed, for its caller to write.
 */
enum adv_err entry_place(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			 const struct catalogue_order_kind *kind, int64_t scope, const char *tag,
			 int64_t id, int64_t position, int64_t *placed, const char *now);

/*
 * In one transaction: puts the visible entries of the list of kind at
 * (scope, tag) into the order of ids[0..n) (catalogue_order_permute) and
 * stores the positions that changed, as actor. ADV_EINVAL "/ids".
 */
enum adv_err entry_reorder(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			   const struct catalogue_order_kind *kind, int64_t scope, const char *tag,
			   const int64_t *ids, size_t n, struct adv_errbuf *eb);

/*
 * Audits entity id's change (action) from before (NULL: created) to after,
 * JSON field objects, both borrowed: the members that differ.
 */
enum adv_err entry_audit(struct db_conn *c, int64_t ws_id, int64_t actor, const char *entity,
			 int64_t id, const char *action, json_t *before, json_t *after);

#endif
