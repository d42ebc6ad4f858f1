/*
 * server.c — the libmicrohttpd glue: an epoll thread pool, the per-request
 * arena, body accumulation with a limit, dispatch through the route table,
 * authentication and CSRF checks, security headers, the access log, metrics,
 * streaming answers (sse.c), and a draining stop that ends streams first.
 */
#include "http/server_impl.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/auth.h"
#include "http/router.h"

#define REQ_ARENA_LIMIT (64u * 1024u * 1024u)

#define CSP_BASE                                                                                   \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "                \
	"form-action 'self'; frame-ancestors "

static const char csp_value[] = CSP_BASE "'none'";

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static enum http_method
method_parse(const char *m)
{
	static const char *const names[HTTP_METHOD__MAX] = {
	    [HTTP_GET] = "GET",		[HTTP_HEAD] = "HEAD",	[HTTP_POST] = "POST",
	    [HTTP_PUT] = "PUT",		[HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE",
	    [HTTP_OPTIONS] = "OPTIONS",
	};

	for (int i = 0; i < HTTP_METHOD__MAX; i++)
		if (strcmp(m, names[i]) == 0)
			return (enum http_method)i;
	return HTTP_METHOD__MAX;
}

const char *
http_method_name(enum http_method m)
{
	static const char *const names[HTTP_METHOD__MAX] = {
	    [HTTP_GET] = "GET",		[HTTP_HEAD] = "HEAD",	[HTTP_POST] = "POST",
	    [HTTP_PUT] = "PUT",		[HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE",
	    [HTTP_OPTIONS] = "OPTIONS",
	};

	return (unsigned)m < HTTP_METHOD__MAX ? names[m] : "OTHER";
}

/* Gathers the X-Forwarded-For header lines of a request, in order. */
struct xff_acc {
	const char *one;   /* the value when there is one line */
	struct buf joined; /* all values joined by commas when there are several */
	unsigned count;
	bool failed;
};

static enum MHD_Result
xff_collect(void *cls, enum MHD_ValueKind kind, const char *name, const char *value)
{
	struct xff_acc *x = cls;

	(void)kind;
	if (name == NULL || value == NULL || strcasecmp(name, "X-Forwarded-For") != 0)
		return MHD_YES;
	if (++x->count == 1) {
		x->one = value;
		return MHD_YES;
	}
	if ((x->count == 2 && buf_puts(&x->joined, x->one) != ADV_OK) ||
	    buf_putc(&x->joined, ',') != ADV_OK || buf_puts(&x->joined, value) != ADV_OK)
		x->failed = true;
	return MHD_YES;
}

/*
 * The client's address as canonical text in r's arena: the socket peer, or,
 * when the peer is a trusted proxy, the client its X-Forwarded-For names
 * (proxy_client). "unknown" when the peer's address is not available.
 */
static const char *
req_client_addr(struct req *r)
{
	const struct proxy_list *trusted = &r->srv->proxies;
	const union MHD_ConnectionInfo *ci;
	struct proxy_addr peer, client;
	struct xff_acc x = {NULL, {NULL, 0, 0, 0}, 0, false};
	char text[PROXY_ADDR_TEXT_MAX];
	const char *xff;
	char *ip;

	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || !proxy_addr_from_sockaddr(ci->client_addr, &peer))
		return "unknown";
	client = peer;
	if (trusted->n > 0 && proxy_list_has(trusted, &peer)) {
		buf_init(&x.joined, r->srv->cfg.conn_memory);
		MHD_get_connection_values(r->conn, MHD_HEADER_KIND, xff_collect, &x);
		xff = x.failed ? NULL : x.count > 1 ? x.joined.data : x.one;
		proxy_client(trusted, &peer, xff, &client);
		buf_release(&x.joined);
	}
	proxy_addr_format(&client, text);
	ip = arena_strdup(&r->arena, text);
	return ip != NULL ? ip : "unknown";
}

/* A new request context for conn, or NULL when out of memory. */
static struct req *
req_new(struct server *s, struct MHD_Connection *conn, const char *method, const char *url)
{
	struct req *r = calloc(1, sizeof(*r));
	unsigned long long seq;

	if (r == NULL)
		return NULL;
	arena_init(&r->arena, REQ_ARENA_LIMIT);
	r->srv = s;
	r->conn = conn;
	r->method = method_parse(method);
	r->path = arena_strdup(&r->arena, url);
	r->started_ns = now_ns();
	r->route_index = -1;
	seq = atomic_fetch_add(&s->req_seq, 1);
	snprintf(r->id, sizeof(r->id), "%08x%08llx", s->instance_tag, seq & 0xFFFFFFFFull);
	r->ip = req_client_addr(r);
	buf_init(&r->body, s->cfg.body_max);
	atomic_fetch_add(&s->in_flight, 1);
	return r;
}

/*
 * Adds the headers every answer carries; the site's Content-Security-Policy
 * only when the handler did not set a stricter one of its own (has_csp).
 */
static void
add_common_headers(struct req *r, struct MHD_Response *mr, bool has_csp)
{
	bool framed = r->frameable && r->srv->csp_frameable[0] != '\0';

	if (!has_csp)
		MHD_add_response_header(mr, "Content-Security-Policy",
					framed ? r->srv->csp_frameable : csp_value);
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	if (!framed)
		MHD_add_response_header(mr, "X-Frame-Options", "DENY");
	MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(mr, "X-Request-Id", r->id);
	if (r->srv->cfg.tls)
		MHD_add_response_header(mr, "Strict-Transport-Security", "max-age=31536000");
}

/* Turns the answer the handler set into a libmicrohttpd response and queues it. */
static enum MHD_Result
req_send(struct req *r)
{
	struct MHD_Response *mr;
	enum MHD_Result ret;
	bool has_cache_control = false, has_csp = false;

	if (!r->answered)
		resp_problem(r, ADV_EINTERNAL);
	if (r->out_stream != NULL && r->status != 200) {
		MHD_destroy_response(r->out_stream);
		r->out_stream = NULL;
	}
	if (r->out_stream != NULL) {
		/* A stream outlives its handler: its database connection goes back now. */
		mr = r->out_stream;
		r->out_stream = NULL;
		if (r->db != NULL) {
			db_release(r->srv->db, r->db);
			r->db = NULL;
		}
	} else if (r->out_json != NULL) {
		char *text = json_dumps(r->out_json, JSON_COMPACT | JSON_ENCODE_ANY);

		json_decref(r->out_json);
		r->out_json = NULL;
		if (text == NULL)
			return MHD_NO;
		mr = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
		if (mr == NULL)
			free(text);
	} else if (r->out_owned != NULL) {
		mr = MHD_create_response_from_buffer(r->out_len, r->out_owned,
						     MHD_RESPMEM_MUST_FREE);
		if (mr != NULL)
			r->out_owned = NULL;
	} else {
		mr = MHD_create_response_from_buffer(r->out_len, (void *)r->out,
						     MHD_RESPMEM_PERSISTENT);
	}
	if (mr == NULL)
		return MHD_NO;
	if (r->content_type != NULL)
		MHD_add_response_header(mr, "Content-Type", r->content_type);
	for (unsigned i = 0; i < r->nheaders; i++) {
		MHD_add_response_header(mr, r->headers[i].name, r->headers[i].value);
		if (strcasecmp(r->headers[i].name, "Cache-Control") == 0)
			has_cache_control = true;
		else if (strcasecmp(r->headers[i].name, "Content-Security-Policy") == 0)
			has_csp = true;
	}
	if (!has_cache_control)
		MHD_add_response_header(mr, "Cache-Control", "no-store");
	add_common_headers(r, mr, has_csp);
	ret = MHD_queue_response(r->conn, (unsigned)r->status, mr);
	MHD_destroy_response(mr);
	return ret;
}

/*
 * Matches the route as soon as the headers are in, so that the body limit can
 * depend on it (uploads get the larger limit).
 */
static void
req_route(struct req *r)
{
	struct server *s = r->srv;
	int idx = -1;

	if (r->method == HTTP_METHOD__MAX)
		return;
	r->match = router_match(&r->arena, s->routes, s->nroutes, r->method, r->path, &idx,
				r->params, &r->allow);
	if (r->match != ROUTER_FOUND)
		return;
	r->route = &s->routes[idx];
	r->route_index = idx;
	r->route_pattern = r->route->pattern;
	if (r->route->flags & ROUTE_RAW_BODY)
		r->body.max = s->cfg.body_raw_max;
}

/* Appends "&name=value" of one query parameter to the key being built. */
static enum MHD_Result
cache_key_arg(void *cls, enum MHD_ValueKind kind, const char *name, const char *value)
{
	struct buf *b = cls;

	(void)kind;
	return buf_printf(b, "&%s=%s", name, value ? value : "") == ADV_OK ? MHD_YES : MHD_NO;
}

/*
 * For a cacheable route: computes the request's cache key (route, workspace,
 * data version, query) and answers from the cache when it can. True when the
 * request was answered.
 */
static bool
cache_lookup(struct req *r)
{
	struct buf key;
	const char *ctype;
	char *body;
	size_t len;
	bool hit = false;

	if (!(r->route->flags & ROUTE_CACHEABLE) || r->srv->cache == NULL ||
	    (r->method != HTTP_GET && r->method != HTTP_HEAD))
		return false;
	buf_init(&key, CACHE_KEY_MAX);
	if (buf_printf(&key, "%d|%lld|%lld", r->route_index, (long long)r->ws.id,
		       (long long)r->ws.data_version) == ADV_OK &&
	    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, cache_key_arg, &key) >= 0 &&
	    key.len < CACHE_KEY_MAX) {
		r->cache_key = arena_strndup(&r->arena, key.data, key.len);
		if (r->cache_key != NULL &&
		    cache_get(r->srv->cache, r->cache_key, &body, &len, &ctype)) {
			resp_take(r, 200, ctype, body, len);
			resp_header(r, "X-Cache", "hit");
			hit = true;
		}
	}
	buf_release(&key);
	return hit;
}

