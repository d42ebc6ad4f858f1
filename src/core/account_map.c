/*
 * account_map.c — the account map as a whole (see account_map.h): the
 * workspace's stale_days setting, one company's map, and the least healthy
 * maps of the workspace, read in one pass over its live contacts. The risk
 * rules themselves are map_risk.c's; the contacts and links contact.c's.
 */
#include "core/account_map.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/tx.h"

static const char *const settings_names[MS__MAX] = {
    [MS_STALE_DAYS] = "stale_days",
};

static struct db_sql sql_settings_get =
    DB_SQL("SELECT contact_stale_days FROM workspaces WHERE id = ?1");
static struct db_sql sql_settings_set =
    DB_SQL("UPDATE workspaces SET contact_stale_days = ?2 WHERE id = ?1");

/*
 * Every live account of the workspace with the columns of its live contacts
 * that the risk rules read (one row with NULL contact columns for an account
 * with none), the rows of one account together.
 */
static struct db_sql sql_map_rows =
    DB_SQL("SELECT a.id, a.name, k.id, k.buying_role, k.attitude, k.influence,"
	   " k.owner_user_id, k.last_contact_on, k.left_on"
	   " FROM accounts a LEFT JOIN contacts k ON k.workspace_id = a.workspace_id"
	   " AND k.account_id = a.id AND k.archived_at IS NULL"
	   " WHERE a.workspace_id = ?1 AND a.archived_at IS NULL ORDER BY a.id");

enum {
	ROW_ACCOUNT_ID,
	ROW_ACCOUNT_NAME,
	ROW_ID,
	ROW_BUYING_ROLE,
	ROW_ATTITUDE,
	ROW_INFLUENCE,
	ROW_OWNER,
	ROW_LAST_CONTACT,
	ROW_LEFT,
	ROW__MAX
};

const char *
account_map_settings_field_name(enum account_map_settings_field f)
{
	return (unsigned)f < MS__MAX ? settings_names[f] : "unknown";
}

enum adv_err
account_map_settings_get(struct db_conn *c, int64_t ws_id, struct account_map_settings *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_settings_get, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_ENOTFOUND;
		goto out;
	}
	out->stale_days = db_col_int(st, 0);
	db_done(st);
out:
	return rc;
}

enum adv_err
account_map_settings_update(struct db_conn *c, int64_t ws_id, int64_t actor,
			    const struct account_map_settings *patch, uint32_t mask,
			    struct account_map_settings *out, struct adv_errbuf *eb)
{
	struct account_map_settings cur, x;
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((mask & MS_BIT(MS_STALE_DAYS)) &&
	    (patch->stale_days < MAP_STALE_DAYS_MIN || patch->stale_days > MAP_STALE_DAYS_MAX)) {
		rc = adv_fail(eb, ADV_EINVAL, "/stale_days", "stale_days must be from %d to %d",
			      MAP_STALE_DAYS_MIN, MAP_STALE_DAYS_MAX);
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = account_map_settings_get(c, ws_id, &cur)) != ADV_OK)
		goto out;
	x = cur;
	if (mask & MS_BIT(MS_STALE_DAYS))
		x.stale_days = patch->stale_days;
	*out = cur;
	if (x.stale_days == cur.stale_days)
		goto out;
	if ((rc = db_prepare(c, &sql_settings_set, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x.stale_days);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	changes = json_pack("{s:{s:I, s:I}}", settings_names[MS_STALE_DAYS], "from",
			    (json_int_t)cur.stale_days, "to", (json_int_t)x.stale_days);
	if (changes == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "account_map_settings", ws_id, 0, "update",
			      changes)) != ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

enum adv_err
account_map_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		const char *today, struct account_map *out)
{
	struct account_map_settings s;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	if (!date_valid(today)) {
		rc = ADV_EINVAL;
		goto out;
	}
	out->account_id = account_id;
	memcpy(out->as_of, today, DATE_TEXT_SIZE);
	if ((rc = account_map_settings_get(c, ws_id, &s)) != ADV_OK ||
	    (rc = contact_list(c, a, ws_id, account_id, false, &out->contacts, &out->ncontacts)) !=
		ADV_OK ||
	    (rc = contact_link_list(c, a, ws_id, account_id, &out->links, &out->nlinks)) != ADV_OK)
		goto out;
	out->stale_days = s.stale_days;
	rc = map_risk_compute(a, out->contacts, out->ncontacts, today, s.stale_days, &out->risks);
out:
	return rc;
}

