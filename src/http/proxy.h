/*
 * proxy.h — the client's address behind reverse proxies: a list of trusted
 * proxies (addresses and CIDR ranges, from `serve --trusted-proxy`), and the
 * X-Forwarded-For walk that finds the client when the socket peer is one of
 * them. No I/O and no allocation: the list has a fixed capacity.
 *
 * Addresses are kept as 16 bytes of IPv6; an IPv4 address is stored as its
 * IPv4-mapped form (::ffff:a.b.c.d), so that "10.0.0.0/8" also matches a peer
 * seen as ::ffff:10.1.2.3 on a dual-stack socket, and formats back as IPv4.
 */
#ifndef ADV_HTTP_PROXY_H
#define ADV_HTTP_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct sockaddr;

#define PROXY_LIST_MAX	    64 /* entries in --trusted-proxy */
#define PROXY_ADDR_TEXT_MAX 46 /* INET6_ADDRSTRLEN: the longest formatted address and NUL */

struct proxy_addr {
	uint8_t b[16];
};

struct proxy_net {
	struct proxy_addr addr; /* host bits cleared */
	unsigned prefix;	/* 0..128 over the 16 bytes (IPv4 ranges get 96 + n) */
};

struct proxy_list {
	struct proxy_net nets[PROXY_LIST_MAX];
	unsigned n; /* 0: no trusted proxy, X-Forwarded-For is never read */
};

/*
 * Parses a comma-separated list of IPv4/IPv6 addresses and CIDR ranges
 * ("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8") into out. Blanks around entries
 * and empty entries are ignored; NULL or "" gives an empty list. Host bits
 * set below the prefix are cleared ("10.1.2.3/8" is 10.0.0.0/8).
 * Errors: ADV_EINVAL naming the bad entry in eb (not an address, a prefix out
 * of range, more than PROXY_LIST_MAX entries); out is then empty.
 */
enum adv_err proxy_list_parse(const char *text, struct proxy_list *out, struct adv_errbuf *eb);

/* True when a lies in one of l's ranges. */
bool proxy_list_has(const struct proxy_list *l, const struct proxy_addr *a);

/*
 * Parses one address of n bytes at s as it may appear in X-Forwarded-For:
 * "192.0.2.1", "192.0.2.1:8080", "2001:db8::1", "[2001:db8::1]" or
 * "[2001:db8::1]:8080", without surrounding blanks. The port, if any, is
 * dropped. False (out untouched) for anything else.
 */
bool proxy_addr_parse(const char *s, size_t n, struct proxy_addr *out);

/* The address of an AF_INET or AF_INET6 socket address; false for other families. */
bool proxy_addr_from_sockaddr(const struct sockaddr *sa, struct proxy_addr *out);

/*
 * Writes a's canonical text into out: dotted IPv4 for IPv4 and IPv4-mapped
 * addresses, RFC 5952 IPv6 otherwise (lower case, longest zero run as "::"),
 * so that one address always gives one text (for throttling keys and logs).
 */
void proxy_addr_format(const struct proxy_addr *a, char out[PROXY_ADDR_TEXT_MAX]);

/*
 * The client's address for a request whose socket peer is peer and whose
 * X-Forwarded-For header values, joined by commas in the order received, are
 * xff (NULL when absent). When peer is not in l (or l is empty), the client is
 * the peer. Otherwise the entries of xff are walked from the right: each
 * trusted one is skipped, and the first that is not trusted is the client.
 * The result is the peer when xff is absent, when every entry is trusted, or
 * when the walk meets an entry that is not an address before it finds the
 * client (an entry a trusted proxy could not have written; what lies left of
 * it is not believed). Empty list elements (",,") are skipped.
 */
void proxy_client(const struct proxy_list *l, const struct proxy_addr *peer, const char *xff,
		  struct proxy_addr *out);

#endif
