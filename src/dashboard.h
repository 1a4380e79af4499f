/* dashboard.h — capabilities 3, 4 and 15 on screen: the school portrait (数字画像),
 * the region / prefecture / county dashboards, and their Excel exports. */
#ifndef HUIJU_DASHBOARD_H
#define HUIJU_DASHBOARD_H

#include "http/req.h"

void portrait_page(Req *r);       /* GET /orgs/{code}/portrait */
void portrait_xlsx(Req *r);       /* GET /orgs/{code}/portrait.xlsx */
void dashboard_page(Req *r);      /* GET /dashboard (the caller's top unit) and /dashboard/{code} */
void dashboard_xlsx(Req *r);      /* GET /dashboard/{code}.xlsx */
void dashboard_api(Req *r);       /* GET /api/v1/dashboard/{code}?period= */

#endif
