/*
 * requests.h — what the portal's request endpoints share with the staff
 * ones (requests.c): the JSON of a request and of a message, the fields of
 * a new request and of a message, and the answers with their ETag.
 */
#ifndef ADV_API_REQUESTS_H
#define ADV_API_REQUESTS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/request.h"
#include "http/http.h"

/*
 * The JSON of request x (new reference, NULL when out of memory); for_client
 * leaves out what only staff see (assignee, classification, priority).
 */
json_t *requests_request_json(const struct request *x, bool for_client);

/* The JSON of message m (new reference, NULL when out of memory). */
json_t *requests_message_json(const struct request_message *m, bool for_client);

/*
 * Answers status with request x, its thread (items[0..n)) when items is not
 * NULL, and its version as ETag.
 */
enum adv_err requests_answer(struct req *r, int status, const struct request *x,
			     const struct request_message *items, size_t n, bool for_client);

/*
 * Reads and validates the body of a new request into *in: subject, body,
 * kind required; priority, account_id and contact_id only when staff (for
 * a client they are unknown fields). ADV_EINVAL with every offending field.
 */
enum adv_err requests_read_new(struct req *r, bool staff, struct request_new *in);

#endif