/* Keeps a copy of a cacheable route's 200 answer under the key cache_lookup computed. */
static void
cache_store(struct req *r)
{
	char *text;

	if (r->cache_key == NULL || r->status != 200 || !r->answered)
		return;
	if (r->out_json != NULL) {
		text = json_dumps(r->out_json, JSON_COMPACT | JSON_ENCODE_ANY);
		if (text == NULL)
			return;
		resp_take(r, r->status, r->content_type, text, strlen(text));
	}
	cache_put(r->srv->cache, r->cache_key, r->out, r->out_len, r->content_type);
}

/* Routes, authenticates and runs the handler; always leaves an answer in r. */
static void
req_dispatch(struct req *r)
{
	enum adv_err rc;

	if (atomic_load(&r->srv->draining)) {
		resp_problem(r,
			     adv_fail(&r->eb, ADV_EUNAVAIL, NULL, "the server is shutting down"));
		resp_header(r, "Connection", "close");
		return;
	}
	if (r->method == HTTP_METHOD__MAX) {
		resp_problem(r, adv_fail(&r->eb, ADV_EBADREQ, NULL, "unsupported method"));
		r->status = 501;
		return;
	}
	switch (r->match) {
	case ROUTER_NO_PATH:
		resp_problem(
		    r, adv_fail(&r->eb, ADV_ENOTFOUND, NULL, "no such resource: %s", r->path));
		return;
	case ROUTER_NO_METHOD:
		adv_fail(&r->eb, ADV_EBADREQ, NULL, "method %s is not allowed here; allowed: %s",
			 http_method_name(r->method), r->allow);
		resp_problem(r, ADV_EBADREQ);
		r->status = 405;
		resp_header(r, "Allow", r->allow);
		return;
	case ROUTER_FOUND:
		break;
	}
	if (r->body_too_big) {
		resp_problem(r, adv_fail(&r->eb, ADV_ETOOBIG, NULL,
					 "the request body is larger than the limit of %zu bytes",
					 r->body.max));
		return;
	}
	if ((rc = auth_authenticate(r)) != ADV_OK)
		goto fail;
	if (r->route->access != ACCESS_PUBLIC && r->caller.user_id == 0) {
		rc = adv_fail(&r->eb, ADV_EUNAUTH, NULL, "sign in or send an API token");
		goto fail;
	}
	if ((rc = auth_check_csrf(r)) != ADV_OK)
		goto fail;
	if (r->route->access == ACCESS_WORKSPACE && (rc = auth_workspace(r)) != ADV_OK)
		goto fail;
	if (cache_lookup(r))
		return;
	rc = r->route->fn(r);
	if (rc == ADV_OK)
		cache_store(r);
fail:
	if (rc != ADV_OK)
		resp_problem(r, rc);
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	  const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct server *s = cls;
	struct req *r = *con_cls;

	(void)version;
	if (r == NULL) {
		r = req_new(s, conn, method, url);
		if (r == NULL)
			return MHD_NO;
		*con_cls = r;
		req_route(r);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (!r->body_too_big &&
		    buf_append(&r->body, upload_data, *upload_data_size) != ADV_OK) {
			r->body_too_big = true;
			buf_release(&r->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	req_dispatch(r);
	return req_send(r);
}

/* Counts the finished request, writes the access log line and frees the request. */
static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct req *r = *con_cls;
	uint64_t dur;

	(void)conn;
	if (r == NULL)
		return;
	dur = now_ns() - r->started_ns;
	if (r->answered)
		metrics_observe(&s->metrics, r->route_index, r->status, dur);
	if (s->cfg.access_log && r->answered) {
		char ts[32];
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(
		    stderr,
		    "{\"time\":\"%s\",\"request_id\":\"%s\",\"client\":\"%s\",\"method\":\"%s\","
		    "\"route\":\"%s\",\"status\":%d,\"duration_ms\":%.3f%s}\n",
		    ts, r->id, r->ip, http_method_name(r->method),
		    r->route_pattern ? r->route_pattern : "-", r->status, (double)dur / 1e6,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : ",\"aborted\":true");
	}
	if (r->db != NULL)
		db_release(s->db, r->db);
	if (r->out_stream != NULL)
		MHD_destroy_response(r->out_stream);
	if (r->out_json != NULL)
		json_decref(r->out_json);
	if (r->errors != NULL)
		json_decref(r->errors);
	if (r->in_json != NULL)
		json_decref(r->in_json);
	free(r->out_owned);
	buf_release(&r->body);
	arena_free(&r->arena);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* Parses "HOST:PORT" or "[V6]:PORT" into a socket address. */
static enum adv_err
parse_listen(const char *listen, struct sockaddr_storage *ss, struct adv_errbuf *eb)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	const char *h = listen;
	size_t hl;
	long port;
	char *end;

	if (colon == NULL)
		return adv_fail(eb, ADV_EINVAL, NULL, "--listen must be HOST:PORT, got '%s'",
				listen);
	hl = (size_t)(colon - listen);
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host))
		return adv_fail(eb, ADV_EINVAL, NULL, "--listen has a bad host in '%s'", listen);
	memcpy(host, h, hl);
	host[hl] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || colon[1] == '\0' || port < 0 || port > 65535)
		return adv_fail(eb, ADV_EINVAL, NULL, "--listen has a bad port in '%s'", listen);
	memset(ss, 0, sizeof(*ss));
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	{
		struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
			in4->sin_family = AF_INET;
			in4->sin_port = htons((uint16_t)port);
		} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)port);
		} else {
			return adv_fail(eb, ADV_EINVAL, NULL,
					"--listen host must be an IP address, got '%s'", host);
		}
	}
	return ADV_OK;
}

