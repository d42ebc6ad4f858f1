/*
 * events.h — the events the core raises on the bus (db/bus.h) when data
 * changes: one per audited change, named "<entity>.<action>" (account.create,
 * supplier.update, …), with the workspace and the ids it concerns:
 *
 *   {"type":"account.update","workspace_id":1,"entity":"account","id":42,
 *    "account_id":42}
 *
 * A transaction that changes many things (an import) raises its first
 * EVENTS_TX_MAX events one by one and then a single
 * {"type":"workspace.changed","workspace_id":1} for the rest, so that
 * listeners reload instead of receiving thousands of events.
 */
#ifndef ADV_CORE_EVENTS_H
#define ADV_CORE_EVENTS_H

#include <stdint.h>

#include "db/db.h"

#define EVENTS_TX_MAX 16

/*
 * Raises the event of a change in the transaction open on c (delivered when
 * it commits). account_id is 0 when the change concerns no account.
 * entity and action are ASCII identifiers. Errors: those of db_notify.
 */
enum adv_err events_raise(struct db_conn *c, int64_t ws_id, const char *entity, int64_t id,
			  int64_t account_id, const char *action);

#endif
