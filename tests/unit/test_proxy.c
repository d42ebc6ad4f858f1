/*
 * test_proxy.c — trusted proxy lists, address parsing and formatting, and the
 * X-Forwarded-For walk (src/http/proxy.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "http/proxy.h"

/* Parses text as one address (asserting that it is one) and returns it. */
static struct proxy_addr
addr(const char *text)
{
	struct proxy_addr a;

	assert_true(proxy_addr_parse(text, strlen(text), &a));
	return a;
}

/* The canonical text of a parsed address, in a static buffer. */
static const char *
canon(const char *text)
{
	static char out[PROXY_ADDR_TEXT_MAX];
	struct proxy_addr a = addr(text);

	proxy_addr_format(&a, out);
	return out;
}

/* The client proxy_client finds for peer and xff under list, as text in a static buffer. */
static const char *
client(const char *list, const char *peer, const char *xff)
{
	static char out[PROXY_ADDR_TEXT_MAX];
	struct adv_errbuf eb = {{0}, {0}};
	struct proxy_list l;
	struct proxy_addr p = addr(peer), c;

	assert_int_equal(proxy_list_parse(list, &l, &eb), ADV_OK);
	proxy_client(&l, &p, xff, &c);
	proxy_addr_format(&c, out);
	return out;
}

static bool
has(const char *list, const char *a)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct proxy_list l;
	struct proxy_addr x = addr(a);

	assert_int_equal(proxy_list_parse(list, &l, &eb), ADV_OK);
	return proxy_list_has(&l, &x);
}

static void
test_addr_parse(void **state)
{
	static const char *const bad[] = {
	    "",
	    "1.2.3",
	    "1.2.3.4.5",
	    "256.1.1.1",
	    "01.2.3.4",
	    "1.2.3.4:",
	    "1.2.3.4:65536",
	    "1.2.3.4:80x",
	    "1.2.3.4:123456",
	    "[1.2.3.4]",
	    "[::1",
	    "[::1]x",
	    "[::1]:",
	    "[::1]:99999",
	    "::1::2",
	    "fe80::1%eth0",
	    "unknown",
	    "_hidden",
	    "localhost",
	    "1.2.3.4 ",
	    "2001:db8::g",
	    "1.2.3.4/8",
	    "[::1]:80:80",
	};
	struct proxy_addr a;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (proxy_addr_parse(bad[i], strlen(bad[i]), &a))
			fail_msg("'%s' was taken for an address", bad[i]);
	}
	assert_string_equal(canon("192.0.2.1"), "192.0.2.1");
	assert_string_equal(canon("192.0.2.1:8080"), "192.0.2.1");
	assert_string_equal(canon("2001:db8::1"), "2001:db8::1");
	assert_string_equal(canon("[2001:db8::1]"), "2001:db8::1");
	assert_string_equal(canon("[2001:db8::1]:443"), "2001:db8::1");
	/* Only the n bytes given are read, and a NUL among them is no terminator. */
	assert_true(proxy_addr_parse("10.0.0.1,rest", 8, &a));
	assert_false(proxy_addr_parse("10.0.0.1\0rest", 13, &a));
}

/* One address, one text: spellings of the same address must not make distinct throttle keys. */
static void
test_addr_canonical(void **state)
{
	(void)state;
	assert_string_equal(canon("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
	assert_string_equal(canon("2001:0db8::0001"), "2001:db8::1");
	assert_string_equal(canon("::ffff:192.0.2.1"), "192.0.2.1");
	assert_string_equal(canon("::FFFF:c000:0201"), "192.0.2.1");
	assert_string_equal(canon("::1"), "::1");
}

static void
test_addr_from_sockaddr(void **state)
{
	struct sockaddr_in in4 = {0};
	struct sockaddr_in6 in6 = {0};
	struct sockaddr un = {0};
	struct proxy_addr a;
	char text[PROXY_ADDR_TEXT_MAX];

	(void)state;
	in4.sin_family = AF_INET;
	in4.sin_port = htons(1234);
	assert_int_equal(inet_pton(AF_INET, "203.0.113.7", &in4.sin_addr), 1);
	assert_true(proxy_addr_from_sockaddr((struct sockaddr *)&in4, &a));
	proxy_addr_format(&a, text);
	assert_string_equal(text, "203.0.113.7");

	in6.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr), 1);
	assert_true(proxy_addr_from_sockaddr((struct sockaddr *)&in6, &a));
	proxy_addr_format(&a, text);
	assert_string_equal(text, "127.0.0.1");

	assert_int_equal(inet_pton(AF_INET6, "2001:db8::5", &in6.sin6_addr), 1);
	assert_true(proxy_addr_from_sockaddr((struct sockaddr *)&in6, &a));
	proxy_addr_format(&a, text);
	assert_string_equal(text, "2001:db8::5");

	un.sa_family = AF_UNIX;
	assert_false(proxy_addr_from_sockaddr(&un, &a));
	assert_false(proxy_addr_from_sockaddr(NULL, &a));
}