/* True when c may appear in a host source's path (RFC 3986 pchar and '/', no ',' ';' '\''). */
static bool
csp_path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("-._~!$&()*+=:@/%", c) != NULL);
}

/* True when the n bytes at s are one CSP source expression frame-ancestors allows. */
static bool
csp_source_ok(const char *s, size_t n)
{
	size_t i = 0, label = 0, k;
	bool any = false;

	if (n == 6 && memcmp(s, "'self'", 6) == 0)
		return true;
	/* A scheme: "https:" alone, or the start of "https://host". */
	for (k = 0; k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
			      (k > 0 && ((s[k] >= '0' && s[k] <= '9') || s[k] == '+' ||
					 s[k] == '-' || s[k] == '.')));
	     k++)
		;
	if (k > 0 && k < n && s[k] == ':') {
		if (k + 1 == n)
			return true;
		if (n - k >= 3 && s[k + 1] == '/' && s[k + 2] == '/')
			i = k + 3; /* else "host:port": read again as a host */
	}
	/* The host: "*", or an optional "*." and dot-separated labels. */
	if (i < n && s[i] == '*') {
		i++;
		if (i < n && s[i] == '.')
			i++;
		else
			any = true;
	}
	if (!any) {
		for (label = 0; i < n && s[i] != ':' && s[i] != '/'; i++) {
			if (s[i] == '.') {
				if (label == 0)
					return false;
				label = 0;
			} else if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
				   (s[i] >= '0' && s[i] <= '9') || s[i] == '-') {
				label++;
			} else {
				return false;
			}
		}
		if (label == 0)
			return false;
	}
	/* The port: digits or "*". */
	if (i < n && s[i] == ':') {
		i++;
		if (i < n && s[i] == '*')
			i++;
		else if (i == n || s[i] < '0' || s[i] > '9')
			return false;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	/* The path. */
	if (i < n && s[i] != '/')
		return false;
	for (; i < n; i++)
		if (!csp_path_char(s[i]))
			return false;
	return true;
}

