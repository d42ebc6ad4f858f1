/*
 * cmd.h — subcommands of the advocate binary and what they share: option
 * parsing helpers and opening the database named by --db or $ADVOCATE_DB.
 *
 * Each cmd_<name>(argc, argv) receives argv[0] = its own name and returns the
 * process exit status: 0 ok, 1 failure, 2 usage error.
 */
#ifndef ADV_CMD_CMD_H
#define ADV_CMD_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "db/db.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_workspace(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* The table entry of a command, or NULL (main.c). */
const struct cmd *cmd_find(const char *name);

/* Prints the command list (main.c). */
void cmd_list(FILE *f);

/*
 * Option parsing: scans argv for "--name VALUE" or "--name=VALUE" (value
 * options) and "--name" (flags). Unknown options are a usage error.
 */
struct cmd_opt {
	const char *name; /* without dashes */
	bool takes_value;
	const char *value; /* filled in; flags get "1" */
};

/*
 * Parses argv[1..argc) into opts; other words go to positional (at most
 * npos_max, count in *npos). Returns false after printing a usage error.
 */
bool cmd_parse(int argc, char **argv, struct cmd_opt *opts, size_t nopts, const char **positional,
	       size_t npos_max, size_t *npos);

/* The value of option name in opts, or NULL. */
const char *cmd_opt(const struct cmd_opt *opts, size_t nopts, const char *name);

/* The database URL in effect: the --db value, else $ADVOCATE_DB, else ./advocate.db. */
const char *cmd_db_url(const char *db_opt);

/*
 * Opens the database (--db value, else $ADVOCATE_DB, else ./advocate.db) with
 * nconn connections and applies pending migrations. Prints the error and
 * returns NULL on failure.
 */
struct db *cmd_open_db(const char *db_opt, unsigned nconn);

/*
 * The file a SQLite database URL names (url itself, or what follows
 * "sqlite:"), pointing into url; NULL for a postgres:// or postgresql:// URL.
 */
const char *cmd_sqlite_file(const char *url);

/* True when the value of --help was asked for: prints help for name and returns true. */
bool cmd_wants_help(int argc, char **argv);

#endif