/* Reads the risk columns of the contact in the current row of st into k (strings in a). */
static enum adv_err
read_contact(struct db_stmt *st, struct arena *a, struct contact *k)
{
	enum contact_role role = BUY_NONE;
	enum contact_attitude att;
	enum contact_influence inf;
	enum adv_err rc = ADV_OK;

	memset(k, 0, sizeof(*k));
	k->id = db_col_int(st, ROW_ID);
	k->account_id = db_col_int(st, ROW_ACCOUNT_ID);
	if (!db_col_null(st, ROW_BUYING_ROLE) &&
	    (role = contact_role_parse(db_col_text(st, ROW_BUYING_ROLE))) == BUY__MAX)
		role = BUY_NONE;
	k->buying_role = role;
	/* The schema's checks keep the values known; the defaults stand in otherwise. */
	att = contact_attitude_parse(db_col_text(st, ROW_ATTITUDE));
	k->attitude = att == ATT__MAX ? ATT_NEUTRAL : att;
	inf = contact_influence_parse(db_col_text(st, ROW_INFLUENCE));
	k->influence = inf == INF__MAX ? INF_MEDIUM : inf;
	k->owner_user_id = db_col_null(st, ROW_OWNER) ? 0 : db_col_int(st, ROW_OWNER);
	if (!db_col_null(st, ROW_LAST_CONTACT) &&
	    (k->last_contact_on = arena_strdup(a, db_col_text(st, ROW_LAST_CONTACT))) == NULL)
		rc = ADV_ENOMEM;
	if (!db_col_null(st, ROW_LEFT) &&
	    (k->left_on = arena_strdup(a, db_col_text(st, ROW_LEFT))) == NULL)
		rc = ADV_ENOMEM;
	return rc;
}

/*
 * The order of the list: least healthy first, then by name (bytes), then
 * by id.
 */
static int
item_cmp(const struct account_map_item *x, const struct account_map_item *y)
{
	int c;

	if (x->health != y->health)
		return x->health < y->health ? -1 : 1;
	if ((c = strcmp(x->account_name, y->account_name)) != 0)
		return c;
	return x->account_id < y->account_id ? -1 : x->account_id > y->account_id;
}

/*
 * The best `limit` items seen so far, in list order; their names are
 * malloc'ed copies owned here (an item pushed out frees its own), so that
 * the memory stays bounded by limit whatever the size of the workspace.
 */
struct top {
	struct account_map_item *items; /* malloc'ed array of limit */
	size_t n;
	size_t limit;
};

