/*
 * gen_responses.c — writes N synthetic survey responses (bench/responses.h)
 * to a CSV file, one row per respondent, columns named by question code:
 *
 *   gen_responses N OUT.csv [SEED]
 *
 * The same N and SEED (default RESPONSES_SEED, the seed of bench/analytics)
 * always give the same file. Exit status 0 on success, 1 when generating or
 * writing failed, 2 for a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "responses.h"

/* Parses a positive decimal integer; false when s is not one. */
static bool
parse_count(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		return false;
	*out = v;
	return true;
}

int
main(int argc, char **argv)
{
	struct responses r = {0};
	struct adv_errbuf eb = {{0}, {0}};
	uint64_t n = 0, seed = RESPONSES_SEED;
	enum adv_err rc;
	int status = 0;

	if (argc < 3 || argc > 4 || !parse_count(argv[1], &n) || n == 0 || n > SIZE_MAX ||
	    (argc == 4 && !parse_count(argv[3], &seed))) {
		fprintf(stderr, "usage: gen_responses N OUT.csv [SEED]   (N ≥ 1)\n");
		status = 2;
		goto out;
	}
	if ((rc = responses_generate((size_t)n, seed, &r, &eb)) != ADV_OK ||
	    (rc = responses_write_csv(&r, argv[2], &eb)) != ADV_OK) {
		fprintf(stderr, "gen_responses: %s: %s\n", adv_strerror(rc), eb.msg);
		status = 1;
		goto out;
	}
	fprintf(stderr, "gen_responses: %" PRIu64 " responses of %zu accounts to %s\n", n,
		r.accounts, argv[2]);
out:
	responses_free(&r);
	return status;
}
