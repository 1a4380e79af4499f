/* server.c — see server.h.
 *
 * libmicrohttpd calls on_request several times per request: first with the
 * headers only (we create the Req and return MHD_YES, which keeps the
 * connection alive), then once per piece of body, then a last time with no
 * data, when the request is dispatched and its response queued. on_completed
 * frees the Req. Each worker thread keeps one database connection of its own. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

/* One connection per worker thread, opened on first use, closed when the
 * thread ends (the key's destructor). */
static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void close_thread_db(void *p) { db_close(p); }
static void make_db_key(void) { pthread_key_create(&db_key, close_thread_db); }

static Db *thread_db(const ServerConf *conf)
{
    pthread_once(&db_key_once, make_db_key);
    Db *db = pthread_getspecific(db_key);
    if (db && !db_alive(db)) {
        /* the database server dropped us (restarted): open a new connection */
        fprintf(stderr, "huiju: database connection lost, reconnecting\n");
        db_close(db);
        db = NULL;
        pthread_setspecific(db_key, NULL);
    }
    if (db) db_idle(db); /* nothing a previous request left open survives into this one */
    if (!db) {
        char err[256];
        db = db_open(conf->db_url, err, sizeof err);
        if (!db) {
            fprintf(stderr, "huiju: %s\n", err);
            return NULL;
        }
        pthread_setspecific(db_key, db);
    }
    return db;
}

static const char *client_address(struct MHD_Connection *c, const ServerConf *conf, Arena *a)
{
    if (conf->trust_proxy) {
        const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
        if (xff && *xff) {
            /* the proxy nearest to us appends the address it saw: take the last one */
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ') last++;
            if (*last && strlen(last) < 64) return arena_strdup(a, last);
        }
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char buf[INET6_ADDRSTRLEN] = "?";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof buf);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof buf);
    }
    return arena_strdup(a, buf);
}

static void add_security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                            "script-src 'self'; frame-ancestors 'none'; form-action 'self'");
}

static enum MHD_Result send_response(struct MHD_Connection *c, Req *r)
{
    if (!r->status) {
        r->status = 500;
        r->ctype = "text/plain; charset=utf-8";
        buf_reset(&r->out);
        buf_puts(&r->out, "internal error\n");
    }
    size_t len = r->out.len;
    char *body = buf_take(&r->out);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype : "text/plain");
    int has_cache = 0;
    for (int i = 0; i < r->nheaders; i++) {
        MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
        has_cache |= strcmp(r->headers[i].name, "Cache-Control") == 0;
    }
    if (!has_cache) MHD_add_response_header(resp, "Cache-Control", "no-store");
    add_security_headers(resp);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    const ServerConf *conf = cls;
    Req *r = *con_cls;
    if (!r) {
        Arena *a = arena_new();
        r = arena_alloc(a, sizeof *r);
        r->arena = a;
        r->conf = conf;
        r->conn = c;
        r->method = arena_strdup(a, method);
        r->path = arena_strdup(a, url);
        r->lang = "zh";
        buf_init(&r->body);
        buf_init(&r->out);
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t limit = req_is_upload(r) ? conf->max_upload : conf->max_body;
        if (r->body.len + *upload_size > limit) {
            r->body_too_large = 1;
        } else {
            buf_append(&r->body, upload_data, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    r->client = client_address(c, conf, r->arena);
    r->db = thread_db(conf);
    if (!r->db) {
        r->status = 503;
        r->ctype = "text/plain; charset=utf-8";
        buf_puts(&r->out, "database unavailable\n");
    } else if (r->body_too_large && !req_is_api(r)) {
        r->status = 413;
        r->ctype = "text/plain; charset=utf-8";
        buf_puts(&r->out, "request too large\n");
    } else {
        router_dispatch(r);
        db_rollback(r->db); /* a handler that forgot its transaction loses it, not the next one */
    }
    return send_response(c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    Req *r = *con_cls;
    if (!r) return;
    buf_free(&r->body);
    buf_free(&r->out);
    arena_free(r->arena);
    *con_cls = NULL;
}

int server_run(const ServerConf *conf, const char *listen, int threads)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    long port = colon ? strtol(colon + 1, NULL, 10) : 0;
    if (!colon || (size_t)(colon - listen) >= sizeof host || port <= 0 || port > 65535) {
        fprintf(stderr, "huiju: --listen wants ADDR:PORT, got %s\n", listen);
        return 2;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa.sin_addr) != 1) {
        fprintf(stderr, "huiju: --listen: not an IPv4 address: %s\n", host);
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the worker threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)port, NULL,
        NULL, on_request, (void *)conf, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "huiju: cannot listen on %s\n", listen);
        return 1;
    }
    fprintf(stderr, "huiju: serving on http://%s/\n", listen);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "huiju: stopping\n");
    MHD_stop_daemon(d);
    return 0;
}
