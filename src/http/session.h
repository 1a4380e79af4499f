/* session.h — who is asking: sessions (cookie or bearer), API tokens, login
 * with throttling, logout. Sessions and counters live in the database, so that
 * several server processes can share them. */
#ifndef HUIJU_SESSION_H
#define HUIJU_SESSION_H

#include "http/req.h"

/* Fills r->auth from "Authorization: Bearer T" (a session or API token) or the
 * huiju_session cookie. Expired sessions are deleted; nobody is logged in then.
 * 0, or -1 when the database could not be asked (the caller answers 503). */
int session_resolve(Req *r);

/* Loads a person's account and grants into r->auth. 1 if found and active. */
int auth_load_user(Req *r, int64_t user_id);

typedef enum { LOGIN_OK, LOGIN_BAD, LOGIN_THROTTLED, LOGIN_ERROR } LoginResult;

enum { THROTTLE_LOGIN = 5, THROTTLE_ADDR = 20, THROTTLE_WINDOW = 900 };

/* Checks the password (argon2id) under the throttling rules; on success starts
 * a new session (ending the one the request came with, if any), fills r->auth
 * and writes the token (64 hex characters) into token. */
LoginResult session_login(Req *r, const char *login, const char *password, char token[65]);
/* Ends the request's session (no-op for API tokens). */
void session_logout(Req *r);
/* Set-Cookie for a session token, or one that clears it (token NULL). */
void session_cookie(Req *r, const char *token);

#endif
