/*
 * survey_page.h — what the public survey page's handlers (survey_page.c)
 * hand to its HTML writer (survey_page_html.c): the form as the respondent
 * sees it, in Russian or English, and the message pages (not found, closed,
 * thanks, already submitted, too many requests, …). Nothing here touches
 * the database.
 */
#ifndef ADV_API_SURVEY_PAGE_H
#define ADV_API_SURVEY_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/invitation.h"
#include "core/response.h"
#include "http/http.h"

/* Why an answer is refused, shown beside its question. */
enum survey_error {
	SE_NONE,
	SE_REQUIRED, /* a required question left empty on submit */
	SE_VALUE,    /* a value outside the scale, options or factors offered */
	SE_TEXT,     /* a text that is too long or not text */
	SE__MAX
};

/* One question as the form offers it, with what the respondent gave. */
struct survey_item {
	const struct question *q;
	const struct catview_factor **factors; /* a factors question's offer */
	size_t nfactors;
	const char *value; /* the chosen value or the text typed, NULL: none */
	int64_t *chosen;   /* a factors question's checked factor ids */
	size_t nchosen;
	enum survey_error error;
};

/* The whole form. */
struct survey_form {
	enum invitation_lang lang;
	const char *token;
	const char *study_name;
	int score_min, score_max; /* the workspace's scale */
	struct survey_item *items;
	size_t nitems;
	bool saved;	 /* show that a draft was saved */
	bool has_errors; /* show the summary of errors */
};

/* The message pages. */
enum survey_page {
	SP_NOT_FOUND, /* unknown, revoked, expired, not open: the same bytes always */
	SP_THROTTLED, /* too many requests: the same bytes always */
	SP_CLOSED,
	SP_THANKS,
	SP_ALREADY,  /* a second submission */
	SP_CONFLICT, /* changed meanwhile in another window */
	SP_FOREIGN,  /* a form posted from another site */
	SP_TOO_BIG,
	SP_BAD_FORM,
	SP__MAX
};

/* Answers r with status and the form page. ADV_ENOMEM. */
enum adv_err survey_html_form(struct req *r, int status, const struct survey_form *f);

/*
 * Answers r with status and message page p in lang (SP_NOT_FOUND and
 * SP_THROTTLED are bilingual and ignore lang and token); token (may be
 * NULL) makes the page link back to the survey. ADV_ENOMEM.
 */
enum adv_err survey_html_message(struct req *r, int status, enum survey_page p,
				 enum invitation_lang lang, const char *token);

/* The page's stylesheet (static storage) and its length. */
extern const char survey_css[];
extern const size_t survey_css_len;

#endif
