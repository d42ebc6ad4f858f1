/*
 * identity.c — `advocate workspace add`, `advocate user add` and
 * `advocate token create`.
 */
#include "cmd/cmd.h"

#include <string.h>

#include "core/identity.h"

#define PASSWORD_LINE_MAX 1100

/* Reads one line (without its newline) from stdin into out; false when there is none. */
static bool
read_password(char *out, size_t n)
{
	size_t len;

	if (fgets(out, (int)n, stdin) == NULL)
		return false;
	len = strlen(out);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return true;
}

int
cmd_workspace(int argc, char **argv)
{
	struct cmd_opt opts[] = {{"db", true, NULL}, {"slug", true, NULL}, {"name", true, NULL}};
	size_t nopts = 3, npos;
	const char *pos[1];
	struct adv_errbuf eb = {{0}, {0}};
	struct db *db = NULL;
	struct db_conn *c = NULL;
	int64_t id;
	int status = 1;

	if (cmd_wants_help(argc, argv))
		return 0;
	if (!cmd_parse(argc, argv, opts, nopts, pos, 1, &npos))
		return 2;
	if (npos != 1 || strcmp(pos[0], "add") != 0 || !opts[1].value || !opts[2].value) {
		fprintf(stderr, "usage: advocate workspace add --slug SLUG --name NAME\n");
		return 2;
	}
	if ((db = cmd_open_db(opts[0].value, 1)) == NULL)
		goto out;
	db_acquire(db, &c);
	if (identity_workspace_add(c, opts[1].value, opts[2].value, &id, &eb) != ADV_OK) {
		fprintf(stderr, "advocate workspace: %s\n", eb.msg[0] ? eb.msg : "failed");
		goto out;
	}
	printf("workspace %s created (id %lld)\n", opts[1].value, (long long)id);
	status = 0;
out:
	if (c != NULL)
		db_release(db, c);
	db_close(db);
	return status;
}

int
cmd_user(int argc, char **argv)
{
	struct cmd_opt opts[] = {{"db", true, NULL},	    {"email", true, NULL},
				 {"name", true, NULL},	    {"role", true, NULL},
				 {"workspace", true, NULL}, {"password-stdin", false, NULL}};
	size_t nopts = sizeof(opts) / sizeof(opts[0]), npos;
	const char *pos[1], *email, *name, *role_s, *slug;
	char password[PASSWORD_LINE_MAX] = "";
	struct adv_errbuf eb = {{0}, {0}};
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct arena a;
	struct workspace w;
	struct user admin = {0, "", "", true};
	enum ws_role role = ROLE_NONE;
	bool is_admin;
	int64_t id;
	int status = 1;

	arena_init(&a, 0);
	if (cmd_wants_help(argc, argv))
		return 0;
	if (!cmd_parse(argc, argv, opts, nopts, pos, 1, &npos))
		return 2;
	email = opts[1].value;
	name = opts[2].value;
	role_s = opts[3].value;
	slug = opts[4].value;
	if (npos != 1 || strcmp(pos[0], "add") != 0 || !email || !name || !role_s) {
		fprintf(stderr, "usage: advocate user add --email EMAIL --name NAME --role "
				"admin|owner|analyst|manager|viewer [--workspace SLUG] "
				"--password-stdin\n");
		return 2;
	}
	is_admin = strcmp(role_s, "admin") == 0;
	if (!is_admin && ((role = role_parse(role_s)) == ROLE_NONE || slug == NULL)) {
		fprintf(stderr, "advocate user: --role must be admin, owner, analyst, manager or "
				"viewer, and a workspace role needs --workspace SLUG\n");
		return 2;
	}
	if (opts[5].value != NULL && !read_password(password, sizeof(password))) {
		fprintf(stderr, "advocate user: --password-stdin given but stdin is empty\n");
		return 2;
	}
	if ((db = cmd_open_db(opts[0].value, 1)) == NULL)
		goto out;
	db_acquire(db, &c);
	if (slug != NULL && identity_workspace_for(c, &a, slug, &admin, &w) != ADV_OK) {
		fprintf(stderr, "advocate user: no workspace '%s'\n", slug);
		goto out;
	}
	if (db_begin(c) != ADV_OK)
		goto out;
	if (identity_user_add(c, email, name, password[0] ? password : NULL, is_admin, &id, &eb) !=
	    ADV_OK) {
		fprintf(stderr, "advocate user: %s\n", eb.msg[0] ? eb.msg : "failed");
		goto out;
	}
	if (slug != NULL &&
	    identity_membership_set(c, w.id, id, is_admin ? ROLE_OWNER : role) != ADV_OK)
		goto out;
	if (db_commit(c) != ADV_OK)
		goto out;
	printf("user %s created (id %lld)%s\n", email, (long long)id,
	       password[0] ? "" : "; no password set, so they cannot sign in yet");
	status = 0;
out:
	memset(password, 0, sizeof(password));
	if (c != NULL)
		db_release(db, c);
	db_close(db);
	arena_free(&a);
	return status;
}

int
cmd_token(int argc, char **argv)
{
	struct cmd_opt opts[] = {{"db", true, NULL}, {"email", true, NULL}, {"label", true, NULL}};
	size_t nopts = 3, npos;
	const char *pos[1], *token;
	struct adv_errbuf eb = {{0}, {0}};
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct arena a;
	int status = 1;

	arena_init(&a, 0);
	if (cmd_wants_help(argc, argv))
		return 0;
	if (!cmd_parse(argc, argv, opts, nopts, pos, 1, &npos))
		return 2;
	if (npos != 1 || strcmp(pos[0], "create") != 0 || opts[1].value == NULL) {
		fprintf(stderr, "usage: advocate token create --email EMAIL [--label TEXT]\n");
		return 2;
	}
	if ((db = cmd_open_db(opts[0].value, 1)) == NULL)
		goto out;
	db_acquire(db, &c);
	if (identity_token_create(c, &a, opts[1].value, opts[2].value, &token, &eb) != ADV_OK) {
		fprintf(stderr, "advocate token: %s\n", eb.msg[0] ? eb.msg : "failed");
		goto out;
	}
	printf("%s\n", token);
	status = 0;
out:
	if (c != NULL)
		db_release(db, c);
	db_close(db);
	arena_free(&a);
	return status;
}
