/* roles.h — roles, capabilities and the rules between them. Pure logic.
 *
 * A capability is one thing a person may do; a role is a set of capabilities
 * held at one node of the organisation tree, reaching that node's subtree.
 * Every route names one capability (CAP_PUBLIC and CAP_LOGIN included), so
 * that nothing is reachable by accident. */
#ifndef HUIJU_ROLES_H
#define HUIJU_ROLES_H

#include <stdint.h>

typedef enum Cap {
    CAP_NONE = 0,   /* not a valid route capability: a route that names it is refused */
    CAP_PUBLIC,     /* anyone, logged in or not */
    CAP_LOGIN,      /* any logged-in person: their own account */
    CAP_ORG_READ,   /* see organisations in reach */
    CAP_ORG_WRITE,  /* create and change organisations in reach */
    CAP_USER_READ,  /* see people whose roles are in reach */
    CAP_USER_WRITE, /* create people and grant roles in reach, never above one's own */
    CAP_AUDIT_READ, /* read the audit trail of the subtree */
    CAP_DATA_READ,  /* see indicator values, portraits and dashboards in reach */
    CAP_DATA_WRITE, /* enter and import values for organisations in reach */
    CAP_PLAN_WRITE, /* define indicators and targets */
    CAP_NEED_WRITE, /* file and update needs for schools in reach */
    CAP_RESOURCE_WRITE, /* offer resources and build packs for providers in reach */
    CAP_MATCH_RUN,  /* run matching for a unit in reach, accept or reject its proposals */
    CAP_PROJECT_WRITE,   /* apply for projects led by a unit in reach, report their progress */
    CAP_PROJECT_APPROVE, /* decide applications at one's own level, designate brands */
    CAP_SUPERVISE,       /* record supervision visits and rectification orders in reach */
    CAP_EVALUATE,        /* fill in an evaluation one is a party to (project.h, evaluation.c) */
    CAP_FUND_WRITE,      /* funds, budget lines and expenditures of units in reach */
    CAP_FUND_APPROVE,    /* approve the expenditures charged to funds owned in reach */
    CAP_ACTIVITY_WRITE,  /* organise activities and courses, check people in, verify hours */
    CAP_ACTIVITY_BOOK,   /* book activities near one, watch courses, log one's own hours */
    CAP_VOLUNTEER_MANAGE, /* approve volunteers of pools in reach, keep rewards */
    CAP_TRAINING_WRITE,  /* teachers' training records, 1+N teams and their working days */
    CAP_COUNT
} Cap;

typedef uint32_t CapSet;
#define CAPBIT(c) ((CapSet)1u << (c))

typedef enum Role {
    ROLE_NONE = 0,
    ROLE_REGION_ADMIN,
    ROLE_PREFECTURE_OFFICIAL,
    ROLE_COUNTY_OFFICIAL,
    ROLE_SCHOOL_LEADER,
    ROLE_LIAISON_OFFICER,
    ROLE_TEAM_MEMBER,
    ROLE_VOLUNTEER,
    ROLE_PARENT,
    ROLE_EVALUATOR,
    ROLE_AUDITOR,
    ROLE_SUPERVISOR,
    ROLE_COUNT
} Role;

/* The identifier of a capability ("org.read"), or NULL for an invalid one. */
const char *cap_name(Cap c);
/* The capability with that identifier, or CAP_NONE. */
Cap cap_from_name(const char *name);

/* The API/CLI identifier ("county_official"), or NULL. */
const char *role_name(Role r);
/* The role with that identifier, or ROLE_NONE. */
Role role_from_name(const char *name);
/* The message id of the role's human name (translate with i18n). */
const char *role_label(Role r);
/* The capabilities a role grants. */
CapSet role_caps(Role r);
/* Rank for escalation checks: region_admin 5, prefecture 4, county 3,
 * school_leader 2, every other role 1. */
int role_rank(Role r);
/* Whether role r may be held at an organisation of this kind
 * ("region", "prefecture", "county", "school", "partner"). */
int role_fits_kind(Role r, const char *org_kind);
/* Whether a holder of role `granter` may grant role `r` (somewhere in their
 * reach): r's capabilities must be a subset of the granter's and its rank no
 * higher. The place check is the caller's. */
int role_may_grant(Role granter, Role r);

#endif
