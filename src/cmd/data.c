/*
 * data.c — `advocate import accounts|contacts FILE`, `advocate import
 * responses --study ID FILE`, `advocate export accounts|contacts` and
 * `advocate export responses --study ID`: spreadsheets (and SPSS .sav files
 * of responses) in and out of a workspace from the command line (the work is
 * done by core/import.c, core/contact_io.c and core/response_io.h, as for
 * the HTTP API).
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/contact_io.h"
#include "core/identity.h"
#include "core/import.h"
#include "core/response_io.h"
#include "util/str.h"

#define DATA_READ_CHUNK	   (1024u * 1024u)
#define DATA_REJECTS_SHOWN 50 /* problems printed; the rest only counted */

static const struct user data_system_user = {0, "", "", true};

/* Writes the workspace's rows of one kind as a table (export_accounts with no filter, …). */
typedef enum adv_err (*data_export_fn)(struct db_conn *c, int64_t ws_id, enum table_format fmt,
				       enum export_lang lang, struct buf *out, size_t *rows,
				       struct adv_errbuf *eb);

/* export_accounts of every live account. */
static enum adv_err
data_export_accounts(struct db_conn *c, int64_t ws_id, enum table_format fmt, enum export_lang lang,
		     struct buf *out, size_t *rows, struct adv_errbuf *eb)
{
	struct account_filter f = {.sort = ACCOUNT_SORT_NAME, .limit = ACCOUNT_LIST_LIMIT_MAX};

	return export_accounts(c, ws_id, &f, fmt, lang, out, rows, eb);
}

/* Imports the rows of one study (import_responses). */
typedef enum adv_err (*data_import_study_fn)(struct db_conn *c, struct arena *a, int64_t ws_id,
					     int64_t study_id, const char *data, size_t n,
					     const struct import_opts *o, struct import_report *rep,
					     struct adv_errbuf *eb);

/* Writes the rows of one study in the format named (export_responses). */
typedef enum adv_err (*data_export_study_fn)(struct db_conn *c, int64_t ws_id, int64_t study_id,
					     enum response_format fmt, struct buf *out,
					     size_t *rows, struct adv_errbuf *eb);

/*
 * What the command line imports and exports: KIND and its functions, of the
 * workspace (import, export) or of one study named by --study (import_study,
 * export_study, which also writes .sav).
 */
static const struct data_kind {
	const char *name;
	import_fn import;
	data_export_fn export;
	data_import_study_fn import_study;
	data_export_study_fn export_study;
} data_kinds[] = {
    {"accounts", import_accounts, data_export_accounts, NULL, NULL},
    {"contacts", import_contacts, export_contacts, NULL, NULL},
    {"responses", NULL, NULL, import_responses, export_responses},
};

/*
 * The study --study names for a kind of one study (*id; 0 for the other
 * kinds, which take no --study); prints the problem and returns false.
 */
static bool
data_study(const struct data_kind *kind, const char *cmd, const char *value, int64_t *id)
{
	*id = 0;
	if (kind->import_study == NULL && value == NULL)
		return true;
	if (kind->import_study == NULL) {
		fprintf(stderr, "advocate %s: %s take no --study\n", cmd, kind->name);
		return false;
	}
	if (value == NULL || !str_to_i64(value, id) || *id <= 0) {
		fprintf(stderr, "advocate %s: %s need --study ID, the study's id\n", cmd,
			kind->name);
		return false;
	}
	return true;
}

/* The kind named name, or NULL. */
static const struct data_kind *
data_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(data_kinds) / sizeof(data_kinds[0]); i++)
		if (strcmp(data_kinds[i].name, name) == 0)
			return &data_kinds[i];
	return NULL;
}

/* Reads the whole file at path ("-" for stdin) into out; prints the error and returns false. */
static bool
data_read_file(const char *path, struct buf *out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *chunk = NULL;
	size_t n;
	bool ok = false;

	if (f == NULL) {
		fprintf(stderr, "advocate import: cannot open %s: %s\n", path, strerror(errno));
		return false;
	}
	if ((chunk = malloc(DATA_READ_CHUNK)) == NULL)
		goto out;
	while ((n = fread(chunk, 1, DATA_READ_CHUNK, f)) > 0) {
		if (buf_append(out, chunk, n) != ADV_OK) {
			fprintf(stderr, "advocate import: %s is larger than %u bytes\n", path,
				IMPORT_BYTES_MAX);
			goto out;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "advocate import: cannot read %s: %s\n", path, strerror(errno));
		goto out;
	}
	ok = true;
out:
	free(chunk);
	if (f != stdin)
		fclose(f);
	return ok;
}

/* Progress on a terminal: "\r12000 rows…". */
static void
data_progress(void *ctx, size_t rows)
{
	bool *shown = ctx;

	fprintf(stderr, "\r%zu rows…", rows);
	fflush(stderr);
	*shown = true;
}

