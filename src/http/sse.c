/*
 * sse.c — Server-Sent Events streams over libmicrohttpd (see sse.h).
 *
 * A stream is a callback response whose content reader writes what the
 * stream has (the retry hint, backlog batches, queued live events, a
 * heartbeat) and, when it has nothing, suspends the connection and returns
 * 0; whoever gives it something to write resumes it. A stream's flags and
 * queue live under its mutex; what only the reader touches (the output
 * buffer, the ids written) needs no lock. The server's set lists its
 * streams under the set's mutex; publishers take references to the streams
 * they wake and never call into libmicrohttpd with the set locked, so the
 * set's lock never waits behind libmicrohttpd's own.
 *
 * Duplicates between the backlog and the live feed: hwm is the highest id a
 * backlog read has covered; a live event at or below it was in that read (or
 * before the stream's start) and is skipped.
 */
#include "http/sse.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/server_impl.h"
#include "util/buf.h"

struct sse_stream {
	struct sse_set *set;
	struct MHD_Connection *conn;
	const struct sse_source *src;
	void *ctx;
	atomic_uint refs;		    /* the response's, and publishers' for a while */
	atomic_llong last_write;	    /* monotonic seconds of the last bytes written */
	unsigned slot;			    /* index in set->streams while registered */
	pthread_mutex_t mu;		    /* guards what follows, up to the reader's part */
	struct sse_event *q[SSE_QUEUE_MAX]; /* live events in order */
	unsigned qhead, qlen;
	bool suspended;	   /* the reader suspended the connection */
	bool gone;	   /* the connection is finished: never resume it */
	bool closing;	   /* the server stops: end */
	bool overflow;	   /* the queue overflowed: end with a resync */
	bool need_backlog; /* read the backlog after last_id */
	bool heartbeat;	   /* write a heartbeat if nothing else */
	/* The reader's own. */
	bool started;	      /* the retry hint is out */
	bool positioned;      /* last_id is known */
	bool ended;	      /* end after what is buffered */
	int64_t last_id;      /* the newest id written (or where the stream starts) */
	int64_t hwm;	      /* the newest id a backlog read covered */
	long long checked_at; /* monotonic seconds of the last src->alive check */
	struct buf out;
	size_t out_off;
};

struct sse_set {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* wakes the heartbeat timer */
	struct sse_stream **streams;
	unsigned n, max;
	long long heartbeat_s;
	bool closing;
	bool timer_running;
	pthread_t timer;
};

struct sse_batch {
	struct sse_stream *s;
	unsigned n;	 /* events emitted */
	bool full;	 /* the output reached SSE_OUT_HIGH */
	int64_t last_id; /* the last id emitted */
};

static long long
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

struct sse_event *
sse_event_new(int64_t id, const char *name, const char *data, const void *attr, size_t attr_size)
{
	size_t nl = name ? strlen(name) + 1 : 0, dl = data ? strlen(data) + 1 : 0;
	size_t attr_at = (sizeof(struct sse_event) + 15) & ~(size_t)15;
	struct sse_event *e = malloc(attr_at + attr_size + nl + dl);
	char *p;

	if (e == NULL)
		return NULL;
	atomic_init(&e->refs, 1);
	e->id = id;
	p = (char *)e + attr_at;
	e->attr = attr_size > 0 ? memcpy(p, attr, attr_size) : NULL;
	p += attr_size;
	e->name = name ? memcpy(p, name, nl) : NULL;
	p += nl;
	e->data = data ? memcpy(p, data, dl) : NULL;
	return e;
}

void
sse_event_release(struct sse_event *e)
{
	if (e != NULL && atomic_fetch_sub(&e->refs, 1) == 1)
		free(e);
}

