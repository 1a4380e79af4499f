/* home.h — the start page, the health check and the embedded static assets. */
#ifndef HUIJU_HOME_H
#define HUIJU_HOME_H

#include "http/req.h"

void home_page(Req *r);
void healthz(Req *r);
void asset_get(Req *r);

#endif
