/*
 * test_data_cli.c — `advocate import`, `advocate export` and `advocate demo`
 * as a user runs them: exit codes, the report, dry runs, all-or-nothing and
 * --skip-invalid, CSV and XLSX files, the round trip through files, and the
 * demo seeded once into an empty database.
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

/* Writes n bytes to dir/name. */
static void
write_file(const char *name, const char *data, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static int
setup(void **state)
{
	char *out;

	(void)state;
	bin = getenv("ADVOCATE_BIN");
	assert_non_null(bin);
	snprintf(dir, sizeof(dir), "/tmp/advocate-data-cli-XXXXXX");
	assert_non_null(mkdtemp(dir));
	harness_db_new(dir, db, sizeof(db));
	assert_int_equal(hrun(&out, "%s workspace add --db '%s' --slug acme --name Acme", bin, db),
			 0);
	free(out);
	assert_int_equal(
	    hrun(&out,
		 "echo 'secret-password' | %s user add --db '%s' --email m@example.test "
		 "--name M --role manager --workspace acme --password-stdin",
		 bin, db),
	    0);
	free(out);
	return 0;
}

static int
teardown(void **state)
{
	char *out;

	(void)state;
	harness_db_drop(db);
	hrun(&out, "rm -rf %s", dir);
	free(out);
	return 0;
}

static void
test_import_report_and_dry_run(void **state)
{
	/* Windows-1251: "Название;Внешний ID;Статус\r\nАльфа;C-1;активный\r\n…" */
	static const char cp1251[] =
	    "\xcd\xe0\xe7\xe2\xe0\xed\xe8\xe5;\xc2\xed\xe5\xf8\xed\xe8\xe9 "
	    "ID;\xd1\xf2\xe0\xf2\xf3\xf1\r\n"
	    "\xc0\xeb\xfc\xf4\xe0;C-1;\xe0\xea\xf2\xe8\xe2\xed\xfb\xe9\r\n"
	    "\xc1\xe5\xf2\xe0;C-2;\xe0\xea\xf2\xe8\xe2\xed\xfb\xe9\r\n";
	char *out;

	(void)state;
	write_file("w.csv", cp1251, sizeof(cp1251) - 1);
	assert_int_equal(hrun(&out,
			      "%s import accounts %s/w.csv --workspace acme --db '%s' --dry-run",
			      bin, dir, db),
			 0);
	assert_non_null(strstr(out, "Windows-1251"));
	assert_non_null(strstr(out, "2 rows read"));
	assert_non_null(strstr(out, "dry run"));
	free(out);
	assert_int_equal(hrun(&out, "%s export accounts --workspace acme --db '%s'", bin, db), 0);
	assert_null(strstr(out, "C-1"));
	free(out);
	assert_int_equal(
	    hrun(&out, "%s import accounts %s/w.csv --workspace acme --db '%s'", bin, dir, db), 0);
	assert_non_null(strstr(out, "2 imported (2 created, 0 updated, 0 unchanged)"));
	free(out);
	assert_int_equal(hrun(&out, "%s export accounts --workspace acme --db '%s'", bin, db), 0);
	assert_non_null(strstr(out, "Альфа;;;C-1;active"));
	free(out);
}

static void
test_import_invalid_rows(void **state)
{
	static const char csv[] = "name,inn,external_id\nGood,,C-10\nBad,1234567890,C-11\n";
	char *out;

	(void)state;
	write_file("bad.csv", csv, sizeof(csv) - 1);
	assert_int_equal(hrun(&out, "%s import accounts %s/bad.csv --workspace acme --db '%s' 2>&1",
			      bin, dir, db),
			 1);
	assert_non_null(strstr(out, "line 3: inn:"));
	assert_non_null(strstr(out, "nothing was written"));
	free(out);
	assert_int_equal(hrun(&out, "%s export accounts --workspace acme --db '%s'", bin, db), 0);
	assert_null(strstr(out, "C-10"));
	free(out);
	assert_int_equal(hrun(&out,
			      "%s import accounts %s/bad.csv --workspace acme --db '%s' "
			      "--skip-invalid 2>&1",
			      bin, dir, db),
			 0);
	assert_non_null(strstr(out, "1 imported"));
	assert_non_null(strstr(out, "1 rejected"));
	free(out);
	write_file("unknown.csv", "name;Телефон\nA;1\n", strlen("name;Телефон\nA;1\n"));
	assert_int_equal(hrun(&out,
			      "%s import accounts %s/unknown.csv --workspace acme --db '%s' 2>&1",
			      bin, dir, db),
			 1);
	assert_non_null(strstr(out, "Телефон"));
	free(out);
}

static void
test_usage_errors(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(hrun(&out, "%s import accounts --workspace acme --db '%s' 2>&1", bin, db),
			 2);
	free(out);
	assert_int_equal(
	    hrun(&out, "%s import responses x.csv --workspace acme --db '%s' 2>&1", bin, db), 2);
	free(out);
	assert_int_equal(
	    hrun(&out, "%s export accounts --workspace acme --format pdf --db '%s' 2>&1", bin, db),
	    2);
	free(out);
	assert_int_equal(
	    hrun(&out, "%s import accounts %s/w.csv --workspace nope --db '%s' 2>&1", bin, dir, db),
	    1);
	assert_non_null(strstr(out, "nope"));
	free(out);
	assert_int_equal(hrun(&out,
			      "%s import accounts %s/missing.csv --workspace acme --db '%s' 2>&1",
			      bin, dir, db),
			 1);
	free(out);
}

static void
test_export_files_and_round_trip(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(hrun(&out,
			      "%s export accounts --workspace acme --db '%s' --out %s/e1.csv 2>&1",
			      bin, db, dir),
			 0);
	free(out);
	assert_int_equal(
	    hrun(&out, "%s import accounts %s/e1.csv --workspace acme --db '%s'", bin, dir, db), 0);
	assert_non_null(strstr(out, "0 created"));
	free(out);
	assert_int_equal(hrun(&out,
			      "%s export accounts --workspace acme --db '%s' --out %s/e2.csv 2>&1",
			      bin, db, dir),
			 0);
	free(out);
	assert_int_equal(hrun(&out, "cmp %s/e1.csv %s/e2.csv", dir, dir), 0);
	free(out);
	assert_int_equal(hrun(&out,
			      "%s export accounts --workspace acme --db '%s' --format xlsx --out "
			      "%s/e.xlsx 2>&1 && head -c 2 %s/e.xlsx",
			      bin, db, dir, dir),
			 0);
	assert_non_null(strstr(out, "PK"));
	free(out);
	assert_int_equal(
	    hrun(&out, "%s export accounts --workspace acme --db '%s' --lang en", bin, db), 0);
	assert_non_null(strstr(out, "name;legal_name;inn"));
	free(out);
}

static void
test_demo(void **state)
{
	char demo[512];
	char *out;

	(void)state;
	harness_db_new(dir, demo, sizeof(demo));
	assert_int_equal(hrun(&out, "%s demo --db '%s'", bin, demo), 0);
	assert_non_null(strstr(out, "demo@advocate.local"));
	assert_non_null(strstr(out, "demo-password"));
	assert_non_null(strstr(out, "200 client companies"));
	free(out);
	assert_int_equal(hrun(&out,
			      "%s export accounts --workspace demo --db '%s' --lang en | "
			      "grep -c ';CRM-'",
			      bin, demo),
			 0);
	assert_true(atoi(out) > 150);
	free(out);
	/* Seeded once: a second run only says how to sign in. */
	assert_int_equal(hrun(&out, "%s demo --db '%s'", bin, demo), 0);
	assert_non_null(strstr(out, "demo@advocate.local"));
	assert_null(strstr(out, "200 client companies"));
	free(out);
	/* A database with other workspaces gets no demo. */
	assert_int_equal(hrun(&out, "%s demo --db '%s'", bin, db), 0);
	assert_non_null(strstr(out, "no demo data"));
	free(out);
	harness_db_drop(demo);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_import_report_and_dry_run),
	    cmocka_unit_test(test_import_invalid_rows),
	    cmocka_unit_test(test_usage_errors),
	    cmocka_unit_test(test_export_files_and_round_trip),
	    cmocka_unit_test(test_demo),
	};

	return cmocka_run_group_tests_name("cli_data", tests, setup, teardown);
}
