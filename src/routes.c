/* routes.c — the one route table. Each route names the capability it needs;
 * router_check() refuses to start if one does not. The OpenAPI document
 * (openapi.c) is generated from this table, so the two cannot drift apart.
 *
 * To add a feature: write its handlers in src/<feature>.c and add its rows here. */
#include "audit.h"
#include "dashboard.h"
#include "dataio.h"
#include "home.h"
#include "indicator.h"
#include "http/router.h"
#include "login.h"
#include "openapi.h"
#include "org.h"
#include "target.h"
#include "user.h"
#include "values.h"

#define E_READ "401,403,404"
#define E_WRITE "400,401,403,404,409,413,422"

const Route routes[] = {
    /* health and assets */
    {"GET", "/healthz", healthz, CAP_PUBLIC, "Health check", NULL, NULL, "503"},
    {"GET", "/assets/{name}", asset_get, CAP_PUBLIC, "Static asset", NULL, NULL, "404"},

    /* session and own account (login.c) */
    {"GET", "/login", login_page, CAP_PUBLIC, "Login page", "next", NULL, NULL},
    {"POST", "/login", login_submit, CAP_PUBLIC, "Log in (form)", NULL, "LoginForm",
     "400,401,429"},
    {"POST", "/logout", logout_submit, CAP_LOGIN, "Log out (form)", NULL, NULL, "401,403"},
    {"GET", "/", home_page, CAP_LOGIN, "Start page", NULL, NULL, "401"},
    {"GET", "/me", me_page, CAP_LOGIN, "My account page", NULL, NULL, "401"},
    {"POST", "/me", me_submit, CAP_LOGIN, "Change my settings (form)", NULL, "MeForm",
     "401,403,422"},
    {"POST", "/api/v1/session", session_api_create, CAP_PUBLIC, "Log in", NULL, "Login",
     "400,401,413,422,429"},
    {"DELETE", "/api/v1/session", session_api_delete, CAP_LOGIN, "Log out", NULL, NULL,
     "401,403"},
    {"GET", "/api/v1/me", me_api_get, CAP_LOGIN, "Who am I", NULL, NULL, "401"},
    {"PATCH", "/api/v1/me", me_api_patch, CAP_LOGIN, "Change my language or password", NULL,
     "MePatch", "400,401,403,413,422"},
    {"GET", "/api/v1/tokens", token_api_list, CAP_LOGIN, "My API tokens", NULL, NULL, "401"},
    {"POST", "/api/v1/tokens", token_api_create, CAP_LOGIN, "Create an API token", NULL,
     "TokenCreate", "400,401,403,413,422"},
    {"DELETE", "/api/v1/tokens/{id}", token_api_delete, CAP_LOGIN, "Revoke an API token", NULL,
     NULL, "401,403,404"},

    /* organisation tree (org.c) */
    {"GET", "/orgs", org_page_index, CAP_ORG_READ, "Organisation tree page", "q,cursor", NULL,
     "400,401,403"},
    {"GET", "/orgs/new", org_page_new, CAP_ORG_WRITE, "New organisation form", "parent", NULL,
     E_READ},
    {"POST", "/orgs", org_page_create, CAP_ORG_WRITE, "Create an organisation (form)", NULL,
     "OrgForm", E_WRITE},
    {"GET", "/orgs/{code}", org_page_show, CAP_ORG_READ, "Organisation page", "cursor", NULL,
     E_READ},
    {"POST", "/orgs/{code}", org_page_update, CAP_ORG_WRITE, "Change an organisation (form)",
     NULL, "OrgForm", E_WRITE},
    {"GET", "/api/v1/orgs", org_api_list, CAP_ORG_READ, "List organisations",
     "parent,kind,q,limit,cursor", NULL, "400,401,403,404"},
    {"POST", "/api/v1/orgs", org_api_create, CAP_ORG_WRITE, "Create an organisation", NULL,
     "OrgCreate", E_WRITE},
    {"GET", "/api/v1/orgs/{code}", org_api_get, CAP_ORG_READ, "One organisation", NULL, NULL,
     E_READ},
    {"PATCH", "/api/v1/orgs/{code}", org_api_patch, CAP_ORG_WRITE, "Change an organisation",
     NULL, "OrgPatch", E_WRITE},

    /* people (user.c) */
    {"GET", "/users", user_page_index, CAP_USER_READ, "People page", "org,role,q,limit,cursor",
     NULL, "400,401,403,404"},
    {"GET", "/users/new", user_page_new, CAP_USER_WRITE, "New person form", "org", NULL,
     "401,403"},
    {"POST", "/users", user_page_create, CAP_USER_WRITE, "Create a person (form)", NULL,
     "UserForm", E_WRITE},
    {"GET", "/users/{login}", user_page_show, CAP_USER_READ, "Person page", NULL, NULL, E_READ},
    {"POST", "/users/{login}", user_page_update, CAP_USER_WRITE, "Change a person (form)", NULL,
     "UserForm", E_WRITE},
    {"GET", "/api/v1/users", user_api_list, CAP_USER_READ, "List people",
     "org,role,q,limit,cursor", NULL, "400,401,403,404"},
    {"POST", "/api/v1/users", user_api_create, CAP_USER_WRITE, "Create a person", NULL,
     "UserCreate", E_WRITE},
    {"GET", "/api/v1/users/{login}", user_api_get, CAP_USER_READ, "One person", NULL, NULL,
     E_READ},
    {"PATCH", "/api/v1/users/{login}", user_api_patch, CAP_USER_WRITE, "Change a person", NULL,
     "UserPatch", E_WRITE},

    /* audit (audit.c) */
    {"GET", "/audit", audit_page, CAP_AUDIT_READ, "Audit trail page", "object,actor,limit,cursor",
     NULL, "400,401,403"},
    {"GET", "/api/v1/audit", audit_api_list, CAP_AUDIT_READ, "Audit trail",
     "object,actor,limit,cursor", NULL, "400,401,403"},

    /* indicators and values (indicator.c, values.c) */
    {"GET", "/indicators", indicator_page_index, CAP_DATA_READ, "Indicator catalogue page", NULL,
     NULL, "401,403"},
    {"GET", "/api/v1/indicators", indicator_api_list, CAP_DATA_READ, "List indicators", NULL,
     NULL, "401,403"},
    {"POST", "/api/v1/indicators", indicator_api_create, CAP_PLAN_WRITE, "Create an indicator",
     NULL, "IndicatorCreate", "400,401,403,409,413,422"},
    {"GET", "/api/v1/values", values_api_get, CAP_DATA_READ,
     "The value of an indicator for an organisation and period (its own or its subtree's roll-up)",
     "indicator,org,period", NULL, "400,401,403,404"},
    {"PUT", "/api/v1/datavalues", values_api_put, CAP_DATA_WRITE,
     "Write a batch of values, all or none", NULL, "DataValues", "400,401,403,413,422"},

    /* ---- targets and timeline (target.c) ---- */
    {"GET", "/targets", target_page_index, CAP_DATA_READ,
     "The plan's targets for a unit, by phase, with their status", "scope,phase,status", NULL,
     "400,401,403,404"},
    {"GET", "/timeline", timeline_page, CAP_DATA_READ,
     "The plan's timeline: phases and quarterly milestones, done, late and upcoming", "scope",
     NULL, "401,403,404"},
    {"GET", "/api/v1/targets", target_api_list, CAP_DATA_READ,
     "Targets that apply to a unit (default: the caller's top unit), each with its status there",
     "scope,phase,status,period", NULL, "400,401,403,404"},
    {"POST", "/api/v1/targets", target_api_create, CAP_PLAN_WRITE,
     "Create a target for a unit in reach", NULL, "TargetCreate", "400,401,403,409,413,422"},

    /* ---- data entry, CSV import, DHIS2 (dataio.c) ---- */
    {"GET", "/orgs/{code}/data", entry_page, CAP_DATA_WRITE,
     "Data-entry form of a school for a year (and a month for monthly figures)", "period,month",
     NULL, "400,401,403,404"},
    {"POST", "/orgs/{code}/data", entry_submit, CAP_DATA_WRITE,
     "Save the data-entry form, all or nothing (form)", NULL, "EntryForm",
     "400,401,403,404,422,503"},
    {"GET", "/import", import_page, CAP_DATA_WRITE, "CSV import page", NULL, NULL, "401,403"},
    {"POST", "/import", import_submit, CAP_DATA_WRITE,
     "Import a CSV file of values (org,indicator,period,value), all or nothing, or check it with "
     "dry_run (multipart/form-data upload)",
     NULL, "ImportUpload", "400,401,403,413,422,503"},
    {"POST", "/api/v1/dataValueSets", dhis2_api_import, CAP_DATA_WRITE,
     "Import a DHIS2 data value set (dataElement and orgUnit matched by code), all or nothing; "
     "answers a DHIS2 ImportSummary (409 with its conflicts)",
     "dryRun", "DataValueSet", "400,401,403,409,413,503"},
    {"GET", "/api/v1/dataValueSets", dhis2_api_export, CAP_DATA_READ,
     "Export raw values as a DHIS2 data value set: every native period inside period, the "
     "subtree with children=true",
     "orgUnit,period,dataElement,children,periodFormat", NULL, "400,401,403,404"},

    /* ---- portrait and dashboards (dashboard.c) ---- */
    {"GET", "/orgs/{code}/portrait", portrait_page, CAP_DATA_READ,
     "School portrait (数字画像): current figures, history, comparison, gaps against targets",
     NULL, NULL, E_READ},
    {"GET", "/orgs/{code}/portrait.xlsx", portrait_xlsx, CAP_DATA_READ,
     "School portrait as an Excel workbook (one sheet per section)", NULL, NULL, E_READ},
    {"GET", "/dashboard", dashboard_page, CAP_DATA_READ,
     "Plan dashboard of the caller's top unit (a school: its portrait)", "period", NULL,
     "400,401,403,404"},
    {"GET", "/dashboard/{code}.xlsx", dashboard_xlsx, CAP_DATA_READ,
     "Every table of a dashboard as an Excel workbook", "period", NULL, "400,401,403,404"},
    {"GET", "/dashboard/{code}", dashboard_page, CAP_DATA_READ,
     "Plan dashboard of the region, a prefecture or a county", "period", NULL, "400,401,403,404"},
    {"GET", "/api/v1/dashboard/{code}", dashboard_api, CAP_DATA_READ,
     "A dashboard's figures: targets with status, the units that lag most", "period", NULL,
     "400,401,403,404"},

    /* ---- needs (need.c) ---- */

    /* ---- resources and packs (resource.c) ---- */

    /* ---- matching (match.c) ---- */

    /* ---- one school, one plan (schoolplan.c) ---- */

    /* the API's own description (openapi.c) */
    {"GET", "/api/v1/openapi.json", openapi_get, CAP_PUBLIC, "This OpenAPI document", NULL, NULL,
     NULL},
};

const int n_routes = (int)(sizeof routes / sizeof routes[0]);
