/*
 * migrate.c — `advocate migrate`: applies pending schema migrations and says
 * how many ran.
 */
#include "cmd/cmd.h"

#include <stdlib.h>

#include "db/migrate.h"

int
cmd_migrate(int argc, char **argv)
{
	struct cmd_opt opts[] = {{"db", true, NULL}};
	struct adv_errbuf eb = {{0}, {0}};
	struct db *db = NULL;
	const char *pos[1];
	size_t npos;
	unsigned before = 0, applied = 0;
	const char *url;
	int status = 1;

	if (cmd_wants_help(argc, argv))
		return 0;
	if (!cmd_parse(argc, argv, opts, 1, pos, 0, &npos))
		return 2;
	url = opts[0].value ? opts[0].value : getenv("ADVOCATE_DB");
	if (url == NULL || *url == '\0')
		url = "advocate.db";
	if (db_open(url, 1, &db, &eb) != ADV_OK)
		goto fail;
	if (migrate_current(db, &before, &eb) != ADV_OK)
		goto fail;
	if (migrate_apply(db, &applied, &eb) != ADV_OK)
		goto fail;
	printf("schema version %u → %u (%u migration%s applied)\n", before, before + applied,
	       applied, applied == 1 ? "" : "s");
	status = 0;
	goto out;
fail:
	fprintf(stderr, "advocate migrate: %s\n", eb.msg[0] ? eb.msg : "failed");
out:
	db_close(db);
	return status;
}
