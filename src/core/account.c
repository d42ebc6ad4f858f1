/*
 * account.c — client companies (see account.h): the rules of their fields,
 * storage with the folded search text and the tag rows used by filters,
 * keyset pages for every sort order, versioned edits, archiving, and the
 * audit entry of every change. All SQL about accounts lives here.
 */
#include "core/account.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/identity.h"
#include "core/inn.h"
#include "core/listing.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/date.h"
#include "util/str.h"

#define ACCOUNT_CURRENCY_LEN	 3
#define ACCOUNT_DEFAULT_CURRENCY "RUB"
#define ACCOUNT_FACET_MAX	 1000 /* distinct values returned per facet */
#define ACCOUNT_EACH_PAGE	 500  /* rows fetched at a time by account_each */
#define ACCOUNT_WHY_MAX		 128

static const char *const status_names[ACCOUNT_STATUS__MAX] = {
    [ACCOUNT_PROSPECT] = "prospect",
    [ACCOUNT_ACTIVE] = "active",
    [ACCOUNT_AT_RISK] = "at_risk",
    [ACCOUNT_CHURNED] = "churned",
};

static const char *const sort_names[ACCOUNT_SORT__MAX] = {
    [ACCOUNT_SORT_NAME] = "name",	   [ACCOUNT_SORT_NAME_DESC] = "-name",
    [ACCOUNT_SORT_UPDATED] = "updated_at", [ACCOUNT_SORT_UPDATED_DESC] = "-updated_at",
    [ACCOUNT_SORT_CREATED] = "created_at", [ACCOUNT_SORT_CREATED_DESC] = "-created_at",
    [ACCOUNT_SORT_REVENUE] = "revenue",	   [ACCOUNT_SORT_REVENUE_DESC] = "-revenue",
};

static const char *const field_names[AF__MAX] = {
    [AF_NAME] = "name",
    [AF_LEGAL_NAME] = "legal_name",
    [AF_INN] = "inn",
    [AF_EXTERNAL_ID] = "external_id",
    [AF_STATUS] = "status",
    [AF_CHURNED_AT] = "churned_at",
    [AF_CHURN_REASON] = "churn_reason",
    [AF_SEGMENT] = "segment",
    [AF_OWNER] = "owner_email",
    [AF_TAGS] = "tags",
    [AF_INDUSTRY] = "industry",
    [AF_REGION] = "region",
    [AF_CITY] = "city",
    [AF_WEBSITE] = "website",
    [AF_EMPLOYEES] = "employees",
    [AF_REVENUE] = "revenue",
    [AF_REVENUE_CURRENCY] = "revenue_currency",
    [AF_DESCRIPTION] = "description",
};

/* Columns of a row as read_account() expects them, and their positions. */
#define ACCOUNT_COLS                                                                               \
	"a.id, a.name, a.legal_name, a.inn, a.external_id, a.status, a.churned_at,"                \
	" a.churn_reason, a.segment, a.owner_user_id, u.email, u.name, a.tags, a.industry,"        \
	" a.region, a.city, a.website, a.employees, a.revenue, a.revenue_currency,"                \
	" a.description, a.version, a.created_at, a.updated_at, a.archived_at"
#define ACCOUNT_FROM " FROM accounts a LEFT JOIN users u ON u.id = a.owner_user_id"

enum account_col {
	COL_ID,
	COL_NAME,
	COL_LEGAL_NAME,
	COL_INN,
	COL_EXTERNAL_ID,
	COL_STATUS,
	COL_CHURNED_AT,
	COL_CHURN_REASON,
	COL_SEGMENT,
	COL_OWNER_ID,
	COL_OWNER_EMAIL,
	COL_OWNER_NAME,
	COL_TAGS,
	COL_INDUSTRY,
	COL_REGION,
	COL_CITY,
	COL_WEBSITE,
	COL_EMPLOYEES,
	COL_REVENUE,
	COL_REVENUE_CURRENCY,
	COL_DESCRIPTION,
	COL_VERSION,
	COL_CREATED_AT,
	COL_UPDATED_AT,
	COL_ARCHIVED_AT,
	COL__MAX
};

/*
 * The filters of a list, bound the same way in every list statement: ?1
 * workspace, ?2 archived (0/1), ?3 status, ?4 segment, ?5 owner e-mail
 * (folded), ?6 industry, ?7 region, ?8 tag, ?9 search pattern, ?10 row limit;
 * statements that continue after a cursor take its key as ?11 and id as ?12
 * (or the id alone as ?11).
 */
#define LIST_WHERE                                                                                 \
	" WHERE a.workspace_id = ?1"                                                               \
	" AND (CASE WHEN a.archived_at IS NULL THEN 0 ELSE 1 END) = ?2"                            \
	" AND (?3 IS NULL OR a.status = ?3)"                                                       \
	" AND (?4 IS NULL OR a.segment = ?4)"                                                      \
	" AND (?5 IS NULL OR u.email = ?5)"                                                        \
	" AND (?6 IS NULL OR a.industry = ?6)"                                                     \
	" AND (?7 IS NULL OR a.region = ?7)"                                                       \
	" AND (?8 IS NULL OR EXISTS (SELECT 1 FROM account_tags t"                                 \
	" WHERE t.account_id = a.id AND t.tag = ?8))"                                              \
	" AND (?9 IS NULL OR a.search_text LIKE ?9 ESCAPE '\\')"
#define LIST_SQL(cond, order)                                                                      \
	DB_SQL("SELECT " ACCOUNT_COLS ACCOUNT_FROM LIST_WHERE cond " ORDER BY " order " LIMIT "    \
	       "?10")
#define LIST_PAIR(col, op, dir)                                                                    \
	{                                                                                          \
		LIST_SQL("", col dir ", a.id" dir),                                                \
		    LIST_SQL(" AND (" col ", a.id) " op " (?11, ?12)", col dir ", a.id" dir)       \
	}

/*
 * [sort][0] is the first page, [sort][1] the page after a cursor. For the
 * revenue orders these cover the accounts with a revenue; those without one
 * come first in ascending order and last in descending order, from
 * sql_list_norev[desc][after]. Each statement walks its index in order; the
 * created_at orders walk the ids, which grow with creation (created_at never
 * changes), so they need no index of their own and continue after the id
 * alone (?11).
 */
