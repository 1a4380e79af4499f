/* server.h — the libmicrohttpd glue: listen, turn each request into a Req,
 * dispatch it, send the response, free it. */
#ifndef HUIJU_SERVER_H
#define HUIJU_SERVER_H

#include "http/req.h"

/* Serves until SIGINT or SIGTERM. listen is "ADDR:PORT" (IPv4). Returns 0 on a
 * clean stop, non-zero (with a message on stderr) if the server cannot start. */
int server_run(const ServerConf *conf, const char *listen, int threads);

#endif
