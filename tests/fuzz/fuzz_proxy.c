/*
 * fuzz_proxy.c — libFuzzer harness for the trusted proxy list and the
 * X-Forwarded-For walk (src/http/proxy.c). The input is a --trusted-proxy
 * list, a newline, and an X-Forwarded-For value.
 *
 * Checks properties as well as memory safety: a parsed address formats to a
 * text that parses back to the same address; a parsed list matches its own
 * ranges' addresses; the walk answers the peer when the peer is not trusted,
 * and otherwise the peer or an address that is not trusted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/proxy.h"

#define FUZZ_TEXT_MAX 4096 /* bytes of input used as the list and as the header */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless a formats to a text that parses back to a. */
static void
check_round_trip(const struct proxy_addr *a)
{
	char text[PROXY_ADDR_TEXT_MAX];
	struct proxy_addr b;

	proxy_addr_format(a, text);
	if (!proxy_addr_parse(text, strlen(text), &b) || memcmp(a->b, b.b, sizeof(b.b)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct proxy_list none = {.n = 0};
	char list[FUZZ_TEXT_MAX + 1], xff[FUZZ_TEXT_MAX + 1];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ln = nl != NULL ? (size_t)(nl - data) : size;
	size_t xn = nl != NULL ? size - ln - 1 : 0;
	struct adv_errbuf eb;
	struct proxy_list l;
	struct proxy_addr a, peer, client;

	ln = ln < FUZZ_TEXT_MAX ? ln : FUZZ_TEXT_MAX;
	xn = xn < FUZZ_TEXT_MAX ? xn : FUZZ_TEXT_MAX;
	memcpy(list, data, ln);
	list[ln] = '\0';
	if (nl != NULL)
		memcpy(xff, nl + 1, xn);
	xff[xn] = '\0';

	if (proxy_addr_parse(xff, xn, &a))
		check_round_trip(&a);
	if (proxy_list_parse(list, &l, &eb) != ADV_OK) {
		if (l.n != 0)
			abort();
		return 0;
	}
	for (unsigned i = 0; i < l.n; i++) {
		if (l.nets[i].prefix > 128 || !proxy_list_has(&l, &l.nets[i].addr))
			abort();
		check_round_trip(&l.nets[i].addr);
	}
	/* A peer that is trusted when the list has entries, and one that is not. */
	peer = l.n > 0 ? l.nets[0].addr : (struct proxy_addr){{0}};
	proxy_client(&l, &peer, xff, &client);
	if (!proxy_list_has(&l, &peer)) {
		if (memcmp(client.b, peer.b, sizeof(peer.b)) != 0)
			abort();
	} else if (memcmp(client.b, peer.b, sizeof(peer.b)) != 0 && proxy_list_has(&l, &client)) {
		abort();
	}
	proxy_client(&none, &peer, xff, &client);
	if (memcmp(client.b, peer.b, sizeof(peer.b)) != 0)
		abort();
	return 0;
}
