/*
 * http.h — the request and response model that handlers see, independent of
 * libmicrohttpd: a request with its arena, route parameters, query, headers,
 * body and caller; a response that handlers fill and the server sends.
 *
 * No domain knowledge lives in src/http: the route table is supplied by the
 * api layer (src/api/routes.c).
 */
#ifndef ADV_HTTP_HTTP_H
#define ADV_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/identity.h"
#include "db/db.h"
#include "util/arena.h"

struct bus;
#include "util/buf.h"
#include "util/err.h"

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP_METHOD__MAX
};

/* Who may call a route. */
enum route_access {
	ACCESS_PUBLIC,	  /* anybody */
	ACCESS_USER,	  /* any signed-in user */
	ACCESS_WORKSPACE, /* a member of the workspace named by the {ws} parameter */
	ACCESS__MAX
};

#define ROUTE_PARAMS_MAX      4
#define RESP_HEADERS_MAX      12
#define HTTP_BODY_MAX_DEFAULT (1024u * 1024u)

/* Route flags. */
enum {
	ROUTE_RAW_BODY = 1u << 0,  /* the body is not JSON (an upload): the larger limit applies */
	ROUTE_CACHEABLE = 1u << 1, /* a 200 answer depends only on the path, the query and the
				      workspace's data: it is cached per workspace data version */
};

struct req;
typedef enum adv_err (*route_fn)(struct req *r);

struct route {
	enum http_method method;
	const char *pattern; /* "/api/v1/workspaces/{ws}/accounts/{id}" */
	route_fn fn;
	enum route_access access;
	enum ws_role min_role; /* for ACCESS_WORKSPACE */
	unsigned flags;	       /* ROUTE_RAW_BODY, ROUTE_CACHEABLE */
};

struct server_config {
	const char *listen;    /* HOST:PORT */
	unsigned threads;      /* thread pool size (0 = cores) */
	size_t body_max;       /* bytes */
	size_t body_raw_max;   /* bytes, for uploads such as CSV imports */
	unsigned conn_timeout; /* seconds */
	unsigned conn_limit;   /* connections in all */
	unsigned per_ip_limit; /* connections per address */
	unsigned streams_max;  /* live event streams at once (http/sse.h); 0: the default */
	unsigned heartbeat_s;  /* a stream's silence before a heartbeat; 0: the default */
	size_t conn_memory;    /* per-connection buffer: bounds header size */
	unsigned session_idle; /* seconds */
	unsigned session_max;  /* seconds */
	bool access_log;       /* one JSON line per request on stderr */
	bool tls;	       /* served behind TLS: cookies get Secure */
	struct bus *bus;       /* the node's event bus (db/bus.h), or NULL */
	/*
	 * Comma-separated addresses and CIDR ranges of reverse proxies whose
	 * X-Forwarded-For is believed (http/proxy.h), or NULL for none: then the
	 * client is always the socket peer. Parsed by server_start (ADV_EINVAL
	 * naming the bad entry); not owned, must outlive the server as listen does.
	 */
	const char *trusted_proxy;
	/*
	 * The CSP frame-ancestors sources of the answers that may be framed by
	 * other sites (req.frameable: the client portal's page), as
	 * server_frame_ancestors takes them; NULL or blank: 'none', as every other
	 * answer has. Checked by server_start; not owned, must outlive the server.
	 */
	const char *frame_ancestors;
};

/* The signed-in caller, if any. */
struct caller {
	int64_t user_id; /* 0 when anonymous */
	const char *email;
	const char *name;
	bool is_admin;
	bool via_cookie;
	int64_t session_id;
	const char *csrf_token;
};

/* The workspace named by {ws}, resolved against the caller's memberships. */
struct ws_ctx {
	int64_t id;
	const char *slug;
	const char *name;
	enum ws_role role;
	int64_t data_version;
};

struct resp_header {
	const char *name;
	const char *value;
};

struct req {
	struct arena arena; /* everything below is allocated here */
	struct server *srv;
	void *conn; /* the libmicrohttpd connection */
	enum http_method method;
	const char *path;
	/*
	 * The client's address, canonical text: the socket peer, or the client a
	 * trusted proxy names in X-Forwarded-For (server.c, http/proxy.h).
	 */
	const char *ip;
	char id[20]; /* request id for logs and problem documents */
	uint64_t started_ns;
	const struct route *route;
	const char *route_pattern; /* for logs and metrics; NULL when no route matched */
	int route_index;
	const char *params[ROUTE_PARAMS_MAX];
	int match;	   /* enum router_result */
	const char *allow; /* methods allowed when match is ROUTER_NO_METHOD */
	struct buf body;
	bool body_too_big;
	json_t *in_json;    /* the parsed body, freed at completion */
	struct db_conn *db; /* taken on first use by req_db, returned at completion */
	struct caller caller;
	struct ws_ctx ws;
	const char *cache_key; /* set for cacheable routes: where the answer is kept */
	struct adv_errbuf eb;  /* detail of a failing handler */
	json_t *errors;	       /* [{"pointer","message"}] for 422 answers, or NULL */
	/* The response. */
	int status;
	const char *content_type;
	const void *out;
	size_t out_len;
	json_t *out_json; /* serialised at send time when set */
	char *out_owned;  /* a malloc'ed body the server frees, when set */
	void *out_stream; /* a streaming libmicrohttpd response (http/sse.c), sent instead */
	struct resp_header headers[RESP_HEADERS_MAX];
	unsigned nheaders;
	bool answered;
	/*
	 * Set by a handler whose answer other sites may frame: it gets
	 * server_config.frame_ancestors in its CSP (and no X-Frame-Options)
	 * instead of frame-ancestors 'none'.
	 */
	bool frameable;
};

