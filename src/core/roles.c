/* roles.c — the role → capability table. See roles.h. */
#include "roles.h"

#include <string.h>

static const char *const cap_names[CAP_COUNT] = {
    [CAP_NONE] = NULL,
    [CAP_PUBLIC] = "public",
    [CAP_LOGIN] = "login",
    [CAP_ORG_READ] = "org.read",
    [CAP_ORG_WRITE] = "org.write",
    [CAP_USER_READ] = "user.read",
    [CAP_USER_WRITE] = "user.write",
    [CAP_AUDIT_READ] = "audit.read",
    [CAP_DATA_READ] = "data.read",
    [CAP_DATA_WRITE] = "data.write",
    [CAP_PLAN_WRITE] = "plan.write",
    [CAP_NEED_WRITE] = "need.write",
    [CAP_RESOURCE_WRITE] = "resource.write",
    [CAP_MATCH_RUN] = "match.run",
    [CAP_PROJECT_WRITE] = "project.write",
    [CAP_PROJECT_APPROVE] = "project.approve",
    [CAP_SUPERVISE] = "supervision.write",
    [CAP_EVALUATE] = "evaluation.write",
    [CAP_FUND_WRITE] = "fund.write",
    [CAP_FUND_APPROVE] = "fund.approve",
    [CAP_ACTIVITY_WRITE] = "activity.write",
    [CAP_ACTIVITY_BOOK] = "activity.book",
    [CAP_VOLUNTEER_MANAGE] = "volunteer.manage",
    [CAP_TRAINING_WRITE] = "training.write",
};

typedef struct RoleDef {
    const char *name;
    const char *label;
    int rank;
    const char *kinds; /* comma-separated org kinds the role may be held at */
    CapSet caps;
} RoleDef;

#define BASE (CAPBIT(CAP_PUBLIC) | CAPBIT(CAP_LOGIN))
#define OFFICIAL                                                                                  \
    (BASE | CAPBIT(CAP_ORG_READ) | CAPBIT(CAP_ORG_WRITE) | CAPBIT(CAP_USER_READ) |                \
     CAPBIT(CAP_USER_WRITE) | CAPBIT(CAP_DATA_READ) | CAPBIT(CAP_DATA_WRITE) |                   \
     CAPBIT(CAP_NEED_WRITE) | CAPBIT(CAP_RESOURCE_WRITE) | CAPBIT(CAP_MATCH_RUN) | WORK |        \
     CAPBIT(CAP_FUND_APPROVE) | CAPBIT(CAP_SUPERVISE))
#define DATA (CAPBIT(CAP_DATA_READ) | CAPBIT(CAP_DATA_WRITE))
/* what a school leader runs: projects (and school-level approval), funds, activities,
 * volunteers, training */
#define WORK                                                                                      \
    (CAPBIT(CAP_PROJECT_WRITE) | CAPBIT(CAP_PROJECT_APPROVE) | CAPBIT(CAP_EVALUATE) |             \
     CAPBIT(CAP_FUND_WRITE) | CAPBIT(CAP_ACTIVITY_WRITE) | CAPBIT(CAP_ACTIVITY_BOOK) |            \
     CAPBIT(CAP_VOLUNTEER_MANAGE) | CAPBIT(CAP_TRAINING_WRITE))
#define BOOK CAPBIT(CAP_ACTIVITY_BOOK)

