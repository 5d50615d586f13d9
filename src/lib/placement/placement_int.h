/* placement_int.h - what the placement files share: row usage of a plan, the explanation
 * with precomputed usage, timing, and the backends' entry points.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_PLACEMENT_INT_H
#define HV_PLACEMENT_INT_H

#include "haven/placement.h"

/* Capacity used per row by a plan (n_row doubles, caller-owned). */
void hv__place_usage(const struct hv_place_model *m, const int32_t *assign, double *used);
/* hv_place_explain with the plan's usage computed once. */
HV_MUST_CHECK enum hv_err hv__place_explain_used(const struct hv_place_model *m,
                                                 const struct hv_place_result *r,
                                                 const double *used, size_t f, struct hv_buf *b);
/* The route id of column j. */
struct hv_str hv__place_col_route_id(const struct hv_place_model *m, size_t j);
/* Monotonic seconds. */
double hv__place_now(void);

/* The backends: backend_builtin.c (no dependency) and backend_cbc.c (COIN-OR CBC). */
hv_place_solve_fn hv__place_solve_builtin;
hv_place_solve_fn hv__place_solve_cbc;

#endif
