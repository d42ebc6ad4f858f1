/*
 * contact.h — the people of a client company (docs/account-map.md): name,
 * position, e-mails and phones, the reporting line (reports_to, a contact of
 * the same account, never a cycle), the buying role, attitude to us,
 * influence, the strength of our relationship and its owner, the last
 * contact, leaving the company; and the informal influence links between two
 * contacts (supports / opposes). Deleting archives a contact; those who
 * reported to it are re-parented or detached as the caller chooses.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and the account id and touches only rows
 * of that account in that workspace. Writes run in their own transaction
 * unless the connection already has one open (then they join it, in a
 * savepoint), and each writes an audit entry tied to the account.
 */
#ifndef ADV_CORE_CONTACT_H
#define ADV_CORE_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define CONTACT_NAME_MAX	  300
#define CONTACT_TEXT_MAX	  300 /* position, department */
#define CONTACT_EMAIL_MAX	  254
#define CONTACT_PHONE_MIN	  3
#define CONTACT_PHONE_MAX	  40
#define CONTACT_LIST_MAX	  10 /* e-mails, and phones, per contact */
#define CONTACT_NOTES_MAX	  10000
#define CONTACT_EXTERNAL_ID_MAX	  100
#define CONTACTS_PER_ACCOUNT_MAX  1000
#define CONTACT_LINK_NOTE_MAX	  1000
#define CONTACT_LINKS_PER_ACCOUNT 5000

enum contact_role {
	BUY_NONE, /* no buying role (null) */
	BUY_DECISION_MAKER,
	BUY_ECONOMIC_BUYER,
	BUY_TECHNICAL_BUYER,
	BUY_USER_BUYER,
	BUY_INFLUENCER,
	BUY_GATEKEEPER,
	BUY_COACH,
	BUY__MAX
};

enum contact_attitude {
	ATT_CHAMPION,
	ATT_SUPPORTER,
	ATT_NEUTRAL,
	ATT_SKEPTIC,
	ATT_OPPONENT,
	ATT__MAX
};

enum contact_influence { INF_HIGH, INF_MEDIUM, INF_LOW, INF__MAX };

enum contact_relationship {
	REL_NONE,
	REL_WEAK,
	REL_WORKING,
	REL_STRONG,
	REL_TRUSTED_ADVISOR,
	REL__MAX
};

/* Fields of a contact, for patches (a bit per field) and audit. */
enum contact_field {
	KF_NAME,
	KF_POSITION,
	KF_DEPARTMENT,
	KF_EMAILS,
	KF_PHONES,
	KF_REPORTS_TO,
	KF_BUYING_ROLE,
	KF_ATTITUDE,
	KF_INFLUENCE,
	KF_RELATIONSHIP,
	KF_OWNER, /* owner_email in JSON; owner_user_id in the row */
	KF_LAST_CONTACT,
	KF_LEFT,
	KF_NOTES,
	KF_EXTERNAL_ID,
	KF__MAX
};

#define KF_BIT(f) (1u << (f))

struct contact {
	int64_t id;
	int64_t account_id;
	const char *name;
	const char *position; /* NULL when unset, as for every optional text */
	const char *department;
	const char **emails;
	size_t nemails;
	const char **phones;
	size_t nphones;
	int64_t reports_to_id; /* 0: top of the chart */
	enum contact_role buying_role;
	enum contact_attitude attitude;
	enum contact_influence influence;
	enum contact_relationship relationship;
	int64_t owner_user_id;	     /* 0 when none */
	const char *owner_email;     /* input: the owner by e-mail (a member); output: filled */
	const char *owner_name;	     /* output only */
	const char *last_contact_on; /* YYYY-MM-DD */
	const char *left_on;	     /* YYYY-MM-DD when the person left the company */
	const char *notes;
	const char *external_id;
	int64_t reports; /* output only: live contacts reporting to this one */
	int64_t version;
	const char *created_at;
	const char *updated_at;
	const char *archived_at; /* NULL unless deleted */
};

enum contact_sign { SIGN_SUPPORTS, SIGN_OPPOSES, SIGN__MAX };

struct contact_link {
	int64_t id;
	int64_t account_id;
	int64_t from_contact_id;
	int64_t to_contact_id;
	enum contact_sign sign;
	const char *note;
	int64_t version;
	const char *created_at;
	const char *updated_at;
};

/* What to do with the contacts reporting to one being deleted. */
enum contact_reports_policy {
	REPORTS_REFUSE,	  /* ADV_ECONFLICT when there are any */
	REPORTS_REPARENT, /* move them under the deleted contact's own manager */
	REPORTS_DETACH,	  /* put them at the top of the chart */
	REPORTS__MAX
};

/*
 * The API names of the enumerations ("economic_buyer", "skeptic", "high",
 * "trusted_advisor", "opposes"); NULL for BUY_NONE. The parse functions
 * return __MAX for an unknown name (BUY_NONE is never parsed: null is).
 * The *_values arrays are NULL-terminated lists of the names, for validators
 * and messages.
 */
const char *contact_role_name(enum contact_role v);
enum contact_role contact_role_parse(const char *s);
const char *contact_attitude_name(enum contact_attitude v);
enum contact_attitude contact_attitude_parse(const char *s);
const char *contact_influence_name(enum contact_influence v);
enum contact_influence contact_influence_parse(const char *s);
const char *contact_relationship_name(enum contact_relationship v);
enum contact_relationship contact_relationship_parse(const char *s);
const char *contact_sign_name(enum contact_sign v);
enum contact_sign contact_sign_parse(const char *s);
extern const char *const contact_role_values[];
extern const char *const contact_attitude_values[];
extern const char *const contact_influence_values[];
extern const char *const contact_relationship_values[];
extern const char *const contact_sign_values[];

