/*
 * account.h — client companies ("Компании-потребители"): the card's General
 * info and About the company fields, listing with search, filters, sort and
 * cursor pages, versioned edits, archiving and restoring, and the audit trail
 * of every change.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and touches only that workspace's rows.
 * Writes run in their own transaction unless the connection already has one
 * open (then they join it: imports wrap many rows in one transaction).
 */
#ifndef ADV_CORE_ACCOUNT_H
#define ADV_CORE_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define ACCOUNT_NAME_MAX	300
#define ACCOUNT_TEXT_MAX	300 /* legal name, segment, industry, region, city, churn reason */
#define ACCOUNT_EXTERNAL_ID_MAX 100
#define ACCOUNT_WEBSITE_MAX	300
#define ACCOUNT_EMPLOYEES_MAX	32
#define ACCOUNT_DESCRIPTION_MAX 10000
#define ACCOUNT_TAG_MAX		64 /* characters per tag */
#define ACCOUNT_TAGS_MAX	50 /* tags per account */
#define ACCOUNT_LIST_LIMIT_MAX	500
#define ACCOUNT_LIST_LIMIT_DFLT 50
#define ACCOUNT_REVENUE_MAX	1e18

enum account_status {
	ACCOUNT_PROSPECT,
	ACCOUNT_ACTIVE,
	ACCOUNT_AT_RISK,
	ACCOUNT_CHURNED,
	ACCOUNT_STATUS__MAX
};

/* Fields of an account, for patches (a bit per field in a uint32_t mask) and audit. */
enum account_field {
	AF_NAME,
	AF_LEGAL_NAME,
	AF_INN,
	AF_EXTERNAL_ID,
	AF_STATUS,
	AF_CHURNED_AT,
	AF_CHURN_REASON,
	AF_SEGMENT,
	AF_OWNER, /* owner_email in JSON; owner_user_id in the row */
	AF_TAGS,
	AF_INDUSTRY,
	AF_REGION,
	AF_CITY,
	AF_WEBSITE,
	AF_EMPLOYEES,
	AF_REVENUE,
	AF_REVENUE_CURRENCY,
	AF_DESCRIPTION,
	AF__MAX
};

#define AF_BIT(f) (1u << (f))

struct account {
	int64_t id;
	const char *name;
	const char *legal_name; /* NULL when unset, as for every optional text */
	const char *inn;
	const char *external_id;
	enum account_status status;
	const char *churned_at; /* YYYY-MM-DD */
	const char *churn_reason;
	const char *segment;
	int64_t owner_user_id;	 /* 0 when none */
	const char *owner_email; /* input: owner by e-mail (a workspace member); output: filled */
	const char *owner_name;	 /* output only */
	const char **tags;
	size_t ntags;
	const char *industry;
	const char *region;
	const char *city;
	const char *website;
	const char *employees; /* a number or a band such as "100-499" */
	bool has_revenue;
	double revenue;
	const char *revenue_currency; /* ISO 4217; "RUB" by default */
	const char *description;
	int64_t version;
	const char *created_at;
	const char *updated_at;
	const char *archived_at; /* NULL unless archived */
};

enum account_sort {
	ACCOUNT_SORT_NAME,
	ACCOUNT_SORT_NAME_DESC,
	ACCOUNT_SORT_UPDATED,
	ACCOUNT_SORT_UPDATED_DESC,
	ACCOUNT_SORT_CREATED,
	ACCOUNT_SORT_CREATED_DESC,
	ACCOUNT_SORT_REVENUE,
	ACCOUNT_SORT_REVENUE_DESC,
	ACCOUNT_SORT__MAX
};

struct account_filter {
	const char *q;	    /* substring of name, legal name, INN or external id; any case */
	const char *status; /* exact values; NULL = any */
	const char *segment;
	const char *owner_email;
	const char *industry;
	const char *region;
	const char *tag;
	bool archived; /* list archived accounts instead of live ones */
	enum account_sort sort;
	unsigned limit;	    /* 1..ACCOUNT_LIST_LIMIT_MAX */
	const char *cursor; /* from a previous page's next_cursor, or NULL */
};

/* Names of statuses ("at_risk") and sorts ("-updated_at"); parse returns __MAX when unknown. */
const char *account_status_name(enum account_status s);
enum account_status account_status_parse(const char *s);
enum account_sort account_sort_parse(const char *s);

/* The JSON/CSV name of a field ("owner_email" for AF_OWNER). */
const char *account_field_name(enum account_field f);

/*
 * Checks the semantic rules of the fields in mask (types and lengths are the
 * API's job): INN check digits, churned_at present exactly when churned,
 * currency a 3-letter code, revenue ≥ 0, website and employees shape, tags.
 * The first problem goes to eb with its field ("/inn").
 */
enum adv_err account_check(const struct account *a, uint32_t mask, struct adv_errbuf *eb);

/*
 * True when s is a web address as accounts and competitors store it:
 * "example.ru", "https://example.ru/path" (scheme http or https only), with
 * a dotted host and no spaces or quotes. On false a short reason goes to why
 * (whylen bytes), so that it can serve as a field check of api/validate.h.
 */
bool account_website_valid(const char *s, char *why, size_t whylen);