/* Frees a stream nobody refers to any more. */
static void
stream_free(struct sse_stream *s)
{
	for (unsigned i = 0; i < s->qlen; i++)
		sse_event_release(s->q[(s->qhead + i) % SSE_QUEUE_MAX]);
	if (s->src->release != NULL)
		s->src->release(s->ctx);
	buf_release(&s->out);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static void
stream_unref(struct sse_stream *s)
{
	if (atomic_fetch_sub(&s->refs, 1) == 1)
		stream_free(s);
}

/* Resumes the connection if the reader suspended it; s->mu held. */
static void
stream_wake(struct sse_stream *s)
{
	if (s->suspended && !s->gone) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

/* True when the reader has something to do; s->mu held. */
static bool
stream_has_work(const struct sse_stream *s)
{
	return s->qlen > 0 || s->closing || s->overflow || s->need_backlog || s->heartbeat;
}

/*
 * The registered streams for which pick(s, arg) is true (NULL: all), with a
 * reference each, into a new array *out of *n; false when out of memory.
 */
static bool
set_snapshot(struct sse_set *set, bool (*pick)(struct sse_stream *s, void *arg), void *arg,
	     struct sse_stream ***out, unsigned *n)
{
	struct sse_stream **v;
	bool ok = true;

	*n = 0;
	pthread_mutex_lock(&set->mu);
	v = malloc((set->n > 0 ? set->n : 1) * sizeof(*v));
	if (v == NULL) {
		ok = false;
		goto out;
	}
	for (unsigned i = 0; i < set->n; i++) {
		struct sse_stream *s = set->streams[i];

		if (pick == NULL || pick(s, arg)) {
			atomic_fetch_add(&s->refs, 1);
			v[(*n)++] = s;
		}
	}
out:
	pthread_mutex_unlock(&set->mu);
	*out = v;
	return ok;
}

/* Drops the references a snapshot took and frees it. */
static void
snapshot_free(struct sse_stream **v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		stream_unref(v[i]);
	free(v);
}

/* Removes s from its set (the response is finished). */
static void
set_remove(struct sse_stream *s)
{
	struct sse_set *set = s->set;

	pthread_mutex_lock(&set->mu);
	set->streams[s->slot] = set->streams[--set->n];
	set->streams[s->slot]->slot = s->slot;
	pthread_mutex_unlock(&set->mu);
}

/* Appends one event's lines to b: id, event, and data split at newlines, then a blank line. */
static enum adv_err
frame_put(struct buf *b, int64_t id, const char *name, const char *data)
{
	enum adv_err rc = ADV_OK;
	const char *p = data;

	if (id > 0)
		rc = buf_printf(b, "id: %lld\n", (long long)id);
	if (rc == ADV_OK && name != NULL)
		rc = buf_printf(b, "event: %s\n", name);
	while (rc == ADV_OK) {
		size_t n = strcspn(p, "\n");

		if ((rc = buf_puts(b, "data: ")) == ADV_OK && (rc = buf_append(b, p, n)) == ADV_OK)
			rc = buf_putc(b, '\n');
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	if (rc == ADV_OK)
		rc = buf_putc(b, '\n');
	return rc;
}

enum adv_err
sse_emit(struct sse_batch *b, int64_t id, const char *name, const char *data)
{
	struct sse_stream *s = b->s;
	enum adv_err rc;
	size_t before = s->out.len;

	if (b->full)
		return ADV_ETOOBIG;
	if (id <= s->last_id)
		return ADV_OK;
	if ((rc = frame_put(&s->out, id, name, data)) != ADV_OK) {
		s->out.len = before;
		s->out.data[before] = '\0';
		b->full = true;
		return rc == ADV_ETOOBIG ? ADV_ETOOBIG : rc;
	}
	b->n++;
	b->last_id = id;
	s->last_id = id;
	if (s->out.len >= SSE_OUT_HIGH)
		b->full = true;
	return ADV_OK;
}

/* Ends the stream with a resync event (the client reloads or reconnects). */
static void
stream_end_resync(struct sse_stream *s, const char *reason)
{
	char data[64];

	snprintf(data, sizeof(data), "{\"reason\":\"%s\"}", reason);
	frame_put(&s->out, 0, "resync", data);
	s->ended = true;
}

/*
 * Reads the backlog after the last id written; true when there may be more
 * (the batch was full). Ends the stream on an error.
 */
static bool
stream_backlog(struct sse_stream *s)
{
	struct sse_batch b = {s, 0, false, 0};
	enum adv_err rc = s->src->backlog(s->ctx, s->last_id, SSE_BACKLOG_BATCH, &b);

	if (rc != ADV_OK && rc != ADV_ETOOBIG && !b.full) {
		stream_end_resync(s, "unavailable");
		return false;
	}
	if (s->last_id > s->hwm)
		s->hwm = s->last_id;
	return b.full || b.n >= SSE_BACKLOG_BATCH;
}

/*
 * Writes one live event taken from the queue, or reads the backlog for one
 * not carried. While the backlog has more to read (*more), live events wait
 * for it: they are in the log too, and writing them first would put them
 * before older events and move the backlog's position past those.
 */
static void
stream_live(struct sse_stream *s, const struct sse_event *e, bool *more)
{
	if (s->ended || e->id <= s->hwm || *more)
		return;
	if (e->data == NULL) {
		if (stream_backlog(s))
			*more = true;
		return;
	}
	if (frame_put(&s->out, e->id, e->name, e->data) != ADV_OK) {
		stream_end_resync(s, "overflow");
		return;
	}
	if (e->id > s->last_id)
		s->last_id = e->id;
}

/* Fills the output buffer with whatever the stream has to say now. */
static void
stream_fill(struct sse_stream *s)
{
	struct sse_event *got[SSE_QUEUE_MAX];
	unsigned n = 0;
	bool closing, overflow, heartbeat, backlog, more = false;

	if (!s->started) {
		buf_printf(&s->out, "retry: %d\n\n", SSE_RETRY_MS);
		s->started = true;
	}
	pthread_mutex_lock(&s->mu);
	closing = s->closing;
	overflow = s->overflow;
	heartbeat = s->heartbeat;
	backlog = s->need_backlog;
	s->heartbeat = s->need_backlog = false;
	for (; s->qlen > 0 && !closing && !overflow; s->qlen--, n++) {
		got[n] = s->q[s->qhead];
		s->qhead = (s->qhead + 1) % SSE_QUEUE_MAX;
	}
	pthread_mutex_unlock(&s->mu);
	if (closing) {
		s->ended = true;
		goto out;
	}
	if (overflow) {
		stream_end_resync(s, "overflow");
		goto out;
	}
	if (s->src->alive != NULL && mono_now() - s->checked_at >= s->set->heartbeat_s) {
		s->checked_at = mono_now();
		if (!s->src->alive(s->ctx)) {
			stream_end_resync(s, "unauthorized");
			goto out;
		}
	}
	if (!s->positioned) {
		s->positioned = true;
		backlog = true;
	}
	if (backlog)
		more = stream_backlog(s);
	for (unsigned i = 0; i < n && !s->ended; i++)
		stream_live(s, got[i], &more);
	if (heartbeat && s->out.len == 0)
		buf_puts(&s->out, ": heartbeat\n\n");
	if (more && !s->ended) {
		pthread_mutex_lock(&s->mu);
		s->need_backlog = true;
		pthread_mutex_unlock(&s->mu);
	}
out:
	for (unsigned i = 0; i < n; i++)
		sse_event_release(got[i]);
	if (s->out.len > 0)
		atomic_store(&s->last_write, mono_now());
}

/* libmicrohttpd's content reader: what is buffered, else fill, else suspend. */
static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse_stream *s = cls;
	bool slept;

	(void)pos;
	for (;;) {
		if (s->out_off < s->out.len) {
			size_t n = s->out.len - s->out_off;

			if (n > max)
				n = max;
			memcpy(buf, s->out.data + s->out_off, n);
			s->out_off += n;
			return (ssize_t)n;
		}
		buf_reset(&s->out);
		s->out_off = 0;
		if (s->ended)
			return MHD_CONTENT_READER_END_OF_STREAM;
		stream_fill(s);
		if (s->out.len > 0 || s->ended)
			continue;
		pthread_mutex_lock(&s->mu);
		slept = !stream_has_work(s);
		if (slept) {
			s->suspended = true;
			MHD_suspend_connection(s->conn);
		}
		pthread_mutex_unlock(&s->mu);
		if (slept)
			return 0;
	}
}

/* libmicrohttpd's free callback of the response: the stream is finished. */
static void
stream_done(void *cls)
{
	struct sse_stream *s = cls;

	pthread_mutex_lock(&s->mu);
	s->gone = true;
	pthread_mutex_unlock(&s->mu);
	set_remove(s);
	stream_unref(s);
}

/* The heartbeat timer: once a second, wakes the streams silent for the heartbeat period. */
static bool
pick_silent(struct sse_stream *s, void *arg)
{
	return *(long long *)arg - atomic_load(&s->last_write) >= s->set->heartbeat_s;
}

static void *
set_timer(void *arg)
{
	struct sse_set *set = arg;

	pthread_mutex_lock(&set->mu);
	while (!set->closing) {
		struct timespec until;
		struct sse_stream **v;
		unsigned n;
		long long now;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&set->cv, &set->mu, &until);
		if (set->closing)
			break;
		pthread_mutex_unlock(&set->mu);
		now = mono_now();
		if (set_snapshot(set, pick_silent, &now, &v, &n)) {
			for (unsigned i = 0; i < n; i++) {
				pthread_mutex_lock(&v[i]->mu);
				v[i]->heartbeat = true;
				stream_wake(v[i]);
				pthread_mutex_unlock(&v[i]->mu);
			}
			snapshot_free(v, n);
		}
		pthread_mutex_lock(&set->mu);
	}
	pthread_mutex_unlock(&set->mu);
	return NULL;
}

enum adv_err
sse_last_event_id(struct req *r, int64_t *id)
{
	const char *v = req_header(r, "Last-Event-ID");
	char *end;
	long long n;

	*id = SSE_FROM_NOW;
	if (v == NULL || *v == '\0')
		v = req_query(r, "last_event_id");
	if (v == NULL || *v == '\0')
		return ADV_OK;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*end != '\0' || errno != 0 || n < 0 || *v < '0' || *v > '9')
		return adv_fail(&r->eb, ADV_EINVAL, "last_event_id",
				"Last-Event-ID must be a whole number of 0 or more");
	*id = (int64_t)n;
	return ADV_OK;
}

