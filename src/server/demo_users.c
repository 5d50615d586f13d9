/* demo_users.c - one demo user per role with documented passwords (docs/internals/ACCESS.md),
 * for the demo database only: `haven serve --demo-users`.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <stdio.h>

enum hv_err hv_server_demo_users(struct hv_ctx *ctx, const char *site_ref, struct hv_diag *diag)
{
    for (int r = 0; r < HV_N_ROLES; r++) {
        const char *name = hv_role_name((enum hv_role)r);
        char password[64];
        snprintf(password, sizeof(password), "haven-demo-%s", name);
        const char *sites = r == HV_ROLE_SITE_MANAGER ? site_ref : "";
        struct hv_diag d;
        hv_diag_clear(&d);
        enum hv_err err = hv_access_user_add(ctx, name, (enum hv_role)r, sites, password, &d);
        if (err == HV_ERR_CONFLICT)
            continue; /* already there: passwords are not reset */
        if (err != HV_OK) {
            if (diag != NULL)
                *diag = d;
            return err;
        }
    }
    return HV_OK;
}
