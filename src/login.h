/* login.h — logging in and out, one's own account, API tokens (capability 2). */
#ifndef HUIJU_LOGIN_H
#define HUIJU_LOGIN_H

#include <jansson.h>

#include "http/req.h"

/* The logged-in person as the API shows them (new reference). */
json_t *me_json(Req *r);

void login_page(Req *r);
void login_submit(Req *r);
void logout_submit(Req *r);
void session_api_create(Req *r);
void session_api_delete(Req *r);
void me_api_get(Req *r);
void me_api_patch(Req *r);
void me_page(Req *r);
void me_submit(Req *r);
void token_api_create(Req *r);
void token_api_list(Req *r);
void token_api_delete(Req *r);

#endif
