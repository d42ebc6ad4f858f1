/*
 * jsonw.h — a small JSON writer for the answers that carry many objects
 * (pages of accounts): it appends straight into a bounded buffer instead of
 * building a tree of jansson values, which costs an allocation per value.
 *
 * Errors are sticky: once an append fails (ADV_ETOOBIG past the limit, or
 * ADV_ENOMEM) later calls do nothing and jsonw_answer() reports the error.
 * The caller writes the punctuation ('{', ',', …) with jsonw_raw().
 */
#ifndef ADV_API_JSONW_H
#define ADV_API_JSONW_H

#include <stdint.h>

#include "http/http.h"

struct jsonw {
	char *data; /* heap memory, owned */
	size_t len;
	size_t cap;
	size_t max;
	enum adv_err err;
};

/* An empty writer that refuses to grow past max bytes. */
void jsonw_init(struct jsonw *w, size_t max);

/* Frees the writer's memory. */
void jsonw_release(struct jsonw *w);

/* Appends s as it is (punctuation, or JSON text that is already valid). */
void jsonw_raw(struct jsonw *w, const char *s);

/* Appends the n bytes at s as they are. */
void jsonw_raw_n(struct jsonw *w, const char *s, size_t n);

/* Appends a string literal as it is, its length known at compile time. */
#define JSONW_LIT(w, lit) jsonw_raw_n((w), (lit), sizeof(lit) - 1)

/* Appends s as a JSON string (UTF-8 kept, quotes and control characters escaped), or null. */
void jsonw_str(struct jsonw *w, const char *s);

/* Appends a whole number. */
void jsonw_int(struct jsonw *w, int64_t v);

/* Appends a finite number in its shortest form that reads back exactly (1500000.5, 0.1). */
void jsonw_num(struct jsonw *w, double v);

/*
 * Answers the request with status and the text written so far as
 * application/json; the text moves to the response (the writer is left empty).
 * Returns the writer's sticky error instead when there is one.
 */
enum adv_err jsonw_answer(struct jsonw *w, struct req *r, int status);

#endif
