/*
 * demo.c — `advocate demo`: seeds the demo workspace (core/demo.c) into an
 * empty database on demand, as `advocate serve --demo` does at start.
 */
#include "cmd/cmd.h"

#include "core/demo.h"

int
cmd_demo(int argc, char **argv)
{
	struct cmd_opt opts[] = {{"db", true, NULL}};
	size_t npos;
	const char *pos[1];
	struct adv_errbuf eb = {{0}, {0}};
	struct db *db;
	int status = 1;

	if (cmd_wants_help(argc, argv)) {
		printf("usage: advocate demo [--db URL]\n"
		       "Adds the demo workspace '%s' to a database that has no workspace yet and "
		       "prints how to sign in.\n",
		       DEMO_SLUG);
		return 0;
	}
	if (!cmd_parse(argc, argv, opts, 1, pos, 0, &npos))
		return 2;
	if ((db = cmd_open_db(opts[0].value, 1)) == NULL)
		return 1;
	if (demo_seed_if_empty(db, stdout, &eb) != ADV_OK)
		fprintf(stderr, "advocate demo: %s\n", eb.msg[0] ? eb.msg : "failed");
	else
		status = 0;
	db_close(db);
	return status;
}
