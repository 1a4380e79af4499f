/* access.c — see access.h. */
#include "access.h"

#include <string.h>

#include "db/db.h"

/* Whether prefix (a path ending in '/') is a prefix of path. */
static int within(const char *prefix, const char *path)
{
    return prefix && path && strncmp(prefix, path, strlen(prefix)) == 0;
}

int can(Req *r, Cap c, const char *org_path)
{
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if ((role_caps(g->role) & CAPBIT(c)) && within(g->org_path, org_path)) return 1;
    }
    return 0;
}

int can_grant(Req *r, Role role, const char *org_path)
{
    for (int i = 0; i < r->auth.ngrants; i++) {
        const Grant *g = &r->auth.grants[i];
        if (within(g->org_path, org_path) && role_may_grant(g->role, role)) return 1;
    }
    return 0;
}

int access_sync(Db *db)
{
    if (db_begin(db) != DB_OK) return DB_ERROR;
    int rc = DB_OK;
    for (int ro = 1; ro < ROLE_COUNT && rc == DB_OK; ro++) {
        for (int c = 1; c < CAP_COUNT && rc == DB_OK; c++) {
            int has = (role_caps((Role)ro) & CAPBIT(c)) != 0;
            if (has)
                rc = db_run(db,
                            "INSERT INTO role_caps(role, cap) VALUES (?, ?) "
                            "ON CONFLICT (role, cap) DO NOTHING",
                            "ss", role_name((Role)ro), cap_name((Cap)c));
            else
                rc = db_run(db, "DELETE FROM role_caps WHERE role = ? AND cap = ?", "ss",
                            role_name((Role)ro), cap_name((Cap)c));
        }
    }
    if (rc != DB_OK) {
        db_rollback(db);
        return rc;
    }
    return db_commit(db);
}