static struct db_sql sql_list[ACCOUNT_SORT__MAX][2] = {
    [ACCOUNT_SORT_NAME] = LIST_PAIR("a.name", ">", ""),
    [ACCOUNT_SORT_NAME_DESC] = LIST_PAIR("a.name", "<", " DESC"),
    [ACCOUNT_SORT_UPDATED] = LIST_PAIR("a.updated_at", ">", ""),
    [ACCOUNT_SORT_UPDATED_DESC] = LIST_PAIR("a.updated_at", "<", " DESC"),
    [ACCOUNT_SORT_CREATED] = {LIST_SQL("", "a.id"), LIST_SQL(" AND a.id > ?11", "a.id")},
    [ACCOUNT_SORT_CREATED_DESC] = {LIST_SQL("", "a.id DESC"),
				   LIST_SQL(" AND a.id < ?11", "a.id DESC")},
    [ACCOUNT_SORT_REVENUE] = {LIST_SQL(" AND a.revenue IS NOT NULL", "a.revenue, a.id"),
			      LIST_SQL(" AND (a.revenue, a.id) > (?11, ?12)", "a.revenue, a.id")},
    [ACCOUNT_SORT_REVENUE_DESC] = {LIST_SQL(" AND a.revenue IS NOT NULL",
					    "a.revenue DESC, a.id DESC"),
				   LIST_SQL(" AND (a.revenue, a.id) < (?11, ?12)",
					    "a.revenue DESC, a.id DESC")},
};
static struct db_sql sql_list_norev[2][2] = {
    {LIST_SQL(" AND a.revenue IS NULL", "a.id"),
     LIST_SQL(" AND a.revenue IS NULL AND a.id > ?11", "a.id")},
    {LIST_SQL(" AND a.revenue IS NULL", "a.id DESC"),
     LIST_SQL(" AND a.revenue IS NULL AND a.id < ?11", "a.id DESC")},
};

static struct db_sql sql_get =
    DB_SQL("SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.workspace_id = ?1 AND a.id = ?2");
static struct db_sql sql_insert = DB_SQL(
    "INSERT INTO accounts (workspace_id, name, legal_name, inn, external_id, status, churned_at,"
    " churn_reason, segment, owner_user_id, tags, industry, region, city, website, employees,"
    " revenue, revenue_currency, description, search_text, version, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20, 1, ?21, ?21) RETURNING id");
static struct db_sql sql_update = DB_SQL(
    "UPDATE accounts SET name = ?2, legal_name = ?3, inn = ?4, external_id = ?5, status = ?6,"
    " churned_at = ?7, churn_reason = ?8, segment = ?9, owner_user_id = ?10, tags = ?11,"
    " industry = ?12, region = ?13, city = ?14, website = ?15, employees = ?16, revenue = ?17,"
    " revenue_currency = ?18, description = ?19, search_text = ?20, version = version + 1,"
    " updated_at = ?21 WHERE workspace_id = ?1 AND id = ?22 AND version = ?23");
static struct db_sql sql_archive =
    DB_SQL("UPDATE accounts SET archived_at = ?3, version = version + 1, updated_at = ?4"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?5");
static struct db_sql sql_tags_clear = DB_SQL("DELETE FROM account_tags WHERE account_id = ?1");
static struct db_sql sql_tag_add =
    DB_SQL("INSERT INTO account_tags (workspace_id, account_id, tag) VALUES (?1, ?2, ?3)");
static struct db_sql sql_find_external =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND external_id = ?2");
/*
 * The distinct values of a column in use, smallest first. Tags seek the next
 * value in their index (a loose index scan), so the cost grows with the
 * number of values, not of rows. The account columns have no index (it would
 * slow every write down): one pass over the workspace's accounts, tens of
 * milliseconds at 100k, which a filter's value list can afford.
 */
#define FACET_SQL(col)                                                                             \
	DB_SQL("SELECT " col " FROM accounts WHERE workspace_id = ?1 AND " col " IS NOT NULL"      \
	       " GROUP BY " col " ORDER BY " col " LIMIT ?2")

static struct db_sql sql_facet_segment = FACET_SQL("segment");
static struct db_sql sql_facet_industry = FACET_SQL("industry");
static struct db_sql sql_facet_region = FACET_SQL("region");
static struct db_sql sql_facet_tag = DB_SQL(
    "WITH RECURSIVE v(x) AS (SELECT MIN(tag) FROM account_tags WHERE workspace_id = ?1"
    " UNION ALL SELECT (SELECT MIN(tag) FROM account_tags WHERE workspace_id = ?1 AND tag > v.x)"
    " FROM v WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL LIMIT ?2");

const char *
account_status_name(enum account_status s)
{
	return (unsigned)s < ACCOUNT_STATUS__MAX ? status_names[s] : "unknown";
}

enum account_status
account_status_parse(const char *s)
{
	for (int i = 0; i < ACCOUNT_STATUS__MAX; i++)
		if (s != NULL && strcmp(s, status_names[i]) == 0)
			return (enum account_status)i;
	return ACCOUNT_STATUS__MAX;
}

enum account_sort
account_sort_parse(const char *s)
{
	for (int i = 0; i < ACCOUNT_SORT__MAX; i++)
		if (s != NULL && strcmp(s, sort_names[i]) == 0)
			return (enum account_sort)i;
	return ACCOUNT_SORT__MAX;
}

const char *
account_field_name(enum account_field f)
{
	return (unsigned)f < AF__MAX ? field_names[f] : "unknown";
}

/* Writes reason into why (when given) and returns false. */
static bool
reject(char *why, size_t whylen, const char *reason)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", reason);
	return false;
}

bool
account_website_valid(const char *s, char *why, size_t whylen)
{
	const char *host = s, *sep = strstr(s, "://");
	size_t hostlen;
	bool dot = false;

	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7F || strchr("<>\"'`\\", *p) != NULL)
			return reject(why, whylen,
				      "must be a web address without spaces or quotes");
	if (sep != NULL) {
		size_t n = (size_t)(sep - s);

		if (!((n == 4 && strncasecmp(s, "http", 4) == 0) ||
		      (n == 5 && strncasecmp(s, "https", 5) == 0)))
			return reject(why, whylen,
				      "must start with http:// or https:// if it has a "
				      "scheme");
		host = sep + 3;
	}
	hostlen = strcspn(host, "/?#");
	if (hostlen == 0 || host[0] == '.' || host[0] == '-' || host[hostlen - 1] == '.')
		return reject(why, whylen, "must name a site, such as example.ru");
	for (size_t i = 0; i < hostlen; i++) {
		unsigned char ch = (unsigned char)host[i];

		if (ch == '.')
			dot = true;
		else if (!(isalnum(ch) || ch == '-' || ch == ':' || ch >= 0x80))
			return reject(why, whylen, "must name a site, such as example.ru");
	}
	if (!dot)
		return reject(why, whylen, "must name a site with a domain, such as example.ru");
	return true;
}

/* True when s is a whole non-negative decimal number of at most 18 digits; *v its value. */
static bool
parse_count(const char *s, size_t n, unsigned long long *v)
{
	char tmp[24];
	char *end;

	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	*v = strtoull(tmp, &end, 10);
	return errno == 0 && *end == '\0';
}

/* A head count "250", a band "100-499" (hyphen or en dash, spaces allowed) or "1000+". */
static bool
employees_valid(const char *s)
{
	static const char en_dash[] = "\xE2\x80\x93";
	size_t n = strlen(s), a = strspn(s, "0123456789"), i;
	unsigned long long lo, hi;

	if (!parse_count(s, a, &lo))
		return false;
	if (a == n)
		return true;
	if (s[a] == '+' && a + 1 == n)
		return true;
	i = a;
	while (s[i] == ' ')
		i++;
	if (s[i] == '-')
		i++;
	else if (strncmp(s + i, en_dash, 3) == 0)
		i += 3;
	else
		return false;
	while (s[i] == ' ')
		i++;
	return parse_count(s + i, strlen(s + i), &hi) && lo <= hi;
}

