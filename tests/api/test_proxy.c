/*
 * test_proxy.c — the client's address behind a reverse proxy (serve
 * --trusted-proxy, src/http/proxy.c): sign-in throttling per forwarded
 * address, X-Forwarded-For ignored from peers that are not trusted, malformed
 * headers falling back to the peer, the "client" of the access log, and the
 * option's validation in the binary.
 *
 * The throttle (src/core/identity.c) counts failures under two separate keys,
 * the e-mail (LOGIN_MAX_PER_ACCOUNT) and the client address
 * (LOGIN_MAX_PER_ADDRESS); only the address key depends on the proxy, so the
 * tests lock addresses with failures spread over e-mails that stay below the
 * per-account limit. Each test has a fresh server and database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static const char *bin;
static char dir[256]; /* a temporary folder for the binary's tests */
static char db[512];  /* a fresh database for them (SQLite file or PostgreSQL) */

/* Signs in as email with password, the request carrying header xff (may be NULL); the status. */
static long
login_from(struct harness *h, const char *xff, const char *email, const char *password)
{
	const char *hdrs[] = {xff, NULL};
	char body[256];
	struct hresp r;
	long status;

	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
	assert_int_equal(hreq(h, "POST", "/api/v1/auth/login", U__MAX, "application/json", body,
			      strlen(body), xff != NULL ? hdrs : NULL, &r),
			 0);
	status = r.status;
	hresp_free(&r);
	return status;
}

/*
 * LOGIN_MAX_PER_ADDRESS failed sign-ins, each with the header xffs[i % nxff]:
 * the first few for email (fewer than the per-account limit), the rest for
 * e-mails nobody knows. Each must be answered 401.
 */
static void
fail_many(struct harness *h, const char *const *xffs, size_t nxff, const char *email)
{
	char other[64];

	for (int i = 0; i < LOGIN_MAX_PER_ADDRESS; i++) {
		snprintf(other, sizeof(other), "nobody%d@example.test", i);
		assert_int_equal(login_from(h, xffs[(size_t)i % nxff],
					    i < LOGIN_MAX_PER_ACCOUNT - 1 ? email : other,
					    "wrong-password"),
				 401);
	}
}

/*
 * With the test client's address (127.0.0.1) trusted, failures sent for
 * 203.0.113.7 lock that address only: the same e-mail signs in from another
 * forwarded address, and from the proxy itself.
 */
static void
test_forwarded_address_throttled(void **state)
{
	static const char *const from_a[] = {"X-Forwarded-For: 203.0.113.7"};
	struct harness *h = harness_start_proxy("127.0.0.1");

	(void)state;
	fail_many(h, from_a, 1, "owner@example.test");
	assert_int_equal(login_from(h, from_a[0], "owner@example.test", HARNESS_PASSWORD), 429);
	assert_int_equal(login_from(h, from_a[0], "analyst@example.test", HARNESS_PASSWORD), 429);
	/* Another client: the same e-mail, the right password. */
	assert_int_equal(
	    login_from(h, "X-Forwarded-For: 198.51.100.9", "owner@example.test", HARNESS_PASSWORD),
	    200);
	/* Spelled with a port, or appended behind a forged entry: still 203.0.113.7. */
	assert_int_equal(login_from(h, "X-Forwarded-For: 203.0.113.7:50123", "owner@example.test",
				    HARNESS_PASSWORD),
			 429);
	assert_int_equal(login_from(h, "X-Forwarded-For: 198.51.100.9, 203.0.113.7",
				    "owner@example.test", HARNESS_PASSWORD),
			 429);
	/* No header: the proxy's own address, which nobody locked. */
	assert_int_equal(login_from(h, NULL, "owner@example.test", HARNESS_PASSWORD), 200);
	harness_stop(h);
}

