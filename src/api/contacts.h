/*
 * contacts.h — what other resource files of the API need from contacts.c:
 * the JSON form of a contact and of an influence link, so that the account
 * map shows them exactly as the contacts endpoints do.
 */
#ifndef ADV_API_CONTACTS_H
#define ADV_API_CONTACTS_H

#include <jansson.h>

#include "core/contact.h"
#include "http/http.h"

/* The contact as the API shows it (a new reference); NULL when out of memory. */
json_t *contacts_contact_json(struct req *r, const struct contact *k);

/* The link as the API shows it (a new reference); NULL when out of memory. */
json_t *contacts_link_json(const struct contact_link *l);

#endif
