/*
 * request_settings.c — the service settings of the dialog window (see
 * request_settings.h): the document checked field by field, stored as JSON
 * with members by user id, read back with their e-mails; the matching of
 * service levels and their deadlines in working time; and the round robin
 * of the assignment rules. All SQL about request_settings and
 * request_rule_turns lives here.
 */
#include "core/request_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/identity.h"
#include "core/request.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/date.h"

static const char *const weekday_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static struct db_sql sql_get =
    DB_SQL("SELECT settings, version FROM request_settings WHERE workspace_id = ?1");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO request_settings (workspace_id, settings, version, updated_at)"
	   " VALUES (?1, ?2, 1, ?3)");
static struct db_sql sql_update =
    DB_SQL("UPDATE request_settings SET settings = ?2, version = version + 1, updated_at = ?3"
	   " WHERE workspace_id = ?1 AND version = ?4");
static struct db_sql sql_turns_clear =
    DB_SQL("DELETE FROM request_rule_turns WHERE workspace_id = ?1");
static struct db_sql sql_turn_next =
    DB_SQL("UPDATE request_rule_turns SET next_member = next_member + 1"
	   " WHERE workspace_id = ?1 AND rule_index = ?2 RETURNING next_member - 1");
static struct db_sql sql_turn_insert =
    DB_SQL("INSERT INTO request_rule_turns (workspace_id, rule_index, next_member)"
	   " VALUES (?1, ?2, 1)");
static struct db_sql sql_member_email =
    DB_SQL("SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id"
	   " WHERE m.workspace_id = ?1 AND m.user_id = ?2");
static struct db_sql sql_component =
    DB_SQL("SELECT id FROM loyalty_components WHERE workspace_id = ?1 AND id = ?2");

/* The defaults: Moscow office hours on weekdays, 14 days to reopen, nothing else. */
static void
defaults(struct request_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->calendar.offset_min = 180;
	s->calendar.day_start_min = 9 * 60;
	s->calendar.day_end_min = 18 * 60;
	s->calendar.workdays = 0x1fu;
	s->reopen_days = REQSET_REOPEN_DAYS_DFLT;
}

/* "HH:MM" (00:00..24:00) into minutes of the day; false when it is not one. */
static bool
parse_hhmm(const char *s, int *out)
{
	int h, m;
	char tail;

	if (s == NULL || strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 ||
	    m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
		return false;
	*out = h * 60 + m;
	return true;
}

/* Compares two packed dates for qsort. */
static int
cmp_date(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Index of s in names[0..n), or -1. */
static int
name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Fails unless obj (at pointer p) has only keys among allowed (NULL-terminated). */
static enum adv_err
only_keys(json_t *obj, const char *p, const char *const *allowed, struct adv_errbuf *eb)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		int i;

		(void)v;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (allowed[i] == NULL) {
			char ptr[160];

			snprintf(ptr, sizeof(ptr), "%s/%s", p, key);
			return adv_fail(eb, ADV_EINVAL, ptr, "unknown field %s", key);
		}
	}
	return ADV_OK;
}