/* The JSON/CSV name of a field ("owner_email" for KF_OWNER). */
const char *contact_field_name(enum contact_field f);

/*
 * Checks the fields in mask that need no other rows: name 1..CONTACT_NAME_MAX
 * characters, texts within their limits and valid UTF-8, e-mails and phones
 * well formed and at most CONTACT_LIST_MAX, dates real and last_contact_on
 * not in the future, external_id within its limit. The first problem goes to
 * eb with its field ("/emails/1").
 */
enum adv_err contact_check(const struct contact *in, uint32_t mask, struct adv_errbuf *eb);

/*
 * The contacts of account_id, by name then id: the live ones (people who
 * left included) or, with archived, the deleted ones; at most
 * CONTACTS_PER_ACCOUNT_MAX. *items is an arena array of *n. ADV_ENOTFOUND
 * when the account is not in the workspace.
 */
enum adv_err contact_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
			  bool archived, struct contact **items, size_t *n);

/* One contact of account_id (deleted ones too); ADV_ENOTFOUND when there is none. */
enum adv_err contact_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
			 int64_t id, struct contact *out);

/*
 * The live contact of the workspace with external_id, or the one of
 * account_id with email among its e-mails (account_id 0: external_id only);
 * *id is 0 when none. For importers resolving reports_to.
 */
enum adv_err contact_find(struct db_conn *c, int64_t ws_id, int64_t account_id,
			  const char *external_id, const char *email, int64_t *id);

/*
 * Creates a contact of account_id from the fields in mask (name required) as
 * actor. Errors: ADV_ENOTFOUND when the account is not in the workspace;
 * ADV_EINVAL "/reports_to_id" for a manager that is not a live contact of the
 * account; "/owner_email" for an owner that is not a member; ADV_ECONFLICT
 * "/external_id" when another contact has it. audit_action NULL: "create".
 */
enum adv_err contact_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			    int64_t account_id, const struct contact *in, uint32_t mask,
			    const char *audit_action, struct contact *out, struct adv_errbuf *eb);

/*
 * Applies the fields in mask of patch to live contact id of account_id when
 * its version is expect_version (0 = any); bumps the version and audits what
 * changed (nothing changed: nothing written, *out the contact as it was).
 * Errors as contact_create, plus ADV_EINVAL "/reports_to_id" when the new
 * manager is the contact itself or reports to it (a cycle), ADV_EPRECOND when
 * the version moved on, ADV_ENOTFOUND for an unknown or deleted contact.
 */
enum adv_err contact_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			    int64_t account_id, int64_t id, int64_t expect_version,
			    const struct contact *patch, uint32_t mask, const char *audit_action,
			    struct contact *out, struct adv_errbuf *eb);

/*
 * Deletes (archives) live contact id of account_id at expect_version (0 =
 * any), removing its influence links. Its direct reports are handled by
 * policy: REPORTS_REFUSE fails with ADV_ECONFLICT when there are any, and
 * then *reports (arena array of *nreports, when reports is not NULL) names
 * them; the others move them (each move is versioned and audited).
 */
enum adv_err contact_delete(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			    int64_t account_id, int64_t id, int64_t expect_version,
			    enum contact_reports_policy policy, struct contact **reports,
			    size_t *nreports, struct adv_errbuf *eb);

/*
 * Restores deleted contact id of account_id at expect_version (0 = any); its
 * manager is kept when still live, else it goes to the top. Restoring a live
 * contact changes nothing. ADV_ECONFLICT "/external_id" when another contact
 * has taken it meanwhile.
 */
enum adv_err contact_restore(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			     int64_t account_id, int64_t id, int64_t expect_version,
			     struct contact *out, struct adv_errbuf *eb);

/* The influence links of account_id, by id (at most CONTACT_LINKS_PER_ACCOUNT). */
enum adv_err contact_link_list(struct db_conn *c, struct arena *a, int64_t ws_id,
			       int64_t account_id, struct contact_link **items, size_t *n);

/*
 * Adds a link between two live contacts of account_id. ADV_EINVAL
 * "/from_contact_id" or "/to_contact_id" for one that is not, "/to_contact_id"
 * for a link to oneself, "/note" too long; ADV_ECONFLICT "/to_contact_id"
 * when the pair is linked already.
 */
enum adv_err contact_link_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				 int64_t account_id, const struct contact_link *in,
				 struct contact_link *out, struct adv_errbuf *eb);

/*
 * Changes the sign (has_sign) and/or note (has_note; NULL clears) of link id
 * at expect_version (0 = any). ADV_ENOTFOUND, ADV_EPRECOND.
 */
enum adv_err contact_link_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				 int64_t account_id, int64_t id, int64_t expect_version,
				 bool has_sign, enum contact_sign sign, bool has_note,
				 const char *note, struct contact_link *out, struct adv_errbuf *eb);

/* Removes link id at expect_version (0 = any); audited. ADV_ENOTFOUND, ADV_EPRECOND. */
enum adv_err contact_link_delete(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				 int64_t account_id, int64_t id, int64_t expect_version,
				 struct adv_errbuf *eb);

#endif