/* Checks text field name (pointer "/name"), as text_check() does. */
static enum adv_err
check_text(struct adv_errbuf *eb, const char *field, const char *s, bool required, size_t max,
	   bool multiline)
{
	char pointer[ADV_ERRFIELD_MAX + 1];

	snprintf(pointer, sizeof(pointer), "/%s", field);
	return text_check(eb, pointer, field, s, required, max, multiline);
}

/* Checks the tag list: count, and each tag non-blank, short, without separators. */
static enum adv_err
check_tags(const struct account *a, struct adv_errbuf *eb)
{
	char pointer[ADV_ERRFIELD_MAX];
	enum adv_err rc;

	if (a->ntags > ACCOUNT_TAGS_MAX)
		return adv_fail(eb, ADV_EINVAL, "/tags", "tags may hold at most %d tags",
				ACCOUNT_TAGS_MAX);
	for (size_t i = 0; i < a->ntags; i++) {
		snprintf(pointer, sizeof(pointer), "tags/%zu", i);
		if ((rc = check_text(eb, pointer, a->tags[i], true, ACCOUNT_TAG_MAX, false)) !=
		    ADV_OK)
			return rc;
		if (strpbrk(a->tags[i], ",;") != NULL)
			return adv_fail(eb, ADV_EINVAL, "/tags",
					"tags may not contain ',' or ';' (they separate tags in "
					"files): '%s'",
					a->tags[i]);
	}
	return ADV_OK;
}

/* The churn rule: churned_at is given exactly when churned; a reason only when churned. */
static enum adv_err
check_churn(const struct account *a, struct adv_errbuf *eb)
{
	if (a->status == ACCOUNT_CHURNED && a->churned_at == NULL)
		return adv_fail(eb, ADV_EINVAL, "/churned_at",
				"churned_at (the date the client left) is required when the "
				"status is churned");
	if (a->status != ACCOUNT_CHURNED && a->churned_at != NULL)
		return adv_fail(eb, ADV_EINVAL, "/churned_at",
				"churned_at may be set only when the status is churned");
	if (a->status != ACCOUNT_CHURNED && a->churn_reason != NULL)
		return adv_fail(eb, ADV_EINVAL, "/churn_reason",
				"churn_reason may be set only when the status is churned");
	return ADV_OK;
}

enum adv_err
account_check(const struct account *a, uint32_t mask, struct adv_errbuf *eb)
{
	static const struct {
		enum account_field f;
		size_t max;
		bool multiline;
	} texts[] = {
	    {AF_LEGAL_NAME, ACCOUNT_TEXT_MAX, false},
	    {AF_EXTERNAL_ID, ACCOUNT_EXTERNAL_ID_MAX, false},
	    {AF_CHURN_REASON, ACCOUNT_TEXT_MAX, true},
	    {AF_SEGMENT, ACCOUNT_TEXT_MAX, false},
	    {AF_INDUSTRY, ACCOUNT_TEXT_MAX, false},
	    {AF_REGION, ACCOUNT_TEXT_MAX, false},
	    {AF_CITY, ACCOUNT_TEXT_MAX, false},
	    {AF_WEBSITE, ACCOUNT_WEBSITE_MAX, false},
	    {AF_EMPLOYEES, ACCOUNT_EMPLOYEES_MAX, false},
	    {AF_DESCRIPTION, ACCOUNT_DESCRIPTION_MAX, true},
	};
	const char *values[AF__MAX] = {
	    [AF_LEGAL_NAME] = a->legal_name,
	    [AF_EXTERNAL_ID] = a->external_id,
	    [AF_CHURN_REASON] = a->churn_reason,
	    [AF_SEGMENT] = a->segment,
	    [AF_INDUSTRY] = a->industry,
	    [AF_REGION] = a->region,
	    [AF_CITY] = a->city,
	    [AF_WEBSITE] = a->website,
	    [AF_EMPLOYEES] = a->employees,
	    [AF_DESCRIPTION] = a->description,
	};
	char why[ACCOUNT_WHY_MAX];
	enum adv_err rc;

	if ((mask & AF_BIT(AF_NAME)) &&
	    (rc = check_text(eb, "name", a->name, true, ACCOUNT_NAME_MAX, false)) != ADV_OK)
		return rc;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if ((mask & AF_BIT(texts[i].f)) &&
		    (rc = check_text(eb, field_names[texts[i].f], values[texts[i].f], false,
				     texts[i].max, texts[i].multiline)) != ADV_OK)
			return rc;
	if ((mask & AF_BIT(AF_INN)) && a->inn != NULL && !inn_valid(a->inn, why, sizeof(why)))
		return adv_fail(eb, ADV_EINVAL, "/inn", "inn %s", why);
	if ((mask & AF_BIT(AF_STATUS)) && (unsigned)a->status >= ACCOUNT_STATUS__MAX)
		return adv_fail(eb, ADV_EINVAL, "/status",
				"status must be one of: prospect, active, at_risk, churned");
	if ((mask & AF_BIT(AF_CHURNED_AT)) && a->churned_at != NULL && !date_valid(a->churned_at))
		return adv_fail(eb, ADV_EINVAL, "/churned_at",
				"churned_at must be a real date written YYYY-MM-DD");
	if ((mask & (AF_BIT(AF_STATUS) | AF_BIT(AF_CHURNED_AT) | AF_BIT(AF_CHURN_REASON))) &&
	    (rc = check_churn(a, eb)) != ADV_OK)
		return rc;
	if ((mask & AF_BIT(AF_OWNER)) && a->owner_email != NULL &&
	    !identity_email_valid(a->owner_email))
		return adv_fail(eb, ADV_EINVAL, "/owner_email",
				"owner_email must be the e-mail address of a workspace member");
	if ((mask & AF_BIT(AF_TAGS)) && (rc = check_tags(a, eb)) != ADV_OK)
		return rc;
	if ((mask & AF_BIT(AF_WEBSITE)) && a->website != NULL &&
	    !account_website_valid(a->website, why, sizeof(why)))
		return adv_fail(eb, ADV_EINVAL, "/website", "website %s", why);
	if ((mask & AF_BIT(AF_EMPLOYEES)) && a->employees != NULL && !employees_valid(a->employees))
		return adv_fail(eb, ADV_EINVAL, "/employees",
				"employees must be a number (250) or a band (100-499, 1000+)");
	if ((mask & AF_BIT(AF_REVENUE)) && a->has_revenue &&
	    (!isfinite(a->revenue) || a->revenue < 0 || a->revenue > ACCOUNT_REVENUE_MAX))
		return adv_fail(eb, ADV_EINVAL, "/revenue", "revenue must be from 0 to %g",
				ACCOUNT_REVENUE_MAX);
	if ((mask & AF_BIT(AF_REVENUE_CURRENCY)) && a->revenue_currency != NULL &&
	    (strlen(a->revenue_currency) != ACCOUNT_CURRENCY_LEN ||
	     !isalpha((unsigned char)a->revenue_currency[0]) ||
	     !isalpha((unsigned char)a->revenue_currency[1]) ||
	     !isalpha((unsigned char)a->revenue_currency[2])))
		return adv_fail(eb, ADV_EINVAL, "/revenue_currency",
				"revenue_currency must be a 3-letter ISO 4217 code such as RUB");
	return ADV_OK;
}

