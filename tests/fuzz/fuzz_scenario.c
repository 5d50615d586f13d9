/* fuzz_scenario.c - fuzz harness for the forecast scenario parser and model builder: parses the
 * input; when it is refused, checks that the message names the file; when it is accepted,
 * builds the model without a database and, when the model is small, runs one replication and
 * checks the result's invariants (quantiles ordered, peaks non-negative). Aborts on any
 * inconsistency.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/forecast_int.h"
#include "haven/arena.h"
#include "haven/forecast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                 \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_scenario: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

static void run_small(const struct hv_forecast_model *m)
{
    if (m->n_cases > 2000 || m->weeks > 60 || m->reg_per_week * m->weeks > 2000 ||
        m->n_sites > 50 || m->n_flows > 20)
        return;
    struct hv_forecast_options o = { .reps = 2, .seed = 1, .threads = 1 };
    struct hv_forecast_result *r = NULL;
    struct hv_diag d;
    REQUIRE(hv_forecast_run(m, &o, &r, &d) == HV_OK);
    for (size_t i = 0; i < hv_forecast_n_series(r); i++) {
        for (int32_t w = 0; w < m->weeks; w++) {
            int64_t q[3];
            hv_forecast_beds(r, i, w, q);
            REQUIRE(0 <= q[0] && q[0] <= q[1] && q[1] <= q[2]);
        }
    }
    struct hv_buf b;
    hv_buf_init(&b, 0);
    REQUIRE(hv_forecast_write_json(r, &b) == HV_OK);
    REQUIRE(hv_forecast_svg_fan(r, 0, "t", &b) == HV_OK);
    hv_buf_finish(&b);
    hv_forecast_result_destroy(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hv_arena a;
    hv_arena_init(&a, 64u << 20);
    const struct hv_forecast_scenario *sc = NULL;
    struct hv_diag d;
    enum hv_err err = hv_forecast_scenario_parse(&a, "fuzz.scn", (const char *)data, size, &sc, &d);
    if (err != HV_OK) {
        REQUIRE(sc == NULL);
        REQUIRE(err == HV_ERR_INVALID || err == HV_ERR_LIMIT);
        REQUIRE(hv_diag_has(&d) && strcmp(d.file, "fuzz.scn") == 0);
    } else {
        const struct hv_forecast_model *m = NULL;
        err = hv_forecast_model_build(NULL, &a, sc, 0, &m, &d);
        if (err == HV_OK)
            run_small(m);
        else
            REQUIRE(m == NULL && hv_diag_has(&d) && (err == HV_ERR_INVALID || err == HV_ERR_LIMIT));
    }
    hv_arena_finish(&a);
    return 0;
}
