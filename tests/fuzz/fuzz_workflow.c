/* fuzz_workflow.c - fuzz harness for the workflow loader: parses the input as a workflow and,
 * when it is accepted, checks the invariants the rest of the pipeline relies on (a first step,
 * every transition pointing at a real step, a terminal step, known evidence kinds, government-
 * only clocks counting only government steps); when it is refused, that the message is set.
 * Aborts on any inconsistency.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                 \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_workflow: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

static void check(const struct hv_workflow *wf)
{
    REQUIRE(wf->n_steps >= 1 && wf->n_steps <= HV_WF_MAX_STEPS);
    bool terminal = false;
    for (size_t i = 0; i < wf->n_steps; i++) {
        const struct hv_wf_step *s = &wf->steps[i];
        REQUIRE(hv_workflow_step(wf, hv_str_c(s->id)) == (int)i);
        terminal |= s->n_transitions == 0;
        for (size_t t = 0; t < s->n_transitions; t++) {
            const struct hv_wf_transition *tr = &s->transitions[t];
            REQUIRE(tr->to_index < wf->n_steps && tr->to_index != i);
            REQUIRE(strcmp(wf->steps[tr->to_index].id, tr->to) == 0);
            REQUIRE(hv_workflow_transition(wf, i, tr->to_index) == tr);
            for (size_t e = 0; e < tr->n_evidence; e++) {
                bool known = false;
                for (size_t k = 0; k < wf->n_evidence_kinds; k++)
                    known |= strcmp(tr->evidence[e], wf->evidence_kinds[k]) == 0;
                REQUIRE(known);
            }
        }
        for (size_t c = 0; c < wf->n_clocks; c++) {
            if ((s->clocks & (1u << c)) && wf->clocks[c].government_only)
                REQUIRE(s->control == HV_WF_GOVERNMENT);
        }
    }
    REQUIRE(terminal);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hv_arena a;
    hv_arena_init(&a, 16u << 20);
    const struct hv_workflow *wf = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err = hv_workflow_parse(&a, "fuzz.json", data, size, &wf, &d);
    if (err == HV_OK) {
        REQUIRE(wf != NULL);
        check(wf);
    } else {
        REQUIRE(wf == NULL);
        REQUIRE(err == HV_ERR_INVALID || err == HV_ERR_LIMIT);
        REQUIRE(hv_diag_has(&d));
    }
    hv_arena_finish(&a);
    return 0;
}
