/*
 * migrate.h — numbered schema migrations (sql/NNNN_name.sql, embedded at build
 * time) and the table that records which ones a database has.
 */
#ifndef ADV_DB_MIGRATE_H
#define ADV_DB_MIGRATE_H

#include "db/db.h"

struct migration {
	unsigned version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const unsigned migrations_count;

/* The newest schema version this binary knows. */
unsigned migrate_latest(void);

/* The schema version recorded in the database (0 for an empty database). */
enum adv_err migrate_current(struct db *db, unsigned *version, struct adv_errbuf *eb);

/*
 * Applies every pending migration, each in its own transaction, and sets
 * *applied to how many ran. Refuses (ADV_ECONFLICT) a database newer than
 * this binary.
 */
enum adv_err migrate_apply(struct db *db, unsigned *applied, struct adv_errbuf *eb);

#endif