/* Reads the calendar object cal into s (stored and API shapes alike). */
static enum adv_err
read_calendar(struct arena *a, json_t *cal, struct request_settings *s, struct adv_errbuf *eb)
{
	static const char *const keys[] = {"utc_offset_minutes", "day_start", "day_end",
					   "workdays",		 "holidays",  NULL};
	json_t *v;
	enum adv_err rc;

	if (cal == NULL)
		return ADV_OK;
	if (!json_is_object(cal))
		return adv_fail(eb, ADV_EINVAL, "/calendar", "calendar must be an object");
	if ((rc = only_keys(cal, "/calendar", keys, eb)) != ADV_OK)
		return rc;
	if ((v = json_object_get(cal, "utc_offset_minutes")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < -WORKTIME_OFFSET_LIMIT ||
		    json_integer_value(v) > WORKTIME_OFFSET_LIMIT)
			return adv_fail(eb, ADV_EINVAL, "/calendar/utc_offset_minutes",
					"utc_offset_minutes must be a whole number from %d to %d",
					-WORKTIME_OFFSET_LIMIT, WORKTIME_OFFSET_LIMIT);
		s->calendar.offset_min = (int)json_integer_value(v);
	}
	if ((v = json_object_get(cal, "day_start")) != NULL &&
	    !parse_hhmm(json_string_value(v), &s->calendar.day_start_min))
		return adv_fail(eb, ADV_EINVAL, "/calendar/day_start",
				"day_start must be a time written HH:MM");
	if ((v = json_object_get(cal, "day_end")) != NULL &&
	    !parse_hhmm(json_string_value(v), &s->calendar.day_end_min))
		return adv_fail(eb, ADV_EINVAL, "/calendar/day_end",
				"day_end must be a time written HH:MM");
	if (s->calendar.day_start_min >= s->calendar.day_end_min)
		return adv_fail(eb, ADV_EINVAL, "/calendar/day_end",
				"day_end must be later than day_start");
	if ((v = json_object_get(cal, "workdays")) != NULL) {
		size_t i;
		json_t *d;

		if (!json_is_array(v) || json_array_size(v) == 0)
			return adv_fail(eb, ADV_EINVAL, "/calendar/workdays",
					"workdays must list at least one of mon … sun");
		s->calendar.workdays = 0;
		json_array_foreach(v, i, d)
		{
			int k = name_index(weekday_names, 7, json_string_value(d));

			if (k < 0) {
				char ptr[64];

				snprintf(ptr, sizeof(ptr), "/calendar/workdays/%zu", i);
				return adv_fail(eb, ADV_EINVAL, ptr,
						"a workday is one of mon, tue, wed, thu, fri, sat, "
						"sun");
			}
			s->calendar.workdays |= 1u << k;
		}
	}
	if ((v = json_object_get(cal, "holidays")) != NULL) {
		int32_t *days;
		size_t i;
		json_t *d;

		if (!json_is_array(v) || json_array_size(v) > REQSET_HOLIDAYS_MAX)
			return adv_fail(eb, ADV_EINVAL, "/calendar/holidays",
					"holidays must be a list of at most %d dates",
					REQSET_HOLIDAYS_MAX);
		if ((days = arena_alloc(a, (json_array_size(v) + 1) * sizeof(*days))) == NULL)
			return ADV_ENOMEM;
		json_array_foreach(v, i, d)
		{
			const char *t = json_string_value(d);

			if (t == NULL || !date_valid(t)) {
				char ptr[64];

				snprintf(ptr, sizeof(ptr), "/calendar/holidays/%zu", i);
				return adv_fail(eb, ADV_EINVAL, ptr,
						"a holiday is a real date written YYYY-MM-DD");
			}
			days[i] = (int32_t)(atoi(t) * 10000 + atoi(t + 5) * 100 + atoi(t + 8));
		}
		qsort(days, json_array_size(v), sizeof(*days), cmp_date);
		s->calendar.holidays = days;
		s->calendar.nholidays = json_array_size(v);
	}
	return ADV_OK;
}

/* A kind or priority field: null/absent → -1; a known name → its index. */
static enum adv_err
read_choice(json_t *obj, const char *key, const char *const *names, int n, const char *p, int *out,
	    struct adv_errbuf *eb)
{
	json_t *v = json_object_get(obj, key);

	*out = -1;
	if (v == NULL || json_is_null(v))
		return ADV_OK;
	if ((*out = name_index(names, n, json_string_value(v))) < 0) {
		char ptr[96];

		snprintf(ptr, sizeof(ptr), "%s/%s", p, key);
		return adv_fail(eb, ADV_EINVAL, ptr, "%s is not a known %s", key, key);
	}
	return ADV_OK;
}

/* A minutes field: absent/null → 0, else 1..REQSET_MINUTES_MAX. */
static enum adv_err
read_minutes(json_t *obj, const char *key, const char *p, int64_t *out, struct adv_errbuf *eb)
{
	json_t *v = json_object_get(obj, key);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return ADV_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > REQSET_MINUTES_MAX) {
		char ptr[96];

		snprintf(ptr, sizeof(ptr), "%s/%s", p, key);
		return adv_fail(eb, ADV_EINVAL, ptr, "%s must be a whole number from 1 to %d", key,
				REQSET_MINUTES_MAX);
	}
	*out = json_integer_value(v);
	return ADV_OK;
}

