/*
 * test_cli.c — the advocate binary as a user runs it: help and usage errors,
 * migrate, workspace add, user add with --password-stdin, token create (the
 * token then works over HTTP), and refusing a database newer than the binary.
 * The database is a fresh one from harness_db_new: a SQLite file, or a
 * PostgreSQL database when ADVOCATE_TEST_PG is set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static char dir[256];
static char db[512];
static const char *bin;

static void
test_help_and_usage(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(hrun(&out, "%s help", bin), 0);
	assert_non_null(strstr(out, "serve"));
	assert_non_null(strstr(out, "import"));
	free(out);
	assert_int_equal(hrun(&out, "%s help user", bin), 0);
	assert_non_null(strstr(out, "--password-stdin"));
	free(out);
	assert_int_equal(hrun(&out, "%s no-such-command 2>&1", bin), 2);
	assert_non_null(strstr(out, "unknown command"));
	free(out);
	assert_int_equal(hrun(&out, "%s workspace add --bogus 2>&1", bin), 2);
	assert_non_null(strstr(out, "--bogus"));
	free(out);
	assert_int_equal(hrun(&out, "%s serve --threads many 2>&1", bin), 2);
	free(out);
}

static void
test_migrate_and_accounts(void **state)
{
	char *out, *token;

	(void)state;
	assert_int_equal(hrun(&out, "%s migrate --db '%s'", bin, db), 0);
	assert_non_null(strstr(out, "applied"));
	free(out);
	assert_int_equal(hrun(&out, "%s --db '%s' migrate", bin, db), 0);
	assert_non_null(strstr(out, "0 migrations applied"));
	free(out);
	assert_int_equal(
	    hrun(&out, "%s workspace add --db '%s' --slug acme --name 'ООО Акме'", bin, db), 0);
	free(out);
	assert_int_equal(
	    hrun(&out, "%s workspace add --db '%s' --slug acme --name Again 2>&1", bin, db), 1);
	assert_non_null(strstr(out, "exists"));
	free(out);
	assert_int_equal(
	    hrun(&out,
		 "printf 'long enough pw\\n' | %s user add --db '%s' --email Me@Acme.ru "
		 "--name 'Мария' --role owner --workspace acme --password-stdin",
		 bin, db),
	    0);
	free(out);
	assert_int_equal(
	    hrun(&out,
		 "printf 'short\\n' | %s user add --db '%s' --email x@acme.ru --name X "
		 "--role owner --workspace acme --password-stdin 2>&1",
		 bin, db),
	    1);
	assert_non_null(strstr(out, "password"));
	free(out);
	assert_int_equal(hrun(&out,
			      "%s user add --db '%s' --email y@acme.ru --name Y --role chief "
			      "--workspace acme 2>&1",
			      bin, db),
			 2);
	free(out);
	assert_int_equal(
	    hrun(&token, "%s token create --db '%s' --email me@acme.ru --label ci", bin, db), 0);
	assert_true(strncmp(token, "adv_", 4) == 0);
	token[strcspn(token, "\n")] = '\0';
	assert_int_equal(
	    hrun(&out, "%s token create --db '%s' --email nobody@acme.ru 2>&1", bin, db), 1);
	free(out);
	/* The token works against a server on that database. */
	assert_int_equal(
	    hrun(&out,
		 "%s serve --db '%s' --listen 127.0.0.1:0 --no-access-log 2>%s/serve.log & pid=$!; "
		 "for i in $(seq 50); do port=$(sed -n 's/.*(port \\([0-9]*\\)).*/\\1/p' "
		 "%s/serve.log); [ -n \"$port\" ] && break; sleep 0.1; done; "
		 "curl -s -H 'Authorization: Bearer %s' http://127.0.0.1:$port/api/v1/me; "
		 "kill -TERM $pid; wait $pid",
		 bin, db, dir, dir, token),
	    0);
	assert_non_null(strstr(out, "\"email\":\"me@acme.ru\""));
	assert_non_null(strstr(out, "\"slug\":\"acme\""));
	free(out);
	free(token);
}

/* Runs sql on the database at url through the db API, as another program would. */
static void
sql_exec(const char *url, const char *sql)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct db_conn *c = NULL;
	struct db *d = NULL;

	if (db_open(url, 1, &d, &eb) != ADV_OK)
		goto out;
	assert_int_equal(db_acquire(d, &c), ADV_OK);
	if (db_exec_script(c, sql, &eb) != ADV_OK)
		fprintf(stderr, "# %s\n", eb.msg);
	db_release(d, c);
out:
	db_close(d);
	assert_string_equal(eb.msg, "");
}

static void
test_refuses_newer_database(void **state)
{
	char *out;

	(void)state;
	sql_exec(db, "INSERT INTO schema_migrations (version, name, applied_at) "
		     "VALUES (9999, 'future', '2099-01-01T00:00:00Z')");
	assert_int_equal(hrun(&out, "%s serve --db '%s' --listen 127.0.0.1:0 2>&1", bin, db), 1);
	assert_non_null(strstr(out, "newer"));
	free(out);
	assert_int_equal(hrun(&out, "%s migrate --db '%s' 2>&1", bin, db), 1);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_help_and_usage),
	    cmocka_unit_test(test_migrate_and_accounts),
	    cmocka_unit_test(test_refuses_newer_database),
	};
	const char *tmp = getenv("TMPDIR");
	char *out;
	int failed;

	bin = getenv("ADVOCATE_BIN");
	if (bin == NULL) {
		fprintf(stderr, "ADVOCATE_BIN is not set\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/advocate-cli-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	harness_db_new(dir, db, sizeof(db));
	failed = cmocka_run_group_tests_name("cli", tests, NULL, NULL);
	harness_db_drop(db);
	hrun(&out, "rm -rf '%s'", dir);
	free(out);
	return failed;
}