enum adv_err
server_frame_ancestors(const char *list, char *out, struct adv_errbuf *eb)
{
	size_t len = 0, n;
	unsigned count = 0;
	bool none = false;

	out[0] = '\0';
	if (list != NULL && strlen(list) > FRAME_ANCESTORS_MAX)
		return adv_fail(eb, ADV_EINVAL, NULL,
				"frame ancestors: the list is longer than %d bytes",
				FRAME_ANCESTORS_MAX);
	for (const char *p = list; p != NULL && *p != '\0'; p += n) {
		p += strspn(p, " \t,");
		if ((n = strcspn(p, " \t,")) == 0)
			break;
		if (n == 6 && memcmp(p, "'none'", 6) == 0) {
			none = true;
		} else if (!csp_source_ok(p, n)) {
			return adv_fail(eb, ADV_EINVAL, NULL,
					"frame ancestors: '%.*s' is not a CSP source (such as "
					"https://www.example.com or 'self')",
					(int)(n > 200 ? 200 : n), p);
		}
		if (count++ > 0)
			out[len++] = ' ';
		memcpy(out + len, p, n);
		len += n;
		out[len] = '\0';
	}
	if (none && count > 1)
		return adv_fail(eb, ADV_EINVAL, NULL,
				"frame ancestors: 'none' cannot be listed with other sources");
	if (count == 0)
		strcpy(out, "'none'");
	return ADV_OK;
}