/*
 * Creates an account from the fields in mask (name is required) as actor;
 * resolves owner_email to a member (ADV_EINVAL "/owner_email" when not one);
 * ADV_ECONFLICT "/external_id" when taken. Writes an audit entry ("create",
 * every field that is set). *out is the stored account.
 */
enum adv_err account_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			    const struct account *in, uint32_t mask, struct account *out,
			    struct adv_errbuf *eb);

#define ACCOUNT_OWNERS_MAX 64 /* distinct owner e-mails an account_owners remembers */

/*
 * The owners looked up during one batch of writes in one transaction (an
 * import): owner_email as written → the member, or not a member. Membership
 * cannot change under the batch's write transaction, so each e-mail is looked
 * up once; e-mails past ACCOUNT_OWNERS_MAX are looked up every time.
 * Zero-initialise it and set a, the arena (living as long as the batch) that
 * holds the remembered strings.
 */
struct account_owners {
	struct arena *a;
	size_t n;
	struct account_owner {
		const char *key;   /* owner_email as the writer gave it (trimmed) */
		int64_t user_id;   /* 0: not a member of the workspace */
		const char *email; /* the member's e-mail and name as stored */
		const char *name;
	} v[ACCOUNT_OWNERS_MAX];
};

/* How a batch writer (an import) wants account_create_with / account_update_with to behave. */
struct account_write {
	const char *action; /* the audit action, e.g. "import"; NULL: "create" / "update" */
	/*
	 * A creation is audited as the action with changes {} instead of every
	 * field (the fields are the account itself); updates keep their diff.
	 */
	bool brief_create_audit;
	/*
	 * The caller has just looked up in->external_id in this transaction and
	 * found no account (creation only); the unique index still guards it.
	 */
	bool external_id_free;
	/*
	 * The caller's open transaction is the unit of failure: the caller rolls
	 * it all back on any error but ADV_EINVAL and ADV_ECONFLICT. A creation
	 * then takes no savepoint of its own (those errors come before its first
	 * write; one that would come after is returned as ADV_EDB instead).
	 */
	bool in_batch;
	struct account_owners *owners; /* owner look-ups to reuse; NULL: none */
};

/*
 * account_create with w (NULL: as account_create). Same results and errors;
 * with w->external_id_free a taken external_id fails on the unique index as
 * ADV_ECONFLICT "/external_id".
 */
enum adv_err account_create_with(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				 const struct account *in, uint32_t mask,
				 const struct account_write *w, struct account *out,
				 struct adv_errbuf *eb);

/* One account (archived ones too); ADV_ENOTFOUND when not in this workspace. */
enum adv_err account_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
			 struct account *out);

/*
 * Applies the fields in mask to account id when its version is
 * expect_version (0 = any), bumps the version, and audits what changed.
 * ADV_EPRECOND when the version moved on; ADV_ENOTFOUND; rule errors as in
 * account_check with the merged result (e.g. status churned needs churned_at).
 */
enum adv_err account_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			    int64_t id, int64_t expect_version, const struct account *patch,
			    uint32_t mask, struct account *out, struct adv_errbuf *eb);

/*
 * account_update with w (NULL: as account_update; action, owners apply).
 * *changed (when not NULL) tells whether anything changed: when not, nothing
 * was written or audited and *out is the account as it was.
 */
enum adv_err account_update_with(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				 int64_t id, int64_t expect_version, const struct account *patch,
				 uint32_t mask, const struct account_write *w, struct account *out,
				 bool *changed, struct adv_errbuf *eb);

/* Archives (hides from lists) or restores account id; bumps version; audited. */
enum adv_err account_archive(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			     int64_t id, int64_t expect_version, bool archive, struct account *out,
			     struct adv_errbuf *eb);

/*
 * One page of accounts matching f; *items (arena array of *n) and
 * *next_cursor (arena string, NULL on the last page). ADV_EINVAL "cursor"
 * for a cursor that is not one of ours (or of another sort order), "limit"
 * for a limit out of range. Accounts without a revenue come first in the
 * ascending revenue order and last in the descending one.
 */
enum adv_err account_list(struct db_conn *c, struct arena *a, int64_t ws_id,
			  const struct account_filter *f, struct account **items, size_t *n,
			  const char **next_cursor, struct adv_errbuf *eb);

/*
 * Calls fn for every live account matching f (limit and cursor ignored), in
 * f's order, until fn returns an error (which is returned). The account
 * passed to fn is valid during the call only: rows are read a page at a time
 * into a scratch arena, so that any number of accounts fits in memory.
 */
enum adv_err account_each(struct db_conn *c, struct arena *a, int64_t ws_id,
			  const struct account_filter *f,
			  enum adv_err (*fn)(void *ctx, const struct account *acc), void *ctx);

/* The id of the account with external_id, archived or not; ADV_ENOTFOUND when none. */
enum adv_err account_find_external(struct db_conn *c, int64_t ws_id, const char *external_id,
				   int64_t *id);

/* Distinct values in use for filters: kind is "segment", "industry", "region" or "tag". */
enum adv_err account_facet(struct db_conn *c, struct arena *a, int64_t ws_id, const char *kind,
			   const char ***values, size_t *n);

#endif