/* A name people recognise for a delimiter. */
static const char *
data_delim_name(char d)
{
	switch (d) {
	case ';':
		return "';'";
	case ',':
		return "','";
	case '\t':
		return "tab";
	default:
		return "none";
	}
}

/* Prints the report of an import to f. */
static void
data_print_report(FILE *f, const char *path, const struct import_opts *o,
		  const struct import_report *rep)
{
	fprintf(f,
		"%s: %s, delimiter %s: %zu rows read, %zu %s (%zu created, %zu updated, %zu "
		"unchanged), %zu rejected\n",
		path, enc_kind_name(rep->encoding), data_delim_name(rep->delimiter), rep->rows_read,
		rep->created + rep->updated + rep->unchanged, rep->committed ? "imported" : "valid",
		rep->created, rep->updated, rep->unchanged, rep->rows_rejected);
	for (size_t i = 0; i < rep->nrejects && i < DATA_REJECTS_SHOWN; i++)
		fprintf(f, "  line %zu: %s%s%s\n", rep->rejects[i].line, rep->rejects[i].field,
			rep->rejects[i].field[0] ? ": " : "", rep->rejects[i].message);
	if (rep->nrejects > DATA_REJECTS_SHOWN || rep->nrejects == IMPORT_REJECTS_LISTED)
		fprintf(f, "  … more problems not shown\n");
	if (o->dry_run)
		fprintf(f, "dry run: nothing was written\n");
	else if (!rep->committed)
		fprintf(f, "nothing was written\n");
}

int
cmd_import(int argc, char **argv)
{
	struct cmd_opt opts[] = {{"db", true, NULL},
				 {"workspace", true, NULL},
				 {"dry-run", false, NULL},
				 {"skip-invalid", false, NULL},
				 {"study", true, NULL}};
	size_t nopts = sizeof(opts) / sizeof(opts[0]), npos;
	const char *pos[2];
	const struct data_kind *kind;
	struct adv_errbuf eb = {{0}, {0}};
	struct import_opts io = {0};
	struct import_report rep;
	struct workspace w;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct arena a;
	struct buf file;
	bool progress_shown = false;
	int64_t study_id;
	enum adv_err rc;
	int status = 1;

	arena_init(&a, 0);
	buf_init(&file, IMPORT_BYTES_MAX);
	if (cmd_wants_help(argc, argv)) {
		printf(
		    "usage: advocate import accounts|contacts FILE --workspace SLUG [--dry-run] "
		    "[--skip-invalid] [--db URL]\n"
		    "       advocate import responses --study ID FILE --workspace SLUG [--dry-run] "
		    "[--skip-invalid] [--db URL]\n"
		    "FILE is CSV in UTF-8 or Windows-1251 with ';' or ',' between fields and a "
		    "header row of field names (English or Russian); '-' reads stdin.\n"
		    "accounts: client companies (docs/import-export.md); contacts: their people, "
		    "each row naming its company by account_external_id or account_inn "
		    "(docs/account-map.md); responses: one row per respondent, columns named by "
		    "the study's question codes, CSV or SPSS .sav (docs/research.md).\n");
		return 0;
	}
	if (!cmd_parse(argc, argv, opts, nopts, pos, 2, &npos))
		return 2;
	if (npos != 2 || (kind = data_kind_find(pos[0])) == NULL || opts[1].value == NULL) {
		fprintf(stderr,
			"usage: advocate import accounts|contacts|responses FILE --workspace "
			"SLUG [--study ID] [--dry-run] [--skip-invalid] [--db URL]\n");
		return 2;
	}
	if (!data_study(kind, "import", opts[4].value, &study_id))
		return 2;
	io.dry_run = opts[2].value != NULL;
	io.skip_invalid = opts[3].value != NULL;
	if (isatty(STDERR_FILENO)) {
		io.progress = data_progress;
		io.progress_ctx = &progress_shown;
	}
	if (!data_read_file(pos[1], &file))
		goto out;
	if ((db = cmd_open_db(opts[0].value, 1)) == NULL)
		goto out;
	if (db_acquire(db, &c) != ADV_OK)
		goto out;
	if (identity_workspace_for(c, &a, opts[1].value, &data_system_user, &w) != ADV_OK) {
		fprintf(stderr, "advocate import: no workspace '%s'\n", opts[1].value);
		goto out;
	}
	if (kind->import != NULL)
		rc = kind->import(c, &a, w.id, file.data, file.len, &io, &rep, &eb);
	else
		rc = kind->import_study(c, &a, w.id, study_id, file.data, file.len, &io, &rep, &eb);
	if (progress_shown)
		fprintf(stderr, "\r\033[K");
	if (rc != ADV_OK && rep.rows_rejected == 0) {
		fprintf(stderr, "advocate import: %s: %s\n", pos[1],
			eb.msg[0] ? eb.msg : adv_strerror(rc));
		goto out;
	}
	data_print_report(rc == ADV_OK ? stdout : stderr, pos[1], &io, &rep);
	status = rc == ADV_OK ? 0 : 1;
out:
	if (c != NULL)
		db_release(db, c);
	db_close(db);
	buf_release(&file);
	arena_free(&a);
	return status;
}

