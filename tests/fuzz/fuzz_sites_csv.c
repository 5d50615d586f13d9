/* fuzz_sites_csv.c - fuzz harness for the sites, crossings and crossing-status CSV parsers: the
 * same bytes go to all three; a success must give well-formed rows (refs within limits, bed
 * counts and coordinates in range, known statuses), a failure must explain itself in diag.
 * Aborts on any inconsistency.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/sites.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                  \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_sites_csv: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                   \
        }                                                                              \
    } while (0)

static void check_failure(enum hv_err err, const struct hv_diag *d)
{
    REQUIRE(err == HV_ERR_INVALID || err == HV_ERR_LIMIT);
    REQUIRE(hv_diag_has(d));
    REQUIRE(strcmp(d->file, "f.csv") == 0);
}

static void check_ref(struct hv_str r)
{
    REQUIRE(r.len >= 1 && r.len <= 64);
    REQUIRE(r.ptr[r.len] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct hv_arena a;
    struct hv_diag d;

    hv_arena_init(&a, 64u << 20);
    struct hv_site *s = NULL;
    size_t n = 0;
    hv_diag_clear(&d);
    enum hv_err err = hv_sites_parse_csv(&a, "f.csv", text, size, &s, &n, &d);
    if (err == HV_OK) {
        for (size_t i = 0; i < n; i++) {
            check_ref(s[i].ref);
            REQUIRE(s[i].country.len == 2);
            REQUIRE(s[i].lat >= -90 && s[i].lat <= 90 && s[i].lon >= -180 && s[i].lon <= 180);
            for (int k = 0; k < HV_N_BED_KINDS; k++)
                REQUIRE(s[i].beds[k] >= 0 && s[i].beds[k] <= HV_SITES_MAX_BEDS);
            for (size_t j = 0; j < i; j++)
                REQUIRE(!hv_str_eq(s[i].ref, s[j].ref));
        }
    } else {
        check_failure(err, &d);
    }
    hv_arena_finish(&a);

    hv_arena_init(&a, 64u << 20);
    struct hv_crossing *x = NULL;
    hv_diag_clear(&d);
    err = hv_crossings_parse_csv(&a, "f.csv", text, size, &x, &n, &d);
    if (err == HV_OK) {
        for (size_t i = 0; i < n; i++) {
            check_ref(x[i].ref);
            REQUIRE(x[i].countries.len >= 2);
            REQUIRE(x[i].opened == 0 || (x[i].opened >= 1800 && x[i].opened <= 2100));
        }
    } else {
        check_failure(err, &d);
    }
    hv_arena_finish(&a);

    hv_arena_init(&a, 64u << 20);
    struct hv_crossing_event *e = NULL;
    hv_diag_clear(&d);
    err = hv_crossing_status_parse_csv(&a, "f.csv", text, size, &e, &n, &d);
    if (err == HV_OK) {
        for (size_t i = 0; i < n; i++) {
            check_ref(e[i].crossing_ref);
            REQUIRE(e[i].status == HV_CROSSING_OPEN || e[i].status == HV_CROSSING_RESTRICTED ||
                    e[i].status == HV_CROSSING_CLOSED);
            REQUIRE(e[i].source.len > 0);
            REQUIRE(e[i].line >= 2);
        }
    } else {
        check_failure(err, &d);
    }
    hv_arena_finish(&a);
    return 0;
}