static const RoleDef roles[ROLE_COUNT] = {
    [ROLE_REGION_ADMIN] = {"region_admin", "Region administrator", 5, "region",
                           OFFICIAL | CAPBIT(CAP_AUDIT_READ) | DATA | CAPBIT(CAP_PLAN_WRITE)},
    [ROLE_PREFECTURE_OFFICIAL] = {"prefecture_official", "Prefecture official", 4, "prefecture",
                                  OFFICIAL},
    [ROLE_COUNTY_OFFICIAL] = {"county_official", "County official", 3, "county", OFFICIAL},
    [ROLE_SCHOOL_LEADER] = {"school_leader", "School leader", 2, "school",
                            BASE | CAPBIT(CAP_ORG_READ) | CAPBIT(CAP_USER_READ) |
                                CAPBIT(CAP_USER_WRITE) | DATA | CAPBIT(CAP_NEED_WRITE) |
                                CAPBIT(CAP_RESOURCE_WRITE) | WORK},
    [ROLE_LIAISON_OFFICER] = {"liaison_officer", "Liaison officer", 1, "school",
                              BASE | CAPBIT(CAP_ORG_READ) | DATA | CAPBIT(CAP_NEED_WRITE) |
                                  CAPBIT(CAP_EVALUATE) | CAPBIT(CAP_ACTIVITY_WRITE) | BOOK},
    [ROLE_TEAM_MEMBER] = {"team_member", "Assistance-team member", 1, "school",
                          BASE | CAPBIT(CAP_ORG_READ) | CAPBIT(CAP_DATA_READ) | BOOK},
    [ROLE_VOLUNTEER] = {"volunteer", "Volunteer", 1, "region,prefecture,county,school,partner",
                        BASE | BOOK},
    [ROLE_PARENT] = {"parent", "Parent", 1, "school", BASE | BOOK},
    [ROLE_EVALUATOR] = {"evaluator", "Third-party evaluator", 1, "region,prefecture,county,partner",
                        BASE | CAPBIT(CAP_ORG_READ) | CAPBIT(CAP_DATA_READ) |
                            CAPBIT(CAP_EVALUATE)},
    [ROLE_AUDITOR] = {"auditor", "Auditor", 1, "region,prefecture,county",
                      BASE | CAPBIT(CAP_ORG_READ) | CAPBIT(CAP_USER_READ) |
                          CAPBIT(CAP_AUDIT_READ) | CAPBIT(CAP_DATA_READ)},
    [ROLE_SUPERVISOR] = {"supervisor", "Supervisor", 1, "region,prefecture,county",
                         BASE | CAPBIT(CAP_ORG_READ) | CAPBIT(CAP_USER_READ) |
                             CAPBIT(CAP_DATA_READ) | CAPBIT(CAP_SUPERVISE)},
};

const char *cap_name(Cap c)
{
    return (c > CAP_NONE && c < CAP_COUNT) ? cap_names[c] : NULL;
}

Cap cap_from_name(const char *name)
{
    for (int c = 1; c < CAP_COUNT && name; c++)
        if (strcmp(cap_names[c], name) == 0) return (Cap)c;
    return CAP_NONE;
}

const char *role_name(Role r)
{
    return (r > ROLE_NONE && r < ROLE_COUNT) ? roles[r].name : NULL;
}

Role role_from_name(const char *name)
{
    for (int r = 1; r < ROLE_COUNT && name; r++)
        if (strcmp(roles[r].name, name) == 0) return (Role)r;
    return ROLE_NONE;
}

const char *role_label(Role r)
{
    return (r > ROLE_NONE && r < ROLE_COUNT) ? roles[r].label : "";
}

CapSet role_caps(Role r)
{
    return (r > ROLE_NONE && r < ROLE_COUNT) ? roles[r].caps : 0;
}

int role_rank(Role r)
{
    return (r > ROLE_NONE && r < ROLE_COUNT) ? roles[r].rank : 0;
}

int role_fits_kind(Role r, const char *kind)
{
    if (r <= ROLE_NONE || r >= ROLE_COUNT || !kind || !*kind) return 0;
    size_t n = strlen(kind);
    for (const char *p = roles[r].kinds; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, kind, n) == 0) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

int role_may_grant(Role granter, Role r)
{
    if (!(role_caps(granter) & CAPBIT(CAP_USER_WRITE))) return 0;
    if (r <= ROLE_NONE || r >= ROLE_COUNT) return 0;
    CapSet g = role_caps(granter), w = role_caps(r);
    return (w & ~g) == 0 && role_rank(r) <= role_rank(granter);
}
