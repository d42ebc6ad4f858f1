/*
 * studies.c — studies and their questionnaires over HTTP (docs/research.md,
 * "Studies" and "Questionnaires"): studies listed, created, read,
 * merge-patched with If-Match, archived and restored; the questions of a
 * study listed, created, read, merge-patched (retired with "active": false)
 * and ordered. Everyone in the workspace reads; analysts and owners change.
 * The body helpers are loyalty_body.c's; a choice question's options are
 * checked here, each option as a small body of its own.
 */
#include <stdio.h>
#include <string.h>

#include "api/loyalty_body.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/question.h"
#include "core/study.h"

#define NELEM(x)     (sizeof(x) / sizeof((x)[0]))
#define POINTER_MAX  160
#define WHY_LIST_MAX 200 /* bytes of the list of names in a message */

/* A field_spec check: a kind of study (study_kind_parse). */
static bool
study_kind_check(const char *v, char *why, size_t whylen)
{
	enum study_kind k;

	if (study_kind_parse(v, &k))
		return true;
	snprintf(why, whylen, "must be one of: %s, %s, %s, %s", study_kind_name(STUDY_SURVEY),
		 study_kind_name(STUDY_CSM_INTERVIEW), study_kind_name(STUDY_CUSTDEV),
		 study_kind_name(STUDY_EXIT_INTERVIEW));
	return false;
}

/* A field_spec check: a status of a study (study_status_parse). */
static bool
study_status_check(const char *v, char *why, size_t whylen)
{
	enum study_status s;

	if (study_status_parse(v, &s))
		return true;
	snprintf(why, whylen, "must be one of: %s, %s, %s", study_status_name(STUDY_DRAFT),
		 study_status_name(STUDY_OPEN), study_status_name(STUDY_CLOSED));
	return false;
}

/* A field_spec check: a kind of question (question_kind_parse). */
static bool
question_kind_check(const char *v, char *why, size_t whylen)
{
	enum question_kind k;
	char list[WHY_LIST_MAX] = "";
	size_t len = 0;

	if (question_kind_parse(v, &k))
		return true;
	for (int i = 0; i < QK__MAX && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					question_kind_name((enum question_kind)i));
	snprintf(why, whylen, "must be one of: %s", list);
	return false;
}

/* A study's fields, in the order of enum study_field. */
static const struct field_spec study_fields[SF__MAX] = {
    [SF_NAME] = {"name", FIELD_STRING, true, false, 1, STUDY_NAME_MAX, NULL, NULL},
    [SF_KIND] = {"kind", FIELD_STRING, true, false, 1, 32, NULL, study_kind_check},
    [SF_STATUS] = {"status", FIELD_STRING, false, false, 1, 32, NULL, study_status_check},
    [SF_STARTS_ON] = {"starts_on", FIELD_DATE, false, true, 0, 0, NULL, NULL},
    [SF_ENDS_ON] = {"ends_on", FIELD_DATE, false, true, 0, 0, NULL, NULL},
    [SF_DESCRIPTION] = {"description", FIELD_STRING, false, true, 0, STUDY_DESCRIPTION_MAX, NULL,
			NULL},
    [SF_GUIDE] = {"guide", FIELD_STRING, false, true, 0, STUDY_GUIDE_MAX, NULL, NULL},
};

/* A question's flat fields; "active" (last) only in patches. */
static const struct field_spec question_fields[] = {
    {"kind", FIELD_STRING, true, false, 1, 32, NULL, question_kind_check},
    {"code", FIELD_STRING, false, false, 1, LOYALTY_CODE_MAX, NULL, loyalty_code_check},
    {"component_id", FIELD_INT, false, true, 1, LOYALTY_ID_MAX, NULL, NULL},
    {"competitor_id", FIELD_INT, false, true, 1, LOYALTY_ID_MAX, NULL, NULL},
    {"required", FIELD_BOOL, false, false, 0, 0, NULL, NULL},
    {"position", FIELD_INT, false, false, 1, LOYALTY_POSITION_MAX, NULL, NULL},
    {"stage_id", FIELD_INT, false, true, 1, LOYALTY_ID_MAX, NULL, NULL},
    {"active", FIELD_BOOL, false, false, 0, 0, NULL, NULL},
};

static const struct body_member question_texts[] = {
    {"text", BODY_TEXT, true, false},
};

/* An option of a choice question: a code and a text. */
static const struct field_spec option_fields[] = {
    {"code", FIELD_STRING, true, false, 1, LOYALTY_CODE_MAX, NULL, loyalty_code_check},
};

static const struct body_member option_texts[] = {
    {"text", BODY_TEXT, true, false},
};

