/*
 * invitation.h — the survey links of a study (docs/research.md, "Survey
 * links"): an invitation per invited contact with a link of their own, and
 * the study's optional anonymous link. A link's token is 256 random bits in
 * base64url; only its SHA-256 (hex) is stored, so the plain token exists
 * only in the answer that makes it. A contact has at most one live
 * invitation per study: inviting again replaces it (the old link dies),
 * unless it was submitted. Invitations go from sent to opened (the page was
 * shown) to submitted; revoking ends a link.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function but invitation_resolve takes the workspace id and touches only
 * that workspace's rows; invitation_resolve finds a link by its token in any
 * workspace (the public page knows nothing else). Writes run in their own
 * transaction unless the connection already has one open (then they join
 * it as a savepoint); staff changes are audited (entity type
 * "survey_invitation", in the contact's account's history).
 */
#ifndef ADV_CORE_INVITATION_H
#define ADV_CORE_INVITATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define INVITATION_BATCH_MAX	   500 /* contacts invited in one request */
#define INVITATION_TOKEN_LEN	   43  /* characters of a token: 32 bytes in base64url */
#define INVITATION_LIST_LIMIT_MAX  500
#define INVITATION_LIST_LIMIT_DFLT 50
#define INVITATION_TIME_MAX	   64 /* characters of an expires_at as input */

enum invitation_status { IS_SENT, IS_OPENED, IS_SUBMITTED, IS__MAX };

enum invitation_lang { IL_RU, IL_EN, IL__MAX };

struct invitation {
	int64_t id;
	int64_t ws_id;
	int64_t study_id;
	bool anonymous;		  /* the study's anonymous link */
	int64_t account_id;	  /* 0 for the anonymous link */
	const char *account_name; /* NULL for the anonymous link */
	int64_t contact_id;	  /* 0 for the anonymous link */
	const char *contact_name;
	const char *contact_email; /* the contact's first e-mail address, or NULL */
	enum invitation_lang lang;
	enum invitation_status status;
	const char
	    *expires_at; /* RFC 3339 UTC; NULL when it never expires, as every optional time */
	const char *sent_at;
	const char *opened_at;
	const char *submitted_at;
	const char *revoked_at;
	int64_t response_id; /* a personal link's response (draft or submitted); 0: none */
	int64_t responses;   /* the anonymous link's submitted responses */
	int64_t created_by;  /* 0: none */
	int64_t version;
	const char *created_at;
	const char *updated_at;
	const char *url; /* "/s/<token>": only in what makes it; NULL otherwise */
};

/* What a new link gets. */
struct invitation_params {
	enum invitation_lang lang;
	const char *expires_at; /* as input: RFC 3339 (any offset), or NULL for never */
};

/* What invitation_list returns. */
struct invitation_filter {
	bool by_status;
	enum invitation_status status;
	int64_t contact_id; /* 0: any */
	int64_t account_id; /* 0: any */
	bool include_revoked;
};

/* "sent", "opened", "submitted" (static storage); parse: false when unknown. */
const char *invitation_status_name(enum invitation_status s);
bool invitation_status_parse(const char *s, enum invitation_status *out);

/* "ru", "en" (static storage); parse: false when unknown. */
const char *invitation_lang_name(enum invitation_lang l);
bool invitation_lang_parse(const char *s, enum invitation_lang *out);

/*
 * Checks p: expires_at (when not NULL) an RFC 3339 date-time
 * ("2026-05-01T10:00:00Z", "…+03:00", fractions of a second allowed) in the
 * future, rewritten into p->expires_at as UTC "YYYY-MM-DDTHH:MM:SSZ" (an
 * arena string). ADV_EINVAL "/expires_at"; ADV_ENOMEM.
 */
enum adv_err invitation_params_check(struct arena *a, struct invitation_params *p,
				     struct adv_errbuf *eb);

/*
 * The accounts of contacts ids[0..n) into accounts[0..n): each must be a
 * live contact of the workspace, else ADV_EINVAL "/contact_ids/<i>".
 */
enum adv_err invitation_contact_accounts(struct db_conn *c, int64_t ws_id, const int64_t *ids,
					 size_t n, int64_t *accounts, struct adv_errbuf *eb);

