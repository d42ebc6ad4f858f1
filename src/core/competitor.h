/*
 * competitor.h — the workspace's catalogue of competitors ("Конкуренты"):
 * the suppliers other than us that client companies buy from. Names are
 * unique among the live entries of a workspace regardless of case; deleting
 * archives an entry (suppliers that name it keep it), restoring brings it back.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and touches only that workspace's rows.
 * Writes run in their own transaction unless the connection already has one
 * open (then they join it), and each writes an audit entry.
 */
#ifndef ADV_CORE_COMPETITOR_H
#define ADV_CORE_COMPETITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define COMPETITOR_NAME_MAX	   300
#define COMPETITOR_WEBSITE_MAX	   300
#define COMPETITOR_NOTES_MAX	   10000
#define COMPETITOR_LIST_LIMIT_MAX  500
#define COMPETITOR_LIST_LIMIT_DFLT 50
#define COMPETITOR_QUERY_MAX	   300 /* characters of a search */

/* Fields of a competitor, for patches (a bit per field) and audit. */
enum competitor_field { CF_NAME, CF_WEBSITE, CF_NOTES, CF__MAX };

#define CF_BIT(f) (1u << (f))

struct competitor {
	int64_t id;
	const char *name;
	const char *website; /* NULL when unset, as for every optional text */
	const char *notes;
	int64_t version;
	const char *created_at;
	const char *updated_at;
	const char *archived_at; /* NULL unless archived */
};

struct competitor_filter {
	const char *q;	    /* substring of the name, any case; NULL = all */
	bool archived;	    /* list archived entries instead of live ones */
	unsigned limit;	    /* 1..COMPETITOR_LIST_LIMIT_MAX */
	const char *cursor; /* from a previous page's next_cursor, or NULL */
};

/*
 * Checks the fields in mask: name 1..COMPETITOR_NAME_MAX characters (not only
 * spaces), website a web address, notes within COMPETITOR_NOTES_MAX, all
 * valid UTF-8. The first problem goes to eb with its field ("/name").
 */
enum adv_err competitor_check(const struct competitor *in, uint32_t mask, struct adv_errbuf *eb);

/*
 * Creates a competitor from in (name required; website and notes may be
 * NULL) as actor; text is trimmed. ADV_ECONFLICT "/name" when a live
 * competitor of the workspace has the same name in any case. *out is the
 * stored entry.
 */
enum adv_err competitor_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			       const struct competitor *in, struct competitor *out,
			       struct adv_errbuf *eb);

/* One competitor (archived ones too); ADV_ENOTFOUND when not in this workspace. */
enum adv_err competitor_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
			    struct competitor *out);

/*
 * Applies the fields in mask of patch to competitor id when its version is
 * expect_version (0 = any); bumps the version and audits what changed (a
 * patch that changes nothing changes nothing). ADV_EPRECOND when the version
 * moved on; ADV_ENOTFOUND; ADV_ECONFLICT "/name" for a duplicate live name.
 */
enum adv_err competitor_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			       int64_t id, int64_t expect_version, const struct competitor *patch,
			       uint32_t mask, struct competitor *out, struct adv_errbuf *eb);

/*
 * Archives (archive true) or restores competitor id when its version is
 * expect_version (0 = any); bumps the version and audits. Archiving an
 * archived entry or restoring a live one changes nothing. Restoring fails
 * with ADV_ECONFLICT "/name" when a live entry has taken the name meanwhile.
 */
enum adv_err competitor_archive(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				int64_t id, int64_t expect_version, bool archive,
				struct competitor *out, struct adv_errbuf *eb);

/*
 * One page of competitors matching f, by name then id: *items (arena array
 * of *n) and *next_cursor (arena string, NULL on the last page).
 * ADV_EINVAL "cursor" for a cursor that is not one of ours.
 */
enum adv_err competitor_list(struct db_conn *c, struct arena *a, int64_t ws_id,
			     const struct competitor_filter *f, struct competitor **items,
			     size_t *n, const char **next_cursor, struct adv_errbuf *eb);

#endif