/* The entries of r->errors so far. */
static size_t
error_count(struct req *r)
{
	return r->errors ? json_array_size(r->errors) : 0;
}

/* Prefixes the pointers of r->errors from entry from on with prefix ("/options/3"). */
static enum adv_err
errors_under(struct req *r, size_t from, const char *prefix)
{
	char ptr[POINTER_MAX];

	for (size_t i = from; i < error_count(r); i++) {
		json_t *e = json_array_get(r->errors, i);

		snprintf(ptr, sizeof(ptr), "%s%s", prefix,
			 json_string_value(json_object_get(e, "pointer")));
		if (json_object_set_new(e, "pointer", json_string(ptr)) != 0)
			return ADV_ENOMEM;
	}
	return ADV_OK;
}

/* Checks the shape of the options member v (present): a list of {"code", "text"}. */
static enum adv_err
options_check(struct req *r, json_t *v)
{
	char prefix[POINTER_MAX];
	size_t i;
	json_t *o;
	enum adv_err rc;

	if (json_is_null(v))
		return ADV_OK;
	if (!json_is_array(v)) {
		req_add_error(r, "/options", "options must be a list of {\"code\", \"text\"}");
		return ADV_OK;
	}
	if (json_array_size(v) > QUESTION_OPTIONS_MAX) {
		req_add_error(r, "/options", "options may have at most %d options",
			      QUESTION_OPTIONS_MAX);
		return ADV_OK;
	}
	json_array_foreach(v, i, o)
	{
		size_t from = error_count(r);

		snprintf(prefix, sizeof(prefix), "/options/%zu", i);
		if (!json_is_object(o)) {
			req_add_error(r, prefix,
				      "an option must be an object {\"code\", \"text\"}");
			continue;
		}
		rc = loyalty_body_check(r, o, option_fields, NELEM(option_fields), option_texts,
					NELEM(option_texts), false);
		if (rc != ADV_OK && rc != ADV_EINVAL)
			return rc;
		if ((rc = errors_under(r, from, prefix)) != ADV_OK)
			return rc;
	}
	return ADV_OK;
}

/*
 * Reads and checks a question body into *body (owned by the request): the
 * flat fields (active only when patch), the text, and the options; every
 * problem in r->errors, ADV_EINVAL when there is any.
 */
static enum adv_err
question_body(struct req *r, bool patch, json_t **body)
{
	size_t before = error_count(r), after;
	json_t *rest, *options;
	enum adv_err rc;

	if ((rc = req_json(r, body)) != ADV_OK)
		return rc;
	if ((rest = json_copy(*body)) == NULL)
		return ADV_ENOMEM;
	json_object_del(rest, "options");
	options = json_object_get(*body, "options");
	if ((rc = options != NULL ? options_check(r, options) : ADV_OK) == ADV_OK)
		rc = loyalty_body_check(r, rest, question_fields,
					NELEM(question_fields) - (patch ? 0 : 1), question_texts,
					NELEM(question_texts), patch);
	json_decref(rest);
	if (rc != ADV_OK && rc != ADV_EINVAL)
		return rc;
	after = error_count(r);
	if (after > before)
		return adv_fail(&r->eb, ADV_EINVAL, NULL, "%zu field%s of the request %s not valid",
				after - before, after - before == 1 ? "" : "s",
				after - before == 1 ? "is" : "are");
	return ADV_OK;
}

/* Reads a checked study body into x; each present field sets its bit in *mask. */
static void
study_from_json(json_t *body, struct study *x, uint32_t *mask)
{
	const char **text[SF__MAX] = {
	    [SF_NAME] = &x->name,	[SF_STARTS_ON] = &x->starts_on,
	    [SF_ENDS_ON] = &x->ends_on, [SF_DESCRIPTION] = &x->description,
	    [SF_GUIDE] = &x->guide,
	};

	memset(x, 0, sizeof(*x));
	*mask = 0;
	for (int f = 0; f < SF__MAX; f++) {
		json_t *v = json_object_get(body, study_fields[f].name);

		if (v == NULL)
			continue;
		*mask |= SF_BIT(f);
		if (text[f] != NULL)
			*text[f] = json_string_value(v);
	}
	study_kind_parse(json_str(body, "kind"), &x->kind);
	study_status_parse(json_str(body, "status"), &x->status);
}