/* The per-account limit is per e-mail: another address does not escape it. */
static void
test_account_limit_across_addresses(void **state)
{
	struct harness *h = harness_start_proxy("127.0.0.1");
	char xff[64];

	(void)state;
	for (int i = 0; i < LOGIN_MAX_PER_ACCOUNT; i++) {
		snprintf(xff, sizeof(xff), "X-Forwarded-For: 203.0.113.%d", 10 + i);
		assert_int_equal(login_from(h, xff, "manager2@example.test", "wrong-password"),
				 401);
	}
	assert_int_equal(login_from(h, "X-Forwarded-For: 198.51.100.9", "manager2@example.test",
				    HARNESS_PASSWORD),
			 429);
	assert_int_equal(
	    login_from(h, "X-Forwarded-For: 198.51.100.9", "viewer@example.test", HARNESS_PASSWORD),
	    200);
	harness_stop(h);
}

/*
 * Without trusted proxies the header is ignored: failures with a different
 * forged X-Forwarded-For each still count against the real peer, and a new
 * forged address does not get past the lock.
 */
static void
test_untrusted_header_ignored(void **state)
{
	static const char *const forged[] = {
	    "X-Forwarded-For: 198.51.100.1",
	    "X-Forwarded-For: 198.51.100.2",
	    "X-Forwarded-For: 198.51.100.3, 198.51.100.4",
	    "X-Forwarded-For: 2001:db8::1",
	};
	struct harness *h = harness_start(0);

	(void)state;
	fail_many(h, forged, sizeof(forged) / sizeof(forged[0]), "owner@example.test");
	assert_int_equal(
	    login_from(h, "X-Forwarded-For: 198.51.100.77", "owner@example.test", HARNESS_PASSWORD),
	    429);
	assert_int_equal(login_from(h, NULL, "analyst@example.test", HARNESS_PASSWORD), 429);
	harness_stop(h);
}

/*
 * From a trusted proxy, a malformed header names no client: the failures
 * count against the peer, which is then locked, while a well-formed header
 * still reaches its own, unlocked, client.
 */
static void
test_malformed_header_falls_back(void **state)
{
	static const char *const bad[] = {
	    "X-Forwarded-For: garbage",
	    "X-Forwarded-For: 203.0.113.7, unknown",
	    "X-Forwarded-For: 203.0.113.7 198.51.100.9",
	    "X-Forwarded-For: 203.0.113.7;198.51.100.9",
	    "X-Forwarded-For: 256.1.1.1",
	    "X-Forwarded-For: [203.0.113.7]",
	    "X-Forwarded-For: ,",
	    "X-Forwarded-For: 127.0.0.1",
	};
	struct harness *h = harness_start_proxy("127.0.0.1");

	(void)state;
	fail_many(h, bad, sizeof(bad) / sizeof(bad[0]), "owner@example.test");
	assert_int_equal(login_from(h, NULL, "owner@example.test", HARNESS_PASSWORD), 429);
	assert_int_equal(
	    login_from(h, "X-Forwarded-For: garbage", "owner@example.test", HARNESS_PASSWORD), 429);
	assert_int_equal(
	    login_from(h, "X-Forwarded-For: 203.0.113.7", "owner@example.test", HARNESS_PASSWORD),
	    200);
	harness_stop(h);
}

/*
 * The binary: the access log names the client (trusted list from the
 * environment); several X-Forwarded-For lines read as one list; a chain of
 * trusted proxies is walked.
 */
