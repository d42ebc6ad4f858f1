/*
 * sqlite.c — the embedded SQLite backend: one sqlite3 handle per pooled
 * connection, WAL journal, foreign keys on, a busy timeout, and write
 * transactions that take the write lock up front (BEGIN IMMEDIATE). Each
 * connection keeps a 32 MiB page cache and reads through a 256 MiB memory map,
 * so that lists and imports over 100k accounts stay in memory.
 */
#include "db/db_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SQLITE_BUSY_TIMEOUT_MS 10000
#define SQLITE_BACKUP_PAGES    256  /* pages copied per sqlite3_backup_step */
#define SQLITE_BACKUP_SLEEP_MS 5    /* pause when a step finds the source busy */
#define SQLITE_BACKUP_WAITS    2000 /* pauses before giving up (10 s) */
#define SQLITE_BACKUP_PATH_MAX 4096 /* bytes of the temporary file's path */

static const char sqlite_setup[] = "PRAGMA journal_mode=WAL;"
				   "PRAGMA synchronous=NORMAL;"
				   "PRAGMA foreign_keys=ON;"
				   "PRAGMA temp_store=MEMORY;"
				   "PRAGMA cache_size=-32768;"
				   "PRAGMA mmap_size=268435456;";

static enum adv_err
sqlite_map(int rc)
{
	switch (rc & 0xFF) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return ADV_OK;
	case SQLITE_CONSTRAINT:
		return ADV_ECONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ADV_EUNAVAIL;
	case SQLITE_NOMEM:
		return ADV_ENOMEM;
	default:
		return ADV_EDB;
	}
}

static enum adv_err
sqlite_open(const char *target, void **conn, struct adv_errbuf *eb)
{
	sqlite3 *h = NULL;
	int rc;

	rc = sqlite3_open_v2(
	    target, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		adv_fail(eb, ADV_EDB, NULL, "cannot open SQLite database %s: %s", target,
			 h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return ADV_EDB;
	}
	sqlite3_busy_timeout(h, SQLITE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(h, 1);
	if (sqlite3_exec(h, sqlite_setup, NULL, NULL, NULL) != SQLITE_OK) {
		adv_fail(eb, ADV_EDB, NULL, "cannot set up SQLite database %s: %s", target,
			 sqlite3_errmsg(h));
		sqlite3_close(h);
		return ADV_EDB;
	}
	*conn = h;
	return ADV_OK;
}

static void
sqlite_close(void *conn)
{
	sqlite3_close(conn);
}

static enum adv_err
sqlite_exec_script(void *conn, const char *sql, struct adv_errbuf *eb)
{
	char *msg = NULL;
	int rc = sqlite3_exec(conn, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		adv_fail(eb, sqlite_map(rc), NULL, "%s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return sqlite_map(rc);
}

static enum adv_err
sqlite_prepare(void *conn, const char *sql, void **stmt)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);

	if (rc != SQLITE_OK) {
		fprintf(stderr, "advocate: SQL prepare failed: %s: %s\n", sqlite3_errmsg(conn),
			sql);
		return ADV_EDB;
	}
	*stmt = st;
	return ADV_OK;
}

static void
sqlite_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static void
sqlite_reset(void *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static enum adv_err
sqlite_bind_int(void *stmt, int i, int64_t v)
{
	return sqlite_map(sqlite3_bind_int64(stmt, i, v));
}

static enum adv_err
sqlite_bind_double(void *stmt, int i, double v)
{
	return sqlite_map(sqlite3_bind_double(stmt, i, v));
}

static enum adv_err
sqlite_bind_text(void *stmt, int i, const char *s)
{
	return sqlite_map(sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT));
}

static enum adv_err
sqlite_bind_text_ref(void *stmt, int i, const char *s)
{
	return sqlite_map(sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC));
}

static enum adv_err
sqlite_bind_null(void *stmt, int i)
{
	return sqlite_map(sqlite3_bind_null(stmt, i));
}

static enum adv_err
sqlite_step(void *stmt, bool *row)
{
	int rc = sqlite3_step(stmt);

	*row = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && (rc & 0xFF) != SQLITE_CONSTRAINT &&
	    (rc & 0xFF) != SQLITE_BUSY)
		fprintf(stderr, "advocate: SQL step failed: %s\n",
			sqlite3_errmsg(sqlite3_db_handle(stmt)));
	return sqlite_map(rc);
}

