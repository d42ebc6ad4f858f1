#include "cmd/cmd.h"
#include "core/demo.h"
int
cmd_import(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}
int
cmd_export(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}
int
cmd_demo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}
enum adv_err
demo_seed_if_empty(struct db *db, FILE *out, struct adv_errbuf *eb)
{
	(void)db;
	(void)out;
	(void)eb;
	return ADV_OK;
}
