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
#include "match.h"
#include "need.h"
#include "openapi.h"
#include "org.h"
#include "pack.h"
#include "resource.h"
#include "schoolplan.h"
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
    {"GET", "/needs", need_page_index, CAP_DATA_READ,
     "Needs list page: filters by category, status, place in the tree and year",
     "school,org,category,status,year,limit,cursor", NULL, "400,401,403,404"},
    {"GET", "/needs/new", need_page_new, CAP_NEED_WRITE, "Form to file a need for a recipient school",
     "school", NULL, E_READ},
    {"GET", "/needs/summary", need_page_summary, CAP_DATA_READ,
     "Needs of a unit summed by category and status, and by the units below it (tables and "
     "charts)",
     "org,year", NULL, "400,401,403,404"},
    {"POST", "/needs", need_page_create, CAP_NEED_WRITE, "File a need (form)", NULL, "NeedForm",
     "400,401,403,404,413,422,503"},
    {"GET", "/needs/{id}", need_page_show, CAP_DATA_READ,
     "A need, with the status changes allowed from where it stands", NULL, NULL, E_READ},
    {"POST", "/needs/{id}/status", need_page_status, CAP_NEED_WRITE,
     "Change a need's status (form): legal transitions only", NULL, "NeedStatusForm",
     "400,401,403,404,409,413,422,503"},
    {"GET", "/api/v1/needs", need_api_list, CAP_DATA_READ, "List needs in reach, newest first",
     "school,org,category,status,year,limit,cursor", NULL, "400,401,403,404"},
    {"POST", "/api/v1/needs", need_api_create, CAP_NEED_WRITE,
     "File a need for a recipient school in reach (status open)", NULL, "NeedCreate",
     "400,401,403,404,413,422,503"},
    {"POST", "/api/v1/needs/derive", need_api_derive, CAP_NEED_WRITE,
     "Propose needs from the portraits: every active need rule for every recipient school under "
     "org, for a year; answers the counts (idempotent)",
     "org,year", NULL, "400,401,403,404,503"},
    {"GET", "/api/v1/needs/{id}", need_api_get, CAP_DATA_READ, "One need", NULL, NULL, E_READ},
    {"PATCH", "/api/v1/needs/{id}", need_api_patch, CAP_NEED_WRITE,
     "Change a need's fields and/or status (legal transitions only: 409 names the allowed ones)",
     NULL, "NeedPatch", "400,401,403,404,409,413,422,503"},

    /* ---- resources and packs (resource.c) ---- */
    {"GET", "/resources", resource_page_index, CAP_DATA_READ,
     "Resource library page: filters and a table", "kind,category,subject,provider,reach,"
     "available_on,active,limit,cursor", NULL, "400,401,403"},
    {"GET", "/resources/new", resource_page_new, CAP_RESOURCE_WRITE,
     "Form to offer a resource (every kind's fields grouped)", NULL, NULL, "401,403"},
    {"POST", "/resources", resource_page_create, CAP_RESOURCE_WRITE,
     "Offer a resource (form)", NULL, "ResourceForm", E_WRITE},
    {"GET", "/resources/{id}", resource_page_show, CAP_DATA_READ,
     "Resource page, with its edit form for the provider's people", NULL, NULL, E_READ},
    {"POST", "/resources/{id}", resource_page_update, CAP_RESOURCE_WRITE,
     "Change a resource (form)", NULL, "ResourceEditForm", E_WRITE},
    {"GET", "/api/v1/resources", resource_api_list, CAP_DATA_READ,
     "The shared resource library, filtered; reach=CODE: resources that can reach CODE; "
     "available_on=YYYY-MM-DD",
     "kind,category,subject,provider,reach,available_on,active,limit,cursor", NULL,
     "400,401,403"},
    {"POST", "/api/v1/resources", resource_api_create, CAP_RESOURCE_WRITE,
     "Offer a resource for a helping school or partner in reach (kind attributes checked)",
     NULL, "ResourceCreate", E_WRITE},
    {"GET", "/api/v1/resources/{id}", resource_api_get, CAP_DATA_READ, "One resource", NULL,
     NULL, E_READ},
    {"PATCH", "/api/v1/resources/{id}", resource_api_patch, CAP_RESOURCE_WRITE,
     "Change a resource; capacity never below what is consumed", NULL, "ResourcePatch",
     E_WRITE},
    {"GET", "/packs", pack_page_index, CAP_DATA_READ, "Resource packs page", "school,status,year,"
     "limit,cursor", NULL, "400,401,403"},
    {"GET", "/packs/new", pack_page_new, CAP_RESOURCE_WRITE,
     "Form to build a resource pack: the school's open and matched needs of the year, each "
     "with the resources that can serve it and a quantity field (pack_page.c)",
     "school,year", NULL, "400,401,403,404"},
    {"POST", "/packs", pack_page_create, CAP_RESOURCE_WRITE,
     "Build a resource pack (form; the same checks as POST /api/v1/packs), then go to it",
     NULL, "PackForm", E_WRITE},
    {"GET", "/packs/{id}", pack_page_show, CAP_DATA_READ,
     "Resource pack page with deliver and receive buttons", NULL, NULL, E_READ},
    {"POST", "/packs/{id}/deliver", pack_page_deliver, CAP_RESOURCE_WRITE,
     "Record a pack's delivery (form)", NULL, "CsrfForm", "401,403,404,409"},
    {"POST", "/packs/{id}/receive", pack_page_receive, CAP_NEED_WRITE,
     "Confirm a pack's receipt (form)", NULL, "CsrfForm", "401,403,404,409"},
    {"GET", "/api/v1/packs", pack_api_list, CAP_DATA_READ,
     "Resource packs visible through their school or a provider of their items",
     "school,status,year,limit,cursor", NULL, "400,401,403"},
    {"POST", "/api/v1/packs", pack_api_create, CAP_RESOURCE_WRITE,
     "Build a resource pack for a recipient school and year, consuming its items' capacity "
     "(409 when not enough is left)",
     NULL, "PackCreate", E_WRITE},
    {"GET", "/api/v1/packs/{id}", pack_api_get, CAP_DATA_READ, "One resource pack", NULL, NULL,
     E_READ},
    {"POST", "/api/v1/packs/{id}/deliver", pack_api_deliver, CAP_RESOURCE_WRITE,
     "Record delivery by a provider of its items (draft → delivered)", NULL, NULL,
     "401,403,404,409"},
    {"POST", "/api/v1/packs/{id}/receive", pack_api_receive, CAP_NEED_WRITE,
     "Confirm receipt by the school (delivered → received)", NULL, NULL, "401,403,404,409"},

    /* ---- matching (match.c) ---- */
    {"GET", "/match", match_page, CAP_DATA_READ,
     "Matching page: run matching for a unit and year, its runs, a run's proposals with reasons",
     "scope,year,run,done", NULL, "400,401,403,404,503"},
    {"POST", "/match", match_page_run, CAP_MATCH_RUN, "Run matching for a unit and year (form)",
     NULL, "MatchRunForm", "401,403,404,413,422,503"},
    {"POST", "/match/{id}/decide", match_page_decide, CAP_MATCH_RUN,
     "Accept, reject or override a proposal (form)", NULL, "MatchDecideForm",
     "401,403,404,409,413,422,503"},
    {"GET", "/api/v1/match-runs", match_api_list, CAP_DATA_READ,
     "Match runs of a unit (and the units below it), newest first", "scope,year", NULL,
     "400,401,403,404"},
    {"POST", "/api/v1/match-runs", match_api_create, CAP_MATCH_RUN,
     "Run matching for a unit and year: stores the run, its inputs and its proposals", NULL,
     "MatchRunCreate", "400,401,403,404,413,422"},
    {"GET", "/api/v1/match-runs/{id}", match_api_get, CAP_DATA_READ,
     "A match run with its proposals, their scores and reasons", NULL, NULL, E_READ},
    {"GET", "/api/v1/match-runs/{id}/compare/{other}", match_api_compare, CAP_DATA_READ,
     "Pairs added, removed and changed from one run to another", NULL, NULL, E_READ},
    {"POST", "/api/v1/match-runs/{id}/proposals/{pid}/accept", match_api_accept, CAP_MATCH_RUN,
     "Accept a proposal: consumes capacity, raises the need's met quantity, records the supply",
     NULL, NULL, "400,401,403,404,409,413,422"},
    {"POST", "/api/v1/match-runs/{id}/proposals/{pid}/reject", match_api_reject, CAP_MATCH_RUN,
     "Reject a proposal", NULL, NULL, "400,401,403,404,409,413,422"},
    {"POST", "/api/v1/match-runs/{id}/proposals/{pid}/override", match_api_override,
     CAP_MATCH_RUN, "Accept a proposal with another resource or quantity", NULL, "MatchOverride",
     "400,401,403,404,409,413,422"},

    /* ---- one school, one plan (schoolplan.c) ---- */
    {"GET", "/plans", plan_page_list, CAP_DATA_READ,
     "One school, one plan: the recipient schools of a unit in reach with their needs, met and "
     "open gaps for a year",
     "org,year,cursor", NULL, "400,401,403,404"},
    {"GET", "/plans/{school}/{year}.xlsx", plan_xlsx, CAP_DATA_READ,
     "A school's plan for a year as an Excel workbook (one sheet per section)", NULL, NULL,
     "400,401,403,404"},
    {"GET", "/plans/{school}/{year}/print", plan_print, CAP_DATA_READ,
     "A school's plan for a year, printable (A4) with a signature block", NULL, NULL,
     "400,401,403,404"},
    {"GET", "/plans/{school}/{year}", plan_page, CAP_DATA_READ,
     "One school, one plan (一校一策): needs, matched resources, packs, projects, open gaps",
     NULL, NULL, "400,401,403,404"},
    {"GET", "/api/v1/plans", plan_api_list, CAP_DATA_READ,
     "Recipient schools of a unit in reach (default: the caller's top unit) with their plan's "
     "counts for a year",
     "org,year,cursor", NULL, "400,401,403,404"},
    {"GET", "/api/v1/plans/{school}/{year}", plan_api_get, CAP_DATA_READ,
     "A recipient school's plan for a year: confirmed needs with their supply and packs, "
     "projects, open gaps with totals by category, key portrait figures",
     NULL, NULL, "400,401,403,404"},

    /* ---- projects and their approval (project.c, project_page.c) ---- */

    /* ---- milestones, progress reports, evidence files (progress.c) ---- */

    /* ---- agreements, supervision, brands and media (agreement.c, supervision.c, brand.c) ---- */

    /* ---- three-level evaluation (evaluation.c) ---- */

    /* ---- funds, budget lines, expenditures (fund.c, fund_page.c) ---- */

    /* ---- volunteers, service hours, points and rewards (volunteer.c, points.c) ---- */

    /* ---- activities, bookings, the online parent school, mobile pages (activity.c, course.c,
     * mobile.c) ---- */

    /* ---- training records and 1+N teams (training.c, team.c) ---- */

    /* the API's own description (openapi.c) */
    {"GET", "/api/v1/openapi.json", openapi_get, CAP_PUBLIC, "This OpenAPI document", NULL, NULL,
     NULL},
};

const int n_routes = (int)(sizeof routes / sizeof routes[0]);
