/*
 * sse.h — Server-Sent Events responses (text/event-stream) for
 * libmicrohttpd, with no domain knowledge.
 *
 * A handler starts a stream on its request with a source: callbacks that
 * find where the stream starts (the newest event now), read the events
 * after an id (the backlog, for Last-Event-ID and after a gap), and decide
 * whether a live event belongs to the stream. Live events are published to
 * every stream of a server (sse_publish); each stream keeps the ones its
 * source matches in a bounded queue and writes them as
 *
 *   id: 42
 *   event: account.update
 *   data: {"type":"account.update",…}
 *
 * with a "retry:" hint first and a comment line as heartbeat after
 * SSE_HEARTBEAT_S of silence (server_config.heartbeat_s). A stream
 * registers before it reads its backlog and drops live events its backlog
 * already covered (by id), so nothing is missed between the two; ids must
 * therefore grow in the order events become visible to the backlog. A
 * stream without a last id starts at the source's head, read once it is
 * registered, before the answer's headers go out.
 *
 * No thread waits per client: the response is libmicrohttpd's callback
 * response, and a stream with nothing to write suspends its connection
 * (MHD_suspend_connection from the content reader), to be resumed by a
 * publisher, by the heartbeat timer (one thread per server) or by the
 * server's stop. A client too slow for its queue (SSE_QUEUE_MAX) gets a
 * final "event: resync" and the stream ends: it reconnects with
 * Last-Event-ID and catches up from the backlog. A stream whose reader
 * signed out or lost access (sse_source.alive) ends the same way within a
 * heartbeat period. A server holds at most its
 * configured number of streams (server_config.streams_max, SSE_STREAMS_MAX
 * by default); beyond that sse_start refuses with ADV_EUNAVAIL (503).
 * Streams end when the server stops.
 */
#ifndef ADV_HTTP_SSE_H
#define ADV_HTTP_SSE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

#define SSE_STREAMS_MAX	  4096			/* streams per server unless configured */
#define SSE_QUEUE_MAX	  256			/* live events waiting per stream */
#define SSE_HEARTBEAT_S	  15			/* seconds of silence before a heartbeat comment */
#define SSE_RETRY_MS	  2000			/* the reconnection delay suggested to clients */
#define SSE_BACKLOG_BATCH 200			/* events asked of the backlog at a time */
#define SSE_OUT_HIGH	  (512u * 1024u)	/* bytes a backlog batch stops at */
#define SSE_OUT_MAX	  (16u * 1024u * 1024u) /* bytes a stream buffers at most */
#define SSE_BLOCK_SIZE	  (16u * 1024u)		/* bytes handed to libmicrohttpd at a time */
#define SSE_NAME_MAX	  128			/* bytes of an event name */
#define SSE_FROM_NOW	  (-1)			/* sse_start's last_id: only events from now on */

/*
 * A live event: immutable once made, shared by the streams that queue it
 * (reference-counted). Fields are read-only for everybody but sse.c.
 */
struct sse_event {
	atomic_uint refs;
	int64_t id;	  /* > 0 */
	const char *name; /* the "event:" line, or NULL for none */
	/*
	 * The "data:" text (newlines become further data: lines), or NULL when
	 * the publisher did not carry it: the stream then reads its backlog,
	 * which holds the event.
	 */
	const char *data;
	const void *attr; /* what sources' match callbacks look at (a copy), or NULL */
};

/*
 * A new live event with a reference for the caller (sse_event_release),
 * copying name, data and attr_size bytes of attr; NULL when out of memory.
 */
struct sse_event *sse_event_new(int64_t id, const char *name, const char *data, const void *attr,
				size_t attr_size);

/* Drops a reference to e; the last one frees it. NULL is ignored. */
void sse_event_release(struct sse_event *e);

/* Where a source's backlog callback writes its events (sse_emit). */
struct sse_batch;

/*
 * Writes one event into the stream's batch: id (> 0, greater than the ones
 * emitted before), name (or NULL), data (text). ADV_ETOOBIG when the batch
 * is full: stop, the stream asks again after the last event emitted.
 * ADV_ENOMEM.
 */