static void
test_access_log_client(void **state)
{
	static const char *const want[] = {
	    "127.0.0.1",    /* no header */
	    "203.0.113.7",  /* the nginx of deploy/nginx.conf */
	    "198.51.100.1", /* through a second trusted proxy */
	    "198.51.100.2", /* two header lines */
	    "127.0.0.1",    /* malformed */
	    "2001:db8::1",  /* IPv6, canonical */
	};
	char path[600], line[1024];
	char *out;
	FILE *f;
	size_t n = 0;

	(void)state;
	assert_int_equal(
	    hrun(&out,
		 "ADVOCATE_TRUSTED_PROXY='127.0.0.1, 10.0.0.0/8' %s serve --db '%s' "
		 "--listen 127.0.0.1:0 2>%s/serve.log & pid=$!; "
		 "for i in $(seq 100); do port=$(sed -n 's/.*(port \\([0-9]*\\)).*/\\1/p' "
		 "%s/serve.log); [ -n \"$port\" ] && break; sleep 0.1; done; "
		 "u=http://127.0.0.1:$port/healthz; "
		 "curl -s -o /dev/null $u; "
		 "curl -s -o /dev/null -H 'X-Forwarded-For: 203.0.113.7' $u; "
		 "curl -s -o /dev/null -H 'X-Forwarded-For: 192.0.2.9, 198.51.100.1, 10.1.2.3' $u; "
		 "curl -s -o /dev/null -H 'X-Forwarded-For: 198.51.100.2' "
		 "-H 'X-Forwarded-For: 10.0.0.9' $u; "
		 "curl -s -o /dev/null -H 'X-Forwarded-For: 198.51.100.3, bogus' $u; "
		 "curl -s -o /dev/null -H 'X-Forwarded-For: [2001:DB8:0::1]:443' $u; "
		 "kill -TERM $pid; wait $pid",
		 bin, db, dir, dir),
	    0);
	free(out);
	snprintf(path, sizeof(path), "%s/serve.log", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char expect[128];

		if (strstr(line, "\"route\":\"/healthz\"") == NULL)
			continue;
		assert_true(n < sizeof(want) / sizeof(want[0]));
		snprintf(expect, sizeof(expect), "\"client\":\"%s\"", want[n]);
		if (strstr(line, expect) == NULL)
			fail_msg("request %zu: %s expected in %s", n, expect, line);
		n++;
	}
	fclose(f);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
}

/* A bad list is a usage error naming the entry and where it came from; the flag wins. */
static void
test_option_validated(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(
	    hrun(&out, "%s serve --db '%s' --trusted-proxy '127.0.0.1,10.0.0.0/33' 2>&1", bin, db),
	    2);
	assert_non_null(strstr(out, "--trusted-proxy"));
	assert_non_null(strstr(out, "'10.0.0.0/33'"));
	free(out);
	assert_int_equal(
	    hrun(&out, "ADVOCATE_TRUSTED_PROXY=nginx.local %s serve --db '%s' 2>&1", bin, db), 2);
	assert_non_null(strstr(out, "ADVOCATE_TRUSTED_PROXY"));
	assert_non_null(strstr(out, "'nginx.local'"));
	free(out);
	/* The flag replaces the environment: the run gets as far as the bad listen port. */
	assert_int_equal(hrun(&out,
			      "ADVOCATE_TRUSTED_PROXY=nginx.local %s serve --db '%s' "
			      "--trusted-proxy ::1 --listen 127.0.0.1:99999 2>&1",
			      bin, db),
			 1);
	assert_null(strstr(out, "nginx.local"));
	assert_non_null(strstr(out, "--listen"));
	free(out);
	assert_int_equal(hrun(&out, "%s serve --help", bin), 0);
	assert_non_null(strstr(out, "--trusted-proxy"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forwarded_address_throttled),
	    cmocka_unit_test(test_account_limit_across_addresses),
	    cmocka_unit_test(test_untrusted_header_ignored),
	    cmocka_unit_test(test_malformed_header_falls_back),
	    cmocka_unit_test(test_access_log_client),
	    cmocka_unit_test(test_option_validated),
	};

	const char *tmp = getenv("TMPDIR");
	char *out;
	int failed;

	bin = getenv("ADVOCATE_BIN");
	if (bin == NULL) {
		fprintf(stderr, "ADVOCATE_BIN is not set\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/advocate-proxy-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	harness_db_new(dir, db, sizeof(db));
	failed = cmocka_run_group_tests_name("api_proxy", tests, NULL, NULL);
	harness_db_drop(db);
	hrun(&out, "rm -rf '%s'", dir);
	free(out);
	return failed;
}