/* Reads the service levels list into s. */
static enum adv_err
read_levels(struct arena *a, json_t *list, struct request_settings *s, struct adv_errbuf *eb)
{
	static const char *const keys[] = {"kind", "priority", "first_response_minutes",
					   "resolution_minutes", NULL};
	size_t i;
	json_t *e;
	enum adv_err rc;

	if (list == NULL)
		return ADV_OK;
	if (!json_is_array(list) || json_array_size(list) > REQSET_LEVELS_MAX)
		return adv_fail(eb, ADV_EINVAL, "/service_levels",
				"service_levels must be a list of at most %d levels",
				REQSET_LEVELS_MAX);
	if ((s->levels = arena_alloc(a, (json_array_size(list) + 1) * sizeof(*s->levels))) == NULL)
		return ADV_ENOMEM;
	json_array_foreach(list, i, e)
	{
		struct request_level *l = &s->levels[i];
		char p[64];

		snprintf(p, sizeof(p), "/service_levels/%zu", i);
		if (!json_is_object(e))
			return adv_fail(eb, ADV_EINVAL, p, "a service level is an object");
		if ((rc = only_keys(e, p, keys, eb)) != ADV_OK ||
		    (rc = read_choice(e, "kind", request_kind_values, RK__MAX, p, &l->kind, eb)) !=
			ADV_OK ||
		    (rc = read_choice(e, "priority", request_priority_values, RP__MAX, p,
				      &l->priority, eb)) != ADV_OK ||
		    (rc = read_minutes(e, "first_response_minutes", p, &l->first_response_minutes,
				       eb)) != ADV_OK ||
		    (rc = read_minutes(e, "resolution_minutes", p, &l->resolution_minutes, eb)) !=
			ADV_OK)
			return rc;
		for (size_t k = 0; k < i; k++)
			if (s->levels[k].kind == l->kind && s->levels[k].priority == l->priority)
				return adv_fail(eb, ADV_EINVAL, p,
						"two service levels for the same kind and "
						"priority");
	}
	s->nlevels = json_array_size(list);
	return ADV_OK;
}

/*
 * Reads the assignment rules into s. members_by_id: the stored shape (ids in
 * "member_ids"); else the API shape (e-mails in "members", resolved to
 * members of the workspace, components checked).
 */
static enum adv_err
read_rules(struct db_conn *c, struct arena *a, int64_t ws_id, json_t *list, bool members_by_id,
	   struct request_settings *s, struct adv_errbuf *eb)
{
	static const char *const keys[] = {"kind", "component_id", "members", NULL};
	static const char *const stored_keys[] = {"kind", "component_id", "member_ids", NULL};
	size_t i;
	json_t *e;
	enum adv_err rc;

