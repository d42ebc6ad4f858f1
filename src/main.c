/*
 * main.c — the advocate command: a git-style table of subcommands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cmd/cmd.h"

static const struct cmd commands[] = {
    {"serve", cmd_serve, "run the HTTP server (API and web UI)"},
    {"migrate", cmd_migrate, "apply pending schema migrations"},
    {"workspace", cmd_workspace, "manage workspaces: workspace add --slug SLUG --name NAME"},
    {"user", cmd_user,
     "manage users: user add --email E --name N --role R [--workspace S] --password-stdin"},
    {"token", cmd_token, "create API tokens: token create --email E [--label TEXT]"},
    {"import", cmd_import,
     "import data: import accounts|contacts|responses FILE --workspace SLUG [--study ID] "
     "[--dry-run] [--skip-invalid]"},
    {"export", cmd_export,
     "export data: export accounts|contacts|responses --workspace SLUG [--study ID] "
     "[--format csv|xlsx|sav] [--out FILE]"},
    {"demo", cmd_demo, "seed a demo workspace into the database"},
    {"backup", cmd_backup,
     "copy a SQLite database while the server runs: backup --out FILE (PostgreSQL: pg_dump)"},
    {"copy", cmd_copy, "move everything to another database: copy --from URL --to URL [--replace]"},
    {"help", cmd_help, "list commands, or describe one: help CMD"},
};

static const size_t ncommands = sizeof(commands) / sizeof(commands[0]);

const struct cmd *
cmd_find(const char *name)
{
	for (size_t i = 0; i < ncommands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

void
cmd_list(FILE *f)
{
	fprintf(f, "usage: advocate [--db URL] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < ncommands; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nThe database is --db URL or $ADVOCATE_DB: a path, sqlite:PATH or "
		   "postgres://...; default ./advocate.db.\n");
}

int
main(int argc, char **argv)
{
	const struct cmd *c;

	/* GSL reports through return codes here; its default handler would abort the server. */
	gsl_set_error_handler_off();
	/* A leading --db URL applies to whichever command follows. */
	if (argc >= 3 && strcmp(argv[1], "--db") == 0) {
		setenv("ADVOCATE_DB", argv[2], 1);
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	} else if (argc >= 2 && strncmp(argv[1], "--db=", 5) == 0) {
		setenv("ADVOCATE_DB", argv[1] + 5, 1);
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if (argc < 2) {
		cmd_list(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_list(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("advocate %s\n", ADVOCATE_VERSION);
		return 0;
	}
	c = cmd_find(argv[1]);
	if (c == NULL) {
		fprintf(stderr, "advocate: unknown command '%s'; see 'advocate help'\n", argv[1]);
		return 2;
	}
	return c->fn(argc - 1, argv + 1);
}
