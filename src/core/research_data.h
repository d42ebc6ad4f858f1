/*
 * research_data.h — the columns the research analytics compute on
 * (docs/research.md, "Analytics"): the submitted, live responses of a
 * workspace's studies that match a filter (studies, period of submission,
 * the client's segment, industry, region, status and owner), loaded in one
 * query into one array per figure — likelihood to recommend, satisfaction,
 * intention, one column per loyalty component, one per question that rates
 * a component, one per competitor and component — plus each row's account,
 * its revenue, its study (the wave) and when it was submitted.
 *
 * A missing answer is NAN. Answers outside the workspace's current scale
 * (the scale changed after they were given), and likelihoods to recommend
 * that are not whole numbers 0..10, count as missing. Where several
 * questions of one study ask for the same figure, the row holds their mean
 * (recommend: rounded to the nearest whole number).
 *
 * Descriptions (studies, components, competitors, group keys) are owned by
 * the arena passed in; the columns are malloc'ed and released with
 * research_data_release. Every query filters by the workspace id.
 */
#ifndef ADV_CORE_RESEARCH_DATA_H
#define ADV_CORE_RESEARCH_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/study.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define RESEARCH_STUDIES_MAX 100		   /* study ids one filter names */
#define RESEARCH_GROUPS_MAX  500		   /* distinct groups of one grouping */
#define RESEARCH_ROWS_MAX    (64u * 1024u * 1024u) /* responses one analysis loads */

/* What the rows are grouped by (research_filter.by). */
enum research_by {
	RB_NONE,
	RB_SEGMENT,
	RB_INDUSTRY,
	RB_REGION,
	RB_STATUS,
	RB_OWNER, /* key: the owner's user id as text */
	RB_STUDY, /* key: the study id as text; groups in wave order */
	RB__MAX
};

/*
 * Which responses count. Text members NULL and ids 0 mean "any"; an account
 * filter leaves anonymous responses out.
 */
struct research_filter {
	const int64_t *study_ids; /* nstudy_ids of them; none: every live study */
	size_t nstudy_ids;
	bool exit_only;					  /* only studies of kind exit_interview */
	const char *from;				  /* YYYY-MM-DD: submitted on or after */
	const char *to;					  /* YYYY-MM-DD: submitted on or before */
	const char *segment, *industry, *region, *status; /* the account's */
	int64_t owner_id;				  /* the account's owner */
	enum research_by by;				  /* RB_NONE: no group column */
};

/* A study the filter selected, in wave order (starts_on, then id; no start first). */
struct research_study {
	int64_t id;
	const char *name;
	enum study_kind kind;
	const char *starts_on; /* NULL when unset */
	size_t n;	       /* rows of this study */
};

/* A loyalty component rated by a question of a selected study, in catalogue order. */
struct research_component {
	int64_t id;
	const char *code, *name_ru, *name_en;
	double *col;	    /* per row: the mean of its questions' answers */
	size_t first_q, nq; /* its question columns: qcols[first_q .. first_q + nq) */
};

/* One question of kind component: its own column (for Cronbach's alpha). */
struct research_qcol {
	int64_t question_id;
	int64_t study_id;
	size_t component; /* index into components */
	double *col;
};

/* A competitor's rating of a component (competitor_component questions). */
struct research_rival {
	int64_t competitor_id;
	const char *competitor_name;
	size_t component; /* index into components */
	double *col;	  /* per row: the mean of its questions' answers */
};

struct research_data {
	size_t n; /* rows: responses */
	int score_min, score_max;
	double *recommend; /* 0..10 whole numbers */
	double *satisfaction, *intention;
	int64_t *account; /* 0: anonymous */
	double *revenue;  /* the account's revenue; NAN when unknown or anonymous */
	int64_t *study;	  /* the study id */
	int64_t *when;	  /* submitted_at as yyyymmddhhmmss */
	int32_t *group;	  /* index into group_keys; −1: no key (with by) */
	const char **group_keys;
	size_t ngroups;
	struct research_study *studies;
	size_t nstudies;
	struct research_component *components;
	size_t ncomponents;
	struct research_qcol *qcols;
	size_t nqcols;
	struct research_rival *rivals;
	size_t nrivals;
	/* private: where each malloc'ed column's pointer is kept, for growth and release */
	void ***slots_;
	size_t *elsize_;
	size_t nslots_, cap_;
};

/* The name of a grouping in the API ("segment", …); "" for RB_NONE. Static storage. */
const char *research_by_name(enum research_by b);

/* The grouping named s in *out; false when s names none. */
bool research_by_parse(const char *s, enum research_by *out);

/*
 * Loads the rows of workspace ws_id that f selects into *out (zeroed first;
 * release it with research_data_release, also after an error). Errors:
 * ADV_ENOTFOUND with field "study_id" when a study id is not the
 * workspace's; ADV_ETOOBIG past RESEARCH_ROWS_MAX rows, or "by" past
 * RESEARCH_GROUPS_MAX groups; ADV_ENOMEM; ADV_EDB (also for stored answers
 * that are not a JSON object).
 */
enum adv_err research_data_load(struct db_conn *c, struct arena *a, int64_t ws_id,
				const struct research_filter *f, struct research_data *out,
				struct adv_errbuf *eb);

/* Frees the columns of d (not the arena's parts); d is zeroed. */
void research_data_release(struct research_data *d);

#endif