/* Writes n bytes to path ("-" or NULL for stdout); prints the error and returns false. */
static bool
data_write_file(const char *path, const char *p, size_t n)
{
	bool to_stdout = path == NULL || strcmp(path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(path, "wb");
	bool ok;

	if (f == NULL) {
		fprintf(stderr, "advocate export: cannot create %s: %s\n", path, strerror(errno));
		return false;
	}
	ok = fwrite(p, 1, n, f) == n;
	ok = (to_stdout ? fflush(f) : fclose(f)) == 0 && ok;
	if (!ok)
		fprintf(stderr, "advocate export: cannot write %s: %s\n",
			to_stdout ? "the output" : path, strerror(errno));
	return ok;
}

int
cmd_export(int argc, char **argv)
{
	struct cmd_opt opts[] = {{"db", true, NULL},	 {"workspace", true, NULL},
				 {"format", true, NULL}, {"out", true, NULL},
				 {"lang", true, NULL},	 {"study", true, NULL}};
	size_t nopts = sizeof(opts) / sizeof(opts[0]), npos, rows = 0;
	const char *pos[1], *format, *out_path, *lang;
	const struct data_kind *kind;
	struct adv_errbuf eb = {{0}, {0}};
	enum table_format fmt = TABLE_CSV;
	enum response_format rfmt = RESPONSE_CSV;
	int64_t study_id;
	enum adv_err rc;
	struct workspace w;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct arena a;
	struct buf file;
	int status = 1;

	arena_init(&a, 0);
	buf_init(&file, 0);
	if (cmd_wants_help(argc, argv)) {
		printf(
		    "usage: advocate export accounts|contacts --workspace SLUG [--format csv|xlsx] "
		    "[--out FILE] [--lang ru|en] [--db URL]\n"
		    "       advocate export responses --study ID --workspace SLUG [--format "
		    "csv|xlsx|sav] [--out FILE] [--db URL]\n"
		    "CSV is UTF-8 with ';' between fields, as Russian Excel opens it; headers are "
		    "Russian unless --lang en. Without --out the file goes to stdout.\n");
		return 0;
	}
	if (!cmd_parse(argc, argv, opts, nopts, pos, 1, &npos))
		return 2;
	format = opts[2].value;
	out_path = opts[3].value;
	lang = opts[4].value;
	if (npos != 1 || (kind = data_kind_find(pos[0])) == NULL || opts[1].value == NULL ||
	    (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0 &&
	     (kind->export_study == NULL || !response_format_parse(format, &rfmt))) ||
	    (lang != NULL && strcmp(lang, "ru") != 0 && strcmp(lang, "en") != 0)) {
		fprintf(stderr,
			"usage: advocate export accounts|contacts|responses --workspace SLUG "
			"[--study ID] [--format csv|xlsx|sav] [--out FILE] [--lang ru|en] [--db "
			"URL]\n");
		return 2;
	}
	if (!data_study(kind, "export", opts[5].value, &study_id))
		return 2;
	if (format != NULL && strcmp(format, "xlsx") == 0)
		fmt = TABLE_XLSX;
	if (format != NULL)
		response_format_parse(format, &rfmt);
	if ((fmt == TABLE_XLSX || rfmt == RESPONSE_SAV) &&
	    (out_path == NULL || strcmp(out_path, "-") == 0) && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "advocate export: not writing a workbook to a terminal; use --out "
				"FILE\n");
		return 2;
	}
	if ((db = cmd_open_db(opts[0].value, 1)) == NULL)
		goto out;
	if (db_acquire(db, &c) != ADV_OK)
		goto out;
	if (identity_workspace_for(c, &a, opts[1].value, &data_system_user, &w) != ADV_OK) {
		fprintf(stderr, "advocate export: no workspace '%s'\n", opts[1].value);
		goto out;
	}
	if (kind->export != NULL)
		rc = kind->export(c, w.id, fmt,
				  lang != NULL && strcmp(lang, "en") == 0 ? EXPORT_LANG_EN
									  : EXPORT_LANG_RU,
				  &file, &rows, &eb);
	else
		rc = kind->export_study(c, w.id, study_id, rfmt, &file, &rows, &eb);
	if (rc != ADV_OK) {
		fprintf(stderr, "advocate export: %s\n", eb.msg[0] ? eb.msg : "failed");
		goto out;
	}
	if (!data_write_file(out_path, file.data, file.len))
		goto out;
	if (out_path != NULL && strcmp(out_path, "-") != 0)
		fprintf(stderr, "advocate export: %zu %s written to %s\n", rows, kind->name,
			out_path);
	status = 0;
out:
	if (c != NULL)
		db_release(db, c);
	db_close(db);
	buf_release(&file);
	arena_free(&a);
	return status;
}
