/* demo_load.c - loads the scenario's sites.csv, crossings.csv and crossing_status.csv (written
 * by hv_demo_generate) into the sites tables, after the registry import.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/sites.h"

#include <stdio.h>

enum hv_err hv_sites_demo_load(struct hv_ctx *ctx, const char *scenario_dir, struct hv_diag *diag)
{
    static const char *const files[] = { "sites.csv", "crossings.csv", "crossing_status.csv" };
    char path[4096];
    enum hv_err err = HV_OK;
    for (size_t i = 0; i < HV_ARRAY_LEN(files) && err == HV_OK; i++) {
        int n = snprintf(path, sizeof(path), "%s/%s", scenario_dir, files[i]);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            hv_diag_set(diag, NULL, "scenario directory path is too long");
            return HV_ERR_LIMIT;
        }
        if (i == 0)
            err = hv_sites_load_file(ctx, path, NULL, diag);
        else if (i == 1)
            err = hv_crossings_load_file(ctx, path, NULL, diag);
        else
            err = hv_crossing_status_load_file(ctx, path, NULL, diag);
    }
    return err;
}
