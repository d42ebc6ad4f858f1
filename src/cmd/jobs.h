/*
 * jobs.h — the periodic work of `advocate serve`: a thread that, every
 * JOBS_EVERY_S seconds, escalates the requests of the dialog window past
 * their service level deadlines (core/request.h, request_escalate_due).
 * Every node runs it; an escalation is made once, whichever node gets there
 * first, because each is a conditional update in its own transaction.
 */
#ifndef ADV_CMD_JOBS_H
#define ADV_CMD_JOBS_H

#include "db/db.h"
#include "util/err.h"

#define JOBS_EVERY_S	  60   /* seconds between passes */
#define JOBS_ESCALATE_MAX 1000 /* requests one pass escalates at most */

struct jobs;

/*
 * Starts the jobs thread on the pool db (not owned; it must outlive the
 * jobs). *out owns the thread; stop it with jobs_stop. Errors: ADV_ENOMEM,
 * ADV_EINTERNAL when the thread cannot start.
 */
enum adv_err jobs_start(struct db *db, struct jobs **out);

/* Stops the thread (a pass in progress finishes first) and frees it. NULL is ignored. */
void jobs_stop(struct jobs *j);

#endif
