/* cmd_status.c - `haven status`: what the database holds, without personal data.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "haven/audit.h"
#include "haven/registry.h"
#include "haven/store.h"

static const char help[] = "usage: haven status\n\n"
                           "Counts of locations, cases, people, documents, employment records\n"
                           "and contacts; the schema version; the audit log's length.\n";

int cmd_status(struct cli *c, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc > 1)
        return cli_usage("status", "takes no arguments");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    int64_t counts[HV_N_KINDS], version = 0, n_audit = 0;
    static const char audit_sql[] = "SELECT coalesce(max(seq), 0) FROM audit_log";
    enum hv_err err = hv_registry_counts(&c->ctx, counts);
    if (err == HV_OK)
        err = hv_store_schema_version(c->ctx.store, &version);
    if (err == HV_OK)
        err = hv_store_query_int(c->ctx.store, audit_sql, false, 0, 0, &n_audit);
    if (err != HV_OK)
        return cli_fail(c, err, NULL);
    if (c->json) {
        printf("{\"db\":\"%s\",\"schema_version\":%lld,\"audit_entries\":%lld", c->db,
               (long long)version, (long long)n_audit);
        for (int k = 0; k < HV_N_KINDS; k++)
            printf(",\"%s\":%lld", hv_kind(k)->plural, (long long)counts[k]);
        printf("}\n");
        return 0;
    }
    printf("database        %s (schema %lld)\n", c->db, (long long)version);
    for (int k = 0; k < HV_N_KINDS; k++)
        printf("%-15s %lld\n", hv_kind(k)->plural, (long long)counts[k]);
    printf("audit entries   %lld\n", (long long)n_audit);
    return 0;
}