/* {"items": [...]} of n studies; new reference (NULL when out of memory). */
static json_t *
studies_json(const struct study *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		if (json_array_append_new(arr, study_json(&v[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	return arr ? json_pack("{s:o}", "items", arr) : NULL;
}

/* {"items": [...]} of n questions; new reference (NULL when out of memory). */
static json_t *
questions_json(const struct question *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		if (json_array_append_new(arr, question_json(&v[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	return arr ? json_pack("{s:o}", "items", arr) : NULL;
}

/* "no such study" for a 404 from a study of the path. */
static enum adv_err
study_missing(struct req *r, enum adv_err rc, int64_t sid)
{
	if (rc == ADV_ENOTFOUND && r->eb.msg[0] == '\0')
		return adv_fail(&r->eb, rc, NULL, "no such study: %lld", (long long)sid);
	return rc;
}

static enum adv_err
get_studies(struct req *r)
{
	struct study_filter f = {0};
	const char *status, *kind;
	struct study *v;
	size_t n;
	enum adv_err rc;

	if ((rc = query_flag(r, "archived", &f.archived)) != ADV_OK ||
	    (rc = query_text(r, "status", 32, &status)) != ADV_OK ||
	    (rc = query_text(r, "kind", 32, &kind)) != ADV_OK)
		return rc;
	if (status != NULL && !(f.by_status = study_status_parse(status, &f.status)))
		return adv_fail(&r->eb, ADV_EINVAL, "status",
				"status must be draft, open or closed");
	if (kind != NULL && !(f.by_kind = study_kind_parse(kind, &f.kind)))
		return adv_fail(&r->eb, ADV_EINVAL, "kind",
				"kind must be survey, csm_interview, custdev or exit_interview");
	if ((rc = study_list(req_db(r), &r->arena, r->ws.id, &f, &v, &n)) != ADV_OK)
		return rc;
	return resp_json(r, 200, studies_json(v, n));
}

static enum adv_err
post_studies(struct req *r)
{
	struct study in, out;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, study_fields, SF__MAX, false)) != ADV_OK)
		return rc;
	study_from_json(body, &in, &mask);
	if ((rc = study_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, &in, mask, &out,
			       &r->eb)) != ADV_OK)
		return rc;
	loyalty_location(r, "studies", out.id);
	return loyalty_answer(r, 201, out.version, study_json(&out));
}

static enum adv_err
get_study(struct req *r)
{
	struct study x;
	int64_t id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &id)) != ADV_OK)
		return rc;
	if ((rc = study_get(req_db(r), &r->arena, r->ws.id, id, &x)) != ADV_OK)
		return study_missing(r, rc, id);
	return loyalty_answer(r, 200, x.version, study_json(&x));
}

static enum adv_err
patch_study(struct req *r)
{
	struct study in, out;
	int64_t id, version;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK || (rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, study_fields, SF__MAX, true)) != ADV_OK)
		return rc;
	study_from_json(body, &in, &mask);
	if ((rc = study_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id, version, &in,
			       mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return loyalty_answer(r, 200, out.version, study_json(&out));
}

/* Archives (DELETE) or restores (POST …/restore) the study the path names. */
static enum adv_err
archive_study(struct req *r, bool archive)
{
	struct study out;
	int64_t id, version;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = study_archive(req_db(r), &r->arena, r->ws.id, r->caller.user_id, id, version,
				archive, &out, &r->eb)) != ADV_OK)
		return rc;
	return archive ? resp_empty(r, 204) : loyalty_answer(r, 200, out.version, study_json(&out));
}

static enum adv_err
delete_study(struct req *r)
{
	return archive_study(r, true);
}

static enum adv_err
post_study_restore(struct req *r)
{
	return archive_study(r, false);
}

/*
 * Reads a checked question body into x (options in the request's arena);
 * each present field sets its bit in *mask.
 */
static enum adv_err
question_from_json(struct req *r, json_t *body, struct question *x, uint32_t *mask)
{
	json_t *v, *o;
	size_t i;

	memset(x, 0, sizeof(*x));
	*mask = 0;
	if (loyalty_body_text(body, "text", &x->text))
		*mask |= QF_BIT(QF_TEXT);
	if (loyalty_body_string(body, "code", &x->code))
		*mask |= QF_BIT(QF_CODE);
	if ((v = json_object_get(body, "kind")) != NULL &&
	    question_kind_parse(json_string_value(v), &x->kind))
		*mask |= QF_BIT(QF_KIND);
	if (loyalty_body_id(body, "component_id", &x->component_id))
		*mask |= QF_BIT(QF_COMPONENT);
	if (loyalty_body_id(body, "competitor_id", &x->competitor_id))
		*mask |= QF_BIT(QF_COMPETITOR);
	if (loyalty_body_id(body, "stage_id", &x->stage_id))
		*mask |= QF_BIT(QF_STAGE);
	if (loyalty_body_bool(body, "required", &x->required))
		*mask |= QF_BIT(QF_REQUIRED);
	if (loyalty_body_int(body, "position", &x->position))
		*mask |= QF_BIT(QF_POSITION);
	if (loyalty_body_bool(body, "active", &x->active))
		*mask |= QF_BIT(QF_ACTIVE);
	if ((v = json_object_get(body, "options")) == NULL)
		return ADV_OK;
	*mask |= QF_BIT(QF_OPTIONS);
	x->options_null = json_is_null(v);
	if (x->options_null || json_array_size(v) == 0)
		return ADV_OK;
	if ((x->options = arena_zalloc(&r->arena, json_array_size(v) * sizeof(*x->options))) ==
	    NULL)
		return ADV_ENOMEM;
	json_array_foreach(v, i, o)
	{
		x->options[i].code = json_str(o, "code");
		loyalty_body_text(o, "text", &x->options[i].text);
	}
	x->noptions = json_array_size(v);
	return ADV_OK;
}

