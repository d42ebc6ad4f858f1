/*
 * common.c — what subcommands share: option parsing, opening the database,
 * and `advocate help`.
 */
#include "cmd/cmd.h"

#include <stdlib.h>
#include <string.h>

#include "db/migrate.h"

bool
cmd_parse(int argc, char **argv, struct cmd_opt *opts, size_t nopts, const char **positional,
	  size_t npos_max, size_t *npos)
{
	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *eq;
		size_t nl;
		bool found = false;

		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (*npos >= npos_max) {
				fprintf(stderr, "advocate %s: unexpected argument '%s'\n", argv[0],
					a);
				return false;
			}
			positional[(*npos)++] = a;
			continue;
		}
		a += 2;
		eq = strchr(a, '=');
		nl = eq ? (size_t)(eq - a) : strlen(a);
		for (size_t k = 0; k < nopts; k++) {
			if (strlen(opts[k].name) != nl || strncmp(opts[k].name, a, nl) != 0)
				continue;
			found = true;
			if (!opts[k].takes_value) {
				if (eq != NULL) {
					fprintf(stderr, "advocate %s: --%s takes no value\n",
						argv[0], opts[k].name);
					return false;
				}
				opts[k].value = "1";
			} else if (eq != NULL) {
				opts[k].value = eq + 1;
			} else if (i + 1 < argc) {
				opts[k].value = argv[++i];
			} else {
				fprintf(stderr, "advocate %s: --%s needs a value\n", argv[0],
					opts[k].name);
				return false;
			}
		}
		if (!found) {
			fprintf(stderr,
				"advocate %s: unknown option --%.*s; see 'advocate help %s'\n",
				argv[0], (int)nl, a, argv[0]);
			return false;
		}
	}
	return true;
}

const char *
cmd_opt(const struct cmd_opt *opts, size_t nopts, const char *name)
{
	for (size_t k = 0; k < nopts; k++)
		if (strcmp(opts[k].name, name) == 0)
			return opts[k].value;
	return NULL;
}

const char *
cmd_db_url(const char *db_opt)
{
	const char *url = db_opt ? db_opt : getenv("ADVOCATE_DB");

	return url == NULL || *url == '\0' ? "advocate.db" : url;
}

struct db *
cmd_open_db(const char *db_opt, unsigned nconn)
{
	const char *url = cmd_db_url(db_opt);
	struct adv_errbuf eb = {{0}, {0}};
	struct db *db = NULL;
	unsigned applied = 0;

	if (db_open(url, nconn, &db, &eb) != ADV_OK) {
		fprintf(stderr, "advocate: %s\n", eb.msg[0] ? eb.msg : "cannot open the database");
		return NULL;
	}
	if (migrate_apply(db, &applied, &eb) != ADV_OK) {
		fprintf(stderr, "advocate: %s\n", eb.msg[0] ? eb.msg : "migration failed");
		db_close(db);
		return NULL;
	}
	return db;
}

const char *
cmd_sqlite_file(const char *url)
{
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
		return NULL;
	return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

bool
cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			const struct cmd *c = cmd_find(argv[0]);

			printf("advocate %s: %s\n", argv[0], c ? c->help : "");
			return true;
		}
	}
	return false;
}

int
cmd_help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		cmd_list(stdout);
		return 0;
	}
	c = cmd_find(argv[1]);
	if (c == NULL) {
		fprintf(stderr, "advocate help: unknown command '%s'\n", argv[1]);
		return 2;
	}
	printf("advocate %s: %s\n", c->name, c->help);
	return 0;
}