/* Registers s in set; ADV_EUNAVAIL when full or closing. Starts the timer once. */
static enum adv_err
set_add(struct sse_set *set, struct sse_stream *s, struct adv_errbuf *eb)
{
	enum adv_err rc = ADV_OK;

	pthread_mutex_lock(&set->mu);
	if (set->closing) {
		rc = adv_fail(eb, ADV_EUNAVAIL, NULL, "the server is shutting down");
		goto out;
	}
	if (set->n >= set->max) {
		rc = adv_fail(eb, ADV_EUNAVAIL, NULL,
			      "this server holds its maximum of %u live streams; try another "
			      "node or later",
			      set->max);
		goto out;
	}
	if (!set->timer_running) {
		if (pthread_create(&set->timer, NULL, set_timer, set) != 0) {
			rc = ADV_ENOMEM;
			goto out;
		}
		set->timer_running = true;
	}
	s->slot = set->n;
	set->streams[set->n++] = s;
out:
	pthread_mutex_unlock(&set->mu);
	return rc;
}

enum adv_err
sse_start(struct req *r, const struct sse_source *src, void *ctx, int64_t last_id)
{
	struct sse_set *set = r->srv->sse;
	struct sse_stream *s = calloc(1, sizeof(*s));
	struct MHD_Response *mr;
	enum adv_err rc = ADV_OK;
	int64_t head;

	if (s == NULL) {
		if (src->release != NULL)
			src->release(ctx);
		return ADV_ENOMEM;
	}
	s->set = set;
	s->conn = r->conn;
	s->src = src;
	s->ctx = ctx;
	s->last_id = last_id < 0 ? SSE_FROM_NOW : last_id;
	atomic_init(&s->refs, 1);
	atomic_init(&s->last_write, mono_now());
	s->checked_at = mono_now();
	pthread_mutex_init(&s->mu, NULL);
	buf_init(&s->out, SSE_OUT_MAX);
	if ((rc = set_add(set, s, &r->eb)) != ADV_OK) {
		stream_free(s);
		goto out;
	}
	/*
	 * A stream from now on starts at the newest event once it is registered:
	 * whatever commits later is above that and reaches it live, and a client
	 * that has the answer's headers knows that.
	 */
	if ((rc = src->head(ctx, &head)) != ADV_OK) {
		set_remove(s);
		stream_free(s);
		rc = adv_fail(&r->eb, ADV_EUNAVAIL, NULL, "the event log cannot be read");
		goto out;
	}
	/* A last id from the future (another database, a restore) starts at the head too. */
	if (s->last_id < 0 || s->last_id > head) {
		s->last_id = s->hwm = head;
		s->positioned = true;
	}
	mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK_SIZE, stream_read, s,
					       stream_done);
	if (mr == NULL) {
		set_remove(s);
		stream_free(s);
		rc = ADV_ENOMEM;
		goto out;
	}
	resp_bytes(r, 200, "text/event-stream; charset=utf-8", "", 0);
	resp_header(r, "X-Accel-Buffering", "no");
	r->out_stream = mr;
