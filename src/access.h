/* access.h — who may do what where. Every handler asks can() with the object's
 * organisation path, and every list query is scoped with REACH_SQL, so that a
 * list never shows a row its reader could not open. */
#ifndef HUIJU_ACCESS_H
#define HUIJU_ACCESS_H

#include "core/roles.h"
#include "http/req.h"

/* Whether the caller holds capability c at an organisation whose subtree contains
 * the organisation with this path ('/650000/653100/'). */
int can(Req *r, Cap c, const char *org_path);

/* Whether the caller may grant `role` at the organisation with this path: they hold
 * user.write reaching it through a role that may grant `role` (roles.h). */
int can_grant(Req *r, Role role, const char *org_path);

/* An SQL condition true when the path column `col` is inside the caller's reach
 * for a capability. Binds two parameters, in this order: the user id (i) and the
 * capability name (s) — use REACH_ARGS(r, cap). */
#define REACH_SQL(col)                                                                            \
    "EXISTS (SELECT 1 FROM grants g JOIN orgs go ON go.id = g.org_id"                             \
    " JOIN role_caps rc ON rc.role = g.role"                                                      \
    " WHERE g.user_id = ? AND rc.cap = ? AND substr(" col ", 1, length(go.path)) = go.path)"
#define REACH_ARGS(r, c) (r)->auth.user_id, cap_name(c)

/* Rewrites the role_caps table from roles.c. Call at start (init, serve, demo). */
int access_sync(Db *db);

#endif
