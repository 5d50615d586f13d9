/* fuzz_ofac_csv.c - fuzz harness for the OFAC SDN legacy CSV loader: the input is split at the
 * first two 0x1E bytes into sdn.csv, alt.csv and add.csv (missing parts are absent files);
 * on success checks the list's invariants (refs are ent_nums, names present, limits kept).
 * Aborts on any inconsistency.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/screening.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                 \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_ofac_csv: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *parts[3] = { p, NULL, NULL };
    size_t lens[3] = { size, 0, 0 };
    const char *sep = memchr(p, 0x1E, size);
    if (sep != NULL) {
        lens[0] = (size_t)(sep - p);
        parts[1] = sep + 1;
        lens[1] = size - lens[0] - 1;
        const char *sep2 = memchr(parts[1], 0x1E, lens[1]);
        if (sep2 != NULL) {
            parts[2] = sep2 + 1;
            lens[2] = lens[1] - (size_t)(sep2 - parts[1]) - 1;
            lens[1] = (size_t)(sep2 - parts[1]);
        }
    }
    struct hv_wl_list *l = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err =
        hv_wl_load_ofac_mem(parts[0], lens[0], parts[1], lens[1], parts[2], lens[2], &l, &d);
    if (err != HV_OK) {
        REQUIRE(l == NULL);
        REQUIRE(hv_diag_has(&d));
        return 0;
    }
    REQUIRE(l != NULL && l->n_entries > 0);
    for (size_t i = 0; i < l->n_entries; i++) {
        const struct hv_wl_entry *e = &l->entries[i];
        REQUIRE(e->ref[0] >= '0' && e->ref[0] <= '9');
        REQUIRE(e->n_names > 0 && e->n_names <= HV_WL_MAX_NAMES);
        REQUIRE(e->names[0].kind == HV_WL_NAME_PRIMARY);
        REQUIRE(e->n_dobs <= HV_WL_MAX_DOBS && e->n_nats <= HV_WL_MAX_NATS);
    }
    hv_wl_list_destroy(l);
    return 0;
}