/*
 * Invites contacts ids[0..n) (distinct, 1..INVITATION_BATCH_MAX) to study_id
 * as actor, all or nothing: a contact's live invitation is revoked and
 * replaced, unless it was submitted (ADV_ECONFLICT "/contact_ids/<i>").
 * ADV_ENOTFOUND when the study is not the workspace's; ADV_EINVAL
 * "/contact_ids/<i>" for a contact that is not a live one of the
 * workspace, "/expires_at" (invitation_params_check). *out is an arena
 * array of n invitations in the order of ids, each with its url.
 */
enum adv_err invitation_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			       int64_t study_id, const int64_t *ids, size_t n,
			       const struct invitation_params *p, struct invitation **out,
			       struct adv_errbuf *eb);

/*
 * Personal invitation id of study_id (revoked ones too) into *out;
 * ADV_ENOTFOUND when there is none in this workspace.
 */
enum adv_err invitation_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
			    int64_t id, struct invitation *out);

/*
 * One page of study_id's personal invitations matching f, newest first: at
 * most limit (1..INVITATION_LIST_LIMIT_MAX) in *items (arena array of *n),
 * *next_cursor (arena string, NULL on the last page). ADV_ENOTFOUND when
 * the study is not the workspace's; ADV_EINVAL "cursor".
 */
enum adv_err invitation_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
			     const struct invitation_filter *f, unsigned limit, const char *cursor,
			     struct invitation **items, size_t *n, const char **next_cursor,
			     struct adv_errbuf *eb);

/*
 * Revokes personal invitation id of study_id as actor (its link stops
 * working; its response stays). Revoking a revoked one changes nothing.
 * ADV_ENOTFOUND.
 */
enum adv_err invitation_revoke(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			       int64_t study_id, int64_t id, struct adv_errbuf *eb);

/*
 * Makes study_id's anonymous link as actor, revoking the previous one;
 * *out has its url. ADV_ENOTFOUND when the study is not the workspace's;
 * ADV_EINVAL "/expires_at".
 */
enum adv_err invitation_anonymous_make(struct db_conn *c, struct arena *a, int64_t ws_id,
				       int64_t actor, int64_t study_id,
				       const struct invitation_params *p, struct invitation *out,
				       struct adv_errbuf *eb);

/* study_id's live anonymous link into *out; ADV_ENOTFOUND when it has none. */
enum adv_err invitation_anonymous_get(struct db_conn *c, struct arena *a, int64_t ws_id,
				      int64_t study_id, struct invitation *out);

/* Revokes study_id's anonymous link as actor; ADV_ENOTFOUND when it has none. */
enum adv_err invitation_anonymous_revoke(struct db_conn *c, struct arena *a, int64_t ws_id,
					 int64_t actor, int64_t study_id, struct adv_errbuf *eb);

/*
 * The live link whose token is token, in any workspace, into *out (ws_id
 * set). ADV_ENOTFOUND alike for a token that is malformed, unknown,
 * revoked or expired.
 */
enum adv_err invitation_resolve(struct db_conn *c, struct arena *a, const char *token,
				struct invitation *out);

/* Marks invitation id opened now unless it was opened before. */
enum adv_err invitation_mark_opened(struct db_conn *c, int64_t ws_id, int64_t id);

/* Marks personal invitation id submitted now. */
enum adv_err invitation_mark_submitted(struct db_conn *c, int64_t ws_id, int64_t id);

/*
 * The response respondent_key (the anonymous link) or else personal link
 * invitation_id brought in study_id: *id and *submitted; *id 0 when none.
 */
enum adv_err invitation_response_find(struct db_conn *c, int64_t ws_id, int64_t study_id,
				      int64_t invitation_id, const char *respondent_key,
				      int64_t *id, bool *submitted);

/*
 * SHA-256 of text as lowercase hex into out (65 bytes), the way tokens
 * and respondent cookies are stored.
 */
void invitation_hash(const char *text, char out[65]);

/* A fresh random token (INVITATION_TOKEN_LEN characters of base64url), in the arena. */
char *invitation_token_new(struct arena *a);

/* True when s looks like a token: INVITATION_TOKEN_LEN characters of base64url. */
bool invitation_token_valid(const char *s);

/* The invitation as the API shows it (docs/research.md); new reference, NULL when out of memory. */
json_t *invitation_json(const struct invitation *x);

#endif
