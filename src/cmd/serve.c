/*
 * serve.c — `advocate serve`: opens the database, applies migrations on an
 * empty one (refusing one newer than this binary), optionally seeds the demo
 * workspace, and serves HTTP until SIGINT or SIGTERM, then drains.
 */
#include "cmd/cmd.h"

#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "core/demo.h"
#include "core/outbound_worker.h"
#include "core/public_url.h"
#include "cmd/jobs.h"
#include "db/bus.h"
#include "http/http.h"
#include "http/proxy.h"
#include "http/sse.h"

#define SERVE_DRAIN_MS	  10000
#define SERVE_MALLOC_KEEP (256 * 1024 * 1024)
#define SERVE_MALLOC_MMAP (32 * 1024 * 1024)

/*
 * Raises the soft limit on open files towards want (at most the hard limit):
 * every connection, live streams included, holds a descriptor, and the
 * usual soft limit of 1024 is below the connection limit.
 */
static void
raise_nofile(rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* An unsigned option value, or dflt when absent; false on a malformed value. */
static bool
opt_unsigned(const char *v, unsigned long dflt, unsigned long *out)
{
	char *end;

	if (v == NULL) {
		*out = dflt;
		return true;
	}
	*out = strtoul(v, &end, 10);
	return *v != '\0' && *end == '\0';
}

/*
 * Sets *out to the --trusted-proxy list v, or $ADVOCATE_TRUSTED_PROXY when v
 * is NULL (NULL when neither is set). False, after one line on stderr naming
 * the bad entry, when the list does not parse.
 */
static bool
trusted_proxy_opt(const char *v, const char **out)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct proxy_list l;
	const char *from = "--trusted-proxy";

	if (v == NULL) {
		v = getenv("ADVOCATE_TRUSTED_PROXY");
		from = "ADVOCATE_TRUSTED_PROXY";
	}
	*out = v;
	if (proxy_list_parse(v, &l, &eb) == ADV_OK)
		return true;
	fprintf(stderr, "advocate serve: %s: %s\n", from, eb.msg);
	return false;
}

/*
 * Sets *out to the --portal-frame-ancestors list v, or
 * $ADVOCATE_PORTAL_FRAME_ANCESTORS when v is NULL (NULL when neither is set:
 * the portal may not be framed). False, after one line on stderr naming the
 * bad source, when the list does not parse (server_frame_ancestors).
 */
static bool
frame_ancestors_opt(const char *v, const char **out)
{
	struct adv_errbuf eb = {{0}, {0}};
	char norm[FRAME_ANCESTORS_MAX + 1];
	const char *from = "--portal-frame-ancestors";

	if (v == NULL) {
		v = getenv("ADVOCATE_PORTAL_FRAME_ANCESTORS");
		from = "ADVOCATE_PORTAL_FRAME_ANCESTORS";
	}
	*out = v;
	if (server_frame_ancestors(v, norm, &eb) == ADV_OK)
		return true;
	fprintf(stderr, "advocate serve: %s: %s\n", from, eb.msg);
	return false;
}

/*
 * Keeps the instance's public address (public_url.h): opt, else
 * $ADVOCATE_PUBLIC_URL, else http:// and the listening address with the port
 * the server got. False, having said why on stderr, for an address
 * public_url_set refuses.
 */
static bool
public_url_opt(const char *opt, const char *listen, unsigned port)
{
	char url[PUBLIC_URL_MAX];
	const char *colon;
	struct adv_errbuf eb = {{0}, {0}};
	int hostlen;

	if (opt == NULL)
		opt = getenv("ADVOCATE_PUBLIC_URL");
	if (opt == NULL || *opt == '\0') {
		colon = strrchr(listen, ':');
		hostlen = colon != NULL ? (int)(colon - listen) : (int)strlen(listen);
		if (hostlen == 0 || (hostlen == 7 && strncmp(listen, "0.0.0.0", 7) == 0))
			snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
		else
			snprintf(url, sizeof(url), "http://%.*s:%u", hostlen, listen, port);
		opt = url;
	}
	if (public_url_set(opt, &eb) != ADV_OK) {
		fprintf(stderr, "advocate serve: %s: %s\n", eb.field, eb.msg);
		return false;
	}
	return true;
}

