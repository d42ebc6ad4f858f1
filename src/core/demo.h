/*
 * demo.h — deterministic demo data: a workspace of plausible Russian B2B
 * client companies with suppliers, competitors and 18 months of loyalty
 * assessments, and a user to sign in.
 */
#ifndef ADV_CORE_DEMO_H
#define ADV_CORE_DEMO_H

#include <stdio.h>

#include "db/db.h"

#define DEMO_EMAIL    "demo@advocate.local"
#define DEMO_PASSWORD "demo-password"
#define DEMO_SLUG     "demo"

/*
 * Seeds the demo workspace when the database has no workspace yet, and prints
 * how to sign in to out (also when the demo exists already). Errors in eb.
 */
enum adv_err demo_seed_if_empty(struct db *db, FILE *out, struct adv_errbuf *eb);

#endif