/*
 * Copies the fields in mask of in onto out, trimmed, with blank optional
 * text as NULL, the currency in capitals and tags without duplicates (any
 * case). A blank name stays "" so that the check names it. ADV_ENOMEM only.
 */
static enum adv_err
account_normalize(struct arena *a, const struct account *in, uint32_t mask, struct account *out)
{
	bool oom = false;

#define NORM(bit, member)                                                                          \
	if (mask & AF_BIT(bit))                                                                    \
	out->member = text_trimmed(a, in->member, &oom)
	if (mask & AF_BIT(AF_NAME)) {
		out->name = text_trimmed(a, in->name, &oom);
		if (out->name == NULL && in->name != NULL)
			out->name = "";
	}
	NORM(AF_LEGAL_NAME, legal_name);
	NORM(AF_INN, inn);
	NORM(AF_EXTERNAL_ID, external_id);
	NORM(AF_CHURNED_AT, churned_at);
	NORM(AF_CHURN_REASON, churn_reason);
	NORM(AF_SEGMENT, segment);
	NORM(AF_OWNER, owner_email);
	NORM(AF_INDUSTRY, industry);
	NORM(AF_REGION, region);
	NORM(AF_CITY, city);
	NORM(AF_WEBSITE, website);
	NORM(AF_EMPLOYEES, employees);
	NORM(AF_REVENUE_CURRENCY, revenue_currency);
	NORM(AF_DESCRIPTION, description);
#undef NORM
	if (mask & AF_BIT(AF_STATUS))
		out->status = in->status;
	if (mask & AF_BIT(AF_REVENUE)) {
		out->has_revenue = in->has_revenue;
		out->revenue = in->has_revenue ? in->revenue : 0;
	}
	if ((mask & AF_BIT(AF_REVENUE_CURRENCY)) && out->revenue_currency != NULL) {
		char *cur = (char *)out->revenue_currency;

		for (char *p = cur; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	}
	if (mask & AF_BIT(AF_TAGS)) {
		const char **tags = arena_zalloc(a, (in->ntags ? in->ntags : 1) * sizeof(*tags));
		const char **folded =
		    arena_zalloc(a, (in->ntags ? in->ntags : 1) * sizeof(*folded));
		size_t n = 0;

		if (tags == NULL || folded == NULL)
			return ADV_ENOMEM;
		for (size_t i = 0; i < in->ntags; i++) {
			const char *t = text_trimmed(a, in->tags[i], &oom);
			const char *f = t ? str_fold(a, t) : "";
			bool dup = false;

			if (f == NULL)
				return ADV_ENOMEM;
			for (size_t j = 0; j < n && t != NULL; j++)
				dup = dup || strcmp(folded[j], f) == 0;
			if (dup)
				continue;
			tags[n] = t ? t : "";
			folded[n++] = f;
		}
		out->tags = tags;
		out->ntags = n;
	}
	if (out->revenue_currency == NULL)
		out->revenue_currency = ACCOUNT_DEFAULT_CURRENCY;
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* The value of field f of x as JSON (new reference), as the API and the audit log show it. */
static json_t *
field_json(const struct account *x, enum account_field f)
{
	const char *s = NULL;

	switch (f) {
	case AF_STATUS:
		return json_string(account_status_name(x->status));
	case AF_TAGS: {
		json_t *arr = json_array();

		for (size_t i = 0; arr != NULL && i < x->ntags; i++)
			json_array_append_new(arr, json_string(x->tags[i]));
		return arr;
	}
	case AF_REVENUE:
		return x->has_revenue ? json_real(x->revenue) : json_null();
	case AF_NAME:
		s = x->name;
		break;
	case AF_LEGAL_NAME:
		s = x->legal_name;
		break;
	case AF_INN:
		s = x->inn;
		break;
	case AF_EXTERNAL_ID:
		s = x->external_id;
		break;
	case AF_CHURNED_AT:
		s = x->churned_at;
		break;
	case AF_CHURN_REASON:
		s = x->churn_reason;
		break;
	case AF_SEGMENT:
		s = x->segment;
		break;
	case AF_OWNER:
		s = x->owner_email;
		break;
	case AF_INDUSTRY:
		s = x->industry;
		break;
	case AF_REGION:
		s = x->region;
		break;
	case AF_CITY:
		s = x->city;
		break;
	case AF_WEBSITE:
		s = x->website;
		break;
	case AF_EMPLOYEES:
		s = x->employees;
		break;
	case AF_REVENUE_CURRENCY:
		s = x->revenue_currency;
		break;
	case AF_DESCRIPTION:
		s = x->description;
		break;
	case AF__MAX:
		break;
	}
	return s != NULL ? json_string(s) : json_null();
}

/*
 * The audit changes from before to after ({field:{from,to}}) into *out (new
 * reference); before NULL means a creation (fields that are set, from null).
 */
static enum adv_err
account_diff(const struct account *before, const struct account *after, json_t **out)
{
	json_t *changes = json_object(), *from = NULL, *to = NULL;
	enum adv_err rc = ADV_ENOMEM;

	*out = NULL;
	for (int f = 0; changes != NULL && f < AF__MAX; f++) {
		from = before ? field_json(before, (enum account_field)f) : json_null();
		to = field_json(after, (enum account_field)f);
		if (from == NULL || to == NULL)
			goto out;
		if (!json_equal(from, to) &&
		    !(before == NULL && json_is_array(to) && json_array_size(to) == 0) &&
		    json_object_set_new(changes, field_names[f],
					json_pack("{s:O, s:O}", "from", from, "to", to)) != 0)
			goto out;
		json_decref(from);
		json_decref(to);
		from = to = NULL;
	}
	if (changes != NULL) {
		*out = changes;
		changes = NULL;
		rc = ADV_OK;
	}
out:
	json_decref(from);
	json_decref(to);
	json_decref(changes);
	return rc;
}

/*
 * Splits a stored tag list written without escapes (["a","b"], as
 * json_dumps writes tags that hold no quote or backslash) into v[0..*n).
 * False when text has another shape.
 */
static bool
tags_split(struct arena *a, const char *text, const char **v, size_t cap, size_t *n, bool *oom)
{
	const char *p = text + 1, *q;

	*n = 0;
	if (text[0] != '[' || strchr(text, '\\') != NULL)
		return false;
	if (*p == ']')
		return p[1] == '\0';
	for (;;) {
		if (*p != '"' || (q = strchr(p + 1, '"')) == NULL || *n == cap)
			return false;
		if ((v[(*n)++] = arena_strndup(a, p + 1, (size_t)(q - p - 1))) == NULL)
			*oom = true;
		p = q + 1;
		if (*p == ']')
			return p[1] == '\0';
		if (*p++ != ',')
			return false;
	}
}

/* Parses the stored tag list (a JSON array of strings) into an arena array. */
static enum adv_err
tags_parse(struct arena *a, const char *text, const char ***tags, size_t *n)
{
	size_t cap = 0, len = 0;
	const char **v;
	bool oom = false;
	json_t *j;

	*tags = NULL;
	*n = 0;
	for (const char *p = text ? text : ""; *p; p++)
		cap += *p == '"';
	if ((cap /= 2) == 0)
		return ADV_OK;
	if ((v = arena_alloc(a, cap * sizeof(*v))) == NULL)
		return ADV_ENOMEM;
	if (!tags_split(a, text, v, cap, &len, &oom)) {
		len = 0;
		j = json_loads(text, 0, NULL);
		for (size_t i = 0; i < json_array_size(j) && len < cap; i++) {
			const char *s = json_string_value(json_array_get(j, i));

			if (s != NULL && (v[len++] = arena_strdup(a, s)) == NULL)
				oom = true;
		}
		json_decref(j);
	}
	if (oom)
		return ADV_ENOMEM;
	*tags = v;
	*n = len;
	return ADV_OK;
}

/* Reads the current row of st (ACCOUNT_COLS) into out, strings in the arena. */
static enum adv_err
read_account(struct db_stmt *st, struct arena *a, struct account *out)
{
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, COL_ID);
	out->name = db_col_dup(st, a, COL_NAME, &oom);
	out->legal_name = db_col_dup(st, a, COL_LEGAL_NAME, &oom);
	out->inn = db_col_dup(st, a, COL_INN, &oom);
	out->external_id = db_col_dup(st, a, COL_EXTERNAL_ID, &oom);
	out->status = account_status_parse(db_col_text(st, COL_STATUS));
	out->churned_at = db_col_dup(st, a, COL_CHURNED_AT, &oom);
	out->churn_reason = db_col_dup(st, a, COL_CHURN_REASON, &oom);
	out->segment = db_col_dup(st, a, COL_SEGMENT, &oom);
	out->owner_user_id = db_col_null(st, COL_OWNER_ID) ? 0 : db_col_int(st, COL_OWNER_ID);
	out->owner_email = db_col_dup(st, a, COL_OWNER_EMAIL, &oom);
	out->owner_name = db_col_dup(st, a, COL_OWNER_NAME, &oom);
	out->industry = db_col_dup(st, a, COL_INDUSTRY, &oom);
	out->region = db_col_dup(st, a, COL_REGION, &oom);
	out->city = db_col_dup(st, a, COL_CITY, &oom);
	out->website = db_col_dup(st, a, COL_WEBSITE, &oom);
	out->employees = db_col_dup(st, a, COL_EMPLOYEES, &oom);
	out->has_revenue = !db_col_null(st, COL_REVENUE);
	out->revenue = out->has_revenue ? db_col_double(st, COL_REVENUE) : 0;
	out->revenue_currency = db_col_dup(st, a, COL_REVENUE_CURRENCY, &oom);
	out->description = db_col_dup(st, a, COL_DESCRIPTION, &oom);
	out->version = db_col_int(st, COL_VERSION);
	out->created_at = db_col_dup(st, a, COL_CREATED_AT, &oom);
	out->updated_at = db_col_dup(st, a, COL_UPDATED_AT, &oom);
	out->archived_at = db_col_dup(st, a, COL_ARCHIVED_AT, &oom);
	if (oom)
		return ADV_ENOMEM;
	return tags_parse(a, db_col_text(st, COL_TAGS), &out->tags, &out->ntags);
}

enum adv_err
account_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id, struct account *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_get, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	rc = read_account(st, a, out);
	db_done(st);
	return rc;
}