enum adv_err sse_emit(struct sse_batch *b, int64_t id, const char *name, const char *data);

/*
 * What a stream reads from. Every callback gets the ctx given to sse_start.
 * head and backlog run on a server thread outside any request and may use
 * the database; match runs on the publishing thread and must be quick and
 * must not block (no I/O, no locks held for long).
 */
struct sse_source {
	/* The id of the newest event now: where a stream without a last id starts. */
	enum adv_err (*head)(void *ctx, int64_t *id);
	/*
	 * Emits the events after after_id, oldest first, at most max of them,
	 * with sse_emit (stopping when it says ADV_ETOOBIG, which is then
	 * returned or ignored alike). Another error ends the stream with a
	 * resync event.
	 */
	enum adv_err (*backlog)(void *ctx, int64_t after_id, unsigned max, struct sse_batch *b);
	/* Whether live event e belongs to this stream. */
	bool (*match)(void *ctx, const struct sse_event *e);
	/*
	 * Whether the stream may go on: the reader is still signed in and still
	 * allowed to read it. May be NULL (always). Runs on a server thread
	 * outside any request, at most once per heartbeat period, and may use
	 * the database; it answers true when it cannot tell (the database is
	 * busy), so that only a definite no ends a stream. A no ends it with a
	 * final "event: resync" whose data is {"reason":"unauthorized"}: the
	 * client reconnects and is refused.
	 */
	bool (*alive)(void *ctx);
	/* Frees ctx when the stream is gone (or sse_start failed). May be NULL. */
	void (*release)(void *ctx);
};

/*
 * The id a reconnecting client last received: header Last-Event-ID, else
 * query parameter last_event_id, into *id; SSE_FROM_NOW when neither is
 * given. ADV_EINVAL (field "last_event_id") when it is not a whole number
 * from 0 to 2^63-1.
 */
enum adv_err sse_last_event_id(struct req *r, int64_t *id);

/*
 * Answers request r with a stream reading from src: the backlog after
 * last_id first (SSE_FROM_NOW, or an id above src's head: nothing, the
 * stream starts at the head), then live events as they are published. The stream takes ctx whatever
 * the result (src->release frees it). The handler must return ADV_OK right after; the request's
 * database connection goes back to the pool when the answer starts. Errors: ADV_EUNAVAIL when the
 * server holds its maximum of streams or is stopping, ADV_ENOMEM; detail in r->eb.
 */
enum adv_err sse_start(struct req *r, const struct sse_source *src, void *ctx, int64_t last_id);

/*
 * Offers live event e to every stream of server s whose source matches it
 * (each queues a reference). Any thread; returns without waiting for
 * clients. A stream whose queue is full is ended with a resync event.
 */
void sse_publish(struct server *s, struct sse_event *e);

/*
 * sse_publish of ev[0..n) in that order, each stream woken once for all of
 * them: cheaper than n calls when events come in bursts.
 */
void sse_publish_many(struct server *s, struct sse_event *const *ev, unsigned n);

/*
 * Tells every stream of s that live events may have been lost (the bus
 * reconnected): each reads its backlog after the last event it sent. Any
 * thread.
 */
void sse_resync(struct server *s);

/* Streams server s holds now. */
unsigned sse_count(struct server *s);

/* For server.c only: a server's set of streams. */
struct sse_set;

/*
 * A new set holding at most max streams (0: SSE_STREAMS_MAX) that writes a
 * heartbeat after heartbeat_s seconds of silence (0: SSE_HEARTBEAT_S); NULL
 * when out of memory.
 */
struct sse_set *sse_set_new(unsigned max, unsigned heartbeat_s);

/*
 * Refuses new streams and ends every stream (each finishes writing what it
 * has and completes); returns at once. Stops the heartbeat timer.
 */
void sse_set_shutdown(struct sse_set *set);

/* Frees the set; every stream must be gone (the daemon stopped). NULL is ignored. */
void sse_set_free(struct sse_set *set);

#endif
