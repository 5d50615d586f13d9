/* demo_history.c - a plausible siv-2021 history for the demo's cases (2018 to August 2021),
 * so that the backlog and clock reports and the forecast have data. Step durations are
 * assumptions, documented in docs/internals/PIPELINE.md, chosen to give the average case
 * well over two years from application to travel, as reported for 2021.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/clock.h"
#include "haven/store.h"
#include "pipeline/pipeline_int.h"

#define DEMO_WORKFLOW "siv-2021"
#define DEMO_AS_OF    1630368000 /* 2021-08-31T00:00:00Z */
#define DEMO_FIRST    1514764800 /* 2018-01-01T00:00:00Z */

/* Mean days in each step and the spread (sigma of a log-normal); the branch share is the
 * chance of the step's second transition (returned as incomplete, COM denial). */
struct step_assumption {
    const char *step;
    double mean_days;
    double sigma;
    double branch; /* share taking transitions[1] */
};

static const struct step_assumption assumptions[] = {
    { "com_application", 60, 0.6, 0 },
    { "com_completeness", 45, 0.5, 0.15 },
    { "employment_verification", 120, 0.7, 0 },
    { "com_decision", 90, 0.6, 0.10 },
    { "com_appeal", 60, 0.5, 0 },
    { "i360_petition", 30, 0.5, 0 },
    { "i360_adjudication", 150, 0.6, 0 },
    { "nvc_documents", 90, 0.6, 0 },
    { "interview_scheduling", 120, 0.7, 0 },
    { "interview", 14, 0.4, 0 },
    { "administrative_processing", 180, 0.8, 0 },
    { "medical_exam", 30, 0.4, 0 },
    { "visa_issuance", 14, 0.4, 0 },
};

static const struct step_assumption *assumption(const char *step)
{
    for (size_t i = 0; i < HV_ARRAY_LEN(assumptions); i++) {
        if (strcmp(assumptions[i].step, step) == 0)
            return &assumptions[i];
    }
    return NULL;
}

/* A log-normal draw with the given mean (seconds), by Box-Muller. */
static int64_t draw_seconds(struct hv_rng *r, double mean_days, double sigma)
{
    double u1 = hv_rng_unit(r), u2 = hv_rng_unit(r);
    if (u1 < 1e-12)
        u1 = 1e-12;
    double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    double days = mean_days * exp(sigma * z - sigma * sigma / 2.0);
    if (days < 1)
        days = 1;
    return (int64_t)(days * 86400.0);
}

static void push(struct hv__event_row **ev, size_t *n, size_t *cap, int64_t case_id,
                 const char *workflow, const char *from, const char *to, int64_t at)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4096;
        *ev = hv_xrealloc(*ev, *cap * sizeof(**ev));
    }
    (*ev)[(*n)++] = (struct hv__event_row){
        .case_id = case_id, .workflow = workflow, .from = from, .to = to, .at = at
    };
}

struct demo_case {
    int64_t id;
    size_t first_event, n_events;
    const char *step;
};

