/* fuzz_un_xml.c - fuzz harness for the UN consolidated list loader: parses the input from
 * memory; on success checks the list's invariants (every entry has a ref and at least one name,
 * counts within the limits, dates valid) and that loading the same bytes again gives the same
 * entry hashes. Aborts on any inconsistency.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/screening.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                               \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "fuzz_un_xml: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                \
        }                                                                           \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hv_wl_list *l = NULL, *again = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err = hv_wl_load_un_mem("fuzz.xml", data, size, &l, &d);
    if (err != HV_OK) {
        REQUIRE(l == NULL);
        REQUIRE(hv_diag_has(&d));
        return 0;
    }
    REQUIRE(l != NULL && l->n_entries > 0);
    for (size_t i = 0; i < l->n_entries; i++) {
        const struct hv_wl_entry *e = &l->entries[i];
        REQUIRE(e->ref != NULL && e->ref[0] != '\0');
        REQUIRE(e->n_names > 0 && e->n_names <= HV_WL_MAX_NAMES);
        REQUIRE(e->n_dobs <= HV_WL_MAX_DOBS && e->n_nats <= HV_WL_MAX_NATS);
        for (size_t k = 0; k < e->n_names; k++)
            REQUIRE(e->names[k].text[0] != '\0');
        for (size_t k = 0; k < e->n_dobs; k++) {
            char t[16];
            struct hv_pdate p;
            const char *why = NULL;
            hv_pdate_format(&e->dobs[k], t);
            REQUIRE(hv_pdate_parse(t, strlen(t), &p, &why));
        }
    }
    REQUIRE(hv_wl_load_un_mem("fuzz.xml", data, size, &again, &d) == HV_OK);
    REQUIRE(again->n_entries == l->n_entries);
    for (size_t i = 0; i < l->n_entries; i++)
        REQUIRE(memcmp(l->entries[i].hash, again->entries[i].hash, 32) == 0);
    hv_wl_list_destroy(again);
    hv_wl_list_destroy(l);
    return 0;
}