enum adv_err
account_find_external(struct db_conn *c, int64_t ws_id, const char *external_id, int64_t *id)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_find_external, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, external_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	*id = db_col_int(st, 0);
	db_done(st);
	return ADV_OK;
}

/* The folded search text of x: name, legal name, INN and external id joined by spaces. */
static const char *
search_text(struct arena *a, const struct account *x)
{
	const char *parts[] = {x->name, x->legal_name, x->inn, x->external_id};
	size_t lens[4], total = 0, o = 0;
	char *joined;

	for (size_t i = 0; i < 4; i++) {
		lens[i] = parts[i] ? strlen(parts[i]) : 0;
		total += lens[i] + 1;
	}
	if ((joined = arena_alloc(a, total)) == NULL)
		return NULL;
	for (size_t i = 0; i < 4; i++) {
		memcpy(joined + o, parts[i] ? parts[i] : "", lens[i]);
		o += lens[i];
		joined[o++] = i < 3 ? ' ' : '\0';
	}
	return str_fold(a, joined);
}

/*
 * The stored tag list of x as JSON text in the arena (["a","b"], as
 * json_dumps writes it without a tree per row); NULL when out of memory.
 */
static const char *
tags_text(struct arena *a, const struct account *x)
{
	static const char hex[] = "0123456789abcdef";
	size_t cap = 3, o = 0;
	char *out;

	for (size_t i = 0; i < x->ntags; i++)
		cap += 6 * strlen(x->tags[i]) + 3;
	if ((out = arena_alloc(a, cap)) == NULL)
		return NULL;
	out[o++] = '[';
	for (size_t i = 0; i < x->ntags; i++) {
		if (i > 0)
			out[o++] = ',';
		out[o++] = '"';
		for (const unsigned char *p = (const unsigned char *)x->tags[i]; *p; p++) {
			if (*p == '"' || *p == '\\') {
				out[o++] = '\\';
				out[o++] = (char)*p;
			} else if (*p < 0x20) {
				memcpy(out + o, "\\u00", 4);
				out[o + 4] = hex[*p >> 4];
				out[o + 5] = hex[*p & 0xF];
				o += 6;
			} else {
				out[o++] = (char)*p;
			}
		}
		out[o++] = '"';
	}
	out[o++] = ']';
	out[o] = '\0';
	return out;
}