/* Sets Location to the question's URL. */
static void
question_location(struct req *r, int64_t sid, int64_t qid)
{
	const char *collection = arena_printf(&r->arena, "studies/%lld/questions", (long long)sid);

	if (collection != NULL)
		loyalty_location(r, collection, qid);
}

static enum adv_err
get_questions(struct req *r)
{
	struct question *v;
	int64_t sid;
	bool all;
	size_t n;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = query_flag(r, "include_retired", &all)) != ADV_OK)
		return rc;
	if ((rc = question_list(req_db(r), &r->arena, r->ws.id, sid, all, &v, &n)) != ADV_OK)
		return study_missing(r, rc, sid);
	return resp_json(r, 200, questions_json(v, n));
}

static enum adv_err
post_questions(struct req *r)
{
	struct question in, out;
	int64_t sid;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = question_body(r, false, &body)) != ADV_OK ||
	    (rc = question_from_json(r, body, &in, &mask)) != ADV_OK)
		return rc;
	if ((rc = question_create(req_db(r), &r->arena, r->ws.id, r->caller.user_id, sid, &in, mask,
				  &out, &r->eb)) != ADV_OK)
		return rc;
	question_location(r, sid, out.id);
	return loyalty_answer(r, 201, out.version, question_json(&out));
}

static enum adv_err
get_question(struct req *r)
{
	struct question x;
	int64_t sid, id;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = req_param_id(r, "qid", &id)) != ADV_OK)
		return rc;
	rc = question_get(req_db(r), &r->arena, r->ws.id, sid, id, &x);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such question in study %lld: %lld",
				(long long)sid, (long long)id);
	if (rc != ADV_OK)
		return rc;
	return loyalty_answer(r, 200, x.version, question_json(&x));
}

static enum adv_err
patch_question(struct req *r)
{
	struct question in, out;
	int64_t sid, id, version;
	uint32_t mask;
	json_t *body;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = req_param_id(r, "qid", &id)) != ADV_OK ||
	    (rc = req_if_match(r, &version)) != ADV_OK ||
	    (rc = question_body(r, true, &body)) != ADV_OK ||
	    (rc = question_from_json(r, body, &in, &mask)) != ADV_OK)
		return rc;
	if ((rc = question_update(req_db(r), &r->arena, r->ws.id, r->caller.user_id, sid, id,
				  version, &in, mask, &out, &r->eb)) != ADV_OK)
		return rc;
	return loyalty_answer(r, 200, out.version, question_json(&out));
}

static enum adv_err
post_questions_order(struct req *r)
{
	struct question *v;
	int64_t *ids, sid;
	json_t *body;
	size_t n;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK ||
	    (rc = loyalty_body_order(r, NULL, 0, &body, &ids, &n)) != ADV_OK ||
	    (rc = question_order(req_db(r), &r->arena, r->ws.id, r->caller.user_id, sid, ids, n,
				 &r->eb)) != ADV_OK ||
	    (rc = question_list(req_db(r), &r->arena, r->ws.id, sid, false, &v, &n)) != ADV_OK)
		return rc;
	return resp_json(r, 200, questions_json(v, n));
}

API_ROUTES_DEFINE(studies,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/studies", get_studies, ACCESS_WORKSPACE,
		   ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/studies", post_studies, ACCESS_WORKSPACE,
		   ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/studies/{sid}", get_study, ACCESS_WORKSPACE,
		   ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/studies/{sid}", patch_study,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_DELETE, "/api/v1/workspaces/{ws}/studies/{sid}", delete_study,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/studies/{sid}/restore", post_study_restore,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/studies/{sid}/questions", get_questions,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/studies/{sid}/questions", post_questions,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/studies/{sid}/questions/order",
		   post_questions_order, ACCESS_WORKSPACE, ROLE_ANALYST, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/studies/{sid}/questions/{qid}", get_question,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/studies/{sid}/questions/{qid}",
		   patch_question, ACCESS_WORKSPACE, ROLE_ANALYST, 0}, );
