/* policy.c - THE access policy: role x action x site scope x field class, as tables.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/access.h"

#include <string.h>

static const char *const role_names[HV_N_ROLES] = {
    "registrar", "vetting", "site_manager", "planner", "auditor", "admin",
};

static const char *const action_names[HV_N_ACTIONS] = {
    "public",         "self",           "case.list",      "case.read",      "case.advance",
    "case.hold",      "person.read",    "dedup.read",     "dedup.decide",   "hit.read",
    "hit.decide",     "site.read",      "site.stay",      "occupancy.read", "crossing.read",
    "crossing.write", "movement.read",  "movement.write", "placement.read", "placement.write",
    "forecast.read",  "forecast.write", "audit.read",     "user.admin",
};

static const char *const fc_names[HV_N_FIELD_CLASSES] = {
    "none", "identity", "document", "employment", "screening",
};

/* Columns: registrar, vetting, site_manager, planner, auditor, admin. */
static const bool role_action[HV_N_ACTIONS][HV_N_ROLES] = {
    [HV_ACT_PUBLIC] = { 1, 1, 1, 1, 1, 1 },         [HV_ACT_SELF] = { 1, 1, 1, 1, 1, 1 },
    [HV_ACT_CASE_LIST] = { 1, 1, 1, 1, 0, 1 },      [HV_ACT_CASE_READ] = { 1, 1, 1, 1, 0, 1 },
    [HV_ACT_CASE_ADVANCE] = { 1, 0, 0, 0, 0, 1 },   [HV_ACT_CASE_HOLD] = { 1, 1, 0, 0, 0, 1 },
    [HV_ACT_PERSON_READ] = { 1, 1, 1, 0, 0, 1 },    [HV_ACT_DEDUP_READ] = { 0, 1, 0, 0, 0, 1 },
    [HV_ACT_DEDUP_DECIDE] = { 0, 1, 0, 0, 0, 1 },   [HV_ACT_HIT_READ] = { 0, 1, 0, 0, 0, 1 },
    [HV_ACT_HIT_DECIDE] = { 0, 1, 0, 0, 0, 1 },     [HV_ACT_SITE_READ] = { 1, 1, 1, 1, 0, 1 },
    [HV_ACT_SITE_STAY] = { 1, 0, 1, 0, 0, 1 },      [HV_ACT_OCCUPANCY_READ] = { 1, 0, 1, 1, 0, 1 },
    [HV_ACT_CROSSING_READ] = { 1, 1, 1, 1, 0, 1 },  [HV_ACT_CROSSING_WRITE] = { 0, 0, 0, 1, 0, 1 },
    [HV_ACT_MOVEMENT_READ] = { 1, 0, 1, 1, 0, 1 },  [HV_ACT_MOVEMENT_WRITE] = { 1, 0, 0, 1, 0, 1 },
    [HV_ACT_PLACEMENT_READ] = { 0, 0, 1, 1, 0, 1 }, [HV_ACT_PLACEMENT_WRITE] = { 0, 0, 0, 1, 0, 1 },
    [HV_ACT_FORECAST_READ] = { 0, 0, 0, 1, 0, 1 },  [HV_ACT_FORECAST_WRITE] = { 0, 0, 0, 1, 0, 1 },
    [HV_ACT_AUDIT_READ] = { 0, 0, 0, 0, 1, 1 },     [HV_ACT_USER_ADMIN] = { 0, 0, 0, 0, 0, 1 },
};

/* Columns as above. */
static const bool role_fields[HV_N_FIELD_CLASSES][HV_N_ROLES] = {
    [HV_FC_NONE] = { 1, 1, 1, 1, 1, 1 },      [HV_FC_IDENTITY] = { 1, 1, 1, 0, 0, 1 },
    [HV_FC_DOCUMENT] = { 1, 1, 1, 0, 0, 1 },  [HV_FC_EMPLOYMENT] = { 1, 0, 0, 0, 0, 1 },
    [HV_FC_SCREENING] = { 1, 1, 0, 0, 0, 1 },
};