unsigned
server_default_threads(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	return cores > 0 ? (unsigned)cores : 2;
}

enum adv_err
server_start(const struct server_config *cfg, struct db *db, const struct route *routes,
	     unsigned nroutes, struct server **out, struct adv_errbuf *eb)
{
	struct server *s = NULL;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	char fa[FRAME_ANCESTORS_MAX + 1];
	enum adv_err rc;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;

	*out = NULL;
	if ((rc = parse_listen(cfg->listen, &ss, eb)) != ADV_OK)
		goto out;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	s->cfg = *cfg;
	if ((rc = proxy_list_parse(cfg->trusted_proxy, &s->proxies, eb)) != ADV_OK)
		goto out;
	if ((rc = server_frame_ancestors(cfg->frame_ancestors, fa, eb)) != ADV_OK)
		goto out;
	if (strcmp(fa, "'none'") != 0)
		snprintf(s->csp_frameable, sizeof(s->csp_frameable), "%s%s", CSP_BASE, fa);
	if (s->cfg.threads == 0)
		s->cfg.threads = server_default_threads();
	s->db = db;
	s->routes = routes;
	s->nroutes = nroutes;
	s->instance_tag = (unsigned)getpid() ^ (unsigned)time(NULL);
	if ((rc = metrics_init(&s->metrics, nroutes)) != ADV_OK)
		goto out;
	if ((s->cache = cache_new()) == NULL ||
	    (s->sse = sse_set_new(cfg->streams_max, cfg->heartbeat_s)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	pthread_mutex_init(&s->ext_mu, NULL);
	s->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_access, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)s->cfg.conn_timeout, MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->cfg.conn_limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)s->cfg.per_ip_limit,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)s->cfg.conn_memory,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_END);
	if (s->daemon == NULL) {
		rc = adv_fail(eb, ADV_EUNAVAIL, NULL,
			      "cannot listen on %s (address in use or not permitted)", cfg->listen);
		goto out;
	}
	di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	*out = s;
	s = NULL;