static int64_t
sqlite_changes(void *conn, void *stmt)
{
	(void)stmt;
	return sqlite3_changes64(conn);
}

static bool
sqlite_col_null(void *stmt, int i)
{
	return sqlite3_column_type(stmt, i) == SQLITE_NULL;
}

static int64_t
sqlite_col_int(void *stmt, int i)
{
	return sqlite3_column_int64(stmt, i);
}

static double
sqlite_col_double(void *stmt, int i)
{
	return sqlite3_column_double(stmt, i);
}

static const char *
sqlite_col_text(void *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

static size_t
sqlite_col_bytes(void *stmt, int i)
{
	return (size_t)sqlite3_column_bytes(stmt, i);
}

/* Flushes the file or directory at path to stable storage. */
static enum adv_err
sqlite_fsync_path(const char *path, bool dir, struct adv_errbuf *eb)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	enum adv_err rc = ADV_OK;

	if (fd < 0 || fsync(fd) != 0)
		rc = adv_fail(eb, ADV_EIO, NULL, "cannot flush %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Removes the temporary copy at tmp and the journal files SQLite may have left beside it. */
static void
sqlite_backup_discard(const char *tmp)
{
	static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
	char p[SQLITE_BACKUP_PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", tmp, suffixes[i]);
		unlink(p);
	}
}

/*
 * Copies every page of src into the database dst in chunks. The caller holds
 * a read transaction on src, so that every chunk comes from one snapshot and
 * writers on other connections (which WAL lets go on) never restart the copy.
 */
static enum adv_err
sqlite_backup_pages(sqlite3 *src, sqlite3 *dst, struct adv_errbuf *eb)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	enum adv_err rc = ADV_OK;
	unsigned waits = 0;
	bool busy;
	int step;

	if (b == NULL) {
		rc =
		    adv_fail(eb, ADV_EDB, NULL, "cannot start the backup: %s", sqlite3_errmsg(dst));
		goto out;
	}
	do {
		step = sqlite3_backup_step(b, SQLITE_BACKUP_PAGES);
		busy = (step & 0xFF) == SQLITE_BUSY || (step & 0xFF) == SQLITE_LOCKED;
		if (busy)
			sqlite3_sleep(SQLITE_BACKUP_SLEEP_MS);
	} while (step == SQLITE_OK || (busy && ++waits < SQLITE_BACKUP_WAITS));
	/* finish reports step errors, but not a copy left incomplete by BUSY */
	if ((step = sqlite3_backup_finish(b)) != SQLITE_OK)
		rc = adv_fail(eb, sqlite_map(step) == ADV_ENOMEM ? ADV_ENOMEM : ADV_EIO, NULL,
			      "backup failed: %s", sqlite3_errmsg(dst));
	else if (busy)
		rc = adv_fail(eb, ADV_EUNAVAIL, NULL, "backup failed: the database stayed busy");
out:
	return rc;
}

/* Runs PRAGMA quick_check on h: ADV_OK when it answers "ok". */
static enum adv_err
sqlite_backup_check(sqlite3 *h, const char *what, struct adv_errbuf *eb)
{
	sqlite3_stmt *st = NULL;
	enum adv_err rc = ADV_OK;
	const char *res;

	if (sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = adv_fail(eb, ADV_EDB, NULL, "cannot check the copy %s: %s", what,
			      sqlite3_errmsg(h));
		goto out;
	}
	res = (const char *)sqlite3_column_text(st, 0);
	if (res == NULL || strcmp(res, "ok") != 0)
		rc = adv_fail(eb, ADV_EDB, NULL, "the copy %s fails its check: %s", what,
			      res ? res : "no answer");
out:
	sqlite3_finalize(st);
	return rc;
}

/* Moves tmp to path unless path exists (checked atomically where the file system can). */
static enum adv_err
sqlite_backup_place(const char *tmp, const char *path, struct adv_errbuf *eb)
{
	char dir[SQLITE_BACKUP_PATH_MAX];
	enum adv_err rc = ADV_OK;
	int err = 0;

	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) != 0) {
		err = errno;
		if (err == EINVAL || err == ENOSYS) /* no RENAME_NOREPLACE here */
			err = access(path, F_OK) == 0 ? EEXIST : rename(tmp, path) == 0 ? 0 : errno;
	}
	if (err == EEXIST) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "%s exists already; choose a new file", path);
		goto out;
	}
	if (err != 0) {
		rc = adv_fail(eb, ADV_EIO, NULL, "cannot write %s: %s", path, strerror(err));
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	rc = sqlite_fsync_path(dirname(dir), true, eb);
out:
	return rc;
}

