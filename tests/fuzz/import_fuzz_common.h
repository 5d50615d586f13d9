/* import_fuzz_common.h - shared body of the importer fuzz targets: each input is written to a
 * file and imported into a fresh in-memory database (with a fixed test key), all-or-nothing
 * and then with a reject file; any crash, leak or sanitizer report is a finding. After a
 * refused import the database must hold nothing.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_IMPORT_FUZZ_COMMON_H
#define HV_IMPORT_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/registry.h"
#include "haven/store.h"
#include "haven/vault.h"

static void fuzz_import(const uint8_t *data, size_t size, const char *suffix)
{
    char dir[] = "/tmp/hv-fuzz-import-XXXXXX";
    if (mkdtemp(dir) == NULL)
        abort();
    char key[64], in[64], rej[64];
    snprintf(key, sizeof(key), "%s/k", dir);
    snprintf(in, sizeof(in), "%s/input%s", dir, suffix);
    snprintf(rej, sizeof(rej), "%s/rejects", dir);
    FILE *f = fopen(in, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    struct hv_diag d;
    if (hv_vault_keyfile_create(key, &d) != HV_OK)
        abort();
    for (int mode = 0; mode < 2; mode++) {
        struct hv_store *st = NULL;
        struct hv_vault *v = NULL;
        struct hv_store_options opt = { .create = true };
        struct hv_vault_key_source src = { .key_file = key };
        if (hv_store_open(":memory:", &opt, &st, &d) != HV_OK ||
            hv_store_migrate(st, &d) != HV_OK || hv_vault_setup(st, &src, &d) != HV_OK ||
            hv_vault_open(st, &src, &v, &d) != HV_OK)
            abort();
        struct hv_ctx ctx = { .store = st, .vault = v, .actor = "fuzz" };
        struct hv_import_options io = { .reject_file = mode ? rej : NULL, .key_source = &src };
        struct hv_import_counts k;
        const char *paths[] = { in };
        enum hv_err err = hv_registry_import(&ctx, paths, 1, &io, &k, &d);
        int64_t counts[HV_N_KINDS];
        if (hv_registry_counts(&ctx, counts) != HV_OK)
            abort();
        if (err != HV_OK) {
            for (int i = 0; i < HV_N_KINDS; i++) {
                if (counts[i] != 0)
                    abort(); /* a refused import must leave nothing behind */
            }
        } else if (mode == 0) {
            /* What was accepted exports and re-reads without error. */
            char out[64];
            snprintf(out, sizeof(out), "%s/export.json", dir);
            if (hv_registry_export(&ctx, HV_EXPORT_JSON, out, false, &d) != HV_OK)
                abort();
            unlink(out);
        }
        hv_vault_destroy(v);
        hv_store_close(st);
    }
    unlink(in);
    unlink(key);
    unlink(rej);
    rmdir(dir);
}

#endif
