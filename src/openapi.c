/* openapi.c — see openapi.h. Paths, parameters, capabilities and error
 * responses come from routes.c; request bodies from the schemas below. */
#include "openapi.h"

#include <stdio.h>
#include <string.h>

#include "core/roles.h"
#include "http/router.h"

/* Request body and response schemas, by the names routes.c uses. */
static const char schemas[] =
    "{"
    "\"Error\":{\"type\":\"object\",\"required\":[\"error\"],\"properties\":{\"error\":"
    "{\"type\":\"object\",\"required\":[\"code\",\"message\"],\"properties\":{\"code\":"
    "{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}}}},"
    "\"Login\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"login\","
    "\"password\"],\"properties\":{\"login\":{\"type\":\"string\"},\"password\":{\"type\":"
    "\"string\"}}},"
    "\"LoginForm\":{\"type\":\"object\",\"properties\":{\"login\":{\"type\":\"string\"},"
    "\"password\":{\"type\":\"string\"},\"next\":{\"type\":\"string\"}}},"
    "\"MeForm\":{\"type\":\"object\",\"properties\":{\"_csrf\":{\"type\":\"string\"},\"lang\":"
    "{\"enum\":[\"zh\",\"en\"]},\"current_password\":{\"type\":\"string\"},\"password\":"
    "{\"type\":\"string\"}}},"
    "\"MePatch\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"lang\":"
    "{\"enum\":[\"zh\",\"en\"]},\"current_password\":{\"type\":\"string\"},\"password\":"
    "{\"type\":\"string\",\"minLength\":8,\"maxLength\":128}}},"
    "\"TokenCreate\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":"
    "[\"name\"],\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":100},\"days\":"
    "{\"type\":\"integer\",\"minimum\":1,\"maximum\":3660}}},"
    "\"OrgCreate\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"code\","
    "\"name_zh\",\"kind\",\"parent\"],\"properties\":{\"code\":{\"type\":\"string\","
    "\"pattern\":\"^[A-Za-z0-9-]{2,32}$\"},\"name_zh\":{\"type\":\"string\"},\"name_en\":"
    "{\"type\":\"string\"},\"kind\":{\"enum\":[\"prefecture\",\"county\",\"school\","
    "\"partner\"]},\"parent\":{\"type\":\"string\"},\"partner_kind\":{\"enum\":[\"government\","
    "\"enterprise\",\"community\",\"social\",null]},\"is_helper\":{\"type\":\"boolean\"},"
    "\"is_recipient\":{\"type\":\"boolean\"},\"stage\":{\"enum\":[\"primary\",\"junior\","
    "\"senior\",\"vocational\",\"university\",\"nine_year\",\"complete\",null]},\"address\":"
    "{\"type\":\"string\"}}},"
    "\"OrgPatch\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"name_zh\":{\"type\":\"string\"},\"name_en\":{\"type\":\"string\"},\"partner_kind\":"
    "{\"type\":[\"string\",\"null\"]},\"is_helper\":{\"type\":\"boolean\"},\"is_recipient\":"
    "{\"type\":\"boolean\"},\"stage\":{\"type\":[\"string\",\"null\"]},\"address\":{\"type\":"
    "\"string\"},\"active\":{\"type\":\"boolean\"}}},"
    "\"OrgForm\":{\"type\":\"object\",\"properties\":{\"_csrf\":{\"type\":\"string\"}}},"
    "\"UserCreate\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":"
    "[\"login\",\"name\",\"password\",\"role\",\"org\"],\"properties\":{\"login\":{\"type\":"
    "\"string\",\"pattern\":\"^[a-z0-9][a-z0-9._-]{1,63}$\"},\"name\":{\"type\":\"string\"},"
    "\"password\":{\"type\":\"string\",\"minLength\":8,\"maxLength\":128},\"role\":{\"$ref\":"
    "\"#/components/schemas/Role\"},\"org\":{\"type\":\"string\"},\"phone\":{\"type\":"
    "\"string\"},\"email\":{\"type\":\"string\"}}},"
    "\"UserPatch\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"name\":{\"type\":\"string\"},\"password\":{\"type\":\"string\"},\"active\":{\"type\":"
    "\"boolean\"},\"lang\":{\"enum\":[\"zh\",\"en\",\"\"]},\"phone\":{\"type\":\"string\"},"
    "\"email\":{\"type\":\"string\"},\"add_role\":{\"$ref\":\"#/components/schemas/Grant\"},"
    "\"remove_role\":{\"$ref\":\"#/components/schemas/Grant\"}}},"
    "\"UserForm\":{\"type\":\"object\",\"properties\":{\"_csrf\":{\"type\":\"string\"}}},"
    "\"IndicatorCreate\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":"
    "[\"code\",\"name_zh\",\"category\",\"direction\",\"kind\",\"period_type\"],"
    "\"properties\":{\"code\":{\"type\":\"string\"},\"name_zh\":{\"type\":\"string\"},"
    "\"name_en\":{\"type\":\"string\"},\"unit\":{\"type\":\"string\"},\"category\":{\"enum\":"
    "[\"teachers\",\"academic\",\"students\",\"home_school\",\"resources\",\"funds\"]},"
    "\"direction\":{\"enum\":[\"up\",\"down\"]},\"kind\":{\"enum\":[\"raw\",\"ratio\"]},"
    "\"period_type\":{\"enum\":[\"year\",\"quarter\",\"month\"]},\"time_agg\":{\"enum\":"
    "[\"sum\",\"last\",\"none\"]},\"numerator\":{\"type\":[\"string\",\"null\"]},"
    "\"denominator\":{\"type\":[\"string\",\"null\"]},\"factor\":{\"type\":\"number\"},"
    "\"min\":{\"type\":[\"number\",\"null\"]},\"max\":{\"type\":[\"number\",\"null\"]},"
    "\"integer\":{\"type\":\"boolean\"}}},"
    "\"DataValues\":{\"type\":\"array\",\"maxItems\":50000,\"items\":{\"type\":\"object\","
    "\"additionalProperties\":false,\"required\":[\"org\",\"indicator\",\"period\",\"value\"],"
    "\"properties\":{\"org\":{\"type\":\"string\"},\"indicator\":{\"type\":\"string\"},"
    "\"period\":{\"type\":\"string\",\"pattern\":\"^[0-9]{4}(Q[1-4]|-[01][0-9])?$\"},"
    "\"value\":{\"type\":[\"number\",\"null\"]}}}},"
    /* targets (target.c) */
    "\"TargetCreate\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":"
    "[\"code\",\"name_zh\",\"direction\",\"scope\",\"target\",\"target_period\"],"
    "\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9_]{2,64}$\"},"
    "\"name_zh\":{\"type\":\"string\"},\"name_en\":{\"type\":\"string\"},\"unit\":"
    "{\"type\":\"string\"},\"kind\":{\"enum\":[\"rate\",\"count\",\"money\",\"rule\"]},"
    "\"direction\":{\"enum\":[\"up\",\"down\",\"min\",\"max\"]},\"indicator\":{\"type\":"
    "[\"string\",\"null\"]},\"scope\":{\"type\":\"string\"},\"phase\":{\"enum\":"
    "[\"base\",\"deepening\",\"consolidation\"]},\"baseline\":{\"type\":[\"number\","
    "\"null\"]},\"baseline_period\":{\"type\":[\"string\",\"null\"]},\"target\":{\"type\":"
    "\"number\"},\"target_period\":{\"type\":\"string\",\"pattern\":"
    "\"^([0-9]{4}(Q[1-4]|-[01][0-9])?|yearly|always)$\"},\"applies_to\":{\"enum\":"
    "[\"region\",\"prefecture\",\"county\",\"school\",\"teacher\"]},\"section\":"
    "{\"type\":\"string\"}}},"
    "\"EntryForm\":{\"type\":\"object\",\"properties\":{\"_csrf\":{\"type\":\"string\"},"
    "\"period\":{\"type\":\"string\",\"pattern\":\"^[0-9]{4}$\"},\"month\":{\"type\":"
    "\"string\",\"pattern\":\"^(1[0-2]|0?[1-9])$\"}},\"patternProperties\":{\"^v_[a-z0-9_]+$\":"
    "{\"type\":\"string\",\"description\":\"the value of one raw indicator; empty clears it\"}}},"
    "\"ImportUpload\":{\"type\":\"object\",\"required\":[\"file\"],\"properties\":{"
    "\"_csrf\":{\"type\":\"string\"},\"file\":{\"type\":\"string\",\"format\":\"binary\","
    "\"description\":\"CSV with the header org,indicator,period,value; an empty value deletes\"},"
    "\"dry_run\":{\"type\":\"string\",\"description\":\"present: check only, write nothing\"}}},"
    "\"DataValueSet\":{\"type\":\"object\",\"required\":[\"dataValues\"],\"properties\":{"
    "\"dataSet\":{\"type\":\"string\"},\"completeDate\":{\"type\":\"string\"},\"period\":"
    "{\"type\":\"string\"},\"orgUnit\":{\"type\":\"string\"},\"attributeOptionCombo\":"
    "{\"type\":\"string\"},\"dataValues\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"object\",\"required\":[\"dataElement\"],\"properties\":{\"dataElement\":{\"type\":"
    "\"string\"},\"period\":{\"type\":\"string\",\"pattern\":"
    "\"^[0-9]{4}([Qq][1-4]|-?[01]?[0-9])?$\"},\"orgUnit\":{\"type\":\"string\"},\"value\":"
    "{\"type\":[\"string\",\"number\",\"null\"]},\"deleted\":{\"type\":\"boolean\"}}}}}},"
    /* needs (need.c) */
    "\"NeedCreate\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":"
    "[\"school\",\"category\",\"quantity\"],\"properties\":{\"school\":{\"type\":"
    "\"string\",\"description\":\"code of a recipient school\"},\"year\":{\"type\":"
    "\"integer\",\"minimum\":2020,\"maximum\":2100},\"category\":{\"enum\":[\"teachers\","
    "\"training\",\"curriculum\",\"equipment\",\"parent_education\",\"community\","
    "\"funds\",\"other\"]},\"subject\":{\"type\":\"string\",\"maxLength\":100},"
    "\"quantity\":{\"type\":\"number\",\"exclusiveMinimum\":0},\"unit\":{\"type\":"
    "\"string\",\"maxLength\":32},\"priority\":{\"type\":\"integer\",\"minimum\":1,"
    "\"maximum\":5},\"wanted_by\":{\"type\":[\"string\",\"null\"],\"format\":\"date\"},"
    "\"description\":{\"type\":\"string\",\"maxLength\":2000},\"evidence\":{\"type\":"
    "\"string\",\"maxLength\":2000}}},"
    "\"NeedPatch\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"year\":{\"type\":\"integer\"},\"category\":{\"type\":\"string\"},\"subject\":"
    "{\"type\":\"string\"},\"quantity\":{\"type\":\"number\",\"exclusiveMinimum\":0},"
    "\"unit\":{\"type\":\"string\"},\"priority\":{\"type\":\"integer\",\"minimum\":1,"
    "\"maximum\":5},\"wanted_by\":{\"type\":[\"string\",\"null\"],\"format\":\"date\"},"
    "\"description\":{\"type\":\"string\"},\"evidence\":{\"type\":\"string\"},"
    "\"status\":{\"enum\":[\"proposed\",\"open\",\"matched\",\"in_progress\",\"met\","
    "\"closed\",\"dismissed\"],\"description\":\"proposed→open|dismissed; open→matched|"
    "closed; matched→open|in_progress|closed; in_progress→met|closed\"}}},"
    "\"NeedForm\":{\"type\":\"object\",\"properties\":{\"_csrf\":{\"type\":\"string\"},"
    "\"school\":{\"type\":\"string\"},\"category\":{\"type\":\"string\"},\"subject\":"
    "{\"type\":\"string\"},\"quantity\":{\"type\":\"string\"},\"unit\":{\"type\":"
    "\"string\"},\"priority\":{\"type\":\"string\"},\"year\":{\"type\":\"string\"},"
    "\"wanted_by\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"},"
    "\"evidence\":{\"type\":\"string\"}}},"
    "\"NeedStatusForm\":{\"type\":\"object\",\"required\":[\"status\"],\"properties\":{"
    "\"_csrf\":{\"type\":\"string\"},\"status\":{\"type\":\"string\"}}},"
    /* resources and packs (resource.c, pack.c) */
    "\"ResourceCreate\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":"
    "[\"provider\",\"kind\",\"category\",\"title\",\"capacity\",\"available_from\","
    "\"available_to\",\"reach\",\"attrs\"],\"properties\":{\"provider\":{\"type\":\"string\","
    "\"description\":\"code of a helping school or partner organisation\"},\"kind\":{\"enum\":"
    "[\"teacher_secondment\",\"course_pack\",\"training\",\"equipment\",\"funds\","
    "\"volunteer_service\"]},\"category\":{\"enum\":[\"teachers\",\"training\",\"curriculum\","
    "\"equipment\",\"parent_education\",\"community\",\"funds\",\"other\"],\"description\":"
    "\"the need category it serves\"},\"subject\":{\"type\":\"string\",\"maxLength\":50},"
    "\"stage\":{\"type\":\"string\"},\"title\":{\"type\":\"string\",\"maxLength\":200},"
    "\"description\":{\"type\":\"string\",\"maxLength\":4000},\"capacity\":{\"type\":"
    "\"number\",\"exclusiveMinimum\":0},\"unit\":{\"type\":\"string\",\"maxLength\":20},"
    "\"available_from\":{\"type\":\"string\",\"format\":\"date\"},\"available_to\":{\"type\":"
    "\"string\",\"format\":\"date\"},\"reach\":{\"type\":\"array\",\"minItems\":1,\"items\":"
    "{\"type\":\"string\"},\"description\":\"codes of the region, prefectures or counties\"},"
    "\"attrs\":{\"type\":\"object\",\"description\":\"per kind, all required: "
    "teacher_secondment {teachers, months}; course_pack {stage, subject, format}; training "
    "{hours, category, seats}; equipment {kind, value_fen}; funds {amount_fen}; "
    "volunteer_service {hours}; money in integer fen\"}}},"
    "\"ResourcePatch\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"title\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"},\"capacity\":"
    "{\"type\":\"number\",\"exclusiveMinimum\":0,\"description\":\"not below capacity - "
    "remaining\"},\"available_from\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"available_to\":{\"type\":\"string\",\"format\":\"date\"},\"reach\":{\"type\":\"array\","
    "\"items\":{\"type\":\"string\"}},\"active\":{\"type\":\"boolean\"}}},"
    "\"ResourceForm\":{\"type\":\"object\",\"properties\":{\"_csrf\":{\"type\":\"string\"},"
    "\"provider\":{\"type\":\"string\"},\"kind\":{\"type\":\"string\"},\"category\":{\"type\":"
    "\"string\"},\"title\":{\"type\":\"string\"},\"capacity\":{\"type\":\"string\"},"
    "\"available_from\":{\"type\":\"string\"},\"available_to\":{\"type\":\"string\"},"
    "\"reach\":{\"type\":\"string\",\"description\":\"repeated: ticked region/prefectures\"},"
    "\"reach_codes\":{\"type\":\"string\"}},\"patternProperties\":{\"^a_[a-z_]+$\":{\"type\":"
    "\"string\",\"description\":\"a_KIND_ATTR: the chosen kind's attributes (money in "
    "yuan)\"}}},"
    "\"ResourceEditForm\":{\"type\":\"object\",\"properties\":{\"_csrf\":{\"type\":\"string\"},"
    "\"title\":{\"type\":\"string\"},\"capacity\":{\"type\":\"string\"},\"available_from\":"
    "{\"type\":\"string\"},\"available_to\":{\"type\":\"string\"},\"reach_codes\":{\"type\":"
    "\"string\"},\"description\":{\"type\":\"string\"},\"active\":{\"type\":\"string\"}}},"
    "\"PackCreate\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":"
    "[\"school\",\"year\",\"name\",\"items\"],\"properties\":{\"school\":{\"type\":\"string\","
    "\"description\":\"code of a recipient school every item reaches\"},\"year\":{\"type\":"
    "\"integer\"},\"name\":{\"type\":\"string\",\"maxLength\":200},\"note\":{\"type\":"
    "\"string\"},\"items\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":100,\"items\":{"
    "\"type\":\"object\",\"required\":[\"resource\",\"quantity\"],\"properties\":{\"resource\":"
    "{\"type\":\"integer\"},\"need\":{\"type\":[\"integer\",\"null\"]},\"quantity\":{\"type\":"
    "\"number\",\"exclusiveMinimum\":0}}}}}},"
    "\"CsrfForm\":{\"type\":\"object\",\"properties\":{\"_csrf\":{\"type\":\"string\"}}},"
    /* matching (match.c) */
    "\"MatchRunCreate\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":"
    "[\"scope\",\"year\"],\"properties\":{\"scope\":{\"type\":\"string\",\"description\":"
    "\"code of the unit whose recipient schools' open needs are matched\"},\"year\":{\"type\":"
    "\"integer\",\"minimum\":2000,\"maximum\":2100}}},"
    "\"MatchOverride\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":"
    "[\"resource\",\"quantity\"],\"properties\":{\"resource\":{\"type\":\"integer\","
    "\"description\":\"id of the resource given instead\"},\"quantity\":{\"type\":\"number\","
    "\"exclusiveMinimum\":0}}},"
    "\"MatchRunForm\":{\"type\":\"object\",\"properties\":{\"_csrf\":{\"type\":\"string\"},"
    "\"scope\":{\"type\":\"string\"},\"year\":{\"type\":\"string\"}}},"
    "\"MatchDecideForm\":{\"type\":\"object\",\"properties\":{\"_csrf\":{\"type\":\"string\"},"
    "\"pid\":{\"type\":\"string\"},\"action\":{\"type\":\"string\",\"enum\":[\"accept\","
    "\"reject\",\"override\"]},\"resource\":{\"type\":\"string\"},\"quantity\":{\"type\":"
    "\"string\"}}},"
    /* -- schemas: projects (project.c) -- */
    /* -- schemas: progress (progress.c) -- */
    /* -- schemas: agreements, supervision, brands -- */
    /* -- schemas: evaluation (evaluation.c) -- */
    /* -- schemas: funds (fund.c) -- */
    /* -- schemas: volunteers and points (volunteer.c, points.c) -- */
    /* -- schemas: activities and courses (activity.c, course.c, mobile.c) -- */
    /* -- schemas: training and teams (training.c, team.c) -- */
    /* ---- more request schemas go above this line, one module's block at a time ---- */
    "\"Grant\":{\"type\":\"object\",\"required\":[\"role\",\"org\"],\"properties\":{\"role\":"
    "{\"$ref\":\"#/components/schemas/Role\"},\"org\":{\"type\":\"string\"}}}"
    "}";

