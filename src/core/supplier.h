/*
 * supplier.h — the suppliers of a client company ("Поставщики"): us or a
 * competitor from the workspace's catalogue, with the share of the client's
 * wallet each takes, the product categories bought, since when, and notes.
 * The live shares of one account never add up to more than 100 %: the check
 * runs inside the write transaction. Deleting archives a supplier.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and the account id and touches only rows
 * of that account in that workspace. Writes run in their own transaction
 * unless the connection already has one open (then they join it), and each
 * writes an audit entry tied to the account, so that it shows in the
 * account's history.
 */
#ifndef ADV_CORE_SUPPLIER_H
#define ADV_CORE_SUPPLIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define SUPPLIER_SHARE_MAX	  100.0 /* per supplier and for all of an account's together */
#define SUPPLIER_CATEGORY_MAX	  100	/* characters per category */
#define SUPPLIER_CATEGORIES_MAX	  50	/* categories per supplier */
#define SUPPLIER_NOTES_MAX	  10000
#define SUPPLIERS_PER_ACCOUNT_MAX 200

/* Fields of a supplier, for patches (a bit per field) and audit. */
enum supplier_field { SF_COMPETITOR, SF_SHARE, SF_CATEGORIES, SF_SINCE, SF_NOTES, SF__MAX };

#define SF_BIT(f) (1u << (f))

struct supplier {
	int64_t id;
	int64_t account_id;
	int64_t competitor_id;	     /* 0 = us */
	const char *competitor_name; /* output only; NULL for us */
	double share_pct;	     /* 0..100 */
	const char **categories;
	size_t ncategories;
	const char *since; /* YYYY-MM-DD, or NULL */
	const char *notes;
	int64_t version;
	const char *created_at;
	const char *updated_at;
	const char *archived_at; /* NULL unless archived */
};

/*
 * Checks the fields in mask: share 0..100, categories non-empty, at most
 * SUPPLIER_CATEGORY_MAX characters each and SUPPLIER_CATEGORIES_MAX in all,
 * since a real date, notes within SUPPLIER_NOTES_MAX, all valid UTF-8. The
 * first problem goes to eb with its field ("/share_pct").
 */
enum adv_err supplier_check(const struct supplier *in, uint32_t mask, struct adv_errbuf *eb);

/*
 * The live suppliers of account_id (us first, then by share, largest first),
 * or with archived set the archived ones (most recently archived first, at
 * most SUPPLIERS_PER_ACCOUNT_MAX): *items (arena array of *n); *total is the
 * sum of the live shares either way. ADV_ENOTFOUND when the account is not in
 * this workspace.
 */
enum adv_err supplier_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
			   bool archived, struct supplier **items, size_t *n, double *total);

/* One supplier of account_id (archived ones too); ADV_ENOTFOUND when there is none. */
enum adv_err supplier_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
			  int64_t id, struct supplier *out);

/*
 * Adds a supplier to account_id from the fields in mask (share required;
 * competitor 0 or absent = us) as actor. Errors: ADV_ENOTFOUND when the
 * account is not in the workspace; ADV_EINVAL "/competitor_id" when the
 * competitor is not a live one of this workspace; ADV_ECONFLICT
 * "/competitor_id" when that supplier is listed for the account already;
 * ADV_EINVAL "/share_pct" when the shares would total more than 100 %.
 */
enum adv_err supplier_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			     int64_t account_id, const struct supplier *in, uint32_t mask,
			     struct supplier *out, struct adv_errbuf *eb);

/*
 * Applies the fields in mask of patch to supplier id of account_id when its
 * version is expect_version (0 = any); bumps the version and audits what
 * changed. Errors as supplier_create, plus ADV_EPRECOND when the version
 * moved on and ADV_ENOTFOUND for an unknown or archived supplier.
 */
enum adv_err supplier_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			     int64_t account_id, int64_t id, int64_t expect_version,
			     const struct supplier *patch, uint32_t mask, struct supplier *out,
			     struct adv_errbuf *eb);

/*
 * Archives supplier id of account_id (it no longer counts towards the
 * shares) when its version is expect_version (0 = any); bumps the version and
 * audits. ADV_ENOTFOUND for an unknown or already archived supplier;
 * ADV_EPRECOND when the version moved on.
 */
enum adv_err supplier_archive(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			      int64_t account_id, int64_t id, int64_t expect_version,
			      struct adv_errbuf *eb);

/*
 * Restores archived supplier id of account_id when its version is
 * expect_version (0 = any): it counts towards the shares again, so the rules
 * of supplier_create apply (a live competitor, no second entry for the same
 * supplier, shares at most 100 % in total). Bumps the version, audits, and
 * fills out. Restoring a live supplier changes nothing. ADV_ENOTFOUND,
 * ADV_EPRECOND, ADV_EINVAL/ADV_ECONFLICT with the field at fault.
 */
enum adv_err supplier_restore(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			      int64_t account_id, int64_t id, int64_t expect_version,
			      struct supplier *out, struct adv_errbuf *eb);

#endif
