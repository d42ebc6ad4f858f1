/*
 * proxy.c — trusted proxies and the X-Forwarded-For walk (see proxy.h).
 */
#include "http/proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define ENTRY_TEXT_MAX 64 /* longer than any address with a prefix or a port */

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Narrows [*s, *s + *n) to drop blanks on both sides. */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

/* Sets out to the IPv4-mapped form of the 4 bytes at v4. */
static void
addr_from_v4(const void *v4, struct proxy_addr *out)
{
	memcpy(out->b, v4_mapped_prefix, sizeof(v4_mapped_prefix));
	memcpy(out->b + 12, v4, 4);
}

/*
 * Parses a bare address (no port, no brackets) of n bytes at s. *is_v4 tells
 * whether it was written as IPv4. False when s is not an address.
 */
static bool
addr_parse_bare(const char *s, size_t n, struct proxy_addr *out, bool *is_v4)
{
	char text[ENTRY_TEXT_MAX];
	struct in_addr in4;
	struct in6_addr in6;

	if (n == 0 || n >= sizeof(text) || memchr(s, '\0', n) != NULL)
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, &in4) == 1) {
		addr_from_v4(&in4, out);
		*is_v4 = true;
		return true;
	}
	if (inet_pton(AF_INET6, text, &in6) == 1) {
		memcpy(out->b, &in6, sizeof(out->b));
		*is_v4 = false;
		return true;
	}
	return false;
}

/* True when the n bytes at s are a port number: 1 to 5 digits, at most 65535. */
static bool
port_valid(const char *s, size_t n)
{
	unsigned long v = 0;

	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v <= 65535;
}

bool
proxy_addr_parse(const char *s, size_t n, struct proxy_addr *out)
{
	struct proxy_addr a;
	const char *rb, *colon;
	size_t colons = 0;
	bool is_v4;

	if (n == 0)
		return false;
	if (s[0] == '[') {
		rb = memchr(s, ']', n);
		if (rb == NULL || !addr_parse_bare(s + 1, (size_t)(rb - s - 1), &a, &is_v4) ||
		    is_v4)
			return false;
		if (rb + 1 != s + n &&
		    (rb[1] != ':' || !port_valid(rb + 2, (size_t)(s + n - rb - 2))))
			return false;
		*out = a;
		return true;
	}
	for (size_t i = 0; i < n; i++)
		colons += s[i] == ':';
	if (colons == 1) {
		/* IPv4 with a port. */
		colon = memchr(s, ':', n);
		if (!addr_parse_bare(s, (size_t)(colon - s), &a, &is_v4) || !is_v4 ||
		    !port_valid(colon + 1, (size_t)(s + n - colon - 1)))
			return false;
		*out = a;
		return true;
	}
	if (!addr_parse_bare(s, n, &a, &is_v4))
		return false;
	*out = a;
	return true;
}

bool
proxy_addr_from_sockaddr(const struct sockaddr *sa, struct proxy_addr *out)
{
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in in4;

		memcpy(&in4, sa, sizeof(in4));
		addr_from_v4(&in4.sin_addr, out);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;

		memcpy(&in6, sa, sizeof(in6));
		memcpy(out->b, &in6.sin6_addr, sizeof(out->b));
		return true;
	}
	return false;
}