static const char *status_text(const char *code)
{
    static const struct {
        const char *code, *text;
    } t[] = {{"400", "Malformed request or parameter"},
             {"401", "Not logged in"},
             {"403", "Missing capability or CSRF token"},
             {"404", "Not found, or outside the caller's reach"},
             {"405", "Method not allowed"},
             {"409", "Conflict"},
             {"413", "Body too large"},
             {"422", "Invalid or unknown field"},
             {"429", "Too many failed attempts"},
             {"503", "Service unavailable"}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i].code, code) == 0) return t[i].text;
    return "Error";
}

static void add_error(json_t *responses, const char *code)
{
    if (json_object_get(responses, code)) return;
    json_object_set_new(
        responses, code,
        json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", status_text(code), "content",
                  "application/json", "schema", "$ref", "#/components/schemas/Error"));
}

/* Adds the comma-separated codes in list to responses. */
static void add_errors(json_t *responses, const char *list)
{
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char code[8];
        if (n > 0 && n < sizeof code) {
            memcpy(code, p, n);
            code[n] = 0;
            add_error(responses, code);
        }
        p = e ? e + 1 : p + n;
    }
}

static json_t *operation(const Route *rt, json_t *known_schemas)
{
    json_t *params = json_array();
    for (const char *p = rt->pattern; (p = strchr(p, '{'));) {
        const char *e = strchr(p, '}');
        json_array_append_new(params, json_pack("{s:s%,s:s,s:b,s:{s:s}}", "name", p + 1,
                                                (size_t)(e - p - 1), "in", "path", "required", 1,
                                                "schema", "type", "string"));
        p = e;
    }
    for (const char *p = rt->query; p && *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        json_array_append_new(params, json_pack("{s:s%,s:s,s:b,s:{s:s}}", "name", p, n, "in",
                                                "query", "required", 0, "schema", "type",
                                                "string"));
        p = e ? e + 1 : p + n;
    }
    int api = strncmp(rt->pattern, "/api/", 5) == 0;
    const char *ok = strcmp(rt->method, "DELETE") == 0 ? "204"
                     : (strcmp(rt->method, "POST") == 0 && api && strstr(rt->summary, "Create"))
                         ? "201"
                         : (!api && strcmp(rt->method, "POST") == 0) ? "303"
                                                                     : "200";
    json_t *responses = json_object();
    json_object_set_new(responses, ok, json_pack("{s:s}", "description", "Success"));
    if (rt->cap != CAP_PUBLIC) add_errors(responses, "401,403");
    add_errors(responses, rt->errors);
    json_t *op = json_pack("{s:s,s:s,s:o,s:o,s:[s],s:s}", "summary", rt->summary, "operationId",
                           "", "parameters", params, "responses", responses, "tags",
                           api ? "api" : "pages", "x-capability", cap_name(rt->cap));
    char opid[160];
    snprintf(opid, sizeof opid, "%s %s", rt->method, rt->pattern);
    json_object_set_new(op, "operationId", json_string(opid));
    if (rt->body && !json_object_get(known_schemas, rt->body)) {
        /* a body schema not described above: say at least that it is an object */
        const char *ct = api ? "application/json" : "application/x-www-form-urlencoded";
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b,s:{s:{s:{s:s}}}}", "required", 1, "content", ct,
                                      "schema", "type", "object"));
    } else if (rt->body) {
        char ref[96];
        snprintf(ref, sizeof ref, "#/components/schemas/%s", rt->body);
        const char *ct = api ? "application/json" : "application/x-www-form-urlencoded";
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b,s:{s:{s:{s:s}}}}", "required", 1, "content", ct,
                                      "schema", "$ref", ref));
    }
    if (rt->cap == CAP_PUBLIC)
        json_object_set_new(op, "security", json_array());
    return op;
}