/* Binds the stored fields of x as ?2..?20 of sql_insert / sql_update. */
static enum adv_err
bind_fields(struct db_stmt *st, struct arena *a, const struct account *x)
{
	const char *tags = tags_text(a, x);
	const char *search = search_text(a, x);

	if (tags == NULL || search == NULL)
		return ADV_ENOMEM;
	db_bind_text_ref(st, 2, x->name);
	db_bind_text_ref(st, 3, x->legal_name);
	db_bind_text_ref(st, 4, x->inn);
	db_bind_text_ref(st, 5, x->external_id);
	db_bind_text_ref(st, 6, account_status_name(x->status));
	db_bind_text_ref(st, 7, x->churned_at);
	db_bind_text_ref(st, 8, x->churn_reason);
	db_bind_text_ref(st, 9, x->segment);
	if (x->owner_user_id > 0)
		db_bind_int(st, 10, x->owner_user_id);
	else
		db_bind_null(st, 10);
	db_bind_text_ref(st, 11, tags);
	db_bind_text_ref(st, 12, x->industry);
	db_bind_text_ref(st, 13, x->region);
	db_bind_text_ref(st, 14, x->city);
	db_bind_text_ref(st, 15, x->website);
	db_bind_text_ref(st, 16, x->employees);
	if (x->has_revenue)
		db_bind_double(st, 17, x->revenue);
	else
		db_bind_null(st, 17);
	db_bind_text_ref(st, 18, x->revenue_currency);
	db_bind_text_ref(st, 19, x->description);
	return db_bind_text_ref(st, 20, search);
}