/*
 * The backend's backup (db_impl.h): pages of conn copied to PATH.tmp-XXXXXX
 * inside one read transaction, checked, flushed and renamed to path. On any
 * failure the temporary file is removed and path is not created.
 */
static enum adv_err
sqlite_backup(void *conn, const char *path, struct adv_errbuf *eb)
{
	static const char first_read[] = "SELECT COUNT(*) FROM sqlite_schema";
	char tmp[SQLITE_BACKUP_PATH_MAX];
	sqlite3 *src = conn, *dst = NULL;
	bool in_read = false, made = false;
	enum adv_err rc = ADV_OK;
	int fd;

	if (access(path, F_OK) == 0) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "%s exists already; choose a new file", path);
		goto out;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= sizeof(tmp)) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "the path %s is too long", path);
		goto out;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		rc = adv_fail(eb, ADV_EIO, NULL, "cannot create a file next to %s: %s", path,
			      strerror(errno));
		goto out;
	}
	made = true;
	close(fd);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		rc = adv_fail(eb, ADV_EIO, NULL, "cannot open %s: %s", tmp,
			      dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	/* A read transaction that has read: its snapshot holds for every step. */
	in_read = sqlite3_exec(src, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	if (!in_read || sqlite3_exec(src, first_read, NULL, NULL, NULL) != SQLITE_OK) {
		rc = adv_fail(eb, sqlite_map(sqlite3_errcode(src)), NULL,
			      "cannot start reading the database: %s", sqlite3_errmsg(src));
		goto out;
	}
	if ((rc = sqlite_backup_pages(src, dst, eb)) != ADV_OK)
		goto out;
	sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	in_read = false;
	if ((rc = sqlite_backup_check(dst, path, eb)) != ADV_OK)
		goto out;
	if (sqlite3_close(dst) != SQLITE_OK) {
		rc = adv_fail(eb, ADV_EIO, NULL, "cannot close %s: %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	dst = NULL;
	if ((rc = sqlite_fsync_path(tmp, false, eb)) != ADV_OK)
		goto out;
	if ((rc = sqlite_backup_place(tmp, path, eb)) != ADV_OK)
		goto out;
	made = false;
out:
	if (in_read)
		sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
	if (dst != NULL)
		sqlite3_close(dst);
	if (made)
		sqlite_backup_discard(tmp);
	return rc;
}

const struct db_backend db_backend_sqlite = {
    .kind = DB_SQLITE,
    .open = sqlite_open,
    .close = sqlite_close,
    .exec_script = sqlite_exec_script,
    .prepare = sqlite_prepare,
    .finalize = sqlite_finalize,
    .reset = sqlite_reset,
    .bind_int = sqlite_bind_int,
    .bind_double = sqlite_bind_double,
    .bind_text = sqlite_bind_text,
    .bind_text_ref = sqlite_bind_text_ref,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .changes = sqlite_changes,
    .col_null = sqlite_col_null,
    .col_int = sqlite_col_int,
    .col_double = sqlite_col_double,
    .col_text = sqlite_col_text,
    .col_bytes = sqlite_col_bytes,
    .backup = sqlite_backup,
    .begin_sql = "BEGIN IMMEDIATE",
    .begin_read_sql = "BEGIN",
};
