/*
 * jobs.c — the periodic work of `advocate serve` (see jobs.h): one thread
 * waiting on a condition variable between passes, so that stopping does
 * not wait for the next pass.
 */
#include "cmd/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/request.h"

struct jobs {
	struct db *db;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

/* One pass: escalates what is due and says so on stderr when it did anything. */
static void
jobs_pass(struct jobs *j)
{
	struct db_conn *c;
	unsigned n = 0;
	enum adv_err rc;

	if (db_acquire(j->db, &c) != ADV_OK)
		return;
	rc = request_escalate_due(c, time(NULL), JOBS_ESCALATE_MAX, &n);
	db_release(j->db, c);
	if (rc != ADV_OK)
		fprintf(stderr, "advocate: escalating requests failed: %s\n", adv_strerror(rc));
	else if (n > 0)
		fprintf(stderr, "advocate: escalated %u request(s) past their service level\n", n);
}

static void *
jobs_main(void *arg)
{
	struct jobs *j = arg;

	pthread_mutex_lock(&j->mu);
	while (!j->stop) {
		struct timespec until;

		pthread_mutex_unlock(&j->mu);
		jobs_pass(j);
		pthread_mutex_lock(&j->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += JOBS_EVERY_S;
		while (!j->stop && pthread_cond_timedwait(&j->cv, &j->mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

enum adv_err
jobs_start(struct db *db, struct jobs **out)
{
	struct jobs *j = calloc(1, sizeof(*j));

	*out = NULL;
	if (j == NULL)
		return ADV_ENOMEM;
	j->db = db;
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	if (pthread_create(&j->thread, NULL, jobs_main, j) != 0) {
		pthread_cond_destroy(&j->cv);
		pthread_mutex_destroy(&j->mu);
		free(j);
		return ADV_EINTERNAL;
	}
	*out = j;
	return ADV_OK;
}

void
jobs_stop(struct jobs *j)
{
	if (j == NULL)
		return;
	pthread_mutex_lock(&j->mu);
	j->stop = true;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->thread, NULL);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	free(j);
}