/* Replaces the tag rows of account id with x's tags; fresh: the account is new and has none. */
static enum adv_err
tags_store(struct db_conn *c, int64_t ws_id, int64_t id, const struct account *x, bool fresh)
{
	struct db_stmt *st;
	enum adv_err rc;

	if (!fresh) {
		if ((rc = db_prepare(c, &sql_tags_clear, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, id);
		if ((rc = db_exec(st)) != ADV_OK)
			return rc;
	}
	for (size_t i = 0; i < x->ntags; i++) {
		if ((rc = db_prepare(c, &sql_tag_add, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, id);
		db_bind_text_ref(st, 3, x->tags[i]);
		if ((rc = db_exec(st)) != ADV_OK)
			return rc;
	}
	return ADV_OK;
}

/*
 * Looks x->owner_email up as a member (through owners when given, which
 * remembers the answer): *m gets the member, or user_id 0 when not one.
 */
static enum adv_err
owner_lookup(struct db_conn *c, struct arena *a, int64_t ws_id, struct account_owners *owners,
	     const char *email, struct member *m)
{
	struct account_owner *o;
	enum adv_err rc;

	for (size_t i = 0; owners != NULL && i < owners->n; i++) {
		o = &owners->v[i];
		if (strcmp(o->key, email) == 0) {
			m->user_id = o->user_id;
			m->email = o->email;
			m->name = o->name;
			return ADV_OK;
		}
	}
	memset(m, 0, sizeof(*m));
	rc = identity_member_by_email(c, owners != NULL ? owners->a : a, ws_id, email, m);
	if (rc == ADV_ENOTFOUND)
		m->user_id = 0;
	else if (rc != ADV_OK)
		return rc;
	if (owners == NULL || owners->n == ACCOUNT_OWNERS_MAX)
		return ADV_OK;
	o = &owners->v[owners->n];
	if ((o->key = arena_strdup(owners->a, email)) == NULL)
		return ADV_ENOMEM;
	o->user_id = m->user_id;
	o->email = m->email;
	o->name = m->name;
	owners->n++;
	return ADV_OK;
}

/* Resolves x->owner_email to a member, filling owner_user_id, owner_email and owner_name. */
static enum adv_err
owner_resolve(struct db_conn *c, struct arena *a, int64_t ws_id, struct account_owners *owners,
	      struct account *x, struct adv_errbuf *eb)
{
	struct member m;
	enum adv_err rc;

	x->owner_user_id = 0;
	x->owner_name = NULL;
	if (x->owner_email == NULL)
		return ADV_OK;
	if ((rc = owner_lookup(c, a, ws_id, owners, x->owner_email, &m)) != ADV_OK)
		return rc;
	if (m.user_id == 0)
		return adv_fail(eb, ADV_EINVAL, "/owner_email",
				"owner_email: no member of this workspace has the e-mail %s",
				x->owner_email);
	x->owner_user_id = m.user_id;
	x->owner_email = m.email;
	x->owner_name = m.name;
	return ADV_OK;
}

/* ADV_ECONFLICT "/external_id" when another account of the workspace (than self) uses x's. */
static enum adv_err
external_id_free(struct db_conn *c, int64_t ws_id, int64_t self, const struct account *x,
		 struct adv_errbuf *eb)
{
	int64_t other;
	enum adv_err rc;

	if (x->external_id == NULL)
		return ADV_OK;
	rc = account_find_external(c, ws_id, x->external_id, &other);
	if (rc == ADV_ENOTFOUND || (rc == ADV_OK && other == self))
		return ADV_OK;
	if (rc != ADV_OK)
		return rc;
	return adv_fail(eb, ADV_ECONFLICT, "/external_id",
			"external_id %s is already used by account %lld of this workspace",
			x->external_id, (long long)other);
}

/* The audit entry of a new account x: every field that is set, or {} when w asks for brevity. */
static enum adv_err
create_audit(struct db_conn *c, int64_t ws_id, int64_t actor, const struct account *x,
	     const struct account_write *w)
{
	const char *action = w != NULL && w->action != NULL ? w->action : "create";
	json_t *changes = NULL;
	enum adv_err rc;

	if (w != NULL && w->brief_create_audit)
		return audit_write_text(c, ws_id, actor, "account", x->id, x->id, action, "{}");
	if ((rc = account_diff(NULL, x, &changes)) == ADV_OK)
		rc = audit_write(c, ws_id, actor, "account", x->id, x->id, action, changes);
	json_decref(changes);
	return rc;
}

enum adv_err
account_create_with(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		    const struct account *in, uint32_t mask, const struct account_write *w,
		    struct account *out, struct adv_errbuf *eb)
{
	struct account x = {0};
	char now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	struct tx t;
	bool row, began = false, wrote = false;
	enum adv_err rc;

	if ((rc = account_normalize(a, in, mask | AF_BIT(AF_NAME), &x)) != ADV_OK)
		goto out;
	if ((rc = account_check(&x, ~0u, eb)) != ADV_OK)
		goto out;
	if (!(w != NULL && w->in_batch && db_in_tx(c))) {
		if ((rc = tx_begin(c, &t)) != ADV_OK)
			goto out;
		began = true;
	}
	if ((rc = owner_resolve(c, a, ws_id, w != NULL ? w->owners : NULL, &x, eb)) != ADV_OK)
		goto out;
	if ((w == NULL || !w->external_id_free) &&
	    (rc = external_id_free(c, ws_id, 0, &x, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	if ((rc = bind_fields(st, a, &x)) != ADV_OK)
		goto out;
	db_bind_text(st, 21, now);
	if ((rc = db_step(st, &row)) != ADV_OK) {
		if (rc == ADV_ECONFLICT && x.external_id != NULL)
			adv_fail(eb, rc, "/external_id",
				 "external_id %s is already used by another account of this "
				 "workspace",
				 x.external_id);
		goto out;
	}
	x.id = db_col_int(st, 0);
	db_done(st);
	wrote = true;
	x.version = 1;
	x.created_at = x.updated_at = arena_strdup(a, now);
	if (x.created_at == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tags_store(c, ws_id, x.id, &x, true)) != ADV_OK ||
	    (rc = create_audit(c, ws_id, actor, &x, w)) != ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	else if (wrote && (rc == ADV_EINVAL || rc == ADV_ECONFLICT))
		rc = adv_fail(eb, ADV_EDB, NULL, "account %lld was written only in part (%s)",
			      (long long)x.id, adv_strerror(rc));
	return rc;
}

enum adv_err
account_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
	       const struct account *in, uint32_t mask, struct account *out, struct adv_errbuf *eb)
{
	return account_create_with(c, a, ws_id, actor, in, mask, NULL, out, eb);
}

/* The 412 answer when an account moved on past the version the caller saw. */
static enum adv_err
version_moved(struct adv_errbuf *eb, int64_t expect, int64_t now)
{
	return adv_fail(eb, ADV_EPRECOND, NULL,
			"the account was changed by someone else (version %lld, not %lld); "
			"reload it and apply your change again",
			(long long)now, (long long)expect);
}

/*
 * Loads account id into cur inside the caller's write scope and checks that
 * its version is expect_version (0 = any): ADV_ENOTFOUND or ADV_EPRECOND.
 */
static enum adv_err
load_for_write(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
	       int64_t expect_version, struct account *cur, struct adv_errbuf *eb)
{
	enum adv_err rc = account_get(c, a, ws_id, id, cur);

	if (rc == ADV_ENOTFOUND)
		return adv_fail(eb, rc, NULL, "no such account: %lld", (long long)id);
	if (rc == ADV_OK && expect_version != 0 && expect_version != cur->version)
		return version_moved(eb, expect_version, cur->version);
	return rc;
}

enum adv_err
account_update_with(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
		    int64_t expect_version, const struct account *patch, uint32_t mask,
		    const struct account_write *w, struct account *out, bool *changed,
		    struct adv_errbuf *eb)
{
	const char *action = w != NULL && w->action != NULL ? w->action : "update";
	struct account cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false, wrote = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, id, expect_version, &cur, eb)) != ADV_OK)
		goto out;
	x = cur;
	if ((rc = account_normalize(a, patch, mask, &x)) != ADV_OK)
		goto out;
	/* Leaving the churned status drops the churn details unless the patch sets them. */
	if ((mask & AF_BIT(AF_STATUS)) && x.status != ACCOUNT_CHURNED) {
		if (!(mask & AF_BIT(AF_CHURNED_AT)))
			x.churned_at = NULL;
		if (!(mask & AF_BIT(AF_CHURN_REASON)))
			x.churn_reason = NULL;
	}
	if ((rc = account_check(&x, mask | AF_BIT(AF_STATUS), eb)) != ADV_OK)
		goto out;
	if ((mask & AF_BIT(AF_OWNER)) &&
	    (rc = owner_resolve(c, a, ws_id, w != NULL ? w->owners : NULL, &x, eb)) != ADV_OK)
		goto out;
	if ((rc = external_id_free(c, ws_id, id, &x, eb)) != ADV_OK ||
	    (rc = account_diff(&cur, &x, &changes)) != ADV_OK)
		goto out;
	if (json_object_size(changes) == 0) {
		*out = cur;
		goto out;
	}
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	if ((rc = bind_fields(st, a, &x)) != ADV_OK)
		goto out;
	db_bind_text(st, 21, now);
	db_bind_int(st, 22, id);
	db_bind_int(st, 23, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if (db_changes(st) != 1) {
		rc = version_moved(eb, cur.version, cur.version + 1);
		goto out;
	}
	if (json_object_get(changes, field_names[AF_TAGS]) != NULL &&
	    (rc = tags_store(c, ws_id, id, &x, false)) != ADV_OK)
		goto out;
	if ((rc = audit_write(c, ws_id, actor, "account", id, id, action, changes)) != ADV_OK)
		goto out;
	x.version = cur.version + 1;
	if ((x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = x;
	wrote = true;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	if (changed != NULL)
		*changed = rc == ADV_OK && wrote;
	json_decref(changes);
	return rc;
}

enum adv_err
account_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
	       int64_t expect_version, const struct account *patch, uint32_t mask,
	       struct account *out, struct adv_errbuf *eb)
{
	return account_update_with(c, a, ws_id, actor, id, expect_version, patch, mask, NULL, out,
				   NULL, eb);
}

enum adv_err
account_archive(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
		int64_t expect_version, bool archive, struct account *out, struct adv_errbuf *eb)
{
	struct account cur;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, id, expect_version, &cur, eb)) != ADV_OK)
		goto out;
	*out = cur;
	if (archive == (cur.archived_at != NULL))
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_archive, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, archive ? now : NULL);
	db_bind_text(st, 4, now);
	db_bind_int(st, 5, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	changes = json_pack("{s:{s:s?, s:s?}}", "archived_at", "from", cur.archived_at, "to",
			    archive ? now : NULL);
	if (changes == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "account", id, id, archive ? "archive" : "restore",
			      changes)) != ADV_OK)
		goto out;
	out->version = cur.version + 1;
	out->updated_at = arena_strdup(a, now);
	out->archived_at = archive ? out->updated_at : NULL;
	if (out->updated_at == NULL)
		rc = ADV_ENOMEM;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

/* A list's filters in the form its statements bind them. */
struct list_binds {
	int64_t ws_id;
	const struct account_filter *f;
	const char *owner; /* folded e-mail */
	const char *like;  /* search pattern */
};

/*
 * Runs one list statement: binds the filters, the row limit (want) and, when
 * after is set, the cursor (key and id as ?11, ?12, or the id alone as ?11
 * when key is NULL), and appends the rows to v[*len..].
 */
static enum adv_err
list_run(struct db_conn *c, struct arena *a, struct db_sql *sql, const struct list_binds *b,
	 size_t want, bool after, json_t *key, int64_t after_id, struct account *v, size_t *len)
{
	const struct account_filter *f = b->f;
	struct db_stmt *st;
	size_t got = 0;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, b->ws_id);
	db_bind_int(st, 2, f->archived ? 1 : 0);
	db_bind_text_ref(st, 3, f->status);
	db_bind_text_ref(st, 4, f->segment);
	db_bind_text_ref(st, 5, b->owner);
	db_bind_text_ref(st, 6, f->industry);
	db_bind_text_ref(st, 7, f->region);
	db_bind_text_ref(st, 8, f->tag);
	db_bind_text_ref(st, 9, b->like);
	db_bind_int(st, 10, (int64_t)want);
	if (after && key == NULL) {
		db_bind_int(st, 11, after_id);
	} else if (after) {
		if (json_is_string(key))
			db_bind_text_ref(st, 11, json_string_value(key));
		else
			db_bind_double(st, 11, json_number_value(key));
		db_bind_int(st, 12, after_id);
	}
	while (got < want && (rc = db_step(st, &row)) == ADV_OK && row) {
		if ((rc = read_account(st, a, &v[*len + got])) != ADV_OK) {
			db_done(st);
			return rc;
		}
		got++;
	}
	if (rc == ADV_OK && got == want)
		db_done(st);
	*len += got;
	return rc;
}