out:
	return rc;
}

/* Live events offered together. */
struct offer {
	struct sse_event *const *ev;
	unsigned n;
};

/* Whether stream s's source takes any of the events of offer arg. */
static bool
pick_matching(struct sse_stream *s, void *arg)
{
	const struct offer *o = arg;

	for (unsigned i = 0; i < o->n; i++)
		if (s->src->match(s->ctx, o->ev[i]))
			return true;
	return false;
}

void
sse_publish_many(struct server *srv, struct sse_event *const *ev, unsigned n)
{
	struct offer o = {ev, n};
	struct sse_stream **v;
	unsigned nv;

	if (n == 0 || !set_snapshot(srv->sse, pick_matching, &o, &v, &nv))
		return;
	for (unsigned i = 0; i < nv; i++) {
		struct sse_stream *s = v[i];

		pthread_mutex_lock(&s->mu);
		for (unsigned k = 0; k < n && !s->overflow && !s->closing; k++) {
			if (!s->src->match(s->ctx, ev[k]))
				continue;
			if (s->qlen == SSE_QUEUE_MAX) {
				s->overflow = true;
				break;
			}
			atomic_fetch_add(&ev[k]->refs, 1);
			s->q[(s->qhead + s->qlen++) % SSE_QUEUE_MAX] = ev[k];
		}
		stream_wake(s);
		pthread_mutex_unlock(&s->mu);
	}
	snapshot_free(v, nv);
}