json_t *openapi_document(void)
{
    json_t *sc = json_loads(schemas, 0, NULL);
    if (!sc) sc = json_object();
    json_t *paths = json_object();
    for (int i = 0; i < n_routes; i++) {
        const Route *rt = &routes[i];
        json_t *item = json_object_get(paths, rt->pattern);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, rt->pattern, item);
        }
        char m[8];
        size_t k = 0;
        for (; rt->method[k] && k < sizeof m - 1; k++) m[k] = (char)(rt->method[k] | 0x20);
        m[k] = 0;
        json_object_set_new(item, m, operation(rt, sc));
    }
    json_t *roles = json_array();
    for (int ro = 1; ro < ROLE_COUNT; ro++) json_array_append_new(roles, json_string(role_name((Role)ro)));
    json_object_set_new(sc, "Role", json_pack("{s:o}", "enum", roles));
    return json_pack(
        "{s:s,s:{s:s,s:s,s:s},s:o,s:{s:o,s:{s:{s:s,s:s},s:{s:s,s:s,s:s}}},s:[{s:[]},{s:[]}]}",
        "openapi", "3.1.0", "info", "title", "Huiju API", "version", HUIJU_VERSION,
        "description",
        "Work management platform of the school-based assistance programme "
        "(学校访惠聚工作管理平台). Errors are {\"error\":{\"code\",\"message\"}}; lists take "
        "limit and cursor and answer {\"items\",\"next_cursor\"}. An object outside the "
        "caller's reach answers 404, like one that does not exist. Cookie-authenticated "
        "writes need the X-CSRF-Token header.",
        "paths", paths, "components", "schemas", sc, "securitySchemes", "bearer", "type", "http",
        "scheme", "bearer", "cookie", "type", "apiKey", "in", "cookie", "name", "huiju_session",
        "security", "bearer", "cookie");
}

void openapi_get(Req *r)
{
    req_add_header(r, "Cache-Control", "public, max-age=300");
    req_send_json(r, 200, openapi_document());
}