/* Offers item x (its name borrowed) to the top; ADV_ENOMEM when copying fails. */
static enum adv_err
top_offer(struct top *t, const struct account_map_item *x)
{
	size_t lo = 0, hi = t->n;
	char *name;

	if (t->n == t->limit && item_cmp(x, &t->items[t->n - 1]) >= 0)
		return ADV_OK;
	/* The first item that x goes before. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (item_cmp(&t->items[mid], x) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if ((name = strdup(x->account_name)) == NULL)
		return ADV_ENOMEM;
	if (t->n == t->limit)
		free((char *)t->items[--t->n].account_name);
	memmove(&t->items[lo + 1], &t->items[lo], (t->n - lo) * sizeof(*t->items));
	t->items[lo] = *x;
	t->items[lo].account_name = name;
	t->n++;
	return ADV_OK;
}

/* Frees the names the top holds and its array. */
static void
top_release(struct top *t)
{
	for (size_t i = 0; i < t->n; i++)
		free((char *)t->items[i].account_name);
	free(t->items);
	t->items = NULL;
	t->n = 0;
}

/* One company being read: its name and contacts, all in the scratch arena. */
struct company {
	int64_t id;
	const char *name;
	struct contact *contacts;
	size_t n;
	size_t cap;
};

/* Computes the map of company w as of today and offers it to the top. */
static enum adv_err
company_done(struct arena *scratch, const struct company *w, const char *today, int64_t stale_days,
	     struct top *t)
{
	struct account_map_item x;
	struct map_risks r;
	enum adv_err rc;

	if ((rc = map_risk_compute(scratch, w->contacts, w->n, today, stale_days, &r)) != ADV_OK)
		return rc;
	memset(&x, 0, sizeof(x));
	x.account_id = w->id;
	x.account_name = w->name;
	x.health = r.health;
	x.contacts = w->n;
	x.risks = r.n;
	x.high = r.severities[SEV_HIGH];
	memcpy(x.kinds, r.kinds, sizeof(x.kinds));
	return top_offer(t, &x);
}

enum adv_err
account_map_list(struct db_conn *c, struct arena *a, int64_t ws_id, const char *today,
		 unsigned limit, struct account_map_list *out)
{
	struct account_map_settings s;
	struct company w = {0};
	struct top t = {0};
	struct arena scratch;
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	memset(out, 0, sizeof(*out));
	arena_init(&scratch, 0);
	if (limit < 1 || limit > MAP_LIST_LIMIT_MAX || !date_valid(today)) {
		rc = ADV_EINVAL;
		goto out;
	}
	memcpy(out->as_of, today, DATE_TEXT_SIZE);
	if ((rc = account_map_settings_get(c, ws_id, &s)) != ADV_OK)
		goto out;
	out->stale_days = s.stale_days;
	t.limit = limit;
	if ((t.items = malloc(limit * sizeof(*t.items))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = db_prepare(c, &sql_map_rows, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	for (;;) {
		struct contact *k;

		if ((rc = db_step(st, &row)) != ADV_OK)
			goto out;
		if (!row || db_col_int(st, ROW_ACCOUNT_ID) != w.id) {
			if (w.n > 0 &&
			    (rc = company_done(&scratch, &w, today, s.stale_days, &t)) != ADV_OK) {
				db_done(st);
				goto out;
			}
			if (!row)
				break;
			arena_reset(&scratch);
			memset(&w, 0, sizeof(w));
			w.id = db_col_int(st, ROW_ACCOUNT_ID);
			if ((w.name = arena_strdup(&scratch, db_col_text(st, ROW_ACCOUNT_NAME))) ==
			    NULL) {
				rc = ADV_ENOMEM;
				db_done(st);
				goto out;
			}
		}
		if (db_col_null(st, ROW_ID)) {
			out->unmapped++;
			continue;
		}
		k = arena_array_room(&scratch, w.contacts, &w.cap, w.n, sizeof(*w.contacts));
		if (k == NULL) {
			rc = ADV_ENOMEM;
			db_done(st);
			goto out;
		}
		w.contacts = k;
		if ((rc = read_contact(st, &scratch, &w.contacts[w.n])) != ADV_OK) {
			db_done(st);
			goto out;
		}
		w.n++;
	}
	if (t.n > 0 && (out->items = arena_alloc(a, t.n * sizeof(*out->items))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < t.n; i++) {
		out->items[i] = t.items[i];
		if ((out->items[i].account_name = arena_strdup(a, t.items[i].account_name)) ==
		    NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
	out->n = t.n;
out:
	top_release(&t);
	arena_free(&scratch);
	return rc;
}
