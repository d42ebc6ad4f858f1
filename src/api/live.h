/*
 * live.h — live events over Server-Sent Events: the hub that carries the
 * event bus (db/bus.h) to the streams of a server (http/sse.h), and the one
 * call an endpoint makes to answer with a stream of the events a filter
 * lets through.
 *
 * One hub per server, made when its first stream starts: one subscription
 * to the server's bus (server_config.bus) that turns each event's payload
 * (core/events.h) into a live event and offers it to every stream, each
 * keeping the ones its filter matches; on BUS_RESYNC every stream reads the
 * event log after the last event it sent. A stream reads its backlog from
 * the event log (after Last-Event-ID) once it is registered for live
 * events, and skips live events the backlog covered, so nothing is lost or
 * repeated in between.
 *
 * An endpoint of its own (the staff stream below, a portal stream of a
 * client's people) checks who the caller is, builds the filter from what
 * the caller may see, and returns live_stream_start:
 *
 *   struct events_filter f = {.ws_id = ws, .account_id = company,
 *                             .visibility = EVENTS_SEE_PUBLIC};
 *   return live_stream_start(r, &f);
 *
 * Routes (api_live_routes): GET /api/v1/workspaces/{ws}/events — every
 * member of the workspace; staff and public events, optionally of one
 * account (account_id, 404 when not in the workspace) and one topic
 * (topic_id).
 */
#ifndef ADV_API_LIVE_H
#define ADV_API_LIVE_H

#include "core/events.h"
#include "http/http.h"

/*
 * Answers r with a text/event-stream of the events f lets through (f is
 * copied): after the Last-Event-ID the client sends (header, or query
 * parameter last_event_id), else from now on. The handler returns the
 * result at once. The stream asks again, once per heartbeat period, whether
 * its reader may still read it — a signed-in staff member (r->caller, by
 * session cookie or API token) still a member of r's workspace, else the
 * portal session of r's cookie still live and of f's company — and ends
 * when not (sse_source.alive). Errors (detail in r->eb): ADV_EINVAL for a malformed
 * Last-Event-ID (field "last_event_id"), ADV_EUNAVAIL when the server has
 * no event bus, holds its maximum of streams or is stopping, ADV_ENOMEM.
 */
enum adv_err live_stream_start(struct req *r, const struct events_filter *f);

#endif
