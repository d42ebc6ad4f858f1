/*
 * public_url.c — the address people reach this instance at (see
 * public_url.h): validation, the one stored copy, and links built on it.
 */
#include "core/public_url.h"

#include <stdio.h>
#include <string.h>

static char stored[PUBLIC_URL_MAX];

/* True when the len bytes of host[:port] at s are a plausible host and port. */
static bool
authority_valid(const char *s, size_t len)
{
	size_t i, colon = len;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == ':' && s[0] != '[')
			colon = i;
		else if (ch == '@')
			return false;
	}
	if (colon == 0)
		return false;
	if (colon < len) {
		if (colon + 1 == len || len - colon - 1 > 5)
			return false;
		for (i = colon + 1; i < len; i++)
			if (s[i] < '0' || s[i] > '9')
				return false;
	}
	return true;
}

enum adv_err
public_url_set(const char *url, struct adv_errbuf *eb)
{
	const char *rest, *slash;
	size_t len, i;

	if (url == NULL || (len = strlen(url)) == 0)
		return adv_fail(eb, ADV_EINVAL, "--public-url", "the public address is empty");
	if (len >= PUBLIC_URL_MAX)
		return adv_fail(eb, ADV_EINVAL, "--public-url",
				"the public address is longer than %d bytes", PUBLIC_URL_MAX - 1);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)url[i];
		if (ch <= ' ' || ch >= 0x7f || ch == '?' || ch == '#' || ch == '"' || ch == '<' ||
		    ch == '>' || ch == '\\')
			return adv_fail(eb, ADV_EINVAL, "--public-url",
					"the public address may not hold '%c' or spaces, control "
					"or non-ASCII characters, a query or a fragment",
					ch > ' ' && ch < 0x7f ? ch : '?');
	}
	if (strncmp(url, "https://", 8) == 0)
		rest = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		rest = url + 7;
	else
		return adv_fail(eb, ADV_EINVAL, "--public-url",
				"the public address must start with http:// or https://");
	slash = strchr(rest, '/');
	if (!authority_valid(rest, slash != NULL ? (size_t)(slash - rest) : strlen(rest)))
		return adv_fail(eb, ADV_EINVAL, "--public-url",
				"the public address needs a host (and a port of digits, if any), "
				"without a user name");
	while (len > 0 && url[len - 1] == '/')
		len--;
	memcpy(stored, url, len);
	stored[len] = '\0';
	return ADV_OK;
}

const char *
public_url(void)
{
	return stored;
}

bool
public_url_join(const char *path, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s%s", stored, path);

	if (n < 0 || (size_t)n >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return false;
	}
	return true;
}
