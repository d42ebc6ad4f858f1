/*
 * study.h — the workspace's studies (docs/research.md, "Studies"): waves of
 * research — a survey, CSM interviews, CustDev interviews or exit interviews
 * of churned clients — each with a name, a period, a status (draft, open,
 * closed), a description and an interview guide. Names are unique among the
 * live studies of a workspace regardless of case; deleting archives a study
 * (it keeps its questionnaire and responses), restoring brings it back.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and touches only that workspace's rows.
 * Writes run in their own transaction unless the connection already has one
 * open (then they join it as a savepoint), and each writes an audit entry
 * (entity type "study").
 */
#ifndef ADV_CORE_STUDY_H
#define ADV_CORE_STUDY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define STUDY_NAME_MAX	      300   /* characters of a name */
#define STUDY_DESCRIPTION_MAX 10000 /* characters of a description */
#define STUDY_GUIDE_MAX	      50000 /* characters of an interview guide */

enum study_kind {
	STUDY_SURVEY,
	STUDY_CSM_INTERVIEW,
	STUDY_CUSTDEV,
	STUDY_EXIT_INTERVIEW,
	STUDY_KIND__MAX
};

enum study_status { STUDY_DRAFT, STUDY_OPEN, STUDY_CLOSED, STUDY_STATUS__MAX };

/* Fields of a study, for patches (a bit per field) and audit. */
enum study_field {
	SF_NAME,
	SF_KIND,
	SF_STATUS,
	SF_STARTS_ON,
	SF_ENDS_ON,
	SF_DESCRIPTION,
	SF_GUIDE,
	SF__MAX
};

#define SF_BIT(f) (1u << (f))

struct study {
	int64_t id;
	const char *name;
	enum study_kind kind;
	enum study_status status;
	const char *starts_on;	 /* YYYY-MM-DD; NULL when unset, as every optional field */
	const char *ends_on;	 /* YYYY-MM-DD */
	const char *description; /* may hold line breaks */
	const char *guide;	 /* the interview guide; line breaks kept */
	int64_t questions;	 /* output: the active questions of its questionnaire */
	int64_t version;
	const char *created_at;
	const char *updated_at;
	const char *archived_at; /* NULL unless archived */
};

/* What study_list returns. */
struct study_filter {
	bool archived;	/* the archived studies instead of the live ones */
	bool by_status; /* only those with status */
	enum study_status status;
	bool by_kind; /* only those of kind */
	enum study_kind kind;
};

/* "survey", "csm_interview", "custdev", "exit_interview" (static storage). */
const char *study_kind_name(enum study_kind k);

/* The kind named s in *out; false when s names none. */
bool study_kind_parse(const char *s, enum study_kind *out);

/* "draft", "open", "closed" (static storage). */
const char *study_status_name(enum study_status s);

/* The status named s in *out; false when s names none. */
bool study_status_parse(const char *s, enum study_status *out);

/*
 * Checks the fields in mask of in: name 1..STUDY_NAME_MAX characters (not
 * blank, one line), kind and status among theirs, starts_on and ends_on real
 * dates or NULL, description and guide within their limits. ADV_EINVAL
 * naming the field ("/name").
 */
enum adv_err study_check(const struct study *in, uint32_t mask, struct adv_errbuf *eb);

/*
 * Creates a study from in as actor: name and kind required; the fields in
 * mask among status (default draft), starts_on, ends_on, description and
 * guide are taken from in. Text is trimmed (blank optional text is NULL).
 * ADV_EINVAL naming the field (ends_on before starts_on: "/ends_on");
 * ADV_ECONFLICT "/name" when a live study of the workspace has the name in
 * any case. *out is the stored study.
 */
enum adv_err study_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			  const struct study *in, uint32_t mask, struct study *out,
			  struct adv_errbuf *eb);

/* One study (archived ones too); ADV_ENOTFOUND when not in this workspace. */
enum adv_err study_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		       struct study *out);

/*
 * The studies matching f, newest first: by starts_on descending, then id
 * descending, studies without a start first. *items is an arena array of *n.
 */
enum adv_err study_list(struct db_conn *c, struct arena *a, int64_t ws_id,
			const struct study_filter *f, struct study **items, size_t *n);

/*
 * Applies the fields in mask of patch to study id when its version is
 * expect_version (0 = any); bumps the version and audits what changed (a
 * patch that changes nothing changes nothing). ADV_EPRECOND when the version
 * moved on; ADV_ENOTFOUND; ADV_EINVAL naming the field; ADV_ECONFLICT
 * "/name" for a name a live study has.
 */
enum adv_err study_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			  int64_t id, int64_t expect_version, const struct study *patch,
			  uint32_t mask, struct study *out, struct adv_errbuf *eb);

/*
 * Archives (archive true) or restores study id when its version is
 * expect_version (0 = any); bumps the version and audits ("archive",
 * "restore"). Archiving an archived study or restoring a live one changes
 * nothing. Restoring fails with ADV_ECONFLICT "/name" when a live study has
 * taken the name meanwhile.
 */
enum adv_err study_archive(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			   int64_t id, int64_t expect_version, bool archive, struct study *out,
			   struct adv_errbuf *eb);

/* The study as the API shows it (docs/research.md); new reference, NULL when out of memory. */
json_t *study_json(const struct study *x);

#endif