	if (list == NULL)
		return ADV_OK;
	if (!json_is_array(list) || json_array_size(list) > REQSET_RULES_MAX)
		return adv_fail(eb, ADV_EINVAL, "/assignment_rules",
				"assignment_rules must be a list of at most %d rules",
				REQSET_RULES_MAX);
	if ((s->rules = arena_alloc(a, (json_array_size(list) + 1) * sizeof(*s->rules))) == NULL)
		return ADV_ENOMEM;
	json_array_foreach(list, i, e)
	{
		struct request_rule *r = &s->rules[i];
		json_t *members, *comp, *m;
		size_t k;
		char p[64];

		snprintf(p, sizeof(p), "/assignment_rules/%zu", i);
		memset(r, 0, sizeof(*r));
		if (!json_is_object(e))
			return adv_fail(eb, ADV_EINVAL, p, "an assignment rule is an object");
		if ((rc = only_keys(e, p, members_by_id ? stored_keys : keys, eb)) != ADV_OK ||
		    (rc = read_choice(e, "kind", request_kind_values, RK__MAX, p, &r->kind, eb)) !=
			ADV_OK)
			return rc;
		comp = json_object_get(e, "component_id");
		if (comp != NULL && !json_is_null(comp)) {
			struct db_stmt *st;
			bool row;

			if (!json_is_integer(comp) || json_integer_value(comp) < 1) {
				char ptr[96];

				snprintf(ptr, sizeof(ptr), "%s/component_id", p);
				return adv_fail(eb, ADV_EINVAL, ptr,
						"component_id must be the id of a component");
			}
			r->component_id = json_integer_value(comp);
			if ((rc = db_prepare(c, &sql_component, &st)) != ADV_OK)
				return rc;
			db_bind_int(st, 1, ws_id);
			db_bind_int(st, 2, r->component_id);
			if ((rc = db_step(st, &row)) != ADV_OK)
				return rc;
			if (!row) {
				char ptr[96];

				snprintf(ptr, sizeof(ptr), "%s/component_id", p);
				return adv_fail(eb, ADV_EINVAL, ptr,
						"component_id %lld is not a component of this "
						"workspace's catalogue",
						(long long)r->component_id);
			}
			db_done(st);
		}
		members = json_object_get(e, members_by_id ? "member_ids" : "members");
		if (!json_is_array(members) || json_array_size(members) == 0 ||
		    json_array_size(members) > REQSET_MEMBERS_MAX) {
			char ptr[96];

			snprintf(ptr, sizeof(ptr), "%s/members", p);
			return adv_fail(eb, ADV_EINVAL, ptr,
					"members must list 1 to %d members of the workspace",
					REQSET_MEMBERS_MAX);
		}
		r->nmembers = json_array_size(members);
		r->member_ids = arena_alloc(a, r->nmembers * sizeof(*r->member_ids));
		r->member_emails = arena_alloc(a, r->nmembers * sizeof(*r->member_emails));
		if (r->member_ids == NULL || r->member_emails == NULL)
			return ADV_ENOMEM;
		json_array_foreach(members, k, m)
		{
			if (members_by_id) {
				struct db_stmt *st;
				bool row, oom = false;

				r->member_ids[k] = json_integer_value(m);
				r->member_emails[k] = NULL;
				if ((rc = db_prepare(c, &sql_member_email, &st)) != ADV_OK)
					return rc;
				db_bind_int(st, 1, ws_id);
				db_bind_int(st, 2, r->member_ids[k]);
				if ((rc = db_step(st, &row)) != ADV_OK)
					return rc;
				if (row) {
					r->member_emails[k] = db_col_dup(st, a, 0, &oom);
					db_done(st);
				}
				if (oom)
					return ADV_ENOMEM;
			} else {
				const char *email = json_string_value(m);
				struct member who;

				rc = email != NULL && identity_email_valid(email)
					 ? identity_member_by_email(c, a, ws_id, email, &who)
					 : ADV_ENOTFOUND;
				if (rc == ADV_ENOTFOUND) {
					char ptr[96];

					snprintf(ptr, sizeof(ptr), "%s/members/%zu", p, k);
					return adv_fail(eb, ADV_EINVAL, ptr,
							"a member is the e-mail of a member of "
							"this workspace");
				}
				if (rc != ADV_OK)
					return rc;
				r->member_ids[k] = who.user_id;
				r->member_emails[k] = who.email;
			}
		}
	}
	s->nrules = json_array_size(list);
	return ADV_OK;
}

/*
 * Reads a settings document (stored or API shape) over the defaults into
 * *out.
 */
static enum adv_err
read_doc(struct db_conn *c, struct arena *a, int64_t ws_id, json_t *doc, bool stored,
	 struct request_settings *out, struct adv_errbuf *eb)
{
	static const char *const keys[] = {"calendar", "reopen_days", "service_levels",
					   "assignment_rules", NULL};
	json_t *v;
	enum adv_err rc;

	defaults(out);
	if (!json_is_object(doc))
		return adv_fail(eb, ADV_EINVAL, "", "the settings are a JSON object");
	if ((rc = only_keys(doc, "", keys, eb)) != ADV_OK ||
	    (rc = read_calendar(a, json_object_get(doc, "calendar"), out, eb)) != ADV_OK)
		return rc;
	if ((v = json_object_get(doc, "reopen_days")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > REQSET_REOPEN_DAYS_MAX)
			return adv_fail(eb, ADV_EINVAL, "/reopen_days",
					"reopen_days must be a whole number from 0 to %d",
					REQSET_REOPEN_DAYS_MAX);
		out->reopen_days = (int)json_integer_value(v);
	}
	if ((rc = read_levels(a, json_object_get(doc, "service_levels"), out, eb)) != ADV_OK)
		return rc;
	return read_rules(c, a, ws_id, json_object_get(doc, "assignment_rules"), stored, out, eb);
}

