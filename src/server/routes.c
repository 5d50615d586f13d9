/* routes.c - THE route table: every endpoint with the action the policy checks. The router
 * refuses any request whose route's action the role does not hold before a handler runs;
 * tests/api/test_matrix.py compares this table with openapi.json and tries every role.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include "haven/jsonw.h"

const struct hv_route hv__routes[] = {
    { "POST", "/api/v1/login", HV_ACT_PUBLIC, hv__h_login },
    { "POST", "/api/v1/logout", HV_ACT_SELF, hv__h_logout },
    { "GET", "/api/v1/me", HV_ACT_SELF, hv__h_me },
    { "GET", "/api/v1/openapi.json", HV_ACT_PUBLIC, hv__h_openapi },
    { "GET", "/api/v1/cases", HV_ACT_CASE_LIST, hv__h_cases },
    { "GET", "/api/v1/cases/{id}", HV_ACT_CASE_READ, hv__h_case },
    { "POST", "/api/v1/cases/{id}/advance", HV_ACT_CASE_ADVANCE, hv__h_case_advance },
    { "POST", "/api/v1/cases/{id}/hold", HV_ACT_CASE_HOLD, hv__h_case_hold },
    { "POST", "/api/v1/cases/{id}/release", HV_ACT_CASE_HOLD, hv__h_case_release },
    { "GET", "/api/v1/people/{id}", HV_ACT_PERSON_READ, hv__h_person },
    { "GET", "/api/v1/dedup/pairs", HV_ACT_DEDUP_READ, hv__h_pairs },
    { "GET", "/api/v1/dedup/pairs/{id}", HV_ACT_DEDUP_READ, hv__h_pair },
    { "POST", "/api/v1/dedup/pairs/{id}/decision", HV_ACT_DEDUP_DECIDE, hv__h_pair_decide },
    { "GET", "/api/v1/hits", HV_ACT_HIT_READ, hv__h_hits },
    { "GET", "/api/v1/hits/{id}", HV_ACT_HIT_READ, hv__h_hit },
    { "POST", "/api/v1/hits/{id}/decision", HV_ACT_HIT_DECIDE, hv__h_hit_decide },
    { "GET", "/api/v1/sites", HV_ACT_SITE_READ, hv__h_sites },
    { "GET", "/api/v1/sites/{id}", HV_ACT_SITE_READ, hv__h_site },
    { "POST", "/api/v1/sites/{id}/checkin", HV_ACT_SITE_STAY, hv__h_checkin },
    { "POST", "/api/v1/sites/{id}/checkout", HV_ACT_SITE_STAY, hv__h_checkout },
    { "GET", "/api/v1/occupancy", HV_ACT_OCCUPANCY_READ, hv__h_occupancy },
    { "GET", "/api/v1/crossings", HV_ACT_CROSSING_READ, hv__h_crossings },
    { "GET", "/api/v1/crossings/{id}/history", HV_ACT_CROSSING_READ, hv__h_crossing_history },
    { "POST", "/api/v1/crossings/{id}/status", HV_ACT_CROSSING_WRITE, hv__h_crossing_status },
    { "GET", "/api/v1/movements", HV_ACT_MOVEMENT_READ, hv__h_movements },
    { "POST", "/api/v1/movements", HV_ACT_MOVEMENT_WRITE, hv__h_movement_plan },
    { "GET", "/api/v1/placement/plans", HV_ACT_PLACEMENT_READ, hv__h_plans },
    { "POST", "/api/v1/placement/plans", HV_ACT_PLACEMENT_WRITE, hv__h_plan_propose },
    { "GET", "/api/v1/placement/plans/{id}", HV_ACT_PLACEMENT_READ, hv__h_plan },
    { "POST", "/api/v1/placement/plans/{id}/accept", HV_ACT_PLACEMENT_WRITE, hv__h_plan_accept },
    { "POST", "/api/v1/placement/plans/{id}/reject", HV_ACT_PLACEMENT_WRITE, hv__h_plan_reject },
    { "GET", "/api/v1/forecasts", HV_ACT_FORECAST_READ, hv__h_forecasts },
    { "POST", "/api/v1/forecasts", HV_ACT_FORECAST_WRITE, hv__h_forecast_run },
    { "GET", "/api/v1/forecasts/{id}", HV_ACT_FORECAST_READ, hv__h_forecast },
    { "GET", "/api/v1/audit", HV_ACT_AUDIT_READ, hv__h_audit },
};
const size_t hv__n_routes = HV_ARRAY_LEN(hv__routes);

enum hv_err hv_server_routes_json(struct hv_buf *out)
{
    struct hv_jw w;
    hv_jw_init(&w, out, false);
    hv_jw_array_begin(&w);
    for (size_t i = 0; i < hv__n_routes; i++) {
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "method");
        hv_jw_strz(&w, hv__routes[i].method);
        hv_jw_key(&w, "path");
        hv_jw_strz(&w, hv__routes[i].path);
        hv_jw_key(&w, "action");
        hv_jw_strz(&w, hv_action_name(hv__routes[i].action));
        hv_jw_object_end(&w);
    }
    hv_jw_array_end(&w);
    return hv_jw_err(&w);
}
