/*
 * copy.c — `advocate copy --from URL --to URL [--replace]`: moves a whole
 * deployment to another database (core/copy.c does the work) and prints,
 * table by table, what was copied and whether the target matches.
 */
#include "cmd/cmd.h"

#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/copy.h"

#define COPY_POOL_CONNS 2 /* one for the copy, one for the schema and checks */

/*
 * Checks the URL given to option name before it is opened: a known scheme,
 * and for the source (must_exist) a SQLite file that is there (opening
 * would create an empty one). Prints the problem and returns false.
 */
static bool
copy_url_ok(const char *name, const char *url, bool must_exist)
{
	const char *file = cmd_sqlite_file(url);
	const char *sep = strstr(url, "://");

	if (file != NULL && sep != NULL && strncmp(url, "sqlite:", 7) != 0) {
		/* the scheme only: the rest may hold a password */
		fprintf(stderr,
			"advocate copy: --%s: unknown database URL scheme '%.*s'; use a path, "
			"sqlite:PATH or postgresql://...\n",
			name, (int)(sep - url), url);
		return false;
	}
	if (must_exist && file != NULL && access(file, F_OK) != 0) {
		fprintf(stderr, "advocate copy: --%s: no database at %s\n", name, file);
		return false;
	}
	return true;
}

/* True when from and to name one database: the same file, or the same URL. */
static bool
copy_same_db(const char *from, const char *to)
{
	const char *ff = cmd_sqlite_file(from), *ft = cmd_sqlite_file(to);
	struct stat a, b;

	if (ff != NULL && ft != NULL)
		return stat(ff, &a) == 0 && stat(ft, &b) == 0 && a.st_dev == b.st_dev &&
		       a.st_ino == b.st_ino;
	return ff == NULL && ft == NULL && strcmp(from, to) == 0;
}

/* Prints one line per table and a total; returns the rows copied. */
static int64_t
copy_print(const struct copy_report *rep)
{
	int64_t total = 0;

	for (int t = 0; t < COPY_TABLE__MAX; t++) {
		const struct copy_sum *s = &rep->src[t], *d = &rep->dst[t];
		bool same = s->rows == d->rows && s->checksum == d->checksum;

		total += s->rows;
		if (same)
			printf("%-18s %8lld rows  checksum %016" PRIx64 "  ok\n",
			       copy_table_name((enum copy_table)t), (long long)s->rows,
			       s->checksum);
		else
			printf("%-18s %8lld rows  checksum %016" PRIx64
			       "  DIFFERS: target has %lld rows, checksum %016" PRIx64 "\n",
			       copy_table_name((enum copy_table)t), (long long)s->rows, s->checksum,
			       (long long)d->rows, d->checksum);
	}
	return total;
}

int
cmd_copy(int argc, char **argv)
{
	struct cmd_opt opts[] = {
	    {"from", true, NULL}, {"to", true, NULL}, {"replace", false, NULL}};
	const size_t nopts = sizeof(opts) / sizeof(opts[0]);
	struct adv_errbuf eb = {{0}, {0}};
	struct db *src = NULL, *dst = NULL;
	struct copy_report rep;
	const char *pos[1], *from, *to;
	size_t npos;
	int64_t rows;
	int status = 1;

	if (cmd_wants_help(argc, argv)) {
		printf("usage: advocate copy --from URL --to URL [--replace]\n"
		       "Copies every table of the database at --from (at the latest schema "
		       "version) into the one at --to (migrated first) in one transaction, then "
		       "compares row counts and checksums table by table. Refuses a target that "
		       "has data unless --replace, which deletes it first.\n");
		return 0;
	}
	if (!cmd_parse(argc, argv, opts, nopts, pos, 0, &npos))
		return 2;
	from = cmd_opt(opts, nopts, "from");
	to = cmd_opt(opts, nopts, "to");
	if (from == NULL || *from == '\0' || to == NULL || *to == '\0') {
		fprintf(stderr, "advocate copy: --from URL and --to URL are required\n");
		return 2;
	}
	if (!copy_url_ok("from", from, true) || !copy_url_ok("to", to, false))
		goto out;
	if (copy_same_db(from, to)) {
		fprintf(stderr, "advocate copy: --from and --to name the same database\n");
		goto out;
	}
	if (db_open(from, COPY_POOL_CONNS, &src, &eb) != ADV_OK) {
		fprintf(stderr, "advocate copy: --from: %s\n", eb.msg);
		goto out;
	}
	if (db_open(to, COPY_POOL_CONNS, &dst, &eb) != ADV_OK) {
		fprintf(stderr, "advocate copy: --to: %s\n", eb.msg);
		goto out;
	}
	if (copy_run(src, dst, cmd_opt(opts, nopts, "replace") != NULL, &rep, &eb) == ADV_OK)
		status = 0;
	if (rep.verified) {
		rows = copy_print(&rep);
		if (status == 0)
			printf("copied %lld rows in %d tables; the target matches the source\n",
			       (long long)rows, COPY_TABLE__MAX);
	}
	if (status != 0)
		fprintf(stderr, "advocate copy: %s\n", eb.msg[0] ? eb.msg : "failed");
out:
	db_close(src);
	db_close(dst);
	return status;
}
