/*
 * backup.c — `advocate backup --out FILE`: a consistent copy of a SQLite
 * database made with SQLite's online backup while the server goes on
 * serving (db_backup); PostgreSQL is backed up with pg_dump instead.
 */
#include "cmd/cmd.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/migrate.h"

/* Prints what was written to out: its size and the schema version read back from the copy. */
static void
backup_describe(const char *out)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct db *copy = NULL;
	unsigned version = 0;
	struct stat sb;
	char url[4096];

	if (stat(out, &sb) != 0)
		sb.st_size = 0;
	snprintf(url, sizeof(url), "sqlite:%s", out);
	if (db_open(url, 1, &copy, &eb) == ADV_OK && migrate_current(copy, &version, &eb) == ADV_OK)
		printf("backup written to %s: %lld bytes, schema version %u, checked\n", out,
		       (long long)sb.st_size, version);
	else
		printf("backup written to %s: %lld bytes, checked\n", out, (long long)sb.st_size);
	db_close(copy);
}

int
cmd_backup(int argc, char **argv)
{
	struct cmd_opt opts[] = {{"db", true, NULL}, {"out", true, NULL}};
	struct adv_errbuf eb = {{0}, {0}};
	struct db *db = NULL;
	const char *pos[1], *url, *file, *out;
	size_t npos;
	int status = 1;

	if (cmd_wants_help(argc, argv)) {
		printf("usage: advocate backup [--db URL] --out FILE\n"
		       "Writes a consistent copy of a SQLite database to the new file FILE while "
		       "the server keeps running, and checks it. Refuses an existing FILE. "
		       "Back PostgreSQL up with pg_dump.\n");
		return 0;
	}
	if (!cmd_parse(argc, argv, opts, 2, pos, 0, &npos))
		return 2;
	if ((out = cmd_opt(opts, 2, "out")) == NULL || *out == '\0') {
		fprintf(stderr, "advocate backup: --out FILE is required\n");
		return 2;
	}
	url = opts[0].value ? opts[0].value : getenv("ADVOCATE_DB");
	if (url == NULL || *url == '\0')
		url = "advocate.db";
	file = cmd_sqlite_file(url);
	if (file != NULL && access(file, F_OK) != 0) {
		fprintf(stderr, "advocate backup: no database at %s\n", file);
		goto out;
	}
	if (db_open(url, 1, &db, &eb) != ADV_OK || db_backup(db, out, &eb) != ADV_OK) {
		fprintf(stderr, "advocate backup: %s\n", eb.msg[0] ? eb.msg : "failed");
		goto out;
	}
	backup_describe(out);
	status = 0;
out:
	db_close(db);
	return status;
}
