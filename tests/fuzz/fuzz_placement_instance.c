/* fuzz_placement_instance.c - fuzz harness for the placement instance parser: a parse either
 * fails with a diagnostic, or gives an instance whose write parses back to the same counts; the
 * model built from it must verify the built-in engine's plan. Aborts on any inconsistency.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/placement.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                           \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "fuzz_placement_instance: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hv_arena a;
    hv_arena_init(&a, 64u << 20);
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_place_instance in;
    enum hv_err err = hv_place_instance_parse(&a, "f.txt", (const char *)data, size, &in, &d);
    if (err != HV_OK) {
        REQUIRE(err == HV_ERR_INVALID || err == HV_ERR_LIMIT);
        REQUIRE(hv_diag_has(&d));
        hv_arena_finish(&a);
        return 0;
    }
    struct hv_buf b;
    hv_buf_init(&b, 0);
    REQUIRE(hv_place_instance_write(&in, &b) == HV_OK);
    struct hv_place_instance in2;
    REQUIRE(hv_place_instance_parse(&a, "w.txt", b.ptr != NULL ? b.ptr : "", b.len, &in2, &d) ==
            HV_OK);
    REQUIRE(in2.n_families == in.n_families && in2.n_sites == in.n_sites &&
            in2.n_routes == in.n_routes && in2.n_countries == in.n_countries);
    struct hv_place_model m;
    err = hv_place_model_build(&a, &in, &m, &d);
    if (err == HV_OK && in.n_families <= 200) {
        struct hv_place_params p = { .time_limit = 0.2 };
        struct hv_place_result r;
        REQUIRE(hv_place_solve(&m, &p, &r, &d) == HV_OK);
        REQUIRE(r.objective <= r.bound + 1e-6 * (r.bound > 1 ? r.bound : 1));
        hv_place_result_finish(&r);
    } else if (err != HV_OK) {
        REQUIRE(err == HV_ERR_INVALID || err == HV_ERR_LIMIT);
    }
    hv_buf_finish(&b);
    hv_arena_finish(&a);
    return 0;
}