static enum hv_err build(struct hv_ctx *ctx, struct hv_arena *a, uint64_t seed, int64_t as_of,
                         int64_t *n_cases, struct hv_diag *diag)
{
    static const char cases_sql[] =
        "SELECT id FROM hv_case WHERE coalesce(workflow, '') = '' ORDER BY id";
    const struct hv_workflow *wf = NULL;
    enum hv_err err = hv_pipeline_workflow(ctx, a, hv_str_c(DEMO_WORKFLOW), &wf, diag);
    if (err != HV_OK)
        return err;
    struct demo_case *cases = NULL;
    size_t n = 0, cap = 0;
    struct hv_stmt *s = NULL;
    bool row = false;
    err = hv_store_stmt(ctx->store, cases_sql, &s);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            cases = hv_xrealloc(cases, cap * sizeof(*cases));
        }
        cases[n++] = (struct demo_case){ .id = hv_stmt_col_int(s, 0) };
    }
    struct hv__event_row *ev = NULL;
    size_t n_ev = 0, cap_ev = 0;
    struct hv_rng rng;
    hv_rng_seed(&rng, seed);
    int64_t span = as_of - 14 * 86400 - DEMO_FIRST;
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        /* Applications grew over time: u^0.7 leans the start dates toward 2020-2021. */
        int64_t t = DEMO_FIRST + (int64_t)(pow(hv_rng_unit(&rng), 0.7) * (double)span);
        size_t step = 0;
        bool denied_once = false;
        cases[i].first_event = n_ev;
        push(&ev, &n_ev, &cap_ev, cases[i].id, wf->id, "", wf->steps[0].id, t);
        while (wf->steps[step].n_transitions > 0) {
            const struct hv_wf_step *st = &wf->steps[step];
            const struct step_assumption *as = assumption(st->id);
            int64_t d = as != NULL ? draw_seconds(&rng, as->mean_days, as->sigma)
                                   : draw_seconds(&rng, 30, 0.5);
            double u = hv_rng_unit(&rng);
            if (t + d > as_of)
                break;
            /* At most one COM denial (and appeal) per case. */
            bool is_decision = strcmp(st->id, "com_decision") == 0;
            size_t k = 0;
            if (st->n_transitions > 1 && as != NULL && u < as->branch &&
                !(is_decision && denied_once))
                k = 1;
            if (is_decision && k == 1)
                denied_once = true;
            t += d;
            size_t next = st->transitions[k].to_index;
            push(&ev, &n_ev, &cap_ev, cases[i].id, wf->id, st->id, wf->steps[next].id, t);
            step = next;
        }
        cases[i].n_events = n_ev - cases[i].first_event;
        cases[i].step = wf->steps[step].id;
    }
    if (err == HV_OK && n > 0)
        err = hv__pipeline_freeze_workflow(ctx, wf->id, diag);
    int64_t seq = 0;
    if (err == HV_OK && n > 0) {
        char detail[160];
        snprintf(detail, sizeof(detail), "workflow=%s cases=%zu events=%zu seed=%llu", wf->id, n,
                 n_ev, (unsigned long long)seed);
        err = hv_audit_append(ctx, "pipeline.demo", "case", 0, detail, NULL, &seq);
    }
    if (err == HV_OK)
        err = hv__pipeline_insert_events(ctx, ev, n_ev, seq);
    static const char upd_sql[] =
        "UPDATE hv_case SET workflow = ?1, step = ?2, audit_seq = ?3 WHERE id = ?4";
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        err = hv_store_stmt(ctx->store, upd_sql, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 1, hv_str_c(wf->id));
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 2, hv_str_c(cases[i].step));
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 3, seq);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 4, cases[i].id);
        if (err == HV_OK)
            err = hv_stmt_run(s);
    }
    if (n_cases != NULL)
        *n_cases = (int64_t)n;
    free(cases);
    free(ev);
    return err;
}

enum hv_err hv_pipeline_demo_history(struct hv_ctx *ctx, uint64_t seed, int64_t as_of,
                                     int64_t *n_cases, struct hv_diag *diag)
{
    if (as_of == 0)
        as_of = DEMO_AS_OF;
    if (as_of < DEMO_FIRST + 30 * 86400) {
        hv_diag_set(diag, "as_of", "the demo history needs an end date after February 2018");
        return HV_ERR_INVALID;
    }
    struct hv_arena a;
    hv_arena_init(&a, 16u << 20);
    enum hv_err err = hv_store_begin(ctx->store);
    if (err == HV_OK) {
        err = build(ctx, &a, seed, as_of, n_cases, diag);
        if (err == HV_OK)
            err = hv_store_commit(ctx->store);
        else
            hv_store_rollback(ctx->store);
    }
    hv_arena_finish(&a);
    return err;
}
