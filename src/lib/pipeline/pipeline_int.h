/* pipeline_int.h - what the pipeline's files share: workflow graph checks, file reading, case
 * look-up, and the bulk event writer used by the demo history and the benchmark.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_PIPELINE_INT_H
#define HV_PIPELINE_INT_H

#include "haven/buf.h"
#include "haven/pipeline.h"

struct hv_arena;

/* Checks the graph of a parsed workflow and fills every transition's to_index: unique step ids,
 * transitions to known steps (not to the step itself, not twice to the same step), every step
 * reachable from the first, at least one terminal step, no applicant step on a
 * government-only clock. HV_ERR_INVALID with diag naming name, the step and the reason. */
HV_MUST_CHECK enum hv_err hv__workflow_check(struct hv_workflow *wf, const char *name,
                                             struct hv_diag *diag);

/* Reads a whole file into b (whose cap limits it: HV_ERR_LIMIT); HV_ERR_IO with errno set. */
HV_MUST_CHECK enum hv_err hv__read_file(const char *path, struct hv_buf *b);

/* True for a reason code or evidence ref: [A-Za-z0-9._:/-], 1..64 bytes. */
bool hv__pipeline_code_ok(struct hv_str s);

/* What the pipeline reads of a case (no sealed fields). Strings are NUL-terminated copies. */
struct hv__case_row {
    int64_t id;
    char ref[68];
    char programme[36];
    int64_t risk_level;
    char workflow[HV_WF_MAX_ID + 1]; /* "" when none */
    char step[HV_WF_MAX_ID + 1];     /* "" when none */
    int64_t created_at;
};
/* HV_ERR_NOTFOUND (with a message naming ref) when there is no such case. */
HV_MUST_CHECK enum hv_err hv__pipeline_case(struct hv_ctx *ctx, struct hv_str ref,
                                            struct hv__case_row *out, struct hv_diag *diag);

/* The workflow a case of programme starting at time at defaults to: among the files of the
 * workflow directory for that programme, the one with the latest effective_from <= at. */
HV_MUST_CHECK enum hv_err hv__pipeline_default_workflow(struct hv_ctx *ctx, struct hv_arena *a,
                                                        const char *programme, int64_t at,
                                                        const struct hv_workflow **out,
                                                        struct hv_diag *diag);
/* Stores the definition of workflow id in workflow_def when it is not there yet (inside the
 * caller's transaction): from then on the case keeps this version. */
HV_MUST_CHECK enum hv_err hv__pipeline_freeze_workflow(struct hv_ctx *ctx, const char *id,
                                                       struct hv_diag *diag);

/* One event for the bulk writer (no evidence, note or override). */
struct hv__event_row {
    int64_t case_id;
    const char *workflow;
    const char *from; /* "" for a start */
    const char *to;
    int64_t at;
};
/* Inserts rows inside the caller's transaction, attributed to actor and audit_seq. */
HV_MUST_CHECK enum hv_err hv__pipeline_insert_events(struct hv_ctx *ctx,
                                                     const struct hv__event_row *rows, size_t n,
                                                     int64_t audit_seq);

#endif

/* --- clocks over stored history (timeline.c) -------------------------------------------- */

struct hv__suspension {
    char workflow[HV_WF_MAX_ID + 1];
    char step[HV_WF_MAX_ID + 1]; /* "" = every step */
    int64_t from, to;            /* to = INT64_MAX while it lasts */
};

/* A case's visits and pauses while they are gathered (heap vectors, reused between cases). */
struct hv__timeline {
    struct hv_step_visit *visits;
    size_t n_visits, cap_visits;
    struct hv_pause *pauses;
    size_t n_pauses, cap_pauses;
    bool held; /* a hold open at as_of */
};
void hv__timeline_reset(struct hv__timeline *t);
void hv__timeline_finish(struct hv__timeline *t);
void hv__timeline_visit(struct hv__timeline *t, int step, int64_t at);
void hv__timeline_pause(struct hv__timeline *t, int64_t from, int64_t to, int step);

/* Every suspension, into a (*out, *n). */
HV_MUST_CHECK enum hv_err hv__pipeline_suspensions(struct hv_ctx *ctx, struct hv_arena *a,
                                                   struct hv__suspension **out, size_t *n);

/* Fills out's clock fields from the timeline (visits in time order, holds as pauses with step
 * -1) plus the workflow's suspensions, as of as_of. out->case_ref is left alone. */
void hv__pipeline_compute(const struct hv_workflow *wf, struct hv__timeline *t,
                          const struct hv__suspension *susp, size_t n_susp, int64_t as_of,
                          struct hv_case_clock *out);

/* A small cache of workflows by id for report loops (parsed into the caller's arena). */
struct hv__wf_cache {
    const struct hv_workflow *wf[16];
    size_t n;
};
HV_MUST_CHECK enum hv_err hv__wf_cache_get(struct hv_ctx *ctx, struct hv_arena *a,
                                           struct hv__wf_cache *c, struct hv_str id,
                                           const struct hv_workflow **out);
