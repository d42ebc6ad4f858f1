/*
 * response.h — the responses of a study (docs/research.md, "Responses" and
 * "Interviews"): what one respondent answered, from a survey link, the
 * study's anonymous link, an interview staff recorded or an imported file.
 * A response is a draft until it is submitted; submitting the response of a
 * client stores an assessment of that client in the same transaction
 * (core/assessment.h), and correcting a submitted response stores a new
 * version of that assessment, so that the card and the portfolio always
 * reflect research.
 *
 * Answers are stored as one JSON object keyed by question id; the API and
 * the files speak question codes, and response_answers_check turns the one
 * into the other, checking every value against its question's kind, the
 * workspace's scale, the options and the catalogue.
 *
 * Strings in returned structs are owned by the arena passed in; JSON given
 * as input is borrowed. Every function takes the
 * workspace id and touches only that workspace's rows. Writes run in their
 * own transaction unless the connection already has one open (then they
 * join it as a savepoint), and each writes an audit entry in the account's
 * history (entity type "response") when the response is a client's.
 */
#ifndef ADV_CORE_RESPONSE_H
#define ADV_CORE_RESPONSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/loyalty_model.h"
#include "core/question.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define RESPONSE_NOTES_MAX	 10000	/* characters of an interview's notes */
#define RESPONSE_TRANSCRIPT_MAX	 200000 /* characters of a transcript */
#define RESPONSE_QUOTES_MAX	 100	/* quotes of one response */
#define RESPONSE_QUOTE_MAX	 2000	/* characters of one quote */
#define RESPONSE_TEXT_ANSWER_MAX 10000	/* characters of an open-text answer */
#define RESPONSE_KEY_MAX	 100	/* characters of a respondent key */
#define RESPONSE_LIST_LIMIT_MAX	 500
#define RESPONSE_LIST_LIMIT_DFLT 50

enum response_channel { RC_LINK, RC_ANONYMOUS, RC_INTERVIEW, RC_IMPORT, RC__MAX };

enum response_status { RS_DRAFT, RS_SUBMITTED, RS__MAX };

/* Fields of a response, for patches (a bit per field). */
enum response_field {
	RF_ACCOUNT,
	RF_CONTACT,
	RF_ANSWERS,
	RF_STATUS,
	RF_INTERVIEWER,
	RF_NOTES,
	RF_TRANSCRIPT,
	RF_QUOTES,
	RF_LANG,
	RF_RESPONDENT_KEY,
	RF_SUBMITTED_AT,
	RF__MAX
};

#define RF_BIT(f) (1u << (f))

struct response {
	int64_t id;
	int64_t study_id;
	int64_t account_id;    /* 0: anonymous */
	int64_t contact_id;    /* 0: none */
	int64_t invitation_id; /* 0: none */
	enum response_channel channel;
	enum response_status status;
	const char *account_name;     /* output */
	const char *contact_name;     /* output */
	json_t *answers_in;	      /* input (borrowed): an object keyed by question code */
	const char *answers;	      /* output: JSON object text keyed by question id ("17": 9) */
	int64_t interviewer_id;	      /* a member of the workspace; 0: none */
	const char *interviewer_name; /* output */
	const char *notes;	      /* NULL when unset, as every optional text */
	const char *transcript;
	json_t *quotes_in;	    /* input (borrowed): a list of strings, or NULL */
	const char *quotes;	    /* output: JSON list text */
	const char *lang;	    /* "ru", "en" or NULL */
	const char *respondent_key; /* an import's respondent id, unique within the study */
	int64_t assessment_id;	    /* the assessment (series id) it became; 0: none */
	const char *submitted_at;   /* ISO-8601 UTC; input: NULL = now on submit */
	int64_t version;
	int64_t created_by;
	const char *created_at;
	const char *updated_at;
	const char *archived_at;
};

/* What response_list returns. */
struct response_filter {
	bool by_status;
	enum response_status status;
	bool by_channel;
	enum response_channel channel;
	int64_t account_id; /* 0: any */
	int64_t contact_id; /* 0: any */
	bool archived;	    /* the archived ones instead of the live ones */
};

/*
 * What answers are checked against (response_context_load): the study's
 * questionnaire, the workspace's scale and its catalogue.
 */
struct response_context {
	int64_t study_id;
	int status;		    /* enum study_status of the study */
	struct question *questions; /* all of them, retired included, in position order */
	size_t nquestions;
	struct catview cat; /* the workspace's scale and catalogue (core/loyalty_model.h) */
};

/* "link", "anonymous", "interview", "import" (static storage); parse: false when unknown. */
const char *response_channel_name(enum response_channel ch);
bool response_channel_parse(const char *s, enum response_channel *out);

/* "draft", "submitted" (static storage); parse: false when unknown. */
const char *response_status_name(enum response_status s);
bool response_status_parse(const char *s, enum response_status *out);

