/* solve.c - the solver interface: the table of backends and the common entry point.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/placement.h"

#include <stdlib.h>
#include <string.h>

#include "placement/placement_int.h"

static const struct hv_place_backend backends[] = {
    { "builtin", hv__place_solve_builtin },
    { "cbc", hv__place_solve_cbc },
};

const struct hv_place_backend *hv_place_backend_find(const char *name)
{
    if (name == NULL)
        name = "builtin";
    for (size_t i = 0; i < HV_ARRAY_LEN(backends); i++) {
        if (strcmp(backends[i].name, name) == 0)
            return &backends[i];
    }
    return NULL;
}

void hv_place_result_finish(struct hv_place_result *r)
{
    free(r->assign);
    free(r->row_dual);
    memset(r, 0, sizeof(*r));
}

enum hv_err hv_place_solve(const struct hv_place_model *m, const struct hv_place_params *p,
                           struct hv_place_result *r, struct hv_diag *diag)
{
    memset(r, 0, sizeof(*r));
    const struct hv_place_backend *b = hv_place_backend_find(p->backend);
    if (b == NULL) {
        hv_diag_set(diag, "backend", "unknown solver backend \"%s\" (builtin, cbc)", p->backend);
        return HV_ERR_NOTFOUND;
    }
    enum hv_err err = b->solve(m, p, r, diag);
    if (err != HV_OK) {
        hv_place_result_finish(r);
        return err;
    }
    /* every backend's plan is checked before anyone sees it */
    double obj = 0;
    err = hv_place_verify(m, r->assign, &obj, diag);
    if (err != HV_OK) {
        hv_place_result_finish(r);
        return HV_ERR_INTERNAL;
    }
    r->objective = obj;
    return HV_OK;
}