int
cmd_serve(int argc, char **argv)
{
	struct cmd_opt opts[] = {
	    {"db", true, NULL},
	    {"listen", true, NULL},
	    {"demo", false, NULL},
	    {"threads", true, NULL},
	    {"body-max", true, NULL},
	    {"upload-max", true, NULL},
	    {"no-access-log", false, NULL},
	    {"session-idle", true, NULL},
	    {"session-max", true, NULL},
	    {"tls-proxy", false, NULL},
	    {"trusted-proxy", true, NULL},
	    {"per-ip-limit", true, NULL},
	    {"streams-max", true, NULL},
	    {"portal-frame-ancestors", true, NULL},
	    {"smtp-url", true, NULL},
	    {"mail-from", true, NULL},
	    {"public-url", true, NULL},
	};
	size_t nopts = sizeof(opts) / sizeof(opts[0]), npos;
	struct server_config cfg = {
	    .conn_timeout = 30,
	    .conn_limit = 4096,
	    .per_ip_limit = 512,
	    .conn_memory = 64 * 1024,
	    .access_log = true,
	};
	struct adv_errbuf eb = {{0}, {0}};
	struct server *srv = NULL;
	struct db *db = NULL;
	struct bus *bus = NULL;
	struct outbound_worker *outbound = NULL;
	struct outbound_config ocfg = {0};
	struct jobs *jobs = NULL;
	unsigned long threads, body_max, upload_max, idle, smax, per_ip, streams;
	unsigned nroutes;
	const struct route *routes;
	sigset_t set;
	int sig, status = 1;
	const char *pos[1];

	if (cmd_wants_help(argc, argv)) {
		printf("options: --db URL --listen HOST:PORT (default 127.0.0.1:8080 or "
		       "$ADVOCATE_LISTEN) --demo --threads N --body-max BYTES --upload-max BYTES "
		       "--session-idle SECONDS --session-max SECONDS --no-access-log --tls-proxy "
		       "--trusted-proxy LIST (addresses and CIDR ranges of reverse proxies whose "
		       "X-Forwarded-For is believed, or $ADVOCATE_TRUSTED_PROXY) --per-ip-limit N "
		       "(connections from one address, default 512; live event streams count) "
		       "--streams-max N (live event streams held at once, default 4096) "
		       "--portal-frame-ancestors LIST (sites that may show the client portal in a "
		       "frame, such as \"https://www.supplier.example\"; default none, or "
		       "$ADVOCATE_PORTAL_FRAME_ANCESTORS)"
		       " --smtp-url smtp://HOST[:PORT] (or $ADVOCATE_SMTP_URL; without it e-mail "
		       "stays queued) --mail-from ADDRESS (or $ADVOCATE_MAIL_FROM) --public-url "
		       "URL (the "
		       "address people reach this server at, the start of links in e-mail, such as "
		       "\"https://advocate.supplier.example\"; or $ADVOCATE_PUBLIC_URL; default "
		       "the address it listens on)\n");
		return 0;
	}
	if (!cmd_parse(argc, argv, opts, nopts, pos, 0, &npos))
		return 2;
	if (!opt_unsigned(cmd_opt(opts, nopts, "threads"), 0, &threads) ||
	    !opt_unsigned(cmd_opt(opts, nopts, "body-max"), HTTP_BODY_MAX_DEFAULT, &body_max) ||
	    !opt_unsigned(cmd_opt(opts, nopts, "upload-max"), 64ul * 1024 * 1024, &upload_max) ||
	    !opt_unsigned(cmd_opt(opts, nopts, "session-idle"), 12ul * 3600, &idle) ||
	    !opt_unsigned(cmd_opt(opts, nopts, "session-max"), 7ul * 24 * 3600, &smax) ||
	    !opt_unsigned(cmd_opt(opts, nopts, "per-ip-limit"), 512, &per_ip) ||
	    !opt_unsigned(cmd_opt(opts, nopts, "streams-max"), SSE_STREAMS_MAX, &streams) ||
	    threads > 256 || body_max == 0 || upload_max == 0 || idle == 0 || smax == 0 ||
	    per_ip == 0 || per_ip > 1000000 || streams == 0 || streams > 1000000) {
		fprintf(stderr, "advocate serve: --threads, --body-max, --upload-max, "
				"--session-idle, --session-max, --per-ip-limit and --streams-max "
				"take positive whole numbers\n");
		return 2;
	}
	cfg.listen = cmd_opt(opts, nopts, "listen");
	if (cfg.listen == NULL)
		cfg.listen = getenv("ADVOCATE_LISTEN");
	if (cfg.listen == NULL || *cfg.listen == '\0')
		cfg.listen = "127.0.0.1:8080";
	cfg.threads = (unsigned)threads;
	cfg.body_max = body_max;
	cfg.body_raw_max = upload_max;
	cfg.session_idle = (unsigned)idle;
	cfg.session_max = (unsigned)smax;
	cfg.per_ip_limit = (unsigned)per_ip;
	cfg.streams_max = (unsigned)streams;
	/* Every stream is a connection: leave room for requests beside the streams. */
	if (cfg.conn_limit < cfg.streams_max + 1024)
		cfg.conn_limit = cfg.streams_max + 1024;
	raise_nofile((rlim_t)cfg.conn_limit + 256);
	cfg.access_log = cmd_opt(opts, nopts, "no-access-log") == NULL;
	cfg.tls = cmd_opt(opts, nopts, "tls-proxy") != NULL;
	if (!trusted_proxy_opt(cmd_opt(opts, nopts, "trusted-proxy"), &cfg.trusted_proxy) ||
	    !frame_ancestors_opt(cmd_opt(opts, nopts, "portal-frame-ancestors"),
				 &cfg.frame_ancestors))
		return 2;

	/*
	 * Each request allocates and frees tens of kilobytes; glibc's default is to
	 * give freed memory back to the kernel at once, and the madvise calls and
	 * TLB shootdowns that follow cost more than the request itself. Keep it.
	 */
	mallopt(M_TRIM_THRESHOLD, SERVE_MALLOC_KEEP);
	mallopt(M_MMAP_THRESHOLD, SERVE_MALLOC_MMAP);

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* One connection per server thread, and two for work outside requests. */
	if (cfg.threads == 0)
		cfg.threads = server_default_threads();
	db = cmd_open_db(cmd_opt(opts, nopts, "db"), cfg.threads + 2);
	if (db == NULL)
		goto out;
	if (cmd_opt(opts, nopts, "demo") != NULL && demo_seed_if_empty(db, stdout, &eb) != ADV_OK) {
		fprintf(stderr, "advocate serve: demo data: %s\n", eb.msg);
		goto out;
	}
	if (bus_open(db, cmd_db_url(cmd_opt(opts, nopts, "db")), &bus, &eb) != ADV_OK) {
		fprintf(stderr, "advocate serve: %s\n", eb.msg);
		goto out;
	}
	cfg.bus = bus;
	ocfg.db_url = cmd_db_url(cmd_opt(opts, nopts, "db"));
	ocfg.smtp_url = cmd_opt(opts, nopts, "smtp-url");
	if (ocfg.smtp_url == NULL)
		ocfg.smtp_url = getenv("ADVOCATE_SMTP_URL");
	if (ocfg.smtp_url != NULL && *ocfg.smtp_url == '\0')
		ocfg.smtp_url = NULL;
	ocfg.mail_from = cmd_opt(opts, nopts, "mail-from");
	if (ocfg.mail_from == NULL)
		ocfg.mail_from = getenv("ADVOCATE_MAIL_FROM");
	ocfg.bus = bus;
	if (outbound_worker_start(&ocfg, &outbound, &eb) != ADV_OK) {
		fprintf(stderr, "advocate serve: outbound notifications: %s\n", eb.msg);
		goto out;
	}
	routes = api_routes(&nroutes);
	if (server_start(&cfg, db, routes, nroutes, &srv, &eb) != ADV_OK) {
		fprintf(stderr, "advocate serve: %s\n", eb.msg);
		goto out;
	}
	if (!public_url_opt(cmd_opt(opts, nopts, "public-url"), cfg.listen, server_port(srv)))
		goto out;
	if (jobs_start(db, &jobs) != ADV_OK) {
		fprintf(stderr, "advocate serve: cannot start the periodic jobs\n");
		goto out;
	}
	fprintf(stderr, "advocate: listening on http://%s (port %u)\n", cfg.listen,
		server_port(srv));
	fflush(stdout);
	sigwait(&set, &sig);
	fprintf(stderr, "advocate: %s received, draining\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	server_stop(srv, SERVE_DRAIN_MS);
	srv = NULL;
	status = 0;
out:
	jobs_stop(jobs);
	server_stop(srv, 0);
	outbound_worker_stop(outbound);
	bus_close(bus);
	db_close(db);
	return status;
}