/*
 * Reads study_id's questionnaire (retired questions too), the workspace's
 * scale and catalogue into *ctx (arena-owned). ADV_ENOTFOUND when the study
 * is not the workspace's.
 */
enum adv_err response_context_load(struct db_conn *c, struct arena *a, int64_t ws_id,
				   int64_t study_id, struct response_context *ctx);

/*
 * Checks answers (a JSON object keyed by question code; NULL = none) against
 * ctx, and returns in *out a new object keyed by question id (a new
 * reference the caller must json_decref): base (stored answers keyed by id,
 * or NULL; borrowed) with answers merged onto it, a null value removing an
 * answer. The
 * values: recommend a whole number 0..10; component, competitor_component,
 * satisfaction and intention a number within the scale; factors a list of
 * distinct ids of the catalogue's active factors (of the question's
 * component when it names one); choice one of the option codes; text a
 * string of 1..RESPONSE_TEXT_ANSWER_MAX characters. A retired question takes
 * no new answer. With submit, every required active question must have an
 * answer in the result. Errors: ADV_EINVAL naming "/answers/<code>" (an
 * unknown code, a code of another study, a value of the wrong type or out of
 * range), "/answers" (not an object).
 */
enum adv_err response_answers_check(const struct response_context *ctx, json_t *base,
				    json_t *answers, bool submit, json_t **out,
				    struct adv_errbuf *eb);

/*
 * Stores a new response of study_id from in as actor (0 = a respondent by
 * link). in->answers_in is keyed by question code. channel is required;
 * account_id and contact_id: a contact of the workspace names its account (a
 * different account_id is ADV_EINVAL "/contact_id"); interview and link
 * need a client, anonymous has none. The study must be open for link and
 * anonymous responses (ADV_ECONFLICT "/study_id" otherwise); staff may
 * record interviews and imports in any status. A submitted response (status
 * submitted) of a client becomes an assessment in the same transaction.
 * Errors: ADV_ENOTFOUND when the study is not the workspace's; ADV_EINVAL
 * naming the field; ADV_ECONFLICT "/respondent_key" when the study has it.
 */
enum adv_err response_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			     int64_t study_id, const struct response *in, uint32_t mask,
			     struct response *out, struct adv_errbuf *eb);

/*
 * response_create for a caller that writes many (an import): ctx is the
 * study's context the caller loaded (response_context_load) in the
 * transaction it holds open, so the study is not read again, and *id gets
 * the new response's id instead of the stored row being read back. The same
 * checks, rows and audit entries as response_create, in a savepoint of the
 * caller's transaction.
 */
enum adv_err response_create_in(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				const struct response_context *ctx, const struct response *in,
				uint32_t mask, int64_t *id, struct adv_errbuf *eb);

/*
 * Applies the fields in mask of patch to response id of study_id when its
 * version is expect_version (0 = any): answers are merged by code (null
 * removes one), status may go from draft to submitted (not back:
 * ADV_EINVAL "/status"), the other fields are replaced. Changing a
 * submitted response of a client stores a new version of its assessment;
 * submitting stores the assessment. ADV_ENOTFOUND; ADV_EPRECOND; ADV_EINVAL.
 */
enum adv_err response_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			     int64_t study_id, int64_t id, int64_t expect_version,
			     const struct response *patch, uint32_t mask, struct response *out,
			     struct adv_errbuf *eb);

/* Response id of study_id (archived too); ADV_ENOTFOUND when none in this workspace. */
enum adv_err response_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
			  int64_t id, struct response *out);

/*
 * One page of study_id's responses matching f, newest first (by id): at most
 * limit (1..RESPONSE_LIST_LIMIT_MAX) in *items (arena array of *n), and
 * *next_cursor (arena string, NULL on the last page). ADV_ENOTFOUND when the
 * study is not the workspace's; ADV_EINVAL "cursor".
 */
enum adv_err response_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
			   const struct response_filter *f, unsigned limit, const char *cursor,
			   struct response **items, size_t *n, const char **next_cursor,
			   struct adv_errbuf *eb);

/*
 * Archives (archive true) or restores response id of study_id as actor: an
 * archived response leaves the lists and the analytics; the assessment it
 * became stays (assessments are never deleted). ADV_ENOTFOUND; ADV_EPRECOND.
 */
enum adv_err response_archive(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			      int64_t study_id, int64_t id, int64_t expect_version, bool archive,
			      struct response *out, struct adv_errbuf *eb);

/*
 * The response as the API shows it (docs/research.md, "Responses"): answers
 * keyed by question code from ctx (an answer to a question ctx does not
 * know is left out). New reference; NULL when out of memory.
 */
json_t *response_json(const struct response *r, const struct response_context *ctx);

/*
 * The question of ctx with id qid, or with code (case-insensitive) when qid
 * is 0; NULL when none.
 */
const struct question *response_question(const struct response_context *ctx, int64_t qid,
					 const char *code);

#endif
