/* user.h — capability 2: people, their roles and their accounts. */
#ifndef HUIJU_USER_H
#define HUIJU_USER_H

#include <stddef.h>
#include <stdint.h>

#include "core/roles.h"
#include "db/db.h"
#include "http/req.h"

/* Hashes a password with argon2id (crypto_pwhash_str) into out (at least
 * 128 bytes). Returns 0, or -1 when out of memory. */
int password_hash(char *out, const char *password);
/* Whether a password is acceptable: 8–128 bytes of valid text. */
int password_ok(const char *password);

/* Creates a person with one role at org_id, audited as actor. Runs inside the
 * caller's transaction. Returns the new id, or 0 with *dbrc set (DB_CONSTRAINT
 * when the login is taken). */
int64_t user_insert(Db *db, const char *actor, const char *login, const char *name,
                    const char *password, Role role, int64_t org_id, const char *phone,
                    const char *email, int *dbrc);

/* `huiju user add LOGIN --role ROLE --org CODE [--name NAME]`, password on stdin. */
int user_cli_add(Db *db, const char *login, const char *role, const char *org, const char *name);

void user_api_list(Req *r);
void user_api_get(Req *r);
void user_api_create(Req *r);
void user_api_patch(Req *r);
void user_page_index(Req *r);
void user_page_show(Req *r);
void user_page_new(Req *r);
void user_page_create(Req *r);
void user_page_update(Req *r);

#endif
