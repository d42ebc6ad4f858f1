/*
 * fuzz_table_csv.c — libFuzzer harness: what the CSV exporter writes, the CSV
 * importer must read back.
 *
 * The input is cut into cells at NUL and 0x1F bytes and into rows at 0x1E;
 * each row of three cells goes through table_out as text, and the file that
 * comes out is read by the CSV reader. Every non-empty row must come back
 * with its cells as they were, except for the apostrophe that the formula
 * guard puts before text starting with = + - @ tab or CR.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/table_out.h"

#define FUZZ_COLS 3

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rows written, as the reader should deliver them. */
struct expect {
	char *cells; /* all cells, each NUL-terminated, in order */
	size_t ncells;
	size_t next; /* index of the next cell to compare */
	const char *at;
};

static enum adv_err
check_row(void *ctx, const struct csv_row *row)
{
	struct expect *e = ctx;

	if (row->nfields != FUZZ_COLS)
		abort();
	if (e->next == 0) { /* the header */
		e->next = 1;
		return ADV_OK;
	}
	for (size_t i = 0; i < FUZZ_COLS; i++) {
		size_t n;

		if (e->next > e->ncells)
			abort();
		n = strlen(e->at);
		if (row->lens[i] != n || memcmp(row->fields[i], e->at, n) != 0)
			abort();
		e->at += n + 1;
		e->next++;
	}
	return ADV_OK;
}

/* Appends cell (n bytes) to the expectation, with the guard's apostrophe when due. */
static void
expect_cell(struct expect *e, char **w, const char *cell, size_t n)
{
	if (n > 0 && strchr("=+-@\t\r", cell[0]) != NULL)
		*(*w)++ = '\'';
	memcpy(*w, cell, n);
	*w += n;
	*(*w)++ = '\0';
	e->ncells++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const headers[FUZZ_COLS] = {"a", "b", "c"};
	struct table_out *t = NULL;
	struct expect e = {0};
	struct buf out;
	char *copy = malloc(size + 1), *cells[FUZZ_COLS], *p, *w;
	size_t lens[FUZZ_COLS], col = 0;
	bool row_end;

	e.cells = malloc(2 * size + 2 * FUZZ_COLS * (size + 1) + 1);
	buf_init(&out, 0);
	if (copy == NULL || e.cells == NULL ||
	    table_out_open(&t, TABLE_CSV, NULL, headers, FUZZ_COLS, NULL) != ADV_OK)
		goto out;
	memcpy(copy, data, size);
	copy[size] = '\x1E';
	w = e.cells;
	p = copy;
	for (size_t i = 0; i <= size; i++) {
		if (copy[i] != '\0' && copy[i] != '\x1F' && copy[i] != '\x1E')
			continue;
		row_end = copy[i] == '\x1E' || col == FUZZ_COLS - 1;
		copy[i] = '\0';
		cells[col] = p;
		lens[col++] = (size_t)(copy + i - p);
		p = copy + i + 1;
		if (!row_end)
			continue;
		while (col < FUZZ_COLS) {
			cells[col] = "";
			lens[col++] = 0;
		}
		if (lens[0] + lens[1] + lens[2] > 0) {
			for (size_t c = 0; c < FUZZ_COLS; c++) {
				table_out_str(t, cells[c]);
				expect_cell(&e, &w, cells[c], lens[c]);
			}
			table_out_end_row(t);
		}
		col = 0;
	}
	if (table_out_finish(t, &out, NULL) != ADV_OK)
		abort();
	e.at = e.cells;
	if (csv_read_buf(out.data, out.len, NULL, check_row, &e, NULL, NULL) != ADV_OK ||
	    e.next != e.ncells + 1)
		abort();
out:
	table_out_free(t);
	buf_release(&out);
	free(copy);
	free(e.cells);
	return 0;
}