void
proxy_addr_format(const struct proxy_addr *a, char out[PROXY_ADDR_TEXT_MAX])
{
	const char *ok;

	if (memcmp(a->b, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0)
		ok = inet_ntop(AF_INET, a->b + 12, out, PROXY_ADDR_TEXT_MAX);
	else
		ok = inet_ntop(AF_INET6, a->b, out, PROXY_ADDR_TEXT_MAX);
	if (ok == NULL)
		strcpy(out, "unknown");
}

/* Clears the bits of a below prefix bits. */
static void
mask_host_bits(struct proxy_addr *a, unsigned prefix)
{
	for (unsigned i = 0; i < sizeof(a->b); i++) {
		unsigned kept = prefix > i * 8 ? prefix - i * 8 : 0;

		if (kept < 8)
			a->b[i] &= (uint8_t)(0xffu << (8 - kept));
	}
}

/* True when the n bytes at s are 1 to 3 digits forming a number up to max; *out is it. */
static bool
prefix_parse(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (n == 0 || n > 3)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* Parses one trimmed, non-empty list entry ("10.0.0.0/8", "::1") into net. */
static enum adv_err
net_parse(const char *s, size_t n, struct proxy_net *net, struct adv_errbuf *eb)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash != NULL ? (size_t)(slash - s) : n;
	unsigned prefix;
	bool is_v4;

	if (!addr_parse_bare(s, alen, &net->addr, &is_v4))
		return adv_fail(eb, ADV_EINVAL, NULL,
				"'%.*s' is not an IPv4 or IPv6 address or a CIDR range such as "
				"10.0.0.0/8",
				(int)(n > ENTRY_TEXT_MAX ? ENTRY_TEXT_MAX : n), s);
	if (slash == NULL) {
		net->prefix = 128;
		return ADV_OK;
	}
	if (!prefix_parse(slash + 1, (size_t)(s + n - slash - 1), is_v4 ? 32 : 128, &prefix))
		return adv_fail(
		    eb, ADV_EINVAL, NULL, "'%.*s' has a bad prefix length (0 to %d after the '/')",
		    (int)(n > ENTRY_TEXT_MAX ? ENTRY_TEXT_MAX : n), s, is_v4 ? 32 : 128);
	net->prefix = is_v4 ? 96 + prefix : prefix;
	mask_host_bits(&net->addr, net->prefix);
	return ADV_OK;
}

enum adv_err
proxy_list_parse(const char *text, struct proxy_list *out, struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;
	const char *p = text, *comma;
	size_t n;

	out->n = 0;
	while (p != NULL && *p != '\0') {
		const char *s = p;

		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		p = comma != NULL ? comma + 1 : NULL;
		trim(&s, &n);
		if (n == 0)
			continue;
		if (out->n == PROXY_LIST_MAX) {
			rc = adv_fail(eb, ADV_EINVAL, NULL, "more than %d entries", PROXY_LIST_MAX);
			goto out;
		}
		if ((rc = net_parse(s, n, &out->nets[out->n], eb)) != ADV_OK)
			goto out;
		out->n++;
	}
out:
	if (rc != ADV_OK)
		out->n = 0;
	return rc;
}

/* True when a lies in net. */
static bool
net_has(const struct proxy_net *net, const struct proxy_addr *a)
{
	unsigned whole = net->prefix / 8, rest = net->prefix % 8;
	uint8_t mask;

	if (memcmp(net->addr.b, a->b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xffu << (8 - rest));
	return (a->b[whole] & mask) == net->addr.b[whole];
}

bool
proxy_list_has(const struct proxy_list *l, const struct proxy_addr *a)
{
	for (unsigned i = 0; i < l->n; i++)
		if (net_has(&l->nets[i], a))
			return true;
	return false;
}

void
proxy_client(const struct proxy_list *l, const struct proxy_addr *peer, const char *xff,
	     struct proxy_addr *out)
{
	const char *end, *start;
	struct proxy_addr a;
	size_t n;

	*out = *peer;
	if (xff == NULL || !proxy_list_has(l, peer))
		return;
	end = xff + strlen(xff);
	while (end > xff) {
		start = end;
		while (start > xff && start[-1] != ',')
			start--;
		n = (size_t)(end - start);
		end = start > xff ? start - 1 : xff;
		trim(&start, &n);
		if (n == 0)
			continue;
		if (!proxy_addr_parse(start, n, &a))
			return;
		if (!proxy_list_has(l, &a)) {
			*out = a;
			return;
		}
	}
}
