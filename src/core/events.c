/*
 * events.c — the core's events on the bus (see events.h): the payload is
 * written here, counted per workspace and transaction, and handed to
 * db_notify.
 */
#include "core/events.h"

#include <stdio.h>

/* The per-transaction counter key of ws's events (apart from other db_tx_count keys). */
#define EVENTS_KEY(ws) (INT64_MIN / 2 + (ws))

enum adv_err
events_raise(struct db_conn *c, int64_t ws_id, const char *entity, int64_t id, int64_t account_id,
	     const char *action)
{
	char payload[256];
	unsigned seen = db_tx_count(c, EVENTS_KEY(ws_id));

	if (seen > EVENTS_TX_MAX)
		return ADV_OK;
	if (seen == EVENTS_TX_MAX)
		snprintf(payload, sizeof(payload),
			 "{\"type\":\"workspace.changed\",\"workspace_id\":%lld}",
			 (long long)ws_id);
	else if (account_id > 0)
		snprintf(payload, sizeof(payload),
			 "{\"type\":\"%s.%s\",\"workspace_id\":%lld,\"entity\":\"%s\",\"id\":%lld,"
			 "\"account_id\":%lld}",
			 entity, action, (long long)ws_id, entity, (long long)id,
			 (long long)account_id);
	else
		snprintf(payload, sizeof(payload),
			 "{\"type\":\"%s.%s\",\"workspace_id\":%lld,\"entity\":\"%s\",\"id\":%lld}",
			 entity, action, (long long)ws_id, entity, (long long)id);
	return db_notify(c, payload);
}