/* Server lifecycle (server.c). */
struct server;

/*
 * Starts serving on cfg->listen with the given routes over the database pool
 * db (not owned). *out owns the server; server_stop() drains and frees it.
 */
enum adv_err server_start(const struct server_config *cfg, struct db *db,
			  const struct route *routes, unsigned nroutes, struct server **out,
			  struct adv_errbuf *eb);

/* The thread pool size a server_config with threads == 0 gets: the cores online. */
unsigned server_default_threads(void);

/* The port actually bound (useful with port 0). */
unsigned server_port(const struct server *s);

/* Stops accepting, waits up to grace_ms for requests in flight, then frees the server. */
void server_stop(struct server *s, unsigned grace_ms);

/* The configuration the server runs with. */
const struct server_config *server_config(const struct server *s);

/* The database pool. */
struct db *server_db(const struct server *s);

/* The routes the server was started with. */
const struct route *server_routes(const struct server *s, unsigned *n);

/* Longest source list server_frame_ancestors accepts, in bytes. */
#define FRAME_ANCESTORS_MAX 1024

/*
 * Checks a CSP frame-ancestors source list: 'self', scheme sources
 * ("https:") and host sources ("https://shop.example.com:8443/app",
 * "*.example.com"), separated by spaces or commas, or 'none' alone; NULL
 * or blank means 'none'. Writes it with single spaces between sources into
 * out (at least FRAME_ANCESTORS_MAX + 1 bytes; "'none'" for none).
 * ADV_EINVAL (detail in eb) naming the first source that is none of these,
 * or when the list is longer than FRAME_ANCESTORS_MAX.
 */
enum adv_err server_frame_ancestors(const char *list, char *out, struct adv_errbuf *eb);

/* Prometheus text of the server's counters into out. */
enum adv_err server_metrics(struct server *s, struct buf *out);

/* Most objects server_ext keeps per server. */
#define SERVER_EXT_MAX 8

/*
 * The object a layer above keeps once per server (such as the hub of live
 * streams), under key (an address of that layer's own): made by make(s, arg)
 * on the first call, under a lock, and returned as is afterwards; release(obj)
 * runs when the server stops, after every request and stream has ended.
 * NULL when make returns NULL (nothing is kept: the next call tries again)
 * or the server keeps SERVER_EXT_MAX objects already.
 */
void *server_ext(struct server *s, const void *key, void *(*make)(struct server *s, void *arg),
		 void *arg, void (*release)(void *obj));

/* Request helpers (req.c). */

/* The request's database connection, acquired on first call; NULL when the pool failed. */
struct db_conn *req_db(struct req *r);

/* A query parameter, decoded, or NULL. */
const char *req_query(struct req *r, const char *name);

/*
 * Calls fn(cls, value) for every query parameter called name, in the order
 * of the URL (a repeated parameter: ?id=1&id=2). value is NULL for a bare
 * "?name"; it is borrowed for the call only.
 */
void req_query_each(struct req *r, const char *name, void (*fn)(void *cls, const char *value),
		    void *cls);

/* A request header, or NULL. */
const char *req_header(struct req *r, const char *name);

/* A cookie, or NULL. */
const char *req_cookie(struct req *r, const char *name);

/* Named route parameter ("ws", "id", "sid") or NULL. */
const char *req_param(struct req *r, const char *name);

/*
 * Parses a route parameter as a positive integer id; ADV_ENOTFOUND when it is
 * not one (an id that cannot exist is simply not found).
 */
enum adv_err req_param_id(struct req *r, const char *name, int64_t *id);

/*
 * Parses the body as a JSON object. Errors (detail in r->eb): ADV_EBADREQ for
 * a body that is not JSON or not UTF-8 (with line and column), ADV_EINVAL when
 * it is JSON but not an object. The result is owned by the request.
 */
enum adv_err req_json(struct req *r, json_t **out);

/* If-Match as a version number: 0 when absent; ADV_EBADREQ when malformed. */
enum adv_err req_if_match(struct req *r, int64_t *version);

/* Response helpers (resp.c). Each replaces any answer set before. */

/* Answers status with the JSON value j (the reference is stolen). */
enum adv_err resp_json(struct req *r, int status, json_t *j);

/* Answers status with no body. */
enum adv_err resp_empty(struct req *r, int status);

/* Answers status with bytes that stay valid until the request completes (arena or static). */
enum adv_err resp_bytes(struct req *r, int status, const char *content_type, const void *p,
			size_t n);

/*
 * Answers status with a body in memory from malloc(): the server takes it and
 * frees it after sending (also when this call fails).
 */
enum adv_err resp_take(struct req *r, int status, const char *content_type, char *p, size_t n);

/* Adds a response header; name and value must outlive the request (use the arena). */
enum adv_err resp_header(struct req *r, const char *name, const char *value);

/*
 * Answers an RFC 9457 problem: status from e, title from the code, detail from
 * r->eb, errors from r->errors (or one built from r->eb.field).
 */
void resp_problem(struct req *r, enum adv_err e);

/* Adds one entry to r->errors: pointer like "/inn", message for people. */
void req_add_error(struct req *r, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The method's name ("GET"). */
const char *http_method_name(enum http_method m);

#endif
