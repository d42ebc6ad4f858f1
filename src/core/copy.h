/*
 * copy.h — moving a whole deployment from one database to another (SQLite to
 * PostgreSQL, or any other direction): every table of the schema copied in
 * foreign-key order inside one write transaction on the target, values read
 * and bound with their own type, and then verified table by table with a row
 * count and an order-independent checksum computed the same way on both
 * sides.
 */
#ifndef ADV_CORE_COPY_H
#define ADV_CORE_COPY_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "util/err.h"

/*
 * The tables copied, in foreign-key order (parents first). schema_migrations
 * and the seed_* tables are not data: the target's migrations fill them.
 */
enum copy_table {
	COPY_WORKSPACES,
	COPY_USERS,
	COPY_MEMBERSHIPS,
	COPY_SESSIONS,
	COPY_API_TOKENS,
	COPY_LOGIN_THROTTLE,
	COPY_ACCOUNTS,
	COPY_ACCOUNT_TAGS,
	COPY_COMPETITORS,
	COPY_ACCOUNT_SUPPLIERS,
	COPY_JOURNEY_STAGES,
	COPY_JOURNEY_ITEMS,
	COPY_LOYALTY_COMPONENTS,
	COPY_LOYALTY_FACTORS,
	COPY_CONTACTS,
	COPY_CONTACT_LINKS,
	COPY_CONTACT_ACTIONS,
	COPY_ASSESSMENTS,
	COPY_ASSESSMENT_SCORES,
	COPY_ASSESSMENT_FACTORS,
	COPY_STUDIES,
	COPY_STUDY_QUESTIONS,
	COPY_SURVEY_INVITATIONS,
	COPY_RESPONSES,
	COPY_PORTAL_USERS,
	COPY_PORTAL_LINKS,
	COPY_PORTAL_SESSIONS,
	COPY_REQUESTS,
	COPY_REQUEST_MESSAGES,
	COPY_REQUEST_SETTINGS,
	COPY_REQUEST_RULE_TURNS,
	COPY_REQUEST_ATTACHMENTS,
	COPY_REQUEST_MODELS,
	COPY_AUDIT_LOG,
	COPY_EVENT_LOG,
	COPY_WEBHOOK_ENDPOINTS,
	COPY_WEBHOOK_DELIVERIES,
	COPY_MAIL_OUTBOX,
	COPY_TABLE__MAX
};

/* How a column's values are read and bound (and hashed). */
enum copy_type { COPY_INT, COPY_DOUBLE, COPY_TEXT };

/* What one table holds, in a form that compares across engines. */
struct copy_sum {
	int64_t rows;
	uint64_t checksum; /* sum (mod 2^64) of a 64-bit hash of each row */
};

/* What copy_run did: the source as copied and the target as read back. */
struct copy_report {
	bool verified; /* both columns below are filled */
	struct copy_sum src[COPY_TABLE__MAX];
	struct copy_sum dst[COPY_TABLE__MAX];
};

/* The SQL name of table t (static storage). */
const char *copy_table_name(enum copy_table t);

/*
 * The name of column i of table t in the order copied (static storage), with
 * its type in *type when type is not NULL; NULL past the last column.
 */
const char *copy_column(enum copy_table t, unsigned i, enum copy_type *type);

/*
 * Computes the row count and checksum of every table of db inside one read
 * transaction (one snapshot) into out[COPY_TABLE__MAX]. The checksum does
 * not depend on row order, collation or engine: each row is hashed from a
 * canonical encoding of its values (integers in decimal, doubles with 17
 * significant digits, text with its length, NULL as a marker of its own).
 * Errors: ADV_EDB/ADV_EUNAVAIL from the database, detail in eb.
 */
enum adv_err copy_checksums(struct db *db, struct copy_sum *out, struct adv_errbuf *eb);

/*
 * Copies every row of src into dst. src must be at this program's latest
 * schema version (else ADV_EINVAL); dst gets pending migrations applied
 * first. A dst holding any row is refused (ADV_ECONFLICT) unless replace,
 * in which case its rows are deleted (children first) inside the same
 * transaction as the copy, so a failure leaves dst as it was. After the
 * commit, dst is read back and compared with what was read from src: *rep
 * holds both sides (rep->verified tells whether it was reached) and a
 * difference fails with ADV_EDB naming the first table that differs.
 * Detail of any failure in eb. The two pools must be different databases.
 */
enum adv_err copy_run(struct db *src, struct db *dst, bool replace, struct copy_report *rep,
		      struct adv_errbuf *eb);

#endif
