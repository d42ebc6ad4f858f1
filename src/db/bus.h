/*
 * bus.h — the event bus: things that happened (an account changed, a message
 * arrived), delivered to subscribers in this process whichever node of the
 * deployment raised them.
 *
 * Events are raised inside the transaction of the change with db_notify()
 * (db.h) and reach subscribers only if it commits. On PostgreSQL a listener
 * thread holds its own connection and LISTENs on DB_NOTIFY_CHANNEL, so an
 * event raised by any node arrives on every node; on SQLite the pool hands
 * committed events to the bus directly (one process).
 *
 * Delivery is at most once: a node whose listener connection was lost
 * misses what happened meanwhile, and its subscribers then receive the
 * payload BUS_RESYNC so that they can reload what they show.
 */
#ifndef ADV_DB_BUS_H
#define ADV_DB_BUS_H

#include "db/db.h"

struct bus;

/* What subscribers receive after a gap in delivery: reload, events may be missing. */
#define BUS_RESYNC "{\"type\":\"bus.resync\"}"

/* Most subscribers one bus holds. */
#define BUS_SUBS_MAX 256

/*
 * A subscriber: called with each event's payload (JSON text, valid during the
 * call) on the bus's delivery thread; it must return quickly and must not
 * subscribe or unsubscribe.
 */
typedef void (*bus_fn)(void *ctx, const char *payload);

/*
 * Starts a bus for the database behind db (opened from url): a listener
 * thread on PostgreSQL, the pool's in-process hook on SQLite. *out owns the
 * bus; close it with bus_close before closing db. Errors: ADV_EUNAVAIL when
 * the listener cannot connect, ADV_ENOMEM; detail in eb.
 */
enum adv_err bus_open(struct db *db, const char *url, struct bus **out, struct adv_errbuf *eb);

/* Stops delivery, joins the listener and frees the bus. NULL is ignored. */
void bus_close(struct bus *b);

/* Adds a subscriber; its handle (> 0) goes to *id. ADV_ETOOBIG when the bus is full. */
enum adv_err bus_subscribe(struct bus *b, bus_fn fn, void *ctx, unsigned *id);

/*
 * Events this bus has delivered since it started, and whether it is
 * receiving now (false while the PostgreSQL listener is reconnecting).
 */
void bus_stats(struct bus *b, uint64_t *events, bool *connected);

/* Removes a subscriber; once this returns, fn is not running and will not be called again. */
void bus_unsubscribe(struct bus *b, unsigned id);

#endif