/* Actions on one object that a site manager may only take at their own sites. */
static bool site_scoped(enum hv_action a)
{
    return a == HV_ACT_CASE_READ || a == HV_ACT_PERSON_READ || a == HV_ACT_SITE_STAY ||
           a == HV_ACT_CASE_HOLD || a == HV_ACT_CASE_ADVANCE;
}

const char *hv_role_name(enum hv_role r)
{
    return (unsigned)r < HV_N_ROLES ? role_names[r] : "?";
}

bool hv_role_parse(struct hv_str s, enum hv_role *out)
{
    for (int i = 0; i < HV_N_ROLES; i++) {
        if (hv_str_eqz(s, role_names[i])) {
            *out = (enum hv_role)i;
            return true;
        }
    }
    return false;
}

const char *hv_action_name(enum hv_action a)
{
    return (unsigned)a < HV_N_ACTIONS ? action_names[a] : "?";
}

bool hv_action_parse(struct hv_str s, enum hv_action *out)
{
    for (int i = 0; i < HV_N_ACTIONS; i++) {
        if (hv_str_eqz(s, action_names[i])) {
            *out = (enum hv_action)i;
            return true;
        }
    }
    return false;
}

const char *hv_field_class_name(enum hv_field_class fc)
{
    return (unsigned)fc < HV_N_FIELD_CLASSES ? fc_names[fc] : "?";
}

bool hv_access_role_can(enum hv_role r, enum hv_action a)
{
    return (unsigned)r < HV_N_ROLES && (unsigned)a < HV_N_ACTIONS && role_action[a][r];
}

bool hv_access_site_allowed(const struct hv_principal *p, const char *site_ref)
{
    if (p->role != HV_ROLE_SITE_MANAGER)
        return true;
    if (site_ref == NULL || site_ref[0] == '\0')
        return false;
    for (size_t i = 0; i < p->n_sites && i < HV_ACCESS_MAX_SITES; i++) {
        if (strcmp(p->sites[i], site_ref) == 0)
            return true;
    }
    return false;
}

/* True when country is one of the ';'-separated codes of list. */
static bool list_has(struct hv_str list, const char *country)
{
    size_t n = strlen(country);
    size_t i = 0;
    while (i < list.len) {
        size_t j = i;
        while (j < list.len && list.ptr[j] != ';')
            j++;
        if (j - i == n && memcmp(list.ptr + i, country, n) == 0)
            return true;
        i = j + 1;
    }
    return false;
}

bool hv_access_sees(const struct hv_principal *p, const struct hv_access_scope *scope,
                    enum hv_field_class fc)
{
    if ((unsigned)fc >= HV_N_FIELD_CLASSES || (unsigned)p->role >= HV_N_ROLES)
        return false;
    if (!role_fields[fc][p->role])
        return false;
    if (fc != HV_FC_NONE && p->role == HV_ROLE_SITE_MANAGER && scope != NULL &&
        scope->has_disclosure) {
        /* A host-country official: only what the case's disclosure list allows. */
        if (scope->country == NULL || !list_has(scope->disclosure, scope->country))
            return false;
    }
    return true;
}

enum hv_err hv_access_check(const struct hv_principal *p, enum hv_action a,
                            const struct hv_access_scope *scope, enum hv_field_class fc,
                            struct hv_diag *diag)
{
    if (p == NULL || !hv_access_role_can(p->role, a)) {
        hv_diag_set(diag, NULL, "the role %s may not %s", p != NULL ? hv_role_name(p->role) : "?",
                    hv_action_name(a));
        return HV_ERR_FORBIDDEN;
    }
    if (p->role == HV_ROLE_SITE_MANAGER && site_scoped(a) && scope != NULL) {
        if (!hv_access_site_allowed(p, scope->site_ref)) {
            hv_diag_set(diag, NULL, "%s is limited to the user's own sites", hv_action_name(a));
            return HV_ERR_FORBIDDEN;
        }
    }
    if (!hv_access_sees(p, scope, fc)) {
        hv_diag_set(diag, NULL, "the role %s may not see %s fields here", hv_role_name(p->role),
                    hv_field_class_name(fc));
        return HV_ERR_FORBIDDEN;
    }
    return HV_OK;
}
