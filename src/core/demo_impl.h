/*
 * demo_impl.h — what the parts of the demo share (core/demo.c, the
 * workspace and its clients; core/demo_research.c, its studies;
 * core/demo_requests.c, its dialog window): the
 * deterministic generator, dates relative to today, and the research step.
 */
#ifndef ADV_CORE_DEMO_IMPL_H
#define ADV_CORE_DEMO_IMPL_H

#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

/* xorshift64* — a small deterministic generator; never rand(), whose sequence varies. */
uint64_t demo_next(uint64_t *s);

/* A number in 0..n-1. */
unsigned demo_pick(uint64_t *s, unsigned n);

/* A number in [lo, hi). */
double demo_uniform(uint64_t *s, double lo, double hi);

/* The date days before today (UTC), as YYYY-MM-DD in a. */
const char *demo_days_ago(struct arena *a, long days);

/*
 * Adds the demo's research to workspace ws_id, whose clients and their
 * people exist already: two waves of a loyalty survey (spring and autumn,
 * answers of most live clients, with a rating of competitor_id on two
 * components) and exit interviews of the churned clients, recorded by
 * author. Every submitted response becomes an assessment, as in real use.
 */
enum adv_err demo_research(struct db_conn *c, int64_t ws_id, int64_t author, int64_t competitor_id,
			   struct adv_errbuf *eb);

/*
 * Adds the demo's dialog window to workspace ws_id, whose clients and
 * their people exist already: service levels, and requests of the live
 * clients over the last three months at every stage, answered by author,
 * classified, and rated by the clients.
 */
enum adv_err demo_dialog(struct db_conn *c, int64_t ws_id, int64_t author, struct adv_errbuf *eb);

#endif
