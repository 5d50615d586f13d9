/* cmd_export.c - `haven export`: the registry as CSV files, JSON, or sealed JSON.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "haven/audit.h"
#include "haven/registry.h"
#include "haven/store.h"

static const char help[] =
    "usage: haven export --format csv|json --out PATH [--sealed]\n"
    "\n"
    "  --format csv   one file per kind in the directory PATH (cases.csv, people.csv ...)\n"
    "  --format json  one document at PATH (\"-\" for standard output)\n"
    "  --sealed       JSON encrypted with the database's master key: a backup or transfer\n"
    "                 that reveals nothing without the key file (or passphrase)\n"
    "\n"
    "The output re-imports exactly (`haven import PATH`). An export holds personal data in\n"
    "clear unless --sealed: treat it like the people it names. Every export is audited.\n";

int cmd_export(struct cli *c, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    const char *format = NULL, *out = NULL;
    bool sealed = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--sealed") == 0)
            sealed = true;
        else
            return cli_usage("export", "unknown option %s", argv[i]);
    }
    if (format == NULL)
        format = sealed ? "json" : NULL;
    if (format == NULL || out == NULL)
        return cli_usage("export", "--format and --out are required");
    enum hv_export_format f;
    if (strcmp(format, "csv") == 0)
        f = HV_EXPORT_CSV;
    else if (strcmp(format, "json") == 0)
        f = HV_EXPORT_JSON;
    else
        return cli_usage("export", "--format must be csv or json");
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    /* The export is a read of everyone's personal data: audit it first, so that a failed
     * audit write stops the export. */
    enum hv_err err = hv_store_begin(c->ctx.store);
    if (err == HV_OK) {
        err = hv_audit_append(&c->ctx, "export", "registry", 0,
                              sealed ? "format=json sealed"
                                     : (f == HV_EXPORT_CSV ? "format=csv" : "format=json"),
                              NULL, NULL);
        if (err == HV_OK)
            err = hv_store_commit(c->ctx.store);
        else
            hv_store_rollback(c->ctx.store);
    }
    if (err == HV_OK)
        err = hv_registry_export(&c->ctx, f, out, sealed, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    if (strcmp(out, "-") != 0 && !c->quiet)
        fprintf(stderr, "exported to %s%s\n", out, sealed ? " (sealed)" : "");
    return 0;
}