static void
test_list_parse(void **state)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct proxy_list l;
	char many[PROXY_LIST_MAX * 16 + 32];
	size_t len = 0;

	(void)state;
	assert_int_equal(proxy_list_parse(NULL, &l, &eb), ADV_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(proxy_list_parse("", &l, &eb), ADV_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(proxy_list_parse(" , ,", &l, &eb), ADV_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(proxy_list_parse("127.0.0.1,10.0.0.0/8,::1", &l, &eb), ADV_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(proxy_list_parse(" 127.0.0.1 ,\tfd00::/8, ", &l, &eb), ADV_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.nets[0].prefix, 128);
	assert_int_equal(l.nets[1].prefix, 8);

	/* Each bad entry is named in the message. */
	static const struct {
		const char *list, *named;
	} bad[] = {
	    {"127.0.0.1,nginx.local", "'nginx.local'"},
	    {"10.0.0.0/33", "'10.0.0.0/33'"},
	    {"::/129", "'::/129'"},
	    {"10.0.0.0/", "'10.0.0.0/'"},
	    {"10.0.0.0/8x", "'10.0.0.0/8x'"},
	    {"10.0.0.0/-1", "'10.0.0.0/-1'"},
	    {"127.0.0.1:8080", "'127.0.0.1:8080'"},
	    {"[::1]", "'[::1]'"},
	    {"1.2.3.4 5.6.7.8", "'1.2.3.4 5.6.7.8'"},
	    {"::1, 300.1.1.1", "'300.1.1.1'"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		adv_errbuf_clear(&eb);
		assert_int_equal(proxy_list_parse(bad[i].list, &l, &eb), ADV_EINVAL);
		assert_int_equal(l.n, 0);
		if (strstr(eb.msg, bad[i].named) == NULL)
			fail_msg("'%s': message '%s' does not name %s", bad[i].list, eb.msg,
				 bad[i].named);
	}

	/* The capacity is a hard limit. */
	for (int i = 0; i < PROXY_LIST_MAX; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len, "10.0.%d.%d,", i / 256,
					i % 256);
	assert_int_equal(proxy_list_parse(many, &l, &eb), ADV_OK);
	assert_int_equal(l.n, PROXY_LIST_MAX);
	snprintf(many + len, sizeof(many) - len, "10.1.0.0");
	assert_int_equal(proxy_list_parse(many, &l, &eb), ADV_EINVAL);
	assert_int_equal(l.n, 0);
}

static void
test_list_has(void **state)
{
	(void)state;
	assert_true(has("127.0.0.1", "127.0.0.1"));
	assert_false(has("127.0.0.1", "127.0.0.2"));
	assert_true(has("10.0.0.0/8", "10.255.255.255"));
	assert_true(has("10.0.0.0/8", "10.0.0.0"));
	assert_false(has("10.0.0.0/8", "11.0.0.0"));
	assert_false(has("10.0.0.0/8", "9.255.255.255"));
	assert_true(has("192.168.16.0/20", "192.168.31.1"));
	assert_false(has("192.168.16.0/20", "192.168.32.1"));
	/* Host bits below the prefix are cleared. */
	assert_true(has("10.1.2.3/8", "10.200.0.1"));
	assert_true(has("0.0.0.0/0", "203.0.113.7"));
	/* An IPv4 range does not cover IPv6 addresses, /0 included. */
	assert_false(has("0.0.0.0/0", "2001:db8::1"));
	/* A peer seen on a dual-stack socket matches the IPv4 entry. */
	assert_true(has("10.0.0.0/8", "::ffff:10.9.8.7"));
	assert_true(has("::ffff:10.0.0.0/104", "10.9.8.7"));
	assert_true(has("::1", "::1"));
	assert_false(has("::1", "::2"));
	assert_true(has("fd00::/8", "fd12:3456::1"));
	assert_false(has("fd00::/8", "fe80::1"));
	assert_true(has("2001:db8::/127", "2001:db8::1"));
	assert_false(has("2001:db8::/127", "2001:db8::2"));
	assert_true(has("::/0", "2001:db8::1"));
	assert_false(has("", "127.0.0.1"));
	assert_true(has("192.0.2.1, 127.0.0.1", "127.0.0.1"));
}

static void
test_client(void **state)
{
	static const char trusted[] = "127.0.0.1,10.0.0.0/8,::1";

	(void)state;
	/* A peer that is not trusted is the client, whatever the header says. */
	assert_string_equal(client(trusted, "203.0.113.1", "198.51.100.9"), "203.0.113.1");
	assert_string_equal(client("", "127.0.0.1", "198.51.100.9"), "127.0.0.1");
	/* The nginx of deploy/nginx.conf: one address, set (not appended) by the proxy. */
	assert_string_equal(client(trusted, "127.0.0.1", "203.0.113.7"), "203.0.113.7");
	/* Appended chains: the right-most address that is not a trusted proxy. */
	assert_string_equal(client(trusted, "127.0.0.1", "1.1.1.1, 203.0.113.7"), "203.0.113.7");
	assert_string_equal(client(trusted, "127.0.0.1", "1.1.1.1, 203.0.113.7, 10.0.0.5"),
			    "203.0.113.7");
	assert_string_equal(client(trusted, "::1", "203.0.113.7,10.1.1.1,10.2.2.2"), "203.0.113.7");
	/* A forged left part is never reached. */
	assert_string_equal(client(trusted, "127.0.0.1", "garbage, 6.6.6.6, 203.0.113.7"),
			    "203.0.113.7");
	/* Ports and brackets as some proxies write them; IPv6 canonical. */
	assert_string_equal(client(trusted, "127.0.0.1", "203.0.113.7:51234"), "203.0.113.7");
	assert_string_equal(client(trusted, "127.0.0.1", "[2001:DB8::7]:443"), "2001:db8::7");
	assert_string_equal(client(trusted, "127.0.0.1", "2001:db8:0::7"), "2001:db8::7");
	/* Blanks and empty list elements. */
	assert_string_equal(client(trusted, "127.0.0.1", " \t203.0.113.7 , ,"), "203.0.113.7");
	/* Absent, empty, or all trusted: the peer. */
	assert_string_equal(client(trusted, "127.0.0.1", NULL), "127.0.0.1");
	assert_string_equal(client(trusted, "127.0.0.1", ""), "127.0.0.1");
	assert_string_equal(client(trusted, "127.0.0.1", " , "), "127.0.0.1");
	assert_string_equal(client(trusted, "10.0.0.1", "127.0.0.1, 10.3.3.3"), "10.0.0.1");
	/* Malformed: the walk stops and the peer stands. */
	assert_string_equal(client(trusted, "127.0.0.1", "not-an-address"), "127.0.0.1");
	assert_string_equal(client(trusted, "127.0.0.1", "unknown"), "127.0.0.1");
	assert_string_equal(client(trusted, "127.0.0.1", "203.0.113.7, unknown"), "127.0.0.1");
	assert_string_equal(client(trusted, "127.0.0.1", "203.0.113.7, 10.0.0.2, junk"),
			    "127.0.0.1");
	assert_string_equal(client(trusted, "127.0.0.1", "203.0.113.7 198.51.100.9"), "127.0.0.1");
	assert_string_equal(client(trusted, "127.0.0.1", "1.2.3.4;5.6.7.8"), "127.0.0.1");
	/* A peer on a dual-stack socket. */
	assert_string_equal(client(trusted, "::ffff:127.0.0.1", "203.0.113.7"), "203.0.113.7");
	assert_string_equal(client(trusted, "::ffff:203.0.113.1", "198.51.100.9"), "203.0.113.1");
}

/* A long header of trusted hops ends in the peer without reading past it. */
static void
test_client_long(void **state)
{
	static char xff[64 * 1024];
	size_t len;

	(void)state;
	for (int round = 0; round < 2; round++) {
		len = (size_t)snprintf(xff, sizeof(xff), "%s", round ? "198.51.100.99," : "");
		while (len + 16 < sizeof(xff))
			len += (size_t)snprintf(xff + len, sizeof(xff) - len, "10.0.0.%zu,",
						len % 200);
		assert_string_equal(client("10.0.0.0/8", "10.0.0.1", xff),
				    round ? "198.51.100.99" : "10.0.0.1");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_addr_parse),	       cmocka_unit_test(test_addr_canonical),
	    cmocka_unit_test(test_addr_from_sockaddr), cmocka_unit_test(test_list_parse),
	    cmocka_unit_test(test_list_has),	       cmocka_unit_test(test_client),
	    cmocka_unit_test(test_client_long),
	};

	return cmocka_run_group_tests_name("proxy", tests, NULL, NULL);
}