/* The cursor that continues after row x in sort order s. */
static const char *
list_cursor(struct arena *a, enum account_sort s, const struct account *x)
{
	json_t *key = NULL, *arr;
	const char *out;

	switch (s) {
	case ACCOUNT_SORT_NAME:
	case ACCOUNT_SORT_NAME_DESC:
		key = json_string(x->name);
		break;
	case ACCOUNT_SORT_UPDATED:
	case ACCOUNT_SORT_UPDATED_DESC:
		key = json_string(x->updated_at);
		break;
	case ACCOUNT_SORT_CREATED:
	case ACCOUNT_SORT_CREATED_DESC:
		key = json_string(x->created_at);
		break;
	case ACCOUNT_SORT_REVENUE:
	case ACCOUNT_SORT_REVENUE_DESC:
	case ACCOUNT_SORT__MAX:
		key = x->has_revenue ? json_real(x->revenue) : json_null();
		break;
	}
	arr = json_pack("[s, o, I]", sort_names[s], key, (json_int_t)x->id);
	out = arr ? listing_cursor_encode(a, arr) : NULL;
	json_decref(arr);
	return out;
}

enum adv_err
account_list(struct db_conn *c, struct arena *a, int64_t ws_id, const struct account_filter *f,
	     struct account **items, size_t *n, const char **next_cursor, struct adv_errbuf *eb)
{
	enum account_sort s = f->sort;
	bool revenue = s == ACCOUNT_SORT_REVENUE || s == ACCOUNT_SORT_REVENUE_DESC;
	bool desc = s == ACCOUNT_SORT_REVENUE_DESC;
	bool created = s == ACCOUNT_SORT_CREATED || s == ACCOUNT_SORT_CREATED_DESC;
	struct list_binds b = {ws_id, f, NULL, NULL};
	json_t *cur = NULL, *key = NULL;
	int64_t after_id = 0;
	size_t want, len = 0;
	struct account *v;
	enum adv_err rc = ADV_OK;

	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if ((unsigned)s >= ACCOUNT_SORT__MAX)
		return adv_fail(eb, ADV_EINVAL, "sort", "unknown sort order");
	if (f->limit < 1 || f->limit > ACCOUNT_LIST_LIMIT_MAX)
		return adv_fail(eb, ADV_EINVAL, "limit", "limit must be from 1 to %d",
				ACCOUNT_LIST_LIMIT_MAX);
	want = (size_t)f->limit + 1;
	if ((v = arena_alloc(a, want * sizeof(*v))) == NULL)
		return ADV_ENOMEM;
	if ((f->owner_email != NULL && (b.owner = str_fold(a, f->owner_email)) == NULL) ||
	    (f->q != NULL && *f->q != '\0' && (b.like = listing_like_pattern(a, f->q)) == NULL))
		return ADV_ENOMEM;
	if (f->cursor != NULL) {
		if ((rc = listing_cursor_decode(f->cursor, sort_names[s], 3, &cur, eb)) != ADV_OK)
			return rc;
		key = json_array_get(cur, 1);
		after_id = json_integer_value(json_array_get(cur, 2));
		if (!json_is_integer(json_array_get(cur, 2)) || after_id <= 0 ||
		    (revenue ? !(json_is_number(key) || json_is_null(key))
			     : !json_is_string(key))) {
			rc = adv_fail(eb, ADV_EINVAL, "cursor",
				      "cursor is not a cursor of this list and order; start again "
				      "without it");
			goto out;
		}
	}
	if (!revenue) {
		rc = list_run(c, a, &sql_list[s][cur != NULL], &b, want, cur != NULL,
			      created ? NULL : key, after_id, v, &len);
	} else {
		/* Two runs: accounts with a revenue, and those without (first when ascending). */
		bool in_norev = cur != NULL && json_is_null(key);
		int first = cur == NULL ? 0 : (in_norev != desc ? 0 : 1);

		for (int run = first; run < 2 && rc == ADV_OK && len < want; run++) {
			bool norev = (run == 0) != desc;
			bool after = cur != NULL && run == first;

			if (norev)
				rc = list_run(c, a, &sql_list_norev[desc][after], &b, want - len,
					      after, NULL, after_id, v, &len);
			else
				rc = list_run(c, a, &sql_list[s][after], &b, want - len, after, key,
					      after_id, v, &len);
		}
	}
	if (rc != ADV_OK)
		goto out;
	if (len == want) {
		len--;
		if ((*next_cursor = list_cursor(a, s, &v[len - 1])) == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
	*items = v;
	*n = len;
out:
	json_decref(cur);
	return rc;
}

enum adv_err
account_each(struct db_conn *c, struct arena *a, int64_t ws_id, const struct account_filter *f,
	     enum adv_err (*fn)(void *ctx, const struct account *acc), void *ctx)
{
	struct account_filter g = *f;
	struct arena page;
	enum adv_err rc;

	g.archived = false;
	g.limit = ACCOUNT_EACH_PAGE;
	g.cursor = NULL;
	arena_init(&page, 0);
	for (;;) {
		struct account *items;
		const char *next;
		size_t n;

		if ((rc = account_list(c, &page, ws_id, &g, &items, &n, &next, NULL)) != ADV_OK)
			goto out;
		for (size_t i = 0; i < n; i++)
			if ((rc = fn(ctx, &items[i])) != ADV_OK)
				goto out;
		if (next == NULL)
			goto out;
		if ((g.cursor = arena_strdup(a, next)) == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
		arena_free(&page);
	}
out:
	arena_free(&page);
	return rc;
}

enum adv_err
account_facet(struct db_conn *c, struct arena *a, int64_t ws_id, const char *kind,
	      const char ***values, size_t *n)
{
	struct db_sql *sql = strcmp(kind, "segment") == 0    ? &sql_facet_segment
			     : strcmp(kind, "industry") == 0 ? &sql_facet_industry
			     : strcmp(kind, "region") == 0   ? &sql_facet_region
			     : strcmp(kind, "tag") == 0	     ? &sql_facet_tag
							     : NULL;
	const char **v;
	struct db_stmt *st;
	size_t len = 0;
	enum adv_err rc = ADV_OK;
	bool row;

	*values = NULL;
	*n = 0;
	if (sql == NULL)
		return ADV_EINVAL;
	if ((v = arena_alloc(a, ACCOUNT_FACET_MAX * sizeof(*v))) == NULL)
		return ADV_ENOMEM;
	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, ACCOUNT_FACET_MAX);
	while (len < ACCOUNT_FACET_MAX && (rc = db_step(st, &row)) == ADV_OK && row) {
		if ((v[len++] = arena_strdup(a, db_col_text(st, 0))) == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
	}
	if (rc != ADV_OK)
		return rc;
	if (len == ACCOUNT_FACET_MAX)
		db_done(st);
	*values = v;
	*n = len;
	return ADV_OK;
}