void
sse_publish(struct server *srv, struct sse_event *e)
{
	sse_publish_many(srv, &e, 1);
}

void
sse_resync(struct server *srv)
{
	struct sse_stream **v;
	unsigned n;

	if (!set_snapshot(srv->sse, NULL, NULL, &v, &n))
		return;
	for (unsigned i = 0; i < n; i++) {
		pthread_mutex_lock(&v[i]->mu);
		v[i]->need_backlog = true;
		stream_wake(v[i]);
		pthread_mutex_unlock(&v[i]->mu);
	}
	snapshot_free(v, n);
}

unsigned
sse_count(struct server *srv)
{
	unsigned n;

	pthread_mutex_lock(&srv->sse->mu);
	n = srv->sse->n;
	pthread_mutex_unlock(&srv->sse->mu);
	return n;
}

struct sse_set *
sse_set_new(unsigned max, unsigned heartbeat_s)
{
	struct sse_set *set = calloc(1, sizeof(*set));

	if (set == NULL)
		return NULL;
	set->max = max > 0 ? max : SSE_STREAMS_MAX;
	set->heartbeat_s = heartbeat_s > 0 ? heartbeat_s : SSE_HEARTBEAT_S;
	set->streams = calloc(set->max, sizeof(*set->streams));
	if (set->streams == NULL) {
		free(set);
		return NULL;
	}
	pthread_mutex_init(&set->mu, NULL);
	pthread_cond_init(&set->cv, NULL);
	return set;
}

void
sse_set_shutdown(struct sse_set *set)
{
	struct sse_stream **v;
	unsigned n;
	bool joined;

	pthread_mutex_lock(&set->mu);
	set->closing = true;
	pthread_cond_broadcast(&set->cv);
	joined = set->timer_running;
	set->timer_running = false;
	pthread_mutex_unlock(&set->mu);
	if (joined)
		pthread_join(set->timer, NULL);
	if (!set_snapshot(set, NULL, NULL, &v, &n))
		return;
	for (unsigned i = 0; i < n; i++) {
		pthread_mutex_lock(&v[i]->mu);
		v[i]->closing = true;
		stream_wake(v[i]);
		pthread_mutex_unlock(&v[i]->mu);
	}
	snapshot_free(v, n);
}

void
sse_set_free(struct sse_set *set)
{
	if (set == NULL)
		return;
	sse_set_shutdown(set);
	pthread_cond_destroy(&set->cv);
	pthread_mutex_destroy(&set->mu);
	free(set->streams);
	free(set);
}
