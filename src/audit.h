/* audit.h — capability 17: the append-only, hash-chained record of every change.
 *
 * Every write anywhere in the platform calls audit_log() inside its own
 * transaction, so that the change and its record commit or vanish together.
 * Each record's hash covers its fields and the previous record's hash
 * (BLAKE2b-256, libsodium's crypto_generichash); `huiju check` recomputes the
 * chain and names the first broken link. */
#ifndef HUIJU_AUDIT_H
#define HUIJU_AUDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/req.h"

/* Appends one record: actor (a login, or "system"), action ("org.create"),
 * the object (kind "org", key its code), the org path the record belongs to
 * (for the auditor's scope; "" for the whole region), and the object before and
 * after (either may be NULL; neither is stolen). Must run inside a transaction.
 * Returns DB_OK or the database error. */
int audit_log(Db *db, const char *actor, const char *action, const char *object_kind,
              const char *object_key, const char *org_path, json_t *before, json_t *after);

/* Recomputes the whole chain. Returns 0 when intact (*checked = records seen);
 * otherwise 1 with err naming the first bad record ("audit record 17: …"). */
int audit_verify(Db *db, int64_t *checked, char *err, size_t errlen);

void audit_page(Req *r);
void audit_api_list(Req *r);

#endif
