/*
 * assessment.h — assessments of a client's loyalty (docs/loyalty.md,
 * "Assessments"): a dated snapshot with its source, author, the person it
 * came from, the general characteristic ("Общая характеристика"), a score
 * and comment per component, the factors observed with their evidence, and
 * the likelihood to recommend.
 *
 * Assessments are never deleted. A correction stores a new version (a new
 * row with the same series id; the series id is the assessment's id in the
 * API) and marks the previous one, its scores and its factors not current,
 * in one transaction with an audit entry in the account's history. Only
 * current versions count in the model and the portfolio.
 *
 * Strings and arrays in returned structs are owned by the arena passed in.
 * Every function takes the workspace id and the account id and touches only
 * that account's rows in that workspace. Writes run in their own transaction
 * unless the connection already has one open (then they join it).
 */
#ifndef ADV_CORE_ASSESSMENT_H
#define ADV_CORE_ASSESSMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

struct catview; /* core/loyalty_model.h */

#define ASSESSMENT_PERSON_MAX	   300	 /* characters */
#define ASSESSMENT_SUMMARY_MAX	   10000 /* characters */
#define ASSESSMENT_COMMENT_MAX	   2000	 /* characters of a component's comment */
#define ASSESSMENT_EVIDENCE_MAX	   2000	 /* characters of a factor's evidence */
#define ASSESSMENT_COMPONENTS_MAX  100	 /* component entries per assessment */
#define ASSESSMENT_FACTORS_MAX	   100	 /* factors per component entry */
#define ASSESSMENT_RECOMMEND_MAX   10	 /* likelihood to recommend: 0..10 */
#define ASSESSMENT_DATE_MIN	   "1970-01-01"
#define ASSESSMENT_LIST_LIMIT_MAX  500
#define ASSESSMENT_LIST_LIMIT_DFLT 50
#define ASSESSMENT_VERSIONS_MAX	   1000 /* versions listed at most */

enum assessment_source {
	SOURCE_INTERVIEW,
	SOURCE_SURVEY,
	SOURCE_MANUAL,
	SOURCE_REQUEST,
	SOURCE_IMPORT,
	SOURCE__MAX
};

/* A factor observed, with its evidence (a quote or a note; NULL when none). */
struct assessment_factor {
	int64_t factor_id;
	const char *evidence;
};

/* One component's entry: a score (or none), a comment, the factors observed. */
struct assessment_component {
	int64_t component_id;
	bool has_score;
	double score;
	const char *comment; /* NULL when none; needs a score */
	struct assessment_factor *factors;
	size_t nfactors;
};

struct assessment {
	int64_t id;	/* the series id: the assessment's id in the API */
	int64_t row_id; /* this version's row */
	int64_t account_id;
	int64_t version;
	bool current;
	const char *assessed_on; /* YYYY-MM-DD; input: NULL = today (create), unchanged (update) */
	enum assessment_source source;
	int64_t author_id; /* who stored this version; 0 for the system */
	const char *author_email;
	const char *author_name;
	int64_t contact_id; /* the contact who gave it (core/contact.h); 0 when none */
	const char *person; /* NULL when unset, as for every optional text */
	const char *summary;
	bool has_recommend;
	int recommend;
	int64_t stage_id; /* 0 when none */
	int64_t item_id;
	struct assessment_component *components; /* output: by the components' catalogue order */
	size_t ncomponents;
	const char *created_at; /* when this version was stored */
};

/* Today's date in UTC, packed yyyymmdd (core/loyalty_index.h). */
int32_t assessment_today(void);

/* "interview" … for a source; parse returns SOURCE__MAX when unknown. */
const char *assessment_source_name(enum assessment_source s);
enum assessment_source assessment_source_parse(const char *s);

/*
 * Records a new assessment of account_id from in as actor (0 = the system):
 * checks it against the workspace's scale and catalogue (docs/loyalty.md),
 * stores version 1 and audits it ("assessment", "create"). Errors, with the
 * JSON pointer of the offending field in eb: ADV_ENOTFOUND when the account is
 * not in the workspace; ADV_EINVAL "/assessed_on" (not a date, before
 * ASSESSMENT_DATE_MIN or after today), "/source", "/person", "/summary",
 * "/recommend", "/stage_id", "/item_id", "/components" (nothing recorded),
 * "/components/i/component_id" (unknown, retired or repeated),
 * "/components/i/score" (outside the scale), "/components/i/comment"
 * (a comment without a score, or too long), "/components/i/factors/j/factor_id"
 * (unknown, retired, of another component, or repeated),
 * "/components/i/factors/j/evidence". *out is the stored assessment.
 */
enum adv_err assessment_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			       int64_t account_id, const struct assessment *in,
			       struct assessment *out, struct adv_errbuf *eb);

/*
 * assessment_create for a caller that writes many (an import): cat is the
 * workspace's catalogue the caller read (catview_read) in the transaction it
 * holds open, and *id gets the new assessment's id instead of the stored
 * assessment being read back. The same checks, rows and audit entry as
 * assessment_create, but no write scope of its own: on an error, part of it
 * may be written, and the caller must roll back its transaction or savepoint.
 */
enum adv_err assessment_create_in(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				  int64_t account_id, const struct catview *cat,
				  const struct assessment *in, int64_t *id, struct adv_errbuf *eb);

/*
 * Replaces assessment id (a series id) of account_id by in as a new version
 * when its current version is expect_version (0 = any): the same checks as
 * assessment_create, except that a retired component or factor, or an
 * archived journey stage or item, that the current version holds may stay.
 * An absent assessed_on keeps the current one. When in changes nothing,
 * nothing is stored and *out is the current version. Errors as
 * assessment_create, plus ADV_ENOTFOUND when there is no such assessment and
 * ADV_EPRECOND when the current version is not expect_version.
 */
enum adv_err assessment_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			       int64_t account_id, int64_t id, int64_t expect_version,
			       const struct assessment *in, struct assessment *out,
			       struct adv_errbuf *eb);

/* The current version of assessment id of account_id; ADV_ENOTFOUND when none. */
enum adv_err assessment_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
			    int64_t id, struct assessment *out);

/*
 * Every version of assessment id of account_id, newest first (at most
 * ASSESSMENT_VERSIONS_MAX): *items (arena array of *n). ADV_ENOTFOUND when
 * there is no such assessment.
 */
enum adv_err assessment_versions(struct db_conn *c, struct arena *a, int64_t ws_id,
				 int64_t account_id, int64_t id, struct assessment **items,
				 size_t *n);

/*
 * One page of the current assessments of account_id, newest first (by
 * assessed_on, then id): at most limit (1..ASSESSMENT_LIST_LIMIT_MAX) in
 * *items (arena array of *n), *next_cursor (arena string, NULL on the last
 * page). Errors: ADV_ENOTFOUND when the account is not in the workspace;
 * ADV_EINVAL "cursor" or "limit".
 */
/*
 * What one person told us: *count is the number of current assessments of
 * account_id tied to contact_id, and *latest (with its components; *found
 * false when there is none) the newest of them by assessed_on, then id.
 */
enum adv_err assessment_latest_of_contact(struct db_conn *c, struct arena *a, int64_t ws_id,
					  int64_t account_id, int64_t contact_id, int64_t *count,
					  struct assessment *latest, bool *found);

enum adv_err assessment_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
			     unsigned limit, const char *cursor, struct assessment **items,
			     size_t *n, const char **next_cursor, struct adv_errbuf *eb);

#endif
