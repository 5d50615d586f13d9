/* cmd_import.c - `haven import`: CSV files, directories of them, JSON or sealed exports.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "haven/buf.h"
#include "haven/jsonw.h"
#include "haven/registry.h"

static const char help[] =
    "usage: haven import [--reject-file F] [--dry-run] FILE|DIR...\n"
    "\n"
    "Imports registry records (formats: docs/formats.md): CSV files (kind told by the header),\n"
    "directories holding locations.csv, cases.csv, people.csv, documents.csv, employment.csv,\n"
    "contacts.csv, JSON documents, and sealed exports. Records are keyed by their ref:\n"
    "importing the same file again changes nothing, so a retry is always safe.\n"
    "\n"
    "  --reject-file F   commit the valid rows; write each refused row to F with its reason\n"
    "                    (exit code 3 when any row was refused)\n"
    "  --dry-run         check everything, write nothing\n"
    "\n"
    "Without --reject-file the import is all-or-nothing: the first bad row stops it and the\n"
    "error names the file, line, field and reason.\n";

static void print_counts(struct cli *c, const struct hv_import_counts *k, bool dry)
{
    if (c->json) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        struct hv_jw w;
        hv_jw_init(&w, &b, false);
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "dry_run");
        hv_jw_bool(&w, dry);
        for (int i = 0; i < HV_N_KINDS; i++) {
            hv_jw_key(&w, hv_kind(i)->plural);
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "created");
            hv_jw_int(&w, (int64_t)k->created[i]);
            hv_jw_key(&w, "updated");
            hv_jw_int(&w, (int64_t)k->updated[i]);
            hv_jw_key(&w, "unchanged");
            hv_jw_int(&w, (int64_t)k->unchanged[i]);
            hv_jw_key(&w, "rejected");
            hv_jw_int(&w, (int64_t)k->rejected[i]);
            hv_jw_object_end(&w);
        }
        hv_jw_object_end(&w);
        cli_print_json(b.ptr, b.len);
        hv_buf_finish(&b);
        return;
    }
    printf("%-12s %10s %10s %10s %10s\n", "", "created", "updated", "unchanged", "rejected");
    for (int i = 0; i < HV_N_KINDS; i++) {
        printf("%-12s %10llu %10llu %10llu %10llu\n", hv_kind(i)->plural,
               (unsigned long long)k->created[i], (unsigned long long)k->updated[i],
               (unsigned long long)k->unchanged[i], (unsigned long long)k->rejected[i]);
    }
    if (dry)
        printf("dry run: nothing was written\n");
}

int cmd_import(struct cli *c, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    struct hv_import_options opt = { 0 };
    const char *paths[64];
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reject-file") == 0 && i + 1 < argc) {
            opt.reject_file = argv[++i];
        } else if (strcmp(argv[i], "--dry-run") == 0) {
            opt.dry_run = true;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage("import", "unknown option %s", argv[i]);
        } else if (n < HV_ARRAY_LEN(paths)) {
            paths[n++] = argv[i];
        } else {
            return cli_usage("import", "too many inputs");
        }
    }
    if (n == 0)
        return cli_usage("import", "give at least one file or directory");
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    opt.key_source = &c->key;
    struct hv_import_counts counts;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_registry_import(&c->ctx, paths, n, &opt, &counts, &diag);
    cli_progress_done(c);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    print_counts(c, &counts, opt.dry_run);
    uint64_t rejected = 0;
    for (int i = 0; i < HV_N_KINDS; i++)
        rejected += counts.rejected[i];
    if (rejected > 0) {
        fprintf(stderr, "haven: %llu row(s) refused; see %s\n", (unsigned long long)rejected,
                opt.reject_file);
        return HV_EXIT_REJECTS;
    }
    return 0;
}
