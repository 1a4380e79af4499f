/* req.h — one HTTP request and its response, from arrival to completion.
 *
 * A Req is created by server.c when a request arrives and freed when
 * libmicrohttpd reports it complete. Everything a handler allocates for the
 * request comes from r->arena. There is no request state anywhere else. */
#ifndef HUIJU_REQ_H
#define HUIJU_REQ_H

#include <jansson.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/roles.h"
#include "db/db.h"

struct MHD_Connection;
struct Route;

/* Server settings, fixed at start, shared read-only by all threads. */
typedef struct ServerConf {
    const char *db_url;
    int trust_proxy;         /* take the client address from X-Forwarded-For */
    int tls;                 /* served behind TLS: cookies get Secure */
    int64_t idle_timeout;    /* seconds a session may sit unused */
    int64_t session_lifetime;/* seconds a session may live at all */
    size_t max_body;         /* bytes, for every request but uploads */
    size_t max_upload;       /* bytes, for the bulk-import routes (req_is_upload) */
    const char *files_dir;   /* where uploaded files are kept (files.h) */
} ServerConf;

/* One role held by the person, at one organisation. */
typedef struct Grant {
    Role role;
    int64_t org_id;
    const char *org_code;
    const char *org_path; /* '/650000/653100/' */
    const char *org_kind;
    const char *org_name;
} Grant;

/* Who is asking. user_id == 0 means nobody is logged in. */
typedef struct Auth {
    int64_t user_id;
    const char *login, *name, *lang;
    Grant *grants;
    int ngrants;
    CapSet caps;            /* the union over all grants */
    const char *csrf;       /* the session's CSRF token ("" for API tokens) */
    const char *session_hash;
    int via_cookie;         /* credentials came from the cookie: writes need CSRF */
} Auth;

typedef struct Header {
    const char *name, *value;
} Header;

enum { REQ_MAX_PARAMS = 4, REQ_MAX_HEADERS = 12 };

typedef struct Req {
    Arena *arena;
    const ServerConf *conf;
    Db *db; /* this thread's connection */
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    const char *client; /* client address as text */
    Buf body;
    int body_too_large;

    const struct Route *route;
    int nparam;
    const char *pname[REQ_MAX_PARAMS], *pval[REQ_MAX_PARAMS];

    /* parsed application/x-www-form-urlencoded body (pages) */
    int nform;
    const char **fname, **fval;

    Auth auth;
    const char *lang; /* "zh" or "en" */

    int status;
    Buf out;
    const char *ctype;
    int nheaders;
    Header headers[REQ_MAX_HEADERS];
} Req;

/* ---- reading the request ---------------------------------------------- */

/* A path parameter declared by the route pattern ("{code}"), or NULL. */
const char *req_param(Req *r, const char *name);
/* A query-string argument, or NULL. */
const char *req_query(Req *r, const char *name);
/* A request header, or NULL. */
const char *req_header(Req *r, const char *name);
/* A cookie, or NULL. */
const char *req_cookie(Req *r, const char *name);
/* A field of a url-encoded form body (parsed on first use), or NULL. */
const char *req_form(Req *r, const char *name);
/* Whether the path is under /api/. */
int req_is_api(const Req *r);
/* Whether the request is a bulk upload (POST /import, POST /api/v1/dataValueSets,
 * PUT /api/v1/datavalues) or a file upload (a POST whose path ends in /files or
 * /file: files.h), which may carry up to conf->max_upload bytes. */
int req_is_upload(const Req *r);

/* Parses the body as a JSON object whose keys must all be in `allowed`
 * (a NULL-terminated list). On failure sends 400 bad_json / 422 unknown_field /
 * 413 too_large and returns NULL. The caller json_decref()s the result. */
json_t *req_json_object(Req *r, const char *const *allowed);

/* ---- writing the response --------------------------------------------- */

void req_add_header(Req *r, const char *name, const char *value);
/* Sends a JSON value (stolen: the function decrefs it) with this status. */
void req_send_json(Req *r, int status, json_t *v);
/* Sends {"error":{"code","message"}}; message is translated text, may be NULL. */
void req_error(Req *r, int status, const char *code, const char *message);
/* 404 for API and pages alike: used both for what does not exist and for what is
 * outside the caller's reach, so the two cannot be told apart. */
void req_not_found(Req *r);
/* A 303 redirect to a local path. */
void req_redirect(Req *r, const char *location);

#endif