out:
	if (s != NULL) {
		metrics_release(&s->metrics);
		cache_free(s->cache);
		if (s->sse != NULL) {
			sse_set_free(s->sse);
			pthread_mutex_destroy(&s->ext_mu);
		}
		free(s);
	}
	return rc;
}

unsigned
server_port(const struct server *s)
{
	return s->port;
}

const struct server_config *
server_config(const struct server *s)
{
	return &s->cfg;
}

struct db *
server_db(const struct server *s)
{
	return s->db;
}

const struct route *
server_routes(const struct server *s, unsigned *n)
{
	*n = s->nroutes;
	return s->routes;
}

void
server_stop(struct server *s, unsigned grace_ms)
{
	if (s == NULL)
		return;
	/*
	 * MHD_quiesce_daemon races with the epoll workers in libmicrohttpd 0.9.75
	 * (a worker can panic removing the listening socket twice), so draining
	 * is ours: requests that arrive from now on are refused with 503.
	 */
	atomic_store(&s->draining, true);
	/* Streams never finish by themselves: end them, so that they drain like requests. */
	sse_set_shutdown(s->sse);
	for (unsigned waited = 0; atomic_load(&s->in_flight) > 0 && waited < grace_ms; waited += 10)
		usleep(10000);
	MHD_stop_daemon(s->daemon);
	for (int i = SERVER_EXT_MAX - 1; i >= 0; i--)
		if (s->ext[i].key != NULL && s->ext[i].release != NULL)
			s->ext[i].release(s->ext[i].obj);
	pthread_mutex_destroy(&s->ext_mu);
	sse_set_free(s->sse);
	metrics_release(&s->metrics);
	cache_free(s->cache);
	free(s);
}

void *
server_ext(struct server *s, const void *key, void *(*make)(struct server *s, void *arg), void *arg,
	   void (*release)(void *obj))
{
	void *obj = NULL;
	int free_slot = -1;

	pthread_mutex_lock(&s->ext_mu);
	for (int i = 0; i < SERVER_EXT_MAX; i++) {
		if (s->ext[i].key == key) {
			obj = s->ext[i].obj;
			goto out;
		}
		if (s->ext[i].key == NULL && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0 || (obj = make(s, arg)) == NULL)
		goto out;
	s->ext[free_slot].key = key;
	s->ext[free_slot].obj = obj;
	s->ext[free_slot].release = release;
out:
	pthread_mutex_unlock(&s->ext_mu);
	return obj;
}

enum adv_err
server_metrics(struct server *s, struct buf *out)
{
	uint64_t hits, misses;
	enum adv_err rc =
	    metrics_render(&s->metrics, s->routes, s->nroutes, s->db, s->cfg.bus, out);

	cache_stats(s->cache, &hits, &misses);
	if (rc == ADV_OK)
		rc = buf_printf(
		    out,
		    "# HELP advocate_cache_requests_total Cacheable requests by result.\n"
		    "# TYPE advocate_cache_requests_total counter\n"
		    "advocate_cache_requests_total{result=\"hit\"} %llu\n"
		    "advocate_cache_requests_total{result=\"miss\"} %llu\n",
		    (unsigned long long)hits, (unsigned long long)misses);
	if (rc == ADV_OK)
		rc = buf_printf(out,
				"# HELP advocate_live_streams Live event streams open now.\n"
				"# TYPE advocate_live_streams gauge\n"
				"advocate_live_streams %u\n",
				sse_count(s));
	return rc;
}