enum adv_err
request_settings_load(struct db_conn *c, struct arena *a, int64_t ws_id,
		      struct request_settings *out)
{
	struct adv_errbuf eb = {0};
	struct db_stmt *st;
	json_t *doc = NULL;
	int64_t version;
	enum adv_err rc;
	bool row;

	defaults(out);
	if ((rc = db_prepare(c, &sql_get, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		goto out;
	doc = json_loads(db_col_text(st, 0), 0, NULL);
	version = db_col_int(st, 1);
	db_done(st);
	if (doc == NULL) {
		rc = ADV_EDB;
		goto out;
	}
	if ((rc = read_doc(c, a, ws_id, doc, true, out, &eb)) != ADV_OK) {
		rc = rc == ADV_EINVAL ? ADV_EDB : rc;
		goto out;
	}
	out->version = version;
out:
	json_decref(doc);
	return rc;
}

/* "HH:MM" of a minute of the day (new reference). */
static json_t *
hhmm(int minutes)
{
	char t[16];

	snprintf(t, sizeof(t), "%02d:%02d", minutes / 60, minutes % 60);
	return json_string(t);
}

/* A choice index as its name, or null for -1 (new reference). */
static json_t *
choice(const char *const *names, int i)
{
	return i >= 0 ? json_string(names[i]) : json_null();
}

/* The rules list; stored: member ids, else member e-mails (new reference). */
static json_t *
rules_json(const struct request_settings *s, bool stored)
{
	json_t *rules = json_array();

	for (size_t i = 0; rules != NULL && i < s->nrules; i++) {
		const struct request_rule *r = &s->rules[i];
		json_t *members = json_array();

		for (size_t k = 0; members != NULL && k < r->nmembers; k++)
			json_array_append_new(members, stored ? json_integer(r->member_ids[k])
						       : r->member_emails[k]
							   ? json_string(r->member_emails[k])
							   : json_null());
		if (json_array_append_new(
			rules,
			json_pack("{s:o, s:o, s:o}", "kind", choice(request_kind_values, r->kind),
				  "component_id",
				  r->component_id ? json_integer(r->component_id) : json_null(),
				  stored ? "member_ids" : "members", members)) != 0) {
			json_decref(rules);
			return NULL;
		}
	}
	return rules;
}

/* The document of s, stored shape or API shape (new reference). */
static json_t *
settings_doc(const struct request_settings *s, bool stored)
{
	json_t *days = json_array(), *holidays = json_array(), *levels = json_array();

	for (int i = 0; days != NULL && i < 7; i++)
		if (s->calendar.workdays & (1u << i))
			json_array_append_new(days, json_string(weekday_names[i]));
	for (size_t i = 0; holidays != NULL && i < s->calendar.nholidays; i++) {
		char d[16];
		int32_t v = s->calendar.holidays[i];

		snprintf(d, sizeof(d), "%04d-%02d-%02d", (int)(v / 10000), (int)(v / 100 % 100),
			 (int)(v % 100));
		json_array_append_new(holidays, json_string(d));
	}
	for (size_t i = 0; levels != NULL && i < s->nlevels; i++) {
		const struct request_level *l = &s->levels[i];

		json_array_append_new(
		    levels,
		    json_pack("{s:o, s:o, s:o, s:o}", "kind", choice(request_kind_values, l->kind),
			      "priority", choice(request_priority_values, l->priority),
			      "first_response_minutes",
			      l->first_response_minutes ? json_integer(l->first_response_minutes)
							: json_null(),
			      "resolution_minutes",
			      l->resolution_minutes ? json_integer(l->resolution_minutes)
						    : json_null()));
	}
	return json_pack("{s:{s:i, s:o, s:o, s:o, s:o}, s:i, s:o, s:o}", "calendar",
			 "utc_offset_minutes", s->calendar.offset_min, "day_start",
			 hhmm(s->calendar.day_start_min), "day_end", hhmm(s->calendar.day_end_min),
			 "workdays", days, "holidays", holidays, "reopen_days", s->reopen_days,
			 "service_levels", levels, "assignment_rules", rules_json(s, stored));
}

json_t *
request_settings_json(const struct request_settings *s)
{
	json_t *j = settings_doc(s, false);

	if (j != NULL && json_object_set_new(j, "version", json_integer(s->version)) != 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

enum adv_err
request_settings_put(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		     int64_t expect_version, json_t *doc, struct request_settings *out,
		     struct adv_errbuf *eb)
{
	struct request_settings cur, next;
	char now[CLOCK_TEXT_MAX];
	json_t *stored = NULL, *changes = NULL;
	char *text = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = request_settings_load(c, a, ws_id, &cur)) != ADV_OK)
		goto out;
	if (expect_version != 0 && expect_version != cur.version) {
		rc = adv_fail(eb, ADV_EPRECOND, NULL,
			      "the settings were changed by someone else (version %lld, not %lld); "
			      "reload them and apply your change again",
			      (long long)cur.version, (long long)expect_version);
		goto out;
	}
	if ((rc = read_doc(c, a, ws_id, doc, false, &next, eb)) != ADV_OK)
		goto out;
	if ((stored = settings_doc(&next, true)) == NULL ||
	    (text = json_dumps(stored, JSON_COMPACT)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, cur.version == 0 ? &sql_insert : &sql_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, text);
	db_bind_text(st, 3, now);
	if (cur.version != 0)
		db_bind_int(st, 4, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if (db_changes(st) != 1) {
		rc = adv_fail(eb, ADV_EPRECOND, NULL,
			      "the settings were changed by someone else meanwhile; reload them");
		goto out;
	}
	if ((rc = db_prepare(c, &sql_turns_clear, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((changes = json_pack("{s:{s:O}}", "settings", "to", stored)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "request_settings", ws_id, 0, "update", changes)) !=
	    ADV_OK)
		goto out;
	next.version = cur.version + 1;
	*out = next;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(stored);
	json_decref(changes);
	free(text);
	return rc;
}

const struct request_level *
request_level_match(const struct request_settings *s, int kind, int priority)
{
	const struct request_level *best = NULL;
	int best_rank = -1;

	for (size_t i = 0; i < s->nlevels; i++) {
		const struct request_level *l = &s->levels[i];
		int rank;

		if ((l->kind >= 0 && l->kind != kind) ||
		    (l->priority >= 0 && l->priority != priority))
			continue;
		rank = (l->kind >= 0 ? 2 : 0) + (l->priority >= 0 ? 1 : 0);
		if (rank > best_rank) {
			best = l;
			best_rank = rank;
		}
	}
	return best;
}

void
request_deadlines(const struct request_settings *s, int kind, int priority, time_t created,
		  char first_due[32], char resolution_due[32])
{
	const struct request_level *l = request_level_match(s, kind, priority);
	time_t due;

	first_due[0] = resolution_due[0] = '\0';
	if (l == NULL)
		return;
	if (l->first_response_minutes > 0 &&
	    worktime_add(&s->calendar, created, l->first_response_minutes, &due))
		clock_format(due, first_due);
	if (l->resolution_minutes > 0 &&
	    worktime_add(&s->calendar, created, l->resolution_minutes, &due))
		clock_format(due, resolution_due);
}

/* The next turn of rule index i: 0 for its first request, then 1, 2, … */
static enum adv_err
next_turn(struct db_conn *c, int64_t ws_id, size_t i, int64_t *turn)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_turn_next, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, (int64_t)i);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (row) {
		*turn = db_col_int(st, 0);
		db_done(st);
		return ADV_OK;
	}
	*turn = 0;
	if ((rc = db_prepare(c, &sql_turn_insert, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, (int64_t)i);
	return db_exec(st);
}

enum adv_err
request_rule_assign(struct db_conn *c, int64_t ws_id, const struct request_settings *s, int kind,
		    int64_t component_id, int64_t *user_id)
{
	*user_id = 0;
	for (size_t i = 0; i < s->nrules; i++) {
		const struct request_rule *r = &s->rules[i];
		int64_t turn;
		enum adv_err rc;

		if ((r->kind >= 0 && r->kind != kind) ||
		    (r->component_id > 0 && r->component_id != component_id))
			continue;
		/* Members who left the workspace are skipped: their e-mail no longer resolves. */
		for (size_t tries = 0; tries < r->nmembers; tries++) {
			if ((rc = next_turn(c, ws_id, i, &turn)) != ADV_OK)
				return rc;
			if (r->member_emails[(size_t)turn % r->nmembers] != NULL) {
				*user_id = r->member_ids[(size_t)turn % r->nmembers];
				return ADV_OK;
			}
		}
		return ADV_OK;
	}
	return ADV_OK;
}
